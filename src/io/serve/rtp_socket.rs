//! One UDP socket per call, bound to a free even port of the configured range.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::UdpSocket;

use vcctl_core::util::port_range::PortRange;

#[derive(Debug, thiserror::Error)]
pub enum RtpSocketError {
    #[error(
        "no free UDP port in {range} on {ip} for a call's RTP; widen --rtp-ports or end some calls"
    )]
    Exhausted { ip: IpAddr, range: PortRange },
}

/// Hands out ports round-robin so a just-freed port is not reused at once (late packets of an
/// ended call must not reach the next one). Only even ports, as RFC 3550 (section 11) asks of
/// RTP, leaving the odd one above for RTCP; a range without an even port (a single odd port)
/// is used as it is.
#[derive(Debug)]
pub struct PortPool {
    ip: IpAddr,
    range: PortRange,
    cursor: AtomicUsize,
}

impl PortPool {
    pub fn new(ip: IpAddr, range: PortRange) -> Self {
        PortPool {
            ip,
            range,
            cursor: AtomicUsize::new(0),
        }
    }

    /// The ports handed out, in order: the even ones of the range.
    fn candidates(&self) -> (u16, usize, u16) {
        let first_even = self.range.first + (self.range.first % 2);
        if first_even > self.range.last {
            return (self.range.first, 1, 1);
        }
        let count = (self.range.last - first_even) as usize / 2 + 1;
        (first_even, count, 2)
    }

    /// The `i`-th port handed out (wrapping around).
    fn nth(&self, i: usize) -> u16 {
        let (first, count, step) = self.candidates();
        first + (i % count) as u16 * step
    }

    /// Bind the next free port.
    pub async fn bind(&self) -> Result<UdpSocket, RtpSocketError> {
        let (_, count, _) = self.candidates();
        for _ in 0..count {
            let i = self.cursor.fetch_add(1, Ordering::Relaxed);
            let port = self.nth(i);
            if let Ok(sock) = UdpSocket::bind(SocketAddr::new(self.ip, port)).await {
                return Ok(sock);
            }
        }
        Err(RtpSocketError::Exhausted {
            ip: self.ip,
            range: self.range,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn binds_distinct_ports_and_reports_exhaustion() {
        let pool = PortPool::new("127.0.0.1".parse().unwrap(), "47310-47313".parse().unwrap());
        let a = pool.bind().await.unwrap();
        let b = pool.bind().await.unwrap();
        assert_ne!(
            a.local_addr().unwrap().port(),
            b.local_addr().unwrap().port()
        );
        let e = pool.bind().await.unwrap_err();
        assert!(e.to_string().starts_with("no free UDP port in 47310-47313"));
        drop(a);
        assert!(pool.bind().await.is_ok());
    }

    /// issue #11: serve handed out 40001, 40003, ...; RTP wants even ports (RTCP the odd
    /// one above), and rtp-stats' heuristic used to ignore flows to odd ports.
    #[tokio::test]
    async fn hands_out_even_ports_only() {
        // An odd start: 47321 is skipped, then 47322, 47324, 47326, and round again.
        let pool = PortPool::new("127.0.0.1".parse().unwrap(), "47321-47327".parse().unwrap());
        let mut ports = Vec::new();
        for _ in 0..3 {
            let s = pool.bind().await.unwrap();
            ports.push(s.local_addr().unwrap().port());
        }
        assert_eq!(ports, vec![47322, 47324, 47326]);
        let pool = PortPool::new("127.0.0.1".parse().unwrap(), "47330-47331".parse().unwrap());
        let a = pool.bind().await.unwrap();
        assert_eq!(a.local_addr().unwrap().port(), 47330);
        // 47331 is not handed out: the only even port is taken.
        assert!(pool.bind().await.is_err());
        // A single odd port is used as given.
        let pool = PortPool::new("127.0.0.1".parse().unwrap(), "47333".parse().unwrap());
        assert_eq!(
            pool.bind().await.unwrap().local_addr().unwrap().port(),
            47333
        );
    }
}
