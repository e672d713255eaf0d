//! Schema migrations, tracked with `PRAGMA user_version`.
//!
//! HOW TO ADD A TABLE (later stages: extraction, stories, coverage): append a
//! [`Migration`] to [`MIGRATIONS`] with the next version number and the SQL
//! that creates your tables and indexes. Never edit a migration that has
//! shipped: databases in the field have already run it. Each migration runs
//! in its own `BEGIN IMMEDIATE` transaction together with the version bump,
//! so a failure leaves the database at the previous version, and two
//! processes opening the same file cannot both apply it.
//!
//! Conventions: reference articles as `article_id TEXT NOT NULL REFERENCES
//! articles(id) ON DELETE CASCADE` so deleting an article removes what was
//! derived from it; keep per-row JSON for nested data nobody filters on and
//! scalar columns (with indexes) for what the UI and search filter on.

use crate::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// `PRAGMA user_version` after this step; 1, 2, 3, ... without gaps.
    pub version: i64,
    /// Short description, shown in errors.
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every schema step, oldest first. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "articles, raw inputs, signatures, duplicate links",
        sql: r#"
CREATE TABLE articles (
    id             TEXT PRIMARY KEY NOT NULL,
    -- Scalar columns first: listing reads them without touching the large
    -- text and JSON columns at the end of the row.
    title          TEXT,
    outlet         TEXT,
    url            TEXT,
    author         TEXT,
    published      TEXT,               -- ISO YYYY-MM-DD
    language       TEXT,               -- ISO 639-1
    format         TEXT NOT NULL,      -- SourceFormat, lower case
    origin_path    TEXT NOT NULL,
    origin_locator TEXT,
    text_chars     INTEGER NOT NULL,   -- length of the clean text in characters
    content_hash   TEXT NOT NULL,      -- parallax_dedup::content_hash(text)
    revision       TEXT NOT NULL,      -- SHA-256 over everything stored for the article
    version        INTEGER NOT NULL DEFAULT 1,  -- bumped on each changed put
    created_at     INTEGER NOT NULL,   -- unix seconds
    updated_at     INTEGER NOT NULL,
    text           TEXT NOT NULL,
    detail_json    TEXT NOT NULL       -- blocks, removed, offsets, warnings
);
CREATE INDEX articles_content_hash ON articles(content_hash);
CREATE INDEX articles_published ON articles(published, id);
CREATE INDEX articles_outlet ON articles(outlet, published);

-- The input cleaning read, so offsets in the article can be shown in their
-- source and the article can be re-cleaned by a better cleaner.
CREATE TABLE raw_inputs (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,          -- ContentKind: text | html
    content    BLOB NOT NULL,          -- RawDoc::content bytes (UTF-8)
    meta_json  TEXT NOT NULL           -- raw id, origin, format, hints, warnings
);

-- MinHash signatures (parallax_dedup::Signature::to_bytes), loaded on start
-- to rebuild the LSH index.
CREATE TABLE signatures (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    signature  BLOB NOT NULL
);

-- article_id is a copy of of_id (the earlier or original article).
CREATE TABLE duplicate_links (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    of_id      TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('exact', 'near')),
    score      REAL NOT NULL CHECK (score >= 0.0 AND score <= 1.0),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, of_id, kind),
    CHECK (article_id <> of_id)
) WITHOUT ROWID;
CREATE INDEX duplicate_links_of ON duplicate_links(of_id);
"#,
    },
    Migration {
        version: 2,
        name: "stories",
        sql: r#"
-- The latest stories document (events and arcs with their coverage), one
-- row per story. It is derived from the articles and replaced whole after
-- each ingest, so it references no article rows.
CREATE TABLE stories (
    id            TEXT PRIMARY KEY NOT NULL,
    position      INTEGER NOT NULL,    -- order in the document
    title         TEXT NOT NULL,
    date_from     TEXT,                -- ISO YYYY-MM-DD
    date_to       TEXT,
    article_count INTEGER NOT NULL,
    outlets_json  TEXT NOT NULL,       -- JSON array of outlet names
    story_json    TEXT NOT NULL        -- the whole StoryView
);
CREATE INDEX stories_date_to ON stories(date_to);
"#,
    },
    Migration {
        version: 3,
        name: "analyses, article entities, engine state",
        sql: r#"
-- What extraction found in an article (entities, quotes, dates, timeline),
-- as the pipeline's JSON. `revision` is the article revision it was computed
-- from and `analyzer` the extractor's version: when either differs from the
-- current one the analysis is stale and is computed again.
CREATE TABLE analyses (
    article_id    TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    revision      TEXT NOT NULL,
    analyzer      TEXT NOT NULL,
    analysis_json BLOB NOT NULL        -- deflated JSON (TEXT read as is)
);

-- One row per entity of an article, written with its analysis, so entity
-- pages and corpus-wide joining never parse the analysis JSON. `entity_id`
-- is the corpus-wide id (`person:chris williamson`); it is recomputed over
-- the whole table when articles arrive, since a new article can join two
-- names (`Williamson` and `Chris Williamson`) that were apart before.
CREATE TABLE article_entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,           -- canonical name within the article
    kind       TEXT NOT NULL,           -- person | organization | location | misc
    entity_id  TEXT,                    -- NULL until joined across the corpus
    mentions   INTEGER NOT NULL,
    quotes_by  INTEGER NOT NULL,        -- quotes attributed to it in the article
    PRIMARY KEY (article_id, name, kind)
) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities(entity_id, article_id);

-- Serialised state of incremental engines (the story clusterer), so the
-- next ingest continues from it instead of starting over. `format` names
-- the encoding; a reader that does not know it rebuilds from the articles.
CREATE TABLE engine_state (
    name       TEXT PRIMARY KEY NOT NULL,
    format     TEXT NOT NULL,
    state      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
"#,
    },
    Migration {
        version: 4,
        name: "story membership keys",
        sql: r#"
-- A digest of which articles make a story and each of its events, so an
-- incremental refresh rewrites only the stories whose membership changed.
-- NULL for stories written whole by replace_stories. From this version on
-- story_json holds deflated JSON as a BLOB; TEXT rows are read as they are.
ALTER TABLE stories ADD COLUMN members_key TEXT;
"#,
    },
    Migration {
        version: 5,
        name: "pending derived data",
        sql: r#"
-- What is derived from the articles (analyses, entity ids, stories) is
-- brought up to date after the articles are committed, in later
-- transactions. `generation` counts article changes and is bumped by
-- triggers in the very transaction that changes an article; a refresh
-- records the generation it brought everything up to in `settled`. So
-- generation > settled says, durably, that a refresh is pending, whatever
-- point a killed run stopped at. A store upgraded to this version starts
-- pending, so stores left half-refreshed by earlier builds are repaired.
CREATE TABLE derived_pending (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL,
    settled    INTEGER NOT NULL
);
INSERT INTO derived_pending (id, generation, settled) VALUES (1, 1, 0);
CREATE TRIGGER articles_pending_insert AFTER INSERT ON articles
BEGIN UPDATE derived_pending SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER articles_pending_update AFTER UPDATE ON articles
BEGIN UPDATE derived_pending SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER articles_pending_delete AFTER DELETE ON articles
BEGIN UPDATE derived_pending SET generation = generation + 1 WHERE id = 1; END;
"#,
    },
    Migration {
        version: 6,
        name: "story identity",
        sql: r#"
-- Which articles each stored story holds, in the story's order, so the
-- next refresh can hand each old story id to the new story that holds
-- most of its articles (story links outlive re-clustering).
CREATE TABLE story_members (
    story_id   TEXT NOT NULL,
    position   INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (story_id, position)
);
-- Old story ids that merged into, or split off from, a story that now
-- holds most of their articles: the server answers them with a redirect.
-- An id here is never the id of a stored story.
CREATE TABLE story_moves (
    id       TEXT PRIMARY KEY,
    moved_to TEXT NOT NULL,
    moved_at INTEGER NOT NULL
);
-- Distinct reports behind a story: outlets, with articles of no known
-- outlet counted one by one and copies (wire reprints) not at all. A
-- story of one source is listed apart. NULL for stories stored before.
ALTER TABLE stories ADD COLUMN sources INTEGER;
"#,
    },
    Migration {
        version: 7,
        name: "stories of an article",
        sql: r#"
-- An article's page links to the stories that hold it.
CREATE INDEX story_members_article ON story_members (article_id);
"#,
    },
    Migration {
        version: 8,
        name: "change counter",
        sql: r#"
-- Grows by one with every committed write a reader can see (articles,
-- links, analyses, entity ids, stories, outlet names), so a server tells
-- "nothing changed" by one read of one row, on any backend, instead of
-- watching the database files.
CREATE TABLE store_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO store_changes (id, n) VALUES (1, 1);
"#,
    },
    Migration {
        version: 9,
        name: "story glance",
        sql: r#"
-- What a story listing shows and filters by: articles per side of the
-- outlets' lean and the most-shared fact (JSON of StoryGlance). NULL for
-- stories stored before; the next refresh that rewrites them fills it.
ALTER TABLE stories ADD COLUMN glance_json TEXT;
"#,
    },
    Migration {
        version: 10,
        name: "feed subscriptions",
        sql: r#"
-- The feeds a server or `parallax feeds` subscribes to, with what the
-- last poll found: one list for every process of the store.
CREATE TABLE feeds (
    url         TEXT PRIMARY KEY,
    title       TEXT,
    position    INTEGER NOT NULL,
    added_at    INTEGER NOT NULL,
    polled_at   INTEGER,
    last_items  INTEGER,
    last_error  TEXT,
    failures    INTEGER NOT NULL DEFAULT 0
);
"#,
    },
    Migration {
        version: 11,
        name: "outlet filter index",
        sql: r#"
-- The article list filters by outlet in any case (`outlet COLLATE NOCASE
-- = ?`), which the binary-collated articles_outlet index cannot serve:
-- every article row was read (past its text) to find one outlet's. This
-- one serves the filter and the list's order (newest first, then id).
CREATE INDEX articles_outlet_nocase ON articles (outlet COLLATE NOCASE, published DESC, id);
"#,
    },
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the database up to the last of `migrations`.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
) -> Result<(), StoreError> {
    let supported = migrations.last().map(|m| m.version).unwrap_or(0);
    let found = user_version(conn).map_err(StoreError::sqlite("reading the schema version"))?;
    if found > supported {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    for migration in migrations.iter().filter(|m| m.version > found) {
        let failed = |source: rusqlite::Error| StoreError::Migration {
            version: migration.version,
            name: migration.name,
            source: Box::new(source),
        };
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(failed)?;
        // Another process may have migrated while we waited for the lock.
        let current = user_version(&tx).map_err(failed)?;
        if current >= migration.version {
            continue;
        }
        if current != migration.version - 1 {
            return Err(StoreError::Corrupt {
                id: "(schema)".into(),
                detail: format!(
                    "schema version {current} cannot be migrated by step {} ({})",
                    migration.version, migration.name
                ),
            });
        }
        tx.execute_batch(migration.sql).map_err(failed)?;
        tx.pragma_update(None, "user_version", migration.version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "migration {}", m.name);
        }
        assert_eq!(latest_version(), MIGRATIONS.len() as i64);
    }

    fn fresh() -> Connection {
        let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        conn.pragma_update(None, "foreign_keys", true)
            .unwrap_or_else(|e| panic!("{e}"));
        conn
    }

    #[test]
    fn fresh_database_reaches_latest_and_rerun_is_noop() {
        let mut conn = fresh();
        migrate(&mut conn, Path::new(":memory:"), MIGRATIONS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(user_version(&conn).ok(), Some(latest_version()));
        migrate(&mut conn, Path::new(":memory:"), MIGRATIONS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(user_version(&conn).ok(), Some(latest_version()));
    }

    const V2_TEST: Migration = Migration {
        version: 2,
        name: "test table",
        sql: "CREATE TABLE extra (article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, note TEXT);",
    };

    #[test]
    fn existing_database_gets_only_new_steps_and_keeps_data() {
        let mut conn = fresh();
        migrate(&mut conn, Path::new("t"), &MIGRATIONS[..1]).unwrap_or_else(|e| panic!("{e}"));
        conn.execute(
            "INSERT INTO articles (id, format, origin_path, text_chars, content_hash, revision, \
             created_at, updated_at, text, detail_json) \
             VALUES ('a', 'text', 'a.txt', 2, 'h', 'r', 0, 0, 'hi', '{}')",
            [],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let steps = [MIGRATIONS[0], V2_TEST];
        migrate(&mut conn, Path::new("t"), &steps).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(user_version(&conn).ok(), Some(2));
        conn.execute("INSERT INTO extra VALUES ('a', 'n')", [])
            .unwrap_or_else(|e| panic!("{e}"));
        let kept: String = conn
            .query_row("SELECT text FROM articles WHERE id = 'a'", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kept, "hi");
    }

    #[test]
    fn failing_step_rolls_back_and_keeps_version() {
        let mut conn = fresh();
        migrate(&mut conn, Path::new("t"), &MIGRATIONS[..1]).unwrap_or_else(|e| panic!("{e}"));
        let broken = Migration {
            version: 2,
            name: "broken",
            sql: "CREATE TABLE half (x); THIS IS NOT SQL;",
        };
        let err = migrate(&mut conn, Path::new("t"), &[MIGRATIONS[0], broken]);
        let msg = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("migration to schema version 2 (broken)"),
            "{msg}"
        );
        assert_eq!(user_version(&conn).ok(), Some(1));
        let half: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'half'",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(half, 0, "partial migration must roll back");
    }

    #[test]
    fn newer_database_is_refused() {
        let mut conn = fresh();
        conn.pragma_update(None, "user_version", 99)
            .unwrap_or_else(|e| panic!("{e}"));
        let err = migrate(&mut conn, Path::new("x.db"), MIGRATIONS);
        assert!(matches!(err, Err(StoreError::TooNew { found: 99, .. })));
    }
}
