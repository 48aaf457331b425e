//! Digest authentication of the caller's requests: answering a 401/407 challenge with
//! credentials, at most `MAX_AUTH_ROUNDS` times, a stale nonce excepted.

use super::*;

impl Uac {
    /// The Authorization/Proxy-Authorization header answering a 401/407, or why not.
    pub(super) fn answer_challenge(
        &mut self,
        msg: &SipMessage,
        code: u16,
        method: &str,
        uri: &str,
        rounds: u32,
    ) -> Result<(String, String), String> {
        let (ask, answer) = if code == 407 {
            ("Proxy-Authenticate", "Proxy-Authorization")
        } else {
            ("WWW-Authenticate", "Authorization")
        };
        let Some(ch) = digest::choose(msg.headers_named(ask)) else {
            return Err(format!("the {code} answer carries no digest challenge"));
        };
        let Some(cred) = self.cfg.credentials.clone() else {
            return Err(format!(
                "the server asks for credentials (realm \"{}\") and none were given",
                ch.realm
            ));
        };
        if rounds >= MAX_AUTH_ROUNDS || (rounds > 0 && !ch.stale) {
            return Err(format!(
                "the credentials of user \"{}\" were rejected (realm \"{}\")",
                cred.user, ch.realm
            ));
        }
        self.nc = if self.last_nonce.as_deref() == Some(ch.nonce.as_str()) {
            self.nc + 1
        } else {
            1
        };
        self.last_nonce = Some(ch.nonce.clone());
        let cnonce = self.token();
        let value = digest::authorization(
            &ch,
            &DigestInput {
                user: &cred.user,
                password: &cred.password,
                method,
                uri,
                cnonce: &cnonce,
                nc: self.nc,
            },
        )
        .map_err(|e| e.to_string())?;
        Ok((answer.to_string(), value))
    }
}
