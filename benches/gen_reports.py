#!/usr/bin/env python3
"""Writes N synthetic `rca analyze --format json` reports (one per night) for timing
`rca record` and `rca trend` over a long history.

    python3 benches/gen_reports.py OUT_DIR [RUNS=1000] [TESTS=200] [SEED=7]

Each test has a personality (stable, broken from some night on, flaky at 10-30 %); every
20th night is an outage where most tests fail with connect_timeout. Each report carries an
input digest (so nights never share a run id), events with signature ids (on every failing
test and on about 5% of passing ones, for signature precision) and endpoints on its findings.
"""
import json
import os
import random
import sys

out, runs, ntests, seed = sys.argv[1], int(sys.argv[2] if len(sys.argv) > 2 else 1000), \
    int(sys.argv[3] if len(sys.argv) > 3 else 200), int(sys.argv[4] if len(sys.argv) > 4 else 7)
rng = random.Random(seed)
os.makedirs(out, exist_ok=True)
kinds = [rng.choice(["stable"] * 6 + ["broken", "flaky"]) for _ in range(ntests)]
broken_from = [rng.randrange(runs) for _ in range(ntests)]
flake = [rng.uniform(0.1, 0.3) for _ in range(ntests)]
cats = ["read_timeout", "http_error", "connection_reset", "rate_limited"]
start = 1_700_000_000
for n in range(runs):
    outage = n % 20 == 19
    tests, counts = [], {}
    for i in range(ntests):
        fail = (outage and rng.random() < 0.8) or \
            (kinds[i] == "broken" and n >= broken_from[i]) or \
            (kinds[i] == "flaky" and rng.random() < flake[i])
        cat = "connect_timeout" if outage else cats[i % len(cats)]
        tests.append({"nodeid": f"tests/test_{i // 20}.py::test_{i}",
                      "outcome": "failed" if fail else "passed",
                      "categories": [cat] if fail else []})
        if fail:
            counts[cat] = counts.get(cat, 0) + 3
    failed = sum(t["outcome"] == "failed" for t in tests)
    events = [{"signature": f"sig-{t['categories'][0] if t['categories'] else cats[i % len(cats)]}",
               "test": t["nodeid"], "count": 3}
              for i, t in enumerate(tests) if t["outcome"] == "failed" or rng.random() < 0.05]
    findings = [{"id": f"F{j + 1}", "fingerprint": f"{c}|api-{j}.internal:443|GET /x|",
                 "category": c, "events": k, "endpoint": "GET /x"}
                for j, (c, k) in enumerate(sorted(counts.items()))]
    doc = {
        "schema_version": 1, "tool": {"name": "rca", "version": "synthetic"},
        "inputs": [{"path": f"night-{n}.log", "kind": "console", "gzip": False,
                    "lines": 1000 + n, "bytes": 100000 + n, "digest": f"sha256:{seed:04x}{n:060x}"}],
        "summary": {"total": ntests, "passed": ntests - failed, "failed": failed, "errors": 0,
                    "skipped": 0, "xfailed": 0, "xpassed": 0, "counted_from": "pytest_final_line",
                    "tests_found": ntests, "duration_s": 600.0 + n},
        "tests": [dict(t, first_event_s=start + n * 86400) for t in tests],
        "categories": [{"id": c, "events": k} for c, k in sorted(counts.items())],
        "events": events,
        "findings": findings,
        "root_causes": [{"id": f"RC{j + 1}", "title": f"{f['category']} from api-{j}",
                         "family": "unreachable" if outage else "slow_or_dropping",
                         "target": f"api-{j}.internal:443", "findings": [f["id"]],
                         "failed_tests": [], "events": f["events"],
                         "verdict": {"locus": "infrastructure"}} for j, f in enumerate(findings)],
    }
    with open(os.path.join(out, f"night-{n:04}.json"), "w") as fh:
        json.dump(doc, fh)
