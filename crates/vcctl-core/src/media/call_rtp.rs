//! The RTP statistics of one call, per direction, as a call record stores them.
//!
//! A call has two RTP legs: the caller's (phone <-> Asterisk) and the externalMedia leg
//! (Asterisk <-> vcctl). Serve measures the media leg itself ([`MediaStats`]: what it
//! received, what it sent). The caller's leg is what Asterisk reports for the caller's channel
//! ([`RtpStat`], when the channel has RTP: PJSIP yes, Local channels no): its `rx*` fields
//! describe the caller's audio, its `tx*` fields (loss and jitter as the phone reported them in
//! RTCP) the audio played to the caller. Asterisk offers no statistics for the UnicastRTP
//! channel of the media leg, so loss and jitter of what vcctl sends are only known on the
//! caller's leg.

use serde::{Deserialize, Serialize};

use crate::analysis::mos::{Codec, MosEstimate, StreamQuality};
use crate::ari::model::RtpStat;
use crate::media::call_media::MediaStats;

/// Caller -> vcctl (RTP from Asterisk), as serve received it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RtpInbound {
    pub packets: u64,
    pub bytes: u64,
    /// Expected minus received (RFC 3550 cumulative loss; negative with duplicates).
    pub lost: i64,
    /// `lost` / expected packets, 0 when nothing was expected.
    pub loss_ratio: f64,
    /// RFC 3550 interarrival jitter at the end of the call (ms).
    pub jitter_ms: f64,
    /// Packets from another source than the externalMedia leg.
    pub dropped_foreign: u64,
    /// Datagrams that were not RTP.
    pub dropped_malformed: u64,
    /// `user_audio_chunk` messages sent to the agent, and how many of them were silence
    /// sent while Asterisk sent nothing.
    pub agent_chunks: u64,
    pub agent_keepalive_chunks: u64,
    /// Packets that arrived before the agent conversation was ready, dropped unread.
    #[serde(default)]
    pub stale_before_agent: u64,
    /// The caller's leg: packets Asterisk received from the phone, lost, jitter (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_leg: Option<LegStats>,
    /// E-model MOS of the media leg's audio as serve received it (loss, jitter; the leg is
    /// local, so no network delay), see [`crate::analysis::mos`]. `None` without RTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mos: Option<MosEstimate>,
}

/// One direction of the caller's leg, as Asterisk saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LegStats {
    pub packets: i64,
    pub lost: i64,
    pub loss_ratio: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<f64>,
    /// E-model MOS of this direction of the caller's leg: its loss and jitter, and half the
    /// RTCP round trip as network delay when Asterisk measured one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mos: Option<MosEstimate>,
}

/// vcctl -> caller (RTP to Asterisk): what serve sent, and what Asterisk saw of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RtpOutbound {
    pub packets: u64,
    /// Frames carrying agent audio, and filler frames (silence).
    pub audio_frames: u64,
    pub silence_frames: u64,
    pub talkspurts: u64,
    /// Times the playout queue ran dry in the middle of agent speech.
    pub underflows: u64,
    /// Silence frames those underflows sent; the underflows agent audio resumed from (gaps
    /// the caller heard between two pieces of agent audio, `PlayoutStats::gaps`) and the
    /// silence frames inside them. Absent (0) in records of older builds.
    #[serde(default)]
    pub underflow_frames: u64,
    #[serde(default)]
    pub gaps: u64,
    #[serde(default)]
    pub gap_frames: u64,
    /// Times a standing delay (a backlog a stall left, that audio arriving in real time
    /// would otherwise keep) was dropped from the playout queue, and how much in all (ms).
    #[serde(default)]
    pub standing_drops: u64,
    #[serde(default)]
    pub standing_dropped_ms: u64,
    /// Lateness of the packet clock (ms).
    pub pacing_p50_ms: f64,
    pub pacing_p99_ms: f64,
    pub pacing_max_ms: f64,
    /// `audio` events received from the agent; ones dropped as stale after an interruption.
    pub agent_audio_events: u64,
    pub agent_audio_dropped_stale: u64,
    pub interruptions: u64,
    /// The caller's leg: packets Asterisk sent to the phone, and the loss and jitter the
    /// phone reported (RTCP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_leg: Option<LegStats>,
}

/// `lost / (received + lost)`, 0 when nothing was expected.
pub fn loss_ratio(received: u64, lost: i64) -> f64 {
    let lost = lost.max(0);
    let expected = received as i64 + lost;
    if expected > 0 {
        lost as f64 / expected as f64
    } else {
        0.0
    }
}

/// The MOS of one direction of the caller's leg while the call runs (`vcctl top`), from what
/// Asterisk reports of it: packets received (or sent), lost, jitter (ms) and the RTCP round
/// trip (ms); `None` before a packet was expected. Rated as G.711: serve's codecs (G.711,
/// L16) share their E-model figures.
pub fn live_leg_mos(
    packets: i64,
    lost: i64,
    jitter_ms: Option<f64>,
    rtt_ms: Option<f64>,
) -> Option<f64> {
    let ratio = loss_ratio(packets.max(0) as u64, lost);
    leg_mos(
        Some(Codec::Pcmu),
        packets + lost.max(0),
        ratio,
        jitter_ms,
        rtt_ms,
    )
    .map(|m| m.mos)
}

/// One leg and direction's MOS; `None` when nothing was expected or the codec has no
/// E-model figures.
fn leg_mos(
    codec: Option<Codec>,
    received: i64,
    loss_ratio: f64,
    jitter_ms: Option<f64>,
    rtt_ms: Option<f64>,
) -> Option<MosEstimate> {
    let codec = codec?;
    if received <= 0 {
        return None;
    }
    Some(
        StreamQuality {
            codec,
            loss_percent: loss_ratio * 100.0,
            jitter_ms: jitter_ms.unwrap_or(0.0),
            ptime_ms: None,
            one_way_delay_ms: rtt_ms.map(|r| r / 2.0),
            burst_ratio: None,
        }
        .estimate(),
    )
}

/// The caller's leg from the phone to Asterisk, from the caller channel's RTP statistics
/// (jitter in seconds there), rated with `codec` and half `caller_rtt_ms` as delay. Whatever
/// the transport between Asterisk and serve, the caller's own leg is RTP.
pub fn caller_leg_in(a: &RtpStat, codec: Option<Codec>, caller_rtt_ms: Option<f64>) -> LegStats {
    leg(a.rxcount, a.rxploss, a.rxjitter, codec, caller_rtt_ms)
}

/// The caller's leg from Asterisk to the phone, as the phone reported it (RTCP).
pub fn caller_leg_out(a: &RtpStat, codec: Option<Codec>, caller_rtt_ms: Option<f64>) -> LegStats {
    leg(a.txcount, a.txploss, a.txjitter, codec, caller_rtt_ms)
}

/// A call whose media leg is not RTP (`--transport websocket`): the two directions with the
/// caller's leg alone (the media leg's figures stay zero, its MOS `None`).
pub fn caller_leg_only(
    a: &RtpStat,
    codec: Option<Codec>,
    caller_rtt_ms: Option<f64>,
) -> (RtpInbound, RtpOutbound) {
    (
        RtpInbound {
            caller_leg: Some(caller_leg_in(a, codec, caller_rtt_ms)),
            ..RtpInbound::default()
        },
        RtpOutbound {
            caller_leg: Some(caller_leg_out(a, codec, caller_rtt_ms)),
            ..RtpOutbound::default()
        },
    )
}

fn leg(
    count: i64,
    lost: i64,
    jitter_s: Option<f64>,
    codec: Option<Codec>,
    caller_rtt_ms: Option<f64>,
) -> LegStats {
    let ratio = loss_ratio(count.max(0) as u64, lost);
    let jitter = jitter_s.map(|j| j * 1000.0);
    LegStats {
        packets: count,
        lost,
        loss_ratio: ratio,
        jitter_ms: jitter,
        mos: leg_mos(codec, count + lost.max(0), ratio, jitter, caller_rtt_ms),
    }
}

/// Split serve's figures into the two directions; `caller_leg` is the caller channel's RTP
/// statistics from Asterisk (jitter in seconds), when it has them. `codec` is the media
/// leg's (it rates the caller's leg too: G.711 and L16 share their E-model figures),
/// `caller_rtt_ms` the caller leg's RTCP round trip.
pub fn split(
    s: &MediaStats,
    caller_leg: Option<&RtpStat>,
    codec: Option<Codec>,
    caller_rtt_ms: Option<f64>,
) -> (RtpInbound, RtpOutbound) {
    let media_loss = loss_ratio(s.rtp_in_packets, s.rtp_in_lost);
    let inbound = RtpInbound {
        packets: s.rtp_in_packets,
        bytes: s.rtp_in_bytes,
        lost: s.rtp_in_lost,
        loss_ratio: media_loss,
        jitter_ms: s.rtp_in_jitter_ms,
        mos: leg_mos(
            codec,
            s.rtp_in_packets as i64 + s.rtp_in_lost.max(0),
            media_loss,
            Some(s.rtp_in_jitter_ms),
            None,
        ),
        dropped_foreign: s.rtp_dropped_foreign,
        dropped_malformed: s.rtp_dropped_malformed,
        agent_chunks: s.agent_chunks_out,
        agent_keepalive_chunks: s.agent_keepalive_chunks,
        stale_before_agent: s.rtp_in_stale_dropped,
        caller_leg: caller_leg.map(|a| caller_leg_in(a, codec, caller_rtt_ms)),
    };
    let outbound = RtpOutbound {
        packets: s.rtp_out_packets,
        audio_frames: s.playout.audio_frames,
        silence_frames: s.playout.silence_frames,
        talkspurts: s.playout.talkspurts,
        underflows: s.playout.underflows,
        underflow_frames: s.playout.underflow_frames,
        gaps: s.playout.gaps,
        gap_frames: s.playout.gap_frames,
        standing_drops: s.playout.standing_drops,
        standing_dropped_ms: s.playout.standing_dropped_ms,
        pacing_p50_ms: s.pacing_p50_ms,
        pacing_p99_ms: s.pacing_p99_ms,
        pacing_max_ms: s.pacing_max_ms,
        agent_audio_events: s.agent_audio_events,
        agent_audio_dropped_stale: s.agent_audio_dropped_stale,
        interruptions: s.interruptions,
        caller_leg: caller_leg.map(|a| caller_leg_out(a, codec, caller_rtt_ms)),
    };
    (inbound, outbound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_direction_gets_its_own_figures() {
        let mut s = MediaStats {
            rtp_in_packets: 990,
            rtp_in_bytes: 990 * 172,
            rtp_in_lost: 10,
            rtp_in_jitter_ms: 1.5,
            rtp_out_packets: 1000,
            agent_audio_events: 7,
            ..Default::default()
        };
        s.playout.underflows = 2;
        s.playout.underflow_frames = 5;
        s.playout.gaps = 1;
        s.playout.gap_frames = 2;
        s.playout.audio_frames = 300;
        let (i, o) = split(&s, None, Some(Codec::Pcmu), None);
        assert_eq!(i.packets, 990);
        assert!((i.loss_ratio - 0.01).abs() < 1e-12);
        assert_eq!(i.jitter_ms, 1.5);
        assert_eq!(o.packets, 1000);
        assert_eq!(o.underflows, 2);
        assert_eq!((o.underflow_frames, o.gaps, o.gap_frames), (5, 1, 2));
        // A record of a build before the gap figures still reads, with 0 for them.
        let mut old = serde_json::to_value(&o).unwrap();
        for k in ["underflow_frames", "gaps", "gap_frames"] {
            old.as_object_mut().unwrap().remove(k).unwrap();
        }
        let old: RtpOutbound = serde_json::from_value(old).unwrap();
        assert_eq!((old.underflows, old.underflow_frames, old.gaps), (2, 0, 0));
        assert_eq!(o.audio_frames, 300);
        assert_eq!(o.caller_leg, None);
        let json = serde_json::to_value(&o).unwrap();
        assert!(json.get("caller_leg").is_none(), "{json}");

        let ast = RtpStat {
            rxcount: 995,
            rxploss: 5,
            rxjitter: Some(0.002),
            txcount: 1000,
            txploss: 20,
            txjitter: Some(0.004),
            ..Default::default()
        };
        let (i, o) = split(&s, Some(&ast), Some(Codec::Pcmu), Some(40.0));
        let leg = i.caller_leg.unwrap();
        assert_eq!((leg.packets, leg.lost), (995, 5));
        assert!((leg.loss_ratio - 0.005).abs() < 1e-12);
        assert!((leg.jitter_ms.unwrap() - 2.0).abs() < 1e-9);
        let leg = o.caller_leg.unwrap();
        assert_eq!((leg.packets, leg.lost), (1000, 20));
        assert!((leg.loss_ratio - 20.0 / 1020.0).abs() < 1e-12);
        assert!((leg.jitter_ms.unwrap() - 4.0).abs() < 1e-9);
    }

    #[test]
    fn each_leg_and_direction_gets_a_mos_that_follows_its_impairments() {
        let s = MediaStats {
            rtp_in_packets: 990,
            rtp_in_lost: 10,
            rtp_in_jitter_ms: 1.5,
            ..Default::default()
        };
        let ast = RtpStat {
            rxcount: 1000,
            rxploss: 0,
            rxjitter: Some(0.001),
            txcount: 950,
            txploss: 50,
            txjitter: Some(0.030),
            ..Default::default()
        };
        let (i, o) = split(&s, Some(&ast), Some(Codec::Pcmu), Some(200.0));
        let media = i.mos.unwrap();
        assert!((media.loss_percent - 1.0).abs() < 1e-9);
        assert!(!media.delay_measured);
        let caller_in = i.caller_leg.as_ref().unwrap().mos.unwrap();
        let caller_out = o.caller_leg.as_ref().unwrap().mos.unwrap();
        // Half the round trip is the leg's network delay: 100 + 20 (packet) + 20 (buffer).
        assert!(caller_in.delay_measured);
        assert_eq!(caller_in.delay_ms, 140.0);
        // 5 % lost and 30 ms of jitter towards the phone: far worse than the clean way in.
        assert_eq!(caller_out.jitter_buffer_ms, 60.0);
        assert!(
            caller_out.mos < caller_in.mos - 1.0,
            "{caller_out:?} {caller_in:?}"
        );
        assert!(
            media.mos < caller_in.mos,
            "1 % loss: {media:?} {caller_in:?}"
        );
        // Stored records carry them, and read back.
        let back: RtpOutbound = serde_json::from_value(serde_json::to_value(&o).unwrap()).unwrap();
        assert_eq!(back.caller_leg.unwrap().mos, Some(caller_out));
        // No RTP (the WebSocket transport), or a codec without figures: no MOS.
        let (i, _) = split(&MediaStats::default(), None, Some(Codec::Pcmu), None);
        assert_eq!(i.mos, None);
        let (i, _) = split(&s, None, None, None);
        assert_eq!(i.mos, None);
    }

    #[test]
    fn a_websocket_call_is_rated_by_its_caller_leg_alone_as_an_rtp_call_is() {
        let ast = RtpStat {
            rxcount: 1000,
            rxploss: 0,
            rxjitter: Some(0.001),
            txcount: 950,
            txploss: 50,
            txjitter: Some(0.030),
            ..Default::default()
        };
        let (i, o) = caller_leg_only(&ast, Some(Codec::Pcmu), Some(200.0));
        // The same caller-leg figures as an RTP call with the same statistics gets ...
        let s = MediaStats {
            rtp_in_packets: 990,
            ..Default::default()
        };
        let (ri, ro) = split(&s, Some(&ast), Some(Codec::Pcmu), Some(200.0));
        assert_eq!(i.caller_leg, ri.caller_leg);
        assert_eq!(o.caller_leg, ro.caller_leg);
        assert!(o.caller_leg.unwrap().mos.unwrap().mos < 4.0);
        // ... and no media-leg figures: none exist on that transport.
        assert_eq!((i.packets, i.lost, i.mos), (0, 0, None));
        assert_eq!((o.packets, o.underflows), (0, 0));
    }

    #[test]
    fn loss_ratio_handles_nothing_and_duplicates() {
        assert_eq!(loss_ratio(0, 0), 0.0);
        assert_eq!(loss_ratio(10, -3), 0.0);
        assert_eq!(loss_ratio(0, 5), 1.0);
    }

    #[test]
    fn the_live_mos_of_a_leg_falls_with_loss_and_is_unknown_before_any_packet() {
        assert_eq!(live_leg_mos(0, 0, None, None), None);
        let clean = live_leg_mos(500, 0, Some(1.0), Some(20.0)).unwrap();
        let lossy = live_leg_mos(450, 50, Some(1.0), Some(20.0)).unwrap();
        assert!(clean > 4.3, "{clean}");
        assert!(lossy < clean - 1.0, "{lossy} vs {clean}");
        // The same figures as the record's estimate of that direction.
        let rec = leg_mos(Some(Codec::Pcmu), 500, 0.1, Some(1.0), Some(20.0)).unwrap();
        assert_eq!(lossy, rec.mos);
    }
}
