//! PostgreSQL side of what is derived from articles: analyses, article
//! entities, stories, outlet renames. Each write here runs inside
//! [`super::Conn::write`]'s transaction.

use super::{col, Db, Params};
use crate::codec::{self, as_i64, pack, to_json};
use crate::{ArticleEntity, EntityQuery, EntitySummary, StoreError, StoredAnalysis, StoredStory};
use postgres::types::FromSql;
use postgres::GenericClient;

/// Key of the advisory lock every story write holds (see the module
/// comment in `mod.rs`): "PXST".
const STORIES_LOCK: i64 = 0x5058_5354;

/// Counts one visible write in the open transaction.
pub(crate) fn bump_changes<C: GenericClient>(db: &mut Db<'_, C>) -> Result<(), StoreError> {
    db.exec(
        "counting a change",
        "UPDATE store_changes SET n = n + 1 WHERE id = 1",
        &[],
    )
    .map(|_| ())
}

/// The rows of a two-column query.
pub(crate) fn pairs<C, A, B>(
    db: &mut Db<'_, C>,
    context: &str,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<(A, B)>, StoreError>
where
    C: GenericClient,
    A: for<'r> FromSql<'r>,
    B: for<'r> FromSql<'r>,
{
    db.query(context, sql, params)?
        .iter()
        .map(|r| Ok((col(r, 0, context)?, col(r, 1, context)?)))
        .collect()
}

fn lock_stories<C: GenericClient>(db: &mut Db<'_, C>) -> Result<(), StoreError> {
    db.query(
        "waiting for another story refresh",
        "SELECT pg_advisory_xact_lock($1)",
        &[&STORIES_LOCK],
    )
    .map(|_| ())
}

pub(crate) fn story_keys<C: GenericClient>(
    db: &mut Db<'_, C>,
) -> Result<Vec<(String, Option<String>)>, StoreError> {
    pairs(
        db,
        "listing story keys",
        "SELECT id, members_key FROM stories ORDER BY id",
        &[],
    )
}

fn story_row(story: &StoredStory) -> Result<(String, Vec<u8>), StoreError> {
    let outlets = to_json(&story.outlets)?;
    let document = to_json(&story.document)?;
    Ok((outlets, pack(&document)))
}

pub(crate) fn replace_stories<C: GenericClient>(
    db: &mut Db<'_, C>,
    stories: &[StoredStory],
) -> Result<(), StoreError> {
    let context = "replacing the stories";
    lock_stories(db)?;
    db.exec(context, "DELETE FROM stories", &[])?;
    db.exec(context, "DELETE FROM story_members", &[])?;
    let mut seen = std::collections::HashSet::new();
    for (position, story) in stories.iter().enumerate() {
        if !seen.insert(story.id.as_str()) {
            return Err(StoreError::Invalid(format!(
                "story id {} appears twice",
                story.id
            )));
        }
        let (outlets, document) = story_row(story)?;
        db.exec(
            context,
            "INSERT INTO stories (id, position, title, date_from, date_to, article_count, \
             outlets_json, story_json, sources) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &story.id,
                &as_i64(position),
                &story.title,
                &story.date_from,
                &story.date_to,
                &as_i64(story.article_count),
                &outlets,
                &document,
                &as_i64(story.sources),
            ],
        )?;
        put_members(db, story)?;
    }
    drop_dangling_moves(db, context)
}

pub(crate) fn update_stories<C: GenericClient>(
    db: &mut Db<'_, C>,
    changed: &[(StoredStory, String)],
    current: &[String],
    moves: &[crate::StoryMove],
    now: i64,
) -> Result<(), StoreError> {
    let context = "updating the stories";
    lock_stories(db)?;
    let keep: std::collections::HashSet<&str> = current.iter().map(String::as_str).collect();
    let stored: Vec<String> = db
        .query(context, "SELECT id FROM stories", &[])?
        .iter()
        .map(|r| col(r, 0, context))
        .collect::<Result<_, _>>()?;
    for id in stored.iter().filter(|id| !keep.contains(id.as_str())) {
        db.exec(context, "DELETE FROM stories WHERE id = $1", &[id])?;
        db.exec(
            context,
            "DELETE FROM story_members WHERE story_id = $1",
            &[id],
        )?;
    }
    for (story, key) in changed {
        let (outlets, document) = story_row(story)?;
        db.exec(
            context,
            "INSERT INTO stories (id, position, title, date_from, date_to, article_count, \
             outlets_json, story_json, members_key, sources) \
             VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (id) DO UPDATE SET position = excluded.position, \
             title = excluded.title, date_from = excluded.date_from, \
             date_to = excluded.date_to, article_count = excluded.article_count, \
             outlets_json = excluded.outlets_json, story_json = excluded.story_json, \
             members_key = excluded.members_key, sources = excluded.sources",
            &[
                &story.id,
                &story.title,
                &story.date_from,
                &story.date_to,
                &as_i64(story.article_count),
                &outlets,
                &document,
                key,
                &as_i64(story.sources),
            ],
        )?;
        db.exec(
            context,
            "DELETE FROM story_members WHERE story_id = $1",
            &[&story.id],
        )?;
        put_members(db, story)?;
    }
    for m in moves.iter().filter(|m| m.from != m.to) {
        db.exec(
            context,
            "UPDATE story_moves SET moved_to = $2 WHERE moved_to = $1",
            &[&m.from, &m.to],
        )?;
        db.exec(
            context,
            "INSERT INTO story_moves (id, moved_to, moved_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET moved_to = excluded.moved_to, \
             moved_at = excluded.moved_at",
            &[&m.from, &m.to, &now],
        )?;
    }
    for id in current {
        db.exec(context, "DELETE FROM story_moves WHERE id = $1", &[id])?;
    }
    drop_dangling_moves(db, context)
}

/// Writes a story's membership rows (the caller removed the old ones).
fn put_members<C: GenericClient>(
    db: &mut Db<'_, C>,
    story: &StoredStory,
) -> Result<(), StoreError> {
    if story.articles.is_empty() {
        return Ok(());
    }
    // One statement per story: the article ids as an array, numbered by
    // their position in it.
    db.exec(
        "saving a story's articles",
        "INSERT INTO story_members (story_id, position, article_id) \
         SELECT $1, m.n - 1, m.article FROM unnest($2::text[]) WITH ORDINALITY AS m(article, n)",
        &[&story.id, &story.articles],
    )
    .map(|_| ())
}

/// A moved id must lead to a stored story: moves to a story that is gone
/// are dropped, so the id answers "not found".
fn drop_dangling_moves<C: GenericClient>(
    db: &mut Db<'_, C>,
    context: &str,
) -> Result<(), StoreError> {
    db.exec(
        context,
        "DELETE FROM story_moves WHERE moved_to NOT IN (SELECT id FROM stories) \
         OR id IN (SELECT id FROM stories)",
        &[],
    )
    .map(|_| ())
}

pub(crate) fn members_of<C: GenericClient>(
    db: &mut Db<'_, C>,
    story: &str,
) -> Result<Vec<String>, StoreError> {
    db.query(
        "reading a story's articles",
        "SELECT article_id FROM story_members WHERE story_id = $1 ORDER BY position",
        &[&story],
    )?
    .iter()
    .map(|r| col(r, 0, story))
    .collect()
}

pub(crate) fn put_analyses<C: GenericClient>(
    db: &mut Db<'_, C>,
    items: &[(StoredAnalysis, Vec<ArticleEntity>)],
) -> Result<(), StoreError> {
    let context = "storing analyses";
    for (stored, entities) in items {
        // Locks the article row, so a concurrent delete waits or wins
        // cleanly (no analysis of a gone article).
        let present = db
            .opt(
                context,
                "SELECT 1 FROM articles WHERE id = $1 FOR SHARE",
                &[&stored.article_id],
            )?
            .is_some();
        if !present {
            continue;
        }
        db.exec(
            context,
            "INSERT INTO analyses (article_id, revision, analyzer, analysis_json) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (article_id) DO UPDATE SET \
             revision = excluded.revision, analyzer = excluded.analyzer, \
             analysis_json = excluded.analysis_json",
            &[
                &stored.article_id,
                &stored.revision,
                &stored.analyzer,
                &pack(&stored.json),
            ],
        )?;
        db.exec(
            context,
            "DELETE FROM article_entities WHERE article_id = $1",
            &[&stored.article_id],
        )?;
        for e in entities
            .iter()
            .filter(|e| e.article_id == stored.article_id)
        {
            db.exec(
                context,
                "INSERT INTO article_entities \
                 (article_id, name, kind, entity_id, mentions, quotes_by) \
                 VALUES ($1, $2, $3, NULL, $4, $5) \
                 ON CONFLICT (article_id, name, kind) DO UPDATE SET entity_id = NULL, \
                 mentions = excluded.mentions, quotes_by = excluded.quotes_by",
                &[
                    &e.article_id,
                    &e.name,
                    &e.kind,
                    &i64::from(e.mentions),
                    &i64::from(e.quotes_by),
                ],
            )?;
        }
    }
    Ok(())
}

pub(crate) const ENTITY_COLUMNS: &str =
    "e.article_id, e.name, e.kind, e.entity_id, e.mentions, e.quotes_by";

fn small(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub(crate) fn entity_rows<C: GenericClient>(
    db: &mut Db<'_, C>,
    context: &str,
    sql: &str,
    arg: Option<&str>,
) -> Result<Vec<ArticleEntity>, StoreError> {
    let rows = match arg {
        Some(a) => db.query(context, sql, &[&a])?,
        None => db.query(context, sql, &[])?,
    };
    rows.iter()
        .map(|r| {
            let mentions: i64 = col(r, 4, context)?;
            let quotes_by: i64 = col(r, 5, context)?;
            Ok(ArticleEntity {
                article_id: col(r, 0, context)?,
                name: col(r, 1, context)?,
                kind: col(r, 2, context)?,
                entity_id: col(r, 3, context)?,
                mentions: small(mentions),
                quotes_by: small(quotes_by),
            })
        })
        .collect()
}

pub(crate) fn set_entity_ids<C: GenericClient>(
    db: &mut Db<'_, C>,
    ids: &[(ArticleEntity, String)],
) -> Result<(), StoreError> {
    for (row, id) in ids {
        db.exec(
            "joining entities across articles",
            "UPDATE article_entities SET entity_id = $4 \
             WHERE article_id = $1 AND name = $2 AND kind = $3 \
             AND entity_id IS DISTINCT FROM $4",
            &[&row.article_id, &row.name, &row.kind, id],
        )?;
    }
    Ok(())
}

pub(crate) fn list_entities<C: GenericClient>(
    db: &mut Db<'_, C>,
    query: &EntityQuery,
) -> Result<Vec<EntitySummary>, StoreError> {
    let context = "listing entities";
    let pattern = query
        .name
        .as_deref()
        .map(|n| format!("%{}%", escape_like(&n.to_lowercase())));
    let limit = as_i64(query.limit);
    let offset = as_i64(query.offset);
    // The display name is the one most rows use (ties: the longest).
    let rows = db.query(
        context,
        "WITH totals AS ( \
             SELECT entity_id, kind, count(DISTINCT article_id) AS articles, \
                    sum(mentions)::bigint AS mentions, sum(quotes_by)::bigint AS quotes_by \
             FROM article_entities \
             WHERE entity_id IS NOT NULL \
               AND ($1::text IS NULL OR lower(entity_id) LIKE $1::text ESCAPE '\\') \
               AND ($2::text IS NULL OR kind = $2::text) \
             GROUP BY entity_id, kind) \
         SELECT t.entity_id, t.kind, t.articles, t.mentions, t.quotes_by, \
                (SELECT name FROM article_entities n WHERE n.entity_id = t.entity_id \
                 GROUP BY name ORDER BY count(*) DESC, length(name) DESC, name LIMIT 1) \
         FROM totals t \
         ORDER BY t.articles DESC, t.mentions DESC, t.entity_id \
         LIMIT $3 OFFSET $4",
        &[&pattern, &query.kind, &limit, &offset],
    )?;
    rows.iter()
        .map(|r| {
            let id: String = col(r, 0, context)?;
            let name: Option<String> = col(r, 5, &id)?;
            let articles: i64 = col(r, 2, &id)?;
            let mentions: i64 = col(r, 3, &id)?;
            let quotes_by: i64 = col(r, 4, &id)?;
            Ok(EntitySummary {
                name: name.unwrap_or_else(|| id.clone()),
                kind: col(r, 1, &id)?,
                articles: u64::try_from(articles).unwrap_or(0),
                mentions: u64::try_from(mentions).unwrap_or(0),
                quotes_by: u64::try_from(quotes_by).unwrap_or(0),
                id,
            })
        })
        .collect()
}

fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn set_outlets<C: GenericClient>(
    db: &mut Db<'_, C>,
    changes: &[(String, Option<String>, Option<String>)],
) -> Result<(), StoreError> {
    for (id, outlet, via) in changes {
        let row = db.opt(
            "reading an article's detail",
            "SELECT detail_json FROM articles WHERE id = $1 FOR UPDATE",
            &[id],
        )?;
        let Some(row) = row else { continue };
        let detail: String = col(&row, 0, id)?;
        let detail = codec::detail_with_outlet_via(id, &detail, via)?;
        db.exec(
            "renaming an article's outlet",
            "UPDATE articles SET outlet = $2, detail_json = $3 WHERE id = $1",
            &[id, outlet, &detail],
        )?;
    }
    Ok(())
}
