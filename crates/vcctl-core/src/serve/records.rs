//! Call records: what is known about a call as it runs and once it ended, as the store keeps
//! them and the views render them. Plain data; the SQLite mapping lives in `io::store`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// The caller talked to the agent and someone hung up normally.
    Completed,
    /// The agent could not be reached or dropped the conversation.
    AgentFailed,
    /// The caller hung up before the agent was heard.
    CallerAbandoned,
    /// vcctl failed (ARI, media, internal error).
    Error,
    /// vcctl stopped while the call was in progress (set by the store when serve starts again).
    Unfinished,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 5] = [
        CallOutcome::Completed,
        CallOutcome::AgentFailed,
        CallOutcome::CallerAbandoned,
        CallOutcome::Error,
        CallOutcome::Unfinished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Completed => "completed",
            CallOutcome::AgentFailed => "agent_failed",
            CallOutcome::CallerAbandoned => "caller_abandoned",
            CallOutcome::Error => "error",
            CallOutcome::Unfinished => "unfinished",
        }
    }
}

impl std::str::FromStr for CallOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        CallOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| {
                format!("'{s}' is not an outcome; use completed, agent_failed, caller_abandoned, error or unfinished")
            })
    }
}

/// Who ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Caller,
    Agent,
    /// Someone using vcctl or ARI (e.g. `vcctl channels hangup`).
    Operator,
    /// vcctl itself: a timeout, an error, shutdown.
    System,
}

impl EndedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Caller => "caller",
            EndedBy::Agent => "agent",
            EndedBy::Operator => "operator",
            EndedBy::System => "system",
        }
    }
}

impl std::str::FromStr for EndedBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            EndedBy::Caller,
            EndedBy::Agent,
            EndedBy::Operator,
            EndedBy::System,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
        .ok_or_else(|| format!("'{s}' is not caller, agent, operator or system"))
    }
}

/// Milestones of a call, each a Unix time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallMark {
    /// The caller and the media channel share a bridge.
    Bridged,
    /// The agent WebSocket is open and the conversation started.
    AgentConnected,
    /// The first agent audio was sent to the caller.
    FirstAgentAudio,
}

/// What is known when a call enters Stasis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallStart {
    /// The call id serve uses everywhere (e.g. the caller's channel id).
    pub id: String,
    pub caller_channel_id: String,
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub extension: Option<String>,
    pub profile: Option<String>,
    pub agent_id: Option<String>,
    pub stasis_start: f64,
}

/// Fields to set on a call in progress; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallUpdate {
    pub media_channel_id: Option<String>,
    pub bridge_id: Option<String>,
    pub profile: Option<String>,
    pub agent_id: Option<String>,
    /// The ElevenLabs conversation id.
    pub conversation_id: Option<String>,
    pub rtp_inbound: Option<Value>,
    pub rtp_outbound: Option<Value>,
    pub latency: Option<Value>,
    pub transcript: Option<Value>,
    /// See [`CallRecord::recording`].
    pub recording: Option<String>,
    /// See [`CallRecord::transport`].
    pub transport: Option<String>,
    /// See [`CallRecord::media_ws`].
    pub media_ws: Option<Value>,
}

/// How a call ended; `None` statistics keep what an earlier update stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CallEnd {
    pub ended: f64,
    pub end_cause: Option<String>,
    pub ended_by: Option<EndedBy>,
    pub outcome: CallOutcome,
    pub rtp_inbound: Option<Value>,
    pub rtp_outbound: Option<Value>,
    pub latency: Option<Value>,
    pub transcript: Option<Value>,
}

/// Which calls the store's `list_calls` returns; the default is all of them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFilter {
    /// Started at or after this Unix time.
    pub since: Option<f64>,
    /// Started before this Unix time.
    pub until: Option<f64>,
    pub outcome: Option<CallOutcome>,
    /// Only calls still in progress (outcome not yet set).
    pub in_progress: bool,
    pub profile: Option<String>,
    pub caller: Option<String>,
    pub limit: Option<u32>,
}

/// One row of `calls`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    pub id: String,
    pub caller_channel_id: String,
    pub media_channel_id: Option<String>,
    pub bridge_id: Option<String>,
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub extension: Option<String>,
    pub profile: Option<String>,
    pub agent_id: Option<String>,
    pub conversation_id: Option<String>,
    pub stasis_start: f64,
    pub bridged: Option<f64>,
    pub agent_connected: Option<f64>,
    pub first_agent_audio: Option<f64>,
    pub ended: Option<f64>,
    pub duration_seconds: Option<f64>,
    pub end_cause: Option<String>,
    pub ended_by: Option<EndedBy>,
    /// `None` while the call is in progress.
    pub outcome: Option<CallOutcome>,
    pub rtp_inbound: Option<Value>,
    pub rtp_outbound: Option<Value>,
    pub latency: Option<Value>,
    pub transcript: Option<Value>,
    /// The recording: a file path, or `ari:<name>` for a stored recording of Asterisk.
    pub recording: Option<String>,
    /// The media transport between Asterisk and serve: `rtp` or `websocket` (schema v4).
    #[serde(default)]
    pub transport: Option<String>,
    /// `websocket` calls: the counters of the Asterisk link and the agent side (JSON).
    #[serde(default)]
    pub media_ws: Option<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_enders_read_back_what_they_print_and_refuse_the_rest() {
        for o in CallOutcome::ALL {
            assert_eq!(o.as_str().parse::<CallOutcome>(), Ok(o));
        }
        for e in [
            EndedBy::Caller,
            EndedBy::Agent,
            EndedBy::Operator,
            EndedBy::System,
        ] {
            assert_eq!(e.as_str().parse::<EndedBy>(), Ok(e));
        }
        let err = "done".parse::<CallOutcome>().unwrap_err();
        assert!(err.contains("'done' is not an outcome"), "{err}");
        assert!("bot".parse::<EndedBy>().is_err());
    }

    #[test]
    fn records_serialize_enums_in_snake_case_and_read_rows_without_the_v4_fields() {
        let json = serde_json::json!({
            "id": "c1", "caller_channel_id": "ch1", "media_channel_id": null,
            "bridge_id": null, "caller_number": "100", "caller_name": null,
            "extension": null, "profile": null, "agent_id": null, "conversation_id": null,
            "stasis_start": 1.5, "bridged": null, "agent_connected": null,
            "first_agent_audio": null, "ended": 3.0, "duration_seconds": 1.5,
            "end_cause": null, "ended_by": "caller", "outcome": "caller_abandoned",
            "rtp_inbound": null, "rtp_outbound": null, "latency": null, "transcript": null,
            "recording": null
        });
        let r: CallRecord = serde_json::from_value(json).unwrap();
        assert_eq!(r.outcome, Some(CallOutcome::CallerAbandoned));
        assert_eq!(r.ended_by, Some(EndedBy::Caller));
        assert_eq!(r.transport, None);
        let back = serde_json::to_value(&r).unwrap();
        assert_eq!(back["outcome"], "caller_abandoned");
    }
}
