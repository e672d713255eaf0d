//! Single-pass clustering of a document stream into events.
//!
//! # Model
//! Each cluster is a multinomial over terms (a Dirichlet-multinomial mixture,
//! the model family of GSDMM and MStream). A new document goes to the cluster
//! that maximises
//!
//! ```text
//! prior(z) × Π_w Π_{j<c_w} (n_z,w + β + j) / Π_{i<N_d} (n_z + Vβ + i)
//! ```
//!
//! or founds a new cluster, whose prior is `α × live documents` and whose
//! counts are all zero. Choosing the maximum instead of sampling keeps the
//! result reproducible. `prior(z)` is the cluster's size, discounted by the
//! time since its last document when dates are known.
//!
//! # Bounded cost per document
//! * Candidates come from an inverted index over the live clusters' terms,
//!   ranked by IDF overlap; only the best `max_candidates` are scored. A
//!   cluster that shares no term with a document essentially never beats a
//!   new cluster under this model, so nothing is lost by not scoring it.
//! * Cluster term counts are pruned to the `max_cluster_terms` heaviest.
//! * Clusters idle for too long (days when dated, documents otherwise) are
//!   retired from the index: they keep their members but take no new ones.
//! * Long documents are cut to their `max_doc_terms` best terms by TF-IDF,
//!   with document frequencies updated as the stream goes.
//!
//! # Second pass
//! A greedy single pass depends on arrival order: the first documents of an
//! event may scatter before the event's vocabulary settles. Every
//! `refine_stride` documents the clusterer revisits the last `refine_window`
//! documents, taking each out of its cluster and placing it again (a
//! deterministic version of a Gibbs sweep). [`StreamClusterer::flush`] does
//! the same for the tail of a stream. Assignments returned by
//! [`StreamClusterer::push`] are therefore provisional; [`StreamClusterer::labels`]
//! gives the current ones.

use crate::doc::ClusterDoc;
use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::sync::Arc;

/// Identifier of a cluster; stable for the clusterer's lifetime.
pub type ClusterId = u32;

/// Hyper-parameters. The defaults were chosen on MStream's News data (see
/// the crate documentation for the figures).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    /// Weight of "start a new cluster", per live document (MStream's α).
    pub alpha: f64,
    /// Smoothing pseudo-count per vocabulary term (MStream's β). Smaller
    /// values make clusters stricter about shared vocabulary.
    pub beta: f64,
    /// How many times a headline term counts, relative to a body term.
    pub title_weight: u32,
    /// How many times an entity counts, relative to a body term.
    pub entity_weight: u32,
    /// Saturation: a term repeated more often than this counts this often.
    pub max_term_count: u32,
    /// A document keeps at most this many distinct terms (best by TF-IDF).
    pub max_doc_terms: usize,
    /// A cluster keeps counts for at most this many terms (its heaviest).
    pub max_cluster_terms: usize,
    /// At most this many candidate clusters are scored per document.
    pub max_candidates: usize,
    /// Terms whose posting list is longer than this are not used to find
    /// candidates (they still count when scoring); bounds the cost of very
    /// common terms.
    pub max_posting_scan: usize,
    /// How many recent documents the second pass revisits.
    pub refine_window: usize,
    /// Run the second pass after this many new documents (0 disables it).
    pub refine_stride: usize,
    /// Sweeps per second pass; a sweep stops early once nothing moves.
    pub refine_sweeps: usize,
    /// After each second pass, merge pairs of recently active clusters when
    /// the mixture model prefers one cluster to two (a Bayes factor above 1).
    /// Repairs events that split early in the stream.
    pub merge: bool,
    /// Time constant, in days, of the decay of a cluster's prior after its
    /// last document (dated documents only). `None` disables decay.
    pub decay_days: Option<f64>,
    /// A cluster whose newest document is older than this many days before
    /// the newest date seen is retired (dated streams).
    pub max_idle_days: i64,
    /// A dated document does not join an event that began more than this
    /// many days before it: long-running stories become a chain of events,
    /// which [`crate::arcs`] links back into one arc.
    pub max_event_span_days: i64,
    /// A cluster that received no document for this many arrivals is retired
    /// (applies to all streams; keeps the live set bounded when undated).
    pub max_idle_docs: u64,
    /// Every this many documents, forget terms seen in only one document
    /// that no live cluster, retired summary or window document uses, so the
    /// vocabulary does not grow without bound (0 disables).
    pub rare_term_sweep: usize,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            alpha: 0.1,
            beta: 0.07,
            title_weight: 2,
            entity_weight: 2,
            max_term_count: 5,
            max_doc_terms: 48,
            max_cluster_terms: 400,
            max_candidates: 48,
            max_posting_scan: 4096,
            refine_window: 4000,
            refine_stride: 1000,
            refine_sweeps: 3,
            merge: true,
            decay_days: Some(3.0),
            max_idle_days: 21,
            max_event_span_days: 14,
            max_idle_docs: 50_000,
            rare_term_sweep: 20_000,
        }
    }
}

impl ClusterConfig {
    /// Checks settings that would make the model degenerate (a zero or
    /// non-finite `alpha`/`beta` turns scores into infinities). Call it on
    /// settings that come from users before building a clusterer.
    pub fn validate(&self) -> Result<(), String> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a positive number, got {v}"))
            }
        };
        positive("alpha", self.alpha)?;
        positive("beta", self.beta)?;
        if let Some(tau) = self.decay_days {
            positive("decay_days", tau)?;
        }
        if self.max_idle_days < 0 || self.max_event_span_days < 0 {
            return Err("day limits must not be negative".to_owned());
        }
        if self.refine_stride > 0 && self.refine_window < self.refine_stride {
            return Err(format!(
                "refine_window ({}) must be at least refine_stride ({})",
                self.refine_window, self.refine_stride
            ));
        }
        Ok(())
    }
}

/// A document's comparable content: sparse term counts.
#[derive(Debug, Clone, Default)]
struct Features {
    terms: Vec<(u32, u32)>,
    len: u32,
}

#[derive(Debug, Clone, Default)]
struct Cluster {
    counts: FxHashMap<u32, u32>,
    /// Sum of all term counts ever added and not removed, pruned ones included.
    total: u64,
    docs: u32,
    first_date: Option<NaiveDate>,
    last_date: Option<NaiveDate>,
    last_seq: u64,
    retired: bool,
    /// Set when this cluster was merged into another; its documents belong there.
    merged_into: Option<ClusterId>,
    /// Heaviest terms with their counts, kept when the counts are dropped
    /// on retirement (for summaries and story arcs).
    retired_top: Vec<(u32, u32)>,
}

/// Interned terms with incremental document frequencies. Each string is
/// stored once, shared by the lookup table and the id-indexed list; ids of
/// forgotten terms are reused.
#[derive(Debug, Default)]
struct Vocabulary {
    ids: FxHashMap<Arc<str>, u32>,
    terms: Vec<Option<Arc<str>>>,
    doc_freq: Vec<u32>,
    free: Vec<u32>,
    docs: u64,
    /// Distinct terms ever interned: the model's vocabulary size V, which
    /// forgetting rare terms does not shrink.
    distinct_seen: u64,
}

impl Vocabulary {
    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let text: Arc<str> = Arc::from(term);
        let id = match self.free.pop() {
            Some(id) => {
                self.terms[id as usize] = Some(text.clone());
                self.doc_freq[id as usize] = 0;
                id
            }
            None => {
                self.terms.push(Some(text.clone()));
                self.doc_freq.push(0);
                (self.terms.len() - 1) as u32
            }
        };
        self.ids.insert(text, id);
        self.distinct_seen += 1;
        id
    }

    fn text(&self, id: u32) -> Option<&str> {
        self.terms.get(id as usize)?.as_deref()
    }

    fn forget(&mut self, id: u32) {
        if let Some(text) = self.terms.get_mut(id as usize).and_then(Option::take) {
            self.ids.remove(&*text);
            self.doc_freq[id as usize] = 0;
            self.free.push(id);
        }
    }

    fn idf(&self, term: u32) -> f64 {
        let df = self.doc_freq.get(term as usize).copied().unwrap_or(0) as f64;
        ((self.docs as f64 + 1.0) / (df + 1.0)).ln() + 1.0
    }
}

#[derive(Debug)]
struct WindowDoc {
    index: usize,
    features: Features,
    date: Option<NaiveDate>,
}

/// Where [`StreamClusterer::push`] placed a document (provisionally).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// Position of the document in arrival order.
    pub index: usize,
    pub cluster: ClusterId,
    /// True when the document founded the cluster.
    pub founded: bool,
}

/// Approximate heap bytes of a clusterer's state, by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateSize {
    /// Term counts of clusters (pruned; dropped when a cluster retires).
    pub clusters: usize,
    /// Inverted index from terms to live clusters.
    pub index: usize,
    /// Interned terms and their document frequencies (grows with the corpus).
    pub vocabulary: usize,
    /// Features of the documents the second pass may revisit (bounded).
    pub window: usize,
    /// Per-document label and id (the only part that grows per document forever).
    pub documents: usize,
}

impl StateSize {
    pub fn total(&self) -> usize {
        self.clusters + self.index + self.vocabulary + self.window + self.documents
    }
}

/// A cluster as reported to callers.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterSummary {
    pub id: ClusterId,
    /// Arrival indices of the member documents.
    pub members: Vec<usize>,
    /// The cluster's heaviest terms, heaviest first (entities without marker).
    pub top_terms: Vec<String>,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    /// False once the cluster has aged out and accepts no new documents.
    pub live: bool,
}

/// Terms a retired cluster keeps for its summary and its story-arc signature.
const RETIRED_TERMS: usize = 32;

/// A cluster's term profile for linking events into story arcs.
#[derive(Debug, Clone)]
pub(crate) struct Signature {
    pub id: ClusterId,
    pub docs: u32,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    /// TF-IDF weights of the heaviest terms, L2-normalised, sorted by term.
    pub terms: Vec<(u32, f64)>,
}

/// Marks entity features so that an entity never collides with a word.
const ENTITY_MARK: char = '\u{1}';

/// The streaming clusterer. Feed documents with [`push`](Self::push) in
/// arrival order; read results with [`labels`](Self::labels) and
/// [`clusters`](Self::clusters) after [`flush`](Self::flush).
#[derive(Debug)]
pub struct StreamClusterer {
    config: ClusterConfig,
    vocab: Vocabulary,
    clusters: Vec<Cluster>,
    /// term → live clusters holding a count for it.
    postings: FxHashMap<u32, Vec<ClusterId>>,
    live: Vec<ClusterId>,
    live_docs: u64,
    doc_ids: Vec<String>,
    labels: Vec<ClusterId>,
    window: VecDeque<WindowDoc>,
    since_refine: usize,
    newest_date: Option<NaiveDate>,
    overlap_scratch: Vec<f64>,
    touched_scratch: Vec<ClusterId>,
}

enum Choice {
    Existing(ClusterId),
    New,
}

impl StreamClusterer {
    pub fn new(config: ClusterConfig) -> Self {
        StreamClusterer {
            config,
            vocab: Vocabulary::default(),
            clusters: Vec::new(),
            postings: FxHashMap::default(),
            live: Vec::new(),
            live_docs: 0,
            doc_ids: Vec::new(),
            labels: Vec::new(),
            window: VecDeque::new(),
            since_refine: 0,
            newest_date: None,
            overlap_scratch: Vec::new(),
            touched_scratch: Vec::new(),
        }
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Number of documents seen.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Clusters currently accepting documents.
    pub fn live_clusters(&self) -> usize {
        self.live.len()
    }

    /// Current cluster of every document, by arrival index.
    pub fn labels(&self) -> Vec<ClusterId> {
        self.labels.iter().map(|&l| self.resolve(l)).collect()
    }

    /// Current cluster of the document at `index`.
    pub fn label(&self, index: usize) -> Option<ClusterId> {
        self.labels.get(index).map(|&l| self.resolve(l))
    }

    /// Follows merges to the cluster that now holds a document.
    fn resolve(&self, mut id: ClusterId) -> ClusterId {
        while let Some(next) = self.clusters[id as usize].merged_into {
            id = next;
        }
        id
    }

    /// Approximate heap bytes held by the clusterer's state: live cluster
    /// counts, the inverted index, the vocabulary with its document
    /// frequencies, the second-pass window, and per-document labels and ids.
    /// Hash-table overhead is estimated, not measured.
    pub fn state_size(&self) -> StateSize {
        use std::mem::size_of;
        // A hash-map slot: key, value and one control byte.
        let slot = |key: usize, value: usize| key + value + 1;
        let clusters: usize = self
            .clusters
            .iter()
            .map(|c| {
                size_of::<Cluster>()
                    + c.counts.capacity() * slot(4, 4)
                    + c.retired_top.capacity() * 8
            })
            .sum();
        let index: usize = self
            .postings
            .values()
            .map(|p| slot(4, size_of::<Vec<ClusterId>>()) + p.capacity() * 4)
            .sum::<usize>()
            + self.live.capacity() * 4;
        let vocabulary: usize = self
            .vocab
            .terms
            .iter()
            .map(|t| {
                // Slot in the list, document frequency, and for a live term
                // its shared string (with reference counts) and table slot.
                size_of::<Option<Arc<str>>>()
                    + 4
                    + t.as_ref()
                        .map_or(0, |t| t.len() + 16 + slot(size_of::<Arc<str>>(), 4))
            })
            .sum();
        let window: usize = self
            .window
            .iter()
            .map(|d| size_of::<WindowDoc>() + d.features.terms.capacity() * 8)
            .sum();
        let docs: usize = self
            .doc_ids
            .iter()
            .map(|id| size_of::<String>() + id.capacity() + size_of::<ClusterId>())
            .sum();
        StateSize {
            clusters,
            index,
            vocabulary,
            window,
            documents: docs,
        }
    }

    /// Term profiles of every non-empty cluster (live or retired).
    pub(crate) fn signatures(&self, max_terms: usize) -> Vec<Signature> {
        let mut out = Vec::new();
        for (id, cluster) in self.clusters.iter().enumerate() {
            if cluster.docs == 0 || cluster.merged_into.is_some() {
                continue;
            }
            let top = if cluster.retired {
                cluster.retired_top.clone()
            } else {
                heaviest_with_counts(&cluster.counts, RETIRED_TERMS)
            };
            let mut terms: Vec<(u32, f64)> = top
                .into_iter()
                .map(|(t, c)| (t, c as f64 * self.vocab.idf(t)))
                .collect();
            terms.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            terms.truncate(max_terms.max(1));
            let norm = terms.iter().map(|&(_, w)| w * w).sum::<f64>().sqrt();
            if norm <= 0.0 {
                continue;
            }
            for term in &mut terms {
                term.1 /= norm;
            }
            terms.sort_unstable_by_key(|&(t, _)| t);
            out.push(Signature {
                id: id as ClusterId,
                docs: cluster.docs,
                first_date: cluster.first_date,
                last_date: cluster.last_date,
                terms,
            });
        }
        out
    }

    /// The text of an interned term (entities without their marker).
    pub(crate) fn term_text(&self, term: u32) -> Option<&str> {
        self.vocab
            .text(term)
            .map(|t| t.trim_start_matches(ENTITY_MARK))
    }

    /// The caller's id of the document at `index`.
    pub fn doc_id(&self, index: usize) -> Option<&str> {
        self.doc_ids.get(index).map(String::as_str)
    }

    /// Adds one document and returns its provisional cluster.
    ///
    /// A document with no terms or entities cannot be compared with anything
    /// and founds a singleton cluster.
    pub fn push(&mut self, doc: &ClusterDoc) -> Assignment {
        let index = self.labels.len();
        let features = self.featurize(doc);
        if let Some(date) = doc.date {
            self.newest_date = Some(self.newest_date.map_or(date, |d| d.max(date)));
        }
        let (cluster, founded) = match self.choose(&features, doc.date) {
            Choice::Existing(id) => (id, false),
            Choice::New => (self.new_cluster(), true),
        };
        self.add(cluster, &features, doc.date, index as u64);
        self.doc_ids.push(doc.id.clone());
        self.labels.push(cluster);

        if self.config.refine_stride > 0 && self.config.refine_window > 0 {
            self.window.push_back(WindowDoc {
                index,
                features,
                date: doc.date,
            });
            while self.window.len() > self.config.refine_window {
                self.window.pop_front();
            }
            self.since_refine += 1;
            // Scheduled by absolute position, so that flushing between
            // batches does not shift the schedule of later passes.
            if (index + 1).is_multiple_of(self.config.refine_stride) {
                self.refine(self.window.len());
            }
        }
        if index % 1024 == 1023 {
            self.retire_idle();
        }
        let sweep = self.config.rare_term_sweep;
        if sweep > 0 && (index + 1).is_multiple_of(sweep) {
            self.forget_rare_terms();
        }
        Assignment {
            index,
            cluster: self.resolve(self.labels[index]),
            founded,
        }
    }

    /// Runs the second pass over the documents that arrived since the last
    /// one. Call at the end of a stream (or of a batch) so that the last
    /// documents get revisited too. Only that tail is revisited, so a flush
    /// between batches changes little of what later passes see.
    pub fn flush(&mut self) {
        if self.since_refine > 0 {
            self.refine(self.since_refine);
        }
    }

    /// All non-empty clusters, largest first.
    pub fn clusters(&self) -> Vec<ClusterSummary> {
        let mut members: FxHashMap<ClusterId, Vec<usize>> = FxHashMap::default();
        for (index, label) in self.labels().into_iter().enumerate() {
            members.entry(label).or_default().push(index);
        }
        let mut out: Vec<ClusterSummary> = members
            .into_iter()
            .map(|(id, members)| {
                let cluster = &self.clusters[id as usize];
                ClusterSummary {
                    id,
                    members,
                    top_terms: self.top_terms(cluster, 10),
                    first_date: cluster.first_date,
                    last_date: cluster.last_date,
                    live: !cluster.retired,
                }
            })
            .collect();
        out.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.id.cmp(&b.id)));
        out
    }

    fn top_terms(&self, cluster: &Cluster, k: usize) -> Vec<String> {
        let ids: Vec<u32> = if cluster.retired {
            cluster
                .retired_top
                .iter()
                .take(k)
                .map(|&(t, _)| t)
                .collect()
        } else {
            heaviest(&cluster.counts, k)
        };
        ids.into_iter()
            .filter_map(|t| self.vocab.text(t))
            .map(|t| t.trim_start_matches(ENTITY_MARK).to_owned())
            .collect()
    }

    fn featurize(&mut self, doc: &ClusterDoc) -> Features {
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        for term in &doc.title {
            let id = self.vocab.intern(term);
            *counts.entry(id).or_insert(0) += self.config.title_weight.max(1);
        }
        for term in &doc.body {
            let id = self.vocab.intern(term);
            *counts.entry(id).or_insert(0) += 1;
        }
        let mut marked = String::new();
        for entity in &doc.entities {
            marked.clear();
            marked.push(ENTITY_MARK);
            marked.push_str(entity);
            let id = self.vocab.intern(&marked);
            *counts.entry(id).or_insert(0) += self.config.entity_weight.max(1);
        }
        self.vocab.docs += 1;
        for &id in counts.keys() {
            self.vocab.doc_freq[id as usize] += 1;
        }
        let cap = self.config.max_term_count.max(1);
        let mut terms: Vec<(u32, u32)> = counts.into_iter().map(|(t, c)| (t, c.min(cap))).collect();
        if terms.len() > self.config.max_doc_terms.max(1) {
            let vocab = &self.vocab;
            terms.sort_by(|a, b| {
                let wa = a.1 as f64 * vocab.idf(a.0);
                let wb = b.1 as f64 * vocab.idf(b.0);
                wb.total_cmp(&wa).then(a.0.cmp(&b.0))
            });
            terms.truncate(self.config.max_doc_terms.max(1));
        }
        terms.sort_unstable();
        terms.shrink_to_fit();
        let len = terms.iter().map(|&(_, c)| c).sum();
        Features { terms, len }
    }

    /// Best cluster for `features`, or a new one.
    fn choose(&mut self, features: &Features, date: Option<NaiveDate>) -> Choice {
        if features.terms.is_empty() {
            return Choice::New;
        }
        let candidates = self.candidates(features, date);
        let vbeta = self.vocab.distinct_seen as f64 * self.config.beta;
        let new_weight = self.config.alpha * (self.live_docs.max(1) as f64);
        let mut best = Choice::New;
        let mut best_score = new_weight.ln() + self.log_likelihood(None, features, vbeta);
        for id in candidates {
            let cluster = &self.clusters[id as usize];
            let score =
                self.log_prior(cluster, date) + self.log_likelihood(Some(cluster), features, vbeta);
            if score > best_score {
                best_score = score;
                best = Choice::Existing(id);
            }
        }
        best
    }

    fn log_prior(&self, cluster: &Cluster, date: Option<NaiveDate>) -> f64 {
        let mut mass = cluster.docs as f64;
        if let (Some(tau), Some(date), Some(last)) =
            (self.config.decay_days, date, cluster.last_date)
        {
            let gap = (date - last).num_days().max(0) as f64;
            if tau > 0.0 {
                mass *= (-gap / tau).exp();
            }
        }
        mass.max(f64::MIN_POSITIVE).ln()
    }

    /// Log of the Dirichlet-multinomial predictive probability of the
    /// document's terms under `cluster` (an empty cluster when `None`).
    fn log_likelihood(&self, cluster: Option<&Cluster>, features: &Features, vbeta: f64) -> f64 {
        let beta = self.config.beta;
        let mut score = 0.0;
        for &(term, count) in &features.terms {
            let n = cluster
                .and_then(|c| c.counts.get(&term))
                .copied()
                .unwrap_or(0) as f64;
            for j in 0..count {
                score += (n + beta + j as f64).ln();
            }
        }
        let total = cluster.map_or(0, |c| c.total) as f64;
        for i in 0..features.len {
            score -= (total + vbeta + i as f64).ln();
        }
        score
    }

    /// Live clusters sharing terms with the document, best IDF overlap first.
    fn candidates(&mut self, features: &Features, date: Option<NaiveDate>) -> Vec<ClusterId> {
        if self.overlap_scratch.len() < self.clusters.len() {
            self.overlap_scratch.resize(self.clusters.len(), 0.0);
        }
        let mut touched = std::mem::take(&mut self.touched_scratch);
        touched.clear();
        for &(term, count) in &features.terms {
            let Some(posting) = self.postings.get(&term) else {
                continue;
            };
            if posting.len() > self.config.max_posting_scan {
                continue;
            }
            let weight = self.vocab.idf(term) * count as f64;
            for &id in posting {
                let slot = &mut self.overlap_scratch[id as usize];
                if *slot == 0.0 {
                    touched.push(id);
                }
                *slot += weight;
            }
        }
        let mut scored: Vec<(ClusterId, f64)> = touched
            .iter()
            .map(|&id| (id, std::mem::take(&mut self.overlap_scratch[id as usize])))
            .collect();
        if let Some(date) = date {
            scored.retain(|&(id, _)| self.fits_in_time(&self.clusters[id as usize], date, date));
        }
        scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(self.config.max_candidates.max(1));
        let out = scored.into_iter().map(|(id, _)| id).collect();
        self.touched_scratch = touched;
        out
    }

    /// Whether material dated `first..=last` may join `cluster`: the cluster
    /// has not gone idle for too long before it, and the joined event would
    /// not span more than `max_event_span_days`.
    fn fits_in_time(&self, cluster: &Cluster, first: NaiveDate, last: NaiveDate) -> bool {
        let (Some(c_first), Some(c_last)) = (cluster.first_date, cluster.last_date) else {
            return true;
        };
        let gap = if first > c_last {
            (first - c_last).num_days()
        } else if c_first > last {
            (c_first - last).num_days()
        } else {
            0
        };
        let span = (c_last.max(last) - c_first.min(first)).num_days();
        gap <= self.config.max_idle_days && span <= self.config.max_event_span_days
    }

    fn new_cluster(&mut self) -> ClusterId {
        let id = self.clusters.len() as ClusterId;
        self.clusters.push(Cluster::default());
        self.live.push(id);
        self.overlap_scratch.push(0.0);
        id
    }

    fn add(&mut self, id: ClusterId, features: &Features, date: Option<NaiveDate>, seq: u64) {
        let max_terms = self.config.max_cluster_terms.max(1);
        let cluster = &mut self.clusters[id as usize];
        if cluster.docs == 0 && cluster.retired {
            // Revived after emptying during a second pass; it is live again.
            cluster.retired = false;
            self.live.push(id);
        }
        for &(term, count) in &features.terms {
            let slot = cluster.counts.entry(term).or_insert(0);
            if *slot == 0 {
                self.postings.entry(term).or_default().push(id);
            }
            *slot += count;
        }
        cluster.total += features.len as u64;
        cluster.docs += 1;
        if let Some(date) = date {
            cluster.first_date = Some(cluster.first_date.map_or(date, |d| d.min(date)));
            cluster.last_date = Some(cluster.last_date.map_or(date, |d| d.max(date)));
        }
        cluster.last_seq = cluster.last_seq.max(seq);
        self.live_docs += 1;
        if cluster.counts.len() > 2 * max_terms {
            let keep: rustc_hash::FxHashSet<u32> =
                heaviest(&cluster.counts, max_terms).into_iter().collect();
            let dropped: Vec<u32> = cluster
                .counts
                .keys()
                .filter(|t| !keep.contains(t))
                .copied()
                .collect();
            for term in dropped {
                cluster.counts.remove(&term);
                remove_posting(&mut self.postings, term, id);
            }
        }
    }

    fn remove(&mut self, id: ClusterId, features: &Features) {
        let cluster = &mut self.clusters[id as usize];
        for &(term, count) in &features.terms {
            if let Some(slot) = cluster.counts.get_mut(&term) {
                *slot = slot.saturating_sub(count);
                if *slot == 0 {
                    cluster.counts.remove(&term);
                    remove_posting(&mut self.postings, term, id);
                }
            }
        }
        cluster.total = cluster.total.saturating_sub(features.len as u64);
        cluster.docs = cluster.docs.saturating_sub(1);
        self.live_docs = self.live_docs.saturating_sub(1);
        if cluster.docs == 0 {
            for term in cluster.counts.drain().map(|(t, _)| t) {
                remove_posting(&mut self.postings, term, id);
            }
            cluster.total = 0;
            // Out of the live list until something is added again.
            cluster.retired = true;
            cluster.retired_top.clear();
            self.live.retain(|&c| c != id);
        }
    }

    /// The second pass: revisit the last `span` documents of the window in
    /// arrival order.
    fn refine(&mut self, span: usize) {
        self.since_refine = 0;
        let window = std::mem::take(&mut self.window);
        let skip = window.len().saturating_sub(span);
        for _ in 0..self.config.refine_sweeps {
            let mut moved = 0usize;
            for doc in window.iter().skip(skip) {
                let current = self.labels[doc.index];
                let cluster = &self.clusters[current as usize];
                if cluster.retired {
                    continue;
                }
                self.remove(current, &doc.features);
                let target = match self.choose(&doc.features, doc.date) {
                    Choice::Existing(id) => id,
                    // Founding anew from a cluster it just emptied: stay put.
                    Choice::New if self.clusters[current as usize].docs == 0 => current,
                    Choice::New => self.new_cluster(),
                };
                self.add(target, &doc.features, doc.date, doc.index as u64);
                if target != current {
                    self.labels[doc.index] = target;
                    moved += 1;
                }
            }
            if moved == 0 {
                break;
            }
        }
        self.window = window;
        if self.config.merge {
            self.merge_recent();
        }
    }

    /// Merges recently active clusters into a neighbour when the model's
    /// Bayes factor favours the merge. Only clusters touched by the window
    /// are examined, so the cost stays bounded.
    fn merge_recent(&mut self) {
        let window_start = match self.window.front() {
            Some(d) => d.index as u64,
            None => return,
        };
        let mut recent: Vec<ClusterId> = self
            .live
            .iter()
            .copied()
            .filter(|&id| self.clusters[id as usize].last_seq >= window_start)
            .collect();
        // Small clusters first: they are the likely fragments.
        recent.sort_by_key(|&id| (self.clusters[id as usize].docs, id));
        let vbeta = self.vocab.distinct_seen as f64 * self.config.beta;
        let concentration = self.config.alpha * (self.live_docs.max(1) as f64);
        for id in recent {
            let cluster = &self.clusters[id as usize];
            if cluster.docs == 0 || cluster.retired {
                continue;
            }
            let probe = Features {
                terms: heaviest(&cluster.counts, 24)
                    .into_iter()
                    .map(|t| (t, 1))
                    .collect(),
                len: 0,
            };
            let date = cluster.last_date;
            let mut best: Option<(ClusterId, f64)> = None;
            for other in self.candidates(&probe, date).into_iter().take(8) {
                if other == id {
                    continue;
                }
                let (me, them) = (&self.clusters[id as usize], &self.clusters[other as usize]);
                if let (Some(first), Some(last)) = (me.first_date, me.last_date) {
                    if !self.fits_in_time(them, first, last) {
                        continue;
                    }
                }
                let gain = self.merge_gain(id, other, vbeta, concentration);
                if gain > 0.0 && best.is_none_or(|(_, g)| gain > g) {
                    best = Some((other, gain));
                }
            }
            if let Some((other, _)) = best {
                let (keep, gone) =
                    if self.clusters[other as usize].docs >= self.clusters[id as usize].docs {
                        (other, id)
                    } else {
                        (id, other)
                    };
                self.absorb(keep, gone);
            }
        }
    }

    /// Log Bayes factor of one cluster over two, under the Dirichlet-
    /// multinomial likelihood and a Chinese-restaurant prior.
    fn merge_gain(&self, a: ClusterId, b: ClusterId, vbeta: f64, concentration: f64) -> f64 {
        let beta = self.config.beta;
        let (ca, cb) = (&self.clusters[a as usize], &self.clusters[b as usize]);
        let (small, large) = if ca.counts.len() <= cb.counts.len() {
            (ca, cb)
        } else {
            (cb, ca)
        };
        let mut gain = 0.0;
        for (term, &x) in &small.counts {
            if let Some(&y) = large.counts.get(term) {
                let (x, y) = (x as f64, y as f64);
                gain += ln_gamma(x + y + beta) - ln_gamma(x + beta) - ln_gamma(y + beta)
                    + ln_gamma(beta);
            }
        }
        let (na, nb) = (ca.total as f64, cb.total as f64);
        gain += ln_gamma(na + vbeta) + ln_gamma(nb + vbeta)
            - ln_gamma(na + nb + vbeta)
            - ln_gamma(vbeta);
        let (ma, mb) = (ca.docs as f64, cb.docs as f64);
        gain += ln_gamma(ma + mb) - ln_gamma(ma) - ln_gamma(mb) - concentration.ln();
        gain
    }

    /// Moves everything of cluster `gone` into `keep`.
    fn absorb(&mut self, keep: ClusterId, gone: ClusterId) {
        let source = std::mem::take(&mut self.clusters[gone as usize]);
        for &term in source.counts.keys() {
            remove_posting(&mut self.postings, term, gone);
        }
        let max_terms = self.config.max_cluster_terms.max(1);
        let target = &mut self.clusters[keep as usize];
        for (term, count) in source.counts {
            let slot = target.counts.entry(term).or_insert(0);
            if *slot == 0 {
                self.postings.entry(term).or_default().push(keep);
            }
            *slot += count;
        }
        target.total += source.total;
        target.docs += source.docs;
        target.first_date = min_date(target.first_date, source.first_date);
        target.last_date = max_date(target.last_date, source.last_date);
        target.last_seq = target.last_seq.max(source.last_seq);
        if target.counts.len() > 2 * max_terms {
            self.prune(keep);
        }
        let gone_cluster = &mut self.clusters[gone as usize];
        gone_cluster.retired = true;
        gone_cluster.merged_into = Some(keep);
        self.live.retain(|&c| c != gone);
        for doc in &self.window {
            if self.labels[doc.index] == gone {
                self.labels[doc.index] = keep;
            }
        }
    }

    fn prune(&mut self, id: ClusterId) {
        let max_terms = self.config.max_cluster_terms.max(1);
        let cluster = &mut self.clusters[id as usize];
        let keep: rustc_hash::FxHashSet<u32> =
            heaviest(&cluster.counts, max_terms).into_iter().collect();
        let dropped: Vec<u32> = cluster
            .counts
            .keys()
            .filter(|t| !keep.contains(t))
            .copied()
            .collect();
        for term in dropped {
            cluster.counts.remove(&term);
            remove_posting(&mut self.postings, term, id);
        }
    }

    /// Forgets terms seen in a single document that nothing still uses.
    fn forget_rare_terms(&mut self) {
        let mut used: rustc_hash::FxHashSet<u32> = self.postings.keys().copied().collect();
        for doc in &self.window {
            used.extend(doc.features.terms.iter().map(|&(t, _)| t));
        }
        for cluster in &self.clusters {
            used.extend(cluster.retired_top.iter().map(|&(t, _)| t));
            used.extend(cluster.counts.keys().copied());
        }
        for id in 0..self.vocab.terms.len() as u32 {
            if self.vocab.doc_freq[id as usize] <= 1 && !used.contains(&id) {
                self.vocab.forget(id);
            }
        }
    }

    /// Takes clusters that have been idle too long out of the live set.
    fn retire_idle(&mut self) {
        let seq = self.labels.len() as u64;
        let max_docs = self.config.max_idle_docs;
        let max_days = self.config.max_idle_days;
        let newest = self.newest_date;
        let window_start = self.window.front().map_or(usize::MAX, |d| d.index) as u64;
        let mut retire = Vec::new();
        for &id in &self.live {
            let c = &self.clusters[id as usize];
            // Clusters still touched by the second-pass window stay live.
            if c.last_seq >= window_start {
                continue;
            }
            let idle_docs = seq.saturating_sub(c.last_seq) > max_docs;
            let idle_days = match (newest, c.last_date) {
                (Some(now), Some(last)) => (now - last).num_days() > max_days,
                _ => false,
            };
            if idle_docs || idle_days {
                retire.push(id);
            }
        }
        for id in retire {
            let top = heaviest_with_counts(&self.clusters[id as usize].counts, RETIRED_TERMS);
            let cluster = &mut self.clusters[id as usize];
            for term in cluster.counts.drain().map(|(t, _)| t) {
                remove_posting(&mut self.postings, term, id);
            }
            cluster.counts = FxHashMap::default();
            cluster.retired = true;
            cluster.retired_top = top;
            self.live_docs = self.live_docs.saturating_sub(cluster.docs as u64);
            self.live.retain(|&c| c != id);
        }
    }
}

fn heaviest(counts: &FxHashMap<u32, u32>, k: usize) -> Vec<u32> {
    heaviest_with_counts(counts, k)
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

fn heaviest_with_counts(counts: &FxHashMap<u32, u32>, k: usize) -> Vec<(u32, u32)> {
    let mut pairs: Vec<(u32, u32)> = counts.iter().map(|(&t, &c)| (t, c)).collect();
    pairs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs.truncate(k);
    pairs
}

fn remove_posting(postings: &mut FxHashMap<u32, Vec<ClusterId>>, term: u32, id: ClusterId) {
    if let Some(posting) = postings.get_mut(&term) {
        if let Some(pos) = posting.iter().position(|&c| c == id) {
            posting.swap_remove(pos);
        }
        if posting.is_empty() {
            postings.remove(&term);
        }
    }
}

fn min_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// Natural log of the gamma function for positive arguments (Lanczos
/// approximation, g = 7, accurate to about 1e-13 relative).
fn ln_gamma(x: f64) -> f64 {
    const COEFFS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps small arguments (such as beta) accurate.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFS[0];
    for (i, &c) in COEFFS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod gamma_tests {
    use super::ln_gamma;

    #[test]
    fn ln_gamma_matches_known_values() {
        // Γ(1) = Γ(2) = 1, Γ(5) = 24, Γ(0.5) = √π.
        assert!(ln_gamma(1.0).abs() < 1e-12);
        assert!(ln_gamma(2.0).abs() < 1e-12);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
        assert!((ln_gamma(0.03) - 3.489_971_043).abs() < 1e-6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, text: &str) -> ClusterDoc {
        ClusterDoc::from_title_terms(id, text.split_whitespace().map(str::to_owned).collect())
    }

    fn dated(id: &str, text: &str, date: &str) -> ClusterDoc {
        let mut d = doc(id, text);
        d.date = Some(NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap());
        d
    }

    const STORM: [&str; 4] = [
        "storm florida coast power outage",
        "florida storm surge coast evacuate",
        "hurricane storm florida power",
        "storm coast florida flood warning",
    ];
    const ELECTION: [&str; 4] = [
        "senate election vote count ohio",
        "ohio senate vote recount election",
        "election ohio senate candidate concede",
        "vote count senate ohio delayed",
    ];

    #[test]
    fn separates_two_events_and_groups_their_members() {
        let mut c = StreamClusterer::new(ClusterConfig::default());
        for (i, (s, e)) in STORM.iter().zip(ELECTION.iter()).enumerate() {
            c.push(&doc(&format!("s{i}"), s));
            c.push(&doc(&format!("e{i}"), e));
        }
        c.flush();
        let labels = c.labels();
        let storm: Vec<_> = labels.iter().step_by(2).collect();
        let election: Vec<_> = labels.iter().skip(1).step_by(2).collect();
        assert!(storm.iter().all(|l| l == &storm[0]), "{labels:?}");
        assert!(election.iter().all(|l| l == &election[0]), "{labels:?}");
        assert_ne!(storm[0], election[0]);

        let clusters = c.clusters();
        assert_eq!(clusters.len(), 2);
        let covered: usize = clusters.iter().map(|k| k.members.len()).sum();
        assert_eq!(covered, 8);
        let storm_cluster = clusters.iter().find(|k| k.id == *storm[0]).unwrap();
        assert!(storm_cluster.top_terms.iter().any(|t| t == "florida"));
        assert_eq!(c.doc_id(1), Some("e0"));
    }

    #[test]
    fn empty_document_founds_its_own_cluster() {
        let mut c = StreamClusterer::new(ClusterConfig::default());
        let a = c.push(&doc("a", STORM[0]));
        let empty = c.push(&ClusterDoc::default());
        assert!(empty.founded);
        assert_ne!(a.cluster, empty.cluster);
        c.flush();
        assert_eq!(c.labels().len(), 2);
    }

    #[test]
    fn entities_count_and_are_reported_without_marker() {
        let mut c = StreamClusterer::new(ClusterConfig::default());
        for i in 0..3 {
            let mut d = doc(&i.to_string(), "talks resume");
            d.entities = vec!["Geneva".to_owned()];
            c.push(&d);
        }
        c.flush();
        let clusters = c.clusters();
        assert_eq!(clusters.len(), 1);
        assert!(clusters[0].top_terms.iter().any(|t| t == "Geneva"));
    }

    #[test]
    fn old_clusters_age_out_of_dated_streams() {
        let config = ClusterConfig {
            max_idle_days: 10,
            ..ClusterConfig::default()
        };
        let mut c = StreamClusterer::new(config);
        let first = c.push(&dated("a", STORM[0], "2024-01-01"));
        c.push(&dated("b", STORM[1], "2024-01-02"));
        // Same vocabulary two months later: a new event, not the old one.
        let later = c.push(&dated("c", STORM[2], "2024-03-01"));
        assert!(later.founded);
        assert_ne!(first.cluster, later.cluster);
        // Within the window, the same story still joins.
        let next = c.push(&dated(
            "d",
            "hurricane storm florida power outage",
            "2024-03-02",
        ));
        assert_eq!(next.cluster, later.cluster);
    }

    #[test]
    fn events_have_a_bounded_span() {
        let mut c = StreamClusterer::new(ClusterConfig::default());
        let first = c.push(&dated("a", STORM[0], "2024-01-01"));
        let mut last = first;
        // One document every 5 days keeps the cluster from idling out, but
        // the event may not stretch beyond 14 days from its start.
        for (i, day) in ["06", "11", "16"].iter().enumerate() {
            last = c.push(&dated(
                &format!("d{i}"),
                STORM[0],
                &format!("2024-01-{day}"),
            ));
        }
        assert_ne!(first.cluster, last.cluster);
        assert_eq!(c.label(1), Some(first.cluster));
    }

    #[test]
    fn long_documents_are_cut_to_their_best_terms() {
        let config = ClusterConfig {
            max_doc_terms: 8,
            ..ClusterConfig::default()
        };
        let mut c = StreamClusterer::new(config);
        let body: Vec<String> = (0..500).map(|i| format!("w{i}")).collect();
        let long = ClusterDoc {
            id: "long".into(),
            body,
            ..ClusterDoc::default()
        };
        c.push(&long);
        c.flush();
        assert!(c.clusters[c.labels()[0] as usize].counts.len() <= 8);
    }

    #[test]
    fn rare_terms_are_forgotten_and_ids_reused() {
        let config = ClusterConfig {
            rare_term_sweep: 50,
            refine_window: 10,
            refine_stride: 5,
            max_cluster_terms: 6,
            ..ClusterConfig::default()
        };
        let mut c = StreamClusterer::new(config);
        for i in 0..100 {
            let text = if i % 2 == 0 {
                STORM[i % 4]
            } else {
                ELECTION[i % 4]
            };
            // One-off words: seen once and pruned from their cluster's
            // counts, so once out of the window they can be forgotten.
            c.push(&doc(&i.to_string(), &format!("{text} once{i}")));
        }
        let live_terms = c.vocab.ids.len();
        assert!(live_terms < c.vocab.distinct_seen as usize, "{live_terms}");
        assert!(!c.vocab.free.is_empty());
        // Everything still referenced resolves to its text.
        for cluster in &c.clusters {
            for term in cluster.counts.keys() {
                assert!(c.vocab.text(*term).is_some());
            }
        }
        // A reused id carries the new term, and clustering goes on.
        let reused = *c.vocab.free.last().unwrap();
        let a = c.push(&doc("new", "storm florida coast brandnewterm"));
        assert_eq!(c.vocab.text(reused), Some("brandnewterm"));
        c.flush();
        assert_eq!(c.label(100), Some(c.resolve(a.cluster)));
        let storm_label = c.label(0).unwrap();
        assert_eq!(c.label(100), Some(storm_label));
    }

    #[test]
    fn degenerate_settings_are_rejected() {
        assert!(ClusterConfig::default().validate().is_ok());
        let bad = [
            ClusterConfig {
                alpha: 0.0,
                ..ClusterConfig::default()
            },
            ClusterConfig {
                beta: f64::NAN,
                ..ClusterConfig::default()
            },
            ClusterConfig {
                decay_days: Some(-1.0),
                ..ClusterConfig::default()
            },
            ClusterConfig {
                max_event_span_days: -3,
                ..ClusterConfig::default()
            },
            ClusterConfig {
                refine_window: 10,
                refine_stride: 100,
                ..ClusterConfig::default()
            },
        ];
        for config in bad {
            assert!(config.validate().is_err(), "{config:?}");
        }
    }

    #[test]
    fn flush_twice_changes_nothing() {
        let mut c = StreamClusterer::new(ClusterConfig::default());
        for (i, text) in STORM.iter().chain(ELECTION.iter()).enumerate() {
            c.push(&doc(&i.to_string(), text));
        }
        c.flush();
        let once = c.labels();
        c.flush();
        assert_eq!(once, c.labels());
    }

    #[test]
    fn cluster_term_counts_stay_pruned() {
        let config = ClusterConfig {
            max_cluster_terms: 16,
            ..ClusterConfig::default()
        };
        let mut c = StreamClusterer::new(config);
        for i in 0..200 {
            // Shared core plus a unique tail term per document.
            c.push(&doc(
                &i.to_string(),
                &format!("storm florida coast power t{i}"),
            ));
        }
        c.flush();
        for cluster in &c.clusters {
            assert!(cluster.counts.len() <= 32, "{}", cluster.counts.len());
        }
        // Posting lists only name clusters that still hold the term.
        for (term, posting) in &c.postings {
            assert!(!posting.is_empty());
            for &id in posting {
                assert!(c.clusters[id as usize].counts.contains_key(term));
            }
        }
    }
}
