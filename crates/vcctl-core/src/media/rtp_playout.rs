//! The agent -> caller half of an RTP call, sans-IO: agent audio (already in the RTP codec)
//! in, paced RTP packets out. It holds the playout queue, the pacer and the packetizer, and
//! has one owner: serve's pacing thread. The call's task owns the other half
//! ([`crate::media::call_media::CallMedia`]) and talks to this one only by
//! [`PlayoutInput`] messages; this half answers with [`PlayoutReport`]s.
//!
//! The driver feeds [`RtpPlayout::handle_input`] and [`RtpPlayout::handle_timeout`] with the
//! time, drains [`RtpPlayout::poll_rtp`] and sleeps until [`RtpPlayout::next_timeout`].

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::media::agent_side::{ms_f64, SAMPLE_CAP};
use crate::media::call_media::{MediaSettings, PlayoutSummary, StreamSeed};
use crate::media::echo::{SampleLog, Spread};
use crate::media::pacer::{Pacer, PacingStats};
use crate::media::playout::{Playout, PlayoutConfig, PlayoutStats, RtpSender};
use crate::media::rtp::{Pt, SeqNo, Ssrc};

/// How far a talkspurt's grid may slip behind where it started to follow audio that comes
/// late (see `RtpPlayout::send_held`): the old 40 ms prebuffer's worth, taken only when needed.
const MAX_GRID_SLIP: Duration = Duration::from_millis(40);

/// A grid that sits late on audio arriving in real time comes back once the audio has been
/// early for its slots this long: every agent audio message that started in the last
/// `SLIP_WINDOW_FRAMES` frames (1 s) arrived at least `SLIP_KEEP`, and less than a frame,
/// before its slot (beyond the margin a prebuffer gives by design). The grid gets late on its audio two ways: it follows late audio
/// (`send_held`), or a talkspurt resumes on a message that came after the grace (the grid
/// restarts on it) and the messages after it come on time again. Without this, one hiccup
/// (the agent link, this machine) kept its lateness in every frame of the talkspurt after
/// it: with an echo agent, whose talkspurt is the whole call, for the rest of the call
/// (e2e_latency's echo call waited 26-29 ms per frame instead of 3-7 after one such hiccup
/// under load). Audio queued a frame or more ahead of its slot (a reply sent faster than
/// real time) is not late audio: the grid stays.
const SLIP_WINDOW_FRAMES: u32 = 50;
/// The margin a recovering grid keeps ahead of the audio (the grace catches what is later).
const SLIP_KEEP: Duration = Duration::from_millis(2);
/// At most this much of the slip comes back per window, so the grid moves in steps small
/// against a frame.
const SLIP_STEP: Duration = Duration::from_millis(10);

/// How long the playout remembers how late its audio came (see [`LatenessMemory`]).
const LATENESS_MEMORY: Duration = Duration::from_secs(5);

/// The most any agent audio came after its slot in the last `LATENESS_MEMORY`: the margin
/// the grid keeps ahead of the arrivals, as an adaptive jitter buffer sizes itself by the
/// jitter it saw. Lateness comes in two kinds: a frame held for its audio within the grace
/// (slot -> arrival), and a gap (the first audio after a slot that went out as silence:
/// that slot -> its arrival). Without the memory, a grid that slipped for late audio came
/// back to the arrivals after one early second, and the next stall of a busy machine found
/// no margin: at 500 calls in the bench, a grace of 10 ms had up to 1102 frames of silence
/// in mid-response in the measured window where a 40 ms prebuffer had none.
///
/// A sliding-window maximum: entries are kept in decreasing order of lateness, so the
/// front is the maximum and the deque holds few entries.
#[derive(Debug, Default)]
struct LatenessMemory {
    seen: VecDeque<(Instant, Duration)>,
}

impl LatenessMemory {
    fn note(&mut self, at: Instant, late: Duration) {
        let late = late.min(MAX_GRID_SLIP);
        while self.seen.back().is_some_and(|&(_, d)| d <= late) {
            self.seen.pop_back();
        }
        self.seen.push_back((at, late));
    }

    /// The most lateness seen in the memory's window before `now`.
    fn peak(&mut self, now: Instant) -> Duration {
        while self
            .seen
            .front()
            .is_some_and(|&(t, _)| now.saturating_duration_since(t) > LATENESS_MEMORY)
        {
            self.seen.pop_front();
        }
        self.seen.front().map_or(Duration::ZERO, |&(_, d)| d)
    }
}

/// A message from the call's task to its playout.
#[derive(Debug, Clone, PartialEq)]
pub enum PlayoutInput {
    /// Agent audio in the RTP codec (L16 big-endian), with when its message arrived and,
    /// for echo agents, when the caller audio it echoes arrived.
    Audio {
        event_id: u64,
        payload: Vec<u8>,
        arrived: Instant,
        origin: Option<Instant>,
    },
    /// Barge-in: drop what is queued and the interrupted response's audio still in flight.
    Interrupt { event_id: u64 },
    /// Answer with the payload type Asterisk uses (matters for dynamic L16 types).
    PayloadType(Pt),
}

impl PlayoutInput {
    /// Whether the playout must see this message at once rather than at its next frame:
    /// audio for a playout that is not on its grid (one that is idle starts a talkspurt on
    /// arrival, one that holds a slot for late audio sends it, one in a gap resumes; see
    /// [`RtpPlayout::is_on_grid`]) and barge-in.
    pub fn is_urgent(&self, on_grid: bool) -> bool {
        match self {
            PlayoutInput::Audio { .. } => !on_grid,
            PlayoutInput::Interrupt { .. } => true,
            PlayoutInput::PayloadType(_) => false,
        }
    }
}

/// The playout's counters, as the call's live view and records show them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayoutReport {
    pub rtp_out_packets: u64,
    pub playout_late_frames: u64,
    pub agent_audio_dropped_stale: u64,
    pub playout: PlayoutSummary,
    pub playout_queued_ms: f64,
    /// Agent audio is playing: a talkspurt is in progress (from its first audio queued to
    /// the end of the response, gaps included). Not "the queue holds some": a talkspurt that
    /// starts on arrival and is fed in real time has its queue empty most of the time.
    pub agent_speaking: bool,
    pub pacing_p50_ms: f64,
    pub pacing_p99_ms: f64,
    pub pacing_max_ms: f64,
}

/// The playout's share of a call's timing (computed once, at the end of the call).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayoutTiming {
    pub playout_wait: Option<Spread>,
    pub playout_depth_ms: Vec<[u32; 2]>,
    pub echo_round_trip: Option<Spread>,
}

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

pub struct RtpPlayout {
    settings: MediaSettings,
    started: Instant,
    playout: Playout,
    /// Standing-backlog bytes the playout had dropped at the last frame.
    standing_dropped_seen: u64,
    sender: RtpSender,
    pacer: Pacer,
    pacing: PacingStats,
    /// The grid time of a slot held for late audio (see `MediaSettings::underflow_grace`).
    held: Option<Instant>,
    /// Slot time -> sent, for frames sent late within the grace.
    late: PacingStats,
    /// How far the grid slipped since it last started on an arrival (at most
    /// `MAX_GRID_SLIP`; see `send_held`).
    slip: Duration,
    /// Since the grid last moved: audio frames sent, and the least time a message starting in
    /// one of them arrived before its slot (see `SLIP_WINDOW_FRAMES`).
    slip_window: (u32, Option<Duration>),
    /// How late audio came recently: the margin the grid keeps (see [`LatenessMemory`]).
    lateness: LatenessMemory,
    /// The slot that went out as silence when the talkspurt ran dry (the start of a gap),
    /// until audio comes again.
    dry_slot: Option<Instant>,
    /// A talkspurt (re)started on its audio's arrival: after its first frame the grid moves
    /// this much later, the margin recent lateness calls for.
    spurt_margin: Option<Duration>,
    last_agent_audio: Option<Instant>,
    /// Agent audio messages waiting to be played.
    pending_audio: VecDeque<Pending>,
    agent_to_rtp: PacingStats,
    /// The same, only for the messages that start a response (the talkspurt's first frame).
    agent_to_rtp_first: PacingStats,
    playout_wait: SampleLog,
    echo_round_trip: SampleLog,
    /// Playout queue depth: finished seconds ([least, most] ms), and the current second.
    depth: Vec<[u32; 2]>,
    depth_now: Option<(u64, u32, u32)>,
    rtp_out_packets: u64,
    late_frames: u64,
    dropped_stale: u64,
    out: VecDeque<Vec<u8>>,
}

impl std::fmt::Debug for RtpPlayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RtpPlayout")
            .field("report", &self.report())
            .finish_non_exhaustive()
    }
}

impl RtpPlayout {
    pub fn new(settings: MediaSettings, seed: StreamSeed, now: Instant) -> Self {
        let codec = settings.rtp_codec;
        let pt = codec.static_pt().unwrap_or(Pt(118));
        let spf = codec.samples_per_frame(settings.ptime) as u32;
        let mut pcfg = PlayoutConfig::new(codec);
        pcfg.ptime = settings.ptime;
        pcfg.prebuffer = settings.prebuffer;
        // A backlog that a stall leaves (the talkspurt went on with silence, then the late
        // audio came at once) may stand the old prebuffer's worth above the prebuffer; more is
        // dropped once it has stood for the playout's window with audio arriving in real time.
        // So a talkspurt that starts on its first frame never waits longer than the 40 ms
        // prebuffer made every frame wait, for longer than that window.
        pcfg.max_standing = MAX_GRID_SLIP;
        RtpPlayout {
            settings,
            started: now,
            playout: Playout::new(pcfg),
            standing_dropped_seen: 0,
            sender: RtpSender::new(Ssrc(seed.ssrc), pt, SeqNo(seed.seq), seed.timestamp, spf),
            pacer: Pacer::new(now + settings.ptime, settings.ptime),
            pacing: PacingStats::new(),
            held: None,
            late: PacingStats::new(),
            slip: Duration::ZERO,
            slip_window: (0, None),
            lateness: LatenessMemory::default(),
            dry_slot: None,
            spurt_margin: None,
            last_agent_audio: None,
            pending_audio: VecDeque::new(),
            agent_to_rtp: PacingStats::new(),
            agent_to_rtp_first: PacingStats::new(),
            playout_wait: SampleLog::new(SAMPLE_CAP),
            echo_round_trip: SampleLog::new(SAMPLE_CAP),
            depth: Vec::new(),
            depth_now: None,
            rtp_out_packets: 0,
            late_frames: 0,
            dropped_stale: 0,
            out: VecDeque::new(),
        }
    }

    /// A message from the call's task, seen at `now`.
    pub fn handle_input(&mut self, now: Instant, input: PlayoutInput) {
        match input {
            PlayoutInput::Audio {
                event_id,
                payload,
                arrived,
                origin,
            } => {
                self.last_agent_audio = Some(arrived);
                // The first audio after a slot ran dry mid-talkspurt (a gap, not the end of
                // the response): how late it came for that slot.
                let gap_late = self
                    .dry_slot
                    .take()
                    .filter(|_| self.playout.starved_frames() > 0)
                    .map(|slot| now.saturating_duration_since(slot));
                if let Some(late) = gap_late {
                    self.lateness.note(now, late);
                }
                let ahead = self.playout.queued_bytes();
                let starts_response = ahead == 0 && !self.playout.is_playing();
                if !self.playout.push_payload(event_id, &payload) {
                    self.dropped_stale += 1;
                    return;
                }
                if self.playout.starts_playing() {
                    // Start the talkspurt (or resume after an underflow) now rather than at
                    // the next slot of the grid the silence was sent on: that slot's phase is
                    // random, so it would add 0-20 ms to every frame that follows, different
                    // per call. The frame keeps the stream's next timestamp (a new talkspurt
                    // carries the marker bit, which tells the receiver to re-time it).
                    if self.pacer.rebase(now) {
                        // The grid starts again on this audio: no slip on it yet. (Only if it
                        // moved: a resume that found its slot already due leaves the grid, and
                        // its slip, where they were; resetting the count there let the grid
                        // slip without bound, 55-135 ms in e2e_latency's echo call.)
                        self.slip = Duration::ZERO;
                        // Its first frame goes now; the ones after it keep the margin the
                        // lateness of the last seconds calls for, beyond what the prebuffer
                        // gives (see `LatenessMemory`). A gap's grid restarts on audio that
                        // came that late: the grid moved that much already.
                        let margin = self
                            .lateness
                            .peak(now)
                            .saturating_sub(self.cushion() + gap_late.unwrap_or_default());
                        self.spurt_margin = (!margin.is_zero()).then_some(margin);
                    }
                    self.slip_window = (0, None);
                }
                self.pending_audio.push_back(Pending {
                    arrived,
                    ahead,
                    origin,
                    starts_response,
                });
            }
            PlayoutInput::Interrupt { event_id } => {
                self.playout.interrupt(event_id);
                self.pending_audio.clear();
                self.dry_slot = None;
            }
            PlayoutInput::PayloadType(pt) => self.sender.set_payload_type(pt),
        }
    }

    /// Time passed: make the RTP frames that are due.
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
                self.send_frame(now, first_slot + self.settings.ptime * i);
            }
        }
    }

    /// Send the held slot's frame now: its audio (late) or, the grace over, silence.
    ///
    /// Audio late for its slot (and not the driver: `follow`) moves the grid with it, up to
    /// `MAX_GRID_SLIP` from where the grid last started on an arrival. A talkspurt that
    /// started the moment its first audio came has its grid on the arrivals, so with audio
    /// that comes at real time (the bench's echo, an agent streaming) about every other
    /// frame's audio comes a little after its slot: without the slip each of those frames is
    /// late (send jitter) and one later than the grace is an underflow. Following the
    /// lateness gives the frames after it that much margin, as a prebuffer would, but only as
    /// much as the audio called for, and still starts every response at once. The timestamps
    /// stay contiguous: the receiver sees the stream arrive that much later, once.
    fn send_held(&mut self, now: Instant, slot: Instant, follow: bool) {
        self.held = None;
        if self.send_frame(now, slot) {
            let late = now.saturating_duration_since(slot);
            self.late_frames += 1;
            self.late.record_duration(late);
            if follow {
                self.lateness.note(now, late);
                let d = late.min(MAX_GRID_SLIP.saturating_sub(self.slip));
                self.pacer.delay(d);
                self.slip += d;
                // The grid moved: what the window saw was on the old one.
                self.slip_window = (0, None);
            }
        }
    }

    /// One more frame of audio sent on the grid; `margin` is the least time a message that
    /// starts in it arrived before its slot. A window whose audio was early enough, but by
    /// less than a frame, brings the grid back toward its arrivals, a step at a time (see
    /// `SLIP_WINDOW_FRAMES`).
    fn recover_slip(&mut self, now: Instant, margin: Option<Duration>) {
        let (frames, least) = &mut self.slip_window;
        *frames += 1;
        if let Some(m) = margin {
            *least = Some(least.map_or(m, |l| l.min(m)));
        }
        if *frames < SLIP_WINDOW_FRAMES {
            return;
        }
        if let Some(least) = *least {
            // A prebuffer's margin is by design: a talkspurt that starts with P queued has
            // its messages arrive P - ptime before their slots. Only lateness beyond it is
            // given back (without this, a 40 ms prebuffer's 20 ms were eaten in a few
            // windows, and its talkspurts ran dry like ones without: 422-2283 window
            // underflow frames in the bench where it had 0).
            let cushion = self.cushion();
            if least < cushion + self.settings.ptime {
                // The margin kept: what recent lateness called for (LatenessMemory), at
                // least SLIP_KEEP.
                let keep = self.lateness.peak(now).max(SLIP_KEEP);
                let d = least.saturating_sub(cushion + keep).min(SLIP_STEP);
                if !d.is_zero() {
                    self.pacer.advance(d);
                    self.slip = self.slip.saturating_sub(d);
                }
            }
        }
        self.slip_window = (0, None);
    }

    /// The margin a prebuffer gives by design: a talkspurt that starts with P queued has its
    /// messages arrive P - ptime before their slots.
    fn cushion(&self) -> Duration {
        self.settings.prebuffer.saturating_sub(self.settings.ptime)
    }

    /// Pop the next playout frame (due at `slot` on the grid) and send it; true if it
    /// carried agent audio.
    fn send_frame(&mut self, now: Instant, slot: Instant) -> bool {
        let frame = self.playout.pop_frame();
        let audio = !frame.is_silence;
        let mut margin: Option<Duration> = None;
        if audio {
            let n = frame.payload.len();
            while self.pending_audio.front().is_some_and(|p| p.ahead < n) {
                if let Some(p) = self.pending_audio.pop_front() {
                    let m = slot.saturating_duration_since(p.arrived);
                    margin = Some(margin.map_or(m, |x| x.min(m)));
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
        if !audio && self.playout.starved_frames() == 1 {
            // The talkspurt ran dry at this slot: the audio that comes next is that late.
            self.dry_slot = Some(slot);
        }
        if audio {
            if let Some(m) = self.spurt_margin.take() {
                // The talkspurt's first frame went at once; the grid after it keeps the
                // margin recent lateness calls for.
                let d = m.min(MAX_GRID_SLIP.saturating_sub(self.slip));
                self.pacer.delay(d);
                self.slip += d;
                self.slip_window = (0, None);
            } else {
                self.recover_slip(now, margin);
            }
        }
        self.rtp_out_packets += 1;
        self.out.push_back(pkt);
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
            if now.saturating_duration_since(t) >= self.settings.response_gap
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
        pace.checked_sub(self.settings.pacing_lead).unwrap_or(pace)
    }

    /// The next RTP packet to send to Asterisk.
    pub fn poll_rtp(&mut self) -> Option<Vec<u8>> {
        self.out.pop_front()
    }

    /// Whether a talkspurt is playing on its grid, with no slot held for late audio and no
    /// gap in progress: audio that arrives now only joins the queue and can wait for the
    /// next frame's timeout, which takes the input before it pops the frame (see
    /// [`PlayoutInput::is_urgent`]), even when less than a frame is queued: the audio cannot
    /// leave before its slot anyway. (A playout that starts on arrival is nearly dry most of
    /// the time with audio that comes in real time; counting that as urgent woke the pacing
    /// thread for every agent message of every call: 12 % more CPU per call in `vcctl
    /// bench` at 300 calls than with a 40 ms prebuffer, docs/benchmarks.md.) A slot that
    /// finds no audio is held (grace) or starts a gap, and input is urgent again from then.
    pub fn is_on_grid(&self) -> bool {
        self.playout.is_playing() && self.playout.starved_frames() == 0 && self.held.is_none()
    }

    /// The counters, for the call's live view and record.
    pub fn report(&self) -> PlayoutReport {
        PlayoutReport {
            rtp_out_packets: self.rtp_out_packets,
            playout_late_frames: self.late_frames,
            agent_audio_dropped_stale: self.dropped_stale,
            playout: PlayoutSummary::new(self.playout.stats(), self.settings.rtp_codec),
            playout_queued_ms: self.playout.queued().as_secs_f64() * 1000.0,
            agent_speaking: self.playout.is_playing() || self.playout.queued_bytes() > 0,
            pacing_p50_ms: ms_f64(self.pacing.p50()),
            pacing_p99_ms: ms_f64(self.pacing.p99()),
            pacing_max_ms: ms_f64(self.pacing.max()),
        }
    }

    /// The playout's timing figures (percentiles are computed here: call it once, at the end
    /// of the call).
    pub fn timing(&self) -> PlayoutTiming {
        let mut depth = self.depth.clone();
        if let Some((_, lo, hi)) = self.depth_now {
            depth.push([lo, hi]);
        }
        PlayoutTiming {
            playout_wait: self.playout_wait.spread(),
            playout_depth_ms: depth,
            echo_round_trip: self.echo_round_trip.spread(),
        }
    }

    /// Send-time errors against the 20 ms grid.
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

    /// [`RtpPlayout::agent_to_rtp`] for the messages that started a response only (no
    /// talkspurt playing when they arrived): the wait before the caller hears anything.
    pub fn agent_to_rtp_first(&self) -> &PacingStats {
        &self.agent_to_rtp_first
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::rtp::RtpPacket;
    use std::time::Duration;

    const SEED: StreamSeed = StreamSeed {
        ssrc: 5,
        seq: 10,
        timestamp: 0,
    };

    fn audio(event_id: u64, bytes: usize, at: Instant) -> PlayoutInput {
        PlayoutInput::Audio {
            event_id,
            payload: vec![0x11; bytes],
            arrived: at,
            origin: None,
        }
    }

    fn drain(p: &mut RtpPlayout) -> Vec<Vec<u8>> {
        std::iter::from_fn(|| p.poll_rtp()).collect()
    }

    #[test]
    fn first_audio_is_urgent_and_starts_the_talkspurt_on_arrival() {
        let t0 = Instant::now();
        let mut p = RtpPlayout::new(MediaSettings::default(), SEED, t0);
        let input = audio(1, 800, t0 + Duration::from_millis(7));
        assert!(input.is_urgent(p.is_on_grid()), "nothing is playing yet");
        p.handle_input(t0 + Duration::from_millis(7), input);
        // The grid moved to the arrival (less the pacing lead), not the next 20 ms slot.
        let at = t0 + Duration::from_millis(7);
        assert_eq!(p.next_timeout(), at - MediaSettings::default().pacing_lead);
        p.handle_timeout(at);
        let sent = drain(&mut p);
        assert_eq!(sent.len(), 1);
        let pkt = RtpPacket::parse(&sent[0]).unwrap();
        assert!(pkt.marker, "a talkspurt starts with the marker bit");
        assert_eq!(pkt.payload, &[0x11; 160][..]);
        // More audio while playing joins the talkspurt at its next frame.
        assert!(p.is_on_grid());
        assert!(!audio(1, 160, at).is_urgent(p.is_on_grid()));
        assert_eq!(p.report().rtp_out_packets, 1);
        assert_eq!(p.agent_to_rtp().max(), Duration::ZERO);
    }

    #[test]
    fn audio_is_urgent_only_when_a_slot_waits_for_it_or_nothing_plays() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut p = RtpPlayout::new(MediaSettings::default(), SEED, t0);
        assert!(!p.is_on_grid(), "idle: audio starts a talkspurt at once");
        // One frame arrives and goes at once: the queue is empty, but the next slot (20 ms)
        // is ahead, and the thread takes the inbox before it pops that slot's frame.
        p.handle_input(t0, audio(1, 160, t0));
        p.handle_timeout(t0);
        assert_eq!(drain(&mut p).len(), 1);
        assert_eq!(p.playout_stats().audio_frames, 1);
        assert!(
            p.is_on_grid(),
            "playing, nothing held: audio can wait for its slot"
        );
        assert!(!audio(1, 160, t0 + ms(5)).is_urgent(p.is_on_grid()));
        // Its next slot comes with no audio: held for the grace, and audio is urgent now.
        p.handle_timeout(t0 + ms(20));
        assert!(
            drain(&mut p).is_empty(),
            "the slot is held, not filled with silence"
        );
        assert!(!p.is_on_grid());
        assert!(audio(1, 160, t0 + ms(21)).is_urgent(p.is_on_grid()));
        // The grace ends without audio: silence, a gap begins; audio is still urgent (it
        // resumes the talkspurt on arrival).
        p.handle_timeout(t0 + ms(30));
        assert_eq!(drain(&mut p).len(), 1);
        assert_eq!(p.playout_stats().underflow_frames, 1);
        assert!(!p.is_on_grid());
        // It resumes: on its grid again.
        p.handle_input(t0 + ms(33), audio(1, 160, t0 + ms(33)));
        p.handle_timeout(t0 + ms(33));
        assert_eq!(drain(&mut p).len(), 1);
        assert!(p.is_on_grid());
    }

    #[test]
    fn the_agent_speaks_from_its_first_audio_to_the_end_of_the_response_though_the_queue_is_empty()
    {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut p = RtpPlayout::new(MediaSettings::default(), SEED, t0);
        assert!(!p.report().agent_speaking);
        // A frame of audio every 20 ms for 200 ms, each sent as it comes: right after each
        // frame the queue is empty, and the agent is speaking all along.
        for k in 0..10u64 {
            let at = t0 + ms(20 * k);
            p.handle_input(at, audio(1, 160, at));
            assert!(p.report().agent_speaking, "audio queued at {k}");
            p.handle_timeout(at);
            drain(&mut p);
            assert_eq!(p.report().playout_queued_ms, 0.0);
            assert!(p.report().agent_speaking, "after frame {k}");
        }
        // No more audio: the response ends after the response gap (250 ms) and its grace.
        let mut t = t0 + ms(200);
        while t < t0 + ms(800) {
            p.handle_timeout(t);
            drain(&mut p);
            t += ms(5);
        }
        assert!(!p.report().agent_speaking);
    }

    #[test]
    fn an_interruption_flushes_and_later_audio_of_that_response_is_dropped() {
        let t0 = Instant::now();
        let mut p = RtpPlayout::new(MediaSettings::default(), SEED, t0);
        p.handle_input(t0, audio(4, 1600, t0));
        let i = PlayoutInput::Interrupt { event_id: 4 };
        assert!(i.is_urgent(true));
        p.handle_input(t0, i);
        p.handle_input(t0, audio(4, 160, t0));
        assert!(!p.is_on_grid());
        assert_eq!(p.report().agent_audio_dropped_stale, 1);
        p.handle_timeout(t0 + Duration::from_millis(20));
        let sent = drain(&mut p);
        assert!(!sent.is_empty());
        for s in &sent {
            let pkt = RtpPacket::parse(s).unwrap();
            assert!(
                pkt.payload.iter().all(|&b| b == 0xFF),
                "silence, not flushed audio"
            );
        }
    }

    #[test]
    fn the_learned_payload_type_is_used_from_the_next_packet() {
        let t0 = Instant::now();
        let mut p = RtpPlayout::new(MediaSettings::default(), SEED, t0);
        p.handle_input(t0, PlayoutInput::PayloadType(Pt(8)));
        p.handle_timeout(t0 + Duration::from_millis(20));
        let sent = drain(&mut p);
        assert_eq!(RtpPacket::parse(&sent[0]).unwrap().payload_type, Pt(8));
    }
}

#[cfg(test)]
mod slip_tests {
    use super::*;

    /// Drive a 0 ms prebuffer, 10 ms grace playout with one 20 ms message per `arrivals`
    /// entry (ms after t0), stepping time by 0.5 ms: for each message, how long it waited
    /// from arrival to the packet carrying it (ms).
    fn waits(arrivals: &[u64]) -> Vec<f64> {
        waits_with(arrivals, 0, 10)
    }

    /// [`waits`] with a prebuffer and a grace of the given ms.
    fn waits_with(arrivals: &[u64], prebuffer_ms: u64, grace_ms: u64) -> Vec<f64> {
        let (_, waits) = drive(arrivals, prebuffer_ms, grace_ms);
        assert_eq!(waits.len(), arrivals.len(), "every message was played");
        waits
    }

    /// Drive a playout with one 20 ms message per `arrivals` entry (ms after t0), stepping
    /// time by 0.5 ms until well after the last one: the playout at the end, and for each
    /// message played, how long it waited from arrival to the packet carrying it (ms).
    fn drive(arrivals: &[u64], prebuffer_ms: u64, grace_ms: u64) -> (RtpPlayout, Vec<f64>) {
        let t0 = Instant::now();
        let settings = MediaSettings {
            prebuffer: Duration::from_millis(prebuffer_ms),
            underflow_grace: Duration::from_millis(grace_ms),
            ..MediaSettings::default()
        };
        let seed = StreamSeed {
            ssrc: 1,
            seq: 1,
            timestamp: 0,
        };
        let mut p = RtpPlayout::new(settings, seed, t0);
        let mut next = 0;
        let mut sent_audio = 0u64;
        let mut waits = Vec::new();
        // Half-milliseconds: past the last arrival, by as long as playing every message takes.
        let end = (arrivals.last().copied().unwrap_or(0) + 20 * arrivals.len() as u64 + 100) * 2;
        for half_ms in 0..end {
            let now = t0 + Duration::from_micros(half_ms * 500);
            while next < arrivals.len() && t0 + Duration::from_millis(arrivals[next]) <= now {
                p.handle_input(
                    now,
                    PlayoutInput::Audio {
                        event_id: 1,
                        payload: vec![0x22; 160],
                        arrived: now,
                        origin: None,
                    },
                );
                next += 1;
            }
            if p.next_timeout() <= now {
                p.handle_timeout(now);
            }
            while p.poll_rtp().is_some() {}
            // One message per audio frame: the k-th audio frame carries message k.
            let audio = p.playout_stats().audio_frames;
            while sent_audio < audio {
                let k = sent_audio as usize;
                waits.push(ms_f64(now - (t0 + Duration::from_millis(arrivals[k]))));
                sent_audio += 1;
            }
        }
        (p, waits)
    }

    #[test]
    fn a_grid_that_slipped_for_one_late_message_keeps_the_margin_for_a_while_then_comes_back() {
        // Real-time audio, one message every 20 ms from 100 ms on; message 10 comes 8 ms late
        // (within the grace): the grid follows it, so message 10 and the ones after it wait
        // about 8 ms for their slots instead of about none.
        let mut arrivals: Vec<u64> = (0..600).map(|k| 100 + 20 * k).collect();
        arrivals[10] += 8;
        let w = waits(&arrivals);
        assert!(w[5] < 1.0, "on time before the hiccup: {}", w[5]);
        assert!(
            (7.0..9.5).contains(&w[12]),
            "the grid followed the late message: {}",
            w[12]
        );
        // The margin is kept while the playout remembers the lateness (5 s: to message 260)...
        let least = w[12..250].iter().cloned().fold(f64::MAX, f64::min);
        assert!(least >= 7.0, "the margin went early: {least} ms");
        // ... and then the grid steps back, keeping a 2 ms margin: the 8 ms are not kept for
        // the rest of the talkspurt.
        let most = w[400..].iter().cloned().fold(0.0, f64::max);
        assert!(
            most <= 2.5,
            "the slip stayed: waits up to {most} ms long after the hiccup"
        );
        // And nothing was an underflow: every message went out in its own frame.
        assert!(w.iter().all(|&x| x < 10.0), "{w:?}");
    }

    #[test]
    fn a_talkspurt_that_resumed_on_a_late_message_comes_back_to_the_arrivals() {
        // Message 10 comes 15 ms late, after the grace: its slot went out as silence and the
        // talkspurt resumed on it, the grid restarted there. The messages after it come on
        // time again, 15 ms before their slots on that grid, while the playout remembers the
        // lateness; then the grid steps back.
        let mut arrivals: Vec<u64> = (0..600).map(|k| 100 + 20 * k).collect();
        arrivals[10] += 15;
        let w = waits(&arrivals);
        assert!((13.0..16.5).contains(&w[12]), "{}", w[12]);
        let least = w[12..250].iter().cloned().fold(f64::MAX, f64::min);
        assert!(least >= 13.0, "the margin went early: {least} ms");
        let most = w[400..].iter().cloned().fold(0.0, f64::max);
        assert!(most <= 2.5, "still {most} ms late long after");
    }

    #[test]
    fn a_machine_that_stalls_every_few_seconds_costs_one_gap_not_one_per_stall() {
        // Real-time audio for 20 s; every 3 s one message comes 15 ms late (after the grace),
        // the messages after it on time: a busy machine's stalls. The first costs a frame of
        // silence; the margin it leaves is remembered, so the ones after it find the grid
        // late enough. (Without the memory the grid came back after one early second and
        // every stall was a gap: 7 of them.)
        let arrivals: Vec<u64> = (0..1000)
            .map(|k| 100 + 20 * k + if k % 150 == 10 { 15 } else { 0 })
            .collect();
        let (p, _) = drive(&arrivals, 0, 10);
        let s = p.playout_stats();
        assert_eq!(s.audio_frames, 1000);
        assert_eq!((s.gaps, s.gap_frames), (1, 1), "{s:?}");
    }

    #[test]
    fn a_response_after_late_audio_starts_at_once_and_keeps_the_margin_after_its_first_frame() {
        // Response 1: a second of real-time audio whose message 10 came 15 ms late (a gap).
        // Response 2 starts a second after it ended, within the memory: its first frame
        // goes out on arrival; the frames after it keep the 15 ms margin.
        let mut arrivals: Vec<u64> = (0..50).map(|k| 100 + 20 * k).collect();
        arrivals[10] += 15;
        arrivals.extend((0..50).map(|k| 2100 + 20 * k));
        let w = waits(&arrivals);
        assert!(
            w[50] < 0.6,
            "the response's first frame waited {} ms",
            w[50]
        );
        assert!(
            w[52..].iter().all(|&x| (13.0..16.5).contains(&x)),
            "{:?}",
            &w[50..]
        );
    }

    #[test]
    fn the_end_of_a_response_is_not_lateness() {
        // Two responses a second apart, all audio on time: the silence between them is no
        // margin to keep; the second response's frames go as they come.
        let mut arrivals: Vec<u64> = (0..50).map(|k| 100 + 20 * k).collect();
        arrivals.extend((0..50).map(|k| 2100 + 20 * k));
        let w = waits(&arrivals);
        let most = w.iter().cloned().fold(0.0, f64::max);
        assert!(most < 0.6, "{w:?}");
    }

    #[test]
    fn a_prebuffer_keeps_its_margin() {
        // 40 ms prebuffer, no grace, real-time audio with up to 3 ms of jitter: every
        // message waits about the prebuffer less a frame (20 ms) for its slot, all call long;
        // the grid is not pulled into that margin.
        // (The talkspurt starts on messages that came on time; the jitter comes after.)
        let arrivals: Vec<u64> = (0..300)
            .map(|k| 100 + 20 * k + if k < 10 { 0 } else { (k * 7) % 4 })
            .collect();
        let w = waits_with(&arrivals, 40, 0);
        let least = w[50..].iter().cloned().fold(f64::MAX, f64::min);
        assert!(
            least >= 16.0,
            "the prebuffer's margin was eaten: {least} ms"
        );
    }

    #[test]
    fn a_reply_sent_ahead_keeps_its_grid() {
        // 2 s of audio at once (an agent's reply, faster than real time), then more a second
        // later: every frame goes out on the grid it started on, 20 ms apart, none earlier.
        let arrivals: Vec<u64> = (0..200).map(|k| if k < 100 { 100 } else { 1100 }).collect();
        let w = waits(&arrivals);
        for (k, x) in w.iter().enumerate().take(100) {
            let want = 20.0 * k as f64;
            assert!(
                (x - want).abs() < 1.0,
                "frame {k} waited {x} ms, not {want}"
            );
        }
    }

    #[test]
    fn a_grid_keeps_its_slip_while_the_audio_stays_late() {
        // Every other message comes 6 ms late (jitter that stays): the grid slips once and
        // keeps that margin, so no frame is held late again after the first.
        let arrivals: Vec<u64> = (0..300)
            .map(|k| 100 + 20 * k + if k % 2 == 1 { 6 } else { 0 })
            .collect();
        let w = waits(&arrivals);
        let tail = &w[100..];
        // Early messages wait the 6 ms the late ones need; the late ones wait about none.
        let least = tail.iter().cloned().fold(f64::MAX, f64::min);
        let most = tail.iter().cloned().fold(0.0, f64::max);
        assert!(least >= 0.0 && most <= 7.0, "{least}..{most}");
        assert!(
            tail.iter().any(|&x| x >= 5.0),
            "the early messages wait for the late ones' margin: {tail:?}"
        );
    }
}
