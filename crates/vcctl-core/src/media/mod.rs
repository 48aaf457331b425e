//! Media: packets and codecs (`rtp`, `rtcp`, `g711`, `resample`, `wav`, `tone`), timing
//! (`pacer`, `playout`), round-trip markers (`roundtrip`) and echo timing (`echo`), and the
//! per-call engines: serve's (`call_media`, `ws_call_media` for chan_websocket, with
//! `recorder` and `call_rtp`) and the test caller's (`caller_media`).

pub mod call_media;
pub mod call_rtp;
pub mod caller_media;
pub mod echo;
pub mod g711;
pub mod pacer;
pub mod playout;
pub mod recorder;
pub mod resample;
pub mod roundtrip;
pub mod rtcp;
pub mod rtp;
pub mod tone;
pub mod wav;
pub mod ws_call_media;
