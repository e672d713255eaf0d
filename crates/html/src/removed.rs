//! Page furniture the extractor rejected, recorded with a kind so that
//! nothing leaves the pipeline silently.

use crate::locate::SourceText;
use crate::PageBlock;
use parallax_model::{Removal, RemovalKind};
use trafilatura::dom::{Document, NodeId};

/// A furniture element found in the page before extraction.
pub(crate) struct Candidate {
    kind: RemovalKind,
    text: String,
}

const MAX_CANDIDATES: usize = 200;
const MAX_TEXT: usize = 600;

/// Classify an element by tag and class/id words.
fn kind_of(tag: &str, attrs: &str) -> Option<RemovalKind> {
    match tag {
        "figcaption" => return Some(RemovalKind::Caption),
        "nav" | "footer" => return Some(RemovalKind::Navigation),
        "html" | "body" | "main" | "article" | "p" | "h1" | "h2" | "h3" | "span" | "a" | "li" => {
            return None
        }
        _ => {}
    }
    if attrs.is_empty() {
        return None;
    }
    let has = |words: &[&str]| words.iter().any(|w| attrs.contains(w));
    if has(&["comment", "disqus"]) {
        Some(RemovalKind::Comments)
    } else if has(&["cookie", "consent", "gdpr"]) {
        Some(RemovalKind::CookieBanner)
    } else if has(&["newsletter", "signup", "sign-up", "subscribe"]) {
        Some(RemovalKind::Newsletter)
    } else if has(&["share", "social"]) {
        Some(RemovalKind::SharePrompt)
    } else if has(&[
        "related",
        "recommend",
        "more-stories",
        "read-more",
        "readmore",
        "outbrain",
        "taboola",
        "trending",
        "most-popular",
    ]) {
        Some(RemovalKind::Related)
    } else if has(&[
        "author-bio",
        "authorbio",
        "about-author",
        "author-info",
        "author-box",
        "bio-",
    ]) {
        Some(RemovalKind::AuthorBio)
    } else if has(&["caption", "credit"]) {
        Some(RemovalKind::Caption)
    } else if has(&["breadcrumb", "navbar", "menu", "masthead"]) {
        Some(RemovalKind::Navigation)
    } else if has(&[
        "advert",
        "sponsor",
        "dfp-",
        "ad-slot",
        "ad-container",
        "adslot",
    ]) {
        Some(RemovalKind::Advert)
    } else if has(&["promo"]) {
        Some(RemovalKind::Promo)
    } else {
        None
    }
}

fn folded(s: &str) -> String {
    let mut t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        t.truncate(end);
    }
    t
}

/// Furniture elements of the page body, outermost first, in document order.
pub(crate) fn candidates(doc: &Document) -> Vec<Candidate> {
    let mut out = Vec::new();
    let Some(body) = doc.body() else {
        return out;
    };
    let mut stack: Vec<NodeId> = doc.children(body);
    stack.reverse();
    while let Some(id) = stack.pop() {
        if out.len() >= MAX_CANDIDATES {
            break;
        }
        let tag = doc.tag_name(id);
        if matches!(
            tag,
            "script" | "style" | "noscript" | "svg" | "template" | "iframe"
        ) {
            continue;
        }
        let attrs = format!("{} {}", doc.class_name(id), doc.id_attr(id)).to_ascii_lowercase();
        if let Some(kind) = kind_of(tag, attrs.trim()) {
            let text = doc.text_content(id);
            // A "comments-open" wrapper around the whole page is not furniture.
            if text.len() < 5000 {
                let text = folded(&text);
                if text.chars().filter(|c| c.is_alphanumeric()).count() >= 12 {
                    out.push(Candidate { kind, text });
                }
                continue;
            }
        }
        let mut kids = doc.children(id);
        kids.reverse();
        stack.extend(kids);
    }
    out
}

/// Texts of embedded posts (tweets, Instagram, ...), as locate keys.
pub(crate) fn embedded_texts(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for id in doc.get_elements_by_tag_name(doc.root(), "blockquote") {
        let class = doc.class_name(id).to_ascii_lowercase();
        if [
            "twitter-tweet",
            "instagram-media",
            "tiktok-embed",
            "fb-xfbml",
            "reddit-card",
            "bluesky-embed",
        ]
        .iter()
        .any(|c| class.contains(c))
        {
            out.push(SourceText::key(&doc.text_content(id)));
        }
    }
    out
}

/// Keep the candidates whose text did not end up in the article.
pub(crate) fn record(
    candidates: &[Candidate],
    blocks: &[PageBlock],
    source: &SourceText,
    out: &mut Vec<Removal>,
) {
    let body: String = blocks.iter().map(|b| SourceText::key(&b.text)).collect();
    for c in candidates {
        let key = SourceText::key(&c.text);
        let mut end = key.len().min(60);
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        if body.contains(&key[..end]) {
            continue;
        }
        out.push(Removal {
            kind: c.kind,
            text: c.text.clone(),
            source: source.locate_anywhere(&c.text),
        });
    }
}
