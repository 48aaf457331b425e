//! I/O adapters: each one wraps a transport around the sans-IO core.

pub mod agent_sim;
pub mod agent_ws;
pub mod app_probe;
pub mod ari_events;
pub mod ari_http;
pub mod ari_retry;
pub mod asterisk_host;
pub mod asterisk_media_ws;
pub mod bench;
pub mod bench_peer;
pub mod bench_ws_peer;
pub mod capture;
pub mod clock;
pub mod health;
pub mod latency_probe;
pub mod load;
pub mod load_answer;
pub mod netcheck;
pub mod pcap;
pub mod serve;
pub mod serve_events;
pub mod signals;
pub mod sip_call;
pub mod store;
pub mod tls;
pub mod websocket;
