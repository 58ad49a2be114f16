#!/usr/bin/env python3
"""An event-dense console log for benchmarks: nearly every line is a failure rca counts.

    benches/dense_log.py --size-mb 50 -o target/bench/dense-50mb.log

The lines are the failure lines of a real generated sample (default
samples/seed-urllib3-2.log: urllib3 `Retrying` warnings, pool-full warnings, timeouts,
503s, the runner's and the API client's error records, in both the live-log and the
`-v` captured-log shapes), repeated in a pytest -v frame: one test result line after
every 40 lines, a final counts line at the end. Only log records are taken (timestamped
live-log lines and `LEVEL logger:file.py:N` captured-log lines), not tracebacks or summaries. Each repetition gets a fresh, increasing
timestamp and fresh object addresses (`at 0x...`), as a real run would print them, so a
benchmark cannot profit from byte-identical lines. Deterministic for a given --seed.
This is a benchmark input, not a sample: samples come only from real runs.
"""

import argparse
import random
import re
import sys
from datetime import datetime, timedelta

MARKERS = (
    "Retrying (",
    "Connection pool is full",
    "timed out",
    "Max retries exceeded",
    "Server Error",
    "RetryError",
    "Request failed",
)
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:,\d{3})?")
LEVEL = re.compile(r"^(?:DEBUG|INFO|WARNING|ERROR) +\S+:\S+\.py:\d+ ")
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def failure_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            is_record = TIMESTAMP.match(line) or LEVEL.match(line)
            if is_record and any(m in line for m in MARKERS) and len(line) < 1024:
                yield line


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size-mb", type=float, default=50, help="target size in MiB (default 50)")
    p.add_argument("--sample", default="samples/seed-urllib3-2.log")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("-o", "--output", default="-")
    args = p.parse_args()

    lines = list(failure_lines(args.sample))
    if not lines:
        sys.exit(f"dense_log: no failure lines in {args.sample}")
    rng = random.Random(args.seed)
    limit = int(args.size_mb * 1024 * 1024)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    clock = datetime(2026, 11, 27, 9, 50, 0)
    written = 0
    tests = 0

    def put(s):
        nonlocal written
        out.write(s + "\n")
        written += len(s) + 1

    put("=" * 30 + " test session starts " + "=" * 30)
    put("collected many items")
    put("")
    while written < limit:
        tests += 1
        put(f"tests/load/test_dense.py::test_load[{tests}] ")
        put("-" * 30 + " live log call " + "-" * 30)
        for _ in range(40):
            clock += timedelta(milliseconds=rng.randrange(1, 400))
            line = rng.choice(lines)
            stamp = clock.strftime("%Y-%m-%d %H:%M:%S,") + f"{clock.microsecond // 1000:03d}"
            line = TIMESTAMP.sub(lambda m: stamp[: len(m.group(0))], line)
            line = ADDRESS.sub(lambda _: f" at 0x7f{rng.getrandbits(40):010x}", line)
            put(line)
        put("FAILED" + " " * 40 + "[ 50%]")
    put(f"{'=' * 20} {tests} failed in 123.45s {'=' * 20}")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
