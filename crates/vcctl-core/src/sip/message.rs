//! SIP messages (RFC 3261 section 7) and SDP bodies (RFC 4566): a lenient parser that
//! accepts what real phones and PBXes send (bare LF line ends, folded headers, compact
//! header names, missing Content-Length over UDP) and never panics, plus serialisation
//! back to bytes for a user agent. No I/O.

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

/// Why bytes are not a SIP message (or an SDP body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SipError {
    #[error("message is empty")]
    Empty,
    #[error("start line {0:?} is neither a SIP request nor a SIP status line")]
    BadStartLine(String),
    #[error("status code {0:?} is not a number between 100 and 699")]
    BadStatus(String),
    #[error("SDP body has no v= line")]
    NotSdp,
}

/// First line of a SIP message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Start {
    Request { method: String, uri: String },
    Response { code: u16, reason: String },
}

/// One header as it appeared (name as written, value trimmed, folded lines joined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A parsed SIP message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SipMessage {
    pub start: Start,
    pub headers: Vec<Header>,
    /// Body bytes: `Content-Length` of them when the header is present and fits,
    /// otherwise everything after the blank line.
    #[serde(skip)]
    pub body: Vec<u8>,
}

/// CSeq header value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CSeq {
    pub seq: u32,
    pub method: String,
}

/// Full header name for a compact form (RFC 3261 section 7.3.3 and later extensions),
/// or the name itself.
pub fn expand_compact(name: &str) -> &str {
    if name.len() != 1 {
        return name;
    }
    match name.as_bytes()[0].to_ascii_lowercase() {
        b'i' => "Call-ID",
        b'f' => "From",
        b't' => "To",
        b'v' => "Via",
        b'm' => "Contact",
        b'l' => "Content-Length",
        b'c' => "Content-Type",
        b'e' => "Content-Encoding",
        b'k' => "Supported",
        b's' => "Subject",
        b'o' => "Event",
        b'r' => "Refer-To",
        b'b' => "Referred-By",
        b'u' => "Allow-Events",
        b'x' => "Session-Expires",
        b'y' => "Identity",
        b'a' => "Accept-Contact",
        b'j' => "Reject-Contact",
        b'd' => "Request-Disposition",
        _ => name,
    }
}

/// Whether two header names denote the same header (case-insensitive, compact-aware).
pub fn same_header(a: &str, b: &str) -> bool {
    expand_compact(a).eq_ignore_ascii_case(expand_compact(b))
}

/// Cheap test used before parsing a UDP payload: a SIP status line, or a request line of
/// an upper-case token, a space and a SIP/SIPS/TEL URI.
pub fn looks_like_sip(buf: &[u8]) -> bool {
    if buf.starts_with(b"SIP/2.0 ") {
        return true;
    }
    // Cheap first-byte test before the scan: RTP (0x80..) and most else fail here.
    if !buf
        .first()
        .is_some_and(|b| b.is_ascii_uppercase() || *b == b'-')
    {
        return false;
    }
    let Some(sp) = buf.iter().take(32).position(|&b| b == b' ') else {
        return false;
    };
    sp > 0
        && buf[..sp]
            .iter()
            .all(|b| b.is_ascii_uppercase() || *b == b'-')
        && buf[sp + 1..].get(..4).is_some_and(|s| {
            s.eq_ignore_ascii_case(b"sip:")
                || s.eq_ignore_ascii_case(b"sips")
                || s.eq_ignore_ascii_case(b"tel:")
        })
}

/// Find the end of the header section: index of the blank line and the body start.
fn split_head(buf: &[u8]) -> (usize, usize) {
    let mut i = 0;
    while i < buf.len() {
        if buf[i] == b'\n' {
            // "\n\n" or "\n\r\n"
            if buf.get(i + 1) == Some(&b'\n') {
                return (i, i + 2);
            }
            if buf.get(i + 1) == Some(&b'\r') && buf.get(i + 2) == Some(&b'\n') {
                return (i, i + 3);
            }
        }
        i += 1;
    }
    (buf.len(), buf.len())
}

impl SipMessage {
    /// Parse a SIP message from a datagram (or one framed message from a stream).
    pub fn parse(buf: &[u8]) -> Result<SipMessage, SipError> {
        // Leading CRLFs are keep-alives or stream framing noise (RFC 3261 section 7.5).
        let skip = buf
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let buf = &buf[skip..];
        if buf.is_empty() {
            return Err(SipError::Empty);
        }
        let (head_end, body_start) = split_head(buf);
        let head = String::from_utf8_lossy(&buf[..head_end]);
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let first = lines.next().unwrap_or("").trim();
        let start = parse_start(first)?;
        let mut headers: Vec<Header> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                if let Some(last) = headers.last_mut() {
                    let cont = line.trim();
                    if !cont.is_empty() {
                        if !last.value.is_empty() {
                            last.value.push(' ');
                        }
                        last.value.push_str(cont);
                    }
                }
                continue;
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || name.contains(' ') {
                continue;
            }
            headers.push(Header {
                name: name.to_string(),
                value: value.trim().to_string(),
            });
        }
        let mut msg = SipMessage {
            start,
            headers,
            body: Vec::new(),
        };
        let avail = &buf[body_start.min(buf.len())..];
        let len = match msg.content_length() {
            Some(n) if n <= avail.len() => n,
            _ => avail.len(),
        };
        msg.body = avail[..len].to_vec();
        Ok(msg)
    }

    /// First value of header `name` (case-insensitive; compact forms match their long names).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| same_header(&h.name, name))
            .map(|h| h.value.as_str())
    }

    /// All values of header `name`, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |h| same_header(&h.name, name))
            .map(|h| h.value.as_str())
    }

    pub fn is_request(&self) -> bool {
        matches!(self.start, Start::Request { .. })
    }

    /// Request method, or `None` for a response.
    pub fn method(&self) -> Option<&str> {
        match &self.start {
            Start::Request { method, .. } => Some(method),
            Start::Response { .. } => None,
        }
    }

    /// Status code, or `None` for a request.
    pub fn status(&self) -> Option<u16> {
        match &self.start {
            Start::Response { code, .. } => Some(*code),
            Start::Request { .. } => None,
        }
    }

    /// "INVITE" for a request, "200 OK" for a response.
    pub fn label(&self) -> String {
        match &self.start {
            Start::Request { method, .. } => method.clone(),
            Start::Response { code, reason } if reason.is_empty() => code.to_string(),
            Start::Response { code, reason } => format!("{code} {reason}"),
        }
    }

    pub fn call_id(&self) -> Option<&str> {
        self.header("Call-ID")
    }

    pub fn cseq(&self) -> Option<CSeq> {
        let v = self.header("CSeq")?;
        let mut it = v.split_whitespace();
        let seq = it.next()?.parse().ok()?;
        let method = it.next()?.to_string();
        Some(CSeq { seq, method })
    }

    pub fn from(&self) -> Option<&str> {
        self.header("From")
    }

    pub fn to(&self) -> Option<&str> {
        self.header("To")
    }

    pub fn from_tag(&self) -> Option<&str> {
        self.from().and_then(tag_param)
    }

    pub fn to_tag(&self) -> Option<&str> {
        self.to().and_then(tag_param)
    }

    /// Each Via entry, top first (entries combined in one header are split at commas).
    pub fn vias(&self) -> Vec<&str> {
        self.headers_named("Via")
            .flat_map(split_commas)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn content_length(&self) -> Option<usize> {
        self.header("Content-Length")?.trim().parse().ok()
    }

    pub fn content_type(&self) -> Option<&str> {
        self.header("Content-Type")
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The SDP body, when the content type says so (or, lacking one, the body looks like SDP).
    pub fn sdp(&self) -> Option<Sdp> {
        if self.body.is_empty() {
            return None;
        }
        match self.content_type() {
            Some(ct) if !ct.to_ascii_lowercase().contains("application/sdp") => {
                // multipart bodies: look for an SDP part.
                if ct.to_ascii_lowercase().contains("multipart") {
                    let text = self.body_text();
                    let at = text.find("\nv=0").map(|i| i + 1)?;
                    return Sdp::parse(&text[at..]).ok();
                }
                None
            }
            _ => Sdp::parse(&self.body_text()).ok(),
        }
    }

    /// Serialise: start line, headers as stored, a blank line, the body. Content-Length
    /// is written as stored; callers building a message set it with [`Self::set_header`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512 + self.body.len());
        match &self.start {
            Start::Request { method, uri } => {
                out.extend_from_slice(format!("{method} {uri} SIP/2.0\r\n").as_bytes())
            }
            Start::Response { code, reason } => {
                out.extend_from_slice(format!("SIP/2.0 {code} {reason}\r\n").as_bytes())
            }
        }
        for h in &self.headers {
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(h.value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&self.body);
        out
    }

    /// Replace the first header named `name` (or append it).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self.headers.iter_mut().find(|h| same_header(&h.name, name)) {
            Some(h) => h.value = value,
            None => self.headers.push(Header {
                name: name.to_string(),
                value,
            }),
        }
    }
}

impl fmt::Display for SipMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
    }
}

fn parse_start(line: &str) -> Result<Start, SipError> {
    if let Some(rest) = line.strip_prefix("SIP/") {
        // "SIP/2.0 200 OK"
        let rest = rest
            .split_once(' ')
            .map(|(_, r)| r)
            .unwrap_or("")
            .trim_start();
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let code: u16 = code
            .parse()
            .ok()
            .filter(|c| (100..700).contains(c))
            .ok_or_else(|| SipError::BadStatus(code.chars().take(40).collect()))?;
        return Ok(Start::Response {
            code,
            reason: reason.trim().to_string(),
        });
    }
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(uri), Some(version))
            if version.starts_with("SIP/")
                && method
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)) =>
        {
            Ok(Start::Request {
                method: method.to_string(),
                uri: uri.to_string(),
            })
        }
        _ => Err(SipError::BadStartLine(line.chars().take(80).collect())),
    }
}

/// Split at commas that are outside double quotes and angle brackets.
fn split_commas(v: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut quoted, mut angle, mut start) = (false, false, 0);
    for (i, c) in v.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            ',' if !quoted && !angle => {
                parts.push(&v[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&v[start..]);
    parts.into_iter()
}

/// Value of parameter `name` in a From/To/Contact-style value: parameters after the
/// closing `>` of a name-addr, or after the URI of an addr-spec.
pub fn header_param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let params = match value.rfind('>') {
        Some(i) => &value[i + 1..],
        None => value.split_once(';').map(|(_, p)| p).unwrap_or(""),
    };
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// The `tag` parameter of a From or To value.
pub fn tag_param(value: &str) -> Option<&str> {
    header_param(value, "tag").filter(|t| !t.is_empty())
}

/// The URI inside a name-addr (`"Bob" <sip:bob@x>;tag=1` -> `sip:bob@x`) or the addr-spec.
pub fn uri_of(value: &str) -> &str {
    match (value.find('<'), value.find('>')) {
        (Some(a), Some(b)) if a < b => &value[a + 1..b],
        _ => value.split(';').next().unwrap_or(value).trim(),
    }
}

/// SDP media direction attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    fn from_attr(a: &str) -> Option<Direction> {
        Some(match a {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }
}

/// `a=rtpmap:<pt> <encoding>/<clock>[/<channels>]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RtpMap {
    pub pt: u8,
    pub encoding: String,
    pub clock_rate: u32,
    pub channels: Option<u8>,
}

/// One `m=` section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdpMedia {
    /// "audio", "video", ...
    pub kind: String,
    pub port: u16,
    /// "RTP/AVP", "RTP/SAVP", ...
    pub proto: String,
    /// Payload type numbers from the m= line (non-numeric formats are skipped).
    pub formats: Vec<u8>,
    /// Media-level c= address.
    pub connection: Option<IpAddr>,
    pub rtpmaps: Vec<RtpMap>,
    /// Media-level direction attribute.
    pub direction: Option<Direction>,
    pub ptime: Option<u32>,
    /// `a=rtcp:PORT [IN IP4 ADDR]` (RFC 3605): where RTCP goes when not RTP port + 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rtcp: Option<(u16, Option<IpAddr>)>,
    /// `a=rtcp-mux` (RFC 5761): RTCP shares the RTP port.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub rtcp_mux: bool,
}

/// A session description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sdp {
    /// Address in the o= line.
    pub origin: Option<IpAddr>,
    /// Session-level c= address.
    pub connection: Option<IpAddr>,
    /// Session-level direction attribute.
    pub direction: Option<Direction>,
    pub media: Vec<SdpMedia>,
}

fn parse_addr(s: &str) -> Option<IpAddr> {
    // "IN IP4 1.2.3.4[/ttl[/n]]"
    let mut it = s.split_whitespace();
    let (_net, _ty, addr) = (it.next()?, it.next()?, it.next()?);
    addr.split('/').next()?.parse().ok()
}

impl Sdp {
    /// Parse an SDP body. Lenient: unknown or malformed lines are skipped; only a missing
    /// `v=` line is an error.
    pub fn parse(text: &str) -> Result<Sdp, SipError> {
        let mut sdp = Sdp {
            origin: None,
            connection: None,
            direction: None,
            media: Vec::new(),
        };
        let mut seen_v = false;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            let Some((kind, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match kind.trim() {
                "v" => seen_v = true,
                "o" => {
                    // o=<user> <sess-id> <version> IN IP4 <addr>
                    let f: Vec<&str> = value.split_whitespace().collect();
                    if f.len() >= 6 {
                        sdp.origin = f[5].parse().ok();
                    }
                }
                "c" => {
                    let addr = parse_addr(value);
                    match sdp.media.last_mut() {
                        Some(m) => m.connection = addr,
                        None => sdp.connection = addr,
                    }
                }
                "m" => {
                    let mut f = value.split_whitespace();
                    let kind = f.next().unwrap_or("").to_string();
                    let port = f
                        .next()
                        .and_then(|p| p.split('/').next())
                        .and_then(|p| p.parse().ok())
                        .unwrap_or(0);
                    let proto = f.next().unwrap_or("").to_string();
                    let formats = f.filter_map(|p| p.parse().ok()).collect();
                    sdp.media.push(SdpMedia {
                        kind,
                        port,
                        proto,
                        formats,
                        connection: None,
                        rtpmaps: Vec::new(),
                        direction: None,
                        ptime: None,
                        rtcp: None,
                        rtcp_mux: false,
                    });
                }
                "a" => {
                    let (name, arg) = value.split_once(':').unwrap_or((value, ""));
                    if let Some(d) = Direction::from_attr(name) {
                        match sdp.media.last_mut() {
                            Some(m) => m.direction = Some(d),
                            None => sdp.direction = Some(d),
                        }
                        continue;
                    }
                    let Some(m) = sdp.media.last_mut() else {
                        continue;
                    };
                    match name {
                        "rtpmap" => {
                            if let Some(map) = parse_rtpmap(arg) {
                                m.rtpmaps.push(map);
                            }
                        }
                        "ptime" => m.ptime = arg.trim().parse().ok(),
                        "rtcp" => m.rtcp = parse_rtcp_attr(arg),
                        "rtcp-mux" => m.rtcp_mux = true,
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        if !seen_v {
            return Err(SipError::NotSdp);
        }
        Ok(sdp)
    }

    /// The first audio section with a non-zero port.
    pub fn audio(&self) -> Option<&SdpMedia> {
        self.media.iter().find(|m| m.kind == "audio" && m.port != 0)
    }
}

/// `PORT [IN IP4|IP6 ADDR]` of an `a=rtcp:` attribute.
fn parse_rtcp_attr(arg: &str) -> Option<(u16, Option<IpAddr>)> {
    let mut f = arg.split_whitespace();
    let port = f.next()?.parse().ok().filter(|p| *p != 0)?;
    let addr = match (f.next(), f.next(), f.next()) {
        (Some("IN"), Some(_), Some(a)) => a.parse().ok(),
        _ => None,
    };
    Some((port, addr))
}

fn parse_rtpmap(arg: &str) -> Option<RtpMap> {
    let (pt, rest) = arg.trim().split_once(char::is_whitespace)?;
    let pt: u8 = pt.parse().ok().filter(|p| *p < 128)?;
    let mut f = rest.trim().split('/');
    let encoding = f.next()?.trim().to_string();
    let clock_rate = f.next().and_then(|c| c.trim().parse().ok()).unwrap_or(0);
    let channels = f.next().and_then(|c| c.trim().parse().ok());
    Some(RtpMap {
        pt,
        encoding,
        clock_rate,
        channels,
    })
}

impl SdpMedia {
    /// Media address: media-level c=, else session-level c=.
    pub fn address(&self, sdp: &Sdp) -> Option<IpAddr> {
        self.connection.or(sdp.connection)
    }

    /// Where this side wants to receive RTP.
    pub fn endpoint(&self, sdp: &Sdp) -> Option<SocketAddr> {
        Some(SocketAddr::new(self.address(sdp)?, self.port))
    }

    /// Where this side wants to receive RTCP: the RTP address with `a=rtcp`'s port (and
    /// address, if given), else the RTP port + 1, or the RTP port itself with `a=rtcp-mux`.
    pub fn rtcp_endpoint(&self, sdp: &Sdp) -> Option<SocketAddr> {
        let rtp = self.endpoint(sdp)?;
        Some(match self.rtcp {
            Some((port, addr)) => SocketAddr::new(addr.unwrap_or(rtp.ip()), port),
            None if self.rtcp_mux => rtp,
            None => SocketAddr::new(rtp.ip(), rtp.port().checked_add(1)?),
        })
    }

    /// Effective direction (media-level, else session-level, else sendrecv). A connection
    /// address of 0.0.0.0 also means the stream is on hold (RFC 3264 section 8.4).
    pub fn direction(&self, sdp: &Sdp) -> Direction {
        self.direction
            .or(sdp.direction)
            .unwrap_or(Direction::SendRecv)
    }

    /// rtpmap entry for `pt`.
    pub fn rtpmap(&self, pt: u8) -> Option<&RtpMap> {
        self.rtpmaps.iter().find(|m| m.pt == pt)
    }

    /// Codec names in m= line order ("PCMU/8000", "telephone-event/8000", "96").
    pub fn codec_names(&self) -> Vec<String> {
        self.formats
            .iter()
            .map(|&pt| match self.rtpmap(pt) {
                Some(m) => format!("{}/{}", m.encoding, m.clock_rate),
                None => match crate::media::rtp::Pt(pt).static_codec() {
                    Some((name, rate)) => format!("{name}/{rate}"),
                    None => pt.to_string(),
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKx\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
f: \"Alice, A.\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
i: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Subject: folded\r\n  continuation\r\n\
c: application/sdp\r\n\
l: 149\r\n\
\r\n\
v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 192.0.2.1\r\n\
s=-\r\n\
c=IN IP4 192.0.2.1\r\n\
t=0 0\r\n\
m=audio 49170 RTP/AVP 0 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n";

    #[test]
    fn parses_request_with_compact_headers_and_sdp() {
        let m = SipMessage::parse(INVITE.as_bytes()).unwrap();
        assert_eq!(
            m.start,
            Start::Request {
                method: "INVITE".into(),
                uri: "sip:bob@biloxi.example.com".into()
            }
        );
        assert_eq!(m.call_id(), Some("a84b4c76e66710@pc33.atlanta.example.com"));
        assert_eq!(m.header("call-id"), m.header("I"));
        assert_eq!(m.from_tag(), Some("1928301774"));
        assert_eq!(m.to_tag(), None);
        assert_eq!(
            m.cseq(),
            Some(CSeq {
                seq: 314159,
                method: "INVITE".into()
            })
        );
        assert_eq!(m.vias().len(), 2);
        assert_eq!(m.header("Subject"), Some("folded continuation"));
        assert_eq!(m.content_length(), Some(149));
        assert_eq!(m.body.len(), 149);
        let sdp = m.sdp().unwrap();
        let a = sdp.audio().unwrap();
        assert_eq!(a.endpoint(&sdp), Some("192.0.2.1:49170".parse().unwrap()));
        assert_eq!(a.formats, vec![0, 101]);
        assert_eq!(a.rtpmap(101).unwrap().encoding, "telephone-event");
        assert_eq!(a.codec_names(), vec!["PCMU/8000", "telephone-event/8000"]);
        assert_eq!(a.direction(&sdp), Direction::SendRecv);
        // Round trip through to_bytes keeps everything that matters.
        let again = SipMessage::parse(&m.to_bytes()).unwrap();
        assert_eq!(again, m);
    }

    #[test]
    fn parses_response_and_bare_lf() {
        let m = SipMessage::parse(
            b"SIP/2.0 180 Ringing\nTo: <sip:b@x>;tag=abc\nCall-ID: 1\nCSeq: 1 INVITE\n\n",
        )
        .unwrap();
        assert_eq!(m.status(), Some(180));
        assert_eq!(m.label(), "180 Ringing");
        assert_eq!(m.to_tag(), Some("abc"));
        assert!(m.body.is_empty());
        assert!(m.sdp().is_none());
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        assert_eq!(SipMessage::parse(b""), Err(SipError::Empty));
        assert_eq!(SipMessage::parse(b"\r\n\r\n"), Err(SipError::Empty));
        assert!(SipMessage::parse(b"\x80\x00\x01\x02").is_err());
        assert!(SipMessage::parse(b"SIP/2.0 abc Foo\r\n\r\n").is_err());
        assert!(SipMessage::parse(b"SIP/2.0 99 Foo\r\n\r\n").is_err());
        assert!(SipMessage::parse(b"HELLO world\r\n").is_err());
        // Content-Length larger than what arrived: keep what there is.
        let m = SipMessage::parse(b"SIP/2.0 200 OK\r\nContent-Length: 999\r\n\r\nv=0\r\n").unwrap();
        assert_eq!(m.body, b"v=0\r\n");
    }

    #[test]
    fn looks_like_sip_filters() {
        assert!(looks_like_sip(INVITE.as_bytes()));
        assert!(looks_like_sip(b"SIP/2.0 200 OK\r\n"));
        assert!(looks_like_sip(b"OPTIONS sip:x SIP/2.0\r\n"));
        assert!(!looks_like_sip(b"\x80\x00\x00\x01"));
        assert!(!looks_like_sip(b"GET / HTTP/1.1\r\n"));
    }

    #[test]
    fn sdp_details() {
        let sdp = Sdp::parse(
            "v=0\no=- 1 1 IN IP4 10.0.0.1\nc=IN IP4 0.0.0.0\na=sendonly\nm=audio 4000 RTP/AVP 96 8\nc=IN IP4 224.2.1.1/127\na=rtpmap:96 opus/48000/2\na=ptime:20\na=recvonly\nm=video 0 RTP/AVP 31\n",
        )
        .unwrap();
        assert_eq!(sdp.direction, Some(Direction::SendOnly));
        let a = &sdp.media[0];
        assert_eq!(a.connection, Some("224.2.1.1".parse().unwrap()));
        assert_eq!(a.direction(&sdp), Direction::RecvOnly);
        assert_eq!(a.ptime, Some(20));
        let opus = a.rtpmap(96).unwrap();
        assert_eq!((opus.clock_rate, opus.channels), (48000, Some(2)));
        assert_eq!(sdp.media[1].port, 0);
        assert!(Sdp::parse("hello").is_err());
    }

    #[test]
    fn rtcp_address_of_a_media_section() {
        let parse = |extra: &str| {
            Sdp::parse(&format!(
                "v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 0\n{extra}"
            ))
            .unwrap()
        };
        let at = |sdp: &Sdp| sdp.audio().unwrap().rtcp_endpoint(sdp).unwrap().to_string();
        assert_eq!(at(&parse("")), "10.0.0.1:4001");
        assert_eq!(at(&parse("a=rtcp:5009\n")), "10.0.0.1:5009");
        assert_eq!(at(&parse("a=rtcp:5009 IN IP4 10.0.0.9\n")), "10.0.0.9:5009");
        assert_eq!(at(&parse("a=rtcp-mux\n")), "10.0.0.1:4000");
        assert_eq!(at(&parse("a=rtcp:0\n")), "10.0.0.1:4001");
    }

    #[test]
    fn params_and_uris() {
        let v = "\"Bob;x\" <sip:bob@b.example;transport=udp>;tag=9f;foo";
        assert_eq!(tag_param(v), Some("9f"));
        assert_eq!(uri_of(v), "sip:bob@b.example;transport=udp");
        assert_eq!(tag_param("sip:bob@b;tag=1"), Some("1"));
        assert_eq!(uri_of("sip:bob@b;tag=1"), "sip:bob@b");
    }
}
