//! Capture benchmarks, printed as figures (not a timed test): `cargo bench --bench capture`.
//!
//! 1. `vcctl rtp-stats` against `tshark -q -z rtp,streams` on a generated capture of at
//!    least one million RTP packets (20 calls, SIP with SDP, two streams each): wall time of
//!    each process, packets/s and MB/s, and the ratio. Both must find every stream.
//! 2. The per-call capture of `serve --capture`: cost per packet on the media path.
//! 3. `vcctl capture -i lo`: paced RTP-sized UDP on loopback at rising rates; the highest
//!    rate with every packet written and zero kernel drops (needs root or CAP_NET_RAW).
//!
//! Options after `--`: `--packets N` (default 1200000), `--no-tshark`, `--no-live`,
//! `--live-seconds S` (default 3), `--keep DIR` (write the capture there and keep it).

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vcctl::core::net::LinkType;
use vcctl::core::rtp::{Pt, RtpHeader, SeqNo, Ssrc};
use vcctl::io::call::CallPlugin;
use vcctl::io::call_capture::CallCapture;
use vcctl::io::media_loop::MediaHooks;
use vcctl::io::pcap::PcapWriter;

const EPOCH: Duration = Duration::from_secs(1_704_067_200);
const CALLS: usize = 20;

struct Opts {
    packets: usize,
    tshark: bool,
    live: bool,
    live_seconds: f64,
    keep: Option<PathBuf>,
}

fn opts() -> Opts {
    let mut o = Opts {
        packets: 1_200_000,
        tshark: true,
        live: true,
        live_seconds: 3.0,
        keep: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--packets" => {
                i += 1;
                o.packets = args[i].parse().expect("--packets N");
            }
            "--no-tshark" => o.tshark = false,
            "--no-live" => o.live = false,
            "--live-seconds" => {
                i += 1;
                o.live_seconds = args[i].parse().expect("--live-seconds S");
            }
            "--keep" => {
                i += 1;
                o.keep = Some(PathBuf::from(&args[i]));
            }
            // cargo bench passes --bench; ignore what is not ours.
            _ => {}
        }
        i += 1;
    }
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

/// Write the benchmark capture: `CALLS` calls, each INVITE/200/ACK with SDP then two
/// PCMU streams of `per_stream` packets at 20 ms, interleaved by time. Returns
/// (RTP packets, file bytes).
fn generate(path: &Path, total: usize) -> (usize, u64) {
    let per_stream = total.div_ceil(CALLS * 2);
    let f = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::new(
        std::io::BufWriter::with_capacity(1 << 20, f),
        LinkType::ETHERNET,
    )
    .unwrap();
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
                pkt.clear();
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

fn vcctl() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_vcctl"))
}

/// Best wall time of `runs` runs of `cmd`, and the stdout of the last one.
fn time_best(runs: usize, mut make: impl FnMut() -> Command) -> (Duration, String) {
    let mut best = Duration::MAX;
    let mut out = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let o = make().output().expect("run");
        let el = t.elapsed();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        best = best.min(el);
        out = String::from_utf8_lossy(&o.stdout).into_owned();
    }
    (best, out)
}

fn rtp_stats_vs_tshark(o: &Opts, dir: &Path) {
    let path = dir.join("bench-rtp.pcap");
    let t = Instant::now();
    let (packets, bytes) = generate(&path, o.packets);
    println!(
        "generated {} ({} RTP packets, {:.1} MB) in {:.1} s",
        path.display(),
        packets,
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    // Warm the page cache so both tools read from memory.
    let _ = std::fs::read(&path);

    let (ours, json) = time_best(3, || {
        let mut c = Command::new(vcctl());
        c.args(["rtp-stats", "--json"]).arg(&path);
        c
    });
    let report: serde_json::Value = serde_json::from_str(&json).expect("rtp-stats JSON");
    let streams = report["streams"].as_array().map_or(0, |a| a.len());
    let rtp = report["capture"]["rtp_packets"].as_u64().unwrap_or(0);
    assert_eq!(streams, CALLS * 2, "rtp-stats found {streams} streams");
    assert_eq!(rtp as usize, packets);
    let lost: i64 = report["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["lost"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(lost, 0);
    let rate = |d: Duration| {
        (
            packets as f64 / d.as_secs_f64(),
            bytes as f64 / 1e6 / d.as_secs_f64(),
        )
    };
    let (pps, mbs) = rate(ours);
    println!(
        "vcctl rtp-stats: {:.3} s  {:.2} M packets/s  {:.0} MB/s  ({streams} streams)",
        ours.as_secs_f64(),
        pps / 1e6,
        mbs
    );
    if !o.tshark {
        return;
    }
    if Command::new("tshark").arg("--version").output().is_err() {
        println!("tshark: not installed, comparison skipped");
        return;
    }
    let (theirs, out) = time_best(1, || {
        let mut c = Command::new("tshark");
        c.args(["-n", "-q", "-z", "rtp,streams", "-r"])
            .arg(&path)
            .stderr(Stdio::null());
        c
    });
    let tshark_streams = out
        .lines()
        .filter(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            t.len() >= 17 && t[6].starts_with("0x")
        })
        .count();
    let (tpps, tmbs) = rate(theirs);
    println!(
        "tshark -q -z rtp,streams: {:.3} s  {:.3} M packets/s  {:.1} MB/s  ({tshark_streams} streams)",
        theirs.as_secs_f64(),
        tpps / 1e6,
        tmbs
    );
    println!(
        "ratio: rtp-stats is {:.1}x faster than tshark",
        theirs.as_secs_f64() / ours.as_secs_f64()
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
    let o = opts();
    let tmp = tempfile::tempdir().unwrap();
    let dir = match &o.keep {
        Some(d) => {
            std::fs::create_dir_all(d).unwrap();
            d.clone()
        }
        None => tmp.path().to_path_buf(),
    };
    rtp_stats_vs_tshark(&o, &dir);
    call_capture_cost(&dir);
    if o.live {
        live(&o, &dir);
    }
}
