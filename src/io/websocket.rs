//! WebSocket settings shared by vcctl's connections (ARI events, the agent, agent-sim).

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// tungstenite zeroes its whole read buffer on every read (128 KiB by default). ARI and agent
/// messages are small, so a small buffer saves a large memset per message on the media path
/// (it showed as the top symbol in a profile of `vcctl bench`).
pub fn config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(8 * 1024)
}
