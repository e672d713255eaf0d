//! Clean files of any format ingest reads (text, HTML, JSONL, WARC, feeds)
//! and show what was kept and removed.
//! Usage: cargo run -p parallax-clean --example clean_file -- FILE...

use parallax_ingest::{read_file, Limits};
use std::path::Path;

fn main() {
    for path in std::env::args().skip(1) {
        for record in read_file(Path::new(&path), &Limits::default()) {
            let doc = match record {
                Ok(doc) => doc,
                Err(skipped) => {
                    eprintln!("skipped {skipped}");
                    continue;
                }
            };
            println!("=== {} [{}]", doc.origin, doc.id);
            match parallax_clean::clean(&doc) {
                Ok(a) => {
                    println!("title: {:?}  outlet: {:?}", a.title, a.outlet);
                    println!("published: {:?}  language: {:?}", a.published, a.language);
                    for b in &a.blocks {
                        let t = a.block_text(b);
                        let short: String = t.chars().take(100).collect();
                        println!("  [{:?}] {short}", b.kind);
                    }
                    for r in &a.removed {
                        let short: String = r.text.chars().take(90).collect();
                        println!("  REMOVED {} {:?}: {short:?}", r.kind.as_str(), r.source);
                    }
                }
                Err(e) => println!("error: {e}"),
            }
        }
    }
}
