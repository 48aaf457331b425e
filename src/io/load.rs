//! `vcctl load`'s engine: one thread that places, holds and ends every call of the run.
//!
//! Each call is what `vcctl call` makes ([`vcctl_core::sip::ua::Uac`] for SIP with digest
//! auth, [`vcctl_core::media::caller_media::CallerMedia`] for paced G.711 with round-trip
//! markers and RTCP), with an RTP socket and an RTCP socket of its own; SIP for all calls
//! goes over one socket, told apart by Call-ID (as a trunk's would).
//!
//! Why one thread and not a task and timers per call: 1,000 calls mean 50,000 RTP packets a
//! second each way, and on two cores the per-call task wake-ups and timers cost more than
//! the packets (see `media_clock` for the same finding in serve). Here one heap of
//! deadlines (one entry per call: its next frame, report or SIP timer) and one epoll set of
//! every socket drive all calls; `epoll_pwait2` sleeps to the nanosecond, so frames leave on
//! their 20 ms grid. Each call's sockets are its own (one per call is the point of a load
//! test), so `sendmmsg` cannot batch across calls; the kernel's UDP path is most of the
//! cost (see docs/benchmarks.md).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use vcctl_core::load::Live;
use vcctl_core::load::{
    audio_verdict, CallRecord, LoadPlan, Outcome, Sample, Scheduler, Tally, MAX_WATCHED,
};
use vcctl_core::media::caller_media::{
    AudioSource, CallerMedia, MediaConfig, MediaSeed, Reception,
};
use vcctl_core::media::roundtrip::RoundTripConfig;
use vcctl_core::sip::message::SipMessage;
use vcctl_core::sip::sdp::{negotiate_answer, Offer, G711};
use vcctl_core::sip::ua::{Credentials, Phase, UaEvent, UaOutput, Uac, UacConfig};

/// After a stop, how long calls get to hang up before the run gives up on them.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// An ended call's SIP is still answered this long (retransmitted BYEs and 200s).
const LINGER: Duration = Duration::from_secs(32);
const SIP_TOKEN: u64 = u64::MAX;

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Request-URI of every call.
    pub uri: String,
    /// Where SIP goes.
    pub peer: SocketAddr,
    /// Local SIP address (port 0: any); RTP binds the same IP.
    pub bind: SocketAddr,
    pub from: Option<String>,
    pub credentials: Option<Credentials>,
    pub codecs: Vec<G711>,
    pub source: AudioSource,
    /// How long each answered call stays up; `None`: until the end of the run.
    pub hold: Option<Duration>,
    pub answer_timeout: Duration,
    pub roundtrip: Option<RoundTripConfig>,
    pub plan: LoadPlan,
    /// Other processes whose CPU to report: (name, pid).
    pub watch: Vec<(String, u32)>,
}

/// What a run gives.
pub struct LoadRun {
    pub records: Vec<CallRecord>,
    pub tally: Tally,
    pub seconds: f64,
    /// Stopped by Ctrl-C.
    pub interrupted: bool,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

fn io_err(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> LoadError {
    let what = what.into();
    move |source| LoadError::Io { what, source }
}

struct Call {
    index: u64,
    step: usize,
    /// Generation of the heap entry that is current for this call.
    gen: u64,
    /// An entry for `wake` is in the heap.
    queued: bool,
    ua: Uac,
    offer: Offer,
    rtp: UdpSocket,
    rtcp: UdpSocket,
    started: Instant,
    media: Option<CallerMedia>,
    answered: Option<Instant>,
    hold_end: Option<Instant>,
    give_up: Option<Instant>,
    outcome: Option<(Outcome, Option<u16>, Option<String>)>,
    /// Counters at the last sample.
    seen: (u64, u64),
    /// Round-trip estimates already passed to the tally.
    rt_seen: usize,
    /// The deadline the heap holds for this call.
    wake: Instant,
}

fn epoll_add(ep: i32, fd: i32, token: u64) -> std::io::Result<()> {
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: token,
    };
    // SAFETY: ep and fd are open descriptors; ev is a valid epoll_event.
    if unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// An RTP socket on an even port and the RTCP socket on the next one, non-blocking.
pub fn bind_rtp_pair(ip: IpAddr) -> std::io::Result<(UdpSocket, UdpSocket)> {
    let mut last = None;
    for _ in 0..64 {
        let rtp = UdpSocket::bind(SocketAddr::new(ip, 0))?;
        let port = rtp.local_addr()?.port();
        if port % 2 != 0 || port == u16::MAX {
            continue;
        }
        match UdpSocket::bind(SocketAddr::new(ip, port + 1)) {
            Ok(rtcp) => {
                rtp.set_nonblocking(true)?;
                rtcp.set_nonblocking(true)?;
                return Ok((rtp, rtcp));
            }
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free even/odd port pair in 64 tries")))
}

fn cpu_now(watch: &[(String, u32)]) -> (f64, [f64; MAX_WATCHED]) {
    let mut o = [0.0; MAX_WATCHED];
    for (k, (_, pid)) in watch.iter().take(MAX_WATCHED).enumerate() {
        o[k] = super::bench::cpu_seconds_pid(*pid);
    }
    (super::bench::cpu_seconds_self(), o)
}

struct Engine {
    opts: LoadOptions,
    sip: UdpSocket,
    local_sip: SocketAddr,
    from: String,
    ep: i32,
    calls: Vec<Option<Call>>,
    free: Vec<usize>,
    by_id: HashMap<String, usize>,
    lingering: HashMap<String, (Uac, Instant)>,
    heap: BinaryHeap<Reverse<(Instant, usize, u64)>>,
    t0: Instant,
    sched: Scheduler,
    tally: Tally,
    records: Vec<CallRecord>,
    in_progress: u64,
    up: u64,
    answered: u64,
    failed: u64,
    next_index: u64,
    seed: u64,
    stopping: bool,
    hung_up_all: bool,
    sip_buf: Vec<u8>,
    rtp_buf: Vec<u8>,
    /// RTP expected/received on calls that ended since the last sample.
    pending_rx: (u64, u64),
    next_gen: u64,
}

impl Engine {
    fn rand(&mut self) -> u64 {
        // splitmix64 over a seed from the OS: identifiers, not secrets.
        self.seed = self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn secs(&self, t: Instant) -> f64 {
        t.saturating_duration_since(self.t0).as_secs_f64()
    }

    fn schedule(&mut self, slot: usize) {
        let Some(c) = self.calls[slot].as_mut() else {
            return;
        };
        let mut t = c.give_up.unwrap_or(c.started + Duration::from_secs(3600));
        if let Some(u) = c.ua.poll_timeout() {
            t = t.min(u);
        }
        if let Some(h) = c.hold_end {
            t = t.min(h);
        }
        if let Some(m) = &c.media {
            if c.ua.phase() == Phase::Established {
                t = t.min(m.next_rtp_due()).min(m.rtcp_due());
            }
        }
        // An earlier entry still queued wakes the call early once; it then asks again.
        if !c.queued || t < c.wake {
            self.next_gen += 1;
            c.gen = self.next_gen;
            c.wake = t;
            c.queued = true;
            self.heap.push(Reverse((t, slot, c.gen)));
        }
    }

    fn start_call(&mut self, now: Instant) {
        let index = self.next_index;
        self.next_index += 1;
        let step = self.sched.step_at(now);
        let ip = self.local_sip.ip();
        let (rtp, rtcp) = match bind_rtp_pair(ip) {
            Ok(p) => p,
            Err(e) => {
                self.fail_unplaced(index, step, now, format!("binding an RTP port pair: {e}"));
                return;
            }
        };
        let local_rtp = match rtp.local_addr() {
            Ok(a) => a,
            Err(e) => {
                self.fail_unplaced(index, step, now, format!("reading the RTP address: {e}"));
                return;
            }
        };
        let offer = Offer {
            codecs: self.opts.codecs.clone(),
            ..Offer::g711(local_rtp, self.rand() >> 1)
        };
        let ua_seed = self.rand();
        let mut cfg = UacConfig::new(
            &self.opts.uri,
            &self.from,
            self.local_sip,
            offer.to_sdp(),
            ua_seed,
        );
        cfg.credentials = self.opts.credentials.clone();
        cfg.answer_timeout = self.opts.answer_timeout;
        let ua = Uac::new(cfg, now);
        let slot = match self.free.pop() {
            Some(s) => s,
            None => {
                self.calls.push(None);
                self.calls.len() - 1
            }
        };
        let (fr, fc) = (rtp.as_raw_fd(), rtcp.as_raw_fd());
        if let Err(e) = epoll_add(self.ep, fr, (slot as u64) << 1)
            .and_then(|_| epoll_add(self.ep, fc, ((slot as u64) << 1) | 1))
        {
            self.free.push(slot);
            self.fail_unplaced(index, step, now, format!("watching the RTP sockets: {e}"));
            return;
        }
        self.by_id.insert(ua.call_id().to_string(), slot);
        self.calls[slot] = Some(Call {
            index,
            step,
            gen: 0,
            queued: false,
            ua,
            offer,
            rtp,
            rtcp,
            started: now,
            media: None,
            answered: None,
            hold_end: None,
            give_up: self.stopping.then(|| now + STOP_GRACE),
            outcome: None,
            seen: (0, 0),
            rt_seen: 0,
            wake: now,
        });
        self.in_progress += 1;
        self.drive(slot, now);
    }

    /// A call that never went out (no socket): recorded as failed.
    fn fail_unplaced(&mut self, index: u64, step: usize, now: Instant, reason: String) {
        tracing::warn!("call {index} not placed: {reason}");
        let r = CallRecord {
            index,
            step,
            call_id: String::new(),
            started_s: self.secs(now),
            outcome: Outcome::Failed,
            code: None,
            reason: Some(reason),
            setup_ms: None,
            media_seconds: 0.0,
            ..Default::default()
        };
        self.failed += 1;
        self.tally.record(&r);
        self.records.push(r);
    }

    fn send_sip(&self, to: Option<SocketAddr>, bytes: &[u8]) {
        let r = match to {
            Some(a) if a != self.opts.peer => self.sip.send_to(bytes, a),
            _ => self.sip.send(bytes),
        };
        if let Err(e) = r {
            tracing::debug!("sending SIP: {e}");
        }
    }

    /// Run what is due for call `slot` at `now`, flush its SIP, finish it if it is over.
    fn drive(&mut self, slot: usize, now: Instant) {
        let Some(mut c) = self.calls[slot].take() else {
            return;
        };
        if c.ua.poll_timeout().is_some_and(|t| t <= now) {
            c.ua.handle_timeout(now);
        }
        if c.hold_end.is_some_and(|t| t <= now) {
            c.hold_end = None;
            c.ua.hangup(now);
        }
        if let Some(m) = &mut c.media {
            if c.ua.phase() == Phase::Established {
                if m.next_rtp_due() <= now {
                    let rtp = &c.rtp;
                    m.poll_rtp(now, |p, to| {
                        if let Err(e) = rtp.send_to(p, to) {
                            tracing::trace!("sending RTP to {to}: {e}");
                        }
                    });
                    m.poll_markers(now);
                }
                if m.rtcp_due() <= now {
                    let b = m.rtcp(now, false);
                    let _ = c.rtcp.send_to(&b, m.rtcp_remote());
                }
            }
        }
        self.flush(&mut c, now);
        if c.outcome.is_none() && c.give_up.is_some_and(|t| t <= now) {
            c.outcome = Some(match c.answered {
                Some(_) => (Outcome::Answered, None, None),
                None => (
                    Outcome::Unfinished,
                    None,
                    Some("the run ended before the call was answered".into()),
                ),
            });
        }
        if c.outcome.is_some() {
            self.finish(slot, c, now);
        } else {
            self.calls[slot] = Some(c);
            self.schedule(slot);
        }
    }

    fn flush(&mut self, c: &mut Call, now: Instant) {
        while let Some(out) = c.ua.poll_output() {
            match out {
                UaOutput::Transmit { to, bytes } => self.send_sip(to, &bytes),
                UaOutput::Event(ev) => self.on_event(c, ev, now),
            }
        }
    }

    fn on_event(&mut self, c: &mut Call, ev: UaEvent, now: Instant) {
        match ev {
            UaEvent::Trying | UaEvent::Ringing { .. } | UaEvent::SessionProgress { .. } => {}
            UaEvent::Answered { remote_sdp } => {
                let neg =
                    negotiate_answer(&c.offer, remote_sdp.as_ref()).map_err(|e| e.to_string());
                self.answered += 1;
                self.up += 1;
                c.answered = Some(now);
                if let Some(ms) = c.ua.timings().setup_ms {
                    self.tally.setup(c.step, ms);
                }
                match neg {
                    Ok((neg, rtcp_at)) => {
                        let seed = MediaSeed {
                            ssrc: self.rand() as u32,
                            seq: self.rand() as u16,
                            timestamp: self.rand() as u32,
                            wall: crate::io::clock::since_epoch(),
                        };
                        let cfg = MediaConfig {
                            source: self.opts.source.clone(),
                            duration: self.opts.hold,
                            roundtrip: self.opts.roundtrip,
                            reception: Reception::Light,
                            cname: format!("vcctl-load@{}", self.local_sip.ip()),
                        };
                        // Early media queued before the answer would skew the alignment.
                        while c.rtp.recv_from(&mut self.rtp_buf).is_ok() {}
                        c.media = Some(CallerMedia::new(neg, rtcp_at, cfg, seed, now));
                        c.hold_end = self.opts.hold.map(|h| now + h);
                        if self.stopping || self.hung_up_all {
                            c.ua.hangup(now);
                        }
                    }
                    Err(reason) => {
                        c.outcome = Some((
                            Outcome::Refused,
                            Some(200),
                            Some(format!("answered with unusable media: {reason}")),
                        ));
                        c.ua.hangup(now);
                        while let Some(UaOutput::Transmit { to, bytes }) = c.ua.poll_output() {
                            self.send_sip(to, &bytes);
                        }
                    }
                }
            }
            UaEvent::RemoteSdp { remote_sdp } => {
                if let (Some(m), Some(a)) = (&mut c.media, remote_sdp.audio()) {
                    m.set_remote(a.endpoint(&remote_sdp), a.rtcp_endpoint(&remote_sdp));
                }
            }
            UaEvent::Ended { .. } => {
                if c.outcome.is_none() {
                    c.outcome = Some(if c.answered.is_some() {
                        (Outcome::Answered, None, None)
                    } else {
                        (
                            Outcome::Unfinished,
                            None,
                            Some("hung up before the answer".into()),
                        )
                    });
                }
            }
            UaEvent::Failed { code, reason } => {
                c.outcome = Some((
                    Outcome::Refused,
                    Some(code),
                    Some(format!("{code} {reason}")),
                ))
            }
            UaEvent::AuthFailed {
                code,
                reason,
                detail,
            } => {
                c.outcome = Some((
                    Outcome::Refused,
                    Some(code),
                    Some(format!("{code} {reason}: {detail}")),
                ))
            }
            UaEvent::TimedOut {
                cancelled,
                got_response,
            } => {
                let what = match (cancelled, got_response) {
                    (true, _) => "no answer in time (CANCEL sent)",
                    (false, true) => "no final answer",
                    (false, false) => "no response at all",
                };
                let outcome = if self.stopping {
                    Outcome::Unfinished
                } else {
                    Outcome::TimedOut
                };
                c.outcome = Some((outcome, None, Some(what.into())));
            }
        }
    }

    fn finish(&mut self, slot: usize, mut c: Call, now: Instant) {
        self.in_progress -= 1;
        if c.answered.is_some() {
            self.up = self.up.saturating_sub(1);
        }
        let (outcome, code, reason) = c.outcome.take().unwrap_or((Outcome::Failed, None, None));
        if !matches!(outcome, Outcome::Answered | Outcome::Unfinished) {
            self.failed += 1;
        }
        let answered_s = c.answered.map(|t| self.secs(t));
        let mut r = CallRecord {
            index: c.index,
            step: c.step,
            call_id: c.ua.call_id().to_string(),
            started_s: self.secs(c.started),
            outcome,
            code,
            reason,
            setup_ms: c.ua.timings().setup_ms,
            media_seconds: c
                .answered
                .map(|a| now.saturating_duration_since(a).as_secs_f64())
                .unwrap_or(0.0),
            ..Default::default()
        };
        if let Some(m) = &mut c.media {
            let b = m.rtcp(now, true);
            let _ = c.rtcp.send_to(&b, m.rtcp_remote());
            // Packets of the last sample interval count too.
            let lc = m.counters();
            self.pending_rx.0 += lc.expected.saturating_sub(c.seen.1);
            self.pending_rx.1 += lc.received.saturating_sub(c.seen.0);
            let rx = m.received();
            r.rtp_sent = m.rtp_sent();
            r.rtp_received = rx.packets;
            r.rtp_expected = rx.expected;
            r.loss_percent = rx.loss_percent;
            r.jitter_mean_ms = rx.mean_jitter_ms;
            r.jitter_max_ms = rx.max_jitter_ms;
            r.mos = vcctl_core::media::caller_media::call_mos(
                m.negotiated().codec,
                vcctl_core::media::caller_media::PTIME.as_secs_f64() * 1000.0,
                &rx,
                &m.rtcp_summary(),
                r.rtp_sent,
            )
            .received
            .map(|e| e.mos);
            let (rt, _) = m.finish();
            if let (Some(rt), Some(a)) = (rt, answered_s) {
                r.markers_sent = rt.markers_sent;
                r.markers_found = rt.found;
                r.roundtrip_median_ms = rt.median_ms;
                r.roundtrips = rt
                    .estimates
                    .iter()
                    .map(|e| (a + e.sent_at_ms / 1000.0, e.delay_ms))
                    .collect();
                for &(at, ms) in &r.roundtrips[c.rt_seen.min(r.roundtrips.len())..] {
                    self.tally.roundtrip(at, ms);
                }
            }
            if r.outcome == Outcome::Answered {
                r.audio = Some(audio_verdict(
                    r.rtp_received,
                    r.markers_sent,
                    r.markers_found,
                ));
            }
        }
        self.by_id.remove(c.ua.call_id());
        // Closing the sockets takes them out of the epoll set.
        drop(c.rtp);
        drop(c.rtcp);
        self.lingering
            .insert(c.ua.call_id().to_string(), (c.ua, now + LINGER));
        self.free.push(slot);
        self.tally.record(&r);
        self.records.push(r);
    }

    fn on_sip(&mut self, now: Instant, n: usize) {
        let bytes = &self.sip_buf[..n];
        let Ok(msg) = SipMessage::parse(bytes) else {
            return;
        };
        let Some(id) = msg.call_id().map(str::to_string) else {
            return;
        };
        if let Some(&slot) = self.by_id.get(&id) {
            if let Some(c) = self.calls[slot].as_mut() {
                let buf = std::mem::take(&mut self.sip_buf);
                c.ua.handle_datagram(now, self.opts.peer, &buf[..n]);
                self.sip_buf = buf;
                self.drive(slot, now);
            }
        } else if let Some((ua, _)) = self.lingering.get_mut(&id) {
            ua.handle_datagram(now, self.opts.peer, bytes);
            let mut out = Vec::new();
            while let Some(o) = ua.poll_output() {
                if let UaOutput::Transmit { to, bytes } = o {
                    out.push((to, bytes));
                }
            }
            for (to, b) in out {
                self.send_sip(to, &b);
            }
        } else if msg.method() == Some("OPTIONS") {
            // Keep-alive probes are answered whatever the call: any UA will do.
            let mut probe = Uac::new(
                UacConfig::new(&self.opts.uri, &self.from, self.local_sip, String::new(), 1),
                now,
            );
            while probe.poll_output().is_some() {}
            probe.handle_datagram(now, self.opts.peer, bytes);
            while let Some(o) = probe.poll_output() {
                if let UaOutput::Transmit { to, bytes } = o {
                    self.send_sip(to, &bytes);
                }
            }
        }
    }

    fn on_media(&mut self, slot: usize, rtcp: bool) {
        let Some(c) = self.calls[slot].as_mut() else {
            return;
        };
        let sock = if rtcp { &c.rtcp } else { &c.rtp };
        // One datagram per readiness: the set is level-triggered, so a second one is reported
        // again, and reading until "would block" would cost a failing call per packet.
        match sock.recv_from(&mut self.rtp_buf) {
            Ok((n, from)) => {
                if let Some(m) = &mut c.media {
                    let now = Instant::now();
                    if rtcp {
                        m.on_rtcp(now, &self.rtp_buf[..n]);
                    } else {
                        m.on_rtp(now, from, &self.rtp_buf[..n]);
                    }
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            // ICMP errors of earlier sends (nothing listens there): note, go on.
            Err(e) => tracing::trace!("call {} media socket: {e}", c.index),
        }
    }

    fn hangup_all(&mut self, now: Instant) {
        for slot in 0..self.calls.len() {
            if let Some(c) = self.calls[slot].as_mut() {
                c.ua.hangup(now);
                c.give_up = Some(now + STOP_GRACE);
                self.drive(slot, now);
            }
        }
    }

    fn sample(&mut self, now: Instant, prev: &mut (Instant, f64, [f64; MAX_WATCHED])) {
        let (cpu, others) = cpu_now(&self.opts.watch);
        let mut s = Sample {
            at_s: self.secs(now),
            in_progress: self.in_progress,
            up: self.up,
            cpu_s: cpu - prev.1,
            wall_s: now.saturating_duration_since(prev.0).as_secs_f64(),
            ..Sample::default()
        };
        for (k, o) in others.iter().enumerate() {
            s.others_cpu_s[k] = (o - prev.2[k]).max(0.0);
        }
        *prev = (now, cpu, others);
        s.rtp_expected = std::mem::take(&mut self.pending_rx.0);
        s.rtp_received = std::mem::take(&mut self.pending_rx.1);
        let mut new_rt = Vec::new();
        for c in self.calls.iter_mut().flatten() {
            let (Some(m), Some(a)) = (&mut c.media, c.answered) else {
                continue;
            };
            let lc = m.counters();
            s.rtp_expected += lc.expected.saturating_sub(c.seen.1);
            s.rtp_received += lc.received.saturating_sub(c.seen.0);
            c.seen = (lc.received, lc.expected);
            if lc.received > 0 {
                s.jitter_sum_ms += lc.jitter_ms;
                s.jitter_n += 1;
                s.jitter_max_ms = s.jitter_max_ms.max(lc.jitter_ms);
            }
            let est = m.poll_markers(now);
            let a = a.saturating_duration_since(self.t0).as_secs_f64();
            for e in &est[c.rt_seen.min(est.len())..] {
                new_rt.push((a + e.sent_at_ms / 1000.0, e.delay_ms));
            }
            c.rt_seen = est.len();
        }
        for (at, ms) in new_rt {
            self.tally.roundtrip(at, ms);
        }
        self.tally.sample(&s);
    }
}

/// Run the load to its end (or until `stop`); `progress` gets live figures about once a
/// second. Blocks the calling thread.
pub fn run(
    opts: LoadOptions,
    stop: Arc<AtomicBool>,
    mut progress: impl FnMut(&Live),
) -> Result<LoadRun, LoadError> {
    super::bench::raise_fd_limit();
    let sip = UdpSocket::bind(opts.bind)
        .map_err(io_err(format!("binding the SIP socket to {}", opts.bind)))?;
    sip.connect(opts.peer).map_err(io_err(format!(
        "connecting the SIP socket to {}",
        opts.peer
    )))?;
    sip.set_nonblocking(true)
        .map_err(io_err("setting the SIP socket non-blocking"))?;
    let local_sip = sip
        .local_addr()
        .map_err(io_err("reading the SIP socket address"))?;
    // SAFETY: plain system call; the descriptor is closed at the end of the run.
    let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if ep < 0 {
        return Err(LoadError::Io {
            what: "creating an epoll set".into(),
            source: std::io::Error::last_os_error(),
        });
    }
    struct Fd(i32);
    impl Drop for Fd {
        fn drop(&mut self) {
            // SAFETY: we own the descriptor.
            unsafe { libc::close(self.0) };
        }
    }
    let _ep_guard = Fd(ep);
    epoll_add(ep, sip.as_raw_fd(), SIP_TOKEN).map_err(io_err("watching the SIP socket"))?;
    let from = opts
        .from
        .clone()
        .unwrap_or_else(|| super::sip_call::default_from(opts.credentials.as_ref(), local_sip));
    let t0 = Instant::now();
    let watched: Vec<String> = opts.watch.iter().map(|(n, _)| n.clone()).collect();
    let mut e = Engine {
        sched: Scheduler::new(opts.plan.clone(), t0),
        tally: Tally::new(opts.plan.clone(), watched),
        opts,
        sip,
        local_sip,
        from,
        ep,
        calls: Vec::new(),
        free: Vec::new(),
        by_id: HashMap::new(),
        lingering: HashMap::new(),
        heap: BinaryHeap::new(),
        t0,
        records: Vec::new(),
        in_progress: 0,
        up: 0,
        answered: 0,
        failed: 0,
        next_index: 0,
        seed: rand::random(),
        stopping: false,
        hung_up_all: false,
        sip_buf: vec![0u8; 65536],
        rtp_buf: vec![0u8; 2048],
        pending_rx: (0, 0),
        next_gen: 0,
    };
    let (cpu0, others0) = cpu_now(&e.opts.watch);
    let mut prev = (t0, cpu0, others0);
    let mut next_sample = t0 + Duration::from_secs(1);
    let mut events: Vec<libc::epoll_event> = vec![libc::epoll_event { events: 0, u64: 0 }; 1024];
    let mut pwait2 = true;
    let mut last_linger_sweep = t0;
    loop {
        let now = Instant::now();
        if stop.load(Ordering::Relaxed) && !e.stopping {
            e.stopping = true;
            e.sched.stop();
            e.hangup_all(now);
        }
        if e.sched.ramp_over(now) && !e.hung_up_all {
            e.hung_up_all = true;
            e.hangup_all(now);
        }
        let n = e.sched.poll(now, e.in_progress);
        for _ in 0..n {
            e.start_call(now);
        }
        // Timers due (this millisecond's, see the wake-up below).
        let horizon = now + Duration::from_micros(50);
        while let Some(&Reverse((t, slot, gen))) = e.heap.peek() {
            if t > horizon {
                break;
            }
            e.heap.pop();
            if let Some(c) = e.calls[slot].as_mut().filter(|c| c.gen == gen) {
                c.queued = false;
                e.drive(slot, Instant::now().max(t));
            }
        }
        if now >= next_sample {
            e.sample(now, &mut prev);
            next_sample += Duration::from_secs(1);
            if next_sample <= now {
                next_sample = now + Duration::from_secs(1);
            }
            let step = e.sched.step_at(now);
            let (setup, rt, loss) = e.tally.live(step);
            progress(&Live {
                elapsed_s: e.secs(now),
                step,
                steps: e.opts.plan.steps.len(),
                target: e.opts.plan.steps[step],
                in_progress: e.in_progress,
                up: e.up,
                answered: e.answered,
                failed: e.failed,
                setup_p95_ms: setup,
                roundtrip_p95_ms: rt,
                loss_percent: loss,
            });
        }
        if now.saturating_duration_since(last_linger_sweep) > Duration::from_secs(1) {
            last_linger_sweep = now;
            e.lingering.retain(|_, (_, until)| *until > now);
        }
        if e.sched.done_starting(now) && e.in_progress == 0 {
            e.sample(now, &mut prev);
            break;
        }
        // Sleep until the earliest deadline or input.
        let mut until = next_sample;
        if let Some(&Reverse((t, _, _))) = e.heap.peek() {
            until = until.min(t);
        }
        if let Some(t) = e.sched.next_wake(now) {
            until = until.min(t);
        }
        // Stop requests are polled.
        until = until.min(now + Duration::from_millis(100));
        // Wake on whole milliseconds after the start: the deadlines of 1 ms are served by one
        // wake-up (one send burst, one wake of the far end) instead of one each. Each call's
        // frames sit at a fixed offset on its 20 ms grid, so this delays a call's frames by a
        // constant (under 1 ms), which adds no jitter.
        let ms = until
            .saturating_duration_since(t0)
            .as_micros()
            .div_ceil(1000) as u64;
        until = t0 + Duration::from_millis(ms);
        let wait = until.saturating_duration_since(Instant::now());
        let got = loop {
            let r = if pwait2 {
                let ts = libc::timespec {
                    tv_sec: wait.as_secs() as libc::time_t,
                    tv_nsec: wait.subsec_nanos() as libc::c_long,
                };
                // SAFETY: events has room for its length; ts is valid.
                let r = unsafe {
                    libc::epoll_pwait2(
                        ep,
                        events.as_mut_ptr(),
                        events.len() as i32,
                        &ts,
                        std::ptr::null(),
                    )
                };
                if r < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSYS) {
                    pwait2 = false;
                    continue;
                }
                r
            } else {
                let ms = wait.as_micros().div_ceil(1000) as i32;
                // SAFETY: as above.
                unsafe { libc::epoll_wait(ep, events.as_mut_ptr(), events.len() as i32, ms) }
            };
            if r < 0 {
                let err = std::io::Error::last_os_error();
                if err.kind() == ErrorKind::Interrupted {
                    break 0;
                }
                return Err(LoadError::Io {
                    what: "waiting for sockets".into(),
                    source: err,
                });
            }
            break r as usize;
        };
        let now = Instant::now();
        for ev in events.iter().take(got) {
            let token = ev.u64;
            if token == SIP_TOKEN {
                loop {
                    match e.sip.recv(&mut e.sip_buf) {
                        Ok(n) => e.on_sip(now, n),
                        Err(err) if err.kind() == ErrorKind::WouldBlock => break,
                        Err(err) => {
                            tracing::debug!("SIP socket: {err}");
                            if err.kind() != ErrorKind::ConnectionRefused {
                                break;
                            }
                        }
                    }
                }
            } else {
                e.on_media((token >> 1) as usize, token & 1 == 1);
            }
        }
    }
    Ok(LoadRun {
        seconds: e.secs(Instant::now()),
        interrupted: e.stopping,
        records: e.records,
        tally: e.tally,
    })
}
