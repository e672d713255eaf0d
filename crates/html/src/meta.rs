//! Page metadata: title, date, author, outlet, canonical URL, language.
//!
//! Sources are tried from the most explicit (OpenGraph, JSON-LD, article
//! meta tags) to the most inferred (`<h1>`, `<title>`, dates in the URL);
//! the extractor's own guesses fill the remaining gaps.

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::LazyLock;
use trafilatura::dom::Document;

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// JSON-LD `articleBody`, when the page publishes one.
    pub ld_body: Option<String>,
    /// What kind of piece the page says it is: a specific JSON-LD type
    /// (`OpinionNewsArticle`, `LiveBlogPosting`, `Report`…) or its section
    /// (`article:section`, JSON-LD `articleSection`), as `type: …` or
    /// `section: …`.
    pub genre: Option<String>,
}

#[derive(Default)]
struct LdArticle {
    headline: Option<String>,
    published: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
    body: Option<String>,
    /// The first specific `@type` (not plain `Article`/`NewsArticle`).
    kind: Option<String>,
    section: Option<String>,
}

const ARTICLE_TYPES: [&str; 11] = [
    "LiveBlogPosting",
    "Report",
    "Review",
    "Article",
    "NewsArticle",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "ScholarlyArticle",
    "TechArticle",
];

pub(crate) fn clean(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

fn type_matches(v: &Value) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(a)) => a
            .iter()
            .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
        _ => false,
    }
}

fn names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.extend(clean(s)),
        Value::Array(a) => a.iter().for_each(|x| names(x, out)),
        Value::Object(o) => {
            if let Some(n) = o.get("name") {
                names(n, out)
            }
        }
        _ => {}
    }
}

fn walk_ld(v: &Value, found: &mut LdArticle, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk_ld(x, found, depth + 1)),
        Value::Object(o) => {
            if type_matches(v) {
                let s = |k: &str| o.get(k).and_then(Value::as_str).and_then(clean);
                if found.headline.is_none() {
                    found.headline = s("headline").or_else(|| s("name"));
                }
                if found.published.is_none() {
                    found.published = s("datePublished").or_else(|| s("dateCreated"));
                }
                if found.authors.is_empty() {
                    if let Some(a) = o.get("author").or_else(|| o.get("creator")) {
                        names(a, &mut found.authors);
                    }
                }
                if found.publisher.is_none() {
                    if let Some(p) = o.get("publisher") {
                        let mut n = Vec::new();
                        names(p, &mut n);
                        found.publisher = n.into_iter().next();
                    }
                }
                if found.kind.is_none() {
                    let specific = |t: &str| !matches!(t, "Article" | "NewsArticle");
                    found.kind = match o.get("@type") {
                        Some(Value::String(t)) if specific(t) => Some(t.clone()),
                        Some(Value::Array(a)) => a
                            .iter()
                            .filter_map(Value::as_str)
                            .find(|t| specific(t))
                            .map(str::to_string),
                        _ => None,
                    };
                }
                if found.section.is_none() {
                    found.section = match o.get("articleSection") {
                        Some(Value::String(t)) => clean(t),
                        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).find_map(clean),
                        _ => None,
                    };
                }
                if found.body.is_none() {
                    found.body = o
                        .get("articleBody")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
            }
            for (k, x) in o {
                if k == "@graph" || k == "mainEntity" || k == "itemListElement" {
                    walk_ld(x, found, depth + 1);
                }
            }
        }
        _ => {}
    }
}

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"((?:19|20)\d\d)[-/.](\d\d?)[-/.](\d\d?)").expect("static regex"));
static COMPACT_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((?:19|20)\d\d)(\d\d)(\d\d)").expect("static regex"));
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"/((?:19|20)\d\d)[/-](\d\d?)[/-](\d\d?)(?:[/-]|$)|[/-]((?:19|20)\d\d)(\d\d)(\d\d)[/-]",
    )
    .expect("static regex")
});
static TEXT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d\d?)(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b|\b(\d\d?)(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d\d)\b")
        .expect("static regex")
});

fn month_number(m: &str) -> Option<u32> {
    let m = m.get(..3)?.to_ascii_lowercase();
    let i = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| *x == m)?;
    Some(i as u32 + 1)
}

fn ymd(y: &str, m: u32, d: u32) -> Option<String> {
    let year: u32 = y.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d) && (1990..=2100).contains(&year))
        .then(|| format!("{year:04}-{m:02}-{d:02}"))
}

/// Normalise a date string (ISO, RFC 3339, `2019/11/19`, `20191119`,
/// `November 19, 2019`, `19 Nov 2019`) to `YYYY-MM-DD`.
pub fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(c) = ISO_DATE.captures(s) {
        return ymd(&c[1], c[2].parse().ok()?, c[3].parse().ok()?);
    }
    if let Some(c) = COMPACT_DATE.captures(s) {
        return ymd(&c[1], c[2].parse().ok()?, c[3].parse().ok()?);
    }
    let c = TEXT_DATE.captures(s)?;
    if let Some(m) = c.get(1) {
        ymd(&c[3], month_number(m.as_str())?, c[2].parse().ok()?)
    } else {
        ymd(&c[6], month_number(&c[5])?, c[4].parse().ok()?)
    }
}

/// A date written in the URL path (`/2019/11/19/`, `-20191119-`).
pub fn url_date(url: &str) -> Option<String> {
    let c = URL_DATE.captures(url)?;
    if let Some(y) = c.get(1) {
        ymd(y.as_str(), c[2].parse().ok()?, c[3].parse().ok()?)
    } else {
        ymd(&c[4], c[5].parse().ok()?, c[6].parse().ok()?)
    }
}

/// Host of a URL without scheme, port, or `www.`.
pub fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty() && host.contains('.')).then_some(host)
}

/// A readable outlet name from a domain: `www.foxbusiness.com` → `Foxbusiness`,
/// `news.bbc.co.uk` → `Bbc`.
pub fn outlet_from_url(url: &str) -> Option<String> {
    let h = host(url)?;
    let labels: Vec<&str> = h.split('.').collect();
    let n = labels.len();
    // Second-level public suffixes such as co.uk, com.au.
    let generic = ["co", "com", "org", "net", "gov", "ac", "edu"];
    let name = if n >= 3 && generic.contains(&labels[n - 2]) && labels[n - 1].len() == 2 {
        labels[n - 3]
    } else if n >= 2 {
        labels[n - 2]
    } else {
        labels[0]
    };
    let mut c = name.chars();
    let first = c.next()?;
    Some(first.to_uppercase().chain(c).collect())
}

/// Strip a trailing ` | Site`, ` - Site`, ` — Site` from a title.
pub fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    let seps = [" | ", " - ", " – ", " — ", " :: ", " · "];
    for sep in seps {
        if let Some(pos) = title.rfind(sep) {
            let (head, tail) = (&title[..pos], &title[pos + sep.len()..]);
            let tail_words = tail.split_whitespace().count();
            let is_site = site.is_some_and(|s| {
                let (a, b) = (s.to_lowercase(), tail.to_lowercase());
                a.contains(&b) || b.contains(&a)
            });
            if head.split_whitespace().count() >= 2 && (is_site || tail_words <= 4) {
                return strip_site_suffix(head.trim(), site);
            }
        }
    }
    title.trim().to_string()
}

fn resolve_url(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    let host = rest.split('/').next()?;
    if let Some(r) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{r}"));
    }
    href.starts_with('/')
        .then(|| format!("{scheme}://{host}{href}"))
}

/// Raw metadata signals gathered from a page, before precedence is applied.
/// Filled either from an html5ever tree ([`collect_doc`]) or by the native
/// parser while it builds its tree ([`crate::lite::Dom`]).
#[derive(Debug, Clone, Default)]
pub struct RawMeta {
    /// `<meta property|name|itemprop=K content=V>`, keys lower-cased, first wins.
    pub metas: HashMap<String, String>,
    /// Contents of `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// `<link rel=canonical href>`.
    pub canonical: Option<String>,
    /// Text of `<title>`.
    pub title: Option<String>,
    /// Text of the first `<h1>`.
    pub h1: Option<String>,
    /// First `<time datetime>`.
    pub time: Option<String>,
}

impl RawMeta {
    /// Record one `<meta>` tag's key and content.
    pub fn add_meta(&mut self, key: &str, content: &str) {
        if let Some(v) = clean(content) {
            self.metas.entry(key.to_ascii_lowercase()).or_insert(v);
        }
    }
}

/// Gather metadata signals from an html5ever tree.
pub fn collect_doc(doc: &Document) -> RawMeta {
    let root = doc.root();
    let mut raw = RawMeta::default();
    for id in doc.get_elements_by_tag_name(root, "meta") {
        let key = doc
            .get_attribute(id, "property")
            .or_else(|| doc.get_attribute(id, "name"))
            .or_else(|| doc.get_attribute(id, "itemprop"));
        if let (Some(key), Some(content)) = (key, doc.get_attribute(id, "content")) {
            raw.add_meta(&key, &content);
        }
    }
    for id in doc.scripts_with_type(&["application/ld+json"]) {
        raw.json_ld.push(doc.text_content(id));
    }
    raw.lang = doc
        .children(root)
        .into_iter()
        .find(|&id| doc.tag_name(id) == "html")
        .and_then(|id| doc.get_attribute(id, "lang"))
        .and_then(|l| clean(&l));
    for id in doc.get_elements_by_tag_name(root, "link") {
        let rel = doc.get_attribute(id, "rel").unwrap_or_default();
        if rel
            .split_whitespace()
            .any(|r| r.eq_ignore_ascii_case("canonical"))
        {
            raw.canonical = doc.get_attribute(id, "href");
            break;
        }
    }
    let first_text = |tag: &str| {
        doc.get_elements_by_tag_name(root, tag)
            .into_iter()
            .find_map(|id| clean(&doc.text_content(id)))
    };
    raw.title = first_text("title");
    raw.h1 = first_text("h1");
    raw.time = doc
        .get_elements_by_tag_name(root, "time")
        .into_iter()
        .find_map(|id| doc.get_attribute(id, "datetime"));
    raw
}

/// Read metadata from an html5ever tree.
pub fn read(doc: &Document, url: Option<&str>) -> Meta {
    resolve(&collect_doc(doc), url)
}

/// Apply precedence to the gathered signals.
pub fn resolve(raw: &RawMeta, url: Option<&str>) -> Meta {
    let m = |k: &str| raw.metas.get(k).cloned();

    let mut ld = LdArticle::default();
    for text in &raw.json_ld {
        if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
            walk_ld(&v, &mut ld, 0);
        }
    }

    let canonical = raw
        .canonical
        .as_deref()
        .and_then(|h| resolve_url(h, url))
        .or_else(|| m("og:url").and_then(|h| resolve_url(&h, url)))
        .or_else(|| url.map(str::to_string));

    let outlet = m("og:site_name")
        .or_else(|| ld.publisher.clone())
        .or_else(|| m("application-name"))
        .or_else(|| canonical.as_deref().and_then(outlet_from_url))
        .or_else(|| url.and_then(outlet_from_url));

    let title = m("og:title")
        .map(|t| strip_site_suffix(&t, outlet.as_deref()))
        .or_else(|| ld.headline.clone())
        .or_else(|| m("twitter:title"))
        .or_else(|| raw.h1.clone())
        .or_else(|| {
            raw.title
                .as_deref()
                .map(|t| strip_site_suffix(t, outlet.as_deref()))
        });

    let date_keys = [
        "article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "dcterms.created",
        "sailthru.date",
        "parsely-pub-date",
        "og:published_time",
        "article.published",
        "published_time",
        "article:modified_time",
    ];
    let published = ld
        .published
        .as_deref()
        .and_then(iso_date)
        .or_else(|| {
            date_keys
                .iter()
                .find_map(|k| m(k).and_then(|d| iso_date(&d)))
        })
        .or_else(|| raw.time.as_deref().and_then(iso_date))
        .or_else(|| canonical.as_deref().and_then(url_date))
        .or_else(|| url.and_then(url_date));

    let not_url = |s: &String| !s.starts_with("http") && !s.contains("://");
    let author = (!ld.authors.is_empty())
        .then(|| dedup_join(&ld.authors))
        .or_else(|| m("author").filter(not_url))
        .or_else(|| m("article:author").filter(not_url))
        .or_else(|| m("parsely-author"))
        .or_else(|| m("sailthru.author"))
        .or_else(|| m("dc.creator"))
        .or_else(|| {
            m("byl").map(|b| {
                b.trim_start_matches("By ")
                    .trim_start_matches("by ")
                    .to_string()
            })
        });

    Meta {
        title,
        published,
        author,
        outlet,
        url: canonical,
        language: raw.lang.clone(),
        ld_body: ld.body,
        genre: ld.kind.map(|t| format!("type: {t}")).or_else(|| {
            ld.section
                .or_else(|| m("article:section"))
                .map(|s| format!("section: {s}"))
        }),
    }
}

fn dedup_join(names: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.iter().any(|s| s.eq_ignore_ascii_case(n)) {
            seen.push(n);
        }
    }
    seen.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            iso_date("2019-11-19T12:00:00Z").as_deref(),
            Some("2019-11-19")
        );
        assert_eq!(iso_date("2019/1/9").as_deref(), Some("2019-01-09"));
        assert_eq!(iso_date("November 19, 2019").as_deref(), Some("2019-11-19"));
        assert_eq!(iso_date("19 Nov 2019").as_deref(), Some("2019-11-19"));
        assert_eq!(iso_date("2019-13-40"), None);
        assert_eq!(iso_date("yesterday"), None);
        assert_eq!(
            url_date("https://x.com/2018/07/02/story/").as_deref(),
            Some("2018-07-02")
        );
        assert_eq!(
            url_date("https://x.com/news-20180702-story"),
            Some("2018-07-02".into())
        );
        assert_eq!(url_date("https://x.com/a/b"), None);
    }

    #[test]
    fn outlets_and_titles() {
        assert_eq!(
            outlet_from_url("https://www.foxbusiness.com/a").as_deref(),
            Some("Foxbusiness")
        );
        assert_eq!(
            outlet_from_url("https://news.bbc.co.uk/x").as_deref(),
            Some("Bbc")
        );
        assert_eq!(outlet_from_url("not a url"), None);
        assert_eq!(
            strip_site_suffix("Big news today | The Site", None),
            "Big news today"
        );
        assert_eq!(
            strip_site_suffix("Labour - the long road back - BBC News", Some("BBC")),
            "Labour - the long road back"
        );
        assert_eq!(strip_site_suffix("Short", None), "Short");
    }

    #[test]
    fn reads_json_ld_and_meta() {
        let html = r#"<html lang="en-GB"><head><title>Headline here | Daily Thing</title>
            <link rel="canonical" href="/news/1">
            <meta property="og:site_name" content="Daily Thing">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"NewsArticle","headline":"Headline here","datePublished":"2020-02-03T10:00:00+00:00","author":[{"@type":"Person","name":"Ann Lee"},{"name":"Bo Ng"}]}]}</script>
            </head><body><h1>Other</h1></body></html>"#;
        let doc = Document::parse(html);
        let m = read(&doc, Some("https://www.daily.example/news/1?x=1"));
        assert_eq!(m.title.as_deref(), Some("Headline here"));
        assert_eq!(m.published.as_deref(), Some("2020-02-03"));
        assert_eq!(m.author.as_deref(), Some("Ann Lee, Bo Ng"));
        assert_eq!(m.outlet.as_deref(), Some("Daily Thing"));
        assert_eq!(m.url.as_deref(), Some("https://www.daily.example/news/1"));
        assert_eq!(m.language.as_deref(), Some("en-GB"));
    }
}
