//! A serve call's stages, one code path for both transports ([`run_inner`]): route it to an
//! agent profile and connect the agent while the media leg is set up (`media_leg.rs`: the
//! externalMedia channel of serve's transport and the bridge), answer (only then), run the
//! media until someone hangs up, and keep the figures it leaves. The transport shows only in
//! the [`MediaLeg`] and in which figures it hands back.

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) async fn run_inner(
    shared: &Arc<Shared>,
    call: &NewCall,
    start: CallStart,
    extension: &str,
    caller_number: &str,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    res: &mut Resources,
    latency: &mut CallLatency,
    profile_name: &mut String,
    media_stats: &mut Option<MediaStats>,
    transcript: &mut Value,
    agent_heard: &mut bool,
) -> LoopEnd {
    let id = &call.channel.id;
    // 1. The media leg and the agent at the same time. The media leg needs nothing from the
    // call record or the routing, so StasisStart -> bridged waits for neither. Its channel
    // and bridge ids are chosen here and noted before they exist: teardown releases them
    // whatever happened to their creation (a lost answer included).
    let media_id = format!("{OWN_CHANNEL_PREFIX}{:016x}", rand::random::<u64>());
    let bridge_id = format!("{OWN_BRIDGE_PREFIX}{:016x}", rand::random::<u64>());
    if let Some(tx) = &shared.route_to(id) {
        shared.register(id, &media_id, tx);
    }
    lock(&shared.bridges).insert(bridge_id.clone());
    shared.api.journals.own(&bridge_id, id);
    res.media_channel = Some(media_id.clone());
    res.bridge = Some(bridge_id.clone());
    let agent_fut = prepare_agent(shared, call, start, extension, caller_number);
    let media_fut = MediaLeg::setup(shared, id, &media_id, &bridge_id, call.received, latency);
    let ((profile, agent), media) = tokio::join!(agent_fut, media_fut);
    if let Some(p) = &profile {
        *profile_name = p.name.clone();
    }
    let leg = match media {
        Ok(m) => m,
        Err(e) => {
            if let Ok(conn) = agent {
                let _ = conn.sender.close().await;
            }
            return LoopEnd::Error(e);
        }
    };
    if let Some(LoopEnd::Caller(c)) = pending_end(rx, id, res) {
        if let Ok(conn) = agent {
            let _ = conn.sender.close().await;
        }
        leg.close().await;
        return LoopEnd::Caller(c);
    }
    let conn = match agent {
        Ok(c) => c,
        Err(AgentProblem::Store(e)) => {
            leg.close().await;
            return LoopEnd::Error(e);
        }
        Err(AgentProblem::Unavailable(why)) => {
            // Release the media leg first so the fallback plays to a plain channel.
            leg.close().await;
            release_media(shared, res).await;
            return agent_failure(shared, id, res, rx, why).await;
        }
    };
    let Some(profile) = profile else {
        let _ = conn.sender.close().await;
        leg.close().await;
        return LoopEnd::Error("the agent connected without a profile".into());
    };
    // 2. Answer (only now) and record the setup.
    if let Err(e) = go_live(shared, call, &conn, &media_id, &bridge_id, res, latency).await {
        let _ = conn.sender.close().await;
        leg.close().await;
        return LoopEnd::Error(e);
    }

    // 3. Media until someone hangs up, over whichever transport.
    let run = match leg.run(shared, call, &profile.name, conn, rx, res).await {
        Ok(r) => r,
        Err(e) => return LoopEnd::Error(e),
    };

    // 4. What the call leaves: the agent's figures (the same for both transports), then
    // the transport's own.
    let agent = run.agent;
    *agent_heard = agent.heard;
    latency.agent_ping_ms = agent.ping_ms;
    latency.agent_url = Some(agent_ws::display_base_url(&shared.opts.agent_base_url));
    for r in &agent.response_ms {
        shared
            .metrics
            .agent_response
            .with(&[&profile.name])
            .observe(r / 1000.0);
    }
    latency.agent_response_ms = agent.response_ms;
    *transcript = agent.transcript;
    match run.figures {
        LegFigures::Rtp { stats, timing } => {
            latency.playout_wait_ms = timing.playout_wait;
            latency.playout_depth_ms = timing.playout_depth_ms;
            latency.agent_echo_ms = timing.echo_loop;
            latency.echo_round_trip_ms = timing.echo_round_trip;
            *media_stats = Some(stats);
        }
        LegFigures::WebSocket(figs) => {
            latency.barge_in_stop_ms = figs.barge_in_stop_ms.clone();
            latency.agent_audio_to_played_ms = figs.agent_audio_to_played_ms.clone();
            let m = &shared.metrics;
            m.resampled_samples
                .with(&["to_agent"])
                .inc_by(figs.agent.agent.resampled_samples_in);
            m.resampled_samples
                .with(&["to_caller"])
                .inc_by(figs.agent.agent.resampled_samples_out);
            let upd = CallUpdate {
                media_ws: serde_json::to_value(&figs).ok(),
                ..Default::default()
            };
            let uid = id.clone();
            let _ = shared
                .store
                .run_blocking(move |s| s.update_call(&uid, &upd))
                .await;
        }
    }
    run.end
}

/// The call's media is bridged and its agent connected: answer it (the caller's 200 OK comes
/// only now, never before, so a call refused until here got a final error response), then
/// count and record what the setup took. Err: why the answer failed.
pub(super) async fn go_live(
    shared: &Shared,
    call: &NewCall,
    conn: &agent_ws::AgentConnection,
    media_id: &str,
    bridge_id: &str,
    res: &mut Resources,
    latency: &mut CallLatency,
) -> Result<(), String> {
    let id = &call.channel.id;
    if !res.answered {
        shared
            .ari
            .answer(id)
            .await
            .map_err(|e| format!("could not answer the call: {e}"))?;
        res.answered = true;
    }
    latency.set_agent(&conn.timings);
    shared
        .metrics
        .agent_connect
        .observe(conn.timings.total.as_secs_f64());
    shared
        .metrics
        .setup
        .observe(call.received.elapsed().as_secs_f64());
    let now_u = now_unix();
    let (mid, bid, conv) = (
        media_id.to_string(),
        bridge_id.to_string(),
        conn.conversation_id.clone(),
    );
    let (uid, transport) = (id.clone(), shared.opts.transport.as_str());
    let _ = shared
        .store
        .run_blocking(move |s| {
            s.update_call_mark(&uid, CallMark::Bridged, now_u)?;
            s.update_call_mark(&uid, CallMark::AgentConnected, now_u)?;
            s.update_call(
                &uid,
                &CallUpdate {
                    media_channel_id: Some(mid),
                    bridge_id: Some(bid),
                    conversation_id: Some(conv),
                    transport: Some(transport.into()),
                    ..Default::default()
                },
            )
        })
        .await;
    res.agent = Some(conn.sender.clone());
    if shared.opts.record_ari {
        start_ari_recording(shared, id, bridge_id, res).await;
    }
    Ok(())
}

/// What the agent side of the setup found: the profile (when routing got that far) and the
/// connection.
pub(super) enum AgentProblem {
    /// The call record or the profiles could not be read.
    Store(String),
    /// No profile, or the agent could not be reached: the failure policy applies.
    Unavailable(String),
}

/// The call record, the routing and the agent connection: everything of the setup that
/// the media leg does not wait for.
pub(super) async fn prepare_agent(
    shared: &Shared,
    call: &NewCall,
    start: CallStart,
    extension: &str,
    caller_number: &str,
) -> (
    Option<AgentProfile>,
    Result<agent_ws::AgentConnection, AgentProblem>,
) {
    let profile = match route_call(shared, call, start, extension, caller_number).await {
        Ok(p) => p,
        Err(e) => return (None, Err(e)),
    };
    let conn = connect_agent(shared, &profile, call, extension, caller_number)
        .await
        .map_err(|e| AgentProblem::Unavailable(e.to_string()));
    (Some(profile), conn)
}

/// The call record and the routing: which agent profile serves this call.
pub(super) async fn route_call(
    shared: &Shared,
    call: &NewCall,
    start: CallStart,
    extension: &str,
    caller_number: &str,
) -> Result<AgentProfile, AgentProblem> {
    let id = call.channel.id.clone();
    if let Err(e) = shared
        .store
        .run_blocking(move |s| s.insert_call_start(&start))
        .await
    {
        tracing::warn!(call = %id, "could not record the call start: {e}");
    }
    let profiles = match shared.store.run_blocking(|s| s.list_profiles()).await {
        Ok(p) => p,
        Err(e) => {
            return Err(AgentProblem::Store(format!(
                "could not read agent profiles: {e}"
            )))
        }
    };
    let table = RoutingTable::new(profiles, shared.layers.get(DEFAULT_AGENT_ID_ENV).as_deref());
    let Some(routed) = table.route(extension, caller_number) else {
        let why = format!(
            "no agent profile matches extension '{extension}' / caller '{caller_number}' and {DEFAULT_AGENT_ID_ENV} is not set"
        );
        return Err(AgentProblem::Unavailable(why));
    };
    let profile: AgentProfile = routed.profile.clone();
    let upd = CallUpdate {
        profile: Some(profile.name.clone()),
        agent_id: Some(profile.agent_id.clone()),
        ..Default::default()
    };
    let _ = shared
        .store
        .run_blocking(move |s| s.update_call(&id, &upd))
        .await;
    snapshot(shared, call, &profile.name, "connecting", None);
    Ok(profile)
}

/// End the call when the caller has sent no media for `limit` (not counting time on hold).
pub(super) async fn watch_media(
    shared: Arc<Shared>,
    caller: String,
    watch: Arc<MediaWatch>,
    limit: Duration,
) {
    let step = (limit / 10).clamp(Duration::from_millis(100), Duration::from_secs(1));
    loop {
        tokio::time::sleep(step).await;
        if watch.silent_for(Instant::now()) >= limit {
            tracing::warn!(
                call = %caller,
                "no media from the caller for {} s; ending the call",
                limit.as_secs_f64()
            );
            if let Some(tx) = shared.route_to(&caller) {
                let _ = tx.send(CallSignal::MediaTimeout(limit));
            }
            return;
        }
    }
}

pub(super) async fn connect_agent(
    shared: &Shared,
    profile: &AgentProfile,
    call: &NewCall,
    extension: &str,
    caller_number: &str,
) -> Result<agent_ws::AgentConnection, agent_ws::AgentError> {
    let mut settings = AgentSettings::new(&shared.opts.agent_base_url, profile.agent_id.clone())?;
    settings.api_key = shared.layers.get(profile.api_key_var()).map(Secret::new);
    settings.ca_cert = shared.opts.ca_cert.clone();
    let mut vars: BTreeMap<String, Value> = profile
        .dynamic_variables
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    vars.insert("caller_number".into(), json!(caller_number));
    vars.insert("dialed_extension".into(), json!(extension));
    vars.insert("channel_id".into(), json!(call.channel.id));
    let init = InitiationClientData {
        dynamic_variables: vars,
        first_message: profile.first_message.clone(),
        language: profile.language.clone(),
        voice_id: profile.voice_id.clone(),
        user_id: Some(caller_number.to_string()).filter(|s| !s.is_empty()),
        ..Default::default()
    };
    let journal = shared.api.journals.get(&call.channel.id);
    let sent = journal.as_ref().map(|_| {
        vcctl_core::agent::proto::ClientMessage::InitiationClientData(init.clone()).to_json()
    });
    let conn = agent_ws::connect(&settings, init).await?;
    // The handshake's two messages, for the call's agent log (the media loop logs the rest).
    if let (Some(j), Some(sent)) = (journal, sent) {
        j.agent_out(&sent);
        j.agent_in(
            &vcctl_core::agent::proto::ServerMessage::InitiationMetadata {
                conversation_id: conn.conversation_id.clone(),
                output_format: conn.output_format,
                input_format: conn.input_format,
            },
        );
    }
    Ok(conn)
}

/// `--record-ari`: Asterisk records the bridge into the stored recording `<call id>`, which
/// is finished when the bridge is destroyed. Noted in the call record at once.
pub(super) async fn start_ari_recording(
    shared: &Shared,
    id: &str,
    bridge: &str,
    res: &mut Resources,
) {
    match shared.ari.record_bridge(bridge, id, "wav").await {
        Ok(_) => {
            let reference = format!("ari:{id}");
            res.files.push(("recording".into(), reference.clone()));
            let (store, id) = (shared.store.clone(), id.to_string());
            let upd = CallUpdate {
                recording: Some(reference),
                ..Default::default()
            };
            let _ = store.run_blocking(move |s| s.update_call(&id, &upd)).await;
        }
        Err(e) => tracing::warn!(call = %id, "could not start the ARI recording: {e}"),
    }
}

/// A hangup that arrived while the call was being set up.
pub(super) fn pending_end(
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    caller: &str,
    res: &mut Resources,
) -> Option<LoopEnd> {
    let mut end = None;
    while let Ok(sig) = rx.try_recv() {
        match sig {
            CallSignal::ChannelGone { channel, cause } if channel == caller => {
                res.caller_gone = true;
                end = Some(LoopEnd::Caller(cause));
            }
            CallSignal::ChannelGone { .. } => res.media_gone = true,
            CallSignal::Shutdown => end = end.or(Some(LoopEnd::Shutdown)),
            CallSignal::MediaTimeout(_) => {}
        }
    }
    end
}
