//! Time to build the comparison for stories of 10, 100 and 1,000 synthetic
//! articles (about 30 sentences of about 24 words each, realistic overlap:
//! shared facts in paraphrase, shared quotes with spelling variants and
//! truncation, filler sentences of their own).
//!
//! ```text
//! cargo run --release -p parallax-compare --example bench [-- SIZES...]
//! ```

use parallax_compare::{Comparer, CoverageInput};
use parallax_model::{Article, Origin, SourceFormat};
use std::time::Instant;

/// A small deterministic generator (no dependency, same story every run).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &'a [String]) -> &'a str {
        &xs[self.below(xs.len())]
    }
    /// Zipf-like choice: word frequencies in news fall off with rank.
    fn pick_zipf<'a>(&mut self, xs: &'a [String]) -> &'a str {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        let i = ((xs.len() as f64).powf(u) - 1.0) as usize;
        &xs[i.min(xs.len() - 1)]
    }
}

fn pseudo_words(rng: &mut Rng, n: usize, capitalise: bool) -> Vec<String> {
    const SYL: &[&str] = &[
        "ka", "lo", "mer", "tan", "vi", "dra", "sel", "om", "bri", "cu", "fen", "gal", "hor",
        "ist", "jun", "kel", "mar", "nor", "pel", "quin", "ros", "sta", "tor", "ul", "ven", "wes",
        "yar", "zel",
    ];
    (0..n)
        .map(|_| {
            let k = 2 + rng.below(2);
            let mut w: String = (0..k).map(|_| SYL[rng.below(SYL.len())]).collect();
            if capitalise {
                w[..1].make_ascii_uppercase();
            }
            w
        })
        .collect()
}

struct Story {
    vocab: Vec<String>,
    names: Vec<String>,
    /// Each fact: a few key words that every paraphrase keeps.
    facts: Vec<Vec<String>>,
    quotes: Vec<String>,
}

const VERBS: &[&[&str]] = &[
    &["quit", "resigned from", "stepped down from"],
    &["was suspended by", "faced suspension from"],
    &["was readmitted to", "was reinstated by"],
    &["criticised", "criticized", "condemned"],
];

fn make_story(rng: &mut Rng) -> Story {
    let vocab = pseudo_words(rng, 4000, false);
    let names = pseudo_words(rng, 300, true);
    let facts = (0..80)
        .map(|_| (0..6).map(|_| rng.pick(&vocab).to_string()).collect())
        .collect();
    let quotes = (0..20)
        .map(|_| {
            let mut q: Vec<String> = (0..18).map(|_| rng.pick(&vocab).to_string()).collect();
            q[3] = "organise".into();
            q[9] = "neighbourhood".into();
            q.join(" ")
        })
        .collect();
    Story {
        vocab,
        names,
        facts,
        quotes,
    }
}

fn sentence(rng: &mut Rng, story: &Story, fact: Option<&[String]>) -> String {
    let subject = format!("{} {}", rng.pick(&story.names), rng.pick(&story.names));
    let verbs = VERBS[rng.below(VERBS.len())];
    let verb = verbs[rng.below(verbs.len())];
    let mut words: Vec<String> = match fact {
        Some(keys) => keys.to_vec(),
        None => (0..8)
            .map(|_| rng.pick_zipf(&story.vocab).to_string())
            .collect(),
    };
    for _ in 0..10 {
        let at = rng.below(words.len() + 1);
        words.insert(at, rng.pick_zipf(&story.vocab).to_string());
    }
    let day = 1 + rng.below(28);
    format!(
        "{subject} {verb} the {} on {day} March, {}.",
        words[..3].join(" "),
        words[3..].join(" ")
    )
}

fn article(rng: &mut Rng, story: &Story, i: usize) -> Article {
    let mut paragraphs = Vec::new();
    let n = 20 + rng.below(21);
    for _ in 0..n {
        let roll = rng.below(100);
        let p = if roll < 45 {
            let f = &story.facts[rng.below(story.facts.len())];
            sentence(rng, story, Some(f))
        } else if roll < 55 {
            let q = &story.quotes[rng.below(story.quotes.len())];
            let q = if rng.below(2) == 0 {
                q.replace("organise", "organize")
                    .replace("neighbourhood", "neighborhood")
            } else {
                q.clone()
            };
            let cut = if rng.below(3) == 0 {
                &q[..q.len() / 2]
            } else {
                &q[..]
            };
            format!("\u{201C}{cut},\u{201D} said {}.", rng.pick(&story.names))
        } else {
            sentence(rng, story, None)
        };
        paragraphs.push(p);
    }
    let text = paragraphs.join("\n\n");
    Article {
        id: format!("synthetic-{i}"),
        origin: Origin::file(format!("synthetic-{i}")),
        format: SourceFormat::Text,
        url: Some(format!("https://outlet{}.example/news/{i}", i % 50)),
        outlet: None,
        title: None,
        author: None,
        published: None,
        language: Some("en".into()),
        text,
        blocks: Vec::new(),
        removed: Vec::new(),
        offsets: Default::default(),
        warnings: Vec::new(),
        outlet_via: None,
        genre: None,
    }
}

/// CPU time of this process, all threads, in seconds (Linux `/proc`,
/// 10 ms ticks; `None` elsewhere). On a busy shared machine wall time
/// overstates the work, so both are printed.
fn cpu_time() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at 3.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() {
    let sizes: Vec<usize> = {
        let given: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if given.is_empty() {
            vec![10, 100, 1000]
        } else {
            given
        }
    };
    let comparer = Comparer::shipped();
    for n in sizes {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
        let story = make_story(&mut rng);
        let articles: Vec<Article> = (0..n).map(|i| article(&mut rng, &story, i)).collect();
        let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
        let inputs: Vec<CoverageInput> = articles.iter().map(CoverageInput::new).collect();
        // One warm-up run for small stories, so lazy statics are not timed.
        let _ = comparer.compare(&inputs[..inputs.len().min(2)]);
        let runs = if n <= 100 { 5 } else { 1 };
        let cpu_start = cpu_time();
        let start = Instant::now();
        let mut coverage = None;
        for _ in 0..runs {
            coverage = Some(comparer.compare(&inputs));
        }
        let per_run = start.elapsed().as_secs_f64() / runs as f64;
        let cpu = cpu_time()
            .zip(cpu_start)
            .map(|(b, a)| (b - a) / runs as f64);
        let Some(c) = coverage else { continue };
        let sentences: usize = c.articles.iter().map(|a| a.sentences).sum();
        let shared = c
            .facts
            .facts
            .iter()
            .filter(|f| f.articles.len() > 1)
            .count();
        let largest: Vec<usize> = c
            .facts
            .facts
            .iter()
            .take(5)
            .map(|f| f.articles.len())
            .collect();
        println!(
            "{n:>5} articles  {sentences:>6} sentences  {:>5.1} MB  wall {:>7.1} ms  cpu {:>7.1} ms  ({} facts, {shared} shared, largest {largest:?}; {} quotes)",
            bytes as f64 / 1e6,
            per_run * 1000.0,
            cpu.map(|c| c * 1000.0).unwrap_or(f64::NAN),
            c.facts.facts.len(),
            c.quotes.len()
        );
    }
}
