#!/usr/bin/env bash
# Times the history: recording the bundled sample logs one process each, importing N
# synthetic reports in one `rca record`, `rca trend` over all of them, and `rca analyze
# --history` (a sample log compared with the newest runs, read-only and with --record)
# against that store, into a fresh SQLite file and (when RCA_TEST_POSTGRES is set) a fresh
# PostgreSQL schema.
#
#   benches/history.sh [RUNS=1000] [TESTS=200]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
tests=${2:-200}
cargo build --release -q
rca=$PWD/target/release/rca
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 benches/gen_reports.py "$work/reports" "$runs" "$tests"

secs() { local t0=$1; echo "$(( ($(date +%s%N) - t0) / 1000000 )) ms"; }

bench() {
    local store=$1 name=$2
    local t0
    t0=$(date +%s%N)
    for log in samples/*.log; do
        "$rca" analyze "$log" --record --history "$store" -q --format json >/dev/null
    done
    echo "$name: record $(ls samples/*.log | wc -l) sample logs (one process each): $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" record "$work"/reports/*.json --history "$store" 2>/dev/null
    echo "$name: record $runs synthetic reports x $tests tests (one process): $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" trend --last "$runs" --format json --history "$store" >"$work/trend.json"
    echo "$name: rca trend --last $runs --format json: $(secs "$t0") ($(wc -c <"$work/trend.json") bytes)"
    t0=$(date +%s%N)
    "$rca" trend --format json --history "$store" >/dev/null
    echo "$name: rca trend (default, last 30): $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" trend --last "$runs" --format html --history "$store" >"$work/trend.html"
    echo "$name: rca trend --last $runs --format html: $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" trend --last "$runs" --format text --history "$store" >/dev/null
    echo "$name: rca trend --last $runs --format text: $(secs "$t0")"
    local log=samples/seed-urllib3-2.log
    t0=$(date +%s%N)
    "$rca" analyze "$log" --format json -q >/dev/null
    echo "$name: rca analyze $log (no history, for reference): $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" analyze "$log" --history "$store" --format json -q >"$work/analyze.json"
    echo "$name: rca analyze $log --history (read, vs newest 30 of $((runs + $(ls samples/*.log | wc -l))) runs): $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" analyze "$log" --history "$store" --record --run-id bench-tonight --format md -q >/dev/null
    echo "$name: rca analyze $log --history --record --format md: $(secs "$t0")"
    t0=$(date +%s%N)
    "$rca" signatures --history "$store" --last "$runs" --format json >/dev/null
    echo "$name: rca signatures --history --last $runs: $(secs "$t0")"
}

bench "$work/history.sqlite" sqlite
echo "sqlite: file size $(du -k "$work/history.sqlite" | cut -f1) KiB"
if [ -n "${RCA_TEST_POSTGRES:-}" ]; then
    schema=rca_bench_$$
    psql "$RCA_TEST_POSTGRES" -qc "CREATE SCHEMA $schema"
    bench "$RCA_TEST_POSTGRES?options=-c%20search_path%3D$schema" postgres
    psql "$RCA_TEST_POSTGRES" -qc "DROP SCHEMA $schema CASCADE" 2>/dev/null
fi
