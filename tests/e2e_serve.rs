//! `vcctl serve` end to end: real Asterisk 22 (sandbox), serve, and agent-sim in echo mode.
//! A Local channel that plays a 1000 Hz tone calls `test@incoming`; the tone must come back
//! to the calling leg through Asterisk, serve and the agent, and every way a call can end
//! must leave no channel, bridge or socket behind.

mod common;

use std::time::Duration;

use serde_json::Value;

use common::sandbox;
use common::stack::{call, monitor_dir, read_wav_i16, Stack, StackOptions};
use vcctl_core::media::tone::goertzel_power;

fn finish(sb: &common::Sandbox, stack: &Stack) {
    stack.wait_no_calls(Duration::from_secs(10));
    sb.assert_clean();
    assert_eq!(
        stack.rtp_sockets_open(),
        0,
        "serve still holds RTP sockets of ended calls"
    );
}

#[test]
fn tone_comes_back_through_serve_and_the_agent() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let caller = call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    let live = stack.calls();
    assert_eq!(live[0]["extension"], "test");
    assert_eq!(live[0]["caller"], "1001");
    std::thread::sleep(Duration::from_secs(3));
    let live = stack.calls();
    let media = &live[0]["media"];
    assert!(media["rtp_in_packets"].as_u64().unwrap() > 100, "{media}");
    assert!(media["rtp_out_packets"].as_u64().unwrap() > 100, "{media}");
    assert!(media["agent_audio_events"].as_u64().unwrap() > 0, "{media}");
    assert_eq!(media["rtp_dropped_foreign"], 0);
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);

    // What the caller heard: the 1000 Hz tone, after the agent's echo delay.
    let heard = read_wav_i16(&monitor_dir().join(format!("vcctl-{caller}-heard.wav")));
    assert!(heard.len() > 8000 * 2, "{} samples", heard.len());
    let tail = &heard[8000..heard.len() - 1600];
    let tone = goertzel_power(tail, 1000.0, 8000);
    for other in [500.0, 1500.0, 2000.0, 3000.0] {
        let p = goertzel_power(tail, other, 8000);
        assert!(
            tone > 1000.0 * p,
            "1000 Hz {tone:.3e} vs {other} Hz {p:.3e}"
        );
    }
    let m = stack.metrics();
    assert!(
        m.contains("vcctl_calls_total{outcome=\"completed\",profile=\"default\"} 1"),
        "{m}"
    );
    assert!(m.contains("vcctl_calls_active 0"));
}

/// serve's playout flags reach its settings, and the playout's underflows and gaps reach
/// `/metrics` as the call's record counts them. A one-frame prebuffer with a 1 ms grace (not
/// the defaults, so the settings show the flags took) lets real-time echo audio run dry now
/// and then, so the counters have something to count.
#[test]
fn playout_flags_show_in_settings_and_gaps_in_metrics_as_in_the_record() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            serve_args: &["--prebuffer-ms", "20", "--underflow-grace-ms", "1"],
            ..Default::default()
        },
    );
    let (status, body) = common::stack::http_get(stack.http, "/settings").expect("GET /settings");
    assert_eq!(status, 200, "{body}");
    let settings: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(settings["rtp"]["prebuffer_ms"], 20, "{settings}");
    assert_eq!(settings["rtp"]["underflow_grace_ms"], 1, "{settings}");

    let caller = call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(4));
    let live = stack.calls();
    let playout = &live[0]["media"]["playout"];
    for k in ["underflows", "underflow_frames", "gaps", "gap_frames"] {
        assert!(
            playout[k].is_u64(),
            "no {k} in the live snapshot: {playout}"
        );
    }
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);

    let db = stack.db.display().to_string();
    let rows = sb.json(&["calls", "list", "--db", &db]);
    let out = &rows[0]["rtp_outbound"];
    let text = stack.metrics();
    let samples = vcctl_core::metrics::prom_text::parse(&text).unwrap();
    let metric = |name: &str| {
        vcctl_core::metrics::prom_text::value(&samples, name, &[])
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
    };
    eprintln!("record rtp_outbound: {out}");
    assert!(out["audio_frames"].as_u64().unwrap() > 50, "{out}");
    for (key, name) in [
        ("underflows", "vcctl_playout_underflows_total"),
        ("underflow_frames", "vcctl_playout_underflow_frames_total"),
        ("gaps", "vcctl_playout_gaps_total"),
        ("gap_frames", "vcctl_playout_gap_frames_total"),
    ] {
        let recorded = out[key]
            .as_f64()
            .unwrap_or_else(|| panic!("no {key} in {out}"));
        assert_eq!(metric(name), recorded, "{name} vs the record's {key}");
    }
    // Gaps are underflows the audio resumed from: never more of them than underflows.
    assert!(out["gaps"].as_u64() <= out["underflows"].as_u64(), "{out}");
    assert!(
        out["gap_frames"].as_u64() <= out["underflow_frames"].as_u64(),
        "{out}"
    );
}

#[test]
fn the_agent_ending_the_conversation_hangs_the_caller_up() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &["--end-after-ms", "1500"],
            ..Default::default()
        },
    );
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    finish(&sb, &stack);
    assert!(stack
        .metrics()
        .contains("vcctl_calls_total{outcome=\"completed\",profile=\"default\"} 1"));
}

#[test]
fn hanging_up_the_media_leg_ends_the_call() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    sb.ok(&["channels", "hangup", &stack.media_channel(&sb)]);
    finish(&sb, &stack);
}

#[test]
fn twenty_calls_in_a_row_then_ten_at_once_leave_nothing_behind() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    stack.calls_in_a_row(&sb, 20);
    let callers: Vec<String> = (0..10).map(|_| call(&sb)).collect();
    stack.wait_bridged(10, Duration::from_secs(20));
    // Every call hears the agent.
    stack.wait_every_call_has("/media/agent_audio_events", Duration::from_secs(5));
    for c in &callers {
        sb.ok(&["channels", "hangup", c]);
    }
    finish(&sb, &stack);
    // The sequential calls hang up as soon as they are bridged, some before the agent's echo
    // was heard (caller_abandoned); none may fail.
    assert_eq!(stack.calls_ended_cleanly(), 30);
}

#[test]
fn unreachable_agent_plays_the_fallback_then_hangs_up() {
    let sb = sandbox();
    sb.force_clean();
    let mut watch = sb.spawn(&["events", "--json", "--timeout", "30"]);
    assert!(watch
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    let stack = Stack::start(
        &sb,
        StackOptions {
            no_sim: true,
            serve_args: &[
                "--on-agent-failure",
                "fallback",
                "--fallback-media",
                "tone:busy",
                "--fallback-secs",
                "1",
            ],
            ..Default::default()
        },
    );
    call(&sb);
    assert!(
        watch
            .wait_stdout(Duration::from_secs(15), |l| l
                .contains("\"PlaybackStarted\"")
                && l.contains("tone:busy"))
            .is_some(),
        "no fallback playback: {:?}",
        watch
            .seen_out
            .iter()
            .map(|l| l.chars().take(80).collect::<String>())
            .collect::<Vec<_>>()
    );
    finish(&sb, &stack);
    assert!(stack
        .metrics()
        .contains("vcctl_calls_total{outcome=\"agent_failed\",profile=\"default\"} 1"));
}

#[test]
fn unreachable_agent_with_hangup_policy_hangs_up_with_the_reason() {
    let sb = sandbox();
    sb.force_clean();
    let mut watch = sb.spawn(&[
        "events",
        "--json",
        "--type",
        "ChannelHangupRequest",
        "--timeout",
        "30",
    ]);
    assert!(watch
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    let stack = Stack::start(
        &sb,
        StackOptions {
            no_sim: true,
            ..Default::default()
        },
    );
    call(&sb);
    // congestion is Q.850 cause 34.
    assert!(
        watch
            .wait_stdout(Duration::from_secs(15), |l| l.contains("\"cause\":34"))
            .is_some(),
        "{:?}",
        watch.seen_out
    );
    finish(&sb, &stack);
}

#[test]
fn sigterm_drains_active_calls_then_exits_cleanly() {
    let sb = sandbox();
    sb.force_clean();
    let mut stack = Stack::start(
        &sb,
        StackOptions {
            serve_args: &["--drain-timeout", "2"],
            ..Default::default()
        },
    );
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    let t = std::time::Instant::now();
    // SAFETY: kill(2) reads no memory of ours; the pid is our own child, not yet reaped
    // (std waits for it only in `finish`), so it cannot name a recycled process.
    unsafe {
        libc::kill(stack.serve_pid() as i32, libc::SIGTERM);
    }
    // During the drain the call keeps going.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(sb.json(&["bridge", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(stack.serve.finish(Duration::from_secs(20)), Some(0));
    assert!(t.elapsed() >= Duration::from_secs(2), "drained too early");
    sb.assert_clean();
    assert_eq!(stack.rtp_sockets_open(), 0);
}

#[test]
fn a_restart_after_a_crash_releases_what_the_dead_process_left() {
    let sb = sandbox();
    sb.force_clean();
    let mut stack = Stack::start(&sb, StackOptions::default());
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    // SAFETY: kill(2) reads no memory of ours; the pid is our own child, not yet reaped
    // (std waits for it only in `finish`), so it cannot name a recycled process.
    unsafe {
        libc::kill(stack.serve_pid() as i32, libc::SIGKILL);
    }
    stack.serve.finish(Duration::from_secs(5));
    assert_eq!(
        sb.json(&["bridge", "list"]).as_array().unwrap().len(),
        1,
        "the crash left a bridge"
    );
    // The dead process left its record open (no outcome), with what it had written so far.
    let db = stack.db.to_str().unwrap().to_string();
    let open = sb.json(&["calls", "list", "--outcome", "in_progress", "--db", &db]);
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    assert!(
        open[0]["bridged"].is_f64() && open[0]["ended"].is_null(),
        "{open}"
    );
    // Same database, same app: the new process cleans up and marks the record unfinished.
    let again =
        common::Spawned::start(sb.command().env("ELEVENLABS_AGENT_ID", "sim-agent").args([
            "serve",
            "--agent-url",
            &format!("ws://127.0.0.1:{}", stack.sim_port),
            "--http",
            &format!("127.0.0.1:{}", stack.http),
            "--db",
            stack.db.to_str().unwrap(),
        ]));
    stack.serve = again;
    stack.wait_ready();
    sb.assert_clean();
    let store = vcctl::io::store::Store::open(&stack.db).unwrap();
    let rows = store.list_calls(&Default::default()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].outcome,
        Some(vcctl::io::store::CallOutcome::Unfinished)
    );
    let unfinished = sb.json(&["calls", "list", "--outcome", "unfinished", "--db", &db]);
    assert_eq!(unfinished.as_array().unwrap().len(), 1, "{unfinished}");
    assert_eq!(unfinished[0]["id"], open[0]["id"]);
    assert!(sb
        .json(&["calls", "list", "--outcome", "in_progress", "--db", &db])
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn events_follow_serve_watches_without_taking_the_app() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let url = format!("http://127.0.0.1:{}", stack.http);
    let mut watch = common::Spawned::start(common::bare_command().args([
        "events",
        "--follow",
        "--serve",
        &url,
        "--json",
        "--type",
        "StasisStart",
    ]));
    assert!(watch
        .wait_stderr(Duration::from_secs(10), |l| l.contains("vcctl serve"))
        .is_some());
    let caller = call(&sb);
    let seen = watch
        .wait_stdout(Duration::from_secs(10), |l| l.contains("\"StasisStart\""))
        .expect("StasisStart relayed by serve");
    assert!(seen.contains("\"args\":[\"test\",\"1001\"]"), "{seen}");
    // serve still owns the app and bridges the call.
    stack.wait_bridged(1, Duration::from_secs(10));
    assert_eq!(watch.interrupt(Duration::from_secs(5)), Some(0));
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);
}

/// `--format slin16`: the caller's audio reaches the agent as 16 kHz PCM, and serve sends the
/// agent's audio back as well-formed big-endian L16 (payload type 118). Asterisk drops what
/// it receives on 118 (externalMedia has no receive payload mapping, so only the static types
/// 0-34 get through: the "only static payload types work two-way"), so this test checks
/// both legs at serve, from its stereo recording built from the RTP it received and sent, and
/// not at the caller. README says slin16 is one-way; serve warns at start.
#[test]
fn slin16_carries_the_caller_to_a_pcm_16000_agent_and_sends_its_reply_as_l16() {
    let sb = sandbox();
    sb.force_clean();
    let rec = tempfile::tempdir().unwrap();
    let rec_arg = rec.path().display().to_string();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &["--response-delay-ms", "60", "--format", "pcm_16000"],
            serve_args: &["--format", "slin16", "--record", &rec_arg],
            ..Default::default()
        },
    );
    let caller = call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(3));
    let media = stack.calls()[0]["media"].clone();
    assert!(media["rtp_in_packets"].as_u64().unwrap() > 100, "{media}");
    assert!(media["rtp_out_packets"].as_u64().unwrap() > 100, "{media}");
    assert_eq!(media["rtp_dropped_malformed"], 0, "{media}");
    assert!(media["agent_audio_events"].as_u64().unwrap() > 0, "{media}");
    let said: Vec<String> = stack.serve.stderr.try_iter().collect();
    assert!(
        said.iter()
            .any(|l| l.contains("--format slin16") && l.contains("--format ulaw")),
        "serve did not warn that slin16 is one-way: {said:?}"
    );
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);
    let path = std::fs::read_dir(rec.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "wav"))
        .expect("the call's recording");
    let wav = vcctl_core::media::wav::decode(&std::fs::read(&path).unwrap()).unwrap();
    // The recording is at the RTP rate: 16 kHz, caller left, agent right.
    assert_eq!(wav.spec.rate, 16000);
    assert_eq!(wav.spec.channels, 2);
    for (ch, who) in [(0, "caller (RTP in)"), (1, "agent (RTP out)")] {
        let x: Vec<i16> = wav.samples.iter().skip(ch).step_by(2).copied().collect();
        let mid = &x[x.len() / 4..x.len() * 3 / 4];
        let tone = goertzel_power(mid, 1000.0, 16000);
        for other in [500.0, 1500.0, 3000.0, 7000.0] {
            let p = goertzel_power(mid, other, 16000);
            assert!(
                tone > 100.0 * p,
                "{who}: 1000 Hz {tone:.3e} vs {other} Hz {p:.3e}"
            );
        }
    }
}

/// doctor's "app registered" row for serve's app, and doctor's exit code.
fn doctor_app_row(sb: &common::Sandbox, stack: &Stack) -> (Value, Option<i32>) {
    let conf = std::path::PathBuf::from(
        std::env::var("VCCTL_SANDBOX_DIR")
            .unwrap_or_else(|_| "/var/lib/vcctl-sandbox/rootfs".into()),
    )
    .join("etc/asterisk");
    let out = sb
        .command()
        .args([
            "doctor",
            "--json",
            "--asterisk-config",
            conf.to_str().unwrap(),
            "--local-only",
            "--stun",
            "none",
            "--agent-url",
            &format!("ws://127.0.0.1:{}", stack.sim_port),
            "--agent-id",
            "sim-agent",
            "--api-url",
            &format!("http://127.0.0.1:{}", stack.http),
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor printed non-JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "app registered")
        .cloned()
        .unwrap_or_else(|| panic!("no app row: {v:#}"));
    (row, out.status.code())
}

/// Issue 13's second sequence: serve is killed (SIGKILL) with a call up. Asterisk keeps its
/// app registered (the call's channels are still in it), but no client is there: doctor must
/// say so instead of PASSing, and `events --app` must not refuse.
#[test]
fn a_killed_serve_is_not_reported_as_connected() {
    let sb = sandbox();
    sb.force_clean();
    let mut stack = Stack::start(&sb, StackOptions::default());
    let (row, _) = doctor_app_row(&sb, &stack);
    assert_eq!(row["status"], "PASS", "{row}");
    assert!(
        row["evidence"]
            .as_str()
            .unwrap()
            .contains(&format!("vcctl serve (pid {}", stack.serve_pid())),
        "{row}"
    );
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    // SAFETY: kill(2) reads no memory of ours; the pid is our own child, not yet reaped
    // (std waits for it only in `finish`), so it cannot name a recycled process.
    unsafe {
        libc::kill(stack.serve_pid() as i32, libc::SIGKILL);
    }
    stack.serve.finish(Duration::from_secs(5));
    let apps = sb.json(&["apps"]);
    assert!(
        apps.as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "voiceclone-app"
                && !a["channel_ids"].as_array().unwrap().is_empty()),
        "Asterisk should still list the dead serve's app: {apps}"
    );

    let (row, code) = doctor_app_row(&sb, &stack);
    assert_eq!(row["status"], "FAIL", "{row}");
    assert!(
        row["evidence"]
            .as_str()
            .unwrap()
            .contains("'voiceclone-app' is registered, but no client answers"),
        "{row}"
    );
    assert_eq!(code, Some(8));

    let out = sb.vcctl(&["events", "--app", "voiceclone-app", "--timeout", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("no client answers"), "{err}");

    // A new serve takes the app, releases what the dead one left, and answers again.
    stack.serve =
        common::Spawned::start(sb.command().env("ELEVENLABS_AGENT_ID", "sim-agent").args([
            "serve",
            "--agent-url",
            &format!("ws://127.0.0.1:{}", stack.sim_port),
            "--http",
            &format!("127.0.0.1:{}", stack.http),
            "--db",
            stack.db.to_str().unwrap(),
        ]));
    stack.wait_ready();
    sb.assert_clean();
    let (row, _) = doctor_app_row(&sb, &stack);
    assert_eq!(row["status"], "PASS", "{row}");
    assert!(
        row["evidence"]
            .as_str()
            .unwrap()
            .contains(&format!("vcctl serve (pid {}", stack.serve_pid())),
        "{row}"
    );
}
