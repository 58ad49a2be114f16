//! The wire: the [`Transport`] trait, its ureq implementation [`UreqTransport`], and the
//! mapping of ureq errors to [`ErrorClass`] and `rca` [`Category`] ids.
//!
//! One [`Transport::send`] is one attempt; retries, limits and the breaker live in the client.
//! ureq 3 is blocking, uses rustls (no OpenSSL) and has per-phase timeouts, but it does not
//! expose per-phase timings (its `CallTimings` is private): the transport reports the time to
//! the response head (status and headers, the nearest thing to first byte) and the client
//! measures the whole attempt. DNS, connect and TLS durations are not available.

use super::attempt::ErrorClass;
use super::config::ClientConfig;
use crate::model::Category;
use std::fmt::Debug;
use std::io::{self, Read};
use std::time::{Duration, Instant};
use ureq::http::{self, Method};

/// Per-attempt limits handed to the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// DNS plus TCP connect plus TLS handshake.
    pub connect: Duration,
    /// Each of: sending the request, receiving the head, receiving the body.
    pub read: Duration,
    /// The whole attempt (what is left of the request's overall deadline).
    pub total: Duration,
}

/// One attempt to send.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The method.
    pub method: &'a Method,
    /// The absolute URL.
    pub url: &'a str,
    /// The body, if any.
    pub body: Option<&'a [u8]>,
    /// The limits.
    pub timeouts: Timeouts,
    /// Body bytes to read at most; the rest is left unread.
    pub max_body_bytes: usize,
}

/// A response as the transport saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The raw `Retry-After` header, if present.
    pub retry_after: Option<String>,
    /// The body, truncated at `Call::max_body_bytes`.
    pub body: Vec<u8>,
    /// Time from sending to the complete response head.
    pub head_latency: Option<Duration>,
}

/// An attempt that produced no usable response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Where it failed.
    pub class: ErrorClass,
    /// The `rca` category.
    pub category: Category,
    /// The error text.
    pub message: String,
    /// Time to the response head, when the failure came while reading the body.
    pub head_latency: Option<Duration>,
}

/// Sends one attempt. Implementations must be usable from many threads at once.
pub trait Transport: Send + Sync + Debug {
    /// Performs one attempt and reports a reply or a classified failure.
    fn send(&self, call: &Call<'_>) -> Result<Reply, Failure>;
}

/// The real transport: a shared [`ureq::Agent`] with its connection pool.
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    /// An agent configured from `config`: timeouts, pool sizes, redirects, user agent, proxy.
    /// Error statuses are returned as responses, not errors.
    pub fn new(config: &ClientConfig) -> Self {
        let read = Some(config.read_timeout);
        let proxy = if config.proxy_from_env {
            ureq::Proxy::try_from_env()
        } else {
            None
        };
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(proxy)
            .max_idle_connections(config.pool_max_idle)
            .max_idle_connections_per_host(config.pool_max_idle_per_host)
            .max_redirects(config.max_redirects)
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .disable_verification(!config.tls_verify)
                    .build(),
            )
            .user_agent(config.user_agent.as_str())
            .timeout_resolve(Some(config.connect_timeout))
            .timeout_connect(Some(config.connect_timeout))
            .timeout_send_request(read)
            .timeout_send_body(read)
            .timeout_recv_response(read)
            .timeout_recv_body(read)
            .timeout_global(Some(config.overall_timeout))
            .build()
            .new_agent();
        UreqTransport { agent }
    }

    fn run<B: ureq::AsSendBody>(&self, call: &Call<'_>, body: B) -> Result<Reply, Failure> {
        let request = http::Request::builder()
            .method(call.method.clone())
            .uri(call.url)
            .body(body)
            .map_err(|e| failure(ErrorClass::Other, Category::HttpError, e.to_string(), None))?;
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(call.timeouts.total))
            .timeout_connect(Some(call.timeouts.connect))
            .timeout_recv_response(Some(call.timeouts.read))
            .timeout_recv_body(Some(call.timeouts.read))
            .build();
        let sent = Instant::now();
        let mut response = self.agent.run(request).map_err(|e| from_ureq(&e, None))?;
        let head = Some(sent.elapsed());
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let status = response.status().as_u16();
        let limit = u64::try_from(call.max_body_bytes).unwrap_or(u64::MAX);
        let mut body = Vec::new();
        let mut reader = response.body_mut().as_reader().take(limit);
        reader
            .read_to_end(&mut body)
            .map_err(|e| from_body_io(e, head))?;
        Ok(Reply {
            status,
            retry_after,
            body,
            head_latency: head,
        })
    }
}

impl Transport for UreqTransport {
    fn send(&self, call: &Call<'_>) -> Result<Reply, Failure> {
        match call.body {
            Some(bytes) => self.run(call, bytes),
            None => self.run(call, ()),
        }
    }
}

fn failure(
    class: ErrorClass,
    category: Category,
    message: String,
    head: Option<Duration>,
) -> Failure {
    Failure {
        class,
        category,
        message,
        head_latency: head,
    }
}

fn from_ureq(err: &ureq::Error, head: Option<Duration>) -> Failure {
    let (class, category) = classify(err);
    failure(class, category, err.to_string(), head)
}

/// Body reads surface ureq errors wrapped in `io::Error`; unwrap them to classify.
fn from_body_io(err: io::Error, head: Option<Duration>) -> Failure {
    match err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>())
    {
        Some(inner) => from_ureq(inner, head),
        None => {
            let (class, category) = classify_io(&err);
            failure(class, category, err.to_string(), head)
        }
    }
}

/// Maps a ureq error to its class and `rca` category.
///
/// | ureq error | class | category |
/// |---|---|---|
/// | `Timeout(Resolve)`, `HostNotFound` | connect | `dns_failure` |
/// | `Timeout(Connect)` | connect | `connect_timeout` |
/// | `Timeout(Global \| PerCall)` | read | `request_timeout` |
/// | other `Timeout(..)` (send, receive head/body) | read | `read_timeout` |
/// | `Io`: see [`classify_io`] | | |
/// | `ConnectionFailed`, `ConnectProxyFailed` | connect | `connection_refused` |
/// | `Tls`, `Rustls`, `Pem`, `TlsRequired` | connect | `tls_error` |
/// | `Protocol` (malformed or cut-off response) | read | `connection_reset` |
/// | anything else (redirects, header size, bad URI, ...) | other | `http_error` |
pub fn classify(err: &ureq::Error) -> (ErrorClass, Category) {
    use ureq::Error as E;
    match err {
        E::Timeout(t) => classify_timeout(*t),
        E::HostNotFound => (ErrorClass::Connect, Category::DnsFailure),
        E::Io(e) => classify_io(e),
        E::ConnectionFailed | E::ConnectProxyFailed(_) => {
            (ErrorClass::Connect, Category::ConnectionRefused)
        }
        E::Tls(_) | E::Rustls(_) | E::Pem(_) | E::TlsRequired => {
            (ErrorClass::Connect, Category::TlsError)
        }
        E::Protocol(_) | E::BodyStalled => (ErrorClass::Read, Category::ConnectionReset),
        _ => (ErrorClass::Other, Category::HttpError),
    }
}

fn classify_timeout(timeout: ureq::Timeout) -> (ErrorClass, Category) {
    use ureq::Timeout as T;
    match timeout {
        T::Resolve => (ErrorClass::Connect, Category::DnsFailure),
        T::Connect => (ErrorClass::Connect, Category::ConnectTimeout),
        T::Global | T::PerCall => (ErrorClass::Read, Category::RequestTimeout),
        _ => (ErrorClass::Read, Category::ReadTimeout),
    }
}

/// Maps an I/O error: refused and unreachable are connect failures (`connection_refused`,
/// as `rca analyze` files EHOSTUNREACH), an OS-level `TimedOut` is a connect timeout (ureq
/// reports its own read deadlines as `Timeout`), and everything else (reset, abort, broken
/// pipe, EOF) is a read failure filed as `connection_reset`. A wrapped rustls error is a
/// `tls_error`.
pub fn classify_io(err: &io::Error) -> (ErrorClass, Category) {
    use io::ErrorKind as K;
    // ureq hands rustls failures (an unknown issuer, a name mismatch, a server that does
    // not speak TLS) over as I/O errors wrapping the rustls error.
    if err
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some())
    {
        return (ErrorClass::Connect, Category::TlsError);
    }
    match err.kind() {
        K::ConnectionRefused
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::NetworkDown
        | K::AddrNotAvailable => (ErrorClass::Connect, Category::ConnectionRefused),
        K::TimedOut => (ErrorClass::Connect, Category::ConnectTimeout),
        _ => (ErrorClass::Read, Category::ConnectionReset),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::Timeout as T;

    #[test]
    fn timeouts_map_by_phase() {
        let cases = [
            (T::Resolve, ErrorClass::Connect, Category::DnsFailure),
            (T::Connect, ErrorClass::Connect, Category::ConnectTimeout),
            (T::RecvResponse, ErrorClass::Read, Category::ReadTimeout),
            (T::RecvBody, ErrorClass::Read, Category::ReadTimeout),
            (T::SendRequest, ErrorClass::Read, Category::ReadTimeout),
            (T::Global, ErrorClass::Read, Category::RequestTimeout),
        ];
        for (t, class, category) in cases {
            assert_eq!(
                classify(&ureq::Error::Timeout(t)),
                (class, category),
                "{t:?}"
            );
        }
    }

    #[test]
    fn io_errors_map_by_kind() {
        let io = |k: io::ErrorKind| ureq::Error::Io(io::Error::from(k));
        let refused = (ErrorClass::Connect, Category::ConnectionRefused);
        assert_eq!(classify(&io(io::ErrorKind::ConnectionRefused)), refused);
        assert_eq!(classify(&io(io::ErrorKind::HostUnreachable)), refused);
        let reset = (ErrorClass::Read, Category::ConnectionReset);
        assert_eq!(classify(&io(io::ErrorKind::ConnectionReset)), reset);
        assert_eq!(classify(&io(io::ErrorKind::UnexpectedEof)), reset);
        assert_eq!(classify(&io(io::ErrorKind::BrokenPipe)), reset);
        let timeout = (ErrorClass::Connect, Category::ConnectTimeout);
        assert_eq!(classify(&io(io::ErrorKind::TimedOut)), timeout);
        // What ureq returns for a certificate rustls refuses.
        let bad_cert = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        assert_eq!(
            classify(&ureq::Error::Io(bad_cert)),
            (ErrorClass::Connect, Category::TlsError)
        );
    }

    #[test]
    fn other_errors() {
        assert_eq!(
            classify(&ureq::Error::HostNotFound),
            (ErrorClass::Connect, Category::DnsFailure)
        );
        assert_eq!(
            classify(&ureq::Error::Tls("bad cert")),
            (ErrorClass::Connect, Category::TlsError)
        );
        assert_eq!(
            classify(&ureq::Error::TooManyRedirects),
            (ErrorClass::Other, Category::HttpError)
        );
        assert_eq!(
            classify(&ureq::Error::ConnectionFailed).1,
            Category::ConnectionRefused
        );
    }

    #[test]
    fn body_io_errors_unwrap_the_inner_ureq_error() {
        let wrapped = io::Error::other(ureq::Error::Timeout(T::RecvBody));
        let f = from_body_io(wrapped, Some(Duration::from_millis(3)));
        assert_eq!(
            (f.class, f.category),
            (ErrorClass::Read, Category::ReadTimeout)
        );
        assert_eq!(f.head_latency, Some(Duration::from_millis(3)));
        let plain = from_body_io(io::Error::from(io::ErrorKind::ConnectionReset), None);
        assert_eq!(plain.category, Category::ConnectionReset);
    }
}
