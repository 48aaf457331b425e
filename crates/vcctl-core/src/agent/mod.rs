//! The ElevenLabs voice agent: its WebSocket protocol and transcript (`proto`), and which
//! agent profile answers a call (`routing`).

pub mod proto;
pub mod routing;
