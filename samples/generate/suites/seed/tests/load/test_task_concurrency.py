"""Task creation and polling under concurrency."""
import logging

import pytest

from src.load.runner import run_concurrent

log = logging.getLogger(__name__)


def test_concurrent_task_creation(stalled_client):
    def one(i):
        stalled_client.create_task("job-%03d" % i).raise_for_status()
    ok, failed = run_concurrent(one, 20, workers=20)
    assert ok == 20, "%d/20 tasks created (%d%% success rate)" % (ok, ok * 5)


def test_concurrent_task_polling(degraded_client):
    def one(i):
        degraded_client.poll_task("task-%03d" % i).raise_for_status()
    ok, failed = run_concurrent(one, 20, workers=20)
    assert failed == 0, "%d/20 polls failed with 503 errors" % failed


def test_concurrent_task_max_limit(stalled_client):
    reliable = None
    for batch in (2, 4):
        def one(i):
            stalled_client.create_task("job-max-%d-%d" % (batch, i)).raise_for_status()
        ok, failed = run_concurrent(one, batch, workers=batch)
        if failed == 0:
            reliable = batch
        else:
            break
    assert reliable is not None, "found no reliable max task count"


def test_task_status_under_load(degraded_client):
    def one(i):
        degraded_client.poll_task("task-%03d" % i).raise_for_status()
    ok, failed = run_concurrent(one, 8, workers=8)
    assert failed == 0, "%d/8 task status calls failed" % failed


def test_mixed_workload(client, degraded_client):
    def one(i):
        c = client if i % 2 == 0 else degraded_client
        r = c.configure({"name": "mixed-%d" % i, "channels": 8}) if i % 2 == 0 else c.poll_task("task-%d" % i)
        r.raise_for_status()
    ok, failed = run_concurrent(one, 20, workers=20)
    assert failed == 0, "mixed workload: %d/20 requests failed" % failed


def test_task_create_single(client):
    assert client.create_task("job-single").status_code == 200


def test_task_poll_single(client):
    assert client.poll_task("task-single").json()["ok"] is True


def test_task_cancel(client):
    assert client.request("DELETE", "/focus-server/tasks/task-single").status_code == 200


@pytest.mark.parametrize("page", [1, 2, 3])
def test_task_list_pagination(client, page):
    assert client.get("/focus-server/tasks?page=%d&size=20" % page).status_code == 200


def test_token_refresh_concurrent(client):
    ok, failed = run_concurrent(lambda i: client.get("/focus-server/status").raise_for_status(), 20, workers=20)
    assert ok == 20


def test_auth_token_reuse(token_manager):
    assert token_manager.get_token() != ""
