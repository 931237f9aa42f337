#!/usr/bin/env bash
# tests/memcheck.sh - every unit_* and vectors_* test binary of a build
# under valgrind's memcheck: no invalid access, no use of uninitialised
# memory, no definite or indirect leak. Run by ctest (label memcheck, the
# non-sanitizer build only); the environment the tests need (JG_VECTORS,
# JG_BUILD_DIR, ...) comes from ctest.
#
# usage: tests/memcheck.sh [BUILD_DIR]   (default: $JG_BUILD_DIR)
#        tests/memcheck.sh --self-test   (a leak, a bad read and an
#        uninitialised branch must each fail the run; needs cc)
# env:   JG_MEMCHECK_JOBS (default 2), JG_MEMCHECK_ONLY (a name filter,
#        e.g. "unit_test_json"), VALGRIND (default: valgrind on PATH)
set -u

if [ "${1:-}" = "--self-test" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/bin"
    cc=${CC:-cc}
    cat >"$tmp/clean.c" <<'EOF'
#include <stdlib.h>
int main(void) { char *p = malloc(8); p[0] = 1; free(p); return 0; }
EOF
    cat >"$tmp/leak.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
int main(void) { void *p = malloc(40); memset(p, 1, 40);
                 return ((char *)p)[3] == 1 ? 0 : 1; }
EOF
    cat >"$tmp/bad.c" <<'EOF'
#include <stdlib.h>
int main(void) { volatile char *p = malloc(8); int r = p[8]; free((void *)p);
                 return r == 12345; }
EOF
    cat >"$tmp/uninit.c" <<'EOF'
#include <stdlib.h>
int main(void) { int *p = malloc(sizeof *p); int r = 0; if (*p > 3) r = 1;
                 free(p); return r * 0; }
EOF
    for b in clean leak bad uninit; do
        n=unit_$b
        [ $b = bad ] && n=vectors_bad
        "$cc" -g -O0 -o "$tmp/bin/$n" "$tmp/$b.c" || exit 1
    done
    ok=1
    for n in unit_leak vectors_bad unit_uninit; do
        if JG_MEMCHECK_ONLY=$n JG_MEMCHECK_JOBS=1 bash "$0" "$tmp" \
                >"$tmp/$n.out" 2>&1; then
            echo "memcheck self-test: FAIL: $n passed"
            cat "$tmp/$n.out"
            ok=0
        else
            echo "memcheck self-test: $n fails as it must:" \
                 "$(grep -m1 -E 'definitely lost|Invalid read|uninitialised' \
                    "$tmp/$n.out" | sed 's/^==[0-9]*== //')"
        fi
    done
    if ! JG_MEMCHECK_ONLY=unit_clean bash "$0" "$tmp" >"$tmp/c.out" 2>&1; then
        echo "memcheck self-test: FAIL: a clean program failed"
        cat "$tmp/c.out"
        ok=0
    fi
    [ $ok = 1 ] && echo "memcheck self-test: PASS" && exit 0
    exit 1
fi

build=${1:-${JG_BUILD_DIR:-}}
if [ -z "$build" ] || [ ! -d "$build/bin" ]; then
    echo "memcheck: FAIL: no build directory (argument or JG_BUILD_DIR)"
    exit 1
fi
vg=${VALGRIND:-$(command -v valgrind || true)}
if [ -z "$vg" ]; then
    echo "memcheck: FAIL: valgrind not found (scripts/deps.sh installs it)"
    exit 1
fi
jobs=${JG_MEMCHECK_JOBS:-2}
only=${JG_MEMCHECK_ONLY:-}

# Binaries left out, each with its reason (printed on every run).
declare -A skip=(
)

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# The slowest first (measured), so two workers finish close together;
# anything not named here follows in name order.
heavy="unit_test_crypto unit_test_jwt unit_test_jws vectors_vec_rfc
       unit_test_denylist vectors_vec_primitives unit_test_defaults
       unit_test_torture"
ordered=()
for h in $heavy; do
    [ -x "$build/bin/$h" ] && ordered+=("$build/bin/$h")
done
for t in "$build"/bin/unit_* "$build"/bin/vectors_*; do
    case " $(echo $heavy) " in *" $(basename "$t") "*) continue ;; esac
    ordered+=("$t")
done

list=()
for t in "${ordered[@]}"; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    if [ -n "$only" ] && [[ "$name" != *"$only"* ]]; then
        continue
    fi
    if [ -n "${skip[$name]:-}" ]; then
        echo "memcheck: SKIP $name: ${skip[$name]}"
        continue
    fi
    list+=("$t")
done
if [ ${#list[@]} -eq 0 ]; then
    echo "memcheck: FAIL: no unit_* or vectors_* binaries in $build/bin"
    exit 1
fi

# One binary: valgrind's own exit code 99 means an error or a leak.
run_one() {
    local t=$1 name rc real user sys
    name=$(basename "$t")
    TIMEFORMAT='%R %U %S'
    { time "$vg" --tool=memcheck --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=no \
        --num-callers=20 "$t" >"$logs/$name.log" 2>&1; } \
        2>"$logs/$name.time"
    rc=$?
    read -r real user sys <"$logs/$name.time"
    echo "$name $rc $real $user $sys" >"$logs/$name.res"
    printf 'memcheck: %-34s exit %3s  %6s s wall %6s s cpu\n' "$name" "$rc" \
        "$real" "$(echo "$user $sys" | awk '{ printf "%.1f", $1 + $2 }')"
}
export -f run_one
export vg logs

t0=$(date +%s)
echo "memcheck: ${#list[@]} binaries, $jobs at a time ($("$vg" --version))"
printf '%s\n' "${list[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$@"' _ {}
t1=$(date +%s)

fail=0
for t in "${list[@]}"; do
    name=$(basename "$t")
    read -r _ rc _ <"$logs/$name.res" 2>/dev/null || rc=missing
    if [ "$rc" != 0 ]; then
        fail=1
        if [ "$rc" = 99 ]; then
            echo "memcheck: FAIL $name: valgrind found errors or leaks:"
        else
            echo "memcheck: FAIL $name: the test itself failed (exit $rc):"
        fi
        # The valgrind reports (or the test's tail) of the failing binary.
        grep -E '^==[0-9]+== ' "$logs/$name.log" | grep -v -E \
            '^==[0-9]+== (Memcheck|Copyright|Using Valgrind|Command|$)' |
            head -120
        grep -v -E '^==[0-9]+== ' "$logs/$name.log" | tail -20
    fi
done
cpu=$(cat "$logs"/*.res 2>/dev/null | awk '{ s += $4 + $5 } END { printf "%.0f", s }')
echo "memcheck: total $((t1 - t0)) s wall, $cpu s cpu"
if [ $fail -ne 0 ]; then
    echo "memcheck: FAIL"
    exit 1
fi
echo "memcheck: PASS (${#list[@]} binaries: no errors, no definite or" \
     "indirect leaks)"
