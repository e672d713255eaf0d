//! A small, forgiving HTML tree builder that keeps source byte offsets.
//!
//! Not a spec parser: it knows void elements, raw-text elements, the common
//! implied end tags (`p`, `li`, `td`, `tr`, `dt`, `dd`, `option`) and closes
//! an end tag's nearest open match, ignoring stray end tags. That is enough
//! for content scoring at several times html5ever's speed, and every node
//! knows where it came from in the source, which the provenance needs.

use std::ops::Range;

pub type NodeIx = u32;
pub const NONE: NodeIx = u32::MAX;

#[derive(Debug, Clone)]
pub enum Kind {
    Element {
        /// Lower-case tag name.
        name: Box<str>,
        /// Lower-case `class` + ` ` + `id`.
        attrs: Box<str>,
    },
    /// Raw (undecoded) text: `source` is the range in the page.
    Text,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub parent: NodeIx,
    pub first_child: NodeIx,
    pub last_child: NodeIx,
    pub next_sibling: NodeIx,
    /// For elements: from `<` of the start tag to the end of the last content
    /// seen before the element closed; for text: the text's bytes.
    pub source: Range<u32>,
}

pub struct Dom<'a> {
    pub html: &'a str,
    pub nodes: Vec<Node>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// Metadata signals seen while parsing (`<meta>`, JSON-LD, `<title>`, ...).
    pub meta: crate::meta::RawMeta,
}

/// All attributes of a start tag as (lower-case name, decoded value).
fn attr_pairs(s: &str) -> Vec<(String, String)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = s.get(ns..i).unwrap_or("").to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (vs, ve) = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = find_byte(b, vs, q).unwrap_or(b.len());
                i = ve + 1;
                (vs, ve)
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                (vs, i)
            };
            push_decoded(s.get(vs..ve).unwrap_or(""), &mut value);
        }
        if name.is_empty() {
            i += 1;
            continue;
        }
        out.push((name, value.trim().to_string()));
    }
    out
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Content dropped entirely (never visible article text).
const SKIP_CONTENT: [&str; 8] = [
    "script", "style", "textarea", "title", "noscript", "template", "svg", "math",
];
/// Start tags that close an open `<p>`.
const CLOSES_P: [&str; 25] = [
    "p",
    "div",
    "ul",
    "ol",
    "dl",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "figure",
    "pre",
    "form",
    "hr",
    "main",
    "address",
];
/// Maximum open-element depth; deeper start tags are treated as inline.
const MAX_DEPTH: usize = 512;

fn find_byte(bytes: &[u8], from: usize, b: u8) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&c| c == b)
        .map(|p| p + from)
}

fn find_seq(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = bytes.get(from..)?;
    let first = *needle.first()?;
    let mut i = 0;
    while let Some(p) = hay
        .get(i..)
        .and_then(|h| h.iter().position(|&c| c == first))
    {
        let at = i + p;
        if hay.get(at..at + needle.len()) == Some(needle) {
            return Some(at + from);
        }
        i = at + 1;
    }
    None
}

/// End of a raw-text element's content: the `<` of `</name`, case-insensitive.
fn find_end_tag(bytes: &[u8], from: usize, name: &str) -> usize {
    let n = name.len();
    let mut i = from;
    while let Some(p) = find_byte(bytes, i, b'<') {
        if bytes.get(p + 1) == Some(&b'/')
            && bytes
                .get(p + 2..p + 2 + n)
                .is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()))
        {
            return p;
        }
        i = p + 1;
    }
    bytes.len()
}

/// Pull `class`, `id` and `lang` out of a start tag's attribute text.
fn attributes(s: &str) -> (String, Option<String>) {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut lang = None;
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let ns = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        let name = &s[ns..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                let ve = find_byte(b, vs, q).unwrap_or(b.len());
                value = &s[vs..ve];
                i = ve + 1;
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                value = &s[vs..i];
            }
        }
        if name.is_empty() {
            // Step over one character (not one byte: after a value it may
            // be the first of several).
            i += 1;
            while i < b.len() && !s.is_char_boundary(i) {
                i += 1;
            }
            continue;
        }
        if name.eq_ignore_ascii_case("class") || name.eq_ignore_ascii_case("id") {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&value.to_ascii_lowercase());
        } else if name.eq_ignore_ascii_case("hidden")
            || (name.eq_ignore_ascii_case("style") && {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                v.contains("display:none") || v.contains("visibility:hidden")
            })
        {
            // Marked in the class/id string so scoring can drop it.
            out.push_str(" #hidden");
        } else if name.eq_ignore_ascii_case("lang") {
            lang = Some(value.trim().to_string());
        }
    }
    (out, lang)
}

impl<'a> Dom<'a> {
    pub fn parse(html: &'a str) -> Dom<'a> {
        let mut dom = Dom {
            html,
            nodes: Vec::with_capacity(html.len() / 64),
            lang: None,
            meta: crate::meta::RawMeta::default(),
        };
        dom.nodes.push(Node {
            kind: Kind::Element {
                name: "#root".into(),
                attrs: "".into(),
            },
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            source: 0..html.len() as u32,
        });
        let bytes = html.as_bytes();
        let mut stack: Vec<NodeIx> = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            let lt = find_byte(bytes, i, b'<').unwrap_or(bytes.len());
            if lt > i {
                dom.text(&stack, i, lt);
            }
            if lt >= bytes.len() {
                break;
            }
            let next = bytes.get(lt + 1).copied().unwrap_or(0);
            if next == b'!' || next == b'?' {
                i = if bytes.get(lt + 1..lt + 4) == Some(b"!--") {
                    find_seq(bytes, lt + 4, b"-->").map_or(bytes.len(), |p| p + 3)
                } else {
                    find_byte(bytes, lt, b'>').map_or(bytes.len(), |p| p + 1)
                };
                continue;
            }
            let closing = next == b'/';
            let name_start = if closing { lt + 2 } else { lt + 1 };
            if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
                // A lone '<' is text.
                dom.text(&stack, lt, lt + 1);
                i = lt + 1;
                continue;
            }
            let mut name_end = name_start;
            while name_end < bytes.len()
                && (bytes[name_end].is_ascii_alphanumeric()
                    || bytes[name_end] == b'-'
                    || bytes[name_end] == b':')
            {
                name_end += 1;
            }
            let tag_end = find_byte(bytes, name_end, b'>').map_or(bytes.len(), |p| p + 1);
            let name = html[name_start..name_end].to_ascii_lowercase();
            if closing {
                dom.close(&mut stack, &name, tag_end);
                i = tag_end;
                continue;
            }
            let attr_text = html
                .get(name_end..tag_end.saturating_sub(1).max(name_end))
                .unwrap_or("");
            if SKIP_CONTENT.contains(&name.as_str()) {
                let self_closing = tag_end >= 2 && bytes[tag_end - 2] == b'/';
                i = if self_closing {
                    tag_end
                } else {
                    let end = find_end_tag(bytes, tag_end, &name);
                    let content = html.get(tag_end..end).unwrap_or("");
                    if name == "title" && dom.meta.title.is_none() {
                        let mut t = String::new();
                        push_decoded(content, &mut t);
                        dom.meta.title = crate::meta::clean(&t);
                    } else if name == "script" && attr_text.to_ascii_lowercase().contains("ld+json")
                    {
                        dom.meta.json_ld.push(content.to_string());
                    }
                    find_byte(bytes, end, b'>').map_or(bytes.len(), |p| p + 1)
                };
                continue;
            }
            if matches!(name.as_str(), "meta" | "link" | "time") {
                dom.head_tag(&name, attr_text);
            }
            let (attrs, lang) = attributes(attr_text);
            if name == "html" {
                if dom.lang.is_none() {
                    dom.lang = lang.filter(|l| !l.is_empty());
                }
                i = tag_end;
                continue;
            }
            if matches!(name.as_str(), "head" | "body") {
                i = tag_end;
                continue;
            }
            dom.implied_ends(&mut stack, &name, lt);
            let ix = dom.append(
                &stack,
                Kind::Element {
                    name: name.as_str().into(),
                    attrs: attrs.into(),
                },
                lt..tag_end,
            );
            let self_closing = tag_end >= 2 && bytes[tag_end - 2] == b'/';
            if !VOID.contains(&name.as_str()) && !self_closing && stack.len() < MAX_DEPTH {
                stack.push(ix);
            }
            i = tag_end;
        }
        dom.meta.lang = dom.lang.clone();
        dom.meta.h1 = (1..dom.nodes.len())
            .find(|&ix| dom.name(ix as NodeIx) == "h1")
            .map(|ix| dom.text_of(ix as NodeIx))
            .filter(|t| !t.is_empty());
        dom
    }

    fn head_tag(&mut self, name: &str, attr_text: &str) {
        let pairs = attr_pairs(attr_text);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        match name {
            "meta" => {
                let key = get("property")
                    .or_else(|| get("name"))
                    .or_else(|| get("itemprop"));
                if let (Some(k), Some(c)) = (key, get("content")) {
                    self.meta.add_meta(k, c);
                }
            }
            "link" => {
                let canonical = get("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|x| x.eq_ignore_ascii_case("canonical"))
                });
                if canonical && self.meta.canonical.is_none() {
                    self.meta.canonical = get("href").map(str::to_string);
                }
            }
            _ => {
                if self.meta.time.is_none() {
                    self.meta.time = get("datetime").map(str::to_string);
                }
            }
        }
    }

    /// Decoded, whitespace-folded text of a subtree.
    pub fn text_of(&self, ix: NodeIx) -> String {
        let mut out = String::new();
        let mut stack = vec![ix];
        while let Some(cur) = stack.pop() {
            if matches!(self.nodes[cur as usize].kind, Kind::Text) {
                push_decoded(self.raw(cur), &mut out);
            } else {
                let kids: Vec<NodeIx> = self.children(cur).collect();
                stack.extend(kids.into_iter().rev());
            }
        }
        out.trim().to_string()
    }

    fn text(&mut self, stack: &[NodeIx], start: usize, end: usize) {
        let parent = stack.last().copied().unwrap_or(0);
        // Merge with a directly preceding text node (split by a lone '<').
        let last = self.nodes[parent as usize].last_child;
        if last != NONE {
            let n = &mut self.nodes[last as usize];
            if matches!(n.kind, Kind::Text) && n.source.end as usize == start {
                n.source.end = end as u32;
                self.extend(stack, end);
                return;
            }
        }
        self.append(stack, Kind::Text, start..end);
    }

    fn extend(&mut self, stack: &[NodeIx], end: usize) {
        for &s in stack {
            let n = &mut self.nodes[s as usize];
            n.source.end = n.source.end.max(end as u32);
        }
    }

    fn append(&mut self, stack: &[NodeIx], kind: Kind, source: Range<usize>) -> NodeIx {
        let parent = stack.last().copied().unwrap_or(0);
        let ix = self.nodes.len() as NodeIx;
        self.nodes.push(Node {
            kind,
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            source: source.start as u32..source.end as u32,
        });
        let p = &mut self.nodes[parent as usize];
        if p.last_child == NONE {
            p.first_child = ix;
        } else {
            let prev = p.last_child;
            self.nodes[prev as usize].next_sibling = ix;
        }
        self.nodes[parent as usize].last_child = ix;
        self.extend(stack, source.end);
        ix
    }

    pub fn name(&self, ix: NodeIx) -> &str {
        match &self.nodes[ix as usize].kind {
            Kind::Element { name, .. } => name,
            Kind::Text => "",
        }
    }

    pub fn attrs(&self, ix: NodeIx) -> &str {
        match &self.nodes[ix as usize].kind {
            Kind::Element { attrs, .. } => attrs,
            Kind::Text => "",
        }
    }

    fn open_index(&self, stack: &[NodeIx], name: &str, stop_at: &[&str]) -> Option<usize> {
        for (k, &ix) in stack.iter().enumerate().rev() {
            let n = self.name(ix);
            if n == name {
                return Some(k);
            }
            if stop_at.contains(&n) {
                return None;
            }
        }
        None
    }

    fn implied_ends(&mut self, stack: &mut Vec<NodeIx>, name: &str, _at: usize) {
        let pop_to = |dom: &Dom, stack: &[NodeIx], target: &str, stop: &[&str]| {
            dom.open_index(stack, target, stop)
        };
        if CLOSES_P.contains(&name) {
            if let Some(k) = pop_to(
                self,
                stack,
                "p",
                &[
                    "div",
                    "td",
                    "th",
                    "li",
                    "blockquote",
                    "section",
                    "article",
                    "table",
                    "button",
                ],
            ) {
                stack.truncate(k);
            }
        }
        match name {
            "li" => {
                if let Some(k) = pop_to(self, stack, "li", &["ul", "ol", "menu"]) {
                    stack.truncate(k);
                }
            }
            "dt" | "dd" => {
                for t in ["dt", "dd"] {
                    if let Some(k) = pop_to(self, stack, t, &["dl"]) {
                        stack.truncate(k);
                    }
                }
            }
            "td" | "th" => {
                for t in ["td", "th"] {
                    if let Some(k) = pop_to(self, stack, t, &["tr", "table"]) {
                        stack.truncate(k);
                    }
                }
            }
            "tr" => {
                if let Some(k) = pop_to(self, stack, "tr", &["table"]) {
                    stack.truncate(k);
                }
            }
            "option" => {
                if let Some(k) = pop_to(self, stack, "option", &["select"]) {
                    stack.truncate(k);
                }
            }
            _ => {}
        }
        if stack.is_empty() {
            stack.push(0);
        }
    }

    fn close(&mut self, stack: &mut Vec<NodeIx>, name: &str, end: usize) {
        if let Some(k) = self.open_index(stack, name, &[]) {
            if k > 0 {
                self.extend(stack, end);
                stack.truncate(k);
            }
        }
    }

    pub fn children(&self, ix: NodeIx) -> Children<'_> {
        Children {
            dom: self,
            next: self.nodes[ix as usize].first_child,
        }
    }

    /// Source range of a text node.
    pub fn raw(&self, ix: NodeIx) -> &'a str {
        let r = &self.nodes[ix as usize].source;
        self.html
            .get(r.start as usize..r.end as usize)
            .unwrap_or("")
    }
}

pub struct Children<'d> {
    dom: &'d Dom<'d>,
    next: NodeIx,
}

impl Iterator for Children<'_> {
    type Item = NodeIx;
    fn next(&mut self) -> Option<NodeIx> {
        if self.next == NONE {
            return None;
        }
        let cur = self.next;
        self.next = self.dom.nodes[cur as usize].next_sibling;
        Some(cur)
    }
}

/// Append `raw` text to `out` with entities decoded and whitespace folded.
pub fn push_decoded(raw: &str, out: &mut String) {
    let mut i = 0;
    let b = raw.as_bytes();
    let mut pending_space = out.ends_with(' ');
    while i < b.len() {
        let Some(c) = raw[i..].chars().next() else {
            break;
        };
        let (c, len) = if c == '&' {
            crate::locate::decode_entity(&raw[i + 1..]).map_or(('&', 1), |(d, l)| (d, l + 1))
        } else {
            (c, c.len_utf8())
        };
        i += len;
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    if pending_space && !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {

    /// A value followed by a multi-byte character where the next name
    /// should start (`="x"…`) was stepped into byte by byte (found by the
    /// `html_extract` fuzz target).
    #[test]
    fn attributes_after_a_nameless_value_keep_to_characters() {
        let (classes, lang) = attributes(" =\"x\"\u{fffd}é class=\"lead\" lang=\"en\"");
        assert!(classes.contains("lead"), "{classes}");
        assert_eq!(lang.as_deref(), Some("en"));
        let _ = attributes("=\"\u{fffd}\"\u{fffd}\u{fffd}=\u{fffd}");
    }

    use super::*;

    fn tree(d: &Dom, ix: NodeIx, out: &mut String) {
        for c in d.children(ix) {
            match d.nodes[c as usize].kind {
                Kind::Text => out.push_str(d.raw(c).trim()),
                Kind::Element { ref name, .. } => {
                    out.push_str(&format!("({name} "));
                    tree(d, c, out);
                    out.push(')');
                }
            }
        }
    }

    #[test]
    fn builds_forgiving_tree() {
        let html = "<html lang=en><body><div class=A id=B><p>one<p>two<ul><li>a<li>b</ul></div><script>x<y</script>end</body>";
        let d = Dom::parse(html);
        let mut s = String::new();
        tree(&d, 0, &mut s);
        assert_eq!(s, "(div (p one)(p two)(ul (li a)(li b)))end");
        assert_eq!(d.lang.as_deref(), Some("en"));
        assert_eq!(d.attrs(1), "a b");
    }

    #[test]
    fn decodes_and_folds() {
        let mut s = String::new();
        push_decoded("  a&amp;b\n\n c&#8217;s &bogus; ", &mut s);
        assert_eq!(s, "a&b c\u{2019}s &bogus; ");
    }

    #[test]
    fn broken_input_does_not_panic() {
        for h in [
            "<",
            "</",
            "<a",
            "<!--",
            "<script>",
            "</x>",
            "<é>",
            "a<</>",
            "<p class='x",
        ] {
            let _ = Dom::parse(h);
        }
    }
}
