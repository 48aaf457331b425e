//! `vcctl load URI`: many SIP calls at once with figures and SLO verdicts per step;
//! `vcctl load --answer`: the far end that answers and echoes them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cli::{CallCodec, LoadArgs};
use crate::error::{Error, Result};
use crate::io::load::{self, LoadOptions};
use crate::io::load_answer::{self, AnswerSockets};
use crate::io::signals::stop_requested;
use crate::ui::load_views::{live_line, Audit, LoadReport};
use crate::ui::output::emit;
use crate::ui::progress::{spinner, stderr_is_tty};
use vcctl_core::load::{best_step, chart_svg, LoadPlan, Slo, MAX_WATCHED};
use vcctl_core::media::roundtrip::RoundTripConfig;
use vcctl_core::sip::sdp::G711;
use vcctl_core::sip::ua::SipUri;

use super::call::{audio_source, credentials, peer_and_bind, request_uri};
use super::Ctx;

const DEFAULT_HOLD: f64 = 10.0;
/// Without a terminal, a plain progress line this often.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

fn secs(flag: &str, v: f64, min: f64, max: f64) -> Result<Duration> {
    if v.is_finite() && v >= min && v <= max {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(Error::Usage(format!(
            "{flag} {v} must be between {min} and {max} seconds"
        )))
    }
}

fn percent(flag: &str, v: f64) -> Result<f64> {
    if v.is_finite() && (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(Error::Usage(format!(
            "{flag} {v} must be between 0 and 100"
        )))
    }
}

/// The plan from the flags.
fn plan(a: &LoadArgs) -> Result<LoadPlan> {
    if !(a.rate.is_finite() && a.rate >= 0.0) {
        return Err(Error::Usage(format!(
            "--rate {} must be 0 (no limit) or more calls per second",
            a.rate
        )));
    }
    let rate = (a.rate > 0.0).then_some(a.rate);
    if a.ramp.is_empty() {
        if a.calls == Some(0) {
            return Err(Error::Usage("--calls must be at least 1".into()));
        }
        Ok(LoadPlan {
            steps: vec![a.concurrency],
            step_secs: None,
            total_calls: Some(a.calls.unwrap_or(a.concurrency as u64)),
            rate,
        })
    } else {
        Ok(LoadPlan {
            steps: a.ramp.clone(),
            step_secs: Some(secs("--step-secs", a.step_secs, 1.0, 86_400.0)?),
            total_calls: None,
            rate,
        })
    }
}

fn watched(a: &LoadArgs) -> Result<Vec<(String, u32)>> {
    if a.cpu_pids.len() > MAX_WATCHED {
        return Err(Error::Usage(format!(
            "--cpu-pid can watch at most {MAX_WATCHED} processes"
        )));
    }
    a.cpu_pids
        .iter()
        .map(|(n, p)| {
            p.parse::<u32>()
                .ok()
                .filter(|p| std::path::Path::new(&format!("/proc/{p}/stat")).exists())
                .map(|p| (n.clone(), p))
                .ok_or_else(|| {
                    Error::Usage(format!("--cpu-pid {n}={p}: no running process has that id"))
                })
        })
        .collect()
}

pub async fn run(ctx: &Ctx, a: LoadArgs) -> Result<()> {
    if a.answer {
        return answer(ctx, a).await;
    }
    let given = a.uri.clone().unwrap_or_default();
    let uri = SipUri::parse(&given).map_err(|e| Error::Usage(e.to_string()))?;
    if uri.scheme == "sips" {
        return Err(Error::Usage(format!(
            "{given} is a sips: URI, which needs TLS; vcctl load speaks SIP over UDP only"
        )));
    }
    let plan = plan(&a)?;
    let answer_timeout = secs("--timeout", a.timeout, 0.1, 3600.0)?;
    let hold = match (a.hold, a.ramp.is_empty()) {
        (Some(h), _) => Some(secs("--hold", h, 0.0, 86_400.0)?),
        (None, true) => Some(Duration::from_secs_f64(DEFAULT_HOLD)),
        (None, false) => None,
    };
    let slo = Slo {
        answer_percent: percent("--slo-answer", a.slo_answer)?,
        roundtrip_p95_ms: a.slo_roundtrip_ms.max(0.0),
        loss_percent: percent("--slo-loss", a.slo_loss)?,
    };
    let settle = secs("--settle", a.settle, 0.0, 3600.0)?;
    let credentials = credentials(a.sip_user.as_deref(), a.sip_password.as_deref())?;
    let source = audio_source(a.play.as_deref(), a.tone)?;
    // The ARI settings are checked before the calls, not after.
    let ari = if a.audit_ari { Some(ctx.ari()?) } else { None };
    let (peer, bind) = peer_and_bind(&uri, a.bind.as_deref()).await?;
    let markers = !a.no_markers;
    let opts = LoadOptions {
        uri: request_uri(&given, &uri),
        peer,
        bind,
        from: a.from.clone(),
        credentials,
        codecs: match a.codec {
            Some(CallCodec::Ulaw) => vec![G711::Pcmu],
            Some(CallCodec::Alaw) => vec![G711::Pcma],
            None => vec![G711::Pcmu, G711::Pcma],
        },
        source,
        hold,
        answer_timeout,
        roundtrip: markers.then(RoundTripConfig::default),
        plan,
        watch: watched(&a)?,
    };
    let uri_text = opts.uri.clone();

    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let watcher = tokio::spawn(async move {
        stop_requested().await;
        s.store(true, Ordering::Relaxed);
    });
    let pb = spinner("starting");
    let tty = stderr_is_tty();
    let pb2 = pb.clone();
    let mut last_plain: Option<Instant> = None;
    let progress = move |l: &load::Live| {
        let line = live_line(l);
        if tty {
            pb2.set_message(line);
        } else if last_plain.is_none_or(|t| t.elapsed() >= PLAIN_EVERY) {
            last_plain = Some(Instant::now());
            eprintln!("vcctl load: {line}");
        }
    };
    let result = tokio::task::spawn_blocking(move || load::run(opts, stop, progress))
        .await
        .map_err(|e| Error::Other(format!("the load generator failed: {e}")))?;
    watcher.abort();
    pb.finish_and_clear();
    let run = result.map_err(|load::LoadError::Io { what, source }| Error::io(what, source))?;

    let steps = run.tally.reports(&slo, markers);
    let highest = best_step(&steps).map(|s| s.concurrency);
    let audit = match &ari {
        Some(ari) => Some(audit(ari, &a.serve, settle).await),
        None => None,
    };
    if let Some(path) = &a.chart {
        std::fs::write(path, chart_svg(&steps, &slo))
            .map_err(|e| Error::io(format!("could not write the chart {}", path.display()), e))?;
    }
    let report = LoadReport {
        uri: uri_text,
        seconds: run.seconds,
        interrupted: run.interrupted,
        slo,
        markers,
        steps,
        highest_step_meeting_slo: highest,
        audit,
        calls: run.records,
    };
    emit(&report, ctx.json())?;
    if report.interrupted {
        return Err(Error::Interrupted);
    }
    let missed: Vec<String> = report
        .steps
        .iter()
        .filter(|s| !s.slo_met)
        .map(|s| format!("{} calls ({})", s.concurrency, s.slo_misses.join("; ")))
        .collect();
    if let Some(e) = report.audit.as_ref().and_then(|a| a.ari_error.as_ref()) {
        return Err(Error::Unreachable(format!(
            "the audit could not list what Asterisk holds: {e}"
        )));
    }
    if let Some(a) = report.audit.as_ref().filter(|a| !a.clean) {
        return Err(Error::ChecksFailed(format!(
            "{} channel(s), {} bridge(s) and {} serve call(s) were left after the load{}",
            a.channels.len(),
            a.bridges.len(),
            a.serve_calls.as_ref().map_or(0, |c| c.len()),
            if missed.is_empty() {
                String::new()
            } else {
                format!("; steps missing the SLO: {}", missed.join(", "))
            }
        )));
    }
    if !missed.is_empty() {
        return Err(Error::ChecksFailed(format!(
            "steps missing the SLO: {}",
            missed.join(", ")
        )));
    }
    Ok(())
}

/// What Asterisk and serve still hold after `settle`. A failed ARI request is tried again
/// (Asterisk closes keep-alive connections under load) and, if it keeps failing, reported in
/// the audit rather than losing the run's report.
async fn audit(ari: &crate::io::ari_http::AriClient, serve: &str, settle: Duration) -> Audit {
    tokio::time::sleep(settle).await;
    let mut asked = Err(String::new());
    for attempt in 0..3 {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        asked = async {
            let channels = ari.channels().await.map_err(|e| e.to_string())?;
            let bridges = ari.bridges().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((channels, bridges))
        }
        .await;
        if asked.is_ok() {
            break;
        }
    }
    let (channels, bridges, ari_error) = match asked {
        Ok((c, b)) => (
            c.into_iter()
                .map(|c| format!("{} ({}, {})", c.id, c.name, c.state))
                .collect(),
            b.into_iter()
                .map(|b| format!("{} ({} channel(s))", b.id, b.channels.len()))
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Vec::new(), Some(e)),
    };
    let (serve_calls, serve_error) = if serve.eq_ignore_ascii_case("none") {
        (None, None)
    } else {
        match serve_calls(serve).await {
            Ok(c) => (Some(c), None),
            Err(e) => (None, Some(e)),
        }
    };
    let clean = ari_error.is_none()
        && channels.is_empty()
        && bridges.is_empty()
        && serve_calls.as_ref().is_none_or(|c| c.is_empty());
    Audit {
        settle_seconds: settle.as_secs_f64(),
        channels,
        bridges,
        ari_error,
        serve_calls,
        serve_error,
        clean,
    }
}

/// The calls serve holds, from its HTTP API (`GET /calls`): "id (state)".
async fn serve_calls(base: &str) -> std::result::Result<Vec<String>, String> {
    let url = format!("{}/calls", base.trim_end_matches('/'));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let v: serde_json::Value = client
        .get(&url)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| format!("GET {url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    Ok(v.as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{} ({})",
                        c["id"].as_str().or(c["channel_id"].as_str()).unwrap_or("?"),
                        c["state"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// `--answer`: answer and echo until stopped.
async fn answer(ctx: &Ctx, a: LoadArgs) -> Result<()> {
    if !a.listen.is_ipv4() {
        return Err(Error::Usage(format!(
            "--listen {} must be an IPv4 address (the echo path is IPv4 only)",
            a.listen
        )));
    }
    let socks = AnswerSockets::bind(a.listen)
        .map_err(|e| Error::io(format!("binding the answerer to {}", a.listen), e))?;
    let rtp = socks
        .rtp_addr()
        .map_err(|e| Error::io("reading the RTP address", e))?;
    eprintln!(
        "vcctl load --answer: listening on {} (SIP), RTP echo on {rtp}",
        a.listen
    );
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let watcher = tokio::spawn(async move {
        stop_requested().await;
        s.store(true, Ordering::Relaxed);
    });
    let totals = tokio::task::spawn_blocking(move || load_answer::run(socks, stop, |_| {}))
        .await
        .map_err(|e| Error::Other(format!("the answerer failed: {e}")))?
        .map_err(|e| Error::io("answering calls", e))?;
    watcher.abort();
    emit(&totals, ctx.json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    fn args(v: &[&str]) -> LoadArgs {
        let mut all = vec!["vcctl", "load"];
        all.extend_from_slice(v);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Load(a) => a,
            _ => panic!("wrong command"),
        }
    }

    #[test]
    fn flags_make_a_plan() {
        let a = args(&[
            "sip:test@127.0.0.1",
            "--concurrency",
            "10",
            "--calls",
            "20",
            "--rate",
            "0",
        ]);
        let p = plan(&a).unwrap();
        assert_eq!(p.steps, [10]);
        assert_eq!(p.total_calls, Some(20));
        assert_eq!(p.rate, None);
        let a = args(&["sip:x@h", "--ramp", "25,50,100", "--step-secs", "60"]);
        let p = plan(&a).unwrap();
        assert_eq!(p.steps, [25, 50, 100]);
        assert_eq!(p.step_secs, Some(Duration::from_secs(60)));
        assert_eq!((p.total_calls, p.rate), (None, Some(10.0)));
        // Defaults: 10 at once, 10 in all, 10 calls/s.
        let p = plan(&args(&["sip:x@h"])).unwrap();
        assert_eq!(
            (p.steps[0], p.total_calls, p.rate),
            (10, Some(10), Some(10.0))
        );
        assert!(plan(&args(&["sip:x@h", "--rate=-1"])).is_err());
        assert!(plan(&args(&["sip:x@h", "--calls", "0"])).is_err());
        // --ramp and --concurrency do not mix; a URI is needed unless answering.
        assert!(Cli::try_parse_from([
            "vcctl",
            "load",
            "sip:x@h",
            "--ramp",
            "1",
            "--concurrency",
            "2"
        ])
        .is_err());
        assert!(Cli::try_parse_from(["vcctl", "load"]).is_err());
        let a = args(&["--answer", "--listen", "127.0.0.1:5070"]);
        assert!(a.answer && a.uri.is_none());
        let a = args(&["sip:x@h", "--cpu-pid", "asterisk=1", "--slo-answer", "99"]);
        assert_eq!(a.cpu_pids, [("asterisk".to_string(), "1".to_string())]);
        assert_eq!(a.slo_answer, 99.0);
        assert_eq!((a.slo_roundtrip_ms, a.slo_loss), (500.0, 0.5));
        assert!(percent("--slo-answer", 101.0).is_err());
    }
}
