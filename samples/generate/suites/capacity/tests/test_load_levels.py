"""A load ramp against a server of known capacity: each level sends as many concurrent POSTs
as its number (a ThreadPoolExecutor with that many workers, one job each), so the levels
above the server's capacity get 503s and fail, the ones at or below it pass."""
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from requests.adapters import HTTPAdapter

log = logging.getLogger("loadtests.capacity")
LEVELS = [1, 2, 5, 10, 20, 50]


def _session(size):
    s = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=size)
    s.mount("http://", adapter)
    return s


def _job(session, url, n):
    r = session.post(url, json={"name": "job-%03d" % n, "channels": 64}, timeout=(1, 5))
    r.raise_for_status()
    return r.json()["job_id"]


def test_single_job_baseline(http_base):
    with _session(1) as s:
        assert _job(s, http_base + "/focus-server/configure", 0)


@pytest.mark.parametrize("level", LEVELS)
def test_load_levels(http_base, level):
    url = http_base + "/focus-server/configure"
    started = time.monotonic()
    with _session(level) as s, ThreadPoolExecutor(max_workers=level) as pool:
        futures = [pool.submit(_job, s, url, n) for n in range(level)]
        failed = 0
        for n, f in enumerate(futures):
            try:
                f.result()
            except requests.exceptions.RequestException as exc:
                failed += 1
                log.error("job %d at level %d failed: %s", n, level, exc)
    log.info("level %d: %d/%d jobs ok in %.2fs", level, level - failed, level, time.monotonic() - started)
    assert failed == 0, "level %d: %d/%d jobs failed" % (level, failed, level)
