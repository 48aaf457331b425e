//! RTP clock rates and codec names from payload types and SDP rtpmaps (Wireshark's tables).

use super::*;

// ---------------------------------------------------------------------------------------
// Clock rates (Wireshark's tables)
// ---------------------------------------------------------------------------------------

/// Clock rate Wireshark uses for a static payload type (0 = unknown: no jitter).
pub fn static_clock_rate(pt: u8) -> u32 {
    match pt {
        0..=5 | 7..=9 | 12 | 13 | 15 | 18 | 19 => 8000,
        6 => 16000,
        10 | 11 => 44100,
        16 => 11025,
        17 => 22050,
        14 | 25 | 26 | 28 | 31 | 32 | 33 | 34 => 90000,
        _ => 0,
    }
}

/// Clock rate Wireshark assumes for a dynamic payload type by encoding name prefix.
pub(super) fn dynamic_clock_by_name(name: &str) -> u32 {
    // Searched longest-prefix-first like Wireshark's reverse walk of its sorted table.
    const TABLE: &[(&str, u32)] = &[
        ("telephone-event", 8000),
        ("t140", 1000),
        ("SMV0", 8000),
        ("SMV", 8000),
        ("red", 1000),
        ("raw", 90000),
        ("pointer", 90000),
        ("opus", 48000),
        ("mpa-robust", 90000),
        ("MP4V-ES", 90000),
        ("MP2P", 90000),
        ("MP1S", 90000),
        ("H264", 90000),
        ("H263-2000", 90000),
        ("H263-1998", 90000),
        ("GSM-EFR", 8000),
        ("G729E", 8000),
        ("G729D", 8000),
        ("G726-40", 8000),
        ("G726-32", 8000),
        ("G726-24", 8000),
        ("G726-16", 8000),
        ("G7221", 16000),
        ("EVS", 16000),
        ("EVRCWB1", 16000),
        ("EVRCWB0", 16000),
        ("EVRCWB", 16000),
        ("EVRCB1", 8000),
        ("EVRCB0", 8000),
        ("EVRCB", 8000),
        ("EVRC1", 8000),
        ("EVRC0", 8000),
        ("EVRC", 8000),
        ("DV", 90000),
        ("BT656", 90000),
        ("BMPEG", 90000),
        ("AMR-WB", 16000),
        ("AMR", 8000),
    ];
    let lower = name.to_ascii_lowercase();
    TABLE
        .iter()
        .find(|(n, _)| lower.starts_with(&n.to_ascii_lowercase()))
        .map(|&(_, r)| r)
        .unwrap_or(0)
}

pub(super) fn is_telephone_event(name: &str) -> bool {
    name.len() >= 15 && name[..15].eq_ignore_ascii_case("telephone-event")
}

/// Short codec name for display.
pub fn codec_name(pt: u8, map: Option<&RtpMap>) -> String {
    if let Some(m) = map.filter(|_| pt >= 96) {
        return m.encoding.clone();
    }
    match Pt(pt).static_codec() {
        Some((name, _)) => name.to_string(),
        None => match (pt, map) {
            (_, Some(m)) => m.encoding.clone(),
            (2, _) => "G721".into(),
            (5 | 6, _) => "DVI4".into(),
            (7, _) => "LPC".into(),
            (12, _) => "QCELP".into(),
            (15, _) => "G728".into(),
            (19, _) => "CN(old)".into(),
            _ => format!("Unknown({pt})"),
        },
    }
}
