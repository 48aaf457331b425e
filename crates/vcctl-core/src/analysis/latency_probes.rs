//! `latency-report --probe`'s statistics policy: how the figures of the active probes
//! (`io::latency_probe`) become one-way samples of the components of
//! [`crate::analysis::latency`]. Each rule names the subtraction it makes; `docs/latency.md` derives
//! them. Pure: the probes' measurements come in as numbers.

use crate::analysis::latency::{
    fmt_ms, Samples, ARI_EVENT, NET_AGENT, NET_PHONE, RTP_FWD, SIP_PROC,
};
use crate::analysis::stats::percentile;

/// User events sent by the ARI event probe (at least; more with a larger --probe-count).
pub const EVENT_PROBES: u32 = 10;

/// How far behind ours Asterisk's clock may read before event timestamps are not trusted.
pub const CLOCK_SLACK_MS: f64 = 5.0;

/// One user event's trip (ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventTrip {
    /// The REST request sent -> the event received on the WebSocket: request one-way,
    /// Asterisk's handling and the event's one-way delivery.
    pub send_to_event_ms: f64,
    /// The event's own `timestamp` (Asterisk's clock) -> received (ours): the delivery alone
    /// when the clocks agree; timestamps have millisecond resolution.
    pub stamp_to_event_ms: Option<f64>,
}

/// Agent connection figures (ms).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentProbe {
    pub tcp_ms: f64,
    pub handshake_ms: f64,
    /// Initiation data sent to metadata received: one request/answer round trip.
    pub metadata_ms: f64,
    pub signed_url_ms: Option<f64>,
}

/// The median, the one definition of [`percentile`].
pub fn median(v: &[f64]) -> Option<f64> {
    percentile(v, 50.0)
}

/// `--target-ms` must be a positive number of milliseconds; the error is the sentence.
pub fn check_target(target_ms: f64) -> Result<(), String> {
    if target_ms.is_finite() && target_ms > 0.0 {
        Ok(())
    } else {
        Err(format!(
            "--target-ms {target_ms} must be a positive number of milliseconds"
        ))
    }
}

/// Why the report fails when its total is over the target.
pub fn over_target_message(total_p95_ms: Option<f64>, target_ms: f64) -> String {
    format!(
        "the total one-way latency p95 ({} ms) is above the target of {} ms",
        total_p95_ms.map(fmt_ms).unwrap_or_default(),
        fmt_ms(target_ms)
    )
}

/// Component 1 from SIP OPTIONS round trips: network one-way = RTT / 2. Returns the median
/// round trip, which the echo call's figures subtract.
pub fn options_samples(s: &mut Samples, rtts: &[f64], uri: &str) -> Option<f64> {
    s.set(
        NET_PHONE,
        rtts.iter().map(|r| r / 2.0).collect(),
        &format!("probe: SIP OPTIONS round trip to {uri} / 2"),
    );
    median(rtts)
}

/// Components 2 and 3 from an echo call: INVITE -> 100 less the OPTIONS round trip; the
/// audio round trips less the network both ways, halved (Asterisk handles the audio twice:
/// in and back out). Returns a note when the call brought back no marker.
pub fn echo_call_samples(
    s: &mut Samples,
    invite_to_100_ms: Option<f64>,
    options_rtt_ms: Option<f64>,
    audio_round_trips_ms: &[f64],
    uri: &str,
) -> Option<String> {
    if let (Some(t100), Some(rtt)) = (invite_to_100_ms, options_rtt_ms) {
        s.set(
            SIP_PROC,
            vec![(t100 - rtt).max(0.0)],
            "probe: INVITE to 100 Trying - SIP OPTIONS round trip",
        );
    }
    let one_way = median(&s.values[NET_PHONE]).unwrap_or(0.0);
    let fwd: Vec<f64> = audio_round_trips_ms
        .iter()
        .map(|d| ((d - 2.0 * one_way) / 2.0).max(0.0))
        .collect();
    let note = fwd.is_empty().then(|| {
        format!(
            "the echo call to {uri} returned none of its markers, so Asterisk RTP Forwarding \
             has no probe figure"
        )
    });
    s.set(
        RTP_FWD,
        fwd,
        "probe: (audio round trip of an echo call - 2 x network) / 2",
    );
    note
}

/// The ARI REST round trips as a detail of component 4; returns their median.
pub fn rest_detail(s: &mut Samples, rtts: &[f64]) -> Option<f64> {
    let m = median(rtts)?;
    s.details[ARI_EVENT].push(format!(
        "probe: REST round trip p50 {} ms ({} requests)",
        fmt_ms(m),
        rtts.len()
    ));
    Some(m)
}

/// Component 4 from the user-event trips: each event's timestamp -> receipt (the records'
/// definition) when Asterisk's clock agrees with ours, else REST send -> receipt less half
/// the REST round trip; send -> receipt as a detail.
pub fn event_samples(s: &mut Samples, trips: &[EventTrip], rest_p50: Option<f64>) {
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

/// Component 6 from agent connections: initiation -> metadata round trip / 2; TCP connect
/// and TLS + upgrade as a detail. `shown_url` is the base URL without credentials.
pub fn agent_samples(s: &mut Samples, probes: &[AgentProbe], base: &str, shown_url: String) {
    s.agent_urls.insert(shown_url);
    s.set(
        NET_AGENT,
        probes.iter().map(|x| x.metadata_ms / 2.0).collect(),
        &format!("probe: agent initiation -> metadata round trip at {base} / 2"),
    );
    let tcp: Vec<f64> = probes.iter().map(|x| x.tcp_ms).collect();
    let hs: Vec<f64> = probes.iter().map(|x| x.handshake_ms).collect();
    if let (Some(t), Some(h)) = (median(&tcp), median(&hs)) {
        s.details[NET_AGENT].push(format!(
            "TCP connect p50 {} ms, TLS + upgrade p50 {} ms",
            fmt_ms(t),
            fmt_ms(h)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn options_round_trips_are_halved_and_the_echo_call_subtracts_the_network_both_ways() {
        let mut s = Samples::default();
        let rtt = options_samples(&mut s, &[4.0, 6.0, 10.0], "sip:echo@pbx");
        assert_eq!(rtt, Some(6.0));
        assert_eq!(s.values[NET_PHONE], [2.0, 3.0, 5.0]);
        // INVITE->100 of 9 ms less the 6 ms OPTIONS round trip; audio round trips of
        // 46 and 26 ms less 2 x the 3 ms median one-way, halved; 4 ms clamps at 0.
        let note = echo_call_samples(&mut s, Some(9.0), rtt, &[46.0, 26.0, 4.0], "sip:echo@pbx");
        assert_eq!(note, None);
        assert_eq!(s.values[SIP_PROC], [3.0]);
        assert_eq!(s.values[RTP_FWD], [20.0, 10.0, 0.0]);
        assert!(s.sources[RTP_FWD].as_deref().unwrap().contains("echo call"));
    }

    #[test]
    fn an_echo_call_without_markers_says_so_and_leaves_no_figure() {
        let mut s = Samples::default();
        s.push(RTP_FWD, 12.0, "records");
        // No OPTIONS round trip: no SIP processing figure either.
        let note = echo_call_samples(&mut s, Some(9.0), None, &[], "sip:echo@pbx").unwrap();
        assert!(
            note.contains("sip:echo@pbx returned none of its markers"),
            "{note}"
        );
        assert!(s.values[RTP_FWD].is_empty() && s.sources[RTP_FWD].is_none());
        assert!(s.values[SIP_PROC].is_empty());
    }

    #[test]
    fn agent_probes_are_halved_and_their_connect_figures_become_a_detail() {
        let mut s = Samples::default();
        let p = |tcp, hs, meta| AgentProbe {
            tcp_ms: tcp,
            handshake_ms: hs,
            metadata_ms: meta,
            signed_url_ms: None,
        };
        agent_samples(
            &mut s,
            &[p(1.0, 8.0, 40.0), p(3.0, 12.0, 60.0)],
            "wss://api.example",
            "wss://api.example".into(),
        );
        assert_eq!(s.values[NET_AGENT], [20.0, 30.0]);
        assert_eq!(
            s.details[NET_AGENT],
            ["TCP connect p50 1.0 ms, TLS + upgrade p50 8.0 ms"]
        );
        assert!(s.agent_urls.contains("wss://api.example"));
        assert_eq!(rest_detail(&mut s, &[]), None);
        assert_eq!(rest_detail(&mut s, &[7.0, 9.0]), Some(7.0));
        assert_eq!(
            s.details[ARI_EVENT],
            ["probe: REST round trip p50 7.0 ms (2 requests)"]
        );
    }

    #[test]
    fn the_target_must_be_positive_and_the_verdict_names_both_figures() {
        assert!(check_target(150.0).is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = check_target(bad).unwrap_err();
            assert!(e.contains("must be a positive number"), "{e}");
        }
        assert_eq!(
            over_target_message(Some(212.0), 150.0),
            "the total one-way latency p95 (212 ms) is above the target of 150 ms"
        );
    }
}
