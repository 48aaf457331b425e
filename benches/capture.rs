//! Capture benchmarks, printed as figures (not a timed test): `cargo bench --bench capture`.
//!
//! 1. `vcctl rtp-stats --json` against `tshark -n -q -z rtp,streams` on generated captures,
//!    every one classic pcap (microsecond timestamps), Ethernet link type, PCMU with
//!    160-byte payloads at 20 ms, written in arrival order:
//!    - `sip`: 20 calls with SIP and SDP (INVITE, 200 OK, ACK), then 40 streams (two per
//!      call) of 1,200,000 RTP packets in all on an exact 20 ms grid, no loss, 276 MB;
//!    - `many`: 200 streams (100 calls, both directions, every port even), 1,000,000 RTP
//!      packets in all, each packet 0-4 ms late (uniform, so never reordered), 0.5 % of them
//!      lost at random, no SIP, 230 MB. Without SDP tshark needs to be told the ports are RTP:
//!      `-d udp.port==16384-16582,rtp -d udp.port==40000-40198,rtp`.
//!
//!    Each tool runs several times on the file in the page cache: wall time (median, min,
//!    max), CPU time, peak RSS (the child's `ru_maxrss`). Both must find every stream, and
//!    every stream's packets, lost, max/mean delta, max/mean jitter and problem flag must
//!    equal tshark's (tshark prints 3 decimals). `--baseline BIN` times another vcctl binary
//!    (an older build) on the same files and checks that its JSON report is identical.
//! 2. The per-call capture of `serve --capture`: cost per packet on the media path.
//! 3. `vcctl capture -i lo`: paced RTP-sized UDP on loopback at rising rates; the highest
//!    rate with every packet written and zero kernel drops (needs root or CAP_NET_RAW).
//!
//! Options after `--`: `--shape sip|many|all` (default all), `--packets N` (every shape's
//! packet count; defaults 1200000 and 1000000), `--streams N` (many; default 200), `--runs N`
//! (rtp-stats runs, default 5), `--tshark-runs N` (default 3), `--baseline BIN`,
//! `--no-tshark`, `--no-live`, `--live-seconds S` (default 3), `--keep DIR` (write the
//! captures there and keep them).

#[path = "../tests/common/tshark_streams.rs"]
mod tshark_streams;
use tshark_streams::TsharkRow;

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vcctl::io::pcap::PcapWriter;
use vcctl::io::serve::call::CallPlugin;
use vcctl::io::serve::capture::CallCapture;
use vcctl::io::serve::media_loop::MediaHooks;
use vcctl_core::capture::net::LinkType;
use vcctl_core::media::rtp::{Pt, RtpHeader, SeqNo, Ssrc};

const EPOCH: Duration = Duration::from_secs(1_704_067_200);
const CALLS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Sip,
    Many,
}

struct Opts {
    shapes: Vec<Shape>,
    packets: Option<usize>,
    streams: usize,
    runs: usize,
    tshark_runs: usize,
    baseline: Option<PathBuf>,
    tshark: bool,
    live: bool,
    live_seconds: f64,
    keep: Option<PathBuf>,
}

fn opts() -> Opts {
    let mut o = Opts {
        shapes: vec![Shape::Sip, Shape::Many],
        packets: None,
        streams: 200,
        runs: 5,
        tshark_runs: 3,
        baseline: None,
        tshark: true,
        live: true,
        live_seconds: 3.0,
        keep: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    let value = |i: &mut usize, what: &str| -> String {
        *i += 1;
        args.get(*i)
            .unwrap_or_else(|| panic!("{what} needs a value"))
            .clone()
    };
    while i < args.len() {
        match args[i].as_str() {
            "--shape" => {
                o.shapes = match value(&mut i, "--shape").as_str() {
                    "sip" => vec![Shape::Sip],
                    "many" => vec![Shape::Many],
                    "all" => vec![Shape::Sip, Shape::Many],
                    other => panic!("--shape {other}: sip, many or all"),
                }
            }
            "--packets" => {
                o.packets = Some(value(&mut i, "--packets").parse().expect("--packets N"))
            }
            "--streams" => o.streams = value(&mut i, "--streams").parse().expect("--streams N"),
            "--runs" => o.runs = value(&mut i, "--runs").parse().expect("--runs N"),
            "--tshark-runs" => {
                o.tshark_runs = value(&mut i, "--tshark-runs")
                    .parse()
                    .expect("--tshark-runs N")
            }
            "--baseline" => o.baseline = Some(PathBuf::from(value(&mut i, "--baseline"))),
            "--no-tshark" => o.tshark = false,
            "--no-live" => o.live = false,
            "--live-seconds" => {
                o.live_seconds = value(&mut i, "--live-seconds")
                    .parse()
                    .expect("--live-seconds S")
            }
            "--keep" => o.keep = Some(PathBuf::from(value(&mut i, "--keep"))),
            // cargo bench passes --bench; ignore what is not ours.
            _ => {}
        }
        i += 1;
    }
    o.runs = o.runs.max(1);
    o.tshark_runs = o.tshark_runs.max(1);
    o
}

fn sip(method_or_status: &str, call: usize, from: SocketAddr, media: SocketAddr) -> Vec<u8> {
    let first = if method_or_status.starts_with("SIP/") {
        method_or_status.to_string()
    } else {
        format!("{method_or_status} sip:echo@127.0.0.1 SIP/2.0")
    };
    let cseq = if method_or_status == "ACK" {
        "1 ACK"
    } else {
        "1 INVITE"
    };
    let sdp = if method_or_status == "ACK" {
        String::new()
    } else {
        format!(
            "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n",
            ip = media.ip(),
            port = media.port()
        )
    };
    let ctype = if sdp.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "{first}\r\nVia: SIP/2.0/UDP {from};branch=z9hG4bK{call}\r\nFrom: <sip:bench@127.0.0.1>;tag=a{call}\r\nTo: <sip:echo@127.0.0.1>;tag=b{call}\r\nCall-ID: bench-{call}@vcctl\r\nCSeq: {cseq}\r\n{ctype}Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
    .into_bytes()
}

fn pcap_writer(path: &Path) -> PcapWriter<std::io::BufWriter<std::fs::File>> {
    let f = std::fs::File::create(path).unwrap();
    PcapWriter::new(
        std::io::BufWriter::with_capacity(1 << 20, f),
        LinkType::ETHERNET,
    )
    .unwrap()
}

/// The `sip` shape: `CALLS` calls, each INVITE/200/ACK with SDP then two PCMU streams of
/// `per_stream` packets at 20 ms, interleaved by time. Returns (RTP packets, file bytes).
fn generate_sip(path: &Path, total: usize) -> (usize, u64) {
    let per_stream = total.div_ceil(CALLS * 2);
    let mut w = pcap_writer(path);
    let sip_a: SocketAddr = "127.0.0.1:5062".parse().unwrap();
    let sip_b: SocketAddr = "127.0.0.1:5060".parse().unwrap();
    let media = |call: usize, side: u16| -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 20_000 + call as u16 * 4 + side * 2))
    };
    for call in 0..CALLS {
        let t = EPOCH + Duration::from_millis(call as u64);
        let (a, b) = (media(call, 0), media(call, 1));
        w.write_udp(t, sip_a, sip_b, &sip("INVITE", call, sip_a, a))
            .unwrap();
        w.write_udp(t, sip_b, sip_a, &sip("SIP/2.0 200 OK", call, sip_b, b))
            .unwrap();
        w.write_udp(t, sip_a, sip_b, &sip("ACK", call, sip_a, a))
            .unwrap();
    }
    let payload = [0xffu8; 160];
    let mut pkt = Vec::with_capacity(172);
    let mut n = 0;
    for i in 0..per_stream {
        for call in 0..CALLS {
            for side in 0..2u16 {
                if n == total.max(CALLS * 2) {
                    break;
                }
                let (src, dst) = if side == 0 {
                    (media(call, 0), media(call, 1))
                } else {
                    (media(call, 1), media(call, 0))
                };
                RtpHeader {
                    marker: i == 0,
                    payload_type: Pt(0),
                    seq: SeqNo((i as u16).wrapping_add(call as u16 * 1000)),
                    timestamp: (i as u32).wrapping_mul(160),
                    ssrc: Ssrc(0x1000 + call as u32 * 2 + side as u32),
                }
                .write(&payload, &mut pkt);
                let t = EPOCH
                    + Duration::from_millis(100 + call as u64)
                    + Duration::from_micros(20_000 * i as u64 + side as u64 * 500);
                w.write_udp(t, src, dst, &pkt).unwrap();
                n += 1;
            }
        }
    }
    w.into_inner().unwrap();
    (n, std::fs::metadata(path).unwrap().len())
}

/// SplitMix64: a fixed, documented generator, so the `many` capture is the same file on
/// every machine and with every version of the `rand` crate.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Ports of the `many` shape: the phone side of call c is 192.168.10.x:16384+2c, the PBX
/// side 192.168.20.1:40000+2c.
const MANY_PHONE_PORT: u16 = 16_384;
const MANY_PBX_PORT: u16 = 40_000;
/// Loss of the `many` shape: one packet in LOSS_IN sent is never written.
const LOSS_IN: u64 = 200;
/// Arrival jitter of the `many` shape: each packet 0..=JITTER_US late.
const JITTER_US: u64 = 4_000;

fn many_endpoints(call: usize) -> (SocketAddr, SocketAddr) {
    let phone = SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(192, 168, 10, 1 + (call % 250) as u8)),
        MANY_PHONE_PORT + 2 * call as u16,
    );
    let pbx = SocketAddr::new(
        IpAddr::V4(Ipv4Addr::new(192, 168, 20, 1)),
        MANY_PBX_PORT + 2 * call as u16,
    );
    (phone, pbx)
}

/// The tshark arguments that make it decode the `many` shape's ports as RTP.
fn many_decode_as(streams: usize) -> Vec<String> {
    let calls = streams.div_ceil(2) as u16;
    let last = |base: u16| base + 2 * (calls - 1);
    vec![
        "-d".into(),
        format!(
            "udp.port=={}-{},rtp",
            MANY_PHONE_PORT,
            last(MANY_PHONE_PORT)
        ),
        "-d".into(),
        format!("udp.port=={}-{},rtp", MANY_PBX_PORT, last(MANY_PBX_PORT)),
    ]
}

/// The `many` shape: `streams` PCMU streams (two per call) of `total` RTP packets in all,
/// sent every 20 ms, each arriving 0-4 ms late, one in 200 lost, no SIP. Returns (RTP
/// packets, file bytes).
fn generate_many(path: &Path, total: usize, streams: usize) -> (usize, u64) {
    let mut rng = SplitMix(0x5eed_0013);
    struct Stream {
        src: SocketAddr,
        dst: SocketAddr,
        ssrc: u32,
        seq0: u16,
        ts0: u32,
    }
    // (arrival in µs after EPOCH, stream, index of the packet as sent)
    let mut pkts: Vec<(u64, u32, u32)> = Vec::with_capacity(total);
    let mut list = Vec::with_capacity(streams);
    for s in 0..streams {
        let (phone, pbx) = many_endpoints(s / 2);
        let (src, dst) = if s % 2 == 0 {
            (phone, pbx)
        } else {
            (pbx, phone)
        };
        list.push(Stream {
            src,
            dst,
            ssrc: rng.next() as u32,
            seq0: rng.next() as u16,
            ts0: rng.next() as u32,
        });
        let start_us = 100_000 + rng.below(20_000);
        let want = total / streams + usize::from(s < total % streams);
        let (mut written, mut i) = (0, 0u64);
        while written < want {
            let late = rng.below(JITTER_US + 1);
            if rng.below(LOSS_IN) != 0 {
                pkts.push((start_us + i * 20_000 + late, s as u32, i as u32));
                written += 1;
            }
            i += 1;
        }
    }
    pkts.sort_unstable();
    let mut w = pcap_writer(path);
    let payload = [0xffu8; 160];
    let mut pkt = Vec::with_capacity(172);
    for &(at, s, i) in &pkts {
        let st = &list[s as usize];
        RtpHeader {
            marker: i == 0,
            payload_type: Pt(0),
            seq: SeqNo(st.seq0.wrapping_add(i as u16)),
            timestamp: st.ts0.wrapping_add(i.wrapping_mul(160)),
            ssrc: Ssrc(st.ssrc),
        }
        .write(&payload, &mut pkt);
        w.write_udp(EPOCH + Duration::from_micros(at), st.src, st.dst, &pkt)
            .unwrap();
    }
    w.into_inner().unwrap();
    (pkts.len(), std::fs::metadata(path).unwrap().len())
}

fn vcctl() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vcctl"))
}

/// One run of a child process.
struct Run {
    wall: Duration,
    cpu: Duration,
    max_rss_kib: u64,
    stdout: Vec<u8>,
}

/// Run `cmd` to the end: wall time, CPU time and peak RSS of the child. The child is
/// started by a copy of this bench (`--exec-measured`), a small process: the kernel counts
/// the memory of the process that calls exec in the peak RSS of what it runs, and this one
/// holds a capture's worth of generated packets.
fn run_measured(cmd: Command) -> Run {
    let figures = tempfile::NamedTempFile::new().unwrap();
    let mut outer = Command::new(std::env::current_exe().unwrap());
    outer
        .arg("--exec-measured")
        .arg(figures.path())
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = outer.output().expect("spawn");
    assert!(
        out.status.success(),
        "{} failed: {}",
        show(&cmd),
        String::from_utf8_lossy(&out.stderr)
    );
    let f = std::fs::read_to_string(figures.path()).unwrap();
    let v: Vec<u64> = f.split_whitespace().map(|x| x.parse().unwrap()).collect();
    Run {
        wall: Duration::from_nanos(v[0]),
        cpu: Duration::from_nanos(v[1]),
        max_rss_kib: v[2],
        stdout: out.stdout,
    }
}

/// `--exec-measured FILE PROG ARGS...`: run PROG, pass its output through, write "wall_ns
/// cpu_ns max_rss_kib" of it to FILE (from `wait4`), exit with its status.
fn exec_measured(args: &[String]) -> ! {
    let (file, prog, rest) = (&args[0], &args[1], &args[2..]);
    let t = Instant::now();
    let child = Command::new(prog).args(rest).spawn().expect("spawn");
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which std has not
    // reaped (we never call wait on `child`).
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `status` and `ru` are live locals that wait4 fills (see above).
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut ru) };
    let wall = t.elapsed();
    assert!(r > 0, "wait4 failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let cpu = tv(ru.ru_utime) + tv(ru.ru_stime);
    std::fs::write(
        file,
        format!("{} {} {}", wall.as_nanos(), cpu.as_nanos(), ru.ru_maxrss),
    )
    .unwrap();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        1
    };
    std::process::exit(code)
}

/// Figures over several runs.
struct Timing {
    walls: Vec<Duration>,
    cpus: Vec<Duration>,
    max_rss_kib: u64,
    stdout: Vec<u8>,
}

impl Timing {
    fn median(v: &[Duration]) -> Duration {
        let mut s = v.to_vec();
        s.sort();
        let n = s.len();
        if n % 2 == 1 {
            s[n / 2]
        } else {
            (s[n / 2 - 1] + s[n / 2]) / 2
        }
    }
    fn wall(&self) -> Duration {
        Self::median(&self.walls)
    }
    fn min(&self) -> Duration {
        *self.walls.iter().min().unwrap()
    }
    fn max(&self) -> Duration {
        *self.walls.iter().max().unwrap()
    }
    fn cpu(&self) -> Duration {
        Self::median(&self.cpus)
    }
    fn line(&self, packets: usize, bytes: u64) -> String {
        let w = self.wall().as_secs_f64();
        format!(
            "wall {:.3} s (min {:.3}, max {:.3}, {} runs)  CPU {:.3} s  peak RSS {:.1} MiB  {:.2} M packets/s  {:.0} MB/s",
            w,
            self.min().as_secs_f64(),
            self.max().as_secs_f64(),
            self.walls.len(),
            self.cpu().as_secs_f64(),
            self.max_rss_kib as f64 / 1024.0,
            packets as f64 / w / 1e6,
            bytes as f64 / 1e6 / w
        )
    }
}

fn time_runs(runs: usize, make: impl Fn() -> Command) -> Timing {
    let mut t = Timing {
        walls: Vec::new(),
        cpus: Vec::new(),
        max_rss_kib: 0,
        stdout: Vec::new(),
    };
    for _ in 0..runs {
        let r = run_measured(make());
        t.walls.push(r.wall);
        t.cpus.push(r.cpu);
        t.max_rss_kib = t.max_rss_kib.max(r.max_rss_kib);
        t.stdout = r.stdout;
    }
    t
}

fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every tshark stream must be one of ours with the same figures (tshark rounds to 3
/// decimals). Returns the differences found, in words.
fn compare_with_tshark(report: &serde_json::Value, rows: &[TsharkRow]) -> Vec<String> {
    let streams = report["streams"].as_array().unwrap();
    let mut diffs = Vec::new();
    if rows.len() != streams.len() {
        diffs.push(format!(
            "tshark found {} streams, rtp-stats {}",
            rows.len(),
            streams.len()
        ));
    }
    let same = |a: f64, b: f64| (a - b).abs() <= 0.0005 + 1e-9;
    for row in rows {
        let Some(s) = streams.iter().find(|s| {
            s["src"].as_str() == Some(&row.src.to_string())
                && s["dst"].as_str() == Some(&row.dst.to_string())
                && s["ssrc"].as_u64() == Some(row.ssrc as u64)
        }) else {
            diffs.push(format!("tshark's stream {row:?} is missing"));
            continue;
        };
        let f = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
        let ok = s["packets"].as_u64() == Some(row.packets)
            && s["lost"].as_i64() == Some(row.lost)
            && same(f("max_delta_ms"), row.max_delta)
            && same(f("mean_delta_ms"), row.mean_delta)
            && same(f("max_jitter_ms"), row.max_jitter)
            && same(f("mean_jitter_ms"), row.mean_jitter)
            && s["wireshark_problem"].as_bool() == Some(row.problem);
        if !ok {
            diffs.push(format!("{row:?} vs {s}"));
        }
    }
    diffs
}

fn rtp_stats_vs_tshark(o: &Opts, dir: &Path, shape: Shape) {
    let (name, path) = match shape {
        Shape::Sip => ("sip", dir.join("bench-sip.pcap")),
        Shape::Many => ("many", dir.join("bench-many.pcap")),
    };
    let t = Instant::now();
    let (packets, bytes) = match shape {
        Shape::Sip => generate_sip(&path, o.packets.unwrap_or(1_200_000)),
        Shape::Many => generate_many(&path, o.packets.unwrap_or(1_000_000), o.streams),
    };
    let (want_streams, what) = match shape {
        Shape::Sip => (
            CALLS * 2,
            format!(
                "{CALLS} calls with SIP/SDP, {} streams on an exact 20 ms grid, no loss",
                CALLS * 2
            ),
        ),
        Shape::Many => (
            o.streams,
            format!(
                "{} streams, no SIP, 20 ms packets 0-{} ms late, {:.1} % lost",
                o.streams,
                JITTER_US / 1000,
                100.0 / LOSS_IN as f64
            ),
        ),
    };
    println!(
        "== shape {name}: {what}; PCMU, Ethernet, classic pcap: {packets} RTP packets, {:.1} MB (generated in {:.1} s: {})",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        path.display()
    );
    // Warm the page cache so every tool reads from memory.
    let _ = std::fs::read(&path);

    let rtp_stats = |bin: PathBuf| {
        let path = path.clone();
        move || {
            let mut c = Command::new(&bin);
            c.args(["rtp-stats", "--json"]).arg(&path);
            c
        }
    };
    let check = |who: &str, t: &Timing| -> serde_json::Value {
        let report: serde_json::Value = serde_json::from_slice(&t.stdout).expect("rtp-stats JSON");
        let streams = report["streams"].as_array().map_or(0, |a| a.len());
        let rtp = report["capture"]["rtp_packets"].as_u64().unwrap_or(0);
        assert_eq!(streams, want_streams, "{who} found {streams} streams");
        assert_eq!(rtp as usize, packets, "{who} counted {rtp} RTP packets");
        report
    };
    let ours = time_runs(o.runs, rtp_stats(vcctl()));
    let report = check("rtp-stats", &ours);
    let lost: i64 = report["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["lost"].as_i64().unwrap_or(0))
        .sum();
    println!("  {}", show(&rtp_stats(vcctl())()));
    println!(
        "    rtp-stats: {}  ({want_streams} streams, {lost} packets lost in all)",
        ours.line(packets, bytes)
    );
    if let Some(bin) = &o.baseline {
        let before = time_runs(o.runs, rtp_stats(bin.clone()));
        let old = check("the baseline", &before);
        println!(
            "    baseline {}: {}",
            bin.display(),
            before.line(packets, bytes)
        );
        println!(
            "    baseline: its report is {}; this build takes {:.2}x its wall time, {:.2}x its peak RSS",
            if old == report { "identical" } else { "DIFFERENT" },
            ours.wall().as_secs_f64() / before.wall().as_secs_f64(),
            ours.max_rss_kib as f64 / before.max_rss_kib as f64
        );
    }
    if !o.tshark {
        return;
    }
    if Command::new("tshark").arg("--version").output().is_err() {
        println!("  tshark: not installed, comparison skipped");
        return;
    }
    let decode_as = match shape {
        Shape::Sip => Vec::new(),
        Shape::Many => many_decode_as(o.streams),
    };
    let tshark = || {
        let mut c = Command::new("tshark");
        c.arg("-n")
            .args(&decode_as)
            .args(["-q", "-z", "rtp,streams", "-r"])
            .arg(&path);
        c
    };
    let theirs = time_runs(o.tshark_runs, tshark);
    let rows = tshark_streams::rows(&String::from_utf8_lossy(&theirs.stdout));
    println!("  {}", show(&tshark()));
    println!(
        "    tshark:    {}  ({} streams)",
        theirs.line(packets, bytes),
        rows.len()
    );
    let diffs = compare_with_tshark(&report, &rows);
    if diffs.is_empty() {
        println!(
            "  numbers: identical to tshark for all {} streams (packets, lost, max/mean delta, max/mean jitter, problem flag)",
            rows.len()
        );
    } else {
        println!("  numbers: {} DIFFERENCES from tshark:", diffs.len());
        for d in diffs.iter().take(5) {
            println!("    {d}");
        }
    }
    println!(
        "  ratio: rtp-stats is {:.1}x faster than tshark (median wall; {:.1}x on the fastest runs, {:.1}x in CPU time), {:.1}x less peak memory",
        theirs.wall().as_secs_f64() / ours.wall().as_secs_f64(),
        theirs.min().as_secs_f64() / ours.min().as_secs_f64(),
        theirs.cpu().as_secs_f64() / ours.cpu().as_secs_f64(),
        theirs.max_rss_kib as f64 / ours.max_rss_kib as f64
    );
}

fn call_capture_cost(dir: &Path) {
    let n = 1_000_000u32;
    let mut c = Box::new(CallCapture::create(dir, "bench-call").unwrap());
    let ast: SocketAddr = "127.0.0.1:20000".parse().unwrap();
    let me: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let mut pkt = Vec::new();
    RtpHeader {
        marker: false,
        payload_type: Pt(0),
        seq: SeqNo(1),
        timestamp: 0,
        ssrc: Ssrc(1),
    }
    .write(&[0xff; 160], &mut pkt);
    let t0 = Instant::now();
    for i in 0..n {
        let at = t0 + Duration::from_micros(i as u64 * 10);
        if i % 2 == 0 {
            c.rtp_in(at, ast, me, &pkt);
        } else {
            c.rtp_out(at, me, ast, &pkt);
        }
    }
    let (_, path) = c.finish().unwrap();
    let el = t0.elapsed();
    println!(
        "serve --capture: {:.0} ns per RTP packet ({} packets, file flushed and closed; {})",
        el.as_nanos() as f64 / n as f64,
        n,
        path
    );
    let _ = std::fs::remove_file(path);
}

/// Send `rate` packets/s of 172-byte RTP-like datagrams to `dst` for `secs`; returns sent.
fn blast(dst: SocketAddr, rate: u64, secs: f64) -> u64 {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    let total = (rate as f64 * secs) as u64;
    let mut pkt = Vec::new();
    let start = Instant::now();
    let mut sent = 0u64;
    while sent < total {
        // Packets due by now, paced in 1 ms steps.
        let due = ((start.elapsed().as_secs_f64() * rate as f64) as u64 + rate / 1000).min(total);
        while sent < due {
            pkt.clear();
            RtpHeader {
                marker: false,
                payload_type: Pt(0),
                seq: SeqNo(sent as u16),
                timestamp: (sent as u32).wrapping_mul(160),
                ssrc: Ssrc(0xbe1c),
            }
            .write(&[0xff; 160], &mut pkt);
            if s.send_to(&pkt, dst).is_ok() {
                sent += 1;
            }
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    sent
}

fn live(o: &Opts, dir: &Path) {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        println!("capture: not root, live rate skipped");
        return;
    }
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sink.local_addr().unwrap().port();
    let dst = SocketAddr::from(([127, 0, 0, 1], port));
    let mut best = None;
    for rate in [
        50_000u64, 100_000, 200_000, 300_000, 400_000, 600_000, 800_000,
    ] {
        let file = dir.join(format!("live-{rate}.pcap"));
        let expect = (rate as f64 * o.live_seconds) as u64;
        let mut child = Command::new(vcctl())
            .args([
                "capture",
                "-i",
                "lo",
                "--json",
                "--sip-port",
                &port.to_string(),
            ])
            .args(["--rtp-ports", &format!("{port}-{port}")])
            .args(["--count", &expect.to_string()])
            .args(["--duration", &format!("{}", o.live_seconds + 5.0)])
            .arg("-w")
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn vcctl capture");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        while err.read_line(&mut line).unwrap_or(0) > 0 && !line.contains("-- capturing") {
            line.clear();
        }
        let t = Instant::now();
        let sent = blast(dst, rate, o.live_seconds);
        let send_secs = t.elapsed().as_secs_f64();
        let out = child.wait_with_output().unwrap();
        let r: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        let got = r["packets"].as_u64().unwrap_or(0);
        let drops = r["kernel_drops"].as_u64().unwrap_or(u64::MAX);
        let achieved = sent as f64 / send_secs;
        println!(
            "capture -i lo: offered {rate} packets/s (achieved {:.0}): sent {sent}, written {got}, kernel drops {drops}",
            achieved
        );
        let _ = std::fs::remove_file(&file);
        if got != sent || drops != 0 {
            break;
        }
        best = Some(best.map_or(achieved, |b: f64| b.max(achieved)));
        if achieved < 0.95 * rate as f64 {
            println!("  (the sender cannot go faster here: the capture kept up with all it sent)");
            break;
        }
    }
    match best {
        Some(r) => println!(
            "capture: sustained {:.0} packets/s on loopback with zero kernel drops",
            r
        ),
        None => println!("capture: even the lowest rate lost packets"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--exec-measured") {
        exec_measured(&args[1..]);
    }
    let o = opts();
    let tmp = tempfile::tempdir().unwrap();
    let dir = match &o.keep {
        Some(d) => {
            std::fs::create_dir_all(d).unwrap();
            d.clone()
        }
        None => tmp.path().to_path_buf(),
    };
    for &shape in &o.shapes {
        rtp_stats_vs_tshark(&o, &dir, shape);
        if o.keep.is_none() {
            // Each capture is a few hundred MB: one at a time on disk.
            for f in ["bench-sip.pcap", "bench-many.pcap"] {
                let _ = std::fs::remove_file(dir.join(f));
            }
        }
    }
    call_capture_cost(&dir);
    if o.live {
        live(&o, &dir);
    }
}
