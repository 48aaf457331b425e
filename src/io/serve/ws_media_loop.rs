//! The I/O loop of one call whose Asterisk leg is chan_websocket: the media WebSocket's task
//! ([`MediaWs`], which owns the connection and its [`vcctl_core::chan_websocket::MediaLink`])
//! and the agent WebSocket around a [`WsCallMedia`] engine. Shared by `serve --transport
//! websocket` and `vcctl bench --transport websocket`; what else wants to see the call
//! (records, metrics, live snapshots, the benchmark's figures) plugs in as [`WsHooks`].
//!
//! No pacing here: agent audio goes to the link as it arrives and Asterisk plays it on its
//! own 20 ms clock; the link's timeouts run in the media WebSocket's task.

use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::io::agent_ws::{AgentReceiver, AgentSender};
use crate::io::asterisk_media_ws::{FromAsterisk, MediaWs, ToAsterisk};
use crate::io::serve::media_loop::{CallSignal, LoopEnd, LoopProbe};
use vcctl_core::agent::proto::ServerMessage;
use vcctl_core::chan_websocket::{LinkEvent, LinkStats};
use vcctl_core::media::call_media::MediaEvent;
use vcctl_core::media::pacer::PacingStats;
use vcctl_core::media::ws_call_media::{WsCallMedia, WsOutput};

/// Observers of a WebSocket call's media. All methods have empty defaults.
pub trait WsHooks {
    /// A caller frame arrived from Asterisk.
    fn caller_audio(&mut self, _at: Instant, _bytes: usize) {}
    /// Agent audio (in the channel's format) received at `at` goes to the link now.
    fn agent_audio(&mut self, _at: Instant, _bytes: usize) {}
    /// An interruption goes to the link now (`FLUSH_MEDIA`).
    fn interrupt_sent(&mut self, _at: Instant) {}
    /// The link reported something; `Some` ends the call.
    fn link_event(&mut self, _at: Instant, _ev: LinkEvent) -> Option<LoopEnd> {
        None
    }
    /// The media connection ended; the link's final counters.
    fn link_closed(&mut self, _reason: &str, _stats: LinkStats) {}
    /// The engine reported something.
    fn event(&mut self, _ev: &MediaEvent) {}
    /// A message from the agent, before the engine handles it.
    fn agent_in(&mut self, _msg: &ServerMessage) {}
    /// A message to the agent, as it is queued for the writer.
    fn agent_out(&mut self, _text: &str) {}
    /// Several times a second ([`LIVE_EVERY`]), the engine: for `vcctl top`'s level meters
    /// and speaking state, as on the RTP path.
    fn live(&mut self, _engine: &WsCallMedia) {}
}

/// How often [`WsHooks::live`] runs (the RTP path's `media_loop::LIVE_EVERY`).
const LIVE_EVERY: Duration = Duration::from_millis(250);

/// Hooks that observe nothing.
pub struct NoWsHooks;
impl WsHooks for NoWsHooks {}

/// Run until a signal, Asterisk, the agent or an error ends the call; the engine comes back
/// with why. `caller_id` is the caller's channel (a [`CallSignal::ChannelGone`] for another
/// channel is the media leg's).
#[allow(clippy::too_many_arguments)] // the call's transports, engine and observers, as `media_loop::run` takes them
pub async fn run(
    mws: &mut MediaWs,
    sender: AgentSender,
    receiver: &mut AgentReceiver,
    mut engine: WsCallMedia,
    caller_id: &str,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    hooks: &mut (dyn WsHooks + Send),
    probe: Option<&mut LoopProbe>,
) -> (LoopEnd, WsCallMedia) {
    // Chunks to the agent go through a writer task, so a slow agent link never holds up
    // Asterisk's side.
    let (to_agent, mut agent_queue) = mpsc::unbounded_channel::<(String, Option<Instant>)>();
    let (failed_tx, mut agent_failed) = tokio::sync::oneshot::channel::<String>();
    let measure = probe.is_some();
    let writer = tokio::spawn(async move {
        // Caller frame received -> the chunk it completed written, when measuring.
        let mut written = PacingStats::new();
        while let Some((text, caller_at)) = agent_queue.recv().await {
            if let Err(e) = sender.send_text(text).await {
                let _ = failed_tx.send(e.to_string());
                break;
            }
            if let (true, Some(t)) = (measure, caller_at) {
                written.record_duration(t.elapsed());
            }
        }
        written
    });
    let mut live = tokio::time::interval(LIVE_EVERY);
    live.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let end = loop {
        let mut caller_at = None;
        tokio::select! {
            biased;
            sig = rx.recv() => match sig {
                Some(CallSignal::ChannelGone { channel, cause }) if channel == caller_id => {
                    break LoopEnd::Caller(cause);
                }
                Some(CallSignal::ChannelGone { .. }) => break LoopEnd::MediaLeg,
                Some(CallSignal::MediaTimeout(after)) => break LoopEnd::MediaTimeout(after),
                Some(CallSignal::Shutdown) | None => break LoopEnd::Shutdown,
            },
            f = mws.recv() => match f {
                Some(FromAsterisk::CallerAudio { at, data }) => {
                    hooks.caller_audio(at, data.len());
                    engine.handle_caller(at, &data);
                    caller_at = Some(at);
                }
                Some(FromAsterisk::Event { at, event }) => {
                    engine.note_link_event(&event);
                    if let Some(end) = hooks.link_event(at, event) {
                        break end;
                    }
                }
                Some(FromAsterisk::Unreadable { .. }) => {}
                Some(FromAsterisk::Closed { reason, stats }) => {
                    hooks.link_closed(&reason, stats);
                    break LoopEnd::MediaLeg;
                }
                None => break LoopEnd::MediaLeg,
            },
            m = receiver.next() => match m {
                Some(msg) => {
                    hooks.agent_in(&msg);
                    engine.handle_agent(Instant::now(), &msg)
                }
                None => {
                    let (normal, detail) = receiver
                        .close_info()
                        .map(|c| (c.is_normal(), c.describe()))
                        .unwrap_or((false, "the agent connection ended".into()));
                    break LoopEnd::Agent { normal, detail };
                }
            },
            e = &mut agent_failed => {
                let detail = e.unwrap_or_else(|_| "the agent writer stopped".into());
                break LoopEnd::Agent { normal: false, detail };
            }
            _ = live.tick() => hooks.live(&engine),
        }
        while let Some(out) = engine.poll_output() {
            match out {
                // Only a chunk completed by the caller frame just received carries its time.
                WsOutput::Agent(text) => {
                    hooks.agent_out(&text);
                    let _ = to_agent.send((text, caller_at.take()));
                }
                WsOutput::Channel(audio) => {
                    hooks.agent_audio(Instant::now(), audio.len());
                    mws.send(ToAsterisk::Audio(audio));
                }
                WsOutput::Interrupt => {
                    hooks.interrupt_sent(Instant::now());
                    mws.send(ToAsterisk::Interrupt);
                }
                WsOutput::Event(ev) => hooks.event(&ev),
            }
        }
    };
    drop(to_agent);
    if let Ok(Ok(written)) = tokio::time::timeout(Duration::from_millis(500), writer).await {
        if let Some(p) = probe {
            p.rtp_to_agent.merge(&written);
        }
    }
    (end, engine)
}
