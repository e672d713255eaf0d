//! Scale-out on NATS JetStream: `ingest --queue` publishes, `worker`
//! stores and analyses, `stories --follow` is the one story engine,
//! `queue status` shows where things stand.
//!
//! The exactly-once argument, in short (ARCHITECTURE.md has it whole):
//! every message is acknowledged only after what it caused is committed;
//! every consumer is idempotent (a re-put of the same article is
//! `Unchanged`, an analysis is keyed by the article's revision, events and
//! parked inputs carry de-duplication ids, the story refresh works from what
//! the store says is pending). So a crash at any point leads to a
//! redelivery that redoes nothing twice.

use crate::commands::{exit_for, open_store, report_skipped};
use crate::progress::Bar;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use parallax_ingest::Limits;
use parallax_model::{Origin, Skipped};
use parallax_pipeline::{link_stored, store_queued, Progress, QueuedRecord};
use parallax_queue::{
    Delivery, Published, Queue, DEAD_SUBJECT, ENGINE_LEASE, LEASE_TTL, MAX_DELIVERIES,
    SKIPPED_SUBJECT,
};
use parallax_store::{EngineState, Store};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Inputs published per round trip of acknowledgements.
const PUBLISH_BATCH: usize = 256;

/// `engine_state` row where the story engine records the last event
/// sequence it committed (for `queue status` and for people; resuming
/// relies on the consumer's acknowledgements, not on this row).
pub const QUEUE_CHECKPOINT_STATE: &str = "queue-checkpoint";

/// `ingest --queue URL`: read and publish; workers do the rest.
pub fn publish(
    url: &str,
    paths: &[PathBuf],
    feeds: &[String],
    limits: &Limits,
    all_skipped: bool,
) -> Result<ExitCode> {
    let queue = Queue::connect(url)?;
    let listed = parallax_ingest::list_inputs(paths, &limits.list);
    let mut skipped: Vec<Skipped> = listed.skipped;
    let bar = Bar::new("queueing");
    bar.update(Progress::Total((listed.files.len() + feeds.len()) as u64));
    if !listed.left_out.is_empty() {
        bar.update(Progress::LeftOut(listed.left_out.len() as u64));
    }
    let mut claims: HashMap<String, String> = HashMap::new();
    let mut pending: Vec<(String, Vec<u8>)> = Vec::with_capacity(PUBLISH_BATCH);
    let (mut new, mut already) = (0usize, 0usize);
    let mut flush = |pending: &mut Vec<(String, Vec<u8>)>| -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        for outcome in queue.publish_inputs(pending)? {
            match outcome {
                Published::New => new += 1,
                Published::Duplicate => already += 1,
            }
        }
        pending.clear();
        Ok(())
    };
    let mut take = |record: parallax_ingest::Record,
                    relative: &str,
                    skipped: &mut Vec<Skipped>|
     -> Option<(String, Vec<u8>)> {
        let mut doc = match record {
            Ok(doc) => doc,
            Err(s) => {
                skipped.push(s);
                return None;
            }
        };
        // The same id from two places in one run: an id taken from a file
        // name is qualified with the file's path (as a local ingest does);
        // any other is a clash the user must resolve.
        let origin = doc.origin.to_string();
        if let Some(first) = claims.get(&doc.id).filter(|first| **first != origin) {
            let from_name = doc.origin.locator.is_none()
                && doc.origin.path != "-"
                && doc.id == parallax_ingest::id_from_file_name(&doc.origin.path, &doc.content);
            if from_name {
                doc.id = parallax_ingest::qualified_id(&doc.id, relative);
            } else {
                skipped.push(Skipped {
                    origin: doc.origin.clone(),
                    reason: format!(
                        "id {:?} was already given to {first} in this run; the first is \
                         kept: give each record an id of its own",
                        doc.id
                    ),
                });
                return None;
            }
        }
        claims.entry(doc.id.clone()).or_insert(origin);
        let record = QueuedRecord::prepare(doc, limits, relative);
        Some((record.message_id(), record.to_bytes()))
    };
    for file in &listed.files {
        for record in parallax_ingest::open(&file.path, limits) {
            if let Some(message) = take(record, &file.relative, &mut skipped) {
                pending.push(message);
                if pending.len() >= PUBLISH_BATCH {
                    flush(&mut pending)?;
                }
            }
        }
        bar.update(Progress::FileDone);
    }
    for url in feeds {
        match parallax_ingest::fetch_feed(url, limits) {
            Ok(records) => {
                for record in records {
                    if let Some(message) = take(record, url, &mut skipped) {
                        pending.push(message);
                    }
                }
            }
            Err(e) => skipped.push(Skipped {
                origin: Origin::file(url.clone()),
                reason: e.to_string(),
            }),
        }
        bar.update(Progress::FileDone);
        flush(&mut pending)?;
    }
    flush(&mut pending)?;
    bar.finish();
    report_skipped(&skipped, all_skipped);
    println!(
        "queued {new} inputs on {} ({already} were already queued and are not sent twice); skipped: {}",
        queue.url(),
        skipped.len()
    );
    println!(
        "workers store them: `parallax worker --queue {0} --db postgres://…`; \
         watch them: `parallax queue status --queue {0}`",
        queue.url()
    );
    Ok(exit_for(&skipped))
}

#[derive(Args)]
pub struct WorkerArgs {
    /// The queue: a NATS server with JetStream (nats://HOST:PORT).
    #[arg(long, env = "PARALLAX_QUEUE", value_name = "URL")]
    queue: String,
    /// Inputs taken, stored and acknowledged together (one transaction).
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// Exit after the queue has had nothing for this many seconds (for
    /// batch jobs and tests); by default a worker runs until stopped.
    #[arg(long, value_name = "SECONDS")]
    exit_when_idle: Option<u64>,
}

/// Test hook: `PARALLAX_FAIL_INPUT=ID` makes a worker panic on the input
/// with that id, every time, as a record that crashes its worker would.
fn fail_input_hook(records: &[QueuedRecord]) {
    static FAIL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let target = FAIL.get_or_init(|| std::env::var("PARALLAX_FAIL_INPUT").ok());
    if let Some(id) = target {
        if records.iter().any(|r| r.raw.id == *id) {
            panic!("PARALLAX_FAIL_INPUT={id}: failing on this input");
        }
    }
}

/// What happened to one attempt at a batch.
enum Attempt {
    Stored(parallax_pipeline::WorkerBatch),
    /// The store could not be written (connection lost, server down): the
    /// inputs are fine and go back to the queue.
    StoreDown(String),
    /// The inputs made the work fail (an analysis error or a panic).
    Failed(String),
}

fn attempt(store: &mut dyn Store, records: &[QueuedRecord]) -> Attempt {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        fail_input_hook(records);
        store_queued(store, records)
    }));
    match result {
        Ok(Ok(batch)) => Attempt::Stored(batch),
        Ok(Err(parallax_pipeline::RefreshError::Store(e))) => Attempt::StoreDown(e.to_string()),
        Ok(Err(e)) => Attempt::Failed(e.to_string()),
        Err(panic) => {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Attempt::Failed(format!("the worker crashed on it: {why}"))
        }
    }
}

/// Counts a worker prints when it stops.
#[derive(Default)]
struct WorkerTally {
    stored: usize,
    skipped: usize,
    parked: usize,
    retried: usize,
}

/// `parallax worker`: pull, clean, store, analyse, publish events, ack.
pub fn worker(db: Option<String>, args: WorkerArgs) -> Result<ExitCode> {
    let queue = Queue::connect(&args.queue)?;
    let (mut store, at) = open_store(db)?;
    eprintln!(
        "worker {}: taking inputs from {} into {at}",
        std::process::id(),
        queue.url()
    );
    let mut tally = WorkerTally::default();
    let mut idle_since = Instant::now();
    loop {
        let deliveries = match queue.fetch_inputs(args.batch.max(1), Duration::from_secs(1)) {
            Ok(d) => d,
            Err(e) => {
                // The server restarting: the client reconnects; pull again.
                eprintln!("worker: {e}; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if deliveries.is_empty() {
            if let Some(idle) = args.exit_when_idle {
                if idle_since.elapsed() >= Duration::from_secs(idle) {
                    break;
                }
            }
            continue;
        }
        idle_since = Instant::now();
        let mut records = Vec::with_capacity(deliveries.len());
        let mut taken: Vec<&Delivery> = Vec::with_capacity(deliveries.len());
        for d in &deliveries {
            if d.attempt > MAX_DELIVERIES {
                let reason = format!(
                    "given up after {MAX_DELIVERIES} attempts: each one failed or stopped its worker"
                );
                park(&queue, d, &reason, &mut tally);
                continue;
            }
            match QueuedRecord::from_bytes(&d.payload) {
                Ok(r) => {
                    records.push(r);
                    taken.push(d);
                }
                Err(reason) => park(&queue, d, &reason, &mut tally),
            }
        }
        if records.is_empty() {
            continue;
        }
        match attempt(&mut *store, &records) {
            Attempt::Stored(batch) => finish_or_say(&queue, &taken, &records, batch, &mut tally),
            Attempt::StoreDown(e) => {
                eprintln!(
                    "worker: cannot write to the store ({e}); the inputs go back to the queue"
                );
                for d in &taken {
                    let _ = queue.retry_input(d, Duration::from_secs(2));
                }
                tally.retried += taken.len();
                std::thread::sleep(Duration::from_secs(2));
                store = reopen(store, &at);
            }
            Attempt::Failed(e) if records.len() == 1 => {
                fail_one(&queue, taken[0], &e, &mut tally);
                store = reopen(store, &at);
            }
            Attempt::Failed(_) => {
                // One bad input must not hold back the rest: each is tried
                // alone, and only those that fail alone are retried.
                store = reopen(store, &at);
                for (d, r) in taken.iter().zip(&records) {
                    let one = std::slice::from_ref(r);
                    match attempt(&mut *store, one) {
                        Attempt::Stored(batch) => {
                            finish_or_say(&queue, &[d], one, batch, &mut tally)
                        }
                        Attempt::StoreDown(e) | Attempt::Failed(e) => {
                            fail_one(&queue, d, &e, &mut tally);
                            store = reopen(store, &at);
                        }
                    }
                }
            }
        }
    }
    println!(
        "worker {}: stored {} articles, skipped {}, parked {}, handed back {}",
        std::process::id(),
        tally.stored,
        tally.skipped,
        tally.parked,
        tally.retried
    );
    Ok(ExitCode::SUCCESS)
}

/// A store that was in a failed transaction or a panic is opened afresh;
/// if that fails, the old one is kept and the next batch says why.
fn reopen(store: Box<dyn Store>, at: &parallax_store::StoreLocation) -> Box<dyn Store> {
    match at.open() {
        Ok(fresh) => fresh,
        Err(_) => store,
    }
}

fn park(queue: &Queue, d: &Delivery, reason: &str, tally: &mut WorkerTally) {
    eprintln!(
        "worker: parking input {} on {DEAD_SUBJECT}: {reason}",
        d.id.as_deref().unwrap_or("(no id)")
    );
    if let Err(e) = queue.park(d, DEAD_SUBJECT, reason) {
        eprintln!("worker: {e}; the input stays queued");
    } else {
        tally.parked += 1;
    }
}

/// An input that failed alone: retried later, parked on its last attempt.
fn fail_one(queue: &Queue, d: &Delivery, error: &str, tally: &mut WorkerTally) {
    if d.attempt >= MAX_DELIVERIES {
        park(
            queue,
            d,
            &format!("failed {MAX_DELIVERIES} times; last error: {error}"),
            tally,
        );
    } else {
        eprintln!(
            "worker: input {} failed (attempt {} of {MAX_DELIVERIES}): {error}",
            d.id.as_deref().unwrap_or("(no id)"),
            d.attempt
        );
        let _ = queue.retry_input(d, Duration::from_secs(d.attempt.max(1) as u64));
        tally.retried += 1;
    }
}

/// [`finish`], where a failure (the queue away for a moment) is said and
/// left to redelivery: the work is committed, so the inputs come back,
/// are found unchanged and are finished then.
fn finish_or_say(
    queue: &Queue,
    taken: &[&Delivery],
    records: &[QueuedRecord],
    batch: parallax_pipeline::WorkerBatch,
    tally: &mut WorkerTally,
) {
    if let Err(e) = finish(queue, taken, records, batch, tally) {
        eprintln!("worker: {e:#}; the batch is stored and its inputs come back to be finished");
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// After the commit: report skips, publish the events, then acknowledge.
fn finish(
    queue: &Queue,
    taken: &[&Delivery],
    records: &[QueuedRecord],
    batch: parallax_pipeline::WorkerBatch,
    tally: &mut WorkerTally,
) -> Result<()> {
    for (index, skipped) in &batch.skipped {
        let id = taken.get(*index).and_then(|d| d.id.as_deref());
        let payload = records
            .get(*index)
            .map(|r| r.to_bytes())
            .unwrap_or_default();
        queue.publish_parked(SKIPPED_SUBJECT, id, &payload, &skipped.to_string())?;
    }
    let events: Vec<(String, String, u64)> = batch
        .stored
        .iter()
        .map(|(index, id, event)| {
            let input = taken.get(*index).map(|d| d.sequence).unwrap_or(0);
            (id.clone(), event.clone(), input)
        })
        .collect();
    queue.publish_stored(&events)?;
    parallax_pipeline::failpoint("worker-ack");
    queue.ack_inputs(taken)?;
    tally.stored += batch.stored.len();
    tally.skipped += batch.skipped.len();
    Ok(())
}

/// How `parallax stories --follow` runs.
pub struct FollowArgs {
    /// The queue whose "article stored" events drive the engine.
    pub queue: String,
    /// Exit once no input is waiting or in flight and no event has come for
    /// this many seconds (for batch jobs and tests).
    pub exit_when_idle: Option<u64>,
    /// Longest an event waits for its round while inputs are still coming.
    pub max_lag: u64,
}

/// Events held for one round at most: past this the round runs even while
/// inputs are still coming.
const MAX_HELD_EVENTS: usize = 20_000;

/// Keeps the lease renewed from its own thread and connection, so a long
/// refresh does not let it lapse; `lost` turns true when it cannot.
struct Renewer {
    lost: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<Option<parallax_queue::Lease>>>,
}

impl Renewer {
    fn start(url: &str, mut lease: parallax_queue::Lease) -> Result<Renewer> {
        let queue = Queue::connect(url)?;
        let lost = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s) = (lost.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            let every = LEASE_TTL / 4;
            let mut last_ok = Instant::now();
            while !s.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(200));
                if last_ok.elapsed() < every {
                    continue;
                }
                match queue.renew_lease(ENGINE_LEASE, &mut lease) {
                    Ok(true) => last_ok = Instant::now(),
                    Ok(false) => {
                        l.store(true, Ordering::SeqCst);
                        return None;
                    }
                    // The server away for a moment: keep trying while the
                    // lease may still be alive.
                    Err(_) if last_ok.elapsed() < LEASE_TTL - every => {}
                    Err(_) => {
                        l.store(true, Ordering::SeqCst);
                        return None;
                    }
                }
            }
            queue.release_lease(ENGINE_LEASE, lease);
            None
        });
        Ok(Renewer {
            lost,
            stop,
            handle: Some(handle),
        })
    }

    fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

impl Drop for Renewer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// `parallax stories --follow`: the one story engine.
pub fn follow(db: Option<String>, args: &FollowArgs) -> Result<ExitCode> {
    let queue = Queue::connect(&args.queue)?;
    let (mut store, at) = open_store(db)?;
    let holder = format!(
        "{}:{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into()),
        std::process::id()
    );
    let started = Instant::now();
    let mut said = false;
    let lease = loop {
        if let Some(lease) = queue.acquire_lease(ENGINE_LEASE, &holder)? {
            break lease;
        }
        if !said {
            let leader = queue.status(0).ok().and_then(|s| s.leader);
            eprintln!(
                "story engine {holder}: standing by, the engine runs at {}",
                leader.as_deref().unwrap_or("another process")
            );
            said = true;
        }
        if let Some(idle) = args.exit_when_idle {
            if started.elapsed() > Duration::from_secs(idle.max(1) * 10) {
                println!("story engine {holder}: never became the leader; exiting");
                return Ok(ExitCode::SUCCESS);
            }
        }
        std::thread::sleep(Duration::from_secs(1));
    };
    let renewer = Renewer::start(&args.queue, lease)?;
    eprintln!(
        "story engine {holder}: leading; events from {} into {at}",
        queue.url()
    );
    let hasher = parallax_dedup_params();
    let mut lsh = parallax_store::load_lsh_index(&*store, hasher)?.index;
    let mut idle_since = Instant::now();
    let (mut linked, mut refreshes) = (0usize, 0usize);
    // Events are held until the inputs are drained (a back-fill lands as
    // one round, so the stories do not depend on how the workers raced),
    // the oldest has waited `max_lag`, or many are held.
    let mut held: Vec<parallax_queue::Event> = Vec::new();
    let mut held_since: Option<Instant> = None;
    let mut told_in_progress = Instant::now();
    let max_lag = Duration::from_secs(args.max_lag);
    loop {
        if renewer.lost() {
            anyhow::bail!(
                "story engine {holder}: lost the lease (another engine took over, or the \
                 queue was unreachable for {} s); exiting so that only one engine writes",
                LEASE_TTL.as_secs()
            );
        }
        let events = match queue.fetch_events(2000, Duration::from_secs(1)) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("story engine: {e}; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if !events.is_empty() {
            held.extend(events);
            held_since.get_or_insert_with(Instant::now);
            idle_since = Instant::now();
        }
        let backlog = match queue.backlog() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("story engine: {e}; retrying");
                continue;
            }
        };
        let drained = backlog.0 == 0 && backlog.1 == 0 && backlog.2 == 0;
        if held.is_empty() {
            if let Some(idle) = args.exit_when_idle {
                if drained && idle_since.elapsed() >= Duration::from_secs(idle) {
                    break;
                }
            }
            continue;
        }
        let waited = held_since.map(|t| t.elapsed()).unwrap_or_default();
        if !(drained || waited >= max_lag || held.len() >= MAX_HELD_EVENTS) {
            if told_in_progress.elapsed() >= Duration::from_secs(5) {
                queue.events_in_progress(&held);
                told_in_progress = Instant::now();
            }
            continue;
        }
        let mut events = std::mem::take(&mut held);
        held_since = None;
        // In the order the inputs were published, as a local ingest reads
        // them: linking and clustering must not follow the workers' race.
        events.sort_by_key(|e| (e.input_sequence, e.sequence));
        let mut seen = std::collections::HashSet::new();
        let ids: Vec<String> = events
            .iter()
            .filter(|e| seen.insert(e.article_id.clone()))
            .map(|e| e.article_id.clone())
            .collect();
        let links = link_stored(&mut *store, &mut lsh, &ids)?;
        for d in &links {
            eprintln!(
                "duplicate {} is a {} copy of {} (score {:.2})",
                d.article_id,
                d.kind.as_str(),
                d.of_id,
                d.score
            );
        }
        parallax_pipeline::failpoint("engine-linked");
        queue.events_in_progress(&events);
        match parallax_pipeline::refresh_in_order(&mut *store, true, &ids, &|_| {}) {
            Ok(r) => {
                if let Some(s) = r.story_refresh {
                    eprintln!(
                        "story engine: {} articles → {} stories ({} rewritten)",
                        ids.len(),
                        s.stories,
                        s.written
                    );
                }
            }
            Err(parallax_pipeline::RefreshError::Store(e)) => return Err(e.into()),
            // The articles stay pending in the store; the next round retries.
            Err(e) => eprintln!("story engine: {e}"),
        }
        let last = events.iter().map(|e| e.sequence).max().unwrap_or(0);
        store.put_state(
            QUEUE_CHECKPOINT_STATE,
            &EngineState {
                format: "nats-events-sequence".into(),
                bytes: last.to_string().into_bytes(),
            },
        )?;
        parallax_pipeline::failpoint("engine-refreshed");
        if let Err(e) = queue.ack_events(&events) {
            // Redelivered, they find nothing pending: the round is not redone.
            eprintln!("story engine: {e}; the events come back and are found done");
        }
        linked += ids.len();
        refreshes += 1;
        idle_since = Instant::now();
    }
    drop(renewer);
    println!(
        "story engine {holder}: placed {linked} article events in {refreshes} rounds; stories: {}",
        store.list_stories()?.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn parallax_dedup_params() -> parallax_dedup::MinHashParams {
    parallax_dedup::MinHasher::default().params()
}

#[derive(Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    command: QueueCommand,
}

#[derive(Subcommand)]
enum QueueCommand {
    /// Inputs waiting and in flight, events the story engine has not taken,
    /// the engine's leader, and the parked inputs with their reasons.
    Status(StatusArgs),
    /// Put the parked (dead) inputs back in the queue, once what made them
    /// fail is fixed; `--skipped` puts back the cleaner's rejects instead.
    Replay(ReplayArgs),
}

#[derive(Args)]
struct ReplayArgs {
    #[arg(long, env = "PARALLAX_QUEUE", value_name = "URL")]
    queue: String,
    /// Replay the records the cleaner rejected (`parallax.skipped`), not
    /// the dead inputs.
    #[arg(long)]
    skipped: bool,
}

#[derive(Args)]
struct StatusArgs {
    #[arg(long, env = "PARALLAX_QUEUE", value_name = "URL")]
    queue: String,
    /// List every parked input, not only the last 20.
    #[arg(long)]
    all: bool,
    /// One JSON document.
    #[arg(long)]
    json: bool,
}

pub fn queue(args: QueueArgs) -> Result<ExitCode> {
    let args = match args.command {
        QueueCommand::Status(args) => args,
        QueueCommand::Replay(args) => return replay(&args),
    };
    let queue = Queue::connect(&args.queue)?;
    let mut status = queue.status(20)?;
    if args.all {
        status.recent_parked = queue.parked()?;
    }
    if args.json {
        let parked: Vec<serde_json::Value> = status
            .recent_parked
            .iter()
            .map(|p| {
                serde_json::json!({
                    "subject": p.subject, "input": p.id, "reason": p.reason, "sequence": p.sequence,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "queue": queue.url(),
            "inputs": {
                "published": status.inputs_published,
                "waiting": status.inputs_waiting,
                "in_flight": status.inputs_in_flight,
                "redelivered": status.inputs_redelivered,
            },
            "events": { "stored": status.events, "behind": status.events_behind,
                        "in_flight": status.engine_in_flight },
            "story_engine": status.leader,
            "parked": { "dead": status.parked_dead, "skipped": status.parked_skipped,
                        "recent": parked },
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).context("writing JSON")?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("queue {}", queue.url());
    println!(
        "inputs: {} published, {} waiting, {} in flight ({} redelivered)",
        status.inputs_published,
        status.inputs_waiting,
        status.inputs_in_flight,
        status.inputs_redelivered
    );
    println!(
        "article events: {} stored, {} not yet taken by the story engine, {} in flight",
        status.events, status.events_behind, status.engine_in_flight
    );
    match &status.leader {
        Some(l) => println!("story engine: {l}"),
        None => println!("story engine: none running (`parallax stories --follow` starts one)"),
    }
    println!(
        "parked: {} dead (given up on), {} skipped (rejected by the cleaner)",
        status.parked_dead, status.parked_skipped
    );
    for p in &status.recent_parked {
        let kind = if p.subject == DEAD_SUBJECT {
            "dead"
        } else {
            "skipped"
        };
        println!(
            "  #{} {kind} {}: {}",
            p.sequence,
            p.id.as_deref().unwrap_or("(no id)"),
            p.reason
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn replay(args: &ReplayArgs) -> Result<ExitCode> {
    let queue = Queue::connect(&args.queue)?;
    let subject = if args.skipped {
        SKIPPED_SUBJECT
    } else {
        DEAD_SUBJECT
    };
    let (back, without) = queue.replay(subject)?;
    println!("{back} parked inputs put back in the queue from {subject}");
    if without > 0 {
        println!(
            "{without} could not be: they were parked without their payload (over the \
             message limit); publish their files again with `parallax ingest --queue`"
        );
    }
    Ok(ExitCode::SUCCESS)
}
