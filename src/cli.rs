//! The command line: clap derive definitions only. Shared flag groups are defined once and
//! flattened; `commands/` turns them into settings and calls into the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::AriFlags;

#[derive(Debug, Parser)]
#[command(
    name = "vcctl",
    version,
    about = "Run and debug a SIP phone -> Asterisk 22 (ARI) -> ElevenLabs voice-agent stack",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Print machine-readable JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log detail on stderr (-v info, -vv debug, -vvv trace); or set RUST_LOG.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(flatten)]
    pub ari: AriArgs,
}

/// How to reach ARI. Unset flags fall back to the environment, then `.env`, then defaults.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "ARI connection")]
pub struct AriArgs {
    /// ARI base URL [env: VCCTL_ARI_URL, or ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]
    #[arg(long, global = true, value_name = "URL")]
    pub ari_url: Option<String>,
    /// ARI user [env: ASTERISK_ARI_USERNAME] [default: voiceclone]
    #[arg(long, global = true, value_name = "USER")]
    pub user: Option<String>,
    /// ARI password [env: ASTERISK_ARI_PASSWORD]; prefer the environment or .env to a flag
    #[arg(
        long,
        global = true,
        value_name = "PASSWORD",
        hide_default_value = true
    )]
    pub password: Option<String>,
    /// ARI application name [env: ASTERISK_ARI_APP] [default: voiceclone-app]
    #[arg(long, global = true, value_name = "NAME")]
    pub app: Option<String>,
    /// PEM file of a private CA for https/wss ARI [env: VCCTL_CA_CERT]
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

impl AriArgs {
    pub fn flags(&self) -> AriFlags {
        AriFlags {
            url: self.ari_url.clone(),
            user: self.user.clone(),
            password: self.password.clone(),
            app: self.app.clone(),
            ca_cert: self.ca_cert.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Asterisk version, build, uptime, last reload and entity id
    Info,
    /// List endpoints or show one (TECH/RESOURCE, e.g. PJSIP/anonymous)
    Endpoints(EndpointsArgs),
    /// List, show, hang up channels or read a channel variable
    Channels(ChannelsArgs),
    /// Originate a call (into the Stasis app unless a dialplan target is given)
    Originate(OriginateArgs),
    /// List, create, show, change and destroy bridges
    Bridge(BridgeArgs),
    /// ARI applications and their subscriptions
    Apps,
    /// Stored recordings: list, download, delete
    Recordings(RecordingsArgs),
    /// Stream ARI events (as an observer unless --app is given)
    Events(EventsArgs),
    /// Agent profiles: which ElevenLabs agent serves which calls (kept in the database)
    Agents(AgentsArgs),
    /// Run a local ElevenLabs Agents simulator (same WebSocket protocol) for tests and demos
    AgentSim(AgentSimArgs),
    /// Answer every call of the ARI app: bridge it to an ElevenLabs voice agent
    Serve(ServeArgs),
    /// Benchmark serve's media path with synthetic calls and agent-sim on loopback
    Bench(BenchArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct EndpointsArgs {
    #[command(subcommand)]
    pub action: Option<EndpointsAction>,
}

#[derive(Debug, Subcommand)]
pub enum EndpointsAction {
    /// List all endpoints (the default)
    List,
    /// Show one endpoint, e.g. PJSIP/anonymous
    Show { endpoint: String },
}

#[derive(Debug, Args)]
pub struct ChannelsArgs {
    #[command(subcommand)]
    pub action: Option<ChannelsAction>,
}

#[derive(Debug, Subcommand)]
pub enum ChannelsAction {
    /// List all channels (the default)
    List,
    /// Show one channel, with its RTP statistics when it has media
    Show { id: String },
    /// Hang up a channel
    Hangup {
        id: String,
        /// normal, busy, congestion, no_answer, timeout, rejected, unallocated, ...
        #[arg(long)]
        reason: Option<String>,
    },
    /// Read a channel variable or dialplan function, e.g. CALLERID(num)
    Var { id: String, name: String },
}

#[derive(Debug, Args)]
pub struct OriginateArgs {
    /// Endpoint to dial, e.g. PJSIP/1001 or Local/test@incoming
    pub endpoint: String,
    /// Arguments passed to the Stasis app, comma separated
    #[arg(long, value_name = "A,B")]
    pub app_args: Option<String>,
    /// Dialplan context (with --extension: send the call to the dialplan, not the app)
    #[arg(long, requires = "extension")]
    pub context: Option<String>,
    /// Dialplan extension
    #[arg(long)]
    pub extension: Option<String>,
    /// Dialplan priority
    #[arg(long, requires = "extension")]
    pub priority: Option<i64>,
    /// Caller id, e.g. '"Test" <1001>'
    #[arg(long)]
    pub caller_id: Option<String>,
    /// Seconds to wait for an answer
    #[arg(long, value_name = "S")]
    pub timeout: Option<u32>,
    /// Channel variable K=V (repeatable)
    #[arg(long = "var", value_name = "K=V", value_parser = parse_key_val)]
    pub vars: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct BridgeArgs {
    #[command(subcommand)]
    pub action: Option<BridgeAction>,
}

#[derive(Debug, Subcommand)]
pub enum BridgeAction {
    /// List bridges (the default)
    List,
    /// Create a bridge
    Create {
        /// mixing, holding, dtmf_events, proxy_media, video_sfu, video_single (comma separated)
        #[arg(long = "type", default_value = "mixing")]
        kind: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// Show one bridge
    Show { id: String },
    /// Add channels to a bridge
    Add {
        id: String,
        #[arg(required = true)]
        channels: Vec<String>,
    },
    /// Remove channels from a bridge
    Remove {
        id: String,
        #[arg(required = true)]
        channels: Vec<String>,
    },
    /// Destroy a bridge
    Destroy { id: String },
}

#[derive(Debug, Args)]
pub struct RecordingsArgs {
    #[command(subcommand)]
    pub action: Option<RecordingsAction>,
}

#[derive(Debug, Subcommand)]
pub enum RecordingsAction {
    /// List stored recordings (the default)
    List,
    /// Download a stored recording
    Get {
        name: String,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Delete a stored recording
    Delete { name: String },
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Keep streaming until interrupted, reconnecting when Asterisk goes away
    #[arg(long)]
    pub follow: bool,
    /// Only events of this type (repeatable), e.g. StasisStart
    #[arg(long = "type", value_name = "T")]
    pub types: Vec<String>,
    /// Only events about this channel id
    #[arg(long, value_name = "ID")]
    pub channel: Option<String>,
    /// With --app NAME (which registers NAME instead of watching as an observer): take the
    /// app over even if something (e.g. serve) is connected as it
    #[arg(long)]
    pub take_over: bool,
    /// Stop after N matching events
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Without --follow: stop after S seconds [default: 10]
    #[arg(long, value_name = "S")]
    pub timeout: Option<f64>,
}

/// Where the SQLite database lives; flattened into every command that uses it.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Database")]
pub struct DbArgs {
    /// SQLite database file [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AgentsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: Option<AgentsAction>,
}

#[derive(Debug, Subcommand)]
pub enum AgentsAction {
    /// List profiles in routing order, and the fallback from ELEVENLABS_AGENT_ID (the default)
    List,
    /// Show one profile and whether its API key variable is set (never the key)
    Show { name: String },
    /// Add a profile (last in the routing order unless --position is given)
    Add(AgentAddArgs),
    /// Remove a profile
    Remove { name: String },
    /// Show which profile would serve a call to EXTENSION from CALLER
    Route {
        /// The dialed extension
        #[arg(long, value_name = "EXT", default_value = "")]
        extension: String,
        /// The caller's number
        #[arg(long, value_name = "NUMBER", default_value = "")]
        caller: String,
    },
}

#[derive(Debug, Args)]
pub struct AgentAddArgs {
    /// Profile name: 1-64 letters, digits, '.', '_' or '-'
    pub name: String,
    /// ElevenLabs agent id
    #[arg(long, value_name = "ID")]
    pub agent_id: String,
    /// NAME of the environment variable holding the API key; the key itself is never stored
    /// [default: ELEVENLABS_API_KEY]
    #[arg(long, value_name = "VAR")]
    pub api_key_env: Option<String>,
    /// Voice override
    #[arg(long, value_name = "ID")]
    pub voice_id: Option<String>,
    /// First-message override
    #[arg(long, value_name = "TEXT")]
    pub first_message: Option<String>,
    /// Language override, e.g. en, de
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Calls to these extensions: '*' any run, '?' one character, '\' escapes; absent: any
    #[arg(long = "extension", value_name = "PATTERN")]
    pub extension_pattern: Option<String>,
    /// Calls from these numbers (same pattern syntax); absent: any
    #[arg(long = "caller", value_name = "PATTERN")]
    pub caller_pattern: Option<String>,
    /// Dynamic variable for the agent, K=V (repeatable)
    #[arg(long = "var", value_name = "K=V", value_parser = parse_key_val)]
    pub vars: Vec<(String, String)>,
    /// Place in the routing order, 1 is tried first [default: last]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(1..))]
    pub position: Option<i64>,
    /// Replace the profile of that name if it exists (keeping its place unless --position)
    #[arg(long)]
    pub replace: bool,
}

#[derive(Debug, Args)]
pub struct AgentSimArgs {
    /// Address to listen on (signed URLs and WebSocket on the same port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9000")]
    pub listen: std::net::SocketAddr,
    /// echo: return the caller's audio; tone: answer each caller turn with a tone
    #[arg(long, value_enum, default_value_t = AgentSimMode::Echo)]
    pub mode: AgentSimMode,
    /// Echo: delay of the returned audio; tone: end of caller speech to the tone
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub response_delay_ms: u64,
    /// Audio format of both directions: ulaw_8000, alaw_8000, pcm_8000, pcm_16000, pcm_22050, pcm_24000, pcm_44100, pcm_48000
    #[arg(long, value_name = "FORMAT", default_value = "ulaw_8000",
          value_parser = crate::core::agent_proto::AudioFormat::parse)]
    pub format: crate::core::agent_proto::AudioFormat,
    /// Send `interruption` when the caller starts speaking while the agent talks
    #[arg(long)]
    pub interrupt_on_speech: bool,
    /// Tone frequency in tone mode
    #[arg(long, value_name = "HZ", default_value_t = 440.0)]
    pub tone_hz: f64,
    /// Tone length in tone mode
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub tone_ms: u64,
    /// Keep-alive ping period; 0 sends no pings
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub ping_interval_ms: u64,
    /// Size of the audio events sent
    #[arg(long, value_name = "MS", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(10..=2000))]
    pub chunk_ms: u32,
    /// Send one client_tool_call at the start of each conversation
    #[arg(long)]
    pub tool_call: bool,
    /// Also send event types a client must ignore (tentative responses, vad_score, an invented one)
    #[arg(long)]
    pub extra_events: bool,
    /// API key that signed-URL requests must carry [default: any non-empty key]
    #[arg(
        long,
        value_name = "KEY",
        env = "VCCTL_SIM_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<String>,
    /// Refuse WebSocket connections without a signed URL's signature (a private agent)
    #[arg(long)]
    pub require_signed_url: bool,
    /// Only this agent id exists; others are not found [default: every id exists]
    #[arg(long, value_name = "ID")]
    pub known_agent: Option<String>,
    /// End each conversation from the agent side after this many milliseconds
    #[arg(long, value_name = "MS")]
    pub end_after_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgentSimMode {
    Echo,
    Tone,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

fn parse_key_val(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("'{s}' is not K=V")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn originate_parses_vars_and_targets() {
        let cli = Cli::try_parse_from([
            "vcctl",
            "originate",
            "Local/test@incoming",
            "--var",
            "A=1",
            "--var",
            "B=x=y",
            "--app-args",
            "test,1001",
        ])
        .unwrap();
        let Command::Originate(o) = cli.command else {
            panic!("wrong command")
        };
        assert_eq!(
            o.vars,
            vec![("A".into(), "1".into()), ("B".into(), "x=y".into())]
        );
        assert_eq!(o.app_args.as_deref(), Some("test,1001"));
        assert!(Cli::try_parse_from(["vcctl", "originate", "X", "--var", "novalue"]).is_err());
        assert!(Cli::try_parse_from(["vcctl", "originate", "X", "--context", "c"]).is_err());
    }

    #[test]
    fn ari_flags_are_global() {
        let cli =
            Cli::try_parse_from(["vcctl", "info", "--ari-url", "http://h:1", "--json"]).unwrap();
        assert_eq!(cli.global.ari.ari_url.as_deref(), Some("http://h:1"));
        assert!(cli.global.json);
    }

    #[test]
    fn help_never_shows_a_password_value() {
        std::env::set_var("ASTERISK_ARI_PASSWORD", "should-not-leak");
        let help = Cli::command().render_long_help().to_string();
        assert!(!help.contains("should-not-leak"));
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// HTTP API address (healthz, readyz, metrics, calls, events)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    pub http: std::net::SocketAddr,
    /// Local address of the per-call RTP sockets
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub rtp_bind: std::net::IpAddr,
    /// Address Asterisk sends RTP to [default: --rtp-bind]
    #[arg(long, value_name = "IP")]
    pub rtp_advertise: Option<std::net::IpAddr>,
    /// UDP ports for the per-call RTP sockets (keep them apart from Asterisk's rtp.conf range)
    #[arg(long, value_name = "A-B", default_value = "40000-40999")]
    pub rtp_ports: crate::core::port_range::PortRange,
    /// RTP format of the externalMedia leg
    #[arg(long, value_enum, default_value_t = RtpFormatArg::Ulaw)]
    pub format: RtpFormatArg,
    /// Agent base URL: https://api.elevenlabs.io, a residency host, or a local agent-sim
    /// (ws://127.0.0.1:9000) [env: ELEVENLABS_BASE_URL]
    #[arg(long, value_name = "URL")]
    pub agent_url: Option<String>,
    /// Duration of each audio chunk sent to the agent
    #[arg(long, value_name = "MS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(10..=500))]
    pub chunk_ms: u64,
    /// Agent audio queued before playout starts
    #[arg(long, value_name = "MS", default_value_t = 40,
          value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub prebuffer_ms: u64,
    /// When the agent cannot be reached or fails: hang up, or play --fallback-media first
    #[arg(long, value_enum, default_value_t = AgentFailureArg::Hangup)]
    pub on_agent_failure: AgentFailureArg,
    /// ARI hangup reason used when the agent fails (normal, busy, congestion, ...)
    #[arg(long, value_name = "REASON", default_value = "congestion")]
    pub failure_reason: String,
    /// ARI media to play before hanging up with --on-agent-failure fallback
    #[arg(
        long,
        value_name = "URI",
        default_value = "sound:an-error-has-occurred"
    )]
    pub fallback_media: String,
    /// Longest time the fallback plays before the hangup
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    pub fallback_secs: f64,
    /// On SIGTERM/SIGINT, how long active calls may go on before they are ended
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub drain_timeout: f64,
    /// Refuse calls beyond this many at once (hang up with congestion)
    #[arg(long, value_name = "N")]
    pub max_calls: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RtpFormatArg {
    /// G.711 µ-law (passes through untouched to a ulaw_8000 agent)
    Ulaw,
    /// 16 kHz linear PCM (big-endian L16 on the wire)
    Slin16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AgentFailureArg {
    Hangup,
    Fallback,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Numbers of concurrent calls to measure, comma separated
    #[arg(
        long,
        value_name = "N,N",
        value_delimiter = ',',
        default_value = "100,250,500"
    )]
    pub calls: Vec<usize>,
    /// Seconds to measure each N (after all its calls are set up)
    #[arg(long, value_name = "S", default_value_t = 10)]
    pub seconds: u64,
    /// Calls set up per second
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub ramp: usize,
}
