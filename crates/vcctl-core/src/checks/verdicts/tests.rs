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
