//! Server-sent events decoding (the `text/event-stream` format), sans-IO: feed bytes as they
//! arrive, get complete events out. Follows the WHATWG rules that matter for a client:
//! lines end in `\n`, `\r\n` or `\r`; `:` starts a comment (keep-alives); `field: value` with
//! one optional space after the colon; `data` lines of one event are joined with `\n`; a blank
//! line dispatches the event (none if it had no data); the event type defaults to `message`.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, or `message`.
    pub event: String,
    pub data: String,
    /// The last `id:` seen on the stream, if any.
    pub id: Option<String>,
}

/// The stream broke the format in a way a client cannot recover from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the event stream sent a line longer than {0} bytes")]
pub struct LineTooLong(pub usize);

/// Incremental decoder; one per connection.
#[derive(Debug)]
pub struct SseDecoder {
    line: Vec<u8>,
    /// The previous chunk ended in `\r`: a `\n` at the start of the next one ends no line.
    skip_lf: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    max_line: usize,
}

impl Default for SseDecoder {
    fn default() -> Self {
        Self::new(16 * 1024 * 1024)
    }
}

impl SseDecoder {
    /// `max_line`: longest accepted line in bytes (protects memory against a broken server).
    pub fn new(max_line: usize) -> Self {
        SseDecoder {
            line: Vec::new(),
            skip_lf: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            last_id: None,
            max_line,
        }
    }

    /// Decode `bytes`, appending complete events to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<SseEvent>) -> Result<(), LineTooLong> {
        for &b in bytes {
            if std::mem::take(&mut self.skip_lf) && b == b'\n' {
                continue;
            }
            match b {
                b'\n' | b'\r' => {
                    self.skip_lf = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.line_done(&line, out);
                }
                _ => {
                    if self.line.len() >= self.max_line {
                        return Err(LineTooLong(self.max_line));
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(())
    }

    fn line_done(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let data = std::mem::take(&mut self.data);
            if std::mem::take(&mut self.has_data) {
                out.push(SseEvent {
                    event: if event.is_empty() {
                        "message".into()
                    } else {
                        event
                    },
                    data,
                    id: self.last_id.clone(),
                });
            }
            return;
        }
        if line[0] == b':' {
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (&*line, ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_string()),
            _ => {} // retry and unknown fields: ignored
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_in_chunks(input: &[u8], chunk: usize) -> Vec<SseEvent> {
        let mut d = SseDecoder::default();
        let mut out = Vec::new();
        for c in input.chunks(chunk) {
            d.push(c, &mut out).unwrap();
        }
        out
    }

    #[test]
    fn events_survive_any_chunking_and_line_ending() {
        let input = b": keep-alive\n\ndata: {\"type\":\"StasisStart\"}\n\n\
            event: lagged\r\ndata: {\"missed\":3}\r\n\r\n\
            data:first\rdata:  second\r\rid: 7\ndata\n\n\
            data: no end yet";
        let want = vec![
            SseEvent {
                event: "message".into(),
                data: "{\"type\":\"StasisStart\"}".into(),
                id: None,
            },
            SseEvent {
                event: "lagged".into(),
                data: "{\"missed\":3}".into(),
                id: None,
            },
            SseEvent {
                event: "message".into(),
                data: "first\n second".into(),
                id: None,
            },
            SseEvent {
                event: "message".into(),
                data: "".into(),
                id: Some("7".into()),
            },
        ];
        for chunk in [1, 2, 3, 5, 7, 64, 4096] {
            assert_eq!(decode_in_chunks(input, chunk), want, "chunk size {chunk}");
        }
    }

    #[test]
    fn overlong_lines_are_an_error() {
        let mut d = SseDecoder::new(8);
        let mut out = Vec::new();
        assert!(d.push(b"data: 1234567890", &mut out).is_err());
    }
}
