//! `parallax eval …`: quality against labelled public data. Each evaluator
//! lives in the crate it measures; this only picks one and prints.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// Score the HTML extractor alone, without the text cleaning that
        /// `parallax clean` applies after it.
        #[arg(long)]
        extractor_only: bool,
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
        EvalWhat::Aeb {
            dir,
            extractor_only: false,
        } => aeb_pipeline(&dir)?,
        EvalWhat::Aeb {
            dir,
            extractor_only: true,
        } => {
            let report = parallax_html::eval::aeb(&dir)
                .with_context(|| format!("evaluating AEB pages in {}", dir.display()))?;
            let s = report.scores;
            println!(
                "AEB {} pages: F1 {:.4}  precision {:.4}  recall {:.4}  ({:.0} pages/s extraction)",
                report.pages.len(),
                s.f1,
                s.precision,
                s.recall,
                report.pages.len() as f64 / report.extract_seconds.max(1e-9)
            );
            println!(
                "provenance: {} blocks, {} with a source range, {} verified exact",
                report.blocks, report.located, report.verified
            );
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
            let config = parallax_cluster::StoryConfig::default();
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

/// AEB scored on what `parallax clean` outputs: ingest decoding, HTML
/// extraction and text cleaning together, as a user gets it.
fn aeb_pipeline(dir: &std::path::Path) -> Result<()> {
    use parallax_html::eval::{aggregate, compare, load_aeb};
    let pages = load_aeb(dir).with_context(|| format!("reading AEB pages in {}", dir.display()))?;
    let limits = parallax_ingest::Limits::default();
    let start = std::time::Instant::now();
    let mut counts = Vec::with_capacity(pages.len());
    let mut failed = 0;
    for page in &pages {
        let name = format!("{}.html", page.id);
        let text = parallax_ingest::read_bytes(&name, page.html.as_bytes(), &limits)
            .into_iter()
            .filter_map(|r| r.ok())
            .filter_map(|raw| parallax_clean::clean(&raw).ok())
            .map(|a| a.text)
            .next()
            .unwrap_or_else(|| {
                failed += 1;
                String::new()
            });
        counts.push(compare(&page.expected, &text));
    }
    let seconds = start.elapsed().as_secs_f64();
    let s = aggregate(&counts);
    println!(
        "AEB {} pages (ingest + extract + clean): F1 {:.4}  precision {:.4}  recall {:.4}  ({:.0} pages/s; {} without an article)",
        pages.len(),
        s.f1,
        s.precision,
        s.recall,
        pages.len() as f64 / seconds.max(1e-9),
        failed
    );
    Ok(())
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
