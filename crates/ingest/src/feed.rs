//! RSS / Atom / JSON Feed: from a file, or fetched over HTTP together with
//! each item's linked page.

use crate::{decode, ids, read_bounded, Limits, Record, Source};
use feed_rs::model::{Entry, Feed};
use parallax_model::{ContentKind, Hints, Origin, RawDoc, Skipped, SourceFormat};
use std::io::{BufRead, Read};

/// Why a feed could not be read at all (per-item problems are [`Skipped`]).
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("could not fetch feed {url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("feed {url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error(
        "feed {url} is larger than the feed limit of {limit} bytes; raise Limits::max_feed_bytes"
    )]
    TooLarge { url: String, limit: usize },
    #[error("could not parse feed {url}: {reason}")]
    Parse { url: String, reason: String },
}

/// A feed file: each item becomes a record built from its own content.
pub(crate) fn read_feed_file(
    source: &Source,
    stream: Box<dyn BufRead + Send>,
    limits: &Limits,
) -> Vec<Record> {
    let skip_file = |reason: String| {
        vec![Err(Skipped {
            origin: source.origin(),
            reason,
        })]
    };
    let bytes = match read_bounded(stream, limits.max_feed_bytes) {
        Ok((_, true)) => {
            return skip_file(format!(
                "feed file is larger than the feed limit of {} bytes; raise \
                 Limits::max_feed_bytes to read it",
                limits.max_feed_bytes
            ))
        }
        Ok((bytes, false)) => bytes,
        Err(err) => return skip_file(source.read_error(&err)),
    };
    let feed = match parse_feed(&bytes, None) {
        Ok(feed) => feed,
        Err(reason) => return skip_file(format!("not a readable RSS/Atom feed: {reason}")),
    };
    feed_records(&feed, &source.name, limits, |_, _| None)
}

fn parse_feed(bytes: &[u8], base: Option<&str>) -> Result<Feed, String> {
    // The feed parser is third-party code fed untrusted input; a panic in it
    // must cost one file, not the whole batch.
    std::panic::catch_unwind(|| {
        feed_rs::parser::Builder::new()
            .base_uri(base)
            .build()
            .parse(bytes)
            .map_err(|err| err.to_string())
    })
    .unwrap_or_else(|_| Err("the feed parser failed on this input".to_string()))
}

/// Turns feed items into records. `fetch_page` may supply the linked page
/// (`Some(Ok(html, warnings))`), report a failed fetch (`Some(Err)`), or
/// decline (`None`, for feed files).
fn feed_records(
    feed: &Feed,
    origin_path: &str,
    limits: &Limits,
    mut fetch_page: impl FnMut(&str, &Limits) -> Option<Result<(String, Vec<String>), String>>,
) -> Vec<Record> {
    let outlet = feed
        .title
        .as_ref()
        .map(|t| outlet_from_feed_title(&t.content))
        .filter(|t| !t.is_empty());
    let mut records = Vec::new();
    for (index, entry) in feed.entries.iter().enumerate() {
        let origin = Origin::at(origin_path, format!("item {}", index + 1));
        if index >= limits.max_feed_items {
            records.push(Err(Skipped {
                origin: Origin::at(
                    origin_path,
                    format!("items {}-{}", index + 1, feed.entries.len()),
                ),
                reason: format!(
                    "feed has {} items; only the first {} were read (raise Limits::max_feed_items)",
                    feed.entries.len(),
                    limits.max_feed_items
                ),
            }));
            break;
        }
        let link = item_link(entry);
        let hints = Hints {
            url: link.clone(),
            outlet: outlet.clone(),
            title: entry
                .title
                .as_ref()
                .map(|t| t.content.trim().to_string())
                .filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated).map(|d| d.to_rfc3339()),
            author: authors(entry),
            published_is_capture_date: false,
        };
        let id = match (&link, entry.id.trim()) {
            (Some(link), _) => ids::content_id(link),
            (None, guid) if !guid.is_empty() => ids::content_id(guid),
            (None, _) => ids::content_id(&item_content(entry).unwrap_or_default()),
        };
        let mut warnings = Vec::new();
        if let Some(link) = &link {
            match fetch_page(link, limits) {
                Some(Ok((html, mut page_warnings))) => {
                    warnings.append(&mut page_warnings);
                    records.push(Ok(RawDoc {
                        id,
                        origin,
                        format: SourceFormat::Feed,
                        kind: ContentKind::Html,
                        content: html,
                        hints,
                        warnings,
                    }));
                    continue;
                }
                Some(Err(reason)) => warnings.push(format!(
                    "could not fetch the item's page {link} ({reason}); using the feed's own \
                     content for it"
                )),
                None => {}
            }
        }
        let Some(content) = item_content(entry) else {
            let reason = match warnings.pop() {
                Some(fetch_failed) => format!("{fetch_failed}, but the item has no content"),
                None => "feed item has no content, description or summary".to_string(),
            };
            records.push(Err(Skipped { origin, reason }));
            continue;
        };
        let kind = if has_markup(&content) {
            ContentKind::Html
        } else {
            ContentKind::Text
        };
        records.push(Ok(RawDoc {
            id,
            origin,
            format: SourceFormat::Feed,
            kind,
            content,
            hints,
            warnings,
        }));
    }
    records
}

/// The item's article link: `alternate` (or unlabelled) before the rest.
fn item_link(entry: &Entry) -> Option<String> {
    let usable = |l: &&feed_rs::model::Link| !l.href.trim().is_empty();
    entry
        .links
        .iter()
        .filter(usable)
        .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
        .or_else(|| entry.links.iter().find(usable))
        .map(|l| l.href.trim().to_string())
}

fn authors(entry: &Entry) -> Option<String> {
    let names: Vec<&str> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref().map(str::trim))
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// Full content if the feed has it, else the description/summary.
fn item_content(entry: &Entry) -> Option<String> {
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let summary = entry
        .summary
        .as_ref()
        .map(|s| s.content.trim())
        .filter(|s| !s.is_empty());
    content.or(summary).map(str::to_string)
}

/// True when the text holds HTML tags or character references.
pub(crate) fn has_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    let tag = bytes
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
        && text.contains('>');
    let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#"]
        .iter()
        .any(|e| text.contains(e));
    tag || entity
}

/// Fetches a feed over HTTP(S), then each item's linked page, and returns
/// one record per item: the page's HTML, or the feed's own item content
/// (with a warning) when the page cannot be fetched. Pages are fetched one
/// after another, which is slow for big feeds but polite to the site.
pub fn fetch_feed(url: &str, limits: &Limits) -> Result<Vec<Record>, FeedError> {
    let agent = agent(limits);
    let bytes = match get(&agent, url, limits.max_feed_bytes) {
        Ok(fetched) => fetched.body,
        Err(GetError::Status(status)) => {
            return Err(FeedError::Status {
                url: url.to_string(),
                status,
            })
        }
        Err(GetError::TooLarge) => {
            return Err(FeedError::TooLarge {
                url: url.to_string(),
                limit: limits.max_feed_bytes,
            })
        }
        Err(GetError::Other(reason)) => {
            return Err(FeedError::Fetch {
                url: url.to_string(),
                reason,
            })
        }
    };
    let feed = parse_feed(&bytes, Some(url)).map_err(|reason| FeedError::Parse {
        url: url.to_string(),
        reason,
    })?;
    Ok(feed_records(&feed, url, limits, |link, limits| {
        Some(fetch_page(&agent, link, limits))
    }))
}

fn fetch_page(
    agent: &ureq::Agent,
    link: &str,
    limits: &Limits,
) -> Result<(String, Vec<String>), String> {
    let fetched = get(agent, link, limits.max_record_bytes).map_err(|err| match err {
        GetError::Status(status) => format!("HTTP {status}"),
        GetError::TooLarge => format!(
            "page is larger than the record limit of {} bytes",
            limits.max_record_bytes
        ),
        GetError::Other(reason) => reason,
    })?;
    let mime = fetched
        .content_type
        .as_deref()
        .and_then(|ct| ct.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !(mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml") {
        return Err(format!("the link is {mime}, not an HTML page"));
    }
    if fetched.body.iter().all(u8::is_ascii_whitespace) {
        return Err("the page is empty".to_string());
    }
    let charset = fetched
        .content_type
        .as_deref()
        .and_then(decode::charset_param);
    Ok(decode::decode_html(&fetched.body, charset.as_deref()))
}

fn agent(limits: &Limits) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(limits.fetch_timeout))
        .http_status_as_error(false)
        .user_agent(limits.user_agent.as_str())
        .max_redirects(5)
        .build()
        .into()
}

struct Fetched {
    body: Vec<u8>,
    content_type: Option<String>,
}

enum GetError {
    Status(u16),
    TooLarge,
    Other(String),
}

/// GET with a size cap; the body is read raw (charset handled by us).
fn get(agent: &ureq::Agent, url: &str, limit: usize) -> Result<Fetched, GetError> {
    let mut response = agent
        .get(url)
        .call()
        .map_err(|err| GetError::Other(err.to_string()))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(GetError::Status(status));
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let reader = response
        .body_mut()
        .with_config()
        .limit(limit as u64 + 1)
        .reader();
    let (body, over) = read_bounded(reader.take(limit as u64 + 1), limit)
        .map_err(|err| GetError::Other(err.to_string()))?;
    if over {
        return Err(GetError::TooLarge);
    }
    Ok(Fetched { body, content_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_detection() {
        assert!(has_markup("<p>Hello</p>"));
        assert!(has_markup("Tom &amp; Jerry"));
        assert!(!has_markup("3 < 4 and 5 > 2"));
        assert!(!has_markup("Plain summary."));
    }
}

/// A feed's title names the outlet and often a section after it
/// (`The Lantern Post – Corvel`, `Saltmere Gazette: Port and harbour`,
/// `Example News | World`): keep the name before the first separator.
fn outlet_from_feed_title(title: &str) -> String {
    let title = title.trim();
    [" – ", " — ", " - ", " | ", ": ", " :: "]
        .iter()
        .filter_map(|sep| title.find(sep))
        .min()
        .map_or(title, |at| title[..at].trim_end())
        .to_string()
}

#[cfg(test)]
mod outlet_tests {
    use super::outlet_from_feed_title;

    #[test]
    fn section_names_are_cut_from_feed_titles() {
        assert_eq!(
            outlet_from_feed_title("The Lantern Post – Corvel"),
            "The Lantern Post"
        );
        assert_eq!(
            outlet_from_feed_title("Saltmere Gazette: Port and harbour"),
            "Saltmere Gazette"
        );
        assert_eq!(
            outlet_from_feed_title("Example News | World"),
            "Example News"
        );
        assert_eq!(
            outlet_from_feed_title(" Tidewater Courier "),
            "Tidewater Courier"
        );
    }
}
