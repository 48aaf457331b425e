//! WebSocket settings shared by vcctl's connections (ARI events, the agent, agent-sim).

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// tungstenite zeroes the free part of its read buffer on every read, including reads that
/// find nothing (128 KiB by default). Most ARI and agent messages are under 2 KiB (a 20 ms
/// `user_audio_chunk` is about 250 bytes); a larger one reserves its own length from its
/// header, so a small buffer costs no extra copies, only a read or two more for big audio
/// events. 128 KiB -> 8 KiB cut `vcctl bench`'s CPU per call by a third; 8 -> 2 KiB took the
/// memset out of the profile's top symbols.
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(2 * 1024)
}
