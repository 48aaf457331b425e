//! The store on both backends (issue 18): the same behaviour from the SQLite file and from a
//! real PostgreSQL 15 (`scripts/postgres-sandbox.sh up`), the same columns, nodes migrating at
//! once, and serve's spool: PostgreSQL stopped in the middle of a stream of call records loses
//! none of them.
//!
//! PostgreSQL: `VCCTL_E2E_PG_URL`, default the sandbox's URL. It must answer: a test that
//! cannot reach it fails with a sentence saying how to start it (never a silent pass). Each test works in a
//! database of its own, created here and dropped after.

use std::process::Command;
use std::sync::{Arc, Barrier, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::json;
use vcctl::io::db::{Db, DbLocation, StoreBackend, StoreHealth};
use vcctl::io::store::fixtures::{call_end as end, call_start, profile as prof};
use vcctl::io::store::{
    CallFilter, CallMark, CallOutcome, CallStart, CallUpdate, EndedBy, StoreError, SCHEMA_VERSION,
};
use vcctl::io::store_pg::PgStore;

const DEFAULT_PG_URL: &str =
    "postgres://vcctl:vcctl-sandbox-secret@127.0.0.1:5432/vcctl?sslmode=disable";

/// PostgreSQL tests run one at a time: one of them stops the server.
static PG: Mutex<()> = Mutex::new(());

/// A database of its own on the sandbox server, dropped with this.
struct PgDb {
    admin_url: String,
    name: String,
    url: String,
    _guard: MutexGuard<'static, ()>,
}

impl PgDb {
    fn new(tag: &str) -> Option<PgDb> {
        let guard = PG.lock().unwrap_or_else(|p| p.into_inner());
        let admin_url = std::env::var("VCCTL_E2E_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
        let mut admin = match postgres::Client::connect(&admin_url, postgres::NoTls) {
            Ok(c) => c,
            // Never a silent pass: a test that could not run says so and how to run it.
            Err(e) => panic!(
                "this end-to-end test cannot run here: PostgreSQL does not answer at {admin_url} ({e}). \
                 Start it with scripts/postgres-sandbox.sh up, or run scripts/test.sh (as root), \
                 which installs and starts everything"
            ),
        };
        let name = format!("vcctl_t_{tag}_{}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut url = url::Url::parse(&admin_url).unwrap();
        url.set_path(&format!("/{name}"));
        Some(PgDb {
            admin_url,
            name,
            url: url.to_string(),
            _guard: guard,
        })
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn pg_script(arg: &str) {
    let out = Command::new(env!("CARGO_MANIFEST_DIR").to_string() + "/scripts/postgres-sandbox.sh")
        .arg(arg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "postgres-sandbox.sh {arg}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A call of the shared fixture, on node `node` (Asterisk `ast-NODE`, serve `serve-NODE`).
fn start(id: &str, t: f64, node: &str) -> CallStart {
    CallStart {
        asterisk_id: Some(format!("ast-{node}")),
        serve_instance: Some(format!("serve-{node}")),
        ..call_start(id, t)
    }
}

/// Everything serve, `calls` and `agents` ask of a store, with the answers a single node expects.
/// Returns the records, to compare the two backends field by field.
fn behaviour(db: &Db) -> Vec<vcctl::io::store::CallRecord> {
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    // Profiles in routing order.
    db.add_profile(&prof("a", Some("1*")), None, false).unwrap();
    db.add_profile(&prof("b", None), None, false).unwrap();
    db.add_profile(&prof("c", Some("2*")), Some(1), false)
        .unwrap();
    let order = |db: &Db| -> Vec<(String, i64)> {
        db.list_profiles()
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.position))
            .collect()
    };
    assert_eq!(
        order(db),
        [("c".into(), 1), ("a".into(), 2), ("b".into(), 3)]
    );
    assert!(matches!(
        db.add_profile(&prof("a", None), None, false),
        Err(StoreError::DuplicateProfile(_))
    ));
    let mut a2 = prof("a", Some("9*"));
    a2.dynamic_variables.insert("team".into(), "sales".into());
    let stored = db.add_profile(&a2, None, true).unwrap();
    assert_eq!(stored.position, 2);
    assert_eq!(db.get_profile("a").unwrap(), stored);
    assert!(matches!(
        db.add_profile(&prof("d", None), Some(5), false),
        Err(StoreError::BadPosition { given: 5, max: 4 })
    ));
    assert_eq!(db.remove_profile("c").unwrap().name, "c");
    assert_eq!(order(db), [("a".into(), 1), ("b".into(), 2)]);
    assert!(matches!(
        db.get_profile("c"),
        Err(StoreError::ProfileNotFound(_))
    ));

    // Calls on two nodes.
    db.insert_call_start(&start("c1", 100.0, "1")).unwrap();
    assert!(matches!(
        db.insert_call_start(&start("c1", 100.0, "1")),
        Err(StoreError::DuplicateCall(_))
    ));
    db.update_call_mark("c1", CallMark::Bridged, 100.25)
        .unwrap();
    db.update_call_mark("c1", CallMark::FirstAgentAudio, 101.0)
        .unwrap();
    db.update_call_mark("c1", CallMark::FirstAgentAudio, 109.0)
        .unwrap();
    db.update_call(
        "c1",
        &CallUpdate {
            media_channel_id: Some("media-1".into()),
            transport: Some("rtp".into()),
            media_ws: Some(json!({"xoff": 0})),
            ..Default::default()
        },
    )
    .unwrap();
    db.finish_call("c1", &end(130.0)).unwrap();
    db.insert_call_start(&start("c2", 200.0, "2")).unwrap();
    db.insert_call_start(&start("c3", 300.0, "1")).unwrap();
    let ids = |f: CallFilter| -> Vec<String> {
        db.list_calls(&f)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids(CallFilter::default()), ["c3", "c2", "c1"]);
    assert_eq!(
        ids(CallFilter {
            node: Some("serve-1".into()),
            ..Default::default()
        }),
        ["c3", "c1"]
    );
    assert_eq!(
        ids(CallFilter {
            node: Some("ast-2".into()),
            ..Default::default()
        }),
        ["c2"]
    );
    assert_eq!(
        ids(CallFilter {
            outcome: Some(CallOutcome::Completed),
            ..Default::default()
        }),
        ["c1"]
    );
    assert_eq!(
        ids(CallFilter {
            since: Some(150.0),
            until: Some(300.0),
            ..Default::default()
        }),
        ["c2"]
    );
    assert_eq!(
        ids(CallFilter {
            limit: Some(1),
            in_progress: true,
            ..Default::default()
        }),
        ["c3"]
    );
    let c1 = db.get_call("c1").unwrap();
    assert_eq!(c1.first_agent_audio, Some(101.0));
    assert_eq!(c1.bridged, Some(100.25));
    assert_eq!(c1.duration_seconds, Some(30.0));
    assert_eq!(c1.serve_instance.as_deref(), Some("serve-1"));
    assert_eq!(c1.asterisk_id.as_deref(), Some("ast-1"));
    assert!(matches!(
        db.get_call("nope"),
        Err(StoreError::CallNotFound(_))
    ));
    let records = db.list_calls(&CallFilter::default()).unwrap();
    // A restarting node marks its own calls unfinished, not the other node's.
    assert_eq!(db.delete_calls_before(250.0).unwrap(), 1); // c1; c2 is in progress
    records
}

#[test]
fn the_store_behaves_the_same_on_sqlite_and_postgresql() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::open(&DbLocation::Sqlite(dir.path().join("v.db"))).unwrap();
    let from_sqlite = behaviour(&sqlite);
    assert_eq!(sqlite.mark_unfinished_on_start(None).unwrap(), 2);
    let Some(pg) = PgDb::new("same") else { return };
    let db = Db::new(PgStore::open(&pg.url, None).unwrap());
    let from_pg = behaviour(&db);
    assert_eq!(
        from_pg, from_sqlite,
        "the two stores returned different records"
    );
    // Scoped to the restarting node on the shared store.
    assert_eq!(db.mark_unfinished_on_start(Some("serve-2")).unwrap(), 1);
    assert_eq!(
        db.get_call("c2").unwrap().outcome,
        Some(CallOutcome::Unfinished)
    );
    assert_eq!(db.get_call("c3").unwrap().outcome, None);
}

#[test]
fn postgresql_has_the_columns_of_sqlite_and_refuses_a_newer_schema() {
    let Some(pg) = PgDb::new("cols") else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    drop(Db::open(&DbLocation::Sqlite(path.clone())).unwrap());
    let lite = rusqlite_columns(&path);
    drop(PgStore::open(&pg.url, None).unwrap());
    let mut c = pg.client();
    for (table, cols) in lite {
        let pgcols: Vec<String> = c
            .query(
                "SELECT column_name::TEXT FROM information_schema.columns
                 WHERE table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(pgcols, cols, "table {table}");
    }
    let v: i64 = c
        .query_one("SELECT version FROM vcctl_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(v, SCHEMA_VERSION);
    c.execute("UPDATE vcctl_schema SET version = version + 1", &[])
        .unwrap();
    let e = PgStore::open(&pg.url, None).unwrap_err();
    assert!(matches!(e, StoreError::TooNew { .. }), "{e}");
    assert!(!e.to_string().contains("vcctl-sandbox-secret"), "{e}");
}

fn rusqlite_columns(path: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open(path).unwrap();
    ["agent_profiles", "calls"]
        .into_iter()
        .map(|t| {
            let mut st = c
                .prepare(&format!(
                    "SELECT name FROM pragma_table_info('{t}') ORDER BY cid"
                ))
                .unwrap();
            let cols = st
                .query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            (t.to_string(), cols)
        })
        .collect()
}

#[test]
fn nodes_migrating_at_once_all_open_the_same_schema() {
    let Some(pg) = PgDb::new("race") else { return };
    let n = 8;
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (url, b) = (pg.url.clone(), barrier.clone());
            std::thread::spawn(move || {
                b.wait();
                PgStore::open(&url, None).map(|s| s.schema_version().unwrap())
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap().unwrap(), SCHEMA_VERSION);
    }
    let rows: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM vcctl_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
}

#[test]
fn stopping_postgresql_mid_stream_loses_no_record() {
    let Some(pg) = PgDb::new("stop") else { return };
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool.jsonl");
    let db = Db::new(PgStore::open(&pg.url, Some(&spool)).unwrap());
    // Four "calls at once" threads, each running calls start -> marks -> update -> end, as
    // serve writes them, while the server is stopped and started again underneath.
    let writers = 4;
    let per_writer = 60;
    let stopped_at = Arc::new(Mutex::new(None::<Instant>));
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..per_writer {
                    let id = format!("w{w}-{i}");
                    let t = 1000.0 + (w * per_writer + i) as f64;
                    db.insert_call_start(&start(&id, t, &w.to_string()))
                        .unwrap();
                    db.update_call_mark(&id, CallMark::Bridged, t + 0.1)
                        .unwrap();
                    db.update_call(
                        &id,
                        &CallUpdate {
                            conversation_id: Some(format!("conv-{id}")),
                            ..Default::default()
                        },
                    )
                    .unwrap();
                    db.finish_call(&id, &end(t + 5.0)).unwrap();
                    std::thread::sleep(Duration::from_millis(20));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(400));
    pg_script("stop");
    *stopped_at.lock().unwrap() = Some(Instant::now());
    // Calls go on; the store says it is degraded and how many writes wait.
    std::thread::sleep(Duration::from_millis(1500));
    let StoreHealth::Degraded { queued, reason } = db.health() else {
        panic!("PostgreSQL stopped, yet the store says it is fine");
    };
    assert!(queued > 0);
    assert!(!reason.is_empty());
    assert!(!reason.contains("vcctl-sandbox-secret"), "{reason}");
    assert!(spool.exists(), "queued writes are on disk");
    pg_script("up");
    for h in handles {
        h.join().unwrap();
    }
    assert!(
        db.flush(Duration::from_secs(30)),
        "the spool was not written out within 30 s of PostgreSQL's return: {:?}",
        db.health()
    );
    assert_eq!(db.health(), StoreHealth::Ok);
    assert!(!spool.exists(), "the spool is removed once written");
    let all = db.list_calls(&CallFilter::default()).unwrap();
    assert_eq!(all.len(), writers * per_writer, "records lost");
    for c in &all {
        assert_eq!(c.outcome, Some(CallOutcome::Completed), "{}", c.id);
        assert_eq!(c.bridged, Some(c.stasis_start + 0.1), "{}", c.id);
        assert_eq!(c.conversation_id, Some(format!("conv-{}", c.id)));
        assert_eq!(c.duration_seconds, Some(5.0));
    }
}

#[test]
fn a_spool_left_by_a_serve_that_stopped_is_written_by_the_next_one() {
    let Some(pg) = PgDb::new("replay") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("spool.jsonl");
    // What a serve left: a start that reached the server before the connection broke (so it
    // is spooled too) and the rest of that call.
    {
        let db = PgStore::open(&pg.url, None).unwrap();
        db.insert_call_start(&start("left", 5.0, "1")).unwrap();
    }
    let lines = [
        json!({"op": "start", "id": "left", "caller_channel_id": "chan-left", "stasis_start": 5.0,
               "serve_instance": "serve-1"}),
        json!({"op": "mark", "id": "left", "mark": "bridged", "at": 5.5}),
        json!({"op": "finish", "id": "left", "end": {"ended": 9.0, "end_cause": null,
               "ended_by": "agent", "outcome": "completed", "rtp_inbound": null,
               "rtp_outbound": null, "latency": null, "transcript": null}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&spool, text).unwrap();
    let db = Db::new(PgStore::open(&pg.url, Some(&spool)).unwrap());
    assert!(db.flush(Duration::from_secs(10)));
    let c = db.get_call("left").unwrap();
    assert_eq!(c.bridged, Some(5.5));
    assert_eq!(c.outcome, Some(CallOutcome::Completed));
    assert_eq!(c.ended_by, Some(EndedBy::Agent));
    assert!(!spool.exists());
}

/// `vcctl calls list --db URL`: (exit code, stderr).
fn calls_list(db_url: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vcctl"))
        .args(["calls", "list", "--limit", "1", "--json", "--db", db_url])
        .env_remove("VCCTL_DB")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// TLS to PostgreSQL per the URL's sslmode, against the sandbox server with TLS turned on
/// (`VCCTL_PG_SSL=1 scripts/postgres-sandbox.sh up`: a CA and a server certificate it signed
/// for 127.0.0.1). Clients without TLS keep working, so the other tests are not disturbed.
#[test]
fn postgresql_over_tls_verifies_the_server_with_the_ca_in_the_url() {
    let Some(db) = PgDb::new("tls") else { return };
    let script = env!("CARGO_MANIFEST_DIR").to_string() + "/scripts/postgres-sandbox.sh";
    let up = Command::new(&script)
        .arg("up")
        .env("VCCTL_PG_SSL", "1")
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let ca = String::from_utf8_lossy(&Command::new(&script).arg("ca").output().unwrap().stdout)
        .trim()
        .to_string();
    assert!(std::path::Path::new(&ca).exists(), "no CA at {ca}");
    let mut base = url::Url::parse(&db.url).unwrap();
    base.set_query(None);
    let with = |q: &[(&str, &str)]| {
        let mut u = base.clone();
        u.query_pairs_mut().extend_pairs(q);
        u.to_string()
    };

    // The CA given: require and verify-full both connect (and migrate the new database).
    for mode in ["require", "verify-full"] {
        let (code, err) = calls_list(&with(&[("sslmode", mode), ("sslrootcert", &ca)]));
        assert_eq!(code, 0, "sslmode={mode}: {err}");
    }
    // require without the CA: the chain does not verify (rustls always verifies).
    let (code, err) = calls_list(&with(&[("sslmode", "require")]));
    assert_eq!(code, 11, "{err}");
    assert!(
        err.contains("answered over TLS, but its certificate is not signed by a CA vcctl trusts"),
        "{err}"
    );
    assert!(err.contains("sslrootcert=FILE"), "{err}");
    assert!(
        !err.contains("vcctl-sandbox-secret"),
        "the password leaked: {err}"
    );

    // verify-full with another CA: refused with the same sentence and exit code 11.
    let other = rcgen::generate_simple_self_signed(vec!["other-ca.invalid".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("wrong-ca.pem");
    std::fs::write(&wrong, other.cert.pem()).unwrap();
    let (code, err) = calls_list(&with(&[
        ("sslmode", "verify-full"),
        ("sslrootcert", wrong.to_str().unwrap()),
    ]));
    assert_eq!(code, 11, "{err}");
    assert!(
        err.starts_with("vcctl: PostgreSQL at postgres://vcctl:***@127.0.0.1"),
        "{err}"
    );
    assert!(err.contains("unknown issuer"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one sentence: {err}");
}
