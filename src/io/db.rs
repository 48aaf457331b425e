//! Which store holds the agent profiles and call records, behind one small trait: the embedded
//! SQLite file ([`crate::io::store::Store`], the default) or a PostgreSQL server shared by
//! several serve nodes ([`crate::io::store_pg::PgStore`], issue 18).
//!
//! `--db` / `VCCTL_DB` name either: a `postgres://` or `postgresql://` URL selects PostgreSQL
//! (TLS per the URL's `sslmode`), anything else is a SQLite file path. Both have the same
//! tables, columns and versioned migrations, applied on open.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{redact_userinfo, Layers, Secret};
use crate::io::store::{
    resolve_db_path, CallEnd, CallFilter, CallMark, CallRecord, CallStart, CallUpdate, Store,
    StoreError, DB_ENV,
};
use vcctl_core::agent::routing::AgentProfile;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the store is.
#[derive(Clone, PartialEq)]
pub enum DbLocation {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL; it may hold a password, so it is a [`Secret`] and shown
    /// redacted.
    Postgres(Secret),
}

impl fmt::Debug for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbLocation({self})")
    }
}

impl fmt::Display for DbLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbLocation::Sqlite(p) => write!(f, "{}", p.display()),
            DbLocation::Postgres(u) => f.write_str(&redact_url(u.expose())),
        }
    }
}

/// `postgres://user:pw@host/db?x` shown as `postgres://user@host/db?x` (the password, if any,
/// replaced): which server and database is useful in errors and `--json`, the password never.
pub fn redact_url(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("***"));
            }
            // A password may also ride in the query (`?password=`).
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "password" {
                        "***".into()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            if !pairs.is_empty() {
                u.query_pairs_mut().clear().extend_pairs(pairs);
            }
            u.to_string()
        }
        Err(_) => redact_userinfo(raw),
    }
}

/// Is `s` a PostgreSQL URL (rather than a file path)?
pub fn is_postgres_url(s: &str) -> bool {
    let l = s.trim_start().to_ascii_lowercase();
    l.starts_with("postgres://") || l.starts_with("postgresql://")
}

/// `--db`, else `VCCTL_DB`, else the per-user SQLite file (see [`resolve_db_path`]).
pub fn resolve_db(flag: Option<&str>, layers: &Layers) -> DbLocation {
    let given = flag.map(str::to_string).or_else(|| layers.get(DB_ENV));
    match given {
        Some(s) if is_postgres_url(&s) => DbLocation::Postgres(Secret::new(s.trim())),
        Some(s) => DbLocation::Sqlite(PathBuf::from(s)),
        None => DbLocation::Sqlite(resolve_db_path(None, layers)),
    }
}

/// Whether records reach the store now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreHealth {
    Ok,
    /// Writes are queued (on disk) until the store is back.
    Degraded {
        queued: usize,
        reason: String,
    },
}

/// What serve, `calls`, `agents` and `latency-report` need of a store. Methods block; async
/// code goes through [`Db::run_blocking`].
pub trait StoreBackend: Send + Sync + fmt::Debug {
    /// The file or the redacted URL.
    fn describe(&self) -> String;
    fn schema_version(&self) -> Result<i64>;
    fn list_profiles(&self) -> Result<Vec<AgentProfile>>;
    fn get_profile(&self, name: &str) -> Result<AgentProfile>;
    fn add_profile(
        &self,
        profile: &AgentProfile,
        position: Option<i64>,
        replace: bool,
    ) -> Result<AgentProfile>;
    fn remove_profile(&self, name: &str) -> Result<AgentProfile>;
    fn insert_call_start(&self, c: &CallStart) -> Result<()>;
    fn update_call_mark(&self, id: &str, mark: CallMark, at: f64) -> Result<()>;
    fn update_call(&self, id: &str, u: &CallUpdate) -> Result<()>;
    fn finish_call(&self, id: &str, end: &CallEnd) -> Result<()>;
    /// At serve start: this node's calls left in progress by its previous run become
    /// `unfinished`. `serve_instance` `None`: every call in progress (the single-node store).
    fn mark_unfinished_on_start(&self, serve_instance: Option<&str>) -> Result<usize>;
    fn list_calls(&self, filter: &CallFilter) -> Result<Vec<CallRecord>>;
    fn get_call(&self, id: &str) -> Result<CallRecord>;
    fn delete_calls_before(&self, before: f64) -> Result<usize>;
    /// A store several nodes share (PostgreSQL), where call ids must be unique across nodes.
    fn is_shared(&self) -> bool {
        false
    }
    /// Whether writes reach the store or wait in the queue.
    fn health(&self) -> StoreHealth {
        StoreHealth::Ok
    }
    /// Block until queued writes are written or `timeout` passes; true when none is left.
    fn flush(&self, _timeout: std::time::Duration) -> bool {
        true
    }
}

impl StoreBackend for Store {
    fn describe(&self) -> String {
        self.path().to_string()
    }
    fn schema_version(&self) -> Result<i64> {
        Store::schema_version(self)
    }
    fn list_profiles(&self) -> Result<Vec<AgentProfile>> {
        Store::list_profiles(self)
    }
    fn get_profile(&self, name: &str) -> Result<AgentProfile> {
        Store::get_profile(self, name)
    }
    fn add_profile(
        &self,
        p: &AgentProfile,
        pos: Option<i64>,
        replace: bool,
    ) -> Result<AgentProfile> {
        Store::add_profile(self, p, pos, replace)
    }
    fn remove_profile(&self, name: &str) -> Result<AgentProfile> {
        Store::remove_profile(self, name)
    }
    fn insert_call_start(&self, c: &CallStart) -> Result<()> {
        Store::insert_call_start(self, c)
    }
    fn update_call_mark(&self, id: &str, mark: CallMark, at: f64) -> Result<()> {
        Store::update_call_mark(self, id, mark, at)
    }
    fn update_call(&self, id: &str, u: &CallUpdate) -> Result<()> {
        Store::update_call(self, id, u)
    }
    fn finish_call(&self, id: &str, end: &CallEnd) -> Result<()> {
        Store::finish_call(self, id, end)
    }
    fn mark_unfinished_on_start(&self, _serve_instance: Option<&str>) -> Result<usize> {
        // One file, one serve: every call left in progress is this node's.
        Store::mark_unfinished_on_start(self)
    }
    fn list_calls(&self, filter: &CallFilter) -> Result<Vec<CallRecord>> {
        Store::list_calls(self, filter)
    }
    fn get_call(&self, id: &str) -> Result<CallRecord> {
        Store::get_call(self, id)
    }
    fn delete_calls_before(&self, before: f64) -> Result<usize> {
        Store::delete_calls_before(self, before)
    }
}

/// A handle to either store; clone freely. Derefs to [`StoreBackend`].
#[derive(Debug, Clone)]
pub struct Db(Arc<dyn StoreBackend>);

impl std::ops::Deref for Db {
    type Target = dyn StoreBackend;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl Db {
    pub fn new(b: impl StoreBackend + 'static) -> Self {
        Db(Arc::new(b))
    }

    /// Open for writing: a SQLite file is created if missing; PostgreSQL must answer now (the
    /// schema is migrated on open). Serve opens with a spool for writes made while PostgreSQL
    /// is away ([`Db::open_serving`]).
    pub fn open(loc: &DbLocation) -> Result<Self> {
        match loc {
            DbLocation::Sqlite(p) => Ok(Db::new(Store::open(p)?)),
            DbLocation::Postgres(u) => Ok(Db::new(crate::io::store_pg::PgStore::open(
                u.expose(),
                None,
            )?)),
        }
    }

    /// Open for reading: a SQLite file that does not exist yet is an empty store rather than a
    /// file created as a side effect.
    pub fn open_read(loc: &DbLocation) -> Result<Self> {
        match loc {
            DbLocation::Sqlite(p) if !p.exists() => Ok(Db::new(Store::open_in_memory()?)),
            _ => Self::open(loc),
        }
    }

    /// Open for `vcctl serve`: with PostgreSQL, writes that cannot reach the server wait in
    /// `spool` (a file, bounded) and are written in order when it is back.
    pub fn open_serving(loc: &DbLocation, spool: &Path) -> Result<Self> {
        match loc {
            DbLocation::Sqlite(p) => Ok(Db::new(Store::open(p)?)),
            DbLocation::Postgres(u) => Ok(Db::new(crate::io::store_pg::PgStore::open(
                u.expose(),
                Some(spool),
            )?)),
        }
    }

    /// Run blocking store work from async code on tokio's blocking pool.
    pub async fn run_blocking<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&Db) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// The spool file of a serve writing to PostgreSQL: `VCCTL_DB_SPOOL`, else next to the default
/// SQLite file, one per instance (`.../vcctl/pg-spool-<instance>.jsonl`), so two serves on
/// one machine do not share one.
pub fn spool_path(layers: &Layers, instance: &str) -> PathBuf {
    if let Some(p) = layers.get("VCCTL_DB_SPOOL") {
        return PathBuf::from(p);
    }
    let safe: String = instance
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    let env_only = Layers {
        env: layers.env.clone(),
        dotenv: Default::default(),
    };
    resolve_db_path(None, &env_only).with_file_name(format!("pg-spool-{safe}.jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_selects_postgres_and_is_shown_without_its_password() {
        let mut l = Layers::default();
        l.env.insert("HOME".into(), "/home/u".into());
        assert_eq!(
            resolve_db(None, &l),
            DbLocation::Sqlite("/home/u/.local/share/vcctl/vcctl.db".into())
        );
        assert_eq!(
            resolve_db(Some("x.db"), &l),
            DbLocation::Sqlite("x.db".into())
        );
        l.dotenv.insert(
            DB_ENV.into(),
            "postgresql://vcctl:hunter2@db.example:5433/calls?sslmode=require".into(),
        );
        let loc = resolve_db(None, &l);
        assert!(matches!(loc, DbLocation::Postgres(_)));
        let shown = format!("{loc} {loc:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(
            shown.contains("db.example:5433/calls?sslmode=require"),
            "{shown}"
        );
        let q = redact_url("postgres://h/db?user=a&password=hunter2");
        assert!(!q.contains("hunter2") && q.contains("user=a"), "{q}");
        // The flag wins over the environment.
        assert_eq!(
            resolve_db(Some("/srv/v.db"), &l),
            DbLocation::Sqlite("/srv/v.db".into())
        );
        assert!(is_postgres_url("POSTGRES://x/y"));
        assert!(!is_postgres_url("/var/lib/postgres/x.db"));
    }

    #[test]
    fn the_spool_sits_in_the_data_directory_unless_named() {
        let mut l = Layers::default();
        l.env.insert("XDG_DATA_HOME".into(), "/data".into());
        l.dotenv.insert(DB_ENV.into(), "postgres://h/db".into());
        assert_eq!(
            spool_path(&l, "node-1:8000"),
            PathBuf::from("/data/vcctl/pg-spool-node-1_8000.jsonl")
        );
        l.env
            .insert("VCCTL_DB_SPOOL".into(), "/var/spool/v.jsonl".into());
        assert_eq!(spool_path(&l, "x"), PathBuf::from("/var/spool/v.jsonl"));
    }
}
