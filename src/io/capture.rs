//! Live capture without libpcap: an `AF_PACKET` socket with a classic BPF filter
//! ([`vcctl_core::capture::bpf`]) attached in the kernel, so only SIP and RTP-range UDP is copied
//! to user space, written to classic pcap files (nanosecond timestamps from the kernel).
//!
//! Socket and link type:
//! - one Ethernet or loopback interface: `SOCK_RAW`, frames as the device has them, written
//!   as LINKTYPE_ETHERNET (loopback's header is an Ethernet header with zeroed MACs, which
//!   is also what libpcap writes for `lo`);
//! - `any`, or an interface of another hardware type (tun, PPP, WireGuard): `SOCK_DGRAM`,
//!   which hands over the network-layer packet plus a `sockaddr_ll` (ifindex, hardware type,
//!   packet type, link address), from which a Linux cooked v2 header is synthesized:
//!   LINKTYPE_LINUX_SLL2, as `tcpdump -i any` writes. (`SOCK_RAW` on `any` would mix
//!   link-layer headers of different devices in one file.)
//!
//! Loopback packets reach a packet socket twice (outgoing, then incoming); the filter drops
//! the outgoing copy in the kernel. Packets are received in batches with `recvmmsg`; the
//! socket buffer is enlarged (`SO_RCVBUFFORCE` when permitted) and kernel drops are read
//! with `PACKET_STATISTICS`.

use std::ffi::CString;
use std::fs::File;
use std::io::{self, BufWriter};
use std::mem::{size_of, zeroed, MaybeUninit};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::io::pcap::{PcapWriter, WriteError, WRITER_SNAPLEN};
use vcctl_core::capture::bpf::{self, BpfError, FilterSpec, Insn, LinkLayer};
use vcctl_core::capture::live::{
    rotated_path, sll2_header, CaptureFile, CaptureReport, LiveCounters, StopReason, SLL2_LEN,
};
use vcctl_core::capture::net::LinkType;

/// Why a capture could not start or went wrong. Each renders as one sentence.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("capturing packets needs root or the CAP_NET_RAW capability: run vcctl as root, or grant it once with `sudo setcap cap_net_raw+ep {exe}`")]
    NotPermitted { exe: String },
    #[error("there is no network interface named {name} (see `ip link`; `-i any` captures on all of them)")]
    NoSuchInterface { name: String },
    #[error("{what} failed: {source}")]
    Socket {
        what: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: WriteError,
    },
    #[error("the capture filter is invalid: {0}")]
    Filter(#[from] BpfError),
}

impl CaptureError {
    /// 4: not permitted; 5: no such interface; 1: anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            CaptureError::NotPermitted { .. } => 4,
            CaptureError::NoSuchInterface { .. } => 5,
            _ => 1,
        }
    }
}

/// The interface a capture listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// `any` or a device name.
    pub name: String,
    /// 0 for `any`.
    pub index: u32,
    /// `ARPHRD_*` of the device (0 for `any`).
    pub hatype: u16,
}

const ARPHRD_ETHER: u16 = 1;

impl Interface {
    /// Look a device up by name; `any` is every interface.
    pub fn lookup(name: &str) -> Result<Interface, CaptureError> {
        if name == "any" {
            return Ok(Interface {
                name: name.into(),
                index: 0,
                hatype: 0,
            });
        }
        let missing = || CaptureError::NoSuchInterface { name: name.into() };
        let c = CString::new(name).map_err(|_| missing())?;
        // SAFETY: `c` is a valid NUL-terminated string.
        let index = unsafe { libc::if_nametoindex(c.as_ptr()) };
        if index == 0 || name.contains('/') {
            return Err(missing());
        }
        let hatype = std::fs::read_to_string(format!("/sys/class/net/{name}/type"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        Ok(Interface {
            name: name.into(),
            index,
            hatype,
        })
    }

    /// Whether frames can be taken with their own link header (Ethernet, loopback).
    fn raw_ethernet(&self) -> bool {
        self.index != 0 && matches!(self.hatype, ARPHRD_ETHER | bpf::ARPHRD_LOOPBACK)
    }

    /// What the kernel filter sees at offset 0.
    pub fn link_layer(&self) -> LinkLayer {
        if self.raw_ethernet() {
            LinkLayer::Ethernet
        } else {
            LinkLayer::Cooked
        }
    }

    /// The link type of the files written.
    pub fn linktype(&self) -> LinkType {
        if self.raw_ethernet() {
            LinkType::ETHERNET
        } else {
            LinkType::LINUX_SLL2
        }
    }
}

/// Bytes kept of each packet (also the filter's return value and the files' snap length).
pub const SNAPLEN: u32 = WRITER_SNAPLEN;
/// Receive slot size: a full 64 KiB datagram plus a link header.
const SLOT: usize = 65_536 + 64;
/// Packets taken per `recvmmsg`.
const BATCH: usize = 64;
/// How often the loop looks at the stop flag, the clock and the kernel counters.
const TICK: Duration = Duration::from_millis(100);

/// An `AF_PACKET` socket with the filter attached, bound to one interface or all.
pub struct PacketSocket {
    fd: OwnedFd,
    cooked: bool,
}

fn setsockopt<T>(fd: &OwnedFd, level: i32, name: i32, value: &T) -> io::Result<()> {
    // SAFETY: `value` points to a live T of the size passed.
    let r = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            value as *const T as *const libc::c_void,
            size_of::<T>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

fn current_exe() -> String {
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "$(command -v vcctl)".into())
}

impl PacketSocket {
    /// Open, attach `prog`, size the buffer, then bind (so nothing unfiltered is queued).
    pub fn open(
        iface: &Interface,
        prog: &[Insn],
        buffer_bytes: usize,
    ) -> Result<Self, CaptureError> {
        bpf::validate(prog)?;
        let cooked = iface.link_layer() == LinkLayer::Cooked;
        let kind = if cooked {
            libc::SOCK_DGRAM
        } else {
            libc::SOCK_RAW
        };
        // Protocol 0: the socket receives nothing until it is bound with a protocol.
        // SAFETY: plain socket(2) call.
        let fd = unsafe { libc::socket(libc::AF_PACKET, kind | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EPERM) | Some(libc::EACCES) => {
                    CaptureError::NotPermitted { exe: current_exe() }
                }
                _ => CaptureError::Socket {
                    what: "opening a packet socket",
                    source: e,
                },
            });
        }
        // SAFETY: fd was just returned by socket(2) and is owned by nobody else.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        let filter: Vec<libc::sock_filter> = prog
            .iter()
            .map(|i| libc::sock_filter {
                code: i.code,
                jt: i.jt,
                jf: i.jf,
                k: i.k,
            })
            .collect();
        let fprog = libc::sock_fprog {
            len: filter.len() as u16,
            filter: filter.as_ptr() as *mut libc::sock_filter,
        };
        setsockopt(&fd, libc::SOL_SOCKET, libc::SO_ATTACH_FILTER, &fprog).map_err(|source| {
            CaptureError::Socket {
                what: "attaching the kernel filter",
                source,
            }
        })?;
        let size = buffer_bytes.min(i32::MAX as usize) as libc::c_int;
        if setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, &size).is_err() {
            // Without CAP_NET_ADMIN the size is capped by net.core.rmem_max.
            let _ = setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVBUF, &size);
        }
        let one: libc::c_int = 1;
        setsockopt(&fd, libc::SOL_SOCKET, libc::SO_TIMESTAMPNS, &one).map_err(|source| {
            CaptureError::Socket {
                what: "enabling kernel timestamps",
                source,
            }
        })?;
        let tv = libc::timeval {
            tv_sec: 0,
            tv_usec: TICK.as_micros() as libc::suseconds_t,
        };
        setsockopt(&fd, libc::SOL_SOCKET, libc::SO_RCVTIMEO, &tv).map_err(|source| {
            CaptureError::Socket {
                what: "setting the receive timeout",
                source,
            }
        })?;
        // SAFETY: all-zero is a valid sockaddr_ll.
        let mut sll: libc::sockaddr_ll = unsafe { zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        sll.sll_ifindex = iface.index as i32;
        // SAFETY: sll is a valid sockaddr_ll of the size passed.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if r != 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::ENODEV) => CaptureError::NoSuchInterface {
                    name: iface.name.clone(),
                },
                _ => CaptureError::Socket {
                    what: "binding the packet socket",
                    source: e,
                },
            });
        }
        Ok(PacketSocket { fd, cooked })
    }

    /// Kernel counters since the last call: (accepted by the filter, dropped for lack of
    /// buffer space). Reading resets them.
    pub fn take_stats(&self) -> io::Result<(u64, u64)> {
        let mut st = MaybeUninit::<libc::tpacket_stats>::zeroed();
        let mut len = size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: st has room for a tpacket_stats; len says so.
        let r = unsafe {
            libc::getsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                st.as_mut_ptr() as *mut libc::c_void,
                &mut len,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: zero-initialised and filled by the kernel.
        let st = unsafe { st.assume_init() };
        Ok((st.tp_packets as u64, st.tp_drops as u64))
    }
}

/// One received packet, borrowed from a [`Batch`].
pub struct Received<'a> {
    /// Kernel receive time since the Unix epoch.
    pub ts: Duration,
    /// The frame as written to the file (with the synthesized header on cooked sockets).
    pub frame: &'a [u8],
    /// Length on the wire, link header included.
    pub orig_len: u32,
}

/// Buffers for `recvmmsg`: packet slots, addresses and control messages, reused.
pub struct Batch {
    buf: Vec<u8>,
    names: Vec<libc::sockaddr_ll>,
    ctrl: Vec<[u64; 8]>,
    iovs: Vec<libc::iovec>,
    msgs: Vec<libc::mmsghdr>,
    headroom: usize,
    n: usize,
}

// SAFETY: the raw pointers inside point into the batch's own heap buffers.
unsafe impl Send for Batch {}

impl Batch {
    pub fn new(cooked: bool) -> Batch {
        let headroom = if cooked { SLL2_LEN } else { 0 };
        let mut b = Batch {
            buf: vec![0u8; BATCH * SLOT],
            // SAFETY: all-zero is valid for these plain C structs.
            names: vec![unsafe { zeroed() }; BATCH],
            ctrl: vec![[0u64; 8]; BATCH],
            iovs: Vec::with_capacity(BATCH),
            msgs: Vec::with_capacity(BATCH),
            headroom,
            n: 0,
        };
        for i in 0..BATCH {
            // SAFETY: in bounds of buf.
            let base = unsafe { b.buf.as_mut_ptr().add(i * SLOT + headroom) };
            b.iovs.push(libc::iovec {
                iov_base: base as *mut libc::c_void,
                iov_len: SLOT - headroom,
            });
        }
        for _ in 0..BATCH {
            // SAFETY: all-zero is a valid mmsghdr; pointers are filled in before use.
            b.msgs.push(unsafe { zeroed() });
        }
        b
    }

    /// Receive up to a batch: blocks up to the socket timeout for the first packet unless
    /// `nonblocking`. Returns how many arrived (0 on timeout or when nothing is queued).
    pub fn recv(&mut self, sock: &PacketSocket, nonblocking: bool) -> io::Result<usize> {
        for i in 0..BATCH {
            let h = &mut self.msgs[i].msg_hdr;
            h.msg_name = &mut self.names[i] as *mut libc::sockaddr_ll as *mut libc::c_void;
            h.msg_namelen = size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            h.msg_iov = &mut self.iovs[i];
            h.msg_iovlen = 1;
            h.msg_control = self.ctrl[i].as_mut_ptr() as *mut libc::c_void;
            h.msg_controllen = size_of::<[u64; 8]>() as _;
            h.msg_flags = 0;
            self.msgs[i].msg_len = 0;
        }
        let mut flags = libc::MSG_TRUNC | libc::MSG_WAITFORONE;
        if nonblocking {
            flags |= libc::MSG_DONTWAIT;
        }
        // SAFETY: every header points into buffers owned by self that outlive the call.
        let r = unsafe {
            libc::recvmmsg(
                sock.fd.as_raw_fd(),
                self.msgs.as_mut_ptr(),
                BATCH as libc::c_uint,
                flags as _,
                std::ptr::null_mut(),
            )
        };
        if r < 0 {
            let e = io::Error::last_os_error();
            self.n = 0;
            return match e.kind() {
                io::ErrorKind::WouldBlock
                | io::ErrorKind::TimedOut
                | io::ErrorKind::Interrupted => Ok(0),
                _ => Err(e),
            };
        }
        self.n = r as usize;
        Ok(self.n)
    }

    /// The `i`-th packet of the last [`recv`](Self::recv), its cooked header filled in.
    pub fn get(&mut self, i: usize) -> Received<'_> {
        let m = &self.msgs[i];
        let wire = m.msg_len as usize;
        let cap = wire.min(SLOT - self.headroom);
        let ts = cmsg_timestamp(&m.msg_hdr).unwrap_or_else(crate::io::clock::since_epoch);
        let slot = &mut self.buf[i * SLOT..(i + 1) * SLOT];
        if self.headroom > 0 {
            let sll = &self.names[i];
            let mut h = [0u8; SLL2_LEN];
            let halen = (sll.sll_halen as usize).min(8);
            sll2_header(
                u16::from_be(sll.sll_protocol),
                sll.sll_ifindex as u32,
                sll.sll_hatype,
                sll.sll_pkttype,
                &sll.sll_addr[..halen],
                &mut h,
            );
            slot[..SLL2_LEN].copy_from_slice(&h);
        }
        Received {
            ts,
            frame: &slot[..self.headroom + cap],
            orig_len: (self.headroom + wire) as u32,
        }
    }
}

/// The SCM_TIMESTAMPNS control message of a received packet.
fn cmsg_timestamp(h: &libc::msghdr) -> Option<Duration> {
    // SAFETY: the control buffer was filled by the kernel; CMSG_* walk it within
    // msg_controllen, and the timespec is read unaligned.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(h);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                let ts = std::ptr::read_unaligned(libc::CMSG_DATA(c) as *const libc::timespec);
                return Some(Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32));
            }
            c = libc::CMSG_NXTHDR(h, c);
        }
    }
    None
}

/// What to capture and where to write it.
#[derive(Debug, Clone)]
pub struct Options {
    pub interface: String,
    pub filter: FilterSpec,
    pub path: PathBuf,
    /// Start a new file before one would grow past this many bytes.
    pub rotate_bytes: Option<u64>,
    /// Stop after this many packets.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Socket receive buffer.
    pub buffer_bytes: usize,
}

/// The files of a capture: the current writer and those already closed.
struct Output {
    base: PathBuf,
    rotate: Option<u64>,
    linktype: LinkType,
    index: u32,
    current: Option<(PcapWriter<BufWriter<File>>, CaptureFile)>,
    done: Vec<CaptureFile>,
}

const PCAP_HEADER: u64 = 24;
const RECORD_HEADER: u64 = 16;

impl Output {
    fn open_next(&mut self) -> Result<(), CaptureError> {
        self.close()?;
        let path = match self.rotate {
            Some(_) => {
                self.index += 1;
                rotated_path(&self.base, self.index)
            }
            None => self.base.clone(),
        };
        let write_err = |p: &Path, source: WriteError| CaptureError::Write {
            path: p.display().to_string(),
            source,
        };
        let f = File::create(&path).map_err(|e| write_err(&path, e.into()))?;
        let w =
            PcapWriter::with_resolution(BufWriter::with_capacity(1 << 20, f), self.linktype, true)
                .map_err(|e| write_err(&path, e))?;
        self.current = Some((
            w,
            CaptureFile {
                path: path.display().to_string(),
                packets: 0,
                bytes: PCAP_HEADER,
            },
        ));
        Ok(())
    }

    fn write(&mut self, p: &Received<'_>) -> Result<(), CaptureError> {
        let size = RECORD_HEADER + p.frame.len() as u64;
        if let (Some(limit), Some((_, f))) = (self.rotate, &self.current) {
            if f.packets > 0 && f.bytes + size > limit {
                self.open_next()?;
            }
        }
        let Some((w, f)) = self.current.as_mut() else {
            return Ok(());
        };
        w.write_record(p.ts, p.frame, p.orig_len)
            .map_err(|source| CaptureError::Write {
                path: f.path.clone(),
                source,
            })?;
        f.packets += 1;
        f.bytes += size;
        Ok(())
    }

    fn close(&mut self) -> Result<(), CaptureError> {
        if let Some((w, f)) = self.current.take() {
            let path = f.path.clone();
            self.done.push(f);
            w.into_inner()
                .map_err(|source| CaptureError::Write { path, source })?;
        }
        Ok(())
    }
}

/// Capture until `--count`, `--duration` or `stop` (Ctrl-C). `ready` is called once the
/// socket is bound and the first file exists; `progress` about every 100 ms with the live
/// counters and the kernel drops so far. Every file is complete when this returns.
pub fn run(
    opts: &Options,
    stop: &AtomicBool,
    ready: impl FnOnce(&Interface, LinkType),
    mut progress: impl FnMut(&LiveCounters, u64),
) -> Result<CaptureReport, CaptureError> {
    let iface = Interface::lookup(&opts.interface)?;
    let prog = bpf::compile(&opts.filter, iface.link_layer())?;
    let sock = PacketSocket::open(&iface, &prog, opts.buffer_bytes)?;
    let linktype = iface.linktype();
    let mut out = Output {
        base: opts.path.clone(),
        rotate: opts.rotate_bytes,
        linktype,
        index: 0,
        current: None,
        done: Vec::new(),
    };
    out.open_next()?;
    let mut batch = Batch::new(sock.cooked);
    let mut counters = LiveCounters::default();
    let (mut accepted, mut drops) = (0u64, 0u64);
    let started = Instant::now();
    let deadline = opts.duration.map(|d| started + d);
    ready(&iface, linktype);
    let mut next_tick = started + TICK;
    let take_stats = |accepted: &mut u64, drops: &mut u64| {
        if let Ok((a, d)) = sock.take_stats() {
            *accepted += a;
            *drops += d;
        }
    };
    let result = (|| -> Result<StopReason, CaptureError> {
        loop {
            if opts.count.is_some_and(|c| counters.packets >= c) {
                return Ok(StopReason::Count);
            }
            if stop.load(Ordering::Relaxed) {
                return Ok(StopReason::Interrupted);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(StopReason::Duration);
            }
            let n = batch
                .recv(&sock, false)
                .map_err(|source| CaptureError::Socket {
                    what: "receiving packets",
                    source,
                })?;
            for i in 0..n {
                if opts.count.is_some_and(|c| counters.packets >= c) {
                    break;
                }
                let p = batch.get(i);
                out.write(&p)?;
                counters.observe(linktype, p.frame, p.orig_len);
            }
            let now = Instant::now();
            if now >= next_tick {
                next_tick = now + TICK;
                take_stats(&mut accepted, &mut drops);
                progress(&counters, drops);
            }
        }
    })();
    let stopped_by = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = out.close();
            return Err(e);
        }
    };
    // What the kernel queued before the stop still belongs in the file.
    if stopped_by != StopReason::Count {
        let stop_wall = crate::io::clock::since_epoch();
        'drain: loop {
            let n = match batch.recv(&sock, true) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            for i in 0..n {
                let p = batch.get(i);
                if p.ts > stop_wall {
                    break 'drain;
                }
                out.write(&p)?;
                counters.observe(linktype, p.frame, p.orig_len);
            }
        }
    }
    take_stats(&mut accepted, &mut drops);
    progress(&counters, drops);
    out.close()?;
    Ok(CaptureReport {
        interface: iface.name.clone(),
        linktype,
        linktype_name: linktype.name(),
        filter: opts.filter.to_string(),
        packets: counters.packets,
        bytes: counters.bytes,
        sip_messages: counters.sip_messages,
        rtp_streams: counters.rtp_streams(),
        kernel_accepted: accepted,
        kernel_drops: drops,
        duration_s: started.elapsed().as_secs_f64(),
        stopped_by,
        files: out.done,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interfaces_and_link_types() {
        let any = Interface::lookup("any").unwrap();
        assert_eq!(any.linktype(), LinkType::LINUX_SLL2);
        assert_eq!(any.link_layer(), LinkLayer::Cooked);
        let lo = Interface::lookup("lo").unwrap();
        assert_eq!(lo.hatype, bpf::ARPHRD_LOOPBACK);
        assert_eq!(lo.linktype(), LinkType::ETHERNET);
        assert!(matches!(
            Interface::lookup("no-such-if0"),
            Err(CaptureError::NoSuchInterface { .. })
        ));
        let e = Interface::lookup("no-such-if0").unwrap_err();
        assert_eq!(e.exit_code(), 5);
        let tun = Interface {
            name: "tun0".into(),
            index: 9,
            hatype: 65534,
        };
        assert_eq!(tun.linktype(), LinkType::LINUX_SLL2);
    }
}
