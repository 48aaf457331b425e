//! `vcctl doctor`: the troubleshooting runbook as one checklist. Asterisk reachable and its
//! version; ARI credentials; the app registered and a live client (serve) answering through
//! it; PJSIP endpoints and transports; the RTP range in rtp.conf and the firewall;
//! check-firewall's summary; the agent reachable (DNS, TCP, TLS + WebSocket handshake); the
//! HTTP API of serve; the clock.

use std::collections::BTreeMap;
use std::time::Duration;

use url::Url;

use crate::cli::DoctorArgs;
use crate::config::{AriSettings, Secret};
use crate::error::{Error, Result};
use crate::io::agent_ws::{AgentSettings, DEFAULT_AGENT_BASE_URL};
use crate::io::app_probe::{probe, PROBE_TIMEOUT};
use crate::io::ari_http::{AriClient, AriError};
use crate::io::health::{fetch_serve_settings, probe_agent, probe_api, AgentProbe, ApiProbe};
use crate::ui::check_views::{CheckReport, Summary};
use crate::ui::output::emit;
use crate::ui::progress;
use vcctl_core::ari::app_probe::Liveness;
use vcctl_core::ari::model::parse_ari_time;
use vcctl_core::checks::procnet::Proto;
use vcctl_core::checks::verdicts::{judge_clock, CheckRow, PortSpec, Service, Status};

use super::check_firewall::{
    fail_if_failed, network_checks, read_asterisk_config, row_for, NetOptions,
};
use super::{now_unix, Ctx};

const START_ASTERISK: &str = "start Asterisk (systemctl start asterisk, docker compose -f docker/docker-compose.yml up -d asterisk, or scripts/asterisk-sandbox.sh up), and check --ari-url (ASTERISK_ARI_HOST/ASTERISK_ARI_PORT)";
const START_SERVE: &str =
    "start vcctl serve (docker compose -f docker/docker-compose.yml up -d vcctl)";

pub async fn run(ctx: &Ctx, args: DoctorArgs) -> Result<()> {
    let settings = ctx.ari_settings()?;
    let api_url = Url::parse(&args.api_url)
        .map_err(|e| Error::Usage(format!("--api-url {}: {e}", args.api_url)))?;
    let port_of = |u: &Url| u.port_or_known_default().unwrap_or(80);
    let opts = NetOptions::from_args(
        &args.net,
        PortSpec::single(port_of(&settings.url), Proto::Tcp),
        PortSpec::single(port_of(&api_url), Proto::Tcp),
    )?;
    let client = AriClient::with_timeout(&settings, Duration::from_secs(5))?;
    // The agent a running serve uses beats this shell's idea of it.
    let serve_settings = fetch_serve_settings(&api_url, Duration::from_secs(2)).await;
    let choice = choose_agent(
        &args,
        serve_settings.as_ref().ok(),
        ctx.layers.get("ELEVENLABS_BASE_URL"),
        ctx.layers.get("ELEVENLABS_AGENT_ID"),
    );
    let agent = agent_settings(ctx, &choice, &settings);

    let spinner = progress::spinner("running the checklist");
    let (ari_rows, net, agent_row, api_row, host_row) = tokio::join!(
        ari_checks(&client, &settings, &opts),
        network_checks(&opts, false),
        agent_check(agent),
        api_check(&api_url),
        host_name_check(port_of(&settings.url)),
    );
    spinner.finish_and_clear();

    let [asterisk, credentials, app, endpoints, transports, clock] = ari_rows;
    let mut rows = vec![asterisk, credentials, app, endpoints, transports, host_row];
    if opts.transport == crate::cli::TransportArg::Websocket {
        rows.push(websocket_media_item(&client, &opts).await);
    }
    rows.push(rtp_item(&net.rows, net.rtp.is_some()));
    rows.push(firewall_summary(&net.rows));
    rows.push(agent_row);
    rows.push(api_row);
    rows.push(clock);
    let mut context = BTreeMap::new();
    context.insert("ari".to_string(), settings.url.to_string());
    context.insert("app".to_string(), settings.app.clone());
    context.insert(
        "agent".to_string(),
        format!("{} ({})", choice.base_url, choice.source),
    );
    if let Ok(v) = &serve_settings {
        context.insert("serve".to_string(), serve_summary(v));
    }
    for k in [
        "asterisk config",
        "rtp range",
        "agent media",
        "public address",
        "ruleset",
    ] {
        if let Some(v) = net.context.get(k) {
            context.insert(k.to_string(), v.clone());
        }
    }
    let report = CheckReport::new("doctor", context, rows);
    emit(&report, ctx.json())?;
    fail_if_failed(&report)
}

/// Which agent doctor checks, and why that one.
#[derive(Debug, Clone, PartialEq)]
struct AgentChoice {
    base_url: String,
    agent_id: Option<String>,
    /// `--agent-url`, `the running vcctl serve`, `ELEVENLABS_BASE_URL` or `default`.
    source: String,
}

/// The agent to check: `--agent-url`/`--agent-id` first, then what the running serve says it
/// uses (`GET /settings`), then this shell's `ELEVENLABS_BASE_URL`/`ELEVENLABS_AGENT_ID`,
/// then the public service.
fn choose_agent(
    args: &DoctorArgs,
    serve: Option<&serde_json::Value>,
    env_url: Option<String>,
    env_id: Option<String>,
) -> AgentChoice {
    let from_serve = |k: &str| {
        serve
            .and_then(|v| v["agent"][k].as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (base_url, source) = if let Some(u) = &args.agent_url {
        (u.clone(), "--agent-url".to_string())
    } else if let Some(u) = from_serve("base_url") {
        let transport = from_serve("transport")
            .map(|t| format!(", {t}"))
            .unwrap_or_default();
        (u, format!("what the running vcctl serve uses{transport}"))
    } else if let Some(u) = env_url {
        (u, "ELEVENLABS_BASE_URL".to_string())
    } else {
        (
            DEFAULT_AGENT_BASE_URL.to_string(),
            "default; no vcctl serve answered".to_string(),
        )
    };
    let agent_id = args
        .agent_id
        .clone()
        .or_else(|| from_serve("default_agent_id"))
        .or(env_id);
    AgentChoice {
        base_url,
        agent_id,
        source,
    }
}

/// One line on what the running serve uses.
fn serve_summary(v: &serde_json::Value) -> String {
    let s = |p: &str| {
        v.pointer(p)
            .map(|x| match x {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_else(|| "?".into())
    };
    format!(
        "vcctl {} as app '{}': agent {} (default agent id {}), RTP {}:{} {}",
        s("/version"),
        s("/app"),
        s("/agent/conversation_url"),
        s("/agent/default_agent_id"),
        s("/rtp/bind"),
        s("/rtp/ports"),
        s("/rtp/format"),
    )
}

fn agent_settings(
    ctx: &Ctx,
    choice: &AgentChoice,
    ari: &AriSettings,
) -> std::result::Result<(AgentSettings, bool), String> {
    let id = choice.agent_id.clone();
    let has_id = id.is_some();
    let mut s =
        AgentSettings::new(&choice.base_url, id.unwrap_or_default()).map_err(|e| e.to_string())?;
    s.api_key = ctx.layers.get("ELEVENLABS_API_KEY").map(Secret::new);
    s.ca_cert = ari.ca_cert.clone();
    Ok((s, has_id))
}

/// Asterisk, credentials, app, endpoints, transports and the clock (it needs Asterisk's).
async fn ari_checks(client: &AriClient, s: &AriSettings, o: &NetOptions) -> [CheckRow; 6] {
    let url = s.url.to_string();
    let skip = |check: &str, target: &str, why: &str| {
        CheckRow::new(check, target, Status::Skip, format!("not checked: {why}"))
    };
    let ntp = ntp_synchronized();
    let info = client.info().await;
    let (asterisk, credentials, reachable, authorized) = match &info {
        Ok(i) => {
            let version = i
                .system
                .as_ref()
                .map(|s| s.version.clone())
                .unwrap_or_else(|| "unknown version".into());
            let since = i
                .status
                .as_ref()
                .map(|st| format!(", up since {}", st.startup_time))
                .unwrap_or_default();
            (
                CheckRow::new(
                    "asterisk",
                    url.clone(),
                    Status::Pass,
                    format!("Asterisk {version} answers ARI{since}"),
                ),
                CheckRow::new(
                    "ari credentials",
                    s.user.clone(),
                    Status::Pass,
                    format!("user '{}' accepted", s.user),
                ),
                true,
                true,
            )
        }
        Err(e @ (AriError::Unauthorized { .. } | AriError::NoPassword { .. })) => (
            CheckRow::new(
                "asterisk",
                url.clone(),
                Status::Pass,
                "ARI answers (the version shows once the credentials are accepted)",
            ),
            CheckRow::new(
                "ari credentials",
                s.user.clone(),
                Status::Fail,
                if matches!(e, AriError::NoPassword { .. }) {
                    format!(
                        "no ARI password is set: ARI refused user '{}' without one",
                        s.user
                    )
                } else {
                    format!("ARI rejected user '{}' and the password given", s.user)
                },
            )
            .with_fix(format!(
                "set ASTERISK_ARI_PASSWORD (environment or .env; or --password) to the password of [{}] in ari.conf (docker/.env ASTERISK_ARI_PASSWORD)",
                s.user
            )),
            true,
            false,
        ),
        Err(e @ (AriError::Unreachable { .. } | AriError::Timeout { .. })) => (
            CheckRow::new("asterisk", url.clone(), Status::Fail, e.to_string())
                .with_fix(START_ASTERISK),
            skip("ari credentials", &s.user, "Asterisk is not reachable"),
            false,
            false,
        ),
        Err(e) => (
            CheckRow::new("asterisk", url.clone(), Status::Fail, e.to_string()).with_fix(
                "check that --ari-url points at Asterisk's HTTP server (http.conf) with ARI enabled (ari.conf enabled=yes)",
            ),
            skip("ari credentials", &s.user, "ARI did not answer as expected"),
            false,
            false,
        ),
    };
    if !authorized {
        let why = if reachable {
            "the ARI credentials were rejected"
        } else {
            "Asterisk is not reachable"
        };
        let clock = judge_clock(now_unix(), None, ntp);
        return [
            asterisk,
            credentials,
            skip("app registered", &s.app, why),
            skip("pjsip endpoints", "PJSIP", why),
            skip("pjsip transports", "PJSIP", why),
            clock,
        ];
    }
    let app = app_item(client, &s.app).await;
    let endpoints = match client.endpoints().await {
        Ok(list) => {
            let pjsip: Vec<String> = list
                .iter()
                .filter(|e| e.technology == "PJSIP")
                .map(|e| {
                    format!(
                        "PJSIP/{} ({})",
                        e.resource,
                        e.state.clone().unwrap_or_else(|| "unknown".into())
                    )
                })
                .collect();
            if pjsip.is_empty() {
                CheckRow::new(
                    "pjsip endpoints",
                    "PJSIP",
                    Status::Fail,
                    "Asterisk has no PJSIP endpoint: no call can come in",
                )
                .with_fix("define an endpoint in pjsip.conf (the deployment's [anonymous]) and check: asterisk -rx 'pjsip show endpoints'")
            } else {
                CheckRow::new("pjsip endpoints", "PJSIP", Status::Pass, pjsip.join(", "))
            }
        }
        Err(e) => CheckRow::new("pjsip endpoints", "PJSIP", Status::Fail, e.to_string()),
    };
    let transports = transport_item(client, o).await;
    let t0 = now_unix();
    let ping = client.ping().await;
    let t1 = now_unix();
    let ast_time = ping.ok().and_then(|v| {
        v.get("timestamp")
            .and_then(|t| t.as_str())
            .and_then(parse_ari_time)
    });
    let clock = judge_clock((t0 + t1) / 2.0, ast_time, ntp);
    [asterisk, credentials, app, endpoints, transports, clock]
}

/// The app row: PASS only with evidence of a live client (it answered a probe through the
/// app); a registration nobody answers is a FAIL, since calls into it fail.
async fn app_item(client: &AriClient, app: &str) -> CheckRow {
    let row = |status, evidence: String| CheckRow::new("app registered", app, status, evidence);
    match probe(client, app, PROBE_TIMEOUT).await {
        Ok(l @ Liveness::Answered { .. }) => row(Status::Pass, l.sentence(app)),
        Ok(l @ Liveness::NoAnswer { .. }) => row(Status::Fail, l.sentence(app)).with_fix(format!(
            "{START_SERVE}; it takes the registration over (Asterisk restarts are not needed)"
        )),
        Ok(l @ Liveness::NotRegistered) => row(Status::Fail, l.sentence(app)).with_fix(format!(
            "{START_SERVE}; check ASTERISK_ARI_APP matches the app in extensions.conf ('{app}')"
        )),
        Err(e) => row(Status::Fail, e.to_string()),
    }
}

/// Transports named in pjsip.conf, each confirmed loaded in Asterisk (sorcery over ARI).
async fn transport_item(client: &AriClient, o: &NetOptions) -> CheckRow {
    let conf = read_asterisk_config(&o.conf_dir.0);
    let names: Vec<String> = match &conf.transports {
        Ok(t) => t.iter().map(|t| t.name.clone()).collect(),
        Err(e) => {
            return CheckRow::new(
                "pjsip transports",
                "PJSIP",
                Status::Skip,
                format!("not checked: {e}; give --asterisk-config DIR"),
            )
        }
    };
    if names.is_empty() {
        return CheckRow::new(
            "pjsip transports",
            "PJSIP",
            Status::Fail,
            "pjsip.conf defines no transport: Asterisk does not listen for SIP",
        )
        .with_fix("add [transport-udp] with type=transport, protocol=udp, bind=0.0.0.0:5060 to pjsip.conf and restart Asterisk");
    }
    let mut loaded = Vec::new();
    let mut missing = Vec::new();
    for n in &names {
        match client.dynamic_config("res_pjsip", "transport", n).await {
            Ok(attrs) => {
                let get = |k: &str| {
                    attrs
                        .iter()
                        .find(|a| a.attribute == k)
                        .map(|a| a.value.clone())
                        .unwrap_or_default()
                };
                loaded.push(format!("{n} ({} {})", get("protocol"), get("bind")));
            }
            Err(e) if e.is_not_found() => missing.push(n.clone()),
            Err(e) => missing.push(format!("{n} ({e})")),
        }
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

/// `--transport websocket`: Asterisk can carry serve's media over its HTTP server
/// (chan_websocket loaded, Asterisk 22.8 or later for marks and JSON control).
async fn websocket_media_item(client: &AriClient, o: &NetOptions) -> CheckRow {
    let version = client
        .info()
        .await
        .ok()
        .and_then(|i| i.system)
        .map(|s| s.version);
    // ARI names modules with their file name: without ".so" Asterisk answers 409.
    let module = client.module("chan_websocket.so").await;
    let loaded = match &module {
        Ok(m) => Ok(m["status"].as_str().unwrap_or("loaded").to_string()),
        Err(e) if e.is_not_found() => Err("not loaded".to_string()),
        Err(e) => Err(format!("not known ({e})")),
    };
    let port = o.ari.map(|p| p.to_string()).unwrap_or_else(|| "ARI".into());
    websocket_media_row(version.as_deref(), loaded, &port)
}

/// Whether an Asterisk version string is 22.8 or later (chan_websocket with marks, JSON).
fn websocket_version_ok(version: &str) -> Option<bool> {
    let mut it = version
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .split(|c: char| !c.is_ascii_digit());
    let major: u32 = it.next()?.parse().ok()?;
    let minor: u32 = it.next()?.parse().ok()?;
    Some(major > 22 || (major == 22 && minor >= 8))
}

fn websocket_media_row(
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
fn rtp_item(net_rows: &[CheckRow], checked: bool) -> CheckRow {
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
fn firewall_summary(net_rows: &[CheckRow]) -> CheckRow {
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

async fn agent_check(settings: std::result::Result<(AgentSettings, bool), String>) -> CheckRow {
    let (s, has_id) = match settings {
        Ok(x) => x,
        Err(e) => {
            return CheckRow::new("agent", "agent URL", Status::Fail, e).with_fix(
                "set --agent-url or ELEVENLABS_BASE_URL to e.g. https://api.elevenlabs.io",
            )
        }
    };
    let probe = probe_agent(&s, Duration::from_secs(5)).await;
    judge_agent(&probe, has_id)
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

/// Whether Asterisk resolves its own host name locally and quickly (it does, per call).
async fn host_name_check(ari_port: u16) -> CheckRow {
    match crate::io::asterisk_host::probe(ari_port, Duration::from_secs(5)).await {
        Ok(lookup) => vcctl_core::checks::host_name::judge_host_lookup(&lookup),
        Err(why) => CheckRow::new(
            "asterisk host name",
            "Asterisk",
            Status::Skip,
            format!("not checked: {why}"),
        ),
    }
}

async fn api_check(url: &Url) -> CheckRow {
    judge_api(&probe_api(url, Duration::from_secs(3)).await)
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

/// Whether the kernel considers the clock NTP-synchronized (`adjtimex`, read-only).
fn ntp_synchronized() -> Option<bool> {
    // SAFETY: adjtimex with modes = 0 only reads the kernel's state into the struct.
    let mut t: libc::timex = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::adjtimex(&mut t) };
    if r < 0 {
        return None;
    }
    Some(r != libc::TIME_ERROR && t.status & libc::STA_UNSYNC == 0)
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
    fn the_agent_checked_is_the_one_the_running_serve_uses() {
        use crate::cli::{Cli, Command};
        use clap::Parser;
        let args = |extra: &[&str]| {
            let mut v = vec!["vcctl", "doctor"];
            v.extend_from_slice(extra);
            match Cli::try_parse_from(v).unwrap().command {
                Command::Doctor(a) => a,
                _ => unreachable!(),
            }
        };
        let serve = serde_json::json!({"agent": {
            "base_url": "ws://127.0.0.1:9000", "transport": "ws", "default_agent_id": "demo"}});
        let c = choose_agent(
            &args(&[]),
            Some(&serve),
            Some("https://x.example".into()),
            None,
        );
        assert_eq!(c.base_url, "ws://127.0.0.1:9000");
        assert_eq!(c.agent_id.as_deref(), Some("demo"));
        assert_eq!(c.source, "what the running vcctl serve uses, ws");
        // Flags win; without a serve, the environment; else the public service.
        let c = choose_agent(
            &args(&["--agent-url", "wss://eu.example", "--agent-id", "a1"]),
            Some(&serve),
            None,
            None,
        );
        assert_eq!(
            (c.base_url.as_str(), c.agent_id.as_deref()),
            ("wss://eu.example", Some("a1"))
        );
        let c = choose_agent(
            &args(&[]),
            None,
            Some("https://x.example".into()),
            Some("e".into()),
        );
        assert_eq!(
            (c.base_url.as_str(), c.source.as_str()),
            ("https://x.example", "ELEVENLABS_BASE_URL")
        );
        let c = choose_agent(&args(&[]), None, None, None);
        assert_eq!(c.base_url, DEFAULT_AGENT_BASE_URL);
        assert_eq!(c.agent_id, None);
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
}
