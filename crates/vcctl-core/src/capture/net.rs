//! Link, network and transport layer decoding of captured frames, and the inverse
//! (building a raw IPv4/IPv6 + UDP packet). Pure functions over byte slices: no I/O.
//!
//! Supported link types: Ethernet (with stacked 802.1Q/802.1ad VLAN tags and PPPoE
//! sessions), Linux cooked capture v1 (SLL) and v2 (SLL2), raw IP (LINKTYPE_RAW and the
//! per-version LINKTYPE_IPV4/IPV6, plus the BSD DLT_RAW values 12 and 14) and BSD
//! loopback (LINKTYPE_NULL in either byte order, LINKTYPE_LOOP). Above them IPv4 (options
//! skipped, fragments: only the first one carries the UDP header) and IPv6 (extension
//! headers walked), then UDP; TCP is recognised only so it can be counted and skipped.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::Duration;

use serde::Serialize;

/// A pcap/pcapng link-layer header type (the LINKTYPE_* registry value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: 4-byte address family in the byte order of the capturing host.
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    /// DLT_RAW as OpenBSD and some BSDs number it in files written there.
    pub const BSD_RAW_12: LinkType = LinkType(12);
    pub const BSD_RAW_14: LinkType = LinkType(14);
    /// Raw IPv4 or IPv6, version taken from the first nibble.
    pub const RAW: LinkType = LinkType(101);
    /// OpenBSD loopback: 4-byte address family in network byte order.
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// Human name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::NULL => "BSD loopback",
            Self::ETHERNET => "Ethernet",
            Self::BSD_RAW_12 | Self::BSD_RAW_14 | Self::RAW => "raw IP",
            Self::LOOP => "OpenBSD loopback",
            Self::LINUX_SLL => "Linux cooked v1",
            Self::IPV4 => "raw IPv4",
            Self::IPV6 => "raw IPv6",
            Self::LINUX_SLL2 => "Linux cooked v2",
            _ => "unknown",
        }
    }

    /// Whether [`decode`] understands this link type.
    pub fn is_supported(self) -> bool {
        self.name() != "unknown"
    }
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

/// One captured frame as a capture file holds it. Produced by `io::pcap`, consumed by the
/// analysers; lives in `core` so the core does not depend on the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Capture time since the Unix epoch.
    pub ts: Duration,
    pub linktype: LinkType,
    /// The captured bytes (possibly shorter than the frame on the wire).
    pub data: Vec<u8>,
    /// Length of the frame on the wire.
    pub orig_len: u32,
}

/// A UDP datagram found inside a frame; `payload` borrows from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpDatagram<'a> {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub payload: &'a [u8],
}

/// What a frame turned out to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded<'a> {
    Udp(UdpDatagram<'a>),
    /// A TCP segment (not decoded further).
    Tcp {
        src: SocketAddr,
        dst: SocketAddr,
    },
    /// An IPv4 or IPv6 fragment other than the first: no transport header to read.
    NonFirstFragment,
    /// Not IP (ARP, LLDP, ...) or an IP protocol other than UDP/TCP (ICMP, ESP, ...).
    Other,
}

/// Why a frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetError {
    #[error("link type {0} is not supported")]
    UnsupportedLinkType(LinkType),
    #[error("{layer} header is truncated ({have} of {need} bytes)")]
    Truncated {
        layer: &'static str,
        have: usize,
        need: usize,
    },
    #[error("IP version {0} is neither 4 nor 6")]
    BadIpVersion(u8),
    #[error("IPv4 header length {0} is shorter than 20 bytes")]
    BadIhl(usize),
    #[error("UDP length {0} is shorter than the 8-byte header")]
    BadUdpLength(usize),
    #[error("a UDP payload of {0} bytes does not fit in one IP packet")]
    PayloadTooLarge(usize),
    #[error("source and destination are not the same IP version")]
    MixedFamilies,
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;

fn need(layer: &'static str, buf: &[u8], n: usize) -> Result<(), NetError> {
    if buf.len() < n {
        Err(NetError::Truncated {
            layer,
            have: buf.len(),
            need: n,
        })
    } else {
        Ok(())
    }
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// Decode one captured frame of link type `linktype` down to UDP.
pub fn decode(linktype: LinkType, frame: &[u8]) -> Result<Decoded<'_>, NetError> {
    match linktype {
        LinkType::ETHERNET => decode_ethernet(frame),
        LinkType::LINUX_SLL => {
            need("Linux cooked", frame, 16)?;
            decode_ethertype(be16(frame, 14), &frame[16..])
        }
        LinkType::LINUX_SLL2 => {
            need("Linux cooked v2", frame, 20)?;
            decode_ethertype(be16(frame, 0), &frame[20..])
        }
        LinkType::RAW | LinkType::BSD_RAW_12 | LinkType::BSD_RAW_14 => decode_ip(frame),
        LinkType::IPV4 => decode_ipv4(frame),
        LinkType::IPV6 => decode_ipv6(frame),
        LinkType::NULL | LinkType::LOOP => {
            need("loopback", frame, 4)?;
            let raw = [frame[0], frame[1], frame[2], frame[3]];
            let family = if linktype == LinkType::LOOP {
                u32::from_be_bytes(raw)
            } else {
                // Host byte order of the capturing machine: whichever reading is small.
                let le = u32::from_le_bytes(raw);
                if le <= 0xffff {
                    le
                } else {
                    u32::from_be_bytes(raw)
                }
            };
            let rest = &frame[4..];
            match family {
                2 => decode_ipv4(rest),
                // AF_INET6 as Linux, NetBSD/OpenBSD, FreeBSD and Darwin number it.
                10 | 24 | 28 | 30 => decode_ipv6(rest),
                _ => Ok(Decoded::Other),
            }
        }
        other => Err(NetError::UnsupportedLinkType(other)),
    }
}

fn decode_ethernet(frame: &[u8]) -> Result<Decoded<'_>, NetError> {
    need("Ethernet", frame, 14)?;
    let mut ethertype = be16(frame, 12);
    let mut rest = &frame[14..];
    // Stacked VLAN tags: 2 bytes TCI then the inner ethertype.
    let mut tags = 0;
    while matches!(
        ethertype,
        ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD
    ) && tags < 8
    {
        need("802.1Q tag", rest, 4)?;
        ethertype = be16(rest, 2);
        rest = &rest[4..];
        tags += 1;
    }
    decode_ethertype(ethertype, rest)
}

fn decode_ethertype(ethertype: u16, rest: &[u8]) -> Result<Decoded<'_>, NetError> {
    match ethertype {
        ETHERTYPE_IPV4 => decode_ipv4(rest),
        ETHERTYPE_IPV6 => decode_ipv6(rest),
        ETHERTYPE_PPPOE_SESSION => {
            // 6-byte PPPoE header then a 2-byte PPP protocol.
            need("PPPoE", rest, 8)?;
            match be16(rest, 6) {
                0x0021 => decode_ipv4(&rest[8..]),
                0x0057 => decode_ipv6(&rest[8..]),
                _ => Ok(Decoded::Other),
            }
        }
        _ => Ok(Decoded::Other),
    }
}

/// Decode a packet that starts with an IPv4 or IPv6 header.
pub fn decode_ip(packet: &[u8]) -> Result<Decoded<'_>, NetError> {
    need("IP", packet, 1)?;
    match packet[0] >> 4 {
        4 => decode_ipv4(packet),
        6 => decode_ipv6(packet),
        v => Err(NetError::BadIpVersion(v)),
    }
}

fn decode_ipv4(p: &[u8]) -> Result<Decoded<'_>, NetError> {
    need("IPv4", p, 20)?;
    let version = p[0] >> 4;
    if version != 4 {
        return Err(NetError::BadIpVersion(version));
    }
    let ihl = (p[0] & 0x0f) as usize * 4;
    if ihl < 20 {
        return Err(NetError::BadIhl(ihl));
    }
    need("IPv4", p, ihl)?;
    let total_len = be16(p, 2) as usize;
    // Trim link-layer padding; a capture shorter than total_len (snaplen) keeps what it has.
    // total_len 0 happens with TCP segmentation offload: use what was captured.
    let end = if total_len >= ihl {
        total_len.min(p.len())
    } else {
        p.len()
    };
    let frag = be16(p, 6);
    let offset = frag & 0x1fff;
    if offset != 0 {
        return Ok(Decoded::NonFirstFragment);
    }
    let src = Ipv4Addr::new(p[12], p[13], p[14], p[15]);
    let dst = Ipv4Addr::new(p[16], p[17], p[18], p[19]);
    decode_transport(p[9], IpAddr::V4(src), IpAddr::V4(dst), &p[ihl..end])
}

fn decode_ipv6(p: &[u8]) -> Result<Decoded<'_>, NetError> {
    need("IPv6", p, 40)?;
    let version = p[0] >> 4;
    if version != 6 {
        return Err(NetError::BadIpVersion(version));
    }
    let payload_len = be16(p, 4) as usize;
    let mut next = p[6];
    let mut src = [0u8; 16];
    src.copy_from_slice(&p[8..24]);
    let mut dst = [0u8; 16];
    dst.copy_from_slice(&p[24..40]);
    let body = &p[40..];
    // payload_len 0 means a jumbogram or TSO: use what was captured.
    let mut rest = if payload_len == 0 {
        body
    } else {
        &body[..payload_len.min(body.len())]
    };
    // Walk extension headers.
    for _ in 0..16 {
        match next {
            // Hop-by-hop, routing, destination options: length in 8-octet units beyond the first 8.
            0 | 43 | 60 => {
                need("IPv6 extension", rest, 8)?;
                let len = (rest[1] as usize + 1) * 8;
                need("IPv6 extension", rest, len)?;
                next = rest[0];
                rest = &rest[len..];
            }
            // Authentication header: length in 4-octet units minus 2.
            51 => {
                need("IPv6 AH", rest, 8)?;
                let len = (rest[1] as usize + 2) * 4;
                need("IPv6 AH", rest, len)?;
                next = rest[0];
                rest = &rest[len..];
            }
            // Fragment header.
            44 => {
                need("IPv6 fragment", rest, 8)?;
                let offset = be16(rest, 2) >> 3;
                if offset != 0 {
                    return Ok(Decoded::NonFirstFragment);
                }
                next = rest[0];
                rest = &rest[8..];
            }
            _ => break,
        }
    }
    decode_transport(
        next,
        IpAddr::V6(Ipv6Addr::from(src)),
        IpAddr::V6(Ipv6Addr::from(dst)),
        rest,
    )
}

fn decode_transport(
    proto: u8,
    src_ip: IpAddr,
    dst_ip: IpAddr,
    seg: &[u8],
) -> Result<Decoded<'_>, NetError> {
    match proto {
        IPPROTO_UDP => {
            need("UDP", seg, 8)?;
            let sport = be16(seg, 0);
            let dport = be16(seg, 2);
            let ulen = be16(seg, 4) as usize;
            // UDP length 0 is legal for IPv6 jumbograms; otherwise it must cover the header.
            let end = if ulen == 0 {
                seg.len()
            } else if ulen < 8 {
                return Err(NetError::BadUdpLength(ulen));
            } else {
                ulen.min(seg.len())
            };
            Ok(Decoded::Udp(UdpDatagram {
                src: SocketAddr::new(src_ip, sport),
                dst: SocketAddr::new(dst_ip, dport),
                payload: &seg[8..end],
            }))
        }
        IPPROTO_TCP => {
            need("TCP", seg, 4)?;
            Ok(Decoded::Tcp {
                src: SocketAddr::new(src_ip, be16(seg, 0)),
                dst: SocketAddr::new(dst_ip, be16(seg, 2)),
            })
        }
        _ => Ok(Decoded::Other),
    }
}

/// Internet checksum (RFC 1071) over `data`, continuing from `sum`.
fn ones_complement_sum(mut sum: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u16::from_be_bytes([c[0], c[1]]) as u32;
    }
    if let [last] = chunks.remainder() {
        sum += (*last as u32) << 8;
    }
    sum
}

fn fold(mut sum: u32) -> u16 {
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Largest UDP payload that fits in one IPv4 packet (65535 - 20 - 8).
pub const MAX_IPV4_UDP_PAYLOAD: usize = 65_507;

/// Append a raw IPv4 + UDP packet carrying `payload` to `out` (cleared first): version 4,
/// IHL 5, DF set, TTL 64, correct total and UDP lengths, a valid header checksum and UDP
/// checksum 0 (allowed for IPv4). Suitable for a LINKTYPE_RAW capture.
pub fn synthesize_ipv4_udp(
    src: SocketAddrV4,
    dst: SocketAddrV4,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), NetError> {
    if payload.len() > MAX_IPV4_UDP_PAYLOAD {
        return Err(NetError::PayloadTooLarge(payload.len()));
    }
    out.clear();
    let total = 20 + 8 + payload.len();
    out.reserve(total);
    out.extend_from_slice(&[0x45, 0]);
    out.extend_from_slice(&(total as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0x40, 0, 64, IPPROTO_UDP, 0, 0]);
    out.extend_from_slice(&src.ip().octets());
    out.extend_from_slice(&dst.ip().octets());
    let csum = fold(ones_complement_sum(0, &out[..20]));
    out[10..12].copy_from_slice(&csum.to_be_bytes());
    out.extend_from_slice(&src.port().to_be_bytes());
    out.extend_from_slice(&dst.port().to_be_bytes());
    out.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    Ok(())
}

/// Append a raw IPv6 + UDP packet to `out` (cleared first), with the UDP checksum that
/// IPv6 requires.
pub fn synthesize_ipv6_udp(
    src: SocketAddrV6,
    dst: SocketAddrV6,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), NetError> {
    let ulen = 8 + payload.len();
    if ulen > 0xffff {
        return Err(NetError::PayloadTooLarge(payload.len()));
    }
    out.clear();
    out.reserve(40 + ulen);
    out.extend_from_slice(&[0x60, 0, 0, 0]);
    out.extend_from_slice(&(ulen as u16).to_be_bytes());
    out.extend_from_slice(&[IPPROTO_UDP, 64]);
    out.extend_from_slice(&src.ip().octets());
    out.extend_from_slice(&dst.ip().octets());
    out.extend_from_slice(&src.port().to_be_bytes());
    out.extend_from_slice(&dst.port().to_be_bytes());
    out.extend_from_slice(&(ulen as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(payload);
    // Pseudo-header: addresses, upper-layer length, next header.
    let mut sum = ones_complement_sum(0, &out[8..40]);
    sum += ulen as u32;
    sum += IPPROTO_UDP as u32;
    sum = ones_complement_sum(sum, &out[40..]);
    let mut csum = fold(sum);
    if csum == 0 {
        csum = 0xffff;
    }
    out[46..48].copy_from_slice(&csum.to_be_bytes());
    Ok(())
}

/// [`synthesize_ipv4_udp`] or [`synthesize_ipv6_udp`] depending on the address family.
pub fn synthesize_udp(
    src: SocketAddr,
    dst: SocketAddr,
    payload: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), NetError> {
    match (src, dst) {
        (SocketAddr::V4(s), SocketAddr::V4(d)) => synthesize_ipv4_udp(s, d, payload, out),
        (SocketAddr::V6(s), SocketAddr::V6(d)) => synthesize_ipv6_udp(s, d, payload, out),
        _ => Err(NetError::MixedFamilies),
    }
}

/// Whether `ip` is an address that does not route on the public Internet: RFC 1918,
/// carrier-grade NAT (100.64/10), link-local, unique-local IPv6, or unspecified.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private() || v4.is_link_local() || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> SocketAddrV4 {
        s.parse().unwrap()
    }

    fn udp_v4() -> Vec<u8> {
        let mut out = Vec::new();
        synthesize_ipv4_udp(v4("10.0.0.1:4000"), v4("10.0.0.2:5000"), b"hello", &mut out).unwrap();
        out
    }

    #[test]
    fn synthesized_ipv4_has_valid_checksum_and_lengths() {
        let p = udp_v4();
        assert_eq!(p.len(), 33);
        assert_eq!(be16(&p, 2), 33);
        assert_eq!(be16(&p, 24), 13);
        // A correct header sums to 0xffff, i.e. folds to 0.
        assert_eq!(fold(ones_complement_sum(0, &p[..20])), 0);
        let d = decode(LinkType::RAW, &p).unwrap();
        assert_eq!(
            d,
            Decoded::Udp(UdpDatagram {
                src: "10.0.0.1:4000".parse().unwrap(),
                dst: "10.0.0.2:5000".parse().unwrap(),
                payload: b"hello",
            })
        );
    }

    #[test]
    fn known_ipv4_checksum() {
        // Example from RFC 1071 discussions: header of a real packet.
        let h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(fold(ones_complement_sum(0, &h)), 0xb861);
    }

    #[test]
    fn ipv6_checksum_verifies() {
        let mut out = Vec::new();
        let s: SocketAddrV6 = "[2001:db8::1]:4000".parse().unwrap();
        let d: SocketAddrV6 = "[2001:db8::2]:5000".parse().unwrap();
        synthesize_ipv6_udp(s, d, b"abc", &mut out).unwrap();
        let mut sum = ones_complement_sum(0, &out[8..40]);
        sum += 11 + 17;
        sum = ones_complement_sum(sum, &out[40..]);
        assert_eq!(fold(sum), 0);
        match decode(LinkType::RAW, &out).unwrap() {
            Decoded::Udp(u) => {
                assert_eq!(u.payload, b"abc");
                assert_eq!(u.src, SocketAddr::V6(s));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ethernet_vlan_padding_is_trimmed() {
        let ip = udp_v4();
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
        f.extend_from_slice(&ip);
        f.extend_from_slice(&[0u8; 10]); // Ethernet padding
        match decode(LinkType::ETHERNET, &f).unwrap() {
            Decoded::Udp(u) => assert_eq!(u.payload, b"hello"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn sll_sll2_null_loop() {
        let ip = udp_v4();
        let mut sll = vec![0u8; 14];
        sll.extend_from_slice(&[0x08, 0x00]);
        sll.extend_from_slice(&ip);
        assert!(matches!(
            decode(LinkType::LINUX_SLL, &sll),
            Ok(Decoded::Udp(_))
        ));
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend_from_slice(&[0u8; 18]);
        sll2.extend_from_slice(&ip);
        assert!(matches!(
            decode(LinkType::LINUX_SLL2, &sll2),
            Ok(Decoded::Udp(_))
        ));
        let mut null_le = vec![2, 0, 0, 0];
        null_le.extend_from_slice(&ip);
        assert!(matches!(
            decode(LinkType::NULL, &null_le),
            Ok(Decoded::Udp(_))
        ));
        let mut null_be = vec![0, 0, 0, 2];
        null_be.extend_from_slice(&ip);
        assert!(matches!(
            decode(LinkType::NULL, &null_be),
            Ok(Decoded::Udp(_))
        ));
        assert!(matches!(
            decode(LinkType::LOOP, &null_be),
            Ok(Decoded::Udp(_))
        ));
    }

    #[test]
    fn fragments_and_tcp() {
        let mut p = udp_v4();
        p[6] = 0x00;
        p[7] = 0x10; // offset 16*8
        assert_eq!(decode(LinkType::RAW, &p), Ok(Decoded::NonFirstFragment));
        let mut t = udp_v4();
        t[9] = 6;
        assert!(matches!(decode(LinkType::RAW, &t), Ok(Decoded::Tcp { .. })));
    }

    #[test]
    fn truncated_frames_are_errors() {
        let p = udp_v4();
        for n in 0..28 {
            assert!(decode(LinkType::RAW, &p[..n]).is_err(), "len {n}");
        }
        assert!(decode(LinkType::ETHERNET, &[0u8; 13]).is_err());
        assert_eq!(
            decode(LinkType(9999), &p),
            Err(NetError::UnsupportedLinkType(LinkType(9999)))
        );
    }

    #[test]
    fn private_addresses() {
        assert!(is_private("192.168.1.2".parse().unwrap()));
        assert!(is_private("100.64.0.1".parse().unwrap()));
        assert!(is_private("fd00::1".parse().unwrap()));
        assert!(!is_private("8.8.8.8".parse().unwrap()));
        assert!(!is_private("127.0.0.1".parse().unwrap()));
    }
}
