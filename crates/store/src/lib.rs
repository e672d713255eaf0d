//! Persistent store. SQLite (WAL) is the default implementation.
