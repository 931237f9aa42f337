#!/usr/bin/env python3
"""tests/server/test_verifypath.py - the forward-auth path of jwtguardd.

/auth/verify does no disk I/O: the server's system calls on its database
files are traced (strace attached to the running server) during an idle
window and during a burst of 300 verifications (valid, garbage and
revoked tokens); the burst may not add database I/O beyond the idle
background. The same tracing during logins must see database I/O, which
shows the probe itself works. With 4 worker threads sharing the port, a
token verified (and cached) on every worker is refused on every worker as
soon as its revocation has been answered: revocation wins over the cache.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import Server, check, finish, need_binary, user_pw  # noqa: E402

need_binary()
PW = user_pw()
S = Server("verifypath", args=["--login-max-failures", "50",
                               "--workers", "4"])
S.init()
S.add_user("alice", PW)
S.start()


def token():
    r = S.login("alice", PW)
    return (r.json() or {}).get("access_token", "x")


A = token()
R = token()
S.revoke(R)
check("setup: a valid and a revoked token",
      S.verify(A).status == 200 and S.verify(R).status == 401)

# ---------------------------------------------------------------- no I/O
STRACE = shutil.which("strace")
SYSCALL = re.compile(r"^(?:\[pid\s+\d+\]\s+|\d+\s+)?"
                     r"(pread64|pwrite64|read|write|fsync|fdatasync|"
                     r"preadv|pwritev|lseek)\((\d+),")


def db_fds():
    fds = set()
    d = "/proc/%d/fd" % S.proc.pid
    for fd in os.listdir(d):
        try:
            if "jwtguardd.db" in os.readlink(os.path.join(d, fd)):
                fds.add(int(fd))
        except OSError:
            pass
    return fds


def traced(action, seconds=None):
    """Run action() with strace attached; return the number of syscalls
    on the database files (and openat of them) it saw."""
    out = os.path.join(S.dir, "strace.%d" % time.time_ns())
    p = subprocess.Popen([STRACE, "-f", "-qq", "-p", str(S.proc.pid),
                          "-e", "trace=read,write,pread64,pwrite64,preadv,"
                          "pwritev,lseek,fsync,fdatasync,openat",
                          "-o", out], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(1.0)                       # attached to every thread
    t0 = time.time()
    action()
    if seconds:
        time.sleep(max(0, seconds - (time.time() - t0)))
    p.send_signal(signal.SIGINT)
    p.wait(timeout=10)
    fds = db_fds()
    n = 0
    with open(out, errors="replace") as f:
        for line in f:
            m = SYSCALL.match(line)
            if m and int(m.group(2)) in fds:
                n += 1
            elif "openat(" in line and "jwtguardd.db" in line:
                n += 1
    return n, fds


def burst():
    for i in range(100):
        S.verify(A)
        S.verify("garbage%d" % i)
        S.verify(R)


if not STRACE:
    check("strace installed (scripts/deps.sh installs it)", False,
          "cannot observe the verify path's I/O")
else:
    t0 = time.time()
    n_burst, fds = traced(burst)
    dur = time.time() - t0 - 1.0
    n_idle, _ = traced(lambda: None, seconds=dur)
    check("database files found among the server's fds", len(fds) >= 1,
          fds)
    check("300 /auth/verify add no database I/O (burst %d <= idle %d + 10 "
          "syscalls)" % (n_burst, n_idle), n_burst <= n_idle + 10,
          (n_burst, n_idle))
    n_login, _ = traced(lambda: [token() for _ in range(3)])
    check("the probe sees database I/O for logins (%d syscalls)" % n_login,
          n_login > n_idle + 3, (n_login, n_idle))
check("server still healthy after tracing", S.alive() and
      S.request("GET", "/healthz").status == 200)

# ---------------------------------------------------------------- cache
# Fresh connections land on different workers (SO_REUSEPORT): warm every
# worker's cache with the token, revoke it once, then ask every worker.
B = token()
codes = [S.verify(B).status for _ in range(40)]
check("40 verifications over fresh connections (all workers) 200",
      codes == [200] * 40, codes)
r = S.revoke(B)
check("revoke answered 200", r.status == 200, r)
codes = [S.verify(B).status for _ in range(40)]
check("right after the revocation: 401 on every connection (revocation "
      "wins over every worker's cache)", codes == [401] * 40, codes)
C = token()
codes = [S.verify(C).status for _ in range(20)]
r = S.logout(C)
codes2 = [S.verify(C).status for _ in range(40)]
check("logout: cached on every worker, then 401 everywhere",
      codes == [200] * 20 and r.status == 204 and codes2 == [401] * 40,
      (codes, r.status, codes2))
rc, _ = S.stop()
check("SIGTERM exits 0", rc == 0, (rc, S.stderr()))
finish()
