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

pub use vcctl_core::agent::sim::SimMode;
use vcctl_core::agent::sim::{
    agent_not_found, ConvCounts, ConversationConfig, SimConversation, SimOutput,
};

const CONVERSATION_PATH: &str = "/v1/convai/conversation";
const SIGNED_URL_PATH: &str = "/v1/convai/conversation/get-signed-url";
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// After shutdown, how long conversations get to close before they are dropped.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(3);

/// Behaviour of [`serve`]: each conversation's (the core's [`ConversationConfig`]) and the
/// HTTP front's.
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    pub conversation: ConversationConfig,
    /// The key signed-URL requests must carry; `None` accepts any non-empty key.
    pub api_key: Option<String>,
    /// Refuse WebSocket upgrades without a valid `conversation_signature` (403).
    pub require_signed_url: bool,
    /// Only this agent exists (others: 404 / close 1008); `None`: every id exists.
    pub known_agent: Option<String>,
    /// One line per conversation on stderr (start and end).
    pub log_connections: bool,
}

/// Totals over all connections, returned by [`serve`]: the HTTP front's counts and the
/// conversations' (the core's [`ConvCounts`], flattened so the JSON keeps one flat object).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SimStats {
    pub connections: u64,
    pub signed_urls: u64,
    pub rejected_keys: u64,
    pub rejected_upgrades: u64,
    /// Pings never answered by the time their conversation ended.
    pub pongs_missing: u64,
    #[serde(flatten)]
    pub counts: ConvCounts,
}

/// The totals, added to by every connection under a short lock (once per flush of a
/// conversation's counts, not per frame).
#[derive(Default)]
struct Counters(Mutex<SimStats>);

impl Counters {
    fn bump(&self, f: impl FnOnce(&mut SimStats)) {
        f(&mut self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn add(&self, c: ConvCounts) {
        self.bump(|s| s.counts.add(&c))
    }

    fn snapshot(&self) -> SimStats {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
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
        counting.counters.bump(|s| s.connections += 1);
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
        counters.bump(|s| s.rejected_keys += 1);
        return detail(
            StatusCode::UNAUTHORIZED,
            "needs_authorization",
            "Neither authorization header nor xi-api-key received, please provide one.",
        );
    }
    if opts.api_key.as_deref().is_some_and(|k| k != key) {
        counters.bump(|s| s.rejected_keys += 1);
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
    counters.bump(|s| s.signed_urls += 1);
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
        counters.bump(|s| s.rejected_upgrades += 1);
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
        counters.bump(|s| s.rejected_upgrades += 1);
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
        opts.conversation.clone(),
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
    counters.bump(|s| s.pongs_missing += missing);
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
