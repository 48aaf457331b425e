//! The ElevenLabs Agents WebSocket protocol (`/v1/convai/conversation`), both directions:
//! the client parses [`ServerMessage`]s and encodes [`ClientMessage`]s; the simulator does
//! the opposite with the same types. Pure: no sockets, no clock (times are parameters).
//!
//! Wire shapes (from the published AsyncAPI contract `agent.asyncapi.yaml` and the official
//! Python/JS SDKs):
//!
//! Client -> server
//! - `{"type":"conversation_initiation_client_data","conversation_config_override":{"agent":
//!   {"first_message":..,"language":..,"prompt":{"prompt":..}},"tts":{"voice_id":..}},
//!   "dynamic_variables":{..},"user_id":..}` (first message, all fields optional)
//! - `{"user_audio_chunk":"<base64>"}` (no `type`, for speed), in `user_input_audio_format`
//! - `{"type":"pong","event_id":N}` answering a ping
//! - `{"type":"client_tool_result","tool_call_id":..,"result":"..","is_error":bool}`
//! - `{"type":"user_activity"}`, `{"type":"contextual_update","text":..}`,
//!   `{"type":"user_message","text":..}`
//!
//! Server -> client (every message has `type` and a `<something>_event` object)
//! - `conversation_initiation_metadata` / `conversation_initiation_metadata_event`:
//!   `conversation_id`, `agent_output_audio_format`, `user_input_audio_format`
//! - `audio` / `audio_event`: `audio_base_64`, `event_id` (optional `alignment`)
//! - `interruption` / `interruption_event`: `event_id` (drop audio with id <= it)
//! - `agent_response` / `agent_response_event`: `agent_response`
//! - `agent_response_correction` / `agent_response_correction_event`:
//!   `original_agent_response`, `corrected_agent_response`
//! - `user_transcript` / `user_transcription_event`: `user_transcript`
//! - `vad_score` / `vad_score_event`: `vad_score` (0..1)
//! - `ping` / `ping_event`: `event_id`, `ping_ms` (nullable round-trip estimate)
//! - `client_tool_call` / `client_tool_call`: `tool_name`, `tool_call_id`, `parameters`,
//!   `event_id`
//! - `error` / `error_event`: `code` (a WebSocket close code: 1000, 1002, 1008, 1011),
//!   `message`, `error_type`, `reason`, ... sent just before the server closes
//! - anything else (`internal_tentative_agent_response`, `tentative_user_transcript`,
//!   `asr_initiation_metadata`, `agent_tool_response`, `mcp_*`, ...) is
//!   [`ServerMessage::Unknown`]: logged and ignored by the client, never fatal.
//!
//! Close codes: 1000 normal (agent ended, max duration), 1002 operational error (timeouts,
//! LLM/TTS/ASR failures), 1008 contract error (invalid message, auth, overrides not allowed),
//! 1011 unexpected server error.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Why a frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    #[error("the frame is not a JSON object ({0})")]
    NotJson(String),
    #[error("the frame has no \"type\" field")]
    MissingType,
    #[error("a '{kind}' message lacks the field '{field}' or has a wrong type there")]
    Missing { kind: String, field: &'static str },
    #[error("a '{kind}' message carries invalid base64 audio ({reason})")]
    BadAudio { kind: String, reason: String },
    #[error("unknown audio format '{0}' (expected e.g. ulaw_8000 or pcm_16000)")]
    BadFormat(String),
}

// ---------------------------------------------------------------------------------------
// Audio formats
// ---------------------------------------------------------------------------------------

/// Sample encoding of an agent audio format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// 16-bit signed little-endian linear PCM, mono.
    Pcm16,
    /// G.711 mu-law, one byte per sample.
    Ulaw,
    /// G.711 A-law, one byte per sample.
    Alaw,
}

/// An agent audio format such as `ulaw_8000` or `pcm_16000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AudioFormat {
    pub encoding: Encoding,
    pub sample_rate: u32,
}

impl AudioFormat {
    pub const ULAW_8000: AudioFormat = AudioFormat {
        encoding: Encoding::Ulaw,
        sample_rate: 8000,
    };
    pub const ALAW_8000: AudioFormat = AudioFormat {
        encoding: Encoding::Alaw,
        sample_rate: 8000,
    };
    pub const PCM_8000: AudioFormat = AudioFormat::pcm(8000);
    pub const PCM_16000: AudioFormat = AudioFormat::pcm(16000);
    pub const PCM_22050: AudioFormat = AudioFormat::pcm(22050);
    pub const PCM_24000: AudioFormat = AudioFormat::pcm(24000);
    pub const PCM_44100: AudioFormat = AudioFormat::pcm(44100);
    pub const PCM_48000: AudioFormat = AudioFormat::pcm(48000);

    /// Every format the service names, in the service's spelling order.
    pub const ALL: [AudioFormat; 8] = [
        AudioFormat::ULAW_8000,
        AudioFormat::ALAW_8000,
        AudioFormat::PCM_8000,
        AudioFormat::PCM_16000,
        AudioFormat::PCM_22050,
        AudioFormat::PCM_24000,
        AudioFormat::PCM_44100,
        AudioFormat::PCM_48000,
    ];

    const fn pcm(sample_rate: u32) -> Self {
        AudioFormat {
            encoding: Encoding::Pcm16,
            sample_rate,
        }
    }

    /// Parse the service's name for a format, e.g. `ulaw_8000`.
    pub fn parse(name: &str) -> Result<Self, ProtoError> {
        let bad = || ProtoError::BadFormat(name.to_string());
        let (enc, rate) = name.trim().split_once('_').ok_or_else(bad)?;
        let encoding = match enc.to_ascii_lowercase().as_str() {
            "pcm" => Encoding::Pcm16,
            "ulaw" | "mulaw" => Encoding::Ulaw,
            "alaw" => Encoding::Alaw,
            _ => return Err(bad()),
        };
        let sample_rate: u32 = rate.parse().map_err(|_| bad())?;
        let f = AudioFormat {
            encoding,
            sample_rate,
        };
        if Self::ALL.contains(&f) {
            Ok(f)
        } else {
            Err(bad())
        }
    }

    /// The service's name, e.g. `pcm_16000`.
    pub fn name(&self) -> String {
        let enc = match self.encoding {
            Encoding::Pcm16 => "pcm",
            Encoding::Ulaw => "ulaw",
            Encoding::Alaw => "alaw",
        };
        format!("{enc}_{}", self.sample_rate)
    }

    pub fn bytes_per_sample(&self) -> usize {
        match self.encoding {
            Encoding::Pcm16 => 2,
            Encoding::Ulaw | Encoding::Alaw => 1,
        }
    }

    /// Bytes of `ms` milliseconds of audio (whole samples).
    pub fn bytes_for_ms(&self, ms: u32) -> usize {
        (self.sample_rate as usize * ms as usize / 1000) * self.bytes_per_sample()
    }

    /// Playing time of `bytes` bytes, in microseconds.
    pub fn duration_us(&self, bytes: usize) -> u64 {
        let samples = (bytes / self.bytes_per_sample()) as u64;
        samples * 1_000_000 / self.sample_rate as u64
    }
}

impl fmt::Display for AudioFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl FromStr for AudioFormat {
    type Err = ProtoError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AudioFormat::parse(s)
    }
}

impl Serialize for AudioFormat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for AudioFormat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AudioFormat::parse(&s).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------
// Server -> client
// ---------------------------------------------------------------------------------------

/// A message from the agent service.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerMessage {
    /// The first message: the conversation exists; audio formats of both directions.
    InitiationMetadata {
        conversation_id: String,
        output_format: AudioFormat,
        input_format: AudioFormat,
    },
    /// Agent speech in `output_format`.
    Audio { event_id: u64, audio: Vec<u8> },
    /// The caller barged in: drop queued agent audio with `event_id <=` this one.
    Interruption { event_id: u64 },
    /// What the agent says (text of the next/current audio).
    AgentResponse { text: String },
    /// After an interruption: what the agent actually got to say.
    AgentResponseCorrection { original: String, corrected: String },
    /// Final transcript of a caller turn.
    UserTranscript { text: String },
    /// Voice activity score of the caller audio, 0..1.
    VadScore { score: f64 },
    /// Keep-alive; answer with [`ClientMessage::Pong`]. `ping_ms` is the service's estimate
    /// of the round trip, absent on the first ping.
    Ping { event_id: u64, ping_ms: Option<u64> },
    /// The agent wants the client to run a tool; answer with `client_tool_result`.
    ClientToolCall {
        tool_call_id: String,
        tool_name: String,
        parameters: Value,
    },
    /// The service reports an error; it closes the socket with `code` right after.
    Error {
        code: Option<u16>,
        message: Option<String>,
        error_type: Option<String>,
        reason: Option<String>,
    },
    /// Any type not modelled above; `raw` is the frame as received.
    Unknown { kind: String, raw: String },
}

/// The event object of a message: `msg[field]`, or an empty object when absent.
fn event<'a>(msg: &'a Value, field: &str) -> &'a Value {
    static EMPTY: Value = Value::Null;
    msg.get(field).unwrap_or(&EMPTY)
}

fn req_str(ev: &Value, kind: &str, field: &'static str) -> Result<String, ProtoError> {
    ev.get(field)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| ProtoError::Missing {
            kind: kind.to_string(),
            field,
        })
}

fn opt_str(ev: &Value, field: &str) -> Option<String> {
    ev.get(field).and_then(Value::as_str).map(str::to_string)
}

/// An integer that some senders write as a float or a string.
fn as_u64(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f.round() as u64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn req_u64(ev: &Value, kind: &str, field: &'static str) -> Result<u64, ProtoError> {
    ev.get(field)
        .and_then(as_u64)
        .ok_or_else(|| ProtoError::Missing {
            kind: kind.to_string(),
            field,
        })
}

fn decode_b64(s: &str, kind: &str) -> Result<Vec<u8>, ProtoError> {
    B64.decode(s.as_bytes()).map_err(|e| ProtoError::BadAudio {
        kind: kind.to_string(),
        reason: e.to_string(),
    })
}

fn parse_object(text: &str) -> Result<Map<String, Value>, ProtoError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(ProtoError::NotJson(format!(
            "a JSON {} instead of an object",
            json_kind(&other)
        ))),
        Err(e) => Err(ProtoError::NotJson(e.to_string())),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl ServerMessage {
    /// Decode one text frame from the service.
    pub fn parse(text: &str) -> Result<ServerMessage, ProtoError> {
        let obj = parse_object(text)?;
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or(ProtoError::MissingType)?
            .to_string();
        let msg = Value::Object(obj);
        let k = kind.as_str();
        Ok(match k {
            "conversation_initiation_metadata" => {
                let ev = event(&msg, "conversation_initiation_metadata_event");
                let conversation_id = req_str(ev, k, "conversation_id")?;
                let output = req_str(ev, k, "agent_output_audio_format")?;
                // The JS SDK defaults a missing input format to pcm_16000; so do we.
                let input = opt_str(ev, "user_input_audio_format")
                    .unwrap_or_else(|| "pcm_16000".to_string());
                ServerMessage::InitiationMetadata {
                    conversation_id,
                    output_format: AudioFormat::parse(&output)?,
                    input_format: AudioFormat::parse(&input)?,
                }
            }
            "audio" => {
                let ev = event(&msg, "audio_event");
                let b64 = req_str(ev, k, "audio_base_64")?;
                ServerMessage::Audio {
                    event_id: req_u64(ev, k, "event_id")?,
                    audio: decode_b64(&b64, k)?,
                }
            }
            "interruption" => ServerMessage::Interruption {
                event_id: req_u64(event(&msg, "interruption_event"), k, "event_id")?,
            },
            "agent_response" => ServerMessage::AgentResponse {
                text: req_str(event(&msg, "agent_response_event"), k, "agent_response")?,
            },
            "agent_response_correction" => {
                let ev = event(&msg, "agent_response_correction_event");
                ServerMessage::AgentResponseCorrection {
                    original: req_str(ev, k, "original_agent_response")?,
                    corrected: req_str(ev, k, "corrected_agent_response")?,
                }
            }
            "user_transcript" => ServerMessage::UserTranscript {
                text: req_str(
                    event(&msg, "user_transcription_event"),
                    k,
                    "user_transcript",
                )?,
            },
            "vad_score" => ServerMessage::VadScore {
                score: event(&msg, "vad_score_event")
                    .get("vad_score")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| ProtoError::Missing {
                        kind: kind.clone(),
                        field: "vad_score",
                    })?,
            },
            "ping" => {
                let ev = event(&msg, "ping_event");
                ServerMessage::Ping {
                    event_id: req_u64(ev, k, "event_id")?,
                    ping_ms: ev.get("ping_ms").and_then(as_u64),
                }
            }
            "client_tool_call" => {
                let ev = event(&msg, "client_tool_call");
                ServerMessage::ClientToolCall {
                    tool_call_id: req_str(ev, k, "tool_call_id")?,
                    tool_name: req_str(ev, k, "tool_name")?,
                    parameters: ev.get("parameters").cloned().unwrap_or(json!({})),
                }
            }
            "error" => {
                let ev = event(&msg, "error_event");
                ServerMessage::Error {
                    code: ev.get("code").and_then(as_u64).map(|c| c as u16),
                    message: opt_str(ev, "message"),
                    error_type: opt_str(ev, "error_type"),
                    reason: opt_str(ev, "reason"),
                }
            }
            _ => ServerMessage::Unknown {
                kind,
                raw: text.to_string(),
            },
        })
    }

    /// The wire `type` of this message.
    pub fn kind(&self) -> &str {
        match self {
            ServerMessage::InitiationMetadata { .. } => "conversation_initiation_metadata",
            ServerMessage::Audio { .. } => "audio",
            ServerMessage::Interruption { .. } => "interruption",
            ServerMessage::AgentResponse { .. } => "agent_response",
            ServerMessage::AgentResponseCorrection { .. } => "agent_response_correction",
            ServerMessage::UserTranscript { .. } => "user_transcript",
            ServerMessage::VadScore { .. } => "vad_score",
            ServerMessage::Ping { .. } => "ping",
            ServerMessage::ClientToolCall { .. } => "client_tool_call",
            ServerMessage::Error { .. } => "error",
            ServerMessage::Unknown { kind, .. } => kind,
        }
    }

    /// Encode as the service would send it (used by the simulator).
    pub fn to_json(&self) -> String {
        let v = match self {
            ServerMessage::InitiationMetadata {
                conversation_id,
                output_format,
                input_format,
            } => json!({
                "type": "conversation_initiation_metadata",
                "conversation_initiation_metadata_event": {
                    "conversation_id": conversation_id,
                    "agent_output_audio_format": output_format.name(),
                    "user_input_audio_format": input_format.name(),
                }
            }),
            ServerMessage::Audio { event_id, audio } => {
                // Hot path in the simulator: no JSON tree for the payload.
                return format!(
                    "{{\"type\":\"audio\",\"audio_event\":{{\"audio_base_64\":\"{}\",\"event_id\":{event_id}}}}}",
                    B64.encode(audio)
                );
            }
            ServerMessage::Interruption { event_id } => json!({
                "type": "interruption",
                "interruption_event": { "event_id": event_id }
            }),
            ServerMessage::AgentResponse { text } => json!({
                "type": "agent_response",
                "agent_response_event": { "agent_response": text }
            }),
            ServerMessage::AgentResponseCorrection {
                original,
                corrected,
            } => json!({
                "type": "agent_response_correction",
                "agent_response_correction_event": {
                    "original_agent_response": original,
                    "corrected_agent_response": corrected,
                }
            }),
            ServerMessage::UserTranscript { text } => json!({
                "type": "user_transcript",
                "user_transcription_event": { "user_transcript": text }
            }),
            ServerMessage::VadScore { score } => json!({
                "type": "vad_score",
                "vad_score_event": { "vad_score": score }
            }),
            ServerMessage::Ping { event_id, ping_ms } => json!({
                "type": "ping",
                "ping_event": { "event_id": event_id, "ping_ms": ping_ms }
            }),
            ServerMessage::ClientToolCall {
                tool_call_id,
                tool_name,
                parameters,
            } => json!({
                "type": "client_tool_call",
                "client_tool_call": {
                    "tool_name": tool_name,
                    "tool_call_id": tool_call_id,
                    "parameters": parameters,
                }
            }),
            ServerMessage::Error {
                code,
                message,
                error_type,
                reason,
            } => {
                let mut ev = Map::new();
                ev.insert("code".into(), json!(code));
                if let Some(m) = message {
                    ev.insert("message".into(), json!(m));
                }
                if let Some(t) = error_type {
                    ev.insert("error_type".into(), json!(t));
                }
                if let Some(r) = reason {
                    ev.insert("reason".into(), json!(r));
                }
                json!({ "type": "error", "error_event": ev })
            }
            ServerMessage::Unknown { raw, .. } => return raw.clone(),
        };
        v.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Client -> server
// ---------------------------------------------------------------------------------------

/// The first client message: per-call variables and (agent-permitted) overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InitiationClientData {
    /// `{{name}}` values for the agent's prompt and first message.
    #[serde(default)]
    pub dynamic_variables: BTreeMap<String, Value>,
    /// Override of `agent.first_message` (empty string: the agent waits for the caller).
    #[serde(default)]
    pub first_message: Option<String>,
    /// Override of `agent.language`, e.g. `en`.
    #[serde(default)]
    pub language: Option<String>,
    /// Override of `agent.prompt.prompt`.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Override of `tts.voice_id`.
    #[serde(default)]
    pub voice_id: Option<String>,
    /// `user_id` of the conversation (e.g. the caller number).
    #[serde(default)]
    pub user_id: Option<String>,
}

impl InitiationClientData {
    fn to_value(&self) -> Value {
        let mut agent = Map::new();
        if let Some(m) = &self.first_message {
            agent.insert("first_message".into(), json!(m));
        }
        if let Some(l) = &self.language {
            agent.insert("language".into(), json!(l));
        }
        if let Some(p) = &self.prompt {
            agent.insert("prompt".into(), json!({ "prompt": p }));
        }
        let mut over = Map::new();
        if !agent.is_empty() {
            over.insert("agent".into(), Value::Object(agent));
        }
        if let Some(v) = &self.voice_id {
            over.insert("tts".into(), json!({ "voice_id": v }));
        }
        let mut m = Map::new();
        m.insert("type".into(), json!("conversation_initiation_client_data"));
        if !over.is_empty() {
            m.insert("conversation_config_override".into(), Value::Object(over));
        }
        if !self.dynamic_variables.is_empty() {
            m.insert("dynamic_variables".into(), json!(self.dynamic_variables));
        }
        if let Some(u) = &self.user_id {
            m.insert("user_id".into(), json!(u));
        }
        Value::Object(m)
    }

    fn from_value(v: &Value) -> Self {
        let over = event(v, "conversation_config_override");
        let agent = event(over, "agent");
        InitiationClientData {
            dynamic_variables: v
                .get("dynamic_variables")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            first_message: opt_str(agent, "first_message"),
            language: opt_str(agent, "language"),
            prompt: opt_str(event(agent, "prompt"), "prompt"),
            voice_id: opt_str(event(over, "tts"), "voice_id"),
            user_id: opt_str(v, "user_id"),
        }
    }
}

/// A message to the agent service.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientMessage {
    InitiationClientData(InitiationClientData),
    /// Caller audio in the conversation's `input_format`.
    UserAudioChunk(Vec<u8>),
    Pong {
        event_id: u64,
    },
    ClientToolResult {
        tool_call_id: String,
        result: String,
        is_error: bool,
    },
    /// "The user is still there" (resets the service's inactivity timer).
    UserActivity,
    /// Non-interrupting context for the agent.
    ContextualUpdate {
        text: String,
    },
    /// A typed user message.
    UserMessage {
        text: String,
    },
    /// Any other type (only the simulator meets these).
    Unknown {
        kind: String,
        raw: String,
    },
}

/// `{"user_audio_chunk":"<base64>"}` without building a JSON tree (the audio hot path).
pub fn encode_user_audio_chunk(audio: &[u8]) -> String {
    let mut s = String::with_capacity(24 + audio.len().div_ceil(3) * 4);
    s.push_str("{\"user_audio_chunk\":\"");
    B64.encode_string(audio, &mut s);
    s.push_str("\"}");
    s
}

impl ClientMessage {
    pub fn to_json(&self) -> String {
        let v = match self {
            ClientMessage::InitiationClientData(d) => d.to_value(),
            ClientMessage::UserAudioChunk(a) => return encode_user_audio_chunk(a),
            ClientMessage::Pong { event_id } => json!({ "type": "pong", "event_id": event_id }),
            ClientMessage::ClientToolResult {
                tool_call_id,
                result,
                is_error,
            } => json!({
                "type": "client_tool_result",
                "tool_call_id": tool_call_id,
                "result": result,
                "is_error": is_error,
            }),
            ClientMessage::UserActivity => json!({ "type": "user_activity" }),
            ClientMessage::ContextualUpdate { text } => {
                json!({ "type": "contextual_update", "text": text })
            }
            ClientMessage::UserMessage { text } => json!({ "type": "user_message", "text": text }),
            ClientMessage::Unknown { raw, .. } => return raw.clone(),
        };
        v.to_string()
    }

    /// The `pong` answering `msg` if it is a ping.
    pub fn pong_for(msg: &ServerMessage) -> Option<ClientMessage> {
        match msg {
            ServerMessage::Ping { event_id, .. } => Some(ClientMessage::Pong {
                event_id: *event_id,
            }),
            _ => None,
        }
    }

    /// The error `client_tool_result` for a tool call nobody implements, so the agent does
    /// not wait for an answer that never comes.
    pub fn tool_not_configured(msg: &ServerMessage) -> Option<ClientMessage> {
        match msg {
            ServerMessage::ClientToolCall {
                tool_call_id,
                tool_name,
                ..
            } => Some(ClientMessage::ClientToolResult {
                tool_call_id: tool_call_id.clone(),
                result: format!("the client tool '{tool_name}' is not configured in vcctl"),
                is_error: true,
            }),
            _ => None,
        }
    }

    /// Decode one frame from a client (used by the simulator).
    pub fn parse(text: &str) -> Result<ClientMessage, ProtoError> {
        let obj = parse_object(text)?;
        if let Some(chunk) = obj.get("user_audio_chunk") {
            let s = chunk.as_str().ok_or_else(|| ProtoError::Missing {
                kind: "user_audio_chunk".into(),
                field: "user_audio_chunk",
            })?;
            return Ok(ClientMessage::UserAudioChunk(decode_b64(
                s,
                "user_audio_chunk",
            )?));
        }
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or(ProtoError::MissingType)?
            .to_string();
        let v = Value::Object(obj);
        let k = kind.as_str();
        Ok(match k {
            "conversation_initiation_client_data" => {
                ClientMessage::InitiationClientData(InitiationClientData::from_value(&v))
            }
            "pong" => ClientMessage::Pong {
                event_id: req_u64(&v, k, "event_id")?,
            },
            "client_tool_result" => ClientMessage::ClientToolResult {
                tool_call_id: req_str(&v, k, "tool_call_id")?,
                // The contract says string; tolerate other JSON by keeping its text.
                result: match v.get("result") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                },
                is_error: v.get("is_error").and_then(Value::as_bool).unwrap_or(false),
            },
            "user_activity" => ClientMessage::UserActivity,
            "contextual_update" => ClientMessage::ContextualUpdate {
                text: req_str(&v, k, "text")?,
            },
            "user_message" => ClientMessage::UserMessage {
                text: opt_str(&v, "text").unwrap_or_default(),
            },
            _ => ClientMessage::Unknown {
                kind,
                raw: text.to_string(),
            },
        })
    }
}

// ---------------------------------------------------------------------------------------
// Transcript
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    User,
    Agent,
}

/// One turn; `at_ms` is milliseconds since the call started (given by the caller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub speaker: Speaker,
    pub text: String,
    pub at_ms: u64,
    /// The agent was interrupted and the text was corrected to what was actually said.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub corrected: bool,
}

/// The conversation of one call, built from the service's transcript events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub turns: Vec<Turn>,
}

impl Transcript {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, speaker: Speaker, text: &str, at_ms: u64) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.turns.push(Turn {
            speaker,
            text: text.to_string(),
            at_ms,
            corrected: false,
        });
    }

    /// Replace the latest agent turn saying `original` (else the latest agent turn) with
    /// `corrected`. Returns whether a turn changed.
    pub fn correct(&mut self, original: &str, corrected: &str) -> bool {
        let original = original.trim();
        let idx = self
            .turns
            .iter()
            .rposition(|t| t.speaker == Speaker::Agent && t.text == original)
            .or_else(|| self.turns.iter().rposition(|t| t.speaker == Speaker::Agent));
        match idx {
            Some(i) => {
                self.turns[i].text = corrected.trim().to_string();
                self.turns[i].corrected = true;
                true
            }
            None => false,
        }
    }

    /// Record `msg` if it is a transcript event; returns whether it was one.
    pub fn observe(&mut self, msg: &ServerMessage, at_ms: u64) -> bool {
        match msg {
            ServerMessage::UserTranscript { text } => {
                self.push(Speaker::User, text, at_ms);
                true
            }
            ServerMessage::AgentResponse { text } => {
                self.push(Speaker::Agent, text, at_ms);
                true
            }
            ServerMessage::AgentResponseCorrection {
                original,
                corrected,
            } => self.correct(original, corrected),
            _ => false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.turns.is_empty()
    }

    /// One line per turn: `[00:03.2] agent: Hello`.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for t in &self.turns {
            let who = match t.speaker {
                Speaker::User => "user",
                Speaker::Agent => "agent",
            };
            let s = t.at_ms / 1000;
            let tenth = (t.at_ms % 1000) / 100;
            out.push_str(&format!(
                "[{:02}:{:02}.{tenth}] {who}: {}\n",
                s / 60,
                s % 60,
                t.text
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Samples in the documented wire format (AsyncAPI contract and SDK handlers).
    const METADATA: &str = r#"{"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":{"conversation_id":"conv_01jz8f9h2kqg7b0wqk3m2d1x4e","agent_output_audio_format":"ulaw_8000","user_input_audio_format":"ulaw_8000"}}"#;
    const AUDIO: &str =
        r#"{"type":"audio","audio_event":{"audio_base_64":"AAEC/w==","event_id":3}}"#;
    const INTERRUPTION: &str = r#"{"type":"interruption","interruption_event":{"event_id":7}}"#;
    const AGENT_RESPONSE: &str = r#"{"type":"agent_response","agent_response_event":{"agent_response":"Hello! How can I help you today?","event_id":1}}"#;
    const CORRECTION: &str = r#"{"type":"agent_response_correction","agent_response_correction_event":{"original_agent_response":"Sure, the opening hours are nine to five on weekdays.","corrected_agent_response":"Sure, the opening hours are","event_id":4}}"#;
    const USER_TRANSCRIPT: &str = r#"{"type":"user_transcript","user_transcription_event":{"user_transcript":"What are your opening hours?","event_id":2}}"#;
    const VAD: &str = r#"{"type":"vad_score","vad_score_event":{"vad_score":0.95}}"#;
    const PING_FIRST: &str = r#"{"type":"ping","ping_event":{"event_id":1,"ping_ms":null}}"#;
    const PING: &str = r#"{"type":"ping","ping_event":{"event_id":5,"ping_ms":42}}"#;
    const TOOL_CALL: &str = r#"{"type":"client_tool_call","client_tool_call":{"tool_name":"check_account","tool_call_id":"toolu_01ABC","parameters":{"account":"123"},"event_id":6}}"#;
    const ERROR: &str = r#"{"type":"error","error_event":{"code":1008,"message":"Override for field 'first_message' is not allowed by config.","error_type":"override_error","reason":"invalid override"}}"#;
    const TENTATIVE: &str = r#"{"type":"internal_tentative_agent_response","tentative_agent_response_internal_event":{"tentative_agent_response":"Sure, the"}}"#;

    #[test]
    fn audio_formats_parse_and_print() {
        for name in [
            "ulaw_8000",
            "alaw_8000",
            "pcm_8000",
            "pcm_16000",
            "pcm_22050",
            "pcm_24000",
            "pcm_44100",
            "pcm_48000",
        ] {
            let f = AudioFormat::parse(name).unwrap();
            assert_eq!(f.name(), name);
            assert_eq!(f.to_string(), name);
        }
        let u = AudioFormat::parse("ulaw_8000").unwrap();
        assert_eq!((u.encoding, u.sample_rate), (Encoding::Ulaw, 8000));
        assert_eq!(u.bytes_for_ms(20), 160);
        assert_eq!(AudioFormat::PCM_16000.bytes_for_ms(20), 640);
        assert_eq!(AudioFormat::PCM_16000.duration_us(640), 20_000);
        assert_eq!(AudioFormat::ALAW_8000.encoding, Encoding::Alaw);
        assert!(AudioFormat::parse("mp3_44100_128").is_err());
        assert!(AudioFormat::parse("pcm_12345").is_err());
        assert!(AudioFormat::parse("ulaw").is_err());
        let json = serde_json::to_string(&AudioFormat::PCM_24000).unwrap();
        assert_eq!(json, "\"pcm_24000\"");
        assert_eq!(
            serde_json::from_str::<AudioFormat>("\"ulaw_8000\"").unwrap(),
            AudioFormat::ULAW_8000
        );
    }

    #[test]
    fn recorded_server_messages_decode() {
        assert_eq!(
            ServerMessage::parse(METADATA).unwrap(),
            ServerMessage::InitiationMetadata {
                conversation_id: "conv_01jz8f9h2kqg7b0wqk3m2d1x4e".into(),
                output_format: AudioFormat::ULAW_8000,
                input_format: AudioFormat::ULAW_8000,
            }
        );
        assert_eq!(
            ServerMessage::parse(AUDIO).unwrap(),
            ServerMessage::Audio {
                event_id: 3,
                audio: vec![0, 1, 2, 255]
            }
        );
        assert_eq!(
            ServerMessage::parse(INTERRUPTION).unwrap(),
            ServerMessage::Interruption { event_id: 7 }
        );
        assert_eq!(
            ServerMessage::parse(AGENT_RESPONSE).unwrap(),
            ServerMessage::AgentResponse {
                text: "Hello! How can I help you today?".into()
            }
        );
        assert!(matches!(
            ServerMessage::parse(CORRECTION).unwrap(),
            ServerMessage::AgentResponseCorrection { corrected, .. } if corrected == "Sure, the opening hours are"
        ));
        assert_eq!(
            ServerMessage::parse(USER_TRANSCRIPT).unwrap(),
            ServerMessage::UserTranscript {
                text: "What are your opening hours?".into()
            }
        );
        assert_eq!(
            ServerMessage::parse(VAD).unwrap(),
            ServerMessage::VadScore { score: 0.95 }
        );
        assert_eq!(
            ServerMessage::parse(PING_FIRST).unwrap(),
            ServerMessage::Ping {
                event_id: 1,
                ping_ms: None
            }
        );
        assert_eq!(
            ServerMessage::parse(PING).unwrap(),
            ServerMessage::Ping {
                event_id: 5,
                ping_ms: Some(42)
            }
        );
        assert_eq!(
            ServerMessage::parse(TOOL_CALL).unwrap(),
            ServerMessage::ClientToolCall {
                tool_call_id: "toolu_01ABC".into(),
                tool_name: "check_account".into(),
                parameters: json!({"account": "123"}),
            }
        );
        assert_eq!(
            ServerMessage::parse(ERROR).unwrap(),
            ServerMessage::Error {
                code: Some(1008),
                message: Some(
                    "Override for field 'first_message' is not allowed by config.".into()
                ),
                error_type: Some("override_error".into()),
                reason: Some("invalid override".into()),
            }
        );
    }

    #[test]
    fn unknown_types_are_kept_not_rejected() {
        let m = ServerMessage::parse(TENTATIVE).unwrap();
        assert_eq!(m.kind(), "internal_tentative_agent_response");
        assert!(matches!(&m, ServerMessage::Unknown { raw, .. } if raw == TENTATIVE));
        let m = ServerMessage::parse(r#"{"type":"brand_new_event","x":{}}"#).unwrap();
        assert!(matches!(m, ServerMessage::Unknown { kind, .. } if kind == "brand_new_event"));
    }

    #[test]
    fn malformed_frames_are_errors_with_reasons() {
        assert!(matches!(
            ServerMessage::parse("not json"),
            Err(ProtoError::NotJson(_))
        ));
        assert!(matches!(
            ServerMessage::parse("[1,2]"),
            Err(ProtoError::NotJson(_))
        ));
        assert_eq!(
            ServerMessage::parse(r#"{"audio_event":{}}"#),
            Err(ProtoError::MissingType)
        );
        let e =
            ServerMessage::parse(r#"{"type":"audio","audio_event":{"event_id":1}}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a 'audio' message lacks the field 'audio_base_64' or has a wrong type there"
        );
        assert!(matches!(
            ServerMessage::parse(
                r#"{"type":"audio","audio_event":{"audio_base_64":"!!","event_id":1}}"#
            ),
            Err(ProtoError::BadAudio { .. })
        ));
        assert!(matches!(
            ServerMessage::parse(
                r#"{"type":"conversation_initiation_metadata","conversation_initiation_metadata_event":{"conversation_id":"c","agent_output_audio_format":"mp3_44100","user_input_audio_format":"pcm_16000"}}"#
            ),
            Err(ProtoError::BadFormat(_))
        ));
    }

    #[test]
    fn server_messages_round_trip_through_the_simulator_encoder() {
        let all = [
            ServerMessage::InitiationMetadata {
                conversation_id: "conv_sim_1".into(),
                output_format: AudioFormat::PCM_16000,
                input_format: AudioFormat::ULAW_8000,
            },
            ServerMessage::Audio {
                event_id: 9,
                audio: (0..=255).collect(),
            },
            ServerMessage::Interruption { event_id: 9 },
            ServerMessage::AgentResponse {
                text: "hi \"there\"".into(),
            },
            ServerMessage::AgentResponseCorrection {
                original: "a b".into(),
                corrected: "a".into(),
            },
            ServerMessage::UserTranscript { text: "yo".into() },
            ServerMessage::VadScore { score: 0.25 },
            ServerMessage::Ping {
                event_id: 1,
                ping_ms: None,
            },
            ServerMessage::Ping {
                event_id: 2,
                ping_ms: Some(17),
            },
            ServerMessage::ClientToolCall {
                tool_call_id: "t1".into(),
                tool_name: "lookup".into(),
                parameters: json!({"q": 1}),
            },
            ServerMessage::Error {
                code: Some(1002),
                message: Some("LLM timed out".into()),
                error_type: Some("llm_timeout".into()),
                reason: None,
            },
        ];
        for m in all {
            assert_eq!(ServerMessage::parse(&m.to_json()).unwrap(), m, "{m:?}");
        }
        // The encoder writes the documented field names.
        let v: Value = serde_json::from_str(
            &ServerMessage::Ping {
                event_id: 3,
                ping_ms: Some(5),
            }
            .to_json(),
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"type":"ping","ping_event":{"event_id":3,"ping_ms":5}})
        );
    }

    #[test]
    fn client_messages_encode_in_the_documented_shape() {
        let init = InitiationClientData {
            dynamic_variables: [("caller_id".to_string(), json!("1001"))].into(),
            first_message: Some("Hi, this is the test agent.".into()),
            language: Some("en".into()),
            prompt: None,
            voice_id: Some("21m00Tcm4TlvDq8ikWAM".into()),
            user_id: None,
        };
        let v: Value =
            serde_json::from_str(&ClientMessage::InitiationClientData(init.clone()).to_json())
                .unwrap();
        assert_eq!(
            v,
            json!({
                "type": "conversation_initiation_client_data",
                "conversation_config_override": {
                    "agent": {"first_message": "Hi, this is the test agent.", "language": "en"},
                    "tts": {"voice_id": "21m00Tcm4TlvDq8ikWAM"}
                },
                "dynamic_variables": {"caller_id": "1001"}
            })
        );
        // An empty initiation is just the type.
        assert_eq!(
            ClientMessage::InitiationClientData(InitiationClientData::default()).to_json(),
            r#"{"type":"conversation_initiation_client_data"}"#
        );
        assert_eq!(
            ClientMessage::UserAudioChunk(vec![0, 1, 2, 255]).to_json(),
            r#"{"user_audio_chunk":"AAEC/w=="}"#
        );
        let pong: Value =
            serde_json::from_str(&ClientMessage::Pong { event_id: 5 }.to_json()).unwrap();
        assert_eq!(pong, json!({"type": "pong", "event_id": 5}));
        let v: Value = serde_json::from_str(
            &ClientMessage::ClientToolResult {
                tool_call_id: "toolu_01ABC".into(),
                result: "no tool 'check_account' is configured".into(),
                is_error: true,
            }
            .to_json(),
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"type":"client_tool_result","tool_call_id":"toolu_01ABC","result":"no tool 'check_account' is configured","is_error":true})
        );
        assert_eq!(
            ClientMessage::UserActivity.to_json(),
            r#"{"type":"user_activity"}"#
        );
    }

    #[test]
    fn client_messages_decode_on_the_simulator_side() {
        // As the official Python SDK sends them.
        let sdk_init = r#"{"type": "conversation_initiation_client_data", "custom_llm_extra_body": {}, "conversation_config_override": {"agent": {"prompt": {"prompt": "Be brief."}, "first_message": "Hello", "language": "de"}, "tts": {"voice_id": "v1"}}, "dynamic_variables": {"n": 3}}"#;
        let ClientMessage::InitiationClientData(d) = ClientMessage::parse(sdk_init).unwrap() else {
            panic!("not an initiation")
        };
        assert_eq!(d.first_message.as_deref(), Some("Hello"));
        assert_eq!(d.language.as_deref(), Some("de"));
        assert_eq!(d.prompt.as_deref(), Some("Be brief."));
        assert_eq!(d.voice_id.as_deref(), Some("v1"));
        assert_eq!(d.dynamic_variables.get("n"), Some(&json!(3)));
        assert_eq!(
            ClientMessage::parse(r#"{"user_audio_chunk": "AAEC/w=="}"#).unwrap(),
            ClientMessage::UserAudioChunk(vec![0, 1, 2, 255])
        );
        assert_eq!(
            ClientMessage::parse(r#"{"type": "pong", "event_id": 12}"#).unwrap(),
            ClientMessage::Pong { event_id: 12 }
        );
        assert_eq!(
            ClientMessage::parse(
                r#"{"type":"client_tool_result","tool_call_id":"t","result":"x","is_error":true}"#
            )
            .unwrap(),
            ClientMessage::ClientToolResult {
                tool_call_id: "t".into(),
                result: "x".into(),
                is_error: true
            }
        );
        assert!(matches!(
            ClientMessage::parse(r#"{"type":"feedback","score":"like","event_id":3}"#).unwrap(),
            ClientMessage::Unknown { kind, .. } if kind == "feedback"
        ));
        for m in [
            ClientMessage::InitiationClientData(InitiationClientData {
                user_id: Some("u".into()),
                prompt: Some("p".into()),
                ..Default::default()
            }),
            ClientMessage::UserAudioChunk(vec![7; 160]),
            ClientMessage::Pong { event_id: 1 },
            ClientMessage::UserActivity,
            ClientMessage::ContextualUpdate { text: "c".into() },
            ClientMessage::UserMessage { text: "m".into() },
        ] {
            assert_eq!(ClientMessage::parse(&m.to_json()).unwrap(), m);
        }
    }

    #[test]
    fn replies_to_pings_and_unconfigured_tools() {
        let ping = ServerMessage::parse(PING).unwrap();
        assert_eq!(
            ClientMessage::pong_for(&ping),
            Some(ClientMessage::Pong { event_id: 5 })
        );
        let call = ServerMessage::parse(TOOL_CALL).unwrap();
        assert_eq!(ClientMessage::pong_for(&call), None);
        let Some(ClientMessage::ClientToolResult {
            tool_call_id,
            result,
            is_error,
        }) = ClientMessage::tool_not_configured(&call)
        else {
            panic!("no tool result")
        };
        assert_eq!(tool_call_id, "toolu_01ABC");
        assert!(is_error);
        assert!(result.contains("check_account"));
        assert_eq!(ClientMessage::tool_not_configured(&ping), None);
    }

    #[test]
    fn transcript_records_turns_and_corrections() {
        let mut t = Transcript::new();
        assert!(t.observe(&ServerMessage::parse(AGENT_RESPONSE).unwrap(), 300));
        assert!(t.observe(&ServerMessage::parse(USER_TRANSCRIPT).unwrap(), 3_200));
        assert!(t.observe(
            &ServerMessage::AgentResponse {
                text: " Sure, the opening hours are nine to five on weekdays. ".into()
            },
            4_000
        ));
        assert!(t.observe(&ServerMessage::parse(CORRECTION).unwrap(), 4_900));
        assert!(!t.observe(&ServerMessage::parse(PING).unwrap(), 5_000));
        assert_eq!(t.turns.len(), 3);
        assert_eq!(t.turns[2].text, "Sure, the opening hours are");
        assert!(t.turns[2].corrected);
        assert_eq!(
            t.to_text(),
            "[00:00.3] agent: Hello! How can I help you today?\n\
             [00:03.2] user: What are your opening hours?\n\
             [00:04.0] agent: Sure, the opening hours are\n"
        );
        t.push(Speaker::User, "   ", 6_000);
        assert_eq!(t.turns.len(), 3);
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["turns"][1]["speaker"], "user");
        assert_eq!(json["turns"][2]["corrected"], true);
        assert!(json["turns"][0].get("corrected").is_none());
    }
}
