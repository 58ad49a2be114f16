"""Session fixture for the rate-limit suite: one loopback HTTP server (127.0.0.1 only)."""
import pytest

from rca_servers import HttpServer


@pytest.fixture(scope="session")
def http_base():
    srv = HttpServer()
    yield srv.base_url
    srv.close()
