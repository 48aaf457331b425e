//! The ElevenLabs voice agent: its WebSocket protocol and transcript (`proto`), which
//! agent profile answers a call (`routing`), and agent-sim's conversation engine, the
//! service's stand-in (`sim`).

pub mod proto;
pub mod routing;
pub mod sim;
