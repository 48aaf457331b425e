//! `vcctl serve --transport websocket` end to end: real Asterisk 22.10.1 (sandbox), serve
//! with its media over chan_websocket, and agent-sim. Callers: the tone-playing Local
//! channel of `tone-rec` (it records what it hears) and `vcctl call` over SIP.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::sandbox;
use common::stack::{call, monitor_dir, read_wav_i16, Stack, StackOptions};
use vcctl::core::tone::goertzel_power;
use vcctl::core::wav;

/// UDP sockets the process `pid` holds (its socket inodes found in /proc/net/udp{,6}).
fn udp_sockets_of(pid: u32) -> usize {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter_map(|l| {
                    let s = l.to_string_lossy().to_string();
                    s.strip_prefix("socket:[")
                        .and_then(|r| r.strip_suffix(']'))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    ["/proc/net/udp", "/proc/net/udp6"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| t.lines().skip(1).map(str::to_string).collect::<Vec<_>>())
        .filter(|l| {
            l.split_whitespace()
                .nth(9)
                .is_some_and(|i| inodes.iter().any(|x| x == i))
        })
        .count()
}

fn finish(sb: &common::Sandbox, stack: &Stack) {
    stack.wait_no_calls(Duration::from_secs(10));
    sb.assert_clean();
    assert_eq!(udp_sockets_of(stack.serve_pid()), 0, "serve holds UDP sockets");
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
    let Some(sb) = sandbox() else {
        return (Value::Null, Value::Null, String::new());
    };
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &["--response-delay-ms", "60", "--format", sim_format],
            serve_args: &["--transport", "websocket", "--format", serve_format],
            ..Default::default()
        },
    );
    let caller = call(&sb);
    stack.wait_bridged(1, Duration::from_secs(10));
    std::thread::sleep(Duration::from_secs(3));
    let live = stack.calls()[0].clone();
    assert_eq!(live["transport"], "websocket", "{live}");
    // No UDP socket for the call: media runs over the WebSocket to Asterisk's HTTP port.
    assert_eq!(udp_sockets_of(stack.serve_pid()), 0, "serve holds UDP sockets during the call");
    assert_eq!(stack.rtp_sockets_open(), 0);
    sb.ok(&["channels", "hangup", &caller]);
    finish(&sb, &stack);
    let heard = read_wav_i16(&monitor_dir().join(format!("vcctl-{caller}-heard.wav")));
    assert!(heard.len() > 8000 * 2, "{} samples", heard.len());
    assert_tone(&heard[8000..heard.len() - 1600], 1000.0, 8000, "what the caller heard");
    let rec = last_record(&sb, &stack);
    (live, rec, stack.metrics())
}

#[test]
fn ulaw_tone_comes_back_over_the_websocket_transport_untouched() {
    let (live, rec, metrics) = tone_round_trip("ulaw_8000", "ulaw");
    if live.is_null() {
        return;
    }
    let media = &live["media"];
    assert!(media["caller_frames"].as_u64().unwrap() > 100, "{media}");
    assert!(media["agent_audio_events"].as_u64().unwrap() > 0, "{media}");
    assert!(media["passthrough_bytes_in"].as_u64().unwrap() > 16_000, "{media}");
    assert!(media["passthrough_bytes_out"].as_u64().unwrap() > 8_000, "{media}");
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
    let played = rec["latency"]["agent_audio_to_played_ms"].as_array().unwrap();
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
    if live.is_null() {
        return;
    }
    let media = &live["media"];
    // 640-byte (20 ms at 16 kHz) caller frames, handed to the agent as they are.
    let frames = media["caller_frames"].as_u64().unwrap();
    assert!(frames > 100, "{media}");
    assert_eq!(media["caller_bytes"].as_u64().unwrap(), frames * 640, "{media}");
    assert_eq!(media["passthrough_bytes_in"], media["caller_bytes"], "{media}");
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
    assert_eq!(ws["link"]["agent_bytes_in"], ws["agent"]["agent_audio_bytes"], "{ws}");
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
    let Some(sb) = sandbox() else { return };
    sb.force_clean();
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &["--response-delay-ms", "0", "--format", sim_format],
            serve_args: &["--transport", "websocket", "--format", serve_format],
            ..Default::default()
        },
    );
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
    assert_tone(&s[s.len() / 4..s.len() * 3 / 4], 1000.0, 8000, "what vcctl call heard");
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
