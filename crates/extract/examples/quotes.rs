//! Prints the quotes of text files: kind, speaker, cue and the words.
//!
//! ```text
//! cargo run --release -p parallax-extract --example quotes -- FILE...
//! ```

use parallax_extract::quotes::{analyze, QuoteKind};

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: quotes FILE...");
        std::process::exit(2);
    }
    for path in paths {
        let text = match std::fs::read(&path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                eprintln!("quotes: {path}: {e}");
                std::process::exit(1);
            }
        };
        let found = match analyze(&text) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("quotes: {e}");
                std::process::exit(1);
            }
        };
        println!("== {path}");
        for q in &found.quotes {
            let kind = match (q.kind, q.direct) {
                (QuoteKind::Scare, _) => "scare",
                (QuoteKind::Speech, true) => "direct",
                (QuoteKind::Speech, false) => "reported",
            };
            let speaker = q.speaker.as_ref().map_or_else(
                || "-".to_string(),
                |s| format!("{} [{:?} {:?}]", s.name, s.kind, &text[s.span.clone()]),
            );
            let words: String = q.text.chars().take(90).collect();
            println!(
                "{kind:<8} {:>6}..{:<6} {:<40} {:<10} {}",
                q.span.start,
                q.span.end,
                speaker,
                q.cue.as_deref().unwrap_or("-"),
                words.replace('\n', " ")
            );
        }
    }
}
