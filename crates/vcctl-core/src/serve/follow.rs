//! One reader of a live call's streamed timeline (`GET /calls/{id}/events`): what serve sends
//! it, in order, from the entries already in the call's ring (the backlog) and those pushed
//! while it listens, and when its stream ends.
//!
//! The I/O side subscribes to the call's journal and reads its backlog under one lock, so no
//! entry falls between the two; an entry can still arrive both ways, and [`Follow`] sends each
//! sequence number once. Each reader has a bounded queue of its own (see
//! `io::serve::journal`): a reader that lets it fill up is dropped ([`End::TooSlow`]) and
//! never holds the call up; it may come back with `after=` the last id it saw.
//!
//! Sans-IO: entries are their sequence number and JSON text; frames come out.

/// Why a stream ended (the `reason` of its last frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The call ended: its last entry (`ended`) was sent.
    CallEnded,
    /// The reader fell behind by more than its queue holds.
    TooSlow,
    /// serve is stopping.
    Shutdown,
}

impl End {
    pub fn as_str(self) -> &'static str {
        match self {
            End::CallEnded => "call ended",
            End::TooSlow => "reader too slow",
            End::Shutdown => "serve stopping",
        }
    }
}

/// One server-sent event to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A timeline entry: `id: <seq>`, `data: <entry JSON>` (event type `message`).
    Entry { seq: u64, data: String },
    /// `event: missed`, `data: {"missed":N}`: entries the call's ring dropped before this
    /// reader asked for them.
    Missed(u64),
    /// `event: end`, `data: {"reason":...,"last":N}`: the last frame; the stream closes.
    End { reason: End, last: u64 },
}

impl Frame {
    /// The SSE event type (`None`: the default `message`).
    pub fn event(&self) -> Option<&'static str> {
        match self {
            Frame::Entry { .. } => None,
            Frame::Missed(_) => Some("missed"),
            Frame::End { .. } => Some("end"),
        }
    }

    /// The SSE `id` field.
    pub fn id(&self) -> Option<u64> {
        match self {
            Frame::Entry { seq, .. } => Some(*seq),
            _ => None,
        }
    }

    /// The SSE `data` field.
    pub fn data(&self) -> String {
        match self {
            Frame::Entry { data, .. } => data.clone(),
            Frame::Missed(n) => format!("{{\"missed\":{n}}}"),
            Frame::End { reason, last } => {
                format!("{{\"reason\":\"{}\",\"last\":{last}}}", reason.as_str())
            }
        }
    }

    /// The frame as `text/event-stream` text (what a test or a plain writer sends).
    pub fn encode(&self) -> String {
        let mut s = String::new();
        if let Some(e) = self.event() {
            s.push_str(&format!("event: {e}\n"));
        }
        if let Some(id) = self.id() {
            s.push_str(&format!("id: {id}\n"));
        }
        for line in self.data().split('\n') {
            s.push_str(&format!("data: {line}\n"));
        }
        s.push('\n');
        s
    }
}

/// One reader's position in a call's timeline.
#[derive(Debug, Clone)]
pub struct Follow {
    /// The newest sequence number sent (or asked to start after).
    last: u64,
    done: bool,
}

impl Follow {
    /// A reader that has seen everything up to `after` (0: from the start).
    pub fn new(after: u64) -> Follow {
        Follow {
            last: after,
            done: false,
        }
    }

    /// The entries the ring held when the reader subscribed (oldest first), and how many it
    /// had already dropped that the reader never saw.
    pub fn backlog(&mut self, entries: Vec<(u64, String)>, missed: u64) -> Vec<Frame> {
        let mut out = Vec::new();
        if missed > 0 && !self.done {
            out.push(Frame::Missed(missed));
        }
        out.extend(entries.into_iter().filter_map(|(s, d)| self.entry(s, d)));
        out
    }

    /// An entry pushed while the reader listens; `None` when it was already sent (or the
    /// stream is over).
    pub fn entry(&mut self, seq: u64, data: String) -> Option<Frame> {
        if self.done || seq <= self.last {
            return None;
        }
        self.last = seq;
        Some(Frame::Entry { seq, data })
    }

    /// The stream ends for `reason`: its last frame (once; `None` after that).
    pub fn end(&mut self, reason: End) -> Option<Frame> {
        if std::mem::replace(&mut self.done, true) {
            return None;
        }
        Some(Frame::End {
            reason,
            last: self.last,
        })
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The newest sequence number sent: where a reader dropped as too slow resumes (`after=`).
    pub fn last(&self) -> u64 {
        self.last
    }
}

/// What a client makes of one event of the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// A timeline entry (its JSON; `seq` inside).
    Entry(serde_json::Value),
    /// The ring dropped this many entries before the client saw them.
    Missed(u64),
    /// The stream ended: `call_ended` (no more will come) or not (resume after `last`).
    End { call_ended: bool, last: u64 },
    /// Not part of this stream's vocabulary (ignored).
    Other,
}

/// Read one event of `GET /calls/{id}/events` (see [`Frame`] for what serve sends).
pub fn receive(ev: &crate::serve::sse::SseEvent) -> Received {
    let data: serde_json::Value = serde_json::from_str(&ev.data).unwrap_or_default();
    match ev.event.as_str() {
        "message" if data.is_object() => Received::Entry(data),
        "missed" => Received::Missed(data["missed"].as_u64().unwrap_or(0)),
        "end" => Received::End {
            call_ended: data["reason"] == End::CallEnded.as_str(),
            last: data["last"].as_u64().unwrap_or(0),
        },
        _ => Received::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::sse::{SseDecoder, SseEvent};

    fn e(seq: u64) -> (u64, String) {
        (
            seq,
            format!("{{\"seq\":{seq},\"kind\":\"turn\",\"text\":\"line {seq}\"}}"),
        )
    }

    #[test]
    fn backlog_then_live_entries_each_once_in_order_then_the_end() {
        let mut f = Follow::new(0);
        let frames = f.backlog(vec![e(1), e(2), e(3)], 0);
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[2].id(), Some(3));
        // Entry 3 also arrives live (pushed between the subscription and the backlog read).
        assert_eq!(f.entry(3, e(3).1), None);
        assert_eq!(f.entry(4, e(4).1).unwrap().id(), Some(4));
        let end = f.end(End::CallEnded).unwrap();
        assert_eq!(
            end,
            Frame::End {
                reason: End::CallEnded,
                last: 4
            }
        );
        assert!(f.is_done());
        assert_eq!(f.entry(5, e(5).1), None, "nothing after the end");
        assert_eq!(f.end(End::Shutdown), None, "one end only");
    }

    #[test]
    fn a_reader_resuming_after_an_id_gets_only_newer_entries_and_hears_what_the_ring_lost() {
        let mut f = Follow::new(7);
        let frames = f.backlog(vec![e(6), e(7), e(8)], 0);
        assert_eq!(frames.iter().map(Frame::id).collect::<Vec<_>>(), [Some(8)]);

        let mut f = Follow::new(0);
        let frames = f.backlog(vec![e(40), e(41)], 39);
        assert_eq!(frames[0], Frame::Missed(39));
        assert_eq!(frames[1].id(), Some(40));
    }

    #[test]
    fn a_slow_reader_is_ended_with_where_to_resume() {
        let mut f = Follow::new(0);
        f.backlog(vec![e(1), e(2)], 0);
        let end = f.end(End::TooSlow).unwrap();
        assert_eq!(end.event(), Some("end"));
        assert_eq!(end.data(), r#"{"reason":"reader too slow","last":2}"#);
        assert_eq!(f.last(), 2);
    }

    #[test]
    fn frames_encode_as_event_stream_text_the_decoder_reads_back() {
        let mut f = Follow::new(0);
        let mut frames = f.backlog(vec![e(1)], 2);
        frames.push(f.end(End::CallEnded).unwrap());
        let text: String = frames.iter().map(Frame::encode).collect();
        assert!(
            text.starts_with("event: missed\ndata: {\"missed\":2}\n\n"),
            "{text}"
        );
        let mut d = SseDecoder::default();
        let mut out = Vec::new();
        d.push(text.as_bytes(), &mut out).unwrap();
        assert_eq!(
            out,
            vec![
                SseEvent {
                    event: "missed".into(),
                    data: "{\"missed\":2}".into(),
                    id: None
                },
                SseEvent {
                    event: "message".into(),
                    data: e(1).1,
                    id: Some("1".into())
                },
                SseEvent {
                    event: "end".into(),
                    data: "{\"reason\":\"call ended\",\"last\":1}".into(),
                    id: Some("1".into())
                },
            ]
        );
        assert_eq!(receive(&out[0]), Received::Missed(2));
        assert!(matches!(&receive(&out[1]), Received::Entry(v) if v["text"] == "line 1"));
        assert_eq!(
            receive(&out[2]),
            Received::End {
                call_ended: true,
                last: 1
            }
        );
        let slow = SseEvent {
            event: "end".into(),
            data: Frame::End {
                reason: End::TooSlow,
                last: 9,
            }
            .data(),
            id: None,
        };
        assert_eq!(
            receive(&slow),
            Received::End {
                call_ended: false,
                last: 9
            }
        );
    }
}
