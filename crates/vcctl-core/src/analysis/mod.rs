//! Offline analysis: RTP stream statistics computed the way Wireshark computes them, with SDP
//! correlation and SIP ladders (`rtp_stats`, for `vcctl rtp-stats`), the latency breakdown
//! of `latency-report` (`latency`), call-record statistics (`stats`) and the ITU-T G.107
//! E-model's MOS estimate of a stream (`mos`).

pub mod latency;
pub mod mos;
pub mod rtp_stats;
pub mod stats;
