//! What the far end sends: responses to the INVITE, BYE and CANCEL (the call's phases follow
//! them), and requests inside the dialog (BYE, OPTIONS, re-INVITE, INFO...).

use super::build::{bump_sdp_version, top_branch};
use super::*;

impl Uac {
    pub(super) fn on_response(&mut self, now: Instant, msg: &SipMessage, code: u16) {
        let (Some(cseq), Some(branch)) = (msg.cseq(), top_branch(msg)) else {
            self.ignored += 1;
            return;
        };
        self.got_response = true;
        let matches = |tx: &ClientTx| tx.branch == branch && tx.cseq == cseq.seq;
        match cseq.method.as_str() {
            "INVITE" if matches(&self.invite) => self.on_invite_response(now, msg, code),
            "BYE" if self.bye.as_ref().is_some_and(matches) => self.on_bye_response(now, msg, code),
            "CANCEL" if self.cancel.as_ref().is_some_and(matches) => {
                if code >= 200 {
                    self.cancel = None;
                } else if let Some(c) = &mut self.cancel {
                    c.interval = self.cfg.t2;
                }
            }
            _ => self.ignored += 1,
        }
    }

    pub(super) fn reason(msg: &SipMessage) -> String {
        match &msg.start {
            Start::Response { reason, .. } => reason.clone(),
            Start::Request { .. } => String::new(),
        }
    }

    pub(super) fn on_invite_response(&mut self, now: Instant, msg: &SipMessage, code: u16) {
        let since = ms(now.saturating_duration_since(self.invite.started));
        match code {
            100..=199 => {
                if self.phase == Phase::Terminated || self.dialog.is_some() {
                    return;
                }
                self.invite.next_retx = None;
                let t = &mut self.timings;
                match code {
                    100 => t.invite_to_100_ms = t.invite_to_100_ms.or(Some(since)),
                    180..=182 => t.invite_to_180_ms = t.invite_to_180_ms.or(Some(since)),
                    _ => t.invite_to_183_ms = t.invite_to_183_ms.or(Some(since)),
                }
                if self.phase == Phase::Calling {
                    self.phase = Phase::Proceeding;
                }
                if self.cancel_pending {
                    self.send_cancel(now);
                    return;
                }
                if self.phase == Phase::Cancelling {
                    return;
                }
                self.event(match code {
                    100 => UaEvent::Trying,
                    180..=182 => UaEvent::Ringing { code },
                    _ => UaEvent::SessionProgress {
                        code,
                        remote_sdp: msg.sdp(),
                    },
                });
            }
            200..=299 => {
                if self.dialog.is_some() {
                    // Retransmitted 2xx: our ACK was lost.
                    if let Some(ack) = self.ack.clone() {
                        self.out.push_back(UaOutput::Transmit {
                            to: None,
                            bytes: ack,
                        });
                    }
                    return;
                }
                if self.phase == Phase::Terminated {
                    self.ignored += 1;
                    return;
                }
                let remote_to = msg.to().unwrap_or(&self.to_hdr).to_string();
                let mut route_set: Vec<String> = msg
                    .headers_named("Record-Route")
                    .flat_map(|v| v.split(','))
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect();
                route_set.reverse();
                self.dialog = Some(Dialog {
                    remote_tag: msg.to_tag().unwrap_or("").to_string(),
                    remote_to,
                    remote_target: msg
                        .header("Contact")
                        .map(|c| uri_of(c).to_string())
                        .filter(|u| !u.is_empty())
                        .unwrap_or_else(|| self.cfg.target.clone()),
                    route_set,
                });
                self.invite.next_retx = None;
                self.timings.invite_to_final_ms = Some(since);
                self.timings.setup_ms = Some(ms(now.saturating_duration_since(self.first_invite)));
                self.answer_deadline = None;
                self.ack_2xx(now);
                self.phase = Phase::Established;
                if self.cancel_why.is_some() {
                    // Answered while we were giving up: hang up at once.
                    self.cancel = None;
                    self.send_bye(now, None, 0);
                } else {
                    self.event(UaEvent::Answered {
                        remote_sdp: msg.sdp(),
                    });
                }
            }
            _ => {
                let first = self.phase != Phase::Terminated && self.dialog.is_none();
                self.ack_non2xx(now, msg);
                if !first {
                    return;
                }
                self.invite.next_retx = None;
                self.timings.invite_to_final_ms = Some(since);
                let reason = Self::reason(msg);
                if (code == 401 || code == 407) && self.cancel_why.is_none() {
                    let rounds = self.invite.auth_rounds;
                    let uri = self.cfg.target.clone();
                    match self.answer_challenge(msg, code, "INVITE", &uri, rounds) {
                        Ok(h) => {
                            self.timings.auth_challenges += 1;
                            self.timings.invite_to_100_ms = None;
                            self.timings.invite_to_180_ms = None;
                            self.timings.invite_to_183_ms = None;
                            self.timings.invite_to_final_ms = None;
                            self.phase = Phase::Calling;
                            self.send_invite(now, Some(h), rounds + 1);
                        }
                        Err(detail) => self.event(UaEvent::AuthFailed {
                            code,
                            reason,
                            detail,
                        }),
                    }
                    return;
                }
                let e = match self.cancel_why {
                    Some(CancelWhy::Timeout) if code == 487 => UaEvent::TimedOut {
                        cancelled: true,
                        got_response: true,
                    },
                    Some(CancelWhy::Hangup) if code == 487 => UaEvent::Ended {
                        by: Party::Local,
                        code: Some(code),
                    },
                    _ => UaEvent::Failed { code, reason },
                };
                self.event(e);
            }
        }
    }

    pub(super) fn on_bye_response(&mut self, now: Instant, msg: &SipMessage, code: u16) {
        let Some(bye) = self.bye.clone() else { return };
        if code < 200 {
            if let Some(b) = &mut self.bye {
                b.interval = self.cfg.t2;
            }
            return;
        }
        if code == 401 || code == 407 {
            let uri = self
                .dialog
                .as_ref()
                .map(|d| d.remote_target.clone())
                .unwrap_or_default();
            if let Ok(h) = self.answer_challenge(msg, code, "BYE", &uri, bye.auth_rounds) {
                self.send_bye(now, Some(h), bye.auth_rounds + 1);
                return;
            }
        }
        self.timings.bye_to_final_ms = Some(ms(now.saturating_duration_since(bye.started)));
        self.bye = None;
        self.end_after_bye(Some(code));
    }

    pub(super) fn end_after_bye(&mut self, code: Option<u16>) {
        let e = match self.cancel_why {
            Some(CancelWhy::Timeout) => UaEvent::TimedOut {
                cancelled: true,
                got_response: true,
            },
            _ => UaEvent::Ended {
                by: Party::Local,
                code,
            },
        };
        self.event(e);
    }

    pub(super) fn on_request(&mut self, now: Instant, from: SocketAddr, msg: &SipMessage) {
        let method = msg.method().unwrap_or("").to_ascii_uppercase();
        let in_dialog = self.dialog.is_some()
            && msg.from_tag() == self.dialog.as_ref().map(|d| d.remote_tag.as_str());
        match method.as_str() {
            "ACK" => {}
            "BYE" if in_dialog => {
                self.respond(now, from, msg, 200, "OK", &[], None);
                if matches!(self.phase, Phase::Established | Phase::Terminating) {
                    self.bye = None;
                    self.event(UaEvent::Ended {
                        by: Party::Remote,
                        code: None,
                    });
                }
            }
            "INVITE" | "UPDATE" if in_dialog && self.phase == Phase::Established => {
                self.sdp_version += 1;
                let sdp = bump_sdp_version(&self.cfg.sdp_offer, self.sdp_version);
                let contact = self.contact();
                let body = msg.sdp().is_some().then_some(sdp.as_str());
                self.respond(now, from, msg, 200, "OK", &[("Contact", contact)], body);
                if let Some(remote_sdp) = msg.sdp() {
                    self.event(UaEvent::RemoteSdp { remote_sdp });
                }
            }
            "INVITE" | "UPDATE" if in_dialog => {
                self.respond(now, from, msg, 491, "Request Pending", &[], None)
            }
            "OPTIONS" | "INFO" | "NOTIFY" | "CANCEL" if in_dialog || method == "OPTIONS" => {
                self.respond(now, from, msg, 200, "OK", &[("Allow", ALLOW.into())], None)
            }
            "BYE" | "INVITE" | "UPDATE" | "INFO" | "NOTIFY" | "CANCEL" => self.respond(
                now,
                from,
                msg,
                481,
                "Call/Transaction Does Not Exist",
                &[],
                None,
            ),
            _ => self.respond(
                now,
                from,
                msg,
                405,
                "Method Not Allowed",
                &[("Allow", ALLOW.into())],
                None,
            ),
        }
    }
}
