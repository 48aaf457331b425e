//! Evaluating a packet against the ruleset the way the kernel does: base chains in hook and
//! priority order, jumps, gotos and returns, ACCEPT/DROP/REJECT, then the policy; port ranges
//! split on every boundary a rule mentions.

use super::*;

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tri {
    Yes,
    No,
    Unknown(String),
}

pub(super) const SYN: u8 = 0x02;
pub(super) const MAX_DEPTH: usize = 64;

pub(super) enum Flow {
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

pub(super) fn rule_ports(r: &Rule) -> Vec<(u16, u16)> {
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

pub(super) struct EvalCtx<'a, 'b> {
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

pub(super) fn tri(b: bool) -> Tri {
    if b {
        Tri::Yes
    } else {
        Tri::No
    }
}

pub(super) fn ports_contain(pat: &Pat, port: u16) -> bool {
    match pat {
        Pat::Ports(list) => list.iter().any(|(a, b)| (*a..=*b).contains(&port)),
        _ => false,
    }
}

pub(super) fn words_contain(pat: &Pat, any_of: &[&str]) -> bool {
    match pat {
        Pat::Words(w) => w
            .iter()
            .any(|x| any_of.iter().any(|y| x.eq_ignore_ascii_case(y))),
        _ => false,
    }
}

/// Interface names; a trailing `+` (iptables) or `*` (nft) is a prefix wildcard.
pub(super) fn names_match(pat: &Pat, name: &str) -> bool {
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
