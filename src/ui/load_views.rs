//! `vcctl load`: the report (a table per step, the SLO verdict, the audit) and the progress
//! line.

use serde::Serialize;

use vcctl_core::load::Live;
use vcctl_core::load::{CallRecord, Slo, StepReport};
use vcctl_core::sip::uas::AnswerTotals;

use super::output::{table, Render};

/// What Asterisk and serve still held after the run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Audit {
    pub settle_seconds: f64,
    /// Channels left: "id (name, state)".
    pub channels: Vec<String>,
    pub bridges: Vec<String>,
    /// ARI could not be asked (why): channels and bridges are then unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ari_error: Option<String>,
    /// Calls serve still holds (`None`: serve was not asked).
    pub serve_calls: Option<Vec<String>>,
    /// serve could not be asked (why), when it was to be.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serve_error: Option<String>,
    pub clean: bool,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct LoadReport {
    pub uri: String,
    pub seconds: f64,
    pub interrupted: bool,
    pub slo: Slo,
    pub markers: bool,
    pub steps: Vec<StepReport>,
    /// Target concurrency of the highest step that met the SLO.
    pub highest_step_meeting_slo: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit: Option<Audit>,
    /// Every call (`--json` only).
    pub calls: Vec<CallRecord>,
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "-".into())
}

fn trio(a: Option<f64>, b: Option<f64>, c: Option<f64>) -> String {
    if a.is_none() {
        return "-".into();
    }
    format!("{} / {} / {}", opt(a, 0), opt(b, 0), opt(c, 0))
}

impl Render for LoadReport {
    fn render_text(&self) -> String {
        let mut t = table([
            "step",
            "calls up\nmean/max",
            "placed",
            "answered",
            "refused",
            "timed out\n/failed",
            "no / one-way\naudio",
            "setup ms\np50/p95/p99",
            "round trip ms\np50/p95/p99",
            "loss %",
            "jitter ms\nmean/max",
            "load CPU %\n(/call)",
            "SLO",
        ]);
        let watched: Vec<&String> = self
            .steps
            .first()
            .map(|s| s.others_cpu_percent.keys().collect())
            .unwrap_or_default();
        for s in &self.steps {
            let refused = if s.refused == 0 {
                "0".to_string()
            } else {
                let codes: Vec<String> = s
                    .refused_by_code
                    .iter()
                    .map(|(c, n)| format!("{n}x{c}"))
                    .collect();
                format!("{} ({})", s.refused, codes.join(" "))
            };
            t.add_row([
                s.concurrency.to_string(),
                format!("{:.0} / {}", s.calls_up_mean, s.calls_up_max),
                s.attempted.to_string(),
                format!(
                    "{} ({})",
                    s.answered,
                    s.answer_percent
                        .map(|p| format!("{p:.1} %"))
                        .unwrap_or_else(|| "-".into())
                ),
                refused,
                format!("{} / {}", s.timed_out, s.failed + s.unfinished),
                format!("{} / {}", s.no_audio, s.one_way_audio),
                trio(s.setup_p50_ms, s.setup_p95_ms, s.setup_p99_ms),
                trio(s.roundtrip_p50_ms, s.roundtrip_p95_ms, s.roundtrip_p99_ms),
                opt(s.loss_percent, 2),
                format!("{} / {}", opt(s.jitter_mean_ms, 1), opt(s.jitter_max_ms, 1)),
                format!(
                    "{} ({})",
                    opt(s.cpu_percent, 0),
                    opt(s.cpu_percent_per_call, 3)
                ),
                if s.slo_met { "met" } else { "MISSED" }.to_string(),
            ]);
        }
        let mut out = t.to_string();
        if !watched.is_empty() {
            let mut c = table(
                std::iter::once("step".to_string())
                    .chain(watched.iter().map(|n| format!("{n} CPU %")))
                    .collect::<Vec<_>>(),
            );
            for s in &self.steps {
                let mut row = vec![s.concurrency.to_string()];
                row.extend(s.others_cpu_percent.values().map(|v| format!("{v:.0}")));
                c.add_row(row);
            }
            out.push_str(&format!("\n{c}"));
        }
        for s in self.steps.iter().filter(|s| !s.slo_met) {
            out.push_str(&format!(
                "\nstep {} missed the SLO: {}",
                s.concurrency,
                s.slo_misses.join("; ")
            ));
        }
        let slo = format!(
            "answered with audio >= {} %, {}loss <= {} %",
            self.slo.answer_percent,
            if self.markers {
                format!("round trip p95 <= {} ms, ", self.slo.roundtrip_p95_ms)
            } else {
                String::new()
            },
            self.slo.loss_percent
        );
        out.push_str(&match self.highest_step_meeting_slo {
            Some(c) => format!("\nhighest step meeting the SLO ({slo}): {c} concurrent calls"),
            None => format!("\nno step met the SLO ({slo})"),
        });
        if let Some(e) = self.audit.as_ref().and_then(|a| a.ari_error.as_ref()) {
            out.push_str(&format!("\naudit: Asterisk could not be asked: {e}"));
        } else if let Some(a) = &self.audit {
            out.push_str(&format!(
                "\naudit after {} s: {} channel(s), {} bridge(s) left in Asterisk",
                a.settle_seconds,
                a.channels.len(),
                a.bridges.len()
            ));
            match (&a.serve_calls, &a.serve_error) {
                (Some(c), _) => out.push_str(&format!(", {} call(s) held by serve", c.len())),
                (None, Some(e)) => out.push_str(&format!(" (serve not asked: {e})")),
                _ => {}
            }
            for c in &a.channels {
                out.push_str(&format!("\n  channel {c}"));
            }
            for b in &a.bridges {
                out.push_str(&format!("\n  bridge {b}"));
            }
            for c in a.serve_calls.iter().flatten() {
                out.push_str(&format!("\n  serve call {c}"));
            }
        }
        if self.interrupted {
            out.push_str("\ninterrupted: the figures cover the calls placed before the stop");
        }
        out
    }
}

/// The progress line.
pub fn live_line(l: &Live) -> String {
    let step = if l.steps > 1 {
        format!("step {}/{} ({} calls) ", l.step + 1, l.steps, l.target)
    } else {
        String::new()
    };
    format!(
        "{step}{:.0} s: {} up ({} in progress), {} answered, {} failed, setup p95 {} ms, round trip p95 {} ms, loss {} %",
        l.elapsed_s,
        l.up,
        l.in_progress,
        l.answered,
        l.failed,
        opt(l.setup_p95_ms, 0),
        opt(l.roundtrip_p95_ms, 0),
        opt(l.loss_percent, 2)
    )
}

impl Render for AnswerTotals {
    fn render_text(&self) -> String {
        format!(
            "answered {} call(s) ({} refused, {} ended by BYE, {} still up), echoed {} RTP packets in {:.0} s, CPU {:.1} s",
            self.sip.answered,
            self.sip.refused,
            self.sip.ended,
            self.sip.active,
            self.rtp_echoed,
            self.seconds,
            self.cpu_seconds
        )
    }
}
