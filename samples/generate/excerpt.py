#!/usr/bin/env python3
"""Cuts a pasted-excerpt sample out of a real generated log, the way people paste pytest output
into an issue or a ticket, and writes its oracle.

  excerpt.py --style md-fenced|md-indented|yaml --source samples/errors-urllib3-2.log
             --oracle SOURCE.oracle.json --design suites/errors/design.json
             --out samples/X.log --expected samples/X.expected.json

Every log line of the excerpt is a whole line of the source log, transformed only as a person's
paste transforms it: inside a ``` fence (unchanged), as a Markdown bullet ("- " before it),
quoted ("> " before it), in a 4-space-indented Markdown code block, or in a YAML literal block
(2 spaces before it). Between the pieces stand a few lines of prose (or YAML keys) written here,
which are no log lines. The cut is deterministic: the same source gives the same excerpt.

The oracle: the tests the excerpt names (a kept result line with the full nodeid: a short
summary line or a -v progress line), each with its outcome from the source run's oracle and,
as categories, its designed categories that are visible in the source lines kept for it
(make_expected.py's owners and evidence rules on the original, untransformed lines). The
summary is pytest's final counts line when the excerpt keeps it, else the counts of the named
tests. A category visible but not designed fails, as in make_expected.py; so does a kept piece
of a test the excerpt does not name.
"""
import argparse
import json
import re
import sys

from make_expected import (RESULT_WORDS, count_outcomes, entry, final_counts, headline,
                           line_owners, read_log, write_expected)

BANNER = re.compile(r"^={3,}( .* )?={3,}$")
SECTION = re.compile(r"^_{3,} (.*?) _{3,}$")
NODEID_START = re.compile(r"^(\S+::\S+)(?:\s|$)")
ANSI = re.compile(r"\x1b\[")


class Source:
    def __init__(self, lines, order, outcomes):
        self.lines = lines
        self.order = order
        self.outcomes = outcomes
        self.owners = line_owners(lines, order, outcomes)
        self.result = re.compile(r"^(%s) (\S+::\S+)(?: - |$)" % "|".join(RESULT_WORDS))

    def named_by(self, line):
        """The nodeid a line names as a result: a short-summary line or a -v progress line."""
        m = self.result.match(line)
        if m:
            return m.group(2)
        m = NODEID_START.match(line)
        return m.group(1) if m else None

    def banner(self, title):
        for i, l in enumerate(self.lines):
            m = BANNER.match(l)
            if m and (m.group(1) or "").strip() == title:
                return i
        raise SystemExit("excerpt: no '%s' banner in the source" % title)

    def final_line(self):
        for i in range(len(self.lines) - 1, -1, -1):
            if final_counts([self.lines[i]]) is not None:
                return i
        raise SystemExit("excerpt: no final counts line in the source")

    def summary_results(self):
        """[(nodeid, [indices])] of the short summary, each result line with its continuation."""
        start, end = self.banner("short test summary info") + 1, self.final_line()
        out = []
        for i in range(start, end):
            m = self.result.match(self.lines[i])
            if m:
                out.append((m.group(2), [i]))
            elif out and self.owners[i] == out[-1][0]:
                out[-1][1].append(i)
        return out

    def section(self, nodeid):
        """Indices of a test's "____ name ____" section, header included, up to the next header
        or banner."""
        head = headline(nodeid)
        for i, l in enumerate(self.lines):
            m = SECTION.match(l)
            if m and re.sub(r"^ERROR at (setup|teardown|call) of ", "", m.group(1)) == head:
                j = i + 1
                while j < len(self.lines) and not SECTION.match(self.lines[j]) and not BANNER.match(self.lines[j]):
                    j += 1
                return list(range(i, j))
        raise SystemExit("excerpt: no section for %s" % nodeid)

    def header_and_progress(self):
        """The session header and the -v progress block: line 0 up to the first banner after it."""
        j = 1
        while j < len(self.lines) and not BANNER.match(self.lines[j]):
            j += 1
        while j > 0 and self.lines[j - 1] == "":  # the blank line before the banner
            j -= 1
        return list(range(0, j))


class Excerpt:
    """The excerpt's text lines, and which source lines were kept."""

    def __init__(self, src):
        self.src = src
        self.out = []
        self.kept = []

    def prose(self, *texts):
        self.out.extend(texts)

    def keep(self, indices, prefix="", blank_prefix=None):
        for i in indices:
            line = self.src.lines[i]
            if line == "" and blank_prefix is not None:
                self.out.append(blank_prefix)
            else:
                self.out.append(prefix + line)
            self.kept.append(i)


def md_fenced(src):
    """A GitHub issue comment: the short summary as a bulleted list, one result quoted, two
    whole failure sections in ``` fences, prose between."""
    x = Excerpt(src)
    results = src.summary_results()
    quoted = "tests/test_http_failures.py::test_http_429_retry_exhausted"
    x.prose("Nightly `load-tests` on staging has been red since this morning's deploy. "
            "Short summary from the CI job:", "")
    for nid, idx in results:
        if nid != quoted:
            x.keep(idx, prefix="- ")
    x.prose("", "This one is new since we turned retries on for the configure call:", "")
    x.keep(dict(results)[quoted], prefix="> ")
    x.prose("", "Full output of the two I looked at:", "", "```")
    x.keep(src.section("tests/test_http_failures.py::test_connect_timeout_with_retries"))
    x.prose("```", "", "```text")
    x.keep(src.section("tests/test_http_failures.py::test_prints_and_logs_then_fails"))
    x.prose("```", "", "Is this the new rate limiter, or are we pointing at the wrong pool? "
            "Happy to attach the whole log.")
    return x


def md_indented(src):
    """A ticket in Markdown with 4-space-indented code blocks: the session header and -v
    progress block (with its live logs), then the short summary and the final line."""
    x = Excerpt(src)
    x.prose("pytest output of the nightly run on staging (requests 2.34.2, urllib3 2.8.0):", "")
    x.keep(src.header_and_progress(), prefix="    ", blank_prefix="")
    x.prose("", "and the summary at the end:", "")
    start = src.banner("short test summary info")
    x.keep(range(start, src.final_line() + 1), prefix="    ", blank_prefix="")
    x.prose("", "The connect timeouts and the 429s started at the same time.")
    return x


def yaml_block(src):
    """A CI result artifact in YAML whose log_tail is a literal block: the log from the header of
    the last two failure sections to the end."""
    x = Excerpt(src)
    failed = [n for n in src.order if src.outcomes[n] == "failed"]
    start = src.section(failed[-2])[0]
    x.prose("# result artifact of the nightly load-tests job (pasted from the CI UI)",
            "pipeline: nightly-load-tests",
            "job: pytest-errors",
            "status: failed",
            "log_tail: |")
    x.keep(range(start, src.final_line() + 1), prefix="  ", blank_prefix="")
    return x


STYLES = {"md-fenced": md_fenced, "md-indented": md_indented, "yaml": yaml_block}


def oracle_of(x, design):
    src = x.src
    problems = []
    named = []
    for i in x.kept:
        nid = src.named_by(src.lines[i])
        if nid in src.outcomes and nid not in named:
            named.append(nid)
    pieces = {n: [] for n in named}
    for i in x.kept:
        owner = src.owners[i]
        if owner is None:
            continue
        if owner not in pieces:
            problems.append("a kept line belongs to %s, which the excerpt does not name" % owner)
            continue
        pieces[owner].append(src.lines[i])
    tests = {n: entry(n, src.outcomes[n], pieces[n], design, False, problems) for n in named}
    counts = count_outcomes(src.outcomes, named)
    finals = [final_counts([src.lines[i]]) for i in x.kept]
    finals = [f for f in finals if f is not None]
    if finals:
        final = finals[-1]
        for k, v in counts.items():
            if v > final[k]:
                problems.append("the excerpt names %d %s tests, its final line says %d" % (v, k, final[k]))
        counts = final
    summary = {"total": sum(counts.values())}
    summary.update(counts)
    return summary, tests, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--style", required=True, choices=sorted(STYLES))
    ap.add_argument("--source", required=True)
    ap.add_argument("--oracle", required=True)
    ap.add_argument("--design", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--expected", required=True)
    a = ap.parse_args()
    oracle = json.load(open(a.oracle))
    lines = read_log(a.source)
    # kept lines are written exactly as the source has them: no escapes, valid UTF-8
    raw = open(a.source, encoding="utf-8").read()
    if ANSI.search(raw) or "\r" in raw or raw.split("\n")[:-1] != lines:
        raise SystemExit("excerpt: %s has ANSI escapes or CRs; cut a plain log" % a.source)
    src = Source(lines, oracle["order"], oracle["outcomes"])
    x = STYLES[a.style](src)
    with open(a.out, "w") as f:
        f.write("\n".join(x.out) + "\n")
    summary, tests, problems = oracle_of(x, json.load(open(a.design)))
    write_expected(a.expected, summary, tests)
    for p in problems:
        print("excerpt: %s: %s" % (a.out, p), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
