//! Reads inputs as they arrive (text, HTML, JSONL, WARC, RSS/Atom, any of
//! them gzip-compressed) into [`RawDoc`] records, reporting what it skips.
//!
//! Formats are recognised by content first (magic bytes, first tag, first
//! line) and by file extension only when the content is ambiguous, because
//! crawls and exports are often misnamed. Every problem becomes a
//! [`Skipped`] entry naming the file, the line/record/item and the reason;
//! nothing here panics on bad input, and one bad record never stops a batch.
//!
//! Ingest does not clean or extract: it only decodes content to UTF-8 and
//! passes along what the container itself says (JSONL fields, WARC headers,
//! feed items) as [`Hints`].
//!
//! | input | records | id | hints |
//! |---|---|---|---|
//! | text file | one, `Text` | file name without known extensions | ` date YYYY-MM-DD` header |
//! | HTML page | one, `Html` | file name | none |
//! | JSONL / JSON array | one per line/item; `html` wins over `text` | `id`, else content hash | `url`, `outlet`, `title`, `published`, `author` |
//! | WARC | one per HTML `response` | hash of the target URL | URL; WARC-Date as a capture date |
//! | RSS/Atom/JSON Feed | one per item, `Html` if marked up | hash of the item link | link, title, date, author, feed title as outlet |
//! | feed URL ([`fetch_feed`]) | one per item: the linked page | hash of the item link | as above |
//!
//! Any of these may be gzip-compressed (recognised by its magic bytes).
//! HTML is decoded by BOM, HTTP header, `<meta>` charset, then UTF-8, then
//! a guess (`chardetng`); text by BOM, UTF-8, lossy UTF-8 or a guess, each
//! fallback leaving a warning on the record.

mod decode;
pub mod eval;
mod feed;
mod http;
mod ids;
mod jsonl;
mod manifest;
pub mod opml;
mod sniff;
mod warc;

pub use feed::{fetch_feed, FeedError};
pub use ids::{content_id, id_from_file_name, qualified_id, sanitize_id, stable_hash};
pub use manifest::{Given, InputMeta, Manifest};
pub use parallax_model::{ContentKind, Hints, Origin, RawDoc, Skipped, SourceFormat};

use flate2::read::MultiGzDecoder;
use sniff::Detected;
use std::fs;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One outcome of reading: a record, or why a record (or file) was skipped.
pub type Record = Result<RawDoc, Skipped>;

/// Limits that keep one bad input from hurting the batch.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest single record (decompressed page, text file, JSONL line or
    /// WARC record) accepted, in bytes. Bigger ones are skipped with a reason.
    pub max_record_bytes: usize,
    /// Largest document that must be parsed whole (RSS/Atom/JSON Feed file,
    /// fetched feed, pretty-printed JSON file), in bytes.
    pub max_feed_bytes: usize,
    /// Most items taken from one feed; the rest are reported as skipped.
    pub max_feed_items: usize,
    /// Time allowed for one HTTP exchange (feed or page), body included.
    pub fetch_timeout: Duration,
    /// `User-Agent` sent when fetching feeds and pages.
    pub user_agent: String,
    /// Which folder entries are read.
    pub list: ListOptions,
    /// What the user states about the inputs (`--outlet`, `--manifest`).
    pub meta: InputMeta,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 20 * 1024 * 1024,
            max_feed_bytes: 50 * 1024 * 1024,
            max_feed_items: 1000,
            fetch_timeout: Duration::from_secs(30),
            user_agent: concat!("parallax-ingest/", env!("CARGO_PKG_VERSION")).to_string(),
            list: ListOptions::default(),
            meta: InputMeta::default(),
        }
    }
}

/// Iterator over the records of one input. Containers that can be large
/// (WARC, JSONL) are read as a stream, so memory stays bounded by
/// [`Limits::max_record_bytes`] rather than by the file size.
pub struct Records {
    inner: Box<dyn Iterator<Item = Record> + Send>,
}

impl Records {
    fn new(inner: impl Iterator<Item = Record> + Send + 'static) -> Self {
        Records {
            inner: Box::new(inner),
        }
    }

    fn one(record: Record) -> Self {
        Records::new(std::iter::once(record))
    }
}

impl Iterator for Records {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        self.inner.next()
    }
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Records")
    }
}

/// One file to read, as found by [`list_inputs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path inside the folder it was found in, with that folder's own
    /// name first (`mirror/a/index.html` for `parallax ingest
    /// ~/crawl/mirror`); the path as given for a file named explicitly.
    /// Ids that need a path to stay apart hash this, so they survive the
    /// tree being moved or named from another working directory.
    pub relative: String,
}

/// What [`list_inputs`] found.
#[derive(Debug, Clone, Default)]
pub struct InputList {
    pub files: Vec<InputFile>,
    /// Paths that could not be read or listed, and entries that are not
    /// regular files (FIFOs, sockets, devices, symlinked folders), each with
    /// the reason.
    pub skipped: Vec<Skipped>,
    /// Files inside folders that are not of a known article format
    /// (`README`, `.tsv`, `.json`, images): left out unless
    /// [`ListOptions::all_files`]; callers say how many.
    pub left_out: Vec<PathBuf>,
}

/// How [`list_inputs`] walks folders.
#[derive(Debug, Clone, Copy, Default)]
pub struct ListOptions {
    /// Take every regular file in a folder, not only known article formats.
    pub all_files: bool,
}

/// Extensions of the formats a folder walk takes by default (each may be
/// followed by `.gz`). A single `.json` object is a format too, but inside
/// data folders `.json` files are mostly annotations and settings, so only
/// an explicit path (or `--all-files`) takes them.
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "text", "html", "htm", "xhtml", "shtml", "jsonl", "ndjson", "warc", "xml", "rss", "atom",
];

/// True for a file name a folder walk takes by default.
pub fn is_article_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    base.rsplit_once('.')
        .is_some_and(|(stem, ext)| !stem.is_empty() && ARTICLE_EXTENSIONS.contains(&ext))
}

/// Expand files and folders (recursively, sorted by name, hidden entries
/// skipped) into the files to read. `-` stands for stdin and is kept as is.
/// Paths that do not exist or cannot be listed, and folder entries that are
/// not regular files, come back as [`Skipped`]; files of other formats in
/// folders as [`InputList::left_out`]. Files named explicitly are kept even
/// when hidden or of another format: the user asked for them.
pub fn list_inputs(paths: &[PathBuf], options: &ListOptions) -> InputList {
    let mut list = InputList::default();
    for path in paths {
        if path.as_os_str() == "-" {
            list.files.push(InputFile {
                path: path.clone(),
                relative: "-".to_string(),
            });
            continue;
        }
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let root = path
                    .canonicalize()
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default();
                walk_dir(path, &root, options, &mut list)
            }
            Ok(meta) if meta.is_file() => list.files.push(InputFile {
                path: path.clone(),
                relative: path.to_string_lossy().trim_start_matches("./").to_string(),
            }),
            Ok(meta) => list
                .skipped
                .push(skip_file(path, not_regular(&meta.file_type()))),
            Err(err) => list.skipped.push(skip_file(path, io_reason(&err))),
        }
    }
    list
}

#[cfg(unix)]
fn not_regular(kind: &fs::FileType) -> String {
    use std::os::unix::fs::FileTypeExt;
    let what = if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file or folder"
    };
    format!("{what}: not read (only regular files are)")
}

#[cfg(not(unix))]
fn not_regular(_kind: &fs::FileType) -> String {
    "not a regular file or folder: not read".to_string()
}

fn walk_dir(dir: &Path, relative: &str, options: &ListOptions, list: &mut InputList) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            list.skipped.push(skip_file(
                dir,
                format!("cannot list folder: {}", io_reason(&err)),
            ));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let hidden = entry.file_name().to_string_lossy().starts_with('.');
                if !hidden {
                    children.push(entry.path());
                }
            }
            Err(err) => list.skipped.push(skip_file(
                dir,
                format!("cannot list folder: {}", io_reason(&err)),
            )),
        }
    }
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let child_relative = if relative.is_empty() {
            name.clone()
        } else {
            format!("{relative}/{name}")
        };
        // Symlinked folders are not followed, so a link loop cannot trap the walk.
        let link = fs::symlink_metadata(&child)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false);
        match fs::metadata(&child) {
            Ok(meta) if meta.is_dir() && link => list.skipped.push(skip_file(
                &child,
                "a symbolic link to a folder: not followed (name the folder itself to ingest it)",
            )),
            Ok(meta) if meta.is_dir() => walk_dir(&child, &child_relative, options, list),
            Ok(meta) if meta.is_file() => {
                if options.all_files || is_article_file_name(&name) {
                    list.files.push(InputFile {
                        path: child,
                        relative: child_relative,
                    });
                } else {
                    list.left_out.push(child);
                }
            }
            Ok(meta) => list
                .skipped
                .push(skip_file(&child, not_regular(&meta.file_type()))),
            Err(err) => list.skipped.push(skip_file(&child, io_reason(&err))),
        }
    }
}

/// Read one file (or `-` for stdin) into records, all at once.
pub fn read_file(path: &Path, limits: &Limits) -> Vec<Record> {
    open(path, limits).collect()
}

/// Read one file (or `-` for stdin) as a stream of records. Opening errors
/// come back as a single [`Skipped`] item, so callers have one code path.
pub fn open(path: &Path, limits: &Limits) -> Records {
    if path.as_os_str() == "-" {
        return read_stdin(limits);
    }
    let name = path.to_string_lossy().into_owned();
    match fs::File::open(path) {
        Ok(file) => {
            let size = file.metadata().map(|m| m.len()).ok();
            read_reader(name, Box::new(file), size, limits)
        }
        Err(err) => Records::one(Err(skip_file(path, io_reason(&err)))),
    }
}

/// Read records from bytes already in memory; `name` is used for the
/// origin, the id and (when content is ambiguous) the format.
pub fn read_bytes(name: &str, bytes: &[u8], limits: &Limits) -> Vec<Record> {
    let size = bytes.len() as u64;
    read_reader(
        name.to_string(),
        Box::new(Cursor::new(bytes.to_vec())),
        Some(size),
        limits,
    )
    .collect()
}

/// Read records from standard input (origin path `-`), streaming.
pub fn read_stdin(limits: &Limits) -> Records {
    read_reader("-".to_string(), Box::new(io::stdin()), None, limits)
}

/// Bytes looked at to recognise a format; also the binary-check window.
const SNIFF_BYTES: usize = 16 * 1024;

/// Core dispatcher: undo gzip, look at the first bytes, hand the stream to
/// the right reader. `size` is the on-disk size when known (for messages).
fn read_reader(
    name: String,
    raw: Box<dyn Read + Send>,
    size: Option<u64>,
    limits: &Limits,
) -> Records {
    let limits = limits.clone();
    let mut raw = BufReader::new(raw);
    let gzipped = match raw.fill_buf() {
        Ok(buf) => buf.starts_with(&[0x1f, 0x8b]),
        Err(err) => return Records::one(Err(skip_file(&name, io_reason(&err)))),
    };
    let mut stream: Box<dyn Read + Send> = if gzipped {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        Box::new(raw)
    };

    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    if let Err(err) = (&mut stream)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut prefix)
    {
        if prefix.is_empty() {
            return Records::one(Err(skip_file(&name, read_error(&err, gzipped))));
        }
        // A short, damaged input: keep what was read and let the format's
        // reader report the error where it occurs (after the good records).
        stream = Box::new(FailingReader(Some(err)));
    }
    if prefix.is_empty() {
        let reason = if gzipped {
            "empty file (the gzip stream decompresses to nothing)"
        } else {
            "empty file"
        };
        return Records::one(Err(skip_file(&name, reason)));
    }
    if prefix.iter().all(|b| b.is_ascii_whitespace()) && prefix.len() < SNIFF_BYTES {
        return Records::one(Err(skip_file(&name, "empty file (only whitespace)")));
    }

    let detected = sniff::detect(&prefix, &name);
    let whole: Box<dyn BufRead + Send> =
        Box::new(BufReader::new(Cursor::new(prefix).chain(stream)));
    let source = Source {
        name,
        gzipped,
        size,
    };
    match detected {
        Detected::Binary(what) => Records::one(Err(skip_file(&source.name, what))),
        Detected::Warc => Records::new(warc::WarcReader::new(source, whole, limits)),
        Detected::Jsonl => Records::new(jsonl::JsonlReader::new(source, whole, limits)),
        Detected::JsonDocument => {
            Records::new(jsonl::read_json_document(&source, whole, &limits).into_iter())
        }
        Detected::Feed => Records::new(feed::read_feed_file(&source, whole, &limits).into_iter()),
        Detected::Html => Records::one(read_single(&source, whole, ContentKind::Html, &limits)),
        Detected::Text => Records::one(read_single(&source, whole, ContentKind::Text, &limits)),
    }
}

/// Replays a read error that happened while sniffing, after the bytes
/// read before it.
struct FailingReader(Option<io::Error>);

impl Read for FailingReader {
    fn read(&mut self, _buf: &mut [u8]) -> io::Result<usize> {
        match self.0.take() {
            Some(err) => Err(err),
            None => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "input ended after an error",
            )),
        }
    }
}

/// What a reader needs to know about the input it reads.
pub(crate) struct Source {
    pub name: String,
    pub gzipped: bool,
    pub size: Option<u64>,
}

impl Source {
    pub fn origin(&self) -> Origin {
        Origin::file(self.name.clone())
    }

    pub fn origin_at(&self, locator: impl Into<String>) -> Origin {
        Origin::at(self.name.clone(), locator)
    }

    pub fn read_error(&self, err: &io::Error) -> String {
        read_error(err, self.gzipped)
    }
}

/// A text file or HTML page: the whole input is one record.
fn read_single(
    source: &Source,
    stream: Box<dyn BufRead + Send>,
    kind: ContentKind,
    limits: &Limits,
) -> Record {
    let (bytes, over) = match read_bounded(stream, limits.max_record_bytes) {
        Ok(read) => read,
        Err(err) => return Err(skip_file(&source.name, source.read_error(&err))),
    };
    if over {
        let what = match kind {
            ContentKind::Html => "HTML page",
            ContentKind::Text => "text file",
        };
        let size = match (source.gzipped, source.size) {
            (false, Some(size)) => format!(" ({})", human_bytes(size)),
            _ => String::new(),
        };
        return Err(skip_file(
            &source.name,
            over_limit_reason(what, &size, limits.max_record_bytes),
        ));
    }
    let (content, warnings) = match kind {
        ContentKind::Html => decode::decode_html(&bytes, None),
        ContentKind::Text => decode::decode_text(&bytes),
    };
    let format = match kind {
        ContentKind::Html => SourceFormat::Html,
        ContentKind::Text => SourceFormat::Text,
    };
    let hints = Hints {
        published: match kind {
            ContentKind::Text => dump_date_header(&content),
            ContentKind::Html => None,
        },
        ..Hints::default()
    };
    Ok(RawDoc {
        id: id_from_file_name(&source.name, &content),
        origin: source.origin(),
        format,
        kind,
        content,
        hints,
        warnings,
    })
}

/// The date of a plain-text dump that opens with ` date YYYY-MM-DD ` (the
/// seed format): a container-level date, so it is passed on as a hint. The
/// header stays in the content; cleaning removes it with its offsets.
fn dump_date_header(content: &str) -> Option<String> {
    let rest = content
        .trim_start_matches('\u{feff}')
        .trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix("date")?.strip_prefix([' ', '\t'])?;
    let date = iso_date_prefix(rest.trim_start())?;
    Some(date)
}

/// `YYYY-MM-DD` at the start of `text` (followed by a non-digit or the end).
pub(crate) fn iso_date_prefix(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    let shape = date.bytes().enumerate().all(|(i, c)| match i {
        4 | 7 => c == b'-',
        _ => c.is_ascii_digit(),
    });
    let month: u32 = date.get(5..7)?.parse().ok()?;
    let day: u32 = date.get(8..10)?.parse().ok()?;
    let ends = !text[10..].starts_with(|c: char| c.is_ascii_digit());
    (shape && ends && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| date.to_string())
}

/// Reads at most `limit` bytes; the flag says whether there was more.
pub(crate) fn read_bounded(mut stream: impl Read, limit: usize) -> io::Result<(Vec<u8>, bool)> {
    let mut bytes = Vec::new();
    (&mut stream)
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)?;
    let over = bytes.len() > limit;
    bytes.truncate(limit);
    Ok((bytes, over))
}

/// The message for anything over [`Limits::max_record_bytes`]: says the
/// limit and how to raise it, since a legitimately huge page does exist.
pub(crate) fn over_limit_reason(what: &str, size: &str, limit: usize) -> String {
    format!(
        "{what}{size} is larger than the record limit of {} ({limit} bytes); \
         raise Limits::max_record_bytes (CLI: --max-record-mb) to read it",
        human_bytes(limit as u64)
    )
}

pub(crate) fn human_bytes(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if n >= 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / MIB)
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

fn read_error(err: &io::Error, gzipped: bool) -> String {
    if gzipped {
        format!("gzip data is truncated or corrupt: {}", io_reason(err))
    } else {
        format!("read error: {}", io_reason(err))
    }
}

fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::UnexpectedEof => "unexpected end of data".to_string(),
        _ => err.to_string(),
    }
}

fn skip_file(path: impl AsRef<Path>, reason: impl Into<String>) -> Skipped {
    Skipped {
        origin: Origin::file(path.as_ref().to_string_lossy().into_owned()),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<Records>();
        let mut records = open(
            Path::new("/nonexistent/parallax/file.txt"),
            &Limits::default(),
        );
        let first = std::thread::spawn(move || records.next())
            .join()
            .ok()
            .flatten();
        match first {
            Some(Err(skip)) => assert!(skip.reason.contains("no such file")),
            other => panic!("expected a skip, got {other:?}"),
        }
    }

    #[test]
    fn dump_date_headers() {
        assert_eq!(
            dump_date_header(" date 2019-11-07 Labour MP").as_deref(),
            Some("2019-11-07")
        );
        assert_eq!(
            dump_date_header("date 2018-12-20\nText").as_deref(),
            Some("2018-12-20")
        );
        assert_eq!(dump_date_header("The date 2019-11-07 was"), None);
        assert_eq!(dump_date_header(" date 2019-13-07 x"), None);
        assert_eq!(dump_date_header(" date 2019-11-0"), None);
    }

    #[test]
    fn sizes_read_like_a_person_would() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(20 * 1024 * 1024), "20.0 MiB");
    }
}
