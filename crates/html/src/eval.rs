//! The article-extraction-benchmark (AEB) metric and a runner over an AEB
//! directory (`html/<id>.html.gz` + `ground-truth.json`) or a page folder
//! (`html/<id>.html.gz` + `gold/<id>.txt`, optional `index.json`; see
//! [`load_pages`]).
//!
//! Per page, the expected and extracted bodies become multisets of word
//! 4-gram shingles; tp/fp/fn are counted per page, precision and recall are
//! averaged over pages (a page without predicted shingles is left out of the
//! precision mean, one without expected shingles out of the recall mean), and
//! F1 is computed from the two means. Tokens are runs of Unicode word
//! characters, matched case-sensitively.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Shingle counts of one page, as the metric defines them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShingleCounts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl ShingleCounts {
    /// Precision, `None` when nothing was predicted.
    pub fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
    /// Recall, `None` when nothing was expected.
    pub fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| self.tp as f64 / d as f64)
    }
}

fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let word_char = c.is_alphanumeric() || c == '_';
        match (word_char, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
    let w = words(text);
    let mut m = HashMap::new();
    for win in w.windows(4) {
        *m.entry(win.to_vec()).or_insert(0) += 1;
    }
    m
}

/// Compare an extracted body with the expected one.
pub fn compare(expected: &str, extracted: &str) -> ShingleCounts {
    let e = shingles(expected);
    let p = shingles(extracted);
    let mut c = ShingleCounts::default();
    for (k, &n) in &p {
        let m = e.get(k).copied().unwrap_or(0);
        c.tp += n.min(m);
        c.fp += n.saturating_sub(m);
    }
    for (k, &n) in &e {
        c.fn_ += n.saturating_sub(p.get(k).copied().unwrap_or(0));
    }
    c
}

/// Mean precision/recall over pages and the F1 of the two means.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Aggregate per-page counts the AEB way.
pub fn aggregate(pages: &[ShingleCounts]) -> Scores {
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(pages.iter().filter_map(|c| c.precision()).collect());
    let recall = mean(pages.iter().filter_map(|c| c.recall()).collect());
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Scores {
        precision,
        recall,
        f1,
    }
}

/// One AEB page: id, URL and expected body, with its HTML loaded.
#[derive(Debug, Clone)]
pub struct AebPage {
    pub id: String,
    pub url: String,
    pub expected: String,
    pub html: String,
}

/// Result of one evaluated page.
#[derive(Debug, Clone)]
pub struct PageScore {
    pub id: String,
    pub url: String,
    pub counts: ShingleCounts,
    /// `Some(reason)` when extraction failed (counted as an empty body).
    pub error: Option<String>,
}

/// Result of [`aeb`].
#[derive(Debug, Clone)]
pub struct AebReport {
    pub scores: Scores,
    pub pages: Vec<PageScore>,
    /// Seconds spent inside [`crate::extract`] (excluding file reading).
    pub extract_seconds: f64,
    /// Provenance: blocks extracted, blocks with a source range, and blocks
    /// whose source range shows exactly the block's text (markup and
    /// whitespace aside).
    pub blocks: usize,
    pub located: usize,
    pub verified: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> EvalError + '_ {
    move |source| EvalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Read a page file, gunzipping `.gz`, decoding as UTF-8 (lossily: the AEB
/// pages are stored as UTF-8).
pub fn read_html_file(path: &Path) -> Result<String, EvalError> {
    let raw = std::fs::read(path).map_err(io_err(path))?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(io_err(path))?;
        out
    } else {
        raw
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Load every page of an AEB directory, sorted by id.
pub fn load_aeb(dir: &Path) -> Result<Vec<AebPage>, EvalError> {
    let gt_path = dir.join("ground-truth.json");
    let text = std::fs::read_to_string(&gt_path).map_err(io_err(&gt_path))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| EvalError::Format {
        path: gt_path.clone(),
        message: e.to_string(),
    })?;
    let obj = value.as_object().ok_or_else(|| EvalError::Format {
        path: gt_path.clone(),
        message: "expected a JSON object keyed by page id".into(),
    })?;
    let mut pages = Vec::with_capacity(obj.len());
    for (id, v) in obj {
        let expected = v["articleBody"].as_str().unwrap_or("").to_string();
        let url = v["url"].as_str().unwrap_or("").to_string();
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let html = read_html_file(&path)?;
        pages.push(AebPage {
            id: id.clone(),
            url,
            expected,
            html,
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// Load a page folder: `html/<id>.html.gz` with its expected body in
/// `gold/<id>.txt`. The ids (and URLs, when known) come from `index.json`
/// (`[{"id": …, "url": … | null, …}]`) when the folder has one, otherwise
/// from the `gold/*.txt` file names. Sorted by id.
pub fn load_pages(dir: &Path) -> Result<Vec<AebPage>, EvalError> {
    let index_path = dir.join("index.json");
    let mut entries: Vec<(String, String)> = Vec::new();
    if index_path.exists() {
        let text = std::fs::read_to_string(&index_path).map_err(io_err(&index_path))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| EvalError::Format {
                path: index_path.clone(),
                message: e.to_string(),
            })?;
        let list = value.as_array().ok_or_else(|| EvalError::Format {
            path: index_path.clone(),
            message: "expected a JSON array of {\"id\", \"url\"} objects".into(),
        })?;
        for (i, v) in list.iter().enumerate() {
            let id = match &v["id"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                _ => {
                    return Err(EvalError::Format {
                        path: index_path.clone(),
                        message: format!("entry {i} has no string \"id\""),
                    })
                }
            };
            let url = v["url"].as_str().unwrap_or("").to_string();
            entries.push((id, url));
        }
    } else {
        let gold = dir.join("gold");
        for entry in std::fs::read_dir(&gold).map_err(io_err(&gold))? {
            let path = entry.map_err(io_err(&gold))?.path();
            if path.extension().is_some_and(|e| e == "txt") {
                if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                    entries.push((stem.to_string(), String::new()));
                }
            }
        }
        if entries.is_empty() {
            return Err(EvalError::Format {
                path: gold,
                message: "no <id>.txt files (expected html/<id>.html.gz + gold/<id>.txt)".into(),
            });
        }
    }
    let mut pages = Vec::with_capacity(entries.len());
    for (id, url) in entries {
        let gold_path = dir.join("gold").join(format!("{id}.txt"));
        let raw = std::fs::read(&gold_path).map_err(io_err(&gold_path))?;
        let expected = String::from_utf8_lossy(&raw).into_owned();
        let html = read_html_file(&page_html_path(dir, &id))?;
        pages.push(AebPage {
            id,
            url,
            expected,
            html,
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// Where a page's HTML lives in either layout: `html/<id>.html.gz`.
pub fn page_html_path(dir: &Path, id: &str) -> PathBuf {
    dir.join("html").join(format!("{id}.html.gz"))
}

/// Load an AEB directory (`ground-truth.json`) or a page folder (`gold/`),
/// whichever `dir` is.
pub fn load_any(dir: &Path) -> Result<Vec<AebPage>, EvalError> {
    if dir.join("ground-truth.json").exists() {
        load_aeb(dir)
    } else if dir.join("gold").is_dir() {
        load_pages(dir)
    } else {
        Err(EvalError::Format {
            path: dir.to_path_buf(),
            message: "neither ground-truth.json (AEB layout) nor gold/ (html/<id>.html.gz + \
                      gold/<id>.txt) found here; is the path right?"
                .into(),
        })
    }
}

/// How many pages each mean of [`aggregate`] leaves out: those without
/// predicted shingles (out of precision) and those without expected
/// shingles (out of recall).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Excluded {
    pub from_precision: usize,
    pub from_recall: usize,
}

/// Count the pages [`aggregate`] leaves out of each mean.
pub fn excluded(pages: &[ShingleCounts]) -> Excluded {
    Excluded {
        from_precision: pages.iter().filter(|c| c.precision().is_none()).count(),
        from_recall: pages.iter().filter(|c| c.recall().is_none()).count(),
    }
}

/// Score extracted texts given by page id (a page missing from `texts`
/// counts as an empty extraction), in the order of `pages`.
pub fn score_texts(pages: &[AebPage], texts: &HashMap<String, String>) -> Vec<ShingleCounts> {
    pages
        .iter()
        .map(|p| compare(&p.expected, texts.get(&p.id).map_or("", String::as_str)))
        .collect()
}

/// The article body as the benchmark compares it: blocks joined by blank lines.
pub fn body_text(page: &crate::Page) -> String {
    let mut out = String::new();
    for b in &page.blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

/// Evaluate already loaded pages with the default settings.
pub fn evaluate(pages: &[AebPage]) -> AebReport {
    evaluate_with(pages, &crate::Options::default())
}

/// Evaluate already loaded pages with explicit extraction settings.
pub fn evaluate_with(pages: &[AebPage], opts: &crate::Options) -> AebReport {
    let mut scores = Vec::with_capacity(pages.len());
    let mut secs = 0.0;
    let (mut blocks, mut located, mut verified) = (0, 0, 0);
    for p in pages {
        let t = Instant::now();
        let res = crate::extract_with(&p.html, Some(&p.url), opts);
        secs += t.elapsed().as_secs_f64();
        if let Ok(page) = &res {
            for b in &page.blocks {
                blocks += 1;
                if let Some(r) = &b.source {
                    located += 1;
                    if crate::SourceText::verifies(&p.html, r.clone(), &b.text) {
                        verified += 1;
                    }
                }
            }
        }
        let (text, error) = match res {
            Ok(page) => (body_text(&page), None),
            Err(e) => (String::new(), Some(e.to_string())),
        };
        scores.push(PageScore {
            id: p.id.clone(),
            url: p.url.clone(),
            counts: compare(&p.expected, &text),
            error,
        });
    }
    let counts: Vec<ShingleCounts> = scores.iter().map(|s| s.counts).collect();
    AebReport {
        scores: aggregate(&counts),
        pages: scores,
        extract_seconds: secs,
        blocks,
        located,
        verified,
    }
}

/// Run the whole benchmark over an AEB directory.
pub fn aeb(dir: &Path) -> Result<AebReport, EvalError> {
    aeb_with(dir, &crate::Options::default())
}

/// [`aeb`] with explicit extraction settings.
pub fn aeb_with(dir: &Path, opts: &crate::Options) -> Result<AebReport, EvalError> {
    Ok(evaluate_with(&load_aeb(dir)?, opts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_text_scores_one() {
        let t = "one two three four five six";
        let c = compare(t, t);
        assert_eq!(c.tp, 3);
        assert_eq!((c.fp, c.fn_), (0, 0));
    }

    #[test]
    fn extra_and_missing_text() {
        let c = compare("a b c d e", "a b c d x y");
        assert_eq!(c.tp, 1);
        assert_eq!(c.fn_, 1);
        assert_eq!(c.fp, 2);
        let s = aggregate(&[c]);
        assert!((s.precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((s.recall - 0.5).abs() < 1e-9);
    }

    #[test]
    fn empty_prediction_is_excluded_from_precision() {
        let a = compare("a b c d", "a b c d");
        let b = compare("a b c d", "");
        let s = aggregate(&[a, b]);
        assert_eq!(s.precision, 1.0);
        assert_eq!(s.recall, 0.5);
    }

    #[test]
    fn page_folder_loads_with_and_without_index() {
        let dir = std::env::temp_dir().join(format!("parallax-eval-pages-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("html")).expect("temp dir");
        std::fs::create_dir_all(dir.join("gold")).expect("temp dir");
        for id in ["b", "a"] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut gz, format!("<p>page {id}</p>").as_bytes())
                .expect("gzip");
            std::fs::write(page_html_path(&dir, id), gz.finish().expect("gzip")).expect("write");
            std::fs::write(
                dir.join("gold").join(format!("{id}.txt")),
                format!("page {id}"),
            )
            .expect("write");
        }
        let pages = load_any(&dir).expect("loads from gold/");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].id, "a");
        assert_eq!(pages[0].html, "<p>page a</p>");
        assert_eq!(pages[1].expected, "page b");
        std::fs::write(
            dir.join("index.json"),
            r#"[{"id": "b", "url": "http://x.test/b"}, {"id": "a", "url": null}]"#,
        )
        .expect("write");
        let pages = load_pages(&dir).expect("loads from index.json");
        assert_eq!(pages[1].url, "http://x.test/b");
        assert_eq!(pages[0].url, "");
        let texts: HashMap<String, String> = [("a".to_string(), "x".to_string())].into();
        let counts = score_texts(&pages, &texts);
        let ex = excluded(&counts);
        // Two-word bodies have no 4-gram shingles at all.
        assert_eq!(
            ex,
            Excluded {
                from_precision: 2,
                from_recall: 2
            }
        );
        std::fs::write(dir.join("index.json"), r#"[{"id": "missing"}]"#).expect("write");
        assert!(load_pages(&dir).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn punctuation_is_not_a_token() {
        assert_eq!(
            words("Hello, world — it's 3.5%"),
            vec!["Hello", "world", "it", "s", "3", "5"]
        );
    }
}
