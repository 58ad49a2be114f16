#!/usr/bin/env bash
# Short fuzzing of every target, as CI runs it: `fuzz/smoke.sh [SECONDS]` (default 30 per
# target). Builds without a sanitizer (rca has no unsafe code; a panic, a hang or runaway
# memory is what we look for) but with debug assertions, so integer overflows panic too.
# Exits non-zero on the first target that crashes, naming its reproducer.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
flags=(--sanitizer none --debug-assertions)
./seed-corpus.sh
cargo +nightly fuzz build "${flags[@]}"
for target in $(cargo +nightly fuzz list); do
    echo "-- $target: ${seconds} s"
    # -timeout: one input taking longer than 10 s is a hang; -rss_limit_mb: a blow-up.
    if ! cargo +nightly fuzz run "${flags[@]}" "$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"target/smoke-$target.log" 2>&1; then
        tail -n 40 "target/smoke-$target.log"
        echo "fuzz target $target failed; reproducer(s): $(ls artifacts/"$target"/ 2>/dev/null | tr '\n' ' ')"
        echo "replay: cd fuzz && cargo +nightly fuzz run ${flags[*]} $target artifacts/$target/<file>"
        exit 1
    fi
    grep -E '^stat::number_of_executed_units|^Done' "target/smoke-$target.log" || true
done
