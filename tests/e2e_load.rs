//! `vcctl serve` under load, end to end: many `vcctl call` processes at once through the
//! sandbox Asterisk (the deployment's configs), serve and agent-sim in echo mode. Every
//! call must get audio or a clean refusal (a final SIP error before any answer), and
//! nothing may stay behind in Asterisk or serve: no channel, no bridge, no RTP socket.
//! Also: a caller killed mid-call (no BYE) is ended by serve's --media-timeout and by
//! Asterisk's own rtp_timeout, and the periodic reconciliation releases what belongs to no
//! call.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use common::sandbox;
use common::stack::{Stack, StackOptions};

const SIM: &[&str] = &[
    "--mode",
    "echo",
    "--response-delay-ms",
    "0",
    "--ping-interval-ms",
    "500",
];

/// One finished `vcctl call`: exit code, JSON report (null when refused), stderr, and how
/// long the process ran.
struct Done {
    code: Option<i32>,
    report: Value,
    stderr: String,
    took: Duration,
}

fn call_cmd(sb: &common::Sandbox, uri: &str, secs: u32) -> Command {
    let mut c = sb.command();
    c.args([
        "call",
        uri,
        "--tone",
        "1000",
        "--duration",
        &secs.to_string(),
        "--timeout",
        "20",
        "--json",
    ]);
    c
}

/// Start `n` calls at the same moment; wait for all of them.
fn burst(sb: &common::Sandbox, n: usize, secs: u32) -> Vec<Done> {
    let started = Instant::now();
    let children: Vec<Child> = (0..n)
        .map(|_| {
            call_cmd(sb, "sip:test@127.0.0.1:5060", secs)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn vcctl call")
        })
        .collect();
    let waiters: Vec<_> = children
        .into_iter()
        .map(|c| {
            std::thread::spawn(move || {
                let out = c.wait_with_output().expect("wait for vcctl call");
                Done {
                    code: out.status.code(),
                    report: serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                    took: started.elapsed(),
                }
            })
        })
        .collect();
    waiters.into_iter().map(|w| w.join().unwrap()).collect()
}

/// Round-trip markers found in the returning audio: the agent's echo came back.
fn heard_audio(d: &Done) -> bool {
    d.code == Some(0) && d.report["roundtrip"]["found"].as_u64().unwrap_or(0) > 0
}

/// Refused with a final SIP error before any answer (exit 6, the status in the sentence).
fn refused_with(d: &Done, status: &str) -> bool {
    d.code == Some(6) && d.stderr.contains(&format!("failed: {status}"))
}

fn assert_nothing_left(sb: &common::Sandbox, stack: &Stack) {
    stack.wait_no_calls(Duration::from_secs(15));
    sb.assert_clean();
    assert_eq!(
        stack.rtp_sockets_open(),
        0,
        "serve still holds RTP sockets of ended calls"
    );
}

#[test]
fn a_burst_of_40_calls_through_serve_all_hear_the_agent_and_leave_nothing() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: SIM,
            ..Default::default()
        },
    );
    let done = burst(&sb, 40, 6);
    let silent: Vec<String> = done
        .iter()
        .filter(|d| !heard_audio(d))
        .map(|d| {
            format!(
                "exit {:?}: {} {}",
                d.code,
                d.stderr.trim(),
                d.report["roundtrip"]
            )
        })
        .collect();
    if !silent.is_empty() {
        // Keep serve's records (playout counters, per-call timings) for the post-mortem.
        // (once serve has written the records of the ended calls; SQLite's WAL holds them)
        stack.wait_no_calls(Duration::from_secs(15));
        let kept = std::env::temp_dir().join(format!("e2e_load-burst-{}.db", std::process::id()));
        for ext in ["", "-wal", "-shm"] {
            let mut from = stack.db.clone().into_os_string();
            from.push(ext);
            let mut to = kept.clone().into_os_string();
            to.push(ext);
            let _ = std::fs::copy(from, to);
        }
        let reports: Vec<String> = done
            .iter()
            .filter(|d| !heard_audio(d))
            .map(|d| d.report.to_string())
            .collect();
        panic!(
            "{} of 40 calls without audio: {silent:?}; their reports: {reports:?}; serve's records kept in {}; serve said: {:?}",
            silent.len(),
            kept.display(),
            stack.serve.stderr.try_iter().collect::<Vec<_>>()
        );
    }
    assert_nothing_left(&sb, &stack);
    let m = stack.metrics();
    assert!(m.contains("vcctl_calls_active 0"), "{m}");
}

#[test]
fn past_max_calls_the_extra_calls_get_503_at_once_and_the_rest_hear_the_agent() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: SIM,
            serve_args: &["--max-calls", "6"],
            ..Default::default()
        },
    );
    let done = burst(&sb, 12, 6);
    let heard = done.iter().filter(|d| heard_audio(d)).count();
    let refused: Vec<&Done> = done.iter().filter(|d| refused_with(d, "503")).collect();
    let other: Vec<String> = done
        .iter()
        .filter(|d| !heard_audio(d) && !refused_with(d, "503"))
        .map(|d| format!("exit {:?}: {}", d.code, d.stderr.trim()))
        .collect();
    assert!(other.is_empty(), "neither audio nor a 503: {other:?}");
    assert_eq!(heard, 6, "calls with audio");
    assert_eq!(refused.len(), 6, "calls refused");
    for r in &refused {
        // A final answer, not a call answered and then hung up: no media, no round trip.
        assert!(r.report.is_null(), "{}", r.report);
        assert!(
            r.took < Duration::from_secs(5),
            "a refused call took {:?} to get its final answer",
            r.took
        );
    }
    // Issue #12's bar for overload: every call has its final response within 5 s (the
    // answered ones too), and 10 s after the last caller hung up (`burst` returns when the
    // last `vcctl call` has exited) no channel or bridge is left.
    for d in done.iter().filter(|d| heard_audio(d)) {
        let final_ms = d.report["sip"]["invite_to_final_ms"]
            .as_f64()
            .unwrap_or(f64::MAX);
        assert!(
            final_ms < 5000.0,
            "an answered call waited {final_ms} ms for its 200 OK"
        );
    }
    sb.assert_clean(); // at most 10 s
    assert_nothing_left(&sb, &stack);
    let m = stack.metrics();
    assert!(
        m.contains("vcctl_calls_refused_total{reason=\"max_calls\"} 6"),
        "{m}"
    );
}

/// Start one long call, wait until serve has bridged it, then kill -9 the caller: no BYE,
/// no more RTP.
fn vanish_mid_call(sb: &common::Sandbox, uri: &str, wait_up: impl Fn()) -> Instant {
    let mut child = call_cmd(sb, uri, 120)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn vcctl call");
    wait_up();
    std::thread::sleep(Duration::from_secs(1));
    child.kill().expect("kill -9 the caller");
    let _ = child.wait();
    Instant::now()
}

#[test]
fn a_caller_killed_mid_call_is_ended_by_serve_after_the_media_timeout() {
    vanished_caller_ended_by_serve(&["--media-timeout", "3"]);
}

#[test]
fn over_websocket_media_a_caller_killed_mid_call_is_ended_by_serve_after_the_media_timeout() {
    vanished_caller_ended_by_serve(&["--media-timeout", "3", "--transport", "websocket"]);
}

/// kill -9 of a `vcctl call` through `test@` (no BYE): serve ends the call after its 3 s
/// `--media-timeout`, well before Asterisk's own rtp_timeout (15 s), and records why.
fn vanished_caller_ended_by_serve(serve_args: &'static [&'static str]) {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: SIM,
            serve_args,
            ..Default::default()
        },
    );
    let killed = vanish_mid_call(&sb, "sip:test@127.0.0.1:5060", || {
        stack.wait_bridged(1, Duration::from_secs(15))
    });
    // Within the timeout (3 s) and a watchdog step; Asterisk's own rtp_timeout (15 s) must
    // not be what ended it.
    stack.wait_no_calls(Duration::from_secs(8));
    assert!(killed.elapsed() < Duration::from_secs(10));
    sb.assert_clean();
    assert_eq!(stack.rtp_sockets_open(), 0);
    let out = sb.vcctl(&[
        "calls",
        "list",
        "--db",
        stack.db.to_str().unwrap(),
        "--json",
    ]);
    let records: Value = serde_json::from_slice(&out.stdout).expect("calls list JSON");
    let cause = records[0]["end_cause"].as_str().unwrap_or_default();
    assert!(
        cause.contains("no media from the caller for 3 s"),
        "{}",
        records[0]
    );
}

#[test]
fn a_caller_killed_mid_call_is_hung_up_by_asterisks_rtp_timeout() {
    let sb = sandbox();
    sb.force_clean();
    // The echo test: no serve involved, only the deployment's pjsip.conf (rtp_timeout=15).
    let killed = vanish_mid_call(&sb, "sip:echo@127.0.0.1:5060", || {
        let deadline = Instant::now() + Duration::from_secs(10);
        while sb
            .json(&["channels", "list"])
            .as_array()
            .is_none_or(|a| a.is_empty())
        {
            assert!(Instant::now() < deadline, "the echo call never came up");
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let deadline = killed + Duration::from_secs(25);
    loop {
        let ch = sb.json(&["channels", "list"]);
        if ch.as_array().is_some_and(|a| a.is_empty()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Asterisk kept the vanished caller's channel: {ch}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let after = killed.elapsed();
    assert!(
        after >= Duration::from_secs(10),
        "gone after {after:?}: before rtp_timeout, so something else ended it"
    );
}

#[test]
fn the_reconciliation_releases_what_belongs_to_no_call() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: SIM,
            serve_args: &["--reconcile-secs", "1"],
            ..Default::default()
        },
    );
    // What a lost teardown request leaves: a bridge serve named, and an externalMedia
    // channel of serve's app that no call owns.
    sb.ok(&["bridge", "create", "--name", "vcctl-orphan-test"]);
    let url = format!(
        "{}/ari/channels/externalMedia?app=voiceclone-app&external_host=127.0.0.1:9&format=ulaw&channelId=vcctl-em-orphan",
        sb.url
    );
    let out = Command::new("curl")
        .args(["-fsS", "-X", "POST", "-u"])
        .arg(format!("{}:{}", sb.user, sb.password))
        .arg(&url)
        .output()
        .expect("curl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And a live call, which must survive.
    let caller = common::stack::call(&sb);
    stack.wait_bridged(1, Duration::from_secs(15));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ch = sb.json(&["channels", "list"]);
        let br = sb.json(&["bridge", "list"]);
        let orphan_ch = ch
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "vcctl-em-orphan");
        let orphan_br = br
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["name"] == "vcctl-orphan-test");
        if !orphan_ch && !orphan_br {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not released: channels {ch}, bridges {br}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let live = stack.calls();
    assert_eq!(live.as_array().map(|a| a.len()), Some(1), "{live}");
    assert_eq!(live[0]["state"], "bridged", "{live}");
    assert!(stack
        .metrics()
        .contains("vcctl_ari_orphans_released_total 2"));
    sb.ok(&["channels", "hangup", &caller]);
    assert_nothing_left(&sb, &stack);
}

/// CI's soak (issue 12): `scripts/soak.sh --short`, 50 calls (2 s) one after another, then 20 at
/// once for 30 s, through the sandbox Asterisk, a serve and an echo agent-sim of the
/// script's own. Every call must hear the agent, and afterwards Asterisk holds no channel or
/// bridge, serve no call, and serve's sockets and file descriptors are back where they were
/// (the script's own checks, which make it exit 1). The full soak (1,000 calls, then 100 at
/// once for 10 minutes) is a command: docs/benchmarks.md.
#[test]
fn the_short_soak_hears_the_agent_on_every_call_and_leaks_nothing() {
    let sb = sandbox();
    sb.force_clean();
    let out = Command::new(common::repo().join("scripts/soak.sh"))
        .arg("--short")
        // 2 s calls in sequence, not 1 s: a 1 s call sends one marker about 0.5 s in, and on a
        // machine busy with other builds its echo (300 ms agent delay and two hops) came back
        // after the call ended in 4 of 33 calls (exit 12), which is not a leak.
        .env("SEQ_SECS", "2")
        .env("VCCTL", common::bin())
        .env("VCCTL_ARI_URL", &sb.url)
        .env("ASTERISK_ARI_USERNAME", &sb.user)
        .env("ASTERISK_ARI_PASSWORD", &sb.password)
        .output()
        .expect("run scripts/soak.sh");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the short soak failed: {err}");
    // "soak: calls: N with audio, 0 refused, 0 failed": the 50 in sequence and at least one
    // round of the 20 at once (each 10 s in a 30 s phase) had audio, nothing was refused.
    let line = err
        .lines()
        .find(|l| l.starts_with("soak: calls: "))
        .unwrap_or_else(|| panic!("no summary line: {err}"));
    let audio: usize = line["soak: calls: ".len()..]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(audio >= 70, "{line}");
    assert!(line.ends_with("with audio, 0 refused, 0 failed"), "{line}");
    assert!(err.contains("soak: OK: nothing leaked"), "{err}");
    sb.assert_clean();
}
