#!/usr/bin/env python3
"""tests/server/test_nginx.py - a real nginx in front of jwtguardd.

Debian's nginx (nginx-light has the auth_request module) runs in the
foreground with a private prefix on a free loopback port. Its /protected/
location serves a static file only if `auth_request` to jwtguardd's
/auth/verify (over HTTPS, the upstream certificate verified against the
data directory's tls.crt) answers 200; the subject comes back in
X-Auth-Subject and is passed on. Checks: 200 "protected" with a valid
Bearer token or access cookie, 401 without one, with a garbage token, and
after logout; the static file is never served to an unauthenticated
client.
"""

import http.client
import os
import shutil
import subprocess
import sys
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import Server, check, finish, need_binary, free_port, user_pw  # noqa: E402

need_binary()
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
if not os.access(NGINX, os.X_OK):
    check("nginx installed (scripts/deps.sh installs nginx-light)", False,
          "no nginx binary")
    finish()

PW = user_pw()
S = Server("nginx", args=["--login-max-failures", "50"])
S.init()
S.add_user("alice", PW)
S.start()

prefix = os.path.join(S.dir, "nginx")
www = os.path.join(prefix, "www", "protected")
os.makedirs(www)
for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
    os.makedirs(os.path.join(prefix, "tmp", d), exist_ok=True)
with open(os.path.join(www, "index.html"), "w") as f:
    f.write("protected\n")
NPORT = free_port()
conf = """
daemon off;
master_process off;
worker_processes 1;
error_log stderr notice;
pid {p}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    default_type text/plain;
    client_body_temp_path {p}/tmp/body;
    proxy_temp_path {p}/tmp/proxy;
    fastcgi_temp_path {p}/tmp/fastcgi;
    uwsgi_temp_path {p}/tmp/uwsgi;
    scgi_temp_path {p}/tmp/scgi;
    server {{
        listen 127.0.0.1:{nport};
        root {p}/www;
        location /protected/ {{
            auth_request /_auth;
            auth_request_set $auth_user $upstream_http_x_auth_subject;
            add_header X-User $auth_user always;
        }}
        location = /_auth {{
            internal;
            proxy_pass https://127.0.0.1:{jport}/auth/verify;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
            proxy_ssl_trusted_certificate {cert};
            proxy_ssl_verify on;
            proxy_ssl_verify_depth 1;
            proxy_ssl_name localhost;
            proxy_ssl_server_name on;
        }}
    }}
}}
""".format(p=prefix, nport=NPORT, jport=S.port, cert=S.cert())
cpath = os.path.join(prefix, "nginx.conf")
with open(cpath, "w") as f:
    f.write(conf)

nlog = open(os.path.join(S.dir, "nginx.stderr"), "wb")
rc = subprocess.run([NGINX, "-t", "-p", prefix, "-c", cpath],
                    stdout=nlog, stderr=nlog).returncode
check("nginx -t accepts the config", rc == 0)
ng = subprocess.Popen([NGINX, "-p", prefix, "-c", cpath],
                      stdin=subprocess.DEVNULL, stdout=nlog, stderr=nlog)


def get(path, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", NPORT, timeout=10)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read(), dict(r.getheaders())
    except OSError as e:
        return None, repr(e).encode(), {}
    finally:
        c.close()


deadline = time.time() + 15
while time.time() < deadline:
    st, body, h = get("/protected/")
    if st is not None or ng.poll() is not None:
        break
    time.sleep(0.1)
check("nginx started", ng.poll() is None, open(nlog.name, "rb").read()[-500:])

try:
    st, body, h = get("/protected/")
    check("no token -> 401", st == 401, (st, body[:100]))
    check("no token -> the static file is not served",
          b"protected" not in body, body[:100])
    st, body, h = get("/protected/",
                      {"Authorization": "Bearer not.a.token"})
    check("garbage token -> 401", st == 401, (st, body[:100]))

    r = S.login("alice", PW)
    j = r.json() or {}
    check("login 200", r.status == 200, r)
    at = j.get("access_token", "x")
    st, body, h = get("/protected/", {"Authorization": "Bearer " + at})
    check("valid Bearer token -> 200 protected",
          st == 200 and body == b"protected\n", (st, body[:100]))
    check("X-Auth-Subject passed through nginx", h.get("X-User") == "alice",
          h)
    st, body, h = get("/protected/", {"Cookie": "__Host-access=" + at})
    check("valid access cookie -> 200 protected",
          st == 200 and body == b"protected\n", (st, body[:100]))
    for i in range(20):
        st, _, _ = get("/protected/", {"Authorization": "Bearer " + at})
        if st != 200:
            break
    check("20 repeated requests -> 200", st == 200, st)

    r = S.logout(at)
    check("logout 204", r.status == 204, r)
    st, body, h = get("/protected/", {"Authorization": "Bearer " + at})
    check("after logout: the same token -> 401", st == 401, (st, body[:100]))
    check("after logout: the static file is not served",
          b"protected" not in body, body[:100])
    st, body, h = get("/protected/", {"Cookie": "__Host-access=" + at})
    check("after logout: the cookie -> 401", st == 401, (st, body[:100]))

    r = S.login("alice", PW)
    at2 = (r.json() or {}).get("access_token", "x")
    st, body, h = get("/protected/", {"Authorization": "Bearer " + at2})
    check("a new login -> 200 again", st == 200, st)
    r = S.revoke(at2)
    st, body, h = get("/protected/", {"Authorization": "Bearer " + at2})
    check("after RFC 7009 revoke -> 401", r.status == 200 and st == 401,
          (r.status, st))
finally:
    ng.terminate()
    try:
        ng.wait(timeout=10)
    except subprocess.TimeoutExpired:
        ng.kill()
        ng.wait()
    nlog.close()
errs = open(nlog.name, "rb").read().decode(errors="replace")
check("nginx log: no upstream TLS verification error",
      "upstream SSL certificate verify error" not in errs and
      "SSL_do_handshake() failed" not in errs,
      [x for x in errs.splitlines() if "SSL" in x][:3])
rc, _ = S.stop()
check("jwtguardd SIGTERM exits 0", rc == 0, (rc, S.stderr()))
finish()
