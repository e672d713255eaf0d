//! Compare the coverage of the articles in the given files (one story) and
//! print the `Coverage` as JSON, or a short summary with `--summary`.
//!
//! ```text
//! cargo run -p parallax-compare --example compare -- [--summary] FILE...
//! ```
//! Files are read with `parallax-ingest` and cleaned with `parallax-clean`;
//! quotes come from the built-in fallback finder.

use parallax_compare::{Comparer, CoverageInput};
use std::path::Path;

fn main() {
    let mut summary = false;
    let mut articles = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--summary" {
            summary = true;
            continue;
        }
        for record in
            parallax_ingest::read_file(Path::new(&arg), &parallax_ingest::Limits::default())
        {
            match record {
                Ok(raw) => match parallax_clean::clean(&raw) {
                    Ok(article) => articles.push(article),
                    Err(e) => eprintln!("{arg}: {e}"),
                },
                Err(skipped) => eprintln!("skipped {skipped}"),
            }
        }
    }
    if articles.is_empty() {
        eprintln!("usage: compare [--summary] FILE...  (no articles read)");
        std::process::exit(2);
    }
    let inputs: Vec<CoverageInput> = articles.iter().map(CoverageInput::new).collect();
    let coverage = Comparer::shipped().compare(&inputs);
    if !summary {
        match serde_json::to_string_pretty(&coverage) {
            Ok(json) => println!("{json}"),
            Err(e) => eprintln!("cannot serialise: {e}"),
        }
        return;
    }
    println!("== facts reported by more than one article");
    for f in coverage.facts.facts.iter().filter(|f| f.articles.len() > 1) {
        println!("[{}] {:?}", f.id, f.articles);
        for c in &f.cells {
            println!(
                "    {}{} {:.2} {}",
                c.article,
                if c.primary { "" } else { " (secondary)" },
                c.similarity,
                c.text
            );
        }
    }
    for pa in &coverage.facts.per_article {
        println!(
            "== {}: {} exclusive, omits {:?}",
            pa.article,
            pa.exclusive.len(),
            pa.omitted
        );
    }
    println!("== shared quotes");
    for q in &coverage.quotes {
        println!(
            "[{}] {:?} speaker={:?} carried={:?} paraphrased={:?} not={:?}",
            q.id, q.text, q.speaker, q.carried_by, q.paraphrased_by, q.not_carried_by
        );
        for o in &q.occurrences {
            println!(
                "    {} {:?} {:?} variants={:?}",
                o.article, o.form, o.text, o.spelling_variants
            );
        }
    }
    println!("== voice");
    for v in &coverage.voice {
        println!(
            "{}: loaded={:?} in_quotes={}",
            v.article,
            v.loaded.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
            v.loaded_in_quotes
        );
        println!(
            "    scare={:?}",
            v.scare_quotes
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
        );
        println!(
            "    narrator={:?}",
            v.narrator_assertions
                .iter()
                .map(|n| (n.phrase.as_str(), n.indirect, &n.quoted_in))
                .collect::<Vec<_>>()
        );
        println!(
            "    verbs={:?}",
            v.attribution_verbs
                .iter()
                .map(|x| (x.verb.as_str(), x.count))
                .collect::<Vec<_>>()
        );
    }
    println!("== sources");
    for s in &coverage.sources {
        println!(
            "{}: named={} anonymous={} unknown={} {:?}",
            s.article,
            s.named,
            s.anonymous,
            s.unknown,
            s.speakers
                .iter()
                .map(|x| (x.name.as_str(), x.kind))
                .collect::<Vec<_>>()
        );
    }
    println!("== lean {:?}", coverage.lean);
    println!("== notes {:?}", coverage.notes);
}
