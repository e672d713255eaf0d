//! Kill-at-every-point: `parallax ingest` aborted at each commit it makes
//! (after an article batch, after an analysis batch, after the entity join,
//! after the stories, between the two engine-state rows), then run again,
//! must end in the same store as a run that was never interrupted.
//!
//! The abort is real (`std::process::abort` at a crash point named by
//! `PARALLAX_CRASH_AT`, see `parallax_pipeline::failpoint`): no destructor,
//! no rollback, the WAL left as a kill leaves it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const POINTS: &[&str] = &["articles", "analyses", "entities", "stories", "engine"];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ingest(db: &Path, dir: &Path, crash_at: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parallax"));
    cmd.env_remove("PARALLAX_DB")
        .env_remove("PARALLAX_CRASH_AT")
        .arg("--db")
        .arg(db)
        .arg("ingest")
        .arg(dir)
        .current_dir(repo());
    if let Some(point) = crash_at {
        cmd.env("PARALLAX_CRASH_AT", point);
    }
    cmd.output().expect("the parallax binary runs")
}

/// The example corpus split in two folders: the second ingest of a store
/// that already holds the first half exercises the incremental paths
/// (saved engine, stored coverages) rather than only a first build.
fn corpus_halves(root: &Path) -> (PathBuf, PathBuf) {
    let first = root.join("first");
    let second = root.join("second");
    std::fs::create_dir_all(&first).expect("mkdir");
    std::fs::create_dir_all(&second).expect("mkdir");
    let mut names: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/corpus"))
        .expect("examples/corpus")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    for (i, path) in names.iter().enumerate() {
        let to = if i % 2 == 0 { &first } else { &second };
        let name = path.file_name().expect("file name");
        std::fs::copy(path, to.join(name)).expect("copy");
    }
    (first, second)
}

/// Everything ingest writes that a reader sees, as text: articles and
/// their revisions, analyses, entity rows with their corpus-wide ids,
/// stories with their membership keys and documents, and whether a
/// refresh is still pending. Timestamps are left out.
fn snapshot(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open db");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    let mut out = String::new();
    for (what, sql) in [
        ("article", "SELECT id, revision FROM articles ORDER BY id"),
        (
            "analysis",
            "SELECT article_id, revision, analyzer, hex(analysis_json) FROM analyses ORDER BY 1",
        ),
        (
            "entity",
            "SELECT article_id, name, kind, coalesce(entity_id, '-'), mentions, quotes_by \
             FROM article_entities ORDER BY 1, 2, 3",
        ),
        (
            "story",
            "SELECT id, position, title, article_count, outlets_json, \
             coalesce(members_key, '-'), hex(story_json) FROM stories ORDER BY id",
        ),
        (
            "pending",
            "SELECT generation > settled FROM derived_pending",
        ),
    ] {
        let mut stmt = conn.prepare(sql).expect(sql);
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            out.push_str(what);
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i).expect("column");
                out.push_str(&format!("\t{value:?}"));
            }
            out.push('\n');
        }
    }
    out
}

fn first_difference(a: &str, b: &str) -> String {
    for (x, y) in a.lines().zip(b.lines()) {
        if x != y {
            let cut = |s: &str| s.chars().take(200).collect::<String>();
            return format!("expected {}\n     got {}", cut(x), cut(y));
        }
    }
    format!("{} lines vs {}", a.lines().count(), b.lines().count())
}

#[test]
fn a_kill_at_any_point_is_completed_by_the_next_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (first, second) = corpus_halves(tmp.path());

    let reference = tmp.path().join("reference.db");
    for dir in [&first, &second] {
        let out = ingest(&reference, dir, None);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let expected = snapshot(&reference);
    assert!(expected.contains("story\t"), "the corpus makes stories");
    assert!(expected.ends_with("pending\tInteger(0)\n"));

    for &point in POINTS {
        // A kill while the first half lands (a new store), and while the
        // second half lands on top of a complete first run.
        for crash_in_second in [false, true] {
            let db = tmp.path().join(format!("{point}-{crash_in_second}.db"));
            if crash_in_second {
                assert!(ingest(&db, &first, None).status.success());
            }
            let crashing = if crash_in_second { &second } else { &first };
            let crashed = ingest(&db, crashing, Some(point));
            assert!(
                !crashed.status.success(),
                "{point}: the run did not stop at its crash point"
            );
            assert!(
                String::from_utf8_lossy(&crashed.stderr).contains("aborting here"),
                "{point}: stopped elsewhere: {}",
                String::from_utf8_lossy(&crashed.stderr)
            );
            // The re-run of the same folder completes what was pending,
            // then the rest lands as usual.
            let rerun = ingest(&db, crashing, None);
            assert!(
                rerun.status.success(),
                "{point}: {}",
                String::from_utf8_lossy(&rerun.stderr)
            );
            if !crash_in_second {
                assert!(ingest(&db, &second, None).status.success());
            }
            let got = snapshot(&db);
            assert!(
                got == expected,
                "{point} (crash in the {} run): the store differs from an uninterrupted run: {}",
                if crash_in_second { "second" } else { "first" },
                first_difference(&expected, &got)
            );
        }
    }
}
