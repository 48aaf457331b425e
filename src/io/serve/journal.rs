//! serve's per-call journals: what `vcctl top` shows of a call as it runs and what
//! `vcctl calls bundle` packs after it ended.
//!
//! Per live call, in memory, a bounded [`Timeline`] ([`DEFAULT_TIMELINE_ENTRIES`] entries,
//! oldest dropped first) of the ARI events of its channels and bridge, agent protocol
//! messages (audio and keep-alives left out), turns with their transcript lines, and media
//! events (speech, response latency, barge-in); `GET /calls/{id}/timeline?after=N` reads it.
//!
//! On disk (`serve --call-logs DIR`, by default `call-logs/` beside the database), two files
//! per call, one JSON object a line:
//! - `<id>.events.jsonl`: the settings in force when the call started, every timeline entry
//!   (ARI events whole), the files the call left (capture, recording) at its end;
//! - `<id>.agent.jsonl`: every agent protocol message both ways with its time (`t`, Unix s)
//!   and direction; audio payloads are replaced by their size unless `--call-logs-audio`.
//!
//! Bounds: each file stops at `--call-logs-max-mb` (default 16 MiB; a last line says it was
//! cut), and only the newest `--call-logs-keep` calls' files are kept (default 1000; older ones
//! are deleted every 50 calls). A write error stops that call's file, never the call.
//!
//! Streamed (`GET /calls/{id}/events`, [`Journal::follow`]): each entry is also handed to the
//! call's readers as it is pushed. They share one queue of [`FOLLOW_QUEUE`] entries per call (a
//! tokio broadcast channel: the call never waits for a reader); a reader that falls further
//! behind is dropped with an `end` frame saying so, and may resume with `after=`. At most
//! [`MAX_FOLLOWERS`] readers per call. When the call ends its last entry (`ended`) goes out and
//! the streams close. No reader: no queue and no copy of an entry.
//!
//! Cost: nothing per RTP packet; one buffered line per ARI event and agent message.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use tokio::sync::broadcast;

use crate::io::clock::now_unix;
use vcctl_core::agent::proto::ServerMessage;
use vcctl_core::ari::model::EventHeader;
use vcctl_core::serve::timeline::DEFAULT_TIMELINE_ENTRIES;
use vcctl_core::serve::timeline::{
    summarize_agent_message, Finished, Timeline, Totals, TotalsView,
};
use vcctl_core::util::file_stem::call_file_stem;

/// Calls whose files are kept unless told otherwise.
pub const DEFAULT_KEEP_CALLS: usize = 1000;
/// Largest size of one call's file unless told otherwise (MiB).
pub const DEFAULT_MAX_FILE_MB: u64 = 16;
/// Entries one reader of a call's stream may fall behind before it is dropped.
pub const FOLLOW_QUEUE: usize = 256;
/// Readers of one call's stream at a time.
pub const MAX_FOLLOWERS: usize = 16;
/// Suffixes of a call's two files.
pub const EVENTS_SUFFIX: &str = ".events.jsonl";
pub const AGENT_SUFFIX: &str = ".agent.jsonl";

/// Where and how much serve writes.
#[derive(Debug, Clone)]
pub struct JournalSettings {
    /// `None`: in memory only (no files).
    pub dir: Option<PathBuf>,
    pub keep_calls: usize,
    pub max_file_bytes: u64,
    /// Keep agent audio payloads in the agent log (else their size only).
    pub keep_audio: bool,
    pub ring_entries: usize,
}

impl Default for JournalSettings {
    fn default() -> Self {
        JournalSettings {
            dir: None,
            keep_calls: DEFAULT_KEEP_CALLS,
            max_file_bytes: DEFAULT_MAX_FILE_MB * 1024 * 1024,
            keep_audio: false,
            ring_entries: DEFAULT_TIMELINE_ENTRIES,
        }
    }
}

/// The file stem of a call's logs: its id with anything but letters, digits, '.', '-' and
/// '_' replaced, the stem of its capture and recording too ([`call_file_stem`]).
pub fn stem(call_id: &str) -> String {
    call_file_stem(call_id)
}

/// The two log files of `call_id` in `dir`: (events, agent).
pub fn paths(dir: &Path, call_id: &str) -> (PathBuf, PathBuf) {
    let s = stem(call_id);
    (
        dir.join(format!("{s}{EVENTS_SUFFIX}")),
        dir.join(format!("{s}{AGENT_SUFFIX}")),
    )
}

/// The default directory: `call-logs/` beside the database.
pub fn default_dir(db: &crate::io::db::DbLocation) -> PathBuf {
    match db {
        crate::io::db::DbLocation::Sqlite(db) => db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .join("call-logs"),
        // A shared store has no folder of its own: the logs stay on this node.
        crate::io::db::DbLocation::Postgres(_) => PathBuf::from("call-logs"),
    }
}

/// One JSON-lines file with a size limit.
struct LogFile {
    w: Option<BufWriter<File>>,
    written: u64,
    cap: u64,
    path: PathBuf,
}

impl LogFile {
    fn create(path: PathBuf, cap: u64) -> Option<LogFile> {
        match File::create(&path) {
            Ok(f) => Some(LogFile {
                w: Some(BufWriter::with_capacity(16 * 1024, f)),
                written: 0,
                cap,
                path,
            }),
            Err(e) => {
                tracing::warn!("could not create the call log {}: {e}", path.display());
                None
            }
        }
    }

    fn line(&mut self, v: &Value) {
        let Some(w) = self.w.as_mut() else { return };
        let mut text = v.to_string();
        text.push('\n');
        if self.written + text.len() as u64 > self.cap {
            let _ = writeln!(
                w,
                "{}",
                json!({"t": now_unix(), "kind": "serve", "what": "log cut: --call-logs-max-mb reached"})
            );
            let _ = w.flush();
            self.w = None;
            return;
        }
        self.written += text.len() as u64;
        if let Err(e) = w.write_all(text.as_bytes()) {
            tracing::warn!("writing the call log {} failed: {e}", self.path.display());
            self.w = None;
        }
    }

    fn flush(&mut self) {
        if let Some(w) = self.w.as_mut() {
            let _ = w.flush();
        }
    }
}

/// An entry handed to a call's stream readers: its sequence number and JSON text.
pub type Streamed = Arc<(u64, String)>;

/// The ring and its readers, under one lock so a reader's backlog and its subscription meet
/// without a gap.
struct Ring {
    timeline: Timeline,
    /// Created when the first reader comes; dropped when the call ends.
    followers: Option<broadcast::Sender<Streamed>>,
    ended: bool,
}

/// A new reader of a call's stream: the entries the ring holds after its cursor, how many
/// it dropped before, and the live entries (`None`: the call has already ended).
pub struct Subscription {
    pub backlog: Vec<(u64, String)>,
    pub missed: u64,
    pub live: Option<broadcast::Receiver<Streamed>>,
}

/// The call already has [`MAX_FOLLOWERS`] readers.
#[derive(Debug, thiserror::Error)]
#[error("this call's event stream already has {MAX_FOLLOWERS} readers; close one and retry")]
pub struct TooManyFollowers;

/// One live call's journal.
pub struct Journal {
    ring: Mutex<Ring>,
    events: Mutex<Option<LogFile>>,
    agent: Mutex<Option<LogFile>>,
    keep_audio: bool,
    /// Agent audio messages received (not in the ring).
    agent_audio_in: AtomicU64,
    /// The caller leg's RTP figures as Asterisk last reported them.
    caller_leg: Mutex<Option<Value>>,
    /// An operator asked serve to hang the call up (`POST /calls/{id}/hangup`).
    operator_hangup: std::sync::atomic::AtomicBool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Journal {
    fn new(settings: &JournalSettings, files: Option<(PathBuf, PathBuf)>) -> Journal {
        let (events, agent) = match files {
            Some((e, a)) => (
                LogFile::create(e, settings.max_file_bytes),
                LogFile::create(a, settings.max_file_bytes),
            ),
            None => (None, None),
        };
        Journal {
            ring: Mutex::new(Ring {
                timeline: Timeline::new(settings.ring_entries),
                followers: None,
                ended: false,
            }),
            events: Mutex::new(events),
            agent: Mutex::new(agent),
            keep_audio: settings.keep_audio,
            agent_audio_in: AtomicU64::new(0),
            caller_leg: Mutex::new(None),
            operator_hangup: Default::default(),
        }
    }

    /// The caller leg's RTP figures (from Asterisk's RTP statistics of the channel).
    pub fn set_caller_leg(&self, v: Value) {
        *lock(&self.caller_leg) = Some(v);
    }

    /// An operator asked for the hang-up (noted in the timeline): the call's end is theirs.
    pub fn operator_hangup(&self) {
        self.operator_hangup.store(true, Ordering::Relaxed);
        self.note("hangup requested over the HTTP API", json!({}));
    }

    /// Whether [`Journal::operator_hangup`] was called.
    pub fn hung_up_by_operator(&self) -> bool {
        self.operator_hangup.load(Ordering::Relaxed)
    }

    pub fn caller_leg(&self) -> Option<Value> {
        lock(&self.caller_leg).clone()
    }

    /// Add an entry (a JSON object with `kind`) to the timeline and the events file.
    pub fn push(&self, mut entry: Value) {
        if let Some(o) = entry.as_object_mut() {
            o.entry("t").or_insert(json!(now_unix()));
        }
        {
            let mut ring = lock(&self.ring);
            let seq = ring.timeline.push(entry.clone());
            if let Some(o) = entry.as_object_mut() {
                o.insert("seq".into(), json!(seq));
            }
            // Sent under the ring's lock, so readers see entries in sequence order. Never
            // blocks: a reader too far behind loses its place (and is dropped), not the call.
            if let Some(tx) = ring.followers.as_ref().filter(|tx| tx.receiver_count() > 0) {
                let _ = tx.send(Arc::new((seq, entry.to_string())));
            }
        }
        if let Some(f) = lock(&self.events).as_mut() {
            f.line(&entry);
        }
    }

    /// Something serve did or saw (`what`, with extra fields).
    pub fn note(&self, what: &str, extra: Value) {
        let mut e = json!({ "kind": "serve", "what": what });
        if let (Some(o), Value::Object(x)) = (e.as_object_mut(), extra) {
            o.extend(x);
        }
        self.push(e);
    }

    /// A media event of the call (speech, response latency, barge-in, agent error).
    pub fn media(&self, what: &str, extra: Value) {
        let mut e = json!({ "kind": "media", "what": what });
        if let (Some(o), Value::Object(x)) = (e.as_object_mut(), extra) {
            o.extend(x);
        }
        self.push(e);
    }

    /// A message from the agent: the whole message to the agent log; to the timeline its
    /// transcript lines as turns and the other messages summarized (audio and pings only
    /// counted).
    pub fn agent_in(&self, msg: &ServerMessage) {
        let t = now_unix();
        let text = msg.to_json();
        self.agent_line(t, "in", &text);
        match msg {
            ServerMessage::Audio { .. } => {
                self.agent_audio_in.fetch_add(1, Ordering::Relaxed);
            }
            ServerMessage::Ping { .. } | ServerMessage::VadScore { .. } => {}
            ServerMessage::AgentResponse { text } => {
                self.push(json!({"t": t, "kind": "turn", "role": "agent", "text": text}))
            }
            ServerMessage::UserTranscript { text } => {
                self.push(json!({"t": t, "kind": "turn", "role": "caller", "text": text}))
            }
            ServerMessage::AgentResponseCorrection { corrected, .. } => self.push(
                json!({"t": t, "kind": "turn", "role": "agent", "text": corrected, "corrected": true}),
            ),
            _ => self.push(json!({"t": t, "kind": "agent", "dir": "in",
                "message": summarize_agent_message(&text)})),
        }
    }

    /// A message serve sent to the agent (audio chunks and pongs go to the agent log only).
    pub fn agent_out(&self, text: &str) {
        let t = now_unix();
        self.agent_line(t, "out", text);
        let audio = text.starts_with("{\"user_audio_chunk\"");
        if !audio && !text.contains("\"pong\"") {
            self.push(json!({"t": t, "kind": "agent", "dir": "out",
                "message": summarize_agent_message(text)}));
        }
    }

    fn agent_line(&self, t: f64, dir: &str, text: &str) {
        let mut g = lock(&self.agent);
        let Some(f) = g.as_mut() else { return };
        let message = if self.keep_audio {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))
        } else {
            summarize_agent_message(text)
        };
        f.line(&json!({"t": t, "dir": dir, "message": message}));
    }

    /// Entries after `after`: (entries, how many the ring dropped before the reader saw them,
    /// newest sequence number).
    pub fn since(&self, after: u64) -> (Vec<Value>, u64, u64) {
        let ring = lock(&self.ring);
        let (entries, missed) = ring.timeline.since(after);
        (entries, missed, ring.timeline.last_seq())
    }

    /// Start reading the call's entries after `after` as they come (see the module
    /// documentation for the bounds).
    pub fn follow(&self, after: u64) -> Result<Subscription, TooManyFollowers> {
        let mut ring = lock(&self.ring);
        let live = if ring.ended {
            None
        } else {
            let tx = ring
                .followers
                .get_or_insert_with(|| broadcast::channel(FOLLOW_QUEUE).0);
            if tx.receiver_count() >= MAX_FOLLOWERS {
                return Err(TooManyFollowers);
            }
            Some(tx.subscribe())
        };
        let (entries, missed) = ring.timeline.since(after);
        let backlog = entries
            .into_iter()
            .map(|v| (v["seq"].as_u64().unwrap_or(0), v.to_string()))
            .collect();
        Ok(Subscription {
            backlog,
            missed,
            live,
        })
    }

    pub fn agent_audio_messages(&self) -> u64 {
        self.agent_audio_in.load(Ordering::Relaxed)
    }

    fn close(&self) {
        {
            // Readers get what is queued, then their stream closes.
            let mut ring = lock(&self.ring);
            ring.ended = true;
            ring.followers = None;
        }
        if let Some(f) = lock(&self.events).as_mut() {
            f.flush();
        }
        if let Some(f) = lock(&self.agent).as_mut() {
            f.flush();
        }
    }
}

#[derive(Default)]
struct Inner {
    settings: JournalSettings,
    live: Mutex<HashMap<String, Arc<Journal>>>,
    /// Channel or bridge id -> the call it belongs to.
    owners: Mutex<HashMap<String, String>>,
    totals: Mutex<Totals>,
    opened: AtomicU64,
}

/// The journals of every live call, and serve's totals; clone freely.
#[derive(Clone, Default)]
pub struct Journals(Arc<Inner>);

impl std::fmt::Debug for Journals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journals")
            .field("settings", &self.0.settings)
            .finish_non_exhaustive()
    }
}

impl Journals {
    pub fn new(settings: JournalSettings) -> Journals {
        Journals(Arc::new(Inner {
            settings,
            ..Default::default()
        }))
    }

    pub fn settings(&self) -> &JournalSettings {
        &self.0.settings
    }

    /// A call started: its journal (with files when a directory is set), starting with the
    /// settings in force.
    pub fn open_call(&self, call_id: &str, settings: &Value) -> Arc<Journal> {
        let s = &self.0.settings;
        let files = s.dir.as_ref().map(|d| paths(d, call_id));
        let j = Arc::new(Journal::new(s, files));
        j.note("settings", json!({ "call": call_id, "settings": settings }));
        lock(&self.0.live).insert(call_id.to_string(), j.clone());
        self.own(call_id, call_id);
        lock(&self.0.totals).started(now_unix());
        let n = self.0.opened.fetch_add(1, Ordering::Relaxed);
        if let (Some(dir), true) = (&s.dir, n % 50 == 49) {
            let (dir, keep) = (dir.clone(), s.keep_calls);
            std::thread::spawn(move || rotate(&dir, keep));
        }
        j
    }

    /// `object` (a channel or bridge) belongs to `call_id`: its ARI events go to that journal.
    pub fn own(&self, object: &str, call_id: &str) {
        lock(&self.0.owners).insert(object.to_string(), call_id.to_string());
    }

    pub fn get(&self, call_id: &str) -> Option<Arc<Journal>> {
        lock(&self.0.live).get(call_id).cloned()
    }

    /// An ARI event: into the journal of the call owning its channel (or peer, or bridge).
    pub fn ari_event(&self, raw: &str, ev: &EventHeader) {
        let owner = {
            let owners = lock(&self.0.owners);
            if owners.is_empty() {
                return;
            }
            [
                ev.channel.as_ref().map(|c| c.id.as_str()),
                ev.peer.as_ref().map(|c| c.id.as_str()),
                ev.bridge.as_ref().map(|b| b.id.as_str()),
            ]
            .into_iter()
            .flatten()
            .find_map(|id| owners.get(id).cloned())
        };
        let Some(call) = owner else { return };
        if let Some(j) = self.get(&call) {
            let event: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
            j.push(json!({ "kind": "ari", "event": event }));
        }
    }

    /// The call ended: note its files and how it ended, flush and forget it.
    pub fn close_call(
        &self,
        call_id: &str,
        files: &[(String, String)],
        outcome: &str,
        ended_by: &str,
        how: Finished,
    ) {
        if let Some(j) = lock(&self.0.live).remove(call_id) {
            let files: Vec<Value> = files
                .iter()
                .map(|(kind, path)| json!({"kind": kind, "path": path}))
                .collect();
            j.note(
                "ended",
                json!({"outcome": outcome, "ended_by": ended_by, "files": files,
                       "agent_audio_messages": j.agent_audio_messages()}),
            );
            j.close();
        }
        lock(&self.0.owners).retain(|_, c| c != call_id);
        lock(&self.0.totals).finished(how);
    }

    /// The agent sent an error during a call.
    pub fn agent_error(&self) {
        lock(&self.0.totals).agent_error();
    }

    pub fn totals(&self, calls_up: usize) -> TotalsView {
        lock(&self.0.totals).view(calls_up, now_unix())
    }
}

/// Delete the oldest calls' files beyond `keep` calls (by the events file's time).
pub fn rotate(dir: &Path, keep: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut calls: Vec<(std::time::SystemTime, String)> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let stem = name.strip_suffix(EVENTS_SUFFIX)?.to_string();
            let t = e.metadata().ok()?.modified().ok()?;
            Some((t, stem))
        })
        .collect();
    if calls.len() <= keep {
        return;
    }
    calls.sort();
    let n = calls.len() - keep;
    for (_, stem) in calls.into_iter().take(n) {
        let _ = std::fs::remove_file(dir.join(format!("{stem}{EVENTS_SUFFIX}")));
        let _ = std::fs::remove_file(dir.join(format!("{stem}{AGENT_SUFFIX}")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_lines(p: &Path) -> Vec<Value> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn a_call_journal_routes_ari_events_and_writes_both_logs() {
        let dir = tempfile::tempdir().unwrap();
        let js = Journals::new(JournalSettings {
            dir: Some(dir.path().to_path_buf()),
            ..Default::default()
        });
        let j = js.open_call("1700.1", &json!({"app": "a"}));
        js.own("vcctl-br-1", "1700.1");
        let raw = r#"{"type":"ChannelEnteredBridge","bridge":{"id":"vcctl-br-1"},"channel":{"id":"other","name":"PJSIP/x","state":"Up"}}"#;
        js.ari_event(raw, &EventHeader::parse(raw).unwrap());
        let foreign = r#"{"type":"StasisStart","channel":{"id":"nobody","name":"n","state":"Up"}}"#;
        js.ari_event(foreign, &EventHeader::parse(foreign).unwrap());
        j.agent_in(&ServerMessage::Audio {
            event_id: 1,
            audio: vec![1, 2, 3],
        });
        j.agent_in(&ServerMessage::UserTranscript {
            text: "hello".into(),
        });
        j.agent_out(r#"{"user_audio_chunk":"AAECAwQFBgc="}"#);
        let (entries, missed, last) = j.since(0);
        assert_eq!(missed, 0);
        assert_eq!(last, 3, "settings, the bridge event, the turn: {entries:?}");
        assert_eq!(entries[1]["event"]["type"], "ChannelEnteredBridge");
        assert_eq!(entries[2]["kind"], "turn");
        assert_eq!(entries[2]["text"], "hello");
        js.close_call(
            "1700.1",
            &[("capture".into(), "/x/1700.1.pcap".into())],
            "completed",
            "caller",
            Finished::Success,
        );
        assert!(js.get("1700.1").is_none());

        let (ev, ag) = paths(dir.path(), "1700.1");
        let ev = read_lines(&ev);
        assert_eq!(ev[0]["what"], "settings");
        assert_eq!(ev.last().unwrap()["files"][0]["path"], "/x/1700.1.pcap");
        assert_eq!(ev.last().unwrap()["agent_audio_messages"], 1);
        let ag = read_lines(&ag);
        assert_eq!(ag.len(), 3);
        assert_eq!(ag[0]["dir"], "in");
        assert_eq!(ag[0]["message"]["audio_event"]["audio_bytes"], 3);
        assert_eq!(ag[2]["message"]["user_audio_chunk"]["audio_bytes"], 8);
        let t = js.totals(0);
        assert_eq!((t.started, t.finished, t.success_rate), (1, 1, Some(1.0)));
    }

    #[test]
    fn a_reader_follows_the_entries_as_they_come_and_its_stream_closes_when_the_call_ends() {
        let js = Journals::default();
        let j = js.open_call("c1", &json!({}));
        let mut sub = j.follow(0).unwrap();
        assert_eq!(sub.backlog.len(), 1, "the settings entry");
        assert_eq!(sub.backlog[0].0, 1);
        j.agent_in(&ServerMessage::UserTranscript {
            text: "hello there".into(),
        });
        let live = sub.live.as_mut().unwrap();
        let got = live.try_recv().unwrap();
        assert_eq!(got.0, 2);
        assert!(got.1.contains("hello there"), "{}", got.1);
        js.close_call("c1", &[], "completed", "operator", Finished::Success);
        let ended = live.try_recv().unwrap();
        assert!(
            ended.1.contains("\"ended\"") && ended.1.contains("operator"),
            "{}",
            ended.1
        );
        assert!(matches!(
            live.try_recv(),
            Err(broadcast::error::TryRecvError::Closed)
        ));
        // A reader that comes after the end gets the backlog and no live part.
        let late = j.follow(2).unwrap();
        assert!(late.live.is_none());
        assert_eq!(late.backlog.len(), 1);
    }

    #[test]
    fn a_slow_reader_loses_its_place_without_holding_the_call_and_readers_are_bounded() {
        let js = Journals::default();
        let j = js.open_call("c2", &json!({}));
        let mut slow = j.follow(0).unwrap().live.unwrap();
        for i in 0..FOLLOW_QUEUE + 10 {
            j.note("x", json!({ "i": i }));
        }
        assert!(matches!(
            slow.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(10))
        ));
        let mut others: Vec<_> = (1..MAX_FOLLOWERS).map(|_| j.follow(0).unwrap()).collect();
        assert!(j.follow(0).is_err(), "one reader too many");
        others.pop();
        assert!(j.follow(0).is_ok(), "a place freed");
    }

    #[test]
    fn logs_stop_at_their_limit_and_rotation_keeps_the_newest_calls() {
        let dir = tempfile::tempdir().unwrap();
        let js = Journals::new(JournalSettings {
            dir: Some(dir.path().to_path_buf()),
            max_file_bytes: 300,
            keep_audio: true,
            ..Default::default()
        });
        let j = js.open_call("c1", &json!({}));
        for _ in 0..20 {
            j.agent_out(r#"{"user_audio_chunk":"AAECAwQFBgc="}"#);
        }
        js.close_call("c1", &[], "completed", "caller", Finished::Success);
        let (_, ag) = paths(dir.path(), "c1");
        let text = std::fs::read_to_string(&ag).unwrap();
        assert!(text.len() < 450, "{}", text.len());
        assert!(text.contains("AAECAwQFBgc="), "audio kept when asked");
        assert!(text.lines().last().unwrap().contains("log cut"));
        for i in 0..5 {
            let (e, a) = paths(dir.path(), &format!("k{i}"));
            std::fs::write(&e, "{}\n").unwrap();
            std::fs::write(&a, "{}\n").unwrap();
            let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000 + i);
            File::options()
                .write(true)
                .open(&e)
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
        rotate(dir.path(), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.ends_with(EVENTS_SUFFIX))
            .collect();
        left.sort();
        // c1 is the newest (written now), then k4.
        assert_eq!(left, vec!["c1.events.jsonl", "k4.events.jsonl"]);
        assert!(!paths(dir.path(), "k0").1.exists());
    }
}
