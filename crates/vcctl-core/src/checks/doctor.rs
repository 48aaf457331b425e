//! `vcctl doctor`'s verdicts: what its probes found (ARI, the app, PJSIP, the agent service,
//! serve's HTTP API, chan_websocket, the network checks' rows) -> one PASS/WARN/FAIL row each,
//! with the evidence and the fix. The probes themselves are `io::health`, `io::app_probe` and
//! the ARI client; this file only judges what they return.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::ari::app_probe::Liveness;
use crate::checks::verdicts::{CheckRow, Service, Status, Summary};

pub const START_ASTERISK: &str = "start Asterisk (systemctl start asterisk, docker compose -f docker/docker-compose.yml up -d asterisk, or scripts/asterisk-sandbox.sh up), and check --ari-url (ASTERISK_ARI_HOST/ASTERISK_ARI_PORT)";
pub const START_SERVE: &str =
    "start vcctl serve (docker compose -f docker/docker-compose.yml up -d vcctl)";

/// Result of one step: how long it took, or why it failed. `None`: not reached.
pub type Step = Option<Result<Duration, String>>;

/// What reaching the agent service showed.
#[derive(Debug, Clone, Serialize)]
pub struct AgentProbe {
    /// The conversation URL without query (a signed URL carries a credential).
    pub url: String,
    pub signed_url: Step,
    pub dns: Option<Result<Vec<SocketAddr>, String>>,
    pub tcp: Step,
    /// TLS (for wss) and the WebSocket upgrade.
    pub handshake: Step,
    pub tls: bool,
}

impl AgentProbe {
    pub fn ok(&self) -> bool {
        matches!(self.handshake, Some(Ok(_))) && !matches!(self.signed_url, Some(Err(_)))
    }
}

/// What the HTTP API answered.
#[derive(Debug, Clone, Serialize)]
pub struct ApiProbe {
    pub url: String,
    /// `/healthz`: the body on 200, else why not.
    pub healthz: Result<String, String>,
    /// `/readyz`: ready or not with the reason; `None` when healthz failed.
    pub readyz: Option<Result<(bool, String), String>>,
}

fn ms(d: &Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The agent row from the probe's steps.
pub fn judge_agent(p: &AgentProbe, has_id: bool) -> CheckRow {
    let target = p.url.clone();
    let host = Url::parse(&p.url)
        .ok()
        .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
        .unwrap_or_else(|| p.url.clone());
    let mut steps = Vec::new();
    if let Some(Ok(d)) = &p.signed_url {
        steps.push(format!("signed URL {}", ms(d)));
    }
    if let Some(Ok(a)) = &p.dns {
        steps.push(format!(
            "DNS {} address{}",
            a.len(),
            if a.len() == 1 { "" } else { "es" }
        ));
    }
    if let Some(Ok(d)) = &p.tcp {
        steps.push(format!("TCP {}", ms(d)));
    }
    let fail = |ev: String, fix: &str| {
        let ev = if steps.is_empty() {
            ev
        } else {
            format!("{}; then {ev}", steps.join(", "))
        };
        CheckRow::new("agent", target.clone(), Status::Fail, ev).with_fix(fix)
    };
    if let Some(Err(e)) = &p.signed_url {
        return fail(
            e.clone(),
            "check ELEVENLABS_API_KEY and ELEVENLABS_AGENT_ID",
        );
    }
    if let Some(Err(e)) = &p.dns {
        return fail(
            e.clone(),
            &format!("check DNS on this host (/etc/resolv.conf) and the agent URL ({host})"),
        );
    }
    if let Some(Err(e)) = &p.tcp {
        return fail(
            format!("TCP to {host} failed: {e}"),
            &format!("allow outbound TCP to {host} (host firewall, proxy, security group)"),
        );
    }
    if !has_id {
        let mut r = CheckRow::new(
            "agent",
            target,
            Status::Warn,
            format!(
                "{}; WebSocket handshake not judged: no agent id configured",
                steps.join(", ")
            ),
        );
        r.fix = Some("set ELEVENLABS_AGENT_ID (environment or .env) or pass --agent-id".into());
        return r;
    }
    match &p.handshake {
        Some(Ok(d)) => {
            steps.push(format!(
                "{}WebSocket handshake {}",
                if p.tls { "TLS + " } else { "" },
                ms(d)
            ));
            CheckRow::new(
                "agent",
                target,
                Status::Pass,
                format!(
                    "{} (closed again; no conversation started)",
                    steps.join(", ")
                ),
            )
        }
        Some(Err(e)) if e.starts_with("TLS") => fail(
            e.clone(),
            "check the system clock and any TLS-inspecting proxy (give its CA with --ca-cert)",
        ),
        Some(Err(e)) if e.contains("HTTP 40") => fail(
            e.clone(),
            "check ELEVENLABS_AGENT_ID, and ELEVENLABS_API_KEY for private agents",
        ),
        Some(Err(e)) => fail(e.clone(), "check the agent URL and outbound access to it"),
        None => fail(
            "the handshake was not attempted".into(),
            "check the agent URL",
        ),
    }
}

/// The HTTP API row.
pub fn judge_api(p: &ApiProbe) -> CheckRow {
    let target = p.url.clone();
    match (&p.healthz, &p.readyz) {
        (Err(e), _) => CheckRow::new(
            "http api",
            target,
            Status::Fail,
            format!("nothing healthy answers /healthz ({e}): is vcctl serve running?"),
        )
        .with_fix(format!("{START_SERVE}, or give --api-url")),
        (Ok(_), Some(Ok((true, _)))) => CheckRow::new(
            "http api",
            target,
            Status::Pass,
            "/healthz ok; /readyz ready (serve is connected to ARI events)",
        ),
        (Ok(_), Some(Ok((false, why)))) => CheckRow::new(
            "http api",
            target,
            Status::Fail,
            format!("serve runs but is not ready: {why}"),
        )
        .with_fix(
            "see serve's log (docker logs vcctl): it needs ARI events (credentials, app name)",
        ),
        (Ok(_), Some(Err(e))) => CheckRow::new(
            "http api",
            target,
            Status::Warn,
            format!("/healthz ok, but /readyz failed: {e}"),
        )
        .with_fix("check that this is vcctl serve's API (GET /readyz)"),
        (Ok(_), None) => CheckRow::new("http api", target, Status::Warn, "/readyz not asked"),
    }
}

/// Whether an Asterisk version string is 22.8 or later (chan_websocket with marks, JSON).
pub fn websocket_version_ok(version: &str) -> Option<bool> {
    let mut it = version
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .split(|c: char| !c.is_ascii_digit());
    let major: u32 = it.next()?.parse().ok()?;
    let minor: u32 = it.next()?.parse().ok()?;
    Some(major > 22 || (major == 22 && minor >= 8))
}

pub fn websocket_media_row(
    version: Option<&str>,
    module: std::result::Result<String, String>,
    port: &str,
) -> CheckRow {
    let check = "websocket media";
    let target = format!("chan_websocket on {port}");
    let fix_version = "upgrade Asterisk to 22.8 or later, or run serve with --transport rtp";
    match (version, module) {
        (_, Err(why)) => CheckRow::new(
            check,
            target,
            Status::Fail,
            format!("serve --transport websocket needs chan_websocket, which is {why}"),
        )
        .with_fix("load it (asterisk -rx 'module load chan_websocket.so'; noload = no in modules.conf), or run serve with --transport rtp"),
        (Some(v), Ok(status)) => match websocket_version_ok(v) {
            Some(true) => CheckRow::new(
                check,
                target,
                Status::Pass,
                format!("chan_websocket {status} on Asterisk {v}; the agent leg's media uses the ARI port {port}, no RTP range"),
            ),
            Some(false) => CheckRow::new(
                check,
                target,
                Status::Fail,
                format!("Asterisk {v} is older than 22.8: chan_websocket answers no marks there, so serve's flow control stalls"),
            )
            .with_fix(fix_version),
            None => CheckRow::new(
                check,
                target,
                Status::Warn,
                format!("chan_websocket {status}, but the Asterisk version '{v}' is not a release number; serve needs 22.8 or later"),
            )
            .with_fix(fix_version),
        },
        (None, Ok(status)) => CheckRow::new(
            check,
            target,
            Status::Warn,
            format!("chan_websocket {status}; the Asterisk version is not known (serve needs 22.8 or later)"),
        ),
    }
}

/// rtp.conf and the firewall for the RTP range, as one item.
pub fn rtp_item(net_rows: &[CheckRow], checked: bool) -> CheckRow {
    if !checked {
        return CheckRow::new("rtp range", "rtp", Status::Skip, "not checked: --rtp none");
    }
    let conf = net_rows.iter().find(|r| r.check == "rtp.conf");
    let fw = row_for(net_rows, "firewall", Service::Rtp);
    let parts: Vec<&CheckRow> = [conf, fw].into_iter().flatten().collect();
    let status = parts.iter().map(|r| r.status).max().unwrap_or(Status::Skip);
    let evidence = parts
        .iter()
        .map(|r| format!("{}: {}", r.check, r.evidence))
        .collect::<Vec<_>>()
        .join("; ");
    let mut row = CheckRow::new(
        "rtp range",
        fw.map(|r| r.target.clone()).unwrap_or_else(|| "rtp".into()),
        status,
        evidence,
    );
    row.fix = parts
        .iter()
        .filter(|r| r.status >= Status::Warn)
        .find_map(|r| r.fix.clone());
    row.rule = fw.and_then(|r| r.rule.clone());
    row
}

/// check-firewall's result in one row.
pub fn firewall_summary(net_rows: &[CheckRow]) -> CheckRow {
    let sum = Summary::of(net_rows);
    let status = if sum.fail > 0 {
        Status::Fail
    } else if sum.warn > 0 {
        Status::Warn
    } else {
        Status::Pass
    };
    let mut evidence = format!("{} checks: {}", net_rows.len(), sum.line());
    let bad: Vec<&CheckRow> = net_rows
        .iter()
        .filter(|r| r.status >= Status::Warn)
        .collect();
    for r in &bad {
        evidence.push_str(&format!(
            "; {} {} {}: {}",
            r.status, r.check, r.target, r.evidence
        ));
    }
    let mut row = CheckRow::new("check-firewall", "this host", status, evidence);
    if let Some(first) = bad.iter().find(|r| r.fix.is_some()) {
        row.fix = Some(format!(
            "{} ({} {}); vcctl check-firewall shows every row",
            first.fix.clone().unwrap_or_default(),
            first.check,
            first.target
        ));
    }
    row
}

/// The row of a check for a service (`firewall` for `rtp 10000-20000/udp`...).
pub fn row_for<'a>(rows: &'a [CheckRow], check: &str, service: Service) -> Option<&'a CheckRow> {
    rows.iter()
        .find(|r| r.check == check && r.target.starts_with(&format!("{} ", service.name())))
}

/// How ARI answered `GET /asterisk/info`.
#[derive(Debug, Clone, PartialEq)]
pub enum AriAnswer {
    /// It answered: the version and the start time when Asterisk gave them.
    Info {
        version: Option<String>,
        startup_time: Option<String>,
    },
    /// 401: `no_password` when none was given at all.
    Unauthorized { no_password: bool },
    /// Nothing answered (connection refused, timeout): the error's sentence.
    Unreachable(String),
    /// Something else answered, or not as ARI does.
    Unexpected(String),
}

/// The `asterisk` and `ari credentials` rows, and whether the other ARI checks can run
/// (ARI reachable, credentials accepted).
pub fn judge_ari(url: &str, user: &str, a: &AriAnswer) -> (CheckRow, CheckRow, bool, bool) {
    let skip = |why: &str| {
        CheckRow::new(
            "ari credentials",
            user,
            Status::Skip,
            format!("not checked: {why}"),
        )
    };
    match a {
        AriAnswer::Info {
            version,
            startup_time,
        } => {
            let version = version.clone().unwrap_or_else(|| "unknown version".into());
            let since = startup_time
                .as_ref()
                .map(|t| format!(", up since {t}"))
                .unwrap_or_default();
            (
                CheckRow::new(
                    "asterisk",
                    url,
                    Status::Pass,
                    format!("Asterisk {version} answers ARI{since}"),
                ),
                CheckRow::new(
                    "ari credentials",
                    user,
                    Status::Pass,
                    format!("user '{user}' accepted"),
                ),
                true,
                true,
            )
        }
        AriAnswer::Unauthorized { no_password } => (
            CheckRow::new(
                "asterisk",
                url,
                Status::Pass,
                "ARI answers (the version shows once the credentials are accepted)",
            ),
            CheckRow::new(
                "ari credentials",
                user,
                Status::Fail,
                if *no_password {
                    format!("no ARI password is set: ARI refused user '{user}' without one")
                } else {
                    format!("ARI rejected user '{user}' and the password given")
                },
            )
            .with_fix(format!(
                "set ASTERISK_ARI_PASSWORD (environment or .env; or --password) to the password of [{user}] in ari.conf (docker/.env ASTERISK_ARI_PASSWORD)"
            )),
            true,
            false,
        ),
        AriAnswer::Unreachable(e) => (
            CheckRow::new("asterisk", url, Status::Fail, e.clone()).with_fix(START_ASTERISK),
            skip("Asterisk is not reachable"),
            false,
            false,
        ),
        AriAnswer::Unexpected(e) => (
            CheckRow::new("asterisk", url, Status::Fail, e.clone()).with_fix(
                "check that --ari-url points at Asterisk's HTTP server (http.conf) with ARI enabled (ari.conf enabled=yes)",
            ),
            skip("ARI did not answer as expected"),
            false,
            false,
        ),
    }
}

/// The app row: PASS only with evidence of a live client (it answered a probe through the
/// app); a registration nobody answers is a FAIL, since calls into it fail.
pub fn judge_app(app: &str, probe: Result<&Liveness, String>) -> CheckRow {
    let row = |status, evidence: String| CheckRow::new("app registered", app, status, evidence);
    match probe {
        Ok(l @ Liveness::Answered { .. }) => row(Status::Pass, l.sentence(app)),
        Ok(l @ Liveness::NoAnswer { .. }) => row(Status::Fail, l.sentence(app)).with_fix(format!(
            "{START_SERVE}; it takes the registration over (Asterisk restarts are not needed)"
        )),
        Ok(l @ Liveness::NotRegistered) => row(Status::Fail, l.sentence(app)).with_fix(format!(
            "{START_SERVE}; check ASTERISK_ARI_APP matches the app in extensions.conf ('{app}')"
        )),
        Err(e) => row(Status::Fail, e),
    }
}

/// The PJSIP endpoints row from `(resource, state)` of each PJSIP endpoint ARI lists.
pub fn judge_endpoints(endpoints: Result<Vec<(String, Option<String>)>, String>) -> CheckRow {
    match endpoints {
        Ok(list) if list.is_empty() => CheckRow::new(
            "pjsip endpoints",
            "PJSIP",
            Status::Fail,
            "Asterisk has no PJSIP endpoint: no call can come in",
        )
        .with_fix("define an endpoint in pjsip.conf (the deployment's [anonymous]) and check: asterisk -rx 'pjsip show endpoints'"),
        Ok(list) => {
            let shown: Vec<String> = list
                .iter()
                .map(|(resource, state)| {
                    format!(
                        "PJSIP/{resource} ({})",
                        state.as_deref().unwrap_or("unknown")
                    )
                })
                .collect();
            CheckRow::new("pjsip endpoints", "PJSIP", Status::Pass, shown.join(", "))
        }
        Err(e) => CheckRow::new("pjsip endpoints", "PJSIP", Status::Fail, e),
    }
}

/// What pjsip.conf names when it could be read: `Err` says why not.
pub fn transports_unread(why: &str) -> CheckRow {
    CheckRow::new(
        "pjsip transports",
        "PJSIP",
        Status::Skip,
        format!("not checked: {why}; give --asterisk-config DIR"),
    )
}

/// The transports row: `loaded` as `name (protocol bind)`, `missing` are in pjsip.conf but
/// not loaded in Asterisk; both empty means pjsip.conf defines none.
pub fn judge_transports(loaded: &[String], missing: &[String]) -> CheckRow {
    if loaded.is_empty() && missing.is_empty() {
        return CheckRow::new(
            "pjsip transports",
            "PJSIP",
            Status::Fail,
            "pjsip.conf defines no transport: Asterisk does not listen for SIP",
        )
        .with_fix("add [transport-udp] with type=transport, protocol=udp, bind=0.0.0.0:5060 to pjsip.conf and restart Asterisk");
    }
    if missing.is_empty() {
        CheckRow::new(
            "pjsip transports",
            "PJSIP",
            Status::Pass,
            format!("loaded: {}", loaded.join(", ")),
        )
    } else {
        CheckRow::new(
            "pjsip transports",
            "PJSIP",
            Status::Fail,
            format!(
                "in pjsip.conf but not loaded: {}{}",
                missing.join(", "),
                if loaded.is_empty() {
                    String::new()
                } else {
                    format!("; loaded: {}", loaded.join(", "))
                }
            ),
        )
        .with_fix("see why Asterisk rejected it (asterisk -rx 'pjsip show transports', the Asterisk log), fix the section and restart Asterisk; a transport change needs a restart, not a reload")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_media_needs_chan_websocket_and_asterisk_22_8() {
        let ok = |v: &str| websocket_media_row(Some(v), Ok("Running".into()), "8088/tcp").status;
        assert_eq!(ok("22.10.1"), Status::Pass);
        assert_eq!(ok("22.8.0"), Status::Pass);
        assert_eq!(ok("23.0.0-rc1"), Status::Pass);
        assert_eq!(ok("22.7.0"), Status::Fail);
        assert_eq!(ok("20.5.0"), Status::Fail);
        assert_eq!(ok("GIT-master-abc"), Status::Warn);
        let missing = websocket_media_row(Some("22.10.1"), Err("not loaded".into()), "8088/tcp");
        assert_eq!(missing.status, Status::Fail);
        assert!(
            missing.evidence.contains("not loaded"),
            "{}",
            missing.evidence
        );
        assert!(missing.fix.unwrap().contains("--transport rtp"));
    }

    fn probe() -> AgentProbe {
        AgentProbe {
            url: "wss://api.elevenlabs.io/v1/convai/conversation".into(),
            signed_url: None,
            dns: Some(Ok(vec!["192.0.2.1:443".parse().unwrap()])),
            tcp: Some(Ok(Duration::from_millis(12))),
            handshake: Some(Ok(Duration::from_millis(40))),
            tls: true,
        }
    }

    #[test]
    fn agent_rows_name_the_failing_step() {
        let r = judge_agent(&probe(), true);
        assert_eq!(r.status, Status::Pass);
        assert!(
            r.evidence
                .starts_with("DNS 1 address, TCP 12.0 ms, TLS + WebSocket handshake 40.0 ms"),
            "{}",
            r.evidence
        );
        let mut p = probe();
        p.dns = Some(Err("could not resolve api.elevenlabs.io (x)".into()));
        p.tcp = None;
        p.handshake = None;
        let r = judge_agent(&p, true);
        assert_eq!(r.status, Status::Fail);
        assert!(r.fix.unwrap().contains("DNS"));
        let mut p = probe();
        p.handshake = Some(Err("TLS failed: invalid peer certificate".into()));
        let r = judge_agent(&p, true);
        assert!(r.evidence.contains("then TLS failed"), "{}", r.evidence);
        assert!(r.fix.unwrap().contains("clock"));
        let mut p = probe();
        p.handshake = Some(Err(
            "the WebSocket upgrade was refused with HTTP 403 Forbidden".into(),
        ));
        assert!(judge_agent(&p, true)
            .fix
            .unwrap()
            .contains("ELEVENLABS_AGENT_ID"));
        assert_eq!(judge_agent(&probe(), false).status, Status::Warn);
    }

    #[test]
    fn api_rows() {
        let p = |h: std::result::Result<String, String>, r| ApiProbe {
            url: "http://127.0.0.1:8000/".into(),
            healthz: h,
            readyz: r,
        };
        assert_eq!(
            judge_api(&p(Ok("ok".into()), Some(Ok((true, String::new()))))).status,
            Status::Pass
        );
        let r = judge_api(&p(Err("Connection refused (os error 111)".into()), None));
        assert_eq!(r.status, Status::Fail);
        assert!(r.fix.unwrap().starts_with("start vcctl serve"));
        let r = judge_api(&p(
            Ok("ok".into()),
            Some(Ok((false, "ARI events not connected".into()))),
        ));
        assert_eq!(r.status, Status::Fail);
        assert!(r.evidence.contains("ARI events not connected"));
    }

    #[test]
    fn summary_row_carries_the_first_fix() {
        let rows = vec![
            CheckRow::new("listening", "sip 5060/udp", Status::Pass, "asterisk"),
            CheckRow::new("firewall", "sip 5060/udp", Status::Fail, "DROP by x")
                .with_fix("ufw allow 5060/udp"),
            CheckRow::new("reachable", "sip 5060/udp", Status::Skip, "not checked"),
        ];
        let r = firewall_summary(&rows);
        assert_eq!(r.status, Status::Fail);
        assert!(r.evidence.starts_with(
            "3 checks: 1 FAIL, 1 PASS, 1 not checked; FAIL firewall sip 5060/udp: DROP by x"
        ));
        assert_eq!(
            r.fix.unwrap(),
            "ufw allow 5060/udp (firewall sip 5060/udp); vcctl check-firewall shows every row"
        );
        let ok = firewall_summary(&rows[..1]);
        assert_eq!(ok.status, Status::Pass);
    }

    #[test]
    fn ari_rows_say_which_step_failed_and_whether_the_rest_can_run() {
        let info = AriAnswer::Info {
            version: Some("22.10.1".into()),
            startup_time: Some("2026-11-29T10:00:00".into()),
        };
        let (ast, cred, reachable, authorized) = judge_ari("http://pbx:8088/", "vcctl", &info);
        assert_eq!((ast.status, cred.status), (Status::Pass, Status::Pass));
        assert_eq!(
            ast.evidence,
            "Asterisk 22.10.1 answers ARI, up since 2026-11-29T10:00:00"
        );
        assert!(reachable && authorized);
        let (ast, cred, reachable, authorized) = judge_ari(
            "http://pbx:8088/",
            "vcctl",
            &AriAnswer::Unauthorized { no_password: true },
        );
        assert_eq!((ast.status, cred.status), (Status::Pass, Status::Fail));
        assert!(
            cred.evidence.starts_with("no ARI password is set"),
            "{}",
            cred.evidence
        );
        assert!(cred.fix.unwrap().contains("[vcctl] in ari.conf"));
        assert!(reachable && !authorized);
        let (ast, cred, reachable, _) = judge_ari(
            "http://pbx:8088/",
            "vcctl",
            &AriAnswer::Unreachable("connection refused".into()),
        );
        assert_eq!((ast.status, cred.status), (Status::Fail, Status::Skip));
        assert_eq!(ast.fix.as_deref(), Some(START_ASTERISK));
        assert_eq!(cred.evidence, "not checked: Asterisk is not reachable");
        assert!(!reachable);
        let (ast, cred, ..) = judge_ari(
            "http://pbx:8088/",
            "vcctl",
            &AriAnswer::Unexpected("HTTP 404".into()),
        );
        assert!(ast.fix.unwrap().contains("ari.conf enabled=yes"));
        assert_eq!(cred.evidence, "not checked: ARI did not answer as expected");
    }

    #[test]
    fn app_endpoint_and_transport_rows() {
        let app = judge_app("voiceclone-app", Ok(&Liveness::NotRegistered));
        assert_eq!(app.status, Status::Fail);
        assert!(app.fix.unwrap().contains("ASTERISK_ARI_APP"));
        let app = judge_app("voiceclone-app", Err("ARI timed out".into()));
        assert_eq!(
            (app.status, app.evidence.as_str()),
            (Status::Fail, "ARI timed out")
        );

        let none = judge_endpoints(Ok(vec![]));
        assert_eq!(none.status, Status::Fail);
        let some = judge_endpoints(Ok(vec![
            ("anonymous".into(), Some("online".into())),
            ("6001".into(), None),
        ]));
        assert_eq!(some.status, Status::Pass);
        assert_eq!(
            some.evidence,
            "PJSIP/anonymous (online), PJSIP/6001 (unknown)"
        );

        assert_eq!(judge_transports(&[], &[]).status, Status::Fail);
        let ok = judge_transports(&["transport-udp (udp 0.0.0.0:5060)".into()], &[]);
        assert_eq!(ok.status, Status::Pass);
        assert_eq!(ok.evidence, "loaded: transport-udp (udp 0.0.0.0:5060)");
        let bad = judge_transports(&["a (udp x)".into()], &["b".into()]);
        assert_eq!(bad.status, Status::Fail);
        assert_eq!(
            bad.evidence,
            "in pjsip.conf but not loaded: b; loaded: a (udp x)"
        );
        assert_eq!(
            transports_unread("could not read pjsip.conf").status,
            Status::Skip
        );
    }

    #[test]
    fn the_rtp_item_joins_rtp_conf_and_the_firewall_and_keeps_the_worst() {
        let rows = vec![
            CheckRow::new("rtp.conf", "rtp", Status::Pass, "10000-20000"),
            CheckRow::new("firewall", "rtp 10000-20000/udp", Status::Warn, "half open")
                .with_fix("open the rest"),
            CheckRow::new("firewall", "sip 5060/udp", Status::Fail, "closed"),
        ];
        let r = rtp_item(&rows, true);
        assert_eq!(r.status, Status::Warn);
        assert_eq!(r.target, "rtp 10000-20000/udp");
        assert_eq!(r.evidence, "rtp.conf: 10000-20000; firewall: half open");
        assert_eq!(r.fix.as_deref(), Some("open the rest"));
        assert_eq!(rtp_item(&rows, false).status, Status::Skip);
        assert!(row_for(&rows, "firewall", Service::Ari).is_none());
    }
}
