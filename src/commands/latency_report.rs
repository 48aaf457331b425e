//! `vcctl latency-report`: the measured one-way latency of each component of the call path,
//! from the figures serve records per call and, with `--probe`, from active probes.
//! Derivations: `docs/latency.md`.

use std::time::Duration;

use super::{now_unix, Ctx};
use crate::cli::LatencyReportArgs;
use crate::error::{Error, Result};
use crate::io::agent_ws::{AgentSettings, DEFAULT_AGENT_BASE_URL};
use crate::io::latency_probe;
use crate::io::store::{resolve_db_path, CallFilter, CallRecord, Store};
use crate::ui::latency_views::LatencyView;
use crate::ui::output::emit;
use vcctl_core::analysis::latency::{samples_from_records, waterfall_svg, LatencyReport, Samples};
use vcctl_core::analysis::latency_probes::{
    agent_samples, check_target, echo_call_samples, event_samples, options_samples,
    over_target_message, rest_detail, EVENT_PROBES,
};
use vcctl_core::sip::ua::SipUri;

const DEFAULT_LAST: u32 = 50;

pub async fn run(ctx: &Ctx, a: LatencyReportArgs) -> Result<()> {
    check_target(a.target_ms).map_err(Error::Usage)?;
    let (calls, scope) = select(ctx, &a)?;
    let mut samples = samples_from_records(calls.iter().filter_map(|c| c.latency.as_ref()));
    let mut notes = Vec::new();
    let scope = if a.probe {
        probe(ctx, &a, &mut samples, &mut notes).await?;
        format!("active probes now, and {scope}")
    } else {
        scope
    };
    let report = LatencyReport::build(&samples, a.target_ms);
    if let Some(path) = &a.chart {
        std::fs::write(path, waterfall_svg(&report))
            .map_err(|e| Error::io(format!("could not write the chart {}", path.display()), e))?;
    }
    let over = report.over_target;
    let total = report.total.p95_ms;
    emit(
        &LatencyView {
            scope,
            calls: calls.len(),
            probe: a.probe,
            report,
            notes,
        },
        ctx.json(),
    )?;
    if over {
        return Err(Error::ChecksFailed(over_target_message(total, a.target_ms)));
    }
    Ok(())
}

/// The call records the report covers, and a phrase saying which.
fn select(ctx: &Ctx, a: &LatencyReportArgs) -> Result<(Vec<CallRecord>, String)> {
    let path = resolve_db_path(a.db.db.as_deref(), &ctx.layers);
    let shown = path.display().to_string();
    // Reading never creates a database: a missing file simply has no calls.
    let store = if path.exists() {
        Store::open(&path)?
    } else {
        Store::open_in_memory()?
    };
    if let Some(id) = &a.call {
        let c = store.get_call(id)?;
        return Ok((vec![c], format!("call {id} in {shown}")));
    }
    let mut f = CallFilter::default();
    let what = if let Some(s) = &a.since {
        f.since = Some(super::calls::parse_since(s, now_unix()).map_err(Error::Usage)?);
        format!("the calls since {s}")
    } else {
        let n = a.last.unwrap_or(DEFAULT_LAST);
        f.limit = (n > 0).then_some(n);
        format!("the last {n} calls")
    };
    let calls = store.list_calls(&f)?;
    let with = calls.iter().filter(|c| c.latency.is_some()).count();
    Ok((
        calls,
        format!("{what} in {shown} ({with} with latency figures)"),
    ))
}

/// Run the active probes and put their figures in place of the records'.
async fn probe(
    ctx: &Ctx,
    a: &LatencyReportArgs,
    s: &mut Samples,
    notes: &mut Vec<String>,
) -> Result<()> {
    let ari = ctx.ari_settings()?;
    let n = a.probe_count;

    // 1. SIP OPTIONS round trips: network one-way = RTT / 2.
    let uri_text = a.sip_uri.clone().unwrap_or_else(|| {
        format!(
            "sip:echo@{}:5060",
            ari.url.host_str().unwrap_or("127.0.0.1")
        )
    });
    let uri = SipUri::parse(&uri_text).map_err(|e| Error::Usage(e.to_string()))?;
    let host = uri.host.clone();
    let peer = tokio::net::lookup_host((host.as_str(), uri.port_or_default()))
        .await
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| Error::Unreachable(format!("cannot resolve the SIP host {host}")))?;
    let mut options_rtt = None;
    match latency_probe::options_rtts(&uri_text, peer, n, Duration::from_secs(2)).await {
        Ok(rtts) => options_rtt = options_samples(s, &rtts, &uri_text),
        Err(e) => notes.push(e),
    }

    // 2 and 3. An echo call: INVITE->100 less the OPTIONS round trip; the audio round trip
    // less the network both ways, halved (Asterisk handles the audio twice: in and back out).
    if !a.no_call {
        match latency_probe::echo_call(&uri_text, peer, 3.0).await {
            Ok(report) => {
                let trips: Vec<f64> = report
                    .roundtrip
                    .iter()
                    .flat_map(|r| r.estimates.iter())
                    .map(|e| e.delay_ms)
                    .collect();
                let t100 = report.sip.invite_to_100_ms;
                notes.extend(echo_call_samples(s, t100, options_rtt, &trips, &uri_text));
            }
            Err(e) => notes.push(format!("the echo call to {uri_text} failed: {e}")),
        }
    }

    // 4. ARI event delivery: user events to a probe app of our own; the REST round trip as a
    // detail (and the clock-free estimate when Asterisk's clock is not ours).
    match ctx.ari() {
        Ok(client) => {
            let mut rest_p50 = None;
            match latency_probe::ari_rest_rtts(&client, n).await {
                Ok(r) => rest_p50 = rest_detail(s, &r),
                Err(e) => notes.push(format!("ARI REST probe failed: {e}")),
            }
            match latency_probe::ari_event_trips(&ari, &client, n.max(EVENT_PROBES)).await {
                Ok(trips) => event_samples(s, &trips, rest_p50),
                Err(e) => notes.push(format!("the ARI event probe failed: {e}")),
            }
        }
        Err(e) => notes.push(format!("ARI probes skipped: {e}")),
    }

    // 6. The agent: one request/answer round trip (initiation -> metadata) / 2.
    let base = a
        .agent_url
        .clone()
        .or_else(|| ctx.layers.get("ELEVENLABS_BASE_URL"))
        .unwrap_or_else(|| DEFAULT_AGENT_BASE_URL.to_string());
    let id = ctx
        .layers
        .get("ELEVENLABS_AGENT_ID")
        .unwrap_or_else(|| "latency-probe".into());
    match AgentSettings::new(&base, id) {
        Ok(mut settings) => {
            settings.api_key = ctx
                .layers
                .get("ELEVENLABS_API_KEY")
                .map(crate::config::Secret::new);
            settings.ca_cert = ari.ca_cert.clone();
            match latency_probe::agent_connects(&settings, n.min(3)).await {
                Ok(p) => {
                    let shown = crate::io::agent_ws::display_base_url(&base);
                    agent_samples(s, &p, &base, shown);
                }
                Err(e) => notes.push(format!("the agent probe at {base} failed: {e}")),
            }
        }
        Err(e) => notes.push(format!("the agent probe was skipped: {e}")),
    }
    Ok(())
}
