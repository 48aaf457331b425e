//! `vcctl serve`: resolve the flags into [`ServeOptions`], open the store, run the service.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::cli::{AgentFailureArg, RtpFormatArg, ServeArgs, TransportArg};
use crate::config::{redact_userinfo, AriSettings, Layers};
use crate::error::{Error, Result};
use crate::io::api_token::{load_api_token_from, ApiToken};
use crate::io::ari_http::AriClient;
use crate::io::db::{resolve_db, spool_path, Db, DbLocation};
use crate::io::serve::call::{AgentFailurePolicy, MediaTransport, RtpFormat, ServeOptions, Shared};
use crate::io::serve::http_api::{Access, ApiState, DEFAULT_EVENT_BUFFER};
use crate::io::serve::metrics::ServeMetrics;
use crate::io::serve::rtp_socket::PortPool;
use crate::ui::output::Render;
use vcctl_core::agent::routing::{DEFAULT_AGENT_ID_ENV, DEFAULT_API_KEY_ENV};
use vcctl_core::media::call_media::MediaSettings;
use vcctl_core::serve::call_log::{shutdown_summary, ServeTotals};

use super::Ctx;

/// Where the agent lives unless told otherwise.
pub const DEFAULT_AGENT_URL: &str = "https://api.elevenlabs.io";

pub fn options(ctx: &Ctx, a: &ServeArgs) -> Result<ServeOptions> {
    let rtp_format = match a.format {
        RtpFormatArg::Ulaw => RtpFormat::Ulaw,
        RtpFormatArg::Slin16 => RtpFormat::Slin16,
    };
    let secs = |what: &str, s: f64| {
        Duration::try_from_secs_f64(s)
            .map_err(|_| Error::Usage(format!("{what} must be a number of seconds >= 0")))
    };
    let media = MediaSettings {
        rtp_codec: rtp_format.codec(),
        chunk: Duration::from_millis(a.chunk_ms),
        prebuffer: Duration::from_millis(a.prebuffer_ms),
        underflow_grace: Duration::from_millis(a.underflow_grace_ms),
        ..MediaSettings::default()
    };
    let ari = ctx.ari_settings()?;
    Ok(ServeOptions {
        app: ari.app.clone(),
        http: a.http,
        rtp_bind: a.rtp_bind,
        rtp_advertise: a.rtp_advertise.unwrap_or(a.rtp_bind),
        rtp_ports: a.rtp_ports,
        rtp_format,
        media,
        agent_base_url: a
            .agent_url
            .clone()
            .or_else(|| ctx.layers.get("ELEVENLABS_BASE_URL"))
            .unwrap_or_else(|| DEFAULT_AGENT_URL.to_string()),
        ca_cert: ari.ca_cert.clone(),
        on_agent_failure: match a.on_agent_failure {
            AgentFailureArg::Hangup => AgentFailurePolicy::Hangup {
                reason: a.failure_reason.clone(),
            },
            AgentFailureArg::Fallback => AgentFailurePolicy::Fallback {
                media: a.fallback_media.clone(),
                max: secs("--fallback-secs", a.fallback_secs)?,
            },
        },
        drain_timeout: secs("--drain-timeout", a.drain_timeout)?,
        max_calls: a.max_calls,
        record_ari: a.record_ari,
        transport: match a.transport {
            TransportArg::Rtp => MediaTransport::Rtp,
            TransportArg::Websocket => MediaTransport::WebSocket,
        },
        ws_window: Duration::from_millis(a.ws_window_ms),
        ws_idle_silence: a.ws_idle_silence,
        ari: ari.clone(),
        media_timeout: Some(secs("--media-timeout", a.media_timeout)?).filter(|d| !d.is_zero()),
        reconcile_every: secs("--reconcile-secs", a.reconcile_secs)?,
    })
}

/// What `GET /settings` shows: the agent URL and transport, the default agent id (whether a
/// key is set, never the key), the app, RTP and the database, so `vcctl doctor` checks what
/// this serve really uses.
pub fn settings_json(
    opts: &ServeOptions,
    ari: &AriSettings,
    layers: &Layers,
    db: &DbLocation,
) -> serde_json::Value {
    let conversation = crate::io::agent_ws::AgentSettings::new(&opts.agent_base_url, "")
        .ok()
        .map(|s| {
            let mut u = s.public_url();
            u.set_query(None);
            u.to_string()
        });
    let secure = conversation.as_deref().map(|u| u.starts_with("wss:"));
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "app": opts.app,
        "ari_url": ari.url.as_str(),
        "http": opts.http.to_string(),
        "db": db.to_string(),
        "agent": {
            "base_url": redact_userinfo(&opts.agent_base_url),
            "conversation_url": conversation,
            "transport": secure.map(|tls| if tls { "wss" } else { "ws" }),
            "default_agent_id": layers.get(DEFAULT_AGENT_ID_ENV),
            "default_api_key_set": layers.get(DEFAULT_API_KEY_ENV).is_some(),
            "on_failure": match &opts.on_agent_failure {
                AgentFailurePolicy::Hangup { reason } => format!("hangup ({reason})"),
                AgentFailurePolicy::Fallback { media, .. } => format!("fallback ({media})"),
            },
        },
        "rtp": {
            "bind": opts.rtp_bind.to_string(),
            "advertise": opts.rtp_advertise.to_string(),
            "ports": opts.rtp_ports.to_string(),
            "format": opts.rtp_format.asterisk_name(),
            "chunk_ms": opts.media.chunk.as_millis() as u64,
            "prebuffer_ms": opts.media.prebuffer.as_millis() as u64,
            "underflow_grace_ms": opts.media.underflow_grace.as_millis() as u64,
        },
        "max_calls": opts.max_calls,
        "drain_timeout_seconds": opts.drain_timeout.as_secs_f64(),
    })
}

/// `--call-logs*`: where the per-call logs go, created now so a mistake shows at start.
fn journal_settings(
    a: &ServeArgs,
    db: &DbLocation,
) -> Result<crate::io::serve::journal::JournalSettings> {
    use crate::io::serve::journal::{default_dir, JournalSettings};
    let dir = if a.call_logs_keep == 0 {
        None
    } else {
        let dir = a.call_logs.clone().unwrap_or_else(|| default_dir(db));
        std::fs::create_dir_all(&dir).map_err(|e| {
            Error::io(
                format!(
                    "the per-call logs cannot be written to {} (choose another --call-logs, or --call-logs-keep 0)",
                    dir.display()
                ),
                e,
            )
        })?;
        Some(std::fs::canonicalize(&dir).unwrap_or(dir))
    };
    Ok(JournalSettings {
        dir,
        keep_calls: a.call_logs_keep,
        max_file_bytes: a.call_logs_max_mb.max(1) * 1024 * 1024,
        keep_audio: a.call_logs_audio,
        ..Default::default()
    })
}

/// Who may use the HTTP API on `http` with `token`; refuses a listener other than loopback
/// without a token (exit 2), before anything else starts.
pub fn api_access(http: std::net::SocketAddr, token: Option<ApiToken>) -> Result<Access> {
    if token.is_none() && !http.ip().is_loopback() {
        return Err(Error::Usage(format!(
            "serve will not listen on {http} without an API token, since anyone who reaches it \
             could read every caller's number and hang up calls; set VCCTL_API_TOKEN (or \
             VCCTL_API_TOKEN_FILE, or --api-token-file PATH), or listen on 127.0.0.1"
        )));
    }
    Ok(Access::for_listener(http, token))
}

pub async fn run(ctx: &Ctx, a: ServeArgs) -> Result<()> {
    // Who may use the API is settled first: a network listener without a token stops here.
    let token = load_api_token_from(&ctx.layers, a.api_token_file.as_deref())?;
    let api_token_set = token.is_some();
    let access = api_access(a.http, token)?;
    let opts = options(ctx, &a)?;
    // The agent URL is checked now, not at the first call.
    crate::io::agent_ws::parse_base_url(&opts.agent_base_url)?;
    let ari_settings = ctx.ari_settings()?;
    let db = resolve_db(a.db.db.as_deref(), &ctx.layers);
    let instance = a
        .instance
        .clone()
        .or_else(|| ctx.layers.get("VCCTL_INSTANCE"))
        .unwrap_or_else(|| format!("{}:{}", host_name(), a.http.port()));
    // StoreError's own mapping: a busy database is exit 7, a newer schema 1, as documented.
    // With PostgreSQL, records that cannot reach it wait in a spool file of this instance.
    let spool = spool_path(&ctx.layers, &instance);
    let store = Db::open_serving(&db, &spool)?;
    let metrics = ServeMetrics::new();
    let mut plugins: Vec<crate::io::serve::call::PluginFactory> = Vec::new();
    if let Some(dir) = &a.record {
        crate::io::serve::recording::prepare_dir(dir).map_err(|e| {
            Error::io(
                format!("recordings cannot be written to {}", dir.display()),
                e,
            )
        })?;
        // Records note an absolute path, whatever the working directory of the reader.
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        plugins.push(crate::io::serve::recording::factory(
            dir,
            opts.rtp_format.codec(),
        ));
    }
    if let Some(dir) = &a.capture {
        crate::io::serve::capture::prepare_dir(dir).map_err(|e| {
            Error::io(
                format!("captures cannot be written to {}", dir.display()),
                e,
            )
        })?;
        // Absolute, so the call's log names a file `calls bundle` finds from anywhere.
        let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        plugins.push(crate::io::serve::capture::factory(dir));
    }
    let journals = journal_settings(&a, &db)?;
    let mut settings = settings_json(&opts, &ari_settings, &ctx.layers, &db);
    settings["api_token_set"] = api_token_set.into();
    let shared = Arc::new(Shared {
        ari: AriClient::with_limits(
            &ari_settings,
            Duration::from_secs(10),
            a.ari_max_requests as usize,
        )?,
        api: ApiState::new(metrics.registry.clone(), DEFAULT_EVENT_BUFFER)
            .with_settings(settings)
            .with_journals(crate::io::serve::journal::Journals::new(journals))
            .with_access(access),
        metrics,
        ports: PortPool::new(opts.rtp_bind, opts.rtp_ports),
        store,
        instance,
        asterisk_id: Default::default(),
        layers: ctx.layers.clone(),
        routes: Mutex::new(Default::default()),
        bridges: Mutex::new(Default::default()),
        watches: Mutex::new(Default::default()),
        in_stasis: Mutex::new(Default::default()),
        plugins,
        opts,
    });
    let json = ctx.json();
    crate::io::serve::run(
        shared,
        ari_settings,
        crate::io::signals::stop_requested(),
        |t| stopped(t, json),
    )
    .await
}

/// The summary when serve stops: one line on stderr (after the log's), or with `--json` the
/// figures as JSON on stdout.
fn stopped(t: &ServeTotals, json: bool) {
    if json {
        if let Err(e) = crate::ui::output::emit(t, true) {
            tracing::warn!("the stop summary could not be written: {e}");
        }
    } else {
        eprintln!("vcctl serve: {}", t.render_text());
    }
}

impl Render for ServeTotals {
    fn render_text(&self) -> String {
        shutdown_summary(self)
    }
}

/// This machine's host name (`--instance`'s default), or `localhost` when it cannot be read.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn the_playout_flags_reach_the_media_settings_and_settings_shows_them() {
        let cli = Cli::try_parse_from([
            "vcctl",
            "serve",
            "--prebuffer-ms",
            "20",
            "--underflow-grace-ms",
            "5",
        ])
        .unwrap();
        let Command::Serve(a) = cli.command else {
            panic!("wrong command")
        };
        let ctx = Ctx {
            global: cli.global,
            layers: Layers::default(),
        };
        let opts = options(&ctx, &a).unwrap();
        assert_eq!(opts.media.prebuffer, Duration::from_millis(20));
        assert_eq!(opts.media.underflow_grace, Duration::from_millis(5));
        let db = resolve_db(None, &ctx.layers);
        let s = settings_json(&opts, &ctx.ari_settings().unwrap(), &ctx.layers, &db);
        assert_eq!(s["rtp"]["prebuffer_ms"], 20);
        assert_eq!(s["rtp"]["underflow_grace_ms"], 5);
    }

    #[test]
    fn a_network_listener_without_a_token_is_refused_in_one_sentence() {
        let e = api_access("0.0.0.0:8000".parse().unwrap(), None).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let msg = e.to_string();
        assert!(
            msg.contains("0.0.0.0:8000") && msg.contains("VCCTL_API_TOKEN"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
        assert!(api_access("192.168.1.5:8000".parse().unwrap(), None).is_err());
        // Loopback needs none; with a token any address is fine.
        assert!(api_access("127.0.0.1:8000".parse().unwrap(), None).is_ok());
        assert!(api_access("[::1]:8000".parse().unwrap(), None).is_ok());
        let t = ApiToken::parse("0123456789abcdef0123", "test").unwrap();
        assert!(api_access("0.0.0.0:8000".parse().unwrap(), Some(t)).is_ok());
    }
}
