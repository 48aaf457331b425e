//! The conversation engine of `vcctl agent-sim`, the local stand-in for the ElevenLabs Agents
//! service: one conversation as a sans-IO state machine. The I/O shell (`io::agent_sim`)
//! feeds it the client's text frames and the time ([`SimConversation::handle_text`],
//! [`SimConversation::handle_timeout`]) and sends what [`SimConversation::poll_output`] gives,
//! sleeping until [`SimConversation::poll_timeout`]. Nothing here reads a clock or draws a
//! random number: the conversation id comes from outside, time is a parameter.
//!
//! Per conversation: read the initiation data, answer `conversation_initiation_metadata`,
//! send pings with increasing event ids and match the pongs, and answer the caller:
//! - echo: the caller's audio comes back as `audio` events after the response delay,
//!   byte for byte, re-chunked (chunks due together are merged, long ones split);
//! - tone: at the end of each caller turn (energy VAD) and after the delay, a tone, in real
//!   time or (`tone_burst`) all at once.
//!
//! All event ids (audio, pings) come from one increasing counter per conversation, as
//! `interruption.event_id` means "drop audio up to this id". Placeholder `user_transcript`
//! and `agent_response` events frame each turn. A frame that is not JSON gets the
//! service's answer: an `error` event and close 1008.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::agent::proto::{
    AudioFormat, ClientMessage, Encoding, InitiationClientData, ServerMessage,
};
use crate::media::g711;
use crate::media::tone::{SineGen, Vad, VadConfig, VadEvent};

/// WebSocket close codes the simulator uses.
pub const CLOSE_NORMAL: u16 = 1000;
pub const CLOSE_POLICY: u16 = 1008;

/// How the simulated agent answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SimMode {
    /// Return the caller's audio after the response delay.
    Echo,
    /// Answer each caller turn with a tone.
    Tone,
}

/// How one conversation behaves: the conversation part of agent-sim's options (the I/O
/// shell's `SimOptions` holds one of these and adds what only the HTTP front needs).
#[derive(Debug, Clone)]
pub struct ConversationConfig {
    pub mode: SimMode,
    /// Echo: delay of every byte. Tone: end of caller speech -> first tone byte.
    pub response_delay: Duration,
    /// Audio format of both directions.
    pub format: AudioFormat,
    /// Send `interruption` when caller speech starts while the agent is talking.
    pub interrupt_on_speech: bool,
    pub tone_hz: f64,
    pub tone_duration: Duration,
    /// Tone: send each reply at once (as a TTS faster than real time does) instead of in
    /// real time.
    pub tone_burst: bool,
    /// Keep-alive pings; `None` sends none.
    pub ping_interval: Option<Duration>,
    /// Send one `client_tool_call` right after the metadata.
    pub tool_call: bool,
    /// Size of `audio` events (tone; echo splits merged audio at this size).
    pub chunk_ms: u32,
    /// Also send events a client must ignore (`internal_tentative_agent_response`,
    /// `vad_score`, an invented type).
    pub extra_events: bool,
    /// End the conversation from the agent side (normal close) after this long.
    pub end_after: Option<Duration>,
}

/// `vcctl agent-sim`'s defaults: echo after 300 ms in µ-law, a ping every 2 s.
impl Default for ConversationConfig {
    fn default() -> Self {
        ConversationConfig {
            mode: SimMode::Echo,
            response_delay: Duration::from_millis(300),
            format: AudioFormat::ULAW_8000,
            interrupt_on_speech: false,
            tone_hz: 440.0,
            tone_duration: Duration::from_secs(1),
            tone_burst: false,
            ping_interval: Some(Duration::from_secs(2)),
            tool_call: false,
            chunk_ms: 100,
            extra_events: false,
            end_after: None,
        }
    }
}

/// What the shell must do next.
#[derive(Debug, Clone, PartialEq)]
pub enum SimOutput {
    /// Send this message as a text frame.
    Send(ServerMessage),
    /// Send a close frame, let the client's reply arrive (briefly), and end.
    Close { code: u16, reason: &'static str },
}

/// Counts since the last [`SimConversation::take_counts`], for the simulator's totals
/// (which hold one of these and [`ConvCounts::add`] every conversation's into it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConvCounts {
    pub conversations: u64,
    pub pings_sent: u64,
    pub pongs_received: u64,
    pub pongs_unexpected: u64,
    pub audio_chunks_in: u64,
    pub audio_bytes_in: u64,
    pub audio_events_out: u64,
    pub audio_bytes_out: u64,
    pub interruptions: u64,
    pub tool_calls: u64,
    pub tool_results: u64,
    pub tool_error_results: u64,
    pub invalid_frames: u64,
    /// Largest ping round trip seen, ms.
    pub max_ping_rtt_ms: u64,
}

impl ConvCounts {
    /// Adds `other` into these totals: every count summed, the largest round trip kept.
    pub fn add(&mut self, other: &ConvCounts) {
        let ConvCounts {
            conversations,
            pings_sent,
            pongs_received,
            pongs_unexpected,
            audio_chunks_in,
            audio_bytes_in,
            audio_events_out,
            audio_bytes_out,
            interruptions,
            tool_calls,
            tool_results,
            tool_error_results,
            invalid_frames,
            max_ping_rtt_ms,
        } = *other;
        self.conversations += conversations;
        self.pings_sent += pings_sent;
        self.pongs_received += pongs_received;
        self.pongs_unexpected += pongs_unexpected;
        self.audio_chunks_in += audio_chunks_in;
        self.audio_bytes_in += audio_bytes_in;
        self.audio_events_out += audio_events_out;
        self.audio_bytes_out += audio_bytes_out;
        self.interruptions += interruptions;
        self.tool_calls += tool_calls;
        self.tool_results += tool_results;
        self.tool_error_results += tool_error_results;
        self.invalid_frames += invalid_frames;
        self.max_ping_rtt_ms = self.max_ping_rtt_ms.max(max_ping_rtt_ms);
    }
}

/// The two frames the service answers an unknown agent with.
pub fn agent_not_found(agent_id: &str) -> [SimOutput; 2] {
    [
        SimOutput::Send(ServerMessage::Error {
            code: Some(CLOSE_POLICY),
            message: Some(format!("Agent with id {agent_id} was not found")),
            error_type: Some("value_error".into()),
            reason: Some("agent not found".into()),
        }),
        SimOutput::Close {
            code: CLOSE_POLICY,
            reason: "Agent not found",
        },
    ]
}

/// Caller audio waiting to be echoed: due time, bytes, sample range in the caller stream.
struct EchoItem {
    due: Instant,
    bytes: Vec<u8>,
    end_sample: u64,
}

/// One conversation.
pub struct SimConversation {
    cfg: ConversationConfig,
    no: u64,
    conversation_id: String,
    fmt: AudioFormat,
    started: Instant,
    next_event_id: u64,
    last_audio_event_id: u64,
    /// Dynamic variables of the initiation data (for the log line).
    dynamic_variables: usize,
    // caller side
    vad: Vad,
    vad_events: Vec<VadEvent>,
    pcm: Vec<i16>,
    odd_byte: Option<u8>,
    samples_in: u64,
    speech_start: Option<u64>,
    // agent side
    talking_until: Instant,
    echo: VecDeque<EchoItem>,
    tone_chunks: VecDeque<Vec<u8>>,
    tone_next_at: Instant,
    tone_sent_bytes: usize,
    tone_total_bytes: usize,
    response_at: Option<Instant>,
    last_response_text: Option<String>,
    // keep-alive
    next_ping: Option<Instant>,
    pings: HashMap<u64, Instant>,
    last_rtt_ms: Option<u64>,
    // per-conversation totals for the log line
    chunks_in: u64,
    events_out: u64,
    pongs: u64,
    interruptions: u64,
    close_note: String,
    counts: ConvCounts,
    out: VecDeque<SimOutput>,
    ended: bool,
}

impl SimConversation {
    /// A conversation accepted at `now`; `no` numbers it in logs and tool call ids.
    pub fn new(cfg: ConversationConfig, no: u64, conversation_id: String, now: Instant) -> Self {
        let fmt = cfg.format;
        let next_ping = cfg.ping_interval.map(|i| now + i);
        SimConversation {
            conversation_id,
            fmt,
            started: now,
            next_event_id: 1,
            last_audio_event_id: 0,
            dynamic_variables: 0,
            vad: Vad::new(VadConfig::for_rate(fmt.sample_rate)),
            vad_events: Vec::new(),
            pcm: Vec::new(),
            odd_byte: None,
            samples_in: 0,
            speech_start: None,
            talking_until: now,
            echo: VecDeque::new(),
            tone_chunks: VecDeque::new(),
            tone_next_at: now,
            tone_sent_bytes: 0,
            tone_total_bytes: 0,
            response_at: None,
            last_response_text: None,
            next_ping,
            pings: HashMap::new(),
            last_rtt_ms: None,
            chunks_in: 0,
            events_out: 0,
            pongs: 0,
            interruptions: 0,
            close_note: String::new(),
            counts: ConvCounts::default(),
            out: VecDeque::new(),
            ended: false,
            cfg,
            no,
        }
    }

    pub fn conversation_id(&self) -> &str {
        &self.conversation_id
    }

    /// The next thing to do, in order.
    pub fn poll_output(&mut self) -> Option<SimOutput> {
        self.out.pop_front()
    }

    /// A close was queued: after sending the outputs, the conversation is over.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Counts since the last call.
    pub fn take_counts(&mut self) -> ConvCounts {
        std::mem::take(&mut self.counts)
    }

    /// Why the conversation ended, as far as known.
    pub fn close_note(&self) -> &str {
        &self.close_note
    }

    fn send(&mut self, msg: ServerMessage) {
        self.out.push_back(SimOutput::Send(msg));
    }

    fn close(&mut self, code: u16, reason: &'static str) {
        self.out.push_back(SimOutput::Close { code, reason });
        self.ended = true;
    }

    fn event_id(&mut self) -> u64 {
        let id = self.next_event_id;
        self.next_event_id += 1;
        id
    }

    /// The client's first frame (`None`: none came in time). The client speaks first:
    /// initiation data; any other first frame starts with defaults (a first audio chunk is
    /// heard). False when the conversation did not start (the outputs close it).
    pub fn start(&mut self, first: Option<&str>, now: Instant) -> bool {
        let Some(first) = first else {
            self.close(CLOSE_POLICY, "No conversation initiation received");
            return false;
        };
        let (init, early_audio) = match ClientMessage::parse(first) {
            Ok(ClientMessage::InitiationClientData(d)) => (d, None),
            Ok(ClientMessage::UserAudioChunk(a)) => (InitiationClientData::default(), Some(a)),
            Ok(_) => (InitiationClientData::default(), None),
            Err(e) => {
                self.invalid_frame(&e.to_string());
                return false;
            }
        };
        self.send(ServerMessage::InitiationMetadata {
            conversation_id: self.conversation_id.clone(),
            output_format: self.fmt,
            input_format: self.fmt,
        });
        self.counts.conversations += 1;
        self.dynamic_variables = init.dynamic_variables.len();
        self.greet(&init, now);
        if let Some(a) = early_audio {
            self.on_audio(a, now);
        }
        true
    }

    /// The line logged when a conversation starts (`--log-connections`).
    pub fn start_line(&self, peer: &str, agent_id: &str) -> String {
        format!(
            "agent-sim: #{} {} from {peer} for agent '{agent_id}' started ({}, {:?}{})",
            self.no,
            self.conversation_id,
            self.fmt,
            self.cfg.mode,
            if self.dynamic_variables == 0 {
                String::new()
            } else {
                format!(", {} dynamic variables", self.dynamic_variables)
            }
        )
    }

    fn greet(&mut self, init: &InitiationClientData, now: Instant) {
        if self.cfg.extra_events {
            let odd = serde_json::json!({
                "type": "sim_debug",
                "sim_debug_event": { "note": "a type no client knows; it must be ignored" }
            });
            self.send(ServerMessage::Unknown {
                kind: "sim_debug".into(),
                raw: odd.to_string(),
            });
        }
        if self.cfg.tool_call {
            let event_id = self.event_id();
            let raw = serde_json::json!({
                "type": "client_tool_call",
                "client_tool_call": {
                    "tool_name": "sim_lookup",
                    "tool_call_id": format!("toolu_sim_{}", self.no),
                    "parameters": { "query": "opening hours" },
                    "event_id": event_id,
                }
            });
            self.send(ServerMessage::Unknown {
                kind: "client_tool_call".into(),
                raw: raw.to_string(),
            });
            self.counts.tool_calls += 1;
        }
        if let Some(first) = init
            .first_message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
        {
            let text = first.to_string();
            self.agent_says(&text);
            if self.cfg.mode == SimMode::Tone {
                self.start_tone(now);
            }
        }
    }

    fn agent_says(&mut self, text: &str) {
        if self.cfg.extra_events {
            let raw = serde_json::json!({
                "type": "internal_tentative_agent_response",
                "tentative_agent_response_internal_event": { "tentative_agent_response": text }
            });
            self.send(ServerMessage::Unknown {
                kind: "internal_tentative_agent_response".into(),
                raw: raw.to_string(),
            });
        }
        self.last_response_text = Some(text.to_string());
        self.send(ServerMessage::AgentResponse {
            text: text.to_string(),
        });
    }

    /// When [`Self::handle_timeout`] is next needed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.ended {
            return None;
        }
        [
            self.next_ping,
            self.echo.front().map(|e| e.due),
            (!self.tone_chunks.is_empty()).then_some(self.tone_next_at),
            self.response_at,
            self.cfg.end_after.map(|d| self.started + d),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// A text (or binary, read as text) frame from the client.
    pub fn handle_text(&mut self, text: &str, now: Instant) {
        if self.ended {
            return;
        }
        let msg = match ClientMessage::parse(text) {
            Ok(m) => m,
            Err(e) => {
                self.invalid_frame(&e.to_string());
                return;
            }
        };
        match msg {
            ClientMessage::UserAudioChunk(a) => self.on_audio(a, now),
            ClientMessage::Pong { event_id } => self.on_pong(event_id, now),
            ClientMessage::ClientToolResult {
                tool_call_id,
                result,
                is_error,
            } => {
                self.counts.tool_results += 1;
                if is_error {
                    self.counts.tool_error_results += 1;
                }
                tracing::info!(
                    "agent-sim: #{} tool result for {tool_call_id} (error: {is_error}): {result}",
                    self.no
                );
            }
            ClientMessage::InitiationClientData(_) => {
                tracing::debug!("agent-sim: #{} repeated initiation ignored", self.no);
            }
            ClientMessage::UserActivity
            | ClientMessage::ContextualUpdate { .. }
            | ClientMessage::UserMessage { .. } => {}
            ClientMessage::Unknown { kind, .. } => {
                tracing::debug!("agent-sim: #{} ignoring client type '{kind}'", self.no);
            }
        }
    }

    /// The client sent a close frame (`code` when it gave one). The shell keeps reading
    /// until the stream ends (the close reply is on its way).
    pub fn client_closed(&mut self, code: Option<u16>) {
        self.close_note = match code {
            Some(c) => format!("client closed ({c})"),
            None => "client closed".into(),
        };
    }

    /// The stream ended or failed (`why`, e.g. `connection lost (...)`): no more frames.
    pub fn connection_ended(&mut self, why: Option<String>) {
        match why {
            Some(w) => self.close_note = w,
            None if self.close_note.is_empty() => self.close_note = "connection ended".into(),
            None => {}
        }
        self.ended = true;
    }

    /// A send failed: the connection is gone. When the client had already closed it (a
    /// normal hangup: serve closes the conversation while audio is still due), that is the
    /// reason to report, not the failed send after it.
    pub fn send_failed(&mut self) {
        if self.close_note.is_empty() {
            self.close_note = "send failed: the connection went away".into();
        }
        self.ended = true;
    }

    /// The simulator shuts down: close normally.
    pub fn shut_down(&mut self) {
        self.close_note = "simulator shut down".into();
        self.close(CLOSE_NORMAL, "Simulator shutting down");
    }

    /// The service's answer to a frame it cannot read: an error event, then close 1008.
    fn invalid_frame(&mut self, why: &str) {
        self.counts.invalid_frames += 1;
        self.close_note = format!("invalid frame ({why})");
        self.send(ServerMessage::Error {
            code: Some(CLOSE_POLICY),
            message: Some("Invalid message received".into()),
            error_type: Some("invalid_message".into()),
            reason: Some(why.to_string()),
        });
        self.close(CLOSE_POLICY, "Invalid message received");
    }

    fn on_pong(&mut self, event_id: u64, now: Instant) {
        match self.pings.remove(&event_id) {
            Some(sent) => {
                let rtt = now.saturating_duration_since(sent).as_millis() as u64;
                self.last_rtt_ms = Some(rtt);
                self.pongs += 1;
                self.counts.pongs_received += 1;
                self.counts.max_ping_rtt_ms = self.counts.max_ping_rtt_ms.max(rtt);
            }
            None => self.counts.pongs_unexpected += 1,
        }
    }

    fn on_audio(&mut self, audio: Vec<u8>, now: Instant) {
        self.chunks_in += 1;
        self.counts.audio_chunks_in += 1;
        self.counts.audio_bytes_in += audio.len() as u64;
        // Decode for the VAD.
        self.pcm.clear();
        match self.fmt.encoding {
            Encoding::Ulaw => g711::ulaw_to_pcm(&audio, &mut self.pcm),
            Encoding::Alaw => g711::alaw_to_pcm(&audio, &mut self.pcm),
            Encoding::Pcm16 => {
                let mut bytes = Vec::with_capacity(audio.len() + 1);
                bytes.extend(self.odd_byte.take());
                bytes.extend_from_slice(&audio);
                let used = g711::pcm16le_from_bytes(&bytes, &mut self.pcm);
                self.odd_byte = bytes.get(used).copied();
            }
        }
        self.samples_in += self.pcm.len() as u64;
        if self.cfg.mode == SimMode::Echo && !audio.is_empty() {
            self.echo.push_back(EchoItem {
                due: now + self.cfg.response_delay,
                bytes: audio,
                end_sample: self.samples_in,
            });
        }
        self.vad_events.clear();
        let pcm = std::mem::take(&mut self.pcm);
        self.vad.push(&pcm, &mut self.vad_events);
        self.pcm = pcm;
        let events = std::mem::take(&mut self.vad_events);
        for ev in &events {
            match *ev {
                VadEvent::SpeechStart { at } => self.on_speech_start(at, now),
                VadEvent::SpeechEnd { at } => self.on_speech_end(at, now),
            }
        }
        self.vad_events = events;
    }

    fn agent_talking(&self, now: Instant, speech_at: u64) -> bool {
        now < self.talking_until
            || !self.tone_chunks.is_empty()
            || self.echo.iter().any(|e| e.end_sample <= speech_at)
    }

    fn on_speech_start(&mut self, at: u64, now: Instant) {
        self.speech_start = Some(at);
        if self.cfg.extra_events {
            self.send(ServerMessage::VadScore { score: 0.92 });
        }
        // A reply not yet started is dropped: the caller is talking again.
        self.response_at = None;
        if self.cfg.interrupt_on_speech && self.agent_talking(now, at) {
            self.interrupt(at, now);
        }
    }

    fn interrupt(&mut self, at: u64, now: Instant) {
        let event_id = if self.last_audio_event_id > 0 {
            self.last_audio_event_id
        } else {
            self.event_id()
        };
        self.send(ServerMessage::Interruption { event_id });
        self.interruptions += 1;
        self.counts.interruptions += 1;
        // What the agent "got to say" of its last response.
        if let Some(original) = self.last_response_text.take() {
            let said = if self.tone_total_bytes > 0 {
                self.tone_sent_bytes as f64 / self.tone_total_bytes as f64
            } else {
                1.0
            };
            let keep = ((original.chars().count() as f64) * said).round() as usize;
            let corrected: String = original.chars().take(keep).collect();
            if corrected != original {
                self.send(ServerMessage::AgentResponseCorrection {
                    original,
                    corrected,
                });
            }
        }
        self.tone_chunks.clear();
        self.tone_total_bytes = 0;
        self.tone_sent_bytes = 0;
        // Echo of earlier turns stops; audio of the new turn keeps coming.
        self.echo.retain(|e| e.end_sample > at);
        self.talking_until = now;
    }

    fn on_speech_end(&mut self, at: u64, now: Instant) {
        let start = self.speech_start.take().unwrap_or(at);
        let secs = at.saturating_sub(start) as f64 / self.fmt.sample_rate as f64;
        if self.cfg.extra_events {
            self.send(ServerMessage::VadScore { score: 0.04 });
        }
        self.send(ServerMessage::UserTranscript {
            text: format!("(simulated transcript of {secs:.1} s of speech)"),
        });
        match self.cfg.mode {
            SimMode::Echo => self.agent_says(&format!("(echoing {secs:.1} s of speech)")),
            SimMode::Tone => {
                // The VAD reports the end a hangover late: date it back to the last voiced
                // sample, so the response delay is measured from the real end of speech.
                let behind = self.samples_in.saturating_sub(at);
                let ago = Duration::from_secs_f64(behind as f64 / self.fmt.sample_rate as f64);
                let ended = now.checked_sub(ago).unwrap_or(now);
                self.response_at = Some((ended + self.cfg.response_delay).max(now));
            }
        }
    }

    fn start_tone(&mut self, at: Instant) {
        let rate = self.fmt.sample_rate;
        let n = (rate as u128 * self.cfg.tone_duration.as_millis() / 1000) as usize;
        let mut gen = SineGen::new(self.cfg.tone_hz, rate, 0.5);
        let mut pcm = Vec::with_capacity(n);
        gen.extend(n, &mut pcm);
        let mut bytes = Vec::with_capacity(n * 2);
        match self.fmt.encoding {
            Encoding::Ulaw => g711::pcm_to_ulaw(&pcm, &mut bytes),
            Encoding::Alaw => g711::pcm_to_alaw(&pcm, &mut bytes),
            Encoding::Pcm16 => g711::pcm16le_to_bytes(&pcm, &mut bytes),
        }
        let chunk = self.fmt.bytes_for_ms(self.cfg.chunk_ms.max(10)).max(1);
        self.tone_chunks = bytes.chunks(chunk).map(<[u8]>::to_vec).collect();
        self.tone_total_bytes = bytes.len();
        self.tone_sent_bytes = 0;
        self.tone_next_at = at;
    }

    fn send_audio(&mut self, audio: Vec<u8>, now: Instant) {
        let event_id = self.event_id();
        let len = audio.len();
        self.send(ServerMessage::Audio { event_id, audio });
        self.last_audio_event_id = event_id;
        self.events_out += 1;
        self.counts.audio_events_out += 1;
        self.counts.audio_bytes_out += len as u64;
        let play = Duration::from_micros(self.fmt.duration_us(len));
        self.talking_until = self.talking_until.max(now) + play;
    }

    /// Time passed: pings, echo and tone audio that are due, the agent ending the call.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.ended {
            return;
        }
        if self.cfg.end_after.is_some_and(|d| now >= self.started + d) {
            self.close_note = "agent ended the conversation".into();
            self.close(CLOSE_NORMAL, "Conversation ended");
            return;
        }
        // Pings.
        if let (Some(at), Some(every)) = (self.next_ping, self.cfg.ping_interval) {
            if now >= at {
                let event_id = self.event_id();
                self.send(ServerMessage::Ping {
                    event_id,
                    ping_ms: self.last_rtt_ms,
                });
                self.pings.insert(event_id, now);
                self.counts.pings_sent += 1;
                let next = at + every;
                self.next_ping = Some(if next <= now { now + every } else { next });
            }
        }
        // Echo: everything due, merged, split at the chunk size.
        if self.echo.front().is_some_and(|e| e.due <= now) {
            let mut merged = Vec::new();
            while let Some(e) = self.echo.front() {
                if e.due > now {
                    break;
                }
                if let Some(e) = self.echo.pop_front() {
                    merged.extend_from_slice(&e.bytes);
                }
            }
            let chunk = self.fmt.bytes_for_ms(self.cfg.chunk_ms.max(10)).max(1);
            for p in merged.chunks(chunk) {
                self.send_audio(p.to_vec(), now);
            }
        }
        // Tone reply due: say it, then stream it in real time.
        if self.response_at.is_some_and(|t| t <= now) {
            self.response_at = None;
            let text = format!(
                "(a {:.0} Hz tone for {:.1} s)",
                self.cfg.tone_hz,
                self.cfg.tone_duration.as_secs_f64()
            );
            self.agent_says(&text);
            self.start_tone(now);
        }
        let burst = self.cfg.tone_burst;
        while !self.tone_chunks.is_empty() && (burst || self.tone_next_at <= now) {
            if let Some(c) = self.tone_chunks.pop_front() {
                let d = Duration::from_micros(self.fmt.duration_us(c.len()));
                self.tone_sent_bytes += c.len();
                self.send_audio(c, now);
                self.tone_next_at += d;
            }
        }
    }

    /// The conversation is over: pings never answered, and the line logged at its end.
    pub fn finish(&mut self, now: Instant) -> (u64, String) {
        let missing = self.pings.len() as u64;
        let line = format!(
            "agent-sim: #{} {} ended after {:.1} s ({}): {}, {} out, {} ({missing} missing), {}",
            self.no,
            self.conversation_id,
            now.saturating_duration_since(self.started).as_secs_f64(),
            if self.close_note.is_empty() {
                "closed"
            } else {
                &self.close_note
            },
            count(self.chunks_in, "chunk in", "chunks in"),
            count(self.events_out, "audio event", "audio events"),
            count(self.pongs, "pong", "pongs"),
            count(self.interruptions, "interruption", "interruptions"),
        );
        (missing, line)
    }
}

/// `1 pong`, `2 pongs`.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn cfg(mode: SimMode) -> ConversationConfig {
        ConversationConfig {
            mode,
            ping_interval: None,
            ..Default::default()
        }
    }

    fn drain(c: &mut SimConversation) -> Vec<SimOutput> {
        std::iter::from_fn(|| c.poll_output()).collect()
    }

    fn sent(out: &[SimOutput]) -> Vec<&ServerMessage> {
        out.iter()
            .filter_map(|o| match o {
                SimOutput::Send(m) => Some(m),
                SimOutput::Close { .. } => None,
            })
            .collect()
    }

    fn audio(out: &[SimOutput]) -> Vec<(u64, Vec<u8>)> {
        sent(out)
            .into_iter()
            .filter_map(|m| match m {
                ServerMessage::Audio { event_id, audio } => Some((*event_id, audio.clone())),
                _ => None,
            })
            .collect()
    }

    fn chunk(bytes: &[u8]) -> String {
        ClientMessage::UserAudioChunk(bytes.to_vec()).to_json()
    }

    /// 20 ms of a loud tone (speech to the VAD) or silence, μ-law.
    fn frame(loud: bool, gen: &mut SineGen) -> Vec<u8> {
        let mut pcm = Vec::new();
        if loud {
            gen.extend(160, &mut pcm);
        } else {
            pcm.resize(160, 0);
        }
        let mut out = Vec::new();
        g711::pcm_to_ulaw(&pcm, &mut out);
        out
    }

    fn started(c: ConversationConfig, init: &str, t0: Instant) -> SimConversation {
        let mut conv = SimConversation::new(c, 7, "conv_sim_test".into(), t0);
        assert!(conv.start(Some(init), t0));
        conv
    }

    const INIT: &str = r#"{"type":"conversation_initiation_client_data"}"#;

    #[test]
    fn counts_add_up_field_by_field_and_keep_the_largest_round_trip() {
        let one = |n: u64| ConvCounts {
            conversations: n,
            pings_sent: n + 1,
            pongs_received: n + 2,
            pongs_unexpected: n + 3,
            audio_chunks_in: n + 4,
            audio_bytes_in: n + 5,
            audio_events_out: n + 6,
            audio_bytes_out: n + 7,
            interruptions: n + 8,
            tool_calls: n + 9,
            tool_results: n + 10,
            tool_error_results: n + 11,
            invalid_frames: n + 12,
            max_ping_rtt_ms: n * 100,
        };
        let mut total = one(1);
        total.add(&one(10));
        let mut want = one(11);
        // Each sum has both offsets: n + k + 10 + k = 11 + 2k.
        want.pings_sent += 1;
        want.pongs_received += 2;
        want.pongs_unexpected += 3;
        want.audio_chunks_in += 4;
        want.audio_bytes_in += 5;
        want.audio_events_out += 6;
        want.audio_bytes_out += 7;
        want.interruptions += 8;
        want.tool_calls += 9;
        want.tool_results += 10;
        want.tool_error_results += 11;
        want.invalid_frames += 12;
        want.max_ping_rtt_ms = 1000;
        assert_eq!(total, want);
        total.add(&one(2));
        assert_eq!(
            total.max_ping_rtt_ms, 1000,
            "a smaller round trip leaves the max"
        );
    }

    #[test]
    fn the_conversation_starts_with_metadata_the_first_message_and_a_tool_call() {
        let t0 = Instant::now();
        let mut c = cfg(SimMode::Echo);
        c.tool_call = true;
        let init = r#"{"type":"conversation_initiation_client_data","conversation_config_override":{"agent":{"first_message":"Hello there"}},"dynamic_variables":{"a":"1","b":"2"}}"#;
        let mut conv = started(c, init, t0);
        let out = drain(&mut conv);
        let msgs = sent(&out);
        assert_eq!(
            msgs[0],
            &ServerMessage::InitiationMetadata {
                conversation_id: "conv_sim_test".into(),
                output_format: AudioFormat::ULAW_8000,
                input_format: AudioFormat::ULAW_8000,
            }
        );
        match msgs[1] {
            ServerMessage::Unknown { kind, raw } => {
                assert_eq!(kind, "client_tool_call");
                let v: serde_json::Value = serde_json::from_str(raw).unwrap();
                assert_eq!(v["client_tool_call"]["tool_call_id"], "toolu_sim_7");
                assert_eq!(v["client_tool_call"]["event_id"], 1);
            }
            other => panic!("expected the tool call, got {other:?}"),
        }
        assert_eq!(
            msgs[2],
            &ServerMessage::AgentResponse {
                text: "Hello there".into()
            }
        );
        let counts = conv.take_counts();
        assert_eq!((counts.conversations, counts.tool_calls), (1, 1));
        assert_eq!(
            conv.take_counts(),
            ConvCounts::default(),
            "counts are taken once"
        );
        assert!(conv
            .start_line("127.0.0.1:5", "agent1")
            .ends_with("for agent 'agent1' started (ulaw_8000, Echo, 2 dynamic variables)"));
        assert!(!conv.ended());
    }

    #[test]
    fn no_initiation_or_an_unreadable_frame_closes_with_1008() {
        let t0 = Instant::now();
        let mut conv = SimConversation::new(cfg(SimMode::Echo), 1, "c".into(), t0);
        assert!(!conv.start(None, t0));
        assert_eq!(
            drain(&mut conv),
            [SimOutput::Close {
                code: CLOSE_POLICY,
                reason: "No conversation initiation received"
            }]
        );
        let mut conv = started(cfg(SimMode::Echo), INIT, t0);
        drain(&mut conv);
        conv.handle_text("not json", t0 + MS);
        let out = drain(&mut conv);
        assert!(matches!(
            out[0],
            SimOutput::Send(ServerMessage::Error {
                code: Some(1008),
                ..
            })
        ));
        assert_eq!(
            out[1],
            SimOutput::Close {
                code: CLOSE_POLICY,
                reason: "Invalid message received"
            }
        );
        assert!(conv.ended() && conv.close_note().starts_with("invalid frame"));
        assert_eq!(conv.take_counts().invalid_frames, 1);
        assert_eq!(conv.poll_timeout(), None);
        // An unknown agent gets the service's error, then 1008.
        let [err, close] = agent_not_found("nope");
        assert!(
            matches!(err, SimOutput::Send(ServerMessage::Error { message: Some(m), .. }) if m == "Agent with id nope was not found")
        );
        assert_eq!(
            close,
            SimOutput::Close {
                code: CLOSE_POLICY,
                reason: "Agent not found"
            }
        );
    }

    #[test]
    fn echo_returns_the_callers_bytes_after_the_delay_merged_and_split_at_the_chunk_size() {
        let t0 = Instant::now();
        let mut c = cfg(SimMode::Echo);
        c.chunk_ms = 30; // 240 bytes of μ-law
        let mut conv = started(c, INIT, t0);
        drain(&mut conv);
        let a: Vec<u8> = (0..160).map(|i| i as u8).collect();
        let b: Vec<u8> = (0..160).map(|i| 255 - i as u8).collect();
        conv.handle_text(&chunk(&a), t0);
        conv.handle_text(&chunk(&b), t0 + 20 * MS);
        assert_eq!(conv.poll_timeout(), Some(t0 + 300 * MS));
        conv.handle_timeout(t0 + 299 * MS);
        assert!(
            audio(&drain(&mut conv)).is_empty(),
            "nothing before the delay"
        );
        // Both due by then: merged (320 bytes), split into 240 + 80, ids in order.
        conv.handle_timeout(t0 + 320 * MS);
        let got = audio(&drain(&mut conv));
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0, got[1].0), (1, 2));
        assert_eq!(got[0].1.len(), 240);
        let back: Vec<u8> = got.iter().flat_map(|(_, x)| x.clone()).collect();
        assert_eq!(back, [a, b].concat(), "byte for byte");
        let n = conv.take_counts();
        assert_eq!((n.audio_chunks_in, n.audio_bytes_in), (2, 320));
        assert_eq!((n.audio_events_out, n.audio_bytes_out), (2, 320));
        assert_eq!(conv.poll_timeout(), None);
    }

    #[test]
    fn pings_count_up_match_pongs_and_report_the_round_trip() {
        let t0 = Instant::now();
        let mut c = cfg(SimMode::Echo);
        c.ping_interval = Some(Duration::from_secs(2));
        let mut conv = started(c, INIT, t0);
        drain(&mut conv);
        assert_eq!(conv.poll_timeout(), Some(t0 + 2000 * MS));
        conv.handle_timeout(t0 + 2000 * MS);
        let out = drain(&mut conv);
        assert_eq!(
            sent(&out),
            [&ServerMessage::Ping {
                event_id: 1,
                ping_ms: None
            }]
        );
        conv.handle_text(r#"{"type":"pong","event_id":1}"#, t0 + 2035 * MS);
        conv.handle_text(r#"{"type":"pong","event_id":1}"#, t0 + 2036 * MS);
        // On time, the next ping keeps the 2 s grid; one 3 s late starts a new grid from then.
        conv.handle_timeout(t0 + 4000 * MS);
        let out = drain(&mut conv);
        assert_eq!(
            sent(&out),
            [&ServerMessage::Ping {
                event_id: 2,
                ping_ms: Some(35)
            }]
        );
        conv.handle_timeout(t0 + 9000 * MS);
        drain(&mut conv);
        assert_eq!(conv.poll_timeout(), Some(t0 + 11000 * MS));
        let n = conv.take_counts();
        assert_eq!(n.pings_sent, 3);
        assert_eq!((n.pongs_received, n.pongs_unexpected), (1, 1));
        assert_eq!(n.max_ping_rtt_ms, 35);
        let (missing, line) = conv.finish(t0 + 9500 * MS);
        assert_eq!(missing, 2);
        assert!(
            line.ends_with("ended after 9.5 s (closed): 0 chunks in, 0 audio events out, 1 pong (2 missing), 0 interruptions"),
            "{line}"
        );
    }

    /// Feed `ms` of speech or silence in 20 ms frames from `*t`; the outputs.
    fn talk(
        conv: &mut SimConversation,
        gen: &mut SineGen,
        t: &mut Instant,
        loud: bool,
        ms: u64,
    ) -> Vec<SimOutput> {
        let mut out = Vec::new();
        for _ in 0..ms / 20 {
            conv.handle_text(&chunk(&frame(loud, gen)), *t);
            conv.handle_timeout(*t);
            out.extend(drain(conv));
            *t += 20 * MS;
        }
        out
    }

    #[test]
    fn tone_answers_each_turn_after_the_delay_from_the_real_end_of_speech_in_real_time() {
        let t0 = Instant::now();
        let mut conv = started(cfg(SimMode::Tone), INIT, t0);
        drain(&mut conv);
        let mut gen = SineGen::new(300.0, 8000, 0.5);
        let mut t = t0;
        talk(&mut conv, &mut gen, &mut t, true, 600);
        // The VAD needs 700 ms of silence to call the end; the reply is due 300 ms after the
        // last voiced sample, which is already past then: at once.
        let out = talk(&mut conv, &mut gen, &mut t, false, 720);
        let transcript = sent(&out)
            .into_iter()
            .find_map(|m| match m {
                ServerMessage::UserTranscript { text } => Some(text.clone()),
                _ => None,
            })
            .expect("a transcript at the end of the turn");
        assert_eq!(transcript, "(simulated transcript of 0.6 s of speech)");
        let msgs = sent(&out);
        let said = msgs
            .iter()
            .position(|m| matches!(m, ServerMessage::AgentResponse { text } if text == "(a 440 Hz tone for 1.0 s)"))
            .expect("the reply");
        // Real time: one 100 ms chunk (800 bytes) now, the next 100 ms later.
        let first = audio(&out);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].1.len(), 800);
        assert!(said < msgs.len() - 1);
        let due = conv.poll_timeout().unwrap();
        assert!(
            due > t - 20 * MS && due <= t + 100 * MS,
            "next chunk in real time"
        );
        // The whole second arrives over a second, ten chunks of 800 bytes.
        let mut n = 1;
        let mut at = t;
        while n < 10 {
            at += 20 * MS;
            conv.handle_timeout(at);
            n += audio(&drain(&mut conv)).len();
        }
        assert!(at >= t + 800 * MS, "ten chunks took only {:?}", at - t);
        assert_eq!(conv.poll_timeout(), None);
    }

    #[test]
    fn a_burst_tone_comes_at_once_and_barge_in_interrupts_it_with_a_correction() {
        let t0 = Instant::now();
        let mut c = cfg(SimMode::Tone);
        c.tone_burst = false;
        c.interrupt_on_speech = true;
        let init = r#"{"type":"conversation_initiation_client_data","conversation_config_override":{"agent":{"first_message":"Welcome to the simulated agent"}}}"#;
        let mut conv = started(c, init, t0);
        drain(&mut conv);
        // The greeting's tone plays in real time: 3 chunks of 10 by 200 ms.
        conv.handle_timeout(t0);
        conv.handle_timeout(t0 + 100 * MS);
        conv.handle_timeout(t0 + 200 * MS);
        let played = audio(&drain(&mut conv));
        assert_eq!(played.len(), 3);
        let last_id = played[2].0;
        // The caller talks over it: interruption with the last audio id, a correction with the
        // part said (3 of 10 chunks), and the rest of the tone dropped.
        let mut gen = SineGen::new(300.0, 8000, 0.5);
        let mut t = t0 + 220 * MS;
        let out = talk(&mut conv, &mut gen, &mut t, true, 100);
        let msgs = sent(&out);
        assert!(msgs.contains(&&ServerMessage::Interruption { event_id: last_id }));
        let original = "Welcome to the simulated agent".to_string();
        let corrected: String = original.chars().take(9).collect();
        assert!(msgs.contains(&&ServerMessage::AgentResponseCorrection {
            original,
            corrected
        }));
        assert!(audio(&out).is_empty(), "no more greeting audio");
        assert_eq!(conv.take_counts().interruptions, 1);

        // Burst: the whole reply in one go.
        let mut c = cfg(SimMode::Tone);
        c.tone_burst = true;
        let mut conv = started(c, INIT, t0);
        drain(&mut conv);
        let mut t = t0;
        let mut out = talk(&mut conv, &mut gen, &mut t, true, 400);
        out.extend(talk(&mut conv, &mut gen, &mut t, false, 720));
        assert_eq!(audio(&out).len(), 10, "all ten chunks at once");
    }

    #[test]
    fn the_agent_ends_the_call_when_told_and_a_client_close_is_the_reason_reported() {
        let t0 = Instant::now();
        let mut c = cfg(SimMode::Echo);
        c.end_after = Some(Duration::from_secs(5));
        let mut conv = started(c, INIT, t0);
        drain(&mut conv);
        assert_eq!(conv.poll_timeout(), Some(t0 + 5000 * MS));
        conv.handle_timeout(t0 + 5000 * MS);
        assert_eq!(
            drain(&mut conv),
            [SimOutput::Close {
                code: CLOSE_NORMAL,
                reason: "Conversation ended"
            }]
        );
        assert_eq!(conv.close_note(), "agent ended the conversation");

        let mut conv = started(cfg(SimMode::Echo), INIT, t0);
        conv.client_closed(Some(1000));
        conv.send_failed();
        assert_eq!(conv.close_note(), "client closed (1000)");
        let mut conv = started(cfg(SimMode::Echo), INIT, t0);
        conv.send_failed();
        assert_eq!(conv.close_note(), "send failed: the connection went away");
        let mut conv = started(cfg(SimMode::Echo), INIT, t0);
        conv.connection_ended(None);
        assert_eq!(conv.close_note(), "connection ended");
        let mut conv = started(cfg(SimMode::Echo), INIT, t0);
        drain(&mut conv);
        conv.shut_down();
        assert_eq!(
            drain(&mut conv),
            [SimOutput::Close {
                code: CLOSE_NORMAL,
                reason: "Simulator shutting down"
            }]
        );
        assert_eq!(count(1, "pong", "pongs"), "1 pong");
        assert_eq!(count(12, "chunk in", "chunks in"), "12 chunks in");
    }

    #[test]
    fn pcm16_audio_split_on_an_odd_byte_is_heard_whole() {
        let t0 = Instant::now();
        let mut c = cfg(SimMode::Echo);
        c.format = AudioFormat {
            encoding: Encoding::Pcm16,
            sample_rate: 16000,
        };
        let mut conv = started(c, INIT, t0);
        drain(&mut conv);
        conv.handle_text(&chunk(&[1, 2, 3]), t0);
        conv.handle_text(&chunk(&[4, 5, 6, 7]), t0);
        assert_eq!(
            conv.samples_in, 3,
            "3 + 4 bytes: three samples, one byte left"
        );
        assert_eq!(conv.odd_byte, Some(7));
    }
}
