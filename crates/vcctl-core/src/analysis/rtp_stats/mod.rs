//! Offline capture analysis: per-stream RTP statistics computed exactly the way
//! Wireshark's RTP stream analysis computes them (so `vcctl rtp-stats` agrees with
//! `tshark -q -z rtp,streams`), a capture-level [`CaptureAnalyzer`] that finds the RTP
//! streams (from SIP/SDP in the same capture, else a conservative heuristic) and flags
//! problems in words, and a SIP ladder builder ([`sip_flows`]). Pure: frames and their
//! timestamps come in as data.
//!
//! # Wireshark compatibility (checked against tshark 4.0)
//! Per stream `(src, dst, SSRC)` the numbers follow `rtppacket_analyse()` in Wireshark's
//! `ui/tap-rtp-analysis.c` and `rtpstream_info_calculate()` in `ui/tap-rtp-common.c`:
//! - arrival times are milliseconds as `f64`; a packet is "in time sequence" when its RTP
//!   timestamp is within 2^31 after the stream's first timestamp;
//! - `expected = (last seq + 65536 * cycles) - first seq + 1`, where "last" is the sequence
//!   number of the last packet *received* (not the highest) and cycles count wraps;
//!   `lost = expected - received`, negative when duplicates outnumber losses;
//! - "sequence errors" count packets whose sequence number is not previous + 1 (a jump
//!   forward or a late/duplicate packet);
//! - jitter is RFC 3550 section 6.4.1 in milliseconds: `D = |arrival - (previous arrival +
//!   (ts - previous ts) / (clock / 1000))|` (clock/1000 in integer arithmetic, as Wireshark
//!   does), `J += (D - J) / 16`; the clock is the static payload type's or, for dynamic
//!   types, the SDP rtpmap's; unknown clock or telephone-event means no jitter;
//! - max delta, max/mean jitter include only "regular" packets: not the first, no marker
//!   bit, not comfort noise or just after it, not before the first timestamp;
//!   means divide by the packet count so far, as Wireshark does.
//!
//! Extra numbers Wireshark does not have: duplicates (a sequence number seen before) and
//! out-of-order packets (older than the highest seen, first time).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use crate::analysis::mos::{Codec, MosEstimate, StreamQuality};
use crate::capture::net::{self, Decoded, LinkType, Record, UdpDatagram};
use crate::media::rtp::{looks_like_rtp, Pt, RtpPacket};
use crate::sip::message::{self as sip, Direction, RtpMap, Sdp, SipMessage};

// The per-packet maps (flows, SSRCs, sequence bitmaps, sizes, steps) use rustc's
// multiply-rotate hash: keys come from the capture, and an adversarial capture can at worst
// make one analysis slower; SipHash's protection is not worth a third of the run time.
use rustc_hash::FxHashMap;

mod call_sdp;
mod clock;
mod ladder;
mod render;
mod stream;
#[cfg(test)]
mod tests;

use call_sdp::*;
pub use clock::*;
pub use ladder::*;
pub use stream::*;

// ---------------------------------------------------------------------------------------
// Capture-level analysis
// ---------------------------------------------------------------------------------------

/// Tunables of [`CaptureAnalyzer`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisOptions {
    /// Arrival gaps longer than this are problems (default 60 ms).
    pub gap_threshold_ms: f64,
    /// Packetization the stack expects (default 20 ms).
    pub expected_ptime_ms: f64,
    /// Packets of one SSRC a UDP flow needs before the heuristic calls it RTP (default 10).
    pub min_heuristic_packets: usize,
    /// Look for RTP on flows no SDP announced (default true).
    pub heuristic: bool,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            gap_threshold_ms: 60.0,
            expected_ptime_ms: 20.0,
            min_heuristic_packets: 10,
            heuristic: true,
        }
    }
}

/// Counts of what the capture held.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaptureSummary {
    pub frames: u64,
    /// First and last frame time, seconds since the Unix epoch.
    pub first_s: Option<f64>,
    pub last_s: Option<f64>,
    pub udp_datagrams: u64,
    pub tcp_segments: u64,
    pub sip_messages: u64,
    pub rtp_packets: u64,
    pub non_first_fragments: u64,
    /// Frames shorter on file than on the wire (snap length).
    pub truncated_frames: u64,
    pub other_frames: u64,
    pub undecodable_frames: u64,
    /// Link types seen that could not be decoded.
    pub unsupported_linktypes: Vec<u32>,
}

/// How a stream was recognised as RTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detection {
    /// An SDP in the capture announced one of its endpoints.
    Sdp,
    /// No SDP: the flow looked like RTP (version 2, steady SSRC, rising sequence).
    Heuristic,
}

/// One RTP stream: `(src, dst, SSRC)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamReport {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub ssrc: u32,
    /// SSRC as Wireshark prints it, `0x1234ABCD`.
    pub ssrc_hex: String,
    /// Payload type of the first packet.
    pub payload_type: u8,
    pub codec: String,
    pub detection: Detection,
    pub call_id: Option<String>,
    /// Start relative to the first frame of the capture, seconds.
    pub start_rel_s: f64,
    #[serde(flatten)]
    pub stats: StreamStats,
    /// The E-model's estimate for a listener at `dst` ([`crate::analysis::mos`]): from the
    /// codec, the loss and its burst ratio, the mean jitter (a jitter buffer of twice that)
    /// and the packet time; a capture has no one-way delay, so the network's share of it is
    /// taken as 0. `None` for codecs without E-model figures (anything but G.711 and L16).
    pub mos: Option<MosEstimate>,
}

/// The MOS estimate of a stream received with `stats` (see [`StreamReport::mos`]).
pub fn stream_mos(codec: &str, payload_type: u8, stats: &StreamStats) -> Option<MosEstimate> {
    let codec = Codec::from_name(codec).or_else(|| Codec::from_payload_type(payload_type))?;
    Some(
        StreamQuality {
            codec,
            loss_percent: stats.loss_percent,
            jitter_ms: stats.mean_jitter_ms,
            ptime_ms: stats.ptime_ms,
            one_way_delay_ms: None,
            burst_ratio: stats.burst_ratio,
        }
        .estimate(),
    )
}

/// What kind of problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    OneWayAudio,
    NoMedia,
    Loss,
    Gap,
    SsrcChange,
    TimestampJump,
    Packetization,
    SequenceErrors,
}

/// A problem, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// Index into `CaptureReport::streams`, when about one stream.
    pub stream: Option<usize>,
    pub call_id: Option<String>,
    pub message: String,
}

/// An SDP media endpoint seen in a call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaEndpoint {
    /// Where that side asked to receive RTP.
    pub addr: SocketAddr,
    pub codecs: Vec<String>,
    pub direction: Direction,
    /// The SIP message carrying it ("INVITE", "200 OK").
    pub in_message: String,
    /// Sender of that SIP message.
    pub sip_src: SocketAddr,
    /// Whether the caller (the first INVITE's sender) advertised it.
    pub caller_side: bool,
}

/// The media view of one SIP call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SipCallMedia {
    pub call_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub endpoints: Vec<MediaEndpoint>,
    /// Indices into `CaptureReport::streams`.
    pub streams: Vec<usize>,
}

/// Everything `vcctl rtp-stats` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaptureReport {
    pub capture: CaptureSummary,
    pub options: AnalysisOptions,
    pub streams: Vec<StreamReport>,
    pub calls: Vec<SipCallMedia>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FlowKey {
    src: SocketAddr,
    dst: SocketAddr,
}

impl std::hash::Hash for FlowKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match (self.src, self.dst) {
            // The common case in two words instead of a dozen hasher calls.
            (SocketAddr::V4(s), SocketAddr::V4(d)) => {
                h.write_u64(((u32::from(*s.ip()) as u64) << 32) | u32::from(*d.ip()) as u64);
                h.write_u32(((s.port() as u32) << 16) | d.port() as u32);
            }
            (s, d) => {
                s.hash(h);
                d.hash(h);
            }
        }
    }
}

/// One UDP flow `(src, dst)` outside SIP.
#[derive(Debug)]
struct Flow {
    key: FlowKey,
    datagrams: u64,
    /// Datagrams that parsed as RTP.
    rtp: u64,
    /// Its streams (indices into `CaptureAnalyzer::streams`), one per SSRC, in order of
    /// appearance.
    streams: Vec<usize>,
    /// The stream of the last RTP packet.
    last: usize,
}

/// Flows with more SSRCs than this find theirs through `CaptureAnalyzer::by_ssrc`.
const FEW_SSRCS: usize = 8;

/// The packets of one `(src, dst, SSRC)` seen so far.
#[derive(Debug)]
enum Seen {
    /// A single packet (most SSRCs of a flow that is not RTP never get a second one).
    One(Duration, RtpObs),
    Many(Box<StreamAnalyzer>),
}

/// A candidate stream: one SSRC of a flow.
#[derive(Debug)]
struct Tracked {
    flow: usize,
    ssrc: u32,
    /// Frame of its first packet.
    first_frame: u64,
    first_ts: Duration,
    first_pt: u8,
    seen: Seen,
    /// `CaptureAnalyzer::sdp_epoch` when the analyzer's payload map was set.
    map_epoch: u64,
    /// The stream analysed again from its first packet, on a second pass.
    replay: Option<Box<StreamAnalyzer>>,
}

impl Tracked {
    fn packets(&self) -> u64 {
        match &self.seen {
            Seen::One(..) => 1,
            Seen::Many(a) => a.packets(),
        }
    }
}

/// A SIP message seen in the capture.
#[derive(Debug, Clone)]
struct SipSeen {
    ts: Duration,
    src: SocketAddr,
    dst: SocketAddr,
    msg: SipMessage,
    /// Hash of the raw bytes, for retransmission detection.
    digest: u64,
}

/// A stream the analysis reports, decided after the first pass.
#[derive(Debug)]
struct Accepted {
    stream: usize,
    detection: Detection,
    call: Option<usize>,
    map: PayloadMap,
}

/// What the end of the first pass decided.
#[derive(Debug)]
struct Decision {
    calls_sdp: Vec<CallSdp>,
    accepted: Vec<Accepted>,
    /// Some accepted stream is analysed again on a second pass.
    replay: bool,
}

/// Streaming capture analyzer: push frames in file order, then [`finish`](Self::finish).
///
/// Each candidate stream (an SSRC of a UDP flow) is analysed as its packets arrive; no
/// packet is kept. Whether a flow is RTP (an SDP in the capture announced one of its ends,
/// or the heuristic) is decided at the end. Rarely, exact figures need a second look at a
/// stream's packets: call [`needs_replay`](Self::needs_replay) after the last frame and,
/// when it says so, feed every frame again with [`replay_frame`](Self::replay_frame).
#[derive(Debug)]
pub struct CaptureAnalyzer {
    opts: AnalysisOptions,
    summary: CaptureSummary,
    first_ts: Option<Duration>,
    flows: FxHashMap<FlowKey, usize>,
    flow_list: Vec<Flow>,
    streams: Vec<Tracked>,
    /// (flow, SSRC) -> stream, for flows with many SSRCs.
    by_ssrc: FxHashMap<(usize, u32), usize>,
    sip: Vec<SipSeen>,
    /// rtpmaps announced so far per SDP media endpoint, and a counter bumped at each SDP.
    sdp_maps: FxHashMap<SocketAddr, PayloadMap>,
    sdp_epoch: u64,
    /// False for SIP ladders only.
    rtp: bool,
    decision: Option<Decision>,
}

fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// The audio endpoints an SDP announces, with their rtpmaps (what `collect_sdp` reads).
fn sdp_audio(sdp: &Sdp) -> impl Iterator<Item = (SocketAddr, &[RtpMap])> {
    sdp.media
        .iter()
        .filter(|m| m.kind == "audio" && m.port != 0)
        .filter_map(move |m| Some((m.endpoint(sdp)?, m.rtpmaps.as_slice())))
}

impl CaptureAnalyzer {
    pub fn new(opts: AnalysisOptions) -> Self {
        CaptureAnalyzer {
            opts,
            summary: CaptureSummary::default(),
            first_ts: None,
            flows: FxHashMap::default(),
            flow_list: Vec::new(),
            streams: Vec::new(),
            by_ssrc: FxHashMap::default(),
            sip: Vec::new(),
            sdp_maps: FxHashMap::default(),
            sdp_epoch: 0,
            rtp: true,
            decision: None,
        }
    }

    /// An analyzer for [`sip_flows`](Self::sip_flows) only: it skips RTP.
    pub fn sip_only() -> Self {
        CaptureAnalyzer {
            rtp: false,
            ..Self::new(AnalysisOptions::default())
        }
    }

    /// Feed one captured frame.
    pub fn push(&mut self, rec: &Record) {
        self.push_frame(rec.ts, rec.linktype, &rec.data, rec.orig_len);
    }

    /// Feed one captured frame given by its parts.
    pub fn push_frame(&mut self, ts: Duration, linktype: LinkType, data: &[u8], orig_len: u32) {
        self.summary.frames += 1;
        self.first_ts.get_or_insert(ts);
        let t = secs(ts);
        self.summary.first_s = Some(self.summary.first_s.map_or(t, |f| f.min(t)));
        self.summary.last_s = Some(self.summary.last_s.map_or(t, |l| l.max(t)));
        if (orig_len as usize) > data.len() {
            self.summary.truncated_frames += 1;
        }
        match net::decode(linktype, data) {
            Ok(Decoded::Udp(u)) => self.push_udp(ts, &u),
            Ok(Decoded::Tcp { .. }) => self.summary.tcp_segments += 1,
            Ok(Decoded::NonFirstFragment) => self.summary.non_first_fragments += 1,
            Ok(Decoded::Other) => self.summary.other_frames += 1,
            Err(net::NetError::UnsupportedLinkType(lt)) => {
                self.summary.undecodable_frames += 1;
                if !self.summary.unsupported_linktypes.contains(&lt.0) {
                    self.summary.unsupported_linktypes.push(lt.0);
                }
            }
            Err(_) => self.summary.undecodable_frames += 1,
        }
    }

    /// Feed one UDP datagram (already decoded) that arrived at `ts`.
    pub fn push_udp(&mut self, ts: Duration, u: &UdpDatagram<'_>) {
        self.summary.udp_datagrams += 1;
        let frame = self.summary.frames;
        if sip::looks_like_sip(u.payload) {
            if let Ok(msg) = SipMessage::parse(u.payload) {
                self.summary.sip_messages += 1;
                self.note_sdp(&msg);
                self.sip.push(SipSeen {
                    ts,
                    src: u.src,
                    dst: u.dst,
                    msg,
                    digest: fnv1a(u.payload),
                });
                return;
            }
        }
        if !self.rtp {
            return;
        }
        let key = FlowKey {
            src: u.src,
            dst: u.dst,
        };
        let fi = match self.flows.get(&key) {
            Some(&i) => i,
            None => {
                self.flow_list.push(Flow {
                    key,
                    datagrams: 0,
                    rtp: 0,
                    streams: Vec::new(),
                    last: usize::MAX,
                });
                self.flows.insert(key, self.flow_list.len() - 1);
                self.flow_list.len() - 1
            }
        };
        let flow = &mut self.flow_list[fi];
        flow.datagrams += 1;
        if !looks_like_rtp(u.payload) {
            return;
        }
        let Ok(p) = RtpPacket::parse(u.payload) else {
            return;
        };
        flow.rtp += 1;
        let obs = RtpObs::from(&p);
        let si = match self.streams.get(flow.last) {
            Some(t) if t.ssrc == obs.ssrc => Some(flow.last),
            _ if flow.streams.len() <= FEW_SSRCS => flow
                .streams
                .iter()
                .copied()
                .find(|&i| self.streams[i].ssrc == obs.ssrc),
            _ => self.by_ssrc.get(&(fi, obs.ssrc)).copied(),
        };
        let Some(si) = si else {
            let si = self.streams.len();
            self.streams.push(Tracked {
                flow: fi,
                ssrc: obs.ssrc,
                first_frame: frame,
                first_ts: ts,
                first_pt: obs.pt,
                seen: Seen::One(ts, obs),
                map_epoch: 0,
                replay: None,
            });
            flow.streams.push(si);
            flow.last = si;
            self.by_ssrc.insert((fi, obs.ssrc), si);
            return;
        };
        flow.last = si;
        let key = flow.key;
        let epoch = self.sdp_epoch;
        let t = &mut self.streams[si];
        if let Seen::One(t0, o0) = t.seen {
            // The second packet: from here on a full analysis.
            let mut a = StreamAnalyzer::streaming(
                flow_map(&self.sdp_maps, &key),
                self.opts.gap_threshold_ms,
            );
            a.push_obs(t0, &o0);
            t.seen = Seen::Many(Box::new(a));
            t.map_epoch = epoch;
        }
        let Seen::Many(a) = &mut t.seen else {
            unreachable!("promoted above")
        };
        if obs.pt >= 96 && t.map_epoch != epoch {
            a.set_payload_map(flow_map(&self.sdp_maps, &key));
            t.map_epoch = epoch;
        }
        a.push_obs(ts, &obs);
    }

    /// Learn the rtpmaps of an SDP as it passes (the final ones are worked out again at
    /// the end from every SIP message, as `collect_sdp` reads them).
    fn note_sdp(&mut self, msg: &SipMessage) {
        if !self.rtp || msg.call_id().is_none() {
            return;
        }
        let Some(sdp) = msg.sdp() else { return };
        for (addr, maps) in sdp_audio(&sdp) {
            let entry = self.sdp_maps.entry(addr).or_default();
            for m in maps {
                entry.insert(m.pt, m.clone());
            }
            self.sdp_epoch += 1;
        }
    }

    /// SIP ladders of the calls seen so far.
    pub fn sip_flows(&self) -> SipFlowReport {
        build_flows(&self.sip, self.first_ts)
    }

    /// After the last frame: whether exact figures need every frame fed again with
    /// [`replay_frame`](Self::replay_frame) before [`finish`](Self::finish). Rare: a
    /// stream of a dynamic payload type whose SDP came after its first packets or changed
    /// its clock, or whose most common timestamp step is not the first one it showed.
    pub fn needs_replay(&mut self) -> bool {
        self.decide().replay
    }

    /// Feed a frame again, in the same order as the first time, after
    /// [`needs_replay`](Self::needs_replay) said so.
    pub fn replay_frame(&mut self, ts: Duration, linktype: LinkType, data: &[u8]) {
        let Ok(Decoded::Udp(u)) = net::decode(linktype, data) else {
            return;
        };
        if sip::looks_like_sip(u.payload) && SipMessage::parse(u.payload).is_ok() {
            return;
        }
        let Some(&fi) = self.flows.get(&FlowKey {
            src: u.src,
            dst: u.dst,
        }) else {
            return;
        };
        let flow = &self.flow_list[fi];
        if !flow
            .streams
            .iter()
            .any(|&i| self.streams[i].replay.is_some())
        {
            return;
        }
        if !looks_like_rtp(u.payload) {
            return;
        }
        let Ok(p) = RtpPacket::parse(u.payload) else {
            return;
        };
        let ssrc = p.ssrc.0;
        let found = flow
            .streams
            .iter()
            .copied()
            .find(|&i| self.streams[i].ssrc == ssrc);
        if let Some(a) = found.and_then(|i| self.streams[i].replay.as_mut()) {
            a.push(ts, &p);
        }
    }

    /// Decide (once) which flows are RTP, and which of their streams need a second pass.
    fn decide(&mut self) -> &Decision {
        if self.decision.is_none() {
            let d = self.make_decision();
            self.decision = Some(d);
        }
        self.decision.as_ref().expect("just set")
    }

    fn make_decision(&mut self) -> Decision {
        let opts = self.opts.clone();
        let calls_sdp = collect_sdp(&self.sip);
        // Endpoint -> (call index, payload map).
        let mut by_endpoint: HashMap<SocketAddr, (usize, PayloadMap)> = HashMap::new();
        for (ci, call) in calls_sdp.iter().enumerate() {
            for ep in &call.sdps {
                let entry = by_endpoint
                    .entry(ep.endpoint.addr)
                    .or_insert_with(|| (ci, PayloadMap::new()));
                entry.0 = ci;
                for m in &ep.rtpmaps {
                    entry.1.insert(m.pt, m.clone());
                }
            }
        }
        // Which flows are RTP: SDP, else the heuristic on the flow's own content, else
        // (for a short answer) the heuristic helped by the flow back being RTP.
        let looks = |t: &Tracked, min: usize| match &t.seen {
            Seen::Many(a) => looks_like_a_stream(a, min),
            Seen::One(..) => min <= 1,
        };
        let mut verdict: Vec<Option<(Detection, bool)>> = Vec::with_capacity(self.flow_list.len());
        for flow in &self.flow_list {
            let key = &flow.key;
            let v = if flow.rtp == 0 {
                None
            } else if by_endpoint.contains_key(&key.dst) || by_endpoint.contains_key(&key.src) {
                Some((Detection::Sdp, false))
            } else if opts.heuristic
                && heuristic_flow_ok(flow)
                && flow
                    .streams
                    .iter()
                    .any(|&i| looks(&self.streams[i], opts.min_heuristic_packets.max(2)))
            {
                Some((Detection::Heuristic, true))
            } else {
                None
            };
            verdict.push(v);
        }
        for fi in 0..self.flow_list.len() {
            let flow = &self.flow_list[fi];
            if verdict[fi].is_some() || !opts.heuristic || flow.rtp == 0 {
                continue;
            }
            let back = FlowKey {
                src: flow.key.dst,
                dst: flow.key.src,
            };
            let back_is_rtp = self.flows.get(&back).is_some_and(|&b| verdict[b].is_some());
            if back_is_rtp
                && heuristic_flow_ok(flow)
                && flow.streams.iter().any(|&i| looks(&self.streams[i], 2))
            {
                verdict[fi] = Some((Detection::Heuristic, true));
            }
        }

        // The streams of the RTP flows, in order of their first packet.
        let mut accepted = Vec::new();
        for (fi, flow) in self.flow_list.iter().enumerate() {
            let Some((detection, filter)) = &verdict[fi] else {
                continue;
            };
            let key = &flow.key;
            let (call, map) = match by_endpoint
                .get(&key.dst)
                .or_else(|| by_endpoint.get(&key.src))
            {
                Some((ci, _)) => {
                    // Merge both ends' maps; the receiver's declaration wins.
                    let mut map = by_endpoint
                        .get(&key.src)
                        .map(|(_, m)| m.clone())
                        .unwrap_or_default();
                    if let Some((_, m)) = by_endpoint.get(&key.dst) {
                        map.extend(m.iter().map(|(k, v)| (*k, v.clone())));
                    }
                    (Some(*ci), map)
                }
                None => (None, PayloadMap::new()),
            };
            for &si in &flow.streams {
                // Once a flow is RTP by the heuristic, keep every SSRC that itself looks
                // like a (short) stream.
                if *filter && !looks(&self.streams[si], 2) {
                    continue;
                }
                accepted.push(Accepted {
                    stream: si,
                    detection: detection.clone(),
                    call,
                    map: map.clone(),
                });
            }
        }
        accepted.sort_by_key(|a| self.streams[a.stream].first_frame);

        // Streams whose figures one pass could not settle are analysed again.
        let mut replay = false;
        for acc in &accepted {
            let t = &mut self.streams[acc.stream];
            let a = match &mut t.seen {
                Seen::One(t0, o0) => {
                    // A single packet: analysed now, with the final payload map.
                    let mut a = StreamAnalyzer::streaming(acc.map.clone(), opts.gap_threshold_ms);
                    a.push_obs(*t0, o0);
                    t.seen = Seen::Many(Box::new(a));
                    continue;
                }
                Seen::Many(a) => a,
            };
            if a.clocks_agree_with(&acc.map) && a.exact() {
                a.set_payload_map(acc.map.clone());
                continue;
            }
            let mut again = StreamAnalyzer::streaming(acc.map.clone(), opts.gap_threshold_ms);
            if let Some((pt, spp)) = a.step_hint() {
                again.steps.hint(pt, spp);
            }
            t.replay = Some(Box::new(again));
            replay = true;
        }
        Decision {
            calls_sdp,
            accepted,
            replay,
        }
    }

    /// Decide which flows are RTP, compute the statistics and the problems.
    pub fn finish(mut self) -> CaptureReport {
        let opts = self.opts.clone();
        self.decide();
        let Decision {
            calls_sdp,
            accepted,
            ..
        } = self.decision.take().expect("decided");
        let capture_start = self.first_ts.unwrap_or_default();
        let mut streams = Vec::with_capacity(accepted.len());
        let mut rtp_packets = 0;
        for acc in &accepted {
            let t = &self.streams[acc.stream];
            let a: &StreamAnalyzer = match (&t.replay, &t.seen) {
                (Some(a), _) => a,
                (None, Seen::Many(a)) => a,
                (None, Seen::One(..)) => unreachable!("promoted when deciding"),
            };
            let stats = a.stats();
            rtp_packets += t.packets();
            let flow = &self.flow_list[t.flow];
            let codec = codec_name(t.first_pt, acc.map.get(&t.first_pt));
            let mos = stream_mos(&codec, t.first_pt, &stats);
            streams.push(StreamReport {
                src: flow.key.src,
                dst: flow.key.dst,
                ssrc: t.ssrc,
                ssrc_hex: format!("0x{:08X}", t.ssrc),
                payload_type: t.first_pt,
                codec,
                detection: acc.detection.clone(),
                call_id: acc.call.map(|ci| calls_sdp[ci].call_id.clone()),
                start_rel_s: (t.first_ts.as_nanos() as i128 - capture_start.as_nanos() as i128)
                    as f64
                    / 1e9,
                stats,
                mos,
            });
        }
        let mut summary = self.summary.clone();
        summary.rtp_packets = rtp_packets;

        let mut problems = Vec::new();
        for (i, s) in streams.iter().enumerate() {
            stream_problems(i, s, &opts, &mut problems);
        }
        ssrc_change_problems(&streams, &mut problems);
        let calls = call_media(&calls_sdp, &streams, &mut problems);
        unpaired_stream_problems(&streams, &mut problems);

        CaptureReport {
            capture: summary,
            options: opts,
            streams,
            calls,
            problems,
        }
    }
}

/// The payload map of a flow from the SDPs seen so far: both ends', the receiver's winning.
fn flow_map(maps: &FxHashMap<SocketAddr, PayloadMap>, key: &FlowKey) -> PayloadMap {
    let mut map = maps.get(&key.src).cloned().unwrap_or_default();
    if let Some(m) = maps.get(&key.dst) {
        map.extend(m.iter().map(|(k, v)| (*k, v.clone())));
    }
    map
}

/// Whether a flow no SDP announced can be RTP at all: ports, and nearly every datagram
/// parsing as RTP (RTCP does not: its packet types 200-204 are refused by
/// [`looks_like_rtp`]). Port parity says nothing: RFC 3550 only recommends even RTP ports,
/// and one side's choice decides the other side's destination port.
fn heuristic_flow_ok(flow: &Flow) -> bool {
    let (sp, dp) = (flow.key.src.port(), flow.key.dst.port());
    if sp < 1024 || dp < 1024 {
        return false;
    }
    // Well-known non-RTP UDP services above 1024.
    const NOT_RTP: &[u16] = &[
        1194, 1900, 3478, 3479, 4500, 5060, 5061, 5349, 5353, 5355, 51820,
    ];
    if NOT_RTP.contains(&sp) || NOT_RTP.contains(&dp) {
        return false;
    }
    flow.rtp * 10 >= flow.datagrams * 9
}

/// Whether one SSRC's packets look like an RTP stream: at least `min` packets, mostly of
/// one plausible payload type, sequence numbers mostly rising by small steps.
fn looks_like_a_stream(a: &StreamAnalyzer, min: usize) -> bool {
    let n = a.packets();
    if n < min.max(1) as u64 {
        return false;
    }
    let plausible_pt = |pt: u8| static_clock_rate(pt) != 0 || (96..=127).contains(&pt);
    let Some(&(main_pt, main_n)) = a.pt_counts.iter().max_by_key(|(_, c)| *c) else {
        return false;
    };
    if !plausible_pt(main_pt) || main_n * 10 < n * 8 {
        return false;
    }
    a.rising * 10 >= (n - 1) * 8
}

fn fmt_ms(ms: f64) -> String {
    format!("{ms:.1} ms")
}

fn stream_label(s: &StreamReport) -> String {
    format!("{} -> {} (SSRC {})", s.src, s.dst, s.ssrc_hex)
}

fn stream_problems(i: usize, s: &StreamReport, opts: &AnalysisOptions, out: &mut Vec<Problem>) {
    let st = &s.stats;
    let label = stream_label(s);
    let mut push = |kind, message: String| {
        out.push(Problem {
            kind,
            stream: Some(i),
            call_id: s.call_id.clone(),
            message,
        })
    };
    if st.lost > 0 {
        push(
            ProblemKind::Loss,
            format!(
                "{label}: {} of {} packets lost ({:.1}%)",
                st.lost, st.expected, st.loss_percent
            ),
        );
    }
    if st.duplicates > 0 || st.out_of_order > 0 {
        push(
            ProblemKind::SequenceErrors,
            format!(
                "{label}: {} duplicate and {} out-of-order packets ({} sequence errors)",
                st.duplicates, st.out_of_order, st.sequence_errors
            ),
        );
    }
    if !st.gaps.is_empty() {
        let largest = st
            .gaps
            .iter()
            .copied()
            .fold(
                Gap { at_s: 0.0, ms: 0.0 },
                |a, g| if g.ms > a.ms { g } else { a },
            );
        push(
            ProblemKind::Gap,
            format!(
                "{label}: {} gap{} over {} in arrival, the longest {} before the packet at {:.3} s",
                st.gaps.len(),
                if st.gaps.len() == 1 { "" } else { "s" },
                fmt_ms(opts.gap_threshold_ms),
                fmt_ms(largest.ms),
                largest.at_s - st.first_arrival_s + s.start_rel_s
            ),
        );
    }
    if !st.timestamp_jumps.is_empty() {
        let j = st.timestamp_jumps[0];
        push(
            ProblemKind::TimestampJump,
            format!(
                "{label}: RTP timestamp jumped {} time{}; first at seq {}: moved {} samples where the sequence step implies {}",
                st.timestamp_jumps.len(),
                if st.timestamp_jumps.len() == 1 { "" } else { "s" },
                j.seq,
                j.actual,
                j.expected
            ),
        );
    }
    if let (Some(ptime), Some(spp)) = (st.ptime_ms, st.samples_per_packet) {
        if (ptime - opts.expected_ptime_ms).abs() > 0.5 {
            push(
                ProblemKind::Packetization,
                format!(
                    "{label}: packetization is {ptime:.1} ms ({spp} samples per packet), expected {:.0} ms",
                    opts.expected_ptime_ms
                ),
            );
        } else if let (Some(bytes), 0 | 8) = (st.payload_bytes, s.payload_type) {
            // G.711 carries one byte per sample.
            if bytes != spp {
                push(
                    ProblemKind::Packetization,
                    format!(
                        "{label}: {} payload is {bytes} bytes per packet but timestamps advance {spp} samples",
                        s.codec
                    ),
                );
            }
        }
    }
}

fn ssrc_change_problems(streams: &[StreamReport], out: &mut Vec<Problem>) {
    let mut by_flow: Vec<((SocketAddr, SocketAddr), Vec<usize>)> = Vec::new();
    for (i, s) in streams.iter().enumerate() {
        match by_flow.iter_mut().find(|(k, _)| *k == (s.src, s.dst)) {
            Some((_, v)) => v.push(i),
            None => by_flow.push(((s.src, s.dst), vec![i])),
        }
    }
    for ((src, dst), idx) in by_flow {
        for w in idx.windows(2) {
            let (a, b) = (&streams[w[0]], &streams[w[1]]);
            out.push(Problem {
                kind: ProblemKind::SsrcChange,
                stream: Some(w[1]),
                call_id: b.call_id.clone(),
                message: format!(
                    "{src} -> {dst}: SSRC changed from {} to {} at {:.3} s ({} packets before, {} after)",
                    a.ssrc_hex, b.ssrc_hex, b.start_rel_s, a.stats.packets, b.stats.packets
                ),
            });
        }
    }
}

/// Problems for streams outside any SIP call: a flow with no flow back.
fn unpaired_stream_problems(streams: &[StreamReport], out: &mut Vec<Problem>) {
    let mut reported: HashSet<(SocketAddr, SocketAddr)> = HashSet::new();
    for (i, s) in streams.iter().enumerate() {
        if s.call_id.is_some() {
            continue;
        }
        let back = streams.iter().any(|o| o.src == s.dst && o.dst == s.src);
        if !back && reported.insert((s.src, s.dst)) {
            out.push(Problem {
                kind: ProblemKind::OneWayAudio,
                stream: Some(i),
                call_id: None,
                message: format!(
                    "one-way audio: RTP flows {} -> {} but nothing comes back from {} to {}",
                    s.src, s.dst, s.dst, s.src
                ),
            });
        }
    }
}

/// Analyse the RTP streams of a capture. `open` gives its frames from the start; it is
/// called again in the rare case where exact figures need a second pass (see
/// [`CaptureAnalyzer::needs_replay`]). The first read error stops the analysis and is
/// returned as is; malformed frames inside a readable capture are only counted.
pub fn analyze_capture<I, E>(
    mut open: impl FnMut() -> I,
    opts: &AnalysisOptions,
) -> Result<CaptureReport, E>
where
    I: IntoIterator<Item = Result<Record, E>>,
{
    let mut a = CaptureAnalyzer::new(opts.clone());
    for r in open() {
        a.push(&r?);
    }
    if a.needs_replay() {
        for r in open() {
            let r = r?;
            a.replay_frame(r.ts, r.linktype, &r.data);
        }
    }
    Ok(a.finish())
}
