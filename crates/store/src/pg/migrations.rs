//! PostgreSQL schema steps, tracked in `parallax_schema`.
//!
//! The same rules as SQLite's [`crate::migrations`]: append only, never
//! edit a shipped step. Versions count on their own (PostgreSQL step 1 is
//! SQLite steps 1–8 at once, since no PostgreSQL store existed before).

use super::{backend_error, pg};
use crate::{Migration, StoreError};
use postgres::Client;
use std::path::PathBuf;

/// Advisory lock key held while the schema is checked and migrated: "PXMG".
const MIGRATE_LOCK: i64 = 0x5058_4D47;

/// Every PostgreSQL schema step, oldest first. Append only.
pub const PG_MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "articles, raw inputs, signatures, links, derived data, stories, counters",
        sql: r#"
-- Sorted text columns use the "C" collation: byte order, as SQLite's.
CREATE TABLE articles (
    seq            BIGSERIAL UNIQUE,   -- insertion order (SQLite's rowid)
    id             TEXT COLLATE "C" PRIMARY KEY,
    title          TEXT,
    outlet         TEXT COLLATE "C",
    url            TEXT,
    author         TEXT,
    published      TEXT COLLATE "C",   -- ISO YYYY-MM-DD
    language       TEXT,
    format         TEXT NOT NULL,
    origin_path    TEXT NOT NULL,
    origin_locator TEXT,
    text_chars     BIGINT NOT NULL,
    content_hash   TEXT NOT NULL,
    revision       TEXT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    text           TEXT NOT NULL,
    detail_json    TEXT NOT NULL       -- read whole, never filtered: TEXT, not JSONB
);
CREATE INDEX articles_content_hash ON articles (content_hash);
CREATE INDEX articles_published ON articles (published DESC NULLS LAST, id);
CREATE INDEX articles_outlet ON articles (lower(outlet), published);

CREATE TABLE raw_inputs (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    content    BYTEA NOT NULL,
    meta_json  TEXT NOT NULL
);

CREATE TABLE signatures (
    seq        BIGSERIAL UNIQUE,       -- the order the LSH index is rebuilt in
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    signature  BYTEA NOT NULL
);

CREATE TABLE duplicate_links (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    of_id      TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT COLLATE "C" NOT NULL CHECK (kind IN ('exact', 'near')),
    score      DOUBLE PRECISION NOT NULL CHECK (score >= 0.0 AND score <= 1.0),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (article_id, of_id, kind),
    CHECK (article_id <> of_id)
);
CREATE INDEX duplicate_links_of ON duplicate_links (of_id);

CREATE TABLE analyses (
    article_id    TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    revision      TEXT NOT NULL,
    analyzer      TEXT NOT NULL,
    analysis_json BYTEA NOT NULL       -- deflated JSON, as in SQLite
);

CREATE TABLE article_entities (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    entity_id  TEXT COLLATE "C",
    mentions   BIGINT NOT NULL,
    quotes_by  BIGINT NOT NULL,
    PRIMARY KEY (article_id, name, kind)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id, article_id);

CREATE TABLE engine_state (
    name       TEXT PRIMARY KEY,
    format     TEXT NOT NULL,
    state      BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE stories (
    id            TEXT COLLATE "C" PRIMARY KEY,
    position      BIGINT NOT NULL,
    title         TEXT NOT NULL,
    date_from     TEXT COLLATE "C",
    date_to       TEXT COLLATE "C",
    article_count BIGINT NOT NULL,
    outlets_json  TEXT NOT NULL,
    story_json    BYTEA NOT NULL,      -- deflated StoryView JSON
    members_key   TEXT,
    sources       BIGINT
);
CREATE INDEX stories_date_to ON stories (date_to DESC NULLS LAST, id);

CREATE TABLE story_members (
    story_id   TEXT COLLATE "C" NOT NULL,
    position   BIGINT NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (story_id, position)
);
CREATE INDEX story_members_article ON story_members (article_id);

CREATE TABLE story_moves (
    id       TEXT COLLATE "C" PRIMARY KEY,
    moved_to TEXT COLLATE "C" NOT NULL,
    moved_at BIGINT NOT NULL
);

-- Pending refresh, as SQLite's migration 5: bumped in the transaction that
-- changes articles, settled by the refresh that caught up. Article batches
-- lock this row first, which makes them commit one at a time.
CREATE TABLE derived_pending (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL,
    settled    BIGINT NOT NULL
);
INSERT INTO derived_pending (id, generation, settled) VALUES (1, 1, 0);
CREATE FUNCTION parallax_articles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE derived_pending SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END $$;
-- Per row, as SQLite's triggers: a statement that changes no article (the
-- delete of an id not stored) leaves nothing pending.
CREATE TRIGGER articles_pending AFTER INSERT OR UPDATE OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION parallax_articles_changed();

-- Every visible write, as SQLite's migration 8.
CREATE TABLE store_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO store_changes (id, n) VALUES (1, 1);
"#,
    },
    Migration {
        version: 2,
        name: "story glance",
        sql: r#"
-- As SQLite's migration 9: what a story listing shows and filters by.
ALTER TABLE stories ADD COLUMN glance_json TEXT;
"#,
    },
    Migration {
        version: 3,
        name: "feed subscriptions",
        sql: r#"
-- As SQLite's migration 10.
CREATE TABLE feeds (
    url         TEXT COLLATE "C" PRIMARY KEY,
    title       TEXT,
    position    BIGINT NOT NULL,
    added_at    BIGINT NOT NULL,
    polled_at   BIGINT,
    last_items  BIGINT,
    last_error  TEXT,
    failures    BIGINT NOT NULL DEFAULT 0
);
"#,
    },
];

/// The PostgreSQL schema version this build writes.
pub fn pg_latest_version() -> i64 {
    PG_MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

fn where_(shown: &str) -> PathBuf {
    PathBuf::from(shown)
}

/// The schema version of the database, 0 when it holds no Parallax tables.
pub(crate) fn version(client: &mut Client) -> Result<i64, StoreError> {
    let context = "reading the schema version";
    let exists: bool = client
        .query_one("SELECT to_regclass('parallax_schema') IS NOT NULL", &[])
        .and_then(|r| r.try_get(0))
        .map_err(pg(context))?;
    if !exists {
        return Ok(0);
    }
    client
        .query_one("SELECT version FROM parallax_schema WHERE id = 1", &[])
        .and_then(|r| r.try_get(0))
        .map_err(pg(context))
}

/// Refuses a database that is not at this build's version.
pub(crate) fn check_current(client: &mut Client, shown: &str) -> Result<(), StoreError> {
    let found = version(client)?;
    let supported = pg_latest_version();
    if found > supported {
        return Err(StoreError::TooNew {
            path: where_(shown),
            found,
            supported,
        });
    }
    if found < supported {
        return Err(StoreError::NeedsMigration {
            path: where_(shown),
            found,
            supported,
        });
    }
    Ok(())
}

/// Brings the database up to [`pg_latest_version`], each step in its own
/// transaction under [`MIGRATE_LOCK`].
pub(crate) fn migrate(client: &mut Client, shown: &str) -> Result<(), StoreError> {
    migrate_with(client, shown, PG_MIGRATIONS)
}

pub(crate) fn migrate_with(
    client: &mut Client,
    shown: &str,
    steps: &[Migration],
) -> Result<(), StoreError> {
    let supported = steps.last().map(|m| m.version).unwrap_or(0);
    let context = "claiming the schema";
    {
        let mut tx = client.transaction().map_err(pg(context))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .map_err(pg(context))?;
        let claimed: bool = tx
            .query_one("SELECT to_regclass('parallax_schema') IS NOT NULL", &[])
            .and_then(|r| r.try_get(0))
            .map_err(pg(context))?;
        if !claimed {
            let others: i64 = tx
                .query_one(
                    "SELECT count(*) FROM information_schema.tables \
                     WHERE table_schema = current_schema()",
                    &[],
                )
                .and_then(|r| r.try_get(0))
                .map_err(pg(context))?;
            if others > 0 {
                return Err(StoreError::NotParallax {
                    path: where_(shown),
                    detail: format!(
                        "its schema already holds {others} tables of another program \
                         (use another database, or another schema with \
                         ?options=-csearch_path%3DNAME)"
                    ),
                });
            }
            tx.batch_execute(
                "CREATE TABLE parallax_schema ( \
                     id INTEGER PRIMARY KEY CHECK (id = 1), \
                     application TEXT NOT NULL CHECK (application = 'parallax'), \
                     version BIGINT NOT NULL); \
                 INSERT INTO parallax_schema (id, application, version) \
                 VALUES (1, 'parallax', 0);",
            )
            .map_err(pg(context))?;
        }
        tx.commit().map_err(pg(context))?;
    }
    for step in steps {
        let failed = |source: postgres::Error| StoreError::Migration {
            version: step.version,
            name: step.name,
            source: backend_error(source),
        };
        let mut tx = client.transaction().map_err(failed)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])
            .map_err(failed)?;
        let current: i64 = tx
            .query_one("SELECT version FROM parallax_schema WHERE id = 1", &[])
            .and_then(|r| r.try_get(0))
            .map_err(failed)?;
        if current > supported {
            return Err(StoreError::TooNew {
                path: where_(shown),
                found: current,
                supported,
            });
        }
        // Another process may have migrated while we waited for the lock.
        if current >= step.version {
            continue;
        }
        if current != step.version - 1 {
            return Err(StoreError::Corrupt {
                id: "(schema)".into(),
                detail: format!(
                    "schema version {current} cannot be migrated by step {} ({})",
                    step.version, step.name
                ),
            });
        }
        tx.batch_execute(step.sql).map_err(failed)?;
        tx.execute(
            "UPDATE parallax_schema SET version = $1 WHERE id = 1",
            &[&step.version],
        )
        .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
    // A database newer than every step (no step ran the check).
    let found = version(client)?;
    if found > supported {
        return Err(StoreError::TooNew {
            path: where_(shown),
            found,
            supported,
        });
    }
    Ok(())
}
