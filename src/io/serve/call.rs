//! One call of `vcctl serve`: set up the agent conversation and the externalMedia leg, run
//! the media engine ([`vcctl_core::media::call_media`]) between a UDP socket and the agent
//! WebSocket, and release everything the call created, whatever ends it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::config::{Layers, Secret};
use crate::io::agent_ws::{self, AgentReceiver, AgentSender, AgentSettings, ConnectTimings};
use crate::io::ari_http::{AriClient, ExternalMedia};
use crate::io::db::Db;
use crate::io::serve::http_api::ApiState;
use crate::io::serve::media_loop::{self, LoopEnd, MediaHooks};
use crate::io::serve::metrics::ServeMetrics;
use crate::io::serve::rtp_socket::PortPool;
use crate::io::store::{CallEnd, CallMark, CallOutcome, CallStart, CallUpdate, EndedBy};
use vcctl_core::agent::proto::InitiationClientData;
use vcctl_core::agent::routing::{AgentProfile, RoutingTable, DEFAULT_AGENT_ID_ENV};
use vcctl_core::ari::model::Channel;
use vcctl_core::media::call_media::{CallMedia, MediaEvent, MediaSettings, MediaStats, StreamSeed};
use vcctl_core::media::echo::Spread;
use vcctl_core::media::playout::Codec;
use vcctl_core::util::port_range::PortRange;

/// Prefix of the ids of channels serve creates itself (never treated as callers).
pub const OWN_CHANNEL_PREFIX: &str = "vcctl-em-";

/// Prefix of the ids of the bridges serve creates (chosen by serve, so a create can be
/// retried and the id is known before the bridge exists).
pub const OWN_BRIDGE_PREFIX: &str = "vcctl-br-";

/// Default of `--media-timeout`: a live caller's phone sends RTP every 20 ms, silence
/// included (G.711 without VAD, what the deployment offers), and one with silence
/// suppression sends comfort-noise updates within a few seconds; 10 s of nothing means
/// the caller is gone (crashed, lost its network, NAT binding expired) while a short
/// network outage or mobile handover still survives. Calls on hold are exempt.
pub const DEFAULT_MEDIA_TIMEOUT: Duration = Duration::from_secs(10);

/// RTP format of the externalMedia leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtpFormat {
    /// G.711 µ-law, payload type 0 (the default: works two-way through externalMedia).
    Ulaw,
    /// 16 kHz linear PCM, big-endian on the wire.
    Slin16,
}

impl RtpFormat {
    pub fn asterisk_name(self) -> &'static str {
        match self {
            RtpFormat::Ulaw => "ulaw",
            RtpFormat::Slin16 => "slin16",
        }
    }

    pub fn codec(self) -> Codec {
        match self {
            RtpFormat::Ulaw => Codec::Pcmu,
            RtpFormat::Slin16 => Codec::L16 { rate: 16000 },
        }
    }
}

/// What to do when the agent cannot be reached or fails during a call.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentFailurePolicy {
    /// Hang the caller up with this ARI reason (e.g. `congestion`).
    Hangup { reason: String },
    /// Play `media` (an ARI media URI such as `sound:...` or `tone:...`) for at most
    /// `max`, then hang up.
    Fallback { media: String, max: Duration },
}

/// Settings of serve that calls need.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub app: String,
    pub http: SocketAddr,
    pub rtp_bind: IpAddr,
    /// The address Asterisk sends RTP to (defaults to `rtp_bind`).
    pub rtp_advertise: IpAddr,
    pub rtp_ports: PortRange,
    pub rtp_format: RtpFormat,
    pub media: MediaSettings,
    pub agent_base_url: String,
    pub ca_cert: Option<PathBuf>,
    pub on_agent_failure: AgentFailurePolicy,
    pub drain_timeout: Duration,
    pub max_calls: Option<usize>,
    /// Ask Asterisk to record each call's bridge (a stored recording named by the call id).
    pub record_ari: bool,
    /// How media travels between Asterisk and serve.
    pub transport: MediaTransport,
    /// WebSocket transport: the link's window (agent audio sent and not yet played).
    pub ws_window: Duration,
    /// WebSocket transport: silence between responses (`LinkConfig::idle_silence`).
    pub ws_idle_silence: bool,
    /// The ARI settings (the WebSocket media connection uses ARI's host, port, TLS and CA).
    pub ari: crate::config::AriSettings,
    /// End a call whose caller sent no media for this long (`None`: never).
    pub media_timeout: Option<Duration>,
    /// How often channels and bridges in the app that belong to no live call are looked for
    /// (and released when seen twice in a row).
    pub reconcile_every: Duration,
}

/// How a call's media travels between Asterisk and serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaTransport {
    /// externalMedia RTP to a UDP socket of serve's, paced by serve.
    Rtp,
    /// chan_websocket on Asterisk's HTTP server (the ARI port), paced by Asterisk
    /// ([`ws_media`], docs/websocket-media.md).
    WebSocket,
}

impl MediaTransport {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaTransport::Rtp => "rtp",
            MediaTransport::WebSocket => "websocket",
        }
    }
}

pub use crate::io::serve::media_loop::CallSignal;

#[path = "ws_media.rs"]
mod ws_media;

/// Something that follows one call's packets and leaves a file behind (per-call capture,
/// recording). Created per call by a [`PluginFactory`]; sees every RTP packet both ways.
pub trait CallPlugin: MediaHooks + Send {
    /// The call ended: finish the file. Returns `(kind, path)` to note in the call record.
    fn finish(self: Box<Self>) -> Option<(String, String)>;
}

/// Makes the plugin of one call (given its id), or `None` to skip that call.
pub type PluginFactory = Arc<dyn Fn(&str) -> Option<Box<dyn CallPlugin>> + Send + Sync>;

/// State shared by the dispatcher and all calls.
pub struct Shared {
    /// Per-call plugins (capture, recording), in order.
    pub plugins: Vec<PluginFactory>,
    pub ari: AriClient,
    pub opts: ServeOptions,
    pub store: Db,
    /// This node, as its call records name it: the serve instance (`--instance`) and the
    /// entity id of its Asterisk (set when serve first reaches ARI).
    pub instance: String,
    pub asterisk_id: std::sync::OnceLock<String>,
    pub api: ApiState,
    pub metrics: ServeMetrics,
    pub ports: PortPool,
    pub layers: Layers,
    /// Channel id (caller or externalMedia leg) -> the call that owns it.
    pub routes: Mutex<HashMap<String, mpsc::UnboundedSender<CallSignal>>>,
    /// Bridges of live calls (ids chosen before they are created).
    pub bridges: Mutex<HashSet<String>>,
    /// Caller channel id -> when its media last arrived and whether it is on hold.
    pub watches: Mutex<HashMap<String, Arc<MediaWatch>>>,
    /// externalMedia channel id -> told when its StasisStart arrives (it can be bridged).
    pub in_stasis: Mutex<HashMap<String, tokio::sync::oneshot::Sender<()>>>,
}

/// The caller's media activity, for `--media-timeout`.
#[derive(Debug)]
pub struct MediaWatch {
    since: Instant,
    /// Milliseconds after `since` of the last datagram from Asterisk.
    last_ms: AtomicU64,
    held: AtomicBool,
}

impl MediaWatch {
    pub fn new(now: Instant) -> MediaWatch {
        MediaWatch {
            since: now,
            last_ms: AtomicU64::new(0),
            held: AtomicBool::new(false),
        }
    }

    pub fn media_arrived(&self, at: Instant) {
        let ms = at.saturating_duration_since(self.since).as_millis() as u64;
        self.last_ms.fetch_max(ms, Ordering::Relaxed);
    }

    /// The caller put the call on hold (`ChannelHold`) or took it off (`ChannelUnhold`).
    pub fn set_held(&self, held: bool, at: Instant) {
        self.held.store(held, Ordering::Relaxed);
        // Leaving hold starts the count afresh.
        self.media_arrived(at);
    }

    /// How long the caller has been silent at `now`; zero while on hold.
    pub fn silent_for(&self, now: Instant) -> Duration {
        if self.held.load(Ordering::Relaxed) {
            return Duration::ZERO;
        }
        let last = self.since + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        now.saturating_duration_since(last)
    }
}

impl Shared {
    pub fn route_to(&self, channel: &str) -> Option<mpsc::UnboundedSender<CallSignal>> {
        lock(&self.routes).get(channel).cloned()
    }

    fn register(&self, call: &str, channel: &str, tx: &mpsc::UnboundedSender<CallSignal>) {
        lock(&self.routes).insert(channel.to_string(), tx.clone());
        self.api.journals.own(channel, call);
    }

    fn unregister(&self, channel: &str) {
        lock(&self.routes).remove(channel);
    }

    /// Channels and bridges that belong to live calls (for the reconciliation).
    pub fn live_objects(&self) -> HashSet<String> {
        let mut live: HashSet<String> = lock(&self.routes).keys().cloned().collect();
        live.extend(lock(&self.bridges).iter().cloned());
        live
    }

    /// StasisStart of one of serve's own channels: wake the call waiting to bridge it.
    pub fn own_channel_in_stasis(&self, channel: &str) {
        if let Some(tx) = lock(&self.in_stasis).remove(channel) {
            let _ = tx.send(());
        }
    }

    /// The caller `channel` held or unheld the call.
    pub fn caller_held(&self, channel: &str, held: bool) {
        if let Some(w) = lock(&self.watches).get(channel) {
            w.set_held(held, Instant::now());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the dispatcher knows when a caller enters Stasis.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub channel: Channel,
    pub args: Vec<String>,
    /// When serve received the StasisStart event.
    pub received: Instant,
    /// Event timestamp to receipt (ARI WebSocket delivery), when the clocks allow it.
    pub event_lag: Option<Duration>,
}

/// The latency figures of one call, as stored and reported.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CallLatency {
    /// ARI event timestamp to its receipt by serve (ms).
    pub ari_event_ms: Option<f64>,
    /// ARI REST round trips during setup (ms each).
    pub ari_rest_ms: Vec<f64>,
    /// StasisStart received to caller and media leg bridged (ms); the agent connection runs
    /// in parallel and is not included.
    pub handler_ms: Option<f64>,
    /// Agent connection: signed URL, TCP, TLS + upgrade, metadata, total (ms).
    pub agent_signed_url_ms: Option<f64>,
    pub agent_tcp_ms: Option<f64>,
    pub agent_handshake_ms: Option<f64>,
    pub agent_metadata_ms: Option<f64>,
    pub agent_connect_ms: Option<f64>,
    /// The agent's own ping round trip (`ping_ms`).
    pub agent_ping_ms: Option<f64>,
    /// End of caller speech to first agent audio (ms each).
    pub agent_response_ms: Vec<f64>,
    /// RTCP round trip of the caller's leg, from Asterisk's RTP statistics (ms).
    pub caller_rtt_ms: Option<f64>,
    /// The agent service's base URL (what `latency-report` names the agent by).
    pub agent_url: Option<String>,
    /// Agent audio message received -> its first sample sent to Asterisk (ms).
    pub playout_wait_ms: Option<Spread>,
    /// Agent audio in the playout queue: least and most in each second of the call (ms).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub playout_depth_ms: Vec<[u32; 2]>,
    /// Echo agents: caller audio sent -> the agent's echo of it received (ms).
    pub agent_echo_ms: Option<Spread>,
    /// Echo agents: caller audio in from Asterisk -> its echo sent back to Asterisk (ms).
    pub echo_round_trip_ms: Option<Spread>,
    /// WebSocket transport: the agent's interruption received -> Asterisk confirms the flush
    /// (ms each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub barge_in_stop_ms: Vec<f64>,
    /// WebSocket transport: first agent audio of a response received -> its first frame
    /// dequeued by Asterisk (ms each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agent_audio_to_played_ms: Vec<f64>,
}

impl CallLatency {
    fn set_agent(&mut self, t: &ConnectTimings) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        self.agent_signed_url_ms = t.signed_url.map(ms);
        self.agent_tcp_ms = Some(ms(t.tcp));
        self.agent_handshake_ms = Some(ms(t.ws_handshake));
        self.agent_metadata_ms = Some(ms(t.metadata));
        self.agent_connect_ms = Some(ms(t.total));
    }
}

/// Everything a call created, so teardown can release exactly that.
#[derive(Default)]
struct Resources {
    bridge: Option<String>,
    media_channel: Option<String>,
    agent: Option<AgentSender>,
    /// The caller's channel is up (answered by serve, or before Stasis by the dialplan).
    answered: bool,
    caller_gone: bool,
    media_gone: bool,
    /// Files the call's plugins wrote: (kind, path).
    files: Vec<(String, String)>,
}

/// Why the media loop stopped.
#[derive(Debug)]
enum End {
    Caller(Option<String>),
    MediaLeg,
    Agent {
        normal: bool,
        detail: String,
    },
    Shutdown,
    /// The caller sent no media for this long (`--media-timeout`).
    CallerSilent(Duration),
    Error(String),
}

pub use crate::io::clock::now_unix;

/// Run one call to its end. Never panics on ARI or agent errors; always cleans up.
pub async fn handle_call(
    shared: Arc<Shared>,
    call: NewCall,
    mut rx: mpsc::UnboundedReceiver<CallSignal>,
) {
    let id = call.channel.id.clone();
    let extension = call
        .args
        .first()
        .cloned()
        .unwrap_or_else(|| call.channel.dialplan.exten.clone());
    let caller_number = call
        .args
        .get(1)
        .cloned()
        .unwrap_or_else(|| call.channel.caller.number.clone());
    let started_unix = now_unix();
    let start = CallStart {
        id: id.clone(),
        caller_channel_id: id.clone(),
        caller_number: Some(caller_number.clone()).filter(|s| !s.is_empty()),
        caller_name: Some(call.channel.caller.name.clone()).filter(|s| !s.is_empty()),
        extension: Some(extension.clone()).filter(|s| !s.is_empty()),
        stasis_start: started_unix,
        asterisk_id: shared.asterisk_id.get().cloned(),
        serve_instance: Some(shared.instance.clone()),
        ..Default::default()
    };
    shared.metrics.calls_active.inc();
    // The call's timeline and logs (`vcctl top`, `calls bundle`).
    let journal = shared.api.journals.open_call(&id, shared.api.settings());
    journal.note(
        "call",
        json!({"caller": caller_number, "extension": extension, "channel": call.channel.name}),
    );
    let mut latency = CallLatency {
        ari_event_ms: call.event_lag.map(|d| d.as_secs_f64() * 1000.0),
        ..Default::default()
    };
    let mut res = Resources {
        answered: call.channel.state == "Up",
        ..Default::default()
    };
    let mut profile_name = String::from("none");
    let mut media_stats: Option<MediaStats> = None;
    let mut transcript = Value::Null;
    let mut agent_heard = false;

    // Asterisk forgets a leg's RTCP round trip and RTP statistics with its channel, and most
    // calls end by the caller hanging up: watch them while the call runs.
    let rtt_watch = {
        let (shared, id) = (shared.clone(), id.clone());
        let last = Arc::new(Mutex::new(CallerLegWatch::default()));
        let seen = last.clone();
        let j = journal.clone();
        let task = tokio::spawn(async move { watch_caller_rtt(&shared.ari, &id, &seen, &j).await });
        (task, last)
    };

    let end = run_inner(
        &shared,
        &call,
        start,
        &extension,
        &caller_number,
        &mut rx,
        &mut res,
        &mut latency,
        &mut profile_name,
        &mut media_stats,
        &mut transcript,
        &mut agent_heard,
    )
    .await;

    // The caller leg's RTP statistics and RTCP round trip, while its channel still exists;
    // else the last ones seen during the call (for the MOS of the caller's leg).
    rtt_watch.0.abort();
    let watched = std::mem::take(&mut *lock(&rtt_watch.1));
    latency.caller_rtt_ms = watched.rtt_ms;
    let mut caller_rtp = watched.stats;
    if !res.caller_gone {
        if let Ok(s) = shared.ari.rtp_statistics(&id).await {
            if let Some(rtt) = rtt_ms(&s) {
                latency.caller_rtt_ms = Some(rtt);
            }
            caller_rtp = Some(s);
        }
    }
    let (outcome, ended_by, cause) = classify(&end, agent_heard);
    tracing::debug!(call = %id, ?end, outcome = outcome.as_str(), "call ended");
    teardown(&shared, &id, &mut res, &end).await;

    let ended = now_unix();
    let rtp = media_stats.as_ref().map(|s| {
        vcctl_core::media::call_rtp::split(
            s,
            caller_rtp.as_ref(),
            vcctl_core::analysis::mos::Codec::from_name(shared.opts.rtp_format.asterisk_name()),
            latency.caller_rtt_ms,
        )
    });
    tracing::info!(
        "{}",
        vcctl_core::serve::call_log::call_ended(&vcctl_core::serve::call_log::CallEnded {
            id: &id,
            caller: &caller_number,
            extension: &extension,
            profile: &profile_name,
            outcome: outcome.as_str(),
            ended_by: ended_by.as_str(),
            cause: cause.as_deref(),
            duration_seconds: ended - started_unix,
            inbound: rtp.as_ref().map(|(i, _)| i),
            outbound: rtp.as_ref().map(|(_, o)| o),
            agent_response_ms: &latency.agent_response_ms,
        })
    );
    let (rtp_in_json, rtp_out_json) = match &rtp {
        Some((i, o)) => (serde_json::to_value(i).ok(), serde_json::to_value(o).ok()),
        None => (None, None),
    };
    let recording = res
        .files
        .iter()
        .find(|(kind, _)| kind == "recording")
        .map(|(_, path)| path.clone());
    let finish = CallEnd {
        ended,
        end_cause: cause,
        ended_by: Some(ended_by),
        outcome,
        rtp_inbound: rtp_in_json,
        rtp_outbound: rtp_out_json,
        latency: serde_json::to_value(&latency).ok(),
        transcript: Some(transcript),
    };
    let fid = id.clone();
    if let Err(e) = shared
        .store
        .run_blocking(move |s| {
            if recording.is_some() {
                let upd = CallUpdate {
                    recording,
                    ..Default::default()
                };
                s.update_call(&fid, &upd)?;
            }
            s.finish_call(&fid, &finish)
        })
        .await
    {
        tracing::warn!(call = %id, "could not record the call end: {e}");
    }
    let m = &shared.metrics;
    m.calls_active.dec();
    m.calls.with(&[outcome.as_str(), &profile_name]).inc();
    m.call_duration
        .with(&[&profile_name])
        .observe(ended - started_unix);
    if let Some((i, o)) = &rtp {
        m.observe_call_rtp(i, o);
    }
    let how = match outcome {
        CallOutcome::Completed => vcctl_core::serve::timeline::Finished::Success,
        CallOutcome::AgentFailed => vcctl_core::serve::timeline::Finished::AgentFailed,
        _ => vcctl_core::serve::timeline::Finished::Other,
    };
    shared
        .api
        .journals
        .close_call(&id, &res.files, outcome.as_str(), how);
    shared.api.calls.remove(&id);
    shared.unregister(&id);
}

/// The caller leg as Asterisk sees it, for the live view: what it received from the phone
/// (`rx`) and what the phone reported of Asterisk's stream (`tx`, by RTCP).
fn caller_leg_json(s: &vcctl_core::ari::model::RtpStat) -> Value {
    json!({
        "rx_lost": s.rxploss,
        "rx_jitter_ms": s.rxjitter.map(|j| j * 1000.0),
        "tx_lost": s.txploss,
        "tx_jitter_ms": s.txjitter.map(|j| j * 1000.0),
        "rtt_ms": rtt_ms(s),
    })
}

/// The RTCP round trip (ms) in a leg's RTP statistics; Asterisk reports 0 until an RTCP
/// report has come back, which is "unknown", not 0 ms.
fn rtt_ms(s: &vcctl_core::ari::model::RtpStat) -> Option<f64> {
    s.rtt
        .filter(|r| *r > 0.0 && r.is_finite())
        .map(|r| r * 1000.0)
}

/// What the watch last saw of the caller's leg: its RTCP round trip (ms) and statistics.
#[derive(Debug, Default)]
struct CallerLegWatch {
    rtt_ms: Option<f64>,
    stats: Option<vcctl_core::ari::model::RtpStat>,
}

/// Poll the caller leg's RTP statistics into `last` until the channel is gone: every second
/// until a round trip shows up (Asterisk sends its first report after its RTCP interval: 1 s
/// in the deployment's rtp.conf, 5 s by default), then every 5 s to follow it, so a call
/// costs Asterisk few requests (100 calls: 20 a second) while the loss and jitter a caller-
/// ended call is rated by (its MOS) are at most 5 s old.
async fn watch_caller_rtt(
    ari: &AriClient,
    id: &str,
    last: &Mutex<CallerLegWatch>,
    journal: &crate::io::serve::journal::Journal,
) {
    loop {
        let wait = if lock(last).rtt_ms.is_some() { 5 } else { 1 };
        tokio::time::sleep(Duration::from_secs(wait)).await;
        match ari.rtp_statistics(id).await {
            Ok(s) => {
                let mut w = lock(last);
                if let Some(rtt) = rtt_ms(&s) {
                    w.rtt_ms = Some(rtt);
                }
                journal.set_caller_leg(caller_leg_json(&s));
                w.stats = Some(s);
            }
            Err(crate::io::ari_http::AriError::NotFound { .. }) => return,
            Err(e) => tracing::debug!(call = %id, "reading the caller's RTP statistics: {e}"),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn run_inner(
    shared: &Arc<Shared>,
    call: &NewCall,
    start: CallStart,
    extension: &str,
    caller_number: &str,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    latency: &mut CallLatency,
    profile_name: &mut String,
    media_stats: &mut Option<MediaStats>,
    transcript: &mut Value,
    agent_heard: &mut bool,
) -> End {
    let id = &call.channel.id;
    // --transport websocket: its own setup and media loop (serve/ws_media.rs), once the call
    // is recorded and routed.
    if shared.opts.transport == MediaTransport::WebSocket {
        let profile = match route_call(shared, call, start, extension, caller_number).await {
            Ok(p) => p,
            Err(AgentProblem::Store(e)) => return End::Error(e),
            Err(AgentProblem::Unavailable(why)) => {
                return agent_failure(shared, id, res, rx, why).await
            }
        };
        *profile_name = profile.name.clone();
        let ws = ws_media::CallCtx {
            shared,
            call,
            extension,
            caller_number,
            profile: &profile,
        };
        return ws_media::run(ws, rx, res, latency, transcript, agent_heard).await;
    }

    // 1. The media leg and the agent at the same time. The media leg needs nothing from the
    // call record or the routing, so StasisStart -> bridged waits for neither. Its channel
    // and bridge ids are chosen here and noted before they exist: teardown releases them
    // whatever happened to their creation (a lost answer included).
    let media_id = format!("{OWN_CHANNEL_PREFIX}{:016x}", rand::random::<u64>());
    let bridge_id = format!("{OWN_BRIDGE_PREFIX}{:016x}", rand::random::<u64>());
    if let Some(tx) = &shared.route_to(id) {
        shared.register(id, &media_id, tx);
    }
    lock(&shared.bridges).insert(bridge_id.clone());
    shared.api.journals.own(&bridge_id, id);
    res.media_channel = Some(media_id.clone());
    res.bridge = Some(bridge_id.clone());
    let agent_fut = prepare_agent(shared, call, start, extension, caller_number);
    let media_fut = setup_media(shared, id, &media_id, &bridge_id, call.received, latency);
    let ((profile, agent), media) = tokio::join!(agent_fut, media_fut);
    if let Some(p) = &profile {
        *profile_name = p.name.clone();
    }
    let (socket, peer) = match media {
        Ok(m) => m,
        Err(e) => {
            if let Ok(conn) = agent {
                let _ = conn.sender.close().await;
            }
            return End::Error(e);
        }
    };
    if let Some(End::Caller(c)) = pending_end(rx, id, res) {
        if let Ok(conn) = agent {
            let _ = conn.sender.close().await;
        }
        return End::Caller(c);
    }
    let conn = match agent {
        Ok(c) => c,
        Err(AgentProblem::Store(e)) => return End::Error(e),
        Err(AgentProblem::Unavailable(why)) => {
            // Release the media leg first so the fallback plays to a plain channel.
            release_media(shared, res).await;
            return agent_failure(shared, id, res, rx, why).await;
        }
    };
    let Some(profile) = profile else {
        let _ = conn.sender.close().await;
        return End::Error("the agent connected without a profile".into());
    };
    // 2. Answer (only now) and record the setup.
    if let Err(e) = go_live(
        shared,
        call,
        &conn,
        &media_id,
        &bridge_id,
        MediaTransport::Rtp,
        res,
        latency,
    )
    .await
    {
        let _ = conn.sender.close().await;
        return End::Error(e);
    }

    // 3. Media until someone hangs up.
    let mut media = match CallMedia::new(
        shared.opts.media,
        conn.input_format,
        conn.output_format,
        StreamSeed {
            ssrc: rand::random(),
            seq: rand::random(),
            timestamp: rand::random(),
        },
        Instant::now(),
    ) {
        Ok(m) => m,
        Err(e) => return End::Error(format!("{e}")),
    };
    media.set_peer(peer);
    snapshot(shared, call, &profile.name, "bridged", Some(&media.stats()));
    let watch = Arc::new(MediaWatch::new(Instant::now()));
    lock(&shared.watches).insert(id.clone(), watch.clone());
    let watchdog = shared.opts.media_timeout.map(|limit| {
        tokio::spawn(watch_media(
            shared.clone(),
            id.clone(),
            watch.clone(),
            limit,
        ))
    });
    let (end, media) = media_loop(
        shared,
        call,
        &profile.name,
        &socket,
        conn.sender.clone(),
        conn.receiver,
        media,
        rx,
        res,
        watch,
    )
    .await;
    if let Some(w) = watchdog {
        w.abort();
    }
    lock(&shared.watches).remove(id);
    let stats = media.stats();
    *agent_heard = stats.agent_audio_events > 0;
    latency.agent_ping_ms = stats.last_ping_ms.map(|p| p as f64);
    latency.agent_response_ms = stats.response_latency_ms.clone();
    let timing = media.timing();
    latency.agent_url = Some(agent_ws::display_base_url(&shared.opts.agent_base_url));
    latency.playout_wait_ms = timing.playout_wait;
    latency.playout_depth_ms = timing.playout_depth_ms;
    latency.agent_echo_ms = timing.echo_loop;
    latency.echo_round_trip_ms = timing.echo_round_trip;
    for r in &stats.response_latency_ms {
        shared
            .metrics
            .agent_response
            .with(&[&profile.name])
            .observe(r / 1000.0);
    }
    *transcript = serde_json::to_value(media.transcript()).unwrap_or(Value::Null);
    *media_stats = Some(stats);
    end
}

/// The call's media is bridged and its agent connected: answer it (the caller's 200 OK comes
/// only now, never before, so a call refused until here got a final error response), then
/// count and record what the setup took. Err: why the answer failed.
#[allow(clippy::too_many_arguments)]
async fn go_live(
    shared: &Shared,
    call: &NewCall,
    conn: &agent_ws::AgentConnection,
    media_id: &str,
    bridge_id: &str,
    transport: MediaTransport,
    res: &mut Resources,
    latency: &mut CallLatency,
) -> Result<(), String> {
    let id = &call.channel.id;
    if !res.answered {
        shared
            .ari
            .answer(id)
            .await
            .map_err(|e| format!("could not answer the call: {e}"))?;
        res.answered = true;
    }
    latency.set_agent(&conn.timings);
    shared
        .metrics
        .agent_connect
        .observe(conn.timings.total.as_secs_f64());
    shared
        .metrics
        .setup
        .observe(call.received.elapsed().as_secs_f64());
    let now_u = now_unix();
    let (mid, bid, conv) = (
        media_id.to_string(),
        bridge_id.to_string(),
        conn.conversation_id.clone(),
    );
    let uid = id.clone();
    let _ = shared
        .store
        .run_blocking(move |s| {
            s.update_call_mark(&uid, CallMark::Bridged, now_u)?;
            s.update_call_mark(&uid, CallMark::AgentConnected, now_u)?;
            s.update_call(
                &uid,
                &CallUpdate {
                    media_channel_id: Some(mid),
                    bridge_id: Some(bid),
                    conversation_id: Some(conv),
                    transport: Some(transport.as_str().into()),
                    ..Default::default()
                },
            )
        })
        .await;
    res.agent = Some(conn.sender.clone());
    if shared.opts.record_ari {
        start_ari_recording(shared, id, bridge_id, res).await;
    }
    Ok(())
}

/// What the agent side of the setup found: the profile (when routing got that far) and the
/// connection.
enum AgentProblem {
    /// The call record or the profiles could not be read.
    Store(String),
    /// No profile, or the agent could not be reached: the failure policy applies.
    Unavailable(String),
}

/// The call record, the routing and the agent connection: everything of the setup that
/// the media leg does not wait for.
async fn prepare_agent(
    shared: &Shared,
    call: &NewCall,
    start: CallStart,
    extension: &str,
    caller_number: &str,
) -> (
    Option<AgentProfile>,
    Result<agent_ws::AgentConnection, AgentProblem>,
) {
    let profile = match route_call(shared, call, start, extension, caller_number).await {
        Ok(p) => p,
        Err(e) => return (None, Err(e)),
    };
    let conn = connect_agent(shared, &profile, call, extension, caller_number)
        .await
        .map_err(|e| AgentProblem::Unavailable(e.to_string()));
    (Some(profile), conn)
}

/// The call record and the routing: which agent profile serves this call.
async fn route_call(
    shared: &Shared,
    call: &NewCall,
    start: CallStart,
    extension: &str,
    caller_number: &str,
) -> Result<AgentProfile, AgentProblem> {
    let id = call.channel.id.clone();
    if let Err(e) = shared
        .store
        .run_blocking(move |s| s.insert_call_start(&start))
        .await
    {
        tracing::warn!(call = %id, "could not record the call start: {e}");
    }
    let profiles = match shared.store.run_blocking(|s| s.list_profiles()).await {
        Ok(p) => p,
        Err(e) => {
            return Err(AgentProblem::Store(format!(
                "could not read agent profiles: {e}"
            )))
        }
    };
    let table = RoutingTable::new(profiles, shared.layers.get(DEFAULT_AGENT_ID_ENV).as_deref());
    let Some(routed) = table.route(extension, caller_number) else {
        let why = format!(
            "no agent profile matches extension '{extension}' / caller '{caller_number}' and {DEFAULT_AGENT_ID_ENV} is not set"
        );
        return Err(AgentProblem::Unavailable(why));
    };
    let profile: AgentProfile = routed.profile.clone();
    let upd = CallUpdate {
        profile: Some(profile.name.clone()),
        agent_id: Some(profile.agent_id.clone()),
        ..Default::default()
    };
    let _ = shared
        .store
        .run_blocking(move |s| s.update_call(&id, &upd))
        .await;
    snapshot(shared, call, &profile.name, "connecting", None);
    Ok(profile)
}

/// End the call when the caller has sent no media for `limit` (not counting time on hold).
async fn watch_media(shared: Arc<Shared>, caller: String, watch: Arc<MediaWatch>, limit: Duration) {
    let step = (limit / 10).clamp(Duration::from_millis(100), Duration::from_secs(1));
    loop {
        tokio::time::sleep(step).await;
        if watch.silent_for(Instant::now()) >= limit {
            tracing::warn!(
                call = %caller,
                "no media from the caller for {} s; ending the call",
                limit.as_secs_f64()
            );
            if let Some(tx) = shared.route_to(&caller) {
                let _ = tx.send(CallSignal::MediaTimeout(limit));
            }
            return;
        }
    }
}

/// Socket, externalMedia channel and bridge (created at the same time), both channels in
/// the bridge. Returns the socket and where Asterisk sends from; the error says what failed.
async fn setup_media(
    shared: &Shared,
    caller: &str,
    media_id: &str,
    bridge_id: &str,
    received: Instant,
    latency: &mut CallLatency,
) -> Result<(UdpSocket, SocketAddr), String> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let socket = shared.ports.bind().await.map_err(|e| e.to_string())?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let host = SocketAddr::new(shared.opts.rtp_advertise, local.port());
    // Asterisk answers the externalMedia request before the channel has entered Stasis (it
    // is originated asynchronously) and refuses to bridge it until then: wait for its
    // StasisStart rather than polling.
    let (entered_tx, entered) = tokio::sync::oneshot::channel();
    lock(&shared.in_stasis).insert(media_id.to_string(), entered_tx);
    // Whatever way this function ends, the waiter goes.
    struct Forget<'a>(&'a Shared, &'a str);
    impl Drop for Forget<'_> {
        fn drop(&mut self) {
            lock(&self.0.in_stasis).remove(self.1);
        }
    }
    let _forget = Forget(shared, media_id);
    let em = async {
        let t = Instant::now();
        let r = shared
            .ari
            .external_media(&ExternalMedia {
                app: shared.opts.app.clone(),
                external_host: host.to_string(),
                format: shared.opts.rtp_format.asterisk_name().to_string(),
                channel_id: Some(media_id.to_string()),
                variables: vec![("VCCTL_CALL".into(), caller.to_string())],
            })
            .await;
        (r, t.elapsed())
    };
    let bridge = async {
        let t = Instant::now();
        let name = format!("vcctl-{caller}");
        let r = shared
            .ari
            .create_bridge_with_id(bridge_id, "mixing", Some(&name))
            .await;
        (r, t.elapsed())
    };
    let ((em, em_t), (bridge, bridge_t)) = tokio::join!(em, bridge);
    let em = em.map_err(|e| format!("could not create the externalMedia channel: {e}"))?;
    latency.ari_rest_ms.push(ms(em_t));
    bridge.map_err(|e| format!("could not create the bridge: {e}"))?;
    latency.ari_rest_ms.push(ms(bridge_t));
    let peer = match unicast_peer(&em) {
        Some(p) => p,
        None => {
            let addr = shared
                .ari
                .get_var(media_id, "UNICASTRTP_LOCAL_ADDRESS")
                .await;
            let port = shared.ari.get_var(media_id, "UNICASTRTP_LOCAL_PORT").await;
            match (addr, port) {
                (Ok(a), Ok(p)) => format!("{a}:{p}")
                    .parse()
                    .map_err(|_| format!("Asterisk gave an unusable RTP address {a}:{p}"))?,
                _ => {
                    return Err(
                        "Asterisk did not say where the externalMedia leg sends from".into(),
                    )
                }
            }
        }
    };
    let t = Instant::now();
    // Bounded: if the event went missing, the 422 retry below still gets there.
    let _ = tokio::time::timeout(Duration::from_secs(2), entered).await;
    // Should the channel still not be in Stasis, a 422 "not in Stasis application" is retried.
    let mut tries = 0u32;
    loop {
        let both = [caller.to_string(), media_id.to_string()];
        match shared.ari.add_to_bridge(bridge_id, &both).await {
            Ok(()) => break,
            Err(crate::io::ari_http::AriError::Rejected { status: 422, .. }) if tries < 25 => {
                tries += 1;
                tracing::debug!(call = %caller, tries, "a channel is not in Stasis yet; retrying");
                tokio::time::sleep(Duration::from_millis(5 << tries.min(2))).await;
            }
            Err(e) => return Err(format!("could not bridge the call: {e}")),
        }
    }
    latency.ari_rest_ms.push(ms(t.elapsed()));
    // The handler's own share: StasisStart received -> caller and media leg bridged (the
    // agent connection runs in parallel and is measured on its own).
    latency.handler_ms = Some(ms(received.elapsed()));
    Ok((socket, peer))
}

/// `UNICASTRTP_LOCAL_ADDRESS:PORT` from the externalMedia response's channel variables.
pub fn unicast_peer(ch: &Channel) -> Option<SocketAddr> {
    let vars = ch.channelvars.as_ref()?;
    let get = |k: &str| vars.get(k).and_then(|v| v.as_str().map(str::to_string));
    let addr: IpAddr = get("UNICASTRTP_LOCAL_ADDRESS")?.parse().ok()?;
    let port: u16 = get("UNICASTRTP_LOCAL_PORT")?.parse().ok()?;
    Some(SocketAddr::new(addr, port))
}

async fn connect_agent(
    shared: &Shared,
    profile: &AgentProfile,
    call: &NewCall,
    extension: &str,
    caller_number: &str,
) -> Result<agent_ws::AgentConnection, agent_ws::AgentError> {
    let mut settings = AgentSettings::new(&shared.opts.agent_base_url, profile.agent_id.clone())?;
    settings.api_key = shared.layers.get(profile.api_key_var()).map(Secret::new);
    settings.ca_cert = shared.opts.ca_cert.clone();
    let mut vars: BTreeMap<String, Value> = profile
        .dynamic_variables
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    vars.insert("caller_number".into(), json!(caller_number));
    vars.insert("dialed_extension".into(), json!(extension));
    vars.insert("channel_id".into(), json!(call.channel.id));
    let init = InitiationClientData {
        dynamic_variables: vars,
        first_message: profile.first_message.clone(),
        language: profile.language.clone(),
        voice_id: profile.voice_id.clone(),
        user_id: Some(caller_number.to_string()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let journal = shared.api.journals.get(&call.channel.id);
    let sent = journal.as_ref().map(|_| {
        vcctl_core::agent::proto::ClientMessage::InitiationClientData(init.clone()).to_json()
    });
    let conn = agent_ws::connect(&settings, init).await?;
    // The handshake's two messages, for the call's agent log (the media loop logs the rest).
    if let (Some(j), Some(sent)) = (journal, sent) {
        j.agent_out(&sent);
        j.agent_in(
            &vcctl_core::agent::proto::ServerMessage::InitiationMetadata {
                conversation_id: conn.conversation_id.clone(),
                output_format: conn.output_format,
                input_format: conn.input_format,
            },
        );
    }
    Ok(conn)
}

/// `--record-ari`: Asterisk records the bridge into the stored recording `<call id>`, which
/// is finished when the bridge is destroyed. Noted in the call record at once.
async fn start_ari_recording(shared: &Shared, id: &str, bridge: &str, res: &mut Resources) {
    match shared.ari.record_bridge(bridge, id, "wav").await {
        Ok(_) => {
            let reference = format!("ari:{id}");
            res.files.push(("recording".into(), reference.clone()));
            let (store, id) = (shared.store.clone(), id.to_string());
            let upd = CallUpdate {
                recording: Some(reference),
                ..Default::default()
            };
            let _ = store.run_blocking(move |s| s.update_call(&id, &upd)).await;
        }
        Err(e) => tracing::warn!(call = %id, "could not start the ARI recording: {e}"),
    }
}

/// A hangup that arrived while the call was being set up.
fn pending_end(
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    caller: &str,
    res: &mut Resources,
) -> Option<End> {
    let mut end = None;
    while let Ok(sig) = rx.try_recv() {
        match sig {
            CallSignal::ChannelGone { channel, cause } if channel == caller => {
                res.caller_gone = true;
                end = Some(End::Caller(cause));
            }
            CallSignal::ChannelGone { .. } => res.media_gone = true,
            CallSignal::Shutdown => end = end.or(Some(End::Shutdown)),
            CallSignal::MediaTimeout(_) => {}
        }
    }
    end
}

/// What serve watches while a call's media runs: live snapshots and metrics.
struct ServeHooks<'a> {
    shared: &'a Shared,
    call: &'a NewCall,
    profile: &'a str,
    flushed: MediaStats,
    plugins: Vec<Box<dyn CallPlugin>>,
    /// The first agent audio has been sent (and noted in the call record).
    first_audio_sent: bool,
    /// The caller's media activity (`--media-timeout`).
    watch: Arc<MediaWatch>,
    /// The call's timeline and logs.
    journal: Option<Arc<crate::io::serve::journal::Journal>>,
}

impl ServeHooks<'_> {
    /// The first packet of the first agent talkspurt went out: note the time.
    fn first_agent_audio(&mut self) {
        self.first_audio_sent = true;
        let at = now_unix();
        self.shared
            .metrics
            .first_audio
            .with(&[self.profile])
            .observe(self.call.received.elapsed().as_secs_f64());
        let (store, id) = (self.shared.store.clone(), self.call.channel.id.clone());
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.update_call_mark(&id, CallMark::FirstAgentAudio, at) {
                tracing::warn!(call = %id, "could not record the first agent audio: {e}");
            }
        });
    }
}

impl MediaHooks for ServeHooks<'_> {
    fn rtp_in(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        self.watch.media_arrived(at);
        for p in &mut self.plugins {
            p.rtp_in(at, from, to, data);
        }
    }

    fn rtp_out(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        // The marker bit starts an agent talkspurt (silence filler never carries it).
        if !self.first_audio_sent && data.len() >= 12 && data[1] & 0x80 != 0 {
            self.first_agent_audio();
        }
        for p in &mut self.plugins {
            p.rtp_out(at, from, to, data);
        }
    }

    fn event(&mut self, ev: &MediaEvent) {
        for p in &mut self.plugins {
            p.event(ev);
        }
        if let Some(j) = &self.journal {
            journal_media_event(j, ev);
        }
        if matches!(ev, MediaEvent::AgentError { .. }) {
            self.shared.api.journals.agent_error();
        }
        let id = &self.call.channel.id;
        match ev {
            MediaEvent::AgentResponse { latency } => {
                tracing::debug!(call = %id, ms = latency.as_millis() as u64, "agent response");
            }
            MediaEvent::AgentError { message } => {
                tracing::warn!(call = %id, "agent error: {message}")
            }
            MediaEvent::Interrupted { event_id } => {
                tracing::debug!(call = %id, event_id, "barge-in")
            }
            MediaEvent::CallerSpeech { speaking } => {
                tracing::trace!(call = %id, speaking, "caller speech")
            }
        }
    }

    fn agent_in(&mut self, msg: &vcctl_core::agent::proto::ServerMessage) {
        if let Some(j) = &self.journal {
            j.agent_in(msg);
        }
    }

    fn agent_out(&mut self, text: &str) {
        if let Some(j) = &self.journal {
            j.agent_out(text);
        }
    }

    fn every_second(&mut self, s: &MediaStats) {
        flush_counters(self.shared, s, &mut self.flushed);
    }

    fn live(&mut self, s: &MediaStats) {
        snapshot(self.shared, self.call, self.profile, "bridged", Some(s));
    }
}

#[allow(clippy::too_many_arguments)]
async fn media_loop(
    shared: &Shared,
    call: &NewCall,
    profile: &str,
    socket: &UdpSocket,
    sender: AgentSender,
    mut receiver: AgentReceiver,
    media: CallMedia,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    watch: Arc<MediaWatch>,
) -> (End, CallMedia) {
    let mut hooks = ServeHooks {
        shared,
        call,
        profile,
        flushed: MediaStats::default(),
        first_audio_sent: false,
        watch,
        journal: shared.api.journals.get(&call.channel.id),
        plugins: shared
            .plugins
            .iter()
            .filter_map(|f| f(&call.channel.id))
            .collect(),
    };
    let (end, media, _playout) = media_loop::run(
        media_loop::MediaIo {
            socket,
            sender: &sender,
            receiver: &mut receiver,
        },
        media,
        &call.channel.id,
        rx,
        &mut hooks,
        None,
    )
    .await;
    let mut flushed = std::mem::take(&mut hooks.flushed);
    flush_counters(shared, &media.stats(), &mut flushed);
    for p in std::mem::take(&mut hooks.plugins) {
        if let Some((kind, path)) = p.finish() {
            tracing::info!(call = %call.channel.id, kind, path, "call file written");
            res.files.push((kind, path));
        }
    }
    let end = call_end(end, res);
    (end, media)
}

/// Why a media loop (either transport) stopped, as the call's end; notes which channel is
/// already gone.
fn call_end(end: LoopEnd, res: &mut Resources) -> End {
    match end {
        LoopEnd::Caller(c) => {
            res.caller_gone = true;
            End::Caller(c)
        }
        LoopEnd::MediaLeg => {
            res.media_gone = true;
            End::MediaLeg
        }
        LoopEnd::Agent { normal, detail } => End::Agent { normal, detail },
        LoopEnd::Shutdown => End::Shutdown,
        LoopEnd::MediaTimeout(after) => End::CallerSilent(after),
        LoopEnd::Error(e) => End::Error(e),
    }
}

/// Add the counters accumulated since the last flush to the global metrics.
fn flush_counters(shared: &Shared, s: &MediaStats, last: &mut MediaStats) {
    let m = &shared.metrics;
    m.rtp_in.inc_by(s.rtp_in_packets - last.rtp_in_packets);
    m.rtp_out.inc_by(s.rtp_out_packets - last.rtp_out_packets);
    m.rtp_dropped
        .with(&["foreign_source"])
        .inc_by(s.rtp_dropped_foreign - last.rtp_dropped_foreign);
    m.rtp_dropped
        .with(&["malformed"])
        .inc_by(s.rtp_dropped_malformed - last.rtp_dropped_malformed);
    m.underflows
        .inc_by(s.playout.underflows - last.playout.underflows);
    m.standing_drops
        .inc_by(s.playout.standing_drops - last.playout.standing_drops);
    *last = s.clone();
}

/// A media event into the call's timeline.
pub(crate) fn journal_media_event(j: &crate::io::serve::journal::Journal, ev: &MediaEvent) {
    match ev {
        MediaEvent::CallerSpeech { speaking } => j.media(
            if *speaking {
                "caller speaking"
            } else {
                "caller stopped"
            },
            json!({}),
        ),
        MediaEvent::AgentResponse { latency } => j.media(
            "agent responded",
            json!({"latency_ms": latency.as_secs_f64() * 1000.0}),
        ),
        MediaEvent::Interrupted { event_id } => j.media("barge-in", json!({"event_id": event_id})),
        MediaEvent::AgentError { message } => j.media("agent error", json!({"message": message})),
    }
}

/// Who is speaking now: `caller`, `agent`, `both` or `none`.
pub(crate) fn speaking(caller: bool, agent: bool) -> &'static str {
    match (caller, agent) {
        (true, true) => "both",
        (true, false) => "caller",
        (false, true) => "agent",
        (false, false) => "none",
    }
}

/// Publish the live state of a call on `/calls` (documented in README, "serve's HTTP API").
fn snapshot(
    shared: &Shared,
    call: &NewCall,
    profile: &str,
    state: &str,
    stats: Option<&MediaStats>,
) {
    let leg = shared
        .api
        .journals
        .get(&call.channel.id)
        .and_then(|j| j.caller_leg());
    shared.api.calls.upsert(
        call.channel.id.clone(),
        json!({
            "id": call.channel.id,
            "caller_channel": call.channel.name,
            "caller": call.args.get(1).cloned().unwrap_or_else(|| call.channel.caller.number.clone()),
            "extension": call.args.first(),
            "profile": profile,
            "state": state,
            "transport": "rtp",
            "age_seconds": call.received.elapsed().as_secs_f64(),
            "started": now_unix() - call.received.elapsed().as_secs_f64(),
            "speaking": stats.map(|s| speaking(s.caller_speaking, s.agent_speaking)),
            "last_response_ms": stats.and_then(|s| s.response_latency_ms.last().copied()),
            "media": stats,
            "caller_leg": leg,
        }),
    );
}

/// The agent cannot serve this call: apply the configured policy.
async fn agent_failure(
    shared: &Shared,
    caller: &str,
    res: &mut Resources,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    why: String,
) -> End {
    tracing::warn!(call = %caller, "agent unavailable: {why}");
    if let Some(end) = pending_end(rx, caller, res) {
        return end;
    }
    if let AgentFailurePolicy::Fallback { media, max } = &shared.opts.on_agent_failure {
        // The prompt needs an answered channel.
        if !res.answered {
            match shared.ari.answer(caller).await {
                Ok(()) => res.answered = true,
                Err(e) => {
                    tracing::warn!(call = %caller, "could not answer for the fallback prompt: {e}")
                }
            }
        }
        match shared.ari.play(caller, media).await {
            Ok(_) => {
                // Wait for the prompt (or the caller hanging up), at most `max`.
                let until = tokio::time::sleep(*max);
                tokio::pin!(until);
                loop {
                    tokio::select! {
                        _ = &mut until => break,
                        sig = rx.recv() => match sig {
                            Some(CallSignal::ChannelGone { channel, cause }) if channel == caller => {
                                res.caller_gone = true;
                                return End::Caller(cause);
                            }
                            Some(CallSignal::Shutdown) | Some(CallSignal::MediaTimeout(_)) | None => break,
                            Some(_) => {}
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(call = %caller, "fallback prompt {media} failed: {e}"),
        }
    }
    End::Agent {
        normal: false,
        detail: why,
    }
}

fn classify(end: &End, agent_heard: bool) -> (CallOutcome, EndedBy, Option<String>) {
    match end {
        End::Caller(cause) if !agent_heard => {
            (CallOutcome::CallerAbandoned, EndedBy::Caller, cause.clone())
        }
        End::Caller(cause) => (CallOutcome::Completed, EndedBy::Caller, cause.clone()),
        End::MediaLeg => (
            CallOutcome::Completed,
            EndedBy::Operator,
            Some("media channel hung up".into()),
        ),
        End::Agent {
            normal: true,
            detail,
        } => (CallOutcome::Completed, EndedBy::Agent, Some(detail.clone())),
        End::Agent {
            normal: false,
            detail,
        } => (
            CallOutcome::AgentFailed,
            EndedBy::Agent,
            Some(detail.clone()),
        ),
        End::Shutdown => (
            CallOutcome::Completed,
            EndedBy::System,
            Some("vcctl serve stopped".into()),
        ),
        End::CallerSilent(after) => (
            if agent_heard {
                CallOutcome::Completed
            } else {
                CallOutcome::CallerAbandoned
            },
            EndedBy::System,
            Some(format!(
                "no media from the caller for {} s (--media-timeout)",
                after.as_secs_f64()
            )),
        ),
        End::Error(e) => (CallOutcome::Error, EndedBy::System, Some(e.clone())),
    }
}

/// Destroy the bridge and hang up the media leg (404s mean already gone).
async fn release_media(shared: &Shared, res: &mut Resources) {
    if let Some(b) = res.bridge.take() {
        if let Err(e) = shared.ari.destroy_bridge(&b).await {
            if !e.is_not_found() {
                tracing::warn!("could not destroy bridge {b}: {e}");
            }
        }
        lock(&shared.bridges).remove(&b);
    }
    if let Some(m) = res.media_channel.take() {
        if !res.media_gone {
            if let Err(e) = shared.ari.hangup(&m, None).await {
                if !e.is_not_found() {
                    tracing::warn!("could not hang up media channel {m}: {e}");
                }
            }
        }
        shared.unregister(&m);
    }
}

/// Release everything the call created; hang the caller up if it is still there.
async fn teardown(shared: &Shared, caller: &str, res: &mut Resources, end: &End) {
    if let Some(a) = res.agent.take() {
        let _ = tokio::time::timeout(Duration::from_secs(2), a.close()).await;
    }
    release_media(shared, res).await;
    if !res.caller_gone {
        let reason = match (end, &shared.opts.on_agent_failure) {
            (End::Agent { normal: false, .. }, AgentFailurePolicy::Hangup { reason }) => {
                Some(reason.as_str())
            }
            // Not answered yet (setup failed, shutting down): a final 503 for the caller.
            _ if !res.answered => Some("congestion"),
            _ => Some("normal"),
        };
        if let Err(e) = shared.ari.hangup(caller, reason).await {
            if !e.is_not_found() {
                tracing::warn!(call = %caller, "could not hang up the caller: {e}");
            }
        }
    }
}
