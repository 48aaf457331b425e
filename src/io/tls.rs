//! TLS client configuration shared by ARI REST (reqwest), ARI events and the agent WebSocket.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::CertificateDer;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("could not read the CA certificate {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("the CA file {0} holds no PEM certificate")]
    Empty(String),
    #[error("the CA certificate in {path} was not accepted: {reason}")]
    Invalid { path: String, reason: String },
}

/// Public web roots, plus the certificates of `ca_cert` (a PEM file) for a private CA.
pub fn client_config(ca_cert: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_cert {
        for cert in read_pem(path)? {
            roots.add(cert).map_err(|e| TlsError::Invalid {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Invalid {
            path: "(built-in)".into(),
            reason: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn read_pem(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let data = std::fs::read(path).map_err(|e| TlsError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Invalid {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Empty(path.display().to_string()));
    }
    Ok(certs)
}

/// Why a server's certificate was not accepted, read from the TLS error under a transport
/// error (reqwest, tungstenite). Display: what is wrong and what to do, as the end of a
/// sentence that starts with who answered ("ARI at URL answered over TLS, but ...").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    /// The chain does not end at a CA vcctl trusts.
    UnknownIssuer,
    /// The server presented a CA certificate as its own (e.g. `openssl req -x509`).
    CaUsedAsEndEntity,
    Expired {
        not_after: Option<String>,
        now: Option<String>,
    },
    NotValidYet {
        not_before: Option<String>,
        now: Option<String>,
    },
    /// The certificate does not name the host vcctl connected to.
    WrongName {
        expected: Option<String>,
        presented: Vec<String>,
    },
    /// Any other certificate error (rustls's words).
    Other(String),
}

impl std::fmt::Display for CertProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let clock = |now: &Option<String>| {
            now.as_ref()
                .map(|n| format!(" (this host's clock says {n})"))
                .unwrap_or_default()
        };
        match self {
            CertProblem::UnknownIssuer => f.write_str(
                "its certificate is not signed by a CA vcctl trusts (unknown issuer); \
                 give the CA that signed it with --ca-cert FILE (PEM; or VCCTL_CA_CERT)",
            ),
            CertProblem::CaUsedAsEndEntity => f.write_str(
                "it presents a CA certificate as its own server certificate (CaUsedAsEndEntity: \
                 what a plain `openssl req -x509` self-signed certificate is); the server needs \
                 a certificate signed by a CA, not the CA itself: make a CA, sign a server \
                 certificate for this host name with it, configure that one (http.conf \
                 tlscertfile/tlsprivatekey) and give the CA with --ca-cert FILE",
            ),
            CertProblem::Expired { not_after, now } => write!(
                f,
                "its certificate has expired{}{}; renew it on the server (http.conf tlscertfile), \
                 or fix this host's clock if that is what is wrong",
                not_after
                    .as_ref()
                    .map(|t| format!(" (valid until {t})"))
                    .unwrap_or_default(),
                clock(now)
            ),
            CertProblem::NotValidYet { not_before, now } => write!(
                f,
                "its certificate is not valid yet{}{}; check the clocks of this host and of the \
                 server, or reissue the certificate",
                not_before
                    .as_ref()
                    .map(|t| format!(" (valid from {t})"))
                    .unwrap_or_default(),
                clock(now)
            ),
            CertProblem::WrongName {
                expected,
                presented,
            } => {
                let want = expected.as_deref().unwrap_or("the host in the URL");
                if presented.is_empty() {
                    write!(f, "its certificate is not valid for '{want}'")?;
                } else {
                    let names: Vec<String> = presented.iter().map(|n| format!("'{n}'")).collect();
                    write!(
                        f,
                        "its certificate is for {}, not for '{want}'",
                        names.join(", ")
                    )?;
                }
                write!(
                    f,
                    "; connect by a name the certificate holds (the host of the URL), or reissue \
                     it with '{want}' as a subject alternative name"
                )
            }
            CertProblem::Other(reason) => write!(
                f,
                "its certificate was not accepted ({reason}); check it with: openssl s_client \
                 -connect HOST:PORT -showcerts"
            ),
        }
    }
}

/// The certificate problem somewhere in `err`'s chain of causes, if any. TLS errors sit inside
/// `std::io::Error`s (tokio-rustls), whose `source()` skips the wrapped error, so those are
/// opened with `get_ref`.
pub fn certificate_problem(err: &(dyn std::error::Error + 'static)) -> Option<CertProblem> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<rustls::Error>() {
            return from_rustls(r);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(p) = certificate_problem(inner) {
                    return Some(p);
                }
            }
        }
        cur = e.source();
    }
    None
}

fn from_rustls(e: &rustls::Error) -> Option<CertProblem> {
    use rustls::CertificateError as C;
    let rustls::Error::InvalidCertificate(c) = e else {
        return None;
    };
    let time = |t: &rustls::pki_types::UnixTime| {
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.as_secs());
        humantime::format_rfc3339_seconds(at).to_string()
    };
    Some(match c {
        C::UnknownIssuer => CertProblem::UnknownIssuer,
        C::Expired => CertProblem::Expired {
            not_after: None,
            now: None,
        },
        C::ExpiredContext {
            time: now,
            not_after,
        } => CertProblem::Expired {
            not_after: Some(time(not_after)),
            now: Some(time(now)),
        },
        C::NotValidYet => CertProblem::NotValidYet {
            not_before: None,
            now: None,
        },
        C::NotValidYetContext {
            time: now,
            not_before,
        } => CertProblem::NotValidYet {
            not_before: Some(time(not_before)),
            now: Some(time(now)),
        },
        C::NotValidForName => CertProblem::WrongName {
            expected: None,
            presented: Vec::new(),
        },
        C::NotValidForNameContext {
            expected,
            presented,
        } => CertProblem::WrongName {
            expected: Some(server_name(expected)),
            presented: presented.iter().map(|n| presented_name(n)).collect(),
        },
        C::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki::Error::CaUsedAsEndEntity) => CertProblem::CaUsedAsEndEntity,
            _ => CertProblem::Other(other.to_string()),
        },
        other => CertProblem::Other(format!("{other:?}")),
    })
}

/// webpki shows presented names in Debug form (`DnsName("a.example")`, `IpAddress(10.0.0.1)`):
/// keep the name itself.
fn presented_name(n: &str) -> String {
    for prefix in ["DnsName(\"", "IpAddress("] {
        if let Some(rest) = n.strip_prefix(prefix) {
            return rest.trim_end_matches(')').trim_end_matches('"').to_string();
        }
    }
    n.to_string()
}

fn server_name(n: &rustls::pki_types::ServerName<'_>) -> String {
    match n {
        rustls::pki_types::ServerName::DnsName(d) => d.as_ref().to_string(),
        rustls::pki_types::ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::CertificateError as C;

    fn wrapped(e: rustls::Error) -> std::io::Error {
        // What tokio-rustls hands up: the rustls error inside an io::Error.
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }

    #[test]
    fn certificate_errors_are_found_under_io_errors_and_named() {
        let e = wrapped(rustls::Error::InvalidCertificate(C::UnknownIssuer));
        let p = certificate_problem(&e).unwrap();
        assert_eq!(p, CertProblem::UnknownIssuer);
        assert!(p.to_string().contains("--ca-cert FILE"), "{p}");

        let ca = rustls::Error::InvalidCertificate(C::Other(rustls::OtherError(
            std::sync::Arc::new(webpki::Error::CaUsedAsEndEntity),
        )));
        let p = certificate_problem(&wrapped(ca)).unwrap();
        assert_eq!(p, CertProblem::CaUsedAsEndEntity);
        assert!(p.to_string().contains("signed by a CA, not the CA itself"));

        let name = rustls::Error::InvalidCertificate(C::NotValidForNameContext {
            expected: rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            presented: vec![
                "IpAddress(127.0.0.1)".into(),
                "DnsName(\"a.example\")".into(),
            ],
        });
        let p = certificate_problem(&wrapped(name)).unwrap();
        assert!(
            p.to_string().starts_with(
                "its certificate is for '127.0.0.1', 'a.example', not for 'localhost'"
            ),
            "{p}"
        );

        let expired = rustls::Error::InvalidCertificate(C::ExpiredContext {
            time: rustls::pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                1_800_000_000,
            )),
            not_after: rustls::pki_types::UnixTime::since_unix_epoch(
                std::time::Duration::from_secs(1_700_000_000),
            ),
        });
        let p = certificate_problem(&wrapped(expired)).unwrap();
        assert!(
            p.to_string()
                .starts_with("its certificate has expired (valid until 2023-11-14T22:13:20Z)"),
            "{p}"
        );

        // Not a certificate problem: nothing to say.
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(certificate_problem(&refused), None);
        let other = wrapped(rustls::Error::HandshakeNotComplete);
        assert_eq!(certificate_problem(&other), None);
    }
}
