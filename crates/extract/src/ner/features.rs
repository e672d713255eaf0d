//! Feature extraction for the tagger.
//!
//! Every feature is a 64-bit hash of a template id and its string parts, so
//! no feature strings are ever built or stored: the shipped model maps these
//! hashes to weight rows. The hash function is our own and fixed (FNV-1a with
//! a final mix) because the weights depend on it across platforms and builds.
//!
//! Features look only at the tokens, never at POS or chunk columns, so that
//! running text tags exactly like the training data.
//!
//! Two arrangements of the same features: per token, in a fixed order
//! (`doc_features`, what training sees), and for tagging per distinct word
//! plus per-position context (`local_features`), which does most of the
//! work once per word instead of once per token. Each template is one small
//! function used by both, and a test checks that every token gets the same
//! features either way.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type HashKeyMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// Incremental feature hash: template id, then parts separated by a marker.
#[derive(Clone, Copy)]
struct Fh(u64);

impl Fh {
    fn new(template: u8) -> Fh {
        Fh((FNV_OFFSET ^ template as u64).wrapping_mul(FNV_PRIME))
    }
    fn part(mut self, s: &str) -> Fh {
        for &b in s.as_bytes() {
            self.0 = (self.0 ^ b as u64).wrapping_mul(FNV_PRIME);
        }
        self.0 = (self.0 ^ 0xff).wrapping_mul(FNV_PRIME);
        self
    }
    fn num(mut self, n: u64) -> Fh {
        for b in n.to_le_bytes() {
            self.0 = (self.0 ^ b as u64).wrapping_mul(FNV_PRIME);
        }
        self
    }
    fn done(self) -> u64 {
        mix(self.0)
    }
}

/// splitmix64 finaliser: spreads FNV's weak low bits.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hash of a single string, used for gazetteer and cluster keys.
pub(crate) fn key(s: &str) -> u64 {
    Fh::new(0).part(s).done()
}

/// Hash of a token sequence, built one token at a time.
pub(crate) fn chain(prev: u64, token: &str) -> u64 {
    chain_key(prev, key(token))
}

/// [`chain`] with the token's [`key`] already computed.
pub(crate) fn chain_key(prev: u64, token_key: u64) -> u64 {
    mix(prev ^ token_key.rotate_left(17))
}

/// Entity names seen in training, keyed by the hash of their lower-cased
/// tokens; the value is a bit mask of the kinds they were labelled with.
#[derive(Default, Clone)]
pub(crate) struct Gazetteer {
    pub entries: HashKeyMap<u8>,
    pub max_len: usize,
}

impl Gazetteer {
    pub fn insert(&mut self, lower_tokens: &[&str], kind_index: usize) {
        let mut h = 0u64;
        for t in lower_tokens {
            h = chain(h, t);
        }
        *self.entries.entry(h).or_insert(0) |= 1 << kind_index;
        self.max_len = self.max_len.max(lower_tokens.len());
    }
}

/// Word clusters derived from unlabelled text: for each word form, cluster
/// ids at a few granularities (coarse to fine).
#[derive(Default, Clone)]
pub(crate) struct Clusters {
    pub ids: HashKeyMap<[u16; 3]>,
}

/// Everything besides the weights that features consult.
#[derive(Default, Clone)]
pub(crate) struct Resources {
    pub gazetteer: Gazetteer,
    pub clusters: Clusters,
    /// Person-name lists (lower-case word key → [`FIRST_NAME`] | [`SURNAME`]),
    /// so that names never seen in the 1996 training news still look like
    /// names.
    pub person_names: HashKeyMap<u8>,
}

pub(crate) const FIRST_NAME: u8 = 1;
pub(crate) const SURNAME: u8 = 2;

/// Per-token views, computed once per document (see [`DocTokens`]).
pub(crate) struct Tok<'a> {
    word: &'a str,
    lower: &'a str,
    /// Lower case, digits folded to `0`: `1996-08-22` → `0000-00-00`.
    norm: &'a str,
    /// Character classes, runs clipped at 3: `Xxxx`, `dd-dd`.
    shape: &'a str,
    /// Character classes, runs collapsed: `Xx`, `d-d`.
    short: &'a str,
    first_upper: bool,
    has_lower: bool,
    /// Upper-case letters in `word`.
    upper_letters: usize,
    /// Characters in `word` and in `lower`.
    word_chars: usize,
    lower_chars: usize,
    /// `key(lower)`, for document maps, clusters and the gazetteer.
    lower_key: u64,
}

fn normalise_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        other => other,
    }
}

/// Where a token's views lie in [`DocTokens::text`], plus its flags.
#[derive(Clone)]
struct Views {
    /// Ends of `word`, `lower`, `norm`, `shape` and `short`, which follow
    /// each other from `start`.
    start: usize,
    ends: [usize; 5],
    first_upper: bool,
    has_lower: bool,
    upper_letters: usize,
    word_chars: usize,
    lower_chars: usize,
    lower_key: u64,
}

/// The per-token views of a whole document, built once and shared by both
/// passes and every feature template. All views live in one string, so a
/// document costs a handful of allocations instead of five per token.
pub(crate) struct DocTokens {
    text: String,
    views: Vec<Views>,
    /// Each sentence's range of tokens in `views`.
    sentences: Vec<std::ops::Range<usize>>,
}

impl DocTokens {
    pub fn new<S: AsRef<str>, W: AsRef<[S]>>(doc: &[W]) -> DocTokens {
        let tokens: usize = doc.iter().map(|s| s.as_ref().len()).sum();
        let mut out = DocTokens {
            text: String::with_capacity(tokens * 24),
            views: Vec::with_capacity(tokens),
            sentences: Vec::with_capacity(doc.len()),
        };
        let mut word = String::new();
        let mut lower = String::new();
        for sent in doc {
            let first = out.views.len();
            for raw in sent.as_ref() {
                word.clear();
                word.extend(raw.as_ref().chars().map(normalise_quote));
                lower.clear();
                if word.is_ascii() {
                    lower.push_str(&word);
                    lower.make_ascii_lowercase();
                } else {
                    lower.push_str(&word.to_lowercase());
                }
                out.push(&word, &lower);
            }
            out.sentences.push(first..out.views.len());
        }
        out
    }

    fn push(&mut self, word: &str, lower: &str) {
        let text = &mut self.text;
        let start = text.len();
        text.push_str(word);
        let word_end = text.len();
        text.push_str(lower);
        let lower_end = text.len();
        text.extend(
            lower
                .chars()
                .map(|c| if c.is_ascii_digit() { '0' } else { c }),
        );
        let norm_end = text.len();
        let class_of = |c: char| {
            if c.is_uppercase() {
                'X'
            } else if c.is_lowercase() {
                'x'
            } else if c.is_numeric() {
                'd'
            } else {
                c
            }
        };
        let mut last = '\0';
        let mut run = 0;
        for class in word.chars().map(class_of) {
            run = if class == last { run + 1 } else { 1 };
            if run <= 3 {
                text.push(class);
            }
            last = class;
        }
        let shape_end = text.len();
        let mut last = '\0';
        for class in word.chars().map(class_of) {
            if class != last {
                text.push(class);
            }
            last = class;
        }
        let short_end = text.len();
        self.views.push(Views {
            start,
            ends: [word_end, lower_end, norm_end, shape_end, short_end],
            first_upper: word.chars().next().is_some_and(|c| c.is_uppercase()),
            has_lower: word.chars().any(|c| c.is_lowercase()),
            upper_letters: word.chars().filter(|c| c.is_uppercase()).count(),
            word_chars: word.chars().count(),
            lower_chars: lower.chars().count(),
            lower_key: key(lower),
        });
    }

    /// The tokens of every sentence, in order, as slices of one vector.
    fn tokens(&self) -> (Vec<Tok<'_>>, &[std::ops::Range<usize>]) {
        let toks = self
            .views
            .iter()
            .map(|v| {
                let [w, l, n, sh, so] = v.ends;
                Tok {
                    word: &self.text[v.start..w],
                    lower: &self.text[w..l],
                    norm: &self.text[l..n],
                    shape: &self.text[n..sh],
                    short: &self.text[sh..so],
                    first_upper: v.first_upper,
                    has_lower: v.has_lower,
                    upper_letters: v.upper_letters,
                    word_chars: v.word_chars,
                    lower_chars: v.lower_chars,
                    lower_key: v.lower_key,
                }
            })
            .collect();
        (toks, &self.sentences)
    }
}

/// Features of one sentence: token `i` owns `feats[starts[i]..starts[i + 1]]`.
#[derive(Default, Debug, Clone)]
pub(crate) struct SentFeatures {
    pub feats: Vec<u64>,
    pub starts: Vec<usize>,
}

impl SentFeatures {
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
    pub fn token(&self, i: usize) -> &[u64] {
        &self.feats[self.starts[i]..self.starts[i + 1]]
    }
}

// Template ids. Changing any of them invalidates the shipped weights.
const T_BIAS: u8 = 1;
const T_WORD: u8 = 2;
const T_LOWER: u8 = 3;
const T_NORM_AT: u8 = 4;
const T_WORD_AT: u8 = 5;
const T_BIGRAM_L: u8 = 6;
const T_BIGRAM_R: u8 = 7;
const T_SKIP: u8 = 8;
const T_PREFIX: u8 = 9;
const T_SUFFIX: u8 = 10;
const T_SHAPE: u8 = 11;
const T_SHORT_AT: u8 = 12;
const T_SHORT_TRI: u8 = 13;
const T_SHORT_BI_L: u8 = 14;
const T_SHORT_BI_R: u8 = 15;
const T_POSITION: u8 = 16;
const T_CAPS_SENT: u8 = 17;
const T_DOC_CASE: u8 = 18;
const T_GAZ: u8 = 19;
const T_CLUSTER_AT: u8 = 20;
const T_LEN: u8 = 21;
const T_LOWER_CAPS: u8 = 22;
const T_GAZ_LEN: u8 = 24;
const T_PERSON_NAME: u8 = 25;

/// How the words of a document are cased outside sentence starts and
/// headings: the best evidence for `Bank` at the start of a sentence being a
/// name or a common noun is how the same article writes it elsewhere.
#[derive(Default)]
struct DocCase {
    /// lower form → (seen capitalised mid-sentence, seen lower-case)
    seen: HashKeyMap<(bool, bool)>,
}

/// How a sentence is cased as a whole. In all-caps and title-case headlines
/// capitals say little about names, so features are conditioned on this.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SentCase {
    Normal,
    /// `JAPAN GET LUCKY WIN`
    Caps,
    /// `Trump Was Mocking Clinton Camp`
    Title,
}

impl SentCase {
    fn flag(self) -> &'static str {
        match self {
            SentCase::Normal => "c",
            SentCase::Caps => "C",
            SentCase::Title => "T",
        }
    }
}

fn sentence_case(toks: &[Tok]) -> SentCase {
    let mut upper_letters = 0;
    let mut has_lower = false;
    for t in toks {
        has_lower |= t.has_lower;
        upper_letters += t.upper_letters;
    }
    if !has_lower {
        return if upper_letters >= 3 {
            SentCase::Caps
        } else {
            SentCase::Normal
        };
    }
    // Title case: every word of four letters or more is capitalised.
    let mut long_words = 0;
    for t in toks {
        if t.word.chars().next().is_some_and(char::is_alphabetic) && t.word_chars >= 4 {
            if !t.first_upper {
                return SentCase::Normal;
            }
            long_words += 1;
        }
    }
    if long_words >= 3 {
        SentCase::Title
    } else {
        SentCase::Normal
    }
}

/// Re-cases an all-caps headline as a title-case one (`JAPAN GET LUCKY WIN`
/// → `Japan Get Lucky Win`), keeping short tokens inside names as they are
/// (`UK`, `U.S.`). Used to add title-case headlines to the training data,
/// which has all-caps ones but none in title case.
pub(crate) fn title_case_copy(words: &[String], in_entity: &[bool]) -> Vec<String> {
    const SMALL: &[&str] = &[
        "a", "an", "the", "in", "on", "of", "for", "to", "and", "at", "by", "as", "or",
    ];
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if in_entity.get(i).copied().unwrap_or(false) && w.chars().count() <= 4 {
                w.clone()
            } else if i > 0 && SMALL.contains(&lower.as_str()) {
                lower
            } else {
                let mut chars = lower.chars();
                match chars.next() {
                    Some(c) => c.to_uppercase().chain(chars).collect(),
                    None => lower,
                }
            }
        })
        .collect()
}

pub(crate) fn is_caps_sentence<S: AsRef<str>>(words: &[S]) -> bool {
    let doc = DocTokens::new(&[words]);
    let (toks, _) = doc.tokens();
    sentence_case(&toks) == SentCase::Caps
}

/// Features for every sentence of one document (an article, or a CoNLL
/// `-DOCSTART-` block). Document-level features look across sentences.
pub(crate) fn doc_features<S: AsRef<str>>(doc: &[Vec<S>], res: &Resources) -> Vec<SentFeatures> {
    let tokens = DocTokens::new(doc);
    features_of(&tokens, res)
}

/// A document's sentences of tokens with each sentence's casing, and how
/// the document cases each word.
struct Prepared<'a> {
    sentences: Vec<&'a [Tok<'a>]>,
    cases: Vec<SentCase>,
    case: DocCase,
}

fn prepare<'a>(all: &'a [Tok<'a>], ranges: &[std::ops::Range<usize>]) -> Prepared<'a> {
    let sentences: Vec<&[Tok<'_>]> = ranges.iter().map(|r| &all[r.clone()]).collect();
    let cases: Vec<SentCase> = sentences.iter().map(|s| sentence_case(s)).collect();
    let mut case = DocCase::default();
    for (si, sent) in sentences.iter().enumerate() {
        for (i, t) in sent.iter().enumerate() {
            if cases[si] != SentCase::Normal
                || !t.word.chars().next().is_some_and(|c| c.is_alphabetic())
            {
                continue;
            }
            let entry = case.seen.entry(t.lower_key).or_default();
            if t.first_upper && i > 0 && !is_after_opening_punct(sent, i) {
                entry.0 = true;
            } else if !t.first_upper {
                entry.1 = true;
            }
        }
    }
    Prepared {
        sentences,
        cases,
        case,
    }
}

/// [`doc_features`] of a document's tokens.
pub(crate) fn features_of(doc: &DocTokens, res: &Resources) -> Vec<SentFeatures> {
    let (all, ranges) = doc.tokens();
    let p = prepare(&all, ranges);
    p.sentences
        .iter()
        .enumerate()
        .map(|(si, sent)| sentence_features(sent, p.cases[si], &p.case, res))
        .collect()
}

fn is_after_opening_punct(sent: &[Tok], i: usize) -> bool {
    i > 0 && matches!(sent[i - 1].word, "\"" | "(" | ":" | "-" | "'")
}

// One function per feature template or group of templates, shared by the
// per-token features (`sentence_features`, training's order) and the
// per-word features of tagging (`local_features`).

/// Bias, word, lower case, lower case with the sentence's casing.
fn word_features(t: &Tok, caps_flag: &str, f: &mut Vec<u64>) {
    f.push(Fh::new(T_BIAS).done());
    f.push(Fh::new(T_WORD).part(t.word).done());
    f.push(Fh::new(T_LOWER).part(t.norm).done());
    f.push(Fh::new(T_LOWER_CAPS).part(t.norm).part(caps_flag).done());
}

/// The normalised word `d` tokens away (`<s>`, `</s>` past the ends).
fn norm_at(d: isize, norm: &str) -> u64 {
    Fh::new(T_NORM_AT).num(d as u64).part(norm).done()
}

/// The word as written `d` tokens away.
fn word_at(d: isize, word: &str) -> u64 {
    Fh::new(T_WORD_AT).num(d as u64).part(word).done()
}

/// Prefixes and suffixes of up to four characters, as slices.
fn affix_features(t: &Tok, f: &mut Vec<u64>) {
    let mut ends = t.lower.char_indices().map(|(b, c)| b + c.len_utf8());
    let mut starts = t.lower.char_indices().rev().map(|(b, _)| b);
    for _ in 0..4.min(t.lower_chars) {
        if let (Some(e), Some(b)) = (ends.next(), starts.next()) {
            f.push(Fh::new(T_PREFIX).part(&t.lower[..e]).done());
            f.push(Fh::new(T_SUFFIX).part(&t.lower[b..]).done());
        }
    }
}

fn shape_feature(t: &Tok, caps_flag: &str) -> u64 {
    Fh::new(T_SHAPE).part(t.shape).part(caps_flag).done()
}

/// Whether the token `d` places away is a listed first name or surname.
fn person_name_at(d: isize, other: &Tok, caps_flag: &str, res: &Resources) -> Option<u64> {
    let &mask = res.person_names.get(&other.lower_key)?;
    Some(
        Fh::new(T_PERSON_NAME)
            .num(d as u64)
            .num(mask as u64)
            .num(other.first_upper as u64)
            .part(caps_flag)
            .done(),
    )
}

/// The short shape `d` tokens away (`<s>`, `</s>` past the ends).
fn short_at(d: isize, short: &str) -> u64 {
    Fh::new(T_SHORT_AT).num(d as u64).part(short).done()
}

fn length_feature(t: &Tok) -> u64 {
    Fh::new(T_LEN)
        .num(t.lower_chars.min(12) as u64)
        .part(t.short)
        .done()
}

/// Word clusters of the token `d` places away.
fn clusters_at(d: isize, other: &Tok, res: &Resources, f: &mut Vec<u64>) {
    if let Some(ids) = res.clusters.ids.get(&other.lower_key) {
        for (level, id) in ids.iter().enumerate() {
            f.push(
                Fh::new(T_CLUSTER_AT)
                    .num(d as u64)
                    .num(level as u64)
                    .num(*id as u64)
                    .done(),
            );
        }
    }
}

/// One sentence as the features see it: its tokens, casing and gazetteer
/// matches, with `<s>`/`</s>` past both ends.
struct SentView<'s, 't> {
    toks: &'s [Tok<'t>],
    case: SentCase,
    gaz: Vec<Vec<(u8, u8, usize)>>,
}

impl SentView<'_, '_> {
    fn norm_at(&self, j: isize) -> &str {
        match usize::try_from(j).ok().and_then(|j| self.toks.get(j)) {
            Some(t) => t.norm,
            None if j < 0 => "<s>",
            None => "</s>",
        }
    }
    fn short_at(&self, j: isize) -> &str {
        match usize::try_from(j).ok().and_then(|j| self.toks.get(j)) {
            Some(t) => t.short,
            None if j < 0 => "<s>",
            None => "</s>",
        }
    }
    fn position(&self, i: usize) -> &'static str {
        match i {
            0 => "first",
            _ if i + 1 == self.toks.len() => "last",
            _ => "mid",
        }
    }
}

/// Word bigrams and the skip-gram around token `i`.
fn ngram_features(s: &SentView, i: usize, f: &mut Vec<u64>) {
    let (ii, norm) = (i as isize, s.toks[i].norm);
    f.push(
        Fh::new(T_BIGRAM_L)
            .part(s.norm_at(ii - 1))
            .part(norm)
            .done(),
    );
    f.push(
        Fh::new(T_BIGRAM_R)
            .part(norm)
            .part(s.norm_at(ii + 1))
            .done(),
    );
    f.push(
        Fh::new(T_SKIP)
            .part(s.norm_at(ii - 1))
            .part(s.norm_at(ii + 1))
            .done(),
    );
}

/// Shape n-grams around token `i`, its position and the sentence casing.
fn shape_context_features(s: &SentView, i: usize, f: &mut Vec<u64>) {
    let (ii, short) = (i as isize, s.toks[i].short);
    let (before, after) = (s.short_at(ii - 1), s.short_at(ii + 1));
    f.push(
        Fh::new(T_SHORT_TRI)
            .part(before)
            .part(short)
            .part(after)
            .done(),
    );
    f.push(Fh::new(T_SHORT_BI_L).part(before).part(short).done());
    f.push(Fh::new(T_SHORT_BI_R).part(short).part(after).done());
    let position = s.position(i);
    f.push(Fh::new(T_POSITION).part(position).part(short).done());
    f.push(
        Fh::new(T_CAPS_SENT)
            .part(s.case.flag())
            .part(short)
            .part(position)
            .done(),
    );
}

/// How the document cases this word, and training-set names covering it.
fn document_features(s: &SentView, i: usize, case: &DocCase, f: &mut Vec<u64>) {
    let t = &s.toks[i];
    if t.lower.chars().next().is_some_and(|c| c.is_alphabetic()) {
        let (cap_mid, low) = case
            .seen
            .get(&t.lower_key)
            .copied()
            .unwrap_or((false, false));
        let here = if s.case == SentCase::Caps {
            "caps"
        } else if s.case == SentCase::Title {
            "title"
        } else if i == 0 || is_after_opening_punct(s.toks, i) {
            if t.first_upper {
                "initial-upper"
            } else {
                "initial-lower"
            }
        } else if t.first_upper {
            "upper"
        } else {
            "lower"
        };
        f.push(
            Fh::new(T_DOC_CASE)
                .part(here)
                .num(cap_mid as u64)
                .num(low as u64)
                .done(),
        );
    }
    for &(kind_mask, pos, len) in s.gaz.get(i).map(Vec::as_slice).unwrap_or(&[]) {
        for k in 0..4u8 {
            if kind_mask & (1 << k) != 0 {
                f.push(Fh::new(T_GAZ).num(k as u64).num(pos as u64).done());
                f.push(
                    Fh::new(T_GAZ_LEN)
                        .num(k as u64)
                        .num(pos as u64)
                        .num(len.min(4) as u64)
                        .done(),
                );
            }
        }
    }
}

/// Every feature of every token of a sentence, in the order training has
/// always produced them.
fn sentence_features(
    sent: &[Tok],
    sent_case: SentCase,
    case: &DocCase,
    res: &Resources,
) -> SentFeatures {
    let n = sent.len();
    let mut out = SentFeatures {
        feats: Vec::with_capacity(n * 64),
        starts: Vec::with_capacity(n + 1),
    };
    let s = SentView {
        toks: sent,
        case: sent_case,
        gaz: gazetteer_marks(sent, &res.gazetteer),
    };
    let caps_flag = sent_case.flag();
    let at = |i: usize, d: isize| i.checked_add_signed(d).and_then(|j| sent.get(j));
    for (i, t) in sent.iter().enumerate() {
        out.starts.push(out.feats.len());
        let f = &mut out.feats;
        let ii = i as isize;
        word_features(t, caps_flag, f);
        for d in [-2isize, -1, 1, 2] {
            f.push(norm_at(d, s.norm_at(ii + d)));
        }
        for d in [-1isize, 1] {
            if let Some(other) = at(i, d) {
                f.push(word_at(d, other.word));
            }
        }
        ngram_features(&s, i, f);
        affix_features(t, f);
        f.push(shape_feature(t, caps_flag));
        for d in [-1isize, 0, 1] {
            if let Some(h) = at(i, d).and_then(|o| person_name_at(d, o, caps_flag, res)) {
                f.push(h);
            }
        }
        for d in [-1isize, 0, 1] {
            f.push(short_at(d, s.short_at(ii + d)));
        }
        shape_context_features(&s, i, f);
        f.push(length_feature(t));
        document_features(&s, i, case, f);
        for d in [-1isize, 0, 1] {
            if let Some(other) = at(i, d) {
                clusters_at(d, other, res, f);
            }
        }
    }
    out.starts.push(out.feats.len());
    out
}

/// The local (first-pass) features of a document arranged for tagging.
///
/// Most features of a token depend only on one word of the sentence and on
/// the sentence's casing: the word itself, or a neighbour up to two places
/// away (`the word before is "Mr"`). News repeats its words, so those are
/// computed and summed once per distinct (word, casing) and document,
/// grouped by the offset they are seen from; only the features that look at
/// several words or at the position are made per token. Each token gets
/// exactly the features [`sentence_features`] gives it (checked in tests).
pub(crate) struct LocalFeatures {
    /// Feature hashes of each distinct word; group `5 * w + d + 2` holds
    /// those of word `w` seen from the token `d` places before it (`d` in
    /// -2..=2): `word_feats[word_starts[g]..word_starts[g + 1]]`.
    pub word_feats: Vec<u64>,
    pub word_starts: Vec<usize>,
    /// For a token whose position `d` places away lies outside the sentence,
    /// the `<s>`/`</s>` features: `edges[d + 2]`.
    pub edges: [Vec<u64>; 5],
    /// Per sentence: each token's distinct word, and the features that
    /// depend on its position and neighbours.
    pub sentences: Vec<(Vec<u32>, SentFeatures)>,
}

impl LocalFeatures {
    /// The features of distinct word `w` seen from `d` places before it.
    pub fn word_group(&self, group: usize) -> &[u64] {
        match (self.word_starts.get(group), self.word_starts.get(group + 1)) {
            (Some(&a), Some(&b)) => &self.word_feats[a..b],
            _ => &[],
        }
    }
}

/// A hasher for strings: FNV-1a with a final mix.
#[derive(Default, Clone, Copy)]
pub(crate) struct StrHasher(u64);

impl Hasher for StrHasher {
    fn finish(&self) -> u64 {
        mix(self.0)
    }
    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = FNV_OFFSET;
        }
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(FNV_PRIME);
        }
    }
}

/// See [`LocalFeatures`].
pub(crate) fn local_features(doc: &DocTokens, res: &Resources) -> LocalFeatures {
    let (all, ranges) = doc.tokens();
    let p = prepare(&all, ranges);
    let mut out = LocalFeatures {
        word_feats: Vec::new(),
        word_starts: vec![0],
        edges: Default::default(),
        sentences: Vec::with_capacity(p.sentences.len()),
    };
    out.edges[0].push(norm_at(-2, "<s>"));
    out.edges[1].extend([norm_at(-1, "<s>"), short_at(-1, "<s>")]);
    out.edges[3].extend([norm_at(1, "</s>"), short_at(1, "</s>")]);
    out.edges[4].push(norm_at(2, "</s>"));

    // word as written → its index for each sentence casing
    let mut words: HashMap<&str, [u32; 3], BuildHasherDefault<StrHasher>> = HashMap::default();
    for (si, sent) in p.sentences.iter().enumerate() {
        let case = p.cases[si];
        let caps_flag = case.flag();
        let mut ids = Vec::with_capacity(sent.len());
        for t in sent.iter() {
            let slot = &mut words.entry(t.word).or_insert([u32::MAX; 3])[case as usize];
            if *slot == u32::MAX {
                *slot = ((out.word_starts.len() - 1) / 5) as u32;
                push_word_groups(t, caps_flag, res, &mut out);
            }
            ids.push(*slot);
        }
        let s = SentView {
            toks: sent,
            case,
            gaz: gazetteer_marks(sent, &res.gazetteer),
        };
        let mut context = SentFeatures {
            feats: Vec::with_capacity(sent.len() * 16),
            starts: Vec::with_capacity(sent.len() + 1),
        };
        for i in 0..sent.len() {
            context.starts.push(context.feats.len());
            ngram_features(&s, i, &mut context.feats);
            shape_context_features(&s, i, &mut context.feats);
            document_features(&s, i, &p.case, &mut context.feats);
        }
        context.starts.push(context.feats.len());
        out.sentences.push((ids, context));
    }
    out
}

/// The five groups of one distinct word (see [`LocalFeatures`]).
fn push_word_groups(t: &Tok, caps_flag: &str, res: &Resources, out: &mut LocalFeatures) {
    let f = &mut out.word_feats;
    // seen from two places before or after: the normalised word only
    f.push(norm_at(-2, t.norm));
    out.word_starts.push(f.len());
    for d in [-1isize, 0, 1] {
        if d == 0 {
            word_features(t, caps_flag, f);
            affix_features(t, f);
            f.push(shape_feature(t, caps_flag));
            f.push(length_feature(t));
        } else {
            f.push(norm_at(d, t.norm));
            f.push(word_at(d, t.word));
        }
        f.extend(person_name_at(d, t, caps_flag, res));
        f.push(short_at(d, t.short));
        clusters_at(d, t, res, f);
        out.word_starts.push(f.len());
    }
    f.push(norm_at(2, t.norm));
    out.word_starts.push(f.len());
}

/// For each token, the gazetteer matches covering it: (kind mask, BILOU
/// position 0..4, match length). Matches must start with a capitalised or
/// numeric token so that common words do not fire.
fn gazetteer_marks(sent: &[Tok], gaz: &Gazetteer) -> Vec<Vec<(u8, u8, usize)>> {
    let n = sent.len();
    let mut marks = vec![Vec::new(); n];
    if gaz.entries.is_empty() {
        return marks;
    }
    for start in 0..n {
        let first = &sent[start];
        if !(first.first_upper || first.word.starts_with(|c: char| c.is_ascii_digit())) {
            continue;
        }
        let mut h = 0u64;
        let limit = n.min(start + gaz.max_len);
        for (end, tok) in sent.iter().enumerate().take(limit).skip(start) {
            h = chain_key(h, tok.lower_key);
            if let Some(&mask) = gaz.entries.get(&h) {
                let len = end + 1 - start;
                for (k, m) in marks.iter_mut().enumerate().take(end + 1).skip(start) {
                    let pos = if len == 1 {
                        3
                    } else if k == start {
                        0
                    } else if k == end {
                        2
                    } else {
                        1
                    };
                    m.push((mask, pos, len));
                }
            }
        }
    }
    marks
}

const T_FIRST_PASS: u8 = 30;
const T_DOC_WORD_MAJORITY: u8 = 31;
const T_DOC_WORD_KIND: u8 = 32;
const T_DOC_SPAN: u8 = 33;
const T_DOC_PART: u8 = 34;

/// Appends per-token extra features to a sentence's features.
pub(crate) fn with_extra(sf: SentFeatures, extra: &[Vec<u64>]) -> SentFeatures {
    let n = sf.len();
    let mut out = SentFeatures {
        feats: Vec::with_capacity(sf.feats.len() + extra.iter().map(Vec::len).sum::<usize>()),
        starts: Vec::with_capacity(n + 1),
    };
    for i in 0..n {
        out.starts.push(out.feats.len());
        out.feats.extend_from_slice(sf.token(i));
        if let Some(e) = extra.get(i) {
            out.feats.extend_from_slice(e);
        }
    }
    out.starts.push(out.feats.len());
    out
}

/// Second-pass features from first-pass tags over the whole document: how
/// the other mentions of this word were tagged, whether this token sequence
/// was tagged as a name elsewhere, and whether this word was part of a
/// longer name elsewhere (a surname after the full name, `Williamson` after
/// `Chris Williamson`). Each token's own first-pass decision is excluded
/// from the document counts so that training (on held-out first-pass tags)
/// and tagging see the same kind of evidence.
pub(crate) fn stacked_features<S: AsRef<str>>(
    doc: &[Vec<S>],
    first: &[Vec<u8>],
) -> Vec<Vec<Vec<u64>>> {
    stacked_of(&DocTokens::new(doc), first)
        .iter()
        .map(|sf| (0..sf.len()).map(|i| sf.token(i).to_vec()).collect())
        .collect()
}

/// [`stacked_features`] of a document's tokens, one [`SentFeatures`] per
/// sentence (each token's features in the same order).
pub(crate) fn stacked_of(doc: &DocTokens, first: &[Vec<u8>]) -> Vec<SentFeatures> {
    use super::tags::{bilou_spans, split};
    let (all, ranges) = doc.tokens();
    let sentences: Vec<&[Tok<'_>]> = ranges.iter().map(|r| &all[r.clone()]).collect();
    let spans: Vec<Vec<(std::ops::Range<usize>, super::tags::EntityKind)>> =
        first.iter().map(|t| bilou_spans(t)).collect();
    let no_spans = Vec::new();

    // word → counts of first-pass kinds (index 4 = outside)
    let mut word_kinds: HashKeyMap<[u16; 5]> = HashKeyMap::default();
    // lower-cased entity string → kind counts
    let mut span_kinds: HashKeyMap<[u16; 4]> = HashKeyMap::default();
    // word → counts per (kind, position in a multi-word name: first/mid/last)
    let mut part_kinds: HashKeyMap<[[u16; 3]; 4]> = HashKeyMap::default();
    let mut max_len = 0;
    for (si, sent) in sentences.iter().enumerate() {
        for (i, w) in sent.iter().enumerate() {
            let k = first
                .get(si)
                .and_then(|t| t.get(i))
                .and_then(|&t| split(t))
                .map_or(4, |(k, _)| k.index());
            word_kinds.entry(w.lower_key).or_insert([0; 5])[k] += 1;
        }
        for (range, kind) in spans.get(si).unwrap_or(&no_spans) {
            let Some(words) = sent.get(range.clone()) else {
                continue;
            };
            let mut h = 0u64;
            for w in words {
                h = chain_key(h, w.lower_key);
            }
            span_kinds.entry(h).or_insert([0; 4])[kind.index()] += 1;
            max_len = max_len.max(range.len());
            if range.len() >= 2 {
                for (j, w) in words.iter().enumerate() {
                    let pos = part_position(j, range.len());
                    part_kinds.entry(w.lower_key).or_insert([[0; 3]; 4])[kind.index()][pos] += 1;
                }
            }
        }
    }

    let mut out = Vec::with_capacity(sentences.len());
    // Features of name spans found elsewhere, as (token, hash) in the order
    // they are found; merged behind each token's own features.
    let mut span_feats: Vec<(usize, u64)> = Vec::new();
    for (si, sent) in sentences.iter().enumerate() {
        let tags = first.get(si).map(Vec::as_slice).unwrap_or(&[]);
        let sent_spans = spans.get(si).unwrap_or(&no_spans);
        // Own first-pass span of each token, to exclude it from the counts.
        let mut own: Vec<Option<(std::ops::Range<usize>, usize)>> = vec![None; sent.len()];
        for (range, kind) in sent_spans {
            for o in own.iter_mut().take(range.end).skip(range.start) {
                *o = Some((range.clone(), kind.index()));
            }
        }
        // Token sequences tagged as names elsewhere in the document.
        span_feats.clear();
        for start in 0..sent.len() {
            if !sent[start]
                .lower
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let mut h = 0u64;
            let limit = sent.len().min(start + max_len);
            for (end, word) in sent.iter().enumerate().take(limit).skip(start) {
                h = chain_key(h, word.lower_key);
                let Some(counts) = span_kinds.get(&h) else {
                    continue;
                };
                let len = end + 1 - start;
                let mut others = *counts;
                if let Some((r, k)) = &own[start] {
                    if r.start == start && r.end == end + 1 {
                        others[*k] = others[*k].saturating_sub(1);
                    }
                }
                for (k, &c) in others.iter().enumerate() {
                    if c == 0 {
                        continue;
                    }
                    for t in start..=end {
                        let pos = if len == 1 {
                            3
                        } else if t == start {
                            0
                        } else if t == end {
                            2
                        } else {
                            1
                        };
                        span_feats.push((t, Fh::new(T_DOC_SPAN).num(k as u64).num(pos).done()));
                    }
                }
            }
        }
        span_feats.sort_by_key(|&(t, _)| t);
        let mut from_spans = span_feats.iter().peekable();

        let mut sf = SentFeatures {
            feats: Vec::with_capacity(sent.len() * 4 + span_feats.len()),
            starts: Vec::with_capacity(sent.len() + 1),
        };
        for (i, w) in sent.iter().enumerate() {
            sf.starts.push(sf.feats.len());
            let f = &mut sf.feats;
            let tag = tags.get(i).copied().unwrap_or(0);
            f.push(Fh::new(T_FIRST_PASS).num(tag as u64).done());
            if w.lower.chars().next().is_some_and(char::is_alphanumeric) {
                let own_kind = split(tag).map_or(4, |(k, _)| k.index());
                if let Some(counts) = word_kinds.get(&w.lower_key) {
                    let mut others = *counts;
                    others[own_kind] = others[own_kind].saturating_sub(1);
                    let total: u16 = others.iter().sum();
                    if total > 0 {
                        let (best, _) = others.iter().enumerate().fold((4, 0), |b, (k, &c)| {
                            if c > b.1 {
                                (k, c)
                            } else {
                                b
                            }
                        });
                        f.push(
                            Fh::new(T_DOC_WORD_MAJORITY)
                                .num(best as u64)
                                .num(own_kind as u64)
                                .done(),
                        );
                        for (k, &c) in others.iter().take(4).enumerate() {
                            if c > 0 {
                                f.push(Fh::new(T_DOC_WORD_KIND).num(k as u64).done());
                            }
                        }
                    }
                }
                if let Some(parts) = part_kinds.get(&w.lower_key) {
                    for (k, by_pos) in parts.iter().enumerate() {
                        for (pos, &c) in by_pos.iter().enumerate() {
                            let mine = matches!(&own[i], Some((r, ok)) if *ok == k && r.len() >= 2
                                && part_position(i - r.start, r.len()) == pos);
                            if c > mine as u16 {
                                f.push(Fh::new(T_DOC_PART).num(k as u64).num(pos as u64).done());
                            }
                        }
                    }
                }
            }
            while let Some(&(_, h)) = from_spans.next_if(|&&(t, _)| t == i) {
                f.push(h);
            }
        }
        sf.starts.push(sf.feats.len());
        out.push(sf);
    }
    out
}

fn part_position(j: usize, len: usize) -> usize {
    if j == 0 {
        0
    } else if j + 1 == len {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::NerTagger;

    /// Each token's features as tagging assembles them from
    /// [`local_features`], sorted, per sentence.
    fn assembled(lf: &LocalFeatures) -> Vec<Vec<Vec<u64>>> {
        lf.sentences
            .iter()
            .map(|(words, context)| {
                (0..words.len())
                    .map(|i| {
                        let mut f = context.token(i).to_vec();
                        for (g, d) in (-2isize..=2).enumerate() {
                            match i.checked_add_signed(d).and_then(|j| words.get(j)) {
                                Some(&w) => f.extend(lf.word_group(5 * w as usize + g)),
                                None => f.extend(&lf.edges[g]),
                            }
                        }
                        f.sort_unstable();
                        f
                    })
                    .collect()
            })
            .collect()
    }

    fn sorted_per_token(feats: &[SentFeatures]) -> Vec<Vec<Vec<u64>>> {
        feats
            .iter()
            .map(|sf| {
                (0..sf.len())
                    .map(|i| {
                        let mut f = sf.token(i).to_vec();
                        f.sort_unstable();
                        f
                    })
                    .collect()
            })
            .collect()
    }

    fn assert_same_features<S: AsRef<str>>(doc: &[Vec<S>], res: &Resources) {
        let tokens = DocTokens::new(doc);
        let per_token = sorted_per_token(&features_of(&tokens, res));
        let per_word = assembled(&local_features(&tokens, res));
        assert_eq!(per_token.len(), per_word.len());
        for (si, (a, b)) in per_token.iter().zip(&per_word).enumerate() {
            assert_eq!(a, b, "sentence {si}");
        }
    }

    #[test]
    fn per_word_features_are_the_per_token_features() {
        let Ok(tagger) = NerTagger::shipped() else {
            panic!("shipped model");
        };
        let res = &tagger.model.resources;
        let text = "LABOUR ROW DEEPENS OVER NEC VOTE\n\
                    Labour Leader Jeremy Corbyn Faces Fresh Row Over Suspension\n\
                    Labour leader Jeremy Corbyn met Mr. O\u{2019}Neill in Z\u{fc}rich on 3 May 2019. \
                    \u{201C}It is fine,\u{201D} Corbyn said. Corbyn said it again. Bank \
                    of England. The bank said no.\n\nYes\n\nOK then";
        let sentences: Vec<Vec<&str>> = crate::tokenize::tokenize(text)
            .iter()
            .map(|s| s.iter().map(|t| t.text).collect())
            .collect();
        assert!(sentences.iter().any(|s| s.len() == 1));
        assert_same_features(&sentences, res);
        assert_same_features::<&str>(&[], res);
        // The same text without the weights' resources (no gazetteer, no
        // name lists), and with word clusters.
        let mut other = Resources::default();
        other.clusters.ids.insert(key("corbyn"), [1, 2, 3]);
        other.clusters.ids.insert(key("labour"), [4, 5, 6]);
        assert_same_features(&sentences, &other);
    }

    #[test]
    fn per_word_features_on_conll_dev() {
        let shared = std::env::var_os("PARALLAX_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
            });
        let path = shared.join("data/conll2003/dev.txt");
        let Ok(docs) = crate::ner::read_conll(&path) else {
            eprintln!("skipped: no CoNLL dev file at {}", path.display());
            return;
        };
        let Ok(tagger) = NerTagger::shipped() else {
            panic!("shipped model");
        };
        for d in &docs {
            assert_same_features(&d.words(), &tagger.model.resources);
        }
    }
}
