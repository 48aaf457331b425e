//! A model of the host firewall for traffic coming in: the netfilter base chains on the
//! prerouting and input hooks, read from `nft -j list ruleset` (JSON) and from
//! `iptables-save` / `ip6tables-save` text (which also covers ufw: its rules are iptables
//! chains such as `ufw-user-input`). A packet (family, protocol, destination port, input
//! interface, optionally addresses) is evaluated the way the kernel would: base chains in
//! hook then priority order, each one's rules in order, port ranges and sets, multiport,
//! `ct state` (a new inbound packet is NEW), jumps, gotos and returns, ACCEPT/DROP/REJECT,
//! then the chain policy. An accept ends one base chain only; a drop or reject anywhere is
//! final. The result names the deciding rule.
//!
//! Port ranges are evaluated by splitting them on every port boundary that any rule
//! mentions, so a range of 16 000 ports costs one evaluation per distinct stretch.
//!
//! Matches vcctl cannot evaluate (ipsets, marks, `-m recent`, nft xt compat expressions...)
//! make their rule be skipped; the decision then lists them as assumptions.
//! `nat` chains are not evaluated (they translate, they do not filter), nor are netdev
//! ingress or bridge tables.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;

use serde::Serialize;
use serde_json::Value;

use crate::checks::procnet::Proto;

mod eval;
mod fix;
mod iptables;
mod nft;
mod sources;
#[cfg(test)]
mod tests;

use eval::*;
use iptables::*;
use nft::*;

pub use fix::fix_command;
pub use nft::parse_nft_text_handles;
pub use sources::Sources;

/// IP version of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ipv4,
    Ipv6,
}

/// What happens to a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Accept,
    Drop,
    Reject,
}

impl Verdict {
    pub fn is_open(self) -> bool {
        self == Verdict::Accept
    }
    fn parse(s: &str) -> Option<Verdict> {
        match s.to_ascii_lowercase().as_str() {
            "accept" => Some(Verdict::Accept),
            "drop" => Some(Verdict::Drop),
            "reject" => Some(Verdict::Reject),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Accept => "ACCEPT",
            Verdict::Drop => "DROP",
            Verdict::Reject => "REJECT",
        })
    }
}

/// A new inbound packet (its first one: TCP SYN, conntrack state NEW).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub family: Family,
    pub proto: Proto,
    pub dport: u16,
    /// Unknown for callers in general (an ephemeral port).
    pub sport: Option<u16>,
    pub saddr: Option<IpAddr>,
    pub daddr: Option<IpAddr>,
    /// Input interface name, e.g. `eth0`, or `lo` for local traffic.
    pub iif: String,
}

/// Which tool's ruleset a table came from (it decides how rules are named and fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Nft,
    Iptables,
    Ip6tables,
}

// ---------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hook {
    Prerouting,
    Input,
}

#[derive(Debug, Clone)]
struct BaseInfo {
    hook: Hook,
    prio: i32,
    policy: Verdict,
}

#[derive(Debug, Clone)]
struct Chain {
    name: String,
    base: Option<BaseInfo>,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    conds: Vec<Cond>,
    action: Action,
    text: String,
    handle: Option<u64>,
    /// 1-based position in its chain.
    index: usize,
}

#[derive(Debug, Clone)]
struct Table {
    backend: Backend,
    /// `ip`, `ip6` or `inet`.
    family: String,
    name: String,
    chains: Vec<Chain>,
}

impl Table {
    fn applies_to(&self, f: Family) -> bool {
        match self.family.as_str() {
            "ip" => f == Family::Ipv4,
            "ip6" => f == Family::Ipv6,
            "inet" => true,
            _ => false,
        }
    }
    fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name == name)
    }
    fn is_ufw(&self) -> bool {
        self.chains.iter().any(|c| c.name.starts_with("ufw"))
    }
}

/// Which protocol a port match requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum L4Req {
    /// `th dport`, iptables `--dport` (the `-p` match is separate).
    Any,
    Only(Proto),
    /// sctp/dccp/udplite: never our packet.
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AddrRange {
    v6: bool,
    lo: u128,
    hi: u128,
}

impl AddrRange {
    fn prefix(ip: IpAddr, len: u8) -> AddrRange {
        let (v6, val, bits) = match ip {
            IpAddr::V4(a) => (false, u32::from(a) as u128, 32u32),
            IpAddr::V6(a) => (true, u128::from(a), 128u32),
        };
        let len = (len as u32).min(bits);
        let host_bits = bits - len;
        let mask: u128 = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        AddrRange {
            v6,
            lo: val & !mask,
            hi: val | mask,
        }
    }
    fn contains(&self, ip: IpAddr) -> bool {
        let (v6, val) = match ip {
            IpAddr::V4(a) => (false, u32::from(a) as u128),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(m) if !self.v6 => (false, u32::from(m) as u128),
                _ => (true, u128::from(a)),
            },
        };
        v6 == self.v6 && (self.lo..=self.hi).contains(&val)
    }
}

#[derive(Debug, Clone)]
enum Pat {
    Ports(Vec<(u16, u16)>),
    Addrs(Vec<AddrRange>),
    /// Interface names, protocol names, ct states, address types (lowercase, except names).
    Words(Vec<String>),
    /// A named nft set, resolved when the table is complete.
    SetRef(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sel {
    L4Proto,
    DPort(L4Req),
    SPort(L4Req),
    /// Either port (iptables multiport `--ports`).
    EitherPort(L4Req),
    SAddr(Option<Family>),
    DAddr(Option<Family>),
    Iif,
    Oif,
    CtState,
    NfProto,
    /// addrtype / fib type of the destination (true) or source (false).
    AddrType(bool),
    PktType,
}

#[derive(Debug, Clone)]
enum Cond {
    Match {
        sel: Sel,
        neg: bool,
        pat: Pat,
    },
    /// TCP flags: (flags & mask) == comp, or (flags & mask) != 0 when `any`.
    TcpFlags {
        mask: u8,
        comp: u8,
        any: bool,
        neg: bool,
    },
    /// Requires an IP family (nft `ip ...` / `ip6 ...` in inet tables).
    Family(Family),
    Const(bool),
    Unknown(String),
}

#[derive(Debug, Clone)]
enum Action {
    Verdict(Verdict),
    Jump(String),
    Goto(String),
    Return,
    Continue,
    Vmap {
        sel: Sel,
        entries: Vec<(Pat, Action)>,
    },
    /// A terminal action vcctl does not model (queue...): treated as accept, flagged.
    Opaque(String),
}

/// Tables from every source, ready to evaluate packets.
#[derive(Debug, Clone, Default)]
pub struct Ruleset {
    tables: Vec<Table>,
    /// Which sources were read, e.g. `nft`, `iptables-save (nf_tables)`.
    pub sources: Vec<String>,
    /// Things that could not be parsed.
    pub warnings: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------

/// A rule (or chain policy) that decided something.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RuleRef {
    pub backend: Backend,
    pub family: String,
    pub table: String,
    /// The chain holding the rule (a user chain reached by a jump, or the base chain).
    pub chain: String,
    /// The base chain the packet entered (where a fix goes).
    pub base_chain: String,
    /// The rule as its tool prints it; empty for a policy.
    pub text: String,
    pub handle: Option<u64>,
    pub index: Option<usize>,
    /// True when the chain policy decided.
    pub policy: bool,
    /// The chain belongs to ufw.
    pub ufw: bool,
    #[serde(skip)]
    policy_verdict: Option<Verdict>,
}

impl RuleRef {
    /// The policy of base chain `chain` of `table`, as the deciding "rule".
    fn chain_policy(table: &Table, chain: &Chain, policy: Verdict) -> RuleRef {
        RuleRef {
            backend: table.backend,
            family: table.family.clone(),
            table: table.name.clone(),
            chain: chain.name.clone(),
            base_chain: chain.name.clone(),
            text: String::new(),
            handle: None,
            index: None,
            policy: true,
            ufw: table.is_ufw(),
            policy_verdict: Some(policy),
        }
    }
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.backend {
            Backend::Nft => {
                write!(f, "nft {} {} {}: ", self.family, self.table, self.chain)?;
                if self.policy {
                    let p = self.policy_verdict.unwrap_or(Verdict::Accept);
                    write!(f, "policy {}", p.to_string().to_ascii_lowercase())
                } else {
                    write!(f, "{}", self.text)?;
                    if let Some(h) = self.handle {
                        write!(f, " (handle {h})")?;
                    }
                    Ok(())
                }
            }
            Backend::Iptables | Backend::Ip6tables => {
                let tool = if self.backend == Backend::Iptables {
                    "iptables"
                } else {
                    "ip6tables"
                };
                if self.policy {
                    let p = self.policy_verdict.unwrap_or(Verdict::Accept);
                    write!(f, "{tool} {} {}: policy {p}", self.table, self.chain)
                } else {
                    write!(
                        f,
                        "{tool} {} {} rule {}: {}",
                        self.table,
                        self.chain,
                        self.index.unwrap_or(0),
                        self.text
                    )
                }
            }
        }
    }
}

/// The fate of one packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub verdict: Verdict,
    /// What decided: for a drop/reject the one rule; for an accept the accepting rule (or
    /// policy) of every base chain passed. Empty when there are no base chains at all.
    pub rules: Vec<RuleRef>,
    /// Rules skipped because one of their matches could not be evaluated.
    pub assumptions: Vec<String>,
}

impl Decision {
    /// The deciding rule as one line.
    pub fn deciding(&self) -> String {
        if self.rules.is_empty() {
            return "no rule filters incoming packets".to_string();
        }
        match self.verdict {
            Verdict::Accept => self
                .rules
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join("; then "),
            _ => self.rules.last().map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// `DROP by <rule>`, or `ACCEPT: no rule filters incoming packets`.
    pub fn describe(&self) -> String {
        if self.rules.is_empty() {
            format!("{}: no rule filters incoming packets", self.verdict)
        } else {
            format!("{} by {}", self.verdict, self.deciding())
        }
    }

    /// True when some skipped rule might have changed the outcome.
    pub fn uncertain(&self) -> bool {
        !self.assumptions.is_empty()
    }
}

/// A stretch of ports with one fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubRange {
    pub lo: u16,
    pub hi: u16,
    pub decision: Decision,
}

impl SubRange {
    pub fn label(&self) -> String {
        if self.lo == self.hi {
            self.lo.to_string()
        } else {
            format!("{}-{}", self.lo, self.hi)
        }
    }
}
