//! One file per subcommand: arguments in, a call into the library, a value out to `ui`.

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{resolve_nodes, AriNode, AriSettings, ConfigError, Layers, NodesSource};
use crate::error::{Error, Result};
use crate::io::ari_cluster::{ask_all, clients, NODE_TIMEOUT};
use crate::io::ari_http::{AriClient, AriError};
use vcctl_core::ari::cluster::{gather, partial_sentence, Gathered};

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
    /// The one Asterisk of a one-node command; a list of several is a usage error naming them.
    pub fn ari_settings(&self) -> Result<AriSettings> {
        let flags = self.global.ari.flags();
        match NodesSource::resolve(&flags, &self.layers)? {
            NodesSource::Urls(_) => Ok(AriSettings::resolve(&flags, &self.layers)?),
            NodesSource::File(_) => {
                let mut nodes = self.ari_nodes()?;
                if nodes.len() > 1 {
                    return Err(ConfigError::several(nodes.iter().map(|n| n.name.as_str())).into());
                }
                Ok(nodes.remove(0).settings)
            }
        }
    }

    /// Every configured node (one unless `--ari-url` lists several or `--nodes` names them).
    pub fn ari_nodes(&self) -> Result<Vec<AriNode>> {
        let flags = self.global.ari.flags();
        let text = match NodesSource::resolve(&flags, &self.layers)? {
            NodesSource::File(path) => {
                Some(
                    std::fs::read_to_string(&path).map_err(|e| ConfigError::NodesFile {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?,
                )
            }
            NodesSource::Urls(_) => None,
        };
        Ok(resolve_nodes(&flags, &self.layers, text.as_deref())?)
    }

    pub fn ari(&self) -> Result<AriClient> {
        Ok(AriClient::new(&self.ari_settings()?)?)
    }

    pub fn json(&self) -> bool {
        self.global.json
    }
}

/// `ask` on every node at once, merged with each row labelled by its node. When no node
/// answers, the first node's error is the command's (the others' are on stderr).
pub async fn gather_nodes<T, F, Fut>(nodes: &[AriNode], ask: F) -> Result<Gathered<T>>
where
    F: Fn(AriClient) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<Vec<T>, AriError>>,
{
    let mut answers = ask_all(&clients(nodes, NODE_TIMEOUT)?, ask).await;
    if answers.iter().all(|(_, a)| a.is_err()) {
        for (name, a) in &answers[1..] {
            if let Err(e) = a {
                eprintln!("vcctl: node '{name}': {e}");
            }
        }
        let (_, first) = answers.remove(0);
        return Err(first.err().expect("every answer is an error").into());
    }
    Ok(gather(answers))
}

/// A list command over several nodes: ask each, print the labelled rows, name the silent
/// ones. `false` when there is one node (the command goes on as before).
pub async fn list_on_nodes<T, F, Fut>(ctx: &Ctx, ask: F) -> Result<bool>
where
    T: crate::ui::ari_views::TableRow + serde::Serialize,
    F: Fn(AriClient) -> Fut,
    Fut: std::future::Future<Output = std::result::Result<Vec<T>, AriError>>,
{
    let nodes = ctx.ari_nodes()?;
    if nodes.len() < 2 {
        return Ok(false);
    }
    let mut g = gather_nodes(&nodes, ask).await?;
    crate::ui::output::emit(
        &crate::ui::ari_views::NodeList(std::mem::take(&mut g.rows)),
        ctx.json(),
    )?;
    partial(&g, &nodes)?;
    Ok(true)
}

/// After the rows are shown: success when every node answered, else the partial-failure
/// error (exit code 13) naming the silent nodes in one line.
pub fn partial<T>(g: &Gathered<T>, nodes: &[AriNode]) -> Result<()> {
    if g.failed.is_empty() {
        return Ok(());
    }
    let answered: Vec<String> = nodes
        .iter()
        .map(|n| n.name.clone())
        .filter(|n| !g.failed.iter().any(|f| &f.node == n))
        .collect();
    Err(Error::Partial(partial_sentence(&g.failed, &answered)))
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
