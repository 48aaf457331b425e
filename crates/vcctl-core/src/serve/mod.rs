//! `vcctl serve`'s pure pieces outside the media engine: its per-call log lines and shutdown
//! summary (`call_log`), and the server-sent events decoder its API's clients use (`sse`).

pub mod call_log;
pub mod sse;
