#!/usr/bin/env python3
"""tests/interop/test_jwcrypto.py - jwtguard against python3-jwcrypto.

For every JWS algorithm both sides know, tokens cross in both directions:
jwcrypto makes a key and a JWT that the jwtguard CLI must accept (printing
the same claims), jwtguard makes a key and a JWT that jwcrypto must accept
with the public JWK jwtguard exports, and a token with one signature
character changed is refused by each side. Keys made by jwcrypto also go
through `jwtguard jwk import-pem`. Run by ctest (label interop) with
$JWTGUARD set to the CLI; secrets only ever travel in files.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

try:
    from jwcrypto import jwa, jwk, jwt
except ImportError as e:  # pragma: no cover - environment problem
    print("FAIL cannot import jwcrypto (python3-jwcrypto): %s" % e)
    print("0 passed, 1 failed")
    sys.exit(1)

ALGS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512",
        "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K",
        "EdDSA"]

KEYGEN = {
    "HS256": dict(kty="oct", size=256), "HS384": dict(kty="oct", size=384),
    "HS512": dict(kty="oct", size=512),
    "RS256": dict(kty="RSA", size=2048), "RS384": dict(kty="RSA", size=2048),
    "RS512": dict(kty="RSA", size=2048), "PS256": dict(kty="RSA", size=2048),
    "PS384": dict(kty="RSA", size=2048), "PS512": dict(kty="RSA", size=2048),
    "ES256": dict(kty="EC", crv="P-256"), "ES384": dict(kty="EC", crv="P-384"),
    "ES512": dict(kty="EC", crv="P-521"),
    "ES256K": dict(kty="EC", crv="secp256k1"),
    "EdDSA": dict(kty="OKP", crv="Ed25519"),
}

ISS = "https://issuer.interop.example"
AUD = "interop-api"
SUB = "user-42"

passed = 0
failed = 0


def report(ok, alg, direction, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %-6s %s%s" % (alg, direction, (": " + detail) if detail else ""))
    else:
        failed += 1
        print("FAIL %-6s %s: %s" % (alg, direction, detail))
    sys.stdout.flush()


def cli():
    path = os.environ.get("JWTGUARD")
    if not path or not os.access(path, os.X_OK):
        print("FAIL $JWTGUARD is not set to the jwtguard binary (%r)" % path)
        print("0 passed, 1 failed")
        sys.exit(1)
    return path


JWTGUARD = cli()


def run(args, timeout=120):
    p = subprocess.run([JWTGUARD] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), \
        p.stderr.decode("utf-8", "replace")


def write(d, name, text, mode=0o600):
    path = os.path.join(d, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    return path


def flip_sig(token):
    """Change one character in the middle of the signature segment (a
    middle character carries six significant bits, so the signature bytes
    always change)."""
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2
    c = "A" if sig[i] != "A" else "B"
    return head + "." + sig[:i] + c + sig[i + 1:]


def peer_supports(alg):
    """jwcrypto's own JWA registry decides (checked at run time)."""
    if alg not in jwa.JWA.algorithms_registry:
        return False, "not in jwcrypto's JWA registry"
    try:
        jwa.JWA.signing_alg(alg)
        jwk.JWK.generate(**KEYGEN[alg])
    except Exception as e:  # the registry knows it, the backend may not
        return False, "%s: %s" % (type(e).__name__, e)
    return True, ""


def rejection_line(err):
    lines = [l for l in err.strip().splitlines() if l]
    return lines[-1] if lines else ""


def claims_match(got, want):
    bad = [k for k in want if got.get(k) != want[k]]
    return bad


def jwcrypto_to_jwtguard(alg, d):
    """(a) jwcrypto key + JWT -> jwtguard jwt verify."""
    kid = "jwcrypto-" + alg.lower()
    key = jwk.JWK.generate(kid=kid, alg=alg, use="sig", **KEYGEN[alg])
    now = int(time.time())
    claims = {"iss": ISS, "sub": SUB, "aud": AUD, "iat": now,
              "exp": now + 600, "jti": "jti-%s-%d" % (alg, now)}
    tok = jwt.JWT(header={"alg": alg, "kid": kid, "typ": "JWT"},
                  claims=claims)
    tok.make_signed_token(key)
    token = tok.serialize()
    if KEYGEN[alg]["kty"] == "oct":
        keytext = key.export(private_key=True)
    else:
        keytext = key.export_public()
    kf = write(d, "peer-%s.json" % alg, keytext)
    rc, out, err = run(["jwt", "verify", "--key", kf, "--alg", alg,
                        "--iss", ISS, "--aud", AUD, token])
    if rc != 0:
        report(False, alg, "jwcrypto -> jwtguard",
               "exit %d: %s" % (rc, rejection_line(err)))
    else:
        try:
            got = json.loads(out)
            bad = claims_match(got, claims)
            report(not bad, alg, "jwcrypto -> jwtguard",
                   "claims printed: %s" % ("same" if not bad else
                                           "differ in %s: %s" % (bad, out.strip())))
        except ValueError:
            report(False, alg, "jwcrypto -> jwtguard",
                   "stdout is not JSON: %r" % out[:200])

    # (c) negative: one signature character changed.
    rc, out, err = run(["jwt", "verify", "--key", kf, "--alg", alg,
                        "--iss", ISS, "--aud", AUD, flip_sig(token)])
    line = rejection_line(err)
    ok = (rc == 1 and out.strip() == "" and
          (line.startswith("jwtguard: E_BAD_SIGNATURE") or
           line.startswith("jwtguard: E_MALFORMED")))
    report(ok, alg, "jwcrypto -> jwtguard, tampered signature",
           "exit %d, %s" % (rc, line if line else "no stderr line") +
           ("" if out.strip() == "" else "; printed claims: %r" % out[:100]))
    return key, token, kf


def jwtguard_to_jwcrypto(alg, d):
    """(b) jwtguard jwk generate + jwt sign -> jwcrypto verifies with the
    JWK jwtguard exported."""
    kid = "jwtguard-" + alg.lower()
    rc, out, err = run(["jwk", "generate", "--alg", alg, "--kid", kid])
    if rc != 0:
        report(False, alg, "jwtguard -> jwcrypto",
               "jwk generate: exit %d: %s" % (rc, rejection_line(err)))
        return
    priv = write(d, "jg-%s.json" % alg, out)
    if KEYGEN[alg]["kty"] == "oct":
        pubtext = out  # a shared secret has no public half
        rcp, outp, errp = run(["jwk", "public", priv])
        report(rcp != 0, alg, "jwtguard jwk public refuses an HMAC key",
               "exit %d %s" % (rcp, rejection_line(errp)))
    else:
        rc, pubtext, err = run(["jwk", "public", priv])
        if rc != 0:
            report(False, alg, "jwtguard -> jwcrypto",
                   "jwk public: exit %d: %s" % (rc, rejection_line(err)))
            return
        try:
            pj = json.loads(pubtext)
        except ValueError:
            report(False, alg, "jwtguard -> jwcrypto",
                   "jwk public printed no JSON")
            return
        leaked = [m for m in ("d", "p", "q", "dp", "dq", "qi", "k") if m in pj]
        if leaked:
            report(False, alg, "jwtguard jwk public",
                   "private members in the public JWK: %s" % leaked)
            return
    claims_file = write(d, "claims-%s.json" % alg,
                        json.dumps({"scope": "read write", "n": 7}))
    rc, token, err = run(["jwt", "sign", "--key", priv, "--alg", alg,
                          "--ttl", "300", "--iss", ISS, "--sub", SUB,
                          "--aud", AUD, "--claims", claims_file])
    token = token.strip()
    if rc != 0 or token.count(".") != 2:
        report(False, alg, "jwtguard -> jwcrypto",
               "jwt sign: exit %d: %s %r" % (rc, rejection_line(err), token[:80]))
        return
    try:
        key = jwk.JWK.from_json(pubtext)
        v = jwt.JWT(jwt=token, key=key, algs=[alg],
                    check_claims={"iss": ISS, "aud": AUD, "sub": SUB})
        c = json.loads(v.claims)
        h = json.loads(v.header)
        problems = []
        if h.get("alg") != alg:
            problems.append("header alg %r" % h.get("alg"))
        if h.get("kid") != kid:
            problems.append("header kid %r" % h.get("kid"))
        if h.get("typ") != "JWT":
            problems.append("header typ %r" % h.get("typ"))
        if c.get("exp", 0) - c.get("iat", 0) != 300:
            problems.append("exp - iat = %r" % (c.get("exp", 0) - c.get("iat", 0)))
        if not isinstance(c.get("jti"), str) or len(c.get("jti")) < 16:
            problems.append("jti %r" % c.get("jti"))
        if c.get("scope") != "read write" or c.get("n") != 7:
            problems.append("--claims members missing")
        report(not problems, alg, "jwtguard -> jwcrypto",
               "; ".join(problems) if problems else "verified, claims as signed")
    except Exception as e:
        report(False, alg, "jwtguard -> jwcrypto",
               "%s: %s" % (type(e).__name__, e))
        return
    # (c) negative the other way.
    try:
        jwt.JWT(jwt=flip_sig(token), key=jwk.JWK.from_json(pubtext),
                algs=[alg])
        report(False, alg, "jwtguard -> jwcrypto, tampered signature",
               "jwcrypto accepted it")
    except Exception as e:
        report(True, alg, "jwtguard -> jwcrypto, tampered signature",
               "jwcrypto raised %s" % type(e).__name__)


def pem_import(alg, d, key):
    """A jwcrypto key exported as PEM (private PKCS#8 and public SPKI),
    imported by jwtguard, must keep the key's public members and verify a
    token jwcrypto signs with it."""
    for private in (True, False):
        what = "PEM %s -> jwtguard jwk import-pem" % ("PKCS#8" if private
                                                       else "SPKI")
        pem = key.export_to_pem(private_key=private, password=None)
        pf = write(d, "peer-%s-%d.pem" % (alg, private), pem.decode("ascii"))
        rc, out, err = run(["jwk", "import-pem", "--alg", alg, pf])
        if rc != 0:
            report(False, alg, what, "exit %d: %s" % (rc, rejection_line(err)))
            continue
        try:
            got = json.loads(out)
        except ValueError:
            report(False, alg, what, "no JSON on stdout")
            continue
        want = json.loads(key.export_public())
        members = {"RSA": ("n", "e"), "EC": ("crv", "x", "y"),
                   "OKP": ("crv", "x")}[want["kty"]]
        diff = [m for m in members if got.get(m) != want.get(m)]
        if diff or got.get("kty") != want["kty"]:
            report(False, alg, what, "public members differ: %s" % diff)
            continue
        if private and "d" not in got:
            report(False, alg, what, "private key imported without d")
            continue
        if not private and "d" in got:
            report(False, alg, what, "public PEM produced a private JWK")
            continue
        if got.get("alg") not in (None, alg):
            report(False, alg, what, "alg %r recorded" % got.get("alg"))
            continue
        kf = write(d, "peer-%s-%d-imported.json" % (alg, private), out)
        # A PEM carries no kid, and a kid is matched exactly: jwcrypto signs
        # a token naming the imported key's kid (the thumbprint, if the
        # CLI assigns one), or no kid at all.
        now = int(time.time())
        hdr = {"alg": alg, "typ": "JWT"}
        if "kid" in got:
            hdr["kid"] = got["kid"]
        t2 = jwt.JWT(header=hdr, claims={"iss": ISS, "aud": AUD, "sub": SUB,
                                         "iat": now, "exp": now + 600})
        t2.make_signed_token(key)
        rc, out2, err = run(["jwt", "verify", "--key", kf, "--alg", alg,
                             "--iss", ISS, "--aud", AUD, t2.serialize()])
        report(rc == 0, alg, what + " + verify",
               "exit %d %s" % (rc, rejection_line(err)) if rc else "verified")


def main():
    print("jwcrypto JWA registry: %s" % ", ".join(
        a for a in ALGS if a in jwa.JWA.algorithms_registry))
    with tempfile.TemporaryDirectory(prefix="jg-interop-") as d:
        os.chmod(d, 0o700)
        for alg in ALGS:
            ok, why = peer_supports(alg)
            if not ok:
                print("skip %-6s unsupported by peer (%s)" % (alg, why))
                continue
            try:
                key, token, kf = jwcrypto_to_jwtguard(alg, d)
                jwtguard_to_jwcrypto(alg, d)
                if KEYGEN[alg]["kty"] != "oct":
                    pem_import(alg, d, key)
                if alg == "HS256":
                    # One claims rejection through the CLI: wrong audience.
                    rc, out, err = run(["jwt", "verify", "--key", kf,
                                        "--alg", alg, "--iss", ISS,
                                        "--aud", "another-api", token])
                    line = rejection_line(err)
                    report(rc == 1 and line.startswith("jwtguard: E_CLAIM_AUD"),
                           alg, "jwcrypto -> jwtguard, wrong --aud",
                           "exit %d, %s" % (rc, line))
            except subprocess.TimeoutExpired as e:
                report(False, alg, "timeout", str(e))
            except Exception as e:
                report(False, alg, "unexpected error",
                       "%s: %s" % (type(e).__name__, e))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
