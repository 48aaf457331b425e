//! Sans-IO core: pure functions and state machines, unit-tested without sockets or clocks.

pub mod ari_model;
pub mod backoff;
pub mod rtp;
