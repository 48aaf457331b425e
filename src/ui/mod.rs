//! Rendering for people (tables, progress) and scripts (`--json`).

pub mod ari_views;
pub mod output;
pub mod progress;
