"""Job-capacity load tests: POST /focus-server/configure creates streaming jobs."""
import logging
import time

import pytest

from src.load.runner import run_concurrent

log = logging.getLogger(__name__)


def _job_payload(i, channels=64, load_level=1):
    return {"name": "job-%03d" % i, "channels": channels, "rate_hz": 1000, "load_level": load_level}


def _submit_jobs(client, count, workers, load_level=1):
    def one(i):
        r = client.configure(_job_payload(i, load_level=load_level))
        r.raise_for_status()
        return r.json()["job_id"]
    return run_concurrent(one, count, workers)


def test_single_job_baseline(stalled_client):
    log.info("submitting baseline job")
    r = stalled_client.configure(_job_payload(0))
    assert r.status_code == 200, "baseline job failed"


def test_heavy_config_concurrent(stalled_client):
    ok, failed = _submit_jobs(stalled_client, 10, workers=10)
    assert failed == 0, "%d/10 jobs failed (%d%% success)" % (failed, ok * 10)


def test_extreme_concurrent_load(stalled_client):
    ok, failed = _submit_jobs(stalled_client, 30, workers=30)
    assert ok > 0, "every job failed: %d/30 jobs failed" % failed


def test_recovery_after_stress(degraded_client):
    log.info("stress phase done, checking that the server recovers")
    ok, failed = _submit_jobs(degraded_client, 20, workers=20)
    assert failed == 0, "%d/20 jobs failed after stress" % failed


@pytest.mark.parametrize("level", [5, 10, 20, 50])
def test_linear_load_progression(client, level):
    log.info("load level %d: %d concurrent jobs", level, level)
    ok, failed = _submit_jobs(client, level, workers=level, load_level=level)
    assert failed == 0, "could not create jobs at level %d: %d/%d failed" % (level, failed, level)


def test_job_creation_time(stalled_client):
    t0 = time.perf_counter()
    stalled_client.configure(_job_payload(1))
    assert time.perf_counter() - t0 < 2.0


def test_job_status_after_configure(client):
    job_id = client.configure(_job_payload(2)).json()["job_id"]
    assert client.job_status(job_id).status_code == 200


@pytest.mark.parametrize("channels", [8, 64, 256])
def test_configure_payload_validation(client, channels):
    r = client.configure(_job_payload(3, channels=channels))
    assert r.status_code == 200 and r.json()["status"] == "configured"


def test_max_channels_rejected(client):
    r = client.configure(_job_payload(4, channels=4096))
    assert r.status_code == 400


def test_burst_config_requests(stalled_client):
    ok, failed = _submit_jobs(stalled_client, 25, workers=25)
    assert failed == 0, "burst: %d/25 jobs failed" % failed


def test_streaming_job_lifecycle(stalled_client):
    job = stalled_client.configure(_job_payload(5)).json()
    assert job["status"] == "configured"


def test_job_delete(client):
    job_id = client.configure(_job_payload(6)).json()["job_id"]
    assert client.delete_job(job_id).status_code == 200


@pytest.mark.parametrize("size", ["json-small", "json-large"])
def test_config_roundtrip(client, size):
    channels = 8 if size == "json-small" else 1024
    r = client.configure(_job_payload(7, channels=channels))
    assert r.json()["status"] == "configured"


def test_sustained_job_load(stalled_client):
    for i in range(3):
        stalled_client.configure(_job_payload(100 + i))
