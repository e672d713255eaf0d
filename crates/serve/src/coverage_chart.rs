//! Coverage over time: articles per day (or per month, over long spans)
//! by group of outlets, for a story, an entity or a search query — as
//! JSON (`/api/coverage`) and as an SVG drawn here (`/coverage.svg`), so
//! the chart reads without a script or a CDN. Groups are the sides of the
//! outlets' ratings (left, centre, right, unrated) or the user's own
//! (`groups=Public:BBC,NPR;Private:Fox News`, the rest as "other").

use crate::api::{non_empty, parse_date, same_outlet, ApiError, ApiQuery};
use crate::html::escape;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parallax_compare::Side;
use parallax_search::{SearchOrder, SearchRequest};
use serde::{Deserialize, Serialize};

/// Matches of an entity or a query counted at most (by relevance): the
/// chart says when it is capped.
const MAX_MATCHES: usize = 5_000;

/// Spans longer than this many days are counted per month.
const DAILY_UP_TO: i64 = 180;

/// Custom groups at most, so the legend stays readable.
const MAX_GROUPS: usize = 8;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ChartParams {
    pub(crate) story: Option<String>,
    pub(crate) entity: Option<String>,
    pub(crate) q: Option<String>,
    /// `side` (the default) or `Name:outlet,outlet;Name:outlet`.
    pub(crate) groups: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) to: Option<String>,
}

/// What is charted.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub(crate) enum Subject {
    Story(String),
    Entity(String),
    Query(String),
}

/// How articles are grouped.
#[derive(Debug, Clone)]
enum Grouping {
    Sides,
    /// (name, outlets) in the user's order.
    Outlets(Vec<(String, Vec<String>)>),
}

impl Grouping {
    fn parse(value: &Option<String>) -> Result<Grouping, String> {
        let Some(text) = non_empty(value).filter(|t| t != "side") else {
            return Ok(Grouping::Sides);
        };
        let mut groups = Vec::new();
        for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, outlets) = part.split_once(':').ok_or_else(|| {
                format!(
                    "groups must be side or Name:outlet,outlet;Name:outlet — {part:?} has no ':'"
                )
            })?;
            let outlets: Vec<String> = outlets
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect();
            let name = name.trim();
            if name.is_empty() || outlets.is_empty() {
                return Err(format!(
                    "group {part:?} needs a name and at least one outlet"
                ));
            }
            groups.push((name.to_string(), outlets));
        }
        if groups.is_empty() || groups.len() > MAX_GROUPS {
            return Err(format!("groups takes 1 to {MAX_GROUPS} groups"));
        }
        Ok(Grouping::Outlets(groups))
    }

    fn names(&self) -> Vec<String> {
        match self {
            Grouping::Sides => ["left", "centre", "right", "unrated"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            Grouping::Outlets(groups) => groups
                .iter()
                .map(|g| g.0.clone())
                .chain(std::iter::once("other".to_string()))
                .collect(),
        }
    }

    fn index(&self, outlet: Option<&str>, side: Option<Side>) -> usize {
        match self {
            Grouping::Sides => match side {
                Some(Side::Left) => 0,
                Some(Side::Centre) => 1,
                Some(Side::Right) => 2,
                None => 3,
            },
            Grouping::Outlets(groups) => outlet
                .and_then(|o| {
                    groups
                        .iter()
                        .position(|(_, names)| names.iter().any(|n| same_outlet(o, n)))
                })
                .unwrap_or(groups.len()),
        }
    }
}

/// One article as the chart counts it.
struct Dot {
    published: Option<String>,
    outlet: Option<String>,
    side: Option<Side>,
}

/// One bar: a day or a month, with a count per group.
#[derive(Debug, Serialize)]
pub(crate) struct Bucket {
    /// `YYYY-MM-DD` (a day) or `YYYY-MM` (a month).
    pub(crate) start: String,
    pub(crate) counts: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Chart {
    pub(crate) subject: Subject,
    /// `day` or `month`.
    pub(crate) bucket: &'static str,
    pub(crate) groups: Vec<String>,
    pub(crate) buckets: Vec<Bucket>,
    /// Articles counted (dated, inside from/to).
    pub(crate) counted: usize,
    /// Articles without a publication date, not on the chart.
    pub(crate) undated: usize,
    /// True when only the first [`MAX_MATCHES`] matches were counted.
    pub(crate) capped: bool,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count (see [`days_from_civil`]).
pub(crate) fn civil(z: i64) -> (i64, i64, i64) {
    civil_from_days(z)
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A stored `YYYY-MM-DD` (longer stamps are cut to the day) as days.
fn day_of(text: &str) -> Option<i64> {
    let t = text.get(..10)?;
    let (y, rest) = t.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

fn build(
    subject: Subject,
    dots: Vec<Dot>,
    grouping: &Grouping,
    from: Option<i64>,
    to: Option<i64>,
    capped: bool,
) -> Chart {
    let groups = grouping.names();
    let mut undated = 0;
    let mut dated: Vec<(i64, usize)> = Vec::with_capacity(dots.len());
    for dot in &dots {
        match dot.published.as_deref().and_then(day_of) {
            Some(day) => {
                if from.is_some_and(|f| day < f) || to.is_some_and(|t| day > t) {
                    continue;
                }
                dated.push((day, grouping.index(dot.outlet.as_deref(), dot.side)));
            }
            None => undated += 1,
        }
    }
    let (Some(first), Some(last)) = (
        dated.iter().map(|d| d.0).min(),
        dated.iter().map(|d| d.0).max(),
    ) else {
        return Chart {
            subject,
            bucket: "day",
            groups,
            buckets: Vec::new(),
            counted: 0,
            undated,
            capped,
        };
    };
    let daily = last - first <= DAILY_UP_TO;
    let month_of = |day: i64| {
        let (y, m, _) = civil_from_days(day);
        y * 12 + (m - 1)
    };
    let (start, end) = if daily {
        (first, last)
    } else {
        (month_of(first), month_of(last))
    };
    let mut buckets: Vec<Bucket> = (start..=end)
        .map(|b| Bucket {
            start: if daily {
                let (y, m, d) = civil_from_days(b);
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{:04}-{:02}", b.div_euclid(12), b.rem_euclid(12) + 1)
            },
            counts: vec![0; groups.len()],
        })
        .collect();
    for (day, group) in &dated {
        let b = if daily { *day } else { month_of(*day) };
        if let Some(bucket) = usize::try_from(b - start)
            .ok()
            .and_then(|i| buckets.get_mut(i))
        {
            bucket.counts[*group] += 1;
        }
    }
    Chart {
        subject,
        bucket: if daily { "day" } else { "month" },
        groups,
        buckets,
        counted: dated.len(),
        undated,
        capped,
    }
}

/// Reads what the parameters ask to chart.
pub(crate) async fn chart(state: &AppState, params: &ChartParams) -> Result<Chart, ApiError> {
    let bad = ApiError::bad_request;
    let grouping = Grouping::parse(&params.groups).map_err(bad)?;
    let from = parse_date("from", &params.from).map_err(bad)?;
    let to = parse_date("to", &params.to).map_err(bad)?;
    // Words that are all blanks are no query (as `/api/search` says).
    if params.q.as_deref().is_some_and(|q| {
        q.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b')
            .is_empty()
    }) {
        return Err(bad("q is blank: give words, or leave q out".to_string()));
    }
    let (story, entity, q) = (
        non_empty(&params.story),
        non_empty(&params.entity),
        non_empty(&params.q),
    );
    // A story is charted as a whole; otherwise the search's matches: the
    // words, within an entity's articles when one is given too; with
    // neither, every article (`*`).
    let q = if story.is_none() && entity.is_none() {
        q.or_else(|| Some("*".to_string()))
    } else {
        q
    };
    let (subject, dots, capped) = if let Some(id) = story {
        let entry = match state.story(&id).await {
            Ok(crate::story_cache::StoryLookup::Story(entry)) => entry,
            Ok(_) => return Err(ApiError::not_found(format!("no story {id:?}"))),
            Err(crate::story_cache::StoryLoadError::Pool(e)) => return Err(e.into()),
            Err(crate::story_cache::StoryLoadError::Unreadable(e)) => {
                return Err(ApiError::internal(format!(
                    "the stored story {id:?} cannot be read ({e}); re-run `parallax ingest`"
                )))
            }
        };
        let coverage = &entry.doc.coverage;
        let dots = coverage
            .articles
            .iter()
            .map(|a| Dot {
                published: a.published.clone(),
                outlet: a
                    .outlet_match
                    .as_ref()
                    .map(|m| m.outlet.name.clone())
                    .or_else(|| a.outlet.clone()),
                side: crate::story_overview::side_of(a),
            })
            .collect();
        (Subject::Story(id), dots, false)
    } else {
        let mut request = SearchRequest::new(q.clone().unwrap_or_default(), MAX_MATCHES);
        request.entity = entity.clone();
        request.order = SearchOrder::Relevance;
        request.bare = true;
        let results = crate::api::run_search(state, request).await?;
        let capped = results.total > results.hits.len();
        let dots = results
            .hits
            .into_iter()
            .map(|hit| Dot {
                side: crate::api::side_of_outlet(hit.outlet.as_deref()),
                published: hit.published,
                outlet: hit.outlet,
            })
            .collect();
        let subject = match (entity, q) {
            (Some(e), None) => Subject::Entity(e),
            (Some(e), Some(q)) => Subject::Query(format!("{q} (entity {e})")),
            (None, q) => Subject::Query(q.unwrap_or_default()),
        };
        (subject, dots, capped)
    };
    Ok(build(
        subject,
        dots,
        &grouping,
        from.as_deref().and_then(day_of),
        to.as_deref().and_then(day_of),
        capped,
    ))
}

pub(crate) async fn api_coverage(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ChartParams>,
) -> Result<Response, ApiError> {
    Ok(Json(chart(&state, &params).await?).into_response())
}

pub(crate) async fn coverage_svg(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<ChartParams>,
) -> Response {
    match chart(&state, &params).await {
        Ok(chart) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            svg(&chart),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// `/coverage`: the chart as a page a researcher works in — a form to
/// pick the subject, the dates and groups of outlets (`Public:BBC,NPR;
/// Private:Fox News`), the drawing, and its counts as a table (the same
/// numbers a screen reader or a spreadsheet takes), with the JSON beside.
pub(crate) async fn coverage_page(
    State(state): State<AppState>,
    axum::extract::Query(params): axum::extract::Query<ChartParams>,
) -> Response {
    use crate::html::{page, url_encode, Html};
    // A form sends its empty fields: they are not set.
    let blank = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let params = ChartParams {
        story: blank(params.story),
        entity: blank(params.entity),
        q: blank(params.q),
        groups: blank(params.groups),
        from: blank(params.from),
        to: blank(params.to),
    };
    let mut h = Html::new();
    h.element("h1", None, "Coverage over time");
    let charted = chart(&state, &params).await;
    let field = |v: &Option<String>| v.as_deref().unwrap_or("").to_string();
    h.raw("<form class=\"filters coverage-form\" method=\"get\" action=\"/coverage\">");
    if let Some(story) = non_empty(&params.story) {
        h.raw("<input type=\"hidden\" name=\"story\"")
            .attr("value", &story)
            .raw(">");
        h.raw("<p class=\"muted\">Story: ")
            .link(&crate::stories::story_href(&story), &story)
            .raw("</p>");
    } else {
        h.raw("<label>Words <input name=\"q\"")
            .attr("value", &field(&params.q))
            .raw("></label>");
        h.raw("<label>Entity id <input name=\"entity\"")
            .attr("value", &field(&params.entity))
            .attr("placeholder", "person:ana lopez")
            .raw("></label>");
    }
    h.raw("<label>From <input type=\"date\" name=\"from\"")
        .attr("value", &field(&params.from))
        .raw("></label><label>To <input type=\"date\" name=\"to\"")
        .attr("value", &field(&params.to))
        .raw("></label>");
    h.raw("<label class=\"wide\">Groups of outlets <input name=\"groups\" size=\"48\"")
        .attr("value", &field(&params.groups))
        .attr("placeholder", "Public:BBC,NPR;Private:Fox News")
        .raw("></label><button type=\"submit\">Draw</button>");
    h.raw("<p class=\"muted\">")
        .text(&format!(
            "Groups: empty or “side” counts by the side of each outlet's rating (left, centre, \
             right, unrated); otherwise up to {MAX_GROUPS} groups as Name:outlet,outlet \
             separated by “;” (any alias or case), the rest counted as “other”."
        ))
        .raw("</p></form>");
    let status = match charted {
        Ok(chart) => {
            let mut pairs: Vec<String> = Vec::new();
            for (name, value) in [
                ("story", &params.story),
                ("entity", &params.entity),
                ("q", &params.q),
                ("groups", &params.groups),
                ("from", &params.from),
                ("to", &params.to),
            ] {
                if let Some(v) = non_empty(value) {
                    pairs.push(format!("{name}={}", url_encode(&v)));
                }
            }
            figure(&mut h, &pairs.join("&"), &caption(&chart));
            counts_table(&mut h, &chart);
            StatusCode::OK
        }
        Err(e) => {
            h.element("p", Some("notice"), &e.message);
            e.status
        }
    };
    crate::html::response(status, page("Coverage over time", "", h))
}

/// What a chart shows, in words.
fn caption(chart: &Chart) -> String {
    let per = if chart.bucket == "month" {
        "month"
    } else {
        "day"
    };
    let what = match &chart.subject {
        Subject::Story(id) => format!("story {id}"),
        Subject::Entity(id) => format!("entity {id}"),
        Subject::Query(q) if q == "*" => "every article".to_string(),
        Subject::Query(q) => format!("“{q}”"),
    };
    let mut text = format!(
        "Articles per {per}: {what}. {} counted, {} undated left out",
        chart.counted, chart.undated
    );
    if chart.capped {
        text.push_str(&format!(" (only the {MAX_MATCHES} best matches counted)"));
    }
    text
}

/// The chart's numbers as a table: one row per day or month, one column
/// per group, the total last (empty days are left out).
fn counts_table(h: &mut crate::html::Html, chart: &Chart) {
    h.raw("<details class=\"coverage-counts\"><summary>The counts as a table</summary>");
    h.raw("<table><thead><tr><th scope=\"col\">")
        .text(if chart.bucket == "month" {
            "Month"
        } else {
            "Day"
        })
        .raw("</th>");
    for group in &chart.groups {
        h.raw("<th scope=\"col\">").text(group).raw("</th>");
    }
    h.raw("<th scope=\"col\">All</th></tr></thead><tbody>");
    let mut totals = vec![0usize; chart.groups.len()];
    for bucket in chart
        .buckets
        .iter()
        .filter(|b| b.counts.iter().any(|&c| c > 0))
    {
        h.raw("<tr><th scope=\"row\">")
            .text(&bucket.start)
            .raw("</th>");
        for (i, count) in bucket.counts.iter().enumerate() {
            if let Some(t) = totals.get_mut(i) {
                *t += count;
            }
            h.raw("<td>").text(&count.to_string()).raw("</td>");
        }
        h.raw("<td>")
            .text(&bucket.counts.iter().sum::<usize>().to_string())
            .raw("</td></tr>");
    }
    h.raw("</tbody><tfoot><tr><th scope=\"row\">All</th>");
    for t in &totals {
        h.raw("<td>").text(&t.to_string()).raw("</td>");
    }
    h.raw("<td>")
        .text(&totals.iter().sum::<usize>().to_string())
        .raw("</td></tr></tfoot></table></details>");
}

/// Colours of the side groups (as the lean bar), then of custom groups.
const SIDE_COLOURS: [&str; 4] = ["#3b6fc4", "#9a8fb0", "#c4453b", "#c9c6bf"];
const GROUP_COLOURS: [&str; 9] = [
    "#1b7f79", "#d08c2b", "#6a4fb3", "#b03a6b", "#4d8f2f", "#2d6fa8", "#8c5a2b", "#5b5b5b",
    "#c9c6bf",
];

fn colour(chart: &Chart, group: usize) -> &'static str {
    let sides = chart.groups.first().map(String::as_str) == Some("left")
        && chart.groups.len() == 4
        && chart.groups[3] == "unrated";
    if sides {
        SIDE_COLOURS[group.min(3)]
    } else if group + 1 == chart.groups.len() {
        GROUP_COLOURS[8]
    } else {
        GROUP_COLOURS[group % 8]
    }
}

/// Width and height of the drawing, in SVG units (it scales to its box).
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;

/// The chart as a stacked bar SVG: one bar per day (or month), one colour
/// per group, each bar with its counts as a tooltip, axis ends labelled,
/// a legend, and a text alternative for screen readers.
pub(crate) fn svg(chart: &Chart) -> String {
    let (left, right, top, bottom) = (40.0, 10.0, 28.0, 36.0);
    let plot_w = WIDTH - left - right;
    let plot_h = HEIGHT - top - bottom;
    let max = chart
        .buckets
        .iter()
        .map(|b| b.counts.iter().sum::<usize>())
        .max()
        .unwrap_or(0);
    let unit = if chart.bucket == "day" {
        "day"
    } else {
        "month"
    };
    let summary = format!(
        "Articles per {unit} by {}: {} articles counted{}{}",
        if colour(chart, 0) == SIDE_COLOURS[0] {
            "side of the outlets' lean"
        } else {
            "group of outlets"
        },
        chart.counted,
        if chart.undated > 0 {
            format!(", {} undated not shown", chart.undated)
        } else {
            String::new()
        },
        if chart.capped {
            format!(", first {MAX_MATCHES} matches only")
        } else {
            String::new()
        }
    );
    let mut s = String::with_capacity(4096 + chart.buckets.len() * 200);
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{}\" \
         font-family=\"system-ui,sans-serif\" font-size=\"11\">",
        escape(&summary)
    ));
    s.push_str(&format!("<title>{}</title>", escape(&summary)));
    s.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fff\"/>"
    ));
    // Legend.
    let mut x = left;
    for (i, name) in chart.groups.iter().enumerate() {
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"17\">{}</text>",
            colour(chart, i),
            x + 14.0,
            escape(name)
        ));
        x += 22.0 + 7.0 * name.chars().count() as f64;
    }
    // Axes.
    let base = top + plot_h;
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"#888\"/>",
        left + plot_w
    ));
    if chart.buckets.is_empty() {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#666\">No dated articles</text></svg>",
            left + plot_w / 2.0,
            top + plot_h / 2.0
        ));
        return s;
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{max}</text>\
         <text x=\"{:.1}\" y=\"{base:.1}\" text-anchor=\"end\">0</text>",
        left - 4.0,
        top + 4.0,
        left - 4.0
    ));
    let n = chart.buckets.len() as f64;
    let slot = plot_w / n;
    let bar = (slot * 0.8).clamp(1.0, 36.0);
    let scale = if max > 0 { plot_h / max as f64 } else { 0.0 };
    for (i, bucket) in chart.buckets.iter().enumerate() {
        let total: usize = bucket.counts.iter().sum();
        if total == 0 {
            continue;
        }
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let tip: Vec<String> = bucket
            .counts
            .iter()
            .zip(&chart.groups)
            .filter(|(c, _)| **c > 0)
            .map(|(c, g)| format!("{c} {g}"))
            .collect();
        s.push_str(&format!(
            "<g><title>{}: {}</title>",
            escape(&bucket.start),
            escape(&tip.join(", "))
        ));
        let mut y = base;
        for (group, count) in bucket.counts.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let h = *count as f64 * scale;
            y -= h;
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                colour(chart, group)
            ));
        }
        s.push_str("</g>");
    }
    let first = &chart.buckets[0].start;
    let last = &chart.buckets[chart.buckets.len() - 1].start;
    s.push_str(&format!(
        "<text x=\"{left}\" y=\"{:.1}\">{}</text>",
        base + 16.0,
        escape(first)
    ));
    if chart.buckets.len() > 1 {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left + plot_w,
            base + 16.0,
            escape(last)
        ));
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#666\">articles per {unit}</text>",
        left + plot_w / 2.0,
        base + 30.0
    ));
    s.push_str("</svg>");
    s
}

/// The chart in a page: the SVG as an image, its JSON beside it.
pub(crate) fn figure(h: &mut crate::html::Html, query: &str, caption: &str) {
    h.raw("<figure class=\"coverage-chart\"><img")
        .attr("src", &format!("/coverage.svg?{query}"))
        .attr("alt", caption)
        .attr("width", "720")
        .attr("height", "240")
        .raw("><figcaption class=\"muted\">")
        .text(caption)
        .raw(" · ")
        .link(&format!("/coverage?{query}"), "compare groups of outlets")
        .raw(" · ")
        .link(&format!("/api/coverage?{query}"), "JSON")
        .raw("</figcaption></figure>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dot(day: Option<&str>, outlet: &str, side: Option<Side>) -> Dot {
        Dot {
            published: day.map(str::to_string),
            outlet: Some(outlet.to_string()),
            side,
        }
    }

    #[test]
    fn civil_days_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2000, 2, 29), (2026, 12, 7), (1899, 12, 31)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 2), 1);
        assert_eq!(day_of("2026-03-01T10:00:00Z"), day_of("2026-03-01"));
        assert_eq!(day_of("March 1"), None);
    }

    #[test]
    fn articles_are_counted_per_day_and_side_with_empty_days_kept() {
        let dots = vec![
            dot(Some("2026-03-01"), "A", Some(Side::Left)),
            dot(Some("2026-03-01"), "B", Some(Side::Right)),
            dot(Some("2026-03-03"), "C", None),
            dot(None, "D", Some(Side::Left)),
        ];
        let chart = build(
            Subject::Story("s".into()),
            dots,
            &Grouping::Sides,
            None,
            None,
            false,
        );
        assert_eq!(chart.bucket, "day");
        assert_eq!(chart.buckets.len(), 3);
        assert_eq!(chart.buckets[0].counts, vec![1, 0, 1, 0]);
        assert_eq!(chart.buckets[1].counts, vec![0, 0, 0, 0]);
        assert_eq!(chart.buckets[2].counts, vec![0, 0, 0, 1]);
        assert_eq!((chart.counted, chart.undated), (3, 1));
        let svg = svg(&chart);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("2026-03-01: 1 left, 1 right"), "{svg}");
        assert!(svg.contains("1 undated not shown"));
    }

    #[test]
    fn long_spans_are_counted_per_month_and_custom_groups_collect_the_rest() {
        let grouping = Grouping::parse(&Some("Public: Harbour Herald ; Wire:Meridian Wire".into()))
            .expect("groups");
        let dots = vec![
            dot(Some("2025-01-15"), "Harbour Herald", None),
            dot(Some("2025-09-02"), "meridian wire", None),
            dot(Some("2025-09-30"), "Someone Else", None),
        ];
        let chart = build(
            Subject::Query("q".into()),
            dots,
            &grouping,
            None,
            None,
            true,
        );
        assert_eq!(chart.bucket, "month");
        assert_eq!(chart.groups, vec!["Public", "Wire", "other"]);
        assert_eq!(chart.buckets.len(), 9);
        assert_eq!(chart.buckets[0].start, "2025-01");
        assert_eq!(chart.buckets[8].counts, vec![0, 1, 1]);
        assert!(svg(&chart).contains("first 5000 matches only"));
    }

    #[test]
    fn bad_groups_say_how_to_write_them() {
        assert!(Grouping::parse(&Some("Public".into())).is_err());
        assert!(Grouping::parse(&Some("Public:".into())).is_err());
        assert!(Grouping::parse(&Some("side".into())).is_ok());
        let many = (0..9)
            .map(|i| format!("G{i}:O{i}"))
            .collect::<Vec<_>>()
            .join(";");
        assert!(Grouping::parse(&Some(many)).is_err());
    }

    #[test]
    fn the_svg_escapes_what_it_shows() {
        let grouping = Grouping::parse(&Some("<b>x</b>:A".into())).expect("groups");
        let chart = build(
            Subject::Query("q".into()),
            vec![dot(Some("2026-01-01"), "A", None)],
            &grouping,
            None,
            None,
            false,
        );
        let svg = svg(&chart);
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(svg.contains("&lt;b&gt;"));
    }
}
