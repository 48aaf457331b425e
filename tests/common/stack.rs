//! A running agent-sim + `vcctl serve` pair against the sandbox Asterisk, for end-to-end
//! tests of the media bridge.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::{Sandbox, Spawned};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET; returns (status, body).
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status: u16 = buf.split_whitespace().nth(1)?.parse().ok()?;
    let (head, body) = buf.split_once("\r\n\r\n")?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    Some((status, body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((len, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(len.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

pub struct Stack {
    pub sim: Option<Spawned>,
    pub serve: Spawned,
    pub http: u16,
    pub sim_port: u16,
    pub db: PathBuf,
    pub rtp_ports: (u16, u16),
    _dir: tempfile::TempDir,
}

pub struct StackOptions<'a> {
    pub sim_args: &'a [&'a str],
    pub serve_args: &'a [&'a str],
    /// Start no simulator (the agent URL points at a closed port).
    pub no_sim: bool,
}

impl Default for StackOptions<'_> {
    fn default() -> Self {
        StackOptions {
            sim_args: &["--response-delay-ms", "60", "--ping-interval-ms", "500"],
            serve_args: &[],
            no_sim: false,
        }
    }
}

impl Stack {
    pub fn start(sb: &Sandbox, o: StackOptions<'_>) -> Stack {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("vcctl.db");
        let sim_port = free_port();
        let sim = (!o.no_sim).then(|| {
            let mut args = vec![
                "agent-sim".to_string(),
                "--listen".into(),
                format!("127.0.0.1:{sim_port}"),
            ];
            args.extend(o.sim_args.iter().map(|s| s.to_string()));
            let mut sim = Spawned::start(super::bare_command().args(&args));
            assert!(
                sim.wait_stderr(Duration::from_secs(10), |l| l.contains("listening on"))
                    .is_some(),
                "agent-sim did not start"
            );
            sim
        });
        let http = free_port();
        let base = 41000 + (std::process::id() % 50) as u16 * 100;
        let rtp = format!("{base}-{}", base + 99);
        let mut args: Vec<String> = vec![
            "serve".into(),
            "--agent-url".into(),
            format!("ws://127.0.0.1:{sim_port}"),
            "--http".into(),
            format!("127.0.0.1:{http}"),
            "--db".into(),
            db.display().to_string(),
            "--rtp-ports".into(),
            rtp,
        ];
        args.extend(o.serve_args.iter().map(|s| s.to_string()));
        let serve = Spawned::start(
            sb.command()
                .env("ELEVENLABS_AGENT_ID", "sim-agent")
                .args(&args),
        );
        let stack = Stack {
            sim,
            serve,
            http,
            sim_port,
            db,
            rtp_ports: (base, base + 99),
            _dir: dir,
        };
        stack.wait_ready();
        stack
    }

    pub fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Some((200, _)) = http_get(self.http, "/readyz") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("serve did not become ready on port {}", self.http);
    }

    pub fn calls(&self) -> serde_json::Value {
        let (_, body) = http_get(self.http, "/calls").expect("GET /calls");
        serde_json::from_str(&body).expect("calls JSON")
    }

    pub fn metrics(&self) -> String {
        http_get(self.http, "/metrics").expect("GET /metrics").1
    }

    /// Wait until `n` calls are bridged.
    pub fn wait_bridged(&self, n: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let c = self.calls();
            let bridged = c
                .as_array()
                .map(|a| a.iter().filter(|c| c["state"] == "bridged").count())
                .unwrap_or(0);
            if bridged >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "only {bridged} of {n} calls bridged: {c}; serve said: {:?}",
                self.serve.stderr.try_iter().collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn wait_no_calls(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let c = self.calls();
            if c.as_array().is_some_and(|a| a.is_empty()) {
                return;
            }
            assert!(Instant::now() < deadline, "calls still active: {c}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Place `n` calls one after another, each hung up as soon as it is bridged.
    pub fn calls_in_a_row(&self, sb: &Sandbox, n: usize) {
        for _ in 0..n {
            let c = call(sb);
            self.wait_bridged(1, Duration::from_secs(10));
            sb.ok(&["channels", "hangup", &c]);
            self.wait_no_calls(Duration::from_secs(10));
        }
    }

    /// Wait until every live call has a number above 0 at `pointer` (a JSON pointer into
    /// its `/calls` entry, e.g. `/media/agent_audio_events`: it hears the agent). Live
    /// snapshots refresh once a second.
    pub fn wait_every_call_has(&self, pointer: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let calls = self.calls();
            let without: Vec<&serde_json::Value> = calls
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c.pointer(pointer).and_then(|v| v.as_u64()).unwrap_or(0) == 0)
                .collect();
            if without.is_empty() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "calls without {pointer}: {without:?}; serve said: {:?}",
                self.serve.stderr.try_iter().collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The calls serve counted as ended (`vcctl_calls_total`), asserting that each was
    /// completed or abandoned by the caller (a call hung up before the agent was heard).
    pub fn calls_ended_cleanly(&self) -> u64 {
        let m = self.metrics();
        m.lines()
            .filter(|l| l.starts_with("vcctl_calls_total{"))
            .map(|l| {
                assert!(
                    l.contains("outcome=\"completed\"")
                        || l.contains("outcome=\"caller_abandoned\""),
                    "{l}\n{m}"
                );
                l.rsplit(' ').next().unwrap().parse::<u64>().unwrap()
            })
            .sum()
    }

    /// UDP sockets serve holds in its RTP range.
    pub fn rtp_sockets_open(&self) -> usize {
        let (lo, hi) = self.rtp_ports;
        // Only serve's own sockets (by inode, from its descriptors): other processes on the
        // machine (another Asterisk, Kamailio) may hold ephemeral ports inside the range.
        udp_ports_of(self.serve_pid())
            .into_iter()
            .filter(|p| (lo..=hi).contains(p))
            .count()
    }

    /// The id of the media leg serve created for the one call up (externalMedia or
    /// chan_websocket: `vcctl-em-*`), from Asterisk's channel list.
    pub fn media_channel(&self, sb: &Sandbox) -> String {
        let chans = sb.json(&["channels", "list"]);
        chans
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["id"].as_str())
            .find(|id| id.starts_with("vcctl-em-"))
            .unwrap_or_else(|| panic!("no media channel (vcctl-em-*) in {chans}"))
            .to_string()
    }

    pub fn serve_pid(&self) -> u32 {
        self.serve.child.id()
    }
}

impl Drop for Stack {
    /// Stop serve the way an operator would (SIGTERM), so its app registration is gone before
    /// the next test registers the same app.
    fn drop(&mut self) {
        // SAFETY: kill(2) reads no memory of ours; the pid is our own child, not yet reaped
        // (std waits for it only in `finish`), so it cannot name a recycled process.
        unsafe {
            libc::kill(self.serve.child.id() as i32, libc::SIGTERM);
        }
        self.serve.finish(Duration::from_secs(15));
    }
}

/// The local ports of the UDP sockets (v4 and v6) that process `pid` holds: its socket
/// inodes, from its descriptors, looked up in /proc/net/udp{,6}.
pub fn udp_ports_of(pid: u32) -> Vec<u16> {
    let inodes: std::collections::HashSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter_map(|l| {
                    let l = l.to_string_lossy().into_owned();
                    Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    ["/proc/net/udp", "/proc/net/udp6"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| t.lines().skip(1).map(str::to_string).collect::<Vec<_>>())
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            if !cols.get(9).is_some_and(|i| inodes.contains(*i)) {
                return None;
            }
            let port = cols.get(1)?.rsplit(':').next()?;
            u16::from_str_radix(port, 16).ok()
        })
        .collect()
}

/// Where the sandbox keeps MixMonitor files (see the `tone-rec` extension).
pub fn monitor_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("VCCTL_SANDBOX_DIR")
            .unwrap_or_else(|_| "/var/lib/vcctl-sandbox/rootfs".into()),
    )
    .join("var/spool/asterisk/monitor")
}

/// Samples of a 16-bit mono PCM WAV file.
pub fn read_wav_i16(path: &std::path::Path) -> Vec<i16> {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut i = 12;
    while i + 8 <= b.len() {
        let id = &b[i..i + 4];
        let len = u32::from_le_bytes([b[i + 4], b[i + 5], b[i + 6], b[i + 7]]) as usize;
        if id == b"data" {
            let end = (i + 8 + len).min(b.len());
            return b[i + 8..end]
                .chunks_exact(2)
                .map(|c| i16::from_le_bytes([c[0], c[1]]))
                .collect();
        }
        i += 8 + len + (len & 1);
    }
    panic!("{} has no data chunk", path.display());
}

/// Originate the tone-playing caller (a Local channel into `test@incoming` whose calling side
/// runs `tone-rec`); returns the id of its calling (;1) leg.
pub fn call(sb: &Sandbox) -> String {
    let ch = sb.json(&[
        "originate",
        "Local/test@incoming",
        "--context",
        "vcctl-test",
        "--extension",
        "tone-rec",
        "--caller-id",
        "1001",
    ]);
    ch["id"].as_str().unwrap().to_string()
}
