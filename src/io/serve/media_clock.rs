//! One pacing thread for the playout of every RTP call in the process.
//!
//! Each call's media has two owners. The call's task (see `media_loop`) owns the caller ->
//! agent half, [`CallMedia`](vcctl_core::media::call_media::CallMedia); this thread owns the
//! agent -> caller half, [`RtpPlayout`] (playout queue, pacer, packetizer), and sends its RTP
//! itself. Neither touches the other's engine: the task sends [`PlayoutInput`]s to the call's
//! inbox (and hurries the call when one cannot wait for its next frame, which wakes the thread
//! only if it would not wake within [`WAKE_SLACK`] anyway); the thread sends [`ClockNews`] back
//! on a channel the task selects on (the packets it sent, for observers, and, when the task
//! takes the call off the clock, the playout itself with its final figures) and publishes the
//! playout's counters four times a second on a watch channel, the latest value, which the task
//! reads when it needs it ([`Paced::report`]) instead of being woken for each. What each
//! wake-up costs: docs/benchmarks.md, "The task's wake-ups after the engine split".
//!
//! Why a thread and not a timer per call: outbound pacing is the one deadline the media path
//! must meet, and under load tokio's timers fire only when a worker is free from WebSocket and
//! JSON work (pacing p99 went from 1 ms to 9 ms between 400 and 500 benchmark calls on two
//! cores). A thread that only sleeps and sends is scheduled promptly, its sleep is not rounded
//! to tokio's 1 ms timer wheel, and one heap of deadlines replaces hundreds of timers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::io::serve::media_loop::ObserveSent;
use vcctl_core::media::call_media::{PlayoutInput, PlayoutReport, RtpPlayout};

/// How often the thread publishes a call's playout counters (the live view's rate).
const REPORT_EVERY: Duration = Duration::from_millis(250);
/// Input that cannot wait for its call's next frame does not wake the thread when the thread
/// wakes this soon anyway (for another call's frame: with hundreds of calls, every few tens of
/// microseconds): it is noted where the thread looks each time it wakes. Waking it costs the
/// sender a futex system call and the thread a context switch, and agent audio that arrives
/// just in time (a dry playout resumes on arrival) did that about ten times a second per call
/// in `vcctl bench`: half as many futex calls again as before the engine split
/// (docs/benchmarks.md, "The task's wake-ups after the engine split").
const WAKE_SLACK: Duration = Duration::from_micros(500);
/// Sent packets are handed to observers in batches of this many (100 ms of frames), or at
/// once when one starts a talkspurt (serve times the caller's first agent audio by it).
const SENT_BATCH: usize = 5;

/// What the pacing thread tells a call's task (each wakes the task).
#[derive(Debug)]
pub enum ClockNews {
    /// Packets sent to Asterisk, with their send times (only when observed).
    Sent(Vec<(Instant, Vec<u8>)>),
    /// The call's playout failed on the thread (a bug): the task should end the call.
    Failed,
    /// The call is off the clock: its playout, and the datagrams that could not be sent.
    Removed {
        playout: Box<RtpPlayout>,
        send_errors: u64,
    },
}

/// A message to the pacing thread.
enum ClockMsg {
    Add(u64, Box<PacedCall>),
    /// The call's inbox holds input that cannot wait for its next frame.
    Wake(u64),
    Remove(u64),
}

/// One call as the thread owns it.
struct PacedCall {
    playout: RtpPlayout,
    inbox: Receiver<PlayoutInput>,
    /// The call's RTP socket (a duplicate descriptor of the task's socket, non-blocking).
    socket: UdpSocket,
    peer: SocketAddr,
    observe_sent: ObserveSent,
    sent: Vec<(Instant, Vec<u8>)>,
    news: tokio::sync::mpsc::UnboundedSender<ClockNews>,
    /// The playout's counters, published every [`REPORT_EVERY`] (wakes nobody).
    report: watch::Sender<PlayoutReport>,
    /// A hint for the task: [`RtpPlayout::is_on_grid`] after the last run.
    on_grid: Arc<AtomicBool>,
    /// The deadline the heap holds for this call.
    deadline: Instant,
    next_report: Instant,
    send_errors: u64,
}

impl PacedCall {
    /// Take the inbox, run due timeouts, send their RTP; the next deadline.
    fn run(&mut self) -> Instant {
        let now = Instant::now();
        while let Ok(input) = self.inbox.try_recv() {
            self.playout.handle_input(now, input);
        }
        if self.playout.next_timeout() <= now {
            self.playout.handle_timeout(now);
        }
        let mut flush = false;
        while let Some(p) = self.playout.poll_rtp() {
            if self.socket.send_to(&p, self.peer).is_err() {
                self.send_errors += 1;
            }
            let marker = p.len() >= 12 && p[1] & 0x80 != 0;
            match self.observe_sent {
                ObserveSent::Every => {
                    flush |= marker;
                    self.sent.push((now, p));
                }
                ObserveSent::FirstTalkspurt if marker => {
                    flush = true;
                    self.sent.push((now, p));
                    self.observe_sent = ObserveSent::Nothing;
                }
                _ => {}
            }
        }
        if flush || self.sent.len() >= SENT_BATCH {
            self.flush_sent();
        }
        self.on_grid
            .store(self.playout.is_on_grid(), Ordering::Relaxed);
        if now >= self.next_report {
            self.next_report = now + REPORT_EVERY;
            self.report.send_replace(self.playout.report());
        }
        self.playout.next_timeout()
    }

    fn flush_sent(&mut self) {
        if !self.sent.is_empty() {
            let _ = self
                .news
                .send(ClockNews::Sent(std::mem::take(&mut self.sent)));
        }
    }
}

/// The call's task's end of its place on the clock.
pub struct Paced {
    id: u64,
    clock: &'static MediaClock,
    inbox: Sender<PlayoutInput>,
    on_grid: Arc<AtomicBool>,
    news: tokio::sync::mpsc::UnboundedReceiver<ClockNews>,
    report: watch::Receiver<PlayoutReport>,
}

impl Paced {
    /// Hand input to the call's playout; the thread sees it at the call's next frame, or
    /// within [`WAKE_SLACK`] when it cannot wait (see [`PlayoutInput::is_urgent`]).
    pub fn send(&self, input: PlayoutInput) {
        let urgent = input.is_urgent(self.on_grid.load(Ordering::Relaxed));
        if self.inbox.send(input).is_ok() && urgent {
            self.clock.hurry(self.id);
        }
    }

    /// The next news from the thread; `None` if the thread dropped the call.
    pub async fn news(&mut self) -> Option<ClockNews> {
        self.news.recv().await
    }

    /// The playout's counters as the thread last published them (at most [`REPORT_EVERY`]
    /// old), if they are new since the last call.
    pub fn report(&mut self) -> Option<PlayoutReport> {
        match self.report.has_changed() {
            Ok(true) => Some(self.report.borrow_and_update().clone()),
            _ => None,
        }
    }

    /// Take the call off the clock: its playout once the thread has let go of it (`None` if
    /// the playout failed), and the datagrams that could not be sent. News that arrives
    /// meanwhile goes to `on_news`.
    pub async fn remove(
        mut self,
        mut on_news: impl FnMut(ClockNews),
    ) -> Option<(Box<RtpPlayout>, u64)> {
        self.clock.send(ClockMsg::Remove(self.id));
        while let Some(n) = self.news.recv().await {
            match n {
                ClockNews::Removed {
                    playout,
                    send_errors,
                } => return Some((playout, send_errors)),
                n => on_news(n),
            }
        }
        None
    }
}

/// The pacing thread's mailbox.
pub struct MediaClock {
    tx: Sender<ClockMsg>,
    next_id: AtomicU64,
    hurried: Arc<Hurried>,
}

/// Calls with input that cannot wait for their next frame, which the thread takes each time
/// it wakes, and when it will next wake by itself: hurrying a call wakes the thread only when
/// that is more than [`WAKE_SLACK`] away.
struct Hurried {
    calls: Mutex<Vec<u64>>,
    /// The thread's next wake-up of its own, in ns since `base` (u64::MAX: none planned).
    /// Stored before the thread looks at `calls` and sleeps, so a task that finds it near has
    /// put its call where the thread will look when it wakes.
    wakes_at: AtomicU64,
    base: Instant,
}

impl Hurried {
    fn ns(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.base).as_nanos() as u64
    }

    /// The thread's next wake-up of its own (`None`: only a message wakes it), announced
    /// before it takes the hurried calls and sleeps.
    fn announce(&self, due: Option<Instant>) {
        let at = due.map_or(u64::MAX, |d| self.ns(d));
        self.wakes_at.store(at, Ordering::SeqCst);
    }

    /// Note the call for the thread's next look; whether the thread must be woken for it (its
    /// own next wake-up is more than [`WAKE_SLACK`] after `now`).
    fn hurry(&self, id: u64, now: Instant) -> bool {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(id);
        self.wakes_at.load(Ordering::SeqCst) > self.ns(now + WAKE_SLACK)
    }

    /// Take the calls hurried since the last look into `into` (emptied first).
    fn take(&self, into: &mut Vec<u64>) {
        into.clear();
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::swap(&mut *calls, into);
    }
}

impl MediaClock {
    /// The process's clock, its thread started on first use.
    pub fn global() -> &'static MediaClock {
        static CLOCK: OnceLock<MediaClock> = OnceLock::new();
        CLOCK.get_or_init(|| {
            let (tx, rx) = mpsc::channel();
            let hurried = Arc::new(Hurried {
                calls: Mutex::new(Vec::new()),
                wakes_at: AtomicU64::new(u64::MAX),
                base: Instant::now(),
            });
            let thread_hurried = hurried.clone();
            if let Err(e) = std::thread::Builder::new()
                .name("vcctl-pacer".into())
                .spawn(move || run(rx, &thread_hurried))
            {
                // Without the thread no call could send audio; nothing sensible to fall back
                // to (each call's task learns it: its news channel closes).
                tracing::error!("could not start the media pacing thread: {e}");
            }
            MediaClock {
                tx,
                next_id: AtomicU64::new(0),
                hurried,
            }
        })
    }

    /// The call's playout has input that cannot wait for its next frame: note it for the
    /// thread's next wake-up, and wake the thread only if that is more than [`WAKE_SLACK`]
    /// away.
    fn hurry(&self, id: u64) {
        if self.hurried.hurry(id, Instant::now()) {
            self.send(ClockMsg::Wake(id));
        }
    }

    fn send(&self, m: ClockMsg) {
        // Only a thread that never started drops the receiver; its calls learn it from
        // their news channel.
        let _ = self.tx.send(m);
    }

    /// Hand a call's playout to the clock. `socket` sends the call's RTP (see
    /// [`dup_socket`]), to `peer`.
    pub fn add(
        &'static self,
        playout: RtpPlayout,
        socket: UdpSocket,
        peer: SocketAddr,
        observe_sent: ObserveSent,
    ) -> Paced {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (inbox_tx, inbox) = mpsc::channel();
        let (news_tx, news) = tokio::sync::mpsc::unbounded_channel();
        let (report_tx, report) = watch::channel(PlayoutReport::default());
        let on_grid = Arc::new(AtomicBool::new(false));
        let now = Instant::now();
        let call = PacedCall {
            deadline: playout.next_timeout(),
            playout,
            inbox,
            socket,
            peer,
            observe_sent,
            sent: Vec::new(),
            news: news_tx,
            report: report_tx,
            on_grid: on_grid.clone(),
            next_report: now + REPORT_EVERY,
            send_errors: 0,
        };
        self.send(ClockMsg::Add(id, Box::new(call)));
        Paced {
            id,
            clock: self,
            inbox: inbox_tx,
            on_grid,
            news,
            report,
        }
    }
}

/// The thread: sleep until the earliest deadline or a message, run what is due.
fn run(rx: Receiver<ClockMsg>, hurried: &Hurried) {
    let mut calls: HashMap<u64, Box<PacedCall>> = HashMap::new();
    // (deadline, call id); an entry whose deadline is no longer the call's is stale.
    let mut heap: BinaryHeap<Reverse<(Instant, u64)>> = BinaryHeap::new();
    let mut hurry_ids = Vec::new();
    loop {
        // Announce the next wake-up of its own, then take the calls hurried so far: a call
        // hurried after this look finds the announcement, and wakes the thread if it is far.
        let mut due = heap.peek().map(|&Reverse((d, _))| d);
        hurried.announce(due);
        hurried.take(&mut hurry_ids);
        let now = Instant::now();
        for &id in &hurry_ids {
            if hurry(&mut calls, &mut heap, id, now) {
                due = Some(now);
            }
        }
        let first = match due {
            None => match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => return,
            },
            Some(due) if due > now => match rx.recv_timeout(due - now) {
                Ok(m) => Some(m),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            },
            Some(_) => None,
        };
        let mut msg = first;
        while let Some(m) = msg.take().or_else(|| rx.try_recv().ok()) {
            match m {
                ClockMsg::Add(id, call) => {
                    heap.push(Reverse((call.deadline, id)));
                    calls.insert(id, call);
                }
                ClockMsg::Wake(id) => {
                    hurry(&mut calls, &mut heap, id, Instant::now());
                }
                ClockMsg::Remove(id) => {
                    if let Some(mut c) = calls.remove(&id) {
                        let now = Instant::now();
                        while let Ok(input) = c.inbox.try_recv() {
                            c.playout.handle_input(now, input);
                        }
                        c.flush_sent();
                        let c = *c;
                        let _ = c.news.send(ClockNews::Removed {
                            playout: Box::new(c.playout),
                            send_errors: c.send_errors,
                        });
                    }
                }
            }
        }
        // Calls hurried while the thread slept (their input did not wake it: it was about to
        // wake anyway) run now.
        hurried.take(&mut hurry_ids);
        let now = Instant::now();
        for &id in &hurry_ids {
            hurry(&mut calls, &mut heap, id, now);
        }
        while let Some(&Reverse((due, id))) = heap.peek() {
            if due > now {
                break;
            }
            heap.pop();
            let Some(call) = calls.get_mut(&id) else {
                continue; // removed
            };
            if call.deadline != due {
                continue; // stale: moved up by a wake
            }
            // One call's bug must not stop every other call's audio: take it off the clock
            // and let its task end it.
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call.run())) {
                Ok(next) => {
                    call.deadline = next;
                    heap.push(Reverse((next, id)));
                }
                Err(_) => {
                    tracing::error!("a call's playout failed; ending that call");
                    if let Some(c) = calls.remove(&id) {
                        let _ = c.news.send(ClockNews::Failed);
                    }
                }
            }
        }
    }
}

/// Move a call's deadline up to `now` (its input cannot wait); whether it moved.
fn hurry(
    calls: &mut HashMap<u64, Box<PacedCall>>,
    heap: &mut BinaryHeap<Reverse<(Instant, u64)>>,
    id: u64,
    now: Instant,
) -> bool {
    match calls.get_mut(&id) {
        Some(c) if c.deadline > now => {
            c.deadline = now;
            heap.push(Reverse((now, id)));
            true
        }
        _ => false,
    }
}

/// A second descriptor for a tokio UDP socket, for sending from a plain thread (it shares the
/// socket and its non-blocking flag).
pub fn dup_socket(socket: &tokio::net::UdpSocket) -> std::io::Result<UdpSocket> {
    use std::os::fd::{AsFd, OwnedFd};
    let fd: OwnedFd = socket.as_fd().try_clone_to_owned()?;
    Ok(UdpSocket::from(fd))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vcctl_core::media::call_media::{MediaSettings, StreamSeed};
    use vcctl_core::media::rtp::RtpPacket;

    fn playout() -> RtpPlayout {
        let seed = StreamSeed {
            ssrc: 9,
            seq: 100,
            timestamp: 0,
        };
        RtpPlayout::new(MediaSettings::default(), seed, Instant::now())
    }

    fn hurried(base: Instant) -> Hurried {
        Hurried {
            calls: Mutex::new(Vec::new()),
            wakes_at: AtomicU64::new(u64::MAX),
            base,
        }
    }

    /// Urgent input wakes the thread only when the thread would not wake within the slack by
    /// itself; either way the call is on the list the thread takes when it wakes.
    #[test]
    fn hurried_calls_wake_the_thread_only_when_its_own_wake_up_is_far() {
        let t0 = Instant::now();
        let us = Duration::from_micros;
        let h = hurried(t0);
        let mut taken = vec![99];
        // Nothing planned (no call due): every hurry wakes it.
        assert!(h.hurry(1, t0));
        // The thread wakes in 10 ms: wake it. In 0.3 ms: the list is enough.
        h.announce(Some(t0 + us(10_000)));
        assert!(h.hurry(2, t0));
        h.announce(Some(t0 + us(300)));
        assert!(!h.hurry(3, t0));
        // Exactly the slack away is near enough; a little more is not.
        assert!(!h.hurry(4, t0 + us(300) - WAKE_SLACK));
        assert!(h.hurry(5, t0 + us(299) - WAKE_SLACK));
        // A wake-up already past (the thread is running late) is near.
        assert!(!h.hurry(6, t0 + us(5_000)));
        h.take(&mut taken);
        assert_eq!(
            taken,
            [1, 2, 3, 4, 5, 6],
            "every call, in order, nothing else"
        );
        h.take(&mut taken);
        assert!(taken.is_empty(), "taken once");
        // The thread announces before it takes: a call hurried after the take sees the new
        // announcement (here far: it wakes the thread), one hurried before is in the take.
        assert!(!h.hurry(7, t0));
        h.announce(Some(t0 + us(20_000)));
        h.take(&mut taken);
        assert_eq!(taken, [7]);
        assert!(h.hurry(8, t0));
        h.announce(None);
        assert!(h.hurry(9, t0 + us(20_000)));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn paces_each_call_on_its_own_20_ms_grid_and_gives_the_playout_back() {
        let asterisk = UdpSocket::bind("127.0.0.1:0").unwrap();
        // Generous: a stalled machine delays packets, and delay is not what this test checks.
        asterisk
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let serve = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let clock = MediaClock::global();
        // The playout's 20 ms grid starts no earlier than this.
        let start = Instant::now();
        let mut call = clock.add(
            playout(),
            dup_socket(&serve).unwrap(),
            asterisk.local_addr().unwrap(),
            ObserveSent::Every,
        );
        // 25 packets: consecutive sequence numbers from the seed, whole-frame timestamps, none
        // sent before its slot on the grid. How late they leave depends on how busy the
        // machine is, so it is not asserted here: `vcctl bench` measures pacing lateness.
        let mut buf = [0u8; 2048];
        let mut arrivals = Vec::new();
        let mut last: Option<(u16, u32)> = None;
        for _ in 0..25 {
            let n = tokio::task::block_in_place(|| asterisk.recv(&mut buf)).unwrap();
            arrivals.push(Instant::now());
            let p = RtpPacket::parse(&buf[..n]).unwrap();
            assert_eq!(p.ssrc.0, 9);
            if let Some((seq, ts)) = last {
                assert_eq!(p.seq.0, seq.wrapping_add(1));
                // Whole frames: +160, or more after a stall over 200 ms, when the pacer
                // skips the backlog (its resync) and the timestamp jumps the skipped frames.
                let gap = p.timestamp.wrapping_sub(ts);
                assert!(gap >= 160 && gap % 160 == 0, "timestamp step {gap}");
            } else {
                assert_eq!(p.seq.0, 100);
            }
            last = Some((p.seq.0, p.timestamp));
        }
        // Never early: packet k is due k x 20 ms after the grid started (or later). A clock
        // that sent without waiting would put packet 1 before start + 20 ms.
        let slot = |k: usize| start + Duration::from_millis(20 * k as u64);
        for (k, at) in arrivals.iter().enumerate() {
            assert!(*at >= slot(k), "packet {k} arrived before its slot");
        }
        // The thread reports what it sent (in batches).
        let mut sent = Vec::new();
        while sent.len() < 20 {
            match call.news().await.expect("the call is on the clock") {
                ClockNews::Sent(batch) => sent.extend(batch),
                n => panic!("unexpected news {n:?}"),
            }
        }
        for (k, (at, _)) in sent.iter().enumerate() {
            assert!(*at >= slot(k), "packet {k} was sent before its slot");
        }
        // The playout's counters: published (not sent as news) every 250 ms, so at least
        // once before packet 24 (due at 480 ms) left, with the packets sent by then.
        let report = call.report().expect("a report within 480 ms");
        assert!(report.rtp_out_packets >= 1, "{report:?}");
        // Barge-in is a message too: the playout gets it and the packets go on.
        call.send(PlayoutInput::Interrupt { event_id: 1 });
        let (playout, send_errors) = call.remove(|_| {}).await.expect("the playout comes back");
        assert_eq!(send_errors, 0);
        let sent_out = playout.report().rtp_out_packets;
        assert!(sent_out >= 25);
        assert_eq!(
            playout.playout_stats().interruptions,
            1,
            "the message arrived first"
        );
        // One pacing record per wake-up that sent: a late wake-up sends its backlog at once,
        // so a busy machine records fewer than the packets, never more.
        let wakeups = playout.pacing().count();
        assert!(
            wakeups >= 1 && wakeups <= sent_out,
            "{wakeups} wake-ups, {sent_out} packets"
        );
        // Off the clock: at most a packet already in flight, then nothing for 100 ms.
        asterisk
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let mut late = 0;
        while asterisk.recv(&mut buf).is_ok() {
            late += 1;
            assert!(
                late <= 1,
                "packets keep coming after the call left the clock"
            );
        }
    }
}
