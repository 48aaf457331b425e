//! The `iptables-save` / `ip6tables-save` parser (which also covers ufw's chains).

use super::*;

// ----- iptables-save -----

/// Split a line like a shell: whitespace separates, double quotes group, `\"` escapes.
pub(super) fn shell_words(line: &str) -> Vec<String> {
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

pub(super) fn builtin_base(table: &str, chain: &str) -> Option<(Hook, i32)> {
    match (table, chain) {
        ("raw", "PREROUTING") => Some((Hook::Prerouting, -300)),
        ("mangle", "PREROUTING") => Some((Hook::Prerouting, -150)),
        ("mangle", "INPUT") => Some((Hook::Input, -150)),
        ("filter", "INPUT") => Some((Hook::Input, 0)),
        ("security", "INPUT") => Some((Hook::Input, 50)),
        _ => None,
    }
}

pub(super) fn parse_iptables_save(text: &str, backend: Backend) -> (Vec<Table>, Vec<String>) {
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

pub(super) fn parse_port_spec(s: &str) -> Option<(u16, u16)> {
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

pub(super) fn port_value(s: &str) -> Option<u16> {
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

pub(super) fn parse_ports_list(s: &str) -> Option<Vec<(u16, u16)>> {
    s.split(',').map(parse_port_spec).collect()
}

pub(super) fn parse_addr_list(s: &str) -> Option<Vec<AddrRange>> {
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

pub(super) fn tcp_flag_bits(s: &str) -> u8 {
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
pub(super) const KNOWN_MODULES: &[&str] = &[
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

pub(super) fn parse_iptables_rule(
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
