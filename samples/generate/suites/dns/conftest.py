"""Fixtures for the DNS suite. It runs inside run_in_netns.sh (loopback-only namespace with a stub
resolver); the local server below is inside that namespace too."""
import pytest

from rca_servers import HttpServer


@pytest.fixture(scope="session")
def http_base():
    srv = HttpServer()
    yield srv.base_url
    srv.close()
