//! How ARI requests survive a loaded Asterisk: at most N requests in flight, and a bounded,
//! jittered retry of the requests whose repetition is safe.
//!
//! Why: Asterisk's HTTP server serves at most `sessionlimit` connections at once (http.conf,
//! 100 by default; the events WebSocket holds one) and closes every connection past that
//! without an answer; it also closes idle keep-alive connections (`session_keep_alive`,
//! 15 s), and a request sent on one at that moment dies with "connection closed before
//! message completed". Under a burst of calls both happen, and an unretried setup request
//! meant a failed call or a leaked bridge.
//!
//! The policy is here; [`crate::io::ari_http`] applies it to every request.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::io::ari_http::AriError;

/// Default of `vcctl serve --ari-max-requests` (and of every other command): ARI requests in
/// flight at once. Well below Asterisk's default `sessionlimit` of 100 HTTP sessions, which
/// the events WebSocket and other clients (vcctl commands, doctor, monitoring) share; 32
/// requests of a few ms each are thousands of requests a second, far more than call setup
/// needs.
pub const DEFAULT_MAX_REQUESTS: usize = 32;

/// How a request may be repeated when its fate is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Repeating it changes nothing: GET, DELETE (a repeat finds the object gone: 404), and
    /// POSTs that set a state (answer, add a channel to a bridge).
    Safe,
    /// Creates an object under an id the client chose (`channelId`, `bridgeId`): a repeat
    /// cannot make a second one; when the first attempt got through, Asterisk refuses the
    /// repeat (409 for bridges, 500 for externalMedia) and the caller looks the id up.
    CreateWithId,
    /// Anything else: sent again only when it never reached Asterisk (no connection).
    Once,
}

/// What went wrong with one attempt, as far as repeating it is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection was made: nothing reached Asterisk.
    NotConnected,
    /// The connection closed or was reset before a complete answer: Asterisk may or may not
    /// have acted on the request.
    Closed,
    /// No answer within the request timeout.
    TimedOut,
    /// HTTP 503: Asterisk is overloaded or shutting down.
    Unavailable,
    /// Anything else (an answer, good or bad): not retried.
    Final,
}

impl Failure {
    /// How an [`AriError`] counts for retrying.
    pub fn of(e: &AriError) -> Failure {
        match e {
            AriError::Unreachable { .. } => Failure::NotConnected,
            AriError::Closed { .. } => Failure::Closed,
            AriError::Timeout { .. } => Failure::TimedOut,
            AriError::Rejected { status: 503, .. } => Failure::Unavailable,
            _ => Failure::Final,
        }
    }
}

/// When to try again.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// First wait; doubled after each failure, up to `cap`, with jitter (half to all of it).
    pub base: Duration,
    pub cap: Duration,
    /// No new attempt starts later than this after the first one.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, waits of 50, 100, 200 ms (jittered), within 15 s: a burst that fills
    /// Asterisk's sessions drains in milliseconds, and a request that timed out (10 s) gets
    /// one more try at most.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(50),
            cap: Duration::from_secs(1),
            budget: Duration::from_secs(15),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `made` attempts, the last of which failed
    /// with `failure`, `elapsed` after the first began; `None`: give up. `unit` in [0, 1)
    /// picks the jitter.
    pub fn retry_after(
        &self,
        repeat: Repeat,
        failure: Failure,
        made: u32,
        elapsed: Duration,
        unit: f64,
    ) -> Option<Duration> {
        let allowed = match failure {
            Failure::Final => false,
            Failure::NotConnected => true,
            Failure::Closed | Failure::TimedOut | Failure::Unavailable => repeat != Repeat::Once,
        };
        if !allowed || made >= self.max_attempts {
            return None;
        }
        // A timeout already waited the whole request timeout: one more try at most.
        if failure == Failure::TimedOut && made >= 2 {
            return None;
        }
        let exp = self
            .base
            .saturating_mul(1u32 << (made.saturating_sub(1)).min(16))
            .min(self.cap);
        let wait = exp.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0));
        (elapsed + wait <= self.budget).then_some(wait)
    }
}

/// The requests of one client: a gate on how many are in flight, and the retry policy.
#[derive(Debug)]
pub struct Limits {
    gate: Arc<Semaphore>,
    max: usize,
    pub policy: RetryPolicy,
}

impl Limits {
    pub fn new(max_requests: usize) -> Limits {
        let max = max_requests.max(1);
        Limits {
            gate: Arc::new(Semaphore::new(max)),
            max,
            policy: RetryPolicy::default(),
        }
    }

    /// At most this many requests at once.
    pub fn max_requests(&self) -> usize {
        self.max
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.max - self.gate.available_permits()
    }

    /// Wait for a slot; the request holds it until its answer has been read.
    pub async fn slot(&self) -> OwnedSemaphorePermit {
        // The semaphore is never closed, so acquiring cannot fail.
        self.gate
            .clone()
            .acquire_owned()
            .await
            .expect("the ARI request gate is never closed")
    }
}

/// The outcome of a request with retries: the last result and how many attempts it took.
#[derive(Debug)]
pub struct Attempted<T> {
    pub result: Result<T, AriError>,
    pub attempts: u32,
}

/// Run `attempt` until it succeeds or `policy` says stop. `what` names the request in the
/// debug log of each retry.
pub async fn run<T, F, Fut>(
    policy: &RetryPolicy,
    repeat: Repeat,
    what: &str,
    mut attempt: F,
) -> Attempted<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AriError>>,
{
    let start = Instant::now();
    let mut made = 0;
    loop {
        made += 1;
        let err = match attempt().await {
            Ok(v) => {
                return Attempted {
                    result: Ok(v),
                    attempts: made,
                }
            }
            Err(e) => e,
        };
        let failure = Failure::of(&err);
        match policy.retry_after(repeat, failure, made, start.elapsed(), rand::random()) {
            Some(wait) => {
                tracing::debug!(
                    request = what,
                    attempt = made,
                    ?failure,
                    wait_ms = wait.as_millis() as u64,
                    "ARI request failed ({err}); retrying"
                );
                tokio::time::sleep(wait).await;
            }
            None => {
                return Attempted {
                    result: Err(err.with_attempts(made)),
                    attempts: made,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> RetryPolicy {
        RetryPolicy::default()
    }

    #[test]
    fn only_safe_requests_are_repeated_when_their_fate_is_unknown() {
        let z = Duration::ZERO;
        for f in [Failure::Closed, Failure::TimedOut, Failure::Unavailable] {
            assert!(p().retry_after(Repeat::Safe, f, 1, z, 0.0).is_some());
            assert!(p()
                .retry_after(Repeat::CreateWithId, f, 1, z, 0.0)
                .is_some());
            assert_eq!(p().retry_after(Repeat::Once, f, 1, z, 0.0), None, "{f:?}");
        }
        // Nothing reached Asterisk: anything may be sent again.
        assert!(p()
            .retry_after(Repeat::Once, Failure::NotConnected, 1, z, 0.0)
            .is_some());
        assert_eq!(
            p().retry_after(Repeat::Safe, Failure::Final, 1, z, 0.0),
            None
        );
    }

    #[test]
    fn waits_grow_with_jitter_and_stop_at_the_attempt_and_time_bounds() {
        let z = Duration::ZERO;
        let w = |made, unit| p().retry_after(Repeat::Safe, Failure::Closed, made, z, unit);
        assert_eq!(w(1, 1.0), Some(Duration::from_millis(50)));
        assert_eq!(w(1, 0.0), Some(Duration::from_millis(25)));
        assert_eq!(w(2, 1.0), Some(Duration::from_millis(100)));
        assert_eq!(w(3, 1.0), Some(Duration::from_millis(200)));
        assert_eq!(w(4, 1.0), None, "4 attempts in all");
        // One retry after a timeout.
        assert!(p()
            .retry_after(Repeat::Safe, Failure::TimedOut, 1, z, 0.5)
            .is_some());
        assert_eq!(
            p().retry_after(Repeat::Safe, Failure::TimedOut, 2, z, 0.5),
            None
        );
        // Past the time budget.
        let late = Duration::from_millis(14_990);
        assert_eq!(
            p().retry_after(Repeat::Safe, Failure::Closed, 1, late, 1.0),
            None
        );
    }

    #[tokio::test]
    async fn the_gate_counts_requests_in_flight() {
        let l = Limits::new(2);
        let a = l.slot().await;
        let _b = l.slot().await;
        assert_eq!(l.in_flight(), 2);
        let waiting = tokio::time::timeout(Duration::from_millis(20), l.slot()).await;
        assert!(waiting.is_err(), "a third request must wait");
        drop(a);
        let _c = tokio::time::timeout(Duration::from_millis(200), l.slot())
            .await
            .expect("a slot frees when a request ends");
        assert_eq!(Limits::new(0).max_requests(), 1);
    }
}

/// The retry and the request gate, through the real client, against a real HTTP server on
/// loopback that closes connections, refuses them, holds requests or limits its sessions
/// the way Asterisk does.
#[cfg(test)]
mod server_tests {
    use std::collections::VecDeque;
    use std::net::SocketAddr;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::*;
    use crate::config::{AriSettings, Secret};
    use crate::io::ari_http::AriClient;

    /// What the server does with one request.
    #[derive(Clone)]
    enum Step {
        /// Read it, then close the connection without a word.
        Close,
        /// Answer with this status and JSON body (keep-alive).
        Answer(u16, &'static str),
        /// Wait, then answer.
        Hold(Duration, u16, &'static str),
        /// Never answer.
        Silent,
    }

    struct Server {
        addr: SocketAddr,
        /// Request lines, in order of arrival.
        seen: Arc<Mutex<Vec<String>>>,
        /// Most requests handled at the same moment.
        peak: Arc<AtomicUsize>,
    }

    /// Serve `script` (then `rest` for every further request). With `sessions`, a
    /// connection beyond that many open ones is closed at once, unread (Asterisk's
    /// `sessionlimit`).
    async fn server(script: Vec<Step>, rest: Step, sessions: Option<usize>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        serve_on(listener, script, rest, sessions)
    }

    fn serve_on(
        listener: TcpListener,
        script: Vec<Step>,
        rest: Step,
        sessions: Option<usize>,
    ) -> Server {
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let peak = Arc::new(AtomicUsize::new(0));
        let busy = Arc::new(AtomicUsize::new(0));
        let open = Arc::new(AtomicUsize::new(0));
        let (s2, p2) = (seen.clone(), peak.clone());
        tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    return;
                };
                if sessions.is_some_and(|max| open.load(Ordering::SeqCst) >= max) {
                    drop(conn);
                    continue;
                }
                open.fetch_add(1, Ordering::SeqCst);
                let (script, rest, seen, peak, busy, open) = (
                    script.clone(),
                    rest.clone(),
                    s2.clone(),
                    p2.clone(),
                    busy.clone(),
                    open.clone(),
                );
                tokio::spawn(async move {
                    connection(conn, &script, &rest, &seen, &peak, &busy).await;
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Server { addr, seen, peak }
    }

    async fn connection(
        mut conn: TcpStream,
        script: &Mutex<VecDeque<Step>>,
        rest: &Step,
        seen: &Mutex<Vec<String>>,
        peak: &AtomicUsize,
        busy: &AtomicUsize,
    ) {
        let mut buf = Vec::new();
        loop {
            // One request: the head, then Content-Length bytes of body.
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let mut chunk = [0u8; 4096];
                match conn.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .unwrap_or(0);
            while buf.len() < head_end + len {
                let mut chunk = [0u8; 4096];
                match conn.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            buf.drain(..head_end + len);
            let line = head.lines().next().unwrap_or("").to_string();
            seen.lock().unwrap().push(line);
            let step = script
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| rest.clone());
            let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let (wait, status, body) = match step {
                Step::Close => {
                    busy.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
                Step::Silent => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    return;
                }
                Step::Answer(s, b) => (Duration::ZERO, s, b),
                Step::Hold(d, s, b) => (d, s, b),
            };
            tokio::time::sleep(wait).await;
            busy.fetch_sub(1, Ordering::SeqCst);
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
            if conn.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    fn client(addr: SocketAddr, timeout: Duration, max: usize) -> AriClient {
        let settings = AriSettings {
            url: url::Url::parse(&format!("http://{addr}")).unwrap(),
            user: "u".into(),
            password: Secret::new("p"),
            app: "a".into(),
            ca_cert: None,
        };
        AriClient::with_limits(&settings, timeout, max).unwrap()
    }

    const CHANNEL: &str = r#"{"id":"c1","name":"PJSIP/x-1","state":"Up","caller":{"name":"","number":""},"connected":{"name":"","number":""},"accountcode":"","dialplan":{"context":"c","exten":"e","priority":1,"app_name":"","app_data":""},"creationtime":"2026-01-01T00:00:00.000+0000","language":"en"}"#;
    const BRIDGE: &str = r#"{"id":"b1","technology":"simple_bridge","bridge_type":"mixing","bridge_class":"stasis","creator":"Stasis","name":"vcctl-c1","channels":[],"creationtime":"2026-01-01T00:00:00.000+0000","video_mode":"talker"}"#;

    fn seen(s: &Server) -> Vec<String> {
        s.seen.lock().unwrap().clone()
    }

    #[tokio::test]
    async fn a_get_survives_closed_connections() {
        let s = server(
            vec![Step::Close, Step::Close],
            Step::Answer(200, CHANNEL),
            None,
        )
        .await;
        let c = client(s.addr, Duration::from_secs(5), 4);
        let ch = c.channel("c1").await.expect("retried until answered");
        assert_eq!(ch.id, "c1");
        assert_eq!(seen(&s).len(), 3, "{:?}", seen(&s));
    }

    #[tokio::test]
    async fn a_post_that_may_have_been_acted_on_is_not_repeated() {
        let s = server(vec![Step::Close], Step::Answer(200, BRIDGE), None).await;
        let c = client(s.addr, Duration::from_secs(5), 4);
        let e = c.create_bridge("mixing", None).await.unwrap_err();
        assert!(matches!(e, AriError::Closed { .. }), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("closed the ARI connection"), "{text}");
        assert!(text.contains("sessionlimit"), "{text}");
        assert!(!text.contains("is Asterisk running"), "{text}");
        assert_eq!(seen(&s).len(), 1, "sent once: {:?}", seen(&s));
    }

    #[tokio::test]
    async fn a_create_with_an_id_is_repeated_and_a_refused_repeat_finds_the_first() {
        // The first POST is acted on but its answer is lost; the repeat is refused because
        // the bridge exists; the client looks it up.
        let s = server(
            vec![
                Step::Close,
                Step::Answer(409, r#"{"message":"Bridge with id 'b1' already exists"}"#),
            ],
            Step::Answer(200, BRIDGE),
            None,
        )
        .await;
        let c = client(s.addr, Duration::from_secs(5), 4);
        let b = c
            .create_bridge_with_id("b1", "mixing", Some("vcctl-c1"))
            .await
            .expect("the bridge made by the first attempt");
        assert_eq!(b.id, "b1");
        let lines = seen(&s);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("POST /ari/bridges?") && lines[0].contains("bridgeId=b1"));
        assert!(lines[1].starts_with("POST /ari/bridges?"));
        assert!(lines[2].starts_with("GET /ari/bridges/b1 "), "{lines:?}");
    }

    #[tokio::test]
    async fn refused_connections_are_retried_for_any_request() {
        // Nothing listens at first (connection refused), then the server comes up.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap()
        };
        let c = client(port, Duration::from_secs(5), 4);
        let started = Instant::now();
        let up = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(40)).await;
            let l = TcpListener::bind(port).await.unwrap();
            serve_on(l, vec![], Step::Answer(200, BRIDGE), None)
        });
        // A POST without an id: safe to send again only because nothing ever reached a server.
        let b = c.create_bridge("mixing", None).await;
        let s = up.await.unwrap();
        if let Err(e) = &b {
            // The listener came up after the retries ran out (a very slow machine): then
            // the error must be the honest one.
            assert!(matches!(e, AriError::Unreachable { .. }), "{e:?}");
            assert!(started.elapsed() >= Duration::from_millis(40));
            return;
        }
        assert_eq!(seen(&s).len(), 1, "one request reached the server");
    }

    #[tokio::test]
    async fn retries_end_with_the_reason_and_the_number_of_attempts() {
        let s = server(vec![], Step::Close, None).await;
        let c = client(s.addr, Duration::from_secs(5), 4);
        let e = c.channels().await.unwrap_err();
        assert!(matches!(e, AriError::Closed { attempts: 4, .. }), "{e:?}");
        assert!(e.to_string().contains("4 attempts"), "{e}");
        assert_eq!(seen(&s).len(), 4);
    }

    #[tokio::test]
    async fn a_timed_out_get_is_tried_twice_then_reported_as_a_timeout() {
        let s = server(vec![], Step::Silent, None).await;
        let c = client(s.addr, Duration::from_millis(300), 4);
        let e = c.channels().await.unwrap_err();
        assert!(matches!(e, AriError::Timeout { .. }), "{e:?}");
        assert_eq!(seen(&s).len(), 2);
    }

    #[tokio::test]
    async fn never_more_requests_in_flight_than_the_limit() {
        let s = server(
            vec![],
            Step::Hold(Duration::from_millis(20), 200, CHANNEL),
            None,
        )
        .await;
        let c = client(s.addr, Duration::from_secs(10), 4);
        let all = (0..40).map(|_| {
            let c = c.clone();
            async move { c.channel("c1").await }
        });
        let results = futures_util::future::join_all(all).await;
        assert!(results.iter().all(|r| r.is_ok()));
        let peak = s.peak.load(Ordering::SeqCst);
        assert!(peak <= 4, "{peak} requests in flight at once, limit 4");
        assert!(peak >= 2, "the requests did run concurrently ({peak})");
        assert_eq!(c.requests_in_flight(), 0);
    }

    #[tokio::test]
    async fn a_burst_fits_a_server_with_a_session_limit() {
        // Like Asterisk with sessionlimit=8: a 9th connection is closed unread. With the
        // client's limit at 8, a burst of 100 requests all succeed.
        let s = server(
            vec![],
            Step::Hold(Duration::from_millis(5), 200, CHANNEL),
            Some(8),
        )
        .await;
        let c = client(s.addr, Duration::from_secs(10), 8);
        let all = (0..100).map(|_| {
            let c = c.clone();
            async move { c.channel("c1").await }
        });
        let results = futures_util::future::join_all(all).await;
        let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(
            failed.is_empty(),
            "{} failed: {:?}",
            failed.len(),
            failed.first()
        );
    }
}
