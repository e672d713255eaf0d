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

/// The write lock article batches take first (see the module comment in
/// `mod.rs`): the one `derived_pending` row, which every article change
/// updates anyway.
pub(crate) const ARTICLES_LOCK_SQL: &str = "SELECT 1 FROM derived_pending WHERE id = 1 FOR UPDATE";

/// Takes the article write lock in the open transaction. Every write that
/// locks article rows takes it first, so no two such writes ever hold row
/// locks the other waits for (a rename or an analysis touching articles in
/// another order than a batch would otherwise deadlock with it).
pub(crate) fn lock_articles<C: GenericClient>(db: &mut Db<'_, C>) -> Result<(), StoreError> {
    db.exec("waiting for another article write", ARTICLES_LOCK_SQL, &[])
        .map(|_| ())
}

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
             outlets_json, story_json, sources, glance_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
                &crate::codec::glance_json(&story.glance)?,
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
    // Whole columns as arrays: a handful of statements per refresh, not a
    // few per story.
    db.exec(
        context,
        "DELETE FROM stories WHERE NOT (id = ANY($1::text[]))",
        &[&current],
    )?;
    db.exec(
        context,
        "DELETE FROM story_members WHERE NOT (story_id = ANY($1::text[]))",
        &[&current],
    )?;
    // A story named twice takes its last version, as upserts in turn.
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, (story, _)) in changed.iter().enumerate() {
        last.insert(story.id.as_str(), i);
    }
    let mut chosen: Vec<usize> = last.into_values().collect();
    chosen.sort_unstable();
    for slice in chosen.chunks(500) {
        let mut ids = Vec::with_capacity(slice.len());
        let mut titles = Vec::with_capacity(slice.len());
        let mut froms = Vec::with_capacity(slice.len());
        let mut tos = Vec::with_capacity(slice.len());
        let mut counts = Vec::with_capacity(slice.len());
        let mut outlets = Vec::with_capacity(slice.len());
        let mut documents = Vec::with_capacity(slice.len());
        let mut keys = Vec::with_capacity(slice.len());
        let mut sources = Vec::with_capacity(slice.len());
        let mut glances = Vec::with_capacity(slice.len());
        let mut member_story = Vec::new();
        let mut member_position = Vec::new();
        let mut member_article = Vec::new();
        for &i in slice {
            let (story, key) = &changed[i];
            let (o, d) = story_row(story)?;
            ids.push(story.id.as_str());
            titles.push(story.title.as_str());
            froms.push(story.date_from.as_deref());
            tos.push(story.date_to.as_deref());
            counts.push(as_i64(story.article_count));
            outlets.push(o);
            documents.push(d);
            keys.push(key.as_str());
            sources.push(as_i64(story.sources));
            glances.push(crate::codec::glance_json(&story.glance)?);
            for (position, article) in story.articles.iter().enumerate() {
                member_story.push(story.id.as_str());
                member_position.push(as_i64(position));
                member_article.push(article.as_str());
            }
        }
        db.exec(
            context,
            "INSERT INTO stories (id, position, title, date_from, date_to, article_count, \
             outlets_json, story_json, members_key, sources, glance_json) \
             SELECT v.id, 0, v.title, v.date_from, v.date_to, v.article_count, v.outlets, \
                    v.doc, v.key, v.sources, v.glance \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], \
                         $6::text[], $7::bytea[], $8::text[], $9::bigint[], $10::text[]) \
                  AS v(id, title, date_from, date_to, article_count, outlets, doc, key, sources, \
                       glance) \
             ON CONFLICT (id) DO UPDATE SET position = excluded.position, \
             title = excluded.title, date_from = excluded.date_from, \
             date_to = excluded.date_to, article_count = excluded.article_count, \
             outlets_json = excluded.outlets_json, story_json = excluded.story_json, \
             members_key = excluded.members_key, sources = excluded.sources, \
             glance_json = excluded.glance_json",
            &[
                &ids, &titles, &froms, &tos, &counts, &outlets, &documents, &keys, &sources,
                &glances,
            ],
        )?;
        db.exec(
            context,
            "DELETE FROM story_members WHERE story_id = ANY($1::text[])",
            &[&ids],
        )?;
        db.exec(
            context,
            "INSERT INTO story_members (story_id, position, article_id) \
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])",
            &[&member_story, &member_position, &member_article],
        )?;
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
    db.exec(
        context,
        "DELETE FROM story_moves WHERE id = ANY($1::text[])",
        &[&current],
    )?;
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
    if items.is_empty() {
        return Ok(());
    }
    lock_articles(db)?;
    // A handful of statements per call, whatever its size: each column
    // goes over as one array (round trips, not rows, are what a server
    // store pays for).
    let wanted: Vec<&str> = items.iter().map(|(a, _)| a.article_id.as_str()).collect();
    // Locks the article rows, so a concurrent delete waits or wins
    // cleanly (no analysis of a gone article).
    let present: std::collections::HashSet<String> = db
        .query(
            context,
            "SELECT id FROM articles WHERE id = ANY($1::text[]) FOR SHARE",
            &[&wanted],
        )?
        .iter()
        .map(|r| col(r, 0, context))
        .collect::<Result<_, _>>()?;
    // The last analysis of an article wins, as one upsert after another.
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, (a, _)) in items.iter().enumerate() {
        if present.contains(&a.article_id) {
            last.insert(a.article_id.as_str(), i);
        }
    }
    let mut chosen: Vec<usize> = last.into_values().collect();
    chosen.sort_unstable();
    if chosen.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = chosen
        .iter()
        .map(|&i| items[i].0.article_id.as_str())
        .collect();
    let revisions: Vec<&str> = chosen
        .iter()
        .map(|&i| items[i].0.revision.as_str())
        .collect();
    let analyzers: Vec<&str> = chosen
        .iter()
        .map(|&i| items[i].0.analyzer.as_str())
        .collect();
    let packed: Vec<Vec<u8>> = chosen.iter().map(|&i| pack(&items[i].0.json)).collect();
    db.exec(
        context,
        "INSERT INTO analyses (article_id, revision, analyzer, analysis_json) \
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[]) \
         ON CONFLICT (article_id) DO UPDATE SET \
         revision = excluded.revision, analyzer = excluded.analyzer, \
         analysis_json = excluded.analysis_json",
        &[&ids, &revisions, &analyzers, &packed],
    )?;
    db.exec(
        context,
        "DELETE FROM article_entities WHERE article_id = ANY($1::text[])",
        &[&ids],
    )?;
    // Entity rows, one per (article, name, kind): a repeat replaces the
    // earlier one, as the row-by-row upsert did.
    let mut rows: std::collections::BTreeMap<(&str, &str, &str), (i64, i64)> =
        std::collections::BTreeMap::new();
    for &i in &chosen {
        let (stored, entities) = &items[i];
        for e in entities
            .iter()
            .filter(|e| e.article_id == stored.article_id)
        {
            rows.insert(
                (&e.article_id, &e.name, &e.kind),
                (i64::from(e.mentions), i64::from(e.quotes_by)),
            );
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let articles: Vec<&str> = rows.keys().map(|k| k.0).collect();
    let names: Vec<&str> = rows.keys().map(|k| k.1).collect();
    let kinds: Vec<&str> = rows.keys().map(|k| k.2).collect();
    let mentions: Vec<i64> = rows.values().map(|v| v.0).collect();
    let quotes: Vec<i64> = rows.values().map(|v| v.1).collect();
    db.exec(
        context,
        "INSERT INTO article_entities (article_id, name, kind, entity_id, mentions, quotes_by) \
         SELECT a, n, k, NULL, m, q \
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) \
         AS v(a, n, k, m, q)",
        &[&articles, &names, &kinds, &mentions, &quotes],
    )?;
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
    // A row named twice takes its last id, as updates one after another.
    let mut last: std::collections::HashMap<(&str, &str, &str), &str> =
        std::collections::HashMap::new();
    for (r, id) in ids {
        last.insert((&r.article_id, &r.name, &r.kind), id);
    }
    let unique: Vec<((&str, &str, &str), &str)> = last.into_iter().collect();
    // In slices of arrays, one UPDATE each, rows only where the id changes.
    for chunk in unique.chunks(10_000) {
        let articles: Vec<&str> = chunk.iter().map(|(k, _)| k.0).collect();
        let names: Vec<&str> = chunk.iter().map(|(k, _)| k.1).collect();
        let kinds: Vec<&str> = chunk.iter().map(|(k, _)| k.2).collect();
        let entity_ids: Vec<&str> = chunk.iter().map(|(_, id)| *id).collect();
        db.exec(
            "joining entities across articles",
            "UPDATE article_entities e SET entity_id = v.id \
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS v(a, n, k, id) \
             WHERE e.article_id = v.a AND e.name = v.n AND e.kind = v.k \
             AND e.entity_id IS DISTINCT FROM v.id",
            &[&articles, &names, &kinds, &entity_ids],
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
        .map(|n| format!("%{}%", crate::codec::escape_like(&n.to_lowercase())));
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

pub(crate) fn set_outlets<C: GenericClient>(
    db: &mut Db<'_, C>,
    changes: &[(String, Option<String>, Option<String>)],
) -> Result<(), StoreError> {
    lock_articles(db)?;
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
