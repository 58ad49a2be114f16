"""Session fixture for the capacity suite: one loopback server of known capacity (127.0.0.1
only) that serves at most SERVER_CAPACITY requests at once and answers 503 beyond."""
import pytest

from rca_servers import HttpServer

# The known capacity the knee estimated from the log must find (within one load level).
SERVER_CAPACITY = 8


@pytest.fixture(scope="session")
def http_base():
    srv = HttpServer(mode="capacity", capacity=SERVER_CAPACITY)
    yield srv.base_url
    srv.close()
