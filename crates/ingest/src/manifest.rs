//! What the user states about inputs that carry no metadata of their own:
//! `--outlet`, `--url`, `--published` for a whole run, and a manifest
//! (CSV or JSONL: `path`, `outlet`, `url`, `title`, `published`) for a
//! folder of files. A statement the user makes beats what the page says,
//! and is shown as theirs.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Metadata the user gives for an input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Given {
    #[serde(default)]
    pub outlet: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
}

impl Given {
    pub fn is_empty(&self) -> bool {
        self.outlet.is_none()
            && self.url.is_none()
            && self.title.is_none()
            && self.published.is_none()
    }
}

/// What the user said about this run's inputs.
#[derive(Debug, Clone, Default)]
pub struct InputMeta {
    /// For every input of the run (`--outlet`, `--url`, `--published`).
    pub all: Given,
    pub manifest: Option<Arc<Manifest>>,
}

impl InputMeta {
    /// The statement for one input file: its manifest row, with the run's
    /// flags filling what the row leaves blank. `None` when nothing was
    /// said; the second value names where it came from.
    pub fn for_path(&self, path: &str) -> Option<(Given, &'static str)> {
        let row = self.manifest.as_ref().and_then(|m| m.lookup(path));
        let mut given = row.cloned().unwrap_or_default();
        let all = &self.all;
        given.outlet = given.outlet.or_else(|| all.outlet.clone());
        given.url = given.url.or_else(|| all.url.clone());
        given.title = given.title.or_else(|| all.title.clone());
        given.published = given.published.or_else(|| all.published.clone());
        if given.is_empty() {
            return None;
        }
        Some((
            given,
            if row.is_some() {
                "manifest"
            } else {
                "command line"
            },
        ))
    }
}

/// Manifest rows by file.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// Canonical path → row.
    by_path: HashMap<PathBuf, Given>,
    /// File name → rows (a name used once matches wherever the file is).
    by_name: HashMap<String, Vec<Given>>,
}

#[derive(Deserialize)]
struct Row {
    path: String,
    #[serde(flatten)]
    given: Given,
}

impl Manifest {
    /// Reads a manifest: JSONL (one object a line) when the file ends in
    /// `.jsonl`/`.ndjson` or starts with `{`, else CSV with a header row
    /// naming the columns (`path` required; `outlet`, `url`, `title`,
    /// `published` optional). Paths are relative to the manifest's folder.
    pub fn read(file: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read the manifest {}: {e}", file.display()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        let jsonl = file
            .extension()
            .is_some_and(|e| e == "jsonl" || e == "ndjson")
            || text.trim_start().starts_with('{');
        let rows = if jsonl {
            parse_jsonl(&text)?
        } else {
            parse_csv(&text)?
        };
        let mut m = Manifest::default();
        for row in rows {
            let path = base.join(&row.path);
            let key = path.canonicalize().unwrap_or(path);
            if let Some(name) = Path::new(&row.path).file_name() {
                m.by_name
                    .entry(name.to_string_lossy().into_owned())
                    .or_default()
                    .push(row.given.clone());
            }
            m.by_path.insert(key, row.given);
        }
        Ok(m)
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// The row for an input path: by its canonical path, else by its file
    /// name when the manifest uses that name once.
    pub fn lookup(&self, path: &str) -> Option<&Given> {
        let p = Path::new(path);
        if let Some(row) = p.canonicalize().ok().and_then(|c| self.by_path.get(&c)) {
            return Some(row);
        }
        let name = p.file_name()?.to_string_lossy();
        match self.by_name.get(name.as_ref()).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }
}

fn parse_jsonl(text: &str) -> Result<Vec<Row>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str::<Row>(l)
                .map_err(|e| format!("manifest line {}: {e} (each line needs a \"path\")", n + 1))
        })
        .collect()
}

/// One CSV record's fields (RFC 4180 quotes; no embedded line breaks).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out.into_iter().map(|f| f.trim().to_string()).collect()
}

fn parse_csv(text: &str) -> Result<Vec<Row>, String> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .ok_or("the manifest is empty: it needs a header row (path,outlet,url,title,published)")?;
    let names: Vec<String> = csv_fields(header.trim_start_matches('\u{feff}'))
        .into_iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |name: &str| names.iter().position(|h| h == name);
    let path_col = col("path").ok_or("the manifest's header has no `path` column")?;
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        let fields = csv_fields(line);
        let get = |name: &str| {
            col(name)
                .and_then(|i| fields.get(i))
                .filter(|v| !v.is_empty())
                .cloned()
        };
        let path = fields
            .get(path_col)
            .filter(|p| !p.is_empty())
            .cloned()
            .ok_or_else(|| format!("manifest row {}: no path", n + 2))?;
        rows.push(Row {
            path,
            given: Given {
                outlet: get("outlet"),
                url: get("url"),
                title: get("title"),
                published: get("published"),
            },
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_jsonl_manifests_match_by_path_or_unique_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("in")).expect("mkdir");
        std::fs::write(dir.path().join("in/a.txt"), "a").expect("write");
        let csv = dir.path().join("m.csv");
        std::fs::write(
            &csv,
            "path,outlet,url,published\nin/a.txt,\"The Velland Post, Ltd\",,2019-10-30\nb.txt,Ostry Herald,,\n",
        )
        .expect("write");
        let m = Manifest::read(&csv).expect("csv");
        let a = dir.path().join("in/a.txt");
        let row = m.lookup(&a.to_string_lossy()).expect("by path");
        assert_eq!(row.outlet.as_deref(), Some("The Velland Post, Ltd"));
        assert_eq!(row.published.as_deref(), Some("2019-10-30"));
        assert_eq!(
            m.lookup("/elsewhere/b.txt")
                .and_then(|g| g.outlet.as_deref()),
            Some("Ostry Herald")
        );
        let jsonl = dir.path().join("m.jsonl");
        std::fs::write(&jsonl, "{\"path\": \"in/a.txt\", \"outlet\": \"VP\"}\n").expect("write");
        let m = Manifest::read(&jsonl).expect("jsonl");
        assert_eq!(
            m.lookup(&a.to_string_lossy())
                .and_then(|g| g.outlet.as_deref()),
            Some("VP")
        );
        std::fs::write(&csv, "outlet\nx\n").expect("write");
        assert!(Manifest::read(&csv).unwrap_err().contains("path"));
    }
}
