//! How articles, raw inputs and documents are encoded in rows, shared by
//! every backend so an article stored in SQLite and one stored in
//! PostgreSQL have the same revision, the same detail JSON and read back
//! as the same [`Article`]. Nothing here knows a database.

use crate::{NewArticle, StoreError};
use parallax_dedup::{content_hash, Signature};
use parallax_model::{
    Article, Block, ContentKind, Hints, OffsetMap, Origin, RawDoc, Removal, SourceFormat,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

/// Nested parts of an [`Article`] kept as one JSON column.
#[derive(Serialize)]
struct DetailRef<'a> {
    pub(crate) blocks: &'a [Block],
    pub(crate) removed: &'a [Removal],
    pub(crate) offsets: &'a OffsetMap,
    pub(crate) warnings: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) outlet_via: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) genre: &'a Option<String>,
}

#[derive(Deserialize)]
struct Detail {
    #[serde(default)]
    pub(crate) blocks: Vec<Block>,
    #[serde(default)]
    pub(crate) removed: Vec<Removal>,
    #[serde(default)]
    pub(crate) offsets: OffsetMap,
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
    #[serde(default)]
    pub(crate) outlet_via: Option<String>,
    #[serde(default)]
    pub(crate) genre: Option<String>,
}

/// [`RawDoc`] fields besides its content and kind.
#[derive(Serialize)]
struct RawMetaRef<'a> {
    pub(crate) id: &'a str,
    pub(crate) origin: &'a Origin,
    pub(crate) format: SourceFormat,
    pub(crate) hints: &'a Hints,
    pub(crate) warnings: &'a [String],
}

#[derive(Deserialize)]
struct RawMeta {
    pub(crate) id: String,
    pub(crate) origin: Origin,
    pub(crate) format: SourceFormat,
    #[serde(default)]
    pub(crate) hints: Hints,
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
}

/// The serde name of a unit enum variant (`SourceFormat::Jsonl` → "jsonl").
pub(crate) fn enum_name<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Invalid(
            "enum did not serialise to a name".into(),
        )),
    }
}

pub(crate) fn enum_from_name<T: DeserializeOwned>(id: &str, name: String) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(name.clone())).map_err(|_| {
        StoreError::Corrupt {
            id: id.to_string(),
            detail: format!("unknown value {name:?}"),
        }
    })
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Invalid(format!("cannot serialise article: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(
    id: &str,
    what: &str,
    json: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt {
        id: id.to_string(),
        detail: format!("{what}: {e}"),
    })
}

/// The stored count of a story's sources; for a story stored before the
/// count was kept, the most it can be (its articles, at least its outlets),
/// so an old story is never hidden as single-source by mistake.
pub(crate) fn stored_sources(sources: Option<i64>, articles: usize, outlets: &[String]) -> usize {
    match sources {
        Some(n) => usize::try_from(n).unwrap_or(0),
        None => articles.max(outlets.len()),
    }
}

/// A story's glance as its column holds it (`NULL` for none).
pub(crate) fn glance_json(
    glance: &Option<crate::StoryGlance>,
) -> Result<Option<String>, StoreError> {
    glance.as_ref().map(to_json).transpose()
}

/// A story's glance read back. The glance is derived and rewritten by the
/// next refresh, so one that does not parse (written by a later build)
/// reads as none: listings then fall back to the story document.
pub(crate) fn stored_glance(json: Option<String>) -> Option<crate::StoryGlance> {
    serde_json::from_str(json.as_deref()?).ok()
}

pub(crate) fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xF)]));
    }
    s
}

pub(crate) fn as_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// An article as its row columns, ready for any backend's INSERT.
pub(crate) struct Encoded {
    pub(crate) detail: String,
    pub(crate) raw_meta: String,
    pub(crate) raw_kind: String,
    pub(crate) format: String,
    pub(crate) signature: Option<Vec<u8>>,
    /// SHA-256 over everything stored for the article: equal revisions
    /// mean a re-put changes nothing.
    pub(crate) revision: String,
    pub(crate) text_chars: i64,
    pub(crate) content_hash: String,
}

/// Encodes one article for storing; refuses an empty id.
pub(crate) fn encode(item: &NewArticle<'_>) -> Result<Encoded, StoreError> {
    let article = item.article;
    let raw = item.raw;
    if article.id.trim().is_empty() {
        return Err(StoreError::Invalid(format!(
            "article from {} has an empty id",
            article.origin
        )));
    }
    let detail = to_json(&DetailRef {
        blocks: &article.blocks,
        removed: &article.removed,
        offsets: &article.offsets,
        warnings: &article.warnings,
        outlet_via: &article.outlet_via,
        genre: &article.genre,
    })?;
    let raw_meta = to_json(&RawMetaRef {
        id: &raw.id,
        origin: &raw.origin,
        format: raw.format,
        hints: &raw.hints,
        warnings: &raw.warnings,
    })?;
    let raw_kind = enum_name(&raw.kind)?;
    let format = enum_name(&article.format)?;
    let signature = item.signature.map(Signature::to_bytes);

    // Fingerprint of everything stored, to tell a re-put of the same
    // content (skip) from a changed one (update).
    let mut hasher = Sha256::new();
    let article_json = to_json(article)?;
    for part in [
        article_json.as_bytes(),
        raw_kind.as_bytes(),
        raw_meta.as_bytes(),
        raw.content.as_bytes(),
        signature.as_deref().unwrap_or(b"-"),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    Ok(Encoded {
        detail,
        raw_meta,
        raw_kind,
        format,
        signature,
        revision: hex(&hasher.finalize()),
        text_chars: as_i64(article.text.chars().count()),
        content_hash: content_hash(&article.text),
    })
}

/// The scalar columns of an article row, as every backend reads them.
pub(crate) struct ArticleRow {
    pub(crate) title: Option<String>,
    pub(crate) outlet: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) published: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) format: String,
    pub(crate) origin_path: String,
    pub(crate) origin_locator: Option<String>,
    pub(crate) text: String,
    pub(crate) detail: String,
}

/// The [`Article`] a row holds.
pub(crate) fn decode_article(id: &str, row: ArticleRow) -> Result<Article, StoreError> {
    let detail: Detail = from_json(id, "article detail", &row.detail)?;
    Ok(Article {
        id: id.to_string(),
        origin: Origin {
            path: row.origin_path,
            locator: row.origin_locator,
        },
        format: enum_from_name(id, row.format)?,
        url: row.url,
        outlet: row.outlet,
        title: row.title,
        author: row.author,
        published: row.published,
        language: row.language,
        text: row.text,
        blocks: detail.blocks,
        removed: detail.removed,
        offsets: detail.offsets,
        warnings: detail.warnings,
        outlet_via: detail.outlet_via,
        genre: detail.genre,
    })
}

/// The [`RawDoc`] a raw-input row holds.
pub(crate) fn decode_raw(
    id: &str,
    kind: String,
    content: Vec<u8>,
    meta: &str,
) -> Result<RawDoc, StoreError> {
    let meta: RawMeta = from_json(id, "raw input metadata", meta)?;
    let kind: ContentKind = enum_from_name(id, kind)?;
    let content = String::from_utf8(content).map_err(|e| StoreError::Corrupt {
        id: id.to_string(),
        detail: format!("raw input is not UTF-8: {e}"),
    })?;
    Ok(RawDoc {
        id: meta.id,
        origin: meta.origin,
        format: meta.format,
        kind,
        content,
        hints: meta.hints,
        warnings: meta.warnings,
    })
}

/// An article's detail JSON with its `outlet_via` replaced (or removed),
/// for renaming outlets in place.
pub(crate) fn detail_with_outlet_via(
    id: &str,
    detail: &str,
    via: &Option<String>,
) -> Result<String, StoreError> {
    let mut value: serde_json::Value = from_json(id, "article detail", detail)?;
    if let Some(map) = value.as_object_mut() {
        match via {
            Some(v) => {
                map.insert("outlet_via".into(), serde_json::Value::String(v.clone()));
            }
            None => {
                map.remove("outlet_via");
            }
        }
    }
    to_json(&value)
}

/// Large JSON documents (story documents, analyses) are stored deflated:
/// they repeat sentences and quotes and shrink several-fold.
pub(crate) fn pack(json: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(json.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(json.as_bytes());
    encoder.finish().unwrap_or_default()
}

/// The JSON text of bytes written by [`pack`].
pub(crate) fn inflate(id: &str, what: &str, bytes: &[u8]) -> Result<String, StoreError> {
    use std::io::Read;
    let mut out = String::new();
    flate2::read::DeflateDecoder::new(bytes)
        .read_to_string(&mut out)
        .map_err(|e| StoreError::Corrupt {
            id: id.to_string(),
            detail: format!("{what}: cannot inflate: {e}"),
        })?;
    Ok(out)
}

/// `s` with LIKE's wildcards and the escape character escaped (`ESCAPE '\\'`),
/// so a user's name filter matches literally on either backend.
pub(crate) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Refuses a link no backend may store: a score outside `0..=1` (or NaN)
/// and an article linked to itself. Checked before any SQL runs, so a
/// refused link leaves the transaction usable on every backend.
pub(crate) fn check_link(link: &crate::DuplicateLink) -> Result<(), StoreError> {
    if !(0.0..=1.0).contains(&link.score) {
        return Err(StoreError::Invalid(format!(
            "duplicate score {} for {} → {} must be between 0 and 1",
            link.score, link.article_id, link.of_id
        )));
    }
    if link.article_id == link.of_id {
        return Err(StoreError::Invalid(format!(
            "article {} cannot be a duplicate of itself",
            link.article_id
        )));
    }
    Ok(())
}
