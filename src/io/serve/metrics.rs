//! The metrics `vcctl serve` exports on `/metrics`, registered once. The list with meanings
//! is in `docs/metrics.md`; keep the two in step.
//!
//! RTP figures carry two labels: `leg` is `media` (Asterisk <-> vcctl, measured by serve) or
//! `caller` (phone <-> Asterisk, as Asterisk reports it for the caller's channel, when that
//! channel has RTP), and `direction` is `inbound` (from the caller) or `outbound` (to it).

use vcctl_core::media::call_media::MediaStats;
use vcctl_core::media::call_rtp::{RtpInbound, RtpOutbound};
use vcctl_core::metrics::registry::{
    Counter, CounterVec, Gauge, Histogram, HistogramVec, Registry, LATENCY_BUCKETS,
};

const DURATION_BUCKETS: &[f64] = &[5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0];
const JITTER_BUCKETS: &[f64] = &[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
const LOSS_BUCKETS: &[f64] = &[0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5];
/// MOS buckets: G.109's category boundaries (R 50/60/70/80/90 are MOS 2.58/3.10/3.60/4.03/
/// 4.34) and finer steps near the G.711 ceiling of 4.41.
const MOS_BUCKETS: &[f64] = &[1.5, 2.0, 2.58, 3.1, 3.6, 4.03, 4.2, 4.34, 4.4];

#[derive(Debug, Clone)]
pub struct ServeMetrics {
    pub registry: Registry,
    pub calls_active: Gauge,
    pub calls: CounterVec,
    pub call_duration: HistogramVec,
    pub rtp_in: Counter,
    pub rtp_out: Counter,
    pub rtp_dropped: CounterVec,
    pub rtp_loss_ratio: HistogramVec,
    pub rtp_jitter: HistogramVec,
    pub rtp_lost: CounterVec,
    pub rtp_mos: HistogramVec,
    pub underflows: Counter,
    /// Silence frames of those underflows; the underflows agent audio resumed from (gaps the
    /// caller heard) and their frames (`PlayoutStats::gaps`).
    pub underflow_frames: Counter,
    pub gaps: Counter,
    pub gap_frames: Counter,
    pub standing_drops: Counter,
    pub agent_connect: Histogram,
    pub agent_response: HistogramVec,
    pub setup: Histogram,
    pub first_audio: HistogramVec,
    pub ari_reconnects: Counter,
    /// `--transport websocket`: interruption received -> Asterisk confirms the flush.
    pub barge_in_stop: Histogram,
    /// `--transport websocket`: agent audio received -> its first frame played by Asterisk.
    pub agent_to_played: Histogram,
    /// `--transport websocket`: flow-control and flush events of the Asterisk link.
    pub ws_events: CounterVec,
    /// Samples that went through a resampler, by direction (0 on pass-through calls).
    pub resampled_samples: CounterVec,
    pub reconciled: Counter,
    pub refused: CounterVec,
}

impl ServeMetrics {
    pub fn new() -> Self {
        let r = Registry::new();
        ServeMetrics {
            calls_active: r.gauge("vcctl_calls_active", "Calls being served now."),
            calls: r.counter_vec(
                "vcctl_calls_total",
                "Calls ended, by outcome and agent profile.",
                &["outcome", "profile"],
            ),
            call_duration: r.histogram_vec(
                "vcctl_call_duration_seconds",
                "Call duration from StasisStart to the end, by agent profile.",
                &["profile"],
                DURATION_BUCKETS,
            ),
            rtp_in: r.counter(
                "vcctl_rtp_packets_received_total",
                "RTP packets received from Asterisk and accepted.",
            ),
            rtp_out: r.counter(
                "vcctl_rtp_packets_sent_total",
                "RTP packets sent to Asterisk.",
            ),
            rtp_dropped: r.counter_vec(
                "vcctl_rtp_packets_dropped_total",
                "RTP packets dropped, by reason (foreign source, malformed).",
                &["reason"],
            ),
            rtp_loss_ratio: r.histogram_vec(
                "vcctl_rtp_loss_ratio",
                "RTP loss of each call as a fraction of expected packets, by leg and direction.",
                &["leg", "direction"],
                LOSS_BUCKETS,
            ),
            rtp_jitter: r.histogram_vec(
                "vcctl_rtp_jitter_seconds",
                "RTP interarrival jitter (RFC 3550) of each call at its end, by leg and direction.",
                &["leg", "direction"],
                JITTER_BUCKETS,
            ),
            rtp_mos: r.histogram_vec(
                "vcctl_rtp_mos",
                "E-model (ITU-T G.107) MOS estimate of each ended call, by leg and direction (docs/mos.md).",
                &["leg", "direction"],
                MOS_BUCKETS,
            ),
            rtp_lost: r.counter_vec(
                "vcctl_rtp_packets_lost_total",
                "RTP packets lost (expected minus received) in ended calls, by leg and direction.",
                &["leg", "direction"],
            ),
            underflows: r.counter(
                "vcctl_playout_underflows_total",
                "Times the playout queue ran dry in the middle of agent speech.",
            ),
            underflow_frames: r.counter(
                "vcctl_playout_underflow_frames_total",
                "Silence frames sent because the playout queue was dry in the middle of agent speech.",
            ),
            gaps: r.counter(
                "vcctl_playout_gaps_total",
                "Underflows the agent's audio resumed from: silence the caller heard between two pieces of agent audio.",
            ),
            gap_frames: r.counter(
                "vcctl_playout_gap_frames_total",
                "Silence frames inside those gaps.",
            ),
            standing_drops: r.counter(
                "vcctl_playout_standing_drops_total",
                "Times a backlog that stood in a playout queue while agent audio arrived in real time was dropped.",
            ),
            agent_connect: r.histogram(
                "vcctl_agent_connect_seconds",
                "Time to open an agent conversation (signed URL, TCP, TLS, WebSocket, metadata).",
                LATENCY_BUCKETS,
            ),
            agent_response: r.histogram_vec(
                "vcctl_agent_response_seconds",
                "End of the caller's speech to the first agent audio, by agent profile.",
                &["profile"],
                LATENCY_BUCKETS,
            ),
            setup: r.histogram(
                "vcctl_call_setup_seconds",
                "StasisStart received to caller and media bridged.",
                LATENCY_BUCKETS,
            ),
            first_audio: r.histogram_vec(
                "vcctl_call_first_audio_seconds",
                "StasisStart to the first agent audio sent to the caller, by agent profile.",
                &["profile"],
                LATENCY_BUCKETS,
            ),
            ari_reconnects: r.counter(
                "vcctl_ari_reconnects_total",
                "Times the ARI events connection was re-established.",
            ),
            barge_in_stop: r.histogram(
                "vcctl_barge_in_stop_seconds",
                "WebSocket transport: the agent's interruption received to Asterisk confirming the flush of what it had queued.",
                LATENCY_BUCKETS,
            ),
            agent_to_played: r.histogram(
                "vcctl_agent_audio_to_played_seconds",
                "WebSocket transport: the first agent audio of a response received to its first frame dequeued by Asterisk.",
                LATENCY_BUCKETS,
            ),
            ws_events: r.counter_vec(
                "vcctl_media_ws_events_total",
                "WebSocket transport: events of the Asterisk media link (xoff, xon, flush, overflow).",
                &["event"],
            ),
            resampled_samples: r.counter_vec(
                "vcctl_resampled_samples_total",
                "WebSocket transport: audio samples converted by the resampler, by direction (to_agent, to_caller); 0 when formats pass through.",
                &["direction"],
            ),
            reconciled: r.counter(
                "vcctl_ari_orphans_released_total",
                "Channels and bridges in the app that belonged to no call, released by the periodic reconciliation.",
            ),
            refused: r.counter_vec(
                "vcctl_calls_refused_total",
                "Calls hung up unanswered on arrival, by reason (max_calls, draining).",
                &["reason"],
            ),
            registry: r,
        }
    }
}

impl ServeMetrics {
    /// Add what a call's RTP counters gained since `last` (the same call's counters as last
    /// added): called every second while the call runs and once at its end, so the totals
    /// cover ended and live calls.
    pub fn add_rtp_counters(&self, s: &MediaStats, last: &MediaStats) {
        let (p, l) = (&s.playout, &last.playout);
        self.rtp_in
            .inc_by(s.rtp_in_packets.saturating_sub(last.rtp_in_packets));
        self.rtp_out
            .inc_by(s.rtp_out_packets.saturating_sub(last.rtp_out_packets));
        self.rtp_dropped.with(&["foreign_source"]).inc_by(
            s.rtp_dropped_foreign
                .saturating_sub(last.rtp_dropped_foreign),
        );
        self.rtp_dropped.with(&["malformed"]).inc_by(
            s.rtp_dropped_malformed
                .saturating_sub(last.rtp_dropped_malformed),
        );
        self.underflows
            .inc_by(p.underflows.saturating_sub(l.underflows));
        self.underflow_frames
            .inc_by(p.underflow_frames.saturating_sub(l.underflow_frames));
        self.gaps.inc_by(p.gaps.saturating_sub(l.gaps));
        self.gap_frames
            .inc_by(p.gap_frames.saturating_sub(l.gap_frames));
        self.standing_drops
            .inc_by(p.standing_drops.saturating_sub(l.standing_drops));
    }

    /// Count the RTP figures of one ended call (loss, jitter, lost packets per leg and
    /// direction; the caller's leg only when Asterisk reported it).
    pub fn observe_call_rtp(&self, i: &RtpInbound, o: &RtpOutbound) {
        if i.packets > 0 || i.lost > 0 {
            let l = ["media", "inbound"];
            self.rtp_loss_ratio.with(&l).observe(i.loss_ratio);
            self.rtp_jitter.with(&l).observe(i.jitter_ms / 1000.0);
            self.rtp_lost.with(&l).inc_by(i.lost.max(0) as u64);
            if let Some(m) = &i.mos {
                self.rtp_mos.with(&l).observe(m.mos);
            }
        }
        for (dir, leg) in [("inbound", &i.caller_leg), ("outbound", &o.caller_leg)] {
            if let Some(leg) = leg.as_ref().filter(|l| l.packets > 0 || l.lost > 0) {
                let l = ["caller", dir];
                self.rtp_loss_ratio.with(&l).observe(leg.loss_ratio);
                if let Some(j) = leg.jitter_ms {
                    self.rtp_jitter.with(&l).observe(j / 1000.0);
                }
                self.rtp_lost.with(&l).inc_by(leg.lost.max(0) as u64);
                if let Some(m) = &leg.mos {
                    self.rtp_mos.with(&l).observe(m.mos);
                }
            }
        }
    }
}

impl Default for ServeMetrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vcctl_core::metrics::prom_text;

    const DOCS: &str = include_str!("../../../docs/metrics.md");

    #[test]
    fn every_metric_follows_the_naming_rules_and_renders_valid_text() {
        let m = ServeMetrics::new();
        m.calls.with(&["completed", "default"]).inc();
        m.rtp_loss_ratio.with(&["media", "inbound"]).observe(0.01);
        m.rtp_jitter.with(&["caller", "outbound"]).observe(0.002);
        m.rtp_lost.with(&["media", "inbound"]).inc_by(3);
        m.first_audio.with(&["default"]).observe(1.2);
        let text = m.registry.render();
        let samples = prom_text::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for line in text.lines().filter(|l| l.starts_with("# TYPE ")) {
            let mut f = line.split(' ').skip(2);
            let (name, kind) = (f.next().unwrap(), f.next().unwrap());
            assert!(name.starts_with("vcctl_"), "{name}");
            match kind {
                "counter" => assert!(name.ends_with("_total"), "{name}"),
                // MOS is a score without unit (1 to 4.5), named as such.
                "histogram" => assert!(
                    name.ends_with("_seconds")
                        || name.ends_with("_ratio")
                        || name.ends_with("_mos"),
                    "{name}: histograms are in base units"
                ),
                _ => {}
            }
            assert!(!name.contains("_ms") && !name.contains("milli"), "{name}");
            assert!(
                DOCS.contains(&format!("| `{name}` | {kind} |")),
                "{name} ({kind}) is not listed in docs/metrics.md"
            );
        }
        assert_eq!(
            prom_text::value(
                &samples,
                "vcctl_rtp_packets_lost_total",
                &[("leg", "media"), ("direction", "inbound")]
            ),
            Some(3.0)
        );
        assert_eq!(
            prom_text::value(&samples, "vcctl_ari_reconnects_total", &[]),
            Some(0.0)
        );
    }

    #[test]
    fn playout_underflows_and_gaps_are_summed_over_live_and_ended_calls() {
        use vcctl_core::media::call_media::PlayoutSummary;
        let m = ServeMetrics::new();
        let stats = |underflows, underflow_frames, gaps, gap_frames| MediaStats {
            playout: PlayoutSummary {
                underflows,
                underflow_frames,
                gaps,
                gap_frames,
                ..Default::default()
            },
            ..Default::default()
        };
        // An ended call: flushed once mid-call, then its final counters.
        let mid = stats(1, 2, 1, 2);
        m.add_rtp_counters(&mid, &MediaStats::default());
        m.add_rtp_counters(&stats(3, 9, 2, 3), &mid);
        // A live call, flushed once so far: one underflow that has not resumed (not a gap).
        m.add_rtp_counters(&stats(1, 4, 0, 0), &MediaStats::default());
        let samples = prom_text::parse(&m.registry.render()).unwrap();
        let get = |name| prom_text::value(&samples, name, &[]);
        assert_eq!(get("vcctl_playout_underflows_total"), Some(4.0));
        assert_eq!(get("vcctl_playout_underflow_frames_total"), Some(13.0));
        assert_eq!(get("vcctl_playout_gaps_total"), Some(2.0));
        assert_eq!(get("vcctl_playout_gap_frames_total"), Some(3.0));
    }

    #[test]
    fn each_call_s_mos_lands_in_its_leg_and_direction() {
        use vcctl_core::analysis::mos::Codec;
        use vcctl_core::media::call_media::MediaStats;
        let m = ServeMetrics::new();
        let clean = MediaStats {
            rtp_in_packets: 500,
            ..Default::default()
        };
        let lossy = MediaStats {
            rtp_in_packets: 450,
            rtp_in_lost: 50,
            ..Default::default()
        };
        for s in [&clean, &lossy] {
            let (i, o) = vcctl_core::media::call_rtp::split(s, None, Some(Codec::Pcmu), None);
            m.observe_call_rtp(&i, &o);
        }
        let samples = prom_text::parse(&m.registry.render()).unwrap();
        let get = |name: &str, le: Option<&str>| {
            samples
                .iter()
                .find(|s| {
                    s.name == name
                        && s.labels.get("leg").map(String::as_str) == Some("media")
                        && s.labels.get("direction").map(String::as_str) == Some("inbound")
                        && s.labels.get("le").map(String::as_str) == le
                })
                .map(|s| s.value)
        };
        assert_eq!(get("vcctl_rtp_mos_count", None), Some(2.0));
        // 10 % loss is below 2.0; the clean call (about 4.39) only in the top buckets.
        assert_eq!(get("vcctl_rtp_mos_bucket", Some("2")), Some(1.0));
        assert_eq!(get("vcctl_rtp_mos_bucket", Some("4.34")), Some(1.0));
        assert_eq!(get("vcctl_rtp_mos_bucket", Some("4.4")), Some(2.0));
        // The caller's leg was not reported: no sample for it.
        assert!(!samples.iter().any(|s| s.name == "vcctl_rtp_mos_count"
            && s.labels.get("leg").map(String::as_str) == Some("caller")));
    }
}
