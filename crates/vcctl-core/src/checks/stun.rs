//! STUN (RFC 8489) Binding requests and responses: enough to learn the public address a NAT
//! maps us to. Pure encode/decode; the transaction id is a parameter (the caller draws it).
//!
//! Supported attributes: XOR-MAPPED-ADDRESS (0x0020), MAPPED-ADDRESS (0x0001, RFC 3489
//! servers), SOFTWARE (0x8022), ERROR-CODE (0x0009) and FINGERPRINT (0x8028, checked when
//! present). Unknown comprehension-optional attributes are skipped.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The magic cookie that marks an RFC 5389/8489 message.
pub const MAGIC_COOKIE: u32 = 0x2112_A442;
pub const BINDING_REQUEST: u16 = 0x0001;
pub const BINDING_SUCCESS: u16 = 0x0101;
pub const BINDING_ERROR: u16 = 0x0111;

const ATTR_MAPPED_ADDRESS: u16 = 0x0001;
const ATTR_ERROR_CODE: u16 = 0x0009;
const ATTR_XOR_MAPPED_ADDRESS: u16 = 0x0020;
const ATTR_SOFTWARE: u16 = 0x8022;
const ATTR_FINGERPRINT: u16 = 0x8028;
const FINGERPRINT_XOR: u32 = 0x5354_554E;
const HEADER_LEN: usize = 20;

/// 96-bit transaction id.
pub type TransactionId = [u8; 12];

/// Why a datagram is not the answer we wait for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StunError {
    #[error("the datagram is too short for a STUN message ({0} bytes)")]
    TooShort(usize),
    #[error("the datagram is not a STUN message (no magic cookie)")]
    NotStun,
    #[error("the STUN message length field does not match the datagram")]
    BadLength,
    #[error("the STUN answer belongs to another transaction")]
    WrongTransaction,
    #[error("the STUN answer has a wrong FINGERPRINT")]
    BadFingerprint,
    #[error("the STUN server answered with error {code}: {reason}")]
    ErrorResponse { code: u16, reason: String },
    #[error("the STUN message type 0x{0:04x} is not a Binding response")]
    UnexpectedType(u16),
    #[error("the STUN answer carries no (XOR-)MAPPED-ADDRESS")]
    NoAddress,
    #[error("the STUN answer has a malformed {0} attribute")]
    BadAttribute(&'static str),
}

/// A decoded Binding success response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingResponse {
    /// The reflexive transport address (XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS).
    pub mapped: SocketAddr,
    /// True when it came from XOR-MAPPED-ADDRESS.
    pub xor: bool,
    pub software: Option<String>,
    pub had_fingerprint: bool,
}

/// A Binding request, optionally with SOFTWARE and FINGERPRINT.
pub fn encode_binding_request(
    txid: &TransactionId,
    software: Option<&str>,
    fingerprint: bool,
) -> Vec<u8> {
    let mut attrs = Vec::new();
    if let Some(s) = software {
        push_attr(&mut attrs, ATTR_SOFTWARE, s.as_bytes());
    }
    finish(BINDING_REQUEST, txid, attrs, fingerprint)
}

/// A Binding success response carrying `mapped` as XOR-MAPPED-ADDRESS (and as
/// MAPPED-ADDRESS when `also_plain`); what a STUN server sends. Used by tests and helpers.
pub fn encode_binding_success(
    txid: &TransactionId,
    mapped: SocketAddr,
    also_plain: bool,
    fingerprint: bool,
) -> Vec<u8> {
    let mut attrs = Vec::new();
    push_attr(
        &mut attrs,
        ATTR_XOR_MAPPED_ADDRESS,
        &address_value(mapped, Some(txid)),
    );
    if also_plain {
        push_attr(
            &mut attrs,
            ATTR_MAPPED_ADDRESS,
            &address_value(mapped, None),
        );
    }
    finish(BINDING_SUCCESS, txid, attrs, fingerprint)
}

/// The type and transaction id of a request, for a server answering it.
pub fn decode_request(buf: &[u8]) -> Result<(u16, TransactionId), StunError> {
    let (ty, txid, _) = header(buf)?;
    Ok((ty, txid))
}

/// Decode the answer to the request with `txid`.
pub fn decode_binding_response(
    buf: &[u8],
    txid: &TransactionId,
) -> Result<BindingResponse, StunError> {
    let (ty, got, body) = header(buf)?;
    if &got != txid {
        return Err(StunError::WrongTransaction);
    }
    let mut xor_mapped = None;
    let mut plain_mapped = None;
    let mut software = None;
    let mut error = None;
    let mut had_fingerprint = false;
    let mut off = 0;
    while off + 4 <= body.len() {
        let at = u16::from_be_bytes([body[off], body[off + 1]]);
        let len = u16::from_be_bytes([body[off + 2], body[off + 3]]) as usize;
        let start = off + 4;
        let end = start + len;
        if end > body.len() {
            return Err(StunError::BadLength);
        }
        let value = &body[start..end];
        match at {
            ATTR_XOR_MAPPED_ADDRESS => {
                xor_mapped = Some(
                    parse_address(value, Some(txid))
                        .ok_or(StunError::BadAttribute("XOR-MAPPED-ADDRESS"))?,
                )
            }
            ATTR_MAPPED_ADDRESS => {
                plain_mapped = Some(
                    parse_address(value, None).ok_or(StunError::BadAttribute("MAPPED-ADDRESS"))?,
                )
            }
            ATTR_SOFTWARE => software = Some(String::from_utf8_lossy(value).into_owned()),
            ATTR_ERROR_CODE => {
                if value.len() < 4 {
                    return Err(StunError::BadAttribute("ERROR-CODE"));
                }
                let code = (value[2] & 0x07) as u16 * 100 + value[3] as u16;
                error = Some((code, String::from_utf8_lossy(&value[4..]).into_owned()));
            }
            ATTR_FINGERPRINT => {
                if len != 4 {
                    return Err(StunError::BadAttribute("FINGERPRINT"));
                }
                let want = u32::from_be_bytes([value[0], value[1], value[2], value[3]]);
                // CRC over everything before this attribute, with the length as sent.
                let covered = &buf[..HEADER_LEN + off];
                if crc32(covered) ^ FINGERPRINT_XOR != want {
                    return Err(StunError::BadFingerprint);
                }
                had_fingerprint = true;
            }
            _ => {}
        }
        off = end + pad(len);
    }
    match ty {
        BINDING_SUCCESS => {}
        BINDING_ERROR => {
            let (code, reason) = error.unwrap_or((0, "no ERROR-CODE".into()));
            return Err(StunError::ErrorResponse { code, reason });
        }
        other => return Err(StunError::UnexpectedType(other)),
    }
    let (mapped, xor) = match (xor_mapped, plain_mapped) {
        (Some(a), _) => (a, true),
        (None, Some(a)) => (a, false),
        (None, None) => return Err(StunError::NoAddress),
    };
    Ok(BindingResponse {
        mapped,
        xor,
        software,
        had_fingerprint,
    })
}

fn header(buf: &[u8]) -> Result<(u16, TransactionId, &[u8]), StunError> {
    if buf.len() < HEADER_LEN {
        return Err(StunError::TooShort(buf.len()));
    }
    if buf[0] & 0xC0 != 0 || u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]]) != MAGIC_COOKIE {
        return Err(StunError::NotStun);
    }
    let ty = u16::from_be_bytes([buf[0], buf[1]]);
    let len = u16::from_be_bytes([buf[2], buf[3]]) as usize;
    if len % 4 != 0 || HEADER_LEN + len != buf.len() {
        return Err(StunError::BadLength);
    }
    let mut txid = [0u8; 12];
    txid.copy_from_slice(&buf[8..20]);
    Ok((ty, txid, &buf[HEADER_LEN..]))
}

fn finish(ty: u16, txid: &TransactionId, attrs: Vec<u8>, fingerprint: bool) -> Vec<u8> {
    let extra = if fingerprint { 8 } else { 0 };
    let mut m = Vec::with_capacity(HEADER_LEN + attrs.len() + extra);
    m.extend_from_slice(&ty.to_be_bytes());
    m.extend_from_slice(&((attrs.len() + extra) as u16).to_be_bytes());
    m.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
    m.extend_from_slice(txid);
    m.extend_from_slice(&attrs);
    if fingerprint {
        let crc = crc32(&m) ^ FINGERPRINT_XOR;
        m.extend_from_slice(&ATTR_FINGERPRINT.to_be_bytes());
        m.extend_from_slice(&4u16.to_be_bytes());
        m.extend_from_slice(&crc.to_be_bytes());
    }
    m
}

fn pad(len: usize) -> usize {
    (4 - len % 4) % 4
}

fn push_attr(out: &mut Vec<u8>, ty: u16, value: &[u8]) {
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
    out.extend(std::iter::repeat_n(0u8, pad(value.len())));
}

/// The key XORed into X-ADDRESS: the cookie, then (IPv6) the transaction id.
fn xor_key(txid: &TransactionId) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..4].copy_from_slice(&MAGIC_COOKIE.to_be_bytes());
    k[4..].copy_from_slice(txid);
    k
}

fn address_value(addr: SocketAddr, xor_with: Option<&TransactionId>) -> Vec<u8> {
    let key = xor_with.map(xor_key);
    let port_mask = if key.is_some() {
        (MAGIC_COOKIE >> 16) as u16
    } else {
        0
    };
    let mut v = vec![0u8];
    let ip_bytes: Vec<u8> = match addr.ip() {
        IpAddr::V4(a) => {
            v.push(0x01);
            a.octets().to_vec()
        }
        IpAddr::V6(a) => {
            v.push(0x02);
            a.octets().to_vec()
        }
    };
    v.extend_from_slice(&(addr.port() ^ port_mask).to_be_bytes());
    for (i, b) in ip_bytes.iter().enumerate() {
        v.push(b ^ key.map(|k| k[i]).unwrap_or(0));
    }
    v
}

fn parse_address(value: &[u8], xor_with: Option<&TransactionId>) -> Option<SocketAddr> {
    if value.len() < 4 {
        return None;
    }
    let key = xor_with.map(xor_key);
    let port_mask = if key.is_some() {
        (MAGIC_COOKIE >> 16) as u16
    } else {
        0
    };
    let port = u16::from_be_bytes([value[2], value[3]]) ^ port_mask;
    let un = |i: usize, b: u8| b ^ key.map(|k| k[i]).unwrap_or(0);
    let ip = match (value[1], value.len()) {
        (0x01, 8) => {
            let mut o = [0u8; 4];
            for i in 0..4 {
                o[i] = un(i, value[4 + i]);
            }
            IpAddr::V4(Ipv4Addr::from(o))
        }
        (0x02, 20) => {
            let mut o = [0u8; 16];
            for i in 0..16 {
                o[i] = un(i, value[4 + i]);
            }
            IpAddr::V6(Ipv6Addr::from(o))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// CRC-32 (IEEE 802.3, reflected, as zlib), for FINGERPRINT.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXID: TransactionId = [
        0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae,
    ];

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    /// RFC 5769 section 2.2: sample IPv4 response (software "test vector", with
    /// MESSAGE-INTEGRITY, which is skipped, and FINGERPRINT).
    #[test]
    fn rfc5769_ipv4_response_vector_decodes() {
        let hex = "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220\
                   002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7\
                   80280004c07d4c96";
        let hex: String = hex.split_whitespace().collect();
        let buf: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let r = decode_binding_response(&buf, &TXID).unwrap();
        assert_eq!(r.mapped, "192.0.2.1:32853".parse().unwrap());
        assert!(r.xor);
        assert!(r.had_fingerprint);
        assert_eq!(r.software.as_deref(), Some("test vector"));
    }

    #[test]
    fn request_has_header_cookie_and_valid_fingerprint() {
        let m = encode_binding_request(&TXID, Some("vcctl"), true);
        assert_eq!(&m[0..2], &[0x00, 0x01]);
        assert_eq!(u16::from_be_bytes([m[2], m[3]]) as usize, m.len() - 20);
        assert_eq!(&m[4..8], &MAGIC_COOKIE.to_be_bytes());
        assert_eq!(&m[8..20], &TXID);
        assert_eq!(decode_request(&m).unwrap(), (BINDING_REQUEST, TXID));
        // The fingerprint covers the message before it.
        let n = m.len();
        let crc = u32::from_be_bytes([m[n - 4], m[n - 3], m[n - 2], m[n - 1]]);
        assert_eq!(crc, crc32(&m[..n - 8]) ^ FINGERPRINT_XOR);
    }

    #[test]
    fn responses_round_trip_v4_and_v6() {
        for addr in ["203.0.113.7:40000", "[2001:db8::42]:5060"] {
            let a: SocketAddr = addr.parse().unwrap();
            for plain in [false, true] {
                let m = encode_binding_success(&TXID, a, plain, true);
                let r = decode_binding_response(&m, &TXID).unwrap();
                assert_eq!(r.mapped, a);
                assert!(r.xor && r.had_fingerprint);
            }
        }
    }

    #[test]
    fn old_servers_with_only_mapped_address_work() {
        let a: SocketAddr = "198.51.100.9:1234".parse().unwrap();
        let mut attrs = Vec::new();
        push_attr(&mut attrs, ATTR_MAPPED_ADDRESS, &address_value(a, None));
        let m = finish(BINDING_SUCCESS, &TXID, attrs, false);
        let r = decode_binding_response(&m, &TXID).unwrap();
        assert_eq!(r.mapped, a);
        assert!(!r.xor && !r.had_fingerprint);
    }

    #[test]
    fn wrong_answers_are_rejected() {
        let a: SocketAddr = "203.0.113.7:1".parse().unwrap();
        let m = encode_binding_success(&TXID, a, false, true);
        let mut other = TXID;
        other[0] ^= 1;
        assert_eq!(
            decode_binding_response(&m, &other),
            Err(StunError::WrongTransaction)
        );
        let mut bad = m.clone();
        let n = bad.len();
        bad[n - 1] ^= 0xFF;
        assert_eq!(
            decode_binding_response(&bad, &TXID),
            Err(StunError::BadFingerprint)
        );
        assert_eq!(
            decode_binding_response(&m[..10], &TXID),
            Err(StunError::TooShort(10))
        );
        let mut nc = m.clone();
        nc[4] = 0;
        assert_eq!(decode_binding_response(&nc, &TXID), Err(StunError::NotStun));
        // An error response with ERROR-CODE 401.
        let mut attrs = Vec::new();
        push_attr(&mut attrs, ATTR_ERROR_CODE, &[0, 0, 4, 1, b'U', b'n']);
        let e = finish(BINDING_ERROR, &TXID, attrs, false);
        assert_eq!(
            decode_binding_response(&e, &TXID),
            Err(StunError::ErrorResponse {
                code: 401,
                reason: "Un".into()
            })
        );
    }
}
