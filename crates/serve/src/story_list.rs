//! The story list — the home page — and `/api/stories`: one filter and
//! one sort for both, so the page and the API always agree on what
//! matches and how many.
//!
//! Every value the list filters or sorts by is a column of the story row
//! (`StorySummary`, its `glance` included): listing every story never
//! opens a story document. Stories stored before the glance was kept get
//! their lean from the documents once, through the state's cache.

use crate::api::{
    non_empty, outlet_filter, parse_count, parse_date, same_outlet, ApiError, ApiQuery,
    DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET,
};
use crate::html::{self, page, url_encode, Html};
use crate::pages::PageError;
use crate::state::{AppState, PoolError};
use crate::stories::{blindspot_of, lean_bar, plural, span_href, span_text, story_href};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parallax_compare::{LeanDistribution, Side};
use parallax_store::{StoryGlance, StorySummary};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;

/// Query parameters of the story list page and `/api/stories`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StoryListParams {
    pub(crate) outlet: Option<String>,
    /// `left`, `centre` or `right`: stories with coverage from that side.
    pub(crate) lean: Option<String>,
    /// Stories whose dates reach into `from` … `to` (ISO days).
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// Stories told by at least this many sources.
    pub(crate) min_sources: Option<String>,
    /// `newest` (the default), `covered` or `one-sided`.
    pub(crate) sort: Option<String>,
    pub(crate) limit: Option<String>,
    pub(crate) offset: Option<String>,
    /// `hide` (the default), `show` or `only`.
    pub(crate) single_source: Option<String>,
}

/// Which stories of one source a listing shows. A story one outlet alone
/// reported is not yet a story told by several sides, so by default it is
/// left out of the list (and counted, with a way to show it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SingleSource {
    Hide,
    Show,
    Only,
}

impl SingleSource {
    pub(crate) fn parse(value: &Option<String>) -> Result<Self, String> {
        match non_empty(value).as_deref() {
            None | Some("hide") => Ok(SingleSource::Hide),
            Some("show") => Ok(SingleSource::Show),
            Some("only") => Ok(SingleSource::Only),
            Some(other) => Err(format!(
                "single_source must be hide, show or only, not {other:?}"
            )),
        }
    }

    fn keeps(self, story: &StorySummary) -> bool {
        match self {
            SingleSource::Hide => !story.single_source(),
            SingleSource::Show => true,
            SingleSource::Only => story.single_source(),
        }
    }

    fn value(self) -> Option<&'static str> {
        match self {
            SingleSource::Hide => None,
            SingleSource::Show => Some("show"),
            SingleSource::Only => Some("only"),
        }
    }
}

/// The order of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StorySort {
    /// Latest article first (the store's order).
    Newest,
    /// Most sources first, then most articles.
    Covered,
    /// Most one-sided first: the gap between left and right articles over
    /// the rated ones. Stories with fewer than two rated articles have no
    /// measure and come last.
    OneSided,
}

impl StorySort {
    fn parse(value: &Option<String>) -> Result<Self, String> {
        match non_empty(value).as_deref() {
            None | Some("newest") => Ok(StorySort::Newest),
            Some("covered") => Ok(StorySort::Covered),
            Some("one-sided") => Ok(StorySort::OneSided),
            Some(other) => Err(format!(
                "sort must be newest, covered or one-sided, not {other:?}"
            )),
        }
    }

    fn value(self) -> &'static str {
        match self {
            StorySort::Newest => "newest",
            StorySort::Covered => "covered",
            StorySort::OneSided => "one-sided",
        }
    }
}

/// How one-sided a story's coverage is, in `0 ..= 1`: |left − right| over
/// its rated articles (centre outlets dilute it). `None` under two rated
/// articles, where one article would make any story "one-sided".
pub(crate) fn one_sidedness(glance: &StoryGlance) -> Option<f64> {
    let rated = glance.rated();
    (rated >= 2).then(|| glance.left.abs_diff(glance.right) as f64 / rated as f64)
}

/// A parsed story filter and sort.
#[derive(Debug, Clone)]
pub(crate) struct StoryFilter {
    single: SingleSource,
    outlet: Option<String>,
    lean: Option<Side>,
    from: Option<String>,
    to: Option<String>,
    min_sources: usize,
    sort: StorySort,
}

/// Sources a story can be asked to have at least (far beyond any story).
const MAX_MIN_SOURCES: usize = 10_000;

impl StoryFilter {
    pub(crate) fn parse(p: &StoryListParams) -> Result<StoryFilter, String> {
        let lean = crate::api::parse_side(&p.lean)?;
        // A `to` before `from` is a valid question with no answer: nothing
        // matches (as `/api/articles` does), not an error the API
        // description could not state.
        let from = parse_date("from", &p.from)?;
        let to = parse_date("to", &p.to)?;
        Ok(StoryFilter {
            single: SingleSource::parse(&p.single_source)?,
            outlet: outlet_filter(&p.outlet),
            lean,
            from,
            to,
            min_sources: parse_count("min_sources", &p.min_sources, 0, 0, MAX_MIN_SOURCES)?,
            sort: StorySort::parse(&p.sort)?,
        })
    }

    /// Every test but the single-source one (which the page counts apart).
    fn keeps_besides_single(&self, s: &StorySummary, glance: Option<&StoryGlance>) -> bool {
        if let Some(o) = &self.outlet {
            if !s.outlets.iter().any(|name| same_outlet(name, o)) {
                return false;
            }
        }
        if s.sources < self.min_sources {
            return false;
        }
        if let Some(side) = self.lean {
            let n = glance.map_or(0, |g| match side {
                Side::Left => g.left,
                Side::Centre => g.centre,
                Side::Right => g.right,
            });
            if n == 0 {
                return false;
            }
        }
        // The story's span must reach into the asked range; an undated
        // story matches no date filter.
        if let Some(from) = &self.from {
            match s.date_to.as_ref().or(s.date_from.as_ref()) {
                Some(last) if last >= from => {}
                _ => return false,
            }
        }
        if let Some(to) = &self.to {
            match s.date_from.as_ref().or(s.date_to.as_ref()) {
                Some(first) if first <= to => {}
                _ => return false,
            }
        }
        true
    }

    /// The query string that repeats this filter (for links and paging),
    /// without `offset`.
    fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(o) = &self.outlet {
            q.push(("outlet", o.clone()));
        }
        if let Some(side) = self.lean {
            q.push(("lean", side.label().to_string()));
        }
        if let Some(d) = &self.from {
            q.push(("from", d.clone()));
        }
        if let Some(d) = &self.to {
            q.push(("to", d.clone()));
        }
        if self.min_sources > 0 {
            q.push(("min_sources", self.min_sources.to_string()));
        }
        if self.sort != StorySort::Newest {
            q.push(("sort", self.sort.value().to_string()));
        }
        if let Some(v) = self.single.value() {
            q.push(("single_source", v.to_string()));
        }
        q
    }

    fn is_default(&self) -> bool {
        self.query_pairs().is_empty()
    }
}

/// A story with what the list shows of it.
pub(crate) struct Listed {
    pub(crate) summary: StorySummary,
    pub(crate) glance: Option<StoryGlance>,
}

/// The stories a filter keeps, in its order, and how many of the others
/// only the single-source rule left out.
pub(crate) struct Selection {
    pub(crate) matching: Vec<Listed>,
    /// Stories that pass every test but the single-source one and are
    /// left out by it.
    pub(crate) hidden_single: usize,
    /// Stories of one source among those passing the other tests.
    pub(crate) singles: usize,
    /// Stories in the store.
    pub(crate) stored: usize,
}

/// Reads every story row and applies `filter`. Stories without a stored
/// glance (written by an older build) take their lean from the story
/// documents, read once and cached by the state.
pub(crate) async fn select(state: &AppState, filter: &StoryFilter) -> Result<Selection, PoolError> {
    let all = state.stories().await?;
    let stored = all.len();
    let lacking: Vec<String> = all
        .iter()
        .filter(|s| s.glance.is_none())
        .map(|s| s.id.clone())
        .collect();
    let mut fallback = if lacking.is_empty() {
        Default::default()
    } else {
        state.story_leans(&lacking).await?
    };
    let mut hidden_single = 0;
    let mut singles = 0;
    let mut matching = Vec::new();
    for summary in all.iter() {
        let glance = summary.glance.clone().or_else(|| {
            fallback.remove(&summary.id).map(|lean| StoryGlance {
                left: lean.left,
                centre: lean.centre,
                right: lean.right,
                unrated: lean.unknown,
                lede: None,
            })
        });
        if !filter.keeps_besides_single(summary, glance.as_ref()) {
            continue;
        }
        if summary.single_source() {
            singles += 1;
        }
        if !filter.single.keeps(summary) {
            hidden_single += 1;
            continue;
        }
        matching.push(Listed {
            summary: summary.clone(),
            glance,
        });
    }
    match filter.sort {
        StorySort::Newest => {}
        // Stable sorts: ties keep the newest-first order.
        StorySort::Covered => {
            matching.sort_by_key(|l| Reverse((l.summary.sources, l.summary.article_count)))
        }
        StorySort::OneSided => matching.sort_by(|a, b| {
            let key = |l: &Listed| l.glance.as_ref().and_then(one_sidedness);
            let rated = |l: &Listed| l.glance.as_ref().map_or(0, StoryGlance::rated);
            key(b)
                .partial_cmp(&key(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(rated(b).cmp(&rated(a)))
        }),
    }
    Ok(Selection {
        matching,
        hidden_single,
        singles,
        stored,
    })
}

/// A story whose title or lede holds every word of a search.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StoryMatch {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) article_count: usize,
    pub(crate) sources: usize,
    pub(crate) href: String,
}

/// Stories listed above a search's article hits.
const STORY_MATCHES: usize = 5;

/// The stories whose title or one-line summary holds every word of
/// `query` (words of two letters or more, operators and field prefixes
/// left out), most sources first: a search finds the story, not only its
/// articles. Reads the cached story rows, no document.
pub(crate) async fn matching_stories(
    state: &AppState,
    query: &str,
) -> Result<Vec<StoryMatch>, PoolError> {
    let words: Vec<String> = query
        .split_whitespace()
        .filter(|w| !w.starts_with('-') && !w.contains(':'))
        .flat_map(|w| w.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().count() >= 2)
        .filter(|w| !matches!(*w, "AND" | "OR" | "NOT"))
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let all = state.stories().await?;
    let mut found: Vec<&StorySummary> = all
        .iter()
        .filter(|s| !s.single_source())
        .filter(|s| {
            let mut text = s.title.to_lowercase();
            if let Some(lede) = s.glance.as_ref().and_then(|g| g.lede.as_ref()) {
                text.push(' ');
                text.push_str(&lede.text.to_lowercase());
            }
            let tokens: std::collections::HashSet<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|t| !t.is_empty())
                .collect();
            words.iter().all(|w| tokens.contains(w.as_str()))
        })
        .collect();
    found.sort_by_key(|s| Reverse(s.sources));
    Ok(found
        .into_iter()
        .take(STORY_MATCHES)
        .map(|s| StoryMatch {
            id: s.id.clone(),
            title: s.title.clone(),
            article_count: s.article_count,
            sources: s.sources,
            href: story_href(&s.id),
        })
        .collect())
}

fn lean_of(glance: &StoryGlance) -> LeanDistribution {
    LeanDistribution {
        left: glance.left,
        centre: glance.centre,
        right: glance.right,
        unknown: glance.unrated,
        ..LeanDistribution::default()
    }
}

/// A story as `/api/stories` lists it.
#[derive(Serialize)]
struct StoryListing {
    id: String,
    title: String,
    article_count: usize,
    outlets: Vec<String>,
    /// Distinct reports: outlets, unknown-outlet articles one by one,
    /// copies not counted.
    sources: usize,
    single_source: bool,
    first_published: Option<String>,
    last_published: Option<String>,
    /// Articles per side of their outlets' lean; absent when unknown.
    lean: Option<LeanCounts>,
    /// |left − right| / rated, with at least two rated articles.
    one_sidedness: Option<f64>,
    /// The side with no coverage when the story is a blindspot.
    blindspot: Option<&'static str>,
    /// The fact most outlets report, with its sentence.
    lede: Option<Lede>,
}

#[derive(Serialize)]
struct LeanCounts {
    left: usize,
    centre: usize,
    right: usize,
    unrated: usize,
}

#[derive(Serialize)]
struct Lede {
    text: String,
    article: String,
    start: usize,
    end: usize,
    outlets: usize,
    href: String,
}

impl From<Listed> for StoryListing {
    fn from(l: Listed) -> Self {
        let s = l.summary;
        let blindspot = l
            .glance
            .as_ref()
            .and_then(|g| blindspot_of(&s.id, &lean_of(g)))
            .map(|b| b.missed_by.label());
        StoryListing {
            single_source: s.single_source(),
            one_sidedness: l.glance.as_ref().and_then(one_sidedness),
            lean: l.glance.as_ref().map(|g| LeanCounts {
                left: g.left,
                centre: g.centre,
                right: g.right,
                unrated: g.unrated,
            }),
            blindspot,
            lede: l.glance.and_then(|g| g.lede).map(|d| Lede {
                href: span_href(&d.article, &(d.start..d.end)),
                text: d.text,
                article: d.article,
                start: d.start,
                end: d.end,
                outlets: d.outlets,
            }),
            id: s.id,
            title: s.title,
            article_count: s.article_count,
            outlets: s.outlets,
            sources: s.sources,
            first_published: s.date_from,
            last_published: s.date_to,
        }
    }
}

#[derive(Serialize)]
struct StoriesPage {
    stories: Vec<StoryListing>,
    /// Stories matching the filters (all pages).
    total: usize,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
    /// True once the server reads stored stories (always, since schema 2).
    available: bool,
}

pub(crate) async fn api_stories(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<StoryListParams>,
) -> Result<Response, ApiError> {
    let limit = parse_count("limit", &params.limit, DEFAULT_LIMIT, 1, MAX_LIMIT)
        .map_err(ApiError::bad_request)?;
    let offset =
        parse_count("offset", &params.offset, 0, 0, MAX_OFFSET).map_err(ApiError::bad_request)?;
    let filter = StoryFilter::parse(&params).map_err(ApiError::bad_request)?;
    let selection = select(&state, &filter).await?;
    let total = selection.matching.len();
    let stories = selection
        .matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(StoryListing::from)
        .collect();
    Ok(Json(StoriesPage {
        stories,
        total,
        limit,
        offset,
        next_offset: (offset + limit < total).then_some(offset + limit),
        available: true,
    })
    .into_response())
}

/// Every story the filters keep, in their order, as CSV (a row per story
/// with its lean counts and lede, the lede's article and byte range).
pub(crate) async fn api_stories_csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<StoryListParams>,
) -> Result<Response, ApiError> {
    let filter = StoryFilter::parse(&params).map_err(ApiError::bad_request)?;
    let selection = select(&state, &filter).await?;
    let rows: Vec<StorySummary> = selection
        .matching
        .into_iter()
        .map(|l| StorySummary {
            glance: l.glance,
            ..l.summary
        })
        .collect();
    let refs: Vec<&StorySummary> = rows.iter().collect();
    let mut body = Vec::new();
    parallax_pipeline::csv::stories(&mut body, &refs)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"parallax-stories.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// Stories per page on `/stories`.
const STORIES_PER_PAGE: usize = 50;

pub(crate) async fn story_list(
    State(state): State<AppState>,
    Query(params): Query<StoryListParams>,
) -> Result<Response, PageError> {
    let bad = |e: String| PageError(StatusCode::BAD_REQUEST, e);
    let offset = parse_count("offset", &params.offset, 0, 0, MAX_OFFSET).map_err(bad)?;
    let filter = StoryFilter::parse(&params).map_err(bad)?;
    let selection = select(&state, &filter).await?;
    let total = selection.matching.len();
    let href = |offset: usize| {
        let mut pairs: Vec<String> = filter
            .query_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", url_encode(&v)))
            .collect();
        if offset > 0 {
            pairs.push(format!("offset={offset}"));
        }
        if pairs.is_empty() {
            "/".to_string()
        } else {
            format!("/?{}", pairs.join("&"))
        }
    };
    let newer = (offset > 0).then(|| href(offset.saturating_sub(STORIES_PER_PAGE)));
    let older = (offset + STORIES_PER_PAGE < total).then(|| href(offset + STORIES_PER_PAGE));
    let body = render_story_list(&filter, &selection, offset);
    let mut body = body;
    crate::pages::pager(&mut body, newer, older);
    Ok(html::response(StatusCode::OK, page("Stories", "", body)))
}

/// Reads the leans of stories stored without a glance into the state's
/// cache, so the first view of the list after a start does not wait for
/// the story documents. Cheap when every story has its glance.
pub(crate) async fn warm_story_list(state: &AppState) -> Result<(), PoolError> {
    let all = state.stories().await?;
    let lacking: Vec<String> = all
        .iter()
        .filter(|s| s.glance.is_none())
        .map(|s| s.id.clone())
        .collect();
    if !lacking.is_empty() {
        state.story_leans(&lacking).await?;
    }
    Ok(())
}

fn option(h: &mut Html, value: &str, label: &str, selected: bool) {
    h.raw("<option").attr("value", value);
    if selected {
        h.raw(" selected");
    }
    h.raw(">").text(label).raw("</option>");
}

/// The filter form: a plain GET form, so every filtered list has a URL.
fn filter_form(h: &mut Html, f: &StoryFilter) {
    // Folded on a plain list (it is most of a phone's first screen), open
    // when a filter is set, so what is applied shows.
    h.raw("<details class=\"filter-box\"");
    if !f.is_default() {
        h.raw(" open");
    }
    h.raw("><summary>Filter and sort</summary>");
    h.raw("<form class=\"filters\" method=\"get\" action=\"/\">");
    h.raw("<label>Outlet<input name=\"outlet\"")
        .attr("value", f.outlet.as_deref().unwrap_or(""))
        .raw("></label>");
    h.raw("<label>Covered by<select name=\"lean\">");
    option(h, "", "any side", f.lean.is_none());
    for side in [Side::Left, Side::Centre, Side::Right] {
        option(h, side.label(), side.label(), f.lean == Some(side));
    }
    h.raw("</select></label>");
    h.raw("<label>From<input type=\"date\" name=\"from\"")
        .attr("value", f.from.as_deref().unwrap_or(""))
        .raw("></label><label>To<input type=\"date\" name=\"to\"")
        .attr("value", f.to.as_deref().unwrap_or(""))
        .raw("></label>");
    h.raw("<label>Sources, at least<input type=\"number\" name=\"min_sources\" min=\"0\" class=\"narrow\"")
        .attr(
            "value",
            &if f.min_sources > 0 {
                f.min_sources.to_string()
            } else {
                String::new()
            },
        )
        .raw("></label>");
    h.raw("<label>Single-source<select name=\"single_source\">");
    option(h, "", "hidden", f.single == SingleSource::Hide);
    option(h, "show", "shown", f.single == SingleSource::Show);
    option(h, "only", "only", f.single == SingleSource::Only);
    h.raw("</select></label>");
    h.raw("<label>Sort<select name=\"sort\">");
    option(h, "", "newest", f.sort == StorySort::Newest);
    option(h, "covered", "most covered", f.sort == StorySort::Covered);
    option(
        h,
        "one-sided",
        "most one-sided",
        f.sort == StorySort::OneSided,
    );
    h.raw("</select></label><button type=\"submit\">Filter</button>");
    if !f.is_default() {
        h.raw(" <a href=\"/\">Clear</a>");
    }
    h.raw("</form></details>");
}

/// The sentence that says what the single-source rule hides, with the
/// link that shows it.
fn single_source_line(h: &mut Html, f: &StoryFilter, sel: &Selection) {
    let with = |single: SingleSource| {
        let mut g = f.clone();
        g.single = single;
        let pairs: Vec<String> = g
            .query_pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", url_encode(&v)))
            .collect();
        if pairs.is_empty() {
            "/".to_string()
        } else {
            format!("/?{}", pairs.join("&"))
        }
    };
    let (text, link, label) = match f.single {
        SingleSource::Hide if sel.hidden_single > 0 => (
            format!(
                "{} reported by one source only {} not listed.",
                plural(sel.hidden_single, "story", "stories"),
                if sel.hidden_single == 1 { "is" } else { "are" }
            ),
            with(SingleSource::Show),
            "Show them",
        ),
        SingleSource::Show if sel.singles > 0 => (
            format!(
                "Listing every story, {} of one source included.",
                sel.singles
            ),
            with(SingleSource::Hide),
            "Hide single-source stories",
        ),
        SingleSource::Only => (
            "Listing only stories reported by one source.".to_string(),
            with(SingleSource::Hide),
            "Back to stories told by several sources",
        ),
        _ => return,
    };
    h.raw("<p class=\"muted filter\">")
        .text(&text)
        .raw(" <a")
        .attr("href", &link)
        .raw(">")
        .text(label)
        .raw("</a></p>");
}

fn render_story_list(filter: &StoryFilter, sel: &Selection, offset: usize) -> Html {
    let mut h = Html::new();
    h.element("h1", None, "Stories");
    if sel.stored == 0 {
        h.element(
            "p",
            Some("notice"),
            "No stories yet. Stories are computed after `parallax ingest` stores articles.",
        );
        return h;
    }
    filter_form(&mut h, filter);
    single_source_line(&mut h, filter, sel);
    let total = sel.matching.len();
    let shown: Vec<&Listed> = sel
        .matching
        .iter()
        .skip(offset)
        .take(STORIES_PER_PAGE)
        .collect();
    if shown.is_empty() {
        let message = if offset > 0 {
            "No stories on this page."
        } else {
            "No stories match these filters."
        };
        h.element("p", Some("notice"), message);
        return h;
    }
    let order = match filter.sort {
        StorySort::Newest => "newest first",
        StorySort::Covered => "most sources first",
        StorySort::OneSided => "most one-sided first",
    };
    let first = offset + 1;
    let last = offset + shown.len();
    let of = if filter.is_default() {
        format!("{total} stories")
    } else {
        format!("{total} of {} stories match", sel.stored)
    };
    let csv_pairs: Vec<String> = filter
        .query_pairs()
        .into_iter()
        .map(|(k, v)| format!("{k}={}", url_encode(&v)))
        .collect();
    let csv = if csv_pairs.is_empty() {
        "/api/stories.csv".to_string()
    } else {
        format!("/api/stories.csv?{}", csv_pairs.join("&"))
    };
    h.raw("<p class=\"muted count\">")
        .text(&format!("Showing {first}–{last}; {of}, {order}. "))
        .link(&csv, "CSV of these stories")
        .raw("</p><ol class=\"articles stories\">");
    for listed in shown {
        render_item(&mut h, listed);
    }
    h.raw("</ol>");
    h
}

fn render_item(h: &mut Html, listed: &Listed) {
    let story = &listed.summary;
    h.raw("<li><a class=\"title\"")
        .attr("href", &story_href(&story.id))
        .raw(">")
        .text(&story.title)
        .raw("</a>");
    if story.single_source() {
        h.raw(" ")
            .element("span", Some("badge single-source"), "single source");
    }
    let lean = listed.glance.as_ref().map(lean_of);
    if let Some(lean) = &lean {
        crate::stories::blindspot(h, &story.id, lean);
    }
    h.raw("<div class=\"meta\">");
    h.element("span", None, &span_text(&story.date_from, &story.date_to));
    h.element(
        "span",
        None,
        &plural(story.article_count, "article", "articles"),
    );
    h.element("span", None, &plural(story.sources, "source", "sources"));
    if !story.outlets.is_empty() {
        h.element("span", Some("outlet"), &story.outlets.join(", "));
    }
    h.raw("</div>");
    if let Some(lede) = listed.glance.as_ref().and_then(|g| g.lede.as_ref()) {
        h.raw("<p class=\"lede\"><a")
            .attr("href", &span_href(&lede.article, &(lede.start..lede.end)))
            .raw(">")
            .text(&lede.text)
            .raw("</a> <span class=\"muted\">")
            .text(&format!(
                "— reported by {}",
                plural(lede.outlets, "outlet", "outlets")
            ))
            .raw("</span></p>");
    }
    if let Some(lean) = &lean {
        lean_bar(h, lean);
    }
    h.raw("</li>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(id: &str, from: Option<&str>, to: Option<&str>, sources: usize) -> StorySummary {
        StorySummary {
            id: id.into(),
            title: id.into(),
            date_from: from.map(str::to_string),
            date_to: to.map(str::to_string),
            article_count: sources,
            outlets: vec!["Harbour Gazette".into()],
            sources,
            glance: None,
        }
    }

    fn filter(pairs: &[(&str, &str)]) -> Result<StoryFilter, String> {
        let mut p = StoryListParams::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "lean" => p.lean = v,
                "from" => p.from = v,
                "to" => p.to = v,
                "min_sources" => p.min_sources = v,
                "sort" => p.sort = v,
                "outlet" => p.outlet = v,
                _ => p.single_source = v,
            }
        }
        StoryFilter::parse(&p)
    }

    #[test]
    fn a_date_range_keeps_stories_that_reach_into_it() {
        let f = filter(&[("from", "2026-03-01"), ("to", "2026-03-31")]).unwrap();
        let keeps = |s: &StorySummary| f.keeps_besides_single(s, None);
        assert!(keeps(&summary(
            "in",
            Some("2026-03-02"),
            Some("2026-03-04"),
            2
        )));
        assert!(keeps(&summary(
            "across",
            Some("2026-02-20"),
            Some("2026-04-02"),
            2
        )));
        assert!(!keeps(&summary(
            "before",
            Some("2026-01-02"),
            Some("2026-02-28"),
            2
        )));
        assert!(!keeps(&summary(
            "after",
            Some("2026-04-01"),
            Some("2026-04-02"),
            2
        )));
        assert!(!keeps(&summary("undated", None, None, 2)));
    }

    #[test]
    fn lean_and_size_filters_read_the_glance() {
        let f = filter(&[("lean", "right"), ("min_sources", "3")]).unwrap();
        let g = StoryGlance {
            left: 2,
            right: 1,
            ..Default::default()
        };
        assert!(f.keeps_besides_single(&summary("a", None, None, 3), Some(&g)));
        assert!(!f.keeps_besides_single(&summary("b", None, None, 2), Some(&g)));
        let left_only = StoryGlance {
            left: 3,
            ..Default::default()
        };
        assert!(!f.keeps_besides_single(&summary("c", None, None, 5), Some(&left_only)));
        assert!(!f.keeps_besides_single(&summary("d", None, None, 5), None));
    }

    #[test]
    fn bad_values_say_what_is_accepted() {
        assert!(filter(&[("lean", "up")])
            .unwrap_err()
            .contains("left, centre or right"));
        assert!(filter(&[("sort", "best")])
            .unwrap_err()
            .contains("one-sided"));
        assert!(filter(&[("from", "2026-04-01"), ("to", "2026-03-01")]).is_ok());
        assert!(filter(&[("min_sources", "-1")]).is_err());
    }

    #[test]
    fn one_sidedness_needs_two_rated_articles() {
        let g = |left, centre, right| StoryGlance {
            left,
            centre,
            right,
            ..Default::default()
        };
        assert_eq!(one_sidedness(&g(1, 0, 0)), None);
        assert_eq!(one_sidedness(&g(3, 0, 0)), Some(1.0));
        assert_eq!(one_sidedness(&g(2, 2, 0)), Some(0.5));
        assert_eq!(one_sidedness(&g(2, 0, 2)), Some(0.0));
    }

    #[test]
    fn the_filter_repeats_itself_in_links() {
        let f = filter(&[
            ("lean", "left"),
            ("sort", "covered"),
            ("single_source", "show"),
        ])
        .unwrap();
        let pairs = f.query_pairs();
        assert!(pairs.contains(&("lean", "left".to_string())));
        assert!(pairs.contains(&("sort", "covered".to_string())));
        assert!(pairs.contains(&("single_source", "show".to_string())));
        assert!(filter(&[]).unwrap().is_default());
    }
}
