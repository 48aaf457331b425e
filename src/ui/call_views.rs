//! Rendering of `vcctl call` (a SIP test call): SIP timings, RTP statistics, round trip,
//! and the recording it wrote.

use std::path::PathBuf;

use serde::Serialize;

use crate::ui::output::{kv_table, Render};
use vcctl_core::sip::sdp::G711;
use vcctl_core::sip::test_call::CallReport;
use vcctl_core::sip::ua::Party;

/// Where the received audio was written.
#[derive(Debug, Clone, Serialize)]
pub struct Recording {
    pub path: PathBuf,
    pub seconds: f64,
}

/// `vcctl call` output.
#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    #[serde(flatten)]
    pub report: CallReport,
    pub recording: Option<Recording>,
}

fn ms(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{v:.1} ms"),
        None => "-".into(),
    }
}

fn codec_name(c: G711) -> &'static str {
    match c {
        G711::Pcmu => "PCMU/8000 (ulaw)",
        G711::Pcma => "PCMA/8000 (alaw)",
    }
}

impl Render for CallView {
    fn render_text(&self) -> String {
        let r = &self.report;
        let ended = match (r.ended_by, r.bye_status) {
            (Party::Remote, _) => "the far end hung up".to_string(),
            (Party::Local, Some(code)) => format!("vcctl hung up (BYE answered {code})"),
            (Party::Local, None) => "vcctl hung up (BYE not answered)".to_string(),
        };
        let t = &r.sip;
        let mut rows: Vec<(&str, String)> = vec![
            ("call", r.uri.clone()),
            (
                "result",
                format!("answered, {:.1} s of media, {ended}", r.media_seconds),
            ),
            ("codec", codec_name(r.codec).to_string()),
            (
                "media",
                match r.rtp_received.source {
                    Some(src) if src != r.remote_media => format!(
                        "{} -> {} (RTP arrives from {src})",
                        r.local_rtp, r.remote_media
                    ),
                    _ => format!("{} <-> {}", r.local_rtp, r.remote_media),
                },
            ),
            ("INVITE -> 100", ms(t.invite_to_100_ms)),
            ("INVITE -> 180", ms(t.invite_to_180_ms)),
        ];
        if t.invite_to_183_ms.is_some() {
            rows.push(("INVITE -> 183", ms(t.invite_to_183_ms)));
        }
        rows.push(("INVITE -> 200", ms(t.invite_to_final_ms)));
        if t.auth_challenges > 0 {
            rows.push((
                "call setup",
                format!(
                    "{} (after {} auth challenge{})",
                    ms(t.setup_ms),
                    t.auth_challenges,
                    if t.auth_challenges == 1 { "" } else { "s" }
                ),
            ));
        }
        if r.ended_by == Party::Local {
            rows.push(("BYE -> 200", ms(t.bye_to_final_ms)));
        }
        if t.invite_retransmissions + t.bye_retransmissions > 0 {
            rows.push((
                "retransmissions",
                format!(
                    "INVITE {}, BYE {}",
                    t.invite_retransmissions, t.bye_retransmissions
                ),
            ));
        }
        let rx = &r.rtp_received;
        rows.push(("RTP sent", format!("{} packets", r.rtp_sent)));
        rows.push((
            "RTP received",
            if rx.packets == 0 {
                "nothing".to_string()
            } else {
                format!(
                    "{} packets, {} lost ({:.1} %), jitter {:.2} ms (max {:.2} ms){}",
                    rx.packets,
                    rx.lost.max(0),
                    rx.loss_percent.max(0.0),
                    rx.mean_jitter_ms,
                    rx.max_jitter_ms,
                    if rx.streams > 1 {
                        format!(", {} SSRCs", rx.streams)
                    } else {
                        String::new()
                    }
                )
            },
        ));
        match &r.roundtrip {
            None => rows.push(("round trip", "not measured (--no-markers)".into())),
            Some(rt) if rt.markers_sent == 0 => rows.push((
                "round trip",
                "not measured (the call was too short for a marker)".into(),
            )),
            Some(rt) if rt.found == 0 => rows.push((
                "round trip",
                format!(
                    "none of {} markers came back (the far end does not echo?)",
                    rt.markers_sent
                ),
            )),
            Some(rt) => rows.push((
                "round trip",
                format!(
                    "{} / {} / {} (min / median / max of {} of {} markers)",
                    ms(rt.min_ms),
                    ms(rt.median_ms),
                    ms(rt.max_ms),
                    rt.found,
                    rt.markers_sent
                ),
            )),
        }
        let c = &r.rtcp.summary;
        rows.push((
            "RTCP",
            format!(
                "{} -> {}: {} reports sent, {} received{}",
                r.rtcp.local,
                r.rtcp.remote,
                c.sent,
                c.received,
                match &c.remote_view {
                    Some(v) => format!(
                        "; the far end saw {} lost, jitter {:.2} ms",
                        v.cumulative_lost.max(0),
                        v.jitter_ms
                    ),
                    None => String::new(),
                }
            ),
        ));
        rows.push((
            "RTCP round trip",
            if c.rtt_ms.is_empty() {
                "none (no report of the far end answered one of ours)".to_string()
            } else {
                format!(
                    "{} / {} / {} (min / median / max of {})",
                    ms(c.rtt_min_ms),
                    ms(c.rtt_median_ms),
                    ms(c.rtt_max_ms),
                    c.rtt_ms.len()
                )
            },
        ));
        if let Some(rec) = &self.recording {
            rows.push((
                "recording",
                format!("{} ({:.1} s)", rec.path.display(), rec.seconds),
            ));
        }
        kv_table(&rows)
    }
}
