//! `vcctl load`'s logic, sans-IO: when to place calls (concurrency steps, a rate limit, a
//! total), what each call came to, the figures per step and the SLO verdicts.
//!
//! Time is a parameter; the I/O side (`io::load`) owns the sockets and the clock, asks
//! [`Scheduler::poll`] how many calls to start, reports each finished call as a
//! [`CallRecord`] and, once a second, a [`Sample`] of the calls up; [`Tally`] turns them into
//! one [`StepReport`] per step.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::analysis::stats::percentile;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPlan {
    /// Target concurrency of each step (one step without a ramp).
    pub steps: Vec<u32>,
    /// Length of each step (a ramp); `None`: one step that ends when `total_calls` have
    /// been placed and have ended.
    pub step_secs: Option<Duration>,
    /// Calls to place in all (without a ramp).
    pub total_calls: Option<u64>,
    /// Most calls started per second; `None`: as fast as the concurrency allows.
    pub rate: Option<f64>,
}

impl LoadPlan {
    /// The step in force at `elapsed` after the start (the last one past the end).
    pub fn step_at(&self, elapsed: Duration) -> usize {
        match self.step_secs {
            Some(len) if !len.is_zero() => {
                ((elapsed.as_secs_f64() / len.as_secs_f64()) as usize).min(self.steps.len() - 1)
            }
            _ => 0,
        }
    }

    /// When the ramp ends (`None` without a ramp).
    pub fn ramp_length(&self) -> Option<Duration> {
        self.step_secs.map(|s| s * self.steps.len() as u32)
    }
}

/// When to place calls.
#[derive(Debug, Clone)]
pub struct Scheduler {
    plan: LoadPlan,
    start: Instant,
    started: u64,
    /// Rate limit: the earliest time of the next start.
    next_start: Instant,
    stopped: bool,
}

impl Scheduler {
    pub fn new(plan: LoadPlan, start: Instant) -> Self {
        assert!(!plan.steps.is_empty(), "a load plan has at least one step");
        Scheduler {
            plan,
            start,
            started: 0,
            next_start: start,
            stopped: false,
        }
    }

    pub fn plan(&self) -> &LoadPlan {
        &self.plan
    }

    /// Calls placed so far.
    pub fn started(&self) -> u64 {
        self.started
    }

    /// The step in force at `now`.
    pub fn step_at(&self, now: Instant) -> usize {
        self.plan.step_at(now.saturating_duration_since(self.start))
    }

    /// No more calls will be placed (the total is reached, the ramp is over, or [`Self::stop`]).
    pub fn done_starting(&self, now: Instant) -> bool {
        self.stopped
            || self.plan.total_calls.is_some_and(|t| self.started >= t)
            || self
                .plan
                .ramp_length()
                .is_some_and(|l| now.saturating_duration_since(self.start) >= l)
    }

    /// Stop placing calls (Ctrl-C).
    pub fn stop(&mut self) {
        self.stopped = true;
    }

    /// The ramp's time is up: the calls still up are to be hung up.
    pub fn ramp_over(&self, now: Instant) -> bool {
        self.plan
            .ramp_length()
            .is_some_and(|l| now.saturating_duration_since(self.start) >= l)
    }

    /// How many calls to place now, with `in_progress` calls placed and not yet ended.
    pub fn poll(&mut self, now: Instant, in_progress: u64) -> u64 {
        if self.done_starting(now) {
            return 0;
        }
        let target = self.plan.steps[self.step_at(now)] as u64;
        let mut n = target.saturating_sub(in_progress);
        if let Some(total) = self.plan.total_calls {
            n = n.min(total - self.started);
        }
        if let Some(rate) = self.plan.rate.filter(|r| *r > 0.0) {
            let gap = Duration::from_secs_f64(1.0 / rate);
            // No credit for idle time: after a pause, the next call starts now, not a burst.
            if self.next_start + gap < now {
                self.next_start = now;
            }
            let mut allowed = 0;
            let mut t = self.next_start;
            while t <= now && allowed < n {
                allowed += 1;
                t += gap;
            }
            n = allowed;
            self.next_start += gap * n as u32;
        }
        self.started += n;
        n
    }

    /// When [`Self::poll`] may next have calls to place besides when a call ends: the rate
    /// limit's next slot or the next step (the end of the ramp after the last).
    pub fn next_wake(&self, now: Instant) -> Option<Instant> {
        let step_end = self
            .plan
            .step_secs
            .map(|len| self.start + len * (self.step_at(now) as u32 + 1))
            .filter(|t| *t > now);
        if self.done_starting(now) {
            return step_end;
        }
        let rate_slot = self
            .plan
            .rate
            .filter(|r| *r > 0.0)
            .map(|_| self.next_start)
            .filter(|t| *t > now);
        match (rate_slot, step_end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// How a call ended up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A 2xx came.
    Answered,
    /// A final non-2xx answer (also credentials rejected, an unusable answer).
    Refused,
    /// No final answer in time (no response at all, or provisional answers only).
    TimedOut,
    /// It could not be placed (no socket, nothing listens); also a record's default, so a
    /// field left unset never reads as a success.
    #[default]
    Failed,
    /// The run was stopped before a final answer.
    Unfinished,
}

/// Whether audio went both ways on an answered call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AudioVerdict {
    /// RTP came back, and so did our markers (or markers were off).
    TwoWay,
    /// No RTP came back at all.
    None,
    /// RTP came back but none of the markers we sent: the far end did not hear us.
    OneWay,
}

/// Classify an answered call's audio.
pub fn audio_verdict(rtp_received: u64, markers_sent: usize, markers_found: usize) -> AudioVerdict {
    if rtp_received == 0 {
        AudioVerdict::None
    } else if markers_sent > 0 && markers_found == 0 {
        AudioVerdict::OneWay
    } else {
        AudioVerdict::TwoWay
    }
}

/// One call of the run. `Default` is a failed call with no media figures, for the records
/// of calls that never got media (`..Default::default()`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallRecord {
    /// 0 for the first call placed.
    pub index: u64,
    /// The step in force when it was placed.
    pub step: usize,
    pub call_id: String,
    /// When the INVITE went out, seconds after the start of the run.
    pub started_s: f64,
    pub outcome: Outcome,
    /// The final answer's status code, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// Why it failed, in a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// First INVITE to the 2xx.
    pub setup_ms: Option<f64>,
    /// Answer to the end of the call.
    pub media_seconds: f64,
    pub rtp_sent: u64,
    pub rtp_received: u64,
    pub rtp_expected: u64,
    pub loss_percent: f64,
    pub jitter_mean_ms: f64,
    pub jitter_max_ms: f64,
    pub markers_sent: usize,
    pub markers_found: usize,
    pub roundtrip_median_ms: Option<f64>,
    /// Round trips: (when the marker was sent, seconds after the start of the run; ms).
    pub roundtrips: Vec<(f64, f64)>,
    /// `None` for calls not answered.
    pub audio: Option<AudioVerdict>,
    /// E-model MOS of what the call heard (loss, jitter, half the RTCP round trip; see
    /// [`crate::media::caller_media::call_mos`]); `None` when nothing was received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mos: Option<f64>,
}

/// What the calls up looked like at one moment (the I/O side sends one a second).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    /// Seconds after the start of the run.
    pub at_s: f64,
    /// Calls placed and not yet ended.
    pub in_progress: u64,
    /// Calls answered and not yet ended.
    pub up: u64,
    /// RTP packets expected and received on all calls since the previous sample.
    pub rtp_expected: u64,
    pub rtp_received: u64,
    /// Sum and count of the calls' current jitter (ms), and the largest.
    pub jitter_sum_ms: f64,
    pub jitter_n: u64,
    pub jitter_max_ms: f64,
    /// CPU seconds the load generator used since the previous sample.
    pub cpu_s: f64,
    /// Seconds since the previous sample.
    pub wall_s: f64,
    /// CPU seconds of other watched processes since the previous sample, by name.
    pub others_cpu_s: [f64; MAX_WATCHED],
}

/// Other processes whose CPU a run can report.
pub const MAX_WATCHED: usize = 8;

/// Service levels a step must meet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Slo {
    /// Calls answered with audio both ways, in % of those attempted, at least.
    pub answer_percent: f64,
    /// Audio round trip p95 at most (ignored when markers are off).
    pub roundtrip_p95_ms: f64,
    /// RTP received loss at most.
    pub loss_percent: f64,
}

impl Default for Slo {
    /// 99.9 % answered with audio, round trip p95 <= 500 ms, loss <= 0.5 %.
    fn default() -> Self {
        Slo {
            answer_percent: 99.9,
            roundtrip_p95_ms: 500.0,
            loss_percent: 0.5,
        }
    }
}

/// Figures of one step.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StepReport {
    pub step: usize,
    /// Target concurrency.
    pub concurrency: u32,
    /// Calls up (answered, not ended): mean and highest over the step's samples.
    pub calls_up_mean: f64,
    pub calls_up_max: u64,
    pub attempted: u64,
    pub answered: u64,
    pub refused: u64,
    /// Refusals by final status code.
    pub refused_by_code: BTreeMap<u16, u64>,
    pub timed_out: u64,
    pub failed: u64,
    pub unfinished: u64,
    pub answer_percent: Option<f64>,
    /// Answered with audio both ways, in % of attempted.
    pub answered_with_audio_percent: Option<f64>,
    pub no_audio: u64,
    pub one_way_audio: u64,
    pub setup_p50_ms: Option<f64>,
    pub setup_p95_ms: Option<f64>,
    pub setup_p99_ms: Option<f64>,
    /// Round trips measured from markers sent during the step.
    pub roundtrips: u64,
    pub roundtrip_p50_ms: Option<f64>,
    pub roundtrip_p95_ms: Option<f64>,
    pub roundtrip_p99_ms: Option<f64>,
    pub rtp_expected: u64,
    pub rtp_received: u64,
    pub loss_percent: Option<f64>,
    pub jitter_mean_ms: Option<f64>,
    pub jitter_max_ms: Option<f64>,
    /// MOS of the calls placed in the step: median and 5th percentile (the worst 5 %).
    pub mos_p50: Option<f64>,
    pub mos_p5: Option<f64>,
    /// CPU of the load generator, % of one core, and per call up.
    pub cpu_percent: Option<f64>,
    pub cpu_percent_per_call: Option<f64>,
    /// CPU of watched processes, % of one core, by name.
    pub others_cpu_percent: BTreeMap<String, f64>,
    pub seconds: f64,
    pub slo_met: bool,
    /// Why the step misses the SLO (empty when met).
    pub slo_misses: Vec<String>,
}

/// Collects records and samples per step.
#[derive(Debug, Clone)]
pub struct Tally {
    plan: LoadPlan,
    watched: Vec<String>,
    steps: Vec<Acc>,
}

#[derive(Debug, Clone, Default)]
struct Acc {
    records: Vec<CallRecordLite>,
    setups: Vec<f64>,
    mos: Vec<f64>,
    roundtrips: Vec<f64>,
    samples: u64,
    up_sum: f64,
    up_max: u64,
    expected: u64,
    received: u64,
    jitter_sum: f64,
    jitter_n: u64,
    jitter_max: Option<f64>,
    cpu_s: f64,
    wall_s: f64,
    others: [f64; MAX_WATCHED],
}

#[derive(Debug, Clone)]
struct CallRecordLite {
    outcome: Outcome,
    code: Option<u16>,
    audio: Option<AudioVerdict>,
}

impl Tally {
    /// `watched`: names of other processes whose CPU the samples carry (in that order).
    pub fn new(plan: LoadPlan, watched: Vec<String>) -> Self {
        let n = plan.steps.len();
        Tally {
            plan,
            watched,
            steps: vec![Acc::default(); n],
        }
    }

    fn step_of(&self, at_s: f64) -> usize {
        self.plan
            .step_at(Duration::from_secs_f64(at_s.max(0.0)))
            .min(self.steps.len() - 1)
    }

    /// A finished call, counted in the step it was placed in (its setup time and round
    /// trips come live, by [`Self::setup`] and [`Self::roundtrip`]).
    pub fn record(&mut self, r: &CallRecord) {
        let step = r.step.min(self.steps.len() - 1);
        self.steps[step].records.push(CallRecordLite {
            outcome: r.outcome,
            code: r.code,
            audio: r.audio,
        });
        if let Some(m) = r.mos.filter(|m| m.is_finite()) {
            self.steps[step].mos.push(m);
        }
    }

    /// A call placed in `step` was answered after `ms`.
    pub fn setup(&mut self, step: usize, ms: f64) {
        let step = step.min(self.steps.len() - 1);
        self.steps[step].setups.push(ms);
    }

    /// A round trip of `ms` measured on a marker sent `at_s` after the start: counted in the
    /// step in force then.
    pub fn roundtrip(&mut self, at_s: f64, ms: f64) {
        let s = self.step_of(at_s);
        self.steps[s].roundtrips.push(ms);
    }

    /// Live figures of `step`: setup p95, round-trip p95, loss %.
    pub fn live(&self, step: usize) -> (Option<f64>, Option<f64>, Option<f64>) {
        let Some(a) = self.steps.get(step) else {
            return (None, None, None);
        };
        let loss = (a.expected > 0)
            .then(|| a.expected.saturating_sub(a.received) as f64 * 100.0 / a.expected as f64);
        (
            percentile(&a.setups, 95.0),
            percentile(&a.roundtrips, 95.0),
            loss,
        )
    }

    /// A sample, counted in the step in force at its time.
    pub fn sample(&mut self, s: &Sample) {
        let i = self.step_of(s.at_s - s.wall_s / 2.0);
        let a = &mut self.steps[i];
        a.samples += 1;
        a.up_sum += s.up as f64;
        a.up_max = a.up_max.max(s.up);
        a.expected += s.rtp_expected;
        a.received += s.rtp_received;
        a.jitter_sum += s.jitter_sum_ms;
        a.jitter_n += s.jitter_n;
        if s.jitter_n > 0 {
            a.jitter_max = Some(a.jitter_max.unwrap_or(0.0).max(s.jitter_max_ms));
        }
        a.cpu_s += s.cpu_s;
        a.wall_s += s.wall_s;
        for (o, v) in a.others.iter_mut().zip(s.others_cpu_s) {
            *o += v;
        }
    }

    /// The figures of every step, judged against `slo` (`markers`: round trips are measured).
    pub fn reports(&self, slo: &Slo, markers: bool) -> Vec<StepReport> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut r = StepReport {
                    step: i,
                    concurrency: self.plan.steps[i],
                    ..StepReport::default()
                };
                for c in &a.records {
                    r.attempted += 1;
                    match c.outcome {
                        Outcome::Answered => r.answered += 1,
                        Outcome::Refused => {
                            r.refused += 1;
                            *r.refused_by_code.entry(c.code.unwrap_or(0)).or_default() += 1;
                        }
                        Outcome::TimedOut => r.timed_out += 1,
                        Outcome::Failed => r.failed += 1,
                        Outcome::Unfinished => r.unfinished += 1,
                    }
                    match c.audio {
                        Some(AudioVerdict::None) => r.no_audio += 1,
                        Some(AudioVerdict::OneWay) => r.one_way_audio += 1,
                        _ => {}
                    }
                }
                // Calls the run stopped before their answer say nothing about the far end.
                let judged = r.attempted - r.unfinished;
                if judged > 0 {
                    r.answer_percent = Some(r.answered as f64 * 100.0 / judged as f64);
                    let good = r.answered - r.no_audio - r.one_way_audio;
                    r.answered_with_audio_percent = Some(good as f64 * 100.0 / judged as f64);
                }
                r.setup_p50_ms = percentile(&a.setups, 50.0);
                r.setup_p95_ms = percentile(&a.setups, 95.0);
                r.setup_p99_ms = percentile(&a.setups, 99.0);
                r.roundtrips = a.roundtrips.len() as u64;
                r.roundtrip_p50_ms = percentile(&a.roundtrips, 50.0);
                r.roundtrip_p95_ms = percentile(&a.roundtrips, 95.0);
                r.roundtrip_p99_ms = percentile(&a.roundtrips, 99.0);
                r.rtp_expected = a.expected;
                r.rtp_received = a.received;
                if a.expected > 0 {
                    let lost = a.expected.saturating_sub(a.received);
                    r.loss_percent = Some(lost as f64 * 100.0 / a.expected as f64);
                }
                if a.jitter_n > 0 {
                    r.jitter_mean_ms = Some(a.jitter_sum / a.jitter_n as f64);
                }
                r.jitter_max_ms = a.jitter_max;
                r.mos_p50 = percentile(&a.mos, 50.0);
                r.mos_p5 = percentile(&a.mos, 5.0);
                if a.samples > 0 {
                    r.calls_up_mean = a.up_sum / a.samples as f64;
                }
                r.calls_up_max = a.up_max;
                r.seconds = a.wall_s;
                if a.wall_s > 0.0 {
                    let pct = a.cpu_s * 100.0 / a.wall_s;
                    r.cpu_percent = Some(pct);
                    if r.calls_up_mean >= 1.0 {
                        r.cpu_percent_per_call = Some(pct / r.calls_up_mean);
                    }
                    for (name, cpu) in self.watched.iter().zip(a.others) {
                        r.others_cpu_percent
                            .insert(name.clone(), cpu * 100.0 / a.wall_s);
                    }
                }
                r.slo_misses = slo_misses(&r, slo, markers);
                r.slo_met = r.slo_misses.is_empty();
                r
            })
            .collect()
    }
}

/// Why a step misses the SLO, one short phrase each.
pub fn slo_misses(r: &StepReport, slo: &Slo, markers: bool) -> Vec<String> {
    let mut out = Vec::new();
    match r.answered_with_audio_percent {
        None => out.push("no call was placed".to_string()),
        Some(p) if p < slo.answer_percent => out.push(format!(
            "{} of {} calls answered with audio both ways ({p:.1} % < {} %)",
            r.answered - r.no_audio - r.one_way_audio,
            r.attempted - r.unfinished,
            slo.answer_percent
        )),
        Some(_) => {}
    }
    if markers && r.answered > 0 {
        match r.roundtrip_p95_ms {
            None => out.push("no audio round trip was measured".to_string()),
            Some(p) if p > slo.roundtrip_p95_ms => out.push(format!(
                "round trip p95 {p:.0} ms > {} ms",
                slo.roundtrip_p95_ms
            )),
            Some(_) => {}
        }
    }
    if let Some(l) = r.loss_percent.filter(|l| *l > slo.loss_percent) {
        out.push(format!("RTP loss {l:.2} % > {} %", slo.loss_percent));
    }
    out
}

/// The highest-concurrency step that met the SLO.
pub fn best_step(steps: &[StepReport]) -> Option<&StepReport> {
    steps
        .iter()
        .filter(|s| s.slo_met)
        .max_by_key(|s| (s.concurrency, s.step))
}

/// An SVG chart of the steps: answer ratio, setup p95 and round-trip p95 against the target
/// concurrency, with the SLO bounds dashed.
pub fn chart_svg(steps: &[StepReport], slo: &Slo) -> String {
    use crate::util::svg::{document, Panel};
    let xs: Vec<f64> = steps.iter().map(|s| s.concurrency as f64).collect();
    let col = |f: &dyn Fn(&StepReport) -> Option<f64>| -> Vec<Option<f64>> {
        steps.iter().map(f).collect()
    };
    let panels = [
        Panel {
            title: "answered with audio both ways (%)",
            ys: col(&|s| s.answered_with_audio_percent),
            bound: Some(slo.answer_percent),
            y_floor: None,
        },
        Panel {
            title: "setup time INVITE -> 200, p95 (ms)",
            ys: col(&|s| s.setup_p95_ms),
            bound: None,
            y_floor: Some(0.0),
        },
        Panel {
            title: "audio round trip p95 (ms)",
            ys: col(&|s| s.roundtrip_p95_ms),
            bound: Some(slo.roundtrip_p95_ms),
            y_floor: Some(0.0),
        },
    ];
    document(
        "vcctl load: figures per step against concurrency (SLO bounds dashed)",
        "concurrent calls",
        &xs,
        &panels,
    )
}

/// The live figures for the progress line.
#[derive(Debug, Clone, Default)]
pub struct Live {
    pub elapsed_s: f64,
    pub step: usize,
    pub steps: usize,
    pub target: u32,
    pub in_progress: u64,
    pub up: u64,
    pub answered: u64,
    pub failed: u64,
    pub setup_p95_ms: Option<f64>,
    pub roundtrip_p95_ms: Option<f64>,
    pub loss_percent: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn fixed_run_keeps_the_concurrency_until_the_total_is_placed() {
        let t0 = Instant::now();
        let mut s = Scheduler::new(
            LoadPlan {
                steps: vec![10],
                step_secs: None,
                total_calls: Some(25),
                rate: None,
            },
            t0,
        );
        assert_eq!(s.poll(t0, 0), 10);
        assert_eq!(s.poll(t0 + t(5), 10), 0);
        // Three ended: three more.
        assert_eq!(s.poll(t0 + t(900), 7), 3);
        assert_eq!(s.poll(t0 + t(1000), 0), 10);
        // Only two are left of 25.
        assert_eq!(s.poll(t0 + t(2000), 0), 2);
        assert!(s.done_starting(t0 + t(2000)));
        assert_eq!(s.poll(t0 + t(3000), 0), 0);
        assert_eq!(s.started(), 25);
        assert!(!s.ramp_over(t0 + t(999_000)));
        assert_eq!(s.next_wake(t0 + t(3000)), None);
    }

    #[test]
    fn the_rate_spaces_calls_evenly_without_bursting_after_a_pause() {
        let t0 = Instant::now();
        let mut s = Scheduler::new(
            LoadPlan {
                steps: vec![100],
                step_secs: None,
                total_calls: None,
                rate: Some(10.0),
            },
            t0,
        );
        // 10 calls/s: one now, then one each 100 ms.
        let mut placed = 0;
        let mut at = Vec::new();
        for ms in (0..1000).step_by(10) {
            let n = s.poll(t0 + t(ms), placed);
            if n > 0 {
                at.push(ms);
            }
            placed += n;
        }
        assert_eq!(placed, 10, "{at:?}");
        assert_eq!(at, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
        assert_eq!(s.next_wake(t0 + t(950)), Some(t0 + t(1000)));
        // At the concurrency: nothing, and no credit piles up meanwhile.
        assert_eq!(s.poll(t0 + t(5000), 100), 0);
        assert_eq!(s.poll(t0 + t(9000), 90), 1);
        assert_eq!(s.poll(t0 + t(9010), 91), 0);
        assert_eq!(s.poll(t0 + t(9100), 91), 1);
    }

    #[test]
    fn a_ramp_raises_the_concurrency_step_by_step_then_ends() {
        let t0 = Instant::now();
        let plan = LoadPlan {
            steps: vec![5, 20, 50],
            step_secs: Some(Duration::from_secs(10)),
            total_calls: None,
            rate: None,
        };
        assert_eq!(plan.step_at(t(9_999)), 0);
        assert_eq!(plan.step_at(t(10_000)), 1);
        assert_eq!(plan.step_at(t(99_000)), 2);
        assert_eq!(plan.ramp_length(), Some(Duration::from_secs(30)));
        let mut s = Scheduler::new(plan, t0);
        assert_eq!(s.poll(t0, 0), 5);
        assert_eq!(s.next_wake(t0 + t(1)), Some(t0 + t(10_000)));
        assert_eq!(s.poll(t0 + t(9_000), 5), 0);
        assert_eq!(s.poll(t0 + t(10_000), 5), 15);
        assert_eq!(s.step_at(t0 + t(25_000)), 2);
        assert_eq!(s.poll(t0 + t(25_000), 18), 32);
        assert!(!s.ramp_over(t0 + t(29_999)));
        assert!(s.ramp_over(t0 + t(30_000)));
        assert_eq!(s.poll(t0 + t(30_000), 0), 0);
        assert!(s.done_starting(t0 + t(30_000)));
        let mut s2 = s.clone();
        s2.stop();
        assert!(s2.done_starting(t0));
    }

    fn rec(
        step: usize,
        outcome: Outcome,
        setup: Option<f64>,
        audio: Option<AudioVerdict>,
    ) -> CallRecord {
        CallRecord {
            index: 0,
            step,
            call_id: "x".into(),
            started_s: 0.0,
            outcome,
            code: (outcome == Outcome::Refused).then_some(503),
            reason: None,
            setup_ms: setup,
            media_seconds: 1.0,
            rtp_sent: 50,
            rtp_received: 50,
            rtp_expected: 50,
            loss_percent: 0.0,
            jitter_mean_ms: 0.1,
            jitter_max_ms: 0.2,
            markers_sent: 1,
            markers_found: 1,
            roundtrip_median_ms: None,
            roundtrips: vec![],
            audio,
            mos: None,
        }
    }

    #[test]
    fn steps_count_outcomes_percentiles_loss_cpu_and_slo() {
        let plan = LoadPlan {
            steps: vec![10, 20],
            step_secs: Some(Duration::from_secs(10)),
            total_calls: None,
            rate: None,
        };
        let mut tally = Tally::new(plan, vec!["asterisk".into()]);
        let ok = Some(AudioVerdict::TwoWay);
        for k in 0..100 {
            // MOS 4.4 on 95 calls, 2.0 + k/100 on the five worst.
            let mos = if k < 5 { 2.0 + k as f64 / 100.0 } else { 4.4 };
            tally.record(&CallRecord {
                mos: Some(mos),
                ..rec(0, Outcome::Answered, Some(k as f64 + 1.0), ok)
            });
            tally.setup(0, k as f64 + 1.0);
            // Round trips: one sent in step 0, one in step 1 (a call that lives on).
            tally.roundtrip(5.0, 100.0 + k as f64);
            tally.roundtrip(15.0, 300.0);
        }
        tally.record(&rec(
            1,
            Outcome::Answered,
            Some(5.0),
            Some(AudioVerdict::OneWay),
        ));
        tally.record(&rec(
            1,
            Outcome::Answered,
            Some(5.0),
            Some(AudioVerdict::None),
        ));
        tally.setup(1, 5.0);
        tally.setup(1, 5.0);
        tally.record(&rec(1, Outcome::Refused, None, None));
        tally.record(&rec(1, Outcome::TimedOut, None, None));
        tally.record(&rec(1, Outcome::Unfinished, None, None));
        for k in 0..10 {
            let mut others = [0.0; MAX_WATCHED];
            others[0] = 0.5;
            tally.sample(&Sample {
                at_s: k as f64 + 1.0,
                in_progress: 10,
                up: 10,
                rtp_expected: 500,
                rtp_received: 500,
                jitter_sum_ms: 5.0,
                jitter_n: 10,
                jitter_max_ms: 0.9,
                cpu_s: 0.1,
                wall_s: 1.0,
                others_cpu_s: others,
            });
        }
        tally.sample(&Sample {
            at_s: 11.0,
            up: 20,
            rtp_expected: 1000,
            rtp_received: 990,
            wall_s: 1.0,
            cpu_s: 0.2,
            ..Sample::default()
        });
        let slo = Slo::default();
        let (setup, rt, loss) = tally.live(1);
        assert_eq!((setup, rt, loss), (Some(5.0), Some(300.0), Some(1.0)));
        assert_eq!(tally.live(9), (None, None, None));
        let r = tally.reports(&slo, true);
        let s0 = &r[0];
        assert_eq!((s0.attempted, s0.answered, s0.refused), (100, 100, 0));
        assert_eq!(s0.answer_percent, Some(100.0));
        assert_eq!(s0.setup_p50_ms, Some(50.0));
        assert_eq!(s0.setup_p95_ms, Some(95.0));
        assert_eq!(s0.roundtrips, 100);
        assert_eq!(s0.roundtrip_p50_ms, Some(149.0));
        assert_eq!(s0.loss_percent, Some(0.0));
        assert_eq!(s0.jitter_mean_ms, Some(0.5));
        // Nearest rank 5 of 100: the best of the five bad calls.
        assert_eq!((s0.mos_p50, s0.mos_p5), (Some(4.4), Some(2.04)));
        assert_eq!(r[1].mos_p50, None);
        assert_eq!(s0.jitter_max_ms, Some(0.9));
        assert_eq!(s0.calls_up_mean, 10.0);
        assert!((s0.cpu_percent.unwrap() - 10.0).abs() < 1e-9);
        assert!((s0.cpu_percent_per_call.unwrap() - 1.0).abs() < 1e-9);
        assert!((s0.others_cpu_percent["asterisk"] - 50.0).abs() < 1e-9);
        assert!(s0.slo_met, "{:?}", s0.slo_misses);
        let s1 = &r[1];
        assert_eq!(
            (
                s1.attempted,
                s1.answered,
                s1.refused,
                s1.timed_out,
                s1.unfinished
            ),
            (5, 2, 1, 1, 1)
        );
        assert_eq!(s1.refused_by_code[&503], 1);
        assert_eq!((s1.no_audio, s1.one_way_audio), (1, 1));
        assert_eq!(s1.answer_percent, Some(50.0));
        assert_eq!(s1.answered_with_audio_percent, Some(0.0));
        assert_eq!(s1.roundtrips, 100);
        assert_eq!(s1.roundtrip_p95_ms, Some(300.0));
        assert_eq!(s1.loss_percent, Some(1.0));
        assert!(!s1.slo_met);
        assert_eq!(s1.slo_misses.len(), 2, "{:?}", s1.slo_misses);
        assert!(s1.slo_misses[0].starts_with("0 of 4 calls answered with audio"));
        assert!(s1.slo_misses[1].starts_with("RTP loss 1.00 %"));
        assert_eq!(best_step(&r).map(|s| s.step), Some(0));
        // The round-trip bound, and a step without measurements.
        let strict = Slo {
            roundtrip_p95_ms: 150.0,
            ..slo
        };
        let r = tally.reports(&strict, true);
        assert!(
            r[0].slo_misses[0].starts_with("round trip p95 19"),
            "{:?}",
            r[0].slo_misses
        );
        assert_eq!(best_step(&r), None);
        let empty = Tally::new(
            LoadPlan {
                steps: vec![1],
                step_secs: None,
                total_calls: Some(1),
                rate: None,
            },
            vec![],
        );
        let e = &empty.reports(&slo, true)[0];
        assert_eq!(e.slo_misses, ["no call was placed"]);
        assert_eq!(e.answer_percent, None);
    }

    #[test]
    fn audio_verdicts() {
        assert_eq!(audio_verdict(0, 5, 0), AudioVerdict::None);
        assert_eq!(audio_verdict(100, 5, 0), AudioVerdict::OneWay);
        assert_eq!(audio_verdict(100, 5, 1), AudioVerdict::TwoWay);
        assert_eq!(audio_verdict(100, 0, 0), AudioVerdict::TwoWay);
    }

    #[test]
    fn the_chart_draws_each_figure_against_concurrency() {
        let steps: Vec<StepReport> = [(25, 100.0, 12.0, 330.0), (50, 99.0, 40.0, 620.0)]
            .iter()
            .enumerate()
            .map(|(i, &(c, a, s, rt))| StepReport {
                step: i,
                concurrency: c,
                answered_with_audio_percent: Some(a),
                setup_p95_ms: Some(s),
                roundtrip_p95_ms: Some(rt),
                ..StepReport::default()
            })
            .collect();
        let svg = chart_svg(&steps, &Slo::default());
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 3);
        assert!(svg.contains("setup time INVITE -&gt; 200, p95 (ms)"));
        assert!(svg.contains(">620<") && svg.contains(">25<") && svg.contains(">50<"));
        assert_eq!(svg.matches("stroke-dasharray").count(), 2);
    }
}
