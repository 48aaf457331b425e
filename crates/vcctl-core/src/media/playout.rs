//! Outbound playout of one call: agent audio in, exact ptime frames of codec payload out,
//! and an [`RtpSender`] that numbers and timestamps them.
//!
//! The queue holds codec payload bytes (µ-law, A-law or big-endian L16), so µ-law agent
//! audio passes through untouched ([`Playout::push_payload`]) while PCM is encoded once on
//! entry ([`Playout::push_pcm`]). A talkspurt starts when `prebuffer` is queued (or the
//! response was marked complete) and its first frame carries the marker bit. Running dry
//! mid-talkspurt is an underflow: silence is sent and counted until the prebuffer refills,
//! or until `starve_timeout` passes and the talkspurt is considered over. Marking the end
//! of a response ([`Playout::end_of_response`]) pads its last partial frame and ends the
//! talkspurt cleanly. Barge-in ([`Playout::interrupt`]) flushes the queue and drops late
//! audio of the interrupted (or older) agent events.
//!
//! Standing delay: audio that arrives in real time is played in real time, so a backlog
//! that one stall put in the queue (serve, the agent link or the agent late for a moment,
//! then catching up in a burst) would delay everything after it for the rest of the
//! talkspurt: with an echo agent, the rest of the call. When the queue has not fallen to
//! within `max_standing` of the prebuffer for a whole `standing_window` of playing, while the
//! agent sent real time's worth of audio (within a half) in each quarter of that window (not
//! a reply sent ahead, which adds nothing while it plays, nor one still arriving faster than
//! real time), the excess over the prebuffer is dropped from the front of the queue and
//! counted. A reply that an agent streams at real time behind a lead of more than
//! prebuffer + `max_standing` would lose that lead; no agent vcctl knows does that (the
//! service sends replies faster than real time, docs/latency.md).

use std::collections::VecDeque;
use std::time::Duration;

use crate::media::g711::{alaw_encode, ulaw_encode, ALAW_SILENCE, ULAW_SILENCE};
use crate::media::rtp::{Pt, RtpHeader, SeqNo, Ssrc};

/// RTP payload format of the outbound stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// G.711 µ-law, 8 kHz.
    Pcmu,
    /// G.711 A-law, 8 kHz.
    Pcma,
    /// 16-bit big-endian linear PCM at `rate` Hz (Asterisk `slin`, `slin16`, ...).
    L16 { rate: u32 },
}

impl Codec {
    /// RTP clock rate in Hz (an L16 rate is clamped to 1..=384000).
    pub fn clock_rate(self) -> u32 {
        match self {
            Codec::Pcmu | Codec::Pcma => 8000,
            Codec::L16 { rate } => rate.clamp(1, 384_000),
        }
    }

    /// Payload bytes per sample.
    pub fn bytes_per_sample(self) -> usize {
        match self {
            Codec::Pcmu | Codec::Pcma => 1,
            Codec::L16 { .. } => 2,
        }
    }

    /// Byte value of a silent payload (every byte of an L16 silence frame is 0).
    pub fn silence_byte(self) -> u8 {
        match self {
            Codec::Pcmu => ULAW_SILENCE,
            Codec::Pcma => ALAW_SILENCE,
            Codec::L16 { .. } => 0,
        }
    }

    /// Static RTP payload type, if the codec has one (PCMU 0, PCMA 8).
    pub fn static_pt(self) -> Option<Pt> {
        match self {
            Codec::Pcmu => Some(Pt::PCMU),
            Codec::Pcma => Some(Pt::PCMA),
            Codec::L16 { .. } => None,
        }
    }

    /// Samples in `d` at the clock rate (rounded down).
    pub fn samples_in(self, d: Duration) -> usize {
        let n = d.as_nanos().saturating_mul(self.clock_rate() as u128) / 1_000_000_000;
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    /// Samples per frame of `ptime` (at least 1): 160 for 20 ms at 8 kHz, 320 at 16 kHz.
    pub fn samples_per_frame(self, ptime: Duration) -> usize {
        self.samples_in(ptime).max(1)
    }
}

/// Settings of a [`Playout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayoutConfig {
    pub codec: Codec,
    /// Frame duration (clamped to 1 ms..=1 s).
    pub ptime: Duration,
    /// Audio to queue before a talkspurt (or a resume after underflow) starts.
    pub prebuffer: Duration,
    /// Underflow silence after which a talkspurt is considered over.
    pub starve_timeout: Duration,
    /// Queue cap; audio beyond it is dropped and counted.
    pub max_queue: Duration,
    /// Standing delay tolerated above the prebuffer (see the module comment).
    pub max_standing: Duration,
    /// How long the queue must stand above `prebuffer + max_standing`, with audio arriving
    /// in real time, before the excess is dropped; zero turns the bound off.
    pub standing_window: Duration,
}

impl PlayoutConfig {
    /// Defaults: 20 ms frames, 60 ms prebuffer, 400 ms starve timeout, 120 s queue cap, a
    /// standing delay of more than 60 ms over the prebuffer dropped after 2 s.
    pub fn new(codec: Codec) -> Self {
        PlayoutConfig {
            codec,
            ptime: Duration::from_millis(20),
            prebuffer: Duration::from_millis(60),
            starve_timeout: Duration::from_millis(400),
            max_queue: Duration::from_secs(120),
            max_standing: Duration::from_millis(60),
            standing_window: Duration::from_secs(2),
        }
    }
}

/// One outbound frame: exactly one ptime of codec payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub payload: &'a [u8],
    /// First frame of a talkspurt.
    pub marker: bool,
    /// Filler: nothing to play (idle, underflow).
    pub is_silence: bool,
}

/// Counters of a [`Playout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PlayoutStats {
    /// Frames carrying agent audio.
    pub audio_frames: u64,
    /// Filler frames (idle and underflow).
    pub silence_frames: u64,
    /// Talkspurts started.
    pub talkspurts: u64,
    /// Times the queue ran dry mid-talkspurt.
    pub underflows: u64,
    /// Filler frames sent while starved mid-talkspurt.
    pub underflow_frames: u64,
    /// Underflows the talkspurt resumed from: silence the caller heard between two pieces of
    /// agent audio. The other underflows ended the talkspurt (no audio came back before the
    /// starve timeout, the end of the response or a barge-in: the agent had stopped
    /// talking) or are still open.
    pub gaps: u64,
    /// Filler frames inside those gaps.
    pub gap_frames: u64,
    /// Gaps that began within the first [`EARLY_GAP_FRAMES`] frames of their talkspurt.
    pub early_gaps: u64,
    /// Underflows that ended their talkspurt without audio coming back.
    pub trailing_underflows: u64,
    /// Calls to `interrupt`.
    pub interruptions: u64,
    /// Queued bytes discarded by interruptions.
    pub flushed_bytes: u64,
    /// Pushes refused because their event id was interrupted.
    pub stale_pushes: u64,
    /// Payload bytes of those refused pushes.
    pub stale_bytes: u64,
    /// Payload bytes dropped because the queue was full.
    pub overflow_bytes: u64,
    /// Times a standing delay was dropped.
    pub standing_drops: u64,
    /// Payload bytes those drops discarded.
    pub standing_dropped_bytes: u64,
}

/// A gap that begins within this many audio frames of its talkspurt's start counts as early
/// ([`PlayoutStats::early_gaps`]): 100 ms at 20 ms frames.
pub const EARLY_GAP_FRAMES: u32 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Playing,
    Starved { frames: u32 },
}

/// What [`Playout::pop_frame`] sends, before the payload is borrowed.
#[derive(Debug, Clone, Copy)]
struct Next {
    marker: bool,
    silence: bool,
}

/// The current standing-delay window: frames played in it, the least queue depth after
/// each of them, the bytes the agent added in the current quarter of it, and whether any
/// quarter so far was off real-time pace.
#[derive(Debug, Clone, Copy, Default)]
struct StandingWindow {
    frames: u32,
    least: usize,
    arrived: usize,
    off_pace: bool,
}

/// Playout queue of one call.
#[derive(Debug, Clone)]
pub struct Playout {
    cfg: PlayoutConfig,
    frame_bytes: usize,
    start_bytes: usize,
    max_bytes: usize,
    starve_frames: u32,
    queue: VecDeque<u8>,
    frame: Vec<u8>,
    silence: Vec<u8>,
    state: State,
    /// Audio frames played in the current talkspurt, and their number when the current
    /// underflow began (where in a response it happened).
    spurt_frames: u32,
    starved_after: u32,
    /// Bytes left in the response marked complete by `end_of_response`.
    end_at: Option<usize>,
    interrupted: Option<u64>,
    stats: PlayoutStats,
    /// Window length in frames (0: no bound), and the most bytes the queue may keep above
    /// `start_bytes` for a window.
    standing_frames: u32,
    standing_bytes: usize,
    window: StandingWindow,
}

impl Playout {
    /// Empty queue; all buffers are allocated here.
    pub fn new(mut cfg: PlayoutConfig) -> Self {
        cfg.ptime = cfg
            .ptime
            .clamp(Duration::from_millis(1), Duration::from_secs(1));
        let c = cfg.codec;
        let bps = c.bytes_per_sample();
        let spf = c.samples_per_frame(cfg.ptime);
        let frame_bytes = spf.saturating_mul(bps);
        let start_bytes = c
            .samples_in(cfg.prebuffer)
            .saturating_mul(bps)
            .max(frame_bytes);
        let max_bytes = c
            .samples_in(cfg.max_queue)
            .saturating_mul(bps)
            .max(start_bytes);
        let ptime_ns = cfg.ptime.as_nanos().max(1);
        let starve_frames =
            (cfg.starve_timeout.as_nanos() / ptime_ns).clamp(1, u32::MAX as u128) as u32;
        let standing_frames =
            (cfg.standing_window.as_nanos() / ptime_ns).min(u32::MAX as u128) as u32;
        let standing_bytes = c.samples_in(cfg.max_standing).saturating_mul(bps);
        Playout {
            cfg,
            frame_bytes,
            start_bytes,
            max_bytes,
            starve_frames,
            queue: VecDeque::with_capacity(start_bytes.saturating_mul(4).min(1 << 16)),
            frame: Vec::with_capacity(frame_bytes),
            silence: vec![c.silence_byte(); frame_bytes],
            state: State::Idle,
            spurt_frames: 0,
            starved_after: 0,
            end_at: None,
            interrupted: None,
            stats: PlayoutStats::default(),
            standing_frames,
            standing_bytes,
            window: StandingWindow::default(),
        }
    }

    /// The settings in use.
    pub fn config(&self) -> &PlayoutConfig {
        &self.cfg
    }

    /// Payload bytes per frame.
    pub fn frame_bytes(&self) -> usize {
        self.frame_bytes
    }

    fn is_stale(&mut self, event_id: u64, bytes: usize) -> bool {
        match self.interrupted {
            Some(cut) if event_id <= cut => {
                self.stats.stale_pushes += 1;
                self.stats.stale_bytes += bytes as u64;
                true
            }
            _ => false,
        }
    }

    /// Room left in the queue, in whole samples.
    fn room_samples(&self) -> usize {
        self.max_bytes.saturating_sub(self.queue.len()) / self.cfg.codec.bytes_per_sample()
    }

    /// Queue linear PCM at the codec's clock rate, encoding it now. Returns false if the
    /// push was refused as stale (its event id is at or below an interruption).
    pub fn push_pcm(&mut self, event_id: u64, pcm: &[i16]) -> bool {
        let bps = self.cfg.codec.bytes_per_sample();
        if self.is_stale(event_id, pcm.len() * bps) {
            return false;
        }
        let n = pcm.len().min(self.room_samples());
        self.stats.overflow_bytes += ((pcm.len() - n) * bps) as u64;
        self.window.arrived += n * bps;
        let pcm = &pcm[..n];
        match self.cfg.codec {
            Codec::Pcmu => self.queue.extend(pcm.iter().map(|&s| ulaw_encode(s))),
            Codec::Pcma => self.queue.extend(pcm.iter().map(|&s| alaw_encode(s))),
            Codec::L16 { .. } => {
                for s in pcm {
                    self.queue.extend(s.to_be_bytes());
                }
            }
        }
        true
    }

    /// Queue payload bytes already in the codec's format (e.g. `ulaw_8000` agent audio for
    /// PCMU, big-endian samples for L16). Same staleness rule as [`Self::push_pcm`].
    pub fn push_payload(&mut self, event_id: u64, bytes: &[u8]) -> bool {
        if self.is_stale(event_id, bytes.len()) {
            return false;
        }
        let n = bytes
            .len()
            .min(self.max_bytes.saturating_sub(self.queue.len()));
        self.stats.overflow_bytes += (bytes.len() - n) as u64;
        self.window.arrived += n;
        self.queue.extend(&bytes[..n]);
        true
    }

    /// The audio queued so far completes the agent's response: play it even if shorter than
    /// the prebuffer, pad its last frame, and end the talkspurt after it without underflow.
    pub fn end_of_response(&mut self) {
        if self.queue.is_empty() && self.state == State::Idle {
            return;
        }
        self.end_at = Some(self.queue.len());
    }

    /// Barge-in: drop everything queued now, and refuse later pushes whose event id is
    /// `<= event_id` (audio of the interrupted response still in flight).
    pub fn interrupt(&mut self, event_id: u64) {
        self.stats.interruptions += 1;
        self.stats.flushed_bytes += self.queue.len() as u64;
        self.queue.clear();
        self.end_at = None;
        self.end_talkspurt();
        self.window = StandingWindow::default();
        self.interrupted = Some(self.interrupted.map_or(event_id, |c| c.max(event_id)));
    }

    /// Whether a talkspurt may (re)start now.
    fn ready(&self) -> bool {
        self.end_at.is_some_and(|e| e > 0) || self.queue.len() >= self.start_bytes
    }

    /// The next frame to send (call once per ptime).
    pub fn pop_frame(&mut self) -> Frame<'_> {
        let was_playing = self.state == State::Playing;
        let next = self.next_frame();
        if was_playing && !next.silence && self.state == State::Playing {
            self.bound_standing_delay();
        } else {
            // A window measures uninterrupted playing only.
            self.window = StandingWindow::default();
        }
        Frame {
            payload: if next.silence {
                &self.silence
            } else {
                &self.frame
            },
            marker: next.marker,
            is_silence: next.silence,
        }
    }

    /// `slots` frame times passed without a frame taken: the driver's clock was stalled and
    /// re-anchored past them (serve's pacer skips a backlog over 200 ms, and its RTP
    /// timestamps jump them). Their audio stays queued, played late rather than lost; but they
    /// count as playing time in the standing-delay window, so the audio that arrived meanwhile
    /// reads as what it is, real time's worth for the time that passed, and the backlog the
    /// stall leaves is dropped like any other (without this, every stall put its length in
    /// the queue and made its window look like a reply sent ahead: never dropped).
    pub fn skip_slots(&mut self, slots: u64) {
        if self.state != State::Playing || self.end_at.is_some() {
            return;
        }
        for _ in 0..slots.min(u64::from(self.standing_frames) + 1) {
            self.bound_standing_delay();
        }
    }

    /// One more frame of uninterrupted playing: at the end of a window, drop what stood above
    /// the prebuffer for all of it if the agent kept pace with real time (module comment).
    fn bound_standing_delay(&mut self) {
        if self.standing_frames == 0 {
            return;
        }
        let quarter = (self.standing_frames / 4).max(1);
        let w = &mut self.window;
        w.least = if w.frames == 0 {
            self.queue.len()
        } else {
            w.least.min(self.queue.len())
        };
        w.frames += 1;
        if w.frames % quarter == 0 {
            // Real time within a half in each quarter of the window: the echo of a caller
            // or a live stream. A reply sent ahead adds nothing (or far more) for a while.
            let played = (quarter as usize).saturating_mul(self.frame_bytes);
            w.off_pace |= w.arrived < played / 2 || w.arrived > (played / 2).saturating_mul(3);
            w.arrived = 0;
        }
        if w.frames < self.standing_frames {
            return;
        }
        let w = std::mem::take(&mut self.window);
        let excess = w.least.saturating_sub(self.start_bytes);
        if !w.off_pace && excess > self.standing_bytes && self.end_at.is_none() {
            let drop = excess / self.frame_bytes * self.frame_bytes;
            self.queue.drain(..drop);
            self.stats.standing_drops += 1;
            self.stats.standing_dropped_bytes += drop as u64;
        }
    }

    /// The next frame, before the standing-delay bound looks at the queue (its bytes are in
    /// `self.frame` unless it is silence).
    fn next_frame(&mut self) -> Next {
        if self.end_at == Some(0) {
            self.end_at = None;
            self.end_talkspurt();
        }
        match self.state {
            State::Playing => {
                let avail = self.end_at.unwrap_or(self.queue.len());
                if avail >= self.frame_bytes || self.end_at.is_some() {
                    return self.take_frame(false);
                }
                self.stats.underflows += 1;
                self.stats.underflow_frames += 1;
                self.starved_after = self.spurt_frames;
                self.state = State::Starved { frames: 1 };
                if self.starve_frames <= 1 {
                    self.end_talkspurt();
                }
                self.silence_frame()
            }
            State::Idle | State::Starved { .. } if self.ready() => {
                let new_spurt = match self.state {
                    State::Starved { frames } => {
                        self.stats.gaps += 1;
                        self.stats.gap_frames += u64::from(frames);
                        if self.starved_after <= EARLY_GAP_FRAMES {
                            self.stats.early_gaps += 1;
                        }
                        false
                    }
                    _ => {
                        self.stats.talkspurts += 1;
                        self.spurt_frames = 0;
                        true
                    }
                };
                self.state = State::Playing;
                self.take_frame(new_spurt)
            }
            State::Idle => self.silence_frame(),
            State::Starved { frames } => {
                self.stats.underflow_frames += 1;
                if frames + 1 >= self.starve_frames {
                    self.end_talkspurt();
                } else {
                    self.state = State::Starved { frames: frames + 1 };
                }
                self.silence_frame()
            }
        }
    }

    /// Take up to one frame of the current response (padding a short last frame).
    fn take_frame(&mut self, marker: bool) -> Next {
        let avail = self.end_at.unwrap_or(self.queue.len());
        let n = avail.min(self.frame_bytes);
        self.frame.clear();
        self.frame.extend(self.queue.drain(..n));
        self.frame
            .resize(self.frame_bytes, self.cfg.codec.silence_byte());
        if let Some(e) = self.end_at {
            let left = e - n;
            self.end_at = Some(left);
            if left == 0 {
                self.end_at = None;
                self.state = State::Idle;
            }
        }
        self.stats.audio_frames += 1;
        self.spurt_frames = self.spurt_frames.saturating_add(1);
        Next {
            marker,
            silence: false,
        }
    }

    /// The talkspurt is over; an underflow in progress was its end, not a gap.
    fn end_talkspurt(&mut self) {
        if matches!(self.state, State::Starved { .. }) {
            self.stats.trailing_underflows += 1;
        }
        self.state = State::Idle;
    }

    fn silence_frame(&mut self) -> Next {
        self.stats.silence_frames += 1;
        Next {
            marker: false,
            silence: true,
        }
    }

    /// Payload bytes waiting.
    pub fn queued_bytes(&self) -> usize {
        self.queue.len()
    }

    /// Audio waiting, as a duration.
    pub fn queued(&self) -> Duration {
        let samples = self.queue.len() / self.cfg.codec.bytes_per_sample();
        let ns = samples as u128 * 1_000_000_000 / self.cfg.codec.clock_rate() as u128;
        Duration::from_nanos(u64::try_from(ns).unwrap_or(u64::MAX))
    }

    /// Whether the next frame would start playing: a new talkspurt, or a resume after an
    /// underflow, with enough audio queued.
    pub fn starts_playing(&self) -> bool {
        self.state != State::Playing && self.end_at != Some(0) && self.ready()
    }

    /// Whether the next frame would be an underflow: mid-talkspurt (playing, no end marked)
    /// with less than a frame queued. A driver may hold that slot briefly for audio that is
    /// only a little late, instead of sending silence.
    pub fn is_dry(&self) -> bool {
        self.state == State::Playing && self.end_at.is_none() && self.queue.len() < self.frame_bytes
    }

    /// Filler frames of the underflow in progress (0 when none is): neither a gap nor a
    /// trailing underflow yet.
    pub fn starved_frames(&self) -> u32 {
        match self.state {
            State::Starved { frames } => frames,
            _ => 0,
        }
    }

    /// Whether a talkspurt is in progress (playing or starved).
    pub fn is_playing(&self) -> bool {
        self.state != State::Idle
    }

    /// Counters so far.
    pub fn stats(&self) -> PlayoutStats {
        self.stats
    }
}

/// RTP numbering for one outbound stream: sequence +1 per packet, timestamp + one frame
/// of samples per packet (continuing across silence), header written into a reused buffer.
#[derive(Debug, Clone)]
pub struct RtpSender {
    ssrc: Ssrc,
    pt: Pt,
    seq: u16,
    ts: u32,
    samples_per_frame: u32,
    buf: Vec<u8>,
    packets: u64,
}

impl RtpSender {
    /// Start at `first_seq`/`first_ts` (random per RFC 3550; the caller supplies them).
    pub fn new(
        ssrc: Ssrc,
        pt: Pt,
        first_seq: SeqNo,
        first_ts: u32,
        samples_per_frame: u32,
    ) -> Self {
        RtpSender {
            ssrc,
            pt,
            seq: first_seq.0,
            ts: first_ts,
            samples_per_frame,
            buf: Vec::with_capacity(12 + 1280),
            packets: 0,
        }
    }

    /// Build the next packet around `payload` and advance sequence and timestamp.
    pub fn packet(&mut self, payload: &[u8], marker: bool) -> &[u8] {
        let h = RtpHeader {
            marker,
            payload_type: self.pt,
            seq: SeqNo(self.seq),
            timestamp: self.ts,
            ssrc: self.ssrc,
        };
        h.write(payload, &mut self.buf);
        self.seq = self.seq.wrapping_add(1);
        self.ts = self.ts.wrapping_add(self.samples_per_frame);
        self.packets += 1;
        &self.buf
    }

    /// Use `pt` from the next packet on (to answer with the payload type the peer uses).
    pub fn set_payload_type(&mut self, pt: Pt) {
        self.pt = pt;
    }

    /// Build the packet for a playout frame.
    pub fn frame(&mut self, frame: &Frame<'_>) -> &[u8] {
        self.packet(frame.payload, frame.marker)
    }

    /// Advance the timestamp over `frames` frames that were not sent (e.g. pacer skips).
    pub fn skip_frames(&mut self, frames: u64) {
        let adv = (frames as u32).wrapping_mul(self.samples_per_frame);
        self.ts = self.ts.wrapping_add(adv);
    }

    /// Sequence number of the next packet.
    pub fn next_seq(&self) -> SeqNo {
        SeqNo(self.seq)
    }

    /// Timestamp of the next packet.
    pub fn next_timestamp(&self) -> u32 {
        self.ts
    }

    /// Our SSRC.
    pub fn ssrc(&self) -> Ssrc {
        self.ssrc
    }

    /// Packets built so far.
    pub fn packets_sent(&self) -> u64 {
        self.packets
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::g711::{pcm_to_ulaw, ulaw_decode};
    use crate::media::rtp::RtpPacket;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn ulaw(prebuffer_ms: u64) -> Playout {
        let mut cfg = PlayoutConfig::new(Codec::Pcmu);
        cfg.prebuffer = ms(prebuffer_ms);
        Playout::new(cfg)
    }

    fn ramp(n: usize, start: i16) -> Vec<i16> {
        (0..n)
            .map(|i| start.wrapping_add((i as i16).wrapping_mul(37)))
            .collect()
    }

    /// (marker, is_silence, payload) of the next frame.
    fn pop(p: &mut Playout) -> (bool, bool, Vec<u8>) {
        let f = p.pop_frame();
        (f.marker, f.is_silence, f.payload.to_vec())
    }

    #[test]
    fn codec_frame_sizes() {
        assert_eq!(Codec::Pcmu.samples_per_frame(ms(20)), 160);
        assert_eq!(Codec::L16 { rate: 16000 }.samples_per_frame(ms(20)), 320);
        assert_eq!(Codec::L16 { rate: 0 }.samples_per_frame(ms(20)), 1);
        assert_eq!(
            Playout::new(PlayoutConfig::new(Codec::L16 { rate: 16000 })).frame_bytes(),
            640
        );
        assert_eq!(Codec::Pcma.static_pt(), Some(Pt::PCMA));
        assert_eq!(Codec::L16 { rate: 8000 }.static_pt(), None);
    }

    #[test]
    fn odd_sized_chunks_become_exact_frames() {
        let mut p = ulaw(0);
        let pcm = ramp(7 + 100 + 333 + 1 + 199, -3000);
        let mut expect = Vec::new();
        pcm_to_ulaw(&pcm, &mut expect);
        let mut at = 0;
        for n in [7usize, 100, 333, 1, 199] {
            assert!(p.push_pcm(1, &pcm[at..at + n]));
            at += n;
        }
        assert_eq!(p.queued_bytes(), 640);
        assert_eq!(p.queued(), ms(80));
        let mut got = Vec::new();
        for i in 0..4 {
            let (marker, silence, payload) = pop(&mut p);
            assert_eq!(payload.len(), 160);
            assert!(!silence);
            assert_eq!(marker, i == 0);
            got.extend(payload);
        }
        assert_eq!(got, expect);
    }

    #[test]
    fn prebuffer_delays_the_talkspurt() {
        let mut p = ulaw(60);
        p.push_pcm(1, &ramp(320, 100)); // 40 ms
        let (m, s, payload) = pop(&mut p);
        assert!(s && !m);
        assert!(payload.iter().all(|&b| b == 0xFF));
        assert!(!p.is_playing());
        p.push_pcm(1, &ramp(160, 100)); // now 60 ms
        assert!(pop(&mut p).0);
        assert!(p.is_playing());
        assert!(!pop(&mut p).0);
        assert!(!pop(&mut p).1);
        let st = p.stats();
        assert_eq!(
            (st.audio_frames, st.silence_frames, st.talkspurts),
            (3, 1, 1)
        );
        assert_eq!(st.underflows, 0);
    }

    #[test]
    fn end_of_response_plays_short_audio_and_pads_the_last_frame() {
        let mut p = ulaw(100);
        p.end_of_response(); // nothing queued: no effect
        assert!(pop(&mut p).1);
        p.push_payload(5, &[0x11; 200]);
        p.end_of_response();
        // The next response arrives before the first has played out.
        p.push_payload(6, &[0x22; 170]);
        let (m, s, a) = pop(&mut p);
        assert!(m && !s && a == [0x11; 160]);
        let (m, s, b) = pop(&mut p);
        assert!(!m && !s);
        assert_eq!(&b[..40], &[0x11; 40]);
        assert!(b[40..].iter().all(|&x| x == 0xFF));
        // Talkspurt over without underflow; 170 bytes < 100 ms prebuffer: idle silence.
        assert!(!p.is_playing());
        assert!(pop(&mut p).1);
        p.end_of_response();
        let (m, _, c) = pop(&mut p);
        assert!(m && c == [0x22; 160]);
        let (m, s, d) = pop(&mut p);
        assert!(!m && !s && d[..10] == [0x22; 10] && d[10] == 0xFF);
        assert!(pop(&mut p).1);
        let st = p.stats();
        assert_eq!(
            (st.talkspurts, st.underflows, st.underflow_frames),
            (2, 0, 0)
        );
    }

    #[test]
    fn underflow_is_counted_only_inside_a_talkspurt() {
        let mut cfg = PlayoutConfig::new(Codec::Pcmu);
        cfg.prebuffer = ms(40);
        cfg.starve_timeout = ms(100);
        let mut p = Playout::new(cfg);
        for _ in 0..10 {
            assert!(pop(&mut p).1); // idle: not underflow
        }
        p.push_pcm(1, &ramp(400, 0)); // 50 ms
        assert!(pop(&mut p).0);
        assert!(!pop(&mut p).1);
        // 80 samples left: less than a frame, no end marked -> underflow.
        assert!(pop(&mut p).1);
        assert_eq!(p.stats().underflows, 1);
        assert!(p.is_playing());
        // Refill to the prebuffer: resumes without a marker.
        p.push_pcm(1, &ramp(240, 0));
        let (m, s, _) = pop(&mut p);
        assert!(!m && !s);
        assert!(!pop(&mut p).1);
        // Dry again; after 100 ms of starvation the talkspurt is over.
        for _ in 0..5 {
            assert!(pop(&mut p).1);
        }
        assert!(!p.is_playing());
        assert!(pop(&mut p).1);
        let st = p.stats();
        assert_eq!((st.underflows, st.underflow_frames), (2, 6));
        p.push_pcm(2, &ramp(320, 0));
        assert!(pop(&mut p).0, "new talkspurt gets a marker");
    }

    #[test]
    fn an_underflow_the_audio_resumes_from_is_a_gap_one_that_ends_the_talkspurt_is_not() {
        let mut cfg = PlayoutConfig::new(Codec::Pcmu);
        cfg.prebuffer = Duration::ZERO;
        cfg.starve_timeout = ms(100);
        let mut p = Playout::new(cfg);
        // A talkspurt that starts on one frame, whose next audio is a frame late: a gap right
        // after its first frame (early), one silence frame long.
        p.push_payload(1, &[0x11; 160]);
        assert!(pop(&mut p).0);
        assert!(pop(&mut p).1);
        assert_eq!(p.starved_frames(), 1);
        p.push_payload(1, &[0x11; 160 * 8]);
        assert!(!pop(&mut p).1);
        let s = p.stats();
        assert_eq!((s.gaps, s.gap_frames, s.early_gaps), (1, 1, 1));
        // Seven more frames play (8 in the talkspurt so far, 9 with the resumed one), then
        // two frames of silence and audio again: a gap, not early.
        for _ in 0..7 {
            assert!(!pop(&mut p).1);
        }
        assert!(pop(&mut p).1);
        assert!(pop(&mut p).1);
        p.push_payload(1, &[0x11; 160]);
        assert!(!pop(&mut p).1);
        let s = p.stats();
        assert_eq!((s.gaps, s.gap_frames, s.early_gaps), (2, 3, 1));
        assert_eq!(s.trailing_underflows, 0);
        // The agent stops: five frames of silence end the talkspurt (starve timeout). That
        // underflow is the end of the response, not a gap.
        for _ in 0..5 {
            assert!(pop(&mut p).1);
        }
        assert!(!p.is_playing());
        let s = p.stats();
        assert_eq!((s.underflows, s.underflow_frames), (3, 8));
        assert_eq!((s.gaps, s.gap_frames, s.trailing_underflows), (2, 3, 1));
        assert_eq!(p.starved_frames(), 0);
    }

    #[test]
    fn an_underflow_ended_by_the_end_of_the_response_or_a_barge_in_is_not_a_gap() {
        let mut p = ulaw(0);
        p.push_payload(1, &[0x11; 320]);
        pop(&mut p);
        pop(&mut p);
        assert!(pop(&mut p).1, "dry: underflow");
        p.end_of_response(); // nothing left: the talkspurt ends
        assert!(pop(&mut p).1);
        assert!(!p.is_playing());
        p.push_payload(2, &[0x22; 160]);
        assert!(pop(&mut p).0);
        assert!(pop(&mut p).1, "dry again");
        p.interrupt(2);
        let s = p.stats();
        assert_eq!((s.underflows, s.gaps, s.trailing_underflows), (2, 0, 2));
        // An underflow still open counts as neither until it ends.
        p.push_payload(3, &[0x33; 160]);
        pop(&mut p);
        pop(&mut p);
        assert_eq!(p.starved_frames(), 1);
        let s = p.stats();
        assert_eq!((s.underflows, s.gaps, s.trailing_underflows), (3, 0, 2));
    }

    #[test]
    fn dry_means_a_frame_is_missing_mid_talkspurt_only() {
        let mut p = ulaw(0);
        assert!(!p.is_dry(), "idle is not dry");
        p.push_payload(1, &[0x11; 200]);
        assert!(p.starts_playing(), "one frame covered starts a talkspurt");
        assert!(!p.is_dry());
        assert!(pop(&mut p).0);
        assert!(p.is_dry(), "40 bytes left of a frame");
        p.push_payload(1, &[0x22; 120]);
        assert!(!p.is_dry());
        assert!(!pop(&mut p).1);
        p.end_of_response();
        assert!(!p.is_dry(), "an ended response pads instead");
    }

    #[test]
    fn interrupt_flushes_and_drops_stale_events() {
        let mut p = ulaw(0);
        p.push_pcm(1, &ramp(800, 0));
        p.push_pcm(2, &ramp(800, 0));
        assert!(pop(&mut p).0);
        p.interrupt(2);
        assert_eq!(p.queued_bytes(), 0);
        assert!(pop(&mut p).1);
        assert!(!p.push_pcm(2, &ramp(160, 0)));
        assert!(!p.push_payload(1, &[0; 50]));
        assert_eq!(p.queued_bytes(), 0);
        assert!(pop(&mut p).1);
        // An older interruption does not lower the cut.
        p.interrupt(1);
        assert!(!p.push_pcm(2, &ramp(10, 0)));
        assert!(p.push_pcm(3, &ramp(160, 0)));
        assert!(pop(&mut p).0, "audio after barge-in starts a new talkspurt");
        let st = p.stats();
        assert_eq!(st.interruptions, 2);
        assert_eq!(st.flushed_bytes, 1440);
        assert_eq!((st.stale_pushes, st.stale_bytes), (3, 220));
        assert_eq!(st.underflows, 0);
    }

    #[test]
    fn l16_and_alaw_payloads() {
        let mut p = Playout::new(PlayoutConfig {
            prebuffer: Duration::ZERO,
            ..PlayoutConfig::new(Codec::L16 { rate: 16000 })
        });
        assert!(p.pop_frame().payload.iter().all(|&b| b == 0));
        p.push_pcm(1, &[0x0102, -2]);
        p.end_of_response();
        let f = p.pop_frame();
        assert_eq!(f.payload.len(), 640);
        assert_eq!(&f.payload[..4], &[0x01, 0x02, 0xFF, 0xFE]);
        assert!(f.payload[4..].iter().all(|&b| b == 0));
        let mut a = Playout::new(PlayoutConfig::new(Codec::Pcma));
        let f = a.pop_frame();
        assert!(f.is_silence && f.payload.len() == 160 && f.payload.iter().all(|&b| b == 0xD5));
    }

    #[test]
    fn ulaw_passthrough_is_bit_exact() {
        let mut p = ulaw(20);
        let bytes: Vec<u8> = (0..=255u8).cycle().take(480).collect();
        p.push_payload(1, &bytes[..123]);
        p.push_payload(1, &bytes[123..]);
        let mut got = Vec::new();
        for _ in 0..3 {
            got.extend_from_slice(p.pop_frame().payload);
        }
        assert_eq!(got, bytes);
        assert_eq!(ulaw_decode(got[0]), -32124);
    }

    #[test]
    fn extreme_settings_do_not_panic() {
        let mut p = Playout::new(PlayoutConfig {
            codec: Codec::L16 { rate: u32::MAX },
            ptime: Duration::MAX,
            prebuffer: Duration::MAX,
            starve_timeout: Duration::MAX,
            max_queue: Duration::MAX,
            max_standing: Duration::MAX,
            standing_window: Duration::MAX,
        });
        assert_eq!(p.frame_bytes(), 768_000);
        p.push_pcm(u64::MAX, &[1, 2, 3]);
        p.interrupt(u64::MAX);
        assert!(!p.push_pcm(u64::MAX, &[1]));
        assert!(p.pop_frame().is_silence);
        let p = Playout::new(PlayoutConfig {
            ptime: Duration::ZERO,
            ..PlayoutConfig::new(Codec::Pcmu)
        });
        assert_eq!(p.frame_bytes(), 8);
    }

    #[test]
    fn queue_cap_drops_and_counts() {
        let mut cfg = PlayoutConfig::new(Codec::L16 { rate: 8000 });
        cfg.max_queue = ms(100); // 1600 bytes
        let mut p = Playout::new(cfg);
        p.push_pcm(1, &[1; 700]);
        p.push_pcm(1, &[1; 200]);
        p.push_payload(1, &[0; 3]);
        assert_eq!(p.queued_bytes(), 1600);
        assert_eq!(p.stats().overflow_bytes, 203);
    }

    /// A real-time stream through a 40 ms prebuffer (serve's): every 5th frame the agent
    /// sends 100 ms (800 µ-law bytes), and at frame `stall_at` it is `stall_ms` late, its
    /// audio of that time arriving at once afterwards. The least depth (ms) of each second of
    /// playing, as serve records it, for `secs` seconds.
    fn stream_with_a_stall(
        p: &mut Playout,
        stall_at: usize,
        stall_ms: usize,
        secs: usize,
    ) -> Vec<usize> {
        let mut least = Vec::new();
        let mut lo = usize::MAX;
        let mut held = 0;
        for f in 0..secs * 50 {
            if f % 5 == 0 {
                if (stall_at..stall_at + stall_ms / 20).contains(&f) {
                    held += 1;
                } else {
                    for _ in 0..=held {
                        p.push_payload(1, &[0x55; 800]);
                    }
                    held = 0;
                }
            }
            p.pop_frame();
            lo = lo.min(p.queued_bytes() / 8);
            if f % 50 == 49 {
                least.push(lo);
                lo = usize::MAX;
            }
        }
        least
    }

    #[test]
    fn a_backlog_left_by_a_stall_is_dropped_while_audio_arrives_in_real_time() {
        let mut p = ulaw(40);
        let least = stream_with_a_stall(&mut p, 250, 500, 12);
        // Before the stall the queue drains to under a frame between messages.
        assert!(least[1..5].iter().all(|&ms| ms < 20), "{least:?}");
        // The stall's 500 ms stand in the queue after it (the second after the stall)...
        assert!(least[6] >= 480, "{least:?}");
        // ... until one whole window (2 s) of them: then the excess over the prebuffer goes,
        // and the queue stands at the prebuffer, not 500 ms behind, for the rest of the call.
        assert!(least[9..].iter().all(|&ms| ms <= 40), "{least:?}");
        let s = p.stats();
        assert_eq!(s.standing_drops, 1);
        // 500 ms stood in the queue; what goes is all but the 40 ms prebuffer.
        assert_eq!(s.standing_dropped_bytes, (500 - 40) * 8);
        // The stall itself ran the queue dry once; the drop did not.
        assert_eq!(s.underflows, 1);
    }

    /// The other stall: the player's. Audio arrives in real time (100 ms every 5 frames)
    /// while the driver takes no frame for 300 ms of every 1.5 s (a busy machine), then
    /// re-anchors past those slots, telling the playout (`skip_slots`, as serve's pacer does)
    /// or not. The least depth (ms) of each second.
    fn player_stalls_often(p: &mut Playout, tell: bool, secs: usize) -> Vec<usize> {
        let (mut least, mut lo) = (Vec::new(), usize::MAX);
        for f in 0..secs * 50 {
            if f % 5 == 0 {
                p.push_payload(1, &[0x55; 800]);
            }
            let stall = (60..75).contains(&(f % 75));
            if stall {
                if f % 75 == 74 && tell {
                    p.skip_slots(15);
                }
            } else {
                p.pop_frame();
                lo = lo.min(p.queued_bytes() / 8);
            }
            if f % 50 == 49 {
                least.push(lo);
                lo = usize::MAX;
            }
        }
        least
    }

    #[test]
    fn backlogs_left_by_the_players_own_stalls_are_dropped_too() {
        // Each stall leaves its 300 ms in the queue. Counted as the time they were, the
        // windows see real time arriving and drop what stands over the prebuffer: the delay
        // stays within the prebuffer and the last two stalls' 300 ms, for the whole call.
        let mut p = ulaw(40);
        let least = player_stalls_often(&mut p, true, 20);
        assert!(least.iter().all(|&ms| ms <= 640), "{least:?}");
        assert!(p.stats().standing_drops >= 3, "{:?}", p.stats());
        // Not counted, each window with a stall in it looks like a reply sent ahead (300 ms
        // of audio in a few frames), no window is free of one, and the backlog only grows.
        let mut p = ulaw(40);
        let least = player_stalls_often(&mut p, false, 20);
        assert_eq!(p.stats().standing_drops, 0);
        assert!(least[19] >= 3000, "{least:?}");
    }

    #[test]
    fn a_small_standing_delay_is_kept() {
        // 60 ms over the prebuffer is tolerated (max_standing): no drop, no gap in the audio.
        let mut p = ulaw(40);
        let least = stream_with_a_stall(&mut p, 250, 100, 12);
        assert!(
            least[6..].iter().all(|&ms| (80..=100).contains(&ms)),
            "{least:?}"
        );
        assert_eq!(p.stats().standing_drops, 0);
    }

    #[test]
    fn a_reply_sent_ahead_of_real_time_is_played_whole() {
        // A TTS reply: 10 s at once, then 5 s arriving at twice real time. Neither is a
        // standing delay (the first drains, the second grows), so nothing is dropped.
        for per_frame in [0usize, 320] {
            let mut p = ulaw(40);
            let total = if per_frame == 0 {
                80_000
            } else {
                250 * per_frame
            };
            if per_frame == 0 {
                p.push_payload(1, &vec![0x55; total]);
            }
            let mut audio = 0;
            for f in 0..1000 {
                if per_frame > 0 && f < 250 {
                    p.push_payload(1, &vec![0x55; per_frame]);
                }
                if !p.pop_frame().is_silence {
                    audio += 160;
                }
            }
            assert_eq!(audio, total, "sent at {per_frame} bytes per frame");
            assert_eq!(p.stats().standing_drops, 0);
        }
    }

    #[test]
    fn a_zero_window_turns_the_bound_off() {
        let mut cfg = PlayoutConfig::new(Codec::Pcmu);
        cfg.prebuffer = ms(40);
        cfg.standing_window = Duration::ZERO;
        let mut p = Playout::new(cfg);
        let least = stream_with_a_stall(&mut p, 250, 500, 12);
        assert!(least[6..].iter().all(|&ms| ms >= 480), "{least:?}");
        assert_eq!(p.stats().standing_drops, 0);
    }

    #[test]
    fn rtp_numbering_is_continuous_across_talkspurts_and_silence() {
        let mut p = ulaw(20);
        let mut tx = RtpSender::new(Ssrc(0xABCD), Pt::PCMU, SeqNo(65533), u32::MAX - 200, 160);
        let mut script: Vec<Option<usize>> = vec![None; 3];
        script.extend([
            Some(320),
            None,
            None,
            None,
            Some(480),
            None,
            None,
            None,
            None,
        ]);
        let (mut seq, mut ts) = (65533u16, u32::MAX - 200);
        let mut markers = Vec::new();
        let mut ev = 0;
        for step in script {
            if let Some(n) = step {
                ev += 1;
                p.push_pcm(ev, &ramp(n, 5));
                p.end_of_response();
            }
            let f = p.pop_frame();
            let (marker, silence, len) = (f.marker, f.is_silence, f.payload.len());
            let pkt = RtpPacket::parse(tx.frame(&f)).unwrap();
            assert_eq!(pkt.seq, SeqNo(seq));
            assert_eq!(pkt.timestamp, ts);
            assert_eq!(pkt.ssrc, Ssrc(0xABCD));
            assert_eq!(pkt.payload_type, Pt::PCMU);
            assert_eq!(pkt.payload.len(), len);
            assert_eq!(pkt.marker, marker);
            markers.push((marker, silence));
            seq = seq.wrapping_add(1);
            ts = ts.wrapping_add(160);
        }
        let m: Vec<bool> = markers.iter().map(|x| x.0).collect();
        let s: Vec<bool> = markers.iter().map(|x| x.1).collect();
        assert_eq!(
            m,
            [false, false, false, true, false, false, false, true, false, false, false, false]
        );
        assert_eq!(
            s,
            [true, true, true, false, false, true, true, false, false, false, true, true]
        );
        assert_eq!(tx.next_seq(), SeqNo(seq));
        assert_eq!(tx.packets_sent(), 12);
        tx.skip_frames(3);
        assert_eq!(tx.next_timestamp(), ts.wrapping_add(480));
        assert_eq!(tx.next_seq(), SeqNo(seq));
    }
}
