#!/bin/sh
# tests/server/test_demo.sh - `make run` stays a real check: the server demo
# (scripts/server-demo.sh) runs the whole login -> verify -> refresh ->
# logout -> rejected flow with curl against a real jwtguardd, and must exit
# 0 with its summary line when stdin is not a terminal, print the demo
# password exactly once, and leave no temporary directory or server behind.
set -u
: "${JWTGUARDD:?JWTGUARDD must name the jwtguardd binary}"
: "${JG_SOURCE_DIR:?JG_SOURCE_DIR must name the source tree}"
PY=${JG_PYTHON:-python3}

mkdir -p "${JG_BUILD_DIR:-/tmp}/server-tests"
T=$(mktemp -d "${JG_BUILD_DIR:-/tmp}/server-tests/demo-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
no() { echo "FAIL $1"; fail=$((fail + 1)); }

JG_DEMO_LISTEN=127.0.0.1:$PORT TMPDIR=$T \
    sh "$JG_SOURCE_DIR/scripts/server-demo.sh" "$JWTGUARDD" \
    </dev/null >"$T/log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "demo exits 0"; else no "demo exited $rc"; cat "$T/log"; fi
if grep -q '^server-demo: all [0-9]* steps behaved as expected$' "$T/log"; then
    ok "demo summary line"
else
    no "demo summary line missing"
fi
for w in /login /auth/verify /token/refresh /logout; do
    if grep -q "curl .*$w" "$T/log"; then ok "prints the curl command for $w"
    else no "no curl command for $w"; fi
done
pw=$(sed -n 's/^demo user: demo *password: \([^ ]*\) .*/\1/p' "$T/log")
if [ -n "$pw" ] && [ "$(grep -c -e "$pw" "$T/log")" -eq 1 ]; then
    ok "the password is printed exactly once"
else
    no "the password is not printed exactly once"
fi
left=$(find "$T" -mindepth 1 -maxdepth 1 -name 'jwtguardd-demo.*' | wc -l)
if [ "$left" -eq 0 ]; then ok "no temporary directory left"
else no "the demo left its temporary directory behind"; fi
if "$PY" -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1",int(sys.argv[1]))) else 1)' "$PORT"; then
    ok "the server is stopped"
else
    no "something still listens on the demo port"
fi
sh "$JG_SOURCE_DIR/scripts/server-demo.sh" "$T/no-such-binary" >/dev/null 2>&1
if [ $? -eq 2 ]; then ok "refuses a missing binary (exit 2)"
else no "a missing binary does not give exit 2"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
