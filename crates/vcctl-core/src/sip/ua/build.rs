//! Requests the caller sends (INVITE, ACK, CANCEL, BYE), its responses to the far end's
//! requests, and their retransmission: headers, branches and tags, and the trace of what
//! left.

use super::*;

impl Uac {
    pub(super) fn token(&mut self) -> String {
        format!("{:016x}", splitmix(&mut self.rng))
    }

    pub(super) fn new_branch(&mut self) -> String {
        format!("{BRANCH_MAGIC}{}", self.token())
    }

    pub(super) fn via(&self, branch: &str) -> String {
        format!("SIP/2.0/UDP {};rport;branch={branch}", self.cfg.local)
    }

    pub(super) fn contact(&self) -> String {
        let user = uri_of(&self.cfg.from)
            .split_once(':')
            .and_then(|(_, r)| r.split_once('@'))
            .map(|(u, _)| u.to_string())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "vcctl".into());
        format!("<sip:{user}@{}>", self.cfg.local)
    }

    pub(super) fn transmit(
        &mut self,
        now: Instant,
        to: Option<SocketAddr>,
        msg: &SipMessage,
    ) -> Vec<u8> {
        let bytes = msg.to_bytes();
        self.record(now, "out", msg);
        self.out.push_back(UaOutput::Transmit {
            to,
            bytes: bytes.clone(),
        });
        bytes
    }

    pub(super) fn record(&mut self, now: Instant, dir: &'static str, msg: &SipMessage) {
        self.trace.push(TraceEntry {
            at_ms: ms(now.saturating_duration_since(self.first_invite)),
            dir,
            label: msg.label(),
            cseq: msg.cseq().map(|c| c.method).unwrap_or_default(),
        });
    }

    /// A request outside or inside the dialog, with the common headers.
    pub(super) fn request(
        &self,
        method: &str,
        uri: &str,
        branch: &str,
        cseq: u32,
        to: &str,
        routes: &[String],
    ) -> SipMessage {
        let mut headers = vec![
            header("Via", self.via(branch)),
            header("Max-Forwards", "70"),
            header("From", self.from_hdr.clone()),
            header("To", to),
            header("Call-ID", self.call_id.clone()),
            header("CSeq", format!("{cseq} {method}")),
        ];
        for r in routes {
            headers.push(header("Route", r.clone()));
        }
        SipMessage {
            start: Start::Request {
                method: method.to_string(),
                uri: uri.to_string(),
            },
            headers,
            body: Vec::new(),
        }
    }

    pub(super) fn finish(msg: &mut SipMessage, body: Option<&str>) {
        if let Some(b) = body {
            msg.headers.push(header("Content-Type", "application/sdp"));
            msg.body = b.as_bytes().to_vec();
        }
        msg.headers
            .push(header("Content-Length", msg.body.len().to_string()));
    }

    pub(super) fn send_invite(
        &mut self,
        now: Instant,
        auth: Option<(String, String)>,
        rounds: u32,
    ) {
        self.cseq += 1;
        let branch = self.new_branch();
        let target = self.cfg.target.clone();
        let to = self.to_hdr.clone();
        let mut m = self.request("INVITE", &target, &branch, self.cseq, &to, &[]);
        m.headers.push(header("Contact", self.contact()));
        m.headers.push(header("Allow", ALLOW));
        m.headers
            .push(header("User-Agent", self.cfg.user_agent.clone()));
        if let Some((n, v)) = &auth {
            m.headers.push(header(n, v.clone()));
        }
        let sdp = self.cfg.sdp_offer.clone();
        Self::finish(&mut m, Some(&sdp));
        let bytes = self.transmit(now, None, &m);
        self.invite = ClientTx {
            branch,
            cseq: self.cseq,
            bytes,
            started: now,
            next_retx: Some(now + self.cfg.t1),
            interval: self.cfg.t1,
            deadline: now + 64 * self.cfg.t1,
            auth_rounds: rounds,
            auth,
        };
        self.ack = None;
    }

    /// ACK for a non-2xx final answer: part of the INVITE transaction (same branch).
    pub(super) fn ack_non2xx(&mut self, now: Instant, resp: &SipMessage) {
        let to = resp.to().unwrap_or(&self.to_hdr).to_string();
        let target = self.cfg.target.clone();
        let branch = self.invite.branch.clone();
        let mut m = self.request("ACK", &target, &branch, self.invite.cseq, &to, &[]);
        Self::finish(&mut m, None);
        self.ack = Some(self.transmit(now, None, &m));
    }

    pub(super) fn ack_2xx(&mut self, now: Instant) {
        let Some(d) = self.dialog.clone() else { return };
        let branch = self.new_branch();
        let mut m = self.request(
            "ACK",
            &d.remote_target,
            &branch,
            self.invite.cseq,
            &d.remote_to,
            &d.route_set,
        );
        if let Some((n, v)) = self.invite.auth.clone() {
            m.headers.push(header(&n, v));
        }
        Self::finish(&mut m, None);
        self.ack = Some(self.transmit(now, None, &m));
    }

    pub(super) fn non_invite_tx(
        &mut self,
        now: Instant,
        m: &SipMessage,
        branch: String,
        cseq: u32,
    ) -> ClientTx {
        let bytes = self.transmit(now, None, m);
        ClientTx {
            branch,
            cseq,
            bytes,
            started: now,
            next_retx: Some(now + self.cfg.t1),
            interval: self.cfg.t1,
            deadline: now + 64 * self.cfg.t1,
            auth_rounds: 0,
            auth: None,
        }
    }

    pub(super) fn send_cancel(&mut self, now: Instant) {
        let target = self.cfg.target.clone();
        let branch = self.invite.branch.clone();
        let to = self.to_hdr.clone();
        let mut m = self.request("CANCEL", &target, &branch, self.invite.cseq, &to, &[]);
        Self::finish(&mut m, None);
        let tx = self.non_invite_tx(now, &m, branch, self.invite.cseq);
        self.cancel = Some(tx);
        self.cancel_pending = false;
        self.timings.cancel_sent = true;
        // If the INVITE gets no final answer within 64*T1 of the CANCEL, give up.
        self.invite.deadline = now + 64 * self.cfg.t1;
        self.invite.next_retx = None;
        self.phase = Phase::Cancelling;
    }

    pub(super) fn send_bye(&mut self, now: Instant, auth: Option<(String, String)>, rounds: u32) {
        let Some(d) = self.dialog.clone() else { return };
        self.cseq += 1;
        let branch = self.new_branch();
        let mut m = self.request(
            "BYE",
            &d.remote_target,
            &branch,
            self.cseq,
            &d.remote_to,
            &d.route_set,
        );
        m.headers
            .push(header("User-Agent", self.cfg.user_agent.clone()));
        if let Some((n, v)) = &auth {
            m.headers.push(header(n, v.clone()));
        }
        Self::finish(&mut m, None);
        let mut tx = self.non_invite_tx(now, &m, branch, self.cseq);
        tx.auth_rounds = rounds;
        tx.auth = auth;
        if rounds == 0 {
            // Timing of the first BYE only.
            tx.started = now;
        } else if let Some(old) = &self.bye {
            tx.started = old.started;
        }
        self.bye = Some(tx);
        self.phase = Phase::Terminating;
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn respond(
        &mut self,
        now: Instant,
        to: SocketAddr,
        req: &SipMessage,
        code: u16,
        reason: &str,
        extra: &[(&str, String)],
        body: Option<&str>,
    ) {
        let mut headers: Vec<Header> = req
            .headers
            .iter()
            .filter(|h| {
                ["Via", "From", "To", "Call-ID", "CSeq"]
                    .iter()
                    .any(|n| crate::sip::message::same_header(&h.name, n))
            })
            .cloned()
            .collect();
        if code > 100 && req.to_tag().is_none() {
            if let Some(h) = headers
                .iter_mut()
                .find(|h| crate::sip::message::same_header(&h.name, "To"))
            {
                h.value = format!("{};tag={}", h.value, self.local_tag);
            }
        }
        for (n, v) in extra {
            headers.push(header(n, v.clone()));
        }
        headers.push(header("User-Agent", self.cfg.user_agent.clone()));
        let mut m = SipMessage {
            start: Start::Response {
                code,
                reason: reason.to_string(),
            },
            headers,
            body: Vec::new(),
        };
        Self::finish(&mut m, body);
        self.transmit(now, Some(to), &m);
    }

    pub(super) fn retransmit(&mut self, now: Instant, bytes: Vec<u8>, label: &str, cseq: &str) {
        self.trace.push(TraceEntry {
            at_ms: ms(now.saturating_duration_since(self.first_invite)),
            dir: "out",
            label: format!("{label} (retransmission)"),
            cseq: cseq.to_string(),
        });
        self.out.push_back(UaOutput::Transmit { to: None, bytes });
    }
}

pub(super) fn header(name: &str, value: impl Into<String>) -> Header {
    Header {
        name: name.to_string(),
        value: value.into(),
    }
}

pub(super) fn top_branch(m: &SipMessage) -> Option<String> {
    let via = *m.vias().first()?;
    via.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("branch")
            .then(|| v.trim().to_string())
    })
}

/// Set the version field of the `o=` line of an SDP text.
pub(super) fn bump_sdp_version(sdp: &str, version: u64) -> String {
    sdp.split_inclusive('\n')
        .map(|line| {
            if let Some(rest) = line.strip_prefix("o=") {
                let mut f: Vec<&str> = rest.trim_end().split(' ').collect();
                if f.len() >= 6 {
                    let v = version.to_string();
                    f[2] = &v;
                    return format!("o={}\r\n", f.join(" "));
                }
            }
            line.to_string()
        })
        .collect()
}
