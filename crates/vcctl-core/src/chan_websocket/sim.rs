//! A model of chan_websocket's receive queue (Asterisk 22.10.1, `channels/chan_websocket.c`):
//! what Asterisk does with the application's binary and text frames, and what it plays at
//! each 20 ms timer tick. For unit tests of [`super::MediaLink`] and for a fake Asterisk in
//! benchmarks; it reproduces the C code's rules, including its sharp edges (partial frames
//! dropped outside bulk mode, whole messages dropped at 1000 frames, marks discarded by
//! `FLUSH_MEDIA`, `PAUSE_MEDIA` surviving a flush). Not modelled: passthrough mode, media
//! direction, missed timer ticks.

use std::collections::VecDeque;

use serde_json::Value;

use super::proto::{
    encode_event, ControlFormat, Event, Status, ASTERISK_QUEUE_MAX_FRAMES, ASTERISK_XOFF_FRAMES,
    ASTERISK_XON_FRAMES, MAX_TEXT_LEN,
};

#[derive(Debug, Clone)]
enum Item {
    Voice(Vec<u8>),
    /// An event text queued behind media (`MEDIA_MARK_PROCESSED`, `MEDIA_BUFFERING_COMPLETED`).
    Notice(String),
}

/// The channel side of one connection.
#[derive(Debug)]
pub struct ChanWebsocketModel {
    pub control: ControlFormat,
    pub frame_bytes: usize,
    pub channel_id: String,
    queue: VecDeque<Item>,
    queue_length: usize,
    queue_full: bool,
    bulk: bool,
    paused: bool,
    report_drained: bool,
    leftover: Vec<u8>,
    /// Text frames Asterisk sent, oldest first.
    pub events: VecDeque<String>,
    /// Every voice frame handed to the core, in order (while `keep_played`).
    pub played: Vec<Vec<u8>>,
    /// Keep each played frame in `played` (tests); a benchmark's fake Asterisk counts only.
    pub keep_played: bool,
    /// Binary messages dropped whole because the queue held 1000 frames.
    pub dropped_messages: u64,
    /// Bytes of partial frames dropped (outside bulk mode).
    pub dropped_partial_bytes: u64,
    /// Text frames ignored (too long, unknown, unparsable).
    pub ignored_commands: u64,
    pub max_queue_length: usize,
}

impl ChanWebsocketModel {
    pub fn new(control: ControlFormat, frame_bytes: usize) -> Self {
        ChanWebsocketModel {
            control,
            frame_bytes,
            channel_id: "sim-channel".into(),
            queue: VecDeque::new(),
            queue_length: 0,
            queue_full: false,
            bulk: false,
            paused: false,
            report_drained: false,
            leftover: Vec::new(),
            events: VecDeque::new(),
            played: Vec::new(),
            keep_played: true,
            dropped_messages: 0,
            dropped_partial_bytes: 0,
            ignored_commands: 0,
            max_queue_length: 0,
        }
    }

    pub fn queue_length(&self) -> usize {
        self.queue_length
    }

    fn send(&mut self, e: &Event) {
        self.events
            .push_back(encode_event(e, self.control, &self.channel_id));
    }

    fn queue_voice(&mut self, data: &[u8]) {
        self.queue.push_back(Item::Voice(data.to_vec()));
        self.queue_length += 1;
        self.max_queue_length = self.max_queue_length.max(self.queue_length);
        if !self.queue_full && self.queue_length >= ASTERISK_XOFF_FRAMES {
            self.queue_full = true;
            self.send(&Event::MediaXoff);
        }
    }

    /// `process_binary_message`.
    pub fn handle_binary(&mut self, payload: &[u8]) {
        if self.queue_length >= ASTERISK_QUEUE_MAX_FRAMES {
            self.dropped_messages += 1;
            return;
        }
        let fb = self.frame_bytes;
        let mut data = payload;
        if self.bulk && !self.leftover.is_empty() {
            let need = fb - self.leftover.len();
            let take = need.min(data.len());
            self.leftover.extend_from_slice(&data[..take]);
            if take < need {
                return;
            }
            let frame = std::mem::take(&mut self.leftover);
            self.queue_voice(&frame);
            data = &data[take..];
        }
        if !self.bulk && !self.leftover.is_empty() {
            self.leftover.clear();
        }
        let mut chunks = data.chunks_exact(fb);
        for c in chunks.by_ref() {
            self.queue_voice(c);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            if self.bulk {
                self.leftover = rest.to_vec();
            } else {
                self.dropped_partial_bytes += rest.len() as u64;
            }
        }
    }

    /// `process_text_message` + `handle_command`.
    pub fn handle_text(&mut self, text: &str) {
        if text.is_empty() || text.len() > MAX_TEXT_LEN {
            self.ignored_commands += 1;
            return;
        }
        let t = text.trim();
        let (command, data): (String, Option<String>) = match self.control {
            ControlFormat::Json => match serde_json::from_str::<Value>(t) {
                Ok(v) => (
                    v.get("command")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    v.get("correlation_id")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                ),
                Err(_) => {
                    self.send(&Event::Error {
                        text: "Unable to parse JSON command".into(),
                    });
                    return;
                }
            },
            ControlFormat::PlainText => match t.split_once(' ') {
                Some((c, d)) => (c.to_string(), Some(d.to_string())),
                None => (t.to_string(), None),
            },
        };
        let id = data.filter(|d| !d.is_empty());
        match command.as_str() {
            "ANSWER" | "HANGUP" => {}
            "START_MEDIA_BUFFERING" => self.bulk = true,
            "STOP_MEDIA_BUFFERING" => {
                self.bulk = false;
                if !self.leftover.is_empty() {
                    // 22.10.1 queues the short frame as it is (no silence padding).
                    let frame = std::mem::take(&mut self.leftover);
                    self.queue_voice(&frame);
                }
                let e = Event::MediaBufferingCompleted { correlation_id: id };
                let text = encode_event(&e, self.control, &self.channel_id);
                self.queue.push_back(Item::Notice(text));
            }
            "MARK_MEDIA" => {
                let e = Event::MediaMarkProcessed { correlation_id: id };
                let text = encode_event(&e, self.control, &self.channel_id);
                self.queue.push_back(Item::Notice(text));
            }
            "FLUSH_MEDIA" => {
                self.queue.clear();
                self.queue_length = 0;
                self.bulk = false;
                self.leftover.clear();
                // Note: neither queue_full nor the paused state is reset.
            }
            "REPORT_QUEUE_DRAINED" => self.report_drained = true,
            "GET_STATUS" => {
                let s = Status {
                    queue_length: self.queue_length,
                    xon_level: ASTERISK_XON_FRAMES,
                    xoff_level: ASTERISK_XOFF_FRAMES,
                    queue_full: self.queue_full,
                    bulk_media: self.bulk,
                    media_paused: self.paused,
                };
                self.send(&Event::Status(s));
            }
            "PAUSE_MEDIA" => self.paused = true,
            "CONTINUE_MEDIA" => self.paused = false,
            _ => self.ignored_commands += 1,
        }
    }

    /// One timer tick (`dequeue_frame`): returns the voice frame handed to the core, if any.
    pub fn tick(&mut self) -> Option<Vec<u8>> {
        if self.paused {
            return None;
        }
        if self.queue_full && self.queue_length < ASTERISK_XON_FRAMES {
            self.queue_full = false;
            self.send(&Event::MediaXon);
        }
        loop {
            match self.queue.pop_front() {
                None => {
                    if self.report_drained {
                        self.report_drained = false;
                        self.send(&Event::QueueDrained);
                    }
                    return None;
                }
                Some(Item::Notice(t)) => self.events.push_back(t),
                Some(Item::Voice(v)) => {
                    self.queue_length -= 1;
                    if self.keep_played {
                        self.played.push(v.clone());
                    }
                    return Some(v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_frames_are_dropped_outside_bulk_mode_and_kept_inside() {
        let mut m = ChanWebsocketModel::new(ControlFormat::PlainText, 160);
        m.handle_binary(&[1u8; 400]);
        assert_eq!(m.queue_length(), 2);
        assert_eq!(m.dropped_partial_bytes, 80);
        m.handle_text("START_MEDIA_BUFFERING");
        m.handle_binary(&[2u8; 100]);
        m.handle_binary(&[3u8; 100]);
        assert_eq!(m.queue_length(), 3);
        m.handle_text("STOP_MEDIA_BUFFERING x");
        assert_eq!(m.queue_length(), 4); // the 40-byte leftover, as a short frame
        let lens: Vec<usize> = std::iter::from_fn(|| m.tick()).map(|f| f.len()).collect();
        assert_eq!(lens, [160, 160, 160, 40]);
        assert_eq!(m.events.pop_front().unwrap(), "MEDIA_BUFFERING_COMPLETED x");
    }

    #[test]
    fn xoff_at_900_drop_at_1000_xon_below_800() {
        let mut m = ChanWebsocketModel::new(ControlFormat::Json, 160);
        m.handle_binary(&vec![0u8; 160 * 950]);
        assert_eq!(m.events.len(), 1);
        assert!(m.events[0].contains("MEDIA_XOFF"));
        m.handle_binary(&vec![0u8; 160 * 100]); // 950 < 1000: taken whole, up to 1050
        assert_eq!(m.queue_length(), 1050);
        m.handle_binary(&[0u8; 160]);
        assert_eq!(m.dropped_messages, 1);
        for _ in 0..250 {
            m.tick();
        }
        assert_eq!(m.queue_length(), 800);
        assert_eq!(m.events.len(), 1);
        m.tick();
        m.tick();
        assert!(m.events[1].contains("MEDIA_XON"));
    }

    #[test]
    fn flush_discards_marks_and_keeps_queue_full_until_the_next_tick() {
        let mut m = ChanWebsocketModel::new(ControlFormat::PlainText, 160);
        m.handle_binary(&vec![0u8; 160 * 900]);
        m.handle_text("MARK_MEDIA a");
        m.handle_text("FLUSH_MEDIA");
        m.handle_text("MARK_MEDIA b");
        assert_eq!(m.events.pop_front().unwrap(), "MEDIA_XOFF");
        assert!(m.tick().is_none());
        assert_eq!(
            Vec::from(m.events.clone()),
            ["MEDIA_XON", "MEDIA_MARK_PROCESSED b"]
        );
    }
}
