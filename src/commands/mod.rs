//! One file per subcommand: arguments in, a call into the library, a value out to `ui`.

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{AriSettings, Layers};
use crate::error::Result;
use crate::io::ari_http::AriClient;

pub mod agent_sim;
pub mod agents;
pub mod apps;
pub mod bench;
pub mod bridge;
pub mod call;
pub mod calls;
pub mod capture;
pub mod channels;
pub mod check_firewall;
pub mod completions;
pub mod doctor;
pub mod endpoints;
pub mod events;
pub mod info;
pub mod latency_report;
pub mod load;
pub mod net_checks;
pub mod originate;
pub mod recordings;
pub mod rtp_stats;
pub mod serve;
pub mod sip_flow;
pub mod top;

/// What every command may need: the global flags and the settings layers.
pub struct Ctx {
    pub global: GlobalArgs,
    pub layers: Layers,
}

impl Ctx {
    pub fn ari_settings(&self) -> Result<AriSettings> {
        Ok(AriSettings::resolve(
            &self.global.ari.flags(),
            &self.layers,
        )?)
    }

    pub fn ari(&self) -> Result<AriClient> {
        Ok(AriClient::new(&self.ari_settings()?)?)
    }

    pub fn json(&self) -> bool {
        self.global.json
    }
}

pub async fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx {
        global: cli.global,
        layers: Layers::load()?,
    };
    match cli.command {
        Command::Info => info::run(&ctx).await,
        Command::Endpoints(a) => endpoints::run(&ctx, a).await,
        Command::Channels(a) => channels::run(&ctx, a).await,
        Command::Originate(a) => originate::run(&ctx, a).await,
        Command::Bridge(a) => bridge::run(&ctx, a).await,
        Command::Apps => apps::run(&ctx).await,
        Command::Recordings(a) => recordings::run(&ctx, a).await,
        Command::Events(a) => events::run(&ctx, a).await,
        Command::Agents(a) => agents::run(&ctx, a).await,
        Command::Bench(a) => bench::run(&ctx, a).await,
        Command::Serve(a) => serve::run(&ctx, a).await,
        Command::Calls(a) => calls::run(&ctx, a).await,
        Command::Top(a) => top::run(&ctx, a).await,
        Command::AgentSim(a) => agent_sim::run(&ctx, a).await,
        Command::CheckFirewall(a) => check_firewall::run(&ctx, a).await,
        Command::Doctor(a) => doctor::run(&ctx, a).await,
        Command::Call(a) => call::run(&ctx, a).await,
        Command::Load(a) => load::run(&ctx, a).await,
        Command::Capture(a) => capture::run(&ctx, a).await,
        Command::RtpStats(a) => rtp_stats::run(&ctx, a).await,
        Command::SipFlow(a) => sip_flow::run(&ctx, a).await,
        Command::LatencyReport(a) => latency_report::run(&ctx, a).await,
        Command::Completions(a) => completions::run(a),
    }
}

/// Seconds since the Unix epoch, for computing ages of ARI timestamps.
pub use crate::io::clock::now_unix;
