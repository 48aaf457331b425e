//! Text renderings of ARI objects (their JSON form is the model itself).

use serde::Serialize;

use crate::ui::output::{kv_table, none_line, table, Render};
use vcctl_core::ari::cluster::Labelled;
use vcctl_core::ari::model::*;

/// One row of a list table: its header, its cells, and what an empty list says.
pub trait TableRow {
    const HEADER: &'static [&'static str];
    /// `no {NONE}` for an empty list.
    const NONE: &'static str;
    fn cells(&self) -> Vec<String>;
}

fn list_table<'a, T: TableRow + 'a>(
    rows: impl IntoIterator<Item = (Option<&'a str>, &'a T)>,
) -> String {
    let rows: Vec<_> = rows.into_iter().collect();
    if rows.is_empty() {
        return none_line(T::NONE);
    }
    let labelled = rows.iter().any(|(node, _)| node.is_some());
    let header = labelled
        .then_some("node")
        .into_iter()
        .chain(T::HEADER.iter().copied());
    let mut t = table(header);
    for (node, row) in rows {
        let mut cells = row.cells();
        if let Some(n) = node {
            cells.insert(0, n.to_string());
        }
        t.add_row(cells);
    }
    t.to_string()
}

/// Several nodes' rows in one table with a NODE column first; `--json` gives each row's own
/// fields and `node`.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct NodeList<T>(pub Vec<Labelled<T>>);

impl<T: TableRow + Serialize> Render for NodeList<T> {
    fn render_text(&self) -> String {
        list_table(self.0.iter().map(|r| (Some(r.node.as_str()), &r.item)))
    }
}

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

impl TableRow for InfoView {
    const HEADER: &'static [&'static str] =
        &["version", "entity id", "system name", "up", "since reload"];
    const NONE: &'static str = "nodes answered";
    fn cells(&self) -> Vec<String> {
        let i = &self.info;
        let dur = |s: Option<u64>| s.map(human_duration).unwrap_or_else(|| "-".into());
        vec![
            i.system
                .as_ref()
                .map(|s| s.version.clone())
                .unwrap_or_default(),
            i.system
                .as_ref()
                .map(|s| s.entity_id.clone())
                .unwrap_or_default(),
            i.config
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            dur(self.uptime_seconds),
            dur(self.since_reload_seconds),
        ]
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

impl TableRow for Endpoint {
    const HEADER: &'static [&'static str] = &["endpoint", "state", "channels"];
    const NONE: &'static str = "endpoints";
    fn cells(&self) -> Vec<String> {
        vec![
            format!("{}/{}", self.technology, self.resource),
            self.state.clone().unwrap_or_else(|| "-".into()),
            self.channel_ids.len().to_string(),
        ]
    }
}

impl Render for EndpointList {
    fn render_text(&self) -> String {
        list_table(self.0.iter().map(|e| (None, e)))
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

impl TableRow for Channel {
    const HEADER: &'static [&'static str] =
        &["id", "name", "state", "caller", "dialplan", "created"];
    const NONE: &'static str = "channels";
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.state.clone(),
            caller(&self.caller),
            dialplan(&self.dialplan),
            self.creationtime.clone(),
        ]
    }
}

impl Render for ChannelList {
    fn render_text(&self) -> String {
        list_table(self.0.iter().map(|c| (None, c)))
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

impl TableRow for Bridge {
    const HEADER: &'static [&'static str] =
        &["id", "name", "type", "technology", "creator", "channels"];
    const NONE: &'static str = "bridges";
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.bridge_type.clone(),
            self.technology.clone(),
            self.creator.clone(),
            list_or_dash(&self.channels),
        ]
    }
}

impl Render for BridgeList {
    fn render_text(&self) -> String {
        list_table(self.0.iter().map(|b| (None, b)))
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

/// One line for an ARI event: time, type, the channel (name, state, id) and what the event
/// says, in its own terms: `ChannelVarset` the variable and value, `DeviceStateChanged` the
/// device and its state, `ChannelDialplan` where the channel is and what runs there, `Dial`
/// the peer, dial string and status, and so on; unknown types show their scalar fields.
///
/// An observer app never gets `StasisStart`/`StasisEnd` of another app, but it sees
/// `STASISSTATUS`, which the Stasis application sets on entry (empty) and on exit (`SUCCESS`
/// or `FAILED`): those lines say `-> entered app NAME` / `-> left app NAME`.
pub fn event_line(raw: &str) -> String {
    let Some(e) = EventHeader::parse(raw) else {
        return format!("(unparsed) {raw}");
    };
    let v: serde_json::Value = serde_json::from_str(raw).unwrap_or_default();
    let time = e.timestamp.get(11..23).unwrap_or(&e.timestamp).to_string();
    let mut parts: Vec<String> = Vec::new();
    if let Some(c) = &e.channel {
        parts.push(format!("{} [{}] id={}", c.name, c.state, c.id));
    }
    event_details(&e, &v, &mut parts);
    format!("{time}  {:<24} {}", e.kind, parts.join(" "))
        .trim_end()
        .to_string()
}

/// A variable's value on one line: runs of white space as one space, quoted when empty or
/// when it has spaces.
fn shown_value(v: &str) -> String {
    let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    if v.is_empty() || v.contains(' ') {
        format!("{v:?}")
    } else {
        v
    }
}

/// The app a channel in `Stasis(app,args...)` is in, and its args.
fn stasis_app(c: &Channel) -> Option<(String, String)> {
    if !c.dialplan.app_name.eq_ignore_ascii_case("Stasis") {
        return None;
    }
    let mut it = c.dialplan.app_data.splitn(2, ',');
    let app = it.next().filter(|a| !a.is_empty())?.to_string();
    Some((app, it.next().unwrap_or("").to_string()))
}

fn event_details(e: &EventHeader, v: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    let s = |p: &str| {
        v.pointer(p).and_then(|x| match x {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
    };
    let bridge = |out: &mut Vec<String>| {
        if let Some(b) = &e.bridge {
            let mut t = format!("bridge={}", b.id);
            if !b.name.is_empty() {
                t.push_str(&format!(" ({})", b.name));
            }
            out.push(t);
        }
    };
    let cause = |out: &mut Vec<String>| {
        if let Some(c) = e.cause {
            let mut t = format!("cause={c}");
            if let Some(txt) = &e.cause_txt {
                t.push_str(&format!(" ({txt})"));
            }
            out.push(t);
        }
    };
    match e.kind.as_str() {
        "ChannelVarset" => {
            if e.channel.is_none() {
                out.push("(global)".into());
            }
            let var = s("/variable").unwrap_or_else(|| "?".into());
            let value = v["value"].as_str().unwrap_or("");
            out.push(format!("{var}={}", shown_value(value)));
            if var == "STASISSTATUS" {
                if let Some((app, args)) = e.channel.as_ref().and_then(stasis_app) {
                    out.push(match value {
                        "" if args.is_empty() => format!("-> entered app {app}"),
                        "" => format!("-> entered app {app} (args {args})"),
                        "SUCCESS" => format!("-> left app {app}"),
                        other => format!(
                            "-> left app {app} ({other}: the app was not registered or failed)"
                        ),
                    });
                }
            }
        }
        "DeviceStateChanged" => out.push(format!(
            "device {} {}",
            s("/device_state/name").unwrap_or_else(|| "?".into()),
            s("/device_state/state").unwrap_or_else(|| "?".into())
        )),
        "ChannelDialplan" => {
            if let Some(c) = &e.channel {
                let d = &c.dialplan;
                out.push(format!("at {},{},{}", d.context, d.exten, d.priority));
            }
            if let Some(app) = s("/dialplan_app") {
                out.push(format!(
                    "{app}({})",
                    s("/dialplan_app_data").unwrap_or_default()
                ));
            }
        }
        "ChannelHangupRequest" => {
            cause(out);
            if v["soft"].as_bool() == Some(true) {
                out.push("soft".into());
            }
        }
        "ChannelEnteredBridge" | "ChannelLeftBridge" => bridge(out),
        "BridgeCreated" | "BridgeDestroyed" | "BridgeMerged" | "BridgeVideoSourceChanged" => {
            if let Some(b) = &e.bridge {
                out.push(format!(
                    "bridge={} {}{} channels={}",
                    b.id,
                    if b.bridge_type.is_empty() {
                        "-"
                    } else {
                        &b.bridge_type
                    },
                    if b.name.is_empty() {
                        String::new()
                    } else {
                        format!(" name={}", b.name)
                    },
                    b.channels.len()
                ));
            }
            if let Some(from) = s("/bridge_from/id") {
                out.push(format!("merged from {from}"));
            }
        }
        "Dial" => {
            if let Some(p) = &e.peer {
                out.push(format!("peer={} [{}] id={}", p.name, p.state, p.id));
            }
            if let Some(c) = v.get("caller").and_then(|c| c["name"].as_str()) {
                out.push(format!("caller={c}"));
            }
            if let Some(d) = s("/dialstring") {
                out.push(format!("dialstring={d}"));
            }
            out.push(format!(
                "status={}",
                s("/dialstatus").unwrap_or_else(|| "(dialing)".into())
            ));
            if let Some(f) = s("/forward") {
                out.push(format!("forward={f}"));
            }
        }
        "ChannelDtmfReceived" => {
            if let Some(d) = &e.digit {
                out.push(format!("digit={d}"));
            }
            if let Some(ms) = s("/duration_ms") {
                out.push(format!("({ms} ms)"));
            }
        }
        "ChannelCallerId" => {
            if let Some(c) = &e.channel {
                out.push(format!("caller={}", caller(&c.caller)));
            }
            if let Some(p) = s("/caller_presentation_txt") {
                out.push(format!("({p})"));
            }
        }
        "ChannelConnectedLine" => {
            if let Some(c) = &e.channel {
                out.push(format!("connected={}", caller(&c.connected)));
            }
        }
        "ChannelTalkingFinished" => {
            if let Some(d) = s("/duration") {
                out.push(format!("talked {d} ms"));
            }
        }
        "ChannelHold" => {
            if let Some(m) = s("/musicclass") {
                out.push(format!("musicclass={m}"));
            }
        }
        "ChannelUserevent" => {
            if let Some(n) = s("/eventname") {
                out.push(format!("event={n}"));
            }
        }
        "PlaybackStarted" | "PlaybackContinuing" | "PlaybackFinished" => out.push(format!(
            "playback={} {} [{}] on {}",
            s("/playback/id").unwrap_or_default(),
            s("/playback/media_uri").unwrap_or_default(),
            s("/playback/state").unwrap_or_default(),
            s("/playback/target_uri").unwrap_or_default()
        )),
        "RecordingStarted" | "RecordingFinished" | "RecordingFailed" => {
            out.push(format!(
                "recording={} [{}] on {}",
                s("/recording/name").unwrap_or_default(),
                s("/recording/state").unwrap_or_default(),
                s("/recording/target_uri").unwrap_or_default()
            ));
            if let Some(d) = s("/recording/duration") {
                out.push(format!("{d} s"));
            }
            if let Some(c) = s("/recording/cause") {
                out.push(format!("cause={c}"));
            }
        }
        "PeerStatusChange" | "ContactStatusChange" | "EndpointStateChange" => {
            if let Some(ep) = &e.endpoint {
                out.push(format!(
                    "endpoint={}/{} [{}]",
                    ep.technology,
                    ep.resource,
                    ep.state.as_deref().unwrap_or("-")
                ));
            }
            if let Some(p) = s("/peer/peer_status") {
                out.push(format!("peer {p}"));
                if let Some(a) = s("/peer/address") {
                    out.push(format!("from {a}"));
                }
            }
            if let Some(st) = s("/contact_info/contact_status") {
                out.push(format!(
                    "contact {} {st}",
                    s("/contact_info/uri").unwrap_or_default()
                ));
                if let Some(rtt) = s("/contact_info/roundtrip_usec") {
                    out.push(format!("rtt {rtt} us"));
                }
            }
        }
        "TextMessageReceived" => out.push(format!(
            "from {} to {}: {}",
            s("/message/from").unwrap_or_default(),
            s("/message/to").unwrap_or_default(),
            shown_value(&s("/message/body").unwrap_or_default())
        )),
        "BridgeBlindTransfer" | "BridgeAttendedTransfer" => {
            bridge(out);
            for k in ["result", "exten", "context", "destination_type"] {
                if let Some(x) = s(&format!("/{k}")) {
                    out.push(format!("{k}={x}"));
                }
            }
        }
        _ => {
            // The fields every event may carry, then the other scalar fields by name.
            bridge(out);
            if let Some(p) = &e.peer {
                out.push(format!("peer={}", p.name));
            }
            if let Some(ep) = &e.endpoint {
                out.push(format!(
                    "endpoint={}/{} [{}]",
                    ep.technology,
                    ep.resource,
                    ep.state.as_deref().unwrap_or("-")
                ));
            }
            if let Some(d) = &e.digit {
                out.push(format!("digit={d}"));
            }
            cause(out);
            if let Value::Object(m) = v {
                for (k, x) in m {
                    let skip = [
                        "type",
                        "timestamp",
                        "asterisk_id",
                        "application",
                        "cause",
                        "cause_txt",
                        "digit",
                        "args",
                    ];
                    if skip.contains(&k.as_str()) {
                        continue;
                    }
                    match x {
                        Value::String(t) if !t.is_empty() => {
                            out.push(format!("{k}={}", shown_value(t)))
                        }
                        Value::Number(n) => out.push(format!("{k}={n}")),
                        Value::Bool(b) => out.push(format!("{k}={b}")),
                        _ => {}
                    }
                }
            }
        }
    }
    if !e.args.is_empty() {
        out.push(format!("args={}", e.args.join(",")));
    }
    if e.kind == "StasisStart" {
        if let Some(r) = s("/replace_channel/name") {
            out.push(format!("replacing {r}"));
        }
    }
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

    /// Events as the sandbox's Asterisk 22 sends them to an observer during one call.
    #[test]
    fn event_lines_show_each_events_own_fields() {
        let chan = |app: &str, data: &str| {
            format!(
                r#""channel":{{"id":"1.1","name":"PJSIP/anonymous-00000001","state":"Up","dialplan":{{"context":"incoming","exten":"test","priority":2,"app_name":"{app}","app_data":"{data}"}}}}"#
            )
        };
        let ts = r#""timestamp":"2026-11-29T11:19:52.818+0000""#;
        let line = |body: String| event_line(&format!("{{{ts},{body}}}"));
        let stasis = chan("Stasis", "voiceclone-app,test,vcctl");
        assert_eq!(
            line(format!(r#""type":"ChannelVarset","variable":"SIPDOMAIN","value":"127.0.0.1",{}"#, chan("", ""))),
            "11:19:52.818  ChannelVarset            PJSIP/anonymous-00000001 [Up] id=1.1 SIPDOMAIN=127.0.0.1"
        );
        assert_eq!(
            line(format!(r#""type":"ChannelVarset","variable":"STASISSTATUS","value":"",{stasis}"#)),
            "11:19:52.818  ChannelVarset            PJSIP/anonymous-00000001 [Up] id=1.1 STASISSTATUS=\"\" -> entered app voiceclone-app (args test,vcctl)"
        );
        assert!(line(format!(
            r#""type":"ChannelVarset","variable":"STASISSTATUS","value":"SUCCESS",{stasis}"#
        ))
        .ends_with("STASISSTATUS=SUCCESS -> left app voiceclone-app"));
        assert!(line(format!(r#""type":"ChannelVarset","variable":"RTPAUDIOQOSRTT","value":"   minrtt=000.000473;     maxrtt=000.002197;",{stasis}"#))
            .ends_with("RTPAUDIOQOSRTT=\"minrtt=000.000473; maxrtt=000.002197;\""));
        assert_eq!(
            line(r#""type":"DeviceStateChanged","device_state":{"name":"PJSIP/anonymous","state":"INUSE"}"#.into()),
            "11:19:52.818  DeviceStateChanged       device PJSIP/anonymous INUSE"
        );
        assert!(line(format!(r#""type":"ChannelDialplan","dialplan_app":"Stasis","dialplan_app_data":"voiceclone-app,test,vcctl",{stasis}"#))
            .ends_with("id=1.1 at incoming,test,2 Stasis(voiceclone-app,test,vcctl)"));
        assert!(line(format!(
            r#""type":"ChannelHangupRequest","cause":16,"soft":true,{stasis}"#
        ))
        .ends_with("id=1.1 cause=16 soft"));
        assert!(line(format!(
            r#""type":"ChannelDestroyed","cause":16,"cause_txt":"Normal Clearing",{stasis}"#
        ))
        .ends_with("id=1.1 cause=16 (Normal Clearing)"));
        assert!(line(r#""type":"Dial","dialstatus":"ANSWER","dialstring":"127.0.0.1:40000/c(ulaw)","peer":{"id":"vcctl-em-1","name":"UnicastRTP/127.0.0.1:40000-0x1","state":"Up"}"#.into())
            .ends_with("Dial                     peer=UnicastRTP/127.0.0.1:40000-0x1 [Up] id=vcctl-em-1 dialstring=127.0.0.1:40000/c(ulaw) status=ANSWER"));
        assert!(line(format!(r#""type":"ChannelEnteredBridge","bridge":{{"id":"b1","name":"vcctl-1.1","channels":["1.1"]}},{stasis}"#))
            .ends_with("id=1.1 bridge=b1 (vcctl-1.1)"));
        assert!(line(r#""type":"BridgeCreated","bridge":{"id":"b1","bridge_type":"mixing","name":"vcctl-1.1","channels":[]}"#.into())
            .ends_with("bridge=b1 mixing name=vcctl-1.1 channels=0"));
        // An unknown type shows its scalar fields.
        assert!(
            line(r#""type":"SomethingNew","color":"blue","n":3,"nested":{"x":1}"#.into())
                .ends_with("SomethingNew             color=blue n=3")
        );
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
    fn node_lists_put_the_node_first_and_json_names_it() {
        let ch = |id: &str| Channel {
            id: id.into(),
            name: format!("PJSIP/x-{id}"),
            state: "Up".into(),
            ..Default::default()
        };
        let list = NodeList(vec![
            Labelled {
                node: "node1".into(),
                item: ch("a"),
            },
            Labelled {
                node: "node2".into(),
                item: ch("b"),
            },
        ]);
        let text = list.render_text();
        let header = text.lines().nth(1).unwrap();
        assert!(
            header.trim_start_matches('│').trim().starts_with("node"),
            "{text}"
        );
        let row_b = text.lines().find(|l| l.contains("PJSIP/x-b")).unwrap();
        assert!(row_b.contains("node2"), "{text}");
        let v = serde_json::to_value(&list).unwrap();
        assert_eq!(v[1]["node"], "node2");
        assert_eq!(v[1]["id"], "b");
        // One node's list has no node column, as before.
        let one = ChannelList(vec![ch("a")]).render_text();
        assert!(!one.contains("node"), "{one}");
        assert_eq!(NodeList::<Channel>(vec![]).render_text(), "no channels");
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
