//! ARI REST client: typed calls for the resources vcctl uses, with errors that separate
//! transport, authentication, missing objects, Asterisk's refusals and undecodable answers.

use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::AriSettings;
use crate::io::ari_retry::{self, Limits, Repeat};
use vcctl_core::ari::model::*;

/// What went wrong talking to ARI. Display is one sentence with what to try.
#[derive(Debug, thiserror::Error)]
pub enum AriError {
    #[error("ARI is not reachable at {url} ({reason}); is Asterisk running, and is http.conf enabled and bound there?")]
    Unreachable { url: String, reason: String },
    #[error("ARI at {url} did not answer within {secs} s; check the address and that Asterisk is not overloaded")]
    Timeout { url: String, secs: u64 },
    /// The connection was made, then closed before a complete answer: Asterisk is up, but
    /// closing connections (load, its HTTP session limit, an idle keep-alive connection).
    #[error("Asterisk closed the ARI connection at {url} before answering ({reason}{}): under load, that is Asterisk at its HTTP session limit (http.conf sessionlimit) or closing an idle keep-alive connection, not Asterisk down; if no request gets through, check that the URL's scheme (http/https) matches http.conf", attempts_note(*.attempts))]
    Closed {
        url: String,
        reason: String,
        attempts: u32,
    },
    #[error("ARI rejected the credentials for user '{user}'; check --user/--password (ASTERISK_ARI_USERNAME/ASTERISK_ARI_PASSWORD) against ari.conf")]
    Unauthorized { user: String },
    #[error("{}", no_password_sentence(.user))]
    NoPassword { user: String },
    #[error("no such {what}{}", detail(.message))]
    NotFound { what: String, message: String },
    #[error("Asterisk refused the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("ARI answered {what} with something vcctl cannot read ({reason})")]
    Decode { what: String, reason: String },
    #[error("TLS setup for ARI failed: {0}")]
    Tls(#[from] crate::io::tls::TlsError),
    #[error("ARI at {url} answered over TLS, but {problem}")]
    Certificate {
        url: String,
        problem: crate::io::tls::CertProblem,
    },
}

fn attempts_note(attempts: u32) -> String {
    if attempts > 1 {
        format!("; {attempts} attempts")
    } else {
        String::new()
    }
}

/// The sentence for a 401 when no password was given at all: the fix is to set one, not to
/// check the one given (shared with the events WebSocket).
pub fn no_password_sentence(user: &str) -> String {
    format!(
        "no ARI password is set: ARI refused user '{user}' without one; set ASTERISK_ARI_PASSWORD \
         (environment, or .env in the working directory) or give --password \
         (scripts/asterisk-sandbox.sh up prints the sandbox's)"
    )
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" (Asterisk says: {message})")
    }
}

impl AriError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, AriError::NotFound { .. })
    }

    /// Note how many attempts ended in this error (shown for closed connections).
    pub fn with_attempts(mut self, n: u32) -> Self {
        if let AriError::Closed { attempts, .. } = &mut self {
            *attempts = n;
        }
        self
    }
}

/// Parameters of `POST /channels` (originate).
#[derive(Debug, Clone, Default)]
pub struct Originate {
    pub endpoint: String,
    pub app: Option<String>,
    pub app_args: Option<String>,
    pub context: Option<String>,
    pub extension: Option<String>,
    pub priority: Option<i64>,
    pub caller_id: Option<String>,
    pub timeout: Option<u32>,
    pub channel_id: Option<String>,
    pub other_channel_id: Option<String>,
    pub formats: Option<String>,
    pub variables: Vec<(String, String)>,
}

/// Parameters of `POST /channels/externalMedia`.
#[derive(Debug, Clone)]
pub struct ExternalMedia {
    pub app: String,
    pub external_host: String,
    pub format: String,
    pub channel_id: Option<String>,
    pub variables: Vec<(String, String)>,
}

/// Parameters of `POST /channels/externalMedia` with `transport=websocket`,
/// `encapsulation=none`, `connection_type=server`: chan_websocket waits for the application
/// to connect to `/media/<MEDIA_WEBSOCKET_CONNECTION_ID>` on Asterisk's HTTP server (the
/// connection id is in the answer's `channelvars`). The channel is answered, and enters
/// Stasis, only once that connection is made; unconnected, it is hung up after 30 s.
#[derive(Debug, Clone)]
pub struct WebSocketMedia {
    pub app: String,
    pub format: String,
    /// Dial-string options, e.g. `f(json)` (see `vcctl_core::chan_websocket::transport_data`).
    pub transport_data: Option<String>,
    pub channel_id: Option<String>,
    pub variables: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct AriClient {
    http: reqwest::Client,
    base: url::Url,
    auth: HeaderValue,
    user: String,
    /// No password was given: a 401 then says so instead of blaming the credentials.
    no_password: bool,
    timeout: Duration,
    /// Requests in flight and the retry policy, shared by the clones of this client.
    limits: std::sync::Arc<Limits>,
}

impl std::fmt::Debug for AriClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AriClient")
            .field("base", &self.base.as_str())
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl AriClient {
    pub fn new(settings: &AriSettings) -> Result<Self, AriError> {
        Self::with_timeout(settings, Duration::from_secs(10))
    }

    pub fn with_timeout(settings: &AriSettings, timeout: Duration) -> Result<Self, AriError> {
        Self::with_limits(settings, timeout, ari_retry::DEFAULT_MAX_REQUESTS)
    }

    /// A client that never has more than `max_requests` requests in flight (see
    /// [`crate::io::ari_retry`]).
    pub fn with_limits(
        settings: &AriSettings,
        timeout: Duration,
        max_requests: usize,
    ) -> Result<Self, AriError> {
        let tls = crate::io::tls::client_config(settings.ca_cert.as_deref())?;
        let limits = Limits::new(max_requests);
        let http = reqwest::Client::builder()
            .use_preconfigured_tls((*tls).clone())
            .connect_timeout(Duration::from_secs(5).min(timeout))
            .timeout(timeout)
            // Asterisk closes a keep-alive connection after 15 s without a request
            // (http.conf session_keep_alive): drop idle ones well before, so a request is
            // not sent on a connection Asterisk is closing.
            .pool_idle_timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(limits.max_requests())
            .build()
            .map_err(|e| AriError::Unreachable {
                url: settings.url.to_string(),
                reason: e.to_string(),
            })?;
        Ok(AriClient {
            http,
            base: settings.url.clone(),
            auth: basic_auth(&settings.user, settings.password.expose()),
            user: settings.user.clone(),
            no_password: settings.password.is_empty(),
            timeout,
            limits: std::sync::Arc::new(limits),
        })
    }

    /// The most requests this client has in flight at once.
    pub fn max_requests(&self) -> usize {
        self.limits.max_requests()
    }

    /// Requests in flight now.
    pub fn requests_in_flight(&self) -> usize {
        self.limits.in_flight()
    }

    /// The base URL (no credentials), for messages.
    pub fn base_url(&self) -> &url::Url {
        &self.base
    }

    fn url(&self, path: &str) -> url::Url {
        let mut u = self.base.clone();
        u.set_path(&format!(
            "{}/ari{}",
            self.base.path().trim_end_matches('/'),
            path
        ));
        u
    }

    /// Send one request and read its answer; map every failure to an [`AriError`]. `what`
    /// names the object for 404s. GET and DELETE are retried (see [`ari_retry`]); other
    /// methods only when the connection could not be made.
    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
        what: &str,
    ) -> Result<Vec<u8>, AriError> {
        let repeat = if method == Method::GET || method == Method::DELETE {
            Repeat::Safe
        } else {
            Repeat::Once
        };
        self.send_as(repeat, method, path, query, body, what)
            .await
            .result
    }

    /// [`Self::send`] with the caller saying whether a repeat is safe.
    async fn send_as(
        &self,
        repeat: Repeat,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
        what: &str,
    ) -> ari_retry::Attempted<Vec<u8>> {
        let url = self.url(path);
        let label = format!("{method} {path}");
        ari_retry::run(&self.limits.policy, repeat, &label, || {
            self.attempt(method.clone(), url.clone(), query, body.as_ref(), what)
        })
        .await
    }

    /// One attempt: wait for a slot, send, read the whole answer (the slot is held until then).
    async fn attempt(
        &self,
        method: Method,
        url: url::Url,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        what: &str,
    ) -> Result<Vec<u8>, AriError> {
        let _slot = self.limits.slot().await;
        let mut req = self
            .http
            .request(method, url)
            .header(AUTHORIZATION, self.auth.clone())
            .query(query);
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.map_err(|e| self.transport_error(e))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.transport_error(e))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let text = String::from_utf8_lossy(&bytes);
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| text.trim().chars().take(200).collect());
        Err(match status {
            StatusCode::UNAUTHORIZED if self.no_password => AriError::NoPassword {
                user: self.user.clone(),
            },
            StatusCode::UNAUTHORIZED => AriError::Unauthorized {
                user: self.user.clone(),
            },
            StatusCode::NOT_FOUND => AriError::NotFound {
                what: what.to_string(),
                message,
            },
            s => AriError::Rejected {
                status: s.as_u16(),
                message: if message.is_empty() {
                    s.canonical_reason()
                        .unwrap_or("no reason given")
                        .to_string()
                } else {
                    message
                },
            },
        })
    }

    /// A create with a client-chosen id: retried like a GET; when a retry is refused, the
    /// first attempt may have made the object after all, so it is looked up by its id.
    async fn create_with_id<T, F, Fut>(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
        what: &str,
        lookup: F,
    ) -> Result<T, AriError>
    where
        T: DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AriError>>,
    {
        let done = self
            .send_as(Repeat::CreateWithId, Method::POST, path, query, body, what)
            .await;
        match done.result {
            Ok(bytes) => decode(&bytes, what),
            Err(e @ AriError::Rejected { .. }) if done.attempts > 1 => match lookup().await {
                Ok(found) => {
                    tracing::debug!(
                        "{what}: a retry was refused ({e}); the first attempt had made it"
                    );
                    Ok(found)
                }
                Err(_) => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn transport_error(&self, e: reqwest::Error) -> AriError {
        let url = self.base.to_string();
        if e.is_timeout() {
            return AriError::Timeout {
                url,
                secs: self.timeout.as_secs().max(1),
            };
        }
        // A certificate vcctl does not trust is not "unreachable": say what is wrong with it.
        if let Some(problem) = crate::io::tls::certificate_problem(&e) {
            return AriError::Certificate { url, problem };
        }
        // The innermost cause says "Connection refused" or similar; the outer ones repeat the URL.
        let mut reason = e.to_string();
        let mut src: Option<&dyn std::error::Error> = std::error::Error::source(&e);
        while let Some(s) = src {
            reason = s.to_string();
            src = s.source();
        }
        if !e.is_connect() && !e.is_builder() {
            // Connected, then the connection closed or was reset before the answer.
            return AriError::Closed {
                url,
                reason,
                attempts: 1,
            };
        }
        AriError::Unreachable { url, reason }
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str, what: &str) -> Result<T, AriError> {
        let bytes = self.send(Method::GET, path, &[], None, what).await?;
        decode(&bytes, what)
    }

    // ---- asterisk ----

    pub async fn info(&self) -> Result<AsteriskInfo, AriError> {
        self.get_json("/asterisk/info", "Asterisk info").await
    }

    /// One loaded module (`GET /asterisk/modules/{name}`); not found when it is not loaded.
    pub async fn module(&self, name: &str) -> Result<serde_json::Value, AriError> {
        let path = format!("/asterisk/modules/{}", enc(name));
        self.get_json(&path, &format!("module {name}")).await
    }

    // ---- endpoints ----

    pub async fn endpoints(&self) -> Result<Vec<Endpoint>, AriError> {
        self.get_json("/endpoints", "endpoints").await
    }

    pub async fn endpoint(&self, tech: &str, resource: &str) -> Result<Endpoint, AriError> {
        let path = format!("/endpoints/{}/{}", enc(tech), enc(resource));
        self.get_json(&path, &format!("endpoint {tech}/{resource}"))
            .await
    }

    // ---- channels ----

    pub async fn channels(&self) -> Result<Vec<Channel>, AriError> {
        self.get_json("/channels", "channels").await
    }

    pub async fn channel(&self, id: &str) -> Result<Channel, AriError> {
        self.get_json(&format!("/channels/{}", enc(id)), &format!("channel {id}"))
            .await
    }

    pub async fn hangup(&self, id: &str, reason: Option<&str>) -> Result<(), AriError> {
        let q: Vec<(&str, String)> = reason
            .map(|r| ("reason", r.to_string()))
            .into_iter()
            .collect();
        self.send(
            Method::DELETE,
            &format!("/channels/{}", enc(id)),
            &q,
            None,
            &format!("channel {id}"),
        )
        .await?;
        Ok(())
    }

    /// Answer a channel (answering one that is already up changes nothing, so it is retried).
    pub async fn answer(&self, id: &str) -> Result<(), AriError> {
        self.send_as(
            Repeat::Safe,
            Method::POST,
            &format!("/channels/{}/answer", enc(id)),
            &[],
            None,
            &format!("channel {id}"),
        )
        .await
        .result?;
        Ok(())
    }

    pub async fn get_var(&self, id: &str, name: &str) -> Result<String, AriError> {
        let bytes = self
            .send(
                Method::GET,
                &format!("/channels/{}/variable", enc(id)),
                &[("variable", name.to_string())],
                None,
                &format!("channel {id} or variable {name}"),
            )
            .await?;
        let v: Variable = decode(&bytes, "channel variable")?;
        Ok(v.value)
    }

    pub async fn rtp_statistics(&self, id: &str) -> Result<RtpStat, AriError> {
        self.get_json(
            &format!("/channels/{}/rtp_statistics", enc(id)),
            &format!("RTP statistics for channel {id}"),
        )
        .await
    }

    pub async fn originate(&self, o: &Originate) -> Result<Channel, AriError> {
        let mut q = vec![("endpoint", o.endpoint.clone())];
        let opt = |q: &mut Vec<(&str, String)>, k: &'static str, v: &Option<String>| {
            if let Some(v) = v {
                q.push((k, v.clone()));
            }
        };
        opt(&mut q, "app", &o.app);
        opt(&mut q, "appArgs", &o.app_args);
        opt(&mut q, "context", &o.context);
        opt(&mut q, "extension", &o.extension);
        opt(&mut q, "priority", &o.priority.map(|p| p.to_string()));
        opt(&mut q, "callerId", &o.caller_id);
        opt(&mut q, "timeout", &o.timeout.map(|t| t.to_string()));
        opt(&mut q, "channelId", &o.channel_id);
        opt(&mut q, "otherChannelId", &o.other_channel_id);
        opt(&mut q, "formats", &o.formats);
        let body = variables_body(&o.variables);
        let what = format!("endpoint {}", o.endpoint);
        if let Some(id) = &o.channel_id {
            return self
                .create_with_id("/channels", &q, body, &what, || self.channel(id))
                .await;
        }
        let bytes = self
            .send(Method::POST, "/channels", &q, body, &what)
            .await?;
        decode(&bytes, "the originated channel")
    }

    pub async fn external_media(&self, m: &ExternalMedia) -> Result<Channel, AriError> {
        let mut q = vec![
            ("app", m.app.clone()),
            ("external_host", m.external_host.clone()),
            ("encapsulation", "rtp".to_string()),
            ("transport", "udp".to_string()),
            ("connection_type", "client".to_string()),
            ("format", m.format.clone()),
            ("direction", "both".to_string()),
        ];
        let body = variables_body(&m.variables);
        if let Some(id) = &m.channel_id {
            q.push(("channelId", id.clone()));
            return self
                .create_with_id("/channels/externalMedia", &q, body, "externalMedia", || {
                    self.channel(id)
                })
                .await;
        }
        let bytes = self
            .send(
                Method::POST,
                "/channels/externalMedia",
                &q,
                body,
                "externalMedia",
            )
            .await?;
        decode(&bytes, "the externalMedia channel")
    }

    pub async fn external_media_websocket(&self, m: &WebSocketMedia) -> Result<Channel, AriError> {
        let mut q = vec![
            ("app", m.app.clone()),
            ("encapsulation", "none".to_string()),
            ("transport", "websocket".to_string()),
            ("connection_type", "server".to_string()),
            ("format", m.format.clone()),
            ("direction", "both".to_string()),
        ];
        if let Some(d) = &m.transport_data {
            q.push(("transport_data", d.clone()));
        }
        if let Some(id) = &m.channel_id {
            q.push(("channelId", id.clone()));
        }
        let resp = self
            .send(
                Method::POST,
                "/channels/externalMedia",
                &q,
                variables_body(&m.variables),
                "externalMedia",
            )
            .await?;
        decode(&resp, "the externalMedia channel")
    }

    pub async fn play(&self, channel: &str, media: &str) -> Result<serde_json::Value, AriError> {
        let bytes = self
            .send(
                Method::POST,
                &format!("/channels/{}/play", enc(channel)),
                &[("media", media.to_string())],
                None,
                &format!("channel {channel}"),
            )
            .await?;
        decode(&bytes, "the playback")
    }

    // ---- bridges ----

    pub async fn bridges(&self) -> Result<Vec<Bridge>, AriError> {
        self.get_json("/bridges", "bridges").await
    }

    pub async fn bridge(&self, id: &str) -> Result<Bridge, AriError> {
        self.get_json(&format!("/bridges/{}", enc(id)), &format!("bridge {id}"))
            .await
    }

    pub async fn create_bridge(&self, kind: &str, name: Option<&str>) -> Result<Bridge, AriError> {
        let mut q = vec![("type", kind.to_string())];
        if let Some(n) = name {
            q.push(("name", n.to_string()));
        }
        let bytes = self
            .send(Method::POST, "/bridges", &q, None, "bridge")
            .await?;
        decode(&bytes, "the new bridge")
    }

    /// Create a bridge under an id the caller chose, so the request can be retried safely
    /// and the id is known (e.g. to a reconciliation) before the bridge exists.
    pub async fn create_bridge_with_id(
        &self,
        id: &str,
        kind: &str,
        name: Option<&str>,
    ) -> Result<Bridge, AriError> {
        let mut q = vec![("type", kind.to_string()), ("bridgeId", id.to_string())];
        if let Some(n) = name {
            q.push(("name", n.to_string()));
        }
        self.create_with_id("/bridges", &q, None, "bridge", || self.bridge(id))
            .await
    }

    pub async fn add_to_bridge(&self, id: &str, channels: &[String]) -> Result<(), AriError> {
        self.bridge_members("addChannel", id, channels).await
    }

    pub async fn remove_from_bridge(&self, id: &str, channels: &[String]) -> Result<(), AriError> {
        self.bridge_members("removeChannel", id, channels).await
    }

    /// Adding a channel that is already in the bridge (or removing one that is not there)
    /// changes nothing, so both are retried.
    async fn bridge_members(
        &self,
        op: &str,
        id: &str,
        channels: &[String],
    ) -> Result<(), AriError> {
        self.send_as(
            Repeat::Safe,
            Method::POST,
            &format!("/bridges/{}/{op}", enc(id)),
            &[("channel", channels.join(","))],
            None,
            &format!("bridge {id} (or channel {})", channels.join(", ")),
        )
        .await
        .result?;
        Ok(())
    }

    pub async fn destroy_bridge(&self, id: &str) -> Result<(), AriError> {
        self.send(
            Method::DELETE,
            &format!("/bridges/{}", enc(id)),
            &[],
            None,
            &format!("bridge {id}"),
        )
        .await?;
        Ok(())
    }

    /// Start recording a bridge into a stored recording called `name`.
    pub async fn record_bridge(
        &self,
        id: &str,
        name: &str,
        format: &str,
    ) -> Result<LiveRecording, AriError> {
        let q = vec![
            ("name", name.to_string()),
            ("format", format.to_string()),
            ("ifExists", "overwrite".to_string()),
        ];
        let bytes = self
            .send(
                Method::POST,
                &format!("/bridges/{}/record", enc(id)),
                &q,
                None,
                &format!("bridge {id}"),
            )
            .await?;
        decode(&bytes, "the live recording")
    }

    /// `GET /asterisk/ping`: `{"ping":"pong","timestamp":...,"asterisk_id":...}` (Asterisk's
    /// clock, for doctor's clock check).
    pub async fn ping(&self) -> Result<serde_json::Value, AriError> {
        self.get_json("/asterisk/ping", "Asterisk ping").await
    }

    /// `GET /asterisk/config/dynamic/{class}/{type}/{id}`: a loaded sorcery object, e.g.
    /// `res_pjsip`/`transport`/`transport-udp`, as `[{"attribute":..,"value":..}]`.
    pub async fn dynamic_config(
        &self,
        class: &str,
        kind: &str,
        id: &str,
    ) -> Result<Vec<ConfigTuple>, AriError> {
        self.get_json(
            &format!(
                "/asterisk/config/dynamic/{}/{}/{}",
                enc(class),
                enc(kind),
                enc(id)
            ),
            &format!("{class} {kind} {id}"),
        )
        .await
    }

    /// `GET /asterisk/variable?variable=NAME`: a global variable (`""` when it is not set).
    pub async fn global_var(&self, name: &str) -> Result<String, AriError> {
        let resp = self
            .send(
                Method::GET,
                "/asterisk/variable",
                &[("variable", name.to_string())],
                None,
                &format!("global variable {name}"),
            )
            .await?;
        let v: Variable = decode(&resp, "a global variable")?;
        Ok(v.value)
    }

    /// `POST /asterisk/variable?variable=NAME[&value=V]`: set a global variable; without a
    /// value Asterisk unsets it.
    pub async fn set_global_var(&self, name: &str, value: Option<&str>) -> Result<(), AriError> {
        let mut q = vec![("variable", name.to_string())];
        if let Some(v) = value {
            q.push(("value", v.to_string()));
        }
        self.send(
            Method::POST,
            "/asterisk/variable",
            &q,
            None,
            &format!("global variable {name}"),
        )
        .await?;
        Ok(())
    }

    // ---- events ----

    /// `POST /events/user/{name}?application=APP`: Asterisk sends a `ChannelUserevent` named `name`
    /// carrying `variables` to the app's events WebSocket (404 while the app is not
    /// registered).
    pub async fn user_event(
        &self,
        name: &str,
        app: &str,
        variables: serde_json::Value,
    ) -> Result<(), AriError> {
        self.send(
            Method::POST,
            &format!("/events/user/{}", enc(name)),
            &[("application", app.to_string())],
            Some(serde_json::json!({ "variables": variables })),
            &format!("the ARI application {app}"),
        )
        .await?;
        Ok(())
    }

    // ---- applications ----

    pub async fn applications(&self) -> Result<Vec<Application>, AriError> {
        self.get_json("/applications", "applications").await
    }

    pub async fn application(&self, name: &str) -> Result<Application, AriError> {
        self.get_json(
            &format!("/applications/{}", enc(name)),
            &format!("application {name}"),
        )
        .await
    }

    // ---- recordings ----

    pub async fn recordings(&self) -> Result<Vec<StoredRecording>, AriError> {
        self.get_json("/recordings/stored", "recordings").await
    }

    pub async fn recording_file(&self, name: &str) -> Result<Vec<u8>, AriError> {
        self.send(
            Method::GET,
            &format!("/recordings/stored/{}/file", enc(name)),
            &[],
            None,
            &format!("recording {name}"),
        )
        .await
    }

    pub async fn delete_recording(&self, name: &str) -> Result<(), AriError> {
        self.send(
            Method::DELETE,
            &format!("/recordings/stored/{}", enc(name)),
            &[],
            None,
            &format!("recording {name}"),
        )
        .await?;
        Ok(())
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, AriError> {
    serde_json::from_slice(bytes).map_err(|e| AriError::Decode {
        what: what.to_string(),
        reason: e.to_string(),
    })
}

fn variables_body(vars: &[(String, String)]) -> Option<serde_json::Value> {
    #[derive(Serialize)]
    struct Body<'a> {
        variables: std::collections::BTreeMap<&'a str, &'a str>,
    }
    if vars.is_empty() {
        return None;
    }
    let variables = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    serde_json::to_value(Body { variables }).ok()
}

/// One attribute of a dynamic configuration object.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct ConfigTuple {
    pub attribute: String,
    pub value: String,
}

/// Percent-encode one path segment (channel ids contain dots, Local names contain `/` and `@`).
fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The `Authorization: Basic` header value, marked sensitive so it is never logged.
pub fn basic_auth(user: &str, password: &str) -> HeaderValue {
    use base64::Engine;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut v = HeaderValue::from_str(&format!("Basic {token}"))
        .unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    v.set_sensitive(true);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_sentences_name_the_fix_and_no_secret() {
        let e = AriError::Unauthorized {
            user: "voiceclone".into(),
        };
        assert_eq!(
            e.to_string(),
            "ARI rejected the credentials for user 'voiceclone'; check --user/--password \
             (ASTERISK_ARI_USERNAME/ASTERISK_ARI_PASSWORD) against ari.conf"
        );
        let e = AriError::NotFound {
            what: "channel 42".into(),
            message: "Channel not found".into(),
        };
        assert_eq!(
            e.to_string(),
            "no such channel 42 (Asterisk says: Channel not found)"
        );
        let e = AriError::NotFound {
            what: "bridge b".into(),
            message: String::new(),
        };
        assert_eq!(e.to_string(), "no such bridge b");
        let e = AriError::NoPassword {
            user: "voiceclone".into(),
        };
        assert!(
            e.to_string()
                .starts_with("no ARI password is set: ARI refused user 'voiceclone' without one; set ASTERISK_ARI_PASSWORD"),
            "{e}"
        );
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(
            enc("Local/test@incoming-1;2"),
            "Local%2Ftest%40incoming-1%3B2"
        );
        assert_eq!(enc("1732.5"), "1732.5");
        assert_eq!(enc("a b"), "a%20b");
    }

    #[test]
    fn basic_auth_is_sensitive() {
        let v = basic_auth("u", "p");
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Basic dTpw");
    }

    #[test]
    fn variables_become_a_json_body() {
        assert_eq!(variables_body(&[]), None);
        let b = variables_body(&[("A".into(), "1".into())]).unwrap();
        assert_eq!(b, serde_json::json!({"variables": {"A": "1"}}));
    }
}
