//! `vcctl calls list | show | export | stats | bundle`: the call records `vcctl serve` keeps
//! in the database (the same `--db` as the agent profiles); `bundle` adds serve's per-call logs
//! and files.

use std::io::Write;
use std::path::Path;

use super::{now_unix, Ctx};
use crate::cli::{
    CallOutcomeArg, CallsAction, CallsArgs, CallsBundleArgs, CallsExportArgs, CallsFilterArgs,
    CallsListArgs, CallsStatsArgs, ExportFormat,
};
use crate::error::{Error, Result};
use crate::io::store::{resolve_db_path, CallFilter, CallOutcome, CallRecord, Store};
use crate::ui::output::{emit, write_stdout};
use crate::ui::record_views::{self, CallList, CallStatsView, CallView};
use vcctl_core::analysis::stats::{summarize, CallSample};

pub async fn run(ctx: &Ctx, args: CallsArgs) -> Result<()> {
    let path = resolve_db_path(args.db.db.as_deref(), &ctx.layers);
    if let Some(CallsAction::Bundle(a)) = &args.action {
        return bundle(ctx, &path, a);
    }
    // Reading never creates a database: a missing file simply has no calls.
    let store = if path.exists() {
        Store::open(&path)?
    } else {
        Store::open_in_memory()?
    };
    let json = ctx.json();
    match args.action.unwrap_or(CallsAction::List(CallsListArgs {
        limit: 50,
        ..Default::default()
    })) {
        CallsAction::List(a) => {
            let mut f = filter(&a.filter, now_unix())?;
            f.limit = (a.limit > 0).then_some(a.limit);
            let calls = store.list_calls(&f)?;
            let limited = f.limit.is_some_and(|l| calls.len() as u32 >= l);
            emit(
                &CallList {
                    calls,
                    limited,
                    database: path.display().to_string(),
                },
                json,
            )
        }
        CallsAction::Show { id } => emit(&CallView(store.get_call(&id)?), json),
        CallsAction::Export(a) => export(&store, &a),
        CallsAction::Stats(a) => stats(&store, &a, json),
        CallsAction::Bundle(a) => bundle(ctx, &path, &a),
    }
}

fn bundle(ctx: &Ctx, db: &Path, a: &CallsBundleArgs) -> Result<()> {
    let report = bundle_call(
        db,
        &a.id,
        &a.output,
        a.call_logs.as_deref(),
        a.with_audio,
        a.redact_callers,
        bundle_secrets(ctx),
    )?;
    emit(&crate::ui::record_views::BundleView(report), ctx.json())
}

/// Write the bundle of call `id` (see `io::call_bundle`).
pub fn bundle_call(
    db: &Path,
    id: &str,
    output: &Path,
    call_logs: Option<&Path>,
    with_audio: bool,
    redact_callers: bool,
    secrets: Vec<String>,
) -> Result<crate::io::call_bundle::BundleReport> {
    use crate::io::call_bundle::{write_bundle, BundleError, BundleRequest};
    if !db.exists() {
        return Err(Error::NotFound(format!(
            "no call database at {}; give serve's --db",
            db.display()
        )));
    }
    let store = Store::open(db)?;
    let record = store.get_call(id)?;
    let mut secrets = secrets;
    // Keys named by agent profiles, whatever their variables are called.
    for p in store.list_profiles().unwrap_or_default() {
        if let Some(v) = p.api_key_env.and_then(|k| std::env::var(k).ok()) {
            secrets.push(v);
        }
    }
    let req = BundleRequest {
        output: output.to_path_buf(),
        call_logs: call_logs
            .map(Path::to_path_buf)
            .unwrap_or_else(|| crate::io::serve::journal::default_dir(db)),
        with_audio,
        redact_callers,
        secrets,
    };
    write_bundle(&record, &req).map_err(|e| match e {
        BundleError::Write { path, source } => {
            Error::io(format!("could not write the bundle {path}"), source)
        }
        e @ BundleError::Leak(_) => Error::Other(e.to_string()),
    })
}

/// Every value that must stay out of a bundle: the ARI password, environment and `.env`
/// values whose names say they are secret (API keys, tokens, passwords), the keys agent
/// profiles name, and serve's API token.
pub fn bundle_secrets(ctx: &Ctx) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, v) in ctx.layers.env.iter().chain(ctx.layers.dotenv.iter()) {
        if vcctl_core::serve::bundle::is_secret_name(k) && !k.ends_with("_FILE") {
            out.push(v.clone());
        }
    }
    if let Ok(ari) = ctx.ari_settings() {
        out.push(ari.password.expose().to_string());
    }
    if let Some(t) = crate::io::serve_client::api_token_secret() {
        out.push(t);
    }
    out.retain(|s| !s.is_empty());
    out
}

/// `--since`: a duration before `now` (`30m`, `1h`, `2d`, `1h 30m`) or an RFC 3339 time.
pub fn parse_since(s: &str, now: f64) -> Result<f64, String> {
    let s = s.trim();
    if let Ok(d) = humantime::parse_duration(s) {
        return Ok(now - d.as_secs_f64());
    }
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
            return Ok(d.as_secs_f64());
        }
    }
    Err(format!(
        "--since '{s}' is neither a duration (30m, 1h, 2d) nor a time (2025-01-31T12:00:00Z)"
    ))
}

fn filter(a: &CallsFilterArgs, now: f64) -> Result<CallFilter> {
    let since = a
        .since
        .as_deref()
        .map(|s| parse_since(s, now))
        .transpose()
        .map_err(Error::Usage)?;
    let (outcome, in_progress) = match a.outcome {
        None => (None, false),
        Some(CallOutcomeArg::InProgress) => (None, true),
        Some(CallOutcomeArg::Completed) => (Some(CallOutcome::Completed), false),
        Some(CallOutcomeArg::AgentFailed) => (Some(CallOutcome::AgentFailed), false),
        Some(CallOutcomeArg::CallerAbandoned) => (Some(CallOutcome::CallerAbandoned), false),
        Some(CallOutcomeArg::Error) => (Some(CallOutcome::Error), false),
        Some(CallOutcomeArg::Unfinished) => (Some(CallOutcome::Unfinished), false),
    };
    Ok(CallFilter {
        since,
        outcome,
        in_progress,
        profile: a.profile.clone(),
        caller: a.caller.clone(),
        ..Default::default()
    })
}

fn export(store: &Store, a: &CallsExportArgs) -> Result<()> {
    let calls = store.list_calls(&filter(&a.filter, now_unix())?)?;
    let mut text = String::new();
    match a.format {
        ExportFormat::Csv => record_views::write_csv(&calls, &mut text),
        ExportFormat::Jsonl => {
            for c in &calls {
                text.push_str(&serde_json::to_string(c).map_err(|e| Error::Other(e.to_string()))?);
                text.push('\n');
            }
        }
    }
    match &a.output {
        Some(path) => write_file(path, &text),
        None if text.is_empty() => Ok(()),
        None => write_stdout(&text),
    }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    let what = || format!("could not write {}", path.display());
    let mut f = std::fs::File::create(path).map_err(|e| Error::io(what(), e))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.flush())
        .map_err(|e| Error::io(what(), e))
}

/// What `calls stats` needs of a record.
pub fn sample(c: &CallRecord) -> CallSample {
    let response_ms = c
        .latency
        .as_ref()
        .and_then(|l| l.get("agent_response_ms"))
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
        .unwrap_or_default();
    CallSample {
        profile: c.profile.clone(),
        finished: c.outcome.is_some(),
        completed: c.outcome == Some(CallOutcome::Completed),
        duration_seconds: c.duration_seconds,
        response_ms,
    }
}

fn stats(store: &Store, a: &CallsStatsArgs, json: bool) -> Result<()> {
    let f = filter(
        &CallsFilterArgs {
            since: a.since.clone(),
            profile: a.profile.clone(),
            ..Default::default()
        },
        now_unix(),
    )?;
    let calls = store.list_calls(&f)?;
    let samples: Vec<CallSample> = calls.iter().map(sample).collect();
    emit(
        &CallStatsView {
            since: f.since,
            profiles: summarize(&samples),
        },
        json,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn since_takes_durations_and_times() {
        let now = 1_000_000.0;
        assert_eq!(parse_since("1h", now), Ok(now - 3600.0));
        assert_eq!(parse_since("30m", now), Ok(now - 1800.0));
        assert_eq!(parse_since("2d", now), Ok(now - 2.0 * 86400.0));
        assert_eq!(parse_since("1h 30m", now), Ok(now - 5400.0));
        assert_eq!(parse_since("1970-01-02T00:00:00Z", now), Ok(86400.0));
        let e = parse_since("yesterday", now).unwrap_err();
        assert!(e.contains("neither a duration"), "{e}");
    }

    #[test]
    fn outcome_filters_map_to_the_store() {
        let f = |o| {
            filter(
                &CallsFilterArgs {
                    outcome: Some(o),
                    ..Default::default()
                },
                0.0,
            )
            .unwrap()
        };
        assert_eq!(
            f(CallOutcomeArg::Unfinished).outcome,
            Some(CallOutcome::Unfinished)
        );
        assert!(f(CallOutcomeArg::InProgress).in_progress);
        assert!(matches!(
            filter(
                &CallsFilterArgs {
                    since: Some("soon".into()),
                    ..Default::default()
                },
                0.0
            ),
            Err(Error::Usage(_))
        ));
    }

    #[test]
    fn a_record_becomes_a_stats_sample() {
        let c = CallRecord {
            id: "c".into(),
            caller_channel_id: "c".into(),
            media_channel_id: None,
            bridge_id: None,
            caller_number: None,
            caller_name: None,
            extension: None,
            profile: Some("sales".into()),
            agent_id: None,
            conversation_id: None,
            stasis_start: 1.0,
            bridged: None,
            agent_connected: None,
            first_agent_audio: None,
            ended: Some(3.0),
            duration_seconds: Some(2.0),
            end_cause: None,
            ended_by: None,
            outcome: Some(CallOutcome::Completed),
            rtp_inbound: None,
            rtp_outbound: None,
            latency: Some(json!({"agent_response_ms": [300.0, 500.5]})),
            transcript: None,
            recording: None,
            transport: None,
            media_ws: None,
        };
        let s = sample(&c);
        assert!(s.finished && s.completed);
        assert_eq!(s.response_ms, vec![300.0, 500.5]);
        assert_eq!(s.duration_seconds, Some(2.0));
    }
}
