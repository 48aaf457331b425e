//! The metrics `vcctl serve` exports on `/metrics`, registered once.

use crate::core::metrics::{
    Counter, CounterVec, Gauge, Histogram, HistogramVec, Registry, LATENCY_BUCKETS,
};

const DURATION_BUCKETS: &[f64] = &[5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0];
const JITTER_BUCKETS: &[f64] = &[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1];
const LOSS_BUCKETS: &[f64] = &[0.0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5];

#[derive(Debug, Clone)]
pub struct ServeMetrics {
    pub registry: Registry,
    pub calls_active: Gauge,
    pub calls: CounterVec,
    pub call_duration: HistogramVec,
    pub rtp_in: Counter,
    pub rtp_out: Counter,
    pub rtp_dropped: CounterVec,
    pub rtp_loss_ratio: Histogram,
    pub rtp_jitter: Histogram,
    pub underflows: Counter,
    pub agent_connect: Histogram,
    pub agent_response: HistogramVec,
    pub setup: Histogram,
    pub ari_reconnects: Counter,
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
            rtp_loss_ratio: r.histogram(
                "vcctl_rtp_inbound_loss_ratio",
                "Inbound RTP loss of each call, as a fraction of expected packets.",
                LOSS_BUCKETS,
            ),
            rtp_jitter: r.histogram(
                "vcctl_rtp_inbound_jitter_seconds",
                "Inbound RTP interarrival jitter of each call (RFC 3550) at its end.",
                JITTER_BUCKETS,
            ),
            underflows: r.counter(
                "vcctl_playout_underflows_total",
                "Times the playout queue ran dry in the middle of agent speech.",
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
            ari_reconnects: r.counter(
                "vcctl_ari_reconnects_total",
                "Times the ARI events connection was re-established.",
            ),
            registry: r,
        }
    }
}

impl Default for ServeMetrics {
    fn default() -> Self {
        Self::new()
    }
}
