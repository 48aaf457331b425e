//! `vcctl events`: stream ARI events as lines or NDJSON; with `--follow`, survive restarts.

use std::time::{Duration, Instant};

use crate::cli::EventsArgs;
use crate::error::{Error, Result};
use crate::io::app_probe;
use crate::io::ari_events::{EventStream, EventsError};
use crate::io::serve_events::{ServeEvent, ServeEventStream, ServeEventsError};
use crate::io::signals::stop_requested;
use crate::ui::ari_views::{event_line, BridgeList, ChannelList};
use crate::ui::output::{write_stdout, Render};
use vcctl_core::ari::app_probe::Liveness;
use vcctl_core::ari::model::EventHeader;
use vcctl_core::util::backoff::Backoff;

use super::Ctx;

/// Which events to show.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub types: Vec<String>,
    pub channel: Option<String>,
}

impl Filter {
    pub fn matches(&self, e: &EventHeader) -> bool {
        let type_ok =
            self.types.is_empty() || self.types.iter().any(|t| t.eq_ignore_ascii_case(&e.kind));
        let chan_ok = match &self.channel {
            None => true,
            Some(id) => {
                e.channel.as_ref().is_some_and(|c| &c.id == id)
                    || e.peer.as_ref().is_some_and(|c| &c.id == id)
            }
        };
        type_ok && chan_ok
    }
}

/// A unique app name for watching without registering anybody's app.
pub fn observer_name() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "vcctl-observer-{}-{n}-{:04x}",
        std::process::id(),
        rand::random::<u16>()
    )
}

/// Where events come from: ARI itself, or a running `vcctl serve` (which relays what it
/// receives, so watching never touches its app).
enum Source {
    Ari(Box<EventStream>),
    Serve(Box<ServeEventStream>),
}

impl Source {
    async fn next(&mut self) -> Option<Result<String, Error>> {
        match self {
            Source::Ari(s) => s.next().await.map(|r| r.map_err(Error::from)),
            Source::Serve(s) => {
                loop {
                    match s.next().await? {
                        Ok(ServeEvent::Ari(raw)) => return Some(Ok(raw)),
                        Ok(ServeEvent::Lagged { missed }) => {
                            eprintln!("vcctl: fell behind; serve dropped {missed} events for this watcher");
                        }
                        Err(e) => return Some(Err(Error::Unreachable(e.to_string()))),
                    }
                }
            }
        }
    }

    async fn close(self) {
        if let Source::Ari(s) = self {
            s.close().await;
        }
    }
}

pub async fn run(ctx: &Ctx, args: EventsArgs) -> Result<()> {
    if args.serve.is_none() {
        let nodes = ctx.ari_nodes()?;
        if nodes.len() > 1 {
            return run_nodes(ctx, &args, nodes).await;
        }
    }
    let json = ctx.json();
    let (app, subscribe_all) = match &ctx.global.ari.app {
        Some(name) => (name.clone(), false),
        None => (observer_name(), true),
    };
    let registering = ctx.global.ari.app.is_some();
    if registering && args.serve.is_some() {
        return Err(Error::Usage(
            "--serve watches what vcctl serve receives; it cannot be combined with --app".into(),
        ));
    }
    let settings = match &args.serve {
        Some(_) => None,
        None => Some(ctx.ari_settings()?),
    };
    // serve's API token, sent with --serve (VCCTL_API_TOKEN or VCCTL_API_TOKEN_FILE).
    let api_token = match &args.serve {
        Some(_) => crate::io::api_token::load_api_token_from(&ctx.layers, None)?,
        None => None,
    };
    // Registered is not connected: Asterisk keeps an app whose client has gone while channels
    // were in it. Refuse only when a live client answers through the app.
    let responder = match registering {
        true => Some(ctx.ari()?),
        false => None,
    };
    if let (Some(ari), false) = (&responder, args.take_over) {
        match app_probe::probe(ari, &app, app_probe::PROBE_TIMEOUT).await? {
            Liveness::Answered { by, ms, .. } => {
                return Err(Error::Conflict(format!(
                    "ARI app '{app}' is held by a live client: {by} answered a probe through it \
                     in {ms:.1} ms; watch without --app (or with --serve URL), or add --take-over \
                     to replace that connection"
                )))
            }
            stale @ Liveness::NoAnswer { .. } => {
                eprintln!("vcctl: {}; registering it here", stale.sentence(&app))
            }
            Liveness::NotRegistered => {}
        }
    }
    let filter = Filter {
        types: args.types.clone(),
        channel: args.channel.clone(),
    };
    let deadline = (!args.follow)
        .then(|| Instant::now() + Duration::from_secs_f64(args.timeout.unwrap_or(10.0).max(0.0)));
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(10));
    let mut shown: u64 = 0;
    let mut lost_at: Option<Instant> = None;
    let notice = |text: &str| -> Result<()> {
        if json {
            eprintln!("{text}");
            Ok(())
        } else {
            write_stdout(&format!("-- {text}"))
        }
    };

    // One stop future for the whole command, polled by every select below: `ctrl_c()` only
    // sees signals that arrive while its future exists, so a fresh one per select lost a
    // Ctrl-C that came while an event was being printed.
    let stop = stop_requested();
    tokio::pin!(stop);
    loop {
        let connected = match (&args.serve, &settings) {
            (Some(url), _) => ServeEventStream::connect(url, api_token.as_ref())
                .await
                .map(|s| Source::Serve(Box::new(s)))
                .map_err(|e| match e {
                    ServeEventsError::BadUrl(_) => Error::Usage(e.to_string()),
                    ServeEventsError::Unauthorized { .. } => Error::from(e),
                    other => Error::Unreachable(other.to_string()),
                }),
            (None, Some(settings)) => EventStream::connect(settings, &app, subscribe_all)
                .await
                .map(|s| Source::Ari(Box::new(s)))
                .map_err(Error::from),
            (None, None) => unreachable!("settings are resolved when not watching serve"),
        };
        let mut stream = match connected {
            Ok(s) => s,
            Err(
                e
                @ Error::Events(EventsError::Unauthorized { .. } | EventsError::NoPassword { .. }),
            ) => return Err(e),
            // Retrying cannot make a certificate trusted.
            Err(e @ Error::Events(EventsError::Certificate { .. })) => return Err(e),
            Err(e @ Error::Usage(_)) => return Err(e),
            // Retrying cannot make a refused API token right.
            Err(e @ Error::Unauthorized(_)) => return Err(e),
            Err(e) if !args.follow => return Err(e),
            Err(e) => {
                let wait = backoff.next_delay(rand::random::<f64>());
                if lost_at.is_none() {
                    lost_at = Some(Instant::now());
                }
                eprintln!("vcctl: {e}; retrying in {:.1} s", wait.as_secs_f64());
                tokio::select! {
                    _ = tokio::time::sleep(wait) => continue,
                    _ = &mut stop => return Ok(()),
                }
            }
        };
        backoff.reset();
        match &args.serve {
            Some(url) => {
                eprintln!("vcctl: listening for the ARI events vcctl serve at {url} receives")
            }
            None => eprintln!(
                "vcctl: listening for ARI events as app '{app}'{}",
                if subscribe_all {
                    " (observer, all events)"
                } else {
                    ""
                }
            ),
        }
        if let Some(t) = lost_at.take() {
            notice(&format!(
                "reconnected after {:.1} s without a connection; Asterisk does not replay events missed in that gap",
                t.elapsed().as_secs_f64()
            ))?;
            if args.serve.is_none() {
                snapshot(ctx, json).await?;
            }
        }

        loop {
            let sleep_until = deadline.map(tokio::time::Instant::from_std);
            let next = tokio::select! {
                ev = stream.next() => ev,
                _ = async { match sleep_until { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    stream.close().await;
                    return finish(shown, args.count, deadline.is_some());
                }
                _ = &mut stop => {
                    stream.close().await;
                    return Ok(());
                }
            };
            match next {
                Some(Ok(raw)) => {
                    // Holding the app, answer liveness probes (they are vcctl's, not shown).
                    if let Some(ari) = &responder {
                        if app_probe::answer_if_probe(ari, &raw, "events") {
                            continue;
                        }
                    }
                    let header = EventHeader::parse(&raw);
                    if let Some(h) = &header {
                        if h.kind == "ApplicationReplaced" {
                            return Err(Error::Conflict(format!(
                                "another client connected as ARI app '{app}' and replaced this one"
                            )));
                        }
                        if !filter.matches(h) {
                            continue;
                        }
                    } else if !filter.types.is_empty() || filter.channel.is_some() {
                        continue;
                    }
                    if json {
                        write_stdout(raw.trim_end())?;
                    } else {
                        write_stdout(&event_line(&raw))?;
                    }
                    shown += 1;
                    if args.count.is_some_and(|c| shown >= c) {
                        stream.close().await;
                        return Ok(());
                    }
                }
                Some(Err(e)) if !args.follow => return Err(e),
                None if !args.follow => {
                    return Err(EventsError::Closed("closed by Asterisk".into()).into())
                }
                Some(Err(_)) | None => {
                    lost_at = Some(Instant::now());
                    notice("connection to ARI lost; reconnecting")?;
                    break;
                }
            }
        }
    }
}

/// What a node's watcher tells the printer.
enum NodeNews {
    Event(String),
    /// A line about the connection (lost, back, retrying).
    Notice(String),
    /// Without --follow: this node could not be watched (or its stream ended).
    Failed(String),
}

/// One watcher per node, every event printed with its node: the NODE column in text, a
/// `node` field in `--json`. Observer mode only (registering one app on several Asterisks
/// is serve's job, one per node).
async fn run_nodes(ctx: &Ctx, args: &EventsArgs, nodes: Vec<crate::config::AriNode>) -> Result<()> {
    if ctx.global.ari.app.is_some() {
        return Err(Error::Usage(
            "--app registers the app on one Asterisk; with several nodes, watch without --app \
             (as an observer of every node)"
                .into(),
        ));
    }
    let json = ctx.json();
    let app = observer_name();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, NodeNews)>(1024);
    let mut watchers = Vec::new();
    for node in &nodes {
        let (tx, settings, name, app, follow) = (
            tx.clone(),
            node.settings.clone(),
            node.name.clone(),
            app.clone(),
            args.follow,
        );
        watchers.push(tokio::spawn(async move {
            watch_node(tx, settings, name, app, follow).await
        }));
    }
    drop(tx);
    let filter = Filter {
        types: args.types.clone(),
        channel: args.channel.clone(),
    };
    let width = nodes.iter().map(|n| n.name.len()).max().unwrap_or(4);
    let deadline = (!args.follow).then(|| {
        tokio::time::Instant::now() + Duration::from_secs_f64(args.timeout.unwrap_or(10.0).max(0.0))
    });
    let mut failed: Vec<vcctl_core::ari::cluster::NodeFailure> = Vec::new();
    let mut shown: u64 = 0;
    let stop = stop_requested();
    tokio::pin!(stop);
    eprintln!(
        "vcctl: listening for ARI events on {} nodes ({}) as app '{app}' (observer, all events)",
        nodes.len(),
        nodes
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let result = loop {
        let next = tokio::select! {
            n = rx.recv() => n,
            _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                break finish(shown, args.count, true);
            }
            _ = &mut stop => break Ok(()),
        };
        let Some((node, news)) = next else {
            // Every watcher ended (without --follow, each node failed or closed).
            break finish(shown, args.count, true);
        };
        match news {
            NodeNews::Event(raw) => {
                match EventHeader::parse(&raw) {
                    Some(h) if !filter.matches(&h) => continue,
                    None if !filter.types.is_empty() || filter.channel.is_some() => continue,
                    _ => {}
                }
                if json {
                    write_stdout(&vcctl_core::ari::cluster::label_event(&node, &raw))?;
                } else {
                    write_stdout(&format!("{node:<width$}  {}", event_line(&raw)))?;
                }
                shown += 1;
                if args.count.is_some_and(|c| shown >= c) {
                    break Ok(());
                }
            }
            NodeNews::Notice(text) => {
                if json {
                    eprintln!("{node}: {text}");
                } else {
                    write_stdout(&format!("-- {node}: {text}"))?;
                }
            }
            NodeNews::Failed(reason) => {
                eprintln!("vcctl: node '{node}': {reason}");
                failed.push(vcctl_core::ari::cluster::NodeFailure { node, reason });
            }
        }
    };
    for w in &watchers {
        w.abort();
    }
    result?;
    if failed.is_empty() {
        return Ok(());
    }
    let answered: Vec<String> = nodes
        .iter()
        .map(|n| n.name.clone())
        .filter(|n| !failed.iter().any(|f| &f.node == n))
        .collect();
    Err(Error::Partial(vcctl_core::ari::cluster::partial_sentence(
        &failed, &answered,
    )))
}

/// Watch one node until the printer goes away; with `follow`, reconnect with backoff.
async fn watch_node(
    tx: tokio::sync::mpsc::Sender<(String, NodeNews)>,
    settings: crate::config::AriSettings,
    name: String,
    app: String,
    follow: bool,
) {
    let send = |news: NodeNews| {
        let (tx, name) = (tx.clone(), name.clone());
        async move { tx.send((name, news)).await.is_ok() }
    };
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(10));
    let mut lost_at: Option<Instant> = None;
    loop {
        let mut stream = match EventStream::connect(&settings, &app, true).await {
            Ok(s) => s,
            Err(e) if !follow => {
                send(NodeNews::Failed(e.to_string())).await;
                return;
            }
            Err(e) => {
                let wait = backoff.next_delay(rand::random::<f64>());
                lost_at.get_or_insert_with(Instant::now);
                if !send(NodeNews::Notice(format!(
                    "{e}; retrying in {:.1} s",
                    wait.as_secs_f64()
                )))
                .await
                {
                    return;
                }
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        backoff.reset();
        if let Some(t) = lost_at.take() {
            let text = format!(
                "reconnected after {:.1} s without a connection; Asterisk does not replay events missed in that gap",
                t.elapsed().as_secs_f64()
            );
            if !send(NodeNews::Notice(text)).await {
                stream.close().await;
                return;
            }
        }
        loop {
            match stream.next().await {
                Some(Ok(raw)) => {
                    if !send(NodeNews::Event(raw)).await {
                        stream.close().await;
                        return;
                    }
                }
                Some(Err(e)) if !follow => {
                    send(NodeNews::Failed(e.to_string())).await;
                    return;
                }
                None if !follow => {
                    send(NodeNews::Failed(
                        "the event stream was closed by Asterisk".into(),
                    ))
                    .await;
                    return;
                }
                Some(Err(_)) | None => {
                    lost_at = Some(Instant::now());
                    if !send(NodeNews::Notice(
                        "connection to ARI lost; reconnecting".into(),
                    ))
                    .await
                    {
                        return;
                    }
                    break;
                }
            }
        }
    }
}

/// After a `--timeout`: success unless `--count` events were asked for and did not arrive.
fn finish(shown: u64, count: Option<u64>, timed: bool) -> Result<()> {
    match count {
        Some(c) if timed && shown < c => Err(Error::Timeout(format!(
            "saw {shown} of {c} matching events before the timeout; raise --timeout or check the filter"
        ))),
        _ => Ok(()),
    }
}

/// The channels and bridges that exist now (events in a gap are lost, state is not).
async fn snapshot(ctx: &Ctx, json: bool) -> Result<()> {
    let ari = ctx.ari()?;
    let channels = ari.channels().await?;
    let bridges = ari.bridges().await?;
    if json {
        let v = serde_json::json!({"channels": channels, "bridges": bridges});
        eprintln!("{v}");
        Ok(())
    } else {
        write_stdout(&format!(
            "-- state now:\n{}\n{}",
            ChannelList(channels).render_text(),
            BridgeList(bridges).render_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(raw: &str) -> EventHeader {
        EventHeader::parse(raw).unwrap()
    }

    #[test]
    fn filter_by_type_and_channel() {
        let start = ev(r#"{"type":"StasisStart","channel":{"id":"c1","name":"n","state":"Up"}}"#);
        let other =
            ev(r#"{"type":"ChannelDtmfReceived","channel":{"id":"c2","name":"n","state":"Up"}}"#);
        let f = Filter {
            types: vec!["stasisstart".into()],
            channel: None,
        };
        assert!(f.matches(&start));
        assert!(!f.matches(&other));
        let f = Filter {
            types: vec![],
            channel: Some("c2".into()),
        };
        assert!(!f.matches(&start));
        assert!(f.matches(&other));
        assert!(Filter::default().matches(&other));
    }

    #[test]
    fn timeout_without_enough_events_is_an_error_only_with_count() {
        assert!(finish(0, None, true).is_ok());
        assert!(finish(3, Some(3), true).is_ok());
        let e = finish(1, Some(3), true).unwrap_err();
        assert_eq!(e.exit_code(), 7);
    }

    #[test]
    fn observer_names_are_unique_per_process_and_call() {
        let a = observer_name();
        assert!(a.starts_with("vcctl-observer-"));
        assert_ne!(a, observer_name());
    }
}
