//! The SQLite implementation of [`Store`].

use crate::codec::{self, as_i64, from_json, now_unix, stored_sources, to_json, ArticleRow};
use crate::derived;
use crate::migrations::{self, user_version, MIGRATIONS};
use crate::{
    ArticleEntity, ArticleSummary, DerivedGeneration, DuplicateLink, EngineState, EntityQuery,
    EntitySummary, LinkKind, ListQuery, NewArticle, PutOutcome, Store, StoreError, StoreTx,
    StoredAnalysis, StoredStory, StoryMove, StorySummary,
};
use parallax_dedup::Signature;
use parallax_model::{Article, Origin, RawDoc};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `PRAGMA application_id` of Parallax databases ("PXDB"), so we never
/// migrate some other program's SQLite file.
const APPLICATION_ID: i32 = 0x5058_4442;
/// How long a writer waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes of WAL file kept after a checkpoint.
const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;
/// Statements kept prepared per connection; the write path uses ~10.
const STATEMENT_CACHE: usize = 48;

/// A SQLite-backed [`Store`] in WAL mode: many readers (each with their own
/// `SqliteStore`, in threads or processes) run alongside one writer, and a
/// reader never sees half of a transaction. `synchronous=NORMAL` means a
/// committed transaction survives a process crash; after a power loss the
/// last few transactions may be rolled back, never torn.
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

fn not_a_database(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::NotADatabase)
    )
}

impl SqliteStore {
    /// Opens (creating if needed, with its folder) and migrates the database.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        if path.as_os_str().is_empty() {
            return Err(StoreError::Invalid(
                "the database path is empty; pass --db PATH or set PARALLAX_DB".into(),
            ));
        }
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() && !dir.exists() {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
        }
        let conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.clone(),
            source: Box::new(source),
        })?;
        Self::init(conn, path, true)
    }

    /// Opens an existing database for reading only (a server or a second
    /// process). It must already be at this build's schema version.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|source| StoreError::Open {
                path: path.clone(),
                source: Box::new(source),
            })?;
        Self::init(conn, path, false)
    }

    /// A private database in memory, for tests and one-shot runs.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.clone(),
            source: Box::new(source),
        })?;
        Self::init(conn, path, true)
    }

    fn init(mut conn: Connection, path: PathBuf, writable: bool) -> Result<Self, StoreError> {
        let open_err = |source: rusqlite::Error| {
            if not_a_database(&source) {
                StoreError::NotParallax {
                    path: path.clone(),
                    detail: "the file is not an SQLite database".into(),
                }
            } else {
                StoreError::Open {
                    path: path.clone(),
                    source: Box::new(source),
                }
            }
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(open_err)?;
        let app_id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(open_err)?;
        if app_id != APPLICATION_ID {
            if app_id != 0 {
                return Err(StoreError::NotParallax {
                    path,
                    detail: format!("its application id is {app_id:#x}"),
                });
            }
            if !writable {
                return Err(match count_objects(&conn).map_err(open_err)? {
                    0 => StoreError::NeedsMigration {
                        path,
                        found: 0,
                        supported: migrations::latest_version(),
                    },
                    _ => foreign_tables(path),
                });
            }
            // Claim an empty file under the write lock, so two processes
            // creating the same database cannot mistake each other's fresh
            // tables for another program's.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(open_err)?;
            let app_id: i32 = tx
                .pragma_query_value(None, "application_id", |r| r.get(0))
                .map_err(open_err)?;
            if app_id != APPLICATION_ID {
                if count_objects(&tx).map_err(open_err)? > 0 {
                    return Err(foreign_tables(path));
                }
                tx.pragma_update(None, "application_id", APPLICATION_ID)
                    .map_err(open_err)?;
            }
            tx.commit().map_err(open_err)?;
        }
        if writable {
            // WAL lets readers work during writes; NORMAL syncs at
            // checkpoints only, which keeps commits cheap and is still
            // crash-safe for the process.
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                .map_err(open_err)?;
            if !(mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory")) {
                return Err(StoreError::Open {
                    path,
                    source: format!("the file system refused WAL journaling (got {mode})").into(),
                });
            }
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(open_err)?;
            // Shrink the WAL file back after a large batch is checkpointed.
            conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)
                .map_err(open_err)?;
            migrations::migrate(&mut conn, &path, MIGRATIONS)?;
        } else {
            let found = user_version(&conn).map_err(open_err)?;
            let supported = migrations::latest_version();
            if found > supported {
                return Err(StoreError::TooNew {
                    path,
                    found,
                    supported,
                });
            }
            if found < supported {
                return Err(StoreError::NeedsMigration {
                    path,
                    found,
                    supported,
                });
            }
        }
        Ok(SqliteStore { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        user_version(&self.conn).map_err(StoreError::sqlite("reading the schema version"))
    }

    /// Runs SQLite's `integrity_check` and `foreign_key_check`; an error
    /// lists what is wrong.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let mut problems = Vec::new();
        let mut stmt = self
            .conn
            .prepare("PRAGMA integrity_check")
            .map_err(StoreError::sqlite("checking integrity"))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(StoreError::sqlite("checking integrity"))?;
        for row in rows {
            let line = row.map_err(StoreError::sqlite("checking integrity"))?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut stmt = self
            .conn
            .prepare("PRAGMA foreign_key_check")
            .map_err(StoreError::sqlite("checking foreign keys"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "row {} of {} points to a missing {}",
                    r.get::<_, Option<i64>>(1)?.unwrap_or(-1),
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(2)?
                ))
            })
            .map_err(StoreError::sqlite("checking foreign keys"))?;
        for row in rows {
            problems.push(row.map_err(StoreError::sqlite("checking foreign keys"))?);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Corrupt {
                id: self.path.display().to_string(),
                detail: problems.join("; "),
            })
        }
    }

    /// The underlying connection, for stages that keep their own tables in
    /// this database (see [`crate::migrations`]). Prefer adding methods to
    /// [`Store`] for anything the pipeline needs, so other backends follow.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn count_objects(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

fn foreign_tables(path: PathBuf) -> StoreError {
    StoreError::NotParallax {
        path,
        detail: "it already holds tables of another program".into(),
    }
}

/// An open write transaction on a [`SqliteStore`].
struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
    /// Whether anything a reader sees changed (counted at commit).
    wrote: bool,
}

impl StoreTx for SqliteTx<'_> {
    fn put(&mut self, item: &NewArticle<'_>) -> Result<PutOutcome, StoreError> {
        let article = item.article;
        let raw = item.raw;
        let codec::Encoded {
            detail,
            raw_meta,
            raw_kind,
            format,
            signature,
            revision,
            text_chars,
            content_hash: hash,
        } = codec::encode(item)?;

        let existing: Option<String> = self
            .tx
            .prepare_cached("SELECT revision FROM articles WHERE id = ?1")
            .and_then(|mut s| s.query_row([&article.id], |r| r.get(0)).optional())
            .map_err(StoreError::sqlite("looking up an article"))?;
        if existing.as_deref() == Some(revision.as_str()) {
            return Ok(PutOutcome::Unchanged);
        }

        let now = now_unix();
        let origin_path = &article.origin.path;
        let origin_locator = &article.origin.locator;
        // The same values, in the same order, for the UPDATE and the INSERT.
        let row = params![
            article.id,
            article.title,
            article.outlet,
            article.url,
            article.author,
            article.published,
            article.language,
            format,
            origin_path,
            origin_locator,
            text_chars,
            hash,
            revision,
            now,
            article.text,
            detail,
        ];
        let outcome = if existing.is_some() {
            self.tx
                .prepare_cached(
                    "UPDATE articles SET title = ?2, outlet = ?3, url = ?4, author = ?5, \
                     published = ?6, language = ?7, format = ?8, origin_path = ?9, \
                     origin_locator = ?10, text_chars = ?11, content_hash = ?12, \
                     revision = ?13, version = version + 1, updated_at = ?14, text = ?15, \
                     detail_json = ?16 WHERE id = ?1",
                )
                .and_then(|mut s| s.execute(row))
                .map_err(StoreError::sqlite("updating an article"))?;
            // Links computed from the old text no longer hold.
            self.tx
                .prepare_cached("DELETE FROM duplicate_links WHERE article_id = ?1")
                .and_then(|mut s| s.execute([&article.id]))
                .map_err(StoreError::sqlite("dropping stale duplicate links"))?;
            PutOutcome::Updated
        } else {
            self.tx
                .prepare_cached(
                    "INSERT INTO articles (id, title, outlet, url, author, published, language, \
                     format, origin_path, origin_locator, text_chars, content_hash, revision, \
                     version, created_at, updated_at, text, detail_json) VALUES (?1, ?2, ?3, \
                     ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?14, ?15, ?16)",
                )
                .and_then(|mut s| s.execute(row))
                .map_err(StoreError::sqlite("inserting an article"))?;
            PutOutcome::Inserted
        };
        self.wrote = true;

        self.tx
            .prepare_cached(
                "INSERT INTO raw_inputs (article_id, kind, content, meta_json) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT(article_id) DO UPDATE SET \
                 kind = excluded.kind, content = excluded.content, meta_json = excluded.meta_json",
            )
            .and_then(|mut s| {
                s.execute(params![
                    article.id,
                    raw_kind,
                    raw.content.as_bytes(),
                    raw_meta
                ])
            })
            .map_err(StoreError::sqlite("storing the raw input"))?;

        match signature {
            Some(bytes) => self
                .tx
                .prepare_cached(
                    "INSERT INTO signatures (article_id, signature) VALUES (?1, ?2) \
                     ON CONFLICT(article_id) DO UPDATE SET signature = excluded.signature",
                )
                .and_then(|mut s| s.execute(params![article.id, bytes])),
            None => self
                .tx
                .prepare_cached("DELETE FROM signatures WHERE article_id = ?1")
                .and_then(|mut s| s.execute([&article.id])),
        }
        .map_err(StoreError::sqlite("storing the signature"))?;
        Ok(outcome)
    }

    fn add_link(&mut self, link: &DuplicateLink) -> Result<(), StoreError> {
        codec::check_link(link)?;
        for id in [&link.article_id, &link.of_id] {
            let exists = self
                .tx
                .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")
                .and_then(|mut s| s.exists([id]))
                .map_err(StoreError::sqlite("checking a linked article"))?;
            if !exists {
                return Err(StoreError::UnknownArticle {
                    article_id: link.article_id.clone(),
                    of_id: link.of_id.clone(),
                    missing: id.clone(),
                });
            }
        }
        self.tx
            .prepare_cached(
                "INSERT INTO duplicate_links (article_id, of_id, kind, score, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(article_id, of_id, kind) \
                 DO UPDATE SET score = excluded.score",
            )
            .and_then(|mut s| {
                s.execute(params![
                    link.article_id,
                    link.of_id,
                    link.kind.as_str(),
                    link.score,
                    now_unix()
                ])
            })
            .map_err(StoreError::sqlite("recording a duplicate link"))?;
        self.wrote = true;
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<bool, StoreError> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM articles WHERE id = ?1")
            .and_then(|mut s| s.execute([id]))
            .map_err(StoreError::sqlite("deleting an article"))?;
        self.wrote |= n > 0;
        Ok(n > 0)
    }

    fn ids_by_content_hash(&mut self, hash: &str) -> Result<Vec<String>, StoreError> {
        ids_by_content_hash(&self.tx, hash)
    }

    fn published_of(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        self.tx
            .prepare_cached("SELECT published FROM articles WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map(Option::flatten)
            .map_err(StoreError::sqlite("reading a publication date"))
    }

    fn origin_of(&mut self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        self.tx
            .prepare_cached("SELECT origin_path, content_hash FROM articles WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .map_err(StoreError::sqlite("reading an article's origin"))
    }

    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        if self.wrote {
            derived::bump_changes(&self.tx)?;
        }
        self.tx
            .commit()
            .map_err(StoreError::sqlite("committing a write"))
    }
}

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<Box<dyn StoreTx + '_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting a write"))?;
        Ok(Box::new(SqliteTx { tx, wrote: false }))
    }

    fn get(&self, id: &str) -> Result<Option<Article>, StoreError> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            String,
            Option<String>,
            String,
            String,
        );
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT title, outlet, url, author, published, language, format, origin_path, \
                 origin_locator, text, detail_json FROM articles WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                    ))
                })
                .optional()
            })
            .map_err(StoreError::sqlite("reading an article"))?;
        let Some((
            title,
            outlet,
            url,
            author,
            published,
            language,
            format,
            path,
            locator,
            text,
            detail,
        )) = row
        else {
            return Ok(None);
        };
        codec::decode_article(
            id,
            ArticleRow {
                title,
                outlet,
                url,
                author,
                published,
                language,
                format,
                origin_path: path,
                origin_locator: locator,
                text,
                detail,
            },
        )
        .map(Some)
    }

    fn get_raw(&self, id: &str) -> Result<Option<RawDoc>, StoreError> {
        let row: Option<(String, Vec<u8>, String)> = self
            .conn
            .prepare_cached("SELECT kind, content, meta_json FROM raw_inputs WHERE article_id = ?1")
            .and_then(|mut s| {
                s.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .map_err(StoreError::sqlite("reading a raw input"))?;
        let Some((kind, content, meta)) = row else {
            return Ok(None);
        };
        codec::decode_raw(id, kind, content, &meta).map(Some)
    }

    fn list(&self, query: &ListQuery) -> Result<Vec<ArticleSummary>, StoreError> {
        let mut sql = String::from(
            "SELECT id, title, outlet, url, published, format, origin_path, origin_locator, \
             text_chars, language FROM articles WHERE 1 = 1",
        );
        let mut args: Vec<Value> = Vec::new();
        let mut filter = |clause: &str, value: &Option<String>| {
            if let Some(v) = value {
                args.push(Value::Text(v.clone()));
                sql.push_str(&format!(" AND {clause} ?{}", args.len()));
            }
        };
        // Outlet names in any ASCII case: callers map aliases to the name.
        filter("outlet COLLATE NOCASE =", &query.outlet);
        filter("language =", &query.language);
        filter("published >=", &query.published_from);
        filter("published <=", &query.published_to);
        args.push(Value::Integer(as_i64(query.limit)));
        args.push(Value::Integer(as_i64(query.offset)));
        sql.push_str(&format!(
            " ORDER BY published DESC NULLS LAST, id LIMIT ?{} OFFSET ?{}",
            args.len() - 1,
            args.len()
        ));
        let context = "listing articles";
        let mut stmt = self
            .conn
            .prepare_cached(&sql)
            .map_err(StoreError::sqlite(context))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get::<_, String>(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get::<_, i64>(8)?,
                    r.get(9)?,
                ))
            })
            .map_err(StoreError::sqlite(context))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, title, outlet, url, published, format, path, locator, chars, language) =
                row.map_err(StoreError::sqlite(context))?;
            let format = codec::enum_from_name(&id, format)?;
            out.push(ArticleSummary {
                id,
                title,
                outlet,
                url,
                published,
                format,
                origin: Origin { path, locator },
                text_chars: u64::try_from(chars).unwrap_or(0),
                language,
            });
        }
        Ok(out)
    }

    fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM articles")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(StoreError::sqlite("counting articles"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn outlet_counts(&self) -> Result<Vec<(Option<String>, u64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT outlet, count(*) AS n FROM articles GROUP BY outlet \
                 ORDER BY n DESC, outlet",
            )
            .map_err(StoreError::sqlite("counting outlets"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(StoreError::sqlite("counting outlets"))?;
        Ok(rows
            .into_iter()
            .map(|(o, n)| (o, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    fn ids_by_content_hash(&self, hash: &str) -> Result<Vec<String>, StoreError> {
        ids_by_content_hash(&self.conn, hash)
    }

    fn article_outlets(&self) -> Result<Vec<(String, String)>, StoreError> {
        let context = "reading article outlets";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, outlet FROM articles WHERE outlet IS NOT NULL ORDER BY id")
            .map_err(StoreError::sqlite(context))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(StoreError::sqlite(context))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite(context))
    }

    fn replace_stories(&mut self, stories: &[StoredStory]) -> Result<(), StoreError> {
        let context = "replacing the stories";
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite(context))?;
        tx.execute_batch("DELETE FROM stories; DELETE FROM story_members;")
            .map_err(StoreError::sqlite(context))?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO stories (id, position, title, date_from, date_to, \
                     article_count, outlets_json, story_json, sources, glance_json) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(StoreError::sqlite(context))?;
            for (position, story) in stories.iter().enumerate() {
                let outlets = to_json(&story.outlets)?;
                let document = derived::pack(&to_json(&story.document)?);
                insert
                    .execute(rusqlite::params![
                        story.id,
                        as_i64(position),
                        story.title,
                        story.date_from,
                        story.date_to,
                        as_i64(story.article_count),
                        outlets,
                        document,
                        as_i64(story.sources),
                        codec::glance_json(&story.glance)?,
                    ])
                    .map_err(|source| {
                        if matches!(
                            source.sqlite_error_code(),
                            Some(rusqlite::ErrorCode::ConstraintViolation)
                        ) {
                            StoreError::Invalid(format!("story id {} appears twice", story.id))
                        } else {
                            StoreError::from_sqlite(context, source)
                        }
                    })?;
                derived::put_members(&tx, story)?;
            }
        }
        derived::drop_dangling_moves(&tx, context)?;
        derived::bump_changes(&tx)?;
        tx.commit().map_err(StoreError::sqlite(context))
    }

    fn story_keys(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        derived::story_keys(&self.conn)
    }

    fn update_stories(
        &mut self,
        changed: &[(StoredStory, String)],
        current: &[String],
        moves: &[StoryMove],
    ) -> Result<(), StoreError> {
        derived::update_stories(&mut self.conn, changed, current, moves, now_unix())
    }

    fn stories_of_article(&self, article_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        derived::stories_of_article(&self.conn, article_id)
    }

    fn story_members(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::story_members(&self.conn)
    }

    fn story_moved_to(&self, id: &str) -> Result<Option<String>, StoreError> {
        derived::story_moved_to(&self.conn, id)
    }

    fn story_moves(&self) -> Result<Vec<StoryMove>, StoreError> {
        Ok(derived::story_moves(&self.conn)?
            .into_iter()
            .map(|(from, to)| StoryMove { from, to })
            .collect())
    }

    fn list_stories(&self) -> Result<Vec<StorySummary>, StoreError> {
        let context = "listing stories";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, title, date_from, date_to, article_count, outlets_json, sources, \
                 glance_json FROM stories ORDER BY date_to IS NULL, date_to DESC, id",
            )
            .map_err(StoreError::sqlite(context))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            })
            .map_err(StoreError::sqlite(context))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, title, date_from, date_to, count, outlets, sources, glance) =
                row.map_err(StoreError::sqlite(context))?;
            let outlets: Vec<String> = from_json(&id, "story outlets", &outlets)?;
            let article_count = usize::try_from(count).unwrap_or(0);
            let sources = stored_sources(sources, article_count, &outlets);
            out.push(StorySummary {
                id,
                title,
                date_from,
                date_to,
                article_count,
                outlets,
                sources,
                glance: codec::stored_glance(glance),
            });
        }
        Ok(out)
    }

    fn get_story(&self, id: &str) -> Result<Option<StoredStory>, StoreError> {
        let context = "reading a story";
        let row = self
            .conn
            .prepare_cached(
                "SELECT title, date_from, date_to, article_count, outlets_json, story_json, \
                 sources, glance_json FROM stories WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, rusqlite::types::Value>(5)?,
                        r.get::<_, Option<i64>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                })
                .optional()
            })
            .map_err(StoreError::sqlite(context))?;
        let Some((title, date_from, date_to, count, outlets, document, sources, glance)) = row
        else {
            return Ok(None);
        };
        let document = derived::unpack(id, "story document", document)?;
        let article_count = usize::try_from(count).unwrap_or(0);
        let outlets: Vec<String> = from_json(id, "story outlets", &outlets)?;
        Ok(Some(StoredStory {
            id: id.to_string(),
            title,
            date_from,
            date_to,
            article_count,
            sources: stored_sources(sources, article_count, &outlets),
            glance: codec::stored_glance(glance),
            outlets,
            articles: derived::members_of(&self.conn, id)?,
            document: from_json(id, "story document", &document)?,
        }))
    }

    fn links(&self, id: &str) -> Result<Vec<DuplicateLink>, StoreError> {
        let context = "reading duplicate links";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT article_id, of_id, kind, score FROM duplicate_links WHERE article_id = ?1 \
                 UNION ALL \
                 SELECT article_id, of_id, kind, score FROM duplicate_links WHERE of_id = ?1 \
                 ORDER BY score DESC, article_id, of_id, kind",
            )
            .map_err(StoreError::sqlite(context))?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, f64>(3)?,
                ))
            })
            .map_err(StoreError::sqlite(context))?;
        let mut out = Vec::new();
        for row in rows {
            let (article_id, of_id, kind, score) = row.map_err(StoreError::sqlite(context))?;
            let kind = LinkKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                id: article_id.clone(),
                detail: format!("unknown duplicate link kind {kind:?}"),
            })?;
            out.push(DuplicateLink {
                article_id,
                of_id,
                kind,
                score,
            });
        }
        Ok(out)
    }

    fn for_each_signature(&self, visit: &mut dyn FnMut(&str, Signature)) -> Result<(), StoreError> {
        let context = "loading signatures";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT article_id, signature FROM signatures ORDER BY rowid")
            .map_err(StoreError::sqlite(context))?;
        let mut rows = stmt.query([]).map_err(StoreError::sqlite(context))?;
        while let Some(row) = rows.next().map_err(StoreError::sqlite(context))? {
            let id: String = row.get(0).map_err(StoreError::sqlite(context))?;
            let bytes = row
                .get_ref(1)
                .and_then(|v| v.as_blob().map_err(rusqlite::Error::from))
                .map_err(StoreError::sqlite(context))?;
            let sig = Signature::from_bytes(bytes).map_err(|e| StoreError::Corrupt {
                id: id.clone(),
                detail: e.to_string(),
            })?;
            visit(&id, sig);
        }
        Ok(())
    }

    fn stale_analyses(&self, analyzer: &str) -> Result<Vec<(String, String)>, StoreError> {
        derived::stale_analyses(&self.conn, analyzer)
    }

    fn analysis_stamps(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::analysis_stamps(&self.conn)
    }

    fn revisions(&self) -> Result<Vec<(String, String)>, StoreError> {
        derived::revisions(&self.conn)
    }

    fn put_analyses(
        &mut self,
        items: &[(StoredAnalysis, Vec<ArticleEntity>)],
    ) -> Result<(), StoreError> {
        derived::put_analyses(&mut self.conn, items)
    }

    fn get_analysis(&self, id: &str) -> Result<Option<StoredAnalysis>, StoreError> {
        derived::get_analysis(&self.conn, id)
    }

    fn all_article_entities(&self) -> Result<Vec<ArticleEntity>, StoreError> {
        derived::all_article_entities(&self.conn)
    }

    fn set_entity_ids(&mut self, ids: &[(ArticleEntity, String)]) -> Result<(), StoreError> {
        derived::set_entity_ids(&mut self.conn, ids)
    }

    fn list_entities(&self, query: &EntityQuery) -> Result<Vec<EntitySummary>, StoreError> {
        derived::list_entities(&self.conn, query)
    }

    fn entity_articles(&self, entity_id: &str) -> Result<Vec<ArticleEntity>, StoreError> {
        derived::entity_articles(&self.conn, entity_id)
    }

    fn article_entities(&self, article_id: &str) -> Result<Vec<ArticleEntity>, StoreError> {
        derived::article_entities(&self.conn, article_id)
    }

    fn get_state(&self, name: &str) -> Result<Option<EngineState>, StoreError> {
        derived::get_state(&self.conn, name)
    }

    fn state_names(&self) -> Result<Vec<String>, StoreError> {
        let context = "listing engine states";
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM engine_state ORDER BY name")
            .map_err(StoreError::sqlite(context))?;
        let rows = stmt
            .query_map([], |r| r.get(0))
            .map_err(StoreError::sqlite(context))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite(context))
    }

    fn put_state(&mut self, name: &str, state: &EngineState) -> Result<(), StoreError> {
        derived::put_state(&self.conn, name, state, now_unix())
    }

    fn list_feeds(&self) -> Result<Vec<crate::FeedSubscription>, StoreError> {
        crate::feeds::list(&self.conn)
    }

    fn add_feeds(&mut self, new: &[crate::NewFeed]) -> Result<usize, StoreError> {
        crate::feeds::add(&mut self.conn, new)
    }

    fn remove_feed(&mut self, url: &str) -> Result<bool, StoreError> {
        crate::feeds::remove(&mut self.conn, url)
    }

    fn record_feed_poll(
        &mut self,
        url: &str,
        outcome: &Result<usize, String>,
    ) -> Result<(), StoreError> {
        crate::feeds::record(&mut self.conn, url, outcome)
    }

    fn derived_generation(&self) -> Result<DerivedGeneration, StoreError> {
        self.conn
            .prepare_cached("SELECT generation, settled FROM derived_pending WHERE id = 1")
            .and_then(|mut s| {
                s.query_row([], |r| {
                    Ok(DerivedGeneration {
                        generation: r.get::<_, i64>(0)?.max(0) as u64,
                        settled: r.get::<_, i64>(1)?.max(0) as u64,
                    })
                })
            })
            .map_err(StoreError::sqlite("reading the pending refresh"))
    }

    fn set_outlets(
        &mut self,
        changes: &[(String, Option<String>, Option<String>)],
    ) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting a write"))?;
        for (id, outlet, via) in changes {
            let detail: Option<String> = tx
                .prepare_cached("SELECT detail_json FROM articles WHERE id = ?1")
                .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
                .map_err(StoreError::sqlite("reading an article's detail"))?;
            let Some(detail) = detail else { continue };
            let detail = codec::detail_with_outlet_via(id, &detail, via)?;
            tx.prepare_cached("UPDATE articles SET outlet = ?2, detail_json = ?3 WHERE id = ?1")
                .and_then(|mut s| s.execute(params![id, outlet, detail]))
                .map_err(StoreError::sqlite("renaming an article's outlet"))?;
        }
        derived::bump_changes(&tx)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing outlet names"))
    }

    fn check_integrity(&self) -> Result<(), StoreError> {
        SqliteStore::check_integrity(self)
    }

    fn generation(&self) -> Result<u64, StoreError> {
        derived::generation(&self.conn)
    }

    fn settle_derived(&mut self, generation: u64) -> Result<(), StoreError> {
        let generation = i64::try_from(generation).unwrap_or(i64::MAX);
        self.conn
            .prepare_cached(
                "UPDATE derived_pending SET settled = MAX(settled, MIN(?1, generation)) \
                 WHERE id = 1",
            )
            .and_then(|mut s| s.execute([generation]))
            .map_err(StoreError::sqlite("recording a finished refresh"))?;
        Ok(())
    }
}

fn ids_by_content_hash(conn: &Connection, hash: &str) -> Result<Vec<String>, StoreError> {
    let context = "looking up exact copies";
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM articles WHERE content_hash = ?1 ORDER BY created_at, rowid",
        )
        .map_err(StoreError::sqlite(context))?;
    let rows = stmt
        .query_map([hash], |r| r.get(0))
        .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<Vec<String>, _>>()
        .map_err(StoreError::sqlite(context))
}
