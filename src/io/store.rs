//! The embedded SQLite database: agent profiles (schema v1), call records (v2) and their
//! recordings (v3).
//!
//! # Location
//! `--db FILE`, else `VCCTL_DB` (environment, then `.env`), else
//! `$XDG_DATA_HOME/vcctl/vcctl.db`, else `$HOME/.local/share/vcctl/vcctl.db`, else
//! `./vcctl.db`. A per-user data directory rather than the working directory, so `vcctl agents`
//! and `vcctl serve` see the same profiles wherever they are started; deployments pin the file
//! with `VCCTL_DB` in `.env`. A new file is created mode 0600 (call records hold transcripts).
//!
//! # Schema and migrations
//! The schema version is SQLite's `PRAGMA user_version`. [`MIGRATIONS`] is an append-only list:
//! entry *i* takes the database from version *i* to *i + 1*, in its own `BEGIN IMMEDIATE`
//! transaction together with the version bump, so a crash or a second process never sees half
//! a migration. A newer vcctl upgrades an older database on open; an older vcctl refuses a newer
//! database ([`StoreError::TooNew`]) rather than writing to a schema it does not know.
//! To change the schema: append a new `&str` to [`MIGRATIONS`] (never edit a released one) and
//! add a test that opens a database made at the previous version.
//!
//! # Concurrency
//! WAL mode and a 5 s busy timeout, so `vcctl agents add` works while `vcctl serve` runs; a
//! lock held longer than that is [`StoreError::Busy`] (exit code 7), at open as at any write.
//! [`Store`] is a cheap clonable handle (`Arc<Mutex<Connection>>`); its methods block, so async
//! code calls them through [`Store::run_blocking`] (writes are a few per call).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde_json::Value;

use crate::config::Layers;
use vcctl_core::agent::routing::{AgentProfile, ProfileError};
// The record types live in the core (ui renders them without importing io).
pub use vcctl_core::serve::records::{
    CallEnd, CallFilter, CallMark, CallOutcome, CallRecord, CallStart, CallUpdate, EndedBy,
};

/// Environment variable (or `.env` entry) naming the database file.
pub const DB_ENV: &str = "VCCTL_DB";
/// File name inside the data directory.
pub const DB_FILE_NAME: &str = "vcctl.db";

/// Schema migrations; index *i* upgrades version *i* to *i + 1*. Append only.
pub const MIGRATIONS: &[&str] = &[
    // v1: agent profiles, in routing order.
    r#"
    CREATE TABLE agent_profiles (
        name              TEXT PRIMARY KEY NOT NULL,
        position          INTEGER NOT NULL,
        agent_id          TEXT NOT NULL,
        api_key_env       TEXT,
        voice_id          TEXT,
        first_message     TEXT,
        language          TEXT,
        dynamic_variables TEXT NOT NULL DEFAULT '{}',  -- JSON object of strings
        extension_pattern TEXT,
        caller_pattern    TEXT,
        created_at        REAL NOT NULL,               -- Unix seconds
        updated_at        REAL NOT NULL
    );
    CREATE INDEX agent_profiles_position ON agent_profiles(position);
    "#,
    // v2: one row per call that reached the Stasis app. Times are Unix seconds (REAL);
    // outcome is NULL while the call is in progress. JSON columns hold whatever serve
    // measured (RTP statistics per direction, latency figures, the transcript).
    r#"
    CREATE TABLE calls (
        id                 TEXT PRIMARY KEY NOT NULL,
        caller_channel_id  TEXT NOT NULL,
        media_channel_id   TEXT,
        bridge_id          TEXT,
        caller_number      TEXT,
        caller_name        TEXT,
        extension          TEXT,
        profile            TEXT,
        agent_id           TEXT,
        conversation_id    TEXT,
        stasis_start       REAL NOT NULL,
        bridged            REAL,
        agent_connected    REAL,
        first_agent_audio  REAL,
        ended              REAL,
        duration_seconds   REAL,
        end_cause          TEXT,
        ended_by           TEXT,
        outcome            TEXT CHECK (outcome IN
                             ('completed','agent_failed','caller_abandoned','error','unfinished')),
        rtp_inbound        TEXT,   -- JSON: caller -> vcctl
        rtp_outbound       TEXT,   -- JSON: vcctl -> caller
        latency            TEXT,   -- JSON
        transcript         TEXT    -- JSON
    );
    CREATE INDEX calls_stasis_start ON calls(stasis_start);
    CREATE INDEX calls_outcome ON calls(outcome);
    "#,
    // v3: where the call's recording is: a file path (`serve --record DIR`) or
    // `ari:<name>` (a stored recording of Asterisk, `serve --record-ari`).
    r#"
    ALTER TABLE calls ADD COLUMN recording TEXT;
    "#,
    // v4: the media transport of the call (`rtp` or `websocket`) and, for `websocket`, the
    // counters of its Asterisk link and agent side (JSON: flow control, flushes, marks,
    // resampled samples).
    r#"
    ALTER TABLE calls ADD COLUMN transport TEXT;
    ALTER TABLE calls ADD COLUMN media_ws TEXT;
    "#,
    // v5: which node handled the call (issue 18: several Asterisk + serve nodes share one
    // PostgreSQL store): Asterisk's entity id (the `asterisk_id` of its ARI events) and the
    // serve instance (`serve --instance`, default host name:API port).
    r#"
    ALTER TABLE calls ADD COLUMN asterisk_id TEXT;
    ALTER TABLE calls ADD COLUMN serve_instance TEXT;
    CREATE INDEX calls_asterisk_id ON calls(asterisk_id);
    "#,
    // v6: append the next migration here; PostgreSQL runs the same text with its types
    // (io/store_pg.rs, `pg_migration`): keep to SQL both take.
];

/// The schema version this vcctl writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Why the store failed. Display is one sentence.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not open the database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("the database {path} has schema version {found}, newer than this vcctl knows ({known}); upgrade vcctl or point --db elsewhere")]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("could not upgrade the database {path} to schema version {version}: {reason}")]
    Migrate {
        path: String,
        version: i64,
        reason: String,
    },
    #[error("the database is locked by another process (waited 5 s); try again")]
    Busy,
    #[error("an agent profile named '{0}' already exists; remove it first, or add with --replace")]
    DuplicateProfile(String),
    #[error("no agent profile named '{0}'")]
    ProfileNotFound(String),
    #[error("position {given} is out of range; use 1 to {max}")]
    BadPosition { given: i64, max: i64 },
    #[error(transparent)]
    Invalid(#[from] ProfileError),
    #[error("a call record with id '{0}' already exists")]
    DuplicateCall(String),
    #[error("no call record with id '{0}'")]
    CallNotFound(String),
    #[error("database error: {0}")]
    Sql(String),
    /// PostgreSQL presented a TLS certificate vcctl does not trust.
    #[error("PostgreSQL at {path} answered over TLS, but {problem}")]
    Certificate { path: String, problem: String },
    #[error("the database task failed: {0}")]
    Task(String),
}

/// How long a statement waits for another process's lock before failing with [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if busy(&e) {
            StoreError::Busy
        } else {
            StoreError::Sql(e.to_string())
        }
    }
}

impl From<StoreError> for crate::error::Error {
    fn from(e: StoreError) -> Self {
        use crate::error::Error;
        let text = e.to_string();
        match e {
            StoreError::ProfileNotFound(_) | StoreError::CallNotFound(_) => Error::NotFound(text),
            StoreError::DuplicateProfile(_) | StoreError::DuplicateCall(_) => Error::Conflict(text),
            StoreError::Invalid(_) | StoreError::BadPosition { .. } => Error::Usage(text),
            StoreError::Busy => Error::Timeout(text),
            StoreError::Certificate { .. } => Error::Certificate(text),
            _ => Error::Other(text),
        }
    }
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where a profile goes in routing order when added (both stores): the position asked for,
/// else where it was (a replace, with `count` profiles left after taking it out), else last.
pub(crate) fn insert_position(asked: Option<i64>, was: Option<i64>, count: i64) -> Result<i64> {
    let target = asked.or(was.map(|p| p.min(count + 1))).unwrap_or(count + 1);
    if !(1..=count + 1).contains(&target) {
        return Err(StoreError::BadPosition {
            given: target,
            max: count + 1,
        });
    }
    Ok(target)
}

/// The database file: `flag`, else `VCCTL_DB`, else the per-user data directory (module docs).
pub fn resolve_db_path(flag: Option<&Path>, layers: &Layers) -> PathBuf {
    if let Some(p) = flag {
        return p.to_path_buf();
    }
    if let Some(p) = layers.get(DB_ENV) {
        return PathBuf::from(p);
    }
    let env = |k: &str| layers.env.get(k).filter(|v| !v.is_empty()).cloned();
    if let Some(x) = env("XDG_DATA_HOME").filter(|p| Path::new(p).is_absolute()) {
        return Path::new(&x).join("vcctl").join(DB_FILE_NAME);
    }
    if let Some(home) = env("HOME") {
        return Path::new(&home)
            .join(".local/share/vcctl")
            .join(DB_FILE_NAME);
    }
    PathBuf::from(DB_FILE_NAME)
}

/// Handle to the database; clone freely.
#[derive(Debug, Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    path: Arc<str>,
}

use crate::io::clock::now_unix;

impl Store {
    /// Open (creating the file and its directory if needed) and upgrade to [`SCHEMA_VERSION`].
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_upto(path, MIGRATIONS.len())
    }

    /// A private in-memory database with the current schema (tests, dry runs).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        let store = Store {
            conn: Arc::new(Mutex::new(conn)),
            path: ":memory:".into(),
        };
        store.migrate(MIGRATIONS.len())?;
        Ok(store)
    }

    fn open_upto(path: &Path, upto: usize) -> Result<Self> {
        Self::open_with(path, upto, BUSY_TIMEOUT)
    }

    fn open_with(path: &Path, upto: usize, busy_timeout: Duration) -> Result<Self> {
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        // Another process holding the database past the busy timeout is Busy, whatever step
        // met it (its documented exit code is the timeout one).
        let sql_err = |e: rusqlite::Error| match busy(&e) {
            true => StoreError::Busy,
            false => open_err(e.to_string()),
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        }
        create_private(path).map_err(|e| open_err(e.to_string()))?;
        let conn = Connection::open(path).map_err(sql_err)?;
        conn.busy_timeout(busy_timeout).map_err(sql_err)?;
        // Fails with "file is not a database" on a non-SQLite file: report that as an open error.
        conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
            .map_err(sql_err)?;
        conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            .map_err(sql_err)?;
        let store = Store {
            conn: Arc::new(Mutex::new(conn)),
            path: shown.as_str().into(),
        };
        store.migrate(upto)?;
        Ok(store)
    }

    /// The file this store was opened from (`:memory:` for in-memory stores).
    pub fn path(&self) -> &str {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&self, upto: usize) -> Result<()> {
        let mut conn = self.lock();
        let version =
            |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
        let found = version(&conn)?;
        if found > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew {
                path: self.path.to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().take(upto) {
            let target = i as i64 + 1;
            let fail = |e: rusqlite::Error| match busy(&e) {
                true => StoreError::Busy,
                false => StoreError::Migrate {
                    path: self.path.to_string(),
                    version: target,
                    reason: e.to_string(),
                },
            };
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail)?;
            // Read again under the write lock: another process may have migrated meanwhile.
            if version(&tx).map_err(fail)? >= target {
                continue;
            }
            tx.execute_batch(sql).map_err(fail)?;
            tx.pragma_update(None, "user_version", target)
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
            tracing::info!(db = %self.path, version = target, "database schema upgraded");
        }
        Ok(())
    }

    /// Run blocking store work from async code on tokio's blocking pool.
    pub async fn run_blocking<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
    }

    // ---------------------------------------------------------------- agent profiles

    /// All stored profiles in routing order.
    pub fn list_profiles(&self) -> Result<Vec<AgentProfile>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(&format!(
            "SELECT {PROFILE_COLUMNS} FROM agent_profiles ORDER BY position, name"
        ))?;
        let rows = stmt.query_map([], profile_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_profile(&self, name: &str) -> Result<AgentProfile> {
        let conn = self.lock();
        get_profile(&conn, name)?.ok_or_else(|| StoreError::ProfileNotFound(name.to_string()))
    }

    /// Validate and store `profile` at `position` (1-based; `None`: last, or with `replace`
    /// the replaced profile's place). Later profiles move down one. Returns it as stored.
    pub fn add_profile(
        &self,
        profile: &AgentProfile,
        position: Option<i64>,
        replace: bool,
    ) -> Result<AgentProfile> {
        profile.validate()?;
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old = get_profile(&tx, &profile.name)?;
        if old.is_some() && !replace {
            return Err(StoreError::DuplicateProfile(profile.name.clone()));
        }
        if let Some(old) = &old {
            delete_and_close_gap(&tx, old)?;
        }
        let count: i64 = tx.query_row("SELECT count(*) FROM agent_profiles", [], |r| r.get(0))?;
        let target = insert_position(position, old.as_ref().map(|o| o.position), count)?;
        tx.execute(
            "UPDATE agent_profiles SET position = position + 1 WHERE position >= ?1",
            [target],
        )?;
        let vars = serde_json::to_string(&profile.dynamic_variables)
            .map_err(|e| StoreError::Sql(e.to_string()))?;
        let now = now_unix();
        tx.execute(
            "INSERT INTO agent_profiles (name, position, agent_id, api_key_env, voice_id,
                first_message, language, dynamic_variables, extension_pattern, caller_pattern,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![
                profile.name,
                target,
                profile.agent_id,
                profile.api_key_env,
                profile.voice_id,
                profile.first_message,
                profile.language,
                vars,
                profile
                    .extension_pattern
                    .as_deref()
                    .filter(|p| !p.is_empty()),
                profile.caller_pattern.as_deref().filter(|p| !p.is_empty()),
                now,
            ],
        )?;
        let stored = get_profile(&tx, &profile.name)?
            .ok_or_else(|| StoreError::Sql("the profile vanished while being added".into()))?;
        tx.commit()?;
        Ok(stored)
    }

    /// Delete a profile; later ones move up one. Returns what was removed.
    pub fn remove_profile(&self, name: &str) -> Result<AgentProfile> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old =
            get_profile(&tx, name)?.ok_or_else(|| StoreError::ProfileNotFound(name.to_string()))?;
        delete_and_close_gap(&tx, &old)?;
        tx.commit()?;
        Ok(old)
    }

    // ---------------------------------------------------------------- call records

    /// Record a call entering the Stasis app (outcome NULL = in progress).
    pub fn insert_call_start(&self, c: &CallStart) -> Result<()> {
        let conn = self.lock();
        let r = conn.execute(
            "INSERT INTO calls (id, caller_channel_id, caller_number, caller_name, extension,
                profile, agent_id, stasis_start, asterisk_id, serve_instance)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                c.id,
                c.caller_channel_id,
                c.caller_number,
                c.caller_name,
                c.extension,
                c.profile,
                c.agent_id,
                c.stasis_start,
                c.asterisk_id,
                c.serve_instance
            ],
        );
        match r {
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
                Err(StoreError::DuplicateCall(c.id.clone()))
            }
            r => r.map(|_| ()).map_err(Into::into),
        }
    }

    /// Set a milestone time. Only the first time given is kept (repeat calls are harmless).
    pub fn update_call_mark(&self, id: &str, mark: CallMark, at: f64) -> Result<()> {
        let col = mark.column();
        let n = self.lock().execute(
            &format!("UPDATE calls SET {col} = COALESCE({col}, ?2) WHERE id = ?1"),
            params![id, at],
        )?;
        found(n, id)
    }

    /// Overwrite the fields that are `Some` in `u`; leave the rest.
    pub fn update_call(&self, id: &str, u: &CallUpdate) -> Result<()> {
        let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
        let n = self.lock().execute(
            "UPDATE calls SET
                media_channel_id = COALESCE(?2, media_channel_id),
                bridge_id        = COALESCE(?3, bridge_id),
                profile          = COALESCE(?4, profile),
                agent_id         = COALESCE(?5, agent_id),
                conversation_id  = COALESCE(?6, conversation_id),
                rtp_inbound      = COALESCE(?7, rtp_inbound),
                rtp_outbound     = COALESCE(?8, rtp_outbound),
                latency          = COALESCE(?9, latency),
                transcript       = COALESCE(?10, transcript),
                recording        = COALESCE(?11, recording),
                transport        = COALESCE(?12, transport),
                media_ws         = COALESCE(?13, media_ws)
             WHERE id = ?1",
            params![
                id,
                u.media_channel_id,
                u.bridge_id,
                u.profile,
                u.agent_id,
                u.conversation_id,
                json(&u.rtp_inbound),
                json(&u.rtp_outbound),
                json(&u.latency),
                json(&u.transcript),
                u.recording,
                u.transport,
                json(&u.media_ws)
            ],
        )?;
        found(n, id)
    }

    /// Close a call: end time, cause, outcome, final statistics; duration = ended - stasis_start.
    pub fn finish_call(&self, id: &str, end: &CallEnd) -> Result<()> {
        let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
        let n = self.lock().execute(
            "UPDATE calls SET
                ended = ?2,
                duration_seconds = max(0.0, ?2 - stasis_start),
                end_cause = ?3,
                ended_by = ?4,
                outcome = ?5,
                rtp_inbound  = COALESCE(?6, rtp_inbound),
                rtp_outbound = COALESCE(?7, rtp_outbound),
                latency      = COALESCE(?8, latency),
                transcript   = COALESCE(?9, transcript)
             WHERE id = ?1",
            params![
                id,
                end.ended,
                end.end_cause,
                end.ended_by.map(EndedBy::as_str),
                end.outcome.as_str(),
                json(&end.rtp_inbound),
                json(&end.rtp_outbound),
                json(&end.latency),
                json(&end.transcript)
            ],
        )?;
        found(n, id)
    }

    /// At serve start: calls left in progress by a previous run (crash, kill) become
    /// `unfinished`. Returns how many rows were marked.
    pub fn mark_unfinished_on_start(&self) -> Result<usize> {
        Ok(self.lock().execute(
            "UPDATE calls SET outcome = 'unfinished',
                end_cause = COALESCE(end_cause, 'vcctl stopped before the call ended')
             WHERE outcome IS NULL",
            [],
        )?)
    }

    /// Calls matching `filter`, newest first.
    pub fn list_calls(&self, filter: &CallFilter) -> Result<Vec<CallRecord>> {
        let mut sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE 1=1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut push = |cond: &str, v: rusqlite::types::Value| {
            args.push(v);
            sql.push_str(&format!(" AND {cond} ?{}", args.len()));
        };
        if let Some(t) = filter.since {
            push("stasis_start >=", t.into());
        }
        if let Some(t) = filter.until {
            push("stasis_start <", t.into());
        }
        if let Some(o) = filter.outcome {
            push("outcome =", o.as_str().to_string().into());
        }
        if let Some(p) = &filter.profile {
            push("profile =", p.clone().into());
        }
        if let Some(c) = &filter.caller {
            push("caller_number =", c.clone().into());
        }
        if let Some(n) = &filter.node {
            args.push(n.clone().into());
            let i = args.len();
            sql.push_str(&format!(
                " AND (asterisk_id = ?{i} OR serve_instance = ?{i})"
            ));
        }
        if filter.in_progress {
            sql.push_str(" AND outcome IS NULL");
        }
        sql.push_str(" ORDER BY stasis_start DESC, id");
        if let Some(l) = filter.limit {
            sql.push_str(&format!(" LIMIT {l}"));
        }
        let conn = self.lock();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), call_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn get_call(&self, id: &str) -> Result<CallRecord> {
        self.lock()
            .query_row(
                &format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = ?1"),
                [id],
                call_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::CallNotFound(id.to_string()))
    }

    /// Retention: delete finished calls that started before `before` (Unix seconds).
    pub fn delete_calls_before(&self, before: f64) -> Result<usize> {
        Ok(self.lock().execute(
            "DELETE FROM calls WHERE stasis_start < ?1 AND outcome IS NOT NULL",
            [before],
        )?)
    }
}

/// Create `path` with mode 0600 if it does not exist (SQLite would use 0644).
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn found(n: usize, id: &str) -> Result<()> {
    if n == 0 {
        Err(StoreError::CallNotFound(id.to_string()))
    } else {
        Ok(())
    }
}

const PROFILE_COLUMNS: &str = "name, position, agent_id, api_key_env, voice_id, first_message, \
     language, dynamic_variables, extension_pattern, caller_pattern";

fn get_profile(conn: &Connection, name: &str) -> rusqlite::Result<Option<AgentProfile>> {
    conn.query_row(
        &format!("SELECT {PROFILE_COLUMNS} FROM agent_profiles WHERE name = ?1"),
        [name],
        profile_from_row,
    )
    .optional()
}

fn delete_and_close_gap(conn: &Connection, old: &AgentProfile) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM agent_profiles WHERE name = ?1", [&old.name])?;
    conn.execute(
        "UPDATE agent_profiles SET position = position - 1 WHERE position > ?1",
        [old.position],
    )?;
    Ok(())
}

fn json_column<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    let Some(text) = row.get::<_, Option<String>>(idx)? else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn profile_from_row(row: &Row<'_>) -> rusqlite::Result<AgentProfile> {
    Ok(AgentProfile {
        name: row.get(0)?,
        position: row.get(1)?,
        agent_id: row.get(2)?,
        api_key_env: row.get(3)?,
        voice_id: row.get(4)?,
        first_message: row.get(5)?,
        language: row.get(6)?,
        dynamic_variables: json_column::<BTreeMap<String, String>>(row, 7)?.unwrap_or_default(),
        extension_pattern: row.get(8)?,
        caller_pattern: row.get(9)?,
    })
}

const CALL_COLUMNS: &str = "id, caller_channel_id, media_channel_id, bridge_id, caller_number, \
     caller_name, extension, profile, agent_id, conversation_id, stasis_start, bridged, \
     agent_connected, first_agent_audio, ended, duration_seconds, end_cause, ended_by, outcome, \
     rtp_inbound, rtp_outbound, latency, transcript, recording, transport, media_ws, asterisk_id, \
     serve_instance";

fn parsed<T: std::str::FromStr<Err = String>>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    row.get::<_, Option<String>>(idx)?
        .map(|s| {
            s.parse::<T>().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    idx,
                    rusqlite::types::Type::Text,
                    e.into(),
                )
            })
        })
        .transpose()
}

fn call_from_row(row: &Row<'_>) -> rusqlite::Result<CallRecord> {
    Ok(CallRecord {
        id: row.get(0)?,
        caller_channel_id: row.get(1)?,
        media_channel_id: row.get(2)?,
        bridge_id: row.get(3)?,
        caller_number: row.get(4)?,
        caller_name: row.get(5)?,
        extension: row.get(6)?,
        profile: row.get(7)?,
        agent_id: row.get(8)?,
        conversation_id: row.get(9)?,
        stasis_start: row.get(10)?,
        bridged: row.get(11)?,
        agent_connected: row.get(12)?,
        first_agent_audio: row.get(13)?,
        ended: row.get(14)?,
        duration_seconds: row.get(15)?,
        end_cause: row.get(16)?,
        ended_by: parsed(row, 17)?,
        outcome: parsed(row, 18)?,
        rtp_inbound: json_column(row, 19)?,
        rtp_outbound: json_column(row, 20)?,
        latency: json_column(row, 21)?,
        transcript: json_column(row, 22)?,
        recording: row.get(23)?,
        transport: row.get(24)?,
        media_ws: json_column(row, 25)?,
        asterisk_id: row.get(26)?,
        serve_instance: row.get(27)?,
    })
}

/// Profiles and call records for the store's tests: this file's unit tests, and
/// `tests/e2e_store.rs`, which runs the same steps on SQLite and PostgreSQL. One definition,
/// so both backends are tested on the same rows. Not used by the CLI; public only because
/// integration tests reach the library from outside.
#[doc(hidden)]
pub mod fixtures {
    use super::{CallEnd, CallOutcome, CallStart, EndedBy};
    use serde_json::json;
    use vcctl_core::agent::routing::AgentProfile;

    /// Profile `name` for agent `agent_NAME`, routing `extension` when given.
    pub fn profile(name: &str, extension: Option<&str>) -> AgentProfile {
        let mut p = AgentProfile::new(name, format!("agent_{name}"));
        p.extension_pattern = extension.map(String::from);
        p
    }

    /// Call `id` from +4930123 to extension 2000 (profile "sales"), entering Stasis at `t`.
    pub fn call_start(id: &str, t: f64) -> CallStart {
        CallStart {
            id: id.into(),
            caller_channel_id: format!("chan-{id}"),
            caller_number: Some("+4930123".into()),
            extension: Some("2000".into()),
            profile: Some("sales".into()),
            agent_id: Some("agent_sales".into()),
            stasis_start: t,
            ..Default::default()
        }
    }

    /// The caller hung up at `t` after a completed call: 1,500 packets in, two response
    /// latencies, one agent line.
    pub fn call_end(t: f64) -> CallEnd {
        CallEnd {
            ended: t,
            end_cause: Some("Normal Clearing".into()),
            ended_by: Some(EndedBy::Caller),
            outcome: CallOutcome::Completed,
            rtp_inbound: Some(json!({"packets": 1500})),
            rtp_outbound: None,
            latency: Some(json!({"agent_response_ms": [420.0, 380.5]})),
            transcript: Some(json!([{"role": "agent", "text": "Hallo, wie kann ich helfen?"}])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{call_end, call_start, profile as prof};
    use super::*;
    use serde_json::json;

    #[test]
    fn a_database_another_process_holds_is_busy_with_the_timeout_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        drop(Store::open(&path).unwrap());
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let Err(e) = Store::open_with(&path, MIGRATIONS.len(), Duration::from_millis(50)) else {
            panic!("opened while another process writes");
        };
        assert!(matches!(e, StoreError::Busy), "{e:?}");
        assert_eq!(crate::error::Error::from(e).exit_code(), 7);
        other.execute_batch("ROLLBACK").unwrap();
        assert!(Store::open_with(&path, MIGRATIONS.len(), Duration::from_millis(50)).is_ok());
    }

    fn names(s: &Store) -> Vec<(String, i64)> {
        s.list_profiles()
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.position))
            .collect()
    }

    #[test]
    fn profiles_keep_routing_order_through_add_insert_replace_remove() {
        let s = Store::open_in_memory().unwrap();
        s.add_profile(&prof("a", Some("1*")), None, false).unwrap();
        s.add_profile(&prof("b", None), None, false).unwrap();
        s.add_profile(&prof("c", Some("2*")), Some(1), false)
            .unwrap();
        let pairs = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
            v.iter().map(|(n, p)| (n.to_string(), *p)).collect()
        };
        assert_eq!(names(&s), pairs(&[("c", 1), ("a", 2), ("b", 3)]));
        let e = s.add_profile(&prof("a", None), None, false).unwrap_err();
        assert!(matches!(e, StoreError::DuplicateProfile(_)));
        assert_eq!(
            e.to_string(),
            "an agent profile named 'a' already exists; remove it first, or add with --replace"
        );
        // Replace keeps the place unless a position is given.
        let mut a2 = prof("a", Some("9*"));
        a2.voice_id = Some("v1".into());
        a2.dynamic_variables.insert("team".into(), "sales".into());
        let stored = s.add_profile(&a2, None, true).unwrap();
        assert_eq!(stored.position, 2);
        assert_eq!(stored.dynamic_variables["team"], "sales");
        assert_eq!(s.get_profile("a").unwrap(), stored);
        s.add_profile(&a2, Some(3), true).unwrap();
        assert_eq!(names(&s), pairs(&[("c", 1), ("b", 2), ("a", 3)]));
        assert!(matches!(
            s.add_profile(&prof("d", None), Some(5), false),
            Err(StoreError::BadPosition { given: 5, max: 4 })
        ));
        assert!(matches!(
            s.add_profile(&prof("d", None), Some(0), false),
            Err(StoreError::BadPosition { .. })
        ));
        assert_eq!(s.remove_profile("c").unwrap().name, "c");
        assert_eq!(names(&s), pairs(&[("b", 1), ("a", 2)]));
        assert!(matches!(
            s.remove_profile("c"),
            Err(StoreError::ProfileNotFound(_))
        ));
        assert!(matches!(
            s.get_profile("zz"),
            Err(StoreError::ProfileNotFound(_))
        ));
        // Validation happens in the store too.
        let mut bad = prof("k", None);
        bad.api_key_env = Some("sk_0123456789abcdef0123456789abcdef".into());
        assert!(matches!(
            s.add_profile(&bad, None, false),
            Err(StoreError::Invalid(ProfileError::LooksLikeApiKey))
        ));
    }

    #[test]
    fn errors_map_to_the_documented_exit_codes() {
        let e: crate::error::Error = StoreError::ProfileNotFound("x".into()).into();
        assert_eq!(e.exit_code(), 5);
        assert_eq!(e.to_string(), "no agent profile named 'x'");
        let e: crate::error::Error = StoreError::DuplicateProfile("x".into()).into();
        assert_eq!(e.exit_code(), 9);
        let e: crate::error::Error = StoreError::Invalid(ProfileError::ReservedName).into();
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn an_older_database_is_upgraded_and_keeps_its_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/vcctl.db");
        {
            let v1 = Store::open_upto(&path, 1).unwrap();
            assert_eq!(v1.schema_version().unwrap(), 1);
            v1.add_profile(&prof("sales", Some("2*")), None, false)
                .unwrap();
            let has_calls: i64 = v1
                .lock()
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE name = 'calls'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(has_calls, 0);
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(
            s.get_profile("sales").unwrap().extension_pattern.as_deref(),
            Some("2*")
        );
        s.insert_call_start(&CallStart {
            id: "c1".into(),
            caller_channel_id: "c1".into(),
            stasis_start: 1.0,
            ..Default::default()
        })
        .unwrap();
        // Opening again is a no-op; WAL is on; the file is private.
        drop(s);
        let s = Store::open(&path).unwrap();
        assert_eq!(s.get_call("c1").unwrap().id, "c1");
        let mode: String = s
            .lock()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(m & 0o777, 0o600);
        }
    }

    #[test]
    fn a_v2_database_with_calls_is_upgraded_to_the_current_schema_and_keeps_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let v2 = Store::open_upto(&path, 2).unwrap();
            assert_eq!(v2.schema_version().unwrap(), 2);
            // The rows as a v2 vcctl wrote them (today's insert names v5's columns).
            v2.lock()
                .execute_batch(
                    "INSERT INTO calls (id, caller_channel_id, caller_number, profile, stasis_start)
                        VALUES ('old', 'chan-old', '1001', 'sales', 50.0);
                     INSERT INTO calls (id, caller_channel_id, stasis_start)
                        VALUES ('live', 'chan-live', 90.0);",
                )
                .unwrap();
            v2.finish_call("old", &call_end(80.0)).unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let old = s.get_call("old").unwrap();
        assert_eq!(old.outcome, Some(CallOutcome::Completed));
        assert_eq!(old.duration_seconds, Some(30.0));
        assert_eq!(old.rtp_inbound, Some(json!({"packets": 1500})));
        assert_eq!(old.recording, None);
        assert_eq!((old.asterisk_id, old.serve_instance), (None, None));
        assert_eq!(s.list_calls(&CallFilter::default()).unwrap().len(), 2);
        // Old rows have no node: a node filter leaves them out.
        let on_node = CallFilter {
            node: Some("node-1".into()),
            ..Default::default()
        };
        assert!(s.list_calls(&on_node).unwrap().is_empty());
        // The new column works on old rows.
        s.update_call(
            "live",
            &CallUpdate {
                recording: Some("ari:live".into()),
                transport: Some("websocket".into()),
                media_ws: Some(json!({"xoff": 1})),
                ..Default::default()
            },
        )
        .unwrap();
        let live = s.get_call("live").unwrap();
        assert_eq!(live.recording.as_deref(), Some("ari:live"));
        assert_eq!(live.transport.as_deref(), Some("websocket"));
        assert_eq!(live.media_ws, Some(json!({"xoff": 1})));
        assert_eq!(old.transport, None);
        assert_eq!(s.mark_unfinished_on_start().unwrap(), 1);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vcctl.db");
        drop(Store::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let e = Store::open(&path).unwrap_err();
        assert!(matches!(e, StoreError::TooNew { .. }), "{e}");
        assert!(e.to_string().contains("newer than this vcctl knows"));
        std::fs::write(dir.path().join("junk.db"), b"this is not sqlite at all, no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no no").unwrap();
        let e = Store::open(&dir.path().join("junk.db")).unwrap_err();
        assert!(matches!(e, StoreError::Open { .. }), "{e}");
    }

    #[test]
    fn call_records_follow_a_call_from_start_to_finish() {
        let s = Store::open_in_memory().unwrap();
        let start = call_start;
        s.insert_call_start(&start("c1", 100.0)).unwrap();
        assert!(matches!(
            s.insert_call_start(&start("c1", 100.0)),
            Err(StoreError::DuplicateCall(_))
        ));
        s.update_call_mark("c1", CallMark::Bridged, 100.2).unwrap();
        s.update_call_mark("c1", CallMark::AgentConnected, 100.5)
            .unwrap();
        s.update_call_mark("c1", CallMark::FirstAgentAudio, 101.0)
            .unwrap();
        s.update_call_mark("c1", CallMark::FirstAgentAudio, 109.0)
            .unwrap(); // first one kept
        s.update_call(
            "c1",
            &CallUpdate {
                media_channel_id: Some("media-1".into()),
                conversation_id: Some("conv_1".into()),
                rtp_inbound: Some(json!({"packets": 10})),
                ..Default::default()
            },
        )
        .unwrap();
        s.finish_call(
            "c1",
            &CallEnd {
                ended: 130.0,
                end_cause: Some("normal clearing".into()),
                ended_by: Some(EndedBy::Caller),
                outcome: CallOutcome::Completed,
                rtp_inbound: None,
                rtp_outbound: Some(json!({"packets": 12})),
                latency: Some(json!({"first_audio_seconds": 1.0})),
                transcript: Some(json!([{"role": "agent", "text": "Hello"}])),
            },
        )
        .unwrap();
        let c = s.get_call("c1").unwrap();
        assert_eq!(c.first_agent_audio, Some(101.0));
        assert_eq!(c.duration_seconds, Some(30.0));
        assert_eq!(c.outcome, Some(CallOutcome::Completed));
        assert_eq!(c.ended_by, Some(EndedBy::Caller));
        assert_eq!(c.rtp_inbound, Some(json!({"packets": 10})));
        assert_eq!(c.rtp_outbound, Some(json!({"packets": 12})));
        assert_eq!(c.media_channel_id.as_deref(), Some("media-1"));
        assert_eq!(c.conversation_id.as_deref(), Some("conv_1"));

        s.insert_call_start(&start("c2", 200.0)).unwrap();
        s.insert_call_start(&start("c3", 300.0)).unwrap();
        assert_eq!(
            s.list_calls(&CallFilter {
                in_progress: true,
                ..Default::default()
            })
            .unwrap()
            .len(),
            2
        );
        assert_eq!(s.mark_unfinished_on_start().unwrap(), 2);
        assert_eq!(s.mark_unfinished_on_start().unwrap(), 0);
        let c2 = s.get_call("c2").unwrap();
        assert_eq!(c2.outcome, Some(CallOutcome::Unfinished));
        assert!(c2.end_cause.unwrap().contains("stopped"));
        let ids = |f: CallFilter| -> Vec<String> {
            s.list_calls(&f)
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect()
        };
        assert_eq!(ids(CallFilter::default()), ["c3", "c2", "c1"]);
        assert_eq!(
            ids(CallFilter {
                outcome: Some(CallOutcome::Completed),
                ..Default::default()
            }),
            ["c1"]
        );
        assert_eq!(
            ids(CallFilter {
                since: Some(150.0),
                until: Some(300.0),
                ..Default::default()
            }),
            ["c2"]
        );
        assert_eq!(
            ids(CallFilter {
                limit: Some(1),
                profile: Some("sales".into()),
                caller: Some("+4930123".into()),
                ..Default::default()
            }),
            ["c3"]
        );
        assert!(matches!(
            s.get_call("nope"),
            Err(StoreError::CallNotFound(_))
        ));
        assert!(matches!(
            s.update_call_mark("nope", CallMark::Bridged, 1.0),
            Err(StoreError::CallNotFound(_))
        ));
        assert_eq!(s.delete_calls_before(250.0).unwrap(), 2);
        assert_eq!(ids(CallFilter::default()), ["c3"]);
        assert_eq!(
            "agent_failed".parse::<CallOutcome>(),
            Ok(CallOutcome::AgentFailed)
        );
    }

    #[test]
    fn the_db_path_follows_flag_env_xdg_home() {
        let mut l = Layers::default();
        assert_eq!(resolve_db_path(None, &l), PathBuf::from("vcctl.db"));
        l.env.insert("HOME".into(), "/home/u".into());
        assert_eq!(
            resolve_db_path(None, &l),
            PathBuf::from("/home/u/.local/share/vcctl/vcctl.db")
        );
        l.env.insert("XDG_DATA_HOME".into(), "/data".into());
        assert_eq!(
            resolve_db_path(None, &l),
            PathBuf::from("/data/vcctl/vcctl.db")
        );
        l.dotenv.insert("VCCTL_DB".into(), "/srv/dot.db".into());
        assert_eq!(resolve_db_path(None, &l), PathBuf::from("/srv/dot.db"));
        l.env.insert("VCCTL_DB".into(), "/srv/env.db".into());
        assert_eq!(resolve_db_path(None, &l), PathBuf::from("/srv/env.db"));
        assert_eq!(
            resolve_db_path(Some(Path::new("x.db")), &l),
            PathBuf::from("x.db")
        );
    }

    #[tokio::test]
    async fn run_blocking_reaches_the_store_from_async_code() {
        let s = Store::open_in_memory().unwrap();
        s.run_blocking(|s| s.add_profile(&prof("a", None), None, false))
            .await
            .unwrap();
        let n = s.run_blocking(|s| s.list_profiles()).await.unwrap().len();
        assert_eq!(n, 1);
    }
}
