use super::build::top_branch;
use super::*;
use crate::sip::digest::Challenge;

const PEER: &str = "127.0.0.1:5060";

fn peer() -> SocketAddr {
    PEER.parse().unwrap()
}

fn cfg() -> UacConfig {
    let mut c = UacConfig::new(
        "sip:echo@127.0.0.1:5060",
        "sip:vcctl@127.0.0.1",
        "127.0.0.1:40000".parse().unwrap(),
        "v=0\r\no=vcctl 1 1 IN IP4 127.0.0.1\r\ns=vcctl\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40002 RTP/AVP 0\r\n".into(),
        7,
    );
    c.answer_timeout = Duration::from_secs(60);
    c
}

/// Drain outputs: (sent messages, events).
fn drain(ua: &mut Uac) -> (Vec<SipMessage>, Vec<UaEvent>) {
    let (mut sent, mut ev) = (Vec::new(), Vec::new());
    while let Some(o) = ua.poll_output() {
        match o {
            UaOutput::Transmit { bytes, .. } => sent.push(SipMessage::parse(&bytes).unwrap()),
            UaOutput::Event(e) => ev.push(e),
        }
    }
    (sent, ev)
}

/// A response to `req` as a PBX would build it.
fn reply(
    req: &SipMessage,
    code: u16,
    reason: &str,
    to_tag: Option<&str>,
    extra: &[(&str, &str)],
    body: &str,
) -> Vec<u8> {
    let mut s = format!("SIP/2.0 {code} {reason}\r\n");
    for v in req.headers_named("Via") {
        s.push_str(&format!("Via: {v};received=127.0.0.1\r\n"));
    }
    s.push_str(&format!("From: {}\r\n", req.from().unwrap()));
    match to_tag {
        Some(t) => s.push_str(&format!("To: {};tag={t}\r\n", req.to().unwrap())),
        None => s.push_str(&format!("To: {}\r\n", req.to().unwrap())),
    }
    s.push_str(&format!("Call-ID: {}\r\n", req.call_id().unwrap()));
    s.push_str(&format!("CSeq: {}\r\n", req.header("CSeq").unwrap()));
    for (k, v) in extra {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        s.push_str("Content-Type: application/sdp\r\n");
    }
    s.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.into_bytes()
}

const ANSWER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=Asterisk\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 17000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn t(base: Instant, ms: u64) -> Instant {
    base + Duration::from_millis(ms)
}

fn method(m: &SipMessage) -> &str {
    m.method().unwrap_or("")
}

fn uri(m: &SipMessage) -> &str {
    match &m.start {
        Start::Request { uri, .. } => uri,
        _ => "",
    }
}

/// Answer the INVITE and return the ACK and the Answered event.
fn establish(ua: &mut Uac, base: Instant, invite: &SipMessage) -> SipMessage {
    ua.handle_datagram(
        t(base, 5),
        peer(),
        &reply(invite, 100, "Trying", None, &[], ""),
    );
    ua.handle_datagram(
        t(base, 30),
        peer(),
        &reply(invite, 180, "Ringing", Some("as1"), &[], ""),
    );
    ua.handle_datagram(
        t(base, 120),
        peer(),
        &reply(
            invite,
            200,
            "OK",
            Some("as1"),
            &[
                ("Contact", "<sip:asterisk@127.0.0.1:5060>"),
                ("Record-Route", "<sip:p1;lr>, <sip:p2;lr>"),
            ],
            ANSWER,
        ),
    );
    let (sent, ev) = drain(ua);
    assert_eq!(
        ev,
        vec![
            UaEvent::Trying,
            UaEvent::Ringing { code: 180 },
            UaEvent::Answered {
                remote_sdp: Some(Sdp::parse(ANSWER).unwrap())
            }
        ]
    );
    assert_eq!(sent.len(), 1);
    sent.into_iter().next().unwrap()
}

#[test]
fn invite_has_the_mandatory_headers() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, ev) = drain(&mut ua);
    assert!(ev.is_empty());
    let inv = &sent[0];
    assert_eq!(method(inv), "INVITE");
    assert_eq!(uri(inv), "sip:echo@127.0.0.1:5060");
    let via = inv.vias()[0];
    assert!(
        via.starts_with("SIP/2.0/UDP 127.0.0.1:40000;rport;branch=z9hG4bK"),
        "{via}"
    );
    assert!(inv.from_tag().is_some());
    assert_eq!(inv.to_tag(), None);
    assert_eq!(inv.header("To"), Some("<sip:echo@127.0.0.1:5060>"));
    assert_eq!(inv.header("Max-Forwards"), Some("70"));
    assert_eq!(inv.header("Contact"), Some("<sip:vcctl@127.0.0.1:40000>"));
    assert_eq!(inv.cseq().unwrap().method, "INVITE");
    assert_eq!(inv.content_type(), Some("application/sdp"));
    assert_eq!(inv.content_length(), Some(inv.body.len()));
    assert!(inv.sdp().is_some());
    assert_eq!(inv.call_id(), Some(ua.call_id()));
    // Deterministic for a seed, different across seeds.
    let again = Uac::new(cfg(), base);
    assert_eq!(again.call_id(), ua.call_id());
    let other = Uac::new(UacConfig { seed: 8, ..cfg() }, base);
    assert_ne!(other.call_id(), ua.call_id());
}

#[test]
fn answered_call_acks_and_hangs_up_with_bye() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    let inv = sent[0].clone();
    let ack = establish(&mut ua, base, &inv);
    assert_eq!(ua.phase(), Phase::Established);
    // ACK for a 2xx: new transaction, to the Contact, with the To tag, via the route set.
    assert_eq!(method(&ack), "ACK");
    assert_eq!(uri(&ack), "sip:asterisk@127.0.0.1:5060");
    assert_eq!(ack.to_tag(), Some("as1"));
    assert_eq!(
        ack.cseq().unwrap(),
        crate::sip::message::CSeq {
            seq: 1,
            method: "ACK".into()
        }
    );
    assert_ne!(top_branch(&ack), top_branch(&inv));
    let routes: Vec<&str> = ack.headers_named("Route").collect();
    assert_eq!(routes, vec!["<sip:p2;lr>", "<sip:p1;lr>"]);
    // A retransmitted 200 gets the same ACK again, and no second event.
    ua.handle_datagram(
        t(base, 600),
        peer(),
        &reply(
            &inv,
            200,
            "OK",
            Some("as1"),
            &[("Contact", "<sip:asterisk@127.0.0.1:5060>")],
            ANSWER,
        ),
    );
    let (again, ev) = drain(&mut ua);
    assert!(ev.is_empty());
    assert_eq!(again[0].to_bytes(), ack.to_bytes());

    let timings = *ua.timings();
    assert_eq!(timings.invite_to_100_ms, Some(5.0));
    assert_eq!(timings.invite_to_180_ms, Some(30.0));
    assert_eq!(timings.invite_to_final_ms, Some(120.0));
    assert_eq!(timings.setup_ms, Some(120.0));
    assert_eq!(ua.poll_timeout(), None, "no timers while established");

    ua.hangup(t(base, 3000));
    let (sent, _) = drain(&mut ua);
    let bye = &sent[0];
    assert_eq!(method(bye), "BYE");
    assert_eq!(uri(bye), "sip:asterisk@127.0.0.1:5060");
    assert_eq!(bye.cseq().unwrap().seq, 2);
    assert_eq!(bye.to_tag(), Some("as1"));
    assert_eq!(bye.from_tag(), inv.from_tag());
    assert_eq!(ua.phase(), Phase::Terminating);
    ua.handle_datagram(
        t(base, 3004),
        peer(),
        &reply(bye, 200, "OK", Some("as1"), &[], ""),
    );
    let (_, ev) = drain(&mut ua);
    assert_eq!(
        ev,
        vec![UaEvent::Ended {
            by: Party::Local,
            code: Some(200)
        }]
    );
    assert_eq!(ua.timings().bye_to_final_ms, Some(4.0));
    assert!(ua.is_terminated());
    let ladder: Vec<String> = ua
        .trace()
        .iter()
        .map(|e| format!("{} {}", e.dir, e.label))
        .collect();
    assert_eq!(
        ladder,
        [
            "out INVITE",
            "in 100 Trying",
            "in 180 Ringing",
            "in 200 OK",
            "out ACK",
            "in 200 OK",
            "out BYE",
            "in 200 OK"
        ]
    );
}

#[test]
fn digest_challenge_is_answered_once() {
    let base = Instant::now();
    let mut c = cfg();
    c.credentials = Some(Credentials {
        user: "alice".into(),
        password: "secret".into(),
    });
    let mut ua = Uac::new(c, base);
    let (sent, _) = drain(&mut ua);
    let inv1 = sent[0].clone();
    let chal = "Digest realm=\"asterisk\",nonce=\"n1\",opaque=\"op\",algorithm=MD5,qop=\"auth\"";
    ua.handle_datagram(
        t(base, 10),
        peer(),
        &reply(
            &inv1,
            401,
            "Unauthorized",
            Some("t401"),
            &[("WWW-Authenticate", chal)],
            "",
        ),
    );
    let (sent, ev) = drain(&mut ua);
    assert!(ev.is_empty());
    assert_eq!(sent.len(), 2);
    // ACK of the 401: same branch and CSeq number as the INVITE, To tag of the 401.
    let ack = &sent[0];
    assert_eq!(method(ack), "ACK");
    assert_eq!(top_branch(ack), top_branch(&inv1));
    assert_eq!(ack.cseq().unwrap().seq, 1);
    assert_eq!(ack.to_tag(), Some("t401"));
    // The new INVITE: new branch, next CSeq, same Call-ID and From tag, Authorization.
    let inv2 = sent[1].clone();
    assert_eq!(method(&inv2), "INVITE");
    assert_ne!(top_branch(&inv2), top_branch(&inv1));
    assert_eq!(inv2.cseq().unwrap().seq, 2);
    assert_eq!(inv2.call_id(), inv1.call_id());
    assert_eq!(inv2.from_tag(), inv1.from_tag());
    assert_eq!(inv2.to_tag(), None);
    let auth = inv2.header("Authorization").unwrap();
    // Check the response value the way a server would.
    let field = |k: &str| {
        auth.split(", ")
            .find_map(|p| {
                p.trim_start_matches("Digest ")
                    .strip_prefix(&format!("{k}="))
            })
            .unwrap()
            .trim_matches('"')
            .to_string()
    };
    let cnonce = field("cnonce");
    let want = digest::response(
        &Challenge::parse(chal).unwrap(),
        &DigestInput {
            user: "alice",
            password: "secret",
            method: "INVITE",
            uri: "sip:echo@127.0.0.1:5060",
            cnonce: &cnonce,
            nc: 1,
        },
    )
    .unwrap();
    assert_eq!(field("response"), want);
    assert_eq!(field("nc"), "00000001");
    assert_eq!(field("opaque"), "op");
    assert_eq!(ua.timings().auth_challenges, 1);
    // A second challenge (not stale): the credentials are wrong.
    ua.handle_datagram(
        t(base, 20),
        peer(),
        &reply(
            &inv2,
            401,
            "Unauthorized",
            Some("t2"),
            &[("WWW-Authenticate", chal)],
            "",
        ),
    );
    let (sent, ev) = drain(&mut ua);
    assert_eq!(method(&sent[0]), "ACK");
    assert_eq!(sent.len(), 1);
    match &ev[..] {
        [UaEvent::AuthFailed {
            code: 401, detail, ..
        }] => assert!(detail.contains("\"alice\" were rejected"), "{detail}"),
        other => panic!("{other:?}"),
    }
    assert!(ua.is_terminated());
}

#[test]
fn proxy_challenge_without_credentials_fails_with_a_reason() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    ua.handle_datagram(
        t(base, 10),
        peer(),
        &reply(
            &sent[0],
            407,
            "Proxy Authentication Required",
            Some("x"),
            &[("Proxy-Authenticate", "Digest realm=\"r\", nonce=\"n\"")],
            "",
        ),
    );
    let (_, ev) = drain(&mut ua);
    assert!(
        matches!(&ev[..], [UaEvent::AuthFailed { code: 407, detail, .. }] if detail.contains("none were given")),
        "{ev:?}"
    );

    // With credentials a 407 is answered with Proxy-Authorization (no qop: RFC 2069 form).
    let mut c = cfg();
    c.credentials = Some(Credentials {
        user: "u".into(),
        password: "p".into(),
    });
    let mut ua = Uac::new(c, base);
    let (sent, _) = drain(&mut ua);
    ua.handle_datagram(
        t(base, 10),
        peer(),
        &reply(
            &sent[0],
            407,
            "Proxy Authentication Required",
            Some("x"),
            &[("Proxy-Authenticate", "Digest realm=\"r\", nonce=\"n\"")],
            "",
        ),
    );
    let (sent, _) = drain(&mut ua);
    let h = sent[1].header("Proxy-Authorization").unwrap();
    assert!(
        h.starts_with("Digest username=\"u\", realm=\"r\", nonce=\"n\""),
        "{h}"
    );
    assert!(!h.contains("qop"));
    assert!(sent[1].header("Authorization").is_none());
}

#[test]
fn invite_retransmits_on_timer_a_and_gives_up_on_timer_b() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    drain(&mut ua);
    let mut at = Vec::new();
    let mut now = base;
    let mut events = Vec::new();
    while let Some(next) = ua.poll_timeout() {
        now = next;
        ua.handle_timeout(now);
        let (sent, ev) = drain(&mut ua);
        for m in sent {
            assert_eq!(method(&m), "INVITE");
            at.push(now.duration_since(base).as_millis());
        }
        events.extend(ev);
    }
    // T1 = 500 ms, doubling: 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; Timer B at 64*T1 = 32 s.
    assert_eq!(at, [500, 1500, 3500, 7500, 15500, 31500]);
    assert_eq!(now.duration_since(base), Duration::from_secs(32));
    assert_eq!(
        events,
        vec![UaEvent::TimedOut {
            cancelled: false,
            got_response: false
        }]
    );
    assert_eq!(ua.timings().invite_retransmissions, 6);
}

#[test]
fn provisional_answer_stops_retransmission_and_timeout_cancels() {
    let base = Instant::now();
    let mut c = cfg();
    c.answer_timeout = Duration::from_secs(5);
    let mut ua = Uac::new(c, base);
    let (sent, _) = drain(&mut ua);
    let inv = sent[0].clone();
    ua.handle_timeout(t(base, 500));
    assert_eq!(
        drain(&mut ua).0.len(),
        1,
        "one retransmission before the 180"
    );
    ua.handle_datagram(
        t(base, 700),
        peer(),
        &reply(&inv, 180, "Ringing", Some("r"), &[], ""),
    );
    drain(&mut ua);
    assert_eq!(
        ua.poll_timeout(),
        Some(t(base, 5000)),
        "only the answer timeout is left"
    );
    ua.handle_timeout(t(base, 5000));
    let (sent, ev) = drain(&mut ua);
    assert!(ev.is_empty());
    let cancel = sent[0].clone();
    assert_eq!(method(&cancel), "CANCEL");
    assert_eq!(uri(&cancel), uri(&inv));
    assert_eq!(top_branch(&cancel), top_branch(&inv));
    assert_eq!(
        cancel.cseq().unwrap(),
        crate::sip::message::CSeq {
            seq: 1,
            method: "CANCEL".into()
        }
    );
    assert_eq!(cancel.to_tag(), None);
    // CANCEL retransmits on Timer E until answered.
    ua.handle_timeout(t(base, 5500));
    assert_eq!(method(&drain(&mut ua).0[0]), "CANCEL");
    ua.handle_datagram(
        t(base, 5510),
        peer(),
        &reply(&cancel, 200, "OK", Some("r"), &[], ""),
    );
    ua.handle_datagram(
        t(base, 5512),
        peer(),
        &reply(&inv, 487, "Request Terminated", Some("r"), &[], ""),
    );
    let (sent, ev) = drain(&mut ua);
    assert_eq!(method(&sent[0]), "ACK");
    assert_eq!(top_branch(&sent[0]), top_branch(&inv));
    assert_eq!(
        ev,
        vec![UaEvent::TimedOut {
            cancelled: true,
            got_response: true
        }]
    );
    assert!(ua.timings().cancel_sent);
    assert_eq!(ua.poll_timeout(), None);
}

#[test]
fn rejection_is_acked_and_reported_once() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    let inv = sent[0].clone();
    ua.handle_datagram(
        t(base, 3),
        peer(),
        &reply(&inv, 404, "Not Found", Some("nf"), &[], ""),
    );
    let (sent, ev) = drain(&mut ua);
    assert_eq!(method(&sent[0]), "ACK");
    assert_eq!(
        ev,
        vec![UaEvent::Failed {
            code: 404,
            reason: "Not Found".into()
        }]
    );
    // Retransmitted final answer: ACK again, no second event.
    ua.handle_datagram(
        t(base, 503),
        peer(),
        &reply(&inv, 404, "Not Found", Some("nf"), &[], ""),
    );
    let (sent, ev) = drain(&mut ua);
    assert_eq!(method(&sent[0]), "ACK");
    assert!(ev.is_empty());
    assert_eq!(ua.timings().invite_to_final_ms, Some(3.0));
}

#[test]
fn far_end_bye_is_answered_and_ends_the_call() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    let inv = sent[0].clone();
    establish(&mut ua, base, &inv);
    let bye = format!(
        "BYE sip:vcctl@127.0.0.1:40000 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKfar\r\n\
         From: <sip:echo@127.0.0.1:5060>;tag=as1\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: 102 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        inv.from().unwrap(),
        ua.call_id()
    );
    let far: SocketAddr = "127.0.0.1:5060".parse().unwrap();
    ua.handle_datagram(t(base, 2000), far, bye.as_bytes());
    let mut outs = Vec::new();
    while let Some(o) = ua.poll_output() {
        outs.push(o);
    }
    match &outs[..] {
        [UaOutput::Transmit { to, bytes }, UaOutput::Event(e)] => {
            assert_eq!(*to, Some(far));
            let ok = SipMessage::parse(bytes).unwrap();
            assert_eq!(ok.status(), Some(200));
            assert_eq!(ok.header("CSeq"), Some("102 BYE"));
            assert_eq!(
                ok.vias(),
                vec!["SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bKfar"]
            );
            assert_eq!(ok.from_tag(), Some("as1"));
            assert_eq!(ok.to_tag(), inv.from_tag());
            assert_eq!(
                *e,
                UaEvent::Ended {
                    by: Party::Remote,
                    code: None
                }
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(ua.is_terminated());
    // A retransmitted BYE is still answered.
    ua.handle_datagram(t(base, 2500), far, bye.as_bytes());
    let (sent, ev) = drain(&mut ua);
    assert_eq!(sent[0].status(), Some(200));
    assert!(ev.is_empty());
    // Requests of other calls get 481.
    let stray = bye.replace(ua.call_id(), "other-call");
    ua.handle_datagram(t(base, 2600), far, stray.as_bytes());
    assert_eq!(drain(&mut ua).0[0].status(), Some(481));
    assert_eq!(ua.ignored(), 1);
    // Out-of-dialog keep-alive probes get 200.
    let probe = stray.replace("BYE", "OPTIONS");
    ua.handle_datagram(t(base, 2700), far, probe.as_bytes());
    assert_eq!(drain(&mut ua).0[0].status(), Some(200));
}

#[test]
fn bye_retransmits_on_timer_e_and_gives_up_on_timer_f() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    establish(&mut ua, base, &sent[0]);
    let start = t(base, 1000);
    ua.hangup(start);
    drain(&mut ua);
    let mut at = Vec::new();
    let mut events = Vec::new();
    let mut now = start;
    while let Some(next) = ua.poll_timeout() {
        now = next;
        ua.handle_timeout(now);
        let (sent, ev) = drain(&mut ua);
        at.extend(sent.iter().map(|_| now.duration_since(start).as_millis()));
        events.extend(ev);
    }
    // E: 0.5, 1.5, 3.5, 7.5, then every T2 = 4 s; F at 32 s.
    assert_eq!(
        at,
        [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]
    );
    assert_eq!(now.duration_since(start), Duration::from_secs(32));
    assert_eq!(
        events,
        vec![UaEvent::Ended {
            by: Party::Local,
            code: None
        }]
    );
    assert_eq!(ua.timings().bye_retransmissions, 10);
}

#[test]
fn options_and_reinvite_in_the_dialog() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    let inv = sent[0].clone();
    establish(&mut ua, base, &inv);
    let call_id = ua.call_id().to_string();
    let req = |method: &str, body: &str| {
        format!(
            "{method} sip:vcctl@127.0.0.1:40000 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK{method}\r\n\
             From: <sip:echo@127.0.0.1>;tag=as1\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: 5 {method}\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            inv.from().unwrap(),
            call_id,
            body.len()
        )
    };
    ua.handle_datagram(t(base, 900), peer(), req("OPTIONS", "").as_bytes());
    assert_eq!(drain(&mut ua).0[0].status(), Some(200));
    let moved = ANSWER.replace("17000", "18000");
    ua.handle_datagram(t(base, 1000), peer(), req("INVITE", &moved).as_bytes());
    let (sent, ev) = drain(&mut ua);
    assert_eq!(sent[0].status(), Some(200));
    let our = sent[0].sdp().unwrap();
    assert_eq!(our.audio().unwrap().port, 40002);
    assert!(sent[0].body_text().contains("o=vcctl 1 2 IN IP4"));
    match &ev[..] {
        [UaEvent::RemoteSdp { remote_sdp }] => {
            assert_eq!(remote_sdp.audio().unwrap().port, 18000)
        }
        other => panic!("{other:?}"),
    }
    ua.handle_datagram(t(base, 1100), peer(), req("MESSAGE", "").as_bytes());
    assert_eq!(drain(&mut ua).0[0].status(), Some(405));
    assert_eq!(ua.phase(), Phase::Established);
}

#[test]
fn hangup_while_ringing_cancels_and_before_any_answer_waits_for_one() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    let (sent, _) = drain(&mut ua);
    let inv = sent[0].clone();
    ua.hangup(t(base, 100));
    assert!(
        drain(&mut ua).0.is_empty(),
        "no CANCEL before a provisional answer"
    );
    assert_eq!(ua.phase(), Phase::Cancelling);
    ua.handle_datagram(
        t(base, 150),
        peer(),
        &reply(&inv, 100, "Trying", None, &[], ""),
    );
    let (sent, _) = drain(&mut ua);
    assert_eq!(method(&sent[0]), "CANCEL");
    // The far end answered anyway (race): ACK, then BYE at once.
    ua.handle_datagram(
        t(base, 160),
        peer(),
        &reply(&inv, 200, "OK", Some("z"), &[], ANSWER),
    );
    let (sent, ev) = drain(&mut ua);
    assert_eq!(sent.iter().map(method).collect::<Vec<_>>(), ["ACK", "BYE"]);
    assert!(ev.is_empty());
    ua.handle_datagram(
        t(base, 170),
        peer(),
        &reply(&sent[1], 200, "OK", Some("z"), &[], ""),
    );
    assert_eq!(
        drain(&mut ua).1,
        vec![UaEvent::Ended {
            by: Party::Local,
            code: Some(200)
        }]
    );
}

#[test]
fn garbage_is_ignored() {
    let base = Instant::now();
    let mut ua = Uac::new(cfg(), base);
    drain(&mut ua);
    ua.handle_datagram(base, peer(), b"\x80\x00garbage");
    ua.handle_datagram(base, peer(), b"SIP/2.0 200 OK\r\nCall-ID: nope\r\n\r\n");
    assert_eq!(drain(&mut ua), (vec![], vec![]));
    assert_eq!(ua.ignored(), 2);
    assert_eq!(ua.phase(), Phase::Calling);
}

#[test]
fn sip_uris() {
    let u = SipUri::parse("sip:echo@127.0.0.1:5060;transport=udp").unwrap();
    assert_eq!(
        (u.user.as_deref(), u.host.as_str(), u.port),
        (Some("echo"), "127.0.0.1", Some(5060))
    );
    assert_eq!(u.to_string(), "sip:echo@127.0.0.1:5060");
    let v6 = SipUri::parse("sip:bob:pw@[::1]").unwrap();
    assert_eq!(
        (v6.user.as_deref(), v6.host.as_str(), v6.port_or_default()),
        (Some("bob"), "::1", 5060)
    );
    assert_eq!(v6.to_string(), "sip:bob@[::1]");
    assert_eq!(
        SipUri::parse("pbx.example.com").unwrap().port_or_default(),
        5060
    );
    assert_eq!(SipUri::parse("sips:a@b").unwrap().port_or_default(), 5061);
    assert!(matches!(
        SipUri::parse("http://x"),
        Err(UriError::NotSip(_))
    ));
    assert!(matches!(SipUri::parse("sip:a@"), Err(UriError::NoHost(_))));
    assert!(matches!(
        SipUri::parse("sip:a@b:99999"),
        Err(UriError::BadPort(_))
    ));
    assert!(matches!(
        SipUri::parse("sip:a@b:0"),
        Err(UriError::BadPort(_))
    ));
}
