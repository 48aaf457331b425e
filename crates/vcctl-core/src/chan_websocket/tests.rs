//! [`MediaLink`] against the model of chan_websocket's queue, with synthetic time.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::proto::encode_event;
use super::sim::ChanWebsocketModel;
use super::*;

const MS: Duration = Duration::from_millis(1);

fn media_start(format: &str, frame: usize, control: ControlFormat) -> String {
    encode_event(
        &Event::MediaStart(MediaStart {
            connection_id: "c".into(),
            channel: "WebSocket/INCOMING/0x1".into(),
            channel_id: Some("em".into()),
            format: format.into(),
            optimal_frame_size: frame,
            ptime_ms: Some(20),
            channel_variables: Default::default(),
        }),
        control,
        "em",
    )
}

/// A link wired to the model of Asterisk's side; time moves in 20 ms ticks.
struct Rig {
    link: MediaLink,
    asterisk: ChanWebsocketModel,
    now: Instant,
    t0: Instant,
    events: Vec<(Instant, LinkEvent)>,
    texts: Vec<String>,
}

impl Rig {
    fn new(cfg: LinkConfig) -> Rig {
        let t0 = Instant::now();
        let frame = cfg.frame_bytes;
        let control = cfg.control;
        let name = cfg.format.name();
        let mut rig = Rig {
            link: MediaLink::new(cfg, t0),
            asterisk: ChanWebsocketModel::new(control, frame),
            now: t0,
            t0,
            events: Vec::new(),
            texts: Vec::new(),
        };
        let ms = media_start(name, frame, control);
        rig.link.handle_text(t0, &ms).unwrap();
        rig.pump();
        rig
    }

    fn ulaw() -> Rig {
        Rig::new(LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json))
    }

    /// Move the link's output to Asterisk and Asterisk's events back, until both are quiet.
    fn pump(&mut self) {
        loop {
            let mut moved = false;
            while let Some(o) = self.link.poll_output() {
                moved = true;
                match o {
                    Output::Binary(b) => self.asterisk.handle_binary(&b),
                    Output::Text(t) => {
                        self.texts.push(t.clone());
                        self.asterisk.handle_text(&t)
                    }
                    Output::Event(e) => self.events.push((self.now, e)),
                }
            }
            while let Some(t) = self.asterisk.events.pop_front() {
                moved = true;
                self.link.handle_text(self.now, &t).unwrap();
            }
            if !moved {
                break;
            }
        }
    }

    /// Advance to `until`, ticking Asterisk every 20 ms and running the link's timers.
    fn run_until(&mut self, until: Instant) {
        while self.now < until {
            let since = (self.now - self.t0).as_micros() as u64;
            let next_tick = self.t0 + Duration::from_micros((since / 20_000 + 1) * 20_000);
            let next = match self.link.next_timeout() {
                Some(t) if t < next_tick && t > self.now => t,
                _ => next_tick,
            };
            self.now = next.min(until);
            if self.link.next_timeout().is_some_and(|t| t <= self.now) {
                self.link.handle_timeout(self.now);
                self.pump();
            }
            if (self.now - self.t0).as_micros() % 20_000 == 0 {
                self.asterisk.tick();
                self.pump();
            }
        }
    }

    fn run_for(&mut self, d: Duration) {
        let until = self.now + d;
        self.run_until(until);
    }

    fn push(&mut self, data: &[u8]) {
        self.link.push_audio(self.now, data);
        self.pump();
    }

    fn played(&self) -> Vec<u8> {
        self.asterisk.played.concat()
    }

    fn find<T>(&self, f: impl Fn(&LinkEvent) -> Option<T>) -> Vec<(Instant, T)> {
        self.events
            .iter()
            .filter_map(|(t, e)| f(e).map(|x| (*t, x)))
            .collect()
    }
}

fn drain(link: &mut MediaLink) -> Vec<Output> {
    std::iter::from_fn(|| link.poll_output()).collect()
}

fn binaries(out: &[Output]) -> Vec<usize> {
    out.iter()
        .filter_map(|o| match o {
            Output::Binary(b) => Some(b.len()),
            _ => None,
        })
        .collect()
}

#[test]
fn whole_frames_go_out_at_once_and_the_remainder_waits_for_more() {
    let t0 = Instant::now();
    let mut link = MediaLink::new(LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json), t0);
    link.push_audio(t0, &[1u8; 1000]);
    let out = drain(&mut link);
    assert!(matches!(
        out[0],
        Output::Event(LinkEvent::ResponseBegan { response: 1, .. })
    ));
    assert_eq!(
        out[1],
        Output::Text(r#"{"command":"MARK_MEDIA","correlation_id":"vc1"}"#.into())
    );
    assert_eq!(binaries(&out), [960]);
    assert_eq!(
        out.last().unwrap(),
        &Output::Text(r#"{"command":"MARK_MEDIA","correlation_id":"vc2"}"#.into())
    );
    assert_eq!(link.pending_bytes(), 40);
    // The next chunk completes the held remainder first.
    link.push_audio(t0 + 5 * MS, &[2u8; 130]);
    let out = drain(&mut link);
    let Output::Binary(b) = &out[0] else {
        panic!("{out:?}")
    };
    assert_eq!(b.len(), 160);
    assert_eq!(&b[..40], &[1u8; 40]);
    assert_eq!(&b[40..], &[2u8; 120]);
    assert_eq!(link.pending_bytes(), 10);
    assert_eq!(link.stats().frames_sent, 7);
}

#[test]
fn the_remainder_is_padded_when_asterisk_would_run_dry() {
    let mut rig = Rig::ulaw();
    rig.push(&[7u8; 1000]); // 6 frames + 40 bytes
    let t = rig.link.next_timeout().unwrap();
    assert_eq!(t - rig.t0, 120 * MS);
    rig.run_for(400 * MS);
    let played = rig.played();
    assert_eq!(played.len(), 7 * 160);
    assert_eq!(&played[..1000], &[7u8; 1000][..]);
    assert!(
        played[1000..].iter().all(|b| *b == 0xFF),
        "ulaw silence pads"
    );
    assert_eq!(rig.link.stats().padding_bytes, 120);
    assert_eq!(rig.asterisk.dropped_partial_bytes, 0);
}

#[test]
fn response_marks_time_the_start_and_the_end_of_playout() {
    let mut rig = Rig::new(LinkConfig::new(
        MediaFormat::Slin16,
        ControlFormat::PlainText,
    ));
    rig.run_for(10 * MS);
    let got_at = rig.now;
    rig.push(&vec![1u8; 32_000]); // one second of slin16
    rig.run_for(2 * Duration::from_secs(1));
    let playing = rig.find(|e| match e {
        LinkEvent::ResponsePlaying {
            response,
            first_audio_at,
            playing_at,
        } => Some((*response, *first_audio_at, *playing_at)),
        _ => None,
    });
    assert_eq!(playing.len(), 1);
    let (r, first, at) = playing[0].1;
    assert_eq!((r, first), (1, got_at));
    assert_eq!(at - got_at, 10 * MS, "the next tick plays the first frame");
    let played = rig.find(|e| match e {
        LinkEvent::ResponsePlayed {
            response,
            played_at,
        } => Some((*response, *played_at)),
        _ => None,
    });
    assert_eq!(played.len(), 1, "{:?}", rig.events);
    let (r, end) = played[0].1;
    assert_eq!(r, 1);
    // 50 frames dequeued at ticks 20..=1000 ms; the mark after them at the 1020 ms tick.
    assert_eq!(end - rig.t0, 1020 * MS);
    assert!(!rig.link.in_response());
    // Plain-text commands throughout.
    assert!(
        rig.texts.iter().all(|t| t.starts_with("MARK_MEDIA vc")),
        "{:?}",
        rig.texts
    );
}

#[test]
fn a_burst_is_split_into_messages_and_held_within_the_window() {
    let mut cfg = LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json);
    cfg.window = Duration::from_secs(5);
    cfg.max_message = Duration::from_secs(2);
    let t0 = Instant::now();
    let mut link = MediaLink::new(cfg, t0);
    link.push_audio(t0, &vec![3u8; 8000 * 12]); // 12 s
    let out = drain(&mut link);
    assert_eq!(
        binaries(&out),
        [16000, 16000, 8000],
        "2 s, 2 s, then the window is full"
    );
    assert_eq!(link.unacked_frames(), 250);
    assert_eq!(link.pending_bytes(), 8000 * 7);
    assert_eq!(
        link.next_timeout(),
        None,
        "event driven until a mark comes back"
    );
    // The mark after the first message (every message ends with one here: 2 s >= ack_every).
    link.handle_text(
        t0 + Duration::from_secs(2),
        r#"{"event":"MEDIA_MARK_PROCESSED","correlation_id":"vc2"}"#,
    )
    .unwrap();
    let out = drain(&mut link);
    assert_eq!(binaries(&out), [16000], "the window opened by 100 frames");
}

#[test]
fn thirty_seconds_at_once_arrive_whole_within_bounds() {
    for format in [MediaFormat::Ulaw, MediaFormat::Slin16] {
        let mut rig = Rig::new(LinkConfig::new(format, ControlFormat::Json));
        let input: Vec<u8> = (0..format.bytes_per_second() * 30)
            .map(|i| (i % 251) as u8)
            .collect();
        rig.push(&input);
        assert!(rig.link.unacked_frames() <= 800);
        rig.run_for(Duration::from_secs(31));
        assert_eq!(rig.asterisk.dropped_messages, 0);
        assert_eq!(rig.asterisk.dropped_partial_bytes, 0);
        assert!(
            rig.asterisk.max_queue_length <= 800,
            "{}",
            rig.asterisk.max_queue_length
        );
        assert_eq!(rig.played(), input);
        let s = rig.link.stats();
        assert_eq!(s.overflow_dropped_bytes, 0);
        assert_eq!(s.xoff, 0, "the window keeps Asterisk under its XOFF level");
        assert!(s.max_pending_bytes as usize <= rig.link.config().pending_limit_bytes());
    }
}

#[test]
fn xoff_stops_sending_until_xon_and_nothing_is_dropped() {
    let mut cfg = LinkConfig::new(MediaFormat::Ulaw, ControlFormat::PlainText);
    cfg.window = Duration::from_secs(100); // capped at 999 frames: Asterisk's XOFF decides
    let mut rig = Rig::new(cfg);
    let input: Vec<u8> = (0..8000 * 30).map(|i| (i % 253) as u8).collect();
    rig.push(&input);
    assert!(rig.link.is_xoff());
    let unacked = rig.link.unacked_frames();
    assert!((900..1000).contains(&unacked), "{unacked}");
    rig.push(&input[..0]);
    rig.run_for(Duration::from_secs(32));
    assert_eq!(rig.asterisk.dropped_messages, 0);
    assert!(rig.asterisk.max_queue_length < 1000);
    assert_eq!(rig.played(), input);
    let s = rig.link.stats();
    assert!(s.xoff >= 1 && s.xon >= 1, "{s:?}");
    assert_eq!(
        rig.find(|e| matches!(e, LinkEvent::Xoff { .. }).then_some(()))
            .len() as u64,
        s.xoff
    );
}

#[test]
fn more_than_the_pending_limit_is_dropped_and_counted_once() {
    let mut cfg = LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json);
    cfg.window = Duration::from_secs(2);
    cfg.pending_limit = Duration::from_secs(1);
    let t0 = Instant::now();
    let mut link = MediaLink::new(cfg, t0);
    link.push_audio(t0, &vec![1u8; 8000 * 5]); // 2 s sent, 1 s held, 2 s dropped
    link.push_audio(t0, &[1u8; 800]); // still full: dropped too
    let out = drain(&mut link);
    let overflows: Vec<u64> = out
        .iter()
        .filter_map(|o| match o {
            Output::Event(LinkEvent::Overflow { dropped_bytes }) => Some(*dropped_bytes),
            _ => None,
        })
        .collect();
    assert_eq!(overflows, [16000]);
    assert_eq!(link.stats().overflow_dropped_bytes, 16800);
    assert_eq!(link.pending_bytes(), 8000);
}

#[test]
fn an_interruption_flushes_and_the_next_tick_confirms_it() {
    let mut rig = Rig::ulaw();
    rig.push(&vec![5u8; 8000 * 10]);
    rig.run_for(Duration::from_millis(1010));
    let before = rig.played().len();
    assert_eq!(before, 50 * 160);
    let asked = rig.now;
    rig.link.interrupt(rig.now);
    rig.pump();
    let n = rig.texts.len();
    assert_eq!(rig.texts[n - 2], r#"{"command":"FLUSH_MEDIA"}"#);
    assert!(rig.texts[n - 1].contains("MARK_MEDIA"));
    rig.run_for(Duration::from_millis(500));
    assert_eq!(
        rig.played().len(),
        before,
        "nothing of the old response plays after the flush"
    );
    let confirmed = rig.find(|e| match e {
        LinkEvent::FlushConfirmed {
            requested_at,
            confirmed_at,
        } => Some((*requested_at, *confirmed_at)),
        _ => None,
    });
    assert_eq!(confirmed.len(), 1);
    let (req, conf) = confirmed[0].1;
    assert_eq!(req, asked);
    assert_eq!(conf - req, 10 * MS);
    assert_eq!(
        rig.find(|e| matches!(e, LinkEvent::ResponseInterrupted { response: 1, .. }).then_some(()))
            .len(),
        1
    );
    assert!(rig
        .find(|e| matches!(e, LinkEvent::ResponsePlayed { .. }).then_some(()))
        .is_empty());
    // The next response starts cleanly.
    rig.push(&[9u8; 1600]);
    rig.run_for(Duration::from_millis(600));
    assert_eq!(rig.played().len(), before + 1600);
    assert_eq!(rig.link.stats().responses, 2);
}

#[test]
fn marks_of_flushed_media_reported_late_are_ignored() {
    let t0 = Instant::now();
    let mut link = MediaLink::new(LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json), t0);
    link.push_audio(t0, &[1u8; 1600]); // marks vc1 (start), vc2 (ack)
    link.interrupt(t0 + 5 * MS); // vc3 (flush)
    drain(&mut link);
    // Asterisk reported vc1 before it read FLUSH_MEDIA.
    link.handle_text(
        t0 + 6 * MS,
        r#"{"event":"MEDIA_MARK_PROCESSED","correlation_id":"vc1"}"#,
    )
    .unwrap();
    assert!(drain(&mut link).is_empty());
    assert_eq!(link.stats().marks_unknown, 1);
    link.handle_text(
        t0 + 20 * MS,
        r#"{"event":"MEDIA_MARK_PROCESSED","correlation_id":"vc3"}"#,
    )
    .unwrap();
    assert!(matches!(
        drain(&mut link)[..],
        [Output::Event(LinkEvent::FlushConfirmed { .. })]
    ));
}

#[test]
fn a_plain_text_media_start_switches_commands_to_plain_text() {
    let t0 = Instant::now();
    let mut link = MediaLink::new(LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json), t0);
    link.handle_text(t0, &media_start("ulaw", 160, ControlFormat::PlainText))
        .unwrap();
    assert_eq!(link.control_format(), ControlFormat::PlainText);
    link.interrupt(t0);
    let texts: Vec<String> = drain(&mut link)
        .into_iter()
        .filter_map(|o| match o {
            Output::Text(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["FLUSH_MEDIA", "MARK_MEDIA vc1"]);
}

#[test]
fn media_start_sets_the_frame_size_and_reports_a_wrong_format() {
    let t0 = Instant::now();
    let mut link = MediaLink::new(
        LinkConfig::new(MediaFormat::Slin16, ControlFormat::Json),
        t0,
    );
    link.handle_text(t0, &media_start("slin16", 320, ControlFormat::Json))
        .unwrap();
    assert_eq!(link.config().frame_bytes, 320);
    link.push_audio(t0, &[0u8; 1000]);
    assert_eq!(binaries(&drain(&mut link)), [960]);

    let mut link = MediaLink::new(
        LinkConfig::new(MediaFormat::Slin16, ControlFormat::Json),
        t0,
    );
    link.handle_text(t0, &media_start("ulaw", 160, ControlFormat::Json))
        .unwrap();
    assert!(drain(&mut link).iter().any(|o| matches!(
        o,
        Output::Event(LinkEvent::FormatMismatch { expected: MediaFormat::Slin16, got }) if got == "ulaw"
    )));
}

#[test]
fn caller_audio_before_media_start_is_kept_and_counted() {
    let t0 = Instant::now();
    let mut link = MediaLink::new(LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json), t0);
    link.handle_binary(&[0xFF; 160]);
    link.handle_binary(&[0xFF; 160]);
    link.handle_text(t0, &media_start("ulaw", 160, ControlFormat::Json))
        .unwrap();
    link.handle_binary(&[0xFF; 160]);
    link.handle_binary(&[0xFF; 80]);
    let s = link.stats();
    assert_eq!(s.caller_messages, 4);
    assert_eq!(s.caller_bytes, 560);
    assert_eq!(s.caller_messages_before_start, 2);
    assert_eq!(s.caller_odd_messages, 1);
}

#[test]
fn asterisk_events_surface() {
    let t0 = Instant::now();
    let mut link = MediaLink::new(LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json), t0);
    link.handle_text(t0, "DTMF_END digit:7 channel_id:x")
        .unwrap();
    link.handle_text(
        t0,
        r#"{"event":"ERROR","channel_id":"x","error_text":"oops"}"#,
    )
    .unwrap();
    assert!(link.handle_text(t0, "{broken").is_err());
    let out = drain(&mut link);
    assert_eq!(
        out,
        [
            Output::Event(LinkEvent::Dtmf { digit: '7' }),
            Output::Event(LinkEvent::AsteriskError {
                text: "oops".into()
            })
        ]
    );
    assert_eq!(link.stats().events_unparsed, 1);
    link.hangup();
    link.request_status();
    assert_eq!(
        drain(&mut link),
        [
            Output::Text(r#"{"command":"HANGUP"}"#.into()),
            Output::Text(r#"{"command":"GET_STATUS"}"#.into())
        ]
    );
}

/// Random chunk sizes, pauses, bursts and interruptions: Asterisk never drops or cuts
/// anything, every binary message is whole frames, and what plays is the agent's audio in
/// order with silence added only to complete a response's last frame.
#[test]
fn random_streams_play_exactly_what_was_sent() {
    for seed in 0..24u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let format = if seed % 2 == 0 {
            MediaFormat::Ulaw
        } else {
            MediaFormat::Slin16
        };
        let mut cfg = LinkConfig::new(format, ControlFormat::Json);
        cfg.window = Duration::from_millis(rng.gen_range(100..20_000));
        cfg.ack_every = Duration::from_millis(rng.gen_range(20..2000));
        let mut rig = Rig::new(cfg);
        let silence = format.silence_byte();
        // Agent bytes never equal the silence byte, so padding can be told apart.
        let mut sent_since_flush: Vec<u8> = Vec::new();
        let mut played_before_flush = 0usize;
        for _ in 0..60 {
            match rng.gen_range(0..10) {
                0..=5 => {
                    let n = rng.gen_range(1..format.bytes_per_second());
                    let mut chunk = vec![0u8; n];
                    rng.fill(&mut chunk[..]);
                    chunk.iter_mut().for_each(|b| *b = (*b).clamp(1, 254));
                    sent_since_flush.extend(&chunk);
                    rig.push(&chunk);
                }
                6..=8 => rig.run_for(Duration::from_millis(rng.gen_range(1..1500))),
                _ => {
                    rig.link.interrupt(rig.now);
                    rig.pump();
                    rig.run_for(40 * MS);
                    played_before_flush = rig.played().len();
                    sent_since_flush.clear();
                }
            }
            let s = rig.link.stats();
            assert!(rig.link.unacked_frames() < 1000);
            assert!(s.max_unacked_frames < 1000);
        }
        rig.run_for(Duration::from_secs(60));
        assert_eq!(rig.asterisk.dropped_messages, 0, "seed {seed}");
        assert_eq!(rig.asterisk.dropped_partial_bytes, 0, "seed {seed}");
        for f in &rig.asterisk.played {
            assert_eq!(f.len(), rig.link.config().frame_bytes, "seed {seed}");
        }
        let after: Vec<u8> = rig.played()[played_before_flush..]
            .iter()
            .copied()
            .filter(|b| *b != silence)
            .collect();
        if after != sent_since_flush {
            let at = after
                .iter()
                .zip(&sent_since_flush)
                .position(|(a, b)| a != b);
            panic!(
                "seed {seed}: played {} vs sent {}, first difference at {at:?}; {:?}",
                after.len(),
                sent_since_flush.len(),
                rig.link.stats()
            );
        }
        assert!(!rig.link.in_response());
        assert_eq!(rig.link.pending_bytes(), 0);
    }
}

#[test]
fn end_response_pads_at_once_and_the_end_mark_reports_the_playout() {
    let mut rig = Rig::ulaw();
    rig.push(&[4u8; 1000]); // 6 frames + 40 bytes
    rig.link.end_response(rig.now);
    rig.pump();
    assert_eq!(rig.link.pending_bytes(), 0);
    assert!(!rig.link.in_response());
    assert_eq!(rig.link.stats().padding_bytes, 120);
    rig.run_for(Duration::from_millis(300));
    let played = rig.find(|e| match e {
        LinkEvent::ResponsePlayed { played_at, .. } => Some(*played_at),
        _ => None,
    });
    assert_eq!(played.len(), 1);
    // 7 frames at the 20..=140 ms ticks, the end mark at the 160 ms tick.
    assert_eq!(played[0].1 - rig.t0, 160 * MS);
    assert_eq!(rig.played().len(), 7 * 160);
}

fn idle_rig() -> Rig {
    let mut cfg = LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json);
    cfg.idle_silence = true;
    Rig::new(cfg)
}

/// Ticks in a row (from `from` on) that played nothing at all.
fn longest_gap(played: &[Option<u8>]) -> usize {
    let mut run = 0;
    let mut most = 0;
    for p in played {
        run = if p.is_none() { run + 1 } else { 0 };
        most = most.max(run);
    }
    most
}

#[test]
fn idle_silence_feeds_every_tick_and_is_flushed_when_a_response_begins() {
    let mut rig = idle_rig();
    rig.run_for(400 * MS);
    // One silence frame per 20 ms tick from the first on, never more than three queued
    // (the lead: two frames and 5 ms).
    assert!(
        rig.asterisk.played.len() >= 19,
        "{}",
        rig.asterisk.played.len()
    );
    assert!(rig.asterisk.played.iter().all(|f| f == &[0xFFu8; 160]));
    assert!(
        rig.asterisk.max_queue_length <= 3,
        "{}",
        rig.asterisk.max_queue_length
    );
    // A response begins: the silence possibly queued is flushed, the response's first frame
    // plays at the next tick.
    let before = rig.asterisk.played.len();
    rig.push(&[7u8; 800]);
    assert!(rig.texts.iter().any(|t| t.contains("FLUSH_MEDIA")));
    rig.run_for(20 * MS);
    assert_eq!(rig.asterisk.played[before], [7u8; 160]);
    // The response plays whole, then silence again once it is over.
    rig.run_for(2000 * MS);
    let frames: Vec<u8> = rig.asterisk.played[before..].iter().map(|f| f[0]).collect();
    assert_eq!(frames.iter().filter(|&&b| b == 7).count(), 5);
    assert!(frames[5..].iter().all(|&b| b == 0xFF));
    let s = rig.link.stats();
    assert_eq!((s.idle_silence_flushes, s.flushes), (1, 0));
    assert!(s.idle_silence_frames >= 19 + 80, "{s:?}");
    assert_eq!(s.agent_bytes_in, 800);
    // Acknowledgements go on while idle: the window never fills.
    assert!(
        rig.link.unacked_frames() <= 51,
        "{}",
        rig.link.unacked_frames()
    );
    // The response was timed as usual.
    assert_eq!(
        rig.find(|e| match e {
            LinkEvent::ResponsePlayed { .. } => Some(()),
            _ => None,
        })
        .len(),
        1
    );
}

#[test]
fn after_a_flush_silence_keeps_the_caller_leg_fed() {
    let mut rig = idle_rig();
    rig.push(&vec![3u8; 160 * 100]); // 2 s
    rig.run_for(500 * MS);
    rig.link.interrupt(rig.now);
    rig.pump();
    let at_flush = rig.asterisk.played.len();
    rig.run_for(1000 * MS);
    // The flush is confirmed at the next tick as without idle silence.
    let confirmed = rig.find(|e| match e {
        LinkEvent::FlushConfirmed {
            requested_at,
            confirmed_at,
        } => Some(*confirmed_at - *requested_at),
        _ => None,
    });
    assert_eq!(confirmed.len(), 1);
    assert!(confirmed[0].1 <= 20 * MS, "{:?}", confirmed[0].1);
    // Then silence, a frame at every tick: nothing of the old response, no gap.
    let after: Vec<Option<u8>> = rig.asterisk.played[at_flush..]
        .iter()
        .map(|f| Some(f[0]))
        .collect();
    assert!(after.len() >= 49, "{}", after.len());
    assert!(after.iter().all(|b| *b == Some(0xFF)), "{after:?}");
    assert_eq!(longest_gap(&after), 0);
}

/// Run the rig with the link's timers firing `late` after they are due (serve's task behind
/// on a busy machine) while Asterisk ticks on time; the ticks after the first frame that
/// played nothing.
fn run_with_late_timers(rig: &mut Rig, d: Duration, late: Duration) -> usize {
    let until = rig.now + d;
    let mut empty = 0;
    while rig.now < until {
        let since = (rig.now - rig.t0).as_micros() as u64;
        let next_tick = rig.t0 + Duration::from_micros((since / 20_000 + 1) * 20_000);
        let wake = rig.link.next_timeout().map(|t| (t + late).max(rig.now));
        let next = match wake {
            Some(w) if w < next_tick => w,
            _ => next_tick,
        };
        rig.now = next.min(until);
        if wake.is_some_and(|w| w <= rig.now) {
            rig.link.handle_timeout(rig.now);
            rig.pump();
        }
        if rig.now == next_tick {
            let played = rig.asterisk.tick().is_some();
            if !played && !rig.asterisk.played.is_empty() {
                empty += 1;
            }
            rig.pump();
        }
    }
    empty
}

#[test]
fn idle_silence_makes_every_tick_when_serve_wakes_late() {
    // Asterisk times a frame that comes less than 80 ms late by its sample count, so each
    // empty tick shortens the caller's RTP timeline by 20 ms for good: none may happen when
    // serve's timer fires up to 25 ms late, at the start and after a barge-in.
    for late in [0, 5, 12, 20, 24] {
        let late = Duration::from_millis(late);
        let mut rig = idle_rig();
        assert_eq!(
            run_with_late_timers(&mut rig, 3000 * MS, late),
            0,
            "{late:?}"
        );
        rig.push(&vec![3u8; 160 * 50]);
        assert_eq!(
            run_with_late_timers(&mut rig, 500 * MS, late),
            0,
            "{late:?}"
        );
        rig.link.interrupt(rig.now);
        rig.pump();
        assert_eq!(
            run_with_late_timers(&mut rig, 3000 * MS, late),
            0,
            "{late:?}"
        );
        assert!(
            rig.asterisk.played.len() >= 320,
            "{}",
            rig.asterisk.played.len()
        );
    }
}

#[test]
fn idle_silence_is_off_unless_asked_for() {
    let mut rig = Rig::ulaw();
    rig.run_for(200 * MS);
    assert!(rig.asterisk.played.is_empty());
    assert_eq!(rig.link.next_timeout(), None);
}
