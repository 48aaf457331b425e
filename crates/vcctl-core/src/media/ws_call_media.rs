//! The agent side of one call whose Asterisk leg is chan_websocket (`serve --transport
//! websocket`), sans-IO: caller frames (in the channel's format) in, `user_audio_chunk`s out;
//! agent messages in, channel audio, barge-in and replies out. The WebSocket side (whole
//! frames, flow control, marks, flushes) is [`crate::chan_websocket::MediaLink`]; this
//! engine only converts audio and speaks the agent protocol.
//!
//! Formats: with the channel in `ulaw` and an agent speaking `ulaw_8000`, or the channel in
//! `slin16` (little-endian on chan_websocket) and an agent speaking `pcm_16000`, bytes pass
//! through both ways untouched; [`WsMediaStats::resampled_samples_in`] and
//! [`WsMediaStats::resampled_samples_out`] stay 0, which is what proves it. Any other agent
//! format is converted with the G.711 codec and the band-limited resampler.
//!
//! No keepalive silence: a bridged chan_websocket channel sends a frame every 20 ms.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::agent::proto::{
    encode_user_audio_chunk, AudioFormat, ClientMessage, Encoding, ServerMessage, Transcript,
};
use crate::chan_websocket::{LinkEvent, MediaFormat};
use crate::media::call_media::{MediaError, MediaEvent};
use crate::media::g711;
use crate::media::resample::Resampler;
use crate::media::tone::{rms_dbfs, Vad, VadConfig, VadEvent, DBFS_FLOOR};

/// What the engine wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum WsOutput {
    /// Send this JSON text frame to the agent.
    Agent(String),
    /// Agent audio in the channel's format: hand it to the link (`push_audio`).
    Channel(Vec<u8>),
    /// The agent interrupted itself: flush Asterisk's queue now (`interrupt`).
    Interrupt,
    /// Something worth logging or recording happened.
    Event(MediaEvent),
}

/// Counters of one call's agent side, for `/calls`, records and metrics.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct WsMediaStats {
    /// Caller frames from Asterisk and their bytes (channel format).
    pub caller_frames: u64,
    pub caller_bytes: u64,
    /// Caller audio sent to the agent, in the agent's input format.
    pub agent_chunks_out: u64,
    pub agent_bytes_out: u64,
    pub agent_audio_events: u64,
    /// Decoded agent audio bytes (the agent's output format).
    pub agent_audio_bytes: u64,
    /// Agent audio handed to the channel, in the channel's format.
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
    /// Level of the last caller frame and of the last agent `audio` event (dBFS, as on the
    /// RTP path: [`crate::media::call_media::MediaStats`]).
    pub caller_level_dbfs: f64,
    pub agent_level_dbfs: f64,
    /// The caller is speaking now (VAD, with its debounce and hangover).
    pub caller_speaking: bool,
    /// Agent audio is playing to the caller now: from Asterisk dequeuing a response's first
    /// frame to its last (or the flush that cut it), as the link's marks report it.
    pub agent_speaking: bool,
}

pub struct WsCallMedia {
    channel: MediaFormat,
    agent_in: AudioFormat,
    agent_out: AudioFormat,
    started: Instant,
    passthrough_in: bool,
    passthrough_out: bool,
    up: Option<Resampler>,
    down: Option<Resampler>,
    chunk_bytes: usize,
    chunk: Vec<u8>,
    pcm: Vec<i16>,
    pcm_resampled: Vec<i16>,
    vad: Vad,
    vad_events: Vec<VadEvent>,
    caller_speaking: bool,
    speech_end_at: Option<Instant>,
    transcript: Transcript,
    stats: WsMediaStats,
    out: VecDeque<WsOutput>,
}

fn channel_is(channel: MediaFormat, agent: AudioFormat) -> bool {
    match channel {
        MediaFormat::Ulaw => agent == AudioFormat::ULAW_8000,
        MediaFormat::Slin16 => agent == AudioFormat::PCM_16000,
        _ => false,
    }
}

impl WsCallMedia {
    /// `chunk`: duration of each `user_audio_chunk`.
    pub fn new(
        channel: MediaFormat,
        agent_in: AudioFormat,
        agent_out: AudioFormat,
        chunk: Duration,
        now: Instant,
    ) -> Result<Self, MediaError> {
        let rate = channel.sample_rate();
        let unservable = |fmt: AudioFormat, reason: String| MediaError::Unservable {
            agent: fmt.name(),
            rtp: channel.name().to_string(),
            reason,
        };
        if !matches!(channel, MediaFormat::Ulaw | MediaFormat::Slin16) {
            return Err(unservable(agent_in, "serve speaks ulaw or slin16".into()));
        }
        let resampler = |from: u32, to: u32, fmt: AudioFormat| {
            if from == to {
                return Ok(None);
            }
            Resampler::new(from, to)
                .map(Some)
                .map_err(|e| unservable(fmt, e.to_string()))
        };
        let chunk_bytes = agent_in
            .bytes_for_ms(chunk.as_millis().max(1) as u32)
            .max(1);
        Ok(WsCallMedia {
            channel,
            agent_in,
            agent_out,
            started: now,
            passthrough_in: channel_is(channel, agent_in),
            passthrough_out: channel_is(channel, agent_out),
            up: resampler(rate, agent_in.sample_rate, agent_in)?,
            down: resampler(agent_out.sample_rate, rate, agent_out)?,
            chunk_bytes,
            chunk: Vec::with_capacity(chunk_bytes * 2),
            pcm: Vec::with_capacity(1024),
            pcm_resampled: Vec::with_capacity(2048),
            vad: Vad::new(VadConfig::for_rate(rate)),
            vad_events: Vec::new(),
            caller_speaking: false,
            speech_end_at: None,
            transcript: Transcript::new(),
            stats: WsMediaStats {
                caller_level_dbfs: DBFS_FLOOR,
                agent_level_dbfs: DBFS_FLOOR,
                ..WsMediaStats::default()
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

    /// One caller frame from Asterisk (channel format).
    pub fn handle_caller(&mut self, now: Instant, frame: &[u8]) {
        self.stats.caller_frames += 1;
        self.stats.caller_bytes += frame.len() as u64;
        self.pcm.clear();
        match self.channel {
            MediaFormat::Ulaw => g711::ulaw_to_pcm(frame, &mut self.pcm),
            _ => {
                g711::pcm16le_from_bytes(frame, &mut self.pcm);
            }
        }
        self.run_vad(now);
        self.stats.caller_level_dbfs = self.vad.level_dbfs();
        if self.passthrough_in {
            self.chunk.extend_from_slice(frame);
            self.stats.passthrough_bytes_in += frame.len() as u64;
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
            encode(self.agent_in.encoding, pcm, &mut self.chunk);
        }
        while self.chunk.len() >= self.chunk_bytes {
            let msg = encode_user_audio_chunk(&self.chunk[..self.chunk_bytes]);
            self.chunk.drain(..self.chunk_bytes);
            self.stats.agent_chunks_out += 1;
            self.stats.agent_bytes_out += self.chunk_bytes as u64;
            self.out.push_back(WsOutput::Agent(msg));
        }
    }

    fn run_vad(&mut self, now: Instant) {
        self.vad_events.clear();
        self.vad.push(&self.pcm, &mut self.vad_events);
        for ev in self.vad_events.drain(..) {
            match ev {
                VadEvent::SpeechStart { .. } => {
                    self.caller_speaking = true;
                    self.stats.caller_speaking = true;
                    self.speech_end_at = None;
                    self.out
                        .push_back(WsOutput::Event(MediaEvent::CallerSpeech { speaking: true }));
                }
                VadEvent::SpeechEnd { at } => {
                    self.caller_speaking = false;
                    self.stats.caller_speaking = false;
                    // Reported a hangover late: date it back to the last voiced sample.
                    let rate = self.channel.sample_rate() as u64;
                    let behind = self.vad.samples_seen().saturating_sub(at);
                    let ago = Duration::from_nanos(behind * 1_000_000_000 / rate.max(1));
                    self.speech_end_at = Some(now.checked_sub(ago).unwrap_or(now));
                    self.out
                        .push_back(WsOutput::Event(MediaEvent::CallerSpeech {
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
            ServerMessage::Audio { audio, .. } => {
                self.stats.agent_audio_events += 1;
                self.stats.agent_audio_bytes += audio.len() as u64;
                if let Some(end) = self.speech_end_at.take() {
                    let latency = now.saturating_duration_since(end);
                    self.stats
                        .response_latency_ms
                        .push(latency.as_secs_f64() * 1000.0);
                    self.out
                        .push_back(WsOutput::Event(MediaEvent::AgentResponse { latency }));
                }
                // The output meter: one decode per agent message (not per frame).
                self.pcm.clear();
                decode(self.agent_out.encoding, audio, &mut self.pcm);
                self.stats.agent_level_dbfs = rms_dbfs(&self.pcm);
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
                    match self.channel {
                        MediaFormat::Ulaw => g711::pcm_to_ulaw(pcm, &mut b),
                        _ => g711::pcm16le_to_bytes(pcm, &mut b),
                    }
                    b
                };
                if !bytes.is_empty() {
                    self.stats.channel_bytes_out += bytes.len() as u64;
                    self.out.push_back(WsOutput::Channel(bytes));
                }
            }
            ServerMessage::Interruption { event_id } => {
                self.stats.interruptions += 1;
                self.out.push_back(WsOutput::Interrupt);
                self.out.push_back(WsOutput::Event(MediaEvent::Interrupted {
                    event_id: *event_id,
                }));
            }
            ServerMessage::Ping { ping_ms, .. } => {
                self.stats.pings += 1;
                if ping_ms.is_some() {
                    self.stats.last_ping_ms = *ping_ms;
                }
                if let Some(pong) = ClientMessage::pong_for(msg) {
                    self.out.push_back(WsOutput::Agent(pong.to_json()));
                }
            }
            ServerMessage::ClientToolCall { .. } => {
                if let Some(reply) = ClientMessage::tool_not_configured(msg) {
                    self.out.push_back(WsOutput::Agent(reply.to_json()));
                }
            }
            ServerMessage::Error { .. } => {
                self.out.push_back(WsOutput::Event(MediaEvent::AgentError {
                    message: msg.to_json(),
                }));
            }
            _ => {}
        }
    }

    /// What the call's media link reported (the adapter passes every event on): whether agent
    /// audio is playing to the caller follows Asterisk's playout, not the agent's sending.
    pub fn note_link_event(&mut self, ev: &LinkEvent) {
        match ev {
            LinkEvent::ResponsePlaying { .. } => self.stats.agent_speaking = true,
            LinkEvent::ResponsePlayed { .. } | LinkEvent::ResponseInterrupted { .. } => {
                self.stats.agent_speaking = false
            }
            _ => {}
        }
    }

    pub fn poll_output(&mut self) -> Option<WsOutput> {
        self.out.pop_front()
    }

    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    pub fn stats(&self) -> &WsMediaStats {
        &self.stats
    }
}

fn encode(enc: Encoding, pcm: &[i16], out: &mut Vec<u8>) {
    match enc {
        Encoding::Pcm16 => g711::pcm16le_to_bytes(pcm, out),
        Encoding::Ulaw => g711::pcm_to_ulaw(pcm, out),
        Encoding::Alaw => g711::pcm_to_alaw(pcm, out),
    }
}

fn decode(enc: Encoding, bytes: &[u8], out: &mut Vec<i16>) {
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
    use crate::media::tone::{goertzel_power, SineGen};
    use base64::Engine;

    fn drain(m: &mut WsCallMedia) -> (Vec<Vec<u8>>, Vec<Vec<u8>>, usize) {
        let (mut chunks, mut channel, mut interrupts) = (vec![], vec![], 0);
        while let Some(o) = m.poll_output() {
            match o {
                WsOutput::Agent(j) => {
                    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
                    if let Some(s) = v["user_audio_chunk"].as_str() {
                        chunks.push(base64::engine::general_purpose::STANDARD.decode(s).unwrap());
                    }
                }
                WsOutput::Channel(b) => channel.push(b),
                WsOutput::Interrupt => interrupts += 1,
                WsOutput::Event(_) => {}
            }
        }
        (chunks, channel, interrupts)
    }

    fn tone(rate: u32, n: usize) -> Vec<i16> {
        let mut g = SineGen::new(1000.0, rate, 8000.0);
        let mut pcm = Vec::new();
        g.extend(n, &mut pcm);
        pcm
    }

    fn audio(bytes: Vec<u8>) -> ServerMessage {
        ServerMessage::Audio {
            event_id: 1,
            audio: bytes,
        }
    }

    #[test]
    fn slin16_and_pcm_16000_pass_through_both_ways_without_resampling() {
        let t0 = Instant::now();
        let mut m = WsCallMedia::new(
            MediaFormat::Slin16,
            AudioFormat::PCM_16000,
            AudioFormat::PCM_16000,
            Duration::from_millis(20),
            t0,
        )
        .unwrap();
        assert!(m.passthrough_in() && m.passthrough_out());
        let mut frame = Vec::new();
        g711::pcm16le_to_bytes(&tone(16000, 320), &mut frame);
        m.handle_caller(t0, &frame);
        let reply: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        m.handle_agent(t0, &audio(reply.clone()));
        let (chunks, channel, _) = drain(&mut m);
        assert_eq!(chunks, vec![frame.clone()]);
        assert_eq!(channel, vec![reply]);
        let s = m.stats();
        assert_eq!((s.resampled_samples_in, s.resampled_samples_out), (0, 0));
        assert_eq!(s.passthrough_bytes_in, 640);
        assert_eq!(s.passthrough_bytes_out, 1000);
    }

    #[test]
    fn ulaw_and_ulaw_8000_pass_through_untouched() {
        let t0 = Instant::now();
        let f = AudioFormat::ULAW_8000;
        let mut m =
            WsCallMedia::new(MediaFormat::Ulaw, f, f, Duration::from_millis(40), t0).unwrap();
        let frame: Vec<u8> = (0..160u32).map(|i| i as u8).collect();
        m.handle_caller(t0, &frame);
        assert!(drain(&mut m).0.is_empty(), "half a chunk is held");
        m.handle_caller(t0, &frame);
        let (chunks, _, _) = drain(&mut m);
        assert_eq!(chunks, vec![[frame.clone(), frame].concat()]);
        m.handle_agent(t0, &audio(vec![0x12; 333]));
        assert_eq!(drain(&mut m).1, vec![vec![0x12; 333]]);
        assert_eq!(
            m.stats().resampled_samples_in + m.stats().resampled_samples_out,
            0
        );
    }

    #[test]
    fn other_agent_formats_are_converted_and_counted() {
        let t0 = Instant::now();
        let mut m = WsCallMedia::new(
            MediaFormat::Ulaw,
            AudioFormat::PCM_16000,
            AudioFormat::PCM_16000,
            Duration::from_millis(20),
            t0,
        )
        .unwrap();
        assert!(!m.passthrough_in() && !m.passthrough_out());
        let mut out_pcm = Vec::new();
        g711::pcm16le_to_bytes(&tone(16000, 3200), &mut out_pcm);
        m.handle_agent(t0, &audio(out_pcm));
        let (_, channel, _) = drain(&mut m);
        let ulaw: Vec<u8> = channel.concat();
        // 200 ms at 16 kHz becomes about 200 ms of 8 kHz µ-law (less the filter's delay).
        assert!(ulaw.len() > 1400 && ulaw.len() <= 1600, "{}", ulaw.len());
        let mut pcm = Vec::new();
        g711::ulaw_to_pcm(&ulaw[400..], &mut pcm);
        assert!(goertzel_power(&pcm, 1000.0, 8000) > 100.0 * goertzel_power(&pcm, 2500.0, 8000));
        assert_eq!(m.stats().resampled_samples_out, 3200);
        let mut frame = Vec::new();
        g711::pcm_to_ulaw(&tone(8000, 160), &mut frame);
        m.handle_caller(t0, &frame);
        assert_eq!(m.stats().resampled_samples_in, 160);
    }

    #[test]
    fn an_interruption_asks_for_a_flush_at_once_and_pings_are_answered() {
        let t0 = Instant::now();
        let f = AudioFormat::ULAW_8000;
        let mut m =
            WsCallMedia::new(MediaFormat::Ulaw, f, f, Duration::from_millis(20), t0).unwrap();
        m.handle_agent(t0, &ServerMessage::Interruption { event_id: 4 });
        assert_eq!(m.poll_output(), Some(WsOutput::Interrupt));
        m.handle_agent(
            t0,
            &ServerMessage::Ping {
                event_id: 9,
                ping_ms: Some(12),
            },
        );
        let mut pong = false;
        while let Some(o) = m.poll_output() {
            if let WsOutput::Agent(j) = o {
                pong |= j.contains("pong") && j.contains('9');
            }
        }
        assert!(pong);
        assert_eq!(m.stats().last_ping_ms, Some(12));
        assert_eq!(m.stats().interruptions, 1);
    }

    #[test]
    fn levels_and_who_is_speaking_follow_the_caller_vad_and_asterisk_playout() {
        let t0 = Instant::now();
        let f = AudioFormat::ULAW_8000;
        let mut m =
            WsCallMedia::new(MediaFormat::Ulaw, f, f, Duration::from_millis(20), t0).unwrap();
        let s = m.stats();
        assert_eq!(
            (s.caller_level_dbfs, s.agent_level_dbfs),
            (DBFS_FLOOR, DBFS_FLOOR)
        );
        assert!(!s.caller_speaking && !s.agent_speaking);
        // 200 ms of a full-scale caller tone (a sine: -3 dBFS): speech after the
        // VAD's 60 ms debounce, and the input level is the tone's.
        let mut loud = Vec::new();
        g711::pcm_to_ulaw(&tone(8000, 1600), &mut loud);
        for (i, frame) in loud.chunks(160).enumerate() {
            m.handle_caller(t0 + Duration::from_millis(20 * i as u64), frame);
        }
        let s = m.stats();
        assert!(s.caller_speaking, "{s:?}");
        assert!(
            (s.caller_level_dbfs + 3.1).abs() < 0.5,
            "{}",
            s.caller_level_dbfs
        );
        // Then a second of silence: the hangover (700 ms) ends the speech, the level falls.
        for i in 0..50u64 {
            m.handle_caller(t0 + Duration::from_millis(200 + 20 * i), &[0xFF; 160]);
        }
        let s = m.stats();
        assert!(!s.caller_speaking, "{s:?}");
        assert!(s.caller_level_dbfs < -60.0, "{}", s.caller_level_dbfs);
        // The agent's audio sets the output level when it arrives (passthrough: decoded for
        // the meter only) ...
        m.handle_agent(t0, &audio(loud[..800].to_vec()));
        let s = m.stats().clone();
        assert!(
            (s.agent_level_dbfs + 3.1).abs() < 0.5,
            "{}",
            s.agent_level_dbfs
        );
        assert_eq!(drain(&mut m).1, vec![loud[..800].to_vec()]);
        // ... but the agent speaks only while Asterisk plays it, as the link's marks say.
        assert!(!s.agent_speaking);
        let at = t0 + Duration::from_millis(5);
        m.note_link_event(&LinkEvent::ResponsePlaying {
            response: 1,
            first_audio_at: t0,
            playing_at: at,
        });
        assert!(m.stats().agent_speaking);
        m.note_link_event(&LinkEvent::ResponsePlayed {
            response: 1,
            played_at: at,
        });
        assert!(!m.stats().agent_speaking);
        m.note_link_event(&LinkEvent::ResponsePlaying {
            response: 2,
            first_audio_at: t0,
            playing_at: at,
        });
        m.note_link_event(&LinkEvent::ResponseInterrupted { response: 2, at });
        assert!(!m.stats().agent_speaking);
    }
}
