//! Outbound RTP pacing clock. Frame `n` is due at `anchor + n * ptime` on an absolute grid,
//! so late wake-ups never accumulate into drift. The caller sleeps until
//! [`Pacer::next_deadline`], then asks [`Pacer::on_tick`] how many frames to send now.
//!
//! Lateness handling: frames that fell behind are caught up at most `max_burst` per wake-up
//! (the next wake-up is then the next grid point, so a backlog drains gradually). When the
//! oldest due frame is more than `resync_after` late (a process stall), the backlog is
//! skipped (counted), one frame is sent and the grid is re-anchored at `now`.
//!
//! [`PacingStats`] keeps a log-linear histogram (about 3 % resolution) of send-time errors
//! against the grid for p50/p99/max reporting. Time is always passed in; nothing reads a clock.

use std::time::{Duration, Instant};

/// Settings of a [`Pacer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacerConfig {
    /// Frame interval (clamped to at least 1 ms).
    pub ptime: Duration,
    /// Most frames sent per wake-up when catching up (at least 1).
    pub max_burst: u32,
    /// Re-anchor the grid when the oldest due frame is later than this.
    pub resync_after: Duration,
}

impl Default for PacerConfig {
    /// 20 ms frames, bursts of up to 3, re-anchor after 200 ms behind.
    fn default() -> Self {
        PacerConfig {
            ptime: Duration::from_millis(20),
            max_burst: 3,
            resync_after: Duration::from_millis(200),
        }
    }
}

/// What to do at a wake-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tick {
    /// Frames to send now (0 if woken early).
    pub frames_due: u32,
    /// How late the first due frame is against its grid deadline.
    pub late_by: Duration,
    /// Grid slots dropped by a re-anchor at this tick (their audio time is lost).
    pub skipped: u64,
}

/// Absolute-grid pacing clock for one outbound stream.
#[derive(Debug, Clone)]
pub struct Pacer {
    cfg: PacerConfig,
    ptime_ns: u64,
    anchor: Instant,
    /// First grid slot not yet sent or skipped.
    slot: u64,
    last_tick: Option<Instant>,
    sent: u64,
    skipped: u64,
    resyncs: u64,
}

impl Pacer {
    /// Grid starting at `start` (first frame due at `start`) with default burst/resync settings.
    pub fn new(start: Instant, ptime: Duration) -> Self {
        Self::with_config(
            start,
            PacerConfig {
                ptime,
                ..PacerConfig::default()
            },
        )
    }

    /// Grid starting at `start` with explicit settings.
    pub fn with_config(start: Instant, mut cfg: PacerConfig) -> Self {
        cfg.ptime = cfg.ptime.max(Duration::from_millis(1));
        cfg.max_burst = cfg.max_burst.max(1);
        let ptime_ns = u64::try_from(cfg.ptime.as_nanos()).unwrap_or(u64::MAX);
        Pacer {
            cfg,
            ptime_ns,
            anchor: start,
            slot: 0,
            last_tick: None,
            sent: 0,
            skipped: 0,
            resyncs: 0,
        }
    }

    /// The settings in use (after clamping).
    pub fn config(&self) -> PacerConfig {
        self.cfg
    }

    fn slot_time(&self, slot: u64) -> Instant {
        let ns = u64::try_from(slot as u128 * self.ptime_ns as u128).unwrap_or(u64::MAX);
        self.anchor
            .checked_add(Duration::from_nanos(ns))
            .unwrap_or(self.anchor)
    }

    /// Grid slots whose deadline is at or before `now`.
    fn slots_elapsed(&self, now: Instant) -> u64 {
        if now < self.anchor {
            return 0;
        }
        let ns = now.duration_since(self.anchor).as_nanos() / self.ptime_ns as u128;
        u64::try_from(ns).unwrap_or(u64::MAX - 1) + 1
    }

    /// When to wake next: the next unsent frame's deadline, or, while catching up, the next
    /// grid point after the last tick.
    pub fn next_deadline(&self) -> Instant {
        let due = self.slot_time(self.slot);
        match self.last_tick {
            Some(t) if due <= t => self.slot_time(self.slots_elapsed(t)),
            _ => due,
        }
    }

    /// The caller woke at `now`: how many frames to send.
    pub fn on_tick(&mut self, now: Instant) -> Tick {
        self.last_tick = Some(now);
        let elapsed = self.slots_elapsed(now);
        if elapsed <= self.slot {
            return Tick::default();
        }
        let backlog = elapsed - self.slot;
        let late_by = now.saturating_duration_since(self.slot_time(self.slot));
        if late_by > self.cfg.resync_after {
            let skipped = backlog - 1;
            self.anchor = now;
            self.slot = 1;
            self.sent += 1;
            self.skipped += skipped;
            self.resyncs += 1;
            return Tick {
                frames_due: 1,
                late_by,
                skipped,
            };
        }
        let n = backlog.min(self.cfg.max_burst as u64);
        self.slot += n;
        self.sent += n;
        Tick {
            frames_due: n as u32,
            late_by,
            skipped: 0,
        }
    }

    /// Move the grid so that the next frame is due at `at`, if that is sooner than its
    /// deadline on the current grid (a talkspurt that should start at once); otherwise keep it.
    /// True if the grid moved.
    pub fn rebase(&mut self, at: Instant) -> bool {
        if at < self.next_deadline() {
            self.anchor = at;
            self.slot = 0;
            self.last_tick = None;
            return true;
        }
        false
    }

    /// Move the grid `d` later: every deadline from the next one on comes that much later
    /// (a frame went out late because its audio did, and the frames after it, whose audio
    /// comes at the same pace, should have their slot after it, not before).
    pub fn delay(&mut self, d: Duration) {
        self.anchor = self.anchor.checked_add(d).unwrap_or(self.anchor);
    }

    /// Move the grid `d` earlier, at most half a frame at a time (a grid that `delay` moved
    /// for late audio, coming back once the audio is early again): the next frame stays due
    /// after the last one sent.
    pub fn advance(&mut self, d: Duration) {
        let d = d.min(self.cfg.ptime / 2);
        self.anchor = self.anchor.checked_sub(d).unwrap_or(self.anchor);
    }

    /// Frames handed out so far.
    pub fn frames_sent(&self) -> u64 {
        self.sent
    }

    /// Grid slots skipped by re-anchoring so far.
    pub fn frames_skipped(&self) -> u64 {
        self.skipped
    }

    /// Number of re-anchors so far.
    pub fn resyncs(&self) -> u64 {
        self.resyncs
    }
}

const SUB_BITS: u32 = 5;
const SUB: usize = 1 << SUB_BITS;
const BUCKETS: usize = (64 - SUB_BITS as usize + 1) * SUB;

fn bucket_of(v: u64) -> usize {
    if v < SUB as u64 {
        return v as usize;
    }
    let msb = 63 - v.leading_zeros();
    let shift = msb - SUB_BITS;
    ((shift as usize + 1) << SUB_BITS) + ((v >> shift) as usize - SUB)
}

/// Largest value that falls in bucket `i`.
fn bucket_high(i: usize) -> u64 {
    if i < SUB {
        return i as u64;
    }
    let shift = (i >> SUB_BITS) as u32 - 1;
    let sub = (i & (SUB - 1)) as u64 + SUB as u64;
    (((sub + 1) as u128) << shift)
        .saturating_sub(1)
        .min(u64::MAX as u128) as u64
}

/// Distribution of send-time errors (actual - ideal), in nanoseconds.
#[derive(Debug, Clone)]
pub struct PacingStats {
    buckets: Vec<u64>,
    count: u64,
    early: u64,
    sum_ns: u128,
    max_ns: u64,
}

impl Default for PacingStats {
    fn default() -> Self {
        Self::new()
    }
}

impl PacingStats {
    /// Empty statistics. The 15 KiB histogram is allocated by the first sample: a call
    /// keeps several of these, some of which stay empty on most calls (frames sent late
    /// within a grace that defaults to none), and serve holds hundreds of calls.
    pub fn new() -> Self {
        PacingStats {
            buckets: Vec::new(),
            count: 0,
            early: 0,
            sum_ns: 0,
            max_ns: 0,
        }
    }

    /// Record a send at `actual` for a frame due at `ideal`; early sends count as zero error.
    pub fn record(&mut self, ideal: Instant, actual: Instant) {
        if actual < ideal {
            self.early += 1;
        }
        self.record_duration(actual.saturating_duration_since(ideal));
    }

    /// Record one duration: a lateness (e.g. [`Tick::late_by`]) or a latency that these
    /// statistics summarise the same way.
    pub fn record_duration(&mut self, err: Duration) {
        let ns = u64::try_from(err.as_nanos()).unwrap_or(u64::MAX);
        if self.buckets.is_empty() {
            self.buckets = vec![0; BUCKETS];
        }
        self.buckets[bucket_of(ns)] += 1;
        self.count += 1;
        self.sum_ns += ns as u128;
        self.max_ns = self.max_ns.max(ns);
    }

    /// Add another set of statistics (e.g. per-call stats into a total).
    pub fn merge(&mut self, other: &PacingStats) {
        if self.buckets.is_empty() && !other.buckets.is_empty() {
            self.buckets = vec![0; BUCKETS];
        }
        for (a, b) in self.buckets.iter_mut().zip(&other.buckets) {
            *a += b;
        }
        self.count += other.count;
        self.early += other.early;
        self.sum_ns += other.sum_ns;
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// Samples recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sends recorded before their deadline.
    pub fn early_count(&self) -> u64 {
        self.early
    }

    /// Largest error (exact).
    pub fn max(&self) -> Duration {
        Duration::from_nanos(self.max_ns)
    }

    /// Mean error (exact).
    pub fn mean(&self) -> Duration {
        if self.count == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos((self.sum_ns / self.count as u128).min(u64::MAX as u128) as u64)
    }

    /// Error at quantile `q` in 0.0..=1.0: the bucket of the nearest-rank sample (the same
    /// rank as [`crate::analysis::stats::percentile`]), reported as the bucket's upper edge, at
    /// most [`Self::max`].
    pub fn quantile(&self, q: f64) -> Duration {
        if self.count == 0 {
            return Duration::ZERO;
        }
        let n = usize::try_from(self.count).unwrap_or(usize::MAX);
        let rank = crate::analysis::stats::nearest_rank(n, q * 100.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.buckets.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_nanos(bucket_high(i).min(self.max_ns));
            }
        }
        self.max()
    }

    /// Median error.
    pub fn p50(&self) -> Duration {
        self.quantile(0.5)
    }

    /// 99th percentile error.
    pub fn p99(&self) -> Duration {
        self.quantile(0.99)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn an_unused_histogram_allocates_nothing_and_merges_either_way() {
        let empty = PacingStats::new();
        assert_eq!(empty.buckets.capacity(), 0);
        assert_eq!(empty.p99(), Duration::ZERO);
        let mut used = PacingStats::new();
        used.record_duration(ms(3));
        used.record_duration(ms(7));
        let mut total = PacingStats::new();
        total.merge(&empty);
        assert_eq!(
            total.buckets.capacity(),
            0,
            "merging nothing allocates nothing"
        );
        total.merge(&used);
        total.merge(&empty);
        assert_eq!(total.count(), 2);
        assert_eq!(total.max(), ms(7));
        assert!(
            total.p50() >= ms(3) && total.p50() < ms(4),
            "{:?}",
            total.p50()
        );
        let mut other = used.clone();
        other.merge(&empty);
        assert_eq!(other.count(), 2);
    }

    #[test]
    fn delay_moves_every_later_deadline_by_as_much() {
        let t0 = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        let mut p = Pacer::new(t0, ms(20));
        assert_eq!(p.on_tick(t0).frames_due, 1);
        // The frame of the slot at 20 ms went out 6 ms late: the grid follows it.
        assert_eq!(p.on_tick(t0 + ms(26)).frames_due, 1);
        p.delay(ms(6));
        assert_eq!(p.next_deadline(), t0 + ms(46));
        assert_eq!(p.on_tick(t0 + ms(40)).frames_due, 0);
        let t = p.on_tick(t0 + ms(46));
        assert_eq!((t.frames_due, t.late_by, t.skipped), (1, Duration::ZERO, 0));
        assert_eq!(p.next_deadline(), t0 + ms(66));
    }

    #[test]
    fn advance_brings_a_delayed_grid_back_half_a_frame_at_most_and_sends_one_frame_per_slot() {
        let t0 = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        let mut p = Pacer::new(t0, ms(20));
        assert_eq!(p.on_tick(t0).frames_due, 1);
        p.delay(ms(30));
        assert_eq!(p.next_deadline(), t0 + ms(50));
        assert_eq!(p.on_tick(t0 + ms(50)).frames_due, 1);
        // 25 ms asked: 10 ms (half a frame) taken, so the next frame stays after the last.
        p.advance(ms(25));
        assert_eq!(p.next_deadline(), t0 + ms(60));
        assert_eq!(p.on_tick(t0 + ms(55)).frames_due, 0);
        let t = p.on_tick(t0 + ms(60));
        assert_eq!((t.frames_due, t.late_by, t.skipped), (1, Duration::ZERO, 0));
        assert_eq!(p.next_deadline(), t0 + ms(80));
    }

    #[test]
    fn rebase_moves_the_grid_only_to_an_earlier_deadline() {
        let t0 = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        let mut p = Pacer::new(t0, ms(20));
        assert_eq!(p.on_tick(t0).frames_due, 1);
        assert_eq!(p.next_deadline(), t0 + ms(20));
        assert!(p.rebase(t0 + ms(7)));
        assert_eq!(p.next_deadline(), t0 + ms(7));
        let t = p.on_tick(t0 + ms(7));
        assert_eq!((t.frames_due, t.skipped), (1, 0));
        assert_eq!(p.next_deadline(), t0 + ms(27));
        // Later than the next deadline: nothing changes.
        assert!(!p.rebase(t0 + ms(30)));
        assert_eq!(p.next_deadline(), t0 + ms(27));
        assert_eq!(p.frames_sent(), 2);
    }

    #[test]
    fn on_time_ticks_stay_on_the_absolute_grid() {
        let base = Instant::now();
        let mut p = Pacer::new(base, ms(20));
        assert_eq!(p.next_deadline(), base);
        for n in 0..1000u64 {
            let deadline = p.next_deadline();
            assert_eq!(deadline, base + ms(20) * n as u32);
            // Always wake 3 ms late: no drift accumulates.
            let t = p.on_tick(deadline + 3 * MS);
            assert_eq!(
                t,
                Tick {
                    frames_due: 1,
                    late_by: 3 * MS,
                    skipped: 0
                }
            );
        }
        assert_eq!(p.next_deadline(), base + ms(20_000));
        assert_eq!(p.frames_sent(), 1000);
        assert_eq!(p.frames_skipped(), 0);
    }

    #[test]
    fn early_wake_sends_nothing() {
        let base = Instant::now();
        let mut p = Pacer::new(base + ms(100), ms(20));
        assert_eq!(p.on_tick(base).frames_due, 0);
        assert_eq!(p.on_tick(base + ms(100)).frames_due, 1);
        assert_eq!(p.on_tick(base + ms(119)).frames_due, 0);
        assert_eq!(p.next_deadline(), base + ms(120));
    }

    #[test]
    fn late_wake_catches_up_within_the_burst() {
        let base = Instant::now();
        let mut p = Pacer::new(base, ms(20));
        p.on_tick(base);
        // Slots 1 and 2 (20, 40 ms) are due at 45 ms.
        let t = p.on_tick(base + ms(45));
        assert_eq!(
            t,
            Tick {
                frames_due: 2,
                late_by: ms(25),
                skipped: 0
            }
        );
        assert_eq!(p.next_deadline(), base + ms(60));
    }

    #[test]
    fn backlog_beyond_the_burst_drains_one_extra_per_tick() {
        let base = Instant::now();
        let cfg = PacerConfig {
            ptime: ms(20),
            max_burst: 2,
            resync_after: ms(200),
        };
        let mut p = Pacer::with_config(base, cfg);
        p.on_tick(base);
        // 5 slots (20..=100 ms) due at 100 ms: 2 now, the rest drains one per tick.
        assert_eq!(p.on_tick(base + ms(100)).frames_due, 2);
        assert_eq!(p.next_deadline(), base + ms(120));
        assert_eq!(p.on_tick(base + ms(120)).frames_due, 2); // slots 3,4
        assert_eq!(p.next_deadline(), base + ms(140));
        assert_eq!(p.on_tick(base + ms(140)).frames_due, 2); // slots 5,6
        let t = p.on_tick(base + ms(160));
        assert_eq!(t.frames_due, 2); // slots 7,8
        assert_eq!(t.late_by, ms(20)); // slot 7 was due at 140 ms
                                       // Caught up: back to one frame per tick.
        assert_eq!(p.next_deadline(), base + ms(180));
        assert_eq!(p.on_tick(base + ms(180)).frames_due, 1);
        assert_eq!(p.frames_sent(), 10);
    }

    #[test]
    fn long_stall_reanchors_and_counts_skipped_slots() {
        let base = Instant::now();
        let mut p = Pacer::new(base, ms(20));
        p.on_tick(base);
        p.on_tick(base + ms(20));
        // Stall: woke at 537 ms, slots 2..=26 are due (25), oldest 497 ms late.
        let now = base + ms(537);
        let t = p.on_tick(now);
        assert_eq!(
            t,
            Tick {
                frames_due: 1,
                late_by: ms(497),
                skipped: 24
            }
        );
        assert_eq!(p.resyncs(), 1);
        assert_eq!(p.frames_skipped(), 24);
        // New grid anchored at the wake-up time.
        assert_eq!(p.next_deadline(), now + ms(20));
        assert_eq!(p.on_tick(now + ms(20)).frames_due, 1);
        assert_eq!(p.next_deadline(), now + ms(40));
    }

    #[test]
    fn degenerate_settings_do_not_panic() {
        let base = Instant::now();
        let cfg = PacerConfig {
            ptime: Duration::ZERO,
            max_burst: 0,
            resync_after: Duration::ZERO,
        };
        let mut p = Pacer::with_config(base, cfg);
        assert_eq!(p.config().ptime, MS);
        assert_eq!(p.config().max_burst, 1);
        assert_eq!(p.on_tick(base).frames_due, 1);
        let t = p.on_tick(base + ms(10_000));
        assert_eq!((t.frames_due, t.skipped), (1, 9999));
        let mut p = Pacer::new(base, Duration::MAX);
        assert_eq!(p.on_tick(base).frames_due, 1);
        assert_eq!(p.on_tick(base + ms(10_000)).frames_due, 0);
        let _ = p.next_deadline();
    }

    #[test]
    fn histogram_buckets_are_consistent() {
        for v in (0..5000u64).chain([u64::MAX, u64::MAX - 1, 1 << 40, (1 << 40) - 1]) {
            let b = bucket_of(v);
            assert!(b < BUCKETS);
            assert!(bucket_high(b) >= v, "{v}");
            if b > 0 {
                assert!(bucket_high(b - 1) < v, "{v}");
            }
        }
        // About 3 % resolution.
        let v = 1_234_567u64;
        assert!(bucket_high(bucket_of(v)) - v < v / 30);
    }

    #[test]
    fn stats_report_quantiles() {
        let base = Instant::now();
        let mut s = PacingStats::new();
        assert_eq!(s.p99(), Duration::ZERO);
        // 98 sends 100 µs late, one 2 ms late, one 30 ms late.
        for _ in 0..98 {
            s.record(base, base + Duration::from_micros(100));
        }
        s.record(base, base + ms(2));
        s.record(base + ms(30), base); // early: counted as 0 error
        s.record_duration(ms(30));
        assert_eq!(s.count(), 101);
        assert_eq!(s.early_count(), 1);
        assert_eq!(s.max(), ms(30));
        let p50 = s.p50();
        assert!(
            p50 >= Duration::from_micros(100) && p50 < Duration::from_micros(104),
            "{p50:?}"
        );
        let p99 = s.p99();
        assert!(p99 >= ms(2) && p99 < Duration::from_micros(2070), "{p99:?}");
        assert_eq!(s.quantile(1.0), ms(30));
        assert_eq!(s.quantile(0.0), Duration::ZERO);
        assert_eq!(s.quantile(f64::NAN), ms(30));
        let mut total = PacingStats::default();
        total.merge(&s);
        total.merge(&s);
        assert_eq!(total.count(), 202);
        assert_eq!(total.p50(), s.p50());
        assert_eq!(total.mean(), s.mean());
    }
}
