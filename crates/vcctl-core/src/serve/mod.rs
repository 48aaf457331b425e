//! `vcctl serve`'s pure pieces outside the media engine: its per-call log lines and shutdown
//! summary (`call_log`), the call records it stores and the views render (`records`), the
//! server-sent events decoder its API's clients use (`sse`), one reader of a call's streamed
//! timeline (`follow`), a live call's bounded timeline and
//! serve's totals (`timeline`), and a support bundle's redaction and README (`bundle`).

pub mod bundle;
pub mod call_log;
pub mod follow;
pub mod records;
pub mod sse;
pub mod timeline;
