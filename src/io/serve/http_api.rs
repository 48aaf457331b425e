//! The HTTP API of `vcctl serve` (default [`DEFAULT_HTTP_ADDR`]):
//!
//! | endpoint | answer |
//! |---|---|
//! | `GET /healthz` | 200 `ok` while the process runs |
//! | `GET /readyz` | 200 `{"ready":true}` when the ARI events connection is up, else 503 `{"ready":false,"reason":...}` |
//! | `GET /metrics` | Prometheus text format 0.0.4 from the [`Registry`] |
//! | `GET /calls` | JSON array of live calls (the call engine's snapshots, ordered by id) |
//! | `GET /calls/{id}` | one live call, or 404 `{"error":...}` |
//! | `GET /calls/{id}/timeline?after=N` | the call's timeline entries after sequence number N (default 0): `{"call","entries","missed","last"}`; `missed` counts entries the bounded ring dropped before this reader saw them (see `io::serve::journal`) |
//! | `POST /calls/{id}/hangup` | ask serve to hang the call up (202 `{"hangup":id}`, or 404) |
//! | `GET /totals` | calls up, calls started in the last minute, started/finished, success rate, agent errors |
//! | `GET /settings` | the settings this serve runs with: app, agent URL and transport, default agent id, RTP; no secrets (whether an API key is set, not the key) |
//! | `GET /events` | server-sent events: every ARI event serve receives as `data: <raw json>`; a client that falls behind gets `event: lagged` with `data: {"missed":N}` and continues |
//!
//! Everything else answers 404 with a JSON error. The API has no authentication: bind it to
//! loopback (the default) or a management network.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch};

use crate::io::serve::journal::Journals;
use vcctl_core::metrics::registry::Registry;

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
}

impl Default for Readiness {
    fn default() -> Self {
        Readiness {
            ready: Arc::new(AtomicBool::new(false)),
            reason: Arc::new(Mutex::new(
                "starting: not yet connected to ARI events".into(),
            )),
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
        .route("/calls/{id}/hangup", post(hangup))
        .route("/totals", get(totals))
        .route("/events", get(events))
        .route("/settings", get(settings))
        .fallback(not_found)
        .with_state(state)
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
        "no such endpoint; try /healthz, /readyz, /metrics, /calls, /calls/{id}, /calls/{id}/timeline, /totals, /settings or /events".into(),
    )
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(s): State<ApiState>) -> Response {
    if s.readiness.is_ready() {
        (StatusCode::OK, Json(json!({ "ready": true }))).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "ready": false, "reason": s.readiness.reason() })),
        )
            .into_response()
    }
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

async fn events(State(s): State<ApiState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
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
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use vcctl_core::metrics::prom_text as text_format;

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

    #[tokio::test]
    async fn timelines_totals_and_hangups_answer_over_http() {
        let journals = Journals::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let state = ApiState::new(Registry::new(), 16)
            .with_journals(journals.clone())
            .with_hangups(tx);
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
        assert_eq!(r.status(), 202);
        assert_eq!(rx.recv().await.unwrap(), "c1");
        let r = http
            .post(format!("{base}/calls/zz/hangup"))
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
}
