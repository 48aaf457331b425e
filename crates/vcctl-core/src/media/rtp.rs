//! RTP packets (RFC 3550 section 5.1): typed ids, a zero-copy view for parsing and a
//! writer for building packets. No I/O.

use std::fmt;

/// Synchronization source identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ssrc(pub u32);

impl fmt::Display for Ssrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:08X}", self.0)
    }
}

/// 16-bit RTP sequence number (wrapping).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeqNo(pub u16);

/// RTP payload type (7 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pt(pub u8);

impl Pt {
    pub const PCMU: Pt = Pt(0);
    pub const PCMA: Pt = Pt(8);
    pub const G722: Pt = Pt(9);
    pub const L16_STEREO: Pt = Pt(10);
    pub const L16_MONO: Pt = Pt(11);

    /// Codec name and clock rate of the static payload types (RFC 3551 table 4).
    pub fn static_codec(self) -> Option<(&'static str, u32)> {
        Some(match self.0 {
            0 => ("PCMU", 8000),
            3 => ("GSM", 8000),
            4 => ("G723", 8000),
            8 => ("PCMA", 8000),
            9 => ("G722", 8000),
            10 => ("L16", 44100),
            11 => ("L16", 44100),
            13 => ("CN", 8000),
            18 => ("G729", 8000),
            _ => return None,
        })
    }
}

/// Why bytes are not an RTP packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    #[error("packet of {0} bytes is shorter than an RTP header")]
    TooShort(usize),
    #[error("RTP version {0} is not 2")]
    BadVersion(u8),
    #[error("header extension or CSRC list runs past the end of the packet")]
    Truncated,
    #[error("padding length {0} is larger than the payload")]
    BadPadding(u8),
}

/// Parsed fixed header plus the payload slice of one RTP packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    pub marker: bool,
    pub payload_type: Pt,
    pub seq: SeqNo,
    pub timestamp: u32,
    pub ssrc: Ssrc,
    pub csrc_count: u8,
    pub has_extension: bool,
    pub payload: &'a [u8],
}

pub const RTP_HEADER_LEN: usize = 12;

impl<'a> RtpPacket<'a> {
    /// Parse `buf` as an RTP packet. Validates version, CSRC list, extension and padding.
    pub fn parse(buf: &'a [u8]) -> Result<Self, RtpError> {
        if buf.len() < RTP_HEADER_LEN {
            return Err(RtpError::TooShort(buf.len()));
        }
        let version = buf[0] >> 6;
        if version != 2 {
            return Err(RtpError::BadVersion(version));
        }
        let padding = buf[0] & 0x20 != 0;
        let has_extension = buf[0] & 0x10 != 0;
        let csrc_count = buf[0] & 0x0f;
        let marker = buf[1] & 0x80 != 0;
        let payload_type = Pt(buf[1] & 0x7f);
        let seq = SeqNo(u16::from_be_bytes([buf[2], buf[3]]));
        let timestamp = u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]);
        let ssrc = Ssrc(u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]));
        let mut start = RTP_HEADER_LEN + 4 * csrc_count as usize;
        if start > buf.len() {
            return Err(RtpError::Truncated);
        }
        if has_extension {
            if start + 4 > buf.len() {
                return Err(RtpError::Truncated);
            }
            let words = u16::from_be_bytes([buf[start + 2], buf[start + 3]]) as usize;
            start += 4 + 4 * words;
            if start > buf.len() {
                return Err(RtpError::Truncated);
            }
        }
        let mut end = buf.len();
        if padding {
            let pad = *buf.last().unwrap_or(&0);
            if pad == 0 || (pad as usize) > end - start {
                return Err(RtpError::BadPadding(pad));
            }
            end -= pad as usize;
        }
        Ok(RtpPacket {
            marker,
            payload_type,
            seq,
            timestamp,
            ssrc,
            csrc_count,
            has_extension,
            payload: &buf[start..end],
        })
    }
}

/// Fields of an outgoing packet without CSRCs, extensions or padding (what a media bridge sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    pub marker: bool,
    pub payload_type: Pt,
    pub seq: SeqNo,
    pub timestamp: u32,
    pub ssrc: Ssrc,
}

impl RtpHeader {
    /// Write the 12-byte header followed by `payload` into `out` (cleared first).
    pub fn write(&self, payload: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.reserve(RTP_HEADER_LEN + payload.len());
        out.push(0x80);
        out.push(((self.marker as u8) << 7) | (self.payload_type.0 & 0x7f));
        out.extend_from_slice(&self.seq.0.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.0.to_be_bytes());
        out.extend_from_slice(payload);
    }
}

/// Cheap check used by capture heuristics: version 2 and a plausible audio payload type.
pub fn looks_like_rtp(buf: &[u8]) -> bool {
    buf.len() >= RTP_HEADER_LEN && buf[0] >> 6 == 2 && {
        let pt = buf[1] & 0x7f;
        // 72..=76 would be RTCP SR/RR/SDES/BYE/APP with the marker bit set.
        !(72..=76).contains(&pt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_then_parse_round_trips() {
        let h = RtpHeader {
            marker: true,
            payload_type: Pt::PCMU,
            seq: SeqNo(65535),
            timestamp: 0xdead_beef,
            ssrc: Ssrc(0x1234_5678),
        };
        let mut buf = Vec::new();
        h.write(&[1, 2, 3], &mut buf);
        assert_eq!(&buf[..2], &[0x80, 0x80]);
        let p = RtpPacket::parse(&buf).unwrap();
        assert!(p.marker);
        assert_eq!(p.payload_type, Pt::PCMU);
        assert_eq!(p.seq, SeqNo(65535));
        assert_eq!(p.timestamp, 0xdead_beef);
        assert_eq!(p.ssrc, Ssrc(0x1234_5678));
        assert_eq!(p.payload, &[1, 2, 3]);
    }

    #[test]
    fn csrc_extension_and_padding_are_skipped() {
        // V=2 P=1 X=1 CC=1, PT 8
        let mut b = vec![0xb1, 8, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9];
        b.extend_from_slice(&[0, 0, 0, 7]); // CSRC
        b.extend_from_slice(&[0xbe, 0xde, 0, 1, 1, 2, 3, 4]); // one-word extension
        b.extend_from_slice(&[0xaa, 0xbb]); // payload
        b.extend_from_slice(&[0, 0, 3]); // 3 bytes padding
        let p = RtpPacket::parse(&b).unwrap();
        assert_eq!(p.payload, &[0xaa, 0xbb]);
        assert_eq!(p.csrc_count, 1);
        assert!(p.has_extension);
    }

    #[test]
    fn malformed_packets_are_errors_not_panics() {
        assert_eq!(RtpPacket::parse(&[0x80; 5]), Err(RtpError::TooShort(5)));
        assert_eq!(RtpPacket::parse(&[0x40; 12]), Err(RtpError::BadVersion(1)));
        assert_eq!(
            RtpPacket::parse(&[0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(RtpError::Truncated)
        );
        let mut pad = vec![0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        pad.push(9);
        assert_eq!(RtpPacket::parse(&pad), Err(RtpError::BadPadding(9)));
    }
}
