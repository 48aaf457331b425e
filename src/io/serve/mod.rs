//! `vcctl serve`: the ARI application that answers every call. It owns the events
//! connection (reconnecting with backoff), starts one task per caller ([`crate::io::serve::call`]),
//! routes hangups to those tasks, serves the HTTP API, and drains on shutdown.
//!
//! Layout: the call path by name.
//! - [`call`]: one call from StasisStart to the record (routing, agent, media leg, teardown),
//!   one code path for both transports; its child `media_leg` is the only place the
//!   transport shows (externalMedia RTP, or chan_websocket with `--transport websocket`).
//! - [`media_loop`] (RTP) and [`ws_media_loop`] (WebSocket): one call's media I/O around its
//!   sans-IO engine, shared with `vcctl bench`.
//! - [`media_clock`]: the pacing thread of every RTP call; [`rtp_socket`]: the RTP port pool.
//! - [`capture`], [`recording`]: per-call plugins (`--capture`, `--record`).
//! - [`http_api`], [`metrics`]: serve's HTTP API and Prometheus metrics.

pub mod call;
pub mod capture;
pub mod http_api;
pub mod journal;
pub mod media_clock;
pub mod media_loop;
pub mod metrics;
pub mod recording;
pub mod rtp_socket;
pub mod ws_media_loop;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use crate::config::AriSettings;
use crate::error::{Error, Result};
use crate::io::ari_events::{EventStream, EventsError};
use crate::io::db::StoreHealth;
use crate::io::serve::call::{
    handle_call, now_unix, CallSignal, NewCall, RtpFormat, Shared, OWN_BRIDGE_PREFIX,
    OWN_CHANNEL_PREFIX,
};
use vcctl_core::ari::model::{parse_ari_time, EventHeader};
use vcctl_core::serve::call_log::ServeTotals;
use vcctl_core::util::backoff::Backoff;

/// Run until `shutdown` resolves (then drain) or the app is taken over; `stopped` gets what
/// serve did while it ran, for its summary.
pub async fn run(
    shared: Arc<Shared>,
    ari: AriSettings,
    shutdown: impl Future<Output = ()>,
    stopped: impl FnOnce(&ServeTotals),
) -> Result<()> {
    let app = shared.opts.app.clone();
    let started = Instant::now();
    // Credentials and reachability first: a wrong password should stop serve at once.
    let info = shared.ari.info().await?;
    if let Some(id) = info.system.as_ref().map(|s| s.entity_id.clone()) {
        let _ = shared.asterisk_id.set(id);
    }
    // Call ids are Asterisk's channel ids, unique per Asterisk only unless its system name
    // prefixes them: on a store shared by several nodes they would collide.
    let system_name = info.config.as_ref().map(|c| c.name.as_str()).unwrap_or("");
    if shared.store.is_shared() && system_name.is_empty() {
        tracing::warn!(
            "Asterisk has no systemname (asterisk.conf): its channel ids, which are the call \
             ids, can repeat another node's in the shared store, and such calls go unrecorded; \
             set a systemname per node (ASTERISK_SYSTEM_NAME in the Docker image)"
        );
    }
    let version = info.system.map(|s| s.version).unwrap_or_default();
    let instance = shared.instance.clone();
    let marked = shared
        .store
        .run_blocking(move |s| s.mark_unfinished_on_start(Some(&instance)))
        .await
        .unwrap_or(0);
    if marked > 0 {
        tracing::warn!("{marked} call records from a previous run were unfinished; marked as such");
    }

    let listener = crate::io::serve::http_api::bind(shared.opts.http).await?;
    let http_addr = listener
        .local_addr()
        .map_err(|e| Error::io("reading the HTTP address", e))?;
    let (stop_http_tx, mut stop_http_rx) = watch::channel(false);
    // `POST /calls/{id}/hangup` (vcctl top's hang-up key): noted in the call's timeline, then
    // the caller's channel is hung up; the call ends as a caller hangup would, recorded as
    // ended by the operator.
    let (hangup_tx, mut hangups) = mpsc::unbounded_channel::<String>();
    let hangup_task = {
        let shared = shared.clone();
        tokio::spawn(async move {
            while let Some(id) = hangups.recv().await {
                if let Some(j) = shared.api.journals.get(&id) {
                    j.operator_hangup();
                }
                tracing::info!(call = %id, "hangup requested over the HTTP API");
                if let Err(e) = shared.ari.hangup(&id, Some("normal")).await {
                    if !e.is_not_found() {
                        tracing::warn!(call = %id, "could not hang up the call: {e}");
                    }
                }
            }
        })
    };
    let api = shared.api.clone().with_hangups(hangup_tx);
    let http = tokio::spawn(async move {
        let stop = async move {
            let _ = stop_http_rx.wait_for(|v| *v).await;
        };
        crate::io::serve::http_api::serve(listener, api, stop).await
    });
    // --transport websocket: media over Asterisk's HTTP server, no RTP range.
    let media = match shared.opts.transport {
        crate::io::serve::call::MediaTransport::Rtp => {
            format!("RTP {}:{}", shared.opts.rtp_bind, shared.opts.rtp_ports)
        }
        crate::io::serve::call::MediaTransport::WebSocket => "media over WebSocket".to_string(),
    };
    eprintln!(
        "vcctl serve: Asterisk {version}, app '{app}', HTTP API on http://{http_addr}, {media} ({}), agent {}",
        shared.opts.rtp_format.asterisk_name(),
        shared.opts.agent_base_url
    );

    let draining = Arc::new(AtomicBool::new(false));
    let mut calls: JoinSet<()> = JoinSet::new();
    let reconciler = (!shared.opts.reconcile_every.is_zero())
        .then(|| tokio::spawn(reconcile_forever(shared.clone())));
    let store_watch = tokio::spawn(watch_store(shared.clone()));
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(10));
    let mut first = true;
    tokio::pin!(shutdown);
    let mut result = Ok(());

    'outer: loop {
        let mut stream = match EventStream::connect(&ari, &app, false).await {
            Ok(s) => s,
            Err(
                e @ (EventsError::Unauthorized { .. }
                | EventsError::NoPassword { .. }
                | EventsError::Certificate { .. }),
            ) => {
                result = Err(e.into());
                break 'outer;
            }
            Err(e) => {
                let wait = backoff.next_delay(rand::random());
                shared
                    .api
                    .readiness
                    .set_not_ready(format!("ARI events not connected: {e}"));
                tracing::warn!("{e}; retrying in {:.1} s", wait.as_secs_f64());
                tokio::select! {
                    _ = tokio::time::sleep(wait) => continue,
                    _ = &mut shutdown => break 'outer,
                }
            }
        };
        // Asterisk may still be tearing down an older registration of the same app (a
        // process that just died): make sure the app is really ours before taking calls.
        if let Err(e) = shared.ari.application(&app).await {
            tracing::warn!(
                "ARI app '{app}' is not registered after connecting ({e}); reconnecting"
            );
            stream.close().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        backoff.reset();
        if first {
            first = false;
            if shared.opts.rtp_format == RtpFormat::Slin16
                && shared.opts.transport == crate::io::serve::call::MediaTransport::Rtp
            {
                tracing::warn!(
                    "--format slin16: Asterisk drops the L16 it receives on externalMedia \
                     (payload type 118 has no receive mapping there; only the static types \
                     0-34 are accepted), so the agent hears the caller at 16 kHz but the \
                     caller hears silence; use --format ulaw for two-way audio"
                );
            }
            cleanup_leftovers(&shared).await;
        } else {
            shared.metrics.ari_reconnects.inc();
            recheck_calls(&shared).await;
        }
        shared.api.readiness.set_ready();
        tracing::info!("connected to ARI events as app '{app}'");

        loop {
            tokio::select! {
                ev = stream.next() => match ev {
                    Some(Ok(raw)) => {
                        if let Some(stop) = dispatch(&shared, &raw, &draining, &mut calls) {
                            result = Err(stop);
                            stream.close().await;
                            break 'outer;
                        }
                    }
                    Some(Err(e)) => {
                        tracing::warn!("ARI events connection lost: {e}");
                        shared.api.readiness.set_not_ready(format!("ARI events connection lost: {e}"));
                        break;
                    }
                    None => {
                        shared.api.readiness.set_not_ready("ARI events connection closed");
                        break;
                    }
                },
                Some(_) = calls.join_next(), if !calls.is_empty() => {}
                _ = &mut shutdown => {
                    drain(&shared, &draining, &mut calls, &mut stream).await;
                    stream.close().await;
                    break 'outer;
                }
            }
        }
    }
    // Whatever is still running now is told to stop and given a moment to clean up.
    if let Some(r) = reconciler {
        r.abort();
    }
    hangup_task.abort();
    stop_all(&shared, &mut calls).await;
    store_watch.abort();
    // Records still queued for an unreachable PostgreSQL stay in the spool file and are
    // written by the next start; give the store a moment first.
    let store = shared.store.clone();
    let flushed = store
        .run_blocking(|s| Ok(s.flush(Duration::from_secs(3))))
        .await
        .unwrap_or(false);
    if !flushed {
        if let StoreHealth::Degraded { queued, .. } = shared.store.health() {
            tracing::warn!("{queued} record writes stay spooled until serve runs again");
        }
    }
    shared.api.readiness.set_not_ready("shutting down");
    let _ = stop_http_tx.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(2), http).await;
    stopped(&totals(&shared, started));
    result
}

/// What serve did while it ran, from its metrics.
fn totals(shared: &Shared, started: Instant) -> ServeTotals {
    let m = &shared.metrics;
    let mut by_outcome: HashMap<String, u64> = HashMap::new();
    for (labels, c) in m.calls.series() {
        *by_outcome
            .entry(labels.first().cloned().unwrap_or_default())
            .or_default() += c.get();
    }
    ServeTotals {
        uptime_seconds: started.elapsed().as_secs_f64(),
        by_outcome: by_outcome.into_iter().collect(),
        // A fold from 0.0: `sum()` of no f64 is -0.0, which JSON would show.
        duration_sum_seconds: m
            .call_duration
            .series()
            .iter()
            .fold(0.0, |a, (_, h)| a + h.sum()),
        rtp_in: m.rtp_in.get(),
        rtp_out: m.rtp_out.get(),
        underflows: m.underflows.get(),
        gaps: m.gaps.get(),
        gap_frames: m.gap_frames.get(),
        ari_reconnects: m.ari_reconnects.get(),
    }
}

/// Handle one event. Returns an error when serve must stop (app taken over).
fn dispatch(
    shared: &Arc<Shared>,
    raw: &str,
    draining: &Arc<AtomicBool>,
    calls: &mut JoinSet<()>,
) -> Option<Error> {
    // A liveness probe (doctor, `events --app`): answered, not relayed or recorded.
    if crate::io::app_probe::answer_if_probe(&shared.ari, raw, "serve") {
        return None;
    }
    shared.api.publish_event(raw);
    let received = Instant::now();
    let Some(ev) = EventHeader::parse(raw) else {
        tracing::debug!("unparsed ARI event: {raw}");
        return None;
    };
    shared.api.journals.ari_event(raw, &ev);
    match ev.kind.as_str() {
        "StasisStart" => {
            let chan = ev.channel.clone()?;
            if chan.id.starts_with(OWN_CHANNEL_PREFIX) {
                shared.own_channel_in_stasis(&chan.id); // our externalMedia leg: bridge it
                return None;
            }
            if shared.route_to(&chan.id).is_some() {
                return None; // a channel re-entering
            }
            let active = shared.routes.lock().map(|r| r.len()).unwrap_or(0);
            let full = shared.opts.max_calls.is_some_and(|m| calls.len() >= m);
            if draining.load(Ordering::Relaxed) || full {
                tracing::warn!(
                    channel = %chan.id,
                    "refusing a new call ({})",
                    if full { "at --max-calls" } else { "shutting down" }
                );
                shared
                    .metrics
                    .refused
                    .with(&[if full { "max_calls" } else { "draining" }])
                    .inc();
                // Unanswered (the dialplan leaves answering to serve): the caller gets a
                // final 503 Service Unavailable at once.
                let ari = shared.ari.clone();
                tokio::spawn(async move {
                    if let Err(e) = ari.hangup(&chan.id, Some("congestion")).await {
                        if !e.is_not_found() {
                            tracing::warn!(channel = %chan.id, "could not refuse the call: {e}");
                        }
                    }
                });
                return None;
            }
            let lag = parse_ari_time(&ev.timestamp).map(|t| (now_unix() - t).max(0.0));
            let (tx, rx) = mpsc::unbounded_channel();
            shared.routes.lock().ok()?.insert(chan.id.clone(), tx);
            tracing::info!(
                "{}",
                vcctl_core::serve::call_log::call_started(
                    &chan.id,
                    ev.args.get(1).unwrap_or(&chan.caller.number),
                    ev.args.first().unwrap_or(&chan.dialplan.exten),
                    &chan.name,
                    active,
                )
            );
            let call = NewCall {
                channel: chan,
                args: ev.args.clone(),
                received,
                event_lag: lag.map(Duration::from_secs_f64),
            };
            calls.spawn(handle_call(shared.clone(), call, rx));
        }
        "StasisEnd" | "ChannelDestroyed" => {
            let chan = ev.channel.as_ref()?;
            if let Some(tx) = shared.route_to(&chan.id) {
                let _ = tx.send(CallSignal::ChannelGone {
                    channel: chan.id.clone(),
                    cause: ev
                        .cause_txt
                        .clone()
                        .or_else(|| ev.cause.map(|c| c.to_string())),
                });
            }
        }
        "ChannelHold" | "ChannelUnhold" => {
            // A caller on hold sends no media: --media-timeout waits while it lasts.
            let chan = ev.channel.as_ref()?;
            shared.caller_held(&chan.id, ev.kind == "ChannelHold");
        }
        "ApplicationReplaced" => {
            return Some(Error::Conflict(format!(
                "another client connected as ARI app '{}' and replaced vcctl serve; stop it or give serve its own --app",
                shared.opts.app
            )));
        }
        _ => {}
    }
    None
}

/// Stop taking calls; wait for active ones up to the drain timeout.
async fn drain(
    shared: &Arc<Shared>,
    draining: &Arc<AtomicBool>,
    calls: &mut JoinSet<()>,
    stream: &mut EventStream,
) {
    draining.store(true, Ordering::Relaxed);
    let n = calls.len();
    if n > 0 {
        eprintln!(
            "vcctl serve: stopping; waiting up to {} s for {n} active call(s)",
            shared.opts.drain_timeout.as_secs()
        );
    }
    let deadline = tokio::time::sleep(shared.opts.drain_timeout);
    tokio::pin!(deadline);
    let mut dummy = JoinSet::new();
    while !calls.is_empty() {
        tokio::select! {
            _ = &mut deadline => break,
            _ = calls.join_next() => {}
            // Keep routing hangups while draining.
            ev = stream.next() => match ev {
                Some(Ok(raw)) => {
                    let _ = dispatch(shared, &raw, draining, &mut dummy);
                }
                _ => break,
            },
        }
    }
}

async fn stop_all(shared: &Arc<Shared>, calls: &mut JoinSet<()>) {
    if calls.is_empty() {
        return;
    }
    let senders: Vec<_> = shared
        .routes
        .lock()
        .map(|r| r.values().cloned().collect())
        .unwrap_or_default();
    for tx in senders {
        let _ = tx.send(CallSignal::Shutdown);
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while calls.join_next().await.is_some() {}
    })
    .await;
    calls.abort_all();
}

/// Channels and bridges that serve may have made or taken: those in its app, its own
/// externalMedia channels, and bridges it named (`vcctl-...`, also after they lost their app
/// subscription). `(channels, bridges)`, ids only. With `only_ours`, for a pass while serve
/// runs (other serve processes with other apps may share this Asterisk): channels in the app
/// only, and named bridges outside the app only when they are empty.
async fn app_objects(shared: &Shared, only_ours: bool) -> Option<(Vec<String>, Vec<String>)> {
    let app = shared.ari.application(&shared.opts.app).await.ok()?;
    let mut channels: Vec<String> = app.channel_ids.clone();
    let mut bridges: Vec<String> = app.bridge_ids.clone();
    if let Ok(all) = shared.ari.bridges().await {
        bridges.extend(
            all.into_iter()
                .filter(|b| b.name.starts_with("vcctl-") || b.id.starts_with(OWN_BRIDGE_PREFIX))
                .filter(|b| !only_ours || b.channels.is_empty())
                .map(|b| b.id),
        );
    }
    if !only_ours {
        if let Ok(all) = shared.ari.channels().await {
            channels.extend(
                all.into_iter()
                    .filter(|c| c.id.starts_with(OWN_CHANNEL_PREFIX))
                    .map(|c| c.id),
            );
        }
    }
    let dedup = |v: &mut Vec<String>| {
        let mut seen = HashSet::new();
        v.retain(|x| seen.insert(x.clone()));
    };
    dedup(&mut channels);
    dedup(&mut bridges);
    Some((channels, bridges))
}

/// Destroy these bridges, then hang up these channels; how many went.
async fn release(shared: &Shared, channels: &[String], bridges: &[String]) -> usize {
    let mut n = 0;
    for b in bridges {
        if shared.ari.destroy_bridge(b).await.is_ok() {
            n += 1;
        }
    }
    for c in channels {
        if shared.ari.hangup(c, Some("normal")).await.is_ok() {
            n += 1;
        }
    }
    n
}

/// After a crash, channels and bridges may still sit in the app: release them.
async fn cleanup_leftovers(shared: &Shared) {
    let Some((channels, bridges)) = app_objects(shared, false).await else {
        return;
    };
    let n = release(shared, &channels, &bridges).await;
    if n > 0 {
        eprintln!("vcctl serve: released {n} channel(s)/bridge(s) left by a previous run");
    }
}

/// While serve runs: every `--reconcile-secs`, what the start-up cleanup would release and
/// belongs to no live call is noted, and released when it is still there, still orphaned,
/// at the next pass (a caller whose StasisStart is being handled right now is never
/// touched). Catches what a failed teardown request left behind.
async fn reconcile_forever(shared: Arc<Shared>) {
    let mut suspects: HashSet<String> = HashSet::new();
    loop {
        tokio::time::sleep(shared.opts.reconcile_every).await;
        suspects = reconcile_once(&shared, &suspects).await;
    }
}

/// One pass: release what was orphaned last time and still is; return the new suspects.
pub(crate) async fn reconcile_once(shared: &Shared, suspects: &HashSet<String>) -> HashSet<String> {
    let Some((channels, bridges)) = app_objects(shared, true).await else {
        return HashSet::new();
    };
    let live = shared.live_objects();
    let orphan = |id: &String| !live.contains(id);
    let (chan_now, br_now): (Vec<String>, Vec<String>) = (
        channels.into_iter().filter(orphan).collect(),
        bridges.into_iter().filter(orphan).collect(),
    );
    let confirmed = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|id| suspects.contains(*id))
            .cloned()
            .collect()
    };
    let (chan_gone, br_gone) = (confirmed(&chan_now), confirmed(&br_now));
    if !chan_gone.is_empty() || !br_gone.is_empty() {
        let n = release(shared, &chan_gone, &br_gone).await;
        tracing::warn!(
            channels = ?chan_gone,
            bridges = ?br_gone,
            "released {n} channel(s)/bridge(s) in the app that belonged to no call"
        );
        shared.metrics.reconciled.inc_by(n as u64);
    }
    chan_now
        .into_iter()
        .chain(br_now)
        .filter(|id| !chan_gone.contains(id) && !br_gone.contains(id))
        .collect()
}

/// Hangups may have been missed while events were disconnected: ask ARI which calls still exist.
async fn recheck_calls(shared: &Shared) {
    let routes: HashMap<String, mpsc::UnboundedSender<CallSignal>> =
        shared.routes.lock().map(|r| r.clone()).unwrap_or_default();
    for (chan, tx) in routes {
        if let Err(e) = shared.ari.channel(&chan).await {
            if e.is_not_found() {
                let _ = tx.send(CallSignal::ChannelGone {
                    channel: chan,
                    cause: Some("gone while ARI events were disconnected".into()),
                });
            }
        }
    }
}

/// Tell `/readyz` (and so doctor) whether call records reach the store or wait in its spool.
async fn watch_store(shared: Arc<Shared>) {
    let mut was_degraded = false;
    loop {
        let degraded = match shared.store.health() {
            StoreHealth::Ok => None,
            StoreHealth::Degraded { queued, reason } => Some((queued, reason)),
        };
        if degraded.is_some() != was_degraded {
            match &degraded {
                Some((n, why)) => {
                    tracing::warn!("store degraded: {n} record writes queued ({why})")
                }
                None => tracing::info!("store reachable again: queued record writes written"),
            }
            was_degraded = degraded.is_some();
        }
        shared.api.readiness.set_store_degraded(degraded);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
