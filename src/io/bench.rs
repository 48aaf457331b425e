//! The media benchmark: N synthetic calls through serve's media path and a real agent-sim
//! process, on loopback, without Asterisk. Two transports, as serve's `--transport`:
//! - RTP: [`media_loop`] around [`CallMedia`], paced by the media clock; a synthetic Asterisk
//!   ([`BenchPeer`], one thread for all calls) sends RTP at 50 packets/s per call and
//!   receives serve's RTP.
//! - WebSocket: [`ws_media_loop`] around [`WsCallMedia`] and the media WebSocket's
//!   [`MediaLink`]; the synthetic Asterisk ([`BenchWsPeer`], one thread) speaks
//!   chan_websocket: a caller frame every 20 ms, serve's audio played through a model of
//!   Asterisk's queue on each call's 20 ms clock.
//!
//! Figures per N: caller frame in -> agent chunk out, agent audio in -> on its way to the
//! caller, underflows, outbound pacing error against the 20 ms grid (RTP), frames lost both
//! ways, CPU and RSS per call.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::{AriSettings, Secret};
use crate::error::{Error, Result};
use crate::io::agent_ws::{self, AgentSettings};
use crate::io::asterisk_media_ws::{self, FromAsterisk, MediaWs, ToAsterisk};
use crate::io::bench_peer::BenchPeer;
use crate::io::bench_ws_peer::BenchWsPeer;
use crate::io::serve::media_loop::{self, CallSignal, LoopProbe, MediaHooks, ObserveSent};
use crate::io::serve::ws_media_loop::{self, WsHooks};
use vcctl_core::agent::proto::InitiationClientData;
use vcctl_core::chan_websocket::{
    ControlFormat, LinkConfig, LinkEvent, LinkStats, MediaFormat, MediaLink,
};
use vcctl_core::media::call_media::{CallMedia, MediaSettings, MediaStats, PlayoutSummary};
use vcctl_core::media::pacer::PacingStats;
use vcctl_core::media::playout::PlayoutStats;
use vcctl_core::media::ws_call_media::WsCallMedia;

/// Settings of one benchmark run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub calls: Vec<usize>,
    pub duration: Duration,
    /// Calls set up per second (agent connections are the slow part).
    pub ramp_per_second: usize,
    pub transport: BenchTransport,
    /// RTP: the playout settings (serve's defaults unless measuring another choice).
    pub prebuffer: Duration,
    pub underflow_grace: Duration,
}

/// Which media path to Asterisk the benchmark measures (serve's `--transport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BenchTransport {
    /// externalMedia RTP: serve paces every packet (`media_loop`, `media_clock`).
    Rtp,
    /// chan_websocket: agent audio goes out as it arrives, Asterisk plays it on its clock.
    Websocket,
}

impl BenchTransport {
    pub fn name(self) -> &'static str {
        match self {
            BenchTransport::Rtp => "rtp",
            BenchTransport::Websocket => "websocket",
        }
    }
}

/// The result for one N.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BenchRow {
    pub transport: BenchTransport,
    pub calls: usize,
    pub seconds: f64,
    /// A caller frame (RTP datagram or WebSocket message) received -> the
    /// `user_audio_chunk` it completed written to the agent's WebSocket.
    pub caller_to_agent_p50_ms: f64,
    pub caller_to_agent_p99_ms: f64,
    /// An agent `audio` event received -> its first sample on its way to the caller: RTP, the
    /// packet sent (Asterisk forwards it as it arrives); WebSocket, the frame dequeued by the
    /// synthetic Asterisk's 20 ms clock (what chan_websocket hands to the bridge).
    pub agent_to_caller_p50_ms: f64,
    pub agent_to_caller_p99_ms: f64,
    /// RTP only: the same for the agent audio events that start a response (no talkspurt
    /// playing when they arrived), i.e. the wait before the caller hears the answer at all,
    /// and how many there were (the figures above count every event, the following ones
    /// included, which wait behind the audio queued before them).
    #[serde(default)]
    pub agent_to_caller_first_p50_ms: Option<f64>,
    #[serde(default)]
    pub agent_to_caller_first_p99_ms: Option<f64>,
    #[serde(default)]
    pub agent_responses: Option<u64>,
    /// RTP only: distance of each send from its slot on the 20 ms grid.
    pub pacing_p50_ms: Option<f64>,
    pub pacing_p99_ms: Option<f64>,
    pub pacing_max_ms: Option<f64>,
    /// Caller frames the synthetic Asterisk sent / serve did not receive (RTP: less those
    /// still queued on a call's socket when its loop stopped, see [`InboundLoss`]).
    pub caller_frames_sent: u64,
    pub lost_inbound: u64,
    /// RTP only: where the caller frames serve did not count went (absent in rows of older
    /// builds).
    #[serde(default)]
    pub inbound_loss: Option<InboundLoss>,
    /// Frames serve sent toward the caller / lost on the way (RTP: sequence gaps; WebSocket:
    /// frames Asterisk's queue dropped plus agent audio serve dropped at its limit).
    pub frames_sent_by_serve: u64,
    pub lost_outbound: u64,
    /// Frames the caller got silence instead of agent audio in mid-stream: RTP, playout
    /// underflows (frames); WebSocket, 20 ms ticks that found Asterisk's queue empty after
    /// the call's first agent frame.
    pub underflows: u64,
    /// RTP only: where those underflows fell (absent in rows of older builds).
    #[serde(default)]
    pub underflow_split: Option<UnderflowSplit>,
    /// RTP only: frames sent up to 10 ms after their slot because their audio came just
    /// after it (each would have been an underflow without the grace).
    pub late_frames: u64,
    /// CPU of the media path (the bench process less its synthetic Asterisk thread), % of one
    /// core per call.
    pub cpu_percent_per_call: f64,
    /// CPU of the synthetic Asterisk thread, % of one core per call.
    pub asterisk_cpu_percent_per_call: f64,
    /// CPU of the agent-sim process, % of one core per call.
    pub agent_sim_cpu_percent_per_call: f64,
    pub rss_kib_per_call: f64,
    /// RTP only: how often a call's media task woke up (a packet, an agent message, news
    /// from the pacing thread, its keepalive timer), per call per second of the window: the
    /// figure behind most of the media path's CPU (absent in rows of older builds).
    #[serde(default)]
    pub task_wakes_per_call_second: Option<f64>,
    /// Zero loss both ways and (RTP) pacing p99 under 2 ms.
    pub sustained: bool,
}

/// RTP underflows by where they fell (`vcctl_core::media::playout::PlayoutStats`): a gap is
/// silence between two pieces of agent audio (the caller hears it); the other underflow
/// frames came after the agent's last audio (the talkspurt ended starving, or the call
/// ended, as every bench call does, while it starved): no audio was missing there.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize)]
pub struct UnderflowSplit {
    pub gaps: u64,
    pub gap_frames: u64,
    /// Gaps within the first 100 ms of their talkspurt.
    pub early_gaps: u64,
    /// Underflows that ended their talkspurt, or were still open when the call ended.
    pub not_resumed: u64,
    pub not_resumed_frames: u64,
    /// The same counters up to the end of the measured window (the last quarter-second
    /// report before it), without the teardown: the synthetic Asterisk stops sending 100 ms
    /// before the calls end, so the echo agent falls silent and every call's playout starves
    /// until its end, or (with a prebuffer of one frame) until serve's keepalive silence
    /// comes back from the echo and resumes it.
    pub window_frames: u64,
    pub window_gaps: u64,
    pub window_gap_frames: u64,
}

/// RTP: where the caller frames the synthetic Asterisk sent and serve's engine did not count
/// went. Every frame sent is counted once: by the engine (read), or as `stale`, `kernel`,
/// `unread_at_end` or `unexplained`, in that order of precedence; the lost ones
/// ([`InboundLoss::lost`]) are all but `unread_at_end`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InboundLoss {
    /// Dropped unread as the call started: sent before its loop's first read
    /// (`CallMedia::note_stale_rtp`; serve does the same with audio older than the agent).
    /// The synthetic Asterisk starts a call's RTP only once its loop reads, so 0 unless a
    /// loop took over 5 s to get there.
    pub stale: u64,
    /// Dropped by the kernel: the call's socket receive buffer was full (the socket's `drops`
    /// in `/proc/net/udp`, read after the synthetic Asterisk stopped).
    pub kernel: u64,
    /// Still queued on the call's socket when its loop stopped, 100 ms after the synthetic
    /// Asterisk's last send: delivered, but the bench ended the call before serve read it.
    /// Not lost.
    pub unread_at_end: u64,
    /// Sent and neither read, dropped at the start, dropped by the kernel nor left queued.
    pub unexplained: u64,
}

impl InboundLoss {
    /// Split `sent - read` frames: `stale`, `kernel` and `unread_at_end` as measured (each
    /// capped by what is left to explain), the rest `unexplained`.
    pub fn new(sent: u64, read: u64, stale: u64, kernel: u64, unread_at_end: u64) -> Self {
        let mut left = sent.saturating_sub(read);
        let mut take = |n: u64| {
            let t = n.min(left);
            left -= t;
            t
        };
        let (stale, kernel, unread_at_end) = (take(stale), take(kernel), take(unread_at_end));
        InboundLoss {
            stale,
            kernel,
            unread_at_end,
            unexplained: left,
        }
    }

    /// The frames lost: all but those left queued at the end.
    pub fn lost(&self) -> u64 {
        self.stale + self.kernel + self.unexplained
    }

    /// The kinds seen, for a table cell: `2 (1 kernel, 1 at start)`, `0 (3 unread at the
    /// end)`, `0`.
    pub fn describe(&self) -> String {
        let kinds: Vec<String> = [
            (self.kernel, "kernel"),
            (self.stale, "at start"),
            (self.unexplained, "unexplained"),
            (self.unread_at_end, "unread at the end"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if kinds.is_empty() {
            self.lost().to_string()
        } else {
            format!("{} ({})", self.lost(), kinds.join(", "))
        }
    }
}

/// The bench's hooks on an RTP call: the playout counters as they stood at the last
/// quarter-second report before the measured window ended.
struct WindowHooks {
    over: Arc<AtomicBool>,
    playout: PlayoutSummary,
}

impl MediaHooks for WindowHooks {
    fn observes_rtp_out(&self) -> ObserveSent {
        ObserveSent::Nothing
    }
    fn live(&mut self, stats: &MediaStats) {
        if !self.over.load(Ordering::Relaxed) {
            self.playout = stats.playout.clone();
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub rows: Vec<BenchRow>,
    pub highest_sustained: Option<usize>,
    pub cores: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Run every N in turn, each in a fresh `vcctl bench` child process (so the RSS growth of
/// one N is not hidden by memory the allocator kept from the previous one); `progress` gets
/// one line per step.
pub async fn run(opts: &BenchOptions, progress: &(dyn Fn(&str) + Sync)) -> Result<BenchReport> {
    let mut rows = Vec::new();
    for &n in &opts.calls {
        progress(&format!("{n} calls: starting"));
        let row = run_child(n, opts, progress).await?;
        progress(&format!(
            "{n} calls: agent->caller p99 {:.2} ms, lost {}/{}",
            row.agent_to_caller_p99_ms, row.lost_inbound, row.lost_outbound
        ));
        rows.push(row);
    }
    let highest_sustained = rows.iter().filter(|r| r.sustained).map(|r| r.calls).max();
    Ok(BenchReport {
        rows,
        highest_sustained,
        cores: std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    })
}

struct CallResult {
    probe: LoopProbe,
    pacing: PacingStats,
    agent_to_rtp: PacingStats,
    agent_to_rtp_first: PacingStats,
    rtp_in: u64,
    /// Caller frames the loop dropped unread at its start (see `CallMedia::note_stale_rtp`).
    rtp_in_stale: u64,
    /// Caller frames still queued on the call's socket when its loop stopped.
    rtp_in_unread_at_end: u64,
    rtp_out: u64,
    playout: PlayoutStats,
    window_playout: PlayoutSummary,
    late_frames: u64,
}

/// Set in the environment of a benchmark child process: measure one N, print its row as JSON.
pub const CHILD_ENV: &str = "VCCTL_BENCH_CHILD";

/// One N in a child process; its progress lines are passed on.
async fn run_child(
    n: usize,
    opts: &BenchOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<BenchRow> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let exe = std::env::current_exe().map_err(|e| Error::io("finding the vcctl binary", e))?;
    let mut child = tokio::process::Command::new(exe)
        .env(CHILD_ENV, "1")
        .args([
            "bench",
            "--calls",
            &n.to_string(),
            "--seconds",
            &opts.duration.as_secs().to_string(),
            "--ramp",
            &opts.ramp_per_second.to_string(),
            "--transport",
            opts.transport.name(),
            "--prebuffer-ms",
            &opts.prebuffer.as_millis().to_string(),
            "--underflow-grace-ms",
            &opts.underflow_grace.as_millis().to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::io("starting a benchmark process", e))?;
    let mut last_line = String::new();
    if let Some(err) = child.stderr.take() {
        let mut lines = BufReader::new(err).lines();
        while let Ok(Some(l)) = lines.next_line().await {
            progress(&l);
            last_line = l;
        }
    }
    let out = child
        .wait_with_output()
        .await
        .map_err(|e| Error::io("waiting for a benchmark process", e))?;
    if !out.status.success() {
        return Err(Error::Other(format!(
            "the {n}-call benchmark failed: {}",
            last_line.trim_start_matches("vcctl: ")
        )));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        Error::Other(format!(
            "the {n}-call benchmark printed no result ({e}); run `vcctl bench --calls {n}` alone"
        ))
    })
}

/// Measure one N in this process (what a benchmark child runs).
pub async fn run_one(
    n: usize,
    opts: &BenchOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<BenchRow> {
    raise_fd_limit();
    let (sim, settings) = start_agent_sim().await?;
    let row = match opts.transport {
        BenchTransport::Rtp => run_rtp(n, opts, &settings, sim.id().unwrap_or(0), progress).await,
        BenchTransport::Websocket => {
            run_ws(n, opts, &settings, sim.id().unwrap_or(0), progress).await
        }
    };
    drop(sim);
    row
}

/// agent-sim in its own process (so its CPU is not counted as the media path's), echoing
/// with no response delay in events of 100 ms, a ping a second.
async fn start_agent_sim() -> Result<(tokio::process::Child, AgentSettings)> {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| Error::io("binding a port", e))?;
        l.local_addr()
            .map_err(|e| Error::io("reading a port", e))?
            .port()
    };
    let exe = std::env::current_exe().map_err(|e| Error::io("finding the vcctl binary", e))?;
    let sim = tokio::process::Command::new(exe)
        .args([
            "agent-sim",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--response-delay-ms",
            "0",
            // Agent audio arrives in events of 100 ms (the real service sends larger ones).
            "--chunk-ms",
            "100",
            "--ping-interval-ms",
            "1000",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::io("starting agent-sim", e))?;
    let base = format!("ws://127.0.0.1:{port}");
    let settings = AgentSettings::new(&base, "bench-agent")?;
    // Wait for the simulator to listen.
    let t = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if t.elapsed() > Duration::from_secs(10) {
            return Err(Error::Other(
                "agent-sim did not start for the benchmark".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((sim, settings))
}

/// N calls over RTP: serve's media loop and pacing thread against [`BenchPeer`].
async fn run_rtp(
    n: usize,
    opts: &BenchOptions,
    settings: &AgentSettings,
    sim_pid: u32,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<BenchRow> {
    let rss_before = rss_kib();
    let peer = BenchPeer::start().map_err(|e| Error::io("starting the synthetic Asterisk", e))?;
    let peer_addr = peer.addr();
    let mut calls = Vec::with_capacity(n);
    let mut signals = Vec::with_capacity(n);
    let mut serve_addrs = HashSet::with_capacity(n);
    let window_over = Arc::new(AtomicBool::new(false));
    let wakes = Arc::new(AtomicU64::new(0));
    let ramp_gap = Duration::from_secs_f64(1.0 / opts.ramp_per_second.max(1) as f64);
    for i in 0..n {
        let serve_sock = UdpSocket::bind("127.0.0.1:0")
            .await
            .map_err(|e| Error::io("binding RTP", e))?;
        let serve_addr = serve_sock
            .local_addr()
            .map_err(|e| Error::io("RTP address", e))?;
        serve_addrs.insert(serve_addr);
        let conn = agent_ws::connect(settings, InitiationClientData::default()).await?;
        let mut media = CallMedia::new(
            MediaSettings {
                prebuffer: opts.prebuffer,
                underflow_grace: opts.underflow_grace,
                ..MediaSettings::default()
            },
            conn.input_format,
            conn.output_format,
            media_loop::random_seed(),
            Instant::now(),
        )
        .map_err(|e| Error::Other(e.to_string()))?;
        media.set_peer(peer_addr);
        let (tx, mut rx) = mpsc::unbounded_channel();
        signals.push(tx);
        let (sender, mut receiver) = (conn.sender, conn.receiver);
        let mut hooks = WindowHooks {
            over: window_over.clone(),
            playout: PlayoutSummary::default(),
        };
        let wakes = wakes.clone();
        let reading = Arc::new(tokio::sync::Notify::new());
        let probe = LoopProbe {
            wakes: Some(wakes),
            reading: Some(reading.clone()),
            ..LoopProbe::default()
        };
        calls.push(tokio::spawn(async move {
            let mut probe = probe;
            let id = format!("bench-{i}");
            let (_, media, playout) = media_loop::run(
                media_loop::MediaIo {
                    socket: &serve_sock,
                    sender: &sender,
                    receiver: &mut receiver,
                },
                media,
                &id,
                &mut rx,
                &mut hooks,
                Some(&mut probe),
            )
            .await;
            // What the synthetic Asterisk sent that the loop did not get to read.
            let unread_at_end = media_loop::drop_queued(&serve_sock);
            let _ = sender.close().await;
            let s = media.stats();
            let (pacing, agent_to_rtp, agent_to_rtp_first, playout_stats) = match &playout {
                Some(p) => (
                    p.pacing().clone(),
                    p.agent_to_rtp().clone(),
                    p.agent_to_rtp_first().clone(),
                    p.playout_stats(),
                ),
                None => (
                    PacingStats::new(),
                    PacingStats::new(),
                    PacingStats::new(),
                    PlayoutStats::default(),
                ),
            };
            CallResult {
                probe,
                pacing,
                agent_to_rtp,
                agent_to_rtp_first,
                rtp_in: s.rtp_in_packets,
                rtp_in_stale: s.rtp_in_stale_dropped,
                rtp_in_unread_at_end: unread_at_end,
                rtp_out: s.rtp_out_packets,
                playout: playout_stats,
                window_playout: hooks.playout,
                late_frames: s.playout_late_frames,
            }
        }));
        // The synthetic Asterisk starts the call's RTP once the loop reads its socket: RTP
        // sent before would race the task's start, and a frame that won was dropped as
        // stale and counted lost (1-3 of ~250,000 in a third of the runs at 500 calls; see
        // docs/benchmarks.md, "The lost caller frames"). A loop that never gets there failed:
        // its call is started anyway and its loss shows.
        let _ = tokio::time::timeout(Duration::from_secs(5), reading.notified()).await;
        peer.add_call(serve_addr);
        if (i + 1) % 50 == 0 {
            progress(&format!("{n} calls: {} set up", i + 1));
        }
        tokio::time::sleep(ramp_gap).await;
    }

    // Measure only the steady state: every call running.
    let wakes0 = wakes.load(Ordering::Relaxed);
    let mut w = steady_state(
        n,
        opts.duration,
        progress,
        &|| peer.cpu_seconds(),
        sim_pid,
        rss_before,
    )
    .await;
    w.task_wakes = Some(wakes.load(Ordering::Relaxed) - wakes0);

    // Stop the synthetic Asterisks first (so in-flight RTP is not counted as lost), then the calls.
    window_over.store(true, Ordering::Relaxed);
    let totals = tokio::task::spawn_blocking(move || peer.stop())
        .await
        .unwrap_or_default();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Nothing more is sent: what the kernel dropped on the calls' sockets is final.
    let kernel_dropped = udp_drops(&serve_addrs);
    for s in &signals {
        let _ = s.send(CallSignal::Shutdown);
    }
    let mut results = Vec::new();
    for c in calls {
        if let Ok(r) = c.await {
            results.push(r);
        }
    }

    let mut rtp_to_agent = PacingStats::new();
    let mut agent_to_rtp = PacingStats::new();
    let mut agent_to_rtp_first = PacingStats::new();
    let mut pacing = PacingStats::new();
    let (mut serve_in, mut serve_out, mut underflows, mut late_frames) = (0, 0, 0, 0);
    let (mut stale, mut unread_at_end) = (0, 0);
    let mut split = UnderflowSplit::default();
    for r in &results {
        let p = &r.playout;
        split.gaps += p.gaps;
        split.gap_frames += p.gap_frames;
        split.early_gaps += p.early_gaps;
        split.not_resumed += p.underflows - p.gaps;
        split.not_resumed_frames += p.underflow_frames - p.gap_frames;
        let w = &r.window_playout;
        split.window_frames += w.underflow_frames;
        split.window_gaps += w.gaps;
        split.window_gap_frames += w.gap_frames;
        rtp_to_agent.merge(&r.probe.rtp_to_agent);
        agent_to_rtp.merge(&r.agent_to_rtp);
        agent_to_rtp_first.merge(&r.agent_to_rtp_first);
        pacing.merge(&r.pacing);
        serve_in += r.rtp_in;
        stale += r.rtp_in_stale;
        unread_at_end += r.rtp_in_unread_at_end;
        serve_out += r.rtp_out;
        underflows += p.underflow_frames;
        late_frames += r.late_frames;
    }
    let sent = totals.sent;
    let inbound = InboundLoss::new(sent, serve_in, stale, kernel_dropped, unread_at_end);
    if inbound.stale > 0 {
        // Counted as lost: the synthetic Asterisk starts sending as the call's task starts,
        // and a frame that beat the task's first read is dropped as stale.
        progress(&format!(
            "{n} calls: {} caller frames dropped unread as the calls started",
            inbound.stale
        ));
    }
    if inbound.lost() + inbound.unread_at_end > inbound.stale {
        progress(&format!(
            "{n} calls: caller frames not read: {}",
            inbound.describe()
        ));
    }
    Ok(Figures {
        caller_to_agent: rtp_to_agent,
        agent_to_caller: agent_to_rtp,
        agent_to_caller_first: Some(agent_to_rtp_first),
        pacing: Some(pacing),
        caller_frames_sent: sent,
        lost_inbound: inbound.lost(),
        inbound_loss: Some(inbound),
        frames_sent_by_serve: serve_out,
        // Gaps in what the peer received; packets serve sent after it stopped are not losses.
        lost_outbound: totals.lost,
        underflows,
        underflow_split: Some(split),
        late_frames,
        calls_reported: results.len(),
    }
    .row(BenchTransport::Rtp, n, &w))
}

/// One transport's figures, merged over its calls; [`Figures::row`] adds the steady-state
/// window's costs and makes the row both transports report.
struct Figures {
    caller_to_agent: PacingStats,
    agent_to_caller: PacingStats,
    /// RTP only (see [`BenchRow`]).
    agent_to_caller_first: Option<PacingStats>,
    pacing: Option<PacingStats>,
    caller_frames_sent: u64,
    lost_inbound: u64,
    /// RTP only (see [`BenchRow`]).
    inbound_loss: Option<InboundLoss>,
    frames_sent_by_serve: u64,
    lost_outbound: u64,
    underflows: u64,
    /// RTP only (see [`BenchRow`]).
    underflow_split: Option<UnderflowSplit>,
    late_frames: u64,
    /// Calls whose results came back (a call task that failed gives none).
    calls_reported: usize,
}

impl Figures {
    /// The row for `n` calls measured over `w`: percentiles in ms, costs per call, and
    /// sustained when nothing was lost either way, every call reported and (RTP) pacing
    /// p99 stayed under 2 ms.
    fn row(self, transport: BenchTransport, n: usize, w: &Window) -> BenchRow {
        let per_call = |cpu_seconds: f64| 100.0 * cpu_seconds / w.seconds / n as f64;
        let pacing_p99_ms = self.pacing.as_ref().map(|p| ms(p.p99()));
        let first = self.agent_to_caller_first.as_ref();
        BenchRow {
            transport,
            calls: n,
            seconds: w.seconds,
            caller_to_agent_p50_ms: ms(self.caller_to_agent.p50()),
            caller_to_agent_p99_ms: ms(self.caller_to_agent.p99()),
            agent_to_caller_p50_ms: ms(self.agent_to_caller.p50()),
            agent_to_caller_p99_ms: ms(self.agent_to_caller.p99()),
            agent_to_caller_first_p50_ms: first.map(|f| ms(f.p50())),
            agent_to_caller_first_p99_ms: first.map(|f| ms(f.p99())),
            agent_responses: first.map(PacingStats::count),
            pacing_p50_ms: self.pacing.as_ref().map(|p| ms(p.p50())),
            pacing_p99_ms,
            pacing_max_ms: self.pacing.as_ref().map(|p| ms(p.max())),
            caller_frames_sent: self.caller_frames_sent,
            lost_inbound: self.lost_inbound,
            inbound_loss: self.inbound_loss,
            frames_sent_by_serve: self.frames_sent_by_serve,
            lost_outbound: self.lost_outbound,
            underflows: self.underflows,
            underflow_split: self.underflow_split,
            late_frames: self.late_frames,
            cpu_percent_per_call: per_call(w.cpu),
            asterisk_cpu_percent_per_call: per_call(w.peer_cpu),
            agent_sim_cpu_percent_per_call: per_call(w.sim_cpu),
            rss_kib_per_call: w.rss as f64 / n as f64,
            task_wakes_per_call_second: w.task_wakes.map(|k| k as f64 / w.seconds / n as f64),
            sustained: self.lost_inbound == 0
                && self.lost_outbound == 0
                && self.calls_reported == n
                && pacing_p99_ms.is_none_or(|p| p < 2.0),
        }
    }
}

/// What the steady-state window measured: its length, CPU seconds of the media path (this
/// process less the synthetic Asterisk's thread), of that thread and of agent-sim, and the
/// RSS grown since the calls started (KiB).
struct Window {
    seconds: f64,
    cpu: f64,
    peer_cpu: f64,
    sim_cpu: f64,
    rss: u64,
    /// RTP: the media tasks' wake-ups in the window, all calls together.
    task_wakes: Option<u64>,
}

/// Sleep through `duration` with all `n` calls running, and measure it.
async fn steady_state(
    n: usize,
    duration: Duration,
    progress: &(dyn Fn(&str) + Sync),
    peer_cpu_seconds: &(dyn Fn() -> f64 + Sync),
    sim_pid: u32,
    rss_before: u64,
) -> Window {
    progress(&format!(
        "{n} calls: measuring for {} s",
        duration.as_secs()
    ));
    let cpu0 = cpu_seconds_self();
    let peer0 = peer_cpu_seconds();
    let sim0 = cpu_seconds_pid(sim_pid);
    let t0 = Instant::now();
    tokio::time::sleep(duration).await;
    let seconds = t0.elapsed().as_secs_f64();
    let peer_cpu = peer_cpu_seconds() - peer0;
    Window {
        seconds,
        cpu: (cpu_seconds_self() - cpu0 - peer_cpu).max(0.0),
        peer_cpu,
        sim_cpu: cpu_seconds_pid(sim_pid) - sim0,
        rss: rss_kib().saturating_sub(rss_before),
        task_wakes: None,
    }
}

/// What one WebSocket call's loop saw, for the figures.
#[derive(Default)]
struct WsCallLog {
    /// Agent audio handed to the link: (received at, channel bytes before it).
    agent_audio: Vec<(Instant, u64)>,
    agent_bytes: u64,
    caller_frames: u64,
    link: Option<LinkStats>,
}

impl WsHooks for WsCallLog {
    fn caller_audio(&mut self, _at: Instant, _bytes: usize) {
        self.caller_frames += 1;
    }
    fn agent_audio(&mut self, at: Instant, bytes: usize) {
        self.agent_audio.push((at, self.agent_bytes));
        self.agent_bytes += bytes as u64;
    }
    fn link_closed(&mut self, _reason: &str, stats: LinkStats) {
        self.link = Some(stats);
    }
}

struct WsCallResult {
    probe: LoopProbe,
    log: WsCallLog,
}

/// N calls over chan_websocket: serve's WebSocket media loop ([`ws_media_loop`], the
/// [`MediaWs`] task and its [`MediaLink`]) against [`BenchWsPeer`].
async fn run_ws(
    n: usize,
    opts: &BenchOptions,
    settings: &AgentSettings,
    sim_pid: u32,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<BenchRow> {
    let rss_before = rss_kib();
    let peer = BenchWsPeer::start().map_err(|e| Error::io("starting the synthetic Asterisk", e))?;
    let ari = AriSettings {
        url: url::Url::parse(&peer.url()).map_err(|e| Error::Other(e.to_string()))?,
        user: String::new(),
        password: Secret::new(""),
        app: "bench".into(),
        ca_cert: None,
    };
    let format = MediaFormat::Ulaw;
    let mut calls = Vec::with_capacity(n);
    let mut signals = Vec::with_capacity(n);
    let ramp_gap = Duration::from_secs_f64(1.0 / opts.ramp_per_second.max(1) as f64);
    for i in 0..n {
        let conn = agent_ws::connect(settings, InitiationClientData::default()).await?;
        let socket = asterisk_media_ws::connect(&ari, &i.to_string())
            .await
            .map_err(|e| Error::Other(e.to_string()))?;
        // The link as serve configures it, but without idle silence (serve's default sends
        // it): so that a tick that finds Asterisk's queue empty still counts as an underflow.
        let cfg = LinkConfig::new(format, ControlFormat::Json);
        let mut mws = MediaWs::spawn(socket, MediaLink::new(cfg, Instant::now()));
        // As serve does: media only once MEDIA_START is in.
        loop {
            match tokio::time::timeout(Duration::from_secs(5), mws.recv()).await {
                Ok(Some(FromAsterisk::Event {
                    event: LinkEvent::Started(_),
                    ..
                })) => break,
                Ok(Some(_)) => {}
                _ => {
                    return Err(Error::Other(
                        "the synthetic Asterisk sent no MEDIA_START".into(),
                    ))
                }
            }
        }
        let engine = WsCallMedia::new(
            format,
            conn.input_format,
            conn.output_format,
            Duration::from_millis(20),
            Instant::now(),
        )
        .map_err(|e| Error::Other(e.to_string()))?;
        let (tx, mut rx) = mpsc::unbounded_channel();
        signals.push(tx);
        let (sender, mut receiver) = (conn.sender, conn.receiver);
        calls.push(tokio::spawn(async move {
            let mut probe = LoopProbe::default();
            let mut log = WsCallLog::default();
            let id = format!("bench-{i}");
            let (_, _engine) = ws_media_loop::run(
                &mut mws,
                sender.clone(),
                &mut receiver,
                engine,
                &id,
                &mut rx,
                &mut log,
                Some(&mut probe),
            )
            .await;
            let _ = sender.close().await;
            if log.link.is_none() {
                mws.send(ToAsterisk::Close);
                while let Some(m) = mws.recv().await {
                    if let FromAsterisk::Closed { stats, .. } = m {
                        log.link = Some(stats);
                        break;
                    }
                }
            }
            (i, WsCallResult { probe, log })
        }));
        if (i + 1) % 50 == 0 {
            progress(&format!("{n} calls: {} set up", i + 1));
        }
        tokio::time::sleep(ramp_gap).await;
    }

    // Measure only the steady state: every call running.
    let w = steady_state(
        n,
        opts.duration,
        progress,
        &|| peer.cpu_seconds(),
        sim_pid,
        rss_before,
    )
    .await;

    // The synthetic Asterisk closes every connection; each call's loop then ends on its own
    // after taking the caller frames still in flight (TCP loses none).
    let logs = tokio::task::spawn_blocking(move || peer.stop())
        .await
        .unwrap_or_default();
    let mut results = HashMap::new();
    for c in calls {
        if let Ok(Ok((i, r))) = tokio::time::timeout(Duration::from_secs(5), c).await {
            results.insert(i, r);
        }
    }
    for s in &signals {
        let _ = s.send(CallSignal::Shutdown);
    }

    let mut caller_to_agent = PacingStats::new();
    let mut agent_to_played = PacingStats::new();
    let (mut sent, mut received, mut frames_out, mut lost_out, mut underflows) = (0, 0, 0, 0, 0);
    for (i, r) in &results {
        caller_to_agent.merge(&r.probe.rtp_to_agent);
        received += r.log.caller_frames;
        let link = r.log.link.clone().unwrap_or_default();
        frames_out += link.frames_sent;
        lost_out += link.overflow_dropped_bytes / FRAME_BYTES;
        let Some(p) = logs.get(i) else { continue };
        sent += p.caller_sent;
        underflows += p.empty_ticks;
        lost_out += p.dropped_messages + p.dropped_partial_bytes.div_ceil(FRAME_BYTES);
        // Agent audio passes through byte for byte (ulaw both sides, whole 20 ms events): the
        // frame holding an event's first byte is the one the peer played at that index.
        if link.padding_bytes == 0 && link.flushes == 0 && link.idle_silence_flushes <= 1 {
            for &(at, before) in &r.log.agent_audio {
                if let Some(played) = p.played_at.get((before / FRAME_BYTES) as usize) {
                    agent_to_played.record_duration(played.saturating_duration_since(at));
                }
            }
        }
    }
    Ok(Figures {
        caller_to_agent,
        agent_to_caller: agent_to_played,
        agent_to_caller_first: None,
        pacing: None,
        caller_frames_sent: sent,
        lost_inbound: sent.saturating_sub(received),
        inbound_loss: None,
        frames_sent_by_serve: frames_out,
        lost_outbound: lost_out,
        underflows,
        underflow_split: None,
        late_frames: 0,
        calls_reported: results.len(),
    }
    .row(BenchTransport::Websocket, n, &w))
}

/// µ-law bytes per 20 ms frame.
const FRAME_BYTES: u64 = 160;

/// Lift the soft open-files limit to the hard limit (each call holds a few sockets).
pub fn raise_fd_limit() {
    // SAFETY: `r` is a live rlimit that getrlimit fills and setrlimit reads; both calls
    // take its address for their duration only.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 && r.rlim_cur < r.rlim_max {
            r.rlim_cur = r.rlim_max;
            let _ = libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

/// CPU seconds (user + system) this process has used.
pub fn cpu_seconds_self() -> f64 {
    // SAFETY: all-zero is a valid rusage (plain integers), which getrusage fills in place.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut u) != 0 {
            return 0.0;
        }
        let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        tv(u.ru_utime) + tv(u.ru_stime)
    }
}

/// utime + stime of another process, from /proc/PID/stat.
pub fn cpu_seconds_pid(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // SAFETY: sysconf takes a constant and touches no memory of ours.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) / hz
}

/// Receive drops the kernel counted on the sockets bound to `addrs` (IPv4 UDP in this
/// process's network namespace); 0 when `/proc/self/net/udp` cannot be read.
fn udp_drops(addrs: &HashSet<SocketAddr>) -> u64 {
    let text = std::fs::read_to_string("/proc/self/net/udp").unwrap_or_default();
    vcctl_core::checks::procnet::udp_drops(&text)
        .into_iter()
        .filter(|(a, _)| addrs.contains(a))
        .map(|(_, d)| d)
        .sum()
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(ms_each: &[u64]) -> PacingStats {
        let mut s = PacingStats::new();
        for &m in ms_each {
            s.record_duration(Duration::from_millis(m));
        }
        s
    }

    fn figures(pacing: Option<PacingStats>) -> Figures {
        Figures {
            caller_to_agent: stats(&[1, 1, 1]),
            agent_to_caller: stats(&[20, 20, 20]),
            agent_to_caller_first: pacing.as_ref().map(|_| stats(&[5, 5])),
            pacing,
            caller_frames_sent: 1000,
            lost_inbound: 0,
            inbound_loss: None,
            frames_sent_by_serve: 900,
            lost_outbound: 0,
            underflows: 4,
            underflow_split: None,
            late_frames: 2,
            calls_reported: 10,
        }
    }

    const WINDOW: Window = Window {
        seconds: 10.0,
        cpu: 2.0,
        peer_cpu: 1.0,
        sim_cpu: 0.5,
        rss: 5000,
        task_wakes: Some(6000),
    };

    #[test]
    fn a_row_has_costs_per_call_and_the_transports_own_figures() {
        let rtp = figures(Some(stats(&[0, 1]))).row(BenchTransport::Rtp, 10, &WINDOW);
        // 2 CPU seconds over 10 s for 10 calls: 2 % of a core per call.
        assert_eq!(rtp.cpu_percent_per_call, 2.0);
        assert_eq!(rtp.asterisk_cpu_percent_per_call, 1.0);
        assert_eq!(rtp.agent_sim_cpu_percent_per_call, 0.5);
        assert_eq!(rtp.rss_kib_per_call, 500.0);
        // 6,000 wake-ups over 10 s for 10 calls.
        assert_eq!(rtp.task_wakes_per_call_second, Some(60.0));
        assert_eq!(
            (rtp.transport, rtp.calls, rtp.seconds),
            (BenchTransport::Rtp, 10, 10.0)
        );
        assert_eq!(rtp.agent_responses, Some(2));
        assert!(rtp.agent_to_caller_first_p50_ms.is_some() && rtp.pacing_max_ms.is_some());
        assert_eq!((rtp.underflows, rtp.late_frames), (4, 2));
        assert_eq!(
            (rtp.caller_frames_sent, rtp.frames_sent_by_serve),
            (1000, 900)
        );
        assert!(rtp.sustained);

        let ws = figures(None).row(BenchTransport::Websocket, 10, &WINDOW);
        assert_eq!(ws.agent_responses, None);
        assert_eq!(
            (ws.pacing_p50_ms, ws.pacing_p99_ms, ws.pacing_max_ms),
            (None, None, None)
        );
        assert_eq!(ws.agent_to_caller_first_p99_ms, None);
        assert!(ws.sustained, "no pacing figure: loss and reports decide");
    }

    #[test]
    fn caller_frames_not_read_are_split_by_where_they_went() {
        // 1000 sent, 990 read: 2 stale at the start, 3 dropped by the kernel, 4 still queued
        // when the loops stopped, 1 nobody accounts for.
        let l = InboundLoss::new(1000, 990, 2, 3, 4);
        assert_eq!(
            l,
            InboundLoss {
                stale: 2,
                kernel: 3,
                unread_at_end: 4,
                unexplained: 1
            }
        );
        assert_eq!(l.lost(), 6, "frames queued at the end are not lost");
        assert_eq!(
            l.describe(),
            "6 (3 kernel, 2 at start, 1 unexplained, 4 unread at the end)"
        );
        // Only frames left queued: nothing lost, and the cell says why the counts differ.
        let end = InboundLoss::new(1000, 997, 0, 0, 3);
        assert_eq!(
            (end.lost(), end.describe()),
            (0, "0 (3 unread at the end)".into())
        );
        assert_eq!(InboundLoss::new(1000, 1000, 0, 0, 0).describe(), "0");
        // A measured count larger than what is missing is capped (a drop counter is per
        // socket and may include a datagram from elsewhere); every frame counts once.
        let capped = InboundLoss::new(10, 9, 0, 5, 5);
        assert_eq!(
            (capped.kernel, capped.unread_at_end, capped.lost()),
            (1, 0, 1)
        );
        // More read than sent (never expected) loses nothing.
        assert_eq!(InboundLoss::new(5, 6, 1, 1, 1).lost(), 0);
    }

    #[test]
    fn a_row_is_not_sustained_with_loss_a_missing_call_or_late_pacing() {
        let row = |f: Figures| f.row(BenchTransport::Rtp, 10, &WINDOW).sustained;
        assert!(row(figures(Some(stats(&[1])))));
        assert!(!row(Figures {
            lost_inbound: 1,
            ..figures(Some(stats(&[1])))
        }));
        assert!(!row(Figures {
            lost_outbound: 1,
            ..figures(None)
        }));
        assert!(!row(Figures {
            calls_reported: 9,
            ..figures(None)
        }));
        assert!(!row(figures(Some(stats(&[3; 10])))), "pacing p99 3 ms");
    }
}
