#!/bin/sh
# Regenerates every real sample log in samples/ (X.log, X.expected.json, some X.junit.xml), and
# the samples derived from real runs (pasted excerpts, a docker compose view, a JUnit XML alone).
#
#   samples/generate/generate.sh            # all samples (about 6 minutes, plus venv builds)
#   samples/generate/generate.sh seed       # only samples whose name starts with "seed"
#   RCA_SAMPLES_REDERIVE=1 samples/generate/generate.sh errors-
#                                           # no pytest: re-derive X.expected.json from the
#                                           # committed X.log (after a rule or design change)
#
# Network safety: every server, request and lookup stays on this machine. The suites talk only
# to servers they start on 127.0.0.1 (kernel-chosen ports). The DNS samples run inside a
# network namespace with only a loopback interface and a stub resolver (run_in_netns.sh), so
# their lookups of made-up *.invalid names cannot leave the machine. Every pytest run is
# wrapped in `timeout 300`; every request in the suites has a short timeout and every load
# loop a fixed count. Needs root for the namespace (unshare), python3 >= 3.11 and openssl.
set -eu

GEN="$(cd "$(dirname "$0")" && pwd)"
OUT="$(dirname "$GEN")"
ONLY="${1:-}"
VENVS="${RCA_SAMPLES_VENVS:-/tmp}"
REDERIVE="${RCA_SAMPLES_REDERIVE:-}"

# ---- pinned environments (the full `pip freeze` of each, so a rebuild gets the same code) ----
COMMON="pytest==9.2.0 pluggy==1.7.0 iniconfig==2.3.1 packaging==26.4 Pygments==2.21.0 idna==3.20 certifi==2026.10.19.post1"
# A: requests 2.31 + urllib3 1.26 (old reprs: <urllib3.connection.HTTPSConnection object at 0x...>)
PINS_A="$COMMON requests==2.31.0 urllib3==1.26.20 charset-normalizer==3.5.3"
# B: requests 2.34 + urllib3 2.x (new reprs: HTTPSConnection(host='127.0.0.1', port=N)) + xdist
PINS_B="$COMMON requests==2.34.2 urllib3==2.8.0 charset-normalizer==3.5.3 pytest-xdist==3.8.0 execnet==2.1.2"
# C: httpx / httpcore
PINS_C="$COMMON httpx==0.28.1 httpcore==1.0.9 h11==0.16.0 anyio==4.16.0 typing_extensions==4.16.0"
# D: the official openai client (its 2.x line, on httpx 0.28 like C) and its dependencies
PINS_D="$COMMON openai==2.54.0 httpx==0.28.1 httpcore==1.0.9 h11==0.16.0 anyio==4.16.0 typing_extensions==4.16.0 sniffio==1.3.1 distro==1.9.0 jiter==0.19.0 pydantic==2.14.4 pydantic_core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5 tqdm==4.70.1"

venv() {  # venv NAME PINS... -> builds $VENVS/rca-venv-NAME once per pin set
    dir="$VENVS/rca-venv-$1"; shift
    if [ "$(cat "$dir/.pins" 2>/dev/null)" != "$*" ]; then
        rm -rf "$dir"
        python3 -m venv "$dir"
        "$dir/bin/pip" install -q --disable-pip-version-check "$@"
        echo "$*" > "$dir/.pins"
    fi
}
if [ -z "$REDERIVE" ]; then
    venv a $PINS_A
    venv b $PINS_B
    venv c $PINS_C
    venv d $PINS_D
fi
A="$VENVS/rca-venv-a/bin/python"; B="$VENVS/rca-venv-b/bin/python"; C="$VENVS/rca-venv-c/bin/python"
D="$VENVS/rca-venv-d/bin/python"

# ---- a clean, reproducible environment for the runs ----
# CA-bundle variables would change which trust store requests uses; proxies must never be used.
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE SSL_CERT_DIR \
      http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy PYTEST_ADDOPTS 2>/dev/null || true
export NO_PROXY='*' no_proxy='*'
export CI=true                      # what CI sets; pytest then never truncates summary lines
export COLUMNS=80 TERM=dumb
export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$GEN/lib"        # rca_servers (the misbehaving servers) and rca_oracle (outcomes)
WORK="$(mktemp -d /tmp/rca-samples.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export RCA_CERT_DIR="$WORK/cert"    # self-signed certificate for the HTTPS servers
STATUS=0

# rederive NAME: the oracle side file of a committed sample, from its log and expected.json
rederive() {
    python3 "$GEN/rederive_oracle.py" --log "$OUT/$1.log" --expected "$OUT/$1.expected.json" \
        --out "$WORK/$1.oracle.json"
}

# run NAME SUITE PYTHON [--strict] [--junit] [--netns] -- PYTEST-ARGS...
#   --strict  the log is a full -v/live-log run: every designed category must be visible
#   --junit   also write NAME.junit.xml and cross-check outcomes against it
#   --netns   run inside the loopback-only namespace with the stub resolver
#   --interrupted  pytest stops after collection errors: designed tests may not have run
#   --design FILE  the suite's design file other than design.json (a variant of the suite)
#   --env VAR=VALUE  set for the pytest run (repeatable; a variant's switch)
run() {
    name="$1"; suite="$2"; py="$3"; shift 3
    strict=""; junit=""; prefix=""; design="design.json"; envs=""
    while [ "$1" != "--" ]; do
        case "$1" in
            --design) shift; design="$1" ;;
            --env) shift; envs="$envs $1" ;;
            --strict) strict="--strict" ;;
            --interrupted) strict="--interrupted" ;;
            --junit) junit="$OUT/$name.junit.xml" ;;
            --netns) prefix="$GEN/run_in_netns.sh" ;;
        esac
        shift
    done
    shift
    case "$name" in "$ONLY"*) ;; *) return 0 ;; esac
    if [ -n "$REDERIVE" ]; then
        echo "generate: $name (re-derived from the committed log)" >&2
        rederive "$name"
    else
        echo "generate: $name" >&2
        set -- -p rca_oracle -p no:cacheprovider "$@"
        if [ -n "$junit" ]; then set -- "$@" "--junitxml=$junit"; fi
        start=$(date +%s)
        ( cd "$GEN/suites/$suite" && RCA_ORACLE_OUT="$WORK/$name.oracle.json" \
            env $envs timeout 300 $prefix "$py" -m pytest "$@" ) > "$OUT/$name.log" 2>&1 || true
        echo "generate:   $(( $(date +%s) - start ))s, $(wc -c < "$OUT/$name.log") bytes" >&2
    fi
    python3 "$GEN/make_expected.py" --log "$OUT/$name.log" --oracle "$WORK/$name.oracle.json" \
        --design "$GEN/suites/$suite/$design" --out "$OUT/$name.expected.json" \
        $strict ${junit:+--junit "$junit"} || STATUS=1
}

# excerpt NAME SOURCE SUITE STYLE: a pasted excerpt cut from the sample SOURCE by excerpt.py
#   (STYLE md-fenced, md-indented, yaml), with its oracle. SOURCE's oracle side file is the one
#   of this invocation when SOURCE was regenerated, else re-derived from the committed files.
excerpt() {
    name="$1"; source="$2"; suite="$3"; style="$4"
    case "$name" in "$ONLY"*) ;; *) return 0 ;; esac
    echo "generate: $name (cut from $source.log)" >&2
    if [ ! -f "$WORK/$source.oracle.json" ]; then rederive "$source"; fi
    python3 "$GEN/excerpt.py" --style "$style" --source "$OUT/$source.log" \
        --oracle "$WORK/$source.oracle.json" --design "$GEN/suites/$suite/design.json" \
        --out "$OUT/$name.log" --expected "$OUT/$name.expected.json" || STATUS=1
}

# compose NAME SUITE PYTHON -- PYTEST-ARGS...: a full -v/live-log run (--strict) shown as
#   `docker compose up` shows it (compose_logs.py): pytest's lines as service "tests", the
#   loopback servers' access log ($RCA_ACCESS_LOG) as service "api", interleaved as they arrive.
#   The oracle is that of the pytest run itself (the "tests" lines without their prefix).
compose() {
    name="$1"; suite="$2"; py="$3"; shift 4
    case "$name" in "$ONLY"*) ;; *) return 0 ;; esac
    raw="$WORK/$name.raw.log"
    if [ -n "$REDERIVE" ]; then
        echo "generate: $name (re-derived from the committed log)" >&2
        python3 "$GEN/compose_logs.py" --strip "$OUT/$name.log" --raw "$raw"
        python3 "$GEN/rederive_oracle.py" --log "$raw" --expected "$OUT/$name.expected.json" \
            --out "$WORK/$name.oracle.json"
    else
        echo "generate: $name" >&2
        start=$(date +%s)
        ( cd "$GEN/suites/$suite" && RCA_ORACLE_OUT="$WORK/$name.oracle.json" \
            RCA_ACCESS_LOG="$WORK/$name.access.log" PYTHONUNBUFFERED=1 \
            python3 "$GEN/compose_logs.py" --out "$OUT/$name.log" --raw "$raw" \
                --side-log "$WORK/$name.access.log" -- \
                timeout 300 "$py" -m pytest -p rca_oracle -p no:cacheprovider "$@" ) 2>&1 || true
        echo "generate:   $(( $(date +%s) - start ))s, $(wc -c < "$OUT/$name.log") bytes" >&2
        python3 "$GEN/compose_logs.py" --strip "$OUT/$name.log" --raw "$WORK/$name.strip.log"
        cmp -s "$raw" "$WORK/$name.strip.log" || { echo "generate: $name: tests lines != pytest output" >&2; STATUS=1; }
    fi
    python3 "$GEN/make_expected.py" --log "$raw" --oracle "$WORK/$name.oracle.json" \
        --design "$GEN/suites/$suite/design.json" --out "$OUT/$name.expected.json" --strict || STATUS=1
}

# junitonly NAME SUITE PYTHON [--strict] -- PYTEST-ARGS...: a run whose sample is its JUnit XML
#   alone (NAME.junit.xml, written with -o junit_logging=all; the console log is not kept),
#   with an oracle cut from the XML by junit_expected.py
junitonly() {
    name="$1"; suite="$2"; py="$3"; shift 3
    strict=""
    if [ "$1" = "--strict" ]; then strict="--strict"; shift; fi
    shift
    case "$name" in "$ONLY"*) ;; *) return 0 ;; esac
    xml="$OUT/$name.junit.xml"
    if [ -n "$REDERIVE" ]; then
        echo "generate: $name (re-derived from the committed XML)" >&2
        from="--rederive $OUT/$name.expected.json"
    else
        echo "generate: $name" >&2
        start=$(date +%s)
        ( cd "$GEN/suites/$suite" && RCA_ORACLE_OUT="$WORK/$name.oracle.json" \
            timeout 300 "$py" -m pytest -p rca_oracle -p no:cacheprovider "$@" \
                -o junit_logging=all "--junitxml=$xml" ) > "$WORK/$name.console.log" 2>&1 || true
        echo "generate:   $(( $(date +%s) - start ))s, $(wc -c < "$xml") bytes of XML" >&2
        from="--oracle $WORK/$name.oracle.json"
    fi
    python3 "$GEN/junit_expected.py" --junit "$xml" $from \
        --design "$GEN/suites/$suite/design.json" --out "$OUT/$name.expected.json" $strict || STATUS=1
}

LIVE="-v --log-cli-level=INFO"

# 1, 2: the seed-shaped load suite (41 tests, 18 failures)
run seed-urllib3-2     seed "$B" --strict --junit -- $LIVE
run seed-urllib3-1.26  seed "$A" --strict --junit -- $LIVE
#    and the same suite on a good night (healthy servers, capacity above every load level): the
#    passing baseline run `rca analyze --baseline` compares seed-urllib3-2 with
run seed-baseline-urllib3-2 seed "$B" --strict --design design-healthy.json \
    --env RCA_SEED_HEALTHY=1 --env RCA_CAPACITY_LOAD_LEVEL=1000 -- $LIVE
# 3: httpx
run httpx              httpx "$C" --strict --junit -- $LIVE
# 4: one test per failure class
run errors-urllib3-2    errors "$B" --strict -- $LIVE
run errors-urllib3-1.26 errors "$A" --strict -- $LIVE
# 5: DNS failures, inside the loopback-only namespace
run dns-urllib3-2      dns "$B" --strict --netns -- $LIVE
run dns-urllib3-1.26   dns "$A" --strict --netns -- $LIVE
# 6: the errors suite under other pytest output shapes (env B)
run shape-q            errors "$B" -- -q
run shape-rA           errors "$B" -- -rA
run shape-tb-short     errors "$B" -- $LIVE --tb=short
run shape-tb-line      errors "$B" -- $LIVE --tb=line
run shape-tb-native    errors "$B" -- $LIVE --tb=native
run shape-tb-no        errors "$B" -- $LIVE --tb=no
run shape-color        errors "$B" -- $LIVE --color=yes
run shape-xdist        errors "$B" -- -n 2 -v
run shape-durations    errors "$B" -- $LIVE --durations=5
# 7: the errors suite at DEBUG level with millisecond timestamps: urllib3's response lines
#    ("GET /x HTTP/1.1" 503), "Incremented Retry" and "Retry:" lines, connection churn
DEBUG_FMT="log_cli_format=%(asctime)s.%(msecs)03d [%(levelname)7s] %(name)s: %(message)s"
run debug-urllib3-2    errors "$B" --strict -- -v --log-cli-level=DEBUG -o "$DEBUG_FMT"
run debug-urllib3-1.26 errors "$A" --strict -- -v --log-cli-level=DEBUG -o "$DEBUG_FMT"
# 8: -q --tb=line: one crash line per failure, before the summary, naming no test
run shape-q-tb-line    errors "$B" -- -q --tb=line
# 9: 429 exhaustion: urllib3 Retry on 429 with Retry-After 0/1, raise_for_status, a 503 control
run ratelimit-urllib3-2    ratelimit "$B" --strict -- $LIVE
run ratelimit-urllib3-1.26 ratelimit "$A" --strict -- $LIVE
# 10: the openai client (httpx) against a fake OpenAI-compatible server: timeouts after its
#     default retries, 429, 500, refused
run openai-httpx       openai "$D" --strict -- $LIVE
# 11: collection errors (a module-level request refused, an ImportError) and a module-level
#     skip, with -ra: pytest stops after collection, or goes on
run collect-interrupted collect "$B" --interrupted -- -ra
run collect-continue    collect "$B" --strict -- $LIVE -ra --continue-on-collection-errors
#     and with --no-fold-skipped, where pytest names the skipped module by its nodeid
run collect-no-fold     collect "$B" --strict -- -ra --continue-on-collection-errors --no-fold-skipped
# 12: the errors suite under docker compose: "tests-1  | " before every pytest line, the
#     servers' access log interleaved as "api-1    | " lines
compose compose-urllib3-2 errors "$B" -- $LIVE
# 13: a JUnit XML meant to be read alone: -o junit_logging=all puts each test's captured log,
#     stdout and stderr in <system-out>/<system-err>
junitonly junit-logging-all errors "$B" --strict -- $LIVE
# 14: excerpts of errors-urllib3-2.log as people paste them: Markdown (bullets, a quote, ```
#     fences), Markdown 4-space code blocks, a YAML literal block
excerpt excerpt-md-fenced   errors-urllib3-2 errors md-fenced
excerpt excerpt-md-indented errors-urllib3-2 errors md-indented
excerpt excerpt-yaml        errors-urllib3-2 errors yaml
# 15: a load ramp (levels 1,2,5,10,20,50, a ThreadPoolExecutor per level) against a server of
#     known capacity (8 requests at once, 503 beyond): the capacity knee estimated from the log
run capacity-urllib3-2 capacity "$B" --strict -- $LIVE

exit $STATUS
