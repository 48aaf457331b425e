//! Summary statistics of call records (`vcctl calls stats`): percentiles and per-profile
//! aggregates. Pure: records in, figures out.

use std::collections::BTreeMap;

use serde::Serialize;

/// The `p`-th percentile (0..=100) of `values`, nearest rank: the value at rank
/// `ceil(p/100 x n)` (at least 1) of the `n` values sorted ascending, so every percentile is
/// one of the samples. The one definition vcctl uses for every percentile and median it
/// reports (calls stats, latency-report, the SIP test call's round trips, bench); see
/// docs/metrics.md. `None` for no values; NaNs are ignored.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(percentile_sorted(&v, p))
}

/// [`percentile`] of values already sorted ascending (not empty, no NaN).
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    sorted[nearest_rank(sorted.len(), p) - 1]
}

/// The 1-based nearest rank of the `p`-th percentile (0..=100; NaN counts as 100) among `n`
/// sorted values (`n` > 0): `ceil(p/100 x n)`, clamped to 1..=n. Histograms that keep
/// buckets instead of samples ([`crate::media::pacer::PacingStats`]) pick their bucket by it.
pub fn nearest_rank(n: usize, p: f64) -> usize {
    let p = if p.is_nan() {
        100.0
    } else {
        p.clamp(0.0, 100.0)
    };
    ((p / 100.0 * n as f64).ceil() as usize).clamp(1, n.max(1))
}

/// What [`summarize`] needs of one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallSample {
    /// Agent profile (`None`: no profile was chosen, e.g. no route).
    pub profile: Option<String>,
    /// The call has an outcome (it is not in progress).
    pub finished: bool,
    /// The outcome is `completed`.
    pub completed: bool,
    pub duration_seconds: Option<f64>,
    /// End of caller speech to first agent audio, each response of the call (ms).
    pub response_ms: Vec<f64>,
}

/// Figures of one profile, or of all calls (`profile` = [`ALL_PROFILES`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProfileStats {
    pub profile: String,
    /// Calls, finished or not.
    pub calls: u64,
    pub in_progress: u64,
    pub completed: u64,
    /// completed / finished calls; `None` when none has finished.
    pub success_rate: Option<f64>,
    pub duration_p50_seconds: Option<f64>,
    pub duration_p95_seconds: Option<f64>,
    /// Agent responses measured, and their latency percentiles.
    pub responses: u64,
    pub response_p50_ms: Option<f64>,
    pub response_p95_ms: Option<f64>,
}

/// Name of the row covering every call.
pub const ALL_PROFILES: &str = "(all)";
/// Name shown for calls that never got a profile.
pub const NO_PROFILE: &str = "(none)";

#[derive(Default)]
struct Acc {
    calls: u64,
    finished: u64,
    completed: u64,
    durations: Vec<f64>,
    responses: Vec<f64>,
}

impl Acc {
    fn add(&mut self, c: &CallSample) {
        self.calls += 1;
        if c.finished {
            self.finished += 1;
            if let Some(d) = c.duration_seconds.filter(|d| d.is_finite()) {
                self.durations.push(d);
            }
        }
        if c.completed {
            self.completed += 1;
        }
        self.responses
            .extend(c.response_ms.iter().copied().filter(|r| r.is_finite()));
    }

    fn into_stats(self, profile: String) -> ProfileStats {
        ProfileStats {
            profile,
            calls: self.calls,
            in_progress: self.calls - self.finished,
            completed: self.completed,
            success_rate: (self.finished > 0).then(|| self.completed as f64 / self.finished as f64),
            duration_p50_seconds: percentile(&self.durations, 50.0),
            duration_p95_seconds: percentile(&self.durations, 95.0),
            responses: self.responses.len() as u64,
            response_p50_ms: percentile(&self.responses, 50.0),
            response_p95_ms: percentile(&self.responses, 95.0),
        }
    }
}

/// One row per profile (by name), then one for all calls when there are any.
pub fn summarize(calls: &[CallSample]) -> Vec<ProfileStats> {
    let mut by: BTreeMap<String, Acc> = BTreeMap::new();
    let mut all = Acc::default();
    for c in calls {
        let name = c.profile.clone().unwrap_or_else(|| NO_PROFILE.to_string());
        by.entry(name).or_default().add(c);
        all.add(c);
    }
    let mut out: Vec<ProfileStats> = by.into_iter().map(|(p, a)| a.into_stats(p)).collect();
    if !calls.is_empty() {
        out.push(all.into_stats(ALL_PROFILES.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_samples() {
        let v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 100.0), Some(4.0));
        // rank ceil(0.5 x 4) = 2: the lower middle value, not their mean.
        assert_eq!(percentile(&v, 50.0), Some(2.0));
        assert_eq!(percentile(&v, 50.1), Some(3.0));
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&hundred, 95.0), Some(95.0));
        assert_eq!(percentile(&hundred, 99.0), Some(99.0));
        assert_eq!(percentile(&hundred, 99.5), Some(100.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[f64::NAN, 2.0], 50.0), Some(2.0));
        assert_eq!(percentile(&[1.0, 2.0], 250.0), Some(2.0));
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 50.0), Some(2.0));
        assert_eq!(nearest_rank(3, 95.0), 3);
        assert_eq!(nearest_rank(20, 95.0), 19);
        assert_eq!(nearest_rank(5, f64::NAN), 5);
        assert_eq!(nearest_rank(5, -3.0), 1);
    }

    #[test]
    fn profiles_get_counts_success_rate_and_percentiles() {
        let call = |p: Option<&str>, finished, completed, d: f64, r: &[f64]| CallSample {
            profile: p.map(String::from),
            finished,
            completed,
            duration_seconds: finished.then_some(d),
            response_ms: r.to_vec(),
        };
        let calls = [
            call(Some("sales"), true, true, 10.0, &[500.0, 700.0]),
            call(Some("sales"), true, true, 20.0, &[900.0]),
            call(Some("sales"), true, false, 2.0, &[]),
            call(Some("sales"), false, false, 0.0, &[]),
            call(Some("support"), true, true, 60.0, &[300.0]),
            call(None, true, false, 1.0, &[]),
        ];
        let s = summarize(&calls);
        let names: Vec<&str> = s.iter().map(|r| r.profile.as_str()).collect();
        assert_eq!(names, ["(none)", "sales", "support", "(all)"]);
        let sales = &s[1];
        assert_eq!((sales.calls, sales.in_progress, sales.completed), (4, 1, 2));
        assert!((sales.success_rate.unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(sales.duration_p50_seconds, Some(10.0));
        assert_eq!(sales.duration_p95_seconds, Some(20.0));
        assert_eq!(sales.responses, 3);
        assert_eq!(sales.response_p50_ms, Some(700.0));
        let all = &s[3];
        assert_eq!((all.calls, all.completed, all.responses), (6, 3, 4));
        assert!((all.success_rate.unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(s[0].success_rate, Some(0.0));
        assert_eq!(s[0].response_p50_ms, None);
        assert!(summarize(&[]).is_empty());
        let only_live = summarize(&[call(Some("x"), false, false, 0.0, &[])]);
        assert_eq!(only_live[0].success_rate, None);
        assert_eq!(only_live[0].duration_p50_seconds, None);
    }
}
