"""Token manager. Note the flaw the seed report found: its Session is built with requests'
defaults (pool_maxsize=10) while the load tests call it from dozens of threads, so urllib3 logs
"Connection pool is full, discarding connection: ... Connection pool size: 10"."""
import logging

import requests

log = logging.getLogger(__name__)


class TokenManager:
    def __init__(self, auth_url):
        self.auth_url = auth_url
        self.session = requests.Session()  # default HTTPAdapter: pool_maxsize=10

    def get_token(self):
        # no caching: every API call fetches a fresh token
        r = self.session.get(self.auth_url, timeout=(3.0, 5.0), verify=False)
        r.raise_for_status()
        return r.json()["token"]
