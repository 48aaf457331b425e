//! One RTP stream's statistics, computed packet by packet the way Wireshark's
//! `rtppacket_analyse()` does (the rules are in the parent module's documentation).

use super::*;

// ---------------------------------------------------------------------------------------
// Per-stream analyzer
// ---------------------------------------------------------------------------------------

pub(super) const FLAG_FIRST: u32 = 0x001;
pub(super) const FLAG_MARKER: u32 = 0x002;
pub(super) const FLAG_WRONG_SEQ: u32 = 0x004;
pub(super) const FLAG_PT_CN: u32 = 0x010;
pub(super) const FLAG_FOLLOW_PT_CN: u32 = 0x020;
pub(super) const FLAG_WRONG_TIMESTAMP: u32 = 0x080;

/// The fields of one RTP packet the analyzer needs (so callers can keep packets compactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpObs {
    pub seq: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub pt: u8,
    pub marker: bool,
    pub payload_len: u32,
}

impl From<&RtpPacket<'_>> for RtpObs {
    fn from(p: &RtpPacket<'_>) -> Self {
        RtpObs {
            seq: p.seq.0,
            timestamp: p.timestamp,
            ssrc: p.ssrc.0,
            pt: p.payload_type.0,
            marker: p.marker,
            payload_len: p.payload.len() as u32,
        }
    }
}

/// Wireshark's `tap_rtp_stat_t`, the fields that feed `rtp,streams`.
#[derive(Debug, Clone, Default)]
pub(super) struct WsState {
    started: bool,
    flags: u32,
    start_seq_nr: u16,
    stop_seq_nr: u16,
    seq_num: u16,
    start_time: f64,
    time: f64,
    first_timestamp: u32,
    lastnominaltime: f64,
    pt: u8,
    delta: f64,
    max_delta: f64,
    min_delta: f64,
    mean_delta: f64,
    jitter: f64,
    max_jitter: f64,
    min_jitter: f64,
    mean_jitter: f64,
    max_skew: f64,
    total_nr: u32,
    sequence: u32,
    under: bool,
    seq_cycles: i32,
    clock_rate: u32,
    problem: bool,
}

/// Statistics of one stream. Times in milliseconds unless named `_s`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamStats {
    pub packets: u64,
    /// Wireshark's expected count (see the module documentation).
    pub expected: u64,
    /// `expected - packets`; negative when there are more duplicates than losses.
    pub lost: i64,
    pub loss_percent: f64,
    pub duplicates: u64,
    pub out_of_order: u64,
    pub sequence_errors: u64,
    pub max_delta_ms: f64,
    pub mean_delta_ms: f64,
    pub max_jitter_ms: f64,
    pub mean_jitter_ms: f64,
    pub max_skew_ms: f64,
    /// Clock rate used for jitter; `None` when unknown (jitter is then 0, as in Wireshark).
    pub clock_rate: Option<u32>,
    /// Wireshark's "Problems?" column: a sequence or timestamp error was seen.
    pub wireshark_problem: bool,
    pub first_arrival_s: f64,
    pub last_arrival_s: f64,
    pub duration_s: f64,
    pub marker_packets: u64,
    pub payload_types: Vec<u8>,
    /// Most common RTP timestamp step between consecutive packets of the main payload type.
    pub samples_per_packet: Option<u32>,
    /// Packetization time implied by `samples_per_packet` and the clock.
    pub ptime_ms: Option<f64>,
    /// Most common payload size of the main payload type.
    pub payload_bytes: Option<u32>,
    pub gaps: Vec<Gap>,
    pub timestamp_jumps: Vec<TimestampJump>,
}

/// An arrival gap longer than the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gap {
    /// Arrival of the packet after the gap, seconds since the Unix epoch.
    pub at_s: f64,
    pub ms: f64,
}

/// Consecutive packets whose RTP timestamps moved by something other than the
/// sequence-number step times the packet size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TimestampJump {
    pub at_s: f64,
    pub seq: u16,
    /// Expected timestamp step (samples).
    pub expected: i64,
    /// Actual step (samples; negative = backwards).
    pub actual: i64,
}

/// Dynamic payload type map learned from SDP (`a=rtpmap`).
pub type PayloadMap = BTreeMap<u8, RtpMap>;

/// Per-stream analyzer. Feed packets of one `(src, dst, SSRC)` stream in capture order.
///
/// Streaming: what it keeps does not grow with the packet count (a bitmap chunk per 128
/// sequence numbers, one counter per payload type, size and timestamp step seen, and the
/// gaps and timestamp jumps themselves). The one figure a single pass cannot always settle
/// is the list of timestamp jumps: they are measured against the most common timestamp
/// step, known only at the end, so steps equal to the first one seen are only counted. If
/// another step turns out more common (the packetization changed), the analyzer made with
/// [`new`](Self::new) answers from a log of every step it also keeps; the capture analyzer
/// instead reads those packets again (see [`CaptureAnalyzer::needs_replay`]).
#[derive(Debug, Clone)]
pub struct StreamAnalyzer {
    payload_map: PayloadMap,
    gap_threshold_ms: f64,
    ws: WsState,
    first_arrival: Option<Duration>,
    /// `first_arrival` in nanoseconds.
    first_ns: i64,
    last_arrival: Duration,
    prev_arrival_ms: f64,
    // Own counters.
    highest_ext: i64,
    seen: SeqSet,
    duplicates: u64,
    out_of_order: u64,
    markers: u64,
    /// Packets per payload type, in order of first appearance.
    pub(super) pt_counts: Vec<(u8, u64)>,
    /// (pt, payload size) histogram.
    sizes: SizeHist,
    pub(super) steps: StepSummary,
    /// Every forward step, kept by a standalone analyzer so that `stats` is exact alone.
    step_log: Option<Vec<Step>>,
    prev: Option<RtpObs>,
    gaps: Vec<(f64, f64)>,
    /// Consecutive packets whose sequence number rose by 1 to 16 (for the capture heuristic).
    pub(super) rising: u64,
    /// The clock each dynamic payload type was analysed with, and whether one changed.
    dyn_clocks: Vec<(u8, u32)>,
    dyn_clock_changed: bool,
}

/// A forward step between consecutive packets (from the packet holding the highest
/// sequence number so far to a higher one).
#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    seq_step: u16,
    ts_step: i64,
    marker: bool,
    pt: u8,
    same_pt: bool,
    at_ms: f64,
    seq: u16,
}

/// Extended sequence numbers seen, as a bitmap in chunks of 128, the current chunk kept
/// out of the map so that an in-order stream touches the map once per 128 packets.
#[derive(Debug, Clone, Default)]
pub(super) struct SeqSet {
    cur_key: i64,
    cur: u128,
    has_cur: bool,
    chunks: FxHashMap<i64, u128>,
}

impl SeqSet {
    /// Add `ext`; false when it was there already.
    fn insert(&mut self, ext: i64) -> bool {
        let key = ext >> 7;
        if !self.has_cur || key != self.cur_key {
            if self.has_cur && self.cur != 0 {
                self.chunks.insert(self.cur_key, self.cur);
            }
            self.cur = self.chunks.get(&key).copied().unwrap_or(0);
            self.cur_key = key;
            self.has_cur = true;
        }
        let bit = 1u128 << (ext & 127);
        let new = self.cur & bit == 0;
        self.cur |= bit;
        new
    }
}

/// Histogram of (payload type, payload size), the last key counted apart (consecutive
/// packets mostly repeat it).
#[derive(Debug, Clone, Default)]
pub(super) struct SizeHist {
    last: (u8, u32),
    last_n: u64,
    map: FxHashMap<(u8, u32), u64>,
}

impl SizeHist {
    fn add(&mut self, k: (u8, u32)) {
        if self.last_n > 0 && k == self.last {
            self.last_n += 1;
            return;
        }
        if self.last_n > 0 {
            *self.map.entry(self.last).or_default() += self.last_n;
        }
        self.last = k;
        self.last_n = 1;
    }

    /// The most common size of payload type `pt` (ties: the smallest).
    fn mode(&self, pt: u8) -> Option<u32> {
        let mut all = self.map.clone();
        if self.last_n > 0 {
            *all.entry(self.last).or_default() += self.last_n;
        }
        all.iter()
            .filter(|((p, _), _)| *p == pt)
            .max_by_key(|((_, size), n)| (**n, std::cmp::Reverse(*size)))
            .map(|((_, size), _)| *size)
    }
}

/// Forward steps of one payload type against its guessed samples per packet (the first
/// counted step).
#[derive(Debug, Clone, Copy)]
pub(super) struct PtSteps {
    pt: u8,
    /// 0 until the first counted step.
    guess: i64,
    /// Counted steps equal to the guess.
    guess_hits: u64,
    /// Jump candidates equal to the guess times their sequence step (not kept one by one).
    ordinary: u64,
}

/// What the timestamp figures need of the forward steps, without keeping each step:
/// "counted" steps (sequence step 1, no marker, same payload type, timestamp step > 0) make
/// the histogram whose mode is the samples per packet; "jump candidates" (no marker, same
/// payload type) become timestamp jumps when they differ from that mode times their
/// sequence step. Candidates equal to the guess times their sequence step are only counted,
/// every other one is kept.
#[derive(Debug, Clone, Default)]
pub(super) struct StepSummary {
    per_pt: Vec<PtSteps>,
    /// Counted steps other than the guess, by (payload type, timestamp step).
    hist: FxHashMap<(u8, i64), u64>,
    /// Jump candidates other than the guess times their sequence step, in order.
    odd: Vec<Step>,
}

impl StepSummary {
    fn record(&mut self, st: Step) {
        if st.marker || !st.same_pt {
            return;
        }
        let counted = st.seq_step == 1 && st.ts_step > 0;
        let i = match self.per_pt.iter().position(|e| e.pt == st.pt) {
            Some(i) => i,
            None => {
                self.per_pt.push(PtSteps {
                    pt: st.pt,
                    guess: 0,
                    guess_hits: 0,
                    ordinary: 0,
                });
                self.per_pt.len() - 1
            }
        };
        let e = &mut self.per_pt[i];
        if e.guess == 0 && counted {
            e.guess = st.ts_step;
        }
        if e.guess != 0 && st.ts_step == e.guess * st.seq_step as i64 {
            e.ordinary += 1;
            if counted {
                e.guess_hits += 1;
            }
            return;
        }
        if counted {
            *self.hist.entry((st.pt, st.ts_step)).or_default() += 1;
        }
        self.odd.push(st);
    }

    /// The most common counted step of `pt` (ties: the smallest).
    fn mode(&self, pt: u8) -> Option<i64> {
        let guess = self
            .per_pt
            .iter()
            .find(|e| e.pt == pt && e.guess_hits > 0)
            .map(|e| (e.guess, e.guess_hits));
        self.hist
            .iter()
            .filter(|((p, _), _)| *p == pt)
            .map(|((_, step), n)| (*step, *n))
            .chain(guess)
            .max_by_key(|(step, n)| (*n, std::cmp::Reverse(*step)))
            .map(|(step, _)| step)
    }

    /// Whether the jumps of `pt` against `spp` are all among the kept steps.
    fn exact_for(&self, pt: u8, spp: i64) -> bool {
        self.per_pt
            .iter()
            .find(|e| e.pt == pt)
            .is_none_or(|e| e.ordinary == 0 || e.guess == spp)
    }

    /// Pre-set the guess of `pt` (a second pass that knows the answer).
    pub(super) fn hint(&mut self, pt: u8, spp: i64) {
        self.per_pt.push(PtSteps {
            pt,
            guess: spp,
            guess_hits: 0,
            ordinary: 0,
        });
    }
}

impl StreamAnalyzer {
    /// `payload_map` gives encoding names and clocks of dynamic payload types (from SDP);
    /// gaps longer than `gap_threshold_ms` are recorded. Keeps a log of the forward steps
    /// (a few bytes per packet) so that [`stats`](Self::stats) is exact on its own.
    pub fn new(payload_map: PayloadMap, gap_threshold_ms: f64) -> Self {
        let mut a = Self::streaming(payload_map, gap_threshold_ms);
        a.step_log = Some(Vec::new());
        a
    }

    /// Without the step log: for the capture analyzer, which reads again what it lacks.
    pub(super) fn streaming(payload_map: PayloadMap, gap_threshold_ms: f64) -> Self {
        StreamAnalyzer {
            payload_map,
            gap_threshold_ms,
            ws: WsState::default(),
            first_arrival: None,
            first_ns: 0,
            last_arrival: Duration::ZERO,
            prev_arrival_ms: 0.0,
            highest_ext: 0,
            seen: SeqSet::default(),
            duplicates: 0,
            out_of_order: 0,
            markers: 0,
            pt_counts: Vec::new(),
            sizes: SizeHist::default(),
            steps: StepSummary::default(),
            step_log: None,
            prev: None,
            gaps: Vec::new(),
            rising: 0,
            dyn_clocks: Vec::new(),
            dyn_clock_changed: false,
        }
    }

    /// Feed one parsed packet that arrived at `arrival` (since the Unix epoch).
    pub fn push(&mut self, arrival: Duration, pkt: &RtpPacket<'_>) {
        self.push_obs(arrival, &RtpObs::from(pkt));
    }

    /// Milliseconds of `t` after the first packet (negative for an earlier timestamp). In
    /// 64-bit integers (±292 years of nanoseconds): converting an i128 to f64 is a slow
    /// library call, and the same integer gives the same f64 either way.
    fn rel_ms(&self, t: Duration) -> f64 {
        let ns = nanos(t) - self.first_ns;
        ns as f64 / 1e6
    }

    /// Feed one packet given by its fields.
    pub fn push_obs(&mut self, arrival: Duration, p: &RtpObs) {
        if self.first_arrival.is_none() {
            self.first_arrival = Some(arrival);
            self.first_ns = nanos(arrival);
        }
        let now = self.rel_ms(arrival);
        self.last_arrival = arrival;
        self.wireshark(now, p);
        self.own_counters(now, p);
    }

    fn clock_for(&self, pt: u8) -> u32 {
        clock_in(&self.payload_map, pt)
    }

    /// The clock of a packet's payload type, noting which clock each dynamic type got.
    fn packet_clock(&mut self, pt: u8) -> u32 {
        if pt < 96 {
            return static_clock_rate(pt);
        }
        let c = self.clock_for(pt);
        match self.dyn_clocks.iter().find(|(p, _)| *p == pt) {
            Some(&(_, used)) => self.dyn_clock_changed |= used != c,
            None => self.dyn_clocks.push((pt, c)),
        }
        c
    }

    /// Use `map` for the packets to come (and for the figures at the end).
    pub(super) fn set_payload_map(&mut self, map: PayloadMap) {
        self.payload_map = map;
    }

    /// Whether every packet was analysed with the clock `map` gives its payload type.
    pub(super) fn clocks_agree_with(&self, map: &PayloadMap) -> bool {
        !self.dyn_clock_changed
            && self
                .dyn_clocks
                .iter()
                .all(|&(pt, used)| clock_in(map, pt) == used)
    }

    /// Most common payload type (ties: the lowest).
    fn main_pt(&self) -> Option<u8> {
        self.pt_counts
            .iter()
            .max_by_key(|(pt, n)| (*n, std::cmp::Reverse(*pt)))
            .map(|(pt, _)| *pt)
    }

    /// Whether `stats` is exact without a second look at the packets.
    pub(super) fn exact(&self) -> bool {
        if self.step_log.is_some() {
            return true;
        }
        match self.main_pt() {
            Some(pt) => self
                .steps
                .mode(pt)
                .is_none_or(|spp| self.steps.exact_for(pt, spp)),
            None => true,
        }
    }

    /// The (main payload type, samples per packet) a second pass can start from.
    pub(super) fn step_hint(&self) -> Option<(u8, i64)> {
        let pt = self.main_pt()?;
        Some((pt, self.steps.mode(pt)?))
    }

    /// `rtppacket_analyse()` of Wireshark 4.0.
    fn wireshark(&mut self, current_time: f64, p: &RtpObs) {
        let clock_rate = self.packet_clock(p.pt);
        let s = &mut self.ws;
        if !s.started {
            s.started = true;
            s.start_seq_nr = p.seq;
            s.stop_seq_nr = p.seq;
            s.seq_num = p.seq;
            s.start_time = current_time;
            s.first_timestamp = p.timestamp;
            s.time = current_time;
            s.lastnominaltime = 0.0;
            s.pt = p.pt;
            s.min_delta = -1.0;
            s.min_jitter = -1.0;
            s.total_nr = 1;
            s.flags = FLAG_FIRST | if p.marker { FLAG_MARKER } else { 0 };
            return;
        }
        s.flags = 0;
        let first_ts = s.first_timestamp as i64;
        let ts = p.timestamp as i64;
        // Within 2^31 after the first timestamp, directly or across the 32-bit wrap.
        let in_time_sequence = (first_ts <= ts && ts - first_ts < 0x8000_0000)
            || (first_ts > ts && (0xFFFF_FFFF - first_ts) + ts < 0x8000_0000);
        if !in_time_sequence {
            s.flags |= FLAG_WRONG_TIMESTAMP;
        }

        // Sequence number wrap counting.
        let seq = p.seq as i32;
        // Below the first number, or 0 right after 65535 (when the first was 0).
        if (seq < s.start_seq_nr as i32 || (seq == 0 && s.stop_seq_nr == 65535))
            && in_time_sequence
            && !s.under
        {
            s.seq_cycles += 1;
            s.under = true;
        } else if seq > s.start_seq_nr as i32 && in_time_sequence && s.under {
            s.under = false;
        }

        let last = s.seq_num as i32;
        if in_time_sequence && (last + 1 == seq || (last == 65535 && seq == 0)) {
            // In order (possibly across the wrap).
            s.seq_num = p.seq;
        } else if in_time_sequence && (last + 1 < seq || last - seq > 0xFF00) {
            s.seq_num = p.seq;
            s.sequence += 1;
            s.flags |= FLAG_WRONG_SEQ;
        } else if last + 1 > seq {
            s.sequence += 1;
            s.flags |= FLAG_WRONG_SEQ;
        }

        if p.pt == 13 || p.pt == 19 {
            s.flags |= FLAG_PT_CN;
        }
        if s.pt == 13 || s.pt == 19 {
            s.flags |= FLAG_FOLLOW_PT_CN;
        }
        s.pt = p.pt;

        // Wireshark divides by clock/1000 in integer arithmetic.
        let clock_khz = clock_rate / 1000;
        let mut current_jitter = 0.0;
        if in_time_sequence {
            let arrivaltime = current_time - s.start_time;
            let nominal_units = p.timestamp.wrapping_sub(s.first_timestamp) as f64;
            if clock_khz != 0 {
                s.clock_rate = clock_rate;
                let nominaltime = nominal_units / clock_khz as f64;
                let expected_time = s.time + (nominaltime - s.lastnominaltime);
                let current_diff = (current_time - expected_time).abs();
                current_jitter = (15.0 * s.jitter + current_diff) / 16.0;
                s.delta = current_time - s.time;
                s.jitter = current_jitter;
                s.lastnominaltime = nominaltime;
                let skew = nominaltime - arrivaltime;
                if skew.abs() > s.max_skew.abs() {
                    s.max_skew = skew;
                }
            } else {
                s.delta = current_time - s.time;
            }
        }

        if p.marker {
            s.flags |= FLAG_MARKER;
        }

        let irregular =
            FLAG_FIRST | FLAG_MARKER | FLAG_PT_CN | FLAG_WRONG_TIMESTAMP | FLAG_FOLLOW_PT_CN;
        if s.flags & irregular == 0 {
            if s.delta > s.max_delta {
                s.max_delta = s.delta;
            }
            if s.min_delta == -1.0 || s.delta < s.min_delta {
                s.min_delta = s.delta;
            }
            let n = s.total_nr as f64;
            s.mean_delta = (s.mean_delta * (n - 1.0) + s.delta) / n;
            if clock_khz != 0 {
                if s.jitter > s.max_jitter {
                    s.max_jitter = s.jitter;
                }
                s.mean_jitter = (s.mean_jitter * (n - 1.0) + current_jitter) / n;
                if s.min_jitter == -1.0 || s.jitter < s.min_jitter {
                    s.min_jitter = s.jitter;
                }
            }
        }
        if s.flags & (FLAG_WRONG_TIMESTAMP | FLAG_WRONG_SEQ) != 0 {
            s.problem = true;
        }
        if in_time_sequence {
            s.time = current_time;
        }
        s.stop_seq_nr = p.seq;
        s.total_nr += 1;
    }

    fn own_counters(&mut self, now: f64, p: &RtpObs) {
        // Extended sequence numbers relative to the highest seen (RFC 3550 appendix A.1 style).
        let ext = match self.prev {
            None => p.seq as i64,
            Some(_) => {
                let delta = p.seq.wrapping_sub(self.highest_ext as u16) as i16 as i64;
                self.highest_ext + delta
            }
        };
        if self.prev.is_none() {
            self.highest_ext = ext;
        }
        if !self.seen.insert(ext) {
            self.duplicates += 1;
        } else if ext < self.highest_ext {
            self.out_of_order += 1;
        }
        if p.marker {
            self.markers += 1;
        }
        match self.pt_counts.iter_mut().find(|(pt, _)| *pt == p.pt) {
            Some((_, n)) => *n += 1,
            None => self.pt_counts.push((p.pt, 1)),
        }
        self.sizes.add((p.pt, p.payload_len));
        if let Some(prev) = self.prev {
            if (1..=16).contains(&p.seq.wrapping_sub(prev.seq)) {
                self.rising += 1;
            }
            let gap = now - self.prev_arrival_ms;
            if gap > self.gap_threshold_ms {
                self.gaps.push((now, gap));
            }
            // Only steps from the packet that held the highest sequence number.
            if ext > self.highest_ext && prev.seq == self.highest_ext as u16 {
                let step = Step {
                    seq_step: (ext - self.highest_ext).min(u16::MAX as i64) as u16,
                    ts_step: p.timestamp.wrapping_sub(prev.timestamp) as i32 as i64,
                    marker: p.marker,
                    pt: p.pt,
                    same_pt: prev.pt == p.pt,
                    at_ms: now,
                    seq: p.seq,
                };
                self.steps.record(step);
                if let Some(log) = &mut self.step_log {
                    log.push(step);
                }
            }
        }
        if ext > self.highest_ext {
            self.highest_ext = ext;
        }
        self.prev = Some(*p);
        self.prev_arrival_ms = now;
    }

    /// Number of packets fed so far.
    pub fn packets(&self) -> u64 {
        self.ws.total_nr as u64
    }

    /// Samples per packet and timestamp jumps, from the step log (always exact).
    fn steps_from_log(
        log: &[Step],
        main_pt: Option<u8>,
        abs_s: impl Fn(f64) -> f64,
    ) -> (Option<i64>, Vec<TimestampJump>) {
        let mut step_hist: HashMap<i64, u64> = HashMap::new();
        for st in log {
            if st.seq_step == 1
                && !st.marker
                && st.same_pt
                && Some(st.pt) == main_pt
                && st.ts_step > 0
            {
                *step_hist.entry(st.ts_step).or_default() += 1;
            }
        }
        let spp = step_hist
            .iter()
            .max_by_key(|(step, n)| (**n, std::cmp::Reverse(**step)))
            .map(|(step, _)| *step);
        (spp, Self::jumps(log.iter(), main_pt, spp, abs_s))
    }

    fn jumps<'a>(
        steps: impl Iterator<Item = &'a Step>,
        main_pt: Option<u8>,
        spp: Option<i64>,
        abs_s: impl Fn(f64) -> f64,
    ) -> Vec<TimestampJump> {
        let mut jumps = Vec::new();
        if let Some(spp) = spp {
            for st in steps {
                if st.marker || !st.same_pt || Some(st.pt) != main_pt {
                    continue;
                }
                let want = spp * st.seq_step as i64;
                if st.ts_step != want {
                    jumps.push(TimestampJump {
                        at_s: abs_s(st.at_ms),
                        seq: st.seq,
                        expected: want,
                        actual: st.ts_step,
                    });
                }
            }
        }
        jumps
    }

    /// The statistics so far.
    pub fn stats(&self) -> StreamStats {
        let s = &self.ws;
        let packets = s.total_nr as u64;
        let expected_i =
            (s.stop_seq_nr as i64 + s.seq_cycles as i64 * 0x10000) - s.start_seq_nr as i64 + 1;
        // Wireshark stores this in a guint32; a stream ending on an earlier number wraps.
        let expected = (expected_i as u32) as u64;
        let lost = (expected as u32).wrapping_sub(s.total_nr) as i32 as i64;
        let loss_percent = if expected != 0 {
            lost as f64 * 100.0 / expected as f64
        } else {
            0.0
        };
        let first = self.first_arrival.unwrap_or_default();
        let main_pt = self.main_pt();
        let clock = main_pt.map(|pt| self.clock_for(pt)).filter(|c| *c != 0);
        let abs_s = |ms: f64| first.as_secs_f64() + ms / 1000.0;
        let (spp, jumps) = match &self.step_log {
            Some(log) => Self::steps_from_log(log, main_pt, abs_s),
            None => {
                let spp = main_pt.and_then(|pt| self.steps.mode(pt));
                (spp, Self::jumps(self.steps.odd.iter(), main_pt, spp, abs_s))
            }
        };
        let payload_bytes = main_pt.and_then(|pt| self.sizes.mode(pt));
        let last_ms = self.rel_ms(self.last_arrival);
        let mut payload_types: Vec<u8> = self.pt_counts.iter().map(|(pt, _)| *pt).collect();
        payload_types.sort_unstable();
        StreamStats {
            packets,
            expected,
            lost,
            loss_percent,
            duplicates: self.duplicates,
            out_of_order: self.out_of_order,
            sequence_errors: s.sequence as u64,
            max_delta_ms: s.max_delta,
            mean_delta_ms: s.mean_delta,
            max_jitter_ms: s.max_jitter,
            mean_jitter_ms: s.mean_jitter,
            max_skew_ms: s.max_skew,
            clock_rate: clock,
            wireshark_problem: s.problem,
            first_arrival_s: first.as_secs_f64(),
            last_arrival_s: abs_s(last_ms),
            duration_s: last_ms / 1000.0,
            marker_packets: self.markers,
            payload_types,
            samples_per_packet: spp.and_then(|v| u32::try_from(v).ok()),
            ptime_ms: match (spp, clock) {
                (Some(spp), Some(c)) => Some(spp as f64 * 1000.0 / c as f64),
                _ => None,
            },
            payload_bytes,
            gaps: self
                .gaps
                .iter()
                .map(|&(at, ms)| Gap {
                    at_s: abs_s(at),
                    ms,
                })
                .collect(),
            timestamp_jumps: jumps,
        }
    }
}

/// `t` in nanoseconds (saturating past the year 2262).
pub(super) fn nanos(t: Duration) -> i64 {
    i64::try_from(t.as_nanos()).unwrap_or(i64::MAX)
}

/// Clock of payload type `pt` given the dynamic types of `map` (0 = unknown: no jitter).
pub(super) fn clock_in(map: &PayloadMap, pt: u8) -> u32 {
    if pt < 96 {
        return static_clock_rate(pt);
    }
    match map.get(&pt) {
        None => 0,
        Some(m) if is_telephone_event(&m.encoding) => 0,
        Some(m) if m.clock_rate != 0 => m.clock_rate,
        Some(m) => dynamic_clock_by_name(&m.encoding),
    }
}
