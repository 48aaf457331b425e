//! The cluster (issue 18): `vcctl load` through Kamailio (scripts/cluster-sandbox.sh, on
//! 127.0.0.1:5070 beside the single sandbox) to two Asterisk nodes, each with its own
//! `vcctl serve`, all writing to one PostgreSQL.
//!
//! Needs root and the cluster's addresses (127.0.0.2, 127.0.0.3): run it in a namespace of your
//! own, `scripts/isolated.sh NAME env VCCTL_E2E=1 cargo test --test e2e_cluster`. Without
//! `VCCTL_E2E=1` (or `CI`) it fails with a sentence saying how to run it; with it, the test
//! brings the cluster up.

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

const PG_ADMIN: &str = "postgres://vcctl:vcctl-sandbox-secret@127.0.0.1:5432/vcctl?sslmode=disable";
const KAMAILIO: &str = "sip:test@127.0.0.1:5070";
const NODES: [&str; 2] = ["127.0.0.2", "127.0.0.3"];

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("VCCTL_E2E").is_ok_and(|v| v == "1")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cluster(args: &[&str]) -> Output {
    Command::new(repo().join("scripts/cluster-sandbox.sh"))
        .args(args)
        .env("VCCTL_CLUSTER_SIP_PORT", "5070")
        .output()
        .unwrap()
}

fn vcctl() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vcctl"));
    for k in [
        "VCCTL_ARI_URL",
        "ASTERISK_ARI_HOST",
        "ASTERISK_ARI_PORT",
        "RUST_LOG",
        "VCCTL_DB",
    ] {
        c.env_remove(k);
    }
    c.env("ASTERISK_ARI_PASSWORD", "vcctl-sandbox-secret")
        .env("ELEVENLABS_AGENT_ID", "agent_cluster")
        .env_remove("ELEVENLABS_API_KEY")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null());
    c
}

/// Kills the process when dropped.
struct Proc(Child);
impl Drop for Proc {
    fn drop(&mut self) {
        // SIGTERM first: serve drains and records its calls.
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The cluster up, a database of its own, agent-sim and one serve per node.
struct Cluster {
    db: String,
    admin: String,
    name: String,
    _serves: Vec<Proc>,
    _agent: Proc,
    dir: tempfile::TempDir,
    _guard: std::sync::MutexGuard<'static, ()>,
}

impl Cluster {
    fn up(tag: &str) -> Option<Cluster> {
        let guard = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        if !required() {
            // Never a silent pass: it needs root, Kamailio, PostgreSQL and two Asterisk copies.
            panic!(
                "this end-to-end test cannot run here: the cluster test brings up Kamailio, \
                 PostgreSQL and two Asterisk nodes; run it with VCCTL_E2E=1 (as root), e.g. \
                 scripts/isolated.sh NAME env VCCTL_E2E=1 cargo test --test e2e_cluster, or run \
                 scripts/test.sh"
            );
        }
        let out = cluster(&["up"]);
        assert!(
            out.status.success(),
            "cluster-sandbox.sh up: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let admin = std::env::var("VCCTL_E2E_PG_URL").unwrap_or_else(|_| PG_ADMIN.into());
        let name = format!("vcctl_c_{tag}_{}", std::process::id());
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let mut u = url::Url::parse(&admin).unwrap();
        u.set_path(&format!("/{name}"));
        let db = u.to_string();
        let dir = tempfile::tempdir().unwrap();
        let agent = Proc(
            vcctl()
                .args(["agent-sim", "--listen", "127.0.0.1:9100"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let serves: Vec<Proc> = NODES
            .iter()
            .enumerate()
            .map(|(i, ip)| {
                let log =
                    std::fs::File::create(dir.path().join(format!("serve{}.log", i + 1))).unwrap();
                Proc(
                    vcctl()
                        .args([
                            "serve",
                            "--ari-url",
                            &format!("http://{ip}:8088"),
                            "--http",
                            &format!("{ip}:8000"),
                            "--rtp-bind",
                            ip,
                            "--instance",
                            &format!("node{}", i + 1),
                            "--db",
                            &db,
                            "--agent-url",
                            "ws://127.0.0.1:9100",
                        ])
                        .env(
                            "VCCTL_DB_SPOOL",
                            dir.path().join(format!("spool{}.jsonl", i + 1)),
                        )
                        .stdout(Stdio::null())
                        .stderr(log)
                        .spawn()
                        .unwrap(),
                )
            })
            .collect();
        let c = Cluster {
            db,
            admin,
            name,
            _serves: serves,
            _agent: agent,
            dir,
            _guard: guard,
        };
        for ip in NODES {
            c.wait_ready(ip, Duration::from_secs(30));
        }
        Some(c)
    }

    fn wait_ready(&self, ip: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let ok = Command::new("curl")
                .args([
                    "-fsS",
                    "--max-time",
                    "2",
                    &format!("http://{ip}:8000/readyz"),
                ])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "serve on {ip} not ready: {}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    fn logs(&self) -> String {
        let mut s = String::new();
        for n in 1..=2 {
            let p = self.dir.path().join(format!("serve{n}.log"));
            s.push_str(&format!(
                "--- serve{n}\n{}",
                std::fs::read_to_string(p).unwrap_or_default()
            ));
        }
        s
    }

    fn load(&self, args: &[&str]) -> Value {
        let out = vcctl()
            .args(["load", KAMAILIO, "--json", "--hold", "3", "--timeout", "10"])
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "load printed no JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                self.logs()
            )
        })
    }

    fn calls(&self) -> Vec<Value> {
        let out = vcctl()
            .args(["calls", "list", "--limit", "0", "--json", "--db", &self.db])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .cloned()
            .expect("calls list --json is an array of records")
    }

    fn per_node(&self) -> (usize, usize) {
        let calls = self.calls();
        let on = |n: &str| calls.iter().filter(|c| c["serve_instance"] == n).count();
        (on("node1"), on("node2"))
    }

    fn dispatcher(&self) -> String {
        String::from_utf8_lossy(&cluster(&["dispatcher"]).stdout).to_string()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The serves stop first (fields drop after this), then the database goes.
        self._serves.clear();
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
        // Leave the machine as it was: Kamailio and the two node Asterisks hold UDP sockets
        // that later tests (counting sockets) must not see.
        // PostgreSQL stays: the store tests share it.
        let _ = cluster(&["stop"]);
    }
}

/// Node 2's flags in `kamcmd dispatcher.list` (`AP`/`AX` active, `IP`/`IX` inactive).
fn node2_flags(list: &str) -> String {
    let at = list
        .find("sip:127.0.0.3:5060")
        .expect("node 2 in the dispatcher list");
    let rest = &list[at..];
    let f = rest.find("FLAGS:").unwrap();
    rest[f + 6..].split_whitespace().next().unwrap().to_string()
}

/// Run vcctl with the cluster's two nodes named in a nodes file; (exit code, stdout, stderr).
fn on_nodes(nodes_file: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = vcctl()
        .args(args)
        .arg("--nodes")
        .arg(nodes_file)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn answered(load: &Value) -> u64 {
    let steps = load["steps"].as_array().expect("load's steps");
    steps
        .iter()
        .map(|s| s["answered"].as_u64().unwrap_or(0))
        .sum()
}

#[test]
fn load_through_kamailio_spreads_calls_over_both_nodes() {
    let Some(c) = Cluster::up("spread") else {
        return;
    };
    let load = c.load(&["--calls", "12", "--concurrency", "6", "--rate", "6"]);
    assert_eq!(answered(&load), 12, "{load}\n{}", c.logs());
    std::thread::sleep(Duration::from_secs(1));
    let (n1, n2) = c.per_node();
    assert_eq!(n1 + n2, 12, "a record per call: {n1} + {n2}\n{}", c.logs());
    // Round robin: each node gets half, give or take the calls of the other steps.
    assert!(n1 >= 4 && n2 >= 4, "node1 {n1}, node2 {n2}");
    for call in c.calls() {
        assert_eq!(call["outcome"], "completed", "{call}");
        assert!(call["asterisk_id"]
            .as_str()
            .is_some_and(|a| a.starts_with("02:00:00:00:00:0")));
        assert!(
            call["id"].as_str().unwrap().starts_with("node"),
            "ids carry the systemname"
        );
    }
}

#[test]
fn the_cli_sees_every_node_and_names_a_dead_one() {
    let Some(c) = Cluster::up("cli") else { return };
    let nodes = c.dir.path().join("nodes");
    std::fs::write(
        &nodes,
        "# the cluster sandbox\nnode1 http://127.0.0.2:8088\nnode2 http://127.0.0.3:8088\n",
    )
    .unwrap();
    // info: one row per node, its entity id beside its name.
    let (code, out, err) = on_nodes(&nodes, &["info", "--json"]);
    assert_eq!(code, 0, "{err}");
    let info = json(&out);
    let ids: Vec<(&str, &str)> = info
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["node"].as_str().unwrap(),
                r["system"]["entity_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("node1", "02:00:00:00:00:01"),
            ("node2", "02:00:00:00:00:02")
        ]
    );
    // The same nodes as a URL list are named after their hosts.
    let out = vcctl()
        .args([
            "info",
            "--json",
            "--ari-url",
            "http://127.0.0.2:8088,http://127.0.0.3:8088",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        json(&String::from_utf8_lossy(&out.stdout))[1]["node"],
        "127.0.0.3"
    );

    // A bridge on node 2 shows up labelled with node 2, and the watcher of both nodes sees
    // one BridgeCreated from each.
    let watcher = vcctl()
        .args([
            "events",
            "--json",
            "--type",
            "BridgeCreated",
            "--count",
            "2",
            "--timeout",
            "20",
        ])
        .arg("--nodes")
        .arg(&nodes)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    let mut bridges = Vec::new();
    for ip in NODES {
        let out = vcctl()
            .args([
                "bridge",
                "create",
                "--json",
                "--ari-url",
                &format!("http://{ip}:8088"),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let id = json(&String::from_utf8_lossy(&out.stdout))["id"]
            .as_str()
            .unwrap()
            .to_string();
        bridges.push((ip, id));
    }
    let (code, out, err) = on_nodes(&nodes, &["bridge", "list", "--json"]);
    assert_eq!(code, 0, "{err}");
    let listed = json(&out);
    for ((_, id), node) in bridges.iter().zip(["node1", "node2"]) {
        assert!(
            listed
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["id"] == id.as_str() && b["node"] == node),
            "bridge {id} labelled {node}: {listed}"
        );
    }
    let (_, text, _) = on_nodes(&nodes, &["bridge", "list"]);
    assert!(text.contains("node") && text.contains("node2"), "{text}");
    let ev = watcher.wait_with_output().unwrap();
    assert!(
        ev.status.success(),
        "{}",
        String::from_utf8_lossy(&ev.stderr)
    );
    let seen: Vec<String> = String::from_utf8_lossy(&ev.stdout)
        .lines()
        .map(|l| json(l)["node"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(
        seen.contains(&"node1".into()) && seen.contains(&"node2".into()),
        "{seen:?}"
    );
    for (ip, id) in &bridges {
        let _ = vcctl()
            .args([
                "bridge",
                "destroy",
                id,
                "--ari-url",
                &format!("http://{ip}:8088"),
            ])
            .output();
    }

    // doctor: every node's app registered (each serve holds it), Kamailio agreeing.
    let ctl = String::from_utf8_lossy(&cluster(&["ctl"]).stdout)
        .trim()
        .to_string();
    let doctor = |nodes: &std::path::Path| {
        let (_, out, err) = on_nodes(
            nodes,
            &[
                "doctor",
                "--json",
                "--kamailio-ctl",
                &ctl,
                "--agent-url",
                "ws://127.0.0.1:9100",
            ],
        );
        let v = json(&out);
        let rows = v["rows"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| panic!("{v}\n{err}"));
        move |check: &str| -> Value {
            rows.iter()
                .find(|r| r["check"] == check)
                .cloned()
                .unwrap_or_else(|| panic!("no row {check}"))
        }
    };
    let row = doctor(&nodes);
    for n in ["node1", "node2"] {
        assert_eq!(row(&format!("{n}: app registered"))["status"], "PASS");
        let k = row(&format!("kamailio: {n}"));
        assert_eq!(k["status"], "PASS", "{k}");
    }

    // Node 2 dies: the lists still show node 1, name node 2 and exit 13; Kamailio takes it
    // out and doctor says the two views agree.
    let out = cluster(&["node", "2", "kill"]);
    assert!(out.status.success());
    let (code, out, err) = on_nodes(&nodes, &["endpoints", "--json"]);
    assert_eq!(code, 13, "{out}\n{err}");
    let eps = json(&out);
    assert!(!eps.as_array().unwrap().is_empty());
    assert!(
        eps.as_array().unwrap().iter().all(|e| e["node"] == "node1"),
        "{eps}"
    );
    assert_eq!(
        err.lines().count(),
        1,
        "one line names the dead node: {err}"
    );
    assert!(err.contains("node 'node2' did not answer"), "{err}");
    let (code, _, err) = on_nodes(&nodes, &["channels"]);
    assert_eq!(code, 13, "{err}");
    let dead = Instant::now();
    loop {
        if node2_flags(&c.dispatcher()).starts_with('I') {
            break;
        }
        assert!(
            dead.elapsed() < Duration::from_secs(10),
            "Kamailio kept node 2 active"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let row = doctor(&nodes);
    let k = row("kamailio: node2");
    assert_eq!(k["status"], "PASS", "{k}");
    assert!(
        k["evidence"].as_str().unwrap().contains("out of rotation"),
        "{k}"
    );
    assert_eq!(row("node2: asterisk")["status"], "FAIL");
    // Doctor names a node Kamailio still sends calls to when ARI cannot reach it: node 2's
    // ARI named at an address where nothing answers, Kamailio's node 1 still active.
    let wrong = c.dir.path().join("nodes-wrong");
    std::fs::write(&wrong, "node1 http://127.0.0.2:1\n").unwrap();
    let row = doctor(&wrong);
    let k = row("kamailio: node1");
    assert_eq!(k["status"], "FAIL", "{k}");
    assert!(k["evidence"].as_str().unwrap().contains("disagree"), "{k}");
    let out = cluster(&["node", "2", "start"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_dead_node_is_taken_out_its_calls_recorded_and_it_comes_back() {
    let Some(c) = Cluster::up("dead") else { return };
    // Calls keep coming while node 2's Asterisk is stopped under them.
    let loader = {
        let mut cmd = vcctl();
        cmd.args([
            "load",
            KAMAILIO,
            "--json",
            "--hold",
            "6",
            "--timeout",
            "10",
            "--calls",
            "50",
            "--concurrency",
            "14",
            "--rate",
            "2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        cmd.spawn().unwrap()
    };
    std::thread::sleep(Duration::from_secs(5));
    let before = c.per_node();
    assert!(
        before.1 > 0,
        "node 2 took no call before it was stopped: {before:?}"
    );
    let out = cluster(&["node", "2", "kill"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stopped = Instant::now();
    let killed_unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    // What the nodes had when node 2 died: from now on it can take no call. (A moment for
    // serve to write the records of calls that reached node 2 just before.)
    std::thread::sleep(Duration::from_millis(500));
    let at_out = c.per_node();
    // Kamailio's OPTIONS probe takes it out within a few seconds.
    loop {
        let f = node2_flags(&c.dispatcher());
        if f.starts_with('I') {
            break;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(10),
            "node 2 still {f} after 10 s"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let out = loader.wait_with_output().unwrap();
    let load: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("load JSON: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let after = c.per_node();
    // New calls went to node 1 only once node 2 was out.
    assert_eq!(
        after.1, at_out.1,
        "node 2 took calls while out: {at_out:?} -> {after:?}"
    );
    assert!(
        after.0 > at_out.0,
        "node 1 took no new calls: {at_out:?} -> {after:?}"
    );
    // Bring node 2 back: its serve reconnects, its calls cut off by the stop get an outcome,
    // and Kamailio puts it back.
    let out = cluster(&["node", "2", "start"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    c.wait_ready(NODES[1], Duration::from_secs(30));
    let back = Instant::now();
    loop {
        let f = node2_flags(&c.dispatcher());
        if f.starts_with('A') {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "node 2 still {f} 15 s after its start"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    // No record lost: every answered call has one; none is left in progress.
    std::thread::sleep(Duration::from_secs(2));
    let calls = c.calls();
    assert!(
        calls.len() as u64 >= answered(&load),
        "{} records for {} answered calls\n{}",
        calls.len(),
        answered(&load),
        c.logs()
    );
    // Node 2's calls that were up when its Asterisk died have ended, with the cause (serve
    // ends them when it finds their channels gone).
    let cut: Vec<&Value> = calls
        .iter()
        .filter(|c| {
            c["serve_instance"] == "node2"
                && c["stasis_start"].as_f64().unwrap() < killed_unix
                && c["ended"].as_f64().is_none_or(|e| e > killed_unix)
        })
        .collect();
    eprintln!("cut off on node 2: {cut:#?}");
    assert!(
        calls.iter().all(|c| !c["outcome"].is_null()),
        "calls left in progress: {:?}",
        calls
            .iter()
            .filter(|c| c["outcome"].is_null())
            .map(|c| &c["id"])
            .collect::<Vec<_>>()
    );
    assert!(
        !cut.is_empty(),
        "no call of node 2 was recorded as cut off by the stop"
    );
    // Each says its Asterisk went away: up calls when their media stopped, calls still being
    // set up when their next ARI request was refused.
    for c in &cut {
        assert_eq!(c["outcome"], "error", "{c}");
        assert_eq!(c["ended_by"], "system", "{c}");
        assert!(
            c["end_cause"].as_str().is_some_and(|e| {
                e.starts_with("Asterisk was lost under the call")
                    || e.contains("ARI is not reachable")
            }),
            "{c}"
        );
    }
    // And it takes calls again.
    let again = c.load(&["--calls", "6", "--concurrency", "3", "--rate", "6"]);
    assert_eq!(answered(&again), 6, "{again}");
    let last = c.per_node();
    assert!(
        last.1 > after.1,
        "node 2 took no call after it came back: {after:?} -> {last:?}"
    );
}
