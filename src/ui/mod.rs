//! Rendering for people (tables, progress) and scripts (`--json`).

pub mod agent_views;
pub mod ari_views;
pub mod output;
pub mod progress;
