//! In-process misbehaving HTTP servers on 127.0.0.1 for client and probe tests.
//!
//! [`TestServer::start`] runs a tiny HTTP/1.1 server (keep-alive, Content-Length bodies) on
//! `127.0.0.1:0` whose behaviour per request is a handler returning a [`Reply`]: respond (after
//! an optional delay), hang, or close. Ready-made servers: [`TestServer::healthy`],
//! [`TestServer::hanging`], [`TestServer::closing`], [`TestServer::overloaded`] (503 above N
//! requests in flight), [`TestServer::rate_limited`] (429 + `Retry-After`),
//! [`TestServer::flapping`] (fails while a [`Switch`] is down) and
//! [`TestServer::failing_for`] (fails for a time, then recovers). Every server counts what it
//! received (requests, connections, statuses, peak concurrency) and records arrival times.
//!
//! Not HTTP servers: [`refused_addr`] (a port nobody listens on: connection refused) and
//! [`Blackhole`] (a listener that never accepts, its backlog filled: connect timeouts).
//! Everything stops and joins when dropped; every loop is bounded by a stop flag or a timeout.

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often blocked server threads look at the stop flag.
const TICK: Duration = Duration::from_millis(10);
/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// What the server does with one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Answer after `delay`.
    Respond {
        /// Status code.
        status: u16,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body (not sent for HEAD).
        body: Vec<u8>,
        /// Time to wait before answering.
        delay: Duration,
    },
    /// Never answer; keep the connection open until the client closes it or the server stops.
    Hang,
    /// Close the connection without answering.
    Close,
}

impl Reply {
    /// An immediate answer with `status` and a short text body.
    pub fn status(status: u16) -> Reply {
        let body = format!("status {status}\n").into_bytes();
        Reply::Respond {
            status,
            headers: Vec::new(),
            body,
            delay: Duration::ZERO,
        }
    }

    /// Adds a header (ignored for `Hang` and `Close`).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_string(), value.to_string()));
        }
        self
    }

    /// Answers only after `delay` (ignored for `Hang` and `Close`).
    pub fn after(mut self, delay: Duration) -> Reply {
        if let Reply::Respond { delay: d, .. } = &mut self {
            *d = delay;
        }
        self
    }
}

/// One request as the server parsed it, handed to the handler.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The method, e.g. `GET`.
    pub method: String,
    /// The request target, e.g. `/health`.
    pub path: String,
    /// 1 for the first request this server received.
    pub number: usize,
    /// Requests in flight at this server, this one included.
    pub in_flight: usize,
    /// Time since the server started.
    pub since_start: Duration,
}

/// One arrival, as recorded by the server.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// When the request head was complete.
    pub at: Instant,
    /// The method.
    pub method: String,
    /// The request target.
    pub path: String,
    /// Requests in flight at this server, this one included.
    pub in_flight: usize,
}

/// Server-side counters, shared with the connection threads.
#[derive(Debug, Default)]
pub struct ServerStats {
    /// Requests received (complete heads).
    pub requests: Arc<AtomicUsize>,
    /// Connections accepted.
    pub connections: Arc<AtomicUsize>,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
    arrivals: Mutex<Vec<Arrival>>,
    statuses: Mutex<BTreeMap<u16, usize>>,
}

/// A shared on/off switch for [`TestServer::flapping`]: up means healthy.
#[derive(Debug, Clone, Default)]
pub struct Switch(Arc<AtomicBool>);

impl Switch {
    /// A switch that starts down (failing).
    pub fn down() -> Switch {
        Switch::default()
    }

    /// Makes the server healthy.
    pub fn set_up(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Makes the server fail.
    pub fn set_down(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// True when healthy.
    pub fn is_up(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

type Handler = dyn Fn(&Incoming) -> Reply + Send + Sync;

/// A running in-process HTTP server on 127.0.0.1; stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    stats: Arc<ServerStats>,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl TestServer {
    /// Starts a server whose replies come from `handler`.
    pub fn start(handler: impl Fn(&Incoming) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let stats = Arc::new(ServerStats::default());
        let stop = Arc::new(AtomicBool::new(false));
        let workers = Arc::new(Mutex::new(Vec::new()));
        let ctx = Ctx {
            handler: Arc::new(handler),
            stats: Arc::clone(&stats),
            stop: Arc::clone(&stop),
            started: Instant::now(),
        };
        let acceptor = {
            let workers = Arc::clone(&workers);
            std::thread::spawn(move || accept_loop(&listener, &ctx, &workers))
        };
        TestServer {
            addr,
            stats,
            stop,
            acceptor: Some(acceptor),
            workers,
        }
    }

    /// Answers every request with 200.
    pub fn healthy() -> TestServer {
        TestServer::start(|_| Reply::status(200))
    }

    /// Answers every request with `status`.
    pub fn always(status: u16) -> TestServer {
        TestServer::start(move |_| Reply::status(status))
    }

    /// Accepts and reads requests but never answers (read timeouts).
    pub fn hanging() -> TestServer {
        TestServer::start(|_| Reply::Hang)
    }

    /// Reads each request, then closes the connection without answering (a crashing server).
    pub fn closing() -> TestServer {
        TestServer::start(|_| Reply::Close)
    }

    /// Answers 503 at once when more than `limit` requests are in flight, otherwise 200 after
    /// `service_time`.
    pub fn overloaded(limit: usize, service_time: Duration) -> TestServer {
        TestServer::start(move |r| {
            if r.in_flight > limit {
                Reply::status(503)
            } else {
                Reply::status(200).after(service_time)
            }
        })
    }

    /// Answers the first `limited` requests with 429 and `Retry-After: <retry_after>`, then 200.
    pub fn rate_limited(retry_after: &str, limited: usize) -> TestServer {
        let value = retry_after.to_string();
        TestServer::start(move |r| {
            if r.number <= limited {
                Reply::status(429).header("Retry-After", &value)
            } else {
                Reply::status(200)
            }
        })
    }

    /// Answers `down` while `switch` is down and 200 while it is up.
    pub fn flapping(switch: &Switch, down: Reply) -> TestServer {
        let switch = switch.clone();
        TestServer::start(move |_| {
            if switch.is_up() {
                Reply::status(200)
            } else {
                down.clone()
            }
        })
    }

    /// Answers `down` for `duration` after starting, 200 afterwards.
    pub fn failing_for(duration: Duration, down: Reply) -> TestServer {
        TestServer::start(move |r| {
            if r.since_start < duration {
                down.clone()
            } else {
                Reply::status(200)
            }
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The server's counters.
    pub fn stats(&self) -> &Arc<ServerStats> {
        &self.stats
    }

    /// Requests received so far.
    pub fn requests(&self) -> usize {
        self.stats.requests.load(Ordering::SeqCst)
    }

    /// The live request counter, to watch from other threads.
    pub fn request_counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.stats.requests)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.stats.connections.load(Ordering::SeqCst)
    }

    /// The most requests ever in flight at once.
    pub fn peak_in_flight(&self) -> usize {
        self.stats.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Every arrival so far, in order.
    pub fn arrivals(&self) -> Vec<Arrival> {
        lock(&self.stats.arrivals).clone()
    }

    /// Gaps between consecutive arrivals.
    pub fn arrival_gaps(&self) -> Vec<Duration> {
        let at: Vec<Instant> = self.arrivals().iter().map(|a| a.at).collect();
        at.windows(2).map(|w| w[1].duration_since(w[0])).collect()
    }

    /// Responses sent with `status` so far.
    pub fn responses_with(&self, status: u16) -> usize {
        lock(&self.stats.statuses)
            .get(&status)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let workers = std::mem::take(&mut *lock(&self.workers));
        for worker in workers {
            let _ = worker.join();
        }
    }
}

/// What every connection thread needs.
#[derive(Clone)]
struct Ctx {
    handler: Arc<Handler>,
    stats: Arc<ServerStats>,
    stop: Arc<AtomicBool>,
    started: Instant,
}

impl Ctx {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

fn accept_loop(listener: &TcpListener, ctx: &Ctx, workers: &Mutex<Vec<JoinHandle<()>>>) {
    while !ctx.stopped() {
        match listener.accept() {
            Ok((stream, _)) => {
                ctx.stats.connections.fetch_add(1, Ordering::SeqCst);
                let ctx = ctx.clone();
                lock(workers).push(std::thread::spawn(move || serve(stream, &ctx)));
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(2))
            }
            Err(_) => std::thread::sleep(TICK),
        }
    }
}

/// Serves requests on one connection until it closes or the server stops.
fn serve(mut stream: TcpStream, ctx: &Ctx) {
    if stream.set_nonblocking(false).is_err() || stream.set_read_timeout(Some(TICK)).is_err() {
        return;
    }
    let mut buf = Vec::new();
    while let Some((method, path)) = read_request(&mut stream, &mut buf, ctx) {
        let incoming = arrive(ctx, method, path);
        let reply = (ctx.handler)(&incoming);
        let keep_open = answer(&mut stream, &incoming, reply, ctx);
        ctx.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep_open {
            break;
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Counts and records one request.
fn arrive(ctx: &Ctx, method: String, path: String) -> Incoming {
    let stats = &ctx.stats;
    let number = stats.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let in_flight = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.peak_in_flight.fetch_max(in_flight, Ordering::SeqCst);
    let arrival = Arrival {
        at: Instant::now(),
        method: method.clone(),
        path: path.clone(),
        in_flight,
    };
    lock(&stats.arrivals).push(arrival);
    Incoming {
        method,
        path,
        number,
        in_flight,
        since_start: ctx.started.elapsed(),
    }
}

/// Carries out `reply`; returns whether the connection stays open.
fn answer(stream: &mut TcpStream, incoming: &Incoming, reply: Reply, ctx: &Ctx) -> bool {
    match reply {
        Reply::Respond {
            status,
            headers,
            body,
            delay,
        } => {
            if !pause(delay, ctx) {
                return false;
            }
            *lock(&ctx.stats.statuses).entry(status).or_default() += 1;
            let head_only = incoming.method == "HEAD";
            write_response(stream, status, &headers, &body, head_only).is_ok()
        }
        Reply::Hang => {
            hang(stream, ctx);
            false
        }
        Reply::Close => false,
    }
}

/// Sleeps `delay` in ticks; false if the server stopped meanwhile.
fn pause(delay: Duration, ctx: &Ctx) -> bool {
    let end = Instant::now() + delay;
    while Instant::now() < end {
        if ctx.stopped() {
            return false;
        }
        std::thread::sleep(TICK.min(end.saturating_duration_since(Instant::now())));
    }
    true
}

/// Holds the connection until the peer closes it or the server stops.
fn hang(stream: &mut TcpStream, ctx: &Ctx) {
    let mut sink = [0u8; 1024];
    while !ctx.stopped() {
        match stream.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

/// Reads one request head (and skips its Content-Length body). `None` on EOF, error, an
/// oversized head, or stop.
fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>, ctx: &Ctx) -> Option<(String, String)> {
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        fill(stream, buf, ctx)?;
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    buf.drain(..end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < length {
        fill(stream, buf, ctx)?;
    }
    buf.drain(..length);
    Some((method, path))
}

/// Reads what is available within one tick into `buf`; `None` on EOF, error or stop.
fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, ctx: &Ctx) -> Option<()> {
    if ctx.stopped() {
        return None;
    }
    let mut chunk = [0u8; 4096];
    match stream.read(&mut chunk) {
        Ok(0) => None,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            Some(())
        }
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Some(()),
        Err(_) => None,
    }
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    out.push_str(&format!(
        "Content-Length: {}\r\nContent-Type: text/plain\r\n",
        body.len()
    ));
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// A loopback address where nothing listens (bound, then released): connection refused.
pub fn refused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local addr")
}

/// A listener that never accepts, with its accept queue filled by parked connections, so that
/// new connects get no SYN-ACK and time out.
///
/// On Linux the kernel drops SYNs to a listener whose accept queue is full (std listens with
/// backlog 128, so 129 connections fill it here); the client's connect then times out. The
/// constructor checks that a connect really times out and panics otherwise.
pub struct Blackhole {
    addr: SocketAddr,
    _listener: TcpListener,
    parked: Vec<TcpStream>,
}

impl Blackhole {
    /// Binds, fills the backlog (bounded: at most 10 000 connections), and verifies that one
    /// more connect times out.
    pub fn new() -> Blackhole {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let mut parked = Vec::new();
        for _ in 0..10_000 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
                Ok(stream) => parked.push(stream),
                Err(e) if e.kind() == ErrorKind::TimedOut => {
                    return Blackhole {
                        addr,
                        _listener: listener,
                        parked,
                    };
                }
                Err(e) => panic!("filling the backlog of {addr}: unexpected {e}"),
            }
        }
        panic!("the backlog of {addr} never filled: connects to it do not time out here");
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections parked in the accept queue.
    pub fn parked(&self) -> usize {
        self.parked.len()
    }
}
