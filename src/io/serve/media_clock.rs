//! One pacing thread for the media of every call in the process.
//!
//! Each call's [`CallMedia`] engine says when it next needs time ([`CallMedia::next_timeout`]);
//! this thread sleeps until the earliest deadline of all calls, runs that call's
//! [`CallMedia::handle_timeout`] and sends the RTP it produced straight from here. The call's
//! own task (see `media_loop`) still takes the inbound RTP and the agent's messages; anything
//! else a timeout produces (keepalive chunks for the agent, events) is left in the engine's
//! queue and the task is woken to handle it.
//!
//! Why a thread and not a timer per call: outbound pacing is the one deadline the media path
//! must meet, and under load tokio's timers fire only when a worker is free from WebSocket and
//! JSON work (pacing p99 went from 1 ms to 9 ms between 400 and 500 benchmark calls on two
//! cores). A thread that only sleeps and sends is scheduled promptly, its sleep is not rounded
//! to tokio's 1 ms timer wheel, and one heap of deadlines replaces hundreds of timers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::Instant;

use vcctl_core::media::call_media::CallMedia;

/// A call's media as shared between its task and the pacing thread.
pub struct ClockedCall {
    id: u64,
    media: Mutex<CallMedia>,
    /// The call's RTP socket (a duplicate descriptor of the task's socket, non-blocking).
    socket: UdpSocket,
    peer: SocketAddr,
    /// Keep a copy of each packet sent, for the task's observers (capture, recording).
    observe_sent: bool,
    sent: Mutex<Vec<(Instant, Vec<u8>)>>,
    /// Woken when a timeout left outputs other than RTP for the task.
    pub wake: tokio::sync::Notify,
    /// The deadline the clock holds for this call, in ns after the clock's epoch.
    scheduled_ns: AtomicU64,
    /// Send failures (socket buffer full, network down): counted, never fatal.
    send_errors: AtomicU64,
    /// The engine panicked on the pacing thread; the call is off the clock.
    failed: std::sync::atomic::AtomicBool,
}

impl ClockedCall {
    /// Lock the engine (briefly: never across an await).
    pub fn media(&self) -> MutexGuard<'_, CallMedia> {
        self.media.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Packets the clock sent since the last call, with their send times.
    pub fn take_sent(&self, into: &mut Vec<(Instant, Vec<u8>)>) {
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::swap(&mut *sent, into);
    }

    /// The engine, once the call is off the clock.
    pub fn into_media(self) -> CallMedia {
        self.media.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// Datagrams the clock could not send.
    pub fn send_errors(&self) -> u64 {
        self.send_errors.load(Ordering::Relaxed)
    }

    /// The call's timeouts failed on the pacing thread (a bug): its task should end the call.
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Run due timeouts and send their RTP; the next deadline.
    fn tick(&self, buf: &mut Vec<Vec<u8>>) -> Instant {
        let now = Instant::now();
        let (other, next) = {
            let mut m = self.media();
            m.handle_timeout(now);
            let other = m.drain_rtp(buf);
            (other, m.next_timeout())
        };
        for p in buf.drain(..) {
            if self.socket.send_to(&p, self.peer).is_err() {
                self.send_errors.fetch_add(1, Ordering::Relaxed);
            }
            if self.observe_sent {
                self.sent
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((now, p));
            }
        }
        if other {
            self.wake.notify_one();
        }
        next
    }
}

struct Entry {
    call: Weak<ClockedCall>,
    deadline: Instant,
}

#[derive(Default)]
struct Schedule {
    /// (deadline, call id); an entry whose deadline is no longer the call's is stale.
    queue: BinaryHeap<Reverse<(Instant, u64)>>,
    calls: HashMap<u64, Entry>,
    next_id: u64,
}

/// The pacing thread and its schedule.
pub struct MediaClock {
    schedule: Mutex<Schedule>,
    changed: Condvar,
    epoch: Instant,
}

impl MediaClock {
    /// The process's clock, its thread started on first use.
    pub fn global() -> &'static Arc<MediaClock> {
        static CLOCK: OnceLock<Arc<MediaClock>> = OnceLock::new();
        CLOCK.get_or_init(|| {
            let clock = Arc::new(MediaClock {
                schedule: Mutex::new(Schedule::default()),
                changed: Condvar::new(),
                epoch: Instant::now(),
            });
            let c = clock.clone();
            if let Err(e) = std::thread::Builder::new()
                .name("vcctl-pacer".into())
                .spawn(move || c.run())
            {
                // Without the thread no call could send audio; nothing sensible to fall back to.
                tracing::error!("could not start the media pacing thread: {e}");
            }
            clock
        })
    }

    fn lock(&self) -> MutexGuard<'_, Schedule> {
        self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn ns(&self, t: Instant) -> u64 {
        t.saturating_duration_since(self.epoch).as_nanos() as u64
    }

    /// Hand a call's engine to the clock. `socket` sends the call's RTP (see [`dup_socket`]),
    /// to `peer`.
    pub fn add(
        &self,
        media: CallMedia,
        socket: UdpSocket,
        peer: SocketAddr,
        observe_sent: bool,
    ) -> Arc<ClockedCall> {
        let due = media.next_timeout();
        let mut s = self.lock();
        let id = s.next_id;
        s.next_id += 1;
        let call = Arc::new(ClockedCall {
            id,
            media: Mutex::new(media),
            socket,
            peer,
            observe_sent,
            sent: Mutex::new(Vec::new()),
            wake: tokio::sync::Notify::new(),
            scheduled_ns: AtomicU64::new(self.ns(due)),
            send_errors: AtomicU64::new(0),
            failed: std::sync::atomic::AtomicBool::new(false),
        });
        s.calls.insert(
            id,
            Entry {
                call: Arc::downgrade(&call),
                deadline: due,
            },
        );
        s.queue.push(Reverse((due, id)));
        drop(s);
        self.changed.notify_one();
        call
    }

    /// The call's engine may need time sooner than the clock holds (after input): move it up.
    /// A later deadline needs nothing; the clock wakes early once and asks again.
    pub fn reschedule(&self, call: &ClockedCall, due: Instant) {
        if self.ns(due) >= call.scheduled_ns.load(Ordering::Relaxed) {
            return;
        }
        let mut s = self.lock();
        let Some(e) = s.calls.get_mut(&call.id) else {
            return;
        };
        if due < e.deadline {
            e.deadline = due;
            call.scheduled_ns.store(self.ns(due), Ordering::Relaxed);
            s.queue.push(Reverse((due, call.id)));
            drop(s);
            self.changed.notify_one();
        }
    }

    /// Take the call off the clock; the call back, once the thread is done with it.
    pub async fn remove(&self, call: Arc<ClockedCall>) -> ClockedCall {
        self.lock().calls.remove(&call.id);
        let mut call = call;
        // The thread holds a strong reference only while it runs this call's timeout.
        loop {
            match Arc::try_unwrap(call) {
                Ok(c) => return c,
                Err(c) => {
                    call = c;
                    tokio::time::sleep(std::time::Duration::from_micros(200)).await;
                }
            }
        }
    }

    fn run(&self) {
        let mut buf = Vec::new();
        let mut s = self.lock();
        loop {
            let now = Instant::now();
            let Some(&Reverse((deadline, id))) = s.queue.peek() else {
                s = self.changed.wait(s).unwrap_or_else(|e| e.into_inner());
                continue;
            };
            if deadline > now {
                s = self
                    .changed
                    .wait_timeout(s, deadline - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
                continue;
            }
            s.queue.pop();
            let call = match s.calls.get(&id) {
                Some(e) if e.deadline == deadline => e.call.upgrade(),
                // Stale (rescheduled) or removed.
                _ => continue,
            };
            let Some(call) = call else {
                s.calls.remove(&id);
                continue;
            };
            drop(s);
            // One call's bug must not stop every other call's audio: take it off the clock
            // and let its task end it.
            let ticked =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call.tick(&mut buf)));
            s = self.lock();
            let next = match ticked {
                Ok(next) => next,
                Err(_) => {
                    tracing::error!("a call's media timeout failed; ending that call");
                    buf.clear();
                    s.calls.remove(&id);
                    call.failed.store(true, Ordering::Relaxed);
                    call.wake.notify_one();
                    continue;
                }
            };
            if let Some(e) = s.calls.get_mut(&id) {
                // The task may have moved the deadline up while the timeout ran.
                let next = if e.deadline != deadline {
                    next.min(e.deadline)
                } else {
                    next
                };
                if next != e.deadline || e.deadline == deadline {
                    e.deadline = next;
                    call.scheduled_ns.store(self.ns(next), Ordering::Relaxed);
                    s.queue.push(Reverse((next, id)));
                }
            }
            drop(call);
        }
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
    use std::time::Duration;
    use vcctl_core::agent::proto::AudioFormat;
    use vcctl_core::media::call_media::{MediaSettings, StreamSeed};
    use vcctl_core::media::rtp::RtpPacket;

    fn engine(peer: SocketAddr) -> CallMedia {
        let seed = StreamSeed {
            ssrc: 9,
            seq: 100,
            timestamp: 0,
        };
        let f = AudioFormat::ULAW_8000;
        let mut m = CallMedia::new(MediaSettings::default(), f, f, seed, Instant::now()).unwrap();
        m.set_peer(peer);
        m
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn paces_each_call_on_its_own_20_ms_grid_and_gives_the_engine_back() {
        let asterisk = UdpSocket::bind("127.0.0.1:0").unwrap();
        // Generous: a stalled machine delays packets, and delay is not what this test checks.
        asterisk
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let serve = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let clock = MediaClock::global();
        // The engine's 20 ms grid starts no earlier than this.
        let start = Instant::now();
        let call = clock.add(
            engine(asterisk.local_addr().unwrap()),
            dup_socket(&serve).unwrap(),
            asterisk.local_addr().unwrap(),
            true,
        );
        // 25 packets: consecutive sequence numbers from the seed, whole-frame timestamps, none sent
        // before its slot on the grid. How late they leave depends on how busy the machine
        // is, so it is not asserted here: `vcctl bench` measures pacing lateness (p50/p99).
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
        // Never early: packet k is due k x 20 ms after the grid started (or later), and the
        // clock sends only what the engine says is due at the time it passes. A clock that
        // sent without waiting would put packet 1 before start + 20 ms.
        let slot = |k: usize| start + Duration::from_millis(20 * k as u64);
        for (k, at) in arrivals.iter().enumerate() {
            assert!(*at >= slot(k), "packet {k} arrived before its slot");
        }
        // The log gets each packet just after it left, so the last one may not be in yet.
        let mut sent = Vec::new();
        call.take_sent(&mut sent);
        assert!(sent.len() >= 24, "observed {} sends", sent.len());
        for (k, (at, _)) in sent.iter().enumerate() {
            assert!(*at >= slot(k), "packet {k} was sent before its slot");
        }
        let call = clock.remove(call).await;
        let media = call.into_media();
        let sent_out = media.stats().rtp_out_packets;
        assert!(sent_out >= 25);
        // One pacing record per wake-up that sent: a late wake-up sends its backlog at once,
        // so a busy machine records fewer than the packets, never more.
        let wakeups = media.pacing().count();
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
