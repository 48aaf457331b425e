//! I/O adapters: each one wraps a transport around the sans-IO core.

pub mod ari_events;
pub mod ari_http;
pub mod tls;
