//! From what an input says about its publisher to one canonical outlet,
//! and how that was decided.

use crate::Registry;
use serde::{Deserialize, Serialize};

/// How an article's outlet was decided, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResolvedVia {
    /// The user said so (`--outlet`, a manifest row).
    User,
    /// The article URL's domain.
    Domain,
    /// A publisher field: JSONL `outlet`, `og:site_name`, JSON-LD
    /// `publisher`, a feed's title.
    Field,
    /// A dateline naming an agency at the start of the text (`(JTA) —`).
    Dateline,
    /// The text names the outlet in its own first-person voice ("an
    /// associate editor of The Electronic Intifada and co-host of our
    /// podcast").
    SelfReference,
}

impl ResolvedVia {
    pub fn as_str(self) -> &'static str {
        match self {
            ResolvedVia::User => "user",
            ResolvedVia::Domain => "domain",
            ResolvedVia::Field => "field",
            ResolvedVia::Dateline => "dateline",
            ResolvedVia::SelfReference => "self-reference",
        }
    }
}

/// A canonical outlet with the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// The registry's name, or the user's own words for an outlet the
    /// registry does not know (only for [`ResolvedVia::User`] and
    /// [`ResolvedVia::Field`]).
    pub outlet: String,
    pub via: ResolvedVia,
    /// What was read: the domain, the field's value, the sentence.
    pub evidence: String,
    /// Whether the registry knows the outlet (and so its ratings).
    pub known: bool,
}

/// What an input says about who published it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signals<'a> {
    /// An outlet the user named for this input.
    pub user: Option<&'a str>,
    pub url: Option<&'a str>,
    /// The publisher as a field of the input gave it.
    pub field: Option<&'a str>,
    /// The article text, for datelines and self-references.
    pub text: &'a str,
}

/// How much of the text is searched for a self-reference.
const SELF_REFERENCE_BYTES: usize = 64 * 1024;

impl Registry {
    /// The outlet of an input: the user's word, then the URL's domain, then
    /// a publisher field, then a dateline, then a first-person
    /// self-reference. `None` when nothing names a publisher: the outlet
    /// is unknown, and is shown so.
    pub fn resolve(&self, s: &Signals<'_>) -> Option<Resolution> {
        let known = |outlet: &crate::Outlet, via, evidence: &str| Resolution {
            outlet: outlet.name.clone(),
            via,
            evidence: evidence.to_string(),
            known: true,
        };
        if let Some(user) = s.user.map(str::trim).filter(|u| !u.is_empty()) {
            return Some(match self.by_name(user) {
                Some(o) => known(o, ResolvedVia::User, user),
                None => Resolution {
                    outlet: user.to_string(),
                    via: ResolvedVia::User,
                    evidence: user.to_string(),
                    known: false,
                },
            });
        }
        if let Some(url) = s.url {
            if let Some(o) = self.by_domain(url) {
                let host = crate::host_of(url).unwrap_or_default();
                return Some(known(o, ResolvedVia::Domain, &host));
            }
        }
        if let Some(field) = s.field.map(str::trim).filter(|f| !f.is_empty()) {
            if let Some(o) = self.by_name(field) {
                return Some(known(o, ResolvedVia::Field, field));
            }
        }
        if let Some((o, evidence)) = self.dateline(s.text) {
            return Some(known(o, ResolvedVia::Dateline, &evidence));
        }
        if let Some((o, evidence)) = self.self_reference(s.text) {
            return Some(known(o, ResolvedVia::SelfReference, &evidence));
        }
        // A publisher field the registry does not know is still the
        // input's own statement: kept as written.
        s.field
            .map(str::trim)
            .filter(|f| !f.is_empty() && f.chars().count() <= 80)
            .map(|f| Resolution {
                outlet: f.to_string(),
                via: ResolvedVia::Field,
                evidence: f.to_string(),
                known: false,
            })
    }

    /// `(JTA) —` or `WASHINGTON (AP) -` within the first line.
    fn dateline(&self, text: &str) -> Option<(&crate::Outlet, String)> {
        let head = crate::prefix(text, 300);
        let open = head.find('(')?;
        let close = open + head[open..].find(')')?;
        let inside = &head[open + 1..close];
        let after = head[close + 1..].trim_start();
        let dash = after.starts_with(['—', '–', '-']);
        let short = (1..=40).contains(&inside.chars().count());
        if !(dash && short) {
            return None;
        }
        let o = self.by_name(inside)?;
        Some((o, head[..close + 1].trim().to_string()))
    }

    /// A sentence that names an outlet and speaks in the first person
    /// plural outside quotation marks (`our podcast`, `we reported`): the
    /// text is the outlet's own. Quotes and reported interviews ("told the
    /// BBC") never count, since articles name other outlets all the time.
    fn self_reference(&self, text: &str) -> Option<(&crate::Outlet, String)> {
        let text = crate::prefix(text, SELF_REFERENCE_BYTES);
        for sentence in text.split_inclusive(['.', '\n']) {
            if !has_first_person_plural(sentence) {
                continue;
            }
            if let Some(o) = self.named_in(sentence) {
                let evidence: String = sentence.trim().chars().take(200).collect();
                return Some((o, evidence));
            }
        }
        None
    }

    /// An outlet whose name or alias of two words or more (or a
    /// capitalised single word of 4+ letters) appears in `sentence`.
    fn named_in(&self, sentence: &str) -> Option<&crate::Outlet> {
        let words: Vec<&str> = sentence
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
            .filter(|w| !w.is_empty())
            .collect();
        for len in (1..=5).rev() {
            for window in words.windows(len) {
                let starts_capital = window[0].chars().next().is_some_and(char::is_uppercase);
                if !starts_capital {
                    continue;
                }
                let phrase = window.join(" ");
                let single_ok = len > 1 || phrase.chars().count() >= 4;
                if !single_ok {
                    continue;
                }
                if let Some(o) = self.by_name(&phrase) {
                    return Some(o);
                }
            }
        }
        None
    }
}

/// `our`, `we`, `us` as words outside double quotation marks.
fn has_first_person_plural(sentence: &str) -> bool {
    let mut inside = false;
    let mut outside = String::with_capacity(sentence.len());
    for c in sentence.chars() {
        match c {
            '"' => inside = !inside,
            '“' => inside = true,
            '”' => inside = false,
            _ if !inside => outside.push(c),
            _ => {}
        }
    }
    outside
        .split(|c: char| !c.is_alphabetic())
        .any(|w| matches!(w, "our" | "Our" | "we" | "We"))
}
