//! The media of one outgoing test call (`vcctl call`, and each call of `vcctl load`), sans-IO:
//! paced 20 ms G.711 frames of a tone, samples or silence with round-trip markers written in,
//! RTCP reports, and what is received (RTP statistics, the far end's audio on the sending
//! clock, markers found in it).
//!
//! The adapter asks [`CallerMedia::next_rtp_due`] / [`CallerMedia::rtcp_due`] when to wake,
//! then [`CallerMedia::poll_rtp`] for the frames due (handed to a closure that sends them)
//! and [`CallerMedia::rtcp`] for a report; it feeds [`CallerMedia::on_rtp`] and
//! [`CallerMedia::on_rtcp`] with what arrives. Time, the wall clock at the answer and the
//! random stream identifiers are parameters.
//!
//! Two ways to receive ([`Reception`]): `Full` keeps a Wireshark-style analysis per SSRC and
//! every received sample (for one call's report and `--record`); `Light` keeps RFC 3550
//! reception statistics and searches the markers while the call runs, holding only the few
//! seconds of audio still to be searched (for hundreds of calls in one process).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::analysis::rtp_stats::{PayloadMap, StreamAnalyzer};
use crate::media::g711;
use crate::media::pacer::Pacer;
use crate::media::playout::RtpSender;
use crate::media::roundtrip::{
    MarkerPlan, MarkerTracker, RoundTripConfig, RoundTripReport, Timeline,
};
use crate::media::rtcp::{Ntp, ReceptionStats, RtcpSession, RtcpSummary, RtcpTiming, SenderInfo};
use crate::media::rtp::{Pt, RtpPacket, SeqNo, Ssrc};
use crate::media::tone::SineGen;
use crate::sip::sdp::{Negotiated, G711};

/// Sample rate of G.711.
pub const RATE: u32 = 8000;
/// Samples per 20 ms frame.
pub const FRAME: usize = 160;
/// Frame interval.
pub const PTIME: Duration = Duration::from_millis(20);

/// What to send.
#[derive(Debug, Clone)]
pub enum AudioSource {
    Silence,
    /// A sine of `hz` at `amplitude` (0.0..=1.0 of full scale).
    Tone {
        hz: f64,
        amplitude: f64,
    },
    /// 8 kHz mono samples, played once, then silence.
    Samples(Vec<i16>),
}

/// Outgoing audio generator.
pub struct Source {
    kind: AudioSource,
    sine: Option<SineGen>,
    pos: usize,
}

impl Source {
    pub fn new(kind: AudioSource) -> Self {
        let sine = match &kind {
            AudioSource::Tone { hz, amplitude } => Some(SineGen::new(*hz, RATE, *amplitude)),
            _ => None,
        };
        Source { kind, sine, pos: 0 }
    }

    pub fn fill(&mut self, out: &mut [i16]) {
        match (&self.kind, &mut self.sine) {
            (_, Some(g)) => g.fill(out),
            (AudioSource::Samples(s), _) => {
                for o in out.iter_mut() {
                    *o = s.get(self.pos).copied().unwrap_or(0);
                    self.pos += 1;
                }
            }
            _ => out.fill(0),
        }
    }
}

/// Statistics of the RTP received (the main stream by packet count). `Full` reception:
/// RFC 3550 jitter as Wireshark computes it; `Light`: the RFC 3550 estimator (mean and max
/// over the packets).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RtpReceived {
    pub packets: u64,
    pub expected: u64,
    pub lost: i64,
    pub loss_percent: f64,
    pub mean_jitter_ms: f64,
    pub max_jitter_ms: f64,
    pub max_delta_ms: f64,
    pub out_of_order: u64,
    pub duplicates: u64,
    /// Distinct SSRCs seen.
    pub streams: usize,
    /// Packets of other payload types (telephone-event, comfort noise) or unparsable.
    pub other_packets: u64,
    /// Where the packets came from (first packet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SocketAddr>,
}

/// Live reception figures of a call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LiveCounters {
    pub received: u64,
    pub expected: u64,
    /// RFC 3550 interarrival jitter now.
    pub jitter_ms: f64,
}

/// How much of the received media to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reception {
    /// Per-SSRC analysis and every received sample.
    Full,
    /// RFC 3550 counters and markers searched as the call runs.
    Light,
}

/// Random identifiers and the wall clock of one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaSeed {
    pub ssrc: u32,
    pub seq: u16,
    pub timestamp: u32,
    /// Wall clock (since the Unix epoch) at the answer: RTCP's NTP times count from it.
    pub wall: Duration,
}

/// Settings of the media of one call.
#[derive(Debug, Clone)]
pub struct MediaConfig {
    pub source: AudioSource,
    /// How long the call stays up, for placing markers; `None`: open-ended.
    pub duration: Option<Duration>,
    pub roundtrip: Option<RoundTripConfig>,
    pub reception: Reception,
    pub cname: String,
}

/// Light reception of one SSRC.
#[derive(Debug, Clone)]
struct LightStream {
    stats: ReceptionStats,
    jitter_sum: f64,
    jitter_max: f64,
    last_arrival: Option<Instant>,
    max_delta: Duration,
}

enum Rx {
    Full {
        analyzers: BTreeMap<u32, StreamAnalyzer>,
        timeline: Timeline,
        plan: Option<MarkerPlan>,
    },
    Light {
        streams: Vec<LightStream>,
        tracker: Option<MarkerTracker>,
    },
}

/// Media of an answered call.
pub struct CallerMedia {
    neg: Negotiated,
    remote: SocketAddr,
    rtcp_remote: SocketAddr,
    rtcp: RtcpSession,
    sender: RtpSender,
    pacer: Pacer,
    anchor: Instant,
    next_sample: u64,
    source: Source,
    rx: Rx,
    other_packets: u64,
    rtp_from: Option<SocketAddr>,
    wall0: Duration,
    pcm: Vec<i16>,
    scratch: Vec<i16>,
    payload: Vec<u8>,
    decoded: Vec<i16>,
}

/// Late packets the light marker search waits for past a window (100 ms).
const TRACKER_SLACK: u64 = RATE as u64 / 10;

impl CallerMedia {
    /// Media starting at `now` (the answer) towards `neg.remote`, RTCP to `rtcp_remote`.
    pub fn new(
        neg: Negotiated,
        rtcp_remote: SocketAddr,
        cfg: MediaConfig,
        seed: MediaSeed,
        now: Instant,
    ) -> Self {
        let total = cfg
            .duration
            .map(|d| (d.as_secs_f64() * RATE as f64) as u64)
            .unwrap_or(u64::MAX / 4);
        let plan = cfg.roundtrip.map(|rt| {
            MarkerPlan::new(
                RoundTripConfig { rate: RATE, ..rt },
                total.min(24 * 3600 * RATE as u64),
            )
        });
        let rx = match cfg.reception {
            Reception::Full => Rx::Full {
                analyzers: BTreeMap::new(),
                timeline: Timeline::new(RATE),
                plan,
            },
            Reception::Light => Rx::Light {
                streams: Vec::new(),
                tracker: plan.map(|p| MarkerTracker::new(p, TRACKER_SLACK)),
            },
        };
        CallerMedia {
            remote: neg.remote,
            rtcp_remote,
            rtcp: RtcpSession::new(seed.ssrc, &cfg.cname, RATE, RtcpTiming::default(), now),
            sender: RtpSender::new(
                Ssrc(seed.ssrc),
                Pt(neg.codec.pt()),
                SeqNo(seed.seq),
                seed.timestamp,
                FRAME as u32,
            ),
            neg,
            pacer: Pacer::new(now, PTIME),
            anchor: now,
            next_sample: 0,
            source: Source::new(cfg.source),
            rx,
            other_packets: 0,
            rtp_from: None,
            wall0: seed.wall,
            pcm: vec![0; FRAME],
            scratch: vec![0; FRAME],
            payload: Vec::with_capacity(FRAME),
            decoded: Vec::with_capacity(FRAME),
        }
    }

    /// The negotiated codec and the answer's media address.
    pub fn negotiated(&self) -> &Negotiated {
        &self.neg
    }

    /// Where RTP goes now.
    pub fn remote(&self) -> SocketAddr {
        self.remote
    }

    /// Where RTCP goes now.
    pub fn rtcp_remote(&self) -> SocketAddr {
        self.rtcp_remote
    }

    /// The far end moved its media (a new offer).
    pub fn set_remote(&mut self, rtp: Option<SocketAddr>, rtcp: Option<SocketAddr>) {
        if let Some(a) = rtp {
            self.remote = a;
        }
        if let Some(a) = rtcp {
            self.rtcp_remote = a;
        }
    }

    /// When the next frame is due.
    pub fn next_rtp_due(&self) -> Instant {
        self.pacer.next_deadline()
    }

    /// When the next RTCP report is due.
    pub fn rtcp_due(&self) -> Instant {
        self.rtcp.next_due()
    }

    /// RTP packets sent so far.
    pub fn rtp_sent(&self) -> u64 {
        self.sender.packets_sent()
    }

    /// Outgoing samples so far.
    pub fn samples_sent(&self) -> u64 {
        self.next_sample
    }

    /// The frames due at `now`, each handed to `send` with its destination.
    pub fn poll_rtp(&mut self, now: Instant, mut send: impl FnMut(&[u8], SocketAddr)) {
        let tick = self.pacer.on_tick(now);
        if tick.skipped > 0 {
            self.sender.skip_frames(tick.skipped);
            for _ in 0..tick.skipped.min(1000) {
                self.source.fill(&mut self.scratch);
            }
            self.next_sample += tick.skipped * FRAME as u64;
        }
        for _ in 0..tick.frames_due {
            self.source.fill(&mut self.pcm);
            let at = self.next_sample;
            let plan = match &self.rx {
                Rx::Full { plan, .. } => plan.as_ref(),
                Rx::Light { tracker, .. } => tracker.as_ref().map(|t| t.plan()),
            };
            if let Some(p) = plan {
                p.apply(at, &mut self.pcm);
            }
            self.payload.clear();
            match self.neg.codec {
                G711::Pcmu => g711::pcm_to_ulaw(&self.pcm, &mut self.payload),
                G711::Pcma => g711::pcm_to_alaw(&self.pcm, &mut self.payload),
            }
            let first = self.sender.packets_sent() == 0;
            let pkt = self.sender.packet(&self.payload, first);
            send(pkt, self.remote);
            self.next_sample += FRAME as u64;
        }
    }

    /// Our wall clock at `now` as NTP, advanced monotonically from the answer (so RTCP round
    /// trips do not jump with clock adjustments during the call).
    fn ntp(&self, now: Instant) -> Ntp {
        Ntp::from_unix(self.wall0 + now.saturating_duration_since(self.anchor))
    }

    /// Sender information for an SR at `now`, or `None` before our first RTP packet.
    fn sender_info(&self, now: Instant) -> Option<SenderInfo> {
        let packets = self.sender.packets_sent();
        if packets == 0 {
            return None;
        }
        // The RTP timestamp of "now": the next packet's, less the samples not yet due.
        let elapsed =
            (now.saturating_duration_since(self.anchor).as_secs_f64() * RATE as f64).round() as i64;
        let ahead = self.next_sample as i64 - elapsed;
        Some(SenderInfo {
            ntp: self.ntp(now),
            rtp_timestamp: self.sender.next_timestamp().wrapping_sub(ahead as u32),
            packet_count: packets as u32,
            octet_count: (packets * FRAME as u64) as u32,
        })
    }

    /// The RTCP report due at `now` (`last`: the closing one, with BYE), for
    /// [`Self::rtcp_remote`].
    pub fn rtcp(&mut self, now: Instant, last: bool) -> Vec<u8> {
        let info = self.sender_info(now);
        if last {
            self.rtcp.goodbye(now, info)
        } else {
            self.rtcp.report(now, info)
        }
    }

    /// An RTCP datagram arrived.
    pub fn on_rtcp(&mut self, now: Instant, bytes: &[u8]) {
        let ntp = self.ntp(now);
        if let Err(e) = self.rtcp.on_rtcp(now, ntp, bytes) {
            tracing::debug!("ignoring an RTCP datagram: {e}");
        }
    }

    /// An RTP datagram arrived from `from`.
    pub fn on_rtp(&mut self, now: Instant, from: SocketAddr, bytes: &[u8]) {
        let Ok(p) = RtpPacket::parse(bytes) else {
            self.other_packets += 1;
            return;
        };
        self.rtp_from.get_or_insert(from);
        let since = now.saturating_duration_since(self.anchor);
        let arrival_units = (since.as_secs_f64() * RATE as f64) as u64 as u32;
        self.rtcp
            .on_rtp(now, p.ssrc.0, p.seq.0, p.timestamp, arrival_units);
        match &mut self.rx {
            Rx::Full { analyzers, .. } => analyzers
                .entry(p.ssrc.0)
                .or_insert_with(|| StreamAnalyzer::new(PayloadMap::new(), 100.0))
                .push(self.wall0 + since, &p),
            Rx::Light { streams, .. } => {
                let s = match streams.iter().position(|s| s.stats.ssrc() == p.ssrc.0) {
                    Some(i) => &mut streams[i],
                    None => {
                        streams.push(LightStream {
                            stats: ReceptionStats::new(p.ssrc.0, p.seq.0),
                            jitter_sum: 0.0,
                            jitter_max: 0.0,
                            last_arrival: None,
                            max_delta: Duration::ZERO,
                        });
                        let last = streams.len() - 1;
                        &mut streams[last]
                    }
                };
                s.stats.on_packet(p.seq.0, p.timestamp, arrival_units);
                let j = s.stats.jitter();
                s.jitter_sum += j;
                s.jitter_max = s.jitter_max.max(j);
                if let Some(prev) = s.last_arrival {
                    s.max_delta = s.max_delta.max(now.saturating_duration_since(prev));
                }
                s.last_arrival = Some(now);
            }
        }
        if p.payload_type.0 != self.neg.codec.pt() {
            self.other_packets += 1;
            return;
        }
        let want_audio = match &self.rx {
            Rx::Full { .. } => true,
            Rx::Light { tracker, .. } => tracker.is_some(),
        };
        if !want_audio {
            return;
        }
        self.decoded.clear();
        match self.neg.codec {
            G711::Pcmu => g711::ulaw_to_pcm(p.payload, &mut self.decoded),
            G711::Pcma => g711::alaw_to_pcm(p.payload, &mut self.decoded),
        }
        // Arrival on the sending clock; a packet read before the anchor counts as at 0.
        let arrival = (since.as_secs_f64() * RATE as f64).round() as i64;
        match &mut self.rx {
            Rx::Full { timeline, .. } => {
                timeline.push(arrival, p.ssrc.0, p.timestamp, &self.decoded)
            }
            Rx::Light { tracker, .. } => {
                if let Some(t) = tracker {
                    t.push(arrival, p.ssrc.0, p.timestamp, &self.decoded);
                }
            }
        }
    }

    /// Light reception: search the markers whose echo window has passed by `now`; the
    /// estimates found so far (empty for `Full`, which searches at the end).
    pub fn poll_markers(&mut self, now: Instant) -> &[crate::media::roundtrip::Estimate] {
        let at = (now.saturating_duration_since(self.anchor).as_secs_f64() * RATE as f64) as i64;
        match &mut self.rx {
            Rx::Light {
                tracker: Some(t), ..
            } => {
                t.poll(at);
                t.estimates()
            }
            _ => &[],
        }
    }

    /// Statistics of what was received so far.
    pub fn received(&self) -> RtpReceived {
        let mut r = RtpReceived {
            other_packets: self.other_packets,
            source: self.rtp_from,
            ..RtpReceived::default()
        };
        match &self.rx {
            Rx::Full { analyzers, .. } => {
                r.streams = analyzers.len();
                if let Some(s) = analyzers
                    .values()
                    .max_by_key(|a| a.packets())
                    .map(|a| a.stats())
                {
                    r.packets = s.packets;
                    r.expected = s.expected;
                    r.lost = s.lost;
                    r.loss_percent = s.loss_percent;
                    r.mean_jitter_ms = s.mean_jitter_ms;
                    r.max_jitter_ms = s.max_jitter_ms;
                    r.max_delta_ms = s.max_delta_ms;
                    r.out_of_order = s.out_of_order;
                    r.duplicates = s.duplicates;
                }
            }
            Rx::Light { streams, .. } => {
                r.streams = streams.len();
                if let Some(s) = streams.iter().max_by_key(|s| s.stats.received()) {
                    let ms = 1000.0 / RATE as f64;
                    r.packets = s.stats.received() as u64;
                    r.expected = s.stats.expected() as u64;
                    r.lost = r.expected as i64 - r.packets as i64;
                    r.loss_percent = if r.expected > 0 {
                        (r.lost.max(0) as f64 * 100.0 / r.expected as f64).min(100.0)
                    } else {
                        0.0
                    };
                    r.mean_jitter_ms = s.jitter_sum / r.packets.max(1) as f64 * ms;
                    r.max_jitter_ms = s.jitter_max * ms;
                    r.max_delta_ms = s.max_delta.as_secs_f64() * 1000.0;
                }
            }
        }
        r
    }

    /// Packets received and expected on the main stream so far, and its current jitter
    /// (cheap with `Light` reception; for live totals).
    pub fn counters(&self) -> LiveCounters {
        match &self.rx {
            Rx::Light { streams, .. } => streams
                .iter()
                .max_by_key(|s| s.stats.received())
                .map(|s| LiveCounters {
                    received: s.stats.received() as u64,
                    expected: s.stats.expected() as u64,
                    jitter_ms: s.stats.jitter() * 1000.0 / RATE as f64,
                })
                .unwrap_or_default(),
            Rx::Full { .. } => {
                let r = self.received();
                LiveCounters {
                    received: r.packets,
                    expected: r.expected,
                    jitter_ms: r.mean_jitter_ms,
                }
            }
        }
    }

    /// RTCP counters and round trips.
    pub fn rtcp_summary(&self) -> RtcpSummary {
        self.rtcp.summary()
    }

    /// The call is over: the round trip (`None` when markers were off) and, for `Full`
    /// reception, the received audio on the sending clock.
    pub fn finish(&mut self) -> (Option<RoundTripReport>, Vec<i16>) {
        let sent = self.next_sample;
        match &mut self.rx {
            Rx::Full { timeline, plan, .. } => {
                let audio = timeline.render();
                let rt = plan.as_ref().map(|p| {
                    let mut p = p.clone();
                    p.truncate(sent);
                    p.detect(&audio)
                });
                (rt, audio)
            }
            Rx::Light { tracker, .. } => (tracker.as_mut().map(|t| t.finish(sent)), Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::message::Direction;

    #[test]
    fn sources_fill_frames() {
        let mut s = Source::new(AudioSource::Samples(vec![1, 2, 3]));
        let mut f = [9i16; 5];
        s.fill(&mut f);
        assert_eq!(f, [1, 2, 3, 0, 0]);
        let mut t = Source::new(AudioSource::Tone {
            hz: 1000.0,
            amplitude: 0.5,
        });
        let mut f = [0i16; 8];
        t.fill(&mut f);
        assert_eq!(f[2], 16384);
        let mut z = Source::new(AudioSource::Silence);
        let mut f = [5i16; 4];
        z.fill(&mut f);
        assert_eq!(f, [0; 4]);
    }

    fn media(reception: Reception, t0: Instant) -> CallerMedia {
        let remote: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        let neg = Negotiated {
            codec: G711::Pcmu,
            remote,
            telephone_event: None,
            ptime_ms: Some(20),
            direction: Direction::SendRecv,
        };
        CallerMedia::new(
            neg,
            "127.0.0.1:4001".parse().unwrap(),
            MediaConfig {
                source: AudioSource::Silence,
                duration: Some(Duration::from_secs(4)),
                roundtrip: Some(RoundTripConfig::default()),
                reception,
                cname: "t@x".into(),
            },
            MediaSeed {
                ssrc: 7,
                seq: 65530,
                timestamp: 1,
                wall: Duration::from_secs(1_700_000_000),
            },
            t0,
        )
    }

    /// Both ways of receiving see the same echo (40 ms late, one packet of 200 lost) and find
    /// the same round trip.
    #[test]
    fn an_echo_gives_the_same_figures_full_and_light() {
        let t0 = Instant::now();
        let mut full = media(Reception::Full, t0);
        let mut light = media(Reception::Light, t0);
        let mut sent: Vec<(Instant, Vec<u8>)> = Vec::new();
        for k in 0..200u32 {
            let now = t0 + PTIME * k;
            let mut a = Vec::new();
            full.poll_rtp(now, |p, to| {
                assert_eq!(to, "127.0.0.1:4000".parse().unwrap());
                a.push(p.to_vec())
            });
            let mut b = Vec::new();
            light.poll_rtp(now, |p, _| b.push(p.to_vec()));
            assert_eq!(a, b);
            sent.extend(a.into_iter().map(|p| (now, p)));
        }
        assert_eq!(sent.len(), 200);
        let from: SocketAddr = "127.0.0.1:4000".parse().unwrap();
        for (k, (at, p)) in sent.iter().enumerate() {
            if k == 50 {
                continue;
            }
            let now = *at + Duration::from_millis(40);
            // The echo carries another SSRC, as a PBX's would.
            let mut echo = p.clone();
            echo[8..12].copy_from_slice(&99u32.to_be_bytes());
            full.on_rtp(now, from, &echo);
            light.on_rtp(now, from, &echo);
            light.poll_markers(now);
        }
        let (rf, audio) = full.finish();
        let (rl, none) = light.finish();
        assert!(audio.len() > 30_000 && none.is_empty());
        let (rf, rl) = (rf.unwrap(), rl.unwrap());
        assert_eq!(rf.markers_sent, 4);
        assert_eq!((rf.found, rl.found), (4, 4));
        assert!((rf.median_ms.unwrap() - 40.0).abs() < 1.0, "{rf:?}");
        assert!((rl.median_ms.unwrap() - 40.0).abs() < 1.0, "{rl:?}");
        let (a, b) = (full.received(), light.received());
        assert_eq!((a.packets, a.expected, a.lost), (199, 200, 1));
        assert_eq!((b.packets, b.expected, b.lost), (199, 200, 1));
        assert!((b.loss_percent - 0.5).abs() < 1e-9);
        let c = light.counters();
        assert_eq!((c.received, c.expected), (199, 200));
        assert_eq!(b.streams, 1);
        assert_eq!(b.source, Some(from));
    }
}
