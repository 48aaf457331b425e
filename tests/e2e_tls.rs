//! ARI over TLS against the sandbox Asterisk 22 with HTTPS switched on
//! (`VCCTL_SANDBOX_TLS_CERT`/`_KEY`, scripts/asterisk-sandbox.sh), with a CA and server
//! certificates this test makes (rcgen). A certificate vcctl does not trust is named for what
//! it is, with exit code 11, never "not reachable"; with the CA given, REST, `events` over wss
//! and `serve` work. The sandbox goes back to plain HTTP only at the end (also on failure).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::stack::{call, free_port, http_get};
use common::{bare_command, repo, sandbox, Sandbox, Spawned};
use rcgen::{
    date_time_ymd, BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair,
    KeyUsagePurpose,
};

const HTTPS: &str = "https://127.0.0.1:8089";

struct Pki {
    dir: tempfile::TempDir,
    ca: Certificate,
    ca_key: KeyPair,
    ca_pem: PathBuf,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let ca = ca_params(&[]).self_signed(&ca_key).unwrap();
        let ca_pem = dir.path().join("ca.pem");
        std::fs::write(&ca_pem, ca.pem()).unwrap();
        Pki {
            dir,
            ca,
            ca_key,
            ca_pem,
        }
    }

    /// A server certificate for `names`, signed by the CA; `expired` puts its validity in 2020.
    fn server(&self, tag: &str, names: &[&str], expired: bool) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .unwrap();
        p.distinguished_name
            .push(DnType::CommonName, names.first().copied().unwrap_or("x"));
        if expired {
            p.not_before = date_time_ymd(2020, 1, 1);
            p.not_after = date_time_ymd(2021, 1, 1);
        }
        let cert = p.signed_by(&key, &self.ca, &self.ca_key).unwrap();
        self.write(tag, &cert, &key)
    }

    /// What a plain `openssl req -x509` gives: a self-signed CA certificate used as the
    /// server's own.
    fn ca_as_server(&self, tag: &str) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().unwrap();
        let cert = ca_params(&["127.0.0.1"]).self_signed(&key).unwrap();
        self.write(tag, &cert, &key)
    }

    fn write(&self, tag: &str, cert: &Certificate, key: &KeyPair) -> (PathBuf, PathBuf) {
        let c = self.dir.path().join(format!("{tag}-cert.pem"));
        let k = self.dir.path().join(format!("{tag}-key.pem"));
        std::fs::write(&c, cert.pem()).unwrap();
        std::fs::write(&k, key.serialize_pem()).unwrap();
        (c, k)
    }
}

fn ca_params(names: &[&str]) -> CertificateParams {
    let mut p =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name
        .push(DnType::CommonName, "vcctl e2e test CA");
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p
}

/// The sandbox with HTTPS on 8089 for as long as it lives; plain HTTP only again after.
struct TlsSandbox;

impl TlsSandbox {
    fn with(files: (PathBuf, PathBuf)) -> TlsSandbox {
        sandbox_up(Some(files));
        TlsSandbox
    }
}

impl Drop for TlsSandbox {
    fn drop(&mut self) {
        sandbox_up(None);
    }
}

fn sandbox_up(tls: Option<(PathBuf, PathBuf)>) {
    let mut c = Command::new(repo().join("scripts/asterisk-sandbox.sh"));
    c.arg("up");
    match &tls {
        Some((cert, key)) => c
            .env("VCCTL_SANDBOX_TLS_CERT", cert)
            .env("VCCTL_SANDBOX_TLS_KEY", key),
        None => c
            .env_remove("VCCTL_SANDBOX_TLS_CERT")
            .env_remove("VCCTL_SANDBOX_TLS_KEY"),
    };
    let out = c.output().expect("run asterisk-sandbox.sh");
    assert!(
        out.status.success(),
        "asterisk-sandbox.sh up (tls: {tls:?}) failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// vcctl against ARI at `url`, with `--ca-cert` when given.
fn https(sb: &Sandbox, url: &str, ca: Option<&Path>, args: &[&str]) -> Output {
    let mut c = sb.command();
    c.env("VCCTL_ARI_URL", url);
    if let Some(ca) = ca {
        c.arg("--ca-cert").arg(ca);
    }
    c.args(args).output().expect("run vcctl")
}

/// Exit code 11 with a message that contains every one of `words`.
fn refused(out: &Output, words: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(11), "{err}");
    for w in words {
        assert!(err.contains(w), "missing {w:?} in: {err}");
    }
    assert!(!err.contains("not reachable"), "{err}");
}

#[test]
fn with_the_ca_rest_events_and_serve_work_over_tls_and_without_it_the_issuer_is_named() {
    let sb = sandbox();
    sb.force_clean();
    let pki = Pki::new();
    let _tls = TlsSandbox::with(pki.server("good", &["127.0.0.1"], false));
    let ca = pki.ca_pem.as_path();

    // Not trusted without the CA: said so, with the flag that fixes it (REST and WebSocket).
    refused(
        &https(&sb, HTTPS, None, &["info"]),
        &["answered over TLS", "unknown issuer", "--ca-cert FILE"],
    );
    refused(
        &https(
            &sb,
            HTTPS,
            None,
            // --take-over: straight to the WebSocket (no REST liveness probe first)
            &[
                "events",
                "--app",
                "vcctl-e2e-tls",
                "--take-over",
                "--timeout",
                "1",
            ],
        ),
        &["events WebSocket", "unknown issuer", "--ca-cert FILE"],
    );
    // The certificate names 127.0.0.1, not localhost: both names are said.
    refused(
        &https(&sb, "https://localhost:8089", Some(ca), &["info"]),
        &["its certificate is for '127.0.0.1', not for 'localhost'"],
    );

    // With the CA: REST, and events over wss.
    let info = https(&sb, HTTPS, Some(ca), &["info", "--json"]);
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert!(v.to_string().contains("22."), "{v}");
    let ev = https(
        &sb,
        HTTPS,
        Some(ca),
        &["events", "--app", "vcctl-e2e-tls", "--timeout", "1"],
    );
    let err = String::from_utf8_lossy(&ev.stderr);
    assert_eq!(ev.status.code(), Some(0), "{err}");
    assert!(
        err.contains("listening for ARI events as app 'vcctl-e2e-tls'"),
        "{err}"
    );

    // serve over https + wss: ready (its events WebSocket is up), and a call gets bridged
    // (answer, externalMedia and the bridge are REST over https).
    let sim_port = free_port();
    let mut sim = Spawned::start(bare_command().args([
        "agent-sim",
        "--listen",
        &format!("127.0.0.1:{sim_port}"),
    ]));
    assert!(sim
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening on"))
        .is_some());
    let http = free_port();
    let db = pki.dir.path().join("vcctl.db");
    let mut serve = Spawned::start(
        sb.command()
            .env("VCCTL_ARI_URL", HTTPS)
            .env("VCCTL_CA_CERT", ca)
            .env("ELEVENLABS_AGENT_ID", "sim-agent")
            .args([
                "serve",
                "--agent-url",
                &format!("ws://127.0.0.1:{sim_port}"),
                "--http",
                &format!("127.0.0.1:{http}"),
                "--db",
                db.to_str().unwrap(),
            ]),
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while http_get(http, "/readyz").map(|r| r.0) != Some(200) {
        assert!(
            Instant::now() < deadline,
            "serve over TLS did not become ready: {:?}",
            serve.stderr.try_iter().collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let chan = call(&sb);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, body) = http_get(http, "/calls").expect("GET /calls");
        if body.contains("\"bridged\"") {
            break;
        }
        assert!(Instant::now() < deadline, "no bridged call: {body}");
        std::thread::sleep(Duration::from_millis(50));
    }
    sb.ok(&["channels", "hangup", &chan]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while http_get(http, "/calls").is_some_and(|(_, b)| b.trim() != "[]") {
        assert!(Instant::now() < deadline, "the call did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
    unsafe {
        libc::kill(serve.child.id() as i32, libc::SIGTERM);
    }
    assert_eq!(serve.finish(Duration::from_secs(15)), Some(0));
    sb.assert_clean();
}

#[test]
fn expired_and_ca_as_server_certificates_are_named_with_exit_11() {
    let sb = sandbox();
    let pki = Pki::new();
    {
        let _tls = TlsSandbox::with(pki.server("old", &["127.0.0.1"], true));
        refused(
            &https(&sb, HTTPS, Some(&pki.ca_pem), &["info"]),
            &[
                "its certificate has expired (valid until 2021-01-01T00:00:00Z)",
                "renew it",
            ],
        );
    }
    // A self-signed CA certificate as the server's own is refused as a server certificate
    // whether or not it is also given as the CA (webpki checks that before the issuer).
    let (cert, key) = pki.ca_as_server("self");
    let _tls = TlsSandbox::with((cert.clone(), key));
    for ca in [Some(cert.as_path()), None] {
        refused(
            &https(&sb, HTTPS, ca, &["info"]),
            &["CaUsedAsEndEntity", "signed by a CA, not the CA itself"],
        );
    }
}
