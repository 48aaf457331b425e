//! The latency breakdown of the call path (`vcctl latency-report`): the documented components
//! with their ranges, one-way figures derived from call records, percentiles, verdicts, the
//! total against the target, a text bar and an SVG waterfall. Pure: no clock, no I/O.
//!
//! Percentiles are nearest-rank ([`crate::analysis::stats::percentile`]): p-th of n sorted values
//! is the value at rank ceil(p/100 * n).
//! Every reported figure is a real sample; a component without samples has `None` (shown as
//! "no data"), never 0. How each figure is derived: `docs/latency.md`.
//!
//! Besides the documented one-way table, the report adds up the caller's round trip (their
//! audio to the agent and the agent's audio back: the network legs twice, the agent, serve's
//! playout queue) and sets it beside the round trip serve measured, when an echo agent made
//! that measurable.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use crate::util::svg::{self, esc};

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

/// Rows of the report: the documented seven, then serve's playout queue.
pub const N: usize = 8;

/// The components, in the documented order and words; the last one (serve's playout queue,
/// on the way back to the caller) is not in the documented table and not in its total.
pub const COMPONENTS: [ComponentSpec; N] = [
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
    // Serve's own: one 20 ms frame slot plus the 40 ms prebuffer (`serve --prebuffer-ms`).
    spec("playout_queue", "Playout Queue (vcctl serve)", 0.0, 60.0),
];

/// The rows of the documented table (the total adds these).
pub const DOCUMENTED: usize = 7;

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
pub const PLAYOUT: usize = 7;

/// Within this much (or 10 %) the components explain a measured round trip.
pub const CONSISTENT_MS: f64 = 5.0;

/// Measured one-way samples (ms) per component, with where they came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    pub values: [Vec<f64>; N],
    /// When not empty, the p95 column comes from these instead (per-call p95s of a figure
    /// whose p50 column comes from the per-call p50s in `values`).
    pub tails: [Vec<f64>; N],
    /// Source of each component's samples, e.g. "records: RTCP round trip / 2".
    pub sources: [Option<String>; N],
    /// Extra figures shown beside a component (e.g. the ARI REST round trip).
    pub details: [Vec<String>; N],
    /// ARI REST round trips (ms).
    pub ari_rest_ms: Vec<f64>,
    /// The caller's round trip as serve measured it (ms, one per call): caller audio in from
    /// Asterisk -> its echo out (echo agents), plus the caller leg's RTCP round trip.
    pub measured_round_trip_ms: Vec<f64>,
    /// Calls whose measured round trip lacks the caller leg (no RTCP round trip).
    pub measured_without_caller_leg: usize,
    /// Agent services the figures came from (base URLs).
    pub agent_urls: BTreeSet<String>,
    /// WebSocket transport: the agent's interruption received -> Asterisk confirmed the
    /// flush (ms, `barge_in_stop_ms` of the records).
    pub barge_in_stop_ms: Vec<f64>,
    /// WebSocket transport: first agent audio of a response received -> its first frame
    /// dequeued by Asterisk (ms, `agent_audio_to_played_ms`).
    pub agent_audio_to_played_ms: Vec<f64>,
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
        self.tails[i].clear();
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
///   call has no component 6, the response time as measured (an upper bound); for echo agents
///   also the call's `agent_echo_ms` p50 (caller audio sent -> its echo received) minus twice
///   component 6;
/// - 8: each call's `playout_wait_ms` p50 (its p95 for the p95 column);
/// - measured round trip: each call's `echo_round_trip_ms` p50 plus its `caller_rtt_ms`.
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
        s.barge_in_stop_ms.extend(nums(l, "barge_in_stop_ms"));
        s.agent_audio_to_played_ms
            .extend(nums(l, "agent_audio_to_played_ms"));
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
        if let Some(u) = l.get("agent_url").and_then(Value::as_str) {
            s.agent_urls.insert(u.to_string());
        }
        let spread = |key: &str| {
            let v = l.get(key)?;
            Some((num(v, "p50")?, num(v, "p95")?))
        };
        if let Some((echo, _)) = spread("agent_echo_ms") {
            let (v, how) = match one_way {
                Some(w) => ((echo - 2.0 * w).max(0.0), "- 2 x network"),
                None => (echo, "(network not known)"),
            };
            s.push(
                AGENT_PROC,
                v,
                &format!("records: caller audio sent to the agent to its echo received {how}"),
            );
        }
        if let Some((p50, p95)) = spread("playout_wait_ms") {
            s.push(
                PLAYOUT,
                p50,
                "records: agent audio received to its first sample sent to Asterisk (p50 of \
                 each call; p95 column: p95 of each call)",
            );
            s.tails[PLAYOUT].push(p95);
        }
        if let Some((rt, _)) = spread("echo_round_trip_ms") {
            match num(l, "caller_rtt_ms") {
                Some(c) => s.measured_round_trip_ms.push(rt + c),
                None => {
                    s.measured_round_trip_ms.push(rt);
                    s.measured_without_caller_leg += 1;
                }
            }
        }
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

/// Nearest-rank percentile; `None` without values (the one definition, [`crate::analysis::stats::percentile`]).
pub use crate::analysis::stats::percentile;

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
    /// What was measured, e.g. "Network (Asterisk → agent at ws://127.0.0.1:9000)".
    pub name: String,
    /// The documented table's words for the row.
    pub documented: &'static str,
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
    /// Documented components without data, so not in the sums.
    pub missing: Vec<String>,
    /// Some documented component has no data: the sums are lower bounds.
    pub partial: bool,
}

/// The caller's round trip: their audio to the agent and the agent's audio back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundTrip {
    /// 2 x network to Asterisk + 2 x RTP forwarding + 2 x network to the agent + agent
    /// processing + playout queue, from the components' p50s (p95s); rows without data count
    /// as 0 and are named in `missing`. `None` without any of them.
    pub components_p50_ms: Option<f64>,
    pub components_p95_ms: Option<f64>,
    pub missing: Vec<String>,
    /// The round trip serve measured (p50 over calls), when an echo agent made it measurable.
    pub measured_p50_ms: Option<f64>,
    pub measured_calls: usize,
    /// measured - components (p50s).
    pub unexplained_ms: Option<f64>,
    /// The components add up to the measured round trip within 10 % or 5 ms.
    pub consistent: Option<bool>,
    /// Why there is no measured figure, or what it leaves out.
    pub notes: Vec<String>,
}

/// A figure beside the breakdown (not one of the documented components).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureRow {
    pub key: &'static str,
    pub name: &'static str,
    pub samples: usize,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
}

/// The whole breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencyReport {
    pub components: Vec<ComponentRow>,
    /// Figures of calls over the WebSocket transport (barge-in stop, agent audio -> played);
    /// empty when no call had them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<FigureRow>,
    pub total: TotalRow,
    pub round_trip: RoundTrip,
    pub target_ms: f64,
    /// Total p95 above the target (`false` without data).
    pub over_target: bool,
    pub has_data: bool,
}

/// What the agent figures came from: "ElevenLabs" for its hosts (or records that do not
/// say), else the URL, e.g. "agent at ws://127.0.0.1:9000".
fn agent_label(urls: &BTreeSet<String>) -> Option<String> {
    let others: Vec<&String> = urls
        .iter()
        .filter(|u| {
            !url::Url::parse(u)
                .ok()
                .and_then(|p| {
                    p.host_str()
                        .map(|h| h == "elevenlabs.io" || h.ends_with(".elevenlabs.io"))
                })
                .unwrap_or(false)
        })
        .collect();
    match others.len() {
        0 => None,
        _ if others.len() < urls.len() => Some(format!(
            "agents at {}",
            urls.iter().cloned().collect::<Vec<_>>().join(", ")
        )),
        1 => Some(format!("agent at {}", others[0])),
        _ => Some(format!(
            "agents at {}",
            others
                .iter()
                .map(|u| u.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The label of row `i`: what was actually measured.
fn label(i: usize, agent: Option<&str>) -> String {
    match (i, agent) {
        (NET_PHONE, _) => "Network (SIP caller → Asterisk)".into(),
        (NET_AGENT, Some(a)) => format!("Network (Asterisk → {a})"),
        (AGENT_PROC, Some(a)) => format!("Agent Processing ({a})"),
        _ => COMPONENTS[i].name.to_string(),
    }
}

impl LatencyReport {
    pub fn build(s: &Samples, target_ms: f64) -> LatencyReport {
        let agent = agent_label(&s.agent_urls);
        let components: Vec<ComponentRow> = COMPONENTS
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p50 = percentile(&s.values[i], 50.0);
                let tail = if s.tails[i].is_empty() {
                    &s.values[i]
                } else {
                    &s.tails[i]
                };
                ComponentRow {
                    key: c.key,
                    name: label(i, agent.as_deref()),
                    documented: c.name,
                    range_ms: [c.min_ms, c.max_ms],
                    samples: s.values[i].len(),
                    p50_ms: p50,
                    p95_ms: percentile(tail, 95.0),
                    verdict: Verdict::of(p50, c.min_ms, c.max_ms),
                    source: s.sources[i].clone(),
                    details: s.details[i].clone(),
                }
            })
            .collect();
        let has_data = components.iter().any(|c| c.p50_ms.is_some());
        let documented = &components[..DOCUMENTED];
        let sum = |f: fn(&ComponentRow) -> Option<f64>| {
            documented
                .iter()
                .any(|c| c.p50_ms.is_some())
                .then(|| documented.iter().filter_map(f).sum::<f64>())
        };
        let p50 = sum(|c| c.p50_ms);
        let p95 = sum(|c| c.p95_ms);
        let missing: Vec<String> = documented
            .iter()
            .filter(|c| c.p50_ms.is_none())
            .map(|c| c.name.clone())
            .collect();
        let total = TotalRow {
            name: TOTAL.name,
            range_ms: [TOTAL.min_ms, TOTAL.max_ms],
            p50_ms: p50,
            p95_ms: p95,
            verdict: Verdict::of(p50, TOTAL.min_ms, TOTAL.max_ms),
            partial: !missing.is_empty(),
            missing,
        };
        let figures = [
            (
                "barge_in_stop",
                "Barge-in stop (interruption -> Asterisk flushed)",
                &s.barge_in_stop_ms,
            ),
            (
                "agent_audio_to_played",
                "Agent audio received -> played by Asterisk",
                &s.agent_audio_to_played_ms,
            ),
        ]
        .into_iter()
        .filter(|(_, _, v)| !v.is_empty())
        .map(|(key, name, v)| FigureRow {
            key,
            name,
            samples: v.len(),
            p50_ms: percentile(v, 50.0),
            p95_ms: percentile(v, 95.0),
        })
        .collect();
        LatencyReport {
            over_target: p95.is_some_and(|t| t > target_ms),
            round_trip: round_trip(&components, s),
            figures,
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

/// How many times each row counts in the caller's round trip.
const ROUND_TRIP: [(usize, f64); 5] = [
    (NET_PHONE, 2.0),
    (RTP_FWD, 2.0),
    (NET_AGENT, 2.0),
    (AGENT_PROC, 1.0),
    (PLAYOUT, 1.0),
];

fn round_trip(rows: &[ComponentRow], s: &Samples) -> RoundTrip {
    let any = ROUND_TRIP.iter().any(|(i, _)| rows[*i].p50_ms.is_some());
    let sum = |f: fn(&ComponentRow) -> Option<f64>| {
        any.then(|| {
            ROUND_TRIP
                .iter()
                .map(|(i, k)| k * f(&rows[*i]).unwrap_or(0.0))
                .sum::<f64>()
        })
    };
    let components = sum(|c| c.p50_ms);
    let measured = percentile(&s.measured_round_trip_ms, 50.0);
    let mut notes = Vec::new();
    match measured {
        None => notes.push(
            "no measured round trip: serve measures one only when the agent sends the \
             caller's own audio back (an echo agent such as `vcctl agent-sim --mode echo`); \
             `vcctl call` measures it from the caller's side"
                .to_string(),
        ),
        Some(_) if s.measured_without_caller_leg > 0 => notes.push(format!(
            "{} of {} measured round trips lack the caller leg (no RTCP round trip: the caller \
             sent no RTCP, or the call was shorter than Asterisk's RTCP interval)",
            s.measured_without_caller_leg,
            s.measured_round_trip_ms.len()
        )),
        Some(_) => {}
    }
    let unexplained = measured.zip(components).map(|(m, c)| m - c);
    RoundTrip {
        components_p50_ms: components,
        components_p95_ms: sum(|c| c.p95_ms),
        missing: ROUND_TRIP
            .iter()
            .filter(|(i, _)| rows[*i].p50_ms.is_none())
            .map(|(i, _)| rows[*i].name.clone())
            .collect(),
        measured_p50_ms: measured,
        measured_calls: s.measured_round_trip_ms.len(),
        unexplained_ms: unexplained,
        consistent: measured
            .zip(unexplained)
            .map(|(m, d)| d.abs() <= (0.10 * m).max(CONSISTENT_MS)),
        notes,
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
            esc(&c.name)
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
                    esc(&c.name),
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
    fn websocket_figures_come_from_the_records_beside_the_components() {
        let a = json!({"barge_in_stop_ms": [4.0, 12.0], "agent_audio_to_played_ms": [9.0]});
        let b = json!({"agent_response_ms": [100.0]});
        let r = LatencyReport::build(&samples_from_records([&a, &b]), 300.0);
        assert_eq!(r.figures.len(), 2);
        assert_eq!(r.figures[0].key, "barge_in_stop");
        assert_eq!((r.figures[0].samples, r.figures[0].p50_ms), (2, Some(4.0)));
        assert_eq!(r.figures[1].p95_ms, Some(9.0));
        let none = LatencyReport::build(&samples_from_records([&b]), 300.0);
        assert!(none.figures.is_empty());
    }

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
                "Playout Queue (vcctl serve)",
            ]
        );
        let documented = &COMPONENTS[..DOCUMENTED];
        let lo: f64 = documented.iter().map(|c| c.min_ms).sum();
        let hi: f64 = documented.iter().map(|c| c.max_ms).sum();
        assert_eq!((lo, hi), (TOTAL.min_ms, TOTAL.max_ms));
        assert_eq!(DEFAULT_TARGET_MS, 300.0);
    }

    #[test]
    fn an_echo_call_adds_up_to_the_round_trip_serve_measured() {
        // The 40 ms relay of issue 14: serve measured 411.4 ms; the caller 412.9 ms.
        let call = json!({"caller_rtt_ms": 0.3, "handler_ms": 17.6, "agent_ping_ms": 90.0,
            "agent_url": "ws://127.0.0.1:9000",
            "agent_echo_ms": {"p50": 383.3, "p95": 386.4, "n": 12},
            "playout_wait_ms": {"p50": 27.2, "p95": 29.0, "n": 171},
            "echo_round_trip_ms": {"p50": 411.1, "p95": 411.8, "n": 12}});
        let s = samples_from_records([&call]);
        assert_eq!(s.values[AGENT_PROC], [383.3 - 90.0]);
        assert_eq!(s.values[PLAYOUT], [27.2]);
        assert_eq!(s.tails[PLAYOUT], [29.0]);
        assert_eq!(s.measured_round_trip_ms.len(), 1);
        let r = LatencyReport::build(&s, 300.0);
        assert_eq!(r.components[PLAYOUT].p95_ms, Some(29.0));
        assert_eq!(
            r.components[NET_AGENT].name,
            "Network (Asterisk → agent at ws://127.0.0.1:9000)"
        );
        assert_eq!(
            r.components[AGENT_PROC].name,
            "Agent Processing (agent at ws://127.0.0.1:9000)"
        );
        assert_eq!(r.components[AGENT_PROC].documented, "ElevenLabs Processing");
        assert_eq!(
            r.components[NET_PHONE].name,
            "Network (SIP caller → Asterisk)"
        );
        // The playout queue is not in the documented one-way total.
        assert!((r.total.p50_ms.unwrap() - (0.15 + 17.6 + 45.0 + 293.3)).abs() < 1e-6);
        assert!(r.total.partial);
        let rt = &r.round_trip;
        let sum = 2.0 * 0.15 + 2.0 * 45.0 + 293.3 + 27.2;
        assert!((rt.components_p50_ms.unwrap() - sum).abs() < 1e-6, "{rt:?}");
        assert_eq!(rt.missing, ["Asterisk RTP Forwarding"]);
        assert!((rt.measured_p50_ms.unwrap() - 411.4).abs() < 1e-9);
        assert!((rt.unexplained_ms.unwrap() - (411.4 - sum)).abs() < 1e-6);
        assert_eq!(rt.consistent, Some(true));
        assert!(rt.notes.is_empty(), "{:?}", rt.notes);
    }

    #[test]
    fn without_an_echo_there_is_no_measured_round_trip_and_it_says_why() {
        let call = json!({"agent_ping_ms": 60.0, "agent_response_ms": [500.0],
            "agent_url": "wss://api.elevenlabs.io"});
        let r = LatencyReport::build(&samples_from_records([&call]), 300.0);
        assert_eq!(
            r.components[NET_AGENT].name,
            "Network (Asterisk → ElevenLabs)"
        );
        assert_eq!(r.components[AGENT_PROC].name, "ElevenLabs Processing");
        let rt = &r.round_trip;
        assert_eq!(rt.components_p50_ms, Some(2.0 * 30.0 + 440.0));
        assert_eq!((rt.measured_p50_ms, rt.consistent), (None, None));
        assert!(rt.notes[0].contains("echo agent"), "{:?}", rt.notes);
        // A measured round trip that the components miss by more than 10 %.
        let call = json!({"agent_ping_ms": 10.0, "agent_echo_ms": {"p50": 310.0, "p95": 320.0, "n": 5},
            "echo_round_trip_ms": {"p50": 520.0, "p95": 530.0, "n": 5}});
        let r = LatencyReport::build(&samples_from_records([&call]), 300.0);
        assert_eq!(r.round_trip.consistent, Some(false));
        assert!(r.round_trip.notes[0].contains("lack the caller leg"));
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
        assert!(svg.contains("Network (SIP caller → Asterisk)"));
        assert!(svg.contains("Event Handler (vcctl serve)"));
    }
}
