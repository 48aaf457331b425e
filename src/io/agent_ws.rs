//! The ElevenLabs Agents WebSocket client: resolve the URL (signed when an API key is
//! given), open the socket, send the initiation data, wait for the conversation metadata,
//! then hand out a cloneable [`AgentSender`] and an [`AgentReceiver`] of
//! [`ServerMessage`]s. Message shapes live in [`vcctl_core::agent::proto`].
//!
//! Pings: once [`connect`] has returned, they are yielded like every other message (their
//! `ping_ms` feeds the latency report) and the caller answers them, with
//! [`AgentSender::answer_ping`] or its own pong (serve's media engine,
//! [`vcctl_core::media::call_media`], queues one for each ping). Pings that arrive while [`connect`]
//! still waits for the conversation metadata have no caller to go to: [`connect`] answers
//! those itself and does not yield them.
//!
//! The API key goes only into the `xi-api-key` header of the signed-URL request; it is
//! never logged. Signed URLs carry a credential too, so only their path is ever shown.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use url::Url;

use crate::config::Secret;
use crate::io::tls::TlsError;
use vcctl_core::agent::proto::{
    encode_user_audio_chunk, AudioFormat, ClientMessage, InitiationClientData, ServerMessage,
};

/// The public (US/global) service. EU and India residency use
/// `https://api.eu.residency.elevenlabs.io` and `https://api.in.residency.elevenlabs.io`.
pub const DEFAULT_AGENT_BASE_URL: &str = "https://api.elevenlabs.io";
/// Path of the conversation WebSocket.
pub const CONVERSATION_PATH: &str = "/v1/convai/conversation";
/// Path of the signed-URL request.
pub const SIGNED_URL_PATH: &str = "/v1/convai/conversation/get-signed-url";

/// What went wrong reaching the agent. Display is one sentence.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error("the agent service at {url} is not reachable ({reason})")]
    Unreachable { url: String, reason: String },
    #[error("the agent service rejected the API key (HTTP {status}); check ELEVENLABS_API_KEY")]
    Unauthorized { status: u16 },
    #[error("agent '{agent_id}' requires authentication (HTTP {status}); give an API key so vcctl can fetch a signed URL")]
    AuthRequired { agent_id: String, status: u16 },
    #[error("agent '{agent_id}' does not exist at {url}; check the agent id")]
    AgentNotFound { agent_id: String, url: String },
    #[error("the agent service refused the conversation ({}): {reason}", code_text(.code))]
    Refused { code: Option<u16>, reason: String },
    #[error("the agent service broke the protocol: {0}")]
    Protocol(String),
    #[error("the agent service sent no {what} within {:.1} s", .after.as_secs_f64())]
    Timeout { what: &'static str, after: Duration },
    #[error("the agent connection is already closed")]
    Closed,
    #[error("the agent base URL '{url}' is not usable ({reason}); use a form like https://api.elevenlabs.io or ws://127.0.0.1:9000")]
    BadUrl { url: String, reason: String },
    #[error("TLS setup for the agent connection failed: {0}")]
    Tls(#[from] TlsError),
}

fn code_text(code: &Option<u16>) -> String {
    match code {
        Some(c) => format!("close code {c}"),
        None => "HTTP".to_string(),
    }
}

/// Where and as whom to connect.
#[derive(Debug, Clone)]
pub struct AgentSettings {
    /// `https://api.elevenlabs.io`, a residency host, or a simulator such as
    /// `ws://127.0.0.1:9000`; http(s) and ws(s) are both accepted.
    pub base_url: Url,
    pub agent_id: String,
    /// With a key: fetch a signed URL (private agents). Without: the public URL.
    pub api_key: Option<Secret>,
    /// PEM file of a private CA (TLS-intercepting proxies, a TLS simulator).
    pub ca_cert: Option<PathBuf>,
}

impl AgentSettings {
    pub fn new(base_url: &str, agent_id: impl Into<String>) -> Result<Self, AgentError> {
        Ok(AgentSettings {
            base_url: parse_base_url(base_url)?,
            agent_id: agent_id.into(),
            api_key: None,
            ca_cert: None,
        })
    }

    fn with_scheme(&self, secure: &str, plain: &str) -> Url {
        let mut u = self.base_url.clone();
        let target = if matches!(u.scheme(), "https" | "wss") {
            secure
        } else {
            plain
        };
        if u.scheme() != target {
            // Allowed between special schemes.
            let _ = u.set_scheme(target);
        }
        u
    }

    fn join(mut base: Url, path: &str) -> Url {
        let prefix = base.path().trim_end_matches('/').to_string();
        base.set_path(&format!("{prefix}{path}"));
        base.set_query(None);
        base
    }

    /// `ws(s)://host/v1/convai/conversation?agent_id=ID` (public agents).
    pub fn public_url(&self) -> Url {
        let mut u = Self::join(self.with_scheme("wss", "ws"), CONVERSATION_PATH);
        u.query_pairs_mut().append_pair("agent_id", &self.agent_id);
        u
    }

    /// `http(s)://host/v1/convai/conversation/get-signed-url?agent_id=ID`.
    pub fn signed_url_endpoint(&self) -> Url {
        let mut u = Self::join(self.with_scheme("https", "http"), SIGNED_URL_PATH);
        u.query_pairs_mut().append_pair("agent_id", &self.agent_id);
        u
    }
}

/// A base URL as records and reports show it: without credentials, query or trailing slash.
pub fn display_base_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.as_str().trim_end_matches('/').to_string()
        }
        Err(_) => raw.trim_end_matches('/').to_string(),
    }
}

/// Validate a base URL (http, https, ws or wss; no query).
pub fn parse_base_url(raw: &str) -> Result<Url, AgentError> {
    let bad = |reason: String| AgentError::BadUrl {
        url: crate::config::redact_userinfo(raw),
        reason,
    };
    let mut u = Url::parse(raw.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(u.scheme(), "http" | "https" | "ws" | "wss") {
        return Err(bad(format!(
            "scheme {}:// is not http(s) or ws(s)",
            u.scheme()
        )));
    }
    if u.host().is_none() {
        return Err(bad("no host".into()));
    }
    u.set_query(None);
    u.set_fragment(None);
    Ok(u)
}

/// A URL as it may be shown: no query (signatures), no credentials.
fn shown(u: &Url) -> String {
    let mut s = u.clone();
    s.set_query(None);
    let _ = s.set_username("");
    let _ = s.set_password(None);
    s.to_string()
}

/// Limits of the connection phases.
#[derive(Debug, Clone, Copy)]
pub struct ConnectTimeouts {
    /// The signed-URL request.
    pub signed_url: Duration,
    /// TCP connect + TLS + WebSocket upgrade.
    pub handshake: Duration,
    /// From sending the initiation data to the metadata.
    pub metadata: Duration,
}

impl Default for ConnectTimeouts {
    fn default() -> Self {
        ConnectTimeouts {
            signed_url: Duration::from_secs(10),
            handshake: Duration::from_secs(10),
            metadata: Duration::from_secs(10),
        }
    }
}

/// How long each connection phase took, for the latency report.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ConnectTimings {
    /// The signed-URL request (its own TCP/TLS included); `None` for public agents.
    pub signed_url: Option<Duration>,
    /// DNS + TCP connect of the WebSocket.
    pub tcp: Duration,
    /// TLS (for wss) + the HTTP upgrade.
    pub ws_handshake: Duration,
    /// Initiation data sent -> `conversation_initiation_metadata` received.
    pub metadata: Duration,
    /// Everything, from the call to [`connect`] to its return.
    pub total: Duration,
}

/// An open conversation.
pub struct AgentConnection {
    pub conversation_id: String,
    /// What to send in `user_audio_chunk`.
    pub input_format: AudioFormat,
    /// What `audio` events carry.
    pub output_format: AudioFormat,
    pub timings: ConnectTimings,
    pub sender: AgentSender,
    pub receiver: AgentReceiver,
}

impl std::fmt::Debug for AgentConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentConnection")
            .field("conversation_id", &self.conversation_id)
            .field("input_format", &self.input_format)
            .field("output_format", &self.output_format)
            .field("timings", &self.timings)
            .finish_non_exhaustive()
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Connect with the default timeouts (10 s per phase).
pub async fn connect(
    settings: &AgentSettings,
    init: InitiationClientData,
) -> Result<AgentConnection, AgentError> {
    connect_with(settings, init, ConnectTimeouts::default()).await
}

/// Resolve the URL, open the socket, send `init`, wait for the metadata.
pub async fn connect_with(
    settings: &AgentSettings,
    init: InitiationClientData,
    timeouts: ConnectTimeouts,
) -> Result<AgentConnection, AgentError> {
    let started = Instant::now();
    let mut timings = ConnectTimings::default();

    let url = match &settings.api_key {
        Some(key) if !key.is_empty() => {
            let t0 = Instant::now();
            let u = fetch_signed_url(settings, key, timeouts.signed_url).await?;
            timings.signed_url = Some(t0.elapsed());
            u
        }
        _ => settings.public_url(),
    };
    let url_shown = shown(&url);

    // TCP (with DNS), separately timed from TLS + upgrade.
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        None => {
            return Err(AgentError::Protocol(format!(
                "the conversation URL {url_shown} has no host"
            )))
        }
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let t0 = Instant::now();
    let tcp = match tokio::time::timeout(
        timeouts.handshake,
        TcpStream::connect((host.as_str(), port)),
    )
    .await
    {
        Err(_) => {
            return Err(AgentError::Unreachable {
                url: url_shown,
                reason: format!(
                    "no TCP connection within {:.1} s",
                    timeouts.handshake.as_secs_f64()
                ),
            })
        }
        Ok(Err(e)) => {
            return Err(AgentError::Unreachable {
                url: url_shown,
                reason: e.to_string(),
            })
        }
        Ok(Ok(s)) => s,
    };
    let _ = tcp.set_nodelay(true);
    timings.tcp = t0.elapsed();

    let request = url
        .as_str()
        .into_client_request()
        .map_err(|e| AgentError::BadUrl {
            url: url_shown.clone(),
            reason: e.to_string(),
        })?;
    let connector = if url.scheme() == "wss" {
        Some(tokio_tungstenite::Connector::Rustls(
            crate::io::tls::client_config(settings.ca_cert.as_deref())?,
        ))
    } else {
        Some(tokio_tungstenite::Connector::Plain)
    };
    let t0 = Instant::now();
    let remaining = timeouts.handshake.saturating_sub(timings.tcp);
    let handshake = tokio_tungstenite::client_async_tls_with_config(
        request,
        tcp,
        Some(crate::io::websocket::config()),
        connector,
    );
    let (ws, _resp) = match tokio::time::timeout(remaining, handshake).await {
        Err(_) => {
            return Err(AgentError::Timeout {
                what: "WebSocket handshake answer",
                after: timeouts.handshake,
            })
        }
        Ok(r) => r.map_err(|e| map_handshake_error(e, settings, &url_shown))?,
    };
    timings.ws_handshake = t0.elapsed();

    let (sink, stream) = ws.split();
    let sender = AgentSender {
        sink: Arc::new(tokio::sync::Mutex::new(sink)),
    };
    let mut receiver = AgentReceiver::new(stream);

    let t0 = Instant::now();
    sender
        .send(&ClientMessage::InitiationClientData(init))
        .await?;
    let wait = wait_for_metadata(&mut receiver, &sender, settings, &url_shown);
    let (conversation_id, output_format, input_format) =
        match tokio::time::timeout(timeouts.metadata, wait).await {
            Err(_) => {
                let _ = sender.close().await;
                return Err(AgentError::Timeout {
                    what: "conversation metadata",
                    after: timeouts.metadata,
                });
            }
            Ok(r) => r?,
        };
    timings.metadata = t0.elapsed();
    timings.total = started.elapsed();
    tracing::debug!(
        conversation_id = %conversation_id,
        input = %input_format,
        output = %output_format,
        "agent conversation open at {url_shown} after {:.0} ms",
        timings.total.as_secs_f64() * 1000.0
    );
    Ok(AgentConnection {
        conversation_id,
        input_format,
        output_format,
        timings,
        sender,
        receiver,
    })
}

async fn wait_for_metadata(
    rx: &mut AgentReceiver,
    tx: &AgentSender,
    settings: &AgentSettings,
    url_shown: &str,
) -> Result<(String, AudioFormat, AudioFormat), AgentError> {
    let mut early = VecDeque::new();
    let mut error_text: Option<String> = None;
    loop {
        match rx.next_raw().await {
            Some(ServerMessage::InitiationMetadata {
                conversation_id,
                output_format,
                input_format,
            }) => {
                // Anything that came first is yielded before later messages.
                rx.pending = early;
                return Ok((conversation_id, output_format, input_format));
            }
            Some(ping @ ServerMessage::Ping { .. }) => {
                // Not reachable by the caller yet: answer here.
                tx.answer_ping(&ping).await?;
            }
            Some(ServerMessage::Error {
                message, reason, ..
            }) => {
                error_text = message.or(reason);
            }
            Some(other) => early.push_back(other),
            None => {
                let info = rx.close_info().cloned().unwrap_or_default();
                let reason = error_text
                    .or_else(|| (!info.reason.is_empty()).then(|| info.reason.clone()))
                    .or(info.transport_error.clone())
                    .unwrap_or_else(|| "closed before the conversation started".into());
                let lower = reason.to_ascii_lowercase();
                if lower.contains("not found") || lower.contains("does not exist") {
                    return Err(AgentError::AgentNotFound {
                        agent_id: settings.agent_id.clone(),
                        url: url_shown.to_string(),
                    });
                }
                if info.transport_error.is_some() && info.code.is_none() {
                    return Err(AgentError::Unreachable {
                        url: url_shown.to_string(),
                        reason,
                    });
                }
                return Err(AgentError::Refused {
                    code: info.code,
                    reason,
                });
            }
        }
    }
}

fn map_handshake_error(
    e: tokio_tungstenite::tungstenite::Error,
    settings: &AgentSettings,
    url: &str,
) -> AgentError {
    use tokio_tungstenite::tungstenite::Error as WsError;
    match e {
        WsError::Http(resp) => {
            let status = resp.status().as_u16();
            let body = resp
                .body()
                .as_ref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            http_status_error(status, &body, settings, url)
        }
        WsError::Io(io) => AgentError::Unreachable {
            url: url.to_string(),
            reason: io.to_string(),
        },
        WsError::Tls(t) => AgentError::Unreachable {
            url: url.to_string(),
            reason: format!("TLS: {t}"),
        },
        other => AgentError::Protocol(format!("WebSocket upgrade at {url} failed: {other}")),
    }
}

/// The `detail.message` (or `detail`) of an error body, else the body itself, short.
fn error_detail(body: &str) -> String {
    let v: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let text = v
        .as_ref()
        .and_then(|v| {
            let d = v.get("detail")?;
            d.get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .or_else(|| d.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| body.trim().to_string());
    text.chars().take(200).collect()
}

fn http_status_error(status: u16, body: &str, settings: &AgentSettings, url: &str) -> AgentError {
    let has_key = settings.api_key.as_ref().is_some_and(|k| !k.is_empty());
    match status {
        401 | 403 if has_key => AgentError::Unauthorized { status },
        401 | 403 => AgentError::AuthRequired {
            agent_id: settings.agent_id.clone(),
            status,
        },
        404 => AgentError::AgentNotFound {
            agent_id: settings.agent_id.clone(),
            url: url.to_string(),
        },
        _ => AgentError::Refused {
            code: None,
            reason: format!("HTTP {status} {}", error_detail(body)),
        },
    }
}

fn http_client(ca_cert: Option<&std::path::Path>) -> Result<reqwest::Client, AgentError> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    // One client per CA file, so signed-URL requests reuse warm TLS connections.
    static CLIENTS: OnceLock<Mutex<HashMap<Option<PathBuf>, reqwest::Client>>> = OnceLock::new();
    let map = CLIENTS.get_or_init(Default::default);
    let key = ca_cert.map(|p| p.to_path_buf());
    if let Some(c) = map.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(c);
    }
    let tls = crate::io::tls::client_config(ca_cert)?;
    let client = reqwest::Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .pool_idle_timeout(Duration::from_secs(30))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| AgentError::Unreachable {
            url: "(agent service)".into(),
            reason: e.to_string(),
        })?;
    if let Ok(mut m) = map.lock() {
        m.insert(key, client.clone());
    }
    Ok(client)
}

/// `GET .../get-signed-url?agent_id=ID` with `xi-api-key` -> `{"signed_url":"wss://..."}`.
pub async fn fetch_signed_url(
    settings: &AgentSettings,
    key: &Secret,
    timeout: Duration,
) -> Result<Url, AgentError> {
    let endpoint = settings.signed_url_endpoint();
    let endpoint_shown = shown(&endpoint);
    let client = http_client(settings.ca_cert.as_deref())?;
    let mut header = reqwest::header::HeaderValue::from_str(key.expose()).map_err(|_| {
        AgentError::Unauthorized { status: 0 } // a key with control characters cannot be valid
    })?;
    header.set_sensitive(true);
    let resp = client
        .get(endpoint.clone())
        .header("xi-api-key", header)
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                AgentError::Timeout {
                    what: "signed URL",
                    after: timeout,
                }
            } else {
                AgentError::Unreachable {
                    url: endpoint_shown.clone(),
                    reason: reqwest_reason(&e),
                }
            }
        })?;
    let status = resp.status().as_u16();
    let body = resp.text().await.map_err(|e| AgentError::Unreachable {
        url: endpoint_shown.clone(),
        reason: reqwest_reason(&e),
    })?;
    if !(200..300).contains(&status) {
        return Err(http_status_error(status, &body, settings, &endpoint_shown));
    }
    let v: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| AgentError::Protocol(format!("the signed-URL answer is not JSON ({e})")))?;
    let raw = v
        .get("signed_url")
        .and_then(|s| s.as_str())
        .ok_or_else(|| AgentError::Protocol("the signed-URL answer has no signed_url".into()))?;
    let url = Url::parse(raw)
        .map_err(|e| AgentError::Protocol(format!("the signed URL is not a URL ({e})")))?;
    if !matches!(url.scheme(), "ws" | "wss") {
        return Err(AgentError::Protocol(format!(
            "the signed URL is not a WebSocket URL ({}://)",
            url.scheme()
        )));
    }
    Ok(url)
}

/// The innermost cause of a reqwest error (e.g. "Connection refused").
fn reqwest_reason(e: &reqwest::Error) -> String {
    let mut cur: &dyn std::error::Error = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

// ---------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------

/// The sending half; cheap to clone (audio uplink, ping answers and tool results can come
/// from different tasks).
#[derive(Clone)]
pub struct AgentSender {
    sink: Arc<tokio::sync::Mutex<SplitSink<Ws, Message>>>,
}

impl std::fmt::Debug for AgentSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AgentSender")
    }
}

/// What [`AgentSender::try_send_text`] managed without waiting.
#[derive(Debug)]
pub enum TrySend {
    /// Written to the socket.
    Sent,
    /// Taken, but the socket would block: someone must `flush` before it leaves.
    NeedsFlush,
    /// Not taken (another writer holds the link, or it would block): here it is back.
    Busy(String),
    /// The connection is gone.
    Closed,
}

impl AgentSender {
    /// Send an encoded JSON message only if that needs no waiting: the media loop's fast path,
    /// which saves a hand-off to its writer task for every chunk while the link keeps up.
    pub fn try_send_text(&self, text: String) -> TrySend {
        use futures_util::Sink;
        use std::pin::Pin;
        use std::task::{Context, Poll};
        let Ok(mut sink) = self.sink.try_lock() else {
            return TrySend::Busy(text);
        };
        // Polled with a no-op waker: Pending here only means "not now", never a wait.
        let mut cx = Context::from_waker(std::task::Waker::noop());
        match Pin::new(&mut *sink).poll_ready(&mut cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(_)) => return TrySend::Closed,
            Poll::Pending => return TrySend::Busy(text),
        }
        if Pin::new(&mut *sink)
            .start_send(Message::Text(text.into()))
            .is_err()
        {
            return TrySend::Closed;
        }
        match Pin::new(&mut *sink).poll_flush(&mut cx) {
            Poll::Ready(Ok(())) => TrySend::Sent,
            Poll::Ready(Err(_)) => TrySend::Closed,
            Poll::Pending => TrySend::NeedsFlush,
        }
    }

    /// Flush what [`Self::try_send_text`] left buffered.
    pub async fn flush(&self) -> Result<(), AgentError> {
        let mut sink = self.sink.lock().await;
        sink.flush().await.map_err(|_| AgentError::Closed)
    }

    /// Send an already encoded JSON message (the media engine encodes its own).
    pub async fn send_text(&self, text: String) -> Result<(), AgentError> {
        let mut sink = self.sink.lock().await;
        sink.send(Message::Text(text.into()))
            .await
            .map_err(|_| AgentError::Closed)
    }

    pub async fn send(&self, msg: &ClientMessage) -> Result<(), AgentError> {
        self.send_text(msg.to_json()).await
    }

    /// One `user_audio_chunk` (audio in the conversation's `input_format`).
    pub async fn send_audio(&self, audio: &[u8]) -> Result<(), AgentError> {
        self.send_text(encode_user_audio_chunk(audio)).await
    }

    pub async fn pong(&self, event_id: u64) -> Result<(), AgentError> {
        self.send(&ClientMessage::Pong { event_id }).await
    }

    /// Send the pong if `msg` is a ping; returns whether it was one.
    pub async fn answer_ping(&self, msg: &ServerMessage) -> Result<bool, AgentError> {
        match ClientMessage::pong_for(msg) {
            Some(p) => self.send(&p).await.map(|_| true),
            None => Ok(false),
        }
    }

    pub async fn tool_result(
        &self,
        tool_call_id: &str,
        result: &str,
        is_error: bool,
    ) -> Result<(), AgentError> {
        self.send(&ClientMessage::ClientToolResult {
            tool_call_id: tool_call_id.to_string(),
            result: result.to_string(),
            is_error,
        })
        .await
    }

    /// Answer a `client_tool_call` that no configured tool handles with an error result,
    /// so the agent goes on; returns whether `msg` was a tool call.
    pub async fn reject_tool_call(&self, msg: &ServerMessage) -> Result<bool, AgentError> {
        match ClientMessage::tool_not_configured(msg) {
            Some(r) => self.send(&r).await.map(|_| true),
            None => Ok(false),
        }
    }

    /// End the conversation with a normal close (1000); the receiver then ends.
    pub async fn close(&self) -> Result<(), AgentError> {
        let mut sink = self.sink.lock().await;
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "User ended conversation".into(),
        };
        let r = sink.send(Message::Close(Some(frame))).await;
        let _ = sink.flush().await;
        r.map_err(|_| AgentError::Closed)
    }
}

// ---------------------------------------------------------------------------------------
// Receiving
// ---------------------------------------------------------------------------------------

/// How the conversation ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CloseInfo {
    /// The close code; `None` when the peer sent none or the transport failed.
    pub code: Option<u16>,
    pub reason: String,
    /// Set when the socket failed instead of closing.
    pub transport_error: Option<String>,
    /// The service's `error` event just before the close, if any: its message.
    pub error_message: Option<String>,
}

impl CloseInfo {
    /// A normal close (1000, or a close without code), not an error.
    pub fn is_normal(&self) -> bool {
        self.transport_error.is_none() && matches!(self.code, None | Some(1000))
    }

    /// One phrase for logs and reports, e.g. "closed by the agent (1008: Invalid message)".
    pub fn describe(&self) -> String {
        if let Some(t) = &self.transport_error {
            return format!("connection lost ({t})");
        }
        let mut s = match self.code {
            Some(c) if self.reason.is_empty() => format!("closed by the agent ({c})"),
            Some(c) => format!("closed by the agent ({c}: {})", self.reason),
            None => "closed by the agent".to_string(),
        };
        if let Some(m) = &self.error_message {
            s.push_str(&format!("; error: {m}"));
        }
        s
    }
}

/// The receiving half: yields [`ServerMessage`]s; unknown types are logged at debug and
/// yielded as `Unknown`, malformed frames are logged and skipped.
pub struct AgentReceiver {
    stream: SplitStream<Ws>,
    pending: VecDeque<ServerMessage>,
    close: Option<CloseInfo>,
    last_error: Option<String>,
    malformed: u64,
}

impl std::fmt::Debug for AgentReceiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentReceiver")
            .field("close", &self.close)
            .field("malformed", &self.malformed)
            .finish_non_exhaustive()
    }
}

impl AgentReceiver {
    fn new(stream: SplitStream<Ws>) -> Self {
        AgentReceiver {
            stream,
            pending: VecDeque::new(),
            close: None,
            last_error: None,
            malformed: 0,
        }
    }

    /// The next message; `None` once the connection ended (see [`Self::close_info`]).
    pub async fn next(&mut self) -> Option<ServerMessage> {
        if let Some(m) = self.pending.pop_front() {
            return Some(m);
        }
        self.next_raw().await
    }

    async fn next_raw(&mut self) -> Option<ServerMessage> {
        if self.close.is_some() {
            return None;
        }
        loop {
            let frame = match self.stream.next().await {
                None => {
                    self.end(None, String::new(), Some("the connection ended".into()));
                    return None;
                }
                Some(Err(e)) => {
                    use tokio_tungstenite::tungstenite::Error as WsError;
                    match e {
                        WsError::ConnectionClosed | WsError::AlreadyClosed => {
                            self.end(None, String::new(), None)
                        }
                        other => self.end(None, String::new(), Some(other.to_string())),
                    }
                    return None;
                }
                Some(Ok(f)) => f,
            };
            let text = match frame {
                Message::Text(t) => t.to_string(),
                Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                Message::Close(cf) => {
                    let (code, reason) = cf
                        .map(|f| (Some(u16::from(f.code)), f.reason.to_string()))
                        .unwrap_or((None, String::new()));
                    self.end(code, reason, None);
                    return None;
                }
                _ => continue, // WebSocket ping/pong frames: tungstenite answers them
            };
            match ServerMessage::parse(&text) {
                Ok(m) => {
                    match &m {
                        ServerMessage::Unknown { kind, .. } => {
                            tracing::debug!("agent message of unhandled type '{kind}' ignored")
                        }
                        ServerMessage::Error {
                            code,
                            message,
                            error_type,
                            reason,
                        } => {
                            let text = message
                                .clone()
                                .or_else(|| reason.clone())
                                .or_else(|| error_type.clone())
                                .unwrap_or_else(|| "unspecified error".into());
                            tracing::warn!(
                                "the agent service reports an error ({}): {text}",
                                code.map(|c| c.to_string()).unwrap_or_else(|| "-".into())
                            );
                            self.last_error = Some(text);
                        }
                        _ => {}
                    }
                    return Some(m);
                }
                Err(e) => {
                    self.malformed += 1;
                    tracing::warn!("skipping a malformed agent message: {e}");
                }
            }
        }
    }

    fn end(&mut self, code: Option<u16>, reason: String, transport_error: Option<String>) {
        self.close = Some(CloseInfo {
            code,
            reason,
            transport_error,
            error_message: self.last_error.clone(),
        });
    }

    /// Why the connection ended; `None` while it is open.
    pub fn close_info(&self) -> Option<&CloseInfo> {
        self.close.as_ref()
    }

    /// Frames that could not be decoded (skipped).
    pub fn malformed_frames(&self) -> u64 {
        self.malformed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_service_layout() {
        let s = AgentSettings::new("https://api.elevenlabs.io", "agent_123").unwrap();
        assert_eq!(
            s.public_url().as_str(),
            "wss://api.elevenlabs.io/v1/convai/conversation?agent_id=agent_123"
        );
        assert_eq!(
            s.signed_url_endpoint().as_str(),
            "https://api.elevenlabs.io/v1/convai/conversation/get-signed-url?agent_id=agent_123"
        );
        let sim = AgentSettings::new("ws://127.0.0.1:9000", "a b").unwrap();
        assert_eq!(
            sim.public_url().as_str(),
            "ws://127.0.0.1:9000/v1/convai/conversation?agent_id=a+b"
        );
        assert_eq!(
            sim.signed_url_endpoint().as_str(),
            "http://127.0.0.1:9000/v1/convai/conversation/get-signed-url?agent_id=a+b"
        );
        let eu = AgentSettings::new("wss://api.eu.residency.elevenlabs.io/", "x").unwrap();
        assert_eq!(
            eu.signed_url_endpoint().as_str(),
            "https://api.eu.residency.elevenlabs.io/v1/convai/conversation/get-signed-url?agent_id=x"
        );
        assert!(matches!(
            AgentSettings::new("ftp://x", "a"),
            Err(AgentError::BadUrl { .. })
        ));
        assert!(AgentSettings::new("not a url", "a").is_err());
    }

    #[test]
    fn shown_urls_hide_signatures() {
        let u = Url::parse(
            "wss://api.elevenlabs.io/v1/convai/conversation?agent_id=a&conversation_signature=SECRET",
        )
        .unwrap();
        assert!(!shown(&u).contains("SECRET"));
    }

    #[test]
    fn http_statuses_map_to_sentences() {
        let mut s = AgentSettings::new("http://127.0.0.1:1", "agent_9").unwrap();
        assert!(matches!(
            http_status_error(401, "", &s, "u"),
            AgentError::AuthRequired { .. }
        ));
        s.api_key = Some(Secret::new("sk_live_do_not_print"));
        let e = http_status_error(
            401,
            r#"{"detail":{"status":"invalid_api_key","message":"Invalid API key"}}"#,
            &s,
            "u",
        );
        assert!(matches!(e, AgentError::Unauthorized { status: 401 }));
        assert!(!e.to_string().contains("sk_live"));
        assert!(!format!("{s:?}").contains("sk_live"));
        assert!(matches!(
            http_status_error(404, "", &s, "u"),
            AgentError::AgentNotFound { .. }
        ));
        let e = http_status_error(
            422,
            r#"{"detail":{"status":"bad","message":"agent_id missing"}}"#,
            &s,
            "u",
        );
        assert_eq!(
            e.to_string(),
            "the agent service refused the conversation (HTTP): HTTP 422 agent_id missing"
        );
    }

    // ---- end to end against the simulator --------------------------------------------

    use crate::io::agent_sim::{serve, SimMode, SimOptions, SimStats};
    use std::net::SocketAddr;
    use tokio::sync::oneshot;
    use tokio::task::JoinHandle;
    use vcctl_core::agent::proto::Encoding;
    use vcctl_core::agent::sim::ConversationConfig;
    use vcctl_core::media::g711;
    use vcctl_core::media::tone::{dominant_frequency, SineGen};

    struct Sim {
        addr: SocketAddr,
        stop: Option<oneshot::Sender<()>>,
        task: JoinHandle<std::io::Result<SimStats>>,
    }

    impl Sim {
        async fn start(opts: SimOptions) -> Sim {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (tx, rx) = oneshot::channel();
            let task = tokio::spawn(serve(listener, opts, async {
                let _ = rx.await;
            }));
            Sim {
                addr,
                stop: Some(tx),
                task,
            }
        }

        fn settings(&self, agent: &str) -> AgentSettings {
            AgentSettings::new(&format!("ws://{}", self.addr), agent).unwrap()
        }

        async fn stop(mut self) -> SimStats {
            let _ = self.stop.take().unwrap().send(());
            self.task.await.unwrap().unwrap()
        }
    }

    /// The simulator in `mode`, answering after 30 ms, without pings, then `change`d.
    fn quiet(mode: SimMode, change: impl FnOnce(&mut SimOptions)) -> SimOptions {
        let mut o = SimOptions {
            conversation: ConversationConfig {
                mode,
                response_delay: Duration::from_millis(30),
                ping_interval: None,
                ..Default::default()
            },
            ..Default::default()
        };
        change(&mut o);
        o
    }

    async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), f)
            .await
            .expect("timed out")
    }

    /// `ms` of a loud tone as µ-law (speech to the VAD).
    fn loud_ulaw(ms: usize, hz: f64) -> Vec<u8> {
        let mut pcm = Vec::new();
        SineGen::new(hz, 8000, 0.6).extend(8 * ms, &mut pcm);
        let mut out = Vec::new();
        g711::pcm_to_ulaw(&pcm, &mut out);
        out
    }

    #[tokio::test]
    async fn metadata_arrives_and_pings_are_exposed_and_answered() {
        let sim = Sim::start(quiet(SimMode::Echo, |o| {
            o.conversation.ping_interval = Some(Duration::from_millis(40));
        }))
        .await;
        let init = InitiationClientData {
            dynamic_variables: [("caller_id".to_string(), serde_json::json!("1001"))].into(),
            ..Default::default()
        };
        let mut conn = within(connect(&sim.settings("agent_test"), init))
            .await
            .unwrap();
        assert!(conn.conversation_id.starts_with("conv_sim"));
        assert_eq!(conn.input_format, AudioFormat::ULAW_8000);
        assert_eq!(conn.output_format, AudioFormat::ULAW_8000);
        assert!(conn.timings.signed_url.is_none());
        assert!(conn.timings.total >= conn.timings.metadata);
        let mut seen = Vec::new();
        while seen.len() < 3 {
            match within(conn.receiver.next()).await.unwrap() {
                ServerMessage::Ping { event_id, ping_ms } => {
                    assert!(conn
                        .sender
                        .answer_ping(&ServerMessage::Ping { event_id, ping_ms })
                        .await
                        .unwrap());
                    seen.push((event_id, ping_ms));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(seen.windows(2).all(|w| w[1].0 > w[0].0), "{seen:?}");
        assert_eq!(seen[0].1, None, "the first ping has no round trip yet");
        assert!(seen[2].1.is_some(), "later pings carry ping_ms: {seen:?}");
        conn.sender.close().await.unwrap();
        assert_eq!(within(conn.receiver.next()).await, None);
        let info = conn.receiver.close_info().unwrap();
        assert!(info.is_normal(), "{info:?}");
        let stats = sim.stop().await;
        assert!(stats.counts.pongs_received >= 3, "{stats:?}");
        assert_eq!(stats.counts.pongs_unexpected, 0);
    }

    #[tokio::test]
    async fn echo_returns_the_same_bytes_rechunked() {
        let sim = Sim::start(quiet(SimMode::Echo, |_| {})).await;
        let mut conn = within(connect(&sim.settings("a"), Default::default()))
            .await
            .unwrap();
        let sent: Vec<u8> = (0..4000u32).map(|i| (i * 7 % 251) as u8).collect();
        // A burst (merged by the simulator) and then paced chunks.
        for c in sent[..480].chunks(160) {
            conn.sender.send_audio(c).await.unwrap();
        }
        for c in sent[480..].chunks(160) {
            conn.sender.send_audio(c).await.unwrap();
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let mut got = Vec::new();
        let mut ids = Vec::new();
        while got.len() < sent.len() {
            match within(conn.receiver.next()).await.expect("closed early") {
                ServerMessage::Audio { event_id, audio } => {
                    ids.push(event_id);
                    got.extend_from_slice(&audio);
                }
                ServerMessage::UserTranscript { .. } | ServerMessage::AgentResponse { .. } => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(got, sent);
        assert!(ids.windows(2).all(|w| w[1] > w[0]), "{ids:?}");
        conn.sender.close().await.unwrap();
        let stats = sim.stop().await;
        assert_eq!(stats.counts.audio_bytes_in, 4000);
        assert_eq!(stats.counts.audio_bytes_out, 4000);
    }

    #[tokio::test]
    async fn tone_mode_answers_a_caller_turn_with_the_tone() {
        let sim = Sim::start(quiet(SimMode::Tone, |o| {
            o.conversation.tone_hz = 1000.0;
            o.conversation.tone_duration = Duration::from_millis(300);
        }))
        .await;
        let mut conn = within(connect(&sim.settings("a"), Default::default()))
            .await
            .unwrap();
        // 300 ms of "speech", then 800 ms of silence (the VAD counts samples, not time).
        let mut audio = loud_ulaw(300, 300.0);
        audio.extend(std::iter::repeat_n(g711::ULAW_SILENCE, 8 * 800));
        for c in audio.chunks(160) {
            conn.sender.send_audio(c).await.unwrap();
        }
        let mut kinds = Vec::new();
        let mut pcm = Vec::new();
        while pcm.len() < 8 * 300 {
            let m = within(conn.receiver.next()).await.expect("closed early");
            kinds.push(m.kind().to_string());
            if let ServerMessage::Audio { audio, .. } = m {
                assert_eq!(conn.output_format.encoding, Encoding::Ulaw);
                g711::ulaw_to_pcm(&audio, &mut pcm);
            }
        }
        assert_eq!(kinds[0], "user_transcript", "{kinds:?}");
        assert_eq!(kinds[1], "agent_response", "{kinds:?}");
        let (hz, _) = dominant_frequency(&pcm, 8000, &[300.0, 440.0, 1000.0]).unwrap();
        assert_eq!(hz, 1000.0);
        conn.sender.close().await.unwrap();
        sim.stop().await;
    }

    #[tokio::test]
    async fn caller_speech_while_the_agent_talks_interrupts_it() {
        let sim = Sim::start(quiet(SimMode::Tone, |o| {
            o.conversation.interrupt_on_speech = true;
            o.conversation.tone_duration = Duration::from_secs(3);
        }))
        .await;
        let init = InitiationClientData {
            first_message: Some("Hello, this is a long greeting from the simulator.".into()),
            ..Default::default()
        };
        let mut conn = within(connect(&sim.settings("a"), init)).await.unwrap();
        // Wait until the agent talks.
        let mut last_audio = 0;
        let mut saw_response = false;
        while last_audio == 0 {
            match within(conn.receiver.next()).await.unwrap() {
                ServerMessage::Audio { event_id, .. } => last_audio = event_id,
                ServerMessage::AgentResponse { .. } => saw_response = true,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(saw_response);
        for c in loud_ulaw(200, 300.0).chunks(160) {
            conn.sender.send_audio(c).await.unwrap();
        }
        let mut transcript = vcctl_core::agent::proto::Transcript::new();
        transcript.push(
            vcctl_core::agent::proto::Speaker::Agent,
            "Hello, this is a long greeting from the simulator.",
            0,
        );
        let interrupted_at = loop {
            match within(conn.receiver.next()).await.unwrap() {
                ServerMessage::Audio { event_id, .. } => last_audio = event_id,
                ServerMessage::Interruption { event_id } => break event_id,
                other => panic!("unexpected {other:?}"),
            }
        };
        assert!(
            interrupted_at >= last_audio,
            "{interrupted_at} < {last_audio}"
        );
        // The simulator says what the agent got to say, and the agent stops talking.
        let next = within(conn.receiver.next()).await.unwrap();
        assert!(transcript.observe(&next, 500), "{next:?}");
        assert!(transcript.turns[0].corrected);
        let quiet_after =
            tokio::time::timeout(Duration::from_millis(300), conn.receiver.next()).await;
        assert!(
            quiet_after.is_err(),
            "more after the interruption: {quiet_after:?}"
        );
        conn.sender.close().await.unwrap();
        let stats = sim.stop().await;
        assert_eq!(stats.counts.interruptions, 1);
    }

    #[tokio::test]
    async fn signed_url_flow_accepts_the_right_key_and_rejects_others() {
        let sim = Sim::start(quiet(SimMode::Echo, |o| {
            o.api_key = Some("right-key".into());
            o.require_signed_url = true;
        }))
        .await;
        let mut s = sim.settings("agent_private");
        s.api_key = Some(Secret::new("right-key"));
        let conn = within(connect(&s, Default::default())).await.unwrap();
        assert!(conn.timings.signed_url.is_some());
        conn.sender.close().await.unwrap();

        s.api_key = Some(Secret::new("wrong-key-do-not-print"));
        let e = within(connect(&s, Default::default())).await.unwrap_err();
        assert!(
            matches!(e, AgentError::Unauthorized { status: 401 }),
            "{e:?}"
        );
        assert!(!e.to_string().contains("wrong-key"), "{e}");

        s.api_key = None;
        let e = within(connect(&s, Default::default())).await.unwrap_err();
        assert!(
            matches!(e, AgentError::AuthRequired { status: 403, .. }),
            "{e:?}"
        );

        // A forged signature is refused too.
        let mut forged = s.public_url();
        forged
            .query_pairs_mut()
            .append_pair("conversation_signature", "forged");
        let e = tokio_tungstenite::connect_async(forged.as_str())
            .await
            .unwrap_err();
        assert!(matches!(e, tokio_tungstenite::tungstenite::Error::Http(r) if r.status() == 403));

        let stats = sim.stop().await;
        assert_eq!(stats.signed_urls, 1);
        assert_eq!(stats.rejected_keys, 1);
        assert_eq!(stats.rejected_upgrades, 2);
        assert_eq!(stats.counts.conversations, 1);
    }

    #[tokio::test]
    async fn unknown_types_are_ignored_and_tool_calls_get_an_error_result() {
        let sim = Sim::start(quiet(SimMode::Echo, |o| {
            o.conversation.extra_events = true;
            o.conversation.tool_call = true;
        }))
        .await;
        let mut conn = within(connect(&sim.settings("a"), Default::default()))
            .await
            .unwrap();
        let mut unknown = Vec::new();
        loop {
            match within(conn.receiver.next()).await.unwrap() {
                ServerMessage::Unknown { kind, .. } => unknown.push(kind),
                m @ ServerMessage::ClientToolCall { .. } => {
                    assert!(conn.sender.reject_tool_call(&m).await.unwrap());
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(unknown, ["sim_debug"]);
        // Speech with extra events: tentative responses and vad scores are ignored; audio
        // still comes back.
        let mut audio = loud_ulaw(200, 300.0);
        audio.extend(std::iter::repeat_n(g711::ULAW_SILENCE, 8 * 800));
        for c in audio.chunks(160) {
            conn.sender.send_audio(c).await.unwrap();
        }
        let mut bytes = 0;
        let mut kinds = std::collections::BTreeSet::new();
        while bytes < audio.len() {
            let m = within(conn.receiver.next()).await.unwrap();
            kinds.insert(m.kind().to_string());
            if let ServerMessage::Audio { audio, .. } = m {
                bytes += audio.len();
            }
        }
        assert!(
            kinds.contains("internal_tentative_agent_response"),
            "{kinds:?}"
        );
        assert!(kinds.contains("vad_score"), "{kinds:?}");
        assert_eq!(conn.receiver.malformed_frames(), 0);
        conn.sender.close().await.unwrap();
        let stats = sim.stop().await;
        assert_eq!(
            (stats.counts.tool_calls, stats.counts.tool_error_results),
            (1, 1)
        );
    }

    #[tokio::test]
    async fn unknown_agents_and_dead_ports_give_typed_errors() {
        let sim = Sim::start(quiet(SimMode::Echo, |o| {
            o.known_agent = Some("agent_a".into());
        }))
        .await;
        let e = within(connect(&sim.settings("agent_b"), Default::default()))
            .await
            .unwrap_err();
        assert!(matches!(e, AgentError::AgentNotFound { .. }), "{e:?}");
        let mut s = sim.settings("agent_b");
        s.api_key = Some(Secret::new("k"));
        let e = within(connect(&s, Default::default())).await.unwrap_err();
        assert!(matches!(e, AgentError::AgentNotFound { .. }), "{e:?}");
        let addr = sim.addr;
        sim.stop().await;
        let dead = AgentSettings::new(&format!("ws://{addr}"), "a").unwrap();
        let e = within(connect(&dead, Default::default()))
            .await
            .unwrap_err();
        assert!(matches!(e, AgentError::Unreachable { .. }), "{e:?}");
    }

    #[tokio::test]
    async fn an_invalid_frame_ends_with_an_error_close() {
        let sim = Sim::start(quiet(SimMode::Echo, |_| {})).await;
        let mut conn = within(connect(&sim.settings("a"), Default::default()))
            .await
            .unwrap();
        conn.sender
            .send(&ClientMessage::Unknown {
                kind: "garbage".into(),
                raw: "this is not json".into(),
            })
            .await
            .unwrap();
        let m = within(conn.receiver.next()).await.unwrap();
        assert!(
            matches!(
                m,
                ServerMessage::Error {
                    code: Some(1008),
                    ..
                }
            ),
            "{m:?}"
        );
        assert_eq!(within(conn.receiver.next()).await, None);
        let info = conn.receiver.close_info().unwrap().clone();
        assert_eq!(info.code, Some(1008));
        assert!(!info.is_normal());
        assert_eq!(
            info.error_message.as_deref(),
            Some("Invalid message received")
        );
        assert!(conn.sender.send_audio(&[0xff; 160]).await.is_err());
        let stats = sim.stop().await;
        assert_eq!(stats.counts.invalid_frames, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_concurrent_conversations() {
        let sim = Sim::start(quiet(SimMode::Echo, |o| {
            o.conversation.response_delay = Duration::from_millis(5);
            o.conversation.ping_interval = Some(Duration::from_millis(50));
        }))
        .await;
        let settings = sim.settings("a");
        let mut calls = tokio::task::JoinSet::new();
        for i in 0..100u32 {
            let s = settings.clone();
            calls.spawn(async move {
                let mut conn = connect(&s, Default::default()).await.unwrap();
                let sent: Vec<u8> = (0..800u32).map(|j| ((i + j) % 256) as u8).collect();
                for c in sent.chunks(160) {
                    conn.sender.send_audio(c).await.unwrap();
                }
                let mut got = Vec::new();
                while got.len() < sent.len() {
                    match conn.receiver.next().await {
                        Some(ServerMessage::Audio { audio, .. }) => got.extend(audio),
                        Some(ping @ ServerMessage::Ping { .. }) => {
                            conn.sender.answer_ping(&ping).await.unwrap();
                        }
                        _ => {}
                    }
                }
                assert_eq!(got, sent);
                conn.sender.close().await.unwrap();
            });
        }
        within(async {
            while let Some(r) = calls.join_next().await {
                r.unwrap();
            }
        })
        .await;
        let stats = sim.stop().await;
        assert_eq!(stats.counts.conversations, 100);
        assert_eq!(stats.counts.audio_bytes_out, 100 * 800);
    }

    #[test]
    fn close_info_tells_normal_from_error() {
        let normal = CloseInfo {
            code: Some(1000),
            ..Default::default()
        };
        assert!(normal.is_normal());
        let err = CloseInfo {
            code: Some(1008),
            reason: "Invalid message received".into(),
            error_message: Some("bad".into()),
            ..Default::default()
        };
        assert!(!err.is_normal());
        assert_eq!(
            err.describe(),
            "closed by the agent (1008: Invalid message received); error: bad"
        );
        let lost = CloseInfo {
            transport_error: Some("reset".into()),
            ..Default::default()
        };
        assert!(!lost.is_normal());
    }
}
