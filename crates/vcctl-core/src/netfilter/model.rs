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

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tri {
    Yes,
    No,
    Unknown(String),
}

const SYN: u8 = 0x02;
const MAX_DEPTH: usize = 64;

enum Flow {
    Verdict(Verdict, RuleRef),
    /// Fell off the end or returned.
    Return,
}

impl Ruleset {
    /// True when no base chain filters incoming packets (nothing to evaluate).
    pub fn is_empty(&self) -> bool {
        self.base_chains(Family::Ipv4).is_empty() && self.base_chains(Family::Ipv6).is_empty()
    }

    fn base_chains(&self, f: Family) -> Vec<(&Table, &Chain)> {
        let mut v: Vec<(&Table, &Chain)> = self
            .tables
            .iter()
            .filter(|t| t.applies_to(f))
            .flat_map(|t| {
                t.chains
                    .iter()
                    .filter(|c| c.base.is_some())
                    .map(move |c| (t, c))
            })
            .collect();
        v.sort_by_key(|(_, c)| {
            let b = c.base.as_ref().expect("base");
            (b.hook == Hook::Input, b.prio)
        });
        v
    }

    /// Evaluate one packet through every prerouting and input base chain.
    pub fn evaluate(&self, pkt: &Packet) -> Decision {
        let mut rules = Vec::new();
        let mut assumptions = Vec::new();
        for (table, chain) in self.base_chains(pkt.family) {
            let mut ctx = EvalCtx {
                table,
                base: &chain.name,
                pkt,
                assumptions: &mut assumptions,
            };
            match ctx.run_chain(chain, 0) {
                Flow::Verdict(Verdict::Accept, r) => rules.push(r),
                Flow::Verdict(v, r) => {
                    rules.push(r);
                    return Decision {
                        verdict: v,
                        rules: vec![rules.pop().expect("just pushed")],
                        assumptions,
                    };
                }
                Flow::Return => {
                    let policy = chain.base.as_ref().expect("base").policy;
                    let r = RuleRef::chain_policy(table, chain, policy);
                    if policy != Verdict::Accept {
                        return Decision {
                            verdict: policy,
                            rules: vec![r],
                            assumptions,
                        };
                    }
                    rules.push(r);
                }
            }
        }
        assumptions.sort();
        assumptions.dedup();
        Decision {
            verdict: Verdict::Accept,
            rules,
            assumptions,
        }
    }

    /// Every base chain that would drop or reject `pkt` if the ones before it accepted it:
    /// where fixes must go. (The first one is what [`Ruleset::evaluate`] reports.)
    pub fn blocking_chains(&self, pkt: &Packet) -> Vec<RuleRef> {
        let mut out = Vec::new();
        for (table, chain) in self.base_chains(pkt.family) {
            let mut scratch = Vec::new();
            let mut ctx = EvalCtx {
                table,
                base: &chain.name,
                pkt,
                assumptions: &mut scratch,
            };
            match ctx.run_chain(chain, 0) {
                Flow::Verdict(Verdict::Accept, _) => {}
                Flow::Verdict(_, r) => out.push(r),
                Flow::Return => {
                    let policy = chain.base.as_ref().expect("base").policy;
                    if policy != Verdict::Accept {
                        out.push(RuleRef::chain_policy(table, chain, policy));
                    }
                }
            }
        }
        out
    }

    /// Evaluate every port of `lo..=hi` (the packet's `dport` is ignored), merged into
    /// stretches with the same verdict and deciding rules.
    pub fn evaluate_range(&self, template: &Packet, lo: u16, hi: u16) -> Vec<SubRange> {
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let mut cuts: BTreeSet<u32> = BTreeSet::new();
        cuts.insert(lo as u32);
        for t in &self.tables {
            for c in &t.chains {
                for r in &c.rules {
                    for p in rule_ports(r) {
                        cuts.insert(p.0 as u32);
                        cuts.insert(p.1 as u32 + 1);
                    }
                }
            }
        }
        let starts: Vec<u32> = cuts
            .into_iter()
            .filter(|&c| c >= lo as u32 && c <= hi as u32)
            .collect();
        let mut out: Vec<SubRange> = Vec::new();
        for (i, &s) in starts.iter().enumerate() {
            let e = starts.get(i + 1).map(|n| n - 1).unwrap_or(hi as u32);
            let mut pkt = template.clone();
            pkt.dport = s as u16;
            let d = self.evaluate(&pkt);
            match out.last_mut() {
                Some(prev) if prev.decision == d && prev.hi as u32 + 1 == s => prev.hi = e as u16,
                _ => out.push(SubRange {
                    lo: s as u16,
                    hi: e as u16,
                    decision: d,
                }),
            }
        }
        out
    }
}

fn rule_ports(r: &Rule) -> Vec<(u16, u16)> {
    let mut v = Vec::new();
    let mut add = |sel: &Sel, pat: &Pat| {
        if matches!(sel, Sel::DPort(_) | Sel::EitherPort(_)) {
            if let Pat::Ports(p) = pat {
                v.extend(p.iter().copied());
            }
        }
    };
    for c in &r.conds {
        if let Cond::Match { sel, pat, .. } = c {
            add(sel, pat);
        }
    }
    if let Action::Vmap { sel, entries } = &r.action {
        for (p, _) in entries {
            add(sel, p);
        }
    }
    v
}

struct EvalCtx<'a, 'b> {
    table: &'a Table,
    base: &'a str,
    pkt: &'a Packet,
    assumptions: &'b mut Vec<String>,
}

impl EvalCtx<'_, '_> {
    fn rule_ref(&self, chain: &Chain, rule: &Rule) -> RuleRef {
        RuleRef {
            backend: self.table.backend,
            family: self.table.family.clone(),
            table: self.table.name.clone(),
            chain: chain.name.clone(),
            base_chain: self.base.to_string(),
            text: rule.text.clone(),
            handle: rule.handle,
            index: Some(rule.index),
            policy: false,
            ufw: self.table.is_ufw(),
            policy_verdict: None,
        }
    }

    fn run_chain(&mut self, chain: &Chain, depth: usize) -> Flow {
        if depth > MAX_DEPTH {
            self.assumptions.push(format!(
                "chain {} nests jumps too deep; stopped",
                chain.name
            ));
            return Flow::Return;
        }
        for rule in &chain.rules {
            let mut unknown = None;
            let mut matched = true;
            for c in &rule.conds {
                match self.cond(c) {
                    Tri::Yes => {}
                    Tri::No => {
                        matched = false;
                        unknown = None;
                        break;
                    }
                    Tri::Unknown(why) => {
                        matched = false;
                        unknown.get_or_insert(why);
                    }
                }
            }
            if let Some(why) = unknown {
                if !matches!(rule.action, Action::Continue) {
                    let r = self.rule_ref(chain, rule);
                    self.assumptions
                        .push(format!("skipped {r} (cannot evaluate {why})"));
                }
                continue;
            }
            if !matched {
                continue;
            }
            match self.action(&rule.action, chain, rule, depth) {
                Some(flow) => return flow,
                None => continue,
            }
        }
        Flow::Return
    }

    /// `None`: continue with the next rule.
    fn action(&mut self, a: &Action, chain: &Chain, rule: &Rule, depth: usize) -> Option<Flow> {
        match a {
            Action::Verdict(v) => Some(Flow::Verdict(*v, self.rule_ref(chain, rule))),
            Action::Opaque(what) => {
                let r = self.rule_ref(chain, rule);
                self.assumptions
                    .push(format!("{r} hands the packet to {what}; assumed accepted"));
                Some(Flow::Verdict(Verdict::Accept, r))
            }
            Action::Continue => None,
            Action::Return => Some(Flow::Return),
            Action::Jump(target) | Action::Goto(target) => {
                let Some(next) = self.table.chain(target) else {
                    self.assumptions
                        .push(format!("chain {target} does not exist; jump ignored"));
                    return None;
                };
                match self.run_chain(next, depth + 1) {
                    Flow::Verdict(v, r) => Some(Flow::Verdict(v, r)),
                    // Return from a goto'd chain returns from this chain too.
                    Flow::Return if matches!(a, Action::Goto(_)) => Some(Flow::Return),
                    Flow::Return => None,
                }
            }
            Action::Vmap { sel, entries } => {
                for (pat, act) in entries {
                    match self.cond(&Cond::Match {
                        sel: *sel,
                        neg: false,
                        pat: pat.clone(),
                    }) {
                        Tri::Yes => return self.action(act, chain, rule, depth),
                        Tri::No => {}
                        Tri::Unknown(why) => {
                            let r = self.rule_ref(chain, rule);
                            self.assumptions
                                .push(format!("skipped an entry of {r} (cannot evaluate {why})"));
                        }
                    }
                }
                None
            }
        }
    }

    fn cond(&self, c: &Cond) -> Tri {
        let p = self.pkt;
        match c {
            Cond::Const(b) => tri(*b),
            Cond::Unknown(w) => Tri::Unknown(w.clone()),
            Cond::Family(f) => tri(*f == p.family),
            Cond::TcpFlags {
                mask,
                comp,
                any,
                neg,
            } => {
                if p.proto != Proto::Tcp {
                    return Tri::No;
                }
                let m = if *any {
                    SYN & mask != 0
                } else {
                    SYN & mask == *comp
                };
                tri(m != *neg)
            }
            Cond::Match { sel, neg, pat } => {
                let pat = match pat {
                    Pat::SetRef(name) => {
                        return Tri::Unknown(format!("the unresolved set @{name}"));
                    }
                    p => p,
                };
                let l4_ok = |req: &L4Req| match req {
                    L4Req::Any => true,
                    L4Req::Only(x) => *x == p.proto,
                    L4Req::Never => false,
                };
                let m = match sel {
                    Sel::DPort(req) => {
                        if !l4_ok(req) {
                            return Tri::No;
                        }
                        ports_contain(pat, p.dport)
                    }
                    Sel::SPort(req) => {
                        if !l4_ok(req) {
                            return Tri::No;
                        }
                        match p.sport {
                            Some(s) => ports_contain(pat, s),
                            None => return Tri::Unknown("a source port match".into()),
                        }
                    }
                    Sel::EitherPort(req) => {
                        if !l4_ok(req) {
                            return Tri::No;
                        }
                        if ports_contain(pat, p.dport) {
                            true
                        } else {
                            match p.sport {
                                Some(s) => ports_contain(pat, s),
                                None => return Tri::Unknown("a source port match".into()),
                            }
                        }
                    }
                    Sel::L4Proto => {
                        words_contain(pat, &[p.proto.name(), &p.proto.number().to_string()])
                    }
                    Sel::NfProto => {
                        let name = match p.family {
                            Family::Ipv4 => "ipv4",
                            Family::Ipv6 => "ipv6",
                        };
                        words_contain(pat, &[name])
                    }
                    Sel::SAddr(f) | Sel::DAddr(f) => {
                        if let Some(f) = f {
                            if *f != p.family {
                                return Tri::No;
                            }
                        }
                        let addr = if matches!(sel, Sel::SAddr(_)) {
                            p.saddr
                        } else {
                            p.daddr
                        };
                        let Some(a) = addr else {
                            let which = if matches!(sel, Sel::SAddr(_)) {
                                "a source address match"
                            } else {
                                "a destination address match"
                            };
                            return Tri::Unknown(which.into());
                        };
                        match pat {
                            Pat::Addrs(list) => list.iter().any(|r| r.contains(a)),
                            _ => return Tri::Unknown("an address match".into()),
                        }
                    }
                    Sel::Iif => names_match(pat, &p.iif),
                    // Input traffic has no output interface.
                    Sel::Oif => names_match(pat, ""),
                    Sel::CtState => words_contain(pat, &["new"]),
                    Sel::AddrType(dst) => {
                        let loopback = p.iif == "lo";
                        let types: &[&str] = if *dst || loopback {
                            &["local", "unicast"]
                        } else {
                            &["unicast"]
                        };
                        words_contain(pat, types)
                    }
                    Sel::PktType => words_contain(pat, &["unicast", "host"]),
                };
                tri(m != *neg)
            }
        }
    }
}

fn tri(b: bool) -> Tri {
    if b {
        Tri::Yes
    } else {
        Tri::No
    }
}

fn ports_contain(pat: &Pat, port: u16) -> bool {
    match pat {
        Pat::Ports(list) => list.iter().any(|(a, b)| (*a..=*b).contains(&port)),
        _ => false,
    }
}

fn words_contain(pat: &Pat, any_of: &[&str]) -> bool {
    match pat {
        Pat::Words(w) => w
            .iter()
            .any(|x| any_of.iter().any(|y| x.eq_ignore_ascii_case(y))),
        _ => false,
    }
}

/// Interface names; a trailing `+` (iptables) or `*` (nft) is a prefix wildcard.
fn names_match(pat: &Pat, name: &str) -> bool {
    match pat {
        Pat::Words(w) => w.iter().any(|p| {
            if let Some(prefix) = p.strip_suffix('+').or_else(|| p.strip_suffix('*')) {
                name.starts_with(prefix) && !name.is_empty()
            } else {
                p == name
            }
        }),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Fixes
// ---------------------------------------------------------------------------------------

/// The one command that lets `proto` ports `lo..=hi` in at the base chain of `blocking`:
/// `ufw allow` for ufw chains, else an accept rule inserted at the top of the base chain.
pub fn fix_command(blocking: &RuleRef, proto: Proto, lo: u16, hi: u16) -> String {
    let p = proto.name();
    if blocking.ufw {
        return if lo == hi {
            format!("ufw allow {lo}/{p}")
        } else {
            format!("ufw allow {lo}:{hi}/{p}")
        };
    }
    match blocking.backend {
        Backend::Nft => {
            let ports = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            };
            format!(
                "nft insert rule {} {} {} {p} dport {ports} accept",
                blocking.family,
                blocking.table,
                nft_quote(&blocking.base_chain)
            )
        }
        Backend::Iptables | Backend::Ip6tables => {
            let tool = if blocking.backend == Backend::Iptables {
                "iptables"
            } else {
                "ip6tables"
            };
            let table = if blocking.table == "filter" {
                String::new()
            } else {
                format!("-t {} ", blocking.table)
            };
            let ports = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}:{hi}")
            };
            format!(
                "{tool} {table}-I {} 1 -p {p} --dport {ports} -j ACCEPT",
                blocking.base_chain
            )
        }
    }
}

fn nft_quote(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

// ---------------------------------------------------------------------------------------
// Building the ruleset
// ---------------------------------------------------------------------------------------

/// Raw outputs of the ruleset readers; any may be absent.
#[derive(Debug, Clone, Default)]
pub struct Sources<'a> {
    /// `nft -j list ruleset`
    pub nft_json: Option<&'a str>,
    /// `nft -a list ruleset`, for rule texts as nft prints them.
    pub nft_text: Option<&'a str>,
    /// `iptables-save`
    pub iptables: Option<&'a str>,
    /// `ip6tables-save`
    pub ip6tables: Option<&'a str>,
    /// `iptables-legacy-save` / `ip6tables-legacy-save`, when legacy tables exist beside
    /// nf_tables ones (both are in the kernel's path).
    pub iptables_legacy: Option<&'a str>,
    pub ip6tables_legacy: Option<&'a str>,
}

impl Ruleset {
    /// Combine every source. iptables-nft tables also appear in the nft JSON (with xt
    /// compat expressions); those tables are taken from `iptables-save` instead.
    pub fn from_sources(src: &Sources) -> Ruleset {
        let mut rs = Ruleset::default();
        let mut ipt_tables = Vec::new();
        let mut nft_owned: BTreeSet<(String, String)> = BTreeSet::new();
        for (text, backend, fam) in [
            (src.iptables, Backend::Iptables, "ip"),
            (src.ip6tables, Backend::Ip6tables, "ip6"),
            (src.iptables_legacy, Backend::Iptables, "ip"),
            (src.ip6tables_legacy, Backend::Ip6tables, "ip6"),
        ] {
            let Some(text) = text else { continue };
            let nf = text.contains("(nf_tables)");
            let tool = if backend == Backend::Iptables {
                "iptables-save"
            } else {
                "ip6tables-save"
            };
            rs.sources
                .push(format!("{tool}{}", if nf { " (nf_tables)" } else { "" }));
            let (tables, warnings) = parse_iptables_save(text, backend);
            rs.warnings.extend(warnings);
            for t in tables {
                if nf {
                    nft_owned.insert((fam.to_string(), t.name.clone()));
                }
                ipt_tables.push(t);
            }
        }
        if let Some(json) = src.nft_json {
            rs.sources.push("nft".into());
            let texts = src.nft_text.map(parse_nft_text_handles).unwrap_or_default();
            match parse_nft_json(json, &texts) {
                Ok(tables) => rs.tables.extend(
                    tables
                        .into_iter()
                        .filter(|t| !nft_owned.contains(&(t.family.clone(), t.name.clone()))),
                ),
                Err(e) => rs.warnings.push(format!("nft JSON not understood: {e}")),
            }
        }
        rs.tables.extend(ipt_tables);
        rs
    }

    /// Parse only `nft -j list ruleset` (tests, or hosts without iptables).
    pub fn from_nft_json(json: &str) -> Result<Ruleset, String> {
        Ok(Ruleset {
            tables: parse_nft_json(json, &HashMap::new())?,
            sources: vec!["nft".into()],
            warnings: Vec::new(),
        })
    }

    /// Parse only `iptables-save` / `ip6tables-save` text.
    pub fn from_iptables_save(text: &str, v6: bool) -> Ruleset {
        let backend = if v6 {
            Backend::Ip6tables
        } else {
            Backend::Iptables
        };
        let (tables, warnings) = parse_iptables_save(text, backend);
        Ruleset {
            tables,
            sources: vec![if v6 {
                "ip6tables-save"
            } else {
                "iptables-save"
            }
            .into()],
            warnings,
        }
    }
}

// ----- iptables-save -----

/// Split a line like a shell: whitespace separates, double quotes group, `\"` escapes.
fn shell_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut has = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_q => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '"' => {
                in_q = !in_q;
                has = true;
            }
            c if c.is_whitespace() && !in_q => {
                if has || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn builtin_base(table: &str, chain: &str) -> Option<(Hook, i32)> {
    match (table, chain) {
        ("raw", "PREROUTING") => Some((Hook::Prerouting, -300)),
        ("mangle", "PREROUTING") => Some((Hook::Prerouting, -150)),
        ("mangle", "INPUT") => Some((Hook::Input, -150)),
        ("filter", "INPUT") => Some((Hook::Input, 0)),
        ("security", "INPUT") => Some((Hook::Input, 50)),
        _ => None,
    }
}

fn parse_iptables_save(text: &str, backend: Backend) -> (Vec<Table>, Vec<String>) {
    let family = if backend == Backend::Iptables {
        "ip"
    } else {
        "ip6"
    };
    let mut tables: Vec<Table> = Vec::new();
    let mut warnings = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line == "COMMIT" {
            continue;
        }
        if let Some(name) = line.strip_prefix('*') {
            tables.push(Table {
                backend,
                family: family.into(),
                name: name.trim().into(),
                chains: Vec::new(),
            });
            continue;
        }
        let Some(table) = tables.last_mut() else {
            continue;
        };
        if let Some(decl) = line.strip_prefix(':') {
            let mut it = decl.split_whitespace();
            let name = it.next().unwrap_or_default().to_string();
            let policy = it.next().and_then(Verdict::parse);
            let base = builtin_base(&table.name, &name).map(|(hook, prio)| BaseInfo {
                hook,
                prio,
                policy: policy.unwrap_or(Verdict::Accept),
            });
            if table.name == "nat" {
                continue; // not a filter
            }
            table.chains.push(Chain {
                name,
                base,
                rules: Vec::new(),
            });
            continue;
        }
        if table.name == "nat" {
            continue;
        }
        if line.starts_with("-A ") || line.starts_with("[") {
            let words = shell_words(line);
            let declared: Vec<String> = table.chains.iter().map(|c| c.name.clone()).collect();
            match parse_iptables_rule(&words, &|n| declared.iter().any(|c| c == n)) {
                Some((chain_name, conds, action)) => {
                    let display = line.trim_start_matches(|c: char| c != '-').to_string();
                    let Some(chain) = table.chains.iter_mut().find(|c| c.name == chain_name) else {
                        warnings.push(format!("rule for undeclared chain {chain_name}: {line}"));
                        continue;
                    };
                    let index = chain.rules.len() + 1;
                    chain.rules.push(Rule {
                        conds,
                        action,
                        text: display,
                        handle: None,
                        index,
                    });
                }
                None => warnings.push(format!("rule not understood: {line}")),
            }
        }
    }
    (tables, warnings)
}

fn parse_port_spec(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once(':') {
        let a = if a.is_empty() { 0 } else { port_value(a)? };
        let b = if b.is_empty() { 65535 } else { port_value(b)? };
        Some((a.min(b), a.max(b)))
    } else {
        let p = port_value(s)?;
        Some((p, p))
    }
}

fn port_value(s: &str) -> Option<u16> {
    s.parse().ok().or(match s {
        "ssh" => Some(22),
        "domain" => Some(53),
        "http" | "www" => Some(80),
        "https" => Some(443),
        "sip" => Some(5060),
        "sip-tls" => Some(5061),
        _ => None,
    })
}

fn parse_ports_list(s: &str) -> Option<Vec<(u16, u16)>> {
    s.split(',').map(parse_port_spec).collect()
}

fn parse_addr_list(s: &str) -> Option<Vec<AddrRange>> {
    s.split(',')
        .map(|a| {
            let (ip, len) = match a.split_once('/') {
                Some((ip, m)) => {
                    let ip: IpAddr = ip.parse().ok()?;
                    let len = match m.parse::<u8>() {
                        Ok(l) => l,
                        // dotted netmask
                        Err(_) => {
                            let mask: std::net::Ipv4Addr = m.parse().ok()?;
                            u32::from(mask).count_ones() as u8
                        }
                    };
                    (ip, len)
                }
                None => {
                    let ip: IpAddr = a.parse().ok()?;
                    (ip, if ip.is_ipv4() { 32 } else { 128 })
                }
            };
            Some(AddrRange::prefix(ip, len))
        })
        .collect()
}

fn tcp_flag_bits(s: &str) -> u8 {
    s.split(',')
        .map(|f| match f.trim().to_ascii_uppercase().as_str() {
            "FIN" => 0x01,
            "SYN" => 0x02,
            "RST" => 0x04,
            "PSH" => 0x08,
            "ACK" => 0x10,
            "URG" => 0x20,
            "ECE" | "ECN" => 0x40,
            "CWR" => 0x80,
            "ALL" => 0xFF,
            _ => 0,
        })
        .fold(0, |a, b| a | b)
}

/// Modules whose options vcctl evaluates or may ignore.
const KNOWN_MODULES: &[&str] = &[
    "tcp",
    "udp",
    "multiport",
    "conntrack",
    "state",
    "comment",
    "limit",
    "addrtype",
    "icmp",
    "icmp6",
    "icmpv6",
    "ipv6-icmp",
    "pkttype",
];

fn parse_iptables_rule(
    words: &[String],
    is_chain: &dyn Fn(&str) -> bool,
) -> Option<(String, Vec<Cond>, Action)> {
    let mut chain = None;
    let mut conds = Vec::new();
    let mut action = Action::Continue;
    let mut neg = false;
    let mut i = 0;
    let mut module = String::new();
    let next = |i: &mut usize| -> Option<String> {
        *i += 1;
        words.get(*i).cloned()
    };
    while i < words.len() {
        let w = words[i].as_str();
        match w {
            "!" => {
                neg = true;
                i += 1;
                continue;
            }
            _ if w.starts_with('[') => {}
            "-A" | "--append" => chain = Some(next(&mut i)?),
            "-p" | "--protocol" => {
                let p = next(&mut i)?.to_ascii_lowercase();
                let p = if p == "all" { None } else { Some(p) };
                if let Some(p) = p {
                    conds.push(Cond::Match {
                        sel: Sel::L4Proto,
                        neg,
                        pat: Pat::Words(vec![p]),
                    });
                } else if neg {
                    conds.push(Cond::Const(false));
                }
            }
            "-s" | "--source" | "-d" | "--destination" => {
                let v = next(&mut i)?;
                let sel = if w.starts_with("-s") || w == "--source" {
                    Sel::SAddr(None)
                } else {
                    Sel::DAddr(None)
                };
                let pat = match parse_addr_list(&v) {
                    Some(a) => Pat::Addrs(a),
                    None => {
                        conds.push(Cond::Unknown(format!("{w} {v}")));
                        neg = false;
                        i += 1;
                        continue;
                    }
                };
                conds.push(Cond::Match { sel, neg, pat });
            }
            "-i" | "--in-interface" | "-o" | "--out-interface" => {
                let v = next(&mut i)?;
                let sel = if w == "-i" || w == "--in-interface" {
                    Sel::Iif
                } else {
                    Sel::Oif
                };
                conds.push(Cond::Match {
                    sel,
                    neg,
                    pat: Pat::Words(vec![v]),
                });
            }
            "-f" | "--fragment" => conds.push(Cond::Const(neg)),
            "-m" | "--match" => module = next(&mut i)?.to_ascii_lowercase(),
            "--dport"
            | "--destination-port"
            | "--sport"
            | "--source-port"
            | "--dports"
            | "--destination-ports"
            | "--sports"
            | "--source-ports"
            | "--ports" => {
                let v = next(&mut i)?;
                let Some(ports) = parse_ports_list(&v) else {
                    conds.push(Cond::Unknown(format!("{w} {v}")));
                    neg = false;
                    i += 1;
                    continue;
                };
                let sel = if w == "--ports" {
                    Sel::EitherPort(L4Req::Any)
                } else if w.starts_with("--d") {
                    Sel::DPort(L4Req::Any)
                } else {
                    Sel::SPort(L4Req::Any)
                };
                conds.push(Cond::Match {
                    sel,
                    neg,
                    pat: Pat::Ports(ports),
                });
            }
            "--ctstate" | "--state" => {
                let v = next(&mut i)?;
                conds.push(Cond::Match {
                    sel: Sel::CtState,
                    neg,
                    pat: Pat::Words(v.split(',').map(|s| s.to_ascii_lowercase()).collect()),
                });
            }
            "--syn" => conds.push(Cond::TcpFlags {
                mask: 0x17,
                comp: SYN,
                any: false,
                neg,
            }),
            "--tcp-flags" => {
                let mask = tcp_flag_bits(&next(&mut i)?);
                let comp = tcp_flag_bits(&next(&mut i)?);
                conds.push(Cond::TcpFlags {
                    mask,
                    comp,
                    any: false,
                    neg,
                });
            }
            "--dst-type" | "--src-type" => {
                let v = next(&mut i)?;
                conds.push(Cond::Match {
                    sel: Sel::AddrType(w == "--dst-type"),
                    neg,
                    pat: Pat::Words(v.split(',').map(|s| s.to_ascii_lowercase()).collect()),
                });
            }
            "--pkt-type" => {
                let v = next(&mut i)?;
                conds.push(Cond::Match {
                    sel: Sel::PktType,
                    neg,
                    pat: Pat::Words(vec![v.to_ascii_lowercase()]),
                });
            }
            "--limit-iface-in" | "--limit-iface-out" => {}
            "--comment" | "--limit" | "--limit-burst" | "--icmp-type" | "--icmpv6-type" => {
                next(&mut i);
            }
            "-j" | "--jump" | "-g" | "--goto" => {
                let target = next(&mut i)?;
                action = match target.as_str() {
                    "ACCEPT" => Action::Verdict(Verdict::Accept),
                    "DROP" => Action::Verdict(Verdict::Drop),
                    "REJECT" => Action::Verdict(Verdict::Reject),
                    "RETURN" => Action::Return,
                    "QUEUE" | "NFQUEUE" => Action::Opaque(format!("userspace ({target})")),
                    t if is_chain(t) && (w == "-g" || w == "--goto") => Action::Goto(t.to_string()),
                    t if is_chain(t) => Action::Jump(t.to_string()),
                    // LOG, NFLOG, MARK, CONNMARK, CT, NOTRACK, TRACE, AUDIT, ...: the
                    // packet goes on. Their options (--log-prefix...) change nothing here.
                    _ => Action::Continue,
                };
                break;
            }
            opt if opt.starts_with('-') => {
                // An option of a module vcctl does not evaluate: take its arguments.
                let mut args = Vec::new();
                while let Some(a) = words.get(i + 1) {
                    if a.starts_with('-') || a == "!" {
                        break;
                    }
                    args.push(a.clone());
                    i += 1;
                }
                let known = KNOWN_MODULES.contains(&module.as_str());
                if !known || !opt.starts_with("--") {
                    conds.push(Cond::Unknown(format!(
                        "-m {module} {opt}{}{}",
                        if args.is_empty() { "" } else { " " },
                        args.join(" ")
                    )));
                } else {
                    conds.push(Cond::Unknown(format!("{opt} {}", args.join(" "))));
                }
            }
            _ => {}
        }
        neg = false;
        i += 1;
    }
    Some((chain?, conds, action))
}

// ----- nft -----

/// Map (family, table, chain, handle) to the rule text of `nft -a list ruleset`.
pub fn parse_nft_text_handles(text: &str) -> HashMap<(String, String, String, u64), String> {
    let mut map = HashMap::new();
    let mut table: Option<(String, String)> = None;
    let mut chain: Option<String> = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("table ") {
            let mut it = rest.split_whitespace();
            let fam = it.next().unwrap_or_default().to_string();
            let name = it.next().unwrap_or_default().to_string();
            table = Some((fam, name));
            chain = None;
            continue;
        }
        if let Some(rest) = t.strip_prefix("chain ") {
            chain = rest
                .split_whitespace()
                .next()
                .map(|s| s.trim_matches('"').to_string());
            continue;
        }
        if t.starts_with("set ") || t.starts_with("map ") || t.starts_with("flowtable ") {
            chain = None;
            continue;
        }
        let (Some((fam, tab)), Some(ch)) = (&table, &chain) else {
            continue;
        };
        if let Some((body, h)) = t.rsplit_once("# handle ") {
            if let Ok(h) = h.trim().parse::<u64>() {
                let body = body.trim();
                if body.starts_with("type ") || body.is_empty() {
                    continue;
                }
                map.insert((fam.clone(), tab.clone(), ch.clone(), h), body.to_string());
            }
        }
    }
    map
}

fn parse_nft_json(
    json: &str,
    texts: &HashMap<(String, String, String, u64), String>,
) -> Result<Vec<Table>, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let items = v
        .get("nftables")
        .and_then(Value::as_array)
        .ok_or("no \"nftables\" array")?;
    let mut tables: Vec<Table> = Vec::new();
    let mut sets: HashMap<(String, String, String), Vec<Value>> = HashMap::new();
    let key = |o: &Value| -> (String, String) {
        (
            o.get("family")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            o.get("table")
                .or_else(|| o.get("name"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )
    };
    for item in items {
        if let Some(t) = item.get("table") {
            let (family, name) = key(t);
            tables.push(Table {
                backend: Backend::Nft,
                family,
                name,
                chains: Vec::new(),
            });
        } else if let Some(c) = item.get("chain") {
            let (family, table) = key(c);
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
            let ty = c.get("type").and_then(Value::as_str).unwrap_or("filter");
            let base = match (c.get("hook").and_then(Value::as_str), ty) {
                (_, "nat") => None,
                (Some("input"), _) => Some(Hook::Input),
                (Some("prerouting"), _) => Some(Hook::Prerouting),
                _ => None,
            }
            .map(|hook| BaseInfo {
                hook,
                prio: c.get("prio").and_then(Value::as_i64).unwrap_or(0) as i32,
                policy: c
                    .get("policy")
                    .and_then(Value::as_str)
                    .and_then(Verdict::parse)
                    .unwrap_or(Verdict::Accept),
            });
            // A hooked chain we do not evaluate (output, nat...) can still be a jump target.
            let hooked_elsewhere = c.get("hook").is_some() && base.is_none();
            if let Some(t) = tables
                .iter_mut()
                .find(|t| t.family == family && t.name == table)
            {
                if !hooked_elsewhere {
                    t.chains.push(Chain {
                        name: name.to_string(),
                        base,
                        rules: Vec::new(),
                    });
                }
            }
        } else if let Some(s) = item.get("set").or_else(|| item.get("map")) {
            let (family, table) = key(s);
            let name = s.get("name").and_then(Value::as_str).unwrap_or_default();
            let elems = s
                .get("elem")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            sets.insert((family, table, name.to_string()), elems);
        } else if let Some(r) = item.get("rule") {
            let (family, table) = key(r);
            let chain = r.get("chain").and_then(Value::as_str).unwrap_or_default();
            let handle = r.get("handle").and_then(Value::as_u64);
            let exprs = r
                .get("expr")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let set_lookup = |name: &str| sets.get(&(family.clone(), table.clone(), name.into()));
            let (conds, action) = nft_rule(&exprs, &set_lookup);
            let text = handle
                .and_then(|h| {
                    texts
                        .get(&(family.clone(), table.clone(), chain.to_string(), h))
                        .cloned()
                })
                .unwrap_or_else(|| {
                    render_nft_rule(&exprs, r.get("comment").and_then(Value::as_str))
                });
            if let Some(t) = tables
                .iter_mut()
                .find(|t| t.family == family && t.name == table)
            {
                if let Some(c) = t.chains.iter_mut().find(|c| c.name == chain) {
                    let index = c.rules.len() + 1;
                    c.rules.push(Rule {
                        conds,
                        action,
                        text,
                        handle,
                        index,
                    });
                }
            }
        }
    }
    Ok(tables)
}

type SetLookup<'a> = dyn Fn(&str) -> Option<&'a Vec<Value>> + 'a;

fn nft_rule(exprs: &[Value], sets: &SetLookup) -> (Vec<Cond>, Action) {
    let mut conds = Vec::new();
    for e in exprs {
        let Some((k, body)) = e.as_object().and_then(|o| o.iter().next()) else {
            continue;
        };
        match k.as_str() {
            "match" => conds.extend(nft_match(body, sets)),
            "xt" => {
                let ty = body.get("type").and_then(Value::as_str).unwrap_or("");
                let name = body.get("name").and_then(Value::as_str).unwrap_or("?");
                if ty == "target" {
                    let a = match name {
                        "REJECT" => Action::Verdict(Verdict::Reject),
                        "LOG" | "NFLOG" | "MARK" | "CONNMARK" | "CT" | "TRACE" | "AUDIT" => {
                            continue
                        }
                        n => Action::Opaque(format!("the iptables target {n}")),
                    };
                    return (conds, a);
                }
                conds.push(Cond::Unknown(format!("the iptables-nft match xt {name}")));
            }
            "accept" => return (conds, Action::Verdict(Verdict::Accept)),
            "drop" => return (conds, Action::Verdict(Verdict::Drop)),
            "reject" => return (conds, Action::Verdict(Verdict::Reject)),
            "return" => return (conds, Action::Return),
            "continue" => return (conds, Action::Continue),
            "jump" | "goto" => {
                let target = body
                    .get("target")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                return (
                    conds,
                    if k == "jump" {
                        Action::Jump(target)
                    } else {
                        Action::Goto(target)
                    },
                );
            }
            "queue" => return (conds, Action::Opaque("userspace (queue)".into())),
            "vmap" => {
                let Some(key) = body.get("key") else { continue };
                let Ok((sel, fam)) = nft_selector(key) else {
                    conds.push(Cond::Unknown(format!("a verdict map on {}", compact(key))));
                    return (conds, Action::Continue);
                };
                if let Some(f) = fam {
                    conds.push(Cond::Family(f));
                }
                let data = body.get("data");
                let entries_json: Vec<Value> =
                    match data.and_then(|d| d.get("set")).and_then(Value::as_array) {
                        Some(a) => a.clone(),
                        None => match data
                            .and_then(Value::as_str)
                            .and_then(|s| s.strip_prefix('@'))
                        {
                            Some(name) => sets(name).cloned().unwrap_or_default(),
                            None => Vec::new(),
                        },
                    };
                let mut entries = Vec::new();
                for pair in entries_json {
                    let pair = pair
                        .get("elem")
                        .and_then(|e| e.get("val"))
                        .cloned()
                        .unwrap_or(pair);
                    let Some(arr) = pair.as_array() else { continue };
                    if arr.len() != 2 {
                        continue;
                    }
                    let key = arr[0]
                        .get("elem")
                        .and_then(|e| e.get("val"))
                        .unwrap_or(&arr[0]);
                    let Some(pat) = nft_pattern(sel, key, sets) else {
                        continue;
                    };
                    let (_, act) = nft_rule(std::slice::from_ref(&arr[1]), sets);
                    entries.push((pat, act));
                }
                return (conds, Action::Vmap { sel, entries });
            }
            // `limit rate over` / `quota over` match only above their limit; a first packet
            // is not (and plain `limit rate` / `quota` match it).
            "limit" | "quota" if body.get("inv").and_then(Value::as_bool) == Some(true) => {
                conds.push(Cond::Const(false));
            }
            // counter, log, meta/ct set, notrack, mangle, set updates...: statements that
            // do not decide.
            _ => {}
        }
    }
    (conds, Action::Continue)
}

fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!("{}...", &s[..77])
    } else {
        s
    }
}

/// A left-hand expression -> selector (and an implied family).
fn nft_selector(left: &Value) -> Result<(Sel, Option<Family>), ()> {
    if let Some(p) = left.get("payload") {
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("");
        let field = p.get("field").and_then(Value::as_str).unwrap_or("");
        let req = match proto {
            "tcp" => L4Req::Only(Proto::Tcp),
            "udp" => L4Req::Only(Proto::Udp),
            "th" => L4Req::Any,
            "sctp" | "dccp" | "udplite" => L4Req::Never,
            _ => L4Req::Any,
        };
        return match (proto, field) {
            ("tcp" | "udp" | "th" | "sctp" | "dccp" | "udplite", "dport") => {
                Ok((Sel::DPort(req), None))
            }
            ("tcp" | "udp" | "th" | "sctp" | "dccp" | "udplite", "sport") => {
                Ok((Sel::SPort(req), None))
            }
            ("ip", "saddr") => Ok((Sel::SAddr(Some(Family::Ipv4)), Some(Family::Ipv4))),
            ("ip", "daddr") => Ok((Sel::DAddr(Some(Family::Ipv4)), Some(Family::Ipv4))),
            ("ip6", "saddr") => Ok((Sel::SAddr(Some(Family::Ipv6)), Some(Family::Ipv6))),
            ("ip6", "daddr") => Ok((Sel::DAddr(Some(Family::Ipv6)), Some(Family::Ipv6))),
            ("ip", "protocol") => Ok((Sel::L4Proto, Some(Family::Ipv4))),
            ("ip6", "nexthdr") => Ok((Sel::L4Proto, Some(Family::Ipv6))),
            _ => Err(()),
        };
    }
    if let Some(m) = left.get("meta") {
        return match m.get("key").and_then(Value::as_str).unwrap_or("") {
            "l4proto" => Ok((Sel::L4Proto, None)),
            "nfproto" => Ok((Sel::NfProto, None)),
            "iifname" | "iif" => Ok((Sel::Iif, None)),
            "oifname" | "oif" => Ok((Sel::Oif, None)),
            "pkttype" => Ok((Sel::PktType, None)),
            _ => Err(()),
        };
    }
    if let Some(c) = left.get("ct") {
        return match c.get("key").and_then(Value::as_str).unwrap_or("") {
            "state" => Ok((Sel::CtState, None)),
            _ => Err(()),
        };
    }
    if let Some(f) = left.get("fib") {
        let result = f.get("result").and_then(Value::as_str).unwrap_or("");
        let flags: Vec<&str> = f
            .get("flags")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if result == "type" && flags.contains(&"daddr") {
            return Ok((Sel::AddrType(true), None));
        }
        if result == "type" && flags.contains(&"saddr") {
            return Ok((Sel::AddrType(false), None));
        }
    }
    Err(())
}

fn nft_match(body: &Value, sets: &SetLookup) -> Vec<Cond> {
    let op = body.get("op").and_then(Value::as_str).unwrap_or("==");
    let (Some(left), Some(right)) = (body.get("left"), body.get("right")) else {
        return vec![Cond::Unknown("a match without operands".into())];
    };
    // tcp flags [& mask] op value
    let flags_payload = |v: &Value| {
        v.get("payload").is_some_and(|p| {
            p.get("protocol") == Some(&Value::from("tcp"))
                && p.get("field") == Some(&Value::from("flags"))
        })
    };
    if flags_payload(left)
        || left
            .get("&")
            .and_then(Value::as_array)
            .is_some_and(|a| a.first().is_some_and(flags_payload))
    {
        let mask = left
            .get("&")
            .and_then(Value::as_array)
            .and_then(|a| a.get(1))
            .map(nft_flag_bits)
            .unwrap_or(0xFF);
        let val = nft_flag_bits(right);
        return vec![match op {
            "in" => Cond::TcpFlags {
                mask: val & mask,
                comp: 0,
                any: true,
                neg: false,
            },
            "==" => Cond::TcpFlags {
                mask,
                comp: val,
                any: false,
                neg: false,
            },
            "!=" => Cond::TcpFlags {
                mask,
                comp: val,
                any: false,
                neg: true,
            },
            _ => Cond::Unknown(format!("tcp flags {op}")),
        }];
    }
    let Ok((sel, fam)) = nft_selector(left) else {
        return vec![Cond::Unknown(compact(left))];
    };
    let mut out = Vec::new();
    if let Some(f) = fam {
        out.push(Cond::Family(f));
    }
    let (neg, pat) = match op {
        "==" | "in" => (false, nft_pattern(sel, right, sets)),
        "!=" => (true, nft_pattern(sel, right, sets)),
        "<" | ">" | "<=" | ">=" if matches!(sel, Sel::DPort(_) | Sel::SPort(_)) => {
            let n = right.as_u64().map(|n| n.min(65535) as u16);
            let r = n.and_then(|n| match op {
                "<" => n.checked_sub(1).map(|m| (0, m)),
                "<=" => Some((0, n)),
                ">" => n.checked_add(1).map(|m| (m, 65535)),
                _ => Some((n, 65535)),
            });
            (false, Some(Pat::Ports(r.into_iter().collect())))
        }
        _ => (false, None),
    };
    match pat {
        Some(pat) => out.push(Cond::Match { sel, neg, pat }),
        None => out.push(Cond::Unknown(format!(
            "{} {op} {}",
            compact(left),
            compact(right)
        ))),
    }
    // `tcp dport` already implies the protocol; an inet `ip saddr` implies IPv4 (above).
    out
}

fn nft_flag_bits(v: &Value) -> u8 {
    match v {
        Value::String(s) => tcp_flag_bits(s),
        Value::Array(a) => a.iter().map(nft_flag_bits).fold(0, |x, y| x | y),
        Value::Number(n) => n.as_u64().unwrap_or(0) as u8,
        Value::Object(o) => o.get("|").map(nft_flag_bits).unwrap_or(0),
        _ => 0,
    }
}

/// The right-hand side of a match for `sel`.
fn nft_pattern(sel: Sel, right: &Value, sets: &SetLookup) -> Option<Pat> {
    // Named set.
    if let Some(name) = right.as_str().and_then(|s| s.strip_prefix('@')) {
        return match sets(name) {
            Some(elems) => nft_pattern(sel, &Value::Array(elems.clone()), sets),
            None => Some(Pat::SetRef(name.to_string())),
        };
    }
    let items: Vec<&Value> = match right {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) if o.contains_key("set") => o
            .get("set")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        v => vec![v],
    };
    let items: Vec<&Value> = items
        .into_iter()
        .map(|v| v.get("elem").and_then(|e| e.get("val")).unwrap_or(v))
        .collect();
    match sel {
        Sel::DPort(_) | Sel::SPort(_) | Sel::EitherPort(_) => {
            let mut ports = Vec::new();
            for it in items {
                if let Some(r) = it.get("range").and_then(Value::as_array) {
                    let a = nft_port(r.first()?)?;
                    let b = nft_port(r.get(1)?)?;
                    ports.push((a.min(b), a.max(b)));
                } else {
                    let p = nft_port(it)?;
                    ports.push((p, p));
                }
            }
            Some(Pat::Ports(ports))
        }
        Sel::SAddr(_) | Sel::DAddr(_) => {
            let mut addrs = Vec::new();
            for it in items {
                if let Some(p) = it.get("prefix") {
                    let ip: IpAddr = p.get("addr")?.as_str()?.parse().ok()?;
                    let len = p.get("len")?.as_u64()? as u8;
                    addrs.push(AddrRange::prefix(ip, len));
                } else if let Some(r) = it.get("range").and_then(Value::as_array) {
                    let a: IpAddr = r.first()?.as_str()?.parse().ok()?;
                    let b: IpAddr = r.get(1)?.as_str()?.parse().ok()?;
                    let lo = AddrRange::prefix(a, 128);
                    let hi = AddrRange::prefix(b, 128);
                    addrs.push(AddrRange {
                        v6: lo.v6,
                        lo: lo.lo,
                        hi: hi.hi,
                    });
                } else {
                    let ip: IpAddr = it.as_str()?.parse().ok()?;
                    addrs.push(AddrRange::prefix(ip, 128));
                }
            }
            Some(Pat::Addrs(addrs))
        }
        _ => {
            let mut words = Vec::new();
            for it in items {
                match it {
                    Value::String(s) => words.push(s.clone()),
                    Value::Number(n) => words.push(n.to_string()),
                    _ => return None,
                }
            }
            Some(Pat::Words(words))
        }
    }
}

fn nft_port(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().filter(|n| *n <= 65535).map(|n| n as u16),
        Value::String(s) => port_value(s),
        _ => None,
    }
}

/// A readable rendering of a rule's JSON, for when `nft -a` text is not available.
fn render_nft_rule(exprs: &[Value], comment: Option<&str>) -> String {
    let mut parts = Vec::new();
    for e in exprs {
        let Some((k, body)) = e.as_object().and_then(|o| o.iter().next()) else {
            continue;
        };
        match k.as_str() {
            "match" => {
                let op = body.get("op").and_then(Value::as_str).unwrap_or("==");
                let l = render_expr(body.get("left").unwrap_or(&Value::Null));
                let r = render_expr(body.get("right").unwrap_or(&Value::Null));
                if op == "==" || op == "in" {
                    parts.push(format!("{l} {r}"));
                } else {
                    parts.push(format!("{l} {op} {r}"));
                }
            }
            "jump" | "goto" => parts.push(format!(
                "{k} {}",
                body.get("target").and_then(Value::as_str).unwrap_or("?")
            )),
            "counter" => parts.push("counter".into()),
            "vmap" => parts.push(format!(
                "{} vmap {}",
                render_expr(body.get("key").unwrap_or(&Value::Null)),
                compact(body.get("data").unwrap_or(&Value::Null))
            )),
            "reject" if body.is_object() => {
                let ty = body.get("type").and_then(Value::as_str).unwrap_or("");
                let ex = body.get("expr").and_then(Value::as_str).unwrap_or("");
                parts.push(format!("reject with {ty} {ex}").trim().to_string());
            }
            "xt" => parts.push(format!(
                "xt {} {}",
                body.get("type").and_then(Value::as_str).unwrap_or(""),
                body.get("name").and_then(Value::as_str).unwrap_or("")
            )),
            k => parts.push(k.to_string()),
        }
    }
    if let Some(c) = comment {
        parts.push(format!("comment \"{c}\""));
    }
    parts.join(" ")
}

fn render_expr(v: &Value) -> String {
    if let Some(p) = v.get("payload") {
        return format!(
            "{} {}",
            p.get("protocol").and_then(Value::as_str).unwrap_or("?"),
            p.get("field").and_then(Value::as_str).unwrap_or("?")
        );
    }
    if let Some(m) = v.get("meta") {
        return format!(
            "meta {}",
            m.get("key").and_then(Value::as_str).unwrap_or("?")
        );
    }
    if let Some(c) = v.get("ct") {
        return format!("ct {}", c.get("key").and_then(Value::as_str).unwrap_or("?"));
    }
    if let Some(r) = v.get("range").and_then(Value::as_array) {
        return format!(
            "{}-{}",
            r.first().map(render_expr).unwrap_or_default(),
            r.get(1).map(render_expr).unwrap_or_default()
        );
    }
    if let Some(p) = v.get("prefix") {
        return format!(
            "{}/{}",
            p.get("addr").and_then(Value::as_str).unwrap_or("?"),
            p.get("len").and_then(Value::as_u64).unwrap_or(0)
        );
    }
    if let Some(s) = v.get("set").and_then(Value::as_array) {
        return format!(
            "{{ {} }}",
            s.iter().map(render_expr).collect::<Vec<_>>().join(", ")
        );
    }
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a.iter().map(render_expr).collect::<Vec<_>>().join(","),
        other => compact(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(proto: Proto, dport: u16) -> Packet {
        Packet {
            family: Family::Ipv4,
            proto,
            dport,
            sport: None,
            saddr: None,
            daddr: Some("10.200.1.1".parse().unwrap()),
            iif: "eth0".into(),
        }
    }

    const IPT: &str = "# Generated by iptables-save v1.8.9 (nf_tables) on Wed Nov 25 12:34:13 2026
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:voip - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p udp -m udp --dport 5060 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 8088 -m comment --comment \"ari \\\"here\\\"\" -j REJECT --reject-with tcp-reset
-A INPUT -p udp -m multiport --dports 16384:32768 -j voip
-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p tcp -m recent --name x --rcheck -j DROP
-A voip -p udp -m udp --dport 20000:24999 -j DROP
-A voip -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 1.2.3.4
COMMIT
";

    #[test]
    fn iptables_rules_decide_in_order_with_jumps_and_policy() {
        let rs = Ruleset::from_iptables_save(IPT, false);
        assert!(rs.warnings.is_empty(), "{:?}", rs.warnings);
        let d = rs.evaluate(&pkt(Proto::Udp, 5060));
        assert_eq!(d.verdict, Verdict::Accept);
        assert_eq!(
            d.deciding(),
            "iptables filter INPUT rule 3: -A INPUT -p udp -m udp --dport 5060 -j ACCEPT"
        );
        let d = rs.evaluate(&pkt(Proto::Tcp, 8088));
        assert_eq!(d.verdict, Verdict::Reject);
        assert!(d.deciding().contains("rule 4"), "{}", d.deciding());
        // The rule is shown as iptables-save prints it.
        assert!(
            d.deciding().contains(r#"--comment "ari \"here\"""#),
            "{}",
            d.deciding()
        );
        // TCP 8000: the `recent` rule is skipped (noted), then the policy drops.
        let d = rs.evaluate(&pkt(Proto::Tcp, 8000));
        assert_eq!(d.verdict, Verdict::Drop);
        assert_eq!(d.deciding(), "iptables filter INPUT: policy DROP");
        assert!(d.uncertain());
        assert!(
            d.assumptions[0].contains("-m recent"),
            "{:?}",
            d.assumptions
        );
        // From loopback everything is accepted by rule 1.
        let mut lo = pkt(Proto::Tcp, 8000);
        lo.iif = "lo".into();
        let d = rs.evaluate(&lo);
        assert_eq!(d.verdict, Verdict::Accept);
        assert!(d.deciding().contains("rule 1: -A INPUT -i lo -j ACCEPT"));
        // A source-restricted rule is not assumed to match an unknown caller...
        let d = rs.evaluate(&pkt(Proto::Tcp, 22));
        assert!(d.assumptions.iter().any(|a| a.contains("source address")));
        // ...but matches a known one.
        let mut from = pkt(Proto::Tcp, 22);
        from.saddr = Some("10.1.2.3".parse().unwrap());
        assert_eq!(rs.evaluate(&from).verdict, Verdict::Accept);
        from.saddr = Some("192.0.2.1".parse().unwrap());
        assert_eq!(rs.evaluate(&from).verdict, Verdict::Drop);
    }

    #[test]
    fn ranges_split_into_open_and_closed_stretches() {
        let rs = Ruleset::from_iptables_save(IPT, false);
        let r = rs.evaluate_range(&pkt(Proto::Udp, 0), 16384, 32768);
        let labels: Vec<(String, Verdict)> =
            r.iter().map(|s| (s.label(), s.decision.verdict)).collect();
        assert_eq!(
            labels,
            vec![
                ("16384-19999".into(), Verdict::Accept),
                ("20000-24999".into(), Verdict::Drop),
                ("25000-32768".into(), Verdict::Accept),
            ]
        );
        assert!(r[1].decision.deciding().contains("voip rule 1"));
        assert!(r[0]
            .decision
            .deciding()
            .contains("voip rule 2: -A voip -j ACCEPT"));
    }

    #[test]
    fn goto_return_and_syn_matches() {
        let t = "*filter
:INPUT DROP [0:0]
:a - [0:0]
:b - [0:0]
-A INPUT -p tcp --syn -g a
-A INPUT -p tcp -j ACCEPT
-A a -p tcp --dport 1:100 -j RETURN
-A a -p tcp -j b
-A b -p tcp --dport 200 -j ACCEPT
COMMIT
";
        let rs = Ruleset::from_iptables_save(t, false);
        // 50: goto a, RETURN from a returns from INPUT too -> policy DROP (not rule 2).
        assert_eq!(rs.evaluate(&pkt(Proto::Tcp, 50)).verdict, Verdict::Drop);
        assert_eq!(rs.evaluate(&pkt(Proto::Tcp, 200)).verdict, Verdict::Accept);
        assert_eq!(rs.evaluate(&pkt(Proto::Tcp, 300)).verdict, Verdict::Drop);
    }

    fn nft_fixture() -> String {
        serde_json::json!({"nftables": [
            {"metainfo": {"json_schema_version": 1}},
            {"table": {"family": "inet", "name": "filter", "handle": 1}},
            {"set": {"family": "inet", "name": "rtpok", "table": "filter", "type": "inet_service",
                     "flags": ["interval"], "elem": [{"range": [16384, 19999]}]}},
            {"chain": {"family": "inet", "table": "filter", "name": "rtpchain", "handle": 1}},
            {"chain": {"family": "inet", "table": "filter", "name": "input", "handle": 2,
                       "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
            {"rule": {"family": "inet", "table": "filter", "chain": "rtpchain", "handle": 4, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
                           "right": {"range": [25000, 26000]}}}, {"drop": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "rtpchain", "handle": 5,
                      "expr": [{"return": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 6, "expr": [
                {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"}}, {"accept": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 7, "expr": [
                {"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}},
                {"accept": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 9, "expr": [
                {"vmap": {"key": {"ct": {"key": "state"}}, "data": {"set": [["invalid", {"drop": null}]]}}}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 10, "comment": "sip",
                      "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
                                          "right": 5060}}, {"accept": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 12, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                           "right": {"set": [8000, 8088]}}}, {"reject": {"type": "tcp reset"}}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 13, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
                           "right": "@rtpok"}}, {"accept": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 14, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
                           "right": {"range": [20000, 30000]}}}, {"jump": {"target": "rtpchain"}}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 15, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                           "right": {"prefix": {"addr": "10.0.0.0", "len": 8}}}},
                {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}},
                {"accept": null}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 19, "expr": [
                {"vmap": {"key": {"payload": {"protocol": "tcp", "field": "dport"}},
                          "data": {"set": [[7, {"drop": null}], [{"range": [1000, 1010]}, {"accept": null}]]}}}]}},
            {"rule": {"family": "inet", "table": "filter", "chain": "input", "handle": 20, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
                           "right": {"range": [20000, 32768]}}}, {"accept": null}]}}
        ]})
        .to_string()
    }

    #[test]
    fn nft_json_rules_sets_vmaps_and_chains() {
        let json = nft_fixture();
        let text = "table inet filter { # handle 1
\tset rtpok { # handle 3
\t\ttype inet_service
\t\telements = { 16384-19999 }
\t}
\tchain input { # handle 2
\t\ttype filter hook input priority filter; policy drop;
\t\tudp dport 5060 accept comment \"sip\" # handle 10
\t}
}
";
        let texts = parse_nft_text_handles(text);
        let rs = Ruleset::from_sources(&Sources {
            nft_json: Some(&json),
            nft_text: Some(text),
            ..Default::default()
        });
        let d = rs.evaluate(&pkt(Proto::Udp, 5060));
        assert_eq!(d.verdict, Verdict::Accept);
        assert_eq!(
            d.deciding(),
            "nft inet filter input: udp dport 5060 accept comment \"sip\" (handle 10)"
        );
        assert_eq!(texts.len(), 1);
        let d = rs.evaluate(&pkt(Proto::Tcp, 8088));
        assert_eq!(d.verdict, Verdict::Reject);
        assert!(
            d.deciding().contains("tcp dport { 8000, 8088 } reject"),
            "{}",
            d.deciding()
        );
        assert_eq!(rs.evaluate(&pkt(Proto::Tcp, 7)).verdict, Verdict::Drop);
        assert_eq!(rs.evaluate(&pkt(Proto::Tcp, 1005)).verdict, Verdict::Accept);
        assert_eq!(
            rs.evaluate(&pkt(Proto::Tcp, 9)).deciding(),
            "nft inet filter input: policy drop"
        );
        let r = rs.evaluate_range(&pkt(Proto::Udp, 0), 16384, 32768);
        let labels: Vec<(String, Verdict)> =
            r.iter().map(|s| (s.label(), s.decision.verdict)).collect();
        assert_eq!(
            labels,
            vec![
                ("16384-19999".into(), Verdict::Accept),
                ("20000-24999".into(), Verdict::Accept),
                ("25000-26000".into(), Verdict::Drop),
                ("26001-32768".into(), Verdict::Accept),
            ]
        );
        assert!(r[2]
            .decision
            .deciding()
            .starts_with("nft inet filter rtpchain: udp dport 25000-26000 drop"));
        // IPv6 packets: the ip saddr rule requires IPv4 and is skipped without assumptions.
        let mut v6 = pkt(Proto::Tcp, 22);
        v6.family = Family::Ipv6;
        let d = rs.evaluate(&v6);
        assert_eq!(d.verdict, Verdict::Drop);
        assert!(d.assumptions.is_empty(), "{:?}", d.assumptions);
    }

    #[test]
    fn base_chains_are_chained_accept_continues_drop_ends() {
        let json = serde_json::json!({"nftables": [
            {"table": {"family": "inet", "name": "a"}},
            {"chain": {"family": "inet", "table": "a", "name": "in", "type": "filter", "hook": "input", "prio": -10, "policy": "accept"}},
            {"rule": {"family": "inet", "table": "a", "chain": "in", "handle": 3, "expr": [
                {"match": {"op": "==", "left": {"payload": {"protocol": "th", "field": "dport"}}, "right": 5060}}, {"accept": null}]}},
            {"table": {"family": "ip", "name": "b"}},
            {"chain": {"family": "ip", "table": "b", "name": "in", "type": "filter", "hook": "input", "prio": 10, "policy": "drop"}},
            {"table": {"family": "ip", "name": "n"}},
            {"chain": {"family": "ip", "table": "n", "name": "pre", "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}
        ]})
        .to_string();
        let rs = Ruleset::from_nft_json(&json).unwrap();
        let d = rs.evaluate(&pkt(Proto::Udp, 5060));
        assert_eq!(
            d.verdict,
            Verdict::Drop,
            "an accept in one base chain does not skip the next"
        );
        assert_eq!(d.deciding(), "nft ip b in: policy drop");
        let blocking = rs.blocking_chains(&pkt(Proto::Udp, 9));
        assert_eq!(blocking.len(), 1);
        // IPv6: only the inet chain applies.
        let mut v6 = pkt(Proto::Udp, 5060);
        v6.family = Family::Ipv6;
        let d = rs.evaluate(&v6);
        assert_eq!(d.verdict, Verdict::Accept);
        assert_eq!(
            d.deciding(),
            "nft inet a in: th dport 5060 accept (handle 3)"
        );
        // No base chains at all.
        let empty = Ruleset::from_nft_json(r#"{"nftables":[]}"#).unwrap();
        assert!(empty.is_empty());
        assert_eq!(
            empty.evaluate(&pkt(Proto::Udp, 1)).describe(),
            "ACCEPT: no rule filters incoming packets"
        );
    }

    #[test]
    fn iptables_nft_tables_come_from_iptables_save_not_xt_json() {
        let json = serde_json::json!({"nftables": [
            {"table": {"family": "ip", "name": "filter"}},
            {"chain": {"family": "ip", "table": "filter", "name": "INPUT", "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
            {"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 2, "expr": [
                {"xt": {"type": "match", "name": "multiport"}}, {"accept": null}]}}
        ]})
        .to_string();
        let ipt = "# Generated by iptables-save v1.8.9 (nf_tables)\n*filter\n:INPUT DROP [0:0]\n-A INPUT -p udp -m multiport --dports 5060,16384:17000 -j ACCEPT\nCOMMIT\n";
        let rs = Ruleset::from_sources(&Sources {
            nft_json: Some(&json),
            iptables: Some(ipt),
            ..Default::default()
        });
        let d = rs.evaluate(&pkt(Proto::Udp, 16500));
        assert_eq!(d.verdict, Verdict::Accept);
        assert!(d.assumptions.is_empty());
        assert!(d.deciding().starts_with("iptables filter INPUT rule 1"));
        // Without iptables-save the xt match is an assumption, not a guess.
        let only = Ruleset::from_nft_json(&json).unwrap();
        let d = only.evaluate(&pkt(Proto::Udp, 16500));
        assert_eq!(d.verdict, Verdict::Drop);
        assert!(d.uncertain());
    }

    #[test]
    fn ufw_chains_are_evaluated_and_fixed_with_ufw() {
        let t = "*filter
:INPUT DROP [0:0]
:ufw-before-input - [0:0]
:ufw-user-input - [0:0]
:ufw-not-local - [0:0]
-A INPUT -j ufw-before-input
-A ufw-before-input -i lo -j ACCEPT
-A ufw-before-input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A ufw-before-input -m conntrack --ctstate INVALID -j DROP
-A ufw-before-input -p udp -m udp --sport 67 --dport 68 -j ACCEPT
-A ufw-before-input -j ufw-not-local
-A ufw-before-input -p udp -d 224.0.0.251/32 --dport 5353 -j ACCEPT
-A ufw-before-input -j ufw-user-input
-A ufw-not-local -m addrtype --dst-type LOCAL -j RETURN
-A ufw-not-local -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix \"[UFW BLOCK] \"
-A ufw-not-local -j DROP
-A ufw-user-input -p tcp -m tcp --dport 22 -j ACCEPT
-A ufw-user-input -p udp -m udp --dport 5060 -j ACCEPT
COMMIT
";
        let rs = Ruleset::from_iptables_save(t, false);
        assert_eq!(rs.evaluate(&pkt(Proto::Udp, 5060)).verdict, Verdict::Accept);
        let d = rs.evaluate(&pkt(Proto::Udp, 16384));
        assert_eq!(d.verdict, Verdict::Drop);
        assert!(d.assumptions.is_empty(), "{:?}", d.assumptions);
        let b = &rs.blocking_chains(&pkt(Proto::Udp, 16384))[0];
        assert!(b.ufw);
        assert_eq!(
            fix_command(b, Proto::Udp, 16384, 32768),
            "ufw allow 16384:32768/udp"
        );
    }

    #[test]
    fn fixes_insert_an_accept_at_the_top_of_the_base_chain() {
        let rs = Ruleset::from_iptables_save(IPT, false);
        let b = &rs.blocking_chains(&pkt(Proto::Udp, 20000))[0];
        assert_eq!(b.base_chain, "INPUT");
        assert_eq!(
            fix_command(b, Proto::Udp, 20000, 24999),
            "iptables -I INPUT 1 -p udp --dport 20000:24999 -j ACCEPT"
        );
        let rs = Ruleset::from_nft_json(&nft_fixture()).unwrap();
        let b = &rs.blocking_chains(&pkt(Proto::Tcp, 8088))[0];
        assert_eq!(
            fix_command(b, Proto::Tcp, 8088, 8088),
            "nft insert rule inet filter input tcp dport 8088 accept"
        );
    }

    #[test]
    fn shell_words_handle_quotes() {
        assert_eq!(
            shell_words(r#"-A X -m comment --comment "a \"b\" c" -j DROP"#),
            vec![
                "-A",
                "X",
                "-m",
                "comment",
                "--comment",
                "a \"b\" c",
                "-j",
                "DROP"
            ]
        );
    }

    #[test]
    fn negations_and_multiport_lists() {
        let t = "*filter
:INPUT ACCEPT [0:0]
-A INPUT -p udp -m multiport ! --dports 5060,10000:20000 -j DROP
-A INPUT ! -i eth+ -j DROP
COMMIT
";
        let rs = Ruleset::from_iptables_save(t, false);
        assert_eq!(
            rs.evaluate(&pkt(Proto::Udp, 15000)).verdict,
            Verdict::Accept
        );
        assert_eq!(rs.evaluate(&pkt(Proto::Udp, 9999)).verdict, Verdict::Drop);
        let mut other = pkt(Proto::Tcp, 1);
        other.iif = "wlan0".into();
        assert_eq!(rs.evaluate(&other).verdict, Verdict::Drop);
        assert_eq!(rs.evaluate(&pkt(Proto::Tcp, 1)).verdict, Verdict::Accept);
    }
}
