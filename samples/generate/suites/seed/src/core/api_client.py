"""Focus-server API client, in the style of the test framework the seed report analysed.

One requests.Session per client with a big pool (50) and urllib3 Retry on 503 and connection
errors (POST included: allowed_methods=None), plus an application-level log line when a request
times out.
"""
import logging
import time

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
log = logging.getLogger(__name__)


class FocusServerClient:
    def __init__(self, base_url, token_manager=None, pool_maxsize=50, retries=3, backoff_factor=0.1,
                 connect_timeout=3.0, read_timeout=5.0):
        self.base_url = base_url.rstrip("/")
        self.tokens = token_manager
        self.timeout = (connect_timeout, read_timeout)
        retry = Retry(total=retries, backoff_factor=backoff_factor, status_forcelist=[503],
                      allowed_methods=None)
        adapter = HTTPAdapter(pool_connections=50, pool_maxsize=pool_maxsize, max_retries=retry)
        self.session = requests.Session()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def request(self, method, path, **kw):
        url = self.base_url + path
        headers = {"Authorization": "Bearer " + self.tokens.get_token()} if self.tokens else {}
        t0 = time.perf_counter()
        try:
            # verify=False: staging uses a self-signed certificate
            r = self.session.request(method, url, headers=headers, timeout=self.timeout, verify=False, **kw)
        except requests.exceptions.Timeout:
            log.error("Request timeout after %.2fms for %s %s", (time.perf_counter() - t0) * 1000, method, url)
            raise
        except requests.exceptions.RequestException as e:
            log.error("Request failed after %.2fms for %s %s: %s", (time.perf_counter() - t0) * 1000, method, url, e)
            raise
        log.info("%s %s -> %d in %.1fms", method, url, r.status_code, (time.perf_counter() - t0) * 1000)
        return r

    # focus-server API
    def configure(self, payload):
        return self.request("POST", "/focus-server/configure", json=payload)

    def job_status(self, job_id):
        return self.request("GET", "/focus-server/jobs/%s" % job_id)

    def delete_job(self, job_id):
        return self.request("DELETE", "/focus-server/jobs/%s" % job_id)

    def create_task(self, job_id, kind="stream"):
        return self.request("POST", "/focus-server/tasks", json={"job_id": job_id, "kind": kind})

    def poll_task(self, task_id):
        return self.request("GET", "/focus-server/tasks/%s" % task_id)

    def get(self, path):
        return self.request("GET", path)
