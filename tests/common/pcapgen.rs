//! Generation of RTP/SIP captures with known impairments, for the integration tests.
//!
//! A stream is described by [`StreamSpec`]; [`packets`] lays its packets out on the ideal
//! 20 ms grid, and the impairment helpers edit that list (drop, duplicate, reorder, delay,
//! change SSRC). [`write_pcap`]/[`write_pcapng`] write everything in arrival order.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use vcctl::io::pcap::{PcapNgWriter, PcapWriter};
use vcctl_core::capture::net::LinkType;
use vcctl_core::media::rtp::{Pt, RtpHeader, SeqNo, Ssrc};

/// Base time of generated captures: 2024-01-01T00:00:00Z.
pub const EPOCH: Duration = Duration::from_secs(1_704_067_200);

#[derive(Debug, Clone)]
pub struct StreamSpec {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub ssrc: u32,
    pub pt: u8,
    pub first_seq: u16,
    pub first_ts: u32,
    pub samples_per_packet: u32,
    pub ptime_ms: u64,
    pub count: usize,
    /// Offset of the first packet from [`EPOCH`].
    pub start: Duration,
    pub payload_len: usize,
}

impl StreamSpec {
    pub fn pcmu(src: &str, dst: &str, ssrc: u32, count: usize) -> Self {
        StreamSpec {
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            ssrc,
            pt: 0,
            first_seq: 1000,
            first_ts: 16_000,
            samples_per_packet: 160,
            ptime_ms: 20,
            count,
            start: Duration::from_millis(100),
            payload_len: 160,
        }
    }
}

/// One packet to write.
#[derive(Debug, Clone)]
pub struct GenPkt {
    pub arrival: Duration,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub seq: u16,
    pub ts: u32,
    pub ssrc: u32,
    pub pt: u8,
    pub marker: bool,
    pub payload_len: usize,
    /// A non-RTP payload (SIP), written instead of an RTP packet when set.
    pub raw: Option<Vec<u8>>,
}

impl GenPkt {
    pub fn bytes(&self) -> Vec<u8> {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let mut out = Vec::new();
        let payload = vec![0xffu8; self.payload_len];
        RtpHeader {
            marker: self.marker,
            payload_type: Pt(self.pt),
            seq: SeqNo(self.seq),
            timestamp: self.ts,
            ssrc: Ssrc(self.ssrc),
        }
        .write(&payload, &mut out);
        out
    }
}

/// The stream's packets on the ideal grid: packet i at start + i*ptime, seq first+i,
/// timestamp first + i*spp; the first packet carries the marker bit.
pub fn packets(s: &StreamSpec) -> Vec<GenPkt> {
    (0..s.count)
        .map(|i| GenPkt {
            arrival: EPOCH + s.start + Duration::from_millis(s.ptime_ms * i as u64),
            src: s.src,
            dst: s.dst,
            seq: s.first_seq.wrapping_add(i as u16),
            ts: s.first_ts.wrapping_add(s.samples_per_packet * i as u32),
            ssrc: s.ssrc,
            pt: s.pt,
            marker: i == 0,
            payload_len: s.payload_len,
            raw: None,
        })
        .collect()
}

/// A SIP message datagram at `at` after [`EPOCH`].
pub fn sip(at: Duration, src: &str, dst: &str, text: &str) -> GenPkt {
    GenPkt {
        arrival: EPOCH + at,
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
        seq: 0,
        ts: 0,
        ssrc: 0,
        pt: 0,
        marker: false,
        payload_len: 0,
        raw: Some(text.replace('\n', "\r\n").into_bytes()),
    }
}

/// Remove the packets with these stream indices (indices refer to the original list).
pub fn drop_indices(p: &mut Vec<GenPkt>, idx: &[usize]) {
    let mut i = 0;
    p.retain(|_| {
        let keep = !idx.contains(&i);
        i += 1;
        keep
    });
}

/// Send packet `i` again `after` later.
pub fn duplicate(p: &mut Vec<GenPkt>, i: usize, after: Duration) {
    let mut d = p[i].clone();
    d.arrival += after;
    p.push(d);
}

/// Delay packet `i`'s arrival by `by`.
pub fn delay(p: &mut [GenPkt], i: usize, by: Duration) {
    p[i].arrival += by;
}

/// From packet `i` on, use SSRC `ssrc` with a new random-looking sequence/timestamp base.
pub fn change_ssrc(p: &mut [GenPkt], i: usize, ssrc: u32, seq: u16, ts: u32) {
    for (k, pkt) in p.iter_mut().enumerate().skip(i) {
        pkt.ssrc = ssrc;
        pkt.seq = seq.wrapping_add((k - i) as u16);
        pkt.ts = ts.wrapping_add(160 * (k - i) as u32);
        pkt.marker = k == i;
    }
}

fn sorted(mut all: Vec<GenPkt>) -> Vec<GenPkt> {
    // Stable: equal arrivals keep their list order.
    all.sort_by_key(|p| p.arrival);
    all
}

/// Write a classic pcap of link type `lt` with the packets in arrival order.
pub fn write_pcap(path: &Path, lt: LinkType, nanos: bool, all: Vec<GenPkt>) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = PcapWriter::with_resolution(std::io::BufWriter::new(f), lt, nanos).unwrap();
    for p in sorted(all) {
        w.write_udp(p.arrival, p.src, p.dst, &p.bytes()).unwrap();
    }
    w.into_inner().unwrap();
}

/// Write a pcapng whose packets alternate between interfaces of the given link types and
/// timestamp resolutions (10^-exp s).
pub fn write_pcapng(path: &Path, ifaces: &[(LinkType, u8)], all: Vec<GenPkt>) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = PcapNgWriter::new(std::io::BufWriter::new(f)).unwrap();
    for (lt, exp) in ifaces {
        w.add_interface(*lt, *exp).unwrap();
    }
    for (i, p) in sorted(all).into_iter().enumerate() {
        let iface = (i % ifaces.len()) as u32;
        w.write_udp(iface, p.arrival, p.src, p.dst, &p.bytes())
            .unwrap();
    }
    w.into_inner().unwrap();
}
