//! RTP statistics on generated captures with known impairments: the analysed values must
//! equal the values worked out by hand for each impairment, and what
//! `tshark -q -z rtp,streams` reports for the same file.
//!
//! tshark only dissects RTP on ports that an SDP in the capture announced; the captures
//! without SIP are therefore read with `-o rtp.heuristic_rtp:TRUE` (Wireshark's "try to
//! decode RTP outside of conversations" heuristic), which every test passes: on the SIP
//! captures the SDP-created conversations take precedence anyway, so dynamic payload types
//! get their rtpmap clock rate in both tools.
//!
//! When tshark is not installed the comparison is skipped with a notice, unless the
//! environment has CI=true, where it fails.

#[path = "common/pcapgen.rs"]
mod pcapgen;
#[path = "common/tshark_streams.rs"]
mod tshark_streams;
use tshark_streams::TsharkRow;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use pcapgen::*;
use vcctl::io::pcap::{self, PcapError};
use vcctl_core::analysis::rtp_stats::{
    analyze_capture, sip_flows, AnalysisOptions, CaptureReport, Detection, ProblemKind,
    StreamReport,
};
use vcctl_core::capture::net::LinkType;

const A: &str = "10.0.0.1:40000";
const B: &str = "10.0.0.2:50000";

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

/// A scratch directory for the generated captures; kept for inspection (and its path
/// printed) when VCCTL_KEEP_PCAPS is set.
fn tmp() -> tempfile::TempDir {
    let keep = std::env::var_os("VCCTL_KEEP_PCAPS").is_some();
    let d = tempfile::Builder::new()
        .prefix("vcctl-rtp-stats-")
        .disable_cleanup(keep)
        .tempdir()
        .unwrap();
    if keep {
        eprintln!("captures kept in {}", d.path().display());
    }
    d
}

fn analyse(path: &Path) -> CaptureReport {
    analyze_capture(|| pcap::open(path).unwrap(), &AnalysisOptions::default()).unwrap()
}

fn stream<'a>(r: &'a CaptureReport, src: &str, ssrc: u32) -> &'a StreamReport {
    let src: SocketAddr = src.parse().unwrap();
    r.streams
        .iter()
        .find(|s| s.src == src && s.ssrc == ssrc)
        .unwrap_or_else(|| panic!("no stream from {src} with SSRC {ssrc:#x} in {r:#?}"))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

fn assert_close(what: &str, got: f64, want: f64) {
    assert!(
        close(got, want, 1e-6),
        "{what}: got {got}, want {want} (hand-computed)"
    );
}

fn kinds(r: &CaptureReport) -> Vec<ProblemKind> {
    r.problems.iter().map(|p| p.kind).collect()
}

// ---------------------------------------------------------------------------------------
// tshark
// ---------------------------------------------------------------------------------------

fn tshark_available() -> bool {
    let ok = Command::new("tshark")
        .arg("-v")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    // The comparison is the point of these tests: without tshark they fail, saying so.
    assert!(
        ok,
        "this test compares with tshark, which is not installed: apt-get install -y tshark, or \
         run scripts/test.sh (as root), which installs it"
    );
    ok
}

/// Run `tshark -q -z rtp,streams` and parse its table.
fn tshark_streams(path: &Path) -> Option<Vec<TsharkRow>> {
    if !tshark_available() {
        return None;
    }
    let out = Command::new("tshark")
        .args([
            "-n",
            "-o",
            "rtp.heuristic_rtp:TRUE",
            "-q",
            "-z",
            "rtp,streams",
            "-r",
        ])
        .arg(path)
        .output()
        .expect("run tshark");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(tshark_streams::rows(&text))
}

/// Same streams as tshark, identical packet and loss counts, max delta and jitter within
/// 0.1 ms.
fn check_tshark(path: &Path, r: &CaptureReport) {
    let Some(rows) = tshark_streams(path) else {
        return;
    };
    assert_eq!(
        rows.len(),
        r.streams.len(),
        "stream count differs from tshark: {rows:#?} vs {:#?}",
        r.streams
    );
    for row in &rows {
        let s = r
            .streams
            .iter()
            .find(|s| s.src == row.src && s.dst == row.dst && s.ssrc == row.ssrc)
            .unwrap_or_else(|| panic!("tshark stream {row:?} not found"));
        let st = &s.stats;
        assert_eq!(st.packets, row.packets, "packets vs tshark for {row:?}");
        assert_eq!(st.lost, row.lost, "lost vs tshark for {row:?}");
        assert!(
            close(st.max_delta_ms, row.max_delta, 0.1),
            "max delta {} vs tshark {row:?}",
            st.max_delta_ms
        );
        assert!(
            close(st.mean_delta_ms, row.mean_delta, 0.1),
            "mean delta {} vs tshark {row:?}",
            st.mean_delta_ms
        );
        assert!(
            close(st.max_jitter_ms, row.max_jitter, 0.1),
            "max jitter {} vs tshark {row:?}",
            st.max_jitter_ms
        );
        assert!(
            close(st.mean_jitter_ms, row.mean_jitter, 0.1),
            "mean jitter {} vs tshark {row:?}",
            st.mean_jitter_ms
        );
        assert_eq!(
            st.wireshark_problem, row.problem,
            "problem flag vs tshark for {row:?}"
        );
    }
}

/// Write `pkts` as a raw-IP pcap in `dir`, analyse it and compare with tshark.
fn run(dir: &Path, name: &str, pkts: Vec<GenPkt>) -> (PathBuf, CaptureReport) {
    let path = dir.join(name);
    write_pcap(&path, LinkType::RAW, false, pkts);
    let r = analyse(&path);
    check_tshark(&path, &r);
    (path, r)
}

/// RFC 3550 jitter, independently: J += (|D| - J)/16 over consecutive arrivals, D in ms
/// from arrival and RTP timestamps at `clock` Hz. Returns (max J, mean J over packets 2..).
fn rfc3550_jitter(arrivals_ms: &[f64], ts: &[u32], clock: f64) -> (f64, f64) {
    let (mut j, mut max, mut sum) = (0.0f64, 0.0f64, 0.0f64);
    for i in 1..arrivals_ms.len() {
        let d = (arrivals_ms[i] - arrivals_ms[i - 1])
            - (ts[i].wrapping_sub(ts[i - 1]) as i32 as f64) * 1000.0 / clock;
        j += (d.abs() - j) / 16.0;
        max = max.max(j);
        sum += j;
    }
    (max, sum / (arrivals_ms.len() - 1) as f64)
}

fn arrivals_and_ts(p: &[GenPkt]) -> (Vec<f64>, Vec<u32>) {
    let mut v: Vec<&GenPkt> = p.iter().collect();
    v.sort_by_key(|p| p.arrival);
    (
        v.iter()
            .map(|p| (p.arrival - EPOCH).as_secs_f64() * 1000.0)
            .collect(),
        v.iter().map(|p| p.ts).collect(),
    )
}

/// The other direction, clean, so that no one-way problem is raised.
fn back(count: usize) -> Vec<GenPkt> {
    packets(&StreamSpec::pcmu(B, A, 0xBBBB_0000, count))
}

// ---------------------------------------------------------------------------------------
// Impairments
// ---------------------------------------------------------------------------------------

#[test]
fn loss() {
    let d = tmp();
    let mut p = packets(&StreamSpec::pcmu(A, B, 0xA1, 100));
    // One packet lost at 20, a burst of three at 50..=52.
    drop_indices(&mut p, &[20, 50, 51, 52]);
    p.extend(back(100));
    let (_, r) = run(d.path(), "loss.pcap", p);
    let s = stream(&r, A, 0xA1);
    let st = &s.stats;
    assert_eq!(st.packets, 96);
    assert_eq!(st.expected, 100);
    assert_eq!(st.lost, 4);
    assert_close("loss %", st.loss_percent, 4.0);
    assert_eq!((st.duplicates, st.out_of_order), (0, 0));
    // Two forward jumps in the sequence.
    assert_eq!(st.sequence_errors, 2);
    // 49 -> 53 arrive 80 ms apart; 19 -> 21 are 40 ms apart.
    assert_close("max delta", st.max_delta_ms, 80.0);
    // Arrivals follow the timestamps exactly: no jitter.
    assert_close("max jitter", st.max_jitter_ms, 0.0);
    assert_eq!(st.gaps.len(), 1);
    assert_close("gap", st.gaps[0].ms, 80.0);
    assert_close("duration", st.duration_s, 1.98);
    assert_eq!(s.detection, Detection::Heuristic);
    assert_eq!(s.codec, "PCMU");
    assert_eq!(st.ptime_ms, Some(20.0));
    let k = kinds(&r);
    assert!(
        k.contains(&ProblemKind::Loss) && k.contains(&ProblemKind::Gap),
        "{k:?}"
    );
    assert!(!k.contains(&ProblemKind::OneWayAudio), "{k:?}");
    let back = stream(&r, B, 0xBBBB_0000);
    assert_eq!((back.stats.packets, back.stats.lost), (100, 0));
}

#[test]
fn duplicates() {
    let d = tmp();
    let mut p = packets(&StreamSpec::pcmu(A, B, 0xD1, 100));
    duplicate(&mut p, 30, ms(1));
    duplicate(&mut p, 60, ms(2));
    let (at, ts) = arrivals_and_ts(&p);
    p.extend(back(100));
    let (_, r) = run(d.path(), "dup.pcap", p);
    let st = &stream(&r, A, 0xD1).stats;
    assert_eq!(st.packets, 102);
    assert_eq!(st.expected, 100);
    // Wireshark: lost = expected - received, negative with duplicates.
    assert_eq!(st.lost, -2);
    assert_eq!(st.duplicates, 2);
    assert_eq!(st.out_of_order, 0);
    assert_eq!(st.sequence_errors, 2);
    assert_close("max delta", st.max_delta_ms, 20.0);
    // First duplicate: D = 1 -> J = 1/16, the packet after it D = 1 -> J = (15/16)/16 + 1/16.
    let (max_j, mean_j) = rfc3550_jitter(&at, &ts, 8000.0);
    assert_close("max jitter", st.max_jitter_ms, max_j);
    assert_close("mean jitter", st.mean_jitter_ms, mean_j);
    assert!(kinds(&r).contains(&ProblemKind::SequenceErrors));
}

#[test]
fn reordering() {
    let d = tmp();
    let mut p = packets(&StreamSpec::pcmu(A, B, 0xE1, 100));
    // Packets 40 and 41 swap arrival times.
    let (t40, t41) = (p[40].arrival, p[41].arrival);
    p[40].arrival = t41;
    p[41].arrival = t40;
    p.extend(back(100));
    let (_, r) = run(d.path(), "reorder.pcap", p);
    let st = &stream(&r, A, 0xE1).stats;
    assert_eq!((st.packets, st.expected, st.lost), (100, 100, 0));
    assert_eq!((st.duplicates, st.out_of_order), (0, 1));
    // 39 -> 41 is a jump, 40 after 41 is late.
    assert_eq!(st.sequence_errors, 2);
    assert_close("max delta", st.max_delta_ms, 20.0);
    // D(41) = 20 -> J = 1.25; D(40) = 40 -> J = (15*1.25 + 40)/16 = 3.671875;
    // D(42) = 20 -> J = (15*3.671875 + 20)/16 = 4.6923828125; then it decays.
    assert_close("max jitter", st.max_jitter_ms, 4.692_382_812_5);
}

#[test]
fn controlled_jitter() {
    let d = tmp();
    // One packet 5 ms late: D = 5 then 5 again: J = 5/16, then (15*5/16 + 5)/16 = 155/256.
    let mut p = packets(&StreamSpec::pcmu(A, B, 0xF1, 100));
    delay(&mut p, 10, ms(5));
    // Every odd packet of the other stream 2 ms late: D = 2 for every packet, so
    // J_k = 2 (1 - (15/16)^k) after k packets.
    let mut q = packets(&StreamSpec::pcmu(B, A, 0xF2, 100));
    for i in (1..100).step_by(2) {
        delay(&mut q, i, ms(2));
    }
    let (qa, qt) = arrivals_and_ts(&q);
    p.extend(q);
    let (_, r) = run(d.path(), "jitter.pcap", p);
    let s1 = &stream(&r, A, 0xF1).stats;
    assert_close("max jitter (one late)", s1.max_jitter_ms, 155.0 / 256.0);
    assert_close("max delta (one late)", s1.max_delta_ms, 25.0);
    // Mean over the 99 packets after the first: 5/16, 155/256, then 155/256 * (15/16)^k.
    let tail: f64 = (1..=88)
        .map(|k| 155.0 / 256.0 * (15.0f64 / 16.0).powi(k))
        .sum();
    assert_close(
        "mean jitter (one late)",
        s1.mean_jitter_ms,
        (5.0 / 16.0 + 155.0 / 256.0 + tail) / 99.0,
    );
    let s2 = &stream(&r, B, 0xF2).stats;
    let r15: f64 = 15.0 / 16.0;
    assert_close(
        "max jitter (alternating)",
        s2.max_jitter_ms,
        2.0 * (1.0 - r15.powi(99)),
    );
    assert_close(
        "mean jitter (alternating)",
        s2.mean_jitter_ms,
        2.0 - 30.0 * (1.0 - r15.powi(99)) / 99.0,
    );
    assert_close("max delta (alternating)", s2.max_delta_ms, 22.0);
    let (max_j, mean_j) = rfc3550_jitter(&qa, &qt, 8000.0);
    assert_close("max jitter vs RFC 3550 model", s2.max_jitter_ms, max_j);
    assert_close("mean jitter vs RFC 3550 model", s2.mean_jitter_ms, mean_j);
    assert_eq!((s1.lost, s2.lost), (0, 0));
}

#[test]
fn ssrc_change() {
    let d = tmp();
    let mut p = packets(&StreamSpec::pcmu(A, B, 0x1111, 100));
    change_ssrc(&mut p, 50, 0x2222, 20_000, 999_999);
    p.extend(back(100));
    let (_, r) = run(d.path(), "ssrc.pcap", p);
    let s1 = stream(&r, A, 0x1111);
    let s2 = stream(&r, A, 0x2222);
    assert_eq!((s1.stats.packets, s1.stats.lost), (50, 0));
    assert_eq!((s2.stats.packets, s2.stats.lost), (50, 0));
    assert_close("second stream start", s2.start_rel_s, 1.0);
    let p = r
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::SsrcChange)
        .expect("SSRC change flagged");
    assert!(
        p.message.contains("0x00001111") && p.message.contains("0x00002222"),
        "{}",
        p.message
    );
}

#[test]
fn one_way_without_sip() {
    let d = tmp();
    let p = packets(&StreamSpec::pcmu(A, B, 0x0A, 50));
    let (_, r) = run(d.path(), "oneway.pcap", p);
    assert_eq!(r.streams.len(), 1);
    let ow: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::OneWayAudio)
        .collect();
    assert_eq!(ow.len(), 1, "{:?}", r.problems);
    assert!(
        ow[0].message.contains("10.0.0.1:40000 -> 10.0.0.2:50000"),
        "{}",
        ow[0].message
    );
}

/// issue #11: serve used to bind odd RTP ports (40001, 40003, ...), and the heuristic
/// refused every flow to an odd port, so a capture of a healthy call said "one-way audio".
/// Both directions must be found whatever the parity, RTCP on the neighbouring ports must
/// not become a stream, and a short answer counts because the flow back is RTP.
#[test]
fn stream_to_an_odd_port_is_found_and_rtcp_is_not() {
    const SERVE: &str = "127.0.0.1:40003";
    const AST: &str = "127.0.0.1:29778";
    let d = tmp();
    let mut p = packets(&StreamSpec::pcmu(SERVE, AST, 0x5E4E, 120));
    let mut back = StreamSpec::pcmu(AST, SERVE, 0xA57E, 120);
    back.start = ms(110);
    p.extend(packets(&back));
    // RTCP sender reports once a second, RTP port + 1 in both directions (version 2,
    // packet type 200 in the second byte: the RTP parser sees marker + payload type 72).
    for i in 0..2u64 {
        for (src, dst) in [
            ("127.0.0.1:40004", "127.0.0.1:29779"),
            ("127.0.0.1:29779", "127.0.0.1:40004"),
        ] {
            let mut sr = vec![0x80, 200, 0, 6];
            sr.extend_from_slice(&[0u8; 24]);
            let mut pkt = sip(ms(500 + 1000 * i), src, dst, "");
            pkt.raw = Some(sr);
            p.push(pkt);
        }
    }
    let (_, r) = run(d.path(), "odd-port.pcap", p);
    assert_eq!(r.streams.len(), 2, "{:#?}", r.streams);
    let to_serve = stream(&r, AST, 0xA57E);
    assert_eq!(to_serve.dst.port(), 40003);
    assert_eq!(to_serve.detection, Detection::Heuristic);
    assert_eq!((to_serve.stats.packets, to_serve.stats.lost), (120, 0));
    assert!(r.problems.is_empty(), "{:?}", r.problems);

    // A short answer (5 packets, fewer than --min-packets) to the odd port: RTP because
    // the flow back is.
    let mut p = packets(&StreamSpec::pcmu(SERVE, AST, 0x5E4E, 120));
    let mut short = StreamSpec::pcmu(AST, SERVE, 0xA57E, 5);
    short.start = ms(110);
    p.extend(packets(&short));
    let (_, r) = run(d.path(), "odd-port-short.pcap", p);
    assert_eq!(r.streams.len(), 2, "{:#?}", r.streams);
    assert_eq!(stream(&r, AST, 0xA57E).stats.packets, 5);
    assert!(
        !kinds(&r).contains(&ProblemKind::OneWayAudio),
        "{:?}",
        r.problems
    );
}

#[test]
fn sequence_wrap_with_loss() {
    let d = tmp();
    let mut spec = StreamSpec::pcmu(A, B, 0x3A, 100);
    spec.first_seq = 65_500;
    spec.first_ts = u32::MAX - 160 * 20;
    let mut p = packets(&spec);
    // Index 36 carries sequence number 0.
    assert_eq!(p[36].seq, 0);
    drop_indices(&mut p, &[36]);
    p.extend(back(100));
    let (_, r) = run(d.path(), "wrap.pcap", p);
    let st = &stream(&r, A, 0x3A).stats;
    assert_eq!((st.packets, st.expected, st.lost), (99, 100, 1));
    assert_close("max delta", st.max_delta_ms, 40.0);
    assert_close("max jitter", st.max_jitter_ms, 0.0);
}

#[test]
fn packetization_and_timestamp_jump() {
    let d = tmp();
    let mut spec = StreamSpec::pcmu(A, B, 0x30, 60);
    spec.samples_per_packet = 240;
    spec.ptime_ms = 30;
    spec.payload_len = 240;
    let mut p = packets(&spec);
    let mut q = packets(&StreamSpec::pcmu(B, A, 0x31, 100));
    // Timestamps leap 1 s ahead at packet 50 with no marker bit.
    for pkt in q.iter_mut().skip(50) {
        pkt.ts = pkt.ts.wrapping_add(8000);
    }
    let (qa, qt) = arrivals_and_ts(&q);
    p.append(&mut q);
    let (_, r) = run(d.path(), "ptime.pcap", p);
    let s = &stream(&r, A, 0x30).stats;
    assert_eq!(s.samples_per_packet, Some(240));
    assert_eq!(s.ptime_ms, Some(30.0));
    let j = &stream(&r, B, 0x31).stats;
    assert_eq!(j.timestamp_jumps.len(), 1);
    assert_eq!(
        (j.timestamp_jumps[0].expected, j.timestamp_jumps[0].actual),
        (160, 8160)
    );
    // The jump looks like 1000 ms of transit change: J = 1000/16 = 62.5 ms.
    let (max_j, _) = rfc3550_jitter(&qa, &qt, 8000.0);
    assert_close("max jitter after jump", j.max_jitter_ms, max_j);
    assert_close("max jitter after jump", j.max_jitter_ms, 62.5);
    let k = kinds(&r);
    assert!(k.contains(&ProblemKind::Packetization), "{k:?}");
    assert!(k.contains(&ProblemKind::TimestampJump), "{k:?}");
}

// ---------------------------------------------------------------------------------------
// Link types and file formats
// ---------------------------------------------------------------------------------------

fn impaired_pair() -> Vec<GenPkt> {
    let mut p = packets(&StreamSpec::pcmu(A, B, 0x51, 100));
    drop_indices(&mut p, &[7, 8]);
    delay(&mut p, 30, Duration::from_micros(3_250));
    duplicate(&mut p, 60, Duration::from_micros(700));
    let mut q = back(100);
    delay(&mut q, 44, Duration::from_micros(1_500));
    p.extend(q);
    p
}

#[test]
fn every_link_type_and_format_gives_the_same_numbers() {
    let d = tmp();
    let mut reports = Vec::new();
    for (name, lt, nanos) in [
        ("raw.pcap", LinkType::RAW, false),
        ("eth.pcap", LinkType::ETHERNET, false),
        ("sll.pcap", LinkType::LINUX_SLL, true),
        ("sll2.pcap", LinkType::LINUX_SLL2, true),
    ] {
        let path = d.path().join(name);
        write_pcap(&path, lt, nanos, impaired_pair());
        let r = analyse(&path);
        check_tshark(&path, &r);
        reports.push((name, r));
    }
    let path = d.path().join("multi.pcapng");
    write_pcapng(
        &path,
        &[
            (LinkType::ETHERNET, 6),
            (LinkType::RAW, 9),
            (LinkType::LINUX_SLL2, 3),
        ],
        impaired_pair(),
    );
    let r = analyse(&path);
    check_tshark(&path, &r);
    reports.push(("multi.pcapng", r));
    let (_, first) = &reports[0];
    let st = &stream(first, A, 0x51).stats;
    assert_eq!((st.packets, st.lost, st.duplicates), (99, 1, 1));
    for (name, r) in &reports[1..] {
        assert_eq!(r.streams.len(), first.streams.len(), "{name}");
        for (a, b) in first.streams.iter().zip(&r.streams) {
            // pcapng with millisecond resolution on one interface rounds some arrivals.
            let tol = if name.ends_with("pcapng") { 1.0 } else { 1e-9 };
            assert_eq!((a.src, a.dst, a.ssrc), (b.src, b.dst, b.ssrc), "{name}");
            assert_eq!(a.stats.packets, b.stats.packets, "{name}");
            assert_eq!(a.stats.lost, b.stats.lost, "{name}");
            assert!(
                close(a.stats.max_jitter_ms, b.stats.max_jitter_ms, tol),
                "{name}"
            );
            assert!(
                close(a.stats.max_delta_ms, b.stats.max_delta_ms, tol),
                "{name}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// SIP: SDP-learned streams, one-way calls, ladders
// ---------------------------------------------------------------------------------------

fn sip_text(
    start: &str,
    call_id: &str,
    from_tag: &str,
    to_tag: Option<&str>,
    cseq: &str,
    sdp: Option<&str>,
) -> String {
    let body = sdp.map(|s| s.replace('\n', "\r\n")).unwrap_or_default();
    let to = match to_tag {
        Some(t) => format!("<sip:agent@pbx.example>;tag={t}"),
        None => "<sip:agent@pbx.example>".to_string(),
    };
    let mut m = format!(
        "{start}\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK{cseq_n}\nFrom: <sip:phone@pbx.example>;tag={from_tag}\nTo: {to}\nCall-ID: {call_id}\nCSeq: {cseq}\nContact: <sip:phone@10.0.0.1>\n",
        cseq_n = cseq.replace(' ', "")
    );
    if sdp.is_some() {
        m.push_str("Content-Type: application/sdp\n");
    }
    // Content-Length counts CRLF line ends, as sent.
    m.push_str(&format!("Content-Length: {}\n\n", body.len()));
    m.push_str(&sdp.map(str::to_string).unwrap_or_default());
    m
}

fn sdp(addr: &str, port: u16, dynamic: bool) -> String {
    let (fmt, map) = if dynamic {
        (
            "96 101",
            "a=rtpmap:96 opus/48000/2\na=rtpmap:101 telephone-event/8000\n",
        )
    } else {
        (
            "0 101",
            "a=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\n",
        )
    };
    format!("v=0\no=- 1 1 IN IP4 {addr}\ns=-\nc=IN IP4 {addr}\nt=0 0\nm=audio {port} RTP/AVP {fmt}\n{map}a=sendrecv\n")
}

#[test]
fn sip_call_with_dynamic_payload_and_one_way_second_call() {
    let d = tmp();
    let phone = "10.0.0.1:5060";
    let pbx = "10.0.0.2:5060";
    let mut p = vec![
        sip(
            ms(0),
            phone,
            pbx,
            &sip_text(
                "INVITE sip:agent@pbx.example SIP/2.0",
                "call-1",
                "p1",
                None,
                "1 INVITE",
                Some(&sdp("10.0.0.1", 30001, true)),
            ),
        ),
        sip(
            ms(5),
            pbx,
            phone,
            &sip_text("SIP/2.0 100 Trying", "call-1", "p1", None, "1 INVITE", None),
        ),
        sip(
            ms(40),
            pbx,
            phone,
            &sip_text(
                "SIP/2.0 200 OK",
                "call-1",
                "p1",
                Some("x1"),
                "1 INVITE",
                Some(&sdp("10.0.0.2", 31001, true)),
            ),
        ),
        sip(
            ms(45),
            phone,
            pbx,
            &sip_text(
                "ACK sip:agent@10.0.0.2 SIP/2.0",
                "call-1",
                "p1",
                Some("x1"),
                "1 ACK",
                None,
            ),
        ),
    ];
    // Opus at 48 kHz on odd ports (the heuristic would refuse them): only SDP finds them.
    let mut up = StreamSpec::pcmu("10.0.0.1:30001", "10.0.0.2:31001", 0x0105, 100);
    up.pt = 96;
    up.samples_per_packet = 960;
    up.payload_len = 80;
    let mut down = up.clone();
    down.src = "10.0.0.2:31001".parse().unwrap();
    down.dst = "10.0.0.1:30001".parse().unwrap();
    down.ssrc = 0x0205;
    let mut a = packets(&up);
    for i in (1..100).step_by(2) {
        delay(&mut a, i, ms(3));
    }
    let (aa, at) = arrivals_and_ts(&a);
    p.extend(a);
    p.extend(packets(&down));
    // Second call: answered, ACKed, but RTP only from the phone.
    p.extend([
        sip(
            ms(3000),
            phone,
            pbx,
            &sip_text(
                "INVITE sip:agent@pbx.example SIP/2.0",
                "call-2",
                "p2",
                None,
                "1 INVITE",
                Some(&sdp("10.0.0.1", 30002, false)),
            ),
        ),
        sip(
            ms(3040),
            pbx,
            phone,
            &sip_text(
                "SIP/2.0 200 OK",
                "call-2",
                "p2",
                Some("x2"),
                "1 INVITE",
                Some(&sdp("10.0.0.2", 31002, false)),
            ),
        ),
        sip(
            ms(3045),
            phone,
            pbx,
            &sip_text(
                "ACK sip:agent@10.0.0.2 SIP/2.0",
                "call-2",
                "p2",
                Some("x2"),
                "1 ACK",
                None,
            ),
        ),
    ]);
    let mut only = StreamSpec::pcmu("10.0.0.1:30002", "10.0.0.2:31002", 0x0302, 50);
    only.start = ms(3100);
    p.extend(packets(&only));
    let (path, r) = run(d.path(), "sip.pcap", p);

    assert_eq!(r.capture.sip_messages, 7);
    let s = stream(&r, "10.0.0.1:30001", 0x0105);
    assert_eq!(s.detection, Detection::Sdp);
    assert_eq!(s.call_id.as_deref(), Some("call-1"));
    assert_eq!(s.codec, "opus");
    assert_eq!(s.stats.clock_rate, Some(48000));
    assert_eq!(s.stats.ptime_ms, Some(20.0));
    let (max_j, mean_j) = rfc3550_jitter(&aa, &at, 48000.0);
    assert_close("opus max jitter", s.stats.max_jitter_ms, max_j);
    assert_close("opus mean jitter", s.stats.mean_jitter_ms, mean_j);
    assert!(
        s.stats.max_jitter_ms > 2.5,
        "jitter uses the 48 kHz clock from SDP"
    );
    let one_way: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::OneWayAudio)
        .collect();
    assert_eq!(one_way.len(), 1, "{:#?}", r.problems);
    assert_eq!(one_way[0].call_id.as_deref(), Some("call-2"));
    assert!(
        one_way[0].message.contains("none reaches the caller"),
        "{}",
        one_way[0].message
    );
    assert_eq!(r.calls.len(), 2);
    assert_eq!(r.calls[0].streams.len(), 2);

    // The ladders of the same file.
    let flows = sip_flows(pcap::open(&path).unwrap()).unwrap();
    assert_eq!(flows.calls.len(), 2);
    let c1 = &flows.calls[0];
    let labels: Vec<&str> = c1.messages.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["INVITE", "100 Trying", "200 OK", "ACK"]);
    let sdp_200 = c1.messages[2].sdp.as_ref().unwrap();
    assert_eq!(sdp_200.to_string(), "10.0.0.2:31001 opus");
    assert_close("ACK time", c1.messages[3].t, 0.045);
    assert!(c1.problems.is_empty(), "{:?}", c1.problems);
    let text = flows.to_string();
    assert!(text.contains("INVITE [SDP 10.0.0.1:30001 opus]"), "{text}");
}

#[test]
fn dtmf_and_comfort_noise_are_treated_like_wireshark() {
    // PCMU with an RFC 4733 event (PT 101, timestamp frozen, marker on its first packet),
    // a comfort-noise stretch (PT 13) and a silence-suppression jump with the marker set.
    let d = tmp();
    let phone = "10.0.0.1:5060";
    let pbx = "10.0.0.2:5060";
    let mut p = vec![
        sip(
            ms(0),
            phone,
            pbx,
            &sip_text(
                "INVITE sip:agent@pbx.example SIP/2.0",
                "call-d",
                "pd",
                None,
                "1 INVITE",
                Some(&sdp("10.0.0.1", 30010, false)),
            ),
        ),
        sip(
            ms(40),
            pbx,
            phone,
            &sip_text(
                "SIP/2.0 200 OK",
                "call-d",
                "pd",
                Some("xd"),
                "1 INVITE",
                Some(&sdp("10.0.0.2", 31010, false)),
            ),
        ),
        sip(
            ms(45),
            phone,
            pbx,
            &sip_text(
                "ACK sip:agent@10.0.0.2 SIP/2.0",
                "call-d",
                "pd",
                Some("xd"),
                "1 ACK",
                None,
            ),
        ),
    ];
    let mut a = packets(&StreamSpec::pcmu(
        "10.0.0.1:30010",
        "10.0.0.2:31010",
        0xD7,
        120,
    ));
    let event_ts = a[40].ts;
    for (k, pkt) in a.iter_mut().enumerate().take(47).skip(40) {
        pkt.pt = 101;
        pkt.ts = event_ts;
        pkt.marker = k == 40;
        pkt.payload_len = 4;
    }
    for pkt in a.iter_mut().take(66).skip(60) {
        pkt.pt = 13;
        pkt.payload_len = 1;
    }
    // Packets 80..=89 never sent (silence); 90 resumes with the marker bit.
    drop_indices(&mut a, &(80..90).collect::<Vec<_>>());
    let resumed = a.iter_mut().find(|p| p.seq == 1090).unwrap();
    resumed.marker = true;
    for pkt in a.iter_mut().filter(|p| p.seq >= 1090) {
        pkt.seq -= 10;
        pkt.arrival += Duration::from_micros(700);
    }
    p.extend(a);
    p.extend(packets(&StreamSpec::pcmu(
        "10.0.0.2:31010",
        "10.0.0.1:30010",
        0xD8,
        120,
    )));
    let (_, r) = run(d.path(), "dtmf.pcap", p);
    let st = &stream(&r, "10.0.0.1:30010", 0xD7).stats;
    assert_eq!((st.packets, st.lost), (110, 0));
    assert_eq!(st.payload_types, vec![0, 13, 101]);
    // The 220 ms silence is a gap, but the marker keeps it out of max delta.
    assert_eq!(st.gaps.len(), 1);
    assert!(st.max_delta_ms < 60.0, "{}", st.max_delta_ms);
    assert!(st.timestamp_jumps.is_empty(), "{:?}", st.timestamp_jumps);
}

#[test]
fn sip_flow_flags_missing_ack_and_private_sdp_address() {
    let d = tmp();
    let phone = "198.51.100.7:5060";
    let pbx = "203.0.113.2:5060";
    let p = vec![
        // The phone sits behind NAT and advertises its LAN address.
        sip(
            ms(0),
            phone,
            pbx,
            &sip_text(
                "INVITE sip:agent@pbx.example SIP/2.0",
                "call-9",
                "p9",
                None,
                "7 INVITE",
                Some(&sdp("192.168.1.20", 4000, false)),
            ),
        ),
        sip(
            ms(30),
            pbx,
            phone,
            &sip_text(
                "SIP/2.0 200 OK",
                "call-9",
                "p9",
                Some("x9"),
                "7 INVITE",
                Some(&sdp("203.0.113.2", 12000, false)),
            ),
        ),
        sip(
            ms(530),
            pbx,
            phone,
            &sip_text(
                "SIP/2.0 200 OK",
                "call-9",
                "p9",
                Some("x9"),
                "7 INVITE",
                Some(&sdp("203.0.113.2", 12000, false)),
            ),
        ),
    ];
    let path = d.path().join("noack.pcap");
    write_pcap(&path, LinkType::ETHERNET, false, p);
    let flows = sip_flows(pcap::open(&path).unwrap()).unwrap();
    assert_eq!(flows.calls.len(), 1);
    let c = &flows.calls[0];
    assert!(c.messages[2].retransmission);
    assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    assert!(
        c.problems
            .iter()
            .any(|p| p.contains("missing ACK") && p.contains("sent 2 times")),
        "{:?}",
        c.problems
    );
    assert!(
        c.problems
            .iter()
            .any(|p| p.contains("private address 192.168.1.20:4000")),
        "{:?}",
        c.problems
    );
    let text = flows.to_string();
    assert!(text.contains("! missing ACK"), "{text}");
}

// ---------------------------------------------------------------------------------------
// Broken files
// ---------------------------------------------------------------------------------------

#[test]
fn truncated_and_malformed_captures_give_one_clear_error() {
    let d = tmp();
    let good = d.path().join("good.pcap");
    write_pcap(
        &good,
        LinkType::RAW,
        false,
        packets(&StreamSpec::pcmu(A, B, 1, 20)),
    );
    let bytes = std::fs::read(&good).unwrap();

    let cut = d.path().join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let err =
        analyze_capture(|| pcap::open(&cut).unwrap(), &AnalysisOptions::default()).unwrap_err();
    assert!(
        matches!(err, PcapError::TruncatedRecord { index: 20 }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "the capture is truncated: record 20 is cut short"
    );

    let hdr = d.path().join("hdr.pcap");
    std::fs::write(&hdr, &bytes[..10]).unwrap();
    let err = pcap::open(&hdr).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the capture file ends inside its pcap file header"
    );

    let text = d.path().join("notes.txt");
    std::fs::write(&text, b"hello world, not a capture").unwrap();
    let err = pcap::open(&text).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("this is not a pcap or pcapng capture"),
        "{err}"
    );

    let empty = d.path().join("empty.pcap");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        pcap::open(&empty).unwrap_err().to_string(),
        "the capture file is empty"
    );

    let missing = d.path().join("missing.pcap");
    assert!(pcap::open(&missing)
        .unwrap_err()
        .to_string()
        .starts_with("cannot open"));
}

#[test]
fn mutated_captures_never_panic() {
    // Deterministic mutation of valid pcap and pcapng files; every variant must end in a
    // report or an error.
    let d = tmp();
    let pcap_path = d.path().join("m.pcap");
    let ng_path = d.path().join("m.pcapng");
    write_pcap(&pcap_path, LinkType::ETHERNET, false, impaired_pair());
    write_pcapng(
        &ng_path,
        &[(LinkType::RAW, 6), (LinkType::LINUX_SLL, 9)],
        impaired_pair(),
    );
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for path in [&pcap_path, &ng_path] {
        let orig = std::fs::read(path).unwrap();
        for _ in 0..300 {
            let mut b = orig.clone();
            for _ in 0..1 + rnd() % 8 {
                let i = (rnd() % b.len() as u64) as usize;
                b[i] = rnd() as u8;
            }
            if rnd() % 4 == 0 {
                let n = (rnd() % b.len() as u64) as usize;
                b.truncate(n);
            }
            if pcap::PcapReader::new(&b[..]).is_ok() {
                let open = || pcap::PcapReader::new(&b[..]).expect("opened before");
                let _ = analyze_capture(open, &AnalysisOptions::default()).map(|r| r.to_string());
            }
            if let Ok(reader) = pcap::PcapReader::new(&b[..]) {
                let _ = sip_flows(reader).map(|f| f.to_string());
            }
        }
    }
}
