//! SDP offers for a G.711 caller (RFC 3264 / RFC 4566) and the negotiation of the answer.
//! Parsing lives in [`crate::sip::message`]; this file only builds and interprets.

use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

use crate::media::playout::Codec;
use crate::sip::message::{Direction, Sdp};

/// A G.711 law that can be offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum G711 {
    /// µ-law, payload type 0.
    Pcmu,
    /// A-law, payload type 8.
    Pcma,
}

impl G711 {
    pub fn pt(self) -> u8 {
        match self {
            G711::Pcmu => 0,
            G711::Pcma => 8,
        }
    }

    /// Encoding name in SDP.
    pub fn name(self) -> &'static str {
        match self {
            G711::Pcmu => "PCMU",
            G711::Pcma => "PCMA",
        }
    }

    pub fn codec(self) -> Codec {
        match self {
            G711::Pcmu => Codec::Pcmu,
            G711::Pcma => Codec::Pcma,
        }
    }

    fn from_pt(pt: u8) -> Option<G711> {
        match pt {
            0 => Some(G711::Pcmu),
            8 => Some(G711::Pcma),
            _ => None,
        }
    }
}

/// What to offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Address and port RTP is received on (c= and m=).
    pub rtp: SocketAddr,
    /// Codecs in preference order (at least one).
    pub codecs: Vec<G711>,
    /// Payload type of RFC 4733 telephone-event, if offered (101 is customary).
    pub telephone_event: Option<u8>,
    pub ptime_ms: u32,
    /// o= session id (random per call; the caller supplies it).
    pub session_id: u64,
    /// o= version; bump it when re-offering.
    pub version: u64,
}

impl Offer {
    /// PCMU and PCMA (in that order), telephone-event 101, ptime 20.
    pub fn g711(rtp: SocketAddr, session_id: u64) -> Offer {
        Offer {
            rtp,
            codecs: vec![G711::Pcmu, G711::Pcma],
            telephone_event: Some(101),
            ptime_ms: 20,
            session_id,
            version: session_id,
        }
    }

    /// The SDP text (CRLF line ends).
    pub fn to_sdp(&self) -> String {
        let ip = self.rtp.ip();
        let fam = match ip {
            IpAddr::V4(_) => "IP4",
            IpAddr::V6(_) => "IP6",
        };
        let mut fmts: Vec<String> = self.codecs.iter().map(|c| c.pt().to_string()).collect();
        if let Some(te) = self.telephone_event {
            fmts.push(te.to_string());
        }
        let mut s = String::with_capacity(300);
        s.push_str("v=0\r\n");
        s.push_str(&format!(
            "o=vcctl {} {} IN {fam} {ip}\r\n",
            self.session_id, self.version
        ));
        s.push_str("s=vcctl\r\n");
        s.push_str(&format!("c=IN {fam} {ip}\r\n"));
        s.push_str("t=0 0\r\n");
        s.push_str(&format!(
            "m=audio {} RTP/AVP {}\r\n",
            self.rtp.port(),
            fmts.join(" ")
        ));
        for c in &self.codecs {
            s.push_str(&format!("a=rtpmap:{} {}/8000\r\n", c.pt(), c.name()));
        }
        if let Some(te) = self.telephone_event {
            s.push_str(&format!("a=rtpmap:{te} telephone-event/8000\r\n"));
            s.push_str(&format!("a=fmtp:{te} 0-16\r\n"));
        }
        s.push_str(&format!("a=ptime:{}\r\n", self.ptime_ms));
        s.push_str("a=sendrecv\r\n");
        s
    }
}

/// The media both sides agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Negotiated {
    pub codec: G711,
    /// Where to send RTP.
    pub remote: SocketAddr,
    /// The answer's telephone-event payload type, if any.
    pub telephone_event: Option<u8>,
    pub ptime_ms: Option<u32>,
    pub direction: Direction,
}

/// Why an answer cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NegotiateError {
    #[error("the answer has no SDP")]
    NoSdp,
    #[error("the answer has no active audio stream")]
    NoAudio,
    #[error("the answer has no connection address for its audio")]
    NoAddress,
    #[error("the answer accepts none of the offered codecs (it lists {0})")]
    NoCommonCodec(String),
}

/// The media of a call's answer, as both callers (`vcctl call`'s test call and `vcctl load`)
/// set it up: the negotiated stream ([`negotiate`]) and where its RTCP goes (the answer's
/// `a=rtcp`, else the RTP port + 1, or the RTP address itself with `a=rtcp-mux`).
pub fn negotiate_answer(
    offer: &Offer,
    answer: Option<&Sdp>,
) -> Result<(Negotiated, SocketAddr), NegotiateError> {
    let sdp = answer.ok_or(NegotiateError::NoSdp)?;
    let neg = negotiate(offer, sdp)?;
    let rtcp_at = sdp
        .audio()
        .and_then(|a| a.rtcp_endpoint(sdp))
        .unwrap_or(neg.remote);
    Ok((neg, rtcp_at))
}

/// Interpret an SDP answer to `offer`: the first answered format that we offered wins.
pub fn negotiate(offer: &Offer, answer: &Sdp) -> Result<Negotiated, NegotiateError> {
    let audio = answer.audio().ok_or(NegotiateError::NoAudio)?;
    let remote = audio.endpoint(answer).ok_or(NegotiateError::NoAddress)?;
    let codec = audio
        .formats
        .iter()
        .filter_map(|&pt| {
            // A static type with a contradicting rtpmap is not G.711.
            let ok = audio.rtpmap(pt).is_none_or(|m| {
                G711::from_pt(pt).is_some_and(|g| m.encoding.eq_ignore_ascii_case(g.name()))
            });
            if ok {
                G711::from_pt(pt)
            } else {
                None
            }
        })
        .find(|g| offer.codecs.contains(g))
        .ok_or_else(|| NegotiateError::NoCommonCodec(audio.codec_names().join(", ")))?;
    let telephone_event = audio
        .rtpmaps
        .iter()
        .find(|m| m.encoding.eq_ignore_ascii_case("telephone-event") && m.clock_rate == 8000)
        .map(|m| m.pt);
    Ok(Negotiated {
        codec,
        remote,
        telephone_event,
        ptime_ms: audio.ptime,
        direction: audio.direction(answer),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offer_text_parses_back() {
        let o = Offer::g711("127.0.0.1:40000".parse().unwrap(), 42);
        let text = o.to_sdp();
        assert!(text.contains("m=audio 40000 RTP/AVP 0 8 101\r\n"), "{text}");
        assert!(text.contains("c=IN IP4 127.0.0.1\r\n"));
        assert!(text.contains("a=ptime:20\r\n"));
        let sdp = Sdp::parse(&text).unwrap();
        let a = sdp.audio().unwrap();
        assert_eq!(a.endpoint(&sdp), Some(o.rtp));
        assert_eq!(
            a.codec_names(),
            vec!["PCMU/8000", "PCMA/8000", "telephone-event/8000"]
        );
        // Offer answered by itself: PCMU.
        let n = negotiate(&o, &sdp).unwrap();
        assert_eq!(n.codec, G711::Pcmu);
        assert_eq!(n.telephone_event, Some(101));
        let v6 = Offer {
            codecs: vec![G711::Pcma],
            telephone_event: None,
            ..Offer::g711("[::1]:5000".parse().unwrap(), 1)
        };
        let t = v6.to_sdp();
        assert!(t.contains("c=IN IP6 ::1") && t.contains("RTP/AVP 8\r\n") && !t.contains("101"));
    }

    #[test]
    fn asterisk_answer() {
        let o = Offer::g711("127.0.0.1:40000".parse().unwrap(), 42);
        let answer = Sdp::parse(
            "v=0\r\no=- 1 3 IN IP4 127.0.0.1\r\ns=Asterisk\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
             m=audio 17822 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n\
             a=fmtp:101 0-16\r\na=ptime:20\r\na=maxptime:140\r\na=sendrecv\r\n",
        )
        .unwrap();
        let n = negotiate(&o, &answer).unwrap();
        assert_eq!(n.codec, G711::Pcma);
        assert_eq!(n.remote, "127.0.0.1:17822".parse().unwrap());
        assert_eq!(n.ptime_ms, Some(20));
        assert_eq!(n.direction, Direction::SendRecv);
    }

    #[test]
    fn unusable_answers() {
        let o = Offer {
            codecs: vec![G711::Pcmu],
            ..Offer::g711("127.0.0.1:40000".parse().unwrap(), 42)
        };
        let opus = Sdp::parse(
            "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/AVP 8 96\r\na=rtpmap:96 opus/48000/2\r\n",
        )
        .unwrap();
        assert_eq!(
            negotiate(&o, &opus),
            Err(NegotiateError::NoCommonCodec(
                "PCMA/8000, opus/48000".into()
            ))
        );
        let rejected = Sdp::parse("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 0 RTP/AVP 0\r\n").unwrap();
        assert_eq!(negotiate(&o, &rejected), Err(NegotiateError::NoAudio));
        let no_c = Sdp::parse("v=0\r\nm=audio 5000 RTP/AVP 0\r\n").unwrap();
        assert_eq!(negotiate(&o, &no_c), Err(NegotiateError::NoAddress));
    }

    #[test]
    fn an_answer_gives_its_stream_and_its_rtcp_address() {
        let o = Offer::g711("127.0.0.1:40000".parse().unwrap(), 42);
        assert_eq!(
            negotiate_answer(&o, None),
            Err(NegotiateError::NoSdp),
            "a 2xx without SDP"
        );
        assert_eq!(NegotiateError::NoSdp.to_string(), "the answer has no SDP");
        let plain = Sdp::parse("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/AVP 0\r\n").unwrap();
        let (n, rtcp) = negotiate_answer(&o, Some(&plain)).unwrap();
        assert_eq!(n.codec, G711::Pcmu);
        assert_eq!(
            rtcp,
            "10.0.0.1:5001".parse().unwrap(),
            "no a=rtcp: the RTP port + 1"
        );
        let with_rtcp =
            Sdp::parse("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 5000 RTP/AVP 0\r\na=rtcp:5011\r\n")
                .unwrap();
        let (n, rtcp) = negotiate_answer(&o, Some(&with_rtcp)).unwrap();
        assert_eq!(n.remote, "10.0.0.1:5000".parse().unwrap());
        assert_eq!(rtcp, "10.0.0.1:5011".parse().unwrap());
        let rejected = Sdp::parse("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 0 RTP/AVP 0\r\n").unwrap();
        assert_eq!(
            negotiate_answer(&o, Some(&rejected)),
            Err(NegotiateError::NoAudio)
        );
    }
}
