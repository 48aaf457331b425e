//! `vcctl capture`: live capture of SIP and RTP-range UDP into pcap files, with a progress
//! line; Ctrl-C, `--duration` or `--count` end it with every file complete.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::cli::CaptureArgs;
use crate::error::{Error, Result};
use crate::io::capture::{self, Interface, Options, SNAPLEN};
use crate::ui::output::{emit, write_stdout};
use crate::ui::progress;
use vcctl_core::capture::bpf::{self, FilterSpec, Listing};
use vcctl_core::capture::live::rotated_path;

use super::Ctx;

/// The kernel filter the flags describe.
pub fn filter_spec(a: &CaptureArgs) -> FilterSpec {
    FilterSpec {
        sip_port: a.sip_port,
        rtp_ports: Some((a.rtp_ports.first, a.rtp_ports.last)),
        host: a.host,
        snaplen: SNAPLEN,
    }
}

fn options(a: &CaptureArgs) -> Result<Options> {
    let duration = match a.duration {
        Some(s) if !(s.is_finite() && s > 0.0 && s <= 31_536_000.0) => {
            return Err(Error::Usage(format!(
                "--duration {s} must be a number of seconds above 0"
            )))
        }
        s => s.map(Duration::from_secs_f64),
    };
    let rotate_bytes = match a.rotate_mb {
        Some(mb) if !(mb.is_finite() && mb >= 0.001) => {
            return Err(Error::Usage(format!(
                "--rotate-mb {mb} must be at least 0.001 (1000 bytes)"
            )))
        }
        mb => mb.map(|mb| (mb * 1e6) as u64),
    };
    if a.count == Some(0) {
        return Err(Error::Usage("--count must be at least 1".into()));
    }
    let Some(path) = a.write.clone() else {
        return Err(Error::Usage("-w FILE is required".into()));
    };
    Ok(Options {
        interface: a.interface.clone(),
        filter: filter_spec(a),
        path,
        rotate_bytes,
        count: a.count,
        duration,
        buffer_bytes: a.buffer_mb as usize * 1024 * 1024,
    })
}

pub async fn run(ctx: &Ctx, a: CaptureArgs) -> Result<()> {
    if a.dump_filter {
        let iface = Interface::lookup(&a.interface)?;
        let spec = filter_spec(&a);
        let prog = bpf::compile(&spec, iface.link_layer()).map_err(capture::CaptureError::from)?;
        return write_stdout(&format!(
            "# {spec} on {} ({:?} socket, {})\n{}",
            iface.name,
            iface.link_layer(),
            iface.linktype(),
            Listing(&prog)
        ));
    }
    let opts = options(&a)?;
    let stop = Arc::new(AtomicBool::new(false));
    let signals = tokio::spawn({
        let stop = stop.clone();
        async move {
            crate::io::signals::stop_requested().await;
            stop.store(true, Ordering::Relaxed);
        }
    });
    let report = tokio::task::spawn_blocking(move || {
        let pb = progress::spinner("starting");
        let r = capture::run(
            &opts,
            &stop,
            |iface, linktype| {
                // On stderr whatever the output format: scripts and tests wait for it.
                let target = match opts.rotate_bytes {
                    Some(_) => format!("{}, ...", rotated_path(&opts.path, 1).display()),
                    None => opts.path.display().to_string(),
                };
                pb.suspend(|| {
                    eprintln!(
                        "-- capturing on {} ({linktype}), filter: {}; writing {target}",
                        iface.name, opts.filter,
                    )
                });
            },
            |c, drops| pb.set_message(c.line(drops)),
        );
        pb.finish_and_clear();
        r
    })
    .await
    .map_err(|e| Error::Other(format!("the capture thread failed: {e}")))?;
    signals.abort();
    emit(&report?, ctx.json())
}
