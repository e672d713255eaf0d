//! A small HTML writer. Every piece of article data is untrusted (it came
//! from arbitrary web pages), so text goes through [`Html::text`], which
//! escapes it; markup only ever comes from string literals in this crate
//! via [`Html::raw`]. Attribute values are escaped the same way and always
//! quoted.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Escapes text for use in element content and in quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab/newline are invalid in HTML.
            c if c.is_control() && c != '\n' && c != '\t' && c != '\r' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Percent-encodes a value for a URL path segment or query value.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only web links are rendered as links: an article's URL field could hold
/// `javascript:` or `data:` and must not become clickable.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// An HTML fragment under construction.
#[derive(Debug, Default)]
pub struct Html {
    buf: String,
}

impl Html {
    pub fn new() -> Self {
        Html {
            buf: String::with_capacity(8 * 1024),
        }
    }

    /// Trusted markup: string literals of this crate only.
    pub fn raw(&mut self, markup: &str) -> &mut Self {
        self.buf.push_str(markup);
        self
    }

    /// Untrusted text, escaped.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.buf, text);
        self
    }

    /// `<tag class="..">text</tag>` with `text` escaped.
    pub fn element(&mut self, tag: &str, class: Option<&str>, text: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(tag);
        if let Some(class) = class {
            self.buf.push_str(" class=\"");
            escape_into(&mut self.buf, class);
            self.buf.push('"');
        }
        self.buf.push('>');
        escape_into(&mut self.buf, text);
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
        self
    }

    /// `<a href="..">text</a>` with both escaped.
    pub fn link(&mut self, href: &str, text: &str) -> &mut Self {
        self.buf.push_str("<a href=\"");
        escape_into(&mut self.buf, href);
        self.buf.push_str("\">");
        escape_into(&mut self.buf, text);
        self.buf.push_str("</a>");
        self
    }

    /// `name="value"` pair for an attribute, value escaped, with a leading space.
    pub fn attr(&mut self, name: &str, value: &str) -> &mut Self {
        self.buf.push(' ');
        self.buf.push_str(name);
        self.buf.push_str("=\"");
        escape_into(&mut self.buf, value);
        self.buf.push('"');
        self
    }

    pub fn into_string(self) -> String {
        self.buf
    }
}

/// Styles for every page: readable type, a single column that fits a phone,
/// no web fonts or external files.
const STYLE: &str = r#"
:root{color-scheme:light dark;--fg:#1b1b1b;--muted:#5d5d5d;--bg:#fdfdfb;--line:#dcdcd6;--accent:#1f5fa8;--mark:#fff0a8;--panel:#f3f2ee;--person:#1f5fa8;--org:#7b3fa6;--place:#23794a;--misc:#9a6a12;--quote:#e8eef7;--scare:#c99a00}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e3;--muted:#a3a39e;--bg:#151515;--line:#383836;--accent:#7fb0ee;--mark:#5a4d00;--panel:#202020;--person:#7fb0ee;--org:#c69be6;--place:#7fd0a0;--misc:#e0b45e;--quote:#1f2a3a;--scare:#e0b000}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.55 Georgia,"Times New Roman",serif}
a{color:var(--accent)}
header.site{border-bottom:1px solid var(--line);padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:15px}
header.site .brand{font-weight:700;text-decoration:none;color:var(--fg);letter-spacing:.02em}
header.site nav a{margin-right:.9rem}
header.site form{margin-left:auto;display:flex;gap:.3rem;flex:1 1 14rem;max-width:24rem}
input,select,button{font:inherit;font-size:15px;padding:.35rem .5rem;border:1px solid var(--line);border-radius:4px;background:var(--bg);color:var(--fg);min-width:0}
input[type=search]{flex:1}
button{cursor:pointer;background:var(--panel)}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.65rem;line-height:1.25;margin:.4rem 0 .6rem}
h2{font-size:1.2rem;margin:1.4rem 0 .4rem}
.meta,.muted,footer,.filters,.pager,table,details summary{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;font-size:14px;color:var(--muted)}
.meta span+span::before{content:" · "}
ol.articles{list-style:none;padding:0;margin:0}
ol.articles li{padding:.7rem 0;border-bottom:1px solid var(--line)}
ol.articles a.title{font-size:1.08rem;text-decoration:none;font-weight:600}
ol.articles a.title:hover{text-decoration:underline}
.snippet{margin:.25rem 0 0}
mark{background:var(--mark);color:inherit;padding:0 .1em}
.filters{display:flex;flex-wrap:wrap;gap:.4rem;align-items:end;margin:.3rem 0 1rem}
.filters label{display:flex;flex-direction:column;gap:.1rem}
.pager{display:flex;justify-content:space-between;margin:1rem 0}
.body p,.body li{margin:0 0 .9rem;overflow-wrap:anywhere}
.body blockquote{margin:0 0 .9rem;padding:.1rem 0 .1rem 1rem;border-left:3px solid var(--line);color:var(--muted)}
.body blockquote.embedded{font-family:system-ui,sans-serif;font-size:15px}
.body p.update{background:var(--panel);padding:.5rem .7rem;border-radius:4px}
details{border:1px solid var(--line);border-radius:4px;padding:.4rem .7rem;margin:1rem 0}
details summary{cursor:pointer}
details ul{padding-left:1.1rem}
details li{margin:.35rem 0;overflow-wrap:anywhere}
.kind{display:inline-block;font-family:system-ui,sans-serif;font-size:12px;border:1px solid var(--line);border-radius:3px;padding:0 .3rem;margin-right:.4rem;color:var(--muted)}
pre.source{white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px;background:var(--panel);padding:.7rem;border-radius:4px}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
.notice{background:var(--panel);border-radius:4px;padding:.6rem .8rem}
main:has(.story-page){max-width:96rem}
.lean{display:flex;flex-wrap:wrap;align-items:center;gap:.2rem .6rem;margin:.3rem 0}
.leanbar{display:flex;width:12rem;height:.7rem;border-radius:3px;overflow:hidden;border:1px solid var(--line)}
.leanbar span{display:block;height:100%}
.filter-box>summary{cursor:pointer;font-family:system-ui,sans-serif;font-size:14px;margin:.3rem 0}
input.narrow{width:5rem}
.lede{margin:.2rem 0;font-size:15px}.lede a{color:inherit}
.scroll{overflow-x:auto;max-width:100%}
.coverage-chart{margin:.8rem 0}.coverage-chart img{max-width:100%;height:auto;border:1px solid var(--line)}
.sources-table table{font-size:14px;border-collapse:collapse;min-width:40rem}
.sources-table td,.sources-table th{padding:.25rem .4rem;vertical-align:top;border-bottom:1px solid var(--line);text-align:left}
.sources-table td[data-label=Side],.sources-table td[data-label=Owner],.sources-table td[data-label=Type]{white-space:nowrap}
@media (max-width:40rem){.sources-table table{min-width:0}.sources-table thead{display:none}.sources-table tr,.sources-table td{display:block}.sources-table tr{border-bottom:1px solid var(--line);padding:.3rem 0}.sources-table td{border:0;padding:.05rem 0;white-space:normal}.sources-table td::before{content:attr(data-label) ": ";color:var(--muted)}}
.headlines .sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.6rem 1rem}
.headlines ul,.glance{padding-left:1.1rem;margin:.2rem 0}
.headlines li,.glance li{margin:.2rem 0}
details.side-by-side>summary{cursor:pointer;font-family:system-ui,sans-serif;font-size:14px;margin:.4rem 0}
.leanbar .left{background:#3b6fc4}.leanbar .centre{background:#9a8fb0}.leanbar .right{background:#c4453b}.leanbar .unrated{background:var(--line)}
.timeline ol{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
.timeline details{margin:.3rem 0;border:0;padding:0}
.timeline li{padding:.25rem 0 .25rem .8rem}
.timeline time{font-family:system-ui,sans-serif;font-weight:700;font-size:14px;margin-right:.4rem}
.timeline .sources{font-family:system-ui,sans-serif;font-size:13px;color:var(--muted)}
.event{border-top:2px solid var(--line);margin-top:1.4rem}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(17rem,1fr));gap:1rem;margin-top:.6rem}
.column{background:var(--panel);border-radius:6px;padding:.7rem .8rem;min-width:0;font-size:15px;line-height:1.45}
.column h3{font-size:1.05rem;margin:0 0 .2rem}
.column h4{font-family:system-ui,sans-serif;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:.9rem 0 .3rem}
.column ul{padding-left:1rem;margin:0}
.column li{margin:.3rem 0;overflow-wrap:anywhere}
.column a{text-decoration:none}.column a:hover{text-decoration:underline}
.badge{font-family:system-ui,sans-serif;font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:3px;padding:0 .25rem;white-space:nowrap}
.badge.blindspot{color:#8a4b00;border-color:#d9a35b}
.doc-kind{font-variant:small-caps}
.why{font-size:12px}
li.omitted{color:var(--muted)}
li.quote.shared{background:var(--mark);border-left:4px solid #c99a00;padding:.2rem .4rem;list-style:none;margin-left:-1rem}
li.quote.shared:target{outline:2px solid var(--accent)}
.also,.variants{font-family:system-ui,sans-serif;font-size:12px;color:var(--muted)}
ul.voice{list-style:none;padding:0}
li.flag .kind{font-weight:600}
li.flag.narrator .kind{border-color:#c4453b;color:#c4453b}
li.flag.scare .kind{border-color:#c99a00;color:#9a7400}
footer{max-width:46rem;margin:2rem auto;padding:0 1rem 1rem}
.ent{color:inherit;text-decoration:none;border-bottom:2px solid var(--misc)}
a.ent:hover{background:var(--panel)}
.ent.person{border-color:var(--person)}.ent.organization{border-color:var(--org)}.ent.location{border-color:var(--place)}.ent.misc{border-color:var(--misc)}
.q.speech{background:var(--quote);border-radius:2px;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.q.scare{text-decoration:underline wavy var(--scare);text-underline-offset:3px}
.who{font-family:system-ui,sans-serif;font-size:12px;color:var(--muted);margin-left:.25em;white-space:nowrap}
.who::before{content:"— "}
time.date{border-bottom:1px dashed var(--muted)}
time.date[data-iso]::after{content:attr(data-iso);font-family:system-ui,sans-serif;font-size:10px;color:var(--muted);margin-left:.2em;vertical-align:super;line-height:0}
.legend{font-family:system-ui,sans-serif;font-size:13px;color:var(--muted);display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline;margin:.4rem 0 .8rem}
.legend .ent,.legend .q,.legend time{color:var(--fg)}
main:has(.article-page){max-width:74rem}
.article-page article{max-width:46rem;min-width:0}
aside.entities{font-family:system-ui,sans-serif;font-size:14px;border-top:2px solid var(--line);margin-top:1.5rem;padding-top:.3rem;overflow-wrap:anywhere}
aside.entities h2{font-size:1rem;margin:.6rem 0 .3rem}
aside.entities h3{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:.9rem 0 .2rem}
aside.entities ul{list-style:none;padding:0;margin:0}
aside.entities li{margin:.25rem 0}
.count{color:var(--muted);font-size:12px}
.roles{color:var(--muted);font-size:12px}
@media (min-width:64rem){.article-page{display:grid;grid-template-columns:minmax(0,46rem) 17rem;gap:2.5rem;align-items:start}aside.entities{border-top:0;margin-top:3.2rem;position:sticky;top:1rem;max-height:calc(100vh - 2rem);overflow-y:auto}}
h1 .ent{border-bottom-width:3px}
.facts-table th{width:7rem;white-space:nowrap}
.outlet-box dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.4rem 0}.outlet-box dt{font-weight:600}.outlet-box dd{margin:0}
table.outlets td{vertical-align:top;padding:.3rem .4rem;border-top:1px solid var(--line)}table.outlets ul{margin:0;padding-left:1rem}.outlets-wrap{overflow-x:auto}
.quote-group{margin:.8rem 0 1rem;padding:.5rem .7rem;background:var(--panel);border-radius:6px}
.quote-group h3{font-size:1rem;margin:0}
.quote-group h3 a{text-decoration:none}
ul.quotes{padding-left:1rem;margin:.3rem 0 0}
ul.quotes li{margin:.45rem 0;overflow-wrap:anywhere}
ul.quotes a{text-decoration:none;color:inherit;border-bottom:1px solid var(--line)}
ul.quotes a:hover{border-color:var(--accent)}
.speaker{font-family:system-ui,sans-serif;font-size:14px;color:var(--muted)}
.context{font-family:system-ui,sans-serif;font-size:13px;color:var(--muted);margin-top:.15rem}
ol.entities .badge{margin-left:.2rem}
@media (max-width:30rem){body{font-size:16px}h1{font-size:1.35rem}main{padding:.7rem}header.site form{max-width:none;margin-left:0}}
"#;

/// Defence in depth on top of escaping: pages load nothing from anywhere
/// and run no script at all.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
                   form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What a link preview (OpenGraph, as chat apps and social sites read
/// it) shows of a page, and the page's stable address.
pub struct Preview<'a> {
    /// `article` for stories and articles, `profile` for entities.
    pub kind: &'a str,
    pub description: &'a str,
    /// The permalink path (`/stories/st-…`): the same page under every
    /// query string. Given as `rel=canonical`; `og:url` would need the
    /// server's public address, which it does not know.
    pub path: &'a str,
}

/// Descriptions are cut to this many characters, at a word.
const PREVIEW_CHARS: usize = 280;

fn preview_text(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= PREVIEW_CHARS {
        return text;
    }
    let cut: String = text.chars().take(PREVIEW_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// A whole page: head, site header with the search box, `body`, footer.
pub fn page(title: &str, query: &str, body: Html) -> String {
    page_with(title, query, None, body)
}

/// [`page`] with a link preview and a canonical address.
pub fn page_with(title: &str, query: &str, preview: Option<&Preview>, body: Html) -> String {
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    if let Some(p) = preview {
        let description = preview_text(p.description);
        h.raw("<link rel=\"canonical\"")
            .attr("href", p.path)
            .raw("><meta name=\"description\"")
            .attr("content", &description)
            .raw("><meta property=\"og:site_name\" content=\"Parallax\"><meta property=\"og:type\"")
            .attr("content", p.kind)
            .raw("><meta property=\"og:title\"")
            .attr("content", title)
            .raw("><meta property=\"og:description\"")
            .attr("content", &description)
            .raw(">");
    }
    h.raw("<title>")
        .text(title)
        .raw(" · Parallax</title><style>")
        .raw(STYLE)
        .raw("</style></head><body>")
        .raw("<header class=\"site\"><a class=\"brand\" href=\"/\">Parallax</a>")
        .raw("<nav><a href=\"/stories\">Stories</a><a href=\"/articles\">Articles</a>")
        .raw("<a href=\"/entities\">Entities</a><a href=\"/outlets\">Outlets</a>")
        .raw("<a href=\"/search\">Search</a><a href=\"/feeds\">Feeds</a>")
        .raw("<a href=\"/api/openapi.json\">API</a></nav>")
        .raw("<form action=\"/search\" method=\"get\" role=\"search\">")
        .raw("<input type=\"search\" name=\"q\" aria-label=\"Search articles\" placeholder=\"Search articles\"")
        .attr("value", query)
        .raw("><button type=\"submit\">Search</button></form></header><main>")
        .raw(&body.into_string())
        .raw("</main><footer>Parallax — news coverage across outlets. ")
        .raw("<a href=\"/api/health\">Status</a></footer></body></html>\n");
    h.into_string()
}

/// An HTML response with the security headers every page carries.
pub fn response(status: StatusCode, document: String) -> Response {
    let mut response = (status, document).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// A page that says what went wrong, e.g. an unknown article.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let mut body = Html::new();
    body.element("h1", None, status.canonical_reason().unwrap_or("Error"))
        .element("p", Some("notice"), message)
        .raw("<p><a href=\"/\">All stories</a> · <a href=\"/articles\">All articles</a></p>");
    let title = status.canonical_reason().unwrap_or("Error");
    response(status, page(title, "", body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\"\u{0}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\u{FFFD}"
        );
    }

    #[test]
    fn only_http_urls_count_as_links() {
        assert!(is_web_url("https://example.org/a?b=c"));
        assert!(is_web_url("HTTP://example.org"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("data:text/html,<b>"));
        assert!(!is_web_url("https://exa mple.org"));
        assert!(!is_web_url("//example.org"));
    }

    #[test]
    fn url_encoding_keeps_unreserved_characters() {
        assert_eq!(url_encode("a b/c?d=é"), "a%20b%2Fc%3Fd%3D%C3%A9");
        assert_eq!(url_encode("id-1_2.3~"), "id-1_2.3~");
    }

    #[test]
    fn attributes_and_elements_escape_their_values() {
        let mut h = Html::new();
        h.attr("value", "\"><script>")
            .element("p", Some("x\""), "<b>")
            .link("/a?q=<x>", "<i>");
        assert_eq!(
            h.into_string(),
            " value=\"&quot;&gt;&lt;script&gt;\"<p class=\"x&quot;\">&lt;b&gt;</p>\
             <a href=\"/a?q=&lt;x&gt;\">&lt;i&gt;</a>"
        );
    }
}
