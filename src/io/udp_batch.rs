//! Batched UDP for the synthetic far ends that must cost little beside what they measure: the
//! benchmark's Asterisk (`bench_peer.rs`) and `load --answer`'s RTP echo (`load_answer.rs`).
//! Up to a batch of IPv4 datagrams per system call, `recvmmsg` in and `sendmmsg` out, through
//! nix's wrappers (no unsafe code here); and the two things both peers also need: a large
//! receive buffer and their thread's CPU clock.

use std::io::{IoSlice, IoSliceMut};
use std::net::{SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;

use nix::sys::socket::{
    recvmmsg, sendmmsg, setsockopt, sockopt, MsgFlags, MultiHeaders, SockaddrIn,
};
use nix::time::{clock_gettime, ClockId};

/// The largest datagram a batch receives (RTP from Asterisk or serve is far smaller).
pub const MAX_DATAGRAM: usize = 2048;

/// Reusable buffers for receiving up to `capacity` datagrams per system call.
pub struct RecvBatch {
    bufs: Vec<[u8; MAX_DATAGRAM]>,
    /// Length and source of each datagram of the last [`RecvBatch::recv`].
    got: Vec<(usize, SocketAddrV4)>,
    headers: MultiHeaders<SockaddrIn>,
}

impl RecvBatch {
    pub fn new(capacity: usize) -> RecvBatch {
        RecvBatch {
            bufs: vec![[0u8; MAX_DATAGRAM]; capacity],
            got: Vec::with_capacity(capacity),
            headers: MultiHeaders::preallocate(capacity, None),
        }
    }

    /// How many datagrams one [`RecvBatch::recv`] takes at most.
    pub fn capacity(&self) -> usize {
        self.bufs.len()
    }

    /// Take what is waiting on `sock` without blocking, up to the capacity; how many were
    /// taken (0 when nothing waits, or on an error, which the next poll meets again).
    pub fn recv(&mut self, sock: &UdpSocket) -> usize {
        self.got.clear();
        let mut iovs: Vec<[IoSliceMut; 1]> =
            self.bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
        let Ok(msgs) = recvmmsg(
            sock.as_raw_fd(),
            &mut self.headers,
            iovs.iter_mut(),
            MsgFlags::MSG_DONTWAIT,
            None,
        ) else {
            return 0;
        };
        for m in msgs {
            // An IPv4 socket always names the source; a datagram without one is dropped.
            if let Some(from) = m.address {
                self.got.push((m.bytes, from.into()));
            }
        }
        self.got.len()
    }

    /// Datagram `k` of the last [`RecvBatch::recv`] and its source.
    pub fn datagram(&self, k: usize) -> (&[u8], SocketAddrV4) {
        let (len, from) = self.got[k];
        (&self.bufs[k][..len], from)
    }

    /// Datagram `k`, to change in place (before [`RecvBatch::send_back`]).
    pub fn datagram_mut(&mut self, k: usize) -> &mut [u8] {
        let len = self.got[k].0;
        &mut self.bufs[k][..len]
    }

    /// Send every datagram of the last [`RecvBatch::recv`] back to its source; how many left.
    pub fn send_back(&self, sock: &UdpSocket, out: &mut SendBatch) -> usize {
        let datagrams: Vec<(&[u8], SocketAddrV4)> =
            (0..self.got.len()).map(|k| self.datagram(k)).collect();
        out.send(sock, &datagrams)
    }
}

/// Reusable headers for sending up to `capacity` datagrams per system call.
pub struct SendBatch {
    headers: MultiHeaders<SockaddrIn>,
    capacity: usize,
}

impl SendBatch {
    pub fn new(capacity: usize) -> SendBatch {
        SendBatch {
            headers: MultiHeaders::preallocate(capacity, None),
            capacity,
        }
    }

    /// Send each `(bytes, to)` in order, a batch per `sendmmsg`, until all are sent or the
    /// socket refuses (buffer full or an error: the rest is not sent, as a full network
    /// would drop it); how many left.
    pub fn send(&mut self, sock: &UdpSocket, datagrams: &[(&[u8], SocketAddrV4)]) -> usize {
        let mut done = 0;
        for chunk in datagrams.chunks(self.capacity) {
            let mut sent = 0;
            while sent < chunk.len() {
                let rest = &chunk[sent..];
                let iovs: Vec<[IoSlice; 1]> = rest.iter().map(|(b, _)| [IoSlice::new(b)]).collect();
                let addrs: Vec<Option<SockaddrIn>> = rest
                    .iter()
                    .map(|(_, to)| Some(SockaddrIn::from(*to)))
                    .collect();
                let n = match sendmmsg(
                    sock.as_raw_fd(),
                    &mut self.headers,
                    iovs.iter(),
                    addrs,
                    [],
                    MsgFlags::empty(),
                ) {
                    Ok(r) => r.count(),
                    Err(_) => 0,
                };
                if n == 0 {
                    return done + sent;
                }
                sent += n;
            }
            done += sent;
        }
        done
    }
}

/// Ask for a receive buffer of `bytes` (room for a stall of the peer's thread at hundreds of
/// calls); a refusal leaves the default size, which only makes drops likelier.
pub fn set_recv_buffer(sock: &UdpSocket, bytes: usize) {
    if let Err(e) = setsockopt(sock, sockopt::RcvBuf, &bytes) {
        tracing::debug!("SO_RCVBUF {bytes}: {e}");
    }
}

/// CPU time of the calling thread, ns (a peer reports its own cost apart from what it
/// measures).
pub fn thread_cpu_ns() -> u64 {
    clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID)
        .map(|t| t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;
    use std::time::{Duration, Instant};

    fn v4(s: &UdpSocket) -> SocketAddrV4 {
        match s.local_addr().unwrap() {
            SocketAddr::V4(a) => a,
            SocketAddr::V6(_) => unreachable!("bound on 127.0.0.1"),
        }
    }

    fn bound() -> UdpSocket {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_nonblocking(true).unwrap();
        s
    }

    /// Receive until `want` datagrams came (loopback delivers at once; the deadline only
    /// bounds a failure).
    fn recv_all(
        sock: &UdpSocket,
        batch: &mut RecvBatch,
        want: usize,
    ) -> Vec<(Vec<u8>, SocketAddrV4)> {
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(2);
        while out.len() < want && Instant::now() < deadline {
            let n = batch.recv(sock);
            for k in 0..n {
                let (b, from) = batch.datagram(k);
                out.push((b.to_vec(), from));
            }
        }
        out
    }

    #[test]
    fn a_batch_larger_than_its_capacity_is_sent_and_received_whole_and_in_order() {
        let (a, b) = (bound(), bound());
        let payloads: Vec<Vec<u8>> = (0..10u8).map(|i| vec![i; 20 + i as usize]).collect();
        let to = v4(&b);
        let datagrams: Vec<(&[u8], SocketAddrV4)> =
            payloads.iter().map(|p| (p.as_slice(), to)).collect();
        let mut out = SendBatch::new(4);
        assert_eq!(out.send(&a, &datagrams), 10);
        let mut inb = RecvBatch::new(3);
        assert_eq!(inb.capacity(), 3);
        let got = recv_all(&b, &mut inb, 10);
        assert_eq!(got.len(), 10);
        for (i, (bytes, from)) in got.iter().enumerate() {
            assert_eq!(bytes, &payloads[i]);
            assert_eq!(*from, v4(&a));
        }
        assert_eq!(inb.recv(&b), 0, "nothing more waits");
    }

    #[test]
    fn received_datagrams_go_back_to_their_sources_changed_in_place() {
        let (echo, c1, c2) = (bound(), bound(), bound());
        c1.send_to(b"one", echo.local_addr().unwrap()).unwrap();
        c2.send_to(b"two", echo.local_addr().unwrap()).unwrap();
        let mut inb = RecvBatch::new(8);
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut n = 0;
        while n < 2 && Instant::now() < deadline {
            n = inb.recv(&echo);
        }
        assert_eq!(n, 2);
        for k in 0..n {
            inb.datagram_mut(k)[0] = b'X';
        }
        assert_eq!(inb.send_back(&echo, &mut SendBatch::new(8)), 2);
        let mut buf = [0u8; 16];
        for (c, want) in [(&c1, &b"Xne"[..]), (&c2, &b"Xwo"[..])] {
            c.set_nonblocking(false).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            let (len, from) = c.recv_from(&mut buf).unwrap();
            assert_eq!(&buf[..len], want);
            assert_eq!(from, echo.local_addr().unwrap());
        }
    }

    #[test]
    fn the_thread_clock_counts_this_threads_work() {
        let t0 = thread_cpu_ns();
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(thread_cpu_ns() > t0);
    }
}
