use std::path::PathBuf;

/// The error a backend's client library reported, kept whole for its
/// message and source chain but typed by no library, so no SQLite or
/// PostgreSQL type appears in any store signature.
pub type BackendError = Box<dyn std::error::Error + Send + Sync>;

/// Store failures, each saying what the user can do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "cannot create the database folder {}: {source} (check permissions, or set --db / \
         PARALLAX_DB to a writable path)",
        path.display()
    )]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "cannot open database at {}: {source} (check the path or set --db / PARALLAX_DB)",
        path.display()
    )]
    Open { path: PathBuf, source: BackendError },

    #[error(
        "{} is not a Parallax database ({detail}); choose another file with --db / PARALLAX_DB",
        path.display()
    )]
    NotParallax { path: PathBuf, detail: String },

    #[error(
        "database at {} has schema version {found}, newer than this build of parallax \
         understands ({supported}); upgrade parallax or use another --db",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "database at {} has schema version {found} but this build needs {supported}; open it \
         once read-write (any parallax command that writes) to migrate it",
        path.display()
    )]
    NeedsMigration {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "database migration to schema version {version} ({name}) failed: {source}; the \
         database was left at the previous version (report this as a bug)"
    )]
    Migration {
        version: i64,
        name: &'static str,
        source: BackendError,
    },

    #[error(
        "database is locked by another process while {context} ({source}); wait for the other \
         parallax command to finish, or use a different --db"
    )]
    Busy {
        context: String,
        source: BackendError,
    },

    #[error("database error while {context}: {source}")]
    Backend {
        context: String,
        source: BackendError,
    },

    #[error(
        "stored data for {id} is unreadable: {detail} (run `PRAGMA integrity_check` on the \
         database, or delete and re-ingest the article)"
    )]
    Corrupt { id: String, detail: String },

    #[error(
        "cannot link {article_id} to {of_id}: article {missing} is not in the store (put \
         both articles before linking them)"
    )]
    UnknownArticle {
        article_id: String,
        of_id: String,
        missing: String,
    },

    #[error("invalid input to the store: {0}")]
    Invalid(String),
}

impl StoreError {
    /// Builds a `map_err` closure that tags a SQLite error with what was
    /// being done, classifying lock timeouts as [`StoreError::Busy`].
    pub(crate) fn sqlite(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
        move |source| StoreError::from_sqlite(context, source)
    }

    pub(crate) fn from_sqlite(context: &str, source: rusqlite::Error) -> StoreError {
        let busy = matches!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        );
        if busy {
            StoreError::Busy {
                context: context.to_string(),
                source: Box::new(source),
            }
        } else {
            StoreError::Backend {
                context: context.to_string(),
                source: Box::new(source),
            }
        }
    }
}
