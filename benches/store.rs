//! The store's write rate, printed as figures (not a timed test): `cargo bench --bench store`.
//!
//! What serve writes for one call over RTP (io/call.rs), replayed as fast as the store takes
//! it: the start, a read of the agent profiles, the routed profile, the `bridged` and
//! `agent_connected` marks with the media ids, the first agent audio, the final statistics and
//! the end: 8 writes and 1 read per call. Records carry realistic JSON (RTP statistics, latency
//! figures, a 6-turn transcript: about 1.5 kB per call).
//!
//! Each backend runs with 1 writer (calls one after another) and with `--threads N` writers
//! (calls at once on one serve: they share the serve's one store handle, as in serve). For
//! PostgreSQL also `--nodes M` handles at once (M serve nodes writing to one server, each with
//! its own connection). Printed: calls per second, writes per second, per-write latency (p50,
//! p99) for each case.
//!
//! Options after `--`: `--calls N` (per writer, default 500), `--threads N` (default 8),
//! `--nodes M` (default 4), `--pg URL` (default `VCCTL_BENCH_PG_URL`, else the sandbox's URL of
//! scripts/postgres-sandbox.sh; PostgreSQL is skipped with a notice when it does not answer),
//! `--sqlite-dir DIR` (default: a temporary directory on the working directory's file system,
//! so the SQLite figures are those of the disk the database would live on).
//!
//! Run the measured process at high priority on a busy machine:
//! `nice -n -20 cargo bench --bench store` (docs/scaling.md).

use std::sync::{Arc, Barrier};
use std::time::Instant;

use serde_json::json;
use vcctl::io::db::{Db, DbLocation};
use vcctl::io::store::{CallEnd, CallMark, CallOutcome, CallStart, CallUpdate, EndedBy};
use vcctl::io::store_pg::PgStore;

const WRITES_PER_CALL: usize = 8;

struct Opts {
    calls: usize,
    threads: usize,
    nodes: usize,
    pg: String,
    sqlite_dir: Option<std::path::PathBuf>,
}

fn opts() -> Opts {
    let mut o = Opts {
        calls: 500,
        threads: 8,
        nodes: 4,
        pg: std::env::var("VCCTL_BENCH_PG_URL").unwrap_or_else(|_| {
            "postgres://vcctl:vcctl-sandbox-secret@127.0.0.1:5432/vcctl?sslmode=disable".into()
        }),
        sqlite_dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--calls" => o.calls = val().parse().unwrap(),
            "--threads" => o.threads = val().parse().unwrap(),
            "--nodes" => o.nodes = val().parse().unwrap(),
            "--pg" => o.pg = val(),
            "--sqlite-dir" => o.sqlite_dir = Some(val().into()),
            "--bench" => {}
            other => panic!("unknown option {other}"),
        }
    }
    o
}

/// One call's writes, timing each.
fn one_call(db: &Db, id: &str, t0: f64, lat: &mut Vec<f64>) {
    let mut timed = |f: &mut dyn FnMut()| {
        let s = Instant::now();
        f();
        lat.push(s.elapsed().as_secs_f64() * 1e3);
    };
    timed(&mut || {
        db.insert_call_start(&CallStart {
            id: id.into(),
            caller_channel_id: id.into(),
            caller_number: Some("+4930123456".into()),
            extension: Some("2000".into()),
            stasis_start: t0,
            asterisk_id: Some("02:42:ac:11:00:02".into()),
            serve_instance: Some("bench:8000".into()),
            ..Default::default()
        })
        .unwrap()
    });
    // The read of routing (not counted as a write; its time is not in `lat`).
    db.list_profiles().unwrap();
    timed(&mut || {
        db.update_call(
            id,
            &CallUpdate {
                profile: Some("sales".into()),
                agent_id: Some("agent_sales".into()),
                ..Default::default()
            },
        )
        .unwrap()
    });
    timed(&mut || {
        db.update_call_mark(id, CallMark::Bridged, t0 + 0.2)
            .unwrap()
    });
    timed(&mut || {
        db.update_call_mark(id, CallMark::AgentConnected, t0 + 0.4)
            .unwrap()
    });
    timed(&mut || {
        db.update_call(
            id,
            &CallUpdate {
                media_channel_id: Some(format!("{id}-media")),
                bridge_id: Some(format!("{id}-bridge")),
                conversation_id: Some(format!("conv_{id}")),
                transport: Some("rtp".into()),
                ..Default::default()
            },
        )
        .unwrap()
    });
    timed(&mut || {
        db.update_call_mark(id, CallMark::FirstAgentAudio, t0 + 0.9)
            .unwrap()
    });
    let rtp = json!({"packets": 1500, "lost": 0, "jitter_ms": 0.4, "bytes": 240000,
                     "max_delta_ms": 21.3, "ssrc": 305419896, "late": 0});
    timed(&mut || {
        db.update_call(
            id,
            &CallUpdate {
                rtp_inbound: Some(rtp.clone()),
                rtp_outbound: Some(rtp.clone()),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let turns: Vec<_> = (0..6)
        .map(|i| {
            json!({"role": if i % 2 == 0 {"agent"} else {"user"},
                        "text": "Guten Tag, hier ist der Kundenservice, wie kann ich helfen?",
                        "at": t0 + i as f64})
        })
        .collect();
    timed(&mut || {
        db.finish_call(
            id,
            &CallEnd {
                ended: t0 + 30.0,
                end_cause: Some("Normal Clearing".into()),
                ended_by: Some(EndedBy::Caller),
                outcome: CallOutcome::Completed,
                rtp_inbound: None,
                rtp_outbound: None,
                latency: Some(json!({"agent_response_ms": [420.1, 380.2, 515.0],
                                     "first_audio_seconds": 0.9, "handler_ms": 12.5})),
                transcript: Some(json!(turns)),
            },
        )
        .unwrap()
    });
}

/// `handles[i]` is used by `per_handle` writers; every writer runs `calls` calls.
fn run(handles: &[Db], per_handle: usize, calls: usize, tag: &str) -> (f64, Vec<f64>) {
    let writers = handles.len() * per_handle;
    let barrier = Arc::new(Barrier::new(writers + 1));
    let threads: Vec<_> = (0..writers)
        .map(|w| {
            let db = handles[w % handles.len()].clone();
            let b = barrier.clone();
            let tag = tag.to_string();
            std::thread::spawn(move || {
                let mut lat = Vec::with_capacity(calls * WRITES_PER_CALL);
                b.wait();
                for i in 0..calls {
                    one_call(&db, &format!("{tag}-{w}-{i}"), 1.7e9 + i as f64, &mut lat);
                }
                lat
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let mut lat = Vec::new();
    for t in threads {
        lat.extend(t.join().unwrap());
    }
    (start.elapsed().as_secs_f64(), lat)
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1]
}

fn report(backend: &str, case: &str, writers: usize, calls: usize, secs: f64, lat: &mut [f64]) {
    let total = writers * calls;
    println!(
        "{backend:<10} {case:<26} {total:>6} calls in {secs:>7.2} s: {:>8.0} calls/s {:>9.0} writes/s  write p50 {:>6.2} ms  p99 {:>6.2} ms",
        total as f64 / secs,
        (total * WRITES_PER_CALL) as f64 / secs,
        pct(lat, 50.0),
        pct(lat, 99.0),
    );
}

fn main() {
    let o = opts();
    println!(
        "store benchmark: {} calls per writer, {WRITES_PER_CALL} writes + 1 read per call (serve's RTP call)",
        o.calls
    );
    let base = o
        .sqlite_dir
        .clone()
        .unwrap_or_else(|| std::env::current_dir().unwrap());
    let dir = tempfile::tempdir_in(&base).unwrap();
    let db = Db::open(&DbLocation::Sqlite(dir.path().join("bench.db"))).unwrap();
    let (s, mut l) = run(std::slice::from_ref(&db), 1, o.calls, "s1");
    report("sqlite", "1 writer", 1, o.calls, s, &mut l);
    let (s, mut l) = run(std::slice::from_ref(&db), o.threads, o.calls, "sn");
    report(
        "sqlite",
        &format!("{} writers, 1 handle", o.threads),
        o.threads,
        o.calls,
        s,
        &mut l,
    );

    let pg = match PgStore::open(&o.pg, None) {
        Ok(p) => Db::new(p),
        Err(e) => {
            println!("postgresql skipped: {e} (scripts/postgres-sandbox.sh up)");
            return;
        }
    };
    // A table of its own for each run would need a database per run; delete the bench's rows
    // instead (they all started at 1.7e9 + i).
    let clear = |db: &Db| db.delete_calls_before(2e9).unwrap();
    clear(&pg);
    let (s, mut l) = run(std::slice::from_ref(&pg), 1, o.calls, "p1");
    report("postgresql", "1 writer", 1, o.calls, s, &mut l);
    clear(&pg);
    let (s, mut l) = run(std::slice::from_ref(&pg), o.threads, o.calls, "pn");
    report(
        "postgresql",
        &format!("{} writers, 1 handle", o.threads),
        o.threads,
        o.calls,
        s,
        &mut l,
    );
    clear(&pg);
    let nodes: Vec<Db> = (0..o.nodes)
        .map(|_| Db::new(PgStore::open(&o.pg, None).unwrap()))
        .collect();
    let (s, mut l) = run(&nodes, o.threads, o.calls, "pm");
    report(
        "postgresql",
        &format!("{} nodes x {} writers", o.nodes, o.threads),
        o.nodes * o.threads,
        o.calls,
        s,
        &mut l,
    );
    clear(&pg);
}
