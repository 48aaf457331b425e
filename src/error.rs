//! The crate error: every failure a user can meet, its one-sentence text and its exit code.
//!
//! Exit codes (also in the README):
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | any other failure (I/O, unexpected answers) |
//! | 2 | bad command line or settings |
//! | 3 | a server (ARI, agent, HTTP API) is not reachable |
//! | 4 | credentials rejected, or not permitted (capture without root or CAP_NET_RAW) |
//! | 5 | the named channel, bridge, endpoint, recording, record, network interface or file does not exist |
//! | 6 | Asterisk refused the request (its own message is shown) |
//! | 7 | timed out before the expected events or result arrived, or the database stayed locked by another process for 5 s |
//! | 8 | a check found problems (doctor, check-firewall, latency-report over target, a `load` step under its SLO or left-over channels) |
//! | 9 | conflict: the ARI app is already connected (use `--take-over`), or was taken over; or a record of that name already exists |
//! | 10 | an input file (a capture) is empty, malformed or truncated |
//! | 11 | a server (ARI REST or events, PostgreSQL) presented a TLS certificate vcctl does not trust: unknown issuer (give `--ca-cert`), a CA used as the server certificate, expired or not yet valid, or for another name; the message says which and what to do |
//! | 12 | a test call (`call`) was answered but no audio came back, or none of its round-trip markers |
//! | 13 | partial: of several Asterisk nodes (`--ari-url a,b`, `--nodes`), some did not answer; the others' rows or events were shown, the silent ones are named |
//! | 130 | interrupted |

use crate::config::ConfigError;
use crate::io::agent_ws::AgentError;
use crate::io::ari_events::EventsError;
use crate::io::ari_http::AriError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Ari(#[from] AriError),
    #[error(transparent)]
    Events(#[from] EventsError),
    #[error(transparent)]
    Agent(#[from] AgentError),
    #[error(transparent)]
    Call(#[from] crate::io::sip_call::CallError),
    #[error(transparent)]
    Capture(#[from] crate::io::capture::CaptureError),
    #[error(transparent)]
    ApiToken(#[from] crate::io::api_token::ApiTokenError),
    /// An input file (a capture) is empty, malformed or truncated.
    #[error("{0}")]
    BadFile(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Timeout(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unreachable(String),
    #[error("{0}")]
    ChecksFailed(String),
    #[error("{0}")]
    Conflict(String),
    /// A server (serve's HTTP API) refused our credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// A test call was answered but its media did not make the round trip.
    #[error("{0}")]
    NoMedia(String),
    /// A server other than ARI (PostgreSQL) presented a TLS certificate vcctl does not trust.
    #[error("{0}")]
    Certificate(String),
    /// Some nodes of a cluster did not answer; the others' output was shown.
    #[error("{0}")]
    Partial(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) | Error::Usage(_) => 2,
            Error::Ari(e) => match e {
                AriError::Unreachable { .. }
                | AriError::Timeout { .. }
                | AriError::Closed { .. } => 3,
                AriError::Unauthorized { .. } | AriError::NoPassword { .. } => 4,
                AriError::NotFound { .. } => 5,
                AriError::Rejected { .. } => 6,
                AriError::Decode { .. } => 1,
                AriError::Tls(_) => 2,
                AriError::Certificate { .. } => 11,
            },
            Error::Events(e) => match e {
                EventsError::Unreachable { .. } | EventsError::Closed(_) => 3,
                EventsError::Unauthorized { .. } | EventsError::NoPassword { .. } => 4,
                EventsError::Refused { .. } => 6,
                EventsError::Tls(_) => 2,
                EventsError::Certificate { .. } => 11,
            },
            Error::Agent(e) => match e {
                AgentError::Unreachable { .. } | AgentError::Closed => 3,
                AgentError::Unauthorized { .. } | AgentError::AuthRequired { .. } => 4,
                AgentError::AgentNotFound { .. } => 5,
                AgentError::Refused { .. } => 6,
                AgentError::Timeout { .. } => 7,
                AgentError::BadUrl { .. } | AgentError::Tls(_) => 2,
                AgentError::Protocol(_) => 1,
            },
            Error::Call(e) => e.exit_code(),
            Error::Capture(e) => e.exit_code(),
            Error::ApiToken(e) => match e {
                crate::io::api_token::ApiTokenError::Read { source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    5
                }
                _ => 2,
            },
            Error::BadFile(_) => 10,
            Error::Unreachable(_) => 3,
            Error::NotFound(_) => 5,
            Error::Timeout(_) => 7,
            Error::ChecksFailed(_) => 8,
            Error::Conflict(_) => 9,
            Error::Unauthorized(_) => 4,
            Error::NoMedia(_) => 12,
            Error::Partial(_) => 13,
            Error::Certificate(_) => 11,
            Error::Interrupted => 130,
            Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Error::Io { .. } | Error::Other(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_documented_table() {
        let unreachable = Error::Ari(AriError::Unreachable {
            url: "http://127.0.0.1:1/".into(),
            reason: "Connection refused".into(),
        });
        assert_eq!(unreachable.exit_code(), 3);
        assert_eq!(
            Error::Ari(AriError::Unauthorized { user: "u".into() }).exit_code(),
            4
        );
        assert_eq!(
            Error::Ari(AriError::NotFound {
                what: "channel x".into(),
                message: String::new()
            })
            .exit_code(),
            5
        );
        assert_eq!(Error::Usage("bad".into()).exit_code(), 2);
        assert_eq!(Error::Timeout("t".into()).exit_code(), 7);
        let cert = Error::Ari(AriError::Certificate {
            url: "https://127.0.0.1:8089/".into(),
            problem: crate::io::tls::CertProblem::UnknownIssuer,
        });
        assert_eq!(cert.exit_code(), 11);
        assert!(cert.to_string().starts_with(
            "ARI at https://127.0.0.1:8089/ answered over TLS, but its certificate is not signed by a CA vcctl trusts"
        ));
        assert_eq!(Error::NoMedia("m".into()).exit_code(), 12);
        assert_eq!(Error::Partial("p".into()).exit_code(), 13);
        assert_eq!(Error::Certificate("c".into()).exit_code(), 11);
        let pipe = Error::io("writing", std::io::ErrorKind::BrokenPipe.into());
        assert_eq!(pipe.exit_code(), 0);
    }
}
