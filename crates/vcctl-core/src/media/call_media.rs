//! The caller -> agent half of an RTP call, sans-IO, owned by the call's task: Asterisk's RTP
//! in, agent audio chunks out; the agent's messages in, replies, events and [`PlayoutInput`]
//! messages for the other half out. The other half, [`RtpPlayout`] (playout queue, pacer,
//! packetizer), is owned by whoever paces the call's RTP (serve's pacing thread); the engine is
//! created whole and hands that half over once ([`CallMedia::take_playout`]). The two share
//! nothing: the task sends [`Output::Playout`] messages, the playout answers with
//! [`PlayoutReport`]s ([`CallMedia::note_playout`]).
//!
//! The caller feeds [`CallMedia::handle_rtp`], [`CallMedia::handle_agent`] and
//! [`CallMedia::handle_timeout`] (keepalive silence) with the time of the input, and drains
//! [`CallMedia::poll_output`]; it sleeps until [`CallMedia::next_timeout`]. The agent protocol
//! and audio conversion are [`AgentSide`], shared with the chan_websocket engine.
//!
//! Audio formats: with `ulaw_8000` on both the agent side and RTP (the default), payloads pass
//! through untouched. Any other agent format (`pcm_16000`, `pcm_24000`, ...) is converted with
//! the G.711 codec and the band-limited resampler.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::agent::proto::{AudioFormat, ServerMessage, Transcript};
use crate::media::agent_side::{AgentOutput, AgentSide, AgentSideStats, ChannelCodec};
use crate::media::echo::Spread;
use crate::media::playout::{Codec, PlayoutStats};
use crate::media::reception::{arrival_units, ReceptionStats};
use crate::media::rtp::RtpPacket;
pub use crate::media::rtp_playout::{PlayoutInput, PlayoutReport, PlayoutTiming, RtpPlayout};

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
            // A talkspurt starts on its first frame, with a 10 ms grace for late audio whose
            // lateness the grid follows, keeps while the playout remembers it (5 s) and then
            // gives back (`RtpPlayout::send_held`, `LatenessMemory`, `recover_slip`): issue
            // 15's target in the bench with no more underflows than the 40 ms prebuffer it
            // replaced (docs/benchmarks.md, "Starting talkspurts on their first frame").
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
    /// Send this JSON text frame to the agent.
    Agent(String),
    /// Hand this to the call's playout ([`RtpPlayout::handle_input`]).
    Playout(PlayoutInput),
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

/// Counters kept by the RTP side of [`CallMedia`] itself.
#[derive(Debug, Clone, Default)]
struct RtpInCounters {
    packets: u64,
    bytes: u64,
    stale_dropped: u64,
    foreign: u64,
    malformed: u64,
    keepalive_chunks: u64,
}

pub struct CallMedia {
    settings: MediaSettings,
    started: Instant,
    peer: Option<SocketAddr>,
    agent: AgentSide,
    last_rx: Option<Instant>,
    next_keepalive: Instant,
    /// Keepalive chunks due but not yet taken by [`Self::poll_output`]: RTP that arrives
    /// before they are taken retracts them (the quiet was only the driver reading late).
    keepalive_pending: u64,
    /// RFC 3550 loss and jitter of the inbound stream, from its first packet (one stream:
    /// a new SSRC continues it, a sequence jump is taken after two sequential packets).
    in_stats: Option<ReceptionStats>,
    rtp_rate: u32,
    pt_learned: bool,
    counters: RtpInCounters,
    /// The playout half until its driver takes it.
    playout: Option<RtpPlayout>,
    /// The playout's latest counters, and its timing once it is back for good.
    playout_report: PlayoutReport,
    playout_timing: PlayoutTiming,
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
        let channel = match codec {
            Codec::Pcmu => ChannelCodec::Ulaw,
            Codec::Pcma => ChannelCodec::Alaw,
            Codec::L16 { .. } => ChannelCodec::Linear {
                rate: codec.clock_rate(),
                big_endian: true,
            },
        };
        let agent = AgentSide::new(channel, agent_in, agent_out, settings.chunk, true, now)
            .map_err(|e| match e {
                MediaError::Unservable { agent, reason, .. } => MediaError::Unservable {
                    agent,
                    rtp: format!("{codec:?}"),
                    reason,
                },
            })?;
        Ok(CallMedia {
            settings,
            started: now,
            peer: None,
            agent,
            last_rx: None,
            next_keepalive: now + settings.keepalive_after,
            keepalive_pending: 0,
            in_stats: None,
            rtp_rate: codec.clock_rate(),
            pt_learned: false,
            counters: RtpInCounters::default(),
            playout: Some(RtpPlayout::new(settings, seed, now)),
            playout_report: PlayoutReport::default(),
            playout_timing: PlayoutTiming::default(),
            out: VecDeque::new(),
        })
    }

    /// The playout half, for the driver that paces the call's RTP (once; `None` after).
    pub fn take_playout(&mut self) -> Option<RtpPlayout> {
        self.playout.take()
    }

    /// The playout's counters, as it last reported them.
    pub fn note_playout(&mut self, report: PlayoutReport) {
        self.playout_report = report;
    }

    /// The playout half is back at the end of the call: keep its final figures.
    pub fn finish_playout(&mut self, playout: &RtpPlayout) {
        self.playout_report = playout.report();
        self.playout_timing = playout.timing();
    }

    /// The address Asterisk sends from and listens on (UNICASTRTP_LOCAL_ADDRESS/PORT).
    /// Until it is set, inbound RTP is dropped.
    pub fn set_peer(&mut self, peer: SocketAddr) {
        self.peer = Some(peer);
    }

    pub fn peer(&self) -> Option<SocketAddr> {
        self.peer
    }

    /// One UDP datagram arrived from `from`.
    pub fn handle_rtp(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
        if Some(from) != self.peer {
            self.counters.foreign += 1;
            return;
        }
        let Ok(pkt) = RtpPacket::parse(data) else {
            self.counters.malformed += 1;
            return;
        };
        self.counters.packets += 1;
        self.counters.bytes += data.len() as u64;
        self.last_rx = Some(now);
        // No keepalive is due before the caller has been quiet this long: the deadline moves
        // with the caller's audio, so a driver that sleeps until `next_timeout` is not woken
        // while it flows (it was, about ten times a second, only to find the caller not quiet
        // and push the deadline itself).
        self.next_keepalive = self.next_keepalive.max(now + self.settings.keepalive_after);
        // Silence queued for a quiet that this packet ends, never sent: Asterisk was not
        // quiet, its audio was waiting in the socket while the driver was busy (a stalled
        // task, with the pacing thread still calling handle_timeout). Sent on top of that
        // audio it would give the agent more than real time, and an echo agent's reply,
        // played in real time, would stand that much behind for the rest of the call.
        self.counters.keepalive_chunks -= self.keepalive_pending;
        self.keepalive_pending = 0;
        let arrival = arrival_units(now.duration_since(self.started), self.rtp_rate);
        self.in_stats
            .get_or_insert_with(|| ReceptionStats::new(pkt.ssrc.0, pkt.seq.0))
            .on_packet(pkt.seq.0, pkt.timestamp, arrival);
        if !self.pt_learned {
            // Answer with the payload type Asterisk uses (matters for dynamic L16 types).
            self.out
                .push_back(Output::Playout(PlayoutInput::PayloadType(pkt.payload_type)));
            self.pt_learned = true;
        }
        self.agent.caller_audio(now, pkt.payload);
        self.move_agent_outputs();
    }

    /// `n` packets Asterisk sent before the agent conversation was ready were dropped unread.
    /// Sending them now, in one burst, would put the caller that far behind for the rest of
    /// the call wherever the audio comes back in real time (an echo agent): the burst returns
    /// as a burst, and the playout queue, fed in real time from then on, never drains it.
    pub fn note_stale_rtp(&mut self, n: u64) {
        self.counters.stale_dropped += n;
    }

    /// A message from the agent arrived.
    pub fn handle_agent(&mut self, now: Instant, msg: &ServerMessage) {
        self.agent.handle_agent(now, msg);
        self.move_agent_outputs();
    }

    fn move_agent_outputs(&mut self) {
        while let Some(o) = self.agent.poll_output() {
            self.out.push_back(match o {
                AgentOutput::Agent(text) => Output::Agent(text),
                AgentOutput::Event(ev) => Output::Event(ev),
                AgentOutput::Play {
                    event_id,
                    audio,
                    arrived,
                    origin,
                } => Output::Playout(PlayoutInput::Audio {
                    event_id,
                    payload: audio,
                    arrived,
                    origin,
                }),
                AgentOutput::Interrupt { event_id } => {
                    Output::Playout(PlayoutInput::Interrupt { event_id })
                }
            });
        }
    }

    /// Time passed: keep the agent fed with silence while Asterisk sends nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        if now < self.next_keepalive {
            return;
        }
        let quiet = self
            .last_rx
            .is_none_or(|t| now.duration_since(t) >= self.settings.keepalive_after);
        if quiet {
            // Encoded when taken (poll_output), unless RTP retracts it first.
            self.keepalive_pending += 1;
            self.counters.keepalive_chunks += 1;
            self.next_keepalive = now + self.settings.chunk;
        } else if let Some(t) = self.last_rx {
            self.next_keepalive = t + self.settings.keepalive_after;
        }
    }

    /// When to call [`Self::handle_timeout`] next: the keepalive interval after the caller's
    /// last packet, then every chunk while the caller stays quiet. Each packet moves it later.
    pub fn next_timeout(&self) -> Instant {
        self.next_keepalive
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
        Some(Output::Agent(self.agent.silence_chunk()))
    }

    pub fn transcript(&self) -> &Transcript {
        self.agent.transcript()
    }

    pub fn caller_speaking(&self) -> bool {
        self.agent.caller_speaking()
    }

    /// The agent side's counters, as a WebSocket call's engine has them
    /// ([`crate::media::ws_call_media::WsCallMedia::stats`]): what serve's call records
    /// take from either transport.
    pub fn agent_stats(&self) -> &AgentSideStats {
        self.agent.stats()
    }

    pub fn stats(&self) -> MediaStats {
        let a = self.agent.stats();
        let p = &self.playout_report;
        let c = &self.counters;
        let (rtp_in_lost, rtp_in_jitter_ms) = match &self.in_stats {
            Some(r) => (r.lost(), r.jitter_ms(self.rtp_rate)),
            None => (0, 0.0),
        };
        MediaStats {
            rtp_in_packets: c.packets,
            rtp_in_bytes: c.bytes,
            rtp_in_stale_dropped: c.stale_dropped,
            rtp_dropped_foreign: c.foreign,
            rtp_dropped_malformed: c.malformed,
            rtp_in_lost,
            rtp_in_jitter_ms,
            rtp_out_packets: p.rtp_out_packets,
            playout_late_frames: p.playout_late_frames,
            agent_chunks_out: a.agent_chunks_out,
            agent_keepalive_chunks: c.keepalive_chunks,
            agent_audio_events: a.agent_audio_events,
            agent_audio_dropped_stale: p.agent_audio_dropped_stale,
            pings: a.pings,
            last_ping_ms: a.last_ping_ms,
            interruptions: a.interruptions,
            playout: p.playout.clone(),
            playout_queued_ms: p.playout_queued_ms,
            response_latency_ms: a.response_latency_ms.clone(),
            pacing_p50_ms: p.pacing_p50_ms,
            pacing_p99_ms: p.pacing_p99_ms,
            pacing_max_ms: p.pacing_max_ms,
            caller_level_dbfs: self.agent.caller_level_dbfs(),
            agent_level_dbfs: a.agent_level_dbfs,
            caller_speaking: self.agent.caller_speaking(),
            agent_speaking: p.agent_speaking,
        }
    }

    /// The call's playout and echo timing (the playout's share once it is back, see
    /// [`Self::finish_playout`]).
    pub fn timing(&self) -> MediaTiming {
        let t = self.playout_timing.clone();
        MediaTiming {
            playout_wait: t.playout_wait,
            playout_depth_ms: t.playout_depth_ms,
            echo_loop: self.agent.echo_loop(),
            echo_round_trip: t.echo_round_trip,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::g711;
    use crate::media::pacer::PacingStats;
    use crate::media::rtp::{Pt, RtpHeader, SeqNo, Ssrc};
    use crate::media::tone::{goertzel_power, SineGen};
    use base64::Engine;

    /// Both halves driven in one place, as serve's call task and pacing thread do between
    /// them: the task half's playout messages go straight to the playout half.
    struct Joined {
        call: CallMedia,
        playout: RtpPlayout,
        rtp: VecDeque<Vec<u8>>,
    }

    enum Out {
        Rtp(Vec<u8>),
        Agent(String),
        Event(MediaEvent),
    }

    impl Joined {
        fn new(
            settings: MediaSettings,
            agent_in: AudioFormat,
            agent_out: AudioFormat,
            seed: StreamSeed,
            now: Instant,
        ) -> Result<Self, MediaError> {
            let mut call = CallMedia::new(settings, agent_in, agent_out, seed, now)?;
            let playout = call.take_playout().expect("the playout half");
            Ok(Joined {
                call,
                playout,
                rtp: VecDeque::new(),
            })
        }
        fn set_peer(&mut self, p: SocketAddr) {
            self.call.set_peer(p)
        }
        fn handle_rtp(&mut self, now: Instant, from: SocketAddr, data: &[u8]) {
            self.call.handle_rtp(now, from, data);
            self.forward(now);
        }
        fn handle_agent(&mut self, now: Instant, msg: &ServerMessage) {
            self.call.handle_agent(now, msg);
            self.forward(now);
        }
        fn handle_timeout(&mut self, now: Instant) {
            if self.call.next_timeout() <= now {
                self.call.handle_timeout(now);
            }
            self.playout.handle_timeout(now);
            self.collect();
        }
        fn next_timeout(&self) -> Instant {
            self.call.next_timeout().min(self.playout.next_timeout())
        }
        fn note_stale_rtp(&mut self, n: u64) {
            self.call.note_stale_rtp(n)
        }
        /// Playout messages to the playout; everything else stays queued for `poll_output`.
        fn forward(&mut self, now: Instant) {
            let mut keep = VecDeque::new();
            // The queued outputs only: keepalive chunks still due stay retractable.
            for o in std::mem::take(&mut self.call.out) {
                match o {
                    Output::Playout(p) => self.playout.handle_input(now, p),
                    o => keep.push_back(o),
                }
            }
            self.call.out = keep;
            self.collect();
        }
        fn collect(&mut self) {
            while let Some(p) = self.playout.poll_rtp() {
                self.rtp.push_back(p);
            }
        }
        fn poll_output(&mut self) -> Option<Out> {
            if let Some(p) = self.rtp.pop_front() {
                return Some(Out::Rtp(p));
            }
            loop {
                match self.call.poll_output()? {
                    Output::Agent(a) => return Some(Out::Agent(a)),
                    Output::Event(e) => return Some(Out::Event(e)),
                    Output::Playout(p) => self.playout.handle_input(Instant::now(), p),
                }
            }
        }
        fn stats(&self) -> MediaStats {
            let mut c = CallMedia::stats(&self.call);
            let r = self.playout.report();
            c.rtp_out_packets = r.rtp_out_packets;
            c.playout_late_frames = r.playout_late_frames;
            c.agent_audio_dropped_stale = r.agent_audio_dropped_stale;
            c.playout = r.playout;
            c.playout_queued_ms = r.playout_queued_ms;
            c.pacing_p50_ms = r.pacing_p50_ms;
            c.pacing_p99_ms = r.pacing_p99_ms;
            c.pacing_max_ms = r.pacing_max_ms;
            c.agent_speaking = r.agent_speaking;
            c
        }
        fn timing(&mut self) -> MediaTiming {
            self.call.finish_playout(&self.playout);
            self.call.timing()
        }
        fn agent_to_rtp(&self) -> &PacingStats {
            self.playout.agent_to_rtp()
        }
        fn agent_to_rtp_first(&self) -> &PacingStats {
            self.playout.agent_to_rtp_first()
        }
        fn late_frames(&self) -> &PacingStats {
            self.playout.late_frames()
        }
    }

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

    fn engine(agent: AudioFormat, t0: Instant) -> Joined {
        let mut m = Joined::new(settings(), agent, agent, SEED, t0).unwrap();
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

    fn drain(m: &mut Joined) -> (Vec<Vec<u8>>, Vec<serde_json::Value>, Vec<MediaEvent>) {
        let (mut r, mut a, mut e) = (vec![], vec![], vec![]);
        while let Some(o) = m.poll_output() {
            match o {
                Out::Rtp(p) => r.push(p),
                Out::Agent(j) => a.push(serde_json::from_str(&j).unwrap()),
                Out::Event(ev) => e.push(ev),
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
    fn the_task_half_hands_agent_audio_and_barge_in_to_the_playout_by_message() {
        let t0 = Instant::now();
        let mut m = CallMedia::new(
            settings(),
            AudioFormat::ULAW_8000,
            AudioFormat::ULAW_8000,
            SEED,
            t0,
        )
        .unwrap();
        m.set_peer(peer());
        assert!(m.take_playout().is_some());
        assert!(
            m.take_playout().is_none(),
            "the playout half is handed over once"
        );
        m.handle_rtp(t0, peer(), &rtp(1, &[0x55; 160]));
        m.handle_rtp(t0, peer(), &rtp(2, &[0x55; 160]));
        let outs: Vec<Output> = std::iter::from_fn(|| m.poll_output()).collect();
        assert_eq!(
            outs[0],
            Output::Playout(PlayoutInput::PayloadType(Pt::PCMU))
        );
        assert_eq!(
            outs.iter()
                .filter(|o| matches!(o, Output::Playout(_)))
                .count(),
            1,
            "the payload type is learned once: {outs:?}"
        );
        assert_eq!(
            outs.iter()
                .filter(|o| matches!(o, Output::Agent(_)))
                .count(),
            2
        );
        let at = t0 + Duration::from_millis(5);
        m.handle_agent(
            at,
            &ServerMessage::Audio {
                event_id: 2,
                audio: vec![0x12; 320],
            },
        );
        m.handle_agent(at, &ServerMessage::Interruption { event_id: 2 });
        let outs: Vec<Output> = std::iter::from_fn(|| m.poll_output()).collect();
        assert_eq!(
            outs,
            vec![
                Output::Playout(PlayoutInput::Audio {
                    event_id: 2,
                    payload: vec![0x12; 320],
                    arrived: at,
                    origin: None,
                }),
                Output::Playout(PlayoutInput::Interrupt { event_id: 2 }),
                Output::Event(MediaEvent::Interrupted { event_id: 2 }),
            ]
        );
        // What the playout reports shows in the call's counters.
        m.note_playout(PlayoutReport {
            rtp_out_packets: 7,
            ..PlayoutReport::default()
        });
        assert_eq!(m.stats().rtp_out_packets, 7);
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
    fn stream_late_audio(late: Duration, messages: u32) -> (Joined, Vec<(Instant, Sent)>) {
        stream_audio(|i| if i == 0 { Duration::ZERO } else { late }, messages)
    }

    /// Agent audio 20 ms at a time, message `i` arriving `late(i)` after `i` × 20 ms past the
    /// first; the RTP packets sent, with when.
    fn stream_audio(
        late: impl Fn(u32) -> Duration,
        messages: u32,
    ) -> (Joined, Vec<(Instant, Sent)>) {
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
        let mut m = Joined::new(settings, f, f, SEED, t0).unwrap();
        m.set_peer(peer());
        let lead = MediaSettings::default().pacing_lead;
        let ms = Duration::from_millis;
        let audio = |m: &mut Joined, at: Instant| {
            m.handle_agent(
                at,
                &ServerMessage::Audio {
                    event_id: 1,
                    audio: vec![0x11; 160],
                },
            );
        };
        let late_frame = |m: &mut Joined| -> Instant {
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
        let mut m = Joined::new(settings, f, f, SEED, t0).unwrap();
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
    /// their round-trip markers (when the pacing thread still drove this half's timeouts):
    /// handle_timeout ran while Asterisk's RTP waited unread in the socket; keepalive silence
    /// went to the agent for every 20 ms of that, then the late RTP too, so an echo agent
    /// returned more than real time and the playout queue stood seconds behind (1-4 s
    /// measured). The call's task now drives both, but any driver that runs the timeout
    /// before reading the socket must not add silence on top of audio that was there.
    #[test]
    fn rtp_read_late_retracts_the_keepalive_silence_queued_meanwhile() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let tone = ulaw_tone(440.0, 8000);
        let ms = |n: u64| Duration::from_millis(n);
        let mut seq = 0u16;
        let mut agent_chunks = 0;
        let mut feed = |m: &mut Joined, at: Instant| {
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
        // For 400 ms the timeouts run (keepalive due from 100 ms without RTP) while
        // Asterisk's 20 packets wait in the socket; then the driver reads them.
        let mut now = t0 + ms(990);
        while now < t0 + ms(1400) {
            now = m.next_timeout().max(now + ms(1));
            m.handle_timeout(now);
            m.collect();
            m.rtp.clear();
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

    /// The task's keepalive timer must not fire while the caller's audio flows: each packet
    /// moves the deadline to the keepalive interval after it, so a driver that sleeps until
    /// `next_timeout` sleeps through the whole stream (it woke about ten times a second when
    /// only `handle_timeout` moved the deadline).
    #[test]
    fn while_rtp_arrives_every_20_ms_the_keepalive_is_never_due() {
        let t0 = Instant::now();
        let mut m = engine(AudioFormat::ULAW_8000, t0);
        let tone = ulaw_tone(440.0, 8000);
        let ms = |n: u64| Duration::from_millis(n);
        // 2 s of RTP, a little jittered (every 20 ms +- 5 ms), and a driver that only calls
        // handle_timeout when its sleep until next_timeout ends before the next packet.
        let mut wakes = 0;
        let mut last = t0;
        for k in 0..100u64 {
            let at = t0 + ms(20 * k + [0, 5, 2, 4, 1][k as usize % 5]);
            while m.call.next_timeout() <= at {
                wakes += 1;
                let due = m.call.next_timeout();
                m.call.handle_timeout(due);
            }
            let from = (k as usize * 160) % 8000;
            m.handle_rtp(at, peer(), &rtp(k as u16, &tone[from..from + 160]));
            assert!(
                m.call.next_timeout() >= at + ms(100),
                "packet {k}: next_timeout {:?} after it",
                m.call.next_timeout().duration_since(at)
            );
            drain(&mut m);
            last = at;
        }
        assert_eq!(wakes, 0, "the timer fired while the caller's audio flowed");
        assert_eq!(m.stats().agent_keepalive_chunks, 0);
        // The caller stops: the first silence is due 100 ms after the last packet, then one
        // chunk every 20 ms.
        assert_eq!(m.call.next_timeout(), last + ms(100));
        let mut dues = Vec::new();
        for _ in 0..5 {
            let due = m.call.next_timeout();
            m.call.handle_timeout(due);
            assert_eq!(drain(&mut m).1.len(), 1, "one silence chunk at {due:?}");
            dues.push(due.duration_since(last).as_millis());
        }
        assert_eq!(dues, [100, 120, 140, 160, 180]);
        // The caller resumes: the silence stops and the deadline follows the audio again.
        let back = last + ms(190);
        m.handle_rtp(back, peer(), &rtp(100, &tone[..160]));
        assert_eq!(m.call.next_timeout(), back + ms(100));
        let (_, agent, _) = drain(&mut m);
        assert_eq!(agent.len(), 1);
        assert_ne!(chunk_bytes(&agent[0]), vec![g711::ULAW_SILENCE; 160]);
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
