//! A client of serve's HTTP API for `vcctl top`: live calls, totals, a call's timeline (a
//! page, or followed as serve streams it), and the hang-up action, with serve's API token
//! when one is set.

use crate::io::api_token::ApiToken;
use std::time::Duration;

use serde_json::Value;

/// serve's API could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ServeClientError {
    #[error("vcctl serve's HTTP API at {url} is not reachable ({detail}); is serve running? (--serve URL)")]
    Unreachable { url: String, detail: String },
    #[error("vcctl serve at {url} refused the request (401): set its API token in VCCTL_API_TOKEN or VCCTL_API_TOKEN_FILE")]
    Unauthorized { url: String },
    #[error("{url} answered {status}: {detail}")]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{url} answered something that is not serve's JSON ({detail}); is --serve the HTTP API of vcctl serve?")]
    Json { url: String, detail: String },
}

impl From<ServeClientError> for crate::Error {
    fn from(e: ServeClientError) -> Self {
        match e {
            ServeClientError::Unreachable { .. } => crate::Error::Unreachable(e.to_string()),
            ServeClientError::Unauthorized { .. } => crate::Error::Usage(e.to_string()),
            ServeClientError::Status { status: 404, .. } => crate::Error::NotFound(e.to_string()),
            _ => crate::Error::Other(e.to_string()),
        }
    }
}

/// One page of a call's timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimelinePage {
    pub entries: Vec<Value>,
    /// Newest sequence number: ask for what comes after it next time.
    pub last: u64,
    /// Entries serve's ring dropped before this reader saw them.
    pub missed: u64,
}

/// serve's API token for clients (`VCCTL_API_TOKEN` or `VCCTL_API_TOKEN_FILE`, read by
/// [`crate::io::api_token`]); a malformed one counts as none, and serve's 401 then says what to set.
fn api_token() -> Option<ApiToken> {
    crate::io::api_token::load_api_token().ok().flatten()
}

/// The token's value, for callers that must keep it out of what they write (bundles).
pub fn api_token_secret() -> Option<String> {
    api_token().map(|t| t.expose().to_string())
}

/// How a followed stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowEnd {
    /// The call ended (nothing more will come); else resume after `last`.
    pub call_ended: bool,
    /// The newest sequence number received.
    pub last: u64,
}

/// Longest silence on an event stream before it counts as broken (serve's keep-alive: 15 s).
const STREAM_SILENCE: Duration = Duration::from_secs(40);

#[derive(Debug, Clone)]
pub struct ServeClient {
    base: String,
    http: reqwest::Client,
    /// For event streams: a connect timeout but no limit on the whole response.
    stream_http: reqwest::Client,
    token: Option<ApiToken>,
}

impl ServeClient {
    /// A client of the API at `base` (e.g. `http://127.0.0.1:8000`).
    pub fn new(base: &str) -> ServeClient {
        ServeClient {
            base: base.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(3))
                .build()
                .unwrap_or_default(),
            stream_http: reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(3))
                .build()
                .unwrap_or_default(),
            token: api_token(),
        }
    }

    /// The same client with this token instead of the environment's.
    pub fn with_token(mut self, token: Option<ApiToken>) -> ServeClient {
        self.token = token;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        url: &str,
    ) -> Result<Value, ServeClientError> {
        let req = match &self.token {
            Some(t) => req.header(reqwest::header::AUTHORIZATION, t.header_value()),
            None => req,
        };
        let r = req
            .send()
            .await
            .map_err(|e| ServeClientError::Unreachable {
                url: url.to_string(),
                detail: if e.is_timeout() {
                    "no answer within 3 s".into()
                } else if e.is_connect() {
                    "connection refused or no route".into()
                } else {
                    e.to_string()
                },
            })?;
        let status = r.status().as_u16();
        if status == 401 {
            return Err(ServeClientError::Unauthorized {
                url: self.base.clone(),
            });
        }
        let text = r.text().await.map_err(|e| ServeClientError::Unreachable {
            url: url.to_string(),
            detail: e.to_string(),
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| ServeClientError::Json {
            url: url.to_string(),
            detail: e.to_string(),
        })?;
        if !(200..300).contains(&status) {
            return Err(ServeClientError::Status {
                url: url.to_string(),
                status,
                detail: v["error"].as_str().unwrap_or("").to_string(),
            });
        }
        Ok(v)
    }

    async fn get(&self, path: &str) -> Result<Value, ServeClientError> {
        let url = format!("{}{path}", self.base);
        self.send(self.http.get(&url), &url).await
    }

    /// The live calls (serve's snapshots).
    pub async fn calls(&self) -> Result<Vec<Value>, ServeClientError> {
        let v = self.get("/calls").await?;
        match v {
            Value::Array(a) => Ok(a),
            _ => Err(ServeClientError::Json {
                url: format!("{}/calls", self.base),
                detail: "not an array".into(),
            }),
        }
    }

    /// Totals for the header (`GET /totals`).
    pub async fn totals(&self) -> Result<Value, ServeClientError> {
        self.get("/totals").await
    }

    /// Timeline entries of `call` after sequence number `after`.
    pub async fn timeline(&self, call: &str, after: u64) -> Result<TimelinePage, ServeClientError> {
        let v = self
            .get(&format!(
                "/calls/{}/timeline?after={after}",
                path_segment(call)
            ))
            .await?;
        Ok(TimelinePage {
            entries: v["entries"].as_array().cloned().unwrap_or_default(),
            last: v["last"].as_u64().unwrap_or(after),
            missed: v["missed"].as_u64().unwrap_or(0),
        })
    }

    /// Follow `call`'s timeline as serve streams it (`GET /calls/{id}/events`, server-sent
    /// events), from the entry after `after`: each batch of entries that arrives goes to
    /// `tx` at once. Returns when the stream ends: `call_ended`, or where to resume (`last`)
    /// when serve dropped this reader as too slow or the connection broke.
    pub async fn follow(
        &self,
        call: &str,
        after: u64,
        tx: &tokio::sync::mpsc::UnboundedSender<Vec<Value>>,
    ) -> Result<FollowEnd, ServeClientError> {
        use vcctl_core::serve::follow::{receive, Received};
        let url = format!(
            "{}/calls/{}/events?after={after}",
            self.base,
            path_segment(call)
        );
        let unreachable = |detail: String| ServeClientError::Unreachable {
            url: url.clone(),
            detail,
        };
        let req = self.stream_http.get(&url);
        let req = match &self.token {
            Some(t) => req.header(reqwest::header::AUTHORIZATION, t.header_value()),
            None => req,
        };
        let mut r = req.send().await.map_err(|e| unreachable(e.to_string()))?;
        match r.status().as_u16() {
            200 => {}
            401 => {
                return Err(ServeClientError::Unauthorized {
                    url: self.base.clone(),
                })
            }
            status => {
                let v: Value = r.json().await.unwrap_or_default();
                return Err(ServeClientError::Status {
                    url,
                    status,
                    detail: v["error"].as_str().unwrap_or("").to_string(),
                });
            }
        }
        let mut decoder = vcctl_core::serve::sse::SseDecoder::default();
        let mut last = after;
        let mut events = Vec::new();
        loop {
            // serve sends a keep-alive every 15 s: silence for longer is a dead connection.
            let chunk = match tokio::time::timeout(STREAM_SILENCE, r.chunk()).await {
                Ok(Ok(Some(c))) => c,
                Ok(Ok(None)) => {
                    return Ok(FollowEnd {
                        call_ended: false,
                        last,
                    })
                }
                Ok(Err(e)) => return Err(unreachable(e.to_string())),
                Err(_) => return Err(unreachable("the event stream went silent".into())),
            };
            events.clear();
            decoder
                .push(&chunk, &mut events)
                .map_err(|e| unreachable(e.to_string()))?;
            let mut batch = Vec::new();
            let mut end = None;
            for ev in &events {
                match receive(ev) {
                    Received::Entry(v) => {
                        last = v["seq"].as_u64().unwrap_or(last);
                        batch.push(v);
                    }
                    Received::End { call_ended, .. } => end = Some(FollowEnd { call_ended, last }),
                    Received::Missed(_) | Received::Other => {}
                }
            }
            if !batch.is_empty() && tx.send(batch).is_err() {
                return Ok(FollowEnd {
                    call_ended: false,
                    last,
                });
            }
            if let Some(end) = end {
                return Ok(end);
            }
        }
    }

    /// Ask serve to hang `call` up.
    pub async fn hangup(&self, call: &str) -> Result<(), ServeClientError> {
        let url = format!("{}/calls/{}/hangup", self.base, path_segment(call));
        self.send(self.http.post(&url), &url).await.map(|_| ())
    }
}

/// A call id as one URL path segment (ids are `1764421234.12`; anything else is escaped).
fn path_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::serve::http_api::ApiState;
    use serde_json::json;
    use vcctl_core::metrics::registry::Registry;

    #[tokio::test]
    async fn reads_calls_totals_timelines_and_hangs_up_through_serves_api() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        // Hang-ups are actions: serve takes them only with its token, on loopback too.
        let token = || ApiToken::parse("client-test-token-012345", "test").unwrap();
        let state = ApiState::new(Registry::new(), 8)
            .with_hangups(tx)
            .with_access(crate::io::serve::http_api::Access::for_listener(
                "127.0.0.1:0".parse().unwrap(),
                Some(token()),
            ));
        let journals = state.journals.clone();
        let j = state.journals.open_call("17.1", &json!({}));
        j.note("x", json!({}));
        state.calls.upsert("17.1", json!({"id": "17.1"}));
        let (base, stop, _task) = crate::io::serve::http_api::tests::start(state.clone()).await;
        let c = ServeClient::new(&base).with_token(None);
        assert_eq!(c.calls().await.unwrap()[0]["id"], "17.1");
        let refused = c.hangup("17.1").await.unwrap_err();
        assert!(refused.to_string().contains("401"), "{refused}");
        let c = c.with_token(Some(token()));
        assert_eq!(c.totals().await.unwrap()["calls_up"], 1);
        let page = c.timeline("17.1", 0).await.unwrap();
        assert_eq!(page.last, 2);
        assert_eq!(c.timeline("17.1", 2).await.unwrap().entries.len(), 0);
        // Following the stream: the backlog, a line pushed later, the end with the call.
        let (ftx, mut frx) = tokio::sync::mpsc::unbounded_channel();
        let follower = {
            let c = c.clone();
            tokio::spawn(async move { c.follow("17.1", 1, &ftx).await })
        };
        let first = frx.recv().await.unwrap();
        assert_eq!(first[0]["what"], "x", "after=1 starts at the second entry");
        j.agent_in(&vcctl_core::agent::proto::ServerMessage::UserTranscript {
            text: "I need help".into(),
        });
        let turn = frx.recv().await.unwrap();
        assert_eq!(turn[0]["text"], "I need help");
        journals.close_call(
            "17.1",
            &[],
            "completed",
            "caller",
            vcctl_core::serve::timeline::Finished::Success,
        );
        let end = follower.await.unwrap().unwrap();
        assert_eq!(
            end,
            FollowEnd {
                call_ended: true,
                last: 4
            }
        );
        assert_eq!(frx.recv().await.unwrap()[0]["what"], "ended");
        state.journals.open_call("17.1", &json!({}));
        c.hangup("17.1").await.unwrap();
        assert_eq!(rx.recv().await.unwrap(), "17.1");
        let e = c.hangup("nope").await.unwrap_err();
        assert!(
            matches!(e, ServeClientError::Status { status: 404, .. }),
            "{e}"
        );
        stop.send(()).unwrap();
        let gone = ServeClient::new("http://127.0.0.1:9");
        let e = gone.calls().await.unwrap_err();
        assert!(e.to_string().contains("not reachable"), "{e}");
    }
}
