//! `vcctl bench`: the media-path benchmark (see `io::bench`), printed as a table or JSON.

use std::time::Duration;

use crate::cli::BenchArgs;
use crate::cli::TransportArg;
use crate::error::{Error, Result};
use crate::io::bench::{self, BenchOptions, BenchReport, BenchTransport};
use crate::ui::output::{emit, table, Render};
use crate::ui::progress::spinner;

use super::Ctx;

pub async fn run(ctx: &Ctx, a: BenchArgs) -> Result<()> {
    if a.calls.is_empty() || a.calls.contains(&0) {
        return Err(Error::Usage(
            "--calls needs one or more numbers above 0".into(),
        ));
    }
    let opts = BenchOptions {
        calls: a.calls,
        duration: Duration::from_secs(a.seconds.max(1)),
        ramp_per_second: a.ramp.max(1),
        transport: match a.transport {
            TransportArg::Rtp => BenchTransport::Rtp,
            TransportArg::Websocket => BenchTransport::Websocket,
        },
        prebuffer: Duration::from_millis(a.prebuffer_ms),
        underflow_grace: Duration::from_millis(a.underflow_grace_ms),
    };
    // Each N runs in a child process of its own (see `io::bench::run`), told by this variable
    // to measure its one N and print the row as JSON.
    if std::env::var_os(bench::CHILD_ENV).is_some() {
        let [n] = opts.calls[..] else {
            return Err(Error::Usage(
                "a benchmark child measures exactly one N".into(),
            ));
        };
        let row = bench::run_one(n, &opts, &|m: &str| eprintln!("{m}")).await?;
        println!("{}", serde_json::to_string(&row).unwrap_or_default());
        return Ok(());
    }
    let pb = spinner("benchmark");
    let report = bench::run(&opts, &|m: &str| pb.set_message(m.to_string())).await?;
    pb.finish_and_clear();
    emit(&report, ctx.json())
}

impl Render for BenchReport {
    fn render_text(&self) -> String {
        let mut t = table([
            "transport",
            "calls",
            "caller->agent p50/p99 ms",
            "agent->caller p50/p99 ms",
            "first of a response p50/p99 ms (n)",
            "pacing p50/p99/max ms",
            "lost in/out",
            "underflows (late)",
            "CPU %/call",
            "Asterisk CPU %/call",
            "sim CPU %/call",
            "RSS KiB/call",
            "sustained",
        ]);
        for r in &self.rows {
            let pacing = match (r.pacing_p50_ms, r.pacing_p99_ms, r.pacing_max_ms) {
                (Some(a), Some(b), Some(c)) => format!("{a:.2} / {b:.2} / {c:.2}"),
                _ => "-".to_string(),
            };
            t.add_row([
                r.transport.name().to_string(),
                r.calls.to_string(),
                format!(
                    "{:.3} / {:.3}",
                    r.caller_to_agent_p50_ms, r.caller_to_agent_p99_ms
                ),
                format!(
                    "{:.1} / {:.1}",
                    r.agent_to_caller_p50_ms, r.agent_to_caller_p99_ms
                ),
                match (
                    r.agent_to_caller_first_p50_ms,
                    r.agent_to_caller_first_p99_ms,
                    r.agent_responses,
                ) {
                    (Some(a), Some(b), Some(n)) => format!("{a:.1} / {b:.1} ({n})"),
                    _ => "-".to_string(),
                },
                pacing,
                format!(
                    "{} / {}",
                    r.inbound_loss
                        .map(|l| l.describe())
                        .unwrap_or_else(|| r.lost_inbound.to_string()),
                    r.lost_outbound
                ),
                format!("{} ({})", r.underflows, r.late_frames),
                format!("{:.3}", r.cpu_percent_per_call),
                format!("{:.3}", r.asterisk_cpu_percent_per_call),
                format!("{:.3}", r.agent_sim_cpu_percent_per_call),
                format!("{:.0}", r.rss_kib_per_call),
                if r.sustained { "yes" } else { "no" }.to_string(),
            ]);
        }
        let rule = "zero loss both ways; RTP also pacing p99 < 2 ms";
        let best = match self.highest_sustained {
            Some(n) => format!("highest N sustained ({rule}): {n}"),
            None => format!("no N was sustained ({rule})"),
        };
        format!("{t}\n{best} on {} cores", self.cores)
    }
}
