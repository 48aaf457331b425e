//! `vcctl check-firewall`: for SIP, ARI, the HTTP API and the RTP range, who listens, what
//! the host firewall does with a new inbound packet (and which rule decides), whether the
//! public address matches Asterisk's NAT settings, and, with `--peer`, which probes from a
//! reflector on another host really arrive. `--reflector --listen ADDR:PORT` runs that
//! reflector instead.

use std::net::SocketAddr;

use super::net_checks::{fail_if_failed, network_checks, NetOptions};
use super::Ctx;
use crate::cli::CheckFirewallArgs;
use crate::error::{Error, Result};
use crate::io::netcheck;
use crate::ui::check_views::CheckReport;
use crate::ui::output::emit;
use vcctl_core::checks::procnet::Proto;
use vcctl_core::checks::verdicts::PortSpec;

pub async fn run(ctx: &Ctx, args: CheckFirewallArgs) -> Result<()> {
    if args.reflector {
        let addr = args
            .listen
            .ok_or_else(|| Error::Usage("--reflector needs --listen ADDR:PORT".into()))?;
        return reflector(addr).await;
    }
    let opts = NetOptions::from_args(
        &args.net,
        PortSpec::single(8088, Proto::Tcp),
        PortSpec::single(8000, Proto::Tcp),
    )?;
    let net = network_checks(&opts, true).await;
    let report = CheckReport::new("check-firewall", net.context, net.rows);
    emit(&report, ctx.json())?;
    fail_if_failed(&report)
}

async fn reflector(addr: SocketAddr) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::io(format!("listening on {addr}"), e))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::io("reading the listening address", e))?;
    eprintln!(
        "vcctl check-firewall: reflector listening on {local}; it probes only the host that asks; Ctrl-C or SIGTERM stops"
    );
    netcheck::run_reflector(listener, crate::io::signals::stop_requested())
        .await
        .map_err(|e| Error::io("running the reflector", e))
}
