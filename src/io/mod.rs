//! I/O adapters: each one wraps a transport around the sans-IO core.

pub mod agent_sim;
pub mod agent_ws;
pub mod ari_events;
pub mod ari_http;
pub mod bench;
pub mod call;
pub mod call_capture;
pub mod call_recording;
pub mod capture;
pub mod clock;
pub mod health;
pub mod http_api;
pub mod latency_probe;
pub mod media_loop;
pub mod netcheck;
pub mod pcap;
pub mod rtp_socket;
pub mod serve;
pub mod serve_events;
pub mod serve_metrics;
pub mod signals;
pub mod sip_call;
pub mod store;
pub mod tls;
pub mod websocket;
