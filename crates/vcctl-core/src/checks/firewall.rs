//! check-firewall's verdicts beyond the per-row judges of [`crate::checks::verdicts`]: the RTP range to
//! check, what a reflector's probe result means (arrived, dropped, or not known), and the
//! sentence a failed report exits with. The reflector's probe kinds and results are here too:
//! they are the protocol's words, and the verdicts read them.

use serde::{Deserialize, Serialize};

use crate::ari::asterisk_conf::RtpConf;
use crate::checks::procnet::Proto;
use crate::checks::verdicts::PortSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// A SIP OPTIONS request over UDP; any answer proves arrival.
    SipOptions,
    /// A datagram carrying the token.
    UdpToken,
    /// A TCP connection that then sends the token.
    TcpConnect,
}

impl ProbeKind {
    pub fn proto(self) -> Proto {
        match self {
            ProbeKind::TcpConnect => Proto::Tcp,
            _ => Proto::Udp,
        }
    }
}

/// What the reflector saw for one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeResult {
    /// A UDP answer came back (SIP response, echo).
    Answered,
    /// The TCP connection was accepted.
    Connected,
    /// ICMP port unreachable (UDP) or a TCP reset.
    Refused,
    /// TCP: no answer at all.
    Timeout,
    /// UDP: sent, nothing came back.
    Sent,
    /// Could not even try.
    Error,
}

/// The RTP range to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtpChoice {
    Skip,
    Given(PortSpec),
    /// rtpstart-rtpend of rtp.conf, else 16384-32768/udp.
    FromConf,
}

/// Asterisk's default RTP range (rtp.conf without rtpstart/rtpend).
pub const DEFAULT_RTP: PortSpec = PortSpec {
    lo: 16384,
    hi: 32768,
    proto: Proto::Udp,
};

/// The RTP range to check and where it came from (`--rtp`, `rtp.conf` or `default`);
/// `None` for `--rtp none`.
pub fn rtp_range(
    choice: RtpChoice,
    conf: Result<&RtpConf, &String>,
) -> Option<(PortSpec, &'static str)> {
    match choice {
        RtpChoice::Skip => None,
        RtpChoice::Given(p) => Some((p, "--rtp")),
        RtpChoice::FromConf => match conf {
            Ok(r) if r.range_set && r.start <= r.end => Some((
                PortSpec {
                    lo: r.start,
                    hi: r.end,
                    proto: Proto::Udp,
                },
                "rtp.conf",
            )),
            // A range set backwards is reported by judge_rtp_conf; the default is checked.
            Ok(r) if r.range_set => Some((DEFAULT_RTP, "rtp.conf")),
            _ => Some((DEFAULT_RTP, "default")),
        },
    }
}

/// The context line on the port that carries the agent leg's media.
pub fn agent_media_phrase(websocket: bool, ari: Option<PortSpec>) -> String {
    match (websocket, ari) {
        (true, Some(a)) => format!(
            "websocket over the ARI port {a} (serve --transport websocket: no UDP between Asterisk and serve)"
        ),
        (true, None) => "websocket over the ARI port".into(),
        (false, _) => {
            "RTP: externalMedia from Asterisk's RTP range to serve's --rtp-ports (40000-40999/udp by default)".into()
        }
    }
}

/// What is known about the port a probe was sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeSide {
    /// vcctl's own probe listener caught it.
    pub caught: bool,
    /// vcctl's probe listener was bound there.
    pub ours: bool,
    /// Something listens where the probe arrives (vcctl's listener or a service).
    pub hears: bool,
}

/// One probe's outcome: arrived (`Some(true)`), stopped on the way (`Some(false)`) or not
/// known, with the evidence. `result` is the reflector's word and detail; `owner` names the
/// socket on the port when one is needed.
pub fn probe_outcome(
    kind: ProbeKind,
    result: Option<(ProbeResult, &str)>,
    side: ProbeSide,
    owner: &dyn Fn() -> String,
) -> (Option<bool>, String) {
    if side.caught {
        return (Some(true), "caught by vcctl's probe listener".to_string());
    }
    let ProbeSide { ours, hears, .. } = side;
    match result {
        Some((ProbeResult::Answered, d)) => (Some(true), format!("answered: {d}")),
        Some((ProbeResult::Connected, _)) => (Some(true), "TCP connection accepted".to_string()),
        Some((ProbeResult::Refused, d)) if hears => (
            Some(false),
            format!("{d}: rejected before reaching the socket"),
        ),
        Some((ProbeResult::Refused, d)) => (Some(false), d.to_string()),
        Some((ProbeResult::Timeout, _)) if hears => {
            (Some(false), "no answer to the TCP SYN: dropped".to_string())
        }
        Some((ProbeResult::Sent, _)) if ours => {
            (Some(false), "sent but never arrived: dropped".to_string())
        }
        // SIP servers answer OPTIONS (200, 401, 404...): silence means it was lost.
        Some((ProbeResult::Sent, _)) if hears && kind == ProbeKind::SipOptions => (
            Some(false),
            format!(
                "no SIP answer from {}: dropped on the way (or it ignores OPTIONS)",
                owner()
            ),
        ),
        Some((ProbeResult::Sent, _)) | Some((ProbeResult::Timeout, _)) => (
            None,
            format!("port in use by {}, which does not answer probes", owner()),
        ),
        Some((ProbeResult::Error, d)) => (None, format!("the reflector could not send: {d}")),
        None => (None, "no result from the reflector".to_string()),
    }
}

/// The sentence a report with failed rows exits with (exit 8); `failures` are its
/// `check on target` names.
pub fn failed_sentence(command: &str, failures: &[String]) -> String {
    format!(
        "{command} found {} problem{} ({}); the fix column says what to do",
        failures.len(),
        if failures.len() == 1 { "" } else { "s" },
        failures.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(start: u16, end: u16, set: bool) -> RtpConf {
        RtpConf {
            start,
            end,
            range_set: set,
            stunaddr: None,
            icesupport: None,
        }
    }

    #[test]
    fn the_rtp_range_comes_from_the_flag_then_rtp_conf_then_the_default() {
        let given = PortSpec {
            lo: 10000,
            hi: 10099,
            proto: Proto::Udp,
        };
        let c = conf(20000, 20999, true);
        assert_eq!(rtp_range(RtpChoice::Skip, Ok(&c)), None);
        assert_eq!(
            rtp_range(RtpChoice::Given(given), Ok(&c)),
            Some((given, "--rtp"))
        );
        let (p, from) = rtp_range(RtpChoice::FromConf, Ok(&c)).unwrap();
        assert_eq!((p.lo, p.hi, from), (20000, 20999, "rtp.conf"));
        // Set backwards: the default range is checked (judge_rtp_conf reports the mistake).
        let back = conf(30000, 20000, true);
        assert_eq!(
            rtp_range(RtpChoice::FromConf, Ok(&back)),
            Some((DEFAULT_RTP, "rtp.conf"))
        );
        let unset = conf(5000, 31000, false);
        assert_eq!(
            rtp_range(RtpChoice::FromConf, Ok(&unset)),
            Some((DEFAULT_RTP, "default"))
        );
        let why = "could not read rtp.conf".to_string();
        assert_eq!(
            rtp_range(RtpChoice::FromConf, Err(&why)),
            Some((DEFAULT_RTP, "default"))
        );
    }

    #[test]
    fn probe_outcomes_tell_arrived_dropped_and_unknown_apart() {
        let owner = || "asterisk (pid 7)".to_string();
        let side = |caught, ours, hears| ProbeSide {
            caught,
            ours,
            hears,
        };
        let udp = ProbeKind::UdpToken;
        // Caught by our listener beats anything the reflector says.
        let r = probe_outcome(
            udp,
            Some((ProbeResult::Sent, "")),
            side(true, true, true),
            &owner,
        );
        assert_eq!(r, (Some(true), "caught by vcctl's probe listener".into()));
        let r = probe_outcome(
            udp,
            Some((ProbeResult::Sent, "")),
            side(false, true, true),
            &owner,
        );
        assert_eq!(r, (Some(false), "sent but never arrived: dropped".into()));
        let r = probe_outcome(
            udp,
            Some((ProbeResult::Refused, "ICMP port unreachable")),
            side(false, false, true),
            &owner,
        );
        assert_eq!(
            r,
            (
                Some(false),
                "ICMP port unreachable: rejected before reaching the socket".into()
            )
        );
        // A SIP server that hears OPTIONS answers: silence is a loss.
        let r = probe_outcome(
            ProbeKind::SipOptions,
            Some((ProbeResult::Sent, "")),
            side(false, false, true),
            &owner,
        );
        assert_eq!(r.0, Some(false));
        assert!(
            r.1.contains("no SIP answer from asterisk (pid 7)"),
            "{}",
            r.1
        );
        // A UDP service that does not answer tokens: not known.
        let r = probe_outcome(
            udp,
            Some((ProbeResult::Sent, "")),
            side(false, false, true),
            &owner,
        );
        assert_eq!(
            r,
            (
                None,
                "port in use by asterisk (pid 7), which does not answer probes".into()
            )
        );
        let r = probe_outcome(
            ProbeKind::TcpConnect,
            Some((ProbeResult::Timeout, "")),
            side(false, false, true),
            &owner,
        );
        assert_eq!(r, (Some(false), "no answer to the TCP SYN: dropped".into()));
        let r = probe_outcome(
            ProbeKind::TcpConnect,
            Some((ProbeResult::Connected, "")),
            side(false, false, true),
            &owner,
        );
        assert_eq!(r.0, Some(true));
        assert_eq!(
            probe_outcome(udp, None, side(false, false, false), &owner),
            (None, "no result from the reflector".into())
        );
        assert_eq!(
            probe_outcome(
                udp,
                Some((ProbeResult::Error, "EPERM")),
                side(false, false, false),
                &owner
            )
            .1,
            "the reflector could not send: EPERM"
        );
    }

    #[test]
    fn failure_sentences_count_and_name_the_failed_rows() {
        assert_eq!(
            failed_sentence("doctor", &["firewall on sip 5060/udp".into(), "agent on x".into()]),
            "doctor found 2 problems (firewall on sip 5060/udp, agent on x); the fix column says what to do"
        );
        assert!(agent_media_phrase(false, None).starts_with("RTP: externalMedia"));
        let ari = PortSpec::single(8088, Proto::Tcp);
        assert!(
            agent_media_phrase(true, Some(ari)).starts_with("websocket over the ARI port 8088/tcp")
        );
    }
}
