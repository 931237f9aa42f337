#!/usr/bin/env python3
"""tests/server/test_keys.py - signing keys of jwtguardd: next -> current ->
previous -> retired.

`jwtguardd init` makes a current and a next key, both published. A forced
rotation (`jwtguardd keys rotate` with the server stopped, then a restart)
makes the published next key sign, keeps the previous key published so its
tokens are still accepted, and retires it once the longest access-token
lifetime plus the leeway has passed (here --access-ttl 4s --leeway 1s):
then it leaves the JWKS and the CLI can no longer verify its tokens with
it. Expired tokens are refused and introspect as inactive. Scheduled
rotation (--rotate-every) happens on a running server. EdDSA, PS256 and
RS256 are selectable (through a config file) and verify with the JWKS.
"""

import json
import os
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import (Server, check, finish, need_binary, jwt_parts,  # noqa: E402
                    run_cli, CLI, jwk_thumbprint, user_pw)

need_binary()
PW = user_pw()
TTL, LEEWAY = 4, 1


def keys_list(S):
    """{kid: state} from `jwtguardd keys list`."""
    rc, out, err = S.admin("keys", "list")
    res = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 3:
            res[f[0]] = f[2]
    return rc, res, out + err


def jwks_kids(S):
    return [k.get("kid") for k in (S.jwks().json() or {}).get("keys", [])]


def login(S, name):
    r = S.login("alice", PW)
    j = r.json() or {}
    if not check(name, r.status == 200 and "access_token" in j, r):
        return "x.x.x", {}, {}
    h, c = jwt_parts(j["access_token"])
    return j["access_token"], h or {}, c or {}


def cli_verify(jwks_body, token, leeway="300s"):
    path = os.path.join(S.dir, "jwks-%d.json" % time.time_ns())
    with open(path, "wb") as f:
        f.write(jwks_body)
    return run_cli("jwt", "verify", "--key", path, "--iss", S.issuer,
                   "--aud", "api", "--typ", "at+jwt", "--leeway", leeway,
                   token)


S = Server("keys", args=["--access-ttl", "%ds" % TTL,
                         "--leeway", "%ds" % LEEWAY,
                         "--login-max-failures", "50"])
S.init()
S.add_user("alice", PW)
rc, kl, txt = keys_list(S)
states = sorted(kl.values())
check("init: keys list has one current and one next key",
      rc == 0 and states == ["current", "next"], txt)
rc2, out2, err2 = S.admin("init")
rc3, kl3, _ = keys_list(S)
check("init is idempotent (same keys)", rc2 == 0 and kl3 == kl, (out2, err2))
k_cur = [k for k, s in kl.items() if s == "current"]
k_next = [k for k, s in kl.items() if s == "next"]
K1 = k_cur[0] if k_cur else None
K2 = k_next[0] if k_next else None
st = os.stat(S.data).st_mode & 0o777
check("data dir is 0700", st == 0o700, oct(st))
for fn in ("jwtguardd.db", "tls.key"):
    p = os.path.join(S.data, fn)
    ok = os.path.exists(p) and (os.stat(p).st_mode & 0o077) == 0
    check("%s exists and is private (0600)" % fn, ok,
          oct(os.stat(p).st_mode) if os.path.exists(p) else "missing")

S.start()
kids = jwks_kids(S)
check("JWKS publishes current and next", K1 in kids and K2 in kids, kids)
A1, H1, C1 = login(S, "login before rotation")
check("token signed by the current key", H1.get("kid") == K1, (H1, K1))
check("access ttl 4 s", C1.get("exp", 0) - C1.get("iat", 0) == TTL, C1)
jwks_old = S.jwks().body

rc, _ = S.stop()
check("stop before rotation: exit 0", rc == 0, rc)
rc, out, err = S.admin("keys", "rotate")
check("keys rotate exit 0", rc == 0, (rc, out, err))
t_rot = time.time()
rc, kl, txt = keys_list(S)
check("after rotate: old current is previous", kl.get(K1) == "previous", txt)
check("after rotate: old next is current", kl.get(K2) == "current", txt)
new_next = [k for k, s in kl.items() if s == "next" and k not in (K1, K2)]
check("after rotate: a new next key", len(new_next) == 1, txt)
K3 = new_next[0] if new_next else None
S.start()
kids = jwks_kids(S)
check("JWKS after rotation: previous, current and next published",
      K1 in kids and K2 in kids and K3 in kids, kids)
r = S.verify(A1)
check("token of the previous key still accepted", r.status == 200, r)
A2, H2, C2 = login(S, "login after rotation")
check("new tokens signed by the key that was published as next",
      H2.get("kid") == K2, (H2, K2))
rc, out, err = cli_verify(jwks_old, A2)
check("a client with the JWKS from before the rotation verifies the new "
      "token (next was published before it signed)", rc == 0, (rc, err))

# Retirement: previous stays for access ttl + leeway, then leaves.
deadline = t_rot + TTL + LEEWAY + 12
retired = False
while time.time() < deadline:
    if K1 not in jwks_kids(S):
        retired = True
        break
    time.sleep(0.5)
waited = time.time() - t_rot
check("previous key retired from the JWKS of the running server after "
      "ttl + leeway (within 12 s more)", retired, "%.1f s" % waited)
check("previous key not retired before ttl + leeway",
      waited >= TTL + LEEWAY - 1, "%.1f s" % waited)
r = S.verify(A1)
check("token of the retired key refused", r.status == 401, r)
r = S.introspect(A1)
check("expired token introspects {active:false}",
      r.json() == {"active": False}, r)
jwks_new = S.jwks().body
rc, out, err = cli_verify(jwks_old, A1)
check("CLI with the old JWKS still verifies A1's signature (leeway 300 s)",
      rc == 0, (rc, err))
rc, out, err = cli_verify(jwks_new, A1)
check("CLI with the JWKS after retirement refuses A1 (no key)",
      rc != 0, (rc, out))
rc, kl, txt = keys_list(S)
check("keys list: retired key gone or shown retired",
      kl.get(K1) in (None, "retired"), txt)
time.sleep(max(0, C2.get("exp", 0) + LEEWAY + 1.2 - time.time()))
r = S.verify(A2)
check("A2 refused after exp + leeway", r.status == 401, r)
r = S.introspect(A2)
check("A2 introspects inactive after exp", r.json() == {"active": False}, r)
rc, _ = S.stop()
check("SIGTERM exits 0", rc == 0, (rc, S.stderr()))

# ---------------------------------------------------------------- schedule
# Short enough that a previous key (kept ttl + leeway = 3 s) and the next
# key's lead time (jwks max-age 1 s) fit in one rotation period.
R = Server("keys-sched", args=["--rotate-every", "3s", "--jwks-max-age",
                               "1s", "--access-ttl", "2s", "--leeway", "1s",
                               "--login-max-failures", "50"])
R.init()
R.add_user("alice", PW)
R.start()
S = R
_, HB1, _ = login(R, "schedule: first login")
kid1 = HB1.get("kid")
t0 = time.time()
changed = None
while time.time() - t0 < 15:
    time.sleep(0.5)
    _, HB2, _ = login(R, "schedule: login while waiting")
    if HB2.get("kid") != kid1:
        changed = HB2.get("kid")
        break
check("scheduled rotation (--rotate-every 3s) changes the signing key "
      "on the running server", changed is not None, kid1)
kids = jwks_kids(R)
check("scheduled rotation: previous key still published",
      kid1 in kids, (kid1, kids))
rc, _ = R.stop()
check("schedule server: SIGTERM exits 0", rc == 0, (rc, R.stderr()))

# ---------------------------------------------------------------- algs
want = {"EdDSA": ("OKP", "Ed25519"), "PS256": ("RSA", None),
        "RS256": ("RSA", None)}
for alg, (kty, crv) in want.items():
    A = Server("keys-" + alg.lower(), conf={"alg": alg,
                                            "login-max-failures": 50,
                                            "audience": "api"})
    S = A
    A.init()
    A.add_user("alice", PW)
    A.start()
    tok, h, c = login(A, "%s: login" % alg)
    check("%s: token header alg" % alg, h.get("alg") == alg, h)
    check("%s: /auth/verify accepts" % alg, A.verify(tok).status == 200)
    jw = A.jwks()
    keys = (jw.json() or {}).get("keys", [])
    mine = [k for k in keys if k.get("kid") == h.get("kid")]
    check("%s: JWKS key kty/crv/alg" % alg, len(mine) == 1 and
          mine[0].get("kty") == kty and mine[0].get("crv") == crv and
          mine[0].get("alg") == alg, mine)
    check("%s: kid is the RFC 7638 thumbprint" % alg,
          mine and jwk_thumbprint(mine[0]) == h.get("kid"), mine)
    if CLI:
        rc, out, err = cli_verify(jw.body, tok, leeway="30s")
        check("%s: the jwtguard CLI verifies it with the JWKS" % alg,
              rc == 0 and json.loads(out or "{}").get("sub") == "alice",
              (rc, err))
    rc, _ = A.stop()
    check("%s: SIGTERM exits 0" % alg, rc == 0, (rc, A.stderr()))
finish()
