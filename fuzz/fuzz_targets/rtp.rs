//! Arbitrary bytes as frames of every link type, as an RTCP compound packet, and as RTP
//! packets; the first bytes pick the split into packets fed to one stream analyzer.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use vcctl_core::analysis::rtp_stats::{PayloadMap, StreamAnalyzer};
use vcctl_core::capture::net::{decode, LinkType};
use vcctl_core::media::rtcp::{encode_compound, parse_compound};
use vcctl_core::media::rtp::RtpPacket;

fuzz_target!(|data: &[u8]| {
    for lt in [0, 1, 12, 14, 101, 108, 113, 228, 229, 276] {
        let _ = decode(LinkType(lt), data);
    }
    // What parses re-encodes into something that parses again.
    if let Ok(packets) = parse_compound(data) {
        assert!(parse_compound(&encode_compound(&packets)).is_ok());
    }
    let mut a = StreamAnalyzer::new(PayloadMap::new(), 60.0);
    let mut t = Duration::from_secs(1);
    let mut rest = data;
    while rest.len() >= 2 {
        let len = (rest[0] as usize).min(rest.len() - 1);
        t += Duration::from_micros(rest[1] as u64 * 200);
        let chunk = &rest[1..1 + len];
        if let Ok(p) = RtpPacket::parse(chunk) {
            a.push(t, &p);
        }
        rest = &rest[1 + len..];
    }
    let _ = a.stats();
});
