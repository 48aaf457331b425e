//! One UDP socket per call, bound to a free port of the configured range.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::UdpSocket;

use crate::core::port_range::PortRange;

#[derive(Debug, thiserror::Error)]
pub enum RtpSocketError {
    #[error(
        "no free UDP port in {range} on {ip} for a call's RTP; widen --rtp-ports or end some calls"
    )]
    Exhausted { ip: IpAddr, range: PortRange },
}

/// Hands out ports round-robin so a just-freed port is not reused at once (late packets of an
/// ended call must not reach the next one).
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

    /// Bind the next free port.
    pub async fn bind(&self) -> Result<UdpSocket, RtpSocketError> {
        for _ in 0..self.range.len() {
            let i = self.cursor.fetch_add(1, Ordering::Relaxed);
            let port = self.range.nth_wrapping(i);
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
        let pool = PortPool::new("127.0.0.1".parse().unwrap(), "47310-47311".parse().unwrap());
        let a = pool.bind().await.unwrap();
        let b = pool.bind().await.unwrap();
        assert_ne!(
            a.local_addr().unwrap().port(),
            b.local_addr().unwrap().port()
        );
        let e = pool.bind().await.unwrap_err();
        assert!(e.to_string().starts_with("no free UDP port in 47310-47311"));
        drop(a);
        assert!(pool.bind().await.is_ok());
    }
}
