"""tests/server/srvlib.py - shared helpers of the jwtguardd tests.

Starts the real jwtguardd (path in $JWTGUARDD) on a free loopback port with
a private data directory under $JG_BUILD_DIR, drives its admin commands
(passwords on stdin, never argv) and talks to it over real TLS: the client
trusts exactly the server's self-signed tls.crt from the data directory and
checks the host name (the certificate names 127.0.0.1 and localhost).
Python standard library only. Each test file prints "ok NAME" or
"FAIL NAME: detail" per check and "N passed, M failed" at the end.
"""

import atexit
import base64
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

BIN = os.environ.get("JWTGUARDD", "")
CLI = os.environ.get("JWTGUARD", "")
BUILD = os.environ.get("JG_BUILD_DIR") or tempfile.gettempdir()
# Under the sanitizers everything is several times slower.
SLOW = float(os.environ.get("JG_SERVER_SLOW") or "1")

_PASSED = 0
_FAILED = 0
_SERVERS = []
_KEEP = False


def need_binary():
    if not BIN or not os.access(BIN, os.X_OK):
        print("FAIL setup: JWTGUARDD must name the jwtguardd binary")
        sys.exit(2)


def check(name, cond, detail=""):
    """Record one check; returns cond so callers can chain on it."""
    global _PASSED, _FAILED, _KEEP
    if cond:
        _PASSED += 1
        print("ok   " + name, flush=True)
    else:
        _FAILED += 1
        _KEEP = True
        msg = "FAIL " + name
        if detail:
            msg += ": " + str(detail)[:600]
        print(msg, flush=True)
    return bool(cond)


def finish():
    for s in list(_SERVERS):
        s.kill()
    print("%d passed, %d failed" % (_PASSED, _FAILED), flush=True)
    for s in list(_SERVERS_ALL):
        s.cleanup()
    sys.exit(1 if _FAILED else 0)


_SERVERS_ALL = []


@atexit.register
def _reap():
    for s in list(_SERVERS):
        s.kill()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def b64url_decode(s):
    if isinstance(s, str):
        s = s.encode()
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


def jwt_parts(token):
    """(header, claims) of a compact JWS, or (None, None)."""
    try:
        h, p, _ = token.split(".")
        return json.loads(b64url_decode(h)), json.loads(b64url_decode(p))
    except (ValueError, AttributeError):
        return None, None


def parse_set_cookie(line):
    """'n=v; A; B=c' -> (name, value, {attr_lower: value_or_True})."""
    parts = [p.strip() for p in line.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return name.strip(), value.strip(), attrs


class Resp:
    def __init__(self, status, headers, body, error=None, elapsed=0.0):
        self.status = status
        self.headers = headers      # list of (name, value)
        self.body = body
        self.error = error
        self.elapsed = elapsed

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except (ValueError, TypeError):
            return None

    def cookies(self):
        """{name: (value, attrs)} of every Set-Cookie."""
        out = {}
        for line in self.all("Set-Cookie"):
            n, v, a = parse_set_cookie(line)
            out[n] = (v, a)
        return out

    def __repr__(self):
        if self.error:
            return "<no response: %s>" % self.error
        return "<%s %r>" % (self.status, self.body[:200])


class Server:
    """One jwtguardd instance with its own data directory and port."""

    def __init__(self, name, args=(), insecure=False, port=None,
                 with_client=True, log=True, conf=None):
        base = os.path.join(BUILD, "server-tests")
        os.makedirs(base, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix=name + "-", dir=base)
        self.data = os.path.join(self.dir, "data")
        self.port = port or free_port()
        self.insecure = insecure
        self.extra = list(args)
        self.proc = None
        self.starts = 0
        self.scheme = "http" if insecure else "https"
        self.issuer = "%s://127.0.0.1:%d" % (self.scheme, self.port)
        self.log = os.path.join(self.dir, "server.log") if log else None
        self.client_id = "testclient"
        self.client_secret = base64.urlsafe_b64encode(
            os.urandom(24)).decode().rstrip("=")
        self.secret_file = os.path.join(self.dir, "client.secret")
        fd = os.open(self.secret_file, os.O_WRONLY | os.O_CREAT, 0o600)
        os.write(fd, self.client_secret.encode())
        os.close(fd)
        self.with_client = with_client
        self._ctx = None
        self.conf = None
        if conf is not None:
            self.conf = os.path.join(self.dir, "jwtguardd.conf")
            with open(self.conf, "w") as f:
                f.write("# written by %s\n" % name)
                for k, v in conf.items():
                    f.write("%s = %s\n" % (k, v))
        _SERVERS_ALL.append(self)

    # ---- process control
    def args(self):
        a = ["--data-dir", self.data, "--listen", "127.0.0.1:%d" % self.port]
        if self.conf:
            a = ["--config", self.conf] + a
        if self.with_client:
            a += ["--client", "%s:%s" % (self.client_id, self.secret_file)]
        if self.log:
            a += ["--log", self.log]
        if self.insecure:
            a += ["--dev-insecure-http"]
        return a + self.extra

    def admin(self, *words, stdin=None, extra=()):
        """Run an admin command against this data directory."""
        cmd = [BIN] + list(words) + ["--data-dir", self.data] + list(extra)
        if self.conf:
            cmd += ["--config", self.conf]
        try:
            p = subprocess.run(cmd, input=(stdin or "").encode(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=30 * SLOW)
        except subprocess.TimeoutExpired:
            return "timeout (hung 30 s)", "", " ".join(words)
        return p.returncode, p.stdout.decode(errors="replace"), \
            p.stderr.decode(errors="replace")

    def init(self):
        rc, out, err = self.admin("init")
        if rc != 0:
            raise RuntimeError("jwtguardd init failed (%d): %s %s"
                               % (rc, out, err))

    def add_user(self, name, password):
        rc, out, err = self.admin("user", "add", name, stdin=password + "\n")
        if rc != 0:
            raise RuntimeError("user add %s failed (%d): %s %s"
                               % (name, rc, out, err))

    def start(self, extra=(), wait=True):
        self.starts += 1
        self.stderr_path = os.path.join(self.dir, "stderr.%d" % self.starts)
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([BIN] + self.args() + list(extra),
                                     stdin=subprocess.DEVNULL,
                                     stdout=self._stderr, stderr=self._stderr)
        _SERVERS.append(self)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=None):
        deadline = time.time() + (timeout or 20 * SLOW)
        last = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("jwtguardd exited %s at start: %s"
                                   % (self.proc.returncode, self.stderr()))
            if self.insecure or os.path.exists(self.cert()):
                self._ctx = None
                r = self.request("GET", "/healthz", timeout=2)
                if r.status == 200:
                    return
                last = r
            time.sleep(0.1)
        raise RuntimeError("jwtguardd not ready after start: %r %s"
                           % (last, self.stderr()))

    def stderr(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except (OSError, AttributeError):
            return ""

    def stop(self, sig=signal.SIGTERM, timeout=15):
        """Signal the server; returns (exit status, seconds to exit)."""
        if not self.proc:
            return None, 0.0
        t0 = time.time()
        try:
            self.proc.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            rc = self.proc.wait(timeout=timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "timeout"
            self.proc.wait()
        el = time.time() - t0
        self.proc = None
        self._stderr.close()
        if self in _SERVERS:
            _SERVERS.remove(self)
        return rc, el

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc:
            self._stderr.close()
        self.proc = None
        if self in _SERVERS:
            _SERVERS.remove(self)

    def restart(self, extra=()):
        self.stop()
        return self.start(extra=extra)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        if not _KEEP and not self.proc:
            shutil.rmtree(self.dir, ignore_errors=True)
        elif _KEEP:
            print("note: kept %s for inspection" % self.dir)

    # ---- TLS and HTTP
    def cert(self):
        return os.path.join(self.data, "tls.crt")

    def ctx(self):
        if self._ctx is None:
            # Real verification: trust only the server's own certificate and
            # check the name (an IP SAN for 127.0.0.1).
            c = ssl.create_default_context(ssl.Purpose.SERVER_AUTH,
                                           cafile=self.cert())
            c.check_hostname = True
            c.verify_mode = ssl.CERT_REQUIRED
            self._ctx = c
        return self._ctx

    def conn(self, timeout=10):
        if self.insecure:
            return http.client.HTTPConnection("127.0.0.1", self.port,
                                              timeout=timeout * SLOW)
        return http.client.HTTPSConnection("127.0.0.1", self.port,
                                           context=self.ctx(),
                                           timeout=timeout * SLOW)

    def request(self, method, path, body=None, headers=None, timeout=10,
                json_body=None, form=None, bearer=None, cookies=None,
                origin=None, basic=None):
        h = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if bearer is not None:
            h["Authorization"] = "Bearer " + bearer
        if basic is not None:
            h["Authorization"] = "Basic " + base64.b64encode(
                ("%s:%s" % basic).encode()).decode()
        if cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in cookies.items())
        if origin is not None:
            h["Origin"] = origin
        if isinstance(body, str):
            body = body.encode()
        t0 = time.time()
        c = self.conn(timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            return Resp(r.status, r.getheaders(), data,
                        elapsed=time.time() - t0)
        except (OSError, http.client.HTTPException) as e:
            return Resp(None, [], b"", error=repr(e),
                        elapsed=time.time() - t0)
        finally:
            c.close()

    # ---- the API
    def client_auth(self):
        return (self.client_id, self.client_secret)

    def login(self, user, password, form=False, **kw):
        if form:
            return self.request("POST", "/login",
                                form={"username": user, "password": password},
                                **kw)
        return self.request("POST", "/login",
                            json_body={"username": user,
                                       "password": password}, **kw)

    def refresh(self, token, how="json", **kw):
        if how == "json":
            return self.request("POST", "/token/refresh",
                                json_body={"refresh_token": token}, **kw)
        if how == "form":
            return self.request("POST", "/token/refresh",
                                form={"refresh_token": token}, **kw)
        return self.request("POST", "/token/refresh",
                            cookies={self.cookie_name("refresh"): token},
                            **kw)

    def verify(self, token=None, cookie=None):
        if cookie is not None:
            return self.request("GET", "/auth/verify",
                                cookies={self.cookie_name("access"): cookie})
        return self.request("GET", "/auth/verify", bearer=token)

    def logout(self, token, **kw):
        return self.request("POST", "/logout", bearer=token, **kw)

    def revoke(self, token, hint=None, auth=True):
        f = {"token": token}
        if hint:
            f["token_type_hint"] = hint
        return self.request("POST", "/revoke", form=f,
                            basic=self.client_auth() if auth else None)

    def introspect(self, token, auth=True):
        return self.request("POST", "/introspect", form={"token": token},
                            basic=self.client_auth() if auth else None)

    def jwks(self):
        return self.request("GET", "/.well-known/jwks.json")

    def cookie_name(self, which):
        return which if self.insecure else "__Host-" + which

    # ---- raw connections (malformed input, slow clients)
    def raw_socket(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port),
                                     timeout=timeout * SLOW)
        if self.insecure:
            return s
        return self.ctx().wrap_socket(s, server_hostname="127.0.0.1")

    def raw(self, data, timeout=10):
        """Send bytes on a fresh TLS connection, read until the server closes
        it or the timeout; returns (bytes read, closed_by_server)."""
        s = self.raw_socket(timeout)
        out = b""
        closed = False
        try:
            s.sendall(data)
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    closed = True
                    break
                out += chunk
        except (socket.timeout, TimeoutError):
            pass
        except (OSError, ssl.SSLError):
            closed = True
        finally:
            try:
                s.close()
            except OSError:
                pass
        return out, closed


def status_of(raw_bytes):
    """The status code of the first response in raw bytes, or None."""
    try:
        line = raw_bytes.split(b"\r\n", 1)[0].decode()
        if line.startswith("HTTP/1."):
            return int(line.split()[1])
    except (ValueError, IndexError):
        pass
    return None


def user_pw():
    """A fresh random password (printable, with form-special characters)."""
    return "pw+&=% " + base64.urlsafe_b64encode(os.urandom(12)).decode() + "é"


def log_text(server):
    try:
        with open(server.log, "rb") as f:
            return f.read().decode(errors="replace")
    except (OSError, TypeError):
        return ""


def jwk_thumbprint(jwk):
    """RFC 7638 SHA-256 thumbprint (base64url) of a public JWK."""
    import hashlib
    req = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"),
           "OKP": ("crv", "kty", "x")}.get(jwk.get("kty"))
    if not req or any(k not in jwk for k in req):
        return None
    text = json.dumps({k: jwk[k] for k in req}, separators=(",", ":"),
                      sort_keys=True)
    return base64.urlsafe_b64encode(
        hashlib.sha256(text.encode()).digest()).decode().rstrip("=")


def run_cli(*args, stdin=None):
    p = subprocess.run([CLI] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return p.returncode, p.stdout.decode(errors="replace"), \
        p.stderr.decode(errors="replace")


def tamper(token):
    """The token with one bit of its signature flipped."""
    h, p, s = token.split(".")
    raw = bytearray(b64url_decode(s))
    raw[len(raw) // 2] ^= 1
    return "%s.%s.%s" % (h, p, base64.urlsafe_b64encode(
        bytes(raw)).decode().rstrip("="))


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")
