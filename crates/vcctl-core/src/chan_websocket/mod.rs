//! Asterisk's WebSocket media channel (chan_websocket, ARI externalMedia with
//! `transport=websocket`, `encapsulation=none`), sans-IO.
//!
//! - [`proto`]: the control messages, both forms (plain text and JSON), both directions.
//! - [`link`]: one connection's state machine: agent audio out in whole frames with flow
//!   control, marks and flushes; Asterisk's events in; caller audio counted.
//! - [`sim`]: a model of chan_websocket's queue, for tests and benchmarks.
//!
//! docs/websocket-media.md has the protocol as Asterisk 22.10.1 implements it, with sources.

pub mod link;
pub mod proto;
pub mod sim;

pub use link::{LinkConfig, LinkEvent, LinkStats, MediaLink, Output};
pub use proto::{
    parse_event, Command, ControlFormat, Direction, Event, MediaFormat, MediaStart, ParseError,
    Status,
};

/// The externalMedia `transport_data` (dial-string options) for the control-message form:
/// `f(json)` (Asterisk 22.8 and later; older ones ignore it and speak plain text, which
/// [`MediaLink`] follows). The codec comes from externalMedia's own `format`.
pub fn transport_data(control: ControlFormat) -> String {
    format!("f({})", control.dial_option())
}

#[cfg(test)]
mod tests;
