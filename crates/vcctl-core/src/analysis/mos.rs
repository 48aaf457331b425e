//! Mean opinion score estimates by the ITU-T G.107 E-model (06/2015), narrowband.
//!
//! `R = Ro - Is - Id - Ie,eff + A`, and `MOS = 1 + 0.035 R + R (R - 60)(100 - R) 7e-6`
//! (1 below R = 0, 4.5 above R = 100). Every parameter the network does not set keeps the
//! default of G.107 Table 3 (SLR 8, RLR 2, STMR 15, LSTR 18, Ds 3, TELR 65, WEPL 110,
//! Nc -70, Nfor -64, Ps = Pr = 35, qdu 1, A 0), so with no delay and no loss
//! `R = 93.2` and `MOS = 4.41`, as in G.107 section 7.7. What a stream sets:
//!
//! - `Ie` and `Bpl`, from the codec ([`Codec`], values of ITU-T G.113 Appendix I);
//! - `Ppl`, the packet loss in percent, and `BurstR` (1 = random loss);
//! - the delays: `Ta` (absolute, mouth to ear), `T` (talker echo path) and `Tr` (round
//!   trip of the listener echo path). Without echo figures, `T = Ta` and `Tr = 2 T`, as
//!   G.107 suggests for a symmetric connection.
//!
//! [`StreamQuality::estimate`] turns what a receiver measures into those inputs, the way
//! rtpengine and VoIPmonitor do: `Ta` = one-way network delay (half the RTCP round trip
//! when known, else 0) + one packet time (packetization) + the delay of a jitter buffer
//! sized at twice the RFC 3550 interarrival jitter, never less than one packet time.
//! See docs/mos.md for the formula, the inputs and their defaults.

use serde::{Deserialize, Serialize};

/// The codecs vcctl meets, with their E-model figures (ITU-T G.113 Appendix I, Table I.1
/// and I.3): `Ie` the equipment impairment, `Bpl` the packet-loss robustness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Codec {
    /// G.711 µ-law (RTP payload type 0, `PCMU`, Asterisk's `ulaw`).
    Pcmu,
    /// G.711 A-law (payload type 8, `PCMA`, `alaw`).
    Pcma,
    /// Linear 16-bit PCM (`L16`, Asterisk's `slin*`): no coding impairment.
    L16,
}

impl Codec {
    /// The codec from an RTP/SDP or Asterisk format name (`PCMU`, `ulaw`, `L16`, `slin16`, ...),
    /// case-insensitive; `None` for codecs without E-model figures here.
    pub fn from_name(name: &str) -> Option<Codec> {
        let n = name.trim().to_ascii_lowercase();
        let base = n.split('/').next().unwrap_or("");
        match base {
            "pcmu" | "ulaw" | "g711u" | "g711_ulaw" | "ulaw_8000" => Some(Codec::Pcmu),
            "pcma" | "alaw" | "g711a" | "g711_alaw" | "alaw_8000" => Some(Codec::Pcma),
            _ if base == "l16" || base.starts_with("slin") || base.starts_with("pcm_") => {
                Some(Codec::L16)
            }
            _ => None,
        }
    }

    /// The codec of a static RTP payload type (0 PCMU, 8 PCMA, 10/11 L16).
    pub fn from_payload_type(pt: u8) -> Option<Codec> {
        match pt {
            0 => Some(Codec::Pcmu),
            8 => Some(Codec::Pcma),
            10 | 11 => Some(Codec::L16),
            _ => None,
        }
    }

    /// Equipment impairment factor `Ie`: 0 for G.711 and linear PCM (G.113 Table I.1).
    pub fn ie(self) -> f64 {
        0.0
    }

    /// Packet-loss robustness factor `Bpl` of a receiver that does not conceal losses:
    /// 4.3 for G.711 (G.113 Table I.3, "PCM without PLC"; Asterisk's `genericplc` is off by
    /// default, and serve feeds the agent what arrives). L16 has no published figure; it
    /// fails like G.711 without concealment, so it gets the same value.
    pub fn bpl(self) -> f64 {
        4.3
    }
}

/// `Bpl` of G.711 with the packet loss concealment of G.711 Appendix I (G.113 Table I.3).
pub const BPL_G711_PLC: f64 = 25.1;

/// The inputs of the E-model that vcctl varies; everything else keeps G.107's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EModelInput {
    /// Equipment impairment factor `Ie`.
    pub ie: f64,
    /// Packet-loss robustness factor `Bpl`.
    pub bpl: f64,
    /// Packet loss, percent (`Ppl`, 0..=100).
    pub ppl: f64,
    /// Burst ratio (`BurstR`, 1 for random loss, above 1 for bursty loss).
    pub burst_r: f64,
    /// Absolute delay, mouth to ear, ms (`Ta`).
    pub ta_ms: f64,
    /// Mean one-way delay of the talker echo path, ms (`T`).
    pub t_ms: f64,
    /// Round trip of the listener echo path, ms (`Tr`).
    pub tr_ms: f64,
}

impl Default for EModelInput {
    /// G.107 Table 3: no loss, no delay, `Ie` 0, `Bpl` 4.3, `BurstR` 1.
    fn default() -> Self {
        EModelInput {
            ie: 0.0,
            bpl: 4.3,
            ppl: 0.0,
            burst_r: 1.0,
            ta_ms: 0.0,
            t_ms: 0.0,
            tr_ms: 0.0,
        }
    }
}

impl EModelInput {
    /// A connection whose only delay is `ta_ms` one way: `T = Ta`, `Tr = 2 Ta`.
    pub fn with_delay(mut self, ta_ms: f64) -> Self {
        self.ta_ms = ta_ms;
        self.t_ms = ta_ms;
        self.tr_ms = 2.0 * ta_ms;
        self
    }
}

/// The terms of one R computation, for documentation and tests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RFactor {
    /// Basic signal-to-noise ratio `Ro`.
    pub ro: f64,
    /// Simultaneous impairment `Is`.
    pub is: f64,
    /// Delay impairment `Id = Idte + Idle + Idd`.
    pub id: f64,
    /// Effective equipment impairment `Ie,eff` (codec and packet loss).
    pub ie_eff: f64,
    /// `R = Ro - Is - Id - Ie,eff + A` (A = 0).
    pub r: f64,
}

// G.107 Table 3 defaults for the parameters vcctl does not vary.
const SLR: f64 = 8.0;
const RLR: f64 = 2.0;
const STMR: f64 = 15.0;
const LSTR: f64 = 18.0;
const DS: f64 = 3.0;
const TELR: f64 = 65.0;
const WEPL: f64 = 110.0;
const NC: f64 = -70.0;
const NFOR: f64 = -64.0;
const PS: f64 = 35.0;
const PR: f64 = 35.0;
const QDU: f64 = 1.0;
const ADVANTAGE: f64 = 0.0;
// Delay sensitivity of Idd (G.107 (06/2015) Table 1, "default"): mT = 100 ms, sT = 1.
const MT: f64 = 100.0;
const ST: f64 = 1.0;

fn db_sum(levels: &[f64]) -> f64 {
    10.0 * levels
        .iter()
        .map(|l| 10f64.powf(l / 10.0))
        .sum::<f64>()
        .log10()
}

/// The E-model's R for `input`, with its terms (G.107 equations 7-1 to 7-29).
pub fn r_factor(input: &EModelInput) -> RFactor {
    let olr = SLR + RLR;
    // Noise (7-3 .. 7-7).
    let nfo = NFOR + RLR;
    let pre = PR + 10.0 * (1.0 + 10f64.powf((10.0 - LSTR) / 10.0)).log10();
    let nor = RLR - 121.0 + pre + 0.008 * (pre - 35.0).powi(2);
    let nos = PS - SLR - DS - 100.0 + 0.004 * (PS - olr - DS - 14.0).powi(2);
    let no = db_sum(&[NC, nos, nor, nfo]);
    let ro = 15.0 - 1.5 * (SLR + no);

    // Simultaneous impairment (7-8 .. 7-16).
    let q = 37.0 - 15.0 * QDU.log10();
    let g = 1.07 + 0.258 * q + 0.0602 * q * q;
    let z = 46.0 / 30.0 - g / 40.0;
    let y = (ro - 100.0) / 15.0 + 46.0 / 8.4 - g / 9.0;
    let iq = 15.0 * (1.0 + 10f64.powf(y) + 10f64.powf(z)).log10();
    let t = input.t_ms.max(0.0);
    let stmro =
        -10.0 * (10f64.powf(-STMR / 10.0) + (-t / 4.0).exp() * 10f64.powf(-TELR / 10.0)).log10();
    let ist = 12.0 * (1.0 + ((stmro - 13.0) / 6.0).powi(8)).powf(1.0 / 8.0)
        - 28.0 * (1.0 + ((stmro + 1.0) / 19.4).powi(35)).powf(1.0 / 35.0)
        - 13.0 * (1.0 + ((stmro - 3.0) / 33.0).powi(13)).powf(1.0 / 13.0)
        + 29.0;
    let xolr = olr + 0.2 * (64.0 + no - RLR);
    let iolr = 20.0 * ((1.0 + (xolr / 8.0).powi(8)).powf(1.0 / 8.0) - xolr / 8.0);
    let is = iolr + ist + iq;

    // Delay impairment (7-17 .. 7-27).
    let roe = -1.5 * (no - RLR);
    let mut terv =
        TELR - 40.0 * ((1.0 + t / 10.0) / (1.0 + t / 150.0)).log10() + 6.0 * (-0.3 * t * t).exp();
    if STMR < 9.0 {
        terv += ist / 2.0;
    }
    let re = 80.0 + 2.5 * (terv - 14.0);
    let idte = if t < 1.0 {
        // G.107: "for T < 1 ms, Idte is 0" (the echo is then sidetone).
        0.0
    } else {
        ((roe - re) / 2.0 + ((roe - re).powi(2) / 4.0 + 100.0).sqrt() - 1.0) * (1.0 - (-t).exp())
    };
    let tr = input.tr_ms.max(0.0);
    let rle = 10.5 * (WEPL + 7.0) * (tr + 1.0).powf(-0.25);
    let idle = (ro - rle) / 2.0 + ((ro - rle).powi(2) / 4.0 + 169.0).sqrt();
    let ta = input.ta_ms.max(0.0);
    let idd = if ta <= MT {
        0.0
    } else {
        let x = (ta / MT).ln() / 2f64.ln();
        let p = 6.0 * ST;
        25.0 * ((1.0 + x.powf(p)).powf(1.0 / p) - 3.0 * (1.0 + (x / 3.0).powf(p)).powf(1.0 / p)
            + 2.0)
    };
    let id = idte + idle + idd;

    // Effective equipment impairment (7-29).
    let ppl = input.ppl.clamp(0.0, 100.0);
    let burst_r = input.burst_r.max(1.0);
    let ie_eff = input.ie + (95.0 - input.ie) * ppl / (ppl / burst_r + input.bpl);

    RFactor {
        ro,
        is,
        id,
        ie_eff,
        r: ro - is - id - ie_eff + ADVANTAGE,
    }
}

/// MOS (conversational quality, 1..=4.5) from R (G.107 Annex B, equation B-4).
pub fn mos_from_r(r: f64) -> f64 {
    if r.is_nan() || r <= 0.0 {
        1.0
    } else if r >= 100.0 {
        4.5
    } else {
        1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6
    }
}

/// What a receiver knows about one stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamQuality {
    pub codec: Codec,
    /// Packets lost, percent of those expected (negative values, from duplicates, count as 0).
    pub loss_percent: f64,
    /// RFC 3550 interarrival jitter, ms (mean over the stream or the latest value).
    pub jitter_ms: f64,
    /// Packet time, ms (20 when unknown).
    pub ptime_ms: Option<f64>,
    /// One-way network delay, ms, when known (half an RTCP round trip); 0 otherwise.
    pub one_way_delay_ms: Option<f64>,
    /// Burst ratio of the losses, when known; 1 (random) otherwise.
    pub burst_ratio: Option<f64>,
}

/// Packet time assumed when a stream does not show it.
pub const DEFAULT_PTIME_MS: f64 = 20.0;

/// One MOS estimate with the inputs it came from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MosEstimate {
    /// Listening-and-talking MOS, 1..=4.5, rounded to two decimals.
    pub mos: f64,
    /// The E-model's R, rounded to one decimal.
    pub r: f64,
    pub codec: Codec,
    /// `Ppl`, percent.
    pub loss_percent: f64,
    /// The jitter buffer's delay the estimate assumed, ms.
    pub jitter_buffer_ms: f64,
    /// `Ta`, ms: network one way + packetization + jitter buffer.
    pub delay_ms: f64,
    /// Whether the network delay was measured (RTCP) or taken as 0.
    pub delay_measured: bool,
}

impl StreamQuality {
    /// The estimate (see the module documentation for how the inputs map).
    pub fn estimate(&self) -> MosEstimate {
        let ptime = self
            .ptime_ms
            .filter(|p| p.is_finite() && *p > 0.0)
            .unwrap_or(DEFAULT_PTIME_MS);
        let jitter = if self.jitter_ms.is_finite() {
            self.jitter_ms.max(0.0)
        } else {
            0.0
        };
        let jitter_buffer_ms = (2.0 * jitter).max(ptime);
        let network = self
            .one_way_delay_ms
            .filter(|d| d.is_finite())
            .map(|d| d.max(0.0));
        let delay_ms = network.unwrap_or(0.0) + ptime + jitter_buffer_ms;
        let loss_percent = if self.loss_percent.is_finite() {
            self.loss_percent.clamp(0.0, 100.0)
        } else {
            0.0
        };
        let input = EModelInput {
            ie: self.codec.ie(),
            bpl: self.codec.bpl(),
            ppl: loss_percent,
            burst_r: self.burst_ratio.filter(|b| b.is_finite()).unwrap_or(1.0),
            ..EModelInput::default()
        }
        .with_delay(delay_ms);
        let r = r_factor(&input).r;
        MosEstimate {
            mos: round_to(mos_from_r(r), 100.0),
            r: round_to(r, 10.0),
            codec: self.codec,
            loss_percent,
            jitter_buffer_ms,
            delay_ms,
            delay_measured: network.is_some(),
        }
    }
}

fn round_to(v: f64, scale: f64) -> f64 {
    (v * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn g107_defaults_give_r_93_2_and_mos_4_41() {
        // G.107 section 7.7: "the default values ... result in a rating R = 93.2".
        let r = r_factor(&EModelInput::default());
        assert!(close(r.r, 93.2, 0.05), "{r:?}");
        // Its terms as G.107 Appendix / the ITU's calculator print them.
        assert!(close(r.ro, 94.77, 0.01), "Ro {}", r.ro);
        assert!(close(r.is, 1.41, 0.01), "Is {}", r.is);
        assert!(close(r.id, 0.15, 0.01), "Id {}", r.id);
        assert_eq!(r.ie_eff, 0.0);
        assert!(close(mos_from_r(r.r), 4.41, 0.005), "{}", mos_from_r(r.r));
    }

    #[test]
    fn mos_mapping_is_clamped_and_matches_annex_b() {
        assert_eq!(mos_from_r(-5.0), 1.0);
        assert_eq!(mos_from_r(0.0), 1.0);
        assert_eq!(mos_from_r(100.0), 4.5);
        assert_eq!(mos_from_r(120.0), 4.5);
        // The boundaries of G.109's categories, R 90 / 80 / 70 / 60 / 50 -> MOS 4.34 / 4.03 /
        // 3.60 / 3.10 / 2.58 (G.107 Figure B.1; the last is 2.575 exactly).
        for (r, mos) in [
            (90.0, 4.339),
            (80.0, 4.024),
            (70.0, 3.597),
            (60.0, 3.1),
            (50.0, 2.575),
        ] {
            assert!(
                close(mos_from_r(r), mos, 0.0005),
                "R {r}: {}",
                mos_from_r(r)
            );
        }
    }

    #[test]
    fn random_loss_follows_g113_appendix_i() {
        // G.711 without PLC (Bpl 4.3), 1 % random loss: Ie,eff = 95 * 1 / (1 + 4.3) = 17.92.
        let r = r_factor(&EModelInput {
            ppl: 1.0,
            ..EModelInput::default()
        });
        assert!(close(r.ie_eff, 17.92, 0.01), "{r:?}");
        assert!(close(r.r, 93.2 - 17.92, 0.06), "{r:?}");
        // With PLC (Bpl 25.1), 2 % random loss: 95 * 2 / 27.1 = 7.01.
        let r = r_factor(&EModelInput {
            ppl: 2.0,
            bpl: BPL_G711_PLC,
            ..EModelInput::default()
        });
        assert!(close(r.ie_eff, 7.01, 0.01), "{r:?}");
        // Bursty loss hurts more than the same random loss.
        let random = r_factor(&EModelInput {
            ppl: 5.0,
            ..EModelInput::default()
        })
        .r;
        let bursty = r_factor(&EModelInput {
            ppl: 5.0,
            burst_r: 2.0,
            ..EModelInput::default()
        })
        .r;
        assert!(bursty < random, "{bursty} < {random}");
        // All lost: Ie,eff = 95 * 100 / (100 + 4.3).
        let r = r_factor(&EModelInput {
            ppl: 100.0,
            ..EModelInput::default()
        });
        assert!(r.r < 5.0 && mos_from_r(r.r) < 1.2, "{r:?}");
    }

    #[test]
    fn absolute_delay_impairment_idd() {
        // Idd = 0 up to mT = 100 ms; at Ta = 200 ms, X = 1:
        // 25 ((1 + 1)^(1/6) - 3 (1 + (1/3)^6)^(1/6) + 2) = 3.044.
        // At Ta = 400 ms, X = 2: 25 (65^(1/6) - 3 (1 + (2/3)^6)^(1/6) + 2) = 24.07.
        let only_ta = |ta: f64| {
            let base = r_factor(&EModelInput::default()).id;
            r_factor(&EModelInput {
                ta_ms: ta,
                ..EModelInput::default()
            })
            .id - base
        };
        assert!(close(only_ta(100.0), 0.0, 1e-12));
        assert!(close(only_ta(200.0), 3.044, 0.005), "{}", only_ta(200.0));
        assert!(close(only_ta(400.0), 24.07, 0.01), "{}", only_ta(400.0));
    }

    #[test]
    fn talker_echo_grows_with_delay_and_r_falls_monotonically() {
        // T = Ta, Tr = 2T with TELR 65 dB: G.107 Figure 2's default curve. At 150 ms one way
        // R is about 89 (the "users satisfied" boundary of G.109 is 80, reached near 250 ms).
        let r_at = |ms: f64| r_factor(&EModelInput::default().with_delay(ms)).r;
        let mut last = r_at(0.0);
        for ms in (10..=600).step_by(10) {
            let r = r_at(ms as f64);
            assert!(
                r < last,
                "R must fall with delay: {ms} ms -> {r} after {last}"
            );
            last = r;
        }
        assert!(r_at(150.0) > 85.0 && r_at(150.0) < 92.0, "{}", r_at(150.0));
        assert!(r_at(300.0) < 80.0, "{}", r_at(300.0));
    }

    #[test]
    fn a_clean_g711_stream_scores_near_the_ceiling() {
        let q = StreamQuality {
            codec: Codec::Pcmu,
            loss_percent: 0.0,
            jitter_ms: 0.5,
            ptime_ms: Some(20.0),
            one_way_delay_ms: None,
            burst_ratio: None,
        };
        let e = q.estimate();
        // Ta = 0 + 20 (packet) + 20 (buffer: one packet, more than 2 x 0.5 ms).
        assert_eq!(e.delay_ms, 40.0);
        assert_eq!(e.jitter_buffer_ms, 20.0);
        assert!(!e.delay_measured);
        assert!(e.mos >= 4.35 && e.mos <= 4.41, "{e:?}");
    }

    #[test]
    fn loss_jitter_and_delay_each_lower_the_estimate() {
        let base = StreamQuality {
            codec: Codec::Pcma,
            loss_percent: 0.0,
            jitter_ms: 1.0,
            ptime_ms: Some(20.0),
            one_way_delay_ms: Some(10.0),
            burst_ratio: None,
        };
        let clean = base.estimate();
        let lossy = StreamQuality {
            loss_percent: 5.0,
            ..base
        }
        .estimate();
        let jittery = StreamQuality {
            jitter_ms: 80.0,
            ..base
        }
        .estimate();
        let far = StreamQuality {
            one_way_delay_ms: Some(300.0),
            ..base
        }
        .estimate();
        assert!(clean.delay_measured);
        assert!(lossy.mos < clean.mos - 1.0, "{lossy:?} vs {clean:?}");
        assert_eq!(jittery.jitter_buffer_ms, 160.0);
        assert!(jittery.mos < clean.mos, "{jittery:?} vs {clean:?}");
        assert!(far.mos < clean.mos - 0.3, "{far:?} vs {clean:?}");
        // Duplicates make loss negative in Wireshark's count: no bonus for them.
        let dup = StreamQuality {
            loss_percent: -2.0,
            ..base
        }
        .estimate();
        assert_eq!(dup.mos, clean.mos);
    }

    #[test]
    fn codec_names() {
        assert_eq!(Codec::from_name("PCMU"), Some(Codec::Pcmu));
        assert_eq!(Codec::from_name("PCMU/8000"), Some(Codec::Pcmu));
        assert_eq!(Codec::from_name("ulaw"), Some(Codec::Pcmu));
        assert_eq!(Codec::from_name("alaw"), Some(Codec::Pcma));
        assert_eq!(Codec::from_name("L16/16000"), Some(Codec::L16));
        assert_eq!(Codec::from_name("slin16"), Some(Codec::L16));
        assert_eq!(Codec::from_name("pcm_16000"), Some(Codec::L16));
        assert_eq!(Codec::from_name("opus"), None);
        assert_eq!(Codec::from_name("telephone-event"), None);
        assert_eq!(Codec::from_payload_type(0), Some(Codec::Pcmu));
        assert_eq!(Codec::from_payload_type(8), Some(Codec::Pcma));
        assert_eq!(Codec::from_payload_type(101), None);
    }
}
