//! HTTP digest authentication as SIP uses it (RFC 2617, RFC 7616, RFC 8760): parse a
//! `WWW-Authenticate` / `Proxy-Authenticate` challenge and build the matching
//! `Authorization` / `Proxy-Authorization` value. MD5 and MD5-sess, `qop=auth` or no qop.
//! Pure: the client nonce and nonce count are parameters.

use crate::sip::md5::md5_hex;

/// Why a challenge cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("the server asks for digest algorithm {0}, but vcctl only speaks MD5 and MD5-sess")]
    UnsupportedAlgorithm(String),
    #[error("the server only offers qop {0}, but vcctl only speaks qop=auth")]
    UnsupportedQop(String),
}

/// One `Digest` challenge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Challenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    /// As written (`MD5`, `MD5-sess`, `SHA-256`, ...); `None` means MD5.
    pub algorithm: Option<String>,
    /// Offered qop values (`auth`, `auth-int`); empty for an RFC 2069 challenge.
    pub qop: Vec<String>,
    /// The previous request's nonce was merely stale: retrying with the new one is expected.
    pub stale: bool,
}

/// Split `k=v, k="v, w"` into pairs, honouring quoted strings with backslash escapes.
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.trim().is_empty() && chars.peek().is_none() {
            break;
        }
        let mut val = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                val.push(n);
                            }
                        }
                        '"' => break,
                        _ => val.push(c),
                    }
                }
                // Skip to the next comma.
                while chars.peek().is_some_and(|c| *c != ',') {
                    chars.next();
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    val.push(c);
                    chars.next();
                }
            }
        }
        out.push((key.trim().to_ascii_lowercase(), val.trim().to_string()));
        if chars.peek().is_none() {
            break;
        }
    }
    out
}

impl Challenge {
    /// Parse a header value; `None` unless the scheme is `Digest` and a nonce is present.
    pub fn parse(value: &str) -> Option<Challenge> {
        let value = value.trim();
        let (scheme, rest) = value.split_once(char::is_whitespace)?;
        if !scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let mut c = Challenge::default();
        let mut has_nonce = false;
        for (k, v) in params(rest) {
            match k.as_str() {
                "realm" => c.realm = v,
                "nonce" => {
                    c.nonce = v;
                    has_nonce = true;
                }
                "opaque" => c.opaque = Some(v),
                "algorithm" => c.algorithm = Some(v),
                "qop" => {
                    c.qop = v
                        .split(',')
                        .map(|q| q.trim().to_ascii_lowercase())
                        .filter(|q| !q.is_empty())
                        .collect()
                }
                "stale" => c.stale = v.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        has_nonce.then_some(c)
    }

    fn is_md5(&self) -> bool {
        self.algorithm
            .as_deref()
            .is_none_or(|a| a.eq_ignore_ascii_case("MD5") || a.eq_ignore_ascii_case("MD5-sess"))
    }

    fn is_sess(&self) -> bool {
        self.algorithm
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("MD5-sess"))
    }
}

/// The challenge to answer among several headers (servers may offer SHA-256 and MD5):
/// the first MD5 one, else the first one (which [`authorization`] will refuse with a reason).
pub fn choose<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<Challenge> {
    let all: Vec<Challenge> = values.into_iter().filter_map(Challenge::parse).collect();
    all.iter()
        .find(|c| c.is_md5())
        .cloned()
        .or_else(|| all.into_iter().next())
}

/// Credentials and request details for one answer.
#[derive(Debug, Clone, Copy)]
pub struct DigestInput<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub method: &'a str,
    pub uri: &'a str,
    /// Client nonce (used only with qop or MD5-sess).
    pub cnonce: &'a str,
    /// Nonce count: how many requests used this nonce, this one included (starts at 1).
    pub nc: u32,
}

/// The `response=` value (32 hex digits) for `ch`.
pub fn response(ch: &Challenge, i: &DigestInput<'_>) -> Result<String, DigestError> {
    if !ch.is_md5() {
        return Err(DigestError::UnsupportedAlgorithm(
            ch.algorithm.clone().unwrap_or_default(),
        ));
    }
    let qop_auth = ch.qop.iter().any(|q| q == "auth");
    if !ch.qop.is_empty() && !qop_auth {
        return Err(DigestError::UnsupportedQop(ch.qop.join(",")));
    }
    let mut ha1 = md5_hex(format!("{}:{}:{}", i.user, ch.realm, i.password).as_bytes());
    if ch.is_sess() {
        ha1 = md5_hex(format!("{ha1}:{}:{}", ch.nonce, i.cnonce).as_bytes());
    }
    let ha2 = md5_hex(format!("{}:{}", i.method, i.uri).as_bytes());
    Ok(if qop_auth {
        md5_hex(format!("{ha1}:{}:{:08x}:{}:auth:{ha2}", ch.nonce, i.nc, i.cnonce).as_bytes())
    } else {
        md5_hex(format!("{ha1}:{}:{ha2}", ch.nonce).as_bytes())
    })
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The full `Authorization` (or `Proxy-Authorization`) header value answering `ch`.
pub fn authorization(ch: &Challenge, i: &DigestInput<'_>) -> Result<String, DigestError> {
    let resp = response(ch, i)?;
    let mut v = format!(
        "Digest username={}, realm={}, nonce={}, uri={}, response={}",
        quote(i.user),
        quote(&ch.realm),
        quote(&ch.nonce),
        quote(i.uri),
        quote(&resp)
    );
    if let Some(a) = &ch.algorithm {
        v.push_str(&format!(", algorithm={a}"));
    } else {
        v.push_str(", algorithm=MD5");
    }
    if ch.qop.iter().any(|q| q == "auth") {
        v.push_str(&format!(
            ", cnonce={}, qop=auth, nc={:08x}",
            quote(i.cnonce),
            i.nc
        ));
    }
    if let Some(o) = &ch.opaque {
        v.push_str(&format!(", opaque={}", quote(o)));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2617 section 3.5.
    #[test]
    fn rfc2617_example() {
        let ch = Challenge::parse(
            "Digest\r\n realm=\"testrealm@host.com\",\n qop=\"auth,auth-int\",\n \
             nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\n \
             opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
        )
        .unwrap();
        assert_eq!(ch.realm, "testrealm@host.com");
        assert_eq!(ch.qop, vec!["auth", "auth-int"]);
        assert_eq!(
            ch.opaque.as_deref(),
            Some("5ccc069c403ebaf9f0171e9517f40e41")
        );
        let input = DigestInput {
            user: "Mufasa",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            cnonce: "0a4f113b",
            nc: 1,
        };
        assert_eq!(
            response(&ch, &input).unwrap(),
            "6629fae49393a05397450978507c4ef1"
        );
        let h = authorization(&ch, &input).unwrap();
        assert!(h.starts_with("Digest username=\"Mufasa\", realm=\"testrealm@host.com\""));
        assert!(h.contains("response=\"6629fae49393a05397450978507c4ef1\""));
        assert!(h.contains("qop=auth, nc=00000001"));
        assert!(h.contains("cnonce=\"0a4f113b\""));
        assert!(h.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
        // The header parses back as parameters with the same values.
        let back = params(h.strip_prefix("Digest ").unwrap());
        assert!(back.contains(&("nc".into(), "00000001".into())));
        assert!(back.contains(&("uri".into(), "/dir/index.html".into())));
    }

    /// RFC 2069 style (no qop): response = MD5(HA1:nonce:HA2). Checked with a shell:
    /// `printf 'Mufasa:testrealm@host.com:Circle Of Life' | md5sum` etc.
    #[test]
    fn no_qop_and_sess() {
        let ch = Challenge::parse(
            "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
        )
        .unwrap();
        let input = DigestInput {
            user: "Mufasa",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            cnonce: "x",
            nc: 1,
        };
        let ha1 = md5_hex(b"Mufasa:testrealm@host.com:Circle Of Life");
        let ha2 = md5_hex(b"GET:/dir/index.html");
        let want = md5_hex(format!("{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:{ha2}").as_bytes());
        assert_eq!(response(&ch, &input).unwrap(), want);
        let h = authorization(&ch, &input).unwrap();
        assert!(!h.contains("qop") && !h.contains("cnonce") && h.contains("algorithm=MD5"));

        let sess = Challenge {
            algorithm: Some("MD5-sess".into()),
            qop: vec!["auth".into()],
            ..ch.clone()
        };
        let ha1s = md5_hex(format!("{ha1}:{}:x", sess.nonce).as_bytes());
        let want = md5_hex(format!("{ha1s}:{}:00000002:x:auth:{ha2}", sess.nonce).as_bytes());
        assert_eq!(
            response(&sess, &DigestInput { nc: 2, ..input }).unwrap(),
            want
        );
    }

    #[test]
    fn asterisk_challenges_pick_md5() {
        let sha = "Digest realm=\"asterisk\",nonce=\"1700000000/abc\",opaque=\"o1\",algorithm=SHA-256,qop=\"auth\"";
        let md5 = "Digest realm=\"asterisk\",nonce=\"1700000000/abc\",opaque=\"o1\",algorithm=MD5,qop=\"auth\"";
        let c = choose([sha, md5]).unwrap();
        assert_eq!(c.algorithm.as_deref(), Some("MD5"));
        assert_eq!(c.nonce, "1700000000/abc");
        let only_sha = choose([sha]).unwrap();
        let input = DigestInput {
            user: "u",
            password: "p",
            method: "INVITE",
            uri: "sip:x@y",
            cnonce: "c",
            nc: 1,
        };
        assert_eq!(
            response(&only_sha, &input),
            Err(DigestError::UnsupportedAlgorithm("SHA-256".into()))
        );
        let int_only = Challenge {
            qop: vec!["auth-int".into()],
            ..c.clone()
        };
        assert!(matches!(
            response(&int_only, &input),
            Err(DigestError::UnsupportedQop(_))
        ));
        assert!(Challenge::parse("Basic realm=\"x\"").is_none());
        assert!(Challenge::parse("Digest realm=\"x\"").is_none());
        assert!(
            Challenge::parse("Digest stale=TRUE, nonce=n")
                .unwrap()
                .stale
        );
        assert_eq!(choose(["garbage", ""]), None);
    }

    #[test]
    fn quoting_escapes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        let p = params(r#"username="a\"b", realm=r"#);
        assert_eq!(p[0], ("username".into(), "a\"b".into()));
        assert_eq!(p[1], ("realm".into(), "r".into()));
    }
}
