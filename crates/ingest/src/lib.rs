//! Reads inputs as they arrive (text, HTML, JSONL, WARC, RSS/Atom, any of
//! them gzip-compressed) into [`RawDoc`] records, reporting what it skips.

use parallax_model::{RawDoc, Skipped};
use std::path::{Path, PathBuf};

/// Limits that keep one bad input from hurting the batch.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest single record (decompressed) accepted, in bytes.
    pub max_record_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Expand files and folders (recursively, sorted) into the files to read.
/// `-` stands for stdin and is kept as is.
pub fn list_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    (paths.to_vec(), Vec::new())
}

/// Read one file (or `-` for stdin) into records.
pub fn read_file(_path: &Path, _limits: &Limits) -> Vec<Result<RawDoc, Skipped>> {
    Vec::new()
}
