//! Story pages and the stories API, read from the stories document the
//! pipeline stores after each ingest (`Store::replace_stories`).
//!
//! The story page puts the articles of each event side by side: what each
//! reports and leaves out, the quotes it carries (a quote shared across
//! articles is linked column to column), and the voice it speaks in. Every
//! finding links to its sentence in the article (`?hl=start-end`).

use crate::api::ApiError;
use crate::html::{self, page, url_encode, Html};
use crate::pages::PageError;
use crate::state::AppState;
use crate::story_cache::{RenderedPage, StoryEntry, StoryLoadError, StoryLookup};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parallax_compare::{ArticleEntry, Coverage, LeanDistribution, SharedQuote};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// The parts of a stored story document (the pipeline's `StoryView`)
/// the page shows.
#[derive(Debug, Deserialize)]
pub(crate) struct StoryDoc {
    pub(crate) title: String,
    pub(crate) events: Vec<EventDoc>,
    pub(crate) coverage: Coverage,
    /// Wire copies and republications, left out of the comparison (absent
    /// from documents written before copies were collapsed).
    #[serde(default)]
    pub(crate) republished: Vec<RepublicationDoc>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RepublicationDoc {
    pub(crate) article: String,
    pub(crate) copy_of: String,
    pub(crate) outlet: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct EventDoc {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) date_span: SpanDoc,
    pub(crate) articles: Vec<String>,
    pub(crate) coverage: Coverage,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SpanDoc {
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
}

pub(crate) async fn api_story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let wanted = id.clone();
    let story = state.inner.pool.read(move |s| lookup(s, &wanted)).await?;
    match story {
        Found::Story(story) => Ok(Json(story.document).into_response()),
        Found::Moved(to) => {
            let location = format!("/api/stories/{}", url_encode(&to));
            let body = serde_json::json!({
                "id": id,
                "moved_to": to,
                "location": location,
            });
            Ok((
                StatusCode::MOVED_PERMANENTLY,
                [(axum::http::header::LOCATION, location)],
                Json(body),
            )
                .into_response())
        }
        Found::Nothing => Err(ApiError::not_found(format!("no story with id {id:?}"))),
    }
}

/// `/api/stories/{id}/{table}`: one table of a story as CSV
/// (`articles.csv`, `facts.csv`, `quotes.csv`), each row with the article
/// and byte range it came from, for a spreadsheet.
pub(crate) async fn api_story_csv(
    State(state): State<AppState>,
    Path((id, table)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let Some(kind) = table
        .strip_suffix(".csv")
        .and_then(parallax_pipeline::csv::StoryTable::parse)
    else {
        return Err(ApiError::not_found(format!(
            "no table {table:?}: articles.csv, facts.csv or quotes.csv"
        )));
    };
    let wanted = id.clone();
    let story = state.inner.pool.read(move |s| lookup(s, &wanted)).await?;
    let stored = match story {
        Found::Story(story) => story,
        Found::Moved(to) => {
            let location = format!("/api/stories/{}/{}", url_encode(&to), url_encode(&table));
            return Ok((
                StatusCode::MOVED_PERMANENTLY,
                [(axum::http::header::LOCATION, location.clone())],
                Json(serde_json::json!({ "id": id, "moved_to": to, "location": location })),
            )
                .into_response());
        }
        Found::Nothing => return Err(ApiError::not_found(format!("no story with id {id:?}"))),
    };
    let view: parallax_pipeline::StoryView =
        serde_json::from_value(stored.document).map_err(|e| {
            ApiError::internal(format!(
            "story {id} was stored by another version; it is rewritten at the next refresh ({e})"
        ))
        })?;
    let mut body = Vec::new();
    parallax_pipeline::csv::story(&mut body, &view, kind)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let disposition = format!(
        "attachment; filename=\"{}-{}.csv\"",
        id.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        kind.name()
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// What a story id leads to.
enum Found {
    Story(Box<parallax_store::StoredStory>),
    /// The story merged into, or split from, this one, which holds most
    /// of its articles now.
    Moved(String),
    Nothing,
}

fn lookup(
    store: &dyn parallax_store::Store,
    id: &str,
) -> Result<Found, parallax_store::StoreError> {
    if let Some(story) = store.get_story(id)? {
        return Ok(Found::Story(Box::new(story)));
    }
    Ok(match store.story_moved_to(id)? {
        Some(to) => Found::Moved(to),
        None => Found::Nothing,
    })
}

fn moved_notice(location: &str) -> Html {
    let mut h = Html::new();
    h.element("h1", None, "This story moved");
    h.raw("<p>It joined another story, which now holds most of its articles: <a")
        .attr("href", location)
        .raw(">")
        .text(location)
        .raw("</a>.</p>");
    h
}

pub(crate) fn story_href(id: &str) -> String {
    format!("/stories/{}", url_encode(id))
}

/// Link to a span of an article, highlighted on its page.
pub(crate) fn span_href(article: &str, span: &Range<usize>) -> String {
    format!(
        "/articles/{}?hl={}-{}#hl",
        url_encode(article),
        span.start,
        span.end
    )
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn span_text(from: &Option<String>, to: &Option<String>) -> String {
    match (from, to) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (Some(a), None) | (None, Some(a)) => a.clone(),
        (None, None) => "Undated".to_string(),
    }
}

/// Rated articles a story needs before it can be called a blindspot.
pub(crate) const BLINDSPOT_MIN_RATED: usize = 3;

/// The blindspot flag of a story, with the rule spelt out: at least
/// [`BLINDSPOT_MIN_RATED`] rated articles, some from one side (left or
/// right) and none from the other; centre outlets neither make nor break
/// one.
pub(crate) fn blindspot(h: &mut Html, story: &str, lean: &LeanDistribution) {
    let Some(b) = blindspot_of(story, lean) else {
        return;
    };
    let side = parallax_compare::Side::label;
    let why = format!(
        "{} of {} rated articles come from {}-leaning outlets and none from the {}; \
         a blindspot needs at least {BLINDSPOT_MIN_RATED} rated articles, and centre \
         outlets do not count either way",
        b.articles,
        b.rated,
        side(b.covered_by),
        side(b.missed_by)
    );
    h.raw(" <span class=\"badge blindspot\"")
        .attr("title", &why)
        .raw(">")
        .text(&format!("blindspot: no {} coverage", side(b.missed_by)))
        .raw("</span>");
}

/// The blindspot of one story, if it is one (the rule: see [`blindspot`]).
pub(crate) fn blindspot_of(
    story: &str,
    lean: &LeanDistribution,
) -> Option<parallax_compare::Blindspot> {
    parallax_compare::blindspots(
        &[parallax_compare::StoryLean {
            story: story.to_string(),
            lean: lean.clone(),
        }],
        BLINDSPOT_MIN_RATED,
    )
    .into_iter()
    .next()
}

/// Left / centre / right / unrated shares of a story's articles, as a bar
/// with its counts spelt out (the colours alone are not the message).
pub(crate) fn lean_bar(h: &mut Html, lean: &LeanDistribution) {
    let total = lean.rated() + lean.unknown;
    if total == 0 {
        return;
    }
    let parts = [
        ("left", "left", lean.left),
        ("centre", "centre", lean.centre),
        ("right", "right", lean.right),
        ("unrated", "unrated", lean.unknown),
    ];
    // Shares are of the rated articles: "unrated" is a count, not a side.
    let rated = lean.rated();
    let label = parts
        .iter()
        .filter(|p| p.2 > 0)
        .map(|&(class, name, n)| {
            if class == "unrated" || rated == 0 {
                format!("{n} {name}")
            } else {
                format!("{n} {name} ({}%)", (n * 100 + rated / 2) / rated)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    h.raw("<div class=\"lean\"><div class=\"leanbar\" role=\"img\"")
        .attr("aria-label", &format!("Outlet lean: {label}"))
        .raw(">");
    for (class, _, n) in parts {
        if n > 0 {
            let width = n as f64 * 100.0 / total as f64;
            h.raw("<span")
                .attr("class", class)
                .attr("style", &format!("width:{width:.1}%"))
                .raw("></span>");
        }
    }
    h.raw("</div><span class=\"muted\">")
        .text(&format!("Outlet lean: {label}"))
        .raw("</span></div>");
}

/// `?events=N`: which page of the story's events to show (1-based).
#[derive(Debug, Deserialize)]
pub(crate) struct StoryPageParams {
    events: Option<String>,
}

/// Events shown on one page of a story; the rest are a link away.
pub(crate) const EVENTS_PER_PAGE: usize = 10;

pub(crate) async fn story_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<StoryPageParams>,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    let events_page = match params.events.as_deref().map(str::trim) {
        None | Some("") => 1,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                return Err(PageError(
                    StatusCode::BAD_REQUEST,
                    format!("events={text:?} is not a page number: give 1, 2, …"),
                ))
            }
        },
    };
    let generation = state.fresh_generation().await?;
    let key = (id.clone(), events_page);
    let rendered = match state.derived_story_page(&key) {
        Some(kept) => kept,
        None => {
            let entry = match state.story(&id).await.map_err(|e| load_error(&id, e))? {
                StoryLookup::Story(entry) => entry,
                StoryLookup::Moved(to) => {
                    let location = story_href(&to);
                    return Ok((
                        StatusCode::MOVED_PERMANENTLY,
                        [(axum::http::header::LOCATION, location.clone())],
                        html::response(
                            StatusCode::MOVED_PERMANENTLY,
                            page("Story moved", "", moved_notice(&location)),
                        ),
                    )
                        .into_response());
                }
                StoryLookup::Nothing => {
                    return Err(PageError(
                        StatusCode::NOT_FOUND,
                        format!("There is no story with id “{id}”."),
                    ))
                }
            };
            let pages = page_count(entry.doc.events.len());
            if events_page > pages {
                return Err(PageError(
                    StatusCode::NOT_FOUND,
                    format!(
                        "The story “{id}” has {} on {}; there is no page {events_page}.",
                        plural(entry.doc.events.len(), "event", "events"),
                        plural(pages, "page", "pages"),
                    ),
                ));
            }
            let names = name_links(&state, &entry.doc, events_page).await?;
            let page = Arc::new(RenderedPage::new(story_document(
                &entry,
                events_page,
                &names,
            )));
            state.keep_story_page(key, Arc::clone(&page), generation);
            page
        }
    };
    let mut response = html::response(StatusCode::OK, String::new());
    let gzip = if crate::compress::request_accepts_gzip(&headers) {
        rendered.gzip()
    } else {
        None
    };
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("accept-encoding"),
    );
    let body = match gzip {
        Some(packed) => {
            headers.insert(
                axum::http::header::CONTENT_ENCODING,
                axum::http::HeaderValue::from_static("gzip"),
            );
            packed
        }
        None => rendered.html.clone(),
    };
    headers.remove(axum::http::header::CONTENT_LENGTH);
    *response.body_mut() = axum::body::Body::from(body);
    Ok(response)
}

fn load_error(id: &str, e: StoryLoadError) -> PageError {
    match e {
        StoryLoadError::Pool(e) => e.into(),
        StoryLoadError::Unreadable(reason) => PageError(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("The stored story “{id}” cannot be read ({reason}); re-run `parallax ingest`."),
        ),
    }
}

/// Pages of [`EVENTS_PER_PAGE`] events (a story without events has one).
fn page_count(events: usize) -> usize {
    events.div_ceil(EVENTS_PER_PAGE).max(1)
}

/// The story's events in the order the page shows them: events covered
/// by several articles first (they are where outlets can be compared),
/// then in story order.
fn events_in_page_order(doc: &StoryDoc) -> Vec<(usize, &EventDoc)> {
    let mut events: Vec<(usize, &EventDoc)> = doc.events.iter().enumerate().collect();
    events.sort_by_key(|(index, event)| (usize::MAX - event.articles.len(), *index));
    events
}

/// Speakers link to their entity pages: the entity ids of each article
/// whose column is on this page (at most [`MAX_LINKED_ARTICLES`]).
async fn name_links(
    state: &AppState,
    doc: &StoryDoc,
    events_page: usize,
) -> Result<NameLinks, PageError> {
    let mut ids: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, event) in events_in_page_order(doc)
        .into_iter()
        .skip((events_page - 1) * EVENTS_PER_PAGE)
        .take(EVENTS_PER_PAGE)
    {
        for entry in event.coverage.articles.iter().take(MAX_COLUMNS) {
            if ids.len() < MAX_LINKED_ARTICLES && seen.insert(entry.id.as_str()) {
                ids.push(entry.id.clone());
            }
        }
    }
    Ok(state
        .inner
        .pool
        .read(move |s| {
            let mut names = NameLinks::new();
            for id in ids {
                let rows = s.article_entities(&id)?;
                let linked: HashMap<String, (String, String)> = rows
                    .into_iter()
                    .filter_map(|r| Some((r.name, (r.entity_id?, r.kind))))
                    .collect();
                names.insert(id, linked);
            }
            Ok(names)
        })
        .await?)
}

/// The whole HTML document of one page of a story.
fn story_document(entry: &StoryEntry, events_page: usize, names: &NameLinks) -> String {
    let stored = &entry.stored;
    let doc = &entry.doc;
    let body = render_story(
        &stored.id,
        doc,
        &stored.date_from,
        &stored.date_to,
        names,
        events_page,
    );
    let path = story_href(&stored.id);
    let mut description = format!(
        "{} from {}.",
        plural(stored.article_count, "article", "articles"),
        plural(stored.sources, "source", "sources")
    );
    if let Some(lede) = stored.glance.as_ref().and_then(|g| g.lede.as_ref()) {
        description = format!("{description} {}", lede.text);
    }
    let preview = html::Preview {
        kind: "article",
        description: &description,
        path: &path,
    };
    html::page_with(&doc.title, "", Some(&preview), body)
}

/// Per article, the entity id and kind of each name it uses.
pub(crate) type NameLinks = HashMap<String, HashMap<String, (String, String)>>;

/// Articles of one page whose entity names are linked (the rest show
/// names as text).
const MAX_LINKED_ARTICLES: usize = 200;

/// Columns shown side by side in one event; an event of more articles
/// shows its first ones and says where the rest are (the story's JSON and
/// articles CSV hold every article).
pub(crate) const MAX_COLUMNS: usize = 40;

pub(crate) fn render_story(
    id: &str,
    doc: &StoryDoc,
    date_from: &Option<String>,
    date_to: &Option<String>,
    names: &NameLinks,
    events_page: usize,
) -> Html {
    let mut h = Html::new();
    h.raw("<article class=\"story-page\">");
    h.element("h1", None, &doc.title);
    h.raw("<div class=\"meta\">");
    h.element("span", None, &span_text(date_from, date_to));
    h.element(
        "span",
        None,
        &plural(doc.coverage.articles.len(), "article", "articles"),
    );
    if !doc.republished.is_empty() {
        h.raw("<span")
            .attr(
                "title",
                "copies of another article here (same text): counted once",
            )
            .raw(">")
            .text(&format!(
                "{} not counted",
                plural(doc.republished.len(), "republication", "republications")
            ))
            .raw("</span>");
    }
    let apart: Vec<&str> = doc
        .coverage
        .counted_apart()
        .map(|a| a.kind.label())
        .collect();
    if !apart.is_empty() {
        let mut kinds: Vec<&str> = apart.clone();
        kinds.sort_unstable();
        kinds.dedup();
        h.raw("<span")
            .attr(
                "title",
                "opinion, letters and press releases are shown but neither carry nor \
                 are blamed for omissions",
            )
            .raw(">")
            .text(&format!(
                "{} ({}) counted apart",
                plural(apart.len(), "piece", "pieces"),
                kinds.join(", ")
            ))
            .raw("</span>");
    }
    h.element("span", None, &plural(doc.events.len(), "event", "events"));
    h.raw("<span>")
        .link(&format!("/api/stories/{}", url_encode(id)), "JSON")
        .raw(" · CSV: ");
    for (i, table) in ["articles", "facts", "quotes"].iter().enumerate() {
        if i > 0 {
            h.raw(", ");
        }
        h.link(
            &format!("/api/stories/{}/{table}.csv", url_encode(id)),
            table,
        );
    }
    h.raw("</span></div>");
    lean_bar(&mut h, &doc.coverage.lean);
    {
        let mut flag = Html::new();
        blindspot(&mut flag, id, &doc.coverage.lean);
        let flag = flag.into_string();
        if !flag.is_empty() {
            h.raw("<p class=\"blindspot-line\">").raw(&flag).raw("</p>");
        }
    }
    crate::story_overview::source_table(&mut h, &doc.coverage);
    if !doc.republished.is_empty() {
        render_all_republished(&mut h, &doc.republished);
    }
    crate::story_overview::headlines_by_side(&mut h, &doc.coverage);
    crate::story_overview::shared_and_one_sided(&mut h, &doc.coverage);
    crate::coverage_chart::figure(
        &mut h,
        &format!("story={}", url_encode(id)),
        "Articles per day by side of the outlets' lean",
    );
    render_timeline(&mut h, &doc.coverage);
    let events = events_in_page_order(doc);
    let pages = page_count(events.len());
    let first = (events_page - 1) * EVENTS_PER_PAGE;
    h.raw("<div id=\"events\">");
    if pages > 1 {
        events_pager(&mut h, id, events.len(), events_page, pages);
    }
    for (index, event) in events.into_iter().skip(first).take(EVENTS_PER_PAGE) {
        render_event(&mut h, id, index, event, &doc.republished, names);
    }
    if pages > 1 {
        events_pager(&mut h, id, doc.events.len(), events_page, pages);
    }
    h.raw("</div>");
    if !doc.coverage.notes.is_empty() {
        h.raw("<details><summary>How this comparison was made</summary><ul>");
        for note in &doc.coverage.notes {
            h.element("li", None, note);
        }
        h.raw("</ul></details>");
    }
    h.raw("</article>");
    h
}

/// "in Outlet One and 2 other outlets": who carries an omitted fact,
/// outlets counted once.
fn carried_by(coverage: &Coverage, fact: &parallax_compare::Fact, first: &str) -> String {
    let mut outlets: Vec<String> = fact
        .articles
        .iter()
        .filter_map(|id| coverage.articles.iter().find(|a| &a.id == id))
        .map(outlet_name)
        .collect();
    outlets.sort();
    outlets.dedup();
    let others = outlets.len().saturating_sub(1);
    match others {
        0 => format!("in {}", short_label(coverage, first)),
        1 => format!("in {} and 1 other outlet", short_label(coverage, first)),
        n => format!("in {} and {n} other outlets", short_label(coverage, first)),
    }
}

/// "Also published by …": the copies of this column's article, each a
/// link to the copy (the same text, counted once in every figure).
/// How a copy is named: its outlet, or what it lacks.
fn copy_label(copy: &RepublicationDoc) -> &str {
    copy.outlet
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .unwrap_or("an article of no named outlet")
}

/// Under the source table: the copies left out of it, each with the
/// article it copies.
fn render_all_republished(h: &mut Html, republished: &[RepublicationDoc]) {
    h.raw("<p class=\"muted republished\">Republished, counted once: ");
    for (i, copy) in republished.iter().enumerate() {
        if i > 0 {
            h.text("; ");
        }
        let label = copy_label(copy);
        h.link(&format!("/articles/{}", url_encode(&copy.article)), label)
            .text(" (copy of ")
            .link(
                &format!("/articles/{}", url_encode(&copy.copy_of)),
                &copy.copy_of,
            )
            .text(")");
    }
    h.raw("</p>");
}

fn render_republished(h: &mut Html, original: &str, republished: &[RepublicationDoc]) {
    let copies: Vec<&RepublicationDoc> = republished
        .iter()
        .filter(|r| r.copy_of == original)
        .collect();
    if copies.is_empty() {
        return;
    }
    h.raw("<p class=\"also-published\">Also published by ");
    for (i, copy) in copies.iter().enumerate() {
        if i > 0 {
            h.text(", ");
        }
        let label = copy_label(copy);
        h.link(&format!("/articles/{}", url_encode(&copy.article)), label);
    }
    h.raw(" <span class=\"muted\">(same text; counted once)</span></p>");
}

pub(crate) fn outlet_name(entry: &ArticleEntry) -> String {
    entry
        .outlet_match
        .as_ref()
        .map(|m| m.outlet.name.clone())
        .or_else(|| entry.outlet.clone())
        .unwrap_or_else(|| "Unknown outlet".to_string())
}

fn short_label(coverage: &Coverage, article: &str) -> String {
    coverage
        .articles
        .iter()
        .find(|a| a.id == article)
        .map(|a| match (&a.outlet, &a.outlet_match, &a.title) {
            (Some(_), _, _) | (_, Some(_), _) => outlet_name(a),
            (None, None, Some(title)) => title.clone(),
            (None, None, None) => a.id.clone(),
        })
        .unwrap_or_else(|| article.to_string())
}

/// Timeline entries shown before the rest fold into a `<details>`.
const TIMELINE_SHOWN: usize = 5;

fn render_timeline(h: &mut Html, coverage: &Coverage) {
    h.raw("<section class=\"timeline\"><h2>Timeline</h2>");
    if coverage.timeline.is_empty() {
        h.element("p", Some("muted"), "No dated events were found.");
        h.raw("</section>");
        return;
    }
    // The story's key dated events first; the rest and the background
    // (dates well before the story) fold away, still without script. A
    // comparison stored before keys existed shows its first entries.
    let any_key = coverage.timeline.iter().any(|e| e.key);
    let (mut key, mut more, mut background) = (Vec::new(), Vec::new(), Vec::new());
    for (i, e) in coverage.timeline.iter().enumerate() {
        if e.background.is_some() {
            background.push(e);
        } else if e.key || (!any_key && i < TIMELINE_SHOWN) {
            key.push(e);
        } else {
            more.push(e);
        }
    }
    let entry_html = |h: &mut Html, entry: &parallax_compare::TimelineEntry| {
        h.raw("<li><time")
            .attr("datetime", &entry.date)
            .raw(">")
            .text(&entry.date)
            .raw("</time> ")
            .element("span", Some("when-text"), &entry.text)
            .raw(" <span class=\"sources\">");
        for (i, source) in entry.sources.iter().enumerate() {
            if i > 0 {
                h.raw(", ");
            }
            h.link(
                &span_href(&source.article, &source.span),
                &short_label(coverage, &source.article),
            );
        }
        h.raw("</span>");
        if let Some(why) = &entry.background {
            h.raw(" <span class=\"why muted\">")
                .text(why)
                .raw("</span>");
        }
        h.raw("</li>");
    };
    if key.is_empty() {
        h.element(
            "p",
            Some("muted"),
            "No date is reported by more than one article.",
        );
    } else {
        h.raw("<ol>");
        for e in &key {
            entry_html(h, e);
        }
        h.raw("</ol>");
    }
    if !more.is_empty() {
        h.raw("<details class=\"more-dates\"><summary>")
            .text(&format!("{} more dated events", more.len()))
            .raw("</summary><ol>");
        for e in &more {
            entry_html(h, e);
        }
        h.raw("</ol></details>");
    }
    if !background.is_empty() {
        h.raw("<details class=\"background-dates\"><summary>")
            .text(&format!(
                "{} background dates (well before the story)",
                background.len()
            ))
            .raw("</summary><ol>");
        for e in &background {
            entry_html(h, e);
        }
        h.raw("</ol></details>");
    }
    h.raw("</section>");
}

/// Anchor of one article's occurrence of a shared quote in one event.
fn quote_anchor(event: usize, quote: usize, article: &str) -> String {
    format!("q{event}-{quote}-{}", url_encode(article))
}

/// Quotes printed (or paraphrased) by more than one article.
fn is_shared(quote: &SharedQuote) -> bool {
    let mut carriers: Vec<&str> = quote
        .occurrences
        .iter()
        .map(|o| o.article.as_str())
        .collect();
    carriers.sort_unstable();
    carriers.dedup();
    carriers.len() > 1
}

/// "Events 11–20 of 37 (most covered first) · ‹ previous · next ›".
fn events_pager(h: &mut Html, id: &str, events: usize, current: usize, pages: usize) {
    let first = (current - 1) * EVENTS_PER_PAGE + 1;
    let last = (current * EVENTS_PER_PAGE).min(events);
    let href = |n: usize| format!("{}?events={n}#events", story_href(id));
    h.raw("<nav class=\"pager events-pager\" aria-label=\"pages of events\">");
    h.text(&format!(
        "Events {first}–{last} of {events}, most covered first"
    ));
    if current > 1 {
        h.raw(" · ").link(&href(current - 1), "‹ previous");
    }
    if current < pages {
        h.raw(" · ").link(&href(current + 1), "next ›");
    }
    h.raw(" · pages:");
    for n in 1..=pages {
        h.raw(" ");
        if n == current {
            h.raw("<strong aria-current=\"page\">")
                .text(&n.to_string())
                .raw("</strong>");
        } else {
            h.link(&href(n), &n.to_string());
        }
    }
    h.raw("</nav>");
}

fn render_event(
    h: &mut Html,
    story: &str,
    index: usize,
    event: &EventDoc,
    republished: &[RepublicationDoc],
    names: &NameLinks,
) {
    let coverage = &event.coverage;
    h.raw("<section class=\"event\"")
        .attr("id", &format!("event-{}", event.id))
        .attr("data-articles", &event.articles.join(" "))
        .raw(">");
    h.element("h2", None, &event.title);
    h.raw("<div class=\"meta\">");
    h.element(
        "span",
        None,
        &span_text(&event.date_span.from, &event.date_span.to),
    );
    h.element(
        "span",
        None,
        &plural(event.articles.len(), "article", "articles"),
    );
    let shared_facts = coverage
        .facts
        .facts
        .iter()
        .filter(|f| f.articles.len() > 1)
        .count();
    h.element(
        "span",
        None,
        &plural(shared_facts, "shared fact", "shared facts"),
    );
    h.raw("</div>");
    // The columns are the long part of a page: open on demand, except for
    // an event of one article (nothing to compare, little to show).
    h.raw("<details class=\"side-by-side\"");
    if coverage.articles.len() <= 1 {
        h.raw(" open");
    }
    h.raw("><summary>")
        .text(&format!(
            "Side by side: {}",
            plural(coverage.articles.len(), "article", "articles")
        ))
        .raw("</summary><div class=\"columns\">");
    for entry in coverage.articles.iter().take(MAX_COLUMNS) {
        render_column(h, index, coverage, entry, republished, names);
    }
    h.raw("</div>");
    if coverage.articles.len() > MAX_COLUMNS {
        h.raw("<p class=\"muted columns-cut\">")
            .text(&format!(
                "The first {MAX_COLUMNS} of {} articles are shown side by side; every article is in ",
                coverage.articles.len()
            ))
            .link(
                &format!("/api/stories/{}/articles.csv", url_encode(story)),
                "the articles CSV",
            )
            .raw(" and ")
            .link(&format!("/api/stories/{}", url_encode(story)), "the JSON")
            .raw(".</p>");
    }
    h.raw("</details></section>");
}

fn render_column(
    h: &mut Html,
    event: usize,
    coverage: &Coverage,
    entry: &ArticleEntry,
    republished: &[RepublicationDoc],
    names: &NameLinks,
) {
    let id = entry.id.as_str();
    h.raw("<div class=\"column\"")
        .attr("data-article", id)
        .raw(">");
    h.raw("<h3><a")
        .attr("href", &format!("/articles/{}", url_encode(id)))
        .raw(">")
        .text(entry.title.as_deref().unwrap_or(id))
        .raw("</a></h3><div class=\"meta\">");
    h.element("span", Some("outlet"), &outlet_name(entry));
    if entry.kind != parallax_compare::DocKind::News {
        // The kind with the signal that decided it.
        let why = entry.kind_why.as_deref().unwrap_or("");
        let how = if entry.kind.is_news() {
            format!("typed from {why}")
        } else {
            format!("typed from {why}; counted apart from news coverage")
        };
        h.raw("<span class=\"doc-kind\"")
            .attr("title", &how)
            .raw(">")
            .text(entry.kind.label())
            .raw("</span>");
    }
    if let Some(date) = &entry.published {
        h.raw("<span><time")
            .attr("datetime", date)
            .raw(">")
            .text(date)
            .raw("</time></span>");
    }
    if let Some(m) = &entry.outlet_match {
        let (label, how) = crate::outlets::lean_text(m.lean.as_ref());
        h.raw("<span")
            .attr("title", &how)
            .raw(">")
            .text(&label)
            .raw("</span>");
        h.raw("<span")
            .attr("title", "how the outlet was decided")
            .raw(">");
        h.text(&format!("outlet: {}", m.matched_by)).raw("</span>");
    }
    h.raw("</div>");
    render_republished(h, id, republished);

    // Facts: shared ones first, then those only this article reports.
    let per_article = coverage.facts.per_article.iter().find(|p| p.article == id);
    let reported: Vec<_> = coverage
        .facts
        .facts
        .iter()
        .filter_map(|f| {
            f.cells
                .iter()
                .find(|c| c.article == id && c.primary)
                .map(|c| (f, c))
        })
        .collect();
    let shared: Vec<_> = reported
        .iter()
        .filter(|(f, _)| f.articles.len() > 1)
        .collect();
    h.raw("<h4>Reports</h4>");
    if shared.is_empty() {
        h.element(
            "p",
            Some("muted"),
            "No fact shared with the other articles.",
        );
    } else {
        h.raw("<ul class=\"facts\">");
        for (fact, cell) in &shared {
            h.raw("<li class=\"fact\"")
                .attr("data-fact", &fact.id.to_string())
                .raw("><a")
                .attr("href", &span_href(id, &cell.span))
                .raw(">")
                .text(&cell.text)
                .raw("</a> ")
                .element(
                    "span",
                    Some("badge"),
                    &format!("{} of {}", fact.articles.len(), coverage.articles.len()),
                )
                .raw("</li>");
        }
        h.raw("</ul>");
    }
    let exclusive: Vec<_> = reported
        .iter()
        .filter(|(f, _)| f.articles.len() == 1)
        .collect();
    if !exclusive.is_empty() {
        h.raw("<details><summary>")
            .text(&format!("Only here ({})", exclusive.len()))
            .raw("</summary><ul class=\"facts\">");
        for (_, cell) in exclusive {
            h.raw("<li><a")
                .attr("href", &span_href(id, &cell.span))
                .raw(">")
                .text(&cell.text)
                .raw("</a></li>");
        }
        h.raw("</ul></details>");
    }
    let omitted: Vec<_> = per_article
        .map(|p| {
            p.omitted
                .iter()
                .filter_map(|fid| coverage.facts.facts.iter().find(|f| f.id == *fid))
                .collect()
        })
        .unwrap_or_default();
    h.raw("<h4>Leaves out</h4>");
    if omitted.is_empty() {
        h.element(
            "p",
            Some("muted"),
            "Nothing that at least two other outlets report.",
        );
    } else {
        h.raw("<ul class=\"facts omitted\">");
        for fact in omitted {
            h.raw("<li class=\"omitted\">");
            match fact.cells.first() {
                Some(cell) => {
                    h.raw("<a")
                        .attr("href", &span_href(&cell.article, &cell.span))
                        .raw(">")
                        .text(&fact.text)
                        .raw("</a> ")
                        .element(
                            "span",
                            Some("badge"),
                            &carried_by(coverage, fact, &cell.article),
                        );
                }
                None => {
                    h.text(&fact.text);
                }
            }
            h.raw("</li>");
        }
        h.raw("</ul>");
    }

    render_quotes(h, event, coverage, id, names.get(id));
    render_voice(h, coverage, id);
    h.raw("</div>");
}

fn render_quotes(
    h: &mut Html,
    event: usize,
    coverage: &Coverage,
    id: &str,
    names: Option<&HashMap<String, (String, String)>>,
) {
    let mine: Vec<_> = coverage
        .quotes
        .iter()
        .flat_map(|q| {
            q.occurrences
                .iter()
                .filter(move |o| o.article == id)
                .map(move |o| (q, o))
        })
        .collect();
    h.raw("<h4>Quotes</h4>");
    if mine.is_empty() {
        h.element("p", Some("muted"), "No quotes.");
        return;
    }
    // Shared quotes first: they are what the columns have in common.
    let mut ordered = mine;
    ordered.sort_by_key(|(q, o)| (!is_shared(q), o.span.start));
    h.raw("<ul class=\"quotes\">");
    // An article may use one quote twice; only the first use is the
    // anchor the other columns link to (ids must be unique).
    let mut anchored = std::collections::HashSet::new();
    for (quote, occurrence) in ordered {
        let shared = is_shared(quote);
        h.raw("<li")
            .attr("class", if shared { "quote shared" } else { "quote" })
            .attr("data-quote", &quote.id.to_string());
        if shared && anchored.insert(quote.id) {
            h.attr("id", &quote_anchor(event, quote.id, id));
        }
        h.raw("><a")
            .attr("href", &span_href(id, &occurrence.span))
            .raw(">“")
            .text(&occurrence.text)
            .raw("”</a>");
        if let Some(speaker) = occurrence.speaker.as_ref().or(quote.speaker.as_ref()) {
            h.raw(" <span class=\"speaker\">— ");
            match names.and_then(|n| n.get(speaker)) {
                Some((entity, kind)) => {
                    h.raw("<a")
                        .attr("class", &format!("ent {}", crate::entities::css_kind(kind)))
                        .attr("href", &crate::marks::entity_href(entity))
                        .raw(">")
                        .text(speaker)
                        .raw("</a>");
                }
                None => {
                    h.text(speaker);
                }
            }
            h.raw("</span>");
        }
        h.raw(" ").element(
            "span",
            Some("badge"),
            &format!("{:?}", occurrence.form).to_lowercase(),
        );
        if shared {
            h.raw("<div class=\"also\">Shared quote #")
                .text(&quote.id.to_string())
                .raw(", also in ");
            let mut others: Vec<&str> = quote
                .occurrences
                .iter()
                .map(|o| o.article.as_str())
                .filter(|a| *a != id)
                .collect();
            others.dedup();
            for (i, other) in others.iter().enumerate() {
                if i > 0 {
                    h.raw(", ");
                }
                h.raw("<a class=\"quote-link\"")
                    .attr(
                        "href",
                        &format!("#{}", quote_anchor(event, quote.id, other)),
                    )
                    .raw(">")
                    .text(&short_label(coverage, other))
                    .raw("</a>");
            }
            h.raw("</div>");
        }
        if !occurrence.spelling_variants.is_empty() {
            h.raw("<div class=\"variants\">Worded differently: ");
            for (i, v) in occurrence.spelling_variants.iter().enumerate() {
                if i > 0 {
                    h.raw("; ");
                }
                h.raw("<del>")
                    .text(&v.canonical)
                    .raw("</del> → <ins>")
                    .text(&v.here)
                    .raw("</ins>");
            }
            h.raw("</div>");
        }
        h.raw("</li>");
    }
    h.raw("</ul>");
}

fn render_voice(h: &mut Html, coverage: &Coverage, id: &str) {
    h.raw("<h4>Voice</h4>");
    let Some(voice) = coverage.voice.iter().find(|v| v.article == id) else {
        h.element("p", Some("muted"), "Not analysed.");
        return;
    };
    if voice.loaded.is_empty()
        && voice.scare_quotes.is_empty()
        && voice.narrator_assertions.is_empty()
    {
        h.element(
            "p",
            Some("muted"),
            "No loaded words, scare quotes or narrator assertions.",
        );
    } else {
        h.raw("<ul class=\"voice\">");
        for hit in &voice.narrator_assertions {
            h.raw("<li class=\"flag narrator\"><span class=\"kind\">narrator</span><a")
                .attr("href", &span_href(id, &hit.span))
                .raw(">")
                .text(&hit.phrase)
                .raw("</a> <span class=\"muted\">")
                .text(&format!(
                    "stated as fact here; quoted by {}{}",
                    hit.quoted_in
                        .iter()
                        .map(|a| short_label(coverage, a))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if hit.indirect {
                        " (after a speech verb: weaker)"
                    } else {
                        ""
                    }
                ))
                .raw("</span></li>");
        }
        for scare in &voice.scare_quotes {
            h.raw("<li class=\"flag scare\"><span class=\"kind\">scare quote</span><a")
                .attr("href", &span_href(id, &scare.span))
                .raw(">“")
                .text(&scare.text)
                .raw("”</a>");
            if !scare.why.is_empty() {
                h.raw(" <span class=\"why muted\">")
                    .text(&scare.why)
                    .raw("</span>");
            }
            h.raw("</li>");
        }
        for hit in &voice.loaded {
            h.raw("<li class=\"flag loaded\"><span class=\"kind\">loaded</span><a")
                .attr("href", &span_href(id, &hit.span))
                .raw(">")
                .text(&hit.text)
                .raw("</a>");
            // Why it is flagged: the list, its section and the entry.
            if !hit.why.is_empty() {
                h.raw(" <span class=\"why muted\">")
                    .text(&hit.why)
                    .raw("</span>");
            } else if !hit.text.eq_ignore_ascii_case(&hit.term) {
                h.raw(" <span class=\"muted\">(")
                    .text(&hit.term)
                    .raw(")</span>");
            }
            h.raw("</li>");
        }
        h.raw("</ul>");
    }
    if !voice.attribution_verbs.is_empty() {
        let verbs = voice
            .attribution_verbs
            .iter()
            .take(6)
            .map(|v| format!("{} ×{}", v.verb, v.count))
            .collect::<Vec<_>>()
            .join(", ");
        h.raw("<p class=\"muted\">")
            .text(&format!("Attribution: {verbs}"))
            .raw("</p>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_text_reads_naturally() {
        let d = |s: &str| Some(s.to_string());
        assert_eq!(span_text(&d("2019-02-01"), &d("2019-02-01")), "2019-02-01");
        assert_eq!(
            span_text(&d("2019-02-01"), &d("2019-03-01")),
            "2019-02-01 – 2019-03-01"
        );
        assert_eq!(span_text(&None, &None), "Undated");
    }

    #[test]
    fn blindspot_needs_enough_rated_articles_and_one_side_only() {
        let flag = |left: usize, centre: usize, right: usize| {
            let lean = LeanDistribution {
                left,
                centre,
                right,
                ..LeanDistribution::default()
            };
            let mut h = Html::new();
            blindspot(&mut h, "st-1", &lean);
            h.into_string()
        };
        let html = flag(3, 1, 0);
        assert!(html.contains("blindspot: no right coverage"), "{html}");
        assert!(
            html.contains("3 of 4 rated articles come from left-leaning outlets"),
            "{html}"
        );
        assert!(flag(2, 0, 0).is_empty(), "too few rated articles");
        assert!(flag(3, 0, 1).is_empty(), "both sides covered it");
        assert!(flag(0, 5, 0).is_empty(), "centre alone is no blindspot");
        assert!(flag(0, 1, 4).contains("blindspot: no left coverage"));
    }

    #[test]
    fn lean_bar_spells_out_counts_and_skips_empty() {
        let mut h = Html::new();
        lean_bar(&mut h, &LeanDistribution::default());
        assert_eq!(h.into_string(), "");
        let lean = LeanDistribution {
            left: 2,
            right: 1,
            unknown: 1,
            ..LeanDistribution::default()
        };
        let mut h = Html::new();
        lean_bar(&mut h, &lean);
        let html = h.into_string();
        assert!(
            html.contains("Outlet lean: 2 left (67%), 1 right (33%), 1 unrated"),
            "{html}"
        );
        assert!(
            html.contains("class=\"left\" style=\"width:50.0%\""),
            "{html}"
        );
        assert!(!html.contains("class=\"centre\""));
    }

    #[test]
    fn span_links_encode_the_article_id() {
        assert_eq!(span_href("a b/c", &(3..9)), "/articles/a%20b%2Fc?hl=3-9#hl");
    }
}
