//! An article batch on PostgreSQL: [`StoreTx`] over one transaction.

use super::{col, derived, pg, Db};
use crate::codec::{self, now_unix};
use crate::{DuplicateLink, NewArticle, PutOutcome, StoreError, StoreTx};
use parallax_model::Article;
use postgres::{GenericClient, Statement, Transaction};
use std::collections::HashMap;

pub(crate) struct PgTx<'c> {
    tx: Transaction<'c>,
    stmts: &'c mut HashMap<String, Statement>,
    /// Whether anything a reader sees changed (counted at commit).
    wrote: bool,
}

impl<'c> PgTx<'c> {
    pub(crate) fn new(tx: Transaction<'c>, stmts: &'c mut HashMap<String, Statement>) -> Self {
        PgTx {
            tx,
            stmts,
            wrote: false,
        }
    }

    fn db(&mut self) -> Db<'_, Transaction<'c>> {
        Db {
            c: &mut self.tx,
            stmts: self.stmts,
        }
    }
}

/// A whole put in one statement: the article is inserted, or updated
/// only when its revision differs (an equal revision writes nothing and
/// returns no row: unchanged); then, for a written article, its raw input
/// and signature (`$20`, NULL for none), and for an updated one the drop
/// of its links (computed from its old text). `inserted` tells an insert
/// (`xmax = 0`) from an update.
const PUT: &str = "\
    WITH a AS (INSERT INTO articles (id, title, outlet, url, author, published, language, \
                 format, origin_path, origin_locator, text_chars, content_hash, revision, \
                 version, created_at, updated_at, text, detail_json) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14, \
                 $15, $16) \
               ON CONFLICT (id) DO UPDATE SET title = excluded.title, \
                 outlet = excluded.outlet, url = excluded.url, author = excluded.author, \
                 published = excluded.published, language = excluded.language, \
                 format = excluded.format, origin_path = excluded.origin_path, \
                 origin_locator = excluded.origin_locator, text_chars = excluded.text_chars, \
                 content_hash = excluded.content_hash, revision = excluded.revision, \
                 version = articles.version + 1, updated_at = excluded.updated_at, \
                 text = excluded.text, detail_json = excluded.detail_json \
               WHERE articles.revision <> excluded.revision \
               RETURNING id, (xmax = 0) AS inserted), \
    l AS (DELETE FROM duplicate_links \
          WHERE article_id = $1 AND EXISTS (SELECT 1 FROM a WHERE NOT a.inserted)), \
    d AS (DELETE FROM signatures \
          WHERE article_id = $1 AND $20::bytea IS NULL AND EXISTS (SELECT 1 FROM a)), \
    r AS (INSERT INTO raw_inputs (article_id, kind, content, meta_json) \
          SELECT id, $17, $18, $19 FROM a ON CONFLICT (article_id) DO UPDATE SET \
          kind = excluded.kind, content = excluded.content, meta_json = excluded.meta_json), \
    s AS (INSERT INTO signatures (article_id, signature) \
          SELECT id, $20 FROM a WHERE $20::bytea IS NOT NULL \
          ON CONFLICT (article_id) DO UPDATE SET signature = excluded.signature) \
    SELECT inserted FROM a";

pub(crate) fn ids_by_content_hash<C: GenericClient>(
    db: &mut Db<'_, C>,
    hash: &str,
) -> Result<Vec<String>, StoreError> {
    db.query(
        "looking up exact copies",
        "SELECT id FROM articles WHERE content_hash = $1 ORDER BY created_at, seq",
        &[&hash],
    )?
    .iter()
    .map(|r| col(r, 0, hash))
    .collect()
}

/// PostgreSQL text cannot hold a NUL character (SQLite's can): refuse one
/// up front with the reason, before the statement would fail with a bare
/// encoding error and abort the whole transaction. The JSON columns and the
/// raw input (bytes) hold NULs fine.
fn refuse_nul(article: &Article) -> Result<(), StoreError> {
    let fields: [(&str, Option<&str>); 10] = [
        ("id", Some(&article.id)),
        ("title", article.title.as_deref()),
        ("outlet", article.outlet.as_deref()),
        ("url", article.url.as_deref()),
        ("author", article.author.as_deref()),
        ("published date", article.published.as_deref()),
        ("language", article.language.as_deref()),
        ("origin path", Some(&article.origin.path)),
        ("origin locator", article.origin.locator.as_deref()),
        ("text", Some(&article.text)),
    ];
    match fields
        .iter()
        .find(|(_, v)| v.is_some_and(|v| v.contains('\0')))
    {
        Some((field, _)) => Err(StoreError::Invalid(format!(
            "article {} has a NUL character in its {field}, which PostgreSQL cannot store \
             (remove it before storing, or use a SQLite store)",
            article.id.escape_debug()
        ))),
        None => Ok(()),
    }
}

impl StoreTx for PgTx<'_> {
    fn put(&mut self, item: &NewArticle<'_>) -> Result<PutOutcome, StoreError> {
        let article = item.article;
        let raw = item.raw;
        let e = codec::encode(item)?;
        refuse_nul(article)?;
        let mut db = self.db();
        let now = now_unix();
        let content = raw.content.as_bytes();
        // One statement and one round trip per put (see [`PUT`]).
        let row: [&(dyn postgres::types::ToSql + Sync); 20] = [
            &article.id,
            &article.title,
            &article.outlet,
            &article.url,
            &article.author,
            &article.published,
            &article.language,
            &e.format,
            &article.origin.path,
            &article.origin.locator,
            &e.text_chars,
            &e.content_hash,
            &e.revision,
            &now,
            &article.text,
            &e.detail,
            &e.raw_kind,
            &content,
            &e.raw_meta,
            &e.signature,
        ];
        let written = db.opt("storing an article", PUT, &row)?;
        let outcome = match written {
            None => return Ok(PutOutcome::Unchanged),
            Some(r) if col::<bool>(&r, 0, &article.id)? => PutOutcome::Inserted,
            Some(_) => PutOutcome::Updated,
        };
        self.wrote = true;
        Ok(outcome)
    }

    fn add_link(&mut self, link: &DuplicateLink) -> Result<(), StoreError> {
        codec::check_link(link)?;
        let mut db = self.db();
        for id in [&link.article_id, &link.of_id] {
            let exists = db
                .opt(
                    "checking a linked article",
                    "SELECT 1 FROM articles WHERE id = $1",
                    &[id],
                )?
                .is_some();
            if !exists {
                return Err(StoreError::UnknownArticle {
                    article_id: link.article_id.clone(),
                    of_id: link.of_id.clone(),
                    missing: id.clone(),
                });
            }
        }
        db.exec(
            "recording a duplicate link",
            "INSERT INTO duplicate_links (article_id, of_id, kind, score, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (article_id, of_id, kind) \
             DO UPDATE SET score = excluded.score",
            &[
                &link.article_id,
                &link.of_id,
                &link.kind.as_str(),
                &link.score,
                &now_unix(),
            ],
        )?;
        self.wrote = true;
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<bool, StoreError> {
        let n = self.db().exec(
            "deleting an article",
            "DELETE FROM articles WHERE id = $1",
            &[&id],
        )?;
        self.wrote |= n > 0;
        Ok(n > 0)
    }

    fn ids_by_content_hash(&mut self, hash: &str) -> Result<Vec<String>, StoreError> {
        ids_by_content_hash(&mut self.db(), hash)
    }

    fn published_of(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        let row = self.db().opt(
            "reading a publication date",
            "SELECT published FROM articles WHERE id = $1",
            &[&id],
        )?;
        Ok(row
            .map(|r| col::<Option<String>>(&r, 0, id))
            .transpose()?
            .flatten())
    }

    fn origin_of(&mut self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        let row = self.db().opt(
            "reading an article's origin",
            "SELECT origin_path, content_hash FROM articles WHERE id = $1",
            &[&id],
        )?;
        row.map(|r| Ok((col(&r, 0, id)?, col(&r, 1, id)?)))
            .transpose()
    }

    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        if self.wrote {
            derived::bump_changes(&mut self.db())?;
        }
        self.tx.commit().map_err(pg("committing a write"))
    }
}
