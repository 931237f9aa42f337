"""tests/attacks/craft.py - attack-token construction, independent of jwtguard.

Everything an attack test needs to build tokens and keys by itself: a
base64url encoder/decoder of our own, compact JSON, JWK export of
python3-cryptography keys, and signing for every JWS algorithm (HMAC with
the hmac module; RSA, ECDSA and EdDSA with python3-cryptography). Nothing
here calls the library or the CLI under test, so a bug there cannot make
an attack token "agree" with the verifier.
"""

import base64
import hashlib
import hmac
import json

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature, encode_dss_signature)

# ---------------------------------------------------------------- encoding

_ALPHA = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64u(data):
    """RFC 7515 §2 base64url without padding (our own, not base64's)."""
    if isinstance(data, str):
        data = data.encode()
    out = bytearray()
    for i in range(0, len(data), 3):
        chunk = data[i:i + 3]
        n = int.from_bytes(chunk + b"\0" * (3 - len(chunk)), "big")
        chars = [_ALPHA[(n >> s) & 63] for s in (18, 12, 6, 0)]
        out += bytes(chars[:len(chunk) + 1])
    return out.decode()


def b64u_dec(s):
    """Lenient decoder for test-side use only (padding added back)."""
    s = s + "=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s)


# Self-check of the encoder against the standard library, once.
for _n in range(0, 70):
    _d = bytes(range(_n))
    assert b64u(_d) == base64.urlsafe_b64encode(_d).decode().rstrip("=")


def jdump(obj):
    """Compact JSON bytes (no spaces), as most producers send."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def compact(hseg, pseg, sig):
    """Join segments; sig may be bytes (encoded here) or a str segment."""
    if isinstance(sig, (bytes, bytearray)):
        sig = b64u(sig)
    return "%s.%s.%s" % (hseg, pseg, sig)


def seg(x):
    """A segment from a dict (compact JSON), bytes or an already-made str."""
    if isinstance(x, dict) or isinstance(x, list):
        return b64u(jdump(x))
    if isinstance(x, (bytes, bytearray)):
        return b64u(bytes(x))
    return x


# ---------------------------------------------------------------- numbers

def i2b(n, length=None):
    if length is None:
        length = max(1, (n.bit_length() + 7) // 8)
    return n.to_bytes(length, "big")


def b2i(b):
    return int.from_bytes(b, "big")


# Curve orders (SEC 2 / RFC 8032), for out-of-range signature values.
CURVES = {
    "ES256": (ec.SECP256R1, hashes.SHA256, 32, "P-256",
              int("FFFFFFFF00000000FFFFFFFFFFFFFFFF"
                  "BCE6FAADA7179E84F3B9CAC2FC632551", 16)),
    "ES384": (ec.SECP384R1, hashes.SHA384, 48, "P-384",
              int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
                  "C7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", 16)),
    "ES512": (ec.SECP521R1, hashes.SHA512, 66, "P-521",
              int("01" + "FF" * 32 + "FA51868783BF2F966B7FCC0148F709A5D0"
                  "3BB5C9B8899C47AEBB6FB71E91386409", 16)),
}
def _check_orders():
    """(n-1)*G = -G: same x as G, other y. Catches a mistyped order."""
    for alg, (curve, _, _, _, n) in CURVES.items():
        g = ec.derive_private_key(1, curve()).public_key().public_numbers()
        m = ec.derive_private_key(n - 1, curve()).public_key()\
            .public_numbers()
        assert g.x == m.x and g.y != m.y, alg


_check_orders()


P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
ED25519_L = 2 ** 252 + 27742317777372353535851937790883648493

HS_HASH = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
           "HS512": hashlib.sha512}
RSA_HASH = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


# ---------------------------------------------------------------- keys

def gen_rsa(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def gen_ec(alg):
    return ec.generate_private_key(CURVES[alg][0]())


def gen_ed():
    return ed25519.Ed25519PrivateKey.generate()


def jwk_of(key, private=False, **extra):
    """The JWK (dict) of a python3-cryptography key; extra members added."""
    if isinstance(key, rsa.RSAPrivateKey):
        pub = key.public_key().public_numbers()
    elif isinstance(key, rsa.RSAPublicKey):
        pub = key.public_numbers()
    else:
        pub = None
    if pub is not None:
        j = {"kty": "RSA", "n": b64u(i2b(pub.n)), "e": b64u(i2b(pub.e))}
        if private:
            pn = key.private_numbers()
            j.update(d=b64u(i2b(pn.d)), p=b64u(i2b(pn.p)), q=b64u(i2b(pn.q)),
                     dp=b64u(i2b(pn.dmp1)), dq=b64u(i2b(pn.dmq1)),
                     qi=b64u(i2b(pn.iqmp)))
    elif isinstance(key, (ec.EllipticCurvePrivateKey,
                          ec.EllipticCurvePublicKey)):
        pubk = key.public_key() if isinstance(
            key, ec.EllipticCurvePrivateKey) else key
        nums = pubk.public_numbers()
        size = (pubk.curve.key_size + 7) // 8
        crv = {"secp256r1": "P-256", "secp384r1": "P-384",
               "secp521r1": "P-521"}[pubk.curve.name]
        j = {"kty": "EC", "crv": crv, "x": b64u(i2b(nums.x, size)),
             "y": b64u(i2b(nums.y, size))}
        if private:
            j["d"] = b64u(i2b(key.private_numbers().private_value, size))
    elif isinstance(key, (ed25519.Ed25519PrivateKey,
                          ed25519.Ed25519PublicKey)):
        pubk = key.public_key() if isinstance(
            key, ed25519.Ed25519PrivateKey) else key
        x = pubk.public_bytes(serialization.Encoding.Raw,
                              serialization.PublicFormat.Raw)
        j = {"kty": "OKP", "crv": "Ed25519", "x": b64u(x)}
        if private:
            j["d"] = b64u(key.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                serialization.NoEncryption()))
    else:
        raise TypeError(key)
    j.update(extra)
    return j


def oct_jwk(secret, **extra):
    j = {"kty": "oct", "k": b64u(secret)}
    j.update(extra)
    return j


def public_of(key):
    return key.public_key() if hasattr(key, "public_key") else key


def pem_spki(key):
    return public_of(key).public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo)


def der_spki(key):
    return public_of(key).public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)


def pem_pkcs1(key):
    return public_of(key).public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.PKCS1)


def der_pkcs1(key):
    return public_of(key).public_bytes(serialization.Encoding.DER,
                                       serialization.PublicFormat.PKCS1)


def pem_private(key):
    return key.private_bytes(serialization.Encoding.PEM,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


# ---------------------------------------------------------------- signing

def sign(alg, key, msg):
    """The JWS signature bytes of `msg` (the ASCII signing input)."""
    if isinstance(msg, str):
        msg = msg.encode()
    if alg in HS_HASH:
        return hmac.new(key, msg, HS_HASH[alg]).digest()
    if alg[:2] in ("RS", "PS"):
        h = RSA_HASH[alg[2:]]()
        if alg[:2] == "RS":
            return key.sign(msg, padding.PKCS1v15(), h)
        return key.sign(msg, padding.PSS(mgf=padding.MGF1(h),
                                         salt_length=h.digest_size), h)
    if alg in CURVES:
        der = key.sign(msg, ec.ECDSA(CURVES[alg][1]()))
        r, s = decode_dss_signature(der)
        size = CURVES[alg][2]
        return i2b(r, size) + i2b(s, size)
    if alg in ("EdDSA", "Ed25519"):
        return key.sign(msg)
    raise ValueError(alg)


def ecdsa_der(alg, key, msg):
    """The DER (X9.62) form, which JWS forbids (RFC 7518 §3.4)."""
    return key.sign(msg.encode() if isinstance(msg, str) else msg,
                    ec.ECDSA(CURVES[alg][1]()))


def raw_to_der(raw):
    half = len(raw) // 2
    return encode_dss_signature(b2i(raw[:half]), b2i(raw[half:]))


def token(header, payload, alg=None, key=None, sig=None):
    """A compact JWS. header/payload: dict, bytes or ready segment str.
    The signature is computed over the exact ASCII segments given, unless
    `sig` (bytes or segment str) is supplied."""
    h, p = seg(header), seg(payload)
    if sig is None:
        if alg is None:
            alg = header["alg"]
        sig = sign(alg, key, "%s.%s" % (h, p))
    return compact(h, p, sig)


def signed(hseg, pseg, alg, key):
    """Sign exactly the given (possibly non-canonical) ASCII segments."""
    return compact(hseg, pseg, sign(alg, key, "%s.%s" % (hseg, pseg)))
