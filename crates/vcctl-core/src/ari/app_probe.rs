//! Whether a live client holds an ARI app, not just whether Asterisk lists it: the wire format
//! of the probe and the words for its verdict. Pure; the probe itself is
//! `vcctl::io::app_probe` (the binary crate).
//!
//! Why a probe: Asterisk (res_stasis, checked against 22.10) keeps an app in its registry
//! after the app's events WebSocket has closed when the app still had subscriptions at that
//! moment, e.g. a channel in Stasis: `stasis_app_unregister` only deactivates it (drops its
//! handler), and the app leaves the registry once nothing is subscribed any more.
//! `GET /applications/NAME` shows an active and a deactivated app alike (name, channel,
//! bridge, endpoint and device ids, event filters; no client or WebSocket field), and
//! `POST /events/user/{event}?application=NAME` is accepted (204) for both: the event goes to
//! the app's topic, and a deactivated app only logs "Inactive Stasis app ... missed message".
//! So only the client can say it is there.
//!
//! The probe: the user event [`PROBE_EVENT`] to the app, carrying the name of a global
//! variable (`reply_var`, [`REPLY_VAR_PREFIX`] + a random nonce). A vcctl client holding the
//! app (`vcctl serve`, `vcctl events --app`) sets that variable over ARI
//! (`POST /asterisk/variable`) to [`reply_value`]; the prober reads it
//! (`GET /asterisk/variable`) until it is set or the wait is over, then unsets it. Both sides
//! only need ARI: no address of the client's own, and nothing registered with Asterisk for
//! the prober. A client that is not vcctl does not answer, so "no answer" means "no vcctl
//! client", which the sentences say.

use std::time::Duration;

/// The user event name of a probe.
pub const PROBE_EVENT: &str = "vcctl-probe";
/// Prefix of the global variable a probe asks to be answered in; a client sets no other.
pub const REPLY_VAR_PREFIX: &str = "VCCTL_PROBE_";

/// The reply variable for `nonce`.
pub fn reply_var(nonce: u64) -> String {
    format!("{REPLY_VAR_PREFIX}{nonce:016X}")
}

/// The user event's variables (the body is `{"variables": ...}`).
pub fn request_variables(reply_var: &str) -> serde_json::Value {
    serde_json::json!({ "reply_var": reply_var })
}

/// Whether `raw` (an ARI event as received) is a probe; cheap for every other event.
pub fn is_probe(raw: &str) -> bool {
    raw.contains(PROBE_EVENT) && probe_event(raw).is_some()
}

/// The variable to answer in when `raw` is a well-formed probe: a `ChannelUserevent` named
/// [`PROBE_EVENT`] whose `reply_var` is [`REPLY_VAR_PREFIX`] followed by 1-32 ASCII letters or
/// digits (so a stray event cannot make a client set any other variable).
pub fn probe_reply_var(raw: &str) -> Option<String> {
    if !raw.contains(PROBE_EVENT) {
        return None;
    }
    let v = probe_event(raw)?;
    let var = v.get("userevent")?.get("reply_var")?.as_str()?;
    let nonce = var.strip_prefix(REPLY_VAR_PREFIX)?;
    let ok = (1..=32).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| var.to_string())
}

fn probe_event(raw: &str) -> Option<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(raw).ok()?;
    let is = v.get("type")?.as_str()? == "ChannelUserevent"
        && v.get("eventname")?.as_str()? == PROBE_EVENT;
    is.then_some(v)
}

/// Who answered: what the client writes into the reply variable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Responder {
    /// `serve` or `events`.
    pub client: String,
    pub pid: u32,
    pub host: String,
}

impl std::fmt::Display for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "vcctl {} (pid {}", self.client, self.pid)?;
        if !self.host.is_empty() {
            write!(f, " on {}", self.host)?;
        }
        f.write_str(")")
    }
}

/// The reply: `CLIENT PID HOST`.
pub fn reply_value(client: &str, pid: u32, host: &str) -> String {
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(64)
        .collect();
    format!("{client} {pid} {host}").trim_end().to_string()
}

/// Read a reply; anything set that is not in [`reply_value`]'s shape still counts as an
/// answer, from an unknown client.
pub fn parse_reply(value: &str) -> Responder {
    let mut parts = value.split_whitespace();
    let client = parts.next().unwrap_or("client").to_string();
    match parts.next().and_then(|p| p.parse().ok()) {
        Some(pid) => Responder {
            client,
            pid,
            host: parts.next().unwrap_or("").to_string(),
        },
        None => Responder {
            client: value.trim().to_string(),
            pid: 0,
            host: String::new(),
        },
    }
}

/// What is known about the client of an app.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Liveness {
    /// Asterisk does not know the app: nothing holds it, calls into it fail.
    NotRegistered,
    /// Registered, and a vcctl client answered the probe through the app's events WebSocket.
    Answered {
        by: Responder,
        #[serde(rename = "answer_ms")]
        ms: f64,
        channels: usize,
    },
    /// Registered, but nothing answered within `waited`.
    NoAnswer {
        #[serde(serialize_with = "secs")]
        waited: Duration,
        channels: usize,
    },
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Liveness {
    /// One sentence: "registered, and ... answered in N ms", "registered, but no client
    /// answers", or "not registered".
    pub fn sentence(&self, app: &str) -> String {
        match self {
            Liveness::NotRegistered => format!(
                "'{app}' is not registered: no client is connected as '{app}', and calls that reach Stasis({app}) are hung up at once"
            ),
            Liveness::Answered { by, ms, channels } => format!(
                "'{app}' is registered, and {by} answered a probe through its events WebSocket in {ms:.1} ms; {channels} channel(s) in it"
            ),
            Liveness::NoAnswer { waited, channels } => format!(
                "'{app}' is registered, but no client answers: no reply to a probe within {:.1} s. \
                 Asterisk keeps an app registered after its client has gone while channels were in it \
                 ({channels} now); calls that reach Stasis({app}) fail until a client connects \
                 (a client other than vcctl would not answer this probe either)",
                waited.as_secs_f64()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(var: &str) -> String {
        serde_json::json!({
            "type": "ChannelUserevent",
            "timestamp": "2026-11-29T11:20:27.902+0000",
            "eventname": PROBE_EVENT,
            "userevent": {"reply_var": var, "eventname": PROBE_EVENT},
            "application": "voiceclone-app"
        })
        .to_string()
    }

    #[test]
    fn a_probe_names_its_reply_variable_and_nothing_else_is_answered() {
        let var = reply_var(0xdead_beef);
        assert_eq!(var, "VCCTL_PROBE_00000000DEADBEEF");
        assert_eq!(probe_reply_var(&probe(&var)), Some(var.clone()));
        assert!(is_probe(&probe(&var)));
        // Another variable, or a malformed one, is never set.
        for bad in [
            "PATH",
            "VCCTL_PROBE_",
            "VCCTL_PROBE_a;b",
            "VCCTL_PROBE_${X}",
        ] {
            assert_eq!(probe_reply_var(&probe(bad)), None, "{bad}");
        }
        let other = r#"{"type":"ChannelUserevent","eventname":"hello","userevent":{"reply_var":"VCCTL_PROBE_1"}}"#;
        assert_eq!(probe_reply_var(other), None);
        assert!(!is_probe(other));
        assert!(!is_probe(r#"{"type":"StasisStart"}"#));
        assert_eq!(
            request_variables(&var),
            serde_json::json!({"reply_var": var})
        );
    }

    #[test]
    fn replies_round_trip() {
        let v = reply_value("serve", 4242, "box-1.example");
        assert_eq!(v, "serve 4242 box-1.example");
        let r = parse_reply(&v);
        assert_eq!(
            r,
            Responder {
                client: "serve".into(),
                pid: 4242,
                host: "box-1.example".into()
            }
        );
        assert_eq!(r.to_string(), "vcctl serve (pid 4242 on box-1.example)");
        assert_eq!(reply_value("events", 7, "a b;c"), "events 7 abc");
        assert_eq!(parse_reply("events 7").to_string(), "vcctl events (pid 7)");
        assert_eq!(parse_reply("whatever").client, "whatever");
    }

    #[test]
    fn sentences_say_what_is_known() {
        let l = Liveness::Answered {
            by: parse_reply("serve 1 h"),
            ms: 3.25,
            channels: 2,
        };
        let s = l.sentence("voiceclone-app");
        assert!(
            s.starts_with("'voiceclone-app' is registered, and vcctl serve (pid 1 on h) answered"),
            "{s}"
        );
        assert!(s.contains("in 3.2 ms; 2 channel(s)"), "{s}");
        let s = Liveness::NoAnswer {
            waited: Duration::from_millis(1500),
            channels: 1,
        }
        .sentence("a");
        assert!(
            s.starts_with(
                "'a' is registered, but no client answers: no reply to a probe within 1.5 s"
            ),
            "{s}"
        );
        assert!(Liveness::NotRegistered
            .sentence("a")
            .starts_with("'a' is not registered"));
        let j = serde_json::to_value(Liveness::NoAnswer {
            waited: Duration::from_millis(500),
            channels: 0,
        })
        .unwrap();
        assert_eq!(
            j,
            serde_json::json!({"state": "no_answer", "waited": 0.5, "channels": 0})
        );
    }
}
