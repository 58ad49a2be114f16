"""Feature-flag tests. The flags are fetched once, at import time, from the features endpoint."""
import os

import requests

FLAGS = requests.get(os.environ["FOCUS_FEATURES_URL"], timeout=(1, 2)).json()


def test_bulk_configure_flag():
    assert FLAGS["bulk_configure"] is True


def test_retry_budget_flag():
    assert FLAGS["retry_budget"] >= 3
