//! Offline analysis: RTP stream statistics computed the way Wireshark computes them, with SDP
//! correlation and SIP ladders (`rtp_stats`, for `vcctl rtp-stats`), the latency breakdown
//! of `latency-report` (`latency`) and call-record statistics (`stats`).

pub mod latency;
pub mod rtp_stats;
pub mod stats;
