//! The agent side of one call whose Asterisk leg is chan_websocket (`serve --transport
//! websocket`), sans-IO: caller frames (in the channel's format) in, `user_audio_chunk`s out;
//! agent messages in, channel audio, barge-in and replies out. The agent protocol and audio
//! conversion are [`AgentSide`], shared with the RTP engine; the WebSocket side (whole frames,
//! flow control, marks, flushes) is [`crate::chan_websocket::MediaLink`]; this engine adds
//! the channel's counters.
//!
//! Formats: with the channel in `ulaw` and an agent speaking `ulaw_8000`, or the channel in
//! `slin16` (little-endian on chan_websocket) and an agent speaking `pcm_16000`, bytes pass
//! through both ways untouched; [`WsMediaStats::resampled_samples_in`] and
//! [`WsMediaStats::resampled_samples_out`] stay 0, which is what proves it. Any other agent
//! format is converted with the G.711 codec and the band-limited resampler.
//!
//! No keepalive silence: a bridged chan_websocket channel sends a frame every 20 ms.

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::agent::proto::{AudioFormat, ServerMessage, Transcript};
use crate::chan_websocket::{LinkEvent, MediaFormat};
use crate::media::agent_side::{AgentOutput, AgentSide, AgentSideStats, ChannelCodec};
use crate::media::call_media::{MediaError, MediaEvent};

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
    /// The agent side's counters (the same fields as an RTP call's, flattened; the agent's
    /// output level among them).
    #[serde(flatten)]
    pub agent: AgentSideStats,
    /// Level of the last caller frame (dBFS, as on the RTP path:
    /// [`crate::media::call_media::MediaStats`]).
    pub caller_level_dbfs: f64,
    /// The caller is speaking now (VAD, with its debounce and hangover).
    pub caller_speaking: bool,
    /// Agent audio is playing to the caller now: from Asterisk dequeuing a response's first
    /// frame to its last (or the flush that cut it), as the link's marks report it.
    pub agent_speaking: bool,
}

pub struct WsCallMedia {
    agent: AgentSide,
    caller_frames: u64,
    caller_bytes: u64,
    agent_speaking: bool,
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
        let codec = match channel {
            MediaFormat::Ulaw => ChannelCodec::Ulaw,
            MediaFormat::Slin16 => ChannelCodec::Linear {
                rate: 16_000,
                big_endian: false,
            },
            _ => {
                return Err(MediaError::Unservable {
                    agent: agent_in.name(),
                    rtp: channel.name().to_string(),
                    reason: "serve speaks ulaw or slin16".into(),
                })
            }
        };
        let agent =
            AgentSide::new(codec, agent_in, agent_out, chunk, false, now).map_err(|e| match e {
                MediaError::Unservable { agent, reason, .. } => MediaError::Unservable {
                    agent,
                    rtp: channel.name().to_string(),
                    reason,
                },
            })?;
        Ok(WsCallMedia {
            agent,
            caller_frames: 0,
            caller_bytes: 0,
            agent_speaking: false,
        })
    }

    /// Whether caller audio reaches the agent byte for byte.
    pub fn passthrough_in(&self) -> bool {
        self.agent.passthrough_in()
    }

    /// Whether agent audio reaches the channel byte for byte.
    pub fn passthrough_out(&self) -> bool {
        self.agent.passthrough_out()
    }

    /// One caller frame from Asterisk (channel format).
    pub fn handle_caller(&mut self, now: Instant, frame: &[u8]) {
        self.caller_frames += 1;
        self.caller_bytes += frame.len() as u64;
        self.agent.caller_audio(now, frame);
    }

    /// A message from the agent arrived.
    pub fn handle_agent(&mut self, now: Instant, msg: &ServerMessage) {
        self.agent.handle_agent(now, msg);
    }

    /// What the call's media link reported (the adapter passes every event on): whether agent
    /// audio is playing to the caller follows Asterisk's playout, not the agent's sending.
    pub fn note_link_event(&mut self, ev: &LinkEvent) {
        match ev {
            LinkEvent::ResponsePlaying { .. } => self.agent_speaking = true,
            LinkEvent::ResponsePlayed { .. } | LinkEvent::ResponseInterrupted { .. } => {
                self.agent_speaking = false
            }
            _ => {}
        }
    }

    pub fn poll_output(&mut self) -> Option<WsOutput> {
        loop {
            return Some(match self.agent.poll_output()? {
                AgentOutput::Agent(text) => WsOutput::Agent(text),
                AgentOutput::Event(ev) => WsOutput::Event(ev),
                AgentOutput::Play { audio, .. } if audio.is_empty() => continue,
                AgentOutput::Play { audio, .. } => WsOutput::Channel(audio),
                // The link refuses nothing by event id: Asterisk's flush drops what it holds
                // and the agent sends no more of an interrupted response.
                AgentOutput::Interrupt { .. } => WsOutput::Interrupt,
            });
        }
    }

    pub fn transcript(&self) -> &Transcript {
        self.agent.transcript()
    }

    pub fn stats(&self) -> WsMediaStats {
        WsMediaStats {
            caller_frames: self.caller_frames,
            caller_bytes: self.caller_bytes,
            agent: self.agent.stats().clone(),
            caller_level_dbfs: self.agent.caller_level_dbfs(),
            caller_speaking: self.agent.caller_speaking(),
            agent_speaking: self.agent_speaking,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::g711;
    use crate::media::tone::{goertzel_power, SineGen, DBFS_FLOOR};
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
        assert_eq!(
            (s.agent.resampled_samples_in, s.agent.resampled_samples_out),
            (0, 0)
        );
        assert_eq!(s.agent.passthrough_bytes_in, 640);
        assert_eq!(s.agent.passthrough_bytes_out, 1000);
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
            m.stats().agent.resampled_samples_in + m.stats().agent.resampled_samples_out,
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
        assert_eq!(m.stats().agent.resampled_samples_out, 3200);
        let mut frame = Vec::new();
        g711::pcm_to_ulaw(&tone(8000, 160), &mut frame);
        m.handle_caller(t0, &frame);
        assert_eq!(m.stats().agent.resampled_samples_in, 160);
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
        assert_eq!(m.stats().agent.last_ping_ms, Some(12));
        assert_eq!(m.stats().agent.interruptions, 1);
    }

    #[test]
    fn levels_and_who_is_speaking_follow_the_caller_vad_and_asterisk_playout() {
        let t0 = Instant::now();
        let f = AudioFormat::ULAW_8000;
        let mut m =
            WsCallMedia::new(MediaFormat::Ulaw, f, f, Duration::from_millis(20), t0).unwrap();
        let s = m.stats();
        assert_eq!(
            (s.caller_level_dbfs, s.agent.agent_level_dbfs),
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
            (s.agent.agent_level_dbfs + 3.1).abs() < 0.5,
            "{}",
            s.agent.agent_level_dbfs
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
