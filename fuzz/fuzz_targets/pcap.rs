//! Arbitrary bytes as a capture file: reading, link/IP/UDP decoding, RTP analysis and SIP
//! ladders must end in a report or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vcctl::io::pcap::PcapReader;
use vcctl_core::analysis::rtp_stats::{analyze_capture, sip_flows, AnalysisOptions};

fuzz_target!(|data: &[u8]| {
    if PcapReader::new(data).is_ok() {
        let open = || PcapReader::new(data).expect("opened before");
        if let Ok(report) = analyze_capture(open, &AnalysisOptions::default()) {
            let _ = report.to_string();
        }
    }
    if let Ok(reader) = PcapReader::new(data) {
        if let Ok(flows) = sip_flows(reader) {
            let _ = flows.to_string();
        }
    }
});
