#!/bin/sh
# scripts/server-demo.sh BIN - the jwtguardd token server, live (`make run`).
#
# Creates a fresh data directory (certificate, signing keys) and a demo user
# whose random password is printed once, starts jwtguardd on
# https://127.0.0.1:8443 (JG_DEMO_LISTEN overrides), then runs and prints the
# curl commands of the whole flow: login -> /auth/verify -> refresh ->
# logout -> /auth/verify rejected, checking each answer. On a terminal the
# server keeps running until Ctrl-C; otherwise (CI) it stops after the flow
# and the script exits 0 only if every step behaved as expected. Installs
# nothing (the Makefile's deps step does). POSIX sh; needs curl.
set -u

BIN=${1:-}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "usage: sh scripts/server-demo.sh path/to/jwtguardd" >&2
    exit 2
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "server-demo: curl is needed (apt-get install curl)" >&2
    exit 2
fi
LISTEN=${JG_DEMO_LISTEN:-127.0.0.1:8443}
URL="https://$LISTEN"

umask 077
DIR=$(mktemp -d "${TMPDIR:-/tmp}/jwtguardd-demo.XXXXXX") || exit 2
DATA="$DIR/data"
CA="$DATA/tls.crt"
LOG="$DIR/jwtguardd.log"
PID=""
FAILED=0
STEP=0

cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() {
    STEP=$((STEP + 1))
    printf '\n== %d. %s\n' "$STEP" "$1"
}
ok() { printf '   ok: %s\n' "$1"; }
bad() {
    printf '   UNEXPECTED: %s\n' "$1"
    FAILED=$((FAILED + 1))
}
# show the command as a reader would type it
say() { printf '   $ %s\n' "$1"; }

# json_get KEY < body: the string value of KEY in a flat JSON object.
json_get() {
    sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p'
}

# b64url_decode: base64url (RFC 4648 section 5, unpadded) on stdin -> bytes.
b64url_decode() {
    s=$(tr '_-' '/+')
    case $((${#s} % 4)) in
    2) s="$s==" ;;
    3) s="$s=" ;;
    esac
    printf '%s' "$s" | base64 -d 2>/dev/null
}

# call METHOD PATH [curl args...]: body to $DIR/body, headers to
# $DIR/headers, prints the status code.
call() {
    m=$1
    p=$2
    shift 2
    curl -s --cacert "$CA" -X "$m" -o "$DIR/body" -D "$DIR/headers" \
        -w '%{http_code}' "$@" "$URL$p" 2>/dev/null || printf '000'
}

printf 'jwtguardd demo: data directory %s\n' "$DATA"
if ! "$BIN" init --data-dir "$DATA" >"$DIR/init.out" 2>&1; then
    cat "$DIR/init.out"
    echo "server-demo: jwtguardd init failed"
    exit 1
fi
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
if ! printf '%s\n' "$PASSWORD" |
    "$BIN" user add demo --data-dir "$DATA" >/dev/null 2>"$DIR/add.err"; then
    cat "$DIR/add.err"
    echo "server-demo: jwtguardd user add failed"
    exit 1
fi
printf 'demo user: demo    password: %s    (printed only this once)\n' \
    "$PASSWORD"

"$BIN" --data-dir "$DATA" --listen "$LISTEN" --log "$LOG" \
    </dev/null >"$DIR/server.out" 2>&1 &
PID=$!
i=0
until [ "$(call GET /healthz)" = 200 ]; do
    i=$((i + 1))
    if ! kill -0 "$PID" 2>/dev/null || [ "$i" -gt 150 ]; then
        echo "server-demo: jwtguardd did not start on $URL:"
        tail -n 5 "$DIR/server.out" "$LOG" 2>/dev/null
        exit 1
    fi
    sleep 0.1
done
printf 'jwtguardd is listening on %s (pid %s)\n' "$URL" "$PID"
printf '\nTo run these yourself, in another shell:\n'
printf '   CA=%s\n   PASSWORD=<the password above>\n' "$CA"

step "log in (POST /login) -> an access token (10 min) and a refresh token"
say "curl --cacert \"\$CA\" -H 'Content-Type: application/json' -d '{\"username\":\"demo\",\"password\":\"'\"\$PASSWORD\"'\"}' $URL/login"
code=$(call POST /login -H 'Content-Type: application/json' \
    -d "{\"username\":\"demo\",\"password\":\"$PASSWORD\"}")
ACCESS=$(json_get access_token <"$DIR/body")
REFRESH=$(json_get refresh_token <"$DIR/body")
if [ "$code" = 200 ] && [ -n "$ACCESS" ] && [ -n "$REFRESH" ]; then
    claims=${ACCESS#*.}
    claims=${claims%%.*}
    ok "200; an access token (ES256 JWS) and an opaque refresh token"
    printf '   access token claims: %s\n' "$(printf '%s' "$claims" | b64url_decode)"
else
    bad "login answered $code: $(cat "$DIR/body")"
fi
grep -i '^set-cookie:' "$DIR/headers" | sed 's/=[^;]*;/=...;/; s/^/   /'
say "ACCESS=<access_token of the answer>; REFRESH=<refresh_token of the answer>"

step "forward-auth (GET /auth/verify), as nginx auth_request would ask"
say "curl --cacert \"\$CA\" -i -H \"Authorization: Bearer \$ACCESS\" $URL/auth/verify"
code=$(call GET /auth/verify -H "Authorization: Bearer $ACCESS")
if [ "$code" = 200 ] && grep -qi '^x-auth-subject: demo' "$DIR/headers"; then
    ok "200 $(grep -i '^x-auth-' "$DIR/headers" | tr -d '\r' | tr '\n' ' ')"
else
    bad "verify answered $code"
fi

step "refresh (POST /token/refresh): single use, returns a new pair"
say "curl --cacert \"\$CA\" -H 'Content-Type: application/json' -d '{\"refresh_token\":\"'\"\$REFRESH\"'\"}' $URL/token/refresh"
code=$(call POST /token/refresh -H 'Content-Type: application/json' \
    -d "{\"refresh_token\":\"$REFRESH\"}")
ACCESS2=$(json_get access_token <"$DIR/body")
REFRESH2=$(json_get refresh_token <"$DIR/body")
if [ "$code" = 200 ] && [ -n "$ACCESS2" ] && [ "$REFRESH2" != "$REFRESH" ]; then
    ok "200; a new access token and a new refresh token"
    say "ACCESS=<the new access_token>; REFRESH=<the new refresh_token>"
else
    bad "refresh answered $code: $(cat "$DIR/body")"
fi

step "log out (POST /logout): revokes the token and its refresh family"
say "curl --cacert \"\$CA\" -i -X POST -H \"Authorization: Bearer \$ACCESS\" $URL/logout"
code=$(call POST /logout -H "Authorization: Bearer $ACCESS2")
if [ "$code" = 204 ]; then
    ok "204; cookies cleared"
else
    bad "logout answered $code"
fi

step "the logged-out token is rejected at /auth/verify"
say "curl --cacert \"\$CA\" -i -H \"Authorization: Bearer \$ACCESS\" $URL/auth/verify"
code=$(call GET /auth/verify -H "Authorization: Bearer $ACCESS2")
if [ "$code" = 401 ]; then
    ok "401 $(grep -i '^www-authenticate:' "$DIR/headers" | tr -d '\r')"
else
    bad "verify after logout answered $code"
fi
code=$(call POST /token/refresh -H 'Content-Type: application/json' \
    -d "{\"refresh_token\":\"$REFRESH2\"}")
if [ "$code" = 401 ]; then
    ok "its refresh token is dead too (401)"
else
    bad "refresh after logout answered $code"
fi

step "the public keys (GET /.well-known/jwks.json)"
say "curl --cacert \"\$CA\" $URL/.well-known/jwks.json"
code=$(call GET /.well-known/jwks.json)
if [ "$code" = 200 ] && grep -q '"kid"' "$DIR/body"; then
    ok "200; $(grep -o '"kid"' "$DIR/body" | wc -l | tr -d ' ') keys (current and next)"
else
    bad "jwks answered $code"
fi

if grep -q -e "$PASSWORD" -e "$REFRESH" -e "${ACCESS##*.}" "$LOG" 2>/dev/null; then
    bad "the log contains a password or token"
fi

printf '\n'
if [ "$FAILED" -eq 0 ]; then
    echo "server-demo: all $STEP steps behaved as expected"
else
    echo "server-demo: $FAILED unexpected results"
fi

if [ -t 0 ] && [ "$FAILED" -eq 0 ]; then
    printf '\njwtguardd keeps running on %s; log: %s\n' "$URL" "$LOG"
    printf 'Press Ctrl-C to stop it (the data directory is then removed).\n'
    trap 'kill -TERM "$PID" 2>/dev/null' INT TERM
    wait "$PID"
    wait "$PID" 2>/dev/null
    PID=""
    echo "server-demo: jwtguardd stopped"
    exit 0
fi
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
if [ "$rc" -ne 0 ]; then
    echo "server-demo: jwtguardd exited $rc on SIGTERM"
    FAILED=$((FAILED + 1))
fi
[ "$FAILED" -eq 0 ]
