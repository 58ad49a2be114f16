#!/usr/bin/env bash
# Throughput and memory of `rca analyze` beside ripgrep on the same big synthetic log.
#
#   benches/bench.sh [SIZE_MB | denseSIZE_MB ...]      default: 100 1024
#   benches/bench.sh dense50 1024       the event-dense log beside the sparse one
#
# For each size it generates (once) a deterministic log with ../shared/bench/gen_log.py
# (seed 7; a sparse log, about 2% of its lines failures) or, for `denseN`, with
# benches/dense_log.py (nearly every line a failure rca counts) under target/bench/,
# warms the page cache, then alternates runs of
#   rca analyze LOG --format json -o /dev/null
#   rg -c -f ../shared/bench/signatures-12.txt LOG      (the 12-regex reference)
# and prints the best wall time of each, MB/s, peak RSS and the rca/rg ratio.
# Needs: python3, ripgrep (`apt-get install ripgrep`), GNU time (`apt-get install time`).
# Not part of CI: timings belong in benchmarks, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${RCA_SHARED:-../shared}"
gen="$shared/bench/gen_log.py"
sigs="$shared/bench/signatures-12.txt"
runs="${RUNS:-3}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1024)

for tool in python3 rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 2; }
done
[ -f "$gen" ] || { echo "bench: $gen not found (set RCA_SHARED)" >&2; exit 2; }

cargo build --release --quiet
rca=target/release/rca
mkdir -p target/bench

measure() { # prints "seconds max_rss_kb"
  /usr/bin/time -f "%e %M" -o target/bench/time.out "$@" >/dev/null 2>&1 || true
  cat target/bench/time.out
}

printf '%-11s %-6s %9s %9s %10s\n' size tool best_s MB/s rss_MiB
for mb in "${sizes[@]}"; do
  case "$mb" in
    dense*)
      log="target/bench/dense-${mb#dense}mb-seed7.log"
      [ -f "$log" ] || python3 benches/dense_log.py --size-mb "${mb#dense}" --seed 7 -o "$log" ;;
    *)
      log="target/bench/gen-${mb}mb-seed7.log"
      [ -f "$log" ] || python3 "$gen" --size-mb "$mb" --seed 7 -o "$log" ;;
  esac
  bytes=$(stat -L -c %s "$log")
  cat "$log" >/dev/null
  best_rca=999999; best_rg=999999; rss_rca=0; rss_rg=0
  for _ in $(seq "$runs"); do
    read -r t m < <(measure "$rca" analyze "$log" --format json -o /dev/null --quiet)
    best_rca=$(python3 -c "print(min($best_rca,$t))"); rss_rca=$(( m > rss_rca ? m : rss_rca ))
    read -r t m < <(measure rg -c -f "$sigs" "$log")
    best_rg=$(python3 -c "print(min($best_rg,$t))"); rss_rg=$(( m > rss_rg ? m : rss_rg ))
  done
  python3 - "$mb" "$bytes" "$best_rca" "$rss_rca" "$best_rg" "$rss_rg" <<'PY'
import sys
mb, size, t1, m1, t2, m2 = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:])
for tool, t, m in (("rca", t1, m1), ("rg", t2, m2)):
    print(f"{mb+'MiB':<11} {tool:<6} {t:9.2f} {size/1e6/max(t,1e-9):9.0f} {m/1024:10.1f}")
print(f"{mb+'MiB':<11} ratio rca/rg = {t1/max(t2,1e-9):.2f}")
PY
done
