//! `parallax outlets …`: the outlet registry as a user sees and edits it.
//! Changes go to the user's own tables in the data directory
//! (`parallax_outlets::user_dir`), never to the shipped ones, so an
//! upgrade keeps them.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use parallax_outlets::{
    append_user_rows, outlet_row, rating_row, user_dir, Outlet, OutletEdit, OutletKind, Rating,
    Registry, USER_OUTLETS, USER_RATINGS,
};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct OutletsArgs {
    #[command(subcommand)]
    what: OutletsWhat,
}

#[derive(Subcommand)]
enum OutletsWhat {
    /// Every outlet with its type, country and ratings (one line each).
    List {
        /// Only outlets whose name or alias contains this (any case).
        #[arg(long)]
        name: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// One outlet (any alias, any case, or a domain): names, domains, owner,
    /// every rating with its source and citation, and the combined lean.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Add an outlet or change one (written to your own table).
    Set {
        /// The outlet's name (an existing alias updates that outlet).
        name: String,
        /// Another name for it (repeatable).
        #[arg(long = "alias")]
        aliases: Vec<String>,
        /// A domain it publishes on (repeatable; sub-domains match).
        #[arg(long = "domain")]
        domains: Vec<String>,
        #[arg(long)]
        country: Option<String>,
        #[arg(long)]
        language: Option<String>,
        /// wire, newspaper, broadcaster, digital, magazine, state media, blog
        #[arg(long = "type")]
        kind: Option<String>,
        #[arg(long)]
        owner: Option<String>,
    },
    /// Record a rating of an outlet by a source, with its citation.
    Rate {
        name: String,
        /// Who rates it (`allsides-2019`, `mbfc-baly2020`, or your own id).
        #[arg(long)]
        source: String,
        /// The label as the source words it (`left-center`).
        #[arg(long)]
        rating: String,
        #[arg(long)]
        factuality: Option<String>,
        /// The page that states the rating.
        #[arg(long)]
        citation: String,
    },
    /// Import a published ratings table: an AllSides export (`name`, `bias`,
    /// `ref` columns) or an MBFC table (`source_url_normalized`, `bias`,
    /// `fact`, `ref`). Rows of outlets the registry knows (by name or
    /// domain) become ratings in your table; `--add-unknown` also adds the
    /// others as outlets.
    Import {
        file: PathBuf,
        /// The source id to record (`allsides-2019`, `mbfc-baly2018`, …).
        #[arg(long)]
        source: String,
        #[arg(long)]
        add_unknown: bool,
    },
}

pub fn outlets(args: OutletsArgs) -> Result<ExitCode> {
    let dir = user_dir();
    let registry = Registry::load(&dir)
        .with_context(|| format!("reading your outlet tables in {}", dir.display()))?;
    match args.what {
        OutletsWhat::List { name, json } => {
            let needle = name.map(|n| n.to_lowercase());
            for o in registry.outlets() {
                let matches = needle.as_ref().is_none_or(|n| {
                    std::iter::once(&o.name)
                        .chain(&o.aliases)
                        .any(|a| a.to_lowercase().contains(n.as_str()))
                });
                if !matches {
                    continue;
                }
                if json {
                    println!("{}", serde_json::to_string(o)?);
                } else {
                    let ratings: Vec<String> = o
                        .ratings
                        .iter()
                        .map(|r| format!("{} {}", r.source, r.rating))
                        .collect();
                    println!(
                        "{:<34} {:<12} {:<3} {}",
                        o.name,
                        o.kind.map(OutletKind::as_str).unwrap_or("-"),
                        o.country.as_deref().unwrap_or("-"),
                        if ratings.is_empty() {
                            "no rating".to_string()
                        } else {
                            ratings.join("; ")
                        }
                    );
                }
            }
        }
        OutletsWhat::Show { name, json } => {
            let Some(o) = registry.by_name(&name) else {
                bail!(
                    "no outlet called {name:?}: `parallax outlets list --name …` searches, \
                     `parallax outlets set {name:?} …` adds one"
                );
            };
            if json {
                let doc = serde_json::json!({
                    "outlet": o,
                    "combined_lean": o.combined_lean(),
                });
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else {
                show(o);
            }
        }
        OutletsWhat::Set {
            name,
            aliases,
            domains,
            country,
            language,
            kind,
            owner,
        } => {
            let edit = OutletEdit {
                name,
                aliases,
                domains,
                country,
                language,
                kind,
                owner,
            };
            let o = registry.edited(&edit).map_err(anyhow::Error::msg)?;
            let path = append_user_rows(&dir, USER_OUTLETS, &[outlet_row(&o)])?;
            println!("{} saved in {}", o.name, path.display());
        }
        OutletsWhat::Rate {
            name,
            source,
            rating,
            factuality,
            citation,
        } => {
            let Some(o) = registry.by_name(&name) else {
                bail!("no outlet called {name:?}: add it first with `parallax outlets set`");
            };
            let row = rating_row(
                &o.name,
                &Rating {
                    source,
                    rating,
                    factuality,
                    citation,
                },
            );
            let path = append_user_rows(&dir, USER_RATINGS, &[row])?;
            println!("rating of {} saved in {}", o.name, path.display());
        }
        OutletsWhat::Import {
            file,
            source,
            add_unknown,
        } => import(&registry, &dir, &file, &source, add_unknown)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn show(o: &Outlet) {
    println!("{}", o.name);
    if !o.aliases.is_empty() {
        println!("  also:     {}", o.aliases.join(", "));
    }
    if !o.domains.is_empty() {
        println!("  domains:  {}", o.domains.join(", "));
    }
    println!(
        "  type:     {}",
        o.kind.map(OutletKind::as_str).unwrap_or("unknown")
    );
    println!("  country:  {}", o.country.as_deref().unwrap_or("unknown"));
    println!("  owner:    {}", o.owner.as_deref().unwrap_or("unknown"));
    if o.ratings.is_empty() {
        println!("  ratings:  none (no source in the tables rates it)");
    }
    for r in &o.ratings {
        let source = parallax_outlets::source(&r.source)
            .map(|s| format!("{} ({})", s.name, s.as_of))
            .unwrap_or_else(|| r.source.clone());
        let fact = r
            .factuality
            .as_deref()
            .map(|f| format!(", factuality {f}"))
            .unwrap_or_default();
        println!("  rating:   {}{fact} — {source} — {}", r.rating, r.citation);
    }
    if let Some(lean) = o.combined_lean() {
        println!("  combined: {:+.2} ({})", lean.value, lean.explanation);
    }
}

/// The columns of a published ratings table, by header name.
fn import(
    registry: &Registry,
    dir: &std::path::Path,
    file: &std::path::Path,
    source: &str,
    add_unknown: bool,
) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split('\t')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let (Some(bias), Some(cite)) = (col(&["bias", "rating"]), col(&["ref", "citation", "url"]))
    else {
        bail!(
            "{}: expected a tab-separated table with `bias` and `ref` columns \
             (AllSides or MBFC exports)",
            file.display()
        );
    };
    let name_col = col(&["name", "outlet"]);
    let domain_col = col(&["source_url_normalized", "domain", "source_url"]);
    let fact_col = col(&["fact", "factuality"]);
    let (mut outlets, mut ratings, mut skipped) = (Vec::new(), Vec::new(), 0usize);
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        let get = |i: Option<usize>| {
            i.and_then(|i| cells.get(i))
                .copied()
                .filter(|v| !v.is_empty() && *v != "NA")
        };
        let (Some(label), Some(citation)) = (get(Some(bias)), get(Some(cite))) else {
            skipped += 1;
            continue;
        };
        let name = get(name_col);
        let domain = get(domain_col).and_then(parallax_outlets::host_of);
        let known = name
            .and_then(|n| registry.by_name(n))
            .or_else(|| domain.as_deref().and_then(|d| registry.by_domain(d)));
        let outlet_name = match (known, add_unknown) {
            (Some(o), _) => o.name.clone(),
            (None, true) => {
                let Some(new_name) = name.map(str::to_string).or_else(|| domain.clone()) else {
                    skipped += 1;
                    continue;
                };
                outlets.push(outlet_row(&Outlet {
                    name: new_name.clone(),
                    aliases: Vec::new(),
                    domains: domain.clone().into_iter().collect(),
                    country: None,
                    language: None,
                    kind: None,
                    owner: None,
                    ratings: Vec::new(),
                }));
                new_name
            }
            (None, false) => {
                skipped += 1;
                continue;
            }
        };
        ratings.push(rating_row(
            &outlet_name,
            &Rating {
                source: source.to_string(),
                rating: label.to_string(),
                factuality: get(fact_col).map(str::to_string),
                citation: citation.to_string(),
            },
        ));
    }
    if !outlets.is_empty() {
        append_user_rows(dir, USER_OUTLETS, &outlets)?;
    }
    let path = append_user_rows(dir, USER_RATINGS, &ratings)?;
    println!(
        "imported {} ratings ({} new outlets) into {}; {} rows left out (unknown outlets{}, or no rating)",
        ratings.len(),
        outlets.len(),
        path.display(),
        skipped,
        if add_unknown { "" } else { ": --add-unknown adds them" }
    );
    Ok(())
}
