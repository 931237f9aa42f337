#!/usr/bin/env python3
"""tests/server/test_durability.py - what jwtguardd promises survives.

A clean restart (SIGTERM, exit 0, then start again) keeps users, signing
keys (a token from before still verifies, the JWKS is unchanged), refresh
families and every kind of revocation (/revoke of an access token, logout,
refresh-token reuse). Then a burst of revocations (/revoke of many access
tokens and /logout of many sessions from 8 client threads) is cut by
kill -9 of the server mid-burst: after a restart every revocation that was
answered 200/204 is still in force at /auth/verify and introspect, and the
tokens whose requests never reached the server still verify (the store
was not damaged and nothing was revoked by accident).
"""

import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import Server, check, finish, need_binary, user_pw  # noqa: E402

need_binary()
PW = user_pw()
S = Server("durable", args=["--login-max-failures", "50"])
S.init()
S.add_user("alice", PW)
S.start()


def pair(name, r):
    j = r.json() or {}
    if not check(name, r.status == 200 and "access_token" in j, r):
        return "x", "x"
    return j["access_token"], j["refresh_token"]


# ---------------------------------------------------------------- restart
A1, R1 = pair("login 1 (kept)", S.login("alice", PW))
A2, R2 = pair("login 2 (revoked)", S.login("alice", PW))
A3, R3 = pair("login 3 (logged out)", S.login("alice", PW))
A4, R4 = pair("login 4 (reused)", S.login("alice", PW))
check("revoke A2 200", S.revoke(A2).status == 200)
check("logout A3 204", S.logout(A3).status == 204)
A4b, R4b = pair("refresh R4", S.refresh(R4))
A4c, R4c = pair("refresh R4b", S.refresh(R4b))
check("reuse of R4 refused", S.refresh(R4).status == 401)
jwks_before = sorted(k.get("kid") for k in
                     (S.jwks().json() or {}).get("keys", []))
rc, el = S.stop()
check("SIGTERM exits 0", rc == 0, (rc, S.stderr()))
check("SIGTERM exits promptly (< 6 s)", el < 6, el)
rc, out, err = S.admin("user", "list")
check("user list (server stopped) shows alice active",
      rc == 0 and "alice active" in out, (rc, out, err))
S.start()
r = S.login("alice", PW)
check("after restart: the user can log in", r.status == 200, r)
jwks_after = sorted(k.get("kid") for k in
                    (S.jwks().json() or {}).get("keys", []))
check("after restart: same JWKS kids", jwks_before == jwks_after and
      jwks_before, (jwks_before, jwks_after))
check("after restart: earlier access token still verifies (key kept)",
      S.verify(A1).status == 200)
A1b, R1b = pair("after restart: earlier refresh token still refreshes",
                S.refresh(R1))
for name, tok in (("revoked A2", A2), ("logged-out A3", A3),
                  ("reuse-revoked A4", A4), ("reuse-revoked A4c", A4c)):
    check("after restart: %s refused at /auth/verify" % name,
          S.verify(tok).status == 401)
    check("after restart: %s introspects inactive" % name,
          S.introspect(tok).json() == {"active": False})
check("after restart: logged-out R3 refused", S.refresh(R3).status == 401)
check("after restart: reuse-revoked R4c refused",
      S.refresh(R4c).status == 401)

# ---------------------------------------------------------------- kill -9
N_ACCESS = 150
N_SESS = 12
KILL_AT = 50
acc = []
a, rt = pair("burst: login", S.login("alice", PW))
acc.append(a)
for i in range(N_ACCESS - 1):
    r = S.refresh(rt)
    j = r.json() or {}
    if r.status != 200:
        check("burst: refresh chain step %d" % i, False, r)
        break
    acc.append(j["access_token"])
    rt = j["refresh_token"]
sess = [pair("burst: session login %d" % i, S.login("alice", PW))
        for i in range(N_SESS)]

# Interleave: every 12th task is a logout.
tasks = []
si = 0
for i, t in enumerate(acc):
    tasks.append(("revoke", t, None))
    if i % 12 == 5 and si < len(sess):
        tasks.append(("logout", sess[si][0], sess[si][1]))
        si += 1
lock = threading.Lock()
answered = []          # (kind, access, refresh)
refused = []           # never reached the server (connection refused)
unknown = []
killed = threading.Event()
pid = S.proc.pid


def work(task):
    kind, tok, rtok = task
    if kind == "revoke":
        r = S.revoke(tok, hint="access_token")
        good = r.status == 200
    else:
        r = S.logout(tok)
        good = r.status == 204
    with lock:
        if good:
            answered.append(task)
            if len(answered) == KILL_AT and not killed.is_set():
                killed.set()
                os.kill(pid, signal.SIGKILL)
        elif r.status is None and "ConnectionRefused" in (r.error or ""):
            refused.append(task)
        else:
            unknown.append((task, r))


with ThreadPoolExecutor(max_workers=8) as ex:
    list(ex.map(work, tasks))
check("burst: the server was killed mid-burst", killed.is_set() and
      len(refused) > 0, (len(answered), len(refused), len(unknown)))
rc, _ = S.stop(sig=signal.SIGKILL)
check("burst: server died of SIGKILL", rc == -signal.SIGKILL, rc)
S.start()
check("after kill -9: the server restarts and answers",
      S.request("GET", "/healthz").status == 200)
bad = []
for kind, tok, rtok in answered:
    if S.verify(tok).status != 401:
        bad.append((kind, "verify", tok[-12:]))
    if S.introspect(tok).json() != {"active": False}:
        bad.append((kind, "introspect", tok[-12:]))
    if kind == "logout" and S.refresh(rtok).status != 401:
        bad.append((kind, "refresh", rtok[-8:]))
check("after kill -9: all %d answered revocations still in force"
      % len(answered), len(answered) >= KILL_AT and not bad, bad[:10])
still = [t for t in refused if S.verify(t[1]).status != 200]
check("after kill -9: the %d tokens never sent still verify"
      % len(refused), not still, len(still))
r = S.login("alice", PW)
check("after kill -9: login works", r.status == 200, r)
rc, _ = S.stop()
check("SIGTERM exits 0 at the end", rc == 0, (rc, S.stderr()))
finish()
