//! One call's WebSocket media connection to Asterisk, sans-IO: agent audio in, whole frames
//! and control commands out; Asterisk's text frames in, events out; caller audio counted.
//!
//! The adapter feeds [`MediaLink::push_audio`] (agent audio already in the channel's format),
//! [`MediaLink::interrupt`] (barge-in), [`MediaLink::handle_text`] / [`MediaLink::handle_binary`]
//! (what Asterisk sent) and [`MediaLink::handle_timeout`] with the time of the input, sends
//! whatever [`MediaLink::poll_output`] yields *in order* (marks are positions in the media
//! stream), and sleeps until [`MediaLink::next_timeout`].
//!
//! Rules, from chan_websocket 22.10.1 (docs/websocket-media.md cites the lines):
//! - Asterisk cuts every binary message into `optimal_frame_size` frames and drops a trailing
//!   partial frame unless bulk buffering is on. So only whole frames are sent; a remainder is
//!   held here until more audio completes it, or padded with silence to a whole frame once
//!   Asterisk is estimated to have played everything before it (nothing would follow it in
//!   time anyway). Holding it here, rather than `START/STOP_MEDIA_BUFFERING`, keeps every
//!   frame whole and keeps a mark placed after the remainder truly after it (Asterisk's
//!   leftover buffer sits outside its queue, so a mark would overtake it).
//! - A binary message that arrives while Asterisk's queue holds 1000 frames is dropped whole
//!   and silently. Marks (`MARK_MEDIA`) are acknowledgements here: each one records how many
//!   frames were sent before it, and its `MEDIA_MARK_PROCESSED` proves that many were
//!   dequeued. Frames sent but not yet acknowledged bound Asterisk's queue from above, and
//!   they are kept under `window` (never above 999), so nothing is dropped even before
//!   `MEDIA_XOFF` arrives. `MEDIA_XOFF` stops sending until `MEDIA_XON`.
//! - What Asterisk has not taken yet waits here, up to `pending_limit`; audio beyond that
//!   is dropped and counted (`overflow_dropped_bytes`, [`LinkEvent::Overflow`]), never lost
//!   without a trace.
//! - `FLUSH_MEDIA` empties Asterisk's queue, marks included (they are never reported), so an
//!   interruption sends `FLUSH_MEDIA` then a mark: its `MEDIA_MARK_PROCESSED` arrives at the
//!   next 20 ms tick after the flush, the first tick that plays nothing of the old response.
//! - A response is agent audio with no pause longer than `response_gap` once Asterisk has
//!   played what it had. A mark before its first frame reports when it started playing;
//!   the mark after its last frame when it finished.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::proto::{
    parse_event, Command, ControlFormat, Event, MediaFormat, MediaStart, ParseError, Status,
    ASTERISK_QUEUE_MAX_FRAMES,
};

/// Settings of one connection.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkConfig {
    pub format: MediaFormat,
    /// The form commands are sent in until `MEDIA_START` shows the channel's own.
    pub control: ControlFormat,
    /// `optimal_frame_size`; `MEDIA_START` (or the channel variable
    /// `MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE`) overrides it.
    pub frame_bytes: usize,
    pub ptime: Duration,
    /// Most audio sent to Asterisk and not yet known to be dequeued there (capped at 999
    /// frames: Asterisk drops messages while its queue holds 1000).
    pub window: Duration,
    /// Most audio in one binary message (Asterisk closes the socket on frames over 64 KiB).
    pub max_message: Duration,
    /// Most agent audio waiting here for Asterisk to take it.
    pub pending_limit: Duration,
    /// A pause in agent audio this long, once Asterisk has played everything, ends a response.
    pub response_gap: Duration,
    /// A mark at least this often while audio flows (acknowledgements for the window).
    pub ack_every: Duration,
    /// Between responses (and after a flush) send a silence frame whenever Asterisk is
    /// estimated to run dry, so the caller's leg keeps receiving media: chan_websocket
    /// 22.9+ generates none, and a caller leg without RTP trips `rtp_timeout` (and some
    /// phones). The silence still queued when a response begins is flushed, so it delays
    /// nothing.
    pub idle_silence: bool,
}

impl LinkConfig {
    pub fn new(format: MediaFormat, control: ControlFormat) -> Self {
        LinkConfig {
            format,
            control,
            frame_bytes: format.optimal_frame_size(),
            ptime: Duration::from_millis(20),
            window: Duration::from_secs(16),
            max_message: Duration::from_millis(1000),
            pending_limit: Duration::from_secs(30),
            response_gap: Duration::from_millis(250),
            ack_every: Duration::from_secs(1),
            idle_silence: false,
        }
    }

    fn frames_in(&self, d: Duration) -> u64 {
        (d.as_micros() / self.ptime.as_micros().max(1)) as u64
    }

    /// `window` in frames, capped below Asterisk's drop level.
    pub fn window_frames(&self) -> u64 {
        self.frames_in(self.window)
            .clamp(1, ASTERISK_QUEUE_MAX_FRAMES as u64 - 1)
    }

    fn max_message_frames(&self) -> u64 {
        let by_size = (32_000 / self.frame_bytes.max(1)) as u64;
        self.frames_in(self.max_message).clamp(1, by_size.max(1))
    }

    /// `pending_limit` in bytes.
    pub fn pending_limit_bytes(&self) -> usize {
        let b = self.pending_limit.as_secs_f64() * self.format.bytes_per_second() as f64;
        (b as usize).max(self.frame_bytes)
    }
}

/// What the adapter must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A binary frame to Asterisk: whole media frames.
    Binary(Vec<u8>),
    /// A text frame to Asterisk: a command.
    Text(String),
    /// Something to record or act on.
    Event(LinkEvent),
}

#[derive(Debug, Clone, PartialEq)]
pub enum LinkEvent {
    /// `MEDIA_START` arrived (the connection is live).
    Started(MediaStart),
    /// `MEDIA_START` names another format than the one asked for: the call cannot go on.
    FormatMismatch {
        expected: MediaFormat,
        got: String,
    },
    /// Agent audio began a new response.
    ResponseBegan {
        response: u64,
        at: Instant,
    },
    /// Asterisk dequeued the response's first frame: it is playing to the caller.
    ResponsePlaying {
        response: u64,
        first_audio_at: Instant,
        playing_at: Instant,
    },
    /// Asterisk dequeued the response's last frame and the next tick came: it has played.
    ResponsePlayed {
        response: u64,
        played_at: Instant,
    },
    /// The response was flushed before it finished.
    ResponseInterrupted {
        response: u64,
        at: Instant,
    },
    /// The first tick after `FLUSH_MEDIA` reached the playout clock.
    FlushConfirmed {
        requested_at: Instant,
        confirmed_at: Instant,
    },
    Xoff {
        at: Instant,
    },
    Xon {
        at: Instant,
    },
    /// Agent audio was dropped because `pending_limit` was reached (total so far).
    Overflow {
        dropped_bytes: u64,
    },
    Status(Status),
    Dtmf {
        digit: char,
    },
    /// Asterisk's `ERROR` event.
    AsteriskError {
        text: String,
    },
}

/// Counters of one connection (for call records and `/metrics`).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct LinkStats {
    /// Agent audio handed to the link, in the channel's format.
    pub agent_bytes_in: u64,
    pub frames_sent: u64,
    pub binary_messages_sent: u64,
    /// Silence added to complete a response's last frame.
    pub padding_bytes: u64,
    pub marks_sent: u64,
    pub marks_processed: u64,
    /// `MEDIA_MARK_PROCESSED` for marks this link does not (or no longer) know.
    pub marks_unknown: u64,
    pub xoff: u64,
    pub xon: u64,
    pub flushes: u64,
    /// Agent audio still waiting here when an interruption discarded it.
    pub flushed_pending_bytes: u64,
    /// Agent audio dropped at `pending_limit`.
    pub overflow_dropped_bytes: u64,
    pub max_pending_bytes: u64,
    pub max_unacked_frames: u64,
    pub responses: u64,
    /// Silence frames sent between responses (`idle_silence`), and the flushes that
    /// removed queued silence when a response began.
    pub idle_silence_frames: u64,
    pub idle_silence_flushes: u64,
    pub caller_messages: u64,
    pub caller_bytes: u64,
    /// Binary messages from Asterisk before `MEDIA_START` (a known race in chan_websocket).
    pub caller_messages_before_start: u64,
    /// Caller messages whose size was not `optimal_frame_size`.
    pub caller_odd_messages: u64,
    pub events_unparsed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MarkKind {
    Ack,
    ResponseStart {
        response: u64,
        first_audio_at: Instant,
    },
    ResponseEnd {
        response: u64,
    },
    Flush {
        requested_at: Instant,
    },
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    seq: u64,
    /// Frames sent before the mark.
    pos: u64,
    kind: MarkKind,
}

#[derive(Debug, Clone, Copy)]
struct Response {
    id: u64,
    first_audio_at: Instant,
    last_audio_at: Instant,
    start_mark_due: bool,
}

const MARK_PREFIX: &str = "vc";

/// The state of one WebSocket media connection.
#[derive(Debug)]
pub struct MediaLink {
    cfg: LinkConfig,
    control: ControlFormat,
    started: Option<MediaStart>,
    pending: VecDeque<u8>,
    sent: u64,
    /// Frames Asterisk has dequeued, as far as marks prove (or discarded by a flush).
    played_upto: u64,
    frames_since_mark: u64,
    marks: VecDeque<Mark>,
    next_mark: u64,
    /// The last processed mark: (position, when).
    last_processed: Option<(u64, Instant)>,
    xoff: bool,
    overflowing: bool,
    /// When Asterisk is estimated to have played all that was sent.
    dry_at: Instant,
    response: Option<Response>,
    next_response: u64,
    /// When the last idle silence frame was sent (it may still be queued in Asterisk).
    silence_sent_at: Option<Instant>,
    out: VecDeque<Output>,
    stats: LinkStats,
}

/// Idle silence is sent this long before Asterisk is estimated to run dry: two frames and
/// 5 ms, so two or three frames wait in Asterisk's queue and a frame that reaches it up to
/// 25 ms late (serve's timer or Asterisk's WebSocket read thread behind on a busy machine)
/// still makes its tick. It must: a tick that finds the queue empty sends the caller nothing,
/// and Asterisk's RTP stack (res_rtp_asterisk `rtp_raw_write`) times a frame that comes less
/// than 80 ms (640 samples) late by its sample count, not by the clock, so every missed tick
/// takes 20 ms off the caller's RTP timeline for good: a receiver that places audio by
/// timestamp hears what follows that much early (with 5 ms, a loaded sandbox moved the
/// agent's answer more than 0.25 s earlier in `vcctl call`'s recording). The queued silence costs a
/// response nothing: it is flushed when the response begins (`flush_idle_silence`).
const SILENCE_LEAD: Duration = Duration::from_millis(45);

impl MediaLink {
    pub fn new(cfg: LinkConfig, now: Instant) -> Self {
        MediaLink {
            control: cfg.control,
            cfg,
            started: None,
            pending: VecDeque::new(),
            sent: 0,
            played_upto: 0,
            frames_since_mark: 0,
            marks: VecDeque::new(),
            next_mark: 1,
            last_processed: None,
            xoff: false,
            overflowing: false,
            dry_at: now,
            response: None,
            next_response: 1,
            silence_sent_at: None,
            out: VecDeque::new(),
            stats: LinkStats::default(),
        }
    }

    pub fn config(&self) -> &LinkConfig {
        &self.cfg
    }

    pub fn stats(&self) -> &LinkStats {
        &self.stats
    }

    /// `MEDIA_START`, once it has arrived.
    pub fn media_start(&self) -> Option<&MediaStart> {
        self.started.as_ref()
    }

    pub fn control_format(&self) -> ControlFormat {
        self.control
    }

    /// Agent audio waiting here (bytes).
    pub fn pending_bytes(&self) -> usize {
        self.pending.len()
    }

    /// Frames sent that no mark has yet proven dequeued: an upper bound of Asterisk's queue.
    pub fn unacked_frames(&self) -> u64 {
        self.sent - self.played_upto
    }

    pub fn is_xoff(&self) -> bool {
        self.xoff
    }

    /// A response is being sent or played.
    pub fn in_response(&self) -> bool {
        self.response.is_some()
    }

    /// The next output, in the order it must reach Asterisk.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.out.pop_front()
    }

    // ---- agent side ----

    /// Agent audio, in the channel's format, as it arrives.
    pub fn push_audio(&mut self, now: Instant, audio: &[u8]) {
        if audio.is_empty() {
            return;
        }
        self.stats.agent_bytes_in += audio.len() as u64;
        if self.response.is_none() {
            self.flush_idle_silence(now);
        }
        let r = match self.response {
            Some(ref mut r) => r,
            None => {
                let id = self.next_response;
                self.next_response += 1;
                self.stats.responses += 1;
                self.out.push_back(Output::Event(LinkEvent::ResponseBegan {
                    response: id,
                    at: now,
                }));
                self.response.insert(Response {
                    id,
                    first_audio_at: now,
                    last_audio_at: now,
                    start_mark_due: true,
                })
            }
        };
        r.last_audio_at = now;
        // What Asterisk can take now goes first; only the rest counts against the limit.
        self.pending.extend(audio);
        self.try_send(now);
        let limit = self.cfg.pending_limit_bytes();
        if self.pending.len() > limit {
            self.stats.overflow_dropped_bytes += (self.pending.len() - limit) as u64;
            self.pending.truncate(limit);
            if !self.overflowing {
                self.overflowing = true;
                self.out.push_back(Output::Event(LinkEvent::Overflow {
                    dropped_bytes: self.stats.overflow_dropped_bytes,
                }));
            }
        }
        self.stats.max_pending_bytes = self.stats.max_pending_bytes.max(self.pending.len() as u64);
    }

    /// Barge-in: discard what is waiting here, `FLUSH_MEDIA` what Asterisk holds, and a mark
    /// whose processing confirms the flush reached the playout clock.
    pub fn interrupt(&mut self, now: Instant) {
        self.stats.flushed_pending_bytes += self.pending.len() as u64;
        self.pending.clear();
        self.overflowing = false;
        self.command(Command::FlushMedia);
        self.stats.flushes += 1;
        // Asterisk discards its queued marks with the media: they will never be reported.
        self.marks.clear();
        self.played_upto = self.sent;
        self.xoff = false;
        self.dry_at = now;
        if let Some(r) = self.response.take() {
            self.out
                .push_back(Output::Event(LinkEvent::ResponseInterrupted {
                    response: r.id,
                    at: now,
                }));
        }
        self.mark(MarkKind::Flush { requested_at: now });
    }

    /// The agent's response is complete (when the adapter knows it): the remainder goes out
    /// padded now instead of when Asterisk runs dry.
    pub fn end_response(&mut self, now: Instant) {
        if self.response.is_none() {
            return;
        }
        self.pad_remainder(now);
        if self.pending.is_empty() {
            self.finish_response(now);
        }
    }

    /// Ask Asterisk to hang the channel up (it closes the WebSocket).
    pub fn hangup(&mut self) {
        self.command(Command::Hangup);
    }

    /// Ask for a `STATUS` event.
    pub fn request_status(&mut self) {
        self.command(Command::GetStatus);
    }

    // ---- Asterisk side ----

    /// A text frame from Asterisk.
    pub fn handle_text(&mut self, now: Instant, text: &str) -> Result<(), ParseError> {
        let (ev, form) = match parse_event(text) {
            Ok(x) => x,
            Err(e) => {
                self.stats.events_unparsed += 1;
                return Err(e);
            }
        };
        if let Event::MediaStart(_) = ev {
            // The channel answers in the form it was configured with (`f(json)` needs 22.8;
            // an older Asterisk ignores it and speaks plain text): follow it.
            self.control = form;
        }
        self.handle_event(now, ev);
        Ok(())
    }

    /// A binary frame from Asterisk: caller audio in the channel's format. Asterisk can send
    /// it before `MEDIA_START`; it is in the format asked for all the same, so it is kept.
    pub fn handle_binary(&mut self, data: &[u8]) {
        self.stats.caller_messages += 1;
        self.stats.caller_bytes += data.len() as u64;
        if self.started.is_none() {
            self.stats.caller_messages_before_start += 1;
        }
        if data.len() != self.cfg.frame_bytes {
            self.stats.caller_odd_messages += 1;
        }
    }

    /// A parsed event from Asterisk.
    pub fn handle_event(&mut self, now: Instant, ev: Event) {
        match ev {
            Event::MediaStart(m) => {
                if MediaFormat::from_name(&m.format) != Some(self.cfg.format) {
                    self.out.push_back(Output::Event(LinkEvent::FormatMismatch {
                        expected: self.cfg.format,
                        got: m.format.clone(),
                    }));
                }
                if m.optimal_frame_size > 0 {
                    self.cfg.frame_bytes = m.optimal_frame_size;
                }
                if let Some(p) = m.ptime_ms.filter(|p| *p > 0) {
                    self.cfg.ptime = Duration::from_millis(p as u64);
                }
                self.started = Some(m.clone());
                self.out.push_back(Output::Event(LinkEvent::Started(m)));
                self.try_send(now);
            }
            Event::MediaXoff => {
                self.xoff = true;
                self.stats.xoff += 1;
                self.out
                    .push_back(Output::Event(LinkEvent::Xoff { at: now }));
            }
            Event::MediaXon => {
                self.xoff = false;
                self.stats.xon += 1;
                self.out
                    .push_back(Output::Event(LinkEvent::Xon { at: now }));
                self.try_send(now);
            }
            Event::MediaMarkProcessed { correlation_id } => {
                self.mark_processed(now, correlation_id.as_deref());
                self.try_send(now);
            }
            Event::Status(s) => self.out.push_back(Output::Event(LinkEvent::Status(s))),
            Event::DtmfEnd { digit } => {
                self.out.push_back(Output::Event(LinkEvent::Dtmf { digit }))
            }
            Event::Error { text } => self
                .out
                .push_back(Output::Event(LinkEvent::AsteriskError { text })),
            Event::QueueDrained | Event::MediaBufferingCompleted { .. } | Event::Unknown { .. } => {
            }
        }
    }

    // ---- time ----

    /// When [`MediaLink::handle_timeout`] wants to run next.
    pub fn next_timeout(&self) -> Option<Instant> {
        let Some(r) = self.response.as_ref() else {
            return self.idle_silence_due();
        };
        if self.xoff {
            return None;
        }
        let whole = self.pending.len() / self.cfg.frame_bytes;
        if whole > 0 {
            return None; // waiting for the window (marks) or XON: event driven
        }
        if !self.pending.is_empty() {
            if self.unacked_frames() >= self.cfg.window_frames() {
                return None; // the remainder waits for a mark too
            }
            return Some(self.dry_at);
        }
        Some(self.dry_at.max(r.last_audio_at + self.cfg.response_gap))
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        let Some(r) = self.response else {
            if self.idle_silence_due().is_some_and(|t| t <= now) {
                self.send_idle_silence(now);
            }
            return;
        };
        if self.xoff || self.pending.len() >= self.cfg.frame_bytes {
            return;
        }
        if !self.pending.is_empty() && now >= self.dry_at {
            self.pad_remainder(now);
        }
        if self.pending.is_empty()
            && now >= self.dry_at
            && now >= r.last_audio_at + self.cfg.response_gap
        {
            self.finish_response(now);
        }
    }

    // ---- internals ----

    /// When the next idle silence frame is due, if one is.
    fn idle_silence_due(&self) -> Option<Instant> {
        let idle = self.cfg.idle_silence
            && self.started.is_some()
            && self.response.is_none()
            && self.pending.is_empty()
            && !self.xoff
            && self.unacked_frames() < self.cfg.window_frames();
        idle.then(|| self.dry_at.checked_sub(SILENCE_LEAD).unwrap_or(self.dry_at))
    }

    fn send_idle_silence(&mut self, now: Instant) {
        let fb = self.cfg.frame_bytes;
        self.out
            .push_back(Output::Binary(vec![self.cfg.format.silence_byte(); fb]));
        self.sent += 1;
        self.frames_since_mark += 1;
        self.stats.frames_sent += 1;
        self.stats.binary_messages_sent += 1;
        self.stats.idle_silence_frames += 1;
        self.silence_sent_at = Some(now);
        self.dry_at = self.dry_at.max(now) + self.cfg.ptime;
        // An acknowledgement now and then keeps the estimate of Asterisk's clock true (a
        // late tick there leaves a frame queued for good, asterisk #2115).
        if self.frames_since_mark >= self.cfg.frames_in(self.cfg.ack_every).max(1) {
            self.mark(MarkKind::Ack);
        }
    }

    /// A response begins: idle silence that may still be queued in Asterisk would delay it
    /// by up to a frame, so it is flushed (only acknowledgement marks can be queued behind
    /// it: a response's own marks are all reported before idle silence starts).
    fn flush_idle_silence(&mut self, now: Instant) {
        let Some(at) = self.silence_sent_at.take() else {
            return;
        };
        let queued = self.dry_at > now || now < at + self.cfg.ptime + SILENCE_LEAD;
        if !queued || self.marks.iter().any(|m| m.kind != MarkKind::Ack) {
            return;
        }
        self.command(Command::FlushMedia);
        self.stats.idle_silence_flushes += 1;
        self.marks.clear();
        self.played_upto = self.sent;
        self.dry_at = now;
    }

    fn command(&mut self, c: Command) {
        match c.encode(self.control) {
            Ok(t) => self.out.push_back(Output::Text(t)),
            // Every command built here fits; a failure is a bug, not a runtime condition.
            Err(e) => debug_assert!(false, "{e}"),
        }
    }

    fn mark(&mut self, kind: MarkKind) {
        let seq = self.next_mark;
        self.next_mark += 1;
        self.command(Command::MarkMedia {
            correlation_id: Some(format!("{MARK_PREFIX}{seq}")),
        });
        self.marks.push_back(Mark {
            seq,
            pos: self.sent,
            kind,
        });
        self.frames_since_mark = 0;
        self.stats.marks_sent += 1;
    }

    fn mark_processed(&mut self, now: Instant, id: Option<&str>) {
        let seq = id
            .and_then(|i| i.strip_prefix(MARK_PREFIX))
            .and_then(|n| n.parse::<u64>().ok());
        let Some(seq) = seq.filter(|s| self.marks.iter().any(|m| m.seq == *s)) else {
            // Another application's mark, or one queued before a flush discarded it.
            self.stats.marks_unknown += 1;
            return;
        };
        // Marks are processed in order: any earlier one was reported before this.
        while let Some(m) = self.marks.pop_front() {
            self.stats.marks_processed += 1;
            if m.seq != seq {
                continue;
            }
            self.played_upto = self.played_upto.max(m.pos);
            self.last_processed = Some((m.pos, now));
            self.dry_at = now + self.cfg.ptime * (self.sent - m.pos) as u32;
            match m.kind {
                MarkKind::Ack => {}
                MarkKind::ResponseStart {
                    response,
                    first_audio_at,
                } => self
                    .out
                    .push_back(Output::Event(LinkEvent::ResponsePlaying {
                        response,
                        first_audio_at,
                        playing_at: now,
                    })),
                MarkKind::ResponseEnd { response } => {
                    self.out.push_back(Output::Event(LinkEvent::ResponsePlayed {
                        response,
                        played_at: now,
                    }))
                }
                MarkKind::Flush { requested_at } => {
                    self.out.push_back(Output::Event(LinkEvent::FlushConfirmed {
                        requested_at,
                        confirmed_at: now,
                    }))
                }
            }
            break;
        }
    }

    /// Send whole frames while Asterisk may take them.
    fn try_send(&mut self, now: Instant) {
        let fb = self.cfg.frame_bytes;
        let window = self.cfg.window_frames();
        let max_msg = self.cfg.max_message_frames();
        let ack_every = self.cfg.frames_in(self.cfg.ack_every).max(1);
        loop {
            if self.xoff {
                break;
            }
            let whole = (self.pending.len() / fb) as u64;
            let unacked = self.unacked_frames();
            if whole == 0 || unacked >= window {
                break;
            }
            let n = whole.min(max_msg).min(window - unacked);
            self.send_frames(now, n as usize * fb, n);
            // A mark whenever sending pauses (caught up, or the window is full: only a mark
            // can reopen it) and at least every `ack_every` of audio.
            let caught_up = self.pending.len() < fb;
            let window_full = self.unacked_frames() >= window;
            if caught_up || window_full || self.frames_since_mark >= ack_every {
                self.mark(MarkKind::Ack);
            }
        }
        // Room again: a later overflow is a new episode, reported again.
        self.overflowing &= self.pending.len() >= self.cfg.pending_limit_bytes();
    }

    fn send_frames(&mut self, now: Instant, bytes: usize, frames: u64) {
        if let Some(r) = self.response.as_mut().filter(|r| r.start_mark_due) {
            r.start_mark_due = false;
            let (response, first_audio_at) = (r.id, r.first_audio_at);
            self.mark(MarkKind::ResponseStart {
                response,
                first_audio_at,
            });
        }
        let mut msg: Vec<u8> = self
            .pending
            .drain(..bytes.min(self.pending.len()))
            .collect();
        msg.resize(
            frames as usize * self.cfg.frame_bytes,
            self.cfg.format.silence_byte(),
        );
        self.out.push_back(Output::Binary(msg));
        self.sent += frames;
        self.frames_since_mark += frames;
        self.stats.frames_sent += frames;
        self.stats.binary_messages_sent += 1;
        self.stats.max_unacked_frames = self.stats.max_unacked_frames.max(self.unacked_frames());
        self.dry_at = self.dry_at.max(now) + self.cfg.ptime * frames as u32;
    }

    /// The remainder (under one frame) goes out completed with silence.
    fn pad_remainder(&mut self, now: Instant) {
        let fb = self.cfg.frame_bytes;
        let rem = self.pending.len();
        if rem == 0 || rem >= fb || self.xoff || self.unacked_frames() >= self.cfg.window_frames() {
            return;
        }
        self.stats.padding_bytes += (fb - rem) as u64;
        self.send_frames(now, rem, 1);
        self.mark(MarkKind::Ack);
    }

    /// The response is over: report when its last frame played, or mark its end.
    fn finish_response(&mut self, _now: Instant) {
        let Some(r) = self.response.take() else {
            return;
        };
        if r.start_mark_due {
            return; // nothing of it was ever sent (all dropped or flushed)
        }
        match self.last_processed {
            Some((pos, at)) if pos >= self.sent => {
                self.out.push_back(Output::Event(LinkEvent::ResponsePlayed {
                    response: r.id,
                    played_at: at,
                }));
            }
            _ => {
                if let Some(m) = self.marks.back_mut().filter(|m| m.pos == self.sent) {
                    if m.kind == MarkKind::Ack {
                        m.kind = MarkKind::ResponseEnd { response: r.id };
                        return;
                    }
                }
                self.mark(MarkKind::ResponseEnd { response: r.id });
            }
        }
    }
}
