//! Rendering for people (tables, progress) and scripts (`--json`).

pub mod agent_views;
pub mod ari_views;
pub mod call_views;
pub mod capture_views;
pub mod check_views;
pub mod latency_views;
pub mod load_views;
pub mod output;
pub mod progress;
pub mod record_views;
pub mod top;
