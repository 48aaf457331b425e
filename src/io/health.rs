//! Probes for `vcctl doctor`: the agent service step by step (signed URL when an API key is
//! set, DNS, TCP, TLS + WebSocket upgrade, then a clean close: no conversation is started),
//! and the HTTP API of `vcctl serve` (`/healthz`, `/readyz`, and `/settings`: what the running
//! serve uses).

use std::time::{Duration, Instant};

use futures_util::SinkExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use url::Url;

use crate::io::agent_ws::{fetch_signed_url, AgentSettings};
pub use vcctl_core::checks::doctor::{AgentProbe, ApiProbe, Step};

fn shown(u: &Url) -> String {
    let mut s = u.clone();
    s.set_query(None);
    let _ = s.set_password(None);
    let _ = s.set_username("");
    s.to_string()
}

/// Walk the connection steps to the agent service, stopping at the first failure.
pub async fn probe_agent(settings: &AgentSettings, timeout: Duration) -> AgentProbe {
    let mut url = settings.public_url();
    let mut probe = AgentProbe {
        url: shown(&url),
        signed_url: None,
        dns: None,
        tcp: None,
        handshake: None,
        tls: url.scheme() == "wss",
    };
    if let Some(key) = settings.api_key.as_ref().filter(|k| !k.is_empty()) {
        let t0 = Instant::now();
        match fetch_signed_url(settings, key, timeout).await {
            Ok(u) => {
                probe.signed_url = Some(Ok(t0.elapsed()));
                url = u;
                probe.url = shown(&url);
                probe.tls = url.scheme() == "wss";
            }
            Err(e) => {
                probe.signed_url = Some(Err(e.to_string()));
                return probe;
            }
        }
    }
    let host = match url.host_str() {
        Some(h) => h.trim_start_matches('[').trim_end_matches(']').to_string(),
        None => {
            probe.dns = Some(Err("the URL has no host".into()));
            return probe;
        }
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs =
        match tokio::time::timeout(timeout, tokio::net::lookup_host((host.as_str(), port))).await {
            Err(_) => Err(format!(
                "resolving {host} took longer than {} s",
                timeout.as_secs()
            )),
            Ok(Err(e)) => Err(format!("could not resolve {host} ({e})")),
            Ok(Ok(a)) => Ok(a.collect::<Vec<_>>()),
        };
    probe.dns = Some(addrs.clone());
    let Ok(addrs) = addrs else { return probe };
    let t0 = Instant::now();
    let mut tcp = None;
    let mut last = String::from("no address");
    for a in &addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(a)).await {
            Ok(Ok(s)) => {
                tcp = Some(s);
                break;
            }
            Ok(Err(e)) => last = format!("{a}: {e}"),
            Err(_) => last = format!("{a}: no answer within {} s", timeout.as_secs()),
        }
    }
    let Some(tcp) = tcp else {
        probe.tcp = Some(Err(last));
        return probe;
    };
    probe.tcp = Some(Ok(t0.elapsed()));
    let request = match url.as_str().into_client_request() {
        Ok(r) => r,
        Err(e) => {
            probe.handshake = Some(Err(e.to_string()));
            return probe;
        }
    };
    let connector = if probe.tls {
        match crate::io::tls::client_config(settings.ca_cert.as_deref()) {
            Ok(c) => tokio_tungstenite::Connector::Rustls(c),
            Err(e) => {
                probe.handshake = Some(Err(e.to_string()));
                return probe;
            }
        }
    } else {
        tokio_tungstenite::Connector::Plain
    };
    let t0 = Instant::now();
    let hs = tokio_tungstenite::client_async_tls_with_config(request, tcp, None, Some(connector));
    probe.handshake = Some(match tokio::time::timeout(timeout, hs).await {
        Err(_) => Err(format!(
            "no WebSocket handshake answer within {} s",
            timeout.as_secs()
        )),
        Ok(Err(e)) => Err(handshake_error(e)),
        Ok(Ok((mut ws, _))) => {
            let took = t0.elapsed();
            let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
            let _ = tokio::time::timeout(Duration::from_secs(1), ws.flush()).await;
            Ok(took)
        }
    });
    probe
}

fn handshake_error(e: tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Tls(t) => format!("TLS failed: {t}"),
        E::Http(resp) => format!(
            "the WebSocket upgrade was refused with HTTP {}",
            resp.status()
        ),
        E::Io(io) => format!("the connection failed during the handshake: {io}"),
        other => other.to_string(),
    }
}

/// GET `/healthz` and `/readyz` of `base`.
pub async fn probe_api(base: &Url, timeout: Duration) -> ApiProbe {
    let client = match reqwest::Client::builder().timeout(timeout).build() {
        Ok(c) => c,
        Err(e) => {
            return ApiProbe {
                url: base.to_string(),
                healthz: Err(e.to_string()),
                readyz: None,
            }
        }
    };
    let join = |p: &str| {
        let mut u = base.clone();
        u.set_path(&format!("{}{p}", base.path().trim_end_matches('/')));
        u
    };
    let reason = |e: reqwest::Error| {
        let mut cur: &dyn std::error::Error = &e;
        while let Some(n) = cur.source() {
            cur = n;
        }
        if e.is_timeout() {
            format!("no answer within {} s", timeout.as_secs())
        } else {
            cur.to_string()
        }
    };
    let healthz = match client.get(join("/healthz")).send().await {
        Err(e) => Err(reason(e)),
        Ok(r) if r.status().is_success() => {
            Ok(r.text().await.unwrap_or_default().trim().to_string())
        }
        Ok(r) => Err(format!("HTTP {}", r.status())),
    };
    let readyz = if healthz.is_ok() {
        Some(match client.get(join("/readyz")).send().await {
            Err(e) => Err(reason(e)),
            Ok(r) => {
                let status = r.status();
                let body: serde_json::Value = r.json().await.unwrap_or_default();
                let ready = body.get("ready").and_then(|v| v.as_bool());
                let why = body
                    .get("reason")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                match (status.as_u16(), ready) {
                    (200, Some(true)) | (200, None) => Ok((true, why)),
                    (_, Some(false)) | (503, None) => Ok((false, why)),
                    (s, _) => Err(format!("HTTP {s}")),
                }
            }
        })
    } else {
        None
    };
    ApiProbe {
        url: base.to_string(),
        healthz,
        readyz,
    }
}

/// GET `/settings` of a running `vcctl serve` at `base`: the agent URL, transport and default
/// agent id it uses (a JSON object), or why not (not running, or not a serve that has it).
pub async fn fetch_serve_settings(
    base: &Url,
    timeout: Duration,
) -> Result<serde_json::Value, String> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| e.to_string())?;
    let mut u = base.clone();
    u.set_path(&format!("{}/settings", base.path().trim_end_matches('/')));
    let r = client.get(u).send().await.map_err(|e| {
        let mut cur: &dyn std::error::Error = &e;
        while let Some(n) = cur.source() {
            cur = n;
        }
        cur.to_string()
    })?;
    if !r.status().is_success() {
        return Err(format!("GET /settings answered HTTP {}", r.status()));
    }
    let v: serde_json::Value = r.json().await.map_err(|e| e.to_string())?;
    if v.get("agent").is_some_and(|a| a.is_object()) {
        Ok(v)
    } else {
        Err("GET /settings did not name an agent".into())
    }
}
