//! `vcctl calls bundle ID -o FILE.tar.gz`: everything about one call in one file. Reads the
//! call record from the store, serve's per-call logs (`io::serve::journal`) and the files the
//! call left (capture, recording), redacts every text file (`core::bundle`) and writes a
//! gzip-compressed tar (crates `tar` and `flate2`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Serialize;
use serde_json::{json, Value};

use crate::io::serve::journal::paths;
use crate::io::store::CallRecord;
use vcctl_core::agent::proto::Transcript;
use vcctl_core::serve::bundle::{readme, BundleFile, Redactor};
use vcctl_core::serve::timeline::summarize_agent_message;

/// What to bundle and how.
#[derive(Debug, Clone)]
pub struct BundleRequest {
    pub output: PathBuf,
    /// serve's per-call logs directory.
    pub call_logs: PathBuf,
    pub with_audio: bool,
    pub redact_callers: bool,
    /// Values that must not appear in the bundle.
    pub secrets: Vec<String>,
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct BundleReport {
    pub call: String,
    pub path: String,
    pub bytes: u64,
    pub files: Vec<BundledFile>,
    /// What is missing and why.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundledFile {
    pub name: String,
    pub bytes: u64,
    pub about: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error(
        "could not write the bundle {path}: {source}; check the directory exists and is writable"
    )]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the bundle would contain a secret from {0}; nothing was written (report this as a bug)"
    )]
    Leak(String),
}

/// One member of the bundle before packing.
struct Member {
    name: String,
    data: Vec<u8>,
    about: String,
}

/// Read a JSON-lines file into values (unreadable lines are kept as strings).
fn read_jsonl(path: &Path) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|_| Value::String(l.into())))
            .collect(),
    )
}

fn jsonl(values: &[Value]) -> String {
    let mut s = String::new();
    for v in values {
        s.push_str(&v.to_string());
        s.push('\n');
    }
    s
}

/// Phone numbers and names in an ARI event's channels (for `--redact-callers`).
fn note_event_callers(r: &mut Redactor, ev: &Value) {
    for key in ["channel", "peer"] {
        let ch = &ev[key];
        for who in ["caller", "connected"] {
            for field in ["number", "name"] {
                if let Some(n) = ch[who][field].as_str() {
                    r.note_caller(n);
                }
            }
        }
    }
    // StasisStart's args: [extension, caller number] in the deployment's dialplan.
    if let Some(n) = ev["args"].get(1).and_then(Value::as_str) {
        r.note_caller(n);
    }
}

/// The transcript as lines: `[12.3 s] caller: ...`.
pub fn transcript_text(t: &Value) -> String {
    let Ok(t) = serde_json::from_value::<Transcript>(t.clone()) else {
        return String::new();
    };
    let mut s = String::new();
    for turn in &t.turns {
        let who = serde_json::to_value(turn.speaker)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        s.push_str(&format!(
            "[{:.1} s] {who}: {}{}\n",
            turn.at_ms as f64 / 1000.0,
            turn.text,
            if turn.corrected { " (corrected)" } else { "" }
        ));
    }
    s
}

/// Gather, redact and write the bundle of `record`.
pub fn write_bundle(record: &CallRecord, req: &BundleRequest) -> Result<BundleReport, BundleError> {
    let id = &record.id;
    let mut notes = Vec::new();
    let mut redactor = Redactor::new(req.secrets.iter().cloned(), req.redact_callers);
    for n in [&record.caller_number, &record.caller_name]
        .into_iter()
        .flatten()
    {
        redactor.note_caller(n);
    }

    let (events_path, agent_path) = paths(&req.call_logs, id);
    let events = read_jsonl(&events_path);
    if events.is_none() {
        notes.push(format!(
            "no event log ({}): serve ran without per-call logs, or they were rotated away",
            events_path.display()
        ));
    }
    let events = events.unwrap_or_default();
    for e in &events {
        if e["kind"] == "ari" {
            note_event_callers(&mut redactor, &e["event"]);
        }
    }
    let settings = events
        .iter()
        .find(|e| e["what"] == "settings")
        .map(|e| e["settings"].clone());
    let ended = events.iter().rev().find(|e| e["what"] == "ended");
    let file_of = |kind: &str| -> Option<PathBuf> {
        ended?["files"]
            .as_array()?
            .iter()
            .find(|f| f["kind"] == kind)
            .and_then(|f| f["path"].as_str())
            .map(PathBuf::from)
    };

    let mut members: Vec<Member> = Vec::new();
    let text = |name: &str, body: String, about: &str, r: &Redactor| Member {
        name: name.into(),
        data: r.redact(&body).into_bytes(),
        about: about.into(),
    };
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";

    let rec = serde_json::to_value(record).unwrap_or(Value::Null);
    members.push(text(
        "record.json",
        pretty(&rec),
        "the call record (as `vcctl calls show --json`)",
        &redactor,
    ));
    let transcript = record
        .transcript
        .as_ref()
        .map(transcript_text)
        .unwrap_or_default();
    if transcript.is_empty() {
        notes.push("the call has no transcript".into());
    }
    members.push(text(
        "transcript.txt",
        transcript,
        "the conversation, one turn a line with its time into the call",
        &redactor,
    ));
    members.push(text(
        "rtp.json",
        pretty(&json!({
            "inbound": record.rtp_inbound,
            "outbound": record.rtp_outbound,
            "media_ws": record.media_ws,
            "caller_leg": events.iter().rev().find_map(|e| e.get("caller_leg").cloned()),
        })),
        "RTP statistics: inbound (Asterisk to serve) and outbound (serve to Asterisk) streams",
        &redactor,
    ));
    members.push(text(
        "latency.json",
        pretty(&record.latency.clone().unwrap_or(Value::Null)),
        "latency figures: setup, agent connection, response latencies, playout",
        &redactor,
    ));
    members.push(text(
        "settings.json",
        pretty(&json!({
            "bundled_by": format!("vcctl {}", env!("CARGO_PKG_VERSION")),
            "serve": settings,
        })),
        "vcctl's version and the settings serve ran the call with",
        &redactor,
    ));
    let ari: Vec<Value> = events
        .iter()
        .filter(|e| e["kind"] == "ari")
        .map(|e| json!({"t": e["t"], "event": e["event"]}))
        .collect();
    members.push(text(
        "ari-events.jsonl",
        jsonl(&ari),
        "the ARI events of the call's channels and bridge, with serve's receive time (t, Unix s)",
        &redactor,
    ));
    members.push(text("timeline.jsonl", jsonl(&events), "serve's timeline of the call: settings, ARI events, agent messages, turns, media events, files", &redactor));
    match read_jsonl(&agent_path) {
        Some(mut lines) => {
            let mut had_audio = false;
            for l in &mut lines {
                let m = &l["message"];
                let audio = m.get("user_audio_chunk").is_some_and(Value::is_string)
                    || m["audio_event"].get("audio_base_64").is_some();
                had_audio |= audio;
                if audio && !req.with_audio {
                    l["message"] = summarize_agent_message(&m.to_string());
                }
            }
            if req.with_audio && !had_audio {
                notes.push(
                    "--with-audio: serve kept no audio payloads (run it with --call-logs-audio)"
                        .into(),
                );
            }
            members.push(text(
                "agent.jsonl",
                jsonl(&lines),
                if req.with_audio && had_audio {
                    "the agent protocol log: every message both ways with its time (t, Unix s), audio included"
                } else {
                    "the agent protocol log: every message both ways with its time (t, Unix s); audio as sizes"
                },
                &redactor,
            ));
        }
        None => notes.push(format!("no agent protocol log ({})", agent_path.display())),
    }
    // Binary files, as they are.
    let mut binary =
        |name: &str, path: Option<PathBuf>, about: &str, missing: &str, notes: &mut Vec<String>| {
            match path.map(|p| (std::fs::read(&p), p)) {
                Some((Ok(data), _)) => members.push(Member {
                    name: name.into(),
                    data,
                    about: about.into(),
                }),
                Some((Err(e), p)) => {
                    notes.push(format!("{name}: {} could not be read ({e})", p.display()))
                }
                None => notes.push(missing.into()),
            }
        };
    binary(
        "capture.pcap",
        file_of("capture"),
        "the call's RTP both ways (serve --capture), for Wireshark or `vcctl rtp-stats`",
        "no capture (serve ran without --capture)",
        &mut notes,
    );
    let recording = record
        .recording
        .as_deref()
        .filter(|r| !r.starts_with("ari:"))
        .map(PathBuf::from)
        .or_else(|| file_of("recording"));
    binary(
        "recording.wav",
        recording,
        "the stereo recording: caller left, agent right (serve --record)",
        match record.recording.as_deref() {
            Some(r) if r.starts_with("ari:") => {
                "the recording is stored in Asterisk: `vcctl recordings get` it"
            }
            _ => "no recording (serve ran without --record)",
        },
        &mut notes,
    );
    if req.redact_callers && !redactor.callers().is_empty() {
        notes.push(format!(
            "--redact-callers: {} phone numbers or names replaced by caller-N",
            redactor.callers().len()
        ));
    }
    let list: Vec<BundleFile> = std::iter::once(BundleFile {
        name: "README.txt".into(),
        about: "this file".into(),
    })
    .chain(members.iter().map(|m| BundleFile {
        name: m.name.clone(),
        about: m.about.clone(),
    }))
    .collect();
    let created = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let readme_text = redactor.redact(&readme(
        id,
        env!("CARGO_PKG_VERSION"),
        &created,
        &list,
        &notes,
    ));
    members.insert(
        0,
        Member {
            name: "README.txt".into(),
            data: readme_text.into_bytes(),
            about: "this file".into(),
        },
    );
    // Last line of defence: no member may hold a secret (binary ones included).
    if let Some(m) = members.iter().find(|m| redactor.leaks(&m.data)) {
        return Err(BundleError::Leak(m.name.clone()));
    }
    let write_err = |source| BundleError::Write {
        path: req.output.display().to_string(),
        source,
    };
    let dir = format!("vcctl-call-{}", crate::io::serve::journal::stem(id));
    let file = File::create(&req.output).map_err(write_err)?;
    let gz = GzEncoder::new(BufWriter::new(file), Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for m in &members {
        let mut h = tar::Header::new_gnu();
        h.set_size(m.data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(mtime);
        h.set_cksum();
        tar.append_data(&mut h, format!("{dir}/{}", m.name), m.data.as_slice())
            .map_err(write_err)?;
    }
    let gz = tar.into_inner().map_err(write_err)?;
    let mut w = gz.finish().map_err(write_err)?;
    w.flush().map_err(write_err)?;
    let bytes = std::fs::metadata(&req.output).map(|m| m.len()).unwrap_or(0);
    Ok(BundleReport {
        call: id.clone(),
        path: req.output.display().to_string(),
        bytes,
        files: members
            .iter()
            .map(|m| BundledFile {
                name: m.name.clone(),
                bytes: m.data.len() as u64,
                about: m.about.clone(),
            })
            .collect(),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn record(id: &str) -> CallRecord {
        serde_json::from_value(json!({
            "id": id, "caller_channel_id": id, "media_channel_id": null, "bridge_id": null,
            "caller_number": "+15550001111", "caller_name": null, "extension": "test",
            "profile": "default", "agent_id": null, "conversation_id": null,
            "stasis_start": 1.0, "bridged": null, "agent_connected": null,
            "first_agent_audio": null, "ended": 2.0, "duration_seconds": 1.0,
            "end_cause": null, "ended_by": null, "outcome": "completed",
            "rtp_inbound": {"packets": 50}, "rtp_outbound": null,
            "latency": {"agent_response_ms": [420.0]},
            "transcript": {"turns": [{"speaker": "agent", "text": "Hello +15550001111", "at_ms": 1200}]},
            "recording": null
        }))
        .unwrap()
    }

    fn unpack(path: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
        let f = File::open(path).unwrap();
        let mut a = tar::Archive::new(flate2::read::GzDecoder::new(f));
        a.entries()
            .unwrap()
            .map(|e| {
                let mut e = e.unwrap();
                let name = e.path().unwrap().to_string_lossy().to_string();
                let mut data = Vec::new();
                e.read_to_end(&mut data).unwrap();
                (name.split_once('/').unwrap().1.to_string(), data)
            })
            .collect()
    }

    #[test]
    fn a_bundle_holds_each_part_redacted_and_says_what_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir(&logs).unwrap();
        let pcap = dir.path().join("c1.pcap");
        std::fs::write(&pcap, b"\xd4\xc3\xb2\xa1pcap").unwrap();
        let (ev, ag) = paths(&logs, "c1");
        std::fs::write(
            &ev,
            jsonl(&[
                json!({"kind":"serve","what":"settings","settings":{"ari_url":"http://u:hunter2-pw@h"}}),
                json!({"kind":"ari","t":1.5,"event":{"type":"StasisStart","args":["test","+15550001111"],
                    "channel":{"id":"c1","caller":{"number":"+15550001111","name":"Alice Example"}}}}),
                json!({"kind":"serve","what":"ended","files":[{"kind":"capture","path":pcap.display().to_string()}]}),
            ]),
        )
        .unwrap();
        std::fs::write(
            &ag,
            jsonl(&[
                json!({"t":1.6,"dir":"out","message":{"user_audio_chunk":"AAECAwQFBgc="}}),
                json!({"t":1.7,"dir":"in","message":{"type":"agent_response","agent_response_event":
                    {"agent_response":"see wss://x?token=abc.def"}}}),
            ]),
        )
        .unwrap();
        let out = dir.path().join("b.tar.gz");
        let req = BundleRequest {
            output: out.clone(),
            call_logs: logs,
            with_audio: false,
            redact_callers: true,
            secrets: vec!["hunter2-pw".into()],
        };
        let report = write_bundle(&record("c1"), &req).unwrap();
        let files = unpack(&out);
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            vec![
                "README.txt",
                "agent.jsonl",
                "ari-events.jsonl",
                "capture.pcap",
                "latency.json",
                "record.json",
                "rtp.json",
                "settings.json",
                "timeline.jsonl",
                "transcript.txt"
            ]
        );
        assert_eq!(files["capture.pcap"], b"\xd4\xc3\xb2\xa1pcap");
        let all: String = files
            .iter()
            .filter(|(n, _)| n.as_str() != "capture.pcap")
            .map(|(_, d)| String::from_utf8(d.clone()).unwrap())
            .collect();
        for gone in [
            "hunter2-pw",
            "+15550001111",
            "Alice Example",
            "abc.def",
            "AAECAwQFBgc=",
        ] {
            assert!(!all.contains(gone), "{gone} in the bundle");
        }
        let transcript = String::from_utf8(files["transcript.txt"].clone()).unwrap();
        assert_eq!(transcript, "[1.2 s] agent: Hello caller-1\n");
        let readme = String::from_utf8(files["README.txt"].clone()).unwrap();
        assert!(readme.contains("capture.pcap"), "{readme}");
        assert!(readme.contains("no recording"), "{readme}");
        assert!(report.notes.iter().any(|n| n.contains("caller-N")));
        let agent = String::from_utf8(files["agent.jsonl"].clone()).unwrap();
        assert!(agent.contains(r#""audio_bytes":8"#), "{agent}");
        let ari = String::from_utf8(files["ari-events.jsonl"].clone()).unwrap();
        assert!(
            ari.contains("StasisStart") && ari.contains("caller-1"),
            "{ari}"
        );

        // --with-audio keeps the payloads serve logged (--call-logs-audio) ...
        let with_audio = BundleRequest {
            with_audio: true,
            ..req.clone()
        };
        write_bundle(&record("c1"), &with_audio).unwrap();
        let agent = String::from_utf8(unpack(&out)["agent.jsonl"].clone()).unwrap();
        assert!(agent.contains("AAECAwQFBgc="), "{agent}");
        // ... and says so when serve kept none.
        std::fs::write(
            &ag,
            jsonl(&[json!({"t":1.6,"dir":"out","message":{"user_audio_chunk":{"audio_bytes":8}}})]),
        )
        .unwrap();
        let report = write_bundle(&record("c1"), &with_audio).unwrap();
        assert!(
            report.notes.iter().any(|n| n.contains("--call-logs-audio")),
            "{:?}",
            report.notes
        );

        // A secret in a binary file stops the bundle.
        std::fs::write(&pcap, b"..hunter2-pw..").unwrap();
        let e = write_bundle(&record("c1"), &req).unwrap_err();
        assert!(
            matches!(e, BundleError::Leak(ref n) if n == "capture.pcap"),
            "{e}"
        );
    }
}
