#!/usr/bin/env python3
"""Builds X.expected.json for one sample log.

Inputs
  --log      the captured pytest console log (X.log)
  --oracle   the side file written by the rca_oracle plugin during the same run (outcomes as
             pytest decided them)
  --design   the suite's design file (suites/<suite>/design.json): for each test nodeid the
             failure categories the test was built to provoke ("categories"), and the ones
             that may or may not show up ("optional")
  --out      X.expected.json
  --junit    optional: the --junitxml file of the same run; outcomes are cross-checked with it
  --strict   the log is a full-output run (-v with live logs and long tracebacks): every
             designed category must be visible for its test, or this script fails

How categories are decided: the design says what each test provokes. The log is then cut into
per-test pieces (its -v progress block with live logs, its "____ name ____" section in
FAILURES / ERRORS / PASSES, its short-summary line, its --tb=line crash line) and the evidence
lines of each piece (log lines, "E   " lines, exception lines; not traceback *source* lines,
which are indented) are matched against simple patterns. A test's expected categories are the
designed categories that are visible in its pieces; a category that is visible but not designed
is an error (the design or the test is wrong). Optional categories are listed under
"optional_categories" whenever they are designed.

Collection errors and module-level skips are entries too, keyed by the nodeid pytest gives
their collect report (the module path, e.g. "tests/test_x.py"); their pieces are the
"____ ERROR collecting tests/test_x.py ____" section, the "ERROR tests/test_x.py - ..." summary
line and the "SKIPPED [1] tests/test_x.py:8: reason" line. When the log has pytest's final
counts line ("18 failed, 2 passed, 1 error in 6.95s"), the summary must agree with it.

The functions here are also used by the cutters of derived samples (excerpt.py: pasted
excerpts of a real log; junit_expected.py: a JUnit XML analysed alone).
"""
import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Patterns for the evidence of each category (on evidence lines only).
PATTERNS = {
    "connect_timeout": re.compile(r"ConnectTimeoutError|ConnectTimeout\b|NewConnectionError\(.*timed out|Connection to \S+ timed out"),
    "read_timeout": re.compile(r"ReadTimeoutError|Read timed out|\bReadTimeout\b"),
    "pool_full": re.compile(r"Connection pool is full, discarding connection"),
    "pool_exhausted": re.compile(r"EmptyPoolError|Pool reached maximum size|Pool is empty|PoolTimeout"),
    "connection_refused": re.compile(r"Errno 111\]|Connection refused|WinError 10061"),
    "connection_reset": re.compile(r"ConnectionResetError|RemoteDisconnected|Connection aborted|Server disconnected without sending a response|Connection reset by peer"),
    "dns_failure": re.compile(r"NameResolutionError|gaierror|Name or service not known|Temporary failure in name resolution|Failed to resolve"),
    "tls_error": re.compile(r"SSLError|CERTIFICATE_VERIFY_FAILED|WRONG_VERSION_NUMBER|wrong version number"),
    # the app-level deadline line of the seed framework; openai's "APITimeoutError: Request
    # timed out." (raised after its own retries, whatever the httpx cause)
    "request_timeout": re.compile(r"Request timeout after [\d.]+ ?ms for|\bAPITimeoutError\b"),
}
# urllib3's Retry used up on a status: retry_exhausted; on 429 also rate_limited
TOO_MANY = re.compile(r"too many (\d{3}) error responses")
LAST_RETRY = re.compile(r"Retrying \(Retry\(total=0\b")
# requests/httpx reason phrase; openai's RateLimitError ("Error code: 429 - {...}")
RATE_LIMITED = re.compile(r"Too Many Requests|\bRateLimitError\b|\bError code: 429\b")
STATUS_429 = re.compile(r"\b429\b")
# an error status with its code (requests' HTTPError text, httpx's HTTPStatusError text,
# openai's APIStatusError text "Error code: 500 - {...}")
HTTP_ERROR = re.compile(r"\b[45]\d\d (Client|Server) Error\b|(Client|Server) error '[45]\d\d|\bError code: [45]\d\d\b")
# the bare exception class, e.g. a crash-location line "…/_models.py:829: HTTPStatusError"
HTTP_ERROR_CLASS = re.compile(r"\b(HTTPStatusError|HTTPError)\b")

CRASH_LINE = re.compile(r"^(/|[A-Za-z]:\\|[\w.-]+/)\S*\.py:\d+: ")
RESULT_WORDS = ("PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS")


FUNCARG = re.compile(r"^[A-Za-z_]\w* = ")


def is_evidence(line):
    """Log lines, E lines, exception lines, crash lines. Not traceback source code (indented or
    '>'-marked) and not the 'name = repr' argument lines pytest prints for long entries."""
    return bool(line) and not line[0].isspace() and not line.startswith(">") and not FUNCARG.match(line)


def categories_of(lines, outcome):
    found = set()
    last_retry = False
    bare_http_error = False
    for line in lines:
        if not is_evidence(line):
            continue
        for cat, pat in PATTERNS.items():
            if pat.search(line):
                found.add(cat)
        too_many = TOO_MANY.search(line)
        if too_many:
            found.add("retry_exhausted")
            if too_many.group(1) == "429":
                found.add("rate_limited")
        if LAST_RETRY.search(line):
            last_retry = True
        # (a port such as 34291 is not a 429: the status must stand alone)
        if RATE_LIMITED.search(line) and not too_many:
            found.add("rate_limited")
        elif HTTP_ERROR.search(line) and not STATUS_429.search(line):
            found.add("http_error")
        elif HTTP_ERROR_CLASS.search(line) and not STATUS_429.search(line):
            bare_http_error = True
    # a bare class name counts only when no status line said 429 (then it is the 429's class)
    if bare_http_error and "rate_limited" not in found:
        found.add("http_error")
    if last_retry and outcome in ("failed", "error"):
        found.add("retry_exhausted")
    return found


def headline(nodeid):
    """pytest's section title for a test: the nodeid without the file, '::' -> '.'.
    A collect report's nodeid (a module path) is its own title ("ERROR collecting PATH")."""
    if "::" not in nodeid:
        return nodeid
    return nodeid.split("::", 1)[1].replace("::", ".")


def read_log(path):
    """The log's lines without line ends and without ANSI escapes."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return [ANSI.sub("", l.rstrip("\n")) for l in f]


# "SKIPPED [1] tests/test_m.py:8: reason": pytest's folded skips (_folded_skips in
# _pytest/terminal.py) print the skip's location, not a nodeid
FOLDED_SKIP = re.compile(r"^SKIPPED \[\d+\] (\S+?):\d+: ")


def line_owners(lines, order, outcomes):
    """For each line, the nodeid whose piece it belongs to, or None."""
    owners = [None] * len(lines)
    known = set(order)
    by_head = {}
    for n in order:
        by_head.setdefault(headline(n), n)
    nodeid_start = re.compile(r"^(\S+::\S+)(?:\s|$)")
    section = re.compile(r"^_{3,} (.*?) _{3,}$")
    banner = re.compile(r"^={3,}( .* )?={3,}$")
    summary = re.compile(r"^(%s) (\S+::\S+|\S+\.py)(?: - (.*))?$" % "|".join(RESULT_WORDS))
    current = None
    in_failures = False
    crash_targets = [n for n in order if outcomes.get(n) == "failed"]
    crash_idx = 0
    pending = []
    for i, line in enumerate(lines):
        m = banner.match(line)
        if m:
            current = None
            title = (m.group(1) or "").strip()
            in_failures = title == "FAILURES"
            pending = []
            continue
        m = summary.match(line)
        if m and m.group(2) in known:
            owners[i] = m.group(2)
            current = m.group(2)  # a multi-line summary message continues on the next lines
            continue
        m = FOLDED_SKIP.match(line)
        if m and m.group(1) in known:  # a module-level skip (its collect report's nodeid)
            owners[i] = m.group(1)
            current = m.group(1)
            continue
        m = nodeid_start.match(line)
        if m and m.group(1) in known:
            current = m.group(1)
            owners[i] = current
            continue
        m = section.match(line)
        if m:
            title = m.group(1)
            title = re.sub(r"^ERROR (at (setup|teardown|call) of |collecting )", "", title)
            current = by_head.get(title)
            continue
        if in_failures and current is None:
            # --tb=line: no per-test headers. Each failed test prints its exception chain and
            # captured sections, closed by one crash line "path.py:N: Exc: msg", in the order
            # the tests failed.
            pending.append(i)
            if CRASH_LINE.match(line) and crash_idx < len(crash_targets):
                for j in pending:
                    owners[j] = crash_targets[crash_idx]
                pending = []
                crash_idx += 1
            continue
        if current is not None:
            owners[i] = current
    return owners


def pieces_from_owners(lines, owners, order):
    pieces = {n: [] for n in order}
    for line, owner in zip(lines, owners):
        if owner is not None:
            pieces[owner].append(line)
    return pieces


def split_log(lines, order, outcomes):
    """Return {nodeid: [lines]} with every piece of the log that belongs to each test."""
    return pieces_from_owners(lines, line_owners(lines, order, outcomes), order)


# pytest's closing counts line, with or without the ==== banner:
#   "==== 18 failed, 2 passed, 1 skipped, 1 xfailed, 1 xpassed, 1 error in 6.95s ===="
#   "18 failed, 2 passed, ... in 11.12s" (-q),  "=== 1 skipped, 2 errors in 0.51s ==="
FINAL_LINE = re.compile(r"^(?:=+ )?((?:\d+ \w+)(?:, \d+ \w+)*) in [\d.]+s(?: \([\d:]+\))?(?: =+)?$")
FINAL_WORDS = {"passed": "passed", "failed": "failed", "error": "errors", "errors": "errors",
               "skipped": "skipped", "xfailed": "xfailed", "xpassed": "xpassed"}


def final_counts(lines):
    """The counts of pytest's last closing line ({"passed": N, ...}, all six keys), or None."""
    for line in reversed(lines):
        m = FINAL_LINE.match(line)
        if m:
            counts = {k: 0 for k in ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")}
            for part in m.group(1).split(", "):
                n, word = part.split(" ", 1)
                if word in FINAL_WORDS:
                    counts[FINAL_WORDS[word]] += int(n)
            return counts
    return None


OUTCOME_KEY = {"passed": "passed", "failed": "failed", "error": "errors", "skipped": "skipped",
               "xfailed": "xfailed", "xpassed": "xpassed"}


def count_outcomes(outcomes, nodeids):
    counts = {k: 0 for k in ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")}
    for nid in nodeids:
        counts[OUTCOME_KEY[outcomes[nid]]] += 1
    return counts


def entry(nid, outcome, lines, design, strict, problems):
    """One test's oracle entry from its pieces; problems gets the design mismatches."""
    d = design.get(nid, {})
    want = set(d.get("categories", []))
    optional = set(d.get("optional", []))
    seen = categories_of(lines, outcome)
    unexpected = seen - want - optional
    if unexpected:
        problems.append("%s: visible but not designed: %s" % (nid, sorted(unexpected)))
    if strict and want - seen:
        problems.append("%s: designed but not visible: %s" % (nid, sorted(want - seen)))
    e = {"outcome": outcome, "categories": sorted(want & seen)}
    if optional:
        e["optional_categories"] = sorted(optional)
    return e


def write_expected(path, summary, tests):
    with open(path, "w") as f:
        # tests sorted by nodeid, so that runs whose order varies (xdist) give identical files
        json.dump({"summary": summary, "tests": dict(sorted(tests.items()))}, f, indent=2)
        f.write("\n")


def junit_outcomes(path):
    """{(classname, name): outcome} from a junit XML file (classname 'tests.load.test_x' + name)."""
    res = {}
    for tc in ET.parse(path).getroot().iter("testcase"):
        cls, name = tc.get("classname"), tc.get("name")
        kinds = {child.tag: child for child in tc}
        if "error" in kinds:
            out = "error"
        elif "failure" in kinds:
            out = "failed"
        elif "skipped" in kinds:
            out = "xfailed" if kinds["skipped"].get("type") == "pytest.xfail" else "skipped"
        else:
            out = "passed"
        res[(cls, name)] = out
    return res


def junit_key(nodeid):
    path, name = nodeid.split("::", 1)
    parts = name.split("::")
    cls = path[:-3].replace("/", ".") + "".join("." + p for p in parts[:-1])
    return cls, parts[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--design", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--junit")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--interrupted", action="store_true",
                    help="the session stopped after collection errors: designed tests that "
                         "never ran are expected")
    a = ap.parse_args()

    lines = read_log(a.log)
    oracle = json.load(open(a.oracle))
    design = json.load(open(a.design))
    order, outcomes = oracle["order"], oracle["outcomes"]
    pieces = split_log(lines, order, outcomes)

    problems = []
    tests = {nid: entry(nid, outcomes[nid], pieces[nid], design, a.strict, problems) for nid in order}
    counts = count_outcomes(outcomes, order)
    if a.junit:
        ju = junit_outcomes(a.junit)
        for nid in order:
            j = ju.get(junit_key(nid))
            mine = "passed" if outcomes[nid] == "xpassed" else outcomes[nid]
            if j != mine:
                problems.append("%s: junit says %s, plugin says %s" % (nid, j, outcomes[nid]))
        if len(ju) != len(order):
            problems.append("junit has %d test cases, plugin %d" % (len(ju), len(order)))
    for nid in design:
        if nid not in outcomes and not a.interrupted:
            problems.append("%s: in design.json but not run" % nid)
    if a.interrupted and not any(l.startswith("!!!") and "Interrupted:" in l for l in lines):
        problems.append("--interrupted, but the log has no '!!! Interrupted: ... !!!' line")
    final = final_counts(lines)
    if final is not None and final != counts:
        problems.append("pytest's final line says %s, the plugin %s" % (final, counts))

    summary = {"total": len(order)}
    summary.update(counts)
    write_expected(a.out, summary, tests)
    for p in problems:
        print("make_expected: %s: %s" % (a.log, p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
