//! One call of `vcctl serve`: its options, the state every call shares (the registry of
//! running calls, their media watches), and [`handle_call`], which runs one call from
//! start to end. The stages live beside it, one code path for both transports:
//! `call_setup.rs` (routing, agent, answer, the media run, the figures it leaves),
//! `media_leg.rs` (the one place the transport shows: the externalMedia leg over RTP or
//! chan_websocket, its bridge, its media loop), `call_hooks.rs` (what both loops' hooks feed:
//! metrics, the journal, `/calls`) and `call_teardown.rs` (classification and release).

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
use crate::io::agent_ws::{self, AgentSender, AgentSettings, ConnectTimings};
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
use vcctl_core::media::call_media::{CallMedia, MediaEvent, MediaSettings, MediaStats};
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
    /// ([`media_leg`], docs/websocket-media.md).
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

// The call's stages, each in its own file (children of this module: they share its types).
#[path = "call_hooks.rs"]
mod call_hooks;
#[path = "call_setup.rs"]
mod call_setup;
#[path = "call_teardown.rs"]
mod call_teardown;
#[path = "media_leg.rs"]
mod media_leg;
use call_hooks::*;
use call_setup::*;
use call_teardown::*;
pub use media_leg::unicast_peer;
use media_leg::*;

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
        let codec =
            vcctl_core::analysis::mos::Codec::from_name(shared.opts.rtp_format.asterisk_name());
        let task =
            tokio::spawn(async move { watch_caller_rtt(&shared.ari, &id, &seen, &j, codec).await });
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
    let end = asterisk_lost(
        end,
        shared.api.readiness.is_ready(),
        &shared.api.readiness.reason(),
    );
    let (outcome, ended_by, cause) = classify(&end, agent_heard, journal.hung_up_by_operator());
    tracing::debug!(call = %id, ?end, outcome = outcome.as_str(), "call ended");
    teardown(&shared, &id, &mut res, &end).await;

    let ended = now_unix();
    let codec = vcctl_core::analysis::mos::Codec::from_name(shared.opts.rtp_format.asterisk_name());
    let rtp = match media_stats.as_ref() {
        Some(s) => Some(vcctl_core::media::call_rtp::split(
            s,
            caller_rtp.as_ref(),
            codec,
            latency.caller_rtt_ms,
        )),
        // --transport websocket: no RTP reaches serve (no media-leg figures), but the
        // caller's own leg is RTP all the same: its loss, jitter and MOS each way.
        None if shared.opts.transport == MediaTransport::WebSocket => caller_rtp
            .as_ref()
            .map(|a| vcctl_core::media::call_rtp::caller_leg_only(a, codec, latency.caller_rtt_ms)),
        None => None,
    };
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
        CallOutcome::Completed if agent_heard => vcctl_core::serve::timeline::Finished::Success,
        CallOutcome::AgentFailed => vcctl_core::serve::timeline::Finished::AgentFailed,
        _ => vcctl_core::serve::timeline::Finished::Other,
    };
    shared
        .api
        .journals
        .close_call(&id, &res.files, outcome.as_str(), ended_by.as_str(), how);
    shared.api.calls.remove(&id);
    shared.unregister(&id);
    if shared.api.calls.is_empty() {
        // The last call ended: give back what the allocator kept of the peak (serve's RSS
        // otherwise stays at the peak's size; docs/benchmarks.md, "Soak").
        tokio::task::spawn_blocking(crate::io::memory::release_free_memory);
    }
}

/// The caller leg as Asterisk sees it, for the live view: what it received from the phone
/// (`rx`) and what the phone reported of Asterisk's stream (`tx`, by RTCP).
/// With each direction's E-model MOS (`call_rtp::caller_leg_in/out`, as in the call record).
/// The same for both transports: the caller's leg is RTP whatever serve's leg is.
fn caller_leg_json(
    s: &vcctl_core::ari::model::RtpStat,
    codec: Option<vcctl_core::analysis::mos::Codec>,
) -> Value {
    use vcctl_core::media::call_rtp::{caller_leg_in, caller_leg_out};
    let rtt = rtt_ms(s);
    json!({
        "rx_packets": s.rxcount,
        "rx_lost": s.rxploss,
        "tx_packets": s.txcount,
        "rx_jitter_ms": s.rxjitter.map(|j| j * 1000.0),
        "rx_mos": caller_leg_in(s, codec, rtt).mos.map(|m| m.mos),
        "tx_lost": s.txploss,
        "tx_jitter_ms": s.txjitter.map(|j| j * 1000.0),
        "tx_mos": caller_leg_out(s, codec, rtt).mos.map(|m| m.mos),
        "rtt_ms": rtt,
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
    codec: Option<vcctl_core::analysis::mos::Codec>,
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
                journal.set_caller_leg(caller_leg_json(&s, codec));
                w.stats = Some(s);
            }
            Err(crate::io::ari_http::AriError::NotFound { .. }) => return,
            Err(e) => tracing::debug!(call = %id, "reading the caller's RTP statistics: {e}"),
        }
    }
}
