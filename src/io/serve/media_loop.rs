//! The I/O loop of one call's media: a UDP socket to Asterisk and the agent WebSocket around
//! a [`CallMedia`] engine. Shared by `serve` and the media benchmark; whatever else wants to
//! see the packets (per-call capture, recording, live snapshots) plugs in as [`MediaHooks`].
//!
//! The call's task owns the caller -> agent half of the engine ([`CallMedia`]): it takes
//! inbound RTP, the agent's messages and the keepalive timer. The agent -> caller half
//! ([`RtpPlayout`]) is owned by the process's pacing thread, [`MediaClock`], which sends the
//! RTP itself; this task hands it [`Output::Playout`] messages and hears back from it on its
//! news channel ([`ClockNews`]), and reads the playout's counters when its live view is due
//! ([`Paced::report`]).
//!
//! What wakes the task is its CPU cost per call (docs/benchmarks.md, "The task's wake-ups
//! after the engine split"): a caller's packet or an agent message, news that observers want,
//! and the keepalive timer only when the caller's audio has really stopped.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use crate::io::agent_ws::{AgentReceiver, AgentSender, TrySend};
use crate::io::serve::media_clock::{dup_socket, ClockNews, MediaClock, Paced};
use vcctl_core::agent::proto::ServerMessage;
use vcctl_core::media::call_media::{CallMedia, MediaEvent, MediaStats, Output, RtpPlayout};
use vcctl_core::media::pacer::PacingStats;

/// How often [`MediaHooks::live`] sees the counters: several times a second for `vcctl top`'s
/// level meters and speaking state, checked only when the loop wakes anyway (a packet, an
/// agent message, the pacing thread's news): no timer of its own. The playout's share is the
/// pacing thread's latest report, published at the same rate.
const LIVE_EVERY: Duration = Duration::from_millis(250);

/// A message to a running call.
#[derive(Debug, Clone)]
pub enum CallSignal {
    /// A channel of the call left Stasis or was destroyed.
    ChannelGone {
        channel: String,
        cause: Option<String>,
    },
    /// Stop now (serve shutting down, benchmark over).
    Shutdown,
    /// The caller sent no media for this long (serve's `--media-timeout`): end the call.
    MediaTimeout(Duration),
}

/// Why a call's media loop stopped, and so why serve's call ended: the setup stages before
/// the loop end a call for the same reasons (the caller hangs up, shutdown, an error), and
/// teardown classifies it (`call_teardown::classify`). One type for both transports' loops,
/// serve's calls and the benchmark.
#[derive(Debug, Clone, PartialEq)]
pub enum LoopEnd {
    /// The caller's channel went away.
    Caller(Option<String>),
    /// Another channel of the call (the externalMedia leg) went away.
    MediaLeg,
    /// The agent closed the conversation (`normal`: a clean close).
    Agent {
        normal: bool,
        detail: String,
    },
    Shutdown,
    /// No media from the caller for this long (serve's `--media-timeout`).
    MediaTimeout(Duration),
    Error(String),
}

/// Random starting values for a call's outbound RTP stream (RFC 3550 wants them random;
/// the core takes them as a parameter).
pub fn random_seed() -> vcctl_core::media::call_media::StreamSeed {
    vcctl_core::media::call_media::StreamSeed {
        ssrc: rand::random(),
        seq: rand::random(),
        timestamp: rand::random(),
    }
}

/// Which packets sent to Asterisk [`MediaHooks::rtp_out`] wants. Each batch the pacing thread
/// hands back wakes the call's task (ten a second per call while the agent speaks), so a hook
/// asks for no more than it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObserveSent {
    Nothing,
    /// Only the packet that starts the call's first agent talkspurt (its marker bit): when
    /// the caller first hears the agent.
    FirstTalkspurt,
    Every,
}

/// Observers of a call's media. All methods have empty defaults.
pub trait MediaHooks {
    /// A datagram arrived (before the engine looked at it).
    fn rtp_in(&mut self, _at: Instant, _from: SocketAddr, _to: SocketAddr, _data: &[u8]) {}
    /// A packet was sent to Asterisk (reported in batches, within about 100 ms, with the time
    /// it was sent; a packet that starts a talkspurt at once).
    fn rtp_out(&mut self, _at: Instant, _from: SocketAddr, _to: SocketAddr, _data: &[u8]) {}
    /// Which packets [`Self::rtp_out`] wants (saves a copy of every packet, and a wake-up per
    /// batch, when not all).
    fn observes_rtp_out(&self) -> ObserveSent {
        ObserveSent::Every
    }
    /// The engine reported something.
    fn event(&mut self, _ev: &MediaEvent) {}
    /// A message from the agent arrived (before the engine looked at it).
    fn agent_in(&mut self, _msg: &ServerMessage) {}
    /// A message is being sent to the agent.
    fn agent_out(&mut self, _text: &str) {}
    /// Four times a second, the engine's counters (live views).
    fn live(&mut self, _stats: &MediaStats) {}
    /// Once a second, the engine's counters.
    fn every_second(&mut self, _stats: &MediaStats) {}
}

/// Hooks that observe nothing.
pub struct NoHooks;
impl MediaHooks for NoHooks {
    fn observes_rtp_out(&self) -> ObserveSent {
        ObserveSent::Nothing
    }
}

/// Measurements of the loop itself (the benchmark's figures).
#[derive(Debug, Clone, Default)]
pub struct LoopProbe {
    /// RTP datagram received -> the agent chunk it completed was written to the WebSocket.
    pub rtp_to_agent: PacingStats,
    /// Counts the task's wake-ups (each turn of its loop; may be shared by many calls).
    pub wakes: Option<Arc<AtomicU64>>,
    /// Notified once the loop has dropped what queued on the socket before it started
    /// ([`drop_queued`]): every datagram from then on is read and counted. The benchmark's
    /// synthetic Asterisk starts a call's RTP only then, so that none of it is dropped as
    /// stale (that drop is serve's answer to audio older than the agent, not a loss).
    pub reading: Option<Arc<tokio::sync::Notify>>,
}

/// The transports of one call: the UDP socket to Asterisk and both halves of the agent link.
pub struct MediaIo<'a> {
    pub socket: &'a UdpSocket,
    pub sender: &'a AgentSender,
    pub receiver: &'a mut AgentReceiver,
}

/// Run until a signal, the agent or an error ends the call; the engine comes back with why,
/// and its playout half (when it got as far as the pacing thread and back).
pub async fn run(
    io: MediaIo<'_>,
    media: CallMedia,
    caller_id: &str,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    hooks: &mut (dyn MediaHooks + Send),
    probe: Option<&mut LoopProbe>,
) -> (LoopEnd, CallMedia, Option<RtpPlayout>) {
    let MediaIo {
        socket,
        sender,
        receiver,
    } = io;
    let mut media = media;
    media.note_stale_rtp(drop_queued(socket));
    if let Some(reading) = probe.as_ref().and_then(|p| p.reading.as_ref()) {
        reading.notify_one();
    }
    let Some(peer) = media.peer() else {
        let end = LoopEnd::Error("the media peer address is not known".into());
        return (end, media, None);
    };
    let Some(playout) = media.take_playout() else {
        let end = LoopEnd::Error("the call's playout was already taken".into());
        return (end, media, None);
    };
    let clock = MediaClock::global();
    let clock_socket = match dup_socket(socket) {
        Ok(s) => s,
        Err(e) => {
            // Only a descriptor limit makes the duplicate fail; the call cannot run.
            let end = LoopEnd::Error(format!("could not pace the call's RTP: {e}"));
            return (end, media, Some(playout));
        }
    };
    let mut paced = clock.add(playout, clock_socket, peer, hooks.observes_rtp_out());
    // Chunks go straight to the WebSocket while it keeps up; otherwise a writer task takes
    // them, so a slow agent link never delays this loop (or pacing).
    let (to_agent, mut agent_queue) = mpsc::unbounded_channel::<WriterMsg>();
    let (agent_failed_tx, mut agent_failed) = tokio::sync::oneshot::channel::<String>();
    let queued = Arc::new(AtomicUsize::new(0));
    let writer_sender = sender.clone();
    let writer_queued = queued.clone();
    let measure = probe.is_some();
    let wakes = probe.as_ref().and_then(|p| p.wakes.clone());
    let writer = tokio::spawn(async move {
        // RTP received -> its chunk written to the WebSocket, when measuring.
        let mut written = PacingStats::new();
        while let Some(msg) = agent_queue.recv().await {
            let r = match msg {
                WriterMsg::Text(text, rtp_at) => {
                    let r = writer_sender.send_text(text).await;
                    if let (true, Some(t), true) = (measure, rtp_at, r.is_ok()) {
                        written.record_duration(t.elapsed());
                    }
                    r
                }
                WriterMsg::Flush => writer_sender.flush().await,
            };
            writer_queued.fetch_sub(1, Ordering::AcqRel);
            if let Err(e) = r {
                let _ = agent_failed_tx.send(e.to_string());
                break;
            }
        }
        written
    });
    let mut agent = AgentWriter {
        sender,
        queue: to_agent,
        queued,
        measure,
        written: PacingStats::new(),
    };
    let local = socket
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
    let end = run_loop(
        socket,
        receiver,
        &mut media,
        &mut paced,
        caller_id,
        rx,
        hooks,
        &mut agent,
        &mut agent_failed,
        wakes.as_deref(),
    )
    .await;
    let AgentWriter {
        queue: to_agent,
        written: written_directly,
        ..
    } = agent;
    drop(to_agent);
    // Removal is a message: the thread hands the playout back with its final figures.
    let removed = paced
        .remove(|news| {
            if let ClockNews::Sent(batch) = news {
                for (at, p) in batch {
                    hooks.rtp_out(at, local, peer, &p);
                }
            }
        })
        .await;
    let playout = removed.map(|(playout, send_errors)| {
        if send_errors > 0 {
            tracing::warn!(
                call = caller_id,
                count = send_errors,
                "RTP packets to Asterisk could not be sent"
            );
        }
        media.finish_playout(&playout);
        *playout
    });
    // Let queued chunks go out (bounded), e.g. before a normal close.
    if let Ok(Ok(written)) = tokio::time::timeout(Duration::from_millis(500), writer).await {
        if let Some(p) = probe {
            p.rtp_to_agent.merge(&written);
            p.rtp_to_agent.merge(&written_directly);
        }
    }
    (end, media, playout)
}

/// Drop the datagrams already waiting on the socket; how many there were. Asterisk sends the
/// caller's audio from the moment the call is bridged, while the agent conversation may still
/// be opening (a round trip each for TCP, TLS, the upgrade and the initiation data: hundreds of
/// milliseconds to a distant agent). That audio is stale: see [`CallMedia::note_stale_rtp`].
/// (`vcctl bench` also counts with it what a call's socket still held when its loop stopped.)
pub fn drop_queued(socket: &UdpSocket) -> u64 {
    let mut buf = [0u8; 2048];
    let mut n = 0;
    while socket.try_recv_from(&mut buf).is_ok() {
        n += 1;
    }
    n
}

/// A message for the agent writer task.
enum WriterMsg {
    /// Send this text (with the time of the RTP datagram that completed it, if any).
    Text(String, Option<Instant>),
    /// Flush what a direct send left buffered.
    Flush,
}

/// The call task's side of the agent link: direct sends while nothing is queued, else the
/// writer task (order is kept: once anything is queued, everything queues behind it).
struct AgentWriter<'a> {
    sender: &'a AgentSender,
    queue: mpsc::UnboundedSender<WriterMsg>,
    /// Messages handed to the writer task and not yet written.
    queued: Arc<AtomicUsize>,
    measure: bool,
    /// RTP received -> its chunk written, for chunks sent directly.
    written: PacingStats,
}

impl AgentWriter<'_> {
    /// Send or queue; false when the connection is gone.
    fn send(&mut self, text: String, rtp_at: Option<Instant>) -> bool {
        let text = if self.queued.load(Ordering::Acquire) == 0 {
            match self.sender.try_send_text(text) {
                TrySend::Sent => {
                    self.record(rtp_at);
                    return true;
                }
                TrySend::NeedsFlush => {
                    self.record(rtp_at);
                    self.enqueue(WriterMsg::Flush);
                    return true;
                }
                TrySend::Closed => return false,
                TrySend::Busy(text) => text,
            }
        } else {
            text
        };
        self.enqueue(WriterMsg::Text(text, rtp_at));
        true
    }

    fn enqueue(&self, m: WriterMsg) {
        self.queued.fetch_add(1, Ordering::AcqRel);
        if self.queue.send(m).is_err() {
            // The writer stopped after a failure; the loop learns it from `agent_failed`.
            self.queued.fetch_sub(1, Ordering::AcqRel);
        }
    }

    fn record(&mut self, rtp_at: Option<Instant>) {
        if let (true, Some(t)) = (self.measure, rtp_at) {
            self.written.record_duration(t.elapsed());
        }
    }
}

#[allow(clippy::too_many_arguments)] // private: the pieces of `run`, split for the writer task
async fn run_loop(
    socket: &UdpSocket,
    receiver: &mut AgentReceiver,
    media: &mut CallMedia,
    paced: &mut Paced,
    caller_id: &str,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    hooks: &mut (dyn MediaHooks + Send),
    agent: &mut AgentWriter<'_>,
    agent_failed: &mut tokio::sync::oneshot::Receiver<String>,
    wakes: Option<&AtomicU64>,
) -> LoopEnd {
    let local = socket
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
    let peer = media.peer().unwrap_or(local);
    let mut buf = vec![0u8; 2048];
    let mut next_second = Instant::now() + Duration::from_secs(1);
    let mut next_live = Instant::now() + LIVE_EVERY;
    // The engine's own timer (keepalive silence for the agent): one sleep, reset whenever the
    // engine's deadline moves. While the caller's RTP flows every packet moves it 20 ms later
    // (`CallMedia::next_timeout`), and that reset costs no wake-up: tokio moves a deadline
    // later with one compare-and-swap on the timer entry and, when the old deadline comes
    // round in its timer wheel, files the entry again without waking the task (tokio 1.54,
    // src/runtime/time/entry.rs `extend_expiration`, wheel/mod.rs `mark_pending`). The sleep
    // fires only when the caller has been quiet for the keepalive interval.
    let mut due = media.next_timeout();
    let keepalive = tokio::time::sleep_until(due.into());
    tokio::pin!(keepalive);
    loop {
        let mut rtp_rx_at = None;
        let mut fired = false;
        tokio::select! {
            biased;
            news = paced.news() => match news {
                Some(ClockNews::Sent(batch)) => {
                    for (at, p) in batch {
                        hooks.rtp_out(at, local, peer, &p);
                    }
                }
                Some(ClockNews::Failed) | Some(ClockNews::Removed { .. }) | None => {
                    return LoopEnd::Error("the call's media pacing failed".into());
                }
            },
            r = socket.recv_from(&mut buf) => match r {
                Ok((n, from)) => {
                    let now = Instant::now();
                    hooks.rtp_in(now, from, local, &buf[..n]);
                    media.handle_rtp(now, from, &buf[..n]);
                    rtp_rx_at = Some(now);
                }
                // ICMP port unreachable from an earlier send surfaces here on Linux; not fatal.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
                Err(e) => return LoopEnd::Error(format!("RTP socket failed: {e}")),
            },
            m = receiver.next() => match m {
                Some(msg) => {
                    hooks.agent_in(&msg);
                    media.handle_agent(Instant::now(), &msg)
                }
                None => {
                    let (normal, detail) = receiver
                        .close_info()
                        .map(|c| (c.is_normal(), c.describe()))
                        .unwrap_or((false, "the agent connection ended".into()));
                    return LoopEnd::Agent { normal, detail };
                }
            },
            () = &mut keepalive => {
                fired = true;
                media.handle_timeout(Instant::now());
            }
            e = &mut *agent_failed => {
                let detail = e.unwrap_or_else(|_| "the agent writer stopped".into());
                return LoopEnd::Agent { normal: false, detail };
            }
            sig = rx.recv() => match sig {
                Some(CallSignal::ChannelGone { channel, cause }) if channel == caller_id => {
                    return LoopEnd::Caller(cause);
                }
                Some(CallSignal::ChannelGone { .. }) => return LoopEnd::MediaLeg,
                Some(CallSignal::MediaTimeout(after)) => return LoopEnd::MediaTimeout(after),
                Some(CallSignal::Shutdown) | None => return LoopEnd::Shutdown,
            },
        }
        if let Some(w) = wakes {
            w.fetch_add(1, Ordering::Relaxed);
        }
        while let Some(out) = media.poll_output() {
            match out {
                Output::Playout(input) => paced.send(input),
                Output::Agent(text) => {
                    hooks.agent_out(&text);
                    // Only a chunk completed by the datagram just received carries its time.
                    if !agent.send(text, rtp_rx_at.take()) {
                        return LoopEnd::Agent {
                            normal: false,
                            detail: "the agent connection closed".into(),
                        };
                    }
                }
                Output::Event(ev) => hooks.event(&ev),
            }
        }
        // A fired sleep stays ready: it is always re-armed.
        if fired || media.next_timeout() != due {
            due = media.next_timeout();
            keepalive.as_mut().reset(due.into());
        }
        let now = Instant::now();
        if now >= next_live {
            next_live = now + LIVE_EVERY;
            if let Some(r) = paced.report() {
                media.note_playout(r);
            }
            let stats = media.stats();
            if now >= next_second {
                next_second += Duration::from_secs(1);
                hooks.every_second(&stats);
            }
            hooks.live(&stats);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drop_queued_counts_what_waits_and_leaves_the_socket_empty() {
        let serve = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let asterisk = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = serve.local_addr().unwrap();
        for _ in 0..3 {
            asterisk.send_to(&[0x80; 172], to).unwrap();
        }
        // Loopback delivers at once; give the socket a moment all the same.
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(drop_queued(&serve), 3);
        assert_eq!(drop_queued(&serve), 0, "nothing is left to drop");
        // A datagram after the drop is read as usual.
        asterisk.send_to(&[0x80; 172], to).unwrap();
        let mut buf = [0u8; 256];
        let (n, _) = tokio::time::timeout(Duration::from_secs(2), serve.recv_from(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(n, 172);
    }
}
