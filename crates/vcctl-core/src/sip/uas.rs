//! A sans-IO SIP user agent server that answers every call (`vcctl load --answer`, what
//! SIPp's `uas` scenario does): 200 OK with an SDP answer to each INVITE at once, the 200
//! retransmitted until the ACK (RFC 3261 timer G, given up after 64*T1), 200 to BYE, CANCEL
//! and OPTIONS, 481 to requests of unknown calls.
//!
//! Every call's media goes to one address (the adapter echoes RTP there). Feed
//! [`Answerer::handle_datagram`] and [`Answerer::handle_timeout`]; drain
//! [`Answerer::poll_transmit`].

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::sip::message::{same_header, Header, SipMessage, Start};
use crate::sip::sdp::{negotiate, Offer, G711};
use crate::sip::ua::{T1, T2};

/// Counters of the answerer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AnswererStats {
    /// Distinct INVITEs (calls) answered.
    pub answered: u64,
    /// Calls refused (no usable offer).
    pub refused: u64,
    /// Calls ended by BYE.
    pub ended: u64,
    /// Calls up now.
    pub active: u64,
    /// 200s to INVITEs retransmitted.
    pub retransmissions: u64,
}

#[derive(Debug)]
struct Dialog {
    /// The 200 (or final answer) to the INVITE, for retransmissions.
    answer: Vec<u8>,
    peer: SocketAddr,
    next_retx: Option<Instant>,
    interval: Duration,
    give_up: Instant,
    /// Ended (BYE answered) at; kept a while for retransmitted BYEs.
    ended: Option<Instant>,
}

/// Answers every call.
#[derive(Debug)]
pub struct Answerer {
    contact: SocketAddr,
    media: SocketAddr,
    user_agent: String,
    rng: u64,
    calls: HashMap<String, Dialog>,
    out: VecDeque<(SocketAddr, Vec<u8>)>,
    stats: AnswererStats,
}

/// How long an ended call is remembered (a BYE retransmitted for 64*T1 still gets its 200).
const LINGER: Duration = Duration::from_secs(32);

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Answerer {
    /// `contact`: our SIP address; `media`: where every call's RTP should go.
    pub fn new(contact: SocketAddr, media: SocketAddr, seed: u64) -> Self {
        Answerer {
            contact,
            media,
            user_agent: format!("vcctl/{} (load --answer)", env!("CARGO_PKG_VERSION")),
            rng: seed,
            calls: HashMap::new(),
            out: VecDeque::new(),
            stats: AnswererStats::default(),
        }
    }

    pub fn stats(&self) -> AnswererStats {
        self.stats
    }

    /// A datagram to send: (destination, bytes).
    pub fn poll_transmit(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.out.pop_front()
    }

    fn response(
        &self,
        req: &SipMessage,
        code: u16,
        reason: &str,
        to_tag: Option<&str>,
        body: Option<String>,
    ) -> Vec<u8> {
        let mut headers: Vec<Header> = req
            .headers
            .iter()
            .filter(|h| {
                ["Via", "From", "To", "Call-ID", "CSeq"]
                    .iter()
                    .any(|n| same_header(&h.name, n))
            })
            .cloned()
            .collect();
        if let (Some(tag), None) = (to_tag, req.to_tag()) {
            if let Some(h) = headers.iter_mut().find(|h| same_header(&h.name, "To")) {
                h.value = format!("{};tag={tag}", h.value);
            }
        }
        let mut push = |n: &str, v: String| {
            headers.push(Header {
                name: n.into(),
                value: v,
            })
        };
        if code == 200 && req.method() == Some("INVITE") {
            push("Contact", format!("<sip:load@{}>", self.contact));
        }
        push("User-Agent", self.user_agent.clone());
        let body = body.unwrap_or_default();
        if !body.is_empty() {
            push("Content-Type", "application/sdp".into());
        }
        push("Content-Length", body.len().to_string());
        SipMessage {
            start: Start::Response {
                code,
                reason: reason.into(),
            },
            headers,
            body: body.into_bytes(),
        }
        .to_bytes()
    }

    /// A datagram from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        let Ok(msg) = SipMessage::parse(bytes) else {
            return;
        };
        let Some(method) = msg.method().map(str::to_ascii_uppercase) else {
            return; // a response: we send no requests
        };
        let call_id = msg.call_id().unwrap_or("").to_string();
        let reply = |me: &Self, code, reason: &str| me.response(&msg, code, reason, None, None);
        match method.as_str() {
            "INVITE" => {
                if let Some(d) = self.calls.get(&call_id) {
                    // A retransmission (or a re-INVITE, answered alike).
                    if d.ended.is_none() {
                        self.out.push_back((from, d.answer.clone()));
                    }
                    return;
                }
                let tag = format!("{:012x}", splitmix(&mut self.rng) & 0xffff_ffff_ffff);
                let offer = Offer {
                    codecs: vec![G711::Pcmu, G711::Pcma],
                    telephone_event: None,
                    ..Offer::g711(self.media, splitmix(&mut self.rng) >> 1)
                };
                let answer = match msg.sdp().map(|sdp| negotiate(&offer, &sdp)) {
                    Some(Ok(n)) => {
                        let a = Offer {
                            codecs: vec![n.codec],
                            ..offer
                        };
                        self.stats.answered += 1;
                        self.stats.active += 1;
                        self.response(&msg, 200, "OK", Some(&tag), Some(a.to_sdp()))
                    }
                    _ => {
                        self.stats.refused += 1;
                        self.response(&msg, 488, "Not Acceptable Here", Some(&tag), None)
                    }
                };
                self.out.push_back((from, answer.clone()));
                self.calls.insert(
                    call_id,
                    Dialog {
                        answer,
                        peer: from,
                        next_retx: Some(now + T1),
                        interval: T1,
                        give_up: now + 64 * T1,
                        ended: None,
                    },
                );
            }
            "ACK" => {
                if let Some(d) = self.calls.get_mut(&call_id) {
                    d.next_retx = None;
                    if d.answer.starts_with(b"SIP/2.0 488") {
                        d.ended = Some(now);
                    }
                }
            }
            "BYE" => match self.calls.get_mut(&call_id) {
                Some(d) => {
                    d.next_retx = None;
                    if d.ended.is_none() {
                        d.ended = Some(now);
                        self.stats.ended += 1;
                        self.stats.active = self.stats.active.saturating_sub(1);
                    }
                    let r = reply(self, 200, "OK");
                    self.out.push_back((from, r));
                }
                None => {
                    let r = reply(self, 481, "Call/Transaction Does Not Exist");
                    self.out.push_back((from, r));
                }
            },
            "CANCEL" | "OPTIONS" => {
                let r = reply(self, 200, "OK");
                self.out.push_back((from, r));
            }
            _ => {
                let r = reply(self, 481, "Call/Transaction Does Not Exist");
                self.out.push_back((from, r));
            }
        }
    }

    /// Run the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        let mut retx = Vec::new();
        self.calls.retain(|_, d| {
            if let Some(t) = d.next_retx {
                if now >= d.give_up {
                    // No ACK ever came: count the call as over.
                    d.next_retx = None;
                    d.ended = Some(now);
                } else if now >= t {
                    retx.push((d.peer, d.answer.clone()));
                    d.interval = (d.interval * 2).min(T2);
                    d.next_retx = Some(now + d.interval);
                }
            }
            d.ended.is_none_or(|e| now < e + LINGER)
        });
        self.stats.retransmissions += retx.len() as u64;
        self.out.extend(retx);
    }

    /// When [`Self::handle_timeout`] should next run.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter_map(|d| match (d.next_retx, d.ended) {
                (Some(t), _) => Some(t.min(d.give_up)),
                (None, Some(e)) => Some(e + LINGER),
                (None, None) => None,
            })
            .min()
    }
}

/// What `load --answer` did: the SIP side's counts, RTP echoed, wall and CPU time.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct AnswerTotals {
    #[serde(flatten)]
    pub sip: AnswererStats,
    /// RTP packets echoed.
    pub rtp_echoed: u64,
    pub seconds: f64,
    pub cpu_seconds: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::ua::{UaEvent, UaOutput, Uac, UacConfig};

    /// Run a real UAC against the answerer on synthetic time.
    #[test]
    fn answers_a_call_and_takes_its_bye() {
        let t0 = Instant::now();
        let uas_addr: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        let uac_addr: SocketAddr = "127.0.0.1:5070".parse().unwrap();
        let media: SocketAddr = "127.0.0.1:6000".parse().unwrap();
        let mut uas = Answerer::new(uas_addr, media, 1);
        let offer = Offer::g711("127.0.0.1:7000".parse().unwrap(), 5);
        let cfg = UacConfig::new(
            "sip:load@127.0.0.1:5060",
            "sip:vcctl@127.0.0.1",
            uac_addr,
            offer.to_sdp(),
            9,
        );
        let mut uac = Uac::new(cfg, t0);
        let mut events = Vec::new();
        let pump = |uac: &mut Uac,
                    uas: &mut Answerer,
                    now: Instant,
                    drop_first: bool,
                    events: &mut Vec<UaEvent>| {
            let mut dropped = !drop_first;
            for _ in 0..10 {
                let mut any = false;
                while let Some(o) = uac.poll_output() {
                    any = true;
                    match o {
                        UaOutput::Transmit { bytes, .. } => {
                            uas.handle_datagram(now, uac_addr, &bytes)
                        }
                        UaOutput::Event(e) => events.push(e),
                    }
                }
                while let Some((to, b)) = uas.poll_transmit() {
                    any = true;
                    assert_eq!(to, uac_addr);
                    if !dropped {
                        dropped = true;
                        continue;
                    }
                    uac.handle_datagram(now, uas_addr, &b);
                }
                if !any {
                    break;
                }
            }
        };
        // The first 200 is lost: the answerer retransmits it after T1.
        pump(&mut uac, &mut uas, t0, true, &mut events);
        assert!(events.is_empty(), "{events:?}");
        assert_eq!(uas.poll_timeout(), Some(t0 + T1));
        uas.handle_timeout(t0 + T1);
        assert_eq!(uas.stats().retransmissions, 1);
        pump(&mut uac, &mut uas, t0 + T1, false, &mut events);
        let Some(UaEvent::Answered {
            remote_sdp: Some(sdp),
        }) = events.first().cloned()
        else {
            panic!("{events:?}")
        };
        let n = negotiate(&offer, &sdp).unwrap();
        assert_eq!((n.codec, n.remote), (G711::Pcmu, media));
        // ACKed: no more retransmissions.
        uas.handle_timeout(t0 + T1 * 3);
        assert_eq!(uas.stats().retransmissions, 1);
        assert_eq!(uas.stats().active, 1);
        uac.hangup(t0 + Duration::from_secs(2));
        pump(
            &mut uac,
            &mut uas,
            t0 + Duration::from_secs(2),
            false,
            &mut events,
        );
        assert!(
            matches!(
                events.last(),
                Some(UaEvent::Ended {
                    code: Some(200),
                    ..
                })
            ),
            "{events:?}"
        );
        let s = uas.stats();
        assert_eq!((s.answered, s.ended, s.active), (1, 1, 0));
        // Forgotten after the linger time.
        uas.handle_timeout(t0 + Duration::from_secs(40));
        assert_eq!(uas.poll_timeout(), None);
    }

    #[test]
    fn refuses_an_offer_without_g711_and_answers_strangers_481() {
        let t0 = Instant::now();
        let from: SocketAddr = "127.0.0.1:5070".parse().unwrap();
        let mut uas = Answerer::new(from, from, 1);
        let body =
            "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nm=audio 4 RTP/AVP 9\r\n";
        let invite = format!(
            "INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n\
             From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\
             Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        uas.handle_datagram(t0, from, invite.as_bytes());
        let (_, r) = uas.poll_transmit().unwrap();
        assert!(
            r.starts_with(b"SIP/2.0 488"),
            "{}",
            String::from_utf8_lossy(&r)
        );
        assert_eq!(uas.stats().refused, 1);
        let bye = invite
            .replace("INVITE sip", "BYE sip")
            .replace("1 INVITE", "2 BYE")
            .replace("c1", "c2");
        uas.handle_datagram(t0, from, bye.as_bytes());
        let (_, r) = uas.poll_transmit().unwrap();
        assert!(r.starts_with(b"SIP/2.0 481"));
    }
}
