//! Behaviour of `extract` on small hand-written pages and on hostile input.

use parallax_html::{extract, extract_with, ExtractError, Mode, Options};
use parallax_model::{BlockKind, RemovalKind};

fn article_page() -> String {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of the report explains, in plain words, what the council decided on \
             Tuesday evening and why residents of the northern district &amp; its villages were \
             angry about the new bus timetable that takes effect next month.</p>"
        )
    };
    let mut body = String::new();
    for i in 0..4 {
        body.push_str(&para(i));
    }
    body.push_str("<h2>What happens next</h2>");
    for i in 4..7 {
        body.push_str(&para(i));
    }
    body.push_str(
        "<blockquote><p>We were never asked, and the consultation ran for only nine days in August.</p></blockquote>",
    );
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><title>Council changes bus timetable | Northern Echo Times</title>
<meta property="og:site_name" content="Northern Echo Times">
<meta property="article:published_time" content="2019-11-19T08:00:00Z">
<meta name="author" content="Jane Reporter">
<link rel="canonical" href="https://news.example.com/2019/11/19/bus-timetable">
</head><body>
<nav class="menu"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav>
<article><h1>Council changes bus timetable</h1>
<figure><img src="a.jpg"><figcaption>The number 12 bus leaving the central station on Monday morning</figcaption></figure>
{body}
<div class="share-bar">Share this article on Facebook, Twitter and by email with your friends</div>
</article>
<div class="related-stories"><h3>Related</h3><ul><li><a href="/1">Another story about buses in the region</a></li><li><a href="/2">Rail fares rise again this winter</a></li></ul></div>
<div id="comments"><h3>Leave a Reply</h3><p>Great article, thanks for covering the bus timetable changes!</p></div>
<footer>Copyright Northern Echo Times, all rights reserved, 2019 and onwards</footer>
</body></html>"#
    )
}

#[test]
fn extracts_article_blocks_with_sources_and_metadata() {
    let html = article_page();
    let page = extract(
        &html,
        Some("https://news.example.com/2019/11/19/bus-timetable?utm=x"),
    )
    .expect("article page must extract");
    assert_eq!(page.title.as_deref(), Some("Council changes bus timetable"));
    assert_eq!(page.published.as_deref(), Some("2019-11-19"));
    assert_eq!(page.author.as_deref(), Some("Jane Reporter"));
    assert_eq!(page.outlet.as_deref(), Some("Northern Echo Times"));
    assert_eq!(
        page.url.as_deref(),
        Some("https://news.example.com/2019/11/19/bus-timetable")
    );
    assert_eq!(page.language.as_deref(), Some("en"));

    let texts: Vec<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
    assert!(
        texts[0].starts_with("Paragraph 0 of the report"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.starts_with("Paragraph 6")));
    assert!(page
        .blocks
        .iter()
        .any(|b| b.kind == BlockKind::Heading && b.text == "What happens next"));
    assert!(page
        .blocks
        .iter()
        .any(|b| b.kind == BlockKind::Quote && b.text.starts_with("We were never asked")));
    let all = texts.join("\n");
    for furniture in [
        "Leave a Reply",
        "Great article",
        "Rail fares",
        "Share this",
        "Copyright",
        "number 12 bus",
    ] {
        assert!(!all.contains(furniture), "{furniture} leaked into {all}");
    }
    // Entities are decoded in the text and every block maps back to its source.
    assert!(texts[0].contains("district & its villages"));
    for b in &page.blocks {
        let range = b
            .source
            .clone()
            .expect("every block of this page is locatable");
        let src = &html[range];
        let first_word = b.text.split_whitespace().next().unwrap_or("");
        assert!(src.starts_with(first_word), "{src:?} vs {:?}", b.text);
    }
    let kinds: Vec<RemovalKind> = page.removed.iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&RemovalKind::Caption), "{:?}", page.removed);
    assert!(kinds.contains(&RemovalKind::Comments), "{:?}", page.removed);
    assert!(kinds.contains(&RemovalKind::Related), "{:?}", page.removed);
    assert!(
        kinds.contains(&RemovalKind::Navigation),
        "{:?}",
        page.removed
    );
}

#[test]
fn trafilatura_modes_also_extract() {
    let html = article_page();
    let opts = Options {
        mode: Mode::TrafilaturaFast,
        ..Options::default()
    };
    let page = extract_with(&html, None, &opts).expect("fast mode extracts");
    assert!(page.blocks.len() >= 7);
    assert_eq!(page.outlet.as_deref(), Some("Northern Echo Times"));
    let opts = Options {
        mode: Mode::Trafilatura,
        ..Options::default()
    };
    let page = extract_with(&html, None, &opts).expect("trafilatura mode extracts");
    assert!(page
        .blocks
        .iter()
        .any(|b| b.text.starts_with("Paragraph 6")));
    assert!(!page.blocks.iter().any(|b| b.text.contains("Leave a Reply")));
}

#[test]
fn embedded_tweet_is_marked() {
    let mut html = String::from("<html><body><article>");
    for i in 0..5 {
        html.push_str(&format!(
            "<p>Sentence {i} is long enough to count as article text about the storm that hit the coast overnight and flooded homes.</p>"
        ));
    }
    html.push_str(r#"<blockquote class="twitter-tweet"><p lang="en">Roads closed near the harbour, stay safe everyone and avoid the seafront tonight</p>&mdash; Coastguard (@coastguard) November 19, 2019</blockquote>"#);
    html.push_str("<p>The coastguard said the roads would reopen in the morning once the water had gone down again.</p></article></body></html>");
    let page = extract(&html, None).expect("extracts");
    let embedded: Vec<_> = page
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Embedded)
        .collect();
    assert!(
        embedded
            .iter()
            .any(|b| b.text.contains("Roads closed near the harbour")),
        "{:?}",
        page.blocks
    );
}

#[test]
fn empty_and_textless_inputs_are_no_article() {
    for html in [
        "",
        "   ",
        "<html></html>",
        "<html><body></body></html>",
        "<p></p>",
    ] {
        assert_eq!(
            extract(html, None),
            Err(ExtractError::NoArticle),
            "{html:?}"
        );
    }
}

#[test]
fn garbage_never_panics() {
    let mut seed: u32 = 12345;
    let mut bytes = Vec::with_capacity(200_000);
    for _ in 0..200_000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((seed >> 16) as u8);
    }
    let text = String::from_utf8_lossy(&bytes);
    let _ = extract(&text, Some("not a url"));
    let tags = "<div><p>< / >&#99999999;&amp<script><!--<table><td></tr></b><i>".repeat(2000);
    let _ = extract(&tags, Some("http://"));
    let _ = extract("\u{0}\u{feff}<html lang=>", Some(""));
}

#[test]
fn no_body_element_still_extracts() {
    let mut html = String::from("<title>Plain</title>");
    for i in 0..6 {
        html.push_str(&format!(
            "<p>Line {i}: the harbour authority confirmed that repairs to the old pier will start in the spring and take two years.</p>"
        ));
    }
    let page = extract(&html, None).expect("paragraphs without <body> still extract");
    assert!(page.blocks.iter().any(|b| b.text.starts_with("Line 3")));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let html = format!(
        "<html><body>{}<p>Deep text that is long enough to be considered as the content of the page by anyone.</p>{}</body></html>",
        "<div>".repeat(20_000),
        "</div>".repeat(20_000)
    );
    let _ = extract(&html, None);
    let tables = format!(
        "<html><body>{}<p>Text inside many tables, long enough to be considered content by the extractor.</p></body></html>",
        "<table><tbody><tr><td>".repeat(1_000)
    );
    let _ = extract(&tables, None);
    let lists = format!("{}item", "<ul><li>".repeat(2_000));
    let _ = extract(&lists, None);
    let mixed = "<b><i><a href=x><span><font>".repeat(400);
    let _ = extract(&mixed, None);
}

#[test]
fn huge_page_is_cut_not_fatal() {
    let mut html = String::from("<html><body><article>");
    for i in 0..6 {
        html.push_str(&format!(
            "<p>Paragraph {i} of a page that carries a lot of inline data after its article text, as real pages do.</p>"
        ));
    }
    html.push_str("</article><script>var data = \"");
    while html.len() < 50 << 20 {
        html.push_str("0123456789abcdef");
    }
    html.push_str("\";</script></body></html>");
    let page = extract(&html, None).expect("article before the bulk survives the cut");
    assert!(page
        .blocks
        .iter()
        .any(|b| b.text.starts_with("Paragraph 5")));
}

fn long_para(i: usize) -> String {
    format!(
        "<p>Paragraph {i} of the wire story says, at some length and with several clauses, that \
         the dockers walked out at dawn, that the terminal stood idle, and that talks stalled.</p>"
    )
}

#[test]
fn table_layout_rows_are_walked_and_chrome_is_recorded() {
    let paras: String = (0..6).map(long_para).collect();
    let page = format!(
        r#"<html><body><table class="layout"><tr>
<td class="wire-nav"><a href="/">Home</a><br><a href="/world">World</a><br><a href="/wire">Latest from the wires</a></td>
<td class="wire-story"><h1>Dockers strike</h1>{paras}
<p class="wire-credit">&copy; Agency 2025. This story was supplied by an agency and has not been edited by our staff.</p>
</td></tr></table></body></html>"#
    );
    let got = extract(&page, None).expect("article");
    // Each paragraph of the story cell is its own block, not one row block.
    assert_eq!(got.blocks.len(), 6, "{:?}", got.blocks);
    assert!(got.blocks.iter().all(|b| !b.text.contains("Latest from")));
    let kind_of = |needle: &str| {
        got.removed
            .iter()
            .find(|r| r.text.contains(needle))
            .map(|r| r.kind)
    };
    assert_eq!(
        kind_of("Latest from the wires"),
        Some(RemovalKind::Navigation)
    );
    // An agency notice in a `credit` element is not a photo credit.
    assert_eq!(
        kind_of("supplied by an agency"),
        Some(RemovalKind::Boilerplate)
    );
}

#[test]
fn furniture_records_keep_their_short_buttons_and_links() {
    let paras: String = (0..6).map(long_para).collect();
    let page = format!(
        r##"<html><body>
<div class="cookie-banner"><p>We use cookies to run this site and measure audiences.</p><button>Accept all cookies</button></div>
<article>{paras}
<div class="share-bar"><span>Share this article</span> <a class="share-wa" href="#">WhatsApp</a> <button class="copy-link">Copy link</button></div>
</article></body></html>"##
    );
    let got = extract(&page, None).expect("article");
    let record = |needle: &str| got.removed.iter().find(|r| r.text.contains(needle));
    let share = record("Share this article").expect("share bar recorded");
    assert_eq!(share.kind, RemovalKind::SharePrompt);
    assert!(share.text.contains("WhatsApp") && share.text.contains("Copy link"));
    let cookie = record("Accept all cookies").expect("consent button recorded");
    assert_eq!(cookie.kind, RemovalKind::CookieBanner);
}

#[test]
fn bare_fragment_is_read_and_its_furniture_recorded() {
    let paras: String = (0..3).map(long_para).collect();
    let fragment = format!(
        r#"<figure><img src="a.jpg"><figcaption>The terminal at dawn. Photo: Gazette</figcaption></figure>
{paras}<p><a href="/newsletter">Sign up for the Gazette evening newsletter</a></p>"#
    );
    let got = extract(&fragment, None).expect("article");
    assert_eq!(got.blocks.len(), 3, "{:?}", got.blocks);
    for block in &got.blocks {
        let src = block.source.clone().expect("source range");
        assert!(fragment[src].contains("Paragraph"));
    }
    let newsletter = got
        .removed
        .iter()
        .find(|r| r.text.contains("Sign up"))
        .expect("closing link recorded");
    assert_eq!(newsletter.kind, RemovalKind::Newsletter);
}

/// A `content` attribute ending in the bare word `charset` made the
/// parser under the trafilatura path index past its end (found by the
/// `html_extract` fuzz target). Every mode reads the page.
#[test]
fn a_meta_content_ending_in_charset_is_read() {
    let page = "<!DOCTYPE html><html><head>\
        <meta http-equiv=\"Content-Type\" content=\"text/html; charset\">\
        <title>Ferry services resume</title></head><body><article>\
        <h1>Ferry services resume</h1>\
        <p>Ferry services across the Varnholm strait resumed on Sunday after two \
        days of fog kept every boat in harbour, the operator said.</p>\
        <p>Crews worked through the night to clear the backlog of freight, and \
        the first crossing left at six in the morning with a full deck.</p>\
        </article></body></html>";
    for mode in [Mode::Native, Mode::Trafilatura, Mode::TrafilaturaFast] {
        let opts = Options {
            mode,
            ..Options::default()
        };
        let page = extract_with(page, None, &opts).expect("an article");
        assert!(
            page.blocks
                .iter()
                .any(|b| b.text.contains("Varnholm strait")),
            "{mode:?}"
        );
    }
}
