#!/usr/bin/env python3
"""Rebuilds the rca_oracle side file of a committed sample without running pytest again.

The side file (outcomes in report order) is not kept in samples/, but the outcomes are in
X.expected.json, and the report order is the order in which the log first names each test
(the -v progress lines, or the short summary; pytest reports in collection order). Tests the
log never names keep the sorted order of X.expected.json: their place only matters for
--tb=line logs, whose failed tests are all named in the short summary.

  rederive_oracle.py --log samples/X.log --expected samples/X.expected.json --out ORACLE.json

generate.sh uses it when RCA_SAMPLES_REDERIVE=1: make_expected.py then re-derives every
selected X.expected.json from the committed logs (after a change of the category rules or of
a design.json), and a derived sample (excerpt-*) is cut from its committed source log.
"""
import argparse
import json
import re
import sys

from make_expected import read_log

TOKEN = re.compile(r"\S+")


def rederive(lines, expected):
    outcomes = {nid: t["outcome"] for nid, t in expected["tests"].items()}
    order = []
    seen = set()
    for line in lines:
        for tok in TOKEN.findall(line):
            # a nodeid, or a SKIPPED [1] location "path:N:" of a module-level skip
            for cand in (tok, tok.split(":", 1)[0]):
                if cand in outcomes and cand not in seen:
                    seen.add(cand)
                    order.append(cand)
    order += [nid for nid in outcomes if nid not in seen]
    return {"order": order, "outcomes": outcomes}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    oracle = rederive(read_log(a.log), json.load(open(a.expected)))
    with open(a.out, "w") as f:
        json.dump(oracle, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
