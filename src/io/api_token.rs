//! The bearer token of serve's HTTP API: where it comes from, and a type that never shows it.
//!
//! The token comes from the environment (or `.env`): `VCCTL_API_TOKEN` holds it, or
//! `VCCTL_API_TOKEN_FILE` names a file holding it (one line; surrounding white space is
//! dropped); serve also takes `--api-token-file PATH`, which wins over both. Never from a flag
//! carrying the token itself: `ps` shows every process's arguments to every user. Setting
//! both variables is a mistake, refused rather than guessed at. Clients (`events --serve`,
//! doctor, `vcctl top`) call [`load_api_token`] and send `Authorization: Bearer <token>`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use subtle::ConstantTimeEq;

use crate::config::Layers;

/// Holds the token itself.
pub const TOKEN_ENV: &str = "VCCTL_API_TOKEN";
/// Names a file holding the token.
pub const TOKEN_FILE_ENV: &str = "VCCTL_API_TOKEN_FILE";
/// Shortest token accepted, in bytes: 16 random bytes as hex are 32.
pub const MIN_TOKEN_LEN: usize = 16;

/// The API token. `Debug` and `Display` print `<redacted>`, so it cannot reach a log line or an
/// error message by accident; [`ApiToken::expose`] is the one way to its value.
#[derive(Clone)]
pub struct ApiToken(Arc<str>);

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(<redacted>)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why a token could not be had. Never contains the token.
#[derive(Debug, thiserror::Error)]
pub enum ApiTokenError {
    #[error(
        "could not read the API token file {path}: {source}; check the path given by {origin}"
    )]
    Read {
        path: PathBuf,
        origin: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("the API token from {origin} is empty; put a random value there, e.g. the output of `openssl rand -hex 32`")]
    Empty { origin: String },
    #[error("the API token from {origin} is too short ({len} bytes); use at least {MIN_TOKEN_LEN}, e.g. `openssl rand -hex 32`")]
    TooShort { origin: String, len: usize },
    #[error("the API token from {origin} contains white space, control or non-ASCII characters; a bearer token is one word of visible ASCII, e.g. `openssl rand -hex 32`")]
    Invalid { origin: String },
    #[error("both {TOKEN_ENV} and {TOKEN_FILE_ENV} are set; keep one of them")]
    Both,
}

impl ApiToken {
    /// A token from its text (`origin` names where it came from, for the error). Surrounding
    /// white space (a file's final newline) is dropped.
    pub fn parse(text: &str, origin: &str) -> Result<ApiToken, ApiTokenError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ApiTokenError::Empty {
                origin: origin.into(),
            });
        }
        if !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiTokenError::Invalid {
                origin: origin.into(),
            });
        }
        if t.len() < MIN_TOKEN_LEN {
            return Err(ApiTokenError::TooShort {
                origin: origin.into(),
                len: t.len(),
            });
        }
        Ok(ApiToken(Arc::from(t)))
    }

    /// The token's value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The `Authorization` header value a client sends, marked sensitive so HTTP libraries
    /// leave it out of their debug output.
    pub fn header_value(&self) -> reqwest::header::HeaderValue {
        let mut v = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", self.0))
            .expect("a parsed token is visible ASCII (checked in ApiToken::parse)");
        v.set_sensitive(true);
        v
    }

    /// Whether an `Authorization` header carries this token (`Bearer <token>`, the scheme
    /// case-insensitive, RFC 6750). The comparison takes the same time wherever the first
    /// difference is, so timing does not reveal a prefix of the token.
    pub fn accepts(&self, authorization: Option<&[u8]>) -> bool {
        let Some(h) = authorization else {
            return false;
        };
        if h.len() < 7 || !h[..7].eq_ignore_ascii_case(b"bearer ") {
            return false;
        }
        let given = h[7..].trim_ascii();
        // ct_eq on slices of different lengths returns false at once: that reveals the
        // length only, which the minimum length and a random token make worthless.
        given.ct_eq(self.0.as_bytes()).into()
    }
}

/// The token for a client or serve, from the environment and `.env` (see the module
/// documentation); `None` when neither variable is set.
pub fn load_api_token() -> Result<Option<ApiToken>, ApiTokenError> {
    let layers = Layers::load().unwrap_or_else(|_| Layers {
        env: std::env::vars().collect(),
        ..Layers::default()
    });
    load_api_token_from(&layers, None)
}

/// [`load_api_token`] from given layers, with serve's `--api-token-file` (which wins).
pub fn load_api_token_from(
    layers: &Layers,
    flag_file: Option<&Path>,
) -> Result<Option<ApiToken>, ApiTokenError> {
    if let Some(path) = flag_file {
        return read_file(path, "--api-token-file").map(Some);
    }
    match (layers.get(TOKEN_ENV), layers.get(TOKEN_FILE_ENV)) {
        (Some(_), Some(_)) => Err(ApiTokenError::Both),
        (Some(t), None) => ApiToken::parse(&t, TOKEN_ENV).map(Some),
        (None, Some(path)) => read_file(Path::new(&path), TOKEN_FILE_ENV).map(Some),
        (None, None) => Ok(None),
    }
}

fn read_file(path: &Path, origin: &'static str) -> Result<ApiToken, ApiTokenError> {
    let text = std::fs::read_to_string(path).map_err(|source| ApiTokenError::Read {
        path: path.to_path_buf(),
        origin,
        source,
    })?;
    ApiToken::parse(&text, &format!("{} ({origin})", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef-secret";

    fn layers(pairs: &[(&str, &str)]) -> Layers {
        Layers {
            env: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Layers::default()
        }
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let t = ApiToken::parse(TOKEN, "test").unwrap();
        assert!(!format!("{t:?}").contains("secret"));
        assert!(!format!("{t}").contains("secret"));
        assert!(!format!("{:?}", Some(t.clone())).contains("secret"));
        assert!(t.header_value().is_sensitive());
        assert_eq!(t.expose(), TOKEN);
    }

    #[test]
    fn accepts_only_the_bearer_token_itself() {
        let t = ApiToken::parse(TOKEN, "test").unwrap();
        let ok = format!("Bearer {TOKEN}");
        assert!(t.accepts(Some(ok.as_bytes())));
        assert!(t.accepts(Some(format!("bearer {TOKEN}").as_bytes())));
        assert!(!t.accepts(None));
        assert!(!t.accepts(Some(b"")));
        assert!(!t.accepts(Some(TOKEN.as_bytes())), "no scheme");
        assert!(!t.accepts(Some(format!("Basic {TOKEN}").as_bytes())));
        assert!(!t.accepts(Some(format!("Bearer {TOKEN}x").as_bytes())));
        assert!(!t.accepts(Some(
            format!("Bearer {}", &TOKEN[..TOKEN.len() - 1]).as_bytes()
        )));
        assert!(!t.accepts(Some(b"Bearer ")));
        let mut wrong = TOKEN.to_string().into_bytes();
        wrong[0] ^= 1;
        let wrong = format!("Bearer {}", String::from_utf8(wrong).unwrap());
        assert!(!t.accepts(Some(wrong.as_bytes())));
    }

    #[test]
    fn tokens_that_cannot_be_right_are_refused_without_showing_them() {
        let e = ApiToken::parse("  \n", TOKEN_ENV).unwrap_err();
        assert!(matches!(e, ApiTokenError::Empty { .. }), "{e}");
        let e = ApiToken::parse("short", TOKEN_ENV).unwrap_err();
        assert!(matches!(e, ApiTokenError::TooShort { len: 5, .. }), "{e}");
        assert!(!e.to_string().contains("short,") && !e.to_string().contains("'short'"));
        let e = ApiToken::parse("abcdefgh ijklmnopq", TOKEN_ENV).unwrap_err();
        assert!(matches!(e, ApiTokenError::Invalid { .. }), "{e}");
        let e = ApiToken::parse("abcdefghijklmnopqé", TOKEN_ENV).unwrap_err();
        assert!(matches!(e, ApiTokenError::Invalid { .. }), "{e}");
        assert!(!e.to_string().contains("ijklmnopq"));
        // A file's trailing newline is not part of the token.
        let t = ApiToken::parse(&format!("{TOKEN}\n"), "file").unwrap();
        assert_eq!(t.expose(), TOKEN);
    }

    #[test]
    fn sources_in_order() {
        assert!(load_api_token_from(&layers(&[]), None).unwrap().is_none());
        let t = load_api_token_from(&layers(&[(TOKEN_ENV, TOKEN)]), None)
            .unwrap()
            .unwrap();
        assert_eq!(t.expose(), TOKEN);

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, format!("{TOKEN}-from-file\n")).unwrap();
        let f = file.to_str().unwrap();
        let t = load_api_token_from(&layers(&[(TOKEN_FILE_ENV, f)]), None)
            .unwrap()
            .unwrap();
        assert_eq!(t.expose(), format!("{TOKEN}-from-file"));
        // Both variables: refused, not guessed.
        let e = load_api_token_from(&layers(&[(TOKEN_ENV, TOKEN), (TOKEN_FILE_ENV, f)]), None)
            .unwrap_err();
        assert!(matches!(e, ApiTokenError::Both));
        // The flag wins over both.
        let t = load_api_token_from(
            &layers(&[(TOKEN_ENV, TOKEN), (TOKEN_FILE_ENV, "/nonexistent")]),
            Some(&file),
        )
        .unwrap()
        .unwrap();
        assert_eq!(t.expose(), format!("{TOKEN}-from-file"));
        // A missing file names the file and where its name came from.
        let e = load_api_token_from(&layers(&[(TOKEN_FILE_ENV, "/nonexistent/tok")]), None)
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("/nonexistent/tok") && msg.contains(TOKEN_FILE_ENV),
            "{msg}"
        );
    }
}
