//! SQLite side of what is derived from articles: analyses, article
//! entities and engine state (migration 3). Called from the `Store` impl in
//! `sqlite.rs`, which stays about articles themselves.

use crate::{ArticleEntity, EngineState, EntityQuery, EntitySummary, StoreError, StoredAnalysis};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

pub(crate) use crate::codec::pack;

/// The JSON text of a column written by [`pack`], or of a plain TEXT
/// value (written before compression, or by hand).
pub(crate) fn unpack(
    id: &str,
    what: &str,
    value: rusqlite::types::Value,
) -> Result<String, StoreError> {
    match value {
        rusqlite::types::Value::Text(s) => Ok(s),
        rusqlite::types::Value::Blob(bytes) => crate::codec::inflate(id, what, &bytes),
        other => Err(StoreError::Corrupt {
            id: id.to_string(),
            detail: format!("{what}: unexpected {:?}", other.data_type()),
        }),
    }
}

/// Counts one visible write in the open transaction (see migration 8).
pub(crate) fn bump_changes(conn: &Connection) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE store_changes SET n = n + 1 WHERE id = 1")
        .and_then(|mut s| s.execute([]))
        .map(|_| ())
        .map_err(StoreError::sqlite("counting a change"))
}

pub(crate) fn generation(conn: &Connection) -> Result<u64, StoreError> {
    conn.prepare_cached("SELECT n FROM store_changes WHERE id = 1")
        .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
        .map(|n| u64::try_from(n).unwrap_or(0))
        .map_err(StoreError::sqlite("reading the change counter"))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn small(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub(crate) fn stale_analyses(
    conn: &Connection,
    analyzer: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    pairs(
        conn,
        "finding articles to analyse",
        "SELECT a.id, a.revision FROM articles a \
         LEFT JOIN analyses x ON x.article_id = a.id \
         WHERE x.article_id IS NULL OR x.revision <> a.revision OR x.analyzer <> ?1 \
         ORDER BY a.id",
        [analyzer],
    )
}

/// Article id → analyzer version of every analysis computed from the
/// article's current revision, in id order.
pub(crate) fn analysis_stamps(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    pairs(
        conn,
        "reading analysis versions",
        "SELECT x.article_id, x.analyzer FROM analyses x \
         JOIN articles a ON a.id = x.article_id AND a.revision = x.revision \
         ORDER BY x.article_id",
        [],
    )
}

/// The rows of a two-column query.
fn pairs<A: rusqlite::types::FromSql, B: rusqlite::types::FromSql>(
    conn: &Connection,
    context: &'static str,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<(A, B)>, StoreError> {
    let mut stmt = conn
        .prepare_cached(sql)
        .map_err(StoreError::sqlite(context))?;
    let rows = stmt
        .query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite(context))
}

pub(crate) fn revisions(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    pairs(
        conn,
        "listing article revisions",
        "SELECT id, revision FROM articles ORDER BY rowid",
        [],
    )
}

pub(crate) fn put_analyses(
    conn: &mut Connection,
    items: &[(StoredAnalysis, Vec<ArticleEntity>)],
) -> Result<(), StoreError> {
    let context = "storing analyses";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(context))?;
    {
        let mut exists = tx
            .prepare_cached("SELECT 1 FROM articles WHERE id = ?1")
            .map_err(StoreError::sqlite(context))?;
        let mut analysis = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO analyses (article_id, revision, analyzer, analysis_json) \
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(StoreError::sqlite(context))?;
        let mut clear = tx
            .prepare_cached("DELETE FROM article_entities WHERE article_id = ?1")
            .map_err(StoreError::sqlite(context))?;
        let mut entity = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO article_entities \
                 (article_id, name, kind, entity_id, mentions, quotes_by) \
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
            )
            .map_err(StoreError::sqlite(context))?;
        for (stored, entities) in items {
            let present = exists
                .query_row([&stored.article_id], |_| Ok(()))
                .optional()
                .map_err(StoreError::sqlite(context))?
                .is_some();
            if !present {
                continue;
            }
            analysis
                .execute(params![
                    stored.article_id,
                    stored.revision,
                    stored.analyzer,
                    pack(&stored.json)
                ])
                .map_err(StoreError::sqlite(context))?;
            clear
                .execute([&stored.article_id])
                .map_err(StoreError::sqlite(context))?;
            for e in entities
                .iter()
                .filter(|e| e.article_id == stored.article_id)
            {
                entity
                    .execute(params![
                        e.article_id,
                        e.name,
                        e.kind,
                        e.mentions,
                        e.quotes_by
                    ])
                    .map_err(StoreError::sqlite(context))?;
            }
        }
    }
    bump_changes(&tx)?;
    tx.commit().map_err(StoreError::sqlite(context))
}

pub(crate) fn get_analysis(
    conn: &Connection,
    id: &str,
) -> Result<Option<StoredAnalysis>, StoreError> {
    let context = "reading an analysis";
    let row = conn
        .prepare_cached(
            "SELECT x.revision, x.analyzer, x.analysis_json FROM analyses x \
             JOIN articles a ON a.id = x.article_id AND a.revision = x.revision \
             WHERE x.article_id = ?1",
        )
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, rusqlite::types::Value>(2)?,
                ))
            })
            .optional()
        })
        .map_err(StoreError::sqlite(context))?;
    let Some((revision, analyzer, json)) = row else {
        return Ok(None);
    };
    Ok(Some(StoredAnalysis {
        article_id: id.to_string(),
        revision,
        analyzer,
        json: unpack(id, "analysis", json)?,
    }))
}

fn entity_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleEntity> {
    Ok(ArticleEntity {
        article_id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        entity_id: r.get(3)?,
        mentions: small(r.get(4)?),
        quotes_by: small(r.get(5)?),
    })
}

fn entity_rows(
    conn: &Connection,
    context: &'static str,
    sql: &str,
    arg: Option<&str>,
) -> Result<Vec<ArticleEntity>, StoreError> {
    let mut stmt = conn
        .prepare_cached(sql)
        .map_err(StoreError::sqlite(context))?;
    let rows = match arg {
        Some(a) => stmt.query_map([a], entity_row),
        None => stmt.query_map([], entity_row),
    }
    .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite(context))
}

const ENTITY_COLUMNS: &str = "e.article_id, e.name, e.kind, e.entity_id, e.mentions, e.quotes_by";

pub(crate) fn all_article_entities(conn: &Connection) -> Result<Vec<ArticleEntity>, StoreError> {
    entity_rows(
        conn,
        "listing article entities",
        &format!("SELECT {ENTITY_COLUMNS} FROM article_entities e ORDER BY e.article_id, e.name"),
        None,
    )
}

pub(crate) fn entity_articles(
    conn: &Connection,
    entity_id: &str,
) -> Result<Vec<ArticleEntity>, StoreError> {
    entity_rows(
        conn,
        "reading an entity",
        &format!(
            "SELECT {ENTITY_COLUMNS} FROM article_entities e \
             JOIN articles a ON a.id = e.article_id \
             WHERE e.entity_id = ?1 \
             ORDER BY a.published IS NULL, a.published DESC, e.article_id, e.name, e.kind"
        ),
        Some(entity_id),
    )
}

pub(crate) fn article_entities(
    conn: &Connection,
    article_id: &str,
) -> Result<Vec<ArticleEntity>, StoreError> {
    entity_rows(
        conn,
        "reading an article's entities",
        &format!(
            "SELECT {ENTITY_COLUMNS} FROM article_entities e WHERE e.article_id = ?1 \
             ORDER BY e.mentions DESC, e.name, e.kind"
        ),
        Some(article_id),
    )
}

pub(crate) fn set_entity_ids(
    conn: &mut Connection,
    ids: &[(ArticleEntity, String)],
) -> Result<(), StoreError> {
    let context = "joining entities across articles";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(context))?;
    {
        let mut update = tx
            .prepare_cached(
                "UPDATE article_entities SET entity_id = ?4 \
                 WHERE article_id = ?1 AND name = ?2 AND kind = ?3 \
                 AND entity_id IS NOT ?4",
            )
            .map_err(StoreError::sqlite(context))?;
        for (row, id) in ids {
            update
                .execute(params![row.article_id, row.name, row.kind, id])
                .map_err(StoreError::sqlite(context))?;
        }
    }
    bump_changes(&tx)?;
    tx.commit().map_err(StoreError::sqlite(context))
}

pub(crate) fn list_entities(
    conn: &Connection,
    query: &EntityQuery,
) -> Result<Vec<EntitySummary>, StoreError> {
    let context = "listing entities";
    let pattern = query
        .name
        .as_deref()
        .map(|n| format!("%{}%", crate::codec::escape_like(&n.to_lowercase())));
    // The display name is the one most rows use (ties: the longest).
    let mut stmt = conn
        .prepare_cached(
            "WITH totals AS ( \
                 SELECT entity_id, kind, count(DISTINCT article_id) AS articles, \
                        sum(mentions) AS mentions, sum(quotes_by) AS quotes_by \
                 FROM article_entities \
                 WHERE entity_id IS NOT NULL \
                   AND (?1 IS NULL OR lower(entity_id) LIKE ?1 ESCAPE '\\') \
                   AND (?2 IS NULL OR kind = ?2) \
                 GROUP BY entity_id, kind) \
             SELECT t.entity_id, t.kind, t.articles, t.mentions, t.quotes_by, \
                    (SELECT name FROM article_entities n WHERE n.entity_id = t.entity_id \
                     GROUP BY name ORDER BY count(*) DESC, length(name) DESC, name LIMIT 1) \
             FROM totals t \
             ORDER BY t.articles DESC, t.mentions DESC, t.entity_id \
             LIMIT ?3 OFFSET ?4",
        )
        .map_err(StoreError::sqlite(context))?;
    let rows = stmt
        .query_map(
            params![
                pattern,
                query.kind,
                i64::try_from(query.limit).unwrap_or(i64::MAX),
                i64::try_from(query.offset).unwrap_or(i64::MAX)
            ],
            |r| {
                let id: String = r.get(0)?;
                let name: Option<String> = r.get(5)?;
                Ok(EntitySummary {
                    name: name.unwrap_or_else(|| id.clone()),
                    id,
                    kind: r.get(1)?,
                    articles: count(r.get(2)?),
                    mentions: count(r.get(3)?),
                    quotes_by: count(r.get(4)?),
                })
            },
        )
        .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite(context))
}

pub(crate) fn get_state(conn: &Connection, name: &str) -> Result<Option<EngineState>, StoreError> {
    conn.prepare_cached("SELECT format, state FROM engine_state WHERE name = ?1")
        .and_then(|mut s| {
            s.query_row([name], |r| {
                Ok(EngineState {
                    format: r.get(0)?,
                    bytes: r.get(1)?,
                })
            })
            .optional()
        })
        .map_err(StoreError::sqlite("reading engine state"))
}

pub(crate) fn put_state(
    conn: &Connection,
    name: &str,
    state: &EngineState,
    now: i64,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO engine_state (name, format, state, updated_at) \
         VALUES (?1, ?2, ?3, ?4)",
    )
    .and_then(|mut s| s.execute(params![name, state.format, state.bytes, now]))
    .map(|_| ())
    .map_err(StoreError::sqlite("saving engine state"))
}

pub(crate) fn story_keys(conn: &Connection) -> Result<Vec<(String, Option<String>)>, StoreError> {
    pairs(
        conn,
        "listing story keys",
        "SELECT id, members_key FROM stories ORDER BY id",
        [],
    )
}

pub(crate) fn update_stories(
    conn: &mut Connection,
    changed: &[(crate::StoredStory, String)],
    current: &[String],
    moves: &[crate::StoryMove],
    now: i64,
) -> Result<(), StoreError> {
    let context = "updating the stories";
    let keep: std::collections::HashSet<&str> = current.iter().map(String::as_str).collect();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(context))?;
    {
        let stored: Vec<String> = {
            let mut stmt = tx
                .prepare_cached("SELECT id FROM stories")
                .map_err(StoreError::sqlite(context))?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .map_err(StoreError::sqlite(context))?;
            rows.collect::<Result<_, _>>()
                .map_err(StoreError::sqlite(context))?
        };
        let mut delete = tx
            .prepare_cached("DELETE FROM stories WHERE id = ?1")
            .map_err(StoreError::sqlite(context))?;
        let mut forget = tx
            .prepare_cached("DELETE FROM story_members WHERE story_id = ?1")
            .map_err(StoreError::sqlite(context))?;
        for id in stored.iter().filter(|id| !keep.contains(id.as_str())) {
            delete.execute([id]).map_err(StoreError::sqlite(context))?;
            forget.execute([id]).map_err(StoreError::sqlite(context))?;
        }
        let mut upsert = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO stories (id, position, title, date_from, date_to, \
                 article_count, outlets_json, story_json, members_key, sources, glance_json) \
                 VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(StoreError::sqlite(context))?;
        for (story, key) in changed {
            let outlets = serde_json::to_string(&story.outlets)
                .map_err(|e| StoreError::Invalid(format!("cannot serialise story outlets: {e}")))?;
            let document = serde_json::to_string(&story.document).map_err(|e| {
                StoreError::Invalid(format!("cannot serialise story {}: {e}", story.id))
            })?;
            let document = pack(&document);
            upsert
                .execute(params![
                    story.id,
                    story.title,
                    story.date_from,
                    story.date_to,
                    i64::try_from(story.article_count).unwrap_or(i64::MAX),
                    outlets,
                    document,
                    key,
                    i64::try_from(story.sources).unwrap_or(i64::MAX),
                    crate::codec::glance_json(&story.glance)?
                ])
                .map_err(StoreError::sqlite(context))?;
            forget
                .execute([&story.id])
                .map_err(StoreError::sqlite(context))?;
            put_members(&tx, story)?;
        }
        let mut follow = tx
            .prepare_cached("UPDATE story_moves SET moved_to = ?2 WHERE moved_to = ?1")
            .map_err(StoreError::sqlite(context))?;
        let mut record = tx
            .prepare_cached(
                "INSERT OR REPLACE INTO story_moves (id, moved_to, moved_at) VALUES (?1, ?2, ?3)",
            )
            .map_err(StoreError::sqlite(context))?;
        for m in moves.iter().filter(|m| m.from != m.to) {
            follow
                .execute([&m.from, &m.to])
                .map_err(StoreError::sqlite(context))?;
            record
                .execute(params![m.from, m.to, now])
                .map_err(StoreError::sqlite(context))?;
        }
        let mut settle = tx
            .prepare_cached("DELETE FROM story_moves WHERE id = ?1")
            .map_err(StoreError::sqlite(context))?;
        for id in current {
            settle.execute([id]).map_err(StoreError::sqlite(context))?;
        }
    }
    drop_dangling_moves(&tx, context)?;
    bump_changes(&tx)?;
    tx.commit().map_err(StoreError::sqlite(context))
}

/// Writes a story's membership rows (the caller removed the old ones).
pub(crate) fn put_members(conn: &Connection, story: &crate::StoredStory) -> Result<(), StoreError> {
    let context = "saving a story's articles";
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO story_members (story_id, position, article_id) VALUES (?1, ?2, ?3)",
        )
        .map_err(StoreError::sqlite(context))?;
    for (position, article) in story.articles.iter().enumerate() {
        insert
            .execute(params![
                story.id,
                i64::try_from(position).unwrap_or(i64::MAX),
                article
            ])
            .map_err(StoreError::sqlite(context))?;
    }
    Ok(())
}

/// A moved id must lead to a stored story: moves to a story that is gone
/// (its articles deleted) are dropped, so the id answers "not found".
pub(crate) fn drop_dangling_moves(
    conn: &Connection,
    context: &'static str,
) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM story_moves WHERE moved_to NOT IN (SELECT id FROM stories) \
         OR id IN (SELECT id FROM stories)",
        [],
    )
    .map(|_| ())
    .map_err(StoreError::sqlite(context))
}

pub(crate) fn story_members(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    pairs(
        conn,
        "listing story members",
        "SELECT story_id, article_id FROM story_members ORDER BY story_id, position",
        [],
    )
}

pub(crate) fn stories_of_article(
    conn: &Connection,
    article: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    pairs(
        conn,
        "listing an article's stories",
        "SELECT DISTINCT m.story_id, s.title FROM story_members m \
         JOIN stories s ON s.id = m.story_id WHERE m.article_id = ?1 ORDER BY m.story_id",
        [article],
    )
}

pub(crate) fn members_of(conn: &Connection, story: &str) -> Result<Vec<String>, StoreError> {
    let context = "reading a story's articles";
    let mut stmt = conn
        .prepare_cached(
            "SELECT article_id FROM story_members WHERE story_id = ?1 ORDER BY position",
        )
        .map_err(StoreError::sqlite(context))?;
    let rows = stmt
        .query_map([story], |r| r.get(0))
        .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite(context))
}

pub(crate) fn story_moved_to(conn: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT moved_to FROM story_moves WHERE id = ?1")
        .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
        .map_err(StoreError::sqlite("reading a story move"))
}

pub(crate) fn story_moves(conn: &Connection) -> Result<Vec<(String, String)>, StoreError> {
    pairs(
        conn,
        "listing story moves",
        "SELECT id, moved_to FROM story_moves ORDER BY id",
        [],
    )
}
