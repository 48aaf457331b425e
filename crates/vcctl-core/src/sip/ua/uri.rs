//! The parts of a `sip:`/`sips:` URI a caller needs: parsing and display.

use std::fmt;

/// The parts of a `sip:` / `sips:` URI a caller needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    pub scheme: String,
    pub user: Option<String>,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    pub port: Option<u16>,
}

/// Why a string is not a usable SIP URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("{0:?} is not a SIP URI: it should look like sip:echo@127.0.0.1:5060")]
    NotSip(String),
    #[error("SIP URI {0:?} has no host")]
    NoHost(String),
    #[error("SIP URI {0:?} has a port that is not a number between 1 and 65535")]
    BadPort(String),
}

impl SipUri {
    /// Parse `sip:[user[:password]@]host[:port][;params][?headers]`; a bare `user@host` gets
    /// `sip:` added.
    pub fn parse(s: &str) -> Result<SipUri, UriError> {
        let s = s.trim();
        let (scheme, rest) = match s.split_once(':') {
            Some((sch, rest))
                if sch.eq_ignore_ascii_case("sip") || sch.eq_ignore_ascii_case("sips") =>
            {
                (sch.to_ascii_lowercase(), rest)
            }
            _ if !s.contains("://") && !s.is_empty() && !s.contains(' ') => ("sip".into(), s),
            _ => return Err(UriError::NotSip(s.into())),
        };
        let rest = rest.split(['?', ';']).next().unwrap_or("");
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (
                Some(u.split(':').next().unwrap_or(u).to_string()).filter(|u| !u.is_empty()),
                h,
            ),
            None => (None, rest),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| UriError::NoHost(s.into()))?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(UriError::NoHost(s.into()));
        }
        let port = match port {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| UriError::BadPort(s.into()))?,
            ),
        };
        Ok(SipUri {
            scheme,
            user,
            host: host.to_string(),
            port,
        })
    }

    /// The port, or 5060 (5061 for sips).
    pub fn port_or_default(&self) -> u16 {
        self.port
            .unwrap_or(if self.scheme == "sips" { 5061 } else { 5060 })
    }
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.scheme)?;
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}
