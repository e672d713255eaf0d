//! The server's few writes: feed subscriptions (the feeds page, OPML in
//! and out, `/api/feeds`), `POST /api/ingest` of JSONL for pipelines, and
//! the outlet table (the outlets page's forms, written to the user's own
//! table in this machine's data directory, as `parallax outlets set` and
//! `rate` do; servers on other machines keep their own).
//!
//! Every write needs the token the server was started with (`serve
//! --admin-token`); without one the server is read-only and says how to
//! change that. Forms carry the token as a field — the server sets no
//! cookie, so a page on another site cannot borrow a session — and a form
//! post a browser marks as cross-site (`Sec-Fetch-Site`, or an `Origin`
//! that is not this host) is refused as well. Writes open their own store
//! connection: the request pool is read-only.

use crate::api::ApiError;
use crate::html::{self, page, Html};
use crate::pages::PageError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use parallax_ingest::opml;
use parallax_store::{FeedSubscription, NewFeed};
use serde::{Deserialize, Serialize};

/// Why a write is refused.
#[derive(Debug, PartialEq, Eq)]
enum Denied {
    ReadOnly,
    BadToken,
    CrossSite,
}

impl Denied {
    fn status(&self) -> StatusCode {
        match self {
            Denied::BadToken => StatusCode::UNAUTHORIZED,
            Denied::ReadOnly | Denied::CrossSite => StatusCode::FORBIDDEN,
        }
    }

    fn message(&self) -> &'static str {
        match self {
            Denied::ReadOnly => {
                "this server is read-only: start it with `parallax serve --admin-token TOKEN` \
                 (or PARALLAX_ADMIN_TOKEN) to allow writes"
            }
            Denied::BadToken => "this write needs the server's admin token",
            Denied::CrossSite => "a form posted from another site is refused",
        }
    }
}

/// Equal in time independent of where the strings differ.
fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the browser says the request comes from another site.
fn cross_site(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    match (value("origin"), value("host")) {
        // "null" is a sandboxed or privacy-stripped origin: not ours.
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map_or(origin, |(_, rest)| rest)
                .trim_end_matches('/');
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn check(state: &AppState, given: Option<&str>, headers: &HeaderMap) -> Result<(), Denied> {
    let Some(token) = state.inner.admin_token.get() else {
        return Err(Denied::ReadOnly);
    };
    if cross_site(headers) {
        return Err(Denied::CrossSite);
    }
    match given {
        Some(given) if same_secret(given.trim(), token) => Ok(()),
        _ => Err(Denied::BadToken),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Runs `write` on a store connection of its own, off the runtime.
async fn write<T: Send + 'static>(
    state: &AppState,
    write: impl FnOnce(&mut dyn parallax_store::Store) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let location = state.inner.location.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = location
            .open()
            .map_err(|e| format!("cannot open the store: {e}"))?;
        write(&mut *store)
    })
    .await
    .map_err(|e| format!("the write failed: {e}"))?
}

async fn read_feeds(state: &AppState) -> Result<Vec<FeedSubscription>, crate::state::PoolError> {
    state.inner.pool.read(|s| s.list_feeds()).await
}

/// Feeds a page or an API call adds at once.
const MAX_FEEDS_AT_ONCE: usize = opml::MAX_FEEDS;

// ------------------------------------------------------------------ pages

/// What the last form post did, as the redirect after it tells the page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    added: Option<usize>,
    known: Option<usize>,
    removed: Option<usize>,
}

fn when(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = crate::coverage_chart::civil(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        (secs % 3600) / 60
    )
}

pub(crate) async fn feeds_page(
    State(state): State<AppState>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let feeds = read_feeds(&state).await?;
    let writable = state.inner.admin_token.get().is_some();
    let mut h = Html::new();
    h.element("h1", None, "Feeds");
    if let (Some(added), Some(known)) = (done.added, done.known) {
        h.element(
            "p",
            Some("notice done"),
            &format!("Subscribed to {added} new feeds ({known} already subscribed)."),
        );
    }
    if let Some(removed) = done.removed {
        h.element(
            "p",
            Some("notice done"),
            &format!("Unsubscribed from {removed} feed(s)."),
        );
    }
    h.raw("<p class=\"muted\">")
        .text(&format!(
            "{} feed(s). `parallax serve` polls them (every 15 minutes by default); \
             new articles join their stories after each poll. ",
            feeds.len()
        ))
        .link("/feeds.opml", "Export as OPML")
        .raw(" · ")
        .link("/api/feeds", "JSON")
        .raw("</p>");
    if feeds.is_empty() {
        h.element("p", Some("notice"), "No feeds yet.");
    } else {
        h.raw("<div class=\"scroll\"><table class=\"feeds\"><thead><tr><th>Feed</th>")
            .raw("<th>Added</th><th>Last poll</th><th>Status</th>");
        if writable {
            h.raw("<th></th>");
        }
        h.raw("</tr></thead><tbody>");
        for feed in &feeds {
            h.raw("<tr><td>");
            if let Some(title) = &feed.title {
                h.element("strong", None, title).raw("<br>");
            }
            if html::is_web_url(&feed.url) {
                h.link(&feed.url, &feed.url);
            } else {
                h.text(&feed.url);
            }
            h.raw("</td>")
                .element("td", None, &when(feed.added_at))
                .element(
                    "td",
                    None,
                    &feed.polled_at.map_or("never".to_string(), when),
                );
            match (&feed.polled_at, &feed.last_error, feed.last_items) {
                (None, _, _) => {
                    h.element("td", Some("muted"), "not polled yet");
                }
                (Some(_), Some(error), _) => {
                    h.raw("<td class=\"failing\">")
                        .text(&format!("failing ({} in a row): {error}", feed.failures))
                        .raw("</td>");
                }
                (Some(_), None, items) => {
                    let items = items.map_or(String::new(), |n| format!(", {n} items"));
                    h.element("td", Some("ok"), &format!("ok{items}"));
                }
            }
            if writable {
                h.raw("<td><form method=\"post\" action=\"/feeds\" class=\"inline\">")
                    .raw("<input type=\"hidden\" name=\"action\" value=\"remove\">")
                    .raw("<input type=\"hidden\" name=\"url\"")
                    .attr("value", &feed.url)
                    .raw(
                        "><input type=\"password\" name=\"token\" placeholder=\"admin token\" \
                          aria-label=\"admin token\" required size=\"10\">",
                    )
                    .raw("<button type=\"submit\">Remove</button></form></td>");
            }
            h.raw("</tr>");
        }
        h.raw("</tbody></table></div>");
    }
    if writable {
        h.raw("<h2>Add a feed</h2><form method=\"post\" action=\"/feeds\" class=\"filters\">")
            .raw("<input type=\"hidden\" name=\"action\" value=\"add\">")
            .raw("<label>Feed URL<input type=\"url\" name=\"url\" required size=\"40\"></label>")
            .raw("<label>Name<input name=\"title\"></label>")
            .raw("<label>Admin token<input type=\"password\" name=\"token\" required></label>")
            .raw("<button type=\"submit\">Subscribe</button></form>");
        h.raw("<h2>Import OPML</h2><form method=\"post\" action=\"/feeds\" id=\"import\">")
            .raw("<input type=\"hidden\" name=\"action\" value=\"import\">")
            .raw("<p><label>OPML (the file a feed reader exports; paste it here)<br>")
            .raw("<textarea name=\"opml\" rows=\"8\" cols=\"70\" required></textarea></label></p>")
            .raw("<p><label>Admin token <input type=\"password\" name=\"token\" required></label> ")
            .raw("<button type=\"submit\">Import</button></p></form>");
    } else {
        h.element("p", Some("notice"), Denied::ReadOnly.message());
    }
    Ok(html::response(StatusCode::OK, page("Feeds", "", h)))
}

/// The feeds page's forms.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FeedForm {
    action: Option<String>,
    token: Option<String>,
    url: Option<String>,
    title: Option<String>,
    opml: Option<String>,
}

fn refused_page(status: StatusCode, message: &str) -> Response {
    let mut h = Html::new();
    h.element("h1", None, "Not done")
        .element("p", Some("notice"), message)
        .raw("<p>")
        .link("/feeds", "Back to the feeds")
        .raw("</p>");
    html::response(status, page("Not done", "", h))
}

pub(crate) async fn feeds_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<FeedForm>,
) -> Response {
    if let Err(denied) = check(&state, form.token.as_deref(), &headers) {
        return refused_page(denied.status(), denied.message());
    }
    let outcome = match form.action.as_deref() {
        Some("add") => {
            let new = vec![NewFeed {
                url: form.url.unwrap_or_default(),
                title: form.title,
            }];
            let n = new.len();
            write(&state, move |s| {
                s.add_feeds(&new).map_err(|e| e.to_string())
            })
            .await
            .map(|added| format!("/feeds?added={added}&known={}", n - added))
        }
        Some("import") => match opml::parse(form.opml.as_deref().unwrap_or("")) {
            Err(e) => Err(format!("the OPML cannot be read: {e}")),
            Ok(found) => {
                let new: Vec<NewFeed> = found
                    .into_iter()
                    .map(|f| NewFeed {
                        url: f.url,
                        title: f.title,
                    })
                    .collect();
                let n = new.len();
                write(&state, move |s| {
                    s.add_feeds(&new).map_err(|e| e.to_string())
                })
                .await
                .map(|added| format!("/feeds?added={added}&known={}", n - added))
            }
        },
        Some("remove") => {
            let url = form.url.unwrap_or_default();
            write(&state, move |s| {
                s.remove_feed(&url).map_err(|e| e.to_string())
            })
            .await
            .map(|removed| format!("/feeds?removed={}", usize::from(removed)))
        }
        _ => Err("the form's action must be add, import or remove".to_string()),
    };
    match outcome {
        // 303: the browser reloads the list with GET, and a refresh does
        // not post the form again.
        Ok(location) => Redirect::to(&location).into_response(),
        Err(message) => refused_page(StatusCode::BAD_REQUEST, &message),
    }
}

/// Whether an outlet edit's rename run is going (the outlets page says so).
pub(crate) fn renaming(state: &AppState) -> bool {
    state
        .inner
        .outlets_running
        .load(std::sync::atomic::Ordering::SeqCst)
}

/// The outlets page's forms for a writable server.
pub(crate) fn outlet_forms(h: &mut Html) {
    h.raw("<h2 id=\"edit\">Add or change an outlet</h2>")
        .raw("<p class=\"muted\">Saved in this server's own outlet table (as `parallax outlets set` \
              does); stored articles are named again and stories rebuilt in the background. \
              An article whose outlet is unknown gets it from a domain given here.</p>")
        .raw("<form method=\"post\" action=\"/outlets\" class=\"filters\" id=\"set-outlet\">")
        .raw("<input type=\"hidden\" name=\"action\" value=\"set\">")
        .raw("<label>Name <input name=\"name\" required></label>")
        .raw("<label>Other names <input name=\"aliases\" placeholder=\"comma-separated\"></label>")
        .raw("<label>Domains <input name=\"domains\" placeholder=\"example.com, news.example.org\"></label>")
        .raw("<label>Country <input name=\"country\" size=\"4\" placeholder=\"GB\"></label>")
        .raw("<label>Language <input name=\"language\" size=\"4\" placeholder=\"en\"></label>")
        .raw("<label>Type <select name=\"kind\"><option value=\"\">(keep)</option>");
    for kind in [
        "wire",
        "newspaper",
        "broadcaster",
        "digital",
        "magazine",
        "state media",
        "blog",
    ] {
        h.raw("<option>").text(kind).raw("</option>");
    }
    h.raw("</select></label>")
        .raw("<label>Owner <input name=\"owner\"></label>")
        .raw("<label>Admin token <input type=\"password\" name=\"token\" required></label>")
        .raw("<button type=\"submit\">Save outlet</button></form>");
    h.raw("<h2>Record a rating</h2>")
        .raw("<form method=\"post\" action=\"/outlets\" class=\"filters\" id=\"rate-outlet\">")
        .raw("<input type=\"hidden\" name=\"action\" value=\"rate\">")
        .raw("<label>Outlet <input name=\"name\" required></label>")
        .raw("<label>Source <input name=\"source\" required placeholder=\"allsides-2019 or your own id\"></label>")
        .raw("<label>Rating <select name=\"rating\" required>");
    for label in [
        "far-left",
        "left",
        "left-center",
        "center",
        "right-center",
        "right",
        "far-right",
    ] {
        h.raw("<option>").text(label).raw("</option>");
    }
    h.raw("</select></label>")
        .raw("<label>Factuality <input name=\"factuality\" placeholder=\"high\"></label>")
        .raw("<label>Citation <input type=\"url\" name=\"citation\" required size=\"36\" placeholder=\"https://…\"></label>")
        .raw("<label>Admin token <input type=\"password\" name=\"token\" required></label>")
        .raw("<button type=\"submit\">Save rating</button></form>");
}

/// The outlet page's forms: `set` adds or changes an outlet (names,
/// domains, country, language, type, owner), `rate` records a source's
/// rating with its citation.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OutletForm {
    action: Option<String>,
    token: Option<String>,
    name: Option<String>,
    /// Comma-separated.
    aliases: Option<String>,
    /// Comma-separated hosts or URLs.
    domains: Option<String>,
    country: Option<String>,
    language: Option<String>,
    kind: Option<String>,
    owner: Option<String>,
    source: Option<String>,
    rating: Option<String>,
    factuality: Option<String>,
    citation: Option<String>,
}

fn list(value: &Option<String>) -> Vec<String> {
    value
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The row an outlet form asks for, checked: (table file, row, outlet name).
fn outlet_change(form: &OutletForm) -> Result<(&'static str, String, String), String> {
    use parallax_outlets::{OutletEdit, Rating};
    let registry = parallax_outlets::current();
    let name = given(&form.name).ok_or("give the outlet's name")?;
    match form.action.as_deref() {
        Some("set") => {
            let edit = OutletEdit {
                name,
                aliases: list(&form.aliases),
                domains: list(&form.domains),
                country: given(&form.country),
                language: given(&form.language),
                kind: given(&form.kind),
                owner: given(&form.owner),
            };
            let outlet = registry.edited(&edit)?;
            Ok((
                parallax_outlets::USER_OUTLETS,
                parallax_outlets::outlet_row(&outlet),
                outlet.name,
            ))
        }
        Some("rate") => {
            let outlet = registry.by_name(&name).ok_or_else(|| {
                format!("no outlet called {name:?}: add it first with the form above")
            })?;
            let source = given(&form.source).ok_or("give who rates it (a source id)")?;
            let rating = given(&form.rating).ok_or("give the rating as the source words it")?;
            if parallax_outlets::lean_of_label(&rating).is_none() {
                return Err(format!(
                    "the rating {rating:?} has no place on the left–right scale: use far-left, \
                     left, left-center, center, right-center, right or far-right"
                ));
            }
            let citation = given(&form.citation)
                .filter(|c| html::is_web_url(c))
                .ok_or("give the address (http or https) of the page that states the rating")?;
            let row = parallax_outlets::rating_row(
                &outlet.name,
                &Rating {
                    source,
                    rating,
                    factuality: given(&form.factuality),
                    citation,
                },
            );
            Ok((parallax_outlets::USER_RATINGS, row, outlet.name.clone()))
        }
        _ => Err("the form's action must be set or rate".to_string()),
    }
}

pub(crate) async fn outlets_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<OutletForm>,
) -> Response {
    if let Err(denied) = check(&state, form.token.as_deref(), &headers) {
        return refused_page(denied.status(), denied.message());
    }
    let (file, row, name) = match outlet_change(&form) {
        Ok(change) => change,
        Err(message) => return refused_page(StatusCode::BAD_REQUEST, &message),
    };
    let saved = tokio::task::spawn_blocking(move || {
        parallax_outlets::append_user_rows(&parallax_outlets::user_dir(), file, &[row])
            .map_err(|e| e.to_string())?;
        parallax_outlets::reload().map_err(|e| e.to_string())?;
        Ok::<_, String>(())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    if let Err(e) = saved {
        eprintln!("serve: saving an outlet edit failed: {e}");
        return refused_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the outlet table could not be saved; the server's log says why",
        );
    }
    rename_in_background(&state);
    let key = parallax_outlets::name_key(&name);
    Redirect::to(&format!(
        "/outlets?saved={}#{}",
        html::url_encode(&name),
        html::url_encode(&key)
    ))
    .into_response()
}

/// Names stored articles again under the new table and rebuilds the
/// stories (`parallax_pipeline::refresh` does both when the registry's
/// fingerprint changed), on a connection of its own, one run at a time: an
/// edit made while a run is going starts one more run after it.
fn rename_in_background(state: &AppState) {
    use std::sync::atomic::Ordering;
    let inner = &state.inner;
    inner.outlets_again.store(true, Ordering::SeqCst);
    if inner.outlets_running.swap(true, Ordering::SeqCst) {
        return;
    }
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let inner = &state.inner;
        loop {
            while inner.outlets_again.swap(false, Ordering::SeqCst) {
                let result =
                    inner
                        .location
                        .open()
                        .map_err(|e| e.to_string())
                        .and_then(|mut store| {
                            parallax_pipeline::refresh(&mut *store, false)
                                .map_err(|e| e.to_string())
                        });
                if let Err(e) = result {
                    eprintln!("serve: renaming outlets and rebuilding stories failed: {e}");
                }
            }
            inner.outlets_running.store(false, Ordering::SeqCst);
            // An edit that came after the last check and saw this run
            // going left its run to this one.
            if !inner.outlets_again.load(Ordering::SeqCst)
                || inner.outlets_running.swap(true, Ordering::SeqCst)
            {
                break;
            }
        }
    });
}

pub(crate) async fn feeds_opml(State(state): State<AppState>) -> Result<Response, PageError> {
    let feeds: Vec<opml::OpmlFeed> = read_feeds(&state)
        .await?
        .into_iter()
        .map(|f| opml::OpmlFeed {
            url: f.url,
            title: f.title,
        })
        .collect();
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/x-opml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"parallax-feeds.opml\"",
            ),
        ],
        opml::write("Parallax feeds", &feeds),
    )
        .into_response())
}

// -------------------------------------------------------------------- API

#[derive(Serialize)]
struct FeedsList {
    feeds: Vec<FeedSubscription>,
    /// Whether this server takes writes (it was given an admin token).
    writable: bool,
}

pub(crate) async fn api_feeds(State(state): State<AppState>) -> Result<Response, ApiError> {
    let feeds = read_feeds(&state).await?;
    Ok(Json(FeedsList {
        feeds,
        writable: state.inner.admin_token.get().is_some(),
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct AddFeeds {
    feeds: Vec<NewFeed>,
}

#[derive(Serialize)]
struct Added {
    added: usize,
    already_subscribed: usize,
}

fn denied_json(denied: Denied) -> ApiError {
    ApiError {
        status: denied.status(),
        message: denied.message().to_string(),
    }
}

pub(crate) async fn api_add_feeds(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check(&state, bearer(&headers), &headers).map_err(denied_json)?;
    let request: AddFeeds = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "the body must be JSON {{\"feeds\": [{{\"url\": …, \"title\": …}}]}}: {e}"
        ))
    })?;
    if request.feeds.is_empty() || request.feeds.len() > MAX_FEEDS_AT_ONCE {
        return Err(ApiError::bad_request(format!(
            "give 1 to {MAX_FEEDS_AT_ONCE} feeds"
        )));
    }
    let n = request.feeds.len();
    let added = write(&state, move |s| {
        s.add_feeds(&request.feeds).map_err(|e| e.to_string())
    })
    .await
    .map_err(ApiError::bad_request)?;
    Ok((
        StatusCode::OK,
        Json(Added {
            added,
            already_subscribed: n - added,
        }),
    )
        .into_response())
}

#[derive(Serialize)]
struct Ingested {
    inserted: usize,
    updated: usize,
    unchanged: usize,
    skipped: Vec<SkippedInput>,
    stories: Option<usize>,
}

#[derive(Serialize)]
struct SkippedInput {
    origin: String,
    reason: String,
}

/// Articles as JSON lines (the format `parallax ingest` reads from
/// `.jsonl` files) into the store; the search index catches up at once.
/// Records that cannot be used are listed with why; the rest land.
pub(crate) async fn api_ingest(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    check(&state, bearer(&headers), &headers).map_err(denied_json)?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the body is empty: send one JSON article per line",
        ));
    }
    let location = state.inner.location.clone();
    let report = tokio::task::spawn_blocking(move || -> Result<_, String> {
        // The pipeline reads inputs from files: one of our own, removed
        // after, named so its format is known.
        let dir = std::env::temp_dir().join(format!(
            "parallax-ingest-{}-{}",
            std::process::id(),
            parallax_ingest::stable_hash(&body)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot stage the input: {e}"))?;
        let file = dir.join("posted.jsonl");
        let result = std::fs::write(&file, &body)
            .map_err(|e| format!("cannot stage the input: {e}"))
            .and_then(|_| {
                let mut store = location
                    .open()
                    .map_err(|e| format!("cannot open the store: {e}"))?;
                parallax_pipeline::ingest(
                    &mut *store,
                    std::slice::from_ref(&file),
                    &[],
                    &parallax_ingest::Limits::default(),
                    &|_| {},
                )
                .map_err(|e| format!("the store refused the articles: {e}"))
            });
        let _ = std::fs::remove_dir_all(&dir);
        result
    })
    .await
    .map_err(|e| ApiError::internal(format!("the ingest failed: {e}")))?
    .map_err(ApiError::internal)?;
    if let Err(e) = state.sync_search().await {
        eprintln!("serve: search index sync after an ingest failed: {e}");
    }
    let posted = |o: &str| o.replace(&std::env::temp_dir().display().to_string(), "");
    Ok(Json(Ingested {
        inserted: report.counts.inserted,
        updated: report.counts.updated,
        unchanged: report.counts.unchanged,
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedInput {
                // Never the server's paths: the record's place in the body.
                origin: posted(&s.origin.to_string())
                    .rsplit("posted.jsonl")
                    .next()
                    .map(|rest| format!("body{rest}"))
                    .unwrap_or_default(),
                reason: s.reason.clone(),
            })
            .collect(),
        stories: report.stories,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cret", "s3cre"));
        assert!(!same_secret("s3cret", "S3cret"));
        assert!(!same_secret("", "x"));
    }

    #[test]
    fn cross_site_posts_are_told_by_fetch_metadata_or_origin() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        assert!(!cross_site(&headers(&[])));
        assert!(!cross_site(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!cross_site(&headers(&[
            ("origin", "http://127.0.0.1:8080"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:8080")
        ])));
        assert!(cross_site(&headers(&[("origin", "null"), ("host", "a")])));
    }

    #[test]
    fn bearer_tokens_are_read_from_authorization() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer  abc "),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn poll_times_read_as_utc() {
        assert_eq!(when(0), "1970-01-01 00:00 UTC");
        assert_eq!(when(1_796_601_600 + 3_723), "2026-12-07 01:02 UTC");
    }
}
