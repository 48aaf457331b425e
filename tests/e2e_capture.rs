//! `vcctl capture`, `rtp-stats`, `sip-flow` and `serve --capture` end to end.
//!
//! - A live capture on loopback (`-i lo`, stopped with Ctrl-C, and `-i any`, stopped by
//!   `--duration`) while baresip calls the sandbox Asterisk's echo extension: tshark opens
//!   the file, finds the SIP dialog and both RTP directions; `rtp-stats` reports zero loss
//!   and the same packet counts as tshark; `sip-flow` shows the dialog.
//! - Rotation keeps every packet, in order, across files that each open in tshark.
//! - Without CAP_NET_RAW: one sentence naming the `setcap` remedy, exit code 4.
//! - Unreadable captures: one sentence and a documented exit code, never a panic.
//! - `serve --capture DIR`: one pcap per call, decodable by tshark as two RTP streams, and
//!   `rtp-stats` agrees with tshark.
//!
//! Live capture needs root (or CAP_NET_RAW): without it these tests skip with a notice,
//! unless CI=true or VCCTL_E2E=1, where they fail.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::stack::{Stack, StackOptions};
use common::{bare_command, sandbox, Spawned};
use serde_json::Value;
use vcctl_core::capture::net::{decode, Decoded, LinkType};

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Whether `tool` runs; when it does not, the test fails saying how to install it.
fn have(tool: &str, arg: &str) -> bool {
    let ok = Command::new(tool)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !ok {
        common::cannot_run(
            &format!("{tool} is not installed"),
            &format!("Install it: apt-get install -y {tool}"),
        );
    }
    ok
}

fn can_capture() -> bool {
    if !is_root() {
        common::cannot_run(
            "live capture needs root (or CAP_NET_RAW)",
            "Run the tests as root",
        );
    }
    have("tshark", "-v")
}

fn vcctl(args: &[&str]) -> Output {
    bare_command().args(args).output().expect("run vcctl")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "vcctl failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn tshark(args: &[&str], file: &Path) -> String {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(file)
        .args(args)
        .output()
        .expect("run tshark");
    assert!(
        out.status.success(),
        "tshark {args:?} {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One row of `tshark -q -z rtp,streams`.
#[derive(Debug, PartialEq)]
struct TsharkStream {
    src: SocketAddr,
    dst: SocketAddr,
    ssrc: u32,
    packets: u64,
    lost: i64,
}

fn tshark_streams(file: &Path, extra: &[&str]) -> Vec<TsharkStream> {
    let mut args = extra.to_vec();
    args.extend(["-q", "-z", "rtp,streams"]);
    tshark(&args, file)
        .lines()
        .filter_map(|l| {
            let mut t: Vec<&str> = l.split_whitespace().collect();
            if t.len() < 17 || !t[6].starts_with("0x") {
                return None;
            }
            if t.last() == Some(&"X") {
                t.pop();
            }
            let n = t.len();
            Some(TsharkStream {
                src: format!("{}:{}", t[2], t[3]).parse().unwrap(),
                dst: format!("{}:{}", t[4], t[5]).parse().unwrap(),
                ssrc: u32::from_str_radix(&t[6][2..], 16).unwrap(),
                packets: t[n - 9].parse().unwrap(),
                lost: t[n - 8].parse().unwrap(),
            })
        })
        .collect()
}

/// The link type in a classic pcap header.
fn pcap_linktype(file: &Path) -> u32 {
    let b = std::fs::read(file).unwrap();
    u32::from_le_bytes([b[20], b[21], b[22], b[23]])
}

/// rtp-stats' streams must be exactly tshark's: same endpoints, SSRC, packets, loss.
fn assert_agrees_with_tshark(report: &Value, tshark: &[TsharkStream]) {
    let ours = report["streams"].as_array().unwrap();
    assert_eq!(ours.len(), tshark.len(), "{report:#}\nvs tshark {tshark:?}");
    for t in tshark {
        let s = ours
            .iter()
            .find(|s| s["src"] == t.src.to_string() && s["ssrc"] == t.ssrc)
            .unwrap_or_else(|| panic!("rtp-stats misses {t:?}: {report:#}"));
        assert_eq!(s["dst"], t.dst.to_string());
        assert_eq!(s["packets"], t.packets, "{t:?}");
        assert_eq!(s["lost"], t.lost, "{t:?}");
    }
}

// ---------------------------------------------------------------------------------------
// A real call through the sandbox, captured live
// ---------------------------------------------------------------------------------------

/// Call the echo extension for about 6 s with baresip (it hangs up itself).
fn baresip_call(dir: &Path) {
    common::baresip::require();
    common::baresip::config_dir(dir, "127.0.0.1:5062", 1000.0, false);
    let mut child = Command::new("baresip")
        .arg("-f")
        .arg(dir)
        .args(["-e", "/dial sip:echo@127.0.0.1:5060", "-t", "6"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn baresip");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("baresip did not finish its call");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn start_capture(args: &[&str]) -> Spawned {
    let mut c = Spawned::start(bare_command().arg("capture").arg("--json").args(args));
    assert!(
        c.wait_stderr(Duration::from_secs(10), |l| l
            .starts_with("-- capturing on"))
            .is_some(),
        "capture did not start: {:?}",
        c.seen_err
    );
    c
}

fn summary(c: &Spawned) -> Value {
    let text = c.seen_out.join("\n");
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "capture printed non-JSON ({e}): {text}; stderr {:?}",
            c.seen_err
        )
    })
}

/// Everything a capture of one echo call must show.
fn check_call_capture(file: &Path, report: &Value) {
    assert_eq!(report["kernel_drops"], 0, "{report:#}");
    assert!(report["sip_messages"].as_u64().unwrap() >= 4, "{report:#}");
    assert_eq!(report["rtp_streams"], 2, "{report:#}");

    // tshark opens it and sees the SIP dialog.
    let sip = tshark(
        &[
            "-Y",
            "sip",
            "-T",
            "fields",
            "-e",
            "sip.Method",
            "-e",
            "sip.Status-Code",
        ],
        file,
    );
    for want in ["INVITE", "ACK", "BYE"] {
        assert!(
            sip.lines().any(|l| l.trim() == want),
            "{want} missing: {sip}"
        );
    }
    assert!(sip.lines().any(|l| l.trim() == "200"), "no 200: {sip}");

    // Both RTP directions, no loss, in tshark and rtp-stats alike.
    let ts = tshark_streams(file, &[]);
    assert_eq!(ts.len(), 2, "{ts:?}");
    assert_eq!(ts[0].src, ts[1].dst);
    assert_eq!(ts[0].dst, ts[1].src);
    for s in &ts {
        assert!(s.packets > 200, "{s:?}");
        assert_eq!(s.lost, 0, "{s:?}");
    }
    let stats = json_of(&vcctl(&["rtp-stats", "--json", file.to_str().unwrap()]));
    assert_agrees_with_tshark(&stats, &ts);
    for s in stats["streams"].as_array().unwrap() {
        assert_eq!(s["lost"], 0);
        assert_eq!(
            s["duplicates"], 0,
            "a loopback packet was captured twice: {s}"
        );
        assert_eq!(s["detection"], "sdp");
        assert!(s["call_id"].is_string());
    }
    let no_one_way = stats["problems"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["kind"] != "one_way_audio" && p["kind"] != "loss");
    assert!(no_one_way, "{:#}", stats["problems"]);

    // The ladder: one call, INVITE answered and acknowledged, then BYE.
    let flow = json_of(&vcctl(&["sip-flow", "--json", file.to_str().unwrap()]));
    let calls = flow["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{flow:#}");
    let labels: Vec<&str> = calls[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.first(), Some(&"INVITE"), "{labels:?}");
    for want in ["200 OK", "ACK", "BYE"] {
        assert!(labels.contains(&want), "{want} missing: {labels:?}");
    }
    assert!(
        calls[0]["problems"].as_array().unwrap().is_empty(),
        "{:#}",
        calls[0]["problems"]
    );
}

#[test]
fn live_capture_on_lo_during_a_call_stopped_with_ctrl_c() {
    let sb = sandbox();
    if !can_capture() || !have("baresip", "-h") {
        return;
    }
    sb.force_clean();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("call-lo.pcap");
    let mut cap = start_capture(&["-i", "lo", "-w", file.to_str().unwrap()]);
    baresip_call(dir.path());
    std::thread::sleep(Duration::from_millis(500));
    // Ctrl-C: the capture ends normally and its file is complete.
    assert_eq!(
        cap.interrupt(Duration::from_secs(10)),
        Some(0),
        "{:?}",
        cap.seen_err
    );
    let report = summary(&cap);
    assert_eq!(report["stopped_by"], "interrupted");
    assert_eq!(report["linktype"], LinkType::ETHERNET.0);
    assert_eq!(pcap_linktype(&file), LinkType::ETHERNET.0);
    check_call_capture(&file, &report);
    sb.assert_clean();
}

#[test]
fn live_capture_on_any_during_a_call_until_its_duration() {
    let sb = sandbox();
    if !can_capture() || !have("baresip", "-h") {
        return;
    }
    sb.force_clean();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("call-any.pcap");
    let mut cap = start_capture(&["-i", "any", "--duration", "9", "-w", file.to_str().unwrap()]);
    let t = Instant::now();
    baresip_call(dir.path());
    assert!(
        t.elapsed() < Duration::from_secs(9),
        "the call outlasted the capture"
    );
    assert_eq!(
        cap.finish(Duration::from_secs(20)),
        Some(0),
        "{:?}",
        cap.seen_err
    );
    let report = summary(&cap);
    assert_eq!(report["stopped_by"], "duration");
    assert_eq!(report["linktype"], LinkType::LINUX_SLL2.0);
    assert_eq!(pcap_linktype(&file), LinkType::LINUX_SLL2.0);
    // tshark decodes the cooked header (interface index, packet type) itself.
    let sll = tshark(
        &[
            "-c",
            "1",
            "-T",
            "fields",
            "-e",
            "sll.ifindex",
            "-e",
            "frame.protocols",
        ],
        &file,
    );
    assert!(sll.contains("sll:ethertype:ip:udp"), "{sll}");
    check_call_capture(&file, &report);
    sb.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Rotation, permissions, unreadable files
// ---------------------------------------------------------------------------------------

/// A loopback UDP port outside the default RTP range (so concurrent captures of calls
/// never see this test's traffic).
fn sink_outside_rtp_range() -> UdpSocket {
    loop {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        let p = s.local_addr().unwrap().port();
        if !(16384..=32768).contains(&p) && p != 5060 {
            return s;
        }
    }
}

#[test]
fn rotation_keeps_every_packet_in_order() {
    if !can_capture() {
        return;
    }
    let sink = sink_outside_rtp_range();
    let port = sink.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("rot.pcap");
    let n = 3000u32;
    let mut cap = start_capture(&[
        "-i",
        "lo",
        // Only this port (SIP of concurrent tests must not get in).
        "--sip-port",
        &port.to_string(),
        "--rtp-ports",
        &format!("{port}-{port}"),
        "--rotate-mb",
        "0.1",
        "--count",
        &n.to_string(),
        "--duration",
        "30",
        "-w",
        base.to_str().unwrap(),
    ]);
    let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..n {
        let mut p = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        p.extend_from_slice(&i.to_be_bytes());
        p.resize(172, 0xff);
        tx.send_to(&p, ("127.0.0.1", port)).unwrap();
        if i % 100 == 0 {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    assert_eq!(
        cap.finish(Duration::from_secs(30)),
        Some(0),
        "{:?}",
        cap.seen_err
    );
    let report = summary(&cap);
    assert_eq!(report["stopped_by"], "count");
    assert_eq!(report["packets"], n);
    assert_eq!(report["kernel_drops"], 0);
    let files: Vec<PathBuf> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| PathBuf::from(f["path"].as_str().unwrap()))
        .collect();
    // 3000 frames of 214 bytes (+16 per record) are about 690 kB: 7 files of <= 100 kB.
    assert_eq!(files.len(), 7, "{report:#}");
    assert_eq!(files[0], dir.path().join("rot-0001.pcap"));
    let mut next = 0u32;
    for f in &files {
        let size = std::fs::metadata(f).unwrap().len();
        assert!(size <= 100_000, "{} is {size} bytes", f.display());
        // Each file is complete on its own.
        tshark(&["-c", "1"], f);
        for r in vcctl::io::pcap::open(f).unwrap() {
            let r = r.unwrap();
            let Ok(Decoded::Udp(u)) = decode(r.linktype, &r.data) else {
                panic!("not UDP")
            };
            let seq = u32::from_be_bytes(u.payload[12..16].try_into().unwrap());
            assert_eq!(seq, next, "in {}", f.display());
            next += 1;
        }
    }
    assert_eq!(next, n);
}

#[test]
fn without_cap_net_raw_one_sentence_names_the_setcap_remedy() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.pcap");
    let mut cmd = if is_root() {
        // Drop CAP_NET_RAW from the bounding set: the exec'd vcctl cannot have it.
        if !have("setpriv", "--version") {
            return;
        }
        let mut c = Command::new("setpriv");
        c.args(["--bounding-set=-net_raw", "--inh-caps=-net_raw"])
            .arg(common::bin());
        c
    } else {
        Command::new(common::bin())
    };
    let out = cmd
        .args(["capture", "-i", "lo", "--count", "1", "-w"])
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("vcctl: capturing packets needs root or the CAP_NET_RAW capability"),
        "{err}"
    );
    assert!(err.contains("setcap cap_net_raw+ep"), "{err}");
    assert!(!file.exists(), "a file was left behind");
}

#[test]
fn an_unknown_interface_is_exit_code_5() {
    let out = vcctl(&["capture", "-i", "nosuchif0", "-w", "/tmp/never.pcap"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("no network interface named nosuchif0"),
        "{err}"
    );
}

#[test]
fn the_kernel_filter_can_be_printed_without_privileges() {
    let out = vcctl(&[
        "capture",
        "-i",
        "any",
        "--host",
        "10.0.0.2",
        "--dump-filter",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# udp and (port 5060 or portrange 16384-32768) and host 10.0.0.2"));
    assert!(
        text.contains("#proto") && text.contains("ret      #262144"),
        "{text}"
    );
}

#[test]
fn unreadable_captures_give_one_sentence_and_a_documented_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.pcap");
    {
        let mut w = vcctl::io::pcap::PcapWriter::create(&good, LinkType::RAW).unwrap();
        for i in 0..20u32 {
            w.write_udp(
                Duration::from_secs(1_700_000_000) + Duration::from_millis(20 * i as u64),
                "10.0.0.1:20000".parse().unwrap(),
                "10.0.0.2:30000".parse().unwrap(),
                &[0x80, 0, 0, i as u8, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff],
            )
            .unwrap();
        }
        w.flush().unwrap();
    }
    let bytes = std::fs::read(&good).unwrap();
    let cases: Vec<(&str, Vec<u8>, i32, &str)> = vec![
        ("empty.pcap", vec![], 10, "the capture file is empty"),
        (
            "text.pcap",
            b"hello, world\n".to_vec(),
            10,
            "not a pcap or pcapng capture",
        ),
        (
            "header.pcap",
            bytes[..10].to_vec(),
            10,
            "ends inside its pcap file header",
        ),
        (
            "cut.pcap",
            bytes[..bytes.len() - 5].to_vec(),
            10,
            "truncated: record 20 is cut short",
        ),
        (
            "huge.pcap",
            {
                let mut b = bytes[..24].to_vec();
                b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]);
                b
            },
            10,
            "malformed",
        ),
    ];
    for (name, content, code, text) in &cases {
        let p = dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        for cmd in ["rtp-stats", "sip-flow"] {
            let out = vcctl(&[cmd, p.to_str().unwrap()]);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(*code), "{cmd} {name}: {err}");
            assert_eq!(err.lines().count(), 1, "{cmd} {name}: {err}");
            assert!(err.starts_with("vcctl: cannot read "), "{err}");
            assert!(err.contains(text), "{cmd} {name}: {err}");
            assert!(out.stdout.is_empty());
        }
    }
    let out = vcctl(&[
        "rtp-stats",
        dir.path().join("missing.pcap").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    // The intact file is fine, and --check turns its one-way stream into exit code 8.
    let ok = json_of(&vcctl(&["rtp-stats", "--json", good.to_str().unwrap()]));
    assert_eq!(ok["streams"].as_array().unwrap().len(), 1);
    let out = vcctl(&["rtp-stats", "--check", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
}

// ---------------------------------------------------------------------------------------
// serve --capture
// ---------------------------------------------------------------------------------------

#[test]
fn serve_capture_writes_one_pcap_per_call_with_both_directions() {
    let sb = sandbox();
    if !have("tshark", "-v") {
        return;
    }
    sb.force_clean();
    let dir = tempfile::tempdir().unwrap();
    let cap_dir = dir.path().join("calls");
    let stack = Stack::start(
        &sb,
        StackOptions {
            serve_args: &["--capture", cap_dir.to_str().unwrap()],
            ..Default::default()
        },
    );
    let caller = common::stack::call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    let call_id = stack.calls()[0]["id"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_secs(3));
    sb.ok(&["channels", "hangup", &caller]);
    stack.wait_no_calls(Duration::from_secs(10));
    sb.assert_clean();

    let files: Vec<PathBuf> = std::fs::read_dir(&cap_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let file = &files[0];
    assert_eq!(file, &cap_dir.join(format!("{call_id}.pcap")));
    assert_eq!(pcap_linktype(file), LinkType::RAW.0);

    // serve's own RTP port: the end of each packet inside its --rtp-ports range.
    let (lo, hi) = stack.rtp_ports;
    let mut port = None;
    for r in vcctl::io::pcap::open(file).unwrap() {
        let r = r.unwrap();
        let Ok(Decoded::Udp(u)) = decode(r.linktype, &r.data) else {
            panic!("not UDP")
        };
        let p = [u.src.port(), u.dst.port()]
            .into_iter()
            .find(|p| (lo..=hi).contains(p))
            .expect("a packet not to or from serve's RTP socket");
        assert_eq!(*port.get_or_insert(p), p, "two local ports in one call");
    }
    let port = port.expect("empty capture");
    // RFC 3550: RTP on an even port, the odd one above for RTCP (issue #11).
    assert_eq!(port % 2, 0, "serve bound the odd RTP port {port}");
    let ts = tshark_streams(file, &["-d", &format!("udp.port=={port},rtp")]);
    assert_eq!(ts.len(), 2, "{ts:?}");
    assert_eq!(ts[0].src, ts[1].dst);
    for s in &ts {
        assert!(s.packets > 100, "{s:?}");
    }
    let stats = json_of(&vcctl(&["rtp-stats", "--json", file.to_str().unwrap()]));
    assert_agrees_with_tshark(&stats, &ts);
    for s in stats["streams"].as_array().unwrap() {
        assert_eq!(s["lost"], 0, "{s}");
    }
    // Both directions found: no "one-way audio" false alarm (issue #11).
    assert_eq!(stats["streams"].as_array().unwrap().len(), 2, "{stats:#}");
    let problems = stats["problems"].as_array().unwrap();
    assert!(
        problems.iter().all(|p| p["kind"] != "one_way_audio"),
        "{problems:#?}"
    );
}
