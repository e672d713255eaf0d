//! A small streaming WARC reader (WARC/1.0 and 1.1, plain or with per-record
//! gzip members). Only `response` records with an HTML payload become
//! records; a broken record is reported and the reader resyncs at the next
//! `WARC/` header line.

use crate::jsonl::read_line_bounded;
use crate::{decode, http, ids, over_limit_reason, Limits, Record, Source};
use parallax_model::{ContentKind, Hints, RawDoc, Skipped, SourceFormat};
use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

/// Longest header line kept; WARC headers are short, binary junk is not.
const MAX_HEADER_LINE: usize = 64 * 1024;
/// Most header lines in one record before it counts as broken.
const MAX_HEADER_LINES: usize = 512;

pub(crate) struct WarcReader {
    source: Source,
    stream: Box<dyn BufRead + Send>,
    limits: Limits,
    /// 1-based number of the record being read (all WARC types count, so
    /// the locator matches the record's position in the file).
    record_no: usize,
    pending: VecDeque<Record>,
    /// Set after reporting a broken record, so the skipped bytes that follow
    /// it are not reported a second time while resyncing.
    quiet_resync: bool,
    done: bool,
}

/// A WARC header block.
struct WarcHeaders {
    fields: Vec<(String, String)>,
}

impl WarcHeaders {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl WarcReader {
    pub fn new(source: Source, stream: Box<dyn BufRead + Send>, limits: Limits) -> Self {
        WarcReader {
            source,
            stream,
            limits,
            record_no: 0,
            pending: VecDeque::new(),
            quiet_resync: false,
            done: false,
        }
    }

    fn skipped(&self, reason: impl Into<String>) -> Record {
        Err(Skipped {
            origin: self.source.origin_at(format!("record {}", self.record_no)),
            reason: reason.into(),
        })
    }

    /// Stops reading after an I/O error (for gzip: truncation or corruption).
    fn fail(&mut self, err: &io::Error, what: &str) -> Option<Record> {
        self.done = true;
        Some(self.skipped(format!(
            "{} while reading {what}; the rest of the file was not read",
            self.source.read_error(err)
        )))
    }

    /// Reads one record; `None` means "nothing to hand out, keep going".
    fn step(&mut self) -> Option<Record> {
        // 1. Find the `WARC/` version line, skipping blank lines and (when
        //    resyncing) anything else.
        let mut junk_bytes = 0usize;
        let mut junk_sample: Option<String> = None;
        loop {
            let line = match read_line_bounded(&mut self.stream, MAX_HEADER_LINE) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    if junk_bytes > 0 && !self.quiet_resync {
                        self.record_no += 1;
                        return Some(self.skipped(format!(
                            "expected a WARC/1.x header line, found {:?}; no further record \
                             in the remaining {junk_bytes} bytes",
                            junk_sample.unwrap_or_default()
                        )));
                    }
                    return None;
                }
                Err(err) => return self.fail(&err, "the next WARC header"),
            };
            if line.bytes.starts_with(b"WARC/") && !line.over_limit {
                break;
            }
            if line.bytes.iter().all(u8::is_ascii_whitespace) && junk_bytes == 0 {
                continue;
            }
            if junk_sample.is_none() {
                let sample: String = String::from_utf8_lossy(&line.bytes)
                    .chars()
                    .take(40)
                    .collect();
                junk_sample = Some(sample);
            }
            junk_bytes += line.bytes.len() + 1;
        }
        self.record_no += 1;
        if junk_bytes > 0 && !self.quiet_resync {
            // Report the junk as the broken record it replaced, then read on.
            let report = self.skipped(format!(
                "expected a WARC/1.x header line, found {:?}; skipped {junk_bytes} bytes to \
                 the next record",
                junk_sample.unwrap_or_default()
            ));
            self.pending.push_back(report);
            self.record_no += 1;
        }
        self.quiet_resync = false;

        // 2. Header fields up to the blank line.
        let mut fields: Vec<(String, String)> = Vec::new();
        loop {
            let line = match read_line_bounded(&mut self.stream, MAX_HEADER_LINE) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    return Some(self.skipped("file ends inside the WARC headers (truncated)"));
                }
                Err(err) => return self.fail(&err, "WARC headers"),
            };
            if line.bytes.is_empty() {
                break;
            }
            if line.over_limit || fields.len() >= MAX_HEADER_LINES {
                self.quiet_resync = true;
                return Some(
                    self.skipped("WARC header block is implausibly large; record skipped"),
                );
            }
            let text = String::from_utf8_lossy(&line.bytes);
            if text.starts_with([' ', '\t']) {
                if let Some((_, value)) = fields.last_mut() {
                    value.push(' ');
                    value.push_str(text.trim());
                }
            } else if let Some((key, value)) = text.split_once(':') {
                fields.push((key.trim().to_string(), value.trim().to_string()));
            } else {
                self.quiet_resync = true;
                return Some(self.skipped(format!(
                    "malformed WARC header line {:?}; record skipped",
                    text.chars().take(60).collect::<String>()
                )));
            }
        }
        let headers = WarcHeaders { fields };

        // 3. The content block, exactly Content-Length bytes.
        let Some(length) = headers
            .get("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok())
        else {
            self.quiet_resync = true;
            return Some(self.skipped("missing or invalid Content-Length in the WARC headers"));
        };
        let is_response = headers
            .get("warc-type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("response"));
        let url = headers.get("warc-target-uri").map(clean_uri);
        if !is_response || length > self.limits.max_record_bytes as u64 {
            let copied = match io::copy(&mut (&mut self.stream).take(length), &mut io::sink()) {
                Ok(copied) => copied,
                Err(err) => return self.fail(&err, "a WARC record"),
            };
            if copied < length {
                self.done = true;
                return Some(self.skipped(truncated_reason(length, copied, url.as_deref())));
            }
            if is_response {
                let size = format!(" ({})", crate::human_bytes(length));
                let what = match &url {
                    Some(url) => format!("WARC record for {url}"),
                    None => "WARC record".to_string(),
                };
                return Some(self.skipped(over_limit_reason(
                    &what,
                    &size,
                    self.limits.max_record_bytes,
                )));
            }
            return None;
        }
        let mut block = Vec::with_capacity(length as usize);
        if let Err(err) = (&mut self.stream).take(length).read_to_end(&mut block) {
            return self.fail(&err, "a WARC record");
        }
        if (block.len() as u64) < length {
            self.done = true;
            return Some(self.skipped(truncated_reason(
                length,
                block.len() as u64,
                url.as_deref(),
            )));
        }
        let boundary_ok = self.boundary_follows();
        self.response_record(&headers, url, &block, boundary_ok)
    }

    /// True when the record is followed by the blank line WARC requires (or
    /// by the end of the file): a cheap check that Content-Length was right.
    fn boundary_follows(&mut self) -> bool {
        match self.stream.fill_buf() {
            Ok(buf) => buf.is_empty() || buf.starts_with(b"\r\n") || buf.starts_with(b"\n"),
            Err(_) => true, // reported by the next read
        }
    }

    fn response_record(
        &self,
        headers: &WarcHeaders,
        url: Option<String>,
        block: &[u8],
        boundary_ok: bool,
    ) -> Option<Record> {
        let about = url
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        let limit = self.limits.max_record_bytes;
        let (mime, charset, body, mut warnings) = if block.starts_with(b"HTTP/") {
            let response = match http::parse_response(block, limit) {
                Ok(response) => response,
                Err(reason) => return Some(self.skipped(format!("{reason}{about}"))),
            };
            match response.status {
                200..=299 => {}
                // Redirects and the like carry no article; not worth a report.
                100..=199 | 300..=399 => return None,
                status => {
                    return Some(
                        self.skipped(format!("HTTP status {status}, not an article page{about}")),
                    )
                }
            }
            let charset = response
                .header("content-type")
                .and_then(decode::charset_param);
            (response.mime(), charset, response.body, response.warnings)
        } else {
            // Some tools store the bare document in a response record.
            let content_type = headers.get("content-type").unwrap_or("");
            let mime = content_type
                .split(';')
                .next()
                .map(|m| m.trim().to_ascii_lowercase());
            (
                mime,
                decode::charset_param(content_type),
                block.to_vec(),
                Vec::new(),
            )
        };
        if !is_html(mime.as_deref(), &body) {
            return None; // images, scripts, styles, JSON: not articles
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Some(self.skipped(format!("empty HTML payload{about}")));
        }
        if !boundary_ok {
            warnings.push(
                "WARC record is not followed by the expected blank line: its Content-Length \
                 may be wrong, so the content may be cut short or run into the next record"
                    .to_string(),
            );
        }
        let (content, mut decode_warnings) = decode::decode_html(&body, charset.as_deref());
        warnings.append(&mut decode_warnings);
        let id = match (&url, headers.get("warc-record-id")) {
            (Some(url), _) => ids::content_id(url),
            (None, Some(record_id)) => ids::sanitize_id(
                record_id
                    .trim_matches(['<', '>'])
                    .trim_start_matches("urn:uuid:"),
            ),
            (None, None) => ids::content_id(&content),
        };
        let published = headers.get("warc-date").and_then(date_part);
        let hints = Hints {
            url,
            published_is_capture_date: published.is_some(),
            published,
            ..Hints::default()
        };
        Some(Ok(RawDoc {
            id,
            origin: self.source.origin_at(format!("record {}", self.record_no)),
            format: SourceFormat::Warc,
            kind: ContentKind::Html,
            content,
            hints,
            warnings,
        }))
    }
}

impl Iterator for WarcReader {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if let Some(record) = self.pending.pop_front() {
                return Some(record);
            }
            if self.done {
                return None;
            }
            if let Some(record) = self.step() {
                self.pending.push_back(record);
            }
        }
    }
}

fn truncated_reason(expected: u64, got: u64, url: Option<&str>) -> String {
    let about = url.map(|u| format!(" ({u})")).unwrap_or_default();
    format!(
        "truncated WARC record{about}: Content-Length says {expected} bytes but the file ends \
         after {got}"
    )
}

/// WARC/1.0 writers sometimes wrap the URI in angle brackets.
fn clean_uri(value: &str) -> String {
    value
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

/// `2019-11-07T10:00:00Z` → `2019-11-07`.
fn date_part(value: &str) -> Option<String> {
    crate::iso_date_prefix(value.trim())
}

fn is_html(mime: Option<&str>, body: &[u8]) -> bool {
    match mime {
        Some("text/html" | "application/xhtml+xml") => true,
        Some(m) if !(m.is_empty() || m == "application/octet-stream" || m == "text/plain") => false,
        _ => {
            let head: Vec<u8> = body.iter().take(1024).map(u8::to_ascii_lowercase).collect();
            let start = head
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(0);
            let head = &head[start..];
            head.starts_with(b"<!doctype html") || head.starts_with(b"<html")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_uris() {
        assert_eq!(
            date_part("2019-11-07T10:00:00Z").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(date_part("yesterday"), None);
        assert_eq!(clean_uri("<https://a.example/x>"), "https://a.example/x");
    }

    #[test]
    fn html_by_type_or_sniff() {
        assert!(is_html(Some("text/html"), b""));
        assert!(!is_html(Some("image/png"), b"<html>"));
        assert!(is_html(None, b"  <!DOCTYPE html><html>"));
        assert!(!is_html(Some("text/plain"), b"hello"));
    }
}
