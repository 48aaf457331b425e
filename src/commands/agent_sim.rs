//! `vcctl agent-sim`: serve the ElevenLabs Agents protocol locally until Ctrl-C, then print
//! the totals.

use std::time::Duration;

use serde::Serialize;

use crate::cli::{AgentSimArgs, AgentSimMode};
use crate::error::{Error, Result};
use crate::io::agent_sim::{serve, SimMode, SimOptions, SimStats};
use crate::ui::output::{emit, kv_table, Render};
use vcctl_core::agent::sim::ConversationConfig;

use super::Ctx;

pub fn options(args: &AgentSimArgs) -> SimOptions {
    SimOptions {
        conversation: ConversationConfig {
            mode: match args.mode {
                AgentSimMode::Echo => SimMode::Echo,
                AgentSimMode::Tone => SimMode::Tone,
            },
            response_delay: Duration::from_millis(args.response_delay_ms),
            format: args.format,
            interrupt_on_speech: args.interrupt_on_speech,
            tone_hz: args.tone_hz,
            tone_duration: Duration::from_millis(args.tone_ms),
            tone_burst: args.tone_burst,
            ping_interval: (args.ping_interval_ms > 0)
                .then(|| Duration::from_millis(args.ping_interval_ms)),
            tool_call: args.tool_call,
            chunk_ms: args.chunk_ms,
            extra_events: args.extra_events,
            end_after: args.end_after_ms.map(Duration::from_millis),
        },
        api_key: args.api_key.clone().filter(|k| !k.is_empty()),
        require_signed_url: args.require_signed_url,
        known_agent: args.known_agent.clone(),
        log_connections: true,
    }
}

pub async fn run(ctx: &Ctx, args: AgentSimArgs) -> Result<()> {
    if !(args.tone_hz > 0.0 && args.tone_hz < args.format.sample_rate as f64 / 2.0) {
        return Err(Error::Usage(format!(
            "--tone-hz {} must be above 0 and below half the sample rate of {}",
            args.tone_hz, args.format
        )));
    }
    let opts = options(&args);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| Error::io(format!("listening on {}", args.listen), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("reading the listening address", e))?;
    eprintln!(
        "vcctl agent-sim: listening on ws://{addr}/v1/convai/conversation?agent_id=ID \
         ({}, {}, response delay {} ms{}); signed URLs at \
         http://{addr}/v1/convai/conversation/get-signed-url?agent_id=ID; Ctrl-C or SIGTERM stops",
        match opts.conversation.mode {
            SimMode::Echo => "echo",
            SimMode::Tone => "tone",
        },
        opts.conversation.format,
        args.response_delay_ms,
        if opts.conversation.interrupt_on_speech {
            ", interrupts on speech"
        } else {
            ""
        }
    );
    let stats = serve(listener, opts, crate::io::signals::stop_requested())
        .await
        .map_err(|e| Error::io("serving the agent simulator", e))?;
    emit(&Totals(stats), ctx.json())
}

#[derive(Serialize)]
#[serde(transparent)]
struct Totals(SimStats);

impl Render for Totals {
    fn render_text(&self) -> String {
        let s = &self.0;
        let c = &s.counts;
        kv_table(&[
            ("conversations", c.conversations.to_string()),
            ("connections", s.connections.to_string()),
            ("signed URLs issued", s.signed_urls.to_string()),
            ("keys rejected", s.rejected_keys.to_string()),
            ("upgrades rejected", s.rejected_upgrades.to_string()),
            (
                "pings / pongs / missing",
                format!(
                    "{} / {} / {}",
                    c.pings_sent, c.pongs_received, s.pongs_missing
                ),
            ),
            ("max ping round trip", format!("{} ms", c.max_ping_rtt_ms)),
            (
                "audio in (chunks / bytes)",
                format!("{} / {}", c.audio_chunks_in, c.audio_bytes_in),
            ),
            (
                "audio out (events / bytes)",
                format!("{} / {}", c.audio_events_out, c.audio_bytes_out),
            ),
            ("interruptions", c.interruptions.to_string()),
            (
                "tool calls / results (errors)",
                format!(
                    "{} / {} ({})",
                    c.tool_calls, c.tool_results, c.tool_error_results
                ),
            ),
            ("invalid frames", c.invalid_frames.to_string()),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn flags_become_options() {
        let cli = Cli::try_parse_from([
            "vcctl",
            "agent-sim",
            "--listen",
            "127.0.0.1:0",
            "--mode",
            "tone",
            "--format",
            "pcm_16000",
            "--response-delay-ms",
            "50",
            "--interrupt-on-speech",
            "--tone-hz",
            "1000",
            "--ping-interval-ms",
            "0",
            "--tool-call",
        ])
        .unwrap();
        let Command::AgentSim(a) = cli.command else {
            panic!("wrong command")
        };
        let o = options(&a).conversation;
        assert_eq!(o.mode, SimMode::Tone);
        assert_eq!(o.format.name(), "pcm_16000");
        assert_eq!(o.response_delay, Duration::from_millis(50));
        assert!(o.interrupt_on_speech && o.tool_call);
        assert_eq!(o.ping_interval, None);
        assert_eq!(o.tone_hz, 1000.0);
        assert!(Cli::try_parse_from(["vcctl", "agent-sim", "--format", "mp3_44100"]).is_err());
        let d = Cli::try_parse_from(["vcctl", "agent-sim"]).unwrap();
        let Command::AgentSim(a) = d.command else {
            panic!("wrong command")
        };
        let o = options(&a).conversation;
        assert_eq!(o.mode, SimMode::Echo);
        assert_eq!(o.format.name(), "ulaw_8000");
        assert_eq!(o.ping_interval, Some(Duration::from_secs(2)));
        assert_eq!(a.listen.to_string(), "127.0.0.1:9000");
    }

    /// `--json` prints one flat object with every count under its own name (the
    /// conversation counts are the core's struct, flattened into the totals).
    #[test]
    fn json_totals_are_one_flat_object_with_every_count() {
        let mut stats = SimStats {
            connections: 3,
            pongs_missing: 2,
            ..Default::default()
        };
        stats.counts.audio_bytes_out = 800;
        stats.counts.max_ping_rtt_ms = 12;
        let v = serde_json::to_value(Totals(stats)).unwrap();
        let obj = v.as_object().expect("an object");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "audio_bytes_in",
                "audio_bytes_out",
                "audio_chunks_in",
                "audio_events_out",
                "connections",
                "conversations",
                "interruptions",
                "invalid_frames",
                "max_ping_rtt_ms",
                "pings_sent",
                "pongs_missing",
                "pongs_received",
                "pongs_unexpected",
                "rejected_keys",
                "rejected_upgrades",
                "signed_urls",
                "tool_calls",
                "tool_error_results",
                "tool_results",
            ]
        );
        assert!(obj.values().all(|x| x.is_u64()), "every count is a number");
        assert_eq!(
            (v["connections"].as_u64(), v["pongs_missing"].as_u64()),
            (Some(3), Some(2))
        );
        assert_eq!(
            (v["audio_bytes_out"].as_u64(), v["max_ping_rtt_ms"].as_u64()),
            (Some(800), Some(12))
        );
    }
}
