//! The kernel filter of `vcctl capture`: a classic BPF program (the `SO_ATTACH_FILTER`
//! language, the one tcpdump compiles to) that lets only SIP and RTP-range UDP reach user
//! space, plus a small interpreter with the kernel's semantics so the program can be
//! unit-tested against synthetic frames. Pure: no sockets.
//!
//! What passes:
//! - IPv4 or IPv6 UDP whose source or destination port is the SIP port or lies in the RTP
//!   range, optionally only when the source or destination address is `host`;
//! - UDP fragments other than the first (they carry no ports; without them Wireshark could
//!   not reassemble a large SIP message), subject to the host test;
//! - on a [`LinkLayer::Ethernet`] socket: untagged frames and frames with one 802.1Q tag;
//!   on a [`LinkLayer::Cooked`] socket the network header is at offset 0 and the protocol
//!   comes from the socket buffer (the kernel's `SKF_AD_PROTOCOL`).
//!
//! What does not: everything else, and the *outgoing* copy of a loopback packet. On a
//! loopback device (`ARPHRD_LOOPBACK`) the kernel hands a packet socket every datagram
//! twice, once as it is sent (`PACKET_OUTGOING`) and once as it is received; the filter
//! keeps only the second, as libpcap does in user space.

use std::fmt;
use std::net::IpAddr;

/// One classic BPF instruction, laid out as the kernel's `struct sock_filter`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

// Instruction classes, sizes, modes and operations (linux/filter.h, linux/bpf_common.h).
pub const BPF_LD: u16 = 0x00;
pub const BPF_LDX: u16 = 0x01;
pub const BPF_ALU: u16 = 0x04;
pub const BPF_JMP: u16 = 0x05;
pub const BPF_RET: u16 = 0x06;
pub const BPF_MISC: u16 = 0x07;
pub const BPF_W: u16 = 0x00;
pub const BPF_H: u16 = 0x08;
pub const BPF_B: u16 = 0x10;
pub const BPF_IMM: u16 = 0x00;
pub const BPF_ABS: u16 = 0x20;
pub const BPF_IND: u16 = 0x40;
pub const BPF_MSH: u16 = 0xa0;
pub const BPF_AND: u16 = 0x50;
pub const BPF_JA: u16 = 0x00;
pub const BPF_JEQ: u16 = 0x10;
pub const BPF_JGT: u16 = 0x20;
pub const BPF_JGE: u16 = 0x30;
pub const BPF_JSET: u16 = 0x40;
pub const BPF_K: u16 = 0x00;
pub const BPF_TAX: u16 = 0x00;
pub const BPF_TXA: u16 = 0x80;

/// Base of the kernel's ancillary loads (`SKF_AD_OFF`, -0x1000 as an unsigned offset).
pub const SKF_AD_OFF: u32 = 0xffff_f000;
pub const SKF_AD_PROTOCOL: u32 = 0;
pub const SKF_AD_PKTTYPE: u32 = 4;
pub const SKF_AD_IFINDEX: u32 = 8;
pub const SKF_AD_HATYPE: u32 = 28;

/// `PACKET_OUTGOING` (linux/if_packet.h).
pub const PACKET_OUTGOING: u8 = 4;
/// `ARPHRD_LOOPBACK` (linux/if_arp.h).
pub const ARPHRD_LOOPBACK: u16 = 772;

/// Longest classic BPF program the kernel accepts (`BPF_MAXINSNS`).
pub const MAX_INSNS: usize = 4096;

/// Where the network header starts in what the socket sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkLayer {
    /// A `SOCK_RAW` socket on an Ethernet or loopback device: a 14-byte Ethernet header
    /// (loopback's has zeroed MAC addresses), possibly one 802.1Q tag.
    Ethernet,
    /// A `SOCK_DGRAM` ("cooked") socket: the network header at offset 0; the ethertype is
    /// only in the socket buffer's protocol field.
    Cooked,
}

/// What the filter lets through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterSpec {
    pub sip_port: u16,
    /// Inclusive RTP port range; `None` for SIP only.
    pub rtp_ports: Option<(u16, u16)>,
    /// Only traffic from or to this address.
    pub host: Option<IpAddr>,
    /// Bytes of each packet kept (the program's accept value).
    pub snaplen: u32,
}

impl fmt::Display for FilterSpec {
    /// The same selection in tcpdump's filter syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "udp and (port {}", self.sip_port)?;
        if let Some((lo, hi)) = self.rtp_ports {
            write!(f, " or portrange {lo}-{hi}")?;
        }
        write!(f, ")")?;
        if let Some(h) = self.host {
            write!(f, " and host {h}")?;
        }
        Ok(())
    }
}

/// Why a program could not be built or is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BpfError {
    #[error("the filter program is empty")]
    Empty,
    #[error("the filter program has {0} instructions, more than the kernel's {MAX_INSNS}")]
    TooLong(usize),
    #[error("instruction {0} jumps outside the filter program")]
    JumpOutOfRange(usize),
    #[error("the filter program does not end with a return")]
    NoReturn,
    #[error("instruction {0} has an opcode the interpreter does not know ({1:#06x})")]
    UnknownOpcode(usize, u16),
}

const ETHERTYPE_IPV4: u32 = 0x0800;
const ETHERTYPE_IPV6: u32 = 0x86dd;
const ETHERTYPE_VLAN: u32 = 0x8100;

/// A jump target while assembling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The next instruction.
    Next,
    Accept,
    Reject,
    Label(usize),
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Stmt(u16, u32),
    Jump(u16, u32, Target, Target),
    Always(Target),
    Label(usize),
}

/// A tiny assembler: symbolic jump targets, resolved once the program is complete.
#[derive(Debug, Default)]
struct Asm {
    ops: Vec<Op>,
    labels: usize,
}

impl Asm {
    fn label(&mut self) -> usize {
        self.labels += 1;
        self.labels
    }
    fn place(&mut self, l: usize) {
        self.ops.push(Op::Label(l));
    }
    fn stmt(&mut self, code: u16, k: u32) {
        self.ops.push(Op::Stmt(code, k));
    }
    fn jump(&mut self, op: u16, k: u32, jt: Target, jf: Target) {
        self.ops.push(Op::Jump(BPF_JMP | op | BPF_K, k, jt, jf));
    }
    fn always(&mut self, t: Target) {
        self.ops.push(Op::Always(t));
    }

    fn finish(self, snaplen: u32) -> Result<Vec<Insn>, BpfError> {
        // Instruction index of each label, then of accept and reject at the end.
        let mut at = vec![0usize; self.labels + 1];
        let mut n = 0;
        for op in &self.ops {
            match op {
                Op::Label(l) => at[*l] = n,
                _ => n += 1,
            }
        }
        let (accept, reject) = (n, n + 1);
        let resolve = |pc: usize, t: Target| -> Result<usize, BpfError> {
            let dest = match t {
                Target::Next => pc + 1,
                Target::Accept => accept,
                Target::Reject => reject,
                Target::Label(l) => at[l],
            };
            dest.checked_sub(pc + 1).ok_or(BpfError::JumpOutOfRange(pc))
        };
        let mut out = Vec::with_capacity(n + 2);
        for op in self.ops {
            let pc = out.len();
            match op {
                Op::Label(_) => {}
                Op::Stmt(code, k) => out.push(Insn {
                    code,
                    jt: 0,
                    jf: 0,
                    k,
                }),
                Op::Jump(code, k, jt, jf) => {
                    let short =
                        |d: usize| u8::try_from(d).map_err(|_| BpfError::JumpOutOfRange(pc));
                    out.push(Insn {
                        code,
                        jt: short(resolve(pc, jt)?)?,
                        jf: short(resolve(pc, jf)?)?,
                        k,
                    })
                }
                Op::Always(t) => out.push(Insn {
                    code: BPF_JMP | BPF_JA,
                    jt: 0,
                    jf: 0,
                    k: resolve(pc, t)? as u32,
                }),
            }
        }
        out.push(Insn {
            code: BPF_RET | BPF_K,
            jt: 0,
            jf: 0,
            k: snaplen,
        });
        out.push(Insn {
            code: BPF_RET | BPF_K,
            jt: 0,
            jf: 0,
            k: 0,
        });
        validate(&out)?;
        Ok(out)
    }
}

/// Build the filter program for a socket of link layer `link`.
pub fn compile(spec: &FilterSpec, link: LinkLayer) -> Result<Vec<Insn>, BpfError> {
    let mut a = Asm::default();
    // The outgoing copy of a loopback packet: dropped (the incoming copy follows).
    let start = a.label();
    let check_hatype = a.label();
    a.stmt(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE);
    a.jump(
        BPF_JEQ,
        PACKET_OUTGOING as u32,
        Target::Label(check_hatype),
        Target::Label(start),
    );
    a.place(check_hatype);
    a.stmt(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_HATYPE);
    a.jump(
        BPF_JEQ,
        ARPHRD_LOOPBACK as u32,
        Target::Reject,
        Target::Label(start),
    );
    a.place(start);
    match link {
        LinkLayer::Cooked => {
            let (v4, v6) = (a.label(), a.label());
            a.stmt(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL);
            a.jump(BPF_JEQ, ETHERTYPE_IPV4, Target::Label(v4), Target::Next);
            a.jump(BPF_JEQ, ETHERTYPE_IPV6, Target::Label(v6), Target::Reject);
            a.place(v4);
            ipv4(&mut a, spec, 0);
            a.place(v6);
            ipv6(&mut a, spec, 0);
        }
        LinkLayer::Ethernet => {
            let (v4, v6, tagged, v4t, v6t) =
                (a.label(), a.label(), a.label(), a.label(), a.label());
            a.stmt(BPF_LD | BPF_H | BPF_ABS, 12);
            a.jump(BPF_JEQ, ETHERTYPE_IPV4, Target::Label(v4), Target::Next);
            a.jump(BPF_JEQ, ETHERTYPE_IPV6, Target::Label(v6), Target::Next);
            a.jump(
                BPF_JEQ,
                ETHERTYPE_VLAN,
                Target::Label(tagged),
                Target::Reject,
            );
            a.place(tagged);
            a.stmt(BPF_LD | BPF_H | BPF_ABS, 16);
            a.jump(BPF_JEQ, ETHERTYPE_IPV4, Target::Label(v4t), Target::Next);
            a.jump(BPF_JEQ, ETHERTYPE_IPV6, Target::Label(v6t), Target::Reject);
            a.place(v4);
            ipv4(&mut a, spec, 14);
            a.place(v6);
            ipv6(&mut a, spec, 14);
            a.place(v4t);
            ipv4(&mut a, spec, 18);
            a.place(v6t);
            ipv6(&mut a, spec, 18);
        }
    }
    a.finish(spec.snaplen)
}

/// The IPv4 part, the header at offset `l`. Ends by jumping to accept or reject.
fn ipv4(a: &mut Asm, spec: &FilterSpec, l: u32) {
    a.stmt(BPF_LD | BPF_B | BPF_ABS, l + 9);
    a.jump(BPF_JEQ, 17, Target::Next, Target::Reject);
    match spec.host {
        Some(IpAddr::V4(h)) => {
            let h = u32::from_be_bytes(h.octets());
            let ok = a.label();
            a.stmt(BPF_LD | BPF_W | BPF_ABS, l + 12);
            a.jump(BPF_JEQ, h, Target::Label(ok), Target::Next);
            a.stmt(BPF_LD | BPF_W | BPF_ABS, l + 16);
            a.jump(BPF_JEQ, h, Target::Next, Target::Reject);
            a.place(ok);
        }
        Some(IpAddr::V6(_)) => a.always(Target::Reject),
        None => {}
    }
    // A fragment other than the first: no ports to look at; kept.
    a.stmt(BPF_LD | BPF_H | BPF_ABS, l + 6);
    a.jump(BPF_JSET, 0x1fff, Target::Accept, Target::Next);
    a.stmt(BPF_LDX | BPF_B | BPF_MSH, l);
    ports(a, spec, BPF_IND, l);
}

/// The IPv6 part, the header at offset `l`: UDP directly or after a fragment header.
fn ipv6(a: &mut Asm, spec: &FilterSpec, l: u32) {
    match spec.host {
        Some(IpAddr::V6(h)) => {
            let o = h.octets();
            let words: Vec<u32> = o
                .chunks_exact(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            let (ok, not_src) = (a.label(), a.label());
            for (i, w) in words.iter().enumerate() {
                a.stmt(BPF_LD | BPF_W | BPF_ABS, l + 8 + 4 * i as u32);
                let jt = if i == 3 {
                    Target::Label(ok)
                } else {
                    Target::Next
                };
                a.jump(BPF_JEQ, *w, jt, Target::Label(not_src));
            }
            a.place(not_src);
            for (i, w) in words.iter().enumerate() {
                a.stmt(BPF_LD | BPF_W | BPF_ABS, l + 24 + 4 * i as u32);
                let jt = if i == 3 {
                    Target::Label(ok)
                } else {
                    Target::Next
                };
                a.jump(BPF_JEQ, *w, jt, Target::Reject);
            }
            a.place(ok);
        }
        Some(IpAddr::V4(_)) => a.always(Target::Reject),
        None => {}
    }
    let udp = a.label();
    a.stmt(BPF_LD | BPF_B | BPF_ABS, l + 6);
    a.jump(BPF_JEQ, 17, Target::Label(udp), Target::Next);
    a.jump(BPF_JEQ, 44, Target::Next, Target::Reject);
    // Fragment header: next header at +0, offset (upper 13 bits) at +2.
    a.stmt(BPF_LD | BPF_B | BPF_ABS, l + 40);
    a.jump(BPF_JEQ, 17, Target::Next, Target::Reject);
    a.stmt(BPF_LD | BPF_H | BPF_ABS, l + 42);
    a.jump(BPF_JSET, 0xfff8, Target::Accept, Target::Next);
    ports(a, spec, BPF_ABS, l + 48);
    a.place(udp);
    ports(a, spec, BPF_ABS, l + 40);
}

/// Source port at `off`, destination port at `off + 2` (indexed by X when `mode` is
/// BPF_IND): accept when either is the SIP port or in the RTP range.
fn ports(a: &mut Asm, spec: &FilterSpec, mode: u16, off: u32) {
    let dst = a.label();
    a.stmt(BPF_LD | BPF_H | mode, off);
    port_test(a, spec, Target::Label(dst));
    a.place(dst);
    a.stmt(BPF_LD | BPF_H | mode, off + 2);
    port_test(a, spec, Target::Reject);
}

fn port_test(a: &mut Asm, spec: &FilterSpec, fail: Target) {
    match spec.rtp_ports {
        Some((lo, hi)) => {
            a.jump(BPF_JEQ, spec.sip_port as u32, Target::Accept, Target::Next);
            a.jump(BPF_JGE, lo as u32, Target::Next, fail);
            a.jump(BPF_JGT, hi as u32, fail, Target::Accept);
        }
        None => a.jump(BPF_JEQ, spec.sip_port as u32, Target::Accept, fail),
    }
}

/// The checks the kernel's `bpf_check_classic` makes that matter here: not empty, not too
/// long, every jump inside the program, known opcodes, ends with a return.
pub fn validate(prog: &[Insn]) -> Result<(), BpfError> {
    if prog.is_empty() {
        return Err(BpfError::Empty);
    }
    if prog.len() > MAX_INSNS {
        return Err(BpfError::TooLong(prog.len()));
    }
    for (pc, i) in prog.iter().enumerate() {
        let class = i.code & 0x07;
        if class == BPF_JMP {
            let targets: &[usize] = if i.code == BPF_JMP | BPF_JA {
                &[i.k as usize]
            } else {
                &[i.jt as usize, i.jf as usize]
            };
            for t in targets {
                if pc + 1 + t >= prog.len() {
                    return Err(BpfError::JumpOutOfRange(pc));
                }
            }
        }
        if !known(i.code) {
            return Err(BpfError::UnknownOpcode(pc, i.code));
        }
    }
    if prog[prog.len() - 1].code & 0x07 != BPF_RET {
        return Err(BpfError::NoReturn);
    }
    Ok(())
}

fn known(code: u16) -> bool {
    const KNOWN: [u16; 18] = [
        BPF_LD | BPF_W | BPF_ABS,
        BPF_LD | BPF_H | BPF_ABS,
        BPF_LD | BPF_B | BPF_ABS,
        BPF_LD | BPF_W | BPF_IND,
        BPF_LD | BPF_H | BPF_IND,
        BPF_LD | BPF_B | BPF_IND,
        BPF_LD | BPF_IMM,
        BPF_LDX | BPF_IMM,
        BPF_LDX | BPF_B | BPF_MSH,
        BPF_ALU | BPF_AND | BPF_K,
        BPF_JMP | BPF_JA,
        BPF_JMP | BPF_JEQ | BPF_K,
        BPF_JMP | BPF_JGT | BPF_K,
        BPF_JMP | BPF_JGE | BPF_K,
        BPF_JMP | BPF_JSET | BPF_K,
        BPF_RET | BPF_K,
        BPF_MISC | BPF_TAX,
        BPF_MISC | BPF_TXA,
    ];
    KNOWN.contains(&code)
}

/// What the kernel knows about a packet besides its bytes (the ancillary loads).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Meta {
    /// Ethertype in host order (`skb->protocol`).
    pub protocol: u16,
    /// `PACKET_HOST`, `PACKET_OUTGOING`, ...
    pub pkttype: u8,
    pub ifindex: u32,
    /// `ARPHRD_*` of the device.
    pub hatype: u16,
}

/// Run `prog` over `pkt` the way the kernel does: returns the number of bytes to keep
/// (0: drop). A load past the end of the packet drops it; so does an unknown opcode.
pub fn run(prog: &[Insn], pkt: &[u8], meta: &Meta) -> u32 {
    let (mut a, mut x): (u32, u32) = (0, 0);
    let mut pc = 0usize;
    let load = |off: u32, size: u16| -> Option<u32> {
        let off = off as usize;
        let n = match size {
            BPF_W => 4,
            BPF_H => 2,
            _ => 1,
        };
        let b = pkt.get(off..off.checked_add(n)?)?;
        Some(b.iter().fold(0u32, |acc, &v| (acc << 8) | v as u32))
    };
    // Bounded: every jump goes forward, so at most prog.len() steps.
    while let Some(i) = prog.get(pc) {
        pc += 1;
        let size = i.code & 0x18;
        match i.code {
            c if c & 0x07 == BPF_LD && c & 0xe0 == BPF_ABS => {
                if i.k >= SKF_AD_OFF {
                    a = match i.k - SKF_AD_OFF {
                        SKF_AD_PROTOCOL => meta.protocol as u32,
                        SKF_AD_PKTTYPE => meta.pkttype as u32,
                        SKF_AD_IFINDEX => meta.ifindex,
                        SKF_AD_HATYPE => meta.hatype as u32,
                        _ => return 0,
                    };
                } else {
                    match load(i.k, size) {
                        Some(v) => a = v,
                        None => return 0,
                    }
                }
            }
            c if c & 0x07 == BPF_LD && c & 0xe0 == BPF_IND => {
                match x.checked_add(i.k).and_then(|o| load(o, size)) {
                    Some(v) => a = v,
                    None => return 0,
                }
            }
            c if c == BPF_LD | BPF_IMM => a = i.k,
            c if c == BPF_LDX | BPF_IMM => x = i.k,
            c if c == BPF_LDX | BPF_B | BPF_MSH => match load(i.k, BPF_B) {
                Some(v) => x = 4 * (v & 0x0f),
                None => return 0,
            },
            c if c == BPF_ALU | BPF_AND | BPF_K => a &= i.k,
            c if c == BPF_JMP | BPF_JA => pc += i.k as usize,
            c if c & 0x07 == BPF_JMP => {
                let taken = match c & 0xf0 {
                    BPF_JEQ => a == i.k,
                    BPF_JGT => a > i.k,
                    BPF_JGE => a >= i.k,
                    BPF_JSET => a & i.k != 0,
                    _ => return 0,
                };
                pc += if taken { i.jt } else { i.jf } as usize;
            }
            c if c == BPF_RET | BPF_K => return i.k,
            c if c == BPF_MISC | BPF_TAX => x = a,
            c if c == BPF_MISC | BPF_TXA => a = x,
            _ => return 0,
        }
    }
    0
}

/// The program in tcpdump's `-d` notation, one instruction per line.
pub struct Listing<'a>(pub &'a [Insn]);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (pc, i) in self.0.iter().enumerate() {
            let size = match i.code & 0x18 {
                BPF_H => "h",
                BPF_B => "b",
                _ => "",
            };
            let abs = |k: u32| -> String {
                if k >= SKF_AD_OFF {
                    match k - SKF_AD_OFF {
                        SKF_AD_PROTOCOL => "#proto".into(),
                        SKF_AD_PKTTYPE => "#pkttype".into(),
                        SKF_AD_IFINDEX => "#ifidx".into(),
                        SKF_AD_HATYPE => "#hatype".into(),
                        o => format!("#ancillary{o}"),
                    }
                } else {
                    format!("[{k}]")
                }
            };
            let target = |d: u8| pc + 1 + d as usize;
            let text = match i.code {
                c if c & 0x07 == BPF_LD && c & 0xe0 == BPF_ABS => {
                    format!("{:<9}{}", format!("ld{size}"), abs(i.k))
                }
                c if c & 0x07 == BPF_LD && c & 0xe0 == BPF_IND => {
                    format!("{:<9}[x + {}]", format!("ld{size}"), i.k)
                }
                c if c == BPF_LD | BPF_IMM => format!("ld       #{:#x}", i.k),
                c if c == BPF_LDX | BPF_IMM => format!("ldx      #{:#x}", i.k),
                c if c == BPF_LDX | BPF_B | BPF_MSH => format!("ldxb     4*([{}]&0xf)", i.k),
                c if c == BPF_ALU | BPF_AND | BPF_K => format!("and      #{:#x}", i.k),
                c if c == BPF_JMP | BPF_JA => format!("ja       {}", pc + 1 + i.k as usize),
                c if c & 0x07 == BPF_JMP => {
                    let op = match c & 0xf0 {
                        BPF_JEQ => "jeq",
                        BPF_JGT => "jgt",
                        BPF_JGE => "jge",
                        _ => "jset",
                    };
                    format!(
                        "{op:<8} #{:#x}  jt {}  jf {}",
                        i.k,
                        target(i.jt),
                        target(i.jf)
                    )
                }
                c if c == BPF_RET | BPF_K => format!("ret      #{}", i.k),
                c if c == BPF_MISC | BPF_TAX => "tax".into(),
                c if c == BPF_MISC | BPF_TXA => "txa".into(),
                c => format!("unknown  {c:#06x}"),
            };
            writeln!(f, "({pc:03}) {text}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::net::{synthesize_ipv4_udp, synthesize_udp};
    use std::net::SocketAddrV4;

    const SNAP: u32 = 262_144;

    fn spec(host: Option<&str>) -> FilterSpec {
        FilterSpec {
            sip_port: 5060,
            rtp_ports: Some((16384, 32768)),
            host: host.map(|h| h.parse().unwrap()),
            snaplen: SNAP,
        }
    }

    fn udp(src: &str, dst: &str) -> Vec<u8> {
        let mut ip = Vec::new();
        synthesize_udp(
            src.parse().unwrap(),
            dst.parse().unwrap(),
            b"payload",
            &mut ip,
        )
        .unwrap();
        ip
    }

    fn eth(ip: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(if ip[0] >> 4 == 6 {
            &[0x86, 0xdd]
        } else {
            &[0x08, 0x00]
        });
        f.extend_from_slice(ip);
        f
    }

    fn vlan(ip: &[u8]) -> Vec<u8> {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x2a]);
        f.extend_from_slice(if ip[0] >> 4 == 6 {
            &[0x86, 0xdd]
        } else {
            &[0x08, 0x00]
        });
        f.extend_from_slice(ip);
        f
    }

    fn host_in() -> Meta {
        Meta {
            protocol: 0x0800,
            pkttype: 0,
            ifindex: 2,
            hatype: 1,
        }
    }

    fn cooked_meta(ip: &[u8]) -> Meta {
        Meta {
            protocol: if ip[0] >> 4 == 6 { 0x86dd } else { 0x0800 },
            ..host_in()
        }
    }

    /// Whether both socket kinds let the IP packet through (they must agree).
    fn passes(s: &FilterSpec, ip: &[u8]) -> bool {
        let e = compile(s, LinkLayer::Ethernet).unwrap();
        let c = compile(s, LinkLayer::Cooked).unwrap();
        let by_eth = run(&e, &eth(ip), &host_in());
        let by_vlan = run(&e, &vlan(ip), &host_in());
        let by_cooked = run(&c, ip, &cooked_meta(ip));
        assert_eq!(by_eth, by_cooked, "ethernet and cooked disagree");
        assert_eq!(by_eth, by_vlan, "tagged and untagged disagree");
        assert!(by_eth == 0 || by_eth == SNAP);
        by_eth == SNAP
    }

    #[test]
    fn sip_and_rtp_range_pass_in_both_directions() {
        let s = spec(None);
        assert!(passes(&s, &udp("10.0.0.1:5060", "10.0.0.2:5060")));
        assert!(passes(&s, &udp("10.0.0.1:40000", "10.0.0.2:5060")));
        assert!(passes(&s, &udp("10.0.0.1:5060", "10.0.0.2:40000")));
        assert!(passes(&s, &udp("10.0.0.1:16384", "10.0.0.2:9")));
        assert!(passes(&s, &udp("10.0.0.1:9", "10.0.0.2:32768")));
        assert!(passes(&s, &udp("[2001:db8::1]:20000", "[2001:db8::2]:9")));
        assert!(passes(&s, &udp("[2001:db8::1]:9", "[2001:db8::2]:5060")));
        // Just outside the range, other ports.
        assert!(!passes(&s, &udp("10.0.0.1:16383", "10.0.0.2:32769")));
        assert!(!passes(&s, &udp("10.0.0.1:53", "10.0.0.2:5061")));
        assert!(!passes(
            &s,
            &udp("[2001:db8::1]:16383", "[2001:db8::2]:32769")
        ));
        // SIP only.
        let sip_only = FilterSpec {
            rtp_ports: None,
            ..spec(None)
        };
        assert!(passes(&sip_only, &udp("10.0.0.1:5060", "10.0.0.2:9")));
        assert!(!passes(&sip_only, &udp("10.0.0.1:20000", "10.0.0.2:20000")));
    }

    #[test]
    fn tcp_and_non_ip_are_rejected() {
        let s = spec(None);
        let mut tcp = udp("10.0.0.1:5060", "10.0.0.2:5060");
        tcp[9] = 6;
        assert!(!passes(&s, &tcp));
        let mut tcp6 = udp("[::1]:5060", "[::1]:5060");
        tcp6[6] = 6;
        assert!(!passes(&s, &tcp6));
        let prog = compile(&s, LinkLayer::Ethernet).unwrap();
        let mut arp = vec![0u8; 12];
        arp.extend_from_slice(&[0x08, 0x06]);
        arp.extend_from_slice(&[0u8; 28]);
        assert_eq!(run(&prog, &arp, &host_in()), 0);
        let cooked = compile(&s, LinkLayer::Cooked).unwrap();
        let ip = udp("10.0.0.1:5060", "10.0.0.2:5060");
        let arp_meta = Meta {
            protocol: 0x0806,
            ..host_in()
        };
        assert_eq!(run(&cooked, &ip, &arp_meta), 0);
    }

    #[test]
    fn ipv4_options_move_the_ports() {
        let s = spec(None);
        // Header with 4 bytes of options (IHL 6): ports must be read after them.
        let ip = udp("10.0.0.1:9", "10.0.0.2:5060");
        let mut with_opts = ip[..20].to_vec();
        with_opts[0] = 0x46;
        with_opts.extend_from_slice(&[1, 1, 1, 0]);
        with_opts.extend_from_slice(&ip[20..]);
        assert!(passes(&s, &with_opts));
        // The bytes where a 20-byte header would put the ports say 5060; the real ports do not.
        let other = udp("10.0.0.1:9", "10.0.0.2:9");
        let mut tricky = other[..20].to_vec();
        tricky[0] = 0x46;
        tricky.extend_from_slice(&[0x13, 0xc4, 0x13, 0xc4]);
        tricky.extend_from_slice(&other[20..]);
        assert!(!passes(&s, &tricky));
    }

    #[test]
    fn fragments() {
        let s = spec(None);
        // Non-first IPv4 fragment of UDP: kept even though it has no ports.
        let mut frag = udp("10.0.0.1:9", "10.0.0.2:9");
        frag[6] = 0x00;
        frag[7] = 0xb9;
        assert!(passes(&s, &frag));
        // First fragment (MF set, offset 0): judged by its ports.
        let mut first = udp("10.0.0.1:9", "10.0.0.2:9");
        first[6] = 0x20;
        assert!(!passes(&s, &first));
        first = udp("10.0.0.1:9", "10.0.0.2:5060");
        first[6] = 0x20;
        assert!(passes(&s, &first));

        // IPv6 with a fragment header.
        let v6 = |sport: u16, dport: u16, offset: u16| {
            let ip = udp(
                &format!("[2001:db8::1]:{sport}"),
                &format!("[2001:db8::2]:{dport}"),
            );
            let mut p = ip[..40].to_vec();
            p[6] = 44;
            p.extend_from_slice(&[17, 0]);
            p.extend_from_slice(&(offset << 3 | 1).to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, 7]);
            p.extend_from_slice(&ip[40..]);
            let len = (p.len() - 40) as u16;
            p[4..6].copy_from_slice(&len.to_be_bytes());
            p
        };
        assert!(passes(&s, &v6(9, 5060, 0)));
        assert!(!passes(&s, &v6(9, 9, 0)));
        assert!(passes(&s, &v6(9, 9, 100)));
    }

    #[test]
    fn host_filter() {
        let s = spec(Some("10.0.0.2"));
        assert!(passes(&s, &udp("10.0.0.1:5060", "10.0.0.2:5060")));
        assert!(passes(&s, &udp("10.0.0.2:20000", "10.0.0.9:9")));
        assert!(!passes(&s, &udp("10.0.0.1:5060", "10.0.0.3:5060")));
        assert!(!passes(
            &s,
            &udp("[2001:db8::1]:5060", "[2001:db8::2]:5060")
        ));
        // Right host, wrong ports.
        assert!(!passes(&s, &udp("10.0.0.2:9", "10.0.0.1:9")));

        let s6 = spec(Some("2001:db8::2"));
        assert!(passes(
            &s6,
            &udp("[2001:db8::1]:5060", "[2001:db8::2]:5060")
        ));
        assert!(passes(&s6, &udp("[2001:db8::2]:20000", "[2001:db8::3]:9")));
        assert!(!passes(
            &s6,
            &udp("[2001:db8::1]:5060", "[2001:db8::3]:5060")
        ));
        // Differs only in the last word / only in the first word.
        assert!(!passes(
            &s6,
            &udp("[2001:db8::3]:5060", "[2001:db8::1]:5060")
        ));
        assert!(!passes(
            &s6,
            &udp("[2001:db9::2]:5060", "[2001:db8::1]:5060")
        ));
        assert!(!passes(&s6, &udp("10.0.0.2:5060", "10.0.0.1:5060")));
    }

    #[test]
    fn loopback_outgoing_copies_are_dropped() {
        let s = spec(None);
        let ip = udp("127.0.0.1:40000", "127.0.0.1:20000");
        for link in [LinkLayer::Ethernet, LinkLayer::Cooked] {
            let prog = compile(&s, link).unwrap();
            let frame = if link == LinkLayer::Ethernet {
                eth(&ip)
            } else {
                ip.clone()
            };
            let lo = |pkttype| Meta {
                protocol: 0x0800,
                pkttype,
                ifindex: 1,
                hatype: ARPHRD_LOOPBACK,
            };
            assert_eq!(run(&prog, &frame, &lo(PACKET_OUTGOING)), 0);
            assert_eq!(run(&prog, &frame, &lo(0)), SNAP);
            // Outgoing on a real interface is kept.
            let out = Meta {
                pkttype: PACKET_OUTGOING,
                ..host_in()
            };
            assert_eq!(run(&prog, &frame, &out), SNAP);
        }
    }

    #[test]
    fn truncated_frames_are_dropped_without_panicking() {
        let s = spec(Some("10.0.0.2"));
        let prog = compile(&s, LinkLayer::Ethernet).unwrap();
        let mut ip = Vec::new();
        synthesize_ipv4_udp(
            SocketAddrV4::new([10, 0, 0, 1].into(), 9),
            SocketAddrV4::new([10, 0, 0, 2].into(), 5060),
            b"",
            &mut ip,
        )
        .unwrap();
        let f = eth(&ip);
        assert_eq!(run(&prog, &f, &host_in()), SNAP);
        // The destination port (bytes 36..38) is the last thing read: any frame that ends
        // before it is dropped.
        for n in 0..14 + 20 + 4 {
            assert_eq!(run(&prog, &f[..n], &host_in()), 0, "length {n}");
        }
        let v6 = udp("[2001:db8::1]:5060", "[2001:db8::2]:5060");
        let prog6 = compile(&spec(None), LinkLayer::Cooked).unwrap();
        for n in 0..v6.len() {
            run(&prog6, &v6[..n], &cooked_meta(&v6));
        }
    }

    #[test]
    fn programs_are_valid_and_small() {
        for link in [LinkLayer::Ethernet, LinkLayer::Cooked] {
            for host in [None, Some("10.0.0.2"), Some("2001:db8::2")] {
                let p = compile(&spec(host), link).unwrap();
                validate(&p).unwrap();
                assert!(p.len() < 200, "{} instructions", p.len());
                let listing = Listing(&p).to_string();
                assert_eq!(listing.lines().count(), p.len());
                assert!(listing.contains("ret      #262144"));
            }
        }
        assert_eq!(validate(&[]), Err(BpfError::Empty));
        let bad = [Insn {
            code: BPF_JMP | BPF_JEQ | BPF_K,
            jt: 5,
            jf: 0,
            k: 0,
        }];
        assert_eq!(validate(&bad), Err(BpfError::JumpOutOfRange(0)));
        let no_ret = [Insn {
            code: BPF_LD | BPF_IMM,
            jt: 0,
            jf: 0,
            k: 0,
        }];
        assert_eq!(validate(&no_ret), Err(BpfError::NoReturn));
    }

    #[test]
    fn interpreter_basics() {
        let prog = [
            Insn {
                code: BPF_LD | BPF_IMM,
                jt: 0,
                jf: 0,
                k: 7,
            },
            Insn {
                code: BPF_MISC | BPF_TAX,
                jt: 0,
                jf: 0,
                k: 0,
            },
            Insn {
                code: BPF_LD | BPF_B | BPF_IND,
                jt: 0,
                jf: 0,
                k: 1,
            },
            Insn {
                code: BPF_ALU | BPF_AND | BPF_K,
                jt: 0,
                jf: 0,
                k: 0x0f,
            },
            Insn {
                code: BPF_RET | BPF_K,
                jt: 0,
                jf: 0,
                k: 99,
            },
        ];
        // Byte 8 is read; loads past the end drop the packet.
        let pkt = [0u8, 0, 0, 0, 0, 0, 0, 0, 0x35];
        assert_eq!(run(&prog, &pkt, &Meta::default()), 99);
        assert_eq!(run(&prog, &pkt[..8], &Meta::default()), 0);
    }
}
