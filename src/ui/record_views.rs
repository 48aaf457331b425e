//! Renderings of call records (`vcctl calls ...`): the list, one call's timeline and
//! figures, per-profile statistics, and the CSV export.

use std::time::{Duration, UNIX_EPOCH};

use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::ui::output::{kv_table, none_line, table, Render};
use vcctl_core::analysis::stats::{percentile, ProfileStats};
use vcctl_core::serve::records::CallRecord;

/// A Unix time as `2025-01-31T12:00:00Z` (UTC).
pub fn utc(t: f64) -> String {
    if !t.is_finite() || t < 0.0 {
        return "-".into();
    }
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs_f64(t)).to_string()
}

/// A Unix time as `2025-01-31T12:00:00.123Z` (UTC).
pub fn utc_ms(t: f64) -> String {
    if !t.is_finite() || t < 0.0 {
        return "-".into();
    }
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_secs_f64(t)).to_string()
}

fn secs(v: Option<f64>) -> String {
    v.map(|s| format!("{s:.1} s")).unwrap_or_else(|| "-".into())
}

fn opt(v: &Option<String>) -> String {
    v.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "-".into())
}

fn outcome(c: &CallRecord) -> String {
    c.outcome
        .map(|o| o.as_str().to_string())
        .unwrap_or_else(|| "in progress".into())
}

/// `vcctl calls list`; JSON is the array of records.
#[derive(Debug)]
pub struct CallList {
    pub calls: Vec<CallRecord>,
    /// The list was cut at `--limit`.
    pub limited: bool,
    pub database: String,
}

impl Serialize for CallList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.calls.serialize(s)
    }
}

impl Render for CallList {
    fn render_text(&self) -> String {
        if self.calls.is_empty() {
            return format!("{} in {}", none_line("calls"), self.database);
        }
        let mut t = table([
            "id", "started", "duration", "caller", "ext", "profile", "outcome", "ended by",
        ]);
        for c in &self.calls {
            t.add_row([
                c.id.clone(),
                utc(c.stasis_start),
                secs(c.duration_seconds),
                opt(&c.caller_number),
                opt(&c.extension),
                opt(&c.profile),
                outcome(c),
                c.ended_by.map(|e| e.as_str()).unwrap_or("-").to_string(),
            ]);
        }
        let mut out = t.to_string();
        if self.limited {
            out.push_str(&format!(
                "\nthe newest {} calls; --limit N for more, --limit 0 for all",
                self.calls.len()
            ));
        }
        out
    }
}

/// `vcctl calls show`; JSON is the record.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CallView(pub CallRecord);

/// The milestones of a call as (offset from StasisStart in seconds, what).
pub fn timeline(c: &CallRecord) -> Vec<(f64, String)> {
    let mut t = vec![(0.0, "StasisStart: the call entered the app".to_string())];
    let mut mark = |at: Option<f64>, what: String| {
        if let Some(at) = at {
            t.push((at - c.stasis_start, what));
        }
    };
    mark(c.bridged, "media bridged".into());
    mark(c.agent_connected, "agent connected".into());
    mark(
        c.first_agent_audio,
        "first agent audio sent to the caller".into(),
    );
    let mut end = "ended".to_string();
    if let Some(by) = c.ended_by {
        end.push_str(&format!(" by {}", by.as_str()));
    }
    if let Some(cause) = c.end_cause.as_deref().filter(|s| !s.is_empty()) {
        end.push_str(&format!(" ({cause})"));
    }
    mark(c.ended, end);
    t
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{}", (f * 1000.0).round() / 1000.0),
            _ => n.to_string(),
        },
        Value::Array(a) if a.iter().all(Value::is_number) => {
            if a.is_empty() {
                "-".into()
            } else {
                a.iter().map(value_text).collect::<Vec<_>>().join(", ")
            }
        }
        // Per-second [least, most] pairs (the playout queue depth): "0-20 20-40 ...".
        Value::Array(a)
            if !a.is_empty()
                && a.iter().all(|p| {
                    p.as_array()
                        .is_some_and(|p| p.len() == 2 && p.iter().all(Value::is_number))
                }) =>
        {
            const SHOWN: usize = 30;
            let mut t: Vec<String> = a
                .iter()
                .take(SHOWN)
                .map(|p| format!("{}-{}", value_text(&p[0]), value_text(&p[1])))
                .collect();
            if a.len() > SHOWN {
                t.push(format!("... ({} seconds)", a.len()));
            }
            t.join(" ")
        }
        other => other.to_string(),
    }
}

/// How a figure of a call record is shown: its label in words and its unit.
#[derive(Clone, Copy)]
enum Unit {
    /// A count of something: `249 packets`.
    Count(&'static str),
    Ms,
    Bytes,
    /// A fraction shown as a percentage.
    Percent,
}

/// Labels of the figures `vcctl serve` records (RTP both ways, the caller's leg, latency),
/// keyed by their path in the record. Keys not listed (from a newer serve) are shown with
/// their name in words.
const LABELS: &[(&str, &str, Unit)] = &[
    ("packets", "packets", Unit::Count("packets")),
    ("lost", "lost", Unit::Count("packets")),
    ("loss_ratio", "loss", Unit::Percent),
    ("jitter_ms", "jitter (RFC 3550, at the end)", Unit::Ms),
    ("bytes", "bytes", Unit::Bytes),
    (
        "dropped_foreign",
        "dropped: from another source",
        Unit::Count("packets"),
    ),
    (
        "dropped_malformed",
        "dropped: not RTP",
        Unit::Count("datagrams"),
    ),
    (
        "agent_chunks",
        "audio chunks sent to the agent",
        Unit::Count("chunks"),
    ),
    (
        "agent_keepalive_chunks",
        "of them silence while Asterisk sent nothing",
        Unit::Count("chunks"),
    ),
    (
        "audio_frames",
        "frames of agent audio",
        Unit::Count("frames"),
    ),
    (
        "silence_frames",
        "frames of silence (filler)",
        Unit::Count("frames"),
    ),
    ("talkspurts", "agent talkspurts", Unit::Count("talkspurts")),
    (
        "underflows",
        "playout underflows (queue ran dry mid-speech)",
        Unit::Count("times"),
    ),
    (
        "underflow_frames",
        "silence those underflows sent",
        Unit::Count("frames"),
    ),
    (
        "gaps",
        "of them gaps heard mid-response (agent audio resumed)",
        Unit::Count("times"),
    ),
    (
        "gap_frames",
        "silence inside those gaps",
        Unit::Count("frames"),
    ),
    (
        "standing_drops",
        "playout backlogs dropped (stood above the prebuffer)",
        Unit::Count("times"),
    ),
    (
        "standing_dropped_ms",
        "agent audio those drops discarded",
        Unit::Ms,
    ),
    ("pacing_p50_ms", "packet clock lateness, median", Unit::Ms),
    (
        "pacing_p99_ms",
        "packet clock lateness, 99th percentile",
        Unit::Ms,
    ),
    ("pacing_max_ms", "packet clock lateness, worst", Unit::Ms),
    (
        "agent_audio_events",
        "audio events from the agent",
        Unit::Count("events"),
    ),
    (
        "agent_audio_dropped_stale",
        "agent audio dropped after an interruption",
        Unit::Count("events"),
    ),
    (
        "interruptions",
        "interruptions (barge-in)",
        Unit::Count("times"),
    ),
    (
        "ari_event_ms",
        "ARI event delivery (event time to serve)",
        Unit::Ms,
    ),
    (
        "handler_ms",
        "setup in serve (StasisStart to bridged)",
        Unit::Ms,
    ),
    ("ari_rest_ms", "ARI requests during setup, each", Unit::Ms),
    ("agent_signed_url_ms", "agent: signed URL request", Unit::Ms),
    ("agent_tcp_ms", "agent: TCP connect", Unit::Ms),
    (
        "agent_handshake_ms",
        "agent: WebSocket handshake (and TLS for wss)",
        Unit::Ms,
    ),
    (
        "agent_metadata_ms",
        "agent: until its conversation metadata",
        Unit::Ms,
    ),
    ("agent_connect_ms", "agent: connection in all", Unit::Ms),
    ("agent_ping_ms", "agent's own ping round trip", Unit::Ms),
    (
        "agent_response_ms",
        "agent response (end of caller speech to agent audio), each",
        Unit::Ms,
    ),
    ("caller_rtt_ms", "caller's leg round trip (RTCP)", Unit::Ms),
];

/// Sections of nested objects in a record, in words.
const SECTIONS: &[(&str, &str)] = &[("caller_leg", "caller's leg (as Asterisk saw it)")];

/// `snake_case_ms` in words with its unit, for figures without a label.
fn words(key: &str) -> (String, Option<Unit>) {
    match key.strip_suffix("_ms") {
        Some(k) => (k.replace('_', " "), Some(Unit::Ms)),
        None => (key.replace('_', " "), None),
    }
}

/// One figure with its unit: `0.52 ms`, `249 packets`, `0.4 %`, `1, 2 ms` for a list.
fn with_unit(v: &Value, unit: Option<Unit>) -> String {
    let num = |v: &Value| match unit {
        Some(Unit::Percent) => v.as_f64().map(|f| format!("{:.2} %", f * 100.0)),
        Some(Unit::Ms) => v.as_f64().map(|f| {
            let r = (f * 1000.0).round() / 1000.0;
            format!("{r}")
        }),
        _ => None,
    };
    let text = match v {
        Value::Array(a) if a.is_empty() => return "-".into(),
        Value::Array(a) if a.iter().all(Value::is_number) => a
            .iter()
            .map(|x| num(x).unwrap_or_else(|| value_text(x)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Number(_) => num(v).unwrap_or_else(|| value_text(v)),
        Value::Null => return "-".into(),
        other => return value_text(other),
    };
    match unit {
        Some(Unit::Ms) => format!("{text} ms"),
        Some(Unit::Bytes) => format!("{text} bytes"),
        Some(Unit::Count(what)) if text == "1" => format!("1 {}", what.trim_end_matches('s')),
        Some(Unit::Count(what)) => format!("{text} {what}"),
        Some(Unit::Percent) | None => text,
    }
}

/// Labelled rows of a JSON object of figures; nested objects become a section whose rows
/// are indented under its name.
fn labelled(v: &Value, indent: &str, rows: &mut Vec<(String, String)>) {
    let Value::Object(m) = v else { return };
    // In the order of the label table (the order of a call), unknown keys and sections last.
    let mut keys: Vec<(&String, &Value)> = m.iter().collect();
    keys.sort_by_key(|(k, _)| {
        LABELS
            .iter()
            .position(|(key, _, _)| key == k)
            .unwrap_or(LABELS.len())
    });
    for (k, x) in keys {
        if k == "mos" {
            if let Some(line) = mos_line(x) {
                rows.push((format!("{indent}MOS (E-model, G.107)"), line));
                continue;
            }
        }
        if let Value::Object(_) = x {
            let name = SECTIONS
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, n)| n.to_string())
                .unwrap_or_else(|| words(k).0);
            rows.push((format!("{indent}{name}"), String::new()));
            labelled(x, &format!("{indent}  "), rows);
            continue;
        }
        let (label, unit) = match LABELS.iter().find(|(key, _, _)| key == k) {
            Some((_, label, unit)) => (label.to_string(), Some(*unit)),
            None => words(k),
        };
        rows.push((format!("{indent}{label}"), with_unit(x, unit)));
    }
}

/// A titled table of a record's figures (`labelled`), left out when it has no rows;
/// `hide_missing` also leaves out the figures without a value.
fn section(out: &mut String, title: &str, v: Option<&Value>, hide_missing: bool) {
    let mut rows = Vec::new();
    if let Some(v) = v {
        labelled(v, "", &mut rows);
    }
    let rows: Vec<(&str, String)> = rows
        .iter()
        .filter(|(_, v)| !(hide_missing && v == "-"))
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    if !rows.is_empty() {
        out.push_str(&format!("\n{title}\n"));
        out.push_str(&kv_table(&rows));
        out.push('\n');
    }
}

/// A stored MOS estimate in one line: `4.39 (R 92.6; loss 0.00 %, jitter buffer 20 ms,
/// delay 40 ms)`, "measured" when the network delay came from RTCP.
pub fn mos_line(v: &Value) -> Option<String> {
    let f = |k: &str| v.get(k).and_then(Value::as_f64);
    let mos = f("mos")?;
    Some(format!(
        "{mos:.2} (R {:.1}; loss {:.2} %, jitter buffer {:.0} ms, delay {:.0} ms{})",
        f("r").unwrap_or(f64::NAN),
        f("loss_percent").unwrap_or(0.0),
        f("jitter_buffer_ms").unwrap_or(0.0),
        f("delay_ms").unwrap_or(0.0),
        if v.get("delay_measured").and_then(Value::as_bool) == Some(true) {
            ", RTCP round trip included"
        } else {
            ""
        }
    ))
}

/// Transcript lines `[12.3 s] agent: text`, times from StasisStart when known.
pub fn transcript_lines(c: &CallRecord) -> Vec<String> {
    let Some(turns) = c
        .transcript
        .as_ref()
        .and_then(|t| t.get("turns"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    // Turn times count from the start of the media engine, right after the agent connected.
    let base = c
        .agent_connected
        .or(c.bridged)
        .map(|t| t - c.stasis_start)
        .unwrap_or(0.0);
    turns
        .iter()
        .map(|t| {
            let at = t.get("at_ms").and_then(Value::as_f64).unwrap_or(0.0) / 1000.0 + base;
            let who = t.get("speaker").and_then(Value::as_str).unwrap_or("?");
            let text = t.get("text").and_then(Value::as_str).unwrap_or("");
            let corrected = if t.get("corrected").and_then(Value::as_bool) == Some(true) {
                " (corrected after an interruption)"
            } else {
                ""
            };
            format!("[{at:.1} s] {who}: {text}{corrected}")
        })
        .collect()
}

impl Render for CallView {
    fn render_text(&self) -> String {
        let c = &self.0;
        let mut out = kv_table(&[
            ("id", c.id.clone()),
            ("caller", {
                let mut s = opt(&c.caller_number);
                if let Some(n) = c.caller_name.as_deref().filter(|n| !n.is_empty()) {
                    s.push_str(&format!(" ({n})"));
                }
                s
            }),
            ("extension", opt(&c.extension)),
            ("profile", opt(&c.profile)),
            ("agent id", opt(&c.agent_id)),
            ("conversation", opt(&c.conversation_id)),
            ("started", utc_ms(c.stasis_start)),
            ("duration", secs(c.duration_seconds)),
            ("outcome", outcome(c)),
            ("caller channel", c.caller_channel_id.clone()),
            ("media channel", opt(&c.media_channel_id)),
            ("bridge", opt(&c.bridge_id)),
            ("recording", opt(&c.recording)),
            ("node", node(c)),
        ]);
        out.push_str("\n\ntimeline\n");
        for (at, what) in timeline(c) {
            out.push_str(&format!("  {:>+9.3} s  {what}\n", at));
        }
        section(
            &mut out,
            "RTP from the caller (Asterisk -> vcctl -> agent)",
            c.rtp_inbound.as_ref(),
            false,
        );
        section(
            &mut out,
            "RTP to the caller (agent -> vcctl -> Asterisk)",
            c.rtp_outbound.as_ref(),
            false,
        );
        section(&mut out, "latency", c.latency.as_ref(), true);
        let lines = transcript_lines(c);
        out.push_str("\ntranscript\n");
        if lines.is_empty() {
            out.push_str("  (none)\n");
        }
        for l in lines {
            out.push_str(&format!("  {l}\n"));
        }
        out
    }
}

/// `vcctl calls stats`.
#[derive(Debug, Serialize)]
pub struct CallStatsView {
    /// Unix time of `--since`, if given.
    pub since: Option<f64>,
    /// What a row is: `profile`, `node` or `asterisk` (`calls stats --by`).
    pub by: &'static str,
    pub profiles: Vec<ProfileStats>,
}

impl Render for CallStatsView {
    fn render_text(&self) -> String {
        let since = self
            .since
            .map(|s| format!(" since {}", utc(s)))
            .unwrap_or_default();
        if self.profiles.is_empty() {
            return format!("{}{since}", none_line("calls"));
        }
        let ms = |v: Option<f64>| {
            v.map(|v| format!("{v:.0} ms"))
                .unwrap_or_else(|| "-".into())
        };
        let mut t = table([
            self.by,
            "calls",
            "completed",
            "success",
            "duration p50",
            "duration p95",
            "responses",
            "response p50",
            "response p95",
            "MOS in p50/p5",
            "MOS out p50/p5",
        ]);
        for p in &self.profiles {
            t.add_row([
                p.profile.clone(),
                if p.in_progress > 0 {
                    format!("{} ({} live)", p.calls, p.in_progress)
                } else {
                    p.calls.to_string()
                },
                p.completed.to_string(),
                p.success_rate
                    .map(|r| format!("{:.1} %", r * 100.0))
                    .unwrap_or_else(|| "-".into()),
                secs(p.duration_p50_seconds),
                secs(p.duration_p95_seconds),
                p.responses.to_string(),
                ms(p.response_p50_ms),
                ms(p.response_p95_ms),
                mos_pair(p.mos_inbound_p50, p.mos_inbound_p5),
                mos_pair(p.mos_outbound_p50, p.mos_outbound_p5),
            ]);
        }
        format!(
            "calls{since} (success: completed / ended; response: end of caller speech to agent audio; \
             MOS: E-model estimate, in = caller to agent, out = agent to caller, p5 = the worst 5 %)\n{t}"
        )
    }
}

/// `4.39 / 4.10`, or `-` without figures.
fn mos_pair(p50: Option<f64>, p5: Option<f64>) -> String {
    match (p50, p5) {
        (Some(a), Some(b)) => format!("{a:.2} / {b:.2}"),
        _ => "-".into(),
    }
}

/// One CSV field, quoted when needed (RFC 4180: comma, quote, CR or LF inside, or
/// surrounding spaces; quotes doubled).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The serve instance and its Asterisk, e.g. `node-1:8000 (Asterisk 02:42:ac:11:00:02)`.
fn node(c: &CallRecord) -> String {
    match (&c.serve_instance, &c.asterisk_id) {
        (None, None) => "-".into(),
        (Some(s), None) => s.clone(),
        (None, Some(a)) => format!("Asterisk {a}"),
        (Some(s), Some(a)) => format!("{s} (Asterisk {a})"),
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_default()
}

fn json_num(v: &Option<Value>, key: &str) -> String {
    v.as_ref()
        .and_then(|v| v.get(key))
        .and_then(Value::as_f64)
        .map(|f| format!("{}", (f * 1000.0).round() / 1000.0))
        .unwrap_or_default()
}

fn json_text(v: &Option<Value>) -> String {
    v.as_ref().map(Value::to_string).unwrap_or_default()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The agent's response times of a call, ms (its latency record's `agent_response_ms`).
fn responses(c: &CallRecord) -> Vec<f64> {
    c.latency
        .as_ref()
        .and_then(|l| l.get("agent_response_ms"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// The CSV export's columns in order, each with its field of a call: one table, so a column
/// and its value cannot drift apart.
type CsvColumn = (&'static str, fn(&CallRecord) -> String);
const CSV: &[CsvColumn] = &[
    ("id", |c| c.id.clone()),
    ("started_at", |c| utc_ms(c.stasis_start)),
    ("stasis_start", |c| num(Some(c.stasis_start))),
    ("bridged", |c| num(c.bridged)),
    ("agent_connected", |c| num(c.agent_connected)),
    ("first_agent_audio", |c| num(c.first_agent_audio)),
    ("ended", |c| num(c.ended)),
    ("duration_seconds", |c| num(c.duration_seconds)),
    ("caller_number", |c| text(&c.caller_number)),
    ("caller_name", |c| text(&c.caller_name)),
    ("extension", |c| text(&c.extension)),
    ("profile", |c| text(&c.profile)),
    ("agent_id", |c| text(&c.agent_id)),
    ("conversation_id", |c| text(&c.conversation_id)),
    ("caller_channel_id", |c| c.caller_channel_id.clone()),
    ("media_channel_id", |c| text(&c.media_channel_id)),
    ("bridge_id", |c| text(&c.bridge_id)),
    ("outcome", |c| {
        c.outcome
            .map(|o| o.as_str().to_string())
            .unwrap_or_default()
    }),
    ("ended_by", |c| {
        c.ended_by
            .map(|o| o.as_str().to_string())
            .unwrap_or_default()
    }),
    ("end_cause", |c| text(&c.end_cause)),
    ("rtp_in_packets", |c| json_num(&c.rtp_inbound, "packets")),
    ("rtp_in_lost", |c| json_num(&c.rtp_inbound, "lost")),
    ("rtp_in_jitter_ms", |c| {
        json_num(&c.rtp_inbound, "jitter_ms")
    }),
    ("rtp_out_packets", |c| json_num(&c.rtp_outbound, "packets")),
    ("playout_underflows", |c| {
        json_num(&c.rtp_outbound, "underflows")
    }),
    ("playout_underflow_frames", |c| {
        json_num(&c.rtp_outbound, "underflow_frames")
    }),
    ("playout_gaps", |c| json_num(&c.rtp_outbound, "gaps")),
    ("playout_gap_frames", |c| {
        json_num(&c.rtp_outbound, "gap_frames")
    }),
    ("setup_ms", |c| json_num(&c.latency, "handler_ms")),
    ("agent_connect_ms", |c| {
        json_num(&c.latency, "agent_connect_ms")
    }),
    ("agent_response_p50_ms", |c| {
        percentile(&responses(c), 50.0)
            .map(|v| format!("{v:.1}"))
            .unwrap_or_default()
    }),
    ("recording", |c| text(&c.recording)),
    ("transcript", |c| transcript_lines(c).join("\n")),
    ("rtp_inbound_json", |c| json_text(&c.rtp_inbound)),
    ("rtp_outbound_json", |c| json_text(&c.rtp_outbound)),
    ("latency_json", |c| json_text(&c.latency)),
    ("serve_instance", |c| text(&c.serve_instance)),
    ("asterisk_id", |c| text(&c.asterisk_id)),
];

/// The names of the CSV export's columns, in order.
pub fn csv_columns() -> Vec<&'static str> {
    CSV.iter().map(|(name, _)| *name).collect()
}

/// The CSV export: a header row, then one row per call; rows end in CRLF.
pub fn write_csv(calls: &[CallRecord], out: &mut String) {
    out.push_str(&csv_columns().join(","));
    out.push_str("\r\n");
    for c in calls {
        let row: Vec<String> = CSV.iter().map(|(_, field)| csv_field(&field(c))).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use vcctl_core::serve::records::{CallOutcome, EndedBy};

    fn record() -> CallRecord {
        CallRecord {
            id: "1700000000.1".into(),
            caller_channel_id: "1700000000.1".into(),
            media_channel_id: Some("vcctl-em-1".into()),
            bridge_id: Some("b1".into()),
            caller_number: Some("+4930123".into()),
            caller_name: Some("Smith, \"Jo\"".into()),
            extension: Some("2000".into()),
            profile: Some("sales".into()),
            agent_id: Some("agent_1".into()),
            conversation_id: Some("conv_1".into()),
            stasis_start: 1_700_000_000.0,
            bridged: Some(1_700_000_000.2),
            agent_connected: Some(1_700_000_000.2),
            first_agent_audio: Some(1_700_000_001.0),
            ended: Some(1_700_000_030.0),
            duration_seconds: Some(30.0),
            end_cause: Some("Normal Clearing".into()),
            ended_by: Some(EndedBy::Caller),
            outcome: Some(CallOutcome::Completed),
            rtp_inbound: Some(json!({"packets": 1490, "lost": 2, "jitter_ms": 0.5})),
            rtp_outbound: Some(
                json!({"packets": 1500, "underflows": 3, "underflow_frames": 9,
                "gaps": 2, "gap_frames": 4}),
            ),
            latency: Some(json!({"handler_ms": 210.5, "agent_response_ms": [400.0, 600.0]})),
            transcript: Some(json!({"turns": [
                {"speaker": "agent", "text": "Hello, how can I help?", "at_ms": 800},
                {"speaker": "user", "text": "Hi", "at_ms": 3000}
            ]})),
            recording: Some("/rec/1700000000.1.wav".into()),
            transport: None,
            media_ws: None,
            asterisk_id: None,
            serve_instance: None,
        }
    }

    #[test]
    fn per_second_ranges_read_as_ranges_and_long_ones_are_cut() {
        assert_eq!(value_text(&json!([[0, 20], [20, 40]])), "0-20 20-40");
        let long: Vec<Value> = (0..100).map(|i| json!([i, i + 20])).collect();
        let t = value_text(&Value::Array(long));
        assert!(
            t.starts_with("0-20 1-21") && t.ends_with("... (100 seconds)"),
            "{t}"
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field(" padded"), "\" padded\"");
        assert_eq!(csv_field(""), "");
    }

    /// A small RFC 4180 reader, to check the export reads back.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![];
        let mut row = vec![];
        let mut field = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => field.push(c),
                (false, '"') => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut field)),
                (false, '\r') => {}
                (false, '\n') => {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => field.push(c),
            }
        }
        rows
    }

    #[test]
    fn the_csv_export_reads_back_field_for_field() {
        let mut text = String::new();
        write_csv(&[record()], &mut text);
        let rows = parse_csv(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], csv_columns());
        let get =
            |name: &str| rows[1][csv_columns().iter().position(|c| *c == name).unwrap()].clone();
        assert_eq!(get("caller_name"), "Smith, \"Jo\"");
        assert_eq!(get("started_at"), "2023-11-14T22:13:20.000Z");
        assert_eq!(get("duration_seconds"), "30.000");
        assert_eq!(get("rtp_in_packets"), "1490");
        assert_eq!(
            [
                "playout_underflows",
                "playout_underflow_frames",
                "playout_gaps",
                "playout_gap_frames"
            ]
            .map(get),
            ["3", "9", "2", "4"]
        );
        // Nearest rank: the lower of the two middle responses (400 and 600).
        assert_eq!(get("agent_response_p50_ms"), "400.0");
        assert_eq!(get("setup_ms"), "210.5");
        assert_eq!(
            get("transcript"),
            "[1.0 s] agent: Hello, how can I help?\n[3.2 s] user: Hi"
        );
        let lat: Value = serde_json::from_str(&get("latency_json")).unwrap();
        assert_eq!(lat["handler_ms"], 210.5);
        assert!(text.ends_with("\r\n"));
    }

    #[test]
    fn show_tells_gaps_heard_from_the_other_underflows_in_words() {
        let text = CallView(record()).render_text();
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| {
                ["underflow", "gaps", "silence"]
                    .iter()
                    .any(|w| l.contains(w))
            })
            .collect();
        // In this order, right under the underflows they break down, each with its unit.
        let want = [
            ("playout underflows (queue ran dry mid-speech)", "3 times"),
            ("silence those underflows sent", "9 frames"),
            (
                "of them gaps heard mid-response (agent audio resumed)",
                "2 times",
            ),
            ("silence inside those gaps", "4 frames"),
        ];
        assert_eq!(rows.len(), want.len(), "{text}");
        for (row, (label, value)) in rows.iter().zip(want) {
            assert!(
                row.contains(label) && row.contains(value),
                "{row:?}\n{text}"
            );
        }
        // A record of an older build, without them, shows no such rows.
        let mut old = record();
        old.rtp_outbound = Some(json!({"packets": 1500, "underflows": 0}));
        let text = CallView(old).render_text();
        assert!(!text.contains("gaps heard"), "{text}");
    }

    #[test]
    fn show_has_the_timeline_figures_and_transcript() {
        let text = CallView(record()).render_text();
        for want in [
            "+0.200 s  media bridged",
            "+1.000 s  first agent audio",
            "+30.000 s  ended by caller (Normal Clearing)",
            "RTP from the caller",
            "1490 packets",
            "0.5 ms",
            "setup in serve (StasisStart to bridged)",
            "210.5 ms",
            "agent response (end of caller speech to agent audio), each",
            "400, 600 ms",
            "[1.0 s] agent: Hello, how can I help?",
            "/rec/1700000000.1.wav",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        // No raw field names (the issue's examples), and units everywhere.
        let mut r = record();
        r.rtp_inbound = Some(
            json!({"packets": 10, "agent_chunks": 5, "loss_ratio": 0.004,
            "mos": {"mos": 4.29, "r": 88.1, "codec": "pcmu", "loss_percent": 0.4,
                    "jitter_buffer_ms": 20.0, "delay_ms": 40.0, "delay_measured": false},
            "caller_leg": {"packets": 9, "lost": 1, "jitter_ms": 1.25,
                "mos": {"mos": 3.12, "r": 60.4, "codec": "pcmu", "loss_percent": 10.0,
                        "jitter_buffer_ms": 20.0, "delay_ms": 52.0, "delay_measured": true}}}),
        );
        r.rtp_outbound = Some(json!({"agent_audio_dropped_stale": 2, "pacing_p99_ms": 0.31}));
        r.latency = Some(
            json!({"agent_ping_ms": 12.0, "ari_rest_ms": [1.558, 0.351, 1.065],
            "something_new_ms": 3.0}),
        );
        let text = CallView(r).render_text();
        for raw in [
            "inbound.",
            "outbound.",
            "agent_chunks",
            "agent_audio_dropped_stale",
            "agent_ping_ms",
            "ari_rest_ms",
            "_",
        ] {
            let figures = text.split("RTP from the caller").nth(1).unwrap();
            let in_tables = figures.split("transcript").next().unwrap();
            assert!(
                !in_tables
                    .lines()
                    .filter(|l| l.starts_with('│'))
                    .any(|l| l.contains(raw)),
                "raw name {raw:?} in\n{text}"
            );
        }
        for want in [
            "MOS (E-model, G.107)",
            "4.29 (R 88.1; loss 0.40 %, jitter buffer 20 ms, delay 40 ms)",
            "3.12 (R 60.4; loss 10.00 %, jitter buffer 20 ms, delay 52 ms, RTCP round trip",
            "audio chunks sent to the agent",
            "5 chunks",
            "0.40 %",
            "agent audio dropped after an interruption",
            "2 events",
            "0.31 ms",
            "caller's leg (as Asterisk saw it)",
            "  lost",
            "1 packet ",
            "1.25 ms",
            "agent's own ping round trip",
            "12 ms",
            "1.558, 0.351, 1.065 ms",
            "something new",
            "3 ms",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        let json = serde_json::to_value(CallView(record())).unwrap();
        assert_eq!(json["id"], "1700000000.1");
        let list = CallList {
            calls: vec![record()],
            limited: false,
            database: "x.db".into(),
        };
        assert!(serde_json::to_value(&list).unwrap().is_array());
        assert!(list.render_text().contains("completed"));
    }
}

/// What `calls bundle` wrote.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct BundleView(pub crate::io::call_bundle::BundleReport);

impl Render for BundleView {
    fn render_text(&self) -> String {
        let r = &self.0;
        let mut t = crate::ui::output::table(["file", "bytes", "what it is"]);
        for f in &r.files {
            t.add_row([f.name.clone(), f.bytes.to_string(), f.about.clone()]);
        }
        let mut s = format!(
            "bundle of call {} written to {} ({} bytes)\n{t}\n",
            r.call, r.path, r.bytes
        );
        for n in &r.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        s
    }
}
