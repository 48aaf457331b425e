//! The wire format of Asterisk's WebSocket media channel (chan_websocket, Asterisk 22.10.1):
//! commands the application sends, events Asterisk sends, in both control-message forms
//! (legacy plain text and JSON). Pure: no sockets, no clock.
//!
//! Plain text (the default unless chan_websocket.conf or the `f(json)` dial option says
//! otherwise): `NAME` or `NAME <correlation id>` for commands; events are `NAME` followed by
//! `key:value` words (`ERROR`'s `error_text` runs to the end of the line; the two `*_COMPLETED`
//! / `*_PROCESSED` events carry the bare id as their one word). JSON: `{"command":"NAME",...}`
//! and `{"event":"NAME","channel_id":"...",...}`. Names are case-sensitive. Asterisk ignores a
//! text frame longer than 128 bytes (with only a log line), so [`Command::encode`] refuses
//! to produce one. See docs/websocket-media.md for the sources of every rule here.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{json, Map, Value};

/// Longest text frame Asterisk reads (`MAX_TEXT_MESSAGE_LEN`); longer ones are dropped.
pub const MAX_TEXT_LEN: usize = 128;
/// Voice frames in Asterisk's queue at which it sends `MEDIA_XOFF`.
pub const ASTERISK_XOFF_FRAMES: usize = 900;
/// Voice frames in Asterisk's queue below which it sends `MEDIA_XON` again.
pub const ASTERISK_XON_FRAMES: usize = 800;
/// A binary message arriving while Asterisk's queue holds this many frames is dropped whole,
/// with only a debug log (`QUEUE_LENGTH_MAX`).
pub const ASTERISK_QUEUE_MAX_FRAMES: usize = 1000;
/// Largest WebSocket frame Asterisk reads (`AST_WEBSOCKET_MAX_RX_PAYLOAD_SIZE`, header
/// included); a larger one closes the socket with 1009 and hangs the channel up.
pub const ASTERISK_MAX_FRAME_BYTES: usize = 65535;

/// Which form the control messages of a channel take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlFormat {
    PlainText,
    Json,
}

impl ControlFormat {
    /// The value of the `f(...)` dial-string option.
    pub fn dial_option(self) -> &'static str {
        match self {
            ControlFormat::PlainText => "plain-text",
            ControlFormat::Json => "json",
        }
    }
}

/// The media formats serve uses over the WebSocket channel (Asterisk's format names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaFormat {
    Ulaw,
    Alaw,
    /// 16-bit signed linear, 8 kHz, in Asterisk's host byte order (little-endian on x86/arm).
    Slin,
    /// 16-bit signed linear, 16 kHz, host byte order: the agent's `pcm_16000` as it is.
    Slin16,
}

impl MediaFormat {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ulaw" => Some(MediaFormat::Ulaw),
            "alaw" => Some(MediaFormat::Alaw),
            "slin" => Some(MediaFormat::Slin),
            "slin16" => Some(MediaFormat::Slin16),
            _ => None,
        }
    }

    /// Asterisk's name, for `format=` and the `c(...)` dial option.
    pub fn name(self) -> &'static str {
        match self {
            MediaFormat::Ulaw => "ulaw",
            MediaFormat::Alaw => "alaw",
            MediaFormat::Slin => "slin",
            MediaFormat::Slin16 => "slin16",
        }
    }

    pub fn sample_rate(self) -> u32 {
        match self {
            MediaFormat::Slin16 => 16_000,
            _ => 8_000,
        }
    }

    pub fn bytes_per_sample(self) -> usize {
        match self {
            MediaFormat::Ulaw | MediaFormat::Alaw => 1,
            MediaFormat::Slin | MediaFormat::Slin16 => 2,
        }
    }

    /// Bytes of one second of audio.
    pub fn bytes_per_second(self) -> usize {
        self.sample_rate() as usize * self.bytes_per_sample()
    }

    /// `optimal_frame_size` as chan_websocket computes it: `default_ms * minimum_bytes /
    /// minimum_ms` of the codec (20 ms: 160 for G.711, 320 for slin, 640 for slin16).
    pub fn optimal_frame_size(self) -> usize {
        self.bytes_per_second() / 50
    }

    /// One byte of silence (G.711 silence is not zero).
    pub fn silence_byte(self) -> u8 {
        match self {
            MediaFormat::Ulaw => 0xFF,
            MediaFormat::Alaw => 0xD5,
            MediaFormat::Slin | MediaFormat::Slin16 => 0x00,
        }
    }
}

impl fmt::Display for MediaFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Media direction, from the application's point of view (`d(...)`, `SET_MEDIA_DIRECTION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Both,
    /// Asterisk sends media to the application and drops what it receives.
    In,
    /// Asterisk only receives media from the application.
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Both => "both",
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// A command from the application to Asterisk (a text frame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Answer,
    Hangup,
    StartMediaBuffering,
    StopMediaBuffering {
        correlation_id: Option<String>,
    },
    MarkMedia {
        correlation_id: Option<String>,
    },
    FlushMedia,
    PauseMedia,
    ContinueMedia,
    GetStatus,
    ReportQueueDrained,
    /// JSON only: Asterisk answers the plain-text form with an `ERROR` event.
    SetMediaDirection(Direction),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("{0} has no plain-text form in Asterisk 22.10")]
    JsonOnly(&'static str),
    #[error("the command is {len} bytes; Asterisk ignores text frames over {MAX_TEXT_LEN}")]
    TooLong { len: usize },
    #[error("a correlation id must be printable ASCII without spaces: {0:?}")]
    BadCorrelationId(String),
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::Answer => "ANSWER",
            Command::Hangup => "HANGUP",
            Command::StartMediaBuffering => "START_MEDIA_BUFFERING",
            Command::StopMediaBuffering { .. } => "STOP_MEDIA_BUFFERING",
            Command::MarkMedia { .. } => "MARK_MEDIA",
            Command::FlushMedia => "FLUSH_MEDIA",
            Command::PauseMedia => "PAUSE_MEDIA",
            Command::ContinueMedia => "CONTINUE_MEDIA",
            Command::GetStatus => "GET_STATUS",
            Command::ReportQueueDrained => "REPORT_QUEUE_DRAINED",
            Command::SetMediaDirection(_) => "SET_MEDIA_DIRECTION",
        }
    }

    fn correlation_id(&self) -> Option<&str> {
        match self {
            Command::StopMediaBuffering { correlation_id }
            | Command::MarkMedia { correlation_id } => correlation_id.as_deref(),
            _ => None,
        }
    }

    /// The text frame for a channel whose control messages take `format`.
    pub fn encode(&self, format: ControlFormat) -> Result<String, EncodeError> {
        let id = self.correlation_id();
        if let Some(id) = id {
            // Plain text: Asterisk strips the line and takes everything after the first
            // space as the id, so spaces at either end would be lost; keep ids simple in both.
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(EncodeError::BadCorrelationId(id.to_string()));
            }
        }
        let text = match format {
            ControlFormat::PlainText => {
                if let Command::SetMediaDirection(_) = self {
                    return Err(EncodeError::JsonOnly("SET_MEDIA_DIRECTION"));
                }
                match id {
                    Some(id) => format!("{} {id}", self.name()),
                    None => self.name().to_string(),
                }
            }
            ControlFormat::Json => {
                let mut m = Map::new();
                m.insert("command".into(), Value::from(self.name()));
                if let Some(id) = id {
                    m.insert("correlation_id".into(), Value::from(id));
                }
                if let Command::SetMediaDirection(d) = self {
                    m.insert("direction".into(), Value::from(d.as_str()));
                }
                Value::Object(m).to_string()
            }
        };
        if text.len() > MAX_TEXT_LEN {
            return Err(EncodeError::TooLong { len: text.len() });
        }
        Ok(text)
    }
}

/// `MEDIA_START`: the first text frame on a new connection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaStart {
    pub connection_id: String,
    /// The channel name, `WebSocket/INCOMING/0x...` for connections Asterisk accepted.
    pub channel: String,
    /// The channel's unique id (the ARI channel id); absent before 22.7.
    pub channel_id: Option<String>,
    pub format: String,
    /// Bytes per frame; 0 in passthrough mode (opus, speex, g729, or `p`).
    pub optimal_frame_size: usize,
    pub ptime_ms: Option<u32>,
    /// JSON form only.
    pub channel_variables: BTreeMap<String, String>,
}

/// `STATUS`, the answer to `GET_STATUS`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    pub queue_length: usize,
    pub xon_level: usize,
    pub xoff_level: usize,
    pub queue_full: bool,
    pub bulk_media: bool,
    pub media_paused: bool,
}

/// An event from Asterisk (a text frame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    MediaStart(MediaStart),
    MediaXoff,
    MediaXon,
    QueueDrained,
    MediaBufferingCompleted {
        correlation_id: Option<String>,
    },
    MediaMarkProcessed {
        correlation_id: Option<String>,
    },
    DtmfEnd {
        digit: char,
    },
    Status(Status),
    Error {
        text: String,
    },
    /// A well-formed event this version does not know: kept, never fatal.
    Unknown {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("empty text frame")]
    Empty,
    #[error("the text frame is not valid JSON ({0})")]
    BadJson(String),
    #[error("the JSON event has no \"event\" name")]
    NoEventName,
    #[error("{event} lacks '{field}' or has a malformed value there")]
    Field { event: String, field: &'static str },
}

/// Parse one text frame from Asterisk; also says which form it was in (a frame starting
/// with `{` is JSON).
pub fn parse_event(text: &str) -> Result<(Event, ControlFormat), ParseError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(ParseError::Empty);
    }
    if t.starts_with('{') {
        parse_json(t).map(|e| (e, ControlFormat::Json))
    } else {
        parse_plain(t).map(|e| (e, ControlFormat::PlainText))
    }
}

fn field_err(event: &str, field: &'static str) -> ParseError {
    ParseError::Field {
        event: event.to_string(),
        field,
    }
}

fn parse_json(t: &str) -> Result<Event, ParseError> {
    let v: Value = serde_json::from_str(t).map_err(|e| ParseError::BadJson(e.to_string()))?;
    let name = v
        .get("event")
        .and_then(Value::as_str)
        .ok_or(ParseError::NoEventName)?;
    event_from(name, &JsonFields(&v))
}

fn parse_plain(t: &str) -> Result<Event, ParseError> {
    let (name, rest) = match t.split_once(char::is_whitespace) {
        Some((n, r)) => (n, r.trim()),
        None => (t, ""),
    };
    let kv = if name == "ERROR" {
        // Its text runs to the end of the line: not `key:value` words.
        BTreeMap::new()
    } else {
        rest.split_whitespace()
            .filter_map(|w| w.split_once(':'))
            .collect()
    };
    event_from(name, &PlainFields { rest, kv })
}

/// The fields of one event as either control-message form carries them, so that
/// [`event_from`] maps names and fields to an [`Event`] once for both.
trait EventFields {
    fn text(&self, key: &str) -> Option<String>;
    fn number(&self, key: &str) -> Option<u64>;
    fn flag(&self, key: &str) -> Option<bool>;
    /// The id of `MEDIA_BUFFERING_COMPLETED` / `MEDIA_MARK_PROCESSED`; `None` when absent or
    /// empty.
    fn correlation_id(&self) -> Option<String>;
    fn channel_variables(&self) -> BTreeMap<String, String>;
    fn error_text(&self) -> String;
}

/// `{"event":"NAME", "key": value, ...}`.
struct JsonFields<'a>(&'a Value);

impl EventFields for JsonFields<'_> {
    fn text(&self, key: &str) -> Option<String> {
        self.0.get(key).and_then(Value::as_str).map(str::to_string)
    }
    fn number(&self, key: &str) -> Option<u64> {
        self.0.get(key).and_then(Value::as_u64)
    }
    fn flag(&self, key: &str) -> Option<bool> {
        self.0.get(key).and_then(Value::as_bool)
    }
    fn correlation_id(&self) -> Option<String> {
        // Asterisk sends "" for an absent correlation id.
        self.text("correlation_id").filter(|c| !c.is_empty())
    }
    fn channel_variables(&self) -> BTreeMap<String, String> {
        self.0
            .get("channel_variables")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let val = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), val)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
    fn error_text(&self) -> String {
        self.text("error_text")
            .unwrap_or_default()
            .trim_end()
            .to_string()
    }
}

/// `NAME key:value key:value`, `NAME <id>` or `ERROR ... error_text:free text`; `rest` is
/// everything after the name.
struct PlainFields<'a> {
    rest: &'a str,
    kv: BTreeMap<&'a str, &'a str>,
}

impl EventFields for PlainFields<'_> {
    fn text(&self, key: &str) -> Option<String> {
        self.kv.get(key).map(|v| v.to_string())
    }
    fn number(&self, key: &str) -> Option<u64> {
        self.kv.get(key).and_then(|v| v.parse().ok())
    }
    fn flag(&self, key: &str) -> Option<bool> {
        match self.kv.get(key) {
            Some(&"true") => Some(true),
            Some(&"false") => Some(false),
            _ => None,
        }
    }
    fn correlation_id(&self) -> Option<String> {
        Some(self.rest.to_string()).filter(|r| !r.is_empty())
    }
    fn channel_variables(&self) -> BTreeMap<String, String> {
        BTreeMap::new()
    }
    fn error_text(&self) -> String {
        // `ERROR channel_id:X error_text:free text...`: the text is everything after its key.
        self.rest
            .split_once("error_text:")
            .map(|(_, e)| e.trim().to_string())
            .unwrap_or_else(|| self.rest.to_string())
    }
}

/// The event `name` with its fields `f`.
fn event_from(name: &str, f: &impl EventFields) -> Result<Event, ParseError> {
    let num = |k: &'static str| -> Result<usize, ParseError> {
        f.number(k)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| field_err(name, k))
    };
    let flag = |k: &'static str| f.flag(k).ok_or_else(|| field_err(name, k));
    Ok(match name {
        "MEDIA_START" => Event::MediaStart(MediaStart {
            connection_id: f.text("connection_id").unwrap_or_default(),
            channel: f.text("channel").unwrap_or_default(),
            channel_id: f.text("channel_id"),
            format: f.text("format").ok_or_else(|| field_err(name, "format"))?,
            optimal_frame_size: num("optimal_frame_size")?,
            ptime_ms: f.number("ptime").and_then(|p| u32::try_from(p).ok()),
            channel_variables: f.channel_variables(),
        }),
        "MEDIA_XOFF" => Event::MediaXoff,
        "MEDIA_XON" => Event::MediaXon,
        "QUEUE_DRAINED" => Event::QueueDrained,
        "MEDIA_BUFFERING_COMPLETED" => Event::MediaBufferingCompleted {
            correlation_id: f.correlation_id(),
        },
        "MEDIA_MARK_PROCESSED" => Event::MediaMarkProcessed {
            correlation_id: f.correlation_id(),
        },
        "DTMF_END" => Event::DtmfEnd {
            digit: f
                .text("digit")
                .and_then(|d| d.chars().next())
                .ok_or_else(|| field_err(name, "digit"))?,
        },
        "STATUS" => Event::Status(Status {
            queue_length: num("queue_length")?,
            xon_level: num("xon_level")?,
            xoff_level: num("xoff_level")?,
            queue_full: flag("queue_full")?,
            bulk_media: flag("bulk_media")?,
            media_paused: flag("media_paused")?,
        }),
        "ERROR" => Event::Error {
            text: f.error_text(),
        },
        other => Event::Unknown {
            name: other.to_string(),
        },
    })
}

/// The text frame Asterisk would send for `event` (for simulators and tests).
pub fn encode_event(event: &Event, format: ControlFormat, channel_id: &str) -> String {
    match format {
        ControlFormat::Json => {
            let mut v = match event {
                Event::MediaStart(m) => json!({
                    "event": "MEDIA_START",
                    "connection_id": m.connection_id,
                    "channel": m.channel,
                    "channel_id": m.channel_id.clone().unwrap_or_else(|| channel_id.to_string()),
                    "format": m.format,
                    "optimal_frame_size": m.optimal_frame_size,
                    "ptime": m.ptime_ms.unwrap_or(20),
                    "channel_variables": m.channel_variables,
                }),
                Event::MediaXoff => json!({"event": "MEDIA_XOFF"}),
                Event::MediaXon => json!({"event": "MEDIA_XON"}),
                Event::QueueDrained => json!({"event": "QUEUE_DRAINED"}),
                Event::MediaBufferingCompleted { correlation_id } => json!({
                    "event": "MEDIA_BUFFERING_COMPLETED",
                    "correlation_id": correlation_id.clone().unwrap_or_default(),
                }),
                Event::MediaMarkProcessed { correlation_id } => json!({
                    "event": "MEDIA_MARK_PROCESSED",
                    "correlation_id": correlation_id.clone().unwrap_or_default(),
                }),
                Event::DtmfEnd { digit } => json!({"event": "DTMF_END", "digit": digit.to_string()}),
                Event::Status(s) => json!({
                    "event": "STATUS",
                    "queue_length": s.queue_length,
                    "xon_level": s.xon_level,
                    "xoff_level": s.xoff_level,
                    "queue_full": s.queue_full,
                    "bulk_media": s.bulk_media,
                    "media_paused": s.media_paused,
                }),
                Event::Error { text } => json!({"event": "ERROR", "error_text": text}),
                Event::Unknown { name } => json!({"event": name}),
            };
            if let Some(o) = v.as_object_mut() {
                o.entry("channel_id")
                    .or_insert_with(|| Value::from(channel_id));
            }
            v.to_string()
        }
        ControlFormat::PlainText => match event {
            Event::MediaStart(m) => format!(
                "MEDIA_START connection_id:{} channel:{} channel_id:{} format:{} optimal_frame_size:{} ptime:{}",
                m.connection_id,
                m.channel,
                m.channel_id.as_deref().unwrap_or(channel_id),
                m.format,
                m.optimal_frame_size,
                m.ptime_ms.unwrap_or(20)
            ),
            Event::MediaXoff => "MEDIA_XOFF".into(),
            Event::MediaXon => "MEDIA_XON".into(),
            Event::QueueDrained => "QUEUE_DRAINED".into(),
            Event::MediaBufferingCompleted { correlation_id } => match correlation_id {
                Some(id) => format!("MEDIA_BUFFERING_COMPLETED {id}"),
                None => "MEDIA_BUFFERING_COMPLETED".into(),
            },
            Event::MediaMarkProcessed { correlation_id } => match correlation_id {
                Some(id) => format!("MEDIA_MARK_PROCESSED {id}"),
                None => "MEDIA_MARK_PROCESSED".into(),
            },
            Event::DtmfEnd { digit } => format!("DTMF_END digit:{digit} channel_id:{channel_id}"),
            Event::Status(s) => format!(
                "STATUS channel_id:{channel_id} queue_length:{} xon_level:{} xoff_level:{} queue_full:{} bulk_media:{} media_paused:{}",
                s.queue_length, s.xon_level, s.xoff_level, s.queue_full, s.bulk_media, s.media_paused
            ),
            Event::Error { text } => format!("ERROR channel_id:{channel_id} error_text:{text}"),
            Event::Unknown { name } => name.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_in_both_forms() {
        let mark = Command::MarkMedia {
            correlation_id: Some("vc7".into()),
        };
        assert_eq!(
            mark.encode(ControlFormat::PlainText).unwrap(),
            "MARK_MEDIA vc7"
        );
        assert_eq!(
            mark.encode(ControlFormat::Json).unwrap(),
            r#"{"command":"MARK_MEDIA","correlation_id":"vc7"}"#
        );
        let bare = Command::MarkMedia {
            correlation_id: None,
        };
        assert_eq!(bare.encode(ControlFormat::PlainText).unwrap(), "MARK_MEDIA");
        assert_eq!(
            Command::FlushMedia.encode(ControlFormat::Json).unwrap(),
            r#"{"command":"FLUSH_MEDIA"}"#
        );
        assert_eq!(
            Command::StopMediaBuffering {
                correlation_id: Some("r1".into())
            }
            .encode(ControlFormat::PlainText)
            .unwrap(),
            "STOP_MEDIA_BUFFERING r1"
        );
        for c in [
            Command::Answer,
            Command::Hangup,
            Command::StartMediaBuffering,
            Command::PauseMedia,
            Command::ContinueMedia,
            Command::GetStatus,
            Command::ReportQueueDrained,
        ] {
            assert_eq!(c.encode(ControlFormat::PlainText).unwrap(), c.name());
            let j: Value = serde_json::from_str(&c.encode(ControlFormat::Json).unwrap()).unwrap();
            assert_eq!(j, json!({"command": c.name()}));
        }
        let dir = Command::SetMediaDirection(Direction::Out);
        assert_eq!(
            dir.encode(ControlFormat::PlainText),
            Err(EncodeError::JsonOnly("SET_MEDIA_DIRECTION"))
        );
        assert_eq!(
            dir.encode(ControlFormat::Json).unwrap(),
            r#"{"command":"SET_MEDIA_DIRECTION","direction":"out"}"#
        );
    }

    #[test]
    fn commands_asterisk_would_ignore_are_refused() {
        let long = Command::MarkMedia {
            correlation_id: Some("x".repeat(100)),
        };
        assert!(long.encode(ControlFormat::PlainText).is_ok()); // 111 bytes
        assert!(matches!(
            long.encode(ControlFormat::Json),
            Err(EncodeError::TooLong { .. })
        ));
        for bad in ["", "a b", " a", "é"] {
            let c = Command::MarkMedia {
                correlation_id: Some(bad.into()),
            };
            assert!(
                matches!(
                    c.encode(ControlFormat::Json),
                    Err(EncodeError::BadCorrelationId(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn media_start_plain_text_as_asterisk_22_10_prints_it() {
        let t = "MEDIA_START connection_id:aede0459-97ea-42d0-ab38-d5207314dff7 channel:WebSocket/INCOMING/0x7f89840030d0 channel_id:vcctl-em-1 format:slin16 optimal_frame_size:640 ptime:20";
        let (e, f) = parse_event(t).unwrap();
        assert_eq!(f, ControlFormat::PlainText);
        assert_eq!(
            e,
            Event::MediaStart(MediaStart {
                connection_id: "aede0459-97ea-42d0-ab38-d5207314dff7".into(),
                channel: "WebSocket/INCOMING/0x7f89840030d0".into(),
                channel_id: Some("vcctl-em-1".into()),
                format: "slin16".into(),
                optimal_frame_size: 640,
                ptime_ms: Some(20),
                channel_variables: BTreeMap::new(),
            })
        );
        // Before 22.7 there was no channel_id or ptime.
        let (e, _) = parse_event("MEDIA_START connection_id:c channel:WebSocket/c/0x1 format:ulaw optimal_frame_size:160").unwrap();
        let Event::MediaStart(m) = e else { panic!() };
        assert_eq!(
            (m.channel_id, m.ptime_ms, m.optimal_frame_size),
            (None, None, 160)
        );
    }

    #[test]
    fn media_start_json() {
        let t = r#"{"event":"MEDIA_START","connection_id":"c1","channel":"WebSocket/INCOMING/0x1","channel_id":"1761245643.1","format":"ulaw","optimal_frame_size":160,"ptime":20,"channel_variables":{"MEDIA_WEBSOCKET_CONNECTION_ID":"c1","MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE":"160"}}"#;
        let (e, f) = parse_event(t).unwrap();
        assert_eq!(f, ControlFormat::Json);
        let Event::MediaStart(m) = e else { panic!() };
        assert_eq!(m.format, "ulaw");
        assert_eq!(m.optimal_frame_size, 160);
        assert_eq!(m.ptime_ms, Some(20));
        assert_eq!(m.channel_id.as_deref(), Some("1761245643.1"));
        assert_eq!(
            m.channel_variables["MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE"],
            "160"
        );
        // Pretty-printed JSON is allowed too.
        let pretty =
            serde_json::to_string_pretty(&serde_json::from_str::<Value>(t).unwrap()).unwrap();
        assert_eq!(parse_event(&pretty).unwrap().0, Event::MediaStart(m));
        assert!(matches!(
            parse_event(r#"{"event":"MEDIA_START","format":"ulaw"}"#),
            Err(ParseError::Field {
                field: "optimal_frame_size",
                ..
            })
        ));
    }

    #[test]
    fn every_event_round_trips_in_both_forms() {
        let events = [
            Event::MediaXoff,
            Event::MediaXon,
            Event::QueueDrained,
            Event::MediaBufferingCompleted {
                correlation_id: Some("b1".into()),
            },
            Event::MediaBufferingCompleted {
                correlation_id: None,
            },
            Event::MediaMarkProcessed {
                correlation_id: Some("vc3".into()),
            },
            Event::MediaMarkProcessed {
                correlation_id: None,
            },
            Event::DtmfEnd { digit: '#' },
            Event::Status(Status {
                queue_length: 12,
                xon_level: 800,
                xoff_level: 900,
                queue_full: false,
                bulk_media: true,
                media_paused: false,
            }),
            Event::Error {
                text: "MARK_MEDIA not supported in passthrough mode".into(),
            },
            Event::MediaStart(MediaStart {
                connection_id: "c".into(),
                channel: "WebSocket/INCOMING/0x1".into(),
                channel_id: Some("id".into()),
                format: "ulaw".into(),
                optimal_frame_size: 160,
                ptime_ms: Some(20),
                channel_variables: BTreeMap::new(),
            }),
            Event::Unknown {
                name: "SOMETHING_NEW".into(),
            },
        ];
        for f in [ControlFormat::PlainText, ControlFormat::Json] {
            for e in &events {
                let text = encode_event(e, f, "id");
                let (back, form) = parse_event(&text).unwrap_or_else(|err| panic!("{text}: {err}"));
                assert_eq!(form, f, "{text}");
                assert_eq!(&back, e, "{text}");
            }
        }
    }

    #[test]
    fn asterisk_texts_verbatim() {
        // As chan_websocket 22.10.1 prints them (ast_json compact form, asprintf formats).
        let (e, _) =
            parse_event(r#"{"event":"MEDIA_MARK_PROCESSED","channel_id":"x","correlation_id":""}"#)
                .unwrap();
        assert_eq!(
            e,
            Event::MediaMarkProcessed {
                correlation_id: None
            }
        );
        let (e, _) = parse_event(r#"{"event":"STATUS","channel_id":"x","queue_length":0,"xon_level":800,"xoff_level":900,"queue_full":false,"bulk_media":false,"media_paused":false}"#).unwrap();
        assert_eq!(
            e,
            Event::Status(Status {
                queue_length: 0,
                xon_level: 800,
                xoff_level: 900,
                ..Default::default()
            })
        );
        let (e, _) = parse_event(
            "ERROR channel_id:x error_text:SET_MEDIA_DIRECTION only supports JSON format.\n",
        )
        .unwrap();
        assert_eq!(
            e,
            Event::Error {
                text: "SET_MEDIA_DIRECTION only supports JSON format.".into()
            }
        );
        let (e, _) = parse_event(
            r#"{"event":"ERROR","channel_id":"x","error_text":"Unable to parse JSON command"}"#,
        )
        .unwrap();
        assert_eq!(
            e,
            Event::Error {
                text: "Unable to parse JSON command".into()
            }
        );
        let (e, _) = parse_event("DTMF_END digit:5 channel_id:x").unwrap();
        assert_eq!(e, Event::DtmfEnd { digit: '5' });
        assert_eq!(parse_event("  "), Err(ParseError::Empty));
        assert!(matches!(parse_event("{nope"), Err(ParseError::BadJson(_))));
        assert_eq!(
            parse_event(r#"{"command":"X"}"#),
            Err(ParseError::NoEventName)
        );
    }

    /// Whatever Asterisk (or a proxy in between) sends, parsing answers and never panics:
    /// every prefix of every real event, and random text.
    #[test]
    fn any_text_parses_or_is_refused() {
        use rand::{Rng, SeedableRng};
        let real = [
            r#"{"event":"MEDIA_START","connection_id":"c1","channel":"WebSocket/INCOMING/0x1","channel_id":"1.1","format":"ulaw","optimal_frame_size":160,"ptime":20,"channel_variables":{"A":"b","N":3}}"#,
            "MEDIA_START connection_id:c channel:WebSocket/INCOMING/0x1 channel_id:1.1 format:slin16 optimal_frame_size:640 ptime:20",
            "STATUS channel_id:x queue_length:3 xon_level:800 xoff_level:900 queue_full:false bulk_media:false media_paused:true",
            r#"{"event":"STATUS","channel_id":"x","queue_length":0,"xon_level":800,"xoff_level":900,"queue_full":false,"bulk_media":false,"media_paused":false}"#,
            "ERROR channel_id:x error_text:a b c",
            "DTMF_END digit:5 channel_id:x",
            "MEDIA_MARK_PROCESSED vc12",
        ];
        for r in real {
            for (i, _) in r.char_indices() {
                let _ = parse_event(&r[..i]);
            }
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(15);
        let alphabet = b"{}[]\":,. 0123456789abcdefMEDIA_STARTXONFsevntchal-_:\n\t";
        for _ in 0..20_000 {
            let n = rng.gen_range(0..80);
            let t: String = (0..n)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())] as char)
                .collect();
            let _ = parse_event(&t);
        }
    }

    #[test]
    fn formats() {
        assert_eq!(MediaFormat::Ulaw.optimal_frame_size(), 160);
        assert_eq!(MediaFormat::Slin.optimal_frame_size(), 320);
        assert_eq!(MediaFormat::Slin16.optimal_frame_size(), 640);
        assert_eq!(MediaFormat::from_name("slin16"), Some(MediaFormat::Slin16));
        assert_eq!(MediaFormat::from_name("opus"), None);
        assert_eq!(MediaFormat::Ulaw.silence_byte(), 0xFF);
    }
}
