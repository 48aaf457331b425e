//! Audio round-trip measurement: short chirps written into the outgoing audio at known
//! sample positions, found again in the returning audio by normalized cross-correlation.
//!
//! Clock: sample `n` of the outgoing stream is the one sent at `n / rate` seconds after the
//! first frame. [`Timeline`] places received RTP on the same clock (each packet at its
//! arrival, aligned by RTP timestamp to the least-delayed packet of its stream), so the delay
//! found for a marker is "frame carrying the marker sent" to "frame carrying its echo
//! arrived": the round trip through the network, the PBX and whatever echoes the audio,
//! without this side's packetization or jitter buffer.
//!
//! Markers alternate between an up-chirp and a down-chirp, which barely correlate with each
//! other, so a delay longer than the marker interval (up to twice it) is still attributed to
//! the right marker. The search is direct (no FFT): `max_delay * rate` lags of
//! `marker_ms * rate / 1000` products per marker, e.g. 12 000 x 400 at 8 kHz.
//! The peak is refined to a fraction of a sample by parabolic interpolation.

use std::f64::consts::PI;

use serde::Serialize;

/// Settings of the marker signal and of the search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundTripConfig {
    /// Sample rate of both directions.
    pub rate: u32,
    /// Length of one chirp.
    pub marker_ms: u32,
    /// Chirp band (inside the G.711 passband).
    pub f_low: f64,
    pub f_high: f64,
    /// Peak amplitude, 0.0..=1.0 of full scale.
    pub amplitude: f64,
    /// Position of the first marker after the start of the outgoing audio.
    pub first_at_ms: u32,
    /// Spacing of markers.
    pub interval_ms: u32,
    /// Longest round trip searched for.
    pub max_delay_ms: u32,
    /// Lowest normalized correlation accepted as a detection.
    pub min_confidence: f64,
}

impl Default for RoundTripConfig {
    /// 8 kHz, 50 ms chirps 500-3000 Hz at half scale, first at 400 ms then every second,
    /// round trips up to 1.5 s, confidence 0.5.
    fn default() -> Self {
        RoundTripConfig {
            rate: 8000,
            marker_ms: 50,
            f_low: 500.0,
            f_high: 3000.0,
            amplitude: 0.5,
            first_at_ms: 400,
            interval_ms: 1000,
            max_delay_ms: 1500,
            min_confidence: 0.5,
        }
    }
}

impl RoundTripConfig {
    fn samples(&self, ms: u32) -> u64 {
        self.rate as u64 * ms as u64 / 1000
    }
}

/// One marker in the outgoing audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Marker {
    /// First sample of the chirp.
    pub start: u64,
    /// Rising (true) or falling chirp.
    pub up: bool,
}

/// One detected marker.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// Index of the marker (0 = first).
    pub marker: usize,
    /// When it was sent, milliseconds after the first outgoing sample.
    pub sent_at_ms: f64,
    /// Round trip.
    pub delay_ms: f64,
    /// Normalized cross-correlation at the peak (1.0 = identical shape).
    pub confidence: f64,
}

/// The outcome of a measurement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundTripReport {
    pub markers_sent: usize,
    pub found: usize,
    pub min_ms: Option<f64>,
    pub median_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub estimates: Vec<Estimate>,
}

impl RoundTripReport {
    fn from_estimates(markers_sent: usize, estimates: Vec<Estimate>) -> Self {
        let mut d: Vec<f64> = estimates.iter().map(|e| e.delay_ms).collect();
        d.sort_by(|a, b| a.total_cmp(b));
        // The median is p50, nearest rank, like every percentile vcctl reports.
        let median = (!d.is_empty()).then(|| crate::analysis::stats::percentile_sorted(&d, 50.0));
        RoundTripReport {
            markers_sent,
            found: estimates.len(),
            min_ms: d.first().copied(),
            median_ms: median,
            max_ms: d.last().copied(),
            estimates,
        }
    }
}

/// Linear chirp with 5 ms raised-cosine edges.
fn chirp(cfg: &RoundTripConfig, up: bool) -> Vec<f64> {
    let n = cfg.samples(cfg.marker_ms).max(1) as usize;
    let rate = cfg.rate.max(1) as f64;
    let dur = n as f64 / rate;
    let (f0, f1) = if up {
        (cfg.f_low, cfg.f_high)
    } else {
        (cfg.f_high, cfg.f_low)
    };
    let edge = (cfg.samples(5) as usize).min(n / 2).max(1);
    let amp = if cfg.amplitude.is_finite() {
        cfg.amplitude.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (0..n)
        .map(|i| {
            let t = i as f64 / rate;
            let phase = 2.0 * PI * (f0 * t + (f1 - f0) * t * t / (2.0 * dur));
            let w = if i < edge {
                0.5 - 0.5 * (PI * i as f64 / edge as f64).cos()
            } else if i >= n - edge {
                0.5 - 0.5 * (PI * (n - 1 - i) as f64 / edge as f64).cos()
            } else {
                1.0
            };
            phase.sin() * w * amp * 32767.0
        })
        .collect()
}

/// The markers of one call and their detection.
#[derive(Debug, Clone)]
pub struct MarkerPlan {
    cfg: RoundTripConfig,
    up: Vec<f64>,
    down: Vec<f64>,
    markers: Vec<Marker>,
}

impl MarkerPlan {
    /// Markers for `total_samples` of outgoing audio: every interval from `first_at_ms`, as
    /// long as the chirp and half a second (or `max_delay`, if shorter) for its echo fit.
    pub fn new(cfg: RoundTripConfig, total_samples: u64) -> Self {
        let len = cfg.samples(cfg.marker_ms).max(1);
        let tail = cfg.samples(cfg.max_delay_ms.min(500));
        let step = cfg.samples(cfg.interval_ms).max(len);
        let mut markers = Vec::new();
        let mut start = cfg.samples(cfg.first_at_ms);
        while start + len + tail <= total_samples && markers.len() < 100_000 {
            markers.push(Marker {
                start,
                up: markers.len() % 2 == 0,
            });
            start += step;
        }
        MarkerPlan {
            up: chirp(&cfg, true),
            down: chirp(&cfg, false),
            cfg,
            markers,
        }
    }

    /// Keep only the markers that fit in `total_samples` by the rule of [`Self::new`] (for a
    /// call that ended earlier than planned).
    pub fn truncate(&mut self, total_samples: u64) {
        let len = self.up.len() as u64;
        let tail = self.cfg.samples(self.cfg.max_delay_ms.min(500));
        self.markers
            .retain(|m| m.start + len + tail <= total_samples);
    }

    /// Markers in send order.
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// The settings.
    pub fn config(&self) -> &RoundTripConfig {
        &self.cfg
    }

    fn template(&self, m: &Marker) -> &[f64] {
        if m.up {
            &self.up
        } else {
            &self.down
        }
    }

    /// Overwrite the parts of `frame` (outgoing samples from `first_sample` on) that fall in a
    /// marker with the chirp.
    pub fn apply(&self, first_sample: u64, frame: &mut [i16]) {
        let end = first_sample + frame.len() as u64;
        let len = self.up.len() as u64;
        // Markers are sorted; skip those that ended before this frame.
        let from = self
            .markers
            .partition_point(|m| m.start + len <= first_sample);
        for m in &self.markers[from..] {
            if m.start >= end {
                break;
            }
            let t = self.template(m);
            let a = m.start.max(first_sample);
            let b = (m.start + len).min(end);
            for s in a..b {
                frame[(s - first_sample) as usize] = t[(s - m.start) as usize].round() as i16;
            }
        }
    }

    /// Find every marker in `received` (on the outgoing clock: index 0 = first sample sent).
    pub fn detect(&self, received: &[i16]) -> RoundTripReport {
        let estimates = (0..self.markers.len())
            .filter_map(|i| self.find(i, received, 0))
            .collect();
        RoundTripReport::from_estimates(self.markers.len(), estimates)
    }

    /// Samples of received audio, from a marker's start on, that [`Self::find`] searches.
    pub fn search_len(&self) -> u64 {
        self.cfg.samples(self.cfg.max_delay_ms) + self.up.len() as u64
    }

    /// Look for marker `i` in `received`, whose first sample is outgoing-clock sample
    /// `offset` (it should cover the marker's start up to [`Self::search_len`] after it).
    pub fn find(&self, i: usize, received: &[i16], offset: u64) -> Option<Estimate> {
        let m = self.markers.get(i)?;
        let t = self.template(m);
        let n = t.len();
        let t_norm = t.iter().map(|v| v * v).sum::<f64>().sqrt();
        if t_norm == 0.0 || m.start < offset {
            return None;
        }
        let start = (m.start - offset) as usize;
        if start + n > received.len() {
            return None;
        }
        let max_lag = self.cfg.samples(self.cfg.max_delay_ms) as usize;
        let last = max_lag.min(received.len() - n - start);
        let x = &received[start..start + last + n];
        // Prefix sums of energy for the sliding window norm (exact, in integers).
        let mut energy = Vec::with_capacity(x.len() + 1);
        energy.push(0i64);
        let mut acc = 0i64;
        for &v in x {
            acc += v as i64 * v as i64;
            energy.push(acc);
        }
        let ncc = |lag: usize| -> f64 {
            let e = energy[lag + n] - energy[lag];
            // Below about -90 dBFS RMS: digital silence, no shape to match (and no work:
            // a caller sending silence between markers pays only for the echo's windows).
            if e < n as i64 {
                return 0.0;
            }
            dot(&x[lag..lag + n], t) / (t_norm * (e as f64).sqrt())
        };
        // Over silence (a caller sending nothing but markers) only the lags overlapping the
        // echoed chirp carry energy, and the window energy peaks where the window covers the
        // whole chirp: search around that peak only (an eighth of a marker either way),
        // not the 2 marker lengths of lags with energy (8x less work at hundreds of calls).
        // Over a tone or noise every lag has energy: search them all.
        let window = |lag: usize| energy[lag + n] - energy[lag];
        let loud = (0..=last).filter(|&l| window(l) >= n as i64).count();
        let (from, to) = if loud <= 3 * n {
            let top = (0..=last).max_by_key(|&l| window(l)).unwrap_or(0);
            (top.saturating_sub(n / 8), (top + n / 8).min(last))
        } else {
            (0, last)
        };
        // The peak (the last of equal ones), without keeping every lag's score.
        let (mut best, mut peak) = (0usize, f64::NEG_INFINITY);
        for lag in from..=to {
            let v = ncc(lag);
            if v >= peak {
                (best, peak) = (lag, v);
            }
        }
        // (NaN never passes.)
        if peak.is_nan() || peak < self.cfg.min_confidence {
            return None;
        }
        let mut frac = 0.0;
        if best > 0 && best < last {
            let (a, b, c) = (ncc(best - 1), peak, ncc(best + 1));
            let den = a - 2.0 * b + c;
            if den < 0.0 {
                frac = (0.5 * (a - c) / den).clamp(-0.5, 0.5);
            }
        }
        let rate = self.cfg.rate.max(1) as f64;
        Some(Estimate {
            marker: i,
            sent_at_ms: m.start as f64 * 1000.0 / rate,
            delay_ms: (best as f64 + frac) * 1000.0 / rate,
            confidence: peak.min(1.0),
        })
    }
}

/// Dot product of samples and a template with eight independent sums, so the compiler can
/// keep several multiply-adds in flight (a single running sum is latency-bound: about 8x
/// slower on the marker search).
fn dot(a: &[i16], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] as f64 * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| *x as f64 * y).sum();
    acc.iter().sum::<f64>() + tail
}

/// Markers found while a call runs, keeping only the received audio still to be searched
/// (a load of hundreds of calls cannot keep every call's audio until its end).
///
/// Feed received packets with [`Self::push`] (as [`Timeline::push`]) and call
/// [`Self::poll`] with the outgoing-clock sample of "now": each marker is searched once its
/// window ([`MarkerPlan::search_len`] plus `slack`) lies in the past. [`Self::finish`]
/// searches what is left and gives the report.
#[derive(Debug, Clone)]
pub struct MarkerTracker {
    plan: MarkerPlan,
    timeline: Timeline,
    slack: u64,
    next: usize,
    estimates: Vec<Estimate>,
    scratch: Vec<i16>,
}

impl MarkerTracker {
    /// `slack`: samples to wait past a window for late packets.
    pub fn new(plan: MarkerPlan, slack: u64) -> Self {
        let rate = plan.cfg.rate;
        MarkerTracker {
            plan,
            timeline: Timeline::new(rate),
            slack,
            next: 0,
            estimates: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The marker plan (for writing the markers into outgoing audio).
    pub fn plan(&self) -> &MarkerPlan {
        &self.plan
    }

    /// Markers found so far.
    pub fn estimates(&self) -> &[Estimate] {
        &self.estimates
    }

    /// A received packet (see [`Timeline::push`]).
    pub fn push(&mut self, arrival: i64, ssrc: u32, ts: u32, pcm: &[i16]) {
        self.timeline.push(arrival, ssrc, ts, pcm);
    }

    /// Search the markers whose window ended before outgoing-clock sample `now`; the number
    /// of new estimates.
    pub fn poll(&mut self, now: i64) -> usize {
        let before = self.estimates.len();
        let span = self.plan.search_len();
        while let Some(m) = self.plan.markers.get(self.next).copied() {
            if (m.start + span + self.slack) as i64 > now {
                break;
            }
            self.search_next(span);
        }
        self.estimates.len() - before
    }

    fn search_next(&mut self, span: u64) {
        let Some(m) = self.plan.markers.get(self.next).copied() else {
            return;
        };
        self.timeline
            .render_range(m.start as i64, span as usize, &mut self.scratch);
        if let Some(e) = self.plan.find(self.next, &self.scratch, m.start) {
            self.estimates.push(e);
        }
        self.next += 1;
        // Audio before the next marker is never searched again.
        if let Some(n) = self.plan.markers.get(self.next) {
            self.timeline.forget_before(n.start as i64);
        }
    }

    /// The call is over after `sent_samples` of outgoing audio: search the markers that fit
    /// (by the rule of [`MarkerPlan::truncate`]) and report.
    pub fn finish(&mut self, sent_samples: u64) -> RoundTripReport {
        self.plan.truncate(sent_samples);
        let span = self.plan.search_len();
        while self.next < self.plan.markers.len() {
            self.search_next(span);
        }
        RoundTripReport::from_estimates(self.plan.markers.len(), self.estimates.clone())
    }
}

/// Received audio placed on the outgoing clock.
///
/// Packets of one stream (same SSRC, continuous timestamps) are laid out by RTP timestamp,
/// shifted so that the earliest-arriving packet (the smallest transit) within half a second
/// of each one sits at its arrival position: network jitter does not smear the signal, and
/// the delay measured is the fastest path. Half a second, not the whole stream: a sender
/// whose delay grows mid-stream with its timestamps running on (a playout that starts a
/// talkspurt on its first frame and then holds its grid for late audio; a jitter buffer on
/// the way that grows) would otherwise have every later packet placed that much before it
/// arrived, and an echo that comes back faster than that growth would seem to come back
/// before it was sent: a 40-call burst through serve had a call with none of its markers
/// found that way. A new SSRC or a timestamp jump of more than a second starts a new stream,
/// aligned on its own.
#[derive(Debug, Clone)]
pub struct Timeline {
    rate: u32,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
struct Segment {
    ssrc: u32,
    first_ts: u32,
    /// min over packets of (arrival sample - timestamp offset): where the stream's
    /// alignment would put a packet, to tell a timestamp jump.
    offset: i64,
    /// (timestamp offset, transit = arrival sample - timestamp offset, audio).
    packets: Vec<(i64, i64, Vec<i16>)>,
}

impl Segment {
    /// Each packet's position on the outgoing clock and its audio: by timestamp, shifted by
    /// the smallest transit of the packets within `window` samples of it (see [`Timeline`]).
    fn placed(&self, window: i64) -> impl Iterator<Item = (i64, &[i16])> + '_ {
        let p = &self.packets;
        (0..p.len()).map(move |i| {
            let rel = p[i].0;
            // Packets come nearly in timestamp order: scan out from i until well past the
            // window (twice it, for packets that came out of order).
            let mut least = p[i].1;
            for q in p[..i].iter().rev() {
                if q.0 < rel - 2 * window {
                    break;
                }
                if (q.0 - rel).abs() <= window {
                    least = least.min(q.1);
                }
            }
            for q in &p[i + 1..] {
                if q.0 > rel + 2 * window {
                    break;
                }
                if (q.0 - rel).abs() <= window {
                    least = least.min(q.1);
                }
            }
            (least + rel, p[i].2.as_slice())
        })
    }
}

impl Timeline {
    /// Empty timeline for audio at `rate` Hz.
    pub fn new(rate: u32) -> Self {
        Timeline {
            rate: rate.max(1),
            segments: Vec::new(),
        }
    }

    /// A packet of `pcm` with RTP `ssrc`/`ts` that arrived at outgoing-clock sample
    /// `arrival` (may be negative if it came before the first frame was sent).
    pub fn push(&mut self, arrival: i64, ssrc: u32, ts: u32, pcm: &[i16]) {
        let new_segment = match self.segments.last() {
            Some(s) if s.ssrc == ssrc => {
                let rel = ts.wrapping_sub(s.first_ts) as i32 as i64;
                // Where the stream's alignment would put it vs. where it arrived.
                (arrival - (s.offset + rel)).abs() > self.rate as i64
            }
            _ => true,
        };
        if new_segment {
            self.segments.push(Segment {
                ssrc,
                first_ts: ts,
                offset: arrival,
                packets: Vec::new(),
            });
        }
        let Some(s) = self.segments.last_mut() else {
            return;
        };
        let rel = ts.wrapping_sub(s.first_ts) as i32 as i64;
        s.offset = s.offset.min(arrival - rel);
        s.packets.push((rel, arrival - rel, pcm.to_vec()));
    }

    /// How far around a packet the fastest transit is looked for: half a second.
    fn window(&self) -> i64 {
        i64::from(self.rate / 2)
    }

    /// Streams seen (1 for a plain call; more after SSRC changes or timestamp jumps).
    pub fn streams(&self) -> usize {
        self.segments.len()
    }

    /// The audio from outgoing-clock sample 0 on; gaps are silence, audio before 0 is cut.
    pub fn render(&self) -> Vec<i16> {
        let mut out: Vec<i16> = Vec::new();
        for s in &self.segments {
            for (at, pcm) in s.placed(self.window()) {
                let end = at + pcm.len() as i64;
                if end <= 0 {
                    continue;
                }
                if out.len() < end as usize {
                    out.resize(end as usize, 0);
                }
                let skip = (-at).max(0) as usize;
                let from = at.max(0) as usize;
                out[from..end as usize].copy_from_slice(&pcm[skip..]);
            }
        }
        out
    }
    /// The audio of outgoing-clock samples `from..from + len` into `out` (resized to `len`;
    /// gaps are silence), as [`Self::render`] would place it.
    pub fn render_range(&self, from: i64, len: usize, out: &mut Vec<i16>) {
        out.clear();
        out.resize(len, 0);
        let to = from + len as i64;
        for s in &self.segments {
            for (at, pcm) in s.placed(self.window()) {
                let end = at + pcm.len() as i64;
                // Audio before sample 0 is cut, as in `render`.
                let (a, b) = (at.max(from).max(0), end.min(to));
                if a >= b {
                    continue;
                }
                let src = (a - at) as usize;
                out[(a - from) as usize..(b - from) as usize]
                    .copy_from_slice(&pcm[src..src + (b - a) as usize]);
            }
        }
    }

    /// Drop the packets that end at or before outgoing-clock sample `sample` (less the half
    /// second around a packet whose fastest transit places it, so audio after `sample` stays
    /// where the whole stream would put it), and streams left empty but the last.
    pub fn forget_before(&mut self, sample: i64) {
        let window = self.window();
        for s in &mut self.segments {
            let keep: Vec<bool> = s
                .placed(window)
                .map(|(at, pcm)| at + pcm.len() as i64 > sample - window)
                .collect();
            let mut k = keep.into_iter();
            s.packets.retain(|_| k.next().unwrap_or(true));
        }
        let last = self.segments.len().saturating_sub(1);
        let mut i = 0;
        self.segments.retain(|s| {
            let keep = i == last || !s.packets.is_empty();
            i += 1;
            keep
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::g711::{alaw_decode, alaw_encode, ulaw_decode, ulaw_encode};
    use crate::media::tone::SineGen;

    /// Outgoing audio: a 1 kHz tone at 0.3 with markers written in.
    fn outgoing(plan: &MarkerPlan, total: usize) -> Vec<i16> {
        let mut v = Vec::new();
        SineGen::new(1000.0, 8000, 0.3).extend(total, &mut v);
        // In 20 ms frames, as the sender does.
        for (k, frame) in v.chunks_mut(160).enumerate() {
            plan.apply(k as u64 * 160, frame);
        }
        v
    }

    /// Deterministic pseudo-noise in -1..1.
    fn noise(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((*seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    }

    /// The far end: delay by `delay` samples (fractional: linear interpolation), scale,
    /// add noise, pass through G.711.
    fn channel(x: &[i16], delay: f64, gain: f64, noise_amp: f64, alaw: bool) -> Vec<i16> {
        let mut seed = 99;
        (0..x.len() + delay.ceil() as usize)
            .map(|i| {
                let p = i as f64 - delay;
                let v = if p < 0.0 {
                    0.0
                } else {
                    let k = p.floor() as usize;
                    let f = p - k as f64;
                    let a = x.get(k).copied().unwrap_or(0) as f64;
                    let b = x.get(k + 1).copied().unwrap_or(0) as f64;
                    a * (1.0 - f) + b * f
                };
                let s = (v * gain + noise(&mut seed) * noise_amp * 32767.0).clamp(-32768.0, 32767.0)
                    as i16;
                if alaw {
                    alaw_decode(alaw_encode(s))
                } else {
                    ulaw_decode(ulaw_encode(s))
                }
            })
            .collect()
    }

    #[test]
    fn plan_places_markers_that_fit() {
        let plan = MarkerPlan::new(RoundTripConfig::default(), 3 * 8000);
        let starts: Vec<u64> = plan.markers().iter().map(|m| m.start).collect();
        assert_eq!(starts, [3200, 11200, 19200]);
        assert_eq!(
            plan.markers().iter().map(|m| m.up).collect::<Vec<_>>(),
            [true, false, true]
        );
        assert!(MarkerPlan::new(RoundTripConfig::default(), 4000)
            .markers()
            .is_empty());
        let mut cut = plan.clone();
        cut.truncate(19200 + 400 + 3999);
        assert_eq!(cut.markers().len(), 2);
        // The chirp replaces exactly its 400 samples, also across frame edges.
        let mut frame = vec![7i16; 500];
        plan.apply(3000, &mut frame);
        assert!(frame[..200].iter().all(|&s| s == 7));
        assert!(frame[200..].iter().any(|&s| s != 7));
        let mut f2 = vec![7i16; 160];
        plan.apply(3200 + 320, &mut f2);
        assert!(f2[..80].iter().any(|&s| s != 7) && f2[80..].iter().all(|&s| s == 7));
    }

    #[test]
    fn recovers_delay_through_noise_and_g711_within_1ms() {
        let cfg = RoundTripConfig::default();
        let total = 6 * 8000;
        let plan = MarkerPlan::new(cfg, total as u64);
        assert_eq!(plan.markers().len(), 6);
        let tx = outgoing(&plan, total);
        for (delay_ms, alaw) in [(0.5, false), (12.3, true), (87.06, false), (436.9, true)] {
            let rx = channel(&tx, delay_ms * 8.0, 0.6, 0.02, alaw);
            let r = plan.detect(&rx);
            assert_eq!(r.found, 6, "{delay_ms}: {r:?}");
            for e in &r.estimates {
                assert!(
                    (e.delay_ms - delay_ms).abs() < 1.0,
                    "{delay_ms}: marker {} read {}",
                    e.marker,
                    e.delay_ms
                );
                // Linear interpolation of a fractional delay low-passes the chirp a little.
                assert!(e.confidence > 0.6, "{e:?}");
            }
            let med = r.median_ms.unwrap();
            assert!((med - delay_ms).abs() < 0.25, "{delay_ms}: median {med}");
            assert!(r.min_ms.unwrap() <= med && med <= r.max_ms.unwrap());
        }
    }

    #[test]
    fn delay_longer_than_the_interval_is_attributed_to_the_right_marker() {
        let cfg = RoundTripConfig::default();
        let total = 8 * 8000;
        let plan = MarkerPlan::new(cfg, total as u64);
        let tx = outgoing(&plan, total);
        let rx = channel(&tx, 1234.5 * 8.0, 0.8, 0.01, false);
        let r = plan.detect(&rx);
        assert!(r.found >= plan.markers().len() - 1, "{r:?}");
        for e in &r.estimates {
            assert!((e.delay_ms - 1234.5).abs() < 1.0, "{e:?}");
        }
    }

    #[test]
    fn no_echo_means_no_estimates() {
        let plan = MarkerPlan::new(RoundTripConfig::default(), 5 * 8000);
        let r = plan.detect(&vec![0i16; 5 * 8000]);
        assert_eq!((r.markers_sent, r.found, r.median_ms), (5, 0, None));
        // A plain tone (the far end plays something else) is not a marker either.
        let mut tone = Vec::new();
        SineGen::new(1000.0, 8000, 0.5).extend(5 * 8000, &mut tone);
        assert_eq!(plan.detect(&tone).found, 0);
        // Noise only.
        let mut seed = 5;
        let n: Vec<i16> = (0..5 * 8000)
            .map(|_| (noise(&mut seed) * 8000.0) as i16)
            .collect();
        assert_eq!(plan.detect(&n).found, 0);
        // Short received audio does not panic.
        assert_eq!(plan.detect(&[1, 2, 3]).found, 0);
    }

    #[test]
    fn timeline_aligns_by_timestamp_to_the_fastest_packet() {
        let mut tl = Timeline::new(8000);
        // 20 ms packets with ts base 1000; transit 40 samples, packet 2 jittered by +25.
        for k in 0..5i64 {
            let jitter = if k == 2 { 25 } else { 0 };
            let pcm = vec![(k + 1) as i16; 160];
            tl.push(k * 160 + 40 + jitter, 0xA, 1000 + k as u32 * 160, &pcm);
        }
        let out = tl.render();
        assert_eq!(out.len(), 40 + 800);
        assert!(out[..40].iter().all(|&s| s == 0));
        for k in 0..5 {
            let at = 40 + k * 160;
            assert!(out[at..at + 160].iter().all(|&s| s == (k + 1) as i16));
        }
        // A new SSRC is aligned on its own; audio before sample 0 is cut.
        let mut tl = Timeline::new(8000);
        tl.push(-100, 1, u32::MAX - 50, &[5; 160]);
        tl.push(60, 1, (u32::MAX - 50).wrapping_add(160), &[6; 160]);
        tl.push(1000, 2, 7, &[9; 10]);
        assert_eq!(tl.streams(), 2);
        let out = tl.render();
        assert_eq!(out.len(), 1010);
        assert_eq!(&out[..60], &[5; 60]);
        assert_eq!(&out[60..220], &[6; 160]);
        assert_eq!(&out[1000..], &[9; 10]);
        // A timestamp jump of more than a second starts a new stream too.
        let mut tl = Timeline::new(8000);
        tl.push(0, 1, 0, &[1; 160]);
        tl.push(160, 1, 100_000, &[2; 160]);
        assert_eq!(tl.streams(), 2);
        assert_eq!(tl.render().len(), 320);
    }

    #[test]
    fn end_to_end_through_timeline_with_jitter() {
        // Packets of the echo arrive 23.4 ms late with up to 6 ms jitter.
        let cfg = RoundTripConfig::default();
        let total = 4 * 8000;
        let plan = MarkerPlan::new(cfg, total as u64);
        let tx = outgoing(&plan, total);
        let mut tl = Timeline::new(8000);
        let mut seed = 3;
        for (k, frame) in tx.chunks(160).enumerate() {
            let jitter = ((noise(&mut seed) + 1.0) * 24.0) as i64; // 0..48 samples
            let arrival = k as i64 * 160 + 187 + jitter;
            let pcm: Vec<i16> = frame.iter().map(|&s| ulaw_decode(ulaw_encode(s))).collect();
            tl.push(arrival, 77, 5000 + k as u32 * 160, &pcm);
        }
        let r = plan.detect(&tl.render());
        assert_eq!(r.found, r.markers_sent);
        // The fastest packet defines the alignment: 187 samples + the smallest jitter.
        for e in &r.estimates {
            assert!(
                e.delay_ms >= 187.0 / 8.0 - 0.1 && e.delay_ms < 187.0 / 8.0 + 1.0,
                "{e:?}"
            );
        }
    }

    #[test]
    fn tracker_finds_markers_as_the_call_runs_and_keeps_little_audio() {
        // The echo arrives 187 samples late with jitter; the tracker is polled as packets
        // arrive and must agree with the whole-call search, holding only a few seconds.
        let cfg = RoundTripConfig::default();
        let total = 12 * 8000;
        let plan = MarkerPlan::new(cfg, total as u64);
        let tx = outgoing(&plan, total);
        let mut tl = Timeline::new(8000);
        let mut tr = MarkerTracker::new(plan.clone(), 800);
        let mut seed = 11;
        let mut most_packets = 0;
        let mut found_while_running = 0;
        for (k, frame) in tx.chunks(160).enumerate() {
            let jitter = ((noise(&mut seed) + 1.0) * 24.0) as i64;
            let arrival = k as i64 * 160 + 187 + jitter;
            let pcm: Vec<i16> = frame.iter().map(|&s| ulaw_decode(ulaw_encode(s))).collect();
            tl.push(arrival, 5, 99 + k as u32 * 160, &pcm);
            tr.push(arrival, 5, 99 + k as u32 * 160, &pcm);
            found_while_running += tr.poll(arrival);
            let held: usize = tr.timeline.segments.iter().map(|s| s.packets.len()).sum();
            most_packets = most_packets.max(held);
        }
        assert!(found_while_running >= 9, "{found_while_running}");
        // Marker window 1.55 s + slack 0.1 s + interval 1 s + the half second that places
        // the audio after what is forgotten: under 3.5 s of 20 ms packets.
        assert!(most_packets < 175, "{most_packets} packets held");
        let whole = plan.detect(&tl.render());
        let streamed = tr.finish(total as u64);
        assert_eq!(streamed.markers_sent, whole.markers_sent);
        assert_eq!(streamed.found, whole.found);
        assert_eq!(streamed.found, streamed.markers_sent);
        for (a, b) in streamed.estimates.iter().zip(&whole.estimates) {
            assert_eq!(a.marker, b.marker);
            assert!((a.delay_ms - b.delay_ms).abs() < 0.2, "{a:?} vs {b:?}");
        }
        // A call cut short: only the markers that fit are counted.
        let mut short = MarkerTracker::new(plan, 800);
        assert_eq!(short.finish(3 * 8000).markers_sent, 3);
    }

    #[test]
    fn an_echo_whose_sender_clock_drifts_mid_stream_is_still_found() {
        // The echo comes back 15 ms after each frame was sent, all call long; but 3 s in, the
        // far end's timestamps jump 40 ms ahead of its audio (a playout that sent two frames
        // of silence in a gap and then restarted its grid on the late audio: the timestamps
        // ran on through the silence, the audio did not). Aligned on the whole stream's
        // fastest packet, every packet before the jump would be placed 40 ms before it
        // arrived, so the first three markers would seem to come back 25 ms before they were
        // sent and were not found; aligned on the fastest packet within half a second, all
        // are found, at 15 ms.
        let cfg = RoundTripConfig::default();
        let total = 6 * 8000;
        let plan = MarkerPlan::new(cfg, total as u64);
        let tx = outgoing(&plan, total);
        let mut tl = Timeline::new(8000);
        for (k, frame) in tx.chunks(160).enumerate() {
            let ts = 1234 + k as u32 * 160 + if k >= 150 { 320 } else { 0 };
            let pcm: Vec<i16> = frame.iter().map(|&s| ulaw_decode(ulaw_encode(s))).collect();
            tl.push(k as i64 * 160 + 120, 9, ts, &pcm);
        }
        let r = plan.detect(&tl.render());
        assert_eq!(r.found, r.markers_sent, "{r:?}");
        for e in &r.estimates {
            assert!((e.delay_ms - 15.0).abs() < 0.5, "{e:?}");
        }
    }

    #[test]
    fn render_range_matches_render() {
        let mut tl = Timeline::new(8000);
        tl.push(-100, 1, u32::MAX - 50, &[5; 160]);
        tl.push(60, 1, (u32::MAX - 50).wrapping_add(160), &[6; 160]);
        tl.push(1000, 2, 7, &[9; 10]);
        let all = tl.render();
        let mut out = Vec::new();
        for (from, len) in [
            (0i64, 1010usize),
            (50, 20),
            (215, 800),
            (1005, 20),
            (-10, 30),
        ] {
            tl.render_range(from, len, &mut out);
            assert_eq!(out.len(), len);
            for (k, v) in out.iter().enumerate() {
                let at = from + k as i64;
                let want = if at < 0 {
                    0
                } else {
                    all.get(at as usize).copied().unwrap_or(0)
                };
                assert_eq!(*v, want, "sample {at}");
            }
        }
        // Half a second (4000 samples) before the sample is kept: the first stream, which
        // ends at 220, goes when the sample is past 4220.
        tl.forget_before(4200);
        assert_eq!(tl.streams(), 2);
        tl.forget_before(4500);
        assert_eq!(tl.streams(), 1);
        tl.render_range(1000, 10, &mut out);
        assert_eq!(out, [9; 10]);
    }
}
