//! Asterisk's WebSocket media channel (chan_websocket) against the real sandbox Asterisk
//! 22.10, through ARI externalMedia (`transport=websocket`, `encapsulation=none`,
//! `connection_type=server`) and `vcctl_core::chan_websocket` / `io::asterisk_media_ws`:
//! a Local channel playing a 1000 Hz tone (`tone-rec`, which records what it hears) is
//! bridged with the WebSocket channel; the test receives the tone, sends tones back in whole
//! frames, times a response with marks, floods Asterisk (held back by the link's window, or
//! past MEDIA_XOFF with the window at its maximum), flushes
//! (barge-in), ends the channel (the HANGUP command, or closing the WebSocket), and leaves
//! Asterisk clean. Once with `ulaw` and plain-text control messages, once with `slin16` and
//! JSON.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::mpsc;

use common::sandbox;
use common::stack::{monitor_dir, read_wav_i16};
use vcctl::config::{AriSettings, Secret};
use vcctl::io::ari_events::EventStream;
use vcctl::io::ari_http::{AriClient, Originate, WebSocketMedia};
use vcctl::io::asterisk_media_ws::{self, FromAsterisk, MediaWs, MediaWsError, ToAsterisk};
use vcctl_core::chan_websocket::{
    transport_data, ControlFormat, LinkConfig, LinkEvent, LinkStats, MediaFormat, MediaLink,
};
use vcctl_core::media::g711;
use vcctl_core::media::tone::{goertzel_power, SineGen};

/// ARI events of our app: (type, channel id), as they arrive.
type Events = mpsc::UnboundedReceiver<(String, String)>;

async fn wait_event(events: &mut Events, kind: &str, channel: &str, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some((k, c))) if k == kind && c == channel => return true,
            Ok(Some(_)) => continue,
            _ => return false,
        }
    }
}

/// Audio of `freq` for `d`, in `format`.
fn tone(format: MediaFormat, freq: f64, d: Duration) -> Vec<u8> {
    let rate = format.sample_rate();
    let mut pcm = Vec::new();
    SineGen::new(freq, rate, 0.5).extend((rate as f64 * d.as_secs_f64()) as usize, &mut pcm);
    let mut out = Vec::new();
    match format {
        MediaFormat::Ulaw => g711::pcm_to_ulaw(&pcm, &mut out),
        _ => g711::pcm16le_to_bytes(&pcm, &mut out),
    }
    out
}

fn decode(format: MediaFormat, data: &[u8]) -> Vec<i16> {
    let mut pcm = Vec::new();
    match format {
        MediaFormat::Ulaw => g711::ulaw_to_pcm(data, &mut pcm),
        _ => {
            g711::pcm16le_from_bytes(data, &mut pcm);
        }
    }
    pcm
}

/// What came from Asterisk while the test waited for something else.
#[derive(Default)]
struct Seen {
    audio: Vec<u8>,
    events: Vec<LinkEvent>,
}

/// The next link event matching `pick`, keeping caller audio and other events meanwhile.
async fn next_event<T>(
    ws: &mut MediaWs,
    timeout: Duration,
    seen: &mut Seen,
    mut pick: impl FnMut(&LinkEvent) -> Option<T>,
) -> Option<(Instant, T)> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match tokio::time::timeout_at(deadline, ws.recv()).await {
            Ok(Some(FromAsterisk::CallerAudio { data, .. })) => seen.audio.extend(data),
            Ok(Some(FromAsterisk::Event { at, event })) => {
                if let Some(x) = pick(&event) {
                    return Some((at, x));
                }
                seen.events.push(event);
            }
            Ok(Some(FromAsterisk::Unreadable { text })) => panic!("unreadable event {text}"),
            Ok(Some(FromAsterisk::Closed { reason, .. })) => panic!("closed early: {reason}"),
            Ok(None) | Err(_) => return None,
        }
    }
}

/// 20 ms blocks of the 8 kHz recording in which `freq` dominates.
fn blocks_with(heard: &[i16], freq: f64) -> usize {
    heard
        .chunks_exact(160)
        .filter(|b| {
            let p = goertzel_power(b, freq, 8000);
            p > 1e-4
                && [300.0, 500.0, 700.0, 1000.0, 1400.0, 2000.0]
                    .iter()
                    .filter(|f| (**f - freq).abs() > 1.0)
                    .all(|f| p > 10.0 * goertzel_power(b, *f, 8000))
        })
        .count()
}

async fn round_trip(
    format: MediaFormat,
    control: ControlFormat,
    window_at_max: bool,
    end_with_hangup: bool,
) {
    let sb = sandbox();
    sb.force_clean();
    let tag = format!("{}-{}", format.name(), std::process::id());
    let app = format!("vcctl-wstest-{tag}");
    let settings = AriSettings {
        url: url::Url::parse(&sb.url).unwrap(),
        user: sb.user.clone(),
        password: Secret::new(sb.password.clone()),
        app: app.clone(),
        ca_cert: None,
    };
    let ari = AriClient::new(&settings).unwrap();

    // Our app's events, as (type, channel id).
    let mut stream = EventStream::connect(&settings, &app, false)
        .await
        .expect("events");
    let (etx, mut events) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Some(Ok(raw)) = stream.next().await {
            let v: Value = serde_json::from_str(&raw).unwrap_or_default();
            let kind = v["type"].as_str().unwrap_or_default().to_string();
            let chan = v["channel"]["id"].as_str().unwrap_or_default().to_string();
            if etx.send((kind, chan)).is_err() {
                break;
            }
        }
    });

    // The caller: its ;1 side in our app, its ;2 side plays 1000 Hz and records what it hears.
    let caller = format!("wst-a-{tag}");
    let recorder = format!("wst-b-{tag}");
    ari.originate(&Originate {
        endpoint: "Local/tone-rec@vcctl-test".into(),
        app: Some(app.clone()),
        channel_id: Some(caller.clone()),
        other_channel_id: Some(recorder.clone()),
        ..Default::default()
    })
    .await
    .expect("originate the caller");
    assert!(wait_event(&mut events, "StasisStart", &caller, Duration::from_secs(10)).await);

    // The WebSocket channel: created at once, answered (and in Stasis) only once we connect.
    let em = format!("wst-em-{tag}");
    let ch = ari
        .external_media_websocket(&WebSocketMedia {
            app: app.clone(),
            format: format.name().into(),
            transport_data: Some(transport_data(control)),
            channel_id: Some(em.clone()),
            variables: vec![],
        })
        .await
        .expect("externalMedia websocket");
    assert_eq!(ch.state, "Down");
    let vars: BTreeMap<String, Value> = ch.channelvars.clone().unwrap_or_default();
    let connection_id = vars["MEDIA_WEBSOCKET_CONNECTION_ID"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        vars["MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE"],
        format.optimal_frame_size().to_string()
    );
    assert!(
        !wait_event(&mut events, "StasisStart", &em, Duration::from_millis(500)).await,
        "the channel entered Stasis before anyone connected"
    );

    // Unknown connection ids are refused with 404.
    match asterisk_media_ws::connect(&settings, "00000000-0000-0000-0000-000000000000").await {
        Err(MediaWsError::Refused { status: 404, .. }) => {}
        other => panic!("unknown connection id: {:?}", other.map(|_| ())),
    }
    let socket = asterisk_media_ws::connect(&settings, &connection_id)
        .await
        .expect("connect to /media");
    let connected_at = Instant::now();
    let mut cfg = LinkConfig::new(format, control);
    if window_at_max {
        // Up to 999 frames in flight, so Asterisk's own MEDIA_XOFF (at 900) is what stops us.
        cfg.window = Duration::from_secs(60);
    }
    let mut ws = MediaWs::spawn(socket, MediaLink::new(cfg, Instant::now()));
    let mut seen = Seen::default();
    let (_, start) = next_event(&mut ws, Duration::from_secs(5), &mut seen, |e| match e {
        LinkEvent::Started(m) => Some(m.clone()),
        _ => None,
    })
    .await
    .expect("MEDIA_START");
    assert_eq!(start.format, format.name());
    assert_eq!(start.optimal_frame_size, format.optimal_frame_size());
    assert_eq!(start.ptime_ms, Some(20));
    assert_eq!(start.channel_id.as_deref(), Some(em.as_str()));
    assert_eq!(start.connection_id, connection_id);
    assert!(
        start.channel.starts_with("WebSocket/INCOMING/"),
        "{}",
        start.channel
    );
    if control == ControlFormat::Json {
        assert_eq!(
            start.channel_variables["MEDIA_WEBSOCKET_CONNECTION_ID"],
            connection_id
        );
    }
    assert!(wait_event(&mut events, "StasisStart", &em, Duration::from_secs(5)).await);
    eprintln!(
        "{tag}: MEDIA_START and StasisStart {} ms after connecting",
        connected_at.elapsed().as_millis()
    );
    // A second connection for the same id is refused with 409, once Asterisk has bound the
    // first (asked right after the first upgrade, Asterisk accepted it once in CI: it binds
    // the connection to the channel after the upgrade, so the check waits for MEDIA_START
    // and StasisStart, which say it did).
    match asterisk_media_ws::connect(&settings, &connection_id).await {
        Err(MediaWsError::Refused { status: 409, .. }) => {}
        other => panic!("second connection: {:?}", other.map(|_| ())),
    }

    let bridge = ari.create_bridge("mixing", Some(&tag)).await.unwrap();
    ari.add_to_bridge(&bridge.id, &[caller.clone(), em.clone()])
        .await
        .expect("bridge");

    // The caller's tone arrives as whole frames of the announced size.
    let mut heard = Vec::new();
    let until = tokio::time::Instant::now() + Duration::from_millis(1500);
    let mut sizes = BTreeMap::new();
    while let Ok(Some(m)) = tokio::time::timeout_at(until, ws.recv()).await {
        if let FromAsterisk::CallerAudio { data, .. } = m {
            *sizes.entry(data.len()).or_insert(0) += 1;
            heard.extend(data);
        }
    }
    let pcm = decode(format, &heard);
    let rate = format.sample_rate();
    assert!(pcm.len() > rate as usize, "{} samples in 1.5 s", pcm.len());
    let tail = &pcm[pcm.len() / 2..];
    let p1000 = goertzel_power(tail, 1000.0, rate);
    for f in [500.0, 700.0, 1400.0, 2000.0] {
        assert!(
            p1000 > 100.0 * goertzel_power(tail, f, rate),
            "1000 Hz vs {f} Hz"
        );
    }
    eprintln!("{tag}: caller message sizes {sizes:?}");
    assert_eq!(
        sizes.keys().copied().collect::<Vec<_>>(),
        [format.optimal_frame_size()]
    );

    // Response 1: one second of 700 Hz at once; marks time its start and end.
    assert!(ws.send(ToAsterisk::Audio(tone(
        format,
        700.0,
        Duration::from_secs(1)
    ))));
    let (_, (first, playing)) =
        next_event(&mut ws, Duration::from_secs(3), &mut seen, |e| match e {
            LinkEvent::ResponsePlaying {
                first_audio_at,
                playing_at,
                ..
            } => Some((*first_audio_at, *playing_at)),
            _ => None,
        })
        .await
        .expect("response 1 playing");
    let (_, played) = next_event(&mut ws, Duration::from_secs(3), &mut seen, |e| match e {
        LinkEvent::ResponsePlayed { played_at, .. } => Some(*played_at),
        _ => None,
    })
    .await
    .expect("response 1 played");
    let to_playing = playing - first;
    let playout = played - playing;
    eprintln!(
        "{tag}: agent audio -> first frame dequeued {} ms; 1 s response played out in {} ms",
        to_playing.as_millis(),
        playout.as_millis()
    );
    assert!(to_playing < Duration::from_millis(100), "{to_playing:?}");
    assert!(
        playout >= Duration::from_millis(980) && playout < Duration::from_millis(1200),
        "{playout:?}"
    );

    // Response 2: 20 s of 1400 Hz at once. With the window at its maximum Asterisk says
    // MEDIA_XOFF at 900 queued frames and the link stops there; with the default window (800
    // frames) the link stops first and Asterisk never gets to XOFF. After 1.5 s, barge-in
    // flushes it (and Asterisk says MEDIA_XON if it had said XOFF).
    assert!(ws.send(ToAsterisk::Audio(tone(
        format,
        1400.0,
        Duration::from_secs(20)
    ))));
    if window_at_max {
        let xoff = next_event(&mut ws, Duration::from_secs(3), &mut seen, |e| {
            matches!(e, LinkEvent::Xoff { .. }).then_some(())
        })
        .await;
        assert!(xoff.is_some(), "no MEDIA_XOFF");
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    ws.send(ToAsterisk::Status);
    let (_, status) = next_event(&mut ws, Duration::from_secs(2), &mut seen, |e| match e {
        LinkEvent::Status(s) => Some(s.clone()),
        _ => None,
    })
    .await
    .expect("STATUS");
    eprintln!("{tag}: STATUS while flooded: {status:?}");
    if window_at_max {
        assert!(
            status.queue_full && status.queue_length >= 800,
            "{status:?}"
        );
    } else {
        assert!(
            !status.queue_full && status.queue_length <= 800,
            "{status:?}"
        );
    }
    assert_eq!((status.xon_level, status.xoff_level), (800, 900));
    ws.send(ToAsterisk::Interrupt);
    let (_, (asked, confirmed)) =
        next_event(&mut ws, Duration::from_secs(2), &mut seen, |e| match e {
            LinkEvent::FlushConfirmed {
                requested_at,
                confirmed_at,
            } => Some((*requested_at, *confirmed_at)),
            _ => None,
        })
        .await
        .expect("flush confirmed");
    let flush_ms = (confirmed - asked).as_secs_f64() * 1000.0;
    eprintln!("{tag}: FLUSH_MEDIA -> confirming mark {flush_ms:.1} ms");
    assert!(flush_ms < 100.0, "{flush_ms}");
    // Asterisk's first tick after the flush sends MEDIA_XON before it reports the mark.
    let xon_first = seen
        .events
        .iter()
        .any(|e| matches!(e, LinkEvent::Xon { .. }));
    let xon = !window_at_max
        || xon_first
        || next_event(&mut ws, Duration::from_secs(2), &mut seen, |e| {
            matches!(e, LinkEvent::Xon { .. }).then_some(())
        })
        .await
        .is_some();
    if window_at_max {
        eprintln!(
            "{tag}: MEDIA_XON {} the flush mark",
            if xon_first { "before" } else { "after" }
        );
    }
    assert!(xon, "no MEDIA_XON after the flush");

    // HANGUP over the WebSocket, or closing it, hangs the channel up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    ws.send(if end_with_hangup {
        ToAsterisk::Hangup
    } else {
        ToAsterisk::Close
    });
    let stats: LinkStats = loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.recv()).await {
            Ok(Some(FromAsterisk::Closed { reason, stats })) => {
                eprintln!("{tag}: {reason}");
                break stats;
            }
            Ok(Some(_)) => continue,
            other => panic!("no close after HANGUP / close: {other:?}"),
        }
    };
    ws.join().await;
    eprintln!("{tag}: {stats:?}");
    assert!(wait_event(&mut events, "StasisEnd", &em, Duration::from_secs(5)).await);
    if window_at_max {
        assert_eq!((stats.xoff, stats.xon), (1, 1));
    } else {
        assert_eq!((stats.xoff, stats.xon), (0, 0));
        assert!(stats.max_unacked_frames <= 800);
        // 20 s = 1000 frames: Asterisk held 800, the link the rest until the flush.
        assert!(
            stats.flushed_pending_bytes >= 100 * format.optimal_frame_size() as u64,
            "{stats:?}"
        );
    }
    assert_eq!(stats.flushes, 1);
    assert_eq!(stats.marks_unknown, 0);
    assert!(stats.max_unacked_frames < 1000);
    assert_eq!(stats.padding_bytes, 0, "whole seconds are whole frames");
    assert_eq!(stats.caller_odd_messages, 0);

    ari.hangup(&caller, None).await.unwrap();
    assert!(wait_event(&mut events, "StasisEnd", &caller, Duration::from_secs(5)).await);
    ari.destroy_bridge(&bridge.id).await.unwrap();
    reader.abort();
    sb.assert_clean();

    // What the caller heard: the 1 s response whole, then 1.5 s of the flooded one and
    // nothing after the flush (not 20 s).
    let rec = monitor_dir().join(format!("vcctl-{recorder}-heard.wav"));
    let heard = read_wav_i16(&rec);
    let b700 = blocks_with(&heard, 700.0);
    let b1400 = blocks_with(&heard, 1400.0);
    eprintln!(
        "{tag}: the caller heard 700 Hz for {} ms and 1400 Hz for {} ms",
        b700 * 20,
        b1400 * 20
    );
    assert!((45..=52).contains(&b700), "700 Hz blocks {b700}");
    assert!((60..=110).contains(&b1400), "1400 Hz blocks {b1400}");
    let _ = std::fs::remove_file(&rec);
    let _ = std::fs::remove_file(monitor_dir().join(format!("vcctl-{recorder}.wav")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ulaw_plain_text_round_trip_marks_window_flush_hangup() {
    round_trip(MediaFormat::Ulaw, ControlFormat::PlainText, false, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slin16_json_round_trip_marks_xoff_flush_close() {
    round_trip(MediaFormat::Slin16, ControlFormat::Json, true, false).await;
}
