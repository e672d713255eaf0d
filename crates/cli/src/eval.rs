//! `parallax eval …`: quality against labelled public data. Each evaluator
//! lives in the crate it measures; this only picks one and prints.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    what: EvalWhat,
}

#[derive(Subcommand)]
enum EvalWhat {
    /// HTML main-content extraction on the article-extraction benchmark
    /// (4-gram shingle precision/recall/F1, averaged over pages).
    Aeb {
        /// AEB folder holding `html/` and `ground-truth.json`.
        #[arg(default_value = "../shared/data/aeb")]
        dir: PathBuf,
        #[command(flatten)]
        score: ScoreArgs,
    },
    /// HTML main-content extraction on a page folder (`html/<id>.html.gz`
    /// with `gold/<id>.txt`, e.g. ../shared/data/pages/dragnet), scored
    /// with the AEB metric: 4-gram shingle precision/recall averaged over
    /// pages.
    Pages {
        /// Folder holding `html/`, `gold/` and (optionally) `index.json`.
        dir: PathBuf,
        #[command(flatten)]
        score: ScoreArgs,
    },
    /// Named-entity tagging on a CoNLL-2003 file: entity-level P/R/F1.
    Ner {
        /// e.g. ../shared/data/conll2003/dev.txt
        file: PathBuf,
    },
    /// Quotes and attributions on PolNeAR (brat standoff): span-overlap
    /// P/R/F1 for direct quotes and for all attributions, speaker accuracy.
    Quotes {
        /// A split folder (e.g. ../shared/data/polnear/dev) or the PolNeAR root.
        dir: PathBuf,
    },
    /// Outlet resolution on a labelled set's publisher column (PolNeAR's
    /// `metadata.tsv`): the share of articles whose outlet resolves, and
    /// the share that carry at least one cited rating.
    Outlets {
        /// A TSV with a `publisher` (or `outlet`) column, or a folder
        /// holding `metadata.tsv` (e.g. ../shared/data/polnear).
        path: PathBuf,
    },
    /// Cross-article fact links on ECB+ same-event sentence pairs: each
    /// sub-topic compared on its own, precision and recall of the sentence
    /// pairs the facts matrix links.
    Facts {
        /// e.g. ../shared/data/events/ecb_dev_fact_pairs.json
        pairs: PathBuf,
        /// The article texts (default: `ecb_dev.jsonl` beside PAIRS).
        #[arg(long)]
        articles: Option<PathBuf>,
    },
    /// Narrator voice (loaded words and scare quotes the outlet uses in its
    /// own voice): on PTC, span precision/recall/F1 against the loaded-
    /// language spans outside direct speech; on BABE, sentence macro-F1
    /// (a flagged sentence is predicted biased). Give a PTC folder, the
    /// BABE JSONL, or neither for both under ../shared/data/loaded.
    Voice {
        /// `…/loaded/ptc` (holding `spans.json`) or `…/babe_sentences.jsonl`.
        path: Option<PathBuf>,
        /// BABE only: keep one group (`SG1`, `SG2`).
        #[arg(long)]
        group: Option<String>,
    },
    /// Story events on a labelled article set (JSONL of `id`, `text`,
    /// optional `title`, `date`, `outlet`; labels `{id: event}`), fed to
    /// the story engine as one stream: B-cubed P/R/F1 of its events and
    /// stories, and the number of each.
    Events {
        /// e.g. ../shared/data/events/ecb_dev.jsonl
        file: PathBuf,
        /// e.g. ../shared/data/events/ecb_dev_labels.json (default: the
        /// file's name with `_labels.json` for `.jsonl`).
        labels: Option<PathBuf>,
    },
    /// Event clustering on MStream-style JSONL (`clusterNo`, `textCleaned`):
    /// NMI, pairwise and B-cubed P/R/F1.
    Clusters {
        /// e.g. ../shared/data/mstream/News.jsonl
        file: PathBuf,
    },
}

pub fn eval(args: EvalArgs) -> Result<ExitCode> {
    match args.what {
        EvalWhat::Aeb { dir, score } => {
            let pages = parallax_html::eval::load_aeb(&dir)
                .with_context(|| format!("reading AEB pages in {}", dir.display()))?;
            score_pages("AEB", &dir, &pages, &score)?;
        }
        EvalWhat::Pages { dir, score } => {
            let pages = parallax_html::eval::load_any(&dir)
                .with_context(|| format!("reading pages in {}", dir.display()))?;
            anyhow::ensure!(!pages.is_empty(), "{}: no pages to score", dir.display());
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| dir.display().to_string());
            score_pages(&name, &dir, &pages, &score)?;
        }
        EvalWhat::Ner { file } => {
            let scores = parallax_extract::eval_conll(&file)
                .with_context(|| format!("evaluating the tagger on {}", file.display()))?;
            println!("{scores}");
        }
        EvalWhat::Outlets { path } => {
            let file = if path.is_dir() {
                path.join("metadata.tsv")
            } else {
                path.clone()
            };
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let mut lines = text.lines();
            let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
            let col = header
                .iter()
                .position(|h| matches!(*h, "publisher" | "outlet"))
                .with_context(|| {
                    format!("{}: no `publisher` or `outlet` column", file.display())
                })?;
            // Given a folder, only the articles it holds count (PolNeAR's
            // metadata also lists PARC rows whose texts are not there).
            let name_col = header.iter().position(|h| *h == "filename");
            let held = |name: &str| -> bool {
                if !path.is_dir() {
                    return true;
                }
                std::fs::read_dir(&path)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .any(|split| {
                        let text = split.path().join("text");
                        text.join(name).exists() || text.join(format!("{name}.txt")).exists()
                    })
            };
            let publishers: Vec<&str> = lines
                .filter(|l| match name_col.and_then(|i| l.split('\t').nth(i)) {
                    Some(name) => held(name),
                    None => true,
                })
                .filter_map(|l| l.split('\t').nth(col))
                .filter(|p| !p.trim().is_empty())
                .collect();
            let c = parallax_outlets::current().coverage(publishers.iter().copied());
            let pct = |n: usize| 100.0 * n as f64 / c.articles.max(1) as f64;
            println!(
                "{} articles: outlet resolved {} ({:.1}%), with a cited rating {} ({:.1}%)",
                c.articles,
                c.resolved,
                pct(c.resolved),
                c.rated,
                pct(c.rated)
            );
            for (spelling, n) in c.unresolved.iter().take(20) {
                println!("  unresolved: {spelling:?} × {n}");
            }
        }
        EvalWhat::Quotes { dir } => {
            let scores = parallax_extract::eval_polnear(&dir)
                .with_context(|| format!("evaluating quotes on {}", dir.display()))?;
            println!("{scores}");
        }
        EvalWhat::Facts { pairs, articles } => {
            let articles = articles.unwrap_or_else(|| pairs.with_file_name("ecb_dev.jsonl"));
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "comparing [{bar:30}] {pos}/{len} sub-topics  eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let scores = parallax_pipeline::eval_facts(&pairs, &articles, &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("evaluating facts on {}", pairs.display()))?;
            bar.finish_and_clear();
            println!("{scores}");
        }
        EvalWhat::Voice { path, group } => {
            let root = PathBuf::from("../shared/data/loaded");
            let paths = match path {
                Some(p) => vec![p],
                None => vec![root.join("ptc"), root.join("babe_sentences.jsonl")],
            };
            for p in paths {
                let bar = indicatif::ProgressBar::new(0);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "flagging [{bar:30}] {pos}/{len}  eta {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                let progress = |done: usize, total: usize| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                };
                if p.is_dir() {
                    let scores = parallax_pipeline::eval_voice_ptc(&p, &progress)
                        .map_err(anyhow::Error::msg)
                        .with_context(|| format!("evaluating voice on PTC {}", p.display()))?;
                    bar.finish_and_clear();
                    println!("PTC {}\n{scores}", p.display());
                } else {
                    let scores =
                        parallax_pipeline::eval_voice_babe(&p, group.as_deref(), &progress)
                            .map_err(anyhow::Error::msg)
                            .with_context(|| format!("evaluating voice on BABE {}", p.display()))?;
                    bar.finish_and_clear();
                    println!("BABE {}\n{scores}", p.display());
                }
            }
        }
        EvalWhat::Events { file, labels } => {
            let labels = labels.unwrap_or_else(|| parallax_cluster::default_labels_path(&file));
            let set =
                parallax_cluster::load_labelled_articles(&file, &labels).with_context(|| {
                    format!(
                        "reading {} with labels {}",
                        file.display(),
                        labels.display()
                    )
                })?;
            let config = parallax_pipeline::story_config().map_err(anyhow::Error::msg)?;
            let report = parallax_cluster::evaluate_events(&set, &config)
                .context("the story engine refused its default settings")?;
            println!("{report}");
        }
        EvalWhat::Clusters { file } => {
            let config = parallax_cluster::ClusterConfig::default();
            let report = parallax_cluster::evaluate_mstream(&file, &config)
                .with_context(|| format!("evaluating clusters on {}", file.display()))?;
            println!("{report}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How `eval aeb` and `eval pages` score: which Parallax path, which
/// reference extractor beside it, and where the outputs go.
#[derive(Args)]
struct ScoreArgs {
    /// Score the HTML extractor alone, without the ingest decoding and text
    /// cleaning that `parallax clean` applies around it.
    #[arg(long)]
    extractor_only: bool,
    /// Also run a reference extractor on the same pages in the same run and
    /// score its output with the same metric code. `trafilatura` runs
    /// trafilatura 2.3.1 from the Python venv `bench/.venv` (created on first
    /// use; override with PARALLAX_BENCH_VENV).
    #[arg(long, value_enum)]
    baseline: Option<Baseline>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Write each engine's texts (`<engine>.json`, id → text) and per-page
    /// counts (`pages.tsv`) into this folder, for looking at failures.
    #[arg(long)]
    save: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Baseline {
    Trafilatura,
}

/// The version the baseline was measured with before (bench/html.sh).
const TRAFILATURA_VERSION: &str = "2.3.1";
const TRAFILATURA_SCRIPT: &str = include_str!("../../../bench/trafilatura_pages.py");

/// One engine's figures on a set of pages.
struct EngineRun {
    name: String,
    /// Short name for files under `--save`.
    key: &'static str,
    counts: Vec<parallax_html::eval::ShingleCounts>,
    texts: Option<std::collections::HashMap<String, String>>,
    seconds: f64,
    /// Pages the engine returned nothing for (errors, no article).
    failed: usize,
}

fn score_pages(
    set: &str,
    dir: &Path,
    pages: &[parallax_html::eval::AebPage],
    args: &ScoreArgs,
) -> Result<()> {
    use parallax_html::eval::{aggregate, excluded, score_texts};
    let mut runs = vec![parallax_run(
        pages,
        args.extractor_only,
        args.save.is_some(),
    )];
    let mut provenance = None;
    if args.extractor_only {
        // The extractor's own runner also checks block provenance.
        let report = parallax_html::eval::evaluate(pages);
        provenance = Some((report.blocks, report.located, report.verified));
    }
    if let Some(Baseline::Trafilatura) = args.baseline {
        match trafilatura_texts(dir, pages) {
            Ok((texts, seconds, version, errors)) => {
                let counts = score_texts(pages, &texts);
                // A page it raised on is stored as an empty text.
                let failed = pages
                    .iter()
                    .filter(|p| texts.get(&p.id).is_none_or(|t| t.trim().is_empty()))
                    .count();
                if errors > 0 {
                    eprintln!("trafilatura raised on {errors} pages (scored as empty)");
                }
                runs.push(EngineRun {
                    name: format!("trafilatura {version}"),
                    key: "trafilatura",
                    counts,
                    texts: Some(texts),
                    seconds,
                    failed,
                });
            }
            Err(e) => eprintln!("{e:#}\ncontinuing with Parallax's figures only."),
        }
    }

    if let Some(out) = &args.save {
        save_runs(out, pages, &runs)?;
    }

    let rows: Vec<_> = runs
        .iter()
        .map(|r| (r, aggregate(&r.counts), excluded(&r.counts)))
        .collect();
    let n = pages.len();
    if args.json {
        let engines: Vec<_> = rows
            .iter()
            .map(|(r, s, x)| {
                serde_json::json!({
                    "engine": r.name,
                    "f1": s.f1,
                    "precision": s.precision,
                    "recall": s.recall,
                    "precision_pages": n - x.from_precision,
                    "recall_pages": n - x.from_recall,
                    "excluded_from_precision": x.from_precision,
                    "excluded_from_recall": x.from_recall,
                    "without_output": r.failed,
                    "seconds": r.seconds,
                })
            })
            .collect();
        let out = serde_json::json!({
            "set": set,
            "dir": dir.display().to_string(),
            "pages": n,
            "engines": engines,
        });
        println!("{out}");
        return Ok(());
    }
    println!(
        "{set}: {n} pages ({}), word 4-gram shingle P/R averaged over pages, F1 of the means",
        dir.display()
    );
    let width = rows.iter().map(|(r, _, _)| r.name.len()).max().unwrap_or(6);
    println!(
        "{:<width$}  {:>6}  {:>6}  {:>6}  {:>7}  {:>7}  {:>9}",
        "engine", "F1", "P", "R", "P pages", "R pages", "pages/s"
    );
    for (r, s, x) in &rows {
        println!(
            "{:<width$}  {:.4}  {:.4}  {:.4}  {:>7}  {:>7}  {:>9.0}",
            r.name,
            s.f1,
            s.precision,
            s.recall,
            n - x.from_precision,
            n - x.from_recall,
            n as f64 / r.seconds.max(1e-9)
        );
    }
    for (r, _, x) in &rows {
        println!(
            "{}: excluded from P {} (no extracted shingles), from R {} (no expected shingles); {} without output",
            r.key, x.from_precision, x.from_recall, r.failed
        );
    }
    if let Some((blocks, located, verified)) = provenance {
        println!(
            "provenance: {blocks} blocks, {located} with a source range, {verified} verified exact"
        );
    }
    Ok(())
}

/// Parallax's bodies: by default what `parallax clean` outputs (ingest
/// decoding, HTML extraction and text cleaning together, as a user gets
/// it); with `extractor_only`, the HTML extractor's blocks alone.
fn parallax_run(
    pages: &[parallax_html::eval::AebPage],
    extractor_only: bool,
    keep_texts: bool,
) -> EngineRun {
    use parallax_html::eval::compare;
    let limits = parallax_ingest::Limits::default();
    let opts = parallax_html::Options::default();
    let start = std::time::Instant::now();
    let mut counts = Vec::with_capacity(pages.len());
    let mut texts = keep_texts.then(std::collections::HashMap::new);
    let mut failed = 0;
    for page in pages {
        let text = if extractor_only {
            parallax_html::extract_with(&page.html, Some(&page.url), &opts)
                .ok()
                .map(|p| parallax_html::eval::body_text(&p))
        } else {
            let name = format!("{}.html", page.id);
            parallax_ingest::read_bytes(&name, page.html.as_bytes(), &limits)
                .into_iter()
                .filter_map(|r| r.ok())
                .filter_map(|raw| parallax_clean::clean(&raw).ok())
                .map(|a| a.text)
                .next()
        };
        let text = text.unwrap_or_else(|| {
            failed += 1;
            String::new()
        });
        counts.push(compare(&page.expected, &text));
        if let Some(t) = &mut texts {
            t.insert(page.id.clone(), text);
        }
    }
    EngineRun {
        name: if extractor_only {
            "parallax (extractor only)".into()
        } else {
            "parallax (ingest + extract + clean)".into()
        },
        key: "parallax",
        counts,
        texts,
        seconds: start.elapsed().as_secs_f64(),
        failed,
    }
}

fn save_runs(out: &Path, pages: &[parallax_html::eval::AebPage], runs: &[EngineRun]) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for r in runs {
        if let Some(texts) = &r.texts {
            let sorted: std::collections::BTreeMap<_, _> = texts.iter().collect();
            let path = out.join(format!("{}.json", r.key));
            std::fs::write(&path, serde_json::to_string(&sorted)?)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    let mut tsv = String::from("id\turl");
    for r in runs {
        for col in ["tp", "fp", "fn", "p", "r", "f1"] {
            tsv.push_str(&format!("\t{}_{col}", r.key));
        }
    }
    tsv.push('\n');
    let fmt = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v:.4}"));
    for (i, page) in pages.iter().enumerate() {
        tsv.push_str(&format!("{}\t{}", page.id, page.url));
        for r in runs {
            let c = r.counts[i];
            let f1 = match (c.precision(), c.recall()) {
                (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
                (Some(_), Some(_)) => Some(0.0),
                _ => None,
            };
            tsv.push_str(&format!(
                "\t{}\t{}\t{}\t{}\t{}\t{}",
                c.tp,
                c.fp,
                c.fn_,
                fmt(c.precision()),
                fmt(c.recall()),
                fmt(f1)
            ));
        }
        tsv.push('\n');
    }
    let path = out.join("pages.tsv");
    std::fs::write(&path, tsv).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote per-page figures and texts to {}", out.display());
    Ok(())
}

/// The `bench/` folder: beside the working directory when run from the
/// repository root, else the one this binary was built from.
fn bench_dir() -> PathBuf {
    let here = PathBuf::from("bench");
    if here.join("html.sh").exists() {
        return here;
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench");
    if built.join("html.sh").exists() {
        built
    } else {
        here
    }
}

const VENV_HINT: &str = "to set it up by hand, run from the repository root:\n  \
    python3 -m venv bench/.venv && bench/.venv/bin/pip install 'trafilatura==2.3.1' lxml_html_clean";

/// The venv's Python with trafilatura importable, creating the venv (as
/// bench/html.sh does) when it is missing.
fn trafilatura_python() -> Result<PathBuf> {
    let venv = std::env::var_os("PARALLAX_BENCH_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| bench_dir().join(".venv"));
    let python = venv.join("bin/python");
    let pip_install = || -> Result<()> {
        let status = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "-q",
                &format!("trafilatura=={TRAFILATURA_VERSION}"),
                "lxml_html_clean",
            ])
            .status()
            .with_context(|| format!("running {}/bin/pip", venv.display()))?;
        anyhow::ensure!(status.success(), "pip install failed ({status})");
        Ok(())
    };
    let setup_failed = |what: &str, e: anyhow::Error| {
        anyhow::anyhow!(
            "trafilatura baseline skipped: {what} in {}: {e:#}\n{VENV_HINT}",
            venv.display()
        )
    };
    if !python.exists() {
        eprintln!(
            "creating the Python venv {} with trafilatura {TRAFILATURA_VERSION} (once)…",
            venv.display()
        );
        let status = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .context("running python3 (is Python 3 installed?)")
            .and_then(|s| {
                anyhow::ensure!(s.success(), "python3 -m venv failed ({s})");
                Ok(())
            });
        status.map_err(|e| setup_failed("could not create the venv", e))?;
        pip_install().map_err(|e| setup_failed("could not install trafilatura", e))?;
    }
    let version = || {
        Command::new(&python)
            .args(["-c", "import trafilatura; print(trafilatura.__version__)"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let found = match version() {
        Some(v) => v,
        None => {
            eprintln!(
                "trafilatura is not importable from {}; installing it…",
                venv.display()
            );
            pip_install().map_err(|e| setup_failed("could not install trafilatura", e))?;
            version().ok_or_else(|| {
                setup_failed(
                    "trafilatura still does not import",
                    anyhow::anyhow!("after pip install"),
                )
            })?
        }
    };
    if found != TRAFILATURA_VERSION {
        eprintln!(
            "warning: {} has trafilatura {found}, the baseline was measured with \
             {TRAFILATURA_VERSION}; run {}/bin/pip install 'trafilatura=={TRAFILATURA_VERSION}'",
            venv.display(),
            venv.display()
        );
    }
    Ok(python)
}

/// Run trafilatura on the pages' files; its texts by id, seconds spent,
/// version and pages it raised on.
fn trafilatura_texts(
    dir: &Path,
    pages: &[parallax_html::eval::AebPage],
) -> Result<(
    std::collections::HashMap<String, String>,
    f64,
    String,
    usize,
)> {
    let python = trafilatura_python()?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmp = std::env::temp_dir().join(format!("parallax-eval-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let result = (|| {
        let manifest: Vec<_> = pages
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id,
                    "path": parallax_html::eval::page_html_path(dir, &p.id),
                    "url": p.url,
                })
            })
            .collect();
        let manifest_path = tmp.join("manifest.json");
        std::fs::write(&manifest_path, serde_json::to_string(&manifest)?)
            .with_context(|| format!("writing {}", manifest_path.display()))?;
        let script = tmp.join("trafilatura_pages.py");
        std::fs::write(&script, TRAFILATURA_SCRIPT)
            .with_context(|| format!("writing {}", script.display()))?;
        let out_path = tmp.join("trafilatura.json");
        eprintln!(
            "running trafilatura on {} pages (one Python process)…",
            pages.len()
        );
        let output = Command::new(&python)
            .arg(&script)
            .arg(&manifest_path)
            .arg(&out_path)
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("running {}", python.display()))?;
        anyhow::ensure!(
            output.status.success(),
            "the trafilatura run failed ({}); see its messages above",
            output.status
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        let field = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::trim)
                .unwrap_or("")
                .to_string()
        };
        let version = field("TRAFILATURA_VERSION=");
        let seconds = field("TRAFILATURA_SECONDS=").parse().unwrap_or(0.0);
        let errors = field("TRAFILATURA_ERRORS=").parse().unwrap_or(0);
        let text = std::fs::read_to_string(&out_path)
            .with_context(|| format!("reading trafilatura's output {}", out_path.display()))?;
        let texts: std::collections::HashMap<String, String> = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}", out_path.display()))?;
        Ok((texts, seconds, version, errors))
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result.context("trafilatura baseline skipped")
}

#[derive(Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    what: TrainWhat,
}

#[derive(Subcommand)]
enum TrainWhat {
    /// Train the named-entity tagger on CoNLL-2003 and write its weights
    /// (the shipped ones live in crates/extract/model/ner.bin.gz).
    Ner {
        /// Folder holding `data/conll2003/{train,dev}.txt`.
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// US Census 1990 name lists (as in the PyPI package `names` 0.3.0)
        /// for first-name/surname features; the shipped weights used them.
        #[arg(long)]
        names: Option<PathBuf>,
        /// Where to write the weights.
        #[arg(long, default_value = "ner.bin.gz")]
        out: PathBuf,
    },
}

pub fn train(args: TrainArgs) -> Result<ExitCode> {
    match args.what {
        TrainWhat::Ner { shared, names, out } => {
            let mut files = parallax_extract::ner::TrainFiles::in_shared(&shared);
            files.person_names = names;
            let config = parallax_extract::ner::TrainConfig::default();
            let start = std::time::Instant::now();
            let (tagger, scores) =
                parallax_extract::ner::train_from_files(&files, &config, |line| {
                    eprintln!("[{:>6.1}s] {line}", start.elapsed().as_secs_f64())
                })
                .context("training the tagger (is --shared pointing at the data?)")?;
            println!("best epoch on dev:\n{scores}");
            let bytes = tagger.to_bytes(0.0)?;
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "wrote {} ({:.1} MB)",
                out.display(),
                bytes.len() as f64 / 1e6
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
