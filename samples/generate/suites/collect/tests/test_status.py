"""Status endpoint tests that import fine: two pass, two fail."""
import logging

import requests

log = logging.getLogger("loadtests.status")


def test_status_ok(http_base):
    r = requests.get(http_base + "/focus-server/status", timeout=(1, 2))
    r.raise_for_status()
    log.info("status ok: %s", r.json()["ok"])


def test_version_ok(http_base):
    assert requests.get(http_base + "/focus-server/version", timeout=(1, 2)).json()["version"] == "1.4.2"


def test_config_unavailable(http_base):
    requests.get(http_base + "/unavailable/focus-server/config", timeout=(1, 2)).raise_for_status()


def test_jobs_read_timeout(http_base):
    requests.get(http_base + "/slow/focus-server/jobs", timeout=(1, 0.5))
