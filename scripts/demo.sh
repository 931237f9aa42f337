#!/bin/sh
# scripts/demo.sh BIN - a short narrated tour of the jwtguard CLI (`make run`).
#
# Each step prints a one-line heading, runs the real binary and checks the
# outcome: a valid token must verify, a tampered, expired or alg-confused
# one must be refused with the expected error. Exits 0 only if every step
# behaved as expected, so `make run` is a real check. POSIX sh; keys live
# in a private temporary directory that is removed on exit.
set -u

BIN=${1:-}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "usage: sh scripts/demo.sh path/to/jwtguard" >&2
    exit 2
fi

umask 077
DIR=$(mktemp -d "${TMPDIR:-/tmp}/jwtguard-demo.XXXXXX") || exit 2
trap 'rm -rf "$DIR"' EXIT
trap 'exit 130' INT TERM

STEP=0
FAILED=0

step() {
    STEP=$((STEP + 1))
    printf '\n== %d. %s\n' "$STEP" "$1"
}

ok() { printf '   ok: %s\n' "$1"; }

bad() {
    printf '   UNEXPECTED: %s\n' "$1"
    FAILED=$((FAILED + 1))
}

# base64url (RFC 4648 §5, no padding) <-> bytes, on stdin/stdout.
b64url_decode() {
    s=$(tr '_-' '/+')
    case $((${#s} % 4)) in
    2) s="$s==" ;;
    3) s="$s=" ;;
    esac
    printf '%s' "$s" | base64 -d
}
b64url_encode() { base64 | tr -d '\n=' | tr '/+' '_-'; }

# show FILE: print a file indented (long lines are shown in full).
show() { sed 's/^/   /' "$1"; }

# expect_reject NAME: the last command must have exited 1 with a stderr line
# naming one of the errors in NAME (a |-separated list) and printed nothing.
expect_reject() {
    if [ "$RC" -ne 1 ]; then
        bad "exit status $RC, wanted 1"
    elif [ -s "$DIR/out" ]; then
        bad "something was printed on stdout"
    elif grep -Eq "^jwtguard: ($1): " "$DIR/err"; then
        ok "rejected (exit 1):"
    else
        bad "rejected, but not with $1"
    fi
    show "$DIR/err"
}

printf 'jwtguard demo: %s\n' "$("$BIN" --version)"

step "generate an ES256 key pair (the private JWK stays in a temp dir)"
if "$BIN" jwk generate --alg ES256 --kid demo-key >"$DIR/key.json" 2>"$DIR/err"; then
    ok "private key written ($(wc -c <"$DIR/key.json" | tr -d ' ') bytes)"
else
    bad "jwk generate failed"; show "$DIR/err"
fi

step "its public JWK: what a verifier gets (no \"d\")"
if "$BIN" jwk public "$DIR/key.json" >"$DIR/pub.json" 2>"$DIR/err"; then
    show "$DIR/pub.json"
    if grep -q '"d"' "$DIR/pub.json"; then bad "private member in public key"; fi
else
    bad "jwk public failed"; show "$DIR/err"
fi

step "sign a JWT for alice (iss, aud, sub; exp/iat/jti added, ttl 10m)"
if "$BIN" jwt sign --key "$DIR/key.json" --iss https://id.example \
    --aud api --sub alice >"$DIR/token" 2>"$DIR/err"; then
    show "$DIR/token"
else
    bad "jwt sign failed"; show "$DIR/err"
fi

step "verify it with the public key, requiring issuer and audience"
"$BIN" jwt verify --key "$DIR/pub.json" --iss https://id.example --aud api \
    <"$DIR/token" >"$DIR/out" 2>"$DIR/err"
RC=$?
if [ "$RC" -eq 0 ] && grep -q '"sub":"alice"' "$DIR/out"; then
    ok "valid; the verified claims:"
    show "$DIR/out"
else
    bad "verification failed (exit $RC)"; show "$DIR/err"
fi

step "tamper with one character of the payload: exp 1... -> 2... (decades more)"
# Decode the claims, change the first digit of exp, re-encode: still valid
# base64url and JSON, so only the signature can tell.
PAYLOAD=$(cut -d. -f2 "$DIR/token" | b64url_decode)
FORGED=$(printf '%s' "$PAYLOAD" | sed 's/"exp":1/"exp":2/')
if [ "$FORGED" = "$PAYLOAD" ]; then
    FORGED=$(printf '%s' "$PAYLOAD" | sed 's/"exp":\([0-9]\)/"exp":9/')
fi
printf '   claims now: %s\n' "$FORGED"
printf '%s.%s.%s\n' "$(cut -d. -f1 "$DIR/token")" \
    "$(printf '%s' "$FORGED" | b64url_encode)" \
    "$(cut -d. -f3 "$DIR/token")" >"$DIR/tampered"
"$BIN" jwt verify --key "$DIR/pub.json" <"$DIR/tampered" >"$DIR/out" 2>"$DIR/err"
RC=$?
expect_reject "E_BAD_SIGNATURE"

step "an expired token: --ttl 1s, wait 2 s, verify with --leeway 0"
if "$BIN" jwt sign --key "$DIR/key.json" --sub alice --ttl 1s >"$DIR/short" 2>"$DIR/err"; then
    sleep 2
    "$BIN" jwt verify --key "$DIR/pub.json" --leeway 0 <"$DIR/short" \
        >"$DIR/out" 2>"$DIR/err"
    RC=$?
    expect_reject "E_CLAIM_EXPIRED"
else
    bad "jwt sign failed"; show "$DIR/err"
fi

step "alg confusion: an HS256 token MACed with the public key's PEM bytes"
# The classic RS/ES -> HS attack: the attacker knows the public key, uses
# its bytes as an HMAC secret and sets alg HS256. The ES256 key must never
# verify an HS* token.
# (jwtguard itself refuses to use key bytes as a secret, so the attacker's
# token is made here with Python's hmac module.)
if "$BIN" jwk export-pem "$DIR/pub.json" >"$DIR/pub.pem" 2>"$DIR/err" &&
    python3 - "$DIR/pub.pem" >"$DIR/forged" 2>"$DIR/err" <<'PY'
import base64, hashlib, hmac, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
h = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
p = b64(json.dumps({"sub": "mallory", "exp": int(time.time()) + 600}).encode())
key = open(sys.argv[1], "rb").read()
mac = hmac.new(key, (h + "." + p).encode(), hashlib.sha256).digest()
print(h + "." + p + "." + b64(mac))
PY
then
    "$BIN" jwt verify --key "$DIR/pub.json" <"$DIR/forged" >"$DIR/out" 2>"$DIR/err"
    RC=$?
    expect_reject "E_ALG_NOT_ALLOWED|E_KEY_MISMATCH"
    # Same with the PEM as the verification key.
    "$BIN" jwt verify --key "$DIR/pub.pem" <"$DIR/forged" >"$DIR/out" 2>"$DIR/err"
    RC=$?
    expect_reject "E_ALG_NOT_ALLOWED|E_KEY_MISMATCH"
else
    bad "could not build the forged token"; show "$DIR/err"
fi

step "the reason in full: --explain on the tampered token"
"$BIN" jwt verify --key "$DIR/pub.json" --explain <"$DIR/tampered" \
    >"$DIR/out" 2>"$DIR/err"
RC=$?
if [ "$RC" -eq 1 ] && [ ! -s "$DIR/out" ] && grep -q 'explain: rule:' "$DIR/err"; then
    ok "explained:"
    show "$DIR/err"
else
    bad "no explanation (exit $RC)"; show "$DIR/err"
fi

step "jwt inspect: decoding is not verifying (every line says UNVERIFIED)"
"$BIN" jwt inspect <"$DIR/tampered" >"$DIR/out" 2>"$DIR/err"
RC=$?
if [ "$RC" -eq 0 ] && grep -q '^UNVERIFIED header:' "$DIR/out" &&
    ! grep -qv '^UNVERIFIED' "$DIR/out"; then
    show "$DIR/out"
    ok "the tampered token decodes fine: only verify can tell it is forged"
else
    bad "inspect did not behave (exit $RC)"; show "$DIR/err"
fi

printf '\n'
if [ "$FAILED" -eq 0 ]; then
    printf 'demo: all %d steps behaved as expected\n' "$STEP"
    exit 0
fi
printf 'demo: %d unexpected result(s) in %d steps\n' "$FAILED" "$STEP"
exit 1
