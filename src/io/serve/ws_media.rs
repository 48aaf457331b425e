//! `serve --transport websocket`: one call's media over Asterisk's WebSocket channel
//! (chan_websocket; docs/websocket-media.md). A child module of [`crate::io::serve::call`]: the
//! call's record, routing, agent connection and teardown are the RTP path's; what differs
//! is the media leg (externalMedia with `transport=websocket`, a WebSocket to Asterisk's
//! HTTP server instead of a UDP socket) and the loop, which has no pacing: agent audio goes
//! to Asterisk as it arrives ([`MediaLink`] keeps frames whole and Asterisk's queue bounded),
//! an interruption flushes Asterisk's queue at once, and the link's marks time what played.

use std::collections::VecDeque;

use super::*;
use crate::io::ari_http::WebSocketMedia;
use crate::io::asterisk_media_ws::{self, FromAsterisk, MediaWs, ToAsterisk};
use crate::io::serve::ws_media_loop::{self, WsHooks};
use vcctl_core::agent::proto::ServerMessage;
use vcctl_core::chan_websocket::{
    transport_data, ControlFormat, LinkConfig, LinkEvent, LinkStats, MediaFormat, MediaLink,
};
use vcctl_core::media::ws_call_media::{WsCallMedia, WsMediaStats};

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
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
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
        shared.register(id, &media_id, &tx);
    }
    let agent_fut = connect_agent(shared, cx.profile, call, cx.extension, cx.caller_number);
    let media_fut = setup(shared, id, &media_id, format, call.received, latency);
    let (agent, media) = tokio::join!(agent_fut, media_fut);
    let (mut mws, bridge) = match media {
        Ok(m) => {
            res.media_channel = Some(media_id.clone());
            res.bridge = Some(m.1.clone());
            shared.api.journals.own(&m.1, id);
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
    *agent_heard = stats.agent.agent_audio_events > 0;
    latency.agent_ping_ms = stats.agent.last_ping_ms.map(|p| p as f64);
    latency.agent_response_ms = stats.agent.response_latency_ms.clone();
    latency.barge_in_stop_ms = figs.barge_in_stop_ms.clone();
    latency.agent_audio_to_played_ms = figs.agent_audio_to_played_ms.clone();
    let m = &shared.metrics;
    for r in &stats.agent.response_latency_ms {
        m.agent_response
            .with(&[&cx.profile.name])
            .observe(r / 1000.0);
    }
    m.resampled_samples
        .with(&["to_agent"])
        .inc_by(stats.agent.resampled_samples_in);
    m.resampled_samples
        .with(&["to_caller"])
        .inc_by(stats.agent.resampled_samples_out);
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
    cfg.idle_silence = shared.opts.ws_idle_silence;
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

/// What serve does with a WebSocket call's media: records, metrics, the live snapshot.
struct ServeWsHooks<'c, 'a> {
    cx: &'c CallCtx<'a>,
    figs: &'c mut WsFigures,
    first_played: bool,
    watch: Arc<MediaWatch>,
    /// The call's timeline for `vcctl top` and `calls bundle` (None once it was dropped).
    journal: Option<Arc<crate::io::serve::journal::Journal>>,
}

impl WsHooks for ServeWsHooks<'_, '_> {
    fn caller_audio(&mut self, at: Instant, _bytes: usize) {
        self.watch.media_arrived(at);
    }

    fn interrupt_sent(&mut self, at: Instant) {
        self.figs.interrupts.push_back(at);
    }

    fn link_event(&mut self, at: Instant, ev: LinkEvent) -> Option<LoopEnd> {
        on_link_event(
            self.cx.shared,
            self.cx,
            at,
            ev,
            self.figs,
            &mut self.first_played,
        )
        .map(LoopEnd::Error)
    }

    fn link_closed(&mut self, reason: &str, stats: LinkStats) {
        tracing::info!(call = %self.cx.call.channel.id, "WebSocket media connection ended: {reason}");
        self.figs.link = Some(stats);
    }

    fn agent_in(&mut self, msg: &ServerMessage) {
        if let Some(j) = &self.journal {
            j.agent_in(msg);
        }
    }

    fn agent_out(&mut self, text: &str) {
        if let Some(j) = &self.journal {
            j.agent_out(text);
        }
    }

    fn event(&mut self, ev: &MediaEvent) {
        if let Some(j) = &self.journal {
            super::journal_media_event(j, ev);
        }
        let id = &self.cx.call.channel.id;
        match ev {
            MediaEvent::AgentError { message } => {
                tracing::warn!(call = %id, "agent error: {message}")
            }
            MediaEvent::Interrupted { event_id } => {
                tracing::debug!(call = %id, event_id, "barge-in")
            }
            other => tracing::trace!(call = %id, ?other, "media event"),
        }
    }

    fn live(&mut self, engine: &WsCallMedia) {
        live_snapshot(self.cx, engine, self.figs);
    }
}

#[allow(clippy::too_many_arguments)]
async fn media_loop(
    cx: &CallCtx<'_>,
    mws: &mut MediaWs,
    sender: AgentSender,
    mut receiver: AgentReceiver,
    engine: WsCallMedia,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    figs: &mut WsFigures,
) -> (End, WsCallMedia) {
    let shared = cx.shared;
    let id = &cx.call.channel.id;
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
    let mut hooks = ServeWsHooks {
        cx,
        figs,
        first_played: false,
        watch,
        journal: shared.api.journals.get(id),
    };
    let (end, engine) =
        ws_media_loop::run(mws, sender, &mut receiver, engine, id, rx, &mut hooks, None).await;
    if let Some(w) = watchdog {
        w.abort();
    }
    lock(&shared.watches).remove(id);
    let end = super::call_end(end, res);
    (end, engine)
}

/// Record what the link reports; `Some` ends the call, with why.
fn on_link_event(
    shared: &Shared,
    cx: &CallCtx<'_>,
    at: Instant,
    event: LinkEvent,
    figs: &mut WsFigures,
    first_played: &mut bool,
) -> Option<String> {
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
            return Some(format!(
                "Asterisk's WebSocket media channel speaks {got}, not {expected}"
            ));
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
            "started": now_unix() - call.received.elapsed().as_secs_f64(),
            // Same fields and meaning as an RTP call's (serve/call.rs `snapshot`): who is
            // speaking, the levels (in `media`) and the caller's leg as Asterisk sees it.
            // `media` has no rtp_in_* figures: no RTP reaches serve (docs/websocket-media.md).
            "speaking": super::speaking(engine.stats().caller_speaking, engine.stats().agent_speaking),
            "last_response_ms": engine.stats().agent.response_latency_ms.last(),
            "media": engine.stats(),
            "media_ws": figs,
            "caller_leg": cx.shared.api.journals.get(&call.channel.id).and_then(|j| j.caller_leg()),
        }),
    );
}
