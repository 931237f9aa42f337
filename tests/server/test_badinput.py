#!/usr/bin/env python3
"""tests/server/test_badinput.py - hostile input keeps jwtguardd up.

Malformed request lines and headers, a header block over 8 KiB, bodies over
16 KiB (413, also when only announced or chunked), bad JSON (400
invalid_request), wrong content types (415), bad form encoding, and slow
clients: a TCP connection that never starts TLS, a TLS connection that
never sends a request and one that drips its headers a byte at a time are
all closed by the server's timeouts while other clients keep being served.
After each probe the server must still answer /healthz.
"""

import base64
import os
import socket
import ssl
import sys
import threading
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import Server, check, finish, need_binary, status_of, user_pw, SLOW  # noqa: E402

need_binary()
PW = user_pw()
S = Server("badinput", args=["--login-max-failures", "50"])
S.init()
S.add_user("alice", PW)
S.start()


def healthy(name):
    r = S.request("GET", "/healthz", timeout=5)
    check(name + ": server still answers /healthz", r.status == 200 and
          S.alive(), r)


def raw_4xx_or_closed(name, data, extra_ok=()):
    out, closed = S.raw(data, timeout=12)
    st = status_of(out)
    ok = (st is not None and (400 <= st < 500 or st in extra_ok)) or \
        (st is None and closed)
    check(name, ok, (st, closed, out[:120]))
    healthy(name)
    return st


# ---------------------------------------------------------------- HTTP syntax
raw_4xx_or_closed("garbage request line", b"GARBAGE\r\n\r\n")
raw_4xx_or_closed("request line without version", b"GET /healthz\r\n\r\n")
raw_4xx_or_closed("unknown HTTP version (4xx, 505 or closed)",
                  b"GET /healthz HTTP/7.3\r\nHost: x\r\n\r\n",
                  extra_ok=(505,))
raw_4xx_or_closed("header without colon", b"GET /healthz HTTP/1.1\r\n"
                  b"Host: x\r\nNoColonHere\r\n\r\n")
raw_4xx_or_closed("NUL in request line", b"GET /heal\x00thz HTTP/1.1\r\n"
                  b"Host: x\r\n\r\n")
raw_4xx_or_closed("binary noise", os.urandom(512) + b"\r\n\r\n")
raw_4xx_or_closed("negative Content-Length",
                  b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/json\r\nContent-Length: -5\r\n\r\n{}")
raw_4xx_or_closed("non-numeric Content-Length",
                  b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/json\r\nContent-Length: 1x\r\n\r\n{}")
raw_4xx_or_closed("header block over 8 KiB (one header)",
                  b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " +
                  b"a" * 9000 + b"\r\n\r\n")
raw_4xx_or_closed("header block over 8 KiB (many headers)",
                  b"GET /healthz HTTP/1.1\r\nHost: x\r\n" +
                  b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 60)
                           for i in range(200)) + b"\r\n")
raw_4xx_or_closed("request line over 8 KiB",
                  b"GET /healthz?" + b"q" * 9000 + b" HTTP/1.1\r\n"
                  b"Host: x\r\n\r\n")
r = S.request("GET", "/auth/verify", headers={"Authorization": "Bearer " +
                                              "A" * 7000})
check("7 KB bearer token (under the limit) -> 401, not a crash",
      r.status == 401, r)
healthy("7 KB bearer")

# ---------------------------------------------------------------- bodies
# Raw sockets: the server may answer 413 and close before a client that
# insists on sending the whole body first has finished (http.client would
# then only see the closed connection).
out, closed = S.raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b"application/json\r\nContent-Length: 20002\r\n\r\n{" +
                    b" " * 20000 + b"}", timeout=12)
check("login body over 16 KiB -> 413", status_of(out) == 413,
      (status_of(out), closed, out[:100]))
healthy("body 20 KB")
out, closed = S.raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b"application/json\r\nContent-Length: 1000000000\r\n"
                    b"\r\n", timeout=12)
check("announced 1 GB body -> 413 without waiting for it",
      status_of(out) == 413 or (status_of(out) is None and closed),
      (status_of(out), closed, out[:100]))
healthy("announced 1 GB")
chunk = b"4000\r\n" + b"x" * 0x4000 + b"\r\n"
out, closed = S.raw(b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b"application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk * 3 + b"0\r\n\r\n", timeout=12)
check("chunked body over 16 KiB -> 413 or closed",
      status_of(out) in (400, 413) or (status_of(out) is None and closed),
      (status_of(out), closed, out[:100]))
healthy("chunked 48 KB")
auth = base64.b64encode(("%s:%s" % S.client_auth()).encode())
out, closed = S.raw(b"POST /revoke HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b"application/x-www-form-urlencoded\r\nAuthorization: "
                    b"Basic " + auth + b"\r\nContent-Length: 17006\r\n\r\n"
                    b"token=" + b"t" * 17000, timeout=12)
check("revoke body over 16 KiB -> 413", status_of(out) == 413,
      (status_of(out), closed, out[:100]))
r = S.request("POST", "/login", body=b"{" + b" " * 16000 + b"}",
              headers={"Content-Type": "application/json"})
check("login body just under 16 KiB is read (400, not 413)",
      r.status == 400, r)

# ---------------------------------------------------------------- JSON
for name, body in (("truncated JSON", b'{"username":"alice","password":'),
                   ("JSON array", b'[]'),
                   ("JSON string", b'"alice"'),
                   ("numbers for strings", b'{"username":1,"password":2}'),
                   ("missing password", b'{"username":"alice"}'),
                   ("duplicate keys", b'{"username":"alice","password":"x",'
                                      b'"password":"y"}'),
                   ("invalid UTF-8", b'{"username":"al\xffice",'
                                     b'"password":"x"}'),
                   ("trailing garbage", b'{"username":"alice",'
                                        b'"password":"x"} x'),
                   ("deep nesting", b'{"username":' + b'[' * 5000 +
                    b']' * 5000 + b',"password":"x"}'),
                   ("empty body", b"")):
    r = S.request("POST", "/login", body=body,
                  headers={"Content-Type": "application/json"})
    check("login %s -> 400 invalid_request" % name, r.status == 400 and
          r.json() == {"error": "invalid_request"}, r)
r = S.request("POST", "/token/refresh", body=b'{"refresh_token":',
              headers={"Content-Type": "application/json"})
check("refresh bad JSON -> 400", r.status == 400, r)
healthy("bad JSON")

# ---------------------------------------------------------------- types
for ct in ("text/plain", "application/xml", "multipart/form-data; "
           "boundary=x"):
    r = S.request("POST", "/login", body=b'{"username":"alice",'
                  b'"password":"x"}', headers={"Content-Type": ct})
    check("login Content-Type %s -> 415" % ct.split(";")[0],
          r.status == 415, r)
r = S.request("POST", "/login", body=b'{"username":"alice","password":"x"}')
check("login without Content-Type -> 415 or 400", r.status in (400, 415), r)
r = S.request("POST", "/token/refresh", body=b"refresh_token=x",
              headers={"Content-Type": "text/plain"})
check("refresh Content-Type text/plain -> 415", r.status == 415, r)
r = S.request("POST", "/login", body=b"username=alice&password=%zz",
              headers={"Content-Type": "application/x-www-form-urlencoded"})
check("form with bad percent-encoding -> 400", r.status == 400, r)
r = S.request("POST", "/login", body=b"username=alice&password=%00x",
              headers={"Content-Type": "application/x-www-form-urlencoded"})
check("form with NUL byte in a value -> 400 or 401", r.status in (400, 401),
      r)
r = S.request("POST", "/login",
              body=b'{"username":"alice","password":"' + PW.encode() + b'"}',
              headers={"Content-Type": "application/json; charset=utf-8"})
check("application/json; charset=utf-8 accepted", r.status == 200, r)
healthy("content types")

# ---------------------------------------------------------------- slow clients
# Three slow connections at once; meanwhile the server keeps answering.
res = {}


def idle_tcp():
    s = socket.create_connection(("127.0.0.1", S.port), timeout=45 * SLOW)
    t0 = time.time()
    try:
        s.recv(1)   # the server closes (or resets) it
    except OSError:
        pass
    res["tcp"] = time.time() - t0
    s.close()


def idle_tls():
    t0 = time.time()
    try:
        s = S.raw_socket(timeout=45)
        t0 = time.time()
        s.recv(1)
    except (OSError, ssl.SSLError):
        pass
    res["tls"] = time.time() - t0


def drip():
    req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + \
        b"z" * 200 + b"\r\n\r\n"
    try:
        s = S.raw_socket(timeout=45)
    except (OSError, ssl.SSLError) as e:
        res["drip"] = ("connect", repr(e))
        return
    t0 = time.time()
    sent = 0
    try:
        for b in req:
            s.sendall(bytes([b]))
            sent += 1
            time.sleep(0.5)
            if time.time() - t0 > 40 * SLOW:
                break
        res["drip"] = ("still open after", time.time() - t0, sent)
    except (OSError, ssl.SSLError):
        res["drip"] = ("closed", time.time() - t0, sent)
    finally:
        s.close()


ths = [threading.Thread(target=f) for f in (idle_tcp, idle_tls, drip)]
for t in ths:
    t.start()
time.sleep(1)
served = 0
t0 = time.time()
while any(t.is_alive() for t in ths) and time.time() - t0 < 50 * SLOW:
    if S.request("GET", "/healthz", timeout=5).status == 200:
        served += 1
    time.sleep(0.5)
for t in ths:
    t.join(timeout=60)
check("slow clients: others served meanwhile", served >= 5, served)
check("idle TCP (no TLS handshake) closed by a timeout (<= 35 s)",
      "tcp" in res and res["tcp"] <= 35 * SLOW, res.get("tcp"))
check("idle TLS connection without a request closed (<= 35 s)",
      "tls" in res and res["tls"] <= 35 * SLOW, res.get("tls"))
d = res.get("drip", ("?",))
check("header drip (1 byte / 0.5 s) cut off by the request timeout "
      "(10 s, <= 20 s)", d[0] == "closed" and d[1] <= 20 * SLOW, d)
healthy("slow clients")

# ---------------------------------------------------------------- many conns
socks = []
for i in range(64):
    try:
        socks.append(socket.create_connection(("127.0.0.1", S.port),
                                              timeout=5))
    except OSError:
        break
r = S.request("GET", "/healthz", timeout=5)
check("64 idle connections open: a new client is still served",
      r.status == 200, (len(socks), r))
for s in socks:
    s.close()
r = S.login("alice", PW)
check("after all of it: login still works", r.status == 200, r)
rc, _ = S.stop()
check("SIGTERM exits 0", rc == 0, (rc, S.stderr()))
finish()
