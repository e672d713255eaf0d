//! Every input format, read end to end through the public API.

mod common;

use common::*;
use parallax_ingest::{list_inputs, read_bytes, read_file, ContentKind, Limits, SourceFormat};
use std::path::PathBuf;

#[test]
fn plain_text_file_is_one_text_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "000_244fc5b634fe34a8.txt",
        "Council approves budget\n\nThe council voted 7–2 on Tuesday.\n".as_bytes(),
    );
    let (docs, skipped) = split(read_file(&path, &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs.len(), 1);
    let doc = &docs[0];
    assert_eq!(doc.id, "000_244fc5b634fe34a8");
    assert_eq!(doc.kind, ContentKind::Text);
    assert_eq!(doc.format, SourceFormat::Text);
    assert!(doc.content.contains("voted 7–2"));
    assert_eq!(doc.origin.path, path.to_string_lossy());
    assert!(doc.warnings.is_empty());
}

#[test]
fn shared_seeds_read_cleanly() {
    let shared = std::env::var("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let seeds = shared.join("seeds");
    if !seeds.is_dir() {
        eprintln!(
            "skipping: {} not found (set PARALLAX_SHARED)",
            seeds.display()
        );
        return;
    }
    let listed = list_inputs(&[seeds], &Default::default());
    let (files, skipped): (Vec<_>, _) = (
        listed.files.into_iter().map(|f| f.path).collect(),
        listed.skipped,
    );
    assert!(skipped.is_empty());
    assert!(files.len() >= 5);
    for file in files {
        let (docs, skipped) = split(read_file(&file, &limits()));
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, ContentKind::Text);
        assert!(docs[0].warnings.is_empty(), "{:?}", docs[0].warnings);
        let stem = file.file_stem().unwrap().to_string_lossy();
        assert_eq!(docs[0].id, stem);
        if docs[0].content.trim_start().starts_with("date ") {
            let date = docs[0].hints.published.as_deref().unwrap_or("");
            assert!(docs[0].content.contains(date) && date.len() == 10, "{date}");
        }
        assert!(docs[0].content.len() > 200);
    }
}

#[test]
fn html_page_gzipped_under_a_misleading_name() {
    let dir = tempfile::tempdir().unwrap();
    let page = html_page("Flood warning", "Rivers rose overnight.");
    // Named .txt, yet gzip + HTML content decide.
    let path = write(dir.path(), "story.html.gz.txt", &gzip(page.as_bytes()));
    let (docs, skipped) = split(read_file(&path, &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs[0].kind, ContentKind::Html);
    assert_eq!(docs[0].format, SourceFormat::Html);
    assert_eq!(docs[0].id, "story");
    assert_eq!(docs[0].content, page);
}

#[test]
fn html_in_legacy_charset_is_decoded_by_its_declaration() {
    let mut page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>".to_vec();
    page.extend_from_slice(b"\x93Caf\xe9\x94 owner \x96 interview</p></body></html>");
    let (docs, _) = split(read_bytes("x.html", &page, &limits()));
    assert!(
        docs[0].content.contains("“Café” owner – interview"),
        "{}",
        docs[0].content
    );
    assert!(docs[0].warnings.is_empty());
}

#[test]
fn valid_utf8_declared_as_windows_1252_is_read_as_utf8_with_a_warning() {
    let page = "<html><head><meta charset=\"windows-1252\"></head><body>\
                <p>“Café” owner – interview in Zürich</p></body></html>";
    let (docs, _) = split(read_bytes("x.html", page.as_bytes(), &limits()));
    assert!(
        docs[0]
            .content
            .contains("“Café” owner – interview in Zürich"),
        "{}",
        docs[0].content
    );
    assert!(
        docs[0].warnings.iter().any(|w| w.contains("valid UTF-8")),
        "{:?}",
        docs[0].warnings
    );
}

#[test]
fn html_without_declaration_is_sniffed() {
    let page = b"<html><body><p>\xc9l\xe8ve et professeur \xe0 l'\xe9cole, la r\xe9forme pr\xe9vue.</p></body></html>";
    let (docs, _) = split(read_bytes("page.htm", page, &limits()));
    assert!(
        docs[0].content.contains("Élève et professeur à l'école"),
        "{}",
        docs[0].content
    );
    assert!(docs[0].warnings.iter().any(|w| w.contains("guessed")));
}

#[test]
fn jsonl_records_carry_hints_and_html_wins() {
    let data = concat!(
        r#"{"id":"a1","url":"https://news.example/a1","outlet":"Example News","title":"First","published":"2019-11-07","text":"Body one."}"#,
        "\n",
        "\n",
        r#"{"id":"a2","title":"Second","text":"ignored","html":"<p>Body <b>two</b></p>"}"#,
        "\r\n",
        r#"{"url":"https://news.example/a3","text":"Body three."}"#,
        "\n",
        r#"{"id":"a/4 weird","text":"Body four."}"#,
    );
    let (docs, skipped) = split(read_bytes("batch.jsonl", data.as_bytes(), &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0].id, "a1");
    assert_eq!(docs[0].format, SourceFormat::Jsonl);
    assert_eq!(docs[0].kind, ContentKind::Text);
    assert_eq!(
        docs[0].hints.url.as_deref(),
        Some("https://news.example/a1")
    );
    assert_eq!(docs[0].hints.outlet.as_deref(), Some("Example News"));
    assert_eq!(docs[0].hints.title.as_deref(), Some("First"));
    assert_eq!(docs[0].hints.published.as_deref(), Some("2019-11-07"));
    assert_eq!(docs[0].origin.locator.as_deref(), Some("line 1"));
    assert_eq!(docs[1].kind, ContentKind::Html);
    assert_eq!(docs[1].content, "<p>Body <b>two</b></p>");
    assert_eq!(docs[1].origin.locator.as_deref(), Some("line 3"));
    // No id: a stable content hash.
    assert_eq!(docs[2].id.len(), 16);
    assert!(docs[2].id.chars().all(|c| c.is_ascii_hexdigit()));
    let again = read_bytes("other.jsonl", data.as_bytes(), &limits());
    assert_eq!(again[2].as_ref().unwrap().id, docs[2].id);
    // Unsafe ids are made safe.
    assert!(docs[3].id.starts_with("a_4_weird-"), "{}", docs[3].id);
}

#[test]
fn jsonl_gzipped() {
    let data = b"{\"id\":\"z\",\"text\":\"Zipped body.\"}\n";
    let (docs, skipped) = split(read_bytes("dump.jsonl.gz", &gzip(data), &limits()));
    assert!(skipped.is_empty());
    assert_eq!(docs[0].id, "z");
}

fn sample_warc() -> Vec<u8> {
    let page1 = html_page("Mayor resigns", "The mayor stepped down.");
    let page2 = html_page("Storm hits coast", "Winds reached 120 km/h.");
    let mut out = Vec::new();
    out.extend(warc_record(
        "warcinfo",
        None,
        "2019-11-07T10:00:00Z",
        b"software: test\r\n",
    ));
    out.extend(warc_record(
        "request",
        Some("https://news.example/mayor"),
        "2019-11-07T10:00:01Z",
        b"GET /mayor HTTP/1.1\r\nHost: news.example\r\n\r\n",
    ));
    out.extend(warc_record(
        "response",
        Some("https://news.example/mayor"),
        "2019-11-07T10:00:02Z",
        &http_response(
            "200 OK",
            &[("Content-Type", "text/html; charset=utf-8")],
            page1.as_bytes(),
        ),
    ));
    out.extend(warc_record(
        "response",
        Some("https://news.example/logo.png"),
        "2019-11-07T10:00:03Z",
        &http_response(
            "200 OK",
            &[("Content-Type", "image/png")],
            b"\x89PNG\r\n\x1a\n",
        ),
    ));
    out.extend(warc_record(
        "response",
        Some("<https://news.example/storm>"),
        "2019-11-08T08:30:00Z",
        &http_response("200 OK", &[("Content-Type", "text/html")], page2.as_bytes()),
    ));
    out
}

#[test]
fn warc_response_records_become_html_records() {
    let (docs, skipped) = split(read_bytes("crawl.warc", &sample_warc(), &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs.len(), 2, "only HTML responses land");
    let mayor = &docs[0];
    assert_eq!(mayor.format, SourceFormat::Warc);
    assert_eq!(mayor.kind, ContentKind::Html);
    assert_eq!(
        mayor.hints.url.as_deref(),
        Some("https://news.example/mayor")
    );
    assert_eq!(mayor.hints.published.as_deref(), Some("2019-11-07"));
    assert!(mayor.hints.published_is_capture_date);
    assert_eq!(mayor.origin.locator.as_deref(), Some("record 3"));
    assert!(mayor.content.contains("The mayor stepped down."));
    assert!(!mayor.content.contains("HTTP/1.1"));
    assert_eq!(
        mayor.id,
        parallax_ingest::content_id("https://news.example/mayor")
    );
    assert_eq!(
        docs[1].hints.url.as_deref(),
        Some("https://news.example/storm")
    );
    assert_eq!(docs[1].origin.locator.as_deref(), Some("record 5"));
}

#[test]
fn warc_gz_with_one_gzip_member_per_record() {
    let mut file = Vec::new();
    let page = html_page("Budget", "Spending rises.");
    for (i, uri) in ["https://a.example/1", "https://a.example/2"]
        .iter()
        .enumerate()
    {
        let record = warc_record(
            "response",
            Some(uri),
            &format!("2020-01-0{}T00:00:00Z", i + 1),
            &http_response("200 OK", &[("Content-Type", "text/html")], page.as_bytes()),
        );
        file.extend(gzip(&record));
    }
    let (docs, skipped) = split(read_bytes("c.warc.gz", &file, &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].hints.published.as_deref(), Some("2020-01-02"));
    assert_ne!(docs[0].id, docs[1].id);
}

#[test]
fn warc_payload_chunked_and_gzip_encoded() {
    let page = html_page("Election night", "Polls closed at ten.");
    let compressed = gzip(page.as_bytes());
    let (first, rest) = compressed.split_at(7);
    let mut body = format!("{:x}\r\n", first.len()).into_bytes();
    body.extend_from_slice(first);
    body.extend_from_slice(format!("\r\n{:x}\r\n", rest.len()).as_bytes());
    body.extend_from_slice(rest);
    body.extend_from_slice(b"\r\n0\r\n\r\n");
    let block = http_response(
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Transfer-Encoding", "chunked"),
            ("Content-Encoding", "gzip"),
        ],
        &body,
    );
    let warc = warc_record(
        "response",
        Some("https://e.example/x"),
        "2021-05-01T00:00:00Z",
        &block,
    );
    let (docs, skipped) = split(read_bytes("c.warc", &warc, &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs[0].content, page);
    assert!(docs[0].warnings.is_empty(), "{:?}", docs[0].warnings);
}

#[test]
fn warc_http_charset_header_decodes_legacy_page() {
    let block = http_response(
        "200 OK",
        &[("Content-Type", "text/html; charset=iso-8859-1")],
        b"<html><body><p>Z\xfcrich gew\xe4hlt</p></body></html>",
    );
    let warc = warc_record(
        "response",
        Some("https://e.example/z"),
        "2021-05-01T00:00:00Z",
        &block,
    );
    let (docs, _) = split(read_bytes("c.warc", &warc, &limits()));
    assert!(docs[0].content.contains("Zürich gewählt"));
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Example Gazette</title>
  <link>https://gazette.example/</link>
  <item>
    <title>Bridge reopens</title>
    <link>https://gazette.example/bridge</link>
    <pubDate>Thu, 07 Nov 2019 09:30:00 GMT</pubDate>
    <dc:creator>Ana Ruiz</dc:creator>
    <description>&lt;p&gt;The bridge reopened &lt;b&gt;today&lt;/b&gt;.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Short note</title>
    <link>https://gazette.example/note</link>
    <description>Just a plain sentence.</description>
  </item>
  <item>
    <title>Empty</title>
    <link>https://gazette.example/empty</link>
  </item>
</channel>
</rss>"#;

#[test]
fn rss_items_become_records() {
    let (docs, skipped) = split(read_bytes("gazette.rss", RSS.as_bytes(), &limits()));
    assert_eq!(docs.len(), 2);
    let bridge = &docs[0];
    assert_eq!(bridge.format, SourceFormat::Feed);
    assert_eq!(bridge.kind, ContentKind::Html);
    assert!(bridge.content.contains("<b>today</b>"));
    assert_eq!(bridge.hints.title.as_deref(), Some("Bridge reopens"));
    assert_eq!(bridge.hints.outlet.as_deref(), Some("Example Gazette"));
    assert_eq!(
        bridge.hints.url.as_deref(),
        Some("https://gazette.example/bridge")
    );
    assert_eq!(bridge.hints.author.as_deref(), Some("Ana Ruiz"));
    assert!(bridge
        .hints
        .published
        .as_deref()
        .unwrap()
        .starts_with("2019-11-07T09:30:00"));
    assert_eq!(bridge.origin.locator.as_deref(), Some("item 1"));
    assert_eq!(
        bridge.id,
        parallax_ingest::content_id("https://gazette.example/bridge")
    );
    assert_eq!(docs[1].kind, ContentKind::Text);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].origin.locator.as_deref(), Some("item 3"));
    assert!(skipped[0].reason.contains("no content"));
}

#[test]
fn atom_entries_become_records() {
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Times</title>
  <id>urn:x</id><updated>2020-02-02T00:00:00Z</updated>
  <entry>
    <title>Court rules</title>
    <id>urn:entry:1</id>
    <link rel="alternate" href="https://atom.example/court"/>
    <published>2020-02-01T12:00:00Z</published>
    <updated>2020-02-02T00:00:00Z</updated>
    <author><name>Lee Park</name></author>
    <content type="html">&lt;p&gt;The court ruled.&lt;/p&gt;</content>
  </entry>
</feed>"#;
    let (docs, skipped) = split(read_bytes("times.xml", atom.as_bytes(), &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].kind, ContentKind::Html);
    assert_eq!(docs[0].content, "<p>The court ruled.</p>");
    assert_eq!(docs[0].hints.outlet.as_deref(), Some("Atom Times"));
    assert_eq!(docs[0].hints.author.as_deref(), Some("Lee Park"));
    assert!(docs[0]
        .hints
        .published
        .as_deref()
        .unwrap()
        .starts_with("2020-02-01"));
}

#[test]
fn feed_item_limit_is_reported() {
    let limits = Limits {
        max_feed_items: 1,
        ..Limits::default()
    };
    let (docs, skipped) = split(read_bytes("gazette.rss", RSS.as_bytes(), &limits));
    assert_eq!(docs.len(), 1);
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].reason.contains("max_feed_items"));
}

#[test]
fn list_inputs_walks_folders_sorted_and_skips_hidden() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b.txt", b"b");
    write(dir.path(), "a.txt", b"a");
    write(dir.path(), "sub/c.html", b"<p>c</p>");
    write(dir.path(), ".hidden.txt", b"h");
    write(dir.path(), ".git/config", b"x");
    let explicit_hidden = write(dir.path(), "other/.kept.txt", b"k");
    let missing = dir.path().join("nope.txt");
    let listed = list_inputs(
        &[
            dir.path().to_path_buf(),
            PathBuf::from("-"),
            missing.clone(),
            explicit_hidden.clone(),
        ],
        &Default::default(),
    );
    let (files, skipped): (Vec<_>, _) = (
        listed.files.into_iter().map(|f| f.path).collect(),
        listed.skipped,
    );
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["a.txt", "b.txt", "sub/c.html", "-", "other/.kept.txt"]
    );
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].origin.path, missing.to_string_lossy());
    assert!(skipped[0].reason.contains("no such file"));
}

#[test]
fn stdin_name_gives_content_hash_id() {
    let (docs, _) = split(read_bytes("-", b"Piped text.", &limits()));
    assert_eq!(docs[0].origin.path, "-");
    assert_eq!(docs[0].id, parallax_ingest::content_id("Piped text."));
}

#[test]
fn pretty_printed_json_object_and_array() {
    let object = "{\n  \"Title\": \"Pretty\",\n  \"URL\": \"https://p.example/1\",\n  \"text\": \"Spread over lines.\"\n}\n";
    let (docs, skipped) = split(read_bytes("dir/pretty.json", object.as_bytes(), &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].id, "pretty");
    assert_eq!(docs[0].hints.title.as_deref(), Some("Pretty"));
    assert_eq!(docs[0].hints.url.as_deref(), Some("https://p.example/1"));

    let array =
        "[\n {\"id\": \"x1\", \"html\": \"<p>One</p>\"},\n 42,\n {\"id\": 7, \"text\": \"Two\"}\n]";
    let (docs, skipped) = split(read_bytes("batch.json", array.as_bytes(), &limits()));
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["x1", "7"]
    );
    assert_eq!(docs[1].origin.locator.as_deref(), Some("item 3"));
    assert_eq!(skipped[0].origin.locator.as_deref(), Some("item 2"));
    assert!(skipped[0].reason.contains("found a number"));
}

#[test]
fn json_feed_is_read_as_a_feed() {
    let feed = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Daily",
      "items": [{"id": "1", "url": "https://j.example/1", "title": "Hello",
                 "content_html": "<p>Hi there</p>", "date_published": "2021-03-04T05:06:07Z"}]}"#;
    let (docs, skipped) = split(read_bytes("daily.json", feed.as_bytes(), &limits()));
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(docs[0].format, SourceFormat::Feed);
    assert_eq!(docs[0].kind, ContentKind::Html);
    assert_eq!(docs[0].hints.outlet.as_deref(), Some("JSON Daily"));
    assert_eq!(docs[0].hints.url.as_deref(), Some("https://j.example/1"));
}

/// A data folder: only article formats are taken; the rest is left out and
/// listed; a FIFO and a symlinked folder are reported, never silently
/// dropped; `all_files` takes everything regular.
#[cfg(unix)]
#[test]
fn folder_walks_take_article_formats_and_report_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", b"a");
    write(dir.path(), "b.html.gz", b"b");
    write(dir.path(), "feed.rss", b"<rss/>");
    write(dir.path(), "crawl.warc", b"WARC/1.0");
    write(dir.path(), "README", b"readme");
    write(dir.path(), "README.md", b"# readme");
    write(dir.path(), "labels.tsv", b"a\tb");
    write(dir.path(), "x.expected.json", b"{}");
    let sub = dir.path().join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::os::unix::fs::symlink(&sub, dir.path().join("link-to-sub")).unwrap();
    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let names = |files: &[parallax_ingest::InputFile]| -> Vec<String> {
        files.iter().map(|f| f.relative.clone()).collect()
    };
    let root = dir
        .path()
        .canonicalize()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let listed = list_inputs(&[dir.path().to_path_buf()], &Default::default());
    assert_eq!(
        names(&listed.files),
        ["a.txt", "b.html.gz", "crawl.warc", "feed.rss"].map(|n| format!("{root}/{n}"))
    );
    assert_eq!(listed.left_out.len(), 4, "{:?}", listed.left_out);
    let reasons: Vec<&str> = listed.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("symbolic link to a folder")),
        "{reasons:?}"
    );
    if made.is_ok_and(|s| s.success()) {
        assert!(reasons.iter().any(|r| r.contains("FIFO")), "{reasons:?}");
    }
    let all = list_inputs(
        &[dir.path().to_path_buf()],
        &parallax_ingest::ListOptions { all_files: true },
    );
    assert_eq!(all.files.len(), 8);
    assert!(all.left_out.is_empty());
}
