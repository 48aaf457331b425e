//! Ask whether a live client holds an ARI app, and answer that question when we hold one.
//! The protocol and why it is needed: [`vcctl_core::ari::app_probe`].

use std::time::{Duration, Instant};

use crate::io::ari_http::{AriClient, AriError};
use vcctl_core::ari::app_probe::{
    parse_reply, probe_reply_var, reply_value, reply_var, request_variables, Liveness, PROBE_EVENT,
};

/// How long a prober waits for the answer. A vcctl client answers within a few REST round
/// trips (milliseconds on a LAN), even while it carries calls.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(1500);

/// Is `app` registered, and does a client answer through it? Only ARI requests: the app's
/// record, one user event, and reads of one global variable (unset again at the end).
pub async fn probe(ari: &AriClient, app: &str, timeout: Duration) -> Result<Liveness, AriError> {
    let channels = match ari.application(app).await {
        Ok(a) => a.channel_ids.len(),
        Err(e) if e.is_not_found() => return Ok(Liveness::NotRegistered),
        Err(e) => return Err(e),
    };
    let var = reply_var(rand::random());
    let started = Instant::now();
    match ari
        .user_event(PROBE_EVENT, app, request_variables(&var))
        .await
    {
        Ok(()) => {}
        Err(e) if e.is_not_found() => return Ok(Liveness::NotRegistered),
        Err(e) => return Err(e),
    }
    let deadline = started + timeout;
    let mut polls = 0u32;
    loop {
        let value = ari.global_var(&var).await?;
        if !value.is_empty() {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            let _ = ari.set_global_var(&var, None).await;
            return Ok(Liveness::Answered {
                by: parse_reply(&value),
                ms,
                channels,
            });
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(Liveness::NoAnswer {
                waited: timeout,
                channels,
            });
        }
        // Often at first (a live client answers in milliseconds), then less so.
        polls += 1;
        let pause = if polls < 25 {
            Duration::from_millis(2)
        } else {
            Duration::from_millis(20)
        };
        tokio::time::sleep(pause.min(deadline - now)).await;
    }
}

/// When `raw` is a probe, answer it in the background as `client` (`serve`, `events`) and
/// return true: the caller then treats the event as vcctl's own, not as one to show or act on.
pub fn answer_if_probe(ari: &AriClient, raw: &str, client: &str) -> bool {
    let Some(var) = probe_reply_var(raw) else {
        return false;
    };
    let value = reply_value(client, std::process::id(), &hostname());
    let ari = ari.clone();
    tokio::spawn(async move {
        if let Err(e) = ari.set_global_var(&var, Some(&value)).await {
            tracing::warn!("could not answer a liveness probe: {e}");
        }
    });
    true
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return String::new();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}
