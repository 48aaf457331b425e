//! Text rendering of the capture report and the SIP ladders.

use super::*;

// ---------------------------------------------------------------------------------------
// Text rendering
// ---------------------------------------------------------------------------------------

impl fmt::Display for CaptureReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.capture;
        writeln!(
            f,
            "{} frames, {} UDP datagrams, {} SIP messages, {} RTP packets in {} stream{}",
            c.frames,
            c.udp_datagrams,
            c.sip_messages,
            c.rtp_packets,
            self.streams.len(),
            if self.streams.len() == 1 { "" } else { "s" }
        )?;
        if self.streams.is_empty() {
            writeln!(f, "no RTP streams found")?;
        }
        for (i, s) in self.streams.iter().enumerate() {
            let st = &s.stats;
            writeln!(f)?;
            writeln!(
                f,
                "#{i} {} -> {}  SSRC {}  {} (PT {}){}",
                s.src,
                s.dst,
                s.ssrc_hex,
                s.codec,
                s.payload_type,
                match &s.call_id {
                    Some(c) => format!("  call {c}"),
                    None => format!(
                        "  ({})",
                        if s.detection == Detection::Sdp {
                            "SDP"
                        } else {
                            "heuristic"
                        }
                    ),
                }
            )?;
            writeln!(
                f,
                "   start {:.3} s  duration {:.3} s  packets {}  expected {}  lost {} ({:.1}%)  dup {}  out-of-order {}  seq errors {}",
                s.start_rel_s, st.duration_s, st.packets, st.expected, st.lost, st.loss_percent,
                st.duplicates, st.out_of_order, st.sequence_errors
            )?;
            writeln!(
                f,
                "   max delta {:.2} ms  jitter max {:.2} ms mean {:.2} ms{}",
                st.max_delta_ms,
                st.max_jitter_ms,
                st.mean_jitter_ms,
                match st.ptime_ms {
                    Some(p) => format!("  ptime {p:.0} ms"),
                    None => String::new(),
                }
            )?;
        }
        if !self.problems.is_empty() {
            writeln!(f)?;
            writeln!(f, "Problems:")?;
            for p in &self.problems {
                writeln!(f, " - {}", p.message)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for CallFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Call-ID {}  (starts {:.3} s into the capture)",
            self.call_id, self.start_rel_s
        )?;
        if let (Some(from), Some(to)) = (&self.from, &self.to) {
            writeln!(f, "  {} -> {}", sip::uri_of(from), sip::uri_of(to))?;
        }
        let labels: Vec<String> = self
            .messages
            .iter()
            .map(|m| {
                let mut l = m.label.clone();
                if let Some(sdp) = &m.sdp {
                    l.push_str(&format!(" [SDP {sdp}]"));
                }
                if m.retransmission {
                    l.push_str(" (retransmission)");
                }
                l
            })
            .collect();
        let col = labels
            .iter()
            .map(|l| l.len() + 6)
            .chain(self.participants.iter().map(|p| p.to_string().len() + 2))
            .max()
            .unwrap_or(20)
            .max(20);
        let n = self.participants.len();
        // Header: participant addresses centred on their lifelines.
        let mut header = String::new();
        for (i, p) in self.participants.iter().enumerate() {
            let s = p.to_string();
            let centre = 10 + i * col;
            // At least one space between neighbouring addresses.
            let gap = usize::from(i > 0);
            let start = centre.saturating_sub(s.len() / 2).max(header.len() + gap);
            header.push_str(&" ".repeat(start - header.len()));
            header.push_str(&s);
        }
        writeln!(f, "{}", header.trim_end())?;
        for (m, label) in self.messages.iter().zip(&labels) {
            let a = self
                .participants
                .iter()
                .position(|p| *p == m.src)
                .unwrap_or(0);
            let b = self
                .participants
                .iter()
                .position(|p| *p == m.dst)
                .unwrap_or(0);
            let width = 10 + n.saturating_sub(1) * col + 1;
            let mut line: Vec<char> = format!("{:>8.3}  ", m.t).chars().collect();
            line.resize(width, ' ');
            for i in 0..n {
                line[10 + i * col] = '|';
            }
            let (lo, hi) = (a.min(b), a.max(b));
            if lo != hi {
                let (x0, x1) = (10 + lo * col + 1, 10 + hi * col - 1);
                for c in line.iter_mut().take(x1 + 1).skip(x0) {
                    *c = '-';
                }
                if b > a {
                    line[x1] = '>';
                } else {
                    line[x0] = '<';
                }
                let span = x1 - x0 + 1;
                let text: Vec<char> = format!(" {label} ").chars().collect();
                if text.len() + 2 <= span {
                    let at = x0 + (span - text.len()) / 2;
                    line[at..at + text.len()].copy_from_slice(&text);
                    writeln!(f, "{}", line.iter().collect::<String>().trim_end())?;
                } else {
                    writeln!(f, "{} {label}", line.iter().collect::<String>().trim_end())?;
                }
            } else {
                writeln!(
                    f,
                    "{} {label} (to itself)",
                    line.iter().collect::<String>().trim_end()
                )?;
            }
        }
        for p in &self.problems {
            writeln!(f, "  ! {p}")?;
        }
        Ok(())
    }
}

impl fmt::Display for SipFlowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.calls.is_empty() {
            return writeln!(f, "no SIP messages found");
        }
        for (i, c) in self.calls.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}
