//! Offline analysis: RTP stream statistics computed the way Wireshark computes them, with SDP
//! correlation and SIP ladders (`rtp_stats`, for `vcctl rtp-stats`), the latency breakdown
//! of `latency-report` (`latency`) and how its active probes become samples (`latency_probes`) and call-record statistics (`stats`).

pub mod latency;
pub mod latency_probes;
pub mod rtp_stats;
pub mod stats;
