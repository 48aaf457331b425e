//! The HTTP API of `vcctl serve` (default [`DEFAULT_HTTP_ADDR`]):
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /healthz` | 200 `ok` while the process runs |
//! | `GET /readyz` | 200 `{"ready":true,"store":"ok"}` when the ARI events connection is up, else 503 `{"ready":false,"reason":...}`; `"store":"degraded"` with `store_reason` and `store_queued` while call records wait for an unreachable PostgreSQL (serve still takes calls) |
//! | `GET /metrics` | Prometheus text format 0.0.4 from the [`Registry`] |
//! | `GET /calls` | JSON array of live calls (the call engine's snapshots, ordered by id) |
//! | `GET /calls/{id}` | one live call, or 404 `{"error":...}` |
//! | `GET /calls/{id}/timeline?after=N` | the call's timeline entries after sequence number N (default 0): `{"call","entries","missed","last"}`; `missed` counts entries the bounded ring dropped before this reader saw them (see `io::serve::journal`) |
//! | `GET /calls/{id}/events?after=N` | the same entries streamed as server-sent events as they happen (`id:` the sequence number, `data:` the entry; `Last-Event-ID` works as `after`), `event: missed` when the ring dropped some first, and a last `event: end` (`{"reason","last"}`) when the call ends, when this reader fell `journal::FOLLOW_QUEUE` (256) entries behind (it may resume with `after=last`), or at shutdown; 404 when the call is not live, 503 when it has `journal::MAX_FOLLOWERS` (16) readers |
//! | `POST /calls/{id}/hangup` | ask serve to hang the call up (202 `{"hangup":id}`, or 404) |
//! | `GET /totals` | calls up, calls started in the last minute, started/finished, success rate, agent errors |
//! | `GET /settings` | the settings this serve runs with: app, agent URL and transport, default agent id, RTP; no secrets (whether an API key is set, not the key) |
//! | `GET /events` | server-sent events: every ARI event serve receives as `data: <raw json>`; a client that falls behind gets `event: lagged` with `data: {"missed":N}` and continues |
//!
//! Everything else answers 404 with a JSON error.
//!
//! Who may look and act ([`Access`]): `/healthz` and `/readyz` are open to everyone. A bearer
//! token (`Authorization: Bearer <token>`, see [`crate::io::api_token`]) is required for every
//! other `GET` when serve listens on a non-loopback address, and for every request that is
//! not a `GET` or `HEAD` (an action that changes a call, such as a hang-up) on any address;
//! without a configured token such actions are refused. A missing or wrong token gets
//! 401 with `WWW-Authenticate: Bearer` and `{"error":"unauthorized"}`, the same answer for
//! both, before routing (so an unknown path does not reveal itself either).

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};

use crate::io::api_token::ApiToken;
use crate::io::serve::journal::{Journals, Streamed};
use vcctl_core::metrics::registry::Registry;
use vcctl_core::serve::follow::{self, Follow, Frame};

/// Where the API listens unless told otherwise.
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8000";
/// How many ARI events an `/events` client may fall behind before it is told it lagged.
pub const DEFAULT_EVENT_BUFFER: usize = 1024;
/// Content type of `/metrics`.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether serve is ready (ARI events connected), and why not.
#[derive(Debug, Clone)]
pub struct Readiness {
    ready: Arc<AtomicBool>,
    reason: Arc<Mutex<String>>,
    /// `Some((queued, reason))` while the store is degraded.
    store: Arc<Mutex<Option<(usize, String)>>>,
}

impl Default for Readiness {
    fn default() -> Self {
        Readiness {
            ready: Arc::new(AtomicBool::new(false)),
            reason: Arc::new(Mutex::new(
                "starting: not yet connected to ARI events".into(),
            )),
            store: Default::default(),
        }
    }
}

impl Readiness {
    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }
    /// Not ready, with a sentence for `/readyz`, e.g. "ARI events disconnected: ...; retrying".
    pub fn set_not_ready(&self, reason: impl Into<String>) {
        *self.reason.lock().unwrap_or_else(|e| e.into_inner()) = reason.into();
        self.ready.store(false, Ordering::Release);
    }
    /// The store's state: `Some((records queued, why))` while writes cannot reach it.
    pub fn set_store_degraded(&self, degraded: Option<(usize, String)>) {
        *self.store.lock().unwrap_or_else(|e| e.into_inner()) = degraded;
    }
    pub fn store_degraded(&self) -> Option<(usize, String)> {
        self.store.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }
    pub fn reason(&self) -> String {
        self.reason
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Snapshots of the calls in progress, keyed by call id; the call engine writes them.
/// Each value should be a JSON object including its `id`.
#[derive(Debug, Clone, Default)]
pub struct LiveCalls(Arc<RwLock<BTreeMap<String, Value>>>);

impl LiveCalls {
    pub fn upsert(&self, id: impl Into<String>, snapshot: Value) {
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.into(), snapshot);
    }
    pub fn remove(&self, id: &str) -> Option<Value> {
        self.0.write().unwrap_or_else(|e| e.into_inner()).remove(id)
    }
    pub fn get(&self, id: &str) -> Option<Value> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .cloned()
    }
    pub fn snapshot(&self) -> Vec<Value> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }
    pub fn len(&self) -> usize {
        self.0.read().unwrap_or_else(|e| e.into_inner()).len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything the API reads; clone it into the call engine and the ARI event loop.
#[derive(Debug, Clone)]
pub struct ApiState {
    pub readiness: Readiness,
    pub metrics: Registry,
    pub calls: LiveCalls,
    /// Raw ARI event JSON; send each event serve receives (`send` errors when nobody
    /// listens: ignore them). See [`ApiState::publish_event`].
    pub events: broadcast::Sender<Arc<str>>,
    /// What `/settings` answers (see [`ApiState::with_settings`]).
    settings: Arc<Value>,
    closing: watch::Sender<bool>,
    /// Live calls' timelines and serve's totals.
    pub journals: Journals,
    /// Where `POST /calls/{id}/hangup` sends the call id (serve hangs it up).
    hangups: Option<mpsc::UnboundedSender<String>>,
    access: Access,
}

/// Who may use the API: the token, and whether reads need it too (a non-loopback listener).
#[derive(Debug, Clone)]
pub struct Access {
    token: Option<ApiToken>,
    reads_need_token: bool,
}

impl Access {
    /// The policy of a listener on `addr` with `token`: reads are open on loopback only.
    pub fn for_listener(addr: SocketAddr, token: Option<ApiToken>) -> Access {
        Access {
            token,
            reads_need_token: !addr.ip().is_loopback(),
        }
    }

    /// Whether a request with this method, path and `Authorization` header may pass.
    pub fn allows(&self, method: &Method, path: &str, authorization: Option<&[u8]>) -> bool {
        let read = method == Method::GET || method == Method::HEAD;
        if read && matches!(path, "/healthz" | "/readyz") {
            return true;
        }
        if read && !self.reads_need_token {
            return true;
        }
        self.token
            .as_ref()
            .is_some_and(|t| t.accepts(authorization))
    }
}

impl Default for Access {
    /// Loopback without a token: reads open, actions refused.
    fn default() -> Self {
        Access {
            token: None,
            reads_need_token: false,
        }
    }
}

impl ApiState {
    /// `event_buffer`: how far an `/events` client may fall behind (see [`DEFAULT_EVENT_BUFFER`]).
    pub fn new(metrics: Registry, event_buffer: usize) -> Self {
        let (events, _) = broadcast::channel(event_buffer.max(1));
        let (closing, _) = watch::channel(false);
        ApiState {
            readiness: Readiness::default(),
            metrics,
            calls: LiveCalls::default(),
            events,
            settings: Arc::new(json!({})),
            closing,
            journals: Journals::default(),
            hangups: None,
            access: Access::default(),
        }
    }

    /// The journals the calls write (see [`crate::io::serve::journal`]).
    pub fn with_journals(mut self, journals: Journals) -> Self {
        self.journals = journals;
        self
    }

    /// Hang-up requests go to `tx` (without it, `POST /calls/{id}/hangup` answers 503).
    pub fn with_hangups(mut self, tx: mpsc::UnboundedSender<String>) -> Self {
        self.hangups = Some(tx);
        self
    }

    /// Who may use the API (default: [`Access::default`]).
    pub fn with_access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// The settings `/settings` shows.
    pub fn settings(&self) -> &Value {
        &self.settings
    }

    /// The settings `/settings` shows (a JSON object without secrets), so `vcctl doctor`
    /// checks what this serve really uses.
    pub fn with_settings(mut self, settings: Value) -> Self {
        self.settings = Arc::new(settings);
        self
    }

    /// Hand one raw ARI event to every `/events` client (cheap when there are none).
    pub fn publish_event(&self, raw_json: &str) {
        if self.events.receiver_count() > 0 {
            let _ = self.events.send(Arc::from(raw_json));
        }
    }
}

/// The routes, ready for [`serve`] or a test.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/calls", get(calls))
        .route("/calls/{id}", get(call))
        .route("/calls/{id}/timeline", get(timeline))
        .route("/calls/{id}/events", get(call_events))
        .route("/calls/{id}/hangup", post(hangup))
        .route("/totals", get(totals))
        .route("/events", get(events))
        .route("/settings", get(settings))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.access.clone(),
            require_token,
        ))
        .with_state(state)
}

/// The gate in front of every route (see the module documentation). It never logs the
/// header, and its answer does not say whether a token was missing or wrong.
async fn require_token(State(access): State<Access>, req: Request, next: Next) -> Response {
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    if access.allows(req.method(), req.uri().path(), auth) {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            Json(json!({ "error": "unauthorized" })),
        )
            .into_response()
    }
}

/// Bind `addr`, with a sentence naming the address when that fails (e.g. already in use).
pub async fn bind(addr: SocketAddr) -> crate::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (is another vcctl serve running? choose another address)"
        } else {
            ""
        };
        crate::Error::io(
            format!("could not listen on {addr} for the HTTP API{hint}"),
            e,
        )
    })
}

/// Serve until `shutdown` completes. Open `/events` streams are ended at shutdown so the
/// graceful stop does not wait for them.
pub async fn serve<F>(listener: TcpListener, state: ApiState, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let closing = state.closing.clone();
    let app = router(state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = closing.send(true);
        })
        .await
}

fn json_error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn not_found() -> Response {
    json_error(
        StatusCode::NOT_FOUND,
        "no such endpoint; try /healthz, /readyz, /metrics, /calls, /calls/{id}, /calls/{id}/timeline, /calls/{id}/events, /totals, /settings or /events".into(),
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(s): State<ApiState>) -> Response {
    let mut body = if s.readiness.is_ready() {
        json!({ "ready": true })
    } else {
        json!({ "ready": false, "reason": s.readiness.reason() })
    };
    // A degraded store does not stop calls (records are queued), so it does not change the status.
    match s.readiness.store_degraded() {
        None => body["store"] = json!("ok"),
        Some((queued, why)) => {
            body["store"] = json!("degraded");
            body["store_queued"] = json!(queued);
            body["store_reason"] = json!(why);
        }
    }
    let status = match s.readiness.is_ready() {
        true => StatusCode::OK,
        false => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, Json(body)).into_response()
}

async fn metrics(State(s): State<ApiState>) -> Response {
    (
        [(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)],
        s.metrics.render(),
    )
        .into_response()
}

async fn settings(State(s): State<ApiState>) -> Json<Value> {
    Json((*s.settings).clone())
}

async fn calls(State(s): State<ApiState>) -> Json<Vec<Value>> {
    Json(s.calls.snapshot())
}

async fn call(State(s): State<ApiState>, Path(id): Path<String>) -> Response {
    match s.calls.get(&id) {
        Some(v) => Json(v).into_response(),
        None => json_error(
            StatusCode::NOT_FOUND,
            format!("no live call with id '{id}'"),
        ),
    }
}

#[derive(Debug, serde::Deserialize)]
struct After {
    #[serde(default)]
    after: u64,
}

async fn timeline(
    State(s): State<ApiState>,
    Path(id): Path<String>,
    Query(q): Query<After>,
) -> Response {
    match s.journals.get(&id) {
        Some(j) => {
            let (entries, missed, last) = j.since(q.after);
            Json(json!({"call": id, "entries": entries, "missed": missed, "last": last}))
                .into_response()
        }
        None => json_error(
            StatusCode::NOT_FOUND,
            format!("no live call with id '{id}'"),
        ),
    }
}

/// The reader's cursor: `after=` or, on an `EventSource`'s reconnection, `Last-Event-ID`.
fn follow_cursor(q: &After, headers: &axum::http::HeaderMap) -> u64 {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(q.after)
}

/// Fields in the order `Frame::encode` writes them (axum writes them as they are set): the
/// type before the data, for clients that read line by line.
fn sse_event(f: &Frame) -> Event {
    let mut e = Event::default();
    if let Some(name) = f.event() {
        e = e.event(name);
    }
    if let Some(id) = f.id() {
        e = e.id(id.to_string());
    }
    e.data(f.data())
}

/// One reader of a call's stream: frames waiting to go out, the live entries, serve's stop.
struct Reader {
    follow: Follow,
    pending: std::collections::VecDeque<Frame>,
    live: Option<broadcast::Receiver<Streamed>>,
    closing: watch::Receiver<bool>,
}

impl Reader {
    /// The next frame to send; `None` once the end frame went out.
    async fn next(&mut self) -> Option<Frame> {
        loop {
            if let Some(f) = self.pending.pop_front() {
                return Some(f);
            }
            if self.follow.is_done() {
                return None;
            }
            let Some(live) = self.live.as_mut() else {
                return self.follow.end(follow::End::CallEnded);
            };
            if *self.closing.borrow() {
                return self.follow.end(follow::End::Shutdown);
            }
            tokio::select! {
                r = live.recv() => match r {
                    Ok(e) => self.pending.extend(self.follow.entry(e.0, e.1.clone())),
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        return self.follow.end(follow::End::TooSlow)
                    }
                    Err(broadcast::error::RecvError::Closed) => {
                        return self.follow.end(follow::End::CallEnded)
                    }
                },
                _ = self.closing.changed() => return self.follow.end(follow::End::Shutdown),
            }
        }
    }
}

async fn call_events(
    State(s): State<ApiState>,
    Path(id): Path<String>,
    Query(q): Query<After>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(j) = s.journals.get(&id) else {
        return json_error(
            StatusCode::NOT_FOUND,
            format!("no live call with id '{id}'"),
        );
    };
    let after = follow_cursor(&q, &headers);
    let sub = match j.follow(after) {
        Ok(sub) => sub,
        Err(e) => return json_error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    };
    let mut f = Follow::new(after);
    let reader = Reader {
        pending: f.backlog(sub.backlog, sub.missed).into(),
        follow: f,
        live: sub.live,
        closing: s.closing.subscribe(),
    };
    let stream = futures_util::stream::unfold(reader, |mut r| async move {
        let f = r.next().await?;
        Some((Ok(sse_event(&f)), r))
    });
    sse_response(stream)
}

async fn hangup(State(s): State<ApiState>, Path(id): Path<String>) -> Response {
    if s.calls.get(&id).is_none() {
        return json_error(
            StatusCode::NOT_FOUND,
            format!("no live call with id '{id}'"),
        );
    }
    match &s.hangups {
        Some(tx) if tx.send(id.clone()).is_ok() => {
            (StatusCode::ACCEPTED, Json(json!({ "hangup": id }))).into_response()
        }
        _ => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server does not hang calls up".into(),
        ),
    }
}

async fn totals(State(s): State<ApiState>) -> Response {
    Json(s.journals.totals(s.calls.len())).into_response()
}

async fn events(State(s): State<ApiState>) -> Response {
    // Subscribe before answering, so a client that has the response headers sees every
    // event published after that.
    let rx = s.events.subscribe();
    let closing = s.closing.subscribe();
    let stream = futures_util::stream::unfold((rx, closing), |(mut rx, mut closing)| async move {
        if *closing.borrow() {
            return None;
        }
        let item = tokio::select! {
            r = rx.recv() => r,
            _ = closing.changed() => return None,
        };
        let event = match item {
            Ok(raw) => Event::default().data(&*raw),
            Err(broadcast::error::RecvError::Lagged(missed)) => Event::default()
                .event("lagged")
                .data(json!({ "missed": missed }).to_string()),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(event), (rx, closing)))
    });
    sse_response(stream)
}

/// How often an idle event stream sends a comment line, so that proxies and clients that
/// time out silent connections keep it open.
const SSE_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The response of every event stream (`/events`, `/calls/{id}/events`): `stream`'s events
/// as server-sent events, with a keep-alive comment every [`SSE_KEEP_ALIVE`].
fn sse_response<S>(stream: S) -> Response
where
    S: Stream<Item = Result<Event, Infallible>> + Send + 'static,
{
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(SSE_KEEP_ALIVE))
        .into_response()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use vcctl_core::metrics::prom_text as text_format;
    use vcctl_core::serve::timeline::Finished;

    /// Serve `state` on 127.0.0.1:0; returns the base URL, a stop handle and the task.
    pub(crate) async fn start(
        state: ApiState,
    ) -> (
        String,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve(listener, state, async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        (base, tx, task)
    }

    #[tokio::test]
    async fn health_ready_metrics_and_calls_answer_over_http() {
        let registry = Registry::new();
        registry.counter("vcctl_calls_total", "Calls.").inc_by(7);
        let state = ApiState::new(registry, 16)
            .with_settings(json!({"agent": {"base_url": "ws://127.0.0.1:9000"}}));
        let (base, stop, task) = start(state.clone()).await;
        let http = reqwest::Client::new();
        let get = |path: &str| http.get(format!("{base}{path}")).send();

        let r = get("/healthz").await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.text().await.unwrap(), "ok\n");

        let r = get("/readyz").await.unwrap();
        assert_eq!(r.status(), 503);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["ready"], false);
        assert!(body["reason"].as_str().unwrap().contains("ARI"));
        state.readiness.set_ready();
        let r = get("/readyz").await.unwrap();
        assert_eq!(r.status(), 200);
        state
            .readiness
            .set_not_ready("ARI events disconnected: refused; retrying");
        let body: Value = get("/readyz").await.unwrap().json().await.unwrap();
        assert_eq!(body["reason"], "ARI events disconnected: refused; retrying");
        assert_eq!(body["store"], "ok");
        // Records queued for an unreachable store: still ready (calls go on), but said.
        state.readiness.set_ready();
        state
            .readiness
            .set_store_degraded(Some((3, "connection refused".into())));
        let r = get("/readyz").await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["store"], "degraded");
        assert_eq!(body["store_queued"], 3);
        assert_eq!(body["store_reason"], "connection refused");
        state.readiness.set_store_degraded(None);
        state
            .readiness
            .set_not_ready("ARI events disconnected: refused; retrying");

        let r = get("/metrics").await.unwrap();
        assert_eq!(r.status(), 200);
        let ct = r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
        let text = r.text().await.unwrap();
        let samples = text_format::parse(&text).unwrap();
        assert!(samples
            .iter()
            .any(|s| s.name == "vcctl_calls_total" && s.value == 7.0));

        let body: Value = get("/calls").await.unwrap().json().await.unwrap();
        assert_eq!(body, json!([]));
        state
            .calls
            .upsert("c2", json!({"id": "c2", "state": "bridged"}));
        state
            .calls
            .upsert("c1", json!({"id": "c1", "state": "ringing"}));
        let body: Value = get("/calls").await.unwrap().json().await.unwrap();
        assert_eq!(body[0]["id"], "c1");
        assert_eq!(body[1]["state"], "bridged");
        let r = get("/calls/c2").await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()["state"], "bridged");
        let r = get("/calls/nope").await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"],
            "no live call with id 'nope'"
        );
        let body: Value = get("/settings").await.unwrap().json().await.unwrap();
        assert_eq!(body["agent"]["base_url"], "ws://127.0.0.1:9000");
        let r = get("/nowhere").await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.json::<Value>().await.unwrap()["error"].is_string());

        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    /// Read server-sent events from `r` until `until` says stop or the stream closes.
    async fn read_events(
        r: &mut reqwest::Response,
        until: impl Fn(&vcctl_core::serve::sse::SseEvent) -> bool,
    ) -> Vec<vcctl_core::serve::sse::SseEvent> {
        let mut d = vcctl_core::serve::sse::SseDecoder::default();
        let mut out = Vec::new();
        while let Some(chunk) = tokio::time::timeout(Duration::from_secs(5), r.chunk())
            .await
            .expect("an event within 5 s")
            .unwrap()
        {
            d.push(&chunk, &mut out).unwrap();
            if out.iter().any(&until) {
                break;
            }
        }
        out
    }

    #[tokio::test]
    async fn a_calls_event_stream_sends_its_entries_as_they_happen_and_ends_with_the_call() {
        let journals = Journals::default();
        let state = ApiState::new(Registry::new(), 16).with_journals(journals.clone());
        let (base, stop, task) = start(state.clone()).await;
        let http = reqwest::Client::new();
        let j = journals.open_call("c1", &json!({}));
        j.note("before", json!({}));

        let mut r = http
            .get(format!("{base}/calls/c1/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let ct = r.headers()[header::CONTENT_TYPE].to_str().unwrap();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        let got = read_events(&mut r, |e| e.data.contains("before")).await;
        assert_eq!(got.len(), 2, "the backlog: settings and 'before': {got:?}");
        assert_eq!(got[1].id.as_deref(), Some("2"));

        // A transcript line pushed now arrives on the open stream.
        j.agent_in(&vcctl_core::agent::proto::ServerMessage::AgentResponse {
            text: "How can I help?".into(),
        });
        let got = read_events(&mut r, |e| e.data.contains("How can I help?")).await;
        let turn: Value = serde_json::from_str(&got.last().unwrap().data).unwrap();
        assert_eq!(
            (turn["kind"].as_str(), turn["seq"].as_u64()),
            (Some("turn"), Some(3))
        );

        // A second reader resuming after 2 (Last-Event-ID) starts at the turn.
        let mut r2 = http
            .get(format!("{base}/calls/c1/events"))
            .header("Last-Event-ID", "2")
            .send()
            .await
            .unwrap();
        let got2 = read_events(&mut r2, |e| e.id.as_deref() == Some("3")).await;
        assert_eq!(got2[0].id.as_deref(), Some("3"), "{got2:?}");

        // The call ends: the 'ended' entry, then the end frame, then the stream closes.
        journals.close_call("c1", &[], "completed", "operator", Finished::Success);
        let got = read_events(&mut r, |_| false).await;
        let ended: Value = serde_json::from_str(&got[0].data).unwrap();
        assert_eq!(ended["what"], "ended");
        assert_eq!(ended["ended_by"], "operator");
        assert_eq!(got.last().unwrap().event, "end");
        assert!(got.last().unwrap().data.contains("call ended"), "{got:?}");
        let got2 = read_events(&mut r2, |_| false).await;
        assert_eq!(got2.last().unwrap().event, "end");

        // Not live: 404.
        let r = http
            .get(format!("{base}/calls/c1/events"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // serve stopping ends an open stream (graceful shutdown does not wait for it).
        journals.open_call("c2", &json!({}));
        let mut r = http
            .get(format!("{base}/calls/c2/events"))
            .send()
            .await
            .unwrap();
        read_events(&mut r, |e| e.id.as_deref() == Some("1")).await;
        stop.send(()).unwrap();
        let got = read_events(&mut r, |_| false).await;
        assert!(
            got.last().unwrap().data.contains("serve stopping"),
            "{got:?}"
        );
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn timelines_totals_and_hangups_answer_over_http() {
        let journals = Journals::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        // A hang-up is an action: it needs the API token, on loopback too.
        let token = ApiToken::parse("timeline-test-token-0123", "test").unwrap();
        let bearer = format!("Bearer {}", token.expose());
        let state = ApiState::new(Registry::new(), 16)
            .with_journals(journals.clone())
            .with_hangups(tx)
            .with_access(Access::for_listener(
                "127.0.0.1:0".parse().unwrap(),
                Some(token),
            ));
        let (base, stop, task) = start(state.clone()).await;
        let http = reqwest::Client::new();
        let j = journals.open_call("c1", &json!({}));
        state.calls.upsert("c1", json!({"id": "c1"}));
        j.note("hello", json!({}));
        let body: Value = http
            .get(format!("{base}/calls/c1/timeline"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["last"], 2, "{body}");
        assert_eq!(body["entries"][1]["what"], "hello");
        let body: Value = http
            .get(format!("{base}/calls/c1/timeline?after=1"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["entries"].as_array().unwrap().len(), 1);
        let r = http
            .get(format!("{base}/calls/zz/timeline"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let body: Value = http
            .get(format!("{base}/totals"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["calls_up"], 1);
        assert_eq!(body["calls_per_min"], 1);
        let r = http
            .post(format!("{base}/calls/c1/hangup"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "no token, no hang-up");
        let r = http
            .post(format!("{base}/calls/c1/hangup"))
            .header(header::AUTHORIZATION, &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
        assert_eq!(rx.recv().await.unwrap(), "c1");
        let r = http
            .post(format!("{base}/calls/zz/hangup"))
            .header(header::AUTHORIZATION, &bearer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        stop.send(()).unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }

    #[tokio::test]
    async fn bind_names_the_address_when_it_is_taken() {
        let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = taken.local_addr().unwrap();
        let e = bind(addr).await.unwrap_err();
        assert!(e.to_string().contains(&addr.to_string()), "{e}");
    }

    const TOKEN: &str = "test-token-0123456789abcdef";

    fn token() -> ApiToken {
        ApiToken::parse(TOKEN, "test").unwrap()
    }

    #[test]
    fn the_policy_by_address_method_and_path() {
        let loopback = Access::for_listener("127.0.0.1:8000".parse().unwrap(), Some(token()));
        let open_net = Access::for_listener("0.0.0.0:8000".parse().unwrap(), Some(token()));
        let no_token = Access::for_listener("127.0.0.1:8000".parse().unwrap(), None);
        let good = format!("Bearer {TOKEN}");
        let good = Some(good.as_bytes());
        let bad = Some(&b"Bearer test-token-0123456789abcdeX"[..]);
        // Health and readiness: always open, whatever the address.
        for a in [&loopback, &open_net, &no_token] {
            assert!(a.allows(&Method::GET, "/healthz", None));
            assert!(a.allows(&Method::GET, "/readyz", None));
        }
        // Reads: open on loopback, the token elsewhere.
        assert!(loopback.allows(&Method::GET, "/calls", None));
        assert!(!open_net.allows(&Method::GET, "/calls", None));
        assert!(!open_net.allows(&Method::GET, "/calls", bad));
        assert!(!open_net.allows(&Method::GET, "/metrics", None));
        assert!(open_net.allows(&Method::GET, "/calls", good));
        // A call's event stream is a read like the others: every caller's transcript is in it.
        assert!(loopback.allows(&Method::GET, "/calls/c1/events", None));
        assert!(!open_net.allows(&Method::GET, "/calls/c1/events", None));
        assert!(!open_net.allows(&Method::GET, "/calls/c1/events", bad));
        assert!(open_net.allows(&Method::GET, "/calls/c1/events", good));
        // Actions: the token on every address; without a configured token, nobody.
        for m in [Method::POST, Method::DELETE, Method::PUT, Method::PATCH] {
            assert!(!loopback.allows(&m, "/calls/c1/hangup", None));
            assert!(!loopback.allows(&m, "/calls/c1/hangup", bad));
            assert!(loopback.allows(&m, "/calls/c1/hangup", good));
            assert!(!no_token.allows(&m, "/calls/c1/hangup", good));
            // A POST to /healthz is not a health probe.
            assert!(!loopback.allows(&m, "/healthz", None));
        }
        // IPv6 loopback is loopback; a LAN address is not.
        let v6 = Access::for_listener("[::1]:8000".parse().unwrap(), None);
        assert!(v6.allows(&Method::GET, "/calls", None));
        let lan = Access::for_listener("10.1.2.3:8000".parse().unwrap(), None);
        assert!(!lan.allows(&Method::GET, "/events", None));
    }

    #[tokio::test]
    async fn missing_or_wrong_tokens_get_the_same_bare_401() {
        // The policy of a non-loopback listener, served on loopback for the test (the
        // end-to-end test in tests/e2e_api_auth.rs uses a real other network namespace).
        let access = Access {
            token: Some(token()),
            reads_need_token: true,
        };
        let state = ApiState::new(Registry::new(), 16).with_access(access);
        state
            .calls
            .upsert("c1", json!({"id": "c1", "caller": "+15550001"}));
        let (base, stop, task) = start(state).await;
        let http = reqwest::Client::new();
        let get = |path: &str, auth: Option<&str>| {
            let mut r = http.get(format!("{base}{path}"));
            if let Some(a) = auth {
                r = r.header(header::AUTHORIZATION, a);
            }
            r.send()
        };
        assert_eq!(get("/healthz", None).await.unwrap().status(), 200);
        assert_eq!(get("/readyz", None).await.unwrap().status(), 503);
        let mut bodies = Vec::new();
        for auth in [
            None,
            Some("Bearer nope"),
            Some(TOKEN),
            Some("Basic dXNlcjpwYXNz"),
        ] {
            for path in [
                "/calls",
                "/calls/c1",
                "/metrics",
                "/events",
                "/settings",
                "/nowhere",
            ] {
                let r = get(path, auth).await.unwrap();
                assert_eq!(r.status(), 401, "{path} with {auth:?}");
                assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
                bodies.push(r.text().await.unwrap());
            }
        }
        assert!(
            bodies.iter().all(|b| b == r#"{"error":"unauthorized"}"#),
            "{bodies:?}"
        );
        let good = format!("Bearer {TOKEN}");
        let r = get("/calls", Some(&good)).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap()[0]["caller"], "+15550001");
        assert_eq!(get("/nowhere", Some(&good)).await.unwrap().status(), 404);

        // An action without the token is refused before routing; with it, it reaches the
        // hang-up route (this state has no hang-up channel to serve: 503).
        let post = |auth: Option<&str>| {
            let mut r = http.post(format!("{base}/calls/c1/hangup"));
            if let Some(a) = auth {
                r = r.header(header::AUTHORIZATION, a);
            }
            r.send()
        };
        assert_eq!(post(None).await.unwrap().status(), 401);
        assert_eq!(post(Some("Bearer wrong")).await.unwrap().status(), 401);
        assert_eq!(post(Some(&good)).await.unwrap().status(), 503);

        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn loopback_reads_are_open_and_actions_still_need_the_token() {
        let access = Access::for_listener("127.0.0.1:0".parse().unwrap(), Some(token()));
        let (base, stop, task) =
            start(ApiState::new(Registry::new(), 16).with_access(access)).await;
        let http = reqwest::Client::new();
        assert_eq!(
            http.get(format!("{base}/calls"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        let r = http
            .delete(format!("{base}/calls/c1"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
        let r = http
            .delete(format!("{base}/calls/c1"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 405, "past the gate: the route has no DELETE");
        stop.send(()).unwrap();
        let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    }
}
