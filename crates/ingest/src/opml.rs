//! OPML, the file every feed reader imports and exports its
//! subscriptions as: `<outline xmlUrl="…" text="…"/>` elements, nested in
//! folders or not. Parsed with a real XML reader (entities, CDATA and
//! attribute quoting as XML has them), written as OPML 2.0.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One feed of an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub url: String,
    /// `title`, else `text`, when either is given.
    pub title: Option<String>,
}

/// Why an OPML file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("not valid XML near byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    #[error("no <opml> element: this is not an OPML file")]
    NotOpml,
    #[error("an OPML file of more than {0} feeds is refused")]
    TooMany(usize),
}

/// Feeds a file may list (far beyond any reader's subscriptions).
pub const MAX_FEEDS: usize = 10_000;

/// The feeds of an OPML document, in document order, each URL once
/// (outlines without `xmlUrl` are folders or links, not feeds).
pub fn parse(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let mut reader = Reader::from_str(text);
    let mut feeds: Vec<OpmlFeed> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut opml = false;
    loop {
        let event = reader.read_event().map_err(|e| OpmlError::Xml {
            position: reader.error_position(),
            reason: e.to_string(),
        })?;
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => break,
            _ => continue,
        };
        let name = element.local_name();
        let name = name.as_ref();
        if name.eq_ignore_ascii_case("opml") {
            opml = true;
            continue;
        }
        if !name.eq_ignore_ascii_case("outline") {
            continue;
        }
        let mut url = None;
        let mut title = None;
        let mut text_attr = None;
        for attribute in element.attributes() {
            let attribute = attribute.map_err(|e| OpmlError::Xml {
                position: reader.buffer_position(),
                reason: e.to_string(),
            })?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| OpmlError::Xml {
                    position: reader.buffer_position(),
                    reason: e.to_string(),
                })?
                .trim()
                .to_string();
            match attribute.key.local_name().as_ref() {
                k if k.eq_ignore_ascii_case("xmlUrl") => url = Some(value),
                k if k.eq_ignore_ascii_case("title") => title = Some(value),
                k if k.eq_ignore_ascii_case("text") => text_attr = Some(value),
                _ => {}
            }
        }
        let Some(url) = url.filter(|u| !u.is_empty()) else {
            continue;
        };
        if !seen.insert(url.clone()) {
            continue;
        }
        if feeds.len() == MAX_FEEDS {
            return Err(OpmlError::TooMany(MAX_FEEDS));
        }
        feeds.push(OpmlFeed {
            url,
            title: title.or(text_attr).filter(|t| !t.is_empty()),
        });
    }
    if !opml {
        return Err(OpmlError::NotOpml);
    }
    Ok(feeds)
}

fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no way to write other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An OPML 2.0 document listing `feeds` under `title`.
pub fn write(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n");
    out.push_str(&format!(
        "  <head>\n    <title>{}</title>\n  </head>\n  <body>\n",
        escape_attr(title)
    ));
    for feed in feeds {
        let name = feed.title.as_deref().unwrap_or(&feed.url);
        out.push_str(&format!(
            "    <outline type=\"rss\" text=\"{}\" title=\"{}\" xmlUrl=\"{}\"/>\n",
            escape_attr(name),
            escape_attr(name),
            escape_attr(&feed.url)
        ));
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_entities_and_duplicates() {
        let text = r#"<?xml version="1.0"?>
<opml version="1.0"><head><title>Mine</title></head><body>
  <outline text="News">
    <outline type="rss" text="Harbour &amp; Herald" xmlUrl="https://harbour.example/feed?a=1&amp;b=2"/>
    <outline type="rss" text="Tribune" title="Daily Tribune" xmlUrl='https://tribune.example/rss'></outline>
  </outline>
  <outline type="link" text="A page" url="https://page.example/"/>
  <outline type="rss" xmlUrl="https://harbour.example/feed?a=1&amp;b=2" text="again"/>
</body></opml>"#;
        let feeds = parse(text).expect("valid OPML");
        assert_eq!(
            feeds,
            vec![
                OpmlFeed {
                    url: "https://harbour.example/feed?a=1&b=2".into(),
                    title: Some("Harbour & Herald".into())
                },
                OpmlFeed {
                    url: "https://tribune.example/rss".into(),
                    title: Some("Daily Tribune".into())
                },
            ]
        );
    }

    #[test]
    fn what_it_writes_it_reads_back() {
        let feeds = vec![
            OpmlFeed {
                url: "https://x.example/feed?a=1&b=\"2\"".into(),
                title: Some("<Quotes> & 'apostrophes'".into()),
            },
            OpmlFeed {
                url: "https://y.example/atom".into(),
                title: None,
            },
        ];
        let text = write("Parallax feeds", &feeds);
        let back = parse(&text).expect("reads back");
        assert_eq!(back[0], feeds[0]);
        assert_eq!(back[1].url, feeds[1].url);
        assert_eq!(back[1].title.as_deref(), Some("https://y.example/atom"));
    }

    #[test]
    fn broken_or_foreign_files_are_refused_clearly() {
        assert!(matches!(
            parse("<opml><body><outline xmlUrl=\"x\"></body>"),
            Err(OpmlError::Xml { .. })
        ));
        assert!(matches!(
            parse("<rss><channel/></rss>"),
            Err(OpmlError::NotOpml)
        ));
        assert!(parse("not xml at all <").is_err());
        assert!(parse("<opml/>").expect("empty is fine").is_empty());
    }
}
