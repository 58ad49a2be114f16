"""Fixtures for the collection-error suite. Every address is 127.0.0.1.

The refused URL is put in the environment here, at conftest import, because one test module
fetches its feature flags from it at import time (a collection error)."""
import os

import pytest

from rca_servers import HttpServer, refused_port

os.environ["FOCUS_FEATURES_URL"] = "http://127.0.0.1:%d/focus-server/features" % refused_port()


@pytest.fixture(scope="session")
def http_base():
    srv = HttpServer()
    yield srv.base_url
    srv.close()
