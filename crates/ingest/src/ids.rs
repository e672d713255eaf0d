//! Stable, filesystem- and URL-safe record ids.
//!
//! Ids must not change between runs or machines (the store keys on them), so
//! the hash is FNV-1a 64, fixed here rather than `std`'s randomised hasher.

/// Extensions stripped (repeatedly) from file names to form an id, so that
/// `x.html.gz` and `x.html` both become `x`.
const KNOWN_EXTENSIONS: &[&str] = &[
    "gz", "txt", "text", "html", "htm", "xhtml", "jsonl", "ndjson", "json", "warc", "xml", "rss",
    "atom",
];

/// Longest id kept verbatim; longer ones are cut and suffixed with a hash.
const MAX_ID_LEN: usize = 100;

/// FNV-1a 64-bit hash: stable across platforms and releases.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Short hex id derived from content (or a URL): 16 hex digits.
pub fn content_id(content: &str) -> String {
    format!("{:016x}", stable_hash(content.as_bytes()))
}

/// Id for a file: its name without directory and known extensions, made
/// safe; stdin and names that leave nothing fall back to a content hash.
pub fn id_from_file_name(path: &str, content: &str) -> String {
    if path == "-" {
        return content_id(content);
    }
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let mut stem = file_name;
    while let Some((head, ext)) = stem.rsplit_once('.') {
        if head.is_empty() || !KNOWN_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            break;
        }
        stem = head;
    }
    if stem.is_empty() {
        return content_id(content);
    }
    sanitize_id(stem)
}

/// The id of a file whose name-derived id (`stem`) is already taken by
/// another file: the stem and a short hash of the file's path inside the
/// folder it was ingested from (see `InputFile::relative`), so
/// `mirror/a/index.html` and `mirror/b/index.html` stay two articles and
/// each keeps its id on every later run.
pub fn qualified_id(stem: &str, relative_path: &str) -> String {
    let hash = stable_hash(relative_path.as_bytes()) as u32;
    format!("{stem}-{hash:08x}")
}

/// Makes an id safe for file names and URLs: ASCII letters, digits, `-`,
/// `_` and `.` only. When anything had to change, a hash of the original is
/// appended so that two ids differing only in unsafe characters stay apart.
pub fn sanitize_id(raw: &str) -> String {
    let raw = raw.trim();
    let mut safe: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // No leading dot: it would make a hidden file (or `..`).
    while safe.starts_with('.') {
        safe.replace_range(0..1, "_");
    }
    let changed = safe != raw;
    if safe.is_empty() {
        return content_id(raw);
    }
    if changed || safe.len() > MAX_ID_LEN {
        safe.truncate(MAX_ID_LEN.min(safe.len()));
        let trimmed = safe.trim_end_matches(['_', '.', '-']);
        let hash = format!("{:08x}", stable_hash(raw.as_bytes()) as u32);
        if trimmed.is_empty() {
            return hash;
        }
        return format!("{trimmed}-{hash}");
    }
    safe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_ids_drop_known_extension_stacks() {
        assert_eq!(
            id_from_file_name("../shared/seeds/000_244fc5b634fe34a8.txt", "x"),
            "000_244fc5b634fe34a8"
        );
        assert_eq!(id_from_file_name("dir/x.html.gz", "x"), "x");
        assert_eq!(id_from_file_name("a.HTM", "x"), "a");
        assert_eq!(id_from_file_name("crawl.warc.gz", "x"), "crawl");
        assert_eq!(id_from_file_name("news.rss.xml", "x"), "news");
        assert_eq!(id_from_file_name("v1.2.report.txt", "x"), "v1.2.report");
        assert_eq!(id_from_file_name("-", "abc"), content_id("abc"));
    }

    #[test]
    fn unsafe_ids_are_made_safe_and_kept_distinct() {
        assert_eq!(sanitize_id("abc-1_2.x"), "abc-1_2.x");
        let a = sanitize_id("a/b");
        let b = sanitize_id("a_b");
        assert_ne!(a, b);
        assert!(a.starts_with("a_b-"));
        assert!(sanitize_id("../etc/passwd")
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
        assert!(!sanitize_id("..").starts_with('.'));
        assert!(sanitize_id(&"x".repeat(500)).len() <= MAX_ID_LEN + 9);
        assert!(!sanitize_id("").is_empty());
    }

    #[test]
    fn hash_is_stable() {
        // Pinned: changing the hash would change every stored id.
        assert_eq!(stable_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(content_id("a"), "af63dc4c8601ec8c");
    }
}
