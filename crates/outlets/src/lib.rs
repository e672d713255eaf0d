//! The outlet registry: who published an article, under one name.
//!
//! Exports spell one outlet many ways (`fox`, `FOX`, `Fox News (Online
//! News)`, `foxnews.com`, `insider.foxnews.com`); comparing coverage needs
//! them counted once and named the same everywhere. The registry ships as
//! two editable tables, `data/outlets.tsv` (names, aliases, domains,
//! country, language, type, owner) and `data/ratings.tsv` (every rating
//! with its source and the page that states it), and a user's own files of
//! the same shape in the data directory add rows or replace rows of the
//! same name ([`Registry::load`]); they are never written by an upgrade.
//!
//! [`Registry::resolve`] turns what an input says about its publisher into
//! a canonical outlet and says how: the URL's domain, a site name or
//! publisher field, a dateline, or the text's own first-person mention.
//! When nothing says, the answer is `None`: unknown, never guessed.
//!
//! This crate knows nothing of articles, the store or the UI: callers pass
//! strings in and get names out.

mod ratings;
mod resolve;

pub use ratings::{
    combined_lean, lean_of_label, source, CombinedLean, Rating, RatingSource, SOURCES,
};
pub use resolve::{Resolution, ResolvedVia, Signals};

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const SHIPPED_OUTLETS: &str = include_str!("../data/outlets.tsv");
const SHIPPED_RATINGS: &str = include_str!("../data/ratings.tsv");

/// File names of a user's own tables inside the data directory.
pub const USER_OUTLETS: &str = "outlets.tsv";
pub const USER_RATINGS: &str = "ratings.tsv";

/// What kind of publisher an outlet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutletKind {
    Wire,
    Newspaper,
    Broadcaster,
    Digital,
    Magazine,
    StateMedia,
    Blog,
}

impl OutletKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutletKind::Wire => "wire",
            OutletKind::Newspaper => "newspaper",
            OutletKind::Broadcaster => "broadcaster",
            OutletKind::Digital => "digital",
            OutletKind::Magazine => "magazine",
            OutletKind::StateMedia => "state media",
            OutletKind::Blog => "blog",
        }
    }

    pub fn parse(s: &str) -> Option<OutletKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "wire" | "wire agency" | "agency" => OutletKind::Wire,
            "newspaper" | "paper" => OutletKind::Newspaper,
            "broadcaster" | "tv" | "radio" => OutletKind::Broadcaster,
            "digital" | "online" => OutletKind::Digital,
            "magazine" => OutletKind::Magazine,
            "state media" | "state-media" => OutletKind::StateMedia,
            "blog" => OutletKind::Blog,
            _ => return None,
        })
    }
}

/// One outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outlet {
    /// The one name shown everywhere.
    pub name: String,
    pub aliases: Vec<String>,
    /// Hosts without `www.`; sub-domains of each match too.
    pub domains: Vec<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    pub kind: Option<OutletKind>,
    pub owner: Option<String>,
    /// Every source's rating, side by side, in table order.
    pub ratings: Vec<Rating>,
}

impl Outlet {
    /// The lean computed from [`Outlet::ratings`], with how.
    pub fn combined_lean(&self) -> Option<CombinedLean> {
        combined_lean(&self.ratings)
    }
}

/// A table that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum OutletError {
    #[error("{file}: line {line}: {reason}")]
    Table {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
}

/// Name key: case, a leading `The`, a trailing parenthetical (`(Online
/// News)`) or ` - News` suffix, punctuation and spacing ignored.
pub fn name_key(name: &str) -> String {
    let mut s = name.trim().to_lowercase();
    if let Some(open) = s.rfind(" (") {
        if s.ends_with(')') {
            s.truncate(open);
        }
    }
    for suffix in [" - news", " – news", " online news", " web news"] {
        if let Some(stripped) = s.strip_suffix(suffix) {
            s = stripped.to_string();
        }
    }
    let s = s.strip_prefix("the ").unwrap_or(&s);
    s.chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`name_key`] without spaces: `huff-post` = `HuffPost`, `Fox  News` =
/// `foxnews`.
fn compact_key(name: &str) -> String {
    name_key(name).replace(' ', "")
}

/// The host of a URL (or a bare domain), lower case, without `www.`.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url.trim();
    let rest = rest.split_once("://").map(|(_, r)| r).unwrap_or(rest);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = host.split(':').next()?.trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    let plausible = host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    plausible.then_some(host)
}

/// Where a user's own tables live: `PARALLAX_DATA_DIR` when set, else
/// `parallax/` in the platform's data directory (next to the default
/// store; `~/.local/share/parallax` on Linux). Upgrades never write there.
pub fn user_dir() -> PathBuf {
    match std::env::var_os("PARALLAX_DATA_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::data_dir()
            .map(|d| d.join("parallax"))
            .unwrap_or_else(|| PathBuf::from(".")),
    }
}

/// The registry this process uses: the shipped tables and the user's from
/// [`user_dir`], loaded on first use and again by [`reload`]. A user table
/// that cannot be read is reported on stderr and left out (the shipped
/// tables still apply), so one typo does not stop an ingest.
pub fn current() -> &'static Registry {
    let held = current_cell().read().unwrap_or_else(|p| p.into_inner());
    *held
}

/// Reads the user's tables again (after an edit, say from the server's
/// outlet form) and makes the result [`current`]. The registry it replaces
/// stays in memory: callers may hold it for the rest of the process (a
/// registry is tens of kilobytes, and reloads come from a person's edits).
pub fn reload() -> Result<&'static Registry, OutletError> {
    let fresh: &'static Registry = Box::leak(Box::new(Registry::load(&user_dir())?));
    let mut held = current_cell().write().unwrap_or_else(|p| p.into_inner());
    *held = fresh;
    Ok(fresh)
}

fn current_cell() -> &'static std::sync::RwLock<&'static Registry> {
    static CURRENT: OnceLock<std::sync::RwLock<&'static Registry>> = OnceLock::new();
    CURRENT.get_or_init(|| {
        let first: &'static Registry = match Registry::load(&user_dir()) {
            Ok(r) => Box::leak(Box::new(r)),
            Err(e) => {
                eprintln!("warning: outlet tables: {e}; using the shipped tables only");
                Registry::shipped()
            }
        };
        std::sync::RwLock::new(first)
    })
}

/// The registry: the shipped tables, plus a user's where loaded.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    outlets: Vec<Outlet>,
    /// name key and compact key of every name and alias → outlet index.
    by_key: HashMap<String, usize>,
    /// Where the user's tables were read from, if any.
    pub user_dir: Option<PathBuf>,
}

impl Registry {
    /// The shipped tables, parsed once. They are tested to parse; an empty
    /// registry (every outlet unknown) is the fallback.
    pub fn shipped() -> &'static Registry {
        static SHIPPED: OnceLock<Registry> = OnceLock::new();
        SHIPPED.get_or_init(|| {
            let mut r = Registry::default();
            let _ = r.add_tables(SHIPPED_OUTLETS, SHIPPED_RATINGS, "shipped");
            r
        })
    }

    /// The shipped tables with the user's `outlets.tsv` and `ratings.tsv`
    /// from `dir` added (either may be missing). A user row with the name
    /// (or an alias) of a shipped outlet replaces its row; user ratings
    /// replace the shipped rating of the same outlet and source.
    pub fn load(dir: &Path) -> Result<Registry, OutletError> {
        let mut r = Registry::shipped().clone();
        let read = |name: &str| -> Result<String, OutletError> {
            let path = dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => Ok(text),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
                Err(e) => Err(OutletError::Io {
                    path,
                    reason: e.to_string(),
                }),
            }
        };
        let (outlets, ratings) = (read(USER_OUTLETS)?, read(USER_RATINGS)?);
        r.add_tables(&outlets, &ratings, &dir.display().to_string())?;
        r.user_dir = Some(dir.to_path_buf());
        Ok(r)
    }

    /// Every outlet, in table order.
    pub fn outlets(&self) -> &[Outlet] {
        &self.outlets
    }

    fn add_tables(
        &mut self,
        outlets: &str,
        ratings: &str,
        origin: &str,
    ) -> Result<(), OutletError> {
        for (line, row) in parse_outlets(outlets, origin)? {
            let existing = std::iter::once(&row.name)
                .chain(&row.aliases)
                .find_map(|n| self.index_of(n));
            match existing {
                Some(i) => {
                    let ratings = std::mem::take(&mut self.outlets[i].ratings);
                    self.outlets[i] = Outlet { ratings, ..row };
                }
                None => self.outlets.push(row),
            }
            let _ = line;
            self.reindex();
        }
        for (line, name, rating) in parse_ratings(ratings, origin)? {
            let Some(i) = self.index_of(&name) else {
                return Err(OutletError::Table {
                    file: origin.to_string(),
                    line,
                    reason: format!("rating for {name:?}, which no outlet row names"),
                });
            };
            let list = &mut self.outlets[i].ratings;
            list.retain(|r| r.source != rating.source);
            list.push(rating);
        }
        Ok(())
    }

    fn reindex(&mut self) {
        self.by_key.clear();
        for (i, o) in self.outlets.iter().enumerate() {
            for n in std::iter::once(&o.name).chain(&o.aliases) {
                for key in [name_key(n), compact_key(n)] {
                    if !key.is_empty() {
                        self.by_key.entry(key).or_insert(i);
                    }
                }
            }
        }
    }

    fn index_of(&self, name: &str) -> Option<usize> {
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        self.by_key
            .get(&key)
            .or_else(|| self.by_key.get(&compact_key(name)))
            .copied()
    }

    /// The outlet a name or alias stands for, in any case and spelling
    /// (`fox`, `FOX`, `Fox News (Online News)`, `The New York Times`), or
    /// a domain written as a name (`nytimes.com`).
    pub fn by_name(&self, name: &str) -> Option<&Outlet> {
        if let Some(i) = self.index_of(name) {
            return self.outlets.get(i);
        }
        let trimmed = name.trim();
        if trimmed.contains('.') && !trimmed.contains(' ') {
            return self.by_domain(trimmed);
        }
        None
    }

    /// The outlet of a URL's host; a sub-domain matches its parent
    /// (`thecaucus.blogs.nytimes.com` → The New York Times), the longest
    /// matching domain wins.
    pub fn by_domain(&self, url: &str) -> Option<&Outlet> {
        let host = host_of(url)?;
        self.outlets
            .iter()
            .filter_map(|o| {
                o.domains
                    .iter()
                    .filter(|d| host == **d || host.ends_with(&format!(".{d}")))
                    .map(String::len)
                    .max()
                    .map(|len| (len, o))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, o)| o)
    }

    /// The canonical name for any spelling, or the spelling itself when
    /// the registry does not know it (so filters still match exactly).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.by_name(name).map_or(name, |o| o.name.as_str())
    }
}

/// Outlet rows of a table in the `outlets.tsv` shape, with line numbers.
pub fn parse_outlets(text: &str, origin: &str) -> Result<Vec<(usize, Outlet)>, OutletError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("name\t") {
            continue;
        }
        let err = |reason: String| OutletError::Table {
            file: origin.to_string(),
            line: line_no,
            reason,
        };
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() != 6 {
            return Err(err(format!(
                "expected 6 tab-separated columns (name, domains, country, language, type, \
                 owner), found {}",
                cols.len()
            )));
        }
        let mut names = cols[0].split('|').map(str::trim).filter(|s| !s.is_empty());
        let Some(name) = names.next() else {
            return Err(err("empty name".into()));
        };
        let kind = match cols[4] {
            "" => None,
            k => Some(OutletKind::parse(k).ok_or_else(|| {
                err(format!(
                    "type {k:?} is none of wire, newspaper, broadcaster, digital, magazine, \
                     state media, blog"
                ))
            })?),
        };
        let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
        out.push((
            line_no,
            Outlet {
                name: name.to_string(),
                aliases: names.map(str::to_string).collect(),
                domains: cols[1].split(',').filter_map(host_of).collect(),
                country: opt(cols[2]),
                language: opt(cols[3]),
                kind,
                owner: opt(cols[5]),
                ratings: Vec::new(),
            },
        ));
    }
    Ok(out)
}

/// Rating rows of a table in the `ratings.tsv` shape: (line, outlet name,
/// rating).
pub fn parse_ratings(
    text: &str,
    origin: &str,
) -> Result<Vec<(usize, String, Rating)>, OutletError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("outlet\t") {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() != 5 || cols[0].is_empty() || cols[1].is_empty() || cols[2].is_empty() {
            return Err(OutletError::Table {
                file: origin.to_string(),
                line: line_no,
                reason: "expected 5 tab-separated columns (outlet, source, rating, \
                         factuality, citation) with outlet, source and rating given"
                    .into(),
            });
        }
        out.push((
            line_no,
            cols[0].to_string(),
            Rating {
                source: cols[1].to_string(),
                rating: cols[2].to_string(),
                factuality: (!cols[3].is_empty()).then(|| cols[3].to_string()),
                citation: cols[4].to_string(),
            },
        ));
    }
    Ok(out)
}

impl fmt::Display for Outlet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// At most `max` bytes of `text`, cut on a character boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A change to one outlet as a person asks for it (`parallax outlets set`,
/// the server's outlet form): fields left `None` or empty keep their value.
#[derive(Debug, Clone, Default)]
pub struct OutletEdit {
    pub name: String,
    pub aliases: Vec<String>,
    /// Hosts or URLs; each is reduced to its host.
    pub domains: Vec<String>,
    pub country: Option<String>,
    pub language: Option<String>,
    /// As [`OutletKind::parse`] reads it.
    pub kind: Option<String>,
    pub owner: Option<String>,
}

impl Registry {
    /// The outlet `edit` describes: the registry's row for its name (any
    /// alias) with the edit applied, or a new outlet. Says what is wrong
    /// with a bad type or domain.
    pub fn edited(&self, edit: &OutletEdit) -> Result<Outlet, String> {
        let name = edit.name.trim();
        if name.is_empty() {
            return Err("an outlet needs a name".to_string());
        }
        let kind = match edit
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(k) => Some(OutletKind::parse(k).ok_or_else(|| {
                format!(
                    "type {k:?}: one of wire, newspaper, broadcaster, digital, magazine, \
                     state media, blog"
                )
            })?),
            None => None,
        };
        let mut o = self.by_name(name).cloned().unwrap_or(Outlet {
            name: name.to_string(),
            aliases: Vec::new(),
            domains: Vec::new(),
            country: None,
            language: None,
            kind: None,
            owner: None,
            ratings: Vec::new(),
        });
        for a in edit
            .aliases
            .iter()
            .map(|a| a.trim())
            .filter(|a| !a.is_empty())
        {
            if !o.aliases.iter().any(|known| known == a) && a != o.name {
                o.aliases.push(a.to_string());
            }
        }
        for d in edit
            .domains
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
        {
            let host = host_of(d).ok_or_else(|| format!("domain {d:?} is not a host name"))?;
            if !o.domains.contains(&host) {
                o.domains.push(host);
            }
        }
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        o.country = given(&edit.country).or(o.country);
        o.language = given(&edit.language).or(o.language);
        o.kind = kind.or(o.kind);
        o.owner = given(&edit.owner).or(o.owner);
        Ok(o)
    }
}

/// One outlet row in the `outlets.tsv` shape.
pub fn outlet_row(o: &Outlet) -> String {
    let names: Vec<&str> = std::iter::once(o.name.as_str())
        .chain(o.aliases.iter().map(String::as_str))
        .collect();
    [
        names.join("|"),
        o.domains.join(","),
        o.country.clone().unwrap_or_default(),
        o.language.clone().unwrap_or_default(),
        o.kind
            .map(OutletKind::as_str)
            .unwrap_or_default()
            .to_string(),
        o.owner.clone().unwrap_or_default(),
    ]
    .map(|c| c.replace(['\t', '\n'], " "))
    .join("\t")
}

/// One rating row in the `ratings.tsv` shape.
pub fn rating_row(outlet: &str, r: &Rating) -> String {
    [
        outlet,
        &r.source,
        &r.rating,
        r.factuality.as_deref().unwrap_or(""),
        &r.citation,
    ]
    .map(|c| c.replace(['\t', '\n'], " "))
    .join("\t")
}

/// Appends rows to a user table in `dir` (created with its header when
/// missing). Later rows of the same outlet (or outlet and source) replace
/// earlier ones when the tables are loaded, so appending is how a setting
/// is changed, and the file stays a readable history.
pub fn append_user_rows(dir: &Path, file: &str, rows: &[String]) -> Result<PathBuf, OutletError> {
    use std::io::Write;
    let path = dir.join(file);
    let io = |e: std::io::Error| OutletError::Io {
        path: path.clone(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let fresh = !path.exists();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io)?;
    if fresh {
        let header = if file == USER_RATINGS {
            "outlet\tsource\trating\tfactuality\tcitation"
        } else {
            "name\tdomains\tcountry\tlanguage\ttype\towner"
        };
        writeln!(
            f,
            "# Your own Parallax outlet table: same columns as the shipped one.\n{header}"
        )
        .map_err(io)?;
    }
    for row in rows {
        writeln!(f, "{row}").map_err(io)?;
    }
    Ok(path)
}

/// How many articles of a set resolve to a known outlet, and how many of
/// those outlets carry at least one cited rating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub articles: usize,
    pub resolved: usize,
    pub rated: usize,
    /// Spellings that resolved to nothing, with their counts.
    pub unresolved: std::collections::BTreeMap<String, usize>,
}

impl Registry {
    /// [`Coverage`] of articles given by their publisher as written.
    pub fn coverage<'a>(&self, publishers: impl IntoIterator<Item = &'a str>) -> Coverage {
        let mut c = Coverage::default();
        for p in publishers {
            c.articles += 1;
            match self.by_name(p) {
                Some(o) => {
                    c.resolved += 1;
                    c.rated += usize::from(o.ratings.iter().any(|r| !r.citation.is_empty()));
                }
                None => *c.unresolved.entry(p.to_string()).or_default() += 1,
            }
        }
        c
    }
}
