//! What serve does while a call's media runs, whichever transport carries it: one
//! [`CallObserver`] feeds the call's journal, `/calls` snapshots, metrics and the call
//! record's first-audio mark, and each media loop's hooks call it: [`RtpHooks`] around
//! `media_loop::run` (with the per-call plugins, which see RTP), [`WsServeHooks`] around
//! `ws_media_loop::run` (with the WebSocket leg's figures, [`WsFigures`]). A child module
//! of `call.rs`.

use std::collections::VecDeque;

use super::*;
use crate::io::serve::journal::Journal;
use crate::io::serve::media_loop::ObserveSent;
use crate::io::serve::ws_media_loop::WsHooks;
use vcctl_core::agent::proto::ServerMessage;
use vcctl_core::chan_websocket::{LinkEvent, LinkStats};
use vcctl_core::media::ws_call_media::{WsCallMedia, WsMediaStats};

/// One call's observer, shared by both transports' hooks.
pub(super) struct CallObserver<'a> {
    shared: &'a Shared,
    call: &'a NewCall,
    profile: &'a str,
    /// The caller's media activity (`--media-timeout`).
    watch: Arc<MediaWatch>,
    /// The call's timeline and logs (`vcctl top`, `calls bundle`; None once dropped).
    journal: Option<Arc<Journal>>,
    /// The first agent audio has reached Asterisk (and was noted in the call record).
    first_audio_sent: bool,
}

impl<'a> CallObserver<'a> {
    pub(super) fn new(
        shared: &'a Shared,
        call: &'a NewCall,
        profile: &'a str,
        watch: Arc<MediaWatch>,
    ) -> Self {
        CallObserver {
            shared,
            call,
            profile,
            watch,
            journal: shared.api.journals.get(&call.channel.id),
            first_audio_sent: false,
        }
    }

    pub(super) fn call_id(&self) -> &str {
        &self.call.channel.id
    }

    /// Caller media arrived from Asterisk.
    fn caller_media(&self, at: Instant) {
        self.watch.media_arrived(at);
    }

    fn agent_in(&self, msg: &ServerMessage) {
        if let Some(j) = &self.journal {
            j.agent_in(msg);
        }
    }

    fn agent_out(&self, text: &str) {
        if let Some(j) = &self.journal {
            j.agent_out(text);
        }
    }

    /// The engine reported something: the timeline, the agent error count, the log.
    fn event(&self, ev: &MediaEvent) {
        if let Some(j) = &self.journal {
            journal_media_event(j, ev);
        }
        if matches!(ev, MediaEvent::AgentError { .. }) {
            self.shared.api.journals.agent_error();
        }
        let id = self.call_id();
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

    /// The call's first agent audio reached Asterisk (RTP: its first packet sent; WebSocket:
    /// its first frame dequeued): the first-audio metric and the call record's mark, once.
    fn first_agent_audio(&mut self) {
        if self.first_audio_sent {
            return;
        }
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

    fn live(&self, live: Live) {
        snapshot(self.shared, self.call, self.profile, "bridged", Some(live));
    }
}

/// The media part of a live snapshot, from either transport's engine.
pub(super) struct Live {
    speaking: &'static str,
    last_response_ms: Option<f64>,
    /// The engine's counters (`MediaStats` or `WsMediaStats`).
    media: Value,
    /// WebSocket transport: the leg's figures.
    media_ws: Option<Value>,
}

impl Live {
    fn rtp(s: &MediaStats) -> Live {
        Live {
            speaking: speaking(s.caller_speaking, s.agent_speaking),
            last_response_ms: s.response_latency_ms.last().copied(),
            media: serde_json::to_value(s).unwrap_or(Value::Null),
            media_ws: None,
        }
    }

    /// `media` has no rtp_in_* figures: no RTP reaches serve (docs/websocket-media.md).
    /// `media_ws` is the leg's figures without the two the record adds at the end: the agent
    /// side's counters (live, they are `media`) and the link's final counters (there are
    /// none before the connection closes).
    fn websocket(s: &WsMediaStats, figs: &WsFigures) -> Live {
        let mut media_ws = serde_json::to_value(figs).ok();
        if let Some(Value::Object(m)) = &mut media_ws {
            m.remove("agent");
            m.remove("link");
        }
        Live {
            speaking: speaking(s.caller_speaking, s.agent_speaking),
            last_response_ms: s.agent.response_latency_ms.last().copied(),
            media: serde_json::to_value(s).unwrap_or(Value::Null),
            media_ws,
        }
    }
}

/// Publish the live state of a call on `/calls` (documented in README, "serve's HTTP API"):
/// the same fields for both transports, plus `media_ws` for the WebSocket one.
pub(super) fn snapshot(
    shared: &Shared,
    call: &NewCall,
    profile: &str,
    state: &str,
    live: Option<Live>,
) {
    let leg = shared
        .api
        .journals
        .get(&call.channel.id)
        .and_then(|j| j.caller_leg());
    let (speaking, last_response_ms, media, media_ws) = match live {
        Some(l) => (Some(l.speaking), l.last_response_ms, l.media, l.media_ws),
        None => (None, None, Value::Null, None),
    };
    let mut v = json!({
        "id": call.channel.id,
        "caller_channel": call.channel.name,
        "caller": call.args.get(1).cloned().unwrap_or_else(|| call.channel.caller.number.clone()),
        "extension": call.args.first(),
        "profile": profile,
        "state": state,
        "transport": shared.opts.transport.as_str(),
        "age_seconds": call.received.elapsed().as_secs_f64(),
        "started": now_unix() - call.received.elapsed().as_secs_f64(),
        "speaking": speaking,
        "last_response_ms": last_response_ms,
        "media": media,
        "caller_leg": leg,
    });
    if let Some(ws) = media_ws {
        v["media_ws"] = ws;
    }
    shared.api.calls.upsert(call.channel.id.clone(), v);
}

/// A media event into the call's timeline.
fn journal_media_event(j: &Journal, ev: &MediaEvent) {
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
fn speaking(caller: bool, agent: bool) -> &'static str {
    match (caller, agent) {
        (true, true) => "both",
        (true, false) => "caller",
        (false, true) => "agent",
        (false, false) => "none",
    }
}

/// The RTP loop's hooks: the observer, the global RTP counters, the per-call plugins.
pub(super) struct RtpHooks<'a> {
    observer: CallObserver<'a>,
    /// The counters as last added to the metrics.
    flushed: MediaStats,
    plugins: Vec<Box<dyn CallPlugin>>,
}

impl<'a> RtpHooks<'a> {
    pub(super) fn new(observer: CallObserver<'a>, id: &str) -> Self {
        let plugins = observer
            .shared
            .plugins
            .iter()
            .filter_map(|f| f(id))
            .collect();
        RtpHooks {
            observer,
            flushed: MediaStats::default(),
            plugins,
        }
    }

    /// The loop ended: the last counters into the metrics, the plugins' files into `res`.
    pub(super) fn finish(mut self, stats: &MediaStats, res: &mut Resources) {
        flush_counters(self.observer.shared, stats, &mut self.flushed);
        for p in self.plugins {
            if let Some((kind, path)) = p.finish() {
                tracing::info!(call = %self.observer.call_id(), kind, path, "call file written");
                res.files.push((kind, path));
            }
        }
    }
}

impl MediaHooks for RtpHooks<'_> {
    /// The first-audio mark needs the packet that starts the first talkspurt; every packet
    /// only when a plugin (capture, recording) wants them.
    fn observes_rtp_out(&self) -> ObserveSent {
        self.plugins
            .iter()
            .map(|p| p.observes_rtp_out())
            .fold(ObserveSent::FirstTalkspurt, ObserveSent::max)
    }

    fn rtp_in(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        self.observer.caller_media(at);
        for p in &mut self.plugins {
            p.rtp_in(at, from, to, data);
        }
    }

    fn rtp_out(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        // The marker bit starts an agent talkspurt (silence filler never carries it).
        if !self.observer.first_audio_sent && data.len() >= 12 && data[1] & 0x80 != 0 {
            self.observer.first_agent_audio();
        }
        for p in &mut self.plugins {
            p.rtp_out(at, from, to, data);
        }
    }

    fn event(&mut self, ev: &MediaEvent) {
        for p in &mut self.plugins {
            p.event(ev);
        }
        self.observer.event(ev);
    }

    fn agent_in(&mut self, msg: &ServerMessage) {
        self.observer.agent_in(msg);
    }

    fn agent_out(&mut self, text: &str) {
        self.observer.agent_out(text);
    }

    fn every_second(&mut self, s: &MediaStats) {
        flush_counters(self.observer.shared, s, &mut self.flushed);
    }

    fn live(&mut self, s: &MediaStats) {
        self.observer.live(Live::rtp(s));
    }
}

/// Add the RTP counters accumulated since the last flush to the global metrics.
fn flush_counters(shared: &Shared, s: &MediaStats, last: &mut MediaStats) {
    shared.metrics.add_rtp_counters(s, last);
    *last = s.clone();
}

/// Figures and counters of a call's WebSocket leg, kept by its hooks: the call record's
/// `media_ws` and the live snapshot's.
#[derive(Debug, Default, Serialize)]
pub(super) struct WsFigures {
    format: String,
    /// Agent interruptions not yet confirmed by Asterisk (when each was received).
    #[serde(skip)]
    interrupts: VecDeque<Instant>,
    pub barge_in_stop_ms: Vec<f64>,
    pub agent_audio_to_played_ms: Vec<f64>,
    responses_played: u64,
    xoff: u64,
    xon: u64,
    flushes_confirmed: u64,
    overflow_dropped_bytes: u64,
    asterisk_errors: u64,
    /// The agent side's counters (resampled samples, pass-through bytes, ...).
    pub agent: WsMediaStats,
    /// The link's final counters (after the connection ended).
    pub link: Option<LinkStats>,
}

/// The WebSocket loop's hooks: the observer and the leg's figures.
pub(super) struct WsServeHooks<'c, 'a> {
    observer: CallObserver<'a>,
    figs: &'c mut WsFigures,
}

impl WsFigures {
    /// Nothing counted yet, on a channel of `format`.
    pub(super) fn new(format: &str) -> WsFigures {
        WsFigures {
            format: format.to_string(),
            ..Default::default()
        }
    }
}

impl<'c, 'a> WsServeHooks<'c, 'a> {
    pub(super) fn new(observer: CallObserver<'a>, figs: &'c mut WsFigures) -> Self {
        WsServeHooks { observer, figs }
    }

    /// Record what the link reports; `Some` ends the call, with why.
    fn on_link_event(&mut self, event: LinkEvent) -> Option<String> {
        let (shared, call): (&Shared, &NewCall) = (self.observer.shared, self.observer.call);
        let (m, id) = (&shared.metrics, &call.channel.id);
        let figs = &mut *self.figs;
        match event {
            LinkEvent::ResponsePlaying {
                first_audio_at,
                playing_at,
                ..
            } => {
                let d = playing_at.saturating_duration_since(first_audio_at);
                figs.agent_audio_to_played_ms.push(d.as_secs_f64() * 1000.0);
                m.agent_to_played.observe(d.as_secs_f64());
                self.observer.first_agent_audio();
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
        None
    }
}

impl WsHooks for WsServeHooks<'_, '_> {
    fn caller_audio(&mut self, at: Instant, _bytes: usize) {
        self.observer.caller_media(at);
    }

    fn interrupt_sent(&mut self, at: Instant) {
        self.figs.interrupts.push_back(at);
    }

    fn link_event(&mut self, _at: Instant, ev: LinkEvent) -> Option<LoopEnd> {
        self.on_link_event(ev).map(LoopEnd::Error)
    }

    fn link_closed(&mut self, reason: &str, stats: LinkStats) {
        tracing::info!(call = %self.observer.call_id(), "WebSocket media connection ended: {reason}");
        self.figs.link = Some(stats);
    }

    fn agent_in(&mut self, msg: &ServerMessage) {
        self.observer.agent_in(msg);
    }

    fn agent_out(&mut self, text: &str) {
        self.observer.agent_out(text);
    }

    fn event(&mut self, ev: &MediaEvent) {
        self.observer.event(ev);
    }

    fn live(&mut self, engine: &WsCallMedia) {
        self.observer
            .live(Live::websocket(&engine.stats(), self.figs));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_websocket_call_s_live_figures_show_its_counters_once_and_no_empty_final_ones() {
        let mut stats = WsMediaStats {
            caller_frames: 150,
            ..Default::default()
        };
        stats.agent.response_latency_ms = vec![420.0];
        let mut figs = WsFigures::new("slin16");
        figs.xoff = 1;
        let live = Live::websocket(&stats, &figs);
        assert_eq!(live.media["caller_frames"], 150);
        assert_eq!(live.last_response_ms, Some(420.0));
        let ws = live.media_ws.unwrap();
        assert_eq!(
            (ws["format"].as_str(), ws["xoff"].as_u64()),
            (Some("slin16"), Some(1))
        );
        // The agent side's counters are `media`; the link's exist only in the record.
        assert!(
            ws.get("agent").is_none() && ws.get("link").is_none(),
            "{ws}"
        );
        // The record keeps both (the same struct serialized whole).
        let whole = serde_json::to_value(&figs).unwrap();
        assert!(
            whole.get("agent").is_some() && whole.get("link").is_some(),
            "{whole}"
        );
    }
}
