//! Throughput, per-article cost and memory of the story engine on a
//! synthetic stream generated on the fly (see `parallax_cluster::synth`).
//!
//! `cargo run --release -p parallax-cluster --example bench_stream -- N [--quality] [--keep] [--lexical] [--save-to FILE]`
//!
//! `--lexical` runs the engine on words alone (no embedding table), to see
//! what the dense signal costs.
//!
//! Prints articles/s over the whole run (push only: generation is timed
//! apart), µs per article for each window of 10,000 (first, a few between,
//! last), the engine's live state per live article, the archive per
//! article, the saved state's size and save/load time, the cost of
//! reporting the current stories, and the process's peak resident memory
//! (VmHWM). After each window the closed events are drained into a
//! counting sink, as an incremental ingest that stores them would; with
//! `--keep` they stay in the engine (the one-shot `build_stories` way).
//! `--quality` scores events and arcs against the generator's truth (NMI,
//! B-cubed F1), from the drained events and outlines plus the current ones.

use parallax_cluster::synth::{SynthConfig, SynthStream};
use parallax_cluster::{score_partition, StoryConfig, StoryEngine};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process (the machine is shared, so
/// wall time alone overstates the cost).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let Some(rest) = stat.rsplit(')').next() else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() -> ExitCode {
    let mut n: Option<usize> = None;
    let mut quality = false;
    let mut keep = false;
    let mut save_to: Option<String> = None;
    let mut config = StoryConfig::default();
    let usage = "usage: bench_stream N [--quality] [--keep] [--lexical] [--save-to FILE]";
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--save-to" {
            save_to = args.next();
        } else if arg == "--quality" {
            quality = true;
        } else if arg == "--keep" {
            keep = true;
        } else if arg == "--lexical" {
            config = StoryConfig::lexical();
        } else if let Ok(v) = arg.replace('_', "").parse() {
            n = Some(v);
        } else {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    }
    let Some(n) = n else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    // The sink: counts, and in quality mode each drained article's event
    // and each finished story's events.
    let mut drained_events = 0usize;
    let mut drained_members = 0usize;
    let mut finished_stories = 0usize;
    let mut drain_time = Duration::ZERO;
    let mut event_of: HashMap<String, String> = HashMap::new();
    let mut story_of_event: HashMap<String, usize> = HashMap::new();
    let mut stories_seen = 0usize;
    const WINDOW: usize = 10_000;
    let mut engine = match StoryEngine::new(config.clone()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut stream = SynthStream::new(SynthConfig::default());
    let mut truth: Vec<(String, u64, u64)> = Vec::new();
    let mut push_time = Duration::ZERO;
    let mut push_cpu = 0.0;
    let mut gen_time = Duration::ZERO;
    let mut windows: Vec<(f64, f64)> = Vec::new();
    let mut words = 0usize;
    let mut done = 0usize;
    while done < n {
        // Generate a window, then time its pushes (wall and CPU).
        let t = Instant::now();
        let batch: Vec<_> = stream.by_ref().take(WINDOW.min(n - done)).collect();
        gen_time += t.elapsed();
        if batch.is_empty() {
            break;
        }
        let (t, cpu) = (Instant::now(), cpu_seconds());
        for article in &batch {
            engine.push(&article.input);
        }
        let (dt, dcpu) = (t.elapsed(), cpu_seconds() - cpu);
        if !keep {
            let t = Instant::now();
            let drained = engine.drain_closed();
            drain_time += t.elapsed();
            drained_events += drained.events.len();
            finished_stories += drained.finished.len();
            for event in drained.events {
                drained_members += event.members.len();
                if quality {
                    for a in event.articles {
                        event_of.insert(a, event.id.clone());
                    }
                }
            }
            if quality {
                for outline in drained.finished {
                    for e in outline.events {
                        story_of_event.insert(e, stories_seen);
                    }
                    stories_seen += 1;
                }
            }
        }
        push_time += dt;
        push_cpu += dcpu;
        windows.push((
            dt.as_secs_f64() * 1e6 / batch.len() as f64,
            dcpu * 1e6 / batch.len() as f64,
        ));
        done += batch.len();
        if windows.len().is_multiple_of(10) {
            eprintln!(
                "{done}: window µs/article wall {:.0} CPU {:.0}; {} live",
                windows[windows.len() - 1].0,
                windows[windows.len() - 1].1,
                engine.live_articles()
            );
        }
        for article in batch {
            words += article.input.text.split_whitespace().count();
            if quality {
                truth.push((article.input.id, article.event, article.arc));
            }
        }
    }
    let pushing_peak = vm_hwm_kib();
    let pushed = engine.len();
    println!(
        "{pushed} articles ({:.0} words on average), generated in {:.1} s (not counted)",
        words as f64 / pushed.max(1) as f64,
        gen_time.as_secs_f64()
    );
    println!(
        "push: wall {:.1} s = {:.0} articles/s ({:.1} µs/article); CPU {:.1} s = {:.0} articles/s ({:.1} µs/article)",
        push_time.as_secs_f64(),
        pushed as f64 / push_time.as_secs_f64(),
        push_time.as_secs_f64() * 1e6 / pushed.max(1) as f64,
        push_cpu,
        pushed as f64 / push_cpu.max(1e-9),
        push_cpu * 1e6 / pushed.max(1) as f64
    );
    if !windows.is_empty() {
        let step = (windows.len() / 8).max(1);
        let shown: Vec<String> = windows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % step == 0 || *i == windows.len() - 1)
            .map(|(i, (wall, cpu))| format!("{}k:{wall:.0}/{cpu:.0}", (i + 1) * WINDOW / 1000))
            .collect();
        let (first, last) = (windows[0], windows[windows.len() - 1]);
        println!(
            "µs/article per 10k window (wall/CPU): first {:.0}/{:.0}, last {:.0}/{:.0}; {}",
            first.0,
            first.1,
            last.0,
            last.1,
            shown.join(" ")
        );
    }
    let size = engine.state_size();
    println!(
        "live: {} articles, {:.0} KiB state = {:.0} bytes per live article (features {:.0}, postings {:.0}, near-dup index {:.0}, vocabulary {:.0})",
        size.live_articles,
        size.live_total() as f64 / 1024.0,
        size.live_total() as f64 / size.live_articles.max(1) as f64,
        size.live_features as f64 / size.live_articles.max(1) as f64,
        size.postings as f64 / size.live_articles.max(1) as f64,
        size.near_dup_index as f64 / size.live_articles.max(1) as f64,
        size.vocabulary as f64 / size.live_articles.max(1) as f64,
    );
    println!(
        "archive (closed ids, held profiles): {:.0} bytes per article; {} held events; reported forms in memory: {:.0} KiB",
        size.archive as f64 / size.articles.max(1) as f64,
        size.held_events,
        size.reported as f64 / 1024.0
    );
    if !keep {
        println!(
            "drained: {drained_events} events ({drained_members} memberships), {finished_stories} finished stories, in {:.2} s",
            drain_time.as_secs_f64()
        );
    }
    let t = Instant::now();
    let bytes = engine.save();
    let save_time = t.elapsed();
    let t = Instant::now();
    let loaded = StoryEngine::load(&bytes, config);
    let load_time = t.elapsed();
    println!(
        "saved state: {:.1} MiB = {:.0} bytes per live article, {:.0} per article; save {:.2} s, load {:.2} s{}",
        bytes.len() as f64 / (1024.0 * 1024.0),
        bytes.len() as f64 / size.live_articles.max(1) as f64,
        bytes.len() as f64 / size.articles.max(1) as f64,
        save_time.as_secs_f64(),
        load_time.as_secs_f64(),
        if loaded.is_ok() { "" } else { " (LOAD FAILED)" }
    );
    drop(loaded);
    if let Some(path) = &save_to {
        if let Err(e) = std::fs::write(path, &bytes) {
            eprintln!("{path}: {e}");
        }
    }
    drop(bytes);
    let t = Instant::now();
    let stories = engine.stories();
    let events: usize = stories.iter().map(|s| s.events.len()).sum();
    println!(
        "stories(): {} stories, {} events in {:.2} s",
        stories.len(),
        events,
        t.elapsed().as_secs_f64()
    );
    if let (Some(push), Some(all)) = (pushing_peak, vm_hwm_kib()) {
        println!(
            "peak memory (VmHWM): {:.1} MiB while pushing, {:.1} MiB with save, load and stories()",
            push as f64 / 1024.0,
            all as f64 / 1024.0
        );
    }
    if quality {
        // Current stories add the live and held events; outlines place
        // drained events of unfinished arcs.
        for story in &stories {
            for ev in &story.events {
                for a in &ev.articles {
                    event_of.insert(a.clone(), ev.id.clone());
                }
            }
        }
        for outline in engine.outlines() {
            for e in outline.events {
                story_of_event.insert(e, stories_seen);
            }
            stories_seen += 1;
        }
        let mut event_number: HashMap<&str, usize> = HashMap::new();
        let mut label = |id: &str| {
            let next = event_number.len();
            *event_number.entry(event_of[id].as_str()).or_insert(next)
        };
        let pred_e: Vec<usize> = truth.iter().map(|(id, _, _)| label(id)).collect();
        let pred_s: Vec<usize> = truth
            .iter()
            .map(|(id, _, _)| story_of_event[&event_of[id]])
            .collect();
        let gold_e: Vec<u64> = truth.iter().map(|t| t.1).collect();
        let gold_s: Vec<u64> = truth.iter().map(|t| t.2).collect();
        if let (Some(ev), Some(st)) = (
            score_partition(&pred_e, &gold_e),
            score_partition(&pred_s, &gold_s),
        ) {
            println!(
                "events: NMI {:.3} B-cubed F1 {:.3} ({} vs {} gold); arcs: NMI {:.3} B-cubed F1 {:.3} ({} vs {} gold)",
                ev.nmi, ev.bcubed.f1, ev.predicted_clusters, ev.gold_clusters,
                st.nmi, st.bcubed.f1, st.predicted_clusters, st.gold_clusters
            );
        }
    }
    ExitCode::SUCCESS
}
