//! A sans-IO SIP user agent client for one outgoing call over UDP (RFC 3261): INVITE with an
//! SDP offer, provisional responses, digest authentication (401/407), ACK, BYE from either
//! side, CANCEL when no answer comes in time, and the UDP retransmission timers (A/B for the
//! INVITE, E/F for BYE and CANCEL).
//!
//! Drive it with [`Uac::handle_datagram`] for every SIP datagram received and
//! [`Uac::handle_timeout`] when [`Uac::poll_timeout`] passes; drain [`Uac::poll_output`]
//! after each call: it yields datagrams to send and [`UaEvent`]s. Time and randomness are
//! parameters (`now`, [`UacConfig::seed`]); nothing here reads a clock or touches a socket.
//!
//! Simplifications (fine for a test caller talking to one PBX): every request, in the dialog
//! too, goes to the one peer the adapter talks to (like an outbound proxy), so the remote
//! Contact is used as the Request-URI only; the first 2xx wins (forked answers are not
//! tracked); a re-INVITE from the far end is answered with the original offer (version
//! bumped) and its 200 is not retransmitted.
//!
//! The files: this one holds the public types, the call's state and its driving API
//! (datagrams in, timers, outputs); `uri.rs` parses SIP URIs; `build.rs` builds and sends
//! requests, ACKs and responses and retransmits them; `incoming.rs` handles responses and
//! in-dialog requests from the far end; `auth.rs` answers digest challenges.

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::sip::digest::{self, DigestInput};
use crate::sip::message::{uri_of, Header, Sdp, SipMessage, Start};

mod auth;
mod build;
mod incoming;
mod uri;

pub use uri::{SipUri, UriError};

/// RFC 3261 default round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// RFC 3261 cap of non-INVITE retransmission intervals.
pub const T2: Duration = Duration::from_secs(4);

const BRANCH_MAGIC: &str = "z9hG4bK";
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, NOTIFY";
/// Challenges answered per request before giving up (a second one means wrong credentials,
/// unless the server says the nonce was only stale).
const MAX_AUTH_ROUNDS: u32 = 3;

// ---------------------------------------------------------------------------------------
// Configuration, events, timings
// ---------------------------------------------------------------------------------------

/// Digest credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// Settings of one call.
#[derive(Debug, Clone)]
pub struct UacConfig {
    /// Request-URI of the INVITE and the To URI, e.g. `sip:echo@127.0.0.1:5060`.
    pub target: String,
    /// From URI, e.g. `sip:vcctl@127.0.0.1`.
    pub from: String,
    pub display_name: Option<String>,
    /// Our SIP address: sent-by of the Via and host:port of the Contact.
    pub local: SocketAddr,
    /// SDP offer body of the INVITE.
    pub sdp_offer: String,
    pub credentials: Option<Credentials>,
    pub user_agent: String,
    /// How long to wait for a final answer; then CANCEL (or give up if nothing answered).
    pub answer_timeout: Duration,
    /// Retransmission base (RFC 3261 T1).
    pub t1: Duration,
    /// Retransmission cap for BYE/CANCEL (T2).
    pub t2: Duration,
    /// Seeds Call-ID, tags, branches and client nonces.
    pub seed: u64,
}

impl UacConfig {
    /// Defaults: T1 500 ms, T2 4 s, 30 s answer timeout, `vcctl/<version>`.
    pub fn new(target: &str, from: &str, local: SocketAddr, sdp_offer: String, seed: u64) -> Self {
        UacConfig {
            target: target.to_string(),
            from: from.to_string(),
            display_name: Some("vcctl".into()),
            local,
            sdp_offer,
            credentials: None,
            user_agent: format!("vcctl/{}", env!("CARGO_PKG_VERSION")),
            answer_timeout: Duration::from_secs(30),
            t1: T1,
            t2: T2,
            seed,
        }
    }
}

/// Which side ended an established call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    Local,
    Remote,
}

/// Something that happened to the call.
#[derive(Debug, Clone, PartialEq)]
pub enum UaEvent {
    /// 100 Trying.
    Trying,
    /// 180 Ringing (also 181/182).
    Ringing { code: u16 },
    /// 183 Session Progress (or another 1xx), with early media SDP if any.
    SessionProgress { code: u16, remote_sdp: Option<Sdp> },
    /// 2xx to the INVITE: the call is up (ACK already queued).
    Answered { remote_sdp: Option<Sdp> },
    /// The far end sent a new offer (re-INVITE/UPDATE); media may move.
    RemoteSdp { remote_sdp: Sdp },
    /// An established call is over. `code` is the final answer to our BYE (`None` when the
    /// far end hung up, or our BYE got no answer).
    Ended { by: Party, code: Option<u16> },
    /// The INVITE was refused with a final non-2xx answer.
    Failed { code: u16, reason: String },
    /// Challenged for credentials that are missing, wrong or in an unsupported scheme.
    AuthFailed {
        code: u16,
        reason: String,
        detail: String,
    },
    /// No final answer in time. `cancelled`: a CANCEL was sent (the far end had answered
    /// provisionally); otherwise nothing at all answered.
    TimedOut { cancelled: bool, got_response: bool },
}

impl UaEvent {
    /// Whether the call is over after this event.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            UaEvent::Ended { .. }
                | UaEvent::Failed { .. }
                | UaEvent::AuthFailed { .. }
                | UaEvent::TimedOut { .. }
        )
    }
}

/// What the adapter must do.
#[derive(Debug, Clone, PartialEq)]
pub enum UaOutput {
    /// Send this datagram to the peer (`to: None`) or, for a response, to `to`.
    Transmit {
        to: Option<SocketAddr>,
        bytes: Vec<u8>,
    },
    Event(UaEvent),
}

/// Signalling timings. The INVITE timings count from the first transmission of the INVITE
/// that got the final answer (after an auth challenge, the authenticated one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SipTimings {
    pub invite_to_100_ms: Option<f64>,
    pub invite_to_180_ms: Option<f64>,
    pub invite_to_183_ms: Option<f64>,
    pub invite_to_final_ms: Option<f64>,
    /// First INVITE (before any challenge) to the 2xx.
    pub setup_ms: Option<f64>,
    pub bye_to_final_ms: Option<f64>,
    pub auth_challenges: u32,
    pub invite_retransmissions: u32,
    pub bye_retransmissions: u32,
    pub cancel_sent: bool,
}

/// One line of the signalling ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceEntry {
    /// Milliseconds since the first INVITE.
    pub at_ms: f64,
    /// `out` or `in`.
    pub dir: &'static str,
    /// `INVITE`, `100 Trying`, `BYE`, ...
    pub label: String,
    /// `INVITE`, `BYE`, ... (the CSeq method).
    pub cseq: String,
}

/// Where the call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// INVITE sent, nothing heard.
    Calling,
    /// A provisional answer arrived.
    Proceeding,
    /// Giving up: CANCEL sent or waiting for a provisional answer to send it.
    Cancelling,
    Established,
    /// BYE sent.
    Terminating,
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CancelWhy {
    Timeout,
    Hangup,
}

/// A client transaction on UDP.
#[derive(Debug, Clone)]
struct ClientTx {
    branch: String,
    cseq: u32,
    bytes: Vec<u8>,
    started: Instant,
    next_retx: Option<Instant>,
    interval: Duration,
    /// Timer B or F.
    deadline: Instant,
    auth_rounds: u32,
    /// Authorization header sent with it, if any (name, value).
    auth: Option<(String, String)>,
}

#[derive(Debug, Clone, Default)]
struct Dialog {
    remote_tag: String,
    /// To header value of the answer (with tag).
    remote_to: String,
    remote_target: String,
    route_set: Vec<String>,
}

/// One outgoing call.
#[derive(Debug)]
pub struct Uac {
    cfg: UacConfig,
    rng: u64,
    call_id: String,
    local_tag: String,
    from_hdr: String,
    to_hdr: String,
    cseq: u32,
    nc: u32,
    last_nonce: Option<String>,
    first_invite: Instant,
    phase: Phase,
    invite: ClientTx,
    /// ACK for the final answer (re-sent when the answer is retransmitted).
    ack: Option<Vec<u8>>,
    cancel: Option<ClientTx>,
    /// Send CANCEL as soon as a provisional answer arrives.
    cancel_pending: bool,
    cancel_why: Option<CancelWhy>,
    answer_deadline: Option<Instant>,
    bye: Option<ClientTx>,
    dialog: Option<Dialog>,
    got_response: bool,
    sdp_version: u64,
    out: VecDeque<UaOutput>,
    timings: SipTimings,
    trace: Vec<TraceEntry>,
    ignored: u64,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Uac {
    /// Start the call: the INVITE is the first output.
    pub fn new(cfg: UacConfig, now: Instant) -> Uac {
        let mut rng = cfg.seed;
        let call_id = format!(
            "{:016x}{:08x}@vcctl",
            splitmix(&mut rng),
            splitmix(&mut rng) as u32
        );
        let local_tag = format!("{:012x}", splitmix(&mut rng) & 0xffff_ffff_ffff);
        let from_hdr = match &cfg.display_name {
            Some(d) => format!("\"{}\" <{}>;tag={local_tag}", d.replace('"', ""), cfg.from),
            None => format!("<{}>;tag={local_tag}", cfg.from),
        };
        let to_hdr = format!("<{}>", cfg.target);
        let sdp_version = 1;
        let answer_deadline = Some(now + cfg.answer_timeout);
        let placeholder = ClientTx {
            branch: String::new(),
            cseq: 0,
            bytes: Vec::new(),
            started: now,
            next_retx: None,
            interval: cfg.t1,
            deadline: now,
            auth_rounds: 0,
            auth: None,
        };
        let mut ua = Uac {
            cfg,
            rng,
            call_id,
            local_tag,
            from_hdr,
            to_hdr,
            cseq: 0,
            nc: 0,
            last_nonce: None,
            first_invite: now,
            phase: Phase::Calling,
            invite: placeholder,
            ack: None,
            cancel: None,
            cancel_pending: false,
            cancel_why: None,
            answer_deadline,
            bye: None,
            dialog: None,
            got_response: false,
            sdp_version,
            out: VecDeque::new(),
            timings: SipTimings::default(),
            trace: Vec::new(),
            ignored: 0,
        };
        ua.send_invite(now, None, 0);
        ua
    }

    /// The Call-ID of this call.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Where the call stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the call is over (no more timers, no more events).
    pub fn is_terminated(&self) -> bool {
        self.phase == Phase::Terminated
    }

    /// Timings so far.
    pub fn timings(&self) -> &SipTimings {
        &self.timings
    }

    /// The signalling ladder so far.
    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    /// Datagrams that were not SIP or not for this call.
    pub fn ignored(&self) -> u64 {
        self.ignored
    }

    /// Next output, if any.
    pub fn poll_output(&mut self) -> Option<UaOutput> {
        self.out.pop_front()
    }

    fn event(&mut self, e: UaEvent) {
        if e.is_final() {
            self.phase = Phase::Terminated;
        }
        self.out.push_back(UaOutput::Event(e));
    }

    /// Hang up: BYE when established, CANCEL while ringing, nothing after the end.
    pub fn hangup(&mut self, now: Instant) {
        match self.phase {
            Phase::Established => self.send_bye(now, None, 0),
            Phase::Proceeding => {
                self.cancel_why = Some(CancelWhy::Hangup);
                self.send_cancel(now);
            }
            Phase::Calling => {
                // RFC 3261 section 9.1: no CANCEL before a provisional answer.
                self.cancel_why = Some(CancelWhy::Hangup);
                self.cancel_pending = true;
                self.phase = Phase::Cancelling;
            }
            Phase::Cancelling | Phase::Terminating | Phase::Terminated => {}
        }
    }

    /// A SIP datagram from `from`.
    pub fn handle_datagram(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        let Ok(msg) = SipMessage::parse(bytes) else {
            self.ignored += 1;
            return;
        };
        if msg.call_id() != Some(self.call_id.as_str()) {
            self.ignored += 1;
            match msg.method() {
                // Keep-alive probes (qualify) are answered whatever the call.
                Some("OPTIONS") => {
                    self.respond(now, from, &msg, 200, "OK", &[("Allow", ALLOW.into())], None)
                }
                Some("ACK") | None => {}
                Some(_) => self.respond(
                    now,
                    from,
                    &msg,
                    481,
                    "Call/Transaction Does Not Exist",
                    &[],
                    None,
                ),
            }
            return;
        }
        self.record(now, "in", &msg);
        match msg.status() {
            Some(code) => self.on_response(now, &msg, code),
            None => self.on_request(now, from, &msg),
        }
    }

    /// Run the timers due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.phase == Phase::Terminated {
            return;
        }
        // Timer A: INVITE retransmission until a provisional answer.
        if let Some(t) = self.invite.next_retx {
            if now >= t && matches!(self.phase, Phase::Calling | Phase::Cancelling) {
                let bytes = self.invite.bytes.clone();
                self.retransmit(now, bytes, "INVITE", "INVITE");
                self.timings.invite_retransmissions += 1;
                self.invite.interval *= 2;
                self.invite.next_retx = Some(now + self.invite.interval);
            }
        }
        // Answer timeout: CANCEL after a provisional answer, else give up.
        if let Some(d) = self.answer_deadline {
            if now >= d && matches!(self.phase, Phase::Calling | Phase::Proceeding) {
                self.answer_deadline = None;
                self.cancel_why = Some(CancelWhy::Timeout);
                if self.phase == Phase::Proceeding {
                    self.send_cancel(now);
                } else {
                    self.event(UaEvent::TimedOut {
                        cancelled: false,
                        got_response: self.got_response,
                    });
                    return;
                }
            }
        }
        // Timer B (no answer at all), or no final answer 64*T1 after the CANCEL.
        let waiting_final = matches!(self.phase, Phase::Calling | Phase::Cancelling);
        if waiting_final && now >= self.invite.deadline {
            let cancelled = self.timings.cancel_sent;
            let e = match self.cancel_why {
                Some(CancelWhy::Hangup) => UaEvent::Ended {
                    by: Party::Local,
                    code: None,
                },
                _ => UaEvent::TimedOut {
                    cancelled,
                    got_response: self.got_response,
                },
            };
            self.event(e);
            return;
        }
        // Timers E/F of CANCEL.
        if let Some(c) = self.cancel.clone() {
            if now >= c.deadline {
                self.cancel = None;
            } else if c.next_retx.is_some_and(|t| now >= t) {
                self.retransmit(now, c.bytes.clone(), "CANCEL", "CANCEL");
                let interval = (c.interval * 2).min(self.cfg.t2);
                if let Some(cm) = &mut self.cancel {
                    cm.interval = interval;
                    cm.next_retx = Some(now + interval);
                }
            }
        }
        // Timers E/F of BYE.
        if let Some(b) = self.bye.clone() {
            if now >= b.deadline {
                self.bye = None;
                self.end_after_bye(None);
            } else if b.next_retx.is_some_and(|t| now >= t) {
                self.retransmit(now, b.bytes.clone(), "BYE", "BYE");
                self.timings.bye_retransmissions += 1;
                let interval = (b.interval * 2).min(self.cfg.t2);
                if let Some(bm) = &mut self.bye {
                    bm.interval = interval;
                    bm.next_retx = Some(now + interval);
                }
            }
        }
    }

    /// When [`Self::handle_timeout`] should run next (`None`: no timer is running).
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.phase == Phase::Terminated {
            return None;
        }
        let mut t: Option<Instant> = None;
        let mut add = |x: Option<Instant>| {
            if let Some(x) = x {
                t = Some(t.map_or(x, |t| t.min(x)));
            }
        };
        if matches!(self.phase, Phase::Calling | Phase::Cancelling) {
            add(self.invite.next_retx);
            add(Some(self.invite.deadline));
        }
        if matches!(self.phase, Phase::Calling | Phase::Proceeding) {
            add(self.answer_deadline);
        }
        for tx in [&self.cancel, &self.bye].into_iter().flatten() {
            add(tx.next_retx);
            add(Some(tx.deadline));
        }
        t
    }
}

#[cfg(test)]
mod tests;
