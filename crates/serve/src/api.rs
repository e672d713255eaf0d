//! The JSON API under `/api/`. Shapes are described in `openapi.json`;
//! keep the two in step (a test checks every documented path answers).

use crate::state::{AppState, PoolError, SyncStatus};
use crate::OPENAPI_JSON;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use parallax_model::Article;
use parallax_search::{check_query, SearchError, SearchHit, SearchOrder, SearchRequest};
use parallax_store::{ArticleSummary, DuplicateLink, EntitySummary, ListQuery};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Articles per page when the request does not say.
pub(crate) const DEFAULT_LIMIT: usize = 50;
/// The most a single request may ask for.
pub(crate) const MAX_LIMIT: usize = 500;
/// The largest paging offset of a listing (declared in `openapi.json`):
/// far beyond any real store's page count, and small enough that
/// `offset + limit` never overflows.
pub(crate) const MAX_OFFSET: usize = 1_000_000;
/// The largest offset into search hits: every hit before it is ranked.
pub(crate) const MAX_SEARCH_OFFSET: usize = 10_000;

/// Names of the API's query parameters: [`ApiQuery`] refuses them empty
/// or repeated.
const API_PARAMETERS: [&str; 16] = [
    "q",
    "entity",
    "sort",
    "outlet",
    "language",
    "from",
    "to",
    "name",
    "kind",
    "limit",
    "offset",
    "single_source",
    "lean",
    "min_sources",
    "story",
    "groups",
];

/// Query parameters of an API route. Stricter than the pages' forms (which
/// send empty fields): a parameter given empty or twice is a 400 saying
/// so, rather than silently meaning "not set" or "the last one", so that
/// what the server accepts is what `openapi.json` declares. Parameters the
/// API does not know are ignored.
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for ApiQuery<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|e| ApiError::bad_request(format!("unreadable query string: {e}")))?;
        let mut fields = serde_json::Map::new();
        for (name, value) in pairs {
            if !API_PARAMETERS.contains(&name.as_str()) {
                continue;
            }
            if value.is_empty() {
                return Err(ApiError::bad_request(format!(
                    "{name} is empty; leave it out to not set it"
                )));
            }
            if fields
                .insert(name.clone(), serde_json::Value::String(value))
                .is_some()
            {
                return Err(ApiError::bad_request(format!(
                    "{name} is given more than once"
                )));
            }
        }
        serde_json::from_value(serde_json::Value::Object(fields))
            .map(ApiQuery)
            .map_err(|e| ApiError::bad_request(format!("bad query parameters: {e}")))
    }
}

/// An error as JSON: `{"error": "...", "status": 404}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: message.into(),
        }
    }
}

impl From<PoolError> for ApiError {
    fn from(e: PoolError) -> Self {
        match e {
            PoolError::Unavailable(_) => ApiError {
                status: StatusCode::SERVICE_UNAVAILABLE,
                message: e.to_string(),
            },
            PoolError::Store(_) => ApiError::internal(e.to_string()),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    status: u16,
}

/// What a client is told of an internal error: its details (store and
/// index errors name files on the server's disk) go to the log instead.
pub(crate) const INTERNAL_MESSAGE: &str = "internal error; the details are in the server's log";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let message = if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            eprintln!("parallax serve: {}", self.message);
            INTERNAL_MESSAGE
        } else {
            &self.message
        };
        let body = ErrorBody {
            error: message,
            status: self.status.as_u16(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// Query parameters shared by the article list page and `/api/articles`.
/// Everything arrives as text so that a bad value gets a clear message
/// rather than a generic rejection; empty values (from HTML forms) mean
/// "not set".
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListParams {
    pub(crate) outlet: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) limit: Option<String>,
    pub(crate) offset: Option<String>,
}

pub(crate) fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// A non-negative integer parameter within `max`.
pub(crate) fn parse_count(
    name: &str,
    value: &Option<String>,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, String> {
    let Some(text) = non_empty(value) else {
        return Ok(default);
    };
    // Digits only: `parse` would also take a sign (`+5`).
    let n: usize = Some(&text)
        .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| format!("{name} must be a whole number, got {text:?}"))?;
    if n < min || n > max {
        return Err(format!("{name} must be between {min} and {max}, got {n}"));
    }
    Ok(n)
}

/// Accepts `YYYY-MM-DD` with a plausible month and day.
pub(crate) fn parse_date(name: &str, value: &Option<String>) -> Result<Option<String>, String> {
    let Some(text) = non_empty(value) else {
        return Ok(None);
    };
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let valid = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && digits(0..4).is_some()
        && match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => d >= 1 && d <= days_in_month(y, m),
            _ => false,
        };
    if valid {
        Ok(Some(text))
    } else {
        Err(format!("{name} must be a date YYYY-MM-DD, got {text:?}"))
    }
}

/// Days in month `m` of year `y` (0 for a month that does not exist).
fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

/// An outlet filter as the user typed it, turned into the registry's name
/// (`fox`, `FOX`, `foxnews.com` → `Fox News`); a name the registry does not
/// know is kept as typed and matched in any case.
pub(crate) fn outlet_filter(value: &Option<String>) -> Option<String> {
    non_empty(value).map(|v| parallax_outlets::current().canonical(&v).to_string())
}

/// Whether a stored outlet name is the outlet a filter names (both through
/// the registry, case and spelling ignored).
pub(crate) fn same_outlet(stored: &str, filter: &str) -> bool {
    let registry = parallax_outlets::current();
    parallax_outlets::name_key(registry.canonical(stored))
        == parallax_outlets::name_key(registry.canonical(filter))
}

impl ListParams {
    pub(crate) fn to_query(&self, default_limit: usize) -> Result<ListQuery, String> {
        Ok(ListQuery {
            outlet: outlet_filter(&self.outlet),
            language: non_empty(&self.language),
            published_from: parse_date("from", &self.from)?,
            published_to: parse_date("to", &self.to)?,
            limit: parse_count("limit", &self.limit, default_limit, 1, MAX_LIMIT)?,
            offset: parse_count("offset", &self.offset, 0, 0, MAX_OFFSET)?,
        })
    }
}

/// Where an article was read from, as clients are shown it: a feed URL
/// whole, a file by its name only. The stored path is whatever the
/// ingesting command was given, often absolute, and would tell every
/// visitor how the server's disk is laid out.
pub(crate) fn public_origin(origin: &parallax_model::Origin) -> parallax_model::Origin {
    let path = if crate::html::is_web_url(&origin.path) {
        origin.path.clone()
    } else {
        origin
            .path
            .rsplit(['/', '\\'])
            .find(|part| !part.is_empty())
            .unwrap_or("")
            .to_string()
    };
    parallax_model::Origin {
        path,
        locator: origin.locator.clone(),
    }
}

/// One page of a listing, and whether there is another after it.
pub(crate) struct Listed {
    pub(crate) articles: Vec<ArticleSummary>,
    pub(crate) next_offset: Option<usize>,
}

/// Lists one page, reading one row more than asked to learn whether a
/// next page exists.
pub(crate) async fn list_page(state: &AppState, query: ListQuery) -> Result<Listed, PoolError> {
    let limit = query.limit;
    let offset = query.offset;
    let mut probe = query;
    probe.limit = limit + 1;
    let mut articles = state.inner.pool.read(move |s| s.list(&probe)).await?;
    for article in &mut articles {
        article.origin = public_origin(&article.origin);
    }
    let next_offset = if articles.len() > limit {
        articles.truncate(limit);
        Some(offset + limit)
    } else {
        None
    };
    Ok(Listed {
        articles,
        next_offset,
    })
}

/// An article with its duplicate links, as the article page and
/// `/api/articles/{id}` need it.
pub(crate) async fn load_article(
    state: &AppState,
    id: String,
) -> Result<Option<(Article, Vec<DuplicateLink>)>, PoolError> {
    state
        .inner
        .pool
        .read(move |s| {
            let Some(mut article) = s.get(&id)? else {
                return Ok(None);
            };
            article.origin = public_origin(&article.origin);
            let links = s.links(&id)?;
            Ok(Some((article, links)))
        })
        .await
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    articles: u64,
    search: SearchHealth,
}

#[derive(Serialize)]
struct SearchHealth {
    documents: u64,
    sync: SyncStatus,
}

pub(crate) async fn health(State(state): State<AppState>) -> Result<Response, ApiError> {
    let articles = state.inner.pool.read(|s| s.count()).await?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        articles,
        search: SearchHealth {
            documents: state.inner.search.num_docs(),
            sync: state.sync_status(),
        },
    })
    .into_response())
}

#[derive(Serialize)]
struct ArticlesPage {
    articles: Vec<ArticleSummary>,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
}

pub(crate) async fn articles(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    let query = params
        .to_query(DEFAULT_LIMIT)
        .map_err(ApiError::bad_request)?;
    let (limit, offset) = (query.limit, query.offset);
    let listed = list_page(&state, query).await?;
    Ok(Json(ArticlesPage {
        articles: listed.articles,
        limit,
        offset,
        next_offset: listed.next_offset,
    })
    .into_response())
}

/// Rows read from the store per step of the articles CSV.
const CSV_PAGE: usize = 2_000;

/// `/api/articles.csv`: every article the list's filters match (outlet,
/// language, dates; `limit` and `offset` are the list's paging and are
/// not taken), newest first, one row each. Streamed a page at a time, so
/// memory stays flat however large the store; each page is its own read,
/// so a write between pages may move a row (the export is not one
/// snapshot).
pub(crate) async fn articles_csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Response, ApiError> {
    refuse_paging(&params.limit, &params.offset, "/api/articles")?;
    let mut query = params
        .to_query(DEFAULT_LIMIT)
        .map_err(ApiError::bad_request)?;
    query.limit = CSV_PAGE;
    query.offset = 0;
    // The first page is read before answering, so a broken store is an
    // error status rather than a cut file.
    let first = state
        .inner
        .pool
        .read({
            let query = query.clone();
            move |s| s.list(&query)
        })
        .await?;
    let mut head = Vec::new();
    parallax_pipeline::csv::article_header(&mut head)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let start = (state, query, Some(first));
    let pages = futures_util::stream::unfold(Some(start), |step| async move {
        let (state, mut query, read) = step?;
        let rows = match read {
            Some(rows) => rows,
            None => match state
                .inner
                .pool
                .read({
                    let query = query.clone();
                    move |s| s.list(&query)
                })
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    eprintln!(
                        "serve: the articles CSV stopped at row {}: {e}",
                        query.offset
                    );
                    return Some((Err(std::io::Error::other(e.to_string())), None));
                }
            },
        };
        if rows.is_empty() {
            return None;
        }
        let mut chunk = Vec::with_capacity(rows.len() * 160);
        if let Err(e) = parallax_pipeline::csv::article_rows(&mut chunk, &rows) {
            return Some((Err(e), None));
        }
        let next = (rows.len() == query.limit).then(|| {
            query.offset += rows.len();
            (state, query, None)
        });
        Some((Ok(axum::body::Bytes::from(chunk)), next))
    });
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(head))])
        .chain(pages);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"parallax-articles.csv\"",
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}

#[derive(Serialize)]
struct ArticleDetail {
    #[serde(flatten)]
    article: Article,
    duplicates: Vec<DuplicateLink>,
}

pub(crate) async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    match load_article(&state, id.clone()).await? {
        Some((article, duplicates)) => Ok(Json(ArticleDetail {
            article,
            duplicates,
        })
        .into_response()),
        None => Err(ApiError::not_found(format!("no article with id {id:?}"))),
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    pub(crate) q: Option<String>,
    pub(crate) outlet: Option<String>,
    pub(crate) language: Option<String>,
    /// Only articles mentioning this corpus-wide entity id.
    pub(crate) entity: Option<String>,
    /// `relevance` (default with words) or `newest` (default without).
    pub(crate) sort: Option<String>,
    pub(crate) limit: Option<String>,
    pub(crate) offset: Option<String>,
    /// Published on or after / before (ISO days).
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
    /// Only articles of outlets on this side (`left`, `centre`, `right`).
    pub(crate) lean: Option<String>,
}

/// A `lean` parameter as a side.
pub(crate) fn parse_side(value: &Option<String>) -> Result<Option<parallax_compare::Side>, String> {
    use parallax_compare::Side;
    match non_empty(value).as_deref() {
        None => Ok(None),
        Some("left") => Ok(Some(Side::Left)),
        Some("centre") | Some("center") => Ok(Some(Side::Centre)),
        Some("right") => Ok(Some(Side::Right)),
        Some(other) => Err(format!("lean must be left, centre or right, not {other:?}")),
    }
}

/// The store's outlets whose combined rating is on `side` (names as
/// stored), for a search limited to one side.
pub(crate) async fn outlets_of_side(
    state: &AppState,
    side: parallax_compare::Side,
) -> Result<Vec<String>, PoolError> {
    let counts = state.inner.pool.read(|s| s.outlet_counts()).await?;
    Ok(counts
        .into_iter()
        .filter_map(|(name, _)| name)
        .filter(|name| side_of_outlet(Some(name)) == Some(side))
        .collect())
}

/// The side of an outlet named as stored, from the registry's combined
/// rating; `None` for an outlet no source rates (or none at all).
pub(crate) fn side_of_outlet(outlet: Option<&str>) -> Option<parallax_compare::Side> {
    let lean = parallax_outlets::current()
        .by_name(outlet?)?
        .combined_lean()?;
    Some(parallax_compare::Side::of_step(lean.step))
}

/// [`SearchParams::to_request`] with the lean turned into its outlets.
pub(crate) async fn search_request(
    state: &AppState,
    params: &SearchParams,
    default_limit: usize,
) -> Result<Option<SearchRequest>, ApiError> {
    let side = parse_side(&params.lean).map_err(ApiError::bad_request)?;
    let Some(mut request) = params
        .to_request(default_limit)
        .map_err(ApiError::bad_request)?
    else {
        return Ok(None);
    };
    if let Some(side) = side {
        request.outlets = Some(outlets_of_side(state, side).await?);
    }
    Ok(Some(request))
}

/// The API always wants words (`*` for every article): a `q` missing or
/// of ASCII blanks is refused.
///
/// "Blank" is ASCII whitespace only, as the description's pattern says:
/// regex engines disagree on which other code points are spaces (U+0085
/// is one to Rust and Python, not to ECMAScript). Other space-only words
/// are a valid query that matches nothing.
fn require_words(params: &SearchParams) -> Result<(), ApiError> {
    let blank = params
        .q
        .as_deref()
        .map(|q| q.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b'))
        .is_none_or(str::is_empty);
    if blank {
        return Err(ApiError::bad_request(
            "q (the search words, or * for every article) is required",
        ));
    }
    Ok(())
}

/// A CSV export holds every match: the paging of its JSON twin (`list`)
/// is refused rather than silently ignored.
pub(crate) fn refuse_paging(
    limit: &Option<String>,
    offset: &Option<String>,
    list: &str,
) -> Result<(), ApiError> {
    if limit.is_some() || offset.is_some() {
        return Err(ApiError::bad_request(format!(
            "limit and offset page {list}; the CSV holds every match: leave them out"
        )));
    }
    Ok(())
}

impl SearchParams {
    /// The search request, or `None` when neither words nor an entity
    /// were given.
    pub(crate) fn to_request(&self, default_limit: usize) -> Result<Option<SearchRequest>, String> {
        let limit = parse_count("limit", &self.limit, default_limit, 1, MAX_LIMIT)?;
        let offset = parse_count("offset", &self.offset, 0, 0, MAX_SEARCH_OFFSET)?;
        let query = non_empty(&self.q);
        // Refuse a query tantivy could not parse safely before any work
        // (entity matching, the search itself) is spent on it.
        if let Some(q) = &query {
            check_query(q).map_err(|e| match e {
                SearchError::Invalid(message) => message,
                other => other.to_string(),
            })?;
        }
        let entity = non_empty(&self.entity);
        // `*` matches every article: there is no relevance to order by.
        let order = match non_empty(&self.sort).as_deref() {
            None if query.as_deref().is_none_or(|q| q == "*") => SearchOrder::Newest,
            None | Some("relevance") => SearchOrder::Relevance,
            Some("newest") => SearchOrder::Newest,
            Some(other) => return Err(format!("sort must be relevance or newest, got {other:?}")),
        };
        // A `to` before `from` matches nothing (no error: see the list).
        let published_from = parse_date("from", &self.from)?;
        let published_to = parse_date("to", &self.to)?;
        parse_side(&self.lean)?;
        if query.is_none() && entity.is_none() {
            return Ok(None);
        }
        Ok(Some(SearchRequest {
            query: query.unwrap_or_default(),
            limit,
            offset,
            outlet: outlet_filter(&self.outlet),
            language: non_empty(&self.language),
            entity,
            order,
            bare: false,
            published_from,
            published_to,
            outlets: None,
        }))
    }
}

pub(crate) async fn run_search(
    state: &AppState,
    request: SearchRequest,
) -> Result<parallax_search::SearchResults, ApiError> {
    let index = Arc::clone(&state.inner.search);
    tokio::task::spawn_blocking(move || index.search_with(&request))
        .await
        .map_err(|e| ApiError::internal(format!("search failed: {e}")))?
        .map_err(|e| match e {
            // The request's fault (a query too deep or long to parse).
            SearchError::Invalid(message) => ApiError::bad_request(message),
            other => ApiError::internal(other.to_string()),
        })
}

/// Entities shown above the hits of a search.
const ENTITY_MATCHES: usize = 6;

/// The words of a search query as an entity name: field prefixes,
/// exclusions, operators and punctuation dropped, lowercased. `None` when
/// too little is left to match names on.
pub(crate) fn entity_name_query(query: &str) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for token in query.split_whitespace() {
        if token.starts_with('-') || matches!(token, "AND" | "OR" | "NOT") {
            continue;
        }
        let token = token.rsplit(':').next().unwrap_or(token);
        let word: String = token
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.'))
            .flat_map(char::to_lowercase)
            .collect();
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if !word.is_empty() {
            words.push(word.to_string());
        }
    }
    let name = words.join(" ");
    (name.chars().count() >= 3).then_some(name)
}

/// Entities whose name contains the query's words, most covered first.
pub(crate) async fn matching_entities(
    state: &AppState,
    query: &str,
) -> Result<Vec<EntitySummary>, PoolError> {
    let Some(name) = entity_name_query(query) else {
        return Ok(Vec::new());
    };
    let all = state.entities().await?;
    // Ids are `kind:name`; only the name part counts.
    Ok(all
        .iter()
        .filter(|e| {
            let name_part = e.id.split_once(':').map_or(e.id.as_str(), |(_, n)| n);
            crate::entities::id_contains(name_part, &name)
        })
        .take(ENTITY_MATCHES)
        .cloned()
        .collect())
}

#[derive(Serialize)]
struct SearchPage {
    query: String,
    entity: Option<String>,
    total: usize,
    limit: usize,
    offset: usize,
    next_offset: Option<usize>,
    /// Entities whose name matches the query (first page only).
    entities: Vec<EntitySummary>,
    /// Stories whose title or summary holds every word (first page only).
    stories: Vec<crate::story_list::StoryMatch>,
    hits: Vec<SearchHit>,
}

pub(crate) async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Response, ApiError> {
    // Unlike the page, the API always wants words: `*` with `entity` for
    // every article about an entity. (An OpenAPI description cannot say
    // "q or entity", and a client should know what it asked for.)
    require_words(&params)?;
    let Some(request) = search_request(&state, &params, 20).await? else {
        let limit = parse_count("limit", &params.limit, 20, 1, MAX_LIMIT).unwrap_or(20);
        let offset = parse_count("offset", &params.offset, 0, 0, MAX_SEARCH_OFFSET).unwrap_or(0);
        return Ok(Json(SearchPage {
            query: String::new(),
            entity: None,
            total: 0,
            limit,
            offset,
            next_offset: None,
            entities: Vec::new(),
            stories: Vec::new(),
            hits: Vec::new(),
        })
        .into_response());
    };
    let (query, entity, limit, offset) = (
        request.query.clone(),
        request.entity.clone(),
        request.limit,
        request.offset,
    );
    let (entities, stories) = if offset == 0 && !query.is_empty() && query != "*" {
        (
            matching_entities(&state, &query).await?,
            crate::story_list::matching_stories(&state, &query).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let results = run_search(&state, request).await?;
    let next_offset = (offset + results.hits.len() < results.total).then_some(offset + limit);
    Ok(Json(SearchPage {
        query,
        entity,
        total: results.total,
        limit,
        offset,
        next_offset,
        entities,
        stories,
        hits: results.hits,
    })
    .into_response())
}

/// Search matches exported at most, best first (the CSV says how many
/// matched in `X-Total-Matches`).
pub(crate) const MAX_CSV_HITS: usize = 10_000;

/// `/api/search.csv`: the search's matches (words, entity, filters as
/// `/api/search`; no paging), up to [`MAX_CSV_HITS`] in the search's order.
pub(crate) async fn search_csv(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Response, ApiError> {
    refuse_paging(&params.limit, &params.offset, "/api/search")?;
    require_words(&params)?;
    // Words that are all (non-ASCII) spaces match nothing, as in
    // /api/search: an empty table.
    let results = match search_request(&state, &params, 20).await? {
        Some(mut request) => {
            request.limit = MAX_CSV_HITS;
            request.offset = 0;
            request.bare = true;
            run_search(&state, request).await?
        }
        None => parallax_search::SearchResults {
            total: 0,
            hits: Vec::new(),
        },
    };
    let rows: Vec<parallax_pipeline::csv::HitRow<'_>> = results
        .hits
        .iter()
        .map(|h| parallax_pipeline::csv::HitRow {
            id: &h.id,
            title: h.title.as_deref(),
            outlet: h.outlet.as_deref(),
            published: h.published.as_deref(),
            score: h.score,
        })
        .collect();
    let mut body = Vec::new();
    parallax_pipeline::csv::search_hits(&mut body, &rows)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let mut response = csv_response("parallax-search.csv", body);
    if let Ok(total) = axum::http::HeaderValue::from_str(&results.total.to_string()) {
        response.headers_mut().insert("x-total-matches", total);
    }
    Ok(response)
}

/// A CSV download named `file`.
pub(crate) fn csv_response(file: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response()
}

pub(crate) async fn not_found(uri: Uri) -> Response {
    ApiError::not_found(format!("no API route {}", uri.path())).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_shown_without_directories() {
        use parallax_model::Origin;
        let shown = |path: &str| public_origin(&Origin::file(path)).path;
        assert_eq!(shown("/home/ana/corpus/a.html"), "a.html");
        assert_eq!(shown("C:\\corpus\\b.txt"), "b.txt");
        assert_eq!(shown("c.jsonl"), "c.jsonl");
        assert_eq!(shown("-"), "-");
        assert_eq!(
            shown("https://news.example/feed.xml"),
            "https://news.example/feed.xml"
        );
        let at = public_origin(&Origin::at("/srv/x.warc", "record 3"));
        assert_eq!(
            (at.path.as_str(), at.locator.as_deref()),
            ("x.warc", Some("record 3"))
        );
    }

    #[test]
    fn dates_must_be_iso_days() {
        let d = |s: &str| parse_date("from", &Some(s.to_string()));
        assert_eq!(d("2026-03-01"), Ok(Some("2026-03-01".into())));
        assert_eq!(d(" "), Ok(None));
        assert!(d("2026-13-01").is_err());
        assert!(d("2026-02-30").is_err());
        assert!(d("2025-02-29").is_err());
        assert_eq!(d("2024-02-29"), Ok(Some("2024-02-29".into())));
        assert!(d("2026-04-31").is_err());
        assert!(d("2026-1-01").is_err());
        assert!(d("yesterday").is_err());
        assert!(d("2026-03-0é").is_err());
    }

    #[test]
    fn entity_queries_keep_only_name_words() {
        let q = entity_name_query;
        assert_eq!(q("Williamson"), Some("williamson".into()));
        assert_eq!(
            q("  \"Chris  Williamson\" -letter"),
            Some("chris williamson".into())
        );
        assert_eq!(q("title:O'Brien"), Some("o'brien".into()));
        assert_eq!(q("ab"), None);
        assert_eq!(q("-only AND (("), None);
        assert_eq!(q("%_\\"), None);
    }

    #[test]
    fn search_needs_words_or_an_entity() {
        let params = |q: &str, entity: &str, sort: &str| SearchParams {
            q: Some(q.into()),
            entity: Some(entity.into()),
            sort: Some(sort.into()),
            ..SearchParams::default()
        };
        assert_eq!(params("", "", "").to_request(20), Ok(None));
        let about = params("", "person:ada", "")
            .to_request(20)
            .unwrap()
            .unwrap();
        assert_eq!(about.order, SearchOrder::Newest);
        assert_eq!(about.entity.as_deref(), Some("person:ada"));
        let words = params("ferry", "", "").to_request(20).unwrap().unwrap();
        assert_eq!(words.order, SearchOrder::Relevance);
        assert!(params("ferry", "", "oldest").to_request(20).is_err());
    }

    #[test]
    fn counts_are_bounded() {
        let c = |s: &str| parse_count("limit", &Some(s.to_string()), 50, 1, 500);
        assert_eq!(c("20"), Ok(20));
        assert_eq!(c(""), Ok(50));
        assert!(c("0").is_err());
        assert!(c("501").is_err());
        assert!(c("-1").is_err());
        assert!(c("ten").is_err());
    }
}
