//! `vcctl load --answer`: the far end for a load without a PBX (SIPp's `uas` scenario with
//! `rtp_echo`). One thread: the SIP socket driven by [`vcctl_core::sip::uas::Answerer`], and
//! one RTP socket for every call that sends each packet back where it came from (its SSRC
//! changed, as a real far end's would be), drained with `recvmmsg` and answered with
//! `sendmmsg`, 64 at a time (`udp_batch.rs`), so the answerer costs little beside the generator it measures
//! (the same technique as the benchmark's synthetic Asterisk, `bench_peer`). RTCP on the RTP
//! port + 1 is read and dropped.

use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use vcctl_core::sip::uas::AnswerTotals;
use vcctl_core::sip::uas::Answerer;

use crate::io::udp_batch::{self, RecvBatch, SendBatch};

const BATCH: usize = 64;

/// The sockets of a running answerer.
pub struct AnswerSockets {
    sip: UdpSocket,
    rtp: UdpSocket,
    rtcp: UdpSocket,
}

impl AnswerSockets {
    /// SIP on `listen`; RTP on an even port of the same IP and RTCP on the next.
    pub fn bind(listen: SocketAddr) -> std::io::Result<AnswerSockets> {
        let sip = UdpSocket::bind(listen)?;
        let (rtp, rtcp) = super::load::bind_rtp_pair(listen.ip())?;
        sip.set_nonblocking(true)?;
        for s in [&rtp, &rtcp] {
            // Room for a stall of this thread at hundreds of calls.
            udp_batch::set_recv_buffer(s, 8 << 20);
        }
        Ok(AnswerSockets { sip, rtp, rtcp })
    }

    pub fn sip_addr(&self) -> std::io::Result<SocketAddr> {
        self.sip.local_addr()
    }

    pub fn rtp_addr(&self) -> std::io::Result<SocketAddr> {
        self.rtp.local_addr()
    }
}

fn thread_cpu_s() -> f64 {
    udp_batch::thread_cpu_ns() as f64 / 1e9
}

/// Answer until `stop`; `report` gets the totals about once a second.
pub fn run(
    socks: AnswerSockets,
    stop: Arc<AtomicBool>,
    mut report: impl FnMut(&AnswerTotals),
) -> std::io::Result<AnswerTotals> {
    let contact = socks.sip.local_addr()?;
    let media = socks.rtp.local_addr()?;
    let mut uas = Answerer::new(contact, media, rand::random());
    let t0 = Instant::now();
    let mut totals = AnswerTotals::default();
    let mut sip_buf = vec![0u8; 65536];
    let mut inb = RecvBatch::new(BATCH);
    let mut outb = SendBatch::new(BATCH);
    let sip_fd = socks.sip.as_raw_fd();
    let rtp_fd = socks.rtp.as_raw_fd();
    let rtcp_fd = socks.rtcp.as_raw_fd();
    let mut next_report = t0 + Duration::from_secs(1);
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        let wait = uas
            .poll_timeout()
            .map(|t| t.saturating_duration_since(now))
            .unwrap_or(Duration::from_millis(100))
            .min(Duration::from_millis(100))
            .min(next_report.saturating_duration_since(now));
        let mut fds = [sip_fd, rtp_fd, rtcp_fd].map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
        let ms = wait.as_micros().div_ceil(1000) as i32;
        // SAFETY: fds is a valid array of pollfd.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
        let now = Instant::now();
        if fds[0].revents != 0 {
            while let Ok((n, from)) = socks.sip.recv_from(&mut sip_buf) {
                uas.handle_datagram(now, from, &sip_buf[..n]);
            }
        }
        uas.handle_timeout(now);
        while let Some((to, b)) = uas.poll_transmit() {
            if let Err(e) = socks.sip.send_to(&b, to) {
                tracing::debug!("sending SIP to {to}: {e}");
            }
        }
        if fds[1].revents != 0 {
            totals.rtp_echoed += echo(&socks.rtp, &mut inb, &mut outb);
        }
        if fds[2].revents != 0 {
            let mut b = [0u8; 2048];
            while socks.rtcp.recv_from(&mut b).is_ok() {}
        }
        if now >= next_report {
            next_report = now + Duration::from_secs(1);
            totals.sip = uas.stats();
            totals.seconds = now.duration_since(t0).as_secs_f64();
            totals.cpu_seconds = thread_cpu_s();
            report(&totals);
        }
    }
    totals.sip = uas.stats();
    totals.seconds = t0.elapsed().as_secs_f64();
    totals.cpu_seconds = thread_cpu_s();
    Ok(totals)
}

/// Drain the RTP socket and send every packet back to its source with another SSRC; the
/// number echoed.
fn echo(sock: &UdpSocket, inb: &mut RecvBatch, outb: &mut SendBatch) -> u64 {
    let mut echoed = 0u64;
    loop {
        let got = inb.recv(sock);
        if got == 0 {
            return echoed;
        }
        for k in 0..got {
            let b = inb.datagram_mut(k);
            if b.len() >= 12 {
                // Another SSRC, so the caller sees a far end, not its own stream.
                for x in &mut b[8..12] {
                    *x ^= 0x5a;
                }
            }
        }
        echoed += inb.send_back(sock, outb) as u64;
        if got < inb.capacity() {
            return echoed;
        }
    }
}
