//! Prints the entities of a text file, grouped by entity, with the roles
//! stated for people.
//!
//! ```text
//! cargo run --release -p parallax-extract --example entities -- [--model WEIGHTS] [--mentions] FILE...
//! ```

use parallax_extract::{group_mentions, person_roles, NerTagger};
use std::io::Write;

fn main() {
    if let Err(e) = run() {
        eprintln!("entities: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    let owned;
    let tagger: &NerTagger = if args.peek().map(String::as_str) == Some("--model") {
        args.next();
        owned = NerTagger::load(std::path::Path::new(
            &args.next().ok_or("--model needs a file")?,
        ))?;
        &owned
    } else {
        NerTagger::shipped()?
    };
    let mut paths: Vec<String> = args.collect();
    let mentions = paths.first().map(String::as_str) == Some("--mentions");
    if mentions {
        paths.remove(0);
    }
    if paths.is_empty() {
        return Err("usage: entities [--model WEIGHTS] [--mentions] FILE...".into());
    }
    let mut out = std::io::stdout().lock();
    for path in paths {
        writeln!(out, "== {path}")?;
        if mentions {
            let text = String::from_utf8_lossy(&std::fs::read(&path)?).into_owned();
            for e in tagger.entities(&text) {
                writeln!(
                    out,
                    "{}\t{}..{}\t{}",
                    e.kind.conll(),
                    e.span.start,
                    e.span.end,
                    e.text
                )?;
            }
        } else {
            print_file(&mut out, tagger, &path)?;
        }
    }
    Ok(())
}

fn print_file(
    out: &mut impl Write,
    tagger: &NerTagger,
    path: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let entities = tagger.entities(&text);
    let roles = person_roles(&text, &entities);
    for g in group_mentions(&entities) {
        let forms: Vec<&str> = g
            .mentions
            .iter()
            .map(|&m| entities[m].text.as_str())
            .collect();
        let mut distinct = forms.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let stated: Vec<&str> = roles
            .iter()
            .filter(|r| g.mentions.contains(&r.entity))
            .map(|r| r.text.as_str())
            .collect();
        write!(
            out,
            "{:<5} {:<32} x{:<3} {}",
            g.kind.conll(),
            g.name,
            forms.len(),
            distinct.join(" | ")
        )?;
        if !stated.is_empty() {
            write!(out, "   [roles: {}]", stated.join("; "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
