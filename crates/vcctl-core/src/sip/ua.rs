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

use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::sip::digest::{self, DigestInput};
use crate::sip::message::{uri_of, Header, Sdp, SipMessage, Start};

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
// SIP URIs
// ---------------------------------------------------------------------------------------

/// The parts of a `sip:` / `sips:` URI a caller needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    pub scheme: String,
    pub user: Option<String>,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    pub port: Option<u16>,
}

/// Why a string is not a usable SIP URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    #[error("{0:?} is not a SIP URI: it should look like sip:echo@127.0.0.1:5060")]
    NotSip(String),
    #[error("SIP URI {0:?} has no host")]
    NoHost(String),
    #[error("SIP URI {0:?} has a port that is not a number between 1 and 65535")]
    BadPort(String),
}

impl SipUri {
    /// Parse `sip:[user[:password]@]host[:port][;params][?headers]`; a bare `user@host` gets
    /// `sip:` added.
    pub fn parse(s: &str) -> Result<SipUri, UriError> {
        let s = s.trim();
        let (scheme, rest) = match s.split_once(':') {
            Some((sch, rest))
                if sch.eq_ignore_ascii_case("sip") || sch.eq_ignore_ascii_case("sips") =>
            {
                (sch.to_ascii_lowercase(), rest)
            }
            _ if !s.contains("://") && !s.is_empty() && !s.contains(' ') => ("sip".into(), s),
            _ => return Err(UriError::NotSip(s.into())),
        };
        let rest = rest.split(['?', ';']).next().unwrap_or("");
        let (user, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (
                Some(u.split(':').next().unwrap_or(u).to_string()).filter(|u| !u.is_empty()),
                h,
            ),
            None => (None, rest),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| UriError::NoHost(s.into()))?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(UriError::NoHost(s.into()));
        }
        let port = match port {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| UriError::BadPort(s.into()))?,
            ),
        };
        Ok(SipUri {
            scheme,
            user,
            host: host.to_string(),
            port,
        })
    }

    /// The port, or 5060 (5061 for sips).
    pub fn port_or_default(&self) -> u16 {
        self.port
            .unwrap_or(if self.scheme == "sips" { 5061 } else { 5060 })
    }
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.scheme)?;
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(&self.host)?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        Ok(())
    }
}

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

fn header(name: &str, value: impl Into<String>) -> Header {
    Header {
        name: name.to_string(),
        value: value.into(),
    }
}

fn top_branch(m: &SipMessage) -> Option<String> {
    let via = *m.vias().first()?;
    via.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("branch")
            .then(|| v.trim().to_string())
    })
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

    fn token(&mut self) -> String {
        format!("{:016x}", splitmix(&mut self.rng))
    }

    fn new_branch(&mut self) -> String {
        format!("{BRANCH_MAGIC}{}", self.token())
    }

    fn via(&self, branch: &str) -> String {
        format!("SIP/2.0/UDP {};rport;branch={branch}", self.cfg.local)
    }

    fn contact(&self) -> String {
        let user = uri_of(&self.cfg.from)
            .split_once(':')
            .and_then(|(_, r)| r.split_once('@'))
            .map(|(u, _)| u.to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "vcctl".into());
        format!("<sip:{user}@{}>", self.cfg.local)
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

    fn transmit(&mut self, now: Instant, to: Option<SocketAddr>, msg: &SipMessage) -> Vec<u8> {
        let bytes = msg.to_bytes();
        self.record(now, "out", msg);
        self.out.push_back(UaOutput::Transmit {
            to,
            bytes: bytes.clone(),
        });
        bytes
    }

    fn record(&mut self, now: Instant, dir: &'static str, msg: &SipMessage) {
        self.trace.push(TraceEntry {
            at_ms: ms(now.saturating_duration_since(self.first_invite)),
            dir,
            label: msg.label(),
            cseq: msg.cseq().map(|c| c.method).unwrap_or_default(),
        });
    }

    /// A request outside or inside the dialog, with the common headers.
    fn request(
        &self,
        method: &str,
        uri: &str,
        branch: &str,
        cseq: u32,
        to: &str,
        routes: &[String],
    ) -> SipMessage {
        let mut headers = vec![
            header("Via", self.via(branch)),
            header("Max-Forwards", "70"),
            header("From", self.from_hdr.clone()),
            header("To", to),
            header("Call-ID", self.call_id.clone()),
            header("CSeq", format!("{cseq} {method}")),
        ];
        for r in routes {
            headers.push(header("Route", r.clone()));
        }
        SipMessage {
            start: Start::Request {
                method: method.to_string(),
                uri: uri.to_string(),
            },
            headers,
            body: Vec::new(),
        }
    }

    fn finish(msg: &mut SipMessage, body: Option<&str>) {
        if let Some(b) = body {
            msg.headers.push(header("Content-Type", "application/sdp"));
            msg.body = b.as_bytes().to_vec();
        }
        msg.headers
            .push(header("Content-Length", msg.body.len().to_string()));
    }

    fn send_invite(&mut self, now: Instant, auth: Option<(String, String)>, rounds: u32) {
        self.cseq += 1;
        let branch = self.new_branch();
        let target = self.cfg.target.clone();
        let to = self.to_hdr.clone();
        let mut m = self.request("INVITE", &target, &branch, self.cseq, &to, &[]);
        m.headers.push(header("Contact", self.contact()));
        m.headers.push(header("Allow", ALLOW));
        m.headers
            .push(header("User-Agent", self.cfg.user_agent.clone()));
        if let Some((n, v)) = &auth {
            m.headers.push(header(n, v.clone()));
        }
        let sdp = self.cfg.sdp_offer.clone();
        Self::finish(&mut m, Some(&sdp));
        let bytes = self.transmit(now, None, &m);
        self.invite = ClientTx {
            branch,
            cseq: self.cseq,
            bytes,
            started: now,
            next_retx: Some(now + self.cfg.t1),
            interval: self.cfg.t1,
            deadline: now + 64 * self.cfg.t1,
            auth_rounds: rounds,
            auth,
        };
        self.ack = None;
    }

    /// ACK for a non-2xx final answer: part of the INVITE transaction (same branch).
    fn ack_non2xx(&mut self, now: Instant, resp: &SipMessage) {
        let to = resp.to().unwrap_or(&self.to_hdr).to_string();
        let target = self.cfg.target.clone();
        let branch = self.invite.branch.clone();
        let mut m = self.request("ACK", &target, &branch, self.invite.cseq, &to, &[]);
        Self::finish(&mut m, None);
        self.ack = Some(self.transmit(now, None, &m));
    }

    fn ack_2xx(&mut self, now: Instant) {
        let Some(d) = self.dialog.clone() else { return };
        let branch = self.new_branch();
        let mut m = self.request(
            "ACK",
            &d.remote_target,
            &branch,
            self.invite.cseq,
            &d.remote_to,
            &d.route_set,
        );
        if let Some((n, v)) = self.invite.auth.clone() {
            m.headers.push(header(&n, v));
        }
        Self::finish(&mut m, None);
        self.ack = Some(self.transmit(now, None, &m));
    }

    fn non_invite_tx(
        &mut self,
        now: Instant,
        m: &SipMessage,
        branch: String,
        cseq: u32,
    ) -> ClientTx {
        let bytes = self.transmit(now, None, m);
        ClientTx {
            branch,
            cseq,
            bytes,
            started: now,
            next_retx: Some(now + self.cfg.t1),
            interval: self.cfg.t1,
            deadline: now + 64 * self.cfg.t1,
            auth_rounds: 0,
            auth: None,
        }
    }

    fn send_cancel(&mut self, now: Instant) {
        let target = self.cfg.target.clone();
        let branch = self.invite.branch.clone();
        let to = self.to_hdr.clone();
        let mut m = self.request("CANCEL", &target, &branch, self.invite.cseq, &to, &[]);
        Self::finish(&mut m, None);
        let tx = self.non_invite_tx(now, &m, branch, self.invite.cseq);
        self.cancel = Some(tx);
        self.cancel_pending = false;
        self.timings.cancel_sent = true;
        // If the INVITE gets no final answer within 64*T1 of the CANCEL, give up.
        self.invite.deadline = now + 64 * self.cfg.t1;
        self.invite.next_retx = None;
        self.phase = Phase::Cancelling;
    }

    fn send_bye(&mut self, now: Instant, auth: Option<(String, String)>, rounds: u32) {
        let Some(d) = self.dialog.clone() else { return };
        self.cseq += 1;
        let branch = self.new_branch();
        let mut m = self.request(
            "BYE",
            &d.remote_target,
            &branch,
            self.cseq,
            &d.remote_to,
            &d.route_set,
        );
        m.headers
            .push(header("User-Agent", self.cfg.user_agent.clone()));
        if let Some((n, v)) = &auth {
            m.headers.push(header(n, v.clone()));
        }
        Self::finish(&mut m, None);
        let mut tx = self.non_invite_tx(now, &m, branch, self.cseq);
        tx.auth_rounds = rounds;
        tx.auth = auth;
        if rounds == 0 {
            // Timing of the first BYE only.
            tx.started = now;
        } else if let Some(old) = &self.bye {
            tx.started = old.started;
        }
        self.bye = Some(tx);
        self.phase = Phase::Terminating;
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

    fn on_response(&mut self, now: Instant, msg: &SipMessage, code: u16) {
        let (Some(cseq), Some(branch)) = (msg.cseq(), top_branch(msg)) else {
            self.ignored += 1;
            return;
        };
        self.got_response = true;
        let matches = |tx: &ClientTx| tx.branch == branch && tx.cseq == cseq.seq;
        match cseq.method.as_str() {
            "INVITE" if matches(&self.invite) => self.on_invite_response(now, msg, code),
            "BYE" if self.bye.as_ref().is_some_and(matches) => self.on_bye_response(now, msg, code),
            "CANCEL" if self.cancel.as_ref().is_some_and(matches) => {
                if code >= 200 {
                    self.cancel = None;
                } else if let Some(c) = &mut self.cancel {
                    c.interval = self.cfg.t2;
                }
            }
            _ => self.ignored += 1,
        }
    }

    fn reason(msg: &SipMessage) -> String {
        match &msg.start {
            Start::Response { reason, .. } => reason.clone(),
            Start::Request { .. } => String::new(),
        }
    }

    fn on_invite_response(&mut self, now: Instant, msg: &SipMessage, code: u16) {
        let since = ms(now.saturating_duration_since(self.invite.started));
        match code {
            100..=199 => {
                if self.phase == Phase::Terminated || self.dialog.is_some() {
                    return;
                }
                self.invite.next_retx = None;
                let t = &mut self.timings;
                match code {
                    100 => t.invite_to_100_ms = t.invite_to_100_ms.or(Some(since)),
                    180..=182 => t.invite_to_180_ms = t.invite_to_180_ms.or(Some(since)),
                    _ => t.invite_to_183_ms = t.invite_to_183_ms.or(Some(since)),
                }
                if self.phase == Phase::Calling {
                    self.phase = Phase::Proceeding;
                }
                if self.cancel_pending {
                    self.send_cancel(now);
                    return;
                }
                if self.phase == Phase::Cancelling {
                    return;
                }
                self.event(match code {
                    100 => UaEvent::Trying,
                    180..=182 => UaEvent::Ringing { code },
                    _ => UaEvent::SessionProgress {
                        code,
                        remote_sdp: msg.sdp(),
                    },
                });
            }
            200..=299 => {
                if self.dialog.is_some() {
                    // Retransmitted 2xx: our ACK was lost.
                    if let Some(ack) = self.ack.clone() {
                        self.out.push_back(UaOutput::Transmit {
                            to: None,
                            bytes: ack,
                        });
                    }
                    return;
                }
                if self.phase == Phase::Terminated {
                    self.ignored += 1;
                    return;
                }
                let remote_to = msg.to().unwrap_or(&self.to_hdr).to_string();
                let mut route_set: Vec<String> = msg
                    .headers_named("Record-Route")
                    .flat_map(|v| v.split(','))
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect();
                route_set.reverse();
                self.dialog = Some(Dialog {
                    remote_tag: msg.to_tag().unwrap_or("").to_string(),
                    remote_to,
                    remote_target: msg
                        .header("Contact")
                        .map(|c| uri_of(c).to_string())
                        .filter(|u| !u.is_empty())
                        .unwrap_or_else(|| self.cfg.target.clone()),
                    route_set,
                });
                self.invite.next_retx = None;
                self.timings.invite_to_final_ms = Some(since);
                self.timings.setup_ms = Some(ms(now.saturating_duration_since(self.first_invite)));
                self.answer_deadline = None;
                self.ack_2xx(now);
                self.phase = Phase::Established;
                if self.cancel_why.is_some() {
                    // Answered while we were giving up: hang up at once.
                    self.cancel = None;
                    self.send_bye(now, None, 0);
                } else {
                    self.event(UaEvent::Answered {
                        remote_sdp: msg.sdp(),
                    });
                }
            }
            _ => {
                let first = self.phase != Phase::Terminated && self.dialog.is_none();
                self.ack_non2xx(now, msg);
                if !first {
                    return;
                }
                self.invite.next_retx = None;
                self.timings.invite_to_final_ms = Some(since);
                let reason = Self::reason(msg);
                if (code == 401 || code == 407) && self.cancel_why.is_none() {
                    let rounds = self.invite.auth_rounds;
                    let uri = self.cfg.target.clone();
                    match self.answer_challenge(msg, code, "INVITE", &uri, rounds) {
                        Ok(h) => {
                            self.timings.auth_challenges += 1;
                            self.timings.invite_to_100_ms = None;
                            self.timings.invite_to_180_ms = None;
                            self.timings.invite_to_183_ms = None;
                            self.timings.invite_to_final_ms = None;
                            self.phase = Phase::Calling;
                            self.send_invite(now, Some(h), rounds + 1);
                        }
                        Err(detail) => self.event(UaEvent::AuthFailed {
                            code,
                            reason,
                            detail,
                        }),
                    }
                    return;
                }
                let e = match self.cancel_why {
                    Some(CancelWhy::Timeout) if code == 487 => UaEvent::TimedOut {
                        cancelled: true,
                        got_response: true,
                    },
                    Some(CancelWhy::Hangup) if code == 487 => UaEvent::Ended {
                        by: Party::Local,
                        code: Some(code),
                    },
                    _ => UaEvent::Failed { code, reason },
                };
                self.event(e);
            }
        }
    }

    /// The Authorization/Proxy-Authorization header answering a 401/407, or why not.
    fn answer_challenge(
        &mut self,
        msg: &SipMessage,
        code: u16,
        method: &str,
        uri: &str,
        rounds: u32,
    ) -> Result<(String, String), String> {
        let (ask, answer) = if code == 407 {
            ("Proxy-Authenticate", "Proxy-Authorization")
        } else {
            ("WWW-Authenticate", "Authorization")
        };
        let Some(ch) = digest::choose(msg.headers_named(ask)) else {
            return Err(format!("the {code} answer carries no digest challenge"));
        };
        let Some(cred) = self.cfg.credentials.clone() else {
            return Err(format!(
                "the server asks for credentials (realm \"{}\") and none were given",
                ch.realm
            ));
        };
        if rounds >= MAX_AUTH_ROUNDS || (rounds > 0 && !ch.stale) {
            return Err(format!(
                "the credentials of user \"{}\" were rejected (realm \"{}\")",
                cred.user, ch.realm
            ));
        }
        self.nc = if self.last_nonce.as_deref() == Some(ch.nonce.as_str()) {
            self.nc + 1
        } else {
            1
        };
        self.last_nonce = Some(ch.nonce.clone());
        let cnonce = self.token();
        let value = digest::authorization(
            &ch,
            &DigestInput {
                user: &cred.user,
                password: &cred.password,
                method,
                uri,
                cnonce: &cnonce,
                nc: self.nc,
            },
        )
        .map_err(|e| e.to_string())?;
        Ok((answer.to_string(), value))
    }

    fn on_bye_response(&mut self, now: Instant, msg: &SipMessage, code: u16) {
        let Some(bye) = self.bye.clone() else { return };
        if code < 200 {
            if let Some(b) = &mut self.bye {
                b.interval = self.cfg.t2;
            }
            return;
        }
        if code == 401 || code == 407 {
            let uri = self
                .dialog
                .as_ref()
                .map(|d| d.remote_target.clone())
                .unwrap_or_default();
            if let Ok(h) = self.answer_challenge(msg, code, "BYE", &uri, bye.auth_rounds) {
                self.send_bye(now, Some(h), bye.auth_rounds + 1);
                return;
            }
        }
        self.timings.bye_to_final_ms = Some(ms(now.saturating_duration_since(bye.started)));
        self.bye = None;
        self.end_after_bye(Some(code));
    }

    fn end_after_bye(&mut self, code: Option<u16>) {
        let e = match self.cancel_why {
            Some(CancelWhy::Timeout) => UaEvent::TimedOut {
                cancelled: true,
                got_response: true,
            },
            _ => UaEvent::Ended {
                by: Party::Local,
                code,
            },
        };
        self.event(e);
    }

    #[allow(clippy::too_many_arguments)]
    fn respond(
        &mut self,
        now: Instant,
        to: SocketAddr,
        req: &SipMessage,
        code: u16,
        reason: &str,
        extra: &[(&str, String)],
        body: Option<&str>,
    ) {
        let mut headers: Vec<Header> = req
            .headers
            .iter()
            .filter(|h| {
                ["Via", "From", "To", "Call-ID", "CSeq"]
                    .iter()
                    .any(|n| crate::sip::message::same_header(&h.name, n))
            })
            .cloned()
            .collect();
        if code > 100 && req.to_tag().is_none() {
            if let Some(h) = headers
                .iter_mut()
                .find(|h| crate::sip::message::same_header(&h.name, "To"))
            {
                h.value = format!("{};tag={}", h.value, self.local_tag);
            }
        }
        for (n, v) in extra {
            headers.push(header(n, v.clone()));
        }
        headers.push(header("User-Agent", self.cfg.user_agent.clone()));
        let mut m = SipMessage {
            start: Start::Response {
                code,
                reason: reason.to_string(),
            },
            headers,
            body: Vec::new(),
        };
        Self::finish(&mut m, body);
        self.transmit(now, Some(to), &m);
    }

    fn on_request(&mut self, now: Instant, from: SocketAddr, msg: &SipMessage) {
        let method = msg.method().unwrap_or("").to_ascii_uppercase();
        let in_dialog = self.dialog.is_some()
            && msg.from_tag() == self.dialog.as_ref().map(|d| d.remote_tag.as_str());
        match method.as_str() {
            "ACK" => {}
            "BYE" if in_dialog => {
                self.respond(now, from, msg, 200, "OK", &[], None);
                if matches!(self.phase, Phase::Established | Phase::Terminating) {
                    self.bye = None;
                    self.event(UaEvent::Ended {
                        by: Party::Remote,
                        code: None,
                    });
                }
            }
            "INVITE" | "UPDATE" if in_dialog && self.phase == Phase::Established => {
                self.sdp_version += 1;
                let sdp = bump_sdp_version(&self.cfg.sdp_offer, self.sdp_version);
                let contact = self.contact();
                let body = msg.sdp().is_some().then_some(sdp.as_str());
                self.respond(now, from, msg, 200, "OK", &[("Contact", contact)], body);
                if let Some(remote_sdp) = msg.sdp() {
                    self.event(UaEvent::RemoteSdp { remote_sdp });
                }
            }
            "INVITE" | "UPDATE" if in_dialog => {
                self.respond(now, from, msg, 491, "Request Pending", &[], None)
            }
            "OPTIONS" | "INFO" | "NOTIFY" | "CANCEL" if in_dialog || method == "OPTIONS" => {
                self.respond(now, from, msg, 200, "OK", &[("Allow", ALLOW.into())], None)
            }
            "BYE" | "INVITE" | "UPDATE" | "INFO" | "NOTIFY" | "CANCEL" => self.respond(
                now,
                from,
                msg,
                481,
                "Call/Transaction Does Not Exist",
                &[],
                None,
            ),
            _ => self.respond(
                now,
                from,
                msg,
                405,
                "Method Not Allowed",
                &[("Allow", ALLOW.into())],
                None,
            ),
        }
    }

    fn retransmit(&mut self, now: Instant, bytes: Vec<u8>, label: &str, cseq: &str) {
        self.trace.push(TraceEntry {
            at_ms: ms(now.saturating_duration_since(self.first_invite)),
            dir: "out",
            label: format!("{label} (retransmission)"),
            cseq: cseq.to_string(),
        });
        self.out.push_back(UaOutput::Transmit { to: None, bytes });
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

/// Set the version field of the `o=` line of an SDP text.
fn bump_sdp_version(sdp: &str, version: u64) -> String {
    sdp.split_inclusive('\n')
        .map(|line| {
            if let Some(rest) = line.strip_prefix("o=") {
                let mut f: Vec<&str> = rest.trim_end().split(' ').collect();
                if f.len() >= 6 {
                    let v = version.to_string();
                    f[2] = &v;
                    return format!("o={}\r\n", f.join(" "));
                }
            }
            line.to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::digest::Challenge;

    const PEER: &str = "127.0.0.1:5060";

    fn peer() -> SocketAddr {
        PEER.parse().unwrap()
    }

    fn cfg() -> UacConfig {
        let mut c = UacConfig::new(
            "sip:echo@127.0.0.1:5060",
            "sip:vcctl@127.0.0.1",
            "127.0.0.1:40000".parse().unwrap(),
            "v=0\r\no=vcctl 1 1 IN IP4 127.0.0.1\r\ns=vcctl\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\n".into(),
            7,
        );
        c.answer_timeout = Duration::from_secs(60);
        c
    }

    /// Drain outputs: (sent messages, events).
    fn drain(ua: &mut Uac) -> (Vec<SipMessage>, Vec<UaEvent>) {
        let (mut sent, mut ev) = (Vec::new(), Vec::new());
        while let Some(o) = ua.poll_output() {
            match o {
                UaOutput::Transmit { bytes, .. } => sent.push(SipMessage::parse(&bytes).unwrap()),
                UaOutput::Event(e) => ev.push(e),
            }
        }
        (sent, ev)
    }

    /// A response to `req` as a PBX would build it.
    fn reply(
        req: &SipMessage,
        code: u16,
        reason: &str,
        to_tag: Option<&str>,
        extra: &[(&str, &str)],
        body: &str,
    ) -> Vec<u8> {
        let mut s = format!("SIP/2.0 {code} {reason}\r\n");
        for v in req.headers_named("Via") {
            s.push_str(&format!("Via: {v};received=127.0.0.1\r\n"));
        }
        s.push_str(&format!("From: {}\r\n", req.from().unwrap()));
        match to_tag {
            Some(t) => s.push_str(&format!("To: {};tag={t}\r\n", req.to().unwrap())),
            None => s.push_str(&format!("To: {}\r\n", req.to().unwrap())),
        }
        s.push_str(&format!("Call-ID: {}\r\n", req.call_id().unwrap()));
        s.push_str(&format!("CSeq: {}\r\n", req.header("CSeq").unwrap()));
        for (k, v) in extra {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() {
            s.push_str("Content-Type: application/sdp\r\n");
        }
        s.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        s.into_bytes()
    }

    const ANSWER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Asterisk\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 17000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

    fn t(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    fn method(m: &SipMessage) -> &str {
        m.method().unwrap_or("")
    }

    fn uri(m: &SipMessage) -> &str {
        match &m.start {
            Start::Request { uri, .. } => uri,
            _ => "",
        }
    }

    /// Answer the INVITE and return the ACK and the Answered event.
    fn establish(ua: &mut Uac, base: Instant, invite: &SipMessage) -> SipMessage {
        ua.handle_datagram(
            t(base, 5),
            peer(),
            &reply(invite, 100, "Trying", None, &[], ""),
        );
        ua.handle_datagram(
            t(base, 30),
            peer(),
            &reply(invite, 180, "Ringing", Some("as1"), &[], ""),
        );
        ua.handle_datagram(
            t(base, 120),
            peer(),
            &reply(
                invite,
                200,
                "OK",
                Some("as1"),
                &[
                    ("Contact", "<sip:asterisk@127.0.0.1:5060>"),
                    ("Record-Route", "<sip:p1;lr>, <sip:p2;lr>"),
                ],
                ANSWER,
            ),
        );
        let (sent, ev) = drain(ua);
        assert_eq!(
            ev,
            vec![
                UaEvent::Trying,
                UaEvent::Ringing { code: 180 },
                UaEvent::Answered {
                    remote_sdp: Some(Sdp::parse(ANSWER).unwrap())
                }
            ]
        );
        assert_eq!(sent.len(), 1);
        sent.into_iter().next().unwrap()
    }

    #[test]
    fn invite_has_the_mandatory_headers() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, ev) = drain(&mut ua);
        assert!(ev.is_empty());
        let inv = &sent[0];
        assert_eq!(method(inv), "INVITE");
        assert_eq!(uri(inv), "sip:echo@127.0.0.1:5060");
        let via = inv.vias()[0];
        assert!(
            via.starts_with("SIP/2.0/UDP 127.0.0.1:40000;rport;branch=z9hG4bK"),
            "{via}"
        );
        assert!(inv.from_tag().is_some());
        assert_eq!(inv.to_tag(), None);
        assert_eq!(inv.header("To"), Some("<sip:echo@127.0.0.1:5060>"));
        assert_eq!(inv.header("Max-Forwards"), Some("70"));
        assert_eq!(inv.header("Contact"), Some("<sip:vcctl@127.0.0.1:40000>"));
        assert_eq!(inv.cseq().unwrap().method, "INVITE");
        assert_eq!(inv.content_type(), Some("application/sdp"));
        assert_eq!(inv.content_length(), Some(inv.body.len()));
        assert!(inv.sdp().is_some());
        assert_eq!(inv.call_id(), Some(ua.call_id()));
        // Deterministic for a seed, different across seeds.
        let again = Uac::new(cfg(), base);
        assert_eq!(again.call_id(), ua.call_id());
        let other = Uac::new(UacConfig { seed: 8, ..cfg() }, base);
        assert_ne!(other.call_id(), ua.call_id());
    }

    #[test]
    fn answered_call_acks_and_hangs_up_with_bye() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        let inv = sent[0].clone();
        let ack = establish(&mut ua, base, &inv);
        assert_eq!(ua.phase(), Phase::Established);
        // ACK for a 2xx: new transaction, to the Contact, with the To tag, via the route set.
        assert_eq!(method(&ack), "ACK");
        assert_eq!(uri(&ack), "sip:asterisk@127.0.0.1:5060");
        assert_eq!(ack.to_tag(), Some("as1"));
        assert_eq!(
            ack.cseq().unwrap(),
            crate::sip::message::CSeq {
                seq: 1,
                method: "ACK".into()
            }
        );
        assert_ne!(top_branch(&ack), top_branch(&inv));
        let routes: Vec<&str> = ack.headers_named("Route").collect();
        assert_eq!(routes, vec!["<sip:p2;lr>", "<sip:p1;lr>"]);
        // A retransmitted 200 gets the same ACK again, and no second event.
        ua.handle_datagram(
            t(base, 600),
            peer(),
            &reply(
                &inv,
                200,
                "OK",
                Some("as1"),
                &[("Contact", "<sip:asterisk@127.0.0.1:5060>")],
                ANSWER,
            ),
        );
        let (again, ev) = drain(&mut ua);
        assert!(ev.is_empty());
        assert_eq!(again[0].to_bytes(), ack.to_bytes());

        let timings = *ua.timings();
        assert_eq!(timings.invite_to_100_ms, Some(5.0));
        assert_eq!(timings.invite_to_180_ms, Some(30.0));
        assert_eq!(timings.invite_to_final_ms, Some(120.0));
        assert_eq!(timings.setup_ms, Some(120.0));
        assert_eq!(ua.poll_timeout(), None, "no timers while established");

        ua.hangup(t(base, 3000));
        let (sent, _) = drain(&mut ua);
        let bye = &sent[0];
        assert_eq!(method(bye), "BYE");
        assert_eq!(uri(bye), "sip:asterisk@127.0.0.1:5060");
        assert_eq!(bye.cseq().unwrap().seq, 2);
        assert_eq!(bye.to_tag(), Some("as1"));
        assert_eq!(bye.from_tag(), inv.from_tag());
        assert_eq!(ua.phase(), Phase::Terminating);
        ua.handle_datagram(
            t(base, 3004),
            peer(),
            &reply(bye, 200, "OK", Some("as1"), &[], ""),
        );
        let (_, ev) = drain(&mut ua);
        assert_eq!(
            ev,
            vec![UaEvent::Ended {
                by: Party::Local,
                code: Some(200)
            }]
        );
        assert_eq!(ua.timings().bye_to_final_ms, Some(4.0));
        assert!(ua.is_terminated());
        let ladder: Vec<String> = ua
            .trace()
            .iter()
            .map(|e| format!("{} {}", e.dir, e.label))
            .collect();
        assert_eq!(
            ladder,
            [
                "out INVITE",
                "in 100 Trying",
                "in 180 Ringing",
                "in 200 OK",
                "out ACK",
                "in 200 OK",
                "out BYE",
                "in 200 OK"
            ]
        );
    }

    #[test]
    fn digest_challenge_is_answered_once() {
        let base = Instant::now();
        let mut c = cfg();
        c.credentials = Some(Credentials {
            user: "alice".into(),
            password: "secret".into(),
        });
        let mut ua = Uac::new(c, base);
        let (sent, _) = drain(&mut ua);
        let inv1 = sent[0].clone();
        let chal =
            "Digest realm=\"asterisk\",nonce=\"n1\",opaque=\"op\",algorithm=MD5,qop=\"auth\"";
        ua.handle_datagram(
            t(base, 10),
            peer(),
            &reply(
                &inv1,
                401,
                "Unauthorized",
                Some("t401"),
                &[("WWW-Authenticate", chal)],
                "",
            ),
        );
        let (sent, ev) = drain(&mut ua);
        assert!(ev.is_empty());
        assert_eq!(sent.len(), 2);
        // ACK of the 401: same branch and CSeq number as the INVITE, To tag of the 401.
        let ack = &sent[0];
        assert_eq!(method(ack), "ACK");
        assert_eq!(top_branch(ack), top_branch(&inv1));
        assert_eq!(ack.cseq().unwrap().seq, 1);
        assert_eq!(ack.to_tag(), Some("t401"));
        // The new INVITE: new branch, next CSeq, same Call-ID and From tag, Authorization.
        let inv2 = sent[1].clone();
        assert_eq!(method(&inv2), "INVITE");
        assert_ne!(top_branch(&inv2), top_branch(&inv1));
        assert_eq!(inv2.cseq().unwrap().seq, 2);
        assert_eq!(inv2.call_id(), inv1.call_id());
        assert_eq!(inv2.from_tag(), inv1.from_tag());
        assert_eq!(inv2.to_tag(), None);
        let auth = inv2.header("Authorization").unwrap();
        // Check the response value the way a server would.
        let field = |k: &str| {
            auth.split(", ")
                .find_map(|p| {
                    p.trim_start_matches("Digest ")
                        .strip_prefix(&format!("{k}="))
                })
                .unwrap()
                .trim_matches('"')
                .to_string()
        };
        let cnonce = field("cnonce");
        let want = digest::response(
            &Challenge::parse(chal).unwrap(),
            &DigestInput {
                user: "alice",
                password: "secret",
                method: "INVITE",
                uri: "sip:echo@127.0.0.1:5060",
                cnonce: &cnonce,
                nc: 1,
            },
        )
        .unwrap();
        assert_eq!(field("response"), want);
        assert_eq!(field("nc"), "00000001");
        assert_eq!(field("opaque"), "op");
        assert_eq!(ua.timings().auth_challenges, 1);
        // A second challenge (not stale): the credentials are wrong.
        ua.handle_datagram(
            t(base, 20),
            peer(),
            &reply(
                &inv2,
                401,
                "Unauthorized",
                Some("t2"),
                &[("WWW-Authenticate", chal)],
                "",
            ),
        );
        let (sent, ev) = drain(&mut ua);
        assert_eq!(method(&sent[0]), "ACK");
        assert_eq!(sent.len(), 1);
        match &ev[..] {
            [UaEvent::AuthFailed {
                code: 401, detail, ..
            }] => assert!(detail.contains("\"alice\" were rejected"), "{detail}"),
            other => panic!("{other:?}"),
        }
        assert!(ua.is_terminated());
    }

    #[test]
    fn proxy_challenge_without_credentials_fails_with_a_reason() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        ua.handle_datagram(
            t(base, 10),
            peer(),
            &reply(
                &sent[0],
                407,
                "Proxy Authentication Required",
                Some("x"),
                &[("Proxy-Authenticate", "Digest realm=\"r\", nonce=\"n\"")],
                "",
            ),
        );
        let (_, ev) = drain(&mut ua);
        assert!(
            matches!(&ev[..], [UaEvent::AuthFailed { code: 407, detail, .. }] if detail.contains("none were given")),
            "{ev:?}"
        );

        // With credentials a 407 is answered with Proxy-Authorization (no qop: RFC 2069 form).
        let mut c = cfg();
        c.credentials = Some(Credentials {
            user: "u".into(),
            password: "p".into(),
        });
        let mut ua = Uac::new(c, base);
        let (sent, _) = drain(&mut ua);
        ua.handle_datagram(
            t(base, 10),
            peer(),
            &reply(
                &sent[0],
                407,
                "Proxy Authentication Required",
                Some("x"),
                &[("Proxy-Authenticate", "Digest realm=\"r\", nonce=\"n\"")],
                "",
            ),
        );
        let (sent, _) = drain(&mut ua);
        let h = sent[1].header("Proxy-Authorization").unwrap();
        assert!(
            h.starts_with("Digest username=\"u\", realm=\"r\", nonce=\"n\""),
            "{h}"
        );
        assert!(!h.contains("qop"));
        assert!(sent[1].header("Authorization").is_none());
    }

    #[test]
    fn invite_retransmits_on_timer_a_and_gives_up_on_timer_b() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        drain(&mut ua);
        let mut at = Vec::new();
        let mut now = base;
        let mut events = Vec::new();
        while let Some(next) = ua.poll_timeout() {
            now = next;
            ua.handle_timeout(now);
            let (sent, ev) = drain(&mut ua);
            for m in sent {
                assert_eq!(method(&m), "INVITE");
                at.push(now.duration_since(base).as_millis());
            }
            events.extend(ev);
        }
        // T1 = 500 ms, doubling: 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 64*T1 = 32 s.
        assert_eq!(at, [500, 1500, 3500, 7500, 15500, 31500]);
        assert_eq!(now.duration_since(base), Duration::from_secs(32));
        assert_eq!(
            events,
            vec![UaEvent::TimedOut {
                cancelled: false,
                got_response: false
            }]
        );
        assert_eq!(ua.timings().invite_retransmissions, 6);
    }

    #[test]
    fn provisional_answer_stops_retransmission_and_timeout_cancels() {
        let base = Instant::now();
        let mut c = cfg();
        c.answer_timeout = Duration::from_secs(5);
        let mut ua = Uac::new(c, base);
        let (sent, _) = drain(&mut ua);
        let inv = sent[0].clone();
        ua.handle_timeout(t(base, 500));
        assert_eq!(
            drain(&mut ua).0.len(),
            1,
            "one retransmission before the 180"
        );
        ua.handle_datagram(
            t(base, 700),
            peer(),
            &reply(&inv, 180, "Ringing", Some("r"), &[], ""),
        );
        drain(&mut ua);
        assert_eq!(
            ua.poll_timeout(),
            Some(t(base, 5000)),
            "only the answer timeout is left"
        );
        ua.handle_timeout(t(base, 5000));
        let (sent, ev) = drain(&mut ua);
        assert!(ev.is_empty());
        let cancel = sent[0].clone();
        assert_eq!(method(&cancel), "CANCEL");
        assert_eq!(uri(&cancel), uri(&inv));
        assert_eq!(top_branch(&cancel), top_branch(&inv));
        assert_eq!(
            cancel.cseq().unwrap(),
            crate::sip::message::CSeq {
                seq: 1,
                method: "CANCEL".into()
            }
        );
        assert_eq!(cancel.to_tag(), None);
        // CANCEL retransmits on Timer E until answered.
        ua.handle_timeout(t(base, 5500));
        assert_eq!(method(&drain(&mut ua).0[0]), "CANCEL");
        ua.handle_datagram(
            t(base, 5510),
            peer(),
            &reply(&cancel, 200, "OK", Some("r"), &[], ""),
        );
        ua.handle_datagram(
            t(base, 5512),
            peer(),
            &reply(&inv, 487, "Request Terminated", Some("r"), &[], ""),
        );
        let (sent, ev) = drain(&mut ua);
        assert_eq!(method(&sent[0]), "ACK");
        assert_eq!(top_branch(&sent[0]), top_branch(&inv));
        assert_eq!(
            ev,
            vec![UaEvent::TimedOut {
                cancelled: true,
                got_response: true
            }]
        );
        assert!(ua.timings().cancel_sent);
        assert_eq!(ua.poll_timeout(), None);
    }

    #[test]
    fn rejection_is_acked_and_reported_once() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        let inv = sent[0].clone();
        ua.handle_datagram(
            t(base, 3),
            peer(),
            &reply(&inv, 404, "Not Found", Some("nf"), &[], ""),
        );
        let (sent, ev) = drain(&mut ua);
        assert_eq!(method(&sent[0]), "ACK");
        assert_eq!(
            ev,
            vec![UaEvent::Failed {
                code: 404,
                reason: "Not Found".into()
            }]
        );
        // Retransmitted final answer: ACK again, no second event.
        ua.handle_datagram(
            t(base, 503),
            peer(),
            &reply(&inv, 404, "Not Found", Some("nf"), &[], ""),
        );
        let (sent, ev) = drain(&mut ua);
        assert_eq!(method(&sent[0]), "ACK");
        assert!(ev.is_empty());
        assert_eq!(ua.timings().invite_to_final_ms, Some(3.0));
    }

    #[test]
    fn far_end_bye_is_answered_and_ends_the_call() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        let inv = sent[0].clone();
        establish(&mut ua, base, &inv);
        let bye = format!(
            "BYE sip:vcctl@127.0.0.1:40000 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKfar\r\n\
             From: <sip:echo@127.0.0.1:5060>;tag=as1\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: 102 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
            inv.from().unwrap(),
            ua.call_id()
        );
        let far: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        ua.handle_datagram(t(base, 2000), far, bye.as_bytes());
        let mut outs = Vec::new();
        while let Some(o) = ua.poll_output() {
            outs.push(o);
        }
        match &outs[..] {
            [UaOutput::Transmit { to, bytes }, UaOutput::Event(e)] => {
                assert_eq!(*to, Some(far));
                let ok = SipMessage::parse(bytes).unwrap();
                assert_eq!(ok.status(), Some(200));
                assert_eq!(ok.header("CSeq"), Some("102 BYE"));
                assert_eq!(
                    ok.vias(),
                    vec!["SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKfar"]
                );
                assert_eq!(ok.from_tag(), Some("as1"));
                assert_eq!(ok.to_tag(), inv.from_tag());
                assert_eq!(
                    *e,
                    UaEvent::Ended {
                        by: Party::Remote,
                        code: None
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(ua.is_terminated());
        // A retransmitted BYE is still answered.
        ua.handle_datagram(t(base, 2500), far, bye.as_bytes());
        let (sent, ev) = drain(&mut ua);
        assert_eq!(sent[0].status(), Some(200));
        assert!(ev.is_empty());
        // Requests of other calls get 481.
        let stray = bye.replace(ua.call_id(), "other-call");
        ua.handle_datagram(t(base, 2600), far, stray.as_bytes());
        assert_eq!(drain(&mut ua).0[0].status(), Some(481));
        assert_eq!(ua.ignored(), 1);
        // Out-of-dialog keep-alive probes get 200.
        let probe = stray.replace("BYE", "OPTIONS");
        ua.handle_datagram(t(base, 2700), far, probe.as_bytes());
        assert_eq!(drain(&mut ua).0[0].status(), Some(200));
    }

    #[test]
    fn bye_retransmits_on_timer_e_and_gives_up_on_timer_f() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        establish(&mut ua, base, &sent[0]);
        let start = t(base, 1000);
        ua.hangup(start);
        drain(&mut ua);
        let mut at = Vec::new();
        let mut events = Vec::new();
        let mut now = start;
        while let Some(next) = ua.poll_timeout() {
            now = next;
            ua.handle_timeout(now);
            let (sent, ev) = drain(&mut ua);
            at.extend(sent.iter().map(|_| now.duration_since(start).as_millis()));
            events.extend(ev);
        }
        // E: 0.5, 1.5, 3.5, 7.5, then every T2 = 4 s; F at 32 s.
        assert_eq!(
            at,
            [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]
        );
        assert_eq!(now.duration_since(start), Duration::from_secs(32));
        assert_eq!(
            events,
            vec![UaEvent::Ended {
                by: Party::Local,
                code: None
            }]
        );
        assert_eq!(ua.timings().bye_retransmissions, 10);
    }

    #[test]
    fn options_and_reinvite_in_the_dialog() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        let inv = sent[0].clone();
        establish(&mut ua, base, &inv);
        let call_id = ua.call_id().to_string();
        let req = |method: &str, body: &str| {
            format!(
                "{method} sip:vcctl@127.0.0.1:40000 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK{method}\r\n\
                 From: <sip:echo@127.0.0.1>;tag=as1\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: 5 {method}\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
                inv.from().unwrap(),
                call_id,
                body.len()
            )
        };
        ua.handle_datagram(t(base, 900), peer(), req("OPTIONS", "").as_bytes());
        assert_eq!(drain(&mut ua).0[0].status(), Some(200));
        let moved = ANSWER.replace("17000", "18000");
        ua.handle_datagram(t(base, 1000), peer(), req("INVITE", &moved).as_bytes());
        let (sent, ev) = drain(&mut ua);
        assert_eq!(sent[0].status(), Some(200));
        let our = sent[0].sdp().unwrap();
        assert_eq!(our.audio().unwrap().port, 40002);
        assert!(sent[0].body_text().contains("o=vcctl 1 2 IN IP4"));
        match &ev[..] {
            [UaEvent::RemoteSdp { remote_sdp }] => {
                assert_eq!(remote_sdp.audio().unwrap().port, 18000)
            }
            other => panic!("{other:?}"),
        }
        ua.handle_datagram(t(base, 1100), peer(), req("MESSAGE", "").as_bytes());
        assert_eq!(drain(&mut ua).0[0].status(), Some(405));
        assert_eq!(ua.phase(), Phase::Established);
    }

    #[test]
    fn hangup_while_ringing_cancels_and_before_any_answer_waits_for_one() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        let (sent, _) = drain(&mut ua);
        let inv = sent[0].clone();
        ua.hangup(t(base, 100));
        assert!(
            drain(&mut ua).0.is_empty(),
            "no CANCEL before a provisional answer"
        );
        assert_eq!(ua.phase(), Phase::Cancelling);
        ua.handle_datagram(
            t(base, 150),
            peer(),
            &reply(&inv, 100, "Trying", None, &[], ""),
        );
        let (sent, _) = drain(&mut ua);
        assert_eq!(method(&sent[0]), "CANCEL");
        // The far end answered anyway (race): ACK, then BYE at once.
        ua.handle_datagram(
            t(base, 160),
            peer(),
            &reply(&inv, 200, "OK", Some("z"), &[], ANSWER),
        );
        let (sent, ev) = drain(&mut ua);
        assert_eq!(sent.iter().map(method).collect::<Vec<_>>(), ["ACK", "BYE"]);
        assert!(ev.is_empty());
        ua.handle_datagram(
            t(base, 170),
            peer(),
            &reply(&sent[1], 200, "OK", Some("z"), &[], ""),
        );
        assert_eq!(
            drain(&mut ua).1,
            vec![UaEvent::Ended {
                by: Party::Local,
                code: Some(200)
            }]
        );
    }

    #[test]
    fn garbage_is_ignored() {
        let base = Instant::now();
        let mut ua = Uac::new(cfg(), base);
        drain(&mut ua);
        ua.handle_datagram(base, peer(), b"\x80\x00garbage");
        ua.handle_datagram(base, peer(), b"SIP/2.0 200 OK\r\nCall-ID: nope\r\n\r\n");
        assert_eq!(drain(&mut ua), (vec![], vec![]));
        assert_eq!(ua.ignored(), 2);
        assert_eq!(ua.phase(), Phase::Calling);
    }

    #[test]
    fn sip_uris() {
        let u = SipUri::parse("sip:echo@127.0.0.1:5060;transport=udp").unwrap();
        assert_eq!(
            (u.user.as_deref(), u.host.as_str(), u.port),
            (Some("echo"), "127.0.0.1", Some(5060))
        );
        assert_eq!(u.to_string(), "sip:echo@127.0.0.1:5060");
        let v6 = SipUri::parse("sip:bob:pw@[::1]").unwrap();
        assert_eq!(
            (v6.user.as_deref(), v6.host.as_str(), v6.port_or_default()),
            (Some("bob"), "::1", 5060)
        );
        assert_eq!(v6.to_string(), "sip:bob@[::1]");
        assert_eq!(
            SipUri::parse("pbx.example.com").unwrap().port_or_default(),
            5060
        );
        assert_eq!(SipUri::parse("sips:a@b").unwrap().port_or_default(), 5061);
        assert!(matches!(
            SipUri::parse("http://x"),
            Err(UriError::NotSip(_))
        ));
        assert!(matches!(SipUri::parse("sip:a@"), Err(UriError::NoHost(_))));
        assert!(matches!(
            SipUri::parse("sip:a@b:99999"),
            Err(UriError::BadPort(_))
        ));
        assert!(matches!(
            SipUri::parse("sip:a@b:0"),
            Err(UriError::BadPort(_))
        ));
    }
}
