"""Session fixtures: a healthy focus server, a degraded one (503 on everything) and a stalled
one (full accept backlog -> connect timeouts). All on 127.0.0.1 with kernel-chosen ports."""
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


@pytest.fixture(scope="session")
def degraded_server(tls_files):
    srv = HttpServer(mode="unavailable", tls_cert=tls_files[0], tls_key=tls_files[1])
    yield srv
    srv.close()


@pytest.fixture(scope="session")
def stalled_server():
    srv = BacklogListener()
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
