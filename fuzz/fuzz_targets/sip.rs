//! Arbitrary bytes as a SIP message and as an SDP body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vcctl_core::sip::message::{Sdp, SipMessage};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = SipMessage::parse(data) {
        let _ = (
            m.call_id(),
            m.cseq(),
            m.from_tag(),
            m.to_tag(),
            m.vias(),
            m.label(),
        );
        let _ = m.sdp();
        // What we serialise must parse again.
        let again = SipMessage::parse(&m.to_bytes()).expect("re-parse of serialised message");
        assert_eq!(again.start, m.start);
    }
    let _ = Sdp::parse(&String::from_utf8_lossy(data));
});
