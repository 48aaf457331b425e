//! The PostgreSQL store (issue 18): the same tables, columns and schema versions as the SQLite
//! file ([`crate::io::store`]), shared by every serve node of a cluster.
//!
//! # Connection
//! `postgres://user[:password]@host[:port]/db[?sslmode=...]`. `sslmode` `disable`, `prefer`
//! (the default: TLS when the server offers it) or `require`; `verify-ca` and `verify-full` are
//! taken as `require`, because the TLS here (rustls) always checks the certificate chain and the
//! host name: a server certificate that does not verify is refused in every mode that uses TLS.
//! `sslrootcert=FILE` adds a private CA (PEM) to the public roots. A certificate that does
//! not verify is [`StoreError::Certificate`]: one sentence saying what is wrong (unknown
//! issuer: give `sslrootcert`), exit code 11 as for ARI. Tested live against the sandbox with
//! TLS on (`VCCTL_PG_SSL=1 scripts/postgres-sandbox.sh up`, tests/e2e_store.rs).
//!
//! # Schema and migrations
//! The migrations are SQLite's ([`crate::io::store::MIGRATIONS`]), each written in PostgreSQL's
//! types by [`pg_migration`] (`DOUBLE PRECISION` for SQLite's 8-byte `REAL`, `BIGINT` for
//! `INTEGER`). The
//! version lives in `vcctl_schema`. Migrating runs in one transaction that first takes a
//! transaction-scoped advisory lock, so nodes starting at once migrate one after the other and
//! the later ones find nothing left to do.
//!
//! # When PostgreSQL is away (serve only)
//! Opened with a spool file ([`PgStore::open`] with `Some(path)`), a write that cannot reach the
//! server (connection refused or lost, server shutting down) is appended to the spool and the
//! call goes on. While anything is spooled, later writes are spooled behind it, so each call's
//! writes keep their order. A thread retries every second and writes the spool out in order;
//! replays are idempotent (a start already written is skipped, marks keep the first time,
//! updates and ends overwrite with the same values), so a write that reached the server just
//! before the connection broke is not doubled. The spool survives a restart of serve (it is
//! replayed on the next open) and is bounded ([`MAX_SPOOLED`] writes, then writes fail and are
//! logged). Agent profiles are served from the last list read while the store is away.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

use postgres::types::ToSql;
use postgres::{Client, Config, GenericClient, Row};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::io::clock::now_unix;
use crate::io::db::{redact_url, StoreBackend, StoreHealth};
use crate::io::store::{
    insert_position, CallEnd, CallFilter, CallMark, CallRecord, CallStart, CallUpdate, EndedBy,
    StoreError, MIGRATIONS,
};
use vcctl_core::agent::routing::AgentProfile;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// PostgreSQL's form of a SQLite migration of [`MIGRATIONS`]: the same DDL with SQLite's
/// 8-byte `REAL` and `INTEGER` written `DOUBLE PRECISION` and `BIGINT` (whole words, outside
/// `--` comments); everything else vcctl's migrations use is SQL both take. One list of
/// migrations for both stores, so they cannot drift apart (issue 18's duplicate finding).
pub fn pg_migration(sqlite: &str) -> String {
    let word = |code: &str, from: &str, to: &str| -> String {
        let mut out = String::with_capacity(code.len());
        let mut rest = code;
        while let Some(at) = rest.find(from) {
            let before = rest[..at].chars().next_back();
            let after = rest[at + from.len()..].chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            out.push_str(&rest[..at]);
            out.push_str(if ident(before) || ident(after) {
                from
            } else {
                to
            });
            rest = &rest[at + from.len()..];
        }
        out.push_str(rest);
        out
    };
    sqlite
        .lines()
        .map(|line| {
            let (code, comment) = match line.find("--") {
                Some(at) => line.split_at(at),
                None => (line, ""),
            };
            let code = word(&word(code, "REAL", "DOUBLE PRECISION"), "INTEGER", "BIGINT");
            format!("{code}{comment}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The advisory lock key migrations take (`vcctl` in ASCII).
const MIGRATION_LOCK: i64 = 0x0076_6363_746c;
/// How long a connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// At most this many writes wait in the spool; later ones fail (and are logged by serve).
pub const MAX_SPOOLED: usize = 100_000;
/// How often the spool thread tries the server again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// One write of serve, as spooled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SpooledWrite {
    Start(CallStart),
    Mark { id: String, mark: CallMark, at: f64 },
    Update { id: String, update: CallUpdate },
    Finish { id: String, end: CallEnd },
}

/// The PostgreSQL store; see the module docs.
#[derive(Debug)]
pub struct PgStore {
    inner: Arc<Inner>,
}

struct Inner {
    shown: String,
    config: Config,
    tls: MakeRustlsConnect,
    conn: Mutex<Option<Client>>,
    spool: Option<Spool>,
    /// The last profile list read (served while the store is away).
    profiles: Mutex<Option<Vec<AgentProfile>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing a connection blocks on the client's runtime too (see outside_runtime).
        let conn = self
            .conn
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(c) = conn {
            outside_runtime(move || drop(c));
        }
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("url", &self.shown).finish()
    }
}

struct Spool {
    path: PathBuf,
    state: Mutex<SpoolState>,
    changed: Condvar,
}

#[derive(Default)]
struct SpoolState {
    pending: VecDeque<SpooledWrite>,
    /// Why the last attempt failed.
    reason: String,
}

/// Run blocking PostgreSQL work where blocking is allowed. The `postgres` client drives its
/// own small tokio runtime, which tokio refuses to start on a thread that already runs async
/// tasks (the commands call the store from async functions): on a multi-thread runtime the
/// worker hands its tasks off for the while (`block_in_place`), on a current-thread one the
/// work runs on a scoped thread; outside any runtime (the spool thread, spawn_blocking) as is.
fn outside_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Err(_) => f(),
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        Ok(_) => std::thread::scope(|s| {
            s.spawn(f)
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        }),
    }
}

/// Is this a failure to reach the server (worth spooling), rather than a refused statement?
fn unreachable(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        // Connection exceptions, operator intervention (shutdown), insufficient resources.
        Some(c) => ["08", "57", "53"].iter().any(|k| c.code().starts_with(k)),
        // No SQLSTATE: I/O, TLS, timeouts, authentication transport. (Row conversion errors
        // have none either, but writes convert nothing.)
        None => true,
    }
}

fn reason(e: &postgres::Error) -> String {
    let mut text = e.to_string();
    let mut cur: &dyn std::error::Error = e;
    while let Some(n) = cur.source() {
        let s = n.to_string();
        if !text.contains(&s) {
            text = format!("{text}: {s}");
        }
        cur = n;
    }
    text
}

/// A failed connect: a certificate vcctl does not trust is said as such (exit code 11), not
/// as a database error.
fn connect_err(e: postgres::Error, shown: &str) -> StoreError {
    match crate::io::tls::certificate_problem(&e) {
        Some(problem) => StoreError::Certificate {
            path: shown.to_string(),
            problem: pg_cert_sentence(&problem),
        },
        None => sql_err(e),
    }
}

/// What is wrong with PostgreSQL's certificate and what to do, in the URL's terms.
fn pg_cert_sentence(p: &crate::io::tls::CertProblem) -> String {
    use crate::io::tls::CertProblem;
    match p {
        CertProblem::UnknownIssuer => "its certificate is not signed by a CA vcctl trusts \
            (unknown issuer); give the CA that signed it in the URL: sslrootcert=FILE (PEM)"
            .into(),
        CertProblem::WrongName {
            expected,
            presented,
        } => format!(
            "its certificate is for {} and not for {}; connect by a name the certificate \
             has, or have one issued for this name",
            if presented.is_empty() {
                "other names".to_string()
            } else {
                presented.join(", ")
            },
            expected.as_deref().unwrap_or("the host in the URL")
        ),
        other => format!("{other} (for PostgreSQL the CA goes in the URL: sslrootcert=FILE)"),
    }
}

fn sql_err(e: postgres::Error) -> StoreError {
    StoreError::Sql(reason(&e))
}

impl PgStore {
    /// Connect, migrate, and (with `spool`) replay writes a previous run spooled.
    pub fn open(url: &str, spool: Option<&Path>) -> Result<Self> {
        outside_runtime(|| Self::open_here(url, spool))
    }

    fn open_here(url: &str, spool: Option<&Path>) -> Result<Self> {
        let shown = redact_url(url);
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let (config, ca) = parse_url(url).map_err(open_err)?;
        let tls =
            crate::io::tls::client_config(ca.as_deref()).map_err(|e| open_err(e.to_string()))?;
        let tls = MakeRustlsConnect::new((*tls).clone());
        let spool = match spool {
            Some(p) => Some(Spool::load(p).map_err(|e| {
                open_err(format!(
                    "the spool file {} cannot be used: {e}",
                    p.display()
                ))
            })?),
            None => None,
        };
        let inner = Arc::new(Inner {
            shown: shown.clone(),
            config,
            tls,
            conn: Mutex::new(None),
            spool,
            profiles: Mutex::new(None),
        });
        {
            let mut conn = inner.client().map_err(|e| match e {
                StoreError::Sql(r) => open_err(r),
                e => e,
            })?;
            let client = conn.as_mut().expect("connected");
            migrate(client, &shown, MIGRATIONS.len())?;
        }
        if inner.spool.is_some() {
            let weak = Arc::downgrade(&inner);
            std::thread::Builder::new()
                .name("vcctl-pg-spool".into())
                .spawn(move || spool_loop(weak))
                .map_err(|e| open_err(e.to_string()))?;
            if let Some(s) = &inner.spool {
                s.changed.notify_all();
            }
        }
        Ok(PgStore { inner })
    }

    /// Open and migrate only up to `upto` (tests of upgrades).
    #[cfg(test)]
    pub fn open_upto(url: &str, upto: usize) -> Result<Self> {
        let (config, _) = parse_url(url).map_err(StoreError::Sql)?;
        let mut client = config.connect(postgres::NoTls).map_err(sql_err)?;
        migrate(&mut client, url, upto)?;
        let tls =
            crate::io::tls::client_config(None).map_err(|e| StoreError::Sql(e.to_string()))?;
        Ok(PgStore {
            inner: Arc::new(Inner {
                shown: redact_url(url),
                config,
                tls: MakeRustlsConnect::new((*tls).clone()),
                conn: Mutex::new(Some(client)),
                spool: None,
                profiles: Mutex::new(None),
            }),
        })
    }
}

/// The URL as tokio-postgres takes it, and the `sslrootcert` it does not know.
fn parse_url(url: &str) -> std::result::Result<(Config, Option<PathBuf>), String> {
    let mut u = url::Url::parse(url.trim()).map_err(|e| format!("the URL is not valid ({e})"))?;
    let mut ca = None;
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .filter_map(|(k, v)| match (&*k, &*v) {
            ("sslrootcert", v) => {
                ca = Some(PathBuf::from(v));
                None
            }
            ("sslmode", "verify-ca" | "verify-full") => Some((k.into(), "require".into())),
            _ => Some((k.into_owned(), v.into_owned())),
        })
        .collect();
    u.set_query(None);
    if !pairs.is_empty() {
        u.query_pairs_mut().extend_pairs(pairs);
    }
    let mut config: Config = u
        .as_str()
        .parse()
        .map_err(|e: postgres::Error| format!("the URL is not valid ({e})"))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    config.keepalives_idle(Duration::from_secs(30));
    #[cfg(target_os = "linux")]
    config.tcp_user_timeout(Duration::from_secs(10));
    if config.get_application_name().is_none() {
        config.application_name("vcctl");
    }
    Ok((config, ca))
}

fn migrate(client: &mut Client, shown: &str, upto: usize) -> Result<()> {
    let fail = |version: i64| {
        move |e: postgres::Error| StoreError::Migrate {
            path: shown.to_string(),
            version,
            reason: reason(&e),
        }
    };
    let mut tx = client.transaction().map_err(fail(0))?;
    // One node at a time; the lock goes with the transaction.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(fail(0))?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS vcctl_schema (version BIGINT NOT NULL)")
        .map_err(fail(0))?;
    let found: Option<i64> = tx
        .query_opt("SELECT version FROM vcctl_schema", &[])
        .map_err(fail(0))?
        .map(|r| r.get(0));
    let found = match found {
        Some(v) => v,
        None => {
            tx.execute("INSERT INTO vcctl_schema (version) VALUES (0)", &[])
                .map_err(fail(0))?;
            0
        }
    };
    if found > MIGRATIONS.len() as i64 {
        return Err(StoreError::TooNew {
            path: shown.to_string(),
            found,
            known: MIGRATIONS.len() as i64,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().take(upto) {
        let target = i as i64 + 1;
        if found >= target {
            continue;
        }
        tx.batch_execute(&pg_migration(sql)).map_err(fail(target))?;
        tx.execute("UPDATE vcctl_schema SET version = $1", &[&target])
            .map_err(fail(target))?;
        tracing::info!(db = %shown, version = target, "database schema upgraded");
    }
    tx.commit().map_err(fail(upto as i64))?;
    Ok(())
}

impl Inner {
    /// The connection, made if there is none.
    fn client(&self) -> Result<MutexGuard<'_, Option<Client>>> {
        let mut g = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if g.as_ref().is_some_and(|c| c.is_closed()) {
            *g = None;
        }
        if g.is_none() {
            *g = Some(
                self.config
                    .connect(self.tls.clone())
                    .map_err(|e| connect_err(e, &self.shown))?,
            );
        }
        Ok(g)
    }

    /// Run `f` on the connection; when the connection turns out dead, once more on a new one.
    /// The error says whether the server was unreachable.
    fn with_client<T>(
        &self,
        mut f: impl FnMut(&mut Client, bool) -> std::result::Result<T, postgres::Error>,
    ) -> std::result::Result<T, (bool, StoreError)> {
        for retry in [false, true] {
            let mut g = match self.client() {
                Ok(g) => g,
                Err(e) => return Err((true, e)),
            };
            let c = g.as_mut().expect("connected");
            match f(c, retry) {
                Ok(v) => return Ok(v),
                Err(e) if unreachable(&e) => {
                    *g = None;
                    if retry || !e.is_closed() {
                        return Err((true, sql_err(e)));
                    }
                }
                Err(e) => return Err((false, map_db_err(e))),
            }
        }
        unreachable!("the loop returns")
    }

    fn read<T>(
        &self,
        f: impl FnMut(&mut Client, bool) -> std::result::Result<T, postgres::Error>,
    ) -> Result<T> {
        self.with_client(f).map_err(|(_, e)| e)
    }

    /// A write of serve: straight to the server, or to the spool (see the module docs).
    fn write(&self, w: SpooledWrite) -> Result<()> {
        let Some(spool) = &self.spool else {
            return self
                .with_client(|c, replay| apply(c, &w, replay))
                .map_err(|(_, e)| e);
        };
        if !spool.is_empty() {
            return spool.push(w, None);
        }
        match self.with_client(|c, replay| apply(c, &w, replay)) {
            Ok(()) => Ok(()),
            Err((true, e)) => {
                tracing::warn!(db = %self.shown, "the store is unreachable, spooling records: {e}");
                spool.push(w, Some(e.to_string()))
            }
            Err((false, e)) => Err(e),
        }
    }
}

fn map_db_err(e: postgres::Error) -> StoreError {
    StoreError::Sql(reason(&e))
}

fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION)
}

fn json(v: &Option<Value>) -> Option<String> {
    v.as_ref().map(Value::to_string)
}

/// Execute one write. `replay`: it may have been written already (idempotent forms).
fn apply(
    c: &mut Client,
    w: &SpooledWrite,
    replay: bool,
) -> std::result::Result<(), postgres::Error> {
    match w {
        SpooledWrite::Start(s) => {
            let conflict = if replay {
                " ON CONFLICT (id) DO NOTHING"
            } else {
                ""
            };
            c.execute(
                &format!(
                    "INSERT INTO calls (id, caller_channel_id, caller_number, caller_name,
                        extension, profile, agent_id, stasis_start, asterisk_id, serve_instance)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10){conflict}"
                ),
                &[
                    &s.id,
                    &s.caller_channel_id,
                    &s.caller_number,
                    &s.caller_name,
                    &s.extension,
                    &s.profile,
                    &s.agent_id,
                    &s.stasis_start,
                    &s.asterisk_id,
                    &s.serve_instance,
                ],
            )?;
        }
        SpooledWrite::Mark { id, mark, at } => {
            let col = mark.column();
            c.execute(
                &format!("UPDATE calls SET {col} = COALESCE({col}, $2) WHERE id = $1"),
                &[id, at],
            )?;
        }
        SpooledWrite::Update { id, update: u } => {
            c.execute(
                "UPDATE calls SET
                    media_channel_id = COALESCE($2, media_channel_id),
                    bridge_id        = COALESCE($3, bridge_id),
                    profile          = COALESCE($4, profile),
                    agent_id         = COALESCE($5, agent_id),
                    conversation_id  = COALESCE($6, conversation_id),
                    rtp_inbound      = COALESCE($7, rtp_inbound),
                    rtp_outbound     = COALESCE($8, rtp_outbound),
                    latency          = COALESCE($9, latency),
                    transcript       = COALESCE($10, transcript),
                    recording        = COALESCE($11, recording),
                    transport        = COALESCE($12, transport),
                    media_ws         = COALESCE($13, media_ws)
                 WHERE id = $1",
                &[
                    id,
                    &u.media_channel_id,
                    &u.bridge_id,
                    &u.profile,
                    &u.agent_id,
                    &u.conversation_id,
                    &json(&u.rtp_inbound),
                    &json(&u.rtp_outbound),
                    &json(&u.latency),
                    &json(&u.transcript),
                    &u.recording,
                    &u.transport,
                    &json(&u.media_ws),
                ],
            )?;
        }
        SpooledWrite::Finish { id, end } => {
            c.execute(
                "UPDATE calls SET
                    ended = $2,
                    duration_seconds = GREATEST(0.0, $2 - stasis_start),
                    end_cause = $3,
                    ended_by = $4,
                    outcome = $5,
                    rtp_inbound  = COALESCE($6, rtp_inbound),
                    rtp_outbound = COALESCE($7, rtp_outbound),
                    latency      = COALESCE($8, latency),
                    transcript   = COALESCE($9, transcript)
                 WHERE id = $1",
                &[
                    id,
                    &end.ended,
                    &end.end_cause,
                    &end.ended_by.map(EndedBy::as_str),
                    &end.outcome.as_str(),
                    &json(&end.rtp_inbound),
                    &json(&end.rtp_outbound),
                    &json(&end.latency),
                    &json(&end.transcript),
                ],
            )?;
        }
    }
    Ok(())
}

impl Spool {
    fn load(path: &Path) -> std::io::Result<Spool> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let mut pending = VecDeque::new();
        match std::fs::File::open(path) {
            Ok(f) => {
                for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
                    let line = line?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    match serde_json::from_str(&line) {
                        Ok(w) => pending.push_back(w),
                        // A line cut short by a crash while it was appended.
                        Err(e) => tracing::warn!(
                            spool = %path.display(), line = n + 1,
                            "skipping an unreadable spooled write: {e}"
                        ),
                    }
                }
                if !pending.is_empty() {
                    tracing::info!(spool = %path.display(), writes = pending.len(),
                        "replaying writes spooled by a previous run");
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let reason = if pending.is_empty() {
            String::new()
        } else {
            "writes spooled by a previous run are being written".into()
        };
        Ok(Spool {
            path: path.to_path_buf(),
            state: Mutex::new(SpoolState { pending, reason }),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, SpoolState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_empty(&self) -> bool {
        self.lock().pending.is_empty()
    }

    fn push(&self, w: SpooledWrite, reason: Option<String>) -> Result<()> {
        let mut st = self.lock();
        if st.pending.len() >= MAX_SPOOLED {
            return Err(StoreError::Sql(format!(
                "the store is unreachable and {MAX_SPOOLED} writes already wait in {}; this one is dropped",
                self.path.display()
            )));
        }
        let line = serde_json::to_string(&w).map_err(|e| StoreError::Sql(e.to_string()))?;
        append_line(&self.path, &line).map_err(|e| {
            StoreError::Sql(format!(
                "the store is unreachable and the spool {} cannot be written: {e}",
                self.path.display()
            ))
        })?;
        st.pending.push_back(w);
        if let Some(r) = reason {
            st.reason = r;
        }
        self.changed.notify_all();
        Ok(())
    }

    /// Rewrite the file to hold exactly what is pending.
    fn rewrite(&self, st: &SpoolState) -> std::io::Result<()> {
        if st.pending.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        let tmp = self.path.with_extension("tmp");
        let mut text = String::new();
        for w in &st.pending {
            text.push_str(&serde_json::to_string(w).unwrap_or_default());
            text.push('\n');
        }
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, &self.path)
    }
}

fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600); // records hold transcripts
    }
    let mut f = opts.open(path)?;
    f.write_all(format!("{line}\n").as_bytes())
}

/// Write spooled writes out, in order, whenever the server answers.
fn spool_loop(weak: Weak<Inner>) {
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let spool = inner.spool.as_ref().expect("spool thread without a spool");
        {
            let st = spool.lock();
            if st.pending.is_empty() {
                let _ = spool.changed.wait_timeout(st, RETRY_EVERY);
                continue;
            }
        }
        drain(&inner, spool);
        drop(inner);
        std::thread::sleep(RETRY_EVERY);
    }
}

fn drain(inner: &Inner, spool: &Spool) {
    let mut st = spool.lock();
    let before = st.pending.len();
    while let Some(w) = st.pending.front().cloned() {
        match inner.with_client(|c, _| apply(c, &w, true)) {
            Ok(()) => {
                st.pending.pop_front();
            }
            Err((true, e)) => {
                st.reason = e.to_string();
                break;
            }
            Err((false, e)) => {
                // The server refuses it (e.g. a schema change under our feet): keeping it
                // would block every write behind it.
                tracing::error!(db = %inner.shown, "a spooled write was refused and is dropped: {e}; {w:?}");
                st.pending.pop_front();
            }
        }
    }
    let written = before - st.pending.len();
    if written > 0 {
        if let Err(e) = spool.rewrite(&st) {
            tracing::error!(spool = %spool.path.display(), "could not rewrite the spool: {e}");
        }
        tracing::info!(db = %inner.shown, written, left = st.pending.len(), "spooled writes written");
    }
    if st.pending.is_empty() {
        st.reason.clear();
    }
    spool.changed.notify_all();
}

const PROFILE_COLUMNS: &str = "name, position, agent_id, api_key_env, voice_id, first_message, \
     language, dynamic_variables, extension_pattern, caller_pattern";

const CALL_COLUMNS: &str = "id, caller_channel_id, media_channel_id, bridge_id, caller_number, \
     caller_name, extension, profile, agent_id, conversation_id, stasis_start, bridged, \
     agent_connected, first_agent_audio, ended, duration_seconds, end_cause, ended_by, outcome, \
     rtp_inbound, rtp_outbound, latency, transcript, recording, transport, media_ws, asterisk_id, \
     serve_instance";

fn bad_row(what: String) -> StoreError {
    StoreError::Sql(format!("a stored row could not be read: {what}"))
}

fn json_col<T: serde::de::DeserializeOwned>(row: &Row, i: usize) -> Result<Option<T>> {
    let text: Option<String> = row.try_get(i).map_err(|e| bad_row(e.to_string()))?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| bad_row(e.to_string())))
        .transpose()
}

fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i).map_err(|e| bad_row(e.to_string()))
}

fn parsed<T: std::str::FromStr<Err = String>>(row: &Row, i: usize) -> Result<Option<T>> {
    get::<Option<String>>(row, i)?
        .map(|s| s.parse::<T>().map_err(bad_row))
        .transpose()
}

fn profile_from_row(row: &Row) -> Result<AgentProfile> {
    Ok(AgentProfile {
        name: get(row, 0)?,
        position: get(row, 1)?,
        agent_id: get(row, 2)?,
        api_key_env: get(row, 3)?,
        voice_id: get(row, 4)?,
        first_message: get(row, 5)?,
        language: get(row, 6)?,
        dynamic_variables: json_col::<BTreeMap<String, String>>(row, 7)?.unwrap_or_default(),
        extension_pattern: get(row, 8)?,
        caller_pattern: get(row, 9)?,
    })
}

fn call_from_row(row: &Row) -> Result<CallRecord> {
    Ok(CallRecord {
        id: get(row, 0)?,
        caller_channel_id: get(row, 1)?,
        media_channel_id: get(row, 2)?,
        bridge_id: get(row, 3)?,
        caller_number: get(row, 4)?,
        caller_name: get(row, 5)?,
        extension: get(row, 6)?,
        profile: get(row, 7)?,
        agent_id: get(row, 8)?,
        conversation_id: get(row, 9)?,
        stasis_start: get(row, 10)?,
        bridged: get(row, 11)?,
        agent_connected: get(row, 12)?,
        first_agent_audio: get(row, 13)?,
        ended: get(row, 14)?,
        duration_seconds: get(row, 15)?,
        end_cause: get(row, 16)?,
        ended_by: parsed(row, 17)?,
        outcome: parsed(row, 18)?,
        rtp_inbound: json_col(row, 19)?,
        rtp_outbound: json_col(row, 20)?,
        latency: json_col(row, 21)?,
        transcript: json_col(row, 22)?,
        recording: get(row, 23)?,
        transport: get(row, 24)?,
        media_ws: json_col(row, 25)?,
        asterisk_id: get(row, 26)?,
        serve_instance: get(row, 27)?,
    })
}

fn get_profile(c: &mut impl GenericClient, name: &str) -> Result<Option<AgentProfile>> {
    c.query_opt(
        &format!("SELECT {PROFILE_COLUMNS} FROM agent_profiles WHERE name = $1"),
        &[&name],
    )
    .map_err(sql_err)?
    .map(|r| profile_from_row(&r))
    .transpose()
}

fn delete_and_close_gap(c: &mut impl GenericClient, old: &AgentProfile) -> Result<()> {
    c.execute("DELETE FROM agent_profiles WHERE name = $1", &[&old.name])
        .map_err(sql_err)?;
    c.execute(
        "UPDATE agent_profiles SET position = position - 1 WHERE position > $1",
        &[&old.position],
    )
    .map_err(sql_err)?;
    Ok(())
}

/// A profile change: one transaction holding the table's write lock, so two nodes editing the
/// routing order at once do one after the other.
fn profile_tx<T>(
    inner: &Inner,
    f: impl Fn(&mut postgres::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let mut g = inner.client()?;
    let c = g.as_mut().expect("connected");
    let run = |c: &mut Client| -> Result<T> {
        let mut tx = c.transaction().map_err(sql_err)?;
        tx.batch_execute("LOCK TABLE agent_profiles IN SHARE ROW EXCLUSIVE MODE")
            .map_err(sql_err)?;
        let v = f(&mut tx)?;
        tx.commit().map_err(sql_err)?;
        Ok(v)
    };
    let r = run(c);
    if c.is_closed() {
        *g = None;
    }
    r
}

impl StoreBackend for PgStore {
    fn describe(&self) -> String {
        self.inner.shown.clone()
    }

    fn schema_version(&self) -> Result<i64> {
        outside_runtime(|| {
            self.inner
                .read(|c, _| c.query_one("SELECT version FROM vcctl_schema", &[]))
                .map(|r| r.get(0))
        })
    }

    fn list_profiles(&self) -> Result<Vec<AgentProfile>> {
        outside_runtime(|| {
            let cached = || {
                self.inner
                    .profiles
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
            };
            // While writes are spooled the server is away: do not wait for it on every call.
            if let Some(s) = &self.inner.spool {
                if !s.is_empty() {
                    if let Some(p) = cached() {
                        return Ok(p);
                    }
                }
            }
            let rows = self.inner.with_client(|c, _| {
                c.query(
                    &format!(
                        "SELECT {PROFILE_COLUMNS} FROM agent_profiles ORDER BY position, name"
                    ),
                    &[],
                )
            });
            match rows {
                Ok(rows) => {
                    let list = rows
                        .iter()
                        .map(profile_from_row)
                        .collect::<Result<Vec<_>>>()?;
                    *self
                        .inner
                        .profiles
                        .lock()
                        .unwrap_or_else(|e| e.into_inner()) = Some(list.clone());
                    Ok(list)
                }
                Err((true, e)) if self.inner.spool.is_some() => cached().ok_or(e),
                Err((_, e)) => Err(e),
            }
        })
    }

    fn get_profile(&self, name: &str) -> Result<AgentProfile> {
        outside_runtime(|| {
            let mut g = self.inner.client()?;
            get_profile(g.as_mut().expect("connected"), name)?
                .ok_or_else(|| StoreError::ProfileNotFound(name.to_string()))
        })
    }

    fn add_profile(
        &self,
        profile: &AgentProfile,
        position: Option<i64>,
        replace: bool,
    ) -> Result<AgentProfile> {
        outside_runtime(|| {
            profile.validate()?;
            profile_tx(&self.inner, |tx| {
                let old = get_profile(tx, &profile.name)?;
                if old.is_some() && !replace {
                    return Err(StoreError::DuplicateProfile(profile.name.clone()));
                }
                if let Some(old) = &old {
                    delete_and_close_gap(tx, old)?;
                }
                let count: i64 = tx
                    .query_one("SELECT count(*) FROM agent_profiles", &[])
                    .map_err(sql_err)?
                    .get(0);
                let target = insert_position(position, old.as_ref().map(|o| o.position), count)?;
                tx.execute(
                    "UPDATE agent_profiles SET position = position + 1 WHERE position >= $1",
                    &[&target],
                )
                .map_err(sql_err)?;
                let vars = serde_json::to_string(&profile.dynamic_variables)
                    .map_err(|e| StoreError::Sql(e.to_string()))?;
                let now = now_unix();
                let ext = profile
                    .extension_pattern
                    .as_deref()
                    .filter(|p| !p.is_empty());
                let caller = profile.caller_pattern.as_deref().filter(|p| !p.is_empty());
                let params: [&(dyn ToSql + Sync); 11] = [
                    &profile.name,
                    &target,
                    &profile.agent_id,
                    &profile.api_key_env,
                    &profile.voice_id,
                    &profile.first_message,
                    &profile.language,
                    &vars,
                    &ext,
                    &caller,
                    &now,
                ];
                tx.execute(
                    "INSERT INTO agent_profiles (name, position, agent_id, api_key_env, voice_id,
                        first_message, language, dynamic_variables, extension_pattern,
                        caller_pattern, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                    &params,
                )
                .map_err(sql_err)?;
                get_profile(tx, &profile.name)?
                    .ok_or_else(|| StoreError::Sql("the profile vanished while being added".into()))
            })
        })
    }

    fn remove_profile(&self, name: &str) -> Result<AgentProfile> {
        outside_runtime(|| {
            profile_tx(&self.inner, |tx| {
                let old = get_profile(tx, name)?
                    .ok_or_else(|| StoreError::ProfileNotFound(name.to_string()))?;
                delete_and_close_gap(tx, &old)?;
                Ok(old)
            })
        })
    }

    fn insert_call_start(&self, c: &CallStart) -> Result<()> {
        outside_runtime(|| {
            let w = SpooledWrite::Start(c.clone());
            if self.inner.spool.is_none() || self.inner.spool.as_ref().is_some_and(Spool::is_empty)
            {
                // Report a duplicate id as such (a replay after a lost connection cannot be one).
                let r = self
                    .inner
                    .with_client(|cl, replay| match apply(cl, &w, replay) {
                        Err(e) if is_unique_violation(&e) => Ok(false),
                        r => r.map(|_| true),
                    });
                match r {
                    Ok(true) => return Ok(()),
                    Ok(false) => return Err(StoreError::DuplicateCall(c.id.clone())),
                    Err((false, e)) => return Err(e),
                    Err((true, e)) => match &self.inner.spool {
                        None => return Err(e),
                        Some(s) => {
                            tracing::warn!(db = %self.inner.shown, "the store is unreachable, spooling records: {e}");
                            return s.push(w, Some(e.to_string()));
                        }
                    },
                }
            }
            self.inner.write(w)
        })
    }

    fn update_call_mark(&self, id: &str, mark: CallMark, at: f64) -> Result<()> {
        outside_runtime(|| {
            self.inner.write(SpooledWrite::Mark {
                id: id.into(),
                mark,
                at,
            })
        })
    }

    fn update_call(&self, id: &str, u: &CallUpdate) -> Result<()> {
        outside_runtime(|| {
            self.inner.write(SpooledWrite::Update {
                id: id.into(),
                update: u.clone(),
            })
        })
    }

    fn finish_call(&self, id: &str, end: &CallEnd) -> Result<()> {
        outside_runtime(|| {
            self.inner.write(SpooledWrite::Finish {
                id: id.into(),
                end: end.clone(),
            })
        })
    }

    fn mark_unfinished_on_start(&self, serve_instance: Option<&str>) -> Result<usize> {
        outside_runtime(|| {
            // Only this node's calls: the others' are live on their nodes.
            self.inner
                .read(|c, _| {
                    c.execute(
                        "UPDATE calls SET outcome = 'unfinished',
                            end_cause = COALESCE(end_cause, 'vcctl stopped before the call ended')
                         WHERE outcome IS NULL AND ($1::TEXT IS NULL OR serve_instance = $1)",
                        &[&serve_instance],
                    )
                })
                .map(|n| n as usize)
        })
    }

    fn list_calls(&self, filter: &CallFilter) -> Result<Vec<CallRecord>> {
        outside_runtime(|| {
            let mut sql = format!("SELECT {CALL_COLUMNS} FROM calls WHERE 1=1");
            let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
            let mut push = |cond: &str, v: Box<dyn ToSql + Sync>| {
                args.push(v);
                sql.push_str(&format!(" AND {cond} ${}", args.len()));
            };
            if let Some(t) = filter.since {
                push("stasis_start >=", Box::new(t));
            }
            if let Some(t) = filter.until {
                push("stasis_start <", Box::new(t));
            }
            if let Some(o) = filter.outcome {
                push("outcome =", Box::new(o.as_str().to_string()));
            }
            if let Some(p) = &filter.profile {
                push("profile =", Box::new(p.clone()));
            }
            if let Some(c) = &filter.caller {
                push("caller_number =", Box::new(c.clone()));
            }
            if let Some(n) = &filter.node {
                args.push(Box::new(n.clone()));
                let i = args.len();
                sql.push_str(&format!(
                    " AND (asterisk_id = ${i} OR serve_instance = ${i})"
                ));
            }
            if filter.in_progress {
                sql.push_str(" AND outcome IS NULL");
            }
            sql.push_str(" ORDER BY stasis_start DESC, id");
            if let Some(l) = filter.limit {
                sql.push_str(&format!(" LIMIT {l}"));
            }
            let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|b| &**b).collect();
            let rows = self.inner.read(|c, _| c.query(&sql, &params))?;
            rows.iter().map(call_from_row).collect()
        })
    }

    fn get_call(&self, id: &str) -> Result<CallRecord> {
        outside_runtime(|| {
            let row = self.inner.read(|c, _| {
                c.query_opt(
                    &format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = $1"),
                    &[&id],
                )
            })?;
            match row {
                Some(r) => call_from_row(&r),
                None => Err(StoreError::CallNotFound(id.to_string())),
            }
        })
    }

    fn delete_calls_before(&self, before: f64) -> Result<usize> {
        outside_runtime(|| {
            self.inner
                .read(|c, _| {
                    c.execute(
                        "DELETE FROM calls WHERE stasis_start < $1 AND outcome IS NOT NULL",
                        &[&before],
                    )
                })
                .map(|n| n as usize)
        })
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn health(&self) -> StoreHealth {
        match &self.inner.spool {
            None => StoreHealth::Ok,
            Some(s) => {
                let st = s.lock();
                if st.pending.is_empty() {
                    StoreHealth::Ok
                } else {
                    StoreHealth::Degraded {
                        queued: st.pending.len(),
                        reason: st.reason.clone(),
                    }
                }
            }
        }
    }

    fn flush(&self, timeout: Duration) -> bool {
        let Some(s) = &self.inner.spool else {
            return true;
        };
        let deadline = std::time::Instant::now() + timeout;
        let mut st = s.lock();
        while !st.pending.is_empty() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            st = s
                .changed
                .wait_timeout(st, left)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_options_tokio_postgres_does_not_know_are_taken_care_of() {
        let (c, ca) =
            parse_url("postgres://u:pw@db:5433/calls?sslmode=verify-full&sslrootcert=/etc/ca.pem")
                .unwrap();
        assert_eq!(c.get_ssl_mode(), postgres::config::SslMode::Require);
        assert_eq!(ca, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(c.get_dbname(), Some("calls"));
        assert_eq!(c.get_application_name(), Some("vcctl"));
        let (c, ca) = parse_url("postgresql://u@db/x").unwrap();
        assert_eq!(c.get_ssl_mode(), postgres::config::SslMode::Prefer);
        assert_eq!(ca, None);
        let (c, _) = parse_url("postgres://u@db/x?sslmode=disable").unwrap();
        assert_eq!(c.get_ssl_mode(), postgres::config::SslMode::Disable);
        let e = parse_url("postgres://u@db/x?sslmode=sometimes").unwrap_err();
        assert!(e.contains("not valid"), "{e}");
    }

    #[test]
    fn spooled_writes_survive_as_lines_and_a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s/spool.jsonl");
        let spool = Spool::load(&path).unwrap();
        let writes = [
            SpooledWrite::Start(CallStart {
                id: "c1".into(),
                caller_channel_id: "c1".into(),
                stasis_start: 1.5,
                asterisk_id: Some("aa:bb".into()),
                ..Default::default()
            }),
            SpooledWrite::Mark {
                id: "c1".into(),
                mark: CallMark::Bridged,
                at: 2.0,
            },
            SpooledWrite::Finish {
                id: "c1".into(),
                end: CallEnd {
                    ended: 9.0,
                    end_cause: None,
                    ended_by: Some(EndedBy::Caller),
                    outcome: crate::io::store::CallOutcome::Completed,
                    rtp_inbound: Some(serde_json::json!({"packets": 3})),
                    rtp_outbound: None,
                    latency: None,
                    transcript: None,
                },
            },
        ];
        for w in &writes {
            spool.push(w.clone(), Some("down".into())).unwrap();
        }
        append_line(&path, "{\"op\":\"upd").unwrap();
        let again = Spool::load(&path).unwrap();
        assert_eq!(Vec::from(again.lock().pending.clone()), writes.to_vec());
        // Written out: the file goes.
        let mut st = again.lock();
        st.pending.clear();
        again.rewrite(&st).unwrap();
        assert!(!path.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            spool.push(writes[0].clone(), None).unwrap();
            let m = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(m & 0o777, 0o600);
        }
    }

    #[test]
    fn sqlite_migrations_become_postgresql_types_and_nothing_else() {
        let sql = "  created_at REAL NOT NULL, -- Unix seconds (REAL)\n  position INTEGER,\n  \
                   realm TEXT, integer_x TEXT, surreal REAL\n";
        assert_eq!(
            pg_migration(sql),
            "  created_at DOUBLE PRECISION NOT NULL, -- Unix seconds (REAL)\n  position BIGINT,\n  \
             realm TEXT, integer_x TEXT, surreal DOUBLE PRECISION"
        );
        // The real migrations keep no SQLite-only type outside comments.
        for m in MIGRATIONS {
            let pg = pg_migration(m);
            for line in pg.lines() {
                let code = line.split("--").next().unwrap();
                let words: Vec<&str> = code
                    .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .collect();
                assert!(
                    !words.contains(&"REAL") && !words.contains(&"INTEGER"),
                    "{line}"
                );
            }
        }
    }
}
