//! Text renderings of ARI objects (their JSON form is the model itself).

use serde::Serialize;

use crate::core::ari_model::*;
use crate::ui::output::{kv_table, none_line, table, Render};

/// `vcctl info`: Asterisk's own info plus the uptime computed from it.
#[derive(Debug, Serialize)]
pub struct InfoView {
    #[serde(flatten)]
    pub info: AsteriskInfo,
    pub uptime_seconds: Option<u64>,
    pub since_reload_seconds: Option<u64>,
}

impl InfoView {
    pub fn new(info: AsteriskInfo, now_unix: f64) -> Self {
        let since = |t: Option<&str>| {
            t.and_then(parse_ari_time)
                .map(|start| (now_unix - start).max(0.0) as u64)
        };
        let status = info.status.as_ref();
        InfoView {
            uptime_seconds: since(status.map(|s| s.startup_time.as_str())),
            since_reload_seconds: since(status.map(|s| s.last_reload_time.as_str())),
            info,
        }
    }
}

/// `1d 2h 3m 4s` style durations for people.
pub fn human_duration(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m {s}s"),
        _ => format!("{d}d {h}h {m}m {s}s"),
    }
}

impl Render for InfoView {
    fn render_text(&self) -> String {
        let i = &self.info;
        let sys = i.system.clone().unwrap_or_default();
        let build = i.build.clone().unwrap_or_default();
        let status = i.status.clone().unwrap_or_default();
        let cfg = i.config.clone().unwrap_or_default();
        let ago = |s: Option<u64>| {
            s.map(|s| format!(" ({} ago)", human_duration(s)))
                .unwrap_or_default()
        };
        kv_table(&[
            ("version", sys.version),
            ("entity id", sys.entity_id),
            (
                "build",
                format!("{} {} {}", build.os, build.kernel, build.machine)
                    .trim()
                    .to_string(),
            ),
            ("built", format!("{} by {}", build.date, build.user)),
            (
                "started",
                format!("{}{}", status.startup_time, ago(self.uptime_seconds)),
            ),
            (
                "last reload",
                format!(
                    "{}{}",
                    status.last_reload_time,
                    ago(self.since_reload_seconds)
                ),
            ),
            ("system name", cfg.name),
            ("default language", cfg.default_language),
            (
                "max channels",
                cfg.max_channels
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "unlimited".into()),
            ),
        ])
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct EndpointList(pub Vec<Endpoint>);

impl Render for EndpointList {
    fn render_text(&self) -> String {
        if self.0.is_empty() {
            return none_line("endpoints");
        }
        let mut t = table(["endpoint", "state", "channels"]);
        for e in &self.0 {
            t.add_row([
                format!("{}/{}", e.technology, e.resource),
                e.state.clone().unwrap_or_else(|| "-".into()),
                e.channel_ids.len().to_string(),
            ]);
        }
        t.to_string()
    }
}

impl Render for Endpoint {
    fn render_text(&self) -> String {
        kv_table(&[
            ("endpoint", format!("{}/{}", self.technology, self.resource)),
            ("state", self.state.clone().unwrap_or_else(|| "-".into())),
            ("channels", list_or_dash(&self.channel_ids)),
        ])
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct ChannelList(pub Vec<Channel>);

impl Render for ChannelList {
    fn render_text(&self) -> String {
        if self.0.is_empty() {
            return none_line("channels");
        }
        let mut t = table(["id", "name", "state", "caller", "dialplan", "created"]);
        for c in &self.0 {
            t.add_row([
                c.id.clone(),
                c.name.clone(),
                c.state.clone(),
                caller(&c.caller),
                dialplan(&c.dialplan),
                c.creationtime.clone(),
            ]);
        }
        t.to_string()
    }
}

/// `channels show`: the channel plus its RTP statistics when it has media.
#[derive(Debug, Serialize)]
pub struct ChannelView {
    #[serde(flatten)]
    pub channel: Channel,
    pub rtp_statistics: Option<RtpStat>,
}

impl Render for ChannelView {
    fn render_text(&self) -> String {
        let c = &self.channel;
        let mut rows = vec![
            ("id", c.id.clone()),
            ("name", c.name.clone()),
            ("state", c.state.clone()),
            ("caller", caller(&c.caller)),
            ("connected", caller(&c.connected)),
            ("dialplan", dialplan(&c.dialplan)),
            (
                "app",
                format!("{}({})", c.dialplan.app_name, c.dialplan.app_data),
            ),
            ("created", c.creationtime.clone()),
            ("language", c.language.clone()),
        ];
        if !c.protocol_id.is_empty() {
            rows.push(("protocol id", c.protocol_id.clone()));
        }
        match &self.rtp_statistics {
            Some(s) => {
                rows.push((
                    "rtp sent",
                    format!(
                        "{} packets, {} bytes, {} lost",
                        s.txcount, s.txoctetcount, s.txploss
                    ),
                ));
                rows.push((
                    "rtp received",
                    format!(
                        "{} packets, {} bytes, {} lost",
                        s.rxcount, s.rxoctetcount, s.rxploss
                    ),
                ));
                rows.push((
                    "rtp jitter",
                    format!("rx {} / tx {}", ms(s.rxjitter), ms(s.txjitter)),
                ));
                rows.push(("rtt", ms(s.rtt)));
                rows.push((
                    "ssrc",
                    format!(
                        "local {:#010x}, remote {:#010x}",
                        s.local_ssrc, s.remote_ssrc
                    ),
                ));
            }
            None => rows.push(("rtp", "no RTP media on this channel".into())),
        }
        kv_table(&rows)
    }
}

fn ms(v: Option<f64>) -> String {
    v.map(|s| format!("{:.1} ms", s * 1000.0))
        .unwrap_or_else(|| "-".into())
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct BridgeList(pub Vec<Bridge>);

impl Render for BridgeList {
    fn render_text(&self) -> String {
        if self.0.is_empty() {
            return none_line("bridges");
        }
        let mut t = table(["id", "name", "type", "technology", "creator", "channels"]);
        for b in &self.0 {
            t.add_row([
                b.id.clone(),
                b.name.clone(),
                b.bridge_type.clone(),
                b.technology.clone(),
                b.creator.clone(),
                list_or_dash(&b.channels),
            ]);
        }
        t.to_string()
    }
}

impl Render for Bridge {
    fn render_text(&self) -> String {
        kv_table(&[
            ("id", self.id.clone()),
            ("name", self.name.clone()),
            ("type", self.bridge_type.clone()),
            ("class", self.bridge_class.clone()),
            ("technology", self.technology.clone()),
            ("creator", self.creator.clone()),
            ("channels", list_or_dash(&self.channels)),
            ("created", self.creationtime.clone()),
        ])
    }
}

impl Render for Channel {
    fn render_text(&self) -> String {
        ChannelList(vec![self.clone()]).render_text()
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct AppList(pub Vec<Application>);

impl Render for AppList {
    fn render_text(&self) -> String {
        if self.0.is_empty() {
            return none_line("ARI applications connected");
        }
        let mut t = table(["application", "channels", "bridges", "endpoints", "devices"]);
        for a in &self.0 {
            t.add_row([
                a.name.clone(),
                list_or_dash(&a.channel_ids),
                list_or_dash(&a.bridge_ids),
                list_or_dash(&a.endpoint_ids),
                list_or_dash(&a.device_names),
            ]);
        }
        t.to_string()
    }
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct RecordingList(pub Vec<StoredRecording>);

impl Render for RecordingList {
    fn render_text(&self) -> String {
        if self.0.is_empty() {
            return none_line("stored recordings");
        }
        let mut t = table(["name", "format"]);
        for r in &self.0 {
            t.add_row([r.name.clone(), r.format.clone()]);
        }
        t.to_string()
    }
}

/// The outcome of an action (hangup, destroy, ...), as a sentence and as JSON.
#[derive(Debug, Serialize)]
pub struct Done {
    pub ok: bool,
    pub action: String,
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Render for Done {
    fn render_text(&self) -> String {
        match &self.detail {
            Some(d) => format!("{} {}: {}", self.action, self.target, d),
            None => format!("{} {}", self.action, self.target),
        }
    }
}

/// One line for an ARI event: time, type, channel name/state, bridge, args.
pub fn event_line(raw: &str) -> String {
    let Some(e) = EventHeader::parse(raw) else {
        return format!("(unparsed) {raw}");
    };
    let time = e.timestamp.get(11..23).unwrap_or(&e.timestamp).to_string();
    let mut line = format!("{time}  {:<24}", e.kind);
    if let Some(c) = &e.channel {
        line.push_str(&format!(" {} [{}] id={}", c.name, c.state, c.id));
    }
    if let Some(b) = &e.bridge {
        line.push_str(&format!(" bridge={}", b.id));
    }
    if let Some(p) = &e.peer {
        line.push_str(&format!(" peer={}", p.name));
    }
    if let Some(ep) = &e.endpoint {
        line.push_str(&format!(
            " endpoint={}/{} [{}]",
            ep.technology,
            ep.resource,
            ep.state.as_deref().unwrap_or("-")
        ));
    }
    if let Some(d) = &e.digit {
        line.push_str(&format!(" digit={d}"));
    }
    if let Some(c) = e.cause {
        line.push_str(&format!(" cause={c}"));
        if let Some(t) = &e.cause_txt {
            line.push_str(&format!(" ({t})"));
        }
    }
    if !e.args.is_empty() {
        line.push_str(&format!(" args={}", e.args.join(",")));
    }
    line.trim_end().to_string()
}

fn caller(c: &CallerId) -> String {
    match (c.name.is_empty(), c.number.is_empty()) {
        (true, true) => "-".into(),
        (true, false) => c.number.clone(),
        (false, true) => c.name.clone(),
        (false, false) => format!("\"{}\" <{}>", c.name, c.number),
    }
}

fn dialplan(d: &DialplanCep) -> String {
    if d.context.is_empty() {
        "-".into()
    } else {
        format!("{},{},{}", d.context, d.exten, d.priority)
    }
}

fn list_or_dash(v: &[String]) -> String {
    if v.is_empty() {
        "-".into()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_line_shows_type_channel_and_args() {
        let raw = r#"{"type":"StasisStart","timestamp":"2026-11-25T12:00:01.500+0000",
            "args":["test","1001"],"channel":{"id":"1.1","name":"Local/test@incoming-1;2",
            "state":"Up"},"application":"voiceclone-app"}"#;
        assert_eq!(
            event_line(raw),
            "12:00:01.500  StasisStart              Local/test@incoming-1;2 [Up] id=1.1 args=test,1001"
        );
        assert_eq!(event_line("{bad"), "(unparsed) {bad");
    }

    #[test]
    fn info_uptime_is_computed_from_startup_time() {
        let info = AsteriskInfo {
            status: Some(StatusInfo {
                startup_time: "1970-01-01T00:00:00.000+0000".into(),
                last_reload_time: "1970-01-01T00:01:00.000+0000".into(),
            }),
            ..Default::default()
        };
        let v = InfoView::new(info, 3725.0);
        assert_eq!(v.uptime_seconds, Some(3725));
        assert_eq!(v.since_reload_seconds, Some(3665));
        assert!(v.render_text().contains("(1h 2m 5s ago)"));
    }

    #[test]
    fn empty_lists_say_so() {
        assert_eq!(ChannelList(vec![]).render_text(), "no channels");
        assert_eq!(BridgeList(vec![]).render_text(), "no bridges");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(65), "1m 5s");
        assert_eq!(human_duration(90061), "1d 1h 1m 1s");
    }
}
