//! Active probes of `vcctl latency-report --probe`: SIP OPTIONS round trips, a short call to
//! an echo extension, ARI REST round trips and an agent connection. Each returns raw
//! measurements (ms); `core::latency` and the command turn them into one-way figures.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use tokio::net::UdpSocket;

use crate::io::agent_ws::{connect, AgentSettings};
use crate::io::ari_http::AriClient;
use crate::io::sip_call::{place_call, AudioSource, CallOptions, CallReport};
use vcctl_core::agent::proto::InitiationClientData;
pub use vcctl_core::analysis::latency_probes::{AgentProbe, EventTrip};
use vcctl_core::media::roundtrip::RoundTripConfig;
use vcctl_core::sip::sdp::G711;

/// Round trips (ms) of `count` out-of-dialog OPTIONS requests to `uri` at `peer`; each waits
/// up to `timeout` for any final response (200, or 404 for an unknown user: both are a round
/// trip). Requests that get no answer are left out; `Err` when none is answered.
pub async fn options_rtts(
    uri: &str,
    peer: SocketAddr,
    count: u32,
    timeout: Duration,
) -> Result<Vec<f64>, String> {
    let any = if peer.is_ipv4() {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    };
    let sock = UdpSocket::bind((any, 0))
        .await
        .map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    sock.connect(peer)
        .await
        .map_err(|e| format!("cannot reach {peer}: {e}"))?;
    let local = sock
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let call_id = format!("{:016x}@vcctl-latency", rand::random::<u64>());
    let tag = format!("{:08x}", rand::random::<u32>());
    let mut out = Vec::new();
    let mut last_err = String::from("no answer");
    for cseq in 1..=count {
        let req = options_request(uri, local, &call_id, &tag, cseq);
        let t0 = Instant::now();
        if let Err(e) = sock.send(req.as_bytes()).await {
            last_err = e.to_string();
            continue;
        }
        let deadline = t0 + timeout;
        let mut buf = vec![0u8; 8192];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, sock.recv(&mut buf)).await {
                Ok(Ok(n)) => {
                    if is_final_answer(&buf[..n], &call_id, cseq) {
                        out.push(t0.elapsed().as_secs_f64() * 1000.0);
                        break;
                    }
                }
                Ok(Err(e)) => {
                    last_err = e.to_string();
                    break;
                }
                Err(_) => {
                    last_err = format!("no answer within {} ms", timeout.as_millis());
                    break;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if out.is_empty() {
        Err(format!("SIP OPTIONS to {uri} at {peer}: {last_err}"))
    } else {
        Ok(out)
    }
}

/// An out-of-dialog OPTIONS request.
pub fn options_request(
    uri: &str,
    local: SocketAddr,
    call_id: &str,
    tag: &str,
    cseq: u32,
) -> String {
    let branch = format!("z9hG4bK{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff);
    format!(
        "OPTIONS {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={branch};rport\r\n\
         Max-Forwards: 70\r\nFrom: <sip:vcctl@{ip}>;tag={tag}\r\nTo: <{uri}>\r\n\
         Call-ID: {call_id}\r\nCSeq: {cseq} OPTIONS\r\nContact: <sip:vcctl@{local}>\r\n\
         Accept: application/sdp\r\nUser-Agent: vcctl latency-report\r\nContent-Length: 0\r\n\r\n",
        ip = local.ip()
    )
}

/// A final (>= 200) response to our OPTIONS with this Call-ID and CSeq.
fn is_final_answer(b: &[u8], call_id: &str, cseq: u32) -> bool {
    let Ok(text) = std::str::from_utf8(b) else {
        return false;
    };
    let mut lines = text.split("\r\n");
    let code = lines
        .next()
        .and_then(|l| l.strip_prefix("SIP/2.0 "))
        .and_then(|l| l.get(..3))
        .and_then(|c| c.parse::<u16>().ok());
    if code.is_none_or(|c| c < 200) {
        return false;
    }
    let mut id_ok = false;
    let mut cseq_ok = false;
    for l in lines {
        let Some((k, v)) = l.split_once(':') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        if k == "call-id" || k == "i" {
            id_ok = v == call_id;
        } else if k == "cseq" {
            cseq_ok = v.eq_ignore_ascii_case(&format!("{cseq} OPTIONS"));
        }
    }
    id_ok && cseq_ok
}

/// A short call with round-trip markers (to an echo extension): INVITE->100 and the audio
/// round trips come from its report.
pub async fn echo_call(uri: &str, peer: SocketAddr, seconds: f64) -> Result<CallReport, String> {
    let any = if peer.is_ipv4() {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    };
    let opts = CallOptions {
        uri: uri.to_string(),
        peer,
        from: None,
        credentials: None,
        bind: SocketAddr::new(any, 0),
        codecs: vec![G711::Pcmu, G711::Pcma],
        source: AudioSource::Silence,
        duration: Some(Duration::from_secs_f64(seconds)),
        answer_timeout: Duration::from_secs(10),
        roundtrip: Some(RoundTripConfig::default()),
    };
    place_call(opts, std::future::pending::<()>())
        .await
        .map_err(|e| e.to_string())
}

/// Round trips (ms) of `count` `GET /ari/asterisk/info` requests.
pub async fn ari_rest_rtts(client: &AriClient, count: u32) -> Result<Vec<f64>, String> {
    let mut out = Vec::new();
    for _ in 0..count {
        let t0 = Instant::now();
        client.info().await.map_err(|e| e.to_string())?;
        out.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(out)
}

/// ARI event delivery, measured with `count` user events: connect an events WebSocket as a
/// probe app of our own (a unique name, so `vcctl serve`'s app is not disturbed), then for
/// each event `POST /events/user/{name}?application=APP` and wait for the
/// `ChannelUserevent` on the socket.
pub async fn ari_event_trips(
    settings: &crate::config::AriSettings,
    client: &AriClient,
    count: u32,
) -> Result<Vec<EventTrip>, String> {
    use crate::io::ari_events::EventStream;
    use vcctl_core::ari::model::parse_ari_time;

    let app = format!("vcctl-latency-probe-{:08x}", rand::random::<u32>());
    let mut stream = EventStream::connect(settings, &app, false)
        .await
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut result = Ok(());
    for i in 0..count {
        let name = format!("vcctl-probe-{i}");
        let t0 = Instant::now();
        let wait = async {
            loop {
                match stream.next().await {
                    Some(Ok(text)) => {
                        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
                            continue;
                        };
                        // ARI delivers user events as `ChannelUserevent`, with or
                        // without a channel.
                        let user = v["type"] == "ChannelUserevent" || v["type"] == "UserEvent";
                        if user && v["eventname"] == name.as_str() {
                            let wall = crate::io::clock::now_unix();
                            let got = t0.elapsed();
                            let stamp = v["timestamp"].as_str().and_then(parse_ari_time);
                            return Ok((got, stamp.map(|s| (wall - s) * 1000.0)));
                        }
                    }
                    Some(Err(e)) => return Err(e.to_string()),
                    None => return Err("the events WebSocket closed".to_string()),
                }
            }
        };
        let send = async {
            // Asterisk registers the app while the WebSocket opens; a 404 right after the
            // handshake means "not yet".
            let mut tries = 0;
            loop {
                match client
                    .user_event(&name, &app, serde_json::json!({"seq": i.to_string()}))
                    .await
                {
                    Err(e) if e.is_not_found() && tries < 25 => {
                        tries += 1;
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    r => return r.map(|_| tries).map_err(|e| e.to_string()),
                }
            }
        };
        let (sent, got) = tokio::join!(send, tokio::time::timeout(Duration::from_secs(5), wait));
        match (sent, got) {
            (Err(e), _) => {
                result = Err(format!("ARI refused the user event: {e}"));
                break;
            }
            (Ok(_), Err(_)) => {
                result = Err(format!("the user event {name} did not arrive within 5 s"));
                break;
            }
            (Ok(_), Ok(Err(e))) => {
                result = Err(e);
                break;
            }
            // A retried first request measured the retries too: not a sample.
            (Ok(tries), Ok(Ok(_))) if tries > 0 => {}
            (Ok(_), Ok(Ok((got, stamp)))) => out.push(EventTrip {
                send_to_event_ms: got.as_secs_f64() * 1000.0,
                stamp_to_event_ms: stamp,
            }),
        }
    }
    stream.close().await;
    match result {
        Err(e) if out.is_empty() => Err(e),
        _ if out.is_empty() => Err("no user event came back".into()),
        _ => Ok(out),
    }
}

/// Open (and drop) one conversation with the agent, `count` times.
pub async fn agent_connects(
    settings: &AgentSettings,
    count: u32,
) -> Result<Vec<AgentProbe>, String> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut out = Vec::new();
    for _ in 0..count {
        let conn = tokio::time::timeout(
            Duration::from_secs(15),
            connect(settings, InitiationClientData::default()),
        )
        .await
        .map_err(|_| "the agent did not answer within 15 s".to_string())?
        .map_err(|e| e.to_string())?;
        let t = &conn.timings;
        out.push(AgentProbe {
            tcp_ms: ms(t.tcp),
            handshake_ms: ms(t.ws_handshake),
            metadata_ms: ms(t.metadata),
            signed_url_ms: t.signed_url.map(ms),
        });
        drop(conn);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_answers_are_matched_by_call_id_and_cseq() {
        let local: SocketAddr = "127.0.0.1:5099".parse().unwrap();
        let req = options_request("sip:echo@127.0.0.1:5060", local, "abc@x", "t1", 3);
        assert!(req.starts_with("OPTIONS sip:echo@127.0.0.1:5060 SIP/2.0\r\n"));
        assert!(req.contains("CSeq: 3 OPTIONS\r\n") && req.ends_with("\r\n\r\n"));
        let ok = "SIP/2.0 200 OK\r\nCall-ID: abc@x\r\nCSeq: 3 OPTIONS\r\n\r\n";
        assert!(is_final_answer(ok.as_bytes(), "abc@x", 3));
        assert!(!is_final_answer(ok.as_bytes(), "abc@x", 2));
        assert!(!is_final_answer(ok.as_bytes(), "other", 3));
        let trying = "SIP/2.0 100 Trying\r\nCall-ID: abc@x\r\nCSeq: 3 OPTIONS\r\n\r\n";
        assert!(!is_final_answer(trying.as_bytes(), "abc@x", 3));
        let nf = "SIP/2.0 404 Not Found\r\ni: abc@x\r\nCSeq: 3 OPTIONS\r\n\r\n";
        assert!(is_final_answer(nf.as_bytes(), "abc@x", 3));
    }
}
