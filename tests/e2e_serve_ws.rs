//! `vcctl serve --transport websocket` end to end: real Asterisk 22.10.1 (sandbox), serve
//! with its media over chan_websocket, and agent-sim. Callers: the tone-playing Local
//! channel of `tone-rec` (it records what it hears) and `vcctl call` over SIP.

mod common;

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use common::sandbox;
use common::stack::{call, monitor_dir, read_wav_i16, udp_ports_of, Stack, StackOptions};
use vcctl_core::media::tone::goertzel_power;
use vcctl_core::media::wav;

/// UDP sockets the process `pid` holds (any port).
fn udp_sockets_of(pid: u32) -> usize {
    udp_ports_of(pid).len()
}

fn finish(sb: &common::Sandbox, stack: &Stack) {
    stack.wait_no_calls(Duration::from_secs(10));
    sb.assert_clean();
    assert_eq!(
        udp_sockets_of(stack.serve_pid()),
        0,
        "serve holds UDP sockets"
    );
}

/// serve with its media over WebSocket (and `serve_args`), agent-sim with `sim_args`.
fn ws_stack(sb: &common::Sandbox, sim_args: &[&str], serve_args: &[&str]) -> Stack {
    let mut serve = vec!["--transport", "websocket"];
    serve.extend_from_slice(serve_args);
    Stack::start(
        sb,
        StackOptions {
            sim_args,
            serve_args: &serve,
            ..Default::default()
        },
    )
}

/// [`ws_stack`] with the echo agent answering after `delay_ms` in `sim_format`, serve's
/// media channel in `serve_format`.
fn echo_ws_stack(
    sb: &common::Sandbox,
    delay_ms: &str,
    sim_format: &str,
    serve_format: &str,
) -> Stack {
    ws_stack(
        sb,
        &["--response-delay-ms", delay_ms, "--format", sim_format],
        &["--format", serve_format],
    )
}

/// agent-sim's arguments for an agent that answers each caller turn, 60 ms after it ends,
/// with `tone_ms` of 440 Hz sent all at once; with `interrupt`, speech from the caller
/// interrupts it.
fn tone_burst_agent(tone_ms: &'static str, interrupt: bool) -> Vec<&'static str> {
    let mut args = vec![
        "--mode",
        "tone",
        "--tone-hz",
        "440",
        "--tone-ms",
        tone_ms,
        "--tone-burst",
        "--response-delay-ms",
        "60",
    ];
    if interrupt {
        args.push("--interrupt-on-speech");
    }
    args
}

/// The newest call record serve wrote.
fn last_record(sb: &common::Sandbox, stack: &Stack) -> Value {
    let db = stack.db.to_str().unwrap();
    let v = sb.json(&["calls", "--db", db, "list", "--limit", "1"]);
    let id = v[0]["id"].as_str().expect("a call record").to_string();
    sb.json(&["calls", "--db", db, "show", &id])
}

fn assert_tone(samples: &[i16], hz: f64, rate: u32, what: &str) {
    let tone = goertzel_power(samples, hz, rate);
    for other in [500.0, 1500.0, 2000.0, 3000.0] {
        if other == hz {
            continue;
        }
        let p = goertzel_power(samples, other, rate);
        assert!(
            tone > 100.0 * p,
            "{what}: {hz} Hz {tone:.3e} vs {other} Hz {p:.3e}"
        );
    }
}

/// The tone-rec caller through serve over WebSocket and the echo agent: the tone comes back.
/// Returns the call's live media figures, the record and the metrics.
fn tone_round_trip(sim_format: &str, serve_format: &str) -> (Value, Value, String) {
    let sb = sandbox();
    sb.force_clean();
    let stack = echo_ws_stack(&sb, "60", sim_format, serve_format);
    let caller = call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(3));
    let live = stack.calls()[0].clone();
    assert_eq!(live["transport"], "websocket", "{live}");
    // No UDP socket for the call: media runs over the WebSocket to Asterisk's HTTP port.
    assert_eq!(
        udp_sockets_of(stack.serve_pid()),
        0,
        "serve holds UDP sockets during the call"
    );
    assert_eq!(stack.rtp_sockets_open(), 0);
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);
    let heard = read_wav_i16(&monitor_dir().join(format!("vcctl-{caller}-heard.wav")));
    assert!(
        heard.len() > 8000 * 2,
        "{} samples; live: {live}; record: {}",
        heard.len(),
        last_record(&sb, &stack)
    );
    assert_tone(
        &heard[8000..heard.len() - 1600],
        1000.0,
        8000,
        "what the caller heard",
    );
    let rec = last_record(&sb, &stack);
    (live, rec, stack.metrics())
}

#[test]
fn ulaw_tone_comes_back_over_the_websocket_transport_untouched() {
    let (live, rec, metrics) = tone_round_trip("ulaw_8000", "ulaw");
    let media = &live["media"];
    // /calls shows what it shows for an RTP call: levels and who is speaking. The caller
    // plays a continuous tone (Playtones: about -10 dBFS) and the echo agent sends it back,
    // playing from Asterisk's queue all along.
    eprintln!(
        "ulaw: live levels {} / {} dBFS, speaking {}",
        media["caller_level_dbfs"], media["agent_level_dbfs"], live["speaking"]
    );
    assert!(
        media["caller_level_dbfs"].as_f64().unwrap() > -30.0,
        "{live}"
    );
    assert!(
        media["agent_level_dbfs"].as_f64().unwrap() > -30.0,
        "{live}"
    );
    assert_eq!(media["caller_speaking"], true, "{live}");
    assert_eq!(media["agent_speaking"], true, "{live}");
    assert_eq!(live["speaking"], "both", "{live}");
    // The tone-rec caller is a Local channel: no RTP, so no caller-leg figures (null).
    assert!(live.get("caller_leg").is_some(), "{live}");
    assert!(media["caller_frames"].as_u64().unwrap() > 100, "{media}");
    assert!(media["agent_audio_events"].as_u64().unwrap() > 0, "{media}");
    assert!(
        media["passthrough_bytes_in"].as_u64().unwrap() > 16_000,
        "{media}"
    );
    assert!(
        media["passthrough_bytes_out"].as_u64().unwrap() > 8_000,
        "{media}"
    );
    assert_eq!(media["resampled_samples_in"], 0, "{media}");
    assert_eq!(media["resampled_samples_out"], 0, "{media}");
    assert_eq!(rec["transport"], "websocket", "{rec}");
    let ws = &rec["media_ws"];
    assert_eq!(ws["format"], "ulaw");
    let link = &ws["link"];
    // What the agent sent is what went to Asterisk: byte for byte, whole frames, nothing lost.
    assert_eq!(
        link["agent_bytes_in"], ws["agent"]["agent_audio_bytes"],
        "{ws}"
    );
    assert_eq!(link["overflow_dropped_bytes"], 0, "{ws}");
    assert!(link["marks_processed"].as_u64().unwrap() > 0, "{ws}");
    // Agent audio received -> played by Asterisk, one figure per response (the echo is one
    // long response), within Asterisk's 20 ms tick plus scheduling.
    let played = rec["latency"]["agent_audio_to_played_ms"]
        .as_array()
        .unwrap();
    assert!(!played.is_empty(), "{rec}");
    eprintln!("ulaw: agent audio -> played {played:?} ms");
    assert!(
        played.iter().all(|v| v.as_f64().unwrap() < 100.0),
        "{played:?}"
    );
    assert!(
        metrics.contains("vcctl_resampled_samples_total{direction=\"to_agent\"} 0"),
        "{metrics}"
    );
    assert!(metrics.contains("vcctl_agent_audio_to_played_seconds_count"));
}

#[test]
fn slin16_passes_pcm_16000_through_both_ways_without_resampling() {
    let (live, rec, metrics) = tone_round_trip("pcm_16000", "slin16");
    let media = &live["media"];
    // 640-byte (20 ms at 16 kHz) caller frames, handed to the agent as they are.
    let frames = media["caller_frames"].as_u64().unwrap();
    assert!(frames > 100, "{media}");
    assert_eq!(
        media["caller_bytes"].as_u64().unwrap(),
        frames * 640,
        "{media}"
    );
    assert_eq!(
        media["passthrough_bytes_in"], media["caller_bytes"],
        "{media}"
    );
    assert_eq!(
        media["passthrough_bytes_out"], media["agent_audio_bytes"],
        "{media}"
    );
    assert_eq!(media["resampled_samples_in"], 0, "{media}");
    assert_eq!(media["resampled_samples_out"], 0, "{media}");
    let ws = &rec["media_ws"];
    assert_eq!(ws["format"], "slin16", "{rec}");
    assert_eq!(ws["agent"]["resampled_samples_in"], 0, "{ws}");
    assert_eq!(ws["agent"]["resampled_samples_out"], 0, "{ws}");
    assert_eq!(
        ws["link"]["agent_bytes_in"], ws["agent"]["agent_audio_bytes"],
        "{ws}"
    );
    assert!(
        metrics.contains("vcctl_resampled_samples_total{direction=\"to_caller\"} 0"),
        "{metrics}"
    );
}

fn run_json(cmd: &mut Command) -> (Option<i32>, Value, String) {
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code(),
        v,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `vcctl call` over SIP to `test@` -> serve over WebSocket -> the echo agent.
fn sip_call_through(serve_format: &str, sim_format: &str) {
    let sb = sandbox();
    sb.force_clean();
    let stack = echo_ws_stack(&sb, "0", sim_format, serve_format);
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("heard.wav");
    let (code, v, err) = run_json(sb.command().args([
        "call",
        "sip:test@127.0.0.1:5060",
        "--tone",
        "1000",
        "--duration",
        "4",
        "--record",
        rec.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, Some(0), "stderr: {err}\nstdout: {v}");
    finish(&sb, &stack);
    let w = wav::decode(&std::fs::read(&rec).unwrap()).unwrap();
    let s = &w.samples;
    assert!(s.len() > 8000 * 3, "{} samples", s.len());
    assert_tone(
        &s[s.len() / 4..s.len() * 3 / 4],
        1000.0,
        8000,
        "what vcctl call heard",
    );
    let rt = &v["roundtrip"];
    eprintln!("{serve_format}/{sim_format}: SIP round trip through serve over WebSocket: {rt}");
    assert!(rt["found"].as_u64().unwrap() >= 2, "markers lost: {rt}");
}

#[test]
fn vcctl_call_hears_its_tone_back_through_websocket_serve_ulaw() {
    sip_call_through("ulaw", "ulaw_8000");
}

#[test]
fn vcctl_call_hears_its_tone_back_through_websocket_serve_slin16() {
    sip_call_through("slin16", "pcm_16000");
}

/// An 8 kHz WAV of `parts`: (seconds, tone Hz or 0 for silence).
fn script_wav(path: &std::path::Path, parts: &[(f64, f64)]) {
    let mut s = Vec::new();
    for &(secs, hz) in parts {
        let n = (secs * 8000.0) as usize;
        if hz > 0.0 {
            vcctl_core::media::tone::SineGen::new(hz, 8000, 0.5).extend(n, &mut s);
        } else {
            s.extend(std::iter::repeat_n(0i16, n));
        }
    }
    std::fs::write(path, wav::encode(wav::WavSpec::TELEPHONE, &s)).unwrap();
}

/// Per 20 ms window of `samples` (8 kHz): is `hz` there (power above 1 % of its loudest
/// window, and above 1000 Hz's)?
fn tone_windows(samples: &[i16], hz: f64) -> Vec<bool> {
    let p: Vec<(f64, f64)> = samples
        .chunks(160)
        .map(|w| (goertzel_power(w, hz, 8000), goertzel_power(w, 1000.0, 8000)))
        .collect();
    let max = p.iter().map(|x| x.0).fold(0.0, f64::max);
    p.iter().map(|&(t, o)| t > max / 100.0 && t > o).collect()
}

/// `vcctl call` playing `parts` to `test@` and recording what it hears; serve over
/// WebSocket with `serve_args`, agent-sim with `sim_args`. Returns (heard, call JSON, record).
fn scripted_call(
    sb: &common::Sandbox,
    parts: &[(f64, f64)],
    duration: &str,
    sim_args: &[&str],
    serve_args: &[&str],
) -> (Vec<i16>, Value, Value, String) {
    let stack = ws_stack(sb, sim_args, serve_args);
    let dir = tempfile::tempdir().unwrap();
    let play = dir.path().join("say.wav");
    let rec = dir.path().join("heard.wav");
    script_wav(&play, parts);
    let (code, v, err) = run_json(sb.command().args([
        "call",
        "sip:test@127.0.0.1:5060",
        "--play",
        play.to_str().unwrap(),
        "--no-markers",
        "--duration",
        duration,
        "--record",
        rec.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(code, Some(0), "stderr: {err}\nstdout: {v}");
    finish(sb, &stack);
    let heard = wav::decode(&std::fs::read(&rec).unwrap()).unwrap().samples;
    let record = last_record(sb, &stack);
    (heard, v, record, stack.metrics())
}

#[test]
fn barge_in_stops_the_agent_audio_the_caller_hears() {
    let sb = sandbox();
    sb.force_clean();
    // The caller speaks 1 s; the agent answers with 20 s of 440 Hz, all at once (more than
    // the link's window: part waits in serve, part in Asterisk's queue); the caller speaks
    // again at 4 s (until the end, so the agent does not answer again), the agent sends
    // `interruption`, serve flushes.
    let barge_at = 4.0;
    let (heard, _, rec, metrics) = scripted_call(
        &sb,
        &[(1.0, 1000.0), (3.0, 0.0), (3.0, 1000.0)],
        "7",
        &tone_burst_agent("20000", true),
        &[],
    );
    eprintln!("barge-in: {}", rec["media_ws"]);
    let on = tone_windows(&heard, 440.0);
    // The recording keeps real time (gaps are silence): nothing before the agent's answer,
    // which comes after the caller's 1 s and the agent's 700 ms end-of-speech hangover.
    assert!(
        on[..75].iter().all(|x| !x),
        "agent audio in the first 1.5 s"
    );
    // Before the barge-in (2.5-3.9 s) the agent's tone plays.
    let before = &on[125..195];
    assert!(
        before.iter().filter(|&&x| x).count() >= before.len() * 9 / 10,
        "the agent's tone was not playing before the barge-in: {before:?}"
    );
    let last_on = on.iter().rposition(|&x| x).unwrap() as f64 / 50.0 + 0.02;
    let stop_ms = (last_on - barge_at) * 1000.0;
    eprintln!(
        "barge-in: the caller's received agent audio stopped {stop_ms:.0} ms after it spoke again"
    );
    // The agent's VAD onset, the interruption, FLUSH_MEDIA, Asterisk's next tick and the
    // bridge: 60-80 ms over 7 runs in the sandbox (docs/websocket-media.md); the bound leaves
    // room for a loaded machine.
    assert!(
        stop_ms > 0.0,
        "stopped before the caller spoke: {stop_ms} ms"
    );
    assert!(
        stop_ms < 200.0,
        "stopped {stop_ms:.0} ms after the caller spoke"
    );
    // Nothing of the flushed 20 s comes back afterwards; serve's idle silence (on by default)
    // keeps the caller's RTP going to the end of the call, so the recording covers it.
    let after = ((barge_at + 0.4) * 50.0) as usize;
    assert!(on.get(after..).unwrap_or(&[]).iter().all(|x| !x));
    assert!(on.len() >= (6.5 * 50.0) as usize, "{} windows", on.len());
    let stops = rec["latency"]["barge_in_stop_ms"]
        .as_array()
        .expect("barge_in_stop_ms");
    assert_eq!(stops.len(), 1, "{rec}");
    let serve_ms = stops[0].as_f64().unwrap();
    eprintln!("barge-in: interruption received -> Asterisk confirmed the flush: {serve_ms:.1} ms");
    assert!(serve_ms > 0.0 && serve_ms < 100.0, "{serve_ms}");
    let link = &rec["media_ws"]["link"];
    assert_eq!(link["flushes"], 1, "{link}");
    assert!(
        link["flushed_pending_bytes"].as_u64().unwrap() > 0,
        "{link}"
    );
    assert!(
        metrics.contains("vcctl_barge_in_stop_seconds_count 1"),
        "{metrics}"
    );
}

#[test]
fn the_caller_receives_rtp_between_a_barge_in_and_the_next_agent_audio() {
    let sb = sandbox();
    sb.force_clean();
    // The caller speaks 1 s; the agent answers with 20 s of 440 Hz at once; the caller
    // barges in at 2.5 s for 1 s; the agent flushes, then answers that second utterance
    // after its 700 ms end-of-speech hangover (about 4.3 s). Between the flush and that
    // answer chan_websocket has nothing to play: serve's idle silence (on by default) keeps
    // the caller's RTP going, without it the caller got no packet for 1.6 s.
    let (heard, v, rec, _) = scripted_call(
        &sb,
        &[(1.0, 1000.0), (1.5, 0.0), (1.0, 1000.0), (3.5, 0.0)],
        "7",
        &tone_burst_agent("20000", true),
        &[],
    );
    let link = &rec["media_ws"]["link"];
    eprintln!("idle silence: call {v}\nlink {link}");
    // 50 packets a second from the bridge on: the 7 s call less its setup. Without idle
    // silence the caller got 171 packets here (nothing for 1.6 s between the answers, and
    // nothing before the first), with it 350. (`max_delta_ms` does not show such a gap: as
    // Wireshark's, it leaves out the delta of a packet with the marker bit, which starts
    // each talkspurt; rtp_stats/stream.rs.)
    let rx = &v["rtp_received"];
    let packets = rx["packets"].as_u64().expect("rtp_received.packets");
    eprintln!("idle silence: the caller received {packets} RTP packets in a 7 s call");
    assert!(packets >= 50 * 6, "{rx}");
    // The record rates the caller's leg (vcctl call over SIP: RTP) each way, as for an RTP
    // call; there is no media leg of RTP to rate.
    for dir in ["rtp_inbound", "rtp_outbound"] {
        let leg = &rec[dir]["caller_leg"];
        assert!(
            leg["packets"].as_i64().unwrap_or(0) > 0,
            "{dir}: {}",
            rec[dir]
        );
        let mos = leg["mos"]["mos"].as_f64().unwrap_or(0.0);
        assert!(mos > 4.0, "{dir}: a clean loopback call: {}", rec[dir]);
    }
    assert!(
        rec["rtp_inbound"].get("mos").is_none(),
        "{}",
        rec["rtp_inbound"]
    );
    // It was a barge-in and a second answer: the first response flushed (once), the
    // silence between them sent, the second answer heard after the silence.
    assert_eq!(link["flushes"], 1, "{link}");
    assert!(link["idle_silence_frames"].as_u64().unwrap() > 50, "{link}");
    let on = tone_windows(&heard, 440.0);
    let between = &on[((2.5 + 0.3) * 50.0) as usize..(4.0 * 50.0) as usize];
    assert!(
        between.iter().all(|x| !x),
        "agent audio between the answers: {on:?}"
    );
    let after = &on[(4.6 * 50.0) as usize..(6.0 * 50.0) as usize];
    assert!(
        after.iter().filter(|&&x| x).count() >= after.len() * 9 / 10,
        "the second answer was not heard: {on:?}"
    );
}

#[test]
fn thirty_seconds_at_once_all_play_with_xoff_and_xon_and_a_bounded_queue() {
    let sb = sandbox();
    sb.force_clean();
    // The caller speaks 1 s then listens; the agent answers with 30 s of 440 Hz at once.
    // With the window at its maximum (999 frames) Asterisk's own MEDIA_XOFF decides.
    let (heard, _, rec, metrics) = scripted_call(
        &sb,
        &[(1.0, 1000.0), (33.0, 0.0)],
        "34",
        &tone_burst_agent("30000", false),
        &["--ws-window-ms", "19980"],
    );
    let on = tone_windows(&heard, 440.0);
    let played = on.iter().filter(|&&x| x).count() as f64 / 50.0;
    eprintln!("flow control: the caller heard {played:.2} s of the agent's 30 s");
    assert!((played - 30.0).abs() <= 0.3, "heard {played} s of 30 s");
    let ws = &rec["media_ws"];
    let link = &ws["link"];
    eprintln!("flow control: {ws}");
    assert!(ws["xoff"].as_u64().unwrap() >= 1, "{ws}");
    assert!(ws["xon"].as_u64().unwrap() >= 1, "{ws}");
    assert_eq!(link["overflow_dropped_bytes"], 0, "{link}");
    assert_eq!(link["flushed_pending_bytes"], 0, "{link}");
    // Every byte the agent sent went out in whole frames (the last one padded), besides any
    // idle silence.
    let idle = link["idle_silence_frames"].as_u64().unwrap_or(0);
    let sent = (link["frames_sent"].as_u64().unwrap() - idle) * 160;
    let got = link["agent_bytes_in"].as_u64().unwrap();
    assert_eq!(got, 30 * 8000, "{link}");
    assert_eq!(
        sent,
        got + link["padding_bytes"].as_u64().unwrap(),
        "{link}"
    );
    assert!(
        link["max_unacked_frames"].as_u64().unwrap() <= 999,
        "{link}"
    );
    assert!(
        link["max_pending_bytes"].as_u64().unwrap() <= 30 * 8000,
        "{link}"
    );
    assert!(
        metrics.contains("vcctl_media_ws_events_total{event=\"xoff\"}"),
        "{metrics}"
    );
}

#[test]
fn the_agent_closing_ends_a_websocket_call_and_releases_everything() {
    let sb = sandbox();
    sb.force_clean();
    let stack = ws_stack(&sb, &["--end-after-ms", "1500"], &[]);
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    finish(&sb, &stack);
    let rec = last_record(&sb, &stack);
    assert_eq!(rec["ended_by"], "agent", "{rec}");
    assert_eq!(rec["transport"], "websocket", "{rec}");
}

#[test]
fn hanging_up_the_websocket_media_leg_ends_the_call() {
    let sb = sandbox();
    sb.force_clean();
    let stack = ws_stack(&sb, &[], &[]);
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    sb.ok(&["channels", "hangup", &stack.media_channel(&sb)]);
    finish(&sb, &stack);
}

#[test]
fn an_asterisk_restart_mid_call_leaves_nothing_behind() {
    let sb = sandbox();
    sb.force_clean();
    let stack = ws_stack(&sb, &[], &[]);
    call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    let restart = sb.sandbox_script(&["restart"]);
    assert!(
        restart.status.success(),
        "restart failed: {}",
        String::from_utf8_lossy(&restart.stderr)
    );
    // The media WebSocket and the ARI events both drop; serve ends the call and reconnects.
    stack.wait_no_calls(Duration::from_secs(30));
    stack.wait_ready();
    assert_eq!(udp_sockets_of(stack.serve_pid()), 0);
    // And it serves the next call.
    let caller = call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);
}

#[test]
fn doctor_with_the_websocket_transport_checks_chan_websocket_and_names_the_ari_port() {
    let sb = sandbox();
    let conf = format!(
        "{}/etc/asterisk",
        std::env::var("VCCTL_SANDBOX_DIR")
            .unwrap_or_else(|_| "/var/lib/vcctl-sandbox/rootfs".into())
    );
    let out = sb
        .command()
        .args([
            "doctor",
            "--transport",
            "websocket",
            "--local-only",
            "--stun",
            "none",
            "--asterisk-config",
            &conf,
            "--json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("doctor --json");
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "websocket media")
        .expect("the websocket media row")
        .clone();
    assert_eq!(row["status"], "PASS", "{row}");
    assert!(
        row["evidence"].as_str().unwrap().contains("8088/tcp"),
        "{row}"
    );
    let ctx = v["context"]["agent media"].as_str().unwrap_or_default();
    assert!(ctx.starts_with("websocket over the ARI port"), "{v}");
}

/// baresip (a real SIP phone) through `sip:test@` -> serve over WebSocket -> the echo agent:
/// it hears its own 440 Hz tone back.
#[test]
fn baresip_hears_its_tone_back_through_websocket_serve() {
    baresip_through("ulaw", "ulaw_8000");
}

/// The same with the channel in slin16 and an agent speaking pcm_16000 (bytes pass through
/// both ways; the caller's leg is PCMU, Asterisk transcodes).
#[test]
fn baresip_hears_its_tone_back_through_websocket_serve_slin16() {
    baresip_through("slin16", "pcm_16000");
}

fn baresip_through(serve_format: &str, sim_format: &str) {
    use std::process::Stdio;
    let sb = sandbox();
    common::baresip::require();
    sb.force_clean();
    let stack = echo_ws_stack(&sb, "0", sim_format, serve_format);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::baresip::config_dir(d, "127.0.0.1:5068", 440.0, false);
    let out = Command::new("baresip")
        .args(["-f", d.to_str().unwrap()])
        .args(["-e", "/dial sip:test@127.0.0.1:5060", "-t", "6"])
        .current_dir(d)
        .stdin(Stdio::null())
        .output()
        .expect("run baresip");
    let log =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("Call established"), "{log}");
    finish(&sb, &stack);
    let dump = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with("-dec.wav"))
        .expect("baresip's decode dump");
    let rx = wav::decode(&std::fs::read(dump.path()).unwrap())
        .unwrap()
        .to_mono();
    assert!(rx.len() > 8000 * 2, "{} samples", rx.len());
    assert_tone(
        &rx[rx.len() / 4..rx.len() * 3 / 4],
        440.0,
        8000,
        "what baresip heard",
    );
    let rec = last_record(&sb, &stack);
    assert_eq!(rec["transport"], "websocket", "{rec}");
    assert_eq!(rec["media_ws"]["format"], serve_format, "{rec}");
    let agent = &rec["media_ws"]["agent"];
    assert_eq!(agent["resampled_samples_in"], 0, "{agent}");
    assert_eq!(agent["resampled_samples_out"], 0, "{agent}");
}

#[test]
fn ten_in_a_row_then_ten_at_once_over_websocket_leave_nothing_behind() {
    let sb = sandbox();
    sb.force_clean();
    let stack = ws_stack(&sb, &["--response-delay-ms", "60"], &[]);
    stack.calls_in_a_row(&sb, 10);
    let callers: Vec<String> = (0..10).map(|_| call(&sb)).collect();
    stack.wait_bridged(10, Duration::from_secs(20));
    // Every call hears the agent over its own media WebSocket.
    stack.wait_every_call_has("/media/channel_bytes_out", Duration::from_secs(5));
    assert_eq!(udp_sockets_of(stack.serve_pid()), 0);
    for c in &callers {
        sb.ok(&["channels", "hangup", c]);
    }
    finish(&sb, &stack);
    assert_eq!(stack.calls_ended_cleanly(), 20);
}
