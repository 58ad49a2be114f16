"""Misbehaving loopback servers used to provoke real HTTP-client failures.

Everything here binds to 127.0.0.1 only, on ports chosen by the kernel (port 0).
Nothing ever connects anywhere else.

Behaviours of the HTTP(S) server, chosen by the first path segment:

    /slow/...          sleeps SLOW_SECONDS before answering 200 (> the tests' read timeouts)
    /hold/...          sleeps HOLD_SECONDS before answering 200 (keeps pool connections busy)
    /unavailable/...   503 without Retry-After
    /unavailable-ra/.. 503 with "Retry-After: 1"
    /ratelimit/...     429 with "Retry-After: 1"
    /ratelimit0/...    429 with "Retry-After: 0"
    /ratelimit-then-ok/KEY/N/...  429 ("Retry-After: 0") to the first N requests for KEY, then 200
    /error500/...      500
    /error504/...      504
    /reset/...         reads the request, then closes with SO_LINGER 0 (TCP RST -> ConnectionResetError)
    /drop/...          reads the request, then closes cleanly without answering (RemoteDisconnected)
    /auth/token        200 after TOKEN_HOLD_SECONDS (the "token manager" endpoint)
    /openai/B/v1/...   an OpenAI-compatible API (POST .../chat/completions) whose behaviour B is
                       ok (a chat.completion), stall (sleeps SLOW_SECONDS, then the same),
                       ratelimit (429 "Retry-After: 1" with OpenAI's error body), error500
    anything else      200 {"ok": true, ...} after a few milliseconds

If $RCA_ACCESS_LOG names a file, every server appends a "Serving HTTP on ..." line when it starts
and http.server's standard access-log line for each request to it (otherwise servers are silent).

A server can also be started with mode="unavailable" (every request gets 503) to stand in for a
degraded "focus server" whose URLs look normal (/focus-server/configure).

mode="capacity" with capacity=N is a server of known capacity: it works on at most N requests at
once (each held CAPACITY_HOLD_SECONDS) and answers 503 "over capacity" to any request that
arrives while N are being served.

Other helpers:
    BacklogListener  - listen(0) and never accept; the accept queue is filled with idle
                       connections, so new connects are dropped by the kernel -> connect timeout.
    refused_port()   - a port that was bound and closed again -> ECONNREFUSED.
"""
import json
import os
import socket
import ssl
import struct
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_SECONDS = 2.0
HOLD_SECONDS = 1.0
TOKEN_HOLD_SECONDS = 0.15
# POST /focus-server/configure payloads declaring a load_level above this get 503 (capacity);
# $RCA_CAPACITY_LOAD_LEVEL raises it (the seed suite's healthy baseline run).
CAPACITY_LOAD_LEVEL = int(os.environ.get("RCA_CAPACITY_LOAD_LEVEL") or 15)
# mode="capacity": how long each request that is served is held (so concurrent requests overlap).
CAPACITY_HOLD_SECONDS = 0.4


_access_lock = threading.Lock()
_access_file = None


def _access_log(text):
    """Append one line to $RCA_ACCESS_LOG (when set), flushed at once."""
    global _access_file
    path = os.environ.get("RCA_ACCESS_LOG")
    if not path:
        return
    with _access_lock:
        if _access_file is None:
            _access_file = open(path, "a", buffering=1)
        _access_file.write(text if text.endswith("\n") else text + "\n")
        _access_file.flush()


_hits_lock = threading.Lock()
_hits = {}  # /ratelimit-then-ok/ key -> requests seen


def _openai_completion(body):
    return {"id": "chatcmpl-rca%06d" % (int(time.time() * 1e6) % 1000000), "object": "chat.completion",
            "created": int(time.time()), "model": body.get("model", "gpt-4o-mini"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong", "refusal": None},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 1, "total_tokens": 10}}


OPENAI_429 = {"error": {"message": "Rate limit reached for gpt-4o-mini in organization org-rcasamples on "
                                   "requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.",
                        "type": "requests", "param": None, "code": "rate_limit_exceeded"}}
OPENAI_500 = {"error": {"message": "The server had an error while processing your request. Sorry about that!",
                        "type": "server_error", "param": None, "code": None}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "focus-server-sim/1.0"

    def log_message(self, format, *args):
        # silent unless $RCA_ACCESS_LOG is set: then http.server's own line (and escaping)
        if os.environ.get("RCA_ACCESS_LOG"):
            message = (format % args).translate(self._control_char_table)
            _access_log("%s - - [%s] %s" % (self.address_string(), self.log_date_time_string(), message))

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            return {}

    def _send(self, code, payload=None, headers=None):
        body = json.dumps(payload if payload is not None else {"ok": code < 400}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _abort(self, rst):
        # Close the TCP connection without sending any response.
        if rst:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.connection.close()
        self.close_connection = True
        self._aborted = True

    def _dispatch(self):
        self._aborted = False
        body = self._body()
        first = self.path.lstrip("/").split("/", 1)[0]
        if self.server.mode == "unavailable":
            return self._send(503, {"error": "service unavailable"})
        if self.server.mode == "capacity":
            return self._capacity()
        if first == "slow":
            time.sleep(SLOW_SECONDS)
        elif first == "hold":
            time.sleep(HOLD_SECONDS)
        elif first == "unavailable":
            return self._send(503, {"error": "service unavailable"})
        elif first == "unavailable-ra":
            return self._send(503, {"error": "service unavailable"}, {"Retry-After": "1"})
        elif first == "ratelimit":
            return self._send(429, {"error": "rate limited"}, {"Retry-After": "1"})
        elif first == "ratelimit0":
            return self._send(429, {"error": "rate limited"}, {"Retry-After": "0"})
        elif first == "ratelimit-then-ok":
            key, limit = self.path.lstrip("/").split("/")[1:3]
            with _hits_lock:
                _hits[key] = _hits.get(key, 0) + 1
                n = _hits[key]
            if n <= int(limit):
                return self._send(429, {"error": "rate limited"}, {"Retry-After": "0"})
        elif first == "openai":
            behaviour = self.path.lstrip("/").split("/")[1]
            if behaviour == "ratelimit":
                return self._send(429, OPENAI_429, {"Retry-After": "1"})
            if behaviour == "error500":
                return self._send(500, OPENAI_500)
            if behaviour == "stall":
                time.sleep(SLOW_SECONDS)
            return self._send(200, _openai_completion(body))
        elif first == "error500":
            return self._send(500, {"error": "internal error"})
        elif first == "error504":
            return self._send(504, {"error": "upstream timed out"})
        elif first == "reset":
            return self._abort(rst=True)
        elif first == "drop":
            return self._abort(rst=False)
        elif first == "auth":
            time.sleep(TOKEN_HOLD_SECONDS)
            return self._send(200, {"token": "t-%d" % int(time.time() * 1000), "expires_in": 300})
        else:
            time.sleep(0.005)
        if self.path.endswith("/configure") and self.command == "POST":
            if int(body.get("channels", 0)) > 1024:
                return self._send(400, {"error": "too many channels"})
            if int(body.get("load_level", 0)) > CAPACITY_LOAD_LEVEL:
                return self._send(503, {"error": "capacity exceeded"})
            return self._send(200, {"job_id": "job-%06d" % (int(time.time() * 1e6) % 1000000), "status": "configured"})
        return self._send(200, {"ok": True, "version": "1.4.2", "path": self.path})

    def _capacity(self):
        # at most server.capacity requests in service at once; the rest get 503 at once
        if not self.server.slots.acquire(blocking=False):
            return self._send(503, {"error": "over capacity"})
        try:
            time.sleep(CAPACITY_HOLD_SECONDS)
            return self._send(200, {"job_id": "job-%06d" % (int(time.time() * 1e6) % 1000000), "status": "configured"})
        finally:
            self.server.slots.release()

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch

    def finish(self):
        if getattr(self, "_aborted", False):
            return
        try:
            super().finish()
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, mode="normal", tls_context=None, capacity=None):
        self.mode = mode
        self.slots = threading.BoundedSemaphore(capacity) if capacity else None
        self.tls_context = tls_context
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request, client_address):
        # TLS handshake in the per-connection thread, so a failing handshake blocks nobody.
        if self.tls_context is not None:
            try:
                request = self.tls_context.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                request.close()
                return
        try:
            super().finish_request(request, client_address)
        except OSError:
            pass

    def handle_error(self, request, client_address):  # no tracebacks on the server side
        pass


class HttpServer:
    """A threaded loopback HTTP or HTTPS server running in a daemon thread."""

    def __init__(self, mode="normal", tls_cert=None, tls_key=None, capacity=None):
        ctx = None
        if tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert, tls_key)
        self.scheme = "https" if ctx else "http"
        self._srv = _Server(mode, ctx, capacity)
        self.port = self._srv.server_address[1]
        _access_log("Serving %s on 127.0.0.1 port %d (%s/) ..." % (self.scheme.upper(), self.port, self.base_url))
        self._thread = threading.Thread(target=self._srv.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()

    @property
    def base_url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def close(self):
        self._srv.shutdown()
        self._srv.server_close()


class BacklogListener:
    """A listener that never accepts. listen(0) plus a few idle connections fill the accept
    queue; the kernel then drops further SYNs, so clients see a connect timeout."""

    def __init__(self, fillers=4):
        self._ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._ls.bind(("127.0.0.1", 0))
        self._ls.listen(0)
        self.port = self._ls.getsockname()[1]
        self._fillers = []
        for _ in range(fillers):
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self._fillers.append(c)
        time.sleep(0.2)

    def base_url(self, scheme="https"):
        return "%s://127.0.0.1:%d" % (scheme, self.port)

    def close(self):
        for c in self._fillers:
            c.close()
        self._ls.close()


def refused_port():
    """A loopback port with nothing listening on it (bound, then closed)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def self_signed_cert(directory):
    """Create (once) a self-signed certificate for CN=127.0.0.1 with openssl; returns (cert, key)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    if not (os.path.exists(cert) and os.path.exists(key)):
        os.makedirs(directory, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
             "-days", "2", "-subj", "/CN=127.0.0.1"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key
