//! Scores the comparison against the example corpus's `expected.json`:
//! which articles report each labelled fact, which carry each key quote,
//! and the labelled voice features. Shared by `tests/corpus.rs` (floors)
//! and `examples/eval_corpus.rs` (prints the figures).

use parallax_compare::{Comparer, Coverage, CoverageInput};
use parallax_model::Article;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A sentence that states a labelled fact, in an article that reports it:
/// (fact key, article id, words of the sentence). Test data, not library
/// data: it names the fictional corpus's facts.
const FACT_ANCHORS: &[(&str, &str, &str)] = &[
    (
        "suspended_14_january",
        "herald-aldous",
        "suspended from the party on 14 January",
    ),
    (
        "readmitted_february",
        "herald-aldous",
        "The party readmitted Aldous on 19 February",
    ),
    (
        "court_ruling",
        "herald-aldous",
        "Administrative Court ruled",
    ),
    (
        "auditor_review_pending",
        "mw-aldous",
        "separate review of the fund",
    ),
    (
        "eastwick_got_most_money",
        "bulwark-aldous",
        "more Brightwater money than any other",
    ),
    (
        "auditor_report_date_explicit",
        "mw-wrenfield",
        "Sept. 18 report",
    ),
    ("amount_1_4m", "herald-wrenfield", "1.4m crowns"),
    ("police_referral", "herald-wrenfield", "to the police"),
    (
        "aldous_cleared_by_audit",
        "herald-wrenfield",
        "had played no part in approving any grant",
    ),
    (
        "aldous_readmitted_february",
        "clarion-wrenfield",
        "briefly readmitted to the party in February",
    ),
    (
        "aldous_invited_to_rejoin",
        "dispatch-wrenfield",
        "invite her to rejoin",
    ),
    ("jobs_at_risk_600", "mw-saltmere", "600 jobs at risk"),
    ("no_layoffs_pledge", "mw-saltmere", "no-layoffs pledge"),
    ("cargo_900m", "mw-saltmere", "900 million crowns"),
    ("varnholm", "mw-saltmere", "Varnholm"),
    (
        "ships_waiting_30",
        "mw-saltmere",
        "more than 30 ships waiting offshore",
    ),
];

#[derive(Debug, Default)]
pub struct CorpusScores {
    /// Fact × article cells where "reports it" matches the labels.
    pub fact_cells_right: usize,
    pub fact_cells: usize,
    /// Facts whose row has exactly the labelled articles.
    pub fact_rows_exact: usize,
    pub fact_rows: usize,
    /// Key-quote carriers (quotation marks) found in the linked quote.
    pub quote_carriers_found: usize,
    pub quote_carriers: usize,
    /// Key-quote carriers that also came out with no extra articles.
    pub quotes_one_group: usize,
    pub quotes: usize,
    /// Labelled single-word-or-phrase loaded terms found in narration.
    pub loaded_found: usize,
    pub loaded: usize,
    pub scare_found: usize,
    pub scare: usize,
    pub narrator_found: usize,
    pub narrator: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl CorpusScores {
    pub fn fact_cell_accuracy(&self) -> f64 {
        ratio(self.fact_cells_right, self.fact_cells)
    }
    pub fn quote_carrier_recall(&self) -> f64 {
        ratio(self.quote_carriers_found, self.quote_carriers)
    }
    pub fn print(&self) {
        println!(
            "facts: cell accuracy {:.3} ({}/{}), exact rows {}/{}",
            self.fact_cell_accuracy(),
            self.fact_cells_right,
            self.fact_cells,
            self.fact_rows_exact,
            self.fact_rows
        );
        println!(
            "quotes: carrier recall {:.3} ({}/{}), key quotes found as one group {}/{}",
            self.quote_carrier_recall(),
            self.quote_carriers_found,
            self.quote_carriers,
            self.quotes_one_group,
            self.quotes
        );
        println!(
            "voice: loaded terms {}/{}, scare quotes {}/{}, narrator assertions {}/{}",
            self.loaded_found,
            self.loaded,
            self.scare_found,
            self.scare,
            self.narrator_found,
            self.narrator
        );
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\u{201C}' | '\u{201D}' | '"' | '\u{2018}' | '\u{2019}' | '\'' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// Compare each event of the corpus and score it. `None` when the corpus
/// cannot be loaded in full (reason printed).
pub fn evaluate(dir: &Path, comparer: &Comparer) -> Option<CorpusScores> {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("../expected.json")).ok()?).ok()?;
    let files: BTreeSet<String> = expected["articles"]
        .as_object()?
        .values()
        .filter_map(|a| a["file"].as_str().map(str::to_string))
        .collect();
    let paths: Vec<_> = files.iter().map(|f| dir.join(f)).collect();
    let articles = crate::common::load(&paths);
    let n_expected = expected["articles"].as_object()?.len();
    if articles.len() < n_expected {
        eprintln!(
            "skipping: ingest+clean gave {} of the {n_expected} corpus articles (stub stages in this branch?)",
            articles.len()
        );
        return None;
    }
    let mut scores = CorpusScores::default();
    for event in expected["events"].as_array()? {
        let ids: Vec<&str> = event["articles"]
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let story: Vec<&Article> = ids
            .iter()
            .filter_map(|id| articles.iter().find(|a| a.id == *id))
            .collect();
        if story.len() != ids.len() {
            eprintln!("event {}: missing articles", event["id"]);
            return None;
        }
        let inputs: Vec<CoverageInput> = story.iter().map(|a| CoverageInput::new(a)).collect();
        let coverage = comparer.compare(&inputs);
        score_facts(&expected, &ids, &story, &coverage, &mut scores);
        score_quotes(event, &ids, &coverage, &mut scores);
        score_voice(&expected, &ids, &coverage, &mut scores);
    }
    Some(scores)
}

fn score_facts(
    expected: &Value,
    ids: &[&str],
    story: &[&Article],
    c: &Coverage,
    s: &mut CorpusScores,
) {
    for (key, anchor_article, needle) in FACT_ANCHORS {
        if !ids.contains(anchor_article) {
            continue;
        }
        let truth: BTreeSet<&str> = ids
            .iter()
            .copied()
            .filter(|id| expected["articles"][*id]["facts"][*key].as_bool() == Some(true))
            .collect();
        let Some(article) = story.iter().find(|a| a.id == *anchor_article) else {
            continue;
        };
        let Some(at) = article.text.find(needle) else {
            eprintln!("anchor `{needle}` not in {anchor_article}");
            continue;
        };
        let row = c.facts.facts.iter().find(|f| {
            f.cells.iter().any(|cell| {
                cell.primary && cell.article == *anchor_article && cell.span.contains(&at)
            })
        });
        let predicted: BTreeSet<&str> = row
            .map(|f| f.articles.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for id in ids {
            s.fact_cells += 1;
            if truth.contains(id) == predicted.contains(id) {
                s.fact_cells_right += 1;
            }
        }
        s.fact_rows += 1;
        if truth == predicted {
            s.fact_rows_exact += 1;
        } else {
            eprintln!("fact {key}: labelled {truth:?}, found {predicted:?}");
        }
    }
}

fn score_quotes(event: &Value, ids: &[&str], c: &Coverage, s: &mut CorpusScores) {
    for q in event["key_quotes"].as_array().into_iter().flatten() {
        let Some(carried) = q["carried_by"].as_object() else {
            continue;
        };
        let mut marked: BTreeSet<&str> = BTreeSet::new();
        for (article, how) in carried {
            let form = how["form"].as_str().unwrap_or("");
            if ids.contains(&article.as_str())
                && matches!(
                    form,
                    "verbatim" | "truncated" | "partial" | "truncated partial" | "block"
                )
            {
                marked.insert(article.as_str());
            }
        }
        if marked.is_empty() {
            continue;
        }
        // The linked quote: the one whose longest form contains the key
        // quote's words (or is contained in them).
        let key = norm(q["text"].as_str().unwrap_or(""));
        let key = key.trim_end_matches('.');
        let group = c.quotes.iter().find(|g| {
            let t = norm(&g.text);
            let t = t.trim_end_matches('.');
            !t.is_empty() && (t.contains(key) || key.contains(t)) && t.len() * 3 >= key.len()
        });
        s.quotes += 1;
        s.quote_carriers += marked.len();
        let found: BTreeSet<&str> = group
            .map(|g| g.carried_by.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let hits = marked.intersection(&found).count();
        s.quote_carriers_found += hits;
        if hits == marked.len() {
            s.quotes_one_group += 1;
        } else {
            eprintln!("quote {}: labelled {marked:?}, found {found:?}", q["id"]);
        }
    }
}

fn score_voice(expected: &Value, ids: &[&str], c: &Coverage, s: &mut CorpusScores) {
    for id in ids {
        let truth = &expected["articles"][*id];
        let Some(v) = c.voice.iter().find(|v| v.article == *id) else {
            continue;
        };
        for term in truth["loaded_language"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            s.loaded += 1;
            let t = norm(term);
            if v.loaded.iter().any(|l| {
                let lt = norm(&l.text);
                !lt.trim().is_empty() && (t.contains(&lt) || lt.contains(&t))
            }) {
                s.loaded_found += 1;
            }
        }
        for sq in truth["scare_quotes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            s.scare += 1;
            let t = norm(sq);
            // A flag whose words normalise to nothing (a quoted dash)
            // matches no labelled scare quote.
            if v.scare_quotes.iter().any(|q| {
                let qt = norm(&q.text);
                !qt.trim().is_empty() && t.contains(&qt)
            }) {
                s.scare_found += 1;
            } else {
                println!("scare quote missed: {sq}");
            }
        }
        for na in truth["narrator_assertions"]
            .as_array()
            .into_iter()
            .flatten()
        {
            s.narrator += 1;
            let t = norm(na["text"].as_str().unwrap_or(""));
            if v.narrator_assertions
                .iter()
                .any(|n| t.contains(&norm(&n.phrase)))
            {
                s.narrator_found += 1;
            }
        }
    }
}
