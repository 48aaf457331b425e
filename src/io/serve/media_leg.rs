//! A serve call's media leg, the one place its transport shows ([`MediaLeg`]): externalMedia
//! RTP to a UDP socket of serve's, paced by serve's pacing thread (`media_loop.rs`), or
//! chan_websocket, a WebSocket to Asterisk's HTTP server that Asterisk paces
//! (`ws_media_loop.rs`, docs/websocket-media.md). The call's stages around it (routing, the
//! agent, answering, the figures it leaves, teardown) are one code path for both
//! (`call_setup.rs::run_inner`); the leg sets itself up (its channel, the bridge, both in the
//! bridge), closes, and runs the call's media until it ends, handing back the agent's
//! figures, the same for both, and its own ([`LegFigures`]). A child module of `call.rs`.

use super::*;
use crate::io::ari_http::WebSocketMedia;
use crate::io::asterisk_media_ws::{self, FromAsterisk, MediaWs, ToAsterisk};
use crate::io::serve::ws_media_loop;
use vcctl_core::agent::proto::Transcript;
use vcctl_core::chan_websocket::{
    transport_data, ControlFormat, LinkConfig, LinkEvent, LinkStats, MediaFormat, MediaLink,
};
use vcctl_core::media::agent_side::AgentSideStats;
use vcctl_core::media::call_media::MediaTiming;
use vcctl_core::media::ws_call_media::WsCallMedia;

/// How long Asterisk may take to send `MEDIA_START` once the WebSocket is connected (the
/// sandbox: under a millisecond).
const MEDIA_START_TIMEOUT: Duration = Duration::from_secs(5);

/// The transport of a call's media leg, once it is set up and bridged with the caller.
pub(super) enum MediaLeg {
    /// externalMedia RTP: serve's socket and where Asterisk sends from.
    Rtp { socket: UdpSocket, peer: SocketAddr },
    /// chan_websocket: the media connection's task (after `MEDIA_START`) and its format.
    WebSocket { link: MediaWs, format: MediaFormat },
}

/// What running a call's media left: why it ended and the figures of both sides.
pub(super) struct LegRun {
    pub end: LoopEnd,
    pub agent: AgentFigures,
    pub figures: LegFigures,
}

/// The agent's side of a call's media, the same whichever transport carried it
/// ([`AgentSideStats`]).
pub(super) struct AgentFigures {
    /// Agent audio arrived (a call the caller ended before it is abandoned).
    pub heard: bool,
    pub ping_ms: Option<f64>,
    pub response_ms: Vec<f64>,
    pub transcript: Value,
}

impl AgentFigures {
    fn new(stats: &AgentSideStats, transcript: &Transcript) -> AgentFigures {
        AgentFigures {
            heard: stats.agent_audio_events > 0,
            ping_ms: stats.last_ping_ms.map(|p| p as f64),
            response_ms: stats.response_latency_ms.clone(),
            transcript: serde_json::to_value(transcript).unwrap_or(Value::Null),
        }
    }
}

/// The transport's own figures: the RTP leg's counters and playout timing (the record's
/// `rtp_*` and latency figures), or the WebSocket leg's (its `media_ws`).
pub(super) enum LegFigures {
    Rtp {
        stats: MediaStats,
        timing: MediaTiming,
    },
    WebSocket(WsFigures),
}

/// The channel format for serve's `--format`.
fn channel_format(f: RtpFormat) -> MediaFormat {
    match f {
        RtpFormat::Ulaw => MediaFormat::Ulaw,
        RtpFormat::Slin16 => MediaFormat::Slin16,
    }
}

impl MediaLeg {
    /// The media channel `media_id` of serve's transport and the bridge `bridge_id` (created
    /// at the same time), both channels in the bridge. The ids are the caller's to note
    /// before this runs: teardown releases them whatever happened here. Err: what failed.
    pub(super) async fn setup(
        shared: &Shared,
        caller: &str,
        media_id: &str,
        bridge_id: &str,
        received: Instant,
        latency: &mut CallLatency,
    ) -> Result<MediaLeg, String> {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        // Asterisk answers the externalMedia request before the channel has entered Stasis
        // (RTP: it is originated asynchronously; WebSocket: only the connection's
        // MEDIA_START lets the dial complete) and refuses to bridge it until then: wait for
        // its StasisStart rather than polling.
        let (entered_tx, entered) = tokio::sync::oneshot::channel();
        lock(&shared.in_stasis).insert(media_id.to_string(), entered_tx);
        // Whatever way this function ends, the waiter goes.
        struct Forget<'a>(&'a Shared, &'a str);
        impl Drop for Forget<'_> {
            fn drop(&mut self) {
                lock(&self.0.in_stasis).remove(self.1);
            }
        }
        let _forget = Forget(shared, media_id);
        let channel = async {
            match shared.opts.transport {
                MediaTransport::Rtp => open_rtp(shared, caller, media_id).await,
                MediaTransport::WebSocket => open_websocket(shared, caller, media_id).await,
            }
        };
        let bridge = async {
            let t = Instant::now();
            let name = format!("vcctl-{caller}");
            let r = shared
                .ari
                .create_bridge_with_id(bridge_id, "mixing", Some(&name))
                .await;
            (r, t.elapsed())
        };
        let (channel, (bridge, bridge_t)) = tokio::join!(channel, bridge);
        let (leg, em_t) = match (channel, bridge) {
            (Ok(c), Ok(_)) => c,
            (Err(e), _) => return Err(e),
            (Ok((leg, _)), Err(e)) => {
                leg.close().await;
                return Err(format!("could not create the bridge: {e}"));
            }
        };
        latency.ari_rest_ms.push(ms(em_t));
        latency.ari_rest_ms.push(ms(bridge_t));
        let t = Instant::now();
        // Bounded: if the event went missing, the 422 retry below still gets there.
        let _ = tokio::time::timeout(Duration::from_secs(2), entered).await;
        // Should the channel still not be in Stasis, a 422 "not in Stasis application" is
        // retried.
        let mut tries = 0u32;
        loop {
            let both = [caller.to_string(), media_id.to_string()];
            match shared.ari.add_to_bridge(bridge_id, &both).await {
                Ok(()) => break,
                Err(crate::io::ari_http::AriError::Rejected { status: 422, .. }) if tries < 25 => {
                    tries += 1;
                    tracing::debug!(call = %caller, tries, "a channel is not in Stasis yet; retrying");
                    tokio::time::sleep(Duration::from_millis(5 << tries.min(2))).await;
                }
                Err(e) => {
                    leg.close().await;
                    return Err(format!("could not bridge the call: {e}"));
                }
            }
        }
        latency.ari_rest_ms.push(ms(t.elapsed()));
        // The handler's own share: StasisStart received -> caller and media leg bridged (the
        // agent connection runs in parallel and is measured on its own).
        latency.handler_ms = Some(ms(received.elapsed()));
        Ok(leg)
    }

    /// Let the leg go without running it (the call ended during setup). The WebSocket is
    /// closed (Asterisk hangs its channel up); the RTP socket goes back to the pool.
    pub(super) async fn close(self) {
        if let MediaLeg::WebSocket { link, .. } = self {
            close_link(link).await;
        }
    }

    /// Run the call's media with the agent `conn` until someone ends it. Err: the media
    /// engine could not be made (the agent's formats cannot be served).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn run(
        self,
        shared: &Arc<Shared>,
        call: &NewCall,
        profile: &str,
        conn: agent_ws::AgentConnection,
        rx: &mut mpsc::UnboundedReceiver<CallSignal>,
        res: &mut Resources,
    ) -> Result<LegRun, String> {
        let id = &call.channel.id;
        // A caller that vanished without BYE is ended after --media-timeout.
        let watch = Arc::new(MediaWatch::new(Instant::now()));
        lock(&shared.watches).insert(id.clone(), watch.clone());
        let watchdog = shared.opts.media_timeout.map(|limit| {
            tokio::spawn(watch_media(
                shared.clone(),
                id.clone(),
                watch.clone(),
                limit,
            ))
        });
        let observer = CallObserver::new(shared, call, profile, watch);
        let run = match self {
            MediaLeg::Rtp { socket, peer } => {
                run_rtp(shared, &socket, peer, conn, rx, res, observer).await
            }
            MediaLeg::WebSocket { link, format } => {
                run_websocket(shared, link, format, conn, rx, res, observer).await
            }
        };
        if let Some(w) = watchdog {
            w.abort();
        }
        lock(&shared.watches).remove(id);
        run
    }
}

/// RTP: a socket from the pool and the externalMedia channel sending to it; the leg and the
/// externalMedia request's round trip.
async fn open_rtp(
    shared: &Shared,
    caller: &str,
    media_id: &str,
) -> Result<(MediaLeg, Duration), String> {
    let socket = shared.ports.bind().await.map_err(|e| e.to_string())?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let host = SocketAddr::new(shared.opts.rtp_advertise, local.port());
    let t = Instant::now();
    let em = shared
        .ari
        .external_media(&ExternalMedia {
            app: shared.opts.app.clone(),
            external_host: host.to_string(),
            format: shared.opts.rtp_format.asterisk_name().to_string(),
            channel_id: Some(media_id.to_string()),
            variables: vec![("VCCTL_CALL".into(), caller.to_string())],
        })
        .await
        .map_err(|e| format!("could not create the externalMedia channel: {e}"))?;
    let em_t = t.elapsed();
    let peer = match unicast_peer(&em) {
        Some(p) => p,
        None => {
            let addr = shared
                .ari
                .get_var(media_id, "UNICASTRTP_LOCAL_ADDRESS")
                .await;
            let port = shared.ari.get_var(media_id, "UNICASTRTP_LOCAL_PORT").await;
            match (addr, port) {
                (Ok(a), Ok(p)) => format!("{a}:{p}")
                    .parse()
                    .map_err(|_| format!("Asterisk gave an unusable RTP address {a}:{p}"))?,
                _ => {
                    return Err(
                        "Asterisk did not say where the externalMedia leg sends from".into(),
                    )
                }
            }
        }
    };
    Ok((MediaLeg::Rtp { socket, peer }, em_t))
}

/// `UNICASTRTP_LOCAL_ADDRESS:PORT` from the externalMedia response's channel variables.
pub fn unicast_peer(ch: &Channel) -> Option<SocketAddr> {
    let vars = ch.channelvars.as_ref()?;
    let get = |k: &str| vars.get(k).and_then(|v| v.as_str().map(str::to_string));
    let addr: IpAddr = get("UNICASTRTP_LOCAL_ADDRESS")?.parse().ok()?;
    let port: u16 = get("UNICASTRTP_LOCAL_PORT")?.parse().ok()?;
    Some(SocketAddr::new(addr, port))
}

/// WebSocket: externalMedia with `transport=websocket`, the connection to Asterisk and its
/// `MEDIA_START`; the leg and the externalMedia request's round trip.
async fn open_websocket(
    shared: &Shared,
    caller: &str,
    media_id: &str,
) -> Result<(MediaLeg, Duration), String> {
    let format = channel_format(shared.opts.rtp_format);
    let t = Instant::now();
    let em = shared
        .ari
        .external_media_websocket(&WebSocketMedia {
            app: shared.opts.app.clone(),
            format: format.name().to_string(),
            transport_data: Some(transport_data(ControlFormat::Json)),
            channel_id: Some(media_id.to_string()),
            variables: vec![("VCCTL_CALL".into(), caller.to_string())],
        })
        .await
        .map_err(|e| format!("could not create the WebSocket externalMedia channel: {e}"))?;
    let em_t = t.elapsed();
    let var = |k: &str| {
        em.channelvars
            .as_ref()
            .and_then(|v| v.get(k))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let Some(connection_id) = var("MEDIA_WEBSOCKET_CONNECTION_ID") else {
        return Err(
            "Asterisk created the WebSocket media channel without MEDIA_WEBSOCKET_CONNECTION_ID \
             (is it Asterisk 22.6 or later with chan_websocket?)"
                .into(),
        );
    };
    let mut cfg = LinkConfig::new(format, ControlFormat::Json);
    cfg.window = shared.opts.ws_window;
    cfg.idle_silence = shared.opts.ws_idle_silence;
    if let Some(n) = var("MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE").and_then(|s| s.parse().ok()) {
        if n > 0 {
            cfg.frame_bytes = n;
        }
    }
    let socket = asterisk_media_ws::connect(&shared.opts.ari, &connection_id)
        .await
        .map_err(|e| e.to_string())?;
    let mut link = MediaWs::spawn(socket, MediaLink::new(cfg, Instant::now()));
    let deadline = tokio::time::Instant::now() + MEDIA_START_TIMEOUT;
    let problem = loop {
        match tokio::time::timeout_at(deadline, link.recv()).await {
            Ok(Some(FromAsterisk::Event {
                event: LinkEvent::Started(_),
                ..
            })) => return Ok((MediaLeg::WebSocket { link, format }, em_t)),
            Ok(Some(FromAsterisk::Event {
                event: LinkEvent::FormatMismatch { expected, got },
                ..
            })) => {
                break format!("Asterisk's WebSocket media channel speaks {got}, not {expected}")
            }
            Ok(Some(FromAsterisk::Closed { reason, .. })) => {
                break format!("the WebSocket media connection ended before MEDIA_START: {reason}")
            }
            Ok(None) => break "the WebSocket media task ended".into(),
            Ok(Some(_)) => {} // early caller audio (asterisk #1712): counted by the link
            Err(_) => {
                break format!(
                    "Asterisk sent no MEDIA_START within {} s of the WebSocket connection",
                    MEDIA_START_TIMEOUT.as_secs()
                )
            }
        }
    };
    close_link(link).await;
    Err(problem)
}

/// Close the WebSocket (Asterisk hangs its channel up) and return the link's counters.
async fn close_link(mut link: MediaWs) -> LinkStats {
    link.send(ToAsterisk::Close);
    let mut stats = LinkStats::default();
    let wait = async {
        while let Some(m) = link.recv().await {
            if let FromAsterisk::Closed { stats: s, .. } = m {
                stats = s;
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), wait).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), link.join()).await;
    stats
}

/// RTP: the call's task owns `CallMedia`, serve's pacing thread its playout.
async fn run_rtp(
    shared: &Shared,
    socket: &UdpSocket,
    peer: SocketAddr,
    conn: agent_ws::AgentConnection,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    observer: CallObserver<'_>,
) -> Result<LegRun, String> {
    let id = observer.call_id().to_string();
    let mut media = CallMedia::new(
        shared.opts.media,
        conn.input_format,
        conn.output_format,
        media_loop::random_seed(),
        Instant::now(),
    )
    .map_err(|e| e.to_string())?;
    media.set_peer(peer);
    let mut hooks = RtpHooks::new(observer, &id);
    hooks.live(&media.stats());
    let mut receiver = conn.receiver;
    let (end, media, _playout) = media_loop::run(
        media_loop::MediaIo {
            socket,
            sender: &conn.sender,
            receiver: &mut receiver,
        },
        media,
        &id,
        rx,
        &mut hooks,
        None,
    )
    .await;
    let stats = media.stats();
    hooks.finish(&stats, res);
    Ok(LegRun {
        end: call_end(end, res),
        agent: AgentFigures::new(media.agent_stats(), media.transcript()),
        figures: LegFigures::Rtp {
            stats,
            timing: media.timing(),
        },
    })
}

/// WebSocket: no pacing here, agent audio goes to the link as it arrives ([`MediaLink`]
/// keeps frames whole and Asterisk's queue bounded), an interruption flushes Asterisk's
/// queue at once, and the link's marks time what played.
async fn run_websocket(
    shared: &Shared,
    mut link: MediaWs,
    format: MediaFormat,
    conn: agent_ws::AgentConnection,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    observer: CallObserver<'_>,
) -> Result<LegRun, String> {
    let id = observer.call_id().to_string();
    let engine = match WsCallMedia::new(
        format,
        conn.input_format,
        conn.output_format,
        shared.opts.media.chunk,
        Instant::now(),
    ) {
        Ok(m) => m,
        Err(e) => {
            close_link(link).await;
            return Err(e.to_string());
        }
    };
    tracing::info!(
        call = %id,
        format = format.name(),
        agent_in = %conn.input_format.name(),
        agent_out = %conn.output_format.name(),
        passthrough_in = engine.passthrough_in(),
        passthrough_out = engine.passthrough_out(),
        "media over Asterisk's WebSocket channel"
    );
    let mut figs = WsFigures::new(format.name());
    let mut hooks = WsServeHooks::new(observer, &mut figs);
    let mut receiver = conn.receiver;
    let (end, engine) = ws_media_loop::run(
        &mut link,
        conn.sender.clone(),
        &mut receiver,
        engine,
        &id,
        rx,
        &mut hooks,
        None,
    )
    .await;
    let end = call_end(end, res);
    // The link's final counters come with the end of its connection.
    match end {
        LoopEnd::MediaLeg if figs.link.is_some() => {}
        _ => figs.link = Some(close_link(link).await),
    }
    if let Some(l) = &figs.link {
        tracing::info!(
            call = %id,
            frames_sent = l.frames_sent,
            xoff = l.xoff,
            flushes = l.flushes,
            max_unacked_frames = l.max_unacked_frames,
            max_pending_bytes = l.max_pending_bytes,
            overflow_dropped_bytes = l.overflow_dropped_bytes,
            "WebSocket media link ended"
        );
    }
    figs.agent = engine.stats();
    Ok(LegRun {
        end,
        agent: AgentFigures::new(&figs.agent.agent, engine.transcript()),
        figures: LegFigures::WebSocket(figs),
    })
}

/// Why a media loop (either transport) stopped is why the call ended; notes which channel
/// is already gone (teardown does not hang it up again).
fn call_end(end: LoopEnd, res: &mut Resources) -> LoopEnd {
    match end {
        LoopEnd::Caller(_) => res.caller_gone = true,
        LoopEnd::MediaLeg => res.media_gone = true,
        LoopEnd::Agent { .. }
        | LoopEnd::Shutdown
        | LoopEnd::MediaTimeout(_)
        | LoopEnd::Error(_) => {}
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use vcctl_core::agent::proto::Speaker;

    #[test]
    fn the_agents_figures_are_taken_the_same_way_from_either_engines_counters() {
        let mut transcript = Transcript::new();
        transcript.push(Speaker::Agent, "hello", 120);
        let mut stats = AgentSideStats {
            last_ping_ms: Some(42),
            response_latency_ms: vec![310.5, 280.0],
            ..Default::default()
        };
        let silent = AgentFigures::new(&stats, &transcript);
        // No agent audio arrived: a call the caller ends is abandoned, not completed.
        assert!(!silent.heard);
        assert_eq!(silent.ping_ms, Some(42.0));
        assert_eq!(silent.response_ms, vec![310.5, 280.0]);
        assert_eq!(silent.transcript["turns"][0]["text"], "hello");
        stats.agent_audio_events = 1;
        assert!(AgentFigures::new(&stats, &Transcript::new()).heard);
    }

    #[test]
    fn a_loop_end_notes_which_channel_is_already_gone() {
        let mut res = Resources::default();
        let end = call_end(LoopEnd::Caller(Some("16".into())), &mut res);
        assert!(matches!(end, LoopEnd::Caller(Some(ref c)) if c == "16"));
        assert!(res.caller_gone && !res.media_gone);
        let mut res = Resources::default();
        assert!(matches!(
            call_end(LoopEnd::MediaLeg, &mut res),
            LoopEnd::MediaLeg
        ));
        assert!(res.media_gone && !res.caller_gone);
        let mut res = Resources::default();
        let after = Duration::from_secs(10);
        assert!(matches!(
            call_end(LoopEnd::MediaTimeout(after), &mut res),
            LoopEnd::MediaTimeout(d) if d == after
        ));
        assert!(!res.media_gone && !res.caller_gone);
    }
}
