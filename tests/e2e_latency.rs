//! `vcctl latency-report` end to end: known delays are injected with delaying relays written
//! here (this kernel has no netem) and a known response delay in agent-sim; the report must
//! recover each within 10% or 3 ms, whichever is larger. An empty database says so plainly.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use common::sandbox;
use common::stack::{free_port, Stack, StackOptions};
use serde_json::Value;
use vcctl_core::media::wav::{self, WavSpec};

fn close_to(got: f64, want: f64, what: &str) {
    let tol = (want * 0.10).max(3.0);
    assert!(
        (got - want).abs() <= tol,
        "{what}: measured {got:.2} ms, injected {want} ms (tolerance {tol:.1} ms)"
    );
}

fn component<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {report}"))
}

/// A UDP relay that forwards every datagram after `delay`, both ways, between the last client
/// and `upstream`. Returns its client-facing address.
fn udp_delay_relay(upstream: SocketAddr, delay: Duration) -> SocketAddr {
    udp_delay_relay_on(UdpSocket::bind("127.0.0.1:0").unwrap(), upstream, delay)
}

/// [`udp_delay_relay`] with the client-facing socket given.
fn udp_delay_relay_on(front: UdpSocket, upstream: SocketAddr, delay: Duration) -> SocketAddr {
    udp_delay_relay_with(front, upstream, delay, |b| b.to_vec())
}

/// [`udp_delay_relay_on`] that also rewrites every datagram coming back from `upstream`.
fn udp_delay_relay_with(
    front: UdpSocket,
    upstream: SocketAddr,
    delay: Duration,
    back_to_front: impl FnMut(&[u8]) -> Vec<u8> + Send + 'static,
) -> SocketAddr {
    udp_relay(front, upstream, delay, 0, back_to_front)
}

/// The relay itself: every datagram waits `delay`, and with `drop_every` = N > 0 the N-th,
/// 2N-th, ... datagram of each direction is dropped (a loss of exactly 1/N, spread out).
fn udp_relay(
    front: UdpSocket,
    upstream: SocketAddr,
    delay: Duration,
    drop_every: u64,
    mut back_to_front: impl FnMut(&[u8]) -> Vec<u8> + Send + 'static,
) -> SocketAddr {
    let back = UdpSocket::bind("127.0.0.1:0").unwrap();
    back.connect(upstream).unwrap();
    let addr = front.local_addr().unwrap();
    let client = std::sync::Arc::new(std::sync::Mutex::new(None::<SocketAddr>));
    let dropped = move |n: &mut u64| {
        *n += 1;
        drop_every > 0 && *n % drop_every == 0
    };
    {
        let (front, back, client) = (
            front.try_clone().unwrap(),
            back.try_clone().unwrap(),
            client.clone(),
        );
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            let mut count = 0;
            while let Ok((n, from)) = front.recv_from(&mut buf) {
                *client.lock().unwrap() = Some(from);
                if dropped(&mut count) {
                    continue;
                }
                let data = buf[..n].to_vec();
                let back = back.try_clone().unwrap();
                std::thread::spawn(move || {
                    std::thread::sleep(delay);
                    let _ = back.send(&data);
                });
            }
        });
    }
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        let mut count = 0;
        while let Ok(n) = back.recv(&mut buf) {
            if dropped(&mut count) {
                continue;
            }
            let data = back_to_front(&buf[..n]);
            let to = *client.lock().unwrap();
            let front = front.try_clone().unwrap();
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                if let Some(to) = to {
                    let _ = front.send_to(&data, to);
                }
            });
        }
    });
    addr
}

/// Two client-facing sockets on an even port and the next one (RTP and RTCP).
fn udp_pair() -> (UdpSocket, UdpSocket) {
    loop {
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port % 2 == 0 {
            if let Ok(b) = UdpSocket::bind(("127.0.0.1", port + 1)) {
                return (a, b);
            }
        }
    }
}

/// The phone leg through a delaying relay, media included: SIP to `upstream` goes through a
/// [`udp_delay_relay`]-like relay that rewrites the audio port of every SDP coming back to a
/// relay pair (RTP and RTCP) delaying by `delay` each way, so the caller's RTP and RTCP
/// to and from Asterisk (which answers where packets come from: rtp_symmetric) take the
/// delay too. Returns the SIP address to call.
fn sip_media_delay_relay(upstream: SocketAddr, delay: Duration) -> SocketAddr {
    sip_media_impair_relay(upstream, delay, 0)
}

/// [`sip_media_delay_relay`] that also drops every `drop_every`-th RTP packet each way
/// (0: none); SIP and RTCP are only delayed.
fn sip_media_impair_relay(upstream: SocketAddr, delay: Duration, drop_every: u64) -> SocketAddr {
    let mut relays: std::collections::HashMap<u16, u16> = Default::default();
    let front = UdpSocket::bind("127.0.0.1:0").unwrap();
    udp_delay_relay_with(front, upstream, delay, move |msg| {
        rewrite_sdp_port(msg, |port| {
            *relays.entry(port).or_insert_with(|| {
                let (rtp, rtcp) = udp_pair();
                let up = |p: u16| SocketAddr::from(([127, 0, 0, 1], p));
                udp_delay_relay_on(rtcp, up(port + 1), delay);
                udp_relay(rtp, up(port), delay, drop_every, |b| b.to_vec()).port()
            })
        })
    })
}

/// A SIP message with its `m=audio PORT` replaced by `map(PORT)` and Content-Length fixed.
fn rewrite_sdp_port(msg: &[u8], mut map: impl FnMut(u16) -> u16) -> Vec<u8> {
    let text = String::from_utf8_lossy(msg);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return msg.to_vec();
    };
    let Some(at) = body.find("m=audio ") else {
        return msg.to_vec();
    };
    let rest = &body[at + 8..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(port) = digits.parse::<u16>() else {
        return msg.to_vec();
    };
    let body = format!(
        "{}m=audio {}{}",
        &body[..at],
        map(port),
        &rest[digits.len()..]
    );
    let head: Vec<String> = head
        .split("\r\n")
        .map(|l| {
            let lower = l.to_ascii_lowercase();
            if lower.starts_with("content-length:") || lower.starts_with("l:") {
                format!("Content-Length: {}", body.len())
            } else {
                l.to_string()
            }
        })
        .collect();
    format!("{}\r\n\r\n{body}", head.join("\r\n")).into_bytes()
}

/// Copy `from` to `to`, each chunk `delay` after it was read, in order.
fn delayed_pump(mut from: TcpStream, mut to: TcpStream, delay: Duration) {
    let (tx, rx) = channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx
                        .send((Instant::now() + delay, buf[..n].to_vec()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    });
    std::thread::spawn(move || {
        for (due, data) in rx {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            if to.write_all(&data).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
    });
}

/// A TCP relay on `listener` to `upstream`, delaying every chunk by `delay` both ways.
fn tcp_delay_relay(listener: TcpListener, upstream: SocketAddr, delay: Duration) {
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(client) = conn else { break };
            let Ok(server) = TcpStream::connect(upstream) else {
                continue;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            delayed_pump(
                client.try_clone().unwrap(),
                server.try_clone().unwrap(),
                delay,
            );
            delayed_pump(server, client, delay);
        }
    });
}

#[test]
fn an_empty_database_says_so_and_prints_no_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("empty.db");
    let d = db.display().to_string();
    let out = common::bare_command()
        .args(["latency-report", "--db", &d])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("No latency data:"), "{text}");
    assert!(!text.contains("0.0") && !text.contains(" 0 ms"), "{text}");
    assert!(!db.exists(), "reading must not create the database");
    let out = common::bare_command()
        .args(["latency-report", "--db", &d, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["has_data"], false);
    for c in v["components"].as_array().unwrap() {
        assert!(c["p50_ms"].is_null() && c["p95_ms"].is_null(), "{c}");
        assert_eq!(c["verdict"], "no_data");
    }
    assert!(v["total"]["p50_ms"].is_null());
}

#[test]
fn probe_recovers_a_delay_injected_on_the_phone_leg() {
    let sb = sandbox();
    let delay = 40.0;
    let relay = udp_delay_relay(
        "127.0.0.1:5060".parse().unwrap(),
        Duration::from_secs_f64(delay / 1000.0),
    );
    let uri = format!("sip:echo@{relay}");
    let chart = tempfile::Builder::new().suffix(".svg").tempfile().unwrap();
    let chart_path = chart.path().display().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db").display().to_string();
    let out = sb.vcctl(&[
        "latency-report",
        "--probe",
        "--no-call",
        "--sip-uri",
        &uri,
        "--agent-url",
        &format!("ws://127.0.0.1:{}", free_port()),
        "--db",
        &db,
        "--chart",
        &chart_path,
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let net = component(&v, "network_phone_asterisk");
    assert_eq!(net["samples"], 5, "{net}");
    close_to(
        net["p50_ms"].as_f64().unwrap(),
        delay,
        "network phone -> Asterisk",
    );
    // The unreachable agent is a note, never a zero.
    assert!(component(&v, "network_asterisk_elevenlabs")["p50_ms"].is_null());
    assert!(v["notes"].to_string().contains("agent"), "{v}");
    let svg = std::fs::read_to_string(chart.path()).unwrap();
    assert!(svg.contains("Network (SIP caller → Asterisk)") && svg.contains("target 300 ms"));
}

#[test]
fn records_recover_the_agent_leg_delay_and_the_agent_response_delay() {
    let sb = sandbox();
    sb.force_clean();
    let delay = 40.0;
    // Above agent-sim's end-of-speech hangover (700 ms): a reply cannot leave before the
    // simulator has decided the caller stopped, so a shorter delay would measure the hangover.
    let response = 1000.0;
    // serve talks to the relay on the stack's agent port; the relay to our own agent-sim.
    let stack = Stack::start(
        &sb,
        StackOptions {
            no_sim: true,
            ..Default::default()
        },
    );
    let sim_port = free_port();
    let mut sim = common::Spawned::start(common::bare_command().args([
        "agent-sim",
        "--listen",
        &format!("127.0.0.1:{sim_port}"),
        "--mode",
        "tone",
        "--response-delay-ms",
        "1000",
        "--ping-interval-ms",
        "200",
        "--tone-ms",
        "1000",
    ]));
    assert!(sim
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening on"))
        .is_some());
    let listener = TcpListener::bind(("127.0.0.1", stack.sim_port)).unwrap();
    tcp_delay_relay(
        listener,
        format!("127.0.0.1:{sim_port}").parse().unwrap(),
        Duration::from_secs_f64(delay / 1000.0),
    );

    // The caller talks 1 s, is silent 2 s, twice: two ends of speech for the agent to answer.
    let dir = tempfile::tempdir().unwrap();
    let wav_path = dir.path().join("speech.wav");
    let mut pcm = Vec::new();
    for _ in 0..2 {
        pcm.extend((0..8000).map(|i| {
            ((i as f64 * 2.0 * std::f64::consts::PI * 1000.0 / 8000.0).sin() * 9000.0) as i16
        }));
        pcm.extend(std::iter::repeat_n(0i16, 16000));
    }
    std::fs::write(&wav_path, wav::encode(WavSpec::TELEPHONE, &pcm)).unwrap();
    let said = sb.ok(&[
        "call",
        "sip:test@127.0.0.1:5060",
        "--play",
        &wav_path.display().to_string(),
        "--no-markers",
        "--duration",
        "6.5",
    ]);
    assert!(said.contains("answered"), "{said}");
    stack.wait_no_calls(Duration::from_secs(10));

    let db = stack.db.display().to_string();
    // 1 s of agent processing is above the 300 ms target: a roomier target keeps exit 0.
    eprintln!(
        "{}",
        sb.ok(&["latency-report", "--db", &db, "--target-ms", "2000"])
    );
    let v = sb.json(&[
        "latency-report",
        "--db",
        &db,
        "--last",
        "1",
        "--target-ms",
        "2000",
    ]);
    let net = component(&v, "network_asterisk_elevenlabs");
    close_to(
        net["p50_ms"].as_f64().unwrap(),
        delay,
        "network Asterisk -> agent",
    );
    let proc_ = component(&v, "elevenlabs_processing");
    assert!(proc_["samples"].as_u64().unwrap() >= 2, "{proc_}");
    close_to(
        proc_["p50_ms"].as_f64().unwrap(),
        response,
        "agent processing",
    );
    close_to(
        proc_["p95_ms"].as_f64().unwrap(),
        response,
        "agent processing p95",
    );
    // The measured parts serve records are there, and SIP/RTP views are honestly absent.
    assert!(component(&v, "event_handler")["p50_ms"].as_f64().unwrap() > 0.0);
    assert!(component(&v, "asterisk_sip_processing")["p50_ms"].is_null());
    // Over a tight target: exit 8.
    let out = sb.vcctl(&["latency-report", "--db", &db, "--target-ms", "100"]);
    assert_eq!(out.status.code(), Some(8));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("OVER the target"), "{text}");
    let _ = sim.child.kill();
    drop(stack);
    sb.assert_clean();
}

/// The RTCP round trip of the caller leg in the record serve keeps of the last call.
fn recorded_caller_rtt(sb: &common::Sandbox, stack: &Stack) -> Option<f64> {
    let db = stack.db.display().to_string();
    let calls = sb.json(&["calls", "list", "--db", &db, "--limit", "1"]);
    calls[0]["latency"]["caller_rtt_ms"].as_f64()
}

#[test]
fn records_carry_the_rtcp_round_trip_of_vcctl_call_and_recover_a_phone_leg_delay() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let db = stack.db.display().to_string();
    // Asterisk sends its first sender report after its RTCP interval (1 s in the deployment's
    // rtp.conf, 5 s by default), and computes the round trip from our next report: a 4 s call
    // has a few.
    let call = |uri: &str| {
        let v = sb.json(&["call", uri, "--duration", "4", "--no-markers"]);
        stack.wait_no_calls(Duration::from_secs(10));
        v
    };

    // Straight to Asterisk: both sides have a round trip, small on loopback.
    let v = call("sip:test@127.0.0.1:5060");
    let ours = v["rtcp"]["rtt_median_ms"].as_f64();
    assert!(
        ours.is_some_and(|r| r > 0.0 && r < 20.0),
        "vcctl call's RTCP round trip: {}",
        v["rtcp"]
    );
    assert!(v["rtcp"]["sent"].as_u64().unwrap() >= 3, "{}", v["rtcp"]);
    let rtt = recorded_caller_rtt(&sb, &stack).expect("serve recorded no caller RTT");
    assert!(rtt > 0.0 && rtt < 20.0, "recorded caller RTT {rtt} ms");
    let report = sb.json(&["latency-report", "--db", &db, "--last", "1"]);
    let net = component(&report, "network_phone_asterisk");
    assert_eq!(net["samples"], 1, "{net}");
    assert!(net["source"].as_str().unwrap().contains("RTCP"), "{net}");
    close_to(
        net["p50_ms"].as_f64().unwrap(),
        rtt / 2.0,
        "component 1 = RTT / 2",
    );

    // Through a relay delaying SIP, RTP and RTCP by 40 ms each way: 80 ms round trip.
    let delay = 40.0;
    let relay = sip_media_delay_relay(
        "127.0.0.1:5060".parse().unwrap(),
        Duration::from_secs_f64(delay / 1000.0),
    );
    let v = call(&format!("sip:test@{relay}"));
    let ours = v["rtcp"]["rtt_median_ms"]
        .as_f64()
        .unwrap_or_else(|| panic!("no RTCP round trip through the relay: {}", v["rtcp"]));
    close_to(
        ours,
        2.0 * delay,
        "vcctl call's RTCP round trip through the relay",
    );
    let rtt = recorded_caller_rtt(&sb, &stack).expect("serve recorded no caller RTT");
    close_to(rtt, 2.0 * delay, "recorded caller RTT through the relay");
    let report = sb.json(&["latency-report", "--db", &db, "--last", "1"]);
    let net = component(&report, "network_phone_asterisk");
    assert_eq!(net["samples"], 1, "{net}");
    close_to(
        net["p50_ms"].as_f64().unwrap(),
        delay,
        "component 1 through the relay",
    );
    eprintln!(
        "through a {delay} ms relay: vcctl call RTT {ours:.2} ms, recorded caller RTT {rtt:.2} ms"
    );
    drop(stack);
    sb.assert_clean();
}

/// `latency-report --probe --json` against `ari_url` (SIP OPTIONS to the sandbox, no echo
/// call, no agent): the report.
fn probe_report(sb: &common::Sandbox, ari_url: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db").display().to_string();
    let out = sb
        .command()
        .env("VCCTL_ARI_URL", ari_url)
        .args([
            "latency-report",
            "--probe",
            "--no-call",
            "--sip-uri",
            "sip:echo@127.0.0.1:5060",
            "--agent-url",
            &format!("ws://127.0.0.1:{}", free_port()),
            "--db",
            &db,
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn probe_measures_ari_event_delivery_and_recovers_a_delay_in_front_of_ari() {
    let sb = sandbox();
    let direct = probe_report(&sb, &sb.url);
    let ari = component(&direct, "ari_websocket_event");
    assert_eq!(ari["samples"], 10, "{ari}");
    assert!(
        ari["source"].as_str().unwrap().contains("user event"),
        "{ari}"
    );
    let base = ari["p50_ms"].as_f64().unwrap();
    assert!((0.0..20.0).contains(&base), "{ari}");
    assert!(ari["p95_ms"].as_f64().unwrap() >= base, "{ari}");
    assert!(
        ari["details"]
            .to_string()
            .contains("REST send -> event received"),
        "{ari}"
    );
    // The probe app is gone afterwards, and serve's app was never touched.
    let apps = sb.json(&["apps"]);
    assert!(
        !apps.to_string().contains("vcctl-latency-probe"),
        "probe app left registered: {apps}"
    );

    // Every byte between vcctl and ARI (REST and the WebSocket) 40 ms late: an event reaches
    // the probe 40 ms later than Asterisk stamped it.
    let delay = 40.0;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let upstream: SocketAddr = sb
        .url
        .trim_start_matches("http://")
        .parse()
        .expect("sandbox ARI URL as http://IP:PORT");
    tcp_delay_relay(listener, upstream, Duration::from_secs_f64(delay / 1000.0));
    let relayed = probe_report(&sb, &format!("http://127.0.0.1:{port}"));
    let ari = component(&relayed, "ari_websocket_event");
    assert_eq!(ari["samples"], 10, "{ari}");
    let p50 = ari["p50_ms"].as_f64().unwrap();
    eprintln!("ARI event delivery: {base:.2} ms direct, {p50:.2} ms through a {delay} ms relay");
    close_to(p50 - base, delay, "ARI event delivery added by the relay");
    // REST send -> event received crosses the relay twice (request and event).
    let details = ari["details"].to_string();
    let send_p50: f64 = details
        .split("REST send -> event received p50 ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no send -> event figure in {details}"));
    close_to(
        send_p50,
        2.0 * delay,
        "REST send -> event received through the relay",
    );
}

/// One `vcctl call` with markers to the `test` extension through a fresh serve whose agent is
/// `sim` behind a TCP relay delaying every chunk by `delay_ms` each way: the caller's measured
/// round trip (ms), and the `latency-report --json` of that call.
fn echo_call_through_relay(
    sb: &common::Sandbox,
    sim: SocketAddr,
    delay_ms: u64,
) -> (f64, Value, Value) {
    let stack = Stack::start(
        sb,
        StackOptions {
            no_sim: true,
            ..Default::default()
        },
    );
    let listener = TcpListener::bind(("127.0.0.1", stack.sim_port)).unwrap();
    tcp_delay_relay(listener, sim, Duration::from_millis(delay_ms));
    let call = sb.json(&[
        "call",
        "sip:test@127.0.0.1:5060",
        "--tone",
        "1000",
        "--duration",
        "5",
    ]);
    stack.wait_no_calls(Duration::from_secs(10));
    let rt = &call["roundtrip"];
    assert!(rt["found"].as_u64().unwrap() >= 3, "markers lost: {rt}");
    let db = stack.db.display().to_string();
    let report = sb.json(&[
        "latency-report",
        "--db",
        &db,
        "--last",
        "1",
        "--target-ms",
        "2000",
    ]);
    let record = sb.json(&["calls", "list", "--db", &db, "--limit", "1"])[0].clone();
    let text = sb.ok(&[
        "latency-report",
        "--db",
        &db,
        "--last",
        "1",
        "--target-ms",
        "2000",
    ]);
    assert!(
        text.contains("Playout Queue (vcctl serve)") && text.contains("measured:"),
        "{text}"
    );
    assert!(!text.contains("within the target\n"), "{text}");
    drop(stack);
    (rt["median_ms"].as_f64().unwrap(), report, record)
}

#[test]
fn echo_round_trip_grows_by_the_agent_network_delay_and_the_report_adds_up_to_it() {
    let sb = sandbox();
    sb.force_clean();
    let sim_port = free_port();
    let mut sim = common::Spawned::start(common::bare_command().args([
        "agent-sim",
        "--listen",
        &format!("127.0.0.1:{sim_port}"),
        "--mode",
        "echo",
        "--response-delay-ms",
        "300",
        "--ping-interval-ms",
        "500",
    ]));
    assert!(sim
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening on"))
        .is_some());
    let sim_addr: SocketAddr = format!("127.0.0.1:{sim_port}").parse().unwrap();
    let mut base = None;
    for delay in [0u64, 20, 100] {
        let (measured, report, record) = echo_call_through_relay(&sb, sim_addr, delay);
        let rt = &report["round_trip"];
        let parts = rt["components_p50_ms"].as_f64().unwrap();
        eprintln!(
            "{delay} ms each way: the caller measured {measured:.1} ms; the report's rows add up \
             to {parts:.1} ms; serve measured {}; playout queue {}; {} stale packets dropped",
            rt["measured_p50_ms"],
            record["latency"]["playout_wait_ms"],
            record["rtp_inbound"]["stale_before_agent"]
        );
        // The rows of the report add up to what the caller measured.
        let tol = (measured * 0.10).max(5.0);
        assert!(
            (parts - measured).abs() <= tol,
            "{delay} ms: rows add up to {parts:.1} ms, the caller measured {measured:.1} ms: {report}"
        );
        assert_eq!(rt["consistent"], true, "{rt}");
        // Issue 11: an echo call has an agent figure (agent-sim's 300 ms, network taken out)
        // under the agent's own name, and a total with rows missing says it is partial.
        let agent = component(&report, "elevenlabs_processing");
        close_to(
            agent["p50_ms"].as_f64().unwrap(),
            300.0,
            "echo agent processing",
        );
        assert!(
            agent["name"]
                .as_str()
                .unwrap()
                .contains("agent at ws://127.0.0.1:"),
            "{agent}"
        );
        assert_eq!(report["total"]["partial"], true, "{}", report["total"]);
        let playout = component(&report, "playout_queue");
        assert!(playout["p50_ms"].as_f64().unwrap() <= 60.0, "{playout}");
        // No standing backlog: the queue drains down to 40 ms or below (serve's talkspurts
        // start on their first frame; a backlog may stand 40 ms above that) in every second
        // but those of one backlog the playout drops after standing its 2 s window. A stall
        // of this machine or the relay leaves such a backlog: the talkspurt went on with
        // silence and the late audio came at once. The 160 ms burst of issue 14 kept the
        // queue at 160 ms or more for the whole call.
        let depth = record["latency"]["playout_depth_ms"].as_array().unwrap();
        assert!(depth.len() >= 4, "{depth:?}");
        let mut run = 0;
        for d in depth {
            run = if d[0].as_u64().unwrap() > 40 {
                run + 1
            } else {
                0
            };
            assert!(
                run <= 3,
                "{delay} ms: a backlog stood over 3 s: playout queue depth per second {depth:?}"
            );
        }
        match base {
            None => base = Some(measured),
            Some(b) => {
                // The network adds its round trip to the caller's, and nothing else (the
                // lower bound only shows the relay did delay; a base call that met a hiccup
                // of this loaded machine may have lost a few ms to it).
                let grew = measured - b;
                let injected = 2.0 * delay as f64;
                assert!(
                    grew <= injected + 10.0 && grew >= injected * 0.5,
                    "{delay} ms each way: the round trip grew by {grew:.1} ms ({b:.1} -> \
                     {measured:.1}), the relay adds {injected} ms"
                );
                // serve answers only once the agent is connected (issue 12), so the caller's
                // audio starts after that and hardly anything queues before the conversation
                // is ready; the count is recorded either way (a dialplan that answers before
                // Stasis is where the drop matters).
                let stale = record["rtp_inbound"]["stale_before_agent"]
                    .as_u64()
                    .expect("stale_before_agent recorded");
                assert!(stale <= 5, "{delay} ms: {stale} stale packets");
            }
        }
    }
    let _ = sim.child.kill();
    sb.assert_clean();
}

/// MOS of one direction of a call record's leg: `rtp_inbound`/`rtp_outbound`, caller's leg.
fn caller_leg_mos(record: &Value, direction: &str) -> f64 {
    record[direction]["caller_leg"]["mos"]["mos"]
        .as_f64()
        .unwrap_or_else(|| panic!("no caller-leg MOS in {direction}: {}", record[direction]))
}

#[test]
fn mos_falls_when_a_relay_delays_and_drops_the_phone_leg_s_rtp() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let db = stack.db.display().to_string();
    let call = |uri: &str| {
        // 6 s: Asterisk's RTCP (1 s interval in the sandbox) reports our loss a few times.
        let v = sb.json(&["call", uri, "--duration", "6", "--no-markers"]);
        stack.wait_no_calls(Duration::from_secs(10));
        let rec = sb.json(&["calls", "list", "--db", &db, "--limit", "1"])[0].clone();
        (v, rec)
    };

    // Straight to Asterisk on loopback: near the G.711 ceiling of 4.41 everywhere.
    let (clean, clean_rec) = call("sip:test@127.0.0.1:5060");
    let clean_heard = clean["mos"]["received"]["mos"].as_f64().unwrap();
    assert!(clean_heard > 4.3, "clean call heard: {}", clean["mos"]);
    let clean_in = caller_leg_mos(&clean_rec, "rtp_inbound");
    let clean_out = caller_leg_mos(&clean_rec, "rtp_outbound");
    assert!(clean_in > 4.3 && clean_out > 4.3, "{clean_in} {clean_out}");
    let media = clean_rec["rtp_inbound"]["mos"]["mos"].as_f64().unwrap();
    assert!(media > 4.3, "media leg: {}", clean_rec["rtp_inbound"]);

    // Through a relay delaying SIP, RTP and RTCP by 150 ms each way and dropping every
    // 10th RTP packet each way: 10 % loss without concealment (Ie,eff 66) and Ta ~ 190 ms.
    let relay = sip_media_impair_relay(
        "127.0.0.1:5060".parse().unwrap(),
        Duration::from_millis(150),
        10,
    );
    let (bad, bad_rec) = call(&format!("sip:test@{relay}"));
    let heard = &bad["mos"]["received"];
    let loss = heard["loss_percent"].as_f64().unwrap();
    assert!((8.0..12.0).contains(&loss), "loss we heard: {heard}");
    assert_eq!(heard["delay_measured"], true, "{heard}");
    let heard = heard["mos"].as_f64().unwrap();
    assert!(
        heard < 2.5 && heard < clean_heard - 1.5,
        "heard {heard} vs {clean_heard}"
    );
    // What Asterisk heard of us (its RTCP report on our stream), in the call's result too.
    let sent = bad["mos"]["sent"]["mos"]
        .as_f64()
        .unwrap_or_else(|| panic!("{}", bad["mos"]));
    assert!(sent < 2.5, "far end: {}", bad["mos"]);
    // serve's record: both directions of the caller's leg fell; the media leg (loopback,
    // behind Asterisk) did not.
    let bad_in = caller_leg_mos(&bad_rec, "rtp_inbound");
    let bad_out = caller_leg_mos(&bad_rec, "rtp_outbound");
    assert!(
        bad_in < clean_in - 1.5,
        "caller -> Asterisk: {bad_in} vs {clean_in}"
    );
    assert!(
        bad_out < clean_out - 1.5,
        "Asterisk -> caller: {bad_out} vs {clean_out}"
    );
    assert_eq!(
        bad_rec["rtp_inbound"]["caller_leg"]["mos"]["delay_measured"], true,
        "{}",
        bad_rec["rtp_inbound"]
    );
    // calls stats: the worse call is the 5th percentile; calls show prints it.
    let stats = sb.json(&["calls", "stats", "--db", &db]);
    let all = stats["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["profile"] == "(all)")
        .unwrap()
        .clone();
    let p5 = all["mos_inbound_p5"].as_f64().unwrap();
    assert!(
        (p5 - bad_in.min(bad_rec["rtp_inbound"]["mos"]["mos"].as_f64().unwrap())).abs() < 1e-9,
        "{all}"
    );
    let id = bad_rec["id"].as_str().unwrap();
    let out = sb
        .command()
        .args(["calls", "show", id, "--db", &db])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("MOS (E-model, G.107)"), "{text}");
    // /metrics: two calls in the caller leg's histograms, one of them below 2.58.
    let metrics = stack.metrics();
    let line = |needle: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(needle))
            .unwrap_or_else(|| panic!("no {needle} in\n{metrics}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert_eq!(
        line(r#"vcctl_rtp_mos_count{leg="caller",direction="outbound"}"#),
        2.0
    );
    assert_eq!(
        line(r#"vcctl_rtp_mos_bucket{leg="caller",direction="outbound",le="2.58"}"#),
        1.0
    );
    // latency-report carries the same percentiles.
    let report = sb.json(&["latency-report", "--db", &db, "--last", "2"]);
    assert_eq!(report["mos"]["calls"], 2, "{}", report["mos"]);
    eprintln!(
        "MOS clean: heard {clean_heard}, caller leg in {clean_in} out {clean_out}; \
         150 ms + 10 % loss: heard {heard}, far end {sent}, caller leg in {bad_in} out {bad_out}"
    );
    eprintln!("vcctl call: {}", bad["mos"]);
    eprintln!(
        "serve's record: in {} out {}",
        bad_rec["rtp_inbound"]["caller_leg"], bad_rec["rtp_outbound"]["caller_leg"]
    );
    drop(stack);
    sb.assert_clean();
}
