//! Bad input: each case is reported (path, locator, clear reason), skipped,
//! and never stops the rest of the batch.

mod common;

use common::*;
use parallax_ingest::{list_inputs, read_bytes, read_file, ContentKind, Limits};

#[test]
fn png_image_is_skipped_as_binary() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
    let (docs, skipped) = split(read_bytes("photo.txt", png, &limits()));
    assert!(docs.is_empty());
    assert_eq!(skipped[0].origin.path, "photo.txt");
    assert!(
        skipped[0].reason.contains("PNG image"),
        "{}",
        skipped[0].reason
    );
}

#[test]
fn nul_bytes_and_noise_are_skipped_as_binary() {
    let (_, skipped) = split(read_bytes("a.txt", b"hello\0world", &limits()));
    assert!(skipped[0].reason.contains("NUL"), "{}", skipped[0].reason);
    let noise: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    let (docs, skipped) = split(read_bytes("noise.html", &noise, &limits()));
    assert!(docs.is_empty());
    assert!(
        skipped[0].reason.starts_with("binary file"),
        "{}",
        skipped[0].reason
    );
}

#[test]
fn invalid_utf8_is_decoded_lossily_with_a_warning() {
    let mut bytes = "Minister’s “reform” plan — día".as_bytes().to_vec();
    bytes.extend_from_slice(b" \xff\xfe broken");
    let (docs, skipped) = split(read_bytes("story.txt", &bytes, &limits()));
    assert!(skipped.is_empty());
    assert!(docs[0]
        .content
        .starts_with("Minister’s “reform” plan — día"));
    assert!(docs[0].content.contains('\u{fffd}'));
    assert!(docs[0]
        .warnings
        .iter()
        .any(|w| w.contains("invalid UTF-8") && w.contains("lossily")));
}

#[test]
fn empty_and_blank_files_are_skipped() {
    let (_, skipped) = split(read_bytes("empty.txt", b"", &limits()));
    assert_eq!(skipped[0].reason, "empty file");
    let (_, skipped) = split(read_bytes("blank.html", b"  \n\t\r\n", &limits()));
    assert!(skipped[0].reason.contains("only whitespace"));
    let (_, skipped) = split(read_bytes("empty.txt.gz", &gzip(b""), &limits()));
    assert!(skipped[0].reason.contains("empty file"));
}

#[test]
fn truncated_gzip_is_reported() {
    let text = "A long enough article body. ".repeat(200);
    let full = gzip(text.as_bytes());
    let cut = &full[..full.len() / 2];
    let (docs, skipped) = split(read_bytes("story.txt.gz", cut, &limits()));
    assert!(docs.is_empty());
    assert!(
        skipped[0]
            .reason
            .contains("gzip data is truncated or corrupt"),
        "{}",
        skipped[0].reason
    );
}

#[test]
fn truncated_gzip_jsonl_keeps_the_lines_before_the_cut() {
    let mut data = String::new();
    for i in 0..2000 {
        data.push_str(&format!(
            "{{\"id\":\"n{i}\",\"text\":\"Body number {i} with some words.\"}}\n"
        ));
    }
    let full = gzip(data.as_bytes());
    let cut = &full[..full.len() * 3 / 4];
    let (docs, skipped) = split(read_bytes("dump.jsonl.gz", cut, &limits()));
    assert!(docs.len() > 100, "{}", docs.len());
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0]
        .reason
        .contains("gzip data is truncated or corrupt"));
    assert!(skipped[0]
        .origin
        .locator
        .as_deref()
        .unwrap_or("")
        .starts_with("line "));
}

#[test]
fn html_over_the_size_limit_names_the_limit_and_how_to_raise_it() {
    let limits = Limits {
        max_record_bytes: 1000,
        ..Limits::default()
    };
    let page = html_page("Big", &"word ".repeat(500));
    let (docs, skipped) = split(read_bytes("big.html", page.as_bytes(), &limits));
    assert!(docs.is_empty());
    let reason = &skipped[0].reason;
    assert!(reason.contains("HTML page"), "{reason}");
    assert!(reason.contains("1000 bytes"), "{reason}");
    assert!(reason.contains("max_record_bytes"), "{reason}");
    // Gzip does not get around the limit (it applies after decompression).
    let (_, skipped) = split(read_bytes("big.html.gz", &gzip(page.as_bytes()), &limits));
    assert!(skipped[0].reason.contains("max_record_bytes"));
}

#[test]
fn malformed_jsonl_lines_are_skipped_and_the_rest_land() {
    let data = concat!(
        "{\"id\":\"ok1\",\"text\":\"Fine.\"}\n",
        "{\"id\":\"bad\",\"text\":\"unterminated}\n",
        "[1,2,3]\n",
        "{\"id\":\"nocontent\",\"title\":\"Only a title\"}\n",
        "{\"id\":\"ok2\",\"html\":\"<p>Fine too.</p>\"}\n",
        "not json at all\n",
    );
    let (docs, skipped) = split(read_bytes("mixed.jsonl", data.as_bytes(), &limits()));
    assert_eq!(
        docs.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["ok1", "ok2"]
    );
    assert_eq!(docs[1].kind, ContentKind::Html);
    let locators: Vec<&str> = skipped
        .iter()
        .filter_map(|s| s.origin.locator.as_deref())
        .collect();
    assert_eq!(locators, ["line 2", "line 3", "line 4", "line 6"]);
    assert!(
        skipped[0].reason.starts_with("invalid JSON"),
        "{}",
        skipped[0].reason
    );
    assert!(
        skipped[0].reason.contains("column"),
        "{}",
        skipped[0].reason
    );
    assert!(skipped[1]
        .reason
        .contains("expected a JSON object, found an array"));
    assert!(skipped[2].reason.contains("no `text` or `html`"));
    assert_eq!(skipped[0].origin.path, "mixed.jsonl");
}

#[test]
fn jsonl_invalid_utf8_and_overlong_lines() {
    let limits = Limits {
        max_record_bytes: 200,
        ..Limits::default()
    };
    let mut data = b"{\"id\":\"latin\",\"text\":\"caf\xe9\"}\n".to_vec();
    data.extend_from_slice(
        format!("{{\"id\":\"huge\",\"text\":\"{}\"}}\n", "x".repeat(500)).as_bytes(),
    );
    data.extend_from_slice(b"{\"id\":\"after\",\"text\":\"Still read.\"}\n");
    let (docs, skipped) = split(read_bytes("x.jsonl", &data, &limits));
    assert_eq!(docs.len(), 2);
    assert!(docs[0].warnings.iter().any(|w| w.contains("invalid UTF-8")));
    assert_eq!(docs[1].id, "after");
    assert_eq!(skipped[0].origin.locator.as_deref(), Some("line 2"));
    assert!(skipped[0].reason.contains("max_record_bytes"));
}

#[test]
fn broken_warc_record_is_skipped_and_the_reader_resyncs() {
    let page = html_page("Good", "A good page.");
    let good = |uri: &str| {
        warc_record(
            "response",
            Some(uri),
            "2019-11-07T10:00:00Z",
            &http_response("200 OK", &[("Content-Type", "text/html")], page.as_bytes()),
        )
    };
    let mut warc = good("https://w.example/1");
    // Record 2: garbage where a header should be.
    warc.extend_from_slice(b"this is not a WARC header\r\nmore junk\r\n\r\n");
    warc.extend(good("https://w.example/3"));
    // Record 4: headers without Content-Length, then its content.
    warc.extend_from_slice(
        b"WARC/1.0\r\nWARC-Type: response\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>lost</html>\r\n\r\n",
    );
    warc.extend(good("https://w.example/5"));
    // Record 6: not HTTP at all, though typed as an HTTP response.
    warc.extend(warc_record(
        "response",
        Some("https://w.example/6"),
        "2019-11-07T10:00:00Z",
        b"HTTP/1.1 garbage",
    ));
    // Record 7: a 404 page.
    warc.extend(warc_record(
        "response",
        Some("https://w.example/7"),
        "2019-11-07T10:00:00Z",
        &http_response(
            "404 Not Found",
            &[("Content-Type", "text/html")],
            b"<html>gone</html>",
        ),
    ));
    // Record 8: redirect, silently ignored.
    warc.extend(warc_record(
        "response",
        Some("https://w.example/8"),
        "2019-11-07T10:00:00Z",
        &http_response("301 Moved", &[("Location", "/x")], b""),
    ));
    warc.extend(good("https://w.example/9"));
    let (docs, skipped) = split(read_bytes("broken.warc", &warc, &limits()));
    let urls: Vec<&str> = docs.iter().filter_map(|d| d.hints.url.as_deref()).collect();
    assert_eq!(
        urls,
        [
            "https://w.example/1",
            "https://w.example/3",
            "https://w.example/5",
            "https://w.example/9"
        ]
    );
    let locators: Vec<&str> = docs
        .iter()
        .filter_map(|d| d.origin.locator.as_deref())
        .collect();
    assert_eq!(locators, ["record 1", "record 3", "record 5", "record 9"]);
    let report: Vec<(String, String)> = skipped
        .iter()
        .map(|s| {
            (
                s.origin.locator.clone().unwrap_or_default(),
                s.reason.clone(),
            )
        })
        .collect();
    assert_eq!(report.len(), 4, "{report:#?}");
    assert_eq!(report[0].0, "record 2");
    assert!(
        report[0].1.contains("expected a WARC/1.x header"),
        "{}",
        report[0].1
    );
    assert_eq!(report[1].0, "record 4");
    assert!(report[1].1.contains("Content-Length"));
    assert_eq!(report[2].0, "record 6");
    assert!(report[2].1.contains("end of headers"), "{}", report[2].1);
    assert_eq!(report[3].0, "record 7");
    assert!(report[3].1.contains("HTTP status 404"));
    assert!(report[3].1.contains("https://w.example/7"));
}

#[test]
fn truncated_warc_record_is_reported() {
    let page = html_page("Cut", "This page is cut.");
    let record = warc_record(
        "response",
        Some("https://w.example/cut"),
        "2019-11-07T10:00:00Z",
        &http_response("200 OK", &[("Content-Type", "text/html")], page.as_bytes()),
    );
    let mut warc = warc_record("warcinfo", None, "2019-11-07T10:00:00Z", b"x: y\r\n");
    warc.extend_from_slice(&record[..record.len() - 60]);
    let (docs, skipped) = split(read_bytes("cut.warc", &warc, &limits()));
    assert!(docs.is_empty());
    assert_eq!(skipped[0].origin.locator.as_deref(), Some("record 2"));
    assert!(
        skipped[0].reason.contains("truncated WARC record"),
        "{}",
        skipped[0].reason
    );
    assert!(skipped[0].reason.contains("https://w.example/cut"));
}

#[test]
fn truncated_warc_gz_keeps_earlier_records() {
    let page = html_page("Kept", &"Paragraph text. ".repeat(50));
    let mut file = Vec::new();
    for i in 0..3 {
        let record = warc_record(
            "response",
            Some(&format!("https://w.example/{i}")),
            "2019-11-07T10:00:00Z",
            &http_response("200 OK", &[("Content-Type", "text/html")], page.as_bytes()),
        );
        file.extend(gzip(&record));
    }
    let cut = &file[..file.len() - 40];
    let (docs, skipped) = split(read_bytes("c.warc.gz", cut, &limits()));
    assert_eq!(docs.len(), 2);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].origin.locator.as_deref(), Some("record 3"));
    assert!(
        skipped[0]
            .reason
            .contains("gzip data is truncated or corrupt"),
        "{}",
        skipped[0].reason
    );
}

#[test]
fn warc_record_over_the_limit_is_skipped_with_the_limit() {
    let limits = Limits {
        max_record_bytes: 300,
        ..Limits::default()
    };
    let big = html_page("Big", &"word ".repeat(200));
    let small = html_page("S", "s");
    let mut warc = warc_record(
        "response",
        Some("https://w.example/big"),
        "2019-11-07T10:00:00Z",
        &http_response("200 OK", &[("Content-Type", "text/html")], big.as_bytes()),
    );
    warc.extend(warc_record(
        "response",
        Some("https://w.example/small"),
        "2019-11-07T10:00:00Z",
        &http_response("200 OK", &[("Content-Type", "text/html")], small.as_bytes()),
    ));
    let (docs, skipped) = split(read_bytes("x.warc", &warc, &limits));
    assert_eq!(docs.len(), 1);
    assert!(skipped[0].reason.contains("https://w.example/big"));
    assert!(skipped[0].reason.contains("max_record_bytes"));
}

#[test]
fn unreadable_feed_is_reported() {
    let (docs, skipped) = split(read_bytes(
        "broken.rss",
        b"<rss><channel><item><title>x</channel",
        &limits(),
    ));
    assert!(docs.is_empty());
    assert!(skipped[0].reason.contains("feed"), "{}", skipped[0].reason);
}

#[test]
fn a_batch_with_bad_files_still_lands_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "01_good.txt", b"A good article.");
    write(dir.path(), "02_empty.txt", b"");
    write(dir.path(), "03_image.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF");
    write(
        dir.path(),
        "04_cut.html.gz",
        &gzip(html_page("x", &"y ".repeat(3000)).as_bytes())[..100],
    );
    write(
        dir.path(),
        "05_good.html",
        html_page("Fine", "Fine page.").as_bytes(),
    );
    // `--all-files`: the JPEG is read (and reported) rather than left out.
    let listed = list_inputs(
        &[dir.path().to_path_buf()],
        &parallax_ingest::ListOptions { all_files: true },
    );
    assert!(listed.skipped.is_empty());
    assert!(listed.left_out.is_empty());
    let files: Vec<_> = listed.files.into_iter().map(|f| f.path).collect();
    let mut landed = Vec::new();
    let mut reported = Vec::new();
    for file in &files {
        let (docs, skipped) = split(read_file(file, &limits()));
        landed.extend(docs.into_iter().map(|d| d.id));
        reported.extend(skipped);
    }
    assert_eq!(landed, ["01_good", "05_good"]);
    assert_eq!(reported.len(), 3);
    assert!(reported
        .iter()
        .all(|s| s.origin.path.starts_with(&*dir.path().to_string_lossy())));
    assert!(reported[0].reason.contains("empty"));
    assert!(reported[1].reason.contains("JPEG"));
    assert!(reported[2].reason.contains("gzip"));
}
