//! Word lists the comparison relies on, shipped as editable data files
//! (`data/lexicon/*.txt`, compiled in with `include_str!`) and overridable
//! from a directory at run time, so that researchers can adapt them to
//! their beat or language variety without rebuilding.

use crate::text::{normalise_word, stem, FastMap, FastSet};
use crate::CompareError;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

const SPELLING: &str = include_str!("../data/lexicon/spelling.txt");
const PARAPHRASE: &str = include_str!("../data/lexicon/paraphrase.txt");
const LOADED: &str = include_str!("../data/lexicon/loaded.txt");
const ATTRIBUTION: &str = include_str!("../data/lexicon/attribution.txt");

fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// British to American spelling, by rules plus a table of exceptions.
#[derive(Debug, Clone, Default)]
pub struct Spelling {
    pairs: FastMap<String, String>,
}

/// Stems ending in `l` that British spelling doubles before `-ed`/`-ing`.
const DOUBLE_L: &[&str] = &[
    "travel", "cancel", "label", "model", "fuel", "signal", "channel", "counsel", "level",
    "marshal", "total", "dial", "equal", "rival", "tunnel", "jewel", "quarrel", "shovel", "marvel",
    "duel", "libel", "pencil", "enrol", "fulfil", "instil", "distil",
];

/// Words ending in `-our` that are not British spellings.
const OUR_KEEP: &[&str] = &[
    "four",
    "hour",
    "your",
    "tour",
    "pour",
    "sour",
    "flour",
    "devour",
    "detour",
    "contour",
    "paramour",
    "troubadour",
    "dour",
    "amour",
];

impl Spelling {
    /// The shipped table.
    pub fn shipped() -> Spelling {
        Spelling::parse(SPELLING).unwrap_or_default()
    }

    /// Parse `british american` pairs, one a line.
    pub fn parse(text: &str) -> Result<Spelling, CompareError> {
        let mut pairs = FastMap::default();
        for (n, line) in data_lines(text) {
            let mut parts = line.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(b), Some(a), None) => {
                    pairs.insert(b.to_lowercase(), a.to_lowercase());
                }
                _ => {
                    return Err(CompareError::Lexicon(format!(
                        "spelling line {n}: expected `british american`, got `{line}`"
                    )))
                }
            }
        }
        Ok(Spelling { pairs })
    }

    /// The American form of a lower-case word (unchanged when already
    /// American or not covered).
    pub fn americanise<'a>(&self, w: &'a str) -> Cow<'a, str> {
        if let Some(a) = self.pairs.get(w) {
            return Cow::Owned(a.clone());
        }
        if w.len() < 5 || !w.is_ascii() {
            return Cow::Borrowed(w);
        }
        for (suffix, repl) in [
            ("isation", "ization"),
            ("isations", "izations"),
            ("ise", "ize"),
            ("ised", "ized"),
            ("ises", "izes"),
            ("ising", "izing"),
            ("iser", "izer"),
            ("isers", "izers"),
            ("yse", "yze"),
            ("ysed", "yzed"),
            ("ysing", "yzing"),
        ] {
            if let Some(head) = w.strip_suffix(suffix) {
                if head.len() >= 2 {
                    return Cow::Owned(format!("{head}{repl}"));
                }
            }
        }
        for suffix in [
            "", "s", "ed", "ing", "ite", "ites", "able", "hood", "hoods", "er", "ers",
        ] {
            if let Some(head) = w.strip_suffix(suffix) {
                if let Some(base) = head.strip_suffix("our") {
                    if base.len() >= 2 && !OUR_KEEP.contains(&head) {
                        return Cow::Owned(format!("{base}or{suffix}"));
                    }
                }
            }
        }
        for suffix in ["tre", "tres"] {
            if let Some(head) = w.strip_suffix(suffix) {
                if head.len() >= 2 {
                    let plural = if suffix.ends_with('s') { "s" } else { "" };
                    return Cow::Owned(format!("{head}ter{plural}"));
                }
            }
        }
        for suffix in ["led", "ling", "ler", "lers"] {
            if let Some(head) = w.strip_suffix(suffix) {
                if DOUBLE_L.contains(&head) {
                    return Cow::Owned(format!("{head}{}", &suffix[1..]));
                }
            }
        }
        Cow::Borrowed(w)
    }
}

/// Whether an attribution verb only reports or also judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VerbTone {
    Neutral,
    Evaluative,
}

/// All the word lists, ready for matching.
#[derive(Debug, Clone)]
pub struct Lexicon {
    pub spelling: Spelling,
    /// Stem sequence → concept name (`["step", "down"]` → `resign`).
    paraphrase: HashMap<Vec<String>, String>,
    /// First stems of the paraphrase forms, to skip most words cheaply.
    paraphrase_first: FastSet<String>,
    /// Longest paraphrase form, in words.
    paraphrase_max: usize,
    /// Loaded terms as stem sequences, with the entry as written and the
    /// section of the list it sits in (the reason a hit gives).
    loaded: Vec<(Vec<String>, String, String)>,
    /// First stem → indices into `loaded`.
    loaded_index: FastMap<String, Vec<usize>>,
    /// Loaded entries that match one word form only (`=claimed`): the
    /// normalised word → (entry as written, section).
    loaded_exact: FastMap<String, (String, String)>,
    /// Verb stem → (base form, tone).
    attribution: FastMap<String, (String, VerbTone)>,
}

impl Lexicon {
    /// The shipped lists, parsed once.
    pub fn shipped() -> &'static Lexicon {
        static SHIPPED: OnceLock<Lexicon> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            // The shipped files are tested to parse; an empty lexicon is a
            // safe fallback that cannot panic.
            Lexicon::from_texts(SPELLING, PARAPHRASE, LOADED, ATTRIBUTION).unwrap_or_else(|_| {
                Lexicon {
                    spelling: Spelling::default(),
                    paraphrase: HashMap::new(),
                    paraphrase_first: FastSet::default(),
                    paraphrase_max: 0,
                    loaded: Vec::new(),
                    loaded_index: FastMap::default(),
                    loaded_exact: FastMap::default(),
                    attribution: FastMap::default(),
                }
            })
        })
    }

    /// Build from the texts of the four files.
    pub fn from_texts(
        spelling: &str,
        paraphrase: &str,
        loaded: &str,
        attribution: &str,
    ) -> Result<Lexicon, CompareError> {
        let spelling = Spelling::parse(spelling)?;
        let mut lex = Lexicon {
            spelling,
            paraphrase: HashMap::new(),
            paraphrase_first: FastSet::default(),
            paraphrase_max: 1,
            loaded: Vec::new(),
            loaded_index: FastMap::default(),
            loaded_exact: FastMap::default(),
            attribution: FastMap::default(),
        };
        for (n, line) in data_lines(paraphrase) {
            let Some((concept, forms)) = line.split_once(':') else {
                return Err(CompareError::Lexicon(format!(
                    "paraphrase line {n}: expected `concept: form, form`, got `{line}`"
                )));
            };
            let concept = concept.trim().to_lowercase();
            if concept.is_empty() {
                return Err(CompareError::Lexicon(format!(
                    "paraphrase line {n}: empty concept"
                )));
            }
            for form in forms.split(',') {
                let stems = lex.stems_of(form);
                if stems.is_empty() {
                    continue;
                }
                lex.paraphrase_max = lex.paraphrase_max.max(stems.len());
                lex.paraphrase_first.insert(stems[0].clone());
                lex.paraphrase.insert(stems, concept.clone());
            }
        }
        // A comment line directly above entries names their section
        // (`# Verbs that pass judgement`); a hit says which one.
        let mut category = String::from("loaded words");
        for line in loaded.lines().map(str::trim) {
            if let Some(c) = line.strip_prefix('#') {
                let c = c.trim();
                if !c.is_empty() {
                    category = c.to_string();
                }
            } else if !line.is_empty() {
                lex.add_loaded_in(line, &category);
            }
        }
        for (n, line) in data_lines(attribution) {
            let mut parts = line.split_whitespace();
            let (Some(verb), Some(tone), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(CompareError::Lexicon(format!(
                    "attribution line {n}: expected `verb neutral|evaluative`, got `{line}`"
                )));
            };
            let tone = match tone {
                "neutral" => VerbTone::Neutral,
                "evaluative" => VerbTone::Evaluative,
                other => {
                    return Err(CompareError::Lexicon(format!(
                        "attribution line {n}: unknown tone `{other}`"
                    )))
                }
            };
            let verb = verb.to_lowercase();
            lex.attribution
                .insert(stem(&normalise_word(&verb, &lex.spelling)), (verb, tone));
        }
        // Irregular past tenses of the commonest speech verbs.
        for (form, base) in [("said", "say"), ("told", "tell"), ("wrote", "write")] {
            if let Some(entry) = lex.attribution.get(base).cloned() {
                lex.attribution.insert(form.to_string(), entry);
            }
        }
        Ok(lex)
    }

    /// The shipped lists with any of `spelling.txt`, `paraphrase.txt`,
    /// `loaded.txt`, `attribution.txt` found in `dir` used instead.
    pub fn with_overrides(dir: &Path) -> Result<Lexicon, CompareError> {
        let read = |name: &str, default: &'static str| -> Result<Cow<'static, str>, CompareError> {
            let path = dir.join(name);
            if path.exists() {
                std::fs::read_to_string(&path)
                    .map(Cow::Owned)
                    .map_err(|e| CompareError::Lexicon(format!("{}: {e}", path.display())))
            } else {
                Ok(Cow::Borrowed(default))
            }
        };
        Lexicon::from_texts(
            &read("spelling.txt", SPELLING)?,
            &read("paraphrase.txt", PARAPHRASE)?,
            &read("loaded.txt", LOADED)?,
            &read("attribution.txt", ATTRIBUTION)?,
        )
    }

    /// Add one loaded term (word or phrase), in a section of its own.
    pub fn add_loaded(&mut self, term: &str) {
        self.add_loaded_in(term, "added at run time");
    }

    /// Add one loaded term under a section name (the reason its hits give).
    pub fn add_loaded_in(&mut self, term: &str, category: &str) {
        if let Some(form) = term.trim().strip_prefix('=') {
            let norm = normalise_word(&form.trim().to_lowercase(), &self.spelling);
            if !norm.is_empty() {
                self.loaded_exact
                    .insert(norm, (form.trim().to_string(), category.to_string()));
            }
            return;
        }
        let stems = self.stems_of(term);
        if let Some(first) = stems.first() {
            self.loaded_index
                .entry(first.clone())
                .or_default()
                .push(self.loaded.len());
            self.loaded
                .push((stems, term.trim().to_string(), category.to_string()));
        }
    }

    fn stems_of(&self, phrase: &str) -> Vec<String> {
        crate::text::words(phrase, 0..phrase.len(), &self.spelling)
            .into_iter()
            .map(|w| w.stem)
            .collect()
    }

    /// The paraphrase concept for the stems starting at `stems[0]`, with
    /// how many stems it covers (longest match first).
    pub fn paraphrase_at(&self, stems: &[&str]) -> Option<(&str, usize)> {
        if !stems
            .first()
            .is_some_and(|f| self.paraphrase_first.contains(*f))
        {
            return None;
        }
        let max = self.paraphrase_max.min(stems.len());
        let mut key: Vec<String> = Vec::with_capacity(max);
        for n in (1..=max).rev() {
            key.clear();
            key.extend(stems[..n].iter().map(|s| s.to_string()));
            if let Some(c) = self.paraphrase.get(&key) {
                return Some((c.as_str(), n));
            }
        }
        None
    }

    /// Loaded terms starting at `stems[0]`: (entry as written, words
    /// covered). Longest first.
    pub fn loaded_at(&self, stems: &[&str]) -> Option<(&str, usize)> {
        self.loaded_entry_at(stems).map(|(term, _, n)| (term, n))
    }

    /// A loaded entry for exactly this normalised word form (`=claimed`):
    /// (entry, section).
    pub fn loaded_exact(&self, norm: &str) -> Option<(&str, &str)> {
        self.loaded_exact
            .get(norm)
            .map(|(t, c)| (t.as_str(), c.as_str()))
    }

    /// Like [`Lexicon::loaded_at`], with the entry's section:
    /// (entry, section, words covered).
    pub fn loaded_entry_at(&self, stems: &[&str]) -> Option<(&str, &str, usize)> {
        let first = stems.first()?;
        let candidates = self.loaded_index.get(*first)?;
        candidates
            .iter()
            .filter_map(|&i| self.loaded.get(i))
            .filter(|(seq, _, _)| {
                seq.len() <= stems.len() && seq.iter().zip(stems).all(|(a, b)| a == b)
            })
            .max_by_key(|(seq, _, _)| seq.len())
            .map(|(seq, term, cat)| (term.as_str(), cat.as_str(), seq.len()))
    }

    /// The attribution verb a stem belongs to, with its tone.
    pub fn attribution(&self, stem: &str) -> Option<(&str, VerbTone)> {
        self.attribution
            .get(stem)
            .map(|(verb, tone)| (verb.as_str(), *tone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_files_parse() {
        Lexicon::from_texts(SPELLING, PARAPHRASE, LOADED, ATTRIBUTION).expect("shipped lexicon");
        let lex = Lexicon::shipped();
        assert!(lex.loaded.len() > 50);
        assert_eq!(lex.paraphrase_at(&["quit"]), Some(("resign", 1)));
        assert_eq!(
            lex.paraphrase_at(&["step", "down", "x"]),
            Some(("resign", 2))
        );
        assert_eq!(lex.attribution("said"), Some(("say", VerbTone::Neutral)));
        assert_eq!(
            lex.attribution("claim"),
            Some(("claim", VerbTone::Evaluative))
        );
    }

    #[test]
    fn americanises() {
        let s = Spelling::shipped();
        for (b, a) in [
            ("delegitimise", "delegitimize"),
            ("normalise", "normalize"),
            ("organisation", "organization"),
            ("neighbourhoods", "neighborhoods"),
            ("defence", "defense"),
            ("centre", "center"),
            ("travelled", "traveled"),
            ("analyse", "analyze"),
            ("favourite", "favorite"),
        ] {
            assert_eq!(s.americanise(b), a, "{b}");
        }
        for w in ["four", "hour", "your", "tour", "called", "size"] {
            assert_eq!(s.americanise(w), w);
        }
    }

    #[test]
    fn bad_files_are_errors() {
        assert!(Spelling::parse("one two three").is_err());
        assert!(Lexicon::from_texts("", "no colon here", "", "").is_err());
        assert!(Lexicon::from_texts("", "", "", "say loudly").is_err());
        assert!(Lexicon::from_texts("", "", "", "say").is_err());
    }

    #[test]
    fn loaded_terms_match_inflections() {
        let lex = Lexicon::shipped();
        assert_eq!(lex.loaded_at(&["smear"]).map(|x| x.0), Some("smear"));
        let campaign = ["smear", "campaign"];
        assert_eq!(lex.loaded_at(&campaign), Some(("smear campaign", 2)));
        assert_eq!(lex.loaded_at(&["witch", "hunt"]).map(|x| x.1), Some(2));
    }
}
