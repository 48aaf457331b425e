//! The synthetic Asterisk of `vcctl bench --transport websocket`: chan_websocket's side of
//! every call on one thread. It accepts serve's media WebSockets at `/media/<n>` (as
//! Asterisk's HTTP server does), sends `MEDIA_START` (JSON control form, `ulaw`, 160-byte
//! frames), then on each call's own 20 ms timer sends one caller frame and plays one frame
//! of what serve sent, through [`ChanWebsocketModel`] (Asterisk 22.10.1's queue rules:
//! marks, `MEDIA_XOFF`/`MEDIA_XON`, whole-message drops at 1000 frames, flushes).
//!
//! It runs a current-thread tokio runtime of its own, so its CPU is its thread's clock,
//! reported apart from the media path's (as `bench_peer` does for RTP). Calls are spread over
//! the twenty 1 ms slots of the 20 ms grid. Per call it logs when each played frame left the
//! queue, so the benchmark can time agent audio received -> played.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

use crate::io::udp_batch::thread_cpu_ns;
use vcctl_core::chan_websocket::proto::encode_event;
use vcctl_core::chan_websocket::sim::ChanWebsocketModel;
use vcctl_core::chan_websocket::{ControlFormat, Event, MediaStart};

const FRAME: usize = 160;
const PTIME: Duration = Duration::from_millis(20);
const SILENCE: u8 = 0xFF;

/// What the synthetic Asterisk saw of one call.
#[derive(Debug, Clone, Default)]
pub struct WsPeerLog {
    /// Caller frames sent to serve.
    pub caller_sent: u64,
    /// When each frame of agent audio was dequeued (played), in order (serve's idle silence,
    /// all 0xFF, is not agent audio: the echoed caller frames never contain 0xFF).
    pub played_at: Vec<Instant>,
    /// Ticks after the first agent frame that played no agent audio (nothing queued, or
    /// serve's idle silence: the caller hears silence, the WebSocket path's underflow).
    pub empty_ticks: u64,
    /// Binary messages dropped whole at a full queue, and partial-frame bytes dropped.
    pub dropped_messages: u64,
    pub dropped_partial_bytes: u64,
    pub max_queue_frames: usize,
}

/// A running synthetic chan_websocket Asterisk.
pub struct BenchWsPeer {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    cpu_ns: Arc<AtomicU64>,
    logs: Arc<Mutex<HashMap<usize, WsPeerLog>>>,
    thread: Option<JoinHandle<()>>,
}

impl BenchWsPeer {
    /// Bind on loopback and start the thread.
    pub fn start() -> std::io::Result<BenchWsPeer> {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (stop, stop_rx) = watch::channel(false);
        let cpu_ns = Arc::new(AtomicU64::new(0));
        let logs = Arc::new(Mutex::new(HashMap::new()));
        let (c, l) = (cpu_ns.clone(), logs.clone());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("bench-asterisk-ws".into())
            .spawn(move || {
                rt.block_on(async move {
                    let Ok(listener) = TcpListener::from_std(std_listener) else {
                        return;
                    };
                    serve(listener, stop_rx, c, l).await;
                });
            })?;
        Ok(BenchWsPeer {
            addr,
            stop,
            cpu_ns,
            logs,
            thread: Some(thread),
        })
    }

    /// The ARI-like base URL serve's media connections go to (`/media/<n>` is appended).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// CPU seconds the peer's thread has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        self.cpu_ns.load(Ordering::Relaxed) as f64 / 1e9
    }

    /// Stop every call (each connection is closed); the logs by connection number.
    pub fn stop(mut self) -> HashMap<usize, WsPeerLog> {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        std::mem::take(&mut *self.logs.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Drop for BenchWsPeer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve(
    listener: TcpListener,
    mut stop: watch::Receiver<bool>,
    cpu_ns: Arc<AtomicU64>,
    logs: Arc<Mutex<HashMap<usize, WsPeerLog>>>,
) {
    let epoch = tokio::time::Instant::now();
    let mut calls = Vec::new();
    let mut n = 0usize;
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            a = listener.accept() => {
                let Ok((tcp, _)) = a else { continue };
                let _ = tcp.set_nodelay(true);
                // Calls spread over the grid's twenty 1 ms slots, as independent channels are.
                let phase = Duration::from_millis((n % 20) as u64);
                n += 1;
                calls.push(tokio::spawn(call(
                    tcp,
                    epoch + phase,
                    stop.clone(),
                    cpu_ns.clone(),
                    logs.clone(),
                )));
            }
        }
    }
    for c in calls {
        let _ = c.await;
    }
    cpu_ns.store(thread_cpu_ns(), Ordering::Relaxed);
}

#[allow(clippy::result_large_err)] // the handshake callback's error type is tungstenite's
async fn call(
    tcp: tokio::net::TcpStream,
    grid: tokio::time::Instant,
    mut stop: watch::Receiver<bool>,
    cpu_ns: Arc<AtomicU64>,
    logs: Arc<Mutex<HashMap<usize, WsPeerLog>>>,
) {
    let mut path = String::new();
    let cb = |req: &Request, resp: Response| {
        path = req.uri().path().to_string();
        Ok(resp)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, cb).await else {
        return;
    };
    let Some(id) = path
        .strip_prefix("/media/")
        .and_then(|s| s.parse::<usize>().ok())
    else {
        return;
    };
    let (mut sink, mut stream) = ws.split();
    let mut model = ChanWebsocketModel::new(ControlFormat::Json, FRAME);
    model.keep_played = false;
    model.channel_id = format!("bench-{id}");
    let start = Event::MediaStart(MediaStart {
        connection_id: format!("bench-{id}"),
        channel: "WebSocket/INCOMING/bench".into(),
        channel_id: Some(model.channel_id.clone()),
        format: "ulaw".into(),
        optimal_frame_size: FRAME,
        ptime_ms: Some(20),
        channel_variables: Default::default(),
    });
    let text = encode_event(&start, ControlFormat::Json, &model.channel_id);
    if sink.send(Message::Text(text.into())).await.is_err() {
        return;
    }
    // Speech-like µ-law (not all silence), the same in every frame.
    let caller: Vec<u8> = (0..FRAME).map(|i| (0x20 + (i * 7) % 90) as u8).collect();
    let mut log = WsPeerLog::default();
    let now = tokio::time::Instant::now();
    let first = grid + PTIME * ((now.saturating_duration_since(grid).as_millis() / 20) as u32 + 1);
    let mut tick = tokio::time::interval_at(first, PTIME);
    // A late tick is a slot lost for good, as in chan_websocket (asterisk #2115).
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            _ = tick.tick() => {
                if sink.feed(Message::Binary(caller.clone().into())).await.is_err() {
                    break;
                }
                log.caller_sent += 1;
                match model.tick() {
                    Some(f) if f.first() != Some(&SILENCE) => log.played_at.push(Instant::now()),
                    _ if !log.played_at.is_empty() => log.empty_ticks += 1,
                    _ => {}
                }
                if send_events(&mut model, &mut sink).await.is_err() || sink.flush().await.is_err() {
                    break;
                }
                cpu_ns.store(thread_cpu_ns(), Ordering::Relaxed);
            }
            m = stream.next() => match m {
                Some(Ok(Message::Binary(b))) => model.handle_binary(&b),
                Some(Ok(Message::Text(t))) => {
                    model.handle_text(t.as_str());
                    if send_events(&mut model, &mut sink).await.is_err() || sink.flush().await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = sink.close().await;
    log.dropped_messages = model.dropped_messages;
    log.dropped_partial_bytes = model.dropped_partial_bytes;
    log.max_queue_frames = model.max_queue_length;
    logs.lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id, log);
}

async fn send_events<S>(model: &mut ChanWebsocketModel, sink: &mut S) -> Result<(), S::Error>
where
    S: futures_util::Sink<Message> + Unpin,
{
    while let Some(e) = model.events.pop_front() {
        sink.feed(Message::Text(e.into())).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vcctl_core::chan_websocket::{parse_event, Event};

    #[tokio::test]
    async fn starts_media_sends_caller_frames_and_plays_what_it_gets_with_marks() {
        let peer = BenchWsPeer::start().unwrap();
        let url = format!("{}/media/7", peer.url().replace("http", "ws"));
        let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let Some(Ok(Message::Text(t))) = ws.next().await else {
            panic!("no MEDIA_START")
        };
        let Event::MediaStart(m) = parse_event(t.as_str()).unwrap().0 else {
            panic!("{t}")
        };
        assert_eq!((m.format.as_str(), m.optimal_frame_size), ("ulaw", 160));
        // Three frames, then a mark: reported when the queue reaches it (after 3 ticks).
        ws.send(Message::Binary(vec![0x11u8; 480].into()))
            .await
            .unwrap();
        ws.send(Message::Text(
            r#"{"command":"MARK_MEDIA","correlation_id":"m1"}"#.into(),
        ))
        .await
        .unwrap();
        let (mut caller, mut mark) = (0, None);
        let t0 = Instant::now();
        while mark.is_none() && t0.elapsed() < Duration::from_secs(2) {
            match ws.next().await {
                Some(Ok(Message::Binary(b))) => {
                    assert_eq!(b.len(), 160);
                    caller += 1;
                }
                Some(Ok(Message::Text(t))) => mark = Some((t.to_string(), caller)),
                other => panic!("{other:?}"),
            }
        }
        let (text, frames_before) = mark.expect("the mark was reported");
        assert!(
            text.contains("MEDIA_MARK_PROCESSED") && text.contains("m1"),
            "{text}"
        );
        // Reported at the tick after the third frame played: 3 or 4 caller frames by then.
        assert!((3..=5).contains(&frames_before), "{frames_before}");
        drop(ws);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let logs = peer.stop();
        let log = &logs[&7];
        assert_eq!(log.played_at.len(), 3);
        assert!(log.caller_sent >= 3);
        assert_eq!(log.dropped_messages, 0);
    }
}
