//! ARI data models, matching the swagger of Asterisk 22.10 (`/ari/api-docs/*.json`).
//!
//! Fields Asterisk marks optional are `Option`; unknown fields are ignored so that a newer
//! Asterisk does not break older vcctl builds. Events are kept as raw JSON plus a typed header
//! ([`EventHeader`]) because ARI has dozens of event types and vcctl must pass unknown ones on.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BuildInfo {
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub kernel: String,
    #[serde(default)]
    pub options: String,
    #[serde(default)]
    pub machine: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub user: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SystemInfo {
    pub version: String,
    pub entity_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SetId {
    pub user: String,
    pub group: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigInfo {
    pub name: String,
    pub default_language: String,
    pub max_channels: Option<i64>,
    pub max_open_files: Option<i64>,
    pub max_load: Option<f64>,
    pub setid: Option<SetId>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusInfo {
    pub startup_time: String,
    pub last_reload_time: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AsteriskInfo {
    pub build: Option<BuildInfo>,
    pub system: Option<SystemInfo>,
    pub config: Option<ConfigInfo>,
    pub status: Option<StatusInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallerId {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub number: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DialplanCep {
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub exten: String,
    #[serde(default)]
    pub priority: i64,
    #[serde(default)]
    pub app_name: String,
    #[serde(default)]
    pub app_data: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub state: String,
    #[serde(default)]
    pub protocol_id: String,
    #[serde(default)]
    pub caller: CallerId,
    #[serde(default)]
    pub connected: CallerId,
    #[serde(default)]
    pub accountcode: String,
    #[serde(default)]
    pub dialplan: DialplanCep,
    #[serde(default)]
    pub creationtime: String,
    #[serde(default)]
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channelvars: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_rdnis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenantid: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bridge {
    pub id: String,
    #[serde(default)]
    pub technology: String,
    #[serde(default)]
    pub bridge_type: String,
    #[serde(default)]
    pub bridge_class: String,
    #[serde(default)]
    pub creator: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_source_id: Option<String>,
    #[serde(default)]
    pub creationtime: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Endpoint {
    pub technology: String,
    pub resource: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub channel_ids: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub channel_ids: Vec<String>,
    #[serde(default)]
    pub bridge_ids: Vec<String>,
    #[serde(default)]
    pub endpoint_ids: Vec<String>,
    #[serde(default)]
    pub device_names: Vec<String>,
    #[serde(default)]
    pub events_allowed: Vec<serde_json::Value>,
    #[serde(default)]
    pub events_disallowed: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredRecording {
    pub name: String,
    pub format: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveRecording {
    pub name: String,
    pub format: String,
    #[serde(default)]
    pub target_uri: String,
    #[serde(default)]
    pub state: String,
    pub duration: Option<i64>,
    pub cause: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    pub value: String,
}

/// `GET /channels/{id}/rtp_statistics`. Jitter values are in seconds, rtt in seconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RtpStat {
    pub txcount: i64,
    pub rxcount: i64,
    pub txjitter: Option<f64>,
    pub rxjitter: Option<f64>,
    pub remote_maxjitter: Option<f64>,
    pub remote_minjitter: Option<f64>,
    pub local_maxjitter: Option<f64>,
    pub local_minjitter: Option<f64>,
    pub txploss: i64,
    pub rxploss: i64,
    pub rtt: Option<f64>,
    pub maxrtt: Option<f64>,
    pub minrtt: Option<f64>,
    pub local_ssrc: i64,
    pub remote_ssrc: i64,
    pub txoctetcount: i64,
    pub rxoctetcount: i64,
    #[serde(default)]
    pub channel_uniqueid: String,
}

/// The fields every ARI event carries, plus the ones vcctl shows on one line.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct EventHeader {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub asterisk_id: Option<String>,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub bridge: Option<Bridge>,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub cause: Option<i64>,
    #[serde(default)]
    pub cause_txt: Option<String>,
    #[serde(default)]
    pub digit: Option<String>,
    #[serde(default)]
    pub endpoint: Option<Endpoint>,
    #[serde(default)]
    pub peer: Option<Channel>,
}

impl EventHeader {
    /// Parse the header of a raw event; `None` when the text is not an ARI event object.
    pub fn parse(raw: &str) -> Option<EventHeader> {
        serde_json::from_str(raw).ok()
    }

    /// Id of the channel the event is about, if any.
    pub fn channel_id(&self) -> Option<&str> {
        self.channel.as_ref().map(|c| c.id.as_str())
    }
}

/// Parse an ARI timestamp such as `2026-11-25T12:00:01.123+0000` into Unix seconds.
///
/// Asterisk writes `%Y-%m-%dT%H:%M:%S.%3q%z`: milliseconds and a `+hhmm` offset.
pub fn parse_ari_time(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    let mut frac = 0.0;
    if let Some(r) = rest.strip_prefix('.') {
        let digits: String = r.chars().take_while(|c| c.is_ascii_digit()).collect();
        frac = format!("0.{digits}").parse().ok()?;
        rest = &r[digits.len()..];
    }
    let offset = match rest.as_bytes().first() {
        None | Some(b'Z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let t = rest[1..].replace(':', "");
            let oh: i64 = t.get(0..2)?.parse().ok()?;
            let om: i64 = t.get(2..4)?.parse().ok()?;
            let o = oh * 3600 + om * 60;
            if *sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86400 + h * 3600 + mi * 60 + sec - offset;
    Some(secs as f64 + frac)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_from_asterisk_json() {
        let raw = r#"{"id":"1732.5","name":"PJSIP/anonymous-00000001","state":"Up",
            "protocol_id":"abc@1.2.3.4","caller":{"name":"","number":"1001"},
            "connected":{"name":"","number":""},"accountcode":"",
            "dialplan":{"context":"incoming","exten":"test","priority":2,
            "app_name":"Stasis","app_data":"voiceclone-app,test,1001"},
            "creationtime":"2026-11-25T12:00:01.123+0000","language":"en","x_future":1}"#;
        let c: Channel = serde_json::from_str(raw).unwrap();
        assert_eq!(c.caller.number, "1001");
        assert_eq!(c.dialplan.app_data, "voiceclone-app,test,1001");
        assert_eq!(c.channelvars, None);
    }

    #[test]
    fn event_header_keeps_args_and_channel() {
        let raw = r#"{"type":"StasisStart","timestamp":"2026-11-25T12:00:01.500+0000",
            "args":["test","1001"],"channel":{"id":"1.1","name":"Local/test@incoming-1;2",
            "state":"Up"},"asterisk_id":"aa:bb","application":"voiceclone-app"}"#;
        let e = EventHeader::parse(raw).unwrap();
        assert_eq!(e.kind, "StasisStart");
        assert_eq!(e.args, vec!["test", "1001"]);
        assert_eq!(e.channel_id(), Some("1.1"));
        assert!(EventHeader::parse("not json").is_none());
    }

    #[test]
    fn ari_timestamps_parse_with_offsets() {
        assert_eq!(parse_ari_time("1970-01-01T00:00:00.000+0000"), Some(0.0));
        let t = parse_ari_time("2026-11-25T12:00:01.250+0000").unwrap();
        assert!((t - 1_795_608_001.25).abs() < 1e-6, "{t}");
        let east = parse_ari_time("2026-11-25T13:00:01.250+0100").unwrap();
        assert!((east - t).abs() < 1e-6);
        assert_eq!(parse_ari_time("garbage"), None);
    }

    #[test]
    fn rtp_statistics_parse() {
        let raw = r#"{"txcount":10,"rxcount":9,"txploss":0,"rxploss":1,"rtt":0.002,
            "local_ssrc":1,"remote_ssrc":2,"txoctetcount":1600,"rxoctetcount":1440,
            "channel_uniqueid":"1.1"}"#;
        let s: RtpStat = serde_json::from_str(raw).unwrap();
        assert_eq!(s.rxploss, 1);
        assert_eq!(s.rtt, Some(0.002));
    }
}
