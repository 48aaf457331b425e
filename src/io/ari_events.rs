//! ARI events over WebSocket (`/ari/events`): connect with the Basic header, yield raw JSON
//! text frames. Reconnection policy lives in [`vcctl_core::util::backoff`]; this file only connects.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::config::AriSettings;
use crate::io::ari_http::basic_auth;

#[derive(Debug, thiserror::Error)]
pub enum EventsError {
    #[error("the ARI events WebSocket at {url} is not reachable ({reason}); is Asterisk running with http.conf enabled there?")]
    Unreachable { url: String, reason: String },
    #[error("ARI rejected the credentials for user '{user}' on the events WebSocket; check --user/--password against ari.conf")]
    Unauthorized { user: String },
    #[error("{}", crate::io::ari_http::no_password_sentence(.user))]
    NoPassword { user: String },
    #[error("ARI refused the events WebSocket ({status}); {hint}")]
    Refused { status: u16, hint: String },
    #[error("the ARI events connection closed: {0}")]
    Closed(String),
    #[error("TLS setup for ARI events failed: {0}")]
    Tls(#[from] crate::io::tls::TlsError),
    #[error("the ARI events WebSocket at {url} answered over TLS, but {problem}")]
    Certificate {
        url: String,
        problem: crate::io::tls::CertProblem,
    },
}

/// After this long without a frame from Asterisk a ping is sent; after twice this long the
/// connection counts as lost (a half-open TCP connection would otherwise hang forever).
const KEEPALIVE: Duration = Duration::from_secs(10);

/// One open `/ari/events` connection.
pub struct EventStream {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    last_rx: Instant,
    ping_sent: bool,
}

impl EventStream {
    /// Connect as `app`; with `subscribe_all` the app sees every channel, bridge and endpoint.
    pub async fn connect(
        settings: &AriSettings,
        app: &str,
        subscribe_all: bool,
    ) -> Result<Self, EventsError> {
        let url = settings.events_url(app, subscribe_all);
        let shown = url.to_string();
        let mut req = url
            .as_str()
            .into_client_request()
            .map_err(|e| EventsError::Unreachable {
                url: shown.clone(),
                reason: e.to_string(),
            })?;
        req.headers_mut().insert(
            "Authorization",
            basic_auth(&settings.user, settings.password.expose()),
        );
        let tls = crate::io::tls::client_config(settings.ca_cert.as_deref())?;
        let connector = tokio_tungstenite::Connector::Rustls(tls);
        let connect = tokio_tungstenite::connect_async_tls_with_config(
            req,
            Some(crate::io::websocket::config()),
            false,
            Some(connector),
        );
        let (ws, _resp) =
            match tokio::time::timeout(std::time::Duration::from_secs(10), connect).await {
                Err(_) => {
                    return Err(EventsError::Unreachable {
                        url: shown,
                        reason: "no answer within 10 s".into(),
                    })
                }
                Ok(r) => r.map_err(|e| {
                    map_handshake_error(e, &shown, &settings.user, settings.password.is_empty())
                })?,
            };
        Ok(EventStream {
            ws,
            last_rx: Instant::now(),
            ping_sent: false,
        })
    }

    /// The next event as raw JSON text; `None` when the connection ended.
    pub async fn next(&mut self) -> Option<Result<String, EventsError>> {
        loop {
            let idle = tokio::time::Instant::from_std(self.last_rx + KEEPALIVE);
            let msg = tokio::select! {
                m = self.ws.next() => m?,
                _ = tokio::time::sleep_until(idle) => {
                    if self.ping_sent {
                        return Some(Err(EventsError::Closed(format!(
                            "Asterisk stopped answering keepalive pings for {} s", 2 * KEEPALIVE.as_secs()
                        ))));
                    }
                    self.ping_sent = true;
                    self.last_rx = Instant::now();
                    if let Err(e) = self.ws.send(Message::Ping(Vec::new().into())).await {
                        return Some(Err(EventsError::Closed(e.to_string())));
                    }
                    continue;
                }
            };
            self.last_rx = Instant::now();
            self.ping_sent = false;
            match msg {
                Ok(Message::Text(t)) => return Some(Ok(t.to_string())),
                Ok(Message::Binary(b)) => {
                    return Some(Ok(String::from_utf8_lossy(&b).into_owned()))
                }
                Ok(Message::Close(frame)) => {
                    let why = frame
                        .map(|f| format!("{} {}", u16::from(f.code), f.reason))
                        .unwrap_or_else(|| "closed by Asterisk".into());
                    return Some(Err(EventsError::Closed(why)));
                }
                Ok(_) => continue, // ping/pong are answered by tungstenite
                Err(e) => return Some(Err(EventsError::Closed(e.to_string()))),
            }
        }
    }

    /// Close politely (Asterisk then unregisters the app at once), waiting at most half a
    /// second in all: a busy or stuck Asterisk must not keep a Ctrl-C'd `vcctl events` from
    /// exiting.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(std::time::Duration::from_millis(500), async {
            let _ = self.ws.send(Message::Close(None)).await;
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }
}

fn map_handshake_error(
    e: tokio_tungstenite::tungstenite::Error,
    url: &str,
    user: &str,
    no_password: bool,
) -> EventsError {
    use tokio_tungstenite::tungstenite::Error as WsError;
    if let Some(problem) = crate::io::tls::certificate_problem(&e) {
        return EventsError::Certificate {
            url: url.to_string(),
            problem,
        };
    }
    match e {
        WsError::Http(resp) => match resp.status() {
            StatusCode::UNAUTHORIZED if no_password => EventsError::NoPassword {
                user: user.to_string(),
            },
            StatusCode::UNAUTHORIZED => EventsError::Unauthorized {
                user: user.to_string(),
            },
            s => EventsError::Refused {
                status: s.as_u16(),
                hint: "check that res_ari and res_http_websocket are loaded".into(),
            },
        },
        WsError::Io(io) => EventsError::Unreachable {
            url: url.to_string(),
            reason: io.to_string(),
        },
        other => EventsError::Unreachable {
            url: url.to_string(),
            reason: other.to_string(),
        },
    }
}
