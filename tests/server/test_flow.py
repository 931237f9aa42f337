#!/usr/bin/env python3
"""tests/server/test_flow.py - the whole jwtguardd flow over real TLS.

Login (JSON and form) -> the access token verifies at /auth/verify with the
X-Auth-* headers (Bearer and cookie) -> refresh (JSON, form, cookie) gives a
new pair while the old access token stays valid until its exp -> logout ->
401 at /auth/verify and the cookies cleared. Also: the token and cookie
shapes (RFC 9068 claims, __Host- cookies with Secure, HttpOnly,
SameSite=Strict, Path=/, Max-Age), the CSRF Origin check on cookie POSTs,
the identical 401 for unknown user / wrong password / locked user, RFC 7009
revoke and RFC 7662 introspect with client authentication, the JWKS (kids
are RFC 7638 thumbprints; the jwtguard CLI verifies a token with it), HSTS,
404/405, /healthz and the /metrics names.
"""

import json
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import (Server, check, finish, need_binary, jwt_parts, tamper,  # noqa: E402
                    b64url, jwk_thumbprint, run_cli, CLI, user_pw)

need_binary()

B64URL = re.compile(r"^[A-Za-z0-9_-]+$")
HSTS = "max-age=31536000"

S = Server("flow", args=["--login-max-failures", "50"])
S.init()
PW = user_pw()
S.add_user("alice", PW)
MPW = "mallory-pass-" + b64url(os.urandom(9))
S.add_user("mallory", MPW)
rc, out, err = S.admin("user", "lock", "mallory")
check("admin: user lock mallory", rc == 0, (rc, out, err))
S.start()


def hsts_ok(r):
    return r.header("Strict-Transport-Security") is not None and \
        HSTS in r.header("Strict-Transport-Security")


def verify_ok(r, sub, claims):
    return (r.status == 200 and r.header("X-Auth-Subject") == sub and
            r.header("X-Auth-Scope") == claims.get("scope") and
            r.header("X-Auth-Expires") == str(claims.get("exp")))


def verify_401(name, r):
    check(name, r.status == 401 and
          (r.header("WWW-Authenticate") or "").replace(" ", "") ==
          'Bearererror="invalid_token"' and
          r.json() == {"error": "invalid_token"}, r)


def check_cookie(name, c, cname, value, max_age):
    if not check(name + ": %s set" % cname, cname in c, list(c)):
        return
    v, a = c[cname]
    check(name + ": %s value is the token" % cname, v == value, v[:40])
    check(name + ": %s Secure" % cname, a.get("secure") is True, a)
    check(name + ": %s HttpOnly" % cname, a.get("httponly") is True, a)
    check(name + ": %s SameSite=Strict" % cname,
          str(a.get("samesite", "")).lower() == "strict", a)
    check(name + ": %s Path=/" % cname, a.get("path") == "/", a)
    check(name + ": %s no Domain (__Host- rule)" % cname,
          "domain" not in a, a)
    if isinstance(max_age, tuple):
        lo, hi = max_age
        ma = a.get("max-age")
        check(name + ": %s Max-Age in [%d, %d] (remaining family lifetime)"
              % (cname, lo, hi), isinstance(ma, str) and ma.isdigit() and
              lo <= int(ma) <= hi, a)
    else:
        check(name + ": %s Max-Age=%d" % (cname, max_age),
              a.get("max-age") == str(max_age), a)


def check_pair(name, r, ttl=600, cookies=False, refresh=False):
    """A 200 login/refresh answer; returns (access, refresh, claims).
    cookies: check every cookie attribute too; refresh: the refresh cookie
    lives for what is left of the family's absolute lifetime."""
    j = r.json() or {}
    ok = check(name + ": 200 JSON", r.status == 200 and isinstance(j, dict)
               and "access_token" in j, r)
    if not ok:
        return None, None, {}
    at, rt = j.get("access_token"), j.get("refresh_token")
    check(name + ": token_type Bearer", j.get("token_type") == "Bearer", j)
    check(name + ": expires_in = access ttl", j.get("expires_in") == ttl, j)
    check(name + ": refresh token opaque, >= 256 bits base64url",
          isinstance(rt, str) and B64URL.match(rt) and len(rt) >= 43, rt)
    check(name + ": Content-Type application/json",
          (r.header("Content-Type") or "").startswith("application/json"),
          r.header("Content-Type"))
    check(name + ": Cache-Control no-store (RFC 6749 5.1)",
          "no-store" in (r.header("Cache-Control") or ""),
          r.header("Cache-Control"))
    check(name + ": HSTS", hsts_ok(r), r.headers)
    c = r.cookies()
    if cookies:
        check_cookie(name, c, "__Host-access", at, ttl)
        check_cookie(name, c, "__Host-refresh", rt, (14 * 86400 - 120,
                     14 * 86400) if refresh else 14 * 86400)
    else:
        check(name + ": cookies carry the new tokens",
              c.get("__Host-access", ("",))[0] == at and
              c.get("__Host-refresh", ("",))[0] == rt, list(c))
    h, claims = jwt_parts(at)
    return at, rt, claims or {}


# ---------------------------------------------------------------- basics
r = S.request("GET", "/healthz")
check("healthz 200 {status:ok}", r.status == 200 and
      r.json() == {"status": "ok"}, r)
check("healthz HSTS", hsts_ok(r), r.headers)
r = S.request("GET", "/no/such/route")
check("unknown route 404 not_found", r.status == 404 and
      r.json() == {"error": "not_found"}, r)
check("404 carries HSTS", hsts_ok(r), r.headers)
r = S.request("GET", "/login")
check("GET /login 405", r.status == 405, r)
r = S.request("PUT", "/auth/verify")
check("PUT /auth/verify 405", r.status == 405, r)

# ---------------------------------------------------------------- login
r = S.login("alice", PW)
A0, R0, C0 = check_pair("login json", r, cookies=True)
H0, _ = jwt_parts(A0) if A0 else (None, None)
H0 = H0 or {}
check("access token alg ES256 by default", H0.get("alg") == "ES256", H0)
check("access token typ at+jwt", H0.get("typ") == "at+jwt", H0)
check("access token has kid", isinstance(H0.get("kid"), str), H0)
check("claim iss = issuer", C0.get("iss") == S.issuer, C0)
check("claim sub = user", C0.get("sub") == "alice", C0)
aud = C0.get("aud")
check("claim aud contains api", aud == "api" or
      (isinstance(aud, list) and "api" in aud), C0)
check("claim exp - iat = 600", isinstance(C0.get("exp"), int) and
      isinstance(C0.get("iat"), int) and C0["exp"] - C0["iat"] == 600, C0)
check("claim jti >= 128 bits", isinstance(C0.get("jti"), str) and
      len(C0["jti"]) >= 22, C0)
check("claim client_id jwtguardd", C0.get("client_id") == "jwtguardd", C0)
check("claim scope is a string", isinstance(C0.get("scope"), str) and
      C0["scope"] != "", C0)
check("claim sid (refresh family)", isinstance(C0.get("sid"), str) and
      C0["sid"] != "", C0)

r = S.login("alice", PW, form=True)
AF, RF, CF = check_pair("login form (password with + & = % space)", r,
                        cookies=True)
check("form login: new jti", CF.get("jti") and CF.get("jti") != C0.get("jti"))
check("form login: new family", CF.get("sid") and CF.get("sid") != C0.get("sid"))

# ---------------------------------------------------------------- verify
r = S.verify(A0)
check("verify bearer 200 + X-Auth-*", verify_ok(r, "alice", C0),
      (r, r.headers))
check("verify 200 has empty body", r.status == 200 and r.body == b"", r)
r = S.verify(A0)
check("verify bearer again (cache) 200", verify_ok(r, "alice", C0), r)
r = S.verify(cookie=A0)
check("verify __Host-access cookie 200", verify_ok(r, "alice", C0), r)
r = S.verify(None)
verify_401("verify without token 401 + WWW-Authenticate", r)
check("401 carries HSTS", hsts_ok(r), r.headers)
verify_401("verify garbage 401", S.verify("not-a-token"))
verify_401("verify tampered signature 401", S.verify(tamper(A0)))
h, p, s = A0.split(".")
none_tok = b64url(json.dumps({"alg": "none", "typ": "at+jwt"})) + "." + p + "."
verify_401("verify alg=none 401", S.verify(none_tok))
verify_401("verify header-swapped token 401",
           S.verify(b64url(json.dumps({"alg": "HS256", "typ": "at+jwt",
                                       "kid": H0.get("kid", "")})) +
                    "." + p + "." + s))
verify_401("verify refresh token as access 401", S.verify(R0))
r = S.request("GET", "/auth/verify", headers={"Authorization": "Basic Zm9vOmJhcg=="})
verify_401("verify Basic scheme 401", r)

# ---------------------------------------------------------------- refresh
r = S.refresh(R0)
A1, R1, C1 = check_pair("refresh json", r, cookies=True, refresh=True)
check("refresh: new access token", A1 and A1 != A0)
check("refresh: new refresh token", R1 and R1 != R0)
check("refresh: same family (sid)", C1.get("sid") == C0.get("sid"), C1)
check("refresh: same subject", C1.get("sub") == "alice", C1)
check("old access token still valid after refresh",
      verify_ok(S.verify(A0), "alice", C0))
check("new access token valid", verify_ok(S.verify(A1), "alice", C1))

r = S.refresh(R1, how="form")
A2, R2, C2 = check_pair("refresh form", r)

r = S.refresh(R2, how="cookie")
check("refresh by cookie without Origin 403 invalid_origin",
      r.status == 403 and r.json() == {"error": "invalid_origin"}, r)
r = S.refresh(R2, how="cookie", origin="https://evil.example")
check("refresh by cookie with wrong Origin 403", r.status == 403, r)
r = S.refresh(R2, how="cookie", origin="null")
check("refresh by cookie with Origin null 403", r.status == 403, r)
r = S.refresh(R2, how="cookie", origin=S.issuer)
A3, R3, C3 = check_pair("refresh by cookie with Origin (token not consumed "
                        "by the refused attempts)", r)

# ---------------------------------------------------------------- logout
r = S.request("POST", "/logout", cookies={"__Host-access": A3 or ""})
check("logout by cookie without Origin 403", r.status == 403 and
      r.json() == {"error": "invalid_origin"}, r)
r = S.request("POST", "/logout", cookies={"__Host-access": A3 or ""},
              origin="https://127.0.0.1:1")
check("logout by cookie with wrong Origin 403", r.status == 403, r)
check("access token still valid after refused logouts",
      verify_ok(S.verify(A3), "alice", C3))

r = S.logout(A3)
check("logout bearer 204", r.status == 204, r)
c = r.cookies()
for cn in ("__Host-access", "__Host-refresh"):
    v, a = c.get(cn, (None, {}))
    check("logout clears %s (Max-Age=0, Secure, Path=/)" % cn,
          cn in c and a.get("max-age") == "0" and a.get("secure") is True
          and a.get("path") == "/" and (A3 or "x") not in v and
          (R3 or "x") not in v, c)
verify_401("after logout: its access token 401", S.verify(A3))
verify_401("after logout: earlier access token of the session 401",
           S.verify(A0))
verify_401("after logout: cookie 401", S.verify(cookie=A3))
r = S.refresh(R3)
check("after logout: refresh token 401 invalid_grant", r.status == 401 and
      r.json() == {"error": "invalid_grant"}, r)
check("logout did not touch the other session",
      verify_ok(S.verify(AF), "alice", CF))
r = S.request("POST", "/logout")
check("logout without a token 401", r.status == 401, r)

r = S.login("alice", PW)
AL, RL, CL = check_pair("login for cookie logout", r)
r = S.request("POST", "/logout", cookies={"__Host-access": AL or ""},
              origin=S.issuer)
check("logout by cookie with Origin 204", r.status == 204, r)
verify_401("after cookie logout: 401", S.verify(AL))

# ---------------------------------------------------------------- 401s
bodies, timings = {}, {"unknown": [], "wrong": [], "locked": []}
for i in range(3):
    for kind, (u, p) in (("unknown", ("nobody-%d" % i, PW)),
                         ("wrong", ("alice", PW + "x")),
                         ("locked", ("mallory", MPW))):
        r = S.login(u, p)
        bodies.setdefault(kind, set()).add((r.status, r.body,
                                            r.header("Content-Type")))
        timings[kind].append(r.elapsed)
for kind in ("unknown", "wrong", "locked"):
    st = {(s, b, None) for s, b, _ in bodies[kind]}
    check("login %s -> 401 invalid_grant" % kind,
          len(st) == 1 and list(st)[0][0] == 401 and
          json.loads(list(st)[0][1] or b"null") == {"error": "invalid_grant"},
          bodies[kind])
check("login 401 bodies and content types identical for unknown/wrong/locked",
      len(bodies["unknown"] | bodies["wrong"] | bodies["locked"]) == 1,
      bodies)
med = {k: statistics.median(v) for k, v in timings.items()}
check("login 401 timing similar (unknown user runs the hash too)",
      med["unknown"] >= 0.33 * med["wrong"] and
      med["locked"] >= 0.33 * med["wrong"], med)
r = S.request("POST", "/login", json_body={"username": "mallory",
                                           "password": ""})
check("login empty password refused", r.status in (400, 401), r)

# ---------------------------------------------------------------- revoke
r = S.login("alice", PW)
AR, RR, CR = check_pair("login for revoke", r)
r = S.revoke(AR, auth=False)
check("revoke without client auth 401 + Basic challenge",
      r.status == 401 and (r.header("WWW-Authenticate") or "")
      .startswith('Basic realm="jwtguardd"'), (r, r.headers))
r = S.request("POST", "/revoke", form={"token": AR},
              basic=(S.client_id, S.client_secret + "x"))
check("revoke with wrong secret 401", r.status == 401, r)
r = S.request("POST", "/revoke", form={"token": AR},
              basic=("otherclient", S.client_secret))
check("revoke with unknown client 401", r.status == 401, r)
check("refused revokes did not revoke", verify_ok(S.verify(AR), "alice", CR))
r = S.revoke(AR, hint="access_token")
check("revoke valid access token 200 empty body",
      r.status == 200 and r.body == b"", r)
verify_401("revoked access token 401 at /auth/verify", S.verify(AR))
r = S.introspect(AR)
check("revoked access token introspects inactive",
      r.status == 200 and r.json() == {"active": False}, r)
r = S.revoke("garbage.token.here")
check("revoke invalid token 200", r.status == 200 and r.body == b"", r)
r = S.revoke(b64url(os.urandom(32)), hint="refresh_token")
check("revoke unknown refresh token 200", r.status == 200, r)
r = S.revoke(AR)
check("revoke already revoked 200", r.status == 200, r)
r = S.request("POST", "/revoke", form={}, basic=S.client_auth())
check("revoke without token parameter 400 invalid_request",
      r.status == 400, r)

r = S.login("alice", PW)
AW, RW, CW = check_pair("login for revoke with wrong hint", r)
r = S.revoke(AW, hint="refresh_token")
check("revoke access token with hint refresh_token 200", r.status == 200, r)
verify_401("access token revoked despite the wrong hint", S.verify(AW))

r = S.login("alice", PW)
AT, RT, CT = check_pair("login for refresh revoke", r)
r = S.refresh(RT)
AT2, RT2, CT2 = check_pair("refresh before refresh revoke", r)
r = S.revoke(RT2, hint="refresh_token")
check("revoke refresh token 200", r.status == 200 and r.body == b"", r)
r = S.refresh(RT2)
check("revoked refresh token refused 401", r.status == 401 and
      r.json() == {"error": "invalid_grant"}, r)
verify_401("revoked refresh family: its access tokens 401", S.verify(AT2))
verify_401("revoked refresh family: first access token 401", S.verify(AT))
r = S.introspect(RT2)
check("revoked refresh token introspects inactive",
      r.json() == {"active": False}, r)

# ---------------------------------------------------------------- introspect
r = S.login("alice", PW)
AI, RI, CI = check_pair("login for introspect", r)
r = S.introspect(AI, auth=False)
check("introspect without client auth 401 + Basic challenge",
      r.status == 401 and (r.header("WWW-Authenticate") or "")
      .startswith('Basic realm="jwtguardd"'), r)
r = S.introspect(AI)
j = r.json() or {}
check("introspect valid access token: active true", r.status == 200 and
      j.get("active") is True, r)
for k in ("sub", "scope", "client_id", "exp", "iat", "iss", "jti"):
    check("introspect access: %s matches the token" % k,
          j.get(k) == CI.get(k), (k, j.get(k), CI.get(k)))
check("introspect access: aud", j.get("aud") == CI.get("aud") or
      j.get("aud") == "api" or (isinstance(j.get("aud"), list) and
                                "api" in j["aud"]), j)
check("introspect access: token_type access_token",
      j.get("token_type") == "access_token", j)
r = S.introspect(RI)
j = r.json() or {}
check("introspect live refresh token: active, refresh_token, sub, exp, "
      "client_id", j.get("active") is True and
      j.get("token_type") == "refresh_token" and j.get("sub") == "alice" and
      isinstance(j.get("exp"), int) and j.get("client_id") == "jwtguardd", r)
check("introspect never returns the token itself",
      RI.encode() not in r.body and AI.encode() not in r.body)
for name, tok in (("garbage", "garbage"), ("tampered", tamper(AI)),
                  ("empty", ""), ("used refresh token", R0),
                  ("random refresh-like", b64url(os.urandom(32)))):
    r = S.introspect(tok)
    check("introspect %s: exactly {active:false}" % name,
          r.status == 200 and r.json() == {"active": False}, r)
r = S.request("GET", "/introspect", basic=S.client_auth())
check("GET /introspect 405", r.status == 405, r)

# ---------------------------------------------------------------- JWKS
r = S.jwks()
jw = r.json() or {}
cc = r.header("Cache-Control") or ""
check("jwks 200", r.status == 200 and isinstance(jw.get("keys"), list), r)
check("jwks Cache-Control public, max-age=300",
      "public" in cc and re.search(r"max-age=300\b", cc), cc)
keys = jw.get("keys") or []
check("jwks has at least current and next key", len(keys) >= 2, keys)
kids = []
for k in keys:
    kids.append(k.get("kid"))
    check("jwk %s: kid, alg, use=sig" % k.get("kid"),
          k.get("kid") and k.get("alg") and k.get("use") == "sig", k)
    check("jwk %s: no private members" % k.get("kid"),
          not any(m in k for m in ("d", "p", "q", "dp", "dq", "qi", "k")), k)
    check("jwk %s: kid is the RFC 7638 thumbprint" % k.get("kid"),
          jwk_thumbprint(k) == k.get("kid"), (jwk_thumbprint(k), k))
check("token kid is published in the jwks", H0.get("kid") in kids,
      (H0.get("kid"), kids))
jf = os.path.join(S.dir, "jwks.json")
with open(jf, "wb") as f:
    f.write(r.body)
if CLI and os.access(CLI, os.X_OK):
    rc, out, err = run_cli("jwt", "verify", "--key", jf, "--iss", S.issuer,
                           "--aud", "api", "--typ", "at+jwt", AI)
    check("jwtguard CLI verifies an access token with the JWKS",
          rc == 0 and (json.loads(out or "{}").get("sub") == "alice"),
          (rc, out, err))
    rc, out, err = run_cli("jwt", "verify", "--key", jf, "--iss",
                           "https://other.example", "--aud", "api", AI)
    check("jwtguard CLI refuses it with the wrong issuer", rc != 0,
          (rc, out))
else:
    check("jwtguard CLI available (JWTGUARD)", False, CLI)

# ---------------------------------------------------------------- metrics
r = S.request("GET", "/metrics")
text = r.body.decode(errors="replace")
check("metrics 200 text", r.status == 200 and
      (r.header("Content-Type") or "").startswith("text/plain"), r)
for m in ("jwtguardd_requests_total{", "jwtguardd_verify_total{",
          "jwtguardd_tokens_issued_total", "jwtguardd_refresh_reuse_total",
          "jwtguardd_revocations_total",
          "jwtguardd_request_duration_seconds_bucket{",
          "jwtguardd_request_duration_seconds_sum",
          "jwtguardd_request_duration_seconds_count"):
    check("metrics has %s" % m.rstrip("{"), m in text)
check("metrics: requests by route and status",
      re.search(r'jwtguardd_requests_total\{[^}]*route="[^"]+"[^}]*'
                r'status="401"', text) or
      re.search(r'jwtguardd_requests_total\{[^}]*status="401"[^}]*'
                r'route="[^"]+"', text), text[:800])
m = re.search(r"^jwtguardd_tokens_issued_total(\{[^}]*\})? (\d+)", text, re.M)
check("metrics: tokens issued counted", m and int(m.group(2)) >= 10,
      m and m.group(0))
m = re.findall(r"^jwtguardd_revocations_total(?:\{[^}]*\})? (\d+)", text,
               re.M)
check("metrics: revocations counted", m and sum(map(int, m)) >= 3, m)
check("metrics: verification outcomes by reason",
      len(re.findall(r"^jwtguardd_verify_total\{", text, re.M)) >= 2,
      re.findall(r"^jwtguardd_verify_total.*$", text, re.M))

rc, el = S.stop()
check("SIGTERM exits 0", rc == 0, (rc, S.stderr()))
finish()
