//! Sockets from `/proc/net/{tcp,udp}{,6}`: which address and port something listens on, and
//! the socket inode that links it to a process (via `/proc/PID/fd/* -> socket:[INODE]`,
//! read by `vcctl::io::netcheck`). Pure parsing: the caller passes the file contents.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use serde::Serialize;

/// Transport protocol of a socket, port or probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }

    /// IANA protocol number.
    pub fn number(self) -> u8 {
        match self {
            Proto::Tcp => 6,
            Proto::Udp => 17,
        }
    }

    pub fn parse(s: &str) -> Option<Proto> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" | "6" => Some(Proto::Tcp),
            "udp" | "17" => Some(Proto::Udp),
            _ => None,
        }
    }
}

impl std::fmt::Display for Proto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One socket that can receive new traffic: a TCP socket in LISTEN, or an unconnected UDP
/// socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListenSocket {
    pub proto: Proto,
    pub local: SocketAddr,
    pub inode: u64,
    pub uid: u32,
}

impl ListenSocket {
    /// Bound to 0.0.0.0 or `::` (every address of the host).
    pub fn is_wildcard(&self) -> bool {
        self.local.ip().is_unspecified()
    }

    pub fn is_loopback(&self) -> bool {
        match self.local.ip() {
            IpAddr::V4(a) => a.is_loopback(),
            IpAddr::V6(a) => a.is_loopback() || a.to_ipv4_mapped().is_some_and(|m| m.is_loopback()),
        }
    }
}

const TCP_LISTEN: u8 = 0x0A;
const TCP_CLOSE: u8 = 0x07;

/// Parse one of `/proc/net/tcp`, `tcp6`, `udp`, `udp6` (the header line is skipped). Only
/// sockets that accept new peers are returned: TCP in LISTEN, UDP not connected.
pub fn parse_proc_net(text: &str, proto: Proto) -> Vec<ListenSocket> {
    text.lines()
        .skip(1)
        .filter_map(|l| parse_line(l, proto))
        .collect()
}

fn parse_line(line: &str, proto: Proto) -> Option<ListenSocket> {
    let f: Vec<&str> = line.split_whitespace().collect();
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    if f.len() < 10 {
        return None;
    }
    let local = parse_hex_addr(f[1])?;
    let remote = parse_hex_addr(f[2])?;
    let state = u8::from_str_radix(f[3], 16).ok()?;
    let uid = f[7].parse().ok()?;
    let inode = f[9].parse().ok()?;
    let accepts = match proto {
        Proto::Tcp => state == TCP_LISTEN,
        // A connected UDP socket only hears its one peer.
        Proto::Udp => state == TCP_CLOSE && remote.port() == 0 && remote.ip().is_unspecified(),
    };
    accepts.then_some(ListenSocket {
        proto,
        local,
        inode,
        uid,
    })
}

/// The receive drops of every UDP socket in `/proc/net/udp` or `udp6` (its last column,
/// `drops`: datagrams the kernel threw away because the socket's receive buffer was full, or
/// its filter refused them), by local address. Lines without the column are skipped.
pub fn udp_drops(text: &str) -> Vec<(SocketAddr, u64)> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
            if f.len() < 13 {
                return None;
            }
            Some((parse_hex_addr(f[1])?, f[12].parse().ok()?))
        })
        .collect()
}

/// `0100007F:1F90` (IPv4) or 32 hex digits + port (IPv6). The kernel prints each 32-bit word
/// of the address as a native-endian integer.
pub fn parse_hex_addr(s: &str) -> Option<SocketAddr> {
    let (a, p) = s.split_once(':')?;
    let port = u16::from_str_radix(p, 16).ok()?;
    let ip = match a.len() {
        8 => {
            let w = u32::from_str_radix(a, 16).ok()?;
            IpAddr::V4(Ipv4Addr::from(w.to_ne_bytes()))
        }
        32 => {
            let mut bytes = [0u8; 16];
            for i in 0..4 {
                let w = u32::from_str_radix(&a[i * 8..i * 8 + 8], 16).ok()?;
                bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_ne_bytes());
            }
            let v6 = Ipv6Addr::from(bytes);
            IpAddr::V6(v6)
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// The inode in a `/proc/PID/fd/N` link target `socket:[12345]`.
pub fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// A process that owns a socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub pid: u32,
    pub name: String,
}

/// A listening socket with the process that owns it (when it could be seen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    #[serde(flatten)]
    pub socket: ListenSocket,
    pub owner: Option<Owner>,
}

impl Listener {
    /// `asterisk (pid 12) on 0.0.0.0:5060`.
    pub fn describe(&self) -> String {
        let who = match &self.owner {
            Some(o) => format!("{} (pid {})", o.name, o.pid),
            None => "an unknown process".to_string(),
        };
        format!("{who} on {}", self.socket.local)
    }
}

/// Listeners for `proto` on `port` (or in `lo..=hi`).
pub fn listeners_in(all: &[Listener], proto: Proto, lo: u16, hi: u16) -> Vec<Listener> {
    let mut v: Vec<Listener> = all
        .iter()
        .filter(|l| l.socket.proto == proto && (lo..=hi).contains(&l.socket.local.port()))
        .cloned()
        .collect();
    v.sort_by_key(|l| (l.socket.local.port(), l.socket.local.is_ipv6()));
    v.dedup_by(|a, b| a.socket.local == b.socket.local && a.socket.inode == b.socket.inode);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F98 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4343 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F98 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 0 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn tcp_listeners_are_parsed_and_connections_skipped() {
        let s = parse_proc_net(TCP, Proto::Tcp);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].local, "127.0.0.1:8088".parse().unwrap());
        assert_eq!(s[0].inode, 4242);
        assert!(s[0].is_loopback());
        assert_eq!(s[1].local, "0.0.0.0:8000".parse().unwrap());
        assert_eq!(s[1].uid, 1000);
        assert!(s[1].is_wildcard());
    }

    #[test]
    fn udp_unconnected_sockets_listen_connected_ones_do_not() {
        let text = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0
  101: 0A00C80A:4000 0200C80A:4001 01 00000000:00000000 00:00000000 00000000     0        0 778 2 0000000000000000 0
";
        let s = parse_proc_net(text, Proto::Udp);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].local, "127.0.0.1:5060".parse().unwrap());
    }

    #[test]
    fn udp_drops_are_read_per_local_address() {
        let text = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 0100007F:13C4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0
  101: 0100007F:A000 0200C80A:4001 01 00000000:00000AC0 00:00000000 00000000     0        0 778 2 0000000000000000 17
  102: 0100007F:A001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 779 2
";
        assert_eq!(
            udp_drops(text),
            vec![
                ("127.0.0.1:5060".parse().unwrap(), 0),
                ("127.0.0.1:40960".parse().unwrap(), 17)
            ]
        );
    }

    #[test]
    fn ipv6_addresses_decode_word_by_word() {
        // ::1 port 8088 and :: port 5060 as the kernel prints them on little-endian hosts.
        let one = parse_hex_addr("00000000000000000000000001000000:1F98").unwrap();
        let any = parse_hex_addr("00000000000000000000000000000000:13C4").unwrap();
        if cfg!(target_endian = "little") {
            assert_eq!(one, "[::1]:8088".parse().unwrap());
        }
        assert_eq!(any, "[::]:5060".parse().unwrap());
        // ::ffff:127.0.0.1 counts as loopback.
        let mapped = ListenSocket {
            proto: Proto::Tcp,
            local: "[::ffff:127.0.0.1]:1".parse().unwrap(),
            inode: 1,
            uid: 0,
        };
        assert!(mapped.is_loopback());
        assert!(parse_hex_addr("zz:1").is_none());
    }

    #[test]
    fn fd_links_give_inodes() {
        assert_eq!(socket_inode("socket:[12345]"), Some(12345));
        assert_eq!(socket_inode("pipe:[1]"), None);
        assert_eq!(socket_inode("/dev/null"), None);
    }

    #[test]
    fn listeners_filter_by_port_range() {
        let mk = |port: u16, proto| Listener {
            socket: ListenSocket {
                proto,
                local: SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
                inode: port as u64,
                uid: 0,
            },
            owner: Some(Owner {
                pid: 7,
                name: "asterisk".into(),
            }),
        };
        let all = vec![
            mk(5060, Proto::Udp),
            mk(20000, Proto::Udp),
            mk(20000, Proto::Tcp),
        ];
        let r = listeners_in(&all, Proto::Udp, 16384, 32768);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].describe(), "asterisk (pid 7) on 127.0.0.1:20000");
    }
}
