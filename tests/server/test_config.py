#!/usr/bin/env python3
"""tests/server/test_config.py - configuration, admin commands, plain-HTTP
development mode, shutdown and logs of jwtguardd.

--check-config prints "config ok" (exit 0) or one line per problem (exit 2)
and refuses the unsafe settings of the issue (access-token lifetime over
1 h, world-readable key files, argon2id below the interactive minimum, any
HMAC secret) unless --allow-unsafe; the config file is `key = value` with
`#` comments and flags override it. The admin commands work on a stopped
server's store (passwords on stdin): user add/passwd/lock/unlock/delete/
list, keys list, revoke --jti/--user, with exit statuses 0/1/2. A first
start without `init` generates the certificate. --dev-insecure-http serves
plain HTTP with a warning and cookies without __Host-/Secure/HSTS. SIGTERM
exits 0 promptly, also with a request in flight. The JSON-lines log has the
documented fields and never contains a token, a password or the client
secret.
"""

import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srvlib  # noqa: E402
from srvlib import (Server, check, finish, need_binary, BIN, user_pw,  # noqa: E402
                    log_text, jwt_parts, free_port)

need_binary()
PW = user_pw()
PW_FIRST = PW


def run(args, stdin=None):
    p = subprocess.run([BIN] + args, input=(stdin or "").encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


C = Server("config")
C.init()
base = ["--check-config", "--data-dir", C.data]


def cc(name, extra, want_rc, must=None):
    rc, out, err = run(base + extra)
    text = out + err
    ok = rc == want_rc
    if want_rc == 0:
        ok = ok and "config ok" in text
    else:
        ok = ok and "config ok" not in text and text.strip() != ""
    if must:
        ok = ok and must.lower() in text.lower()
    check("check-config " + name, ok, (rc, text.strip()[:300]))
    return text


cc("defaults -> config ok, exit 0", [], 0)
cc("access-ttl 1h accepted", ["--access-ttl", "1h"], 0)
cc("access-ttl 3601 refused (exit 2)", ["--access-ttl", "3601"], 2)
cc("access-ttl 2h refused", ["--access-ttl", "2h"], 2, must="ttl")
cc("access-ttl 2h with --allow-unsafe accepted",
   ["--access-ttl", "2h", "--allow-unsafe"], 0)
cc("pwhash-memlimit below the interactive minimum refused",
   ["--pwhash-memlimit", "1048576"], 2)
cc("pwhash-opslimit 1 refused", ["--pwhash-opslimit", "1"], 2)
cc("pwhash-memlimit low with --allow-unsafe accepted",
   ["--pwhash-memlimit", "1048576", "--allow-unsafe"], 0)
sec = os.path.join(C.dir, "hmac.secret")
with open(sec, "wb") as f:
    f.write(b"x" * 40)
os.chmod(sec, 0o600)
cc("--hmac-secret-file refused (asymmetric keys only)",
   ["--hmac-secret-file", sec], 2)
cc("unknown option refused", ["--no-such-option", "1"], 2)
cc("bad duration refused", ["--access-ttl", "10x"], 2)
cc("bad alg refused", ["--alg", "HS256"], 2)
cc("bad listen refused", ["--listen", "nowhere"], 2)
short = os.path.join(C.dir, "short.secret")
with open(short, "wb") as f:
    f.write(b"tooshort")
os.chmod(short, 0o600)
cc("client secret under 16 bytes refused",
   ["--client", "c1:" + short], 2)

key = os.path.join(C.data, "tls.key")
os.chmod(key, 0o644)
cc("world-readable tls.key refused", [], 2, must="tls.key")
cc("world-readable tls.key with --allow-unsafe accepted",
   ["--allow-unsafe"], 0)
cc("world-readable explicit --tls-key refused",
   ["--tls-cert", C.cert(), "--tls-key", key], 2)
os.chmod(key, 0o600)
cc("tls.key back to 0600 accepted", [], 0)
C.port = free_port()
C.extra = []
os.chmod(key, 0o644)
C.start(wait=False)
try:
    rc = C.proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    rc = "still running"
check("serve with a world-readable tls.key refuses to start (exit 2)",
      rc == 2, (rc, C.stderr()))
C.kill()
os.chmod(key, 0o600)

conf = os.path.join(C.dir, "j.conf")
with open(conf, "w") as f:
    f.write("# jwtguardd test config\n\naccess-ttl = 2h   # too long\n"
            "audience = api\n")
rc, out, err = run(["--check-config", "--config", conf, "--data-dir",
                    C.data])
check("config file: 2h refused", rc == 2, (rc, out, err))
rc, out, err = run(["--check-config", "--config", conf, "--data-dir",
                    C.data, "--access-ttl", "5m"])
check("config file: flag overrides the file", rc == 0 and
      "config ok" in out + err, (rc, out, err))
with open(conf, "w") as f:
    f.write("no-such-key = 1\n")
rc, out, err = run(["--check-config", "--config", conf, "--data-dir",
                    C.data])
check("config file: unknown key refused", rc == 2, (rc, out, err))
with open(conf, "w") as f:
    f.write("this line has no equals sign\n")
rc, out, err = run(["--check-config", "--config", conf, "--data-dir",
                    C.data])
check("config file: malformed line refused", rc == 2, (rc, out, err))
rc, out, err = run(["--check-config", "--config",
                    os.path.join(C.dir, "missing.conf")])
check("config file: missing file refused", rc == 2, (rc, out, err))

# ---------------------------------------------------------------- admin
rc, out, err = C.admin("user", "add", "dave", stdin=PW + "\n")
check("user add (stdin) -> 'user dave added'", rc == 0 and
      "user dave added" in out, (rc, out, err))
check("user add does not echo the password", PW not in out + err)
rc, out, err = C.admin("user", "add", "dave", stdin=PW + "\n")
check("user add duplicate -> exit 1", rc == 1, (rc, out, err))
rc, out, err = C.admin("user", "add", "bad name!", stdin=PW + "\n")
check("user add invalid name -> exit 1 or 2", rc in (1, 2), (rc, out, err))
rc, out, err = C.admin("user", "add", "erin", stdin="")
check("user add with an empty password refused", rc != 0, (rc, out, err))
rc, out, err = C.admin("user", "add", "frank", stdin="frank-pass-1\n")
rc, out, err = C.admin("user", "list")
check("user list -> 'dave active', 'frank active'",
      rc == 0 and "dave active" in out.splitlines() and
      "frank active" in out.splitlines(), (rc, out))
check("user list shows no password hash", "$argon2" not in out, out)
rc, out, err = C.admin("user", "lock", "dave")
rc2, out2, _ = C.admin("user", "list")
check("user lock -> 'dave locked'", rc == 0 and
      "dave locked" in out2.splitlines(), (rc, out, out2))
rc, out, err = C.admin("user", "unlock", "dave")
rc2, out2, _ = C.admin("user", "list")
check("user unlock -> 'dave active'", rc == 0 and
      "dave active" in out2.splitlines(), (rc, out, out2))
rc, out, err = C.admin("user", "lock", "nobody")
check("user lock unknown -> exit 1", rc == 1, (rc, out, err))
NEWPW = user_pw()
rc, out, err = C.admin("user", "passwd", "frank", stdin=NEWPW + "\n")
check("user passwd (stdin) exit 0", rc == 0, (rc, out, err))
rc, out, err = C.admin("user", "delete", "frank")
rc2, out2, _ = C.admin("user", "list")
check("user delete -> gone from the list", rc == 0 and "frank" not in out2,
      (rc, out, out2))
rc, out, err = C.admin("user", "delete", "frank")
check("user delete unknown -> exit 1", rc == 1, (rc, out, err))
rc, out, err = C.admin("user", "frobnicate")
check("unknown user subcommand -> exit 2", rc == 2, (rc, out, err))
rc, out, err = C.admin("keys", "list")
lines = [line.split() for line in out.splitlines() if line.strip()]
check("keys list: 'KID ALG STATE created=... activated=...' lines",
      rc == 0 and len(lines) >= 2 and
      all(len(f) >= 5 and f[1] == "ES256" and
          f[2] in ("next", "current", "previous") and
          f[3].startswith("created=") and f[4].startswith("activated=")
          for f in lines), out)
rc, out, err = C.admin("revoke")
check("revoke without --jti/--user -> exit 2", rc == 2, (rc, out, err))

# Admin user passwd / revoke against a real flow, with a log file.
C.port = free_port()
C.issuer = "https://127.0.0.1:%d" % C.port
C.extra = ["--login-max-failures", "50"]
C.start()
r = C.login("frank", NEWPW)
check("deleted user cannot log in (401)", r.status == 401, r)
r = C.login("dave", PW)
j = r.json() or {}
check("admin-added user logs in", r.status == 200, r)
AD, RD = j.get("access_token", "x"), j.get("refresh_token", "x")
r = C.login("dave", PW)
j = r.json() or {}
AJ = j.get("access_token", "x.x.x")
jti = (jwt_parts(AJ)[1] or {}).get("jti", "none")
WRONG = "Wr0ng-" + user_pw()
r = C.login("dave", WRONG)
check("wrong password 401", r.status == 401, r)
r = C.refresh(RD)
j2 = r.json() or {}
AD2, RD2 = j2.get("access_token", "x"), j2.get("refresh_token", "x")
C.verify(AD2)
C.verify(cookie=AD2)
C.introspect(AD2)
C.revoke(AD2)
C.logout(AD)
C.verify("garbage-token-value")
rc, el = C.stop()
check("SIGTERM exits 0", rc == 0, (rc, C.stderr()))
check("SIGTERM exits promptly (< 6 s)", el < 6, el)

rc, out, err = C.admin("revoke", "--jti", jti)
check("revoke --jti exit 0", rc == 0, (rc, out, err))
C.start()
r = C.verify(AJ)
check("revoke --jti (store) in force after restart", r.status == 401, r)
r = C.login("dave", PW)
j = r.json() or {}
AU, RU = j.get("access_token", "x"), j.get("refresh_token", "x")
check("token before revoke --user valid", C.verify(AU).status == 200)
C.stop()
rc, out, err = C.admin("revoke", "--user", "dave")
check("revoke --user exit 0", rc == 0, (rc, out, err))
time.sleep(1.1)   # iat has one-second resolution
C.start()
check("revoke --user: the user's access token refused",
      C.verify(AU).status == 401)
check("revoke --user: the user's refresh token refused",
      C.refresh(RU).status == 401)
r = C.login("dave", PW)
j = r.json() or {}
check("revoke --user: a new login works and verifies", r.status == 200 and
      C.verify(j.get("access_token", "x")).status == 200, r)
rc, out, err = C.admin("revoke", "--user", "nobody")
check("revoke --user unknown -> exit 1", rc == 1, (rc, out, err))

# user passwd and user lock end the user's sessions.
r = C.login("dave", PW)
j = r.json() or {}
AP, RP = j.get("access_token", "x"), j.get("refresh_token", "x")
C.stop()
PW2 = user_pw()
rc, out, err = C.admin("user", "passwd", "dave", stdin=PW2 + "\n")
check("user passwd -> 'password of dave changed'", rc == 0 and
      "password of dave changed" in out, (rc, out, err))
time.sleep(1.1)   # iat has one-second resolution
C.start()
check("user passwd: sessions of the old password refused",
      C.verify(AP).status == 401 and C.refresh(RP).status == 401)
check("user passwd: the old password no longer works",
      C.login("dave", PW).status == 401)
r = C.login("dave", PW2)
j = r.json() or {}
AL = j.get("access_token", "x")
check("user passwd: the new password works", r.status == 200, r)
C.stop()
rc, out, err = C.admin("user", "lock", "dave")
time.sleep(1.1)
C.start()
check("user lock: the user's tokens refused", C.verify(AL).status == 401)
check("user lock: login refused 401", C.login("dave", PW2).status == 401)
rc, out, err = C.admin("user", "unlock", "dave")
check("user unlock while the server runs: exit 0", rc == 0, (rc, out, err))
check("user unlock: login works again (read from the store)",
      C.login("dave", PW2).status == 200)
PW = PW2

# SIGTERM with requests in flight (logins are hashing): each request the
# server accepted is answered before it exits.
# A request is in flight once it has been sent whole: each thread signals
# after sending, and SIGTERM comes only when all four were sent (under
# load, a fixed sleep could signal while a connection was still in its TLS
# handshake, which is not a request the server has received).
res = []
sent = threading.Semaphore(0)


def slow_login():
    c = C.conn(30)
    body = json.dumps({"username": "dave", "password": PW}).encode()
    try:
        c.request("POST", "/login", body=body,
                  headers={"Content-Type": "application/json"})
        sent.release()
        r = c.getresponse()
        r.read()
        res.append(srvlib.Resp(r.status, r.getheaders(), b""))
    except (OSError, http.client.HTTPException) as e:
        sent.release()
        res.append(srvlib.Resp(None, [], b"", error=repr(e)))
    finally:
        c.close()


ths = [threading.Thread(target=slow_login) for _ in range(4)]
for t in ths:
    t.start()
for _ in ths:
    sent.acquire(timeout=30)
time.sleep(0.05)
rc, el = C.stop()
for t in ths:
    t.join()
check("SIGTERM with logins in flight: exit 0 within 6 s",
      rc == 0 and el < 6, (rc, el))
dropped = [r for r in res if r.status is None and
           "ConnectionRefused" not in (r.error or "")]
check("SIGTERM: in-flight logins answered, not dropped (drain)",
      not dropped and any(r.status == 200 for r in res),
      [(r.status, r.error) for r in res])

# ---------------------------------------------------------------- logs
log = log_text(C)
lines = [x for x in log.splitlines() if x.strip()]
parsed = []
for x in lines:
    try:
        parsed.append(json.loads(x))
    except ValueError:
        pass
check("log: every line is a JSON object", lines and
      len(parsed) == len(lines) and all(isinstance(p, dict) for p in parsed),
      [x for x in lines if not x.startswith("{")][:3])
reqs = [p for p in parsed if "route" in p]
check("log: request lines have ts, level, req_id, route, status, "
      "latency_ms", reqs and all(all(k in p for k in
                                    ("ts", "level", "req_id", "route",
                                     "status", "latency_ms"))
                                for p in reqs), reqs[:2])
check("log: a rejection carries a reason",
      any(p.get("status") == 401 and p.get("reason") for p in reqs),
      [p for p in reqs if p.get("status") == 401][:3])
check("log: the subject is logged", any(p.get("sub") == "dave"
                                        for p in parsed))
secrets = {"password": PW, "first password": PW_FIRST,
           "wrong password": WRONG, "new password": NEWPW,
           "client secret": C.client_secret}
for i, tok in enumerate((AD, RD, AD2, RD2, AJ, AU, RU)):
    secrets["token %d" % i] = tok
    if tok.count(".") == 2:
        secrets["token %d signature" % i] = tok.split(".")[2]
        secrets["token %d payload" % i] = tok.split(".")[1]
secrets["password (base64)"] = base64.b64encode(PW.encode()).decode()
everything = log + "".join(open(os.path.join(C.dir, f), errors="replace")
                           .read() for f in os.listdir(C.dir)
                           if f.startswith("stderr."))
leaks = [k for k, v in secrets.items() if v and len(v) > 8 and
         v in everything]
check("log and stderr contain no token, password or secret", not leaks,
      leaks)
pem = open(os.path.join(C.data, "tls.key")).read()
body = "".join(pem.split("\n")[1:3])
check("log contains no private key material", body[:40] not in everything)

# ---------------------------------------------------------------- first run
F = Server("firstrun", args=["--login-max-failures", "50"])
F.start()
check("first start without init: certificate generated",
      os.path.exists(F.cert()) and os.path.exists(
          os.path.join(F.data, "tls.key")))
st = os.stat(F.data).st_mode & 0o777
check("first start: data dir 0700", st == 0o700, oct(st))
for fn in ("tls.key", "jwtguardd.db"):
    p = os.path.join(F.data, fn)
    check("first start: %s is 0600" % fn, os.path.exists(p) and
          os.stat(p).st_mode & 0o777 == 0o600,
          oct(os.stat(p).st_mode) if os.path.exists(p) else "missing")
r = F.request("GET", "/healthz")
check("first start: serves HTTPS with its certificate (verified)",
      r.status == 200, r)
import ssl  # noqa: E402
der = ssl.PEM_cert_to_DER_cert(open(F.cert()).read())
check("certificate names 127.0.0.1 and localhost",
      b"localhost" in der and bytes([127, 0, 0, 1]) in der)
F.stop()

# ---------------------------------------------------------------- plain HTTP
H = Server("insecure", insecure=True, args=["--login-max-failures", "50"])
H.init()
H.add_user("dave", PW)
H.start()
err_text = H.stderr() + log_text(H)
check("--dev-insecure-http prints a warning",
      "insecure" in err_text.lower() or "warn" in err_text.lower(),
      err_text[:300])
r = H.request("GET", "/healthz")
check("plain HTTP serves /healthz", r.status == 200, r)
check("plain HTTP: no HSTS header",
      r.header("Strict-Transport-Security") is None, r.headers)
r = H.login("dave", PW)
c = r.cookies()
check("plain HTTP login 200", r.status == 200, r)
check("plain HTTP: cookies lose the __Host- prefix",
      set(c) == {"access", "refresh"}, list(c))
check("plain HTTP: cookies lose Secure, keep HttpOnly/SameSite/Path",
      c and all("secure" not in a and a.get("httponly") is True and
                str(a.get("samesite")).lower() == "strict" and
                a.get("path") == "/" for v, a in c.values()), c)
at = (r.json() or {}).get("access_token", "x")
check("plain HTTP: /auth/verify Bearer", H.verify(at).status == 200)
check("plain HTTP: /auth/verify cookie 'access'",
      H.verify(cookie=at).status == 200)
rc, el = H.stop(sig=signal.SIGTERM)
check("plain HTTP server: SIGTERM exits 0", rc == 0, rc)
finish()
