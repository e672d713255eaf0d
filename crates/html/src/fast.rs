//! Our own scoring extractor on the [`lite`](crate::lite) tree: one parse,
//! two linear passes, source offsets for free. Used by [`crate::Mode::Native`].
//!
//! Scoring follows the readability family: paragraphs vote for their
//! ancestors (more for long, comma-rich text), votes are damped by link
//! density and by class/id hints, and the best container plus its plausible
//! siblings is the article. Furniture inside it (captions, share bars,
//! related links, bios) is dropped and recorded.

use crate::lite::{push_decoded, Dom, Kind, NodeIx, NONE};
use crate::PageBlock;
use parallax_model::{BlockKind, Removal, RemovalKind};

#[derive(Clone, Copy, Default)]
struct Stats {
    /// Visible text bytes (folded roughly: trimmed per text node).
    text: u32,
    /// Of which inside links.
    link: u32,
    /// Paragraph-like descendants with real text.
    paras: u16,
}

const JUNK_TAGS: [&str; 13] = [
    "nav",
    "footer",
    "aside",
    "button",
    "select",
    "option",
    "iframe",
    "object",
    "embed",
    "figcaption",
    "header",
    "label",
    "form",
];

/// Class/id words of furniture, with the kind recorded when dropped.
const JUNK_WORDS: [(&str, RemovalKind); 40] = [
    ("comment", RemovalKind::Comments),
    ("disqus", RemovalKind::Comments),
    ("respond", RemovalKind::Comments),
    ("share", RemovalKind::SharePrompt),
    ("social", RemovalKind::SharePrompt),
    ("sharing", RemovalKind::SharePrompt),
    ("related", RemovalKind::Related),
    ("recommend", RemovalKind::Related),
    ("more-stories", RemovalKind::Related),
    ("read-more", RemovalKind::Related),
    ("readmore", RemovalKind::Related),
    ("outbrain", RemovalKind::Related),
    ("taboola", RemovalKind::Related),
    ("trending", RemovalKind::Related),
    ("popular", RemovalKind::Related),
    ("newsletter", RemovalKind::Newsletter),
    ("subscribe", RemovalKind::Newsletter),
    ("signup", RemovalKind::Newsletter),
    ("sign-up", RemovalKind::Newsletter),
    ("cookie", RemovalKind::CookieBanner),
    ("consent", RemovalKind::CookieBanner),
    ("author-bio", RemovalKind::AuthorBio),
    ("about-author", RemovalKind::AuthorBio),
    ("author-info", RemovalKind::AuthorBio),
    ("byline", RemovalKind::AuthorBio),
    ("caption", RemovalKind::Caption),
    ("credit", RemovalKind::Caption),
    ("breadcrumb", RemovalKind::Navigation),
    ("sidebar", RemovalKind::Navigation),
    ("menu", RemovalKind::Navigation),
    ("navbar", RemovalKind::Navigation),
    ("masthead", RemovalKind::Navigation),
    ("pagination", RemovalKind::Navigation),
    ("footer", RemovalKind::Navigation),
    ("widget", RemovalKind::Boilerplate),
    ("promo", RemovalKind::Promo),
    ("advert", RemovalKind::Advert),
    ("sponsor", RemovalKind::Advert),
    ("ad-slot", RemovalKind::Advert),
    ("tags", RemovalKind::Categories),
];

const POSITIVE: [&str; 10] = [
    "article", "body", "content", "entry", "main", "post", "story", "text", "blog", "hentry",
];
const NEGATIVE: [&str; 12] = [
    "comment", "footer", "sidebar", "widget", "related", "share", "social", "promo", "nav", "menu",
    "meta", "ad-",
];

fn junk_kind(tag: &str, attrs: &str) -> Option<RemovalKind> {
    match tag {
        "figcaption" => return Some(RemovalKind::Caption),
        "nav" | "footer" | "header" => return Some(RemovalKind::Navigation),
        "form" | "button" | "select" | "option" | "label" => return Some(RemovalKind::Boilerplate),
        "aside" => return Some(RemovalKind::Related),
        t if JUNK_TAGS.contains(&t) => return Some(RemovalKind::Boilerplate),
        _ => {}
    }
    if attrs.is_empty() {
        return None;
    }
    if attrs.contains("#hidden") {
        return Some(RemovalKind::Boilerplate);
    }
    junk_word(attrs).map(|(_, k)| k)
}

/// The first furniture word a class/id string names, with its kind.
fn junk_word(attrs: &str) -> Option<(&'static str, RemovalKind)> {
    JUNK_WORDS
        .iter()
        .find(|(w, _)| names_word(attrs, w))
        .copied()
}

/// Class tokens that do not say what the element is: taxonomy slugs that
/// blog engines write from the post's own tags and categories
/// (WordPress `tag-internet-sharing`, `category-social-media`, TypePad
/// `entry-category-…`). Matching furniture words inside them drops whole
/// articles. (Layout modifiers such as `has-sidebar` are left alone: on
/// `figure.no-caption` the word still marks image furniture.)
fn descriptive_token(token: &str) -> bool {
    const PREFIXES: [&str; 8] = [
        "tag-",
        "tag_",
        "category-",
        "category_",
        "entry-category-",
        "entry-tag-",
        "entry-author-",
        "post-tag-",
    ];
    !PREFIXES.iter().any(|p| token.starts_with(p))
}

/// Whether a class/id string names `word` (as a substring of one of its
/// descriptive tokens).
fn names_word(attrs: &str, word: &str) -> bool {
    attrs
        .split_ascii_whitespace()
        .any(|t| descriptive_token(t) && t.contains(word))
}

/// A `credit` element that holds a sentence, not a photo credit: the
/// agency notice under a wire story (`This story was supplied by an agency
/// ...`) is boilerplate.
fn refine_credit(kind: RemovalKind, attrs: &str, text: &str) -> RemovalKind {
    let lower = text.to_lowercase();
    let about_picture = ["photo", "image", "picture", "illustration", "graphic"]
        .iter()
        .any(|w| lower.contains(w));
    if kind == RemovalKind::Caption
        && attrs.contains("credit")
        && !attrs.contains("caption")
        && !about_picture
        && text.split_whitespace().count() >= 8
    {
        RemovalKind::Boilerplate
    } else {
        kind
    }
}

/// `main-nav`, `wire-nav`, `site-header`, `topbar`: class/id words of page
/// chrome. Matched as whole hyphen/underscore parts, since `nav` is inside
/// `canvas` and `header` names article headers too (hence the link test).
fn chrome_word(attrs: &str) -> bool {
    attrs
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| matches!(w, "nav" | "navigation" | "header" | "topbar" | "toolbar"))
}

/// Class of a `<blockquote>` that embeds a social post.
fn is_embed_class(attrs: &str) -> bool {
    [
        "twitter-tweet",
        "instagram-media",
        "tiktok-embed",
        "bluesky-embed",
        "reddit-card",
    ]
    .iter()
    .any(|c| attrs.contains(c))
}

fn is_para(tag: &str) -> bool {
    matches!(tag, "p" | "pre" | "td" | "blockquote")
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "ul"
            | "ol"
            | "dl"
            | "li"
            | "dt"
            | "dd"
            | "table"
            | "tbody"
            | "thead"
            | "tr"
            | "td"
            | "th"
            | "pre"
            | "figure"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "form"
            | "center"
            | "hr"
            | "br"
    )
}

fn text_bytes(s: &str) -> u32 {
    s.trim().len() as u32
}

struct Scorer<'d, 'a> {
    dom: &'d Dom<'a>,
    stats: Vec<Stats>,
    junk: Vec<Option<RemovalKind>>,
    score: Vec<f32>,
}

impl Scorer<'_, '_> {
    fn compute_stats(&mut self, skip_junk: bool) {
        let n = self.dom.nodes.len();
        self.stats = vec![Stats::default(); n];
        // Children always come after their parent, so a reverse sweep is bottom-up.
        for ix in (1..n).rev() {
            if skip_junk && self.junk[ix].is_some() {
                continue;
            }
            let node = &self.dom.nodes[ix];
            let mut s = self.stats[ix];
            match &node.kind {
                Kind::Text => {
                    s.text = text_bytes(self.dom.raw(ix as NodeIx));
                }
                Kind::Element { name, .. } => {
                    if &**name == "a" {
                        s.link = s.text;
                    }
                    if is_para(name) && s.text >= 40 {
                        s.paras = s.paras.saturating_add(1);
                    }
                }
            }
            self.stats[ix] = s;
            let p = node.parent;
            if p != NONE {
                let ps = &mut self.stats[p as usize];
                ps.text += s.text;
                ps.link += s.link;
                ps.paras = ps.paras.saturating_add(s.paras);
            }
        }
    }

    fn mark_junk(&mut self) {
        let n = self.dom.nodes.len();
        self.junk = vec![None; n];
        // Subtrees holding an embedded post: widget wrappers around a quoted
        // tweet are part of the article.
        let mut has_embed = vec![false; n];
        for ix in (1..n).rev() {
            if self.dom.name(ix as NodeIx) == "blockquote"
                && is_embed_class(self.dom.attrs(ix as NodeIx))
            {
                has_embed[ix] = true;
            }
            let p = self.dom.nodes[ix].parent;
            if has_embed[ix] && p != NONE {
                has_embed[p as usize] = true;
            }
        }
        for (ix, &embed) in has_embed.iter().enumerate().skip(1) {
            if embed {
                continue;
            }
            let node = &self.dom.nodes[ix];
            let Kind::Element { name, attrs } = &node.kind else {
                continue;
            };
            // Link-dense page chrome named by its class (`wire-nav`,
            // `mw-header`); an article header with its headline stays.
            let chrome = || {
                let st = self.stats[ix];
                chrome_word(attrs) && st.text > 0 && st.link * 2 >= st.text
            };
            let Some(kind) =
                junk_kind(name, attrs).or_else(|| chrome().then_some(RemovalKind::Navigation))
            else {
                continue;
            };
            // A wrapper holding most paragraphs of the page is the article,
            // whatever its class says (`comments-open`, `has-sidebar`).
            let s = self.stats[ix];
            let root = self.stats[0];
            let big = s.paras >= 3 && s.paras as u32 * 2 >= root.paras as u32;
            // `widget` names the wrapper of any module on widget-built
            // pages, the post itself included (Blogger's `widget Blog`,
            // WordPress loop widgets), and posts written with `<br>` lines
            // count no paragraphs: a widget that reads as prose (long,
            // few links) is left to the scorer.
            let prose_widget = !JUNK_TAGS.contains(&&**name)
                && !attrs.contains("#hidden")
                && junk_word(attrs).is_some_and(|(w, _)| w == "widget")
                && s.text >= 1500
                && s.link * 4 < s.text;
            if !big && !prose_widget {
                self.junk[ix] = Some(kind);
            }
        }
    }

    fn class_weight(attrs: &str) -> f32 {
        let mut w = 0.0;
        if POSITIVE.iter().any(|p| attrs.contains(p)) {
            w += 25.0;
        }
        if NEGATIVE.iter().any(|p| names_word(attrs, p)) {
            w -= 25.0;
        }
        w
    }

    fn base(&self, ix: usize) -> f32 {
        let tag = self.dom.name(ix as NodeIx);
        let t = match tag {
            "div" | "article" | "main" | "section" => 5.0,
            "pre" | "td" | "blockquote" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        let tag_bonus = if tag == "article" { 10.0 } else { 0.0 };
        t + tag_bonus + Self::class_weight(self.dom.attrs(ix as NodeIx))
    }

    fn under_junk(&self, mut ix: NodeIx) -> bool {
        while ix != NONE {
            if self.junk[ix as usize].is_some() {
                return true;
            }
            ix = self.dom.nodes[ix as usize].parent;
        }
        false
    }

    /// Direct text of an element (not inside child elements).
    fn direct_text(&self, ix: NodeIx) -> u32 {
        self.dom
            .children(ix)
            .filter(|&c| matches!(self.dom.nodes[c as usize].kind, Kind::Text))
            .map(|c| text_bytes(self.dom.raw(c)))
            .sum()
    }

    fn score_all(&mut self) {
        let n = self.dom.nodes.len();
        self.score = vec![f32::NAN; n];
        for ix in 1..n {
            let tag = self.dom.name(ix as NodeIx);
            let para = is_para(tag)
                || (matches!(
                    tag,
                    "div" | "section" | "article" | "span" | "font" | "center"
                ) && self.direct_text(ix as NodeIx) >= 40);
            if !para || self.junk[ix].is_some() {
                continue;
            }
            let len = self.stats[ix].text;
            if len < 25 || self.under_junk(ix as NodeIx) {
                continue;
            }
            let raw = &self.dom.html[self.dom.nodes[ix].source.start as usize
                ..(self.dom.nodes[ix].source.end as usize).min(self.dom.html.len())];
            let commas = raw.matches(',').count().min(30) as f32;
            let vote = 1.0 + commas + (len as f32 / 100.0).min(3.0);
            let mut anc = if tag == "div" || tag == "section" || tag == "article" {
                ix as NodeIx
            } else {
                self.dom.nodes[ix].parent
            };
            let mut level = 0;
            while anc != NONE && anc != 0 && level < 5 {
                let a = anc as usize;
                if self.score[a].is_nan() {
                    self.score[a] = self.base(a);
                }
                let div = match level {
                    0 => 1.0,
                    1 => 2.0,
                    l => l as f32 * 3.0,
                };
                self.score[a] += vote / div;
                anc = self.dom.nodes[a].parent;
                level += 1;
            }
        }
    }

    fn link_density(&self, ix: usize) -> f32 {
        let s = self.stats[ix];
        if s.text == 0 {
            return 1.0;
        }
        s.link as f32 / s.text as f32
    }

    fn final_score(&self, ix: usize) -> f32 {
        let s = self.score[ix];
        if s.is_nan() {
            return f32::NAN;
        }
        s * (1.0 - self.link_density(ix))
    }
}

struct Emitter<'d, 'a> {
    sc: &'d Scorer<'d, 'a>,
    blocks: Vec<PageBlock>,
    removed: Vec<Removal>,
    title_key: Option<String>,
    /// Inside an `<h1>`: the headline, which is metadata, not body text.
    in_h1: bool,
}

impl Emitter<'_, '_> {
    /// Text and source span of a subtree. Nested furniture is recorded on
    /// its own and left out, unless `whole` (recording a furniture element:
    /// its buttons and links belong to its record, however short).
    fn text_of(
        &mut self,
        ix: NodeIx,
        text: &mut String,
        span: &mut Option<(u32, u32)>,
        links: &mut usize,
        whole: bool,
    ) {
        let dom = self.sc.dom;
        let mut stack = vec![(ix, false)];
        while let Some((cur, in_link)) = stack.pop() {
            let node = &dom.nodes[cur as usize];
            match &node.kind {
                Kind::Text => {
                    let raw = dom.raw(cur);
                    if raw.trim().is_empty() {
                        if !text.is_empty() && !text.ends_with(' ') {
                            text.push(' ');
                        }
                        continue;
                    }
                    let before = text.len();
                    push_decoded(raw, text);
                    if in_link {
                        *links += text.len() - before;
                    }
                    let lead = (raw.len() - raw.trim_start().len()) as u32;
                    let trail = (raw.len() - raw.trim_end().len()) as u32;
                    let (s, e) = (node.source.start + lead, node.source.end - trail);
                    *span = Some(span.map_or((s, e), |(a, _)| (a, e)));
                }
                Kind::Element { name, .. } => {
                    if let Some(kind) = self.sc.junk[cur as usize] {
                        if cur != ix && !whole {
                            self.record(cur, kind);
                            continue;
                        }
                    }
                    if is_block(name) && !text.ends_with(' ') && !text.is_empty() {
                        text.push(' ');
                    }
                    let link = in_link || &**name == "a";
                    let kids: Vec<NodeIx> = dom.children(cur).collect();
                    for &k in kids.iter().rev() {
                        stack.push((k, link));
                    }
                }
            }
        }
    }

    fn emit(&mut self, ix: NodeIx, kind: BlockKind) {
        let mut text = String::new();
        let mut span = None;
        let mut links = 0;
        self.text_of(ix, &mut text, &mut span, &mut links, false);
        self.push(kind, text, span, links);
    }

    fn push(&mut self, kind: BlockKind, text: String, span: Option<(u32, u32)>, links: usize) {
        let text = text.trim().to_string();
        if text.is_empty() || !text.chars().any(char::is_alphanumeric) {
            return;
        }
        let source = span.map(|(s, e)| s as usize..e as usize);
        let words = text.split_whitespace().count();
        if let Some(k) = crate::blocks::furniture_phrase(&text) {
            self.removed.push(Removal {
                kind: k,
                text,
                source,
            });
            return;
        }
        // Link lists and teasers: mostly-link list items and headings, or
        // paragraphs that are nothing but a link. A sentence with a long
        // inline link stays.
        let link_only = if kind == BlockKind::Paragraph {
            links * 10 >= text.len() * 8 && words < 25
        } else {
            links * 2 > text.len()
        };
        if link_only && kind != BlockKind::Embedded {
            self.removed.push(Removal {
                kind: RemovalKind::Related,
                text,
                source,
            });
            return;
        }
        if kind == BlockKind::Heading
            && (self.in_h1
                || self.title_key.as_deref() == Some(crate::SourceText::key(&text).as_str()))
        {
            self.removed.push(Removal {
                kind: RemovalKind::DuplicateHeadline,
                text,
                source,
            });
            return;
        }
        self.blocks.push(PageBlock { kind, text, source });
    }

    fn walk(&mut self, ix: NodeIx, inherited: Option<BlockKind>, depth: usize) {
        let dom = self.sc.dom;
        if depth > 300 {
            return;
        }
        let mut run = String::new();
        let mut span = None;
        let mut links = 0;
        let kids: Vec<NodeIx> = dom.children(ix).collect();
        for c in kids {
            let node = &dom.nodes[c as usize];
            let name = dom.name(c);
            let block = matches!(node.kind, Kind::Element { .. }) && is_block(name);
            if !block {
                if let Some(k) = self.sc.junk[c as usize] {
                    self.record(c, k);
                    continue;
                }
                self.text_of(c, &mut run, &mut span, &mut links, false);
                continue;
            }
            self.push(
                inherited.unwrap_or(BlockKind::Paragraph),
                std::mem::take(&mut run),
                span.take(),
                links,
            );
            links = 0;
            if let Some(k) = self.sc.junk[c as usize] {
                self.record(c, k);
                continue;
            }
            self.element(c, name, inherited, depth + 1);
        }
        self.push(inherited.unwrap_or(BlockKind::Paragraph), run, span, links);
    }

    fn record(&mut self, ix: NodeIx, kind: RemovalKind) {
        let mut text = String::new();
        let mut span = None;
        let mut links = 0;
        self.text_of(ix, &mut text, &mut span, &mut links, true);
        let mut text = text.trim().to_string();
        let kind = refine_credit(kind, self.sc.dom.attrs(ix), &text);
        if text.len() > 600 {
            let mut end = 600;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        if text.chars().filter(|c| c.is_alphanumeric()).count() >= 12 {
            self.removed.push(Removal {
                kind,
                text,
                source: span.map(|(s, e)| s as usize..e as usize),
            });
        }
    }

    fn has_block_child(&self, ix: NodeIx) -> bool {
        let dom = self.sc.dom;
        dom.children(ix).any(|c| {
            matches!(dom.nodes[c as usize].kind, Kind::Element { .. })
                && is_block(dom.name(c))
                && dom.name(c) != "br"
        })
    }

    fn element(&mut self, ix: NodeIx, name: &str, inherited: Option<BlockKind>, depth: usize) {
        let own = match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(BlockKind::Heading),
            "blockquote" => Some(BlockKind::Quote),
            "li" | "dt" | "dd" => Some(BlockKind::ListItem),
            _ => None,
        };
        let kind = match (inherited, own) {
            (Some(BlockKind::Quote), _) => Some(BlockKind::Quote),
            (_, Some(k)) => Some(k),
            (i, None) => i,
        };
        if name == "blockquote" {
            let attrs = self.sc.dom.attrs(ix);
            if ["twitter-tweet", "instagram-media", "tiktok-embed"]
                .iter()
                .any(|c| attrs.contains(c))
            {
                self.emit(ix, BlockKind::Embedded);
                return;
            }
        }
        // A data row reads as one block; a layout row (cells holding
        // paragraphs, as on table-layout pages) is walked like any container.
        let layout_row = name == "tr"
            && self
                .sc
                .dom
                .children(ix)
                .any(|cell| self.has_block_child(cell));
        if name == "tr" && !layout_row {
            self.emit(ix, kind.unwrap_or(BlockKind::Paragraph));
            return;
        }
        if name == "h1" {
            self.in_h1 = true;
            self.emit(ix, BlockKind::Heading);
            self.in_h1 = false;
            return;
        }
        if self.has_block_child(ix) {
            self.walk(ix, kind, depth);
        } else {
            self.emit(ix, kind.unwrap_or(BlockKind::Paragraph));
        }
    }
}

fn is_ancestor(dom: &Dom, anc: NodeIx, mut ix: NodeIx) -> bool {
    while ix != NONE {
        if ix == anc {
            return true;
        }
        ix = dom.nodes[ix as usize].parent;
    }
    false
}

/// From the best-scoring node to the container to emit: articles split
/// into many small boxes (a card per paragraph) make several near-equal
/// candidates; their common ancestor is the article.
fn choose_container(sc: &Scorer, top: NodeIx, best: f32) -> NodeIx {
    let dom = sc.dom;
    let n = dom.nodes.len();
    let mut scored: Vec<(f32, NodeIx)> = (1..n)
        .filter_map(|ix| {
            let s = sc.final_score(ix);
            (!s.is_nan() && ix as NodeIx != top).then_some((s, ix as NodeIx))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let alternatives: Vec<NodeIx> = scored
        .iter()
        .take(4)
        .filter(|(s, _)| *s >= best * 0.75)
        .map(|(_, ix)| *ix)
        .collect();
    let mut cand = top;
    if alternatives.len() >= 2 {
        let mut anc = dom.nodes[top as usize].parent;
        while anc != NONE && anc != 0 {
            let shared = alternatives
                .iter()
                .filter(|&&a| is_ancestor(dom, anc, a))
                .count();
            if shared >= 2 {
                cand = anc;
                break;
            }
            anc = dom.nodes[anc as usize].parent;
        }
    }
    // Climb out of wrappers that hold nothing but the candidate.
    loop {
        let p = dom.nodes[cand as usize].parent;
        if p == NONE || p == 0 {
            break;
        }
        let (cs, ps) = (sc.stats[cand as usize], sc.stats[p as usize]);
        if ps.text <= cs.text + 20 {
            cand = p;
            continue;
        }
        if ps.paras > cs.paras
            && (ps.paras - cs.paras) as u32 * 4 >= cs.paras.max(1) as u32
            && sc.link_density(p as usize) < 0.35
            && (ps.text - cs.text) < cs.text
        {
            cand = p;
            continue;
        }
        break;
    }
    cand
}

/// Extract article blocks; empty when nothing looks like an article.
pub(crate) fn extract_blocks(
    dom: &Dom,
    title: Option<&str>,
    record_outside: bool,
) -> (Vec<PageBlock>, Vec<Removal>) {
    let n = dom.nodes.len();
    let mut sc = Scorer {
        dom,
        stats: Vec::new(),
        junk: vec![None; n],
        score: Vec::new(),
    };
    sc.compute_stats(false);
    sc.mark_junk();
    sc.compute_stats(true);
    sc.score_all();

    let mut top = NONE;
    let mut best = f32::MIN;
    for ix in 1..n {
        let s = sc.final_score(ix);
        if !s.is_nan() && s > best {
            best = s;
            top = ix as NodeIx;
        }
    }
    if top == NONE {
        // A bare fragment (a feed item's `<p>`s with no enclosing element)
        // gives paragraphs no container to vote for: the fragment is the
        // article, read like any container so its furniture is recorded.
        let fragment = dom
            .children(0)
            .any(|c| is_para(dom.name(c)) && sc.stats[c as usize].text >= 40);
        if !fragment {
            return (Vec::new(), Vec::new());
        }
        let mut em = Emitter {
            sc: &sc,
            blocks: Vec::new(),
            removed: Vec::new(),
            title_key: title.map(crate::SourceText::key),
            in_h1: false,
        };
        em.walk(0, None, 0);
        return (em.blocks, em.removed);
    }
    let cand = choose_container(&sc, top, best);
    let top_score = sc.final_score(cand as usize).max(best);
    let threshold = (top_score * 0.2).max(10.0);
    let parent = dom.nodes[cand as usize].parent;
    let mut chosen: Vec<NodeIx> = Vec::new();
    if parent == NONE {
        chosen.push(cand);
    } else {
        for s in dom.children(parent) {
            if s == cand {
                chosen.push(s);
                continue;
            }
            if sc.junk[s as usize].is_some()
                || !matches!(dom.nodes[s as usize].kind, Kind::Element { .. })
            {
                continue;
            }
            let fs = sc.final_score(s as usize);
            let st = sc.stats[s as usize];
            let ld = sc.link_density(s as usize);
            let keep = (!fs.is_nan() && fs >= threshold)
                || (dom.name(s) == "p" && st.text > 80 && ld < 0.25)
                || (dom.name(s) == "p" && st.text > 0 && ld == 0.0 && {
                    let r = &dom.html[dom.nodes[s as usize].source.start as usize
                        ..(dom.nodes[s as usize].source.end as usize).min(dom.html.len())];
                    r.contains(". ")
                });
            if keep {
                chosen.push(s);
            }
        }
    }
    let mut em = Emitter {
        sc: &sc,
        blocks: Vec::new(),
        removed: Vec::new(),
        title_key: title.map(crate::SourceText::key),
        in_h1: false,
    };
    for &c in &chosen {
        let name = dom.name(c).to_string();
        if is_block(&name) {
            em.element(c, &name, None, 0);
        } else {
            em.emit(c, BlockKind::Paragraph);
        }
    }
    if record_outside {
        // Furniture elsewhere on the page (comments, related, navigation),
        // outermost elements only.
        for ix in 1..n {
            if em.removed.len() >= MAX_REMOVED {
                break;
            }
            let Some(kind) = sc.junk[ix] else { continue };
            let ix = ix as NodeIx;
            if kind == RemovalKind::Boilerplate
                || sc.under_junk(dom.nodes[ix as usize].parent)
                || chosen.iter().any(|&c| is_ancestor(dom, c, ix))
            {
                continue;
            }
            em.record(ix, kind);
        }
    }
    (em.blocks, em.removed)
}

/// Cap on removal records per page: the tail of a huge footer adds nothing.
const MAX_REMOVED: usize = 300;
