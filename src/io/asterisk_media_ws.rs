//! The Asterisk side of a WebSocket media call: the connection to chan_websocket on
//! Asterisk's HTTP server (`/media/<connection id>`, the ARI port, ws:// or wss:// as ARI),
//! and a task that drives a [`MediaLink`] over it.
//!
//! The task owns the socket and the link: agent audio and barge-in go in through
//! [`MediaWs::send`], caller audio and the link's events come out of [`MediaWs::recv`], in
//! the order they happened. It ends when Asterisk closes the connection (the channel hung
//! up), or when the handle is dropped (it closes the WebSocket, which hangs the channel up).

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::config::AriSettings;
use vcctl_core::chan_websocket::{LinkEvent, LinkStats, MediaLink, Output};

pub type MediaSocket = WebSocketStream<MaybeTlsStream<TcpStream>>;

#[derive(Debug, thiserror::Error)]
pub enum MediaWsError {
    #[error("Asterisk's media WebSocket at {url} is not reachable ({reason}); is chan_websocket loaded and http.conf enabled there?")]
    Unreachable { url: String, reason: String },
    #[error("Asterisk refused the media WebSocket at {url} ({status}): {hint}")]
    Refused {
        url: String,
        status: u16,
        hint: &'static str,
    },
    #[error("TLS setup for the media WebSocket failed: {0}")]
    Tls(#[from] crate::io::tls::TlsError),
}

/// `ws(s)://<ARI host:port><prefix>/media/<connection id>`: chan_websocket's URI on the same
/// HTTP server as ARI (http.conf's `prefix` included, as in the ARI URL).
pub fn media_url(ari: &url::Url, connection_id: &str) -> url::Url {
    let mut u = ari.clone();
    let scheme = if u.scheme() == "https" { "wss" } else { "ws" };
    let _ = u.set_scheme(scheme);
    let base = u.path().trim_end_matches('/').to_string();
    u.set_path(&format!("{base}/media/{connection_id}"));
    u.set_query(None);
    u
}

/// Connect to the channel Asterisk created for `connection_id`. No credentials: the
/// connection id (a random UUID Asterisk hands out over authenticated ARI) is the key.
pub async fn connect(
    settings: &AriSettings,
    connection_id: &str,
) -> Result<MediaSocket, MediaWsError> {
    let url = media_url(&settings.url, connection_id);
    let shown = url.to_string();
    let req = url
        .as_str()
        .into_client_request()
        .map_err(|e| MediaWsError::Unreachable {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
    let tls = crate::io::tls::client_config(settings.ca_cert.as_deref())?;
    let connect = tokio_tungstenite::connect_async_tls_with_config(
        req,
        Some(crate::io::websocket::config()),
        // Nagle off: 20 ms frames must not wait for an ACK.
        true,
        Some(tokio_tungstenite::Connector::Rustls(tls)),
    );
    let (ws, _) = match tokio::time::timeout(std::time::Duration::from_secs(10), connect).await {
        Err(_) => {
            return Err(MediaWsError::Unreachable {
                url: shown,
                reason: "no answer within 10 s".into(),
            })
        }
        Ok(r) => r.map_err(|e| handshake_error(e, &shown))?,
    };
    Ok(ws)
}

fn handshake_error(e: tokio_tungstenite::tungstenite::Error, url: &str) -> MediaWsError {
    use tokio_tungstenite::tungstenite::Error;
    match e {
        Error::Http(resp) => {
            let status = resp.status().as_u16();
            MediaWsError::Refused {
                url: url.to_string(),
                status,
                hint: match status {
                    404 => "no channel waits for this connection id (hung up, timed out after 30 s, or never created)",
                    409 => "another WebSocket is already connected for this connection id",
                    _ => "see Asterisk's log",
                },
            }
        }
        other => MediaWsError::Unreachable {
            url: url.to_string(),
            reason: other.to_string(),
        },
    }
}

/// What the call's side sends into the task.
#[derive(Debug)]
pub enum ToAsterisk {
    /// Agent audio in the channel's format.
    Audio(Vec<u8>),
    /// Barge-in: flush what is queued.
    Interrupt,
    /// The agent's response is complete.
    EndResponse,
    /// Ask for a `STATUS` event.
    Status,
    /// Ask Asterisk to hang the channel up.
    Hangup,
    /// Close the WebSocket (Asterisk hangs the channel up too) and end the task.
    Close,
}

/// What comes out of the task.
#[derive(Debug)]
pub enum FromAsterisk {
    /// Caller audio in the channel's format (one Asterisk frame).
    CallerAudio {
        at: Instant,
        data: Vec<u8>,
    },
    Event {
        at: Instant,
        event: LinkEvent,
    },
    /// A text frame Asterisk sent that could not be read (logged, never fatal).
    Unreadable {
        text: String,
    },
    /// The connection ended; the link's final counters.
    Closed {
        reason: String,
        stats: LinkStats,
    },
}

/// The handle of a running media connection.
/// Dropping it closes the command channel: the task closes the WebSocket and ends.
pub struct MediaWs {
    tx: mpsc::UnboundedSender<ToAsterisk>,
    rx: mpsc::UnboundedReceiver<FromAsterisk>,
    task: JoinHandle<()>,
}

/// With nothing from Asterisk for this long a ping is sent; with nothing for twice this
/// long the connection counts as lost. A bridged channel sends a frame every 20 ms, so only a
/// dead or half-open connection stays this quiet.
pub const KEEPALIVE: Duration = Duration::from_secs(5);

impl MediaWs {
    /// Run `link` over `ws` in a task of its own.
    pub fn spawn(ws: MediaSocket, link: MediaLink) -> MediaWs {
        Self::spawn_with_keepalive(ws, link, KEEPALIVE)
    }

    /// [`MediaWs::spawn`] with another keepalive interval.
    pub fn spawn_with_keepalive(ws: MediaSocket, link: MediaLink, keepalive: Duration) -> MediaWs {
        let (tx, cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(run(ws, link, keepalive, cmd_rx, ev_tx));
        MediaWs { tx, rx, task }
    }

    /// False once the task has ended.
    pub fn send(&self, m: ToAsterisk) -> bool {
        self.tx.send(m).is_ok()
    }

    /// The next thing that happened; `None` after [`FromAsterisk::Closed`].
    pub async fn recv(&mut self) -> Option<FromAsterisk> {
        self.rx.recv().await
    }

    /// Wait for the task to end (after [`FromAsterisk::Closed`], or after a hangup).
    pub async fn join(self) {
        drop(self.tx);
        let _ = self.task.await;
    }
}

async fn run(
    mut ws: MediaSocket,
    mut link: MediaLink,
    keepalive: Duration,
    mut cmd_rx: mpsc::UnboundedReceiver<ToAsterisk>,
    ev_tx: mpsc::UnboundedSender<FromAsterisk>,
) {
    let mut last_rx = Instant::now();
    let mut ping_sent = false;
    let reason = loop {
        let deadline = link.next_timeout().map(tokio::time::Instant::from_std);
        let idle = tokio::time::Instant::from_std(last_rx + keepalive);
        tokio::select! {
            biased;
            m = ws.next() => {
                let now = Instant::now();
                last_rx = now;
                ping_sent = false;
                match m {
                    Some(Ok(Message::Binary(b))) => {
                        link.handle_binary(&b);
                        let _ = ev_tx.send(FromAsterisk::CallerAudio { at: now, data: b.to_vec() });
                    }
                    Some(Ok(Message::Text(t))) => {
                        if let Err(e) = link.handle_text(now, t.as_str()) {
                            tracing::debug!("unreadable text frame from Asterisk ({e}): {}", t.as_str());
                            let _ = ev_tx.send(FromAsterisk::Unreadable { text: t.to_string() });
                        }
                    }
                    Some(Ok(Message::Close(c))) => {
                        break match c {
                            Some(f) => format!("Asterisk closed the connection ({} {})", u16::from(f.code), f.reason),
                            None => "Asterisk closed the connection".to_string(),
                        };
                    }
                    Some(Ok(_)) => {} // ping/pong: tungstenite answers pings itself
                    Some(Err(e)) => break format!("the connection failed: {e}"),
                    None => break "the connection ended".to_string(),
                }
            }
            c = cmd_rx.recv() => {
                let now = Instant::now();
                match c {
                    Some(ToAsterisk::Audio(a)) => link.push_audio(now, &a),
                    Some(ToAsterisk::Interrupt) => link.interrupt(now),
                    Some(ToAsterisk::EndResponse) => link.end_response(now),
                    Some(ToAsterisk::Status) => link.request_status(),
                    Some(ToAsterisk::Hangup) => link.hangup(),
                    Some(ToAsterisk::Close) | None => {
                        let _ = ws.close(None).await;
                        break "closed by serve".to_string();
                    }
                }
            }
            _ = async { tokio::time::sleep_until(deadline.unwrap()).await }, if deadline.is_some() => {
                link.handle_timeout(Instant::now());
            }
            _ = tokio::time::sleep_until(idle) => {
                if ping_sent {
                    break format!(
                        "Asterisk sent nothing, not even a pong, for {} ms",
                        2 * keepalive.as_millis()
                    );
                }
                ping_sent = true;
                last_rx = Instant::now();
                if let Err(e) = ws.send(Message::Ping(Vec::new().into())).await {
                    break format!("sending to Asterisk failed: {e}");
                }
            }
        }
        if let Err(e) = flush(&mut ws, &mut link, &ev_tx).await {
            break format!("sending to Asterisk failed: {e}");
        }
    };
    let _ = ev_tx.send(FromAsterisk::Closed {
        reason,
        stats: link.stats().clone(),
    });
}

async fn flush(
    ws: &mut MediaSocket,
    link: &mut MediaLink,
    ev_tx: &mpsc::UnboundedSender<FromAsterisk>,
) -> Result<(), tokio_tungstenite::tungstenite::Error> {
    let mut fed = false;
    while let Some(o) = link.poll_output() {
        match o {
            Output::Binary(b) => {
                ws.feed(Message::Binary(b.into())).await?;
                fed = true;
            }
            Output::Text(t) => {
                ws.feed(Message::Text(t.into())).await?;
                fed = true;
            }
            Output::Event(event) => {
                let _ = ev_tx.send(FromAsterisk::Event {
                    at: Instant::now(),
                    event,
                });
            }
        }
    }
    if fed {
        ws.flush().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;
    use vcctl_core::chan_websocket::{ControlFormat, LinkConfig, MediaFormat};

    /// A WebSocket server on loopback that accepts one connection; `answer` decides whether it
    /// reads (and so answers pings) or holds the connection without reading.
    async fn server(answer: bool) -> (String, JoinHandle<()>) {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/media/x", l.local_addr().unwrap());
        let h = tokio::spawn(async move {
            let (tcp, _) = l.accept().await.unwrap();
            let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            if answer {
                while let Some(Ok(_)) = ws.next().await {}
            } else {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        (url, h)
    }

    async fn client(url: &str, keepalive: Duration) -> MediaWs {
        let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        let link = MediaLink::new(
            LinkConfig::new(MediaFormat::Ulaw, ControlFormat::Json),
            Instant::now(),
        );
        MediaWs::spawn_with_keepalive(ws, link, keepalive)
    }

    #[tokio::test]
    async fn a_silent_connection_that_answers_no_ping_counts_as_lost() {
        let (url, srv) = server(false).await;
        let mut ws = client(&url, Duration::from_millis(100)).await;
        let t = Instant::now();
        match tokio::time::timeout(Duration::from_secs(2), ws.recv()).await {
            Ok(Some(FromAsterisk::Closed { reason, .. })) => {
                assert!(reason.contains("not even a pong"), "{reason}");
                let took = t.elapsed();
                assert!(took >= Duration::from_millis(200), "{took:?}");
            }
            other => panic!("{other:?}"),
        }
        srv.abort();
    }

    #[tokio::test]
    async fn pongs_keep_a_quiet_connection_alive() {
        let (url, srv) = server(true).await;
        let mut ws = client(&url, Duration::from_millis(50)).await;
        let r = tokio::time::timeout(Duration::from_millis(600), ws.recv()).await;
        assert!(
            r.is_err(),
            "ended although the server answered pings: {r:?}"
        );
        ws.send(ToAsterisk::Close);
        ws.join().await;
        srv.abort();
    }

    #[test]
    fn the_media_url_follows_the_ari_url() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(
            media_url(&u("http://127.0.0.1:8088"), "abc").as_str(),
            "ws://127.0.0.1:8088/media/abc"
        );
        assert_eq!(
            media_url(&u("https://pbx.example:8089/asterisk/"), "abc").as_str(),
            "wss://pbx.example:8089/asterisk/media/abc"
        );
    }
}
