//! The top of a story page, for readers first: who covered it (the source
//! table: outlet, side, every rating with its source, factuality, owner,
//! kind, headline), the headlines side by side, and what is shared across
//! sides and what only one side reports — each line linked to the
//! sentence it comes from. The long side-by-side comparison follows.
//!
//! Everything here is read from the stored comparison (`Coverage`); the
//! sides are the outlets' combined ratings, and an outlet no source rates
//! is "unrated", never guessed.

use crate::html::{url_encode, Html};
use crate::stories::{outlet_name, plural, span_href};
use parallax_compare::{ArticleEntry, Coverage, Fact, Side};
use std::collections::{BTreeSet, HashMap};

/// The side of an article's outlet, from its combined rating.
pub(crate) fn side_of(entry: &ArticleEntry) -> Option<Side> {
    entry
        .outlet_match
        .as_ref()
        .and_then(|m| m.lean_step())
        .map(Side::of_step)
}

fn article_href(id: &str) -> String {
    format!("/articles/{}", url_encode(id))
}

/// Articles per row group of the source table, in reading order.
const SIDES: [(Option<Side>, &str); 4] = [
    (Some(Side::Left), "Left"),
    (Some(Side::Centre), "Centre"),
    (Some(Side::Right), "Right"),
    (None, "Unrated"),
];

/// The source table: one row per article (copies are listed apart by the
/// page), grouped left, centre, right, unrated.
pub(crate) fn source_table(h: &mut Html, coverage: &Coverage) {
    if coverage.articles.is_empty() {
        return;
    }
    h.raw("<section class=\"sources-table\"><h2>Sources</h2>");
    h.raw("<div class=\"scroll\"><table><thead><tr>")
        .raw("<th>Outlet</th><th>Side</th><th>Ratings</th><th>Factuality</th>")
        .raw("<th>Owner</th><th>Type</th><th>Headline</th></tr></thead><tbody>");
    for (side, label) in SIDES {
        for entry in coverage.articles.iter().filter(|a| side_of(a) == side) {
            source_row(h, entry, label);
        }
    }
    h.raw("</tbody></table></div>");
    h.raw("<p class=\"muted\">")
        .text(
            "Side is the mean of the outlet's ratings on one left–right scale (hover it for \
             how); an outlet no source rates is unrated. Ratings link to the page that states \
             them. ",
        )
        .link("/outlets", "All outlets and rating sources")
        .raw(".</p></section>");
}

fn source_row(h: &mut Html, entry: &ArticleEntry, side_label: &str) {
    let matched = entry.outlet_match.as_ref();
    h.raw("<tr><td data-label=\"Outlet\">");
    match matched {
        Some(m) => {
            h.raw("<a")
                .attr(
                    "href",
                    &format!(
                        "/outlets#{}",
                        url_encode(&parallax_outlets::name_key(&m.outlet.name))
                    ),
                )
                .raw(">")
                .text(&m.outlet.name)
                .raw("</a>");
        }
        None => {
            h.text(&outlet_name(entry));
        }
    }
    h.raw("</td><td data-label=\"Side\">");
    match matched.and_then(|m| m.lean.as_ref()) {
        Some(lean) => {
            h.raw("<span")
                .attr("title", &lean.explanation)
                .raw(">")
                .text(&format!(
                    "{} ({:+.1})",
                    side_label.to_lowercase(),
                    lean.value
                ))
                .raw("</span>");
        }
        None => {
            h.raw("<span class=\"muted\">no rating</span>");
        }
    }
    h.raw("</td><td data-label=\"Ratings\">");
    let ratings = matched.map(|m| m.outlet.ratings.as_slice()).unwrap_or(&[]);
    if ratings.is_empty() {
        h.raw("<span class=\"muted\">none</span>");
    }
    for (i, r) in ratings.iter().enumerate() {
        if i > 0 {
            h.raw("<br>");
        }
        let source = parallax_outlets::source(&r.source).map_or(r.source.as_str(), |s| s.name);
        h.text(&format!("{source}: ")).link(&r.citation, &r.rating);
    }
    h.raw("</td><td data-label=\"Factuality\">");
    let factual: Vec<String> = ratings
        .iter()
        .filter_map(|r| {
            let f = r.factuality.as_deref()?;
            let source = parallax_outlets::source(&r.source).map_or(r.source.as_str(), |s| s.id);
            Some(format!("{f} ({source})"))
        })
        .collect();
    if factual.is_empty() {
        h.raw("<span class=\"muted\">not rated</span>");
    } else {
        h.text(&factual.join(", "));
    }
    h.raw("</td><td data-label=\"Owner\">");
    match matched.and_then(|m| m.outlet.owner.as_deref()) {
        Some(owner) => h.text(owner),
        None => h.raw("<span class=\"muted\">unknown</span>"),
    };
    h.raw("</td><td data-label=\"Type\">");
    let outlet_kind = matched.and_then(|m| m.outlet.kind).map(|k| k.as_str());
    let kind = match (entry.kind.is_news(), outlet_kind) {
        (true, Some(k)) if entry.kind.label() == "news" => k.to_string(),
        (_, Some(k)) => format!("{} · {k}", entry.kind.label()),
        (_, None) => entry.kind.label().to_string(),
    };
    match &entry.kind_why {
        Some(why) => {
            h.raw("<span")
                .attr("title", why)
                .raw(">")
                .text(&kind)
                .raw("</span>");
        }
        None => {
            h.text(&kind);
        }
    }
    h.raw("</td><td data-label=\"Headline\">")
        .link(
            &article_href(&entry.id),
            entry.title.as_deref().unwrap_or("(untitled)"),
        )
        .raw("</td></tr>");
}

/// Headlines shown per side before "and N more".
const HEADLINES_PER_SIDE: usize = 6;

/// The headlines of each side next to each other: how the same story is
/// framed on the left, in the centre and on the right.
pub(crate) fn headlines_by_side(h: &mut Html, coverage: &Coverage) {
    let groups: Vec<(&str, Vec<&ArticleEntry>)> = SIDES
        .iter()
        .map(|(side, label)| {
            (
                *label,
                coverage
                    .articles
                    .iter()
                    .filter(|a| side_of(a) == *side && a.title.is_some())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, articles)| !articles.is_empty())
        .collect();
    if groups.len() < 2 {
        // One group is the source table again.
        return;
    }
    h.raw("<section class=\"headlines\"><h2>Headlines by side</h2><div class=\"sides\">");
    for (label, articles) in groups {
        h.raw("<div class=\"side\"")
            .attr("data-side", label)
            .raw(">");
        h.element("h3", None, label);
        h.raw("<ul>");
        for a in articles.iter().take(HEADLINES_PER_SIDE) {
            h.raw("<li>")
                .link(&article_href(&a.id), a.title.as_deref().unwrap_or(""))
                .raw(" <span class=\"muted\">")
                .text(&outlet_name(a))
                .raw("</span></li>");
        }
        h.raw("</ul>");
        if articles.len() > HEADLINES_PER_SIDE {
            h.raw("<p class=\"muted\">")
                .text(&format!(
                    "and {} more in the source table",
                    articles.len() - HEADLINES_PER_SIDE
                ))
                .raw("</p>");
        }
        h.raw("</div>");
    }
    h.raw("</div></section>");
}

/// A fact with the sides and outlets that report it.
struct Sided<'a> {
    fact: &'a Fact,
    sides: BTreeSet<u8>,
    outlets: usize,
}

fn side_rank(side: Side) -> u8 {
    match side {
        Side::Left => 0,
        Side::Centre => 1,
        Side::Right => 2,
    }
}

/// Lines per list of the summary.
const SUMMARY_LINES: usize = 5;

/// "What is shared, what only one side reports": facts carried by rated
/// outlets of two or more sides, then facts only left-leaning (or only
/// right-leaning) outlets carry — shown only when that side and another
/// covered the story, since otherwise "only" would say nothing. Opinion,
/// letters and press releases neither carry nor lack a fact here, as for
/// omissions. Each line links to the sentence of its first article.
pub(crate) fn shared_and_one_sided(h: &mut Html, coverage: &Coverage) {
    let entries: HashMap<&str, &ArticleEntry> = coverage
        .articles
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let covered: BTreeSet<u8> = coverage
        .articles
        .iter()
        .filter(|a| a.kind.is_news())
        .filter_map(side_of)
        .map(side_rank)
        .collect();
    if covered.len() < 2 {
        return;
    }
    let sided: Vec<Sided> = coverage
        .facts
        .facts
        .iter()
        .map(|fact| {
            let news: Vec<&ArticleEntry> = fact
                .articles
                .iter()
                .filter_map(|id| entries.get(id.as_str()).copied())
                .filter(|a| a.kind.is_news())
                .collect();
            let outlets: BTreeSet<String> = news
                .iter()
                .map(|a| parallax_outlets::name_key(&outlet_name(a)))
                .collect();
            Sided {
                fact,
                sides: news
                    .iter()
                    .filter_map(|a| side_of(a))
                    .map(side_rank)
                    .collect(),
                outlets: outlets.len(),
            }
        })
        .collect();
    let mut shared: Vec<&Sided> = sided.iter().filter(|s| s.sides.len() >= 2).collect();
    let only = |side: Side| -> Vec<&Sided> {
        sided
            .iter()
            .filter(|s| s.sides.len() == 1 && s.sides.contains(&side_rank(side)))
            .collect()
    };
    let mut left = only(Side::Left);
    let mut right = only(Side::Right);
    for list in [&mut shared, &mut left, &mut right] {
        list.sort_by_key(|s| std::cmp::Reverse((s.sides.len(), s.outlets)));
    }
    h.raw("<section class=\"at-a-glance\"><h2>What is shared, what one side reports</h2>");
    summary_list(h, "Reported across sides", &shared, covered.len());
    // "Only the left" needs the left and another side in the story.
    if covered.contains(&side_rank(Side::Left)) {
        summary_list(h, "Only left-leaning outlets report", &left, 0);
    }
    if covered.contains(&side_rank(Side::Right)) {
        summary_list(h, "Only right-leaning outlets report", &right, 0);
    }
    h.raw("<p class=\"muted\">")
        .text(
            "Facts are sentences of different articles aligned as one claim; the sides are \
             the outlets' ratings. Centre-rated outlets count as a side.",
        )
        .raw("</p></section>");
}

fn summary_list(h: &mut Html, title: &str, facts: &[&Sided], sides_covered: usize) {
    h.raw("<h3>")
        .text(&format!("{title} ({})", facts.len()))
        .raw("</h3>");
    if facts.is_empty() {
        h.raw("<p class=\"muted\">None.</p>");
        return;
    }
    h.raw("<ul class=\"glance\">");
    for s in facts.iter().take(SUMMARY_LINES) {
        let Some(cell) = s.fact.cells.first() else {
            continue;
        };
        h.raw("<li><a")
            .attr("href", &span_href(&cell.article, &cell.span))
            .raw(">")
            .text(&s.fact.text)
            .raw("</a> <span class=\"muted\">");
        let mut note = plural(s.outlets, "outlet", "outlets");
        if sides_covered > 0 {
            note.push_str(&format!(", {} of {sides_covered} sides", s.sides.len()));
        }
        h.text(&format!("— {note}")).raw("</span></li>");
    }
    h.raw("</ul>");
    if facts.len() > SUMMARY_LINES {
        h.raw("<p class=\"muted\">")
            .text(&format!(
                "{} more in the events below.",
                facts.len() - SUMMARY_LINES
            ))
            .raw("</p>");
    }
}
