//! Verdicts of `check-firewall` and `doctor`: pure functions from evidence (sockets,
//! firewall decisions, STUN answers, Asterisk settings, probe results) to rows with a
//! status, the evidence in words, and the one command that fixes a failure.
//!
//! The rows and the services are here; each family of checks has its file: `listening.rs`,
//! `firewall.rs`, `reachability.rs`, `nat.rs` (NAT, rtp.conf and the clock).

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::Serialize;

use crate::ari::asterisk_conf::{PjsipTransport, RtpConf};
use crate::checks::procnet::{Listener, Proto};
use crate::netfilter::{fix_command, Packet, Ruleset, SubRange, Verdict};

mod firewall;
mod listening;
mod nat;
mod reachability;

pub use firewall::*;
pub use listening::*;
pub use nat::*;
pub use reachability::*;

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

#[cfg(test)]
mod tests;
