//! A client of serve's HTTP API for `vcctl top`: live calls, totals, a call's timeline, and
//! the hang-up action, with serve's API token when one is set.

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

#[derive(Debug, Clone)]
pub struct ServeClient {
    base: String,
    http: reqwest::Client,
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
        let j = state.journals.open_call("17.1", &json!({}));
        j.note("x", json!({}));
        state.calls.upsert("17.1", json!({"id": "17.1"}));
        let (base, stop, _task) = crate::io::serve::http_api::tests::start(state).await;
        let c = ServeClient::new(&base).with_token(None);
        assert_eq!(c.calls().await.unwrap()[0]["id"], "17.1");
        let refused = c.hangup("17.1").await.unwrap_err();
        assert!(refused.to_string().contains("401"), "{refused}");
        let c = c.with_token(Some(token()));
        assert_eq!(c.totals().await.unwrap()["calls_up"], 1);
        let page = c.timeline("17.1", 0).await.unwrap();
        assert_eq!(page.last, 2);
        assert_eq!(c.timeline("17.1", 2).await.unwrap().entries.len(), 0);
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
