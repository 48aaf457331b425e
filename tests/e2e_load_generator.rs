//! `vcctl load` end to end: against its own answerer (`vcctl load --answer`), through the
//! sandbox Asterisk, `vcctl serve` and `vcctl agent-sim --mode echo`, and its audit of what
//! Asterisk keeps after a run.

mod common;

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use common::stack::{Stack, StackOptions};
use common::{bare_command, sandbox, Spawned};

fn run_json(cmd: &mut Command) -> (Option<i32>, Value, String) {
    let out = cmd.output().expect("run vcctl load");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code(), v, stderr)
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Every call answered, with audio both ways and a round trip from its markers.
fn assert_all_answered_with_audio(v: &Value, n: u64) {
    let s = &v["steps"][0];
    assert_eq!(s["attempted"], n, "{s}");
    assert_eq!(s["answered"], n, "{s}");
    assert_eq!(s["no_audio"], 0, "{s}");
    assert_eq!(s["one_way_audio"], 0, "{s}");
    assert_eq!(s["slo_met"], true, "{s}");
    let calls = v["calls"].as_array().unwrap();
    assert_eq!(calls.len() as u64, n);
    for c in calls {
        assert_eq!(c["outcome"], "answered", "{c}");
        assert_eq!(c["audio"], "two_way", "{c}");
        assert!(c["markers_found"].as_u64().unwrap() >= 1, "{c}");
        assert!(c["rtp_received"].as_u64().unwrap() > 50, "{c}");
    }
}

#[test]
fn load_against_its_own_answerer() {
    let port = free_udp_port();
    let mut answerer = Spawned::start(bare_command().args([
        "load",
        "--answer",
        "--listen",
        &format!("127.0.0.1:{port}"),
    ]));
    assert!(
        answerer
            .wait_stderr(Duration::from_secs(10), |l| l.contains("listening on"))
            .is_some(),
        "the answerer did not start: {:?}",
        answerer.seen_err
    );
    let uri = format!("sip:load@127.0.0.1:{port}");
    let (code, v, err) = run_json(bare_command().args([
        "load",
        &uri,
        "--concurrency",
        "20",
        "--calls",
        "40",
        "--hold",
        "2.5",
        "--rate",
        "0",
        "--json",
    ]));
    assert_eq!(code, Some(0), "{err}\n{v}");
    assert_all_answered_with_audio(&v, 40);
    let s = &v["steps"][0];
    // Loopback and an echo that answers at once: no loss, a round trip of a few ms.
    assert_eq!(s["loss_percent"], 0.0, "{s}");
    assert!(s["roundtrip_p95_ms"].as_f64().unwrap() < 50.0, "{s}");
    assert!(s["setup_p95_ms"].as_f64().unwrap() < 1000.0, "{s}");
    assert!(s["cpu_percent"].as_f64().is_some(), "{s}");
    // Every call is its own RTP socket: 40 distinct Call-IDs, all ended by our BYE.
    let ids: std::collections::BTreeSet<&str> = v["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["call_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 40);

    // A bound no round trip meets: the step misses the SLO, exit 8, and the text names why.
    let out = bare_command()
        .args([
            "load",
            &uri,
            "--concurrency",
            "2",
            "--hold",
            "1.5",
            "--slo-roundtrip-ms",
            "0",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(8), "{text}");
    assert!(text.contains("missed the SLO: round trip p95"), "{text}");
    assert!(text.contains("no step met the SLO"), "{text}");

    assert_eq!(answerer.interrupt(Duration::from_secs(10)), Some(0));
    let summary = answerer.seen_out.join("\n");
    assert!(
        summary.contains("answered 42 call(s) (0 refused, 42 ended by BYE, 0 still up)"),
        "{summary}"
    );
}

#[test]
fn load_through_serve_and_the_echo_agent_answers_every_call_with_audio() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &[
                "--mode",
                "echo",
                "--response-delay-ms",
                "60",
                "--ping-interval-ms",
                "500",
            ],
            ..Default::default()
        },
    );
    let serve = format!("http://127.0.0.1:{}", stack.http);
    let (code, v, err) = run_json(sb.command().args([
        "load",
        "sip:test@127.0.0.1:5060",
        "--concurrency",
        "10",
        "--calls",
        "20",
        "--hold",
        "4",
        "--rate",
        "20",
        "--audit-ari",
        "--settle",
        "2",
        "--serve",
        &serve,
        "--json",
    ]));
    assert_eq!(code, Some(0), "{err}\n{v}");
    assert_all_answered_with_audio(&v, 20);
    let s = &v["steps"][0];
    // Asterisk both ways, serve's chunking and prebuffer, the agent's 60 ms.
    let rt = s["roundtrip_p50_ms"].as_f64().unwrap();
    assert!(rt > 60.0 && rt < 500.0, "{s}");
    let audit = &v["audit"];
    assert_eq!(audit["clean"], true, "{audit}");
    assert_eq!(audit["channels"].as_array().unwrap().len(), 0);
    assert_eq!(audit["bridges"].as_array().unwrap().len(), 0);
    assert_eq!(audit["serve_calls"].as_array().unwrap().len(), 0, "{audit}");
    stack.wait_no_calls(Duration::from_secs(10));
    sb.assert_clean();
}

#[test]
fn audit_ari_catches_a_channel_left_up() {
    let sb = sandbox();
    sb.force_clean();
    // A silent Local channel pair nobody hangs up.
    let left = sb.json(&[
        "originate",
        "Local/silence@vcctl-test",
        "--context",
        "vcctl-test",
        "--extension",
        "silence",
    ]);
    let left_id = left["id"].as_str().unwrap().to_string();
    let (code, v, err) = run_json(sb.command().args([
        "load",
        "sip:echo@127.0.0.1:5060",
        "--concurrency",
        "2",
        "--hold",
        "1.5",
        "--audit-ari",
        "--settle",
        "1",
        "--serve",
        "none",
        "--json",
    ]));
    sb.force_clean();
    assert_eq!(code, Some(8), "{err}\n{v}");
    assert!(err.contains("left after the load"), "{err}");
    // The calls themselves were fine: the echo extension returns every marker.
    assert_all_answered_with_audio(&v, 2);
    let audit = &v["audit"];
    assert_eq!(audit["clean"], false);
    let channels: Vec<&str> = audit["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        channels.iter().any(|c| c.starts_with(&left_id)),
        "{left_id} not in {channels:?}"
    );
    assert!(
        channels
            .iter()
            .all(|c| c.contains("Local/silence@vcctl-test")),
        "{channels:?}"
    );
    assert!(audit["serve_calls"].is_null());
    sb.assert_clean();
}
