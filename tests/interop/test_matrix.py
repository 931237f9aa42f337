#!/usr/bin/env python3
"""tests/interop/test_matrix.py - the interoperability matrix.

Six peers no one here wrote - python3-jwcrypto, python3-jwt (PyJWT), npm
jose, and Debian's libjwt, cjose and latchset jose (libjose) through the
small C programs in tests/interop/peers/ - meet the jwtguard CLI for every
JWS algorithm. For each algorithm and peer there are three cells:

  peer->jg   the peer makes a key and signs a JWT (iss, sub, aud, exp, iat,
             jti); `jwtguard jwt verify --iss --aud --alg` must accept it
             with the peer's public key (JWK or PEM, or an HMAC secret as a
             JWK or as --secret-file) and print exactly the same claims.
  jg->peer   `jwtguard jwk generate` + `jwtguard jwt sign`; the peer must
             verify the token with what jwtguard exports (`jwk public`,
             `jwk export-pem`, or the raw secret decoded from "k").
  tamper     the test flips one signature character, and changes one
             character of the payload's sub (re-encoding it, the old
             signature kept): jwtguard refuses both peer tokens with
             E_BAD_SIGNATURE (E_MALFORMED allowed for the signature flip),
             printing nothing; the peer refuses both jwtguard tokens.

A cell is "unsupported" only when the peer itself says so at run time
(PyJWT's NotImplementedError/"Algorithm not supported", jose's
JOSENotSupported, an algorithm outside jwcrypto's JWA registry, a C peer's
exit status 3 with the library's own reason). Those cells are printed with
the reason, never dropped. Anything else that goes wrong is FAIL.

The run prints one line per cell, then "N passed, N failed", exits 1 on any
FAIL, and writes the matrix as Markdown to $JG_BUILD_DIR/interop.md (or
--out FILE); `make interop` copies it to docs/interop.md. Environment:
$JWTGUARD (the CLI), $JG_BUILD_DIR (peer programs in interop-peers/, the
npm install in interop-node/). Secrets only ever travel in files.
"""
import base64
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ISS = "https://issuer.interop.example"
AUD = "interop-api"
SUB = "user-42"
SUB_TAMPERED = "user-43"   # same length: one payload character differs
JG_TTL = 300

HERE = os.path.dirname(os.path.abspath(__file__))


class Row:
    def __init__(self, label, alg, kty, param):
        self.label, self.alg, self.kty, self.param = label, alg, kty, param
        self.slug = (label.replace(" ", "").replace("(", "-")
                     .replace(")", "").lower())

    @property
    def spec(self):
        return (self.kty, self.param)


ROWS = [Row("HS256", "HS256", "oct", "32"), Row("HS384", "HS384", "oct", "48"),
        Row("HS512", "HS512", "oct", "64")]
ROWS += [Row(a, a, "RSA", "2048") for a in
         ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512")]
ROWS += [Row("ES256", "ES256", "EC", "P-256"), Row("ES384", "ES384", "EC", "P-384"),
         Row("ES512", "ES512", "EC", "P-521"),
         Row("ES256K", "ES256K", "EC", "secp256k1"),
         Row("EdDSA (Ed25519)", "EdDSA", "OKP", "Ed25519"),
         Row("EdDSA (Ed448)", "EdDSA", "OKP", "Ed448"),
         Row("Ed25519", "Ed25519", "OKP", "Ed25519"),
         Row("Ed448", "Ed448", "OKP", "Ed448")]

DIRECTIONS = ("peer->jg", "jg->peer", "tamper")

# ---------------------------------------------------------------- helpers


def die(msg):
    print("FAIL %s" % msg)
    print("0 passed, 1 failed")
    sys.exit(1)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def write(d, name, data, mode=0o600):
    path = os.path.join(d, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def run(argv, timeout=120):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return -999, "", "timeout after %d s" % timeout
    except OSError as e:
        return -998, "", "%s: %s" % (argv[0], e)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


def flip_sig(token):
    """One character in the middle of the signature segment changed (a
    middle character carries six significant bits: the bytes change)."""
    head, sig = token.rsplit(".", 1)
    i = len(sig) // 2
    c = "A" if sig[i] != "A" else "B"
    return head + "." + sig[:i] + c + sig[i + 1:]


def change_payload(token):
    """sub "user-42" becomes "user-43" in the payload bytes; the payload is
    re-encoded, header and signature stay. None if sub is not there."""
    h, p, s = token.split(".")
    raw = unb64url(p)
    new = raw.replace(('"%s"' % SUB).encode(), ('"%s"' % SUB_TAMPERED).encode(), 1)
    if new == raw:
        return None
    return "%s.%s.%s" % (h, b64url(new), s)


def token_claims(token):
    return json.loads(unb64url(token.split(".")[1]))


def dpkg_version(pkg):
    rc, out, _ = run(["dpkg-query", "-W", "-f=${Version}", pkg], timeout=30)
    return out.strip() if rc == 0 and out.strip() else None


class Res:
    """What one peer operation gave: status is ok, unsupported, rejected
    (verify refused the token) or fail (anything broken)."""

    def __init__(self, status, detail="", token=None, keyargs=None,
                 claims=None):
        self.status, self.detail = status, detail
        self.token, self.keyargs, self.claims = token, keyargs, claims


# ---------------------------------------------------------------- jwtguard

JWTGUARD = os.environ.get("JWTGUARD")


def jg(args, timeout=120):
    return run([JWTGUARD] + args, timeout)


class JgMaterial:
    """One jwtguard key and token for a row, shared by every peer."""

    def __init__(self):
        self.error = None
        self.priv = self.pub_jwk = self.pub_pem = self.secret = None
        self.token = None
        self.claims = None


def make_jg_material(row, d):
    m = JgMaterial()
    kid = "jwtguard-" + row.slug
    if row.label == "EdDSA (Ed448)":
        # "EdDSA" over Ed448: a generated Ed448 key is bound to alg Ed448,
        # so its PEM is imported again with --alg EdDSA.
        rc, out, err = jg(["jwk", "generate", "--alg", "Ed448", "--kid", kid])
        if rc != 0:
            m.error = "jwk generate --alg Ed448: exit %d %s" % (rc, last_line(err))
            return m
        p448 = write(d, "jg-%s-ed448.json" % row.slug, out)
        rc, pem, err = jg(["jwk", "export-pem", p448])
        if rc != 0:
            m.error = "jwk export-pem: exit %d %s" % (rc, last_line(err))
            return m
        ppem = write(d, "jg-%s-priv.pem" % row.slug, pem)
        rc, out, err = jg(["jwk", "import-pem", "--alg", "EdDSA", ppem])
        if rc != 0:
            m.error = "jwk import-pem --alg EdDSA: exit %d %s" % (rc, last_line(err))
            return m
    else:
        rc, out, err = jg(["jwk", "generate", "--alg", row.alg, "--kid", kid])
        if rc != 0:
            m.error = "jwk generate --alg %s: exit %d %s" % (row.alg, rc, last_line(err))
            return m
    m.priv = write(d, "jg-%s-priv.json" % row.slug, out)
    priv = json.loads(out)
    if row.kty == "oct":
        m.pub_jwk = m.priv  # a shared secret has no public half
        m.secret = write(d, "jg-%s.secret" % row.slug, unb64url(priv["k"]))
    else:
        rc, pub, err = jg(["jwk", "public", m.priv])
        if rc != 0:
            m.error = "jwk public: exit %d %s" % (rc, last_line(err))
            return m
        leaked = [k for k in ("d", "p", "q", "dp", "dq", "qi", "k")
                  if k in json.loads(pub)]
        if leaked:
            m.error = "jwk public printed private members %s" % leaked
            return m
        m.pub_jwk = write(d, "jg-%s-pub.json" % row.slug, pub)
        rc, pem, err = jg(["jwk", "export-pem", m.pub_jwk])
        if rc != 0 or not pem.startswith("-----BEGIN PUBLIC KEY-----"):
            m.error = "jwk export-pem (public): exit %d %s" % (rc, last_line(err))
            return m
        m.pub_pem = write(d, "jg-%s-pub.pem" % row.slug, pem)
    rc, tok, err = jg(["jwt", "sign", "--key", m.priv, "--alg", row.alg,
                       "--ttl", str(JG_TTL), "--iss", ISS, "--sub", SUB,
                       "--aud", AUD])
    tok = tok.strip()
    if rc != 0 or tok.count(".") != 2:
        m.error = "jwt sign: exit %d %s" % (rc, last_line(err))
        return m
    m.token = tok
    m.claims = token_claims(tok)
    return m


def jg_verify(row, keyargs, token):
    return jg(["jwt", "verify"] + keyargs + ["--alg", row.alg, "--iss", ISS,
                                             "--aud", AUD, token])


# ---------------------------------------------------------------- key making
# Keys for the peers that have no key generation of their own (PyJWT takes
# python3-cryptography keys; libjwt takes PEM): python3-cryptography.

def crypto_keypair(kty, param):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    if kty == "oct":
        return os.urandom(int(param)), None
    if kty == "RSA":
        key = rsa.generate_private_key(public_exponent=65537, key_size=int(param))
    elif kty == "EC":
        curve = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1,
                 "P-521": ec.SECP521R1, "secp256k1": ec.SECP256K1}[param]
        key = ec.generate_private_key(curve())
    else:
        key = {"Ed25519": ed25519.Ed25519PrivateKey,
               "Ed448": ed448.Ed448PrivateKey}[param].generate()
    pub_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")
    return key, pub_pem


def private_pem(key):
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


# ---------------------------------------------------------------- peers


class Peer:
    name = "?"
    package = None          # Debian package whose version is reported
    reason_missing = None   # set when the peer cannot run at all

    def version(self):
        v = dpkg_version(self.package) if self.package else None
        return "%s (Debian %s)" % (self.package, v) if v else "unknown"

    def sign_all(self, jobs, d):
        """jobs: [(row, claims)] -> {row.label: Res(token, keyargs)}."""
        raise NotImplementedError

    def verify_all(self, jobs, d):
        """jobs: [(id, row, material, token)] -> {id: Res(claims)}."""
        raise NotImplementedError


class JwcryptoPeer(Peer):
    name, package = "jwcrypto", "python3-jwcrypto"

    def __init__(self):
        try:
            from jwcrypto import jwa, jwk, jwt
            self.jwa, self.jwk, self.jwt = jwa, jwk, jwt
        except ImportError as e:
            self.reason_missing = "cannot import jwcrypto: %s" % e
        self.keys = {}

    def known(self, alg):
        return alg in self.jwa.JWA.algorithms_registry

    def sign_all(self, jobs, d):
        res = {}
        for row, claims in jobs:
            if not self.known(row.alg):
                res[row.label] = Res("unsupported",
                                     "%s is not in jwcrypto's JWA registry" % row.alg)
                continue
            try:
                if row.spec not in self.keys:
                    kw = {"kty": row.kty}
                    if row.kty in ("oct", "RSA"):
                        kw["size"] = int(row.param) * (8 if row.kty == "oct" else 1)
                    else:
                        kw["crv"] = row.param
                    self.keys[row.spec] = self.jwk.JWK.generate(**kw)
            except Exception as e:
                res[row.label] = Res("unsupported", "JWK.generate: %s: %s"
                                     % (type(e).__name__, e))
                continue
            key = self.keys[row.spec]
            try:
                t = self.jwt.JWT(header={"alg": row.alg, "typ": "JWT"},
                                 claims=claims)
                t.make_signed_token(key)
                text = key.export() if row.kty == "oct" else key.export_public()
                kf = write(d, "jwcrypto-%s.json" % row.slug, text)
                res[row.label] = Res("ok", token=t.serialize(), keyargs=["--key", kf])
            except Exception as e:
                res[row.label] = Res("fail", "sign: %s: %s" % (type(e).__name__, e))
        return res

    def verify_all(self, jobs, d):
        res = {}
        for jid, row, m, token in jobs:
            if not self.known(row.alg):
                res[jid] = Res("unsupported",
                               "%s is not in jwcrypto's JWA registry" % row.alg)
                continue
            try:
                with open(m.pub_jwk) as f:
                    key = self.jwk.JWK.from_json(f.read())
                t = self.jwt.JWT(jwt=token, key=key, algs=[row.alg],
                                 check_claims={"iss": ISS, "aud": AUD,
                                               "exp": None})
                res[jid] = Res("ok", claims=json.loads(t.claims))
            except Exception as e:
                res[jid] = Res("rejected", "%s: %s" % (type(e).__name__, e))
        return res


class PyJwtPeer(Peer):
    name, package = "PyJWT", "python3-jwt"

    def __init__(self):
        try:
            import jwt
            self.mod = jwt
        except ImportError as e:
            self.reason_missing = "cannot import jwt (python3-jwt): %s" % e
        self.keys = {}

    def version(self):
        v = Peer.version(self)
        mod = getattr(self, "mod", None)
        return "PyJWT %s, %s" % (getattr(mod, "__version__", "?"), v)

    def sign_all(self, jobs, d):
        res = {}
        for row, claims in jobs:
            if row.spec not in self.keys:
                self.keys[row.spec] = crypto_keypair(row.kty, row.param)
            key, pub_pem = self.keys[row.spec]
            try:
                tok = self.mod.encode(claims, key, algorithm=row.alg,
                                      headers={"typ": "JWT"})
            except NotImplementedError as e:
                res[row.label] = Res("unsupported", "jwt.encode: NotImplementedError: %s" % e)
                continue
            except Exception as e:
                res[row.label] = Res("fail", "jwt.encode: %s: %s" % (type(e).__name__, e))
                continue
            if row.kty == "oct":
                kargs = ["--secret-file", write(d, "pyjwt-%s.secret" % row.slug, key)]
            else:
                kargs = ["--key", write(d, "pyjwt-%s-pub.pem" % row.slug, pub_pem)]
            res[row.label] = Res("ok", token=tok, keyargs=kargs)
        return res

    def verify_all(self, jobs, d):
        res = {}
        for jid, row, m, token in jobs:
            path = m.secret if row.kty == "oct" else m.pub_pem
            with open(path, "rb") as f:
                key = f.read()
            try:
                c = self.mod.decode(token, key, algorithms=[row.alg], issuer=ISS,
                                    audience=AUD, options={"require": [
                                        "exp", "iat", "iss", "aud", "sub"]})
                res[jid] = Res("ok", claims=c)
            except self.mod.exceptions.InvalidAlgorithmError as e:
                if "not supported" in str(e):
                    res[jid] = Res("unsupported", "jwt.decode: InvalidAlgorithmError: %s" % e)
                else:
                    res[jid] = Res("rejected", "InvalidAlgorithmError: %s" % e)
            except Exception as e:
                res[jid] = Res("rejected", "%s: %s" % (type(e).__name__, e))
        return res


class NodeJosePeer(Peer):
    name = "jose (npm)"

    def __init__(self, build_dir):
        self.dir = os.path.join(build_dir, "interop-node")
        self.ver = self.node = None
        self.reason_missing = self.install()

    def install(self):
        """Copy the committed package.json, lockfile and peer script into
        the build tree and `npm ci` there, unless that lockfile is already
        installed."""
        src = os.path.join(HERE, "node")
        node, npm = shutil.which("node"), shutil.which("npm")
        if not node or not npm:
            return "node/npm not found on PATH"
        os.makedirs(self.dir, exist_ok=True)
        for f in ("package.json", "package-lock.json", "peer.mjs"):
            shutil.copyfile(os.path.join(src, f), os.path.join(self.dir, f))
        with open(os.path.join(src, "package-lock.json"), "rb") as f:
            lock = f.read()
        stamp = os.path.join(self.dir, "node_modules", ".jg-installed-lock")
        try:
            with open(stamp, "rb") as f:
                if f.read() == lock:
                    print("jose (npm): node_modules up to date in %s" % self.dir)
                    return None
        except OSError:
            pass
        for attempt in (1, 2):  # one retry: the registry is on the network
            print("jose (npm): npm ci in %s (attempt %d)" % (self.dir, attempt))
            sys.stdout.flush()
            rc, out, err = run([npm, "ci", "--no-audit", "--no-fund",
                                "--ignore-scripts", "--prefix", self.dir],
                               timeout=300)
            if rc == 0:
                break
        if rc != 0:
            return "npm ci failed: exit %d %s" % (rc, last_line(err or out))
        with open(stamp, "wb") as f:
            f.write(lock)
        return None

    def version(self):
        return "jose %s (npm, lockfile), node %s" % (
            self.ver or "?", self.node or "?")

    def batch(self, op, jobs, d):
        jf = write(d, "node-%s-jobs.json" % op, json.dumps(jobs))
        rc, out, err = run(["node", os.path.join(self.dir, "peer.mjs"), op, jf],
                           timeout=300)
        if rc != 0:
            return None, "node peer.mjs %s: exit %d %s" % (op, rc, last_line(err))
        ans = json.loads(out)
        self.ver, self.node = ans.get("version"), ans.get("node")
        return ans["results"], None

    def sign_all(self, jobs, d):
        req = [{"id": row.label, "alg": row.alg,
                "spec": {"kty": row.kty, "param": row.param}, "claims": claims}
               for row, claims in jobs]
        out, err = self.batch("sign", req, d)
        res = {}
        for row, _ in jobs:
            r = out.get(row.label) if out else None
            if r is None:
                res[row.label] = Res("fail", err or "no answer")
            elif r["status"] != "ok":
                res[row.label] = Res(r["status"], r.get("error", ""))
            else:
                kf = write(d, "jose-%s.json" % row.slug, json.dumps(r["jwk"]))
                res[row.label] = Res("ok", token=r["token"], keyargs=["--key", kf])
        return res

    def verify_all(self, jobs, d):
        req = []
        for jid, row, m, token in jobs:
            with open(m.pub_jwk) as f:
                req.append({"id": jid, "alg": row.alg, "jwk": json.load(f),
                            "token": token, "iss": ISS, "aud": AUD})
        out, err = self.batch("verify", req, d)
        res = {}
        for jid, _, _, _ in jobs:
            r = out.get(jid) if out else None
            if r is None:
                res[jid] = Res("fail", err or "no answer")
            else:
                res[jid] = Res(r["status"], r.get("error", ""), claims=r.get("claims"))
        return res


class CPeer(Peer):
    """peer_libjwt, peer_cjose, peer_libjose (see peers/peer_util.h)."""

    def __init__(self, name, package, prog, build_dir, key_format):
        self.name, self.package, self.key_format = name, package, key_format
        self.prog = os.path.join(build_dir, "interop-peers", prog)
        self.keys = {}
        if not os.access(self.prog, os.X_OK):
            self.reason_missing = ("%s was not built (is %s installed? "
                                   "scripts/deps.sh installs it)" % (prog, package))

    def call(self, *args):
        rc, out, err = run([self.prog] + list(args), timeout=120)
        status = {0: "ok", 1: "rejected", 3: "unsupported"}.get(rc, "fail")
        detail = last_line(err) if rc else ""
        for prefix in ("unsupported: ", "peer: "):
            if detail.startswith(prefix):
                detail = detail[len(prefix):]
        if status == "fail":
            detail = "exit %d %s" % (rc, detail)
        return status, out, detail

    def peer_key(self, row, d):
        """-> (status, detail, private key file, args for jwtguard)."""
        if row.spec in self.keys:
            return self.keys[row.spec]
        base = os.path.join(d, "%s-%s-%s" % (self.name.split()[0], row.kty, row.param))
        if self.key_format == "pem":
            key, pub_pem = crypto_keypair(row.kty, row.param)
            if row.kty == "oct":
                priv = write(d, base + ".secret", key)
                ans = ("ok", "", priv, ["--secret-file", priv])
            else:
                priv = write(d, base + "-priv.pem", private_pem(key))
                ans = ("ok", "", priv, ["--key", write(d, base + "-pub.pem", pub_pem)])
        else:
            st, out, detail = self.call("keygen", row.kty, row.param)
            if st != "ok":
                ans = (st if st == "unsupported" else "fail",
                       "keygen: " + detail, None, None)
            else:
                priv = write(d, base + "-priv.json", out)
                if row.kty == "oct":
                    ans = ("ok", "", priv, ["--key", priv])
                else:
                    st, pub, detail = self.call("public", priv)
                    if st != "ok":
                        ans = ("fail", "public: " + detail, None, None)
                    else:
                        ans = ("ok", "", priv, ["--key", write(d, base + "-pub.json", pub)])
        self.keys[row.spec] = ans
        return ans

    def sign_all(self, jobs, d):
        res = {}
        for row, claims in jobs:
            st, detail, priv, kargs = self.peer_key(row, d)
            if st != "ok":
                res[row.label] = Res(st, detail)
                continue
            cf = write(d, "%s-claims-%s.json" % (self.name.split()[0], row.slug),
                       json.dumps(claims, separators=(",", ":")))
            st, out, detail = self.call("sign", row.alg, priv, cf)
            if st == "ok":
                res[row.label] = Res("ok", token=out.strip(), keyargs=kargs)
            else:
                res[row.label] = Res("unsupported" if st == "unsupported" else "fail",
                                     "sign: " + detail)
        return res

    def verify_all(self, jobs, d):
        res = {}
        for jid, row, m, token in jobs:
            if self.key_format == "pem":
                key = m.secret if row.kty == "oct" else m.pub_pem
            else:
                key = m.pub_jwk
            st, out, detail = self.call("verify", row.alg, key, token)
            claims = None
            if st == "ok":
                try:
                    claims = json.loads(out)
                except ValueError:
                    st, detail = "fail", "verified payload is not JSON: %r" % out[:80]
            res[jid] = Res(st, detail, claims=claims)
        return res

    def version(self):
        v = Peer.version(self)
        if self.reason_missing is None:
            st, out, _ = self.call("version")
            if st == "ok" and "no version call" not in out:
                return "%s, %s" % (out.strip(), v)
        return v


# ---------------------------------------------------------------- the run


class Matrix:
    def __init__(self):
        self.cells = {}      # (row label, peer name, direction) -> (status, detail)
        self.passed = self.failed = self.unsupported = 0

    def put(self, row, peer, direction, status, detail):
        self.cells[(row.label, peer.name, direction)] = (status, detail)
        if status == "pass":
            self.passed += 1
        elif status == "unsupported":
            self.unsupported += 1
        else:
            self.failed += 1
        print("%-11s %-15s %-11s %-8s %s" % (status, row.label, peer.name,
                                             direction, detail))
        sys.stdout.flush()


def jg_rejects(row, keyargs, token, what, sig_flip):
    rc, out, err = jg_verify(row, keyargs, token)
    line = last_line(err)
    names = ("E_BAD_SIGNATURE", "E_MALFORMED") if sig_flip else ("E_BAD_SIGNATURE",)
    ok = (rc == 1 and out == "" and
          any(line.startswith("jwtguard: %s:" % n) for n in names))
    if ok:
        return True, ""
    return False, "jwtguard on %s: exit %d, %s%s" % (
        what, rc, line or "no stderr line",
        "" if out == "" else "; stdout %r" % out[:60])


def check_peer(peer, mats, d, mx):
    if peer.reason_missing:
        for row in ROWS:
            for direction in DIRECTIONS:
                mx.put(row, peer, direction, "FAIL",
                       "peer unavailable: " + peer.reason_missing)
        return
    now = int(time.time())
    claims = {}
    for i, row in enumerate(ROWS):
        claims[row.label] = {"iss": ISS, "sub": SUB, "aud": AUD, "iat": now,
                             "exp": now + 600,
                             "jti": "%s-%s-%d-%d" % (peer.name.split()[0],
                                                     row.slug, now, i)}
    signed = peer.sign_all([(row, claims[row.label]) for row in ROWS], d)

    vjobs = []
    for row in ROWS:
        m = mats[row.label]
        if m.error:
            continue
        vjobs.append(("%s|valid" % row.label, row, m, m.token))
        vjobs.append(("%s|sig" % row.label, row, m, flip_sig(m.token)))
        changed = change_payload(m.token)
        if changed is not None:
            vjobs.append(("%s|payload" % row.label, row, m, changed))
    verified = peer.verify_all(vjobs, d)

    for row in ROWS:
        tamper_ok, tamper_notes, sides = True, [], []
        # peer -> jwtguard
        s = signed[row.label]
        if s.status == "unsupported":
            mx.put(row, peer, "peer->jg", "unsupported", s.detail)
        elif s.status != "ok":
            mx.put(row, peer, "peer->jg", "FAIL", "peer could not sign: " + s.detail)
        else:
            rc, out, err = jg_verify(row, s.keyargs, s.token)
            if rc != 0:
                mx.put(row, peer, "peer->jg", "FAIL", "jwtguard exit %d: %s"
                       % (rc, last_line(err)))
            else:
                try:
                    got = json.loads(out)
                except ValueError:
                    got = None
                if got == claims[row.label]:
                    mx.put(row, peer, "peer->jg", "pass", "claims printed as signed (%s)"
                           % ("--secret-file" if s.keyargs[0] == "--secret-file"
                              else "key " + os.path.splitext(s.keyargs[1])[1][1:].upper()))
                else:
                    mx.put(row, peer, "peer->jg", "FAIL", "claims differ: %r" % out[:200])
            sides.append("jwtguard")
            for what, tok, sig in (("flipped signature", flip_sig(s.token), True),
                                   ("changed payload", change_payload(s.token), False)):
                if tok is None:
                    tamper_ok = False
                    tamper_notes.append("peer token has no sub to change")
                    continue
                ok, why = jg_rejects(row, s.keyargs, tok, what, sig)
                if not ok:
                    tamper_ok = False
                    tamper_notes.append(why)
        # jwtguard -> peer
        m = mats[row.label]
        if m.error:
            mx.put(row, peer, "jg->peer", "FAIL", "jwtguard could not make its token: "
                   + m.error)
        else:
            v = verified["%s|valid" % row.label]
            if v.status == "unsupported":
                mx.put(row, peer, "jg->peer", "unsupported", v.detail)
            elif v.status != "ok":
                mx.put(row, peer, "jg->peer", "FAIL", "peer %s: %s" % (v.status, v.detail))
            else:
                c = v.claims if isinstance(v.claims, dict) else {}
                bad = sorted(k for k in set(c) | set(m.claims) if c.get(k) != m.claims.get(k))
                if bad or c.get("iss") != ISS or c.get("aud") != AUD or \
                        c.get("sub") != SUB or c.get("exp", 0) - c.get("iat", 0) != JG_TTL:
                    mx.put(row, peer, "jg->peer", "FAIL", "peer verified, claims differ in %s: %r"
                           % (bad, c))
                else:
                    mx.put(row, peer, "jg->peer", "pass", "verified, claims as signed")
            if v.status != "unsupported":
                sides.append("peer")
                for kind, what in (("sig", "flipped signature"),
                                   ("payload", "changed payload")):
                    t = verified.get("%s|%s" % (row.label, kind))
                    if t is None:
                        tamper_ok = False
                        tamper_notes.append("jwtguard token has no sub to change")
                    elif t.status == "ok":
                        tamper_ok = False
                        tamper_notes.append("peer ACCEPTED jwtguard token with %s" % what)
                    elif t.status == "fail":
                        tamper_ok = False
                        tamper_notes.append("peer broke on %s: %s" % (what, t.detail))
        # tamper
        if not sides:
            mx.put(row, peer, "tamper", "unsupported", "neither direction is supported")
        elif tamper_ok:
            mx.put(row, peer, "tamper", "pass", "refused by %s" % " and ".join(sides))
        else:
            mx.put(row, peer, "tamper", "FAIL", "; ".join(tamper_notes))


def markdown(mx, peers, versions, jg_version, seconds):
    L = []
    L.append("# Interoperability matrix")
    L.append("")
    L.append("Generated by `make interop` (tests/interop/test_matrix.py; ctest "
             "label `interop`) on %s in %.0f s. Do not edit by hand."
             % (datetime.date.today().isoformat(), seconds))
    L.append("")
    L.append("For every JWS algorithm and every peer, three cells:")
    L.append("")
    L.append("- **peer→jg**: the peer makes a key and signs a JWT (iss, sub, aud, "
             "exp, iat, jti); `jwtguard jwt verify --alg ALG --iss .. --aud ..` "
             "accepts it with the peer's key and prints the same claims.")
    L.append("- **jg→peer**: `jwtguard jwk generate` + `jwtguard jwt sign`; the peer "
             "verifies the token with what jwtguard exports (`jwk public` as JWK, "
             "`jwk export-pem` as PEM, or for HS* the raw secret decoded from `k`).")
    L.append("- **tamper**: one signature character flipped, and one character "
             "of the payload changed (sub `user-42` → `user-43`, signature kept): "
             "jwtguard refuses both peer tokens with E_BAD_SIGNATURE (E_MALFORMED "
             "is also accepted for the signature flip) and prints nothing; the peer "
             "refuses both jwtguard tokens. Where only one direction is supported, "
             "the cell covers that side only.")
    L.append("")
    L.append("`unsupported` means the peer itself said so at run time (the reason "
             "is listed below); it is never assumed. `FAIL` is an interoperability "
             "failure and fails the test.")
    L.append("")
    L.append("## Peers")
    L.append("")
    L.append("| peer | version | keys | notes |")
    L.append("|---|---|---|---|")
    notes = {
        "jwcrypto": ("JWK", "JWT claims checked by jwcrypto (iss, aud, exp)"),
        "PyJWT": ("PEM (python3-cryptography keys); HS*: raw secret",
                  "claims checked by PyJWT (iss, aud, exp, required claims)"),
        "jose (npm)": ("JWK", "`jwtVerify` with issuer, audience, algorithms"),
        "libjwt": ("PEM (python3-cryptography keys); HS*: raw secret",
                   "C program tests/interop/peers/peer_libjwt.c; header alg "
                   "checked by the program, claims by the test"),
        "cjose": ("JWK (cjose-generated)", "C program peer_cjose.c; JWS only, "
                  "claims checked by the test"),
        "libjose": ("JWK (jose_jwk_gen)", "C program peer_libjose.c (latchset jose); "
                    "JWS only, claims checked by the test"),
    }
    L.append("| jwtguard | %s | JWK (`jwk generate`, RSA 3072) | the CLI under test |"
             % jg_version)
    for p in peers:
        k, n = notes.get(p.name, ("", ""))
        L.append("| %s | %s | %s | %s |" % (p.name, versions[p.name], k, n))
    L.append("")
    L.append("## Matrix")
    L.append("")
    head = "| alg |" + "".join(" %s<br>%s |" % (p.name, d) for p in peers
                               for d in ("peer→jg", "jg→peer", "tamper"))
    L.append(head)
    L.append("|---|" + "---|" * (3 * len(peers)))
    for row in ROWS:
        cells = []
        for p in peers:
            for d in DIRECTIONS:
                st = mx.cells.get((row.label, p.name, d), ("FAIL", "not run"))[0]
                cells.append("**FAIL**" if st == "FAIL" else st)
        L.append("| %s | %s |" % (row.label, " | ".join(cells)))
    L.append("")
    L.append("Totals: %d pass, %d FAIL, %d unsupported (of %d cells)."
             % (mx.passed, mx.failed, mx.unsupported, len(mx.cells)))
    L.append("")
    L.append("## Why cells are unsupported or failing")
    L.append("")
    L.append("In each peer's own words (a tamper cell is unsupported only when "
             "both directions are).")
    L.append("")
    any_reason = False
    for p in peers:
        lines = []
        for row in ROWS:
            parts = []
            for d in DIRECTIONS:
                st, detail = mx.cells.get((row.label, p.name, d), ("FAIL", "not run"))
                if st == "pass" or (d == "tamper" and st == "unsupported"):
                    continue
                parts.append("%s %s: %s" % (d.replace("->", "→"),
                                            "**FAIL**" if st == "FAIL" else st,
                                            detail.replace("|", "\\|")))
            if parts:
                lines.append("- %s — %s" % (row.label, "; ".join(parts)))
        if lines:
            any_reason = True
            L.append("### %s" % p.name)
            L.append("")
            L.extend(lines)
            L.append("")
    if not any_reason:
        L.append("(none)")
        L.append("")
    L.append("## JWE")
    L.append("")
    L.append("jwtguard has no JWE yet: the JWE rows (alg/enc pairs, both "
             "directions, tampered ciphertexts and tags) come with the JWE issue, "
             "in this same driver.")
    L.append("")
    L.append("## Regenerate")
    L.append("")
    L.append("```sh")
    L.append("make interop    # build, run the matrix, copy build/interop.md here")
    L.append("```")
    L.append("")
    L.append("Under plain ctest (`ctest -L interop`) the matrix is written to "
             "`$JG_BUILD_DIR/interop.md` only. The npm peer is installed with "
             "`npm ci` from tests/interop/node/package-lock.json into the build "
             "tree; the C peers are built from tests/interop/peers/ when their "
             "Debian -dev packages are present (scripts/deps.sh installs them).")
    L.append("")
    return "\n".join(L)


def main():
    if not JWTGUARD or not os.access(JWTGUARD, os.X_OK):
        die("$JWTGUARD is not set to the jwtguard binary (%r)" % JWTGUARD)
    build_dir = os.environ.get("JG_BUILD_DIR")
    if not build_dir or not os.path.isdir(build_dir):
        die("$JG_BUILD_DIR is not set to the build directory (%r)" % build_dir)
    out_path = os.path.join(build_dir, "interop.md")
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        out_path = sys.argv[2]
    t0 = time.time()
    rc, out, _ = jg(["--version"])
    jg_version = out.strip() if rc == 0 else "?"

    peers = [JwcryptoPeer(), PyJwtPeer(), NodeJosePeer(build_dir),
             CPeer("libjwt", "libjwt-dev", "peer_libjwt", build_dir, "pem"),
             CPeer("cjose", "libcjose-dev", "peer_cjose", build_dir, "jwk"),
             CPeer("libjose", "libjose-dev", "peer_libjose", build_dir, "jwk")]
    mx = Matrix()
    with tempfile.TemporaryDirectory(prefix="jg-interop-matrix-") as d:
        os.chmod(d, 0o700)
        print("jwtguard keys and tokens for %d algorithms ..." % len(ROWS))
        sys.stdout.flush()
        mats = {}
        for row in ROWS:
            mats[row.label] = make_jg_material(row, d)
            if mats[row.label].error:
                print("jwtguard %s: %s" % (row.label, mats[row.label].error))
        print("jwtguard material ready (%.1f s)" % (time.time() - t0))
        for peer in peers:
            t1 = time.time()
            pd = os.path.join(d, peer.name.split()[0])
            os.mkdir(pd, 0o700)
            try:
                check_peer(peer, mats, pd, mx)
            except Exception as e:  # a broken peer must not hide the others
                import traceback
                traceback.print_exc()
                for row in ROWS:
                    for direction in DIRECTIONS:
                        if (row.label, peer.name, direction) not in mx.cells:
                            mx.put(row, peer, direction, "FAIL", "driver error: %s: %s"
                                   % (type(e).__name__, e))
            print("-- %s done in %.1f s" % (peer.name, time.time() - t1))
    versions = {p.name: p.version() for p in peers}
    for p in peers:
        print("peer %-11s %s" % (p.name, versions[p.name]))
    text = markdown(mx, peers, versions, jg_version, time.time() - t0)
    with open(out_path, "w") as f:
        f.write(text)
    print("matrix written to %s" % out_path)
    print("%d cells unsupported by a peer (reasons above)" % mx.unsupported)
    print("%d passed, %d failed" % (mx.passed, mx.failed))
    return 1 if mx.failed or mx.passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
