//! One store contract, two backends: a fixture opens fresh, isolated stores
//! of one backend, so a test written against `dyn Store` runs on each.
//!
//! PostgreSQL runs when `PARALLAX_TEST_POSTGRES` names a server
//! (`bash scripts/pg-test-server.sh DIR` starts one and prints its URL).
//! Each fixture gets a schema of its own, dropped at the end, so tests run
//! in parallel on one database without seeing each other.

use parallax_store::scratch::{PgScratch, TEST_POSTGRES_ENV as PG_ENV};
use parallax_store::{PostgresStore, SqliteStore, Store, StoreError};
use std::path::PathBuf;

/// Opens stores of one backend that all see the same data.
pub trait Fixture: Sync {
    /// `sqlite` or `postgres`, for messages.
    fn backend(&self) -> &'static str;

    /// What `--db` would say to open this store (for a child process).
    fn location(&self) -> String;

    fn try_open(&self) -> Result<Box<dyn Store>, StoreError>;

    fn try_open_read_only(&self) -> Result<Box<dyn Store>, StoreError>;

    /// A read-write store, migrating on first use.
    fn open(&self) -> Box<dyn Store> {
        self.try_open()
            .unwrap_or_else(|e| panic!("cannot open the {} store: {e}", self.backend()))
    }

    /// A read-only store; the data must exist (after [`Fixture::open`]).
    fn open_read_only(&self) -> Box<dyn Store> {
        self.try_open_read_only()
            .unwrap_or_else(|e| panic!("cannot open the {} store read-only: {e}", self.backend()))
    }
}

/// A SQLite file in a temporary folder (in a subfolder that does not exist
/// yet, as a fresh `--db` path would be).
pub struct SqliteFixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SqliteFixture {
    pub fn new() -> SqliteFixture {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("nested").join("parallax.db");
        SqliteFixture { _dir: dir, path }
    }
}

impl Default for SqliteFixture {
    fn default() -> Self {
        Self::new()
    }
}

impl Fixture for SqliteFixture {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn try_open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(SqliteStore::open(&self.path)?))
    }

    fn try_open_read_only(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(SqliteStore::open_read_only(&self.path)?))
    }
}

/// A fresh schema on the server `PARALLAX_TEST_POSTGRES` names (a
/// [`PgScratch`]), dropped with everything in it when the fixture is.
pub struct PgFixture {
    scratch: PgScratch,
}

/// An error with its sources, for a panic message.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(&format!(": {c}"));
        cause = c.source();
    }
    out
}

impl PgFixture {
    /// `None`, after saying so on stderr, when `PARALLAX_TEST_POSTGRES` is
    /// unset or empty. Panics when it is set but the server cannot be
    /// reached: CI sets it, and must not pass by skipping.
    pub fn new() -> Option<PgFixture> {
        let server = std::env::var(PG_ENV).unwrap_or_default();
        let server = server.trim();
        if server.is_empty() {
            eprintln!(
                "skipped: {PG_ENV} is not set (bash scripts/pg-test-server.sh DIR starts a server)"
            );
            return None;
        }
        let scratch = PgScratch::on(server).unwrap_or_else(|e| {
            panic!(
                "{PG_ENV} is set but no test schema could be made there: {}",
                chain(&e)
            )
        });
        Some(PgFixture { scratch })
    }

    /// The URL that opens a store in this fixture's schema.
    pub fn url(&self) -> &str {
        self.scratch.url()
    }

    /// Runs SQL in the fixture's schema on a connection of its own (for
    /// tests that damage or inspect rows directly).
    pub fn sql(&self, sql: &str) {
        let mut client = ::postgres::Client::connect(self.url(), ::postgres::NoTls)
            .unwrap_or_else(|e| panic!("{}", chain(&e)));
        client
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {}", chain(&e)));
    }

    /// The first column of the first row `sql` returns, as text.
    pub fn query_text(&self, sql: &str) -> Option<String> {
        let mut client = ::postgres::Client::connect(self.url(), ::postgres::NoTls)
            .unwrap_or_else(|e| panic!("{}", chain(&e)));
        client
            .query_opt(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {}", chain(&e)))
            .map(|row| row.get::<_, String>(0))
    }
}

impl Fixture for PgFixture {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    fn location(&self) -> String {
        self.url().to_string()
    }

    fn try_open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(PostgresStore::open(self.url())?))
    }

    fn try_open_read_only(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(PostgresStore::open_read_only(self.url())?))
    }
}
