//! Outlets as a reader and a researcher see them: the registry's row for
//! every outlet in the store, each source's rating side by side with its
//! scale, date and citation, the combined lean with how it is computed,
//! and how an article's outlet was decided.
//!
//! Serve only reads: the registry ([`parallax_outlets::current`], with the
//! user's overrides) and the store's per-outlet counts.

use crate::api::ApiError;
use crate::html::{self, is_web_url, page, url_encode, Html};
use crate::pages::PageError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use parallax_model::Article;
use parallax_outlets::{CombinedLean, Outlet, Rating, RatingSource, Registry};
use serde::Serialize;

/// One outlet as `/api/outlets` lists it.
#[derive(Debug, Serialize)]
pub(crate) struct OutletEntry {
    /// The registry's name, or the stored name when the registry does not
    /// know the outlet.
    pub name: String,
    /// Stored articles from it.
    pub articles: u64,
    /// Whether the registry knows it (else it has no type and no rating).
    pub in_registry: bool,
    pub aliases: Vec<String>,
    pub domains: Vec<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub kind: Option<String>,
    pub owner: Option<String>,
    /// Every source's rating, as that source words it, with its page.
    pub ratings: Vec<Rating>,
    /// `null` when no rating has a place on the −3 … +3 scale.
    pub lean: Option<CombinedLean>,
}

#[derive(Debug, Serialize)]
pub(crate) struct OutletsPage {
    pub outlets: Vec<OutletEntry>,
    /// Stored articles whose outlet is unknown.
    pub unknown_articles: u64,
    /// The rating sources cited, with scale, date and citation.
    pub sources: &'static [RatingSource],
}

fn entry(registry: &Registry, stored: &str, articles: u64) -> OutletEntry {
    match registry.by_name(stored) {
        Some(o) => from_registry(o, articles),
        None => OutletEntry {
            name: stored.to_string(),
            articles,
            in_registry: false,
            aliases: Vec::new(),
            domains: Vec::new(),
            country: None,
            language: None,
            kind: None,
            owner: None,
            ratings: Vec::new(),
            lean: None,
        },
    }
}

fn from_registry(o: &Outlet, articles: u64) -> OutletEntry {
    OutletEntry {
        name: o.name.clone(),
        articles,
        in_registry: true,
        aliases: o.aliases.clone(),
        domains: o.domains.clone(),
        country: o.country.clone(),
        language: o.language.clone(),
        kind: o.kind.map(|k| k.as_str().to_string()),
        owner: o.owner.clone(),
        ratings: o.ratings.clone(),
        lean: o.combined_lean(),
    }
}

/// The store's outlets through the registry: spellings of one outlet
/// counted once, most articles first.
async fn outlets_of_store(state: &AppState) -> Result<OutletsPage, crate::state::PoolError> {
    let counts = state.inner.pool.read(|s| s.outlet_counts()).await?;
    let registry = parallax_outlets::current();
    let mut outlets: Vec<OutletEntry> = Vec::new();
    let mut unknown_articles = 0;
    for (name, n) in counts {
        let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
            unknown_articles += n;
            continue;
        };
        let e = entry(registry, &name, n);
        let key = parallax_outlets::name_key(&e.name);
        match outlets
            .iter_mut()
            .find(|o| parallax_outlets::name_key(&o.name) == key)
        {
            Some(known) => known.articles += n,
            None => outlets.push(e),
        }
    }
    outlets.sort_by(|a, b| b.articles.cmp(&a.articles).then(a.name.cmp(&b.name)));
    Ok(OutletsPage {
        outlets,
        unknown_articles,
        sources: parallax_outlets::SOURCES,
    })
}

pub(crate) async fn api_outlets(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(outlets_of_store(&state).await?).into_response())
}

/// One outlet by any name, alias or domain, in any case: the registry's
/// row with its store count, or a stored outlet the registry lacks.
pub(crate) async fn api_outlet(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let page = outlets_of_store(&state).await?;
    let registry = parallax_outlets::current();
    let wanted = parallax_outlets::name_key(registry.canonical(name.trim()));
    if let Some(e) = page
        .outlets
        .into_iter()
        .find(|o| parallax_outlets::name_key(&o.name) == wanted)
    {
        return Ok(Json(e).into_response());
    }
    match registry.by_name(name.trim()) {
        Some(o) => Ok(Json(from_registry(o, 0)).into_response()),
        None => Err(ApiError::not_found(format!(
            "no outlet \"{}\" in the registry or the store (see /api/outlets)",
            name.escape_debug()
        ))),
    }
}

/// The source's display name and date for a rating (`AllSides media bias
/// ratings, 2019-10-18`); a user's own source by its id.
fn source_label(r: &Rating) -> String {
    match parallax_outlets::source(&r.source) {
        Some(s) => format!("{} ({})", s.name, s.as_of),
        None => r.source.clone(),
    }
}

/// `rating (factuality …)` with a link to the rating's page.
fn render_rating(h: &mut Html, r: &Rating) {
    h.raw("<li>").text(&source_label(r)).raw(": <strong>");
    h.text(&r.rating).raw("</strong>");
    if let Some(f) = &r.factuality {
        h.text(&format!(", factuality {f}"));
    }
    if is_web_url(&r.citation) {
        h.raw(" · <a rel=\"noopener noreferrer nofollow\"")
            .attr("href", &r.citation)
            .raw(">rating page</a>");
    } else if !r.citation.is_empty() {
        h.raw(" · ").element("span", Some("muted"), &r.citation);
    }
    h.raw("</li>");
}

/// `lean +1` with the explanation on hover and for screen readers, or "no
/// rating".
pub(crate) fn lean_text(lean: Option<&CombinedLean>) -> (String, String) {
    match lean {
        Some(l) => (
            format!("lean {:+} ({})", l.step, side(l.step)),
            l.explanation.clone(),
        ),
        None => (
            "no rating".to_string(),
            "no source in the outlet registry rates this outlet on the left–right scale"
                .to_string(),
        ),
    }
}

fn side(step: i8) -> &'static str {
    parallax_compare::Side::of_step(step).label()
}

/// The article page's outlet box: who published it, how Parallax knows,
/// and each rating with its source.
pub(crate) fn render_article_outlet(h: &mut Html, article: &Article) {
    let registry = parallax_outlets::current();
    h.raw("<details class=\"outlet-box\"><summary>");
    let Some(name) = article.outlet.as_deref().filter(|n| !n.trim().is_empty()) else {
        h.text("Outlet unknown")
            .raw("</summary><p class=\"muted\">")
            .text(
                "Nothing in the input names its publisher. Give it with \
                 `parallax ingest --outlet NAME` or a manifest (see the README).",
            )
            .raw("</p></details>");
        return;
    };
    let outlet = registry.by_name(name);
    h.text("Outlet: ")
        .text(outlet.map_or(name, |o| o.name.as_str()));
    let (label, how) = lean_text(outlet.and_then(Outlet::combined_lean).as_ref());
    h.raw(" · <span").attr("title", &how).raw(">").text(&label);
    h.raw("</span></summary><dl>");
    if let Some(via) = &article.outlet_via {
        let via = match via.as_str() {
            v if v.starts_with("manifest") => format!("{v} (the user's statement)"),
            v if v.starts_with("command line") => format!("{v} (the user's statement)"),
            v => v.to_string(),
        };
        h.element("dt", None, "How we know")
            .element("dd", None, &via);
    }
    match outlet {
        None => {
            h.element("dt", None, "Registry").element(
                "dd",
                None,
                "Not in the outlet registry, so no type and no rating. \
                 `parallax outlets set` adds it.",
            );
        }
        Some(o) => {
            let kind = o.kind.map(|k| k.as_str()).unwrap_or("type unknown");
            let mut about = vec![kind.to_string()];
            about.extend(o.country.clone());
            if let Some(owner) = &o.owner {
                about.push(format!("owned by {owner}"));
            }
            h.element("dt", None, "About")
                .element("dd", None, &about.join(" · "));
            h.element("dt", None, "Ratings").raw("<dd>");
            if o.ratings.is_empty() {
                h.text("No source rates it.");
            } else {
                h.raw("<ul>");
                for r in &o.ratings {
                    render_rating(h, r);
                }
                h.raw("</ul>");
            }
            h.raw("</dd>");
            h.element("dt", None, "Combined lean")
                .element("dd", None, &how);
        }
    }
    h.raw("</dl><p>")
        .link(
            &format!("/outlets#{}", url_encode(&parallax_outlets::name_key(name))),
            "All outlets and their ratings",
        )
        .raw("</p></details>");
}

/// `/outlets`: every outlet of the store with its ratings side by side.
/// `?saved=NAME`: the outlet form's redirect says what it saved.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct OutletsDone {
    saved: Option<String>,
}

pub(crate) async fn outlet_list(
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<OutletsDone>,
) -> Result<Response, PageError> {
    let page_data = outlets_of_store(&state).await?;
    let mut h = Html::new();
    h.element("h1", None, "Outlets");
    if let Some(saved) = done.saved.as_deref().filter(|s| !s.trim().is_empty()) {
        h.element(
            "p",
            Some("notice done"),
            &format!("Saved {saved} in this server's outlet table."),
        );
    }
    if crate::admin::renaming(&state) {
        h.element(
            "p",
            Some("notice"),
            "Stored articles are being named again and stories rebuilt with the edited table; \
             reload in a moment.",
        );
    }
    h.element(
        "p",
        Some("muted"),
        &format!(
            "{} outlets in the store; {} articles whose outlet is unknown. Each \
             source's rating is shown as it words it, with its date and page; the \
             combined lean is the plain mean of the ratings that have a place on \
             the −3 (far left) … +3 (far right) scale.",
            page_data.outlets.len(),
            page_data.unknown_articles
        ),
    );
    h.raw("<div class=\"outlets-wrap\"><table class=\"outlets\"><thead><tr><th>Outlet</th><th>Articles</th>")
        .raw("<th>Type</th><th>Owner</th><th>Ratings</th><th>Combined lean</th>")
        .raw("</tr></thead><tbody>");
    for o in &page_data.outlets {
        h.raw("<tr")
            .attr("id", &parallax_outlets::name_key(&o.name))
            .raw("><td>")
            .text(&o.name)
            .raw("</td><td>")
            .link(
                &format!("/articles?outlet={}", url_encode(&o.name)),
                &o.articles.to_string(),
            )
            .raw("</td><td>")
            .text(o.kind.as_deref().unwrap_or(if o.in_registry {
                "unknown"
            } else {
                "not in the registry"
            }))
            .raw("</td><td>")
            .text(o.owner.as_deref().unwrap_or(""))
            .raw("</td><td>");
        if o.ratings.is_empty() {
            h.element("span", Some("muted"), "no rating");
        } else {
            h.raw("<ul>");
            for r in &o.ratings {
                render_rating(&mut h, r);
            }
            h.raw("</ul>");
        }
        let (label, how) = lean_text(o.lean.as_ref());
        h.raw("</td><td><span")
            .attr("title", &how)
            .raw(">")
            .text(&label)
            .raw("</span></td></tr>");
    }
    h.raw("</tbody></table></div><h2>Rating sources</h2><ul>");
    for s in page_data.sources {
        h.raw("<li><strong>")
            .text(s.name)
            .raw("</strong>, as of ")
            .text(s.as_of)
            .raw(": scale ")
            .text(&s.scale.join(" · "))
            .raw(". ")
            .text(s.citation)
            .raw("</li>");
    }
    h.raw("</ul>");
    if state.inner.admin_token.get().is_some() {
        crate::admin::outlet_forms(&mut h);
    } else {
        h.element(
            "p",
            Some("muted"),
            "Outlets and ratings are edited with `parallax outlets set` and `rate`, or here on \
             a server started with an admin token.",
        );
    }
    Ok(html::response(StatusCode::OK, page("Outlets", "", h)))
}
