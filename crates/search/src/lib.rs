//! Full-text search over stored articles, backed by a tantivy index.
//!
//! The index is a cache of the store: it can always be rebuilt from it, so
//! it lives in its own folder beside the database ([`index_dir_for_db`]) and
//! [`SearchIndex::sync_from_store`] brings it up to date (adding new and
//! changed articles, dropping deleted ones). Title, clean text and outlet are
//! searchable; the text is stored too so hits come with a highlighted
//! snippet without a second trip to the store. Each article also carries the
//! corpus-wide ids of the entities it mentions (`person:chris williamson`,
//! from [`Store::article_entities`]), so a search can be narrowed to the
//! articles about one entity ([`SearchRequest::entity`], or `entity:"…"` in
//! the query).
//!
//! English stemming (`en_stem`) is applied to title and text: most corpora
//! here are English, and tantivy 0.27 stems differently from 0.26, so an
//! index written by another tantivy version is rebuilt rather than trusted
//! (see [`SCHEMA_VERSION`]).

mod query_check;

pub use query_check::{check_query, MAX_CLAUSES, MAX_PAREN_DEPTH, MAX_QUERY_CHARS, MAX_UNARY_RUN};

use parallax_model::Article;
use parallax_store::{ArticleSummary, ListQuery, Store, StoreError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument,
    TantivyError, Term,
};

/// Bumped whenever the schema or the analysis changes; an index carrying
/// another version is wiped and rebuilt from the store. 3: the outlet
/// filter field holds [`outlet_key`], not the name as written.
pub const SCHEMA_VERSION: u32 = 3;
/// The outlet filter's term: case and runs of white space ignored.
pub fn outlet_key(outlet: &str) -> String {
    outlet
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// File in the index folder naming the schema version and tantivy version.
const VERSION_FILE: &str = "parallax-search.version";
/// Memory the writer may buffer before flushing a segment.
const WRITER_HEAP: usize = 64 * 1024 * 1024;
/// Summaries listed per store query while syncing (large pages keep the
/// cost of OFFSET paging down).
const LIST_BATCH: usize = 5000;
/// Full articles read and indexed per commit while syncing.
const SYNC_BATCH: usize = 500;
/// Characters of text in a snippet.
const SNIPPET_CHARS: usize = 220;
/// Bytes of an article's text the snippet generator reads. It tokenizes
/// what it is given, so a very long article would cost a request its whole
/// length; matches are nearly always near the start of news text, and a
/// hit with none in this window shows the opening instead.
const SNIPPET_WINDOW: usize = 24 * 1024;
/// Bytes before and after the first likely match that the snippet is cut
/// from (see [`snippet_window`]): tokenizing and stemming every hit's whole
/// text was most of a search's time.
const SNIPPET_LEAD: usize = 320;
const SNIPPET_TAIL: usize = 480;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index at {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: TantivyError,
    },
    #[error("search index: {0}")]
    Tantivy(#[from] TantivyError),
    #[error("cannot prepare the search index folder {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("reading articles to index: {0}")]
    Store(#[from] StoreError),
    #[error("invalid search request: {0}")]
    Invalid(String),
}

/// The search index folder for a database file: `<db>.search` beside it.
pub fn index_dir_for_db(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".search");
    PathBuf::from(name)
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    text: Field,
    outlet: Field,
    outlet_exact: Field,
    language: Field,
    published: Field,
    /// `YYYYMMDD` of the publication date (0 when undated), for newest-first order.
    published_day: Field,
    /// Corpus-wide entity ids, one term each.
    entity: Field,
    fingerprint: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let stemmed = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let plain = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("default")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED | FAST),
        title: builder.add_text_field("title", stemmed.clone()),
        text: builder.add_text_field("text", stemmed),
        outlet: builder.add_text_field("outlet", plain),
        outlet_exact: builder.add_text_field("outlet_exact", STRING),
        language: builder.add_text_field("language", STRING | STORED),
        published: builder.add_text_field("published", STRING | STORED),
        published_day: builder.add_u64_field("published_day", FAST),
        entity: builder.add_text_field("entity", STRING),
        fingerprint: builder.add_u64_field("fingerprint", FAST),
    };
    (builder.build(), fields)
}

/// A fingerprint of the listing columns of an article and its entity ids,
/// the same whether computed from a full [`Article`] or from an
/// [`ArticleSummary`], so a sync can tell changed articles apart without
/// reading every text. An edit that keeps title, outlet, date, language,
/// URL and text length all equal goes unnoticed until the next
/// [`SearchIndex::rebuild_from_store`]; a content hash in [`ArticleSummary`]
/// would close that gap. `entities` must be sorted and deduplicated.
#[allow(clippy::too_many_arguments)]
fn fingerprint(
    id: &str,
    title: Option<&str>,
    outlet: Option<&str>,
    published: Option<&str>,
    language: Option<&str>,
    url: Option<&str>,
    text_chars: u64,
    entities: &[String],
) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(SCHEMA_VERSION.to_le_bytes());
    for part in [Some(id), title, outlet, published, language, url] {
        match part {
            Some(s) => {
                hasher.update([1u8]);
                hasher.update((s.len() as u64).to_le_bytes());
                hasher.update(s.as_bytes());
            }
            None => hasher.update([0u8]),
        }
    }
    hasher.update(text_chars.to_le_bytes());
    hasher.update((entities.len() as u64).to_le_bytes());
    for entity in entities {
        hasher.update((entity.len() as u64).to_le_bytes());
        hasher.update(entity.as_bytes());
    }
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
}

fn article_fingerprint(a: &Article, entities: &[String]) -> u64 {
    fingerprint(
        &a.id,
        a.title.as_deref(),
        a.outlet.as_deref(),
        a.published.as_deref(),
        a.language.as_deref(),
        a.url.as_deref(),
        a.text.chars().count() as u64,
        entities,
    )
}

fn summary_fingerprint(s: &ArticleSummary, entities: &[String]) -> u64 {
    fingerprint(
        &s.id,
        s.title.as_deref(),
        s.outlet.as_deref(),
        s.published.as_deref(),
        s.language.as_deref(),
        s.url.as_deref(),
        s.text_chars,
        entities,
    )
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchOrder {
    /// Best match first (BM25, title matches count double).
    #[default]
    Relevance,
    /// Newest publication date first, undated last.
    Newest,
}

/// One search request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Query in tantivy syntax: words, `"exact phrases"`, `+must -not`,
    /// `title:word`, `entity:"person:chris williamson"`. Syntax errors are
    /// forgiven (the parts that parse are used). May be blank when
    /// [`SearchRequest::entity`] is set: then every article about it matches.
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    /// Only articles from this outlet: the name as stored, in any case and
    /// spacing (callers turn an alias into the name first; this crate
    /// knows nothing of the outlet registry).
    pub outlet: Option<String>,
    /// Only articles in this language (ISO 639-1).
    pub language: Option<String>,
    /// Only articles mentioning this corpus-wide entity (exact id).
    #[serde(default)]
    pub entity: Option<String>,
    #[serde(default)]
    pub order: SearchOrder,
    /// Hits without a snippet (empty): for counting matches by outlet and
    /// day, where cutting passages would be most of the work.
    #[serde(default)]
    pub bare: bool,
    /// Only articles published on or after / before this day
    /// (`YYYY-MM-DD`); undated articles match no date bound.
    #[serde(default)]
    pub published_from: Option<String>,
    #[serde(default)]
    pub published_to: Option<String>,
    /// Only articles of one of these outlets (names as stored, any case);
    /// an empty list matches nothing. Callers turn a lean into the
    /// outlets of that side: this crate knows nothing of ratings.
    #[serde(default)]
    pub outlets: Option<Vec<String>>,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>, limit: usize) -> Self {
        SearchRequest {
            query: query.into(),
            limit,
            offset: 0,
            outlet: None,
            language: None,
            entity: None,
            order: SearchOrder::Relevance,
            bare: false,
            published_from: None,
            published_to: None,
            outlets: None,
        }
    }
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub score: f32,
    /// A passage of the clean text around the matches (plain text).
    pub snippet: String,
    /// Byte ranges of matched words inside `snippet`.
    pub highlights: Vec<Range<usize>>,
}

/// A page of hits with the total number of matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

/// What a sync changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// Articles (re)indexed because they were new or changed.
    pub indexed: usize,
    /// Index entries removed because their article left the store.
    pub removed: usize,
    /// Articles already up to date.
    pub unchanged: usize,
}

/// A tantivy index of articles. Cheap to share behind an `Arc`: searches
/// run concurrently; writes are serialised by an internal lock (and, across
/// processes, by tantivy's own lock file, which makes a second writer fail
/// rather than corrupt anything).
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Built once: it only depends on the schema and tokenizers.
    parser: QueryParser,
    path: PathBuf,
    write_lock: Mutex<()>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("path", &self.path)
            .finish()
    }
}

fn version_stamp() -> String {
    format!(
        "schema {SCHEMA_VERSION}, tantivy {}\n",
        tantivy::version_string()
    )
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the folder and an empty index if
    /// needed. An index from another schema or tantivy version is wiped
    /// (it is only a cache of the store); call
    /// [`SearchIndex::sync_from_store`] to fill it.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<SearchIndex, SearchError> {
        let path = dir.as_ref().to_path_buf();
        let io_err = |source| SearchError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&path).map_err(io_err)?;
        let stamp_path = path.join(VERSION_FILE);
        let stamp = std::fs::read_to_string(&stamp_path).ok();
        let has_index = path.join("meta.json").exists();
        if has_index && stamp.as_deref() != Some(version_stamp().as_str()) {
            wipe_index_files(&path).map_err(io_err)?;
        }
        let (schema, fields) = build_schema();
        let index_err = |source| SearchError::Index {
            path: path.clone(),
            source,
        };
        let directory = MmapDirectory::open(&path).map_err(|e| index_err(TantivyError::from(e)))?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            Ok(index) => index,
            // A schema mismatch means an index from some older build whose
            // stamp matched by accident; it is a cache, so start over.
            Err(TantivyError::SchemaError(_)) => {
                wipe_index_files(&path).map_err(io_err)?;
                let directory =
                    MmapDirectory::open(&path).map_err(|e| index_err(TantivyError::from(e)))?;
                Index::open_or_create(directory, schema).map_err(index_err)?
            }
            Err(e) => return Err(index_err(e)),
        };
        std::fs::write(&stamp_path, version_stamp()).map_err(io_err)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(index_err)?;
        let parser = query_parser(&index, &fields);
        Ok(SearchIndex {
            index,
            reader,
            fields,
            parser,
            path,
            write_lock: Mutex::new(()),
        })
    }

    /// An index held in memory only, for tests and one-shot runs.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let parser = query_parser(&index, &fields);
        Ok(SearchIndex {
            index,
            reader,
            fields,
            parser,
            path: PathBuf::from(":memory:"),
            write_lock: Mutex::new(()),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of indexed articles.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn writer(&self) -> Result<IndexWriter, SearchError> {
        self.index
            .writer_with_num_threads(1, WRITER_HEAP)
            .map_err(|source| SearchError::Index {
                path: self.path.clone(),
                source,
            })
    }

    /// `entities` sorted and deduplicated.
    fn document(&self, a: &Article, entities: &[String]) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &a.id);
        if let Some(title) = &a.title {
            doc.add_text(f.title, title);
        }
        doc.add_text(f.text, &a.text);
        if let Some(outlet) = &a.outlet {
            doc.add_text(f.outlet, outlet);
            doc.add_text(f.outlet_exact, outlet_key(outlet));
        }
        if let Some(language) = &a.language {
            doc.add_text(f.language, language);
        }
        if let Some(published) = &a.published {
            doc.add_text(f.published, published);
        }
        doc.add_u64(
            f.published_day,
            a.published.as_deref().map_or(0, day_number),
        );
        for entity in entities {
            doc.add_text(f.entity, entity);
        }
        doc.add_u64(f.fingerprint, article_fingerprint(a, entities));
        doc
    }

    /// Adds or replaces articles by id (indexing the same article twice
    /// leaves one entry) and commits, so they are searchable on return.
    /// They carry no entities; [`SearchIndex::index_articles_with_entities`]
    /// adds those (and a sync adds them from the store).
    pub fn index_articles(&self, articles: &[Article]) -> Result<(), SearchError> {
        let items: Vec<(&Article, Vec<String>)> =
            articles.iter().map(|a| (a, Vec::new())).collect();
        self.index_articles_with_entities(&items)
    }

    /// Like [`SearchIndex::index_articles`], each article with the
    /// corpus-wide ids of the entities it mentions (any order, repeats
    /// allowed).
    pub fn index_articles_with_entities(
        &self,
        articles: &[(&Article, Vec<String>)],
    ) -> Result<(), SearchError> {
        self.write(|writer, index| {
            for (article, entities) in articles {
                let mut entities = entities.clone();
                entities.sort_unstable();
                entities.dedup();
                writer.delete_term(Term::from_field_text(index.fields.id, &article.id));
                writer.add_document(index.document(article, &entities))?;
            }
            Ok(())
        })
    }

    /// Removes articles by id and commits.
    pub fn remove(&self, ids: &[String]) -> Result<(), SearchError> {
        self.write(|writer, index| {
            for id in ids {
                writer.delete_term(Term::from_field_text(index.fields.id, id));
            }
            Ok(())
        })
    }

    fn write(
        &self,
        edit: impl FnOnce(&mut IndexWriter, &SearchIndex) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let _guard = self
            .write_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut writer = self.writer()?;
        edit(&mut writer, self)?;
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Id → fingerprint of every live indexed document.
    fn indexed_fingerprints(&self) -> Result<HashMap<String, u64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::new();
        let mut id = String::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let Some(ids) = fast.str("id")? else {
                continue;
            };
            let prints = fast.u64("fingerprint")?;
            for doc in segment.doc_ids_alive() {
                let Some(ord) = ids.term_ords(doc).next() else {
                    continue;
                };
                id.clear();
                if !ids.ord_to_str(ord, &mut id).map_err(TantivyError::from)? {
                    continue;
                }
                let print = prints.first(doc).unwrap_or(0);
                out.insert(id.clone(), print);
            }
        }
        Ok(out)
    }

    /// Brings the index in line with the store: indexes new and changed
    /// articles, drops entries whose article is gone. Cheap when nothing
    /// changed (one pass over the article listing).
    pub fn sync_from_store(&self, store: &dyn Store) -> Result<SyncReport, SearchError> {
        let mut indexed = self.indexed_fingerprints()?;
        let entities = entity_ids_by_article(store)?;
        let no_entities: Vec<String> = Vec::new();
        let entities_of = |id: &str| entities.get(id).unwrap_or(&no_entities);
        let mut report = SyncReport::default();
        let mut stale: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut offset = 0;
        loop {
            let page = store.list(&ListQuery {
                limit: LIST_BATCH,
                offset,
                ..ListQuery::default()
            })?;
            let page_len = page.len();
            for summary in page {
                match indexed.remove(&summary.id) {
                    Some(print)
                        if print == summary_fingerprint(&summary, entities_of(&summary.id)) =>
                    {
                        report.unchanged += 1
                    }
                    _ => stale.push(summary.id.clone()),
                }
                seen.insert(summary.id);
            }
            if page_len < LIST_BATCH {
                break;
            }
            offset += page_len;
        }
        // What is left was not in the store listing.
        let gone: Vec<String> = indexed
            .into_keys()
            .filter(|id| !seen.contains(id))
            .collect();
        report.removed = gone.len();
        if !gone.is_empty() {
            self.remove(&gone)?;
        }
        for chunk in stale.chunks(SYNC_BATCH) {
            let mut articles = Vec::with_capacity(chunk.len());
            for id in chunk {
                // Deleted between listing and reading: the next sync drops it.
                if let Some(article) = store.get(id)? {
                    articles.push(article);
                }
            }
            report.indexed += articles.len();
            let items: Vec<(&Article, Vec<String>)> = articles
                .iter()
                .map(|a| (a, entities_of(&a.id).clone()))
                .collect();
            self.index_articles_with_entities(&items)?;
        }
        Ok(report)
    }

    /// Indexes the named articles as the store holds them now, each with
    /// its corpus-wide entity ids; a named article the store no longer has
    /// is dropped. This is how a server follows a queue's "article stored"
    /// events without listing the whole store; returns how many were
    /// indexed.
    pub fn index_from_store(
        &self,
        store: &dyn Store,
        ids: &[String],
    ) -> Result<usize, SearchError> {
        let mut indexed = 0;
        for chunk in ids.chunks(SYNC_BATCH) {
            let articles = store.get_many(chunk)?;
            let present: HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
            let gone: Vec<String> = chunk
                .iter()
                .filter(|id| !present.contains(String::as_str(id)))
                .cloned()
                .collect();
            if !gone.is_empty() {
                self.remove(&gone)?;
            }
            let mut items = Vec::with_capacity(articles.len());
            for article in &articles {
                let entities: Vec<String> = store
                    .article_entities(&article.id)?
                    .into_iter()
                    .filter_map(|row| row.entity_id)
                    .collect();
                items.push((article, entities));
            }
            indexed += items.len();
            self.index_articles_with_entities(&items)?;
        }
        Ok(indexed)
    }

    /// Empties the index and indexes every stored article again.
    pub fn rebuild_from_store(&self, store: &dyn Store) -> Result<SyncReport, SearchError> {
        self.write(|writer, _| {
            writer.delete_all_documents()?;
            Ok(())
        })?;
        self.sync_from_store(store)
    }

    /// The best `limit` matches for `query`.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, SearchError> {
        Ok(self.search_with(&SearchRequest::new(query, limit))?.hits)
    }

    /// A page of matches with filters and the total count. A blank query
    /// matches nothing, unless an entity is given: then it matches every
    /// article about that entity.
    pub fn search_with(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        if request.limit == 0 {
            return Err(SearchError::Invalid("limit must be at least 1".into()));
        }
        let blank = request.query.trim().is_empty();
        if blank && request.entity.is_none() {
            return Ok(SearchResults {
                total: 0,
                hits: Vec::new(),
            });
        }
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(4);
        if !blank {
            // Before parsing: tantivy's parser recurses per nesting level
            // and a deep query would overflow the stack (see query_check).
            check_query(&request.query)?;
            let (text_query, _errors) = self.parser.parse_query_lenient(&request.query);
            clauses.push((Occur::Must, text_query));
        }
        let mut filter = |field: Field, value: &Option<String>| {
            if let Some(v) = value {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, v),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        };
        filter(f.outlet_exact, &request.outlet.as_deref().map(outlet_key));
        filter(f.language, &request.language);
        filter(f.entity, &request.entity);
        if let Some(outlets) = &request.outlets {
            if outlets.is_empty() {
                return Ok(SearchResults {
                    total: 0,
                    hits: Vec::new(),
                });
            }
            let any: Vec<(Occur, Box<dyn Query>)> = outlets
                .iter()
                .map(|o| {
                    let term: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(f.outlet_exact, &outlet_key(o)),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, term)
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if request.published_from.is_some() || request.published_to.is_some() {
            // Undated articles carry day 0, below every real bound.
            let from = request
                .published_from
                .as_deref()
                .map_or(1, day_number)
                .max(1);
            let to = request
                .published_to
                .as_deref()
                .map_or(u64::MAX, |d| match day_number(d) {
                    0 => u64::MAX,
                    n => n,
                });
            clauses.push((
                Occur::Must,
                Box::new(tantivy::query::RangeQuery::new(
                    std::ops::Bound::Included(Term::from_field_u64(f.published_day, from)),
                    std::ops::Bound::Included(Term::from_field_u64(f.published_day, to)),
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);

        let searcher = self.reader.searcher();
        let top_docs = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let (top, total): (Vec<(f32, DocAddress)>, usize) = match request.order {
            SearchOrder::Relevance => {
                searcher.search(&query, &(top_docs.order_by_score(), Count))?
            }
            SearchOrder::Newest => {
                let (top, total) = searcher.search(
                    &query,
                    &(
                        top_docs.order_by_u64_field("published_day", Order::Desc),
                        Count,
                    ),
                )?;
                // Ordered by date, a hit has no relevance score to show.
                (top.into_iter().map(|(_, a)| (0.0, a)).collect(), total)
            }
        };
        if top.is_empty() {
            return Ok(SearchResults {
                total,
                hits: Vec::new(),
            });
        }
        // Snippets mark the words the text query asked for (the filters
        // match no words of the text).
        let snippets = if blank || request.bare {
            None
        } else {
            let mut generator = SnippetGenerator::create(&searcher, &query, f.text)?;
            generator.set_max_num_chars(SNIPPET_CHARS);
            Some((generator, snippet_needles(&query, f.text)))
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let take = |field: Field| -> Option<String> {
                Some(doc.get_first(field)?.as_str()?.to_string())
            };
            let text = if request.bare {
                String::new()
            } else {
                take(f.text).unwrap_or_default()
            };
            let snippet = snippets
                .as_ref()
                .map(|(generator, needles)| generator.snippet(snippet_window(&text, needles)))
                .filter(|s| !s.is_empty());
            let (snippet, highlights) = match snippet {
                Some(snippet) => (
                    snippet.fragment().to_string(),
                    snippet.highlighted().to_vec(),
                ),
                // Matched on title, outlet or entity only: show the opening.
                None => (opening(&text, SNIPPET_CHARS).to_string(), Vec::new()),
            };
            hits.push(SearchHit {
                id: take(f.id).unwrap_or_default(),
                title: take(f.title),
                outlet: take(f.outlet),
                published: take(f.published),
                score,
                snippet,
                highlights,
            });
        }
        Ok(SearchResults { total, hits })
    }
}

/// The query parser over title (boosted), text and outlet, ANDing words.
fn query_parser(index: &Index, f: &Fields) -> QueryParser {
    let mut parser = QueryParser::for_index(index, vec![f.title, f.text, f.outlet]);
    parser.set_field_boost(f.title, 2.0);
    parser.set_conjunction_by_default();
    parser
}

/// Every article's corpus-wide entity ids (sorted, deduplicated), read in
/// one query: the sync compares them with what the index holds.
fn entity_ids_by_article(store: &dyn Store) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for row in store.all_article_entities()? {
        if let Some(id) = row.entity_id {
            out.entry(row.article_id).or_default().push(id);
        }
    }
    for ids in out.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    Ok(out)
}

/// What the text terms of `query` (stemmed, lowercase) look like in the
/// text they came from: their first characters (a stem can differ from
/// the word in its last letter, `ferri` for `ferry`), at least three.
fn snippet_needles(query: &dyn Query, field: Field) -> Vec<String> {
    let mut needles: Vec<String> = Vec::new();
    query.query_terms(&mut |term, _| {
        if term.field() != field {
            return;
        }
        if let Some(stem) = term.value().as_str() {
            let keep = stem.chars().count().saturating_sub(1).max(3);
            let needle: String = stem.chars().take(keep).collect();
            if !needle.is_empty() && !needles.contains(&needle) {
                needles.push(needle);
            }
        }
    });
    needles
}

/// The part of `text` to make the snippet from: around the first place a
/// needle occurs, cut at spaces; the first [`SNIPPET_WINDOW`] bytes when
/// none does (the generator then decides).
fn snippet_window<'a>(text: &'a str, needles: &[String]) -> &'a str {
    let window = prefix(text, SNIPPET_WINDOW);
    if needles.is_empty() {
        return window;
    }
    // ASCII lowercasing keeps byte offsets; needles are lowercase already.
    let lower = window.to_ascii_lowercase();
    let Some(at) = needles.iter().filter_map(|n| lower.find(n.as_str())).min() else {
        return window;
    };
    let mut start = at.saturating_sub(SNIPPET_LEAD);
    while !window.is_char_boundary(start) {
        start += 1;
    }
    if start > 0 {
        // Begin after a space, so no word is cut.
        start = window[start..at]
            .find(char::is_whitespace)
            .map_or(at, |space| start + space + 1);
    }
    let mut end = (at + SNIPPET_TAIL).min(window.len());
    while !window.is_char_boundary(end) {
        end -= 1;
    }
    if end < window.len() {
        end = window[at..end]
            .rfind(char::is_whitespace)
            .map_or(end, |space| at + space);
    }
    window.get(start..end).unwrap_or(window)
}

/// `YYYYMMDD` of a date written `YYYY-MM-DD…`; 0 when it is not one.
fn day_number(published: &str) -> u64 {
    let digits = |range: Range<usize>| -> Option<u64> {
        let part = published.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let bytes = published.as_bytes();
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return 0;
    }
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => y * 10_000 + m * 100 + d,
        _ => 0,
    }
}

/// At most `max_bytes` of `text`, cut on a character boundary.
fn prefix(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut cut = max_bytes;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// The first `max_chars` characters of `text`, cut at a word boundary.
fn opening(text: &str, max_chars: usize) -> &str {
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return text;
    };
    let head = &text[..cut];
    match head.rfind(char::is_whitespace) {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    }
}

/// Removes tantivy's files (and our stamp) from an index folder, leaving
/// anything else a user may have put there.
fn wipe_index_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name == "meta.json"
            || name == ".managed.json"
            || name == VERSION_FILE
            || name.ends_with(".lock")
            || is_segment_file(&name);
        if ours && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Segment files are `<32 hex digits>.<ext>` (optionally `.<opstamp>.del`).
fn is_segment_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && name.contains('.')
}

#[cfg(test)]
mod tests;
