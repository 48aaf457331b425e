//! Sans-IO core: pure functions and state machines, unit-tested without sockets or clocks.

pub mod ari_model;
pub mod backoff;
pub mod g711;
pub mod pacer;
pub mod playout;
pub mod resample;
pub mod rtp;
pub mod tone;
