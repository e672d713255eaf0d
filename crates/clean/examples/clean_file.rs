//! Clean plain-text files and show what was kept and removed.
//! Usage: cargo run -p parallax-clean --example clean_file -- FILE...

use parallax_model::{ContentKind, Hints, Origin, RawDoc, SourceFormat};

fn main() {
    for path in std::env::args().skip(1) {
        let content = match std::fs::read_to_string(&path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let doc = RawDoc {
            id: path.clone(),
            origin: Origin::file(path.clone()),
            format: SourceFormat::Text,
            kind: ContentKind::Text,
            content,
            hints: Hints::default(),
            warnings: Vec::new(),
        };
        println!("=== {path}");
        match parallax_clean::clean(&doc) {
            Ok(a) => {
                println!("title: {:?}", a.title);
                println!("published: {:?}  language: {:?}", a.published, a.language);
                for b in &a.blocks {
                    let t = a.block_text(b);
                    let short: String = t.chars().take(100).collect();
                    println!("  [{:?}] {short}", b.kind);
                }
                for r in &a.removed {
                    let short: String = r.text.chars().take(90).collect();
                    println!("  REMOVED {} {:?}: {short}", r.kind.as_str(), r.source);
                }
            }
            Err(e) => println!("error: {e}"),
        }
    }
}
