"""Session fixtures: a healthy focus server, a degraded one (503 on everything) and a stalled
one (full accept backlog -> connect timeouts). All on 127.0.0.1 with kernel-chosen ports.

With RCA_SEED_HEALTHY=1 the same suite runs against servers that behave (the "good night" a
failed run is compared with, `rca analyze --baseline`): the degraded and the stalled server are
healthy focus servers too, and the configure endpoint's capacity is above the suite's highest
load level (rca_servers reads RCA_CAPACITY_LOAD_LEVEL)."""
import os

import pytest

from rca_servers import BacklogListener, HttpServer, self_signed_cert
from src.core.api_client import FocusServerClient
from src.core.token_manager import TokenManager


@pytest.fixture(scope="session")
def tls_files():
    return self_signed_cert(os.environ.get("RCA_CERT_DIR", "/tmp/rca-samples-cert"))


@pytest.fixture(scope="session")
def focus_server(tls_files):
    srv = HttpServer(tls_cert=tls_files[0], tls_key=tls_files[1])
    yield srv
    srv.close()


HEALTHY = os.environ.get("RCA_SEED_HEALTHY") == "1"


class _HealthyListener:
    """A healthy server in place of the stalled listener (same base_url(scheme) call)."""

    def __init__(self, tls_files):
        self._srv = HttpServer(tls_cert=tls_files[0], tls_key=tls_files[1])

    def base_url(self, scheme="https"):
        return self._srv.base_url

    def close(self):
        self._srv.close()


@pytest.fixture(scope="session")
def degraded_server(tls_files):
    mode = "normal" if HEALTHY else "unavailable"
    srv = HttpServer(mode=mode, tls_cert=tls_files[0], tls_key=tls_files[1])
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def stalled_server(tls_files):
    srv = _HealthyListener(tls_files) if HEALTHY else BacklogListener()
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def token_manager(focus_server):
    return TokenManager(focus_server.base_url + "/auth/token")


@pytest.fixture
def client(focus_server, token_manager):
    return FocusServerClient(focus_server.base_url, token_manager)


@pytest.fixture
def degraded_client(degraded_server, token_manager):
    return FocusServerClient(degraded_server.base_url, token_manager)


@pytest.fixture
def stalled_client(stalled_server, token_manager):
    # a short connect timeout keeps the run fast (the seed's was 60 s)
    return FocusServerClient(stalled_server.base_url("https"), token_manager, connect_timeout=0.5)
