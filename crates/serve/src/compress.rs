//! gzip for the text the server sends (pages, JSON, CSV, SVG), when the
//! client asks for it: a story page of 60 articles is ~750 KB of HTML and
//! ~150 KB gzipped, and readers are often on phones.
//!
//! Written here on flate2 (already in the build for the store) rather than
//! with a tower layer: the responses are whole strings built in memory, so
//! compressing the finished body is all that is needed.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

/// Bodies smaller than this go as they are: gzip's header and the
/// client's work would outweigh the bytes saved.
const MIN_BYTES: usize = 1024;

/// The most a response body is read into memory to compress it. Every
/// route builds bounded bodies far below this; a larger one (none today)
/// would fail loudly rather than exhaust memory.
const MAX_BYTES: usize = 64 << 20;

/// gzip level: 4 keeps a 750 KB page under 10 ms on one core with a
/// ratio close to the default level's.
const LEVEL: u32 = 4;

/// Whether an `Accept-Encoding` value allows gzip (`gzip`, `x-gzip`, or
/// `*`, without `q=0`).
pub(crate) fn accepts_gzip(value: &str) -> bool {
    value.split(',').any(|item| {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = parts.any(|p| {
            let p = p.trim();
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        !refused && matches!(coding.as_str(), "gzip" | "x-gzip" | "*")
    })
}

fn compressible(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence == "application/json"
        || essence == "image/svg+xml"
        || essence == "application/xml"
}

/// The middleware: compresses the response body when the request accepts
/// gzip and the body is text of at least [`MIN_BYTES`]. Always says
/// `Vary: Accept-Encoding` on text, so caches keep the two forms apart.
pub(crate) async fn gzip(request: Request, next: Next) -> Response {
    let wants = request.method() != Method::HEAD && request_accepts_gzip(request.headers());
    let response = next.run(request).await;
    let text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(compressible);
    if !text || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !wants {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, MAX_BYTES).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The body failed while being produced; nothing was sent yet.
            eprintln!("serve: a response body could not be read to compress it: {e}");
            let mut failed = Response::new(Body::from("response body failed"));
            *failed.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            return failed;
        }
    };
    if bytes.len() < MIN_BYTES {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match gzip_bytes(&bytes) {
        Some(packed) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            Response::from_parts(parts, Body::from(packed))
        }
        // Writing to memory does not fail; if it did, send it plain.
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// `bytes` gzipped at the server's level; `None` when it would not pay
/// (under [`MIN_BYTES`]) or failed.
pub(crate) fn gzip_bytes(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < MIN_BYTES {
        return None;
    }
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::new(LEVEL));
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

/// Whether a request's `Accept-Encoding` headers take gzip.
pub(crate) fn request_accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(accepts_gzip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts_gzip("gzip"));
        assert!(accepts_gzip("deflate, gzip;q=0.8, br"));
        assert!(accepts_gzip("*"));
        assert!(accepts_gzip("X-GZIP"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("gzip; q=0.0, br"));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip(""));
        assert!(!accepts_gzip("gzipped"));
    }

    #[test]
    fn text_types_are_compressed_and_others_not() {
        assert!(compressible("text/html; charset=utf-8"));
        assert!(compressible("application/json"));
        assert!(compressible("text/csv; charset=utf-8"));
        assert!(compressible("image/svg+xml"));
        assert!(!compressible("image/png"));
        assert!(!compressible("application/octet-stream"));
    }
}
