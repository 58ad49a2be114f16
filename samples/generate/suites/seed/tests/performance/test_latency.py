"""Latency checks on the configure endpoint and a few read endpoints."""
import logging
import time

log = logging.getLogger(__name__)


def _latencies(fn, n):
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return sorted(out)


def _pct(values, p):
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def test_config_endpoint_p50_latency(client):
    lat = _latencies(lambda i: client.configure({"name": "lat-%d" % i, "channels": 8}), 10)
    log.info("p50 = %.1fms", _pct(lat, 50))
    assert _pct(lat, 50) < 500


def test_config_endpoint_p95_latency(stalled_client):
    lat = _latencies(lambda i: stalled_client.configure({"name": "lat-%d" % i, "channels": 8}), 5)
    assert _pct(lat, 95) < 1000


def test_config_endpoint_p99_latency(stalled_client):
    lat = _latencies(lambda i: stalled_client.configure({"name": "lat-%d" % i, "channels": 8}), 5)
    assert _pct(lat, 99) < 2000


def test_config_endpoint_throughput(stalled_client):
    t0 = time.perf_counter()
    for i in range(5):
        stalled_client.configure({"name": "tp-%d" % i, "channels": 8})
    assert 5 / (time.perf_counter() - t0) > 2


def test_status_endpoint_latency(client):
    lat = _latencies(lambda i: client.get("/focus-server/status"), 5)
    assert _pct(lat, 95) < 500


def test_metrics_endpoint_latency(client):
    lat = _latencies(lambda i: client.get("/focus-server/metrics"), 5)
    assert _pct(lat, 95) < 500


def test_health_endpoint(client):
    assert client.get("/focus-server/health").json()["ok"] is True


def test_server_version(client):
    assert client.get("/focus-server/version").json()["version"].startswith("1.")
