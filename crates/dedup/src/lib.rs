//! Exact and near-duplicate detection (wire copy) for clean text.
