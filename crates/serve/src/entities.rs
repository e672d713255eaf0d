//! Entity pages and the entities API: the people, organisations, places
//! and other names the pipeline found, joined across articles
//! (`person:chris williamson`), with every quote by them and about them.
//!
//! The store keeps one row per entity per article (`Store::entity_articles`)
//! and each article's analysis; quotes are read from the analyses, so an
//! entity page costs one analysis per article shown. Pages therefore list a
//! bounded number of articles (newest first) with their quotes, and page on.

use crate::api::{non_empty, parse_count, ApiError, ApiQuery, MAX_LIMIT, MAX_OFFSET};
use crate::html::{self, page, url_encode, Html};
use crate::marks::{entity_href, inside_same_speaker, kind_label};
use crate::pages::{display_title, meta_line, pager, PageError};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parallax_extract::{QuoteKind, SpeakerKind};
use parallax_pipeline::{analyze_article, read_analysis, Analysis};
use parallax_store::{ArticleEntity, EntityQuery, EntitySummary, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;

/// The kinds the tagger gives, as the store and URLs name them.
pub(crate) const KINDS: [&str; 4] = ["person", "organization", "location", "misc"];
/// Entities per page on `/entities`.
const ENTITIES_PER_PAGE: usize = 50;
/// Articles (with their quotes) per entity page.
const ARTICLES_PER_PAGE: usize = 20;
/// The most articles one entity request reads.
const MAX_ARTICLES_PER_REQUEST: usize = 100;

/// Query parameters of `/entities` and `/api/entities`. Text, so a bad
/// value gets a clear message; empty means "not set".
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EntityListParams {
    name: Option<String>,
    kind: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

pub(crate) fn parse_kind(value: &Option<String>) -> Result<Option<String>, String> {
    match non_empty(value) {
        None => Ok(None),
        Some(kind) if KINDS.contains(&kind.as_str()) => Ok(Some(kind)),
        Some(kind) => Err(format!(
            "kind must be one of {}, got {kind:?}",
            KINDS.join(", ")
        )),
    }
}

impl EntityListParams {
    fn to_query(&self, default_limit: usize) -> Result<EntityQuery, String> {
        Ok(EntityQuery {
            name: non_empty(&self.name),
            kind: parse_kind(&self.kind)?,
            limit: parse_count("limit", &self.limit, default_limit, 1, MAX_LIMIT)?,
            offset: parse_count("offset", &self.offset, 0, 0, MAX_OFFSET)?,
        })
    }
}

/// Whether `id` contains `part` (lowercase), ignoring case like the
/// store's name filter.
pub(crate) fn id_contains(id: &str, part: &str) -> bool {
    if id.chars().any(char::is_uppercase) {
        id.to_lowercase().contains(part)
    } else {
        id.contains(part)
    }
}

/// One page of entities and whether another follows: the store's entity
/// list (kept by the server, see `AppState::entities`) filtered here the
/// way `Store::list_entities` filters.
pub(crate) async fn list_page(
    state: &AppState,
    query: EntityQuery,
) -> Result<(Vec<EntitySummary>, Option<usize>), ApiError> {
    let all = state.entities().await?;
    let name = query.name.as_deref().map(str::to_lowercase);
    let mut matching = all.iter().filter(|e| {
        name.as_deref().is_none_or(|n| id_contains(&e.id, n))
            && query.kind.as_deref().is_none_or(|k| e.kind == k)
    });
    let page: Vec<EntitySummary> = matching
        .by_ref()
        .skip(query.offset)
        .take(query.limit)
        .cloned()
        .collect();
    let next = matching
        .next()
        .is_some()
        .then_some(query.offset + query.limit);
    Ok((page, next))
}

#[derive(Serialize)]
struct EntitiesPage {
    entities: Vec<EntitySummary>,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
}

pub(crate) async fn api_entities(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<EntityListParams>,
) -> Result<Response, ApiError> {
    let query = params.to_query(50).map_err(ApiError::bad_request)?;
    let (limit, offset) = (query.limit, query.offset);
    let (entities, next_offset) = list_page(&state, query).await?;
    Ok(Json(EntitiesPage {
        entities,
        limit,
        offset,
        next_offset,
    })
    .into_response())
}

/// `/api/entities.csv`: every entity the list's filters keep (`name`,
/// `kind`; no paging), most covered first, one row each.
pub(crate) async fn api_entities_csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<EntityListParams>,
) -> Result<Response, ApiError> {
    crate::api::refuse_paging(&params.limit, &params.offset, "/api/entities")?;
    let query = params.to_query(50).map_err(ApiError::bad_request)?;
    let all = state.entities().await?;
    let name = query.name.as_deref().map(str::to_lowercase);
    let matching: Vec<&EntitySummary> = all
        .iter()
        .filter(|e| {
            name.as_deref().is_none_or(|n| id_contains(&e.id, n))
                && query.kind.as_deref().is_none_or(|k| e.kind == k)
        })
        .collect();
    let mut body = Vec::new();
    parallax_pipeline::csv::entities(&mut body, &matching)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(crate::api::csv_response("parallax-entities.csv", body))
}

fn list_href(query: &EntityQuery, offset: usize) -> String {
    let mut parts = Vec::new();
    if let Some(name) = &query.name {
        parts.push(format!("name={}", url_encode(name)));
    }
    if let Some(kind) = &query.kind {
        parts.push(format!("kind={}", url_encode(kind)));
    }
    if offset > 0 {
        parts.push(format!("offset={offset}"));
    }
    if parts.is_empty() {
        "/entities".to_string()
    } else {
        format!("/entities?{}", parts.join("&"))
    }
}

pub(crate) async fn entity_list(
    State(state): State<AppState>,
    Query(params): Query<EntityListParams>,
) -> Result<Response, PageError> {
    let mut query = params
        .to_query(ENTITIES_PER_PAGE)
        .map_err(|m| PageError(StatusCode::BAD_REQUEST, m))?;
    query.limit = ENTITIES_PER_PAGE;
    let (entities, next) = list_page(&state, query.clone()).await?;
    let mut h = Html::new();
    h.element("h1", None, "Entities");
    h.raw("<form class=\"filters\" method=\"get\" action=\"/entities\">")
        .raw("<label>Name<input type=\"search\" name=\"name\"")
        .attr("value", query.name.as_deref().unwrap_or(""))
        .raw("></label><label>Kind<select name=\"kind\"><option value=\"\">Any</option>");
    for kind in KINDS {
        h.raw("<option").attr("value", kind);
        if query.kind.as_deref() == Some(kind) {
            h.raw(" selected");
        }
        h.raw(">").text(kind_label(kind)).raw("</option>");
    }
    h.raw("</select></label><button type=\"submit\">Filter</button></form>");
    let filtered = query.name.is_some() || query.kind.is_some();
    if entities.is_empty() {
        let message = if query.offset > 0 {
            "No entities on this page."
        } else if filtered {
            "No entities match these filters."
        } else {
            "No entities yet. They are extracted when `parallax ingest` stores articles."
        };
        h.element("p", Some("notice"), message);
    } else {
        let mut csv = String::from("/api/entities.csv");
        let mut sep = '?';
        for (name, value) in [("name", &query.name), ("kind", &query.kind)] {
            if let Some(v) = value {
                csv.push_str(&format!("{sep}{name}={}", url_encode(v)));
                sep = '&';
            }
        }
        h.raw("<p class=\"muted\">")
            .text(
                "People, organisations, places and other names, joined across articles; \
                 most covered first. ",
            )
            .link(&csv, "Download every match as CSV")
            .raw(".</p>");
        render_entity_items(&mut h, &entities);
    }
    pager(
        &mut h,
        (query.offset > 0).then(|| list_href(&query, query.offset.saturating_sub(query.limit))),
        next.map(|n| list_href(&query, n)),
    );
    Ok(html::response(StatusCode::OK, page("Entities", "", h)))
}

/// Entities as a list of links with their counts (the entity list and the
/// search page).
pub(crate) fn render_entity_items(h: &mut Html, entities: &[EntitySummary]) {
    h.raw("<ol class=\"articles entities\">");
    for e in entities {
        h.raw("<li><a")
            .attr("class", &format!("title ent {}", css_kind(&e.kind)))
            .attr("href", &entity_href(&e.id))
            .raw(">")
            .text(&e.name)
            .raw("</a> ")
            .element("span", Some("badge"), kind_label(&e.kind))
            .raw("<div class=\"meta\">");
        h.element("span", None, &plural(e.articles, "article", "articles"));
        h.element("span", None, &plural(e.mentions, "mention", "mentions"));
        if e.quotes_by > 0 {
            h.element("span", None, &plural(e.quotes_by, "quote", "quotes"));
        }
        h.raw("</div></li>");
    }
    h.raw("</ol>");
}

/// A kind as a CSS class: only the known ones, so a stored value never
/// becomes arbitrary markup classes.
pub(crate) fn css_kind(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("misc")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Paging of `/entities/{id}` and `/api/entities/{id}`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EntityPageParams {
    limit: Option<String>,
    offset: Option<String>,
}

/// One article that mentions the entity.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EntityArticle {
    id: String,
    title: Option<String>,
    outlet: Option<String>,
    published: Option<String>,
    /// The names this article uses for the entity.
    names: Vec<String>,
    mentions: u32,
    quotes_by: usize,
    quotes_about: usize,
}

/// A quote by or about the entity, with where to read it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EntityQuote {
    article: String,
    title: Option<String>,
    outlet: Option<String>,
    published: Option<String>,
    text: String,
    span: Range<usize>,
    sentence: Range<usize>,
    /// The sentence (or sentences) the quote stands in.
    context: String,
    /// `speech` or `scare`.
    kind: &'static str,
    direct: bool,
    speaker: Option<String>,
    cue: Option<String>,
    /// The article page with the quote's sentence highlighted.
    link: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct OutletCount {
    outlet: String,
    articles: usize,
}

/// Everything an entity page shows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EntityDetail {
    /// Id, display name, kind and totals over every article.
    #[serde(rename = "entity")]
    summary: EntitySummary,
    /// Every name the articles use for it, most used first.
    names: Vec<String>,
    /// Titles and roles written next to it (`Labour MP`), in the articles shown.
    roles: Vec<String>,
    /// Outlets of the articles shown, most first.
    outlets: Vec<OutletCount>,
    /// The articles shown, newest first.
    articles: Vec<EntityArticle>,
    /// Quotes it gave, in the articles shown.
    quotes_by: Vec<EntityQuote>,
    /// Others' quotes whose text or sentence mentions it, in the articles shown.
    quotes_about: Vec<EntityQuote>,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
    /// Articles whose analysis could not be read or computed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unanalysed: Vec<String>,
}

/// Reads an entity with one page of its articles; `None` when no article
/// mentions an entity with this id.
fn load_entity(
    s: &dyn Store,
    id: &str,
    rows: &[ArticleEntity],
    limit: usize,
    offset: usize,
) -> Result<Option<EntityDetail>, StoreError> {
    if rows.is_empty() {
        return Ok(None);
    }
    // Rows come newest article first; an article may hold two rows (two
    // names joined into one entity).
    let mut by_article: Vec<(&str, Vec<&ArticleEntity>)> = Vec::new();
    for row in rows {
        match by_article.last_mut() {
            Some((article, group)) if *article == row.article_id => group.push(row),
            _ => by_article.push((row.article_id.as_str(), vec![row])),
        }
    }
    let summary = summarize(id, rows, by_article.len());
    let names = names_by_use(rows);
    let mut detail = EntityDetail {
        summary,
        names,
        roles: Vec::new(),
        outlets: Vec::new(),
        articles: Vec::new(),
        quotes_by: Vec::new(),
        quotes_about: Vec::new(),
        limit,
        offset,
        next_offset: (offset.saturating_add(limit) < by_article.len()).then_some(offset + limit),
        unanalysed: Vec::new(),
    };
    let mut outlets: BTreeMap<String, usize> = BTreeMap::new();
    for (article_id, group) in by_article.iter().skip(offset).take(limit) {
        let Some(article) = s.get(article_id)? else {
            continue;
        };
        let analysis = match read_analysis(s, article_id)? {
            Some(analysis) => Some(analysis),
            None => analyze_article(&article).ok(),
        };
        let names: Vec<&str> = group.iter().map(|r| r.name.as_str()).collect();
        let mut entry = EntityArticle {
            id: article.id.clone(),
            title: article.title.clone(),
            outlet: article.outlet.clone(),
            published: article.published.clone(),
            names: names.iter().map(|n| n.to_string()).collect(),
            mentions: group.iter().map(|r| r.mentions).sum(),
            quotes_by: 0,
            quotes_about: 0,
        };
        *outlets
            .entry(
                article
                    .outlet
                    .clone()
                    .unwrap_or_else(|| "Unknown outlet".into()),
            )
            .or_default() += 1;
        match analysis {
            Some(analysis) => {
                let found = quotes_in(&article, &analysis, &names, &summary_kind(group));
                entry.quotes_by = found.by.len();
                entry.quotes_about = found.about.len();
                for role in found.roles {
                    if !detail.roles.contains(&role) {
                        detail.roles.push(role);
                    }
                }
                detail.quotes_by.extend(found.by);
                detail.quotes_about.extend(found.about);
            }
            None => detail.unanalysed.push(article.id.clone()),
        }
        detail.articles.push(entry);
    }
    let mut outlets: Vec<OutletCount> = outlets
        .into_iter()
        .map(|(outlet, articles)| OutletCount { outlet, articles })
        .collect();
    outlets.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.outlet.cmp(&b.outlet)));
    detail.outlets = outlets;
    Ok(Some(detail))
}

fn summary_kind(group: &[&ArticleEntity]) -> String {
    group.first().map(|r| r.kind.clone()).unwrap_or_default()
}

/// Totals over every row of the entity.
fn summarize(id: &str, rows: &[ArticleEntity], articles: usize) -> EntitySummary {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        *kinds.entry(row.kind.as_str()).or_default() += 1;
    }
    let kind = kinds
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(k, _)| k.to_string())
        .unwrap_or_default();
    EntitySummary {
        id: id.to_string(),
        name: names_by_use(rows)
            .into_iter()
            .next()
            .unwrap_or_else(|| id.to_string()),
        kind,
        articles: articles as u64,
        mentions: rows.iter().map(|r| u64::from(r.mentions)).sum(),
        quotes_by: rows.iter().map(|r| u64::from(r.quotes_by)).sum(),
    }
}

/// Distinct names, the one most rows use first (ties: the longer).
fn names_by_use(rows: &[ArticleEntity]) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in rows {
        *counts.entry(row.name.as_str()).or_default() += 1;
    }
    let mut names: Vec<(&str, usize)> = counts.into_iter().collect();
    names.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0.len().cmp(&a.0.len()))
            .then(a.0.cmp(b.0))
    });
    names.into_iter().map(|(n, _)| n.to_string()).collect()
}

struct Found {
    by: Vec<EntityQuote>,
    about: Vec<EntityQuote>,
    roles: Vec<String>,
}

/// The quotes of one article by and about the entity, which the article
/// calls by one of `names`.
fn quotes_in(
    article: &parallax_model::Article,
    analysis: &Analysis,
    names: &[&str],
    kind: &str,
) -> Found {
    let views: Vec<_> = analysis
        .entities
        .iter()
        .filter(|e| names.contains(&e.name.as_str()) && crate::marks::kind_name(e.kind) == kind)
        .collect();
    let mentions: Vec<Range<usize>> = views
        .iter()
        .flat_map(|e| e.mentions.iter().map(|m| m.span.clone()))
        .collect();
    let mut roles = Vec::new();
    for view in &views {
        for role in &view.roles {
            if !roles.contains(role) {
                roles.push(role.clone());
            }
        }
    }
    let mut found = Found {
        by: Vec::new(),
        about: Vec::new(),
        roles,
    };
    let inside = |outer: &Range<usize>, inner: &Range<usize>| {
        outer.start <= inner.start && inner.end <= outer.end
    };
    for (index, quote) in analysis.quotes.iter().enumerate() {
        let by_it = quote.kind == QuoteKind::Speech
            && quote.speaker_kind != Some(SpeakerKind::Unresolved)
            && quote
                .speaker
                .as_deref()
                .is_some_and(|speaker| names.contains(&speaker));
        if by_it {
            // Words already listed inside a longer quote of theirs.
            if !inside_same_speaker(analysis, index) {
                found.by.extend(entity_quote(article, analysis, index));
            }
            continue;
        }
        // Mentioned in the quote or its sentence, not as the speaker of it.
        let mentioned = mentions.iter().any(|m| {
            (inside(&quote.span, m) || inside(&quote.sentence, m))
                && quote.speaker_span.as_ref() != Some(m)
        });
        if mentioned {
            found.about.extend(entity_quote(article, analysis, index));
        }
    }
    found
}

/// Quote `index` of `analysis` as the entity page shows it.
fn entity_quote(
    article: &parallax_model::Article,
    analysis: &Analysis,
    index: usize,
) -> Option<EntityQuote> {
    let quote = analysis.quotes.get(index)?;
    let text = &article.text;
    // The sentence, widened to the whole quote when it runs on.
    let context = if quote.sentence.start < quote.sentence.end {
        quote.sentence.start.min(quote.span.start)..quote.sentence.end.max(quote.span.end)
    } else {
        quote.span.clone()
    };
    let context = if text.get(context.clone()).is_some() {
        context
    } else {
        quote.span.clone()
    };
    Some(EntityQuote {
        article: article.id.clone(),
        title: article.title.clone(),
        outlet: article.outlet.clone(),
        published: article.published.clone(),
        text: quote.text.clone(),
        span: quote.span.clone(),
        sentence: quote.sentence.clone(),
        context: text.get(context.clone()).unwrap_or("").to_string(),
        kind: match quote.kind {
            QuoteKind::Speech => "speech",
            QuoteKind::Scare => "scare",
        },
        direct: quote.direct,
        speaker: quote.speaker.clone(),
        cue: quote.cue.clone(),
        link: format!(
            "/articles/{}?hl={}-{}#hl",
            url_encode(&article.id),
            context.start,
            context.end
        ),
    })
}

impl EntityPageParams {
    fn paging(&self, default_limit: usize) -> Result<(usize, usize), String> {
        Ok((
            parse_count(
                "limit",
                &self.limit,
                default_limit,
                1,
                MAX_ARTICLES_PER_REQUEST,
            )?,
            parse_count("offset", &self.offset, 0, 0, MAX_OFFSET)?,
        ))
    }
}

async fn read_entity(
    state: &AppState,
    id: String,
    limit: usize,
    offset: usize,
) -> Result<Option<EntityDetail>, crate::state::PoolError> {
    let rows = state.entity_rows(&id).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    state
        .inner
        .pool
        .read(move |s| load_entity(s, &id, &rows, limit, offset))
        .await
}

pub(crate) async fn api_entity(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(params): ApiQuery<EntityPageParams>,
) -> Result<Response, ApiError> {
    let (limit, offset) = params
        .paging(ARTICLES_PER_PAGE)
        .map_err(ApiError::bad_request)?;
    match read_entity(&state, id.clone(), limit, offset).await? {
        Some(detail) => Ok(Json(detail).into_response()),
        None => Err(ApiError::not_found(format!("no entity with id {id:?}"))),
    }
}

pub(crate) async fn entity_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<EntityPageParams>,
) -> Result<Response, PageError> {
    let (limit, offset) = params
        .paging(ARTICLES_PER_PAGE)
        .map_err(|m| PageError(StatusCode::BAD_REQUEST, m))?;
    let Some(detail) = read_entity(&state, id.clone(), limit, offset).await? else {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            format!("There is no entity with id “{id}”. Entities are listed at /entities."),
        ));
    };
    let title = detail.summary.name.clone();
    let body = render_entity(&detail);
    let path = format!("/entities/{}", url_encode(&detail.summary.id));
    let description = format!(
        "{} in {}, {}: names, roles, outlets, every quote by it and about it.",
        kind_label(&detail.summary.kind),
        plural(detail.summary.articles, "article", "articles"),
        plural(detail.summary.mentions, "mention", "mentions"),
    );
    let preview = crate::html::Preview {
        kind: "profile",
        description: &description,
        path: &path,
    };
    Ok(html::response(
        StatusCode::OK,
        crate::html::page_with(&title, "", Some(&preview), body),
    ))
}

fn entity_page_href(id: &str, offset: usize, limit: usize) -> String {
    let mut href = entity_href(id);
    let mut sep = '?';
    if limit != ARTICLES_PER_PAGE {
        href.push_str(&format!("{sep}limit={limit}"));
        sep = '&';
    }
    if offset > 0 {
        href.push_str(&format!("{sep}offset={offset}"));
    }
    href
}

fn render_entity(d: &EntityDetail) -> Html {
    let s = &d.summary;
    let mut h = Html::new();
    h.raw("<article class=\"entity-page\">");
    h.raw("<h1><span")
        .attr("class", &format!("ent {}", css_kind(&s.kind)))
        .raw(">")
        .text(&s.name)
        .raw("</span></h1><div class=\"meta\">");
    h.element("span", None, kind_label(&s.kind));
    h.element("span", None, &plural(s.articles, "article", "articles"));
    h.element("span", None, &plural(s.mentions, "mention", "mentions"));
    h.raw("<span>")
        .link(&format!("/api/entities/{}", url_encode(&s.id)), "JSON")
        .raw("</span></div>");

    h.raw("<table class=\"facts-table\">");
    let row = |h: &mut Html, name: &str, value: &str| {
        if !value.is_empty() {
            h.raw("<tr>")
                .element("th", None, name)
                .element("td", None, value)
                .raw("</tr>");
        }
    };
    row(&mut h, "Id", &s.id);
    row(&mut h, "Written as", &d.names.join(", "));
    row(&mut h, "Roles", &d.roles.join("; "));
    let outlets = d
        .outlets
        .iter()
        .map(|o| format!("{} ({})", o.outlet, o.articles))
        .collect::<Vec<_>>()
        .join(", ");
    row(&mut h, "Outlets", &outlets);
    h.raw("</table>");
    h.raw("<p class=\"muted\">")
        .link(
            &format!("/search?entity={}", url_encode(&s.id)),
            "Search within the articles that mention it",
        )
        .raw("</p>");
    crate::coverage_chart::figure(
        &mut h,
        &format!("entity={}", url_encode(&s.id)),
        "Articles that mention it, per day by side of the outlets' lean",
    );

    let paged = d.offset > 0 || d.next_offset.is_some();
    if paged {
        let first = d.offset + 1;
        let last = d.offset + d.articles.len();
        h.element(
            "p",
            Some("notice"),
            &format!(
                "Showing articles {first}–{last} of {}, newest first; outlets, roles and \
                 quotes below are those of these articles.",
                s.articles
            ),
        );
    }
    if d.articles.is_empty() {
        h.element("p", Some("notice"), "No articles on this page.");
    }

    h.raw("<section class=\"quotes-by\" id=\"quotes-by\">");
    h.element(
        "h2",
        None,
        &format!("Quotes by {} ({})", s.name, d.quotes_by.len()),
    );
    if d.quotes_by.is_empty() {
        h.element("p", Some("muted"), "No quote is attributed to it here.");
    } else {
        render_quote_groups(&mut h, &d.quotes_by, false);
    }
    h.raw("</section><section class=\"quotes-about\" id=\"quotes-about\">");
    h.element(
        "h2",
        None,
        &format!("Quotes about {} ({})", s.name, d.quotes_about.len()),
    );
    if d.quotes_about.is_empty() {
        h.element("p", Some("muted"), "No one else's quote mentions it here.");
    } else {
        render_quote_groups(&mut h, &d.quotes_about, true);
    }
    h.raw("</section>");

    h.raw("<section class=\"entity-articles\"><h2>Articles</h2><ol class=\"articles\">");
    for a in &d.articles {
        h.raw("<li><a class=\"title\"")
            .attr("href", &format!("/articles/{}", url_encode(&a.id)))
            .raw(">")
            .text(display_title(a.title.as_deref()))
            .raw("</a>");
        let mut extra = vec![plural(u64::from(a.mentions), "mention", "mentions")];
        if a.quotes_by > 0 {
            extra.push(plural(a.quotes_by as u64, "quote by", "quotes by"));
        }
        if a.quotes_about > 0 {
            extra.push(plural(a.quotes_about as u64, "quote about", "quotes about"));
        }
        if a.names.iter().any(|n| *n != s.name) {
            extra.push(format!("as {}", a.names.join(", ")));
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        meta_line(&mut h, a.outlet.as_deref(), a.published.as_deref(), &extra);
        h.raw("</li>");
    }
    h.raw("</ol></section>");
    if !d.unanalysed.is_empty() {
        h.element(
            "p",
            Some("notice"),
            &format!(
                "The quotes of {} could not be read; re-run `parallax ingest`.",
                d.unanalysed.join(", ")
            ),
        );
    }
    pager(
        &mut h,
        (d.offset > 0).then(|| entity_page_href(&s.id, d.offset.saturating_sub(d.limit), d.limit)),
        d.next_offset.map(|n| entity_page_href(&s.id, n, d.limit)),
    );
    h.raw("</article>");
    h
}

/// Quotes under one heading per article (outlet, date, title).
fn render_quote_groups(h: &mut Html, quotes: &[EntityQuote], show_speaker: bool) {
    let mut current: Option<&str> = None;
    for quote in quotes {
        if current != Some(quote.article.as_str()) {
            if current.is_some() {
                h.raw("</ul></div>");
            }
            current = Some(quote.article.as_str());
            h.raw("<div class=\"quote-group\"")
                .attr("data-article", &quote.article)
                .raw("><h3><a")
                .attr("href", &format!("/articles/{}", url_encode(&quote.article)))
                .raw(">")
                .text(display_title(quote.title.as_deref()))
                .raw("</a></h3>");
            meta_line(h, quote.outlet.as_deref(), quote.published.as_deref(), &[]);
            h.raw("<ul class=\"quotes\">");
        }
        // Reported speech is the writer's wording: no quotation marks.
        let (open, close) = if quote.direct || quote.kind == "scare" {
            ("“", "”")
        } else {
            ("", "")
        };
        h.raw("<li")
            .attr("class", &format!("quote {}", quote.kind))
            .raw("><a")
            .attr("href", &quote.link)
            .raw(">")
            .raw(open)
            .text(&quote.text)
            .raw(close)
            .raw("</a>");
        if show_speaker {
            match (&quote.speaker, quote.kind) {
                (_, "scare") => {
                    h.raw(" ")
                        .element("span", Some("badge"), "scare quote (the narrator)");
                }
                (Some(speaker), _) => {
                    h.raw(" <span class=\"speaker\">— ")
                        .text(speaker)
                        .raw("</span>");
                }
                (None, _) => {
                    h.raw(" ").element("span", Some("badge"), "speaker unknown");
                }
            }
        }
        if let Some(cue) = &quote.cue {
            h.raw(" ").element("span", Some("badge"), cue);
        }
        if !quote.direct {
            h.raw(" ").element("span", Some("badge"), "reported");
        }
        // The sentence, when the quote alone does not show why it is here.
        if show_speaker && quote.context.trim() != quote.text.trim() {
            h.element("div", Some("context"), &quote.context);
        }
        h.raw("</li>");
    }
    if current.is_some() {
        h.raw("</ul></div>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(article: &str, name: &str, mentions: u32, quotes_by: u32) -> ArticleEntity {
        ArticleEntity {
            article_id: article.into(),
            name: name.into(),
            kind: "person".into(),
            entity_id: Some("person:ada lovelace".into()),
            mentions,
            quotes_by,
        }
    }

    #[test]
    fn summary_counts_articles_once_and_prefers_the_common_name() {
        let rows = vec![
            row("a", "Ada Lovelace", 3, 1),
            row("a", "Lovelace", 1, 0),
            row("b", "Ada Lovelace", 2, 2),
        ];
        let s = summarize("person:ada lovelace", &rows, 2);
        assert_eq!(s.name, "Ada Lovelace");
        assert_eq!((s.articles, s.mentions, s.quotes_by), (2, 6, 3));
        assert_eq!(s.kind, "person");
        assert_eq!(names_by_use(&rows), ["Ada Lovelace", "Lovelace"]);
    }

    #[test]
    fn kinds_are_checked() {
        assert_eq!(
            parse_kind(&Some("person".into())),
            Ok(Some("person".into()))
        );
        assert_eq!(parse_kind(&Some(" ".into())), Ok(None));
        assert!(parse_kind(&Some("<b>".into())).is_err());
        assert_eq!(css_kind("<script>"), "misc");
    }

    #[test]
    fn page_links_keep_the_id_encoded() {
        assert_eq!(
            entity_page_href("person:a b", 20, ARTICLES_PER_PAGE),
            "/entities/person%3Aa%20b?offset=20"
        );
        assert_eq!(
            entity_page_href("person:a", 0, 5),
            "/entities/person%3Aa?limit=5"
        );
    }
}
