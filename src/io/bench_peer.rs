//! The synthetic Asterisk of the media benchmark: one thread and one UDP socket that play
//! Asterisk's side of every call: µ-law RTP at 50 packets/s per call on an absolute 20 ms
//! grid, and counting what serve's media path sends back (sequence gaps are losses).
//!
//! It is deliberately cheap so the benchmark's two cores go to the code under test: calls are
//! spread over the twenty 1 ms slots of the 20 ms grid (as independent Asterisk channels
//! would be), each slot's packets leave in one `sendmmsg`, and replies are drained with
//! `recvmmsg` (both in `udp_batch.rs`). Its own CPU time is measured on its thread's clock and reported apart from the
//! media path's.

use std::collections::HashMap;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use vcctl_core::media::rtp::{Pt, RtpHeader, RtpPacket, SeqNo, Ssrc};

use crate::io::udp_batch::{self, thread_cpu_ns, RecvBatch, SendBatch};

const SLOTS: usize = 20;
const SLOT: Duration = Duration::from_millis(1);
const BATCH: usize = 64;

/// What the peer saw of all calls, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeerTotals {
    /// RTP packets sent to serve.
    pub sent: u64,
    /// RTP packets received from serve.
    pub received: u64,
    /// Gaps in the sequence numbers serve sent.
    pub lost: u64,
}

/// A running synthetic Asterisk.
pub struct BenchPeer {
    addr: SocketAddr,
    add: mpsc::Sender<SocketAddr>,
    stop: Arc<AtomicBool>,
    cpu_ns: Arc<AtomicU64>,
    thread: Option<JoinHandle<PeerTotals>>,
}

impl BenchPeer {
    /// Bind on loopback and start the thread.
    pub fn start() -> std::io::Result<BenchPeer> {
        let sock = UdpSocket::bind("127.0.0.1:0")?;
        sock.set_nonblocking(true)?;
        // One socket takes what hundreds of Asterisk channels would: room for a stall of the
        // thread without dropping serve's packets in the kernel.
        udp_batch::set_recv_buffer(&sock, 8 << 20);
        let addr = sock.local_addr()?;
        let (add, added) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let cpu_ns = Arc::new(AtomicU64::new(0));
        let (s, c) = (stop.clone(), cpu_ns.clone());
        let thread = std::thread::Builder::new()
            .name("bench-asterisk".into())
            .spawn(move || run(sock, added, s, c))?;
        Ok(BenchPeer {
            addr,
            add,
            stop,
            cpu_ns,
            thread: Some(thread),
        })
    }

    /// The address serve's calls send to (and must accept RTP from).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Start a call: send RTP to `serve` from the next free slot on.
    pub fn add_call(&self, serve: SocketAddr) {
        let _ = self.add.send(serve);
    }

    /// CPU seconds the peer's thread has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        self.cpu_ns.load(Ordering::Relaxed) as f64 / 1e9
    }

    /// Stop sending and receiving; the totals of all calls.
    pub fn stop(mut self) -> PeerTotals {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for BenchPeer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One call's outgoing stream and what came back on it.
struct Stream {
    to: SocketAddrV4,
    ssrc: Ssrc,
    seq: u16,
    ts: u32,
    sent: u64,
    received: u64,
    lost: u64,
    last_seq: Option<u16>,
}

fn run(
    sock: UdpSocket,
    added: mpsc::Receiver<SocketAddr>,
    stop: Arc<AtomicBool>,
    cpu_ns: Arc<AtomicU64>,
) -> PeerTotals {
    // Speech-like µ-law payload (not all silence), the same for every packet.
    let payload: Vec<u8> = (0..160).map(|i| (0x20 + (i * 7) % 90) as u8).collect();
    let mut streams: Vec<Stream> = Vec::new();
    let mut by_addr: HashMap<SocketAddr, usize> = HashMap::new();
    // Stream indexes per 1 ms slot of the 20 ms grid.
    let mut slots: Vec<Vec<usize>> = vec![Vec::new(); SLOTS];
    let mut out = vec![[0u8; 172]; BATCH];
    let mut inb = RecvBatch::new(BATCH);
    let mut outb = SendBatch::new(BATCH);
    let mut hdr = Vec::with_capacity(172);
    let start = Instant::now();
    let mut tick: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        while let Ok(addr) = added.try_recv() {
            let SocketAddr::V4(to) = addr else { continue };
            let i = streams.len();
            streams.push(Stream {
                to,
                ssrc: Ssrc(rand::random()),
                seq: rand::random(),
                ts: rand::random(),
                sent: 0,
                received: 0,
                lost: 0,
                last_seq: None,
            });
            by_addr.insert(addr, i);
            // The emptiest slot keeps the load even across the grid.
            if let Some(s) = slots.iter_mut().min_by_key(|s| s.len()) {
                s.push(i);
            }
        }
        // Send this slot's packets, `BATCH` per system call.
        let slot = &slots[(tick % SLOTS as u64) as usize];
        for group in slot.chunks(BATCH) {
            for (k, &i) in group.iter().enumerate() {
                let s = &mut streams[i];
                RtpHeader {
                    marker: s.sent == 0,
                    payload_type: Pt::PCMU,
                    seq: SeqNo(s.seq),
                    timestamp: s.ts,
                    ssrc: s.ssrc,
                }
                .write(&payload, &mut hdr);
                out[k][..hdr.len()].copy_from_slice(&hdr);
            }
            let datagrams: Vec<(&[u8], SocketAddrV4)> = group
                .iter()
                .enumerate()
                .map(|(k, &i)| (&out[k][..hdr.len()], streams[i].to))
                .collect();
            // A full socket buffer leaves the rest of this batch unsent.
            let done = outb.send(&sock, &datagrams);
            for &i in &group[..done] {
                let s = &mut streams[i];
                s.sent += 1;
                s.seq = s.seq.wrapping_add(1);
                s.ts = s.ts.wrapping_add(160);
            }
        }
        receive_all(&sock, &mut inb, &by_addr, &mut streams);
        cpu_ns.store(thread_cpu_ns(), Ordering::Relaxed);
        tick += 1;
        let next = start + SLOT * tick as u32;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
    }
    receive_all(&sock, &mut inb, &by_addr, &mut streams);
    streams
        .iter()
        .fold(PeerTotals::default(), |t, s| PeerTotals {
            sent: t.sent + s.sent,
            received: t.received + s.received,
            lost: t.lost + s.lost,
        })
}

/// Drain the socket: count each packet against the call it came from.
fn receive_all(
    sock: &UdpSocket,
    inb: &mut RecvBatch,
    by_addr: &HashMap<SocketAddr, usize>,
    streams: &mut [Stream],
) {
    loop {
        let got = inb.recv(sock);
        for k in 0..got {
            let (bytes, from) = inb.datagram(k);
            let (Some(&i), Ok(p)) = (by_addr.get(&from.into()), RtpPacket::parse(bytes)) else {
                continue;
            };
            let s = &mut streams[i];
            s.received += 1;
            if let Some(prev) = s.last_seq {
                let step = p.seq.0.wrapping_sub(prev);
                if (2..0x8000).contains(&step) {
                    s.lost += (step - 1) as u64;
                }
            }
            s.last_seq = Some(p.seq.0);
        }
        if got < inb.capacity() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_fifty_packets_a_second_per_call_and_counts_gaps_in_replies() {
        let peer = BenchPeer::start().unwrap();
        let a = UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.add_call(a.local_addr().unwrap());
        peer.add_call(b.local_addr().unwrap());
        a.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        let mut buf = [0u8; 2048];
        // Ten packets on call a, consecutive sequence numbers and +160 timestamps.
        let mut last: Option<(u16, u32)> = None;
        let t = Instant::now();
        for _ in 0..10 {
            let (n, from) = a.recv_from(&mut buf).unwrap();
            assert_eq!(from, peer.addr());
            let p = RtpPacket::parse(&buf[..n]).unwrap();
            assert_eq!(p.payload_type, Pt::PCMU);
            assert_eq!(p.payload.len(), 160);
            if let Some((seq, ts)) = last {
                assert_eq!(p.seq.0, seq.wrapping_add(1));
                assert_eq!(p.timestamp, ts.wrapping_add(160));
            }
            last = Some((p.seq.0, p.timestamp));
        }
        // 10 packets at 20 ms: about 180 ms after the first.
        let took = t.elapsed();
        assert!(took >= Duration::from_millis(150), "{took:?}");
        // Replies from b: sequence 1, 2, 5 -> two lost.
        let mut pkt = Vec::new();
        for seq in [1u16, 2, 5] {
            RtpHeader {
                marker: false,
                payload_type: Pt::PCMU,
                seq: SeqNo(seq),
                timestamp: 0,
                ssrc: Ssrc(7),
            }
            .write(&[0xff; 160], &mut pkt);
            b.send_to(&pkt, peer.addr()).unwrap();
        }
        // A stranger's packet is not counted.
        UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .send_to(&pkt, peer.addr())
            .unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let totals = peer.stop();
        assert_eq!(totals.received, 3);
        assert_eq!(totals.lost, 2);
        assert!(totals.sent >= 20, "{totals:?}");
    }
}
