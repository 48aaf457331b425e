//! The agent side of one call, sans-IO, shared by both of serve's transports: caller audio (in
//! the channel's format) in, `user_audio_chunk`s out; agent messages in, agent audio in the
//! channel's format, barge-in, replies and events out. The RTP engine
//! ([`crate::media::call_media::CallMedia`]) and the chan_websocket engine
//! ([`crate::media::ws_call_media::WsCallMedia`]) wrap it with what differs: RTP parsing and
//! keepalive silence on one side, frame counters on the other.
//!
//! Formats: when the channel's codec and the agent's format are the same (µ-law with
//! `ulaw_8000`, A-law with `alaw_8000`, little-endian 16 kHz samples with `pcm_16000`), bytes
//! pass through untouched and [`AgentSideStats::resampled_samples_in`] /
//! [`AgentSideStats::resampled_samples_out`] stay 0. Anything else is converted with the G.711
//! codec and the band-limited resampler.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::agent::proto::{
    encode_user_audio_chunk, AudioFormat, ClientMessage, Encoding, ServerMessage, Transcript,
};
use crate::media::call_media::{MediaError, MediaEvent};
use crate::media::echo::{EchoMatcher, SampleLog, Spread};
use crate::media::g711;
use crate::media::resample::Resampler;
use crate::media::tone::{Vad, VadConfig, VadEvent};

/// How far back an echo of the caller's audio is looked for (see [`EchoMatcher::new`]).
const ECHO_WINDOW: Duration = Duration::from_millis(1500);
/// Exact samples kept per figure and call.
pub(crate) const SAMPLE_CAP: usize = 4096;

/// The caller's channel's audio encoding (RTP payload or chan_websocket frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelCodec {
    Ulaw,
    Alaw,
    /// 16-bit linear PCM at `rate` Hz: big-endian on RTP (L16), little-endian on
    /// chan_websocket (Asterisk's host order).
    Linear {
        rate: u32,
        big_endian: bool,
    },
}

impl ChannelCodec {
    pub fn sample_rate(self) -> u32 {
        match self {
            ChannelCodec::Ulaw | ChannelCodec::Alaw => 8000,
            ChannelCodec::Linear { rate, .. } => rate,
        }
    }

    fn decode(self, bytes: &[u8], out: &mut Vec<i16>) {
        match self {
            ChannelCodec::Ulaw => g711::ulaw_to_pcm(bytes, out),
            ChannelCodec::Alaw => g711::alaw_to_pcm(bytes, out),
            ChannelCodec::Linear {
                big_endian: true, ..
            } => {
                g711::l16be_from_bytes(bytes, out);
            }
            ChannelCodec::Linear { .. } => {
                g711::pcm16le_from_bytes(bytes, out);
            }
        }
    }

    fn encode(self, pcm: &[i16], out: &mut Vec<u8>) {
        match self {
            ChannelCodec::Ulaw => g711::pcm_to_ulaw(pcm, out),
            ChannelCodec::Alaw => g711::pcm_to_alaw(pcm, out),
            ChannelCodec::Linear {
                big_endian: true, ..
            } => g711::l16be_to_bytes(pcm, out),
            ChannelCodec::Linear { .. } => g711::pcm16le_to_bytes(pcm, out),
        }
    }

    /// Whether the agent's format is byte for byte this codec.
    fn is(self, agent: AudioFormat) -> bool {
        match self {
            ChannelCodec::Ulaw => agent == AudioFormat::ULAW_8000,
            ChannelCodec::Alaw => agent == AudioFormat::ALAW_8000,
            ChannelCodec::Linear {
                rate,
                big_endian: false,
            } => agent.encoding == Encoding::Pcm16 && agent.sample_rate == rate,
            ChannelCodec::Linear { .. } => false,
        }
    }
}

/// What the agent side wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentOutput {
    /// Send this JSON text frame to the agent.
    Agent(String),
    /// Agent audio in the channel's codec, to be played to the caller.
    Play {
        event_id: u64,
        audio: Vec<u8>,
        /// When the agent's message arrived.
        arrived: Instant,
        /// When the caller audio it echoes arrived (echo agents, when echo timing is on).
        origin: Option<Instant>,
    },
    /// The agent interrupted itself: drop what is queued for the caller, and its audio with
    /// event ids up to this one still in flight.
    Interrupt { event_id: u64 },
    /// Something worth logging or recording happened.
    Event(MediaEvent),
}

/// Counters of the agent side.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct AgentSideStats {
    /// Caller audio sent to the agent, in the agent's input format.
    pub agent_chunks_out: u64,
    pub agent_bytes_out: u64,
    pub agent_audio_events: u64,
    /// Agent audio bytes received (the agent's output format).
    pub agent_audio_bytes: u64,
    /// Agent audio handed on for the caller, in the channel's codec.
    pub channel_bytes_out: u64,
    /// Samples that went through the resampler, caller -> agent and agent -> caller.
    pub resampled_samples_in: u64,
    pub resampled_samples_out: u64,
    /// Bytes passed through untouched (no decode, no resampling), each way.
    pub passthrough_bytes_in: u64,
    pub passthrough_bytes_out: u64,
    pub pings: u64,
    pub last_ping_ms: Option<u64>,
    pub interruptions: u64,
    /// Agent response latencies (caller's end of speech to first agent audio), ms.
    pub response_latency_ms: Vec<f64>,
    /// The level of the last agent audio message received (dBFS).
    pub agent_level_dbfs: f64,
}

pub struct AgentSide {
    channel: ChannelCodec,
    agent_in: AudioFormat,
    agent_out: AudioFormat,
    started: Instant,
    passthrough_in: bool,
    passthrough_out: bool,
    up: Option<Resampler>,
    down: Option<Resampler>,
    chunk_bytes: usize,
    chunk: Vec<u8>,
    /// When the caller audio with the first byte in `chunk` arrived.
    chunk_arrived: Option<Instant>,
    /// Echo timing (RTP): `None` when off.
    echo: Option<EchoMatcher>,
    echo_loop: SampleLog,
    pcm: Vec<i16>,
    pcm_resampled: Vec<i16>,
    vad: Vad,
    vad_events: Vec<VadEvent>,
    caller_speaking: bool,
    speech_end_at: Option<Instant>,
    transcript: Transcript,
    stats: AgentSideStats,
    out: VecDeque<AgentOutput>,
}

impl AgentSide {
    /// `chunk`: duration of each `user_audio_chunk`. `echo`: time echo agents by content
    /// (costs a search per agent message).
    pub fn new(
        channel: ChannelCodec,
        agent_in: AudioFormat,
        agent_out: AudioFormat,
        chunk: Duration,
        echo: bool,
        now: Instant,
    ) -> Result<Self, MediaError> {
        let rate = channel.sample_rate();
        let resampler = |from: u32, to: u32, fmt: AudioFormat| {
            if from == to {
                return Ok(None);
            }
            Resampler::new(from, to)
                .map(Some)
                .map_err(|e| MediaError::Unservable {
                    agent: fmt.name(),
                    rtp: format!("{channel:?}"),
                    reason: e.to_string(),
                })
        };
        let chunk_bytes = agent_in
            .bytes_for_ms(chunk.as_millis().max(1) as u32)
            .max(1);
        Ok(AgentSide {
            channel,
            agent_in,
            agent_out,
            started: now,
            passthrough_in: channel.is(agent_in),
            passthrough_out: channel.is(agent_out),
            up: resampler(rate, agent_in.sample_rate, agent_in)?,
            down: resampler(agent_out.sample_rate, rate, agent_out)?,
            chunk_bytes,
            chunk: Vec::with_capacity(chunk_bytes * 2),
            chunk_arrived: None,
            echo: echo.then(|| EchoMatcher::new(chunk_bytes, ECHO_WINDOW)),
            echo_loop: SampleLog::new(SAMPLE_CAP),
            pcm: Vec::with_capacity(1024),
            pcm_resampled: Vec::with_capacity(2048),
            vad: Vad::new(VadConfig::for_rate(rate)),
            vad_events: Vec::new(),
            caller_speaking: false,
            speech_end_at: None,
            transcript: Transcript::new(),
            stats: AgentSideStats {
                agent_level_dbfs: crate::media::tone::DBFS_FLOOR,
                ..AgentSideStats::default()
            },
            out: VecDeque::new(),
        })
    }

    /// Whether caller audio reaches the agent byte for byte.
    pub fn passthrough_in(&self) -> bool {
        self.passthrough_in
    }

    /// Whether agent audio reaches the channel byte for byte.
    pub fn passthrough_out(&self) -> bool {
        self.passthrough_out
    }

    /// Caller audio in the channel's codec, arrived at `now`.
    pub fn caller_audio(&mut self, now: Instant, audio: &[u8]) {
        self.pcm.clear();
        self.channel.decode(audio, &mut self.pcm);
        self.run_vad(now);
        if self.chunk.is_empty() {
            self.chunk_arrived = Some(now);
        }
        if self.passthrough_in {
            self.chunk.extend_from_slice(audio);
            self.stats.passthrough_bytes_in += audio.len() as u64;
        } else {
            let pcm: &[i16] = match &mut self.up {
                Some(r) => {
                    self.stats.resampled_samples_in += self.pcm.len() as u64;
                    self.pcm_resampled.clear();
                    r.process(&self.pcm, &mut self.pcm_resampled);
                    &self.pcm_resampled
                }
                None => &self.pcm,
            };
            encode_agent(self.agent_in.encoding, pcm, &mut self.chunk);
        }
        while self.chunk.len() >= self.chunk_bytes {
            let piece = &self.chunk[..self.chunk_bytes];
            let msg = encode_user_audio_chunk(piece);
            if let Some(echo) = &mut self.echo {
                echo.sent(now, self.chunk_arrived.unwrap_or(now), piece);
            }
            self.chunk.drain(..self.chunk_bytes);
            // What is left came with the audio just received.
            self.chunk_arrived = (!self.chunk.is_empty()).then_some(now);
            self.stats.agent_chunks_out += 1;
            self.stats.agent_bytes_out += self.chunk_bytes as u64;
            self.out.push_back(AgentOutput::Agent(msg));
        }
    }

    /// One chunk of silence in the agent's input format, for a transport that must keep the
    /// agent fed while the caller's side sends nothing.
    pub fn silence_chunk(&self) -> String {
        let b = match self.agent_in.encoding {
            Encoding::Pcm16 => 0,
            Encoding::Ulaw => g711::ULAW_SILENCE,
            Encoding::Alaw => g711::ALAW_SILENCE,
        };
        encode_user_audio_chunk(&vec![b; self.chunk_bytes])
    }

    fn run_vad(&mut self, now: Instant) {
        self.vad_events.clear();
        self.vad.push(&self.pcm, &mut self.vad_events);
        for ev in self.vad_events.drain(..) {
            match ev {
                VadEvent::SpeechStart { .. } => {
                    self.caller_speaking = true;
                    self.speech_end_at = None;
                    self.out
                        .push_back(AgentOutput::Event(MediaEvent::CallerSpeech {
                            speaking: true,
                        }));
                }
                VadEvent::SpeechEnd { at } => {
                    self.caller_speaking = false;
                    // The end is reported a hangover later; date it back to the last voiced sample.
                    let rate = self.channel.sample_rate() as u64;
                    let behind = self.vad.samples_seen().saturating_sub(at);
                    let ago = Duration::from_nanos(behind * 1_000_000_000 / rate.max(1));
                    self.speech_end_at = Some(now.checked_sub(ago).unwrap_or(now));
                    self.out
                        .push_back(AgentOutput::Event(MediaEvent::CallerSpeech {
                            speaking: false,
                        }));
                }
            }
        }
    }

    /// A message from the agent arrived.
    pub fn handle_agent(&mut self, now: Instant, msg: &ServerMessage) {
        let at_ms = now.duration_since(self.started).as_millis() as u64;
        self.transcript.observe(msg, at_ms);
        match msg {
            ServerMessage::Audio { event_id, audio } => {
                self.stats.agent_audio_events += 1;
                self.stats.agent_audio_bytes += audio.len() as u64;
                let echo = self.echo.as_mut().and_then(|e| e.find(now, audio));
                if let Some(m) = echo {
                    self.echo_loop
                        .push(ms_f64(now.saturating_duration_since(m.sent)));
                }
                // An echo of what the caller said before the end of speech is not the
                // answer to it.
                let old_echo =
                    matches!((echo, self.speech_end_at), (Some(m), Some(end)) if m.sent < end);
                if let Some(end) = self.speech_end_at.filter(|_| !old_echo) {
                    self.speech_end_at = None;
                    let latency = now.saturating_duration_since(end);
                    self.stats
                        .response_latency_ms
                        .push(latency.as_secs_f64() * 1000.0);
                    self.out
                        .push_back(AgentOutput::Event(MediaEvent::AgentResponse { latency }));
                }
                // The output meter: one decode per agent message (not per frame).
                self.pcm.clear();
                decode_agent(self.agent_out.encoding, audio, &mut self.pcm);
                self.stats.agent_level_dbfs = crate::media::tone::rms_dbfs(&self.pcm);
                let bytes = if self.passthrough_out {
                    self.stats.passthrough_bytes_out += audio.len() as u64;
                    audio.clone()
                } else {
                    let pcm: &[i16] = match &mut self.down {
                        Some(r) => {
                            self.stats.resampled_samples_out += self.pcm.len() as u64;
                            self.pcm_resampled.clear();
                            r.process(&self.pcm, &mut self.pcm_resampled);
                            &self.pcm_resampled
                        }
                        None => &self.pcm,
                    };
                    let mut b = Vec::with_capacity(pcm.len() * 2);
                    self.channel.encode(pcm, &mut b);
                    b
                };
                self.stats.channel_bytes_out += bytes.len() as u64;
                self.out.push_back(AgentOutput::Play {
                    event_id: *event_id,
                    audio: bytes,
                    arrived: now,
                    origin: echo.filter(|m| m.offset == 0).map(|m| m.arrived),
                });
            }
            ServerMessage::Interruption { event_id } => {
                self.stats.interruptions += 1;
                self.out.push_back(AgentOutput::Interrupt {
                    event_id: *event_id,
                });
                self.out
                    .push_back(AgentOutput::Event(MediaEvent::Interrupted {
                        event_id: *event_id,
                    }));
            }
            ServerMessage::Ping { ping_ms, .. } => {
                self.stats.pings += 1;
                if ping_ms.is_some() {
                    self.stats.last_ping_ms = *ping_ms;
                }
                if let Some(pong) = ClientMessage::pong_for(msg) {
                    self.out.push_back(AgentOutput::Agent(pong.to_json()));
                }
            }
            ServerMessage::ClientToolCall { .. } => {
                if let Some(reply) = ClientMessage::tool_not_configured(msg) {
                    self.out.push_back(AgentOutput::Agent(reply.to_json()));
                }
            }
            ServerMessage::Error { .. } => {
                self.out
                    .push_back(AgentOutput::Event(MediaEvent::AgentError {
                        message: msg.to_json(),
                    }));
            }
            _ => {}
        }
    }

    pub fn poll_output(&mut self) -> Option<AgentOutput> {
        self.out.pop_front()
    }

    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    pub fn stats(&self) -> &AgentSideStats {
        &self.stats
    }

    pub fn caller_speaking(&self) -> bool {
        self.caller_speaking
    }

    /// The caller's level in the VAD's last frame (dBFS).
    pub fn caller_level_dbfs(&self) -> f64 {
        self.vad.level_dbfs()
    }

    /// Echo agents: a chunk of caller audio sent -> the agent's message with it received.
    pub fn echo_loop(&self) -> Option<Spread> {
        self.echo_loop.spread()
    }
}

pub(crate) fn ms_f64(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn encode_agent(enc: Encoding, pcm: &[i16], out: &mut Vec<u8>) {
    match enc {
        Encoding::Pcm16 => g711::pcm16le_to_bytes(pcm, out),
        Encoding::Ulaw => g711::pcm_to_ulaw(pcm, out),
        Encoding::Alaw => g711::pcm_to_alaw(pcm, out),
    }
}

fn decode_agent(enc: Encoding, bytes: &[u8], out: &mut Vec<i16>) {
    match enc {
        Encoding::Pcm16 => {
            g711::pcm16le_from_bytes(bytes, out);
        }
        Encoding::Ulaw => g711::ulaw_to_pcm(bytes, out),
        Encoding::Alaw => g711::alaw_to_pcm(bytes, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(channel: ChannelCodec, agent: AudioFormat, t0: Instant) -> AgentSide {
        AgentSide::new(channel, agent, agent, Duration::from_millis(20), false, t0).unwrap()
    }

    #[test]
    fn little_endian_16_khz_passes_through_and_big_endian_is_converted() {
        let t0 = Instant::now();
        let le = ChannelCodec::Linear {
            rate: 16000,
            big_endian: false,
        };
        let mut s = side(le, AudioFormat::PCM_16000, t0);
        let frame: Vec<u8> = (0..640).map(|i| (i % 7) as u8).collect();
        s.caller_audio(t0, &frame);
        let Some(AgentOutput::Agent(text)) = s.poll_output() else {
            panic!("a chunk for the agent")
        };
        assert!(text.contains("user_audio_chunk"));
        assert_eq!(s.stats().passthrough_bytes_in, 640);
        assert_eq!(s.stats().resampled_samples_in, 0);
        s.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 3,
                audio: frame.clone(),
            },
        );
        match s.poll_output() {
            Some(AgentOutput::Play {
                event_id, audio, ..
            }) => {
                assert_eq!(event_id, 3);
                assert_eq!(audio, frame, "untouched");
            }
            o => panic!("expected audio to play, got {o:?}"),
        }
        // RTP's L16 is big-endian: the same agent format is byte-swapped, not resampled.
        let be = ChannelCodec::Linear {
            rate: 16000,
            big_endian: true,
        };
        let mut s = side(be, AudioFormat::PCM_16000, t0);
        s.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 1,
                audio: vec![1, 2, 3, 4],
            },
        );
        match s.poll_output() {
            Some(AgentOutput::Play { audio, .. }) => assert_eq!(audio, vec![2, 1, 4, 3]),
            o => panic!("expected audio to play, got {o:?}"),
        }
        assert_eq!(s.stats().resampled_samples_out, 0);
        assert_eq!(s.stats().passthrough_bytes_out, 0);
    }

    #[test]
    fn an_interruption_asks_to_flush_before_it_is_reported() {
        let t0 = Instant::now();
        let mut s = side(ChannelCodec::Ulaw, AudioFormat::ULAW_8000, t0);
        s.handle_agent(t0, &ServerMessage::Interruption { event_id: 9 });
        assert_eq!(
            s.poll_output(),
            Some(AgentOutput::Interrupt { event_id: 9 })
        );
        assert_eq!(
            s.poll_output(),
            Some(AgentOutput::Event(MediaEvent::Interrupted { event_id: 9 }))
        );
        assert_eq!(s.stats().interruptions, 1);
    }

    #[test]
    fn silence_chunks_are_one_chunk_of_the_agents_silence() {
        let t0 = Instant::now();
        let s = side(ChannelCodec::Ulaw, AudioFormat::PCM_16000, t0);
        let v: serde_json::Value = serde_json::from_str(&s.silence_chunk()).unwrap();
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(v["user_audio_chunk"].as_str().unwrap())
            .unwrap();
        assert_eq!(bytes.len(), 640, "20 ms of 16 kHz 16-bit samples");
        assert!(bytes.iter().all(|&b| b == 0));
    }
}
