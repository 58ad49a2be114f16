"""httpx / httpcore failures against the loopback servers."""
import logging
import threading
import time

import httpx

log = logging.getLogger("loadtests.httpx")


def _client(connect=1.0, read=2.0, pool=1.0, max_connections=10):
    return httpx.Client(timeout=httpx.Timeout(5.0, connect=connect, read=read, pool=pool),
                        limits=httpx.Limits(max_connections=max_connections))


def test_healthy_status(http_base):
    with _client() as c:
        r = c.get(http_base + "/focus-server/status")
        r.raise_for_status()


def test_connect_timeout(stalled_base):
    with _client(connect=0.5) as c:
        c.post(stalled_base + "/focus-server/configure", json={"channels": 64})


def test_read_timeout(http_base):
    with _client(read=0.5) as c:
        c.get(http_base + "/slow/focus-server/status")


def test_pool_timeout(http_base):
    # one connection allowed; the second request waits 0.2 s for it and gives up
    with _client(pool=0.2, max_connections=1) as c:
        first = threading.Thread(target=c.get, args=(http_base + "/hold/focus-server/status",))
        first.start()
        time.sleep(0.2)
        try:
            c.get(http_base + "/focus-server/status")
        finally:
            first.join()


def test_connection_refused(refused_base):
    with _client() as c:
        c.get(refused_base + "/focus-server/status")


def test_server_disconnected(http_base):
    with _client() as c:
        c.get(http_base + "/drop/focus-server/status")


def test_tls_certificate_verify_failed(https_base):
    with _client() as c:
        c.get(https_base + "/focus-server/status")


def test_rate_limited_429(http_base):
    with _client() as c:
        c.post(http_base + "/ratelimit/focus-server/configure", json={"channels": 64}).raise_for_status()


def test_service_unavailable_503(http_base):
    with _client() as c:
        c.get(http_base + "/unavailable/focus-server/status").raise_for_status()


def test_internal_error_500(http_base):
    with _client() as c:
        c.post(http_base + "/error500/focus-server/configure", json={"channels": 64}).raise_for_status()


def test_concurrent_status_ok(http_base):
    with _client(max_connections=5) as c:
        results = []
        threads = [threading.Thread(target=lambda: results.append(c.get(http_base + "/focus-server/status").status_code))
                   for _ in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [200] * 5
