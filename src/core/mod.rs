//! Sans-IO core: pure functions and state machines, unit-tested without sockets or clocks.

pub mod agent_proto;
pub mod ari_model;
pub mod backoff;
pub mod call_media;
pub mod g711;
pub mod metrics;
pub mod pacer;
pub mod playout;
pub mod port_range;
pub mod resample;
pub mod routing;
pub mod rtp;
pub mod sse;
pub mod tone;
