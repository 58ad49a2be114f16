"""429 handling with requests + urllib3 Retry: exhaustion, plain raise_for_status, a 5xx control."""
import logging

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger("loadtests.ratelimit")
PAYLOAD = {"name": "job-001", "channels": 64}


def _session(retry):
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=retry))
    return s


def test_429_retry_after_0_exhausted(http_base):
    # the server says Retry-After: 0; urllib3 honours it and retries at once, three times
    retry = Retry(total=3, status_forcelist=[429], backoff_factor=0.05,
                  respect_retry_after_header=True, allowed_methods=None)
    _session(retry).post(http_base + "/ratelimit0/focus-server/configure", json=PAYLOAD, timeout=(1, 2))


def test_429_retry_after_1_exhausted(http_base):
    # Retry-After: 1 is honoured once (one second), then the retries are used up
    retry = Retry(total=1, status_forcelist=[429], backoff_factor=0.05, respect_retry_after_header=True)
    _session(retry).get(http_base + "/ratelimit/focus-server/status", timeout=(1, 2))


def test_429_urllib3_pool_manager(http_base):
    # urllib3 on its own: MaxRetryError caused by ResponseError('too many 429 error responses')
    pm = urllib3.PoolManager(retries=Retry(total=2, status_forcelist=[429], backoff_factor=0.01))
    pm.request("GET", http_base + "/ratelimit0/focus-server/jobs", timeout=urllib3.Timeout(connect=1, read=2))


def test_429_exhaustion_logged_then_assert(http_base):
    # the client catches the RetryError, logs it, and returns nothing: the test fails on an assert
    retry = Retry(total=2, status_forcelist=[429], backoff_factor=0.01, allowed_methods=None)
    url = http_base + "/ratelimit0/focus-server/configure"
    job = None
    try:
        job = _session(retry).post(url, json=PAYLOAD, timeout=(1, 2)).json()
    except requests.exceptions.RetryError as exc:
        log.error("giving up on POST %s: %s", url, exc)
    assert job is not None, "job was not created"


def test_429_raise_for_status(http_base):
    requests.post(http_base + "/ratelimit0/focus-server/configure", json=PAYLOAD, timeout=(1, 2)).raise_for_status()


def test_429_retries_silent_then_raise_for_status(http_base):
    # raise_on_status=False: the retries are used up silently and the last 429 is returned
    retry = Retry(total=2, status_forcelist=[429], backoff_factor=0.01, raise_on_status=False)
    _session(retry).get(http_base + "/ratelimit0/focus-server/status", timeout=(1, 2)).raise_for_status()


def test_503_retry_exhausted(http_base):
    # the control: a 5xx exhaustion is retry_exhausted only
    retry = Retry(total=2, status_forcelist=[503], backoff_factor=0.01)
    _session(retry).get(http_base + "/unavailable/focus-server/status", timeout=(1, 2))


def test_429_then_ok_passes(http_base):
    # two 429s, then 200: the retries absorb the rate limit and the test passes
    retry = Retry(total=3, status_forcelist=[429], backoff_factor=0.01)
    r = _session(retry).get(http_base + "/ratelimit-then-ok/passes/2/focus-server/status", timeout=(1, 2))
    r.raise_for_status()
    log.info("status ok after retries: %s", r.json()["ok"])
