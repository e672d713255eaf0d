//! The terminal report `parallax analyze` prints without `--json`: per
//! story, the outlets with their lean, what they share, what only one side
//! reports, the quotes several carry, the narrator flags and the key dates,
//! each line with the article and byte range it came from
//! (`herald-aldous@120-188`, the same range the web UI's `?hl=` takes).
//! Sized for a terminal: a few lines a section, the rest counted and left
//! to `--json`.

use parallax_compare::{Coverage, DocKind};
use parallax_pipeline::StoryView;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// Lines shown per section before "N more".
const PER_SECTION: usize = 5;
/// Characters of a sentence shown before it is cut.
const SENTENCE_CHARS: usize = 140;

fn cut(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= SENTENCE_CHARS {
        return flat;
    }
    let mut s: String = flat.chars().take(SENTENCE_CHARS - 1).collect();
    s.push('…');
    s
}

fn side(step: i8) -> &'static str {
    parallax_compare::Side::of_step(step).label()
}

/// Outlet name and lean step of each compared article.
fn outlets_of(c: &Coverage) -> BTreeMap<&str, (String, Option<i8>, DocKind)> {
    c.articles
        .iter()
        .map(|a| {
            let name = a
                .outlet_match
                .as_ref()
                .map(|m| m.outlet.name.clone())
                .or_else(|| a.outlet.clone())
                .unwrap_or_else(|| format!("unknown outlet ({})", a.id));
            let step = a
                .outlet_match
                .as_ref()
                .and_then(|m| m.lean.as_ref())
                .map(|l| l.step);
            (a.id.as_str(), (name, step, a.kind))
        })
        .collect()
}

fn more(out: &mut impl Write, n: usize) -> io::Result<()> {
    if n > PER_SECTION {
        writeln!(out, "    … {} more (--json)", n - PER_SECTION)?;
    }
    Ok(())
}

pub(crate) fn story(out: &mut impl Write, n: usize, view: &StoryView) -> io::Result<()> {
    let c = &view.coverage;
    let outlets = outlets_of(c);
    let span = match (view.date_span.from, view.date_span.to) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (Some(a), None) | (None, Some(a)) => a.to_string(),
        (None, None) => "undated".to_string(),
    };
    let names: BTreeSet<&str> = outlets.values().map(|(n, _, _)| n.as_str()).collect();
    writeln!(
        out,
        "Story {n}: {}\n  {span} · {} articles · {} outlets · {} events · id {}",
        view.title,
        view.articles.len(),
        names.len(),
        view.events.len(),
        view.id
    )?;
    // Outlets with their lean, once each.
    let mut by_outlet: BTreeMap<&str, (Option<i8>, Vec<&str>, DocKind)> = BTreeMap::new();
    for (id, (name, step, kind)) in &outlets {
        let e = by_outlet
            .entry(name.as_str())
            .or_insert((*step, Vec::new(), *kind));
        e.1.push(id);
    }
    writeln!(out, "  Outlets:")?;
    for (name, (step, ids, kind)) in &by_outlet {
        let lean = step.map_or("no rating".to_string(), |s| {
            format!("lean {s:+} ({})", side(s))
        });
        let kind = if *kind == DocKind::News {
            String::new()
        } else {
            format!(" [{}]", kind.label())
        };
        writeln!(out, "    {name} — {lean}{kind}: {}", ids.join(", "))?;
    }
    for r in &view.republished {
        writeln!(
            out,
            "    {} also published {} (a copy of {}, counted once)",
            r.outlet.as_deref().unwrap_or("another outlet"),
            r.article,
            r.copy_of
        )?;
    }
    // Shared facts: carried by the most outlets first.
    let mut shared: Vec<(usize, &parallax_compare::Fact)> = c
        .facts
        .facts
        .iter()
        .map(|f| {
            let carriers: BTreeSet<&str> = f
                .articles
                .iter()
                .filter_map(|a| outlets.get(a.as_str()).map(|(n, _, _)| n.as_str()))
                .collect();
            (carriers.len(), f)
        })
        .filter(|(n, _)| *n >= 2)
        .collect();
    shared.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    if !shared.is_empty() {
        writeln!(out, "  Shared facts:")?;
        for (n, f) in shared.iter().take(PER_SECTION) {
            let refs: Vec<String> = f
                .cells
                .iter()
                .filter(|cell| cell.primary)
                .map(|cell| format!("{}@{}-{}", cell.article, cell.span.start, cell.span.end))
                .collect();
            writeln!(
                out,
                "    - {} ({n} outlets: {})",
                cut(&f.text),
                refs.join(", ")
            )?;
        }
        more(out, shared.len())?;
    }
    // What only one side reports: facts whose rated carriers all lean one
    // way while the story has rated coverage from the other side too.
    let steps: Vec<i8> = outlets.values().filter_map(|(_, s, _)| *s).collect();
    let both_sides = steps.iter().any(|s| *s < 0) && steps.iter().any(|s| *s > 0);
    if both_sides {
        for (label, wanted) in [("left", -1i8), ("right", 1)] {
            let only: Vec<&parallax_compare::Fact> = c
                .facts
                .facts
                .iter()
                .filter(|f| {
                    let sides: BTreeSet<i8> = f
                        .articles
                        .iter()
                        .filter_map(|a| outlets.get(a.as_str()).and_then(|(_, s, _)| *s))
                        .map(i8::signum)
                        .collect();
                    sides.len() == 1 && sides.contains(&wanted)
                })
                .collect();
            if only.is_empty() {
                continue;
            }
            writeln!(out, "  Only the {label} reports:")?;
            for f in only.iter().take(PER_SECTION) {
                let cell = f.cells.iter().find(|c| c.primary).or(f.cells.first());
                let at = cell.map_or(String::new(), |c| {
                    format!(" ({}@{}-{})", c.article, c.span.start, c.span.end)
                });
                writeln!(out, "    - {}{at}", cut(&f.text))?;
            }
            more(out, only.len())?;
        }
    }
    // Quotes several articles carry.
    let quotes: Vec<_> = c
        .quotes
        .iter()
        .filter(|q| q.carried_by.len() >= 2)
        .collect();
    if !quotes.is_empty() {
        writeln!(out, "  Quotes carried by several articles:")?;
        for q in quotes.iter().take(PER_SECTION) {
            writeln!(
                out,
                "    - “{}” — {} ({} articles: {})",
                cut(&q.text),
                q.speaker.as_deref().unwrap_or("unattributed"),
                q.carried_by.len(),
                q.carried_by.join(", ")
            )?;
        }
        more(out, quotes.len())?;
    }
    // Narrator flags, each with why.
    let mut flags: Vec<String> = Vec::new();
    for v in &c.voice {
        for hit in &v.loaded {
            flags.push(format!(
                "{}@{}-{}: loaded “{}” — {}",
                v.article, hit.span.start, hit.span.end, hit.text, hit.why
            ));
        }
        for s in &v.scare_quotes {
            flags.push(format!(
                "{}@{}-{}: scare quotes “{}” — {}",
                v.article, s.span.start, s.span.end, s.text, s.why
            ));
        }
        for a in &v.narrator_assertions {
            flags.push(format!(
                "{}@{}-{}: states “{}” as fact; quoted by {}",
                v.article,
                a.span.start,
                a.span.end,
                a.phrase,
                a.quoted_in.join(", ")
            ));
        }
    }
    if !flags.is_empty() {
        writeln!(out, "  Narrator flags:")?;
        for f in flags.iter().take(PER_SECTION) {
            writeln!(out, "    - {f}")?;
        }
        more(out, flags.len())?;
    }
    let key: Vec<_> = c.timeline.iter().filter(|e| e.key).collect();
    if !key.is_empty() {
        writeln!(out, "  Key dates:")?;
        for e in key {
            let refs: Vec<String> = e
                .sources
                .iter()
                .map(|s| format!("{}@{}-{}", s.article, s.span.start, s.span.end))
                .collect();
            writeln!(
                out,
                "    - {} {} ({})",
                e.date,
                cut(&e.text),
                refs.join(", ")
            )?;
        }
    }
    writeln!(out)
}

/// Write the report of `stories` (the articles' count for the header).
pub fn write(out: &mut impl Write, stories: &[StoryView], articles: usize) -> io::Result<()> {
    let several = stories.iter().filter(|s| s.articles.len() > 1).count();
    writeln!(
        out,
        "{articles} articles, {} stories ({several} told by more than one article). \
         References are article@byte-range; `--json` prints everything.\n",
        stories.len()
    )?;
    // Stories told by several articles first: where outlets can be compared.
    let mut order: Vec<&StoryView> = stories.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse(s.articles.len()));
    for (i, s) in order.iter().enumerate() {
        story(out, i + 1, s)?;
    }
    Ok(())
}
