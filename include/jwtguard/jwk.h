/* jwtguard/jwk.h - keys (RFC 7517, RFC 7518 §6, RFC 8037) and key sets.
 *
 * A jg_key is parsed and checked once, then holds ready backend objects, so
 * signing and verifying never parse or fetch anything. A key is bound to one
 * algorithm family: an RSA, EC or OKP key can never be used as an HMAC
 * secret, and an oct key only for HS* of at most its own strength.
 *
 * Refused at import (JG_E_KEY_INVALID): oct keys shorter than the hash of
 * their "alg" (or than 32 bytes without one) and empty ones; RSA moduli
 * under 2048 or over 16384 bits, even or tiny exponents; EC/OKP points not
 * on their curve; private and public halves that do not match; "use" and
 * "key_ops" that disagree; an "alg" that does not fit the key type/curve.
 *
 * Keys are immutable once made and may be shared between threads.
 */
#ifndef JG_JWK_H
#define JG_JWK_H

#include <jwtguard/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* JWS algorithms. "none" is deliberately absent: it has no value here. */
typedef enum jg_alg {
    JG_ALG_UNKNOWN = 0,
    JG_HS256, JG_HS384, JG_HS512,
    JG_RS256, JG_RS384, JG_RS512,
    JG_PS256, JG_PS384, JG_PS512,
    JG_ES256, JG_ES384, JG_ES512, JG_ES256K,
    JG_EDDSA,   /* "EdDSA": Ed25519 or Ed448, by the key's curve */
    JG_ED25519, /* "Ed25519" (RFC 9864 fully specified) */
    JG_ED448,   /* "Ed448" (RFC 9864) */
    JG_ALG__JWS_END
} jg_alg;

/* Exact, case-sensitive name lookup: "HS256" -> JG_HS256; anything else
 * (including "none", "None") -> JG_ALG_UNKNOWN. */
JG_API jg_alg jg_alg_from_name(const char *name, size_t len);
JG_API const char *jg_alg_name(jg_alg alg); /* "?" for unknown */

typedef enum jg_kty { JG_KTY_NONE = 0, JG_KTY_OCT, JG_KTY_RSA, JG_KTY_EC,
                      JG_KTY_OKP } jg_kty;

typedef enum jg_crv {
    JG_CRV_NONE = 0,
    JG_CRV_P256, JG_CRV_P384, JG_CRV_P521, JG_CRV_SECP256K1,
    JG_CRV_ED25519, JG_CRV_ED448, JG_CRV_X25519, JG_CRV_X448
} jg_crv;

/* key_ops bits (RFC 7517 §4.3) */
enum {
    JG_OP_SIGN = 1u << 0, JG_OP_VERIFY = 1u << 1,
    JG_OP_ENCRYPT = 1u << 2, JG_OP_DECRYPT = 1u << 3,
    JG_OP_WRAP = 1u << 4, JG_OP_UNWRAP = 1u << 5,
    JG_OP_DERIVE_KEY = 1u << 6, JG_OP_DERIVE_BITS = 1u << 7
};

typedef struct jg_key jg_key;

/* Parse one JWK (JSON object text). Unknown members are ignored; known
 * ones are checked strictly (see above). JG_E_MALFORMED for bad JSON or
 * base64url, JG_E_KEY_INVALID for a key that fails a check,
 * JG_E_UNSUPPORTED for an unknown kty/crv. */
JG_API JG_NODISCARD jg_err jg_key_from_jwk(jg_key **out /* OUT, owned */,
                                           const char *json, size_t len);
/* Import a PEM key: SPKI public, PKCS#8 private, traditional RSA/EC
 * private. `alg` (JG_ALG_UNKNOWN for none) is recorded as the key's alg
 * after checking that it fits. */
JG_API JG_NODISCARD jg_err jg_key_from_pem(jg_key **out /* OUT, owned */,
                                           const char *pem, size_t len,
                                           jg_alg alg);
/* A raw HMAC secret (bytes, not a passphrase): `alg` must be HS*, and the
 * secret at least as long as the hash output. */
JG_API JG_NODISCARD jg_err jg_key_from_secret(jg_key **out /* OUT, owned */,
                                              const uint8_t *secret,
                                              size_t len, jg_alg alg);
/* Generate a fresh key for `alg` from the OS CSPRNG: HS* get a secret of
 * the hash length, RS and PS 3072-bit RSA (rsa_bits overrides if non-zero,
 * at least 2048), ES* their curve, EdDSA/Ed25519 Ed25519, Ed448 Ed448.
 * kid is `kid` if given, else the RFC 7638 thumbprint; alg is set. */
JG_API JG_NODISCARD jg_err jg_key_generate(jg_key **out /* OUT, owned */,
                                           jg_alg alg, unsigned rsa_bits,
                                           const char *kid, size_t kid_len);
JG_API void jg_key_free(jg_key *k); /* wipes secrets; NULL ok */

/* Serialize as a JWK (compact JSON, members in RFC 7638 order then alg,
 * kid, use, key_ops). public_only drops every private member; for an oct
 * key public_only is refused with JG_E_KEY_MISMATCH (there is no public
 * half). */
JG_API JG_NODISCARD jg_err jg_key_to_jwk(jg_buf *out /* OUT */,
                                         const jg_key *k, int public_only);
/* PEM: SPKI when public_only or the key is public, else PKCS#8. oct keys:
 * JG_E_UNSUPPORTED. */
JG_API JG_NODISCARD jg_err jg_key_to_pem(jg_buf *out /* OUT */,
                                         const jg_key *k, int public_only);
/* RFC 7638 SHA-256 thumbprint, base64url (43 characters). */
JG_API JG_NODISCARD jg_err jg_key_thumbprint(jg_buf *out /* OUT */,
                                             const jg_key *k);

JG_API jg_kty jg_key_kty(const jg_key *k);
JG_API jg_crv jg_key_crv(const jg_key *k);
JG_API jg_alg jg_key_alg(const jg_key *k);    /* JG_ALG_UNKNOWN if unset */
JG_API int jg_key_is_private(const jg_key *k); /* oct keys count as private */
JG_API size_t jg_key_bits(const jg_key *k);
/* kid or NULL; *len set. */
JG_API const char *jg_key_kid(const jg_key *k, size_t *len);
/* Is `alg` usable with this key for `op` (JG_OP_SIGN or JG_OP_VERIFY)?
 * Checks type, curve, size, the key's own alg, use and key_ops. JG_OK or
 * JG_E_KEY_MISMATCH. */
JG_API JG_NODISCARD jg_err jg_key_check_alg(const jg_key *k, jg_alg alg,
                                            unsigned op);

/* ---- key sets (RFC 7517 §5) ---- */
typedef struct jg_keyset jg_keyset;

/* Parse a JWKS ({"keys":[...]}). A member of unknown kty (or crv) is
 * skipped, and counted in *skipped (may be NULL); the reasons can be read
 * with jg_keyset_skipped_reason. Refused (JG_E_KEY_INVALID): duplicate kids,
 * a mix of symmetric and asymmetric keys, a mix of private and public
 * keys, any member that fails the key checks, an empty result. */
JG_API JG_NODISCARD jg_err jg_keyset_from_jwks(jg_keyset **out /* OUT */,
                                               const char *json, size_t len,
                                               size_t *skipped /* OUT */);
/* A keyset holding one key (takes a reference; `k` stays the caller's). */
JG_API JG_NODISCARD jg_err jg_keyset_from_key(jg_keyset **out /* OUT */,
                                              const jg_key *k);
JG_API void jg_keyset_free(jg_keyset *ks);
JG_API size_t jg_keyset_count(const jg_keyset *ks);
JG_API const jg_key *jg_keyset_at(const jg_keyset *ks, size_t i);
/* Why skipped member i (0-based among the skipped) was dropped, or NULL. */
JG_API const char *jg_keyset_skipped_reason(const jg_keyset *ks, size_t i);
/* The key with exactly this kid (byte comparison), or NULL. */
JG_API const jg_key *jg_keyset_find(const jg_keyset *ks, const char *kid,
                                    size_t kid_len);
/* Public JWKS text of the set (private members dropped). */
JG_API JG_NODISCARD jg_err jg_keyset_to_jwks(jg_buf *out /* OUT */,
                                             const jg_keyset *ks,
                                             int public_only);

#ifdef __cplusplus
}
#endif
#endif /* JG_JWK_H */
