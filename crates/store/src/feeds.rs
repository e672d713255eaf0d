//! Feed subscriptions on SQLite (the trait's `feeds` section). The
//! PostgreSQL twin is `pg/feeds.rs`; the contract suite runs both.

use crate::codec::now_unix;
use crate::{FeedSubscription, NewFeed, StoreError};
use rusqlite::{params, Connection, TransactionBehavior};

/// Messages of a failed poll are cut to this many characters.
pub(crate) const MAX_ERROR_CHARS: usize = 500;

/// A feed URL as subscriptions keep it: trimmed, non-empty, http(s), no
/// whitespace or control characters inside.
pub(crate) fn check_url(url: &str) -> Result<String, StoreError> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    if !web || url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(StoreError::Invalid(format!(
            "a feed is an http:// or https:// address without spaces (at most 2048 bytes), \
             not {:?}",
            url.chars().take(100).collect::<String>()
        )));
    }
    Ok(url.to_string())
}

pub(crate) fn short_error(message: &str) -> String {
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(MAX_ERROR_CHARS).collect()
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<FeedSubscription>, StoreError> {
    let context = "listing feeds";
    let mut stmt = conn
        .prepare_cached(
            "SELECT url, title, added_at, polled_at, last_items, last_error, failures \
             FROM feeds ORDER BY position, url",
        )
        .map_err(StoreError::sqlite(context))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(FeedSubscription {
                url: r.get(0)?,
                title: r.get(1)?,
                added_at: r.get(2)?,
                polled_at: r.get(3)?,
                last_items: r
                    .get::<_, Option<i64>>(4)?
                    .map(|n| usize::try_from(n).unwrap_or(0)),
                last_error: r.get(5)?,
                failures: u32::try_from(r.get::<_, i64>(6)?).unwrap_or(u32::MAX),
            })
        })
        .map_err(StoreError::sqlite(context))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite(context))
}

pub(crate) fn add(conn: &mut Connection, feeds: &[NewFeed]) -> Result<usize, StoreError> {
    let context = "subscribing to feeds";
    let checked: Vec<(String, Option<String>)> = feeds
        .iter()
        .map(|f| Ok((check_url(&f.url)?, clean_title(&f.title))))
        .collect::<Result<_, StoreError>>()?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(context))?;
    let mut added = 0;
    {
        let next: i64 = tx
            .query_row("SELECT coalesce(max(position), 0) FROM feeds", [], |r| {
                r.get(0)
            })
            .map_err(StoreError::sqlite(context))?;
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO feeds (url, title, position, added_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (url) DO UPDATE SET title = coalesce(feeds.title, excluded.title)",
            )
            .map_err(StoreError::sqlite(context))?;
        let mut exists = tx
            .prepare_cached("SELECT 1 FROM feeds WHERE url = ?1")
            .map_err(StoreError::sqlite(context))?;
        let now = now_unix();
        for (i, (url, title)) in checked.iter().enumerate() {
            let known = exists.exists([url]).map_err(StoreError::sqlite(context))?;
            insert
                .execute(params![url, title, next + 1 + i as i64, now])
                .map_err(StoreError::sqlite(context))?;
            if !known {
                added += 1;
            }
        }
    }
    crate::derived::bump_changes(&tx)?;
    tx.commit().map_err(StoreError::sqlite(context))?;
    Ok(added)
}

pub(crate) fn clean_title(title: &Option<String>) -> Option<String> {
    title
        .as_deref()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(300).collect())
}

pub(crate) fn remove(conn: &mut Connection, url: &str) -> Result<bool, StoreError> {
    let context = "unsubscribing from a feed";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(context))?;
    let n = tx
        .execute("DELETE FROM feeds WHERE url = ?1", [url.trim()])
        .map_err(StoreError::sqlite(context))?;
    if n > 0 {
        crate::derived::bump_changes(&tx)?;
    }
    tx.commit().map_err(StoreError::sqlite(context))?;
    Ok(n > 0)
}

pub(crate) fn record(
    conn: &mut Connection,
    url: &str,
    outcome: &Result<usize, String>,
) -> Result<(), StoreError> {
    let context = "recording a feed poll";
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(context))?;
    let now = now_unix();
    let n = match outcome {
        Ok(items) => tx.execute(
            "UPDATE feeds SET polled_at = ?2, last_items = ?3, last_error = NULL, failures = 0 \
             WHERE url = ?1",
            params![url, now, i64::try_from(*items).unwrap_or(i64::MAX)],
        ),
        Err(e) => tx.execute(
            "UPDATE feeds SET polled_at = ?2, last_items = NULL, last_error = ?3, \
             failures = failures + 1 WHERE url = ?1",
            params![url, now, short_error(e)],
        ),
    }
    .map_err(StoreError::sqlite(context))?;
    if n > 0 {
        crate::derived::bump_changes(&tx)?;
    }
    tx.commit().map_err(StoreError::sqlite(context))
}
