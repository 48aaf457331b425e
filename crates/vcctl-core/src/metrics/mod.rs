//! Prometheus: the registry serve exposes on `/metrics` (`registry`) and a strict parser of
//! the text format (`prom_text`).

pub mod prom_text;
pub mod registry;
