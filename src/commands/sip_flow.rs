//! `vcctl sip-flow FILE`: the SIP ladder of each call in a capture file, or JSON.

use crate::cli::SipFlowArgs;
use crate::error::{Error, Result};
use crate::ui::output::emit;
use vcctl_core::analysis::rtp_stats::CaptureAnalyzer;

use super::rtp_stats::for_each_frame;
use super::Ctx;

pub async fn run(ctx: &Ctx, a: SipFlowArgs) -> Result<()> {
    let path = a.file.clone();
    let mut report = tokio::task::spawn_blocking(move || {
        let mut an = CaptureAnalyzer::sip_only();
        for_each_frame(&path, |r| {
            an.push_frame(r.ts, r.linktype, r.data, r.orig_len)
        })?;
        Ok::<_, Error>(an.sip_flows())
    })
    .await
    .map_err(|e| Error::Other(format!("reading the capture failed: {e}")))??;
    if let Some(id) = &a.call_id {
        report.calls.retain(|c| c.call_id.contains(id.as_str()));
        if report.calls.is_empty() {
            return Err(Error::NotFound(format!(
                "no call in {} has a Call-ID containing {id:?}",
                a.file.display()
            )));
        }
    }
    emit(&report, ctx.json())
}
