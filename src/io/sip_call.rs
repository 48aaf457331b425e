//! One SIP test call over UDP: the adapter around [`vcctl_core::sip::ua::Uac`] (one socket
//! for SIP, one for RTP). It sends paced 20 ms G.711 frames of a tone, a file or silence with
//! round-trip markers written in, receives and decodes the far end's audio onto the sending
//! clock, and returns timings, RTP statistics, round-trip estimates and the received audio.
//!
//! The SIP socket is connected to the peer, so an ICMP "port unreachable" surfaces as an
//! error (nothing listens there) instead of a 32 s timeout; every SIP request and response
//! therefore goes to that one peer.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::net::UdpSocket;

pub use vcctl_core::media::caller_media::{AudioSource, RtpReceived};
use vcctl_core::media::caller_media::{CallerMedia, MediaConfig, MediaSeed, Reception};
use vcctl_core::media::roundtrip::{RoundTripConfig, RoundTripReport};
use vcctl_core::media::rtcp::RtcpSummary;
use vcctl_core::sip::sdp::{negotiate, Offer, G711};
use vcctl_core::sip::ua::{
    Credentials, Party, SipTimings, TraceEntry, UaEvent, UaOutput, Uac, UacConfig,
};

/// After a stop request, how long to wait for the call to wind down before giving up.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Settings of one call.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// Request-URI, e.g. `sip:echo@127.0.0.1:5060`.
    pub uri: String,
    /// Where SIP goes (the URI's host and port, resolved).
    pub peer: SocketAddr,
    /// From URI; default `sip:vcctl@<local address>`.
    pub from: Option<String>,
    pub credentials: Option<Credentials>,
    /// Local SIP address (port 0: any); RTP binds the same IP, any port.
    pub bind: SocketAddr,
    /// Codecs to offer, preferred first.
    pub codecs: Vec<G711>,
    pub source: AudioSource,
    /// How long to keep the call up after the answer; `None`: until the far end hangs up
    /// or `stop` fires.
    pub duration: Option<Duration>,
    /// How long to wait for the answer (then CANCEL).
    pub answer_timeout: Duration,
    /// Write round-trip markers into the outgoing audio and look for them.
    pub roundtrip: Option<RoundTripConfig>,
}

/// The call's RTCP: where it went and what came of it.
#[derive(Debug, Clone, Serialize)]
pub struct CallRtcp {
    pub local: SocketAddr,
    /// The answer's `a=rtcp`, else its RTP port + 1.
    pub remote: SocketAddr,
    #[serde(flatten)]
    pub summary: RtcpSummary,
}

/// How the call went.
#[derive(Debug, Clone, Serialize)]
pub struct CallReport {
    pub uri: String,
    pub call_id: String,
    pub local_sip: SocketAddr,
    pub local_rtp: SocketAddr,
    pub codec: G711,
    /// Where the answer's SDP asked for RTP.
    pub remote_media: SocketAddr,
    /// Who ended the call.
    pub ended_by: Party,
    /// Final answer to our BYE (`None` when the far end hung up or the BYE went unanswered).
    pub bye_status: Option<u16>,
    /// Seconds from the answer to the end of the call.
    pub media_seconds: f64,
    pub sip: SipTimings,
    pub rtp_sent: u64,
    pub rtp_received: RtpReceived,
    /// `None` when markers were off.
    pub roundtrip: Option<RoundTripReport>,
    /// Sender/receiver reports both ways and the RTCP round trip of our stream.
    pub rtcp: CallRtcp,
    pub sip_trace: Vec<TraceEntry>,
    /// Received audio on the sending clock (8 kHz mono), for recording.
    #[serde(skip)]
    pub received_audio: Vec<i16>,
}

/// Why a call did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("nothing answers SIP at {peer} ({reason}); check the address and that the PBX listens on UDP there")]
    Unreachable { peer: SocketAddr, reason: String },
    #[error("the call to {uri} failed: {code} {reason}{}", rejection_hint(*.code))]
    Rejected {
        uri: String,
        code: u16,
        reason: String,
    },
    #[error("the call to {uri} was refused with {code} {reason}: {detail}; give the right --sip-user and --sip-password")]
    AuthFailed {
        uri: String,
        code: u16,
        reason: String,
        detail: String,
    },
    #[error("{uri} did not answer within {secs} s ({what})")]
    NoAnswer {
        uri: String,
        secs: f64,
        what: &'static str,
    },
    #[error("the call to {uri} was answered with unusable media: {reason}")]
    BadAnswer { uri: String, reason: String },
    #[error("the call to {uri} was interrupted before it was answered")]
    Interrupted { uri: String },
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

/// What to try after a refusal, by status code.
fn rejection_hint(code: u16) -> &'static str {
    match code {
        403 => " (the PBX does not take calls from this address or user; check its endpoint identification)",
        404 | 484 => " (no such extension; check the user part of the URI and the endpoint's dialplan context)",
        480 | 486 | 600 => " (the far end is busy or unavailable; try again later)",
        488 | 606 => " (the far end accepts none of the offered codecs; try --codec ulaw or alaw)",
        500..=599 => " (the PBX failed or has no route; see its log)",
        _ => "",
    }
}

impl CallError {
    /// Exit code (see `crate::error`).
    pub fn exit_code(&self) -> i32 {
        match self {
            CallError::Unreachable { .. } => 3,
            CallError::AuthFailed { .. } => 4,
            CallError::Rejected { .. } | CallError::BadAnswer { .. } => 6,
            CallError::NoAnswer { .. } => 7,
            CallError::Interrupted { .. } => 130,
            CallError::Io { .. } => 1,
        }
    }

    fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        CallError::Io {
            what: what.into(),
            source,
        }
    }
}

fn random_u64() -> u64 {
    rand::random()
}

/// Random stream identifiers and the wall clock now.
fn media_seed() -> MediaSeed {
    MediaSeed {
        ssrc: rand::random(),
        seq: rand::random(),
        timestamp: rand::random(),
        wall: crate::io::clock::since_epoch(),
    }
}

/// Send one packet; a refused RTP port is not fatal for a test call (noted and ignored).
async fn send_or_note(sock: &UdpSocket, bytes: &[u8], to: SocketAddr, what: &str) {
    if let Err(e) = sock.send_to(bytes, to).await {
        tracing::debug!("sending {what} to {to}: {e}");
    }
}

/// Send the frames due at `now`.
async fn send_due(
    m: &mut CallerMedia,
    rtp: &UdpSocket,
    now: Instant,
    buf: &mut Vec<(Vec<u8>, SocketAddr)>,
) {
    m.poll_rtp(now, |p, to| buf.push((p.to_vec(), to)));
    for (p, to) in buf.drain(..) {
        send_or_note(rtp, &p, to, "RTP").await;
    }
}

/// Send an RTCP report (`last`: with BYE).
async fn send_rtcp(m: &mut CallerMedia, sock: &UdpSocket, now: Instant, last: bool) {
    let bytes = m.rtcp(now, last);
    send_or_note(sock, &bytes, m.rtcp_remote(), "RTCP").await;
}

/// The From URI when none is given: the digest user at our address (a PBX such as Asterisk
/// identifies the caller by From's user part, so the challenge names the right account),
/// else `vcctl`.
pub(crate) fn default_from(credentials: Option<&Credentials>, local: SocketAddr) -> String {
    let host = match local.ip() {
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let user = credentials
        .map(|c| c.user.as_str())
        .filter(|u| {
            !u.is_empty()
                && u.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'+".contains(c))
        })
        .unwrap_or("vcctl");
    format!("sip:{user}@{host}")
}

/// An RTP socket on an even port and the RTCP socket on the next one (RFC 3550 section 11:
/// a peer that sees no `a=rtcp` in our offer sends RTCP to the RTP port + 1).
async fn bind_rtp_pair(ip: std::net::IpAddr) -> Result<(UdpSocket, UdpSocket), CallError> {
    let what = || format!("binding an RTP/RTCP port pair on {ip}");
    let mut last = None;
    for _ in 0..64 {
        let rtp = UdpSocket::bind(SocketAddr::new(ip, 0))
            .await
            .map_err(|e| CallError::io(what(), e))?;
        let port = rtp
            .local_addr()
            .map_err(|e| CallError::io(what(), e))?
            .port();
        if port % 2 != 0 || port == u16::MAX {
            continue;
        }
        match UdpSocket::bind(SocketAddr::new(ip, port + 1)).await {
            Ok(rtcp) => return Ok((rtp, rtcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(CallError::io(
        what(),
        last.unwrap_or_else(|| std::io::Error::other("no free even/odd port pair in 64 tries")),
    ))
}

async fn sleep_until(t: Option<Instant>) {
    match t {
        Some(t) => tokio::time::sleep_until(tokio::time::Instant::from_std(t)).await,
        None => std::future::pending().await,
    }
}

/// Place the call and run it to the end. `stop` (e.g. Ctrl-C) hangs up early.
pub async fn run_call(
    opts: CallOptions,
    stop: impl Future<Output = ()>,
) -> Result<CallReport, CallError> {
    let sip = UdpSocket::bind(opts.bind)
        .await
        .map_err(|e| CallError::io(format!("binding the SIP socket to {}", opts.bind), e))?;
    sip.connect(opts.peer)
        .await
        .map_err(|e| CallError::Unreachable {
            peer: opts.peer,
            reason: e.to_string(),
        })?;
    let local_sip = sip
        .local_addr()
        .map_err(|e| CallError::io("reading the SIP socket address", e))?;
    let (rtp, rtcp) = bind_rtp_pair(local_sip.ip()).await?;
    let local_rtp = rtp
        .local_addr()
        .map_err(|e| CallError::io("reading the RTP socket address", e))?;
    let local_rtcp = rtcp
        .local_addr()
        .map_err(|e| CallError::io("reading the RTCP socket address", e))?;
    let cname = format!("vcctl@{}", local_sip.ip());

    let offer = Offer {
        codecs: opts.codecs.clone(),
        ..Offer::g711(local_rtp, random_u64() >> 1)
    };
    let from = opts
        .from
        .clone()
        .unwrap_or_else(|| default_from(opts.credentials.as_ref(), local_sip));
    let mut cfg = UacConfig::new(&opts.uri, &from, local_sip, offer.to_sdp(), random_u64());
    cfg.credentials = opts.credentials.clone();
    cfg.answer_timeout = opts.answer_timeout;
    let mut ua = Uac::new(cfg, Instant::now());
    tracing::info!(
        "calling {} via {} from {local_sip} (RTP {local_rtp})",
        opts.uri,
        opts.peer
    );

    tokio::pin!(stop);
    let mut stopped: Option<Instant> = None;
    let mut media: Option<CallerMedia> = None;
    let mut answered_at: Option<Instant> = None;
    let mut media_end: Option<Instant> = None;
    let mut ended: Option<(Party, Option<u16>)> = None;
    let mut ended_at: Option<Instant> = None;
    let mut sip_buf = vec![0u8; 65536];
    let mut rtp_buf = vec![0u8; 2048];
    let mut rtcp_buf = vec![0u8; 2048];
    let mut out_buf = Vec::new();
    let mut sending = true;

    loop {
        // Flush what the UA wants done.
        while let Some(out) = ua.poll_output() {
            match out {
                UaOutput::Transmit { to, bytes } => {
                    let r = match to {
                        Some(a) if a != opts.peer => sip.send_to(&bytes, a).await,
                        _ => sip.send(&bytes).await,
                    };
                    if let Err(e) = r {
                        if e.kind() == std::io::ErrorKind::ConnectionRefused && media.is_none() {
                            return Err(CallError::Unreachable {
                                peer: opts.peer,
                                reason: e.to_string(),
                            });
                        }
                        tracing::debug!("sending SIP: {e}");
                    }
                }
                UaOutput::Event(ev) => {
                    tracing::debug!("call event: {ev:?}");
                    match ev {
                        UaEvent::Trying
                        | UaEvent::Ringing { .. }
                        | UaEvent::SessionProgress { .. } => {}
                        UaEvent::Answered { remote_sdp } => {
                            let now = Instant::now();
                            let neg = remote_sdp
                                .ok_or_else(|| "the answer has no SDP".to_string())
                                .and_then(|sdp| {
                                    let neg = negotiate(&offer, &sdp).map_err(|e| e.to_string())?;
                                    let rtcp_at = sdp
                                        .audio()
                                        .and_then(|a| a.rtcp_endpoint(&sdp))
                                        .unwrap_or(neg.remote);
                                    Ok((neg, rtcp_at))
                                });
                            match neg {
                                Ok((neg, rtcp_at)) => {
                                    // Early media queued before the answer would arrive
                                    // "now" with old timestamps and skew the alignment.
                                    while rtp.try_recv_from(&mut rtp_buf).is_ok() {}
                                    let cfg = MediaConfig {
                                        source: opts.source.clone(),
                                        duration: opts.duration,
                                        roundtrip: opts.roundtrip,
                                        reception: Reception::Full,
                                        cname: cname.clone(),
                                    };
                                    media = Some(CallerMedia::new(
                                        neg,
                                        rtcp_at,
                                        cfg,
                                        media_seed(),
                                        now,
                                    ));
                                    answered_at = Some(now);
                                    media_end = opts.duration.map(|d| now + d);
                                    if stopped.is_some() {
                                        ua.hangup(now);
                                    }
                                }
                                Err(reason) => {
                                    ua.hangup(now);
                                    // Let the BYE go out, then fail.
                                    while let Some(UaOutput::Transmit { bytes, .. }) =
                                        ua.poll_output()
                                    {
                                        let _ = sip.send(&bytes).await;
                                    }
                                    return Err(CallError::BadAnswer {
                                        uri: opts.uri.clone(),
                                        reason,
                                    });
                                }
                            }
                        }
                        UaEvent::RemoteSdp { remote_sdp } => {
                            if let (Some(m), Some(a)) = (&mut media, remote_sdp.audio()) {
                                m.set_remote(a.endpoint(&remote_sdp), a.rtcp_endpoint(&remote_sdp));
                            }
                        }
                        UaEvent::Ended { by, code } => {
                            ended = Some((by, code));
                            ended_at = Some(Instant::now());
                        }
                        UaEvent::Failed { code, reason } => {
                            return Err(CallError::Rejected {
                                uri: opts.uri.clone(),
                                code,
                                reason,
                            })
                        }
                        UaEvent::AuthFailed {
                            code,
                            reason,
                            detail,
                        } => {
                            return Err(CallError::AuthFailed {
                                uri: opts.uri.clone(),
                                code,
                                reason,
                                detail,
                            })
                        }
                        UaEvent::TimedOut {
                            cancelled,
                            got_response,
                        } => {
                            if stopped.is_some() {
                                return Err(CallError::Interrupted {
                                    uri: opts.uri.clone(),
                                });
                            }
                            return Err(CallError::NoAnswer {
                                uri: opts.uri.clone(),
                                secs: opts.answer_timeout.as_secs_f64(),
                                what: match (cancelled, got_response) {
                                    (true, _) => "CANCEL sent",
                                    (false, true) => "no final answer",
                                    (false, false) => "no response at all",
                                },
                            });
                        }
                    }
                }
            }
        }
        if ua.is_terminated() {
            break;
        }
        if media.is_some() && ua.phase() != vcctl_core::sip::ua::Phase::Established {
            sending = false;
        }
        let pace_at = media.as_ref().filter(|_| sending).map(|m| m.next_rtp_due());
        let rtcp_at = media.as_ref().filter(|_| sending).map(|m| m.rtcp_due());
        let end_at = media_end.filter(|_| stopped.is_none());
        let give_up_at = stopped.map(|t| t + STOP_GRACE);
        let media_active = media.is_some();
        tokio::select! {
            r = sip.recv(&mut sip_buf) => match r {
                Ok(n) => ua.handle_datagram(Instant::now(), opts.peer, &sip_buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    if media.is_none() {
                        return Err(CallError::Unreachable { peer: opts.peer, reason: e.to_string() });
                    }
                    tracing::debug!("SIP peer refused a datagram: {e}");
                }
                Err(e) => return Err(CallError::io("receiving SIP", e)),
            },
            r = rtp.recv_from(&mut rtp_buf), if media_active => {
                if let (Ok((n, from)), Some(m)) = (r, &mut media) {
                    m.on_rtp(Instant::now(), from, &rtp_buf[..n]);
                }
            },
            r = rtcp.recv_from(&mut rtcp_buf), if media_active => {
                if let (Ok((n, _)), Some(m)) = (r, &mut media) {
                    m.on_rtcp(Instant::now(), &rtcp_buf[..n]);
                }
            },
            _ = sleep_until(rtcp_at) => {
                if let Some(m) = &mut media {
                    send_rtcp(m, &rtcp, Instant::now(), false).await;
                }
            },
            _ = sleep_until(ua.poll_timeout()) => ua.handle_timeout(Instant::now()),
            _ = sleep_until(pace_at) => {
                if let Some(m) = &mut media {
                    send_due(m, &rtp, Instant::now(), &mut out_buf).await;
                }
            },
            _ = sleep_until(end_at) => {
                media_end = None;
                ua.hangup(Instant::now());
            },
            _ = &mut stop, if stopped.is_none() => {
                let now = Instant::now();
                stopped = Some(now);
                ua.hangup(now);
            },
            _ = sleep_until(give_up_at) => {
                if media.is_none() {
                    return Err(CallError::Interrupted { uri: opts.uri.clone() });
                }
                tracing::warn!("the far end did not answer the BYE in time; giving up");
                ended = Some((Party::Local, None));
                ended_at = Some(Instant::now());
                break;
            },
        }
    }

    let (Some(mut m), Some((by, code)), Some(answered)) = (media, ended, answered_at) else {
        return Err(CallError::Interrupted { uri: opts.uri });
    };
    // The closing report (RTCP BYE); best effort, the far end may be gone.
    send_rtcp(&mut m, &rtcp, Instant::now(), true).await;
    let end = ended_at.unwrap_or_else(Instant::now);
    let (roundtrip, received_audio) = m.finish();
    Ok(CallReport {
        uri: opts.uri,
        call_id: ua.call_id().to_string(),
        local_sip,
        local_rtp,
        codec: m.negotiated().codec,
        remote_media: m.negotiated().remote,
        ended_by: by,
        bye_status: code,
        media_seconds: end.saturating_duration_since(answered).as_secs_f64(),
        sip: *ua.timings(),
        rtp_sent: m.rtp_sent(),
        rtp_received: m.received(),
        roundtrip,
        rtcp: CallRtcp {
            local: local_rtcp,
            remote: m.rtcp_remote(),
            summary: m.rtcp_summary(),
        },
        sip_trace: ua.trace().to_vec(),
        received_audio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_one_sentence_with_the_documented_exit_code() {
        let uri = "sip:x@127.0.0.1".to_string();
        let cases: Vec<(CallError, i32, &str)> = vec![
            (
                CallError::Unreachable {
                    peer: "127.0.0.1:5060".parse().unwrap(),
                    reason: "Connection refused (os error 111)".into(),
                },
                3,
                "nothing answers SIP at 127.0.0.1:5060 (Connection refused (os error 111)); check",
            ),
            (
                CallError::Rejected {
                    uri: uri.clone(),
                    code: 404,
                    reason: "Not Found".into(),
                },
                6,
                "the call to sip:x@127.0.0.1 failed: 404 Not Found (no such extension;",
            ),
            (
                CallError::AuthFailed {
                    uri: uri.clone(),
                    code: 401,
                    reason: "Unauthorized".into(),
                    detail: "the credentials of user \"a\" were rejected (realm \"asterisk\")"
                        .into(),
                },
                4,
                "the call to sip:x@127.0.0.1 was refused with 401 Unauthorized: the credentials",
            ),
            (
                CallError::NoAnswer {
                    uri: uri.clone(),
                    secs: 30.0,
                    what: "CANCEL sent",
                },
                7,
                "sip:x@127.0.0.1 did not answer within 30 s (CANCEL sent)",
            ),
            (CallError::Interrupted { uri }, 130, "the call to"),
        ];
        for (e, code, start) in cases {
            let s = e.to_string();
            assert_eq!(e.exit_code(), code, "{s}");
            assert!(s.starts_with(start), "{s}");
            assert!(!s.contains('\n'), "{s}");
            assert_eq!(crate::error::Error::from(e).exit_code(), code);
        }
        assert_eq!(rejection_hint(200), "");
    }

    #[test]
    fn from_defaults_to_the_digest_user() {
        let local: SocketAddr = "127.0.0.1:5070".parse().unwrap();
        assert_eq!(default_from(None, local), "sip:vcctl@127.0.0.1");
        let c = |u: &str| Credentials {
            user: u.into(),
            password: "p".into(),
        };
        assert_eq!(
            default_from(Some(&c("vcctl-auth")), local),
            "sip:vcctl-auth@127.0.0.1"
        );
        // A user that would need escaping in a URI keeps the plain default.
        assert_eq!(
            default_from(Some(&c("a b@c")), local),
            "sip:vcctl@127.0.0.1"
        );
        let v6: SocketAddr = "[::1]:5070".parse().unwrap();
        assert_eq!(default_from(None, v6), "sip:vcctl@[::1]");
    }
}
