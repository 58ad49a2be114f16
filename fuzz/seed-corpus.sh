#!/usr/bin/env bash
# Builds the fuzz corpora fuzz/corpus/<target>/ from samples/ and fuzz/seeds/ (small
# hand-written seeds). The corpora are git-ignored; run this before fuzzing on a fresh
# checkout. Idempotent: it only (re)writes its own seed files, never what libFuzzer added.
set -euo pipefail
cd "$(dirname "$0")"
samples=../samples
corpus=corpus
mkdir -p "$corpus"/{analyze,recombine,junit,rules,redact}

# analyze: one flag byte (read size, redaction; see fuzz_targets/analyze.rs) then the input.
# Small samples whole, larger ones as a head and a middle window of 150 lines, so that
# executions stay fast; the JUnit files whole; one gzip-compressed log.
flag=0
for log in "$samples"/*.log; do
    name=$(basename "$log" .log)
    lines=$(wc -l <"$log")
    byte=$(printf '\\%03o' $((flag % 8)))
    flag=$((flag + 1))
    if [ "$(wc -c <"$log")" -le 65536 ]; then
        { printf "$byte"; cat "$log"; } >"$corpus/analyze/$name"
    else
        { printf "$byte"; head -n 150 "$log"; } >"$corpus/analyze/$name-head"
        { printf "$byte"; sed -n "$((lines / 2)),$((lines / 2 + 149))p" "$log"; } >"$corpus/analyze/$name-middle"
    fi
done
for xml in "$samples"/*.junit.xml; do
    { printf '\0'; cat "$xml"; } >"$corpus/analyze/$(basename "$xml")"
done
if command -v gzip >/dev/null; then
    { printf '\0'; gzip -c -n "$samples/shape-tb-no.log"; } >"$corpus/analyze/shape-tb-no.gz"
fi
# A console log and a JUnit file in one case (inputs split at \0--\0).
{ printf '\0'; head -n 60 "$samples/httpx.log"; printf '\0--\0'; cat seeds/junit/minimal.xml; } \
    >"$corpus/analyze/console-and-junit"
for f in seeds/analyze/*; do cp "$f" "$corpus/analyze/seed-$(basename "$f")"; done

# recombine: the bytes are the generator's choices; a few fixed patterns to start from.
for i in 0 1 2 3 4 5 6 7 8 9; do
    printf "$i%.0s" $(seq 1 256) >"$corpus/recombine/seed-$i"
done

# junit: the samples' reports and a small hand-written one.
cp "$samples"/*.junit.xml "$corpus/junit/"
for f in seeds/junit/*; do cp "$f" "$corpus/junit/seed-$(basename "$f")"; done

# rules: the hand-written rule files, and every built-in signature re-labelled as a user rule.
for f in seeds/rules/*; do cp "$f" "$corpus/rules/seed-$(basename "$f")"; done
sed 's/^id = "/id = "user-/' ../src/parse/signatures.toml >"$corpus/rules/builtin-as-user"

# redact: hand-written secret shapes, and the sample lines that trip a redaction trigger.
for f in seeds/redact/*; do cp "$f" "$corpus/redact/seed-$(basename "$f")"; done
grep -h -i -E 'token|passw|authoriz|secret|cookie|@' "$samples"/*.log | sort -u | sed -n 1,200p \
    | split -l 20 - "$corpus/redact/samples-"

for t in analyze recombine junit rules redact; do
    echo "fuzz/$corpus/$t: $(ls "$corpus/$t" | wc -l) files"
done
