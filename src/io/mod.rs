//! I/O adapters: each one wraps a transport around the sans-IO core.

pub mod agent_sim;
pub mod agent_ws;
pub mod ari_events;
pub mod ari_http;
pub mod bench;
pub mod call;
pub mod http_api;
pub mod media_loop;
pub mod rtp_socket;
pub mod serve;
pub mod serve_events;
pub mod serve_metrics;
pub mod store;
pub mod tls;
