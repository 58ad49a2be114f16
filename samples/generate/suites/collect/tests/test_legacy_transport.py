"""Tests of the legacy App Engine transport (urllib3 1.x only)."""
import requests
from urllib3.contrib import appengine


def test_appengine_manager_is_used():
    assert appengine.is_appengine_sandbox() is False
    assert requests.get
