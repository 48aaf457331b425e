//! The lines `vcctl serve` logs at its default level: one when a call starts, one when it
//! ends (outcome, duration, who ended it, media figures both ways), and a summary when serve
//! stops. Pure formatting; serve decides when to log them.

use crate::analysis::stats::percentile;
use serde::Serialize;

use crate::media::call_rtp::{RtpInbound, RtpOutbound};

/// `call 1.2 started: 1001 -> test on PJSIP/anonymous-00000004 (2 other calls active)`.
pub fn call_started(
    id: &str,
    caller: &str,
    extension: &str,
    channel: &str,
    others: usize,
) -> String {
    format!(
        "call {id} started: {} -> {} on {channel} ({others} other call{} active)",
        or_dash(caller),
        or_dash(extension),
        if others == 1 { "" } else { "s" }
    )
}

/// What [`call_ended`] reports.
#[derive(Debug, Clone, Default)]
pub struct CallEnded<'a> {
    pub id: &'a str,
    pub caller: &'a str,
    pub extension: &'a str,
    pub profile: &'a str,
    /// `completed`, `agent_failed`, ...
    pub outcome: &'a str,
    /// `caller`, `agent`, `system`, ...
    pub ended_by: &'a str,
    pub cause: Option<&'a str>,
    pub duration_seconds: f64,
    pub inbound: Option<&'a RtpInbound>,
    pub outbound: Option<&'a RtpOutbound>,
    /// End of caller speech to first agent audio, each response (ms).
    pub agent_response_ms: &'a [f64],
}

/// `call 1.2 ended: completed after 5.0 s, by caller (Normal Clearing); 1001 -> test,
/// profile default; from the caller 249 packets, 0 lost (0.0 %), jitter 0.4 ms; to the
/// caller 250 packets (120 of agent audio), 0 underflows; 2 agent responses, median 300 ms`;
/// with underflows, how many of them were gaps the caller heard mid-response: `3 underflows
/// (2 heard mid-response)`.
pub fn call_ended(c: &CallEnded<'_>) -> String {
    let mut s = format!(
        "call {} ended: {} after {:.1} s, by {}",
        c.id, c.outcome, c.duration_seconds, c.ended_by
    );
    if let Some(cause) = c.cause.filter(|x| !x.is_empty()) {
        s.push_str(&format!(" ({cause})"));
    }
    s.push_str(&format!(
        "; {} -> {}, profile {}",
        or_dash(c.caller),
        or_dash(c.extension),
        or_dash(c.profile)
    ));
    match c.inbound {
        Some(i) => s.push_str(&format!(
            "; from the caller {} packets, {} lost ({:.1} %), jitter {:.1} ms",
            i.packets,
            i.lost.max(0),
            i.loss_ratio * 100.0,
            i.jitter_ms
        )),
        None => s.push_str("; no media"),
    }
    if let Some(o) = c.outbound {
        s.push_str(&format!(
            "; to the caller {} packets ({} of agent audio), {} underflow{}",
            o.packets,
            o.audio_frames,
            o.underflows,
            if o.underflows == 1 { "" } else { "s" }
        ));
        if o.underflows > 0 {
            s.push_str(&format!(" ({} heard mid-response)", o.gaps));
        }
    }
    if c.inbound.is_some() {
        match percentile(c.agent_response_ms, 50.0) {
            Some(p50) => s.push_str(&format!(
                "; {} agent response{}, median {p50:.0} ms",
                c.agent_response_ms.len(),
                if c.agent_response_ms.len() == 1 {
                    ""
                } else {
                    "s"
                }
            )),
            None => s.push_str("; no agent response measured"),
        }
    }
    s
}

/// Figures for the summary serve prints when it stops (its JSON form with `--json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServeTotals {
    pub uptime_seconds: f64,
    /// Ended calls per outcome (an object in JSON: `{"completed": 2}`).
    #[serde(serialize_with = "as_map")]
    pub by_outcome: Vec<(String, u64)>,
    pub duration_sum_seconds: f64,
    pub rtp_in: u64,
    pub rtp_out: u64,
    /// Times an RTP call's playout ran dry mid-speech; of them the gaps the caller heard
    /// (agent audio resumed after the silence) and those gaps' 20 ms silence frames. The
    /// other underflows ended a response.
    pub underflows: u64,
    pub gaps: u64,
    pub gap_frames: u64,
    pub ari_reconnects: u64,
}

fn as_map<S: serde::Serializer>(v: &[(String, u64)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(v.iter().map(|(k, n)| (k, n)))
}

/// `stopped after 12.3 s: 3 calls (2 completed, 1 agent_failed), 15.2 s of calls (mean
/// 5.1 s); RTP 740 packets in, 752 out; 0 playout underflows; 0 ARI reconnects`; with
/// underflows, the gaps heard among them: `3 playout underflows (2 heard mid-response, 7
/// silence frames)`.
pub fn shutdown_summary(t: &ServeTotals) -> String {
    let calls: u64 = t.by_outcome.iter().map(|(_, n)| n).sum();
    let mut s = format!("stopped after {:.1} s: ", t.uptime_seconds);
    if calls == 0 {
        s.push_str("no calls");
    } else {
        let mut parts: Vec<(String, u64)> = t
            .by_outcome
            .iter()
            .filter(|(_, n)| *n > 0)
            .cloned()
            .collect();
        parts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        s.push_str(&format!(
            "{calls} call{} ({}), {:.1} s of calls (mean {:.1} s)",
            if calls == 1 { "" } else { "s" },
            parts
                .iter()
                .map(|(o, n)| format!("{n} {o}"))
                .collect::<Vec<_>>()
                .join(", "),
            t.duration_sum_seconds,
            t.duration_sum_seconds / calls as f64
        ));
    }
    s.push_str(&format!(
        "; RTP {} packets in, {} out; {} playout underflow{}",
        t.rtp_in,
        t.rtp_out,
        t.underflows,
        if t.underflows == 1 { "" } else { "s" },
    ));
    match (t.underflows, t.gaps) {
        (0, _) => {}
        (_, 0) => s.push_str(" (0 heard mid-response)"),
        (_, g) => s.push_str(&format!(
            " ({g} heard mid-response, {} silence frame{})",
            t.gap_frames,
            if t.gap_frames == 1 { "" } else { "s" }
        )),
    }
    s.push_str(&format!(
        "; {} ARI reconnect{}",
        t.ari_reconnects,
        if t.ari_reconnects == 1 { "" } else { "s" }
    ));
    s
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_and_end_lines_carry_caller_extension_profile_outcome_duration_and_media() {
        assert_eq!(
            call_started("1.2", "1001", "test", "PJSIP/anonymous-00000004", 1),
            "call 1.2 started: 1001 -> test on PJSIP/anonymous-00000004 (1 other call active)"
        );
        let inbound = RtpInbound {
            packets: 249,
            lost: 1,
            loss_ratio: 0.004,
            jitter_ms: 0.42,
            ..Default::default()
        };
        let mut outbound = RtpOutbound {
            packets: 250,
            audio_frames: 120,
            underflows: 3,
            gaps: 2,
            ..Default::default()
        };
        let ended = |outbound: &RtpOutbound| {
            call_ended(&CallEnded {
                id: "1.2",
                caller: "1001",
                extension: "test",
                profile: "default",
                outcome: "completed",
                ended_by: "caller",
                cause: Some("Normal Clearing"),
                duration_seconds: 5.04,
                inbound: Some(&inbound),
                outbound: Some(outbound),
                agent_response_ms: &[300.0, 320.0],
            })
        };
        assert_eq!(
            ended(&outbound),
            "call 1.2 ended: completed after 5.0 s, by caller (Normal Clearing); 1001 -> test, \
             profile default; from the caller 249 packets, 1 lost (0.4 %), jitter 0.4 ms; \
             to the caller 250 packets (120 of agent audio), 3 underflows (2 heard mid-response); \
             2 agent responses, median 300 ms"
        );
        // One underflow that ended its talkspurt: no gap heard; none at all: nothing to split.
        (outbound.underflows, outbound.gaps) = (1, 0);
        assert!(ended(&outbound).contains(", 1 underflow (0 heard mid-response); 2 agent"));
        (outbound.underflows, outbound.gaps) = (0, 0);
        assert!(ended(&outbound).contains(", 0 underflows; 2 agent"));
        let failed = call_ended(&CallEnded {
            id: "1.3",
            outcome: "agent_failed",
            ended_by: "agent",
            profile: "none",
            ..Default::default()
        });
        assert_eq!(
            failed,
            "call 1.3 ended: agent_failed after 0.0 s, by agent; - -> -, profile none; no media"
        );
    }

    #[test]
    fn the_shutdown_summary_tells_gaps_heard_from_the_other_underflows_both_forms() {
        let t = ServeTotals {
            by_outcome: vec![("completed".into(), 2)],
            underflows: 3,
            gaps: 2,
            gap_frames: 7,
            ..Default::default()
        };
        let text = shutdown_summary(&t);
        assert!(
            text.contains("; 3 playout underflows (2 heard mid-response, 7 silence frames); 0 ARI"),
            "{text}"
        );
        // Underflows that all ended their response: none heard as a hole.
        let ends = ServeTotals {
            underflows: 1,
            ..Default::default()
        };
        assert!(
            shutdown_summary(&ends).contains("; 1 playout underflow (0 heard mid-response); 0 ARI"),
            "{}",
            shutdown_summary(&ends)
        );
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(
            (&v["underflows"], &v["gaps"], &v["gap_frames"]),
            (&3.into(), &2.into(), &7.into())
        );
        assert_eq!(v["by_outcome"], serde_json::json!({"completed": 2}));
    }

    #[test]
    fn the_shutdown_summary_adds_up_the_calls() {
        let t = ServeTotals {
            uptime_seconds: 12.34,
            by_outcome: vec![
                ("agent_failed".into(), 1),
                ("completed".into(), 2),
                ("error".into(), 0),
            ],
            duration_sum_seconds: 15.3,
            rtp_in: 740,
            rtp_out: 752,
            underflows: 0,
            gaps: 0,
            gap_frames: 0,
            ari_reconnects: 1,
        };
        assert_eq!(
            shutdown_summary(&t),
            "stopped after 12.3 s: 3 calls (2 completed, 1 agent_failed), 15.3 s of calls (mean 5.1 s); \
             RTP 740 packets in, 752 out; 0 playout underflows; 1 ARI reconnect"
        );
        assert!(
            shutdown_summary(&ServeTotals::default()).starts_with("stopped after 0.0 s: no calls;")
        );
    }
}
