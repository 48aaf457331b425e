//! Media: packets and codecs (`rtp`, `rtcp`, `g711`, `resample`, `wav`, `tone`), RFC 3550
//! reception statistics (`reception`), timing (`pacer`, `playout`), round-trip markers (`roundtrip`) and echo timing (`echo`), and the
//! per-call engines: serve's (`agent_side`, the agent protocol and audio conversion both
//! transports share; `call_media` and `rtp_playout`, the two halves of an RTP call, one owned
//! by the call's task and one by the pacing thread; `ws_call_media` for chan_websocket; with
//! `recorder` and `call_rtp`) and the test caller's (`caller_media`).

pub mod agent_side;
pub mod call_media;
pub mod call_rtp;
pub mod caller_media;
pub mod echo;
pub mod g711;
pub mod pacer;
pub mod playout;
pub mod reception;
pub mod recorder;
pub mod resample;
pub mod roundtrip;
pub mod rtcp;
pub mod rtp;
pub mod rtp_playout;
pub mod tone;
pub mod wav;
pub mod ws_call_media;
