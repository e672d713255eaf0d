//! The facts matrix: sentences of different articles aligned into facts.
//!
//! Each sentence becomes a sparse vector of features: content-word stems
//! (with British/American spelling folded), paraphrase concepts from the
//! lexicon (`quit` / `resigned` / `stepped down` → one concept), numbers
//! (`two` = `2`), months and day-month dates (`December 12` = `12
//! December`). Features are weighted by inverse sentence frequency within
//! the story, and two sentences of different articles are the same fact
//! when their cosine similarity reaches a threshold.
//!
//! Comparing every pair of sentences is quadratic; instead an inverted
//! index over features proposes candidates. Each sentence reads a bounded
//! window of the postings of its rarest features and scores at most
//! `max_candidates` of them exactly, so the work is linear in the number of
//! sentences. Facts are then formed by joining the most similar pairs first
//! (at most one sentence per article in a fact, which stops chains of
//! loosely related sentences from growing into one blob). A sentence that
//! carries two facts (`suspended on Jan. 14, readmitted on Feb. 19`) joins
//! one of them and is recorded as a secondary cell of the other.

use crate::lexicon::Lexicon;
use crate::prepare::Prepared;
use crate::text::{is_stopword, month_number, number_value, FastMap};
use crate::CompareOptions;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Range;

/// One fact: the same claim as reported by one or more articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub id: usize,
    /// A representative sentence (the member most similar to the others).
    pub text: String,
    /// Ids of the articles reporting it, in story order.
    pub articles: Vec<String>,
    /// The sentence each of those articles reports it in.
    pub cells: Vec<FactCell>,
}

/// One article's sentence for a fact: a cell of the facts × articles matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactCell {
    pub article: String,
    /// Byte range of the sentence in `Article.text`.
    pub span: Range<usize>,
    pub text: String,
    /// Similarity to the closest other sentence of the fact (1 for a fact
    /// reported once).
    pub similarity: f32,
    /// `false` when this sentence mainly belongs to another fact and also
    /// carries this one.
    pub primary: bool,
}

/// Per article: what only it reports and what it leaves out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleFacts {
    pub article: String,
    /// Facts reported by this article alone.
    pub exclusive: Vec<usize>,
    /// Facts that at least two other outlets, and at least
    /// [`CompareOptions::omitted_share`] of them, report and this article
    /// does not, most widely carried first; none for an article shorter
    /// than half the median length of those that carry the fact (or than
    /// 4 sentences), nor when the story has fewer than three outlets.
    pub omitted: Vec<usize>,
}

/// The facts × articles matrix, stored sparsely (cells per fact).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FactsMatrix {
    /// Facts, most widely reported first.
    pub facts: Vec<Fact>,
    pub per_article: Vec<ArticleFacts>,
}

/// The matrix plus lookups the other parts of the comparison use.
pub(crate) struct Built {
    pub matrix: FactsMatrix,
    /// (article index, sentence index) → fact ids (primary first).
    by_sentence: FastMap<(usize, usize), Vec<usize>>,
    /// Per fact, its cells as (article index, sentence index).
    members: Vec<Vec<(usize, usize)>>,
}

impl Built {
    /// The primary fact of a sentence.
    pub fn fact_of(&self, article: usize, sentence: usize) -> Option<usize> {
        self.by_sentence
            .get(&(article, sentence))
            .and_then(|v| v.first().copied())
    }

    /// The cells of a fact as (article index, sentence index).
    pub fn members(&self, fact: usize) -> &[(usize, usize)] {
        self.members.get(fact).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Every fact a sentence carries.
    pub fn facts_of(&self, article: usize, sentence: usize) -> &[usize] {
        self.by_sentence
            .get(&(article, sentence))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }
}

/// Hash of a tagged feature (`tag` keeps `#2` the number apart from a
/// stem `2`, concepts apart from words).
fn feature_hash(tag: u8, text: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = crate::text::FastHasher::default();
    h.write(&[tag]);
    h.write(text.as_bytes());
    h.finish()
}

/// Features of one sentence's words, as hashes (sorted, deduplicated).
/// A sentence's features, and the subset that anchors a link (see
/// [`CompareOptions::anchored_threshold`]): numbers, days of a month, and
/// capitalised words inside the sentence (names, mostly).
pub(crate) fn features(
    p: &Prepared<'_>,
    words: Range<usize>,
    lexicon: &Lexicon,
) -> (Vec<u64>, Vec<u64>) {
    let ws = &p.words[words];
    let stems: Vec<&str> = ws.iter().map(|w| w.stem.as_str()).collect();
    let mut out = Vec::with_capacity(ws.len());
    let mut anchors = Vec::new();
    let mut k = 0;
    while k < ws.len() {
        if let Some((concept, n)) = lexicon.paraphrase_at(&stems[k..]) {
            out.push(feature_hash(b'~', concept));
            k += n;
            continue;
        }
        let w = &ws[k];
        if let Some(m) = month_number(&w.norm) {
            // `may` is also a verb: only as a month when capitalised.
            if m != 5 || w.capitalised {
                out.push(feature_hash(b'm', &m.to_string()));
                let day = |x: Option<&crate::text::Word>| {
                    x.and_then(|x| x.norm.parse::<u8>().ok())
                        .filter(|d| (1..=31).contains(d))
                };
                if let Some(d) =
                    day(ws.get(k + 1)).or_else(|| day(k.checked_sub(1).and_then(|i| ws.get(i))))
                {
                    let h = feature_hash(b'd', &format!("{m}-{d}"));
                    out.push(h);
                    anchors.push(h);
                }
                k += 1;
                continue;
            }
        }
        if let Some(v) = number_value(&w.norm) {
            let h = feature_hash(b'#', &v);
            out.push(h);
            // Small counts ("two", "3") are everywhere; a figure is evidence.
            if v.parse::<f64>()
                .map_or(true, |x| !(0.0..=12.0).contains(&x))
            {
                anchors.push(h);
            }
        } else if w.norm.len() >= 2 && !is_stopword(&w.norm) {
            let h = feature_hash(b'w', &w.stem);
            out.push(h);
            if k > 0 && w.capitalised {
                anchors.push(h);
            }
        }
        k += 1;
    }
    out.sort_unstable();
    out.dedup();
    anchors.sort_unstable();
    anchors.dedup();
    (out, anchors)
}

/// A scored pair of sentences: (similarity, lower index, higher index).
type Edge = (f32, u32, u32);

/// Sparse unit vector: (feature id, weight) sorted by id.
type Vector = Vec<(u32, f32)>;

struct UnionFind {
    parent: Vec<u32>,
    /// Sorted article indices of each root's set.
    articles: Vec<Vec<u32>>,
}

impl UnionFind {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let up = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = up;
            x = up;
        }
        x
    }

    /// Join the sets of `a` and `b` unless they share an article.
    fn join_disjoint(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        let (big, small) = if self.articles[ra as usize].len() >= self.articles[rb as usize].len() {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let small_set = std::mem::take(&mut self.articles[small as usize]);
        let big_set = &self.articles[big as usize];
        if small_set.iter().any(|x| big_set.binary_search(x).is_ok()) {
            self.articles[small as usize] = small_set;
            return false;
        }
        let big_set = &mut self.articles[big as usize];
        for x in small_set {
            let pos = big_set.partition_point(|y| *y < x);
            big_set.insert(pos, x);
        }
        self.parent[small as usize] = big;
        true
    }
}

/// An article shorter than half of this many sentences is not said to
/// leave anything out (see the omission rule in [`build`]).
const MIN_SENTENCES_FOR_OMISSIONS: usize = 8;

/// Whether a sentence can be a fact: a statement about the event, not page
/// furniture. Markup, embedded-post signatures, bylines, credits, sign-offs,
/// "read more" lines and bare timestamps are not, however many words they
/// share with another outlet's page (every live blog has "9:05 p.m. ET").
pub(crate) fn is_claim(text: &str) -> bool {
    let t = text.trim();
    let lower = t.to_lowercase();
    // Markup that reached the text: `<tweet>`, `</p>`, escaped tags, templates.
    let bytes = lower.as_bytes();
    // `<name` then a space, `>` or `/` (or the end), or `</`, `<!`: a tag,
    // closed or cut off by the sentence splitter inside an attribute.
    let tag = bytes.iter().enumerate().any(|(i, &b)| {
        if b != b'<' {
            return false;
        }
        let rest = &bytes[i + 1..];
        match rest.first() {
            Some(b'/' | b'!') => true,
            Some(c) if c.is_ascii_alphabetic() => {
                let name = rest
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .count();
                matches!(rest.get(name), None | Some(b' ' | b'>' | b'/'))
            }
            _ => false,
        }
    });
    if tag || lower.contains("&lt;") || lower.contains("{{") || lower.contains("pic.twitter.com") {
        return false;
    }
    // An embedded post's signature: "— Name (@handle) March 4, 2026".
    if lower.contains("(@") {
        return false;
    }
    const FURNITURE: &[&str] = &[
        "reporting by",
        "additional reporting",
        "editing by",
        "writing by",
        "compiled by",
        "follow us",
        "follow @",
        "read more",
        "read the full",
        "click here",
        "sign up",
        "subscribe to",
        "share this",
        "share on",
        "related:",
        "see also",
        "advertisement",
        "image:",
        "photo:",
        "picture:",
        "video:",
        "watch:",
        "listen:",
        "copyright",
        "all rights reserved",
        "©",
        "this story has been updated",
        "an earlier version of this",
        "this article originally appeared",
        "this article was amended",
        "updated:",
        "published:",
        "posted:",
        "last updated",
        "last modified",
    ];
    if FURNITURE.iter().any(|f| lower.starts_with(f)) {
        return false;
    }
    let words: Vec<&str> = t
        .split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’' || c == '.'))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == '\'' || c == '’'))
        .filter(|w| w.chars().count() >= 2)
        .collect();
    // A byline: "By Ana Ruiz and Tom Hale, Staff Writers".
    if lower.starts_with("by ") {
        const BYLINE: &[&str] = &[
            "by",
            "and",
            "in",
            "at",
            "for",
            "of",
            "the",
            "with",
            "staff",
            "writer",
            "writers",
            "correspondent",
            "reporter",
            "editor",
            "senior",
            "political",
            "chief",
            "news",
        ];
        let all_names = words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                || BYLINE.contains(&w.to_lowercase().as_str())
        });
        if all_names && words.len() <= 12 {
            return false;
        }
    }
    // What is left beside times, dates and their words: a bare timestamp
    // ("Updated 9:05 p.m. ET, Jan. 5, 2019") leaves nothing.
    const TIME_WORDS: &[&str] = &[
        "a.m",
        "am",
        "p.m",
        "pm",
        "et",
        "est",
        "edt",
        "ct",
        "cst",
        "cdt",
        "pt",
        "pst",
        "pdt",
        "gmt",
        "bst",
        "utc",
        "cet",
        "cest",
        "updated",
        "published",
        "posted",
        "last",
        "modified",
        "on",
        "at",
        "the",
        "of",
        "today",
        "yesterday",
        "ago",
        "hours",
        "hour",
        "minutes",
        "minute",
        "min",
        "mins",
        "local",
        "time",
        "th",
        "st",
        "nd",
        "rd",
    ];
    let content = words
        .iter()
        .filter(|w| {
            let n = w.to_lowercase();
            let n = n.trim_end_matches('.');
            month_number(n).is_none()
                && weekday(n).is_none()
                && !TIME_WORDS.contains(&n)
                && !is_stopword(n)
        })
        .count();
    content >= 2
}

fn weekday(n: &str) -> Option<u8> {
    const DAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    ];
    DAYS.iter().position(|d| *d == n).map(|i| i as u8)
}

/// Whether two sorted feature lists share an anchor feature.
fn shares_anchor(a: &[u32], b: &[u32], is_anchor: &[bool]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if is_anchor.get(a[i] as usize).copied().unwrap_or(false) {
                    return true;
                }
                i += 1;
                j += 1;
            }
        }
    }
    false
}

pub(crate) fn build(
    prepared: &[Prepared<'_>],
    news: &[bool],
    lexicon: &Lexicon,
    options: &CompareOptions,
    notes: &mut Vec<String>,
) -> Built {
    let clock = std::time::Instant::now();
    let timing = std::env::var_os("PARALLAX_COMPARE_TIMING").is_some();
    let lap = |what: &str| {
        if timing {
            eprintln!(
                "  facts: {what} at {:.1} ms",
                clock.elapsed().as_secs_f64() * 1e3
            );
        }
    };
    // Eligible sentences and their features.
    let mut vocab: FastMap<u64, u32> = FastMap::default();
    let mut sent_article: Vec<u32> = Vec::new();
    let mut sent_local: Vec<u32> = Vec::new();
    let mut sent_feats: Vec<Vec<u32>> = Vec::new();
    // Feature hashes per article in parallel; interning stays sequential
    // so that ids do not depend on the thread count.
    type Hashed = (usize, (Vec<u64>, Vec<u64>));
    let hashed: Vec<Vec<Hashed>> = crate::prepare::par_ranges(prepared.len(), 64, |r| {
        prepared[r]
            .iter()
            .map(|p| {
                p.sentence_words
                    .iter()
                    .enumerate()
                    .filter(|(si, _)| p.sentences.get(*si).is_some_and(|r| is_claim(p.slice(r))))
                    .map(|(si, wr)| (si, features(p, wr.clone(), lexicon)))
                    .filter(|(_, (fs, _))| fs.len() >= options.min_features)
                    .collect()
            })
            .collect()
    });
    let mut is_anchor: Vec<bool> = Vec::new();
    for (ai, sentences) in hashed.into_iter().enumerate() {
        for (si, (fs, anchors)) in sentences {
            let mut ids: Vec<u32> = fs
                .into_iter()
                .map(|f| match vocab.get(&f) {
                    Some(&id) => id,
                    None => {
                        let id = vocab.len() as u32;
                        vocab.insert(f, id);
                        is_anchor.push(false);
                        id
                    }
                })
                .collect();
            // A feature is an anchor when any sentence used it as one (a
            // name capitalised mid-sentence anywhere is a name).
            for a in anchors {
                if let Some(&id) = vocab.get(&a) {
                    is_anchor[id as usize] = true;
                }
            }
            ids.sort_unstable();
            sent_article.push(ai as u32);
            sent_local.push(si as u32);
            sent_feats.push(ids);
        }
    }
    let n = sent_feats.len();
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocab.len()];
    for (s, fs) in sent_feats.iter().enumerate() {
        for &f in fs {
            postings[f as usize].push(s as u32);
        }
    }
    let idf: Vec<f32> = postings
        .iter()
        .map(|p| ((n as f32 + 1.0) / (p.len() as f32 + 0.5)).ln().max(0.05))
        .collect();
    let vectors: Vec<Vector> = sent_feats
        .iter()
        .map(|fs| {
            let norm = fs
                .iter()
                .map(|&f| idf[f as usize].powi(2))
                .sum::<f32>()
                .sqrt();
            fs.iter()
                .map(|&f| (f, idf[f as usize] / norm.max(1e-6)))
                .collect()
        })
        .collect();

    lap("features");
    // Candidate pairs from a bounded window of the postings of each
    // sentence's rarest features.
    const QUERY_FEATURES: usize = 8;
    let half = options.postings_window.div_ceil(2).max(1);
    // Each thread scores its own range of sentences with its own scratch
    // arrays; the edges come back in sentence order.
    let chunks: Vec<(Vec<Edge>, usize)> = crate::prepare::par_ranges(n, 4096, |range| {
        let mut edges: Vec<Edge> = Vec::new();
        // Dense scratch scores with a list of touched slots: cheaper than
        // a map for the hundreds of updates per sentence.
        let mut score = vec![0.0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut dense = vec![0.0f32; idf.len()];
        let mut truncated = 0usize;
        for s in range {
            for &t in &touched {
                score[t as usize] = 0.0;
            }
            touched.clear();
            let mut feats = sent_feats[s].clone();
            feats.sort_by(|a, b| idf[*b as usize].total_cmp(&idf[*a as usize]));
            feats.truncate(QUERY_FEATURES);
            for f in feats {
                let list = &postings[f as usize];
                if list.len() < 2 {
                    continue;
                }
                let pos = list.partition_point(|x| (*x as usize) < s);
                let lo = pos.saturating_sub(half);
                let hi = (pos + 1 + half).min(list.len());
                if hi - lo < list.len() {
                    truncated += 1;
                }
                for &t in &list[lo..hi] {
                    if sent_article[t as usize] != sent_article[s] {
                        let slot = &mut score[t as usize];
                        if *slot == 0.0 {
                            touched.push(t);
                        }
                        *slot += idf[f as usize];
                    }
                }
            }
            let mut cands: Vec<(u32, f32)> =
                touched.iter().map(|&t| (t, score[t as usize])).collect();
            if cands.len() > options.max_candidates {
                cands.select_nth_unstable_by(options.max_candidates, |a, b| b.1.total_cmp(&a.1));
                cands.truncate(options.max_candidates);
            }
            for &(f, w) in &vectors[s] {
                dense[f as usize] = w;
            }
            for (t, _) in cands {
                // Branch-free dot product against the dense query vector.
                let sim: f32 = vectors[t as usize]
                    .iter()
                    .map(|&(f, w)| dense[f as usize] * w)
                    .sum();
                let linked = sim >= options.fact_threshold
                    || (sim >= options.anchored_threshold
                        && shares_anchor(&sent_feats[s], &sent_feats[t as usize], &is_anchor));
                if linked {
                    let (a, b) = if (t as usize) < s {
                        (t, s as u32)
                    } else {
                        (s as u32, t)
                    };
                    edges.push((sim, a, b));
                }
            }
            for &(f, _) in &vectors[s] {
                dense[f as usize] = 0.0;
            }
        }
        vec![(edges, truncated)]
    });
    let truncated: usize = chunks.iter().map(|c| c.1).sum();
    let mut edges: Vec<Edge> = chunks.into_iter().flat_map(|c| c.0).collect();
    lap("candidates");
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    edges.dedup_by(|x, y| x.1 == y.1 && x.2 == y.2);
    if truncated > 0 && n > 2_000 {
        notes.push(format!(
            "facts: candidate search read bounded postings windows ({truncated} truncated reads over {n} sentences)"
        ));
    }

    lap("edges sorted");
    let mut uf = UnionFind {
        parent: (0..n as u32).collect(),
        articles: sent_article.iter().map(|a| vec![*a]).collect(),
    };
    let mut best_sim = vec![0.0f32; n];
    for &(sim, a, b) in &edges {
        if uf.join_disjoint(a, b) {
            best_sim[a as usize] = best_sim[a as usize].max(sim);
            best_sim[b as usize] = best_sim[b as usize].max(sim);
        }
    }
    // Members per root, and each member's summed similarity within its fact
    // (to pick the representative).
    let mut members: FastMap<u32, Vec<u32>> = FastMap::default();
    for s in 0..n as u32 {
        let r = uf.find(s);
        members.entry(r).or_default().push(s);
    }
    let mut centrality = vec![0.0f32; n];
    let mut secondary: FastMap<(u32, u32), (f32, u32)> = FastMap::default();
    for &(sim, a, b) in &edges {
        let (ra, rb) = (uf.find(a), uf.find(b));
        if ra == rb {
            centrality[a as usize] += sim;
            centrality[b as usize] += sim;
            continue;
        }
        for (root, s) in [(ra, b), (rb, a)] {
            let art = sent_article[s as usize];
            if uf.articles[root as usize].binary_search(&art).is_ok() {
                continue;
            }
            let slot = secondary.entry((root, art)).or_insert((0.0, s));
            if sim > slot.0 {
                *slot = (sim, s);
            }
        }
    }
    let mut roots: Vec<(u32, Vec<u32>)> = members.into_iter().collect();
    for (_, m) in &mut roots {
        m.sort_unstable();
    }
    let support = |root: u32, _members: &Vec<u32>| uf.articles[root as usize].len();
    let mut extra_support: FastMap<u32, usize> = FastMap::default();
    for (root, _) in secondary.keys() {
        *extra_support.entry(*root).or_default() += 1;
    }
    let mut roots: Vec<(usize, u32, Vec<u32>)> = roots
        .into_iter()
        .map(|(r, m)| {
            let extra = extra_support.get(&r).copied().unwrap_or(0);
            (support(r, &m) + extra, r, m)
        })
        .collect();
    roots.sort_by(|a, b| b.0.cmp(&a.0).then(a.2[0].cmp(&b.2[0])));

    let mut secondary_by_root: FastMap<u32, Vec<(u32, f32, u32)>> = FastMap::default();
    for ((root, art), (sim, s)) in secondary {
        secondary_by_root
            .entry(root)
            .or_default()
            .push((art, sim, s));
    }
    lap("clusters");
    let mut facts = Vec::with_capacity(roots.len());
    let mut by_sentence: FastMap<(usize, usize), Vec<usize>> = FastMap::default();
    let mut fact_members: Vec<Vec<(usize, usize)>> = Vec::new();
    for (id, (_, root, m)) in roots.into_iter().enumerate() {
        let rep = m
            .iter()
            .copied()
            .max_by(|a, b| {
                centrality[*a as usize]
                    .total_cmp(&centrality[*b as usize])
                    .then(b.cmp(a))
            })
            .unwrap_or(root);
        let mut cells: Vec<(u32, u32, f32, bool)> = m
            .iter()
            .map(|&s| {
                let sim = if m.len() == 1 {
                    1.0
                } else {
                    best_sim[s as usize]
                };
                (sent_article[s as usize], s, sim, true)
            })
            .collect();
        if let Some(extra) = secondary_by_root.remove(&root) {
            cells.extend(extra.into_iter().map(|(art, sim, s)| (art, s, sim, false)));
        }
        cells.sort_by_key(|c| (c.0, c.1));
        let cell_of = |s: u32| {
            let p = &prepared[sent_article[s as usize] as usize];
            let span = p.sentences[sent_local[s as usize] as usize].clone();
            (p, span)
        };
        let (rp, rspan) = cell_of(rep);
        let text = rp.slice(&rspan).to_string();
        let mut out_cells = Vec::with_capacity(cells.len());
        let mut articles = Vec::new();
        for (art, s, sim, primary) in cells {
            let (p, span) = cell_of(s);
            let key = (art as usize, sent_local[s as usize] as usize);
            if fact_members.len() <= id {
                fact_members.resize(id + 1, Vec::new());
            }
            fact_members[id].push(key);
            let entry = by_sentence.entry(key).or_default();
            if primary {
                entry.insert(0, id);
            } else {
                entry.push(id);
            }
            if articles.last().map(String::as_str) != Some(p.id()) {
                articles.push(p.id().to_string());
            }
            out_cells.push(FactCell {
                article: p.id().to_string(),
                text: p.slice(&span).to_string(),
                span,
                similarity: (sim * 1000.0).round() / 1000.0,
                primary,
            });
        }
        facts.push(Fact {
            id,
            text,
            articles,
            cells: out_cells,
        });
    }

    lap("cells");
    // Exclusive and omitted facts per article.
    let n_articles = prepared.len();
    let mut per_article: Vec<ArticleFacts> = prepared
        .iter()
        .map(|p| ArticleFacts {
            article: p.id().to_string(),
            exclusive: Vec::new(),
            omitted: Vec::new(),
        })
        .collect();
    let index_of: HashMap<&str, usize> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id(), i))
        .collect();
    // Omissions are counted by outlet (two copies of one wire story are
    // one outlet's report), and only against articles long enough to be
    // expected to carry what the others carry: a 4-sentence brief does not
    // "leave out" the tenth paragraph of a feature.
    let mut outlet_ids: HashMap<String, usize> = HashMap::new();
    let outlet_of: Vec<usize> = prepared
        .iter()
        .map(|p| {
            let key = match p.article.outlet.as_deref().map(str::trim) {
                Some(o) if !o.is_empty() => o.to_lowercase(),
                _ => format!("article:{}", p.id()),
            };
            let next = outlet_ids.len();
            *outlet_ids.entry(key).or_insert(next)
        })
        .collect();
    // Copies (a wire story printed by two outlets, a live blog republished)
    // are one report: articles that share most of their sentences count as
    // one outlet here, so a copy neither makes a fact "widely carried" nor
    // is blamed for what its twin also lacks.
    let mut parent: Vec<usize> = (0..outlet_ids.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut pairs: HashMap<(usize, usize), usize> = HashMap::new();
    for f in facts
        .iter()
        .filter(|f| (2..=64).contains(&f.articles.len()))
    {
        let ix: Vec<usize> = f
            .articles
            .iter()
            .filter_map(|a| index_of.get(a.as_str()).copied())
            .collect();
        for (k, &a) in ix.iter().enumerate() {
            for &b in &ix[k + 1..] {
                *pairs.entry((a.min(b), a.max(b))).or_default() += 1;
            }
        }
    }
    for ((a, b), shared) in pairs {
        let shorter = prepared[a].sentences.len().min(prepared[b].sentences.len());
        if shorter >= 3 && shared * 5 >= shorter * 4 {
            let (ra, rb) = (
                root(&mut parent, outlet_of[a]),
                root(&mut parent, outlet_of[b]),
            );
            parent[ra] = rb;
        }
    }
    let outlet_of: Vec<usize> = outlet_of.iter().map(|&o| root(&mut parent, o)).collect();
    // Opinion, letters and press releases are counted apart: they neither
    // make a fact widely reported nor are blamed for leaving one out.
    let is_news = |i: usize| news.get(i).copied().unwrap_or(true);
    let n_outlets = outlet_of
        .iter()
        .enumerate()
        .filter(|(i, _)| is_news(*i))
        .map(|(_, o)| o)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let mut omitted: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_articles];
    let mut carries = vec![false; outlet_ids.len()];
    for f in &facts {
        if f.articles.len() == 1 {
            if let Some(&i) = index_of.get(f.articles[0].as_str()) {
                per_article[i].exclusive.push(f.id);
            }
            continue;
        }
        if n_outlets < 3 {
            continue;
        }
        let carriers: Vec<usize> = f
            .articles
            .iter()
            .filter_map(|a| index_of.get(a.as_str()).copied())
            .filter(|&i| is_news(i))
            .collect();
        carries.iter_mut().for_each(|c| *c = false);
        for &i in &carriers {
            carries[outlet_of[i]] = true;
        }
        let carrying = carries.iter().filter(|c| **c).count();
        let need = (((n_outlets - 1) as f32 * options.omitted_share).ceil() as usize).max(2);
        if carrying < need {
            continue;
        }
        let mut lengths: Vec<usize> = carriers
            .iter()
            .map(|&i| prepared[i].sentences.len())
            .collect();
        lengths.sort_unstable();
        let median = lengths.get(lengths.len() / 2).copied().unwrap_or(0);
        let expected = median.max(MIN_SENTENCES_FOR_OMISSIONS);
        for i in 0..n_articles {
            if is_news(i) && !carries[outlet_of[i]] && prepared[i].sentences.len() * 2 >= expected {
                omitted[i].push((carrying, f.id));
            }
        }
    }
    // Most widely carried first.
    for (pa, mut list) in per_article.iter_mut().zip(omitted) {
        list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        pa.omitted = list.into_iter().map(|(_, id)| id).collect();
    }
    Built {
        matrix: FactsMatrix { facts, per_article },
        by_sentence,
        members: fact_members,
    }
}

#[cfg(test)]
mod tests {
    use super::is_claim;

    #[test]
    fn furniture_is_not_a_claim() {
        for furniture in [
            "9:05 p.m. ET",
            "Updated 9:05 p.m. ET, Jan. 5, 2019",
            "Posted on Tuesday, March 4, 2026 at 10:15 am GMT",
            "<tweet>The harbour is closed tonight</tweet>",
            "<tweet tweet-author=\" that the harbour board has closed the north berth.",
            "&lt;p&gt;The harbour board met&lt;/p&gt;",
            "— Mara Ostrel (@mostrel) March 4, 2026",
            "By Ana Ruiz and Tom Hale, Staff Writers",
            "Reporting by Ana Ruiz; Editing by Tom Hale",
            "Read more: the harbour board's full statement",
            "Copyright 2026 The Eastport Echo. All rights reserved.",
            "Photo: harbour cranes at dawn",
        ] {
            assert!(!is_claim(furniture), "{furniture}");
        }
    }

    #[test]
    fn claims_are_claims() {
        for claim in [
            "The harbour board voted on Tuesday to close the north berth.",
            "By Tuesday evening, crews had cleared the flooded quay.",
            "Ferry crews walked off the job at 9 a.m. over rosters.",
            "The mayor resigned.",
            "Turnout was <40% in the north ward, officials said.",
            "Officials said 40 people were hurt in the blast on March 4.",
        ] {
            assert!(is_claim(claim), "{claim}");
        }
    }
}
