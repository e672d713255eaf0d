//! What one client may cost the server, and the headers every answer
//! carries.
//!
//! `axum::serve` accepts every connection it is offered and waits on each
//! for as long as the client likes, so thousands of idle or slowly-typing
//! clients used up the process's file descriptors and normal requests
//! timed out. Connections are served here instead by our own accept loop
//! over hyper: at most [`Limits::max_connections`] at once (a new one
//! takes the place of an idle one, see [`serve_connections`]), each closed
//! when a request's header does
//! not arrive within [`Limits::header_read_timeout`] (which also closes
//! idle keep-alive connections, freeing their place), each request cut off
//! after [`Limits::request_timeout`], and no request body accepted beyond
//! [`Limits::max_body_bytes`] (every route is a GET).
//!
//! [`respond`] is the middleware around every route: the limits above that
//! apply per request, `X-Content-Type-Options: nosniff` and
//! `X-Frame-Options: DENY` on every response, and errors the framework
//! itself produces (a 405, an undecodable path) re-worded as JSON under
//! `/api/` and as a page elsewhere, so a client always gets the shape the
//! API description promises.

use crate::api::ApiError;
use crate::html::error_page;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

/// Bounds on what a client may hold of the server (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Connections served at once; further ones wait to be accepted.
    pub max_connections: usize,
    /// Time a connection has to deliver a complete request header, counted
    /// from when the server starts waiting for one (so also between the
    /// requests of a keep-alive connection).
    pub header_read_timeout: Duration,
    /// Time a request has to be answered; a 503 after that.
    pub request_timeout: Duration,
    /// Largest request body accepted (`Content-Length`); a 413 above it.
    pub max_body_bytes: u64,
    /// The same for POST (the admin writes: a pasted OPML file, a JSONL
    /// batch of articles).
    pub max_post_bytes: u64,
    /// Time in-flight requests get to finish once shutdown starts.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Well under the usual 1,024 descriptors per process, leaving
            // room for the store, the index and the blocking pool.
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 16 * 1024,
            max_post_bytes: 32 * 1024 * 1024,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Largest request head (request line and headers) read into memory per
/// connection; hyper answers 431 above it.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// How long a connection that has answered a request must have been idle
/// before a new one may take its place when every place is taken (capped
/// by the header timeout): long enough that the response just handed to
/// hyper has been written out. One that never had a request goes at once.
const IDLE_BEFORE_EVICTION: Duration = Duration::from_secs(1);

/// What the accept loop knows of one open connection.
struct Tracked {
    /// Requests in flight on it.
    busy: AtomicUsize,
    /// Whether it has answered a request (whose response may still be
    /// being written).
    answered: AtomicBool,
    /// When it last became idle (accepted, or a response finished).
    idle_since: Mutex<Instant>,
    /// Told to close (it is idle and a new connection needs its place).
    close: Notify,
}

impl Tracked {
    /// Whether a new connection may take this one's place.
    fn evictable(&self, after: Duration) -> bool {
        if self.busy.load(Ordering::Acquire) > 0 {
            return false;
        }
        !self.answered.load(Ordering::Acquire)
            || self
                .idle_since
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .elapsed()
                >= after
    }
}

/// Open connections by accept order, oldest first.
type Open = Arc<Mutex<BTreeMap<u64, Arc<Tracked>>>>;

/// Tells the longest-open connection that may give up its place (see
/// [`Tracked::evictable`]) to close; false when there is none.
fn evict_idle(open: &Open, after: Duration) -> bool {
    let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
    let victim = open
        .iter()
        .find(|(_, c)| c.evictable(after))
        .map(|(id, _)| *id);
    match victim.and_then(|id| open.remove(&id)) {
        Some(connection) => {
            connection.close.notify_one();
            true
        }
        None => false,
    }
}

/// The router as a hyper service that keeps its connection's [`Tracked`]
/// state: busy while a request is answered, idle from when it is.
#[derive(Clone)]
struct TrackedService {
    inner: TowerToHyperService<Router>,
    state: Arc<Tracked>,
}

/// Marks a connection idle again when its request's answer is done (or
/// dropped).
struct BusyGuard(Arc<Tracked>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        *self.0.idle_since.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
        self.0.answered.store(true, Ordering::Release);
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

impl hyper::service::Service<hyper::Request<hyper::body::Incoming>> for TrackedService {
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Self::Error>> + Send>>;

    fn call(&self, request: hyper::Request<hyper::body::Incoming>) -> Self::Future {
        self.state.busy.fetch_add(1, Ordering::AcqRel);
        let guard = BusyGuard(Arc::clone(&self.state));
        let answer = self.inner.call(request);
        Box::pin(async move {
            let response = answer.await;
            drop(guard);
            response
        })
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes,
/// then gives the requests in flight [`Limits::shutdown_grace`] to finish.
///
/// When every place is taken, a new connection takes the place of the
/// longest-open idle one: a client that connected and has not completed a
/// request yet, or a keep-alive connection idle for a second. So a crowd
/// of idle or slow clients cannot keep a real request waiting for their
/// header timeouts. Only when every connection is busy does accepting
/// wait.
pub(crate) async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) {
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let open: Open = Arc::default();
    let evict_after = IDLE_BEFORE_EVICTION.min(limits.header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    let mut next_id: u64 = 0;
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors or a connection reset before it
                    // was accepted: not fatal, but don't spin on it.
                    eprintln!("parallax serve: accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A place for it: free, or freed by closing an idle connection,
        // or (all busy) the first to finish.
        let place = loop {
            if let Ok(place) = Arc::clone(&places).try_acquire_owned() {
                break Some(place);
            }
            let evicted = evict_idle(&open, evict_after);
            let wait = if evicted {
                Duration::from_secs(1)
            } else {
                Duration::from_millis(100)
            };
            tokio::select! {
                place = Arc::clone(&places).acquire_owned() => break place.ok(),
                () = tokio::time::sleep(wait) => {}
                () = &mut shutdown => break None,
            }
        };
        let Some(place) = place else { break };
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let id = next_id;
        let state = Arc::new(Tracked {
            busy: AtomicUsize::new(0),
            answered: AtomicBool::new(false),
            idle_since: Mutex::new(Instant::now()),
            close: Notify::new(),
        });
        open.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, Arc::clone(&state));
        let service = TrackedService {
            inner: TowerToHyperService::new(app.clone()),
            state: Arc::clone(&state),
        };
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let open = Arc::clone(&open);
        tokio::spawn(async move {
            tokio::pin!(connection);
            tokio::select! {
                // Errors here are the client's (a reset, a header timeout).
                _ = &mut connection => {}
                // Idle and wanted elsewhere: dropping it closes the socket,
                // unless a request arrived since it was picked.
                () = state.close.notified() => {
                    if state.busy.load(Ordering::Acquire) > 0 {
                        let _ = connection.await;
                    }
                }
            }
            open.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            drop(place);
        });
    }
    drop(listener);
    // Idle connections close at once; busy ones finish their request.
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {}
    }
}

/// Whether a path belongs to the JSON API.
pub(crate) fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Middleware around every route (see the module docs).
pub(crate) async fn respond(
    State(limits): State<Arc<Limits>>,
    request: Request,
    next: Next,
) -> Response {
    let api = is_api(request.uri().path());
    let method = request.method().clone();
    // Writes (feeds, ingest) take bodies; every other route a small one.
    let max_body = if method == Method::POST {
        limits.max_post_bytes
    } else {
        limits.max_body_bytes
    };
    let mut response = if let Some(refusal) = body_refusal(&request, max_body) {
        let mut refused = error_response(api, StatusCode::PAYLOAD_TOO_LARGE, &refusal);
        // The unread body is still on the wire: don't read it.
        refused
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        refused
    } else {
        match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
            Ok(response) => reword_rejection(api, &method, response).await,
            Err(_) => error_response(
                api,
                StatusCode::SERVICE_UNAVAILABLE,
                &format!(
                    "the request took longer than {} s; try again later",
                    limits.request_timeout.as_secs_f32()
                ),
            ),
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Why a request's body is refused: larger than `max` by its
/// `Content-Length`, or of unknown length (chunked), which no route here
/// takes.
fn body_refusal(request: &Request, max: u64) -> Option<String> {
    let headers = request.headers();
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return Some("request bodies of unknown length are not accepted".to_string());
    }
    let length = headers.get(header::CONTENT_LENGTH)?;
    match length
        .to_str()
        .ok()
        .and_then(|l| l.trim().parse::<u64>().ok())
    {
        Some(n) if n <= max => None,
        Some(n) => Some(format!(
            "the request body is {n} bytes; at most {max} are accepted"
        )),
        None => Some("the Content-Length header is not a number".to_string()),
    }
}

/// An error in the shape the path promises: JSON under `/api/`, a page
/// elsewhere.
fn error_response(api: bool, status: StatusCode, message: &str) -> Response {
    if api {
        ApiError {
            status,
            message: message.to_string(),
        }
        .into_response()
    } else {
        error_page(status, message)
    }
}

/// Most of a framework rejection's plain-text body kept as the message.
const REJECTION_BYTES: usize = 2048;

/// An error response that is neither JSON nor HTML came from the framework
/// (an extractor's rejection, a 405): answered again in the route's shape,
/// with its text as the message and its headers (`Allow`) kept.
async fn reword_rejection(api: bool, method: &Method, response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let shaped = if api {
        content_type.starts_with("application/json")
    } else {
        content_type.starts_with("text/html")
    };
    if shaped {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, REJECTION_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = if !text.is_empty() {
        text
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        format!("{method} is not allowed here; every route answers GET")
    } else {
        status
            .canonical_reason()
            .unwrap_or("request refused")
            .to_string()
    };
    let mut reworded = error_response(api, status, &message);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            reworded.headers_mut().insert(name.clone(), value.clone());
        }
    }
    if *method == Method::HEAD {
        *reworded.body_mut() = Body::empty();
    }
    reworded
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use std::io::{Read, Write};

    /// A GET over a plain socket, read until the server closes it.
    fn exchange(addr: std::net::SocketAddr, path: &str) -> String {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("write");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_past_its_time_is_a_503_in_the_route_shape() {
        let limits = Limits {
            request_timeout: Duration::from_millis(300),
            ..Limits::default()
        };
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        };
        let app = Router::new()
            .route("/api/slow", get(slow))
            .route("/slow", get(slow))
            .route("/api/quick", get(|| async { "quick" }))
            .layer(axum::middleware::from_fn_with_state(
                Arc::new(limits.clone()),
                respond,
            ));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            serve_connections(listener, app, &limits, async {
                let _ = stopped.await;
            })
            .await;
        });

        let started = Instant::now();
        let api = tokio::task::spawn_blocking(move || exchange(addr, "/api/slow"))
            .await
            .expect("client");
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(api.starts_with("HTTP/1.1 503"), "{api}");
        assert!(api.contains("application/json"), "{api}");
        assert!(api.contains("longer than 0.3 s"), "{api}");
        let page = tokio::task::spawn_blocking(move || exchange(addr, "/slow"))
            .await
            .expect("client");
        assert!(page.starts_with("HTTP/1.1 503"), "{page}");
        assert!(page.contains("text/html"), "{page}");
        let quick = tokio::task::spawn_blocking(move || exchange(addr, "/api/quick"))
            .await
            .expect("client");
        assert!(quick.starts_with("HTTP/1.1 200"), "{quick}");
        assert!(quick.to_ascii_lowercase().contains("x-frame-options: deny"));

        let _ = stop.send(());
        server.await.expect("server");
    }
}
