#!/bin/sh
# tests/cli/test_demo.sh - `make run` stays a real check: the narrated demo
# (scripts/demo.sh) must exit 0, i.e. every step behaved as expected, and it
# must leave no temporary directory behind.
set -u
: "${JWTGUARD:?JWTGUARD must name the jwtguard binary}"
: "${JG_SOURCE_DIR:?JG_SOURCE_DIR must name the source tree}"

T=$(mktemp -d "${JG_BUILD_DIR:-${TMPDIR:-/tmp}}/jwtguard-demo-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

TMPDIR=$T sh "$JG_SOURCE_DIR/scripts/demo.sh" "$JWTGUARD" >"$T/log" 2>&1
rc=$?
fail=0
if [ "$rc" -ne 0 ]; then
    echo "FAIL: demo exited $rc"
    cat "$T/log"
    fail=1
fi
if ! grep -q '^demo: all [0-9]* steps behaved as expected$' "$T/log"; then
    echo "FAIL: demo summary line missing"
    fail=1
fi
left=$(find "$T" -mindepth 1 -maxdepth 1 -name 'jwtguard-demo.*' | wc -l)
if [ "$left" -ne 0 ]; then
    echo "FAIL: demo left its temporary directory behind"
    fail=1
fi
# without a binary it must refuse, not pretend
sh "$JG_SOURCE_DIR/scripts/demo.sh" "$T/no-such-binary" >/dev/null 2>&1
if [ $? -eq 0 ]; then
    echo "FAIL: demo succeeded without a binary"
    fail=1
fi
if [ "$fail" -eq 0 ]; then
    echo "1 passed, 0 failed"
else
    echo "0 passed, 1 failed"
fi
exit "$fail"
