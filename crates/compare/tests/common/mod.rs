//! Loading real inputs for the seed and corpus checks: files go through
//! `parallax-ingest` and `parallax-clean` exactly as in the pipeline.

#![allow(dead_code)]

use parallax_model::Article;
use std::path::{Path, PathBuf};

/// `../shared` beside the workspace (or `PARALLAX_SHARED`), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PARALLAX_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    dir.join("seeds").is_dir().then_some(dir)
}

/// The example corpus of this workspace (or `PARALLAX_CORPUS`), if present;
/// its truth, `expected.json`, sits beside it.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PARALLAX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus"));
    dir.join("../expected.json").is_file().then_some(dir)
}

/// Every article in the files, cleaned. Problems are printed, not fatal:
/// the caller decides whether what came back is enough to test.
pub fn load(paths: &[PathBuf]) -> Vec<Article> {
    let mut out = Vec::new();
    for path in paths {
        for record in parallax_ingest::read_file(path, &parallax_ingest::Limits::default()) {
            match record {
                Ok(raw) => match parallax_clean::clean(&raw) {
                    Ok(a) => out.push(a),
                    Err(e) => eprintln!("{}: clean: {e}", path.display()),
                },
                Err(s) => eprintln!("skipped {s}"),
            }
        }
    }
    out
}
