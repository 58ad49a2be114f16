"""Fixtures for the openai suite: a fake OpenAI-compatible API on 127.0.0.1 (rca_servers'
/openai/<behaviour>/v1 paths), the full-backlog listener and a refused port."""
import pytest

from rca_servers import BacklogListener, HttpServer, refused_port


@pytest.fixture(scope="session")
def api_base():
    srv = HttpServer()
    yield srv.base_url
    srv.close()


@pytest.fixture(scope="session")
def stalled_base():
    srv = BacklogListener()
    yield srv.base_url("http")
    srv.close()


@pytest.fixture(scope="session")
def refused_base():
    return "http://127.0.0.1:%d" % refused_port()
