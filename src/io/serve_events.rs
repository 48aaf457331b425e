//! Client of serve's `GET /events` (server-sent events), for `vcctl events --follow --serve URL`:
//! the same raw ARI event JSON serve receives, without registering another ARI app.
//! Reconnecting is the caller's job (see [`vcctl_core::util::backoff`]), as for ARI events.

use std::time::Duration;

use vcctl_core::serve::sse::{SseDecoder, SseEvent};

/// serve sends a keep-alive every 15 s; silence for this long means the connection is dead.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(45);

#[derive(Debug, thiserror::Error)]
pub enum ServeEventsError {
    #[error("the serve URL '{0}' is not valid; use a form like http://127.0.0.1:8000")]
    BadUrl(String),
    #[error("vcctl serve is not reachable at {url} ({reason}); is it running, and is its HTTP API bound there?")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered {status} instead of an event stream; is that a vcctl serve HTTP API?")]
    Refused { url: String, status: u16 },
    #[error("the event stream from vcctl serve ended: {0}")]
    Closed(String),
}

impl From<ServeEventsError> for crate::error::Error {
    fn from(e: ServeEventsError) -> Self {
        use crate::error::Error;
        let text = e.to_string();
        match e {
            ServeEventsError::BadUrl(_) => Error::Usage(text),
            ServeEventsError::Unreachable { .. } | ServeEventsError::Closed(_) => {
                Error::Unreachable(text)
            }
            ServeEventsError::Refused { .. } => Error::Other(text),
        }
    }
}

/// One item of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServeEvent {
    /// A raw ARI event (JSON text, as Asterisk sent it).
    Ari(String),
    /// This client fell behind and serve dropped `missed` events for it; the stream goes on.
    Lagged { missed: u64 },
}

/// An open `/events` stream.
pub struct ServeEventStream {
    resp: reqwest::Response,
    decoder: SseDecoder,
    pending: std::collections::VecDeque<SseEvent>,
    url: String,
}

/// `{base}/events` for a base like `http://127.0.0.1:8000`, `127.0.0.1:8000` or `.../`.
pub fn events_url(base: &str) -> Result<url::Url, ServeEventsError> {
    let base = base.trim();
    let with_scheme = if base.contains("://") {
        base.to_string()
    } else {
        format!("http://{base}")
    };
    let mut u = url::Url::parse(&with_scheme).map_err(|_| ServeEventsError::BadUrl(base.into()))?;
    if !matches!(u.scheme(), "http" | "https") || u.host().is_none() {
        return Err(ServeEventsError::BadUrl(base.into()));
    }
    let path = format!("{}/events", u.path().trim_end_matches('/'));
    u.set_path(&path);
    u.set_query(None);
    Ok(u)
}

impl ServeEventStream {
    /// Connect to `{base}/events`; returns once serve has answered with the stream (from then
    /// on every event serve receives is delivered).
    pub async fn connect(base: &str) -> Result<Self, ServeEventsError> {
        let url = events_url(base)?;
        let shown = url.to_string();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ServeEventsError::Unreachable {
                url: shown.clone(),
                reason: e.to_string(),
            })?;
        let send = client
            .get(url)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .send();
        let resp = match tokio::time::timeout(Duration::from_secs(10), send).await {
            Err(_) => {
                return Err(ServeEventsError::Unreachable {
                    url: shown,
                    reason: "no answer within 10 s".into(),
                })
            }
            Ok(Err(e)) => {
                return Err(ServeEventsError::Unreachable {
                    url: shown,
                    reason: root_cause(&e),
                })
            }
            Ok(Ok(r)) => r,
        };
        let is_sse = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !resp.status().is_success() || !is_sse {
            return Err(ServeEventsError::Refused {
                url: shown,
                status: resp.status().as_u16(),
            });
        }
        Ok(ServeEventStream {
            resp,
            decoder: SseDecoder::default(),
            pending: Default::default(),
            url: shown,
        })
    }

    /// The URL connected to (`.../events`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The next item; `None` when serve closed the stream normally (it is shutting down).
    pub async fn next(&mut self) -> Option<Result<ServeEvent, ServeEventsError>> {
        loop {
            while let Some(ev) = self.pending.pop_front() {
                match ev.event.as_str() {
                    "message" => return Some(Ok(ServeEvent::Ari(ev.data))),
                    "lagged" => {
                        let missed = serde_json::from_str::<serde_json::Value>(&ev.data)
                            .ok()
                            .and_then(|v| v["missed"].as_u64())
                            .unwrap_or(0);
                        return Some(Ok(ServeEvent::Lagged { missed }));
                    }
                    _ => continue, // event types of later serve versions
                }
            }
            let chunk = match tokio::time::timeout(IDLE_TIMEOUT, self.resp.chunk()).await {
                Err(_) => {
                    return Some(Err(ServeEventsError::Closed(format!(
                        "nothing received for {} s",
                        IDLE_TIMEOUT.as_secs()
                    ))))
                }
                Ok(Err(e)) => return Some(Err(ServeEventsError::Closed(root_cause(&e)))),
                Ok(Ok(None)) => return None,
                Ok(Ok(Some(c))) => c,
            };
            let mut out = Vec::new();
            if let Err(e) = self.decoder.push(&chunk, &mut out) {
                return Some(Err(ServeEventsError::Closed(e.to_string())));
            }
            self.pending.extend(out);
        }
    }
}

/// Convenience: connect to `{base}/events` (see [`ServeEventStream::connect`]).
pub async fn connect(base: &str) -> Result<ServeEventStream, ServeEventsError> {
    ServeEventStream::connect(base).await
}

/// reqwest's Display stops at "error sending request"; the useful part is the innermost cause.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::serve::http_api::ApiState;
    use tokio::net::TcpListener;
    use vcctl_core::metrics::registry::Registry;

    use crate::io::serve::http_api::tests::start;

    async fn next(s: &mut ServeEventStream) -> ServeEvent {
        tokio::time::timeout(Duration::from_secs(5), s.next())
            .await
            .expect("an event within 5 s")
            .expect("stream open")
            .expect("no error")
    }

    #[test]
    fn urls_accept_bare_host_port_and_trailing_slashes() {
        let u = |s: &str| events_url(s).map(|u| u.to_string());
        assert_eq!(u("127.0.0.1:8000").unwrap(), "http://127.0.0.1:8000/events");
        assert_eq!(u("http://h:1/").unwrap(), "http://h:1/events");
        assert_eq!(u("https://h/vcctl/").unwrap(), "https://h/vcctl/events");
        assert!(u("ftp://h").is_err());
    }

    // current_thread (tokio::test's default, spelled out): server tasks only run while this
    // test awaits, so a burst published without awaiting overflows the buffer deterministically.
    #[tokio::test(flavor = "current_thread")]
    async fn events_reach_every_client_and_lagging_ones_are_told_and_go_on() {
        let state = ApiState::new(Registry::new(), 4);
        let (base, stop, task) = start(state.clone()).await;
        let mut a = connect(&base).await.unwrap();
        let mut b = connect(&format!("{base}/")).await.unwrap();
        assert_eq!(state.events.receiver_count(), 2);

        let first = r#"{"type":"StasisStart","channel":{"id":"c1"}}"#;
        let multi_line = "{\n  \"type\": \"StasisEnd\"\r\n}";
        state.publish_event(first);
        state.publish_event(multi_line);
        for client in [&mut a, &mut b] {
            assert_eq!(next(client).await, ServeEvent::Ari(first.into()));
            let ServeEvent::Ari(raw) = next(client).await else {
                panic!("expected an ARI event")
            };
            let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
            assert_eq!(v["type"], "StasisEnd");
        }

        for i in 0..10 {
            state.publish_event(&format!(r#"{{"type":"E","n":{i}}}"#));
        }
        state.publish_event(r#"{"type":"after"}"#);
        for client in [&mut a, &mut b] {
            assert_eq!(next(client).await, ServeEvent::Lagged { missed: 7 });
            for i in 7..10 {
                assert_eq!(
                    next(client).await,
                    ServeEvent::Ari(format!(r#"{{"type":"E","n":{i}}}"#))
                );
            }
            assert_eq!(
                next(client).await,
                ServeEvent::Ari(r#"{"type":"after"}"#.into())
            );
        }
        state.publish_event(r#"{"type":"later"}"#);
        for client in [&mut a, &mut b] {
            assert_eq!(
                next(client).await,
                ServeEvent::Ari(r#"{"type":"later"}"#.into())
            );
        }

        // Shutdown ends open streams instead of waiting for them.
        stop.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
        let end = tokio::time::timeout(Duration::from_secs(5), a.next())
            .await
            .unwrap();
        assert!(end.is_none() || end.unwrap().is_err());
    }

    #[tokio::test]
    async fn connection_failures_are_sentences() {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        drop(l);
        let e = connect(&addr.to_string()).await.err().unwrap();
        assert!(matches!(e, ServeEventsError::Unreachable { .. }), "{e}");
        assert_eq!(crate::error::Error::from(e).exit_code(), 3);

        let (base, stop, _task) = start(ApiState::new(Registry::new(), 4)).await;
        let e = connect(&format!("{base}/healthz")).await.err().unwrap();
        assert!(
            matches!(e, ServeEventsError::Refused { status: 404, .. }),
            "{e}"
        );
        let _ = stop.send(());
    }
}
