//! The latency breakdown of the call path (`vcctl latency-report`): the documented components
//! with their ranges, one-way figures derived from call records, percentiles, verdicts, the
//! total against the target, a text bar and an SVG waterfall. Pure: no clock, no I/O.
//!
//! Percentiles are nearest-rank: p-th of n sorted values is the value at rank ceil(p/100 * n).
//! Every reported figure is a real sample; a component without samples has `None` (shown as
//! "no data"), never 0. How each figure is derived: `docs/latency.md`.

use serde::Serialize;
use serde_json::Value;

use super::svg::{self, esc};

/// One row of the documented latency table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ComponentSpec {
    /// Stable key for `--json`.
    pub key: &'static str,
    /// The documented words.
    pub name: &'static str,
    /// Documented one-way range (ms).
    pub min_ms: f64,
    pub max_ms: f64,
}

/// The seven components, in the documented order and words.
pub const COMPONENTS: [ComponentSpec; 7] = [
    spec(
        "network_phone_asterisk",
        "Network (Linphone → Asterisk)",
        5.0,
        30.0,
    ),
    spec(
        "asterisk_sip_processing",
        "Asterisk SIP Processing",
        2.0,
        5.0,
    ),
    spec(
        "asterisk_rtp_forwarding",
        "Asterisk RTP Forwarding",
        2.0,
        8.0,
    ),
    spec("ari_websocket_event", "ARI WebSocket Event", 1.0, 3.0),
    spec("event_handler", "Event Handler (vcctl serve)", 1.0, 5.0),
    spec(
        "network_asterisk_elevenlabs",
        "Network (Asterisk → ElevenLabs)",
        10.0,
        50.0,
    ),
    spec(
        "elevenlabs_processing",
        "ElevenLabs Processing",
        50.0,
        150.0,
    ),
];

/// The documented total row.
pub const TOTAL: ComponentSpec = spec("total", "Total One-Way Latency", 71.0, 251.0);

/// The documented end-to-end target (ms).
pub const DEFAULT_TARGET_MS: f64 = 300.0;

const fn spec(key: &'static str, name: &'static str, min_ms: f64, max_ms: f64) -> ComponentSpec {
    ComponentSpec {
        key,
        name,
        min_ms,
        max_ms,
    }
}

/// Index of each component in [`COMPONENTS`].
pub const NET_PHONE: usize = 0;
pub const SIP_PROC: usize = 1;
pub const RTP_FWD: usize = 2;
pub const ARI_EVENT: usize = 3;
pub const HANDLER: usize = 4;
pub const NET_AGENT: usize = 5;
pub const AGENT_PROC: usize = 6;

/// Measured one-way samples (ms) per component, with where they came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    pub values: [Vec<f64>; 7],
    /// Source of each component's samples, e.g. "records: RTCP round trip / 2".
    pub sources: [Option<String>; 7],
    /// Extra figures shown beside a component (e.g. the ARI REST round trip).
    pub details: [Vec<String>; 7],
    /// ARI REST round trips (ms).
    pub ari_rest_ms: Vec<f64>,
}

impl Samples {
    pub fn push(&mut self, i: usize, v: f64, source: &str) {
        if v.is_finite() {
            self.values[i].push(v);
            if self.sources[i].is_none() {
                self.sources[i] = Some(source.to_string());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Vec::is_empty)
    }

    /// Replace component `i` with other samples (e.g. a probe's instead of the records').
    pub fn set(&mut self, i: usize, values: Vec<f64>, source: &str) {
        self.values[i] = values.into_iter().filter(|v| v.is_finite()).collect();
        self.sources[i] = (!self.values[i].is_empty()).then(|| source.to_string());
    }
}

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64).filter(|x| x.is_finite())
}

fn nums(v: &Value, key: &str) -> Vec<f64> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

/// Samples from the `latency` JSON of call records (serve's `CallLatency`).
///
/// - 1: `caller_rtt_ms / 2` (RTCP round trip of the caller's leg);
/// - 2, 3: call records have no SIP or host-capture view: no samples (use `--probe`);
/// - 4: `ari_event_ms`; the REST round trips `ari_rest_ms` are kept as a detail;
/// - 5: `handler_ms`;
/// - 6: `agent_ping_ms / 2` (the agent's measured round trip), else `agent_tcp_ms / 2`;
/// - 7: each `agent_response_ms` minus twice the call's component 6 (clamped at 0); when the
///   call has no component 6, the response time as measured (an upper bound).
pub fn samples_from_records<'a>(latencies: impl IntoIterator<Item = &'a Value>) -> Samples {
    let mut s = Samples::default();
    for l in latencies {
        if let Some(rtt) = num(l, "caller_rtt_ms") {
            s.push(
                NET_PHONE,
                rtt / 2.0,
                "records: RTCP round trip of the caller leg / 2",
            );
        }
        if let Some(v) = num(l, "ari_event_ms") {
            s.push(ARI_EVENT, v, "records: event timestamp to receipt in serve");
        }
        s.ari_rest_ms.extend(nums(l, "ari_rest_ms"));
        if let Some(v) = num(l, "handler_ms") {
            s.push(HANDLER, v, "records: StasisStart received to media bridged");
        }
        let one_way = match (num(l, "agent_ping_ms"), num(l, "agent_tcp_ms")) {
            (Some(p), _) => {
                s.push(NET_AGENT, p / 2.0, "records: agent ping round trip / 2");
                Some(p / 2.0)
            }
            (None, Some(t)) => {
                s.push(NET_AGENT, t / 2.0, "records: agent TCP connect / 2");
                Some(t / 2.0)
            }
            _ => None,
        };
        for r in nums(l, "agent_response_ms") {
            match one_way {
                Some(w) => s.push(
                    AGENT_PROC,
                    (r - 2.0 * w).max(0.0),
                    "records: end of caller speech to first agent audio - 2 x network",
                ),
                None => s.push(
                    AGENT_PROC,
                    r,
                    "records: end of caller speech to first agent audio (network not known)",
                ),
            }
        }
    }
    if let Some(p) = percentile(&s.ari_rest_ms, 50.0) {
        s.details[ARI_EVENT].push(format!(
            "REST round trip p50 {} ms ({} requests)",
            fmt_ms(p),
            s.ari_rest_ms.len()
        ));
    }
    s
}

/// Nearest-rank percentile; `None` without values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// Where a figure stands against its documented range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Below,
    Within,
    Above,
    NoData,
}

impl Verdict {
    pub fn of(p50: Option<f64>, min: f64, max: f64) -> Verdict {
        match p50 {
            None => Verdict::NoData,
            Some(v) if v < min => Verdict::Below,
            Some(v) if v > max => Verdict::Above,
            Some(_) => Verdict::Within,
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Verdict::Below => "below range",
            Verdict::Within => "within range",
            Verdict::Above => "ABOVE range",
            Verdict::NoData => "no data",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentRow {
    pub key: &'static str,
    pub name: &'static str,
    pub range_ms: [f64; 2],
    pub samples: usize,
    /// `None`: no data.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub verdict: Verdict,
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TotalRow {
    pub name: &'static str,
    pub range_ms: [f64; 2],
    /// Sum of the components' p50s (`None` when no component has data).
    pub p50_ms: Option<f64>,
    /// Sum of the components' p95s.
    pub p95_ms: Option<f64>,
    pub verdict: Verdict,
    /// Components without data, so not in the sums.
    pub missing: Vec<&'static str>,
}

/// The whole breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyReport {
    pub components: Vec<ComponentRow>,
    pub total: TotalRow,
    pub target_ms: f64,
    /// Total p95 above the target (`false` without data).
    pub over_target: bool,
    pub has_data: bool,
}

impl LatencyReport {
    pub fn build(s: &Samples, target_ms: f64) -> LatencyReport {
        let components: Vec<ComponentRow> = COMPONENTS
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p50 = percentile(&s.values[i], 50.0);
                ComponentRow {
                    key: c.key,
                    name: c.name,
                    range_ms: [c.min_ms, c.max_ms],
                    samples: s.values[i].len(),
                    p50_ms: p50,
                    p95_ms: percentile(&s.values[i], 95.0),
                    verdict: Verdict::of(p50, c.min_ms, c.max_ms),
                    source: s.sources[i].clone(),
                    details: s.details[i].clone(),
                }
            })
            .collect();
        let has_data = components.iter().any(|c| c.p50_ms.is_some());
        let sum = |f: fn(&ComponentRow) -> Option<f64>| {
            has_data.then(|| components.iter().filter_map(f).sum::<f64>())
        };
        let p50 = sum(|c| c.p50_ms);
        let p95 = sum(|c| c.p95_ms);
        let total = TotalRow {
            name: TOTAL.name,
            range_ms: [TOTAL.min_ms, TOTAL.max_ms],
            p50_ms: p50,
            p95_ms: p95,
            verdict: Verdict::of(p50, TOTAL.min_ms, TOTAL.max_ms),
            missing: components
                .iter()
                .filter(|c| c.p50_ms.is_none())
                .map(|c| c.name)
                .collect(),
        };
        LatencyReport {
            over_target: p95.is_some_and(|t| t > target_ms),
            components,
            total,
            target_ms,
            has_data,
        }
    }

    /// The largest figure a bar must show (for scaling).
    fn scale_max(&self) -> f64 {
        self.components
            .iter()
            .filter_map(|c| c.p95_ms)
            .fold(0.0, f64::max)
    }
}

/// A figure in ms: one decimal below 100, none above.
pub fn fmt_ms(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// A text bar `width` cells wide at `max`: `█` up to p50, `░` from p50 to p95.
pub fn bar(p50: f64, p95: f64, max: f64, width: usize) -> String {
    if max <= 0.0 {
        return String::new();
    }
    let cells = |v: f64| ((v / max) * width as f64).round().clamp(0.0, width as f64) as usize;
    let a = cells(p50).max(usize::from(p50 > 0.0));
    let b = cells(p95.max(p50)).max(a);
    format!("{}{}", "█".repeat(a), "░".repeat(b - a))
}

/// The bar of a row of `r`, scaled to the report's largest p95.
pub fn row_bar(r: &LatencyReport, row: &ComponentRow, width: usize) -> String {
    match (row.p50_ms, row.p95_ms) {
        (Some(a), Some(b)) => bar(a, b, r.scale_max(), width),
        _ => String::new(),
    }
}

/// An SVG waterfall: one bar per component starting where the previous components' p50s end,
/// solid to its p50 and light to its p95, labelled with name and figures; a final total bar;
/// the target as a dashed vertical line. Components without data are listed as "no data".
pub fn waterfall_svg(r: &LatencyReport) -> String {
    const LABEL_W: f64 = 290.0;
    const PLOT_W: f64 = 560.0;
    const ROW_H: f64 = 30.0;
    const TOP: f64 = 40.0;
    let rows = r.components.len() + 1;
    let height = TOP + ROW_H * rows as f64 + 40.0;
    let width = LABEL_W + PLOT_W + 140.0;
    let end = r.total.p50_ms.unwrap_or(0.0);
    let max = [
        r.target_ms,
        r.total.p95_ms.unwrap_or(0.0),
        end + r.scale_max(),
    ]
    .into_iter()
    .fold(1.0, f64::max)
        * 1.05;
    let x = |ms: f64| LABEL_W + ms / max * PLOT_W;
    let mut s = svg::open(
        width,
        height,
        &format!(
            "One-way latency breakdown (p50 solid, p95 light; target {} ms)",
            fmt_ms(r.target_ms)
        ),
    );
    let mut offset = 0.0;
    for (i, c) in r.components.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        s.push_str(&format!(
            "<text x=\"10\" y=\"{:.1}\">{}</text>\n",
            y + 19.0,
            esc(c.name)
        ));
        match (c.p50_ms, c.p95_ms) {
            (Some(p50), Some(p95)) => {
                let colour = match c.verdict {
                    Verdict::Above => "#d9534f",
                    _ => "#3a7bd5",
                };
                s.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"20\" fill=\"{colour}\" \
                     fill-opacity=\"0.3\"/>\n<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" \
                     height=\"20\" fill=\"{colour}\"><title>{}: p50 {} ms, p95 {} ms, {} \
                     samples</title></rect>\n<text x=\"{:.1}\" y=\"{:.1}\">{} ms (p95 {})</text>\n",
                    x(offset),
                    y + 5.0,
                    (x(offset + p95.max(p50)) - x(offset)).max(1.0),
                    x(offset),
                    y + 5.0,
                    (x(offset + p50) - x(offset)).max(1.0),
                    esc(c.name),
                    fmt_ms(p50),
                    fmt_ms(p95),
                    c.samples,
                    x(offset + p95.max(p50)) + 6.0,
                    y + 19.0,
                    fmt_ms(p50),
                    fmt_ms(p95),
                ));
                offset += p50;
            }
            _ => s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#888\" font-style=\"italic\">no data</text>\n",
                x(offset) + 4.0,
                y + 19.0
            )),
        }
    }
    let y = TOP + ROW_H * r.components.len() as f64;
    s.push_str(&format!(
        "<text x=\"10\" y=\"{:.1}\" font-weight=\"bold\">{}</text>\n",
        y + 19.0,
        esc(r.total.name)
    ));
    if let (Some(p50), Some(p95)) = (r.total.p50_ms, r.total.p95_ms) {
        let colour = if r.over_target { "#d9534f" } else { "#2e8b57" };
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"20\" fill=\"{colour}\" \
             fill-opacity=\"0.3\"/>\n<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"20\" \
             fill=\"{colour}\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"bold\">{} ms \
             (p95 {})</text>\n",
            x(0.0),
            y + 5.0,
            (x(p95) - x(0.0)).max(1.0),
            x(0.0),
            y + 5.0,
            (x(p50) - x(0.0)).max(1.0),
            x(p95.max(p50)) + 6.0,
            y + 19.0,
            fmt_ms(p50),
            fmt_ms(p95),
        ));
    } else {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#888\" font-style=\"italic\">no data</text>\n",
            x(0.0) + 4.0,
            y + 19.0
        ));
    }
    let tx = x(r.target_ms);
    s.push_str(&format!(
        "<line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#d9534f\" \
         stroke-width=\"2\" stroke-dasharray=\"6,4\"/>\n<text x=\"{tx:.1}\" y=\"{:.1}\" \
         text-anchor=\"middle\" fill=\"#d9534f\">target {} ms</text>\n</svg>\n",
        TOP - 4.0,
        y + ROW_H,
        y + ROW_H + 18.0,
        fmt_ms(r.target_ms)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn components_follow_the_documented_table() {
        let names: Vec<_> = COMPONENTS.iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "Network (Linphone → Asterisk)",
                "Asterisk SIP Processing",
                "Asterisk RTP Forwarding",
                "ARI WebSocket Event",
                "Event Handler (vcctl serve)",
                "Network (Asterisk → ElevenLabs)",
                "ElevenLabs Processing",
            ]
        );
        let lo: f64 = COMPONENTS.iter().map(|c| c.min_ms).sum();
        let hi: f64 = COMPONENTS.iter().map(|c| c.max_ms).sum();
        assert_eq!((lo, hi), (TOTAL.min_ms, TOTAL.max_ms));
        assert_eq!(DEFAULT_TARGET_MS, 300.0);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(10.0));
        assert_eq!(percentile(&v, 95.0), Some(19.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 50.0), Some(2.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn records_give_one_way_figures() {
        let a = json!({"caller_rtt_ms": 20.0, "ari_event_ms": 1.5, "ari_rest_ms": [2.0, 4.0],
            "handler_ms": 3.0, "agent_ping_ms": 60.0, "agent_tcp_ms": 1.0,
            "agent_response_ms": [460.0, 470.0]});
        let b = json!({"agent_tcp_ms": 10.0, "agent_response_ms": [100.0]});
        let c = json!({"agent_response_ms": [200.0]});
        let s = samples_from_records([&a, &b, &c]);
        assert_eq!(s.values[NET_PHONE], [10.0]);
        assert!(s.values[SIP_PROC].is_empty() && s.values[RTP_FWD].is_empty());
        assert_eq!(s.values[ARI_EVENT], [1.5]);
        assert_eq!(s.values[HANDLER], [3.0]);
        assert_eq!(s.values[NET_AGENT], [30.0, 5.0]);
        assert_eq!(s.values[AGENT_PROC], [400.0, 410.0, 90.0, 200.0]);
        assert_eq!(s.ari_rest_ms, [2.0, 4.0]);
        assert!(s.details[ARI_EVENT][0].contains("REST round trip p50 2.0 ms"));
    }

    #[test]
    fn no_data_is_never_zero() {
        let r = LatencyReport::build(&Samples::default(), 300.0);
        assert!(!r.has_data && !r.over_target);
        assert!(r
            .components
            .iter()
            .all(|c| c.p50_ms.is_none() && c.verdict == Verdict::NoData));
        assert_eq!(r.total.p50_ms, None);
        let svg = waterfall_svg(&r);
        assert!(svg.contains("no data") && !svg.contains("0.0 ms"));
    }

    #[test]
    fn totals_verdicts_and_target() {
        let mut s = Samples::default();
        s.set(NET_PHONE, vec![10.0, 20.0], "t");
        s.set(AGENT_PROC, vec![200.0, 300.0], "t");
        let r = LatencyReport::build(&s, 300.0);
        assert_eq!(r.components[NET_PHONE].verdict, Verdict::Within);
        assert_eq!(r.components[AGENT_PROC].verdict, Verdict::Above);
        assert_eq!(r.components[HANDLER].verdict, Verdict::NoData);
        assert_eq!(r.total.p50_ms, Some(210.0));
        assert_eq!(r.total.p95_ms, Some(320.0));
        assert!(r.over_target);
        assert_eq!(r.total.missing.len(), 5);
        assert!(!LatencyReport::build(&s, 400.0).over_target);
    }

    #[test]
    fn bars_scale_and_show_the_spread() {
        assert_eq!(bar(5.0, 10.0, 10.0, 10), "█████░░░░░");
        assert_eq!(bar(0.01, 0.01, 100.0, 10), "█");
        assert_eq!(bar(0.0, 0.0, 0.0, 10), "");
    }

    #[test]
    fn waterfall_offsets_each_bar_by_the_previous_p50s() {
        let mut s = Samples::default();
        s.set(NET_PHONE, vec![100.0], "t");
        s.set(HANDLER, vec![50.0], "t");
        let r = LatencyReport::build(&s, 300.0);
        let svg = waterfall_svg(&r);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        // max = 300 * 1.05 = 315; second bar starts at 290 + 100/315*560.
        let x2 = 290.0 + 100.0 / 315.0 * 560.0;
        assert!(svg.contains(&format!("<rect x=\"{x2:.1}\"")), "{svg}");
        assert!(svg.contains("target 300 ms"));
        assert!(svg.contains("Network (Linphone → Asterisk)"));
        assert!(svg.contains("Event Handler (vcctl serve)"));
    }
}
