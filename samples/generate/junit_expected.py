#!/usr/bin/env python3
"""Builds X.expected.json for a JUnit XML sample that is analysed on its own (no console log).

  junit_expected.py --junit X.junit.xml --oracle ORACLE.json --design design.json
                    --out X.expected.json [--strict]
  junit_expected.py --junit X.junit.xml --rederive X.expected.json --design ... --out ...

Each <testcase> is one test (nodeid from classname + name, matched to the rca_oracle side file of
the same run). Its pieces are what the XML holds for it: the message attribute and the text of
its <failure>, <error> or <skipped> element (pytest writes the crash message and the whole
traceback there) and the text of <system-out> / <system-err> (with -o junit_logging=all: the
captured log, stdout and stderr). make_expected.py's evidence rules are applied to those lines;
the categories are the designed ones visible there, and a visible category that is not designed
fails, as for a console log. With --strict every designed category must be visible.

Outcomes are pytest's (the plugin's), as JUnit XML records them: a non-strict XPASS is written
as a plain passing testcase, so it is "passed" here. The counts are checked against the
<testsuite> attributes (tests, failures, errors, skipped; an xfail is a skipped testcase).

--rederive rebuilds the oracle from the committed expected.json (outcomes) and the XML (order),
for RCA_SAMPLES_REDERIVE=1.
"""
import argparse
import json
import sys
import xml.etree.ElementTree as ET

from make_expected import count_outcomes, entry, junit_key, junit_outcomes, write_expected

RESULT_TAGS = ("failure", "error", "skipped")
OUTPUT_TAGS = ("system-out", "system-err")


def testcase_lines(tc):
    lines = []
    for child in tc:
        if child.tag in RESULT_TAGS:
            lines += (child.get("message") or "").split("\n")
            lines += (child.text or "").split("\n")
        elif child.tag in OUTPUT_TAGS:
            lines += (child.text or "").split("\n")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--junit", required=True)
    ap.add_argument("--oracle")
    ap.add_argument("--rederive")
    ap.add_argument("--design", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--strict", action="store_true")
    a = ap.parse_args()

    root = ET.parse(a.junit).getroot()
    cases = list(root.iter("testcase"))
    if a.rederive:
        outcomes = {n: t["outcome"] for n, t in json.load(open(a.rederive))["tests"].items()}
    else:
        oracle = json.load(open(a.oracle))
        outcomes = {n: ("passed" if o == "xpassed" else o) for n, o in oracle["outcomes"].items()}
    by_key = {junit_key(n): n for n in outcomes}
    design = json.load(open(a.design))

    problems = []
    tests = {}
    order = []
    for tc in cases:
        nid = by_key.get((tc.get("classname"), tc.get("name")))
        if nid is None:
            problems.append("testcase %s %s: no such test in the oracle" % (tc.get("classname"), tc.get("name")))
            continue
        order.append(nid)
        tests[nid] = entry(nid, outcomes[nid], testcase_lines(tc), design, a.strict, problems)
    ju = junit_outcomes(a.junit)
    for nid in outcomes:
        if nid not in tests:
            problems.append("%s: no testcase in the XML" % nid)
        elif ju.get(junit_key(nid)) != outcomes[nid]:
            problems.append("%s: junit says %s, plugin says %s" % (nid, ju.get(junit_key(nid)), outcomes[nid]))
    counts = count_outcomes(outcomes, order)
    for suite in root.iter("testsuite"):
        got = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
        want = {"tests": len(order), "failures": counts["failed"], "errors": counts["errors"],
                "skipped": counts["skipped"] + counts["xfailed"]}
        if got != want:
            problems.append("<testsuite> says %s, the testcases %s" % (got, want))
    for nid in design:
        if nid not in outcomes:
            problems.append("%s: in design.json but not run" % nid)

    summary = {"total": len(order)}
    summary.update(counts)
    write_expected(a.out, summary, tests)
    for p in problems:
        print("junit_expected: %s: %s" % (a.junit, p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
