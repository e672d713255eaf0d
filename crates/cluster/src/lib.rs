//! Streaming clustering of news items into events.
//!
//! [`StreamClusterer`] takes [`ClusterDoc`]s one at a time, in arrival order,
//! and places each in an existing event cluster or a new one, without
//! re-clustering what came before; see [`stream`] for the model and the
//! bounds on cost per document. [`eval`] scores it on labelled streams in
//! MStream's JSONL format with the measures in [`metrics`]. [`arcs`] links
//! events into story arcs.

pub mod arcs;
pub mod doc;
pub mod eval;
pub mod metrics;
pub mod stream;

pub use arcs::{story_arcs, ArcConfig, StoryArc, StoryArcs};
pub use doc::{ClusterDoc, TermAnalyzer, WhitespaceAnalyzer};
pub use eval::{
    evaluate_docs, evaluate_mstream, evaluate_swapped_halves, evaluate_two_halves, load_mstream,
    order_agreement, parse_mstream, EvalError, EvalReport, LabelledDoc, SplitReport,
};
pub use metrics::{score_partition, PartitionScores, Prf};
pub use stream::{
    Assignment, ClusterConfig, ClusterId, ClusterSummary, StateSize, StreamClusterer,
};
