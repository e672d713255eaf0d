//! What kind of document an article is: news (reported, a wire copy, a
//! live blog) or something a reader weighs apart (opinion, letters to the
//! editor, a press release). Decided from what the page says about itself
//! (its markup's type or section), its address, its title, its byline and
//! the opening of its text, in that order; each verdict says which signal
//! decided it. Without a signal an article is news: the label is a claim
//! and needs evidence.

use parallax_model::Article;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of an article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    /// Reported news (the default: no signal says otherwise).
    #[default]
    News,
    /// A news agency's copy (`CITY, May 4 (Reuters) -`).
    Wire,
    /// A running page of timestamped updates.
    LiveBlog,
    /// Opinion, commentary, editorials, columns.
    Opinion,
    /// Letters to the editor.
    Letters,
    /// A press release.
    PressRelease,
}

impl DocKind {
    /// News coverage: counted as an outlet's report of the event. Opinion,
    /// letters and press releases are kept and shown, but counted apart.
    pub fn is_news(self) -> bool {
        matches!(self, DocKind::News | DocKind::Wire | DocKind::LiveBlog)
    }

    pub fn label(self) -> &'static str {
        match self {
            DocKind::News => "news",
            DocKind::Wire => "wire copy",
            DocKind::LiveBlog => "live blog",
            DocKind::Opinion => "opinion",
            DocKind::Letters => "letters",
            DocKind::PressRelease => "press release",
        }
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A verdict with the signal that decided it (absent for plain news).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindVerdict {
    pub kind: DocKind,
    pub why: Option<String>,
}

fn verdict(kind: DocKind, why: String) -> Option<KindVerdict> {
    Some(KindVerdict {
        kind,
        why: Some(why),
    })
}

/// The kind named by a word or phrase of a type, section, path or title.
fn kind_of_label(label: &str) -> Option<DocKind> {
    let l = label.to_lowercase();
    let has = |w: &str| l.contains(w);
    if has("letters") || has("letter to the editor") || has("letters-to-the-editor") {
        Some(DocKind::Letters)
    } else if has("opinion")
        || has("commentary")
        || has("editorial")
        || has("op-ed")
        || has("oped")
        || has("columnist")
        || has("commentisfree")
    {
        Some(DocKind::Opinion)
    } else if has("liveblog") || has("live-blog") || has("live blog") || has("live-updates") {
        Some(DocKind::LiveBlog)
    } else if has("press release") || has("press-release") || has("pressrelease") {
        Some(DocKind::PressRelease)
    } else {
        None
    }
}

/// Hosts that publish nothing but press releases.
const RELEASE_HOSTS: &[&str] = &[
    "prnewswire.com",
    "businesswire.com",
    "globenewswire.com",
    "accesswire.com",
    "einpresswire.com",
    "prweb.com",
];

/// Agencies whose name in a dateline marks a wire copy.
const AGENCIES: &[&str] = &[
    "AP",
    "Reuters",
    "AFP",
    "Bloomberg",
    "UPI",
    "dpa",
    "PA",
    "Xinhua",
];

fn from_genre(genre: &str) -> Option<KindVerdict> {
    let (what, value) = genre.split_once(": ").unwrap_or(("", genre));
    if what == "type" {
        let kind = match value {
            "OpinionNewsArticle" | "Review" => Some(DocKind::Opinion),
            "LiveBlogPosting" => Some(DocKind::LiveBlog),
            _ => None,
        };
        if let Some(kind) = kind {
            return verdict(kind, format!("the page's markup: @type {value}"));
        }
        return None;
    }
    kind_of_label(value).and_then(|kind| verdict(kind, format!("the page's section: {value}")))
}

fn from_url(url: &str) -> Option<KindVerdict> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_lowercase();
    if RELEASE_HOSTS
        .iter()
        .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        return verdict(DocKind::PressRelease, format!("address: {host}"));
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    // Only whole path segments (not words inside a slug: a news story
    // about an editorial is news).
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        let s = seg.to_lowercase();
        let kind = match s.as_str() {
            "opinion" | "opinions" | "commentary" | "editorial" | "editorials" | "op-ed"
            | "oped" | "columnists" | "columns" | "commentisfree" | "comment" | "views" => {
                Some(DocKind::Opinion)
            }
            "letters" | "letters-to-the-editor" | "letter-to-the-editor" => Some(DocKind::Letters),
            "live" | "liveblog" | "live-blog" | "live-updates" | "live-news" => {
                Some(DocKind::LiveBlog)
            }
            "press-release" | "press-releases" | "pressreleases" | "news-releases" => {
                Some(DocKind::PressRelease)
            }
            _ if i == last && s.starts_with("live-updates") => Some(DocKind::LiveBlog),
            _ => None,
        };
        if let Some(kind) = kind {
            return verdict(kind, format!("address: /{seg}/"));
        }
    }
    None
}

fn from_title(title: &str) -> Option<KindVerdict> {
    let t = title.trim();
    let lower = t.to_lowercase();
    let lead = |p: &str| {
        lower.starts_with(p)
            && lower[p.len()..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| matches!(c, ':' | '|' | '-' | '–' | '—'))
    };
    let kind = if lower.starts_with("letters to the editor") || lead("letters") || lead("letter") {
        Some(DocKind::Letters)
    } else if lead("opinion")
        || lead("op-ed")
        || lead("editorial")
        || lead("commentary")
        || lead("column")
        || lead("analysis and opinion")
    {
        Some(DocKind::Opinion)
    } else if lead("live") || lower.starts_with("live updates") || lower.ends_with("as it happened")
    {
        Some(DocKind::LiveBlog)
    } else {
        None
    };
    kind.and_then(|k| verdict(k, format!("title: {t}")))
}

fn from_author(author: &str) -> Option<KindVerdict> {
    let lower = author.to_lowercase();
    if lower.contains("editorial board") || lower == "the editors" || lower == "editorial" {
        verdict(DocKind::Opinion, format!("byline: {author}"))
    } else if lower.contains("letters to the editor") || lower == "readers' letters" {
        verdict(DocKind::Letters, format!("byline: {author}"))
    } else {
        None
    }
}

/// `CITY, May 4 (Reuters) -` or `CITY (AP) —` at the start of the text.
fn wire_dateline(head: &str) -> Option<String> {
    let line = head.lines().find(|l| !l.trim().is_empty())?.trim_start();
    let open = line.get(..160).map_or(line, |_| {
        let mut end = 160;
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        &line[..end]
    });
    let start = open.find('(')?;
    let before = &open[..start];
    // The place is written in capitals (`LONDON`, `NEW YORK`, `CORVEL`).
    let place: String = before
        .split(',')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    if place.len() < 2 || place.chars().any(|c| c.is_lowercase()) || before.len() > 60 {
        return None;
    }
    let close = open[start..].find(')')? + start;
    let agency = open[start + 1..close].trim();
    let after = open[close + 1..].trim_start();
    if !after.starts_with(['-', '–', '—']) {
        return None;
    }
    let known = AGENCIES.iter().any(|a| a.eq_ignore_ascii_case(agency));
    let wire_name = agency.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        w == "wire" || w == "news" || w == "press" || w == "agency"
    });
    (known || wire_name).then(|| format!("dateline: {}", &open[..close + 1]))
}

fn from_text(text: &str) -> Option<KindVerdict> {
    let head = parallax_model::text_opening(text, 600);
    if head
        .trim_start()
        .to_uppercase()
        .starts_with("FOR IMMEDIATE RELEASE")
    {
        return verdict(
            DocKind::PressRelease,
            "text opens FOR IMMEDIATE RELEASE".into(),
        );
    }
    wire_dateline(head).and_then(|why| verdict(DocKind::Wire, why))
}

/// The kind of `article`, with the signal that decided it.
pub fn classify(article: &Article) -> KindVerdict {
    article
        .genre
        .as_deref()
        .and_then(from_genre)
        .or_else(|| article.url.as_deref().and_then(from_url))
        .or_else(|| article.title.as_deref().and_then(from_title))
        .or_else(|| article.author.as_deref().and_then(from_author))
        .or_else(|| from_text(&article.text))
        .unwrap_or(KindVerdict {
            kind: DocKind::News,
            why: None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(url: Option<&str>, title: &str, author: Option<&str>, text: &str) -> Article {
        Article {
            id: "a".into(),
            origin: parallax_model::Origin::file("a"),
            format: parallax_model::SourceFormat::Text,
            url: url.map(str::to_string),
            outlet: None,
            title: Some(title.to_string()),
            author: author.map(str::to_string),
            published: None,
            language: None,
            text: text.to_string(),
            blocks: Vec::new(),
            removed: Vec::new(),
            offsets: Default::default(),
            warnings: Vec::new(),
            outlet_via: None,
            genre: None,
        }
    }

    #[test]
    fn signals_in_order_and_news_by_default() {
        let plain = "The council met on Monday and voted to close the ferry.";
        let k = |url: Option<&str>, title: &str, author: Option<&str>, text: &str| {
            classify(&article(url, title, author, text))
        };
        let v = k(
            Some("https://www.example.com/opinion/2026/05/04/ferry"),
            "Ferry",
            None,
            plain,
        );
        assert_eq!(v.kind, DocKind::Opinion);
        assert_eq!(v.why.as_deref(), Some("address: /opinion/"));
        // A word inside a slug is not a section.
        let v = k(
            Some("https://www.example.com/news/editorial-board-resigns"),
            "Editorial board resigns",
            None,
            plain,
        );
        assert_eq!(v.kind, DocKind::News);
        assert_eq!(
            k(None, "Letters: the ferry must stay", None, plain).kind,
            DocKind::Letters
        );
        assert_eq!(
            k(None, "Opinion | Close the ferry", None, plain).kind,
            DocKind::Opinion
        );
        assert_eq!(
            k(None, "Ferry", Some("The Editorial Board"), plain).kind,
            DocKind::Opinion
        );
        assert_eq!(
            k(
                Some("https://www.prnewswire.com/news-releases/x.html"),
                "X",
                None,
                plain
            )
            .kind,
            DocKind::PressRelease
        );
        let wire = k(
            None,
            "Ferry closes",
            None,
            "SALTMERE, June 16 (Meridian Wire) - The ferry closed on Monday.",
        );
        assert_eq!(wire.kind, DocKind::Wire);
        assert_eq!(
            wire.why.as_deref(),
            Some("dateline: SALTMERE, June 16 (Meridian Wire)")
        );
        assert_eq!(
            k(None, "Ferry", None, "LONDON (AP) — The ferry closed.").kind,
            DocKind::Wire
        );
        // A parenthesis that is not an agency, or a place not in capitals.
        assert_eq!(
            k(None, "Ferry", None, "London (pictured) - the ferry.").kind,
            DocKind::News
        );
        assert_eq!(k(None, "Ferry", None, plain).kind, DocKind::News);
        assert!(k(None, "Ferry", None, plain).why.is_none());
        let mut marked = article(None, "Ferry", None, plain);
        marked.genre = Some("type: OpinionNewsArticle".into());
        assert_eq!(classify(&marked).kind, DocKind::Opinion);
        marked.genre = Some("section: Letters to the Editor".into());
        assert_eq!(classify(&marked).kind, DocKind::Letters);
        marked.genre = Some("section: Politics".into());
        assert_eq!(classify(&marked).kind, DocKind::News);
        assert!(DocKind::Wire.is_news() && !DocKind::Letters.is_news());
    }
}
