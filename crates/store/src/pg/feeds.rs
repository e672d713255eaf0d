//! Feed subscriptions on PostgreSQL: the same rules as SQLite's
//! `feeds.rs` (URLs checked the same way, errors cut the same way). Each
//! write runs in [`super::Conn::write`]'s transaction, which counts it as
//! a change.

use super::Db;
use crate::codec::now_unix;
use crate::feeds::{check_url, clean_title, short_error};
use crate::{FeedSubscription, NewFeed, StoreError};
use postgres::GenericClient;

pub(crate) fn list<C: GenericClient>(
    db: &mut Db<'_, C>,
) -> Result<Vec<FeedSubscription>, StoreError> {
    let rows = db.query(
        "listing feeds",
        "SELECT url, title, added_at, polled_at, last_items, last_error, failures \
         FROM feeds ORDER BY position, url",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let url: String = super::col(r, 0, "(feeds)")?;
            let items: Option<i64> = super::col(r, 4, &url)?;
            let failures: i64 = super::col(r, 6, &url)?;
            Ok(FeedSubscription {
                title: super::col(r, 1, &url)?,
                added_at: super::col(r, 2, &url)?,
                polled_at: super::col(r, 3, &url)?,
                last_items: items.map(|n| usize::try_from(n).unwrap_or(0)),
                last_error: super::col(r, 5, &url)?,
                failures: u32::try_from(failures).unwrap_or(u32::MAX),
                url,
            })
        })
        .collect()
}

pub(crate) fn add<C: GenericClient>(
    db: &mut Db<'_, C>,
    feeds: &[NewFeed],
) -> Result<usize, StoreError> {
    let context = "subscribing to feeds";
    let checked: Vec<(String, Option<String>)> = feeds
        .iter()
        .map(|f| Ok((check_url(&f.url)?, clean_title(&f.title))))
        .collect::<Result<_, StoreError>>()?;
    // One writer at a time decides positions.
    db.exec(context, "LOCK TABLE feeds IN SHARE ROW EXCLUSIVE MODE", &[])?;
    let next: i64 = match db.opt(context, "SELECT coalesce(max(position), 0) FROM feeds", &[])? {
        Some(row) => super::col(&row, 0, "(feeds)")?,
        None => 0,
    };
    let now = now_unix();
    let mut added = 0;
    for (i, (url, title)) in checked.iter().enumerate() {
        let known = db
            .opt(context, "SELECT 1 FROM feeds WHERE url = $1", &[url])?
            .is_some();
        db.exec(
            context,
            "INSERT INTO feeds (url, title, position, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (url) DO UPDATE SET title = coalesce(feeds.title, excluded.title)",
            &[
                url as &(dyn postgres::types::ToSql + Sync),
                title,
                &(next + 1 + i as i64),
                &now,
            ],
        )?;
        if !known {
            added += 1;
        }
    }
    Ok(added)
}

pub(crate) fn remove<C: GenericClient>(db: &mut Db<'_, C>, url: &str) -> Result<bool, StoreError> {
    let n = db.exec(
        "unsubscribing from a feed",
        "DELETE FROM feeds WHERE url = $1",
        &[&url.trim()],
    )?;
    Ok(n > 0)
}

pub(crate) fn record<C: GenericClient>(
    db: &mut Db<'_, C>,
    url: &str,
    outcome: &Result<usize, String>,
) -> Result<(), StoreError> {
    let context = "recording a feed poll";
    let now = now_unix();
    match outcome {
        Ok(items) => db.exec(
            context,
            "UPDATE feeds SET polled_at = $2, last_items = $3, last_error = NULL, failures = 0 \
             WHERE url = $1",
            &[
                &url as &(dyn postgres::types::ToSql + Sync),
                &now,
                &i64::try_from(*items).unwrap_or(i64::MAX),
            ],
        )?,
        Err(e) => db.exec(
            context,
            "UPDATE feeds SET polled_at = $2, last_items = NULL, last_error = $3, \
             failures = failures + 1 WHERE url = $1",
            &[
                &url as &(dyn postgres::types::ToSql + Sync),
                &now,
                &short_error(e),
            ],
        )?,
    };
    Ok(())
}
