//! A serve call's RTP media: the hooks that feed metrics, the call's journal, `/calls`
//! snapshots and per-call plugins, around `media_loop::run`.

use super::*;

/// What serve watches while a call's media runs: live snapshots and metrics.
pub(super) struct ServeHooks<'a> {
    shared: &'a Shared,
    call: &'a NewCall,
    profile: &'a str,
    flushed: MediaStats,
    plugins: Vec<Box<dyn CallPlugin>>,
    /// The first agent audio has been sent (and noted in the call record).
    first_audio_sent: bool,
    /// The caller's media activity (`--media-timeout`).
    watch: Arc<MediaWatch>,
    /// The call's timeline and logs.
    journal: Option<Arc<crate::io::serve::journal::Journal>>,
}

impl ServeHooks<'_> {
    /// The first packet of the first agent talkspurt went out: note the time.
    fn first_agent_audio(&mut self) {
        self.first_audio_sent = true;
        let at = now_unix();
        self.shared
            .metrics
            .first_audio
            .with(&[self.profile])
            .observe(self.call.received.elapsed().as_secs_f64());
        let (store, id) = (self.shared.store.clone(), self.call.channel.id.clone());
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.update_call_mark(&id, CallMark::FirstAgentAudio, at) {
                tracing::warn!(call = %id, "could not record the first agent audio: {e}");
            }
        });
    }
}

impl MediaHooks for ServeHooks<'_> {
    fn rtp_in(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        self.watch.media_arrived(at);
        for p in &mut self.plugins {
            p.rtp_in(at, from, to, data);
        }
    }

    fn rtp_out(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        // The marker bit starts an agent talkspurt (silence filler never carries it).
        if !self.first_audio_sent && data.len() >= 12 && data[1] & 0x80 != 0 {
            self.first_agent_audio();
        }
        for p in &mut self.plugins {
            p.rtp_out(at, from, to, data);
        }
    }

    fn event(&mut self, ev: &MediaEvent) {
        for p in &mut self.plugins {
            p.event(ev);
        }
        if let Some(j) = &self.journal {
            journal_media_event(j, ev);
        }
        if matches!(ev, MediaEvent::AgentError { .. }) {
            self.shared.api.journals.agent_error();
        }
        let id = &self.call.channel.id;
        match ev {
            MediaEvent::AgentResponse { latency } => {
                tracing::debug!(call = %id, ms = latency.as_millis() as u64, "agent response");
            }
            MediaEvent::AgentError { message } => {
                tracing::warn!(call = %id, "agent error: {message}")
            }
            MediaEvent::Interrupted { event_id } => {
                tracing::debug!(call = %id, event_id, "barge-in")
            }
            MediaEvent::CallerSpeech { speaking } => {
                tracing::trace!(call = %id, speaking, "caller speech")
            }
        }
    }

    fn agent_in(&mut self, msg: &vcctl_core::agent::proto::ServerMessage) {
        if let Some(j) = &self.journal {
            j.agent_in(msg);
        }
    }

    fn agent_out(&mut self, text: &str) {
        if let Some(j) = &self.journal {
            j.agent_out(text);
        }
    }

    fn every_second(&mut self, s: &MediaStats) {
        flush_counters(self.shared, s, &mut self.flushed);
    }

    fn live(&mut self, s: &MediaStats) {
        snapshot(self.shared, self.call, self.profile, "bridged", Some(s));
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn media_loop(
    shared: &Shared,
    call: &NewCall,
    profile: &str,
    socket: &UdpSocket,
    sender: AgentSender,
    mut receiver: AgentReceiver,
    media: CallMedia,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    watch: Arc<MediaWatch>,
) -> (End, CallMedia) {
    let mut hooks = ServeHooks {
        shared,
        call,
        profile,
        flushed: MediaStats::default(),
        first_audio_sent: false,
        watch,
        journal: shared.api.journals.get(&call.channel.id),
        plugins: shared
            .plugins
            .iter()
            .filter_map(|f| f(&call.channel.id))
            .collect(),
    };
    let (end, media, _playout) = media_loop::run(
        media_loop::MediaIo {
            socket,
            sender: &sender,
            receiver: &mut receiver,
        },
        media,
        &call.channel.id,
        rx,
        &mut hooks,
        None,
    )
    .await;
    let mut flushed = std::mem::take(&mut hooks.flushed);
    flush_counters(shared, &media.stats(), &mut flushed);
    for p in std::mem::take(&mut hooks.plugins) {
        if let Some((kind, path)) = p.finish() {
            tracing::info!(call = %call.channel.id, kind, path, "call file written");
            res.files.push((kind, path));
        }
    }
    let end = call_end(end, res);
    (end, media)
}

/// Why a media loop (either transport) stopped, as the call's end; notes which channel is
/// already gone.
pub(super) fn call_end(end: LoopEnd, res: &mut Resources) -> End {
    match end {
        LoopEnd::Caller(c) => {
            res.caller_gone = true;
            End::Caller(c)
        }
        LoopEnd::MediaLeg => {
            res.media_gone = true;
            End::MediaLeg
        }
        LoopEnd::Agent { normal, detail } => End::Agent { normal, detail },
        LoopEnd::Shutdown => End::Shutdown,
        LoopEnd::MediaTimeout(after) => End::CallerSilent(after),
        LoopEnd::Error(e) => End::Error(e),
    }
}

/// Add the counters accumulated since the last flush to the global metrics.
pub(super) fn flush_counters(shared: &Shared, s: &MediaStats, last: &mut MediaStats) {
    let m = &shared.metrics;
    m.rtp_in.inc_by(s.rtp_in_packets - last.rtp_in_packets);
    m.rtp_out.inc_by(s.rtp_out_packets - last.rtp_out_packets);
    m.rtp_dropped
        .with(&["foreign_source"])
        .inc_by(s.rtp_dropped_foreign - last.rtp_dropped_foreign);
    m.rtp_dropped
        .with(&["malformed"])
        .inc_by(s.rtp_dropped_malformed - last.rtp_dropped_malformed);
    m.underflows
        .inc_by(s.playout.underflows - last.playout.underflows);
    m.standing_drops
        .inc_by(s.playout.standing_drops - last.playout.standing_drops);
    *last = s.clone();
}

/// A media event into the call's timeline.
pub(crate) fn journal_media_event(j: &crate::io::serve::journal::Journal, ev: &MediaEvent) {
    match ev {
        MediaEvent::CallerSpeech { speaking } => j.media(
            if *speaking {
                "caller speaking"
            } else {
                "caller stopped"
            },
            json!({}),
        ),
        MediaEvent::AgentResponse { latency } => j.media(
            "agent responded",
            json!({"latency_ms": latency.as_secs_f64() * 1000.0}),
        ),
        MediaEvent::Interrupted { event_id } => j.media("barge-in", json!({"event_id": event_id})),
        MediaEvent::AgentError { message } => j.media("agent error", json!({"message": message})),
    }
}

/// Who is speaking now: `caller`, `agent`, `both` or `none`.
pub(crate) fn speaking(caller: bool, agent: bool) -> &'static str {
    match (caller, agent) {
        (true, true) => "both",
        (true, false) => "caller",
        (false, true) => "agent",
        (false, false) => "none",
    }
}

/// Publish the live state of a call on `/calls` (documented in README, "serve's HTTP API").
pub(super) fn snapshot(
    shared: &Shared,
    call: &NewCall,
    profile: &str,
    state: &str,
    stats: Option<&MediaStats>,
) {
    let leg = shared
        .api
        .journals
        .get(&call.channel.id)
        .and_then(|j| j.caller_leg());
    shared.api.calls.upsert(
        call.channel.id.clone(),
        json!({
            "id": call.channel.id,
            "caller_channel": call.channel.name,
            "caller": call.args.get(1).cloned().unwrap_or_else(|| call.channel.caller.number.clone()),
            "extension": call.args.first(),
            "profile": profile,
            "state": state,
            "transport": "rtp",
            "age_seconds": call.received.elapsed().as_secs_f64(),
            "started": now_unix() - call.received.elapsed().as_secs_f64(),
            "speaking": stats.map(|s| speaking(s.caller_speaking, s.agent_speaking)),
            "last_response_ms": stats.and_then(|s| s.response_latency_ms.last().copied()),
            "media": stats,
            "caller_leg": leg,
        }),
    );
}
