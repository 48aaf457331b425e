//! A local stand-in for the ElevenLabs Agents service, speaking the same protocol
//! ([`vcctl_core::agent::proto`]) on one TCP port, served with axum:
//!
//! - `GET /v1/convai/conversation/get-signed-url?agent_id=ID` with `xi-api-key` ->
//!   `{"signed_url":"ws://HOST/v1/convai/conversation?agent_id=ID&conversation_signature=.."}`;
//!   a missing or wrong key gets 401 with the service's `{"detail":{"status","message"}}`.
//! - `GET /v1/convai/conversation?agent_id=ID` WebSocket upgrades (with a signature from
//!   above, or without one unless signed URLs are required).
//!
//! Each conversation is a [`SimConversation`] (the sans-IO engine in
//! [`vcctl_core::agent::sim`]: echo, tone, pings, interruptions); this file only moves its
//! frames and its time, counts, and logs.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use vcctl_core::agent::proto::AudioFormat;
pub use vcctl_core::agent::sim::SimMode;
use vcctl_core::agent::sim::{
    agent_not_found, ConvCounts, ConversationConfig, SimConversation, SimOutput,
};

const CONVERSATION_PATH: &str = "/v1/convai/conversation";
const SIGNED_URL_PATH: &str = "/v1/convai/conversation/get-signed-url";
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// After shutdown, how long conversations get to close before they are dropped.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// Behaviour of [`serve`].
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub mode: SimMode,
    /// Echo: delay of every byte. Tone: end of caller speech -> first tone byte.
    pub response_delay: Duration,
    /// Audio format of both directions.
    pub format: AudioFormat,
    /// Send `interruption` when caller speech starts while the agent is talking.
    pub interrupt_on_speech: bool,
    pub tone_hz: f64,
    pub tone_duration: Duration,
    /// Tone: send each reply at once (as a TTS faster than real time does) instead of in
    /// real time.
    pub tone_burst: bool,
    /// Keep-alive pings; `None` sends none.
    pub ping_interval: Option<Duration>,
    /// Send one `client_tool_call` right after the metadata.
    pub tool_call: bool,
    /// The key signed-URL requests must carry; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    /// Refuse WebSocket upgrades without a valid `conversation_signature` (403).
    pub require_signed_url: bool,
    /// Only this agent exists (others: 404 / close 1008); `None`: every id exists.
    pub known_agent: Option<String>,
    /// Size of `audio` events (tone; echo splits merged audio at this size).
    pub chunk_ms: u32,
    /// Also send events a client must ignore (`internal_tentative_agent_response`,
    /// `vad_score`, an invented type).
    pub extra_events: bool,
    /// One line per conversation on stderr (start and end).
    pub log_connections: bool,
    /// End every conversation from the agent side (normal close) after this long.
    pub end_after: Option<Duration>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            mode: SimMode::Echo,
            response_delay: Duration::from_millis(300),
            format: AudioFormat::ULAW_8000,
            interrupt_on_speech: false,
            tone_hz: 440.0,
            tone_duration: Duration::from_secs(1),
            tone_burst: false,
            ping_interval: Some(Duration::from_secs(2)),
            tool_call: false,
            api_key: None,
            require_signed_url: false,
            known_agent: None,
            chunk_ms: 100,
            extra_events: false,
            log_connections: false,
            end_after: None,
        }
    }
}

/// Totals over all connections, returned by [`serve`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    pub connections: u64,
    pub conversations: u64,
    pub signed_urls: u64,
    pub rejected_keys: u64,
    pub rejected_upgrades: u64,
    pub pings_sent: u64,
    pub pongs_received: u64,
    /// Pings never answered by the time their conversation ended.
    pub pongs_missing: u64,
    /// Pongs for ids never sent (or answered twice).
    pub pongs_unexpected: u64,
    pub audio_chunks_in: u64,
    pub audio_bytes_in: u64,
    pub audio_events_out: u64,
    pub audio_bytes_out: u64,
    pub interruptions: u64,
    pub tool_calls: u64,
    pub tool_results: u64,
    pub tool_error_results: u64,
    pub invalid_frames: u64,
    /// Largest ping round trip seen, ms.
    pub max_ping_rtt_ms: u64,
}

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    conversations: AtomicU64,
    signed_urls: AtomicU64,
    rejected_keys: AtomicU64,
    rejected_upgrades: AtomicU64,
    pings_sent: AtomicU64,
    pongs_received: AtomicU64,
    pongs_missing: AtomicU64,
    pongs_unexpected: AtomicU64,
    audio_chunks_in: AtomicU64,
    audio_bytes_in: AtomicU64,
    audio_events_out: AtomicU64,
    audio_bytes_out: AtomicU64,
    interruptions: AtomicU64,
    tool_calls: AtomicU64,
    tool_results: AtomicU64,
    tool_error_results: AtomicU64,
    invalid_frames: AtomicU64,
    max_ping_rtt_ms: AtomicU64,
}

fn add(c: &AtomicU64, n: u64) {
    c.fetch_add(n, Ordering::Relaxed);
}

impl Counters {
    fn snapshot(&self) -> SimStats {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        SimStats {
            connections: g(&self.connections),
            conversations: g(&self.conversations),
            signed_urls: g(&self.signed_urls),
            rejected_keys: g(&self.rejected_keys),
            rejected_upgrades: g(&self.rejected_upgrades),
            pings_sent: g(&self.pings_sent),
            pongs_received: g(&self.pongs_received),
            pongs_missing: g(&self.pongs_missing),
            pongs_unexpected: g(&self.pongs_unexpected),
            audio_chunks_in: g(&self.audio_chunks_in),
            audio_bytes_in: g(&self.audio_bytes_in),
            audio_events_out: g(&self.audio_events_out),
            audio_bytes_out: g(&self.audio_bytes_out),
            interruptions: g(&self.interruptions),
            tool_calls: g(&self.tool_calls),
            tool_results: g(&self.tool_results),
            tool_error_results: g(&self.tool_error_results),
            invalid_frames: g(&self.invalid_frames),
            max_ping_rtt_ms: g(&self.max_ping_rtt_ms),
        }
    }
}

impl SimOptions {
    fn conversation(&self) -> ConversationConfig {
        ConversationConfig {
            mode: self.mode,
            response_delay: self.response_delay,
            format: self.format,
            interrupt_on_speech: self.interrupt_on_speech,
            tone_hz: self.tone_hz,
            tone_duration: self.tone_duration,
            tone_burst: self.tone_burst,
            ping_interval: self.ping_interval,
            tool_call: self.tool_call,
            chunk_ms: self.chunk_ms,
            extra_events: self.extra_events,
            end_after: self.end_after,
        }
    }
}

impl Counters {
    fn add(&self, c: ConvCounts) {
        add(&self.conversations, c.conversations);
        add(&self.pings_sent, c.pings_sent);
        add(&self.pongs_received, c.pongs_received);
        add(&self.pongs_unexpected, c.pongs_unexpected);
        add(&self.audio_chunks_in, c.audio_chunks_in);
        add(&self.audio_bytes_in, c.audio_bytes_in);
        add(&self.audio_events_out, c.audio_events_out);
        add(&self.audio_bytes_out, c.audio_bytes_out);
        add(&self.interruptions, c.interruptions);
        add(&self.tool_calls, c.tool_calls);
        add(&self.tool_results, c.tool_results);
        add(&self.tool_error_results, c.tool_error_results);
        add(&self.invalid_frames, c.invalid_frames);
        self.max_ping_rtt_ms
            .fetch_max(c.max_ping_rtt_ms, Ordering::Relaxed);
    }
}

struct Shared {
    opts: SimOptions,
    counters: Counters,
    /// Issued signatures -> agent id.
    signatures: Mutex<HashMap<String, String>>,
    next_conn: AtomicU64,
    /// Flips to true at shutdown: conversations close (1000).
    stop: watch::Receiver<bool>,
    /// Flips to true when the drain time is over: conversations end at once.
    abort: watch::Receiver<bool>,
    /// Cloned by every conversation; taken out at shutdown, so that all clones dropped
    /// means all conversations ended.
    alive: Mutex<Option<mpsc::Sender<()>>>,
}

/// Serve until `shutdown` completes; then close open conversations (1000) and return the
/// totals. Each connection runs in its own task, so many calls can run at once.
pub async fn serve(
    listener: TcpListener,
    opts: SimOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<SimStats> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let (abort_tx, abort_rx) = watch::channel(false);
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let shared = Arc::new(Shared {
        opts,
        counters: Counters::default(),
        signatures: Mutex::new(HashMap::new()),
        next_conn: AtomicU64::new(1),
        stop: stop_rx,
        abort: abort_rx,
        alive: Mutex::new(Some(alive_tx)),
    });
    let app = Router::new()
        .route(SIGNED_URL_PATH, any(signed_url))
        .route(&format!("{SIGNED_URL_PATH}/"), any(signed_url))
        .route(CONVERSATION_PATH, any(conversation))
        .route(&format!("{CONVERSATION_PATH}/"), any(conversation))
        .fallback(|| async { not_found() })
        .with_state(shared.clone());
    let counting = shared.clone();
    let listener = listener.tap_io(move |tcp| {
        let _ = tcp.set_nodelay(true);
        add(&counting.counters.connections, 1);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Conversations are upgraded connections, which the HTTP server no longer tracks.
    let _ = stop_tx.send(true);
    if let Ok(mut a) = shared.alive.lock() {
        a.take();
    }
    if tokio::time::timeout(DRAIN_TIMEOUT, alive_rx.recv())
        .await
        .is_err()
    {
        let _ = abort_tx.send(true);
        let _ = tokio::time::timeout(Duration::from_millis(500), alive_rx.recv()).await;
    }
    Ok(shared.counters.snapshot())
}

// ---------------------------------------------------------------------------------------
// HTTP: signed URLs and WebSocket upgrades
// ---------------------------------------------------------------------------------------

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn detail(status: StatusCode, kind: &str, message: &str) -> Response {
    json(
        status,
        serde_json::json!({ "detail": { "status": kind, "message": message } }),
    )
}

fn not_found() -> Response {
    json(
        StatusCode::NOT_FOUND,
        serde_json::json!({"detail": "Not Found"}),
    )
}

async fn signed_url(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if method != Method::GET {
        return not_found();
    }
    let opts = &shared.opts;
    let counters = &shared.counters;
    let key = headers
        .get("xi-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if key.is_empty() {
        add(&counters.rejected_keys, 1);
        return detail(
            StatusCode::UNAUTHORIZED,
            "needs_authorization",
            "Neither authorization header nor xi-api-key received, please provide one.",
        );
    }
    if opts.api_key.as_deref().is_some_and(|k| k != key) {
        add(&counters.rejected_keys, 1);
        return detail(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "Invalid API key",
        );
    }
    let Some(agent_id) = query.get("agent_id").filter(|a| !a.is_empty()) else {
        return detail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "agent_id is required",
        );
    };
    if opts.known_agent.as_deref().is_some_and(|k| k != agent_id) {
        return detail(
            StatusCode::NOT_FOUND,
            "agent_not_found",
            &format!("Agent with id {agent_id} was not found"),
        );
    }
    let signature = format!("{:032x}", rand::random::<u128>());
    if let Ok(mut s) = shared.signatures.lock() {
        s.insert(signature.clone(), agent_id.clone());
    }
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let mut url = url::Url::parse(&format!("ws://{host}{CONVERSATION_PATH}"))
        .unwrap_or_else(|_| url::Url::parse("ws://127.0.0.1/").expect("static URL"));
    url.query_pairs_mut()
        .append_pair("agent_id", agent_id)
        .append_pair("conversation_signature", &signature);
    add(&counters.signed_urls, 1);
    json(
        StatusCode::OK,
        serde_json::json!({ "signed_url": url.as_str() }),
    )
}

async fn conversation(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    Query(query): Query<HashMap<String, String>>,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if method != Method::GET {
        return not_found();
    }
    let Ok(ws) = ws else {
        return json(
            StatusCode::UPGRADE_REQUIRED,
            serde_json::json!({"detail": "this endpoint is a WebSocket"}),
        );
    };
    let counters = &shared.counters;
    let signature = query.get("conversation_signature");
    let signed_agent = signature.and_then(|s| {
        shared
            .signatures
            .lock()
            .ok()
            .and_then(|m| m.get(s).cloned())
    });
    if (signature.is_some() && signed_agent.is_none())
        || (shared.opts.require_signed_url && signed_agent.is_none())
    {
        add(&counters.rejected_upgrades, 1);
        return detail(
            StatusCode::FORBIDDEN,
            "invalid_signature",
            "This agent requires a valid conversation signature",
        );
    }
    let Some(agent_id) = query
        .get("agent_id")
        .cloned()
        .or(signed_agent)
        .filter(|a| !a.is_empty())
    else {
        add(&counters.rejected_upgrades, 1);
        return detail(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "agent_id is required",
        );
    };
    // The same buffers as vcctl's other WebSockets (see io::websocket). The JS SDK offers
    // the "convai" subprotocol: selected when offered.
    let cfg = crate::io::websocket::config();
    ws.read_buffer_size(cfg.read_buffer_size)
        .protocols(["convai"])
        .on_upgrade(move |socket| async move {
            let no = shared.next_conn.fetch_add(1, Ordering::Relaxed);
            let mut abort = shared.abort.clone();
            let alive = shared.alive.lock().ok().and_then(|a| a.clone());
            if alive.is_none() {
                return; // shutting down
            }
            tokio::select! {
                _ = run_conversation(&shared, socket, no, peer, agent_id) => {}
                _ = abort.wait_for(|a| *a) => {}
            }
            drop(alive);
        })
}

// ---------------------------------------------------------------------------------------
// One conversation: frames and time in, the engine's outputs out
// ---------------------------------------------------------------------------------------

/// Send every queued output; false when the connection is gone or a close was sent.
async fn flush(conv: &mut SimConversation, ws: &mut WebSocket, counters: &Counters) -> bool {
    counters.add(conv.take_counts());
    while let Some(out) = conv.poll_output() {
        match out {
            SimOutput::Send(msg) => {
                if ws.send(Message::Text(msg.to_json().into())).await.is_err() {
                    conv.send_failed();
                    return false;
                }
            }
            SimOutput::Close { code, reason } => {
                close(ws, code, reason).await;
                return false;
            }
        }
    }
    !conv.ended()
}

/// Send a close frame and let the client's reply arrive, briefly.
async fn close(ws: &mut WebSocket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = ws.send(Message::Close(Some(frame))).await;
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
}

/// A frame's text (binary frames read as text); `None` for control frames.
fn text_of(m: Message) -> Option<String> {
    match m {
        Message::Text(t) => Some(t.to_string()),
        Message::Binary(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    }
}

async fn run_conversation(
    shared: &Shared,
    mut ws: WebSocket,
    no: u64,
    peer: SocketAddr,
    agent_id: String,
) {
    let opts = &shared.opts;
    let counters = &shared.counters;
    let conversation_id = format!("conv_sim{:024x}", rand::random::<u128>() >> 32);
    let mut conv = SimConversation::new(
        opts.conversation(),
        no,
        conversation_id,
        Instant::now().into_std(),
    );
    // The agent must exist.
    if opts.known_agent.as_deref().is_some_and(|k| k != agent_id) {
        for out in agent_not_found(&agent_id) {
            match out {
                SimOutput::Send(msg) => {
                    let _ = ws.send(Message::Text(msg.to_json().into())).await;
                }
                SimOutput::Close { code, reason } => close(&mut ws, code, reason).await,
            }
        }
        return;
    }
    // The client speaks first.
    let first = match tokio::time::timeout(INIT_TIMEOUT, ws.next()).await {
        Ok(Some(Ok(m))) => text_of(m),
        _ => None,
    };
    let started = conv.start(first.as_deref(), Instant::now().into_std());
    if !started {
        flush(&mut conv, &mut ws, counters).await;
        return;
    }
    if opts.log_connections {
        eprintln!("{}", conv.start_line(&peer.to_string(), &agent_id));
    }
    if flush(&mut conv, &mut ws, counters).await {
        main_loop(shared, &mut conv, &mut ws).await;
    }
    let (missing, line) = conv.finish(Instant::now().into_std());
    add(&counters.pongs_missing, missing);
    if opts.log_connections {
        eprintln!("{line}");
    }
}

async fn main_loop(shared: &Shared, conv: &mut SimConversation, ws: &mut WebSocket) {
    let counters = &shared.counters;
    let mut stop = shared.stop.clone();
    loop {
        let deadline = conv.poll_timeout().map(Instant::from_std);
        tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => conv.shut_down(),
            frame = ws.next() => match frame {
                None => conv.connection_ended(None),
                Some(Err(e)) => conv.connection_ended(Some(format!("connection lost ({e})"))),
                Some(Ok(Message::Close(cf))) => {
                    // axum answers the close; keep reading until the stream ends.
                    conv.client_closed(cf.map(|f| f.code));
                }
                Some(Ok(m)) => {
                    if let Some(text) = text_of(m) {
                        conv.handle_text(&text, Instant::now().into_std());
                    }
                }
            },
            _ = sleep_until_opt(deadline) => {}
        }
        conv.handle_timeout(Instant::now().into_std());
        if !flush(conv, ws, counters).await {
            return;
        }
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}
