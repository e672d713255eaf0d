//! Throwaway PostgreSQL stores for tests: each [`PgScratch`] is a fresh
//! schema on the server named by `PARALLAX_TEST_POSTGRES`, dropped again
//! when the scratch is dropped, so tests on one server never see each
//! other's rows. (`scripts/pg-test-server.sh DIR` starts such a server;
//! CI exports its URL.)

use crate::{StoreError, StoreLocation};
use std::sync::atomic::{AtomicU64, Ordering};

/// The variable naming the test server's URL.
pub const TEST_POSTGRES_ENV: &str = "PARALLAX_TEST_POSTGRES";

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty schema on the test server.
#[derive(Debug)]
pub struct PgScratch {
    server: String,
    schema: String,
    url: String,
}

impl PgScratch {
    /// A new scratch schema, or `None` (with the reason printed to stderr)
    /// when `PARALLAX_TEST_POSTGRES` is unset. A set variable whose server
    /// cannot be reached is an error: a test run that was given a server
    /// must not pass by skipping.
    pub fn from_env(test: &str) -> Result<Option<PgScratch>, StoreError> {
        let server = std::env::var(TEST_POSTGRES_ENV).unwrap_or_default();
        if server.trim().is_empty() {
            eprintln!(
                "skipped {test} on PostgreSQL: {TEST_POSTGRES_ENV} is not set \
                 (bash scripts/pg-test-server.sh DIR starts a server and prints its URL)"
            );
            return Ok(None);
        }
        Self::on(&server).map(Some)
    }

    /// A new scratch schema on the server at `server`.
    pub fn on(server: &str) -> Result<PgScratch, StoreError> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let schema = format!(
            "t_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        run(server, &format!("CREATE SCHEMA {schema}"))?;
        let sep = if server.contains('?') { '&' } else { '?' };
        let url = format!("{server}{sep}options=-csearch_path%3D{schema}");
        Ok(PgScratch {
            server: server.to_string(),
            schema,
            url,
        })
    }

    /// The URL that opens a store in this schema.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn location(&self) -> StoreLocation {
        StoreLocation::Postgres(self.url.clone())
    }
}

fn run(server: &str, sql: &str) -> Result<(), StoreError> {
    let shown = crate::redact_url(server);
    let mut client =
        postgres::Client::connect(server, postgres::NoTls).map_err(|e| StoreError::Open {
            path: shown.clone().into(),
            source: Box::new(e),
        })?;
    client.batch_execute(sql).map_err(|e| StoreError::Backend {
        context: format!("running {sql:?} on {shown}"),
        source: Box::new(e),
    })
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        let server = self.server.clone();
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        // The blocking client cannot run on a runtime thread.
        let dropped = std::thread::spawn(move || run(&server, &sql)).join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop test schema {}: {e}", self.schema);
        }
    }
}
