//! One call's timeline for the live view (`vcctl top`) and its bundle: a bounded ring of
//! entries (ARI events of the call's channels and bridge, agent protocol messages, turns and
//! transcript lines) numbered so a reader can ask for what came after the last one it saw;
//! the totals serve's header shows (calls per minute, success rate); and the summary of an
//! agent protocol message that leaves its audio out.
//!
//! Sans-IO: times are parameters (Unix seconds as `f64`).

use std::collections::VecDeque;

use serde::Serialize;
use serde_json::{json, Value};

/// Entries a live call's timeline keeps in memory (the oldest are dropped first; the per-call
/// files on disk keep everything up to their own limit).
pub const DEFAULT_TIMELINE_ENTRIES: usize = 512;

/// A bounded, numbered ring of JSON entries. Sequence numbers start at 1 and never repeat
/// within one ring, so `since(n)` is a cursor that survives dropped entries.
#[derive(Debug, Clone)]
pub struct Timeline {
    cap: usize,
    next_seq: u64,
    entries: VecDeque<(u64, Value)>,
}

impl Timeline {
    /// A ring of at most `cap` entries (0 is taken as 1).
    pub fn new(cap: usize) -> Timeline {
        Timeline {
            cap: cap.max(1),
            next_seq: 1,
            entries: VecDeque::new(),
        }
    }

    /// Append `entry` (a JSON object gets its `seq` added); returns its sequence number.
    pub fn push(&mut self, mut entry: Value) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some(o) = entry.as_object_mut() {
            o.insert("seq".into(), json!(seq));
        }
        if self.entries.len() == self.cap {
            self.entries.pop_front();
        }
        self.entries.push_back((seq, entry));
        seq
    }

    /// Entries with a sequence number above `after`, oldest first, and how many of those the
    /// ring no longer holds (the reader fell behind by that many).
    pub fn since(&self, after: u64) -> (Vec<Value>, u64) {
        let first_held = self
            .entries
            .front()
            .map(|(s, _)| *s)
            .unwrap_or(self.next_seq);
        let missed = first_held.saturating_sub(after + 1);
        let out = self
            .entries
            .iter()
            .filter(|(s, _)| *s > after)
            .map(|(_, v)| v.clone())
            .collect();
        (out, missed)
    }

    /// The sequence number of the newest entry (0 when empty since creation).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// How a finished call counts in the header's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// The agent was heard and the call ended normally.
    Success,
    /// The agent failed (unreachable, closed with an error).
    AgentFailed,
    /// Anything else that is not a success (error, abandoned before the agent spoke).
    Other,
}

/// Serve's totals for the live view: calls per minute over the last 60 s, success rate of
/// finished calls, agent errors.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Start times (Unix s) within the last minute.
    recent_starts: VecDeque<f64>,
    started: u64,
    succeeded: u64,
    agent_failed: u64,
    other: u64,
    agent_errors: u64,
}

/// What `GET /totals` answers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TotalsView {
    pub calls_up: usize,
    /// Calls that started in the last 60 s.
    pub calls_per_min: u64,
    pub started: u64,
    pub finished: u64,
    /// Successful share of the finished calls, 0..1; `None` before the first one ends.
    pub success_rate: Option<f64>,
    /// Calls that ended because the agent failed, plus error messages the agent sent.
    pub agent_errors: u64,
}

impl Totals {
    fn expire(&mut self, now: f64) {
        while self.recent_starts.front().is_some_and(|t| now - t >= 60.0) {
            self.recent_starts.pop_front();
        }
    }

    pub fn started(&mut self, now: f64) {
        self.expire(now);
        self.started += 1;
        self.recent_starts.push_back(now);
    }

    pub fn finished(&mut self, how: Finished) {
        match how {
            Finished::Success => self.succeeded += 1,
            Finished::AgentFailed => self.agent_failed += 1,
            Finished::Other => self.other += 1,
        }
    }

    /// The agent sent an error message during a call.
    pub fn agent_error(&mut self) {
        self.agent_errors += 1;
    }

    pub fn view(&mut self, calls_up: usize, now: f64) -> TotalsView {
        self.expire(now);
        let finished = self.succeeded + self.agent_failed + self.other;
        TotalsView {
            calls_up,
            calls_per_min: self.recent_starts.len() as u64,
            started: self.started,
            finished,
            success_rate: (finished > 0).then(|| self.succeeded as f64 / finished as f64),
            agent_errors: self.agent_failed + self.agent_errors,
        }
    }
}

/// An agent protocol message (JSON text, either direction) with its audio left out: the
/// base64 payload of `audio_event.audio_base_64` or `user_audio_chunk` becomes its decoded
/// size, `audio_bytes`. Text that is not JSON is kept as a string.
pub fn summarize_agent_message(text: &str) -> Value {
    let Ok(mut v) = serde_json::from_str::<Value>(text) else {
        return Value::String(text.to_string());
    };
    let b64_len = |s: &str| {
        let s = s.trim_end_matches('=');
        s.len() * 3 / 4
    };
    if let Some(o) = v.as_object_mut() {
        if let Some(Value::String(a)) = o.get("user_audio_chunk") {
            let n = b64_len(a);
            o.insert("user_audio_chunk".into(), json!({ "audio_bytes": n }));
        }
        if let Some(ev) = o.get_mut("audio_event").and_then(Value::as_object_mut) {
            if let Some(Value::String(a)) = ev.get("audio_base_64") {
                let n = b64_len(a);
                ev.remove("audio_base_64");
                ev.insert("audio_bytes".into(), json!(n));
            }
        }
    }
    v
}

/// A one-line description of a timeline entry for the live view: `ari StasisStart`,
/// `agent agent_response: Hello`, `turn caller: ...`.
pub fn describe(entry: &Value) -> String {
    let kind = entry["kind"].as_str().unwrap_or("?");
    match kind {
        "ari" => {
            let ev = &entry["event"];
            let t = ev["type"].as_str().unwrap_or("?");
            let state = ev["channel"]["state"].as_str();
            let cause = ev["cause_txt"].as_str();
            let mut s = format!("ARI {t}");
            if let Some(name) = ev["channel"]["name"].as_str() {
                s.push_str(&format!(" {name}"));
            }
            if let Some(st) = state {
                s.push_str(&format!(" ({st})"));
            }
            if let Some(c) = cause {
                s.push_str(&format!(": {c}"));
            }
            s
        }
        "agent" => {
            let dir = entry["dir"].as_str().unwrap_or("in");
            let m = &entry["message"];
            let t = m["type"]
                .as_str()
                .unwrap_or(if m.get("user_audio_chunk").is_some() {
                    "user_audio_chunk"
                } else {
                    "?"
                });
            let text = m["agent_response_event"]["agent_response"]
                .as_str()
                .or_else(|| m["user_transcription_event"]["user_transcript"].as_str());
            let arrow = if dir == "out" { "->" } else { "<-" };
            match text {
                Some(x) => format!("agent {arrow} {t}: {x}"),
                None => format!("agent {arrow} {t}"),
            }
        }
        "turn" => format!(
            "turn {}: {}",
            entry["role"].as_str().unwrap_or("?"),
            entry["text"].as_str().unwrap_or("")
        ),
        "media" => format!("media {}", entry["what"].as_str().unwrap_or("?")),
        other => format!("{other} {}", entry["what"].as_str().unwrap_or_default())
            .trim_end()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_drops_the_oldest_and_counts_what_a_slow_reader_missed() {
        let mut t = Timeline::new(3);
        for i in 0..5 {
            t.push(json!({ "n": i }));
        }
        assert_eq!(t.len(), 3);
        assert_eq!(t.last_seq(), 5);
        let (all, missed) = t.since(0);
        assert_eq!(missed, 2, "entries 1 and 2 are gone");
        assert_eq!(
            all.iter()
                .map(|e| e["seq"].as_u64().unwrap())
                .collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        assert_eq!(all[0]["n"], 2);
        let (newer, missed) = t.since(4);
        assert_eq!((newer.len(), missed), (1, 0));
        assert_eq!(newer[0]["seq"], 5);
        let (none, missed) = t.since(5);
        assert!(none.is_empty());
        assert_eq!(missed, 0);
        assert_eq!(Timeline::new(0).since(0), (vec![], 0));
    }

    #[test]
    fn totals_count_a_sliding_minute_and_the_success_share() {
        let mut t = Totals::default();
        assert_eq!(t.view(0, 0.0).success_rate, None);
        t.started(100.0);
        t.started(130.0);
        t.started(159.0);
        assert_eq!(t.view(3, 159.5).calls_per_min, 3);
        // 100.0 is exactly a minute old at 160.0: out.
        assert_eq!(t.view(3, 160.0).calls_per_min, 2);
        t.finished(Finished::Success);
        t.finished(Finished::Success);
        t.finished(Finished::AgentFailed);
        t.finished(Finished::Other);
        t.agent_error();
        let v = t.view(0, 500.0);
        assert_eq!(v.calls_per_min, 0);
        assert_eq!(v.started, 3);
        assert_eq!(v.finished, 4);
        assert_eq!(v.success_rate, Some(0.5));
        assert_eq!(v.agent_errors, 2);
    }

    #[test]
    fn agent_messages_lose_their_audio_but_keep_its_size() {
        // 8 bytes of audio: "AAECAwQFBgc=".
        let out = summarize_agent_message(r#"{"user_audio_chunk":"AAECAwQFBgc="}"#);
        assert_eq!(out, json!({"user_audio_chunk": {"audio_bytes": 8}}));
        let out = summarize_agent_message(
            r#"{"type":"audio","audio_event":{"audio_base_64":"AAECAwQFBgcI","event_id":3}}"#,
        );
        assert_eq!(
            out,
            json!({"type":"audio","audio_event":{"audio_bytes":9,"event_id":3}})
        );
        let text = r#"{"type":"agent_response","agent_response_event":{"agent_response":"Hi"}}"#;
        assert_eq!(
            summarize_agent_message(text),
            serde_json::from_str::<Value>(text).unwrap()
        );
        assert_eq!(summarize_agent_message("not json"), json!("not json"));
    }

    #[test]
    fn entries_read_as_one_line() {
        let ari = json!({"kind":"ari","event":{"type":"ChannelHangupRequest",
            "channel":{"name":"PJSIP/alice-1","state":"Up"},"cause_txt":"Normal Clearing"}});
        assert_eq!(
            describe(&ari),
            "ARI ChannelHangupRequest PJSIP/alice-1 (Up): Normal Clearing"
        );
        let agent = json!({"kind":"agent","dir":"in","message":{"type":"agent_response",
            "agent_response_event":{"agent_response":"Hello"}}});
        assert_eq!(describe(&agent), "agent <- agent_response: Hello");
        let chunk =
            json!({"kind":"agent","dir":"out","message":{"user_audio_chunk":{"audio_bytes":8}}});
        assert_eq!(describe(&chunk), "agent -> user_audio_chunk");
        let turn = json!({"kind":"turn","role":"caller","text":"hello?"});
        assert_eq!(describe(&turn), "turn caller: hello?");
        assert_eq!(
            describe(&json!({"kind":"serve","what":"hangup requested"})),
            "serve hangup requested"
        );
    }
}
