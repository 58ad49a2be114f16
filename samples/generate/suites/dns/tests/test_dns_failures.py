"""Requests to a staging host name that does not resolve (names under .invalid; the stub resolver
answers NXDOMAIN, or SERVFAIL for "flaky..." names)."""
import logging

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

log = logging.getLogger("loadtests.client")


def test_status_unknown_host():
    requests.get("http://staging-api.invalid/focus-server/status", timeout=(1, 2))


def test_configure_unknown_host_with_retries():
    s = requests.Session()
    s.mount("https://", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.05, allowed_methods=None)))
    log.info("configuring job on staging-api.invalid")
    s.post("https://staging-api.invalid/focus-server/configure", json={"channels": 64}, timeout=(1, 2))


def test_resolver_servfail_with_retries():
    s = requests.Session()
    s.mount("http://", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.05)))
    s.get("http://flaky-dns.staging-api.invalid/focus-server/status", timeout=(1, 2))


def test_local_server_still_reachable(http_base):
    assert requests.get(http_base + "/focus-server/status", timeout=(1, 2)).status_code == 200
