//! vcctl: run and debug a SIP phone -> Asterisk 22 (ARI) -> ElevenLabs voice-agent stack.
//!
//! # Layout
//! - [`core`]: sans-IO logic. RTP packets, G.711, resampling, the pacing clock, the playout
//!   queue, jitter and loss statistics, SIP/SDP and packet parsing, the agent message codec,
//!   ARI models and latency math. No sockets, no tasks, no clock reads; time is a parameter.
//! - [`io`]: thin adapters around the core: ARI REST and events, UDP, the agent WebSocket,
//!   pcap files, the HTTP API, the SQLite store.
//! - [`ui`]: tables, JSON and progress bars rendered for people or scripts.
//! - [`commands`]: one file per subcommand, holding only the glue between flags and library.
//! - [`config`]: flags + environment + `.env` resolved into validated settings.
//! - [`error`]: the crate error, its one-sentence rendering and its exit code.
//!
//! Rule: `core` imports nothing from `io`, `ui` or `commands`.

pub mod cli;
pub mod commands;
pub mod config;
pub mod core;
pub mod error;
pub mod io;
pub mod ui;

pub use error::{Error, Result};
