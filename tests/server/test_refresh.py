#!/usr/bin/env python3
"""tests/server/test_refresh.py - rotating refresh tokens of jwtguardd.

Single use with reuse detection: presenting an already-used refresh token
that is not the immediate predecessor of the family's newest token revokes
the whole family, and every access token issued from it is then refused at
/auth/verify (the successor refresh token too). The grace window: the
immediate predecessor presented again within --grace returns the SAME
successor refresh token (a lost response must not log the user out); once
the window has passed (--grace 1s on a second server) it is reuse. Ten
concurrent refreshes of one token yield exactly one successor.
"""

import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import Server, check, finish, need_binary, jwt_parts, user_pw  # noqa: E402

need_binary()


def pair(name, r):
    j = r.json() or {}
    if not check(name + ": 200 new pair", r.status == 200 and
                 "access_token" in j and "refresh_token" in j, r):
        return None, None, {}
    return j["access_token"], j["refresh_token"], \
        jwt_parts(j["access_token"])[1] or {}


def dead(name, S, token):
    r = S.verify(token)
    check(name, r.status == 401, r)


def alive(name, S, token):
    r = S.verify(token)
    check(name, r.status == 200, r)


def invalid_grant(name, r):
    check(name, r.status == 401 and r.json() == {"error": "invalid_grant"}, r)


def reuse_count(S):
    t = S.request("GET", "/metrics").body.decode(errors="replace")
    m = re.findall(r"^jwtguardd_refresh_reuse_total(?:\{[^}]*\})? (\d+)",
                   t, re.M)
    return sum(map(int, m)) if m else None


PW = user_pw()
S = Server("refresh", args=["--login-max-failures", "50"])
S.init()
S.add_user("alice", PW)
S.add_user("bob", PW)
S.start()

# ---------------------------------------------------------------- reuse
A0, R0, C0 = pair("login", S.login("alice", PW))
A1, R1, C1 = pair("refresh R0", S.refresh(R0))
A2, R2, C2 = pair("refresh R1", S.refresh(R1))
AX, RX, CX = pair("login bob (other family)", S.login("bob", PW))
check("chain keeps one family", C0.get("sid") == C1.get("sid") ==
      C2.get("sid"), (C0.get("sid"), C1.get("sid"), C2.get("sid")))
before = reuse_count(S)
# R0 was used and is not the immediate predecessor of the newest token
# (that is R1), so even inside the grace window this is reuse.
invalid_grant("reuse of R0 (two generations old) -> 401 invalid_grant",
              S.refresh(R0))
dead("reuse revoked the family: A0 refused at /auth/verify", S, A0)
dead("reuse revoked the family: A1 refused", S, A1)
dead("reuse revoked the family: newest A2 refused", S, A2)
invalid_grant("reuse revoked the family: newest refresh R2 refused",
              S.refresh(R2))
invalid_grant("reuse revoked the family: R1 refused", S.refresh(R1))
r = S.introspect(A2)
check("introspect A2 after family revocation inactive",
      r.json() == {"active": False}, r)
alive("another family (bob) untouched", S, AX)
after = reuse_count(S)
check("metrics: refresh reuse detection counted",
      before is not None and after is not None and after > before,
      (before, after))

# ---------------------------------------------------------------- grace
A0, R0, C0 = pair("grace: login", S.login("alice", PW))
A1, R1, C1 = pair("grace: refresh R0", S.refresh(R0))
r = S.refresh(R0)
A1b, R1b, C1b = pair("grace: R0 again within grace -> 200", r)
check("grace: same successor refresh token", R1b is not None and R1b == R1,
      (R1, R1b))
alive("grace: the access token of the replay is valid", S, A1b)
alive("grace: the first successor's access token still valid", S, A1)
alive("grace: A0 still valid (no family revocation)", S, A0)
r = S.refresh(R0, how="form")
A1c, R1c, _ = pair("grace: R0 a third time (form) -> same successor", r)
check("grace: third replay same successor", R1c == R1, (R1, R1c))
A2, R2, C2 = pair("grace: successor R1 still works", S.refresh(R1))
# Now R1 is the immediate predecessor of R2 and R0 is two generations old.
invalid_grant("grace: R0 after the family moved on -> reuse", S.refresh(R0))
dead("grace: family revoked after that reuse", S, A2)

# ---------------------------------------------------------------- concurrent
A0, R0, C0 = pair("concurrent: login", S.login("alice", PW))
results = [None] * 10
barrier = threading.Barrier(10)


def worker(i):
    barrier.wait()
    results[i] = S.refresh(R0)


ts = [threading.Thread(target=worker, args=(i,)) for i in range(10)]
for t in ts:
    t.start()
for t in ts:
    t.join()
codes = [r.status for r in results]
succ = {(r.json() or {}).get("refresh_token") for r in results
        if r.status == 200}
check("concurrent: 10 refreshes of one token all answered 200 (one wins, "
      "the rest are in the grace window)", codes == [200] * 10, codes)
check("concurrent: exactly one distinct successor", len(succ) == 1, succ)
if len(succ) == 1:
    one = succ.pop()
    A1, R1, C1 = pair("concurrent: the successor refreshes (family alive)",
                      S.refresh(one))
    alive("concurrent: login access token still valid", S, A0)
rc, el = S.stop()
check("SIGTERM exits 0", rc == 0, (rc, S.stderr()))

# ---------------------------------------------------------------- no grace
G = Server("refresh-grace1", args=["--grace", "1s",
                                   "--login-max-failures", "50"])
G.init()
G.add_user("alice", PW)
G.start()
A0, R0, C0 = pair("grace 1s: login", G.login("alice", PW))
A1, R1, C1 = pair("grace 1s: refresh R0", G.refresh(R0))
# Timestamps may have one-second resolution: wait for > grace + 1 s.
time.sleep(2.6)
invalid_grant("grace 1s: R0 presented after the window -> reuse 401",
              G.refresh(R0))
dead("grace 1s: A0 refused after reuse", G, A0)
dead("grace 1s: A1 refused after reuse", G, A1)
invalid_grant("grace 1s: successor R1 refused after reuse", G.refresh(R1))
rc, el = G.stop()
check("grace 1s server: SIGTERM exits 0", rc == 0, (rc, G.stderr()))
finish()
