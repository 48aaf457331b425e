//! SIP: message and SDP parsing (`message`), G.711 SDP offers and answers (`sdp`), the
//! caller's UAC state machine (`ua`, a folder by concern), the answering UAS of `load --answer` (`uas`), a whole test
//! call of `vcctl call` around the UAC and its media (`test_call`), digest authentication
//! (`digest`, MD5 from the `md-5` crate).

pub mod digest;
pub mod message;
pub mod sdp;
pub mod test_call;
pub mod ua;
pub mod uas;
