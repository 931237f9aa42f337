#!/usr/bin/env bash
# fuzz/run.sh - run the libFuzzer targets over their committed corpora.
#
# Usage: fuzz/run.sh BUILD_DIR [TARGET...]   (called by `make fuzz`)
# Environment: FUZZ_SECONDS (default 600 per target), FUZZ_PARALLEL (how
# many targets at once, default 1), FUZZ_MERGE=1 (merge new interesting
# inputs into fuzz/corpus/<target>/; otherwise they stay in a temporary
# directory), FUZZ_ARGS (extra libFuzzer flags, e.g. "-fork=1
# -ignore_crashes=1" to keep going after a crash).
# Crash, leak, timeout and OOM inputs land in BUILD_DIR/fuzz-artifacts/;
# the exit status is 1 if there is any. A summary table ends the run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [TARGET...]}
shift
targets=${*:-b64url json jwk jwks jws jwt server}
secs=${FUZZ_SECONDS:-600}
par=${FUZZ_PARALLEL:-1}
merge=${FUZZ_MERGE:-0}
extra=${FUZZ_ARGS:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/jg-fuzz.XXXXXX")
arts=$build/fuzz-artifacts
mkdir -p "$arts"
touch "$work/.start" # findings of this run are the artifacts newer than it

max_len() {
    case $1 in
    b64url) echo 4096 ;;
    json) echo 16384 ;;
    jwk | jwks | jws) echo 16384 ;;
    jwt) echo 8192 ;;
    server) echo 17408 ;;
    esac
}
dict() {
    case $1 in
    json) echo "$here/dict/json.dict" ;;
    b64url) echo "" ;;
    server) echo "$here/dict/server.dict" ;;
    *) echo "$here/dict/jose.dict" ;;
    esac
}

run_one() {
    local t=$1 bin=$build/bin/fuzz_$1 d
    d=$(dict "$t")
    mkdir -p "$work/$t" "$arts/$t"
    echo "fuzz: $t for ${secs}s (new inputs in $work/$t)"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -max_len="$(max_len "$t")" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$arts/$t/" ${d:+-dict="$d"} $extra \
        "$work/$t" "$here/corpus/$t" >"$build/fuzz-$t.log" 2>&1
    echo "fuzz: $t finished (exit $?), log $build/fuzz-$t.log"
}

running=0
for t in $targets; do
    if [ ! -x "$build/bin/fuzz_$t" ]; then
        echo "fuzz: no $build/bin/fuzz_$t (build with -DJG_FUZZ=ON)" >&2
        exit 2
    fi
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$par" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

status=0
printf '\n%-8s %12s %8s %8s %8s %10s %9s %s\n' target execs exec/s cov ft \
    corpus new findings
for t in $targets; do
    log=$build/fuzz-$t.log
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | grep -E 'cov: ' | tail -1)
    if [ -z "$execs" ]; then # fork mode: "#N: cov: ... time: Ss"
        execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
        t_s=$(echo "$last" | sed -n 's/.*time: \([0-9]*\)s.*/\1/p')
        [ -n "$execs" ] && [ -n "$t_s" ] && [ "$t_s" -gt 0 ] &&
            rate=$((execs / t_s))
    fi
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.*corp: \([0-9/]*[0-9a-zA-Z]*\).*/\1/p')
    new=$(find "$work/$t" -type f | wc -l)
    found=$(find "$arts/$t" -type f -newer "$work/.start" | wc -l)
    [ "$found" -gt 0 ] && status=1
    printf '%-8s %12s %8s %8s %8s %10s %9s %s\n' "$t" "${execs:-?}" \
        "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$new" "$found"
    if [ "$merge" = 1 ] && [ "$new" -gt 0 ]; then
        "$build/bin/fuzz_$t" -merge=1 -max_len="$(max_len "$t")" \
            "$here/corpus/$t" "$work/$t" >>"$log" 2>&1
        echo "fuzz: merged new inputs of $t into fuzz/corpus/$t"
    fi
done
find "$arts" -type f -newer "$work/.start" | sed 's/^/finding: /'
[ "$merge" = 1 ] || echo "fuzz: new inputs kept in $work (FUZZ_MERGE=1 merges them into fuzz/corpus)"
exit $status
