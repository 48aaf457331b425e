//! I/O for the network checks: who listens (`/proc/net/*` and `/proc/PID/fd`), the
//! firewall ruleset (by running `nft -j list ruleset`, `nft -a list ruleset`,
//! `iptables-save` and `ip6tables-save`, the ruleset's own readers), interface addresses,
//! a STUN client (UDP, retransmitting, with a deadline), what protocol an HTTP port speaks,
//! and the reflector: a server on another host that, asked over TCP with one JSON line,
//! sends SIP OPTIONS, token datagrams and TCP connects back to the asking host, and the
//! client side that binds probe listeners to see which of them arrive.
//!
//! Reflector protocol (one TCP connection, newline-delimited JSON):
//! - request: `{"version":1,"run":"<hex>","timeout_ms":1000,"probes":[{"id":0,"kind":"sip_options","port":5060},...]}`
//! - answers, as each probe finishes: `{"type":"result","id":0,"result":"answered","detail":"SIP/2.0 200 OK"}`
//! - last: `{"type":"done","target":"192.0.2.10"}` (or `{"type":"error","message":...}`).
//!
//! Probes only ever go to the address the request came from, so a reflector cannot be used
//! to send traffic to third parties.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinSet;

pub use vcctl_core::checks::firewall::{ProbeKind, ProbeResult};
use vcctl_core::checks::procnet::{self, Listener, Owner, Proto};
use vcctl_core::checks::stun;
use vcctl_core::checks::verdicts::WireProtocol;
use vcctl_core::netfilter::{Ruleset, Sources};

// ---------------------------------------------------------------------------------------
// Listening sockets
// ---------------------------------------------------------------------------------------

/// Sockets that accept new peers in this network namespace, with their processes.
/// `complete` is false when some processes' fds could not be read (not root).
pub fn read_listeners() -> (Vec<Listener>, bool) {
    let mut sockets = Vec::new();
    for (file, proto) in [
        ("tcp", Proto::Tcp),
        ("tcp6", Proto::Tcp),
        ("udp", Proto::Udp),
        ("udp6", Proto::Udp),
    ] {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/net/{file}")) {
            sockets.extend(procnet::parse_proc_net(&text, proto));
        }
    }
    let wanted: HashSet<u64> = sockets.iter().map(|s| s.inode).collect();
    let (owners, complete) = socket_owners(&wanted);
    let listeners = sockets
        .into_iter()
        .map(|s| Listener {
            owner: owners.get(&s.inode).cloned(),
            socket: s,
        })
        .collect();
    (listeners, complete)
}

/// Where the running Asterisk reads its configuration, and how that was found:
/// `/etc/asterisk` as the `asterisk` process that listens in this network namespace sees it.
/// A process in a chroot (the sandbox) gives `<its root>/etc/asterisk`, one in another
/// mount namespace (a container) `/proc/PID/root/etc/asterisk`; otherwise, or when no such
/// process is visible (not root), `/etc/asterisk`.
pub fn asterisk_config_dir(listeners: &[Listener]) -> (PathBuf, String) {
    let default = PathBuf::from("/etc/asterisk");
    let mut pids: Vec<u32> = listeners
        .iter()
        .filter_map(|l| l.owner.as_ref())
        .filter(|o| o.name == "asterisk")
        .map(|o| o.pid)
        .collect();
    pids.sort_unstable();
    pids.dedup();
    let ns = |pid: &str| std::fs::read_link(format!("/proc/{pid}/ns/mnt")).ok();
    for pid in pids {
        let Ok(root) = std::fs::read_link(format!("/proc/{pid}/root")) else {
            continue;
        };
        if root != Path::new("/") {
            return (
                root.join("etc/asterisk"),
                format!("in the chroot of asterisk, pid {pid}"),
            );
        }
        if ns(&pid.to_string()) != ns("self") {
            return (
                PathBuf::from(format!("/proc/{pid}/root/etc/asterisk")),
                format!("in the container of asterisk, pid {pid}"),
            );
        }
        return (default, format!("asterisk, pid {pid}, runs on this host"));
    }
    (default, "default: no asterisk seen listening".into())
}

/// Map socket inodes to the processes holding them (`/proc/PID/fd/N -> socket:[INODE]`).
fn socket_owners(wanted: &HashSet<u64>) -> (HashMap<u64, Owner>, bool) {
    let mut owners = HashMap::new();
    let mut complete = true;
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return (owners, false);
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let fd_dir = p.path().join("fd");
        let fds = match std::fs::read_dir(&fd_dir) {
            Ok(f) => f,
            Err(e) => {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    complete = false;
                }
                continue;
            }
        };
        for fd in fds.flatten() {
            let Ok(link) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let Some(inode) = link.to_str().and_then(procnet::socket_inode) else {
                continue;
            };
            if wanted.contains(&inode) && !owners.contains_key(&inode) {
                let name = std::fs::read_to_string(p.path().join("comm"))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_else(|_| "?".into());
                owners.insert(inode, Owner { pid, name });
            }
        }
    }
    (owners, complete)
}

// ---------------------------------------------------------------------------------------
// Firewall ruleset
// ---------------------------------------------------------------------------------------

/// Find an executable in PATH or the sbin directories (non-root PATHs often lack them).
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .map(PathBuf::from)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

async fn run_tool(path: &Path, args: &[&str]) -> Result<String, String> {
    let fut = tokio::process::Command::new(path)
        .args(args)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    match tokio::time::timeout(Duration::from_secs(5), fut).await {
        Err(_) => Err(format!("{name} did not finish within 5 s")),
        Ok(Err(e)) => Err(format!("{name} could not run: {e}")),
        Ok(Ok(o)) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(Ok(o)) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let line = err
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("failed");
            Err(format!("{name}: {}", line.trim()))
        }
    }
}

/// Read the ruleset with the tools that are installed. `Err` says why it could not be
/// read at all ("nft/iptables not installed", or a permission problem).
pub async fn read_ruleset() -> Result<Ruleset, String> {
    let nft = find_tool("nft");
    let ipt = find_tool("iptables-save");
    let ip6t = find_tool("ip6tables-save");
    if nft.is_none() && ipt.is_none() && ip6t.is_none() {
        return Err("nft/iptables not installed".into());
    }
    let mut errors = Vec::new();
    let mut take = |r: Result<String, String>| match r {
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (nft_json, nft_text) = match &nft {
        Some(p) => (
            take(run_tool(p, &["-j", "list", "ruleset"]).await),
            run_tool(p, &["-a", "list", "ruleset"]).await.ok(),
        ),
        None => (None, None),
    };
    let iptables = match &ipt {
        Some(p) => take(run_tool(p, &[]).await),
        None => None,
    };
    let ip6tables = match &ip6t {
        Some(p) => take(run_tool(p, &[]).await),
        None => None,
    };
    let legacy_note = "legacy tables present";
    let legacy = |v6: bool, out: &Option<String>| {
        let name = if v6 {
            "ip6tables-legacy-save"
        } else {
            "iptables-legacy-save"
        };
        let needed = out.as_deref().is_some_and(|o| o.contains(legacy_note));
        needed.then(|| find_tool(name)).flatten()
    };
    let ipt_legacy_tool = legacy(false, &iptables);
    let ip6t_legacy_tool = legacy(true, &ip6tables);
    let iptables_legacy = match &ipt_legacy_tool {
        Some(p) => take(run_tool(p, &[]).await),
        None => None,
    };
    let ip6tables_legacy = match &ip6t_legacy_tool {
        Some(p) => take(run_tool(p, &[]).await),
        None => None,
    };
    if nft_json.is_none() && iptables.is_none() && ip6tables.is_none() {
        let hint = if unsafe { libc::geteuid() } != 0 {
            "; reading the ruleset needs root"
        } else {
            ""
        };
        return Err(format!(
            "the ruleset could not be read ({}){hint}",
            errors.join("; ")
        ));
    }
    let mut rs = Ruleset::from_sources(&Sources {
        nft_json: nft_json.as_deref(),
        nft_text: nft_text.as_deref(),
        iptables: iptables.as_deref(),
        ip6tables: ip6tables.as_deref(),
        iptables_legacy: iptables_legacy.as_deref(),
        ip6tables_legacy: ip6tables_legacy.as_deref(),
    });
    rs.warnings.extend(errors);
    Ok(rs)
}

// ---------------------------------------------------------------------------------------
// Interfaces
// ---------------------------------------------------------------------------------------

/// Every address of every interface that is up: (interface, address).
pub fn interface_addrs() -> Vec<(String, IpAddr)> {
    let mut out = Vec::new();
    // SAFETY: getifaddrs fills a linked list that we walk read-only and free once.
    unsafe {
        let mut ifap: *mut libc::ifaddrs = std::ptr::null_mut();
        if libc::getifaddrs(&mut ifap) != 0 {
            return out;
        }
        let mut cur = ifap;
        while !cur.is_null() {
            let ifa = &*cur;
            cur = ifa.ifa_next;
            if ifa.ifa_addr.is_null() || ifa.ifa_flags & libc::IFF_UP as u32 == 0 {
                continue;
            }
            let name = std::ffi::CStr::from_ptr(ifa.ifa_name)
                .to_string_lossy()
                .into_owned();
            let fam = (*ifa.ifa_addr).sa_family as i32;
            let ip = if fam == libc::AF_INET {
                let sa = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                IpAddr::V4(Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr)))
            } else if fam == libc::AF_INET6 {
                let sa = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                IpAddr::V6(std::net::Ipv6Addr::from(sa.sin6_addr.s6_addr))
            } else {
                continue;
            };
            out.push((name, ip));
        }
        libc::freeifaddrs(ifap);
    }
    out
}

/// The interface outside traffic arrives on: the one of the IPv4 default route, else the
/// first non-loopback interface that is up.
pub fn default_interface() -> Option<String> {
    if let Ok(t) = std::fs::read_to_string("/proc/net/route") {
        for l in t.lines().skip(1) {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() > 2 && f[1] == "00000000" {
                return Some(f[0].to_string());
            }
        }
    }
    interface_addrs()
        .into_iter()
        .map(|(n, _)| n)
        .find(|n| n != "lo")
}

// ---------------------------------------------------------------------------------------
// STUN
// ---------------------------------------------------------------------------------------

/// What a STUN server said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StunAnswer {
    pub mapped: SocketAddr,
    /// The server's address as resolved.
    pub server: SocketAddr,
    /// Our address on the socket that asked.
    pub local: SocketAddr,
}

/// Resolve `host:port` within `deadline`.
pub async fn resolve(host_port: &str, deadline: Duration) -> Result<Vec<SocketAddr>, String> {
    match tokio::time::timeout(deadline, tokio::net::lookup_host(host_port)).await {
        Err(_) => Err(format!(
            "resolving {host_port} took longer than {:.0} s",
            deadline.as_secs_f64()
        )),
        Ok(Err(e)) => Err(format!("could not resolve {host_port} ({e})")),
        Ok(Ok(a)) => {
            let v: Vec<SocketAddr> = a.collect();
            if v.is_empty() {
                Err(format!("{host_port} has no address"))
            } else {
                Ok(v)
            }
        }
    }
}

/// Ask `server` (HOST:PORT) for our mapped address: Binding requests retransmitted at
/// 0, 0.5 and 1.5 s (RFC 8489's doubling RTO), giving up after `timeout`.
pub async fn stun_query(server: &str, timeout: Duration) -> Result<StunAnswer, String> {
    let started = tokio::time::Instant::now();
    let addrs = resolve(server, timeout.min(Duration::from_secs(2))).await?;
    let addr = addrs
        .iter()
        .find(|a| a.is_ipv4())
        .copied()
        .unwrap_or(addrs[0]);
    let bind: SocketAddr = if addr.is_ipv4() {
        "0.0.0.0:0".parse().expect("literal")
    } else {
        "[::]:0".parse().expect("literal")
    };
    let sock = UdpSocket::bind(bind)
        .await
        .map_err(|e| format!("could not open a UDP socket ({e})"))?;
    sock.connect(addr)
        .await
        .map_err(|e| format!("no route to STUN server {server} ({addr}): {e}"))?;
    let local = sock
        .local_addr()
        .map_err(|e| format!("could not read the local address ({e})"))?;
    let txid: stun::TransactionId = rand::random();
    let req = stun::encode_binding_request(&txid, Some("vcctl"), true);
    let deadline = started + timeout;
    let mut next_send = tokio::time::Instant::now();
    let mut rto = Duration::from_millis(500);
    let mut buf = [0u8; 1500];
    let mut last_err = None;
    loop {
        let now = tokio::time::Instant::now();
        if now >= deadline {
            return Err(last_err.unwrap_or_else(|| {
                format!(
                    "no answer from STUN server {server} ({addr}) within {:.1} s",
                    timeout.as_secs_f64()
                )
            }));
        }
        if now >= next_send {
            if let Err(e) = sock.send(&req).await {
                last_err = Some(format!("could not send to STUN server {server}: {e}"));
            }
            next_send = now + rto;
            rto *= 2;
        }
        let wait = next_send.min(deadline);
        match tokio::time::timeout_at(wait, sock.recv(&mut buf)).await {
            Err(_) => continue,
            Ok(Err(e)) => {
                last_err = Some(format!(
                    "STUN server {server} ({addr}) is not reachable: {e}"
                ));
                tokio::time::sleep_until(wait).await;
            }
            Ok(Ok(n)) => match stun::decode_binding_response(&buf[..n], &txid) {
                Ok(r) => {
                    return Ok(StunAnswer {
                        mapped: r.mapped,
                        server: addr,
                        local,
                    })
                }
                Err(stun::StunError::WrongTransaction) | Err(stun::StunError::NotStun) => {}
                Err(e) => return Err(format!("STUN server {server}: {e}")),
            },
        }
    }
}

/// Answer Binding requests on `sock` with `mapped` (or the sender's address when `None`)
/// until `stop` resolves: a minimal STUN server for tests and demos.
pub async fn serve_stun(
    sock: UdpSocket,
    mapped: Option<SocketAddr>,
    stop: impl Future<Output = ()>,
) -> std::io::Result<u64> {
    tokio::pin!(stop);
    let mut buf = [0u8; 1500];
    let mut answered = 0;
    loop {
        tokio::select! {
            _ = &mut stop => return Ok(answered),
            r = sock.recv_from(&mut buf) => {
                let (n, from) = r?;
                if let Ok((stun::BINDING_REQUEST, txid)) = stun::decode_request(&buf[..n]) {
                    let resp = stun::encode_binding_success(&txid, mapped.unwrap_or(from), false, true);
                    sock.send_to(&resp, from).await?;
                    answered += 1;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// What an HTTP port speaks
// ---------------------------------------------------------------------------------------

/// Connect to `addr`, send an HTTP request, and see whether plain HTTP or TLS answers.
pub async fn probe_wire(addr: SocketAddr) -> WireProtocol {
    let conn = tokio::time::timeout(Duration::from_millis(800), TcpStream::connect(addr)).await;
    let mut s = match conn {
        Err(_) => return WireProtocol::Unknown("connect timed out".into()),
        Ok(Err(e)) => return WireProtocol::Unknown(format!("connect failed: {e}")),
        Ok(Ok(s)) => s,
    };
    let req = format!("GET / HTTP/1.0\r\nHost: {addr}\r\nUser-Agent: vcctl\r\n\r\n");
    if s.write_all(req.as_bytes()).await.is_err() {
        return WireProtocol::Unknown("the connection closed".into());
    }
    let mut buf = [0u8; 8];
    match tokio::time::timeout(Duration::from_millis(1500), s.read(&mut buf)).await {
        Err(_) => WireProtocol::Unknown("no answer".into()),
        Ok(Err(e)) => WireProtocol::Unknown(e.to_string()),
        Ok(Ok(0)) => WireProtocol::Unknown("closed without an answer".into()),
        Ok(Ok(n)) if buf[..n].starts_with(b"HTTP/") => WireProtocol::PlainHttp,
        // A TLS record (alert 0x15 or handshake 0x16) with version 3.x.
        Ok(Ok(n)) if n >= 2 && (buf[0] == 0x15 || buf[0] == 0x16) && buf[1] == 0x03 => {
            WireProtocol::Tls
        }
        Ok(Ok(_)) => WireProtocol::Unknown("not HTTP".into()),
    }
}

// ---------------------------------------------------------------------------------------
// Reflector protocol
// ---------------------------------------------------------------------------------------

pub const REFLECTOR_VERSION: u32 = 1;
/// Probes per request, at most.
pub const MAX_PROBES: usize = 512;
const MAX_TIMEOUT_MS: u64 = 5000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeSpec {
    pub id: u32,
    pub kind: ProbeKind,
    pub port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeRequest {
    pub version: u32,
    /// Random hex chosen by the client; part of every token.
    pub run: String,
    pub timeout_ms: u64,
    pub probes: Vec<ProbeSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReflectorLine {
    Result {
        id: u32,
        result: ProbeResult,
        #[serde(default)]
        detail: String,
    },
    Done {
        target: String,
    },
    Error {
        message: String,
    },
}

/// The token a probe carries.
pub fn token(run: &str, id: u32) -> String {
    format!("vcctl-probe-{run}-{id}")
}

/// The id in a datagram or line carrying a token of `run`.
pub fn find_token(data: &[u8], run: &str) -> Option<u32> {
    let text = String::from_utf8_lossy(data);
    let prefix = format!("vcctl-probe-{run}-");
    let at = text.find(&prefix)? + prefix.len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

fn sip_options(target: SocketAddr, local: SocketAddr, run: &str, id: u32) -> String {
    let host = |a: SocketAddr| match a.ip() {
        IpAddr::V6(v6) => format!("[{v6}]"),
        v4 => v4.to_string(),
    };
    format!(
        "OPTIONS sip:{th}:{tp} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {lh}:{lp};branch=z9hG4bK{run}{id};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:vcctl-probe@{lh}>;tag={run}\r\n\
         To: <sip:{th}:{tp}>\r\n\
         Call-ID: {tok}\r\n\
         CSeq: 1 OPTIONS\r\n\
         Contact: <sip:vcctl-probe@{lh}:{lp}>\r\n\
         Accept: application/sdp\r\n\
         User-Agent: vcctl check-firewall\r\n\
         Content-Length: 0\r\n\r\n",
        th = host(target),
        tp = target.port(),
        lh = host(local),
        lp = local.port(),
        tok = token(run, id),
    )
}

/// Run one probe toward `target` (the requester's address).
async fn run_probe(target: IpAddr, run: &str, p: &ProbeSpec, timeout: Duration) -> ReflectorLine {
    let to = SocketAddr::new(target, p.port);
    let (result, detail) = match p.kind {
        ProbeKind::TcpConnect => {
            match tokio::time::timeout(timeout, TcpStream::connect(to)).await {
                Err(_) => (ProbeResult::Timeout, "no answer to SYN".to_string()),
                Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    (ProbeResult::Refused, "connection refused (RST)".into())
                }
                Ok(Err(e)) => (ProbeResult::Error, e.to_string()),
                Ok(Ok(mut s)) => {
                    let _ = s
                        .write_all(format!("{}\n", token(run, p.id)).as_bytes())
                        .await;
                    let _ = s.flush().await;
                    // Give the listener a moment to read before we close.
                    let mut b = [0u8; 1];
                    let _ = tokio::time::timeout(Duration::from_millis(300), s.read(&mut b)).await;
                    (ProbeResult::Connected, "connection accepted".into())
                }
            }
        }
        ProbeKind::UdpToken | ProbeKind::SipOptions => {
            let bind: SocketAddr = if target.is_ipv4() {
                "0.0.0.0:0".parse().expect("literal")
            } else {
                "[::]:0".parse().expect("literal")
            };
            let sock = match UdpSocket::bind(bind).await {
                Ok(s) => s,
                Err(e) => return err_line(p.id, e),
            };
            if let Err(e) = sock.connect(to).await {
                return err_line(p.id, e);
            }
            let local = sock.local_addr().unwrap_or(bind);
            let payload = match p.kind {
                ProbeKind::SipOptions => sip_options(to, local, run, p.id),
                _ => format!("{}\n", token(run, p.id)),
            };
            let mut buf = [0u8; 2048];
            let deadline = tokio::time::Instant::now() + timeout;
            let mut outcome = (ProbeResult::Sent, "sent; nothing came back".to_string());
            // Two copies, a quarter second apart, against loss.
            'send: for copy in 0..2 {
                if sock.send(payload.as_bytes()).await.is_err() && copy == 0 {
                    outcome = (ProbeResult::Error, "send failed".into());
                    break;
                }
                let wait = if copy == 0 {
                    (tokio::time::Instant::now() + Duration::from_millis(250)).min(deadline)
                } else {
                    deadline
                };
                match tokio::time::timeout_at(wait, sock.recv(&mut buf)).await {
                    Ok(Ok(n)) => {
                        let first = String::from_utf8_lossy(&buf[..n])
                            .lines()
                            .next()
                            .unwrap_or_default()
                            .chars()
                            .take(80)
                            .collect::<String>();
                        outcome = (ProbeResult::Answered, first);
                        break 'send;
                    }
                    Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                        outcome = (
                            ProbeResult::Refused,
                            "ICMP port unreachable came back".into(),
                        );
                        break 'send;
                    }
                    // Timed out (try the second copy) or another receive error.
                    Err(_) | Ok(Err(_)) => {}
                }
            }
            outcome
        }
    };
    ReflectorLine::Result {
        id: p.id,
        result,
        detail,
    }
}

fn err_line(id: u32, e: std::io::Error) -> ReflectorLine {
    ReflectorLine::Result {
        id,
        result: ProbeResult::Error,
        detail: e.to_string(),
    }
}

/// Serve reflector requests on `listener` until `stop` resolves.
pub async fn run_reflector(
    listener: TcpListener,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    tokio::pin!(stop);
    let mut tasks = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            r = listener.accept() => {
                let (stream, peer) = match r {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::warn!("reflector accept failed: {e}");
                        continue;
                    }
                };
                tasks.spawn(async move {
                    if let Err(e) = reflect(stream, peer).await {
                        tracing::info!("reflector request from {peer} failed: {e}");
                    }
                });
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
        }
    }
    tasks.shutdown().await;
    Ok(())
}

async fn reflect(stream: TcpStream, peer: SocketAddr) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut lines = BufReader::new(r.take(256 * 1024)).lines();
    let line = match tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await {
        Ok(Ok(Some(l))) => l,
        _ => return Ok(()),
    };
    let send = |l: &ReflectorLine| {
        let mut s = serde_json::to_string(l).unwrap_or_default();
        s.push('\n');
        s
    };
    let req: ProbeRequest = match serde_json::from_str(&line) {
        Ok(r) => r,
        Err(e) => {
            let m = ReflectorLine::Error {
                message: format!("the request is not a vcctl probe request ({e})"),
            };
            w.write_all(send(&m).as_bytes()).await?;
            return Ok(());
        }
    };
    if req.version != REFLECTOR_VERSION || req.probes.len() > MAX_PROBES || req.run.len() > 64 {
        let m = ReflectorLine::Error {
            message: format!(
                "unsupported request (version {} of {REFLECTOR_VERSION}, {} probes of at most {MAX_PROBES})",
                req.version,
                req.probes.len()
            ),
        };
        w.write_all(send(&m).as_bytes()).await?;
        return Ok(());
    }
    // Probes go back to the requester only: the reflector is no traffic generator.
    let target = match peer.ip() {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    eprintln!(
        "vcctl reflector: {} probes to {target} for run {}",
        req.probes.len(),
        req.run
    );
    let timeout = Duration::from_millis(req.timeout_ms.clamp(100, MAX_TIMEOUT_MS));
    let run = Arc::new(req.run.clone());
    let sem = Arc::new(tokio::sync::Semaphore::new(64));
    let mut set = JoinSet::new();
    for p in req.probes {
        let run = run.clone();
        let sem = sem.clone();
        set.spawn(async move {
            let _permit = sem.acquire().await;
            run_probe(target, &run, &p, timeout).await
        });
    }
    while let Some(r) = set.join_next().await {
        if let Ok(line) = r {
            w.write_all(send(&line).as_bytes()).await?;
        }
    }
    w.write_all(
        send(&ReflectorLine::Done {
            target: target.to_string(),
        })
        .as_bytes(),
    )
    .await?;
    w.shutdown().await
}

// ---------------------------------------------------------------------------------------
// Client side: probe listeners + asking the reflector
// ---------------------------------------------------------------------------------------

/// Listeners vcctl binds on probe ports that are free, to see probes arrive.
pub struct ProbeListeners {
    /// (protocol, port) -> bound.
    pub bound: HashSet<(Proto, u16)>,
    /// (protocol, port) -> why it could not be bound.
    pub unbound: BTreeMap<(Proto, u16), String>,
    caught: Arc<Mutex<HashSet<u32>>>,
    tasks: JoinSet<()>,
}

impl ProbeListeners {
    /// Bind each port on the wildcard address, or, when that is taken, on `local_ip` (the
    /// address the probes come to).
    pub async fn bind(ports: &[(Proto, u16)], local_ip: IpAddr, run: &str) -> ProbeListeners {
        let caught = Arc::new(Mutex::new(HashSet::new()));
        let mut tasks = JoinSet::new();
        let mut bound = HashSet::new();
        let mut unbound = BTreeMap::new();
        let wildcard: IpAddr = if local_ip.is_ipv4() {
            Ipv4Addr::UNSPECIFIED.into()
        } else {
            std::net::Ipv6Addr::UNSPECIFIED.into()
        };
        for &(proto, port) in ports {
            if bound.contains(&(proto, port)) {
                continue;
            }
            let mut last_err = String::new();
            let mut ok = false;
            for ip in [wildcard, local_ip] {
                let addr = SocketAddr::new(ip, port);
                match proto {
                    Proto::Udp => match UdpSocket::bind(addr).await {
                        Ok(s) => {
                            tasks.spawn(udp_catcher(s, run.to_string(), caught.clone()));
                            ok = true;
                        }
                        Err(e) => last_err = e.to_string(),
                    },
                    Proto::Tcp => match TcpListener::bind(addr).await {
                        Ok(l) => {
                            tasks.spawn(tcp_catcher(l, run.to_string(), caught.clone()));
                            ok = true;
                        }
                        Err(e) => last_err = e.to_string(),
                    },
                }
                if ok {
                    break;
                }
            }
            if ok {
                bound.insert((proto, port));
            } else {
                unbound.insert((proto, port), last_err);
            }
        }
        ProbeListeners {
            bound,
            unbound,
            caught,
            tasks,
        }
    }

    /// Ids whose token arrived so far.
    pub fn caught(&self) -> HashSet<u32> {
        self.caught.lock().map(|c| c.clone()).unwrap_or_default()
    }

    pub async fn close(mut self) {
        self.tasks.shutdown().await;
    }
}

async fn udp_catcher(s: UdpSocket, run: String, caught: Arc<Mutex<HashSet<u32>>>) {
    let mut buf = [0u8; 4096];
    while let Ok((n, _)) = s.recv_from(&mut buf).await {
        if let Some(id) = find_token(&buf[..n], &run) {
            if let Ok(mut c) = caught.lock() {
                c.insert(id);
            }
        }
    }
}

async fn tcp_catcher(l: TcpListener, run: String, caught: Arc<Mutex<HashSet<u32>>>) {
    while let Ok((mut s, _)) = l.accept().await {
        let run = run.clone();
        let caught = caught.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 256];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(1000), s.read(&mut buf)).await
            {
                if let Some(id) = find_token(&buf[..n], &run) {
                    if let Ok(mut c) = caught.lock() {
                        c.insert(id);
                    }
                }
            }
        });
    }
}

/// A connection to a reflector, open before the listeners are bound (its local address is
/// where the probes will come).
pub struct ReflectorConn {
    stream: TcpStream,
    pub local: SocketAddr,
    pub peer: SocketAddr,
}

/// Connect to the reflector at `peer` (HOST:PORT).
pub async fn connect_reflector(peer: &str) -> Result<ReflectorConn, String> {
    let addrs = resolve(peer, Duration::from_secs(2)).await?;
    let mut last = String::new();
    for a in addrs {
        match tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(a)).await {
            Ok(Ok(s)) => {
                let local = s.local_addr().map_err(|e| e.to_string())?;
                return Ok(ReflectorConn {
                    stream: s,
                    local,
                    peer: a,
                });
            }
            Ok(Err(e)) => last = format!("{a}: {e}"),
            Err(_) => last = format!("{a}: no answer within 3 s"),
        }
    }
    Err(format!(
        "the reflector {peer} is not reachable ({last}); is vcctl check-firewall --reflector running there?"
    ))
}

impl ReflectorConn {
    /// Send the request and collect one result per probe, calling `each` as they come.
    pub async fn run(
        self,
        req: &ProbeRequest,
        each: &mut dyn FnMut(u32, ProbeResult),
    ) -> Result<HashMap<u32, (ProbeResult, String)>, String> {
        let (r, mut w) = self.stream.into_split();
        let mut line = serde_json::to_string(req).map_err(|e| e.to_string())?;
        line.push('\n');
        w.write_all(line.as_bytes())
            .await
            .map_err(|e| format!("sending the request to the reflector failed: {e}"))?;
        let mut lines = BufReader::new(r).lines();
        let mut out = HashMap::new();
        let limit = Duration::from_millis(req.timeout_ms.clamp(100, MAX_TIMEOUT_MS) * 4 + 5000);
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let l = match tokio::time::timeout_at(deadline, lines.next_line()).await {
                Err(_) => return Err("the reflector did not finish in time".into()),
                Ok(Err(e)) => return Err(format!("the reflector connection failed: {e}")),
                Ok(Ok(None)) => return Err("the reflector closed the connection early".into()),
                Ok(Ok(Some(l))) => l,
            };
            match serde_json::from_str::<ReflectorLine>(&l) {
                Ok(ReflectorLine::Result { id, result, detail }) => {
                    each(id, result);
                    out.insert(id, (result, detail));
                }
                Ok(ReflectorLine::Done { .. }) => return Ok(out),
                Ok(ReflectorLine::Error { message }) => {
                    return Err(format!("the reflector refused: {message}"))
                }
                Err(e) => return Err(format!("the reflector answered something else ({e})")),
            }
        }
    }
}

/// A random run id (hex).
pub fn new_run_id() -> String {
    let b: [u8; 6] = rand::random();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        assert_eq!(find_token(b"x vcctl-probe-abc-42\n", "abc"), Some(42));
        assert_eq!(find_token(b"vcctl-probe-other-42", "abc"), None);
        let s = sip_options(
            "10.0.0.1:5060".parse().unwrap(),
            "10.0.0.2:40000".parse().unwrap(),
            "abc",
            7,
        );
        assert!(s.starts_with("OPTIONS sip:10.0.0.1:5060 SIP/2.0\r\n"));
        assert_eq!(find_token(s.as_bytes(), "abc"), Some(7));
        assert!(s.ends_with("\r\n\r\n"));
    }

    #[test]
    fn reflector_lines_are_tagged_json() {
        let l = ReflectorLine::Result {
            id: 3,
            result: ProbeResult::Answered,
            detail: "SIP/2.0 200 OK".into(),
        };
        let s = serde_json::to_string(&l).unwrap();
        assert_eq!(
            s,
            r#"{"type":"result","id":3,"result":"answered","detail":"SIP/2.0 200 OK"}"#
        );
        assert_eq!(serde_json::from_str::<ReflectorLine>(&s).unwrap(), l);
    }

    /// Loopback: reflector, listeners and STUN in one process.
    #[tokio::test]
    async fn reflector_probes_arrive_at_listeners_on_loopback() {
        let refl = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let raddr = refl.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(run_reflector(refl, async {
            let _ = rx.await;
        }));
        // A UDP port and a TCP port that are free, and a UDP port nobody binds.
        let u = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let uport = u.local_addr().unwrap().port();
        drop(u);
        let t = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tport = t.local_addr().unwrap().port();
        drop(t);
        let conn = connect_reflector(&raddr.to_string()).await.unwrap();
        let run = new_run_id();
        let listeners = ProbeListeners::bind(
            &[(Proto::Udp, uport), (Proto::Tcp, tport)],
            conn.local.ip(),
            &run,
        )
        .await;
        assert_eq!(listeners.bound.len(), 2);
        let req = ProbeRequest {
            version: REFLECTOR_VERSION,
            run: run.clone(),
            timeout_ms: 500,
            probes: vec![
                ProbeSpec {
                    id: 0,
                    kind: ProbeKind::UdpToken,
                    port: uport,
                },
                ProbeSpec {
                    id: 1,
                    kind: ProbeKind::TcpConnect,
                    port: tport,
                },
                ProbeSpec {
                    id: 2,
                    kind: ProbeKind::TcpConnect,
                    port: 1,
                },
            ],
        };
        let mut seen = 0;
        let res = conn.run(&req, &mut |_, _| seen += 1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let caught = listeners.caught();
        listeners.close().await;
        assert_eq!(seen, 3);
        assert!(caught.contains(&0) && caught.contains(&1), "{caught:?}");
        assert_eq!(res[&1].0, ProbeResult::Connected);
        assert_eq!(res[&2].0, ProbeResult::Refused);
        let _ = tx.send(());
        server.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn stun_client_against_the_test_server() {
        let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        let mapped: SocketAddr = "203.0.113.7:40000".parse().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_stun(sock, Some(mapped), async {
            let _ = rx.await;
        }));
        let a = stun_query(&addr.to_string(), Duration::from_secs(2))
            .await
            .unwrap();
        assert_eq!(a.mapped, mapped);
        assert_eq!(a.server, addr);
        assert_eq!(a.local.ip(), "127.0.0.1".parse::<IpAddr>().unwrap());
        let _ = tx.send(());
        assert_eq!(server.await.unwrap().unwrap(), 1);
        // Nobody there: an error within the deadline, not a hang.
        let t0 = std::time::Instant::now();
        let e = stun_query("127.0.0.1:9", Duration::from_millis(700))
            .await
            .unwrap_err();
        assert!(t0.elapsed() < Duration::from_secs(2), "{e}");
    }
}
