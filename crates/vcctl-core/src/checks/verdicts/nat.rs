//! NAT and Asterisk's media settings: the address Asterisk advertises (`judge_nat`), rtp.conf
//! (`judge_rtp_conf`), and the clock against Asterisk's (`judge_clock`).

use super::*;

/// What the public address is, and how it was learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicAddress {
    /// STUN answered: the mapped address, the server, and the local address used.
    Stun {
        mapped: IpAddr,
        server: String,
        local: Option<IpAddr>,
    },
    /// STUN disabled or not answering, with the reason.
    Unknown(String),
}

/// Inputs of the NAT judgement.
#[derive(Clone)]
pub struct NatInputs<'a> {
    pub public: PublicAddress,
    /// `--external-ip`, when given.
    pub external_ip: Option<IpAddr>,
    /// Addresses of this host's interfaces.
    pub local_addrs: &'a [IpAddr],
    /// PJSIP transports, or why they could not be read.
    pub transports: Result<&'a [PjsipTransport], String>,
    /// Host names in external_* settings resolved by the caller.
    pub resolve: &'a dyn Fn(&str) -> Vec<IpAddr>,
}

pub(super) const ONE_WAY: &str =
    "callers send RTP to an address that does not reach this host: one-way or no audio";

/// Compare the public address with PJSIP's external_media_address and
/// external_signaling_address.
pub fn judge_nat(n: &NatInputs, expect: Expect) -> Vec<CheckRow> {
    let target = "public address";
    if !expect.external_callers {
        return vec![CheckRow::new(
            "nat",
            target,
            Status::Skip,
            "not checked: --local-only (callers on this host need no NAT settings)",
        )];
    }
    if expect.loopback_by_design {
        return vec![CheckRow::new(
            "nat",
            target,
            Status::Skip,
            "not checked: Asterisk listens on loopback only, so no remote phone reaches it and NAT settings do not matter yet",
        )];
    }
    let (public, how) = match (&n.public, n.external_ip) {
        (PublicAddress::Stun { mapped, server, .. }, Some(ext)) if *mapped != ext => {
            return vec![CheckRow::new(
                "nat",
                target,
                Status::Warn,
                format!("STUN ({server}) maps this host to {mapped}, but --external-ip says {ext}; one of them is out of date"),
            )
            .with_fix(format!("check which one callers reach, then set external_media_address/external_signaling_address to it (ASTERISK_EXTERNAL_IP={mapped} in docker/.env)"))];
        }
        (PublicAddress::Stun { mapped, server, .. }, _) => (*mapped, format!("STUN ({server})")),
        (PublicAddress::Unknown(_), Some(ext)) => (ext, "--external-ip".to_string()),
        (PublicAddress::Unknown(why), None) => {
            return vec![CheckRow::new(
                "nat",
                target,
                Status::Skip,
                format!(
                    "not checked: {why}; give --external-ip ADDR or a reachable --stun HOST:PORT"
                ),
            )];
        }
    };
    let behind_nat = !n.local_addrs.contains(&public);
    let local = match &n.public {
        PublicAddress::Stun { local: Some(l), .. } => Some(*l),
        _ => n
            .local_addrs
            .iter()
            .copied()
            .find(|a| !a.is_loopback() && a.is_ipv4() == public.is_ipv4()),
    };
    let local_text = local.map(|l| l.to_string()).unwrap_or_else(|| "?".into());
    let situation = if behind_nat {
        format!("this host ({local_text}) is behind NAT; {how} sees it as {public}")
    } else {
        format!("no NAT: {how} sees {public}, an address of this host")
    };
    let transports = match &n.transports {
        Ok(t) => *t,
        Err(why) => {
            return vec![CheckRow::new(
                "nat",
                target,
                Status::Skip,
                format!("{situation}; PJSIP settings not checked: {why}"),
            )]
        }
    };
    let udp: Vec<&PjsipTransport> = transports.iter().filter(|t| t.protocol == "udp").collect();
    let chosen: Vec<&PjsipTransport> = if udp.is_empty() {
        transports.iter().collect()
    } else {
        udp
    };
    if chosen.is_empty() {
        return vec![CheckRow::new(
            "nat",
            target,
            Status::Fail,
            format!("{situation}; pjsip.conf has no transport"),
        )
        .with_fix("add a [transport-udp] section with type=transport, protocol=udp, bind=0.0.0.0:5060 to pjsip.conf")];
    }
    let env_fix = |t: &PjsipTransport| {
        format!(
            "set external_media_address={public} and external_signaling_address={public} on [{}] in pjsip.conf (ASTERISK_EXTERNAL_IP={public} in docker/.env), then restart Asterisk",
            t.name
        )
    };
    let matches = |v: &str| -> bool {
        match v.parse::<IpAddr>() {
            Ok(ip) => ip == public,
            Err(_) => (n.resolve)(v).contains(&public),
        }
    };
    let mut rows = Vec::new();
    for t in chosen {
        let tgt = format!("{target} / {}", t.name);
        let ema = t.external_media_address.as_deref();
        let esa = t.external_signaling_address.as_deref();
        let row = if behind_nat {
            match (ema, esa) {
                (None, _) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}, but {} has no external_media_address: Asterisk writes {local_text} into the SDP and {ONE_WAY}", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(m), _) if !matches(m) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}, but external_media_address of {} is {m}: Asterisk writes {m} into the SDP and {ONE_WAY}", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(_), None) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}; external_media_address is right but {} has no external_signaling_address: Contact/Via carry {local_text}, so ACKs and BYEs get lost and calls drop after about 32 s", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(_), Some(s)) if !matches(s) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}; external_signaling_address of {} is {s}, not {public}: ACKs and BYEs go astray and calls drop after about 32 s", t.name),
                )
                .with_fix(env_fix(t)),
                (Some(m), Some(_)) => {
                    let mut r = CheckRow::new(
                        "nat",
                        tgt,
                        Status::Pass,
                        format!("{situation}; {} advertises {m} for media and signaling", t.name),
                    );
                    if t.local_net.is_empty() {
                        r.status = Status::Warn;
                        r.evidence.push_str("; but local_net is not set, so callers on the local network get the public address too");
                        r.fix = Some(format!(
                            "add local_net=<your LAN CIDR> to [{}] (ASTERISK_LOCAL_NET in docker/.env)",
                            t.name
                        ));
                    }
                    r
                }
            }
        } else {
            match ema {
                Some(m) if !matches(m) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Fail,
                    format!("{situation}, but external_media_address of {} is {m}: Asterisk writes {m} into the SDP and {ONE_WAY}", t.name),
                )
                .with_fix(format!(
                    "remove external_media_address and external_signaling_address from [{}] (empty ASTERISK_EXTERNAL_IP in docker/.env), or set them to {public}; then restart Asterisk",
                    t.name
                )),
                Some(m) => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Pass,
                    format!("{situation}; {} advertises {m}", t.name),
                ),
                None => CheckRow::new(
                    "nat",
                    tgt,
                    Status::Pass,
                    format!("{situation}; {} needs no external address", t.name),
                ),
            }
        };
        rows.push(row);
    }
    rows
}

/// rtp.conf's port range against the range checked, and its STUN setting.
pub fn judge_rtp_conf(
    rtp: Result<&RtpConf, String>,
    checked: &PortSpec,
    checked_from_flag: bool,
    behind_nat: Option<bool>,
) -> CheckRow {
    let target = "rtp.conf";
    let r = match rtp {
        Ok(r) => r,
        Err(why) => {
            return CheckRow::new(
                "rtp.conf",
                target,
                Status::Skip,
                format!("not checked: {why}"),
            )
        }
    };
    let range = format!("{}-{}", r.start, r.end);
    let stun = match (&r.stunaddr, behind_nat) {
        (Some(s), Some(true)) => format!("; stunaddr={s} (it only feeds ICE candidates; the SDP address comes from external_media_address)"),
        (Some(s), _) => format!("; stunaddr={s}"),
        (None, _) => "; no stunaddr".to_string(),
    };
    if r.end < r.start {
        return CheckRow::new(
            "rtp.conf",
            target,
            Status::Fail,
            format!("rtpend {} is below rtpstart {}", r.end, r.start),
        )
        .with_fix(
            "set rtpstart=16384 and rtpend=32768 in rtp.conf (ASTERISK_RTP_START/ASTERISK_RTP_END)",
        );
    }
    if checked_from_flag && (checked.lo > r.start || checked.hi < r.end) {
        return CheckRow::new(
            "rtp.conf",
            target,
            Status::Fail,
            format!(
                "Asterisk picks RTP ports from {range}{}, but the check covers {}: calls that get a port outside it have no audio",
                if r.range_set { "" } else { " (Asterisk's default: rtp.conf sets no rtpstart/rtpend)" },
                checked.ports()
            ),
        )
        .with_fix(format!(
            "set rtpstart={} and rtpend={} in rtp.conf (ASTERISK_RTP_START/ASTERISK_RTP_END in docker/.env), or check --rtp {range}/udp",
            checked.lo, checked.hi
        ));
    }
    if !r.range_set {
        return CheckRow::new(
            "rtp.conf",
            target,
            Status::Warn,
            format!("rtp.conf sets no rtpstart/rtpend, so Asterisk uses its default {range}{stun}"),
        )
        .with_fix("set rtpstart and rtpend in rtp.conf explicitly (ASTERISK_RTP_START/ASTERISK_RTP_END) and open that range");
    }
    CheckRow::new(
        "rtp.conf",
        target,
        Status::Pass,
        format!("RTP ports {range}{stun}"),
    )
}

/// Clock sanity: this host against Asterisk's clock (`/asterisk/ping`), and the kernel's
/// NTP state as evidence. `asterisk_unix` is `None` when Asterisk could not be asked.
pub fn judge_clock(
    local_unix: f64,
    asterisk_unix: Option<f64>,
    ntp_synced: Option<bool>,
) -> CheckRow {
    // 2024-01-01: a clock before this is certainly wrong (TLS certificates fail).
    const SANE_AFTER: f64 = 1_704_067_200.0;
    let ntp = match ntp_synced {
        Some(true) => "; kernel reports NTP-synchronized",
        Some(false) => "; kernel reports the clock not NTP-synchronized",
        None => "",
    };
    let fix = "synchronize the clock: timedatectl set-ntp true (or chronyc makestep), on this host and Asterisk's";
    if local_unix < SANE_AFTER {
        return CheckRow::new(
            "clock",
            "this host",
            Status::Fail,
            format!("the clock says {local_unix:.0} s since 1970, before 2024: TLS to the agent fails{ntp}"),
        )
        .with_fix(fix);
    }
    let Some(ast) = asterisk_unix else {
        return CheckRow::new(
            "clock",
            "this host",
            Status::Skip,
            format!("not checked against Asterisk (not reachable){ntp}"),
        );
    };
    let skew = local_unix - ast;
    let text = format!("this host is {:+.1} s from Asterisk's clock{ntp}", skew);
    let status = match skew.abs() {
        s if s <= 2.0 => Status::Pass,
        s if s <= 30.0 => Status::Warn,
        _ => Status::Fail,
    };
    let mut r = CheckRow::new("clock", "this host vs Asterisk", status, text);
    if status != Status::Pass {
        r.fix = Some(fix.into());
        r.evidence
            .push_str("; skewed clocks break latency numbers, signed URLs and TLS");
    }
    r
}
