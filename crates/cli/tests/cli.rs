//! End-to-end tests of the `parallax` binary: real files, a real SQLite
//! store in a temp dir, exit codes and messages as a user sees them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parallax"));
    cmd.env_remove("PARALLAX_DB");
    cmd
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(args: &[&str], db: &Path) -> Output {
    bin()
        .arg("--db")
        .arg(db)
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the parallax binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const ARTICLE: &str = "Harbour board approves new ferry timetable\n\n\
The Velland harbour board approved a new ferry timetable on Tuesday after a long public consultation.\n\n\
“We listened to every island,” the board chair said, adding that the first sailings would begin in May.\n\n\
Opponents said the changes would cut winter services to the smallest islands by a third.\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

#[test]
fn clean_json_prints_one_object_per_article() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(
        &["clean", "--json", "examples/corpus", "examples/feeds"],
        &tmp.path().join("unused.db"),
    );
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    // 12 corpus articles (one JSONL file holds three) and 5 feed items.
    assert_eq!(lines.len(), 17);
    for a in &lines {
        for key in [
            "id",
            "title",
            "published",
            "outlet",
            "language",
            "text",
            "removed",
        ] {
            assert!(a.get(key).is_some(), "missing {key} in {a}");
        }
        assert!(!a["text"].as_str().unwrap_or("").is_empty());
    }
    let herald = lines
        .iter()
        .find(|a| a["id"] == "herald-aldous")
        .expect("herald-aldous cleaned");
    assert_eq!(herald["published"], "2025-03-12");
    assert_eq!(herald["outlet"], "Northgate Herald");
    assert_eq!(herald["language"], "en");
    let removed = herald["removed"].as_array().expect("removed list");
    assert!(removed.iter().any(|r| r["kind"] == "cookie_banner"));
    assert!(!herald["text"]
        .as_str()
        .unwrap_or("")
        .contains("Accept all cookies"));
}

#[test]
fn a_bad_batch_reports_each_bad_file_and_lands_the_rest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).expect("mkdir");
    write(&dir, "good.txt", ARTICLE.as_bytes());
    write(
        &dir,
        "good2.txt.gz",
        &gzip(ARTICLE.replace("ferry", "bus").as_bytes()),
    );
    write(
        &dir,
        "photo.jpg",
        &[
            0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 2, 3, 0, 0,
        ],
    );
    write(&dir, "empty.txt", b"");
    let gz = gzip(ARTICLE.as_bytes());
    write(&dir, "truncated.txt.gz", &gz[..gz.len() / 2]);
    let mut latin = ARTICLE.as_bytes().to_vec();
    latin.extend_from_slice(
        b"\nThe board's caf\xe9 will stay open through the winter months for travellers.\n",
    );
    write(&dir, "latin.txt", &latin);
    let jsonl = format!(
        "{}\n{{not json\n",
        serde_json::json!({"id": "j1", "outlet": "Velland Post", "title": "Ferry plan", "text": ARTICLE})
    );
    write(&dir, "export.jsonl", jsonl.as_bytes());
    write(
        &dir,
        "nav.html",
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
    );
    write(
        &dir,
        "broken.warc",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\nHTTP/1.1 200 OK\r\n",
    );

    let db = tmp.path().join("store.db");
    let out = run(&["ingest", dir.to_str().expect("utf-8 path")], &db);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit 2 when something was skipped; stderr: {err}"
    );
    // Not an article format: left out of the folder walk, and said so.
    assert!(
        stdout(&out).contains("left out: 1 file(s)"),
        "stdout: {}",
        stdout(&out)
    );
    for bad in [
        "empty.txt",
        "truncated.txt.gz",
        "export.jsonl (line 2)",
        "nav.html",
        "broken.warc",
    ] {
        assert!(err.contains(bad), "{bad} not reported in: {err}");
    }
    assert!(stdout(&out).contains("4 new"), "stdout: {}", stdout(&out));

    let list = run(&["articles", "--json"], &db);
    assert!(list.status.success(), "{}", stderr(&list));
    let ids: Vec<String> = stdout(&list)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, ["good", "good2", "j1", "latin"]);

    let shown = run(&["show", "latin", "--json"], &db);
    let article: serde_json::Value = serde_json::from_str(&stdout(&shown)).expect("show --json");
    let warnings = article["article"]["warnings"].to_string();
    assert!(
        warnings.to_lowercase().contains("utf-8"),
        "lossy decoding is reported: {warnings}"
    );
}

#[test]
fn reingest_is_a_no_op_and_copies_are_linked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("store.db");
    let first = run(&["ingest", "examples/corpus"], &db);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("12 new"), "{}", stdout(&first));
    assert!(
        stdout(&first).contains("1 near"),
        "the wire copy is linked: {}",
        stdout(&first)
    );
    let second = run(&["ingest", "examples/corpus"], &db);
    assert!(second.status.success());
    assert!(
        stdout(&second).contains("0 new, 0 updated, 12 unchanged"),
        "{}",
        stdout(&second)
    );
    let shown = run(&["show", "mw-saltmere", "--json"], &db);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&shown)).expect("show --json");
    let links = doc["duplicates"].as_array().expect("duplicates");
    // The wire reprint is the copy (examples/expected.json), whichever file
    // was stored first.
    assert!(
        links.iter().any(|l| l["kind"] == "near"
            && l["article_id"] == "herald-saltmere-wire"
            && l["of_id"] == "mw-saltmere"),
        "{links:?}"
    );
}

#[test]
fn stdin_is_an_input() {
    let mut child = bin()
        .args(["clean", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(ARTICLE.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON line");
    assert!(v["text"].as_str().unwrap_or("").contains("ferry timetable"));
}

#[test]
fn analyze_prints_one_document() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(
        &["analyze", "examples/corpus", "--json"],
        &tmp.path().join("x.db"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    assert_eq!(doc["articles"].as_array().map(Vec::len), Some(12));
    assert!(doc["stories"].is_array());
}

/// Without `--json`, `analyze` prints a report a person reads in a
/// terminal: each story with its outlets, shared facts, quotes, narrator
/// flags (with why) and key dates, every line with its article@range.
#[test]
fn analyze_prints_a_readable_report() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(&["analyze", "examples/corpus"], &tmp.path().join("x.db"));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("12 articles, "), "{text}");
    assert!(!text.trim_start().starts_with('{'), "not JSON");
    assert!(
        text.len() < 40_000,
        "sized for a terminal: {} bytes",
        text.len()
    );
    for section in [
        "Story 1: ",
        "  Outlets:",
        "  Shared facts:",
        "  Quotes carried by several articles:",
        "  Narrator flags:",
        "  Key dates:",
    ] {
        assert!(text.contains(section), "no {section:?} in:\n{text}");
    }
    // References point at an article and a byte range.
    assert!(text.contains("herald-aldous@"), "{text}");
    // The wire copy is one column, said once.
    assert!(
        text.contains("also published herald-saltmere-wire"),
        "{text}"
    );
    // Flags say why.
    assert!(text.contains("loaded-word lexicon"), "{text}");
    assert!(text.contains("[wire copy]"), "{text}");
}

#[test]
fn reading_commands_explain_a_missing_store_or_id() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("nothing-here.db");
    let out = run(&["articles"], &db);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("parallax ingest"), "{}", stderr(&out));
    assert!(!db.exists(), "a read must not create a database");

    let ingest = run(&["ingest", "examples/corpus/dockside-strike.txt"], &db);
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    let out = run(&["show", "no-such-id"], &db);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("parallax articles"),
        "{}",
        stderr(&out)
    );
}

/// A process killed mid-ingest leaves a consistent store, and the re-run
/// completes the batch.
#[test]
fn killed_ingest_is_completed_by_a_rerun() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("many");
    std::fs::create_dir(&dir).expect("mkdir");
    let n = 1500;
    for i in 0..n {
        let text = format!(
            "Council meeting number {i} held in district {}\n\n{}\n\nThe minutes of meeting {i} record a vote of {} to {}.\n",
            i % 37,
            ARTICLE.replace("ferry", &format!("route-{i}")),
            i % 11,
            i % 7
        );
        write(&dir, &format!("a{i:05}.txt"), text.as_bytes());
    }
    let db = tmp.path().join("store.db");
    let mut child = bin()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = child.kill();
    let _ = child.wait();

    let rerun = run(&["ingest", dir.to_str().expect("utf-8 path")], &db);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    let list = run(&["articles", "--json", "--limit", "100000"], &db);
    assert_eq!(stdout(&list).lines().count(), n);
    let conn = rusqlite::Connection::open(&db).expect("open db");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
}

/// The sorted `articles` ids of a story, event or truth entry.
fn sorted_ids(v: &serde_json::Value) -> Vec<String> {
    let mut ids: Vec<String> = v["articles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// Sorted article-id sets of a story document's events and stories.
fn groups(doc: &serde_json::Value) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let stories = doc["stories"].as_array().cloned().unwrap_or_default();
    let mut events: Vec<Vec<String>> = stories
        .iter()
        .flat_map(|s| s["events"].as_array().cloned().unwrap_or_default())
        .map(|e| sorted_ids(&e))
        .collect();
    let mut arcs: Vec<Vec<String>> = stories.iter().map(sorted_ids).collect();
    events.sort();
    arcs.sort();
    (events, arcs)
}

#[test]
fn analyze_groups_the_corpus_into_its_events_and_arc() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(
        &["analyze", "examples/corpus", "--json"],
        &tmp.path().join("x.db"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/expected.json")).expect("expected.json"),
    )
    .expect("expected.json parses");
    let mut want: Vec<Vec<String>> = truth["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(sorted_ids)
        .collect();
    want.sort();
    let (events, arcs) = groups(&doc);
    assert_eq!(events, want);
    assert_eq!(
        arcs.len(),
        2,
        "the two resignations form one arc, the strike another: {arcs:?}"
    );
    // Every story and event carries its coverage comparison.
    for story in doc["stories"].as_array().expect("stories") {
        assert!(story["coverage"]["facts"].is_object());
        for event in story["events"].as_array().expect("events") {
            assert!(event["coverage"]["quotes"].is_array());
            assert!(!event["members"].as_array().expect("members").is_empty());
        }
    }
}

#[test]
fn analyze_groups_the_seeds() {
    let seeds = repo().join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipping: ../shared/seeds not found");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(
        &["analyze", "../shared/seeds", "--json"],
        &tmp.path().join("x.db"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let (events, arcs) = groups(&doc);
    let s = |ids: &[&str]| ids.iter().map(|i| i.to_string()).collect::<Vec<_>>();
    assert_eq!(
        events,
        vec![
            s(&[
                "000_244fc5b634fe34a8",
                "001_6079b9b1c408e18d",
                "003_dc1ac0e99add50fc"
            ]),
            s(&["002_75ea2611defdb24e"]),
            s(&["004_e34eb8db108e3940"]),
        ]
    );
    assert_eq!(arcs.len(), 1, "all five seeds in one arc: {arcs:?}");
}

/// A wget mirror: one `index.html` per folder. Every page is kept under an
/// id of its own, the ids stay the same on a re-run (from another working
/// directory too), and files that are not articles are left out and said.
#[test]
fn a_mirror_tree_keeps_every_page_and_reports_what_it_left() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mirror = tmp.path().join("mirror");
    let towns = ["velland", "ostry", "marrow-bay", "kessing"];
    for (i, town) in towns.iter().enumerate() {
        let dir = mirror.join(format!("news/{town}"));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let page = format!(
            "<html><head><title>{town} council votes</title></head><body><article>\
             <h1>{town} council votes on the harbour plan</h1>\
             <p>The {town} council voted {i} times on Tuesday on the harbour plan, \
             after a debate that ran late into the evening.</p>\
             <p>Residents of {town} said the plan would change the waterfront for good.</p>\
             </article></body></html>"
        );
        write(&dir, "index.html", page.as_bytes());
    }
    write(&mirror, "README", b"mirror of the island papers");
    write(&mirror, "labels.tsv", b"id\tlabel\n");
    write(&mirror, "news/velland/index.expected.json", b"{}");
    let db = tmp.path().join("store.db");
    let first = run(&["ingest", mirror.to_str().expect("utf-8")], &db);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("ingested 4 new, 0 updated"),
        "{}",
        stdout(&first)
    );
    assert!(
        stdout(&first).contains("left out: 3 file(s)"),
        "{}",
        stdout(&first)
    );
    let ids = |db: &Path| -> Vec<String> {
        let list = run(&["articles", "--json"], db);
        let mut ids: Vec<String> = stdout(&list)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids
    };
    let before = ids(&db);
    assert_eq!(before.len(), 4, "{before:?}");
    assert_eq!(before.iter().filter(|id| *id == "index").count(), 1);

    // Again, named by another path from another directory: nothing new.
    let again = bin()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg("mirror")
        .current_dir(tmp.path())
        .output()
        .expect("runs");
    assert!(again.status.success(), "{}", stderr(&again));
    // The origin path is written another way, so the articles count as
    // updated; what matters is that each keeps its id and nothing is new.
    assert!(
        stdout(&again).contains("ingested 0 new"),
        "{}",
        stdout(&again)
    );
    assert_eq!(ids(&db), before);
    let third = run(&["ingest", mirror.to_str().expect("utf-8")], &db);
    assert!(
        stdout(&third).contains("ingested 0 new"),
        "{}",
        stdout(&third)
    );
    assert_eq!(ids(&db), before);

    // --all-files reads the rest, and reports what is not an article.
    let all = run(
        &["ingest", "--all-files", mirror.to_str().expect("utf-8")],
        &db,
    );
    assert!(!stdout(&all).contains("left out"), "{}", stdout(&all));
}

/// A JSONL export that repeats an id: the first record is kept, the
/// repeat is reported with both places, nothing is replaced silently.
#[test]
fn a_repeated_jsonl_id_is_reported_not_replaced() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let line = |id: &str, title: &str, text: &str| {
        serde_json::json!({"id": id, "title": title, "text": text}).to_string()
    };
    let body = format!(
        "{}\n{}\n{}\n",
        line("story-1", "First", &ARTICLE.replace("ferry", "bus")),
        line("story-2", "Second", ARTICLE),
        line("story-1", "Other", &ARTICLE.replace("ferry", "tram")),
    );
    let file = write(tmp.path(), "export.jsonl", body.as_bytes());
    let db = tmp.path().join("store.db");
    let out = run(&["ingest", file.to_str().expect("utf-8")], &db);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("story-1"), "{err}");
    assert!(err.contains("already given to"), "{err}");
    let shown = run(&["show", "story-1", "--json"], &db);
    assert!(stdout(&shown).contains("First"), "{}", stdout(&shown));
}

/// A usage error is not "some inputs were skipped" (2).
#[test]
fn usage_errors_have_their_own_exit_code() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(&["ingest", "--no-such-flag", "x"], &tmp.path().join("db"));
    assert_eq!(out.status.code(), Some(64), "{}", stderr(&out));
    let help = run(&["--help"], &tmp.path().join("db"));
    assert_eq!(help.status.code(), Some(0));
}

/// File names with control characters are printed escaped.
#[test]
fn control_characters_in_names_do_not_reach_the_terminal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = write(tmp.path(), "bad\u{1b}[31mname.txt", b"");
    let out = run(
        &["ingest", file.to_str().expect("utf-8")],
        &tmp.path().join("db"),
    );
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("\\u{1b}[31mname"), "{err:?}");
}

/// The seeds with the example manifest: five named outlets, each saying it
/// came from the manifest; without it, only 003 names itself and the rest
/// stay unknown.
#[test]
fn seeds_get_their_outlets_from_the_manifest_or_stay_unknown() {
    let seeds = repo().join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipping: ../shared/seeds not found");
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let outlets_of = |db: &Path| -> Vec<(String, String, String)> {
        let list = run(&["articles", "--json"], db);
        let mut v: Vec<(String, String, String)> = stdout(&list)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|a| {
                let id = a["id"].as_str().unwrap_or("").to_string();
                let shown = run(&["show", &id, "--json"], db);
                let doc: serde_json::Value =
                    serde_json::from_str(&stdout(&shown)).unwrap_or_default();
                let art = &doc["article"];
                (
                    id,
                    art["outlet"].as_str().unwrap_or("unknown").to_string(),
                    art["outlet_via"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let plain = tmp.path().join("plain.db");
    let out = bin()
        .env("PARALLAX_DATA_DIR", tmp.path())
        .arg("--db")
        .arg(&plain)
        .args(["ingest", "../shared/seeds"])
        .current_dir(repo())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let got = outlets_of(&plain);
    let named: Vec<&str> = got.iter().map(|(_, o, _)| o.as_str()).collect();
    assert_eq!(
        named,
        [
            "unknown",
            "unknown",
            "unknown",
            "The Electronic Intifada",
            "unknown"
        ]
    );
    assert!(got[3].2.starts_with("self-reference"), "{:?}", got[3]);

    let with = tmp.path().join("manifest.db");
    let out = bin()
        .env("PARALLAX_DATA_DIR", tmp.path())
        .arg("--db")
        .arg(&with)
        .args([
            "ingest",
            "../shared/seeds",
            "--manifest",
            "examples/seeds-manifest.csv",
        ])
        .current_dir(repo())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let got = outlets_of(&with);
    let named: Vec<&str> = got.iter().map(|(_, o, _)| o.as_str()).collect();
    assert_eq!(
        named,
        [
            "Arutz Sheva",
            "The Jerusalem Post",
            "Evening Standard",
            "The Electronic Intifada",
            "On London"
        ]
    );
    assert!(
        got.iter().all(|(_, _, via)| via.starts_with("manifest")),
        "{got:?}"
    );
    // Rated where a source rates it, "none" where none does.
    let jpost = bin()
        .env("PARALLAX_DATA_DIR", tmp.path())
        .args(["outlets", "show", "jpost"])
        .output()
        .expect("runs");
    assert!(
        stdout(&jpost).contains("mediabiasfactcheck.com"),
        "{}",
        stdout(&jpost)
    );
    let on_london = bin()
        .env("PARALLAX_DATA_DIR", tmp.path())
        .args(["outlets", "show", "on london"])
        .output()
        .expect("runs");
    assert!(
        stdout(&on_london).contains("ratings:  none"),
        "{}",
        stdout(&on_london)
    );
}

/// A rating recorded after the stories were built reaches them at the next
/// ingest, though no article changed: the story key holds the registry's
/// fingerprint (it once held only the articles, so the stored leans stayed
/// as they were).
#[test]
fn a_new_rating_reaches_the_stored_stories_at_the_next_ingest() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let db = tmp.path().join("parallax.db");
    let with_data = |args: &[&str]| {
        bin()
            .env("PARALLAX_DATA_DIR", tmp.path())
            .arg("--db")
            .arg(&db)
            .args(args)
            .current_dir(repo())
            .output()
            .expect("runs")
    };
    // Articles per side, summed over the stories (columns 8-10 of the CSV).
    let sides = || -> Vec<usize> {
        let csv = stdout(&with_data(&["stories", "--csv"]));
        let mut sums = vec![0; 4];
        for row in csv.lines().skip(1) {
            let cells: Vec<&str> = row.split(',').collect();
            for (i, sum) in sums.iter_mut().enumerate() {
                *sum += cells
                    .get(7 + i)
                    .and_then(|c| c.parse::<usize>().ok())
                    .unwrap_or(0);
            }
        }
        sums
    };
    assert!(with_data(&["ingest", "examples/corpus"]).status.success());
    let before = sides();
    assert_eq!(
        before[2], 0,
        "nothing in the corpus is rated right: {before:?}"
    );
    for args in [
        &["outlets", "set", "Meridian Wire", "--type", "wire"][..],
        &[
            "outlets",
            "rate",
            "Meridian Wire",
            "--source",
            "test-audit",
            "--rating",
            "far-right",
            "--citation",
            "https://ratings.example/meridian-wire",
        ][..],
    ] {
        let out = with_data(args);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let again = with_data(&["ingest", "examples/corpus"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let after = sides();
    assert!(
        after[2] > 0,
        "the rating did not reach the stories: {after:?}"
    );
    assert_eq!(
        after.iter().sum::<usize>(),
        before.iter().sum::<usize>(),
        "the same articles, counted on another side"
    );
}

/// `parallax stories` lists what `ingest` stored and `parallax story ID`
/// prints its report (every line referenced article@range), or the stored
/// document with --json; an unknown id is a clear error.
#[test]
fn stories_and_story_read_the_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("p.db");
    let ingest = run(&["ingest", "examples/corpus"], &db);
    assert!(ingest.status.success(), "{}", stderr(&ingest));

    let listed = run(&["stories"], &db);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let list = stdout(&listed);
    let first = list
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no story listed: {list}"));
    assert!(first.starts_with("st-"), "{list}");
    assert!(list.contains("Saltmere"), "{list}");
    assert!(stderr(&listed).contains("`parallax story ID`"));

    let shown = run(&["story", first], &db);
    assert!(shown.status.success(), "{}", stderr(&shown));
    let report = stdout(&shown);
    assert!(report.contains("Outlets:"), "{report}");
    assert!(report.contains(&format!("id {first}")), "{report}");
    assert!(
        report.lines().any(|l| l.contains('@') && l.contains('-')),
        "lines reference article@range: {report}"
    );

    let json = run(&["story", first, "--json"], &db);
    let doc: serde_json::Value =
        serde_json::from_slice(&json.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(doc["id"].as_str(), Some(first));

    // CSV for a spreadsheet: a row per fact sentence and per quote
    // occurrence, each naming its article and byte range.
    let cells: usize = doc["coverage"]["facts"]["facts"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["cells"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    let facts = run(&["story", first, "--csv", "facts"], &db);
    assert!(facts.status.success(), "{}", stderr(&facts));
    let facts = stdout(&facts);
    let mut rows = facts.split("\r\n").filter(|r| !r.is_empty());
    assert_eq!(
        rows.next(),
        Some("story,fact,fact_text,article,outlet,start,end,sentence,similarity,primary")
    );
    assert!(cells > 0, "the story has shared facts");
    assert_eq!(rows.count(), cells, "{facts}");
    let quotes = stdout(&run(&["story", first, "--csv", "quotes"], &db));
    assert!(
        quotes.starts_with("story,quote,speaker,article,outlet,start,end,text"),
        "{quotes}"
    );
    let listing = stdout(&run(&["stories", "--csv"], &db));
    assert!(
        listing.starts_with("id,title,articles,sources,outlets"),
        "{listing}"
    );
    assert!(listing.contains(first), "{listing}");

    let missing = run(&["story", "st-nope"], &db);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains("parallax stories"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn feeds_import_list_export_and_remove() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db = dir.path().join("feeds.db");
    let opml = write(
        dir.path(),
        "reader.opml",
        br#"<?xml version="1.0"?><opml version="1.0"><body>
<outline text="News"><outline type="rss" text="Harbour Herald" xmlUrl="https://harbour.example/feed.xml"/></outline>
<outline type="rss" text="Tribune" xmlUrl="https://tribune.example/rss"/></body></opml>"#,
    );
    let imported = run(&["feeds", "import", &opml.to_string_lossy()], &db);
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(stdout(&imported).contains("2 new"), "{}", stdout(&imported));
    let again = run(&["feeds", "import", &opml.to_string_lossy()], &db);
    assert!(
        stdout(&again).contains("0 new, 2 already subscribed"),
        "{}",
        stdout(&again)
    );
    let added = run(
        &[
            "feeds",
            "add",
            "https://lantern.example/atom",
            "--title",
            "Lantern",
        ],
        &db,
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let bad = run(&["feeds", "add", "file:///etc/passwd"], &db);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("http"), "{}", stderr(&bad));

    let listed = stdout(&run(&["feeds", "list"], &db));
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(
        listed.contains("Lantern") && listed.contains("not polled yet"),
        "{listed}"
    );
    let json = stdout(&run(&["feeds", "list", "--json"], &db));
    let first: serde_json::Value =
        serde_json::from_str(json.lines().next().unwrap_or("")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first["url"], "https://harbour.example/feed.xml");

    let exported = stdout(&run(&["feeds", "export"], &db));
    assert!(
        exported.starts_with("<?xml")
            && exported.contains("xmlUrl=\"https://lantern.example/atom\""),
        "{exported}"
    );
    let removed = run(&["feeds", "remove", "https://tribune.example/rss"], &db);
    assert!(removed.status.success(), "{}", stderr(&removed));
    let gone = run(&["feeds", "remove", "https://tribune.example/rss"], &db);
    assert!(!gone.status.success() && stderr(&gone).contains("not subscribed"));
    let broken = write(dir.path(), "broken.opml", b"<rss><channel/></rss>");
    let refused = run(&["feeds", "import", &broken.to_string_lossy()], &db);
    assert!(!refused.status.success());
    assert!(stderr(&refused).contains("OPML"), "{}", stderr(&refused));
}
