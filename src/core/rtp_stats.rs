//! Offline capture analysis: per-stream RTP statistics computed exactly the way
//! Wireshark's RTP stream analysis computes them (so `vcctl rtp-stats` agrees with
//! `tshark -q -z rtp,streams`), a capture-level [`CaptureAnalyzer`] that finds the RTP
//! streams (from SIP/SDP in the same capture, else a conservative heuristic) and flags
//! problems in words, and a SIP ladder builder ([`sip_flows`]). Pure: frames and their
//! timestamps come in as data.
//!
//! # Wireshark compatibility (checked against tshark 4.0)
//! Per stream `(src, dst, SSRC)` the numbers follow `rtppacket_analyse()` in Wireshark's
//! `ui/tap-rtp-analysis.c` and `rtpstream_info_calculate()` in `ui/tap-rtp-common.c`:
//! - arrival times are milliseconds as `f64`; a packet is "in time sequence" when its RTP
//!   timestamp is within 2^31 after the stream's first timestamp;
//! - `expected = (last seq + 65536 * cycles) - first seq + 1`, where "last" is the sequence
//!   number of the last packet *received* (not the highest) and cycles count wraps;
//!   `lost = expected - received`, negative when duplicates outnumber losses;
//! - "sequence errors" count packets whose sequence number is not previous + 1 (a jump
//!   forward or a late/duplicate packet);
//! - jitter is RFC 3550 section 6.4.1 in milliseconds: `D = |arrival - (previous arrival +
//!   (ts - previous ts) / (clock / 1000))|` (clock/1000 in integer arithmetic, as Wireshark
//!   does), `J += (D - J) / 16`; the clock is the static payload type's or, for dynamic
//!   types, the SDP rtpmap's; unknown clock or telephone-event means no jitter;
//! - max delta, max/mean jitter include only "regular" packets: not the first, no marker
//!   bit, not comfort noise or just after it, not before the first timestamp;
//!   means divide by the packet count so far, as Wireshark does.
//!
//! Extra numbers Wireshark does not have: duplicates (a sequence number seen before) and
//! out-of-order packets (older than the highest seen, first time).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use crate::core::mos::{Codec, MosEstimate, StreamQuality};
use crate::core::net::{self, Decoded, LinkType, Record, UdpDatagram};
use crate::core::rtp::{looks_like_rtp, Pt, RtpPacket};
use crate::core::sip::{self, Direction, RtpMap, Sdp, SipMessage};

// The per-packet maps (flows, SSRCs, sequence bitmaps, sizes, steps) use rustc's
// multiply-rotate hash: keys come from the capture, and an adversarial capture can at worst
// make one analysis slower; SipHash's protection is not worth a third of the run time.
use rustc_hash::FxHashMap;

// ---------------------------------------------------------------------------------------
// Clock rates (Wireshark's tables)
// ---------------------------------------------------------------------------------------

/// Clock rate Wireshark uses for a static payload type (0 = unknown: no jitter).
pub fn static_clock_rate(pt: u8) -> u32 {
    match pt {
        0..=5 | 7..=9 | 12 | 13 | 15 | 18 | 19 => 8000,
        6 => 16000,
        10 | 11 => 44100,
        16 => 11025,
        17 => 22050,
        14 | 25 | 26 | 28 | 31 | 32 | 33 | 34 => 90000,
        _ => 0,
    }
}

/// Clock rate Wireshark assumes for a dynamic payload type by encoding name prefix.
fn dynamic_clock_by_name(name: &str) -> u32 {
    // Searched longest-prefix-first like Wireshark's reverse walk of its sorted table.
    const TABLE: &[(&str, u32)] = &[
        ("telephone-event", 8000),
        ("t140", 1000),
        ("SMV0", 8000),
        ("SMV", 8000),
        ("red", 1000),
        ("raw", 90000),
        ("pointer", 90000),
        ("opus", 48000),
        ("mpa-robust", 90000),
        ("MP4V-ES", 90000),
        ("MP2P", 90000),
        ("MP1S", 90000),
        ("H264", 90000),
        ("H263-2000", 90000),
        ("H263-1998", 90000),
        ("GSM-EFR", 8000),
        ("G729E", 8000),
        ("G729D", 8000),
        ("G726-40", 8000),
        ("G726-32", 8000),
        ("G726-24", 8000),
        ("G726-16", 8000),
        ("G7221", 16000),
        ("EVS", 16000),
        ("EVRCWB1", 16000),
        ("EVRCWB0", 16000),
        ("EVRCWB", 16000),
        ("EVRCB1", 8000),
        ("EVRCB0", 8000),
        ("EVRCB", 8000),
        ("EVRC1", 8000),
        ("EVRC0", 8000),
        ("EVRC", 8000),
        ("DV", 90000),
        ("BT656", 90000),
        ("BMPEG", 90000),
        ("AMR-WB", 16000),
        ("AMR", 8000),
    ];
    let lower = name.to_ascii_lowercase();
    TABLE
        .iter()
        .find(|(n, _)| lower.starts_with(&n.to_ascii_lowercase()))
        .map(|&(_, r)| r)
        .unwrap_or(0)
}

fn is_telephone_event(name: &str) -> bool {
    name.len() >= 15 && name[..15].eq_ignore_ascii_case("telephone-event")
}

/// Short codec name for display.
pub fn codec_name(pt: u8, map: Option<&RtpMap>) -> String {
    if let Some(m) = map.filter(|_| pt >= 96) {
        return m.encoding.clone();
    }
    match Pt(pt).static_codec() {
        Some((name, _)) => name.to_string(),
        None => match (pt, map) {
            (_, Some(m)) => m.encoding.clone(),
            (2, _) => "G721".into(),
            (5 | 6, _) => "DVI4".into(),
            (7, _) => "LPC".into(),
            (12, _) => "QCELP".into(),
            (15, _) => "G728".into(),
            (19, _) => "CN(old)".into(),
            _ => format!("Unknown({pt})"),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Per-stream analyzer
// ---------------------------------------------------------------------------------------

const FLAG_FIRST: u32 = 0x001;
const FLAG_MARKER: u32 = 0x002;
const FLAG_WRONG_SEQ: u32 = 0x004;
const FLAG_PT_CN: u32 = 0x010;
const FLAG_FOLLOW_PT_CN: u32 = 0x020;
const FLAG_WRONG_TIMESTAMP: u32 = 0x080;

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
struct WsState {
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
    /// Forward sequence gaps (runs of lost packets), for the burst ratio; not Wireshark's.
    loss_runs: u64,
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
    /// Runs of lost packets (forward sequence gaps), and the E-model's burst ratio from them:
    /// mean run length x (1 - loss), 1 for random loss, above 1 for bursty loss (G.107
    /// `BurstR`); `None` without loss.
    pub loss_runs: u64,
    pub burst_ratio: Option<f64>,
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
    pt_counts: Vec<(u8, u64)>,
    /// (pt, payload size) histogram.
    sizes: SizeHist,
    steps: StepSummary,
    /// Every forward step, kept by a standalone analyzer so that `stats` is exact alone.
    step_log: Option<Vec<Step>>,
    prev: Option<RtpObs>,
    gaps: Vec<(f64, f64)>,
    /// Consecutive packets whose sequence number rose by 1 to 16 (for the capture heuristic).
    rising: u64,
    /// The clock each dynamic payload type was analysed with, and whether one changed.
    dyn_clocks: Vec<(u8, u32)>,
    dyn_clock_changed: bool,
}

/// A forward step between consecutive packets (from the packet holding the highest
/// sequence number so far to a higher one).
#[derive(Debug, Clone, Copy)]
struct Step {
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
struct SeqSet {
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
struct SizeHist {
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
struct PtSteps {
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
struct StepSummary {
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
    fn hint(&mut self, pt: u8, spp: i64) {
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
    fn streaming(payload_map: PayloadMap, gap_threshold_ms: f64) -> Self {
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
    fn set_payload_map(&mut self, map: PayloadMap) {
        self.payload_map = map;
    }

    /// Whether every packet was analysed with the clock `map` gives its payload type.
    fn clocks_agree_with(&self, map: &PayloadMap) -> bool {
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
    fn exact(&self) -> bool {
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
    fn step_hint(&self) -> Option<(u8, i64)> {
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
            s.loss_runs += 1;
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
            loss_runs: s.loss_runs,
            burst_ratio: (lost > 0 && s.loss_runs > 0 && expected > 0).then(|| {
                let p = lost as f64 / expected as f64;
                (lost as f64 / s.loss_runs as f64) * (1.0 - p)
            }),
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
fn nanos(t: Duration) -> i64 {
    i64::try_from(t.as_nanos()).unwrap_or(i64::MAX)
}

/// Clock of payload type `pt` given the dynamic types of `map` (0 = unknown: no jitter).
fn clock_in(map: &PayloadMap, pt: u8) -> u32 {
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

// ---------------------------------------------------------------------------------------
// Capture-level analysis
// ---------------------------------------------------------------------------------------

/// Tunables of [`CaptureAnalyzer`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisOptions {
    /// Arrival gaps longer than this are problems (default 60 ms).
    pub gap_threshold_ms: f64,
    /// Packetization the stack expects (default 20 ms).
    pub expected_ptime_ms: f64,
    /// Packets of one SSRC a UDP flow needs before the heuristic calls it RTP (default 10).
    pub min_heuristic_packets: usize,
    /// Look for RTP on flows no SDP announced (default true).
    pub heuristic: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            gap_threshold_ms: 60.0,
            expected_ptime_ms: 20.0,
            min_heuristic_packets: 10,
            heuristic: true,
        }
    }
}

/// Counts of what the capture held.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaptureSummary {
    pub frames: u64,
    /// First and last frame time, seconds since the Unix epoch.
    pub first_s: Option<f64>,
    pub last_s: Option<f64>,
    pub udp_datagrams: u64,
    pub tcp_segments: u64,
    pub sip_messages: u64,
    pub rtp_packets: u64,
    pub non_first_fragments: u64,
    /// Frames shorter on file than on the wire (snap length).
    pub truncated_frames: u64,
    pub other_frames: u64,
    pub undecodable_frames: u64,
    /// Link types seen that could not be decoded.
    pub unsupported_linktypes: Vec<u32>,
}

/// How a stream was recognised as RTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    /// An SDP in the capture announced one of its endpoints.
    Sdp,
    /// No SDP: the flow looked like RTP (version 2, steady SSRC, rising sequence).
    Heuristic,
}

/// One RTP stream: `(src, dst, SSRC)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamReport {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub ssrc: u32,
    /// SSRC as Wireshark prints it, `0x1234ABCD`.
    pub ssrc_hex: String,
    /// Payload type of the first packet.
    pub payload_type: u8,
    pub codec: String,
    pub detection: Detection,
    pub call_id: Option<String>,
    /// Start relative to the first frame of the capture, seconds.
    pub start_rel_s: f64,
    #[serde(flatten)]
    pub stats: StreamStats,
    /// The E-model's estimate for a listener at `dst` ([`crate::core::mos`]): from the codec,
    /// the loss and its burst ratio, the mean jitter (a jitter buffer of twice that) and the packet time; a
    /// capture has no one-way delay, so the network's share of it is taken as 0. `None` for
    /// codecs without E-model figures (anything but G.711 and L16).
    pub mos: Option<MosEstimate>,
}

/// The MOS estimate of a stream received with `stats` (see [`StreamReport::mos`]).
pub fn stream_mos(codec: &str, payload_type: u8, stats: &StreamStats) -> Option<MosEstimate> {
    let codec = Codec::from_name(codec).or_else(|| Codec::from_payload_type(payload_type))?;
    Some(
        StreamQuality {
            codec,
            loss_percent: stats.loss_percent,
            jitter_ms: stats.mean_jitter_ms,
            ptime_ms: stats.ptime_ms,
            one_way_delay_ms: None,
            burst_ratio: stats.burst_ratio,
        }
        .estimate(),
    )
}

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    OneWayAudio,
    NoMedia,
    Loss,
    Gap,
    SsrcChange,
    TimestampJump,
    Packetization,
    SequenceErrors,
}

/// A problem, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Index into `CaptureReport::streams`, when about one stream.
    pub stream: Option<usize>,
    pub call_id: Option<String>,
    pub message: String,
}

/// An SDP media endpoint seen in a call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaEndpoint {
    /// Where that side asked to receive RTP.
    pub addr: SocketAddr,
    pub codecs: Vec<String>,
    pub direction: Direction,
    /// The SIP message carrying it ("INVITE", "200 OK").
    pub in_message: String,
    /// Sender of that SIP message.
    pub sip_src: SocketAddr,
    /// Whether the caller (the first INVITE's sender) advertised it.
    pub caller_side: bool,
}

/// The media view of one SIP call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallMedia {
    pub call_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub endpoints: Vec<MediaEndpoint>,
    /// Indices into `CaptureReport::streams`.
    pub streams: Vec<usize>,
}

/// Everything `vcctl rtp-stats` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaptureReport {
    pub capture: CaptureSummary,
    pub options: AnalysisOptions,
    pub streams: Vec<StreamReport>,
    pub calls: Vec<CallMedia>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FlowKey {
    src: SocketAddr,
    dst: SocketAddr,
}

impl std::hash::Hash for FlowKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match (self.src, self.dst) {
            // The common case in two words instead of a dozen hasher calls.
            (SocketAddr::V4(s), SocketAddr::V4(d)) => {
                h.write_u64(((u32::from(*s.ip()) as u64) << 32) | u32::from(*d.ip()) as u64);
                h.write_u32(((s.port() as u32) << 16) | d.port() as u32);
            }
            (s, d) => {
                s.hash(h);
                d.hash(h);
            }
        }
    }
}

/// One UDP flow `(src, dst)` outside SIP.
#[derive(Debug)]
struct Flow {
    key: FlowKey,
    datagrams: u64,
    /// Datagrams that parsed as RTP.
    rtp: u64,
    /// Its streams (indices into `CaptureAnalyzer::streams`), one per SSRC, in order of
    /// appearance.
    streams: Vec<usize>,
    /// The stream of the last RTP packet.
    last: usize,
}

/// Flows with more SSRCs than this find theirs through `CaptureAnalyzer::by_ssrc`.
const FEW_SSRCS: usize = 8;

/// The packets of one `(src, dst, SSRC)` seen so far.
#[derive(Debug)]
enum Seen {
    /// A single packet (most SSRCs of a flow that is not RTP never get a second one).
    One(Duration, RtpObs),
    Many(Box<StreamAnalyzer>),
}

/// A candidate stream: one SSRC of a flow.
#[derive(Debug)]
struct Tracked {
    flow: usize,
    ssrc: u32,
    /// Frame of its first packet.
    first_frame: u64,
    first_ts: Duration,
    first_pt: u8,
    seen: Seen,
    /// `CaptureAnalyzer::sdp_epoch` when the analyzer's payload map was set.
    map_epoch: u64,
    /// The stream analysed again from its first packet, on a second pass.
    replay: Option<Box<StreamAnalyzer>>,
}

impl Tracked {
    fn packets(&self) -> u64 {
        match &self.seen {
            Seen::One(..) => 1,
            Seen::Many(a) => a.packets(),
        }
    }
}

/// A SIP message seen in the capture.
#[derive(Debug, Clone)]
struct SipSeen {
    ts: Duration,
    src: SocketAddr,
    dst: SocketAddr,
    msg: SipMessage,
    /// Hash of the raw bytes, for retransmission detection.
    digest: u64,
}

/// A stream the analysis reports, decided after the first pass.
#[derive(Debug)]
struct Accepted {
    stream: usize,
    detection: Detection,
    call: Option<usize>,
    map: PayloadMap,
}

/// What the end of the first pass decided.
#[derive(Debug)]
struct Decision {
    calls_sdp: Vec<CallSdp>,
    accepted: Vec<Accepted>,
    /// Some accepted stream is analysed again on a second pass.
    replay: bool,
}

/// Streaming capture analyzer: push frames in file order, then [`finish`](Self::finish).
///
/// Each candidate stream (an SSRC of a UDP flow) is analysed as its packets arrive; no
/// packet is kept. Whether a flow is RTP (an SDP in the capture announced one of its ends,
/// or the heuristic) is decided at the end. Rarely, exact figures need a second look at a
/// stream's packets: call [`needs_replay`](Self::needs_replay) after the last frame and,
/// when it says so, feed every frame again with [`replay_frame`](Self::replay_frame).
#[derive(Debug)]
pub struct CaptureAnalyzer {
    opts: AnalysisOptions,
    summary: CaptureSummary,
    first_ts: Option<Duration>,
    flows: FxHashMap<FlowKey, usize>,
    flow_list: Vec<Flow>,
    streams: Vec<Tracked>,
    /// (flow, SSRC) -> stream, for flows with many SSRCs.
    by_ssrc: FxHashMap<(usize, u32), usize>,
    sip: Vec<SipSeen>,
    /// rtpmaps announced so far per SDP media endpoint, and a counter bumped at each SDP.
    sdp_maps: FxHashMap<SocketAddr, PayloadMap>,
    sdp_epoch: u64,
    /// False for SIP ladders only.
    rtp: bool,
    decision: Option<Decision>,
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The audio endpoints an SDP announces, with their rtpmaps (what `collect_sdp` reads).
fn sdp_audio(sdp: &Sdp) -> impl Iterator<Item = (SocketAddr, &[RtpMap])> {
    sdp.media
        .iter()
        .filter(|m| m.kind == "audio" && m.port != 0)
        .filter_map(move |m| Some((m.endpoint(sdp)?, m.rtpmaps.as_slice())))
}

impl CaptureAnalyzer {
    pub fn new(opts: AnalysisOptions) -> Self {
        CaptureAnalyzer {
            opts,
            summary: CaptureSummary::default(),
            first_ts: None,
            flows: FxHashMap::default(),
            flow_list: Vec::new(),
            streams: Vec::new(),
            by_ssrc: FxHashMap::default(),
            sip: Vec::new(),
            sdp_maps: FxHashMap::default(),
            sdp_epoch: 0,
            rtp: true,
            decision: None,
        }
    }

    /// An analyzer for [`sip_flows`](Self::sip_flows) only: it skips RTP.
    pub fn sip_only() -> Self {
        CaptureAnalyzer {
            rtp: false,
            ..Self::new(AnalysisOptions::default())
        }
    }

    /// Feed one captured frame.
    pub fn push(&mut self, rec: &Record) {
        self.push_frame(rec.ts, rec.linktype, &rec.data, rec.orig_len);
    }

    /// Feed one captured frame given by its parts.
    pub fn push_frame(&mut self, ts: Duration, linktype: LinkType, data: &[u8], orig_len: u32) {
        self.summary.frames += 1;
        self.first_ts.get_or_insert(ts);
        let t = secs(ts);
        self.summary.first_s = Some(self.summary.first_s.map_or(t, |f| f.min(t)));
        self.summary.last_s = Some(self.summary.last_s.map_or(t, |l| l.max(t)));
        if (orig_len as usize) > data.len() {
            self.summary.truncated_frames += 1;
        }
        match net::decode(linktype, data) {
            Ok(Decoded::Udp(u)) => self.push_udp(ts, &u),
            Ok(Decoded::Tcp { .. }) => self.summary.tcp_segments += 1,
            Ok(Decoded::NonFirstFragment) => self.summary.non_first_fragments += 1,
            Ok(Decoded::Other) => self.summary.other_frames += 1,
            Err(net::NetError::UnsupportedLinkType(lt)) => {
                self.summary.undecodable_frames += 1;
                if !self.summary.unsupported_linktypes.contains(&lt.0) {
                    self.summary.unsupported_linktypes.push(lt.0);
                }
            }
            Err(_) => self.summary.undecodable_frames += 1,
        }
    }

    /// Feed one UDP datagram (already decoded) that arrived at `ts`.
    pub fn push_udp(&mut self, ts: Duration, u: &UdpDatagram<'_>) {
        self.summary.udp_datagrams += 1;
        let frame = self.summary.frames;
        if sip::looks_like_sip(u.payload) {
            if let Ok(msg) = SipMessage::parse(u.payload) {
                self.summary.sip_messages += 1;
                self.note_sdp(&msg);
                self.sip.push(SipSeen {
                    ts,
                    src: u.src,
                    dst: u.dst,
                    msg,
                    digest: fnv1a(u.payload),
                });
                return;
            }
        }
        if !self.rtp {
            return;
        }
        let key = FlowKey {
            src: u.src,
            dst: u.dst,
        };
        let fi = match self.flows.get(&key) {
            Some(&i) => i,
            None => {
                self.flow_list.push(Flow {
                    key,
                    datagrams: 0,
                    rtp: 0,
                    streams: Vec::new(),
                    last: usize::MAX,
                });
                self.flows.insert(key, self.flow_list.len() - 1);
                self.flow_list.len() - 1
            }
        };
        let flow = &mut self.flow_list[fi];
        flow.datagrams += 1;
        if !looks_like_rtp(u.payload) {
            return;
        }
        let Ok(p) = RtpPacket::parse(u.payload) else {
            return;
        };
        flow.rtp += 1;
        let obs = RtpObs::from(&p);
        let si = match self.streams.get(flow.last) {
            Some(t) if t.ssrc == obs.ssrc => Some(flow.last),
            _ if flow.streams.len() <= FEW_SSRCS => flow
                .streams
                .iter()
                .copied()
                .find(|&i| self.streams[i].ssrc == obs.ssrc),
            _ => self.by_ssrc.get(&(fi, obs.ssrc)).copied(),
        };
        let Some(si) = si else {
            let si = self.streams.len();
            self.streams.push(Tracked {
                flow: fi,
                ssrc: obs.ssrc,
                first_frame: frame,
                first_ts: ts,
                first_pt: obs.pt,
                seen: Seen::One(ts, obs),
                map_epoch: 0,
                replay: None,
            });
            flow.streams.push(si);
            flow.last = si;
            self.by_ssrc.insert((fi, obs.ssrc), si);
            return;
        };
        flow.last = si;
        let key = flow.key;
        let epoch = self.sdp_epoch;
        let t = &mut self.streams[si];
        if let Seen::One(t0, o0) = t.seen {
            // The second packet: from here on a full analysis.
            let mut a = StreamAnalyzer::streaming(
                flow_map(&self.sdp_maps, &key),
                self.opts.gap_threshold_ms,
            );
            a.push_obs(t0, &o0);
            t.seen = Seen::Many(Box::new(a));
            t.map_epoch = epoch;
        }
        let Seen::Many(a) = &mut t.seen else {
            unreachable!("promoted above")
        };
        if obs.pt >= 96 && t.map_epoch != epoch {
            a.set_payload_map(flow_map(&self.sdp_maps, &key));
            t.map_epoch = epoch;
        }
        a.push_obs(ts, &obs);
    }

    /// Learn the rtpmaps of an SDP as it passes (the final ones are worked out again at
    /// the end from every SIP message, as `collect_sdp` reads them).
    fn note_sdp(&mut self, msg: &SipMessage) {
        if !self.rtp || msg.call_id().is_none() {
            return;
        }
        let Some(sdp) = msg.sdp() else { return };
        for (addr, maps) in sdp_audio(&sdp) {
            let entry = self.sdp_maps.entry(addr).or_default();
            for m in maps {
                entry.insert(m.pt, m.clone());
            }
            self.sdp_epoch += 1;
        }
    }

    /// SIP ladders of the calls seen so far.
    pub fn sip_flows(&self) -> SipFlowReport {
        build_flows(&self.sip, self.first_ts)
    }

    /// After the last frame: whether exact figures need every frame fed again with
    /// [`replay_frame`](Self::replay_frame) before [`finish`](Self::finish). Rare: a
    /// stream of a dynamic payload type whose SDP came after its first packets or changed
    /// its clock, or whose most common timestamp step is not the first one it showed.
    pub fn needs_replay(&mut self) -> bool {
        self.decide().replay
    }

    /// Feed a frame again, in the same order as the first time, after
    /// [`needs_replay`](Self::needs_replay) said so.
    pub fn replay_frame(&mut self, ts: Duration, linktype: LinkType, data: &[u8]) {
        let Ok(Decoded::Udp(u)) = net::decode(linktype, data) else {
            return;
        };
        if sip::looks_like_sip(u.payload) && SipMessage::parse(u.payload).is_ok() {
            return;
        }
        let Some(&fi) = self.flows.get(&FlowKey {
            src: u.src,
            dst: u.dst,
        }) else {
            return;
        };
        let flow = &self.flow_list[fi];
        if !flow
            .streams
            .iter()
            .any(|&i| self.streams[i].replay.is_some())
        {
            return;
        }
        if !looks_like_rtp(u.payload) {
            return;
        }
        let Ok(p) = RtpPacket::parse(u.payload) else {
            return;
        };
        let ssrc = p.ssrc.0;
        let found = flow
            .streams
            .iter()
            .copied()
            .find(|&i| self.streams[i].ssrc == ssrc);
        if let Some(a) = found.and_then(|i| self.streams[i].replay.as_mut()) {
            a.push(ts, &p);
        }
    }

    /// Decide (once) which flows are RTP, and which of their streams need a second pass.
    fn decide(&mut self) -> &Decision {
        if self.decision.is_none() {
            let d = self.make_decision();
            self.decision = Some(d);
        }
        self.decision.as_ref().expect("just set")
    }

    fn make_decision(&mut self) -> Decision {
        let opts = self.opts.clone();
        let calls_sdp = collect_sdp(&self.sip);
        // Endpoint -> (call index, payload map).
        let mut by_endpoint: HashMap<SocketAddr, (usize, PayloadMap)> = HashMap::new();
        for (ci, call) in calls_sdp.iter().enumerate() {
            for ep in &call.sdps {
                let entry = by_endpoint
                    .entry(ep.endpoint.addr)
                    .or_insert_with(|| (ci, PayloadMap::new()));
                entry.0 = ci;
                for m in &ep.rtpmaps {
                    entry.1.insert(m.pt, m.clone());
                }
            }
        }
        // Which flows are RTP: SDP, else the heuristic on the flow's own content, else
        // (for a short answer) the heuristic helped by the flow back being RTP.
        let looks = |t: &Tracked, min: usize| match &t.seen {
            Seen::Many(a) => looks_like_a_stream(a, min),
            Seen::One(..) => min <= 1,
        };
        let mut verdict: Vec<Option<(Detection, bool)>> = Vec::with_capacity(self.flow_list.len());
        for flow in &self.flow_list {
            let key = &flow.key;
            let v = if flow.rtp == 0 {
                None
            } else if by_endpoint.contains_key(&key.dst) || by_endpoint.contains_key(&key.src) {
                Some((Detection::Sdp, false))
            } else if opts.heuristic
                && heuristic_flow_ok(flow)
                && flow
                    .streams
                    .iter()
                    .any(|&i| looks(&self.streams[i], opts.min_heuristic_packets.max(2)))
            {
                Some((Detection::Heuristic, true))
            } else {
                None
            };
            verdict.push(v);
        }
        for fi in 0..self.flow_list.len() {
            let flow = &self.flow_list[fi];
            if verdict[fi].is_some() || !opts.heuristic || flow.rtp == 0 {
                continue;
            }
            let back = FlowKey {
                src: flow.key.dst,
                dst: flow.key.src,
            };
            let back_is_rtp = self.flows.get(&back).is_some_and(|&b| verdict[b].is_some());
            if back_is_rtp
                && heuristic_flow_ok(flow)
                && flow.streams.iter().any(|&i| looks(&self.streams[i], 2))
            {
                verdict[fi] = Some((Detection::Heuristic, true));
            }
        }

        // The streams of the RTP flows, in order of their first packet.
        let mut accepted = Vec::new();
        for (fi, flow) in self.flow_list.iter().enumerate() {
            let Some((detection, filter)) = &verdict[fi] else {
                continue;
            };
            let key = &flow.key;
            let (call, map) = match by_endpoint
                .get(&key.dst)
                .or_else(|| by_endpoint.get(&key.src))
            {
                Some((ci, _)) => {
                    // Merge both ends' maps; the receiver's declaration wins.
                    let mut map = by_endpoint
                        .get(&key.src)
                        .map(|(_, m)| m.clone())
                        .unwrap_or_default();
                    if let Some((_, m)) = by_endpoint.get(&key.dst) {
                        map.extend(m.iter().map(|(k, v)| (*k, v.clone())));
                    }
                    (Some(*ci), map)
                }
                None => (None, PayloadMap::new()),
            };
            for &si in &flow.streams {
                // Once a flow is RTP by the heuristic, keep every SSRC that itself looks
                // like a (short) stream.
                if *filter && !looks(&self.streams[si], 2) {
                    continue;
                }
                accepted.push(Accepted {
                    stream: si,
                    detection: detection.clone(),
                    call,
                    map: map.clone(),
                });
            }
        }
        accepted.sort_by_key(|a| self.streams[a.stream].first_frame);

        // Streams whose figures one pass could not settle are analysed again.
        let mut replay = false;
        for acc in &accepted {
            let t = &mut self.streams[acc.stream];
            let a = match &mut t.seen {
                Seen::One(t0, o0) => {
                    // A single packet: analysed now, with the final payload map.
                    let mut a = StreamAnalyzer::streaming(acc.map.clone(), opts.gap_threshold_ms);
                    a.push_obs(*t0, o0);
                    t.seen = Seen::Many(Box::new(a));
                    continue;
                }
                Seen::Many(a) => a,
            };
            if a.clocks_agree_with(&acc.map) && a.exact() {
                a.set_payload_map(acc.map.clone());
                continue;
            }
            let mut again = StreamAnalyzer::streaming(acc.map.clone(), opts.gap_threshold_ms);
            if let Some((pt, spp)) = a.step_hint() {
                again.steps.hint(pt, spp);
            }
            t.replay = Some(Box::new(again));
            replay = true;
        }
        Decision {
            calls_sdp,
            accepted,
            replay,
        }
    }

    /// Decide which flows are RTP, compute the statistics and the problems.
    pub fn finish(mut self) -> CaptureReport {
        let opts = self.opts.clone();
        self.decide();
        let Decision {
            calls_sdp,
            accepted,
            ..
        } = self.decision.take().expect("decided");
        let capture_start = self.first_ts.unwrap_or_default();
        let mut streams = Vec::with_capacity(accepted.len());
        let mut rtp_packets = 0;
        for acc in &accepted {
            let t = &self.streams[acc.stream];
            let a: &StreamAnalyzer = match (&t.replay, &t.seen) {
                (Some(a), _) => a,
                (None, Seen::Many(a)) => a,
                (None, Seen::One(..)) => unreachable!("promoted when deciding"),
            };
            let stats = a.stats();
            rtp_packets += t.packets();
            let flow = &self.flow_list[t.flow];
            let codec = codec_name(t.first_pt, acc.map.get(&t.first_pt));
            let mos = stream_mos(&codec, t.first_pt, &stats);
            streams.push(StreamReport {
                src: flow.key.src,
                dst: flow.key.dst,
                ssrc: t.ssrc,
                ssrc_hex: format!("0x{:08X}", t.ssrc),
                payload_type: t.first_pt,
                codec,
                detection: acc.detection.clone(),
                call_id: acc.call.map(|ci| calls_sdp[ci].call_id.clone()),
                start_rel_s: (t.first_ts.as_nanos() as i128 - capture_start.as_nanos() as i128)
                    as f64
                    / 1e9,
                stats,
                mos,
            });
        }
        let mut summary = self.summary.clone();
        summary.rtp_packets = rtp_packets;

        let mut problems = Vec::new();
        for (i, s) in streams.iter().enumerate() {
            stream_problems(i, s, &opts, &mut problems);
        }
        ssrc_change_problems(&streams, &mut problems);
        let calls = call_media(&calls_sdp, &streams, &mut problems);
        unpaired_stream_problems(&streams, &mut problems);

        CaptureReport {
            capture: summary,
            options: opts,
            streams,
            calls,
            problems,
        }
    }
}

/// The payload map of a flow from the SDPs seen so far: both ends', the receiver's winning.
fn flow_map(maps: &FxHashMap<SocketAddr, PayloadMap>, key: &FlowKey) -> PayloadMap {
    let mut map = maps.get(&key.src).cloned().unwrap_or_default();
    if let Some(m) = maps.get(&key.dst) {
        map.extend(m.iter().map(|(k, v)| (*k, v.clone())));
    }
    map
}

/// Whether a flow no SDP announced can be RTP at all: ports, and nearly every datagram
/// parsing as RTP (RTCP does not: its packet types 200-204 are refused by
/// [`looks_like_rtp`]). Port parity says nothing: RFC 3550 only recommends even RTP ports,
/// and one side's choice decides the other side's destination port.
fn heuristic_flow_ok(flow: &Flow) -> bool {
    let (sp, dp) = (flow.key.src.port(), flow.key.dst.port());
    if sp < 1024 || dp < 1024 {
        return false;
    }
    // Well-known non-RTP UDP services above 1024.
    const NOT_RTP: &[u16] = &[
        1194, 1900, 3478, 3479, 4500, 5060, 5061, 5349, 5353, 5355, 51820,
    ];
    if NOT_RTP.contains(&sp) || NOT_RTP.contains(&dp) {
        return false;
    }
    flow.rtp * 10 >= flow.datagrams * 9
}

/// Whether one SSRC's packets look like an RTP stream: at least `min` packets, mostly of
/// one plausible payload type, sequence numbers mostly rising by small steps.
fn looks_like_a_stream(a: &StreamAnalyzer, min: usize) -> bool {
    let n = a.packets();
    if n < min.max(1) as u64 {
        return false;
    }
    let plausible_pt = |pt: u8| static_clock_rate(pt) != 0 || (96..=127).contains(&pt);
    let Some(&(main_pt, main_n)) = a.pt_counts.iter().max_by_key(|(_, c)| *c) else {
        return false;
    };
    if !plausible_pt(main_pt) || main_n * 10 < n * 8 {
        return false;
    }
    a.rising * 10 >= (n - 1) * 8
}

fn fmt_ms(ms: f64) -> String {
    format!("{ms:.1} ms")
}

fn stream_label(s: &StreamReport) -> String {
    format!("{} -> {} (SSRC {})", s.src, s.dst, s.ssrc_hex)
}

fn stream_problems(i: usize, s: &StreamReport, opts: &AnalysisOptions, out: &mut Vec<Problem>) {
    let st = &s.stats;
    let label = stream_label(s);
    let mut push = |kind, message: String| {
        out.push(Problem {
            kind,
            stream: Some(i),
            call_id: s.call_id.clone(),
            message,
        })
    };
    if st.lost > 0 {
        push(
            ProblemKind::Loss,
            format!(
                "{label}: {} of {} packets lost ({:.1}%)",
                st.lost, st.expected, st.loss_percent
            ),
        );
    }
    if st.duplicates > 0 || st.out_of_order > 0 {
        push(
            ProblemKind::SequenceErrors,
            format!(
                "{label}: {} duplicate and {} out-of-order packets ({} sequence errors)",
                st.duplicates, st.out_of_order, st.sequence_errors
            ),
        );
    }
    if !st.gaps.is_empty() {
        let largest = st
            .gaps
            .iter()
            .copied()
            .fold(
                Gap { at_s: 0.0, ms: 0.0 },
                |a, g| if g.ms > a.ms { g } else { a },
            );
        push(
            ProblemKind::Gap,
            format!(
                "{label}: {} gap{} over {} in arrival, the longest {} before the packet at {:.3} s",
                st.gaps.len(),
                if st.gaps.len() == 1 { "" } else { "s" },
                fmt_ms(opts.gap_threshold_ms),
                fmt_ms(largest.ms),
                largest.at_s - st.first_arrival_s + s.start_rel_s
            ),
        );
    }
    if !st.timestamp_jumps.is_empty() {
        let j = st.timestamp_jumps[0];
        push(
            ProblemKind::TimestampJump,
            format!(
                "{label}: RTP timestamp jumped {} time{}; first at seq {}: moved {} samples where the sequence step implies {}",
                st.timestamp_jumps.len(),
                if st.timestamp_jumps.len() == 1 { "" } else { "s" },
                j.seq,
                j.actual,
                j.expected
            ),
        );
    }
    if let (Some(ptime), Some(spp)) = (st.ptime_ms, st.samples_per_packet) {
        if (ptime - opts.expected_ptime_ms).abs() > 0.5 {
            push(
                ProblemKind::Packetization,
                format!(
                    "{label}: packetization is {ptime:.1} ms ({spp} samples per packet), expected {:.0} ms",
                    opts.expected_ptime_ms
                ),
            );
        } else if let (Some(bytes), 0 | 8) = (st.payload_bytes, s.payload_type) {
            // G.711 carries one byte per sample.
            if bytes != spp {
                push(
                    ProblemKind::Packetization,
                    format!(
                        "{label}: {} payload is {bytes} bytes per packet but timestamps advance {spp} samples",
                        s.codec
                    ),
                );
            }
        }
    }
}

fn ssrc_change_problems(streams: &[StreamReport], out: &mut Vec<Problem>) {
    let mut by_flow: Vec<((SocketAddr, SocketAddr), Vec<usize>)> = Vec::new();
    for (i, s) in streams.iter().enumerate() {
        match by_flow.iter_mut().find(|(k, _)| *k == (s.src, s.dst)) {
            Some((_, v)) => v.push(i),
            None => by_flow.push(((s.src, s.dst), vec![i])),
        }
    }
    for ((src, dst), idx) in by_flow {
        for w in idx.windows(2) {
            let (a, b) = (&streams[w[0]], &streams[w[1]]);
            out.push(Problem {
                kind: ProblemKind::SsrcChange,
                stream: Some(w[1]),
                call_id: b.call_id.clone(),
                message: format!(
                    "{src} -> {dst}: SSRC changed from {} to {} at {:.3} s ({} packets before, {} after)",
                    a.ssrc_hex, b.ssrc_hex, b.start_rel_s, a.stats.packets, b.stats.packets
                ),
            });
        }
    }
}

/// Problems for streams outside any SIP call: a flow with no flow back.
fn unpaired_stream_problems(streams: &[StreamReport], out: &mut Vec<Problem>) {
    let mut reported: HashSet<(SocketAddr, SocketAddr)> = HashSet::new();
    for (i, s) in streams.iter().enumerate() {
        if s.call_id.is_some() {
            continue;
        }
        let back = streams.iter().any(|o| o.src == s.dst && o.dst == s.src);
        if !back && reported.insert((s.src, s.dst)) {
            out.push(Problem {
                kind: ProblemKind::OneWayAudio,
                stream: Some(i),
                call_id: None,
                message: format!(
                    "one-way audio: RTP flows {} -> {} but nothing comes back from {} to {}",
                    s.src, s.dst, s.dst, s.src
                ),
            });
        }
    }
}

// ---------------------------------------------------------------------------------------
// SDP per call
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct SdpSeen {
    endpoint: MediaEndpoint,
    rtpmaps: Vec<RtpMap>,
}

#[derive(Debug, Clone)]
struct CallSdp {
    call_id: String,
    from: Option<String>,
    to: Option<String>,
    sdps: Vec<SdpSeen>,
}

/// Whether `m` was sent by the caller, given the caller's From tag.
fn sent_by_caller(m: &SipMessage, caller_tag: Option<&str>) -> bool {
    let tag = m.from_tag();
    match (m.is_request(), caller_tag) {
        (true, Some(c)) => tag == Some(c),
        (true, None) => true,
        (false, Some(c)) => tag != Some(c),
        (false, None) => false,
    }
}

fn collect_sdp(sip: &[SipSeen]) -> Vec<CallSdp> {
    let mut calls: Vec<CallSdp> = Vec::new();
    let mut caller_tags: Vec<Option<String>> = Vec::new();
    for s in sip {
        let Some(cid) = s.msg.call_id() else { continue };
        let ci = match calls.iter().position(|c| c.call_id == cid) {
            Some(i) => i,
            None => {
                calls.push(CallSdp {
                    call_id: cid.to_string(),
                    from: s.msg.from().map(str::to_string),
                    to: s.msg.to().map(str::to_string),
                    sdps: Vec::new(),
                });
                // The first message's From tag is the caller's if it is a request.
                let tag = if s.msg.is_request() {
                    s.msg.from_tag().map(str::to_string)
                } else {
                    None
                };
                caller_tags.push(tag);
                calls.len() - 1
            }
        };
        let Some(sdp) = s.msg.sdp() else { continue };
        for m in sdp
            .media
            .iter()
            .filter(|m| m.kind == "audio" && m.port != 0)
        {
            let Some(addr) = m.endpoint(&sdp) else {
                continue;
            };
            calls[ci].sdps.push(SdpSeen {
                endpoint: MediaEndpoint {
                    addr,
                    codecs: m.codec_names(),
                    direction: m.direction(&sdp),
                    in_message: s.msg.label(),
                    sip_src: s.src,
                    caller_side: sent_by_caller(&s.msg, caller_tags[ci].as_deref()),
                },
                rtpmaps: m.rtpmaps.clone(),
            });
        }
    }
    calls
}

fn call_media(
    calls: &[CallSdp],
    streams: &[StreamReport],
    out: &mut Vec<Problem>,
) -> Vec<CallMedia> {
    let mut result = Vec::new();
    for c in calls {
        let mut endpoints: Vec<MediaEndpoint> = Vec::new();
        for s in &c.sdps {
            if !endpoints
                .iter()
                .any(|e| e.addr == s.endpoint.addr && e.caller_side == s.endpoint.caller_side)
            {
                endpoints.push(s.endpoint.clone());
            }
        }
        let idx: Vec<usize> = streams
            .iter()
            .enumerate()
            .filter(|(_, s)| s.call_id.as_deref() == Some(c.call_id.as_str()))
            .map(|(i, _)| i)
            .collect();
        let caller_eps: Vec<SocketAddr> = endpoints
            .iter()
            .filter(|e| e.caller_side)
            .map(|e| e.addr)
            .collect();
        let callee_eps: Vec<SocketAddr> = endpoints
            .iter()
            .filter(|e| !e.caller_side)
            .map(|e| e.addr)
            .collect();
        // Direction of each stream: towards the caller or towards the callee.
        let (mut to_caller, mut to_callee) = (0u64, 0u64);
        for &i in &idx {
            let s = &streams[i];
            if caller_eps.contains(&s.dst) || callee_eps.contains(&s.src) {
                to_caller += s.stats.packets;
            } else if callee_eps.contains(&s.dst) || caller_eps.contains(&s.src) {
                to_callee += s.stats.packets;
            }
        }
        let on_hold = endpoints.iter().any(|e| e.direction != Direction::SendRecv);
        let answered = !caller_eps.is_empty() && !callee_eps.is_empty();
        if idx.is_empty() {
            if answered {
                out.push(Problem {
                    kind: ProblemKind::NoMedia,
                    stream: None,
                    call_id: Some(c.call_id.clone()),
                    message: format!(
                        "call {}: SDP was exchanged ({} and {}) but no RTP was captured in either direction",
                        c.call_id, caller_eps[0], callee_eps[0]
                    ),
                });
            }
        } else if answered && (to_caller == 0 || to_callee == 0) {
            let (has, lacks) = if to_caller == 0 {
                (("callee", callee_eps[0]), ("caller", caller_eps[0]))
            } else {
                (("caller", caller_eps[0]), ("callee", callee_eps[0]))
            };
            out.push(Problem {
                kind: ProblemKind::OneWayAudio,
                stream: idx.first().copied(),
                call_id: Some(c.call_id.clone()),
                message: format!(
                    "call {}: one-way audio: RTP reaches the {} ({}) but none reaches the {} ({}){}",
                    c.call_id,
                    has.0,
                    has.1,
                    lacks.0,
                    lacks.1,
                    if on_hold {
                        "; the SDP puts the call on hold (sendonly/recvonly/inactive), which may explain it"
                    } else {
                        ""
                    }
                ),
            });
        }
        result.push(CallMedia {
            call_id: c.call_id.clone(),
            from: c.from.clone(),
            to: c.to.clone(),
            endpoints,
            streams: idx,
        });
    }
    result
}

// ---------------------------------------------------------------------------------------
// SIP ladders
// ---------------------------------------------------------------------------------------

/// The SDP media line of a SIP message, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdpSummary {
    pub addr: Option<IpAddr>,
    pub port: u16,
    pub codecs: Vec<String>,
    pub direction: Direction,
}

impl fmt::Display for SdpSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            Some(a) => write!(f, "{}", SocketAddr::new(a, self.port))?,
            None => write!(f, "?:{}", self.port)?,
        }
        if let Some(c) = self.codecs.first() {
            write!(f, " {}", c.split('/').next().unwrap_or(c))?;
        }
        if self.direction != Direction::SendRecv {
            write!(f, " {}", self.direction.as_str())?;
        }
        Ok(())
    }
}

/// One SIP message on a ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowMessage {
    /// Seconds after the call's first message.
    pub t: f64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// "INVITE" or "200 OK".
    pub label: String,
    /// "1 INVITE".
    pub cseq: Option<String>,
    pub sdp: Option<SdpSummary>,
    /// Same bytes seen before between the same addresses.
    pub retransmission: bool,
}

/// One call (Call-ID) as a ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallFlow {
    pub call_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// First message, seconds since the Unix epoch.
    pub start_s: f64,
    /// First message, seconds after the first frame of the capture.
    pub start_rel_s: f64,
    /// Addresses in order of appearance (the ladder's columns).
    pub participants: Vec<SocketAddr>,
    pub messages: Vec<FlowMessage>,
    pub problems: Vec<String>,
}

/// Everything `vcctl sip-flow` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SipFlowReport {
    pub calls: Vec<CallFlow>,
}

fn sdp_summary(sdp: &Sdp) -> Option<SdpSummary> {
    let m = sdp.audio().or_else(|| sdp.media.first())?;
    Some(SdpSummary {
        addr: m.address(sdp),
        port: m.port,
        codecs: m.codec_names(),
        direction: m.direction(sdp),
    })
}

fn build_flows(sip: &[SipSeen], capture_start: Option<Duration>) -> SipFlowReport {
    let mut calls: Vec<CallFlow> = Vec::new();
    let mut seen: Vec<HashSet<(SocketAddr, SocketAddr, u64)>> = Vec::new();
    let mut msgs: Vec<Vec<&SipMessage>> = Vec::new();
    let start = capture_start.unwrap_or_default();
    for s in sip {
        let cid = s.msg.call_id().unwrap_or("(no Call-ID)");
        let ci = match calls.iter().position(|c| c.call_id == cid) {
            Some(i) => i,
            None => {
                calls.push(CallFlow {
                    call_id: cid.to_string(),
                    from: s.msg.from().map(str::to_string),
                    to: s.msg.to().map(str::to_string),
                    start_s: secs(s.ts),
                    start_rel_s: (s.ts.as_nanos() as i128 - start.as_nanos() as i128) as f64 / 1e9,
                    participants: Vec::new(),
                    messages: Vec::new(),
                    problems: Vec::new(),
                });
                seen.push(HashSet::new());
                msgs.push(Vec::new());
                calls.len() - 1
            }
        };
        let call = &mut calls[ci];
        for a in [s.src, s.dst] {
            if !call.participants.contains(&a) {
                call.participants.push(a);
            }
        }
        let retransmission = !seen[ci].insert((s.src, s.dst, s.digest));
        let sdp = s.msg.sdp().as_ref().and_then(sdp_summary);
        if let (Some(sd), false) = (&sdp, retransmission) {
            if let Some(addr) = sd.addr {
                let src_ip = s.src.ip();
                // Loopback media from a host that is not talking over loopback, or a
                // private address in a message that came from a public one: NAT trouble.
                let what = if addr.is_loopback() && !src_ip.is_loopback() {
                    Some("loopback")
                } else if net::is_private(addr) && !net::is_private(src_ip) && !src_ip.is_loopback()
                {
                    Some("private")
                } else {
                    None
                };
                if let Some(what) = what {
                    {
                        call.problems.push(format!(
                            "SDP in {} from {} advertises {what} address {}:{} for media, not the sender's {}: the other side will send RTP where it cannot arrive (NAT or wrong external address?)",
                            s.msg.label(),
                            s.src,
                            addr,
                            sd.port,
                            src_ip
                        ));
                    }
                }
            }
        }
        call.messages.push(FlowMessage {
            t: secs(s.ts) - call.start_s,
            src: s.src,
            dst: s.dst,
            label: s.msg.label(),
            cseq: s.msg.cseq().map(|c| format!("{} {}", c.seq, c.method)),
            sdp,
            retransmission,
        });
        msgs[ci].push(&s.msg);
    }
    for (call, ms) in calls.iter_mut().zip(&msgs) {
        transaction_problems(call, ms);
    }
    SipFlowReport { calls }
}

/// Missing ACKs and unanswered INVITEs.
fn transaction_problems(call: &mut CallFlow, msgs: &[&SipMessage]) {
    let mut invites: Vec<u32> = Vec::new();
    for m in msgs {
        if m.method() == Some("INVITE") {
            if let Some(c) = m.cseq() {
                if !invites.contains(&c.seq) {
                    invites.push(c.seq);
                }
            }
        }
    }
    for seq in invites {
        let finals: Vec<u16> = msgs
            .iter()
            .filter_map(|m| {
                let c = m.cseq()?;
                let code = m.status()?;
                (c.seq == seq && c.method == "INVITE" && code >= 200).then_some(code)
            })
            .collect();
        let acked = msgs
            .iter()
            .any(|m| m.method() == Some("ACK") && m.cseq().is_some_and(|c| c.seq == seq));
        match finals.first() {
            None => call
                .problems
                .push(format!("INVITE (CSeq {seq}) got no final response")),
            Some(&code) if !acked => {
                let sent = finals.len();
                let what = if (200..300).contains(&code) {
                    "the caller never confirmed the answer; the callee will hang up after about 32 s"
                } else {
                    "the failure response was never acknowledged"
                };
                call.problems.push(format!(
                    "missing ACK: {code} response to INVITE (CSeq {seq}) was sent {sent} time{} and never ACKed: {what}",
                    if sent == 1 { "" } else { "s" }
                ));
            }
            Some(_) => {}
        }
    }
}

/// Build SIP ladders from captured frames.
pub fn sip_flows<E>(
    records: impl IntoIterator<Item = Result<Record, E>>,
) -> Result<SipFlowReport, E> {
    let mut a = CaptureAnalyzer::sip_only();
    for r in records {
        a.push(&r?);
    }
    Ok(a.sip_flows())
}

/// Analyse the RTP streams of a capture. `open` gives its frames from the start; it is
/// called again in the rare case where exact figures need a second pass (see
/// [`CaptureAnalyzer::needs_replay`]). The first read error stops the analysis and is
/// returned as is; malformed frames inside a readable capture are only counted.
pub fn analyze_capture<I, E>(
    mut open: impl FnMut() -> I,
    opts: &AnalysisOptions,
) -> Result<CaptureReport, E>
where
    I: IntoIterator<Item = Result<Record, E>>,
{
    let mut a = CaptureAnalyzer::new(opts.clone());
    for r in open() {
        a.push(&r?);
    }
    if a.needs_replay() {
        for r in open() {
            let r = r?;
            a.replay_frame(r.ts, r.linktype, &r.data);
        }
    }
    Ok(a.finish())
}

// ---------------------------------------------------------------------------------------
// Text rendering
// ---------------------------------------------------------------------------------------

impl fmt::Display for CaptureReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.capture;
        writeln!(
            f,
            "{} frames, {} UDP datagrams, {} SIP messages, {} RTP packets in {} stream{}",
            c.frames,
            c.udp_datagrams,
            c.sip_messages,
            c.rtp_packets,
            self.streams.len(),
            if self.streams.len() == 1 { "" } else { "s" }
        )?;
        if self.streams.is_empty() {
            writeln!(f, "no RTP streams found")?;
        }
        for (i, s) in self.streams.iter().enumerate() {
            let st = &s.stats;
            writeln!(f)?;
            writeln!(
                f,
                "#{i} {} -> {}  SSRC {}  {} (PT {}){}",
                s.src,
                s.dst,
                s.ssrc_hex,
                s.codec,
                s.payload_type,
                match &s.call_id {
                    Some(c) => format!("  call {c}"),
                    None => format!(
                        "  ({})",
                        if s.detection == Detection::Sdp {
                            "SDP"
                        } else {
                            "heuristic"
                        }
                    ),
                }
            )?;
            writeln!(
                f,
                "   start {:.3} s  duration {:.3} s  packets {}  expected {}  lost {} ({:.1}%)  dup {}  out-of-order {}  seq errors {}",
                s.start_rel_s, st.duration_s, st.packets, st.expected, st.lost, st.loss_percent,
                st.duplicates, st.out_of_order, st.sequence_errors
            )?;
            writeln!(
                f,
                "   max delta {:.2} ms  jitter max {:.2} ms mean {:.2} ms{}",
                st.max_delta_ms,
                st.max_jitter_ms,
                st.mean_jitter_ms,
                match st.ptime_ms {
                    Some(p) => format!("  ptime {p:.0} ms"),
                    None => String::new(),
                }
            )?;
            if let Some(m) = &s.mos {
                writeln!(
                    f,
                    "   MOS {:.2} (R {:.1}; E-model: loss {:.1}%, jitter buffer {:.0} ms, delay {:.0} ms)",
                    m.mos, m.r, m.loss_percent, m.jitter_buffer_ms, m.delay_ms
                )?;
            }
        }
        if !self.problems.is_empty() {
            writeln!(f)?;
            writeln!(f, "Problems:")?;
            for p in &self.problems {
                writeln!(f, " - {}", p.message)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for CallFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Call-ID {}  (starts {:.3} s into the capture)",
            self.call_id, self.start_rel_s
        )?;
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            writeln!(f, "  {} -> {}", sip::uri_of(from), sip::uri_of(to))?;
        }
        let labels: Vec<String> = self
            .messages
            .iter()
            .map(|m| {
                let mut l = m.label.clone();
                if let Some(sdp) = &m.sdp {
                    l.push_str(&format!(" [SDP {sdp}]"));
                }
                if m.retransmission {
                    l.push_str(" (retransmission)");
                }
                l
            })
            .collect();
        let col = labels
            .iter()
            .map(|l| l.len() + 6)
            .chain(self.participants.iter().map(|p| p.to_string().len() + 2))
            .max()
            .unwrap_or(20)
            .max(20);
        let n = self.participants.len();
        // Header: participant addresses centred on their lifelines.
        let mut header = String::new();
        for (i, p) in self.participants.iter().enumerate() {
            let s = p.to_string();
            let centre = 10 + i * col;
            // At least one space between neighbouring addresses.
            let gap = usize::from(i > 0);
            let start = centre.saturating_sub(s.len() / 2).max(header.len() + gap);
            header.push_str(&" ".repeat(start - header.len()));
            header.push_str(&s);
        }
        writeln!(f, "{}", header.trim_end())?;
        for (m, label) in self.messages.iter().zip(&labels) {
            let a = self
                .participants
                .iter()
                .position(|p| *p == m.src)
                .unwrap_or(0);
            let b = self
                .participants
                .iter()
                .position(|p| *p == m.dst)
                .unwrap_or(0);
            let width = 10 + n.saturating_sub(1) * col + 1;
            let mut line: Vec<char> = format!("{:>8.3}  ", m.t).chars().collect();
            line.resize(width, ' ');
            for i in 0..n {
                line[10 + i * col] = '|';
            }
            let (lo, hi) = (a.min(b), a.max(b));
            if lo != hi {
                let (x0, x1) = (10 + lo * col + 1, 10 + hi * col - 1);
                for c in line.iter_mut().take(x1 + 1).skip(x0) {
                    *c = '-';
                }
                if b > a {
                    line[x1] = '>';
                } else {
                    line[x0] = '<';
                }
                let span = x1 - x0 + 1;
                let text: Vec<char> = format!(" {label} ").chars().collect();
                if text.len() + 2 <= span {
                    let at = x0 + (span - text.len()) / 2;
                    line[at..at + text.len()].copy_from_slice(&text);
                    writeln!(f, "{}", line.iter().collect::<String>().trim_end())?;
                } else {
                    writeln!(f, "{} {label}", line.iter().collect::<String>().trim_end())?;
                }
            } else {
                writeln!(
                    f,
                    "{} {label} (to itself)",
                    line.iter().collect::<String>().trim_end()
                )?;
            }
        }
        for p in &self.problems {
            writeln!(f, "  ! {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SipFlowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.calls.is_empty() {
            return writeln!(f, "no SIP messages found");
        }
        for (i, c) in self.calls.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rtp::{RtpHeader, SeqNo, Ssrc};

    fn obs(seq: u16, ts: u32) -> RtpObs {
        RtpObs {
            seq,
            timestamp: ts,
            ssrc: 7,
            pt: 0,
            marker: false,
            payload_len: 160,
        }
    }

    fn at(ms: u64) -> Duration {
        Duration::from_secs(1_000) + Duration::from_millis(ms)
    }

    /// Feed (arrival ms, seq, ts) triples.
    fn run(pkts: &[(u64, u16, u32)]) -> StreamStats {
        let mut a = StreamAnalyzer::new(PayloadMap::new(), 60.0);
        for &(t, seq, ts) in pkts {
            a.push_obs(at(t), &obs(seq, ts));
        }
        a.stats()
    }

    fn clean(n: u16) -> Vec<(u64, u16, u32)> {
        (0..n)
            .map(|i| (i as u64 * 20, 100 + i, 160 * i as u32))
            .collect()
    }

    #[test]
    fn clean_stream_has_no_loss_or_jitter() {
        let s = run(&clean(50));
        assert_eq!((s.packets, s.expected, s.lost), (50, 50, 0));
        assert_eq!(
            (s.max_delta_ms, s.max_jitter_ms, s.mean_jitter_ms),
            (20.0, 0.0, 0.0)
        );
        assert_eq!(s.samples_per_packet, Some(160));
        assert_eq!(s.ptime_ms, Some(20.0));
        assert_eq!(s.payload_bytes, Some(160));
        assert!(!s.wireshark_problem);
        assert!((s.duration_s - 0.98).abs() < 1e-9);
    }

    #[test]
    fn loss_duplicate_reorder() {
        let mut p = clean(20);
        p.remove(5);
        let s = run(&p);
        assert_eq!(
            (s.packets, s.expected, s.lost, s.sequence_errors),
            (19, 20, 1, 1)
        );
        assert_eq!(s.max_delta_ms, 40.0);

        let mut p = clean(20);
        p.insert(6, (101, 105, 800));
        let s = run(&p);
        assert_eq!(
            (s.lost, s.duplicates, s.out_of_order, s.sequence_errors),
            (-1, 1, 0, 1)
        );
        // D = 1 ms for the duplicate and the packet after it.
        assert!((s.max_jitter_ms - (1.0 / 16.0 + (15.0 / 16.0) / 16.0)).abs() < 1e-9);

        let mut p = clean(20);
        p.swap(7, 8);
        let (t7, t8) = (p[7].0, p[8].0);
        p[7].0 = t8;
        p[8].0 = t7;
        let s = run(&p);
        assert_eq!(
            (s.lost, s.duplicates, s.out_of_order, s.sequence_errors),
            (0, 0, 1, 2)
        );
        assert!(s.wireshark_problem);
    }

    #[test]
    fn wrap_counts_a_cycle() {
        let p: Vec<_> = (0..40u16)
            .map(|i| (i as u64 * 20, 65_520u16.wrapping_add(i), 160 * i as u32))
            .collect();
        let s = run(&p);
        assert_eq!((s.packets, s.expected, s.lost), (40, 40, 0));
        assert_eq!(s.sequence_errors, 0);
    }

    #[test]
    fn packet_before_first_timestamp_is_a_wrong_timestamp() {
        let mut p = clean(10);
        p.push((200, 110, u32::MAX - 100));
        let s = run(&p);
        assert!(s.wireshark_problem);
        // Excluded from max delta and jitter.
        assert_eq!(s.max_delta_ms, 20.0);
        assert_eq!(s.max_jitter_ms, 0.0);
    }

    #[test]
    fn dynamic_clock_from_sdp_or_none() {
        let mut map = PayloadMap::new();
        map.insert(
            96,
            RtpMap {
                pt: 96,
                encoding: "opus".into(),
                clock_rate: 48000,
                channels: Some(2),
            },
        );
        let mut a = StreamAnalyzer::new(map, 60.0);
        let mut b = StreamAnalyzer::new(PayloadMap::new(), 60.0);
        for i in 0..10u16 {
            let mut o = obs(i, 960 * i as u32);
            o.pt = 96;
            let late = if i % 2 == 1 { 2 } else { 0 };
            a.push_obs(at(i as u64 * 20 + late), &o);
            b.push_obs(at(i as u64 * 20 + late), &o);
        }
        let (sa, sb) = (a.stats(), b.stats());
        assert_eq!(sa.clock_rate, Some(48000));
        assert_eq!(sa.ptime_ms, Some(20.0));
        assert!(sa.max_jitter_ms > 0.5);
        // Unknown dynamic payload type: no clock, no jitter (as Wireshark).
        assert_eq!((sb.clock_rate, sb.max_jitter_ms), (None, 0.0));
        assert_eq!(sb.max_delta_ms, 22.0);
        assert_eq!(static_clock_rate(9), 8000);
        assert_eq!(dynamic_clock_by_name("AMR-WB"), 16000);
        assert_eq!(dynamic_clock_by_name("amr"), 8000);
        assert_eq!(codec_name(0, None), "PCMU");
        assert_eq!(codec_name(99, None), "Unknown(99)");
    }

    fn rtp_bytes(seq: u16, ts: u32, ssrc: u32) -> Vec<u8> {
        let mut out = Vec::new();
        RtpHeader {
            marker: false,
            payload_type: Pt(0),
            seq: SeqNo(seq),
            timestamp: ts,
            ssrc: Ssrc(ssrc),
        }
        .write(&[0xff; 160], &mut out);
        out
    }

    fn udp<'a>(src: &str, dst: &str, payload: &'a [u8]) -> UdpDatagram<'a> {
        UdpDatagram {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            payload,
        }
    }

    #[test]
    fn heuristic_is_conservative() {
        let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
        for i in 0..30u16 {
            let b = rtp_bytes(i, 160 * i as u32, 1);
            // An odd destination port is no reason to refuse (issue #11); a well-known
            // port, too few packets and a random sequence are.
            a.push_udp(
                at(i as u64 * 20),
                &udp("10.0.0.1:4000", "10.0.0.2:5001", &b),
            );
            a.push_udp(at(i as u64 * 20), &udp("10.0.0.1:4000", "10.0.0.2:53", &b));
            let r = rtp_bytes(i.wrapping_mul(7919), 0, 2);
            a.push_udp(
                at(i as u64 * 20),
                &udp("10.0.0.1:6000", "10.0.0.2:6000", &r),
            );
            if i < 5 {
                a.push_udp(
                    at(i as u64 * 20),
                    &udp("10.0.0.1:7000", "10.0.0.2:7000", &b),
                );
            }
            // This one is RTP.
            a.push_udp(
                at(i as u64 * 20),
                &udp("10.0.0.1:8000", "10.0.0.2:8000", &b),
            );
        }
        let r = a.finish();
        assert_eq!(r.streams.len(), 2, "{:#?}", r.streams);
        assert_eq!(r.streams[0].dst.port(), 5001);
        assert_eq!(r.streams[1].dst.port(), 8000);
        assert_eq!(r.capture.rtp_packets, 60);
    }

    /// A small deterministic generator for the equivalence tests.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
    }

    /// A stream with loss, duplicates, reordering, jitter, marker bits, a second payload
    /// type, timestamp jumps and (`ptime_change`) a packetization that changes from 30 to
    /// 20 ms after a few packets.
    fn messy_stream(seed: u64, n: usize, ptime_change: bool) -> Vec<(Duration, RtpObs)> {
        let mut r = Lcg(seed);
        let mut out = Vec::new();
        let (mut ts, mut t_us) = (r.next() as u32, 0u64);
        let mut seq = r.next() as u16;
        for i in 0..n {
            let step = if ptime_change && i < 8 { 240 } else { 160 };
            seq = seq.wrapping_add(1);
            ts = ts.wrapping_add(step);
            t_us += step as u64 * 125;
            if r.next() % 40 == 0 {
                ts = ts.wrapping_add(800);
            }
            if r.next() % 30 == 0 {
                continue; // lost
            }
            let mut o = obs(seq, ts);
            o.marker = r.next() % 50 == 0;
            o.pt = if r.next() % 25 == 0 { 101 } else { 0 };
            o.payload_len = if o.pt == 0 { step } else { 4 };
            let at = at(0) + Duration::from_micros(t_us + r.next() % 4000);
            out.push((at, o));
            if r.next() % 60 == 0 {
                out.push((at + Duration::from_micros(300), o));
            }
        }
        for i in 1..out.len() {
            if Lcg(seed ^ i as u64).next() % 45 == 0 {
                let (a, b) = (out[i - 1].0, out[i].0);
                out.swap(i - 1, i);
                out[i - 1].0 = a;
                out[i].0 = b;
            }
        }
        out
    }

    #[test]
    fn streaming_figures_equal_the_step_log_figures() {
        let mut second_passes = 0;
        for seed in 0..40u64 {
            for change in [false, true] {
                let pkts = messy_stream(seed, 400, change);
                let mut log = StreamAnalyzer::new(PayloadMap::new(), 60.0);
                let mut stream = StreamAnalyzer::streaming(PayloadMap::new(), 60.0);
                for (t, o) in &pkts {
                    log.push_obs(*t, o);
                    stream.push_obs(*t, o);
                }
                let want = log.stats();
                assert!(!want.timestamp_jumps.is_empty(), "seed {seed}");
                if stream.exact() {
                    assert_eq!(stream.stats(), want, "seed {seed} {change}");
                    continue;
                }
                // The first step seen was not the most common one: a changed packetization
                // (240 first, then 160) or a timestamp jump among the first packets.
                second_passes += 1;
                let (pt, spp) = stream.step_hint().unwrap();
                assert_eq!((pt, spp), (0, 160));
                let mut again = StreamAnalyzer::streaming(PayloadMap::new(), 60.0);
                again.steps.hint(pt, spp);
                for (t, o) in &pkts {
                    again.push_obs(*t, o);
                }
                assert!(again.exact());
                assert_eq!(again.stats(), want, "seed {seed} (second pass)");
            }
        }
        assert!(second_passes > 20, "{second_passes}");
    }

    fn raw_frame(src: &str, dst: &str, payload: &[u8]) -> Vec<u8> {
        let mut ip = Vec::new();
        net::synthesize_udp(src.parse().unwrap(), dst.parse().unwrap(), payload, &mut ip).unwrap();
        ip
    }

    fn rtp_obs_bytes(o: &RtpObs) -> Vec<u8> {
        let mut out = Vec::new();
        RtpHeader {
            marker: o.marker,
            payload_type: Pt(o.pt),
            seq: SeqNo(o.seq),
            timestamp: o.timestamp,
            ssrc: Ssrc(o.ssrc),
        }
        .write(&vec![0xff; o.payload_len as usize], &mut out);
        out
    }

    /// Run frames through a capture analyzer, with the second pass when it asks.
    fn two_pass(frames: &[(Duration, Vec<u8>)]) -> (bool, CaptureReport) {
        let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
        for (t, f) in frames {
            a.push_frame(*t, LinkType::RAW, f, f.len() as u32);
        }
        let replay = a.needs_replay();
        if replay {
            for (t, f) in frames {
                a.replay_frame(*t, LinkType::RAW, f);
            }
        }
        (replay, a.finish())
    }

    #[test]
    fn a_changed_packetization_is_read_again_and_comes_out_exact() {
        let pkts = messy_stream(7, 300, true);
        let mut frames = Vec::new();
        let mut back = Vec::new();
        for (i, (t, o)) in pkts.iter().enumerate() {
            frames.push((
                *t,
                raw_frame("10.0.0.1:4000", "10.0.0.2:5002", &rtp_obs_bytes(o)),
            ));
            let mut b = obs(i as u16, 160 * i as u32);
            b.ssrc = 9;
            back.push((
                *t,
                raw_frame("10.0.0.2:5002", "10.0.0.1:4000", &rtp_obs_bytes(&b)),
            ));
        }
        let mut all: Vec<_> = frames.into_iter().chain(back).collect();
        all.sort_by_key(|(t, _)| *t);
        let (replayed, r) = two_pass(&all);
        assert!(replayed);
        let mut log = StreamAnalyzer::new(PayloadMap::new(), 60.0);
        for (t, o) in &pkts {
            log.push_obs(*t, o);
        }
        let s = r.streams.iter().find(|s| s.ssrc == 7).unwrap();
        assert_eq!(s.stats, log.stats());
    }

    #[test]
    fn an_sdp_after_the_first_packets_gives_the_dynamic_clock_to_all_of_them() {
        let sdp =
            "v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5002 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n";
        let invite = format!(
            "INVITE sip:b@x SIP/2.0\r\nCall-ID: c9\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n{sdp}"
        );
        let mut frames = Vec::new();
        let mut pkts = Vec::new();
        for i in 0..50u16 {
            let mut o = obs(i, 960 * i as u32);
            o.pt = 96;
            let t = at(i as u64 * 20 + (i % 3) as u64);
            pkts.push((t, o));
            frames.push((
                t,
                raw_frame("10.0.0.1:4000", "10.0.0.2:5002", &rtp_obs_bytes(&o)),
            ));
            if i == 10 {
                frames.push((
                    t,
                    raw_frame("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
                ));
            }
        }
        let (replayed, r) = two_pass(&frames);
        assert!(replayed);
        let map = collect_sdp_map("10.0.0.2:5002", &invite);
        let mut log = StreamAnalyzer::new(map, 60.0);
        for (t, o) in &pkts {
            log.push_obs(*t, o);
        }
        assert_eq!(r.streams.len(), 1);
        assert_eq!(r.streams[0].detection, Detection::Sdp);
        assert_eq!(r.streams[0].stats, log.stats());
        assert_eq!(r.streams[0].stats.clock_rate, Some(48000));
        assert!(r.streams[0].stats.max_jitter_ms > 0.0);
    }

    fn collect_sdp_map(addr: &str, msg: &str) -> PayloadMap {
        let m = SipMessage::parse(msg.as_bytes()).unwrap();
        let sdp = m.sdp().unwrap();
        let mut map = PayloadMap::new();
        for (a, maps) in sdp_audio(&sdp) {
            if a == addr.parse::<SocketAddr>().unwrap() {
                for r in maps {
                    map.insert(r.pt, r.clone());
                }
            }
        }
        map
    }

    #[test]
    fn sdp_announced_flow_is_rtp_even_on_an_odd_port() {
        let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
        let invite = "INVITE sip:b@x SIP/2.0\r\nCall-ID: c1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5001 RTP/AVP 0\r\n";
        a.push_udp(
            at(0),
            &udp("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
        );
        for i in 0..3u16 {
            let b = rtp_bytes(i, 160 * i as u32, 1);
            a.push_udp(
                at(20 + i as u64 * 20),
                &udp("10.0.0.1:4001", "10.0.0.2:5001", &b),
            );
        }
        let r = a.finish();
        assert_eq!(r.streams.len(), 1);
        assert_eq!(r.streams[0].detection, Detection::Sdp);
        assert_eq!(r.streams[0].call_id.as_deref(), Some("c1"));
        assert_eq!(r.capture.sip_messages, 1);
        assert_eq!(r.calls.len(), 1);
        // Only the caller advertised media: not enough to call it one-way.
        assert!(
            r.problems
                .iter()
                .all(|p| p.kind != ProblemKind::OneWayAudio),
            "{:?}",
            r.problems
        );
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains("\"detection\":\"sdp\""), "{json}");
    }

    #[test]
    fn every_g711_stream_carries_a_mos_that_loss_lowers() {
        // Two PCMU streams of 100 packets at 20 ms: one clean, one missing every tenth.
        let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
        for i in 0..100u16 {
            let b = rtp_bytes(i, 160 * i as u32, 1);
            a.push_udp(
                at(i as u64 * 20),
                &udp("10.0.0.1:4000", "10.0.0.2:5000", &b),
            );
            if i % 10 != 5 {
                let b = rtp_bytes(i, 160 * i as u32, 2);
                a.push_udp(
                    at(i as u64 * 20),
                    &udp("10.0.0.2:5000", "10.0.0.1:4000", &b),
                );
            }
        }
        let r = a.finish();
        let by_ssrc = |ssrc| r.streams.iter().find(|s| s.ssrc == ssrc).unwrap();
        let clean = by_ssrc(1).mos.expect("PCMU has E-model figures");
        let lossy = by_ssrc(2).mos.expect("PCMU has E-model figures");
        assert_eq!(clean.codec, crate::core::mos::Codec::Pcmu);
        // 20 ms packets, a 20 ms buffer (no jitter), no network delay known.
        assert_eq!((clean.delay_ms, clean.delay_measured), (40.0, false));
        assert!(clean.mos > 4.3, "{clean:?}");
        // 10 % random loss without concealment: Ie,eff = 95 x 10 / 14.3 = 66.4.
        assert!((lossy.loss_percent - 10.0).abs() < 1e-9, "{lossy:?}");
        assert!(lossy.mos < 2.0, "{lossy:?}");
        // Every 10th lost: runs of one, spread out, BurstR 0.9 (counted as random).
        let st = &by_ssrc(2).stats;
        assert_eq!((st.lost, st.loss_runs), (10, 10));
        assert!((st.burst_ratio.unwrap() - 0.9).abs() < 1e-9, "{st:?}");
        assert_eq!(by_ssrc(1).stats.burst_ratio, None);
        let json = serde_json::to_value(&r).unwrap();
        assert!(json["streams"][0]["mos"]["mos"].is_number(), "{json}");
        assert!(r.to_string().contains("MOS "), "{r}");
    }

    #[test]
    fn bursty_loss_scores_lower_than_the_same_loss_spread_out() {
        // 200 packets, 20 lost: in runs of 5 (4 bursts) or one by one (every 10th).
        let stream = |lost: &dyn Fn(u16) -> bool| {
            let mut p = clean(200);
            p.retain(|&(_, seq, _)| !lost(seq - 100));
            run(&p)
        };
        let bursty = stream(&|i| i % 50 >= 20 && i % 50 < 25);
        let spread = stream(&|i| i % 10 == 5);
        assert_eq!((bursty.lost, bursty.loss_runs), (20, 4));
        assert_eq!((spread.lost, spread.loss_runs), (20, 20));
        // Mean run 5 x (1 - 0.1) = 4.5.
        assert!((bursty.burst_ratio.unwrap() - 4.5).abs() < 1e-9);
        let b = stream_mos("PCMU", 0, &bursty).unwrap();
        let s = stream_mos("PCMU", 0, &spread).unwrap();
        assert!(b.mos < s.mos, "bursty {b:?} spread {s:?}");
    }

    #[test]
    fn flows_flag_unanswered_invite() {
        let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
        let invite = "INVITE sip:b@x SIP/2.0\r\nCall-ID: c2\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 4 INVITE\r\n\r\n";
        a.push_udp(
            at(0),
            &udp("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
        );
        a.push_udp(
            at(500),
            &udp("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
        );
        let f = a.sip_flows();
        assert_eq!(f.calls.len(), 1);
        assert_eq!(f.calls[0].messages.len(), 2);
        assert!(f.calls[0].messages[1].retransmission);
        assert_eq!(
            f.calls[0].problems,
            vec!["INVITE (CSeq 4) got no final response"]
        );
        let text = f.to_string();
        assert!(text.contains("INVITE (retransmission)"), "{text}");
    }
}
