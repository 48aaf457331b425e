//! A two-channel call recording put together from the RTP serve already handles, sans-IO:
//! the caller (decoded inbound RTP) on the left, the agent (outbound RTP as sent) on the
//! right, on one sample clock so the two stay aligned in time.
//!
//! # Placement
//! The timeline starts at the first packet of either direction. Each stream is anchored on its
//! first packet: sample position = the packet's arrival (or send) time since the start. Later
//! packets of that stream are placed by their RTP timestamp relative to the anchor, which
//! undoes network jitter and keeps reordered packets in place. A stream is anchored again on a
//! new SSRC, or when [`RESYNC_AFTER`] packets in a row are placed more than
//! [`AlignerConfig::resync`] away from the clock (a sender restart, a timestamp jump, clock
//! drift over hours); a single packet that far off (a straggler) is dropped instead.
//!
//! The anchor follows the least-delayed packets: a packet that arrives more than
//! [`AlignerConfig::slack`] sooner than its timestamp predicts shows that the anchor was
//! placed late (packets that queued up before the first one was read, a delayed first
//! packet), so the stream and what it has pending move earlier. Audio that thereby falls
//! before the recording's start or behind what was already released is dropped.
//!
//! # Output
//! Samples are released interleaved (left, right) once they are older than
//! [`AlignerConfig::hold`] relative to the newest packet time seen, with silence wherever a
//! side had nothing, so memory stays bounded whatever the call length. A packet that arrives
//! after its place was released is dropped and counted in [`AlignerStats::late_samples`].

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Which channel of the recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Left: what the caller said (RTP from Asterisk).
    Caller = 0,
    /// Right: what the agent said (RTP sent to Asterisk).
    Agent = 1,
}

/// How the aligner places and releases audio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlignerConfig {
    /// Sample rate of both channels (the RTP clock rate).
    pub rate: u32,
    /// How long audio is held back for late or reordered packets before it is released.
    pub hold: Duration,
    /// Re-anchor a stream whose timestamps are this far from the arrival clock.
    pub resync: Duration,
    /// Move a stream earlier when a packet arrives this much sooner than predicted.
    pub slack: Duration,
}

impl AlignerConfig {
    pub fn new(rate: u32) -> Self {
        AlignerConfig {
            rate: rate.max(1),
            hold: Duration::from_millis(300),
            resync: Duration::from_millis(1000),
            slack: Duration::from_millis(5),
        }
    }
}

/// Counters of an aligner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlignerStats {
    /// Frames (one sample per channel) released so far.
    pub frames: u64,
    /// Samples per side that arrived after their place had been released, or were moved
    /// there when the stream moved earlier (dropped).
    pub late_samples: [u64; 2],
    /// Times a stream was anchored again (new SSRC, timestamp jump, drift).
    pub resyncs: [u64; 2],
    /// Packets dropped because their timestamp placed them too far from the clock.
    pub outliers: [u64; 2],
}

/// Packets in a row too far from the clock before a stream is anchored again.
pub const RESYNC_AFTER: u32 = 3;

#[derive(Debug, Clone, Copy)]
struct Anchor {
    ssrc: u32,
    ts: u32,
    pos: i64,
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct StereoAligner {
    cfg: AlignerConfig,
    origin: Option<Instant>,
    anchors: [Option<Anchor>; 2],
    /// Packets in a row placed too far from the clock, per side.
    off_clock: [u32; 2],
    /// Position (in frames) of `buf[.][0]`: everything before it has been released.
    released: u64,
    /// Pending samples per side from `released` on; unwritten places are silence.
    buf: [VecDeque<i16>; 2],
    /// Newest clock position seen (frames since the origin).
    clock: u64,
    stats: AlignerStats,
}

impl StereoAligner {
    pub fn new(cfg: AlignerConfig) -> Self {
        StereoAligner {
            cfg,
            origin: None,
            anchors: [None, None],
            off_clock: [0, 0],
            released: 0,
            buf: [VecDeque::new(), VecDeque::new()],
            clock: 0,
            stats: AlignerStats::default(),
        }
    }

    pub fn rate(&self) -> u32 {
        self.cfg.rate
    }

    pub fn stats(&self) -> AlignerStats {
        self.stats
    }

    fn frames_since_origin(&self, at: Instant) -> u64 {
        let d = self
            .origin
            .map(|o| at.saturating_duration_since(o))
            .unwrap_or_default();
        (d.as_nanos() * self.cfg.rate as u128 / 1_000_000_000) as u64
    }

    fn frames_of(&self, d: Duration) -> i64 {
        (d.as_nanos() * self.cfg.rate as u128 / 1_000_000_000) as i64
    }

    /// Place the decoded samples of one RTP packet (`ts`: its RTP timestamp, `ssrc`: its
    /// stream) that arrived or was sent at `at`.
    pub fn push(&mut self, side: Side, at: Instant, ssrc: u32, ts: u32, samples: &[i16]) {
        self.origin.get_or_insert(at);
        let now = self.frames_since_origin(at);
        self.clock = self.clock.max(now);
        let s = side as usize;
        let resync = self.frames_of(self.cfg.resync);
        let by_clock = now as i64;
        let pos = match self.anchors[s] {
            Some(a) if a.ssrc == ssrc => {
                let p = a.pos + ts.wrapping_sub(a.ts) as i32 as i64;
                if (p - by_clock).abs() <= resync {
                    self.off_clock[s] = 0;
                    let early = p - by_clock;
                    if early > self.frames_of(self.cfg.slack) {
                        self.move_earlier(s, early);
                        Some(by_clock)
                    } else {
                        Some(p)
                    }
                } else {
                    self.off_clock[s] += 1;
                    if self.off_clock[s] < RESYNC_AFTER {
                        self.stats.outliers[s] += 1;
                        return;
                    }
                    self.stats.resyncs[s] += 1;
                    None
                }
            }
            Some(_) => {
                self.stats.resyncs[s] += 1;
                None
            }
            None => None,
        };
        let pos = pos.unwrap_or_else(|| {
            self.off_clock[s] = 0;
            self.anchors[s] = Some(Anchor {
                ssrc,
                ts,
                pos: by_clock,
            });
            by_clock
        });
        self.write(s, pos, samples);
    }

    /// Move stream `s` (its anchor and its pending samples) `by` frames earlier.
    fn move_earlier(&mut self, s: usize, by: i64) {
        if let Some(a) = self.anchors[s].as_mut() {
            a.pos -= by;
        }
        let n = (by as usize).min(self.buf[s].len());
        let dropped = self.buf[s].drain(..n).filter(|v| *v != 0).count();
        self.stats.late_samples[s] += dropped as u64;
    }

    fn write(&mut self, s: usize, pos: i64, samples: &[i16]) {
        let start = self.released as i64;
        let skip = (start - pos).clamp(0, samples.len() as i64) as usize;
        self.stats.late_samples[s] += skip as u64;
        let samples = &samples[skip..];
        if samples.is_empty() {
            return;
        }
        let off = (pos.max(start) - start) as usize;
        let buf = &mut self.buf[s];
        if buf.len() < off + samples.len() {
            buf.resize(off + samples.len(), 0);
        }
        for (i, v) in samples.iter().enumerate() {
            buf[off + i] = *v;
        }
    }

    /// Append to `out` (interleaved left, right) every frame older than the hold time.
    pub fn drain_ready(&mut self, out: &mut Vec<i16>) {
        let hold = self.frames_of(self.cfg.hold) as u64;
        let upto = self.clock.saturating_sub(hold);
        if upto > self.released {
            self.release((upto - self.released) as usize, out);
        }
    }

    /// The call is over: append everything still held.
    pub fn finish(&mut self, out: &mut Vec<i16>) {
        let n = self.buf[0].len().max(self.buf[1].len());
        self.release(n, out);
    }

    fn release(&mut self, n: usize, out: &mut Vec<i16>) {
        out.reserve(2 * n);
        for _ in 0..n {
            let l = self.buf[0].pop_front().unwrap_or(0);
            let r = self.buf[1].pop_front().unwrap_or(0);
            out.push(l);
            out.push(r);
        }
        self.released += n as u64;
        self.stats.frames += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn frame(v: i16) -> Vec<i16> {
        vec![v; 160]
    }

    fn left(out: &[i16]) -> Vec<i16> {
        out.iter().step_by(2).copied().collect()
    }

    fn right(out: &[i16]) -> Vec<i16> {
        out.iter().skip(1).step_by(2).copied().collect()
    }

    #[test]
    fn both_sides_land_on_one_clock_with_silence_in_between() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        // Caller: 10 packets from t0, every 20 ms. Agent starts 100 ms later, 5 packets.
        for i in 0..10u32 {
            a.push(
                Side::Caller,
                t0 + 20 * MS * i,
                7,
                1000 + 160 * i,
                &frame(100),
            );
        }
        for i in 0..5u32 {
            a.push(
                Side::Agent,
                t0 + 100 * MS + 20 * MS * i,
                9,
                50 + 160 * i,
                &frame(-200),
            );
        }
        a.finish(&mut out);
        let (l, r) = (left(&out), right(&out));
        assert_eq!(l.len(), 1600);
        assert!(l.iter().all(|&v| v == 100));
        // The agent's audio starts at 100 ms = sample 800 and lasts 100 ms.
        assert!(r[..800].iter().all(|&v| v == 0));
        assert!(r[800..1600].iter().all(|&v| v == -200));
        assert_eq!(a.stats().frames, 1600);
    }

    #[test]
    fn jitter_and_reordering_are_undone_by_the_timestamps() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        // Packet 2 arrives before packet 1, both late; timestamps put them in place.
        a.push(Side::Caller, t0, 1, 0, &frame(1));
        a.push(Side::Caller, t0 + 45 * MS, 1, 320, &frame(3));
        a.push(Side::Caller, t0 + 47 * MS, 1, 160, &frame(2));
        a.push(Side::Caller, t0 + 60 * MS, 1, 480, &frame(4));
        a.finish(&mut out);
        let l = left(&out);
        assert_eq!(l.len(), 640);
        for (i, v) in [1, 2, 3, 4].into_iter().enumerate() {
            assert!(
                l[i * 160..(i + 1) * 160].iter().all(|&s| s == v),
                "frame {i}"
            );
        }
    }

    #[test]
    fn packets_that_queued_before_the_first_read_do_not_delay_the_stream() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        // The agent side starts the clock; 100 ms later five caller packets that waited in
        // the socket are read at once, then the caller's packets come in real time.
        a.push(Side::Agent, t0, 9, 0, &frame(7));
        let t1 = t0 + 100 * MS;
        for k in 0..5u32 {
            a.push(Side::Caller, t1, 1, 160 * k, &frame(k as i16 + 1));
        }
        for k in 5..10u32 {
            a.push(
                Side::Caller,
                t1 + 20 * MS * (k - 4),
                1,
                160 * k,
                &frame(k as i16 + 1),
            );
        }
        a.finish(&mut out);
        let l = left(&out);
        // Packet k was sent at t1 + 20 ms * (k - 4) (the last queued one at t1): in place,
        // the queued ones before it, nothing lost.
        for k in 0..10usize {
            let at = 160 + k * 160;
            assert!(
                l[at..at + 160].iter().all(|&v| v == k as i16 + 1),
                "packet {k}"
            );
        }
        assert!(l[..160].iter().all(|&v| v == 0));
        assert_eq!(a.stats().late_samples, [0, 0]);
        assert_eq!(a.stats().resyncs, [0, 0]);
    }

    #[test]
    fn a_gap_in_the_stream_becomes_silence_and_a_new_ssrc_reanchors() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        a.push(Side::Agent, t0, 5, 0, &frame(10));
        // The sender skipped 4 frames (timestamps continue through the gap).
        a.push(Side::Agent, t0 + 100 * MS, 5, 800, &frame(11));
        // A new stream with unrelated timestamps: placed by its send time (200 ms).
        a.push(Side::Agent, t0 + 200 * MS, 6, 123_456, &frame(12));
        a.finish(&mut out);
        let r = right(&out);
        assert_eq!(r.len(), 1760);
        assert!(r[..160].iter().all(|&v| v == 10));
        assert!(r[160..800].iter().all(|&v| v == 0));
        assert!(r[800..960].iter().all(|&v| v == 11));
        assert!(r[1600..1760].iter().all(|&v| v == 12));
        assert_eq!(a.stats().resyncs, [0, 1]);
    }

    #[test]
    fn a_timestamp_jump_far_from_the_clock_reanchors() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        a.push(Side::Caller, t0, 1, 0, &frame(1));
        // Same SSRC, timestamps jump by an hour: the first two are taken for stragglers and
        // dropped, the third anchors the stream again at its arrival time.
        for i in 1..=4u32 {
            a.push(
                Side::Caller,
                t0 + 20 * MS * i,
                1,
                8000 * 3600 + 160 * i,
                &frame(i as i16 + 1),
            );
        }
        a.finish(&mut out);
        let l = left(&out);
        assert_eq!(l.len(), 800);
        assert!(l[160..480].iter().all(|&v| v == 0));
        assert!(l[480..640].iter().all(|&v| v == 4));
        assert!(l[640..].iter().all(|&v| v == 5));
        assert_eq!(a.stats().resyncs, [1, 0]);
        assert_eq!(a.stats().outliers, [2, 0]);
    }

    #[test]
    fn audio_is_released_after_the_hold_time_and_late_packets_are_dropped() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        for i in 0..50u32 {
            // One second of caller audio.
            a.push(Side::Caller, t0 + 20 * MS * i, 1, 160 * i, &frame(1));
            a.drain_ready(&mut out);
        }
        // Newest packet at 980 ms, hold 300 ms: 680 ms released, the rest held.
        assert_eq!(out.len() / 2, 680 * 8);
        assert!(a.buf[0].len() <= 8000 - 680 * 8 + 160);
        a.push(Side::Agent, t0 + 1000 * MS, 2, 0, &frame(9));
        let mut b = StereoAligner::new(AlignerConfig::new(8000));
        b.push(Side::Caller, t0, 1, 0, &frame(1));
        b.push(Side::Caller, t0 + 2000 * MS, 1, 16000, &frame(1));
        b.drain_ready(&mut out);
        b.push(Side::Agent, t0 + 2000 * MS, 2, 0, &frame(9));
        assert_eq!(b.stats().late_samples, [0, 0]);
        // Same stream, a packet whose place (20 ms) was released long ago: a straggler.
        b.push(Side::Caller, t0 + 2001 * MS, 1, 160, &frame(5));
        assert_eq!(b.stats().outliers, [1, 0]);
        // Within the resync range but before the released point: late, cut.
        b.push(Side::Caller, t0 + 2002 * MS, 1, 13600 - 80, &frame(5));
        assert_eq!(b.stats().late_samples, [80, 0]);
        assert_eq!(b.stats().resyncs, [0, 0]);
        a.finish(&mut out);
        // The agent's packet was anchored at its send time (1 s), after the caller's second.
        assert_eq!(a.stats().frames, 8160);
    }

    #[test]
    fn an_hour_of_audio_needs_no_more_than_the_hold_in_memory() {
        let t0 = Instant::now();
        let mut a = StereoAligner::new(AlignerConfig::new(8000));
        let mut out = Vec::new();
        let mut total = 0usize;
        for i in 0..(3600 * 50u32) {
            let at = t0 + 20 * MS * i;
            a.push(Side::Caller, at, 1, 160 * i, &frame(1));
            a.push(Side::Agent, at, 2, 7 + 160 * i, &frame(2));
            a.drain_ready(&mut out);
            total += out.len();
            out.clear();
            assert!(a.buf[0].len() <= 2400 + 160 && a.buf[1].len() <= 2400 + 160);
        }
        a.finish(&mut out);
        total += out.len();
        assert_eq!(total, 2 * 8000 * 3600);
    }
}
