//! ITU-T G.711 µ-law and A-law codecs for 16-bit linear PCM, bit-exact with the
//! Sun/CCITT reference `g711.c` (µ-law with the 14-bit `>> 2` input scaling and CLIP 8159,
//! A-law with 13-bit `>> 3` scaling), plus byte-order helpers for 16-bit PCM.
//!
//! Decoding is a 256-entry table lookup (tables built at compile time); encoding is a few
//! integer operations (segment found with `leading_zeros`). All functions are total.

const ULAW_BIAS: i32 = 0x84;
const ULAW_CLIP: i32 = 8159;

/// µ-law code for digital silence (decodes to 0).
pub const ULAW_SILENCE: u8 = 0xFF;
/// A-law code closest to silence (decodes to +8).
pub const ALAW_SILENCE: u8 = 0xD5;

const fn ulaw_decode_ref(code: u8) -> i16 {
    let u = !code;
    let mut t: i32 = (((u & 0x0F) as i32) << 3) + ULAW_BIAS;
    t <<= ((u & 0x70) >> 4) as i32;
    if u & 0x80 != 0 {
        (ULAW_BIAS - t) as i16
    } else {
        (t - ULAW_BIAS) as i16
    }
}

const fn alaw_decode_ref(code: u8) -> i16 {
    let a = code ^ 0x55;
    let mut t: i32 = ((a & 0x0F) as i32) << 4;
    let seg = ((a & 0x70) >> 4) as i32;
    match seg {
        0 => t += 8,
        1 => t += 0x108,
        _ => {
            t += 0x108;
            t <<= seg - 1;
        }
    }
    if a & 0x80 != 0 {
        t as i16
    } else {
        -t as i16
    }
}

const fn build_table(alaw: bool) -> [i16; 256] {
    let mut t = [0i16; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if alaw {
            alaw_decode_ref(i as u8)
        } else {
            ulaw_decode_ref(i as u8)
        };
        i += 1;
    }
    t
}

static ULAW_TABLE: [i16; 256] = build_table(false);
static ALAW_TABLE: [i16; 256] = build_table(true);

/// Decode one µ-law byte to linear PCM (range ±32124).
#[inline]
pub fn ulaw_decode(code: u8) -> i16 {
    ULAW_TABLE[code as usize]
}

/// Decode one A-law byte to linear PCM (range ±32256).
#[inline]
pub fn alaw_decode(code: u8) -> i16 {
    ALAW_TABLE[code as usize]
}

/// Encode one linear PCM sample to µ-law (reference `linear2ulaw`).
#[inline]
pub fn ulaw_encode(pcm: i16) -> u8 {
    let mut v = (pcm as i32) >> 2;
    let mask: u8 = if v < 0 {
        v = -v;
        0x7F
    } else {
        0xFF
    };
    // v + 33 lies in 33..=8192; segment = index of the top bit minus 5.
    let v = v.min(ULAW_CLIP) + (ULAW_BIAS >> 2);
    let seg = 31 - (v as u32).leading_zeros() - 5;
    if seg >= 8 {
        return 0x7F ^ mask;
    }
    let u = ((seg << 4) as u8) | (((v >> (seg + 1)) & 0x0F) as u8);
    u ^ mask
}

/// Encode one linear PCM sample to A-law (reference `linear2alaw`).
#[inline]
pub fn alaw_encode(pcm: i16) -> u8 {
    let mut v = (pcm as i32) >> 3;
    let mask: u8 = if v >= 0 {
        0xD5
    } else {
        v = -v - 1;
        0x55
    };
    // v lies in 0..=4095: segment 0 below 32, else index of the top bit minus 4.
    let seg = if v < 32 {
        0
    } else {
        31 - (v as u32).leading_zeros() - 4
    };
    let q = if seg < 2 { v >> 1 } else { v >> seg };
    let a = ((seg << 4) as u8) | ((q & 0x0F) as u8);
    a ^ mask
}

/// Append the decoded samples of µ-law bytes `src` to `out`.
pub fn ulaw_to_pcm(src: &[u8], out: &mut Vec<i16>) {
    out.extend(src.iter().map(|&b| ULAW_TABLE[b as usize]));
}

/// Append the µ-law encoding of `src` to `out`.
pub fn pcm_to_ulaw(src: &[i16], out: &mut Vec<u8>) {
    out.extend(src.iter().map(|&s| ulaw_encode(s)));
}

/// Append the decoded samples of A-law bytes `src` to `out`.
pub fn alaw_to_pcm(src: &[u8], out: &mut Vec<i16>) {
    out.extend(src.iter().map(|&b| ALAW_TABLE[b as usize]));
}

/// Append the A-law encoding of `src` to `out`.
pub fn pcm_to_alaw(src: &[i16], out: &mut Vec<u8>) {
    out.extend(src.iter().map(|&s| alaw_encode(s)));
}

/// Append 16-bit little-endian bytes (the agent's `pcm_*` formats) as samples to `out`.
/// Returns the bytes consumed (even); an odd trailing byte is left for the caller to carry.
pub fn pcm16le_from_bytes(src: &[u8], out: &mut Vec<i16>) -> usize {
    let chunks = src.chunks_exact(2);
    out.extend(chunks.map(|c| i16::from_le_bytes([c[0], c[1]])));
    src.len() & !1
}

/// Append `src` as 16-bit little-endian bytes to `out`.
pub fn pcm16le_to_bytes(src: &[i16], out: &mut Vec<u8>) {
    out.reserve(src.len() * 2);
    for s in src {
        out.extend_from_slice(&s.to_le_bytes());
    }
}

/// Append big-endian L16 bytes (RTP L16 / Asterisk `slin*`) as samples to `out`.
/// Returns the bytes consumed (even); an odd trailing byte is left for the caller to carry.
pub fn l16be_from_bytes(src: &[u8], out: &mut Vec<i16>) -> usize {
    let chunks = src.chunks_exact(2);
    out.extend(chunks.map(|c| i16::from_be_bytes([c[0], c[1]])));
    src.len() & !1
}

/// Append `src` as big-endian L16 bytes to `out`.
pub fn l16be_to_bytes(src: &[i16], out: &mut Vec<u8>) {
    out.reserve(src.len() * 2);
    for s in src {
        out.extend_from_slice(&s.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Straight ports of the reference g711.c encoders (segment search by table).
    fn search(val: i32, table: &[i32; 8]) -> i32 {
        for (i, &end) in table.iter().enumerate() {
            if val <= end {
                return i as i32;
            }
        }
        8
    }

    fn linear2ulaw_ref(pcm: i16) -> u8 {
        const SEG_UEND: [i32; 8] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF];
        let mut v = (pcm as i32) >> 2;
        let mask = if v < 0 {
            v = -v;
            0x7F
        } else {
            0xFF
        };
        if v > ULAW_CLIP {
            v = ULAW_CLIP;
        }
        v += ULAW_BIAS >> 2;
        let seg = search(v, &SEG_UEND);
        if seg >= 8 {
            (0x7F ^ mask) as u8
        } else {
            (((seg << 4) | ((v >> (seg + 1)) & 0xF)) ^ mask) as u8
        }
    }

    fn linear2alaw_ref(pcm: i16) -> u8 {
        const SEG_AEND: [i32; 8] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF];
        let mut v = (pcm as i32) >> 3;
        let mask = if v >= 0 {
            0xD5
        } else {
            v = -v - 1;
            0x55
        };
        let seg = search(v, &SEG_AEND);
        if seg >= 8 {
            return (0x7F ^ mask) as u8;
        }
        let mut a = seg << 4;
        a |= if seg < 2 {
            (v >> 1) & 0xF
        } else {
            (v >> seg) & 0xF
        };
        (a ^ mask) as u8
    }

    #[test]
    fn fast_encoders_match_reference_for_every_sample() {
        for s in i16::MIN..=i16::MAX {
            assert_eq!(ulaw_encode(s), linear2ulaw_ref(s), "ulaw {s}");
            assert_eq!(alaw_encode(s), linear2alaw_ref(s), "alaw {s}");
        }
    }

    #[test]
    fn ulaw_known_code_points() {
        assert_eq!(ulaw_encode(0), 0xFF);
        // -1 >> 2 == -1 in the reference, i.e. magnitude 1: code 0x7E (decodes to -8).
        assert_eq!(ulaw_encode(-1), 0x7E);
        assert_eq!(ulaw_encode(32767), 0x80);
        assert_eq!(ulaw_encode(-32768), 0x00);
        assert_eq!(ulaw_decode(0xFF), 0);
        assert_eq!(ulaw_decode(0x7F), 0);
        assert_eq!(ulaw_decode(0x00), -32124);
        assert_eq!(ulaw_decode(0x80), 32124);
        assert_eq!(ulaw_decode(0x7E), -8);
        assert_eq!(ulaw_decode(0xFE), 8);
        assert_eq!(ulaw_decode(0xEF), 132);
        assert_eq!(ulaw_decode(0x8F), 16764);
        assert_eq!(ulaw_decode(0x81), 31100);
    }

    #[test]
    fn alaw_known_code_points() {
        assert_eq!(alaw_decode(0xD5), 8);
        assert_eq!(alaw_decode(0x55), -8);
        assert_eq!(alaw_decode(0xAA), 32256);
        assert_eq!(alaw_decode(0x2A), -32256);
        assert_eq!(alaw_decode(0xD4), 24);
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(alaw_encode(-1), 0x55);
        assert_eq!(alaw_encode(32767), 0xAA);
        assert_eq!(alaw_encode(-32768), 0x2A);
    }

    #[test]
    fn every_code_round_trips() {
        for c in 0..=255u8 {
            let expect_u = if c == 0x7F { 0xFF } else { c };
            assert_eq!(ulaw_encode(ulaw_decode(c)), expect_u, "ulaw {c:#04x}");
            assert_eq!(alaw_encode(alaw_decode(c)), c, "alaw {c:#04x}");
        }
    }

    #[test]
    fn decoding_and_encoding_are_monotonic() {
        // Codes sorted by decoded value must be strictly increasing (apart from µ-law's two zeros).
        let mut u: Vec<i16> = (0..=255u8).map(ulaw_decode).collect();
        u.sort_unstable();
        u.dedup();
        assert_eq!(u.len(), 255);
        let mut a: Vec<i16> = (0..=255u8).map(alaw_decode).collect();
        a.sort_unstable();
        a.dedup();
        assert_eq!(a.len(), 256);
        // Encode-then-decode never decreases as the input grows.
        let (mut pu, mut pa) = (i16::MIN, i16::MIN);
        for s in i16::MIN..=i16::MAX {
            let du = ulaw_decode(ulaw_encode(s));
            let da = alaw_decode(alaw_encode(s));
            assert!(du >= pu && da >= pa, "at {s}");
            pu = du;
            pa = da;
        }
    }

    fn snr_db(orig: &[i16], dec: &[i16]) -> f64 {
        let sig: f64 = orig.iter().map(|&x| (x as f64).powi(2)).sum();
        let err: f64 = orig
            .iter()
            .zip(dec)
            .map(|(&a, &b)| (a as f64 - b as f64).powi(2))
            .sum();
        10.0 * (sig / err).log10()
    }

    #[test]
    fn sine_round_trip_snr_above_35_db() {
        let pcm: Vec<i16> = (0..8000)
            .map(|n| {
                (16000.0 * (2.0 * std::f64::consts::PI * 1013.0 * n as f64 / 8000.0).sin()) as i16
            })
            .collect();
        let (mut bytes, mut dec) = (Vec::new(), Vec::new());
        pcm_to_ulaw(&pcm, &mut bytes);
        ulaw_to_pcm(&bytes, &mut dec);
        assert_eq!(dec.len(), pcm.len());
        let su = snr_db(&pcm, &dec);
        bytes.clear();
        dec.clear();
        pcm_to_alaw(&pcm, &mut bytes);
        alaw_to_pcm(&bytes, &mut dec);
        let sa = snr_db(&pcm, &dec);
        assert!(su > 35.0 && sa > 35.0, "ulaw {su:.1} dB, alaw {sa:.1} dB");
    }

    #[test]
    fn byte_order_helpers() {
        let s = [0x0102i16, -2, i16::MIN];
        let mut le = Vec::new();
        pcm16le_to_bytes(&s, &mut le);
        assert_eq!(le, [0x02, 0x01, 0xFE, 0xFF, 0x00, 0x80]);
        let mut be = Vec::new();
        l16be_to_bytes(&s, &mut be);
        assert_eq!(be, [0x01, 0x02, 0xFF, 0xFE, 0x80, 0x00]);
        let mut back = Vec::new();
        assert_eq!(pcm16le_from_bytes(&le, &mut back), 6);
        assert_eq!(back, s);
        back.clear();
        // Odd trailing byte is not consumed.
        be.push(0x7F);
        assert_eq!(l16be_from_bytes(&be, &mut back), 6);
        assert_eq!(back, s);
        back.clear();
        assert_eq!(pcm16le_from_bytes(&[1], &mut back), 0);
        assert!(back.is_empty());
    }
}
