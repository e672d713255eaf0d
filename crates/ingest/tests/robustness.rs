//! Mutated and truncated inputs never panic or hang, and every skip has a
//! reason. A fixed-seed generator keeps the run reproducible.

mod common;

use common::*;
use parallax_ingest::{read_bytes, Limits};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let page = html_page("Title", "Body with “quotes” and café.");
    let mut warc = warc_record(
        "response",
        Some("https://r.example/1"),
        "2019-11-07T10:00:00Z",
        &http_response(
            "200 OK",
            &[
                ("Content-Type", "text/html"),
                ("Transfer-Encoding", "chunked"),
            ],
            b"a\r\n<html>abc\r\n0\r\n\r\n",
        ),
    );
    warc.extend(warc_record(
        "response",
        Some("https://r.example/2"),
        "2019-11-07T10:00:00Z",
        &http_response(
            "200 OK",
            &[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            &gzip(page.as_bytes()),
        ),
    ));
    let rss = b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>A</title><link>https://r.example/a</link><description>&lt;p&gt;x&lt;/p&gt;</description></item></channel></rss>".to_vec();
    let jsonl =
        b"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"html\":\"<p>two</p>\"}\n".to_vec();
    vec![
        ("a.warc", warc.clone()),
        ("a.warc.gz", gzip(&warc)),
        ("a.rss", rss),
        ("a.jsonl", jsonl.clone()),
        ("a.jsonl.gz", gzip(&jsonl)),
        ("a.html", page.clone().into_bytes()),
        ("a.html.gz", gzip(page.as_bytes())),
        ("a.json", b"[{\"id\":\"x\",\"text\":\"y\"}]".to_vec()),
    ]
}

#[test]
fn mutated_inputs_never_panic() {
    let limits = Limits {
        max_record_bytes: 4096,
        ..Limits::default()
    };
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for (name, seed) in seeds() {
        for round in 0..500 {
            let mut bytes = seed.clone();
            match round % 4 {
                0 => bytes.truncate(rng.below(bytes.len())),
                1 => {
                    for _ in 0..1 + rng.below(8) {
                        let at = rng.below(bytes.len());
                        if let Some(b) = bytes.get_mut(at) {
                            *b = rng.next() as u8;
                        }
                    }
                }
                2 => {
                    let at = rng.below(bytes.len());
                    let junk: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
                    bytes.splice(at..at, junk);
                }
                _ => {
                    let from = rng.below(bytes.len());
                    let to = (from + rng.below(32)).min(bytes.len());
                    bytes.drain(from..to);
                }
            }
            for record in read_bytes(name, &bytes, &limits) {
                if let Err(skip) = record {
                    assert!(!skip.reason.trim().is_empty(), "{name}: empty reason");
                }
            }
        }
    }
}
