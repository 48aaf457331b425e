//! Reachability from a peer: which RTP ports to probe (`choose_samples`) and what the
//! reflector's answers say (`judge_reachability`).

use super::*;

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
