//! Weights, Viterbi decoding and the compact on-disk format.
//!
//! On disk (inside gzip): a magic string, transition scores as `f32`, then
//! the emission weights as sparse rows of `i16` (one global scale), keyed by
//! delta-encoded sorted feature hashes, then the gazetteer and word clusters.
//! Quantising to `i16` and dropping near-zero weights keeps the shipped file
//! small enough to embed with `include_bytes!`.

use super::features::{
    local_features, stacked_of, Clusters, DocTokens, Gazetteer, HashKeyMap, LocalFeatures,
    Resources, SentFeatures,
};
use super::tags::{end_allowed, start_allowed, N_TAGS};
use crate::NerError;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{Read, Write};

const MAGIC: &[u8; 8] = b"PXNER\x00\x03\x00";

/// One linear model: emission weights per feature, transition scores.
#[derive(Clone, Default)]
pub(crate) struct Weights {
    pub index: HashKeyMap<u32>,
    /// Row `r` holds the scores of the feature for every tag:
    /// `rows[r * N_TAGS..(r + 1) * N_TAGS]`.
    pub rows: Vec<f32>,
    /// `trans[prev * N_TAGS + next]`
    pub trans: Vec<f32>,
    pub start: Vec<f32>,
    pub end: Vec<f32>,
}

impl Weights {
    pub fn emissions(&self, sf: &SentFeatures) -> Vec<[f32; N_TAGS]> {
        let mut out = vec![[0f32; N_TAGS]; sf.len()];
        for (i, scores) in out.iter_mut().enumerate() {
            for h in sf.token(i) {
                if let Some(&r) = self.index.get(h) {
                    let row = &self.rows[r as usize * N_TAGS..(r as usize + 1) * N_TAGS];
                    for (s, w) in scores.iter_mut().zip(row) {
                        *s += w;
                    }
                }
            }
        }
        out
    }

    pub fn decode(&self, sf: &SentFeatures) -> Vec<u8> {
        viterbi(&self.emissions(sf), &self.trans, &self.start, &self.end)
    }
}

/// A weight slot of the inference table; `key == 0` marks an empty slot.
/// `first` and `second` index the feature's weight rows of each pass in
/// `Model::rows`; row 0 is all zeros and stands for "no weights", so that
/// summing needs no branch.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: u64,
    first: u32,
    second: u32,
}

/// The weights of one feature in one pass, for every tag, in units of the
/// pass's `scale`.
type Row = [i16; N_TAGS];

/// Summed rows of both passes.
type Sums = [[i32; N_TAGS]; 2];

/// Nonzero `(tag, weight)`s of one feature.
type SparseRow = Vec<(u8, f32)>;

/// Sparse rows of one pass: `(feature hash, nonzero (tag, weight)s)`, plus
/// its transition scores. The serialised form of a pass.
#[derive(Clone, Default)]
pub(crate) struct PassWeights {
    rows: Vec<(u64, Vec<(u8, f32)>)>,
    trans: Vec<f32>,
    start: Vec<f32>,
    end: Vec<f32>,
}

impl PassWeights {
    pub fn from_weights(w: &Weights) -> PassWeights {
        let mut rows: Vec<(u64, Vec<(u8, f32)>)> = w
            .index
            .iter()
            .map(|(&h, &r)| {
                let row = &w.rows[r as usize * N_TAGS..(r as usize + 1) * N_TAGS];
                let nz = row
                    .iter()
                    .enumerate()
                    .filter(|(_, &x)| x != 0.0)
                    .map(|(t, &x)| (t as u8, x))
                    .collect();
                (h, nz)
            })
            .filter(|(_, r): &(u64, Vec<(u8, f32)>)| !r.is_empty())
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        PassWeights {
            rows,
            trans: w.trans.clone(),
            start: w.start.clone(),
            end: w.end.clone(),
        }
    }

    fn write(&self, buf: &mut Vec<u8>, prune: f32) {
        let max = self
            .rows
            .iter()
            .flat_map(|r| r.1.iter())
            .fold(0f32, |m, e| m.max(e.1.abs()))
            .max(1e-9);
        let scale = max / 32767.0;
        buf.extend_from_slice(&scale.to_le_bytes());
        for v in self.trans.iter().chain(&self.start).chain(&self.end) {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        let threshold = prune * max;
        let mut body = Vec::new();
        let mut kept = 0u32;
        let mut last = 0u64;
        for (key, row) in &self.rows {
            let mut quantised: Vec<(u8, i16)> = row
                .iter()
                .filter(|e| e.1.abs() >= threshold)
                .map(|e| (e.0, (e.1 / scale).round().clamp(-32767.0, 32767.0) as i16))
                .filter(|&(_, q)| q != 0)
                .collect();
            if quantised.is_empty() {
                continue;
            }
            quantised.sort_unstable_by_key(|&(t, _)| t);
            kept += 1;
            write_varint(&mut body, key.wrapping_sub(last));
            last = *key;
            let mask: u32 = quantised.iter().fold(0, |m, &(t, _)| m | 1 << t);
            body.extend_from_slice(&mask.to_le_bytes()[..3]);
            for (_, q) in quantised {
                body.extend_from_slice(&q.to_le_bytes());
            }
        }
        buf.extend_from_slice(&kept.to_le_bytes());
        buf.extend_from_slice(&body);
    }
}

/// Transition scores of one pass.
#[derive(Clone, Default)]
struct Transitions {
    trans: Vec<f32>,
    start: Vec<f32>,
    end: Vec<f32>,
}

/// A trained tagger: a first pass over local features and, when present, a
/// second pass that also sees what the first pass found elsewhere in the
/// document (see `features::stacked_features`), plus the lexical resources
/// the features consult.
///
/// Both passes' weights live in one open-addressing table keyed by feature
/// hash, each slot pointing at the feature's dense rows of `i16` weights:
/// the second pass reuses every first-pass feature, so one probe serves
/// both, and a dense row (34 bytes) is summed with a few vector
/// instructions, where sparse `(tag, weight)` lists meant a scattered,
/// serially dependent add per weight. Tagging sums the rows of a distinct
/// word's features once per document (see `features::LocalFeatures`).
#[derive(Clone, Default)]
pub(crate) struct Model {
    slots: Vec<Slot>,
    rows: Vec<Row>,
    first: Transitions,
    second: Option<Transitions>,
    first_features: usize,
    second_features: usize,
    /// Weight units of the first and second pass.
    scale: [f32; 2],
    pub resources: Resources,
}

impl Model {
    pub fn new(first: PassWeights, second: Option<PassWeights>, resources: Resources) -> Model {
        let unit = |w: &PassWeights| {
            let max = w
                .rows
                .iter()
                .flat_map(|r| r.1.iter())
                .fold(0f32, |m, e| m.max(e.1.abs()));
            max.max(1e-9) / 32767.0
        };
        let scale = [unit(&first), second.as_ref().map_or(1.0, unit)];
        let mut rows: HashKeyMap<(SparseRow, SparseRow)> = HashKeyMap::default();
        let first_features = first.rows.len();
        let second_features = second.as_ref().map_or(0, |w| w.rows.len());
        for (h, row) in first.rows {
            rows.entry(h).or_default().0 = row;
        }
        let second = second.map(|w| {
            for (h, row) in w.rows {
                rows.entry(h).or_default().1 = row;
            }
            Transitions {
                trans: w.trans,
                start: w.start,
                end: w.end,
            }
        });
        let mut keys: Vec<u64> = rows.keys().copied().collect();
        keys.sort_unstable();
        let mut index = Vec::with_capacity(keys.len());
        let mut dense: Vec<Row> = vec![[0; N_TAGS]];
        let mut add_row = |sparse: SparseRow, scale: f32| -> u32 {
            if sparse.is_empty() {
                return 0;
            }
            let mut row = [0i16; N_TAGS];
            for (tag, w) in sparse {
                if let Some(q) = row.get_mut(tag as usize) {
                    *q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
                }
            }
            dense.push(row);
            (dense.len() - 1) as u32
        };
        for h in keys {
            let Some((r1, r2)) = rows.remove(&h) else {
                continue;
            };
            index.push((h, [add_row(r1, scale[0]), add_row(r2, scale[1])]));
        }
        Model {
            slots: build_slots(index),
            rows: dense,
            first: Transitions {
                trans: first.trans,
                start: first.start,
                end: first.end,
            },
            second,
            first_features,
            second_features,
            scale,
            resources,
        }
    }

    /// The slot of feature `h`, probing from slot `i` on; an empty (all
    /// zero) slot when the model has no weights for it.
    fn probe_from(&self, h: u64, mut i: usize) -> Slot {
        let mask = self.slots.len().wrapping_sub(1);
        while let Some(&s) = self.slots.get(i) {
            if s.key == h || s.key == 0 {
                return if s.key == h { s } else { Slot::default() };
            }
            i = (i + 1) & mask;
        }
        Slot::default()
    }

    /// The slots of many feature hashes at once, in order (empty slots for
    /// features without weights).
    fn lookup_all(&self, hashes: &[u64], found: &mut Vec<Slot>) {
        found.clear();
        let mask = self.slots.len().wrapping_sub(1);
        found.extend(
            hashes
                .iter()
                .map(|&h| self.probe_from(h, h as usize & mask)),
        );
    }

    /// Sums the first-pass and second-pass rows of `slots`. Weights are
    /// integers in units of their pass's scale and the sums stay far below
    /// 2^24, so they are exact in any order and as `f32`.
    fn sum_rows(&self, slots: &[Slot]) -> Sums {
        let mut acc = [[0i32; N_TAGS]; 2];
        for s in slots {
            for (pass, r) in [s.first, s.second].into_iter().enumerate() {
                if let Some(row) = self.rows.get(r as usize) {
                    for (a, &w) in acc[pass].iter_mut().zip(row) {
                        *a += w as i32;
                    }
                }
            }
        }
        acc
    }

    /// Emission scores of both passes over the local features of each
    /// sentence, in weight units (multiply by `scale`).
    fn local_emissions(&self, lf: &LocalFeatures) -> Vec<[Vec<[f32; N_TAGS]>; 2]> {
        let mut found = Vec::new();
        let mut sums = |hashes: &[u64]| {
            self.lookup_all(hashes, &mut found);
            self.sum_rows(&found)
        };
        let groups = lf.word_starts.len().saturating_sub(1);
        let by_word: Vec<Sums> = (0..groups).map(|g| sums(lf.word_group(g))).collect();
        let edges: Vec<Sums> = lf.edges.iter().map(|e| sums(e)).collect();
        lf.sentences
            .iter()
            .map(|(words, context)| {
                let n = words.len();
                let mut out = [vec![[0f32; N_TAGS]; n], vec![[0f32; N_TAGS]; n]];
                for i in 0..n.min(context.len()) {
                    let mut acc = sums(context.token(i));
                    for (g, d) in (-2isize..=2).enumerate() {
                        let part = match i.checked_add_signed(d).and_then(|j| words.get(j)) {
                            Some(&w) => by_word.get(5 * w as usize + g),
                            None => edges.get(g),
                        };
                        for (pass, sum) in part.into_iter().flatten().enumerate() {
                            for (a, &x) in acc[pass].iter_mut().zip(sum) {
                                *a += x;
                            }
                        }
                    }
                    for (pass, scores) in out.iter_mut().enumerate() {
                        for (s, &a) in scores[i].iter_mut().zip(&acc[pass]) {
                            *s = a as f32;
                        }
                    }
                }
                out
            })
            .collect()
    }

    /// BILOU tags for each sentence of a document of tokens.
    pub fn tag_doc<S: AsRef<str>>(&self, doc: &[Vec<S>]) -> Vec<Vec<u8>> {
        let tokens = DocTokens::new(doc);
        let local = self.local_emissions(&local_features(&tokens, &self.resources));
        let mut first_tags = Vec::with_capacity(local.len());
        let mut second_em = Vec::with_capacity(local.len());
        let t = &self.first;
        for [mut e1, e2] in local {
            rescale(&mut e1, self.scale[0]);
            first_tags.push(viterbi(&e1, &t.trans, &t.start, &t.end));
            second_em.push(e2);
        }
        let Some(t2) = &self.second else {
            return first_tags;
        };
        let extra = stacked_of(&tokens, &first_tags);
        let mut found = Vec::new();
        second_em
            .into_iter()
            .zip(extra)
            .map(|(mut em, ex)| {
                self.lookup_all(&ex.feats, &mut found);
                for (i, scores) in em.iter_mut().enumerate().take(ex.len()) {
                    let [_, second] = self.sum_rows(&found[ex.starts[i]..ex.starts[i + 1]]);
                    for (s, a) in scores.iter_mut().zip(second) {
                        *s += a as f32;
                    }
                }
                rescale(&mut em, self.scale[1]);
                viterbi(&em, &t2.trans, &t2.start, &t2.end)
            })
            .collect()
    }

    /// One pass's weights in serialisable form.
    fn pass(&self, second: bool) -> Option<PassWeights> {
        let t = if second {
            self.second.as_ref()?
        } else {
            &self.first
        };
        let mut rows: Vec<(u64, Vec<(u8, f32)>)> = self
            .slots
            .iter()
            .filter(|s| s.key != 0)
            .filter_map(|s| {
                let r = if second { s.second } else { s.first };
                let row: Vec<(u8, f32)> = self
                    .rows
                    .get(r as usize)?
                    .iter()
                    .enumerate()
                    .filter(|(_, &q)| q != 0)
                    .map(|(t, &q)| (t as u8, q as f32 * self.scale[second as usize]))
                    .collect();
                (!row.is_empty()).then_some((s.key, row))
            })
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        Some(PassWeights {
            rows,
            trans: t.trans.clone(),
            start: t.start.clone(),
            end: t.end.clone(),
        })
    }

    /// Number of features with weights, over both passes.
    pub fn feature_count(&self) -> usize {
        self.first_features + self.second_features
    }

    /// Serialises to the gzip-compressed shipping format. Weights whose
    /// magnitude is below `prune` (relative to the largest) are dropped.
    pub fn to_bytes(&self, prune: f32) -> Result<Vec<u8>, NerError> {
        let mut buf = Vec::new();
        buf.extend_from_slice(MAGIC);
        if let Some(first) = self.pass(false) {
            first.write(&mut buf, prune);
        }
        match self.pass(true) {
            Some(w) => {
                buf.push(1);
                w.write(&mut buf, prune);
            }
            None => buf.push(0),
        }

        let gaz = &self.resources.gazetteer;
        let mut entries: Vec<(u64, u8)> = gaz.entries.iter().map(|(&h, &m)| (h, m)).collect();
        entries.sort_unstable();
        buf.push(gaz.max_len.min(255) as u8);
        buf.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        let mut last = 0u64;
        for (h, m) in entries {
            write_varint(&mut buf, h.wrapping_sub(last));
            last = h;
            buf.push(m);
        }

        let mut clusters: Vec<(u64, [u16; 3])> = self
            .resources
            .clusters
            .ids
            .iter()
            .map(|(&h, &c)| (h, c))
            .collect();
        clusters.sort_unstable();
        buf.extend_from_slice(&(clusters.len() as u32).to_le_bytes());
        let mut last = 0u64;
        for (h, ids) in clusters {
            write_varint(&mut buf, h.wrapping_sub(last));
            last = h;
            for id in ids {
                buf.extend_from_slice(&id.to_le_bytes());
            }
        }

        let mut names: Vec<(u64, u8)> = self
            .resources
            .person_names
            .iter()
            .map(|(&h, &m)| (h, m))
            .collect();
        names.sort_unstable();
        buf.extend_from_slice(&(names.len() as u32).to_le_bytes());
        let mut last = 0u64;
        for (h, m) in names {
            write_varint(&mut buf, h.wrapping_sub(last));
            last = h;
            buf.push(m);
        }

        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&buf)?;
        Ok(enc.finish()?)
    }

    /// Reads the format written by [`Model::to_bytes`], straight into the
    /// dense table: the same model as [`Model::new`] on the file's rows, in
    /// far less memory at its peak (no intermediate per-feature lists).
    pub fn from_bytes(gz: &[u8]) -> Result<Model, NerError> {
        let mut raw = Vec::new();
        GzDecoder::new(gz)
            .read_to_end(&mut raw)
            .map_err(|e| NerError::Model(format!("not a gzip stream: {e}")))?;
        let mut r = Reader { buf: &raw, pos: 0 };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(NerError::Model(
                "not a Parallax NER model (bad magic)".into(),
            ));
        }
        let mut rows: Vec<Row> = vec![[0; N_TAGS]];
        let mut index: HashKeyMap<[u32; 2]> = HashKeyMap::default();
        let first = read_pass(&mut r, 0, &mut rows, &mut index)?;
        let second = match r.take(1)?[0] {
            0 => None,
            1 => Some(read_pass(&mut r, 1, &mut rows, &mut index)?),
            other => return Err(NerError::Model(format!("bad second-pass flag {other}"))),
        };

        let mut gazetteer = Gazetteer {
            max_len: r.take(1)?[0] as usize,
            ..Default::default()
        };
        let n = r.u32()? as usize;
        let mut last = 0u64;
        for _ in 0..n {
            last = last.wrapping_add(r.varint()?);
            gazetteer.entries.insert(last, r.take(1)?[0]);
        }
        let mut clusters = Clusters::default();
        let n = r.u32()? as usize;
        let mut last = 0u64;
        for _ in 0..n {
            last = last.wrapping_add(r.varint()?);
            let mut ids = [0u16; 3];
            for id in ids.iter_mut() {
                let b = r.take(2)?;
                *id = u16::from_le_bytes([b[0], b[1]]);
            }
            clusters.ids.insert(last, ids);
        }
        let mut person_names = HashKeyMap::default();
        let n = r.u32()? as usize;
        let mut last = 0u64;
        for _ in 0..n {
            last = last.wrapping_add(r.varint()?);
            person_names.insert(last, r.take(1)?[0]);
        }
        if r.pos != raw.len() {
            return Err(NerError::Model("trailing bytes after model".into()));
        }
        rows.shrink_to_fit();
        let mut index: Vec<(u64, [u32; 2])> = index.into_iter().collect();
        index.sort_unstable_by_key(|e| e.0);
        Ok(Model {
            slots: build_slots(index),
            rows,
            scale: [first.unit, second.as_ref().map_or(1.0, |p| p.unit)],
            first_features: first.features,
            second_features: second.as_ref().map_or(0, |p| p.features),
            first: first.transitions,
            second: second.map(|p| p.transitions),
            resources: Resources {
                gazetteer,
                clusters,
                person_names,
            },
        })
    }
}

/// The open-addressing table over `(feature hash, [first row, second row])`
/// entries; hash 0 marks an empty slot, so a feature hashing to 0 is left
/// out (as it always has been).
fn build_slots(index: Vec<(u64, [u32; 2])>) -> Vec<Slot> {
    let keys = index.iter().filter(|e| e.0 != 0).count();
    let capacity = (keys * 10 / 7 + 1).next_power_of_two().max(16);
    let mask = capacity - 1;
    let mut slots = vec![Slot::default(); capacity];
    for (h, [first, second]) in index {
        if h == 0 {
            continue;
        }
        let mut i = h as usize & mask;
        while slots[i].key != 0 {
            i = (i + 1) & mask;
        }
        slots[i] = Slot {
            key: h,
            first,
            second,
        };
    }
    slots
}

/// One pass as read by [`read_pass`].
struct ReadPass {
    transitions: Transitions,
    /// Weight unit of the pass, as [`Model::new`] derives it.
    unit: f32,
    /// Rows in the file, as [`Model::new`] counts features.
    features: usize,
}

/// Reads one pass of the shipping format into dense rows: each feature's
/// row is appended to `rows` and its index recorded in `index[hash][pass]`.
/// The weights are re-quantised to the pass's unit with exactly the
/// arithmetic of [`Model::new`] (`i16` × file scale, divided by the unit),
/// so the result is the same model.
fn read_pass(
    r: &mut Reader<'_>,
    pass: usize,
    rows: &mut Vec<Row>,
    index: &mut HashKeyMap<[u32; 2]>,
) -> Result<ReadPass, NerError> {
    let file_scale = r.f32()?;
    let mut read_f32s =
        |n: usize| -> Result<Vec<f32>, NerError> { (0..n).map(|_| r.f32()).collect() };
    let trans = read_f32s(N_TAGS * N_TAGS)?;
    let start = read_f32s(N_TAGS)?;
    let end = read_f32s(N_TAGS)?;
    let n = r.u32()? as usize;
    let first_row = rows.len();
    let mut max = 0f32;
    let mut last = 0u64;
    for _ in 0..n {
        last = last.wrapping_add(r.varint()?);
        let m = r.take(3)?;
        let mask = u32::from_le_bytes([m[0], m[1], m[2], 0]);
        if mask >> N_TAGS != 0 {
            return Err(NerError::Model("bad tag mask in model".into()));
        }
        let at = &mut index.entry(last).or_insert([0; 2])[pass];
        if mask == 0 {
            *at = 0;
            continue;
        }
        let mut row = [0i16; N_TAGS];
        for (t, q) in row.iter_mut().enumerate() {
            if mask & (1 << t) != 0 {
                let b = r.take(2)?;
                *q = i16::from_le_bytes([b[0], b[1]]);
                max = max.max((*q as f32 * file_scale).abs());
            }
        }
        rows.push(row);
        *at = (rows.len() - 1) as u32;
    }
    let unit = max.max(1e-9) / 32767.0;
    for row in rows.iter_mut().skip(first_row) {
        for q in row.iter_mut() {
            if *q != 0 {
                *q = ((*q as f32 * file_scale) / unit)
                    .round()
                    .clamp(-32767.0, 32767.0) as i16;
            }
        }
    }
    Ok(ReadPass {
        transitions: Transitions { trans, start, end },
        unit,
        features: n,
    })
}

fn rescale(em: &mut [[f32; N_TAGS]], scale: f32) {
    for row in em.iter_mut() {
        for x in row.iter_mut() {
            *x *= scale;
        }
    }
}

/// Best BILOU sequence under the hard well-formedness constraints.
pub(crate) fn viterbi(
    emissions: &[[f32; N_TAGS]],
    trans: &[f32],
    start: &[f32],
    end: &[f32],
) -> Vec<u8> {
    let n = emissions.len();
    if n == 0 {
        return Vec::new();
    }
    const NEG: f32 = f32::NEG_INFINITY;
    let mut score = [NEG; N_TAGS];
    for t in 0..N_TAGS {
        if start_allowed(t as u8) {
            score[t] = start[t] + emissions[0][t];
        }
    }
    // BILOU structure: `O`, `B-*` and `U-*` (the tags that start something)
    // all follow exactly `O`, `L-*` and `U-*` (the tags that end something);
    // `I-k` and `L-k` follow exactly `B-k` and `I-k`. Gathering the
    // transition scores into those two shapes once makes each step a few
    // fixed-size, branch-free loops. Ties go to the lowest predecessor, as
    // with the explicit predecessor lists.
    let tr = |p: usize, t: usize| trans.get(p * N_TAGS + t).copied().unwrap_or(NEG);
    let mut to_start = [[0f32; 9]; 9];
    for (pi, &p) in ENDS.iter().enumerate() {
        for (ti, &t) in STARTS.iter().enumerate() {
            to_start[pi][ti] = tr(p, t);
        }
    }
    let mut back = vec![[0u8; N_TAGS]; n];
    for (em, back) in emissions.iter().zip(back.iter_mut()).skip(1) {
        let mut next = [NEG; N_TAGS];
        let mut best = [NEG; 9];
        let mut arg = [0u32; 9];
        for (pi, row) in to_start.iter().enumerate() {
            let from = score[ENDS[pi]];
            for ti in 0..9 {
                let s = from + row[ti];
                let better = s > best[ti];
                best[ti] = if better { s } else { best[ti] };
                arg[ti] = if better { ENDS[pi] as u32 } else { arg[ti] };
            }
        }
        for ti in 0..9 {
            let t = STARTS[ti];
            next[t] = best[ti] + em[t];
            back[t] = arg[ti] as u8;
        }
        for k in 0..4 {
            let (b, i) = (1 + 4 * k, 2 + 4 * k);
            for t in [i, i + 1] {
                let (via_b, via_i) = (score[b] + tr(b, t), score[i] + tr(i, t));
                let (s, p) = if via_i > via_b {
                    (via_i, i)
                } else {
                    (via_b, b)
                };
                if s > NEG {
                    next[t] = s + em[t];
                    back[t] = p as u8;
                }
            }
        }
        score = next;
    }
    let mut best = NEG;
    let mut last = 0u8;
    for t in 0..N_TAGS {
        if end_allowed(t as u8) && score[t] != NEG && score[t] + end[t] > best {
            best = score[t] + end[t];
            last = t as u8;
        }
    }
    let mut tags = vec![0u8; n];
    tags[n - 1] = last;
    for i in (1..n).rev() {
        tags[i - 1] = back[i][tags[i] as usize];
    }
    tags
}

/// Tags that end a span or are outside one (`O`, `L-*`, `U-*`): exactly
/// the tags that `O`, `B-*` and `U-*` may follow.
const ENDS: [usize; 9] = [0, 3, 4, 7, 8, 11, 12, 15, 16];
/// Tags that may start after a span (`O`, `B-*`, `U-*`).
const STARTS: [usize; 9] = [0, 1, 4, 5, 8, 9, 12, 13, 16];

fn write_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NerError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        match end {
            Some(e) => {
                let s = &self.buf[self.pos..e];
                self.pos = e;
                Ok(s)
            }
            None => Err(NerError::Model("model file is truncated".into())),
        }
    }
    fn u32(&mut self) -> Result<u32, NerError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn f32(&mut self) -> Result<f32, NerError> {
        let b = self.take(4)?;
        Ok(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn varint(&mut self) -> Result<u64, NerError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.take(1)?[0];
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(NerError::Model("bad varint in model".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::tags::transition_allowed;

    #[test]
    fn bilou_shape_matches_the_constraints() {
        for p in 0..N_TAGS {
            for t in 0..N_TAGS {
                let after_end = ENDS.contains(&p) && STARTS.contains(&t);
                let inside = p % 4 != 0
                    && p % 4 < 3
                    && t != 0
                    && (t - 1) / 4 == (p - 1) / 4
                    && matches!((t - 1) % 4, 1 | 2);
                assert_eq!(
                    after_end || inside,
                    transition_allowed(p as u8, t as u8),
                    "{p} -> {t}"
                );
            }
        }
        assert!(STARTS.iter().all(|&t| start_allowed(t as u8)));
        assert!(ENDS.iter().all(|&t| end_allowed(t as u8)));
    }

    /// Viterbi over explicit predecessor lists, as a reference.
    fn viterbi_reference(
        em: &[[f32; N_TAGS]],
        trans: &[f32],
        start: &[f32],
        end: &[f32],
    ) -> Vec<u8> {
        const NEG: f32 = f32::NEG_INFINITY;
        let n = em.len();
        let mut score = [NEG; N_TAGS];
        for t in 0..N_TAGS {
            if start_allowed(t as u8) {
                score[t] = start[t] + em[0][t];
            }
        }
        let mut back = vec![[0u8; N_TAGS]; n];
        for i in 1..n {
            let mut next = [NEG; N_TAGS];
            for t in 0..N_TAGS {
                let (mut best, mut arg) = (NEG, 0u8);
                for p in 0..N_TAGS {
                    let s = score[p] + trans[p * N_TAGS + t];
                    if transition_allowed(p as u8, t as u8) && s > best {
                        (best, arg) = (s, p as u8);
                    }
                }
                if best > NEG {
                    next[t] = best + em[i][t];
                    back[i][t] = arg;
                }
            }
            score = next;
        }
        let (mut best, mut last) = (NEG, 0u8);
        for t in 0..N_TAGS {
            if end_allowed(t as u8) && score[t] != NEG && score[t] + end[t] > best {
                (best, last) = (score[t] + end[t], t as u8);
            }
        }
        let mut tags = vec![0u8; n];
        tags[n - 1] = last;
        for i in (1..n).rev() {
            tags[i - 1] = back[i][tags[i] as usize];
        }
        tags
    }

    #[test]
    fn viterbi_matches_the_reference_including_ties() {
        // A small deterministic generator; coarse values make many ties.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |levels: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % levels) as f32 - (levels / 2) as f32
        };
        for round in 0..300 {
            let levels = if round % 2 == 0 { 3 } else { 1000 };
            let n = 1 + round % 9;
            let em: Vec<[f32; N_TAGS]> = (0..n)
                .map(|_| std::array::from_fn(|_| next(levels)))
                .collect();
            let trans: Vec<f32> = (0..N_TAGS * N_TAGS).map(|_| next(levels)).collect();
            let start: Vec<f32> = (0..N_TAGS).map(|_| next(levels)).collect();
            let end: Vec<f32> = (0..N_TAGS).map(|_| next(levels)).collect();
            assert_eq!(
                viterbi(&em, &trans, &start, &end),
                viterbi_reference(&em, &trans, &start, &end),
                "round {round}"
            );
        }
    }

    #[test]
    fn viterbi_respects_constraints() {
        // Emissions prefer an illegal I-PER after O; Viterbi must not emit it.
        let mut e = vec![[0f32; N_TAGS]; 2];
        e[1][2] = 5.0;
        let zeros = vec![0f32; N_TAGS * N_TAGS];
        let z = vec![0f32; N_TAGS];
        let tags = viterbi(&e, &zeros, &z, &z);
        assert!(start_allowed(tags[0]) && end_allowed(tags[1]));
        assert!(transition_allowed(tags[0], tags[1]));
    }

    /// The shipping format read the straightforward way: sparse rows of
    /// `i16 × scale` per pass, then [`Model::new`] (the reference for
    /// [`Model::from_bytes`]).
    fn read_reference(gz: &[u8]) -> Model {
        let mut raw = Vec::new();
        GzDecoder::new(gz).read_to_end(&mut raw).ok();
        let mut r = Reader { buf: &raw, pos: 0 };
        r.take(MAGIC.len()).ok();
        let pass = |r: &mut Reader<'_>| -> Option<PassWeights> {
            let scale = r.f32().ok()?;
            let mut f32s = |n: usize| (0..n).map(|_| r.f32().ok()).collect::<Option<Vec<f32>>>();
            let (trans, start, end) = (f32s(N_TAGS * N_TAGS)?, f32s(N_TAGS)?, f32s(N_TAGS)?);
            let n = r.u32().ok()?;
            let mut rows = Vec::new();
            let mut last = 0u64;
            for _ in 0..n {
                last = last.wrapping_add(r.varint().ok()?);
                let m = r.take(3).ok()?;
                let mask = u32::from_le_bytes([m[0], m[1], m[2], 0]);
                let mut row = Vec::new();
                for t in 0..N_TAGS {
                    if mask & (1 << t) != 0 {
                        let b = r.take(2).ok()?;
                        row.push((t as u8, i16::from_le_bytes([b[0], b[1]]) as f32 * scale));
                    }
                }
                rows.push((last, row));
            }
            Some(PassWeights {
                rows,
                trans,
                start,
                end,
            })
        };
        let first = pass(&mut r).unwrap_or_default();
        let second = match r.take(1).ok().map(|b| b[0]) {
            Some(1) => pass(&mut r),
            _ => None,
        };
        Model::new(first, second, Resources::default())
    }

    /// Everything tagging reads from a model's weights: each feature's rows,
    /// the pass units, the feature count and the transition scores.
    type Seen = (Vec<(u64, Sums)>, [f32; 2], usize, Vec<Vec<f32>>);

    fn weights_of(m: &Model) -> Seen {
        let mut rows: Vec<(u64, Sums)> = m
            .slots
            .iter()
            .filter(|s| s.key != 0)
            .map(|s| (s.key, m.sum_rows(&[*s])))
            .collect();
        rows.sort_unstable_by_key(|r| r.0);
        let mut trans = vec![
            m.first.trans.clone(),
            m.first.start.clone(),
            m.first.end.clone(),
        ];
        if let Some(t) = &m.second {
            trans.extend([t.trans.clone(), t.start.clone(), t.end.clone()]);
        }
        (rows, m.scale, m.feature_count(), trans)
    }

    #[test]
    fn loading_matches_the_reference_reading() {
        // A small model with uneven weights, a feature in one pass only, a
        // feature hashing to 0, and a pass whose largest weight is small.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut pass = |features: u64, size: f32| {
            let mut rows: Vec<(u64, Vec<(u8, f32)>)> = (0..features)
                .map(|k| {
                    let mut row = Vec::new();
                    for t in 0..N_TAGS as u8 {
                        if next() % 3 == 0 {
                            row.push((t, ((next() % 2001) as f32 - 1000.0) * size));
                        }
                    }
                    (if k == 0 { 0 } else { next() % 5000 }, row)
                })
                .collect();
            rows.sort_unstable_by_key(|r| r.0);
            rows.dedup_by_key(|r| r.0);
            let f32s = |n: usize| (0..n).map(|i| i as f32 * 0.25 - 3.0).collect::<Vec<f32>>();
            PassWeights {
                rows,
                trans: f32s(N_TAGS * N_TAGS),
                start: f32s(N_TAGS),
                end: f32s(N_TAGS),
            }
        };
        let first = pass(400, 0.01);
        let second = pass(300, 0.0003);
        let saved = Model::new(first, Some(second), Resources::default()).to_bytes(0.0);
        let Ok(saved) = saved else {
            panic!("serialising failed");
        };
        let loaded = Model::from_bytes(&saved);
        let Ok(loaded) = loaded else {
            panic!("loading failed");
        };
        assert_eq!(weights_of(&loaded), weights_of(&read_reference(&saved)));
        assert_eq!(loaded.to_bytes(0.0).ok(), Some(saved));

        let shipped = include_bytes!("../../model/ner.bin.gz");
        let Ok(loaded) = Model::from_bytes(shipped) else {
            panic!("shipped model");
        };
        assert_eq!(weights_of(&loaded), weights_of(&read_reference(shipped)));
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(Model::from_bytes(b"not gzip").is_err());
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(b"PXNER\x00\x03\x00\x01").ok();
        let gz = enc.finish().unwrap_or_default();
        assert!(matches!(Model::from_bytes(&gz), Err(NerError::Model(_))));
    }
}
