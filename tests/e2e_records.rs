//! Call records, recordings and metrics end to end: real calls through the sandbox Asterisk,
//! `vcctl serve` and agent-sim. The caller is a Local channel into `test@incoming` whose other
//! side (`tone-rec`) plays a 1000 Hz tone.
//!
//! What is checked against what the test itself observed: the record's times (in order, and
//! within the window the test saw), its duration (the test's hangup time), the RTP packet
//! counts (50 a second over the bridged time), the transcript (the agent's greeting), the
//! WAV channels (caller tone left, agent tone right, aligned with the record's times), the
//! ARI recording, and `/metrics` parsed strictly with counters equal to the calls made.

mod common;

use std::time::Duration;

use common::sandbox;
use common::stack::{call, Stack, StackOptions};
use serde_json::Value;
use vcctl::io::store::{CallOutcome, CallRecord, EndedBy};
use vcctl_core::media::tone::{goertzel_power, rms};
use vcctl_core::media::wav;
use vcctl_core::metrics::prom_text;

fn now_unix() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn db(stack: &Stack) -> String {
    stack.db.display().to_string()
}

/// `vcctl calls list --db ... ARGS --json`, as records.
fn records(sb: &common::Sandbox, stack: &Stack, args: &[&str]) -> Vec<CallRecord> {
    let d = db(stack);
    let mut a = vec!["calls", "list", "--db", d.as_str()];
    a.extend_from_slice(args);
    serde_json::from_value(sb.json(&a)).expect("call records")
}

/// The greeting agent-sim speaks (and, in tone mode, plays a tone for) at the start.
const GREETING: &str = "Hello from the records test";

fn add_greeter(sb: &common::Sandbox, stack: &Stack) {
    let d = db(stack);
    sb.ok(&[
        "agents",
        "add",
        "greeter",
        "--agent-id",
        "sim-agent",
        "--first-message",
        GREETING,
        "--db",
        &d,
    ]);
}

/// Place a call, keep it up `secs` after it is bridged, hang the caller up. Returns (time
/// before originating, time of the hangup request) as Unix seconds.
fn one_call(sb: &common::Sandbox, stack: &Stack, secs: f64) -> (f64, f64) {
    let before = now_unix();
    let caller = call(sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs_f64(secs));
    let hangup = now_unix();
    sb.ok(&["channels", "hangup", &caller]);
    stack.wait_no_calls(Duration::from_secs(10));
    (before, hangup)
}

fn num(v: &Option<Value>, key: &str) -> f64 {
    v.as_ref()
        .and_then(|v| v.get(key))
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no {key} in {v:?}"))
}

#[test]
fn a_real_call_leaves_a_record_matching_what_the_test_saw() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let (before, hangup) = one_call(&sb, &stack, 4.0);
    let after = now_unix();
    sb.assert_clean();

    let rows = records(&sb, &stack, &[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let c = &rows[0];
    // Times in order, inside the window the test observed.
    let times = [
        Some(c.stasis_start),
        c.bridged,
        c.agent_connected,
        c.first_agent_audio,
        c.ended,
    ];
    let times: Vec<f64> = times
        .iter()
        .map(|t| t.unwrap_or_else(|| panic!("a time is missing: {c:?}")))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "times out of order: {times:?}"
    );
    assert!(
        before - 0.05 <= times[0] && times[4] <= after + 0.05,
        "{times:?} not in [{before}, {after}]"
    );
    // The echo comes back within a second of the bridge (60 ms agent delay).
    assert!(times[3] - times[1] < 1.5, "first agent audio {times:?}");
    // Ended right after the test's hangup; the duration is StasisStart to that.
    let ended = times[4];
    assert!(
        (0.0..1.0).contains(&(ended - hangup)),
        "ended {ended} vs hangup {hangup}"
    );
    let duration = c.duration_seconds.unwrap();
    assert!((duration - (ended - c.stasis_start)).abs() < 1e-6);
    assert!((4.0..6.5).contains(&duration), "duration {duration}");
    assert_eq!(c.outcome, Some(CallOutcome::Completed));
    assert_eq!(c.ended_by, Some(EndedBy::Caller));
    assert_eq!(c.caller_number.as_deref(), Some("1001"));
    assert_eq!(c.extension.as_deref(), Some("test"));
    assert_eq!(c.profile.as_deref(), Some("default"));
    assert_eq!(c.agent_id.as_deref(), Some("sim-agent"));
    assert!(c
        .media_channel_id
        .as_deref()
        .unwrap()
        .starts_with("vcctl-em-"));
    assert!(c.bridge_id.is_some() && c.conversation_id.is_some());
    // 50 packets a second each way while bridged.
    let bridged_secs = ended - times[1];
    let expect = bridged_secs * 50.0;
    for (dir, v) in [("inbound", &c.rtp_inbound), ("outbound", &c.rtp_outbound)] {
        let p = num(v, "packets");
        assert!(
            (p - expect).abs() < expect * 0.15,
            "{dir}: {p} packets over {bridged_secs:.2} s"
        );
    }
    assert_eq!(num(&c.rtp_inbound, "lost"), 0.0);
    assert!(num(&c.rtp_inbound, "jitter_ms") < 20.0);
    assert!(num(&c.rtp_outbound, "audio_frames") > 100.0);
    // The latency report's figures.
    let lat = &c.latency;
    assert!(num(lat, "handler_ms") > 0.0 && num(lat, "agent_connect_ms") > 0.0);
    assert_eq!(
        lat.as_ref().unwrap()["ari_rest_ms"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(c.transcript.is_some());

    // The other views of the same record.
    let d = db(&stack);
    let shown = sb.ok(&["calls", "show", &c.id, "--db", &d]);
    for want in [
        "media bridged",
        "first agent audio",
        "ended by caller",
        "RTP from the caller",
        "audio chunks sent to the agent",
    ] {
        assert!(shown.contains(want), "{want:?} not in\n{shown}");
    }
    let one: CallRecord =
        serde_json::from_value(sb.json(&["calls", "show", &c.id, "--db", &d])).unwrap();
    assert_eq!(&one, c);
    assert_eq!(
        records(&sb, &stack, &["--since", "1h", "--outcome", "completed"]).len(),
        1
    );
    assert!(records(&sb, &stack, &["--outcome", "unfinished"]).is_empty());
    let future = "2999-01-01T00:00:00Z";
    assert!(records(&sb, &stack, &["--since", future]).is_empty());
    let jsonl = sb.ok(&["calls", "export", "--format", "jsonl", "--db", &d]);
    let back: CallRecord = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(&back, c);
    let csv = sb.ok(&["calls", "export", "--format", "csv", "--db", &d]);
    assert!(csv.starts_with("id,started_at,"), "{csv}");
    assert!(csv.contains(&c.id));
    let stats = sb.json(&["calls", "stats", "--since", "1h", "--db", &d]);
    let p = &stats["profiles"][0];
    assert_eq!(p["profile"], "default");
    assert_eq!(p["calls"], 1);
    assert_eq!(p["success_rate"], 1.0);
    assert!((p["duration_p50_seconds"].as_f64().unwrap() - duration).abs() < 1e-9);
    assert_eq!(
        sb.vcctl(&["calls", "show", "nope", "--db", &d])
            .status
            .code(),
        Some(5)
    );
}

#[test]
fn record_dir_writes_caller_left_and_agent_right_aligned_in_time() {
    let sb = sandbox();
    sb.force_clean();
    let dir = tempfile::tempdir().unwrap();
    let rec_dir = dir.path().join("rec");
    let rec_arg = rec_dir.display().to_string();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &[
                "--mode",
                "tone",
                "--tone-hz",
                "440",
                "--tone-ms",
                "2000",
                "--response-delay-ms",
                "60",
                "--ping-interval-ms",
                "500",
            ],
            serve_args: &["--record", &rec_arg],
            ..Default::default()
        },
    );
    add_greeter(&sb, &stack);
    one_call(&sb, &stack, 4.0);
    sb.assert_clean();

    let rows = records(&sb, &stack, &[]);
    assert_eq!(rows.len(), 1);
    let c = &rows[0];
    assert_eq!(c.profile.as_deref(), Some("greeter"));
    let path = rec_dir.join(format!("{}.wav", c.id));
    assert_eq!(c.recording.as_deref(), Some(path.to_str().unwrap()));
    // The agent's greeting is in the transcript.
    let turns = c.transcript.as_ref().unwrap()["turns"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        turns
            .iter()
            .any(|t| t["speaker"] == "agent" && t["text"] == GREETING),
        "{turns:?}"
    );

    let w = wav::decode(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!((w.spec.rate, w.spec.channels), (8000, 2));
    let secs = w.frames() as f64 / 8000.0;
    let bridged_secs = c.ended.unwrap() - c.bridged.unwrap();
    assert!(
        (secs - bridged_secs).abs() < 0.5,
        "{secs} s of audio, bridged {bridged_secs} s"
    );
    let left: Vec<i16> = w.samples.iter().step_by(2).copied().collect();
    let right: Vec<i16> = w.samples.iter().skip(1).step_by(2).copied().collect();
    // The caller's tone on the left throughout, no agent tone there.
    let l = &left[4000..left.len() - 1600];
    let (l1000, l440) = (
        goertzel_power(l, 1000.0, 8000),
        goertzel_power(l, 440.0, 8000),
    );
    assert!(
        l1000 > 100.0 * l440,
        "left: 1000 Hz {l1000:.3e}, 440 Hz {l440:.3e}"
    );
    // The agent's 2 s tone on the right, starting when the record says the first agent
    // audio went out (the recording starts with the media loop, right after the agent
    // connected).
    let onset = right
        .chunks(160)
        .position(|f| rms(f) > 0.05)
        .expect("no agent audio on the right") as f64
        * 0.02;
    let expected = c.first_agent_audio.unwrap() - c.agent_connected.unwrap();
    assert!(
        (onset - expected).abs() < 0.15,
        "agent audio at {onset:.3} s in the file, {expected:.3} s by the record"
    );
    let start = (onset * 8000.0) as usize;
    let r = &right[start + 800..start + 15200];
    let (r440, r1000) = (
        goertzel_power(r, 440.0, 8000),
        goertzel_power(r, 1000.0, 8000),
    );
    assert!(
        r440 > 100.0 * r1000,
        "right: 440 Hz {r440:.3e}, 1000 Hz {r1000:.3e}"
    );
    // Silent on the right before and after the tone.
    assert!(rms(&right[..start.saturating_sub(160)]) < 0.002);
    let end = start + 16000 + 1600;
    assert!(end < right.len() && rms(&right[end..]) < 0.002);
}

#[test]
fn record_dir_keeps_the_echo_delay_between_the_two_channels() {
    let sb = sandbox();
    sb.force_clean();
    let dir = tempfile::tempdir().unwrap();
    let rec_arg = dir.path().display().to_string();
    // Echo: the agent returns the caller's audio 300 ms later, so the right channel is the
    // left one, delayed by that plus chunking, prebuffer and pacing.
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &["--response-delay-ms", "300", "--ping-interval-ms", "500"],
            serve_args: &["--record", &rec_arg],
            ..Default::default()
        },
    );
    one_call(&sb, &stack, 3.0);
    let c = &records(&sb, &stack, &[])[0];
    let w = wav::decode(&std::fs::read(c.recording.as_ref().unwrap()).unwrap()).unwrap();
    let onset = |ch: usize| {
        w.samples
            .iter()
            .skip(ch)
            .step_by(2)
            .copied()
            .collect::<Vec<i16>>()
            .chunks(80)
            .position(|f| rms(f) > 0.02)
            .unwrap_or_else(|| panic!("channel {ch} is silent")) as f64
            * 0.01
    };
    let (left, right) = (onset(0), onset(1));
    assert!(left < 0.1, "the caller's tone starts at {left} s");
    let lag = right - left;
    assert!(
        (0.30..0.50).contains(&lag),
        "echo {lag:.3} s after the caller"
    );
    // The record's first agent audio is the right channel's onset.
    let by_record = c.first_agent_audio.unwrap() - c.agent_connected.unwrap();
    assert!(
        (right - by_record).abs() < 0.1,
        "right {right:.3} s, record {by_record:.3} s"
    );
}

#[test]
fn record_ari_leaves_a_stored_recording_that_recordings_get_downloads() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            serve_args: &["--record-ari"],
            ..Default::default()
        },
    );
    one_call(&sb, &stack, 3.0);
    sb.assert_clean();
    let rows = records(&sb, &stack, &[]);
    let c = &rows[0];
    assert_eq!(c.recording, Some(format!("ari:{}", c.id)));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("f.wav");
    // Asterisk finishes the file when the bridge goes away; give it a moment.
    let mut got = None;
    for _ in 0..20 {
        let o = sb.vcctl(&["recordings", "get", &c.id, "-o", out.to_str().unwrap()]);
        if o.status.success() {
            got = Some(std::fs::read(&out).unwrap());
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let w = wav::decode(&got.expect("recordings get never succeeded")).unwrap();
    let _ = sb.vcctl(&["recordings", "delete", &c.id]);
    assert_eq!(w.spec.channels, 1);
    let secs = w.frames() as f64 / w.spec.rate as f64;
    assert!(secs > 2.0, "{secs} s recorded");
    let mono = w.to_mono();
    let s = &mono[w.spec.rate as usize / 2..];
    assert!(goertzel_power(s, 1000.0, w.spec.rate) > 100.0 * goertzel_power(s, 440.0, w.spec.rate));
}

#[test]
fn metrics_parse_strictly_and_count_the_calls_made() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    const N: usize = 3;
    for _ in 0..N {
        one_call(&sb, &stack, 1.5);
    }
    sb.assert_clean();
    let text = stack.metrics();
    let s = prom_text::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let v = |name: &str, labels: &[(&str, &str)]| {
        prom_text::value(&s, name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in\n{text}"))
    };
    let n = N as f64;
    let p = [("profile", "default")];
    assert_eq!(
        v(
            "vcctl_calls_total",
            &[("outcome", "completed"), ("profile", "default")]
        ),
        n
    );
    assert!(s
        .iter()
        .filter(|x| x.name == "vcctl_calls_total")
        .all(|x| x.labels["outcome"] == "completed"));
    assert_eq!(v("vcctl_calls_active", &[]), 0.0);
    assert_eq!(v("vcctl_call_duration_seconds_count", &p), n);
    assert_eq!(v("vcctl_call_first_audio_seconds_count", &p), n);
    assert_eq!(v("vcctl_agent_connect_seconds_count", &[]), n);
    assert_eq!(v("vcctl_call_setup_seconds_count", &[]), n);
    let media_in = [("leg", "media"), ("direction", "inbound")];
    assert_eq!(v("vcctl_rtp_loss_ratio_count", &media_in), n);
    assert_eq!(v("vcctl_rtp_jitter_seconds_count", &media_in), n);
    assert_eq!(v("vcctl_rtp_packets_lost_total", &media_in), 0.0);
    assert_eq!(v("vcctl_ari_reconnects_total", &[]), 0.0);
    // The records and the metrics come from the same events.
    let rows = records(&sb, &stack, &[]);
    assert_eq!(rows.len(), N);
    let durations: f64 = rows.iter().map(|r| r.duration_seconds.unwrap()).sum();
    let sum = v("vcctl_call_duration_seconds_sum", &p);
    assert!(
        (sum - durations).abs() < 0.5,
        "metrics {sum} s, records {durations} s"
    );
    let total = |dir: &str| -> f64 {
        rows.iter()
            .map(|r| {
                num(
                    if dir == "in" {
                        &r.rtp_inbound
                    } else {
                        &r.rtp_outbound
                    },
                    "packets",
                )
            })
            .sum()
    };
    assert_eq!(v("vcctl_rtp_packets_received_total", &[]), total("in"));
    assert_eq!(v("vcctl_rtp_packets_sent_total", &[]), total("out"));
    for (key, name) in [
        ("underflows", "vcctl_playout_underflows_total"),
        ("underflow_frames", "vcctl_playout_underflow_frames_total"),
        ("gaps", "vcctl_playout_gaps_total"),
        ("gap_frames", "vcctl_playout_gap_frames_total"),
    ] {
        let recorded: f64 = rows.iter().map(|r| num(&r.rtp_outbound, key)).sum();
        assert_eq!(v(name, &[]), recorded, "{name} vs the records' {key}");
    }
}

/// The schema test: a database written by the previous schema (v2, before recordings)
/// opens with this vcctl, keeps its rows, and is upgraded. Needs no sandbox.
#[test]
fn a_v2_database_opens_with_this_vcctl_and_keeps_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for sql in &vcctl::io::store::MIGRATIONS[..2] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute(
            "INSERT INTO calls (id, caller_channel_id, caller_number, extension, profile,
                stasis_start, bridged, agent_connected, first_agent_audio, ended,
                duration_seconds, ended_by, outcome, rtp_inbound, latency)
             VALUES ('v2call', 'v2call', '1001', 'test', 'sales', 100.0, 100.2, 100.3, 101.0,
                130.0, 30.0, 'caller', 'completed', '{\"packets\":1490}',
                '{\"agent_response_ms\":[420.0]}')",
            [],
        )
        .unwrap();
    }
    let out = common::bare_command()
        .args(["calls", "list", "--json", "--db", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<CallRecord> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, "v2call");
    assert_eq!(rows[0].first_agent_audio, Some(101.0));
    assert_eq!(rows[0].recording, None);
    let stats = common::bare_command()
        .args(["calls", "stats", "--json", "--db", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["profiles"][0]["response_p50_ms"], 420.0);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, vcctl::io::store::SCHEMA_VERSION);
}

/// A database another process keeps locked past the busy timeout stops serve with the
/// documented exit code (7, like every busy store), before serve touches ARI.
#[test]
fn serve_exits_7_when_its_database_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    drop(vcctl::io::store::Store::open(&path).unwrap());
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = common::bare_command()
        .env("ASTERISK_ARI_PASSWORD", "unused")
        .env("VCCTL_ARI_URL", "http://127.0.0.1:1")
        .args(["serve", "--db", path.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{err}");
    assert!(
        err.contains("the database is locked by another process"),
        "{err}"
    );
    other.execute_batch("ROLLBACK").unwrap();
}
