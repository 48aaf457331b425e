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
