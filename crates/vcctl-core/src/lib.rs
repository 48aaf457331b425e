//! vcctl's sans-IO core: pure functions and state machines, unit-tested without sockets or
//! clocks. No sockets, no tasks, no clock reads, no file system: time and randomness are
//! parameters. The crate depends on no async runtime, HTTP client/server or database, and
//! forbids `unsafe`, so the compiler keeps these rules (docs/architecture.md).
//!
//! # Layout, by domain
//! - [`media`]: RTP, RTCP, G.711, resampling, pacing, playout, tones, WAV, round-trip
//!   markers, recordings, and the per-call media engines of `serve` and of the test caller.
//! - [`sip`]: SIP message and SDP parsing, SDP offers, the UAC and UAS state machines,
//!   digest authentication.
//! - [`agent`]: the ElevenLabs Agents protocol codec and transcript, agent profile routing.
//! - [`ari`]: ARI models, the app liveness probe's format, Asterisk `.conf` files.
//! - [`chan_websocket`]: Asterisk's WebSocket media channel.
//! - [`capture`]: link/IP/UDP decoding, the capture's BPF filter, live-capture counters.
//! - [`analysis`]: Wireshark-compatible RTP stream statistics and SIP ladders (`rtp-stats`),
//!   the latency breakdown, call-record statistics.
//! - [`netfilter`]: the host firewall model, its rule sources and fix commands.
//! - [`checks`]: the verdicts of `doctor` and `check-firewall`, and their evidence parsers.
//! - [`load`]: `vcctl load`'s scheduling, figures and SLO verdicts.
//! - [`metrics`]: the Prometheus registry and its text-format parser.
//! - [`serve`]: serve's log lines and the server-sent events decoder of its API's clients.
//! - [`util`]: reconnect backoff, port ranges, SVG chart pieces.

#![forbid(unsafe_code)]

pub mod agent;
pub mod analysis;
pub mod ari;
pub mod capture;
pub mod chan_websocket;
pub mod checks;
pub mod load;
pub mod media;
pub mod metrics;
pub mod netfilter;
pub mod serve;
pub mod sip;
pub mod util;
