//! `vcctl serve`: resolve the flags into [`ServeOptions`], open the store, run the service.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::path::Path;

use crate::cli::{AgentFailureArg, RtpFormatArg, ServeArgs, TransportArg};
use crate::config::{redact_userinfo, AriSettings, Layers};
use crate::error::{Error, Result};
use crate::io::ari_http::AriClient;
use crate::io::serve::call::{AgentFailurePolicy, MediaTransport, RtpFormat, ServeOptions, Shared};
use crate::io::serve::http_api::{ApiState, DEFAULT_EVENT_BUFFER};
use crate::io::serve::metrics::ServeMetrics;
use crate::io::serve::rtp_socket::PortPool;
use crate::io::store::{resolve_db_path, Store};
use vcctl_core::agent::routing::{DEFAULT_AGENT_ID_ENV, DEFAULT_API_KEY_ENV};
use vcctl_core::media::call_media::MediaSettings;

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
    db: &Path,
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
        "db": db.display().to_string(),
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
        },
        "max_calls": opts.max_calls,
        "drain_timeout_seconds": opts.drain_timeout.as_secs_f64(),
    })
}

/// `--call-logs*`: where the per-call logs go, created now so a mistake shows at start.
fn journal_settings(
    a: &ServeArgs,
    db: &Path,
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

pub async fn run(ctx: &Ctx, a: ServeArgs) -> Result<()> {
    let opts = options(ctx, &a)?;
    // The agent URL is checked now, not at the first call.
    crate::io::agent_ws::parse_base_url(&opts.agent_base_url)?;
    let ari_settings = ctx.ari_settings()?;
    let db = resolve_db_path(a.db.db.as_deref(), &ctx.layers);
    // StoreError's own mapping: a busy database is exit 7, a newer schema 1, as documented.
    let store = Store::open(&db)?;
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
    let settings = settings_json(&opts, &ari_settings, &ctx.layers, &db);
    let shared = Arc::new(Shared {
        ari: AriClient::with_limits(
            &ari_settings,
            Duration::from_secs(10),
            a.ari_max_requests as usize,
        )?,
        api: ApiState::new(metrics.registry.clone(), DEFAULT_EVENT_BUFFER)
            .with_settings(settings)
            .with_journals(crate::io::serve::journal::Journals::new(journals)),
        metrics,
        ports: PortPool::new(opts.rtp_bind, opts.rtp_ports),
        store,
        layers: ctx.layers.clone(),
        routes: Mutex::new(Default::default()),
        bridges: Mutex::new(Default::default()),
        watches: Mutex::new(Default::default()),
        in_stasis: Mutex::new(Default::default()),
        plugins,
        opts,
    });
    crate::io::serve::run(shared, ari_settings, crate::io::signals::stop_requested()).await
}
