//! Page weight over the wire: on a store the size of PolNeAR (924 real
//! articles, stories of up to ~60 articles), the largest story's page is
//! at most 300 KB as the server sends it to a browser (gzip), and text
//! responses are compressed only for clients that ask. Skips with a
//! reason without `../shared`.

mod common;

use common::{raw_get, TestServer};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The budget of one story page over the wire.
const BUDGET: usize = 300 * 1024;

fn polnear() -> Option<PathBuf> {
    let dir = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("data/polnear");
    dir.join("dev").is_dir().then_some(dir)
}

#[test]
fn the_largest_story_page_fits_the_budget_compressed() {
    let Some(data) = polnear() else {
        eprintln!(
            "skipping page weight test: ../shared/data/polnear not found (set PARALLAX_SHARED)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("parallax.db");
    {
        let mut store = parallax_store::StoreLocation::Sqlite(db.clone())
            .open()
            .expect("open store");
        parallax_pipeline::ingest(
            &mut *store,
            &[data.join("train"), data.join("dev")],
            &[],
            &parallax_ingest::Limits::default(),
            &|_| {},
        )
        .expect("ingest PolNeAR");
    }
    let server = TestServer::start_on(dir, db);
    let listing =
        common::get(&server.url("/api/stories?sort=covered&single_source=show&limit=1")).json();
    let largest = &listing["stories"][0];
    let id = largest["id"].as_str().expect("a story");
    let articles = largest["article_count"].as_u64().unwrap_or(0);
    assert!(
        articles >= 40,
        "PolNeAR's largest story is large: {largest}"
    );

    let path = format!("/stories/{id}");
    let (headers, packed) = raw_get(&server, &path, true);
    assert!(headers.starts_with("http/1.1 200"), "{headers}");
    assert!(headers.contains("content-encoding: gzip"), "{headers}");
    assert!(headers.contains("vary: accept-encoding"), "{headers}");
    let (plain_headers, plain) = raw_get(&server, &path, false);
    assert!(
        !plain_headers.contains("content-encoding"),
        "{plain_headers}"
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(packed.as_slice())
        .read_to_end(&mut unpacked)
        .expect("valid gzip");
    assert_eq!(unpacked, plain, "the compressed page is the page");
    eprintln!(
        "largest story: {articles} articles, page {} bytes, {} bytes gzipped (budget {BUDGET})",
        plain.len(),
        packed.len()
    );
    assert!(
        packed.len() <= BUDGET,
        "the story page of {articles} articles is {} bytes over the wire",
        packed.len()
    );
    // JSON is compressed as well; a small body is not.
    let (api_headers, _) = raw_get(&server, &format!("/api/stories/{id}"), true);
    assert!(
        api_headers.contains("content-encoding: gzip"),
        "{api_headers}"
    );
    let (health, _) = raw_get(&server, "/api/health", true);
    assert!(!health.contains("content-encoding"), "{health}");
}
