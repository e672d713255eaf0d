//! A small Chrome DevTools Protocol driver for the browser tests: it runs
//! headless Chromium with `--remote-debugging-pipe` (messages as JSON,
//! each ended by a NUL byte, on file descriptors 3 and 4 — no WebSocket
//! needed) and lets a test open a page, type into fields and click, as a
//! person would, then read what the browser shows.
//!
//! Only what the tests use: one page (target) per browser, commands sent
//! one at a time, events read while waiting for an answer.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How long one command or one page load may take.
const WAIT: Duration = Duration::from_secs(30);

pub struct Browser {
    child: Child,
    to_browser: std::io::PipeWriter,
    from_browser: Receiver<Value>,
    next_id: u64,
    session: String,
    /// Events read while waiting for answers, not yet looked at.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium (`binary`) with one blank page attached.
    pub fn start(binary: &str, width: u32, height: u32) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let (browser_reads, to_browser) = std::io::pipe().expect("pipe");
        let (from_browser_raw, browser_writes) = std::io::pipe().expect("pipe");
        let mut command = Command::new(binary);
        command
            .args(crate::common::CHROMIUM_FLAGS)
            .arg("--remote-debugging-pipe")
            .arg(format!("--window-size={width},{height}"))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        {
            use std::os::fd::AsRawFd;
            let read_fd = browser_reads.as_raw_fd();
            let write_fd = browser_writes.as_raw_fd();
            // SAFETY: only async-signal-safe calls (fcntl, dup2) between
            // fork and exec. The pipe ends are first moved above 10, so
            // placing them on 3 and 4 cannot overwrite one with the other.
            unsafe {
                command.pre_exec(move || {
                    let high_read = libc::fcntl(read_fd, libc::F_DUPFD, 10);
                    let high_write = libc::fcntl(write_fd, libc::F_DUPFD, 10);
                    if high_read < 0
                        || high_write < 0
                        || libc::dup2(high_read, 3) < 0
                        || libc::dup2(high_write, 4) < 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let child = command.spawn().expect("start chromium");
        // The child holds its own copies now.
        drop(browser_reads);
        drop(browser_writes);
        let (sender, from_browser) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from_browser_raw);
            loop {
                let mut message = Vec::new();
                match reader.read_until(0, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        message.pop_if(|b| *b == 0);
                        if let Ok(value) = serde_json::from_slice::<Value>(&message) {
                            if sender.send(value).is_err() {
                                return;
                            }
                        }
                    }
                }
            }
        });
        let mut browser = Browser {
            child,
            to_browser,
            from_browser,
            next_id: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = browser.call_browser("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"]
            .as_str()
            .expect("a target id")
            .to_string();
        let attached = browser.call_browser(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        browser.call("Page.enable", json!({}));
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            // Not `mobile`: that turns on touch emulation, and mouse clicks
            // then press nothing. The layout is the same at this width.
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser
    }

    fn send(&mut self, method: &str, params: Value, session: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if session {
            message["sessionId"] = Value::String(self.session.clone());
        }
        let mut bytes = serde_json::to_vec(&message).expect("json");
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .unwrap_or_else(|e| panic!("{method}: the browser is gone ({e})"));
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from_browser.recv_timeout(left) {
                Ok(answer) if answer["id"] == id => {
                    if let Some(error) = answer.get("error") {
                        panic!("{method}: {error}");
                    }
                    return answer["result"].clone();
                }
                Ok(event) => self.events.push(event),
                Err(RecvTimeoutError::Timeout) => panic!("{method}: no answer in {WAIT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("{method}: the browser exited"),
            }
        }
    }

    fn call_browser(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, false)
    }

    /// A command to the page.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, true)
    }

    /// Waits for the page's load event (one not yet seen).
    fn wait_for_load(&mut self) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(at) = self
                .events
                .iter()
                .position(|e| e["method"] == "Page.loadEventFired")
            {
                self.events.drain(..=at);
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from_browser.recv_timeout(left) {
                Ok(event) => self.events.push(event),
                Err(_) => {
                    let seen: Vec<String> = self
                        .events
                        .iter()
                        .map(|e| e["method"].as_str().unwrap_or("?").to_string())
                        .collect();
                    let at = self.location();
                    panic!("the page did not load in {WAIT:?} (at {at}; events: {seen:?})")
                }
            }
        }
    }

    /// Opens `url` and waits until it has loaded.
    pub fn open(&mut self, url: &str) {
        self.events.clear();
        let answer = self.call("Page.navigate", json!({"url": url}));
        if let Some(error) = answer.get("errorText").and_then(Value::as_str) {
            panic!("{url}: {error}");
        }
        self.wait_for_load();
    }

    /// The value of a script run in the page (the page's own scripts
    /// are not needed: Parallax pages have none).
    pub fn eval(&mut self, expression: &str) -> Value {
        let answer = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        if let Some(thrown) = answer.get("exceptionDetails") {
            panic!("{expression}: {thrown}");
        }
        answer["result"]["value"].clone()
    }

    /// Types `text` into the field `selector` as keyboard input (the
    /// field is focused and emptied first).
    pub fn type_into(&mut self, selector: &str, text: &str) {
        let found = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; \
             e.focus(); e.value = ''; return true; }})()",
            json!(selector)
        ));
        assert_eq!(found, Value::Bool(true), "no field {selector}");
        self.call("Input.insertText", json!({"text": text}));
    }

    /// Picks `value` in the `<select>` at `selector`.
    pub fn select(&mut self, selector: &str, value: &str) {
        let done = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return false; \
             e.value = {}; e.dispatchEvent(new Event('change')); return e.value === {}; }})()",
            json!(selector),
            json!(value),
            json!(value)
        ));
        assert_eq!(done, Value::Bool(true), "cannot pick {value} in {selector}");
    }

    /// Clicks the middle of the element at `selector` with the mouse and,
    /// when the click submits a form, waits for the page it leads to.
    pub fn click(&mut self, selector: &str, navigates: bool) {
        let middle = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return null; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
            json!(selector)
        ));
        let (x, y) = match middle.as_array().map(Vec::as_slice) {
            Some([x, y]) => (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0)),
            _ => panic!("nothing to click at {selector}"),
        };
        self.events.clear();
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
        if navigates {
            self.wait_for_load();
        }
    }

    /// The page's address now.
    pub fn location(&mut self) -> String {
        self.eval("location.href")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The text the page shows.
    pub fn text(&mut self) -> String {
        self.eval("document.body.innerText")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A PNG of what the page shows.
    pub fn screenshot(&mut self, path: &std::path::Path) {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let data = shot["data"].as_str().expect("screenshot data");
        let bytes = decode_base64(data);
        std::fs::write(path, bytes).expect("write screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Standard base64 (what CDP sends screenshots in).
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u32> = text.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= d << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}
