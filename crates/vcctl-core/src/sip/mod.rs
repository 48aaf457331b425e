//! SIP: message and SDP parsing (`message`), G.711 SDP offers and answers (`sdp`), the
//! caller's UAC state machine (`ua`), the answering UAS of `load --answer` (`uas`), digest
//! authentication (`digest`, with `md5`).

pub mod digest;
pub mod md5;
pub mod message;
pub mod sdp;
pub mod ua;
pub mod uas;
