//! Verdicts of `check-firewall` and `doctor`: pure functions from evidence (sockets,
//! firewall decisions, STUN answers, Asterisk settings, probe results) to rows with a
//! status, the evidence in words, and the one command that fixes a failure.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::Serialize;

use crate::ari::asterisk_conf::{PjsipTransport, RtpConf};
use crate::checks::procnet::{Listener, Proto};
use crate::netfilter::{fix_command, Packet, Ruleset, SubRange, Verdict};

/// Outcome of one check. Ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    /// Not checked (the evidence says why); never a guess.
    Skip,
    Warn,
    Fail,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "PASS",
            Status::Skip => "SKIP",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        })
    }
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckRow {
    /// `listening`, `firewall`, `reachable`, `nat`, `rtp.conf`, or a doctor item.
    pub check: String,
    /// What was checked, e.g. `sip 5060/udp`.
    pub target: String,
    pub status: Status,
    pub evidence: String,
    /// The command (or setting) that fixes a WARN or FAIL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The firewall rule that decided, for firewall rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Per-stretch verdicts of a port range.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<RangeVerdict>,
    /// Per-port results of reachability probes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeOutcome>,
}

impl CheckRow {
    pub fn new(
        check: impl Into<String>,
        target: impl Into<String>,
        status: Status,
        evidence: impl Into<String>,
    ) -> Self {
        CheckRow {
            check: check.into(),
            target: target.into(),
            status,
            evidence: evidence.into(),
            fix: None,
            rule: None,
            ranges: Vec::new(),
            probes: Vec::new(),
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The worst status of a report (PASS for an empty one).
pub fn worst(rows: &[CheckRow]) -> Status {
    rows.iter().map(|r| r.status).max().unwrap_or(Status::Pass)
}

/// Counts per status, for summaries.
pub fn counts(rows: &[CheckRow]) -> (usize, usize, usize, usize) {
    let c = |s| rows.iter().filter(|r| r.status == s).count();
    (
        c(Status::Pass),
        c(Status::Warn),
        c(Status::Fail),
        c(Status::Skip),
    )
}

/// How many rows ended how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    /// Not checked (the row says why).
    pub skip: usize,
}

impl Summary {
    pub fn of(rows: &[CheckRow]) -> Summary {
        let (pass, warn, fail, skip) = counts(rows);
        Summary {
            pass,
            warn,
            fail,
            skip,
        }
    }

    /// `2 FAIL, 1 WARN, 9 PASS, 3 not checked`.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        if self.fail > 0 {
            parts.push(format!("{} FAIL", self.fail));
        }
        if self.warn > 0 {
            parts.push(format!("{} WARN", self.warn));
        }
        parts.push(format!("{} PASS", self.pass));
        if self.skip > 0 {
            parts.push(format!("{} not checked", self.skip));
        }
        parts.join(", ")
    }
}

/// A stretch of a range with its firewall verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RangeVerdict {
    pub lo: u16,
    pub hi: u16,
    pub verdict: Verdict,
    pub rule: String,
}

/// What a reachability probe to one port found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeOutcome {
    pub port: u16,
    /// `Some(true)` arrived, `Some(false)` did not, `None` could not be told.
    pub arrived: Option<bool>,
    /// How that was seen, e.g. `caught by vcctl's probe listener`, `SIP answer`.
    pub how: String,
}

// ---------------------------------------------------------------------------------------
// Services and ports
// ---------------------------------------------------------------------------------------

/// The ports of the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Sip,
    Ari,
    Api,
    Rtp,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Sip => "sip",
            Service::Ari => "ari",
            Service::Api => "api",
            Service::Rtp => "rtp",
        }
    }

    /// Whether outside callers must reach it (SIP, RTP) or only local/remote clients (ARI,
    /// the HTTP API).
    pub fn carries_calls(self) -> bool {
        matches!(self, Service::Sip | Service::Rtp)
    }
}

/// `5060/udp`, `16384-32768/udp`, `8088` (protocol from the service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PortSpec {
    pub lo: u16,
    pub hi: u16,
    pub proto: Proto,
}

impl PortSpec {
    pub fn single(port: u16, proto: Proto) -> Self {
        PortSpec {
            lo: port,
            hi: port,
            proto,
        }
    }
    pub fn is_range(&self) -> bool {
        self.lo != self.hi
    }
    pub fn ports(&self) -> String {
        if self.is_range() {
            format!("{}-{}", self.lo, self.hi)
        } else {
            self.lo.to_string()
        }
    }
    /// Parse with a default protocol for a missing `/proto`.
    pub fn parse_with(s: &str, default: Proto) -> Result<PortSpec, String> {
        let (ports, proto) = match s.split_once('/') {
            Some((p, pr)) => (
                p,
                Proto::parse(pr).ok_or_else(|| format!("'{pr}' is not tcp or udp"))?,
            ),
            None => (s, default),
        };
        let parse = |x: &str| {
            x.trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("'{x}' is not a port number (1-65535)"))
        };
        let (lo, hi) = match ports.split_once(['-', ':']) {
            Some((a, b)) => (parse(a)?, parse(b)?),
            None => {
                let p = parse(ports)?;
                (p, p)
            }
        };
        if lo > hi {
            return Err(format!("the range {lo}-{hi} ends before it starts"));
        }
        Ok(PortSpec { lo, hi, proto })
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.ports(), self.proto)
    }
}

impl FromStr for PortSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PortSpec::parse_with(s, Proto::Udp)
    }
}

/// `sip 5060/udp`.
pub fn target_label(service: Service, spec: &PortSpec) -> String {
    format!("{} {spec}", service.name())
}

/// What the host is expected to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expect {
    /// Callers come from other hosts (false with `--local-only`).
    pub external_callers: bool,
    /// ARI and the HTTP API are used from other hosts (`--remote-clients`).
    pub remote_clients: bool,
    /// SIP and ARI both listen only on loopback: the box keeps Asterisk on loopback by design
    /// (the sandbox, a demo; `ASTERISK_BIND_ADDR=127.0.0.1` binds SIP and ARI alike), so SIP
    /// or RTP on loopback only is a WARN (remote phones cannot reach it), not a FAIL, and
    /// the firewall and NAT settings for outside callers do not matter yet.
    pub loopback_by_design: bool,
}

impl Expect {
    fn must_be_open(&self, s: Service) -> bool {
        if s.carries_calls() {
            self.external_callers
        } else {
            self.remote_clients
        }
    }
}

// ---------------------------------------------------------------------------------------
// Listening
// ---------------------------------------------------------------------------------------

/// What a connection to an HTTP port showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireProtocol {
    /// Answered plain HTTP.
    PlainHttp,
    /// Answered with TLS.
    Tls,
    /// Something else, or nothing.
    Unknown(String),
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_private() || a.is_link_local() || a.is_loopback(),
        IpAddr::V6(a) => {
            let seg = a.segments()[0];
            a.is_loopback() || (seg & 0xfe00) == 0xfc00 || (seg & 0xffc0) == 0xfe80
        }
    }
}

fn list(listeners: &[Listener]) -> String {
    let v: Vec<String> = listeners.iter().map(Listener::describe).collect();
    v.join(", ")
}

/// Who listens on the port (or in the range), on which address, and whether that suits.
pub fn judge_listening(
    service: Service,
    spec: &PortSpec,
    listeners: &[Listener],
    expect: Expect,
    wire: Option<&WireProtocol>,
) -> CheckRow {
    let target = target_label(service, spec);
    let row = |s, e: String| CheckRow::new("listening", target.clone(), s, e);
    if listeners.is_empty() {
        return match service {
            Service::Sip => row(
                Status::Fail,
                format!("nothing listens on {spec}; is Asterisk running, with a PJSIP transport bound to this port?"),
            )
            .with_fix(
                "start Asterisk (systemctl start asterisk, or docker compose -f docker/docker-compose.yml up -d asterisk) and check bind= of the transport in pjsip.conf",
            ),
            Service::Rtp => row(
                Status::Skip,
                format!("not checked: nothing listens in {spec} now (Asterisk opens RTP ports per call)"),
            ),
            Service::Ari => row(
                Status::Fail,
                format!("nothing listens on {spec}; Asterisk's HTTP server (ARI) is off or bound elsewhere"),
            )
            .with_fix(format!(
                "set enabled=yes and bindport={} in http.conf (ASTERISK_ARI_PORT in docker/.env) and restart Asterisk",
                spec.lo
            )),
            Service::Api => row(
                Status::Fail,
                format!("nothing listens on {spec}; is vcctl serve running?"),
            )
            .with_fix("start vcctl serve (docker compose -f docker/docker-compose.yml up -d vcctl)"),
        };
    }
    let all_loopback = listeners.iter().all(|l| l.socket.is_loopback());
    if service.carries_calls() {
        if all_loopback && expect.external_callers {
            let fix = match service {
                Service::Sip => "bind the PJSIP transport to all addresses: bind=0.0.0.0:PORT in pjsip.conf (ASTERISK_BIND_ADDR=0.0.0.0 in docker/.env), then restart Asterisk",
                _ => "let Asterisk bind RTP to all addresses: remove media_address/bind_rtp_to_media_address from the endpoint, or bind the transport to 0.0.0.0, then restart Asterisk",
            };
            if expect.loopback_by_design {
                return row(
                    Status::Warn,
                    format!(
                        "only on loopback: {}; remote phones cannot reach it (ARI is on loopback too, \
                         so this looks intended: a sandbox or demo; --local-only if it is)",
                        list(listeners)
                    ),
                )
                .with_fix(fix.replace("PORT", &spec.lo.to_string()));
            }
            return row(
                Status::Fail,
                format!(
                    "only on loopback: {}; callers on other hosts cannot reach it",
                    list(listeners)
                ),
            )
            .with_fix(fix.replace("PORT", &spec.lo.to_string()));
        }
        return row(Status::Pass, list(listeners));
    }
    // ARI and the HTTP API: exposure without TLS is a security problem, not a call problem.
    let exposed: Vec<&Listener> = listeners
        .iter()
        .filter(|l| l.socket.is_wildcard() || !is_private(l.socket.local.ip()))
        .collect();
    let tls = matches!(wire, Some(WireProtocol::Tls));
    let wire_text = match wire {
        Some(WireProtocol::PlainHttp) => "; it answers plain HTTP",
        Some(WireProtocol::Tls) => "; it answers TLS",
        Some(WireProtocol::Unknown(_)) | None => "",
    };
    if !exposed.is_empty() && !tls {
        let what = if service == Service::Ari {
            "ARI passwords and call control"
        } else {
            "the HTTP API (no authentication)"
        };
        let fix = if service == Service::Ari {
            "bind ARI to loopback or a private address (bindaddr in http.conf, ASTERISK_BIND_ADDR in docker/.env), or enable TLS (tlsenable=yes), and firewall the port"
        } else {
            "bind the HTTP API of vcctl serve to 127.0.0.1 (its default) or a management network, and firewall the port"
        };
        return row(
            Status::Warn,
            format!(
                "{} on every or a public address without TLS{wire_text}: {what} cross the network in clear",
                list(listeners)
            ),
        )
        .with_fix(fix);
    }
    row(Status::Pass, format!("{}{wire_text}", list(listeners)))
}

// ---------------------------------------------------------------------------------------
// Firewall
// ---------------------------------------------------------------------------------------

/// The host firewall verdict for a port or range, with the deciding rule and the fix.
/// `loopback_only`: the service listens only on loopback, so a firewall that lets other
/// hosts in does not expose it.
pub fn judge_firewall(
    service: Service,
    spec: &PortSpec,
    ruleset: Result<&Ruleset, &str>,
    template: &Packet,
    expect: Expect,
    loopback_only: bool,
) -> CheckRow {
    let target = target_label(service, spec);
    let rs = match ruleset {
        Ok(rs) => rs,
        Err(why) => {
            return CheckRow::new(
                "firewall",
                target,
                Status::Skip,
                format!("not checked: {why}"),
            )
        }
    };
    // On a box that keeps Asterisk on loopback by design, no outside caller gets in anyway:
    // the listening row says so; a closed port is not a second failure.
    let must_open =
        expect.must_be_open(service) && !(service.carries_calls() && expect.loopback_by_design);
    let mut pkt = template.clone();
    pkt.proto = spec.proto;
    let ranges = rs.evaluate_range(&pkt, spec.lo, spec.hi);
    let closed: Vec<&SubRange> = ranges
        .iter()
        .filter(|r| !r.decision.verdict.is_open())
        .collect();
    let open: Vec<&SubRange> = ranges
        .iter()
        .filter(|r| r.decision.verdict.is_open())
        .collect();
    let assumptions: BTreeSet<String> = ranges
        .iter()
        .flat_map(|r| r.decision.assumptions.iter().cloned())
        .collect();
    let on = if pkt.iif == "lo" {
        " (from loopback)".to_string()
    } else {
        format!(" (arriving on {})", pkt.iif)
    };
    let describe = |r: &SubRange| {
        if spec.is_range() {
            format!("{} {}", r.label(), r.decision.describe())
        } else {
            r.decision.describe()
        }
    };
    let mut row = CheckRow::new("firewall", target, Status::Pass, String::new());
    row.ranges = ranges
        .iter()
        .map(|r| RangeVerdict {
            lo: r.lo,
            hi: r.hi,
            verdict: r.decision.verdict,
            rule: r.decision.deciding(),
        })
        .collect();
    // The deciding rule: of the first closed stretch, else of the (first) open one.
    row.rule = closed
        .first()
        .or(open.first())
        .map(|r| r.decision.deciding());
    let mut evidence = if closed.is_empty() {
        format!(
            "{}{on}",
            ranges.iter().map(describe).collect::<Vec<_>>().join("; ")
        )
    } else if open.is_empty() {
        format!(
            "{}{on}",
            closed
                .iter()
                .map(|r| describe(r))
                .collect::<Vec<_>>()
                .join("; ")
        )
    } else {
        format!(
            "partly open{on}: closed {}; open {}",
            closed
                .iter()
                .map(|r| describe(r))
                .collect::<Vec<_>>()
                .join("; "),
            open.iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if !closed.is_empty() {
        // One command per blocking base chain (usually one), for the whole closed part.
        let lo = closed.iter().map(|r| r.lo).min().unwrap_or(spec.lo);
        let hi = closed.iter().map(|r| r.hi).max().unwrap_or(spec.hi);
        let mut probe = pkt.clone();
        probe.dport = closed[0].lo;
        let mut fixes: Vec<String> = Vec::new();
        for b in rs.blocking_chains(&probe) {
            let f = fix_command(&b, spec.proto, lo, hi);
            if !fixes.contains(&f) {
                fixes.push(f);
            }
        }
        let fix = fixes.join(" && ");
        if must_open {
            row.status = Status::Fail;
            if service == Service::Rtp {
                evidence.push_str(
                    "; RTP to a closed port is lost: calls connect but have no or one-way audio",
                );
            }
            row.fix = Some(fix);
        } else {
            evidence.push_str(&format!(
                "; closed to other hosts, which is fine while its clients run on this host (to open it: {fix})"
            ));
        }
    } else if !must_open && !service.carries_calls() && pkt.iif != "lo" {
        if loopback_only {
            evidence.push_str(&format!(
                "; the firewall lets other hosts in, but {} listens only on loopback, so they cannot reach it",
                if service == Service::Ari { "ARI" } else { "the HTTP API" }
            ));
        } else {
            evidence.push_str("; open to other hosts");
        }
    }
    if !assumptions.is_empty() {
        evidence.push_str(&format!(
            "; assumed: {}",
            assumptions.iter().cloned().collect::<Vec<_>>().join("; ")
        ));
        if row.status == Status::Pass {
            row.status = Status::Warn;
            row.fix = Some(
                "check the skipped rules by hand (nft list ruleset / iptables-save); vcctl cannot evaluate them".into(),
            );
        }
    }
    row.evidence = evidence;
    row
}

// ---------------------------------------------------------------------------------------
// Reachability from a peer
// ---------------------------------------------------------------------------------------

/// Ports of `lo..=hi` to probe: both ends of every firewall stretch, then evenly spread
/// ports, skipping those `usable` rejects (in use), at most `n` (and at least the ends).
pub fn choose_samples(
    lo: u16,
    hi: u16,
    stretches: &[(u16, u16)],
    n: usize,
    usable: &dyn Fn(u16) -> bool,
) -> Vec<u16> {
    let mut want: Vec<u16> = Vec::new();
    let push = |p: u16, want: &mut Vec<u16>| {
        if (lo..=hi).contains(&p) && !want.contains(&p) {
            want.push(p);
        }
    };
    for (a, b) in stretches {
        push(*a, &mut want);
        push(*b, &mut want);
    }
    if want.is_empty() {
        push(lo, &mut want);
        push(hi, &mut want);
    }
    let span = (hi - lo) as u64 + 1;
    let extra = n.saturating_sub(want.len()) as u64;
    for i in 0..extra {
        let p = lo as u64 + (i * 2 + 1) * span / (extra * 2).max(1);
        push(p.min(hi as u64) as u16, &mut want);
    }
    // Replace unusable ports by the nearest usable neighbour in the same stretch.
    let stretch_of = |p: u16| {
        stretches
            .iter()
            .find(|(a, b)| (*a..=*b).contains(&p))
            .copied()
            .unwrap_or((lo, hi))
    };
    let mut out: Vec<u16> = Vec::new();
    for p in want {
        let (a, b) = stretch_of(p);
        let found = (0..=64u16).find_map(|d| {
            [p.checked_add(d), p.checked_sub(d)]
                .into_iter()
                .flatten()
                .find(|c| (a..=b).contains(c) && usable(*c) && !out.contains(c))
        });
        if let Some(c) = found {
            out.push(c);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The reachability row for one service from probe outcomes; `firewall_open(port)` is the
/// host firewall's view, to tell a local block from one upstream (cloud firewall, NAT).
pub fn judge_reachability(
    service: Service,
    spec: &PortSpec,
    peer: Option<&str>,
    outcomes: Result<Vec<ProbeOutcome>, String>,
    firewall_open: &dyn Fn(u16) -> Option<bool>,
    expect: Expect,
) -> CheckRow {
    let target = target_label(service, spec);
    let Some(peer) = peer else {
        return CheckRow::new(
            "reachable",
            target,
            Status::Skip,
            "not checked: no --peer (run vcctl check-firewall --reflector --listen ADDR:PORT on another host and pass --peer ADDR:PORT)",
        );
    };
    let outcomes = match outcomes {
        Ok(o) => o,
        Err(e) => {
            return CheckRow::new(
                "reachable",
                target,
                Status::Skip,
                format!("not checked: {e}"),
            )
        }
    };
    let must_open = expect.must_be_open(service);
    let arrived: Vec<u16> = outcomes
        .iter()
        .filter(|o| o.arrived == Some(true))
        .map(|o| o.port)
        .collect();
    let lost: Vec<u16> = outcomes
        .iter()
        .filter(|o| o.arrived == Some(false))
        .map(|o| o.port)
        .collect();
    let unknown: Vec<&ProbeOutcome> = outcomes.iter().filter(|o| o.arrived.is_none()).collect();
    let ports = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let mut row = CheckRow::new("reachable", target, Status::Pass, String::new());
    row.probes = outcomes.clone();
    if arrived.is_empty() && lost.is_empty() {
        row.status = Status::Skip;
        row.evidence = format!(
            "not checked: {}",
            unknown
                .iter()
                .map(|o| format!("{} {}", o.port, o.how))
                .collect::<Vec<_>>()
                .join("; ")
        );
        return row;
    }
    let how = outcomes
        .iter()
        .find(|o| o.arrived == Some(true))
        .map(|o| format!(" ({})", o.how))
        .unwrap_or_default();
    let mut ev = if spec.is_range() {
        format!(
            "from {peer}: arrived at {} of {} sampled ports",
            arrived.len(),
            arrived.len() + lost.len()
        )
    } else if lost.is_empty() {
        format!("from {peer}: arrived{how}")
    } else {
        format!("from {peer}: did not arrive")
    };
    if spec.is_range() && !lost.is_empty() {
        ev.push_str(&format!("; not at {}", ports(&lost)));
    }
    if !unknown.is_empty() {
        ev.push_str(&format!(
            "; could not tell for {}",
            unknown
                .iter()
                .map(|o| o.port.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !lost.is_empty() {
        let upstream: Vec<u16> = lost
            .iter()
            .copied()
            .filter(|p| firewall_open(*p) == Some(true))
            .collect();
        if !upstream.is_empty() {
            ev.push_str(&format!(
                "; this host's firewall lets {} in, so something on the way drops {} (cloud security group, provider firewall, NAT port forwarding)",
                ports(&upstream),
                if upstream.len() == 1 { "it" } else { "them" }
            ));
        }
        if must_open {
            row.status = Status::Fail;
            row.fix = Some(if upstream.is_empty() {
                "open the port in the host firewall (see the firewall row)".to_string()
            } else {
                format!(
                    "allow {}/{} inbound in the cloud security group / provider firewall, and forward it to this host if it is behind NAT",
                    spec.ports(),
                    spec.proto
                )
            });
        } else {
            ev.push_str("; fine while its clients run on this host");
        }
    }
    let contradict: Vec<u16> = arrived
        .iter()
        .copied()
        .filter(|p| firewall_open(*p) == Some(false))
        .collect();
    if !contradict.is_empty() && row.status == Status::Pass {
        row.status = Status::Warn;
        ev.push_str(&format!(
            "; arrived at {} although the firewall model says closed (a rule vcctl does not model?)",
            ports(&contradict)
        ));
        row.fix = Some("compare with nft list ruleset / iptables-save by hand".into());
    }
    row.evidence = ev;
    row
}

// ---------------------------------------------------------------------------------------
// NAT and Asterisk's media settings
// ---------------------------------------------------------------------------------------

/// What the public address is, and how it was learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicAddress {
    /// STUN answered: the mapped address, the server, and the local address used.
    Stun {
        mapped: IpAddr,
        server: String,
        local: Option<IpAddr>,
    },
    /// STUN disabled or not answering, with the reason.
    Unknown(String),
}

/// Inputs of the NAT judgement.
#[derive(Clone)]
pub struct NatInputs<'a> {
    pub public: PublicAddress,
    /// `--external-ip`, when given.
    pub external_ip: Option<IpAddr>,
    /// Addresses of this host's interfaces.
    pub local_addrs: &'a [IpAddr],
    /// PJSIP transports, or why they could not be read.
    pub transports: Result<&'a [PjsipTransport], String>,
    /// Host names in external_* settings resolved by the caller.
    pub resolve: &'a dyn Fn(&str) -> Vec<IpAddr>,
}

const ONE_WAY: &str =
    "callers send RTP to an address that does not reach this host: one-way or no audio";

/// Compare the public address with PJSIP's external_media_address and
/// external_signaling_address.
pub fn judge_nat(n: &NatInputs, expect: Expect) -> Vec<CheckRow> {
    let target = "public address";
    if !expect.external_callers {
        return vec![CheckRow::new(
            "nat",
            target,
            Status::Skip,
            "not checked: --local-only (callers on this host need no NAT settings)",
        )];
    }
    if expect.loopback_by_design {
        return vec![CheckRow::new(
            "nat",
            target,
            Status::Skip,
            "not checked: Asterisk listens on loopback only, so no remote phone reaches it and NAT settings do not matter yet",
        )];
    }
    let (public, how) = match (&n.public, n.external_ip) {
        (PublicAddress::Stun { mapped, server, .. }, Some(ext)) if *mapped != ext => {
            return vec![CheckRow::new(
                "nat",
                target,
                Status::Warn,
                format!("STUN ({server}) maps this host to {mapped}, but --external-ip says {ext}; one of them is out of date"),
            )
            .with_fix(format!("check which one callers reach, then set external_media_address/external_signaling_address to it (ASTERISK_EXTERNAL_IP={mapped} in docker/.env)"))];
        }
        (PublicAddress::Stun { mapped, server, .. }, _) => (*mapped, format!("STUN ({server})")),
        (PublicAddress::Unknown(_), Some(ext)) => (ext, "--external-ip".to_string()),
        (PublicAddress::Unknown(why), None) => {
            return vec![CheckRow::new(
                "nat",
                target,
                Status::Skip,
                format!(
                    "not checked: {why}; give --external-ip ADDR or a reachable --stun HOST:PORT"
                ),
            )];
        }
    };
    let behind_nat = !n.local_addrs.contains(&public);
    let local = match &n.public {
        PublicAddress::Stun { local: Some(l), .. } => Some(*l),
        _ => n
            .local_addrs
            .iter()
            .copied()
            .find(|a| !a.is_loopback() && a.is_ipv4() == public.is_ipv4()),
    };
    let local_text = local.map(|l| l.to_string()).unwrap_or_else(|| "?".into());
    let situation = if behind_nat {
        format!("this host ({local_text}) is behind NAT; {how} sees it as {public}")
    } else {
        format!("no NAT: {how} sees {public}, an address of this host")
    };
    let transports = match &n.transports {
        Ok(t) => *t,
        Err(why) => {
            return vec![CheckRow::new(
                "nat",
                target,
                Status::Skip,
                format!("{situation}; PJSIP settings not checked: {why}"),
            )]
        }
    };
    let udp: Vec<&PjsipTransport> = transports.iter().filter(|t| t.protocol == "udp").collect();
    let chosen: Vec<&PjsipTransport> = if udp.is_empty() {
        transports.iter().collect()
    } else {
        udp
    };
    if chosen.is_empty() {
        return vec![CheckRow::new(
            "nat",
            target,
            Status::Fail,
            format!("{situation}; pjsip.conf has no transport"),
        )
        .with_fix("add a [transport-udp] section with type=transport, protocol=udp, bind=0.0.0.0:5060 to pjsip.conf")];
    }
    let env_fix = |t: &PjsipTransport| {
        format!(
            "set external_media_address={public} and external_signaling_address={public} on [{}] in pjsip.conf (ASTERISK_EXTERNAL_IP={public} in docker/.env), then restart Asterisk",
            t.name
        )
    };
    let matches = |v: &str| -> bool {
        match v.parse::<IpAddr>() {
            Ok(ip) => ip == public,
            Err(_) => (n.resolve)(v).contains(&public),
        }
    };
    let mut rows = Vec::new();
    for t in chosen {
        let tgt = format!("{target} / {}", t.name);
        let ema = t.external_media_address.as_deref();
        let esa = t.external_signaling_address.as_deref();
        let row = if behind_nat {
            match (ema, esa) {
                (None, _) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}, but {} has no external_media_address: Asterisk writes {local_text} into the SDP and {ONE_WAY}", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(m), _) if !matches(m) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}, but external_media_address of {} is {m}: Asterisk writes {m} into the SDP and {ONE_WAY}", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(_), None) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}; external_media_address is right but {} has no external_signaling_address: Contact/Via carry {local_text}, so ACKs and BYEs get lost and calls drop after about 32 s", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(_), Some(s)) if !matches(s) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}; external_signaling_address of {} is {s}, not {public}: ACKs and BYEs go astray and calls drop after about 32 s", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(m), Some(_)) => {
                    let mut r = CheckRow::new(
                        "nat",
                        tgt,
                        Status::Pass,
                        format!("{situation}; {} advertises {m} for media and signaling", t.name),
                    );
                    if t.local_net.is_empty() {
                        r.status = Status::Warn;
                        r.evidence.push_str("; but local_net is not set, so callers on the local network get the public address too");
                        r.fix = Some(format!(
                            "add local_net=<your LAN CIDR> to [{}] (ASTERISK_LOCAL_NET in docker/.env)",
                            t.name
                        ));
                    }
                    r
                }
            }
        } else {
            match ema {
                Some(m) if !matches(m) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}, but external_media_address of {} is {m}: Asterisk writes {m} into the SDP and {ONE_WAY}", t.name),
                )
                .with_fix(format!(
                    "remove external_media_address and external_signaling_address from [{}] (empty ASTERISK_EXTERNAL_IP in docker/.env), or set them to {public}; then restart Asterisk",
                    t.name
                )),
                Some(m) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Pass,
                    format!("{situation}; {} advertises {m}", t.name),
                ),
                None => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Pass,
                    format!("{situation}; {} needs no external address", t.name),
                ),
            }
        };
        rows.push(row);
    }
    rows
}

/// rtp.conf's port range against the range checked, and its STUN setting.
pub fn judge_rtp_conf(
    rtp: Result<&RtpConf, String>,
    checked: &PortSpec,
    checked_from_flag: bool,
    behind_nat: Option<bool>,
) -> CheckRow {
    let target = "rtp.conf";
    let r = match rtp {
        Ok(r) => r,
        Err(why) => {
            return CheckRow::new(
                "rtp.conf",
                target,
                Status::Skip,
                format!("not checked: {why}"),
            )
        }
    };
    let range = format!("{}-{}", r.start, r.end);
    let stun = match (&r.stunaddr, behind_nat) {
        (Some(s), Some(true)) => format!("; stunaddr={s} (it only feeds ICE candidates; the SDP address comes from external_media_address)"),
        (Some(s), _) => format!("; stunaddr={s}"),
        (None, _) => "; no stunaddr".to_string(),
    };
    if r.end < r.start {
        return CheckRow::new(
            "rtp.conf",
            target,
            Status::Fail,
            format!("rtpend {} is below rtpstart {}", r.end, r.start),
        )
        .with_fix(
            "set rtpstart=16384 and rtpend=32768 in rtp.conf (ASTERISK_RTP_START/ASTERISK_RTP_END)",
        );
    }
    if checked_from_flag && (checked.lo > r.start || checked.hi < r.end) {
        return CheckRow::new(
            "rtp.conf",
            target,
            Status::Fail,
            format!(
                "Asterisk picks RTP ports from {range}{}, but the check covers {}: calls that get a port outside it have no audio",
                if r.range_set { "" } else { " (Asterisk's default: rtp.conf sets no rtpstart/rtpend)" },
                checked.ports()
            ),
        )
        .with_fix(format!(
            "set rtpstart={} and rtpend={} in rtp.conf (ASTERISK_RTP_START/ASTERISK_RTP_END in docker/.env), or check --rtp {range}/udp",
            checked.lo, checked.hi
        ));
    }
    if !r.range_set {
        return CheckRow::new(
            "rtp.conf",
            target,
            Status::Warn,
            format!("rtp.conf sets no rtpstart/rtpend, so Asterisk uses its default {range}{stun}"),
        )
        .with_fix("set rtpstart and rtpend in rtp.conf explicitly (ASTERISK_RTP_START/ASTERISK_RTP_END) and open that range");
    }
    CheckRow::new(
        "rtp.conf",
        target,
        Status::Pass,
        format!("RTP ports {range}{stun}"),
    )
}

/// Clock sanity: this host against Asterisk's clock (`/asterisk/ping`), and the kernel's
/// NTP state as evidence. `asterisk_unix` is `None` when Asterisk could not be asked.
pub fn judge_clock(
    local_unix: f64,
    asterisk_unix: Option<f64>,
    ntp_synced: Option<bool>,
) -> CheckRow {
    // 2024-01-01: a clock before this is certainly wrong (TLS certificates fail).
    const SANE_AFTER: f64 = 1_704_067_200.0;
    let ntp = match ntp_synced {
        Some(true) => "; kernel reports NTP-synchronized",
        Some(false) => "; kernel reports the clock not NTP-synchronized",
        None => "",
    };
    let fix = "synchronize the clock: timedatectl set-ntp true (or chronyc makestep), on this host and Asterisk's";
    if local_unix < SANE_AFTER {
        return CheckRow::new(
            "clock",
            "this host",
            Status::Fail,
            format!("the clock says {local_unix:.0} s since 1970, before 2024: TLS to the agent fails{ntp}"),
        )
        .with_fix(fix);
    }
    let Some(ast) = asterisk_unix else {
        return CheckRow::new(
            "clock",
            "this host",
            Status::Skip,
            format!("not checked against Asterisk (not reachable){ntp}"),
        );
    };
    let skew = local_unix - ast;
    let text = format!("this host is {:+.1} s from Asterisk's clock{ntp}", skew);
    let status = match skew.abs() {
        s if s <= 2.0 => Status::Pass,
        s if s <= 30.0 => Status::Warn,
        _ => Status::Fail,
    };
    let mut r = CheckRow::new("clock", "this host vs Asterisk", status, text);
    if status != Status::Pass {
        r.fix = Some(fix.into());
        r.evidence
            .push_str("; skewed clocks break latency numbers, signed URLs and TLS");
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ari::asterisk_conf::{parse_str, pjsip_transports, rtp_conf};
    use crate::checks::procnet::{ListenSocket, Owner};
    use crate::netfilter::Family;

    const EXT: Expect = Expect {
        external_callers: true,
        remote_clients: false,
        loopback_by_design: false,
    };

    fn listener(addr: &str, proto: Proto) -> Listener {
        Listener {
            socket: ListenSocket {
                proto,
                local: addr.parse().unwrap(),
                inode: 1,
                uid: 0,
            },
            owner: Some(Owner {
                pid: 42,
                name: "asterisk".into(),
            }),
        }
    }

    fn pkt() -> Packet {
        Packet {
            family: Family::Ipv4,
            proto: Proto::Udp,
            dport: 0,
            sport: None,
            saddr: None,
            daddr: None,
            iif: "eth0".into(),
        }
    }

    #[test]
    fn port_specs_parse() {
        assert_eq!(
            "16384-32768/udp".parse::<PortSpec>().unwrap(),
            PortSpec {
                lo: 16384,
                hi: 32768,
                proto: Proto::Udp
            }
        );
        assert_eq!(
            PortSpec::parse_with("8088", Proto::Tcp).unwrap(),
            PortSpec::single(8088, Proto::Tcp)
        );
        assert_eq!(
            "5060/tcp".parse::<PortSpec>().unwrap().to_string(),
            "5060/tcp"
        );
        assert!("5060/icmp".parse::<PortSpec>().is_err());
        assert!("20-10/udp".parse::<PortSpec>().is_err());
        assert!("0/udp".parse::<PortSpec>().is_err());
    }

    #[test]
    fn listening_verdicts() {
        let sip = PortSpec::single(5060, Proto::Udp);
        let r = judge_listening(
            Service::Sip,
            &sip,
            &[listener("127.0.0.1:5060", Proto::Udp)],
            EXT,
            None,
        );
        assert_eq!(r.status, Status::Fail);
        assert!(r
            .evidence
            .contains("only on loopback: asterisk (pid 42) on 127.0.0.1:5060"));
        assert!(r.fix.unwrap().contains("bind=0.0.0.0:5060"));
        let local = Expect {
            external_callers: false,
            ..EXT
        };
        let r = judge_listening(
            Service::Sip,
            &sip,
            &[listener("127.0.0.1:5060", Proto::Udp)],
            local,
            None,
        );
        assert_eq!(r.status, Status::Pass);
        // On a box whose ARI is on loopback too (the sandbox), loopback SIP is by design.
        let lab = Expect {
            loopback_by_design: true,
            ..EXT
        };
        let r = judge_listening(
            Service::Sip,
            &sip,
            &[listener("127.0.0.1:5060", Proto::Udp)],
            lab,
            None,
        );
        assert_eq!(r.status, Status::Warn);
        assert!(
            r.evidence.contains("remote phones cannot reach it"),
            "{}",
            r.evidence
        );
        assert!(r.fix.unwrap().contains("bind=0.0.0.0:5060"));
        let r = judge_listening(Service::Sip, &sip, &[], EXT, None);
        assert_eq!(r.status, Status::Fail);
        let ari = PortSpec::single(8088, Proto::Tcp);
        let r = judge_listening(
            Service::Ari,
            &ari,
            &[listener("0.0.0.0:8088", Proto::Tcp)],
            EXT,
            Some(&WireProtocol::PlainHttp),
        );
        assert_eq!(r.status, Status::Warn);
        assert!(r.evidence.contains("plain HTTP"), "{}", r.evidence);
        let r = judge_listening(
            Service::Ari,
            &ari,
            &[listener("0.0.0.0:8088", Proto::Tcp)],
            EXT,
            Some(&WireProtocol::Tls),
        );
        assert_eq!(r.status, Status::Pass);
        let r = judge_listening(
            Service::Ari,
            &ari,
            &[listener("10.0.0.5:8088", Proto::Tcp)],
            EXT,
            None,
        );
        assert_eq!(r.status, Status::Pass);
        let r = judge_listening(
            Service::Api,
            &ari,
            &[listener("203.0.113.5:8000", Proto::Tcp)],
            EXT,
            None,
        );
        assert_eq!(r.status, Status::Warn);
        let rtp = PortSpec {
            lo: 16384,
            hi: 32768,
            proto: Proto::Udp,
        };
        assert_eq!(
            judge_listening(Service::Rtp, &rtp, &[], EXT, None).status,
            Status::Skip
        );
    }

    const IPT: &str = "*filter
:INPUT DROP [0:0]
:voip - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p udp -m udp --dport 5060 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 8088 -j REJECT --reject-with tcp-reset
-A INPUT -p udp -m multiport --dports 16384:32768 -j voip
-A voip -p udp -m udp --dport 20000:24999 -j DROP
-A voip -j ACCEPT
COMMIT
";

    #[test]
    fn firewall_rows_name_rules_and_fixes() {
        let rs = Ruleset::from_iptables_save(IPT, false);
        let sip = PortSpec::single(5060, Proto::Udp);
        let r = judge_firewall(Service::Sip, &sip, Ok(&rs), &pkt(), EXT, false);
        assert_eq!(r.status, Status::Pass);
        assert_eq!(
            r.rule.as_deref(),
            Some("iptables filter INPUT rule 2: -A INPUT -p udp -m udp --dport 5060 -j ACCEPT")
        );
        let rtp = PortSpec {
            lo: 16384,
            hi: 32768,
            proto: Proto::Udp,
        };
        let r = judge_firewall(Service::Rtp, &rtp, Ok(&rs), &pkt(), EXT, false);
        assert_eq!(r.status, Status::Fail);
        assert!(r.evidence.starts_with("partly open (arriving on eth0): closed 20000-24999 DROP by iptables filter voip rule 1"), "{}", r.evidence);
        assert_eq!(
            r.fix.as_deref(),
            Some("iptables -I INPUT 1 -p udp --dport 20000:24999 -j ACCEPT")
        );
        assert_eq!(r.ranges.len(), 3);
        // ARI closed from outside is fine unless remote clients are expected.
        let ari = PortSpec::single(8088, Proto::Tcp);
        let r = judge_firewall(Service::Ari, &ari, Ok(&rs), &pkt(), EXT, false);
        assert_eq!(r.status, Status::Pass);
        assert!(
            r.evidence.contains("closed to other hosts"),
            "{}",
            r.evidence
        );
        let remote = Expect {
            remote_clients: true,
            ..EXT
        };
        let r = judge_firewall(Service::Ari, &ari, Ok(&rs), &pkt(), remote, false);
        assert_eq!(r.status, Status::Fail);
        assert!(r.rule.unwrap().contains("rule 3"));
        // No ruleset readers: not checked, not guessed.
        let r = judge_firewall(
            Service::Sip,
            &sip,
            Err("nft/iptables not installed"),
            &pkt(),
            EXT,
            false,
        );
        assert_eq!(r.status, Status::Skip);
        assert_eq!(r.evidence, "not checked: nft/iptables not installed");
        // SIP closed to other hosts on a box that keeps Asterisk on loopback by design is
        // not a second failure (the listening row warns).
        let closed_sip = Ruleset::from_iptables_save("*filter\n:INPUT DROP [0:0]\nCOMMIT\n", false);
        let lab = Expect {
            loopback_by_design: true,
            ..EXT
        };
        assert_eq!(
            judge_firewall(Service::Sip, &sip, Ok(&closed_sip), &pkt(), EXT, true).status,
            Status::Fail
        );
        let r = judge_firewall(Service::Sip, &sip, Ok(&closed_sip), &pkt(), lab, true);
        assert_eq!(r.status, Status::Pass, "{}", r.evidence);
        assert!(
            r.evidence.contains("closed to other hosts"),
            "{}",
            r.evidence
        );
        // A firewall open to everyone in front of an ARI bound to 127.0.0.1 exposes nothing.
        let open = Ruleset::from_iptables_save("*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", false);
        let r = judge_firewall(Service::Ari, &ari, Ok(&open), &pkt(), EXT, false);
        assert!(
            r.evidence.ends_with("; open to other hosts"),
            "{}",
            r.evidence
        );
        let r = judge_firewall(Service::Ari, &ari, Ok(&open), &pkt(), EXT, true);
        assert_eq!(r.status, Status::Pass);
        assert!(
            !r.evidence.contains("open to other hosts"),
            "{}",
            r.evidence
        );
        assert!(
            r.evidence.ends_with(
                "the firewall lets other hosts in, but ARI listens only on loopback, so they cannot reach it"
            ),
            "{}",
            r.evidence
        );
    }

    #[test]
    fn samples_cover_stretch_ends_and_avoid_busy_ports() {
        let s = choose_samples(
            16384,
            32768,
            &[(16384, 19999), (20000, 24999), (25000, 32768)],
            16,
            &|p| p != 20000,
        );
        assert!(s.len() >= 6 && s.len() <= 16, "{s:?}");
        for p in [16384, 19999, 20001, 24999, 25000, 32768] {
            assert!(s.contains(&p), "{p} missing from {s:?}");
        }
        assert!(!s.contains(&20000));
        let one = choose_samples(5060, 5060, &[], 8, &|_| true);
        assert_eq!(one, vec![5060]);
    }

    #[test]
    fn reachability_tells_local_from_upstream_blocks() {
        let sip = PortSpec::single(5060, Proto::Udp);
        let r = judge_reachability(Service::Sip, &sip, None, Ok(vec![]), &|_| None, EXT);
        assert_eq!(r.status, Status::Skip);
        assert!(r.evidence.starts_with("not checked: no --peer"));
        let lost = vec![ProbeOutcome {
            port: 5060,
            arrived: Some(false),
            how: "no SIP answer, not caught".into(),
        }];
        let r = judge_reachability(
            Service::Sip,
            &sip,
            Some("192.0.2.9:7000"),
            Ok(lost.clone()),
            &|_| Some(true),
            EXT,
        );
        assert_eq!(r.status, Status::Fail);
        assert!(
            r.evidence.contains("something on the way drops it"),
            "{}",
            r.evidence
        );
        let ok = vec![ProbeOutcome {
            port: 5060,
            arrived: Some(true),
            how: "SIP answer".into(),
        }];
        let r = judge_reachability(Service::Sip, &sip, Some("p"), Ok(ok), &|_| Some(true), EXT);
        assert_eq!(r.status, Status::Pass);
        assert_eq!(r.evidence, "from p: arrived (SIP answer)");
    }

    fn transports(text: &str) -> Vec<PjsipTransport> {
        pjsip_transports(&parse_str(text))
    }

    #[test]
    fn nat_mismatch_and_match() {
        let locals: Vec<IpAddr> = vec!["10.0.0.5".parse().unwrap(), "127.0.0.1".parse().unwrap()];
        let stun = PublicAddress::Stun {
            mapped: "203.0.113.7".parse().unwrap(),
            server: "stun.example:3478".into(),
            local: Some("10.0.0.5".parse().unwrap()),
        };
        let none = |_: &str| Vec::new();
        let wrong = transports("[t]\ntype=transport\nprotocol=udp\nexternal_media_address=198.51.100.9\nexternal_signaling_address=198.51.100.9\n");
        let rows = judge_nat(
            &NatInputs {
                public: stun.clone(),
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&wrong),
                resolve: &none,
            },
            EXT,
        );
        assert_eq!(rows[0].status, Status::Fail);
        assert!(
            rows[0]
                .evidence
                .contains("external_media_address of t is 198.51.100.9"),
            "{}",
            rows[0].evidence
        );
        assert!(rows[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("ASTERISK_EXTERNAL_IP=203.0.113.7"));
        // Asterisk on loopback by design: NAT settings do not matter yet.
        let rows = judge_nat(
            &NatInputs {
                public: stun.clone(),
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&wrong),
                resolve: &none,
            },
            Expect {
                loopback_by_design: true,
                ..EXT
            },
        );
        assert_eq!(rows[0].status, Status::Skip, "{}", rows[0].evidence);
        let missing = transports("[t]\ntype=transport\nprotocol=udp\n");
        let rows = judge_nat(
            &NatInputs {
                public: stun.clone(),
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&missing),
                resolve: &none,
            },
            EXT,
        );
        assert_eq!(rows[0].status, Status::Fail);
        assert!(rows[0].evidence.contains("writes 10.0.0.5 into the SDP"));
        let right = transports("[t]\ntype=transport\nprotocol=udp\nexternal_media_address=pbx.example\nexternal_signaling_address=203.0.113.7\nlocal_net=10.0.0.0/8\n");
        let resolve = |h: &str| {
            if h == "pbx.example" {
                vec!["203.0.113.7".parse().unwrap()]
            } else {
                vec![]
            }
        };
        let rows = judge_nat(
            &NatInputs {
                public: stun.clone(),
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&right),
                resolve: &resolve,
            },
            EXT,
        );
        assert_eq!(rows[0].status, Status::Pass, "{}", rows[0].evidence);
        // No NAT: the mapped address is local; a stale external address is a FAIL.
        let direct = PublicAddress::Stun {
            mapped: "10.0.0.5".parse().unwrap(),
            server: "s".into(),
            local: None,
        };
        let rows = judge_nat(
            &NatInputs {
                public: direct.clone(),
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&wrong),
                resolve: &none,
            },
            EXT,
        );
        assert_eq!(rows[0].status, Status::Fail);
        let rows = judge_nat(
            &NatInputs {
                public: direct,
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&missing),
                resolve: &none,
            },
            EXT,
        );
        assert_eq!(rows[0].status, Status::Pass);
        // Unknown public address: not checked.
        let rows = judge_nat(
            &NatInputs {
                public: PublicAddress::Unknown("no STUN answer".into()),
                external_ip: None,
                local_addrs: &locals,
                transports: Ok(&missing),
                resolve: &none,
            },
            EXT,
        );
        assert_eq!(rows[0].status, Status::Skip);
    }

    #[test]
    fn rtp_conf_range_must_cover_the_checked_range() {
        let conf = rtp_conf(&parse_str("[general]\nrtpstart=10000\nrtpend=20000\n"));
        let checked = PortSpec {
            lo: 16384,
            hi: 32768,
            proto: Proto::Udp,
        };
        let r = judge_rtp_conf(Ok(&conf), &checked, true, None);
        assert_eq!(r.status, Status::Fail);
        assert!(r.evidence.contains("10000-20000"));
        let same = PortSpec {
            lo: 10000,
            hi: 20000,
            proto: Proto::Udp,
        };
        assert_eq!(
            judge_rtp_conf(Ok(&conf), &same, false, None).status,
            Status::Pass
        );
        let unset = rtp_conf(&parse_str("[general]\n"));
        assert_eq!(
            judge_rtp_conf(Ok(&unset), &same, false, None).status,
            Status::Warn
        );
    }

    #[test]
    fn clock_skew_thresholds() {
        let now = 1_800_000_000.0;
        assert_eq!(
            judge_clock(now, Some(now - 0.5), Some(true)).status,
            Status::Pass
        );
        assert_eq!(
            judge_clock(now, Some(now - 10.0), None).status,
            Status::Warn
        );
        let r = judge_clock(now, Some(now + 120.0), Some(false));
        assert_eq!(r.status, Status::Fail);
        assert!(r
            .evidence
            .starts_with("this host is -120.0 s from Asterisk's clock"));
        assert!(r.fix.unwrap().contains("timedatectl"));
        assert_eq!(judge_clock(now, None, None).status, Status::Skip);
        assert_eq!(judge_clock(1000.0, None, None).status, Status::Fail);
    }

    #[test]
    fn worst_status_orders_fail_over_warn_over_skip() {
        let rows = vec![
            CheckRow::new("a", "t", Status::Pass, ""),
            CheckRow::new("a", "t", Status::Skip, ""),
            CheckRow::new("a", "t", Status::Warn, ""),
        ];
        assert_eq!(worst(&rows), Status::Warn);
        assert_eq!(counts(&rows), (1, 1, 0, 1));
        assert_eq!(worst(&[]), Status::Pass);
    }
}
