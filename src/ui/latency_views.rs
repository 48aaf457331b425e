//! `vcctl latency-report`: the breakdown table for people, the report as JSON for scripts.

use serde::Serialize;

use crate::ui::output::{table, Render};
use vcctl_core::analysis::latency::{
    fmt_ms, row_bar, LatencyReport, Verdict, AGENT_PROC, DOCUMENTED, NET_AGENT, NET_PHONE, PLAYOUT,
    RTP_FWD,
};

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
                c.name.clone(),
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
            if r.total.partial && r.total.verdict != Verdict::NoData {
                format!("{} (partial)", r.total.verdict.text())
            } else {
                r.total.verdict.text().to_string()
            },
        ]);
        out.push_str(&t.to_string());
        out.push('\n');
        if let (Some(p50), Some(p95)) = (r.total.p50_ms, r.total.p95_ms) {
            let verdict = match (r.over_target, r.total.partial) {
                (true, _) => "OVER the target".to_string(),
                (false, false) => "within the target".to_string(),
                (false, true) => format!(
                    "within the target only as far as measured: the total is partial, {} of {} \
                     documented components have no data",
                    r.total.missing.len(),
                    DOCUMENTED
                ),
            };
            out.push_str(&format!(
                "Target < {}ms end-to-end: total p50 {} ms, p95 {} ms: {verdict}\n",
                r.target_ms,
                fmt_ms(p50),
                fmt_ms(p95),
            ));
        }
        if !r.total.missing.is_empty() {
            out.push_str(&format!(
                "The total leaves out components without data (a lower bound): {}.\n",
                r.total.missing.join(", ")
            ));
        }
        out.push_str(&round_trip_text(r));
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

/// The caller's round trip: the components added up, and what serve measured.
fn round_trip_text(r: &LatencyReport) -> String {
    let rt = &r.round_trip;
    let Some(sum) = rt.components_p50_ms else {
        return String::new();
    };
    let c = |i: usize| opt(r.components[i].p50_ms);
    let mut out = format!(
        "Round trip (the caller's audio to the agent and the agent's audio back), p50:\n  \
         components: 2 × {} + 2 × {} + 2 × {} + {} + {} = {} ms",
        c(NET_PHONE),
        c(RTP_FWD),
        c(NET_AGENT),
        c(AGENT_PROC),
        c(PLAYOUT),
        fmt_ms(sum)
    );
    if let Some(p95) = rt.components_p95_ms {
        out.push_str(&format!(" (p95 {} ms)", fmt_ms(p95)));
    }
    if !rt.missing.is_empty() {
        out.push_str(&format!(
            "; partial, no data (counted as 0): {}",
            rt.missing.join(", ")
        ));
    }
    out.push('\n');
    if let Some(m) = rt.measured_p50_ms {
        out.push_str(&format!(
            "  measured:   {} ms by serve ({} call{}: caller audio in from Asterisk -> its echo \
             sent back, plus the caller leg's RTCP round trip)\n",
            fmt_ms(m),
            rt.measured_calls,
            if rt.measured_calls == 1 { "" } else { "s" }
        ));
        if let (Some(d), Some(ok)) = (rt.unexplained_ms, rt.consistent) {
            out.push_str(&format!(
                "  the components {} the measured round trip ({} ms {}); it is {} the {} ms \
                 target\n",
                if ok { "add up to" } else { "do NOT add up to" },
                fmt_ms(d.abs()),
                if d >= 0.0 { "unexplained" } else { "over" },
                if m > r.target_ms { "ABOVE" } else { "within" },
                fmt_ms(r.target_ms)
            ));
        }
    }
    for n in &rt.notes {
        out.push_str(&format!("  note: {n}\n"));
    }
    out.push_str(
        "  (the one-way total is not this: it counts each network leg once, leaves out the way \
         back, and includes call setup that a turn does not wait for)\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vcctl_core::analysis::latency::{Samples, HANDLER};

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
            "Network (SIP caller → Asterisk)",
            "Event Handler (vcctl serve)",
            "ElevenLabs Processing",
            "Playout Queue (vcctl serve)",
            "Total One-Way Latency",
            "71-251ms",
            "within range",
            "no data",
            "Target < 300ms end-to-end: total p50 2.0 ms",
        ] {
            assert!(text.contains(want), "{want:?} not in\n{text}");
        }
        // Six of seven documented rows missing: never a plain "within the target".
        assert!(!text.contains("2.0 ms: within the target\n"), "{text}");
        assert!(
            text.contains(
                "within the target only as far as measured: the total is partial, 6 of 7"
            ),
            "{text}"
        );
        assert!(
            text.contains("below range (partial)") || text.contains("(partial)"),
            "{text}"
        );
    }

    #[test]
    fn the_round_trip_is_added_up_and_set_beside_the_measured_one() {
        let call = serde_json::json!({"caller_rtt_ms": 1.0, "agent_ping_ms": 80.0,
            "agent_echo_ms": {"p50": 382.0, "p95": 390.0, "n": 9},
            "playout_wait_ms": {"p50": 27.0, "p95": 29.0, "n": 150},
            "echo_round_trip_ms": {"p50": 410.0, "p95": 412.0, "n": 9}});
        let s = vcctl_core::analysis::latency::samples_from_records([&call]);
        let text = view(&s).render_text();
        for want in [
            "components: 2 × 0.5 + 2 × no data + 2 × 40.0 + 302 + 27.0 = 410 ms",
            "no data (counted as 0): Asterisk RTP Forwarding",
            "measured:   411 ms by serve (1 call",
            "the components add up to the measured round trip (1.0 ms unexplained); it is ABOVE the 300 ms target",
        ] {
            assert!(text.contains(want), "{want:?} not in\n{text}");
        }
    }
}
