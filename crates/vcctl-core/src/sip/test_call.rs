//! One SIP test call (`vcctl call`, the latency probe's echo call) as a sans-IO engine: the
//! UAC ([`crate::sip::ua::Uac`]) and, once answered, the call's media
//! ([`crate::media::caller_media::CallerMedia`]: paced G.711 with markers, RTCP, reception). The
//! I/O shell (`io::sip_call`) owns three sockets (SIP connected to the peer, RTP and RTCP on
//! an even/odd port pair), feeds what they receive and the time in, and sends what
//! [`TestCall::poll_output`] gives; nothing here reads a clock or draws a random number.
//!
//! What it decides: negotiating the answer's SDP (a bad one is hung up and fails the call),
//! when media runs (from the answer while the dialog is established), the call's length
//! (`duration`, then BYE), a stop request (hang up or cancel, then give up after
//! [`STOP_GRACE`]), and the report or the failure at the end.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::media::caller_media::{
    AudioSource, CallerMedia, MediaConfig, MediaSeed, Reception, RtpReceived,
};
use crate::media::roundtrip::{RoundTripConfig, RoundTripReport};
use crate::media::rtcp::RtcpSummary;
use crate::sip::sdp::{negotiate_answer, Offer, G711};
use crate::sip::ua::{
    Credentials, Party, Phase, SipTimings, TraceEntry, UaEvent, UaOutput, Uac, UacConfig,
};

/// After a stop request, how long to wait for the call to wind down before giving up.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// Settings of one call, with the sockets' addresses and the random values already drawn.
#[derive(Debug, Clone)]
pub struct TestCallConfig {
    /// Request-URI, e.g. `sip:echo@127.0.0.1:5060`.
    pub uri: String,
    /// From URI.
    pub from: String,
    pub credentials: Option<Credentials>,
    /// Where SIP goes (the socket is connected there).
    pub peer: SocketAddr,
    pub local_sip: SocketAddr,
    pub local_rtp: SocketAddr,
    pub local_rtcp: SocketAddr,
    /// Codecs to offer, preferred first.
    pub codecs: Vec<G711>,
    pub source: AudioSource,
    /// How long to keep the call up after the answer; `None`: until the far end hangs up
    /// or the call is stopped.
    pub duration: Option<Duration>,
    /// How long to wait for the answer (then CANCEL).
    pub answer_timeout: Duration,
    /// Write round-trip markers into the outgoing audio and look for them.
    pub roundtrip: Option<RoundTripConfig>,
    /// The SDP session id and the UAC's seed (Call-ID, tags, branches).
    pub sdp_session_id: u64,
    pub ua_seed: u64,
    /// RTP SSRC, sequence and timestamp; `wall` is the wall clock when the call starts
    /// (the answer's is derived from it).
    pub media_seed: MediaSeed,
}

/// Which socket a datagram leaves by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Sip,
    Rtp,
    Rtcp,
}

/// What the shell must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallOutput {
    /// Send `bytes` by `via` to `to` (`None`: the SIP socket's connected peer).
    Transmit {
        via: Via,
        to: Option<SocketAddr>,
        bytes: Vec<u8>,
    },
    /// The call was just answered: drop RTP queued on the socket before it (early media
    /// would arrive "now" with old timestamps and skew the alignment).
    DiscardQueuedRtp,
}

/// Why the call did not happen (the shell adds its socket failures).
#[derive(Debug, Clone, PartialEq)]
pub enum CallFailure {
    Rejected {
        code: u16,
        reason: String,
    },
    AuthFailed {
        code: u16,
        reason: String,
        detail: String,
    },
    NoAnswer {
        secs: f64,
        what: &'static str,
    },
    BadAnswer {
        reason: String,
    },
    Interrupted,
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
    /// E-model MOS each way (docs/mos.md).
    pub mos: crate::media::caller_media::CallMos,
    pub sip_trace: Vec<TraceEntry>,
    /// Received audio on the sending clock (8 kHz mono), for recording.
    #[serde(skip)]
    pub received_audio: Vec<i16>,
}

/// One test call.
pub struct TestCall {
    cfg: TestCallConfig,
    ua: Uac,
    offer: Offer,
    started: Instant,
    media: Option<CallerMedia>,
    stopped: Option<Instant>,
    answered_at: Option<Instant>,
    media_end: Option<Instant>,
    ended: Option<(Party, Option<u16>)>,
    ended_at: Option<Instant>,
    sending: bool,
    out: VecDeque<CallOutput>,
    /// Set when the call is over: `Err` when it failed.
    done: Option<Result<(), CallFailure>>,
}

impl TestCall {
    /// Place the call at `now` (the INVITE is the first output).
    pub fn new(cfg: TestCallConfig, now: Instant) -> TestCall {
        let offer = Offer {
            codecs: cfg.codecs.clone(),
            ..Offer::g711(cfg.local_rtp, cfg.sdp_session_id)
        };
        let mut ua_cfg = UacConfig::new(
            &cfg.uri,
            &cfg.from,
            cfg.local_sip,
            offer.to_sdp(),
            cfg.ua_seed,
        );
        ua_cfg.credentials = cfg.credentials.clone();
        ua_cfg.answer_timeout = cfg.answer_timeout;
        let ua = Uac::new(ua_cfg, now);
        let mut call = TestCall {
            cfg,
            ua,
            offer,
            started: now,
            media: None,
            stopped: None,
            answered_at: None,
            media_end: None,
            ended: None,
            ended_at: None,
            sending: true,
            out: VecDeque::new(),
            done: None,
        };
        call.drive(now);
        call
    }

    /// The next thing to do, in order.
    pub fn poll_output(&mut self) -> Option<CallOutput> {
        self.out.pop_front()
    }

    /// The call was answered (media runs or ran).
    pub fn answered(&self) -> bool {
        self.media.is_some()
    }

    /// `Some` once the call is over (then [`TestCall::finish`]).
    pub fn outcome(&self) -> Option<&Result<(), CallFailure>> {
        self.done.as_ref()
    }

    /// When [`TestCall::handle_timeout`] is next needed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.done.is_some() {
            return None;
        }
        let media = self.media.as_ref().filter(|_| self.sending);
        [
            self.ua.poll_timeout(),
            media.map(|m| m.next_rtp_due()),
            media.map(|m| m.rtcp_due()),
            self.media_end.filter(|_| self.stopped.is_none()),
            self.stopped.map(|t| t + STOP_GRACE),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// A SIP datagram.
    pub fn handle_sip(&mut self, now: Instant, bytes: &[u8]) {
        self.ua.handle_datagram(now, self.cfg.peer, bytes);
        self.drive(now);
    }

    /// An RTP datagram from `from` (ignored before the answer).
    pub fn handle_rtp(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        if let Some(m) = &mut self.media {
            m.on_rtp(now, from, bytes);
        }
    }

    /// An RTCP datagram (ignored before the answer).
    pub fn handle_rtcp(&mut self, now: Instant, bytes: &[u8]) {
        if let Some(m) = &mut self.media {
            m.on_rtcp(now, bytes);
        }
    }

    /// Hang up (or cancel) now, e.g. on Ctrl-C.
    pub fn stop(&mut self, now: Instant) {
        if self.stopped.is_none() && self.done.is_none() {
            self.stopped = Some(now);
            self.ua.hangup(now);
            self.drive(now);
        }
    }

    /// Time passed: give up after a stop, end the call after its duration, the UAC's
    /// retransmissions and timeouts, RTP frames and RTCP reports that are due.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.done.is_some() {
            return;
        }
        if self.stopped.is_some_and(|t| now >= t + STOP_GRACE) {
            if self.media.is_none() {
                self.done = Some(Err(CallFailure::Interrupted));
            } else {
                tracing::warn!("the far end did not answer the BYE in time; giving up");
                self.ended = Some((Party::Local, None));
                self.ended_at = Some(now);
                self.done = Some(Ok(()));
            }
            return;
        }
        if self.stopped.is_none() && self.media_end.is_some_and(|t| now >= t) {
            self.media_end = None;
            self.ua.hangup(now);
        }
        if self.ua.poll_timeout().is_some_and(|t| now >= t) {
            self.ua.handle_timeout(now);
        }
        if let Some(m) = self.media.as_mut().filter(|_| self.sending) {
            if now >= m.next_rtp_due() {
                let out = &mut self.out;
                m.poll_rtp(now, |p, to| {
                    out.push_back(CallOutput::Transmit {
                        via: Via::Rtp,
                        to: Some(to),
                        bytes: p.to_vec(),
                    })
                });
            }
            if now >= m.rtcp_due() {
                let bytes = m.rtcp(now, false);
                let to = Some(m.rtcp_remote());
                self.out.push_back(CallOutput::Transmit {
                    via: Via::Rtcp,
                    to,
                    bytes,
                });
            }
        }
        self.drive(now);
    }

    /// Handle what the UAC produced: its datagrams, and its events.
    fn drive(&mut self, now: Instant) {
        while let Some(out) = self.ua.poll_output() {
            if self.done.is_some() {
                // Failed: only the datagrams still go out (the BYE of a bad answer).
                if let UaOutput::Transmit { to, bytes } = out {
                    self.transmit_sip(to, bytes);
                }
                continue;
            }
            match out {
                UaOutput::Transmit { to, bytes } => self.transmit_sip(to, bytes),
                UaOutput::Event(ev) => self.on_event(ev, now),
            }
        }
        if self.done.is_none() && self.ua.is_terminated() {
            self.done = Some(Ok(()));
        }
        if self.media.is_some() && self.ua.phase() != Phase::Established {
            self.sending = false;
        }
    }

    fn transmit_sip(&mut self, to: Option<SocketAddr>, bytes: Vec<u8>) {
        let to = to.filter(|a| *a != self.cfg.peer);
        self.out.push_back(CallOutput::Transmit {
            via: Via::Sip,
            to,
            bytes,
        });
    }

    fn on_event(&mut self, ev: UaEvent, now: Instant) {
        tracing::debug!("call event: {ev:?}");
        match ev {
            UaEvent::Trying | UaEvent::Ringing { .. } | UaEvent::SessionProgress { .. } => {}
            UaEvent::Answered { remote_sdp } => {
                let neg =
                    negotiate_answer(&self.offer, remote_sdp.as_ref()).map_err(|e| e.to_string());
                match neg {
                    Ok((neg, rtcp_at)) => {
                        self.out.push_back(CallOutput::DiscardQueuedRtp);
                        let cfg = MediaConfig {
                            source: self.cfg.source.clone(),
                            duration: self.cfg.duration,
                            roundtrip: self.cfg.roundtrip,
                            reception: Reception::Full,
                            cname: format!("vcctl@{}", self.cfg.local_sip.ip()),
                        };
                        let mut seed = self.cfg.media_seed;
                        seed.wall += now.saturating_duration_since(self.started);
                        self.media = Some(CallerMedia::new(neg, rtcp_at, cfg, seed, now));
                        self.answered_at = Some(now);
                        self.media_end = self.cfg.duration.map(|d| now + d);
                        if self.stopped.is_some() {
                            self.ua.hangup(now);
                        }
                    }
                    Err(reason) => {
                        self.ua.hangup(now);
                        // The BYE still goes out (drive sends a failed call's datagrams).
                        self.done = Some(Err(CallFailure::BadAnswer { reason }));
                    }
                }
            }
            UaEvent::RemoteSdp { remote_sdp } => {
                if let (Some(m), Some(a)) = (&mut self.media, remote_sdp.audio()) {
                    m.set_remote(a.endpoint(&remote_sdp), a.rtcp_endpoint(&remote_sdp));
                }
            }
            UaEvent::Ended { by, code } => {
                self.ended = Some((by, code));
                self.ended_at = Some(now);
            }
            UaEvent::Failed { code, reason } => {
                self.done = Some(Err(CallFailure::Rejected { code, reason }));
            }
            UaEvent::AuthFailed {
                code,
                reason,
                detail,
            } => {
                self.done = Some(Err(CallFailure::AuthFailed {
                    code,
                    reason,
                    detail,
                }));
            }
            UaEvent::TimedOut {
                cancelled,
                got_response,
            } => {
                self.done = Some(Err(if self.stopped.is_some() {
                    CallFailure::Interrupted
                } else {
                    CallFailure::NoAnswer {
                        secs: self.cfg.answer_timeout.as_secs_f64(),
                        what: match (cancelled, got_response) {
                            (true, _) => "CANCEL sent",
                            (false, true) => "no final answer",
                            (false, false) => "no response at all",
                        },
                    }
                }));
            }
        }
    }

    /// The call is over (or being abandoned): the closing RTCP report (with BYE) to send,
    /// best effort, and the report.
    pub fn finish(self, now: Instant) -> (Option<CallOutput>, Result<CallReport, CallFailure>) {
        if let Some(Err(f)) = self.done {
            return (None, Err(f));
        }
        let TestCall {
            cfg,
            ua,
            media,
            ended,
            ended_at,
            answered_at,
            ..
        } = self;
        let (Some(mut m), Some((by, code)), Some(answered)) = (media, ended, answered_at) else {
            return (None, Err(CallFailure::Interrupted));
        };
        let bye = CallOutput::Transmit {
            via: Via::Rtcp,
            to: Some(m.rtcp_remote()),
            bytes: m.rtcp(now, true),
        };
        let end = ended_at.unwrap_or(now);
        let (roundtrip, received_audio) = m.finish();
        let rtp_received = m.received();
        let rtcp_summary = m.rtcp_summary();
        let mos = crate::media::caller_media::call_mos(
            m.negotiated().codec,
            crate::media::caller_media::PTIME.as_secs_f64() * 1000.0,
            &rtp_received,
            &rtcp_summary,
            m.rtp_sent(),
        );
        let report = CallReport {
            call_id: ua.call_id().to_string(),
            local_sip: cfg.local_sip,
            local_rtp: cfg.local_rtp,
            codec: m.negotiated().codec,
            remote_media: m.negotiated().remote,
            ended_by: by,
            bye_status: code,
            media_seconds: end.saturating_duration_since(answered).as_secs_f64(),
            sip: *ua.timings(),
            rtp_sent: m.rtp_sent(),
            rtp_received,
            roundtrip,
            rtcp: CallRtcp {
                local: cfg.local_rtcp,
                remote: m.rtcp_remote(),
                summary: rtcp_summary,
            },
            mos,
            sip_trace: ua.trace().to_vec(),
            received_audio,
            uri: cfg.uri,
        };
        (Some(bye), Ok(report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::uas::Answerer;
    use std::collections::BTreeMap;

    const MS: Duration = Duration::from_millis(1);

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    fn config(duration: Option<Duration>) -> TestCallConfig {
        TestCallConfig {
            uri: "sip:echo@192.0.2.10:5060".into(),
            from: "sip:vcctl@192.0.2.1".into(),
            credentials: None,
            peer: addr("192.0.2.10:5060"),
            local_sip: addr("192.0.2.1:5070"),
            local_rtp: addr("192.0.2.1:40000"),
            local_rtcp: addr("192.0.2.1:40001"),
            codecs: vec![G711::Pcmu, G711::Pcma],
            source: AudioSource::Tone {
                hz: 1000.0,
                amplitude: 0.3,
            },
            duration,
            answer_timeout: Duration::from_secs(2),
            roundtrip: Some(RoundTripConfig::default()),
            sdp_session_id: 42,
            ua_seed: 7,
            media_seed: MediaSeed {
                ssrc: 0x1234,
                seq: 100,
                timestamp: 0,
                wall: Duration::from_secs(1_800_000_000),
            },
        }
    }

    /// The far end: an answerer that (optionally) echoes RTP after `echo_delay`.
    struct FarEnd {
        uas: Option<Answerer>,
        media: SocketAddr,
        echo_delay: Duration,
    }

    enum Arrival {
        Sip(Vec<u8>),
        Rtp(Vec<u8>),
    }

    /// Run the call on synthetic time from `t0` until it is over or `limit` passed;
    /// `stop_at` stops it. Every datagram takes 1 ms each way.
    fn run(
        call: &mut TestCall,
        far: &mut FarEnd,
        t0: Instant,
        limit: Duration,
        stop_at: Option<Duration>,
    ) -> (Instant, usize) {
        let mut queue: BTreeMap<(Instant, u64), Arrival> = BTreeMap::new();
        let mut n = 0u64;
        let mut rtp_out = 0;
        let mut now = t0;
        let mut stopped = false;
        loop {
            while let Some(o) = call.poll_output() {
                match o {
                    CallOutput::Transmit {
                        via: Via::Sip,
                        to,
                        bytes,
                    } => {
                        assert!(to.is_none(), "SIP goes to the connected peer");
                        if let Some(uas) = &mut far.uas {
                            uas.handle_datagram(now + MS, call.cfg.local_sip, &bytes);
                            while let Some((_, reply)) = uas.poll_transmit() {
                                n += 1;
                                queue.insert((now + 2 * MS, n), Arrival::Sip(reply));
                            }
                        }
                    }
                    CallOutput::Transmit {
                        via: Via::Rtp,
                        to,
                        bytes,
                    } => {
                        assert_eq!(to, Some(far.media));
                        rtp_out += 1;
                        n += 1;
                        queue.insert((now + far.echo_delay, n), Arrival::Rtp(bytes));
                    }
                    CallOutput::Transmit { via: Via::Rtcp, .. } | CallOutput::DiscardQueuedRtp => {}
                }
            }
            if call.outcome().is_some() || now >= t0 + limit {
                return (now, rtp_out);
            }
            let stop = stop_at.map(|d| t0 + d).filter(|_| !stopped);
            let next = [
                call.poll_timeout(),
                queue.keys().next().map(|k| k.0),
                stop,
                far.uas.as_ref().and_then(|u| u.poll_timeout()),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(t0 + limit)
            .min(t0 + limit);
            now = now.max(next);
            if stop.is_some_and(|s| now >= s) {
                stopped = true;
                call.stop(now);
            }
            if let Some(uas) = &mut far.uas {
                uas.handle_timeout(now);
                while let Some((_, reply)) = uas.poll_transmit() {
                    n += 1;
                    queue.insert((now + MS, n), Arrival::Sip(reply));
                }
            }
            while let Some(entry) = queue.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                match entry.remove() {
                    Arrival::Sip(b) => call.handle_sip(now, &b),
                    Arrival::Rtp(b) => call.handle_rtp(now, far.media, &b),
                }
            }
            call.handle_timeout(now);
        }
    }

    #[test]
    fn an_answered_call_is_paced_measures_its_echo_and_hangs_up_after_its_duration() {
        let t0 = Instant::now();
        let mut call = TestCall::new(config(Some(Duration::from_secs(3))), t0);
        let media = addr("192.0.2.10:20000");
        let mut far = FarEnd {
            uas: Some(Answerer::new(addr("192.0.2.10:5060"), media, 1)),
            media,
            echo_delay: 40 * MS,
        };
        let (end, rtp_out) = run(&mut call, &mut far, t0, Duration::from_secs(10), None);
        assert_eq!(call.outcome(), Some(&Ok(())));
        assert!(
            end < t0 + Duration::from_millis(3100),
            "ended {:?} after start",
            end - t0
        );
        let (bye, report) = call.finish(end);
        let report = report.unwrap();
        assert!(matches!(
            bye,
            Some(CallOutput::Transmit { via: Via::Rtcp, .. })
        ));
        // 3 s of 20 ms frames, paced on the synthetic clock.
        assert!(
            (149..=151).contains(&report.rtp_sent),
            "{} sent",
            report.rtp_sent
        );
        assert_eq!(report.rtp_sent as usize, rtp_out);
        assert_eq!(report.ended_by, Party::Local);
        assert_eq!(report.bye_status, Some(200));
        assert!(
            (report.media_seconds - 3.0).abs() < 0.01,
            "{}",
            report.media_seconds
        );
        assert_eq!(report.remote_media, media);
        assert_eq!(report.codec, G711::Pcmu);
        // Everything sent came back; the markers' round trip is the echo's 40 ms.
        assert!(report.rtp_received.packets + 2 >= report.rtp_sent);
        let rt = report.roundtrip.unwrap();
        assert!(rt.found >= 2, "{rt:?}");
        let median = rt.median_ms.unwrap();
        assert!((median - 40.0).abs() <= 2.0, "median {median} ms");
        assert_eq!(report.local_rtp, addr("192.0.2.1:40000"));
    }

    #[test]
    fn a_refused_call_fails_with_the_far_ends_code() {
        let t0 = Instant::now();
        let mut cfg = config(Some(Duration::from_secs(1)));
        cfg.codecs = Vec::new(); // nothing the answerer takes: 488
        let mut call = TestCall::new(cfg, t0);
        let media = addr("192.0.2.10:20000");
        let mut far = FarEnd {
            uas: Some(Answerer::new(addr("192.0.2.10:5060"), media, 1)),
            media,
            echo_delay: 40 * MS,
        };
        run(&mut call, &mut far, t0, Duration::from_secs(5), None);
        assert!(!call.answered());
        match call.outcome() {
            Some(Err(CallFailure::Rejected { code: 488, .. })) => {}
            other => panic!("expected a 488 refusal, got {other:?}"),
        }
        let (bye, report) = call.finish(t0);
        assert!(bye.is_none() && report.is_err());
    }

    #[test]
    fn silence_times_out_and_a_stop_before_the_answer_is_an_interruption() {
        let t0 = Instant::now();
        let media = addr("192.0.2.10:20000");
        let mut silent = FarEnd {
            uas: None,
            media,
            echo_delay: MS,
        };
        let mut call = TestCall::new(config(None), t0);
        let (end, _) = run(&mut call, &mut silent, t0, Duration::from_secs(60), None);
        assert_eq!(
            call.outcome(),
            Some(&Err(CallFailure::NoAnswer {
                secs: 2.0,
                what: "no response at all"
            }))
        );
        assert!(end <= t0 + Duration::from_secs(3), "{:?}", end - t0);

        let mut call = TestCall::new(config(None), t0);
        let stop = Duration::from_millis(500);
        let (end, _) = run(
            &mut call,
            &mut silent,
            t0,
            Duration::from_secs(60),
            Some(stop),
        );
        assert_eq!(call.outcome(), Some(&Err(CallFailure::Interrupted)));
        assert!(end <= t0 + stop + STOP_GRACE, "{:?}", end - t0);
    }

    #[test]
    fn a_stop_during_the_call_hangs_up_at_once() {
        let t0 = Instant::now();
        let media = addr("192.0.2.10:20000");
        let mut far = FarEnd {
            uas: Some(Answerer::new(addr("192.0.2.10:5060"), media, 1)),
            media,
            echo_delay: 10 * MS,
        };
        let mut call = TestCall::new(config(None), t0);
        let (end, _) = run(
            &mut call,
            &mut far,
            t0,
            Duration::from_secs(60),
            Some(Duration::from_secs(2)),
        );
        assert_eq!(call.outcome(), Some(&Ok(())));
        let (_, report) = call.finish(end);
        let report = report.unwrap();
        assert_eq!(
            (report.ended_by, report.bye_status),
            (Party::Local, Some(200))
        );
        assert!(
            (report.media_seconds - 2.0).abs() < 0.05,
            "{}",
            report.media_seconds
        );
    }
}
