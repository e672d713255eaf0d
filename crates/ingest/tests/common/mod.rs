//! Fixture builders shared by the integration tests. Fixtures are generated
//! here, small and synthetic, rather than stored as files.

#![allow(dead_code)]

use flate2::{write::GzEncoder, Compression};
use parallax_ingest::{Limits, RawDoc, Record, Skipped};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create fixture folder");
    }
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

pub fn split(records: Vec<Record>) -> (Vec<RawDoc>, Vec<Skipped>) {
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    for record in records {
        match record {
            Ok(doc) => docs.push(doc),
            Err(skip) => skipped.push(skip),
        }
    }
    (docs, skipped)
}

pub fn limits() -> Limits {
    Limits::default()
}

/// An HTTP/1.1 response as a crawler would have stored it.
pub fn http_response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (key, value) in headers {
        out.extend_from_slice(format!("{key}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// One WARC/1.0 record.
pub fn warc_record(warc_type: &str, uri: Option<&str>, date: &str, block: &[u8]) -> Vec<u8> {
    let mut out = b"WARC/1.0\r\n".to_vec();
    out.extend_from_slice(format!("WARC-Type: {warc_type}\r\n").as_bytes());
    if let Some(uri) = uri {
        out.extend_from_slice(format!("WARC-Target-URI: {uri}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("WARC-Date: {date}\r\n").as_bytes());
    out.extend_from_slice(b"WARC-Record-ID: <urn:uuid:12345678-aaaa-bbbb-cccc-1234567890ab>\r\n");
    if warc_type == "response" {
        out.extend_from_slice(b"Content-Type: application/http; msgtype=response\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

pub fn html_page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )
}
