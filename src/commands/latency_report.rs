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
use vcctl_core::analysis::latency::{
    fmt_ms, percentile, samples_from_records, waterfall_svg, LatencyReport, Samples, ARI_EVENT,
    NET_AGENT, NET_PHONE, RTP_FWD, SIP_PROC,
};
use vcctl_core::sip::ua::SipUri;

const DEFAULT_LAST: u32 = 50;

pub async fn run(ctx: &Ctx, a: LatencyReportArgs) -> Result<()> {
    if !(a.target_ms.is_finite() && a.target_ms > 0.0) {
        return Err(Error::Usage(format!(
            "--target-ms {} must be a positive number of milliseconds",
            a.target_ms
        )));
    }
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
        return Err(Error::ChecksFailed(format!(
            "the total one-way latency p95 ({} ms) is above the target of {} ms",
            total.map(fmt_ms).unwrap_or_default(),
            fmt_ms(a.target_ms)
        )));
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

fn median(v: &[f64]) -> Option<f64> {
    percentile(v, 50.0)
}

/// User events sent by the ARI event probe (at least; more with a larger --probe-count).
const EVENT_PROBES: u32 = 10;

/// How far behind ours Asterisk's clock may read before event timestamps are not trusted.
const CLOCK_SLACK_MS: f64 = 5.0;

/// Component 4 from the user-event trips: each event's timestamp -> receipt (the records'
/// definition) when Asterisk's clock agrees with ours, else REST send -> receipt less half
/// the REST round trip; send -> receipt as a detail.
fn event_samples(s: &mut Samples, trips: &[latency_probe::EventTrip], rest_p50: Option<f64>) {
    let stamped: Option<Vec<f64>> = trips.iter().map(|t| t.stamp_to_event_ms).collect();
    match (stamped, rest_p50) {
        (Some(v), _) if v.iter().all(|x| *x >= -CLOCK_SLACK_MS) => s.set(
            ARI_EVENT,
            v.into_iter().map(|x| x.max(0.0)).collect(),
            "probe: user event timestamp to receipt on a probe app's WebSocket",
        ),
        (_, Some(rtt)) => s.set(
            ARI_EVENT,
            trips
                .iter()
                .map(|t| (t.send_to_event_ms - rtt / 2.0).max(0.0))
                .collect(),
            "probe: user event REST send to receipt - REST round trip / 2 (Asterisk's clock \
             differs from ours)",
        ),
        _ => {}
    }
    let sends: Vec<f64> = trips.iter().map(|t| t.send_to_event_ms).collect();
    if let (Some(p50), Some(p95)) = (percentile(&sends, 50.0), percentile(&sends, 95.0)) {
        s.details[ARI_EVENT].push(format!(
            "probe: REST send -> event received p50 {} ms, p95 {} ms ({} user events)",
            fmt_ms(p50),
            fmt_ms(p95),
            sends.len()
        ));
    }
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
        Ok(rtts) => {
            options_rtt = median(&rtts);
            s.set(
                NET_PHONE,
                rtts.iter().map(|r| r / 2.0).collect(),
                &format!("probe: SIP OPTIONS round trip to {uri_text} / 2"),
            );
        }
        Err(e) => notes.push(e),
    }

    // 2 and 3. An echo call: INVITE->100 less the OPTIONS round trip; the audio round trip
    // less the network both ways, halved (Asterisk handles the audio twice: in and back out).
    if !a.no_call {
        match latency_probe::echo_call(&uri_text, peer, 3.0).await {
            Ok(report) => {
                if let (Some(t100), Some(rtt)) = (report.sip.invite_to_100_ms, options_rtt) {
                    s.set(
                        SIP_PROC,
                        vec![(t100 - rtt).max(0.0)],
                        "probe: INVITE to 100 Trying - SIP OPTIONS round trip",
                    );
                }
                let one_way = median(&s.values[NET_PHONE]).unwrap_or(0.0);
                let fwd: Vec<f64> = report
                    .roundtrip
                    .iter()
                    .flat_map(|r| r.estimates.iter())
                    .map(|e| ((e.delay_ms - 2.0 * one_way) / 2.0).max(0.0))
                    .collect();
                if fwd.is_empty() {
                    notes.push(format!(
                        "the echo call to {uri_text} returned none of its markers, so \
                         Asterisk RTP Forwarding has no probe figure"
                    ));
                }
                s.set(
                    RTP_FWD,
                    fwd,
                    "probe: (audio round trip of an echo call - 2 x network) / 2",
                );
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
                Ok(r) => {
                    rest_p50 = median(&r);
                    if let Some(m) = rest_p50 {
                        s.details[ARI_EVENT].push(format!(
                            "probe: REST round trip p50 {} ms ({} requests)",
                            fmt_ms(m),
                            r.len()
                        ));
                    }
                }
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
                    s.agent_urls
                        .insert(crate::io::agent_ws::display_base_url(&base));
                    s.set(
                        NET_AGENT,
                        p.iter().map(|x| x.metadata_ms / 2.0).collect(),
                        &format!("probe: agent initiation -> metadata round trip at {base} / 2"),
                    );
                    let tcp: Vec<f64> = p.iter().map(|x| x.tcp_ms).collect();
                    let hs: Vec<f64> = p.iter().map(|x| x.handshake_ms).collect();
                    if let (Some(t), Some(h)) = (median(&tcp), median(&hs)) {
                        s.details[NET_AGENT].push(format!(
                            "TCP connect p50 {} ms, TLS + upgrade p50 {} ms",
                            fmt_ms(t),
                            fmt_ms(h)
                        ));
                    }
                }
                Err(e) => notes.push(format!("the agent probe at {base} failed: {e}")),
            }
        }
        Err(e) => notes.push(format!("the agent probe was skipped: {e}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::latency_probe::EventTrip;

    fn trip(send: f64, stamp: Option<f64>) -> EventTrip {
        EventTrip {
            send_to_event_ms: send,
            stamp_to_event_ms: stamp,
        }
    }

    #[test]
    fn event_probe_uses_timestamps_when_the_clocks_agree() {
        let mut s = Samples::default();
        let trips = [
            trip(82.0, Some(41.0)),
            trip(84.0, Some(40.0)),
            trip(90.0, Some(-0.4)),
        ];
        event_samples(&mut s, &trips, Some(80.0));
        assert_eq!(s.values[ARI_EVENT], [41.0, 40.0, 0.0]);
        assert!(s.sources[ARI_EVENT]
            .as_deref()
            .unwrap()
            .contains("timestamp"));
        assert_eq!(
            s.details[ARI_EVENT],
            ["probe: REST send -> event received p50 84.0 ms, p95 90.0 ms (3 user events)"]
        );
    }

    #[test]
    fn event_probe_falls_back_to_the_rest_round_trip_when_clocks_differ() {
        let mut s = Samples::default();
        // Asterisk's clock 2 s ahead: negative lags.
        let trips = [trip(82.0, Some(-1959.0)), trip(86.0, None)];
        event_samples(&mut s, &trips, Some(80.0));
        assert_eq!(s.values[ARI_EVENT], [42.0, 46.0]);
        assert!(s.sources[ARI_EVENT].as_deref().unwrap().contains("clock"));
        // Without timestamps or a REST round trip there is no sample, only the detail.
        let mut s = Samples::default();
        event_samples(&mut s, &[trip(5.0, None)], None);
        assert!(s.values[ARI_EVENT].is_empty() && s.sources[ARI_EVENT].is_none());
        assert_eq!(s.details[ARI_EVENT].len(), 1);
    }
}
