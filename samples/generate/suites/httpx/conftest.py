"""Session fixtures for the one-failure-per-test suite. Every address is 127.0.0.1."""
import os

import pytest

from rca_servers import BacklogListener, HttpServer, refused_port, self_signed_cert


@pytest.fixture(scope="session")
def http_base():
    srv = HttpServer()
    yield srv.base_url
    srv.close()


@pytest.fixture(scope="session")
def https_base():
    cert, key = self_signed_cert(os.environ.get("RCA_CERT_DIR", "/tmp/rca-samples-cert"))
    srv = HttpServer(tls_cert=cert, tls_key=key)
    yield srv.base_url
    srv.close()


@pytest.fixture(scope="session")
def stalled_base():
    srv = BacklogListener()
    yield srv.base_url("https")
    srv.close()


@pytest.fixture(scope="session")
def refused_base():
    return "http://127.0.0.1:%d" % refused_port()
