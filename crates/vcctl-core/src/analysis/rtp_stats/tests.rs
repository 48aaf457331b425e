use super::*;
use crate::media::rtp::{RtpHeader, SeqNo, Ssrc};

fn obs(seq: u16, ts: u32) -> RtpObs {
    RtpObs {
        seq,
        timestamp: ts,
        ssrc: 7,
        pt: 0,
        marker: false,
        payload_len: 160,
    }
}

fn at(ms: u64) -> Duration {
    Duration::from_secs(1_000) + Duration::from_millis(ms)
}

/// Feed (arrival ms, seq, ts) triples.
fn run(pkts: &[(u64, u16, u32)]) -> StreamStats {
    let mut a = StreamAnalyzer::new(PayloadMap::new(), 60.0);
    for &(t, seq, ts) in pkts {
        a.push_obs(at(t), &obs(seq, ts));
    }
    a.stats()
}

fn clean(n: u16) -> Vec<(u64, u16, u32)> {
    (0..n)
        .map(|i| (i as u64 * 20, 100 + i, 160 * i as u32))
        .collect()
}

#[test]
fn clean_stream_has_no_loss_or_jitter() {
    let s = run(&clean(50));
    assert_eq!((s.packets, s.expected, s.lost), (50, 50, 0));
    assert_eq!(
        (s.max_delta_ms, s.max_jitter_ms, s.mean_jitter_ms),
        (20.0, 0.0, 0.0)
    );
    assert_eq!(s.samples_per_packet, Some(160));
    assert_eq!(s.ptime_ms, Some(20.0));
    assert_eq!(s.payload_bytes, Some(160));
    assert!(!s.wireshark_problem);
    assert!((s.duration_s - 0.98).abs() < 1e-9);
}

#[test]
fn loss_duplicate_reorder() {
    let mut p = clean(20);
    p.remove(5);
    let s = run(&p);
    assert_eq!(
        (s.packets, s.expected, s.lost, s.sequence_errors),
        (19, 20, 1, 1)
    );
    assert_eq!(s.max_delta_ms, 40.0);

    let mut p = clean(20);
    p.insert(6, (101, 105, 800));
    let s = run(&p);
    assert_eq!(
        (s.lost, s.duplicates, s.out_of_order, s.sequence_errors),
        (-1, 1, 0, 1)
    );
    // D = 1 ms for the duplicate and the packet after it.
    assert!((s.max_jitter_ms - (1.0 / 16.0 + (15.0 / 16.0) / 16.0)).abs() < 1e-9);

    let mut p = clean(20);
    p.swap(7, 8);
    let (t7, t8) = (p[7].0, p[8].0);
    p[7].0 = t8;
    p[8].0 = t7;
    let s = run(&p);
    assert_eq!(
        (s.lost, s.duplicates, s.out_of_order, s.sequence_errors),
        (0, 0, 1, 2)
    );
    assert!(s.wireshark_problem);
}

#[test]
fn wrap_counts_a_cycle() {
    let p: Vec<_> = (0..40u16)
        .map(|i| (i as u64 * 20, 65_520u16.wrapping_add(i), 160 * i as u32))
        .collect();
    let s = run(&p);
    assert_eq!((s.packets, s.expected, s.lost), (40, 40, 0));
    assert_eq!(s.sequence_errors, 0);
}

#[test]
fn packet_before_first_timestamp_is_a_wrong_timestamp() {
    let mut p = clean(10);
    p.push((200, 110, u32::MAX - 100));
    let s = run(&p);
    assert!(s.wireshark_problem);
    // Excluded from max delta and jitter.
    assert_eq!(s.max_delta_ms, 20.0);
    assert_eq!(s.max_jitter_ms, 0.0);
}

#[test]
fn dynamic_clock_from_sdp_or_none() {
    let mut map = PayloadMap::new();
    map.insert(
        96,
        RtpMap {
            pt: 96,
            encoding: "opus".into(),
            clock_rate: 48000,
            channels: Some(2),
        },
    );
    let mut a = StreamAnalyzer::new(map, 60.0);
    let mut b = StreamAnalyzer::new(PayloadMap::new(), 60.0);
    for i in 0..10u16 {
        let mut o = obs(i, 960 * i as u32);
        o.pt = 96;
        let late = if i % 2 == 1 { 2 } else { 0 };
        a.push_obs(at(i as u64 * 20 + late), &o);
        b.push_obs(at(i as u64 * 20 + late), &o);
    }
    let (sa, sb) = (a.stats(), b.stats());
    assert_eq!(sa.clock_rate, Some(48000));
    assert_eq!(sa.ptime_ms, Some(20.0));
    assert!(sa.max_jitter_ms > 0.5);
    // Unknown dynamic payload type: no clock, no jitter (as Wireshark).
    assert_eq!((sb.clock_rate, sb.max_jitter_ms), (None, 0.0));
    assert_eq!(sb.max_delta_ms, 22.0);
    assert_eq!(static_clock_rate(9), 8000);
    assert_eq!(dynamic_clock_by_name("AMR-WB"), 16000);
    assert_eq!(dynamic_clock_by_name("amr"), 8000);
    assert_eq!(codec_name(0, None), "PCMU");
    assert_eq!(codec_name(99, None), "Unknown(99)");
}

fn rtp_bytes(seq: u16, ts: u32, ssrc: u32) -> Vec<u8> {
    let mut out = Vec::new();
    RtpHeader {
        marker: false,
        payload_type: Pt(0),
        seq: SeqNo(seq),
        timestamp: ts,
        ssrc: Ssrc(ssrc),
    }
    .write(&[0xff; 160], &mut out);
    out
}

fn udp<'a>(src: &str, dst: &str, payload: &'a [u8]) -> UdpDatagram<'a> {
    UdpDatagram {
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
        payload,
    }
}

#[test]
fn heuristic_is_conservative() {
    let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
    for i in 0..30u16 {
        let b = rtp_bytes(i, 160 * i as u32, 1);
        // An odd destination port is no reason to refuse (issue #11); a well-known
        // port, too few packets and a random sequence are.
        a.push_udp(
            at(i as u64 * 20),
            &udp("10.0.0.1:4000", "10.0.0.2:5001", &b),
        );
        a.push_udp(at(i as u64 * 20), &udp("10.0.0.1:4000", "10.0.0.2:53", &b));
        let r = rtp_bytes(i.wrapping_mul(7919), 0, 2);
        a.push_udp(
            at(i as u64 * 20),
            &udp("10.0.0.1:6000", "10.0.0.2:6000", &r),
        );
        if i < 5 {
            a.push_udp(
                at(i as u64 * 20),
                &udp("10.0.0.1:7000", "10.0.0.2:7000", &b),
            );
        }
        // This one is RTP.
        a.push_udp(
            at(i as u64 * 20),
            &udp("10.0.0.1:8000", "10.0.0.2:8000", &b),
        );
    }
    let r = a.finish();
    assert_eq!(r.streams.len(), 2, "{:#?}", r.streams);
    assert_eq!(r.streams[0].dst.port(), 5001);
    assert_eq!(r.streams[1].dst.port(), 8000);
    assert_eq!(r.capture.rtp_packets, 60);
}

/// A small deterministic generator for the equivalence tests.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// A stream with loss, duplicates, reordering, jitter, marker bits, a second payload
/// type, timestamp jumps and (`ptime_change`) a packetization that changes from 30 to
/// 20 ms after a few packets.
fn messy_stream(seed: u64, n: usize, ptime_change: bool) -> Vec<(Duration, RtpObs)> {
    let mut r = Lcg(seed);
    let mut out = Vec::new();
    let (mut ts, mut t_us) = (r.next() as u32, 0u64);
    let mut seq = r.next() as u16;
    for i in 0..n {
        let step = if ptime_change && i < 8 { 240 } else { 160 };
        seq = seq.wrapping_add(1);
        ts = ts.wrapping_add(step);
        t_us += step as u64 * 125;
        if r.next() % 40 == 0 {
            ts = ts.wrapping_add(800);
        }
        if r.next() % 30 == 0 {
            continue; // lost
        }
        let mut o = obs(seq, ts);
        o.marker = r.next() % 50 == 0;
        o.pt = if r.next() % 25 == 0 { 101 } else { 0 };
        o.payload_len = if o.pt == 0 { step } else { 4 };
        let at = at(0) + Duration::from_micros(t_us + r.next() % 4000);
        out.push((at, o));
        if r.next() % 60 == 0 {
            out.push((at + Duration::from_micros(300), o));
        }
    }
    for i in 1..out.len() {
        if Lcg(seed ^ i as u64).next() % 45 == 0 {
            let (a, b) = (out[i - 1].0, out[i].0);
            out.swap(i - 1, i);
            out[i - 1].0 = a;
            out[i].0 = b;
        }
    }
    out
}

#[test]
fn streaming_figures_equal_the_step_log_figures() {
    let mut second_passes = 0;
    for seed in 0..40u64 {
        for change in [false, true] {
            let pkts = messy_stream(seed, 400, change);
            let mut log = StreamAnalyzer::new(PayloadMap::new(), 60.0);
            let mut stream = StreamAnalyzer::streaming(PayloadMap::new(), 60.0);
            for (t, o) in &pkts {
                log.push_obs(*t, o);
                stream.push_obs(*t, o);
            }
            let want = log.stats();
            assert!(!want.timestamp_jumps.is_empty(), "seed {seed}");
            if stream.exact() {
                assert_eq!(stream.stats(), want, "seed {seed} {change}");
                continue;
            }
            // The first step seen was not the most common one: a changed packetization
            // (240 first, then 160) or a timestamp jump among the first packets.
            second_passes += 1;
            let (pt, spp) = stream.step_hint().unwrap();
            assert_eq!((pt, spp), (0, 160));
            let mut again = StreamAnalyzer::streaming(PayloadMap::new(), 60.0);
            again.steps.hint(pt, spp);
            for (t, o) in &pkts {
                again.push_obs(*t, o);
            }
            assert!(again.exact());
            assert_eq!(again.stats(), want, "seed {seed} (second pass)");
        }
    }
    assert!(second_passes > 20, "{second_passes}");
}

fn raw_frame(src: &str, dst: &str, payload: &[u8]) -> Vec<u8> {
    let mut ip = Vec::new();
    net::synthesize_udp(src.parse().unwrap(), dst.parse().unwrap(), payload, &mut ip).unwrap();
    ip
}

fn rtp_obs_bytes(o: &RtpObs) -> Vec<u8> {
    let mut out = Vec::new();
    RtpHeader {
        marker: o.marker,
        payload_type: Pt(o.pt),
        seq: SeqNo(o.seq),
        timestamp: o.timestamp,
        ssrc: Ssrc(o.ssrc),
    }
    .write(&vec![0xff; o.payload_len as usize], &mut out);
    out
}

/// Run frames through a capture analyzer, with the second pass when it asks.
fn two_pass(frames: &[(Duration, Vec<u8>)]) -> (bool, CaptureReport) {
    let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
    for (t, f) in frames {
        a.push_frame(*t, LinkType::RAW, f, f.len() as u32);
    }
    let replay = a.needs_replay();
    if replay {
        for (t, f) in frames {
            a.replay_frame(*t, LinkType::RAW, f);
        }
    }
    (replay, a.finish())
}

#[test]
fn a_changed_packetization_is_read_again_and_comes_out_exact() {
    let pkts = messy_stream(7, 300, true);
    let mut frames = Vec::new();
    let mut back = Vec::new();
    for (i, (t, o)) in pkts.iter().enumerate() {
        frames.push((
            *t,
            raw_frame("10.0.0.1:4000", "10.0.0.2:5002", &rtp_obs_bytes(o)),
        ));
        let mut b = obs(i as u16, 160 * i as u32);
        b.ssrc = 9;
        back.push((
            *t,
            raw_frame("10.0.0.2:5002", "10.0.0.1:4000", &rtp_obs_bytes(&b)),
        ));
    }
    let mut all: Vec<_> = frames.into_iter().chain(back).collect();
    all.sort_by_key(|(t, _)| *t);
    let (replayed, r) = two_pass(&all);
    assert!(replayed);
    let mut log = StreamAnalyzer::new(PayloadMap::new(), 60.0);
    for (t, o) in &pkts {
        log.push_obs(*t, o);
    }
    let s = r.streams.iter().find(|s| s.ssrc == 7).unwrap();
    assert_eq!(s.stats, log.stats());
}

#[test]
fn an_sdp_after_the_first_packets_gives_the_dynamic_clock_to_all_of_them() {
    let sdp = "v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5002 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n";
    let invite = format!(
            "INVITE sip:b@x SIP/2.0\r\nCall-ID: c9\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n{sdp}"
        );
    let mut frames = Vec::new();
    let mut pkts = Vec::new();
    for i in 0..50u16 {
        let mut o = obs(i, 960 * i as u32);
        o.pt = 96;
        let t = at(i as u64 * 20 + (i % 3) as u64);
        pkts.push((t, o));
        frames.push((
            t,
            raw_frame("10.0.0.1:4000", "10.0.0.2:5002", &rtp_obs_bytes(&o)),
        ));
        if i == 10 {
            frames.push((
                t,
                raw_frame("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
            ));
        }
    }
    let (replayed, r) = two_pass(&frames);
    assert!(replayed);
    let map = collect_sdp_map("10.0.0.2:5002", &invite);
    let mut log = StreamAnalyzer::new(map, 60.0);
    for (t, o) in &pkts {
        log.push_obs(*t, o);
    }
    assert_eq!(r.streams.len(), 1);
    assert_eq!(r.streams[0].detection, Detection::Sdp);
    assert_eq!(r.streams[0].stats, log.stats());
    assert_eq!(r.streams[0].stats.clock_rate, Some(48000));
    assert!(r.streams[0].stats.max_jitter_ms > 0.0);
}

fn collect_sdp_map(addr: &str, msg: &str) -> PayloadMap {
    let m = SipMessage::parse(msg.as_bytes()).unwrap();
    let sdp = m.sdp().unwrap();
    let mut map = PayloadMap::new();
    for (a, maps) in sdp_audio(&sdp) {
        if a == addr.parse::<SocketAddr>().unwrap() {
            for r in maps {
                map.insert(r.pt, r.clone());
            }
        }
    }
    map
}

#[test]
fn sdp_announced_flow_is_rtp_even_on_an_odd_port() {
    let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
    let invite = "INVITE sip:b@x SIP/2.0\r\nCall-ID: c1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5001 RTP/AVP 0\r\n";
    a.push_udp(
        at(0),
        &udp("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
    );
    for i in 0..3u16 {
        let b = rtp_bytes(i, 160 * i as u32, 1);
        a.push_udp(
            at(20 + i as u64 * 20),
            &udp("10.0.0.1:4001", "10.0.0.2:5001", &b),
        );
    }
    let r = a.finish();
    assert_eq!(r.streams.len(), 1);
    assert_eq!(r.streams[0].detection, Detection::Sdp);
    assert_eq!(r.streams[0].call_id.as_deref(), Some("c1"));
    assert_eq!(r.capture.sip_messages, 1);
    assert_eq!(r.calls.len(), 1);
    // Only the caller advertised media: not enough to call it one-way.
    assert!(
        r.problems
            .iter()
            .all(|p| p.kind != ProblemKind::OneWayAudio),
        "{:?}",
        r.problems
    );
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"detection\":\"sdp\""), "{json}");
}

#[test]
fn flows_flag_unanswered_invite() {
    let mut a = CaptureAnalyzer::new(AnalysisOptions::default());
    let invite = "INVITE sip:b@x SIP/2.0\r\nCall-ID: c2\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCSeq: 4 INVITE\r\n\r\n";
    a.push_udp(
        at(0),
        &udp("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
    );
    a.push_udp(
        at(500),
        &udp("10.0.0.1:5060", "10.0.0.2:5060", invite.as_bytes()),
    );
    let f = a.sip_flows();
    assert_eq!(f.calls.len(), 1);
    assert_eq!(f.calls[0].messages.len(), 2);
    assert!(f.calls[0].messages[1].retransmission);
    assert_eq!(
        f.calls[0].problems,
        vec!["INVITE (CSeq 4) got no final response"]
    );
    let text = f.to_string();
    assert!(text.contains("INVITE (retransmission)"), "{text}");
}
