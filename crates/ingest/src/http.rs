//! Just enough HTTP/1.x to open the payload of a WARC `response` record:
//! status line, headers, chunked transfer coding, gzip/deflate encoding.

use flate2::read::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};
use std::io::Read;

/// A parsed HTTP response with its body decoded to the entity bytes.
#[derive(Debug)]
pub(crate) struct HttpResponse {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub warnings: Vec<String>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// `Content-Type` without parameters, lower-cased.
    pub fn mime(&self) -> Option<String> {
        let value = self.header("content-type")?;
        let mime = value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        (!mime.is_empty()).then_some(mime)
    }
}

/// Parses a raw HTTP response. `limit` bounds the decoded body size.
pub(crate) fn parse_response(bytes: &[u8], limit: usize) -> Result<HttpResponse, String> {
    let head_end = find_head_end(bytes)
        .ok_or_else(|| "HTTP payload has no end of headers (blank line)".to_string())?;
    let head = String::from_utf8_lossy(&bytes[..head_end.0]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("").trim();
    let status = parse_status(status_line)
        .ok_or_else(|| format!("not an HTTP status line: {:?}", truncate(status_line, 60)))?;
    let mut headers = Vec::new();
    for line in lines {
        if let Some((key, value)) = line.split_once(':') {
            headers.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut response = HttpResponse {
        status,
        headers,
        body: Vec::new(),
        warnings: Vec::new(),
    };
    let mut body = bytes[head_end.1..].to_vec();

    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        match dechunk(&body) {
            Ok(plain) => body = plain,
            Err(reason) => {
                // Some archivers store the body already de-chunked but keep
                // the header; if it does not parse as chunks, keep it as is.
                response
                    .warnings
                    .push(format!("chunked transfer coding could not be undone ({reason}); payload used as stored"));
            }
        }
    }
    let encoding = response
        .header("content-encoding")
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    body = match encoding.as_str() {
        "" | "identity" | "none" => body,
        "gzip" | "x-gzip" => decompress(
            MultiGzDecoder::new(&body[..]),
            &body,
            limit,
            "gzip",
            &mut response.warnings,
        )?,
        "deflate" => {
            // "deflate" is zlib-wrapped by the spec but raw in practice too.
            let zlib = decompress(
                ZlibDecoder::new(&body[..]),
                &body,
                limit,
                "deflate",
                &mut Vec::new(),
            );
            match zlib {
                Ok(plain) if plain != body => plain,
                _ => decompress(
                    DeflateDecoder::new(&body[..]),
                    &body,
                    limit,
                    "deflate",
                    &mut response.warnings,
                )?,
            }
        }
        other => return Err(format!("unsupported Content-Encoding {other:?}")),
    };
    response.body = body;
    Ok(response)
}

/// Decompresses a payload. Data that is not compressed after all (archivers
/// sometimes store decoded bodies) is kept with a warning.
fn decompress(
    decoder: impl Read,
    raw: &[u8],
    limit: usize,
    name: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<u8>, String> {
    let reason = match crate::read_bounded(decoder, limit) {
        Ok((_, true)) => {
            return Err(crate::over_limit_reason(
                "decompressed HTTP payload",
                "",
                limit,
            ))
        }
        Ok((plain, false)) if !plain.is_empty() || raw.is_empty() => return Ok(plain),
        Ok(_) => "no data".to_string(),
        Err(err) => err.to_string(),
    };
    let looks_plain = raw
        .first()
        .is_some_and(|&b| b == b'<' || b.is_ascii_whitespace());
    if looks_plain {
        warnings.push(format!(
            "payload marked {name} but stored uncompressed; used as is"
        ));
        Ok(raw.to_vec())
    } else {
        Err(format!("{name} payload is truncated or corrupt: {reason}"))
    }
}

/// Offsets of the end of the header block: (end of headers, start of body).
fn find_head_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let crlf = crate::sniff::find(bytes, b"\r\n\r\n").map(|at| (at, at + 4));
    let lf = crate::sniff::find(bytes, b"\n\n").map(|at| (at, at + 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn parse_status(line: &str) -> Option<u16> {
    let mut parts = line.split_whitespace();
    let version = parts.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    parts.next()?.parse().ok()
}

/// Undoes chunked transfer coding. Trailing garbage after the last chunk is
/// ignored; a missing final chunk keeps what arrived.
pub(crate) fn dechunk(mut bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = crate::sniff::find(bytes, b"\n").ok_or("missing chunk size line")?;
        let size_line = String::from_utf8_lossy(&bytes[..line_end]);
        let size_text = size_line.split(';').next().unwrap_or("").trim();
        if size_text.is_empty() && out.is_empty() {
            return Err("empty chunk size".into());
        }
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {:?}", truncate(size_text, 20)))?;
        bytes = &bytes[line_end + 1..];
        if size == 0 {
            return Ok(out);
        }
        if bytes.len() < size {
            out.extend_from_slice(bytes);
            return Ok(out);
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size..];
        bytes = bytes
            .strip_prefix(b"\r\n")
            .or_else(|| bytes.strip_prefix(b"\n"))
            .unwrap_or(bytes);
        if bytes.is_empty() {
            return Ok(out);
        }
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;

    #[test]
    fn plain_response() {
        let raw =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html>hi</html>";
        let response = parse_response(raw, 1000).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.mime().as_deref(), Some("text/html"));
        assert_eq!(response.body, b"<html>hi</html>");
    }

    #[test]
    fn chunked_and_gzipped() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(b"<html>compressed page</html>").unwrap();
        let gz = gz.finish().unwrap();
        let (a, b) = gz.split_at(10);
        let mut raw =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        write!(raw, "{:x}\r\n", a.len()).unwrap();
        raw.extend_from_slice(a);
        write!(raw, "\r\n{:x};ext=1\r\n", b.len()).unwrap();
        raw.extend_from_slice(b);
        raw.extend_from_slice(b"\r\n0\r\n\r\n");
        let response = parse_response(&raw, 1000).unwrap();
        assert_eq!(response.body, b"<html>compressed page</html>");
        assert!(response.warnings.is_empty());
    }

    #[test]
    fn bad_payloads_are_errors_not_panics() {
        assert!(parse_response(b"garbage without end", 100).is_err());
        assert!(parse_response(b"NOT HTTP\r\n\r\nbody", 100).is_err());
        let raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00\x00\x00";
        assert!(parse_response(raw, 100).unwrap_err().contains("gzip"));
        let raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx";
        assert!(parse_response(raw, 100).unwrap_err().contains("br"));
    }
}
