"""pytest plugin (loaded with `-p rca_oracle`) that records each test's outcome as pytest itself
decided it (and each collection error or module-level skip), into the JSON file named by
$RCA_ORACLE_OUT. It prints nothing, so the log is
unchanged. With pytest-xdist only the controller writes the file (reports reach it from the
workers). make_expected.py turns this side file plus the log into X.expected.json.
"""
import json
import os

_outcomes = {}   # nodeid -> outcome
_order = []      # nodeids in the order their first report arrived


def _set(nodeid, outcome):
    if nodeid not in _outcomes:
        _order.append(nodeid)
    _outcomes[nodeid] = outcome


def pytest_runtest_logreport(report):
    nid = report.nodeid
    xfail = hasattr(report, "wasxfail")
    if report.when == "setup":
        if report.failed:
            _set(nid, "error")
        elif report.skipped:
            _set(nid, "xfailed" if xfail else "skipped")
    elif report.when == "call":
        if report.passed:
            _set(nid, "xpassed" if xfail else "passed")
        elif report.skipped:
            _set(nid, "xfailed" if xfail else "skipped")
        else:
            _set(nid, "failed")
    elif report.when == "teardown" and report.failed:
        # pytest counts a teardown failure as an extra error; we record the test as error
        _set(nid, "error")


def pytest_collectreport(report):
    # A module that fails to import is a collection error ("ERROR tests/test_x.py - ..."); a
    # module-level pytest.skip(allow_module_level=True) skips it whole. Both are keyed by the
    # collect report's nodeid (the module path), as pytest's own summary keys its errors.
    if report.failed:
        _set(report.nodeid, "error")
    elif report.skipped:
        _set(report.nodeid, "skipped")


def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput"):  # xdist worker: the controller writes
        return
    out = os.environ.get("RCA_ORACLE_OUT")
    if not out:
        return
    with open(out, "w") as f:
        json.dump({"order": _order, "outcomes": _outcomes}, f, indent=1)
