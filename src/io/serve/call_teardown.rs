//! How a call ends: the agent failure policy, the outcome and who ended it (`classify`),
//! and releasing what the call holds in Asterisk. A child module of `call.rs`.

use super::*;

/// The agent cannot serve this call: apply the configured policy.
pub(super) async fn agent_failure(
    shared: &Shared,
    caller: &str,
    res: &mut Resources,
    rx: &mut mpsc::UnboundedReceiver<CallSignal>,
    why: String,
) -> LoopEnd {
    tracing::warn!(call = %caller, "agent unavailable: {why}");
    if let Some(end) = pending_end(rx, caller, res) {
        return end;
    }
    if let AgentFailurePolicy::Fallback { media, max } = &shared.opts.on_agent_failure {
        // The prompt needs an answered channel.
        if !res.answered {
            match shared.ari.answer(caller).await {
                Ok(()) => res.answered = true,
                Err(e) => {
                    tracing::warn!(call = %caller, "could not answer for the fallback prompt: {e}")
                }
            }
        }
        match shared.ari.play(caller, media).await {
            Ok(_) => {
                // Wait for the prompt (or the caller hanging up), at most `max`.
                let until = tokio::time::sleep(*max);
                tokio::pin!(until);
                loop {
                    tokio::select! {
                        _ = &mut until => break,
                        sig = rx.recv() => match sig {
                            Some(CallSignal::ChannelGone { channel, cause }) if channel == caller => {
                                res.caller_gone = true;
                                return LoopEnd::Caller(cause);
                            }
                            Some(CallSignal::Shutdown) | Some(CallSignal::MediaTimeout(_)) | None => break,
                            Some(_) => {}
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(call = %caller, "fallback prompt {media} failed: {e}"),
        }
    }
    LoopEnd::Agent {
        normal: false,
        detail: why,
    }
}

/// A caller gone silent while serve has no ARI connection is a call whose Asterisk stopped
/// under it (a dead node of a cluster, issue 18), not a caller who went quiet: record it as
/// an error that says so. (When Asterisk is back before `--media-timeout`, the recheck after
/// reconnecting ends the call as gone instead.)
pub(super) fn asterisk_lost(end: LoopEnd, ari_ready: bool, ari_reason: &str) -> LoopEnd {
    match end {
        LoopEnd::MediaTimeout(after) if !ari_ready => LoopEnd::Error(format!(
            "Asterisk was lost under the call: no media from the caller for {} s while serve \
             had no ARI connection ({ari_reason})",
            after.as_secs_f64()
        )),
        other => other,
    }
}

/// `operator`: serve hung the caller up because `POST /calls/{id}/hangup` asked it to.
pub(super) fn classify(
    end: &LoopEnd,
    agent_heard: bool,
    operator: bool,
) -> (CallOutcome, EndedBy, Option<String>) {
    match end {
        LoopEnd::Caller(cause) if operator => (
            CallOutcome::Completed,
            EndedBy::Operator,
            Some(format!(
                "hung up by an operator over serve's HTTP API ({})",
                cause.as_deref().unwrap_or("no cause")
            )),
        ),
        LoopEnd::Caller(cause) if !agent_heard => {
            (CallOutcome::CallerAbandoned, EndedBy::Caller, cause.clone())
        }
        LoopEnd::Caller(cause) => (CallOutcome::Completed, EndedBy::Caller, cause.clone()),
        LoopEnd::MediaLeg => (
            CallOutcome::Completed,
            EndedBy::Operator,
            Some("media channel hung up".into()),
        ),
        LoopEnd::Agent {
            normal: true,
            detail,
        } => (CallOutcome::Completed, EndedBy::Agent, Some(detail.clone())),
        LoopEnd::Agent {
            normal: false,
            detail,
        } => (
            CallOutcome::AgentFailed,
            EndedBy::Agent,
            Some(detail.clone()),
        ),
        LoopEnd::Shutdown => (
            CallOutcome::Completed,
            EndedBy::System,
            Some("vcctl serve stopped".into()),
        ),
        LoopEnd::MediaTimeout(after) => (
            if agent_heard {
                CallOutcome::Completed
            } else {
                CallOutcome::CallerAbandoned
            },
            EndedBy::System,
            Some(format!(
                "no media from the caller for {} s (--media-timeout)",
                after.as_secs_f64()
            )),
        ),
        LoopEnd::Error(e) => (CallOutcome::Error, EndedBy::System, Some(e.clone())),
    }
}

/// Destroy the bridge and hang up the media leg (404s mean already gone).
pub(super) async fn release_media(shared: &Shared, res: &mut Resources) {
    if let Some(b) = res.bridge.take() {
        if let Err(e) = shared.ari.destroy_bridge(&b).await {
            if !e.is_not_found() {
                tracing::warn!("could not destroy bridge {b}: {e}");
            }
        }
        lock(&shared.bridges).remove(&b);
    }
    if let Some(m) = res.media_channel.take() {
        if !res.media_gone {
            if let Err(e) = shared.ari.hangup(&m, None).await {
                if !e.is_not_found() {
                    tracing::warn!("could not hang up media channel {m}: {e}");
                }
            }
        }
        shared.unregister(&m);
    }
}

/// Release everything the call created; hang the caller up if it is still there.
pub(super) async fn teardown(shared: &Shared, caller: &str, res: &mut Resources, end: &LoopEnd) {
    if let Some(a) = res.agent.take() {
        let _ = tokio::time::timeout(Duration::from_secs(2), a.close()).await;
    }
    release_media(shared, res).await;
    if !res.caller_gone {
        let reason = match (end, &shared.opts.on_agent_failure) {
            (LoopEnd::Agent { normal: false, .. }, AgentFailurePolicy::Hangup { reason }) => {
                Some(reason.as_str())
            }
            // Not answered yet (setup failed, shutting down): a final 503 for the caller.
            _ if !res.answered => Some("congestion"),
            _ => Some("normal"),
        };
        if let Err(e) = shared.ari.hangup(caller, reason).await {
            if !e.is_not_found() {
                tracing::warn!(call = %caller, "could not hang up the caller: {e}");
            }
        }
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_while_ari_is_lost_is_recorded_as_asterisk_lost() {
        let silent = || LoopEnd::MediaTimeout(Duration::from_secs(10));
        let lost = asterisk_lost(silent(), false, "ARI events connection closed");
        let (outcome, by, cause) = classify(&lost, true, false);
        assert_eq!(outcome, CallOutcome::Error);
        assert_eq!(by, EndedBy::System);
        let cause = cause.unwrap();
        assert!(
            cause.starts_with("Asterisk was lost under the call"),
            "{cause}"
        );
        assert!(cause.contains("ARI events connection closed"), "{cause}");
        // With ARI up it stays a caller who went silent.
        let (outcome, _, cause) = classify(&asterisk_lost(silent(), true, ""), true, false);
        assert_eq!(outcome, CallOutcome::Completed);
        assert!(cause.unwrap().contains("--media-timeout"));
        // Other ends are never rewritten.
        let (outcome, by, _) = classify(
            &asterisk_lost(LoopEnd::Caller(None), false, "x"),
            true,
            false,
        );
        assert_eq!((outcome, by), (CallOutcome::Completed, EndedBy::Caller));
    }

    #[test]
    fn a_hangup_asked_over_the_http_api_is_the_operators_not_the_callers() {
        let cause = Some("Normal Clearing".to_string());
        let (outcome, by, why) = classify(&LoopEnd::Caller(cause.clone()), false, true);
        assert_eq!((outcome, by), (CallOutcome::Completed, EndedBy::Operator));
        assert_eq!(
            why.as_deref(),
            Some("hung up by an operator over serve's HTTP API (Normal Clearing)")
        );
        // Without the request, the same end is the caller's.
        let (outcome, by, _) = classify(&LoopEnd::Caller(cause), false, false);
        assert_eq!(
            (outcome, by),
            (CallOutcome::CallerAbandoned, EndedBy::Caller)
        );
        // Only a caller-side end is attributed: an agent that failed first stays the agent's.
        let agent = LoopEnd::Agent {
            normal: false,
            detail: "closed".into(),
        };
        assert_eq!(classify(&agent, true, true).1, EndedBy::Agent);
    }
}
