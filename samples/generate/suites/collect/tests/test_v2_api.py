"""Tests of the focus-server v2 API."""
import pytest
import requests

V2_DEPLOYED = False  # flip when v2 reaches staging

if not V2_DEPLOYED:
    pytest.skip("focus-server v2 API not deployed on staging", allow_module_level=True)


def test_v2_status(http_base):
    assert requests.get(http_base + "/v2/focus-server/status", timeout=(1, 2)).ok
