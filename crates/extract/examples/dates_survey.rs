//! Survey of the temporal expressions found on the PolNeAR articles, for
//! spot-checking precision by hand (there is no labelled temporal data).
//!
//! ```text
//! cargo run --release -p parallax-extract --example dates_survey -- \
//!     [--polnear DIR] [--sample N] [--seed S] [--repeat R] [--form FORM]
//! ```
//!
//! Prints counts per form and kind (with the share resolved), then `N`
//! random expressions with their context, publication date and value, then
//! the speed of `find_dates` and of the timeline (verbs, without NER) in
//! sentences per second over `R` passes.

use parallax_extract::dates::{find_dates, parse_published, TemporalExpr};
use parallax_extract::timeline::timeline_with_entities;
use parallax_extract::tokenize::tokenize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

struct Doc {
    name: String,
    published: Option<chrono::NaiveDate>,
    text: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("dates_survey: {e}");
        std::process::exit(1);
    }
}

fn arg_value(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Reads `metadata.tsv` (filename → publication_date) and the texts under
/// `train/text` and `dev/text`.
fn load(dir: &std::path::Path) -> Result<Vec<Doc>, Box<dyn std::error::Error>> {
    let meta = std::fs::read_to_string(dir.join("metadata.tsv"))?;
    let mut lines = meta.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("empty metadata.tsv")?
        .split('\t')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("metadata.tsv has no {name} column"))
    };
    let (file_col, date_col) = (col("filename")?, col("publication_date")?);
    let mut dates = HashMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split('\t').collect();
        if let (Some(f), Some(d)) = (cells.get(file_col), cells.get(date_col)) {
            dates.insert(f.to_string(), parse_published(d));
        }
    }
    let mut docs = Vec::new();
    for split in ["train", "dev"] {
        let Ok(entries) = std::fs::read_dir(dir.join(split).join("text")) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_string();
            let text = String::from_utf8_lossy(&std::fs::read(&path)?).into_owned();
            let published = dates.get(&name).copied().flatten();
            docs.push(Doc {
                name,
                published,
                text,
            });
        }
    }
    Ok(docs)
}

/// xorshift64*: reproducible sampling without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn context(text: &str, e: &TemporalExpr, width: usize) -> String {
    let mut start = e.span.start.saturating_sub(width);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (e.span.end + width).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!(
        "{}[{}]{}",
        &text[start..e.span.start],
        &text[e.span.clone()],
        &text[e.span.end..end]
    )
    .replace('\n', " ")
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = arg_value(&args, "--polnear")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polnear")
        });
    let sample: usize = arg_value(&args, "--sample").map_or(Ok(50), |s| s.parse())?;
    let seed: u64 = arg_value(&args, "--seed").map_or(Ok(7), |s| s.parse())?;
    let repeat: usize = arg_value(&args, "--repeat").map_or(Ok(3), |s| s.parse())?;
    let only_form = arg_value(&args, "--form");
    let docs = load(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if docs.is_empty() {
        return Err(format!("no texts under {}", dir.display()).into());
    }
    let dated = docs.iter().filter(|d| d.published.is_some()).count();
    let sentences: usize = docs.iter().map(|d| tokenize(&d.text).len()).sum();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();

    let mut by_form: BTreeMap<(&'static str, &'static str), (usize, usize)> = BTreeMap::new();
    let mut by_granularity: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut all: Vec<(usize, TemporalExpr)> = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        for e in find_dates(&d.text, d.published) {
            let kind = match e.kind {
                parallax_extract::TemporalKind::Absolute => "absolute",
                parallax_extract::TemporalKind::Relative => "relative",
                parallax_extract::TemporalKind::Anchored => "anchored",
                parallax_extract::TemporalKind::Vague => "vague",
            };
            let entry = by_form.entry((kind, e.form.as_str())).or_default();
            entry.0 += 1;
            entry.1 += usize::from(e.value.is_some());
            *by_granularity.entry(e.granularity.as_str()).or_default() += 1;
            all.push((i, e));
        }
    }
    println!(
        "{} articles ({} with a publication date), {} sentences, {} expressions",
        docs.len(),
        dated,
        sentences,
        all.len()
    );
    println!(
        "\n{:<10} {:<12} {:>7} {:>9}",
        "kind", "form", "count", "resolved"
    );
    for ((kind, form), (n, resolved)) in &by_form {
        println!(
            "{kind:<10} {form:<12} {n:>7} {:>8.1}%",
            100.0 * *resolved as f64 / (*n).max(1) as f64
        );
    }
    println!("\ngranularity:");
    for (g, n) in &by_granularity {
        println!("  {g:<6} {n}");
    }

    let pool: Vec<&(usize, TemporalExpr)> = all
        .iter()
        .filter(|(_, e)| only_form.as_deref().is_none_or(|f| e.form.as_str() == f))
        .collect();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut picked: Vec<usize> = Vec::new();
    while picked.len() < sample.min(pool.len()) {
        let k = (rng.next() % pool.len() as u64) as usize;
        if !picked.contains(&k) {
            picked.push(k);
        }
    }
    println!("\n{} random expressions (seed {seed}):", picked.len());
    for (n, k) in picked.iter().enumerate() {
        let (i, e) = pool[*k];
        let d = &docs[*i];
        println!(
            "{:>3}. {:<11} {:<9} pub {} -> {:<10} | {} | {}",
            n + 1,
            e.form.as_str(),
            e.granularity.as_str(),
            d.published.map_or("-".to_string(), |p| p.to_string()),
            e.value.map_or("-".to_string(), |v| v.iso()),
            context(&d.text, e, 60),
            d.name
        );
    }

    // Speed: dates alone, then the timeline (dates + sentences + verbs).
    let start = Instant::now();
    let mut found = 0usize;
    for _ in 0..repeat {
        for d in &docs {
            found += find_dates(&d.text, d.published).len();
        }
    }
    let dates_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut events = 0usize;
    for _ in 0..repeat {
        for d in &docs {
            events += timeline_with_entities(&d.text, d.published, &[]).len();
        }
    }
    let timeline_secs = start.elapsed().as_secs_f64();
    let per = |secs: f64| (sentences * repeat) as f64 / secs.max(1e-9);
    println!(
        "\nspeed over {repeat} passes ({:.1} MB): find_dates {:.0} sentences/s ({:.1} MB/s, {found} found); \
         timeline without NER {:.0} sentences/s ({events} events)",
        bytes as f64 / 1e6,
        per(dates_secs),
        (bytes * repeat) as f64 / 1e6 / dates_secs.max(1e-9),
        per(timeline_secs),
    );
    Ok(())
}
