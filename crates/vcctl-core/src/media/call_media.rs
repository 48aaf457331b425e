//! The media engine of one call, sans-IO: Asterisk's RTP in, agent audio chunks out; agent
//! audio in, paced RTP out. The caller feeds [`CallMedia::handle_rtp`],
//! [`CallMedia::handle_agent`] and [`CallMedia::handle_timeout`] with the time of the input,
//! and drains [`CallMedia::poll_output`]; it sleeps until [`CallMedia::next_timeout`].
//!
//! Audio formats: with `ulaw_8000` on both the agent side and RTP (the default), payloads pass
//! through untouched. Any other agent format (`pcm_16000`, `pcm_24000`, ...) is converted with
//! the G.711 codec and the band-limited resampler.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::agent::proto::{
    encode_user_audio_chunk, AudioFormat, ClientMessage, Encoding, ServerMessage, Transcript,
};
use crate::media::echo::{EchoMatcher, SampleLog, Spread};
use crate::media::g711;
use crate::media::pacer::{Pacer, PacingStats};
use crate::media::playout::{Codec, Playout, PlayoutConfig, PlayoutStats, RtpSender};
use crate::media::reception::{arrival_units, ReceptionStats};
use crate::media::resample::Resampler;
use crate::media::rtp::{Pt, RtpPacket, SeqNo, Ssrc};
use crate::media::tone::{Vad, VadConfig, VadEvent};

/// Settings of one call's media path.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MediaSettings {
    /// The RTP format agreed with Asterisk's externalMedia channel (`ulaw` or `slin16`).
    pub rtp_codec: Codec,
    /// RTP packet duration.
    pub ptime: Duration,
    /// Duration of each `user_audio_chunk` sent to the agent.
    pub chunk: Duration,
    /// Agent audio queued before playout starts.
    pub prebuffer: Duration,
    /// With no RTP from Asterisk for this long, silence is streamed to the agent instead.
    pub keepalive_after: Duration,
    /// An empty playout queue counts as the end of the agent's response (not an underflow)
    /// when the agent has sent no audio for this long.
    pub response_gap: Duration,
    /// Frames may leave this much before their grid time: a driver whose timer always wakes
    /// a little late aims this much early so send times centre on the grid (serve's pacing
    /// thread wakes about 50-100 µs late).
    pub pacing_lead: Duration,
    /// A slot that finds the playout queue dry mid-talkspurt waits this long for the agent's
    /// next audio and sends it the moment it arrives (late, with contiguous timestamps),
    /// before it gives up and sends silence (an underflow). Zero: silence at once.
    pub underflow_grace: Duration,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            rtp_codec: Codec::Pcmu,
            ptime: Duration::from_millis(20),
            chunk: Duration::from_millis(20),
            // A talkspurt starts on its first frame, with a 10 ms grace for audio a little
            // late whose lateness the grid then follows (`send_held`): the bench's agent->RTP
            // p50/p99 for a response's first frame went from 20.45/21-25 ms to
            // 0.02-0.03/0.09-0.31 ms with no more underflows (docs/benchmarks.md, "Where the
            // extra underflows were").
            prebuffer: Duration::ZERO,
            keepalive_after: Duration::from_millis(100),
            response_gap: Duration::from_millis(250),
            pacing_lead: Duration::from_micros(60),
            underflow_grace: Duration::from_millis(10),
        }
    }
}

/// How long the media path held audio over a call: the figures a call record keeps.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MediaTiming {
    /// Agent audio message received -> the RTP packet with its first sample sent (ms).
    pub playout_wait: Option<Spread>,
    /// Agent audio queued for playout, least and most in each second of the call (ms).
    pub playout_depth_ms: Vec<[u32; 2]>,
    /// Echo agents: a chunk of caller audio sent -> the agent's message with it received
    /// (the network both ways plus the agent's own delay; see [`crate::media::echo`]).
    pub echo_loop: Option<Spread>,
    /// Echo agents: caller audio arrived from Asterisk -> the same audio sent back to
    /// Asterisk (serve's whole share of the round trip, agent and network included).
    pub echo_round_trip: Option<Spread>,
}

/// How far a talkspurt's grid may slip behind its start to follow audio that comes late
/// (see `CallMedia::send_held`): the old 40 ms prebuffer's worth, taken only when needed.
const MAX_GRID_SLIP: Duration = Duration::from_millis(40);
/// How far back an echo of the caller's audio is looked for (see [`EchoMatcher::new`]).
const ECHO_WINDOW: Duration = Duration::from_millis(1500);
/// Exact samples kept per figure and call.
const SAMPLE_CAP: usize = 4096;

/// Agent audio in the playout queue, waiting for its first sample to be sent.
#[derive(Debug, Clone, Copy)]
struct Pending {
    arrived: Instant,
    /// Queued bytes ahead of it.
    ahead: usize,
    /// When the caller audio it echoes arrived from Asterisk (echo agents).
    origin: Option<Instant>,
    /// It arrived with no talkspurt playing: it starts an agent response.
    starts_response: bool,
}

/// Random starting values of the outbound stream (RFC 3550 wants them random).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSeed {
    pub ssrc: u32,
    pub seq: u16,
    pub timestamp: u32,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MediaError {
    #[error("the agent's audio format {agent} cannot be converted to or from RTP {rtp}: {reason}")]
    Unservable {
        agent: String,
        rtp: String,
        reason: String,
    },
}

/// What the engine wants done.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// Send this RTP packet to Asterisk.
    Rtp(Vec<u8>),
    /// Send this JSON text frame to the agent.
    Agent(String),
    /// Something worth logging or recording happened.
    Event(MediaEvent),
}

#[derive(Debug, Clone, PartialEq)]
pub enum MediaEvent {
    /// The caller started or stopped speaking (inbound VAD).
    CallerSpeech { speaking: bool },
    /// First agent audio after the caller stopped speaking: the agent's response latency.
    AgentResponse { latency: Duration },
    /// The agent interrupted its own speech (barge-in).
    Interrupted { event_id: u64 },
    /// The agent reported an error.
    AgentError { message: String },
}

/// Counters and figures of one call's media, for `/calls`, records and metrics.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MediaStats {
    pub rtp_in_packets: u64,
    pub rtp_in_bytes: u64,
    /// Packets Asterisk sent before the agent conversation was ready, dropped unread so the
    /// agent hears the caller in real time (see [`CallMedia::note_stale_rtp`]).
    pub rtp_in_stale_dropped: u64,
    /// Packets from an address other than Asterisk's externalMedia leg (never forwarded).
    pub rtp_dropped_foreign: u64,
    /// Packets that were not valid RTP.
    pub rtp_dropped_malformed: u64,
    pub rtp_in_lost: i64,
    pub rtp_in_jitter_ms: f64,
    pub rtp_out_packets: u64,
    /// Frames sent late, within `underflow_grace`, because their audio came just after
    /// their slot (each would otherwise have been an underflow).
    pub playout_late_frames: u64,
    pub agent_chunks_out: u64,
    /// Silence chunks sent to keep the agent alive while Asterisk sent nothing.
    pub agent_keepalive_chunks: u64,
    pub agent_audio_events: u64,
    pub agent_audio_dropped_stale: u64,
    pub pings: u64,
    pub last_ping_ms: Option<u64>,
    pub interruptions: u64,
    pub playout: PlayoutSummary,
    /// Agent audio waiting in the playout queue now (ms).
    pub playout_queued_ms: f64,
    /// Agent response latencies (caller's end of speech to first agent audio), ms.
    pub response_latency_ms: Vec<f64>,
    pub pacing_p50_ms: f64,
    pub pacing_p99_ms: f64,
    pub pacing_max_ms: f64,
    /// The caller's level in the VAD's last frame (dBFS): the live view's input meter.
    pub caller_level_dbfs: f64,
    /// The level of the last agent audio message received (dBFS): the output meter.
    pub agent_level_dbfs: f64,
    /// The caller is speaking now (VAD, with its debounce and hangover).
    pub caller_speaking: bool,
    /// Agent audio is playing now (the playout queue holds some).
    pub agent_speaking: bool,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PlayoutSummary {
    pub audio_frames: u64,
    pub silence_frames: u64,
    pub talkspurts: u64,
    pub underflows: u64,
    /// Silence frames of those underflows, and the underflows the audio resumed from (gaps
    /// heard between two pieces of agent audio; [`PlayoutStats::gaps`]) with their frames.
    pub underflow_frames: u64,
    pub gaps: u64,
    pub gap_frames: u64,
    /// Times a standing delay was dropped from the playout queue, and how much (ms).
    pub standing_drops: u64,
    pub standing_dropped_ms: u64,
}

impl PlayoutSummary {
    /// The counters of a playout queue of `codec`.
    pub fn new(s: PlayoutStats, codec: Codec) -> Self {
        let per_ms = codec.clock_rate() as u64 * codec.bytes_per_sample() as u64 / 1000;
        PlayoutSummary {
            audio_frames: s.audio_frames,
            silence_frames: s.silence_frames,
            talkspurts: s.talkspurts,
            underflows: s.underflows,
            underflow_frames: s.underflow_frames,
            gaps: s.gaps,
            gap_frames: s.gap_frames,
            standing_drops: s.standing_drops,
            standing_dropped_ms: s.standing_dropped_bytes / per_ms.max(1),
        }
    }
}

pub struct CallMedia {
    settings: MediaSettings,
    agent_in: AudioFormat,
    agent_out: AudioFormat,
    started: Instant,
    peer: Option<SocketAddr>,
    // inbound: RTP -> agent
    passthrough_in: bool,
    up: Option<Resampler>,
    chunk_bytes: usize,
    chunk: Vec<u8>,
    /// When the RTP packet with the first byte in `chunk` arrived.
    chunk_arrived: Option<Instant>,
    echo: EchoMatcher,
    echo_loop: SampleLog,
    echo_round_trip: SampleLog,
    pcm: Vec<i16>,
    pcm_resampled: Vec<i16>,
    last_rx: Option<Instant>,
    next_keepalive: Instant,
    /// Keepalive chunks due but not yet taken by [`Self::poll_output`]: RTP that arrives
    /// before they are taken retracts them (the quiet was only the driver reading late).
    keepalive_pending: u64,
    /// RFC 3550 loss and jitter of the inbound stream, from its first packet (one stream:
    /// a new SSRC continues it, a sequence jump is taken after two sequential packets).
    in_stats: Option<ReceptionStats>,
    rtp_rate: u32,
    vad: Vad,
    vad_events: Vec<VadEvent>,
    caller_speaking: bool,
    speech_end_at: Option<Instant>,
    // outbound: agent -> RTP
    passthrough_out: bool,
    down: Option<Resampler>,
    playout: Playout,
    /// Standing-backlog bytes the playout had dropped at the last frame.
    standing_dropped_seen: u64,
    sender: RtpSender,
    pt_learned: bool,
    pacer: Pacer,
    pacing: PacingStats,
    /// The grid time of a slot held for late audio (see `MediaSettings::underflow_grace`).
    held: Option<Instant>,
    /// Slot time -> sent, for frames sent late within the grace.
    late: PacingStats,
    /// How far the grid slipped since the talkspurt started (at most `MAX_GRID_SLIP`).
    slip: Duration,
    last_agent_audio: Option<Instant>,
    /// Agent audio messages waiting to be played.
    pending_audio: VecDeque<Pending>,
    agent_to_rtp: PacingStats,
    /// The same, only for the messages that start a response (the talkspurt's first frame).
    agent_to_rtp_first: PacingStats,
    playout_wait: SampleLog,
    /// Playout queue depth: finished seconds ([least, most] ms), and the current second.
    depth: Vec<[u32; 2]>,
    depth_now: Option<(u64, u32, u32)>,
    // shared
    transcript: Transcript,
    stats: MediaStats,
    out: VecDeque<Output>,
}

impl CallMedia {
    pub fn new(
        settings: MediaSettings,
        agent_in: AudioFormat,
        agent_out: AudioFormat,
        seed: StreamSeed,
        now: Instant,
    ) -> Result<Self, MediaError> {
        let codec = settings.rtp_codec;
        let rtp_rate = codec.clock_rate();
        let resampler =
            |from: u32, to: u32, fmt: AudioFormat| -> Result<Option<Resampler>, MediaError> {
                if from == to {
                    return Ok(None);
                }
                Resampler::new(from, to)
                    .map(Some)
                    .map_err(|e| MediaError::Unservable {
                        agent: fmt.name(),
                        rtp: format!("{codec:?}"),
                        reason: e.to_string(),
                    })
            };
        let up = resampler(rtp_rate, agent_in.sample_rate, agent_in)?;
        let down = resampler(agent_out.sample_rate, rtp_rate, agent_out)?;
        let pt = codec.static_pt().unwrap_or(Pt(118));
        let spf = codec.samples_per_frame(settings.ptime) as u32;
        let mut pcfg = PlayoutConfig::new(codec);
        pcfg.ptime = settings.ptime;
        pcfg.prebuffer = settings.prebuffer;
        let chunk_bytes = agent_in
            .bytes_for_ms(settings.chunk.as_millis().max(1) as u32)
            .max(1);
        Ok(CallMedia {
            passthrough_in: codec == Codec::Pcmu && agent_in == AudioFormat::ULAW_8000
                || codec == Codec::Pcma && agent_in == AudioFormat::ALAW_8000,
            passthrough_out: codec == Codec::Pcmu && agent_out == AudioFormat::ULAW_8000
                || codec == Codec::Pcma && agent_out == AudioFormat::ALAW_8000,
            settings,
            agent_in,
            agent_out,
            started: now,
            peer: None,
            up,
            chunk_bytes,
            chunk: Vec::with_capacity(chunk_bytes * 2),
            chunk_arrived: None,
            echo: EchoMatcher::new(chunk_bytes, ECHO_WINDOW),
            echo_loop: SampleLog::new(SAMPLE_CAP),
            echo_round_trip: SampleLog::new(SAMPLE_CAP),
            pcm: Vec::with_capacity(1024),
            pcm_resampled: Vec::with_capacity(2048),
            last_rx: None,
            next_keepalive: now + settings.keepalive_after,
            keepalive_pending: 0,
            in_stats: None,
            rtp_rate,
            vad: Vad::new(VadConfig::for_rate(rtp_rate)),
            vad_events: Vec::new(),
            caller_speaking: false,
            speech_end_at: None,
            down,
            playout: Playout::new(pcfg),
            standing_dropped_seen: 0,
            sender: RtpSender::new(Ssrc(seed.ssrc), pt, SeqNo(seed.seq), seed.timestamp, spf),
            pt_learned: false,
            pacer: Pacer::new(now + settings.ptime, settings.ptime),
            pacing: PacingStats::new(),
            held: None,
            late: PacingStats::new(),
            slip: Duration::ZERO,
            last_agent_audio: None,
            pending_audio: VecDeque::new(),
            agent_to_rtp: PacingStats::new(),
            agent_to_rtp_first: PacingStats::new(),
            playout_wait: SampleLog::new(SAMPLE_CAP),
            depth: Vec::new(),
            depth_now: None,
            transcript: Transcript::new(),
            stats: MediaStats {
                caller_level_dbfs: crate::media::tone::DBFS_FLOOR,
                agent_level_dbfs: crate::media::tone::DBFS_FLOOR,
                ..MediaStats::default()
            },
            out: VecDeque::new(),
        })
    }

    /// The address Asterisk sends from and listens on (UNICASTRTP_LOCAL_ADDRESS/PORT).
    /// Until it is set, inbound RTP is dropped and nothing is sent.
    pub fn set_peer(&mut self, peer: SocketAddr) {
        self.peer = Some(peer);
    }

    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// One UDP datagram arrived from `from`.
    pub fn handle_rtp(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        if Some(from) != self.peer {
            self.stats.rtp_dropped_foreign += 1;
            return;
        }
        let Ok(pkt) = RtpPacket::parse(data) else {
            self.stats.rtp_dropped_malformed += 1;
            return;
        };
        self.stats.rtp_in_packets += 1;
        self.stats.rtp_in_bytes += data.len() as u64;
        self.last_rx = Some(now);
        // Silence queued for a quiet that this packet ends, never sent: Asterisk was not
        // quiet, its audio was waiting in the socket while the driver was busy (a stalled
        // task, with the pacing thread still calling handle_timeout). Sent on top of that
        // audio it would give the agent more than real time, and an echo agent's reply,
        // played in real time, would stand that much behind for the rest of the call.
        self.stats.agent_keepalive_chunks -= self.keepalive_pending;
        self.keepalive_pending = 0;
        let arrival = arrival_units(now.duration_since(self.started), self.rtp_rate);
        self.in_stats
            .get_or_insert_with(|| ReceptionStats::new(pkt.ssrc.0, pkt.seq.0))
            .on_packet(pkt.seq.0, pkt.timestamp, arrival);
        if !self.pt_learned {
            // Answer with the payload type Asterisk uses (matters for dynamic L16 types).
            self.sender.set_payload_type(pkt.payload_type);
            self.pt_learned = true;
        }
        self.inbound_payload(now, pkt.payload);
    }

    fn inbound_payload(&mut self, now: Instant, payload: &[u8]) {
        // Linear PCM at the RTP rate, for VAD and (if needed) conversion.
        self.pcm.clear();
        match self.settings.rtp_codec {
            Codec::Pcmu => g711::ulaw_to_pcm(payload, &mut self.pcm),
            Codec::Pcma => g711::alaw_to_pcm(payload, &mut self.pcm),
            Codec::L16 { .. } => {
                g711::l16be_from_bytes(payload, &mut self.pcm);
            }
        }
        self.run_vad(now);
        if self.chunk.is_empty() {
            self.chunk_arrived = Some(now);
        }
        if self.passthrough_in {
            self.chunk.extend_from_slice(payload);
        } else {
            let pcm: &[i16] = match &mut self.up {
                Some(r) => {
                    self.pcm_resampled.clear();
                    r.process(&self.pcm, &mut self.pcm_resampled);
                    &self.pcm_resampled
                }
                None => &self.pcm,
            };
            encode_agent(self.agent_in.encoding, pcm, &mut self.chunk);
        }
        self.flush_chunks(now);
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
                        .push_back(Output::Event(MediaEvent::CallerSpeech { speaking: true }));
                }
                VadEvent::SpeechEnd { at } => {
                    self.caller_speaking = false;
                    // The end is reported a hangover later; date it back to the last voiced sample.
                    let rate = self.settings.rtp_codec.clock_rate() as u64;
                    let behind = self.vad.samples_seen().saturating_sub(at);
                    let ago = Duration::from_nanos(behind * 1_000_000_000 / rate.max(1));
                    self.speech_end_at = Some(now.checked_sub(ago).unwrap_or(now));
                    self.out
                        .push_back(Output::Event(MediaEvent::CallerSpeech { speaking: false }));
                }
            }
        }
    }

    fn flush_chunks(&mut self, now: Instant) {
        while self.chunk.len() >= self.chunk_bytes {
            let piece = &self.chunk[..self.chunk_bytes];
            let msg = encode_user_audio_chunk(piece);
            self.echo
                .sent(now, self.chunk_arrived.unwrap_or(now), piece);
            self.chunk.drain(..self.chunk_bytes);
            // What is left came with the packet just received.
            self.chunk_arrived = (!self.chunk.is_empty()).then_some(now);
            self.stats.agent_chunks_out += 1;
            self.out.push_back(Output::Agent(msg));
        }
    }

    /// `n` packets Asterisk sent before the agent conversation was ready were dropped unread.
    /// Sending them now, in one burst, would put the caller that far behind for the rest of
    /// the call wherever the audio comes back in real time (an echo agent): the burst returns
    /// as a burst, and the playout queue, fed in real time from then on, never drains it.
    pub fn note_stale_rtp(&mut self, n: u64) {
        self.stats.rtp_in_stale_dropped += n;
    }

    /// A message from the agent arrived.
    pub fn handle_agent(&mut self, now: Instant, msg: &ServerMessage) {
        let at_ms = now.duration_since(self.started).as_millis() as u64;
        self.transcript.observe(msg, at_ms);
        match msg {
            ServerMessage::Audio { event_id, audio } => {
                self.stats.agent_audio_events += 1;
                self.last_agent_audio = Some(now);
                let echo = self.echo.find(now, audio);
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
                        .push_back(Output::Event(MediaEvent::AgentResponse { latency }));
                }
                let ahead = self.playout.queued_bytes();
                let starts_response = ahead == 0 && !self.playout.is_playing();
                let accepted = if self.passthrough_out {
                    // The output meter: one decode per agent message (not per packet).
                    self.pcm.clear();
                    decode_agent(self.agent_out.encoding, audio, &mut self.pcm);
                    self.stats.agent_level_dbfs = crate::media::tone::rms_dbfs(&self.pcm);
                    self.playout.push_payload(*event_id, audio)
                } else {
                    self.pcm.clear();
                    decode_agent(self.agent_out.encoding, audio, &mut self.pcm);
                    self.stats.agent_level_dbfs = crate::media::tone::rms_dbfs(&self.pcm);
                    let pcm: &[i16] = match &mut self.down {
                        Some(r) => {
                            self.pcm_resampled.clear();
                            r.process(&self.pcm, &mut self.pcm_resampled);
                            &self.pcm_resampled
                        }
                        None => &self.pcm,
                    };
                    self.playout.push_pcm(*event_id, pcm)
                };
                if accepted && self.playout.starts_playing() {
                    // Start the talkspurt (or resume after an underflow) now rather than at
                    // the next slot of the grid the silence was sent on: that slot's phase is
                    // random, so it would add 0-20 ms to every frame that follows, different
                    // per call. The frame keeps the stream's next timestamp (a new talkspurt
                    // carries the marker bit, which tells the receiver to re-time it).
                    if self.pacer.rebase(now) {
                        // The grid starts again on this audio: no slip on it yet.
                        self.slip = Duration::ZERO;
                    }
                }
                if accepted {
                    self.pending_audio.push_back(Pending {
                        arrived: now,
                        ahead,
                        origin: echo.filter(|m| m.offset == 0).map(|m| m.arrived),
                        starts_response,
                    });
                } else {
                    self.stats.agent_audio_dropped_stale += 1;
                }
            }
            ServerMessage::Interruption { event_id } => {
                self.playout.interrupt(*event_id);
                self.pending_audio.clear();
                self.stats.interruptions += 1;
                self.out.push_back(Output::Event(MediaEvent::Interrupted {
                    event_id: *event_id,
                }));
            }
            ServerMessage::Ping { ping_ms, .. } => {
                self.stats.pings += 1;
                if ping_ms.is_some() {
                    self.stats.last_ping_ms = *ping_ms;
                }
                if let Some(pong) = ClientMessage::pong_for(msg) {
                    self.out.push_back(Output::Agent(pong.to_json()));
                }
            }
            ServerMessage::ClientToolCall { .. } => {
                if let Some(reply) = ClientMessage::tool_not_configured(msg) {
                    self.out.push_back(Output::Agent(reply.to_json()));
                }
            }
            ServerMessage::Error { .. } => {
                self.out.push_back(Output::Event(MediaEvent::AgentError {
                    message: msg.to_json(),
                }));
            }
            _ => {}
        }
    }

    /// Time passed: send due RTP frames and keepalive chunks.
    pub fn handle_timeout(&mut self, now: Instant) {
        let lead = self.settings.pacing_lead;
        // A held slot goes out as soon as its audio is there, or as silence after the grace.
        if let Some(slot) = self.held {
            if !self.playout.is_dry() || now + lead >= slot + self.settings.underflow_grace {
                self.send_held(now, slot, true);
            }
        }
        if now + lead >= self.pacer.next_deadline() {
            let tick = self.pacer.on_tick(now + lead);
            if tick.skipped > 0 {
                self.sender.skip_frames(tick.skipped);
                // Time passed for the playout too (its standing-delay window).
                self.playout.skip_slots(tick.skipped);
            }
            if tick.frames_due > 0 {
                // The send time's distance from the grid, early or late.
                self.pacing.record_duration(tick.late_by.abs_diff(lead));
            }
            let first_slot = (now + lead).checked_sub(tick.late_by).unwrap_or(now);
            for i in 0..tick.frames_due {
                if let Some(slot) = self.held {
                    // The driver woke after the next slot: the held one cannot wait longer.
                    self.send_held(now, slot, false);
                }
                self.end_response_if_quiet(now);
                if self.playout.is_dry() && !self.settings.underflow_grace.is_zero() {
                    self.held = Some(first_slot + self.settings.ptime * i);
                    continue;
                }
                self.send_frame(now);
            }
        }
        if now >= self.next_keepalive {
            let quiet = self
                .last_rx
                .is_none_or(|t| now.duration_since(t) >= self.settings.keepalive_after);
            if quiet {
                // Encoded when taken (poll_output), unless RTP retracts it first.
                self.keepalive_pending += 1;
                self.stats.agent_keepalive_chunks += 1;
                self.next_keepalive = now + self.settings.chunk;
            } else if let Some(t) = self.last_rx {
                self.next_keepalive = t + self.settings.keepalive_after;
            }
        }
    }

    /// Send the held slot's frame now: its audio (late) or, the grace over, silence.
    ///
    /// Audio late for its slot (and not the driver: `follow`) moves the grid with it, up to
    /// `MAX_GRID_SLIP` per talkspurt. A talkspurt that started the moment its first audio
    /// came has its grid on the arrivals, so with audio that comes at real time (the bench's
    /// echo, an agent streaming) about every other frame's audio comes a little after its
    /// slot: without the slip each of those frames is late (send jitter) and one later than
    /// the grace is an underflow. Following the lateness gives the frames after it that
    /// much margin, as a prebuffer would, but only as much as the audio called for, and
    /// still starts every response at once. The timestamps stay contiguous: the receiver
    /// sees the stream arrive that much later, once.
    fn send_held(&mut self, now: Instant, slot: Instant, follow: bool) {
        self.held = None;
        if self.send_frame(now) {
            let late = now.saturating_duration_since(slot);
            self.stats.playout_late_frames += 1;
            self.late.record_duration(late);
            if follow {
                let d = late.min(MAX_GRID_SLIP.saturating_sub(self.slip));
                self.pacer.delay(d);
                self.slip += d;
            }
        }
    }

    /// Pop the next playout frame and send it; true if it carried agent audio.
    fn send_frame(&mut self, now: Instant) -> bool {
        let frame = self.playout.pop_frame();
        let audio = !frame.is_silence;
        if audio {
            let n = frame.payload.len();
            while self.pending_audio.front().is_some_and(|p| p.ahead < n) {
                if let Some(p) = self.pending_audio.pop_front() {
                    let waited = now.saturating_duration_since(p.arrived);
                    self.agent_to_rtp.record_duration(waited);
                    if p.starts_response {
                        self.agent_to_rtp_first.record_duration(waited);
                    }
                    self.playout_wait.push(ms_f64(waited));
                    if let Some(o) = p.origin {
                        self.echo_round_trip
                            .push(ms_f64(now.saturating_duration_since(o)));
                    }
                }
            }
            for p in self.pending_audio.iter_mut() {
                p.ahead = p.ahead.saturating_sub(n);
            }
        }
        let pkt = self.sender.frame(&frame).to_vec();
        if self.peer.is_some() {
            self.stats.rtp_out_packets += 1;
            self.out.push_back(Output::Rtp(pkt));
        }
        // A standing backlog dropped from the front of the queue (after this frame was
        // taken): the messages behind it are that much nearer the front.
        let dropped = self.playout.stats().standing_dropped_bytes;
        if dropped > self.standing_dropped_seen {
            let d = (dropped - self.standing_dropped_seen) as usize;
            self.standing_dropped_seen = dropped;
            for p in self.pending_audio.iter_mut() {
                p.ahead = p.ahead.saturating_sub(d);
            }
        }
        self.note_depth(now);
        audio
    }

    /// Keep the least and most audio queued in each second of the call.
    fn note_depth(&mut self, now: Instant) {
        let second = now.saturating_duration_since(self.started).as_secs();
        let q = self.playout.queued().as_millis().min(u32::MAX as u128) as u32;
        match &mut self.depth_now {
            Some((s, lo, hi)) if *s == second => {
                *lo = (*lo).min(q);
                *hi = (*hi).max(q);
            }
            cur => {
                if let Some((_, lo, hi)) = cur.take() {
                    self.depth.push([lo, hi]);
                }
                *cur = Some((second, q, q));
            }
        }
    }

    /// No agent audio for `response_gap` and the queue is nearly empty: the response is over.
    fn end_response_if_quiet(&mut self, now: Instant) {
        if let Some(t) = self.last_agent_audio {
            if now.duration_since(t) >= self.settings.response_gap
                && self.playout.queued() < self.settings.ptime
            {
                self.playout.end_of_response();
                self.last_agent_audio = None;
            }
        }
    }

    /// When to call [`Self::handle_timeout`] next.
    pub fn next_timeout(&self) -> Instant {
        let mut pace = self.pacer.next_deadline();
        if let Some(slot) = self.held {
            // Audio for the held slot is in: now (the slot is past); else the grace's end.
            let due = if self.playout.is_dry() {
                slot + self.settings.underflow_grace
            } else {
                slot
            };
            pace = pace.min(due);
        }
        let pace = pace.checked_sub(self.settings.pacing_lead).unwrap_or(pace);
        pace.min(self.next_keepalive)
    }

    /// The next output: queued ones in order, then the keepalive chunks still due.
    pub fn poll_output(&mut self) -> Option<Output> {
        if let Some(o) = self.out.pop_front() {
            return Some(o);
        }
        if self.keepalive_pending == 0 {
            return None;
        }
        self.keepalive_pending -= 1;
        let silence = silence_for(self.agent_in, self.chunk_bytes);
        Some(Output::Agent(encode_user_audio_chunk(&silence)))
    }

    /// Move the RTP packets out of the output queue (in order) into `into`, leaving every
    /// other output queued; true if any other output is waiting. For a driver that sends RTP
    /// from a pacing thread and hands the rest to the call's own task.
    pub fn drain_rtp(&mut self, into: &mut Vec<Vec<u8>>) -> bool {
        let mut other = false;
        self.out.retain_mut(|o| match o {
            Output::Rtp(p) => {
                into.push(std::mem::take(p));
                false
            }
            _ => {
                other = true;
                true
            }
        });
        other || self.keepalive_pending > 0
    }

    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    pub fn caller_speaking(&self) -> bool {
        self.caller_speaking
    }

    pub fn stats(&self) -> MediaStats {
        let mut s = self.stats.clone();
        s.playout = PlayoutSummary::new(self.playout.stats(), self.settings.rtp_codec);
        s.playout_queued_ms = self.playout.queued().as_secs_f64() * 1000.0;
        if let Some(r) = &self.in_stats {
            s.rtp_in_lost = r.lost();
            s.rtp_in_jitter_ms = r.jitter_ms(self.rtp_rate);
        }
        s.pacing_p50_ms = self.pacing.p50().as_secs_f64() * 1000.0;
        s.pacing_p99_ms = self.pacing.p99().as_secs_f64() * 1000.0;
        s.pacing_max_ms = self.pacing.max().as_secs_f64() * 1000.0;
        s.caller_level_dbfs = self.vad.level_dbfs();
        s.caller_speaking = self.caller_speaking;
        s.agent_speaking = s.playout_queued_ms > 0.0;
        s
    }

    /// The call's playout and echo timing (percentiles are computed here: call it once, at
    /// the end of the call).
    pub fn timing(&self) -> MediaTiming {
        let mut depth = self.depth.clone();
        if let Some((_, lo, hi)) = self.depth_now {
            depth.push([lo, hi]);
        }
        MediaTiming {
            playout_wait: self.playout_wait.spread(),
            playout_depth_ms: depth,
            echo_loop: self.echo_loop.spread(),
            echo_round_trip: self.echo_round_trip.spread(),
        }
    }

    pub fn pacing(&self) -> &PacingStats {
        &self.pacing
    }

    /// The playout queue's counters.
    pub fn playout_stats(&self) -> PlayoutStats {
        self.playout.stats()
    }

    /// Frames sent late within the grace: their slot -> sent.
    pub fn late_frames(&self) -> &PacingStats {
        &self.late
    }

    /// Agent audio message received -> the RTP packet carrying its first sample sent.
    pub fn agent_to_rtp(&self) -> &PacingStats {
        &self.agent_to_rtp
    }

    /// [`CallMedia::agent_to_rtp`] for the messages that started a response only (no
    /// talkspurt playing when they arrived): the wait before the caller hears anything.
    pub fn agent_to_rtp_first(&self) -> &PacingStats {
        &self.agent_to_rtp_first
    }
}

fn ms_f64(d: Duration) -> f64 {
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

fn silence_for(fmt: AudioFormat, bytes: usize) -> Vec<u8> {
    let b = match fmt.encoding {
        Encoding::Pcm16 => 0,
        Encoding::Ulaw => g711::ULAW_SILENCE,
        Encoding::Alaw => g711::ALAW_SILENCE,
    };
    vec![b; bytes]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::rtp::RtpHeader;
    use crate::media::tone::{goertzel_power, SineGen};
    use base64::Engine;

    const SEED: StreamSeed = StreamSeed {
        ssrc: 0xabcd,
        seq: 65534,
        timestamp: 1000,
    };

    fn peer() -> SocketAddr {
        "127.0.0.1:40000".parse().unwrap()
    }

    /// Talkspurts that start at one frame, with a 10 ms grace for late audio (the settings
    /// `vcctl bench --prebuffer-ms 0 --underflow-grace-ms 10` measures).
    fn settings() -> MediaSettings {
        MediaSettings {
            prebuffer: Duration::ZERO,
            underflow_grace: Duration::from_millis(10),
            ..MediaSettings::default()
        }
    }

    fn engine(agent: AudioFormat, t0: Instant) -> CallMedia {
        let mut m = CallMedia::new(settings(), agent, agent, SEED, t0).unwrap();
        m.set_peer(peer());
        m
    }

    fn rtp(seq: u16, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        RtpHeader {
            marker: false,
            payload_type: Pt::PCMU,
            seq: SeqNo(seq),
            timestamp: seq as u32 * 160,
            ssrc: Ssrc(7),
        }
        .write(payload, &mut out);
        out
    }

    fn drain(m: &mut CallMedia) -> (Vec<Vec<u8>>, Vec<serde_json::Value>, Vec<MediaEvent>) {
        let (mut r, mut a, mut e) = (vec![], vec![], vec![]);
        while let Some(o) = m.poll_output() {
            match o {
                Output::Rtp(p) => r.push(p),
                Output::Agent(j) => a.push(serde_json::from_str(&j).unwrap()),
                Output::Event(ev) => e.push(ev),
            }
        }
        (r, a, e)
    }

    fn chunk_bytes(v: &serde_json::Value) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(v["user_audio_chunk"].as_str().expect("user_audio_chunk"))
            .unwrap()
    }

    fn ulaw_tone(hz: f64, samples: usize) -> Vec<u8> {
        let mut g = SineGen::new(hz, 8000, 8000.0);
        let mut pcm = Vec::new();
        g.extend(samples, &mut pcm);
        let mut out = Vec::new();
        g711::pcm_to_ulaw(&pcm, &mut out);
        out
    }

    #[test]
    fn drain_rtp_takes_the_packets_in_order_and_leaves_the_rest() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        m.handle_rtp(t0, peer(), &rtp(1, &[0x55; 160]));
        m.handle_timeout(t0 + Duration::from_millis(60));
        let mut rtp_out = Vec::new();
        assert!(m.drain_rtp(&mut rtp_out), "the agent chunk is still queued");
        assert!(rtp_out.len() >= 2, "{}", rtp_out.len());
        let seqs: Vec<u16> = rtp_out
            .iter()
            .map(|p| RtpPacket::parse(p).unwrap().seq.0)
            .collect();
        for w in seqs.windows(2) {
            assert_eq!(w[1], w[0].wrapping_add(1));
        }
        let (rtp_left, agent, _) = drain(&mut m);
        assert!(rtp_left.is_empty());
        assert_eq!(agent.len(), 1);
        assert!(!m.drain_rtp(&mut rtp_out));
    }

    #[test]
    fn ulaw_passes_through_to_the_agent_untouched() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let payload: Vec<u8> = (0..160).map(|i| i as u8).collect();
        m.handle_rtp(t0, peer(), &rtp(1, &payload));
        let (_, agent, _) = drain(&mut m);
        assert_eq!(agent.len(), 1);
        assert_eq!(chunk_bytes(&agent[0]), payload);
        assert_eq!(m.stats().agent_chunks_out, 1);
    }

    #[test]
    fn rtp_from_another_source_never_reaches_the_agent() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        m.handle_rtp(t0, "127.0.0.1:40001".parse().unwrap(), &rtp(1, &[0; 160]));
        m.handle_rtp(t0, peer(), &[1, 2, 3]);
        let (_, agent, _) = drain(&mut m);
        assert!(agent.is_empty());
        let s = m.stats();
        assert_eq!(
            (
                s.rtp_dropped_foreign,
                s.rtp_dropped_malformed,
                s.rtp_in_packets
            ),
            (1, 1, 0)
        );
    }

    #[test]
    fn agent_audio_is_paced_as_numbered_rtp_frames() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let audio: Vec<u8> = (0..800).map(|i| (i % 250) as u8).collect(); // 100 ms
        m.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 1,
                audio: audio.clone(),
            },
        );
        let mut pkts = Vec::new();
        // The talkspurt starts at once (t0), then every 20 ms.
        for i in 0..7u32 {
            let now = t0 + Duration::from_millis(20) * i;
            assert!(m.next_timeout() <= now);
            m.handle_timeout(now);
            pkts.extend(drain(&mut m).0);
        }
        assert_eq!(pkts.len(), 7);
        let parsed: Vec<_> = pkts.iter().map(|p| RtpPacket::parse(p).unwrap()).collect();
        for (i, p) in parsed.iter().enumerate() {
            assert_eq!(p.seq.0, 65534u16.wrapping_add(i as u16));
            assert_eq!(p.timestamp, 1000 + 160 * i as u32);
            assert_eq!(p.ssrc, Ssrc(0xabcd));
            assert_eq!(p.payload_type, Pt::PCMU);
            assert_eq!(p.payload.len(), 160);
        }
        assert!(parsed[0].marker && !parsed[1].marker);
        let played: Vec<u8> = parsed[..5]
            .iter()
            .flat_map(|p| p.payload.to_vec())
            .collect();
        assert_eq!(played, audio);
        assert!(parsed[5].payload.iter().all(|&b| b == g711::ULAW_SILENCE));
    }

    #[test]
    fn pcm_16000_agent_gets_resampled_audio_and_returns_a_clean_tone() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::PCM_16000, t0);
        let tone = ulaw_tone(1000.0, 1600);
        for (i, c) in tone.chunks(160).enumerate() {
            m.handle_rtp(
                t0 + Duration::from_millis(20 * i as u64),
                peer(),
                &rtp(i as u16, c),
            );
        }
        let (_, agent, _) = drain(&mut m);
        let bytes: Vec<u8> = agent
            .iter()
            .filter(|v| v.get("user_audio_chunk").is_some())
            .flat_map(chunk_bytes)
            .collect();
        assert_eq!(
            bytes.len(),
            2 * 3200 - 2 * 640 * (10 - agent.len()),
            "20 ms chunks of 16 kHz PCM"
        );
        let mut pcm = Vec::new();
        g711::pcm16le_from_bytes(&bytes, &mut pcm);
        let tail = &pcm[pcm.len() - 1600..];
        assert!(goertzel_power(tail, 1000.0, 16000) > 1000.0 * goertzel_power(tail, 3000.0, 16000));

        // Outbound: 16 kHz PCM tone -> µ-law RTP at 8 kHz with the tone intact.
        let mut g = SineGen::new(1000.0, 16000, 8000.0);
        let mut pcm16 = Vec::new();
        g.extend(3200, &mut pcm16);
        let mut le = Vec::new();
        g711::pcm16le_to_bytes(&pcm16, &mut le);
        m.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 1,
                audio: le,
            },
        );
        let mut out_pcm = Vec::new();
        for i in 1..=8u32 {
            m.handle_timeout(t0 + Duration::from_millis(20) * i);
            for p in drain(&mut m).0 {
                g711::ulaw_to_pcm(RtpPacket::parse(&p).unwrap().payload, &mut out_pcm);
            }
        }
        let mid = &out_pcm[160..960];
        assert!(goertzel_power(mid, 1000.0, 8000) > 1000.0 * goertzel_power(mid, 2500.0, 8000));
    }

    #[test]
    fn pings_get_pongs_and_tool_calls_get_an_error_result() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        m.handle_agent(
            t0,
            &ServerMessage::Ping {
                event_id: 42,
                ping_ms: Some(17),
            },
        );
        let (_, agent, _) = drain(&mut m);
        assert_eq!(
            agent,
            vec![serde_json::json!({"type": "pong", "event_id": 42})]
        );
        assert_eq!(m.stats().last_ping_ms, Some(17));
        m.handle_agent(
            t0,
            &ServerMessage::ClientToolCall {
                tool_call_id: "t1".into(),
                tool_name: "lookup".into(),
                parameters: serde_json::json!({}),
            },
        );
        let (_, agent, _) = drain(&mut m);
        assert_eq!(agent[0]["type"], "client_tool_result");
        assert_eq!(agent[0]["tool_call_id"], "t1");
        assert_eq!(agent[0]["is_error"], true);
    }

    #[test]
    fn time_from_agent_audio_to_its_first_rtp_packet_is_measured() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        // 100 ms of audio at t0 + 5 ms: a frame is covered, so the talkspurt starts at once.
        m.handle_agent(
            t0 + Duration::from_millis(5),
            &ServerMessage::Audio {
                event_id: 1,
                audio: vec![0x11; 800],
            },
        );
        // A second message queued behind 800 bytes: played 5 frames later (t0 + 105 ms).
        m.handle_agent(
            t0 + Duration::from_millis(6),
            &ServerMessage::Audio {
                event_id: 2,
                audio: vec![0x22; 160],
            },
        );
        let mut now = t0 + Duration::from_millis(5);
        while now < t0 + Duration::from_millis(140) {
            m.handle_timeout(now);
            drain(&mut m);
            now = m.next_timeout() + MediaSettings::default().pacing_lead;
        }
        let h = m.agent_to_rtp();
        assert_eq!(h.count(), 2);
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        assert!(ms(h.quantile(0.0)) < 0.1, "{:?}", h.quantile(0.0));
        assert!((ms(h.max()) - 99.0).abs() < 4.0, "{:?}", h.max());
        // Only the first message started the response: it alone is in the first-frame figure.
        let f = m.agent_to_rtp_first();
        assert_eq!(f.count(), 1);
        assert!(ms(f.max()) < 0.1, "{:?}", f.max());
    }

    /// What a test keeps of a sent packet.
    #[derive(Debug, Clone, Copy)]
    struct Sent {
        marker: bool,
        seq: u16,
        timestamp: u32,
        /// The payload's first byte (0xFF: silence).
        first: u8,
    }

    /// Agent audio 20 ms at a time in real time (an echo agent), each message `late` after the
    /// slot it is due at; the RTP packets sent, with when.
    fn stream_late_audio(late: Duration, messages: u32) -> (CallMedia, Vec<(Instant, Sent)>) {
        stream_audio(|i| if i == 0 { Duration::ZERO } else { late }, messages)
    }

    /// Agent audio 20 ms at a time, message `i` arriving `late(i)` after `i` × 20 ms past the
    /// first; the RTP packets sent, with when.
    fn stream_audio(
        late: impl Fn(u32) -> Duration,
        messages: u32,
    ) -> (CallMedia, Vec<(Instant, Sent)>) {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let ms20 = Duration::from_millis(20);
        let first = t0 + Duration::from_millis(3);
        let arrivals: Vec<Instant> = (0..messages).map(|i| first + ms20 * i + late(i)).collect();
        let mut sent = Vec::new();
        let mut next_audio = 0;
        let mut now = t0;
        let end = first + ms20 * (messages + 3);
        while now < end {
            let due = m.next_timeout();
            let audio_at = arrivals.get(next_audio).copied();
            now = match audio_at {
                Some(a) if a <= due => a,
                _ => due,
            };
            if audio_at == Some(now) {
                m.handle_agent(
                    now,
                    &ServerMessage::Audio {
                        event_id: 1,
                        audio: vec![0x10 + next_audio as u8; 160],
                    },
                );
                next_audio += 1;
            }
            if m.next_timeout() <= now {
                m.handle_timeout(now);
            }
            for p in drain(&mut m).0 {
                let p = RtpPacket::parse(&p).unwrap();
                let s = Sent {
                    marker: p.marker,
                    seq: p.seq.0,
                    timestamp: p.timestamp,
                    first: p.payload[0],
                };
                sent.push((now, s));
            }
        }
        (m, sent)
    }

    #[test]
    fn audio_a_little_late_for_its_slot_goes_out_on_arrival_not_as_an_underflow() {
        let (m, sent) = stream_late_audio(Duration::from_millis(4), 10);
        let audio: Vec<_> = sent.iter().filter(|(_, p)| p.first != 0xFF).collect();
        assert_eq!(audio.len(), 10);
        // One talkspurt: a marker on the first only, contiguous numbering, every message
        // sent the moment it arrived (its slot was 4 ms earlier).
        for (i, (at, p)) in audio.iter().enumerate() {
            assert_eq!(p.marker, i == 0);
            assert_eq!(p.first, 0x10 + i as u8);
            if i > 0 {
                let (prev_at, prev) = audio[i - 1];
                assert_eq!(p.seq, prev.seq.wrapping_add(1));
                assert_eq!(p.timestamp, prev.timestamp.wrapping_add(160));
                // 24 ms after the first, then 20.
                let gap = if i == 1 { 24 } else { 20 };
                assert_eq!(
                    at.duration_since(*prev_at),
                    Duration::from_millis(gap),
                    "{i}"
                );
            }
        }
        let s = m.stats();
        assert_eq!(
            s.playout.underflows, 1,
            "only the end of the stream runs dry"
        );
        assert_eq!(m.agent_to_rtp().max(), Duration::ZERO);
        // Only the second frame was late (4 ms): the grid followed it, and the audio after
        // it came exactly at its slot (held until it arrived, 0 ms late).
        assert_eq!(s.playout_late_frames, 9);
        let late = m.late_frames();
        assert!(late.max() >= Duration::from_millis(4), "{:?}", late.max());
        assert!(late.p50() < Duration::from_micros(100), "{:?}", late.p50());
    }

    #[test]
    fn the_grid_follows_audio_that_comes_later_and_later_instead_of_running_dry() {
        // The second message 8 ms after its slot, the rest 15 ms: more than the 10 ms grace
        // on the talkspurt's first grid. Following the 8 ms, the third is 7 ms late (within
        // the grace) and the grid follows again; from the fourth on the audio is on time.
        let lates = |i: u32| Duration::from_millis([0, 8, 15][i.min(2) as usize]);
        let (m, sent) = stream_audio(lates, 8);
        let audio: Vec<_> = sent.iter().filter(|(_, p)| p.first != 0xFF).collect();
        assert_eq!(audio.len(), 8, "{sent:?}");
        for (i, (_, p)) in audio.iter().enumerate() {
            assert_eq!((p.first, p.marker), (0x10 + i as u8, i == 0));
        }
        // No gap: the only underflow is the end of the stream (without the grid following,
        // every message from the third on was an underflow).
        let s = m.stats();
        assert_eq!(s.playout.underflows, 1, "{:?}", s.playout);
        assert_eq!(s.playout.gaps, 0);
        // Each frame left when its audio came, and the numbering is contiguous.
        let t_first = audio[0].0;
        for (i, (at, p)) in audio.iter().enumerate().skip(1) {
            let expect = 20 * i as u64 + [0, 8, 15][i.min(2)];
            assert_eq!(*at - t_first, Duration::from_millis(expect), "{i}");
            assert_eq!(p.seq, audio[i - 1].1.seq.wrapping_add(1));
        }
    }

    #[test]
    fn a_resume_that_leaves_the_grid_where_it_was_keeps_the_slip_bounded() {
        // The grid slips its 40 ms (audio 9 ms late, five times), then an underflow, and the
        // audio comes back 1 ms after the next slot, before the driver took that slot (a busy
        // machine): the resume cannot move the grid earlier, so it must not make room for
        // another 40 ms of slip either (it did: in e2e_latency's echo call the queue then
        // stood at 55-135 ms instead of 2-6). (No keepalive: every timeout is the grid's.)
        let t0 = Instant::now();
        let f = AudioFormat::ULAW_8000;
        let settings = MediaSettings {
            keepalive_after: Duration::from_secs(3600),
            ..settings()
        };
        let mut m = CallMedia::new(settings, f, f, SEED, t0).unwrap();
        m.set_peer(peer());
        let lead = MediaSettings::default().pacing_lead;
        let ms = Duration::from_millis;
        let audio = |m: &mut CallMedia, at: Instant| {
            m.handle_agent(
                at,
                &ServerMessage::Audio {
                    event_id: 1,
                    audio: vec![0x11; 160],
                },
            );
        };
        let late_frame = |m: &mut CallMedia| -> Instant {
            let slot = m.next_timeout() + lead;
            m.handle_timeout(slot - lead);
            audio(m, slot + ms(9));
            m.handle_timeout(slot + ms(9));
            slot
        };
        audio(&mut m, t0);
        m.handle_timeout(t0);
        for _ in 0..5 {
            late_frame(&mut m);
        }
        // 9 + 9 + 9 + 9 + 4: the last frame's slot is t0 + 100 + 36 ms, and the grid is
        // now 40 ms behind t0's.
        assert_eq!(m.next_timeout() + lead, t0 + ms(120 + 40));
        // Underflow: held, then silence at the grace's end.
        let slot = m.next_timeout() + lead;
        m.handle_timeout(slot - lead);
        m.handle_timeout(slot + ms(10) - lead);
        assert_eq!(m.stats().playout.underflows, 1);
        // The audio comes 1 ms after the next slot, before the driver woke for it.
        let next = m.next_timeout() + lead;
        assert_eq!(next, slot + ms(20));
        audio(&mut m, next + ms(1));
        m.handle_timeout(next + ms(1));
        // Late again by 9 ms: sent when it comes, but the grid stays (its 40 ms are used).
        let s = late_frame(&mut m);
        assert_eq!(s, next + ms(20));
        assert_eq!(m.next_timeout() + lead, s + ms(20));
        assert_eq!(m.stats().playout_late_frames, 6);
    }

    #[test]
    fn the_grid_slips_at_most_40_ms_per_talkspurt() {
        // Every message 9 ms later than the one before: the grid follows for 40 ms, then the
        // lateness outgrows the grace again and the talkspurt underflows.
        // (9, 18, 27, 36 ms slipped, then the last 4 of the 40; the seventh message is 14 ms
        // after its slot.)
        let (m, sent) = stream_audio(|i| Duration::from_millis(9 * u64::from(i)), 10);
        let firsts: Vec<u8> = sent.iter().take(7).map(|(_, p)| p.first).collect();
        assert_eq!(firsts, [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0xFF]);
        assert!(m.stats().playout.gaps >= 1, "{:?}", m.stats().playout);
    }

    #[test]
    fn audio_later_than_the_grace_is_an_underflow_as_before() {
        let (m, sent) = stream_late_audio(Duration::from_millis(14), 4);
        let s = m.stats();
        // The second message is 14 ms late: silence at its slot + 10 ms (20 + 10 ms after
        // the first), then the audio resumes the talkspurt on arrival (34 ms), without a
        // marker; the grid restarts there, so the next messages are on time.
        let (t_first, first) = sent[0];
        assert!(first.marker && first.first == 0x10);
        assert_eq!(sent[1].1.first, 0xFF);
        // (the driver wakes `pacing_lead` early, here exactly on time)
        let lead = MediaSettings::default().pacing_lead;
        assert_eq!(sent[1].0 - t_first, Duration::from_millis(30) - lead);
        assert_eq!((sent[2].1.first, sent[2].1.marker), (0x11, false));
        assert_eq!(sent[2].0 - t_first, Duration::from_millis(34));
        // That gap and the end of the stream.
        assert_eq!(s.playout.underflows, 2, "{:?}", s.playout);
        // Numbering stays contiguous through it all.
        for w in sent.windows(2) {
            assert_eq!(w[1].1.seq, w[0].1.seq.wrapping_add(1));
        }
    }

    #[test]
    fn no_grace_sends_silence_at_the_slot() {
        let t0 = Instant::now();
        let settings = MediaSettings {
            underflow_grace: Duration::ZERO,
            ..settings()
        };
        let f = AudioFormat::ULAW_8000;
        let mut m = CallMedia::new(settings, f, f, SEED, t0).unwrap();
        m.set_peer(peer());
        m.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 1,
                audio: vec![0x11; 160],
            },
        );
        m.handle_timeout(t0);
        m.handle_timeout(t0 + Duration::from_millis(20));
        let pkts = drain(&mut m).0;
        assert_eq!(pkts.len(), 2);
        assert_eq!(m.stats().playout.underflows, 1);
    }

    #[test]
    fn interruption_flushes_and_drops_stale_audio() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        m.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 5,
                audio: vec![0x11; 1600],
            },
        );
        m.handle_timeout(t0 + Duration::from_millis(20));
        let first = drain(&mut m).0;
        assert_eq!(
            RtpPacket::parse(&first[0]).unwrap().payload[0],
            0x11,
            "played before the interruption"
        );
        m.handle_agent(t0, &ServerMessage::Interruption { event_id: 5 });
        m.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 5,
                audio: vec![0x22; 800],
            },
        );
        m.handle_agent(
            t0,
            &ServerMessage::Audio {
                event_id: 6,
                audio: vec![0x33; 800],
            },
        );
        let mut payload_bytes = Vec::new();
        for i in 2..=8u32 {
            m.handle_timeout(t0 + Duration::from_millis(20) * i);
            for p in drain(&mut m).0 {
                payload_bytes.push(RtpPacket::parse(&p).unwrap().payload[0]);
            }
        }
        assert!(
            !payload_bytes.contains(&0x11),
            "flushed audio was played: {payload_bytes:x?}"
        );
        assert!(!payload_bytes.contains(&0x22), "stale audio was played");
        assert!(payload_bytes.contains(&0x33));
        let s = m.stats();
        assert_eq!((s.interruptions, s.agent_audio_dropped_stale), (1, 1));
    }

    /// The mechanism behind calls of a 40-call burst that got their audio back but none of
    /// their round-trip markers: the pacing thread kept calling handle_timeout while the
    /// call's task, starved, left Asterisk's RTP in the socket; keepalive silence went to the
    /// agent for every 20 ms of that, then the late RTP too, so an echo agent returned more
    /// than real time and the playout queue stood seconds behind (1-4 s measured).
    #[test]
    fn rtp_read_late_retracts_the_keepalive_silence_queued_meanwhile() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let tone = ulaw_tone(440.0, 8000);
        let ms = |n: u64| Duration::from_millis(n);
        let mut seq = 0u16;
        let mut agent_chunks = 0;
        let mut feed = |m: &mut CallMedia, at: Instant| {
            let from = seq as usize * 160 % 8000;
            m.handle_rtp(at, peer(), &rtp(seq, &tone[from..from + 160]));
            seq += 1;
        };
        // 1 s in step: a packet every 20 ms, the pacing clock between them.
        for k in 0..50 {
            feed(&mut m, t0 + ms(20 * k));
            m.handle_timeout(t0 + ms(20 * k + 10));
            agent_chunks += drain(&mut m).1.len();
        }
        assert_eq!(agent_chunks, 50);
        // The task stalls for 400 ms: the pacing thread goes on (keepalive due from 100 ms
        // without RTP), Asterisk's 20 packets wait in the socket; then the task reads them.
        let mut now = t0 + ms(990);
        while now < t0 + ms(1400) {
            now = m.next_timeout().max(now + ms(1));
            m.handle_timeout(now);
            let mut rtp = Vec::new();
            m.drain_rtp(&mut rtp);
        }
        assert!(m.stats().agent_keepalive_chunks >= 15, "{:?}", m.stats());
        for _ in 0..20 {
            feed(&mut m, t0 + ms(1400));
        }
        let (_, agent, _) = drain(&mut m);
        // The agent gets the 20 chunks of audio Asterisk sent, and no silence on top.
        assert_eq!(agent.len(), 20);
        assert!(agent
            .iter()
            .all(|c| chunk_bytes(c) != vec![g711::ULAW_SILENCE; 160]));
        assert_eq!(m.stats().agent_keepalive_chunks, 0);
        // When Asterisk really sends nothing, the silence still goes out.
        let mut now = t0 + ms(1400);
        let mut silent = 0;
        while now < t0 + ms(1900) {
            now = m.next_timeout();
            m.handle_timeout(now);
            silent += drain(&mut m).1.len();
        }
        assert!((19..=21).contains(&silent), "{silent}");
    }

    #[test]
    fn silence_keeps_the_agent_alive_when_asterisk_sends_nothing() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let mut chunks = 0;
        let mut now = t0;
        while now < t0 + Duration::from_millis(500) {
            now = m.next_timeout();
            m.handle_timeout(now);
            chunks += drain(&mut m).1.len();
        }
        // From 100 ms on, one 20 ms chunk per 20 ms.
        assert!((19..=21).contains(&chunks), "{chunks}");
        assert!(m.stats().agent_keepalive_chunks >= 19);
    }

    #[test]
    fn response_latency_runs_from_the_end_of_speech_to_the_first_agent_audio() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let tone = ulaw_tone(440.0, 8000); // 1 s of speech
        let silence = vec![g711::ULAW_SILENCE; 8000]; // 1 s of silence
        let all: Vec<u8> = tone.into_iter().chain(silence).collect();
        let mut events = Vec::new();
        for (i, c) in all.chunks(160).enumerate() {
            m.handle_rtp(
                t0 + Duration::from_millis(20 * i as u64),
                peer(),
                &rtp(i as u16, c),
            );
            events.extend(drain(&mut m).2);
        }
        assert!(events.contains(&MediaEvent::CallerSpeech { speaking: true }));
        assert!(events.contains(&MediaEvent::CallerSpeech { speaking: false }));
        // Speech ended at 1.0 s; the agent answers at 1.9 s.
        m.handle_agent(
            t0 + Duration::from_millis(1900),
            &ServerMessage::Audio {
                event_id: 1,
                audio: vec![0; 160],
            },
        );
        let lat = m.stats().response_latency_ms;
        assert_eq!(lat.len(), 1);
        assert!((lat[0] - 900.0).abs() <= 25.0, "{lat:?}");
    }

    #[test]
    fn levels_and_who_is_speaking_follow_the_audio_both_ways() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let s = m.stats();
        assert_eq!(s.caller_level_dbfs, crate::media::tone::DBFS_FLOOR);
        assert_eq!(s.agent_level_dbfs, crate::media::tone::DBFS_FLOOR);
        assert!(!s.caller_speaking && !s.agent_speaking);
        // Half a second of a loud tone from the caller.
        let tone = ulaw_tone(440.0, 4000);
        for (i, c) in tone.chunks(160).enumerate() {
            m.handle_rtp(
                t0 + Duration::from_millis(20 * i as u64),
                peer(),
                &rtp(i as u16, c),
            );
            drain(&mut m);
        }
        let s = m.stats();
        assert!(s.caller_speaking);
        // ulaw_tone is a full-scale sine: RMS 1/sqrt(2), -3.0 dBFS.
        assert!(
            (s.caller_level_dbfs + 3.0).abs() < 1.0,
            "{}",
            s.caller_level_dbfs
        );
        // Then silence: the level drops at once, speaking ends after the hangover.
        let silence = vec![g711::ULAW_SILENCE; 8000];
        for (i, c) in silence.chunks(160).enumerate() {
            let n = 25 + i;
            m.handle_rtp(
                t0 + Duration::from_millis(20 * n as u64),
                peer(),
                &rtp(n as u16, c),
            );
            drain(&mut m);
        }
        let s = m.stats();
        assert!(!s.caller_speaking);
        assert!(s.caller_level_dbfs < -60.0, "{}", s.caller_level_dbfs);
        // The agent answers with a quieter tone: the output meter and speaking state follow.
        let mut g = SineGen::new(300.0, 8000, 0.1);
        let mut pcm = Vec::new();
        g.extend(1600, &mut pcm);
        let mut audio = Vec::new();
        g711::pcm_to_ulaw(&pcm, &mut audio);
        m.handle_agent(
            t0 + Duration::from_millis(1600),
            &ServerMessage::Audio { event_id: 1, audio },
        );
        let s = m.stats();
        assert!(s.agent_speaking);
        // Peak 0.1 of full scale: RMS 0.0707, -23.0 dBFS.
        assert!(
            (s.agent_level_dbfs + 23.0).abs() < 1.0,
            "{}",
            s.agent_level_dbfs
        );
    }

    #[test]
    fn an_echo_agent_is_timed_by_content_and_the_playout_queue_is_recorded() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let ms = |n: u64| Duration::from_millis(n);
        // 1 s of caller audio, every packet different (like speech), one per 20 ms.
        let packet = |i: u16| -> Vec<u8> { (0..160u16).map(|k| (k * 7 + i * 13) as u8).collect() };
        let mut now = t0;
        let mut sent = Vec::new();
        for i in 0..50u16 {
            now = t0 + ms(20 * i as u64);
            m.handle_rtp(now, peer(), &rtp(i, &packet(i)));
            sent.push((now, packet(i)));
            let _ = drain(&mut m);
        }
        // The agent sends each back 300 ms after it was sent; the pacing clock runs alongside.
        let mut pending: std::collections::VecDeque<(Instant, Vec<u8>)> =
            sent.into_iter().map(|(t, p)| (t + ms(300), p)).collect();
        let end = t0 + ms(1600);
        while now < end {
            let next = m.next_timeout().min(pending.front().map_or(end, |p| p.0));
            now = next;
            while pending.front().is_some_and(|p| p.0 <= now) {
                let (_, audio) = pending.pop_front().unwrap();
                m.handle_agent(now, &ServerMessage::Audio { event_id: 1, audio });
            }
            if m.next_timeout() <= now {
                m.handle_timeout(now);
            }
            let _ = drain(&mut m);
        }
        let t = m.timing();
        let echo = t.echo_loop.expect("echo loop");
        assert_eq!(echo.n, 50);
        assert!((echo.p50 - 300.0).abs() < 0.5, "{echo:?}");
        // Each message is played as it arrives: the talkspurt starts with the first and every
        // later one comes just in time for its slot.
        let wait = t.playout_wait.expect("playout wait");
        assert!(wait.p50 <= 1.0, "{wait:?}");
        let rt = t.echo_round_trip.expect("round trip");
        assert_eq!(rt.n, 50);
        assert!((rt.p50 - (300.0 + wait.p50)).abs() < 1.0, "{rt:?} {wait:?}");
        // About one entry per second of the call; the queue never held more than 20 ms.
        assert!(
            (1..=3).contains(&t.playout_depth_ms.len()),
            "{:?}",
            t.playout_depth_ms
        );
        assert!(t
            .playout_depth_ms
            .iter()
            .all(|[lo, hi]| lo <= hi && *hi <= 20));
        // Queued audio shows live too; stale packets are counted.
        assert_eq!(m.stats().playout_queued_ms, 0.0);
        m.note_stale_rtp(8);
        assert_eq!(m.stats().rtp_in_stale_dropped, 8);
    }

    #[test]
    fn a_stall_of_the_echo_does_not_leave_the_caller_behind_for_the_rest_of_the_call() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let ms = |n: u64| Duration::from_millis(n);
        let packet = |i: u16| -> Vec<u8> { (0..160u16).map(|k| (k * 7 + i * 13) as u8).collect() };
        // 8 s of caller audio. The agent echoes each packet 300 ms after it was sent, except
        // that it stalls for what was sent from 2.0 to 2.5 s and sends that at 2.8 s at once.
        let mut echoes = Vec::new();
        let mut now = t0;
        let mut i = 0u16;
        let end = t0 + ms(9000);
        let mut sent_all = false;
        while now < end {
            let next_rtp = t0 + ms(20 * i as u64);
            let next_echo = echoes.first().map_or(end, |e: &(Instant, Vec<u8>)| e.0);
            now = m
                .next_timeout()
                .min(next_echo)
                .min(if sent_all { end } else { next_rtp });
            if !sent_all && next_rtp <= now {
                m.handle_rtp(now, peer(), &rtp(i, &packet(i)));
                let at = 20 * i as u64;
                let back = if (2000..2500).contains(&at) {
                    2800
                } else {
                    at + 300
                };
                echoes.push((t0 + ms(back), packet(i)));
                echoes.sort_by_key(|e| e.0);
                i += 1;
                sent_all = i == 400;
            }
            while echoes.first().is_some_and(|e| e.0 <= now) {
                let (_, audio) = echoes.remove(0);
                m.handle_agent(now, &ServerMessage::Audio { event_id: 1, audio });
            }
            if m.next_timeout() <= now {
                m.handle_timeout(now);
            }
            let _ = drain(&mut m);
        }
        // The stall's backlog (about 500 ms) stood for one 2 s window and was dropped once.
        let s = m.stats();
        assert_eq!(s.playout.standing_drops, 1, "{:?}", s.playout);
        assert!(
            (400..=520).contains(&s.playout.standing_dropped_ms),
            "{:?}",
            s.playout
        );
        let t = m.timing();
        // Most of the call's audio came back at the echo's 300 ms plus the prebuffer, not
        // 500 ms later: without the drop everything after 2.5 s (three quarters) would.
        let rt = t.echo_round_trip.expect("round trip");
        assert!(rt.p50 < 360.0, "{rt:?}");
        // And the queue is back at the prebuffer's size at the end of the call.
        let last = t.playout_depth_ms[t.playout_depth_ms.len() - 2];
        assert!(last[0] <= 60, "{:?}", t.playout_depth_ms);
    }

    #[test]
    fn a_talkspurt_starts_when_its_audio_is_there_not_at_the_next_grid_slot() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        // Idle silence on the grid t0 + 20 ms, + 40 ms, ...
        for i in 1..=3u64 {
            m.handle_timeout(t0 + Duration::from_millis(20 * i));
        }
        let silence = drain(&mut m).0;
        assert_eq!(silence.len(), 3);
        let last = RtpPacket::parse(&silence[2]).unwrap();
        // 40 ms of agent audio (the prebuffer) 7 ms after a slot: its first frame is due now.
        let at = t0 + Duration::from_millis(67);
        m.handle_agent(
            at,
            &ServerMessage::Audio {
                event_id: 1,
                audio: vec![0x11; 320],
            },
        );
        assert_eq!(m.next_timeout(), at - MediaSettings::default().pacing_lead);
        m.handle_timeout(at);
        let first = drain(&mut m).0;
        assert_eq!(first.len(), 1);
        let p = RtpPacket::parse(&first[0]).unwrap();
        assert!(p.marker && p.payload[0] == 0x11);
        // Numbering continues; the next frame follows 20 ms later on the new grid.
        assert_eq!(p.seq.0, last.seq.0.wrapping_add(1));
        assert_eq!(p.timestamp, last.timestamp.wrapping_add(160));
        assert_eq!(
            m.next_timeout(),
            at + Duration::from_millis(20) - MediaSettings::default().pacing_lead
        );
        assert_eq!(m.agent_to_rtp().max(), Duration::ZERO);
    }

    #[test]
    fn a_steady_tone_and_a_real_agent_give_no_echo_figure() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let tone = ulaw_tone(1000.0, 160); // 20 whole periods: every packet the same
        for i in 0..20u16 {
            m.handle_rtp(
                t0 + Duration::from_millis(20 * i as u64),
                peer(),
                &rtp(i, &tone),
            );
        }
        let later = t0 + Duration::from_millis(700);
        m.handle_agent(
            later,
            &ServerMessage::Audio {
                event_id: 1,
                audio: tone.clone(),
            },
        );
        m.handle_agent(
            later,
            &ServerMessage::Audio {
                event_id: 2,
                audio: vec![0x42; 160],
            },
        );
        let t = m.timing();
        assert_eq!((t.echo_loop, t.echo_round_trip), (None, None));
    }

    #[test]
    fn inbound_loss_and_jitter_are_counted() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        for seq in [10u16, 11, 13, 14] {
            m.handle_rtp(
                t0 + Duration::from_millis(20 * seq as u64),
                peer(),
                &rtp(seq, &[0xff; 160]),
            );
        }
        let s = m.stats();
        assert_eq!(s.rtp_in_lost, 1);
        assert!(s.rtp_in_jitter_ms.abs() < 1e-6, "{}", s.rtp_in_jitter_ms);
    }

    #[test]
    fn inbound_jitter_is_rfc3550_in_milliseconds() {
        // 20 ms packets on time except the third, 4 ms late: |D| = 32 units (4 ms at 8 kHz)
        // twice, so J = 32/16 + (32 - 2)/16 = 3.875 units = 0.484375 ms.
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        for seq in [10u16, 11, 12, 13] {
            let late = if seq == 12 { 4 } else { 0 };
            m.handle_rtp(
                t0 + Duration::from_millis(20 * seq as u64 + late),
                peer(),
                &rtp(seq, &[0xff; 160]),
            );
        }
        let s = m.stats();
        assert_eq!(s.rtp_in_lost, 0);
        assert!(
            (s.rtp_in_jitter_ms - 0.484375).abs() < 1e-9,
            "{}",
            s.rtp_in_jitter_ms
        );
    }
}
