//! The sans-IO side of `vcctl capture`: the Linux cooked v2 header written in front of
//! packets from the `any` pseudo-interface, the names of rotated files, the live counters
//! shown while capturing, and the final report.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::capture::net::{self, Decoded, LinkType};
use crate::media::rtp::looks_like_rtp;
use crate::sip::message::looks_like_sip;

/// Length of a Linux cooked v2 (LINKTYPE_LINUX_SLL2) header.
pub const SLL2_LEN: usize = 20;

/// Fill `out` with a LINKTYPE_LINUX_SLL2 header from what the kernel reports for a packet
/// of a `SOCK_DGRAM` packet socket (its `sockaddr_ll`): ethertype, interface index,
/// `ARPHRD_*` type, packet type and link-layer address (at most 8 bytes are kept).
pub fn sll2_header(
    protocol: u16,
    ifindex: u32,
    hatype: u16,
    pkttype: u8,
    addr: &[u8],
    out: &mut [u8; SLL2_LEN],
) {
    let halen = addr.len().min(8);
    out[0..2].copy_from_slice(&protocol.to_be_bytes());
    out[2..4].copy_from_slice(&[0, 0]);
    out[4..8].copy_from_slice(&ifindex.to_be_bytes());
    out[8..10].copy_from_slice(&hatype.to_be_bytes());
    out[10] = pkttype;
    out[11] = halen as u8;
    out[12..20].fill(0);
    out[12..12 + halen].copy_from_slice(&addr[..halen]);
}

/// The `n`-th file (1-based) of a rotated capture written to `base`: `call.pcap` ->
/// `call-0001.pcap`, `call-0002.pcap`, ... so the names sort in capture order.
pub fn rotated_path(base: &Path, n: u32) -> PathBuf {
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "capture".into());
    let name = match base.extension() {
        Some(ext) => format!("{stem}-{n:04}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n:04}"),
    };
    base.with_file_name(name)
}

/// Streams tracked for the live count; beyond this the count stops growing (a flood of
/// random-looking UDP must not eat memory).
const MAX_TRACKED_STREAMS: usize = 100_000;

/// What the progress line shows, updated per packet.
#[derive(Debug, Default, Clone)]
pub struct LiveCounters {
    pub packets: u64,
    /// Bytes on the wire (original lengths).
    pub bytes: u64,
    pub sip_messages: u64,
    streams: HashSet<(SocketAddr, SocketAddr, u32)>,
}

impl LiveCounters {
    /// Count one captured frame.
    pub fn observe(&mut self, linktype: LinkType, frame: &[u8], orig_len: u32) {
        self.packets += 1;
        self.bytes += orig_len as u64;
        if let Ok(Decoded::Udp(u)) = net::decode(linktype, frame) {
            if looks_like_sip(u.payload) {
                self.sip_messages += 1;
            } else if looks_like_rtp(u.payload) && self.streams.len() < MAX_TRACKED_STREAMS {
                let p = u.payload;
                let ssrc = u32::from_be_bytes([p[8], p[9], p[10], p[11]]);
                self.streams.insert((u.src, u.dst, ssrc));
            }
        }
    }

    /// Distinct (source, destination, SSRC) RTP streams seen.
    pub fn rtp_streams(&self) -> u64 {
        self.streams.len() as u64
    }

    /// The progress line: packets, bytes, SIP messages, RTP streams, kernel drops.
    pub fn line(&self, kernel_drops: u64) -> String {
        format!(
            "{} packets, {}, {} SIP messages, {} RTP stream{}, {} dropped by the kernel",
            self.packets,
            human_bytes(self.bytes),
            self.sip_messages,
            self.rtp_streams(),
            if self.rtp_streams() == 1 { "" } else { "s" },
            kernel_drops
        )
    }
}

/// `1234567` -> `1.2 MB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Why a capture ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `--count` packets were written.
    Count,
    /// `--duration` passed.
    Duration,
    /// Ctrl-C or SIGTERM.
    Interrupted,
}

/// One file a capture wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaptureFile {
    pub path: String,
    pub packets: u64,
    /// File size in bytes.
    pub bytes: u64,
}

/// What `vcctl capture` reports at the end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaptureReport {
    pub interface: String,
    pub linktype: LinkType,
    pub linktype_name: &'static str,
    /// The kernel filter, in tcpdump syntax.
    pub filter: String,
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    pub sip_messages: u64,
    pub rtp_streams: u64,
    /// Packets the kernel filter accepted (PACKET_STATISTICS `tp_packets`).
    pub kernel_accepted: u64,
    /// Packets the kernel dropped because the socket buffer was full (`tp_drops`).
    pub kernel_drops: u64,
    pub duration_s: f64,
    pub stopped_by: StopReason,
    pub files: Vec<CaptureFile>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sll2_header_decodes() {
        let mut ip = Vec::new();
        net::synthesize_udp(
            "127.0.0.1:5060".parse().unwrap(),
            "127.0.0.1:20000".parse().unwrap(),
            b"INVITE sip:x@y SIP/2.0\r\n\r\n",
            &mut ip,
        )
        .unwrap();
        let mut h = [0u8; SLL2_LEN];
        sll2_header(0x0800, 1, 772, 0, &[0; 6], &mut h);
        let mut f = h.to_vec();
        f.extend_from_slice(&ip);
        match net::decode(LinkType::LINUX_SLL2, &f).unwrap() {
            Decoded::Udp(u) => assert_eq!(u.dst.port(), 20000),
            other => panic!("{other:?}"),
        }
        assert_eq!(&h[4..8], &[0, 0, 0, 1]);
        assert_eq!(&h[8..10], &[0x03, 0x04]);
        assert_eq!(h[11], 6);
        // Long addresses are cut to 8 bytes.
        sll2_header(0x86dd, 7, 1, 4, &[0xaa; 20], &mut h);
        assert_eq!(h[11], 8);
        assert_eq!(&h[12..20], &[0xaa; 8]);
    }

    #[test]
    fn rotated_names_sort_in_order() {
        assert_eq!(
            rotated_path(Path::new("/tmp/call.pcap"), 1),
            PathBuf::from("/tmp/call-0001.pcap")
        );
        assert_eq!(
            rotated_path(Path::new("dump"), 12),
            PathBuf::from("dump-0012")
        );
        assert!(rotated_path(Path::new("a.pcap"), 9) < rotated_path(Path::new("a.pcap"), 10));
    }

    #[test]
    fn counters_tell_sip_from_rtp_streams() {
        let mut c = LiveCounters::default();
        let mut ip = Vec::new();
        let mut frame = |src: &str, dst: &str, payload: &[u8]| {
            net::synthesize_udp(src.parse().unwrap(), dst.parse().unwrap(), payload, &mut ip)
                .unwrap();
            ip.clone()
        };
        let sip = frame("10.0.0.1:5060", "10.0.0.2:5060", b"SIP/2.0 200 OK\r\n\r\n");
        let mut rtp = vec![0x80, 0, 0, 1, 0, 0, 0, 160, 0xde, 0xad, 0xbe, 0xef];
        rtp.extend_from_slice(&[0xff; 160]);
        let a = frame("10.0.0.1:20000", "10.0.0.2:30000", &rtp);
        let b = frame("10.0.0.2:30000", "10.0.0.1:20000", &rtp);
        for f in [&sip, &a, &a, &b] {
            c.observe(LinkType::RAW, f, f.len() as u32);
        }
        assert_eq!(c.packets, 4);
        assert_eq!(c.sip_messages, 1);
        assert_eq!(c.rtp_streams(), 2);
        assert_eq!(c.bytes, (sip.len() + 2 * a.len() + b.len()) as u64);
        assert!(c.line(3).contains("2 RTP streams, 3 dropped"));
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
    }
}
