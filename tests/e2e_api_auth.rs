//! Who may look and act on serve's HTTP API (issue 17), end to end:
//!
//! - serve refuses a non-loopback `--http` without a token (exit 2, one sentence), and a bad
//!   token source, without ever printing the token; there is no flag that carries the token;
//! - serve against the sandbox listening on a veth address of this namespace, and a client in
//!   another network namespace (made here, joined by a veth pair; see
//!   tests/check_firewall_netns.rs for the same technique): `/healthz` and `/readyz` answer
//!   anyone, every other endpoint and every action gets a bare 401 without the right token and
//!   answers with it; `events --serve` (exit 4 without the token) and doctor (an "api token"
//!   row) from that namespace; the token never appears in serve's output or its command line.
//!
//! Namespace tests need root and `ip netns`; without them they fail saying so (as every
//! end-to-end test does: tests/common `cannot_run`).

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::stack::free_port;
use common::{bare_command, bin, sandbox, Spawned};

const TOKEN: &str = "e2e-api-token-5f0c1d2e3a4b";

fn sh(args: &[&str]) -> Output {
    common::run_ok(args)
}

/// A client namespace joined to this one by a veth pair; deleted (with the pair) on drop.
struct ClientNs {
    name: String,
    /// This namespace's end, where serve listens.
    here: String,
}

impl ClientNs {
    fn new() -> ClientNs {
        let id = std::process::id() % 100_000;
        let ns = ClientNs {
            name: format!("vcauth-c-{id}"),
            here: "10.203.7.1".into(),
        };
        let _ = Command::new("ip")
            .args(["netns", "delete", &ns.name])
            .output();
        sh(&["ip", "netns", "add", &ns.name]);
        let (a, b) = (format!("vah{id}"), format!("vac{id}"));
        sh(&[
            "ip", "link", "add", "name", &a, "type", "veth", "peer", "name", &b, "netns", &ns.name,
        ]);
        sh(&["ip", "addr", "add", &format!("{}/24", ns.here), "dev", &a]);
        sh(&["ip", "link", "set", &a, "up"]);
        let exec = |args: &[&str]| {
            let mut v = vec!["ip", "netns", "exec", &ns.name];
            v.extend_from_slice(args);
            sh(&v);
        };
        exec(&["ip", "addr", "add", "10.203.7.2/24", "dev", &b]);
        exec(&["ip", "link", "set", &b, "up"]);
        exec(&["ip", "link", "set", "lo", "up"]);
        ns
    }

    /// One HTTP/1.1 request from inside the client namespace: (status, body).
    fn request(
        &self,
        addr: SocketAddr,
        method: &str,
        path: &str,
        auth: Option<&str>,
    ) -> (u16, String) {
        let ns = self.name.clone();
        let (method, path) = (method.to_string(), path.to_string());
        let auth = auth
            .map(|a| format!("Authorization: {a}\r\n"))
            .unwrap_or_default();
        std::thread::spawn(move || {
            // setns moves only this thread into the client namespace.
            let f = File::open(format!("/run/netns/{ns}")).unwrap();
            assert_eq!(unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) }, 0);
            let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            write!(
                s,
                "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\nContent-Length: 0\r\n\r\n"
            )
            .unwrap();
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            let status = text
                .split(' ')
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or_else(|| panic!("no HTTP status in {text:?}"));
            let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
            (status, body)
        })
        .join()
        .unwrap()
    }

    /// `vcctl ARGS` inside the client namespace, with only `env` set.
    fn vcctl(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(bin()).args(args);
        c.env_clear().env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        c.current_dir(std::env::temp_dir());
        for (k, v) in env {
            c.env(k, v);
        }
        c.stdin(Stdio::null()).output().unwrap()
    }
}

impl Drop for ClientNs {
    fn drop(&mut self) {
        // Deleting the namespace deletes the veth pair with it.
        let _ = Command::new("ip")
            .args(["netns", "delete", &self.name])
            .output();
    }
}

#[test]
fn serve_refuses_a_network_listener_without_a_token_and_never_prints_one() {
    let port = free_port().to_string();
    let out = bare_command()
        .env_remove("VCCTL_API_TOKEN")
        .env_remove("VCCTL_API_TOKEN_FILE")
        .args(["serve", "--http", &format!("0.0.0.0:{port}")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("will not listen on 0.0.0.0") && err.contains("VCCTL_API_TOKEN"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");

    // A token that cannot be right is refused without being shown.
    let out = bare_command()
        .env("VCCTL_API_TOKEN", "shortsecret")
        .args(["serve", "--http", &format!("0.0.0.0:{port}")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("too short") && !err.contains("shortsecret"),
        "{err}"
    );
    // A token file that is not there: exit 5, named.
    let out = bare_command()
        .args(["serve", "--api-token-file", "/nonexistent/vcctl-token"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("/nonexistent/vcctl-token"), "{err}");
    // No flag carries the token itself (ps would show it), and help never shows the value.
    let out = bare_command()
        .args(["serve", "--api-token", TOKEN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let help = bare_command()
        .env("VCCTL_API_TOKEN", TOKEN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--api-token-file"), "{help}");
    assert!(!help.contains(TOKEN), "{help}");
}

#[test]
fn a_client_in_another_namespace_needs_the_token_for_all_but_health() {
    let sb = sandbox();
    common::require_netns("API auth namespace tests", &[]);
    let ns = ClientNs::new();
    let port = free_port();
    let addr: SocketAddr = format!("{}:{port}", ns.here).parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vcctl.db");
    let mut serve = Spawned::start(
        sb.command()
            .env("VCCTL_API_TOKEN", TOKEN)
            .env("RUST_LOG", "debug")
            .args([
                "serve",
                "--http",
                &addr.to_string(),
                "--agent-url",
                &format!("ws://127.0.0.1:{}", free_port()),
                "--db",
                &db.display().to_string(),
                "--rtp-ports",
                "42900-42949",
            ]),
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "serve did not listen on {addr}");
        std::thread::sleep(Duration::from_millis(100));
    }
    // `ps` shows no token: serve's command line does not carry it.
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", serve.child.id())).unwrap();
    assert!(!String::from_utf8_lossy(&cmdline).contains(TOKEN));

    let bearer = format!("Bearer {TOKEN}");
    let wrong = format!("Bearer {TOKEN}x");
    // Health and readiness answer anyone.
    assert_eq!(
        ns.request(addr, "GET", "/healthz", None),
        (200, "ok\n".into())
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while ns.request(addr, "GET", "/readyz", None).0 != 200 {
        assert!(Instant::now() < deadline, "serve not ready");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Everything else: the same bare 401 without the right token, an answer with it.
    for path in [
        "/calls",
        "/calls/none",
        "/metrics",
        "/settings",
        "/events",
        "/nowhere",
    ] {
        for auth in [None, Some(wrong.as_str()), Some(TOKEN), Some("Bearer")] {
            let (status, body) = ns.request(addr, "GET", path, auth);
            assert_eq!(
                (status, body.as_str()),
                (401, r#"{"error":"unauthorized"}"#),
                "{path} {auth:?}"
            );
        }
    }
    assert_eq!(
        ns.request(addr, "GET", "/calls", Some(&bearer)),
        (200, "[]".into())
    );
    let (status, settings) = ns.request(addr, "GET", "/settings", Some(&bearer));
    assert_eq!(status, 200);
    assert!(settings.contains(r#""api_token_set":true"#), "{settings}");
    assert!(!settings.contains(TOKEN), "{settings}");
    assert_eq!(ns.request(addr, "GET", "/metrics", Some(&bearer)).0, 200);
    assert_eq!(ns.request(addr, "GET", "/nowhere", Some(&bearer)).0, 404);
    // Actions (anything but GET/HEAD) need it too; with it they reach the router.
    for method in ["POST", "DELETE"] {
        assert_eq!(ns.request(addr, method, "/calls/none/hangup", None).0, 401);
        assert_eq!(
            ns.request(addr, method, "/calls/none/hangup", Some(&wrong))
                .0,
            401
        );
        assert_ne!(
            ns.request(addr, method, "/calls/none/hangup", Some(&bearer))
                .0,
            401
        );
    }

    // events --serve from the other namespace: exit 4 without the token; with it, past the
    // gate (no ARI event arrives in 2 s: exit 7, timed out).
    let url = format!("http://{addr}");
    let out = ns.vcctl(
        &[],
        &["events", "--serve", &url, "--count", "1", "--timeout", "2"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("401") && err.contains("VCCTL_API_TOKEN"),
        "{err}"
    );
    let out = ns.vcctl(
        &[("VCCTL_API_TOKEN", TOKEN)],
        &["events", "--serve", &url, "--count", "1", "--timeout", "2"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{err}");
    assert!(!err.contains(TOKEN), "{err}");

    // doctor from there: without the token it says serve wants one; with it, no such row.
    let doctor = |env: &[(&str, &str)]| {
        let mut e = vec![
            ("VCCTL_ARI_URL", "http://127.0.0.1:1"),
            ("ASTERISK_ARI_PASSWORD", "x"),
        ];
        e.extend_from_slice(env);
        let out = ns.vcctl(&e, &["doctor", "--api-url", &url, "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "doctor --json: {e}: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        v.to_string()
    };
    let without = doctor(&[]);
    assert!(
        without.contains("api token") && without.contains("HTTP 401"),
        "{without}"
    );
    let with = doctor(&[("VCCTL_API_TOKEN", TOKEN)]);
    assert!(!with.contains("api token"), "{with}");
    assert!(!with.contains(TOKEN) && !without.contains(TOKEN));

    // serve's own output (debug logging) never shows the token.
    assert_eq!(serve.interrupt(Duration::from_secs(20)), Some(0));
    let all = format!(
        "{}\n{}",
        serve.seen_out.join("\n"),
        serve.seen_err.join("\n")
    );
    assert!(!all.contains(TOKEN), "token in serve's output:\n{all}");
    drop(ns);
    sb.assert_clean();
}
