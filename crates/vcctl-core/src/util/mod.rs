//! Small shared pieces: reconnect backoff (`backoff`), UDP port ranges (`port_range`), SVG
//! chart pieces (`svg`).

pub mod backoff;
pub mod port_range;
pub mod svg;
