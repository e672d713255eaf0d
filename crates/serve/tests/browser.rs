//! Renders pages in headless Chromium, when it is installed, saving
//! screenshots under `target/ui-artifacts/` and checking the DOM the
//! browser built. Skips (with a message) where Chromium is absent; CI
//! installs it with `apt-get install -y chromium`.

mod common;

use common::{fixtures, TestServer};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);

fn artifacts_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("ui-artifacts")
}

/// Runs Chromium once with a fresh profile; returns its stdout.
fn chromium(args: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut command = Command::new(CHROMIUM);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("start chromium");
    let started = Instant::now();
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if started.elapsed() > BROWSER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within {BROWSER_TIMEOUT:?}: {args:?}");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let output = child.wait_with_output().expect("chromium output");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn dump_dom(url: &str) -> String {
    chromium(&["--dump-dom".to_string(), url.to_string()])
}

fn screenshot(url: &str, name: &str, width: u32, height: u32) -> PathBuf {
    let dir = artifacts_dir();
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    let path = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    chromium(&[
        format!("--screenshot={}", path.display()),
        format!("--window-size={width},{height}"),
        url.to_string(),
    ]);
    let bytes =
        std::fs::read(&path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()));
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        path.display()
    );
    assert!(
        bytes.len() > 5_000,
        "{} looks blank ({} bytes)",
        path.display(),
        bytes.len()
    );
    path
}

#[test]
fn pages_render_in_headless_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipping browser test: {CHROMIUM} not found (apt-get install -y chromium)");
        return;
    }
    let server = TestServer::start(&fixtures());

    let list = dump_dom(&server.url("/"));
    assert!(list.contains("<h1>Articles</h1>"), "{list}");
    assert!(list.contains("Ferry crews strike over rosters"));
    // The hostile title stayed text: the browser built no script element.
    assert!(!list.contains("<script"), "a script element appeared");
    assert!(list.contains("Mayor &lt;script&gt;alert('pwned')&lt;/script&gt; resigns"));

    let article = dump_dom(&server.url("/articles/hostile"));
    assert!(!article.contains("<script"));
    assert!(!article.contains("<img"));
    assert!(!article.contains("<iframe"));
    assert!(article.contains("<details class=\"removed\">"));
    assert!(
        !article.contains("<details class=\"removed\" open"),
        "removals start collapsed"
    );
    let wire = dump_dom(&server.url("/articles/ferry-strike-wire"));
    assert!(wire.contains("This article is an exact copy of"));

    let search = dump_dom(&server.url("/search?q=libraries"));
    assert!(search.contains("<mark>libraries</mark>"), "{search}");

    let shots = [
        screenshot(&server.url("/"), "articles-phone", 390, 844),
        screenshot(&server.url("/"), "articles-desktop", 1280, 900),
        screenshot(&server.url("/articles/budget"), "article-phone", 390, 844),
        screenshot(
            &server.url("/articles/ferry-strike-wire"),
            "article-desktop",
            1280,
            900,
        ),
        screenshot(
            &server.url("/articles/hostile"),
            "article-hostile-phone",
            390,
            844,
        ),
        screenshot(&server.url("/search?q=ferry"), "search-phone", 390, 844),
    ];
    for shot in &shots {
        eprintln!("screenshot: {}", shot.display());
    }
}
