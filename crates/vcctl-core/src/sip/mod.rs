//! SIP: message and SDP parsing (`message`), G.711 SDP offers and answers (`sdp`), the
//! caller's UAC state machine (`ua`), the answering UAS of `load --answer` (`uas`), digest
//! authentication (`digest`, MD5 from the `md-5` crate).

pub mod digest;
pub mod message;
pub mod sdp;
pub mod ua;
pub mod uas;
