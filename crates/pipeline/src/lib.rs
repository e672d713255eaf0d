//! Runs the stages in order: ingest → clean → dedup → store.
