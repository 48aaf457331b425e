//! The command line: clap derive definitions only. Shared flag groups are defined once and
//! flattened; `commands/` turns them into settings and calls into the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::AriFlags;
use vcctl_core::media::call_media::MediaSettings;

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
    /// ARI base URL, or several separated by commas for a cluster (channels, bridge list,
    /// endpoints, info, events and doctor cover every node) [env: VCCTL_ARI_URL, or
    /// ASTERISK_ARI_HOST + ASTERISK_ARI_PORT] [default: http://127.0.0.1:8088]
    #[arg(long, global = true, value_name = "URL[,URL...]")]
    pub ari_url: Option<String>,
    /// A file naming a cluster's nodes, one `NAME URL` a line (instead of --ari-url)
    /// [env: VCCTL_ARI_NODES]
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "ari_url")]
    pub nodes: Option<PathBuf>,
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
            nodes: self.nodes.clone(),
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
    /// Call records kept by serve: list, show, export, statistics per agent profile, bundle
    Calls(CallsArgs),
    /// Live view of a running serve's calls (full screen on a terminal; a table otherwise)
    Top(TopArgs),
    /// Benchmark serve's media path with synthetic calls and agent-sim on loopback
    Bench(BenchArgs),
    /// Check SIP, RTP, ARI and HTTP API ports: listeners, host firewall, NAT, reachability
    CheckFirewall(CheckFirewallArgs),
    /// Run the troubleshooting runbook end to end and print a checklist with fixes
    Doctor(DoctorArgs),
    /// Place a SIP test call: timings, RTP statistics, audio round trip, recording
    Call(CallArgs),
    /// Place and hold many SIP calls at once (concurrency steps, SLO verdicts); or answer them (--answer)
    Load(LoadArgs),
    /// Capture SIP and RTP to pcap files (AF_PACKET + kernel filter; needs root or CAP_NET_RAW)
    Capture(CaptureArgs),
    /// RTP streams of a capture file: loss, jitter, sequence errors, problems (as Wireshark counts)
    RtpStats(RtpStatsArgs),
    /// SIP ladder of each call in a capture file, with missing ACKs and NAT mistakes
    SipFlow(SipFlowArgs),
    /// Measured one-way latency per component of the call path, against the documented ranges
    LatencyReport(LatencyReportArgs),
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
    /// Watch the events a running `vcctl serve` receives, via its HTTP API (e.g.
    /// http://127.0.0.1:8000); needs no ARI credentials
    #[arg(long, value_name = "URL")]
    pub serve: Option<String>,
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
    /// SQLite database file, or a PostgreSQL URL postgres://user@host/db?sslmode=require shared by several nodes [env: VCCTL_DB] [default: $XDG_DATA_HOME/vcctl/vcctl.db, else ~/.local/share/vcctl/vcctl.db]
    #[arg(long, global = true, value_name = "FILE|URL")]
    pub db: Option<String>,
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
pub struct CallsArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub action: Option<CallsAction>,
}

#[derive(Debug, Subcommand)]
pub enum CallsAction {
    /// List calls, newest first (the default)
    List(CallsListArgs),
    /// One call: timeline, RTP statistics, latency figures, transcript, recording
    Show { id: String },
    /// Write call records as CSV or JSON lines (to stdout, or -o FILE)
    Export(CallsExportArgs),
    /// Per agent profile: calls, success rate, duration and agent response percentiles
    Stats(CallsStatsArgs),
    /// Everything about one call in one .tar.gz for a support ticket (secrets removed)
    Bundle(CallsBundleArgs),
}

#[derive(Debug, Args, Clone)]
pub struct CallsBundleArgs {
    /// The call's id (as `calls list` shows it)
    pub id: String,
    /// Where to write the bundle
    #[arg(short, long, value_name = "FILE.tar.gz")]
    pub output: PathBuf,
    /// Directory of serve's per-call event and agent logs [default: call-logs/ beside the
    /// database]
    #[arg(long, value_name = "DIR")]
    pub call_logs: Option<PathBuf>,
    /// Keep the agent's and the caller's audio payloads in the agent log (when serve kept
    /// them: serve --call-logs-audio); without it they are summarized as sizes
    #[arg(long)]
    pub with_audio: bool,
    /// Replace the caller's phone numbers and names by caller-1, caller-2, ... everywhere
    #[arg(long)]
    pub redact_callers: bool,
}

#[derive(Debug, Args, Clone)]
pub struct TopArgs {
    /// HTTP API of vcctl serve
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8000")]
    pub serve: String,
    /// Refreshes per second of the full-screen view
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=20))]
    pub rate: u64,
    /// Print one snapshot as a table (or --json) and exit, even on a terminal
    #[arg(long)]
    pub once: bool,
    /// Where the bundle key (b) writes: DIR/<call id>.tar.gz
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub bundle_dir: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Which calls a `calls` subcommand looks at.
#[derive(Debug, Args, Clone, Default)]
pub struct CallsFilterArgs {
    /// Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME
    /// (RFC 3339, e.g. 2025-01-31T12:00:00Z)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Only calls with this outcome (in_progress: not ended yet)
    #[arg(long, value_enum)]
    pub outcome: Option<CallOutcomeArg>,
    /// Only calls served by this agent profile
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Only calls from this number
    #[arg(long, value_name = "NUMBER")]
    pub caller: Option<String>,
    /// Only calls this node handled: its Asterisk entity id or its serve instance
    #[arg(long, value_name = "NODE")]
    pub node: Option<String>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct CallsListArgs {
    #[command(flatten)]
    pub filter: CallsFilterArgs,
    /// Show at most N calls; 0: all
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: u32,
}

#[derive(Debug, Args, Clone)]
pub struct CallsExportArgs {
    #[command(flatten)]
    pub filter: CallsFilterArgs,
    /// csv: one row per call, a header row, RFC 4180 quoting; jsonl: one JSON record a line
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Write to FILE instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args, Clone, Default)]
pub struct CallsStatsArgs {
    /// Only calls that started within DURATION before now (30m, 1h, 2d) or after TIME
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Only this agent profile
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Only calls this node handled: its Asterisk entity id or its serve instance
    #[arg(long, value_name = "NODE")]
    pub node: Option<String>,
    /// One row per agent profile, per node (serve instance and Asterisk entity id), or per
    /// Asterisk
    #[arg(long, value_enum, default_value_t = StatsBy::Profile)]
    pub by: StatsBy,
}

/// How `calls stats` groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum StatsBy {
    #[default]
    Profile,
    /// The serve instance that handled the call, with its Asterisk
    Node,
    /// The Asterisk entity id only
    Asterisk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum CallOutcomeArg {
    Completed,
    AgentFailed,
    CallerAbandoned,
    Error,
    Unfinished,
    InProgress,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Jsonl,
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
          value_parser = vcctl_core::agent::proto::AudioFormat::parse)]
    pub format: vcctl_core::agent::proto::AudioFormat,
    /// Send `interruption` when the caller starts speaking while the agent talks
    #[arg(long)]
    pub interrupt_on_speech: bool,
    /// Tone frequency in tone mode
    #[arg(long, value_name = "HZ", default_value_t = 440.0)]
    pub tone_hz: f64,
    /// Tone length in tone mode
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub tone_ms: u64,
    /// Tone mode: send each reply at once instead of in real time (a fast TTS)
    #[arg(long)]
    pub tone_burst: bool,
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

/// What check-firewall (and doctor's firewall part) checks.
#[derive(Debug, Args, Clone)]
pub struct NetCheckArgs {
    /// SIP port, or `none` [default: 5060/udp]
    #[arg(long, value_name = "PORT/PROTO")]
    pub sip: Option<String>,
    /// ARI port, or `none` [default: 8088/tcp; doctor: the port of the ARI URL]
    #[arg(long, value_name = "PORT/PROTO")]
    pub ari: Option<String>,
    /// HTTP API port of vcctl serve, or `none` [default: 8000/tcp; doctor: the port of --api-url]
    #[arg(long, value_name = "PORT/PROTO")]
    pub api: Option<String>,
    /// RTP port range, or `none` [default: rtpstart-rtpend of rtp.conf, else 16384-32768/udp]
    #[arg(long, value_name = "A-B/PROTO")]
    pub rtp: Option<String>,
    /// The media transport vcctl serve uses (serve --transport): with websocket the agent
    /// leg's media runs over the ARI port (checked, with chan_websocket) instead of RTP
    #[arg(long, value_enum, default_value_t = TransportArg::Rtp)]
    pub transport: TransportArg,
    /// Asterisk's configuration directory (pjsip.conf, rtp.conf, http.conf) [default:
    /// /etc/asterisk as the running Asterisk sees it, inside its chroot or container]
    #[arg(long, value_name = "DIR")]
    pub asterisk_config: Option<PathBuf>,
    /// STUN server asked for the public address, or `none`
    #[arg(
        long,
        value_name = "HOST:PORT",
        default_value = "stun.l.google.com:19302"
    )]
    pub stun: String,
    /// The address callers use to reach this host (compared with STUN and PJSIP)
    #[arg(long, value_name = "ADDR")]
    pub external_ip: Option<std::net::IpAddr>,
    /// A reflector on another host (vcctl check-firewall --reflector) that probes each port
    #[arg(long, value_name = "ADDR:PORT")]
    pub peer: Option<String>,
    /// Interface outside traffic arrives on [default: the one of the default route]
    #[arg(long, value_name = "IFACE")]
    pub interface: Option<String>,
    /// Callers are on this host (a lab): loopback listeners are fine, NAT is not checked,
    /// the firewall is evaluated for loopback traffic
    #[arg(long)]
    pub local_only: bool,
    /// ARI and the HTTP API are used from other hosts, so their ports must be open
    #[arg(long)]
    pub remote_clients: bool,
    /// Evaluate the firewall for IPv6 instead of IPv4
    #[arg(long)]
    pub ipv6: bool,
    /// RTP ports probed through the reflector
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u16).range(2..=400))]
    pub samples: u16,
}

#[derive(Debug, Args)]
pub struct CheckFirewallArgs {
    #[command(flatten)]
    pub net: NetCheckArgs,
    /// Run as the reflector for another host's --peer instead of checking this host
    #[arg(long, requires = "listen")]
    pub reflector: bool,
    /// With --reflector: the address to listen on
    #[arg(long, value_name = "ADDR:PORT", requires = "reflector")]
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub net: NetCheckArgs,
    /// Agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]
    #[arg(long, value_name = "URL")]
    pub agent_url: Option<String>,
    /// Agent id for the WebSocket handshake [env: ELEVENLABS_AGENT_ID]
    #[arg(long, value_name = "ID")]
    pub agent_id: Option<String>,
    /// HTTP API of vcctl serve
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8000")]
    pub api_url: String,
    /// Kamailio's ctl socket, e.g. unix:/run/kamailio/kamailio_ctl: doctor asks Kamailio's
    /// dispatcher (kamcmd dispatcher.list) which nodes it sends calls to and says where it
    /// and ARI disagree [env: VCCTL_KAMAILIO_CTL]
    #[arg(long, value_name = "SOCKET")]
    pub kamailio_ctl: Option<String>,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    /// Whom to call, e.g. sip:echo@127.0.0.1:5060 (SIP goes over UDP to its host and port)
    pub uri: String,
    /// From URI [default: sip:<--sip-user, else vcctl>@<local address>]
    #[arg(long, value_name = "URI")]
    pub from: Option<String>,
    /// User name for SIP digest authentication (when the PBX answers 401/407)
    #[arg(long, value_name = "U")]
    pub sip_user: Option<String>,
    /// Password for SIP digest authentication; prefer the environment to a flag
    #[arg(
        long,
        value_name = "P",
        env = "VCCTL_SIP_PASSWORD",
        hide_env_values = true
    )]
    pub sip_password: Option<String>,
    /// Send this WAV file (16-bit PCM; other rates are resampled, channels mixed to mono)
    #[arg(long, value_name = "WAV", conflicts_with = "tone")]
    pub play: Option<PathBuf>,
    /// Send a sine tone of this frequency
    #[arg(long, value_name = "HZ")]
    pub tone: Option<f64>,
    /// Write what the far end sends to this WAV file (8 kHz, 16-bit, mono)
    #[arg(long, value_name = "WAV")]
    pub record: Option<PathBuf>,
    /// Seconds to stay connected after the answer; 0: until the far end hangs up or Ctrl-C
    /// [default: 10, or the length of --play plus 1]
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Seconds to wait for the answer before giving up (CANCEL)
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub timeout: f64,
    /// Offer only this codec [default: offer ulaw, then alaw]
    #[arg(long, value_enum)]
    pub codec: Option<CallCodec>,
    /// Local address for SIP (IP or IP:PORT); RTP uses the same IP [default: the address that reaches the target]
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Do not write round-trip markers (short chirps) into the outgoing audio
    #[arg(long)]
    pub no_markers: bool,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Whom to call, e.g. sip:test@127.0.0.1:5060 (SIP over UDP to its host and port)
    #[arg(required_unless_present = "answer")]
    pub uri: Option<String>,
    /// Calls in progress at once (placed and not yet ended)
    #[arg(long, value_name = "N", default_value_t = 10, conflicts_with = "ramp",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub concurrency: u32,
    /// Calls to place in all [default: --concurrency]
    #[arg(long, value_name = "TOTAL", conflicts_with = "ramp")]
    pub calls: Option<u64>,
    /// Most calls started per second; 0: as fast as the concurrency allows
    #[arg(long, value_name = "CALLS_PER_S", default_value_t = 10.0)]
    pub rate: f64,
    /// Seconds each answered call stays up [default: 10; with --ramp: to the end of the run]
    #[arg(long, value_name = "S")]
    pub hold: Option<f64>,
    /// Concurrency steps, e.g. 25,50,100,200: each held --step-secs, figures and SLO verdict per step
    #[arg(long, value_name = "N,N,...", value_delimiter = ',',
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub ramp: Vec<u32>,
    /// Length of each --ramp step
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub step_secs: f64,
    /// Send a sine tone of this frequency [default: silence; markers either way]
    #[arg(long, value_name = "HZ", conflicts_with = "play")]
    pub tone: Option<f64>,
    /// Send this WAV file on every call (16-bit PCM; resampled to 8 kHz mono)
    #[arg(long, value_name = "WAV")]
    pub play: Option<PathBuf>,
    /// Offer only this codec [default: offer ulaw, then alaw]
    #[arg(long, value_enum)]
    pub codec: Option<CallCodec>,
    /// From URI [default: sip:<--sip-user, else vcctl>@<local address>]
    #[arg(long, value_name = "URI")]
    pub from: Option<String>,
    /// User name for SIP digest authentication (when the PBX answers 401/407)
    #[arg(long, value_name = "U")]
    pub sip_user: Option<String>,
    /// Password for SIP digest authentication; prefer the environment to a flag
    #[arg(
        long,
        value_name = "P",
        env = "VCCTL_SIP_PASSWORD",
        hide_env_values = true
    )]
    pub sip_password: Option<String>,
    /// Local IP (or IP:PORT for SIP) of the calls; RTP uses the same IP [default: any]
    #[arg(long, value_name = "IP")]
    pub bind: Option<String>,
    /// Seconds to wait for each call's answer before giving up (CANCEL)
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub timeout: f64,
    /// Do not write round-trip markers (short chirps) into the outgoing audio
    #[arg(long)]
    pub no_markers: bool,
    /// SLO: calls answered with audio both ways, in % of those placed, at least
    #[arg(long, value_name = "PERCENT", default_value_t = 99.9)]
    pub slo_answer: f64,
    /// SLO: audio round trip p95, at most (ignored with --no-markers)
    #[arg(long, value_name = "MS", default_value_t = 500.0)]
    pub slo_roundtrip_ms: f64,
    /// SLO: RTP received loss, at most
    #[arg(long, value_name = "PERCENT", default_value_t = 0.5)]
    pub slo_loss: f64,
    /// Write a chart of answer ratio, setup p95 and round-trip p95 against concurrency (SVG)
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// After the last call: wait --settle, then list channels and bridges left in Asterisk
    /// (ARI settings as usual) and calls serve still holds (--serve); fail when any remain
    #[arg(long)]
    pub audit_ari: bool,
    /// With --audit-ari: seconds to wait after the last call ended
    #[arg(long, value_name = "S", default_value_t = 5.0)]
    pub settle: f64,
    /// With --audit-ari: HTTP API of vcctl serve ("none": do not ask serve)
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8000")]
    pub serve: String,
    /// Also report the CPU of this process per step, e.g. asterisk=1234 (repeatable, up to 8)
    #[arg(long = "cpu-pid", value_name = "NAME=PID", value_parser = parse_key_val)]
    pub cpu_pids: Vec<(String, String)>,
    /// Be the far end instead: answer every INVITE and echo its RTP (for measuring the generator alone)
    #[arg(long)]
    pub answer: bool,
    /// With --answer: SIP address to listen on (IPv4); RTP on an even port of the same IP
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:5090",
        requires = "answer"
    )]
    pub listen: std::net::SocketAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CallCodec {
    Ulaw,
    Alaw,
}

#[derive(Debug, Args)]
pub struct LatencyReportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Measure now with active probes (SIP OPTIONS, an echo call, ARI REST and user events, the agent);
    /// components probes cannot see still come from the call records
    #[arg(long)]
    pub probe: bool,
    /// The last N calls serve recorded [default: 50]
    #[arg(long, value_name = "N", conflicts_with_all = ["call", "since"])]
    pub last: Option<u32>,
    /// One call record
    #[arg(long, value_name = "ID", conflicts_with = "since")]
    pub call: Option<String>,
    /// Calls that started within DURATION before now (30m, 1h, 2d) or after TIME (RFC 3339)
    #[arg(long, value_name = "DURATION|TIME")]
    pub since: Option<String>,
    /// Only calls this node handled: its Asterisk entity id or its serve instance
    #[arg(long, value_name = "NODE")]
    pub node: Option<String>,
    /// End-to-end target; exit 8 when the total p95 is above it
    #[arg(long, value_name = "MS", default_value_t = 300.0)]
    pub target_ms: f64,
    /// Write a waterfall chart of the breakdown to this SVG file
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// With --probe: SIP URI of an echo extension [default: sip:echo@<ARI host>:5060]
    #[arg(long, value_name = "URI")]
    pub sip_uri: Option<String>,
    /// With --probe: agent base URL [env: ELEVENLABS_BASE_URL] [default: https://api.elevenlabs.io]
    #[arg(long, value_name = "URL")]
    pub agent_url: Option<String>,
    /// With --probe: requests per probe
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub probe_count: u32,
    /// With --probe: skip the echo call (SIP processing and RTP forwarding stay without data)
    #[arg(long)]
    pub no_call: bool,
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
    fn ws_idle_silence_is_on_unless_turned_off() {
        let serve = |extra: &[&str]| {
            let mut args = vec!["vcctl", "serve"];
            args.extend_from_slice(extra);
            match Cli::try_parse_from(args).map(|c| c.command) {
                Ok(Command::Serve(s)) => Ok(s.ws_idle_silence),
                Ok(_) => panic!("wrong command"),
                Err(e) => Err(e.kind()),
            }
        };
        assert_eq!(serve(&[]), Ok(true));
        assert_eq!(serve(&["--ws-idle-silence", "off"]), Ok(false));
        assert_eq!(serve(&["--ws-idle-silence", "on"]), Ok(true));
        assert!(serve(&["--ws-idle-silence", "maybe"]).is_err());
    }

    #[test]
    fn playout_flags_default_to_the_media_settings_for_serve_and_bench() {
        let d = MediaSettings::default();
        let ms = |t: std::time::Duration| t.as_millis() as u64;
        let Command::Serve(s) = Cli::try_parse_from(["vcctl", "serve"]).unwrap().command else {
            panic!("wrong command")
        };
        assert_eq!(
            (s.prebuffer_ms, s.underflow_grace_ms),
            (ms(d.prebuffer), ms(d.underflow_grace))
        );
        let Command::Bench(b) = Cli::try_parse_from(["vcctl", "bench"]).unwrap().command else {
            panic!("wrong command")
        };
        assert_eq!(
            (b.prebuffer_ms, b.underflow_grace_ms),
            (ms(d.prebuffer), ms(d.underflow_grace))
        );
        // Given (values other than the defaults), they win; the grace stays below one frame.
        let Command::Serve(s) = Cli::try_parse_from([
            "vcctl",
            "serve",
            "--prebuffer-ms",
            "60",
            "--underflow-grace-ms",
            "5",
        ])
        .unwrap()
        .command
        else {
            panic!("wrong command")
        };
        assert_eq!((s.prebuffer_ms, s.underflow_grace_ms), (60, 5));
        assert!(Cli::try_parse_from(["vcctl", "serve", "--underflow-grace-ms", "20"]).is_err());
    }

    #[test]
    fn help_never_shows_a_password_value() {
        std::env::set_var("ASTERISK_ARI_PASSWORD", "should-not-leak");
        let help = Cli::command().render_long_help().to_string();
        assert!(!help.contains("should-not-leak"));
    }
}

/// `--prebuffer-ms`'s default for serve and bench: the media path's own
/// (`MediaSettings::default()`), so the flag cannot drift from what the library uses.
fn default_prebuffer_ms() -> u64 {
    MediaSettings::default().prebuffer.as_millis() as u64
}

/// `--underflow-grace-ms`'s default for serve and bench, likewise.
fn default_underflow_grace_ms() -> u64 {
    MediaSettings::default().underflow_grace.as_millis() as u64
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// This serve's name in call records, to tell the nodes of a cluster apart [env: VCCTL_INSTANCE] [default: host name:HTTP port]
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// HTTP API address (healthz, readyz, metrics, calls, events); an address other than
    /// loopback needs an API token (VCCTL_API_TOKEN, VCCTL_API_TOKEN_FILE or --api-token-file)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    pub http: std::net::SocketAddr,
    /// File holding the HTTP API's bearer token (wins over VCCTL_API_TOKEN and
    /// VCCTL_API_TOKEN_FILE; there is no flag for the token itself: `ps` would show it)
    #[arg(long, value_name = "PATH")]
    pub api_token_file: Option<std::path::PathBuf>,
    /// Local address of the per-call RTP sockets
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub rtp_bind: std::net::IpAddr,
    /// Address Asterisk sends RTP to [default: --rtp-bind]
    #[arg(long, value_name = "IP")]
    pub rtp_advertise: Option<std::net::IpAddr>,
    /// UDP ports for the per-call RTP sockets (keep them apart from Asterisk's rtp.conf range)
    #[arg(long, value_name = "A-B", default_value = "40000-40999")]
    pub rtp_ports: vcctl_core::util::port_range::PortRange,
    /// RTP format of the externalMedia leg
    #[arg(long, value_enum, default_value_t = RtpFormatArg::Ulaw)]
    pub format: RtpFormatArg,
    /// Media transport to Asterisk: rtp (externalMedia RTP, a UDP port per call) or websocket
    /// (chan_websocket on the ARI HTTP port, no UDP; Asterisk 22.8 or later)
    #[arg(long, value_enum, default_value_t = TransportArg::Rtp)]
    pub transport: TransportArg,
    /// --transport websocket: most agent audio sent to Asterisk and not yet played there
    /// (Asterisk drops whole messages at 1000 queued frames, sends MEDIA_XOFF at 900)
    #[arg(long, value_name = "MS", default_value_t = 16000,
          value_parser = clap::value_parser!(u64).range(20..=19980))]
    pub ws_window_ms: u64,
    /// --transport websocket: send silence frames between responses and after a barge-in so
    /// the caller's leg keeps receiving RTP (chan_websocket 22.9+ sends none; some phones hang
    /// up or show "no audio" without it); the silence still queued when a response begins is
    /// flushed, so it delays nothing (docs/websocket-media.md)
    #[arg(long, value_name = "on|off", default_value = "on", action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub ws_idle_silence: bool,
    /// Agent base URL: https://api.elevenlabs.io, a residency host, or a local agent-sim
    /// (ws://127.0.0.1:9000) [env: ELEVENLABS_BASE_URL]
    #[arg(long, value_name = "URL")]
    pub agent_url: Option<String>,
    /// Duration of each audio chunk sent to the agent
    #[arg(long, value_name = "MS", default_value_t = 20,
          value_parser = clap::value_parser!(u64).range(10..=500))]
    pub chunk_ms: u64,
    /// RTP: agent audio queued before a talkspurt starts (0: as soon as one frame is queued)
    #[arg(long, value_name = "MS", default_value_t = default_prebuffer_ms(),
          value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub prebuffer_ms: u64,
    /// RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late
    /// agent audio before it sends silence (0: silence at once)
    #[arg(long, value_name = "MS", default_value_t = default_underflow_grace_ms(),
          value_parser = clap::value_parser!(u64).range(0..=19))]
    pub underflow_grace_ms: u64,
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
    /// Refuse calls beyond this many at once: hung up before they are answered, with the
    /// cause congestion (the caller gets 503 Service Unavailable)
    #[arg(long, value_name = "N")]
    pub max_calls: Option<usize>,
    /// End a call whose caller has sent no media for this long (a caller that vanished
    /// without BYE); calls on hold are exempt; 0 turns it off
    #[arg(long, value_name = "S", default_value_t = 10.0)]
    pub media_timeout: f64,
    /// How often to look for channels and bridges in the app that belong to no live call;
    /// what is seen twice in a row is released; 0 turns it off
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    pub reconcile_secs: f64,
    /// Most ARI requests in flight at once; keep it below Asterisk's HTTP session limit
    /// (http.conf sessionlimit, 100 by default), which the events WebSocket and other
    /// clients share
    #[arg(long, value_name = "N", env = "VCCTL_ARI_MAX_REQUESTS", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub ari_max_requests: u64,
    /// Record each call to DIR/<call id>.wav: caller left, agent right, 16-bit at the RTP rate
    /// (built from the bridged RTP; the call record notes the file)
    #[arg(long, value_name = "DIR", conflicts_with = "record_ari")]
    pub record: Option<PathBuf>,
    /// Have Asterisk record each call's bridge as the stored recording <call id> (download it
    /// with `vcctl recordings get`; the call record notes `ari:<call id>`)
    #[arg(long)]
    pub record_ari: bool,
    /// Write each call's RTP, both directions, to DIR/<call id>.pcap (raw IP with synthesized
    /// IP/UDP headers, for Wireshark or `vcctl rtp-stats`)
    #[arg(long, value_name = "DIR")]
    pub capture: Option<PathBuf>,
    /// Per-call event and agent protocol logs (for `calls bundle`): DIR/<call id>.events.jsonl
    /// and .agent.jsonl [default: call-logs/ beside the database]
    #[arg(long, value_name = "DIR")]
    pub call_logs: Option<PathBuf>,
    /// Keep the per-call logs of this many calls (older ones are deleted); 0: write none
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub call_logs_keep: usize,
    /// Largest size of one call's log file; the rest of the call is not logged
    #[arg(long, value_name = "MB", default_value_t = 16)]
    pub call_logs_max_mb: u64,
    /// Keep audio payloads in the per-call agent logs (else their sizes only)
    #[arg(long)]
    pub call_logs_audio: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RtpFormatArg {
    /// G.711 µ-law (passes through untouched to a ulaw_8000 agent)
    Ulaw,
    /// 16 kHz linear PCM (big-endian L16 on the wire); over RTP one way only: Asterisk drops
    /// the L16 it receives on externalMedia, so the caller hears nothing. Two-way with
    /// --transport websocket, and byte for byte to a pcm_16000 agent
    Slin16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TransportArg {
    /// externalMedia RTP: serve paces the audio, a UDP port per call
    Rtp,
    /// chan_websocket: media over the ARI HTTP(S) port, Asterisk paces and can flush
    Websocket,
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
    /// The media path to measure, as serve's --transport: rtp (serve paces RTP to a synthetic
    /// Asterisk) or websocket (a synthetic Asterisk speaking chan_websocket)
    #[arg(long, value_enum, default_value_t = TransportArg::Rtp)]
    pub transport: TransportArg,
    /// RTP: agent audio queued before a talkspurt starts (serve's --prebuffer-ms)
    #[arg(long, value_name = "MS", default_value_t = default_prebuffer_ms(),
          value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub prebuffer_ms: u64,
    /// RTP: how long a slot that finds the playout queue dry mid-talkspurt waits for late
    /// audio before it sends silence (serve's --underflow-grace-ms)
    #[arg(long, value_name = "MS", default_value_t = default_underflow_grace_ms(),
          value_parser = clap::value_parser!(u64).range(0..=19))]
    pub underflow_grace_ms: u64,
}

#[derive(Debug, Args)]
pub struct CaptureArgs {
    /// Interface to capture on, or `any` for all of them
    #[arg(
        short = 'i',
        long = "interface",
        value_name = "IFACE",
        default_value = "any"
    )]
    pub interface: String,
    /// SIP port (UDP, either direction)
    #[arg(long, value_name = "PORT", default_value_t = 5060)]
    pub sip_port: u16,
    /// RTP port range (UDP, either direction), e.g. Asterisk's rtp.conf range
    #[arg(long, value_name = "A-B", default_value = "16384-32768")]
    pub rtp_ports: vcctl_core::util::port_range::PortRange,
    /// Only traffic from or to this address
    #[arg(long, value_name = "ADDR")]
    pub host: Option<std::net::IpAddr>,
    /// File to write (pcap, nanosecond timestamps); with --rotate-mb: FILE-0001.pcap, ...
    #[arg(
        short = 'w',
        long = "write",
        value_name = "FILE",
        required_unless_present = "dump_filter"
    )]
    pub write: Option<PathBuf>,
    /// Stop after S seconds [default: until Ctrl-C]
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Stop after N packets
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Start a new file when the current one reaches N megabytes (10^6 bytes)
    #[arg(long, value_name = "N")]
    pub rotate_mb: Option<f64>,
    /// Kernel socket buffer in megabytes (a larger one rides out bursts without drops)
    #[arg(long, value_name = "N", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=2047))]
    pub buffer_mb: u32,
    /// Print the kernel filter (classic BPF, tcpdump -d notation) and exit
    #[arg(long)]
    pub dump_filter: bool,
}

#[derive(Debug, Args)]
pub struct RtpStatsArgs {
    /// Capture file (pcap or pcapng; Ethernet, Linux cooked, raw IP, loopback link types)
    pub file: PathBuf,
    /// Arrival gaps longer than this are reported as problems
    #[arg(long, value_name = "MS", default_value_t = 60.0)]
    pub gap_ms: f64,
    /// Packetization the stack expects
    #[arg(long, value_name = "MS", default_value_t = 20.0)]
    pub ptime_ms: f64,
    /// Packets of one SSRC a flow needs before it counts as RTP when no SDP announced it
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub min_packets: usize,
    /// Only analyse streams an SDP in the capture announced
    #[arg(long)]
    pub no_heuristic: bool,
    /// Exit with code 8 when problems are found
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct SipFlowArgs {
    /// Capture file (pcap or pcapng)
    pub file: PathBuf,
    /// Only calls whose Call-ID contains this text
    #[arg(long, value_name = "TEXT")]
    pub call_id: Option<String>,
}
