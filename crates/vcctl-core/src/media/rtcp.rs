//! RTCP (RFC 3550 section 6): sender and receiver reports, SDES CNAME, BYE, compound packets,
//! the reception statistics a report block carries (appendix A.1, A.3, A.8), and the round
//! trip from a report block about our own stream (section 6.4.1: arrival - LSR - DLSR).
//!
//! [`RtcpSession`] is one media session's RTCP side for a sending and receiving endpoint
//! (`vcctl call`): it is fed the RTP it receives and the RTCP datagrams that arrive, and says
//! when the next report is due and what it is. Pure: times are parameters (`Instant` for
//! intervals, [`Ntp`] for the wall-clock stamps in the packets).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

pub const PT_SR: u8 = 200;
pub const PT_RR: u8 = 201;
pub const PT_SDES: u8 = 202;
pub const PT_BYE: u8 = 203;
/// SDES item type of the canonical name.
pub const SDES_CNAME: u8 = 1;

/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

/// A 64-bit NTP timestamp: seconds since 1900 in the high 32 bits, the fraction in the low 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Ntp(pub u64);

impl Ntp {
    /// From time since the Unix epoch.
    pub fn from_unix(d: Duration) -> Ntp {
        let secs = d.as_secs() + NTP_UNIX_OFFSET;
        let frac = ((d.subsec_nanos() as u64) << 32) / 1_000_000_000;
        Ntp((secs << 32) | frac)
    }

    /// The middle 32 bits (16.16 fixed point), as LSR carries it.
    pub fn middle32(self) -> u32 {
        (self.0 >> 16) as u32
    }
}

/// A duration in units of 1/65536 s, as DLSR carries it (saturating).
pub fn to_short(d: Duration) -> u32 {
    let units = d.as_secs_f64() * 65536.0;
    if units >= u32::MAX as f64 {
        u32::MAX
    } else {
        units.round() as u32
    }
}

/// The round trip seen by the sender of the report block's subject: `arrival` (when the block
/// arrived, on the same clock that stamped our sender report) minus LSR minus DLSR, in
/// 1/65536 s. `None` when LSR is 0 (no sender report of ours had arrived there) or the result
/// would be negative (clock or arithmetic wrap), which is not a round trip.
pub fn round_trip(arrival: Ntp, lsr: u32, dlsr: u32) -> Option<Duration> {
    if lsr == 0 {
        return None;
    }
    let since_sr = arrival.middle32().wrapping_sub(lsr);
    // More than half the 16.16 range (9 hours) means the arrival is before the report.
    if since_sr > u32::MAX / 2 || since_sr < dlsr {
        return None;
    }
    Some(Duration::from_secs_f64((since_sr - dlsr) as f64 / 65536.0))
}

/// Sender information of an SR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SenderInfo {
    pub ntp: Ntp,
    pub rtp_timestamp: u32,
    pub packet_count: u32,
    pub octet_count: u32,
}

/// One reception report block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportBlock {
    /// The source this block is about.
    pub ssrc: u32,
    /// Fraction of packets lost since the previous report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative packets lost (24-bit signed: duplicates can make it negative).
    pub cumulative_lost: i32,
    /// Extended highest sequence number received (cycles << 16 | highest).
    pub highest_seq: u32,
    /// Interarrival jitter, in timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR received from the source (0: none).
    pub lsr: u32,
    /// Delay since that SR, in 1/65536 s.
    pub dlsr: u32,
}

/// One SDES chunk: a source and its items (type, text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdesChunk {
    pub ssrc: u32,
    pub items: Vec<(u8, String)>,
}

/// One RTCP packet of a compound datagram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RtcpPacket {
    SenderReport {
        ssrc: u32,
        info: SenderInfo,
        reports: Vec<ReportBlock>,
    },
    ReceiverReport {
        ssrc: u32,
        reports: Vec<ReportBlock>,
    },
    Sdes(Vec<SdesChunk>),
    Bye {
        ssrcs: Vec<u32>,
        reason: Option<String>,
    },
    /// APP, XR, feedback and anything else: kept as its type and body.
    Other {
        pt: u8,
        count: u8,
        body: Vec<u8>,
    },
}

/// Why a datagram is not RTCP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtcpError {
    #[error("the datagram is shorter than an RTCP header")]
    TooShort,
    #[error("RTCP version {0}, expected 2")]
    Version(u8),
    #[error("an RTCP packet of type {pt} claims {claimed} bytes but {left} remain")]
    Length { pt: u8, claimed: usize, left: usize },
    #[error("an RTCP packet of type {pt} is too short for its {count} entries")]
    Body { pt: u8, count: u8 },
    #[error("padding on an RTCP packet that is not the last of the datagram")]
    Padding,
    #[error("RTCP payload type {0} is not in the RTCP range 192-223 (RTP on the RTCP port?)")]
    NotRtcp(u8),
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

impl ReportBlock {
    fn encode(&self, out: &mut Vec<u8>) {
        put32(out, self.ssrc);
        let lost = (self.cumulative_lost.clamp(-0x80_0000, 0x7f_ffff) as u32) & 0xff_ffff;
        put32(out, ((self.fraction_lost as u32) << 24) | lost);
        put32(out, self.highest_seq);
        put32(out, self.jitter);
        put32(out, self.lsr);
        put32(out, self.dlsr);
    }

    fn decode(b: &[u8]) -> ReportBlock {
        let w = get32(b, 4);
        // Sign-extend the 24-bit count.
        let lost = ((w << 8) as i32) >> 8;
        ReportBlock {
            ssrc: get32(b, 0),
            fraction_lost: (w >> 24) as u8,
            cumulative_lost: lost,
            highest_seq: get32(b, 8),
            jitter: get32(b, 12),
            lsr: get32(b, 16),
            dlsr: get32(b, 20),
        }
    }
}

/// Write a header for a packet of `pt` whose body (after the 4-byte header) is `body_len`
/// bytes, a multiple of 4.
fn header(out: &mut Vec<u8>, count: u8, pt: u8, body_len: usize) {
    debug_assert_eq!(body_len % 4, 0);
    out.push(0x80 | (count & 0x1f));
    out.push(pt);
    out.extend_from_slice(&((body_len / 4) as u16).to_be_bytes());
}

impl RtcpPacket {
    /// Append this packet (header, body, 32-bit aligned) to `out`. At most 31 report blocks,
    /// SDES chunks or BYE sources are written (the 5-bit count); items longer than 255 bytes
    /// are cut.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            RtcpPacket::SenderReport {
                ssrc,
                info,
                reports,
            } => {
                let r = &reports[..reports.len().min(31)];
                header(out, r.len() as u8, PT_SR, 24 + 24 * r.len());
                put32(out, *ssrc);
                put32(out, (info.ntp.0 >> 32) as u32);
                put32(out, info.ntp.0 as u32);
                put32(out, info.rtp_timestamp);
                put32(out, info.packet_count);
                put32(out, info.octet_count);
                r.iter().for_each(|b| b.encode(out));
            }
            RtcpPacket::ReceiverReport { ssrc, reports } => {
                let r = &reports[..reports.len().min(31)];
                header(out, r.len() as u8, PT_RR, 4 + 24 * r.len());
                put32(out, *ssrc);
                r.iter().for_each(|b| b.encode(out));
            }
            RtcpPacket::Sdes(chunks) => {
                let chunks = &chunks[..chunks.len().min(31)];
                let mut body = Vec::new();
                for c in chunks {
                    put32(&mut body, c.ssrc);
                    for (kind, text) in &c.items {
                        let t = &text.as_bytes()[..text.len().min(255)];
                        body.push(*kind);
                        body.push(t.len() as u8);
                        body.extend_from_slice(t);
                    }
                    // The item list ends with a null octet, then pads to 32 bits.
                    body.push(0);
                    while body.len() % 4 != 0 {
                        body.push(0);
                    }
                }
                header(out, chunks.len() as u8, PT_SDES, body.len());
                out.extend_from_slice(&body);
            }
            RtcpPacket::Bye { ssrcs, reason } => {
                let s = &ssrcs[..ssrcs.len().min(31)];
                let mut body = Vec::new();
                s.iter().for_each(|x| put32(&mut body, *x));
                if let Some(r) = reason {
                    let t = &r.as_bytes()[..r.len().min(255)];
                    body.push(t.len() as u8);
                    body.extend_from_slice(t);
                    while body.len() % 4 != 0 {
                        body.push(0);
                    }
                }
                header(out, s.len() as u8, PT_BYE, body.len());
                out.extend_from_slice(&body);
            }
            RtcpPacket::Other { pt, count, body } => {
                let mut b = body.clone();
                while b.len() % 4 != 0 {
                    b.push(0);
                }
                header(out, *count, *pt, b.len());
                out.extend_from_slice(&b);
            }
        }
    }

    fn decode(pt: u8, count: u8, body: &[u8]) -> Result<RtcpPacket, RtcpError> {
        let short = || RtcpError::Body { pt, count };
        let blocks = |b: &[u8]| -> Result<Vec<ReportBlock>, RtcpError> {
            if b.len() < 24 * count as usize {
                return Err(short());
            }
            Ok(b.chunks_exact(24)
                .take(count as usize)
                .map(ReportBlock::decode)
                .collect())
        };
        match pt {
            PT_SR => {
                if body.len() < 24 {
                    return Err(short());
                }
                Ok(RtcpPacket::SenderReport {
                    ssrc: get32(body, 0),
                    info: SenderInfo {
                        ntp: Ntp(((get32(body, 4) as u64) << 32) | get32(body, 8) as u64),
                        rtp_timestamp: get32(body, 12),
                        packet_count: get32(body, 16),
                        octet_count: get32(body, 20),
                    },
                    reports: blocks(&body[24..])?,
                })
            }
            PT_RR => {
                if body.len() < 4 {
                    return Err(short());
                }
                Ok(RtcpPacket::ReceiverReport {
                    ssrc: get32(body, 0),
                    reports: blocks(&body[4..])?,
                })
            }
            PT_SDES => {
                let mut chunks = Vec::new();
                let mut at = 0;
                for _ in 0..count {
                    if at + 4 > body.len() {
                        return Err(short());
                    }
                    let ssrc = get32(body, at);
                    at += 4;
                    let mut items = Vec::new();
                    loop {
                        let kind = *body.get(at).ok_or_else(short)?;
                        if kind == 0 {
                            // End of the list: skip to the next 32-bit boundary.
                            at = (at + 4) & !3;
                            break;
                        }
                        let len = *body.get(at + 1).ok_or_else(short)? as usize;
                        let text = body.get(at + 2..at + 2 + len).ok_or_else(short)?;
                        items.push((kind, String::from_utf8_lossy(text).into_owned()));
                        at += 2 + len;
                    }
                    chunks.push(SdesChunk { ssrc, items });
                }
                Ok(RtcpPacket::Sdes(chunks))
            }
            PT_BYE => {
                let n = count as usize * 4;
                if body.len() < n {
                    return Err(short());
                }
                let ssrcs = (0..count as usize).map(|i| get32(body, i * 4)).collect();
                let reason = body.get(n).and_then(|&len| {
                    body.get(n + 1..n + 1 + len as usize)
                        .map(|t| String::from_utf8_lossy(t).into_owned())
                });
                Ok(RtcpPacket::Bye { ssrcs, reason })
            }
            _ => Ok(RtcpPacket::Other {
                pt,
                count,
                body: body.to_vec(),
            }),
        }
    }
}

/// A compound datagram of `packets`, in order.
pub fn encode_compound(packets: &[RtcpPacket]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    packets.iter().for_each(|p| p.encode(&mut out));
    out
}

/// The packets of a (compound) RTCP datagram. Every packet must be version 2 with a length
/// inside the datagram and an RTCP payload type (192-223); only the last may be padded.
pub fn parse_compound(b: &[u8]) -> Result<Vec<RtcpPacket>, RtcpError> {
    if b.len() < 4 {
        return Err(RtcpError::TooShort);
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        if b.len() - at < 4 {
            return Err(RtcpError::TooShort);
        }
        let v = b[at] >> 6;
        if v != 2 {
            return Err(RtcpError::Version(v));
        }
        let padded = b[at] & 0x20 != 0;
        let count = b[at] & 0x1f;
        let pt = b[at + 1];
        if !(192..=223).contains(&pt) {
            return Err(RtcpError::NotRtcp(pt));
        }
        let len = (u16::from_be_bytes([b[at + 2], b[at + 3]]) as usize + 1) * 4;
        let left = b.len() - at;
        if len > left {
            return Err(RtcpError::Length {
                pt,
                claimed: len,
                left,
            });
        }
        let mut body = &b[at + 4..at + len];
        if padded {
            if at + len != b.len() {
                return Err(RtcpError::Padding);
            }
            let pad = *body.last().unwrap_or(&0) as usize;
            if pad == 0 || pad > body.len() {
                return Err(RtcpError::Body { pt, count });
            }
            body = &body[..body.len() - pad];
        }
        out.push(RtcpPacket::decode(pt, count, body)?);
        at += len;
    }
    Ok(out)
}

const RTP_SEQ_MOD: u32 = 1 << 16;
const MAX_DROPOUT: u16 = 3000;
const MAX_MISORDER: u16 = 100;

/// Reception statistics of one source (RFC 3550 A.1 without probation, A.3, A.8).
#[derive(Debug, Clone, PartialEq)]
pub struct ReceptionStats {
    ssrc: u32,
    max_seq: u16,
    cycles: u32,
    base_seq: u32,
    bad_seq: u32,
    received: u32,
    expected_prior: u32,
    received_prior: u32,
    /// Interarrival jitter in timestamp units (the A.8 estimator, unscaled).
    jitter: f64,
    transit: Option<i64>,
}

impl ReceptionStats {
    pub fn new(ssrc: u32, seq: u16) -> ReceptionStats {
        ReceptionStats {
            ssrc,
            max_seq: seq,
            cycles: 0,
            base_seq: seq as u32,
            bad_seq: RTP_SEQ_MOD + 1,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            jitter: 0.0,
            transit: None,
        }
    }

    /// One packet: its sequence number, RTP timestamp and arrival time in timestamp units
    /// (any origin, the same for every packet).
    pub fn on_packet(&mut self, seq: u16, rtp_ts: u32, arrival: u32) {
        let udelta = seq.wrapping_sub(self.max_seq);
        if udelta < MAX_DROPOUT {
            if seq < self.max_seq {
                self.cycles += RTP_SEQ_MOD;
            }
            self.max_seq = seq;
        } else if udelta as u32 <= RTP_SEQ_MOD - MAX_MISORDER as u32 {
            // A large jump: accept it after two sequential packets (the source restarted).
            if seq as u32 == self.bad_seq {
                *self = ReceptionStats::new(self.ssrc, seq);
            } else {
                self.bad_seq = (seq as u32 + 1) & (RTP_SEQ_MOD - 1);
                return;
            }
        }
        // else: duplicate or reordered, counted.
        self.received += 1;
        let transit = arrival.wrapping_sub(rtp_ts) as i32 as i64;
        if let Some(prev) = self.transit {
            let d = (transit - prev).abs() as f64;
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.transit = Some(transit);
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    pub fn extended_max(&self) -> u32 {
        self.cycles + self.max_seq as u32
    }

    pub fn expected(&self) -> u32 {
        self.extended_max()
            .wrapping_sub(self.base_seq)
            .wrapping_add(1)
    }

    pub fn received(&self) -> u32 {
        self.received
    }

    /// Interarrival jitter in timestamp units.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// The report block about this source, with `lsr`/`dlsr` from its last SR; starts a new
    /// interval for the fraction lost.
    pub fn report_block(&mut self, lsr: u32, dlsr: u32) -> ReportBlock {
        let expected = self.expected();
        let lost = expected as i64 - self.received as i64;
        let expected_interval = expected.wrapping_sub(self.expected_prior);
        let received_interval = self.received.wrapping_sub(self.received_prior);
        self.expected_prior = expected;
        self.received_prior = self.received;
        let lost_interval = expected_interval as i64 - received_interval as i64;
        let fraction = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval as i64).min(255) as u8
        };
        ReportBlock {
            ssrc: self.ssrc,
            fraction_lost: fraction,
            cumulative_lost: lost.clamp(-0x80_0000, 0x7f_ffff) as i32,
            highest_seq: self.extended_max(),
            jitter: self.jitter as u32,
            lsr,
            dlsr,
        }
    }
}

/// When reports go out: the first after `first`, then every `interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtcpTiming {
    pub first: Duration,
    pub interval: Duration,
}

impl Default for RtcpTiming {
    /// 500 ms, then every second (shorter than RFC 3550's 5 s minimum, which is allowed for
    /// a test endpoint with one peer and makes a short call yield several round trips).
    fn default() -> Self {
        RtcpTiming {
            first: Duration::from_millis(500),
            interval: Duration::from_secs(1),
        }
    }
}

/// What the far end reported about our stream (its last report block on our SSRC).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RemoteView {
    pub fraction_lost: f64,
    pub cumulative_lost: i32,
    /// Jitter it measured on our stream, in ms.
    pub jitter_ms: f64,
}

/// RTCP of one session, seen from `vcctl call`.
#[derive(Debug, Clone)]
pub struct RtcpSession {
    ssrc: u32,
    cname: String,
    clock_rate: u32,
    timing: RtcpTiming,
    next_due: Instant,
    /// Sources we receive, with the LSR and arrival of their last SR.
    sources: BTreeMap<u32, Source>,
    sent: u64,
    received: u64,
    malformed: u64,
    rtts: Vec<Duration>,
    remote_view: Option<RemoteView>,
    bye: bool,
}

#[derive(Debug, Clone)]
struct Source {
    /// `None` until its first RTP packet (its SR can come first).
    stats: Option<ReceptionStats>,
    last_sr: Option<(u32, Instant)>,
    /// Packets since the last report we sent.
    fresh: bool,
    last_heard: Instant,
}

/// Counters and round trips of a session, for the call report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RtcpSummary {
    pub sent: u64,
    pub received: u64,
    /// Datagrams on the RTCP socket that were not valid RTCP.
    pub malformed: u64,
    /// Round trips (ms) from the far end's report blocks on our stream, in arrival order.
    pub rtt_ms: Vec<f64>,
    pub rtt_min_ms: Option<f64>,
    pub rtt_median_ms: Option<f64>,
    pub rtt_max_ms: Option<f64>,
    /// The far end's last view of our stream.
    pub remote_view: Option<RemoteView>,
    /// The far end said BYE in RTCP.
    pub bye: bool,
}

impl RtcpSession {
    /// `start` is when media starts; `ssrc` must be the SSRC of our RTP (peers such as
    /// Asterisk drop reports from any other).
    pub fn new(
        ssrc: u32,
        cname: &str,
        clock_rate: u32,
        timing: RtcpTiming,
        start: Instant,
    ) -> Self {
        RtcpSession {
            ssrc,
            cname: cname.to_string(),
            clock_rate,
            timing,
            next_due: start + timing.first,
            sources: BTreeMap::new(),
            sent: 0,
            received: 0,
            malformed: 0,
            rtts: Vec::new(),
            remote_view: None,
            bye: false,
        }
    }

    /// When the next report is due.
    pub fn next_due(&self) -> Instant {
        self.next_due
    }

    /// An RTP packet received at `arrival` (timestamp units of the same clock for all).
    pub fn on_rtp(&mut self, now: Instant, ssrc: u32, seq: u16, rtp_ts: u32, arrival: u32) {
        let s = self.sources.entry(ssrc).or_insert_with(|| Source {
            stats: None,
            last_sr: None,
            fresh: true,
            last_heard: now,
        });
        s.stats
            .get_or_insert_with(|| ReceptionStats::new(ssrc, seq))
            .on_packet(seq, rtp_ts, arrival);
        s.fresh = true;
        s.last_heard = now;
    }

    /// An RTCP datagram that arrived at `now` (`ntp`: the same instant on the clock that
    /// stamps our sender reports).
    pub fn on_rtcp(&mut self, now: Instant, ntp: Ntp, bytes: &[u8]) -> Result<(), RtcpError> {
        let packets = match parse_compound(bytes) {
            Ok(p) => p,
            Err(e) => {
                self.malformed += 1;
                return Err(e);
            }
        };
        self.received += 1;
        for p in packets {
            let reports = match p {
                RtcpPacket::SenderReport {
                    ssrc,
                    info,
                    reports,
                } => {
                    // (An SR before any of its RTP is remembered for the first block.)
                    self.sources
                        .entry(ssrc)
                        .or_insert_with(|| Source {
                            stats: None,
                            last_sr: None,
                            fresh: false,
                            last_heard: now,
                        })
                        .last_sr = Some((info.ntp.middle32(), now));
                    reports
                }
                RtcpPacket::ReceiverReport { reports, .. } => reports,
                RtcpPacket::Bye { .. } => {
                    self.bye = true;
                    continue;
                }
                _ => continue,
            };
            for b in reports.iter().filter(|b| b.ssrc == self.ssrc) {
                if let Some(rtt) = round_trip(ntp, b.lsr, b.dlsr) {
                    self.rtts.push(rtt);
                }
                self.remote_view = Some(RemoteView {
                    fraction_lost: b.fraction_lost as f64 / 256.0,
                    cumulative_lost: b.cumulative_lost,
                    jitter_ms: b.jitter as f64 * 1000.0 / self.clock_rate as f64,
                });
            }
        }
        Ok(())
    }

    /// The report due at `now`: an SR when we have sent RTP (`sender`), else an RR, with a
    /// block per source heard since the last report (the most recently heard first), then
    /// SDES CNAME. Schedules the next one.
    pub fn report(&mut self, now: Instant, sender: Option<SenderInfo>) -> Vec<u8> {
        let mut fresh: Vec<&mut Source> = self
            .sources
            .values_mut()
            .filter(|s| s.fresh && s.stats.is_some())
            .collect();
        fresh.sort_by_key(|s| std::cmp::Reverse(s.last_heard));
        let reports: Vec<ReportBlock> = fresh
            .into_iter()
            .take(31)
            .filter_map(|s| {
                s.fresh = false;
                let (lsr, dlsr) = match s.last_sr {
                    Some((lsr, at)) => (lsr, to_short(now.saturating_duration_since(at))),
                    None => (0, 0),
                };
                Some(s.stats.as_mut()?.report_block(lsr, dlsr))
            })
            .collect();
        let first = match sender {
            Some(info) => RtcpPacket::SenderReport {
                ssrc: self.ssrc,
                info,
                reports,
            },
            None => RtcpPacket::ReceiverReport {
                ssrc: self.ssrc,
                reports,
            },
        };
        let sdes = RtcpPacket::Sdes(vec![SdesChunk {
            ssrc: self.ssrc,
            items: vec![(SDES_CNAME, self.cname.clone())],
        }]);
        self.sent += 1;
        // Keep the grid; after a long stall, continue from now.
        self.next_due += self.timing.interval;
        if self.next_due <= now {
            self.next_due = now + self.timing.interval;
        }
        encode_compound(&[first, sdes])
    }

    /// The closing report: SR/RR, SDES and BYE.
    pub fn goodbye(&mut self, now: Instant, sender: Option<SenderInfo>) -> Vec<u8> {
        let mut b = self.report(now, sender);
        RtcpPacket::Bye {
            ssrcs: vec![self.ssrc],
            reason: None,
        }
        .encode(&mut b);
        b
    }

    pub fn summary(&self) -> RtcpSummary {
        let ms: Vec<f64> = self.rtts.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        let mut sorted = ms.clone();
        sorted.sort_by(f64::total_cmp);
        // The median is p50, nearest rank, like every percentile vcctl reports.
        let median =
            (!sorted.is_empty()).then(|| crate::analysis::stats::percentile_sorted(&sorted, 50.0));
        RtcpSummary {
            sent: self.sent,
            received: self.received,
            malformed: self.malformed,
            rtt_min_ms: sorted.first().copied(),
            rtt_median_ms: median,
            rtt_max_ms: sorted.last().copied(),
            rtt_ms: ms,
            remote_view: self.remote_view,
            bye: self.bye,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SR built by hand: SSRC 0x01020304, NTP 0xE1A2B3C4.80000000, RTP ts 160,
    /// 50 packets, 8000 octets, one block about 0x0A0B0C0D (fraction 0x40, lost 3,
    /// highest 0x00010005, jitter 12, LSR 0x11223344, DLSR 0x00008000).
    const SR: [u8; 52] = [
        0x81, 200, 0x00, 0x0c, // V=2, RC=1, SR, length 12 words
        0x01, 0x02, 0x03, 0x04, // SSRC
        0xE1, 0xA2, 0xB3, 0xC4, 0x80, 0x00, 0x00, 0x00, // NTP
        0x00, 0x00, 0x00, 0xa0, // RTP timestamp 160
        0x00, 0x00, 0x00, 0x32, // packets 50
        0x00, 0x00, 0x1f, 0x40, // octets 8000
        0x0a, 0x0b, 0x0c, 0x0d, // block: SSRC
        0x40, 0x00, 0x00, 0x03, // fraction 64/256, lost 3
        0x00, 0x01, 0x00, 0x05, // highest
        0x00, 0x00, 0x00, 0x0c, // jitter
        0x11, 0x22, 0x33, 0x44, // LSR
        0x00, 0x00, 0x80, 0x00, // DLSR 0.5 s
    ];

    /// SDES with one chunk: SSRC 0x01020304, CNAME "ab" (2+2 bytes, null, pad to 12).
    const SDES: [u8; 16] = [
        0x81, 202, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04, 0x01, 0x02, b'a', b'b', 0x00, 0x00, 0x00,
        0x00,
    ];

    /// Mutated reports (bytes flipped, cut short) give an error or packets that encode into
    /// bytes that parse back to the same packets; never a panic. (The fuzz target `rtp`
    /// checks the same on arbitrary input.)
    #[test]
    fn mutated_reports_parse_or_fail_and_what_parses_round_trips() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut parsed = 0;
        for _ in 0..20_000 {
            let mut b = SR.to_vec();
            for _ in 0..(next() % 4) {
                let i = (next() as usize) % b.len();
                b[i] ^= 1 << (next() % 8);
            }
            if next() % 4 == 0 {
                b.truncate((next() as usize) % (b.len() + 1));
            }
            if let Ok(p) = parse_compound(&b) {
                parsed += 1;
                assert_eq!(
                    parse_compound(&encode_compound(&p)).as_ref(),
                    Ok(&p),
                    "{b:02x?}"
                );
            }
        }
        assert!(parsed > 1000, "only {parsed} mutations parsed");
    }

    fn sr_packet() -> RtcpPacket {
        RtcpPacket::SenderReport {
            ssrc: 0x0102_0304,
            info: SenderInfo {
                ntp: Ntp(0xE1A2_B3C4_8000_0000),
                rtp_timestamp: 160,
                packet_count: 50,
                octet_count: 8000,
            },
            reports: vec![ReportBlock {
                ssrc: 0x0a0b_0c0d,
                fraction_lost: 0x40,
                cumulative_lost: 3,
                highest_seq: 0x0001_0005,
                jitter: 12,
                lsr: 0x1122_3344,
                dlsr: 0x8000,
            }],
        }
    }

    #[test]
    fn sender_report_and_sdes_match_hand_built_bytes() {
        let sdes = RtcpPacket::Sdes(vec![SdesChunk {
            ssrc: 0x0102_0304,
            items: vec![(SDES_CNAME, "ab".into())],
        }]);
        let bytes = encode_compound(&[sr_packet(), sdes.clone()]);
        let mut want = SR.to_vec();
        want.extend_from_slice(&SDES);
        assert_eq!(bytes, want);
        assert_eq!(parse_compound(&want).unwrap(), vec![sr_packet(), sdes]);
    }

    #[test]
    fn receiver_report_and_bye_match_hand_built_bytes() {
        let rr = RtcpPacket::ReceiverReport {
            ssrc: 7,
            reports: vec![],
        };
        let bye = RtcpPacket::Bye {
            ssrcs: vec![7],
            reason: Some("bye".into()),
        };
        let bytes = encode_compound(&[rr.clone(), bye.clone()]);
        let want = [
            0x80, 201, 0x00, 0x01, 0, 0, 0, 7, // RR, RC=0
            0x81, 203, 0x00, 0x02, 0, 0, 0, 7, 3, b'b', b'y', b'e', // BYE with a reason
        ];
        assert_eq!(bytes, want);
        assert_eq!(parse_compound(&want).unwrap(), vec![rr, bye]);
    }

    #[test]
    fn negative_cumulative_loss_is_sign_extended() {
        let b = ReportBlock {
            ssrc: 1,
            fraction_lost: 0,
            cumulative_lost: -2,
            highest_seq: 0,
            jitter: 0,
            lsr: 0,
            dlsr: 0,
        };
        let mut out = Vec::new();
        b.encode(&mut out);
        assert_eq!(&out[4..8], &[0x00, 0xff, 0xff, 0xfe]);
        assert_eq!(ReportBlock::decode(&out), b);
    }

    #[test]
    fn malformed_datagrams_are_refused() {
        assert_eq!(parse_compound(&[0x80, 200]), Err(RtcpError::TooShort));
        let mut v1 = SR;
        v1[0] = 0x41;
        assert_eq!(parse_compound(&v1), Err(RtcpError::Version(1)));
        // Length beyond the datagram.
        assert!(matches!(
            parse_compound(&SR[..48]),
            Err(RtcpError::Length { pt: 200, .. })
        ));
        // An RTP packet (PT 0) on the RTCP port.
        assert_eq!(
            parse_compound(&[0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0]),
            Err(RtcpError::NotRtcp(0))
        );
        // RC=2 but room for one block.
        let mut two = SR;
        two[0] = 0x82;
        assert!(matches!(
            parse_compound(&two),
            Err(RtcpError::Body { pt: 200, count: 2 })
        ));
        // Padding on the first of two packets.
        let mut padded = SR.to_vec();
        padded[0] |= 0x20;
        padded.extend_from_slice(&SDES);
        assert_eq!(parse_compound(&padded), Err(RtcpError::Padding));
    }

    #[test]
    fn padding_on_the_last_packet_is_removed() {
        // RR with RC=0 and 4 bytes of padding (last byte = 4).
        let b = [0xa0, 201, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 4];
        assert_eq!(
            parse_compound(&b).unwrap(),
            vec![RtcpPacket::ReceiverReport {
                ssrc: 9,
                reports: vec![]
            }]
        );
    }

    #[test]
    fn unknown_packet_types_are_kept() {
        // APP (204), subtype 1, name "TEST".
        let b = [0x81, 204, 0x00, 0x02, 0, 0, 0, 5, b'T', b'E', b'S', b'T'];
        let p = parse_compound(&b).unwrap();
        assert_eq!(
            p,
            vec![RtcpPacket::Other {
                pt: 204,
                count: 1,
                body: vec![0, 0, 0, 5, b'T', b'E', b'S', b'T']
            }]
        );
        assert_eq!(encode_compound(&p), b);
    }

    #[test]
    fn ntp_and_short_units() {
        // 1970-01-01 + 1.5 s.
        let n = Ntp::from_unix(Duration::from_millis(1500));
        assert_eq!(n.0 >> 32, 2_208_988_801);
        assert_eq!(n.0 as u32, 0x8000_0000);
        assert_eq!(
            n.middle32(),
            ((2_208_988_801u64 & 0xffff) << 16) as u32 | 0x8000
        );
        assert_eq!(to_short(Duration::from_millis(500)), 0x8000);
        assert_eq!(to_short(Duration::from_secs(1)), 0x1_0000);
        assert_eq!(to_short(Duration::from_secs(1 << 20)), u32::MAX);
    }

    #[test]
    fn round_trip_is_arrival_minus_lsr_minus_dlsr() {
        // RFC 3550 figure 2: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125),
        // DLSR = 0x0005:4000 (5.250 s): RTT = 6.125 s.
        let arrival = Ntp(0x0000_b710_8000_0000);
        let rtt = round_trip(arrival, 0xb705_2000, 0x0005_4000).unwrap();
        assert_eq!(rtt, Duration::from_secs_f64(6.125));
        // No SR seen by the reporter yet.
        assert_eq!(round_trip(arrival, 0, 0), None);
        // A report claiming a longer hold than has passed since our SR.
        assert_eq!(round_trip(arrival, 0xb705_2000, 0x0010_0000), None);
        // Across the 16-bit seconds wrap of the middle 32 bits.
        let arrival = Ntp(0x0001_0000_1000_0000); // middle32 = 0x0000_1000
        let rtt = round_trip(arrival, 0xffff_f000, 0x0000_1000).unwrap();
        assert_eq!(rtt, Duration::from_secs_f64(0x1000 as f64 / 65536.0));
    }

    #[test]
    fn reception_statistics_count_loss_wrap_and_jitter() {
        let mut s = ReceptionStats::new(42, 65533);
        // 65533, 65534, (65535 lost), 0, 1 ... 4: sequence wraps once.
        for (i, seq) in [65533u16, 65534, 0, 1, 2, 3, 4].iter().enumerate() {
            let ts = seq.wrapping_sub(65533) as u32 * 160;
            // Arrivals on time except the sixth (seq 3), 8 samples late.
            let late = if i == 5 { 8 } else { 0 };
            s.on_packet(*seq, ts, ts.wrapping_add(1000 + late));
        }
        assert_eq!(s.extended_max(), 65536 + 4);
        assert_eq!(s.expected(), 8);
        assert_eq!(s.received(), 7);
        let b = s.report_block(0x1234_5678, 0x100);
        assert_eq!(b.cumulative_lost, 1);
        assert_eq!(b.fraction_lost, 32); // 1/8 of 256
        assert_eq!(b.highest_seq, 0x0001_0004);
        assert_eq!((b.lsr, b.dlsr), (0x1234_5678, 0x100));
        // Jitter: |D| = 8 then 8 again: 8/16 + (8 - 0.5)/16 = 0.96875.
        assert!((s.jitter() - 0.96875).abs() < 1e-9, "{}", s.jitter());
        assert_eq!(b.jitter, 0);
        // Next interval: nothing lost.
        s.on_packet(5, 8 * 160, 8 * 160 + 1000);
        assert_eq!(s.report_block(0, 0).fraction_lost, 0);
        // A duplicate counts as received: cumulative loss can go negative.
        s.on_packet(5, 8 * 160, 8 * 160 + 1000);
        s.on_packet(5, 8 * 160, 8 * 160 + 1000);
        assert_eq!(s.report_block(0, 0).cumulative_lost, -1);
    }

    #[test]
    fn a_restarted_source_is_accepted_after_two_sequential_packets() {
        let mut s = ReceptionStats::new(1, 100);
        s.on_packet(100, 0, 0);
        s.on_packet(20000, 0, 0);
        assert_eq!(s.received(), 1, "one far jump is ignored");
        s.on_packet(20001, 160, 160);
        assert_eq!((s.received(), s.expected()), (1, 1));
    }

    #[test]
    fn session_answers_the_peer_sr_and_measures_our_round_trip() {
        let t0 = Instant::now();
        let ours = 0x1111_1111;
        let theirs = 0x2222_2222;
        let mut s = RtcpSession::new(ours, "vcctl@test", 8000, RtcpTiming::default(), t0);
        assert_eq!(s.next_due(), t0 + Duration::from_millis(500));
        for i in 0..10u16 {
            s.on_rtp(t0, theirs, 1000 + i, i as u32 * 160, i as u32 * 160);
        }
        // Their SR arrives at t0 + 100 ms.
        let their_ntp = Ntp(0x0000_0100_4000_0000);
        let sr = encode_compound(&[RtcpPacket::SenderReport {
            ssrc: theirs,
            info: SenderInfo {
                ntp: their_ntp,
                rtp_timestamp: 0,
                packet_count: 10,
                octet_count: 1600,
            },
            reports: vec![],
        }]);
        s.on_rtcp(t0 + Duration::from_millis(100), Ntp(5 << 32), &sr)
            .unwrap();
        // Our report at t0 + 500 ms: SR with a block on their stream, LSR = middle of their
        // NTP, DLSR = 400 ms; then SDES CNAME.
        let our_ntp = Ntp(0x0000_0200_0000_0000);
        let info = SenderInfo {
            ntp: our_ntp,
            rtp_timestamp: 4000,
            packet_count: 25,
            octet_count: 4000,
        };
        let bytes = s.report(t0 + Duration::from_millis(500), Some(info));
        let p = parse_compound(&bytes).unwrap();
        let RtcpPacket::SenderReport { ssrc, reports, .. } = &p[0] else {
            panic!("{p:?}")
        };
        assert_eq!(*ssrc, ours);
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].ssrc, theirs);
        assert_eq!(reports[0].lsr, their_ntp.middle32());
        assert_eq!(reports[0].dlsr, to_short(Duration::from_millis(400)));
        assert_eq!(reports[0].highest_seq, 1009);
        assert_eq!(
            p[1],
            RtcpPacket::Sdes(vec![SdesChunk {
                ssrc: ours,
                items: vec![(SDES_CNAME, "vcctl@test".into())]
            }])
        );
        assert_eq!(s.next_due(), t0 + Duration::from_millis(1500));
        // Their RR on our stream: our SR's middle bits, held 10 ms; arriving 30 ms after our
        // SR left: RTT 20 ms.
        let rr = encode_compound(&[RtcpPacket::ReceiverReport {
            ssrc: theirs,
            reports: vec![ReportBlock {
                ssrc: ours,
                fraction_lost: 0,
                cumulative_lost: 0,
                highest_seq: 25,
                jitter: 16,
                lsr: our_ntp.middle32(),
                dlsr: to_short(Duration::from_millis(10)),
            }],
        }]);
        let arrival = Ntp(our_ntp.0 + (((30u64 << 32) / 1000) & !0xffff));
        s.on_rtcp(t0 + Duration::from_millis(530), arrival, &rr)
            .unwrap();
        let sum = s.summary();
        assert_eq!((sum.sent, sum.received, sum.malformed), (1, 2, 0));
        assert_eq!(sum.rtt_ms.len(), 1);
        assert!((sum.rtt_ms[0] - 20.0).abs() < 0.05, "{:?}", sum.rtt_ms);
        assert_eq!(sum.rtt_median_ms, Some(sum.rtt_ms[0]));
        let view = sum.remote_view.unwrap();
        assert_eq!(view.jitter_ms, 2.0);
        // Nothing new from them: the next report has no block; without RTP sent it is an RR.
        let bytes = s.report(t0 + Duration::from_millis(1500), None);
        assert_eq!(
            parse_compound(&bytes).unwrap()[0],
            RtcpPacket::ReceiverReport {
                ssrc: ours,
                reports: vec![]
            }
        );
        // Garbage is counted, not fatal.
        assert!(s.on_rtcp(t0, arrival, b"xx").is_err());
        assert_eq!(s.summary().malformed, 1);
        // The closing report ends with BYE.
        let bye = s.goodbye(t0 + Duration::from_secs(2), None);
        assert!(matches!(
            parse_compound(&bye).unwrap().last(),
            Some(RtcpPacket::Bye { ssrcs, .. }) if ssrcs == &[ours]
        ));
    }
}
