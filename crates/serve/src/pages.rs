//! HTML pages. Each handler gathers its data and hands it to a render
//! function that writes escaped HTML through [`Html`].

use crate::api::{self, ApiError, ListParams, SearchParams};
use crate::html::{self, error_page, is_web_url, page, url_encode, Html};
use crate::marks::{
    analysis_marks, corpus_ids, entity_href, entity_search_href, inside_same_speaker, kind_name,
    with_highlight, write_marked, Mark, MarkState,
};
use crate::state::{AppState, PoolError};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use parallax_extract::{QuoteKind, SpeakerKind};
use parallax_model::{Article, BlockKind, Removal};
use parallax_pipeline::{analyze_article, read_analysis, Analysis};
use parallax_search::{SearchHit, SearchResults};
use parallax_store::{
    ArticleEntity, ArticleSummary, DuplicateLink, LinkKind, ListQuery, Store, StoreError,
};
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
        // As in the API, internal details (file paths) go to the log.
        if self.0 == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("parallax serve: {}", self.1);
            return error_page(self.0, api::INTERNAL_MESSAGE);
        }
        error_page(self.0, &self.1)
    }
}

fn article_href(id: &str) -> String {
    format!("/articles/{}", url_encode(id))
}

/// `outlet · date · language` line.
pub(crate) fn meta_line(
    h: &mut Html,
    outlet: Option<&str>,
    published: Option<&str>,
    extra: &[&str],
) {
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

pub(crate) fn display_title(title: Option<&str>) -> &str {
    match title {
        Some(t) if !t.trim().is_empty() => t,
        _ => "(untitled)",
    }
}

/// Query string for list filters plus an offset, for pager links.
fn list_href(query: &ListQuery, offset: usize) -> String {
    filter_href("/articles", query, offset)
}

/// `path` with the list's filters (and `offset` when not 0) as its query.
fn filter_href(path: &str, query: &ListQuery, offset: usize) -> String {
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
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
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
    h.raw("<form class=\"filters\" method=\"get\" action=\"/articles\">")
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
    let filtered = query.outlet.is_some()
        || query.language.is_some()
        || query.published_from.is_some()
        || query.published_to.is_some();
    let shown = if filtered {
        // The store counts all articles, not the matching ones: say so
        // rather than print a total that is not the filter's.
        format!(
            "Showing {first}–{last} of the articles matching these filters, newest first ({total} stored in all)."
        )
    } else {
        format!("Showing {first}–{last} of {total} stored articles, newest first.")
    };
    h.raw("<p class=\"muted\">")
        .text(&shown)
        .raw(" ")
        .link(
            &filter_href("/api/articles.csv", query, 0),
            "Download every match as CSV",
        )
        .raw(".</p>");
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
/// story and entity pages link every finding to its sentence this way);
/// `?marks=off` shows the text without entity, quote and date marks.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ArticleParams {
    hl: Option<String>,
    marks: Option<String>,
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

/// What the article page shows besides the article itself.
struct ArticleExtras {
    /// Titles, outlets and dates of the duplicate-linked articles.
    titles: LinkedTitles,
    analysis: Option<Analysis>,
    /// Why there is no analysis, when extraction failed.
    analysis_error: Option<String>,
    entities: Vec<ArticleEntity>,
    /// The stories that hold it: `(story id, title)`.
    stories: Vec<(String, String)>,
}

/// The article with everything its page shows, read on one connection.
fn load_article_page(
    s: &dyn Store,
    id: &str,
) -> Result<Option<(Article, Vec<DuplicateLink>, ArticleExtras)>, StoreError> {
    let Some(article) = s.get(id)? else {
        return Ok(None);
    };
    let links = s.links(id)?;
    // Titles of the linked articles, so the links read as headlines.
    let mut titles = BTreeMap::new();
    for link in links.iter().take(50) {
        let other = other_end(link, &article.id);
        if let Some(a) = s.get(other)? {
            titles.insert(other.to_string(), (a.title, a.outlet, a.published));
        }
    }
    // The stored analysis; computed now when missing or stale, so the page
    // never lacks its marks.
    let (analysis, analysis_error) = match read_analysis(s, id)? {
        Some(analysis) => (Some(analysis), None),
        None => match analyze_article(&article) {
            Ok(analysis) => (Some(analysis), None),
            Err(e) => (None, Some(e.to_string())),
        },
    };
    let entities = s.article_entities(id)?;
    let stories = s.stories_of_article(id)?;
    Ok(Some((
        article,
        links,
        ArticleExtras {
            titles,
            analysis,
            analysis_error,
            entities,
            stories,
        },
    )))
}

pub(crate) async fn article_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<ArticleParams>,
) -> Result<Response, PageError> {
    let lookup = id.clone();
    let loaded = state
        .inner
        .pool
        .read(move |s| load_article_page(s, &lookup))
        .await?;
    let Some((article, links, extras)) = loaded else {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            format!("There is no article with id “{id}”."),
        ));
    };
    let title = display_title(article.title.as_deref()).to_string();
    let highlight = parse_highlight(params.hl.as_deref(), &article.text);
    let show_marks = params.marks.as_deref() != Some("off");
    let body = render_article(&article, &links, &extras, highlight, show_marks);
    let path = article_href(&article.id);
    let description = match &article.outlet {
        Some(outlet) => format!("{outlet}: {}", article.text),
        None => article.text.clone(),
    };
    let preview = html::Preview {
        kind: "article",
        description: &description,
        path: &path,
    };
    Ok(html::response(
        StatusCode::OK,
        html::page_with(&title, "", Some(&preview), body),
    ))
}

fn other_end<'a>(link: &'a DuplicateLink, id: &str) -> &'a str {
    if link.article_id == id {
        &link.of_id
    } else {
        &link.article_id
    }
}

type LinkedTitles = BTreeMap<String, (Option<String>, Option<String>, Option<String>)>;

/// This article's page with `?hl=` and `?marks=` set.
fn article_self_href(id: &str, highlight: Option<&Range<usize>>, marks_off: bool) -> String {
    let mut href = article_href(id);
    let mut sep = '?';
    if let Some(hl) = highlight {
        href.push_str(&format!("{sep}hl={}-{}", hl.start, hl.end));
        sep = '&';
    }
    if marks_off {
        href.push_str(&format!("{sep}marks=off"));
    }
    if highlight.is_some() {
        href.push_str("#hl");
    }
    href
}

fn render_article(
    article: &Article,
    links: &[DuplicateLink],
    extras: &ArticleExtras,
    highlight: Option<Range<usize>>,
    show_marks: bool,
) -> Html {
    let mut h = Html::new();
    h.raw("<div class=\"article-page\"><article>");
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
    crate::outlets::render_article_outlet(&mut h, article);
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

    render_duplicates(&mut h, article, links, &extras.titles);
    if !extras.stories.is_empty() {
        h.raw("<p class=\"in-story\">In ");
        for (i, (story, title)) in extras.stories.iter().enumerate() {
            if i > 0 {
                h.raw(", ");
            }
            h.text("the story ")
                .link(&format!("/stories/{}", url_encode(story)), title);
        }
        h.raw("</p>");
    }

    let marks = match (&extras.analysis, show_marks) {
        (Some(analysis), true) => analysis_marks(&article.text, analysis, &extras.entities),
        _ => Vec::new(),
    };
    render_legend(&mut h, article, extras, highlight.as_ref(), show_marks);
    let marks = with_highlight(marks, highlight);
    h.raw("<div class=\"body\">");
    render_text(&mut h, article, &marks);
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
    row(
        "Read from",
        &api::public_origin(&article.origin).to_string(),
    );
    row("Format", &article.format.to_string());
    for warning in &article.warnings {
        row("Warning", warning);
    }
    h.raw("</table></details>");
    h.raw("</article>");
    render_entity_sidebar(&mut h, extras);
    h.raw("</div>");
    h
}

/// What the marks in the text mean, with a switch to plain text.
fn render_legend(
    h: &mut Html,
    article: &Article,
    extras: &ArticleExtras,
    highlight: Option<&Range<usize>>,
    show_marks: bool,
) {
    if let Some(error) = &extras.analysis_error {
        h.element(
            "p",
            Some("notice"),
            &format!("Entities, quotes and dates could not be marked: {error}"),
        );
        return;
    }
    h.raw("<p class=\"legend\">");
    if show_marks {
        h.raw("<span class=\"ent person\">person</span> ")
            .raw("<span class=\"ent organization\">organisation</span> ")
            .raw("<span class=\"ent location\">place</span> ")
            .raw("<span class=\"ent misc\">other name</span> ")
            .raw("<span class=\"q speech\">“quote”</span><span class=\"who\">speaker</span> ")
            .raw("<span class=\"q scare\">“scare quote”</span> ")
            .raw("<time class=\"date\" data-iso=\"ISO date\">date</time> · ")
            .link(
                &article_self_href(&article.id, highlight, true),
                "Plain text",
            );
    } else {
        h.link(
            &article_self_href(&article.id, highlight, false),
            "Mark entities, quotes and dates",
        );
    }
    h.raw("</p>");
}

/// The article's entities by kind, each linking to its entity page, and
/// who it quotes.
fn render_entity_sidebar(h: &mut Html, extras: &ArticleExtras) {
    h.raw("<aside class=\"entities\"><h2>Named in this article</h2>");
    let ids = corpus_ids(&extras.entities);
    // (name, kind) → mentions, quotes, roles; from the analysis when there
    // is one (it has roles), else from the stored rows.
    let mut listed: Vec<(String, &'static str, usize, usize, Vec<String>)> = Vec::new();
    match &extras.analysis {
        Some(analysis) => {
            for entity in &analysis.entities {
                let kind = kind_name(entity.kind);
                let quotes = analysis
                    .quotes
                    .iter()
                    .enumerate()
                    .filter(|(i, q)| {
                        q.speaker.as_deref() == Some(entity.name.as_str())
                            && !inside_same_speaker(analysis, *i)
                    })
                    .count();
                match listed
                    .iter_mut()
                    .find(|e| e.0 == entity.name && e.1 == kind)
                {
                    Some(e) => {
                        e.2 += entity.mentions.len();
                        for role in &entity.roles {
                            if !e.4.contains(role) {
                                e.4.push(role.clone());
                            }
                        }
                    }
                    None => listed.push((
                        entity.name.clone(),
                        kind,
                        entity.mentions.len(),
                        quotes,
                        entity.roles.clone(),
                    )),
                }
            }
        }
        None => {
            for row in &extras.entities {
                let kind = crate::entities::KINDS
                    .iter()
                    .find(|k| **k == row.kind)
                    .copied()
                    .unwrap_or("misc");
                listed.push((
                    row.name.clone(),
                    kind,
                    row.mentions as usize,
                    row.quotes_by as usize,
                    Vec::new(),
                ));
            }
        }
    }
    if listed.is_empty() {
        h.element("p", Some("muted"), "No names were found.");
    }
    listed.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    for (kind, heading) in [
        ("person", "People"),
        ("organization", "Organisations"),
        ("location", "Places"),
        ("misc", "Other names"),
    ] {
        let of_kind: Vec<_> = listed.iter().filter(|e| e.1 == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        h.element("h3", None, heading);
        h.raw("<ul>");
        for (name, kind, mentions, quotes, roles) in of_kind {
            let href = match ids.get(&(name.as_str(), *kind)) {
                Some(id) => entity_href(id),
                None => entity_search_href(name, kind),
            };
            h.raw("<li><a")
                .attr("class", &format!("ent {kind}"))
                .attr("href", &href)
                .raw(">")
                .text(name)
                .raw("</a> <span class=\"count\">")
                .text(&format!("×{mentions}"))
                .raw("</span>");
            if *quotes > 0 {
                h.raw(" ").element(
                    "span",
                    Some("badge"),
                    &format!("{quotes} quote{}", if *quotes == 1 { "" } else { "s" }),
                );
            }
            if !roles.is_empty() {
                h.element("div", Some("roles"), &roles.join("; "));
            }
            h.raw("</li>");
        }
        h.raw("</ul>");
    }
    // Unnamed and unmatched sources count too: who does the article let speak?
    if let Some(analysis) = &extras.analysis {
        let mut speakers: Vec<(String, usize)> = Vec::new();
        let mut unknown = 0;
        let speech = analysis
            .quotes
            .iter()
            .enumerate()
            .filter(|(i, q)| q.kind == QuoteKind::Speech && !inside_same_speaker(analysis, *i));
        for (_, quote) in speech {
            match (&quote.speaker, quote.speaker_kind) {
                (Some(name), kind) if kind != Some(SpeakerKind::Unresolved) => {
                    match speakers.iter_mut().find(|(n, _)| n == name) {
                        Some((_, n)) => *n += 1,
                        None => speakers.push((name.clone(), 1)),
                    }
                }
                _ => unknown += 1,
            }
        }
        if !speakers.is_empty() || unknown > 0 {
            speakers.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            h.element("h3", None, "Quoted");
            h.raw("<ul class=\"speakers\">");
            for (name, n) in &speakers {
                h.raw("<li>")
                    .text(name)
                    .raw(" <span class=\"count\">")
                    .text(&format!("×{n}"))
                    .raw("</span></li>");
            }
            if unknown > 0 {
                h.raw("<li class=\"muted\">")
                    .text(&format!("speaker not identified ×{unknown}"))
                    .raw("</li>");
            }
            h.raw("</ul>");
        }
    }
    h.raw("<p class=\"muted\">")
        .link("/entities", "All entities")
        .raw("</p></aside>");
}

/// Renders the clean text block by block; consecutive list items share a
/// list. Without blocks, paragraphs are the blank-line separated parts.
/// `marks` (see [`crate::marks`]) are applied inside each block; the first
/// `?hl=` piece carries `id="hl"` so a `#hl` link scrolls to it.
fn render_text(h: &mut Html, article: &Article, marks: &[Mark]) {
    if article.text.trim().is_empty() {
        h.element("p", Some("notice"), "This article has no text.");
        return;
    }
    let mut state = MarkState::default();
    if article.blocks.is_empty() {
        let mut offset = 0;
        for paragraph in article.text.split("\n\n") {
            let start = offset;
            offset += paragraph.len() + 2;
            if paragraph.trim().is_empty() {
                continue;
            }
            h.raw("<p>");
            let raw = start..start + paragraph.len();
            write_marked(
                h,
                &article.text,
                trimmed(&article.text, raw.clone()),
                raw.end,
                marks,
                &mut state,
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
        write_marked(h, &article.text, span, block.span.end, marks, &mut state);
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
                    api::public_origin(&raw.origin),
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
    let request = api::search_request(&state, &params, HITS_PER_PAGE)
        .await
        .map_err(|e| PageError(e.status, e.message))?;
    let query_text = api::non_empty(&params.q).unwrap_or_default();
    let entity = api::non_empty(&params.entity);
    let mut h = Html::new();
    h.raw("<h1>Search</h1>");
    h.raw("<form method=\"get\" action=\"/search\" class=\"filters\">")
        .raw("<label>Words<input type=\"search\" name=\"q\" size=\"28\"")
        .attr("value", &query_text)
        .raw("></label><label>Outlet<input name=\"outlet\"")
        .attr("value", &api::non_empty(&params.outlet).unwrap_or_default())
        .raw("></label>");
    let lean = api::non_empty(&params.lean).unwrap_or_default();
    h.raw("<label>Side<select name=\"lean\">");
    for (value, label) in [
        ("", "any"),
        ("left", "left"),
        ("centre", "centre"),
        ("right", "right"),
    ] {
        h.raw("<option").attr("value", value);
        if lean == value || (value == "centre" && lean == "center") {
            h.raw(" selected");
        }
        h.raw(">").text(label).raw("</option>");
    }
    h.raw("</select></label><label>From<input type=\"date\" name=\"from\"")
        .attr("value", &api::non_empty(&params.from).unwrap_or_default())
        .raw("></label><label>To<input type=\"date\" name=\"to\"")
        .attr("value", &api::non_empty(&params.to).unwrap_or_default())
        .raw("></label>");
    if let Some(entity) = &entity {
        h.raw("<input type=\"hidden\" name=\"entity\"")
            .attr("value", entity)
            .raw(">");
    }
    h.raw("<button type=\"submit\">Search</button></form>");
    if let Some(entity) = &entity {
        let name = entity_display_name(&state, entity).await?;
        h.raw("<p class=\"notice\">Only articles that mention ")
            .link(&entity_href(entity), &name)
            .raw(" · ");
        let mut without = String::from("/search");
        if !query_text.is_empty() {
            without.push_str(&format!("?q={}", url_encode(&query_text)));
        }
        h.link(&without, "Search all articles").raw("</p>");
    }
    match request {
        None => {
            h.element(
                "p",
                Some("muted"),
                "Search titles, text and outlet names, and the names of people, \
                 organisations and places. Use \"quotes\" for phrases, -word to exclude a \
                 word, title:word to search titles only, and entity:\"person:chris williamson\" \
                 (an id from the entity pages) for the articles that mention an entity.",
            );
        }
        Some(request) => {
            let offset = request.offset;
            let limit = request.limit;
            let outlet = request.outlet.clone();
            let sort = api::non_empty(&params.sort);
            let entities = if offset == 0 && !query_text.is_empty() && entity.is_none() {
                api::matching_entities(&state, &query_text).await?
            } else {
                Vec::new()
            };
            let stories = if offset == 0 && !query_text.is_empty() && entity.is_none() {
                crate::story_list::matching_stories(&state, &query_text).await?
            } else {
                Vec::new()
            };
            let results = api::run_search(&state, request).await?;
            if !stories.is_empty() {
                h.raw("<section class=\"story-matches\">");
                h.element("h2", None, "Stories");
                h.raw("<ul>");
                for story in &stories {
                    h.raw("<li>")
                        .link(&story.href, &story.title)
                        .raw(" <span class=\"muted\">")
                        .text(&format!(
                            "{} articles, {} sources",
                            story.article_count, story.sources
                        ))
                        .raw("</span></li>");
                }
                h.raw("</ul></section>");
            }
            if !entities.is_empty() {
                h.raw("<section class=\"entity-matches\">");
                h.element("h2", None, "Entities");
                crate::entities::render_entity_items(&mut h, &entities);
                h.raw("</section>");
            }
            if !entities.is_empty() {
                h.element("h2", None, "Articles");
            }
            let (from, to) = (api::non_empty(&params.from), api::non_empty(&params.to));
            let lean = api::non_empty(&params.lean);
            let filters = HitFilters {
                query: &query_text,
                outlet: outlet.as_deref(),
                entity: entity.as_deref(),
                sort: sort.as_deref(),
                from: from.as_deref(),
                to: to.as_deref(),
                lean: lean.as_deref(),
            };
            render_hits(&mut h, &filters, &results, offset, limit);
        }
    }
    let title = if query_text.is_empty() {
        "Search".to_string()
    } else {
        format!("{query_text} – Search")
    };
    Ok(html::response(StatusCode::OK, page(&title, &query_text, h)))
}

/// The name to show for an entity id: the store's display name when it
/// knows the id, else the id itself.
async fn entity_display_name(state: &AppState, id: &str) -> Result<String, PoolError> {
    let all = state.entities().await?;
    Ok(all
        .iter()
        .find(|e| e.id == id)
        .map_or_else(|| id.to_string(), |e| e.name.clone()))
}

/// What a search page was asked, for its pager links.
struct HitFilters<'a> {
    query: &'a str,
    outlet: Option<&'a str>,
    entity: Option<&'a str>,
    sort: Option<&'a str>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    lean: Option<&'a str>,
}

impl HitFilters<'_> {
    fn href(&self, offset: usize) -> String {
        self.link("/search", offset, None)
    }

    /// The matches as CSV (`q=*` when only an entity is searched, as the
    /// API wants words).
    fn csv_href(&self) -> String {
        self.link("/api/search.csv", 0, Some("*"))
    }

    fn link(&self, path: &str, offset: usize, no_words: Option<&str>) -> String {
        let mut parts = Vec::new();
        if !self.query.is_empty() {
            parts.push(format!("q={}", url_encode(self.query)));
        } else if let Some(words) = no_words {
            parts.push(format!("q={}", url_encode(words)));
        }
        for (name, value) in [
            ("outlet", self.outlet),
            ("entity", self.entity),
            ("sort", self.sort),
            ("from", self.from),
            ("to", self.to),
            ("lean", self.lean),
        ] {
            if let Some(v) = value {
                parts.push(format!("{name}={}", url_encode(v)));
            }
        }
        if offset > 0 {
            parts.push(format!("offset={offset}"));
        }
        format!("{path}?{}", parts.join("&"))
    }

    /// How the matches are described: “ferry” or “the entity”.
    fn described(&self) -> String {
        if self.query.is_empty() {
            "this entity".to_string()
        } else {
            format!("“{}”", self.query)
        }
    }
}

fn render_hits(
    h: &mut Html,
    filters: &HitFilters<'_>,
    results: &SearchResults,
    offset: usize,
    limit: usize,
) {
    if results.hits.is_empty() {
        let message = if offset > 0 && results.total > 0 {
            "No more articles on this page.".to_string()
        } else {
            format!("No articles match {}.", filters.described())
        };
        h.element("p", Some("notice"), &message);
        if offset == 0 || results.total == 0 {
            return;
        }
    } else {
        h.raw("<p class=\"muted\">")
            .text(&format!(
                "{} article{} match {}. ",
                results.total,
                if results.total == 1 { "" } else { "s" },
                filters.described()
            ))
            .link(&filters.csv_href(), "Download the matches as CSV")
            .raw(".</p>");
        if offset == 0 && !filters.query.trim().is_empty() && filters.entity.is_none() {
            crate::coverage_chart::figure(
                h,
                &format!("q={}", url_encode(filters.query)),
                "Matching articles per day by side of the outlets' lean",
            );
        }
    }
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
    pager(
        h,
        (offset > 0).then(|| filters.href(offset.saturating_sub(limit))),
        (offset + results.hits.len() < results.total).then(|| filters.href(offset + limit)),
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

    fn highlighted(
        text: &str,
        hl: Range<usize>,
        span: Range<usize>,
        state: &mut MarkState,
    ) -> String {
        let marks = with_highlight(Vec::new(), Some(hl));
        let mut h = Html::new();
        let end = span.end;
        write_marked(&mut h, text, span, end, &marks, state);
        h.into_string()
    }

    #[test]
    fn highlight_wraps_only_the_overlap_and_escapes() {
        let text = "a <b> c";
        let mut state = MarkState::default();
        assert_eq!(
            highlighted(text, 2..5, 0..7, &mut state),
            "a <mark id=\"hl\">&lt;b&gt;</mark> c"
        );
        assert_eq!(
            highlighted(text, 2..5, 0..7, &mut state),
            "a <mark>&lt;b&gt;</mark> c",
            "one anchor per page"
        );
        assert_eq!(highlighted(text, 2..5, 0..2, &mut state), "a ");
    }

    #[test]
    fn self_links_keep_the_highlight() {
        assert_eq!(
            article_self_href("a b", Some(&(3..9)), true),
            "/articles/a%20b?hl=3-9&marks=off#hl"
        );
        assert_eq!(article_self_href("x", None, false), "/articles/x");
    }
}
