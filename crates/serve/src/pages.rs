//! HTML pages. Each handler gathers its data and hands it to a render
//! function that writes escaped HTML through [`Html`].

use crate::api::{self, ApiError, ListParams, SearchParams};
use crate::html::{self, error_page, is_web_url, page, url_encode, Html};
use crate::state::{AppState, PoolError};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use parallax_model::{Article, BlockKind, Removal};
use parallax_search::{SearchHit, SearchResults};
use parallax_store::{ArticleSummary, DuplicateLink, LinkKind, ListQuery};
use std::collections::BTreeMap;
use std::ops::Range;

/// Articles per page on the list page.
const PAGE_SIZE: usize = 50;
/// Hits per page on the search page.
const HITS_PER_PAGE: usize = 20;

/// An error shown as a page.
pub(crate) struct PageError(pub(crate) StatusCode, pub(crate) String);

impl From<PoolError> for PageError {
    fn from(e: PoolError) -> Self {
        let status = match e {
            PoolError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            PoolError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        PageError(status, e.to_string())
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e.status, e.message)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(self.0, &self.1)
    }
}

fn article_href(id: &str) -> String {
    format!("/articles/{}", url_encode(id))
}

/// `outlet · date · language` line.
fn meta_line(h: &mut Html, outlet: Option<&str>, published: Option<&str>, extra: &[&str]) {
    h.raw("<div class=\"meta\">");
    h.element("span", Some("outlet"), outlet.unwrap_or("Unknown outlet"));
    match published {
        Some(date) => {
            h.raw("<span><time")
                .attr("datetime", date)
                .raw(">")
                .text(date)
                .raw("</time></span>");
        }
        None => {
            h.element("span", None, "undated");
        }
    }
    for part in extra {
        h.element("span", None, part);
    }
    h.raw("</div>");
}

fn display_title(title: Option<&str>) -> &str {
    match title {
        Some(t) if !t.trim().is_empty() => t,
        _ => "(untitled)",
    }
}

/// Query string for list filters plus an offset, for pager links.
fn list_href(query: &ListQuery, offset: usize) -> String {
    let mut parts = Vec::new();
    let mut add = |name: &str, value: &Option<String>| {
        if let Some(v) = value {
            parts.push(format!("{name}={}", url_encode(v)));
        }
    };
    add("outlet", &query.outlet);
    add("language", &query.language);
    add("from", &query.published_from);
    add("to", &query.published_to);
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/?{}", parts.join("&"))
    }
}

pub(crate) async fn article_list(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let query = params
        .to_query(PAGE_SIZE)
        .map_err(|m| PageError(StatusCode::BAD_REQUEST, m))?;
    let listed = api::list_page(&state, query.clone()).await?;
    let total = state.article_count().await?;
    let body = render_article_list(&query, &listed.articles, listed.next_offset, total);
    Ok(html::response(StatusCode::OK, page("Articles", "", body)))
}

fn render_article_list(
    query: &ListQuery,
    articles: &[ArticleSummary],
    next_offset: Option<usize>,
    total: u64,
) -> Html {
    let mut h = Html::new();
    h.raw("<h1>Articles</h1>");
    h.raw("<form class=\"filters\" method=\"get\" action=\"/\">")
        .raw("<label>Outlet<input name=\"outlet\"")
        .attr("value", query.outlet.as_deref().unwrap_or(""))
        .raw("></label><label>Language<input name=\"language\" size=\"4\"")
        .attr("value", query.language.as_deref().unwrap_or(""))
        .raw("></label><label>From<input type=\"date\" name=\"from\"")
        .attr("value", query.published_from.as_deref().unwrap_or(""))
        .raw("></label><label>To<input type=\"date\" name=\"to\"")
        .attr("value", query.published_to.as_deref().unwrap_or(""))
        .raw("></label><button type=\"submit\">Filter</button></form>");
    if articles.is_empty() {
        let message = if total == 0 {
            "The store holds no articles yet. Ingest some with `parallax ingest`."
        } else {
            "No articles match these filters."
        };
        h.element("p", Some("notice"), message);
        return h;
    }
    let first = query.offset + 1;
    let last = query.offset + articles.len();
    h.element(
        "p",
        Some("muted"),
        &format!("Showing {first}–{last} of {total} stored articles, newest first."),
    );
    h.raw("<ol class=\"articles\">");
    for a in articles {
        h.raw("<li>")
            .raw("<a class=\"title\"")
            .attr("href", &article_href(&a.id))
            .raw(">")
            .text(display_title(a.title.as_deref()))
            .raw("</a>");
        let mut extra = Vec::new();
        if let Some(lang) = &a.language {
            extra.push(lang.as_str());
        }
        let words = format!("{} chars", a.text_chars);
        extra.push(&words);
        meta_line(&mut h, a.outlet.as_deref(), a.published.as_deref(), &extra);
        h.raw("</li>");
    }
    h.raw("</ol>");
    pager(
        &mut h,
        (query.offset > 0).then(|| list_href(query, query.offset.saturating_sub(query.limit))),
        next_offset.map(|n| list_href(query, n)),
    );
    h
}

pub(crate) fn pager(h: &mut Html, newer: Option<String>, older: Option<String>) {
    if newer.is_none() && older.is_none() {
        return;
    }
    h.raw("<nav class=\"pager\">");
    match newer {
        Some(href) => h.link(&href, "← Previous"),
        None => h.raw("<span></span>"),
    };
    match older {
        Some(href) => h.link(&href, "Next →"),
        None => h.raw("<span></span>"),
    };
    h.raw("</nav>");
}

/// `?hl=start-end`: a byte range of the clean text to highlight (the
/// story page links every finding to its sentence this way).
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ArticleParams {
    hl: Option<String>,
}

/// Parses `start-end` into a range that lies on character boundaries of
/// `text`; anything else is ignored rather than an error, since a stale
/// link should still show the article.
fn parse_highlight(value: Option<&str>, text: &str) -> Option<Range<usize>> {
    let (start, end) = value?.split_once('-')?;
    let start: usize = start.trim().parse().ok()?;
    let end: usize = end.trim().parse().ok()?;
    (start < end && text.get(start..end).is_some()).then_some(start..end)
}

pub(crate) async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<ArticleParams>,
) -> Result<Response, PageError> {
    let Some((article, links)) = api::load_article(&state, id.clone()).await? else {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            format!("There is no article with id “{id}”."),
        ));
    };
    // Titles of the linked articles, so the links read as headlines.
    let others: Vec<String> = links
        .iter()
        .map(|l| other_end(l, &article.id).to_string())
        .collect();
    let titles = state
        .inner
        .pool
        .read(move |s| {
            let mut titles = BTreeMap::new();
            for other in others.into_iter().take(50) {
                if let Some(a) = s.get(&other)? {
                    titles.insert(other, (a.title, a.outlet, a.published));
                }
            }
            Ok(titles)
        })
        .await?;
    let title = display_title(article.title.as_deref()).to_string();
    let highlight = parse_highlight(params.hl.as_deref(), &article.text);
    let body = render_article(&article, &links, &titles, highlight);
    Ok(html::response(StatusCode::OK, page(&title, "", body)))
}

fn other_end<'a>(link: &'a DuplicateLink, id: &str) -> &'a str {
    if link.article_id == id {
        &link.of_id
    } else {
        &link.article_id
    }
}

type LinkedTitles = BTreeMap<String, (Option<String>, Option<String>, Option<String>)>;

fn render_article(
    article: &Article,
    links: &[DuplicateLink],
    titles: &LinkedTitles,
    highlight: Option<Range<usize>>,
) -> Html {
    let mut h = Html::new();
    h.raw("<article>");
    h.element("h1", None, display_title(article.title.as_deref()));
    let mut extra: Vec<String> = Vec::new();
    if let Some(author) = &article.author {
        extra.push(format!("by {author}"));
    }
    if let Some(lang) = &article.language {
        extra.push(lang.clone());
    }
    let extra_refs: Vec<&str> = extra.iter().map(String::as_str).collect();
    meta_line(
        &mut h,
        article.outlet.as_deref(),
        article.published.as_deref(),
        &extra_refs,
    );
    h.raw("<p class=\"meta\">");
    if let Some(url) = &article.url {
        if is_web_url(url) {
            h.raw("<a rel=\"noopener noreferrer nofollow\"")
                .attr("href", url)
                .raw(">Original page</a> · ");
        } else {
            h.text("Source URL: ").text(url).raw(" · ");
        }
    }
    h.link(
        &format!("{}/source", article_href(&article.id)),
        "Input as ingested",
    )
    .raw(" · ")
    .link(
        &format!("/api/articles/{}", url_encode(&article.id)),
        "JSON",
    )
    .raw("</p>");

    render_duplicates(&mut h, article, links, titles);

    h.raw("<div class=\"body\">");
    render_text(&mut h, article, highlight.as_ref());
    h.raw("</div>");

    render_removed(&mut h, &article.removed);

    h.raw("<details><summary>Provenance</summary><table>");
    let mut row = |name: &str, value: &str| {
        h.raw("<tr>")
            .element("th", None, name)
            .element("td", None, value)
            .raw("</tr>");
    };
    row("Id", &article.id);
    row("Read from", &article.origin.to_string());
    row("Format", &article.format.to_string());
    for warning in &article.warnings {
        row("Warning", warning);
    }
    h.raw("</table></details>");
    h.raw("</article>");
    h
}

/// Renders the clean text block by block; consecutive list items share a
/// list. Without blocks, paragraphs are the blank-line separated parts.
/// The part of `highlight` inside a block is wrapped in `<mark>`; the first
/// such mark carries `id="hl"` so a `#hl` link scrolls to it.
fn render_text(h: &mut Html, article: &Article, highlight: Option<&Range<usize>>) {
    if article.text.trim().is_empty() {
        h.element("p", Some("notice"), "This article has no text.");
        return;
    }
    let mut anchored = false;
    if article.blocks.is_empty() {
        let mut offset = 0;
        for paragraph in article.text.split("\n\n") {
            let start = offset;
            offset += paragraph.len() + 2;
            if paragraph.trim().is_empty() {
                continue;
            }
            h.raw("<p>");
            marked(
                h,
                &article.text,
                trimmed(&article.text, start..start + paragraph.len()),
                highlight,
                &mut anchored,
            );
            h.raw("</p>");
        }
        return;
    }
    let mut in_list = false;
    for block in &article.blocks {
        let span = trimmed(&article.text, block.span.clone());
        if span.is_empty() {
            continue;
        }
        let is_item = block.kind == BlockKind::ListItem;
        if is_item && !in_list {
            h.raw("<ul>");
        } else if !is_item && in_list {
            h.raw("</ul>");
        }
        in_list = is_item;
        let (open, close) = match block.kind {
            BlockKind::Paragraph => ("<p>", "</p>"),
            BlockKind::Heading => ("<h2>", "</h2>"),
            BlockKind::Quote => ("<blockquote>", "</blockquote>"),
            BlockKind::Embedded => ("<blockquote class=\"embedded\">", "</blockquote>"),
            BlockKind::ListItem => ("<li>", "</li>"),
            BlockKind::Update => ("<p class=\"update\">", "</p>"),
        };
        h.raw(open);
        marked(h, &article.text, span, highlight, &mut anchored);
        h.raw(close);
    }
    if in_list {
        h.raw("</ul>");
    }
}

/// `span` without its leading and trailing whitespace (empty when the span
/// is not a valid slice of `text`).
fn trimmed(text: &str, span: Range<usize>) -> Range<usize> {
    let Some(part) = text.get(span.clone()) else {
        return 0..0;
    };
    let start = span.start + (part.len() - part.trim_start().len());
    let end = start + part.trim().len();
    start..end
}

/// Writes `text[span]` escaped, with its overlap with `highlight` marked.
fn marked(
    h: &mut Html,
    text: &str,
    span: Range<usize>,
    highlight: Option<&Range<usize>>,
    anchored: &mut bool,
) {
    let overlap = highlight
        .map(|hl| hl.start.max(span.start)..hl.end.min(span.end))
        .filter(|o| o.start < o.end);
    let pieces = overlap.and_then(|o| {
        Some((
            text.get(span.start..o.start)?,
            text.get(o.clone())?,
            text.get(o.end..span.end)?,
        ))
    });
    match pieces {
        Some((before, inside, after)) => {
            h.text(before).raw("<mark");
            if !*anchored {
                h.raw(" id=\"hl\"");
                *anchored = true;
            }
            h.raw(">").text(inside).raw("</mark>").text(after);
        }
        None => {
            h.text(text.get(span).unwrap_or(""));
        }
    }
}

fn render_removed(h: &mut Html, removed: &[Removal]) {
    if removed.is_empty() {
        h.raw("<details><summary>Cleaning removed nothing</summary>")
            .element(
                "p",
                Some("muted"),
                "The whole input was kept as article text.",
            )
            .raw("</details>");
        return;
    }
    h.raw("<details class=\"removed\"><summary>")
        .text(&format!(
            "What cleaning removed ({} piece{})",
            removed.len(),
            if removed.len() == 1 { "" } else { "s" }
        ))
        .raw("</summary><ul>");
    for removal in removed {
        h.raw("<li>")
            .element(
                "span",
                Some("kind"),
                &removal.kind.as_str().replace('_', " "),
            )
            .text(&removal.text)
            .raw("</li>");
    }
    h.raw("</ul></details>");
}

fn render_duplicates(
    h: &mut Html,
    article: &Article,
    links: &[DuplicateLink],
    titles: &LinkedTitles,
) {
    if links.is_empty() {
        return;
    }
    h.raw("<details open><summary>")
        .text(&format!("Copies and near-copies ({})", links.len()))
        .raw("</summary><ul>");
    for link in links {
        let other = other_end(link, &article.id);
        let this_is_copy = link.article_id == article.id;
        let how = match (link.kind, this_is_copy) {
            (LinkKind::Exact, true) => "This article is an exact copy of".to_string(),
            (LinkKind::Exact, false) => "Exactly copied by".to_string(),
            (LinkKind::Near, true) => format!(
                "This article nearly copies ({:.0}% similar)",
                link.score * 100.0
            ),
            (LinkKind::Near, false) => {
                format!("Nearly copied by ({:.0}% similar)", link.score * 100.0)
            }
        };
        h.raw("<li>").text(&how).raw(" ");
        let (title, outlet, published) = titles.get(other).cloned().unwrap_or((None, None, None));
        h.link(&article_href(other), display_title(title.as_deref()));
        let mut where_when = Vec::new();
        if let Some(o) = outlet {
            where_when.push(o);
        }
        if let Some(p) = published {
            where_when.push(p);
        }
        if !where_when.is_empty() {
            h.text(&format!(" ({})", where_when.join(", ")));
        }
        h.raw("</li>");
    }
    h.raw("</ul></details>");
}

pub(crate) async fn source_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let lookup = id.clone();
    let found = state
        .inner
        .pool
        .read(move |s| {
            let title = s.get(&lookup)?.map(|a| a.title);
            let raw = s.get_raw(&lookup)?;
            Ok((title, raw))
        })
        .await?;
    let (Some(title), raw) = found else {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            format!("There is no article with id “{id}”."),
        ));
    };
    let title = display_title(title.as_deref()).to_string();
    let mut h = Html::new();
    h.element("h1", None, &title);
    h.raw("<p class=\"meta\">")
        .link(&article_href(&id), "← Clean article")
        .raw("</p>");
    match raw {
        Some(raw) => {
            h.element(
                "p",
                Some("muted"),
                &format!(
                    "The {} input as ingested from {}, shown as text ({} bytes).",
                    raw.format,
                    raw.origin,
                    raw.content.len()
                ),
            );
            for warning in &raw.warnings {
                h.element("p", Some("notice"), warning);
            }
            h.element("pre", Some("source"), &raw.content);
        }
        None => {
            h.element(
                "p",
                Some("notice"),
                "The store kept no input for this article.",
            );
        }
    }
    Ok(html::response(
        StatusCode::OK,
        page(&format!("Source of {title}"), "", h),
    ))
}

pub(crate) async fn search_page(
    State(state): State<AppState>,
    Query(params): Query<SearchParams>,
) -> Result<Response, PageError> {
    let request = params
        .to_request(HITS_PER_PAGE)
        .map_err(|m| PageError(StatusCode::BAD_REQUEST, m))?;
    let query_text = api::non_empty(&params.q).unwrap_or_default();
    let mut h = Html::new();
    h.raw("<h1>Search</h1>");
    h.raw("<form method=\"get\" action=\"/search\" class=\"filters\">")
        .raw("<label>Words<input type=\"search\" name=\"q\" size=\"28\"")
        .attr("value", &query_text)
        .raw("></label><label>Outlet<input name=\"outlet\"")
        .attr("value", &api::non_empty(&params.outlet).unwrap_or_default())
        .raw("></label><button type=\"submit\">Search</button></form>");
    match request {
        None => {
            h.element(
                "p",
                Some("muted"),
                "Search titles, text and outlet names. Use \"quotes\" for phrases, \
                 -word to exclude a word, title:word to search titles only.",
            );
        }
        Some(request) => {
            let offset = request.offset;
            let limit = request.limit;
            let outlet = request.outlet.clone();
            let results = api::run_search(&state, request).await?;
            render_hits(
                &mut h,
                &query_text,
                outlet.as_deref(),
                &results,
                offset,
                limit,
            );
        }
    }
    let title = if query_text.is_empty() {
        "Search".to_string()
    } else {
        format!("{query_text} – Search")
    };
    Ok(html::response(StatusCode::OK, page(&title, &query_text, h)))
}

fn render_hits(
    h: &mut Html,
    query: &str,
    outlet: Option<&str>,
    results: &SearchResults,
    offset: usize,
    limit: usize,
) {
    if results.hits.is_empty() {
        h.element(
            "p",
            Some("notice"),
            &format!("No articles match “{query}”."),
        );
        return;
    }
    h.element(
        "p",
        Some("muted"),
        &format!(
            "{} article{} match “{query}”.",
            results.total,
            if results.total == 1 { "" } else { "s" }
        ),
    );
    h.raw("<ol class=\"articles\">");
    for hit in &results.hits {
        h.raw("<li><a class=\"title\"")
            .attr("href", &article_href(&hit.id))
            .raw(">")
            .text(display_title(hit.title.as_deref()))
            .raw("</a>");
        meta_line(h, hit.outlet.as_deref(), hit.published.as_deref(), &[]);
        render_snippet(h, hit);
        h.raw("</li>");
    }
    h.raw("</ol>");
    let href = |at: usize| {
        let mut s = format!("/search?q={}", url_encode(query));
        if let Some(o) = outlet {
            s.push_str(&format!("&outlet={}", url_encode(o)));
        }
        if at > 0 {
            s.push_str(&format!("&offset={at}"));
        }
        s
    };
    pager(
        h,
        (offset > 0).then(|| href(offset.saturating_sub(limit))),
        (offset + results.hits.len() < results.total).then(|| href(offset + limit)),
    );
}

/// The snippet with matched words in `<mark>`; every piece escaped.
fn render_snippet(h: &mut Html, hit: &SearchHit) {
    h.raw("<p class=\"snippet\">");
    let text = &hit.snippet;
    let mut at = 0;
    for range in &hit.highlights {
        let (Some(before), Some(word)) =
            (text.get(at..range.start), text.get(range.start..range.end))
        else {
            continue;
        };
        h.text(before).element("mark", None, word);
        at = range.end;
    }
    h.text(text.get(at..).unwrap_or("")).raw("</p>");
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        &format!("Nothing lives at {}.", uri.path()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_must_lie_on_character_boundaries() {
        let text = "Zoë said “no”.";
        // “ë” is bytes 2..4: a range may not cut it.
        assert_eq!(parse_highlight(Some("0-4"), text), Some(0..4));
        assert_eq!(parse_highlight(Some(" 0 - 2 "), text), Some(0..2));
        assert_eq!(parse_highlight(Some("0-3"), text), None);
        assert_eq!(parse_highlight(Some("3-4"), text), None);
        assert_eq!(parse_highlight(Some("4-2"), text), None);
        assert_eq!(parse_highlight(Some("0-999"), text), None);
        assert_eq!(parse_highlight(Some("-"), text), None);
        assert_eq!(parse_highlight(None, text), None);
    }

    #[test]
    fn marked_wraps_only_the_overlap_and_escapes() {
        let text = "a <b> c";
        let mut anchored = false;
        let mut h = Html::new();
        marked(&mut h, text, 0..7, Some(&(2..5)), &mut anchored);
        assert_eq!(h.into_string(), "a <mark id=\"hl\">&lt;b&gt;</mark> c");
        let mut h = Html::new();
        marked(&mut h, text, 0..7, Some(&(2..5)), &mut anchored);
        assert_eq!(
            h.into_string(),
            "a <mark>&lt;b&gt;</mark> c",
            "one anchor per page"
        );
        let mut h = Html::new();
        marked(&mut h, text, 0..2, Some(&(2..5)), &mut anchored);
        assert_eq!(h.into_string(), "a ");
    }
}
