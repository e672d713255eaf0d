//! A deterministic synthetic news stream for benchmarks (not for quality
//! claims: real articles are messier).
//!
//! Articles are 300–800 words: mostly background words drawn from a Zipf
//! law over a 30,000-word vocabulary (the shape of real English), plus words
//! of the event's kind (shared by every event of that kind), words and
//! capitalised names of the event itself, and names shared by the events of
//! one story arc. Dates advance steadily; each event runs for one to four
//! days. The stream is generated on the fly, so a million articles need no
//! storage.

use crate::stories::StoryInput;
use chrono::{Days, NaiveDate};

/// Small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "tu", "ve", "sa", "no", "pe", "di", "ba", "gor", "len", "tas", "mur",
    "fel", "dan", "rik", "sol", "ter", "vin", "cal", "hop", "jun", "wex", "zan", "ple", "bru",
    "ost", "ard",
];

/// A made-up word from a number: distinct numbers give distinct words.
fn word(mut n: usize) -> String {
    let mut out = String::new();
    loop {
        out.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
    out
}

fn capitalised(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[derive(Debug, Clone)]
struct SynthEvent {
    id: u64,
    kind: usize,
    arc: u64,
    start: NaiveDate,
    days: u64,
    words: Vec<String>,
    names: Vec<String>,
}

/// Settings of the synthetic stream.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    pub seed: u64,
    pub articles_per_day: usize,
    pub background_words: usize,
    pub kinds: usize,
    /// Events live at one time.
    pub concurrent_events: usize,
    /// Chance that a new event continues an earlier arc.
    pub arc_continuation: f64,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            seed: 42,
            articles_per_day: 1_000,
            background_words: 30_000,
            kinds: 60,
            concurrent_events: 150,
            arc_continuation: 0.3,
        }
    }
}

/// An endless stream of synthetic articles with their true event and arc.
#[derive(Debug)]
pub struct SynthStream {
    config: SynthConfig,
    rng: Rng,
    zipf_cdf: Vec<f64>,
    background: Vec<String>,
    kind_words: Vec<Vec<String>>,
    active: Vec<SynthEvent>,
    arcs: Vec<(u64, Vec<String>)>,
    next_event: u64,
    next_word: usize,
    produced: u64,
    start: NaiveDate,
}

/// One generated article with its truth.
#[derive(Debug, Clone)]
pub struct SynthArticle {
    pub input: StoryInput,
    pub event: u64,
    pub arc: u64,
}

impl SynthStream {
    pub fn new(config: SynthConfig) -> Self {
        let mut rng = Rng(config.seed);
        let n = config.background_words.max(100);
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 1..=n {
            total += 1.0 / (rank as f64).powf(1.07);
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        let background: Vec<String> = (0..n).map(|i| word(i + 1000)).collect();
        let mut next_word = n + 2000;
        let kind_words = (0..config.kinds.max(1))
            .map(|_| {
                (0..30)
                    .map(|_| {
                        next_word += 1 + rng.below(3);
                        word(next_word)
                    })
                    .collect()
            })
            .collect();
        SynthStream {
            config,
            rng,
            zipf_cdf: cdf,
            background,
            kind_words,
            active: Vec::new(),
            arcs: Vec::new(),
            next_event: 0,
            next_word,
            produced: 0,
            start: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap_or_default(),
        }
    }

    fn fresh_word(&mut self) -> String {
        self.next_word += 1 + self.rng.below(5);
        word(self.next_word)
    }

    fn new_event(&mut self, today: NaiveDate) -> SynthEvent {
        let id = self.next_event;
        self.next_event += 1;
        let continue_arc = !self.arcs.is_empty() && self.rng.unit() < self.config.arc_continuation;
        let (arc, arc_names) = if continue_arc {
            let pick = self.rng.below(self.arcs.len());
            self.arcs[pick].clone()
        } else {
            let names: Vec<String> = (0..3).map(|_| capitalised(&self.fresh_word())).collect();
            self.arcs.push((id, names.clone()));
            if self.arcs.len() > 2_000 {
                self.arcs.remove(0);
            }
            (id, names)
        };
        let words = (0..12).map(|_| self.fresh_word()).collect();
        let mut names: Vec<String> = (0..4).map(|_| capitalised(&self.fresh_word())).collect();
        names.extend(arc_names);
        SynthEvent {
            id,
            kind: self.rng.below(self.kind_words.len()),
            arc,
            start: today,
            days: 1 + self.rng.below(4) as u64,
            words,
            names,
        }
    }

    fn background_word(&mut self) -> &str {
        let u = self.rng.unit();
        let i = self.zipf_cdf.partition_point(|&c| c < u);
        &self.background[i.min(self.background.len() - 1)]
    }
}

impl Iterator for SynthStream {
    type Item = SynthArticle;

    fn next(&mut self) -> Option<SynthArticle> {
        let day = self.produced / self.config.articles_per_day.max(1) as u64;
        let today = self.start.checked_add_days(Days::new(day))?;
        self.active.retain(|e| {
            e.start
                .checked_add_days(Days::new(e.days))
                .is_some_and(|end| end > today)
        });
        while self.active.len() < self.config.concurrent_events.max(1) {
            let e = self.new_event(today);
            self.active.push(e);
        }
        let event = self.active[self.rng.below(self.active.len())].clone();
        let length = 300 + self.rng.below(501);
        let mut text = String::with_capacity(length * 7);
        let mut sentence = 0usize;
        let mut capital_next = true;
        for _ in 0..length {
            let roll = self.rng.unit();
            let w: String = if roll < 0.75 {
                self.background_word().to_owned()
            } else if roll < 0.85 {
                let kw = &self.kind_words[event.kind];
                kw[self.rng.below(kw.len())].clone()
            } else if roll < 0.96 {
                event.words[self.rng.below(event.words.len())].clone()
            } else {
                event.names[self.rng.below(event.names.len())].clone()
            };
            if capital_next {
                text.push_str(&capitalised(&w));
                capital_next = false;
            } else {
                text.push_str(&w);
            }
            sentence += 1;
            if sentence >= 12 + self.rng.below(9) {
                text.push_str(". ");
                sentence = 0;
                capital_next = true;
                if self.rng.below(5) == 0 {
                    text.push_str("\n\n");
                }
            } else {
                text.push(' ');
            }
        }
        let mut title_words = Vec::new();
        for _ in 0..6 {
            let w = if self.rng.below(3) == 0 {
                event.names[self.rng.below(event.names.len())].clone()
            } else {
                event.words[self.rng.below(event.words.len())].clone()
            };
            title_words.push(w);
        }
        let n = self.produced;
        self.produced += 1;
        Some(SynthArticle {
            input: StoryInput {
                id: format!("synth-{n}"),
                title: Some(capitalised(&title_words.join(" "))),
                text,
                date: Some(today),
                outlet: None,
                entities: Vec::new(),
            },
            event: event.id,
            arc: event.arc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_is_deterministic_and_realistic_in_length() {
        let a: Vec<SynthArticle> = SynthStream::new(SynthConfig::default()).take(50).collect();
        let b: Vec<SynthArticle> = SynthStream::new(SynthConfig::default()).take(50).collect();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.input, y.input);
            let words = x.input.text.split_whitespace().count();
            assert!((300..=800).contains(&words), "{words}");
        }
        assert!(
            a.iter()
                .map(|x| x.event)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                > 10
        );
    }
}
