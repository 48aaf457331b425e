//! A local stand-in for the ElevenLabs Agents service, speaking the same protocol
//! ([`vcctl_core::agent::proto`]) on one TCP port:
//!
//! - `GET /v1/convai/conversation/get-signed-url?agent_id=ID` with `xi-api-key` ->
//!   `{"signed_url":"ws://HOST/v1/convai/conversation?agent_id=ID&conversation_signature=.."}`;
//!   a missing or wrong key gets 401 with the service's `{"detail":{"status","message"}}`.
//! - `GET /v1/convai/conversation?agent_id=ID` WebSocket upgrades (with a signature from
//!   above, or without one unless signed URLs are required).
//!
//! Per conversation: read the initiation data, send `conversation_initiation_metadata`, send
//! pings with increasing event ids and match the pongs, and answer the caller:
//! - echo: the caller's audio comes back as `audio` events after the response delay,
//!   byte for byte, re-chunked (chunks due together are merged, long ones split);
//! - tone: at the end of each caller turn (energy VAD) and after the delay, a tone.
//!
//! All event ids (audio, pings) come from one increasing counter per conversation, as
//! `interruption.event_id` means "drop audio up to this id". Placeholder `user_transcript`
//! and `agent_response` events frame each turn. A frame that is not JSON gets the
//! service's answer: an `error` event and close 1008.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use vcctl_core::agent::proto::{
    AudioFormat, ClientMessage, Encoding, InitiationClientData, ServerMessage,
};
use vcctl_core::media::g711;
use vcctl_core::media::tone::{SineGen, Vad, VadConfig, VadEvent};

const CONVERSATION_PATH: &str = "/v1/convai/conversation";
const SIGNED_URL_PATH: &str = "/v1/convai/conversation/get-signed-url";
const MAX_HEADER_BYTES: usize = 16 * 1024;
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the simulated agent answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SimMode {
    /// Return the caller's audio after the response delay.
    Echo,
    /// Answer each caller turn with a tone.
    Tone,
}

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

struct Shared {
    opts: SimOptions,
    counters: Counters,
    /// Issued signatures -> agent id.
    signatures: Mutex<HashMap<String, String>>,
    next_conn: AtomicU64,
}

/// Serve until `shutdown` completes; then close open conversations (1000) and return the
/// totals. Each connection runs in its own task, so many calls can run at once.
pub async fn serve(
    listener: TcpListener,
    opts: SimOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<SimStats> {
    let shared = Arc::new(Shared {
        opts,
        counters: Counters::default(),
        signatures: Mutex::new(HashMap::new()),
        next_conn: AtomicU64::new(1),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    add(&shared.counters.connections, 1);
                    let shared = shared.clone();
                    let stop = stop_rx.clone();
                    tasks.spawn(async move {
                        if let Err(e) = handle_connection(stream, peer, shared, stop).await {
                            tracing::debug!("agent-sim: connection from {peer}: {e}");
                        }
                    });
                }
                Err(e) => {
                    // Out of descriptors and the like: back off instead of spinning.
                    tracing::warn!("agent-sim: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
    let _ = stop_tx.send(true);
    let drain = async { while tasks.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(3), drain)
        .await
        .is_err()
    {
        tasks.abort_all();
    }
    Ok(shared.counters.snapshot())
}

// ---------------------------------------------------------------------------------------
// HTTP front: signed URLs and WebSocket upgrades
// ---------------------------------------------------------------------------------------

struct Request {
    method: String,
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    fn header_has_token(&self, name: &str, token: &str) -> bool {
        self.header(name)
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    }
}

/// Parse a request head; `None` if it is not HTTP/1.x.
fn parse_request(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_string();
    let target = first.next()?;
    if !first.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let url = url::Url::parse(&format!("http://sim{target}")).ok()?;
    let query = url.query_pairs().into_owned().collect();
    let mut headers = HashMap::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    Some(Request {
        method,
        path: url.path().to_string(),
        query,
        headers,
    })
}

/// Read up to the end of the request head; returns the head and any bytes after it.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(pos + 4);
            return Ok(Some((String::from_utf8_lossy(&buf).into_owned(), rest)));
        }
        if buf.len() > MAX_HEADER_BYTES {
            return Ok(None);
        }
    }
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    reason: &str,
    body: &serde_json::Value,
) -> std::io::Result<()> {
    let body = body.to_string();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.flush().await?;
    let _ = stream.shutdown().await;
    Ok(())
}

fn detail(status: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "detail": { "status": status, "message": message } })
}

async fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let head = tokio::time::timeout(HEADER_TIMEOUT, read_head(&mut stream)).await;
    let Ok(Ok(Some((head, rest)))) = head else {
        return Ok(()); // silent, slow or oversized clients are dropped
    };
    let Some(req) = parse_request(&head) else {
        return respond(
            &mut stream,
            400,
            "Bad Request",
            &serde_json::json!({"detail": "not an HTTP/1.1 request"}),
        )
        .await;
    };
    let opts = &shared.opts;
    let counters = &shared.counters;
    match (req.method.as_str(), req.path.trim_end_matches('/')) {
        ("GET", SIGNED_URL_PATH) => {
            let key = req.header("xi-api-key").unwrap_or("");
            if key.is_empty() {
                add(&counters.rejected_keys, 1);
                return respond(
                    &mut stream,
                    401,
                    "Unauthorized",
                    &detail(
                        "needs_authorization",
                        "Neither authorization header nor xi-api-key received, please provide one.",
                    ),
                )
                .await;
            }
            if opts.api_key.as_deref().is_some_and(|k| k != key) {
                add(&counters.rejected_keys, 1);
                return respond(
                    &mut stream,
                    401,
                    "Unauthorized",
                    &detail("invalid_api_key", "Invalid API key"),
                )
                .await;
            }
            let Some(agent_id) = req.query.get("agent_id").filter(|a| !a.is_empty()) else {
                return respond(
                    &mut stream,
                    422,
                    "Unprocessable Entity",
                    &detail("invalid_request", "agent_id is required"),
                )
                .await;
            };
            if opts.known_agent.as_deref().is_some_and(|k| k != agent_id) {
                return respond(
                    &mut stream,
                    404,
                    "Not Found",
                    &detail(
                        "agent_not_found",
                        &format!("Agent with id {agent_id} was not found"),
                    ),
                )
                .await;
            }
            let signature = format!("{:032x}", rand::random::<u128>());
            if let Ok(mut s) = shared.signatures.lock() {
                s.insert(signature.clone(), agent_id.clone());
            }
            let host = req
                .header("host")
                .map(str::to_string)
                .or_else(|| stream.local_addr().ok().map(|a| a.to_string()))
                .unwrap_or_else(|| "127.0.0.1".into());
            let mut url = url::Url::parse(&format!("ws://{host}{CONVERSATION_PATH}"))
                .unwrap_or_else(|_| url::Url::parse("ws://127.0.0.1/").expect("static URL"));
            url.query_pairs_mut()
                .append_pair("agent_id", agent_id)
                .append_pair("conversation_signature", &signature);
            add(&counters.signed_urls, 1);
            respond(
                &mut stream,
                200,
                "OK",
                &serde_json::json!({ "signed_url": url.as_str() }),
            )
            .await
        }
        ("GET", CONVERSATION_PATH) => {
            let is_upgrade = req.header_has_token("upgrade", "websocket")
                && req.header_has_token("connection", "upgrade");
            let key = req.header("sec-websocket-key").map(str::to_string);
            let (true, Some(key)) = (is_upgrade, key) else {
                return respond(
                    &mut stream,
                    426,
                    "Upgrade Required",
                    &serde_json::json!({"detail": "this endpoint is a WebSocket"}),
                )
                .await;
            };
            let signature = req.query.get("conversation_signature");
            let signed_agent = signature.and_then(|s| {
                shared
                    .signatures
                    .lock()
                    .ok()
                    .and_then(|m| m.get(s).cloned())
            });
            if (signature.is_some() && signed_agent.is_none())
                || (opts.require_signed_url && signed_agent.is_none())
            {
                add(&counters.rejected_upgrades, 1);
                return respond(
                    &mut stream,
                    403,
                    "Forbidden",
                    &detail(
                        "invalid_signature",
                        "This agent requires a valid conversation signature",
                    ),
                )
                .await;
            }
            let Some(agent_id) = req
                .query
                .get("agent_id")
                .cloned()
                .or(signed_agent)
                .filter(|a| !a.is_empty())
            else {
                add(&counters.rejected_upgrades, 1);
                return respond(
                    &mut stream,
                    400,
                    "Bad Request",
                    &detail("invalid_request", "agent_id is required"),
                )
                .await;
            };
            let mut resp = format!(
                "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: {}\r\n",
                derive_accept_key(key.as_bytes())
            );
            // The JS SDK offers the "convai" subprotocol; select it when offered.
            if req.header_has_token("sec-websocket-protocol", "convai") {
                resp.push_str("sec-websocket-protocol: convai\r\n");
            }
            resp.push_str("\r\n");
            stream.write_all(resp.as_bytes()).await?;
            let ws = WebSocketStream::from_partially_read(
                stream,
                rest,
                Role::Server,
                Some(crate::io::websocket::config()),
            )
            .await;
            let conn_no = shared.next_conn.fetch_add(1, Ordering::Relaxed);
            Conversation::new(shared.clone(), conn_no, peer, agent_id, stop)
                .run(ws)
                .await;
            Ok(())
        }
        _ => {
            respond(
                &mut stream,
                404,
                "Not Found",
                &serde_json::json!({"detail": "Not Found"}),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// One conversation
// ---------------------------------------------------------------------------------------

type SimWs = WebSocketStream<TcpStream>;

/// Caller audio waiting to be echoed: due time, bytes, sample range in the caller stream.
struct EchoItem {
    due: Instant,
    bytes: Vec<u8>,
    end_sample: u64,
}

struct Conversation {
    shared: Arc<Shared>,
    no: u64,
    peer: SocketAddr,
    agent_id: String,
    stop: watch::Receiver<bool>,
    conversation_id: String,
    fmt: AudioFormat,
    started: Instant,
    next_event_id: u64,
    last_audio_event_id: u64,
    // caller side
    vad: Vad,
    vad_events: Vec<VadEvent>,
    pcm: Vec<i16>,
    odd_byte: Option<u8>,
    samples_in: u64,
    speech_start: Option<u64>,
    // agent side
    talking_until: Instant,
    echo: VecDeque<EchoItem>,
    tone_chunks: VecDeque<Vec<u8>>,
    tone_next_at: Instant,
    tone_sent_bytes: usize,
    tone_total_bytes: usize,
    response_at: Option<Instant>,
    last_response_text: Option<String>,
    // keep-alive
    next_ping: Option<Instant>,
    pings: HashMap<u64, Instant>,
    last_rtt_ms: Option<u64>,
    // per-conversation totals for the log line
    chunks_in: u64,
    events_out: u64,
    pongs: u64,
    interruptions: u64,
    close_note: String,
}

enum Flow {
    Continue,
    Stop,
}

impl Conversation {
    fn new(
        shared: Arc<Shared>,
        no: u64,
        peer: SocketAddr,
        agent_id: String,
        stop: watch::Receiver<bool>,
    ) -> Self {
        let fmt = shared.opts.format;
        let now = Instant::now();
        let next_ping = shared.opts.ping_interval.map(|i| now + i);
        Conversation {
            conversation_id: format!("conv_sim{:024x}", rand::random::<u128>() >> 32),
            fmt,
            started: now,
            next_event_id: 1,
            last_audio_event_id: 0,
            vad: Vad::new(VadConfig::for_rate(fmt.sample_rate)),
            vad_events: Vec::new(),
            pcm: Vec::new(),
            odd_byte: None,
            samples_in: 0,
            speech_start: None,
            talking_until: now,
            echo: VecDeque::new(),
            tone_chunks: VecDeque::new(),
            tone_next_at: now,
            tone_sent_bytes: 0,
            tone_total_bytes: 0,
            response_at: None,
            last_response_text: None,
            next_ping,
            pings: HashMap::new(),
            last_rtt_ms: None,
            chunks_in: 0,
            events_out: 0,
            pongs: 0,
            interruptions: 0,
            close_note: String::new(),
            shared,
            no,
            peer,
            agent_id,
            stop,
        }
    }

    fn opts(&self) -> &SimOptions {
        &self.shared.opts
    }

    fn counters(&self) -> &Counters {
        &self.shared.counters
    }

    fn event_id(&mut self) -> u64 {
        let id = self.next_event_id;
        self.next_event_id += 1;
        id
    }

    async fn send(&mut self, ws: &mut SimWs, msg: &ServerMessage) -> Result<(), ()> {
        ws.send(Message::Text(msg.to_json().into()))
            .await
            .map_err(|_| ())
    }

    async fn close(&mut self, ws: &mut SimWs, code: CloseCode, reason: &str) {
        let frame = CloseFrame {
            code,
            reason: reason.to_string().into(),
        };
        let _ = ws.send(Message::Close(Some(frame))).await;
        // Let the client's close reply arrive, briefly.
        let _ = tokio::time::timeout(Duration::from_millis(500), async {
            while let Some(Ok(_)) = ws.next().await {}
        })
        .await;
    }

    async fn run(mut self, mut ws: SimWs) {
        // The agent must exist.
        if let Some(known) = &self.opts().known_agent {
            if known != &self.agent_id {
                let msg = format!("Agent with id {} was not found", self.agent_id);
                let _ = self
                    .send(
                        &mut ws,
                        &ServerMessage::Error {
                            code: Some(1008),
                            message: Some(msg),
                            error_type: Some("value_error".into()),
                            reason: Some("agent not found".into()),
                        },
                    )
                    .await;
                self.close(&mut ws, CloseCode::Policy, "Agent not found")
                    .await;
                return;
            }
        }
        // The client speaks first: initiation data (any other first frame: defaults).
        let first = match tokio::time::timeout(INIT_TIMEOUT, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => Some(t.to_string()),
            Ok(Some(Ok(Message::Binary(b)))) => Some(String::from_utf8_lossy(&b).into_owned()),
            _ => None,
        };
        let Some(first) = first else {
            self.close(
                &mut ws,
                CloseCode::Policy,
                "No conversation initiation received",
            )
            .await;
            return;
        };
        let (init, early_audio) = match ClientMessage::parse(&first) {
            Ok(ClientMessage::InitiationClientData(d)) => (d, None),
            Ok(ClientMessage::UserAudioChunk(a)) => (InitiationClientData::default(), Some(a)),
            Ok(_) => (InitiationClientData::default(), None),
            Err(e) => {
                self.invalid_frame(&mut ws, &e.to_string()).await;
                return;
            }
        };
        let meta = ServerMessage::InitiationMetadata {
            conversation_id: self.conversation_id.clone(),
            output_format: self.fmt,
            input_format: self.fmt,
        };
        if self.send(&mut ws, &meta).await.is_err() {
            return;
        }
        add(&self.counters().conversations, 1);
        if self.opts().log_connections {
            eprintln!(
                "agent-sim: #{} {} from {} for agent '{}' started ({}, {:?}{})",
                self.no,
                self.conversation_id,
                self.peer,
                self.agent_id,
                self.fmt,
                self.opts().mode,
                if init.dynamic_variables.is_empty() {
                    String::new()
                } else {
                    format!(", {} dynamic variables", init.dynamic_variables.len())
                }
            );
        }
        if self.greet(&mut ws, &init).await.is_err() {
            return;
        }
        if let Some(a) = early_audio {
            if self.on_audio(&mut ws, a).await.is_err() {
                return;
            }
        }
        self.main_loop(&mut ws).await;
        self.finish();
    }

    async fn greet(&mut self, ws: &mut SimWs, init: &InitiationClientData) -> Result<(), ()> {
        if self.opts().extra_events {
            let odd = serde_json::json!({
                "type": "sim_debug",
                "sim_debug_event": { "note": "a type no client knows; it must be ignored" }
            });
            let msg = ServerMessage::Unknown {
                kind: "sim_debug".into(),
                raw: odd.to_string(),
            };
            self.send(ws, &msg).await?;
        }
        if self.opts().tool_call {
            let event_id = self.event_id();
            let raw = serde_json::json!({
                "type": "client_tool_call",
                "client_tool_call": {
                    "tool_name": "sim_lookup",
                    "tool_call_id": format!("toolu_sim_{}", self.no),
                    "parameters": { "query": "opening hours" },
                    "event_id": event_id,
                }
            });
            self.send(
                ws,
                &ServerMessage::Unknown {
                    kind: "client_tool_call".into(),
                    raw: raw.to_string(),
                },
            )
            .await?;
            add(&self.counters().tool_calls, 1);
        }
        if let Some(first) = init
            .first_message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
        {
            let text = first.to_string();
            self.agent_says(ws, &text).await?;
            if self.opts().mode == SimMode::Tone {
                self.start_tone(Instant::now());
            }
        }
        Ok(())
    }

    async fn agent_says(&mut self, ws: &mut SimWs, text: &str) -> Result<(), ()> {
        if self.opts().extra_events {
            let raw = serde_json::json!({
                "type": "internal_tentative_agent_response",
                "tentative_agent_response_internal_event": { "tentative_agent_response": text }
            });
            self.send(
                ws,
                &ServerMessage::Unknown {
                    kind: "internal_tentative_agent_response".into(),
                    raw: raw.to_string(),
                },
            )
            .await?;
        }
        self.last_response_text = Some(text.to_string());
        self.send(
            ws,
            &ServerMessage::AgentResponse {
                text: text.to_string(),
            },
        )
        .await
    }

    fn next_deadline(&self) -> Option<Instant> {
        [
            self.next_ping,
            self.echo.front().map(|e| e.due),
            (!self.tone_chunks.is_empty()).then_some(self.tone_next_at),
            self.response_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    async fn main_loop(&mut self, ws: &mut SimWs) {
        loop {
            let deadline = self.next_deadline();
            let end_at = self.opts().end_after.map(|d| self.started + d);
            let flow = tokio::select! {
                biased;
                _ = self.stop.changed() => {
                    self.close_note = "simulator shut down".into();
                    self.close(ws, CloseCode::Normal, "Simulator shutting down").await;
                    Flow::Stop
                }
                frame = ws.next() => self.on_frame(ws, frame).await,
                _ = sleep_until_opt(deadline) => Flow::Continue,
                _ = sleep_until_opt(end_at) => {
                    self.close_note = "agent ended the conversation".into();
                    self.close(ws, CloseCode::Normal, "Conversation ended").await;
                    Flow::Stop
                }
            };
            if matches!(flow, Flow::Stop) {
                return;
            }
            if self.on_timers(ws).await.is_err() {
                note_send_failure(&mut self.close_note);
                return;
            }
        }
    }

    async fn on_frame(
        &mut self,
        ws: &mut SimWs,
        frame: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    ) -> Flow {
        let text = match frame {
            None => {
                if self.close_note.is_empty() {
                    self.close_note = "connection ended".into();
                }
                return Flow::Stop;
            }
            Some(Err(e)) => {
                self.close_note = format!("connection lost ({e})");
                return Flow::Stop;
            }
            Some(Ok(Message::Text(t))) => t.to_string(),
            Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
            Some(Ok(Message::Close(cf))) => {
                self.close_note = match cf {
                    Some(f) => format!("client closed ({})", u16::from(f.code)),
                    None => "client closed".into(),
                };
                // tungstenite queues the close reply; keep reading until the stream ends.
                return Flow::Continue;
            }
            Some(Ok(_)) => return Flow::Continue,
        };
        let msg = match ClientMessage::parse(&text) {
            Ok(m) => m,
            Err(e) => {
                self.invalid_frame(ws, &e.to_string()).await;
                return Flow::Stop;
            }
        };
        let r = match msg {
            ClientMessage::UserAudioChunk(a) => self.on_audio(ws, a).await,
            ClientMessage::Pong { event_id } => {
                self.on_pong(event_id);
                Ok(())
            }
            ClientMessage::ClientToolResult {
                tool_call_id,
                result,
                is_error,
            } => {
                add(&self.counters().tool_results, 1);
                if is_error {
                    add(&self.counters().tool_error_results, 1);
                }
                tracing::info!(
                    "agent-sim: #{} tool result for {tool_call_id} (error: {is_error}): {result}",
                    self.no
                );
                Ok(())
            }
            ClientMessage::InitiationClientData(_) => {
                tracing::debug!("agent-sim: #{} repeated initiation ignored", self.no);
                Ok(())
            }
            ClientMessage::UserActivity
            | ClientMessage::ContextualUpdate { .. }
            | ClientMessage::UserMessage { .. } => Ok(()),
            ClientMessage::Unknown { kind, .. } => {
                tracing::debug!("agent-sim: #{} ignoring client type '{kind}'", self.no);
                Ok(())
            }
        };
        match r {
            Ok(()) => Flow::Continue,
            Err(()) => {
                note_send_failure(&mut self.close_note);
                Flow::Stop
            }
        }
    }

    /// The service's answer to a frame it cannot read: an error event, then close 1008.
    async fn invalid_frame(&mut self, ws: &mut SimWs, why: &str) {
        add(&self.counters().invalid_frames, 1);
        self.close_note = format!("invalid frame ({why})");
        let _ = self
            .send(
                ws,
                &ServerMessage::Error {
                    code: Some(1008),
                    message: Some("Invalid message received".into()),
                    error_type: Some("invalid_message".into()),
                    reason: Some(why.to_string()),
                },
            )
            .await;
        self.close(ws, CloseCode::Policy, "Invalid message received")
            .await;
    }

    fn on_pong(&mut self, event_id: u64) {
        match self.pings.remove(&event_id) {
            Some(sent) => {
                let rtt = sent.elapsed().as_millis() as u64;
                self.last_rtt_ms = Some(rtt);
                self.pongs += 1;
                add(&self.counters().pongs_received, 1);
                self.counters()
                    .max_ping_rtt_ms
                    .fetch_max(rtt, Ordering::Relaxed);
            }
            None => add(&self.counters().pongs_unexpected, 1),
        }
    }

    async fn on_audio(&mut self, ws: &mut SimWs, audio: Vec<u8>) -> Result<(), ()> {
        let now = Instant::now();
        self.chunks_in += 1;
        add(&self.counters().audio_chunks_in, 1);
        add(&self.counters().audio_bytes_in, audio.len() as u64);
        // Decode for the VAD.
        self.pcm.clear();
        match self.fmt.encoding {
            Encoding::Ulaw => g711::ulaw_to_pcm(&audio, &mut self.pcm),
            Encoding::Alaw => g711::alaw_to_pcm(&audio, &mut self.pcm),
            Encoding::Pcm16 => {
                let mut bytes = Vec::with_capacity(audio.len() + 1);
                bytes.extend(self.odd_byte.take());
                bytes.extend_from_slice(&audio);
                let used = g711::pcm16le_from_bytes(&bytes, &mut self.pcm);
                self.odd_byte = bytes.get(used).copied();
            }
        }
        self.samples_in += self.pcm.len() as u64;
        if self.opts().mode == SimMode::Echo && !audio.is_empty() {
            self.echo.push_back(EchoItem {
                due: now + self.opts().response_delay,
                bytes: audio,
                end_sample: self.samples_in,
            });
        }
        self.vad_events.clear();
        let pcm = std::mem::take(&mut self.pcm);
        self.vad.push(&pcm, &mut self.vad_events);
        self.pcm = pcm;
        let events = std::mem::take(&mut self.vad_events);
        for ev in &events {
            match *ev {
                VadEvent::SpeechStart { at } => self.on_speech_start(ws, at, now).await?,
                VadEvent::SpeechEnd { at } => self.on_speech_end(ws, at, now).await?,
            }
        }
        self.vad_events = events;
        Ok(())
    }

    fn agent_talking(&self, now: Instant, speech_at: u64) -> bool {
        now < self.talking_until
            || !self.tone_chunks.is_empty()
            || self.echo.iter().any(|e| e.end_sample <= speech_at)
    }

    async fn on_speech_start(&mut self, ws: &mut SimWs, at: u64, now: Instant) -> Result<(), ()> {
        self.speech_start = Some(at);
        if self.opts().extra_events {
            self.send(ws, &ServerMessage::VadScore { score: 0.92 })
                .await?;
        }
        // A reply not yet started is dropped: the caller is talking again.
        self.response_at = None;
        if self.opts().interrupt_on_speech && self.agent_talking(now, at) {
            self.interrupt(ws, at, now).await?;
        }
        Ok(())
    }

    async fn interrupt(&mut self, ws: &mut SimWs, at: u64, now: Instant) -> Result<(), ()> {
        let event_id = if self.last_audio_event_id > 0 {
            self.last_audio_event_id
        } else {
            self.event_id()
        };
        self.send(ws, &ServerMessage::Interruption { event_id })
            .await?;
        self.interruptions += 1;
        add(&self.counters().interruptions, 1);
        // What the agent "got to say" of its last response.
        if let Some(original) = self.last_response_text.take() {
            let said = if self.tone_total_bytes > 0 {
                self.tone_sent_bytes as f64 / self.tone_total_bytes as f64
            } else {
                1.0
            };
            let keep = ((original.chars().count() as f64) * said).round() as usize;
            let corrected: String = original.chars().take(keep).collect();
            if corrected != original {
                self.send(
                    ws,
                    &ServerMessage::AgentResponseCorrection {
                        original,
                        corrected,
                    },
                )
                .await?;
            }
        }
        self.tone_chunks.clear();
        self.tone_total_bytes = 0;
        self.tone_sent_bytes = 0;
        // Echo of earlier turns stops; audio of the new turn keeps coming.
        self.echo.retain(|e| e.end_sample > at);
        self.talking_until = now;
        Ok(())
    }

    async fn on_speech_end(&mut self, ws: &mut SimWs, at: u64, now: Instant) -> Result<(), ()> {
        let start = self.speech_start.take().unwrap_or(at);
        let secs = at.saturating_sub(start) as f64 / self.fmt.sample_rate as f64;
        if self.opts().extra_events {
            self.send(ws, &ServerMessage::VadScore { score: 0.04 })
                .await?;
        }
        self.send(
            ws,
            &ServerMessage::UserTranscript {
                text: format!("(simulated transcript of {secs:.1} s of speech)"),
            },
        )
        .await?;
        match self.opts().mode {
            SimMode::Echo => {
                self.agent_says(ws, &format!("(echoing {secs:.1} s of speech)"))
                    .await?
            }
            SimMode::Tone => {
                // The VAD reports the end a hangover late: date it back to the last voiced
                // sample, so the response delay is measured from the real end of speech.
                let behind = self.samples_in.saturating_sub(at);
                let ago = Duration::from_secs_f64(behind as f64 / self.fmt.sample_rate as f64);
                let ended = now.checked_sub(ago).unwrap_or(now);
                self.response_at = Some((ended + self.opts().response_delay).max(now));
            }
        }
        Ok(())
    }

    fn start_tone(&mut self, at: Instant) {
        let rate = self.fmt.sample_rate;
        let n = (rate as u128 * self.opts().tone_duration.as_millis() / 1000) as usize;
        let mut gen = SineGen::new(self.opts().tone_hz, rate, 0.5);
        let mut pcm = Vec::with_capacity(n);
        gen.extend(n, &mut pcm);
        let mut bytes = Vec::with_capacity(n * 2);
        match self.fmt.encoding {
            Encoding::Ulaw => g711::pcm_to_ulaw(&pcm, &mut bytes),
            Encoding::Alaw => g711::pcm_to_alaw(&pcm, &mut bytes),
            Encoding::Pcm16 => g711::pcm16le_to_bytes(&pcm, &mut bytes),
        }
        let chunk = self.fmt.bytes_for_ms(self.opts().chunk_ms.max(10)).max(1);
        self.tone_chunks = bytes.chunks(chunk).map(<[u8]>::to_vec).collect();
        self.tone_total_bytes = bytes.len();
        self.tone_sent_bytes = 0;
        self.tone_next_at = at;
    }

    async fn send_audio(&mut self, ws: &mut SimWs, audio: Vec<u8>) -> Result<(), ()> {
        let now = Instant::now();
        let event_id = self.event_id();
        let len = audio.len();
        self.send(ws, &ServerMessage::Audio { event_id, audio })
            .await?;
        self.last_audio_event_id = event_id;
        self.events_out += 1;
        add(&self.counters().audio_events_out, 1);
        add(&self.counters().audio_bytes_out, len as u64);
        let play = Duration::from_micros(self.fmt.duration_us(len));
        self.talking_until = self.talking_until.max(now) + play;
        Ok(())
    }

    async fn on_timers(&mut self, ws: &mut SimWs) -> Result<(), ()> {
        let now = Instant::now();
        // Pings.
        if let (Some(at), Some(every)) = (self.next_ping, self.opts().ping_interval) {
            if now >= at {
                let event_id = self.event_id();
                let ping = ServerMessage::Ping {
                    event_id,
                    ping_ms: self.last_rtt_ms,
                };
                self.send(ws, &ping).await?;
                self.pings.insert(event_id, now);
                add(&self.counters().pings_sent, 1);
                let next = at + every;
                self.next_ping = Some(if next <= now { now + every } else { next });
            }
        }
        // Echo: everything due, merged, split at the chunk size.
        if self.echo.front().is_some_and(|e| e.due <= now) {
            let mut merged = Vec::new();
            while let Some(e) = self.echo.front() {
                if e.due > now {
                    break;
                }
                if let Some(e) = self.echo.pop_front() {
                    merged.extend_from_slice(&e.bytes);
                }
            }
            let chunk = self.fmt.bytes_for_ms(self.opts().chunk_ms.max(10)).max(1);
            let pieces: Vec<Vec<u8>> = merged.chunks(chunk).map(<[u8]>::to_vec).collect();
            for p in pieces {
                self.send_audio(ws, p).await?;
            }
        }
        // Tone reply due: say it, then stream it in real time.
        if self.response_at.is_some_and(|t| t <= now) {
            self.response_at = None;
            let text = format!(
                "(a {:.0} Hz tone for {:.1} s)",
                self.opts().tone_hz,
                self.opts().tone_duration.as_secs_f64()
            );
            self.agent_says(ws, &text).await?;
            self.start_tone(now);
        }
        let burst = self.opts().tone_burst;
        while !self.tone_chunks.is_empty() && (burst || self.tone_next_at <= now) {
            if let Some(c) = self.tone_chunks.pop_front() {
                let d = Duration::from_micros(self.fmt.duration_us(c.len()));
                self.tone_sent_bytes += c.len();
                self.send_audio(ws, c).await?;
                self.tone_next_at += d;
            }
        }
        Ok(())
    }

    fn finish(&mut self) {
        let missing = self.pings.len() as u64;
        add(&self.counters().pongs_missing, missing);
        if self.opts().log_connections {
            eprintln!(
                "agent-sim: #{} {} ended after {:.1} s ({}): {}, {} out, {} ({missing} missing), {}",
                self.no,
                self.conversation_id,
                self.started.elapsed().as_secs_f64(),
                if self.close_note.is_empty() { "closed" } else { &self.close_note },
                count(self.chunks_in, "chunk in", "chunks in"),
                count(self.events_out, "audio event", "audio events"),
                count(self.pongs, "pong", "pongs"),
                count(self.interruptions, "interruption", "interruptions"),
            );
        }
    }
}

/// `1 pong`, `2 pongs`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A send failed: the connection is gone. When the client had already closed it (a normal
/// hangup: serve closes the conversation while audio is still due), that is the reason to
/// report, not the failed send after it.
fn note_send_failure(note: &mut String) {
    if note.is_empty() {
        *note = "send failed: the connection went away".into();
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_normal_hangup_is_not_reported_as_a_failed_send_and_counts_read_well() {
        let mut note = String::from("client closed (1000)");
        note_send_failure(&mut note);
        assert_eq!(note, "client closed (1000)");
        let mut note = String::new();
        note_send_failure(&mut note);
        assert_eq!(note, "send failed: the connection went away");
        assert_eq!(count(1, "pong", "pongs"), "1 pong");
        assert_eq!(count(0, "pong", "pongs"), "0 pongs");
        assert_eq!(count(12, "chunk in", "chunks in"), "12 chunks in");
    }

    #[test]
    fn request_heads_parse() {
        let r = parse_request(
            "GET /v1/convai/conversation/get-signed-url?agent_id=a%20b HTTP/1.1\r\nHost: 127.0.0.1:9\r\nXI-API-KEY: k\r\nConnection: keep-alive, Upgrade\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, SIGNED_URL_PATH);
        assert_eq!(r.query.get("agent_id").map(String::as_str), Some("a b"));
        assert_eq!(r.header("xi-api-key"), Some("k"));
        assert!(r.header_has_token("connection", "upgrade"));
        assert!(parse_request("garbage").is_none());
        assert!(parse_request("GET / SMTP\r\n\r\n").is_none());
    }
}
