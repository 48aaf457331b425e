//! A tiny Prometheus registry: counters, gauges and fixed-bucket histograms with labels,
//! rendered in the text exposition format 0.0.4. No external crates.
//!
//! Register families once at startup and keep the handles; a handle for one label set
//! ([`Counter`], [`Gauge`], [`Histogram`]) is an `Arc` around atomics, so `inc_by` is a single
//! relaxed atomic add with no lock and no allocation. Looking a label set up
//! (`CounterVec::with`) takes a mutex: do it once per call, not per packet.
//!
//! Naming (checked loosely, see [`Registry`]): `vcctl_` prefix, base units (`_seconds`,
//! `_bytes`), counters end in `_total`. Registration mistakes (bad names, one name registered
//! twice with different kinds or labels, wrong number of label values) are programming errors
//! and panic with a message naming the metric.
//!
//! Why not `prometheus-client` (judged for issue #16): it renders only OpenMetrics text (a
//! `# EOF` line, `_total` added to counter names by the crate, an
//! `application/openmetrics-text` content type), while serve's `/metrics`, and the tests that
//! check it with `prom_text` (a strict 0.0.4 parser, which the crate does not provide), are
//! built on the Prometheus 0.0.4 text format. Switching changes the format every scraper of
//! serve reads, to save about 400 lines; the hot path is an atomic add on a held handle in
//! both, so no cost difference was measured.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Default latency buckets in seconds (20 ms frames up to 10 s).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// A monotonically increasing integer count.
#[derive(Debug, Clone, Default)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    #[inline]
    pub fn inc(&self) {
        self.inc_by(1);
    }
    #[inline]
    pub fn inc_by(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A value that goes up and down (f64, stored as bits).
#[derive(Debug, Clone, Default)]
pub struct Gauge(Arc<AtomicU64>);

impl Gauge {
    pub fn set(&self, v: f64) {
        self.0.store(v.to_bits(), Ordering::Relaxed);
    }
    pub fn add(&self, d: f64) {
        add_f64(&self.0, d);
    }
    pub fn inc(&self) {
        self.add(1.0);
    }
    pub fn dec(&self) {
        self.add(-1.0);
    }
    pub fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

fn add_f64(cell: &AtomicU64, d: f64) {
    let mut cur = cell.load(Ordering::Relaxed);
    loop {
        let new = (f64::from_bits(cur) + d).to_bits();
        match cell.compare_exchange_weak(cur, new, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return,
            Err(actual) => cur = actual,
        }
    }
}

#[derive(Debug)]
struct HistogramInner {
    bounds: Arc<[f64]>,
    /// Per-bucket (non-cumulative) counts; the last slot is the +Inf overflow.
    buckets: Box<[AtomicU64]>,
    sum: AtomicU64,
}

/// Observations counted into fixed buckets, plus their sum and count.
#[derive(Debug, Clone)]
pub struct Histogram(Arc<HistogramInner>);

impl Histogram {
    fn new(bounds: Arc<[f64]>) -> Self {
        let buckets = (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect();
        Histogram(Arc::new(HistogramInner {
            bounds,
            buckets,
            sum: AtomicU64::new(0f64.to_bits()),
        }))
    }

    /// Count one observation (NaN is ignored).
    pub fn observe(&self, v: f64) {
        if v.is_nan() {
            return;
        }
        let i = self.0.bounds.partition_point(|b| *b < v);
        self.0.buckets[i].fetch_add(1, Ordering::Relaxed);
        add_f64(&self.0.sum, v);
    }

    pub fn count(&self) -> u64 {
        self.0
            .buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .sum()
    }

    pub fn sum(&self) -> f64 {
        f64::from_bits(self.0.sum.load(Ordering::Relaxed))
    }
}

#[derive(Debug, Clone)]
enum Series {
    Counter(Counter),
    Gauge(Gauge),
    Histogram(Histogram),
}

#[derive(Debug)]
struct Family {
    name: String,
    help: String,
    kind: Kind,
    labels: Vec<String>,
    bounds: Arc<[f64]>,
    series: BTreeMap<Vec<String>, Series>,
}

impl Family {
    fn get_or_create(&mut self, values: &[&str]) -> Series {
        assert_eq!(
            values.len(),
            self.labels.len(),
            "metric {}: {} label values given for labels {:?}",
            self.name,
            values.len(),
            self.labels
        );
        let key: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        let bounds = self.bounds.clone();
        let kind = self.kind;
        self.series
            .entry(key)
            .or_insert_with(|| match kind {
                Kind::Counter => Series::Counter(Counter::default()),
                Kind::Gauge => Series::Gauge(Gauge::default()),
                Kind::Histogram => Series::Histogram(Histogram::new(bounds)),
            })
            .clone()
    }
}

type Families = Arc<Mutex<Vec<Family>>>;

/// The registry: a cheap clonable handle shared by serve's tasks and the HTTP API.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    families: Families,
}

fn lock(f: &Families) -> MutexGuard<'_, Vec<Family>> {
    // A panic while holding the lock cannot leave a family half-updated in a way that
    // matters for metrics; keep serving them.
    f.lock().unwrap_or_else(|e| e.into_inner())
}

fn valid_metric_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn valid_label_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !n.starts_with("__")
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    fn register(
        &self,
        name: &str,
        help: &str,
        kind: Kind,
        labels: &[&str],
        bounds: &[f64],
    ) -> usize {
        assert!(valid_metric_name(name), "metric name '{name}' is not valid");
        if kind == Kind::Counter {
            assert!(
                name.ends_with("_total"),
                "counter '{name}' must end in _total"
            );
        }
        for l in labels {
            assert!(
                valid_label_name(l),
                "metric {name}: label '{l}' is not valid"
            );
            assert!(
                !(kind == Kind::Histogram && *l == "le"),
                "histogram {name} may not use the label 'le'"
            );
        }
        if kind == Kind::Histogram {
            assert!(
                !bounds.is_empty()
                    && bounds.windows(2).all(|w| w[0] < w[1])
                    && bounds.iter().all(|b| b.is_finite()),
                "histogram {name}: buckets must be finite and strictly increasing"
            );
        }
        let mut fams = lock(&self.families);
        let clash = |f: &Family| {
            [
                format!("{name}_bucket"),
                format!("{name}_sum"),
                format!("{name}_count"),
            ]
            .contains(&f.name)
                || (f.kind == Kind::Histogram
                    && [
                        format!("{}_bucket", f.name),
                        format!("{}_sum", f.name),
                        format!("{}_count", f.name),
                    ]
                    .iter()
                    .any(|s| s == name))
        };
        if let Some(i) = fams.iter().position(|f| f.name == name) {
            let f = &fams[i];
            assert!(
                f.kind == kind && f.labels == labels && *f.bounds == *bounds,
                "metric {name} registered twice with different kind, labels or buckets"
            );
            return i;
        }
        assert!(
            !fams.iter().any(clash),
            "metric {name} collides with a histogram's series names"
        );
        let mut fam = Family {
            name: name.to_string(),
            help: help.to_string(),
            kind,
            labels: labels.iter().map(|s| s.to_string()).collect(),
            bounds: bounds.into(),
            series: BTreeMap::new(),
        };
        if labels.is_empty() {
            // Unlabelled metrics exist from the start (showing 0), as Prometheus expects.
            fam.get_or_create(&[]);
        }
        fams.push(fam);
        fams.len() - 1
    }

    /// An unlabelled counter (registering the same name again returns the same counter).
    pub fn counter(&self, name: &str, help: &str) -> Counter {
        self.counter_vec(name, help, &[]).with(&[])
    }

    pub fn counter_vec(&self, name: &str, help: &str, labels: &[&str]) -> CounterVec {
        let index = self.register(name, help, Kind::Counter, labels, &[]);
        CounterVec(VecHandle {
            families: self.families.clone(),
            index,
        })
    }

    pub fn gauge(&self, name: &str, help: &str) -> Gauge {
        self.gauge_vec(name, help, &[]).with(&[])
    }

    pub fn gauge_vec(&self, name: &str, help: &str, labels: &[&str]) -> GaugeVec {
        let index = self.register(name, help, Kind::Gauge, labels, &[]);
        GaugeVec(VecHandle {
            families: self.families.clone(),
            index,
        })
    }

    /// `buckets`: finite, strictly increasing upper bounds; `+Inf` is added on output.
    pub fn histogram(&self, name: &str, help: &str, buckets: &[f64]) -> Histogram {
        self.histogram_vec(name, help, &[], buckets).with(&[])
    }

    pub fn histogram_vec(
        &self,
        name: &str,
        help: &str,
        labels: &[&str],
        buckets: &[f64],
    ) -> HistogramVec {
        let index = self.register(name, help, Kind::Histogram, labels, buckets);
        HistogramVec(VecHandle {
            families: self.families.clone(),
            index,
        })
    }

    /// Everything in the text exposition format 0.0.4, families in registration order.
    pub fn render(&self) -> String {
        let fams = lock(&self.families);
        let mut out = String::with_capacity(4096);
        for f in fams.iter() {
            let _ = writeln!(out, "# HELP {} {}", f.name, escape_help(&f.help));
            let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind.as_str());
            for (values, series) in &f.series {
                let labels = label_pairs(&f.labels, values);
                match series {
                    Series::Counter(c) => {
                        let _ = writeln!(out, "{}{} {}", f.name, braces(&labels), c.get());
                    }
                    Series::Gauge(g) => {
                        let _ = writeln!(out, "{}{} {}", f.name, braces(&labels), fmt_f64(g.get()));
                    }
                    Series::Histogram(h) => render_histogram(&mut out, &f.name, &labels, h),
                }
            }
        }
        out
    }
}

fn render_histogram(out: &mut String, name: &str, labels: &str, h: &Histogram) {
    // _count is the sum of the bucket counts read once, so +Inf == _count always holds even
    // while other threads observe; _sum may include an observation or two more or less.
    let mut cumulative = 0u64;
    let counts: Vec<u64> =
        h.0.buckets
            .iter()
            .map(|b| b.load(Ordering::Relaxed))
            .collect();
    let sum = h.sum();
    let total: u64 = counts.iter().sum();
    let sep = if labels.is_empty() { "" } else { "," };
    for (i, bound) in h.0.bounds.iter().enumerate() {
        cumulative += counts[i];
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"{}\"}} {cumulative}",
            fmt_f64(*bound)
        );
    }
    let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {total}");
    let _ = writeln!(out, "{name}_sum{} {}", braces(labels), fmt_f64(sum));
    let _ = writeln!(out, "{name}_count{} {total}", braces(labels));
}

fn braces(labels: &str) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    }
}

fn label_pairs(names: &[String], values: &[String]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}=\"{}\"", escape_label_value(v)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Label values escape `\`, `"` and newline.
pub fn escape_label_value(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// HELP text escapes `\` and newline.
pub fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Sample values as Prometheus reads them: `+Inf`, `-Inf`, `NaN`, else a plain decimal.
pub fn fmt_f64(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        format!("{v}")
    }
}

#[derive(Debug, Clone)]
struct VecHandle {
    families: Families,
    index: usize,
}

impl VecHandle {
    fn with(&self, values: &[&str]) -> Series {
        lock(&self.families)[self.index].get_or_create(values)
    }
    fn remove(&self, values: &[&str]) -> bool {
        let key: Vec<String> = values.iter().map(|s| s.to_string()).collect();
        lock(&self.families)[self.index]
            .series
            .remove(&key)
            .is_some()
    }
}

macro_rules! vec_type {
    ($vec:ident, $one:ident) => {
        /// A labelled family; `with` returns (creating if needed) the series for the values.
        #[derive(Debug, Clone)]
        pub struct $vec(VecHandle);

        impl $vec {
            /// The series for these label values, in the order the labels were registered.
            /// Takes a lock: look up once and keep the handle.
            pub fn with(&self, values: &[&str]) -> $one {
                match self.0.with(values) {
                    Series::$one(s) => s,
                    _ => unreachable!("family kind is fixed at registration"),
                }
            }
            /// Drop one label set from the output (e.g. when a per-call series ends).
            pub fn remove(&self, values: &[&str]) -> bool {
                self.0.remove(values)
            }
            /// Every series with its label values (e.g. for a summary).
            pub fn series(&self) -> Vec<(Vec<String>, $one)> {
                lock(&self.0.families)[self.0.index]
                    .series
                    .iter()
                    .filter_map(|(k, s)| match s {
                        Series::$one(x) => Some((k.clone(), x.clone())),
                        _ => None,
                    })
                    .collect()
            }
        }
    };
}

vec_type!(CounterVec, Counter);
vec_type!(GaugeVec, Gauge);
vec_type!(HistogramVec, Histogram);

#[cfg(test)]
pub(crate) use crate::metrics::prom_text as text_format;

#[cfg(test)]
mod tests {
    use super::text_format::parse;
    use super::*;

    fn value(samples: &[text_format::Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
        text_format::value(samples, name, labels)
            .unwrap_or_else(|| panic!("no sample {name} {labels:?}"))
    }

    #[test]
    fn counters_gauges_and_histograms_render_in_valid_text_format() {
        let r = Registry::new();
        let calls = r.counter_vec(
            "vcctl_calls_total",
            "Calls ended, by outcome.",
            &["outcome"],
        );
        calls.with(&["completed"]).inc_by(3);
        calls.with(&["error"]).inc();
        let active = r.gauge("vcctl_active_calls", "Calls in progress.");
        active.inc();
        active.inc();
        active.dec();
        let lat = r.histogram_vec(
            "vcctl_agent_first_audio_seconds",
            "Time from the caller's answer to the agent's first audio.",
            &["profile"],
            &[0.5, 1.0, 2.0],
        );
        let h = lat.with(&["sales"]);
        for v in [0.2, 0.5, 0.7, 1.5, 9.0] {
            h.observe(v);
        }
        let weird = r.counter_vec(
            "vcctl_weird_total",
            "Help with a back\\slash\nand a newline.",
            &["v"],
        );
        weird.with(&["quote \" slash \\ nl \n end"]).inc();
        let text = r.render();
        let s = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            value(&s, "vcctl_calls_total", &[("outcome", "completed")]),
            3.0
        );
        assert_eq!(value(&s, "vcctl_calls_total", &[("outcome", "error")]), 1.0);
        assert_eq!(value(&s, "vcctl_active_calls", &[]), 1.0);
        let b = |le| {
            value(
                &s,
                "vcctl_agent_first_audio_seconds_bucket",
                &[("profile", "sales"), ("le", le)],
            )
        };
        assert_eq!((b("0.5"), b("1"), b("2"), b("+Inf")), (2.0, 3.0, 4.0, 5.0));
        assert_eq!(
            value(
                &s,
                "vcctl_agent_first_audio_seconds_count",
                &[("profile", "sales")]
            ),
            5.0
        );
        let sum = value(
            &s,
            "vcctl_agent_first_audio_seconds_sum",
            &[("profile", "sales")],
        );
        assert!((sum - 11.9).abs() < 1e-9);
        assert_eq!(
            value(
                &s,
                "vcctl_weird_total",
                &[("v", "quote \" slash \\ nl \n end")]
            ),
            1.0
        );
        assert!(text.contains("# TYPE vcctl_calls_total counter\n"));
        assert!(
            text.contains("# HELP vcctl_weird_total Help with a back\\\\slash\\nand a newline.\n")
        );
        assert!(text.contains("le=\"+Inf\""));
    }

    #[test]
    fn registration_is_idempotent_and_series_can_be_removed() {
        let r = Registry::new();
        let a = r.counter("vcctl_x_total", "x");
        let b = r.counter("vcctl_x_total", "x");
        a.inc_by(2);
        assert_eq!(b.get(), 2);
        let g = r.gauge_vec("vcctl_call_jitter_seconds", "jitter", &["call"]);
        g.with(&["c1"]).set(0.25);
        assert!(r
            .render()
            .contains("vcctl_call_jitter_seconds{call=\"c1\"} 0.25\n"));
        assert!(g.remove(&["c1"]));
        assert!(!r.render().contains("c1"));
        parse(&r.render()).unwrap();
        // An empty registry is valid too.
        parse(&Registry::new().render()).unwrap();
    }

    #[test]
    #[should_panic(expected = "must end in _total")]
    fn counters_must_end_in_total() {
        Registry::new().counter("vcctl_packets", "p");
    }

    #[test]
    #[should_panic(expected = "registered twice")]
    fn conflicting_registration_panics() {
        let r = Registry::new();
        r.counter("vcctl_y_total", "y");
        r.counter_vec("vcctl_y_total", "y", &["a"]);
    }

    #[test]
    fn concurrent_increments_are_not_lost() {
        let r = Registry::new();
        let c = r
            .counter_vec("vcctl_rtp_packets_total", "p", &["direction"])
            .with(&["in"]);
        let h = r.histogram("vcctl_h_seconds", "h", LATENCY_BUCKETS);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (c, h) = (c.clone(), h.clone());
                std::thread::spawn(move || {
                    for _ in 0..10_000 {
                        c.inc();
                        h.observe(0.1);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(c.get(), 80_000);
        assert_eq!(h.count(), 80_000);
        assert!((h.sum() - 8000.0).abs() < 1e-6);
        parse(&r.render()).unwrap();
    }

    #[test]
    fn the_strict_parser_rejects_broken_text() {
        for bad in [
            "x 1\n",                                       // sample before TYPE
            "# TYPE x counter\nx{a=\"b} 1\n",              // unterminated
            "# TYPE x counter\nx{a=\"\\q\"} 1\n",          // bad escape
            "# TYPE x counter\nx one\n",                   // bad value
            "# TYPE x counter\ny 1\n",                     // wrong family
            "# TYPE x counter\nx 1\nx 2\n",                // duplicate
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
            "# TYPE x counter\nx 1",                       // no final newline
        ] {
            assert!(parse(bad).is_err(), "accepted: {bad:?}");
        }
    }
}
