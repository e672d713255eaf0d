//! Parallax's work queue on NATS JetStream: the streams, subjects,
//! consumers and the lease that `ingest --queue`, `worker`,
//! `stories --follow` and `queue status` share.
//!
//! This crate moves bytes. It knows nothing of articles, the store or the
//! pipeline: the CLI decides what a message holds and what "done" means,
//! and acknowledges a message only once that is committed. That keeps the
//! one invariant here simple: **a message is acknowledged after the work it
//! carries is durable, never before**, so a crash anywhere leads to a
//! redelivery, and the consumers are idempotent.
//!
//! The API is blocking (a private single-threaded tokio runtime drives the
//! async client), because every caller is a batch loop around blocking
//! store transactions.
//!
//! # Streams and subjects
//! - `PARALLAX_INPUTS` (`parallax.inputs`, work-queue retention): raw inputs,
//!   one per message, message id = article id and content hash, so a record
//!   published twice within the de-duplication window is stored once. An
//!   input larger than the server's message limit is put in the object
//!   store bucket `parallax_inputs` and the message carries its name.
//!   Consumer `workers` (durable, pull, explicit ack) is shared by all
//!   workers, so each input goes to one of them.
//! - `PARALLAX_EVENTS` (`parallax.events.stored`, limits retention): one
//!   "article stored" event per stored article, published by a worker after
//!   its commit. Consumer `story-engine` (durable, pull) feeds the single
//!   story engine; servers may add consumers of their own.
//! - `PARALLAX_PARKED` (`parallax.dead`, `parallax.skipped`): inputs given up
//!   on, with the reason: `dead` after [`MAX_DELIVERIES`] failed attempts or
//!   an unreadable message, `skipped` for records the cleaner rejected (a
//!   reported skip, as a local `ingest` prints).
//! - KV bucket `parallax_leases`: the story engine's leader lease.

use async_nats::jetstream::{self, consumer, kv, object_store, stream};
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

pub const INPUTS_STREAM: &str = "PARALLAX_INPUTS";
pub const INPUTS_SUBJECT: &str = "parallax.inputs";
pub const EVENTS_STREAM: &str = "PARALLAX_EVENTS";
pub const EVENTS_SUBJECT: &str = "parallax.events.stored";
pub const PARKED_STREAM: &str = "PARALLAX_PARKED";
pub const DEAD_SUBJECT: &str = "parallax.dead";
pub const SKIPPED_SUBJECT: &str = "parallax.skipped";
pub const WORKERS_CONSUMER: &str = "workers";
pub const ENGINE_CONSUMER: &str = "story-engine";
const OBJECTS_BUCKET: &str = "parallax_inputs";
const LEASES_BUCKET: &str = "parallax_leases";
/// Header naming the object that holds a large input's payload.
const OBJECT_HEADER: &str = "Parallax-Object";
/// Header of an event naming its input's sequence in `PARALLAX_INPUTS`.
const INPUT_SEQUENCE_HEADER: &str = "Parallax-Input-Seq";
/// Header carrying the reason a parked message was parked.
pub const REASON_HEADER: &str = "Parallax-Reason";

/// Attempts at one input before it is parked on `parallax.dead`: a record
/// that fails (or kills its worker) this often will not succeed by
/// retrying, and it must not hold the queue.
pub const MAX_DELIVERIES: i64 = 4;

/// How long a message may stay unacknowledged before the server hands it
/// to another worker. A worker batch is bounded in time per input, so this
/// is far above a healthy batch; `PARALLAX_QUEUE_ACK_WAIT_SECS` sets it
/// when the consumers are first created (tests use a few seconds).
const DEFAULT_ACK_WAIT: Duration = Duration::from_secs(60);

/// How long a publish is remembered for de-duplication.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(30 * 60);

/// How long the leader lease lives without a renewal.
pub const LEASE_TTL: Duration = Duration::from_secs(10);

/// What went wrong talking to NATS, with what was being done.
#[derive(Debug)]
pub struct QueueError {
    context: String,
    source: String,
}

impl QueueError {
    fn new(context: impl Into<String>, source: impl fmt::Display) -> Self {
        QueueError {
            context: context.into(),
            source: source.to_string(),
        }
    }
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.source)
    }
}

impl std::error::Error for QueueError {}

pub type Result<T> = std::result::Result<T, QueueError>;

/// A connection to the queue, with the streams and consumers in place.
pub struct Queue {
    rt: tokio::runtime::Runtime,
    client: async_nats::Client,
    js: jetstream::Context,
    url: String,
    /// Consumer handles, looked up once (a handle is only a name; every
    /// fetch still makes a fresh pull request).
    consumers: std::sync::Mutex<HashMap<String, consumer::PullConsumer>>,
}

/// One input as a worker receives it.
pub struct Delivery {
    /// The message id the publisher gave (article id and content hash).
    pub id: Option<String>,
    pub payload: Vec<u8>,
    /// Delivery attempt, from 1.
    pub attempt: i64,
    /// Sequence in `PARALLAX_INPUTS`: the order inputs were published in.
    pub sequence: u64,
    object: Option<String>,
    message: jetstream::Message,
}

/// One "article stored" event as the story engine receives it.
pub struct Event {
    pub article_id: String,
    /// Sequence of the input the article came from in `PARALLAX_INPUTS`:
    /// the order the inputs were published in (0 when not given).
    pub input_sequence: u64,
    /// Sequence in `PARALLAX_EVENTS`.
    pub sequence: u64,
    message: jetstream::Message,
}

/// A parked input and why.
#[derive(Debug, Clone)]
pub struct Parked {
    pub subject: String,
    pub id: Option<String>,
    pub reason: String,
    pub sequence: u64,
}

/// Counts `parallax queue status` prints.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub inputs_waiting: u64,
    pub inputs_in_flight: usize,
    pub inputs_redelivered: usize,
    pub inputs_published: u64,
    pub events: u64,
    pub events_behind: u64,
    pub engine_in_flight: usize,
    pub parked_dead: u64,
    pub parked_skipped: u64,
    /// The most recent parked messages, newest last.
    pub recent_parked: Vec<Parked>,
    pub leader: Option<String>,
}

/// The story engine's leadership, held while it is renewed.
pub struct Lease {
    holder: String,
    revision: u64,
}

/// A publish's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    New,
    /// The server already had a message with this id in its window.
    Duplicate,
}

fn ack_wait() -> Duration {
    std::env::var("PARALLAX_QUEUE_ACK_WAIT_SECS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_ACK_WAIT)
}

impl Queue {
    /// Connect to `url` (`nats://host:port`) and create the streams,
    /// consumers and buckets that are missing. Existing ones are used as
    /// they are, so several processes may connect at once.
    pub fn connect(url: &str) -> Result<Queue> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| QueueError::new("cannot start the queue client", e))?;
        let address = url.to_string();
        let (client, js) = rt.block_on(async {
            let options = async_nats::ConnectOptions::new()
                .name("parallax")
                .connection_timeout(Duration::from_secs(5))
                // A restarted server is reconnected to; the calls in
                // between wait rather than fail.
                .retry_on_initial_connect()
                .max_reconnects(None);
            let client = tokio::time::timeout(Duration::from_secs(10), async {
                let client = options.connect(&address).await?;
                client.flush().await?;
                Ok::<_, async_nats::Error>(client)
            })
            .await
            .map_err(|_| {
                QueueError::new(
                    format!("cannot reach the queue at {address}"),
                    "no answer in 10 s: is nats-server running there, with JetStream (-js)?",
                )
            })?
            .map_err(|e| QueueError::new(format!("cannot connect to the queue at {address}"), e))?;
            let js = jetstream::new(client.clone());
            ensure_layout(&js).await?;
            Ok::<_, QueueError>((client, js))
        })?;
        Ok(Queue {
            rt,
            client,
            js,
            url: url.to_string(),
            consumers: std::sync::Mutex::new(HashMap::new()),
        })
    }

    async fn consumer(&self, stream: &str, name: &str) -> Result<consumer::PullConsumer> {
        if let Some(c) = self
            .consumers
            .lock()
            .ok()
            .and_then(|m| m.get(name).cloned())
        {
            return Ok(c);
        }
        let s = self
            .js
            .get_stream(stream)
            .await
            .map_err(|e| QueueError::new(format!("cannot open stream {stream}"), e))?;
        let c: consumer::PullConsumer = s
            .get_consumer(name)
            .await
            .map_err(|e| QueueError::new(format!("cannot open consumer {name}"), e))?;
        if let Ok(mut m) = self.consumers.lock() {
            m.insert(name.to_string(), c.clone());
        }
        Ok(c)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Largest payload that travels inline; larger ones go to the object
    /// store (the server's limit, less room for headers).
    fn inline_limit(&self) -> usize {
        let max = self.client.server_info().max_payload;
        max.saturating_sub(8 * 1024).max(1024)
    }

    /// Publish inputs, waiting for the server to store each. `id` is the
    /// de-duplication id. Publishes are pipelined: all are sent, then the
    /// acknowledgements are awaited in order.
    pub fn publish_inputs(&self, inputs: &[(String, Vec<u8>)]) -> Result<Vec<Published>> {
        let limit = self.inline_limit();
        self.rt.block_on(async {
            let mut pending = Vec::with_capacity(inputs.len());
            for (id, payload) in inputs {
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Nats-Msg-Id", id.as_str());
                let body = if payload.len() > limit {
                    let name = object_name(id);
                    let bucket = self
                        .js
                        .get_object_store(OBJECTS_BUCKET)
                        .await
                        .map_err(|e| QueueError::new("cannot open the input object store", e))?;
                    let mut reader: &[u8] = payload;
                    bucket.put(name.as_str(), &mut reader).await.map_err(|e| {
                        QueueError::new(format!("cannot store the large input {id}"), e)
                    })?;
                    headers.insert(OBJECT_HEADER, name.as_str());
                    Vec::new()
                } else {
                    payload.clone()
                };
                let ack = self
                    .js
                    .publish_with_headers(INPUTS_SUBJECT, headers, body.into())
                    .await
                    .map_err(|e| QueueError::new(format!("cannot publish input {id}"), e))?;
                pending.push((id, ack));
            }
            let mut out = Vec::with_capacity(pending.len());
            for (id, ack) in pending {
                let ack = ack.await.map_err(|e| {
                    QueueError::new(format!("the queue did not store input {id}"), e)
                })?;
                out.push(if ack.duplicate {
                    Published::Duplicate
                } else {
                    Published::New
                });
            }
            Ok(out)
        })
    }

    /// Up to `max` inputs for this worker, waiting at most `wait` for the
    /// first. Large inputs are read back from the object store.
    pub fn fetch_inputs(&self, max: usize, wait: Duration) -> Result<Vec<Delivery>> {
        self.rt.block_on(async {
            let consumer = self.consumer(INPUTS_STREAM, WORKERS_CONSUMER).await?;
            let messages = fetch(&consumer, max, wait).await?;
            let mut out = Vec::with_capacity(messages.len());
            for message in messages {
                let (attempt, sequence) = match message.info() {
                    Ok(info) => (info.delivered, info.stream_sequence),
                    Err(_) => (1, 0),
                };
                let headers = message.headers.as_ref();
                let id = headers
                    .and_then(|h| h.get("Nats-Msg-Id"))
                    .map(|v| v.as_str().to_string());
                let object = headers
                    .and_then(|h| h.get(OBJECT_HEADER))
                    .map(|v| v.as_str().to_string());
                let payload = match &object {
                    Some(name) => read_object(&self.js, name).await.unwrap_or_default(),
                    None => message.payload.to_vec(),
                };
                out.push(Delivery {
                    id,
                    payload,
                    attempt,
                    sequence,
                    object,
                    message,
                });
            }
            Ok(out)
        })
    }

    /// Acknowledge inputs whose work is committed, and drop their objects.
    /// The acknowledgements are sent together and flushed, not confirmed one
    /// by one: one that is lost brings its input back, which the worker
    /// finds already stored and finishes at once (the consumers are
    /// idempotent), so a round trip per input would buy nothing.
    pub fn ack_inputs(&self, deliveries: &[&Delivery]) -> Result<()> {
        self.rt.block_on(async {
            for d in deliveries {
                d.message
                    .ack()
                    .await
                    .map_err(|e| QueueError::new("cannot acknowledge an input", e))?;
            }
            self.client
                .flush()
                .await
                .map_err(|e| QueueError::new("cannot send the acknowledgements", e))?;
            for d in deliveries {
                if let Some(name) = &d.object {
                    if let Ok(bucket) = self.js.get_object_store(OBJECTS_BUCKET).await {
                        // A left-over object only costs space.
                        let _ = bucket.delete(name).await;
                    }
                }
            }
            Ok(())
        })
    }

    /// Hand an input back for a later attempt (after `delay`).
    pub fn retry_input(&self, delivery: &Delivery, delay: Duration) -> Result<()> {
        self.rt.block_on(async {
            delivery
                .message
                .ack_with(jetstream::AckKind::Nak(Some(delay)))
                .await
                .map_err(|e| QueueError::new("cannot hand an input back", e))
        })
    }

    /// Park an input on `subject` (`DEAD_SUBJECT` or `SKIPPED_SUBJECT`)
    /// with its reason, then acknowledge it: parked first, so a crash in
    /// between parks it twice (the park is de-duplicated) rather than
    /// losing it.
    pub fn park(&self, delivery: &Delivery, subject: &str, reason: &str) -> Result<()> {
        self.publish_parked(subject, delivery.id.as_deref(), &delivery.payload, reason)?;
        self.ack_inputs(&[delivery])
    }

    /// Record a parked message (a reported skip has no input of its own
    /// when one message held several records).
    pub fn publish_parked(
        &self,
        subject: &str,
        id: Option<&str>,
        payload: &[u8],
        reason: &str,
    ) -> Result<()> {
        let limit = self.inline_limit();
        self.rt.block_on(async {
            let mut headers = async_nats::HeaderMap::new();
            // Header values are one line.
            let one_line: String = reason
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .take(2000)
                .collect();
            headers.insert(REASON_HEADER, one_line.as_str());
            if let Some(id) = id {
                headers.insert("Parallax-Input", id);
                headers.insert("Nats-Msg-Id", format!("{subject}:{id}").as_str());
            }
            let body = if payload.len() > limit {
                Vec::new()
            } else {
                payload.to_vec()
            };
            self.js
                .publish_with_headers(subject.to_string(), headers, body.into())
                .await
                .map_err(|e| QueueError::new("cannot park an input", e))?
                .await
                .map_err(|e| QueueError::new("the queue did not store a parked input", e))?;
            Ok(())
        })
    }

    /// Publish "article stored" events (article id, de-duplication id,
    /// input sequence), waiting until all are stored. The de-duplication id
    /// is the article id and its revision, so a worker that publishes again
    /// after a crash adds nothing.
    pub fn publish_stored(&self, events: &[(String, String, u64)]) -> Result<()> {
        self.rt.block_on(async {
            let mut pending = Vec::with_capacity(events.len());
            for (article_id, dedup, input) in events {
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Nats-Msg-Id", dedup.as_str());
                headers.insert(INPUT_SEQUENCE_HEADER, input.to_string().as_str());
                let ack = self
                    .js
                    .publish_with_headers(
                        EVENTS_SUBJECT,
                        headers,
                        article_id.clone().into_bytes().into(),
                    )
                    .await
                    .map_err(|e| QueueError::new("cannot publish an article event", e))?;
                pending.push(ack);
            }
            for ack in pending {
                ack.await
                    .map_err(|e| QueueError::new("the queue did not store an article event", e))?;
            }
            Ok(())
        })
    }

    /// Up to `max` "article stored" events for the story engine.
    pub fn fetch_events(&self, max: usize, wait: Duration) -> Result<Vec<Event>> {
        self.fetch_events_as(ENGINE_CONSUMER, max, wait)
    }

    /// A durable consumer of the events of its own, for one server
    /// (`serve-NAME`), created if missing. A new one starts at the events
    /// published from now on (the server syncs what is already stored when
    /// it starts); an existing one resumes where its server left off.
    /// Returns the consumer's name for [`Queue::fetch_events_as`].
    pub fn server_consumer(&self, name: &str) -> Result<String> {
        let durable = format!("serve-{}", object_name(name));
        self.rt.block_on(async {
            let stream =
                self.js.get_stream(EVENTS_STREAM).await.map_err(|e| {
                    QueueError::new(format!("cannot open stream {EVENTS_STREAM}"), e)
                })?;
            stream
                .get_or_create_consumer(
                    &durable,
                    consumer::pull::Config {
                        durable_name: Some(durable.clone()),
                        ack_policy: consumer::AckPolicy::Explicit,
                        deliver_policy: consumer::DeliverPolicy::New,
                        ack_wait: ack_wait(),
                        max_ack_pending: 100_000,
                        // A server that is gone for a day leaves no consumer
                        // behind to hold the stream.
                        inactive_threshold: Duration::from_secs(24 * 3600),
                        ..Default::default()
                    },
                )
                .await
                .map_err(|e| QueueError::new(format!("cannot create consumer {durable}"), e))?;
            Ok(durable)
        })
    }

    /// Up to `max` events from the named durable consumer.
    pub fn fetch_events_as(
        &self,
        consumer: &str,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<Event>> {
        self.rt.block_on(async {
            let consumer = self.consumer(EVENTS_STREAM, consumer).await?;
            let messages = fetch(&consumer, max, wait).await?;
            Ok(messages
                .into_iter()
                .map(|message| {
                    let sequence = message.info().map(|i| i.stream_sequence).unwrap_or(0);
                    let input_sequence = message
                        .headers
                        .as_ref()
                        .and_then(|h| h.get(INPUT_SEQUENCE_HEADER))
                        .and_then(|v| v.as_str().parse().ok())
                        .unwrap_or(0);
                    Event {
                        article_id: String::from_utf8_lossy(&message.payload).into_owned(),
                        input_sequence,
                        sequence,
                        message,
                    }
                })
                .collect())
        })
    }

    /// Acknowledge events once what they caused is committed (sent
    /// together and flushed, as [`Queue::ack_inputs`]).
    pub fn ack_events(&self, events: &[Event]) -> Result<()> {
        self.rt.block_on(async {
            for e in events {
                e.message
                    .ack()
                    .await
                    .map_err(|e| QueueError::new("cannot acknowledge an article event", e))?;
            }
            self.client
                .flush()
                .await
                .map_err(|e| QueueError::new("cannot send the acknowledgements", e))
        })
    }

    /// Tell the server the events are still being worked on, so they are
    /// not handed out again during a long refresh.
    pub fn events_in_progress(&self, events: &[Event]) {
        self.rt.block_on(async {
            for e in events {
                let _ = e.message.ack_with(jetstream::AckKind::Progress).await;
            }
        })
    }

    /// Take the story engine's lease for `holder`, if nobody holds it.
    pub fn acquire_lease(&self, name: &str, holder: &str) -> Result<Option<Lease>> {
        self.rt.block_on(async {
            let bucket = self
                .js
                .get_key_value(LEASES_BUCKET)
                .await
                .map_err(|e| QueueError::new("cannot open the lease bucket", e))?;
            match bucket
                .create(name, holder.to_string().into_bytes().into())
                .await
            {
                Ok(revision) => Ok(Some(Lease {
                    holder: holder.to_string(),
                    revision,
                })),
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => Ok(None),
                Err(e) => Err(QueueError::new("cannot take the lease", e)),
            }
        })
    }

    /// Renew a held lease; `false` means it was lost (expired and taken, or
    /// the bucket was reset): the holder must stop.
    pub fn renew_lease(&self, name: &str, lease: &mut Lease) -> Result<bool> {
        self.rt.block_on(async {
            let bucket = self
                .js
                .get_key_value(LEASES_BUCKET)
                .await
                .map_err(|e| QueueError::new("cannot open the lease bucket", e))?;
            match bucket
                .update(
                    name,
                    lease.holder.clone().into_bytes().into(),
                    lease.revision,
                )
                .await
            {
                Ok(revision) => {
                    lease.revision = revision;
                    Ok(true)
                }
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => Ok(false),
                Err(e) => Err(QueueError::new("cannot renew the lease", e)),
            }
        })
    }

    /// Give a held lease up, so a stand-by takes over at once.
    pub fn release_lease(&self, name: &str, lease: Lease) {
        self.rt.block_on(async {
            if let Ok(bucket) = self.js.get_key_value(LEASES_BUCKET).await {
                if let Ok(Some(entry)) = bucket.entry(name).await {
                    if entry.revision == lease.revision {
                        let _ = bucket.purge(name).await;
                    }
                }
            }
        })
    }

    /// The queue's counts, the leader and the last `recent` parked inputs.
    pub fn status(&self, recent: usize) -> Result<Status> {
        self.rt.block_on(async {
            let mut status = Status::default();
            let inputs = stream_info(&self.js, INPUTS_STREAM).await?;
            status.inputs_published = inputs.state.last_sequence;
            let workers = consumer_info(&self.js, INPUTS_STREAM, WORKERS_CONSUMER).await?;
            status.inputs_waiting = workers.num_pending;
            status.inputs_in_flight = workers.num_ack_pending;
            status.inputs_redelivered = workers.num_redelivered;
            let events = stream_info(&self.js, EVENTS_STREAM).await?;
            status.events = events.state.messages;
            let engine = consumer_info(&self.js, EVENTS_STREAM, ENGINE_CONSUMER).await?;
            status.events_behind = engine.num_pending;
            status.engine_in_flight = engine.num_ack_pending;
            let parked_stream = self
                .js
                .get_stream(PARKED_STREAM)
                .await
                .map_err(|e| QueueError::new("cannot open the parked stream", e))?;
            let parked = parked_stream
                .info_with_subjects(">")
                .await
                .map_err(|e| QueueError::new("cannot read the parked stream", e))?;
            let counts: std::collections::HashMap<String, usize> = {
                use futures_util::TryStreamExt;
                parked.try_collect().await.unwrap_or_default()
            };
            status.parked_dead = counts.get(DEAD_SUBJECT).copied().unwrap_or(0) as u64;
            status.parked_skipped = counts.get(SKIPPED_SUBJECT).copied().unwrap_or(0) as u64;
            let info = stream_info(&self.js, PARKED_STREAM).await?;
            let last = info.state.last_sequence;
            let first = info.state.first_sequence.max(1);
            let mut seq = last;
            while seq >= first && status.recent_parked.len() < recent && seq > 0 {
                if let Ok(raw) = parked_stream.get_raw_message(seq).await {
                    let reason = raw
                        .headers
                        .get(REASON_HEADER)
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_default();
                    let id = raw
                        .headers
                        .get("Parallax-Input")
                        .map(|v| v.as_str().to_string());
                    status.recent_parked.push(Parked {
                        subject: raw.subject.to_string(),
                        id,
                        reason,
                        sequence: seq,
                    });
                }
                seq -= 1;
            }
            status.recent_parked.reverse();
            if let Ok(bucket) = self.js.get_key_value(LEASES_BUCKET).await {
                if let Ok(Some(entry)) = bucket.entry(crate::ENGINE_LEASE).await {
                    if entry.operation == kv::Operation::Put {
                        status.leader = Some(String::from_utf8_lossy(&entry.value).into_owned());
                    }
                }
            }
            Ok(status)
        })
    }

    /// What is not done yet: inputs waiting, inputs in flight, events the
    /// story engine has not been handed. Cheaper than [`Queue::status`].
    pub fn backlog(&self) -> Result<(u64, usize, u64)> {
        self.rt.block_on(async {
            let workers = consumer_info(&self.js, INPUTS_STREAM, WORKERS_CONSUMER).await?;
            let engine = consumer_info(&self.js, EVENTS_STREAM, ENGINE_CONSUMER).await?;
            Ok((
                workers.num_pending,
                workers.num_ack_pending,
                engine.num_pending,
            ))
        })
    }

    /// Put parked inputs of `subject` (`DEAD_SUBJECT` or `SKIPPED_SUBJECT`)
    /// back on the inputs stream, after the cause was fixed, and drop them
    /// from the parked stream. Each goes back under a new message id (its
    /// first may still be in the de-duplication window). Returns how many
    /// went back and how many could not (an input over the message limit
    /// was parked without its payload: publish its file again).
    pub fn replay(&self, subject: &str) -> Result<(usize, usize)> {
        let limit = self.inline_limit();
        self.rt.block_on(async {
            let stream = self
                .js
                .get_stream(PARKED_STREAM)
                .await
                .map_err(|e| QueueError::new("cannot open the parked stream", e))?;
            let info = stream_info(&self.js, PARKED_STREAM).await?;
            let (mut back, mut without) = (0, 0);
            for seq in info.state.first_sequence.max(1)..=info.state.last_sequence {
                let Ok(raw) = stream.get_raw_message(seq).await else {
                    continue;
                };
                if raw.subject.as_str() != subject {
                    continue;
                }
                if raw.payload.is_empty() || raw.payload.len() > limit {
                    without += 1;
                    continue;
                }
                let id = raw
                    .headers
                    .get("Parallax-Input")
                    .map(|v| v.as_str().to_string())
                    .unwrap_or_else(|| format!("parked-{seq}"));
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Nats-Msg-Id", format!("{id}#replay-{seq}").as_str());
                self.js
                    .publish_with_headers(INPUTS_SUBJECT, headers, raw.payload.clone())
                    .await
                    .map_err(|e| QueueError::new(format!("cannot put {id} back"), e))?
                    .await
                    .map_err(|e| QueueError::new(format!("the queue did not take {id} back"), e))?;
                stream
                    .delete_message(seq)
                    .await
                    .map_err(|e| QueueError::new(format!("cannot unpark {id}"), e))?;
                back += 1;
            }
            Ok((back, without))
        })
    }

    /// Every parked message, oldest first (for `queue status --all`).
    pub fn parked(&self) -> Result<Vec<Parked>> {
        let total = self.status(0)?;
        let n = (total.parked_dead + total.parked_skipped) as usize;
        Ok(self.status(n)?.recent_parked)
    }
}

/// The lease name the story engine holds.
pub const ENGINE_LEASE: &str = "story-engine";

/// Object names allow a narrower alphabet than message ids.
fn object_name(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

async fn read_object(js: &jetstream::Context, name: &str) -> Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let bucket = js
        .get_object_store(OBJECTS_BUCKET)
        .await
        .map_err(|e| QueueError::new("cannot open the input object store", e))?;
    let mut object = bucket
        .get(name)
        .await
        .map_err(|e| QueueError::new(format!("cannot read the large input {name}"), e))?;
    let mut out = Vec::new();
    object
        .read_to_end(&mut out)
        .await
        .map_err(|e| QueueError::new(format!("cannot read the large input {name}"), e))?;
    Ok(out)
}

async fn stream_info(js: &jetstream::Context, name: &str) -> Result<stream::Info> {
    let s = js
        .get_stream(name)
        .await
        .map_err(|e| QueueError::new(format!("cannot open stream {name}"), e))?;
    s.get_info()
        .await
        .map_err(|e| QueueError::new(format!("cannot read stream {name}"), e))
}

async fn consumer_info(js: &jetstream::Context, s: &str, c: &str) -> Result<consumer::Info> {
    let stream = js
        .get_stream(s)
        .await
        .map_err(|e| QueueError::new(format!("cannot open stream {s}"), e))?;
    let consumer: consumer::PullConsumer = stream
        .get_consumer(c)
        .await
        .map_err(|e| QueueError::new(format!("cannot open consumer {c}"), e))?;
    consumer
        .get_info()
        .await
        .map_err(|e| QueueError::new(format!("cannot read consumer {c}"), e))
}

async fn fetch(
    c: &consumer::PullConsumer,
    max: usize,
    wait: Duration,
) -> Result<Vec<jetstream::Message>> {
    use futures_util::StreamExt;
    // A fresh pull request per call: a request made before a server
    // restart is not waited on forever (the reconnect stall).
    let mut batch = c
        .batch()
        .max_messages(max.max(1))
        .expires(wait.max(Duration::from_millis(100)))
        .messages()
        .await
        .map_err(|e| QueueError::new("cannot pull from the queue", e))?;
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + wait + Duration::from_secs(2);
    // A status message (no messages, timeout) or an error ends the batch;
    // what came so far is returned.
    while let Ok(Some(Ok(m))) = tokio::time::timeout_at(deadline, batch.next()).await {
        out.push(m);
    }
    Ok(out)
}

async fn ensure_layout(js: &jetstream::Context) -> Result<()> {
    let create = |config: stream::Config| async move {
        let name = config.name.clone();
        js.get_or_create_stream(config)
            .await
            .map_err(|e| QueueError::new(format!("cannot create stream {name}"), e))
    };
    let inputs = create(stream::Config {
        name: INPUTS_STREAM.into(),
        subjects: vec![INPUTS_SUBJECT.into()],
        retention: stream::RetentionPolicy::WorkQueue,
        duplicate_window: DUPLICATE_WINDOW,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await?;
    let events = create(stream::Config {
        name: EVENTS_STREAM.into(),
        subjects: vec![EVENTS_SUBJECT.into()],
        retention: stream::RetentionPolicy::Limits,
        duplicate_window: DUPLICATE_WINDOW,
        max_age: Duration::from_secs(7 * 24 * 3600),
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await?;
    create(stream::Config {
        name: PARKED_STREAM.into(),
        subjects: vec![DEAD_SUBJECT.into(), SKIPPED_SUBJECT.into()],
        retention: stream::RetentionPolicy::Limits,
        duplicate_window: DUPLICATE_WINDOW,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await?;
    let wait = ack_wait();
    inputs
        .get_or_create_consumer(
            WORKERS_CONSUMER,
            consumer::pull::Config {
                durable_name: Some(WORKERS_CONSUMER.into()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: wait,
                // The worker parks an input itself at MAX_DELIVERIES, with
                // the reason; the server's own limit is a backstop above it.
                max_deliver: MAX_DELIVERIES + 2,
                max_ack_pending: 10_000,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| QueueError::new("cannot create the workers' consumer", e))?;
    events
        .get_or_create_consumer(
            ENGINE_CONSUMER,
            consumer::pull::Config {
                durable_name: Some(ENGINE_CONSUMER.into()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: wait,
                max_ack_pending: 100_000,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| QueueError::new("cannot create the story engine's consumer", e))?;
    if js.get_object_store(OBJECTS_BUCKET).await.is_err() {
        js.create_object_store(object_store::Config {
            bucket: OBJECTS_BUCKET.into(),
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| QueueError::new("cannot create the input object store", e))?;
    }
    if js.get_key_value(LEASES_BUCKET).await.is_err() {
        js.create_key_value(kv::Config {
            bucket: LEASES_BUCKET.into(),
            history: 1,
            max_age: LEASE_TTL,
            storage: stream::StorageType::File,
            ..Default::default()
        })
        .await
        .map_err(|e| QueueError::new("cannot create the lease bucket", e))?;
    }
    Ok(())
}
