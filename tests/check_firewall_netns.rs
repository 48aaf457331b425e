//! `vcctl check-firewall` against ground truth the test builds itself:
//!
//! - two network namespaces per scenario joined by a veth pair (10.200.x.0/24, inside the
//!   namespaces only): a server namespace with a firewall and listeners, a client namespace
//!   running `vcctl check-firewall --reflector`;
//! - iptables rules in one scenario, nftables rules in the other, that accept, drop and
//!   reject a chosen set of ports and part of the RTP range, and a listener or none on each
//!   port (made by this process inside the namespace with setns);
//! - every row's verdict and deciding rule equal what the rules say, and the reflector's
//!   probes arrive at exactly the ports the rules let in.
//!
//! Plus, on loopback without namespaces: a STUN server in this test answering with a known
//! mapped address, and PJSIP settings that match it or not.
//!
//! Namespace tests need root, `ip netns`, nft and iptables; without them they fail saying so
//! (tests/common `require_netns`). Namespaces are deleted by a Drop guard.

mod common;

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{bare_command, bin, Spawned};
use serde_json::Value;

/// Fail unless namespace tests can run here (root, ip netns, nft and iptables).
fn require_netns() {
    common::require_netns(
        "check-firewall namespace tests",
        &["nft", "iptables", "iptables-save"],
    )
}

fn sh(args: &[&str]) -> Output {
    common::run_ok(args)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A server and a client namespace joined by a veth pair; deleted on drop.
struct Pair {
    server: String,
    client: String,
    server_ip: String,
    client_ip: String,
}

impl Pair {
    fn new(tag: &str) -> Pair {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let id = format!("{}{n}", std::process::id() % 100000);
        let pair = Pair {
            server: format!("vcfw-s-{tag}-{id}"),
            client: format!("vcfw-c-{tag}-{id}"),
            server_ip: format!("10.200.{}.1", n + 1),
            client_ip: format!("10.200.{}.2", n + 1),
        };
        // Created before anything can fail, so Drop always cleans both.
        sh(&["ip", "netns", "add", &pair.server]);
        sh(&["ip", "netns", "add", &pair.client]);
        let (a, b) = (format!("vs{id}"), format!("vc{id}"));
        sh(&[
            "ip",
            "link",
            "add",
            "name",
            &a,
            "netns",
            &pair.server,
            "type",
            "veth",
            "peer",
            "name",
            &b,
            "netns",
            &pair.client,
        ]);
        for (ns, dev, ip) in [
            (&pair.server, &a, &pair.server_ip),
            (&pair.client, &b, &pair.client_ip),
        ] {
            sh(&[
                "ip",
                "-n",
                ns,
                "addr",
                "add",
                &format!("{ip}/24"),
                "dev",
                dev,
            ]);
            sh(&["ip", "-n", ns, "link", "set", dev, "up"]);
            sh(&["ip", "-n", ns, "link", "set", "lo", "up"]);
        }
        pair
    }

    fn exec(&self, ns: &str, args: &[&str]) -> Output {
        let mut v = vec!["ip", "netns", "exec", ns];
        v.extend_from_slice(args);
        sh(&v)
    }

    /// `vcctl ...` inside `ns`, with the environment of [`bare_command`] (no inherited
    /// ARI settings).
    fn vcctl(&self, ns: &str) -> Command {
        let base = bare_command();
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns]).arg(bin());
        for (k, v) in base.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        cmd.current_dir(std::env::temp_dir()).stdin(Stdio::null());
        cmd
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for ns in [&self.server, &self.client] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// Run `f` on a thread that entered network namespace `ns` (sockets it creates live there).
fn in_netns<T: Send + 'static>(ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let path = format!("/run/netns/{ns}");
    std::thread::spawn(move || {
        let fd = std::fs::File::open(&path).expect("open netns");
        // SAFETY: `fd` is an open namespace file for the whole call; setns changes only
        // this (new) thread's network namespace and reads no memory of ours.
        let r = unsafe { libc::setns(fd.as_raw_fd(), libc::CLONE_NEWNET) };
        assert_eq!(r, 0, "setns {path}: {}", std::io::Error::last_os_error());
        f()
    })
    .join()
    .expect("netns thread")
}

/// Listeners the test runs inside the server namespace: UDP echo (a SIP OPTIONS is echoed,
/// which the reflector counts as an answer) and TCP answering like HTTP.
struct Listeners {
    stop: Arc<AtomicBool>,
}

impl Drop for Listeners {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn start_listeners(ns: &str, udp: &[&str], tcp: &[&str]) -> Listeners {
    let udp: Vec<SocketAddr> = udp.iter().map(|a| a.parse().unwrap()).collect();
    let tcp: Vec<SocketAddr> = tcp.iter().map(|a| a.parse().unwrap()).collect();
    let (us, ts) = in_netns(ns, move || {
        let us: Vec<UdpSocket> = udp
            .iter()
            .map(|a| UdpSocket::bind(a).expect("udp bind"))
            .collect();
        let ts: Vec<TcpListener> = tcp
            .iter()
            .map(|a| TcpListener::bind(a).expect("tcp bind"))
            .collect();
        (us, ts)
    });
    let stop = Arc::new(AtomicBool::new(false));
    for s in us {
        let stop = stop.clone();
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while !stop.load(Ordering::SeqCst) {
                if let Ok((n, from)) = s.recv_from(&mut buf) {
                    let _ = s.send_to(&buf[..n], from);
                }
            }
        });
    }
    for l in ts {
        let stop = stop.clone();
        l.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            while !stop.load(Ordering::SeqCst) {
                match l.accept() {
                    Ok((mut c, _)) => {
                        c.set_read_timeout(Some(Duration::from_millis(300))).ok();
                        let mut b = [0u8; 512];
                        let _ = c.read(&mut b);
                        let _ = c.write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
    }
    Listeners { stop }
}

fn asterisk_config(dir: &Path) {
    std::fs::write(
        dir.join("pjsip.conf"),
        "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("rtp.conf"),
        "[general]\nrtpstart=16384\nrtpend=32768\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("http.conf"),
        "[general]\nenabled=yes\nbindaddr=0.0.0.0\nbindport=8088\n",
    )
    .unwrap();
}

fn start_reflector(p: &Pair) -> Spawned {
    let listen = format!("{}:7000", p.client_ip);
    let mut r = Spawned::start(p.vcctl(&p.client).args([
        "check-firewall",
        "--reflector",
        "--listen",
        &listen,
    ]));
    assert!(
        r.wait_stderr(Duration::from_secs(10), |l| l
            .contains("reflector listening"))
            .is_some(),
        "reflector did not start: {:?}",
        r.seen_err
    );
    r
}

fn row<'a>(report: &'a Value, check: &str, service: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["check"] == check
                && r["target"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{service} "))
        })
        .unwrap_or_else(|| panic!("no {check} row for {service}: {report:#}"))
}

fn status(report: &Value, check: &str, service: &str) -> String {
    row(report, check, service)["status"]
        .as_str()
        .unwrap()
        .to_string()
}

fn rule(report: &Value, service: &str) -> String {
    row(report, "firewall", service)["rule"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Probe outcomes of the RTP row: (port, arrived).
fn rtp_probes(report: &Value) -> Vec<(u16, Option<bool>)> {
    row(report, "reachable", "rtp")["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["port"].as_u64().unwrap() as u16, p["arrived"].as_bool()))
        .collect()
}

fn run_check(p: &Pair, conf: &Path, extra: &[&str]) -> (Value, Option<i32>) {
    let peer = format!("{}:7000", p.client_ip);
    let mut args = vec![
        "check-firewall",
        "--json",
        "--stun",
        "none",
        "--peer",
        &peer,
        "--asterisk-config",
        conf.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let started = std::time::Instant::now();
    let out = p.vcctl(&p.server).args(&args).output().expect("run vcctl");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "check-firewall took {:?}",
        started.elapsed()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code())
}

#[test]
fn iptables_verdicts_rules_and_reachability_match_the_ground_truth() {
    require_netns();
    let p = Pair::new("ipt");
    let conf = tempfile::tempdir().unwrap();
    asterisk_config(conf.path());
    for rule in [
        "-A INPUT -i lo -j ACCEPT",
        "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
        "-A INPUT -p udp --dport 5060 -j ACCEPT",
        "-A INPUT -p tcp --dport 8088 -j REJECT --reject-with tcp-reset",
        "-N voip",
        "-A INPUT -p udp -m multiport --dports 16384:32768 -j voip",
        "-A voip -p udp --dport 20000:24999 -j DROP",
        "-A voip -j ACCEPT",
        "-P INPUT DROP",
    ] {
        let mut a = vec!["iptables"];
        a.extend(rule.split(' '));
        p.exec(&p.server, &a);
    }
    // SIP echo on every address, "ARI" on every address, nothing on 8000, and an RTP
    // socket on loopback only.
    let _l = start_listeners(
        &p.server,
        &["0.0.0.0:5060", "127.0.0.1:16500"],
        &["0.0.0.0:8088"],
    );
    let mut refl = start_reflector(&p);
    let (r, code) = run_check(&p, conf.path(), &["--remote-clients"]);
    let me = std::process::id().to_string();

    assert_eq!(code, Some(8), "{r:#}");
    // SIP: listened, accepted by rule 3, its OPTIONS answered.
    assert_eq!(status(&r, "listening", "sip"), "PASS");
    let ev = row(&r, "listening", "sip")["evidence"].as_str().unwrap();
    assert!(ev.contains(&format!("(pid {me}) on 0.0.0.0:5060")), "{ev}");
    assert_eq!(status(&r, "firewall", "sip"), "PASS");
    assert_eq!(
        rule(&r, "sip"),
        "iptables filter INPUT rule 3: -A INPUT -p udp -m udp --dport 5060 -j ACCEPT"
    );
    assert_eq!(
        status(&r, "reachable", "sip"),
        "PASS",
        "{:#}",
        row(&r, "reachable", "sip")
    );
    // ARI: plain HTTP on 0.0.0.0 (WARN), rejected by rule 4, refused from outside.
    assert_eq!(status(&r, "listening", "ari"), "WARN");
    assert!(row(&r, "listening", "ari")["evidence"]
        .as_str()
        .unwrap()
        .contains("plain HTTP"));
    assert_eq!(status(&r, "firewall", "ari"), "FAIL");
    assert_eq!(
        rule(&r, "ari"),
        "iptables filter INPUT rule 4: -A INPUT -p tcp -m tcp --dport 8088 -j REJECT --reject-with tcp-reset"
    );
    assert_eq!(
        row(&r, "firewall", "ari")["fix"],
        "iptables -I INPUT 1 -p tcp --dport 8088 -j ACCEPT"
    );
    assert_eq!(status(&r, "reachable", "ari"), "FAIL");
    // API: nothing listens, the policy drops, the probe never arrives.
    assert_eq!(status(&r, "listening", "api"), "FAIL");
    assert_eq!(status(&r, "firewall", "api"), "FAIL");
    assert_eq!(rule(&r, "api"), "iptables filter INPUT: policy DROP");
    assert_eq!(status(&r, "reachable", "api"), "FAIL");
    // RTP: a loopback-only socket; 20000-24999 dropped in chain voip; samples agree.
    assert_eq!(status(&r, "listening", "rtp"), "FAIL");
    assert!(row(&r, "listening", "rtp")["evidence"]
        .as_str()
        .unwrap()
        .contains("127.0.0.1:16500"));
    assert_eq!(status(&r, "firewall", "rtp"), "FAIL");
    assert_eq!(
        rule(&r, "rtp"),
        "iptables filter voip rule 1: -A voip -p udp -m udp --dport 20000:24999 -j DROP"
    );
    let ranges: Vec<(u64, u64, String)> = row(&r, "firewall", "rtp")["ranges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["lo"].as_u64().unwrap(),
                x["hi"].as_u64().unwrap(),
                x["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        ranges,
        vec![
            (16384, 19999, "ACCEPT".into()),
            (20000, 24999, "DROP".into()),
            (25000, 32768, "ACCEPT".into())
        ]
    );
    assert!(row(&r, "firewall", "rtp")["ranges"][0]["rule"]
        .as_str()
        .unwrap()
        .ends_with("voip rule 2: -A voip -j ACCEPT"));
    assert_eq!(
        row(&r, "firewall", "rtp")["fix"],
        "iptables -I INPUT 1 -p udp --dport 20000:24999 -j ACCEPT"
    );
    let probes = rtp_probes(&r);
    assert!(probes.len() >= 6, "{probes:?}");
    assert!(
        !probes.iter().any(|(p, _)| *p == 16500),
        "the busy port was probed"
    );
    for (port, arrived) in &probes {
        let open = !(20000..=24999).contains(port);
        assert_eq!(*arrived, Some(open), "RTP port {port}: {probes:?}");
    }
    for edge in [16384, 19999, 20000, 24999, 25000, 32768] {
        assert!(
            probes.iter().any(|(p, _)| *p == edge),
            "edge {edge} not sampled: {probes:?}"
        );
    }
    assert_eq!(status(&r, "reachable", "rtp"), "FAIL");
    assert_eq!(
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["check"] == "nat")
            .unwrap()["status"],
        "SKIP"
    );
    assert_eq!(refl.interrupt(Duration::from_secs(5)), Some(0));
}

#[test]
fn nftables_verdicts_rules_and_reachability_match_the_ground_truth() {
    require_netns();
    let p = Pair::new("nft");
    let conf = tempfile::tempdir().unwrap();
    asterisk_config(conf.path());
    let ruleset = r#"table inet vcfw {
  chain rtp {
    udp dport 30000-32768 reject
  }
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    iifname "lo" accept
    udp dport 5060 drop comment "block sip"
    tcp dport 8088 accept
    tcp dport 8000 reject
    udp dport 16384-32768 jump rtp
  }
}
"#;
    let file = conf.path().join("rules.nft");
    std::fs::write(&file, ruleset).unwrap();
    p.exec(&p.server, &["nft", "-f", file.to_str().unwrap()]);
    // SIP echo everywhere (but dropped), "ARI" on loopback only, "API" everywhere (rejected).
    let _l = start_listeners(
        &p.server,
        &["0.0.0.0:5060"],
        &["127.0.0.1:8088", "0.0.0.0:8000"],
    );
    let mut refl = start_reflector(&p);
    let (r, code) = run_check(&p, conf.path(), &[]);

    assert_eq!(code, Some(8), "{r:#}");
    assert_eq!(status(&r, "listening", "sip"), "PASS");
    assert_eq!(status(&r, "firewall", "sip"), "FAIL");
    let sip_rule = rule(&r, "sip");
    assert!(
        sip_rule
            .starts_with("nft inet vcfw input: udp dport 5060 drop comment \"block sip\" (handle "),
        "{sip_rule}"
    );
    assert_eq!(
        row(&r, "firewall", "sip")["fix"],
        "nft insert rule inet vcfw input udp dport 5060 accept"
    );
    assert_eq!(
        status(&r, "reachable", "sip"),
        "FAIL",
        "{:#}",
        row(&r, "reachable", "sip")
    );
    // ARI on loopback: fine; accepted; the probe arrives at vcctl's own listener.
    assert_eq!(status(&r, "listening", "ari"), "PASS");
    assert_eq!(status(&r, "firewall", "ari"), "PASS");
    assert!(rule(&r, "ari").starts_with("nft inet vcfw input: tcp dport 8088 accept (handle "));
    assert_eq!(status(&r, "reachable", "ari"), "PASS");
    assert_eq!(row(&r, "reachable", "ari")["probes"][0]["arrived"], true);
    // API on 0.0.0.0 without TLS: WARN; rejected, which is fine without --remote-clients.
    assert_eq!(status(&r, "listening", "api"), "WARN");
    assert_eq!(status(&r, "firewall", "api"), "PASS");
    assert!(rule(&r, "api").starts_with("nft inet vcfw input: tcp dport 8000 reject (handle "));
    assert!(row(&r, "firewall", "api")["evidence"]
        .as_str()
        .unwrap()
        .contains("closed to other hosts"));
    assert_eq!(row(&r, "reachable", "api")["probes"][0]["arrived"], false);
    assert_eq!(status(&r, "reachable", "api"), "PASS");
    // RTP: nothing listens (not checked); 30000-32768 rejected in chain rtp.
    assert_eq!(status(&r, "listening", "rtp"), "SKIP");
    assert_eq!(status(&r, "firewall", "rtp"), "FAIL");
    assert!(rule(&r, "rtp").starts_with("nft inet vcfw rtp: udp dport 30000-32768 reject (handle "));
    let ranges = row(&r, "firewall", "rtp")["ranges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(ranges.len(), 2, "{ranges:?}");
    assert_eq!(
        (ranges[0]["lo"].as_u64(), ranges[0]["hi"].as_u64()),
        (Some(16384), Some(29999))
    );
    assert_eq!(ranges[0]["rule"], "nft inet vcfw input: policy accept");
    assert_eq!(ranges[1]["verdict"], "REJECT");
    assert_eq!(
        row(&r, "firewall", "rtp")["fix"],
        "nft insert rule inet vcfw input udp dport 30000-32768 accept"
    );
    let probes = rtp_probes(&r);
    for (port, arrived) in &probes {
        assert_eq!(*arrived, Some(*port < 30000), "RTP port {port}: {probes:?}");
    }
    assert!(probes.iter().any(|(p, _)| *p == 29999) && probes.iter().any(|(p, _)| *p == 30000));
    assert_eq!(refl.interrupt(Duration::from_secs(5)), Some(0));

    // Evaluating for loopback instead: the `iifname "lo" accept` rule decides.
    let (lo, _) = run_check(&p, conf.path(), &["--interface", "lo"]);
    assert_eq!(status(&lo, "firewall", "sip"), "PASS");
    assert!(
        rule(&lo, "sip").starts_with("nft inet vcfw input: iifname \"lo\" accept"),
        "{}",
        rule(&lo, "sip")
    );
}

// ---------------------------------------------------------------------------------------
// NAT against a STUN server in this test (loopback; no root needed)
// ---------------------------------------------------------------------------------------

/// A STUN server answering every Binding request with `mapped`.
fn stun_server(mapped: SocketAddr) -> (SocketAddr, Arc<AtomicBool>) {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let addr = s.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let st = stop.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while !st.load(Ordering::SeqCst) {
            if let Ok((n, from)) = s.recv_from(&mut buf) {
                if let Ok((vcctl_core::checks::stun::BINDING_REQUEST, txid)) =
                    vcctl_core::checks::stun::decode_request(&buf[..n])
                {
                    let resp = vcctl_core::checks::stun::encode_binding_success(
                        &txid, mapped, false, true,
                    );
                    let _ = s.send_to(&resp, from);
                }
            }
        }
    });
    (addr, stop)
}

fn nat_check(stun: SocketAddr, pjsip: &str) -> (Vec<Value>, Option<i32>) {
    let conf = tempfile::tempdir().unwrap();
    std::fs::write(conf.path().join("pjsip.conf"), pjsip).unwrap();
    let out = bare_command()
        .args([
            "check-firewall",
            "--json",
            "--sip",
            "none",
            "--ari",
            "none",
            "--api",
            "none",
            "--rtp",
            "none",
            "--stun",
            &stun.to_string(),
            "--asterisk-config",
            conf.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let nat = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check"] == "nat")
        .cloned()
        .collect();
    (nat, out.status.code())
}

#[test]
fn stun_mapped_address_mismatch_and_match_are_detected() {
    let mapped: SocketAddr = "203.0.113.7:40000".parse().unwrap();
    let (stun, stop) = stun_server(mapped);
    let transport = |ext: &str| {
        format!(
            "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\
             external_media_address={ext}\nexternal_signaling_address={ext}\nlocal_net=10.0.0.0/8\n"
        )
    };

    let (rows, code) = nat_check(stun, &transport("198.51.100.9"));
    assert_eq!(code, Some(8));
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["status"], "FAIL");
    let ev = rows[0]["evidence"].as_str().unwrap();
    assert!(ev.contains("sees it as 203.0.113.7"), "{ev}");
    assert!(
        ev.contains("external_media_address of transport-udp is 198.51.100.9"),
        "{ev}"
    );
    assert!(ev.contains("one-way or no audio"), "{ev}");
    assert!(rows[0]["fix"]
        .as_str()
        .unwrap()
        .contains("ASTERISK_EXTERNAL_IP=203.0.113.7"));

    let (rows, code) = nat_check(stun, &transport("203.0.113.7"));
    assert_eq!(rows[0]["status"], "PASS", "{rows:?}");
    assert_eq!(code, Some(0));

    let (rows, _) = nat_check(stun, "[transport-udp]\ntype=transport\nprotocol=udp\n");
    assert_eq!(rows[0]["status"], "FAIL");
    assert!(rows[0]["evidence"]
        .as_str()
        .unwrap()
        .contains("has no external_media_address"));
    stop.store(true, Ordering::SeqCst);

    // A STUN server that does not answer: not checked, and quickly.
    let dead = UdpSocket::bind("127.0.0.1:0").unwrap();
    let t0 = std::time::Instant::now();
    let (rows, code) = nat_check(dead.local_addr().unwrap(), &transport("203.0.113.7"));
    assert!(t0.elapsed() < Duration::from_secs(6));
    assert_eq!(rows[0]["status"], "SKIP", "{rows:?}");
    assert_eq!(code, Some(0));
}
