//! tshark's `-q -z rtp,streams` table, parsed: the reference the RTP statistics are compared
//! with, by `tests/rtp_stats_tshark.rs` and `benches/capture.rs` (both include this file).
#![allow(dead_code)]

use std::net::SocketAddr;

/// One row of tshark's `rtp,streams` table.
#[derive(Debug)]
pub struct TsharkRow {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub ssrc: u32,
    pub packets: u64,
    pub lost: i64,
    pub max_delta: f64,
    pub mean_delta: f64,
    pub max_jitter: f64,
    pub mean_jitter: f64,
    /// tshark's problem flag (`X` at the end of the row).
    pub problem: bool,
}

/// The stream rows of tshark's output (headers and other lines skipped).
pub fn rows(out: &str) -> Vec<TsharkRow> {
    let mut rows = Vec::new();
    for line in out.lines() {
        let mut t: Vec<&str> = line.split_whitespace().collect();
        if t.len() < 17 || !t[6].starts_with("0x") {
            continue;
        }
        let problem = t.last() == Some(&"X");
        if problem {
            t.pop();
        }
        // start end src sport dst dport ssrc payload... pkts lost (pct) minD meanD maxD minJ meanJ maxJ
        let n = t.len();
        let f = |i: usize| t[n - i].parse::<f64>().unwrap();
        rows.push(TsharkRow {
            src: format!("{}:{}", t[2], t[3]).parse().unwrap(),
            dst: format!("{}:{}", t[4], t[5]).parse().unwrap(),
            ssrc: u32::from_str_radix(&t[6][2..], 16).unwrap(),
            packets: t[n - 9].parse().unwrap(),
            lost: t[n - 8].parse().unwrap(),
            max_delta: f(4),
            mean_delta: f(5),
            mean_jitter: f(2),
            max_jitter: f(1),
            problem,
        });
    }
    rows
}
