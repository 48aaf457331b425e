//! `vcctl rtp-stats FILE`: per-stream RTP statistics of a capture file, as a table or JSON.

use std::path::Path;

use crate::cli::RtpStatsArgs;
use crate::error::{Error, Result};
use crate::io::pcap::{self, PcapError};
use crate::ui::output::emit;
use crate::ui::progress;
use vcctl_core::analysis::rtp_stats::{AnalysisOptions, CaptureAnalyzer, CaptureReport};

use super::Ctx;

/// A capture that cannot be read, as one sentence with its exit code: a missing file is 5,
/// an unreadable one 1, an empty, malformed or truncated one 10.
pub fn read_error(path: &Path, e: PcapError) -> Error {
    match e {
        PcapError::Open { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            Error::NotFound(format!("{} does not exist", path.display()))
        }
        PcapError::Open { source, .. } => Error::io(format!("opening {}", path.display()), source),
        PcapError::Io(source) => Error::io(format!("reading {}", path.display()), source),
        other => Error::BadFile(format!("cannot read {}: {other}", path.display())),
    }
}

/// Feed every frame of `path` to `push`, with a spinner on a terminal. Reads without
/// allocating per frame.
pub fn for_each_frame(path: &Path, mut push: impl FnMut(pcap::RecordRef<'_>)) -> Result<u64> {
    let mut reader = pcap::open(path).map_err(|e| read_error(path, e))?;
    let pb = progress::spinner(format!("reading {}", path.display()));
    let mut n = 0u64;
    while let Some(r) = reader.next_ref() {
        push(r.map_err(|e| read_error(path, e))?);
        n += 1;
        if n & 0xffff == 0 {
            pb.set_message(format!("reading {}: {n} frames", path.display()));
        }
    }
    pb.finish_and_clear();
    Ok(n)
}

/// Analyse the RTP streams of a capture file: one pass, and a second one in the rare case
/// where exact figures need it (see `CaptureAnalyzer::needs_replay`).
pub fn analyze_file(path: &Path, opts: AnalysisOptions) -> Result<CaptureReport> {
    let mut a = CaptureAnalyzer::new(opts);
    for_each_frame(path, |r| a.push_frame(r.ts, r.linktype, r.data, r.orig_len))?;
    if a.needs_replay() {
        for_each_frame(path, |r| a.replay_frame(r.ts, r.linktype, r.data))?;
    }
    Ok(a.finish())
}

pub async fn run(ctx: &Ctx, a: RtpStatsArgs) -> Result<()> {
    for (flag, v) in [("--gap-ms", a.gap_ms), ("--ptime-ms", a.ptime_ms)] {
        if !(v.is_finite() && v > 0.0) {
            return Err(Error::Usage(format!("{flag} {v} must be above 0")));
        }
    }
    let opts = AnalysisOptions {
        gap_threshold_ms: a.gap_ms,
        expected_ptime_ms: a.ptime_ms,
        min_heuristic_packets: a.min_packets.max(1),
        heuristic: !a.no_heuristic,
    };
    let path = a.file.clone();
    let report = tokio::task::spawn_blocking(move || analyze_file(&path, opts))
        .await
        .map_err(|e| Error::Other(format!("the analysis failed: {e}")))??;
    emit(&report, ctx.json())?;
    if a.check && !report.problems.is_empty() {
        let n = report.problems.len();
        return Err(Error::ChecksFailed(format!(
            "{n} problem{} found in {}",
            if n == 1 { "" } else { "s" },
            a.file.display()
        )));
    }
    Ok(())
}
