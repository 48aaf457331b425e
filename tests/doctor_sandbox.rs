//! `vcctl doctor` against the sandbox Asterisk 22 (tests/common: one test at a time).
//!
//! Stand-ins: `vcctl events --app NAME` holds the app's events WebSocket as serve would,
//! `vcctl agent-sim` is the agent service, and a tiny HTTP server in this test answers
//! `/healthz` and `/readyz` like serve's API. The sandbox is loopback-only, so doctor runs
//! with `--local-only`. "Stopped Asterisk" is a closed port, so the shared sandbox keeps
//! running.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{bare_command, sandbox, Sandbox, Spawned};
use serde_json::Value;

fn sandbox_config_dir() -> PathBuf {
    let root = std::env::var("VCCTL_SANDBOX_DIR")
        .unwrap_or_else(|_| "/var/lib/vcctl-sandbox/rootfs".into());
    PathBuf::from(root.trim_end_matches('/')).join("etc/asterisk")
}

/// serve's HTTP API, as far as doctor asks: `/healthz` and `/readyz`.
struct ApiStandIn {
    url: String,
    stop: Arc<AtomicBool>,
}

impl ApiStandIn {
    fn start() -> ApiStandIn {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.set_nonblocking(true).unwrap();
        let url = format!("http://{}", l.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let st = stop.clone();
        std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                let Ok((mut c, _)) = l.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                c.set_nonblocking(false).ok();
                c.set_read_timeout(Some(Duration::from_secs(2))).ok();
                let mut buf = [0u8; 2048];
                let n = c.read(&mut buf).unwrap_or(0);
                let req = String::from_utf8_lossy(&buf[..n]);
                let (status, body) = if req.starts_with("GET /healthz") {
                    ("200 OK", "ok")
                } else if req.starts_with("GET /readyz") {
                    ("200 OK", r#"{"ready":true}"#)
                } else {
                    ("404 Not Found", r#"{"error":"not found"}"#)
                };
                let _ = write!(
                    c,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        ApiStandIn { url, stop }
    }
}

impl Drop for ApiStandIn {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// `vcctl agent-sim` on a free loopback port; returns it and its base URL.
fn agent_sim() -> (Spawned, String) {
    let mut sim = Spawned::start(bare_command().args(["agent-sim", "--listen", "127.0.0.1:0"]));
    let line = sim
        .wait_stderr(Duration::from_secs(10), |l| {
            l.contains("listening on ws://")
        })
        .unwrap_or_else(|| panic!("agent-sim did not start: {:?}", sim.seen_err));
    let addr = line
        .split("ws://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap()
        .to_string();
    (sim, format!("ws://{addr}"))
}

/// A unique app name, so other users of the sandbox's voiceclone-app are not disturbed.
fn app_name(tag: &str) -> String {
    format!("voiceclone-app-doctor-{tag}-{}", std::process::id())
}

fn doctor(
    sb: &Sandbox,
    app: &str,
    agent: &str,
    api: &str,
    extra: &[&str],
    env: &[(&str, &str)],
) -> (Value, Option<i32>, String) {
    let dir = sandbox_config_dir();
    let mut cmd = sb.command();
    for k in [
        "ELEVENLABS_API_KEY",
        "ELEVENLABS_BASE_URL",
        "ELEVENLABS_AGENT_ID",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args([
        "doctor",
        "--json",
        "--app",
        app,
        "--asterisk-config",
        dir.to_str().unwrap(),
        "--local-only",
        "--stun",
        "none",
        "--agent-url",
        agent,
        "--agent-id",
        "doctor-test-agent",
        "--api-url",
        api,
    ]);
    cmd.args(extra);
    let started = std::time::Instant::now();
    let out = cmd.output().expect("run vcctl doctor");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "doctor took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor printed non-JSON ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (v, out.status.code(), stderr)
}

fn item<'a>(report: &'a Value, check: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == check)
        .unwrap_or_else(|| panic!("no {check} item: {report:#}"))
}

const ITEMS: [&str; 11] = [
    "asterisk",
    "ari credentials",
    "app registered",
    "pjsip endpoints",
    "pjsip transports",
    "asterisk host name",
    "rtp range",
    "check-firewall",
    "agent",
    "http api",
    "clock",
];

#[test]
fn healthy_sandbox_is_all_pass() {
    let sb = sandbox();
    let app = app_name("ok");
    // The stand-in for serve: it holds the app's events WebSocket.
    let mut events = sb.spawn_events(&["--app", &app, "--timeout", "30"]);
    let (_sim, agent) = agent_sim();
    let api = ApiStandIn::start();
    let (r, code, stderr) = doctor(&sb, &app, &agent, &api.url, &[], &[]);
    let names: Vec<&str> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["check"].as_str().unwrap())
        .collect();
    assert_eq!(names, ITEMS);
    for name in ITEMS {
        assert_eq!(
            item(&r, name)["status"],
            "PASS",
            "{name}: {:#}",
            item(&r, name)
        );
    }
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(r["status"], "PASS");
    assert!(item(&r, "asterisk")["evidence"]
        .as_str()
        .unwrap()
        .contains("Asterisk 22."));
    assert!(item(&r, "app registered")["evidence"]
        .as_str()
        .unwrap()
        .contains(&app));
    assert!(item(&r, "pjsip endpoints")["evidence"]
        .as_str()
        .unwrap()
        .contains("PJSIP/anonymous"));
    assert!(item(&r, "pjsip transports")["evidence"]
        .as_str()
        .unwrap()
        .contains("transport-udp (udp 127.0.0.1:5060)"));
    // The sandbox's /etc/hosts names the machine (scripts/asterisk-sandbox.sh writes it).
    let host = item(&r, "asterisk host name")["evidence"].as_str().unwrap();
    assert!(
        host.contains("/etc/hosts (getent ahosts in Asterisk's root)"),
        "{host}"
    );
    assert!(host.contains(" resolves to 127.0.1.1 in "), "{host}");
    assert!(item(&r, "rtp range")["evidence"]
        .as_str()
        .unwrap()
        .contains("16384-32768"));
    assert!(item(&r, "agent")["evidence"]
        .as_str()
        .unwrap()
        .contains("WebSocket handshake"));
    // The text form is the same checklist.
    let mut cmd = sb.command();
    cmd.args([
        "doctor",
        "--app",
        &app,
        "--asterisk-config",
        sandbox_config_dir().to_str().unwrap(),
        "--local-only",
        "--stun",
        "none",
        "--agent-url",
        &agent,
        "--agent-id",
        "x",
        "--api-url",
        &api.url,
    ]);
    let text = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    assert!(text.trim_end().ends_with("doctor: 11 PASS"), "{text}");
    events.finish(Duration::from_secs(1));
}

#[test]
fn stopped_asterisk_fails_with_the_fix() {
    let sb = sandbox();
    let (_sim, agent) = agent_sim();
    let api = ApiStandIn::start();
    // A closed port stands in for a stopped Asterisk (the sandbox stays up for others).
    let (r, code, stderr) = doctor(
        &sb,
        &app_name("stopped"),
        &agent,
        &api.url,
        &["--ari-url", "http://127.0.0.1:1"],
        &[],
    );
    assert_eq!(code, Some(8), "{stderr}");
    let a = item(&r, "asterisk");
    assert_eq!(a["status"], "FAIL");
    assert!(
        a["evidence"].as_str().unwrap().contains("not reachable"),
        "{a}"
    );
    assert!(
        a["fix"].as_str().unwrap().starts_with("start Asterisk"),
        "{a}"
    );
    for name in ["ari credentials", "app registered", "pjsip endpoints"] {
        assert_eq!(item(&r, name)["status"], "SKIP", "{name}");
    }
    let h = item(&r, "asterisk host name");
    assert_eq!(h["status"], "SKIP", "{h}");
    assert!(
        h["evidence"]
            .as_str()
            .unwrap()
            .contains("nothing on this host listens on TCP port 1"),
        "{h}"
    );
    assert!(stderr.starts_with("vcctl: doctor found"), "{stderr}");
    assert!(stderr.contains("asterisk"), "{stderr}");
}

#[test]
fn wrong_password_fails_with_the_fix() {
    let sb = sandbox();
    let (_sim, agent) = agent_sim();
    let api = ApiStandIn::start();
    let (r, code, _) = doctor(
        &sb,
        &app_name("pw"),
        &agent,
        &api.url,
        &[],
        &[("ASTERISK_ARI_PASSWORD", "not-the-password")],
    );
    assert_eq!(code, Some(8));
    assert_eq!(item(&r, "asterisk")["status"], "PASS");
    let c = item(&r, "ari credentials");
    assert_eq!(c["status"], "FAIL");
    assert!(
        c["evidence"]
            .as_str()
            .unwrap()
            .contains("rejected user 'voiceclone'"),
        "{c}"
    );
    assert!(
        c["fix"].as_str().unwrap().contains("ASTERISK_ARI_PASSWORD"),
        "{c}"
    );
    assert!(
        !r.to_string().contains("not-the-password"),
        "the password leaked"
    );
    assert_eq!(item(&r, "app registered")["status"], "SKIP");
}

#[test]
fn missing_app_fails_with_the_fix() {
    let sb = sandbox();
    let (_sim, agent) = agent_sim();
    let api = ApiStandIn::start();
    let app = app_name("missing");
    let (r, code, _) = doctor(&sb, &app, &agent, &api.url, &[], &[]);
    assert_eq!(code, Some(8));
    let a = item(&r, "app registered");
    assert_eq!(a["status"], "FAIL");
    assert!(
        a["evidence"]
            .as_str()
            .unwrap()
            .contains(&format!("no client is connected as '{app}'")),
        "{a}"
    );
    assert!(
        a["fix"].as_str().unwrap().starts_with("start vcctl serve"),
        "{a}"
    );
    // Everything else is healthy.
    for name in ITEMS.iter().filter(|n| **n != "app registered") {
        assert_eq!(
            item(&r, name)["status"],
            "PASS",
            "{name}: {:#}",
            item(&r, name)
        );
    }
}

#[test]
fn agent_and_api_down_fail_with_fixes() {
    let sb = sandbox();
    let (r, code, _) = doctor(
        &sb,
        &app_name("down"),
        "ws://127.0.0.1:1",
        "http://127.0.0.1:1",
        &["--api", "none"],
        &[],
    );
    assert_eq!(code, Some(8));
    let a = item(&r, "agent");
    assert_eq!(a["status"], "FAIL");
    assert!(
        a["evidence"]
            .as_str()
            .unwrap()
            .contains("TCP to 127.0.0.1:1 failed"),
        "{a}"
    );
    let h = item(&r, "http api");
    assert_eq!(h["status"], "FAIL");
    assert!(
        h["fix"].as_str().unwrap().starts_with("start vcctl serve"),
        "{h}"
    );
}

/// Issue 13's first sequence: `events --app` exits on StasisStart while its channel is still
/// in Stasis. Asterisk keeps the app registered (its channel is subscribed) with no client;
/// `events --app` must take it rather than refuse, and doctor must not call that connected.
#[test]
fn a_registration_left_by_a_gone_client_is_not_a_live_client() {
    let sb = sandbox();
    sb.force_clean();
    let app = app_name("stale");
    let events = |extra: &[&str]| {
        let mut args = vec!["--app", &app, "--count", "1"];
        args.extend_from_slice(extra);
        sb.spawn_events(&args)
    };
    // A channel that stays in Stasis: its other half waits in the dialplan.
    let originate = || {
        sb.json(&[
            "originate",
            "Local/silence@vcctl-test",
            "--app",
            &app,
            "--app-args",
            "caller",
        ])
    };
    let mut first = events(&["--type", "StasisStart", "--timeout", "20"]);
    originate();
    assert_eq!(first.finish(Duration::from_secs(10)), Some(0));
    assert!(first.seen_out.iter().any(|l| l.contains("StasisStart")));
    let listed = sb.json(&["apps"]);
    let entry = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == app.as_str())
        .unwrap_or_else(|| panic!("Asterisk no longer lists {app}: {listed}"));
    assert!(
        !entry["channel_ids"].as_array().unwrap().is_empty(),
        "{entry}"
    );

    // doctor: registered, but nobody answers -> FAIL, with the fix.
    let (_sim, agent) = agent_sim();
    let api = ApiStandIn::start();
    let (r, code, _) = doctor(&sb, &app, &agent, &api.url, &[], &[]);
    let a = item(&r, "app registered");
    assert_eq!(a["status"], "FAIL", "{a}");
    assert!(
        a["evidence"]
            .as_str()
            .unwrap()
            .contains(&format!("'{app}' is registered, but no client answers")),
        "{a}"
    );
    assert!(
        a["fix"].as_str().unwrap().starts_with("start vcctl serve"),
        "{a}"
    );
    assert_eq!(code, Some(8));

    // `events --app` is not refused: it says what it found, then really holds the app.
    // (ChannelUserevent passes the filter: were probes shown, one would come first.)
    let mut second = events(&[
        "--type",
        "StasisStart",
        "--type",
        "ChannelUserevent",
        "--timeout",
        "20",
    ]);
    assert!(
        second
            .seen_err
            .iter()
            .any(|l| l.contains("is registered, but no client answers")
                && l.contains("registering it here")),
        "{:?}",
        second.seen_err
    );
    // With a live client, doctor PASSes with the client's answer as evidence.
    let (r, _, _) = doctor(&sb, &app, &agent, &api.url, &[], &[]);
    let a = item(&r, "app registered");
    assert_eq!(a["status"], "PASS", "{a}");
    let pid = second.child.id();
    let evidence = a["evidence"].as_str().unwrap();
    assert!(
        evidence.contains(&format!("is registered, and vcctl events (pid {pid}"))
            && evidence.contains(" ms; "),
        "{a}"
    );
    // ...a third registration is refused (exit 9) on that answer...
    let third = sb.vcctl(&["events", "--app", &app, "--timeout", "1"]);
    let err = String::from_utf8_lossy(&third.stderr);
    assert_eq!(third.status.code(), Some(9), "{err}");
    assert!(
        err.contains("is held by a live client: vcctl events"),
        "{err}"
    );
    // ...and the probes were answered, not shown: the first event shown is the new call's.
    originate();
    assert_eq!(second.finish(Duration::from_secs(10)), Some(0));
    assert_eq!(second.seen_out.len(), 1, "{:?}", second.seen_out);
    assert!(
        second.seen_out[0].contains("StasisStart"),
        "{:?}",
        second.seen_out
    );
    sb.force_clean();
}
