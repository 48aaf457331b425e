//! The media benchmark: N synthetic calls through serve's media path ([`media_loop`] around
//! [`CallMedia`]) and a real agent-sim process, on loopback, without Asterisk. A synthetic
//! Asterisk ([`BenchPeer`], one thread for all calls) sends RTP at 50 packets/s per call and
//! receives serve's RTP.
//!
//! Figures per N: RTP in -> agent frame out, agent frame in -> RTP out, outbound pacing
//! error against the 20 ms grid, packets lost both ways, CPU and RSS per call.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::io::agent_ws::{self, AgentSettings};
use crate::io::bench_peer::BenchPeer;
use crate::io::media_loop::{self, LoopProbe, NoHooks, Signal};
use vcctl_core::agent::proto::InitiationClientData;
use vcctl_core::media::call_media::{CallMedia, MediaSettings, StreamSeed};
use vcctl_core::media::pacer::PacingStats;

/// Settings of one benchmark run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub calls: Vec<usize>,
    pub duration: Duration,
    /// Calls set up per second (agent connections are the slow part).
    pub ramp_per_second: usize,
}

/// The result for one N.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct BenchRow {
    pub calls: usize,
    pub seconds: f64,
    pub rtp_to_agent_p50_ms: f64,
    pub rtp_to_agent_p99_ms: f64,
    pub agent_to_rtp_p50_ms: f64,
    pub agent_to_rtp_p99_ms: f64,
    pub pacing_p50_ms: f64,
    pub pacing_p99_ms: f64,
    pub pacing_max_ms: f64,
    pub rtp_sent_to_serve: u64,
    pub rtp_lost_inbound: u64,
    pub rtp_sent_by_serve: u64,
    pub rtp_lost_outbound: u64,
    /// CPU of the media path (the bench process less its synthetic Asterisk thread), % of one
    /// core per call.
    pub cpu_percent_per_call: f64,
    /// CPU of the synthetic Asterisk thread, % of one core per call.
    pub asterisk_cpu_percent_per_call: f64,
    /// CPU of the agent-sim process, % of one core per call.
    pub agent_sim_cpu_percent_per_call: f64,
    pub rss_kib_per_call: f64,
    /// Zero loss both ways and pacing p99 under 2 ms.
    pub sustained: bool,
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
            "{n} calls: pacing p99 {:.2} ms, lost {}/{}",
            row.pacing_p99_ms, row.rtp_lost_inbound, row.rtp_lost_outbound
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
    rtp_in: u64,
    rtp_out: u64,
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
    // agent-sim in its own process, so its CPU is not counted as the media path's.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")
            .map_err(|e| Error::io("binding a port", e))?;
        l.local_addr()
            .map_err(|e| Error::io("reading a port", e))?
            .port()
    };
    let exe = std::env::current_exe().map_err(|e| Error::io("finding the vcctl binary", e))?;
    let mut sim = tokio::process::Command::new(exe)
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
    let sim_pid = sim.id().unwrap_or(0);
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

    let rss_before = rss_kib();
    let peer = BenchPeer::start().map_err(|e| Error::io("starting the synthetic Asterisk", e))?;
    let peer_addr = peer.addr();
    let mut calls = Vec::with_capacity(n);
    let mut signals = Vec::with_capacity(n);
    let ramp_gap = Duration::from_secs_f64(1.0 / opts.ramp_per_second.max(1) as f64);
    for i in 0..n {
        let serve_sock = UdpSocket::bind("127.0.0.1:0")
            .await
            .map_err(|e| Error::io("binding RTP", e))?;
        let serve_addr = serve_sock
            .local_addr()
            .map_err(|e| Error::io("RTP address", e))?;
        let conn = agent_ws::connect(&settings, InitiationClientData::default()).await?;
        let mut media = CallMedia::new(
            MediaSettings::default(),
            conn.input_format,
            conn.output_format,
            StreamSeed {
                ssrc: rand::random(),
                seq: rand::random(),
                timestamp: rand::random(),
            },
            Instant::now(),
        )
        .map_err(|e| Error::Other(e.to_string()))?;
        media.set_peer(peer_addr);
        let (tx, mut rx) = mpsc::unbounded_channel();
        signals.push(tx);
        let (sender, mut receiver) = (conn.sender, conn.receiver);
        calls.push(tokio::spawn(async move {
            let mut probe = LoopProbe::default();
            let id = format!("bench-{i}");
            let (_, media) = media_loop::run(
                media_loop::MediaIo {
                    socket: &serve_sock,
                    sender: &sender,
                    receiver: &mut receiver,
                },
                media,
                &id,
                &mut rx,
                &mut NoHooks,
                Some(&mut probe),
            )
            .await;
            let _ = sender.close().await;
            let s = media.stats();
            CallResult {
                probe,
                pacing: media.pacing().clone(),
                agent_to_rtp: media.agent_to_rtp().clone(),
                rtp_in: s.rtp_in_packets,
                rtp_out: s.rtp_out_packets,
            }
        }));
        peer.add_call(serve_addr);
        if (i + 1) % 50 == 0 {
            progress(&format!("{n} calls: {} set up", i + 1));
        }
        tokio::time::sleep(ramp_gap).await;
    }

    // Measure only the steady state: every call running.
    progress(&format!(
        "{n} calls: measuring for {} s",
        opts.duration.as_secs()
    ));
    let cpu0 = cpu_seconds_self();
    let peer0 = peer.cpu_seconds();
    let sim0 = cpu_seconds_pid(sim_pid);
    let t0 = Instant::now();
    tokio::time::sleep(opts.duration).await;
    let seconds = t0.elapsed().as_secs_f64();
    let peer_cpu = peer.cpu_seconds() - peer0;
    let cpu = (cpu_seconds_self() - cpu0 - peer_cpu).max(0.0);
    let sim_cpu = cpu_seconds_pid(sim_pid) - sim0;
    let rss = rss_kib().saturating_sub(rss_before);

    // Stop the synthetic Asterisks first (so in-flight RTP is not counted as lost), then the calls.
    let totals = tokio::task::spawn_blocking(move || peer.stop())
        .await
        .unwrap_or_default();
    tokio::time::sleep(Duration::from_millis(100)).await;
    for s in &signals {
        let _ = s.send(Signal::Shutdown);
    }
    let mut results = Vec::new();
    for c in calls {
        if let Ok(r) = c.await {
            results.push(r);
        }
    }
    let _ = sim.kill().await;

    let mut rtp_to_agent = PacingStats::new();
    let mut agent_to_rtp = PacingStats::new();
    let mut pacing = PacingStats::new();
    let (mut serve_in, mut serve_out) = (0, 0);
    for r in &results {
        rtp_to_agent.merge(&r.probe.rtp_to_agent);
        agent_to_rtp.merge(&r.agent_to_rtp);
        pacing.merge(&r.pacing);
        serve_in += r.rtp_in;
        serve_out += r.rtp_out;
    }
    let sent = totals.sent;
    let lost_in = sent.saturating_sub(serve_in);
    // Gaps in what the peer received; packets serve sent after it stopped are not losses.
    let lost_out = totals.lost;
    let row = BenchRow {
        calls: n,
        seconds,
        rtp_to_agent_p50_ms: ms(rtp_to_agent.p50()),
        rtp_to_agent_p99_ms: ms(rtp_to_agent.p99()),
        agent_to_rtp_p50_ms: ms(agent_to_rtp.p50()),
        agent_to_rtp_p99_ms: ms(agent_to_rtp.p99()),
        pacing_p50_ms: ms(pacing.p50()),
        pacing_p99_ms: ms(pacing.p99()),
        pacing_max_ms: ms(pacing.max()),
        rtp_sent_to_serve: sent,
        rtp_lost_inbound: lost_in,
        rtp_sent_by_serve: serve_out,
        rtp_lost_outbound: lost_out,
        cpu_percent_per_call: 100.0 * cpu / seconds / n as f64,
        asterisk_cpu_percent_per_call: 100.0 * peer_cpu / seconds / n as f64,
        agent_sim_cpu_percent_per_call: 100.0 * sim_cpu / seconds / n as f64,
        rss_kib_per_call: rss as f64 / n as f64,
        sustained: false,
    };
    Ok(BenchRow {
        sustained: row.rtp_lost_inbound == 0
            && row.rtp_lost_outbound == 0
            && row.pacing_p99_ms < 2.0,
        ..row
    })
}

/// Lift the soft open-files limit to the hard limit (each call holds a few sockets).
pub fn raise_fd_limit() {
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
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    (ticks(11) + ticks(12)) / hz
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
