//! `vcctl latency-report`: the breakdown table for people, the report as JSON for scripts.

use serde::Serialize;

use crate::core::latency::{fmt_ms, row_bar, LatencyReport, Verdict};
use crate::ui::output::{table, Render};

const BAR_WIDTH: usize = 24;

/// The report with what it covers.
#[derive(Debug, Clone, Serialize)]
pub struct LatencyView {
    /// What was measured, e.g. "the last 50 calls in /path/vcctl.db (3 found)".
    pub scope: String,
    /// Calls whose records were read.
    pub calls: usize,
    pub probe: bool,
    #[serde(flatten)]
    pub report: LatencyReport,
    /// Probe steps that failed, one sentence each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

fn range(r: [f64; 2]) -> String {
    format!("{}-{}ms", r[0], r[1])
}

fn opt(v: Option<f64>) -> String {
    v.map(fmt_ms).unwrap_or_else(|| "no data".into())
}

impl Render for LatencyView {
    fn render_text(&self) -> String {
        let r = &self.report;
        let mut out = String::new();
        if !r.has_data {
            out.push_str(&format!(
                "No latency data: nothing was measured for {}. Place calls through `vcctl serve`, \
                 or run `vcctl latency-report --probe`.\n",
                self.scope
            ));
            for n in &self.notes {
                out.push_str(&format!("note: {n}\n"));
            }
            return out;
        }
        out.push_str(&format!("Latency breakdown of {}\n", self.scope));
        let mut t = table([
            "component",
            "range",
            "p50 ms",
            "p95 ms",
            "n",
            "bar",
            "verdict",
        ]);
        for c in &r.components {
            t.add_row([
                c.name.to_string(),
                range(c.range_ms),
                opt(c.p50_ms),
                opt(c.p95_ms),
                c.samples.to_string(),
                row_bar(r, c, BAR_WIDTH),
                c.verdict.text().to_string(),
            ]);
        }
        t.add_row([
            r.total.name.to_string(),
            range(r.total.range_ms),
            opt(r.total.p50_ms),
            opt(r.total.p95_ms),
            String::new(),
            String::new(),
            r.total.verdict.text().to_string(),
        ]);
        out.push_str(&t.to_string());
        out.push('\n');
        if let (Some(p50), Some(p95)) = (r.total.p50_ms, r.total.p95_ms) {
            out.push_str(&format!(
                "Target < {}ms end-to-end: total p50 {} ms, p95 {} ms: {}\n",
                r.target_ms,
                fmt_ms(p50),
                fmt_ms(p95),
                if r.over_target {
                    "OVER the target"
                } else {
                    "within the target"
                }
            ));
        }
        if !r.total.missing.is_empty() {
            out.push_str(&format!(
                "The total leaves out components without data: {}.\n",
                r.total.missing.join(", ")
            ));
        }
        for c in &r.components {
            if let Some(src) = &c.source {
                out.push_str(&format!("  {}: {src}", c.name));
                for d in &c.details {
                    out.push_str(&format!("; {d}"));
                }
                out.push('\n');
            } else if c.verdict == Verdict::NoData && !c.details.is_empty() {
                out.push_str(&format!("  {}: {}\n", c.name, c.details.join("; ")));
            }
        }
        for f in &r.figures {
            out.push_str(&format!(
                "{}: p50 {} ms, p95 {} ms ({} samples, WebSocket transport)\n",
                f.name,
                opt(f.p50_ms),
                opt(f.p95_ms),
                f.samples
            ));
        }
        for n in &self.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::latency::{Samples, HANDLER};

    fn view(s: &Samples) -> LatencyView {
        LatencyView {
            scope: "the last 50 calls in x.db (0 found)".into(),
            calls: 0,
            probe: false,
            report: LatencyReport::build(s, 300.0),
            notes: vec![],
        }
    }

    #[test]
    fn no_data_is_one_plain_sentence_without_zeros() {
        let text = view(&Samples::default()).render_text();
        assert!(text.starts_with("No latency data:"), "{text}");
        assert!(!text.contains('0') || !text.contains(" 0 ms"));
        assert!(!text.contains("0.0"));
    }

    #[test]
    fn table_has_every_row_and_the_target_line() {
        let mut s = Samples::default();
        s.set(HANDLER, vec![2.0, 3.0], "records");
        let text = view(&s).render_text();
        for want in [
            "Network (Linphone → Asterisk)",
            "Event Handler (vcctl serve)",
            "ElevenLabs Processing",
            "Total One-Way Latency",
            "71-251ms",
            "within range",
            "no data",
            "Target < 300ms end-to-end: total p50 2.0 ms",
        ] {
            assert!(text.contains(want), "{want:?} not in\n{text}");
        }
    }
}
