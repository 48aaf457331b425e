//! What the host's firewall does to each service's packets (`judge_firewall`).

use super::*;

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
