//! Turn the extractor's cleaned HTML into typed, located [`PageBlock`]s.

use crate::locate::SourceText;
use crate::PageBlock;
use parallax_model::{BlockKind, Removal, RemovalKind};
use regex::Regex;
use scraper::{ElementRef, Html, Node};
use std::sync::LazyLock;

struct Builder<'a> {
    source: &'a mut SourceText,
    removed: &'a mut Vec<Removal>,
    title_key: Option<String>,
    embeds: &'a [String],
    blocks: Vec<PageBlock>,
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Visible text of an element, `<br>` as a space.
fn text_of(el: ElementRef) -> String {
    let mut out = String::new();
    for d in el.descendants() {
        match d.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if matches!(e.name(), "br" | "lb") => out.push(' '),
            _ => {}
        }
    }
    fold(&out)
}

fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "blockquote"
            | "quote"
            | "ul"
            | "ol"
            | "dl"
            | "list"
            | "li"
            | "item"
            | "dt"
            | "dd"
            | "table"
            | "tr"
            | "row"
            | "pre"
            | "figure"
            | "main"
    )
}

fn has_block_child(el: ElementRef) -> bool {
    el.children().any(|c| {
        c.value()
            .as_element()
            .is_some_and(|e| is_block_tag(e.name()))
    })
}

static DATE_OR_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\d{1,2}\.?\s+(de\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)",
    )
    .expect("static regex")
});

static PRICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([$£€¥₹]|\brs\.?)\s?\d").expect("static regex"));
static IMAGE_COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(image|photo|picture|slide) \d+ of \d+$").expect("static regex")
});

/// A dateline or byline-with-date (`05/10/2018 - Posted by ...`,
/// `Monday, 22 January 2018 at 0:13`): a date or time in a line that is
/// not a sentence.
fn is_dateline(text: &str) -> bool {
    let ends_like_sentence = text
        .trim_end()
        .ends_with(['.', '!', '?', '"', '\u{201d}', ':']);
    !ends_like_sentence && DATE_OR_TIME.is_match(text)
}

/// Short blocks that are page furniture whatever page they are on.
pub(crate) fn furniture_phrase(text: &str) -> Option<RemovalKind> {
    let words = text.split_whitespace().count();
    if words > 60 {
        return None;
    }
    let lower = text.to_lowercase();
    let t = lower.trim_matches(|c: char| !c.is_alphanumeric());
    let starts = |p: &[&str]| p.iter().any(|x| t.starts_with(x));
    if starts(&["tags:", "tags ", "categories:", "filed under", "topics:"])
        && (t.contains(',') || t.contains(':'))
    {
        return Some(RemovalKind::Categories);
    }
    if words <= 20 && text.contains('©') {
        return Some(
            if ["photo", "image", "picture", "foto"]
                .iter()
                .any(|w| t.contains(w))
            {
                RemovalKind::Caption
            } else {
                RemovalKind::Boilerplate
            },
        );
    }
    let has = |p: &[&str]| p.iter().any(|x| t.contains(x));
    if has(&["newsletter"]) && has(&["sign up", "subscribe", "delivered to your inbox", "inbox"]) {
        return Some(RemovalKind::Newsletter);
    }
    if PRICE.is_match(t)
        && (has(&[
            "for as little as",
            "subscribe now",
            "click here to subscribe",
        ]) || (words <= 30
            && has(&["click here", "issues for", "get access to", "first year"])))
    {
        return Some(RemovalKind::Promo);
    }
    if starts(&[
        "this document is subject to copyright",
        "this copy is for your personal",
        "citation:",
        "all rights reserved",
    ]) {
        return Some(RemovalKind::Boilerplate);
    }
    // Teaser lists introduced by a label are links out, however long.
    if starts(&[
        "don't miss",
        "don\u{2019}t miss",
        "read more:",
        "related:",
        "see also:",
        "most read",
    ]) {
        return Some(RemovalKind::Related);
    }
    if starts(&["follow @", "follow us"])
        || (words <= 40 && has(&["follow us on", "follow him on", "follow her on"]))
    {
        return Some(RemovalKind::SharePrompt);
    }
    if words > 12 {
        return None;
    }
    if IMAGE_COUNTER.is_match(t) {
        return Some(RemovalKind::Caption);
    }
    if matches!(
        t,
        "advert" | "ad" | "ads" | "text size" | "print" | "email" | "comments" | "comment"
    ) {
        return Some(RemovalKind::Boilerplate);
    }
    if words <= 10 && is_dateline(text) {
        return Some(RemovalKind::Boilerplate);
    }
    if t == "advertisement"
        || starts(&[
            "continue reading",
            "story continues below",
            "sponsored",
            "article continues below",
            "scroll to continue",
        ])
    {
        Some(RemovalKind::Advert)
    } else if starts(&[
        "share this",
        "share on",
        "share via",
        "follow us on",
        "click to share",
    ]) {
        Some(RemovalKind::SharePrompt)
    } else if starts(&[
        "sign up for",
        "subscribe to our",
        "get our newsletter",
        "newsletter sign",
    ]) {
        Some(RemovalKind::Newsletter)
    } else if starts(&[
        "related:",
        "related articles",
        "related stories",
        "read more:",
        "see also:",
        "you may also like",
        "you might also like",
        "recommended for you",
        "more from",
        "you may also be interested",
        "explore further",
        "don't miss",
        "don\u{2019}t miss",
        "related news",
        "related content",
        "you might be interested",
        "most popular",
        "most read",
    ]) {
        Some(RemovalKind::Related)
    } else if starts(&[
        "leave a reply",
        "leave a comment",
        "comments are closed",
        "join the conversation",
        "tell us what you think",
    ]) {
        Some(RemovalKind::Comments)
    } else if starts(&[
        "image:",
        "photo:",
        "image credit",
        "photo credit",
        "(photo:",
        "getty images",
    ]) {
        Some(RemovalKind::Caption)
    } else {
        None
    }
}

impl Builder<'_> {
    fn push(&mut self, kind: BlockKind, text: String) {
        if text.is_empty() || !text.chars().any(char::is_alphanumeric) {
            return;
        }
        if let Some(r) = furniture_phrase(&text) {
            let source = self.source.locate_anywhere(&text);
            self.removed.push(Removal {
                kind: r,
                text,
                source,
            });
            return;
        }
        let key = SourceText::key(&text);
        if kind == BlockKind::Heading && self.title_key.as_deref() == Some(key.as_str()) {
            let source = self.source.locate_anywhere(&text);
            self.removed.push(Removal {
                kind: RemovalKind::DuplicateHeadline,
                text,
                source,
            });
            return;
        }
        let kind =
            if matches!(kind, BlockKind::Quote | BlockKind::Paragraph) && self.is_embedded(&key) {
                BlockKind::Embedded
            } else {
                kind
            };
        let source = self.source.locate_next(&text);
        self.blocks.push(PageBlock { kind, text, source });
    }

    fn is_embedded(&self, key: &str) -> bool {
        if self.embeds.is_empty() || key.len() < 12 {
            return false;
        }
        let mut end = key.len().min(48);
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        let probe = &key[..end];
        self.embeds.iter().any(|e| e.contains(probe))
    }

    fn walk(&mut self, el: ElementRef, inherited: Option<BlockKind>, depth: usize) {
        let mut inline = String::new();
        for child in el.children() {
            match child.value() {
                Node::Text(t) => inline.push_str(t),
                Node::Element(e) => {
                    let Some(child_el) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = e.name();
                    if !is_block_tag(name) {
                        if matches!(name, "br" | "lb") {
                            inline.push(' ');
                        } else {
                            inline.push_str(&text_of(child_el));
                        }
                        continue;
                    }
                    self.flush(&mut inline, inherited);
                    self.element(child_el, name, inherited, depth + 1);
                }
                _ => {}
            }
        }
        self.flush(&mut inline, inherited);
    }

    fn flush(&mut self, inline: &mut String, inherited: Option<BlockKind>) {
        let t = fold(inline);
        inline.clear();
        self.push(inherited.unwrap_or(BlockKind::Paragraph), t);
    }

    fn element(&mut self, el: ElementRef, name: &str, inherited: Option<BlockKind>, depth: usize) {
        if depth > 200 {
            return;
        }
        let own = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "head" => Some(BlockKind::Heading),
            "blockquote" | "quote" => Some(BlockKind::Quote),
            "li" | "item" | "dt" | "dd" => Some(BlockKind::ListItem),
            _ => None,
        };
        // A quote or list keeps its role for the paragraphs inside it.
        let kind = match (inherited, own) {
            (Some(BlockKind::Quote), _) => Some(BlockKind::Quote),
            (_, Some(k)) => Some(k),
            (i, None) => i,
        };
        if matches!(name, "tr" | "row") {
            let cells: Vec<String> = el
                .children()
                .filter_map(ElementRef::wrap)
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            self.push(kind.unwrap_or(BlockKind::Paragraph), cells.join(" "));
            return;
        }
        if has_block_child(el) {
            self.walk(el, kind, depth);
        } else {
            self.push(kind.unwrap_or(BlockKind::Paragraph), text_of(el));
        }
    }
}

/// Build blocks from the extractor's content HTML.
pub(crate) fn from_content_html(
    content_html: &str,
    title: Option<&str>,
    embeds: &[String],
    source: &mut SourceText,
    removed: &mut Vec<Removal>,
) -> Vec<PageBlock> {
    let frag = Html::parse_fragment(content_html);
    let mut b = Builder {
        source,
        removed,
        title_key: title.map(SourceText::key),
        embeds,
        blocks: Vec::new(),
    };
    b.walk(frag.root_element(), None, 0);
    b.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_phrases() {
        let k = furniture_phrase;
        assert_eq!(k("Advertisement"), Some(RemovalKind::Advert));
        assert_eq!(k("Continue Reading Below"), Some(RemovalKind::Advert));
        assert_eq!(k("Share this article"), Some(RemovalKind::SharePrompt));
        assert_eq!(k("Image 2 of 5"), Some(RemovalKind::Caption));
        assert_eq!(
            k("Tags: politics, labour, elections"),
            Some(RemovalKind::Categories)
        );
        assert_eq!(
            k("05/10/2018 - Posted by A. Writer"),
            Some(RemovalKind::Boilerplate)
        );
        assert_eq!(
            k("Sign up for our daily newsletter and get the news delivered to your inbox."),
            Some(RemovalKind::Newsletter)
        );
        assert_eq!(k("Photo © Agency, 2018"), Some(RemovalKind::Caption));
        // Real sentences stay, even short ones or ones with dates and prices.
        assert_eq!(k("The hearing is set for Dec. 3."), None);
        assert_eq!(
            k("Shares fell 3% to $42.10 on Tuesday, the lowest since May 2018."),
            None
        );
        assert_eq!(
            k("Those who paid $129 for the subscription bundle get access first, the company said."),
            None
        );
        assert_eq!(k("Follow the money, investigators say."), None);
    }
}
