//! The `nft -j list ruleset` (JSON) parser, and rule texts from `nft -a list ruleset`.

use super::*;

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

pub(super) fn parse_nft_json(
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

pub(super) type SetLookup<'a> = dyn Fn(&str) -> Option<&'a Vec<Value>> + 'a;

pub(super) fn nft_rule(exprs: &[Value], sets: &SetLookup) -> (Vec<Cond>, Action) {
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

pub(super) fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 80 {
        format!("{}...", &s[..77])
    } else {
        s
    }
}

/// A left-hand expression -> selector (and an implied family).
pub(super) fn nft_selector(left: &Value) -> Result<(Sel, Option<Family>), ()> {
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

pub(super) fn nft_match(body: &Value, sets: &SetLookup) -> Vec<Cond> {
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

pub(super) fn nft_flag_bits(v: &Value) -> u8 {
    match v {
        Value::String(s) => tcp_flag_bits(s),
        Value::Array(a) => a.iter().map(nft_flag_bits).fold(0, |x, y| x | y),
        Value::Number(n) => n.as_u64().unwrap_or(0) as u8,
        Value::Object(o) => o.get("|").map(nft_flag_bits).unwrap_or(0),
        _ => 0,
    }
}

/// The right-hand side of a match for `sel`.
pub(super) fn nft_pattern(sel: Sel, right: &Value, sets: &SetLookup) -> Option<Pat> {
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

pub(super) fn nft_port(v: &Value) -> Option<u16> {
    match v {
        Value::Number(n) => n.as_u64().filter(|n| *n <= 65535).map(|n| n as u16),
        Value::String(s) => port_value(s),
        _ => None,
    }
}

/// A readable rendering of a rule's JSON, for when `nft -a` text is not available.
pub(super) fn render_nft_rule(exprs: &[Value], comment: Option<&str>) -> String {
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

pub(super) fn render_expr(v: &Value) -> String {
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
