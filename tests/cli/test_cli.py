#!/usr/bin/env python3
"""tests/cli/test_cli.py - the jwtguard command-line contract.

Runs the real binary (path in $JWTGUARD) through every command and
subcommand: exit statuses 0/1/2, --help everywhere, every documented
option, stdin and file input, a generate -> sign -> verify round trip for
every JWS algorithm, algorithm restrictions without --alg (key confusion),
--secret-file, claim checks, durations, PEM round trips, RFC 7638
thumbprints, JWKS input, and that every failure prints exactly one
"jwtguard: ..." line and nothing on stdout. Python standard library only.
Prints "N passed, M failed" and exits non-zero on any failure.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.environ.get("JWTGUARD")
if not BIN or not os.access(BIN, os.X_OK):
    print("JWTGUARD must name the jwtguard binary")
    sys.exit(2)

PASSED = 0
FAILED = 0
REJECT_RE = re.compile(rb"^jwtguard: E_[A-Z_]+: ")
USAGE_RE = re.compile(rb"^jwtguard: (usage: |E_[A-Z_]+: )")

ALL_ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
            "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
            "ES256K", "EdDSA", "Ed25519", "Ed448"]

# RFC 7638 §3.1: the example RSA key and its SHA-256 thumbprint.
RFC7638_KEY = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86z"
         "wu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY"
         "4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaS"
         "qzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhA"
         "I4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8"
         "awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


# ---------------------------------------------------------------- helpers

def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL: %s%s" % (name, (": " + detail) if detail else ""))
    return cond


class R:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return "rc=%d out=%r err=%r" % (self.rc, self.out[:300],
                                         self.err[:600])


def run(args, stdin=b"", timeout=120):
    args = [a.decode() if isinstance(a, bytes) else str(a) for a in args]
    p = subprocess.run([BIN] + args, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return R(p.returncode, p.stdout, p.stderr)


def ok(name, r):
    """Exit 0 and nothing on stderr."""
    return check(name, r.rc == 0 and r.err == b"", repr(r))


def rejected(name, r, errs=None):
    """Exit 1, nothing on stdout, exactly one 'jwtguard: E_X: ' line."""
    lines = r.err.splitlines()
    good = (r.rc == 1 and r.out == b"" and len(lines) == 1
            and REJECT_RE.match(lines[0]) is not None)
    if good and errs:
        names = errs if isinstance(errs, (list, tuple)) else [errs]
        good = any(lines[0].startswith(b"jwtguard: " + n.encode() + b": ")
                   for n in names)
    return check(name, good, repr(r))


def usage(name, r, errs=None):
    """Exit 2, nothing on stdout, exactly one 'jwtguard: ' line."""
    lines = r.err.splitlines()
    good = (r.rc == 2 and r.out == b"" and len(lines) == 1
            and USAGE_RE.match(lines[0]) is not None)
    if good and errs:
        names = errs if isinstance(errs, (list, tuple)) else [errs]
        good = any(lines[0].startswith(b"jwtguard: " + n.encode() + b": ")
                   for n in names)
    return check(name, good, repr(r))


def b64u(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64d(s):
    if isinstance(s, bytes):
        s = s.decode()
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def jdump(obj):
    return json.dumps(obj, separators=(",", ":"))


def parts(token):
    if isinstance(token, bytes):
        token = token.decode()
    h, p, s = token.strip().split(".")
    return json.loads(b64d(h)), b64d(p), s


def thumbprint(jwk):
    req = {"RSA": ["e", "kty", "n"], "EC": ["crv", "kty", "x", "y"],
           "OKP": ["crv", "kty", "x"], "oct": ["k", "kty"]}[jwk["kty"]]
    # sort_keys is lexicographic, as RFC 7638 §3.3 wants
    text = json.dumps({k: jwk[k] for k in req}, separators=(",", ":"),
                      sort_keys=True)
    return b64u(hashlib.sha256(text.encode()).digest())


def hs_token(secret, header, claims):
    h = b64u(jdump(header))
    p = b64u(jdump(claims))
    mac = hmac.new(secret, (h + "." + p).encode(), hashlib.sha256).digest()
    return h + "." + p + "." + b64u(mac)


def tamper_claims(token):
    """The same token with its claims changed (still valid JSON)."""
    if isinstance(token, bytes):
        token = token.decode()
    h, p, s = token.strip().split(".")
    c = json.loads(b64d(p))
    c["sub"] = "admin"
    c["exp"] = c.get("exp", 0) + 86400
    return "%s.%s.%s" % (h, b64u(jdump(c)), s)


def tamper_middle(seg):
    i = len(seg) // 2
    return seg[:i] + ("B" if seg[i] == "A" else "A") + seg[i + 1:]


class Env:
    def __init__(self, root):
        self.root = root
        self.n = 0

    def path(self, name):
        return os.path.join(self.root, name)

    def write(self, name, data):
        if isinstance(data, str):
            data = data.encode()
        if isinstance(data, dict):
            data = jdump(data).encode()
        p = self.path(name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def read(self, name):
        with open(self.path(name), "rb") as f:
            return f.read()


KEY_TYPES = {
    "HS256": ("oct", None), "HS384": ("oct", None), "HS512": ("oct", None),
    "RS256": ("RSA", None), "RS384": ("RSA", None), "RS512": ("RSA", None),
    "PS256": ("RSA", None), "PS384": ("RSA", None), "PS512": ("RSA", None),
    "ES256": ("EC", "P-256"), "ES384": ("EC", "P-384"),
    "ES512": ("EC", "P-521"), "ES256K": ("EC", "secp256k1"),
    "EdDSA": ("OKP", "Ed25519"), "Ed25519": ("OKP", "Ed25519"),
    "Ed448": ("OKP", "Ed448"),
}
PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]


# ------------------------------------------------------------ the tests

def test_global():
    r = run(["--version"])
    ok("--version", r)
    check("--version text", re.match(rb"^jwtguard \d+\.\d+\.\d+\n$", r.out)
          is not None, repr(r))
    for h in ["--help", "-h"]:
        r = run([h])
        ok("top " + h, r)
        check("top %s text" % h, r.out.startswith(b"usage: jwtguard"),
              repr(r))
    usage("no arguments", run([]))
    usage("unknown command", run(["frobnicate"]))
    usage("unknown top option", run(["--frob"]))
    for noun in ["jwk", "jws", "jwt"]:
        usage(noun + " without subcommand", run([noun]))
        usage(noun + " unknown subcommand", run([noun, "frob"]))
        for h in ["--help", "-h"]:
            r = run([noun, h])
            ok("%s %s" % (noun, h), r)
            check("%s %s text" % (noun, h),
                  r.out.startswith(b"usage: jwtguard " + noun.encode()),
                  repr(r))
    subs = [("jwk", "generate"), ("jwk", "public"), ("jwk", "thumbprint"),
            ("jwk", "import-pem"), ("jwk", "export-pem"), ("jws", "sign"),
            ("jws", "verify"), ("jwt", "sign"), ("jwt", "verify"),
            ("jwt", "inspect")]
    for noun, sub in subs:
        for h in ["--help", "-h"]:
            r = run([noun, sub, h])
            ok("%s %s %s" % (noun, sub, h), r)
            check("%s %s %s text" % (noun, sub, h),
                  r.out.startswith(("usage: jwtguard %s %s" %
                                    (noun, sub)).encode()), repr(r))
        usage("%s %s unknown option" % (noun, sub),
              run([noun, sub, "--frobnicate"]))
        usage("%s %s unknown short option" % (noun, sub),
              run([noun, sub, "-z"]))


def test_generate(env):
    """generate for every alg; returns {alg: path of private JWK}."""
    keys = {}
    for alg in ALL_ALGS:
        r = run(["jwk", "generate", "--alg", alg])
        if not ok("generate " + alg, r):
            continue
        check("generate %s: one compact line" % alg,
              r.out.endswith(b"\n") and r.out.count(b"\n") == 1
              and b" " not in r.out, repr(r))
        jwk = json.loads(r.out)
        kty, crv = KEY_TYPES[alg]
        check("generate %s: kty" % alg, jwk.get("kty") == kty, str(jwk))
        if crv:
            check("generate %s: crv" % alg, jwk.get("crv") == crv, str(jwk))
        check("generate %s: alg" % alg, jwk.get("alg") == alg, str(jwk))
        check("generate %s: kid = RFC 7638 thumbprint" % alg,
              jwk.get("kid") == thumbprint(jwk), str(jwk))
        check("generate %s: private" % alg,
              ("k" in jwk) if kty == "oct" else ("d" in jwk), str(jwk))
        if kty == "oct":
            want = {"HS256": 32, "HS384": 48, "HS512": 64}[alg]
            check("generate %s: secret length" % alg,
                  len(b64d(jwk["k"])) == want, str(jwk))
        if kty == "RSA":
            check("generate %s: RSA-3072" % alg,
                  len(b64d(jwk["n"])) == 384, str(len(b64d(jwk["n"]))))
        keys[alg] = env.write("gen-%s.json" % alg, r.out)
    r = run(["jwk", "generate", "--alg", "ES256", "--kid", "my key 1"])
    ok("generate --kid", r)
    if r.rc == 0:
        check("generate --kid sets kid",
              json.loads(r.out).get("kid") == "my key 1", repr(r))
    r = run(["jwk", "generate", "--alg=ES384", "--kid=k2"])
    ok("generate --alg=X --kid=Y form", r)
    if r.rc == 0:
        j = json.loads(r.out)
        check("generate --opt=value parsed",
              j.get("alg") == "ES384" and j.get("kid") == "k2", repr(r))
    usage("generate without --alg", run(["jwk", "generate"]))
    for bad in ["none", "None", "hs256", "RS1", "", "HS256 "]:
        usage("generate --alg %r" % bad, run(["jwk", "generate", "--alg",
                                              bad]))
    usage("generate --alg needs a value", run(["jwk", "generate", "--alg"]))
    usage("generate abbreviated option refused",
          run(["jwk", "generate", "--al", "ES256"]))
    usage("generate extra argument",
          run(["jwk", "generate", "--alg", "ES256", "extra"]))
    usage("generate empty --kid",
          run(["jwk", "generate", "--alg", "ES256", "--kid", ""]))
    usage("generate --kid with control character",
          run(["jwk", "generate", "--alg", "ES256", "--kid", "a\nb"]))
    r1 = run(["jwk", "generate", "--alg", "HS256"])
    r2 = run(["jwk", "generate", "--alg", "HS256"])
    check("generate gives fresh keys", r1.out != r2.out and r1.rc == 0)
    return keys


def public_of(env, name, keypath):
    r = run(["jwk", "public", keypath])
    if not ok("public of " + name, r):
        return None
    return env.write(name + "-pub.json", r.out)


def test_round_trips(env, keys):
    payloads = [b"hello", b"", b"line\n", b"\x00\x01\xff binary \r\n",
                b"x" * 5000]
    for alg in ALL_ALGS:
        if alg not in keys:
            check("round trip %s: key missing" % alg, False)
            continue
        key = keys[alg]
        kid = json.loads(open(key, "rb").read())["kid"]
        verify_keys = [key]
        if not alg.startswith("HS"):
            pub = public_of(env, alg, key)
            if pub:
                verify_keys.append(pub)
        for i, payload in enumerate(payloads):
            if alg.startswith("RS") or alg.startswith("PS"):
                if i not in (0, 3):
                    continue  # RSA is slow; two payloads are enough
            pf = env.write("payload", payload)
            r = run(["jws", "sign", "--key", key, pf])
            if not ok("jws sign %s payload %d" % (alg, i), r):
                continue
            tok = r.out
            check("jws sign %s: token + newline" % alg,
                  tok.endswith(b"\n") and tok.count(b"\n") == 1, repr(r))
            h, p, s = parts(tok)
            check("jws sign %s: header alg/kid" % alg,
                  h.get("alg") == alg and h.get("kid") == kid, str(h))
            check("jws sign %s: payload bytes" % alg, p == payload)
            for vk in verify_keys:
                r = run(["jws", "verify", "--key", vk, tok.strip()])
                ok("jws verify %s argv (%s)" % (alg, os.path.basename(vk)),
                   r)
                check("jws verify %s: exact payload" % alg, r.out == payload,
                      repr(r))
                r = run(["jws", "verify", "--key", vk], stdin=tok)
                check("jws verify %s stdin" % alg,
                      r.rc == 0 and r.out == payload, repr(r))
            # tamper with the payload and with the signature
            hs, ps, ss = tok.decode().strip().split(".")
            if ps:
                rejected("jws verify %s tampered payload" % alg,
                         run(["jws", "verify", "--key", verify_keys[-1],
                              "%s.%s.%s" % (hs, tamper_middle(ps), ss)]),
                         "E_BAD_SIGNATURE")
            rejected("jws verify %s tampered signature" % alg,
                     run(["jws", "verify", "--key", verify_keys[-1],
                          "%s.%s.%s" % (hs, ps, tamper_middle(ss))]),
                     ["E_BAD_SIGNATURE", "E_MALFORMED"])
        # JWT round trip
        r = run(["jwt", "sign", "--key", key, "--sub", "alice", "--iss",
                 "https://id.example", "--aud", "api"])
        if not ok("jwt sign " + alg, r):
            continue
        h, p, s = parts(r.out)
        c = json.loads(p)
        check("jwt sign %s: header" % alg,
              h.get("alg") == alg and h.get("typ") == "JWT"
              and h.get("kid") == kid, str(h))
        check("jwt sign %s: exp, iat, jti" % alg,
              isinstance(c.get("exp"), int) and isinstance(c.get("iat"), int)
              and c["exp"] - c["iat"] == 600 and isinstance(c.get("jti"), str)
              and len(c["jti"]) >= 16, str(c))
        rejected("jwt verify %s with altered claims" % alg,
                 run(["jwt", "verify", "--key", verify_keys[-1],
                      tamper_claims(r.out)]), "E_BAD_SIGNATURE")
        for vk in verify_keys:
            r2 = run(["jwt", "verify", "--key", vk, "--iss",
                      "https://id.example", "--aud", "api"], stdin=r.out)
            ok("jwt verify %s (%s)" % (alg, os.path.basename(vk)), r2)
            if r2.rc == 0:
                check("jwt verify %s: claims JSON + newline" % alg,
                      r2.out.endswith(b"\n") and r2.out.count(b"\n") == 1
                      and json.loads(r2.out) == c, repr(r2))


def test_alg_restrictions(env, keys):
    now = int(time.time())
    # --- an RSA key without "alg" ---
    rsa = json.loads(open(keys["RS256"], "rb").read())
    del rsa["alg"]
    rsa_priv = env.write("rsa-noalg.json", rsa)
    rsa_pub = public_of(env, "rsa-noalg", rsa_priv)
    usage("sign with RSA key without alg needs --alg",
          run(["jwt", "sign", "--key", rsa_priv, "--sub", "x"]))
    check("message says pass --alg",
          b"pass --alg" in run(["jws", "sign", "--key", rsa_priv],
                               stdin=b"x").err)
    for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]:
        r = run(["jwt", "sign", "--key", rsa_priv, "--alg", alg, "--sub",
                 "x"])
        if ok("sign RSA no-alg key --alg " + alg, r):
            check("header alg " + alg, parts(r.out)[0]["alg"] == alg)
            ok("RSA no-alg key verifies %s without --alg" % alg,
               run(["jwt", "verify", "--key", rsa_pub], stdin=r.out))
            ok("RSA no-alg key verifies %s with --alg" % alg,
               run(["jwt", "verify", "--key", rsa_pub, "--alg", alg],
                   stdin=r.out))
            if alg == "PS256":
                # a key with alg RS256 must not accept PS256
                rejected("alg=RS256 key refuses PS256",
                         run(["jwt", "verify", "--key", keys["RS256"]],
                             stdin=r.out), "E_ALG_NOT_ALLOWED")
                rejected("--alg RS256 refuses a PS256 token",
                         run(["jwt", "verify", "--key", rsa_pub, "--alg",
                              "RS256"], stdin=r.out), "E_ALG_NOT_ALLOWED")
    # HS256 made with the RSA public key's bytes as the secret
    r = run(["jwk", "export-pem", rsa_pub])
    ok("export-pem RSA public", r)
    pem_pub = env.write("rsa-pub.pem", r.out)
    for label, secret in [("PEM", r.out),
                          ("JWK", open(rsa_pub, "rb").read())]:
        forged = hs_token(secret, {"alg": "HS256", "typ": "JWT"},
                          {"sub": "mallory", "exp": now + 600})
        for vk in [rsa_pub, pem_pub, rsa_priv]:
            rejected("RSA key refuses HS256 forged with %s bytes (%s)"
                     % (label, os.path.basename(vk)),
                     run(["jwt", "verify", "--key", vk, forged]),
                     ["E_ALG_NOT_ALLOWED", "E_KEY_MISMATCH"])
        usage("--alg HS256 with an RSA key is unusable",
              run(["jwt", "verify", "--key", rsa_pub, "--alg", "HS256",
                   forged]), "E_KEY_MISMATCH")
    # the CLI refuses to turn public key bytes into an HMAC secret (A2)
    for label, path in [("PEM", pem_pub), ("JWK", rsa_pub)]:
        for cmd in (["jwt", "sign", "--sub", "mallory"],
                    ["jwt", "verify", forged]):
            usage("--secret-file holding a %s key is refused (%s)"
                  % (label, cmd[1]),
                  run(cmd[:2] + ["--secret-file", path, "--alg", "HS256"]
                      + cmd[2:]), "E_KEY_INVALID")
    ssh = env.write("id.pub", b"ssh-ed25519 " + b"A" * 68 + b" x@y\n")
    usage("--secret-file holding an OpenSSH public key is refused",
          run(["jwt", "sign", "--secret-file", ssh, "--alg", "HS256"]),
          "E_KEY_INVALID")

    # --- a P-256 key without alg: only ES256 ---
    ec = json.loads(open(keys["ES256"], "rb").read())
    del ec["alg"]
    ec_priv = env.write("ec-noalg.json", ec)
    ec_pub = public_of(env, "ec-noalg", ec_priv)
    r = run(["jwt", "sign", "--key", ec_priv, "--sub", "x"])
    if ok("sign with P-256 key without alg", r):
        h, p, s = r.out.decode().strip().split(".")
        check("P-256 key without alg signs ES256",
              json.loads(b64d(h))["alg"] == "ES256")
        ok("P-256 no-alg key verifies ES256", run(["jwt", "verify", "--key",
                                                   ec_pub], stdin=r.out))
        for other in ["ES384", "ES512", "ES256K", "HS256", "RS256",
                      "EdDSA"]:
            hh = json.loads(b64d(h))
            hh["alg"] = other
            tok = "%s.%s.%s" % (b64u(jdump(hh)), p, s)
            rejected("P-256 key refuses header alg " + other,
                     run(["jwt", "verify", "--key", ec_pub, tok]),
                     ["E_ALG_NOT_ALLOWED"])
    for other in ["ES384", "HS256", "RS256"]:
        usage("P-256 key with --alg %s is unusable" % other,
              run(["jwt", "verify", "--key", ec_pub, "--alg", other,
                   "x.y.z"]), "E_KEY_MISMATCH")
        usage("P-256 key cannot sign --alg " + other,
              run(["jwt", "sign", "--key", ec_priv, "--alg", other]),
              "E_KEY_MISMATCH")
    r = run(["jwk", "export-pem", ec_pub])
    ec_pem = env.write("ec-pub.pem", r.out)
    forged = hs_token(r.out, {"alg": "HS256"},
                      {"sub": "mallory", "exp": now + 600})
    for vk in [ec_pub, ec_pem]:
        rejected("P-256 key refuses HS256 forged with its PEM (%s)"
                 % os.path.basename(vk),
                 run(["jwt", "verify", "--key", vk, forged]),
                 ["E_ALG_NOT_ALLOWED", "E_KEY_MISMATCH"])

    # --- alg none, in any casing ---
    for none in ["none", "None", "NONE", "nOnE"]:
        tok = "%s.%s." % (b64u(jdump({"alg": none})),
                          b64u(jdump({"sub": "x", "exp": now + 600})))
        rejected("alg %s refused" % none,
                 run(["jwt", "verify", "--key", ec_pub, tok]),
                 ["E_ALG_NOT_ALLOWED", "E_MALFORMED"])
    usage("--alg none is not an algorithm",
          run(["jwt", "verify", "--key", ec_pub, "--alg", "none", "x"]))

    # --- Ed25519 without alg: EdDSA and Ed25519 ---
    ed = json.loads(open(keys["EdDSA"], "rb").read())
    del ed["alg"]
    ed_priv = env.write("ed-noalg.json", ed)
    ed_pub = public_of(env, "ed-noalg", ed_priv)
    r = run(["jwt", "sign", "--key", ed_priv, "--sub", "x"])
    if ok("sign with Ed25519 key without alg", r):
        check("Ed25519 key without alg signs EdDSA",
              parts(r.out)[0]["alg"] == "EdDSA")
    for alg in ["EdDSA", "Ed25519"]:
        r = run(["jwt", "sign", "--key", ed_priv, "--alg", alg])
        if ok("Ed25519 no-alg key signs " + alg, r):
            ok("Ed25519 no-alg key verifies %s" % alg,
               run(["jwt", "verify", "--key", ed_pub], stdin=r.out))
    usage("Ed25519 key cannot verify Ed448",
          run(["jwt", "verify", "--key", ed_pub, "--alg", "Ed448", "x"]),
          "E_KEY_MISMATCH")

    # --- oct keys: HS* up to their size ---
    k32 = env.write("oct32.json", {"kty": "oct", "k": b64u(os.urandom(32))})
    k64 = env.write("oct64.json", {"kty": "oct", "k": b64u(os.urandom(64))})
    usage("oct key without alg needs --alg to sign",
          run(["jwt", "sign", "--key", k32]))
    r = run(["jwt", "sign", "--key", k32, "--alg", "HS256"])
    if ok("32-byte oct key signs HS256", r):
        ok("32-byte oct key verifies HS256 without --alg",
           run(["jwt", "verify", "--key", k32], stdin=r.out))
    for alg in ["HS384", "HS512"]:
        usage("32-byte oct key cannot sign " + alg,
              run(["jwt", "sign", "--key", k32, "--alg", alg]),
              ["E_KEY_MISMATCH", "E_KEY_INVALID"])
    for alg in ["HS256", "HS384", "HS512"]:
        r = run(["jwt", "sign", "--key", k64, "--alg", alg])
        if ok("64-byte oct key signs " + alg, r):
            ok("64-byte oct key verifies %s without --alg" % alg,
               run(["jwt", "verify", "--key", k64], stdin=r.out))
    usage("oct key cannot verify ES256",
          run(["jwt", "verify", "--key", k64, "--alg", "ES256", "x"]),
          "E_KEY_MISMATCH")
    # an HS512 token presented to a 32-byte key: refused before any MAC
    r = run(["jwt", "sign", "--key", k64, "--alg", "HS512"])
    rejected("32-byte oct key refuses an HS512 token",
             run(["jwt", "verify", "--key", k32], stdin=r.out),
             ["E_ALG_NOT_ALLOWED", "E_KEY_MISMATCH"])
    return ec_priv, ec_pub


def test_secret_file(env):
    s32 = env.write("s32.bin", os.urandom(32))
    s16 = env.write("s16.bin", os.urandom(16))
    s47 = env.write("s47.bin", os.urandom(47))
    r = run(["jwt", "sign", "--secret-file", s32, "--alg", "HS256", "--sub",
             "bob"])
    if ok("secret-file HS256 sign", r):
        r2 = run(["jwt", "verify", "--secret-file", s32, "--alg", "HS256"],
                 stdin=r.out)
        ok("secret-file HS256 verify", r2)
        check("secret-file verified claims", json.loads(r2.out or b"{}")
              .get("sub") == "bob", repr(r2))
        other = env.write("s32b.bin", os.urandom(32))
        rejected("other secret -> bad signature",
                 run(["jwt", "verify", "--secret-file", other, "--alg",
                      "HS256"], stdin=r.out), "E_BAD_SIGNATURE")
    usage("short secret refused (sign)",
          run(["jwt", "sign", "--secret-file", s16, "--alg", "HS256"]),
          "E_KEY_INVALID")
    usage("short secret refused (verify)",
          run(["jwt", "verify", "--secret-file", s16, "--alg", "HS256",
               "x"]), "E_KEY_INVALID")
    usage("47-byte secret refused for HS384",
          run(["jws", "sign", "--secret-file", s47, "--alg", "HS384"],
              stdin=b"x"), "E_KEY_INVALID")
    usage("secret-file without --alg",
          run(["jwt", "sign", "--secret-file", s32]))
    usage("secret-file with --alg ES256",
          run(["jwt", "sign", "--secret-file", s32, "--alg", "ES256"]))
    usage("secret-file verify with two --alg",
          run(["jwt", "verify", "--secret-file", s32, "--alg", "HS256",
               "--alg", "HS384", "x"]))
    usage("--key and --secret-file together",
          run(["jwt", "sign", "--secret-file", s32, "--key", s32, "--alg",
               "HS256"]))
    usage("no key at all", run(["jwt", "sign", "--sub", "x"]))
    usage("no key at all (verify)", run(["jwt", "verify", "x.y.z"]))
    usage("missing secret file",
          run(["jwt", "sign", "--secret-file", env.path("nope"), "--alg",
               "HS256"]), "E_IO")
    # the newline in a secret file is part of the secret
    nl = os.urandom(40) + b"\n"
    snl = env.write("snl.bin", nl)
    sno = env.write("sno.bin", nl[:-1])
    r = run(["jws", "sign", "--secret-file", snl, "--alg", "HS256"],
            stdin=b"payload")
    if ok("jws sign with secret ending in newline", r):
        ok("same file verifies", run(["jws", "verify", "--secret-file", snl,
                                      "--alg", "HS256"], stdin=r.out))
        rejected("secret without the newline does not",
                 run(["jws", "verify", "--secret-file", sno, "--alg",
                      "HS256"], stdin=r.out), "E_BAD_SIGNATURE")
    # no option takes a secret value on argv
    r = run(["jwt", "sign", "--secret", "abc"])
    usage("there is no --secret option", r)


def craft(env, key, claims, name="claims.json"):
    """A JWS whose payload is exactly `claims` (no typ header)."""
    pf = env.write(name, claims if isinstance(claims, bytes)
                   else jdump(claims))
    r = run(["jws", "sign", "--key", key, pf])
    check("craft token " + str(claims)[:60], r.rc == 0, repr(r))
    return r.out


def test_claims(env, key, pub):
    now = int(time.time())

    def v(tok, *opts):
        return run(["jwt", "verify", "--key", pub] + list(opts), stdin=tok)

    # iss
    t = run(["jwt", "sign", "--key", key, "--iss", "https://a.example",
             "--sub", "s"]).out
    ok("--iss match", v(t, "--iss", "https://a.example"))
    rejected("--iss mismatch", v(t, "--iss", "https://b.example"),
             "E_CLAIM_ISS")
    rejected("--iss is exact (no prefix match)",
             v(t, "--iss", "https://a.exampl"), "E_CLAIM_ISS")
    t2 = run(["jwt", "sign", "--key", key, "--sub", "s"]).out
    rejected("--iss but token has none", v(t2, "--iss", "x"),
             ["E_CLAIM_ISS", "E_CLAIM_REQUIRED"])
    ok("no --iss: any issuer", v(t))
    # aud
    t = run(["jwt", "sign", "--key", key, "--aud", "a", "--aud", "b"]).out
    check("repeated --aud gives an array",
          json.loads(parts(t)[1]).get("aud") == ["a", "b"])
    ok("--aud b in [a,b]", v(t, "--aud", "b"))
    ok("--aud c --aud a: any", v(t, "--aud", "c", "--aud", "a"))
    rejected("--aud c not in [a,b]", v(t, "--aud", "c"), "E_CLAIM_AUD")
    t1 = run(["jwt", "sign", "--key", key, "--aud", "api"]).out
    check("one --aud gives a string",
          json.loads(parts(t1)[1]).get("aud") == "api")
    ok("--aud api", v(t1, "--aud", "api"))
    rejected("--aud API is case-sensitive", v(t1, "--aud", "API"),
             "E_CLAIM_AUD")
    rejected("--aud but token has none", v(t2, "--aud", "api"),
             ["E_CLAIM_AUD", "E_CLAIM_REQUIRED"])
    # typ
    check("default typ header is JWT", parts(t2)[0].get("typ") == "JWT")
    t = run(["jwt", "sign", "--key", key, "--typ", "at+jwt"]).out
    check("--typ sets the header", parts(t)[0].get("typ") == "at+jwt")
    ok("--typ at+jwt", v(t, "--typ", "at+jwt"))
    ok("--typ application/at+jwt", v(t, "--typ", "application/at+jwt"))
    ok("--typ AT+JWT (case-insensitive)", v(t, "--typ", "AT+JWT"))
    rejected("--typ JWT vs at+jwt", v(t, "--typ", "JWT"), "E_CLAIM_TYP")
    rejected("--typ on a token without typ",
             v(craft(env, key, {"exp": now + 600}), "--typ", "JWT"),
             ["E_CLAIM_TYP", "E_CLAIM_REQUIRED"])
    ok("--typ JWT on a default token", v(t2, "--typ", "JWT"))
    usage("empty --typ", v(t2, "--typ", ""))
    # exp and leeway
    t = craft(env, key, {"sub": "x", "exp": now - 10})
    ok("exp 10 s ago, default leeway 30 s", v(t))
    rejected("exp 10 s ago, --leeway 0", v(t, "--leeway", "0"),
             "E_CLAIM_EXPIRED")
    rejected("exp 10 s ago, --leeway 5s", v(t, "--leeway", "5s"),
             "E_CLAIM_EXPIRED")
    ok("exp 10 s ago, --leeway 1m", v(t, "--leeway", "1m"))
    t = craft(env, key, {"sub": "x", "exp": now - 3600})
    rejected("expired an hour ago", v(t), "E_CLAIM_EXPIRED")
    ok("--leeway 5m (the maximum)",
       v(craft(env, key, {"exp": now - 200}), "--leeway", "5m"))
    for bad in ["301", "6m", "1h", "-1", "x", "", "1.5"]:
        usage("--leeway %r refused" % bad, v(t, "--leeway", bad))
    # nbf, iat in the future
    rejected("nbf in the future",
             v(craft(env, key, {"exp": now + 600, "nbf": now + 120})),
             "E_CLAIM_NOT_YET_VALID")
    ok("nbf 10 s ahead within leeway",
       v(craft(env, key, {"exp": now + 600, "nbf": now + 10})))
    rejected("nbf 10 s ahead, --leeway 0",
             v(craft(env, key, {"exp": now + 600, "nbf": now + 10}),
               "--leeway", "0"), "E_CLAIM_NOT_YET_VALID")
    rejected("iat in the future",
             v(craft(env, key, {"exp": now + 600, "iat": now + 120})),
             "E_CLAIM_NOT_YET_VALID")
    # max-age
    t = craft(env, key, {"exp": now + 600, "iat": now - 3600})
    ok("--max-age 2h on a 1 h old token", v(t, "--max-age", "2h"))
    rejected("--max-age 30m on a 1 h old token", v(t, "--max-age", "30m"),
             "E_CLAIM_TOO_OLD")
    rejected("--max-age 1800 (seconds)", v(t, "--max-age", "1800"),
             "E_CLAIM_TOO_OLD")
    rejected("--max-age on a token without iat",
             v(craft(env, key, {"exp": now + 600}), "--max-age", "1h"),
             ["E_CLAIM_REQUIRED", "E_CLAIM_TOO_OLD"])
    for bad in ["0", "-5", "abc", "1y"]:
        usage("--max-age %r refused" % bad, v(t, "--max-age", bad))
    # require
    t = run(["jwt", "sign", "--key", key, "--sub", "alice"]).out
    ok("--require sub", v(t, "--require", "sub"))
    ok("--require sub --require jti", v(t, "--require", "sub", "--require",
                                        "jti"))
    rejected("--require email (absent)", v(t, "--require", "email"),
             "E_CLAIM_REQUIRED")
    # no-exp
    t = craft(env, key, {"sub": "forever"})
    rejected("no exp is refused by default", v(t),
             ["E_CLAIM_REQUIRED", "E_CLAIM_EXPIRED"])
    r = v(t, "--no-exp")
    ok("--no-exp accepts it", r)
    check("--no-exp claims", r.out == b'{"sub":"forever"}\n', repr(r))
    ok("--no-exp still accepts tokens with exp",
       v(run(["jwt", "sign", "--key", key]).out, "--no-exp"))
    # claim types
    rejected("exp as a string", v(craft(env, key, {"exp": str(now + 600)})),
             "E_CLAIM_TYPE")
    rejected("aud as a number",
             v(craft(env, key, {"exp": now + 600, "aud": 5}), "--aud", "5"),
             ["E_CLAIM_TYPE", "E_CLAIM_AUD"])
    # claims that are not an object / not JSON
    rejected("payload not JSON", v(craft(env, key, b"hello")),
             "E_MALFORMED")
    rejected("payload a JSON array", v(craft(env, key, b"[1,2]")),
             "E_MALFORMED")
    rejected("duplicate claim names",
             v(craft(env, key, b'{"exp":%d,"sub":"a","sub":"b"}'
                     % (now + 600))), "E_MALFORMED")
    # output is compact even if the payload was not
    r = v(craft(env, key, b'{ "sub" : "a b",\n "exp" : %d }' % (now + 600)))
    ok("spaced payload verifies", r)
    check("claims output compacted, string spaces kept",
          r.out == b'{"sub":"a b","exp":%d}\n' % (now + 600), repr(r))


def test_sign_options(env, key, pub):
    def claims_of(r):
        return json.loads(parts(r.out)[1])

    for ttl, secs in [("90", 90), ("90s", 90), ("15m", 900), ("1h", 3600),
                      ("7d", 604800), ("1", 1)]:
        r = run(["jwt", "sign", "--key", key, "--ttl", ttl])
        if ok("--ttl " + ttl, r):
            c = claims_of(r)
            check("--ttl %s gives exp - iat = %d" % (ttl, secs),
                  c["exp"] - c["iat"] == secs, str(c))
    r = run(["jwt", "sign", "--key", key])
    c = claims_of(r)
    check("default ttl 10m", c["exp"] - c["iat"] == 600, str(c))
    check("iat is now", abs(c["iat"] - time.time()) < 60, str(c))
    for bad in ["", "0", "0s", "-5", "+5", "5x", "1.5h", " 5", "5 ", "5ss",
                "m", "1H", "99999999999999999999", "36600d", "0x10",
                "1e3", "5m3"]:
        usage("--ttl %r refused" % bad,
              run(["jwt", "sign", "--key", key, "--ttl", bad]))
    r1 = run(["jwt", "sign", "--key", key])
    r2 = run(["jwt", "sign", "--key", key])
    check("jti differs between tokens",
          claims_of(r1)["jti"] != claims_of(r2)["jti"])
    # --claims FILE and -
    cf = env.write("extra.json", {"role": "admin", "n": 5, "sub": "from-file",
                                  "nested": {"a": [1, 2]}})
    r = run(["jwt", "sign", "--key", key, "--claims", cf])
    if ok("--claims FILE", r):
        c = claims_of(r)
        check("--claims merged", c.get("role") == "admin" and c.get("n") == 5
              and c.get("nested") == {"a": [1, 2]} and "exp" in c, str(c))
    r = run(["jwt", "sign", "--key", key, "--claims", cf, "--sub", "opt"])
    if ok("--claims with --sub", r):
        check("--sub wins over --claims", claims_of(r).get("sub") == "opt")
    r = run(["jwt", "sign", "--key", key, "--claims", "-"],
            stdin=b'{"from":"stdin"}')
    if ok("--claims -", r):
        check("--claims - read stdin", claims_of(r).get("from") == "stdin")
        r2 = run(["jwt", "verify", "--key", pub, r.out.strip()])
        ok("--claims token verifies", r2)
        check("--claims verified", json.loads(r2.out or b"{}")
              .get("from") == "stdin", repr(r2))
    exp_file = env.write("exp.json", {"exp": int(time.time()) + 99})
    usage("--ttl with exp in --claims",
          run(["jwt", "sign", "--key", key, "--claims", exp_file, "--ttl",
               "1h"]))
    for label, text in [("not JSON", b"{nope"), ("an array", b"[1]"),
                        ("duplicate names", b'{"a":1,"a":2}'),
                        ("empty", b"")]:
        f = env.write("bad-claims.json", text)
        usage("--claims %s refused" % label,
              run(["jwt", "sign", "--key", key, "--claims", f]))
    usage("--claims missing file",
          run(["jwt", "sign", "--key", key, "--claims", env.path("nope")]),
          "E_IO")
    usage("jwt sign takes no positional argument",
          run(["jwt", "sign", "--key", key, "extra"]))
    usage("--claims - with --key - (stdin twice)",
          run(["jwt", "sign", "--key", "-", "--claims", "-"],
              stdin=open(key, "rb").read()))
    r = run(["jwt", "sign", "--key", key, "--iss=https://x", "--sub=s",
             "--aud=a"])
    if ok("--opt=value forms", r):
        c = claims_of(r)
        check("--opt=value values", c.get("iss") == "https://x"
              and c.get("sub") == "s" and c.get("aud") == "a", str(c))


def test_input(env, key, pub):
    tok = run(["jwt", "sign", "--key", key, "--sub", "in"]).out.strip()
    for label, args, stdin in [
            ("argv", [tok], b""),
            ("stdin", [], tok),
            ("stdin with newline", [], tok + b"\n"),
            ("stdin with CRLF", [], tok + b"\r\n"),
            ("- means stdin", ["-"], tok + b"\n")]:
        r = run(["jwt", "verify", "--key", pub] + args, stdin=stdin)
        ok("token from " + label, r)
    rejected("only one newline is stripped",
             run(["jwt", "verify", "--key", pub], stdin=tok + b"\n\n"),
             "E_MALFORMED")
    rejected("token with inner whitespace",
             run(["jwt", "verify", "--key", pub], stdin=tok[:10] + b" " +
                 tok[10:]), "E_MALFORMED")
    rejected("empty token", run(["jwt", "verify", "--key", pub],
                                stdin=b""), "E_MALFORMED")
    usage("two tokens", run(["jwt", "verify", "--key", pub, tok, tok]))
    # key from stdin, token on argv
    r = run(["jwt", "verify", "--key", "-", tok], stdin=open(pub, "rb")
            .read())
    ok("--key - with the token on argv", r)
    usage("--key - and the token on stdin",
          run(["jwt", "verify", "--key", "-", "-"],
              stdin=open(pub, "rb").read()))
    # jws sign payload: exact bytes from stdin and file
    payload = b"exact bytes\n\n"
    r = run(["jws", "sign", "--key", key], stdin=payload)
    if ok("jws sign from stdin", r):
        check("jws sign keeps trailing newlines", parts(r.out)[1] == payload)
        r2 = run(["jws", "verify", "--key", pub], stdin=r.out)
        check("jws verify prints the payload exactly, no newline added",
              r2.rc == 0 and r2.out == payload, repr(r2))
    r = run(["jws", "sign", "--key", key, "-"], stdin=payload)
    check("jws sign - reads stdin", r.rc == 0 and parts(r.out)[1] == payload,
          repr(r))
    # size limits
    big = b"e" * 20000
    rejected("token over 16384 bytes (stdin)",
             run(["jwt", "verify", "--key", pub], stdin=big), "E_LIMIT")
    rejected("token over 16384 bytes (argv)",
             run(["jwt", "verify", "--key", pub, big]), "E_LIMIT")
    rejected("jws verify token over the limit",
             run(["jws", "verify", "--key", pub], stdin=big), "E_LIMIT")
    bigf = env.write("big.bin", b"x" * (1024 * 1024 + 1))
    usage("payload over 1 MiB", run(["jws", "sign", "--key", key, bigf]),
          "E_LIMIT")
    usage("key file over 1 MiB", run(["jwt", "verify", "--key", bigf, tok]),
          "E_LIMIT")
    okf = env.write("mib.bin", b"y" * (1024 * 1024))
    r = run(["jws", "sign", "--key", key, okf])
    check("payload of exactly 1 MiB is accepted by the CLI",
          r.rc == 0 or (r.rc == 2 and b"E_LIMIT: " not in r.err), repr(r))
    usage("missing payload file",
          run(["jws", "sign", "--key", key, env.path("nope")]), "E_IO")
    usage("payload is a directory",
          run(["jws", "sign", "--key", key, env.root]), "E_IO")


def test_bad_keys(env):
    tok = "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"
    cases = [
        ("garbage", b"hello", None),
        ("empty", b"", None),
        ("JSON array", b"[1]", None),
        ("short oct", jdump({"kty": "oct", "k": b64u(b"short"),
                             "alg": "HS256"}).encode(), "E_KEY_INVALID"),
        ("unknown kty", jdump({"kty": "XYZ"}).encode(), None),
        ("EC point off the curve",
         jdump({"kty": "EC", "crv": "P-256", "x": b64u(b"\x01" * 32),
                "y": b64u(b"\x02" * 32)}).encode(), "E_KEY_INVALID"),
        ("PEM garbage", b"-----BEGIN PUBLIC KEY-----\nAAAA\n"
                        b"-----END PUBLIC KEY-----\n", None),
        ("JWKS with no keys", b'{"keys":[]}', None),
    ]
    for label, text, err in cases:
        f = env.write("bad-key.json", text)
        usage("bad key: %s (verify)" % label,
              run(["jwt", "verify", "--key", f, tok]), err)
        usage("bad key: %s (sign)" % label,
              run(["jwt", "sign", "--key", f, "--alg", "ES256"]), err)
        r = run(["jwk", "public", f])
        usage("bad key: %s (jwk public)" % label, r, err)
    usage("missing key file",
          run(["jwt", "verify", "--key", env.path("nope"), tok]), "E_IO")
    r = run(["jwt", "verify", "--key", env.path("nope"), tok])
    check("missing key file line names the file",
          b"nope" in r.err, repr(r))


def test_thumbprint_public_pem(env, keys):
    # RFC 7638 §3.1
    f = env.write("rfc7638.json", RFC7638_KEY)
    r = run(["jwk", "thumbprint", f])
    ok("thumbprint RFC 7638 key", r)
    check("thumbprint RFC 7638 value",
          r.out == (RFC7638_THUMBPRINT + "\n").encode(), repr(r))
    r = run(["jwk", "thumbprint"], stdin=jdump(RFC7638_KEY).encode())
    check("thumbprint from stdin", r.rc == 0 and
          r.out == (RFC7638_THUMBPRINT + "\n").encode(), repr(r))
    r = run(["jwk", "thumbprint", "-"], stdin=jdump(RFC7638_KEY).encode())
    check("thumbprint from -", r.rc == 0 and
          r.out == (RFC7638_THUMBPRINT + "\n").encode(), repr(r))
    for alg, path in keys.items():
        r = run(["jwk", "thumbprint", path])
        jwk = json.loads(open(path, "rb").read())
        check("thumbprint %s matches ours" % alg,
              r.rc == 0 and r.out.decode().strip() == thumbprint(jwk),
              repr(r))
    usage("thumbprint takes one file",
          run(["jwk", "thumbprint", f, f]))

    # jwk public drops every private member
    for alg, path in keys.items():
        r = run(["jwk", "public", path])
        if alg.startswith("HS"):
            usage("jwk public refuses an oct key (%s)" % alg, r)
            continue
        if not ok("jwk public " + alg, r):
            continue
        pub = json.loads(r.out)
        priv = json.loads(open(path, "rb").read())
        check("jwk public %s drops private members" % alg,
              not any(m in pub for m in PRIVATE_MEMBERS), str(pub))
        check("jwk public %s keeps public members, alg and kid" % alg,
              all(pub.get(m) == priv.get(m) for m in
                  ["kty", "crv", "x", "y", "n", "e", "alg", "kid"]),
              str(pub))
        check("jwk public %s: same thumbprint" % alg,
              thumbprint(pub) == thumbprint(priv))
        r2 = run(["jwk", "public"], stdin=r.out)
        check("jwk public of a public key is itself (%s)" % alg,
              r2.rc == 0 and r2.out == r.out, repr(r2))

    # JWKS: public, verify by kid, sign needs exactly one key
    a = json.loads(open(keys["ES256"], "rb").read())
    b = json.loads(open(keys["ES384"], "rb").read())
    jwks_priv = env.write("set.json", {"keys": [a, b]})
    r = run(["jwk", "public", jwks_priv])
    if ok("jwk public of a JWKS", r):
        s = json.loads(r.out)
        check("public JWKS has both keys, no private members",
              len(s.get("keys", [])) == 2 and
              not any(m in k for k in s["keys"] for m in PRIVATE_MEMBERS)
              and [k["kid"] for k in s["keys"]] == [a["kid"], b["kid"]],
              str(s))
        jwks_pub = env.write("set-pub.json", r.out)
        for alg in ["ES256", "ES384"]:
            t = run(["jwt", "sign", "--key", keys[alg]]).out
            ok("JWKS verifies %s by kid" % alg,
               run(["jwt", "verify", "--key", jwks_pub], stdin=t))
        t = run(["jwt", "sign", "--key", keys["ES512"]]).out
        rejected("JWKS refuses a key it does not hold",
                 run(["jwt", "verify", "--key", jwks_pub], stdin=t),
                 ["E_ALG_NOT_ALLOWED", "E_KEY_MISMATCH"])
        # an ES256 token whose kid names the ES384 key
        t = run(["jwt", "sign", "--key", keys["ES256"]]).out
        h, p, sg = t.decode().strip().split(".")
        hh = json.loads(b64d(h))
        hh["kid"] = b["kid"]
        rejected("kid of another key in the set",
                 run(["jwt", "verify", "--key", jwks_pub,
                      "%s.%s.%s" % (b64u(jdump(hh)), p, sg)]),
                 ["E_KEY_MISMATCH", "E_ALG_NOT_ALLOWED"])
        hh["kid"] = "no-such-kid"
        rejected("unknown kid",
                 run(["jwt", "verify", "--key", jwks_pub,
                      "%s.%s.%s" % (b64u(jdump(hh)), p, sg)]),
                 "E_KEY_MISMATCH")
        usage("--alg ES512 fits no key of the set",
              run(["jwt", "verify", "--key", jwks_pub, "--alg", "ES512",
                   "x"]), "E_KEY_MISMATCH")
        ok("--alg ES384 with the set",
           run(["jwt", "verify", "--key", jwks_pub, "--alg", "ES384"],
               stdin=run(["jwt", "sign", "--key", keys["ES384"]]).out))
    usage("sign with a JWKS of two keys",
          run(["jwt", "sign", "--key", jwks_priv]), "E_KEY_MISMATCH")
    usage("thumbprint of a JWKS of two keys",
          run(["jwk", "thumbprint", jwks_priv]), "E_KEY_MISMATCH")
    one = env.write("set1.json", {"keys": [a]})
    r = run(["jwt", "sign", "--key", one])
    if ok("sign with a JWKS of one key", r):
        ok("... verifies", run(["jwt", "verify", "--key", keys["ES256"]],
                               stdin=r.out))
    # members of unknown kty/crv are skipped: a warning from jwk public,
    # silence (one line only) from a rejecting verify
    apub = json.loads(run(["jwk", "public", keys["ES256"]]).out)
    odd = env.write("odd.json", {"keys": [apub, {"kty": "XYZ", "kid": "z"}]})
    r = run(["jwk", "public", odd])
    check("jwk public skips an unknown kty, with a warning",
          r.rc == 0 and len(json.loads(r.out)["keys"]) == 1 and
          r.err.startswith(b"jwtguard: warning: ") and b"XYZ" in r.err,
          repr(r))
    t = run(["jwt", "sign", "--key", keys["ES256"]]).out
    ok("a set with a skipped member still verifies",
       run(["jwt", "verify", "--key", odd], stdin=t))
    rejected("a set with a skipped member: rejection is one line",
             run(["jwt", "verify", "--key", odd, "--iss", "nobody"],
                 stdin=t), "E_CLAIM_ISS")
    mixed = env.write("mixed.json", {"keys": [a, json.loads(
        open(keys["HS256"], "rb").read())]})
    usage("JWKS mixing symmetric and asymmetric keys",
          run(["jwt", "verify", "--key", mixed, "x.y.z"]), "E_KEY_INVALID")

    # PEM export/import round trips
    for alg in ["RS256", "PS384", "ES256", "ES384", "ES512", "ES256K",
                "EdDSA", "Ed448"]:
        path = keys[alg]
        priv = json.loads(open(path, "rb").read())
        r = run(["jwk", "export-pem", path])
        if not ok("export-pem private " + alg, r):
            continue
        check("export-pem %s is PKCS#8" % alg,
              r.out.startswith(b"-----BEGIN PRIVATE KEY-----\n")
              and r.out.endswith(b"-----END PRIVATE KEY-----\n"), repr(r))
        pem = env.write("k-%s.pem" % alg, r.out)
        r = run(["jwk", "import-pem", pem])
        if ok("import-pem private " + alg, r):
            j = json.loads(r.out)
            check("import-pem %s: private, same key" % alg,
                  "d" in j and thumbprint(j) == thumbprint(priv)
                  and j.get("d") == priv.get("d"), str(j))
            check("import-pem %s: kid is the thumbprint" % alg,
                  j.get("kid") == thumbprint(priv), str(j))
            check("import-pem %s: no alg unless asked" % alg,
                  "alg" not in j, str(j))
        r = run(["jwk", "import-pem", "--alg", alg, pem])
        if ok("import-pem --alg " + alg, r):
            check("import-pem --alg recorded",
                  json.loads(r.out).get("alg") == alg, repr(r))
        other = "HS256" if not alg.startswith("HS") else "ES256"
        usage("import-pem --alg %s on a %s key" % (other, alg),
              run(["jwk", "import-pem", "--alg", other, pem]))
        r = run(["jwk", "import-pem"], stdin=open(pem, "rb").read())
        check("import-pem from stdin", r.rc == 0 and b'"d"' in r.out,
              repr(r))
        # public PEM
        r = run(["jwk", "public", path])
        pubj = env.write("p-%s.json" % alg, r.out)
        r = run(["jwk", "export-pem", pubj])
        if ok("export-pem public " + alg, r):
            check("export-pem %s public is SPKI" % alg,
                  r.out.startswith(b"-----BEGIN PUBLIC KEY-----\n"), repr(r))
            pubpem = env.write("p-%s.pem" % alg, r.out)
            r = run(["jwk", "import-pem", pubpem])
            if ok("import-pem public " + alg, r):
                j = json.loads(r.out)
                check("import-pem %s public: no d, same key" % alg,
                      "d" not in j and thumbprint(j) == thumbprint(priv),
                      str(j))
            if shutil.which("openssl"):
                p = subprocess.run(["openssl", "pkey", "-pubin", "-in",
                                    pubpem, "-noout"],
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
                check("openssl reads the SPKI of " + alg,
                      p.returncode == 0, p.stderr.decode()[:200])
            # sign with the PEM key, verify with the public PEM
            r = run(["jwt", "sign", "--key", pem, "--alg", alg, "--sub",
                     "pem"])
            if ok("jwt sign with PEM key " + alg, r):
                ok("jwt verify with public PEM " + alg,
                   run(["jwt", "verify", "--key", pubpem, "--alg", alg],
                       stdin=r.out))
                ok("jwt verify with JWK " + alg,
                   run(["jwt", "verify", "--key", pubj], stdin=r.out))
        if shutil.which("openssl"):
            p = subprocess.run(["openssl", "pkey", "-in", pem, "-noout"],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
            check("openssl reads the PKCS#8 of " + alg, p.returncode == 0,
                  p.stderr.decode()[:200])
    if shutil.which("openssl"):
        # a traditional "EC PRIVATE KEY" PEM made by openssl
        p = subprocess.run(["openssl", "ecparam", "-name", "prime256v1",
                            "-genkey", "-noout"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if check("openssl ecparam", p.returncode == 0):
            f = env.write("trad.pem", p.stdout)
            r = run(["jwk", "import-pem", f])
            if ok("import-pem traditional EC private key", r):
                j = json.loads(r.out)
                check("traditional EC key: P-256, private",
                      j.get("crv") == "P-256" and "d" in j, str(j))
            r = run(["jwt", "sign", "--key", f])
            ok("sign with a traditional EC PEM (no --alg: ES256)", r)
    else:
        print("note: openssl not found: PEM cross-checks skipped")
    usage("export-pem of an oct key", run(["jwk", "export-pem",
                                           keys["HS256"]]))
    usage("import-pem of garbage", run(["jwk", "import-pem"],
                                       stdin=b"not a pem"))
    usage("import-pem of a JWK",
          run(["jwk", "import-pem", keys["ES256"]]))
    usage("import-pem missing file",
          run(["jwk", "import-pem", env.path("nope")]), "E_IO")
    usage("export-pem of a JWKS of two keys",
          run(["jwk", "export-pem", jwks_priv]), "E_KEY_MISMATCH")


def test_explain(env, key, pub):
    t = run(["jwt", "sign", "--key", key, "--iss", "i", "--aud", "a"]).out
    r = run(["jwt", "verify", "--key", pub, "--iss", "i", "--aud", "a",
             "--explain"], stdin=t)
    check("--explain success: exit 0, claims on stdout",
          r.rc == 0 and json.loads(r.out or b"{}").get("iss") == "i",
          repr(r))
    check("--explain success: checks on stderr",
          b"explain: signature:" in r.err and b"passed" in r.err
          and b"explain: exp:" in r.err and b"result: VALID" in r.err,
          repr(r))
    r = run(["jwt", "verify", "--key", pub, "--iss", "other", "--explain"],
            stdin=t)
    lines = r.err.splitlines()
    check("--explain failure: exit 1, nothing on stdout",
          r.rc == 1 and r.out == b"", repr(r))
    check("--explain failure: rejection line first",
          len(lines) > 2 and lines[0].startswith(b"jwtguard: E_CLAIM_ISS: "),
          repr(r))
    check("--explain failure: check, rule and values",
          b"explain: failed check:" in r.err and b"explain: rule:" in r.err
          and b"values: UNVERIFIED iss" in r.err, repr(r))
    r = run(["jwt", "verify", "--key", pub, "--explain", tamper_claims(t)])
    check("--explain on a tampered token",
          r.rc == 1 and r.out == b"" and
          r.err.startswith(b"jwtguard: E_BAD_SIGNATURE: ") and
          b"UNVERIFIED claims" in r.err, repr(r))
    r = run(["jwt", "verify", "--key", pub, "--explain", "garbage"])
    check("--explain on garbage",
          r.rc == 1 and r.out == b"" and
          r.err.startswith(b"jwtguard: E_MALFORMED: "), repr(r))


def test_inspect(env, key):
    t = run(["jwt", "sign", "--key", key, "--sub", "alice", "--aud",
             "api"]).out
    for label, args, stdin in [("argv", [t.strip()], b""),
                               ("stdin", [], t), ("-", ["-"], t)]:
        r = run(["jwt", "inspect"] + args, stdin=stdin)
        if not ok("inspect " + label, r):
            continue
        lines = r.out.decode().splitlines()
        check("inspect %s: every line says UNVERIFIED" % label,
              lines and all(line.startswith("UNVERIFIED") for line in lines),
              r.out.decode())
        hdr = [ln for ln in lines if ln.startswith("UNVERIFIED header: ")]
        cl = [ln for ln in lines if ln.startswith("UNVERIFIED claims: ")]
        check("inspect %s: header and claims JSON" % label,
              len(hdr) == 1 and len(cl) == 1 and
              json.loads(hdr[0].split(": ", 1)[1]) == parts(t)[0] and
              json.loads(cl[0].split(": ", 1)[1]) == json.loads(parts(t)[1]),
              r.out.decode())
        check("inspect %s: readable exp" % label,
              any(ln.startswith("UNVERIFIED exp: ") for ln in lines))
    hs, ps, ss = t.decode().strip().split(".")
    r = run(["jwt", "inspect", tamper_claims(t)])
    check("inspect shows a tampered token (it verifies nothing)",
          r.rc == 0 and b'"sub":"admin"' in r.out, repr(r))
    for label, tok in [("two segments", hs + "." + ps),
                       ("four segments", "%s.%s.%s.x" % (hs, ps, ss)),
                       ("bad base64url payload", "%s.%s*.%s" % (hs, ps, ss)),
                       ("padded payload", "%s.%s=.%s" % (hs, ps, ss)),
                       ("payload not JSON",
                        "%s.%s.%s" % (hs, b64u("hello"), ss)),
                       ("payload an array",
                        "%s.%s.%s" % (hs, b64u("[1]"), ss)),
                       ("header not JSON",
                        "%s.%s.%s" % (b64u("{x"), ps, ss)),
                       ("empty", "")]:
        rejected("inspect " + label, run(["jwt", "inspect", tok]),
                 ["E_MALFORMED", "E_LIMIT"])
    rejected("inspect oversized", run(["jwt", "inspect"],
                                      stdin=b"a" * 20000), "E_LIMIT")
    usage("inspect two tokens", run(["jwt", "inspect", "a", "b"]))


def test_jws_options(env, keys):
    key = keys["ES256"]
    r = run(["jws", "sign", "--key", key, "--alg", "ES256"], stdin=b"x")
    ok("jws sign --alg matching the key", r)
    usage("jws sign --alg not matching the key",
          run(["jws", "sign", "--key", key, "--alg", "ES384"], stdin=b"x"),
          "E_KEY_MISMATCH")
    pub = public_of(env, "jwsopt", key)
    usage("jws sign with a public key",
          run(["jws", "sign", "--key", pub], stdin=b"x"), "E_KEY_MISMATCH")
    usage("jwt sign with a public key",
          run(["jwt", "sign", "--key", pub]), "E_KEY_MISMATCH")
    ok("jws verify --alg ES256", run(["jws", "verify", "--key", pub, "--alg",
                                      "ES256"], stdin=r.out))
    ok("jws verify --alg given twice",
       run(["jws", "verify", "--key", pub, "--alg", "ES256", "--alg",
            "ES256"], stdin=r.out))
    usage("jws sign two payload files",
          run(["jws", "sign", "--key", key, key, key]))
    usage("jws verify --alg without value",
          run(["jws", "verify", "--key", pub, "--alg"]))
    usage("jws verify option after --",
          run(["jws", "verify", "--key", pub, "--", "--alg", "x"]))
    # jws verify checks no claims: an expired payload is still printed
    now = int(time.time())
    pf = env.write("old.json", {"exp": now - 99999})
    t = run(["jws", "sign", "--key", key, pf]).out
    r = run(["jws", "verify", "--key", pub], stdin=t)
    check("jws verify does not check claims",
          r.rc == 0 and r.out == open(pf, "rb").read(), repr(r))
    rejected("but jwt verify does", run(["jwt", "verify", "--key", pub],
                                        stdin=t), "E_CLAIM_EXPIRED")
    rejected("jws verify garbage", run(["jws", "verify", "--key", pub,
                                        "garbage"]), "E_MALFORMED")
    rejected("jws verify: crit header refused",
             run(["jws", "verify", "--key", pub, "%s.%s.%s" % (
                 b64u(jdump({"alg": "ES256", "crit": ["exp"], "exp": 1})),
                 b64u("x"), t.decode().strip().split(".")[2])]),
             ["E_CRIT_UNSUPPORTED", "E_MALFORMED", "E_BAD_SIGNATURE"])


def main():
    base = os.environ.get("JG_BUILD_DIR") or os.environ.get("TMPDIR") or None
    root = tempfile.mkdtemp(prefix="jwtguard-cli-", dir=base)
    try:
        env = Env(root)
        test_global()
        keys = test_generate(env)
        if "ES256" not in keys:
            print("FAIL: cannot generate keys; later tests skipped")
            check("key generation works", False)
            return
        es_pub = public_of(env, "es256", keys["ES256"])
        test_round_trips(env, keys)
        if "RS256" in keys and "EdDSA" in keys:
            test_alg_restrictions(env, keys)
        else:
            check("keys for the restriction tests", False)
        test_secret_file(env)
        test_claims(env, keys["ES256"], es_pub)
        test_sign_options(env, keys["ES256"], es_pub)
        test_input(env, keys["ES256"], es_pub)
        test_bad_keys(env)
        test_thumbprint_public_pem(env, keys)
        test_explain(env, keys["ES256"], es_pub)
        test_inspect(env, keys["ES256"])
        test_jws_options(env, keys)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a crash in the harness is a failure too
        import traceback
        traceback.print_exc()
        FAILED += 1
    print("%d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)
