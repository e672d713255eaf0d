//! JSONL: one article object per line.

use crate::{ids, over_limit_reason, Limits, Record, Source};
use parallax_model::{ContentKind, Hints, RawDoc, Skipped, SourceFormat};
use serde_json::{Map, Value};
use std::io::{self, BufRead};

/// Streams a JSONL input line by line; a bad line is skipped with its
/// number and the rest still land.
pub(crate) struct JsonlReader {
    source: Source,
    stream: Box<dyn BufRead + Send>,
    limits: Limits,
    line_no: usize,
    done: bool,
}

impl JsonlReader {
    pub fn new(source: Source, stream: Box<dyn BufRead + Send>, limits: Limits) -> Self {
        JsonlReader {
            source,
            stream,
            limits,
            line_no: 0,
            done: false,
        }
    }

    fn skipped(&self, reason: impl Into<String>) -> Record {
        Err(Skipped {
            origin: self.source.origin_at(format!("line {}", self.line_no)),
            reason: reason.into(),
        })
    }
}

impl Iterator for JsonlReader {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        while !self.done {
            let line = match read_line_bounded(&mut self.stream, self.limits.max_record_bytes) {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(err) => {
                    self.done = true;
                    self.line_no += 1;
                    return Some(self.skipped(format!(
                        "{}; the lines after this point were not read",
                        self.source.read_error(&err)
                    )));
                }
            };
            self.line_no += 1;
            if line.over_limit {
                return Some(self.skipped(over_limit_reason(
                    "JSONL line",
                    "",
                    self.limits.max_record_bytes,
                )));
            }
            if line.bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let origin = self.source.origin_at(format!("line {}", self.line_no));
            return Some(
                parse_line(&line.bytes)
                    .map(|parsed| RawDoc { origin, ..parsed })
                    .or_else(|reason| self.skipped(reason)),
            );
        }
        None
    }
}

/// A JSON document (not one object per line): an article object, or an
/// array of them. Read whole, so bounded by [`Limits::max_feed_bytes`].
pub(crate) fn read_json_document(
    source: &Source,
    stream: Box<dyn BufRead + Send>,
    limits: &Limits,
) -> Vec<Record> {
    let skip = |locator: Option<String>, reason: String| Skipped {
        origin: match locator {
            Some(locator) => source.origin_at(locator),
            None => source.origin(),
        },
        reason,
    };
    let bytes = match crate::read_bounded(stream, limits.max_feed_bytes) {
        Ok((_, true)) => {
            return vec![Err(skip(
                None,
                format!(
                    "JSON document is larger than {} bytes; raise Limits::max_feed_bytes or \
                     write it as JSONL (one object per line), which is streamed",
                    limits.max_feed_bytes
                ),
            ))]
        }
        Ok((bytes, false)) => bytes,
        Err(err) => return vec![Err(skip(None, source.read_error(&err)))],
    };
    let mut warnings = Vec::new();
    let text = String::from_utf8_lossy(&bytes);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        warnings
            .push("invalid UTF-8 in the file; decoded lossily (bad bytes became U+FFFD)".into());
    }
    let value: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
        Ok(value) => value,
        Err(err) => return vec![Err(skip(None, format!("invalid JSON: {err}")))],
    };
    match value {
        Value::Object(object) => {
            let record = record_from_object(&object, warnings).map(|doc| {
                let id = match field(&object, "id") {
                    Some(_) => doc.id.clone(),
                    None => ids::id_from_file_name(&source.name, &doc.content),
                };
                RawDoc {
                    id,
                    origin: source.origin(),
                    ..doc
                }
            });
            vec![record.map_err(|reason| skip(None, reason))]
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let locator = format!("item {}", index + 1);
                match item {
                    Value::Object(object) => record_from_object(object, warnings.clone())
                        .map(|doc| RawDoc {
                            origin: source.origin_at(locator.clone()),
                            ..doc
                        })
                        .map_err(|reason| skip(Some(locator), reason)),
                    other => Err(skip(
                        Some(locator),
                        format!("expected a JSON object, found {}", value_kind(other)),
                    )),
                }
            })
            .collect(),
        other => vec![Err(skip(
            None,
            format!(
                "expected a JSON object or array, found {}",
                value_kind(&other)
            ),
        ))],
    }
}

/// A line read with a length cap; the rest of an over-long line is drained.
pub(crate) struct BoundedLine {
    pub bytes: Vec<u8>,
    pub over_limit: bool,
}

/// Reads up to and excluding the next `\n` (and a `\r` before it), keeping
/// at most `limit` bytes in memory. `None` at end of input.
pub(crate) fn read_line_bounded(
    stream: &mut dyn BufRead,
    limit: usize,
) -> io::Result<Option<BoundedLine>> {
    let mut bytes = Vec::new();
    let mut over_limit = false;
    let mut read_any = false;
    loop {
        let buf = match stream.fill_buf() {
            Ok(buf) => buf,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if buf.is_empty() {
            break;
        }
        read_any = true;
        let (piece, found_newline) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (&buf[..at], true),
            None => (buf, false),
        };
        if bytes.len() + piece.len() > limit {
            over_limit = true;
            let room = limit.saturating_sub(bytes.len());
            bytes.extend_from_slice(&piece[..room]);
        } else {
            bytes.extend_from_slice(piece);
        }
        let used = piece.len() + usize::from(found_newline);
        stream.consume(used);
        if found_newline {
            break;
        }
    }
    if !read_any {
        return Ok(None);
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    Ok(Some(BoundedLine { bytes, over_limit }))
}

/// One JSONL line to a record (origin filled by the caller).
fn parse_line(bytes: &[u8]) -> Result<RawDoc, String> {
    let mut warnings = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        warnings
            .push("invalid UTF-8 in the line; decoded lossily (bad bytes became U+FFFD)".into());
    }
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|err| format!("invalid JSON: {}", json_error(&err)))?;
    let Value::Object(object) = value else {
        return Err(format!(
            "expected a JSON object, found {}",
            value_kind(&value)
        ));
    };
    record_from_object(&object, warnings)
}

/// Builds a record from one article object: `html` wins over `text`.
pub(crate) fn record_from_object(
    object: &Map<String, Value>,
    mut warnings: Vec<String>,
) -> Result<RawDoc, String> {
    let html = string_field(object, &["html", "raw_html"], &mut warnings);
    let text = string_field(object, &["text", "body", "content"], &mut warnings);
    let (kind, content) = match (html, text) {
        (Some(html), _) if !html.trim().is_empty() => (ContentKind::Html, html),
        (_, Some(text)) if !text.trim().is_empty() => (ContentKind::Text, text),
        (Some(_), _) | (_, Some(_)) => return Err("the `html`/`text` field is empty".into()),
        (None, None) => {
            let mut fields: Vec<&str> = object.keys().map(String::as_str).take(12).collect();
            fields.sort_unstable();
            return Err(format!(
                "no `text` or `html` field (fields present: {})",
                if fields.is_empty() {
                    "none".to_string()
                } else {
                    fields.join(", ")
                }
            ));
        }
    };
    let hints = Hints {
        url: string_field(object, &["url", "link"], &mut warnings),
        outlet: string_field(object, &["outlet", "source"], &mut warnings),
        title: string_field(object, &["title", "headline"], &mut warnings),
        published: string_field(
            object,
            &["published", "date", "published_at"],
            &mut warnings,
        ),
        author: string_field(object, &["author"], &mut warnings),
        published_is_capture_date: false,
    };
    let id = match field(object, "id") {
        Some(Value::String(s)) if !s.trim().is_empty() => ids::sanitize_id(s),
        Some(Value::Number(n)) => ids::sanitize_id(&n.to_string()),
        _ => ids::content_id(&content),
    };
    Ok(RawDoc {
        id,
        origin: parallax_model::Origin::file(String::new()),
        format: SourceFormat::Jsonl,
        kind,
        content,
        hints,
        warnings,
    })
}

/// First present field among `names` as a string; numbers are accepted
/// (ids, timestamps), other types are ignored with a warning.
fn string_field(
    object: &Map<String, Value>,
    names: &[&str],
    warnings: &mut Vec<String>,
) -> Option<String> {
    for name in names {
        match field(object, name) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => {
                let s = s.trim();
                return (!s.is_empty()).then(|| s.to_string());
            }
            Some(Value::Number(n)) => return Some(n.to_string()),
            Some(other) => {
                warnings.push(format!(
                    "field `{name}` is {}, expected a string; ignored",
                    value_kind(other)
                ));
                return None;
            }
        }
    }
    None
}

/// A field by name, exact first, then ignoring ASCII case (`Id`, `URL`).
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its "at line 1 column N" (always line 1
/// here), replaced by the column alone.
fn json_error(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    format!("{message} (column {})", err.column())
}
