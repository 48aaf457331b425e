//! `vcctl doctor`: the troubleshooting runbook as one checklist. Asterisk reachable and its
//! version; ARI credentials; the app registered and a live client (serve) answering through
//! it; PJSIP endpoints and transports; the RTP range in rtp.conf and the firewall;
//! check-firewall's summary; the agent reachable (DNS, TCP, TLS + WebSocket handshake); the
//! HTTP API of serve; the clock. With several nodes (`--ari-url a,b`, `--nodes FILE`) the ARI
//! items are checked on every node, each row named after its node; with `--kamailio-ctl`,
//! Kamailio's dispatcher is asked which nodes it sends calls to, against what ARI says.

use std::collections::BTreeMap;
use std::time::Duration;

use url::Url;

use crate::cli::DoctorArgs;
use crate::config::{AriSettings, Secret};
use crate::error::{Error, Result};
use crate::io::agent_ws::{AgentSettings, DEFAULT_AGENT_BASE_URL};
use crate::io::app_probe::{probe, PROBE_TIMEOUT};
use crate::io::ari_http::{AriClient, AriError};
use crate::io::health::{fetch_serve_settings, probe_agent, probe_api};
use crate::ui::check_views::CheckReport;
use crate::ui::output::emit;
use crate::ui::progress;
use vcctl_core::ari::model::parse_ari_time;
use vcctl_core::checks::doctor::{
    firewall_summary, judge_agent, judge_api, judge_app, judge_ari, judge_endpoints,
    judge_transports, rtp_item, transports_unread, websocket_media_row, AriAnswer,
};
use vcctl_core::checks::kamailio::{judge_kamailio, parse_dispatcher_list, NodeSeen};
use vcctl_core::checks::procnet::Proto;
use vcctl_core::checks::verdicts::{judge_clock, CheckRow, PortSpec, Status};

use super::net_checks::{fail_if_failed, network_checks, read_asterisk_config, NetOptions};
use super::{now_unix, Ctx};

pub async fn run(ctx: &Ctx, args: DoctorArgs) -> Result<()> {
    let nodes = ctx.ari_nodes()?;
    let settings = nodes[0].settings.clone();
    let api_url = Url::parse(&args.api_url)
        .map_err(|e| Error::Usage(format!("--api-url {}: {e}", args.api_url)))?;
    let port_of = |u: &Url| u.port_or_known_default().unwrap_or(80);
    let opts = NetOptions::from_args(
        &args.net,
        PortSpec::single(port_of(&settings.url), Proto::Tcp),
        PortSpec::single(port_of(&api_url), Proto::Tcp),
    )?;
    let clients = nodes
        .iter()
        .map(|n| AriClient::with_timeout(&n.settings, Duration::from_secs(5)))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let client = clients[0].clone();
    let kamailio_ctl = args
        .kamailio_ctl
        .clone()
        .or_else(|| ctx.layers.get("VCCTL_KAMAILIO_CTL"));
    // The agent a running serve uses beats this shell's idea of it.
    let api_token = crate::io::api_token::load_api_token_from(&ctx.layers, None)?;
    let serve_settings =
        fetch_serve_settings(&api_url, Duration::from_secs(2), api_token.as_ref()).await;
    let choice = choose_agent(
        &args,
        serve_settings.as_ref().ok(),
        ctx.layers.get("ELEVENLABS_BASE_URL"),
        ctx.layers.get("ELEVENLABS_AGENT_ID"),
    );
    let agent = agent_settings(ctx, &choice, &settings);

    let spinner = progress::spinner("running the checklist");
    let per_node = futures_util::future::join_all(
        clients
            .iter()
            .zip(&nodes)
            .map(|(c, n)| ari_checks(c, &n.settings, &opts)),
    );
    let kamailio = async {
        match &kamailio_ctl {
            Some(ctl) => {
                Some(crate::io::kamailio::dispatcher_list(ctl, Duration::from_secs(5)).await)
            }
            None => None,
        }
    };
    let (node_rows, net, agent_row, api_row, host_row, kamailio) = tokio::join!(
        per_node,
        network_checks(&opts, false),
        agent_check(agent),
        api_check(&api_url),
        host_name_check(port_of(&settings.url)),
        kamailio,
    );
    spinner.finish_and_clear();

    let several = nodes.len() > 1;
    let mut rows = Vec::new();
    let mut clocks = Vec::new();
    let mut seen = Vec::new();
    for (node, node_rows) in nodes.iter().zip(node_rows) {
        let [asterisk, credentials, app, endpoints, transports, clock] = node_rows.map(|mut r| {
            if several {
                r.check = format!("{}: {}", node.name, r.check);
            }
            r
        });
        seen.push(NodeSeen {
            name: node.name.clone(),
            ari_host: node.settings.url.host_str().unwrap_or_default().to_string(),
            ari_up: asterisk.status != Status::Fail && credentials.status != Status::Fail,
        });
        rows.extend([asterisk, credentials, app, endpoints, transports]);
        clocks.push(clock);
    }
    rows.push(host_row);
    if let Some(answer) = &kamailio {
        let ctl = kamailio_ctl.clone().unwrap_or_default();
        match answer {
            Ok(text) => {
                let dests = parse_dispatcher_list(text);
                if dests.is_empty() {
                    rows.push(CheckRow::new(
                        "kamailio",
                        ctl,
                        Status::Warn,
                        "Kamailio's dispatcher has no destination: it sends calls nowhere",
                    ));
                } else {
                    rows.extend(judge_kamailio(&seen, &dests));
                }
            }
            Err(why) => rows.push(
                CheckRow::new("kamailio", ctl, Status::Warn, why.clone())
                    .with_fix("give --kamailio-ctl the socket of the ctl module (modparam(\"ctl\", \"binrpc\", ...))"),
            ),
        }
    }
    if opts.transport == crate::cli::TransportArg::Websocket {
        rows.push(websocket_media_item(&client, &opts).await);
    }
    rows.push(rtp_item(&net.rows, net.rtp.is_some()));
    rows.push(firewall_summary(&net.rows));
    rows.push(agent_row);
    rows.push(api_row);
    if let Err(e) = &serve_settings {
        if e.starts_with(crate::io::health::SETTINGS_UNAUTHORIZED) {
            rows.push(
                CheckRow::new("api token", api_url.to_string(), Status::Warn, e.clone()).with_fix(
                    "give doctor the token serve uses: VCCTL_API_TOKEN or VCCTL_API_TOKEN_FILE",
                ),
            );
        }
    }
    rows.extend(clocks);
    let mut context = BTreeMap::new();
    context.insert(
        "ari".to_string(),
        nodes
            .iter()
            .map(|n| match several {
                true => format!("{} {}", n.name, n.settings.url),
                false => n.settings.url.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    );
    if let Some(ctl) = &kamailio_ctl {
        context.insert("kamailio".to_string(), ctl.clone());
    }
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
    let ntp = crate::io::clock::ntp_synchronized();
    let answer = match client.info().await {
        Ok(i) => AriAnswer::Info {
            version: i.system.as_ref().map(|s| s.version.clone()),
            startup_time: i.status.as_ref().map(|st| st.startup_time.clone()),
        },
        Err(AriError::Unauthorized { .. }) => AriAnswer::Unauthorized { no_password: false },
        Err(AriError::NoPassword { .. }) => AriAnswer::Unauthorized { no_password: true },
        Err(e @ (AriError::Unreachable { .. } | AriError::Timeout { .. })) => {
            AriAnswer::Unreachable(e.to_string())
        }
        Err(e) => AriAnswer::Unexpected(e.to_string()),
    };
    let (asterisk, credentials, reachable, authorized) = judge_ari(&url, &s.user, &answer);
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
    let endpoints = judge_endpoints(
        client
            .endpoints()
            .await
            .map(|list| {
                list.into_iter()
                    .filter(|e| e.technology == "PJSIP")
                    .map(|e| (e.resource, e.state))
                    .collect()
            })
            .map_err(|e| e.to_string()),
    );
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

/// The app row, from a probe through the app.
async fn app_item(client: &AriClient, app: &str) -> CheckRow {
    let probe = probe(client, app, PROBE_TIMEOUT).await;
    judge_app(app, probe.as_ref().map_err(|e| e.to_string()))
}

/// Transports named in pjsip.conf, each confirmed loaded in Asterisk (sorcery over ARI).
async fn transport_item(client: &AriClient, o: &NetOptions) -> CheckRow {
    let conf = read_asterisk_config(&o.conf_dir.0);
    let names: Vec<String> = match &conf.transports {
        Ok(t) => t.iter().map(|t| t.name.clone()).collect(),
        Err(e) => return transports_unread(e),
    };
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
    judge_transports(&loaded, &missing)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
