//! SDP correlation: the media each call's offer and answer announce, matched to the
//! streams seen in the capture.

use super::*;

// ---------------------------------------------------------------------------------------
// SDP per call
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub(super) struct SdpSeen {
    pub(super) endpoint: MediaEndpoint,
    pub(super) rtpmaps: Vec<RtpMap>,
}

#[derive(Debug, Clone)]
pub(super) struct CallSdp {
    pub(super) call_id: String,
    from: Option<String>,
    to: Option<String>,
    pub(super) sdps: Vec<SdpSeen>,
}

/// Whether `m` was sent by the caller, given the caller's From tag.
pub(super) fn sent_by_caller(m: &SipMessage, caller_tag: Option<&str>) -> bool {
    let tag = m.from_tag();
    match (m.is_request(), caller_tag) {
        (true, Some(c)) => tag == Some(c),
        (true, None) => true,
        (false, Some(c)) => tag != Some(c),
        (false, None) => false,
    }
}

pub(super) fn collect_sdp(sip: &[SipSeen]) -> Vec<CallSdp> {
    let mut calls: Vec<CallSdp> = Vec::new();
    let mut caller_tags: Vec<Option<String>> = Vec::new();
    for s in sip {
        let Some(cid) = s.msg.call_id() else { continue };
        let ci = match calls.iter().position(|c| c.call_id == cid) {
            Some(i) => i,
            None => {
                calls.push(CallSdp {
                    call_id: cid.to_string(),
                    from: s.msg.from().map(str::to_string),
                    to: s.msg.to().map(str::to_string),
                    sdps: Vec::new(),
                });
                // The first message's From tag is the caller's if it is a request.
                let tag = if s.msg.is_request() {
                    s.msg.from_tag().map(str::to_string)
                } else {
                    None
                };
                caller_tags.push(tag);
                calls.len() - 1
            }
        };
        let Some(sdp) = s.msg.sdp() else { continue };
        for m in sdp
            .media
            .iter()
            .filter(|m| m.kind == "audio" && m.port != 0)
        {
            let Some(addr) = m.endpoint(&sdp) else {
                continue;
            };
            calls[ci].sdps.push(SdpSeen {
                endpoint: MediaEndpoint {
                    addr,
                    codecs: m.codec_names(),
                    direction: m.direction(&sdp),
                    in_message: s.msg.label(),
                    sip_src: s.src,
                    caller_side: sent_by_caller(&s.msg, caller_tags[ci].as_deref()),
                },
                rtpmaps: m.rtpmaps.clone(),
            });
        }
    }
    calls
}

pub(super) fn call_media(
    calls: &[CallSdp],
    streams: &[StreamReport],
    out: &mut Vec<Problem>,
) -> Vec<SipCallMedia> {
    let mut result = Vec::new();
    for c in calls {
        let mut endpoints: Vec<MediaEndpoint> = Vec::new();
        for s in &c.sdps {
            if !endpoints
                .iter()
                .any(|e| e.addr == s.endpoint.addr && e.caller_side == s.endpoint.caller_side)
            {
                endpoints.push(s.endpoint.clone());
            }
        }
        let idx: Vec<usize> = streams
            .iter()
            .enumerate()
            .filter(|(_, s)| s.call_id.as_deref() == Some(c.call_id.as_str()))
            .map(|(i, _)| i)
            .collect();
        let caller_eps: Vec<SocketAddr> = endpoints
            .iter()
            .filter(|e| e.caller_side)
            .map(|e| e.addr)
            .collect();
        let callee_eps: Vec<SocketAddr> = endpoints
            .iter()
            .filter(|e| !e.caller_side)
            .map(|e| e.addr)
            .collect();
        // Direction of each stream: towards the caller or towards the callee.
        let (mut to_caller, mut to_callee) = (0u64, 0u64);
        for &i in &idx {
            let s = &streams[i];
            if caller_eps.contains(&s.dst) || callee_eps.contains(&s.src) {
                to_caller += s.stats.packets;
            } else if callee_eps.contains(&s.dst) || caller_eps.contains(&s.src) {
                to_callee += s.stats.packets;
            }
        }
        let on_hold = endpoints.iter().any(|e| e.direction != Direction::SendRecv);
        let answered = !caller_eps.is_empty() && !callee_eps.is_empty();
        if idx.is_empty() {
            if answered {
                out.push(Problem {
                    kind: ProblemKind::NoMedia,
                    stream: None,
                    call_id: Some(c.call_id.clone()),
                    message: format!(
                        "call {}: SDP was exchanged ({} and {}) but no RTP was captured in either direction",
                        c.call_id, caller_eps[0], callee_eps[0]
                    ),
                });
            }
        } else if answered && (to_caller == 0 || to_callee == 0) {
            let (has, lacks) = if to_caller == 0 {
                (("callee", callee_eps[0]), ("caller", caller_eps[0]))
            } else {
                (("caller", caller_eps[0]), ("callee", callee_eps[0]))
            };
            out.push(Problem {
                kind: ProblemKind::OneWayAudio,
                stream: idx.first().copied(),
                call_id: Some(c.call_id.clone()),
                message: format!(
                    "call {}: one-way audio: RTP reaches the {} ({}) but none reaches the {} ({}){}",
                    c.call_id,
                    has.0,
                    has.1,
                    lacks.0,
                    lacks.1,
                    if on_hold {
                        "; the SDP puts the call on hold (sendonly/recvonly/inactive), which may explain it"
                    } else {
                        ""
                    }
                ),
            });
        }
        result.push(SipCallMedia {
            call_id: c.call_id.clone(),
            from: c.from.clone(),
            to: c.to.clone(),
            endpoints,
            streams: idx,
        });
    }
    result
}
