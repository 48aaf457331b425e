//! SIP ladders: each call's messages in order, with SDP summaries, retransmissions and
//! transaction problems ([`sip_flows`]).

use super::*;

// ---------------------------------------------------------------------------------------
// SIP ladders
// ---------------------------------------------------------------------------------------

/// The SDP media line of a SIP message, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SdpSummary {
    pub addr: Option<IpAddr>,
    pub port: u16,
    pub codecs: Vec<String>,
    pub direction: Direction,
}

impl fmt::Display for SdpSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            Some(a) => write!(f, "{}", SocketAddr::new(a, self.port))?,
            None => write!(f, "?:{}", self.port)?,
        }
        if let Some(c) = self.codecs.first() {
            write!(f, " {}", c.split('/').next().unwrap_or(c))?;
        }
        if self.direction != Direction::SendRecv {
            write!(f, " {}", self.direction.as_str())?;
        }
        Ok(())
    }
}

/// One SIP message on a ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowMessage {
    /// Seconds after the call's first message.
    pub t: f64,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    /// "INVITE" or "200 OK".
    pub label: String,
    /// "1 INVITE".
    pub cseq: Option<String>,
    pub sdp: Option<SdpSummary>,
    /// Same bytes seen before between the same addresses.
    pub retransmission: bool,
}

/// One call (Call-ID) as a ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallFlow {
    pub call_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// First message, seconds since the Unix epoch.
    pub start_s: f64,
    /// First message, seconds after the first frame of the capture.
    pub start_rel_s: f64,
    /// Addresses in order of appearance (the ladder's columns).
    pub participants: Vec<SocketAddr>,
    pub messages: Vec<FlowMessage>,
    pub problems: Vec<String>,
}

/// Everything `vcctl sip-flow` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SipFlowReport {
    pub calls: Vec<CallFlow>,
}

pub(super) fn sdp_summary(sdp: &Sdp) -> Option<SdpSummary> {
    let m = sdp.audio().or_else(|| sdp.media.first())?;
    Some(SdpSummary {
        addr: m.address(sdp),
        port: m.port,
        codecs: m.codec_names(),
        direction: m.direction(sdp),
    })
}

pub(super) fn build_flows(sip: &[SipSeen], capture_start: Option<Duration>) -> SipFlowReport {
    let mut calls: Vec<CallFlow> = Vec::new();
    let mut seen: Vec<HashSet<(SocketAddr, SocketAddr, u64)>> = Vec::new();
    let mut msgs: Vec<Vec<&SipMessage>> = Vec::new();
    let start = capture_start.unwrap_or_default();
    for s in sip {
        let cid = s.msg.call_id().unwrap_or("(no Call-ID)");
        let ci = match calls.iter().position(|c| c.call_id == cid) {
            Some(i) => i,
            None => {
                calls.push(CallFlow {
                    call_id: cid.to_string(),
                    from: s.msg.from().map(str::to_string),
                    to: s.msg.to().map(str::to_string),
                    start_s: secs(s.ts),
                    start_rel_s: (s.ts.as_nanos() as i128 - start.as_nanos() as i128) as f64 / 1e9,
                    participants: Vec::new(),
                    messages: Vec::new(),
                    problems: Vec::new(),
                });
                seen.push(HashSet::new());
                msgs.push(Vec::new());
                calls.len() - 1
            }
        };
        let call = &mut calls[ci];
        for a in [s.src, s.dst] {
            if !call.participants.contains(&a) {
                call.participants.push(a);
            }
        }
        let retransmission = !seen[ci].insert((s.src, s.dst, s.digest));
        let sdp = s.msg.sdp().as_ref().and_then(sdp_summary);
        if let (Some(sd), false) = (&sdp, retransmission) {
            if let Some(addr) = sd.addr {
                let src_ip = s.src.ip();
                // Loopback media from a host that is not talking over loopback, or a
                // private address in a message that came from a public one: NAT trouble.
                let what = if addr.is_loopback() && !src_ip.is_loopback() {
                    Some("loopback")
                } else if net::is_private(addr) && !net::is_private(src_ip) && !src_ip.is_loopback()
                {
                    Some("private")
                } else {
                    None
                };
                if let Some(what) = what {
                    {
                        call.problems.push(format!(
                            "SDP in {} from {} advertises {what} address {}:{} for media, not the sender's {}: the other side will send RTP where it cannot arrive (NAT or wrong external address?)",
                            s.msg.label(),
                            s.src,
                            addr,
                            sd.port,
                            src_ip
                        ));
                    }
                }
            }
        }
        call.messages.push(FlowMessage {
            t: secs(s.ts) - call.start_s,
            src: s.src,
            dst: s.dst,
            label: s.msg.label(),
            cseq: s.msg.cseq().map(|c| format!("{} {}", c.seq, c.method)),
            sdp,
            retransmission,
        });
        msgs[ci].push(&s.msg);
    }
    for (call, ms) in calls.iter_mut().zip(&msgs) {
        transaction_problems(call, ms);
    }
    SipFlowReport { calls }
}

/// Missing ACKs and unanswered INVITEs.
pub(super) fn transaction_problems(call: &mut CallFlow, msgs: &[&SipMessage]) {
    let mut invites: Vec<u32> = Vec::new();
    for m in msgs {
        if m.method() == Some("INVITE") {
            if let Some(c) = m.cseq() {
                if !invites.contains(&c.seq) {
                    invites.push(c.seq);
                }
            }
        }
    }
    for seq in invites {
        let finals: Vec<u16> = msgs
            .iter()
            .filter_map(|m| {
                let c = m.cseq()?;
                let code = m.status()?;
                (c.seq == seq && c.method == "INVITE" && code >= 200).then_some(code)
            })
            .collect();
        let acked = msgs
            .iter()
            .any(|m| m.method() == Some("ACK") && m.cseq().is_some_and(|c| c.seq == seq));
        match finals.first() {
            None => call
                .problems
                .push(format!("INVITE (CSeq {seq}) got no final response")),
            Some(&code) if !acked => {
                let sent = finals.len();
                let what = if (200..300).contains(&code) {
                    "the caller never confirmed the answer; the callee will hang up after about 32 s"
                } else {
                    "the failure response was never acknowledged"
                };
                call.problems.push(format!(
                    "missing ACK: {code} response to INVITE (CSeq {seq}) was sent {sent} time{} and never ACKed: {what}",
                    if sent == 1 { "" } else { "s" }
                ));
            }
            Some(_) => {}
        }
    }
}

/// Build SIP ladders from captured frames.
pub fn sip_flows<E>(
    records: impl IntoIterator<Item = Result<Record, E>>,
) -> Result<SipFlowReport, E> {
    let mut a = CaptureAnalyzer::sip_only();
    for r in records {
        a.push(&r?);
    }
    Ok(a.sip_flows())
}
