#!/usr/bin/env python3
"""fuzz/make_seeds.py - write the seed corpora under fuzz/corpus/<target>/.

Run once by hand (the output is committed): python3 fuzz/make_seeds.py
It reads the shared vectors in place (JG_VECTORS, default ../shared/vectors
next to the checkout) and writes:
  - every jws/jwe string of the Wycheproof json_web_*_test.json files and
    every output (compact, json, json_flat) of the RFC 7520 cookbook into
    corpus/jws/ (the jwe ones show the verifier a shape it must refuse, and
    are ready for a JWE target);
  - every key and key set of those files into corpus/jwk/ and corpus/jwks/;
  - tokens signed with the fuzz targets' fixed keys (fuzz/fuzz.h), so the
    fuzzer starts from inputs that pass every check;
  - hand-made edge cases for every target (JSON in the spirit of
    JSONTestSuite, base64url, keys, claims).
Files it does not name (finds, minimised crashes) are left alone.
Needs only the standard library and python3-cryptography.
"""
import base64
import hashlib
import hmac
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
VECTORS = os.environ.get("JG_VECTORS") or os.path.join(
    HERE, "..", "..", "shared", "vectors")

# The fixed keys of fuzz/fuzz.h
HS_SECRET = b"jwtguard-fuzz-fixed-hs256-key-01"
HS_KID = "fz-hs"
ES_JWK = {"kty": "EC", "crv": "P-256",
          "x": "MfPOXXss9FmVmUvqmQa9j5nWNmiYBX0BM_2wFHtiwTE",
          "y": "Bkkvkrjvnf_TAhtKbOLvV5wdnOGI7Qundbhl76zhnXE",
          "d": "Tns7BRB_jpAZQqhyZfWCL0Djdx0yXKb-wOVrQR23zbY",
          "alg": "ES256", "kid": "fz-es"}
ES_PEM_PUB = (b"-----BEGIN PUBLIC KEY-----\n"
              b"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMfPOXXss9FmVmUvqmQa9j5nWNmiY\n"
              b"BX0BM/2wFHtiwTEGSS+SuO+d/9MCG0ps4u9XnB2c4YjtC6d1uGXvrOGdcQ==\n"
              b"-----END PUBLIC KEY-----\n")
NOW = 1700000000  # the fixed clock of fuzz_jwt.c

written = {}


def b64(b):
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def compact_json(obj):
    return json.dumps(obj, separators=(",", ":"))


def put(target, name, data):
    name = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    written[target] = written.get(target, 0) + 1


def load(rel):
    with open(os.path.join(VECTORS, rel), encoding="utf-8") as f:
        return json.load(f)


# ---- signing with the fixed keys ----

def hs256(signing_input):
    return hmac.new(HS_SECRET, signing_input.encode(), hashlib.sha256).digest()


def es256(signing_input):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import \
        decode_dss_signature
    d = int.from_bytes(unb64(ES_JWK["d"]), "big")
    key = ec.derive_private_key(d, ec.SECP256R1())
    try:  # RFC 6979 where this cryptography has it: stable seeds
        algo = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)
    except TypeError:
        algo = ec.ECDSA(hashes.SHA256())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), algo))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def sign_compact(header, payload, signer, b64_payload=True):
    h = b64(compact_json(header) if isinstance(header, dict) else header)
    p = b64(payload) if b64_payload else payload
    return h + "." + p + "." + b64(signer(h + "." + p))


def sign_json_entry(header, payload_seg, signer, unprotected=None):
    h = b64(compact_json(header))
    e = {"protected": h, "signature": b64(signer(h + "." + payload_seg))}
    if unprotected is not None:
        e["header"] = unprotected
    return e


# ---- corpus/jws ----

def jws_vectors():
    for fn, short in (("json_web_signature_test.json", "sig"),
                      ("json_web_key_test.json", "key"),
                      ("json_web_crypto_test.json", "crypto"),
                      ("json_web_encryption_test.json", "enc")):
        d = load("wycheproof/" + fn)
        for g in d["testGroups"]:
            for t in g["tests"]:
                for k in ("jws", "jwe"):
                    if k in t:
                        v = t[k]
                        if not isinstance(v, str):
                            v = compact_json(v)
                        put("jws", "wy_%s_%s_%d" % (short, k, t["tcId"]), v)
    root = os.path.join(VECTORS, "rfc7520")
    for dp, _, files in sorted(os.walk(root)):
        for fn in sorted(files):
            if not fn.endswith(".json"):
                continue
            rel = os.path.relpath(os.path.join(dp, fn), root)
            d = load("rfc7520/" + rel)
            base = "rfc7520_" + rel.replace("/", "_")[:-5]
            parts = [("", d)] + [(k + "_", d[k]) for k in ("sign", "encrypt")
                                 if isinstance(d.get(k), dict)]
            for pre, part in parts:
                out = part.get("output")
                if not isinstance(out, dict):
                    continue
                for kind in ("compact", "json", "json_flat"):
                    v = out.get(kind)
                    if v is None:
                        continue
                    if not isinstance(v, str):
                        v = compact_json(v)
                    put("jws", "%s_%s%s" % (base, pre, kind), v)


def jws_fixed():
    claims = compact_json({"iss": "https://issuer.example", "sub": "u1",
                           "aud": "api", "exp": NOW + 600, "iat": NOW})
    hs = {"alg": "HS256", "typ": "JWT"}
    hs_kid = {"alg": "HS256", "kid": HS_KID}
    es = {"alg": "ES256", "typ": "JWT"}
    es_kid = {"alg": "ES256", "kid": "fz-es"}
    put("jws", "fx_hs_compact", sign_compact(hs, claims, hs256))
    put("jws", "fx_hs_compact_kid", sign_compact(hs_kid, claims, hs256))
    put("jws", "fx_hs_compact_empty_payload", sign_compact(hs, "", hs256))
    put("jws", "fx_hs_compact_binary_payload",
        sign_compact(hs, b"\x00\xff\x80", hs256))
    put("jws", "fx_hs_compact_wrong_kid",
        sign_compact({"alg": "HS256", "kid": "other"}, claims, hs256))
    put("jws", "fx_es_compact", sign_compact(es, claims, es256))
    put("jws", "fx_es_compact_kid", sign_compact(es_kid, claims, es256))
    tok = sign_compact(es, claims, es256)
    h, p, s = tok.split(".")
    sig = unb64(s)
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    r, sv = sig[:32], int.from_bytes(sig[32:], "big")
    put("jws", "fx_es_compact_high_s",
        h + "." + p + "." + b64(r + (n - sv).to_bytes(32, "big")))
    put("jws", "fx_es_compact_r0_s0", h + "." + p + "." + b64(bytes(64)))
    put("jws", "fx_es_compact_truncated_sig", h + "." + p + "." + b64(sig[:63]))
    put("jws", "fx_es_compact_empty_sig", h + "." + p + ".")
    from cryptography.hazmat.primitives.asymmetric.utils import \
        encode_dss_signature
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                               int.from_bytes(sig[32:], "big"))
    put("jws", "fx_es_compact_der_sig", h + "." + p + "." + b64(der))
    # RFC 7797: b64:false, only the hs256+b64 verifier accepts
    b64h = {"alg": "HS256", "b64": False, "crit": ["b64"]}
    put("jws", "fx_hs_b64false_dot_payload",
        sign_compact(b64h, "$.02 unencoded", hs256, b64_payload=False))
    raw = "$02 unencoded"
    put("jws", "fx_hs_b64false_compact_ok",
        sign_compact(b64h, raw, hs256, b64_payload=False))
    put("jws", "fx_hs_b64false_no_crit",
        sign_compact({"alg": "HS256", "b64": False}, raw, hs256,
                     b64_payload=False))
    put("jws", "fx_hs_b64true_crit",
        sign_compact({"alg": "HS256", "b64": True, "crit": ["b64"]}, claims,
                     hs256))
    put("jws", "fx_hs_crit_unknown",
        sign_compact({"alg": "HS256", "crit": ["x"], "x": 1}, claims, hs256))
    # key confusion: the EC public key (PEM, JWK text, x||y) as HMAC secret
    pub_jwk = compact_json({k: ES_JWK[k] for k in ("crv", "kty", "x", "y")})
    xy = unb64(ES_JWK["x"]) + unb64(ES_JWK["y"])
    for name, secret in (("pem", ES_PEM_PUB), ("jwk", pub_jwk.encode()),
                         ("xy", xy)):
        hh = b64(compact_json({"alg": "HS256"}))
        pp = b64(claims)
        mac = hmac.new(secret, (hh + "." + pp).encode(), hashlib.sha256)
        put("jws", "fx_confusion_hs256_with_ec_" + name,
            hh + "." + pp + "." + b64(mac.digest()))
    for alg in ("none", "None", "NONE", "nOnE"):
        put("jws", "fx_alg_" + alg,
            b64(compact_json({"alg": alg})) + "." + b64(claims) + ".")
    # JSON serialization
    pseg = b64(claims)
    put("jws", "fx_hs_json_flat", compact_json(dict(
        sign_json_entry(hs, pseg, hs256), payload=pseg)))
    put("jws", "fx_es_json_flat", compact_json(dict(
        sign_json_entry(es_kid, pseg, es256, {"x-note": "unprotected"}),
        payload=pseg)))
    put("jws", "fx_json_general_es_hs", compact_json({
        "payload": pseg, "signatures": [
            sign_json_entry(es_kid, pseg, es256),
            sign_json_entry(hs_kid, pseg, hs256)]}))
    bad = sign_json_entry(hs, pseg, hs256)
    bad["signature"] = b64(bytes(32))
    put("jws", "fx_json_general_bad_then_good", compact_json({
        "payload": pseg, "signatures": [bad,
                                        sign_json_entry(hs, pseg, hs256)]}))
    put("jws", "fx_json_unprotected_alg", compact_json(dict(
        sign_json_entry({"typ": "JWT"}, pseg, hs256, {"alg": "HS256"}),
        payload=pseg)))
    put("jws", "fx_json_unprotected_kid", compact_json(dict(
        sign_json_entry(hs, pseg, hs256, {"kid": HS_KID}), payload=pseg)))
    put("jws", "fx_hs_json_b64false", compact_json(dict(
        sign_json_entry(b64h, "any.bytes here", hs256),
        payload="any.bytes here")))
    put("jws", "fx_json_mixed_general_flat", compact_json(dict(
        sign_json_entry(hs, pseg, hs256), payload=pseg,
        signatures=[sign_json_entry(hs, pseg, hs256)])))
    put("jws", "fx_json_detached", compact_json(
        sign_json_entry(hs, pseg, hs256)))
    # shapes
    put("jws", "fx_many_dots", "a." * 200 + "a")
    put("jws", "fx_four_segments", tok + ".x")
    put("jws", "fx_empty", "")
    put("jws", "fx_dots_only", "..")
    put("jws", "fx_padded", sign_compact(hs, claims, hs256) + "=")
    put("jws", "fx_dup_alg", b64('{"alg":"HS256","alg":"none"}') + "." +
        b64(claims) + ".")


# ---- corpus/jwk and corpus/jwks ----

def keys_vectors():
    singles, sets = {}, {}
    for fn in ("json_web_signature_test.json", "json_web_key_test.json",
               "json_web_crypto_test.json", "json_web_encryption_test.json"):
        for g in load("wycheproof/" + fn)["testGroups"]:
            for k in ("private", "public"):
                v = g.get(k)
                if not isinstance(v, dict):
                    continue
                txt = compact_json(v)
                if "keys" in v:
                    sets[txt] = "wy_" + g["comment"][:24]
                    for m in v["keys"]:
                        singles.setdefault(compact_json(m),
                                           "wy_" + g["comment"][:24])
                else:
                    singles.setdefault(txt, "wy_" + g["comment"][:24])
    for fn in sorted(os.listdir(os.path.join(VECTORS, "rfc7520", "jwk"))):
        if fn.endswith(".json"):
            singles.setdefault(compact_json(load("rfc7520/jwk/" + fn)),
                               "rfc7520_" + fn[:-5])
    for i, (txt, name) in enumerate(sorted(singles.items(),
                                           key=lambda kv: kv[1] + kv[0])):
        put("jwk", "%s_%03d" % (name, i), txt)
    for i, (txt, name) in enumerate(sorted(sets.items(),
                                           key=lambda kv: kv[1] + kv[0])):
        put("jwks", "%s_%03d" % (name, i), txt)



def keys_handmade():
    from cryptography.hazmat.primitives.asymmetric import (ec, ed448, ed25519,
                                                           rsa, x25519)
    from cryptography.hazmat.primitives import serialization as ser

    def ibytes(n, size=None):
        size = size or max(1, (n.bit_length() + 7) // 8)
        return n.to_bytes(size, "big")

    made = {}

    def ec_jwk(curve, name, size):
        k = ec.generate_private_key(curve)
        pn = k.private_numbers()
        return {"kty": "EC", "crv": name,
                "x": b64(ibytes(pn.public_numbers.x, size)),
                "y": b64(ibytes(pn.public_numbers.y, size)),
                "d": b64(ibytes(pn.private_value, size))}

    made["ec_p256"] = ec_jwk(ec.SECP256R1(), "P-256", 32)
    made["ec_p384"] = ec_jwk(ec.SECP384R1(), "P-384", 48)
    made["ec_p521"] = ec_jwk(ec.SECP521R1(), "P-521", 66)
    made["ec_secp256k1"] = ec_jwk(ec.SECP256K1(), "secp256k1", 32)
    rk = rsa.generate_private_key(65537, 2048).private_numbers()
    made["rsa2048"] = {
        "kty": "RSA", "n": b64(ibytes(rk.public_numbers.n)),
        "e": b64(ibytes(rk.public_numbers.e)), "d": b64(ibytes(rk.d)),
        "p": b64(ibytes(rk.p)), "q": b64(ibytes(rk.q)),
        "dp": b64(ibytes(rk.dmp1)), "dq": b64(ibytes(rk.dmq1)),
        "qi": b64(ibytes(rk.iqmp)), "alg": "PS256"}
    for name, cls, crv in (("ed25519", ed25519.Ed25519PrivateKey, "Ed25519"),
                           ("ed448", ed448.Ed448PrivateKey, "Ed448"),
                           ("x25519", x25519.X25519PrivateKey, "X25519")):
        k = cls.generate()
        made["okp_" + name] = {
            "kty": "OKP", "crv": crv,
            "x": b64(k.public_key().public_bytes(ser.Encoding.Raw,
                                                 ser.PublicFormat.Raw)),
            "d": b64(k.private_bytes(ser.Encoding.Raw,
                                     ser.PrivateFormat.Raw,
                                     ser.NoEncryption()))}
    ec1 = dict(ES_JWK)
    made["fixed_es256"] = ec1
    made["fixed_es256_public"] = {k: v for k, v in ec1.items() if k != "d"}
    made["fixed_hs256"] = {"kty": "oct", "k": b64(HS_SECRET),
                           "alg": "HS256", "kid": HS_KID}
    p = made["ec_p256"]
    made["ec_off_curve"] = dict(p, y=b64(bytes(31) + b"\x01"))
    made["ec_d_mismatch"] = dict(p, d=made["fixed_es256"]["d"])
    made["ec_d_zero"] = dict(p, d=b64(bytes(32)))
    made["ec_short_x"] = dict(p, x=p["x"][:-2])
    made["ec_alg_es384"] = dict(made["fixed_es256_public"], alg="ES384")
    made["ec_use_enc"] = dict(made["fixed_es256_public"], use="enc")
    made["ec_use_ops_conflict"] = dict(made["fixed_es256"], use="enc",
                                       key_ops=["sign"])
    made["ec_key_ops_sign_only"] = dict(made["fixed_es256"],
                                        key_ops=["sign"])
    made["ec_key_ops_dup"] = dict(made["fixed_es256"],
                                  key_ops=["verify", "verify"])
    made["ec_key_ops_empty"] = dict(made["fixed_es256"], key_ops=[])
    made["ec_crv_unknown"] = dict(made["fixed_es256_public"], crv="P-192")
    made["kty_unknown"] = {"kty": "XYZ", "x": "AA"}
    made["kty_missing"] = {"k": b64(HS_SECRET)}
    made["oct_short"] = {"kty": "oct", "k": b64(b"0123456789abcdef")}
    made["oct_empty"] = {"kty": "oct", "k": ""}
    made["oct_hs512_too_short"] = {"kty": "oct", "k": b64(HS_SECRET),
                                   "alg": "HS512"}
    made["oct_hs512"] = {"kty": "oct", "k": b64(HS_SECRET * 2),
                         "alg": "HS512", "use": "sig",
                         "key_ops": ["sign", "verify"]}
    made["oct_alg_rs256"] = {"kty": "oct", "k": b64(HS_SECRET),
                             "alg": "RS256"}
    made["oct_padded_k"] = {"kty": "oct", "k": b64(HS_SECRET) + "="}
    made["oct_kid_nul"] = {"kty": "oct", "k": b64(HS_SECRET),
                           "kid": "a\u0000b"}
    made["rsa_public_e1"] = {"kty": "RSA", "n": made["rsa2048"]["n"],
                             "e": "AQ"}
    made["rsa_public_even_e"] = {"kty": "RSA", "n": made["rsa2048"]["n"],
                                 "e": "AAI"}
    made["rsa_public_small_n"] = {"kty": "RSA", "n": b64(ibytes(3233)),
                                  "e": "AQAB"}
    made["rsa_wrong_d"] = dict(made["rsa2048"], d=made["rsa2048"]["dp"])
    made["rsa_no_crt"] = {k: made["rsa2048"][k] for k in ("kty", "n", "e",
                                                          "d")}
    made["okp_ed25519_bad_x"] = dict(made["okp_ed25519"], x=b64(bytes(32)))
    made["okp_ed25519_public"] = {"kty": "OKP", "crv": "Ed25519",
                                  "x": made["okp_ed25519"]["x"]}
    for name, k in made.items():
        put("jwk", "hm_" + name, compact_json(k))
    # text-level oddities the dict form cannot hold
    put("jwk", "hm_dup_member",
        '{"kty":"oct","k":"%s","k":"AAAA"}' % b64(HS_SECRET))
    put("jwk", "hm_not_object", '["kty","oct"]')
    put("jwk", "hm_kty_number", '{"kty":1}')
    put("jwk", "hm_empty", "")
    return made


def jwks_handmade(made):
    pub = {k: v for k, v in made.items()
           if v.get("kty") in ("EC", "RSA", "OKP") and "d" not in v}
    def s(*keys):
        return compact_json({"keys": list(keys)})
    e, h = made["fixed_es256_public"], made["fixed_hs256"]
    put("jwks", "hm_fixed_es256", s(e))
    put("jwks", "hm_fixed_hs256", s(h))
    put("jwks", "hm_empty_keys", s())
    put("jwks", "hm_keys_not_array", '{"keys":{}}')
    put("jwks", "hm_no_keys", '{"kids":[]}')
    put("jwks", "hm_mixed_sym_asym", s(e, h))
    put("jwks", "hm_mixed_priv_pub", s(e, made["ec_p256"]))
    put("jwks", "hm_dup_kid", s(dict(e, kid="same"),
                                dict(made["okp_ed25519_public"], kid="same")))
    put("jwks", "hm_unknown_kty_skipped", s({"kty": "XYZ"}, e))
    put("jwks", "hm_unknown_crv_skipped", s(made["ec_crv_unknown"], e))
    put("jwks", "hm_only_unknown", s({"kty": "XYZ"}))
    put("jwks", "hm_public_mix", s(*[dict(v, kid=k) for k, v in
                                     sorted(pub.items())]))
    put("jwks", "hm_private_mix", s(
        dict(made["ec_p384"], kid="a"), dict(made["okp_ed25519"], kid="b"),
        dict(made["ec_secp256k1"], kid="c"), dict(made["okp_ed448"],
                                                  kid="d")))
    put("jwks", "hm_bad_member", s(e, made["ec_off_curve"]))
    put("jwks", "hm_member_not_object", '{"keys":[1,"x",null]}')
    put("jwks", "hm_same_key_twice_no_kid", s(made["okp_ed25519_public"],
                                              made["okp_ed25519_public"]))
    put("jwks", "hm_dup_keys_member", '{"keys":[],"keys":[]}')
    put("jwks", "hm_secrets", s(dict(h, kid="1"), dict(made["oct_hs512"],
                                                        kid="2")))


# ---- corpus/json: in the spirit of JSONTestSuite ----

JSON_CASES = {
    # accepted
    "y_empty_object": "{}", "y_empty_array": "[]", "y_ws": " \t\r\n[ ] ",
    "y_string_empty": '""', "y_zero": "0", "y_minus_zero": "-0",
    "y_minus_zero_double": "-0.0", "y_true": "true", "y_false": "false",
    "y_null": "null", "y_int64_max": "9223372036854775807",
    "y_int64_min": "-9223372036854775808", "y_exp": "1E+2",
    "y_frac_exp": "-1.0e-2", "y_double_max": "1.7976931348623157e308",
    "y_double_min_normal": "2.2250738585072014e-308",
    "y_subnormal_min": "5e-324", "y_zero_huge_exp": "0e999999",
    "y_long_mantissa": "1.000000000000000000000000000000000001",
    "y_round_half_even": "9007199254740993",
    "y_escapes": r'"\"\\\/\b\f\n\r\t"',
    "y_u_escape": r'"\u00e9\u20AC\uFFFF"',
    "y_surrogate_pair": r'"\ud83d\ude00"', "y_u0000": r'"a\u0000b"',
    "y_name_u0000": r'{"a\u0000":1,"a":2}',
    "y_utf8_raw": '"\u00e9\u20ac\U0001F600\U0010FFFF"',
    "y_nfc_nfd_names": '{"\u00e9":1,"e\u0301":2}',
    "y_nested": '{"a":[1,{"b":[true,false,null]},"x"],"c":{}}',
    "y_jose_header": '{"alg":"ES256","kid":"k1","typ":"JWT","crit":["b64"],"b64":false}',
    "y_claims": '{"iss":"https://id.example","sub":"u","aud":["a","b"],"exp":1700000600,"nbf":1.5e9,"iat":1700000000,"jti":"x"}',
    "y_deep_32": "[" * 32 + "]" * 32,
    "y_many_members_256": "{" + ",".join('"k%d":%d' % (i, i)
                                         for i in range(256)) + "}",
    # accepted by generous limits only
    "l_deep_33": "[" * 33 + "]" * 33,
    "l_deep_1001": "[" * 1001 + "]" * 1001,
    "l_many_members_257": "[" + ",".join("0" for _ in range(257)) + "]",
    "l_int64_max_plus_1": "9223372036854775808",
    "l_int64_min_minus_1": "-9223372036854775809",
    "l_overflow": "1e309", "l_neg_overflow": "-1e309",
    "l_underflow": "1e-400", "l_underflow_2e-324": "2e-324",
    "l_underflow_in_array": "[1, 123.456e-789]",
    # rejected
    "n_empty": "", "n_ws_only": " ", "n_dup": '{"a":1,"a":2}',
    "n_dup_escaped": r'{"a":1,"\u0061":2}',
    "n_dup_nested": '[{"x":{"b":1,"b":1}}]',
    "n_trailing_comma": "[1,]", "n_trailing_comma_obj": '{"a":1,}',
    "n_comment": "[1]//c", "n_block_comment": "/**/[]",
    "n_single_quote": "['a']", "n_unquoted_name": "{a:1}",
    "n_nan": "NaN", "n_infinity": "[Infinity]", "n_hex": "0x10",
    "n_leading_zero": "01", "n_neg_leading_zero": "-01", "n_plus": "+1",
    "n_dot_first": ".5", "n_dot_last": "1.", "n_dot_e": "1.e1",
    "n_e_only": "1e", "n_minus": "-", "n_bad_escape": r'"\x41"',
    "n_u_short": r'"\u12"', "n_lone_high": r'"\ud800"',
    "n_lone_low": r'"\udc00"', "n_inverted_pair": r'"\udc00\ud800"',
    "n_high_then_char": r'"\ud800x"', "n_raw_control": '"a\tb"',
    "n_raw_newline": '"a\nb"', "n_bom": "\ufeff{}",
    "n_formfeed_ws": "[\f1]", "n_vtab_ws": "[\x0b1]", "n_nbsp_ws": "[\u00a01]",
    "n_trailing_garbage": "{}x", "n_two_docs": "{} {}",
    "n_unclosed_array": "[1,2", "n_unclosed_object": '{"a":1',
    "n_unclosed_string": '"abc', "n_missing_value": '{"a":}',
    "n_missing_colon": '{"a" 1}', "n_extra_close": "[]]",
    "n_true_prefix": "tru", "n_true_suffix": "truex",
    "n_array_colon": "[1:2]", "n_object_array": '{"a":1]',
}
JSON_BYTES = {
    "n_nul_after_number": b"1\x00", "n_nul_in_array": b"[1\x00]",
    "n_nul_after_true": b"[true\x00]", "n_nul_raw_in_string": b'["\x00"]',
    "n_utf8_overlong": b'"\xc0\x80"', "n_utf8_surrogate": b'"\xed\xa0\x80"',
    "n_utf8_above_max": b'"\xf4\x90\x80\x80"', "n_utf8_ff": b'"\xff"',
    "n_utf8_truncated": b'"\xe2\x82"', "n_utf8_cont": b'"\x80"',
    "n_latin1": b'"caf\xe9"', "n_utf16le": b'\xff\xfe[\x00]\x00',
    "n_name_bad_utf8": b'{"\xc3":1}',
}


def json_cases():
    for name, text in JSON_CASES.items():
        put("json", name, text)
    for name, data in JSON_BYTES.items():
        put("json", name, data)


# ---- corpus/b64url ----

def b64url_cases(tokens):
    cases = {
        "empty": "", "one": "A", "two": "AA", "two_noncanon": "AB",
        "three": "AAA", "three_noncanon": "AAB", "four": "AAAA", "QQ": "QQ",
        "QUI": "QUI", "QUJD": "QUJD", "url_chars": "-_-_",
        "std_chars": "+/+/", "padded": "QQ==", "padded_one": "QUI=",
        "newline": "QUJD\n", "space_first": " QUJD", "space_inside": "QU JD",
        "header": "eyJhbGciOiJIUzI1NiJ9", "all_max": "____",
        "five": "QUJDR", "six": "QUJDRA", "hs_secret": b64(HS_SECRET),
        "ff": b64(b"\xff\xff\xff\xfe"), "percent": "%41",
    }
    for name, s in cases.items():
        put("b64url", name, s)
    put("b64url", "nul_inside", b"QU\x00J")
    put("b64url", "high_bytes", b"QU\xc3\xa9")
    # the segments of a few real tokens
    for i, tok in enumerate(tokens):
        for j, seg in enumerate(tok.split(".")[:3]):
            if seg:
                put("b64url", "seg_%d_%d" % (i, j), seg)


# ---- corpus/jwt: 2 policy/header selector bytes + claims ----

def jwt_cases():
    def sel(b0=0, b1=0):
        return bytes([b0, b1])
    ISS, EXP = "https://issuer.example", NOW + 600
    good = {"iss": ISS, "sub": "u1", "aud": "api", "exp": EXP, "iat": NOW,
            "jti": "j1"}
    c = compact_json
    OWN = 0x80
    cases = {
        # b0: 1 iss, 2 aud api, 4 aud web, 8 typ, 0x30 leeway, 0x40 max
        # age, 0x80 exp optional; b1: 1 sub, 2 min remaining, 0x0c typ
        # header, 0x10 kid, 0x20 small limits, 0x40 jti, 0x80 own header
        "ok_plain": sel() + c({"exp": EXP}).encode(),
        "ok_everything": sel(0x4f, 0x5b) + c(good).encode(),
        "ok_aud_array_web": sel(0x04) + c(dict(good, aud=["x", "web"])).encode(),
        "ok_typ_app": sel(0x08, 0x0c) + c(good).encode(),
        "ok_leeway_300": sel(0x30) + c({"exp": NOW - 200}).encode(),
        "ok_exp_double": sel() + c({"exp": EXP + 0.5}).encode(),
        "ok_no_exp_allowed": sel(0x80) + c({"sub": "x"}).encode(),
        "ok_small_limits": sel(0, 0x20) + c({"exp": EXP}).encode(),
        "expired": sel() + c({"exp": NOW - 31}).encode(),
        "expired_leeway_0": sel(0x10) + c({"exp": NOW}).encode(),
        "exp_boundary": sel() + c({"exp": NOW - 30}).encode(),
        "nbf_future": sel() + c({"exp": EXP, "nbf": NOW + 31}).encode(),
        "iat_future": sel() + c({"exp": EXP, "iat": NOW + 3600}).encode(),
        "too_old": sel(0x40) + c({"exp": EXP, "iat": NOW - 700}).encode(),
        "max_age_no_iat": sel(0x40) + c({"exp": EXP}).encode(),
        "min_remaining": sel(0, 0x02) + c({"exp": NOW + 10}).encode(),
        "no_exp": sel() + c({"sub": "x"}).encode(),
        "exp_string": sel() + c({"exp": str(EXP)}).encode(),
        "exp_bool": sel() + c({"exp": True}).encode(),
        "exp_null": sel() + c({"exp": None}).encode(),
        "exp_negative": sel() + c({"exp": -1}).encode(),
        "exp_huge": sel() + b'{"exp":1e300}',
        "exp_overflow": sel() + b'{"exp":1e400}',
        "exp_int_overflow": sel() + b'{"exp":99999999999999999999}',
        "exp_dup": sel() + b'{"exp":1700000600,"exp":1}',
        "exp_nul_name": sel() + b'{"exp\\u0000":1,"exp":1700000600}',
        "iss_wrong": sel(0x01) + c(dict(good, iss="https://evil")).encode(),
        "iss_number": sel(0x01) + c(dict(good, iss=1)).encode(),
        "iss_missing": sel(0x01) + c({"exp": EXP}).encode(),
        "aud_object": sel(0x02) + c(dict(good, aud={"a": "api"})).encode(),
        "aud_array_number": sel(0x02) + c(dict(good, aud=["api", 1])).encode(),
        "aud_wrong": sel(0x02) + c(dict(good, aud="apx")).encode(),
        "aud_missing": sel(0x06) + c({"exp": EXP}).encode(),
        "typ_missing": sel(0x08) + c(good).encode(),
        "typ_jwt": sel(0x08, 0x04) + c(good).encode(),
        "sub_required": sel(0, 0x01) + c({"exp": EXP}).encode(),
        "sub_number": sel() + c({"exp": EXP, "sub": 5}).encode(),
        "jti_required": sel(0, 0x40) + c({"exp": EXP}).encode(),
        "claims_array": sel() + b"[1]",
        "claims_string": sel() + b'"x"',
        "claims_empty": sel(),
        "claims_bad_json": sel() + b'{"exp":1700000600,}',
        "claims_deep": sel() + b'{"a":' + b"[" * 40 + b"]" * 40 + b',"exp":1700000600}',
        "claims_small_limit": sel(0, 0x20) + c(dict(good, pad="x" * 300)).encode(),
        "claims_bad_utf8": sel() + b'{"exp":1700000600,"n":"\xff"}',
        "own_hdr_ok": sel(0, OWN) + b'{"alg":"HS256","typ":"JWT"}\x00' + c(good).encode(),
        "own_hdr_none": sel(0, OWN) + b'{"alg":"none"}\x00' + c(good).encode(),
        "own_hdr_lowercase": sel(0, OWN) + b'{"alg":"hs256"}\x00' + c(good).encode(),
        "own_hdr_es256": sel(0, OWN) + b'{"alg":"ES256"}\x00' + c(good).encode(),
        "own_hdr_kid_traversal": sel(0, OWN) + b'{"alg":"HS256","kid":"../../../dev/null"}\x00' + c(good).encode(),
        "own_hdr_kid_sql": sel(0, OWN) + b'{"alg":"HS256","kid":"x\' OR \'1\'=\'1"}\x00' + c(good).encode(),
        "own_hdr_kid_nul": sel(0, OWN) + b'{"alg":"HS256","kid":"fz-hs\\u0000"}\x00' + c(good).encode(),
        "own_hdr_kid_ok": sel(0, OWN) + b'{"alg":"HS256","kid":"fz-hs"}\x00' + c(good).encode(),
        "own_hdr_crit": sel(0, OWN) + b'{"alg":"HS256","crit":["exp"],"exp":1}\x00' + c(good).encode(),
        "own_hdr_b64false": sel(0, OWN) + b'{"alg":"HS256","b64":false,"crit":["b64"]}\x00' + c(good).encode(),
        "own_hdr_jwk": sel(0, OWN) + b'{"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}}\x00' + c(good).encode(),
        "own_hdr_dup_alg": sel(0, OWN) + b'{"alg":"HS256","alg":"none"}\x00' + c(good).encode(),
        "own_hdr_array": sel(0, OWN) + b'["HS256"]\x00' + c(good).encode(),
        "own_hdr_typ_number": sel(0x08, OWN) + b'{"alg":"HS256","typ":1}\x00' + c(good).encode(),
    }
    for name, data in cases.items():
        put("jwt", name, data)


def main():
    if not os.path.isdir(VECTORS):
        sys.exit("make_seeds.py: no vectors at %s (set JG_VECTORS)" % VECTORS)
    jws_vectors()
    jws_fixed()
    keys_vectors()
    made = keys_handmade()
    jwks_handmade(made)
    json_cases()
    toks = []
    for name in ("fx_hs_compact", "fx_es_compact", "fx_alg_none"):
        with open(os.path.join(CORPUS, "jws", name)) as f:
            toks.append(f.read())
    b64url_cases(toks)
    jwt_cases()
    for t in sorted(written):
        print("%-7s %4d seeds written" % (t, written[t]))


if __name__ == "__main__":
    main()
