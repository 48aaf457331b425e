//! `serve --transport websocket`: one call's media over Asterisk's WebSocket channel
//! (chan_websocket; docs/websocket-media.md). A child module of [`crate::io::call`]: the
//! call's record, routing, agent connection and teardown are the RTP path's; what differs
//! is the media leg (externalMedia with `transport=websocket`, a WebSocket to Asterisk's
//! HTTP server instead of a UDP socket) and the loop, which has no pacing: agent audio goes
//! to Asterisk as it arrives ([`MediaLink`] keeps frames whole and Asterisk's queue bounded),
//! an interruption flushes Asterisk's queue at once, and the link's marks time what played.

use std::collections::VecDeque;

use super::*;
use crate::io::ari_http::WebSocketMedia;
use crate::io::asterisk_media_ws::{self, FromAsterisk, MediaWs, ToAsterisk};
use vcctl_core::chan_websocket::{
    transport_data, ControlFormat, LinkConfig, LinkEvent, LinkStats, MediaFormat, MediaLink,
};
use vcctl_core::media::ws_call_media::{WsCallMedia, WsMediaStats, WsOutput};

/// How long Asterisk may take to send `MEDIA_START` once the WebSocket is connected (the
/// sandbox: under a millisecond).
const MEDIA_START_TIMEOUT: Duration = Duration::from_secs(5);

/// What the call already knows when its media leg is set up.
pub(super) struct CallCtx<'a> {
    pub shared: &'a Arc<Shared>,
    pub call: &'a NewCall,
    pub extension: &'a str,
    pub caller_number: &'a str,
    pub profile: &'a AgentProfile,
}

/// The channel format for serve's `--format`.
fn channel_format(f: RtpFormat) -> MediaFormat {
    match f {
        RtpFormat::Ulaw => MediaFormat::Ulaw,
        RtpFormat::Slin16 => MediaFormat::Slin16,
    }
}

/// Figures and counters of the call's WebSocket leg, kept by the loop.
#[derive(Debug, Default, Serialize)]
struct WsFigures {
    format: String,
    /// Agent interruptions not yet confirmed by Asterisk (when each was received).
    #[serde(skip)]
    interrupts: VecDeque<Instant>,
    barge_in_stop_ms: Vec<f64>,
    agent_audio_to_played_ms: Vec<f64>,
    responses_played: u64,
    xoff: u64,
    xon: u64,
    flushes_confirmed: u64,
    overflow_dropped_bytes: u64,
    asterisk_errors: u64,
    /// The agent side's counters (resampled samples, pass-through bytes, ...).
    agent: WsMediaStats,
    /// The link's final counters (after the connection ended).
    link: Option<LinkStats>,
}

pub(super) async fn run(
    cx: CallCtx<'_>,
    rx: &mut mpsc::UnboundedReceiver<Signal>,
    res: &mut Resources,
    latency: &mut CallLatency,
    transcript: &mut Value,
    agent_heard: &mut bool,
) -> End {
    let shared = cx.shared;
    let call = cx.call;
    let id = &call.channel.id;
    let format = channel_format(shared.opts.rtp_format);
    let media_id = format!("{OWN_CHANNEL_PREFIX}{:016x}", rand::random::<u64>());
    if let Some(tx) = shared.route_to(id) {
        shared.register(&media_id, &tx);
    }
    let agent_fut = connect_agent(shared, cx.profile, call, cx.extension, cx.caller_number);
    let media_fut = setup(shared, id, &media_id, format, call.received, latency);
    let (agent, media) = tokio::join!(agent_fut, media_fut);
    let (mut mws, bridge) = match media {
        Ok(m) => {
            res.media_channel = Some(media_id.clone());
            res.bridge = Some(m.1.clone());
            m
        }
        Err((created_media, created_bridge, e)) => {
            if created_media {
                res.media_channel = Some(media_id.clone());
            }
            res.bridge = created_bridge;
            if let Ok(conn) = agent {
                let _ = conn.sender.close().await;
            }
            return End::Error(e);
        }
    };
    if let Some(End::Caller(c)) = pending_end(rx, id, res) {
        if let Ok(conn) = agent {
            let _ = conn.sender.close().await;
        }
        close_link(mws).await;
        return End::Caller(c);
    }
    let conn = match agent {
        Ok(c) => c,
        Err(e) => {
            close_link(mws).await;
            release_media(shared, res).await;
            return agent_failure(shared, id, res, rx, e.to_string()).await;
        }
    };
    // Answer only now, as on the RTP path, and record the setup.
    if let Err(e) = super::go_live(
        shared,
        call,
        &conn,
        &media_id,
        &bridge,
        MediaTransport::WebSocket,
        res,
        latency,
    )
    .await
    {
        let _ = conn.sender.close().await;
        close_link(mws).await;
        return End::Error(e);
    }

    // Media until someone hangs up.
    let engine = match WsCallMedia::new(
        format,
        conn.input_format,
        conn.output_format,
        shared.opts.media.chunk,
        Instant::now(),
    ) {
        Ok(m) => m,
        Err(e) => {
            close_link(mws).await;
            return End::Error(format!("{e}"));
        }
    };
    tracing::info!(
        call = %id,
        format = format.name(),
        agent_in = %conn.input_format.name(),
        agent_out = %conn.output_format.name(),
        passthrough_in = engine.passthrough_in(),
        passthrough_out = engine.passthrough_out(),
        "media over Asterisk's WebSocket channel"
    );
    let mut figs = WsFigures {
        format: format.name().to_string(),
        ..Default::default()
    };
    let (end, engine) = media_loop(
        &cx,
        &mut mws,
        conn.sender.clone(),
        conn.receiver,
        engine,
        rx,
        res,
        &mut figs,
    )
    .await;
    // The link's final counters come with the end of its connection.
    match end {
        End::MediaLeg if figs.link.is_some() => {}
        _ => figs.link = Some(close_link(mws).await),
    }
    let stats = engine.stats().clone();
    *agent_heard = stats.agent_audio_events > 0;
    latency.agent_ping_ms = stats.last_ping_ms.map(|p| p as f64);
    latency.agent_response_ms = stats.response_latency_ms.clone();
    latency.barge_in_stop_ms = figs.barge_in_stop_ms.clone();
    latency.agent_audio_to_played_ms = figs.agent_audio_to_played_ms.clone();
    let m = &shared.metrics;
    for r in &stats.response_latency_ms {
        m.agent_response
            .with(&[&cx.profile.name])
            .observe(r / 1000.0);
    }
    m.resampled_samples
        .with(&["to_agent"])
        .inc_by(stats.resampled_samples_in);
    m.resampled_samples
        .with(&["to_caller"])
        .inc_by(stats.resampled_samples_out);
    *transcript = serde_json::to_value(engine.transcript()).unwrap_or(Value::Null);
    figs.agent = stats;
    if let Some(l) = &figs.link {
        tracing::info!(
            call = %id,
            frames_sent = l.frames_sent,
            xoff = l.xoff,
            flushes = l.flushes,
            max_unacked_frames = l.max_unacked_frames,
            max_pending_bytes = l.max_pending_bytes,
            overflow_dropped_bytes = l.overflow_dropped_bytes,
            "WebSocket media link ended"
        );
    }
    let upd = CallUpdate {
        media_ws: serde_json::to_value(&figs).ok(),
        ..Default::default()
    };
    let uid = id.clone();
    let _ = shared
        .store
        .run_blocking(move |s| s.update_call(&uid, &upd))
        .await;
    end
}

/// Close the WebSocket (Asterisk hangs its channel up) and return the link's counters.
async fn close_link(mut mws: MediaWs) -> LinkStats {
    mws.send(ToAsterisk::Close);
    let mut stats = LinkStats::default();
    let wait = async {
        while let Some(m) = mws.recv().await {
            if let FromAsterisk::Closed { stats: s, .. } = m {
                stats = s;
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), wait).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), mws.join()).await;
    stats
}

type WsSetup = (MediaWs, String);

/// externalMedia over a WebSocket, the connection, `MEDIA_START`, the bridge.
/// On error: (media channel created?, bridge, why).
async fn setup(
    shared: &Shared,
    caller: &str,
    media_id: &str,
    format: MediaFormat,
    received: Instant,
    latency: &mut CallLatency,
) -> Result<WsSetup, (bool, Option<String>, String)> {
    let t = Instant::now();
    let em = shared
        .ari
        .external_media_websocket(&WebSocketMedia {
            app: shared.opts.app.clone(),
            format: format.name().to_string(),
            transport_data: Some(transport_data(ControlFormat::Json)),
            channel_id: Some(media_id.to_string()),
            variables: vec![("VCCTL_CALL".into(), caller.to_string())],
        })
        .await
        .map_err(|e| {
            (
                false,
                None,
                format!("could not create the WebSocket externalMedia channel: {e}"),
            )
        })?;
    latency.ari_rest_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    let var = |k: &str| {
        em.channelvars
            .as_ref()
            .and_then(|v| v.get(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let Some(connection_id) = var("MEDIA_WEBSOCKET_CONNECTION_ID") else {
        return Err((
            true,
            None,
            "Asterisk created the WebSocket media channel without MEDIA_WEBSOCKET_CONNECTION_ID \
             (is it Asterisk 22.6 or later with chan_websocket?)"
                .into(),
        ));
    };
    let mut cfg = LinkConfig::new(format, ControlFormat::Json);
    cfg.window = shared.opts.ws_window;
    if let Some(n) = var("MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE").and_then(|s| s.parse().ok()) {
        if n > 0 {
            cfg.frame_bytes = n;
        }
    }
    let socket = asterisk_media_ws::connect(&shared.opts.ari, &connection_id)
        .await
        .map_err(|e| (true, None, e.to_string()))?;
    let mut mws = MediaWs::spawn(socket, MediaLink::new(cfg, Instant::now()));
    let deadline = tokio::time::Instant::now() + MEDIA_START_TIMEOUT;
    loop {
        match tokio::time::timeout_at(deadline, mws.recv()).await {
            Ok(Some(FromAsterisk::Event {
                event: LinkEvent::Started(_),
                ..
            })) => break,
            Ok(Some(FromAsterisk::Event {
                event: LinkEvent::FormatMismatch { expected, got },
                ..
            })) => {
                return Err((
                    true,
                    None,
                    format!("Asterisk's WebSocket media channel speaks {got}, not {expected}"),
                ))
            }
            Ok(Some(FromAsterisk::Closed { reason, .. })) => {
                return Err((
                    true,
                    None,
                    format!("the WebSocket media connection ended before MEDIA_START: {reason}"),
                ))
            }
            Ok(None) => {
                return Err((true, None, "the WebSocket media task ended".into()));
            }
            Ok(Some(_)) => {} // early caller audio (asterisk #1712): counted by the link
            Err(_) => {
                return Err((
                    true,
                    None,
                    format!(
                        "Asterisk sent no MEDIA_START within {} s of the WebSocket connection",
                        MEDIA_START_TIMEOUT.as_secs()
                    ),
                ))
            }
        }
    }
    let t = Instant::now();
    let bridge = shared
        .ari
        .create_bridge("mixing", Some(&format!("vcctl-{caller}")))
        .await
        .map_err(|e| (true, None, format!("could not create the bridge: {e}")))?;
    latency.ari_rest_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    let t = Instant::now();
    // The channel enters Stasis a moment after MEDIA_START: a 422 is retried.
    let mut tries = 0;
    loop {
        let both = [caller.to_string(), media_id.to_string()];
        match shared.ari.add_to_bridge(&bridge.id, &both).await {
            Ok(()) => break,
            Err(crate::io::ari_http::AriError::Rejected { status: 422, .. }) if tries < 25 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => {
                return Err((
                    true,
                    Some(bridge.id.clone()),
                    format!("could not bridge the call: {e}"),
                ))
            }
        }
    }
    latency.ari_rest_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    latency.handler_ms = Some(received.elapsed().as_secs_f64() * 1000.0);
    Ok((mws, bridge.id))
}

#[allow(clippy::too_many_arguments)]
async fn media_loop(
    cx: &CallCtx<'_>,
    mws: &mut MediaWs,
    sender: AgentSender,
    mut receiver: AgentReceiver,
    mut engine: WsCallMedia,
    rx: &mut mpsc::UnboundedReceiver<Signal>,
    res: &mut Resources,
    figs: &mut WsFigures,
) -> (End, WsCallMedia) {
    let shared = cx.shared;
    let id = &cx.call.channel.id;
    // Chunks to the agent go through a writer task, so a slow agent link never holds up
    // Asterisk's side.
    let (to_agent, mut agent_queue) = mpsc::unbounded_channel::<String>();
    let (failed_tx, mut agent_failed) = tokio::sync::oneshot::channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(text) = agent_queue.recv().await {
            if let Err(e) = sender.send_text(text).await {
                let _ = failed_tx.send(e.to_string());
                break;
            }
        }
    });
    let mut first_played = false;
    let mut every_second = tokio::time::interval(Duration::from_secs(1));
    every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A caller that vanished without BYE: ended after --media-timeout, as on the RTP path.
    let watch = Arc::new(MediaWatch::new(Instant::now()));
    lock(&shared.watches).insert(id.clone(), watch.clone());
    let watchdog = shared.opts.media_timeout.map(|limit| {
        tokio::spawn(watch_media(
            shared.clone(),
            id.clone(),
            watch.clone(),
            limit,
        ))
    });
    let end = loop {
        tokio::select! {
            biased;
            sig = rx.recv() => match sig {
                Some(Signal::ChannelGone { channel, cause }) if channel == *id => {
                    res.caller_gone = true;
                    break End::Caller(cause);
                }
                Some(Signal::ChannelGone { .. }) => {
                    res.media_gone = true;
                    break End::MediaLeg;
                }
                Some(Signal::MediaTimeout(after)) => break End::CallerSilent(after),
                Some(Signal::Shutdown) | None => break End::Shutdown,
            },
            f = mws.recv() => match f {
                Some(FromAsterisk::CallerAudio { at, data }) => {
                    watch.media_arrived(at);
                    engine.handle_caller(at, &data);
                }
                Some(FromAsterisk::Event { at, event }) => {
                    if let Some(end) = on_link_event(shared, cx, at, event, figs, &mut first_played) {
                        break end;
                    }
                }
                Some(FromAsterisk::Unreadable { .. }) => {}
                Some(FromAsterisk::Closed { reason, stats }) => {
                    tracing::info!(call = %id, "WebSocket media connection ended: {reason}");
                    figs.link = Some(stats);
                    break End::MediaLeg;
                }
                None => break End::MediaLeg,
            },
            m = receiver.next() => match m {
                Some(msg) => engine.handle_agent(Instant::now(), &msg),
                None => {
                    let (normal, detail) = receiver
                        .close_info()
                        .map(|c| (c.is_normal(), c.describe()))
                        .unwrap_or((false, "the agent connection ended".into()));
                    break End::Agent { normal, detail };
                }
            },
            e = &mut agent_failed => {
                let detail = e.unwrap_or_else(|_| "the agent writer stopped".into());
                break End::Agent { normal: false, detail };
            }
            _ = every_second.tick() => {
                live_snapshot(cx, &engine, figs);
            }
        }
        while let Some(out) = engine.poll_output() {
            match out {
                WsOutput::Agent(text) => {
                    let _ = to_agent.send(text);
                }
                WsOutput::Channel(audio) => {
                    mws.send(ToAsterisk::Audio(audio));
                }
                WsOutput::Interrupt => {
                    figs.interrupts.push_back(Instant::now());
                    mws.send(ToAsterisk::Interrupt);
                }
                WsOutput::Event(ev) => match ev {
                    MediaEvent::AgentError { message } => {
                        tracing::warn!(call = %id, "agent error: {message}")
                    }
                    MediaEvent::Interrupted { event_id } => {
                        tracing::debug!(call = %id, event_id, "barge-in")
                    }
                    other => tracing::trace!(call = %id, ?other, "media event"),
                },
            }
        }
    };
    if let Some(w) = watchdog {
        w.abort();
    }
    lock(&shared.watches).remove(id);
    drop(to_agent);
    let _ = tokio::time::timeout(Duration::from_millis(500), writer).await;
    (end, engine)
}

/// Record what the link reports; `Some` ends the call.
fn on_link_event(
    shared: &Shared,
    cx: &CallCtx<'_>,
    at: Instant,
    event: LinkEvent,
    figs: &mut WsFigures,
    first_played: &mut bool,
) -> Option<End> {
    let m = &shared.metrics;
    let id = &cx.call.channel.id;
    match event {
        LinkEvent::ResponsePlaying {
            first_audio_at,
            playing_at,
            ..
        } => {
            let d = playing_at.saturating_duration_since(first_audio_at);
            figs.agent_audio_to_played_ms.push(d.as_secs_f64() * 1000.0);
            m.agent_to_played.observe(d.as_secs_f64());
            if !*first_played {
                *first_played = true;
                m.first_audio
                    .with(&[&cx.profile.name])
                    .observe(cx.call.received.elapsed().as_secs_f64());
                let (store, id, at) = (shared.store.clone(), id.clone(), now_unix());
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = store.update_call_mark(&id, CallMark::FirstAgentAudio, at) {
                        tracing::warn!(call = %id, "could not record the first agent audio: {e}");
                    }
                });
            }
        }
        LinkEvent::ResponsePlayed { .. } => figs.responses_played += 1,
        LinkEvent::FlushConfirmed {
            requested_at,
            confirmed_at,
        } => {
            // From the agent's interruption as received, not from the command's send.
            let from = figs
                .interrupts
                .pop_front()
                .unwrap_or(requested_at)
                .min(requested_at);
            let d = confirmed_at.saturating_duration_since(from);
            figs.barge_in_stop_ms.push(d.as_secs_f64() * 1000.0);
            figs.flushes_confirmed += 1;
            m.barge_in_stop.observe(d.as_secs_f64());
            m.ws_events.with(&["flush"]).inc();
            tracing::debug!(call = %id, ms = d.as_secs_f64() * 1000.0, "flush confirmed");
        }
        LinkEvent::Xoff { .. } => {
            figs.xoff += 1;
            m.ws_events.with(&["xoff"]).inc();
        }
        LinkEvent::Xon { .. } => {
            figs.xon += 1;
            m.ws_events.with(&["xon"]).inc();
        }
        LinkEvent::Overflow { dropped_bytes } => {
            figs.overflow_dropped_bytes = dropped_bytes;
            m.ws_events.with(&["overflow"]).inc();
            tracing::warn!(
                call = %id,
                dropped_bytes,
                "the agent sent more audio than serve holds for Asterisk; the newest was dropped"
            );
        }
        LinkEvent::FormatMismatch { expected, got } => {
            return Some(End::Error(format!(
                "Asterisk's WebSocket media channel speaks {got}, not {expected}"
            )));
        }
        LinkEvent::AsteriskError { text } => {
            figs.asterisk_errors += 1;
            tracing::warn!(call = %id, "Asterisk's WebSocket media channel reported: {text}");
        }
        LinkEvent::Started(_)
        | LinkEvent::ResponseBegan { .. }
        | LinkEvent::ResponseInterrupted { .. }
        | LinkEvent::Status(_)
        | LinkEvent::Dtmf { .. } => {}
    }
    let _ = at;
    None
}

/// Publish the live state of a WebSocket call on `/calls`.
fn live_snapshot(cx: &CallCtx<'_>, engine: &WsCallMedia, figs: &WsFigures) {
    let call = cx.call;
    cx.shared.api.calls.upsert(
        call.channel.id.clone(),
        json!({
            "id": call.channel.id,
            "caller_channel": call.channel.name,
            "caller": call.args.get(1).cloned().unwrap_or_else(|| call.channel.caller.number.clone()),
            "extension": call.args.first(),
            "profile": cx.profile.name,
            "state": "bridged",
            "transport": "websocket",
            "age_seconds": call.received.elapsed().as_secs_f64(),
            "media": engine.stats(),
            "media_ws": figs,
        }),
    );
}
