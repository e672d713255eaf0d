//! Where a store lives, as `--db` and `PARALLAX_DB` name it, and the one
//! place that turns that name into an open [`Store`] of the right backend.

use crate::{default_db_path, PostgresStore, SqliteStore, Store, StoreError, DB_ENV_VAR};
use std::path::{Path, PathBuf};

/// A store's address: a SQLite file (`PATH` or `sqlite:PATH`) or a
/// PostgreSQL server (`postgres://…` or `postgresql://…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl StoreLocation {
    /// Reads `--db`'s value. Anything that is not a PostgreSQL URL is a
    /// file path, so existing `--db FILE` uses keep working.
    pub fn parse(value: &str) -> StoreLocation {
        let lower = value.get(..13).unwrap_or(value).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return StoreLocation::Postgres(value.to_string());
        }
        match value.strip_prefix("sqlite:") {
            Some(rest) => {
                StoreLocation::Sqlite(PathBuf::from(rest.strip_prefix("//").unwrap_or(rest)))
            }
            None => StoreLocation::Sqlite(PathBuf::from(value)),
        }
    }

    /// The store to use: `explicit` (the `--db` flag) if given, else a
    /// non-empty `PARALLAX_DB`, else the default SQLite file.
    pub fn resolve(explicit: Option<&str>) -> StoreLocation {
        Self::resolve_from(explicit, std::env::var(DB_ENV_VAR).ok())
    }

    fn resolve_from(explicit: Option<&str>, env: Option<String>) -> StoreLocation {
        match explicit.map(str::to_string).or(env) {
            Some(v) if !v.is_empty() => StoreLocation::parse(&v),
            _ => StoreLocation::Sqlite(default_db_path()),
        }
    }

    /// Opens (creating and migrating as needed) the store.
    pub fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(match self {
            StoreLocation::Sqlite(path) => Box::new(SqliteStore::open(path)?),
            StoreLocation::Postgres(url) => Box::new(PostgresStore::open(url)?),
        })
    }

    /// Opens an existing store at this build's schema for reading.
    pub fn open_read_only(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(match self {
            StoreLocation::Sqlite(path) => Box::new(SqliteStore::open_read_only(path)?),
            StoreLocation::Postgres(url) => Box::new(PostgresStore::open_read_only(url)?),
        })
    }

    /// The file, for a SQLite store.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            StoreLocation::Sqlite(p) => Some(p),
            StoreLocation::Postgres(_) => None,
        }
    }

    /// False only for a SQLite file that does not exist yet: a server is
    /// asked when it is opened.
    pub fn may_exist(&self) -> bool {
        match self {
            StoreLocation::Sqlite(p) => p.exists(),
            StoreLocation::Postgres(_) => true,
        }
    }
}

impl std::fmt::Display for StoreLocation {
    /// The path, or the URL with its password hidden.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Sqlite(p) => write!(f, "{}", p.display()),
            StoreLocation::Postgres(url) => f.write_str(&crate::redact_url(url)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        assert_eq!(
            StoreLocation::parse("postgres://a@h/db"),
            StoreLocation::Postgres("postgres://a@h/db".into())
        );
        assert_eq!(
            StoreLocation::parse("PostgreSQL://a@h/db"),
            StoreLocation::Postgres("PostgreSQL://a@h/db".into())
        );
        assert_eq!(
            StoreLocation::parse("sqlite:/tmp/x.db"),
            StoreLocation::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreLocation::parse("sqlite:///tmp/x.db"),
            StoreLocation::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            StoreLocation::parse("data/p.db"),
            StoreLocation::Sqlite("data/p.db".into())
        );
        assert_eq!(
            StoreLocation::parse("postgres://ann:pw@h/db").to_string(),
            "postgres://ann:***@h/db"
        );
    }

    #[test]
    fn flag_then_env_then_default() {
        let env = Some("postgres://e@h/db".to_string());
        assert_eq!(
            StoreLocation::resolve_from(Some("f.db"), env.clone()),
            StoreLocation::Sqlite("f.db".into())
        );
        assert_eq!(
            StoreLocation::resolve_from(None, env),
            StoreLocation::Postgres("postgres://e@h/db".into())
        );
        assert_eq!(
            StoreLocation::resolve_from(None, Some(String::new())),
            StoreLocation::Sqlite(default_db_path())
        );
    }
}
