//! Text renderings of `capture`, `rtp-stats` and `sip-flow` (their JSON form is the report
//! itself).

use crate::ui::output::{kv_table, table, Render};
use vcctl_core::analysis::rtp_stats::{CaptureReport, Detection, SipFlowReport};
use vcctl_core::capture::live::{human_bytes, CaptureReport as LiveReport, StopReason};

impl Render for LiveReport {
    fn render_text(&self) -> String {
        let stopped = match self.stopped_by {
            StopReason::Count => "packet count reached",
            StopReason::Duration => "duration reached",
            StopReason::Interrupted => "interrupted",
        };
        let files = self
            .files
            .iter()
            .map(|f| {
                format!(
                    "{} ({} packets, {})",
                    f.path,
                    f.packets,
                    human_bytes(f.bytes)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        kv_table(&[
            ("interface", self.interface.clone()),
            ("link type", self.linktype.to_string()),
            ("filter", self.filter.clone()),
            ("packets", self.packets.to_string()),
            ("bytes on the wire", human_bytes(self.bytes)),
            ("SIP messages", self.sip_messages.to_string()),
            ("RTP streams", self.rtp_streams.to_string()),
            ("kernel drops", self.kernel_drops.to_string()),
            ("duration", format!("{:.1} s", self.duration_s)),
            ("stopped", stopped.to_string()),
            (
                if self.files.len() == 1 {
                    "file"
                } else {
                    "files"
                },
                files,
            ),
        ])
    }
}

fn ms(v: f64) -> String {
    format!("{v:.2}")
}

impl Render for CaptureReport {
    fn render_text(&self) -> String {
        let c = &self.capture;
        let mut out = format!(
            "{} frames, {} UDP datagrams, {} SIP messages, {} RTP packets in {} stream{}\n",
            c.frames,
            c.udp_datagrams,
            c.sip_messages,
            c.rtp_packets,
            self.streams.len(),
            if self.streams.len() == 1 { "" } else { "s" }
        );
        if self.streams.is_empty() {
            out.push_str("no RTP streams found\n");
        } else {
            let mut t = table([
                "#",
                "source",
                "destination",
                "SSRC",
                "codec",
                "packets",
                "lost",
                "seq err",
                "max delta ms",
                "max jitter ms",
                "mean jitter ms",
                "call",
            ]);
            for (i, s) in self.streams.iter().enumerate() {
                let st = &s.stats;
                t.add_row([
                    i.to_string(),
                    s.src.to_string(),
                    s.dst.to_string(),
                    s.ssrc_hex.clone(),
                    s.codec.clone(),
                    st.packets.to_string(),
                    format!("{} ({:.1}%)", st.lost, st.loss_percent),
                    st.sequence_errors.to_string(),
                    ms(st.max_delta_ms),
                    ms(st.max_jitter_ms),
                    ms(st.mean_jitter_ms),
                    match (&s.call_id, &s.detection) {
                        (Some(id), _) => id.clone(),
                        (None, Detection::Sdp) => "(SDP)".into(),
                        (None, Detection::Heuristic) => "(heuristic)".into(),
                    },
                ]);
            }
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.problems.is_empty() {
            out.push_str("\nProblems:\n");
            for p in &self.problems {
                out.push_str(&format!(" - {}\n", p.message));
            }
        }
        out
    }
}

impl Render for SipFlowReport {
    fn render_text(&self) -> String {
        self.to_string()
    }
}
