//! vcctl: run and debug a SIP phone -> Asterisk 22 (ARI) -> ElevenLabs voice-agent stack.
//!
//! # Layout
//! - [`vcctl_core`] (crates/vcctl-core): sans-IO logic in domain folders: media, SIP, the agent
//!   protocol, ARI models, capture and analysis, the netfilter model, checks, load, metrics.
//!   No sockets, no tasks, no clock reads; time is a parameter. Its own crate, so it cannot
//!   import anything from here.
//! - [`io`]: thin adapters around the core: ARI REST and events, UDP, the agent WebSocket,
//!   pcap files, the HTTP API, the SQLite store.
//! - [`ui`]: tables, JSON and progress bars rendered for people or scripts.
//! - [`commands`]: one file per subcommand, holding only the glue between flags and library.
//! - [`config`]: flags + environment + `.env` resolved into validated settings.
//! - [`error`]: the crate error, its one-sentence rendering and its exit code.
//!
//! Rule: `io` adapts, `commands` glue, `ui` renders; the logic is in `vcctl_core`.

pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod io;
pub mod ui;

pub use error::{Error, Result};
