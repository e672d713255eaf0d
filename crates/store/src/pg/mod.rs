//! The PostgreSQL implementation of [`Store`], for stores that several
//! processes on several machines write and read at once.
//!
//! It keeps the same rows as SQLite (the shared [`crate::codec`] encodes
//! them), so an article has the same revision in both and
//! `parallax migrate` copies one into the other unchanged. What differs:
//!
//! - **Writers.** An article batch ([`Store::begin`]) locks the one
//!   `derived_pending` row first (`SELECT … FOR UPDATE`), so article
//!   batches commit one at a time, in the role SQLite's `BEGIN IMMEDIATE`
//!   plays: the pending-refresh counter a batch bumps is then always the
//!   counter of committed articles, and two workers putting one id never
//!   race to insert it. Outlet renames and stored analyses, which lock
//!   article rows too, take the same lock first, so they queue with the
//!   batches instead of deadlocking with them. Readers never wait for
//!   writers (MVCC). Cleaning and analysis run before the batch, in
//!   parallel, so only the writes queue.
//! - **Stories.** A story write takes a transaction-scoped advisory lock
//!   (`pg_advisory_xact_lock`), so two refreshes never interleave their
//!   deletes and inserts. Row locks would not do: a refresh also deletes
//!   and inserts rows that no lock could name beforehand. A refresh that
//!   computed from an older view can still commit after a newer one; the
//!   pending counter then stays above `settled`, so the next refresh
//!   completes it (nothing is lost, it is late).
//! - **Schema.** Versions live in `parallax_schema` (one row, which also
//!   says the tables are Parallax's). Each migration runs in its own
//!   transaction under an advisory lock, so concurrent first opens apply
//!   each step once and a failed step leaves the previous version.
//! - **Order.** Text columns that listings sort by are `COLLATE "C"`, so
//!   rows come back in the byte order SQLite uses, whatever the server's
//!   locale.
//!
//! The client is the blocking `postgres` crate (tokio-postgres run on its
//! own small runtime): [`Store`] is synchronous, and the server already
//! keeps a pool of stores, one connection each, for its blocking reads.

mod derived;
mod feeds;
mod migrations;
mod tx;

use crate::codec::{self, from_json, stored_sources, ArticleRow};
use crate::{
    ArticleEntity, ArticleSummary, DerivedGeneration, DuplicateLink, EngineState, EntityQuery,
    EntitySummary, LinkKind, ListQuery, Store, StoreError, StoreTx, StoredAnalysis, StoredStory,
    StoryMove, StorySummary,
};
pub use migrations::{pg_latest_version, PG_MIGRATIONS};
use parallax_dedup::Signature;
use parallax_model::{Article, Origin, RawDoc};
use postgres::error::SqlState;
use postgres::types::{FromSql, ToSql};
use postgres::{Client, GenericClient, NoTls, Row, Statement};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// A PostgreSQL-backed [`Store`]: one connection, with its prepared
/// statements. Open one per thread that needs the store.
pub struct PostgresStore {
    conn: Mutex<Conn>,
    /// The URL without its password, for messages.
    shown: String,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.shown)
            .finish()
    }
}

pub(crate) struct Conn {
    client: ClientSlot,
    stmts: HashMap<String, Statement>,
}

/// The blocking client, which may be dropped anywhere. Closing a blocking
/// `postgres::Client` runs its own small runtime, which panics on a tokio
/// worker thread (a server dropping its pool at shutdown does exactly
/// that): there the client is closed on a thread of its own.
struct ClientSlot(Option<Client>);

impl std::ops::Deref for ClientSlot {
    type Target = Client;
    fn deref(&self) -> &Client {
        match &self.0 {
            Some(c) => c,
            // Only `drop` empties the slot, and nothing runs after it.
            None => unreachable!("a PostgreSQL client used after it was closed"),
        }
    }
}

impl std::ops::DerefMut for ClientSlot {
    fn deref_mut(&mut self) -> &mut Client {
        match &mut self.0 {
            Some(c) => c,
            None => unreachable!("a PostgreSQL client used after it was closed"),
        }
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                std::thread::spawn(move || drop(client));
            }
        }
    }
}

/// A connection or a transaction with the statement cache beside it.
pub(crate) struct Db<'a, C: GenericClient> {
    c: &'a mut C,
    stmts: &'a mut HashMap<String, Statement>,
}

/// Statements kept prepared per connection before the cache starts over;
/// listings build their SQL from filters, so the set is small but open.
const STATEMENT_CACHE: usize = 128;

impl<C: GenericClient> Db<'_, C> {
    fn statement(&mut self, context: &str, sql: &str) -> Result<Statement, StoreError> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        let s = self.c.prepare(sql).map_err(pg(context))?;
        if self.stmts.len() >= STATEMENT_CACHE {
            self.stmts.clear();
        }
        self.stmts.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    pub(crate) fn query(
        &mut self,
        context: &str,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, StoreError> {
        let s = self.statement(context, sql)?;
        self.c.query(&s, params).map_err(pg(context))
    }

    pub(crate) fn opt(
        &mut self,
        context: &str,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<Row>, StoreError> {
        let s = self.statement(context, sql)?;
        self.c.query_opt(&s, params).map_err(pg(context))
    }

    pub(crate) fn exec(
        &mut self,
        context: &str,
        sql: &str,
        params: Params<'_>,
    ) -> Result<u64, StoreError> {
        let s = self.statement(context, sql)?;
        self.c.execute(&s, params).map_err(pg(context))
    }
}

/// Column `i` of `row`, or a [`StoreError::Corrupt`] naming it (never a
/// panic, whatever the row holds).
pub(crate) fn col<'r, T: FromSql<'r>>(row: &'r Row, i: usize, id: &str) -> Result<T, StoreError> {
    row.try_get(i).map_err(|e| StoreError::Corrupt {
        id: id.to_string(),
        detail: format!("column {i}: {e}"),
    })
}

/// A PostgreSQL error that says why in its own message. The client's error
/// alone reads "db error" or "error connecting to server", with the
/// server's message or the I/O error only in its source, which a plain
/// `{}` of a [`StoreError`] does not show.
#[derive(Debug)]
pub(crate) struct PgError(postgres::Error);

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(db) = self.0.as_db_error() {
            write!(
                f,
                "{}: {} (SQLSTATE {})",
                db.severity(),
                db.message(),
                db.code().code()
            )?;
            if let Some(detail) = db.detail() {
                write!(f, "; {detail}")?;
            }
            if let Some(hint) = db.hint() {
                write!(f, "; hint: {hint}")?;
            }
            return Ok(());
        }
        write!(f, "{}", self.0)?;
        let mut cause = std::error::Error::source(&self.0);
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

/// The whole chain is in the message already.
impl std::error::Error for PgError {}

/// `source` as a [`crate::BackendError`] whose message says why.
pub(crate) fn backend_error(source: postgres::Error) -> crate::BackendError {
    Box::new(PgError(source))
}

/// Builds a `map_err` closure tagging a PostgreSQL error with what was
/// being done; lock timeouts, deadlocks and serialisation failures are
/// [`StoreError::Busy`] (retry), everything else [`StoreError::Backend`].
pub(crate) fn pg(context: &str) -> impl Fn(postgres::Error) -> StoreError + '_ {
    move |source| {
        let busy = source.code().is_some_and(|c| {
            *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::QUERY_CANCELED
        });
        if busy {
            StoreError::Busy {
                context: context.to_string(),
                source: backend_error(source),
            }
        } else {
            StoreError::Backend {
                context: context.to_string(),
                source: backend_error(source),
            }
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`, any libpq-style
    /// parameters) and brings the schema up to date.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let mut store = Self::connect(url)?;
        let shown = store.shown.clone();
        let conn = store.conn.get_mut().unwrap_or_else(|p| p.into_inner());
        migrations::migrate(&mut conn.client, &shown)?;
        Ok(store)
    }

    /// Connects without migrating: the schema must be this build's (a
    /// server or a second process that only reads).
    ///
    /// Every transaction on it is read-only, so a write fails as it does on
    /// a SQLite file opened read-only.
    pub fn open_read_only(url: &str) -> Result<PostgresStore, StoreError> {
        let mut store = Self::connect(url)?;
        let shown = store.shown.clone();
        let conn = store.conn.get_mut().unwrap_or_else(|p| p.into_inner());
        conn.client
            .batch_execute("SET default_transaction_read_only = on")
            .map_err(|e| StoreError::Open {
                path: PathBuf::from(&shown),
                source: backend_error(e),
            })?;
        migrations::check_current(&mut conn.client, &shown)?;
        Ok(store)
    }

    fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let shown = redact_url(url);
        let mut config: postgres::Config = url.parse().map_err(|e| {
            StoreError::Invalid(format!(
                "{shown} is not a PostgreSQL URL ({e}); write postgres://USER@HOST:PORT/DATABASE"
            ))
        })?;
        if config.get_application_name().is_none() {
            config.application_name("parallax");
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        let client = config.connect(NoTls).map_err(|e| StoreError::Open {
            path: PathBuf::from(&shown),
            source: backend_error(e),
        })?;
        Ok(PostgresStore {
            conn: Mutex::new(Conn {
                client: ClientSlot(Some(client)),
                stmts: HashMap::new(),
            }),
            shown,
        })
    }

    /// The URL it was opened with, password hidden.
    pub fn url(&self) -> &str {
        &self.shown
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        migrations::version(&mut conn.client)
    }

    /// Checks what PostgreSQL does not enforce for us: every article has
    /// its raw input, and no story member or move points nowhere. Foreign
    /// keys and checksums the server keeps itself.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let checks: [(&str, &str); 3] = [
            (
                "articles without a raw input",
                "SELECT count(*) FROM articles a \
                 WHERE NOT EXISTS (SELECT 1 FROM raw_inputs r WHERE r.article_id = a.id)",
            ),
            (
                "story members of no stored story",
                "SELECT count(*) FROM story_members m \
                 WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = m.story_id)",
            ),
            (
                "story moves to no stored story",
                "SELECT count(*) FROM story_moves m \
                 WHERE NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = m.moved_to)",
            ),
        ];
        let mut problems = Vec::new();
        let mut conn = self.lock();
        let mut db = conn.db();
        for (what, sql) in checks {
            let rows = db.query("checking integrity", sql, &[])?;
            let n: i64 = match rows.first() {
                Some(r) => col(r, 0, "(integrity)")?,
                None => 0,
            };
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Corrupt {
                id: self.shown.clone(),
                detail: problems.join("; "),
            })
        }
    }

    fn lock(&self) -> MutexGuard<'_, Conn> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn conn_mut(&mut self) -> &mut Conn {
        self.conn.get_mut().unwrap_or_else(|p| p.into_inner())
    }
}

impl Conn {
    pub(crate) fn db(&mut self) -> Db<'_, Client> {
        Db {
            c: &mut self.client,
            stmts: &mut self.stmts,
        }
    }

    /// Runs `write` in one transaction and counts it as a visible change.
    pub(crate) fn write<T>(
        &mut self,
        context: &str,
        write: impl FnOnce(&mut Db<'_, postgres::Transaction<'_>>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut tx = self.client.transaction().map_err(pg(context))?;
        let out = {
            let mut db = Db {
                c: &mut tx,
                stmts: &mut self.stmts,
            };
            let out = write(&mut db)?;
            derived::bump_changes(&mut db)?;
            out
        };
        tx.commit().map_err(pg(context))?;
        Ok(out)
    }
}

const ARTICLE_COLUMNS: &str = "title, outlet, url, author, published, language, format, \
                               origin_path, origin_locator, text, detail_json";

fn article_row(row: &Row, id: &str) -> Result<ArticleRow, StoreError> {
    Ok(ArticleRow {
        title: col(row, 0, id)?,
        outlet: col(row, 1, id)?,
        url: col(row, 2, id)?,
        author: col(row, 3, id)?,
        published: col(row, 4, id)?,
        language: col(row, 5, id)?,
        format: col(row, 6, id)?,
        origin_path: col(row, 7, id)?,
        origin_locator: col(row, 8, id)?,
        text: col(row, 9, id)?,
        detail: col(row, 10, id)?,
    })
}

fn count_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store for PostgresStore {
    fn begin(&mut self) -> Result<Box<dyn StoreTx + '_>, StoreError> {
        let conn = self.conn_mut();
        let context = "starting a write";
        let mut tx = conn.client.transaction().map_err(pg(context))?;
        // The write lock (see the module comment): article batches commit
        // one at a time.
        tx.execute(derived::ARTICLES_LOCK_SQL, &[])
            .map_err(pg(context))?;
        Ok(Box::new(tx::PgTx::new(tx, &mut conn.stmts)))
    }

    fn get(&self, id: &str) -> Result<Option<Article>, StoreError> {
        let mut conn = self.lock();
        let row = conn.db().opt(
            "reading an article",
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1"),
            &[&id],
        )?;
        match row {
            Some(row) => codec::decode_article(id, article_row(&row, id)?).map(Some),
            None => Ok(None),
        }
    }

    fn get_many(&self, ids: &[String]) -> Result<Vec<Article>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.lock();
        let rows = conn.db().query(
            "reading articles",
            &format!("SELECT {ARTICLE_COLUMNS}, id FROM articles WHERE id = ANY($1::text[])"),
            &[&ids],
        )?;
        let mut found: HashMap<String, Article> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: String = col(row, 11, "(articles)")?;
            let article = codec::decode_article(&id, article_row(row, &id)?)?;
            found.insert(id, article);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    fn get_raw(&self, id: &str) -> Result<Option<RawDoc>, StoreError> {
        let mut conn = self.lock();
        let row = conn.db().opt(
            "reading a raw input",
            "SELECT kind, content, meta_json FROM raw_inputs WHERE article_id = $1",
            &[&id],
        )?;
        let Some(row) = row else { return Ok(None) };
        let meta: String = col(&row, 2, id)?;
        codec::decode_raw(id, col(&row, 0, id)?, col(&row, 1, id)?, &meta).map(Some)
    }

    fn list(&self, query: &ListQuery) -> Result<Vec<ArticleSummary>, StoreError> {
        let mut sql = String::from(
            "SELECT id, title, outlet, url, published, format, origin_path, origin_locator, \
             text_chars, language FROM articles WHERE TRUE",
        );
        let mut args: Vec<&(dyn ToSql + Sync)> = Vec::new();
        // Outlet names in any ASCII case (lower() under "C" is ASCII-only,
        // as SQLite's NOCASE): callers map aliases to the name. The value
        // is lowered under "C" too, not the server's locale, which would
        // fold other letters on one side only.
        let filters: [(&str, &str, &Option<String>); 4] = [
            ("lower(outlet) = lower(", " COLLATE \"C\")", &query.outlet),
            ("language = (", ")", &query.language),
            ("published >= (", ")", &query.published_from),
            ("published <= (", ")", &query.published_to),
        ];
        for (clause, close, value) in filters {
            if let Some(v) = value {
                args.push(v);
                sql.push_str(&format!(" AND {clause}${}::text{close}", args.len()));
            }
        }
        let limit = codec::as_i64(query.limit);
        let offset = codec::as_i64(query.offset);
        args.push(&limit);
        args.push(&offset);
        sql.push_str(&format!(
            " ORDER BY published DESC NULLS LAST, id LIMIT ${} OFFSET ${}",
            args.len() - 1,
            args.len()
        ));
        let mut conn = self.lock();
        let rows = conn.db().query("listing articles", &sql, &args)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = col(row, 0, "(listing)")?;
            let format: String = col(row, 5, &id)?;
            let chars: i64 = col(row, 8, &id)?;
            out.push(ArticleSummary {
                title: col(row, 1, &id)?,
                outlet: col(row, 2, &id)?,
                url: col(row, 3, &id)?,
                published: col(row, 4, &id)?,
                format: codec::enum_from_name(&id, format)?,
                origin: Origin {
                    path: col(row, 6, &id)?,
                    locator: col(row, 7, &id)?,
                },
                text_chars: count_of(chars),
                language: col(row, 9, &id)?,
                id,
            });
        }
        Ok(out)
    }

    fn count(&self) -> Result<u64, StoreError> {
        let mut conn = self.lock();
        let row = conn
            .db()
            .opt("counting articles", "SELECT count(*) FROM articles", &[])?;
        match row {
            Some(r) => Ok(count_of(col(&r, 0, "(count)")?)),
            None => Ok(0),
        }
    }

    fn outlet_counts(&self) -> Result<Vec<(Option<String>, u64)>, StoreError> {
        let mut conn = self.lock();
        let rows = conn.db().query(
            "counting outlets",
            "SELECT outlet, count(*) AS n FROM articles GROUP BY outlet \
             ORDER BY n DESC, outlet NULLS FIRST",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                let n: i64 = col(r, 1, "(outlets)")?;
                Ok((col(r, 0, "(outlets)")?, count_of(n)))
            })
            .collect()
    }

    fn article_outlets(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::pairs(
            &mut self.lock().db(),
            "reading article outlets",
            "SELECT id, outlet FROM articles WHERE outlet IS NOT NULL ORDER BY id",
            &[],
        )
    }

    fn ids_by_content_hash(&self, hash: &str) -> Result<Vec<String>, StoreError> {
        let mut conn = self.lock();
        tx::ids_by_content_hash(&mut conn.db(), hash)
    }

    fn links(&self, id: &str) -> Result<Vec<DuplicateLink>, StoreError> {
        let mut conn = self.lock();
        let rows = conn.db().query(
            "reading duplicate links",
            "SELECT article_id, of_id, kind, score FROM duplicate_links WHERE article_id = $1 \
             UNION ALL \
             SELECT article_id, of_id, kind, score FROM duplicate_links WHERE of_id = $1 \
             ORDER BY score DESC, article_id, of_id, kind",
            &[&id],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let article_id: String = col(row, 0, id)?;
            let kind: String = col(row, 2, id)?;
            let kind = LinkKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                id: article_id.clone(),
                detail: format!("unknown duplicate link kind {kind:?}"),
            })?;
            out.push(DuplicateLink {
                of_id: col(row, 1, id)?,
                kind,
                score: col(row, 3, id)?,
                article_id,
            });
        }
        Ok(out)
    }

    fn for_each_signature(&self, visit: &mut dyn FnMut(&str, Signature)) -> Result<(), StoreError> {
        let context = "loading signatures";
        let mut conn = self.lock();
        // Streamed in pages by key, so a store of millions never holds every
        // signature row at once.
        let mut after: i64 = -1;
        loop {
            let rows = conn.db().query(
                context,
                "SELECT seq, article_id, signature FROM signatures WHERE seq > $1 \
                 ORDER BY seq LIMIT 5000",
                &[&after],
            )?;
            if rows.is_empty() {
                return Ok(());
            }
            for row in &rows {
                after = col(row, 0, "(signatures)")?;
                let id: String = col(row, 1, "(signatures)")?;
                let bytes: &[u8] = col(row, 2, &id)?;
                let sig = Signature::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
                    id: id.clone(),
                    detail: e.to_string(),
                })?;
                visit(&id, sig);
            }
        }
    }

    fn replace_stories(&mut self, stories: &[StoredStory]) -> Result<(), StoreError> {
        self.conn_mut().write("replacing the stories", |db| {
            derived::replace_stories(db, stories)
        })
    }

    fn story_keys(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        derived::story_keys(&mut self.lock().db())
    }

    fn update_stories(
        &mut self,
        changed: &[(StoredStory, String)],
        current: &[String],
        moves: &[StoryMove],
    ) -> Result<(), StoreError> {
        self.conn_mut().write("updating the stories", |db| {
            derived::update_stories(db, changed, current, moves, codec::now_unix())
        })
    }

    fn story_members(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::pairs(
            &mut self.lock().db(),
            "listing story members",
            "SELECT story_id, article_id FROM story_members ORDER BY story_id, position",
            &[],
        )
    }

    fn stories_of_article(&self, article_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        derived::pairs(
            &mut self.lock().db(),
            "listing an article's stories",
            "SELECT DISTINCT m.story_id, s.title FROM story_members m \
             JOIN stories s ON s.id = m.story_id WHERE m.article_id = $1 ORDER BY m.story_id",
            &[&article_id],
        )
    }

    fn story_moved_to(&self, id: &str) -> Result<Option<String>, StoreError> {
        let row = self.lock().db().opt(
            "reading a story move",
            "SELECT moved_to FROM story_moves WHERE id = $1",
            &[&id],
        )?;
        row.map(|r| col(&r, 0, id)).transpose()
    }

    fn story_moves(&self) -> Result<Vec<StoryMove>, StoreError> {
        Ok(derived::pairs(
            &mut self.lock().db(),
            "listing story moves",
            "SELECT id, moved_to FROM story_moves ORDER BY id",
            &[],
        )?
        .into_iter()
        .map(|(from, to)| StoryMove { from, to })
        .collect())
    }

    fn list_stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        let mut conn = self.lock();
        let rows = conn.db().query(
            "listing stories",
            "SELECT id, title, date_from, date_to, article_count, outlets_json, sources, \
             glance_json FROM stories ORDER BY date_to DESC NULLS LAST, id",
            &[],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = col(row, 0, "(stories)")?;
            let outlets: String = col(row, 5, &id)?;
            let outlets: Vec<String> = from_json(&id, "story outlets", &outlets)?;
            let count: i64 = col(row, 4, &id)?;
            let article_count = usize::try_from(count).unwrap_or(0);
            let sources = stored_sources(col(row, 6, &id)?, article_count, &outlets);
            out.push(StorySummary {
                title: col(row, 1, &id)?,
                date_from: col(row, 2, &id)?,
                date_to: col(row, 3, &id)?,
                article_count,
                outlets,
                sources,
                glance: codec::stored_glance(col(row, 7, &id)?),
                id,
            });
        }
        Ok(out)
    }

    fn get_story(&self, id: &str) -> Result<Option<StoredStory>, StoreError> {
        let mut conn = self.lock();
        let mut db = conn.db();
        let row = db.opt(
            "reading a story",
            "SELECT title, date_from, date_to, article_count, outlets_json, story_json, \
             sources, glance_json FROM stories WHERE id = $1",
            &[&id],
        )?;
        let Some(row) = row else { return Ok(None) };
        let document: &[u8] = col(&row, 5, id)?;
        let document = codec::inflate(id, "story document", document)?;
        let count: i64 = col(&row, 3, id)?;
        let article_count = usize::try_from(count).unwrap_or(0);
        let outlets: String = col(&row, 4, id)?;
        let outlets: Vec<String> = from_json(id, "story outlets", &outlets)?;
        let articles = derived::members_of(&mut db, id)?;
        Ok(Some(StoredStory {
            id: id.to_string(),
            title: col(&row, 0, id)?,
            date_from: col(&row, 1, id)?,
            date_to: col(&row, 2, id)?,
            article_count,
            sources: stored_sources(col(&row, 6, id)?, article_count, &outlets),
            glance: codec::stored_glance(col(&row, 7, id)?),
            outlets,
            articles,
            document: from_json(id, "story document", &document)?,
        }))
    }

    fn stale_analyses(&self, analyzer: &str) -> Result<Vec<(String, String)>, StoreError> {
        derived::pairs(
            &mut self.lock().db(),
            "finding articles to analyse",
            "SELECT a.id, a.revision FROM articles a \
             LEFT JOIN analyses x ON x.article_id = a.id \
             WHERE x.article_id IS NULL OR x.revision <> a.revision OR x.analyzer <> $1 \
             ORDER BY a.id",
            &[&analyzer],
        )
    }

    fn analysis_stamps(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::pairs(
            &mut self.lock().db(),
            "reading analysis versions",
            "SELECT x.article_id, x.analyzer FROM analyses x \
             JOIN articles a ON a.id = x.article_id AND a.revision = x.revision \
             ORDER BY x.article_id",
            &[],
        )
    }

    fn revisions(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::pairs(
            &mut self.lock().db(),
            "listing article revisions",
            "SELECT id, revision FROM articles ORDER BY seq",
            &[],
        )
    }

    fn put_analyses(
        &mut self,
        items: &[(StoredAnalysis, Vec<ArticleEntity>)],
    ) -> Result<(), StoreError> {
        self.conn_mut()
            .write("storing analyses", |db| derived::put_analyses(db, items))
    }

    fn get_analysis(&self, id: &str) -> Result<Option<StoredAnalysis>, StoreError> {
        let mut conn = self.lock();
        let row = conn.db().opt(
            "reading an analysis",
            "SELECT x.revision, x.analyzer, x.analysis_json FROM analyses x \
             JOIN articles a ON a.id = x.article_id AND a.revision = x.revision \
             WHERE x.article_id = $1",
            &[&id],
        )?;
        let Some(row) = row else { return Ok(None) };
        let json: &[u8] = col(&row, 2, id)?;
        Ok(Some(StoredAnalysis {
            article_id: id.to_string(),
            revision: col(&row, 0, id)?,
            analyzer: col(&row, 1, id)?,
            json: codec::inflate(id, "analysis", json)?,
        }))
    }

    fn get_analyses(&self, ids: &[String]) -> Result<Vec<StoredAnalysis>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.lock();
        let rows = conn.db().query(
            "reading analyses",
            "SELECT x.article_id, x.revision, x.analyzer, x.analysis_json FROM analyses x \
             JOIN articles a ON a.id = x.article_id AND a.revision = x.revision \
             WHERE x.article_id = ANY($1::text[])",
            &[&ids],
        )?;
        let mut found: HashMap<String, StoredAnalysis> = HashMap::with_capacity(rows.len());
        for row in &rows {
            let id: String = col(row, 0, "(analyses)")?;
            let json: &[u8] = col(row, 3, &id)?;
            let analysis = StoredAnalysis {
                revision: col(row, 1, &id)?,
                analyzer: col(row, 2, &id)?,
                json: codec::inflate(&id, "analysis", json)?,
                article_id: id.clone(),
            };
            found.insert(id, analysis);
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    fn all_article_entities(&self) -> Result<Vec<ArticleEntity>, StoreError> {
        derived::entity_rows(
            &mut self.lock().db(),
            "listing article entities",
            &format!(
                "SELECT {} FROM article_entities e ORDER BY e.article_id, e.name",
                derived::ENTITY_COLUMNS
            ),
            None,
        )
    }

    fn set_entity_ids(&mut self, ids: &[(ArticleEntity, String)]) -> Result<(), StoreError> {
        self.conn_mut()
            .write("joining entities across articles", |db| {
                derived::set_entity_ids(db, ids)
            })
    }

    fn list_entities(&self, query: &EntityQuery) -> Result<Vec<EntitySummary>, StoreError> {
        derived::list_entities(&mut self.lock().db(), query)
    }

    fn entity_articles(&self, entity_id: &str) -> Result<Vec<ArticleEntity>, StoreError> {
        derived::entity_rows(
            &mut self.lock().db(),
            "reading an entity",
            &format!(
                "SELECT {} FROM article_entities e \
                 JOIN articles a ON a.id = e.article_id \
                 WHERE e.entity_id = $1 \
                 ORDER BY a.published DESC NULLS LAST, e.article_id, e.name, e.kind",
                derived::ENTITY_COLUMNS
            ),
            Some(entity_id),
        )
    }

    fn article_entities(&self, article_id: &str) -> Result<Vec<ArticleEntity>, StoreError> {
        derived::entity_rows(
            &mut self.lock().db(),
            "reading an article's entities",
            &format!(
                "SELECT {} FROM article_entities e WHERE e.article_id = $1 \
                 ORDER BY e.mentions DESC, e.name, e.kind",
                derived::ENTITY_COLUMNS
            ),
            Some(article_id),
        )
    }

    fn get_state(&self, name: &str) -> Result<Option<EngineState>, StoreError> {
        let row = self.lock().db().opt(
            "reading engine state",
            "SELECT format, state FROM engine_state WHERE name = $1",
            &[&name],
        )?;
        row.map(|r| {
            Ok(EngineState {
                format: col(&r, 0, name)?,
                bytes: col(&r, 1, name)?,
            })
        })
        .transpose()
    }

    fn state_names(&self) -> Result<Vec<String>, StoreError> {
        self.lock()
            .db()
            .query(
                "listing engine states",
                "SELECT name FROM engine_state ORDER BY name",
                &[],
            )?
            .iter()
            .map(|r| col(r, 0, "(engine state)"))
            .collect()
    }

    fn list_feeds(&self) -> Result<Vec<crate::FeedSubscription>, StoreError> {
        feeds::list(&mut self.lock().db())
    }

    fn add_feeds(&mut self, new: &[crate::NewFeed]) -> Result<usize, StoreError> {
        self.conn_mut()
            .write("subscribing to feeds", |db| feeds::add(db, new))
    }

    fn remove_feed(&mut self, url: &str) -> Result<bool, StoreError> {
        self.conn_mut()
            .write("unsubscribing from a feed", |db| feeds::remove(db, url))
    }

    fn record_feed_poll(
        &mut self,
        url: &str,
        outcome: &Result<usize, String>,
    ) -> Result<(), StoreError> {
        self.conn_mut().write("recording a feed poll", |db| {
            feeds::record(db, url, outcome)
        })
    }

    fn put_state(&mut self, name: &str, state: &EngineState) -> Result<(), StoreError> {
        let now = codec::now_unix();
        self.conn_mut()
            .db()
            .exec(
                "saving engine state",
                "INSERT INTO engine_state (name, format, state, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET \
                 format = excluded.format, state = excluded.state, \
                 updated_at = excluded.updated_at",
                &[&name, &state.format, &state.bytes, &now],
            )
            .map(|_| ())
    }

    fn derived_generation(&self) -> Result<DerivedGeneration, StoreError> {
        let row = self.lock().db().opt(
            "reading the pending refresh",
            "SELECT generation, settled FROM derived_pending WHERE id = 1",
            &[],
        )?;
        let Some(row) = row else {
            return Ok(DerivedGeneration::default());
        };
        let generation: i64 = col(&row, 0, "(pending)")?;
        let settled: i64 = col(&row, 1, "(pending)")?;
        Ok(DerivedGeneration {
            generation: count_of(generation),
            settled: count_of(settled),
        })
    }

    fn set_outlets(
        &mut self,
        changes: &[(String, Option<String>, Option<String>)],
    ) -> Result<(), StoreError> {
        self.conn_mut()
            .write("renaming outlets", |db| derived::set_outlets(db, changes))
    }

    fn settle_derived(&mut self, generation: u64) -> Result<(), StoreError> {
        let generation = i64::try_from(generation).unwrap_or(i64::MAX);
        self.conn_mut()
            .db()
            .exec(
                "recording a finished refresh",
                "UPDATE derived_pending SET settled = GREATEST(settled, LEAST($1, generation)) \
                 WHERE id = 1",
                &[&generation],
            )
            .map(|_| ())
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        PostgresStore::check_integrity(self)
    }

    fn generation(&self) -> Result<u64, StoreError> {
        let row = self.lock().db().opt(
            "reading the change counter",
            "SELECT n FROM store_changes WHERE id = 1",
            &[],
        )?;
        match row {
            Some(r) => Ok(count_of(col(&r, 0, "(changes)")?)),
            None => Ok(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact_url("postgres://ann:s3cret@db.example:5432/news"),
            "postgres://ann:***@db.example:5432/news"
        );
        assert_eq!(
            redact_url("postgres://ann@127.0.0.1/news"),
            "postgres://ann@127.0.0.1/news"
        );
        assert_eq!(redact_url("host=x user=y"), "host=x user=y");
    }
}
