//! Small shared pieces: reconnect backoff (`backoff`), the file stem of a call's files
//! (`file_stem`), UDP port ranges (`port_range`), SVG chart pieces (`svg`).

pub mod backoff;
pub mod file_stem;
pub mod port_range;
pub mod svg;
