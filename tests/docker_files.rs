//! docker/ is what users deploy, and no Docker engine runs here: these tests check the files
//! against each other and run the same render script the sandbox Asterisk uses.

use std::path::{Path, PathBuf};
use std::process::Command;

fn docker() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docker")
}

fn render(env: &[(&str, &str)]) -> (std::process::Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut c = Command::new("sh");
    c.arg(docker().join("asterisk/render-config.sh"))
        .arg(docker().join("asterisk/configs"))
        .arg(out.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    for (k, v) in env {
        c.env(k, v);
    }
    (c.output().unwrap(), out)
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn render_writes_the_settings_into_the_included_files() {
    let (out, dir) = render(&[
        ("ASTERISK_ARI_PASSWORD", "s3cret;x"),
        ("ASTERISK_EXTERNAL_IP", "203.0.113.7"),
        ("ASTERISK_STUN_SERVER", "stun.example.org:3478"),
        ("ASTERISK_RTP_START", "20000"),
        ("ASTERISK_RTP_END", "20100"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = dir.path();
    let transport = read(d, "pjsip_transport_local.conf");
    assert!(transport.contains("external_media_address=203.0.113.7"));
    assert!(transport.contains("external_signaling_address=203.0.113.7"));
    assert!(read(d, "rtp_stun.conf").contains("stunaddr=stun.example.org:3478"));
    let ports = read(d, "rtp_ports.conf");
    assert!(
        ports.contains("rtpstart=20000") && ports.contains("rtpend=20100"),
        "{ports}"
    );
    let user = read(d, "ari_user.conf");
    assert!(
        user.contains("password=s3cret\\;x"),
        "';' is escaped: {user}"
    );
    // The password is not echoed by the script.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cret"));
    // The main files carry the deployment's fixed parts and include the generated ones.
    let pjsip = read(d, "pjsip.conf");
    assert!(pjsip.contains("[anonymous]") && pjsip.contains("context=incoming"));
    for codec in ["ulaw", "alaw", "opus"] {
        assert!(pjsip.contains(codec), "{codec} missing from pjsip.conf");
    }
    assert!(
        !pjsip.contains("92.5.238.158"),
        "the external IP is a setting, not a literal"
    );
    // RTCP every second, so serve learns the caller leg's round trip early in a call.
    let rtp = read(d, "rtp.conf");
    assert!(rtp.contains("rtcpinterval = 1000"), "{rtp}");
    let ext = read(d, "extensions.conf");
    assert!(ext.contains("Stasis(voiceclone-app,${EXTEN},${CALLERID(num)})"));
    assert!(ext.contains("exten => echo,1,Answer()"));
    // The authenticated test endpoint: challenged, confined to the echo test.
    let auth = section(&pjsip, "vcctl-auth", "endpoint");
    assert!(auth.contains("auth=vcctl-auth") && auth.contains("context=authenticated"));
    let cred = section(&pjsip, "vcctl-auth", "auth");
    assert!(cred.contains("username=vcctl-auth"), "{cred}");
    assert!(cred.contains("password=vcctl-auth-test-password"), "{cred}");
    let ctx = ext
        .split("[authenticated]")
        .nth(1)
        .expect("[authenticated] context");
    let ctx = ctx.split("\n[").next().unwrap();
    let extens: Vec<&str> = ctx
        .lines()
        .filter(|l| l.trim_start().starts_with("exten =>"))
        .collect();
    assert_eq!(extens, ["exten => echo,1,Goto(incoming,echo,1)"], "{ctx}");
    // The anonymous endpoint stays unauthenticated.
    assert!(!section(&pjsip, "anonymous", "endpoint").contains("auth="));
    // Both endpoints hang up a caller that vanished without BYE (RTP timeouts, session
    // timers), with the same settings.
    let timeouts = |name: &str| -> Vec<String> {
        section(&pjsip, name, "endpoint")
            .lines()
            .filter(|l| l.starts_with("rtp_timeout") || l.starts_with("timers"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        timeouts("anonymous"),
        [
            "rtp_timeout=15",
            "rtp_timeout_hold=300",
            "timers=always",
            "timers_min_se=90",
            "timers_sess_expires=600"
        ]
    );
    assert_eq!(timeouts("vcctl-auth"), timeouts("anonymous"));
}

/// The body of the `[name]` section of `type=kind` in a PJSIP config.
fn section(conf: &str, name: &str, kind: &str) -> String {
    conf.split(&format!("\n[{name}]\n"))
        .skip(1)
        .map(|s| s.split("\n[").next().unwrap_or(s))
        .find(|s| s.lines().any(|l| l.trim() == format!("type={kind}")))
        .unwrap_or_else(|| panic!("no [{name}] type={kind} in pjsip.conf"))
        .to_string()
}

#[test]
fn render_without_nat_or_stun_writes_no_external_lines() {
    let (out, dir) = render(&[
        ("ASTERISK_ARI_PASSWORD", "x1"),
        ("ASTERISK_STUN_SERVER", ""),
    ]);
    assert!(out.status.success());
    assert!(!read(dir.path(), "pjsip_transport_local.conf").contains("external_"));
    assert!(!read(dir.path(), "rtp_stun.conf").contains("stunaddr="));
}

#[test]
fn render_refuses_a_missing_or_published_password() {
    for env in [
        vec![],
        vec![("ASTERISK_ARI_PASSWORD", "voiceclone_secret_2024")],
        vec![("ASTERISK_ARI_PASSWORD", "change-me")],
    ] {
        let (out, _d) = render(&env);
        assert!(!out.status.success(), "{env:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn old_password_appears_only_as_a_warning() {
    for entry in walk(&docker()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        for line in text
            .lines()
            .filter(|l| l.contains("voiceclone_secret_2024"))
        {
            let t = line.trim_start();
            assert!(
                t.starts_with('#')
                    || t.starts_with(';')
                    || t.contains("case")
                    || t.contains("voiceclone_secret_*"),
                "{}: {line}",
                entry.display()
            );
        }
    }
}

#[test]
fn dockerfiles_and_compose_refer_to_files_that_exist() {
    let d = docker();
    let compose = read(&d, "docker-compose.yml");
    for needle in [
        "Dockerfile.asterisk",
        "docker/Dockerfile.vcctl",
        "network_mode: host",
        "healthcheck",
        "/healthz",
    ] {
        assert!(compose.contains(needle), "compose lacks {needle}");
    }
    let ast = read(&d, "Dockerfile.asterisk");
    for src in [
        "asterisk/configs/",
        "asterisk/render-config.sh",
        "asterisk/entrypoint.sh",
    ] {
        assert!(ast.contains(src), "Dockerfile.asterisk lacks {src}");
        assert!(d.join(src).exists(), "{src} missing");
    }
    let vc = read(&d, "Dockerfile.vcctl");
    assert!(
        vc.contains("AS build") || vc.contains("as build"),
        "multi-stage build"
    );
    assert!(vc.contains("target/release/vcctl"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn render_turns_https_on_only_with_a_certificate_and_its_key() {
    let (out, dir) = render(&[("ASTERISK_ARI_PASSWORD", "x1")]);
    assert!(out.status.success());
    assert!(read(dir.path(), "http.conf").contains("#include http_tls.conf"));
    assert!(read(dir.path(), "http_tls.conf").contains("tlsenable=no"));

    let files = tempfile::tempdir().unwrap();
    let cert = files.path().join("cert.pem");
    let key = files.path().join("key.pem");
    std::fs::write(&cert, "x").unwrap();
    std::fs::write(&key, "x").unwrap();
    let (out, dir) = render(&[
        ("ASTERISK_ARI_PASSWORD", "x1"),
        ("ASTERISK_BIND_ADDR", "127.0.0.1"),
        ("ASTERISK_HTTP_TLS_CERT", cert.to_str().unwrap()),
        ("ASTERISK_HTTP_TLS_KEY", key.to_str().unwrap()),
        ("ASTERISK_HTTP_TLS_PORT", "8443"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tls = read(dir.path(), "http_tls.conf");
    for line in [
        "tlsenable=yes".to_string(),
        "tlsbindaddr=127.0.0.1:8443".to_string(),
        format!("tlscertfile={}", cert.display()),
        format!("tlsprivatekey={}", key.display()),
    ] {
        assert!(tls.contains(&line), "{line} missing: {tls}");
    }
    // A certificate without its key is a mistake, said before Asterisk starts.
    let (out, _) = render(&[
        ("ASTERISK_ARI_PASSWORD", "x1"),
        ("ASTERISK_HTTP_TLS_CERT", cert.to_str().unwrap()),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("go together"));
}

#[test]
fn render_names_a_cluster_node_and_refuses_bad_names() {
    let (out, dir) = render(&[
        ("ASTERISK_ARI_PASSWORD", "s3cret"),
        ("ASTERISK_ENTITY_ID", "02:00:00:00:00:07"),
        ("ASTERISK_SYSTEM_NAME", "node7"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conf = read(dir.path(), "asterisk.conf");
    assert!(conf.contains("\nentityid = 02:00:00:00:00:07\n"), "{conf}");
    assert!(conf.contains("\nsystemname = node7\n"), "{conf}");
    let (out, dir) = render(&[("ASTERISK_ARI_PASSWORD", "s3cret")]);
    assert!(out.status.success());
    let conf = read(dir.path(), "asterisk.conf");
    assert!(
        !conf.contains("entityid") && !conf.contains("systemname"),
        "{conf}"
    );
    for bad in [
        ("ASTERISK_ENTITY_ID", "02:00"),
        ("ASTERISK_SYSTEM_NAME", "node 1;x"),
    ] {
        let (out, _d) = render(&[("ASTERISK_ARI_PASSWORD", "s3cret"), bad]);
        assert!(!out.status.success(), "{bad:?} accepted");
    }
}

#[test]
fn the_cluster_compose_kamailio_and_dispatcher_agree() {
    let d = docker();
    let compose = read(&d, "docker-compose.cluster.yml");
    let list = read(&d, "kamailio/dispatcher.list");
    // Every node Kamailio dispatches to is an Asterisk of the compose file, at that address.
    let nodes: Vec<&str> = list
        .lines()
        .filter(|l| l.starts_with("1 "))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(nodes.len(), 2, "{list}");
    for (i, uri) in nodes.iter().enumerate() {
        let ip = uri.trim_start_matches("sip:").trim_end_matches(":5060");
        assert!(
            compose.contains(&format!("ASTERISK_BIND_ADDR: {ip}")),
            "{ip}"
        );
        assert!(
            compose.contains(&format!("VCCTL_ARI_URL: http://{ip}:8088")),
            "{ip}"
        );
        assert!(compose.contains(&format!("ASTERISK_SYSTEM_NAME: node{}", i + 1)));
    }
    // Entity ids and RTP ranges differ between the nodes.
    assert_eq!(
        compose
            .matches("ASTERISK_ENTITY_ID: \"02:00:00:00:00:0")
            .count(),
        2
    );
    for f in [
        "Dockerfile.kamailio",
        "kamailio/kamailio.cfg",
        "kamailio/dispatcher.list",
    ] {
        assert!(d.join(f).exists(), "{f}");
    }
    assert!(read(&d, "Dockerfile.kamailio").contains("kamailio/kamailio.cfg"));
}
