//! The network checks that `check-firewall` runs and `doctor` summarizes: flags resolved into
//! [`NetOptions`], then listeners, the ruleset, STUN and the reflector's probes gathered and
//! handed to the core's judges (`core::checks`, `core::firewall_checks`). Shared by both
//! commands, so neither imports the other.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::NetCheckArgs;
use crate::error::{Error, Result};
use crate::io::netcheck::{self, ProbeRequest, ProbeSpec};
use crate::ui::check_views::CheckReport;
use crate::ui::progress;
use vcctl_core::ari::asterisk_conf::{self, HttpConf, PjsipTransport, RtpConf};
use vcctl_core::checks::firewall::{
    agent_media_phrase, failed_sentence, probe_outcome, rtp_range, ProbeKind, ProbeSide, RtpChoice,
};
use vcctl_core::checks::procnet::{listeners_in, Listener, Proto};
use vcctl_core::checks::verdicts::{
    choose_samples, judge_firewall, judge_listening, judge_nat, judge_reachability, judge_rtp_conf,
    CheckRow, Expect, NatInputs, PortSpec, ProbeOutcome, PublicAddress, Service, Status,
};
use vcctl_core::netfilter::{Family, Packet, Ruleset};

/// Resolved options of the network checks.
#[derive(Debug, Clone)]
pub struct NetOptions {
    pub sip: Option<PortSpec>,
    pub ari: Option<PortSpec>,
    pub api: Option<PortSpec>,
    pub rtp: RtpChoice,
    /// Asterisk's configuration directory, and where that came from.
    pub conf_dir: (PathBuf, String),
    /// `None`: STUN disabled.
    pub stun: Option<String>,
    pub external_ip: Option<IpAddr>,
    pub peer: Option<String>,
    pub interface: Option<String>,
    pub expect: Expect,
    pub family: Family,
    pub samples: usize,
    /// How serve's media reaches Asterisk (`serve --transport`).
    pub transport: crate::cli::TransportArg,
}

fn port_flag(v: Option<&str>, default: PortSpec, flag: &str) -> Result<Option<PortSpec>> {
    match v {
        None => Ok(Some(default)),
        Some(s) if s.eq_ignore_ascii_case("none") => Ok(None),
        Some(s) => PortSpec::parse_with(s, default.proto)
            .map(Some)
            .map_err(|e| Error::Usage(format!("--{flag} {s}: {e}"))),
    }
}

impl NetOptions {
    /// From the flags; `ari_default`/`api_default` differ between check-firewall and doctor.
    pub fn from_args(
        a: &NetCheckArgs,
        ari_default: PortSpec,
        api_default: PortSpec,
    ) -> Result<Self> {
        let rtp = match a.rtp.as_deref() {
            None => RtpChoice::FromConf,
            Some(s) if s.eq_ignore_ascii_case("none") => RtpChoice::Skip,
            Some(s) => RtpChoice::Given(
                PortSpec::parse_with(s, Proto::Udp)
                    .map_err(|e| Error::Usage(format!("--rtp {s}: {e}")))?,
            ),
        };
        if a.transport == crate::cli::TransportArg::Websocket
            && a.ari
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("none"))
        {
            return Err(Error::Usage(
                "--transport websocket carries the agent leg's media over the ARI port: do not skip it with --ari none".into(),
            ));
        }
        let stun = Some(a.stun.trim().to_string())
            .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("none"));
        if let Some(s) = &stun {
            if !s.contains(':') {
                return Err(Error::Usage(format!(
                    "--stun {s}: give HOST:PORT, e.g. stun.l.google.com:19302, or none"
                )));
            }
        }
        Ok(NetOptions {
            sip: port_flag(a.sip.as_deref(), PortSpec::single(5060, Proto::Udp), "sip")?,
            ari: port_flag(a.ari.as_deref(), ari_default, "ari")?,
            api: port_flag(a.api.as_deref(), api_default, "api")?,
            rtp,
            conf_dir: match &a.asterisk_config {
                Some(d) => (d.clone(), "--asterisk-config".into()),
                None => netcheck::asterisk_config_dir(&netcheck::read_listeners().0),
            },
            stun,
            external_ip: a.external_ip,
            peer: a.peer.clone(),
            interface: a.interface.clone(),
            expect: Expect {
                external_callers: !a.local_only,
                remote_clients: a.remote_clients,
                // Set from the listeners found, in network_checks.
                loopback_by_design: false,
            },
            family: if a.ipv6 { Family::Ipv6 } else { Family::Ipv4 },
            samples: a.samples as usize,
            transport: a.transport,
        })
    }
}

/// Exit code 8 when any row failed (WARN alone is success).
pub fn fail_if_failed(report: &CheckReport) -> Result<()> {
    if report.status == Status::Fail {
        return Err(Error::ChecksFailed(failed_sentence(
            &report.command,
            &report.failures(),
        )));
    }
    Ok(())
}

/// Rows and the facts they were computed from.
pub struct NetChecks {
    pub rows: Vec<CheckRow>,
    pub context: BTreeMap<String, String>,
    /// The RTP range checked (doctor reports it with rtp.conf).
    pub rtp: Option<PortSpec>,
}

/// Asterisk's configuration as the checks need it.
pub struct AsteriskConfig {
    pub transports: std::result::Result<Vec<PjsipTransport>, String>,
    pub rtp: std::result::Result<RtpConf, String>,
    pub http: std::result::Result<HttpConf, String>,
}

pub fn read_asterisk_config(dir: &Path) -> AsteriskConfig {
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    let parse = |file: &str| {
        asterisk_conf::parse_file(dir, file, &read)
            .ok_or_else(|| format!("could not read {}", dir.join(file).display()))
    };
    AsteriskConfig {
        transports: parse("pjsip.conf").map(|c| asterisk_conf::pjsip_transports(&c)),
        rtp: parse("rtp.conf").map(|c| asterisk_conf::rtp_conf(&c)),
        http: parse("http.conf").map(|c| asterisk_conf::http_conf(&c)),
    }
}

/// Run every network check of `o`. `show_progress` draws a bar while probing (on a TTY).
pub async fn network_checks(o: &NetOptions, show_progress: bool) -> NetChecks {
    let mut context = BTreeMap::new();
    let conf = read_asterisk_config(&o.conf_dir.0);
    context.insert(
        "asterisk config".into(),
        format!("{} ({})", o.conf_dir.0.display(), o.conf_dir.1),
    );

    // The services and their ports.
    let rtp_choice = rtp_range(o.rtp, conf.rtp.as_ref());
    let rtp = rtp_choice.map(|(p, _)| p);
    let rtp_from_flag = matches!(o.rtp, RtpChoice::Given(_));
    if let Some((r, from)) = rtp_choice {
        context.insert("rtp range".into(), format!("{r} ({from})"));
    }
    // Which port carries the agent leg's media between Asterisk and serve.
    context.insert(
        "agent media".into(),
        agent_media_phrase(o.transport == crate::cli::TransportArg::Websocket, o.ari),
    );
    let services: Vec<(Service, PortSpec)> = [
        (Service::Sip, o.sip),
        (Service::Ari, o.ari),
        (Service::Api, o.api),
        (Service::Rtp, rtp),
    ]
    .into_iter()
    .filter_map(|(s, p)| p.map(|p| (s, p)))
    .collect();

    let spinner = show_progress.then(|| progress::spinner("checking listeners, firewall and NAT"));

    // The reflector first: its connection tells the address the probes come from.
    let reflector = match &o.peer {
        Some(p) => Some(netcheck::connect_reflector(p).await),
        None => None,
    };
    let peer_ip = reflector
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .map(|c| c.peer.ip());

    // The packet the firewall sees.
    let addrs = netcheck::interface_addrs();
    let iif = match (&o.interface, o.expect.external_callers) {
        (Some(i), _) => i.clone(),
        (None, false) => "lo".to_string(),
        (None, true) => netcheck::default_interface().unwrap_or_default(),
    };
    let want_v6 = o.family == Family::Ipv6;
    let daddr = if iif == "lo" {
        Some(if want_v6 {
            IpAddr::V6(Ipv6Addr::LOCALHOST)
        } else {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        })
    } else {
        addrs
            .iter()
            .find(|(n, a)| *n == iif && a.is_ipv6() == want_v6)
            .map(|(_, a)| *a)
    };
    let saddr = if iif == "lo" { daddr } else { peer_ip };
    let template = Packet {
        family: o.family,
        proto: Proto::Udp,
        dport: 0,
        sport: None,
        saddr,
        daddr,
        iif: iif.clone(),
    };
    context.insert(
        "firewall evaluated for".into(),
        format!(
            "new {} packets arriving on {} (to {}, from {})",
            if want_v6 { "IPv6" } else { "IPv4" },
            if iif.is_empty() {
                "an unknown interface"
            } else {
                &iif
            },
            daddr
                .map(|a| a.to_string())
                .unwrap_or_else(|| "any address".into()),
            saddr
                .map(|a| a.to_string())
                .unwrap_or_else(|| "any address".into()),
        ),
    );

    let (listeners, complete) = netcheck::read_listeners();
    if !complete {
        context.insert(
            "processes".into(),
            "some owners hidden: run as root to see every process".into(),
        );
    }
    let ruleset = netcheck::read_ruleset().await;
    match &ruleset {
        Ok(rs) => {
            let mut s = rs.sources.join(", ");
            if !rs.warnings.is_empty() {
                s.push_str(&format!(" (warnings: {})", rs.warnings.join("; ")));
            }
            context.insert("ruleset".into(), s);
        }
        Err(e) => {
            context.insert("ruleset".into(), format!("not read: {e}"));
        }
    }
    let rs_ref: std::result::Result<&Ruleset, &str> = ruleset.as_ref().map_err(String::as_str);

    // Listening only on loopback, per service. SIP and ARI both there: loopback by design
    // (ASTERISK_BIND_ADDR=127.0.0.1 binds both; the sandbox), no outside caller gets in.
    let loopback_only = |p: &PortSpec| {
        let ls = listeners_in(&listeners, p.proto, p.lo, p.hi);
        !ls.is_empty() && ls.iter().all(|l| l.socket.is_loopback())
    };
    let on_loopback = |service: Service| {
        services
            .iter()
            .any(|(s, p)| *s == service && loopback_only(p))
    };
    let mut expect = o.expect;
    expect.loopback_by_design = on_loopback(Service::Ari) && on_loopback(Service::Sip);

    // Firewall rows first (pure and fast); their stretches guide the RTP samples.
    let mut firewall_rows: HashMap<Service, CheckRow> = HashMap::new();
    for (s, p) in &services {
        firewall_rows.insert(
            *s,
            judge_firewall(*s, p, rs_ref, &template, expect, loopback_only(p)),
        );
    }

    // Concurrently: what the HTTP ports speak, STUN, the reflector.
    let wire_targets: Vec<(Service, SocketAddr)> = services
        .iter()
        .filter(|(s, p)| matches!(s, Service::Ari | Service::Api) && p.proto == Proto::Tcp)
        .filter_map(|(s, p)| {
            let ls = listeners_in(&listeners, p.proto, p.lo, p.hi);
            let l = ls.first()?;
            let local = l.socket.local;
            let ip = match local.ip() {
                IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
                ip => ip,
            };
            Some((*s, SocketAddr::new(ip, local.port())))
        })
        .collect();
    let wire_fut = async {
        let mut m = HashMap::new();
        for (s, a) in &wire_targets {
            m.insert(*s, netcheck::probe_wire(*a).await);
        }
        m
    };
    let stun_fut = async {
        match (&o.stun, o.expect.external_callers) {
            (_, false) => None,
            (None, true) => Some(Err("STUN disabled (--stun none)".to_string())),
            (Some(s), true) => Some(netcheck::stun_query(s, Duration::from_millis(2500)).await),
        }
    };
    let reach_fut = async {
        match reflector {
            None => None,
            Some(Err(e)) => Some(Err(e)),
            Some(Ok(conn)) => Some(
                probe_via_reflector(
                    conn,
                    &services,
                    &firewall_rows,
                    &listeners,
                    o.samples,
                    show_progress,
                )
                .await,
            ),
        }
    };
    let (wire, stun, reach) = tokio::join!(wire_fut, stun_fut, reach_fut);
    if let Some(s) = &spinner {
        s.finish_and_clear();
    }

    // Per service: listening, firewall, reachable.
    let mut rows = Vec::new();
    let firewall_open = |proto: Proto, port: u16| -> Option<bool> {
        let rs = ruleset.as_ref().ok()?;
        let mut p = template.clone();
        p.proto = proto;
        p.dport = port;
        Some(rs.evaluate(&p).verdict.is_open())
    };
    for (s, p) in &services {
        let ls = listeners_in(&listeners, p.proto, p.lo, p.hi);
        rows.push(judge_listening(*s, p, &ls, expect, wire.get(s)));
        if let Some(r) = firewall_rows.remove(s) {
            rows.push(r);
        }
        let outcomes = match &reach {
            None => Ok(Vec::new()),
            Some(Err(e)) => Err(e.clone()),
            Some(Ok(m)) => Ok(m.get(s).cloned().unwrap_or_default()),
        };
        rows.push(judge_reachability(
            *s,
            p,
            o.peer.as_deref(),
            outcomes,
            &|port| firewall_open(p.proto, port),
            o.expect,
        ));
    }

    // NAT: STUN's public address against PJSIP's external addresses.
    let public = match stun {
        None => PublicAddress::Unknown("--local-only".into()),
        Some(Ok(a)) => {
            context.insert(
                "public address".into(),
                format!(
                    "{} (STUN {}; local {})",
                    a.mapped.ip(),
                    a.server,
                    a.local.ip()
                ),
            );
            PublicAddress::Stun {
                mapped: a.mapped.ip(),
                server: o.stun.clone().unwrap_or_default(),
                local: Some(a.local.ip()),
            }
        }
        Some(Err(e)) => PublicAddress::Unknown(e),
    };
    let mut names: HashMap<String, Vec<IpAddr>> = HashMap::new();
    if let Ok(ts) = &conf.transports {
        for t in ts {
            for v in [&t.external_media_address, &t.external_signaling_address]
                .into_iter()
                .flatten()
            {
                let host = asterisk_conf::split_host_port(v).0;
                if host.parse::<IpAddr>().is_err() && !names.contains_key(v) {
                    let r = netcheck::resolve(&format!("{host}:0"), Duration::from_secs(2))
                        .await
                        .map(|a| a.into_iter().map(|s| s.ip()).collect())
                        .unwrap_or_default();
                    names.insert(v.clone(), r);
                }
            }
        }
    }
    let local_addrs: Vec<IpAddr> = addrs.iter().map(|(_, a)| *a).collect();
    let transports_ref = conf
        .transports
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(|e| e.clone());
    let resolve = |h: &str| names.get(h).cloned().unwrap_or_default();
    let behind_nat = match &public {
        PublicAddress::Stun { mapped, .. } => Some(!local_addrs.contains(mapped)),
        PublicAddress::Unknown(_) => o.external_ip.map(|e| !local_addrs.contains(&e)),
    };
    rows.extend(judge_nat(
        &NatInputs {
            public,
            external_ip: o.external_ip,
            local_addrs: &local_addrs,
            transports: transports_ref,
            resolve: &resolve,
        },
        expect,
    ));
    if let Some(r) = rtp {
        rows.push(judge_rtp_conf(
            conf.rtp.as_ref().map_err(|e| e.clone()),
            &r,
            rtp_from_flag,
            behind_nat,
        ));
    }
    NetChecks { rows, context, rtp }
}

/// Ask the reflector to probe every service port (RTP: samples), with probe listeners on
/// the free ports, and turn what arrived into outcomes per service.
async fn probe_via_reflector(
    conn: netcheck::ReflectorConn,
    services: &[(Service, PortSpec)],
    firewall_rows: &HashMap<Service, CheckRow>,
    listeners: &[Listener],
    samples: usize,
    show_progress: bool,
) -> std::result::Result<HashMap<Service, Vec<ProbeOutcome>>, String> {
    let local_ip = conn.local.ip();
    let run = netcheck::new_run_id();
    let in_use = |proto: Proto, port: u16| {
        listeners
            .iter()
            .any(|l| l.socket.proto == proto && l.socket.local.port() == port)
    };
    // Something (not us) listens where the probes arrive: its answers are evidence too.
    let service_hears = |proto: Proto, port: u16| {
        listeners.iter().any(|l| {
            l.socket.proto == proto
                && l.socket.local.port() == port
                && (l.socket.is_wildcard() || l.socket.local.ip() == local_ip)
        })
    };
    let mut probes: Vec<(Service, ProbeSpec)> = Vec::new();
    for (s, p) in services {
        let kind = match (s, p.proto) {
            (_, Proto::Tcp) => ProbeKind::TcpConnect,
            (Service::Sip, Proto::Udp) => ProbeKind::SipOptions,
            (_, Proto::Udp) => ProbeKind::UdpToken,
        };
        let ports: Vec<u16> = if p.is_range() {
            let stretches: Vec<(u16, u16)> = firewall_rows
                .get(s)
                .map(|r| r.ranges.iter().map(|x| (x.lo, x.hi)).collect())
                .unwrap_or_default();
            choose_samples(p.lo, p.hi, &stretches, samples, &|port| {
                !in_use(p.proto, port)
            })
        } else {
            vec![p.lo]
        };
        for port in ports {
            let id = probes.len() as u32;
            probes.push((*s, ProbeSpec { id, kind, port }));
        }
    }
    let ports: Vec<(Proto, u16)> = probes
        .iter()
        .map(|(_, p)| (p.kind.proto(), p.port))
        .collect();
    let catchers = netcheck::ProbeListeners::bind(&ports, local_ip, &run).await;
    let req = ProbeRequest {
        version: netcheck::REFLECTOR_VERSION,
        run: run.clone(),
        timeout_ms: 1000,
        probes: probes.iter().map(|(_, p)| p.clone()).collect(),
    };
    let bar =
        show_progress.then(|| progress::bar(probes.len() as u64, "probing from the reflector"));
    let results = conn
        .run(&req, &mut |_, _| {
            if let Some(b) = &bar {
                b.inc(1);
            }
        })
        .await;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    // Late datagrams: a moment for the listeners.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let caught = catchers.caught();
    let bound = catchers.bound.clone();
    let unbound = catchers.unbound.clone();
    catchers.close().await;
    let results = results?;
    let owner = |proto: Proto, port: u16| {
        listeners
            .iter()
            .find(|l| l.socket.proto == proto && l.socket.local.port() == port)
            .map(|l| l.describe())
            .unwrap_or_else(|| {
                unbound
                    .get(&(proto, port))
                    .cloned()
                    .unwrap_or_else(|| "another socket".into())
            })
    };
    let mut out: HashMap<Service, Vec<ProbeOutcome>> = HashMap::new();
    for (s, p) in &probes {
        let proto = p.kind.proto();
        let ours = bound.contains(&(proto, p.port));
        let hears = ours || service_hears(proto, p.port);
        let side = ProbeSide {
            caught: caught.contains(&p.id),
            ours,
            hears,
        };
        let result = results.get(&p.id).map(|(r, d)| (*r, d.as_str()));
        let (arrived, how) = probe_outcome(p.kind, result, side, &|| owner(proto, p.port));
        out.entry(*s).or_default().push(ProbeOutcome {
            port: p.port,
            arrived,
            how,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(extra: &[&str]) -> NetCheckArgs {
        let mut v = vec!["vcctl", "check-firewall"];
        v.extend_from_slice(extra);
        match Cli::try_parse_from(v).unwrap().command {
            Command::CheckFirewall(a) => a.net,
            _ => panic!("wrong command"),
        }
    }

    #[test]
    fn flags_resolve_with_defaults_and_none() {
        let o = NetOptions::from_args(
            &args(&[]),
            PortSpec::single(8088, Proto::Tcp),
            PortSpec::single(8000, Proto::Tcp),
        )
        .unwrap();
        assert_eq!(o.sip, Some(PortSpec::single(5060, Proto::Udp)));
        assert_eq!(o.ari, Some(PortSpec::single(8088, Proto::Tcp)));
        assert_eq!(o.rtp, RtpChoice::FromConf);
        assert_eq!(o.stun.as_deref(), Some("stun.l.google.com:19302"));
        assert!(o.expect.external_callers && !o.expect.remote_clients);
        let o = NetOptions::from_args(
            &args(&[
                "--api",
                "none",
                "--rtp",
                "10000-20000",
                "--sip",
                "5080/tcp",
                "--stun",
                "none",
                "--local-only",
            ]),
            PortSpec::single(8088, Proto::Tcp),
            PortSpec::single(8000, Proto::Tcp),
        )
        .unwrap();
        assert_eq!(o.api, None);
        assert_eq!(o.sip, Some(PortSpec::single(5080, Proto::Tcp)));
        assert_eq!(
            o.rtp,
            RtpChoice::Given(PortSpec {
                lo: 10000,
                hi: 20000,
                proto: Proto::Udp
            })
        );
        assert_eq!(o.stun, None);
        assert!(!o.expect.external_callers);
        let bad = NetOptions::from_args(
            &args(&["--sip", "50x"]),
            PortSpec::single(8088, Proto::Tcp),
            PortSpec::single(8000, Proto::Tcp),
        );
        assert_eq!(bad.unwrap_err().exit_code(), 2);
        assert!(Cli::try_parse_from(["vcctl", "check-firewall", "--reflector"]).is_err());
        assert!(Cli::try_parse_from(["vcctl", "check-firewall", "--listen", "1.2.3.4:5"]).is_err());
    }

    #[test]
    fn only_failures_exit_8() {
        let warn = CheckReport::new(
            "check-firewall",
            BTreeMap::new(),
            vec![CheckRow::new(
                "listening",
                "ari 8088/tcp",
                Status::Warn,
                "x",
            )],
        );
        assert!(fail_if_failed(&warn).is_ok());
        let fail = CheckReport::new(
            "check-firewall",
            BTreeMap::new(),
            vec![CheckRow::new("firewall", "sip 5060/udp", Status::Fail, "x")],
        );
        let e = fail_if_failed(&fail).unwrap_err();
        assert_eq!(e.exit_code(), 8);
        assert_eq!(
            e.to_string(),
            "check-firewall found 1 problem (firewall on sip 5060/udp); the fix column says what to do"
        );
    }
}
