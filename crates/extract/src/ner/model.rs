//! Weights, Viterbi decoding and the compact on-disk format.
//!
//! On disk (inside gzip): a magic string, transition scores as `f32`, then
//! the emission weights as sparse rows of `i16` (one global scale), keyed by
//! delta-encoded sorted feature hashes, then the gazetteer and word clusters.
//! Quantising to `i16` and dropping near-zero weights keeps the shipped file
//! small enough to embed with `include_bytes!`.

use super::features::{
    doc_features, stacked_features, with_extra, Clusters, Gazetteer, HashKeyMap, Resources,
    SentFeatures,
};
use super::tags::{end_allowed, start_allowed, N_TAGS};
use crate::NerError;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{Read, Write};

const MAGIC: &[u8; 8] = b"PXNER\x00\x02\x00";

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

    fn write(&self, buf: &mut Vec<u8>, prune: f32) -> u32 {
        let max = self.rows.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / 32767.0;
        buf.extend_from_slice(&scale.to_le_bytes());
        for v in self.trans.iter().chain(&self.start).chain(&self.end) {
            buf.extend_from_slice(&v.to_le_bytes());
        }
        let mut features: Vec<(u64, u32)> = self.index.iter().map(|(&h, &r)| (h, r)).collect();
        features.sort_unstable();
        let threshold = prune * max;
        let mut body = Vec::new();
        let mut kept = 0u32;
        let mut last = 0u64;
        for (h, r) in features {
            let row = &self.rows[r as usize * N_TAGS..(r as usize + 1) * N_TAGS];
            let mut mask = 0u32;
            for (t, w) in row.iter().enumerate() {
                if w.abs() >= threshold && (w / scale).round() != 0.0 {
                    mask |= 1 << t;
                }
            }
            if mask == 0 {
                continue;
            }
            kept += 1;
            write_varint(&mut body, h.wrapping_sub(last));
            last = h;
            body.extend_from_slice(&mask.to_le_bytes()[..3]);
            for (t, w) in row.iter().enumerate() {
                if mask & (1 << t) != 0 {
                    let q = (w / scale).round().clamp(-32767.0, 32767.0) as i16;
                    body.extend_from_slice(&q.to_le_bytes());
                }
            }
        }
        buf.extend_from_slice(&kept.to_le_bytes());
        buf.extend_from_slice(&body);
        kept
    }

    fn read(r: &mut Reader<'_>) -> Result<Weights, NerError> {
        let scale = r.f32()?;
        let mut trans = Vec::with_capacity(N_TAGS * N_TAGS);
        for _ in 0..N_TAGS * N_TAGS {
            trans.push(r.f32()?);
        }
        let mut start = Vec::with_capacity(N_TAGS);
        for _ in 0..N_TAGS {
            start.push(r.f32()?);
        }
        let mut end = Vec::with_capacity(N_TAGS);
        for _ in 0..N_TAGS {
            end.push(r.f32()?);
        }
        let n = r.u32()? as usize;
        let mut index = HashKeyMap::default();
        index.reserve(n.min(1 << 22));
        let mut rows = Vec::with_capacity(n.min(1 << 22) * N_TAGS);
        let mut last = 0u64;
        for i in 0..n {
            last = last.wrapping_add(r.varint()?);
            let m = r.take(3)?;
            let mask = u32::from_le_bytes([m[0], m[1], m[2], 0]);
            let mut row = [0f32; N_TAGS];
            for (t, w) in row.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    let b = r.take(2)?;
                    *w = i16::from_le_bytes([b[0], b[1]]) as f32 * scale;
                }
            }
            rows.extend_from_slice(&row);
            index.insert(last, i as u32);
        }
        Ok(Weights {
            index,
            rows,
            trans,
            start,
            end,
        })
    }
}

/// A trained tagger: a first pass over local features and, when present, a
/// second pass that also sees what the first pass found elsewhere in the
/// document (see `features::stacked_features`), plus the lexical resources
/// the features consult.
#[derive(Clone, Default)]
pub(crate) struct Model {
    pub first: Weights,
    pub second: Option<Weights>,
    pub resources: Resources,
}

impl Model {
    /// BILOU tags for each sentence of a document of tokens.
    pub fn tag_doc<S: AsRef<str>>(&self, doc: &[Vec<S>]) -> Vec<Vec<u8>> {
        let feats = doc_features(doc, &self.resources);
        let first: Vec<Vec<u8>> = feats.iter().map(|sf| self.first.decode(sf)).collect();
        match &self.second {
            None => first,
            Some(second) => {
                let extra = stacked_features(doc, &first);
                feats
                    .into_iter()
                    .zip(extra)
                    .map(|(sf, ex)| second.decode(&with_extra(sf, &ex)))
                    .collect()
            }
        }
    }

    /// Number of features with weights, over both passes.
    pub fn feature_count(&self) -> usize {
        self.first.index.len() + self.second.as_ref().map_or(0, |w| w.index.len())
    }

    /// Serialises to the gzip-compressed shipping format. Weights whose
    /// magnitude is below `prune` (relative to the largest) are dropped.
    pub fn to_bytes(&self, prune: f32) -> Result<Vec<u8>, NerError> {
        let mut buf = Vec::new();
        buf.extend_from_slice(MAGIC);
        self.first.write(&mut buf, prune);
        match &self.second {
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

        let mut enc = GzEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&buf)?;
        Ok(enc.finish()?)
    }

    /// Reads the format written by [`Model::to_bytes`].
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
        let first = Weights::read(&mut r)?;
        let second = match r.take(1)?[0] {
            0 => None,
            1 => Some(Weights::read(&mut r)?),
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
        if r.pos != raw.len() {
            return Err(NerError::Model("trailing bytes after model".into()));
        }
        Ok(Model {
            first,
            second,
            resources: Resources {
                gazetteer,
                clusters,
            },
        })
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
    let mut back = vec![[0u8; N_TAGS]; n];
    for i in 1..n {
        let mut next = [NEG; N_TAGS];
        for t in 0..N_TAGS {
            let mut best = NEG;
            let mut arg = 0u8;
            for p in 0..N_TAGS {
                if score[p] == NEG || !ALLOWED[p][t] {
                    continue;
                }
                let s = score[p] + trans[p * N_TAGS + t];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            if best > NEG {
                next[t] = best + emissions[i][t];
                back[i][t] = arg;
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

static ALLOWED: [[bool; N_TAGS]; N_TAGS] = {
    let mut a = [[false; N_TAGS]; N_TAGS];
    let mut p = 0;
    while p < N_TAGS {
        let mut t = 0;
        while t < N_TAGS {
            a[p][t] = transition_allowed_const(p as u8, t as u8);
            t += 1;
        }
        p += 1;
    }
    a
};

/// `const` twin of `tags::transition_allowed` (checked equal in tests).
const fn transition_allowed_const(prev: u8, next: u8) -> bool {
    // For a non-O tag `t`: kind `(t - 1) / 4`, position `(t - 1) % 4` (B I L U).
    let prev_open = prev != 0 && (prev - 1) % 4 < 2;
    if prev_open {
        let next_pos = next.wrapping_sub(1) % 4;
        next != 0 && (next - 1) / 4 == (prev - 1) / 4 && (next_pos == 1 || next_pos == 2)
    } else {
        let next_pos = next.wrapping_sub(1) % 4;
        next == 0 || next_pos == 0 || next_pos == 3
    }
}

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
    fn const_constraints_match() {
        for p in 0..N_TAGS as u8 {
            for t in 0..N_TAGS as u8 {
                assert_eq!(ALLOWED[p as usize][t as usize], transition_allowed(p, t));
            }
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

    #[test]
    fn garbage_is_rejected() {
        assert!(Model::from_bytes(b"not gzip").is_err());
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(b"PXNER\x00\x02\x00\x01").ok();
        let gz = enc.finish().unwrap_or_default();
        assert!(matches!(Model::from_bytes(&gz), Err(NerError::Model(_))));
    }
}
