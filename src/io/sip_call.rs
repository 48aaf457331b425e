//! One SIP test call over UDP: the sockets around [`vcctl_core::sip::test_call::TestCall`] (the
//! UAC and the call's media: paced 20 ms G.711 of a tone, a file or silence with round-trip
//! markers, reception onto the sending clock, RTCP). One socket for SIP, an even/odd pair
//! for RTP and RTCP; the engine decides everything else and returns the report.
//!
//! The SIP socket is connected to the peer, so an ICMP "port unreachable" surfaces as an
//! error (nothing listens there) instead of a 32 s timeout; every SIP request and response
//! therefore goes to that one peer.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;

use vcctl_core::media::caller_media::MediaSeed;
pub use vcctl_core::media::caller_media::{AudioSource, RtpReceived};
use vcctl_core::media::roundtrip::RoundTripConfig;
use vcctl_core::sip::sdp::G711;
use vcctl_core::sip::test_call::{CallFailure, CallOutput, TestCall, TestCallConfig, Via};
pub use vcctl_core::sip::test_call::{CallReport, CallRtcp};
use vcctl_core::sip::ua::Credentials;

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

    fn from_failure(uri: String, f: CallFailure) -> Self {
        match f {
            CallFailure::Rejected { code, reason } => CallError::Rejected { uri, code, reason },
            CallFailure::AuthFailed {
                code,
                reason,
                detail,
            } => CallError::AuthFailed {
                uri,
                code,
                reason,
                detail,
            },
            CallFailure::NoAnswer { secs, what } => CallError::NoAnswer { uri, secs, what },
            CallFailure::BadAnswer { reason } => CallError::BadAnswer { uri, reason },
            CallFailure::Interrupted => CallError::Interrupted { uri },
        }
    }
}

fn random_u64() -> u64 {
    rand::random()
}

/// Random stream identifiers and the wall clock now (the engine moves it to the answer).
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

/// Place the call and run it to the end. `stop` (e.g. Ctrl-C) hangs up early. The call
/// itself is [`TestCall`]; this loop moves its datagrams and its time.
pub async fn place_call(
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
    let from = opts
        .from
        .clone()
        .unwrap_or_else(|| default_from(opts.credentials.as_ref(), local_sip));
    let cfg = TestCallConfig {
        uri: opts.uri.clone(),
        from,
        credentials: opts.credentials.clone(),
        peer: opts.peer,
        local_sip,
        local_rtp,
        local_rtcp,
        codecs: opts.codecs.clone(),
        source: opts.source.clone(),
        duration: opts.duration,
        answer_timeout: opts.answer_timeout,
        roundtrip: opts.roundtrip,
        sdp_session_id: random_u64() >> 1,
        ua_seed: random_u64(),
        media_seed: media_seed(),
    };
    let mut call = TestCall::new(cfg, Instant::now());
    tracing::info!(
        "calling {} via {} from {local_sip} (RTP {local_rtp})",
        opts.uri,
        opts.peer
    );

    tokio::pin!(stop);
    let mut stop_seen = false;
    let mut sip_buf = vec![0u8; 65536];
    let mut rtp_buf = vec![0u8; 2048];
    let mut rtcp_buf = vec![0u8; 2048];
    loop {
        while let Some(out) = call.poll_output() {
            match out {
                CallOutput::Transmit {
                    via: Via::Sip,
                    to,
                    bytes,
                } => {
                    let r = match to {
                        Some(a) => sip.send_to(&bytes, a).await,
                        None => sip.send(&bytes).await,
                    };
                    if let Err(e) = r {
                        if e.kind() == std::io::ErrorKind::ConnectionRefused && !call.answered() {
                            return Err(CallError::Unreachable {
                                peer: opts.peer,
                                reason: e.to_string(),
                            });
                        }
                        tracing::debug!("sending SIP: {e}");
                    }
                }
                CallOutput::Transmit { via, to, bytes } => {
                    let (sock, what) = match via {
                        Via::Rtcp => (&rtcp, "RTCP"),
                        _ => (&rtp, "RTP"),
                    };
                    if let Some(to) = to {
                        send_or_note(sock, &bytes, to, what).await;
                    }
                }
                CallOutput::DiscardQueuedRtp => while rtp.try_recv_from(&mut rtp_buf).is_ok() {},
            }
        }
        if call.outcome().is_some() {
            break;
        }
        let answered = call.answered();
        tokio::select! {
            r = sip.recv(&mut sip_buf) => match r {
                Ok(n) => call.handle_sip(Instant::now(), &sip_buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    if !call.answered() {
                        return Err(CallError::Unreachable { peer: opts.peer, reason: e.to_string() });
                    }
                    tracing::debug!("SIP peer refused a datagram: {e}");
                }
                Err(e) => return Err(CallError::io("receiving SIP", e)),
            },
            // Before the answer RTP stays queued (and is then dropped: DiscardQueuedRtp).
            r = rtp.recv_from(&mut rtp_buf), if answered => {
                if let Ok((n, from)) = r {
                    call.handle_rtp(Instant::now(), from, &rtp_buf[..n]);
                }
            },
            r = rtcp.recv_from(&mut rtcp_buf), if answered => {
                if let Ok((n, _)) = r {
                    call.handle_rtcp(Instant::now(), &rtcp_buf[..n]);
                }
            },
            _ = sleep_until(call.poll_timeout()) => call.handle_timeout(Instant::now()),
            _ = &mut stop, if !stop_seen => {
                stop_seen = true;
                call.stop(Instant::now());
            },
        }
    }
    let (bye, report) = call.finish(Instant::now());
    // The closing report (RTCP BYE); best effort, the far end may be gone.
    if let Some(CallOutput::Transmit {
        to: Some(to),
        bytes,
        ..
    }) = bye
    {
        send_or_note(&rtcp, &bytes, to, "RTCP").await;
    }
    report.map_err(|f| CallError::from_failure(opts.uri, f))
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
