#!/usr/bin/env python3
"""tests/server/test_bruteforce.py - password guessing limits of jwtguardd.

With --login-max-failures 5: sequential wrong passwords for one user end in
429 with a Retry-After, and then even the right password is refused until
the lock has passed (--login-lock 3s), after which it works again. Twenty
parallel wrong attempts for one user on a fresh server cannot get more than
5 answers that are not 429 (the counter is incremented atomically before
the password check). Wrong attempts spread over many user names from one
address are limited too (the per-address counter). Each scenario runs on
its own server so the per-address counter of one does not leak into the
next.
"""

import os
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import Server, check, finish, need_binary, user_pw  # noqa: E402

need_binary()
LIMIT = 5
PW = user_pw()


def server(name, extra=()):
    # A one-day window: the server's counting windows are aligned to the
    # clock, and a run of attempts must not straddle a window boundary.
    s = Server(name, args=["--login-max-failures", str(LIMIT),
                           "--login-window", "1d", "--login-lock", "3s"] +
               list(extra))
    s.init()
    s.add_user("carol", PW)
    s.start()
    return s


def retry_after_ok(r):
    v = r.header("Retry-After")
    return v is not None and v.isdigit() and int(v) >= 1


# ---------------------------------------------------------------- sequential
S = server("brute-seq")
codes = []
last = None
for i in range(LIMIT + 1):
    last = S.login("carol", PW + "wrong%d" % i)
    codes.append(last.status)
check("sequential: at most %d x 401 before the limit" % LIMIT,
      codes.count(401) <= LIMIT and all(c in (401, 429) for c in codes),
      codes)
check("sequential: attempt %d answered 429" % (LIMIT + 1), codes[-1] == 429,
      codes)
check("sequential: 429 has Retry-After seconds", retry_after_ok(last),
      last.headers)
check("sequential: 429 body is JSON", last.json() is not None, last)
r = S.login("carol", PW)
check("locked: the right password is refused with 429 too", r.status == 429,
      r)
wait = int(r.header("Retry-After") or "3") if r.status == 429 else 3
check("locked: Retry-After within the configured lock (<= 3 s)", wait <= 3,
      r.header("Retry-After"))
time.sleep(min(wait, 3) + 1.2)
r = S.login("carol", PW)
check("after the lock: the right password works again", r.status == 200, r)
rc, _ = S.stop()
check("seq server: SIGTERM exits 0", rc == 0, (rc, S.stderr()))

# ---------------------------------------------------------------- parallel
P = server("brute-par")
results = [None] * 20
barrier = threading.Barrier(20)


def guess(i):
    barrier.wait()
    results[i] = P.login("carol", PW + "par%d" % i)


ts = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
for t in ts:
    t.start()
for t in ts:
    t.join()
codes = [r.status for r in results]
non429 = [c for c in codes if c != 429]
check("parallel: 20 wrong attempts -> at most %d not 429" % LIMIT,
      len(non429) <= LIMIT, codes)
check("parallel: every answer is 401 or 429",
      all(c in (401, 429) for c in codes), codes)
check("parallel: some attempts were checked (401)", 401 in codes, codes)
check("parallel: every 429 has Retry-After",
      all(retry_after_ok(r) for r in results if r.status == 429), codes)
r = P.login("carol", PW)
check("parallel: right password now refused 429", r.status == 429, r)
check("parallel: server still healthy",
      P.request("GET", "/healthz").status == 200)
rc, _ = P.stop()
check("par server: SIGTERM exits 0", rc == 0, (rc, P.stderr()))

# ---------------------------------------------------------------- address
# Unknown user names: one failure each per name, so only the counter of the
# client address can stop them.
A = server("brute-addr")
seen = []
stop = threading.Event()
lock = threading.Lock()
counter = [0]


def spray():
    while not stop.is_set():
        with lock:
            i = counter[0]
            counter[0] += 1
        if i >= 100:
            return
        r = A.login("ghost%03d" % i, "nope")
        with lock:
            seen.append(r.status)
        if r.status == 429:
            stop.set()


ts = [threading.Thread(target=spray) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
check("address: failures over many user names from one address end in 429 "
      "(within 100 attempts)", 429 in seen,
      "%d attempts, codes %s" % (len(seen), sorted(set(seen))))
check("address: only 401/429 answers", set(seen) <= {401, 429},
      sorted(set(seen)))
rc, _ = A.stop()
check("addr server: SIGTERM exits 0", rc == 0, (rc, A.stderr()))
finish()
