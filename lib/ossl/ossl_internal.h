/* lib/ossl/ossl_internal.h - private to lib/ossl: what keys.c, pem.c,
 * sign.c and verify.c share.
 *
 * Three things live here: the algorithm facts of each JWS alg, the
 * process-wide table of pre-fetched OpenSSL algorithms (fetched once, never
 * on the hot path), and the per-key prepared state plus the per-thread
 * scratch cache that sign/verify reuse. Nothing outside lib/ossl includes
 * this file.
 */
#ifndef JGI_OSSL_INTERNAL_H
#define JGI_OSSL_INTERNAL_H

#include "../internal.h"
#include <openssl/evp.h>

/* ---- algorithm facts ---- */
enum { JGO_HS = 1, JGO_RS, JGO_PS, JGO_ES, JGO_ED };
enum { JGO_SHA256 = 0, JGO_SHA384 = 1, JGO_SHA512 = 2, JGO_NHASH = 3 };
enum { JGO_OP_MAC = 0, JGO_OP_SIGN = 1, JGO_OP_VERIFY = 2 };

typedef struct jgo_alg {
    int family; /* JGO_HS..JGO_ED, 0 = not a JWS alg */
    int hash;   /* JGO_SHA*, -1 for EdDSA */
    jg_crv crv; /* ES*: the one curve it allows */
} jgo_alg;

static inline jgo_alg jgo_alg_info(jg_alg alg)
{
    jgo_alg a = {0, -1, JG_CRV_NONE};
    switch (alg) {
    case JG_HS256: a.family = JGO_HS; a.hash = JGO_SHA256; break;
    case JG_HS384: a.family = JGO_HS; a.hash = JGO_SHA384; break;
    case JG_HS512: a.family = JGO_HS; a.hash = JGO_SHA512; break;
    case JG_RS256: a.family = JGO_RS; a.hash = JGO_SHA256; break;
    case JG_RS384: a.family = JGO_RS; a.hash = JGO_SHA384; break;
    case JG_RS512: a.family = JGO_RS; a.hash = JGO_SHA512; break;
    case JG_PS256: a.family = JGO_PS; a.hash = JGO_SHA256; break;
    case JG_PS384: a.family = JGO_PS; a.hash = JGO_SHA384; break;
    case JG_PS512: a.family = JGO_PS; a.hash = JGO_SHA512; break;
    case JG_ES256:
        a.family = JGO_ES; a.hash = JGO_SHA256; a.crv = JG_CRV_P256; break;
    case JG_ES384:
        a.family = JGO_ES; a.hash = JGO_SHA384; a.crv = JG_CRV_P384; break;
    case JG_ES512:
        a.family = JGO_ES; a.hash = JGO_SHA512; a.crv = JG_CRV_P521; break;
    case JG_ES256K:
        a.family = JGO_ES; a.hash = JGO_SHA256; a.crv = JG_CRV_SECP256K1;
        break;
    case JG_EDDSA: case JG_ED25519: case JG_ED448: a.family = JGO_ED; break;
    default: break;
    }
    return a;
}

static inline size_t jgo_hash_len(int hash)
{
    return hash == JGO_SHA256 ? 32 : hash == JGO_SHA384 ? 48 : 64;
}

/* ---- process-wide algorithms (keys.c) ---- */
#define JGO_EC_MAX 66 /* P-521 coordinate/scalar bytes */
typedef struct jgo_algs {
    EVP_MD *md[JGO_NHASH]; /* SHA-256, SHA-384, SHA-512 */
    EVP_MAC *hmac;
    /* Group orders, big-endian, left-padded to the coordinate size:
     * P-256, P-384, P-521, secp256k1 (index: jgo_ec_index). */
    uint8_t order[4][JGO_EC_MAX];
} jgo_algs;

/* Fetched once per process (pthread_once); NULL if that failed. */
const jgo_algs *jgi_ossl_algs(void);
/* 0..3 for the four ECDSA curves, -1 for anything else. */
int jgi_ossl_ec_index(jg_crv crv);

/* ---- per-key prepared state (k->prep; keys.c) ---- */
typedef struct jgo_prep {
    /* oct: a keyed HMAC template per hash, NULL where the secret is
     * shorter than the hash (RFC 7518 §3.2) or the key's alg excludes it.
     * Never used directly (EVP_MAC_init mutates): threads dup it. */
    EVP_MAC_CTX *hmac[JGO_NHASH];
    size_t sig_len; /* RSA modulus bytes; ECDSA 2 x coordinate; 64/114 */
    int ec_index;   /* EC: jgi_ossl_ec_index(k->crv) */
} jgo_prep;

/* ---- per-thread scratch (verify.c) ---- */
/* A context borrowed from the calling thread's cache, or made for this
 * one call (serial 0, or the cache could not be set up); jgo_lease_end
 * frees it in the second case. */
typedef struct jgo_lease {
    EVP_MAC_CTX *mac;
    EVP_PKEY_CTX *pctx;
    int temporary;
} jgo_lease;

/* A keyed HMAC context for (k, hash), reset and ready for updates. */
jg_err jgi_ossl_mac_lease(jgo_lease *l, const jg_key *k, int hash);
/* An EVP_PKEY_CTX for (k, alg, op) with padding/digest set, after
 * EVP_PKEY_sign_init/verify_init. */
jg_err jgi_ossl_pctx_lease(jgo_lease *l, const jg_key *k, jg_alg alg,
                           int op);
void jgi_ossl_lease_end(jgo_lease *l);
/* Hash msg into out (EVP_MAX_MD_SIZE bytes) with the thread's reused
 * digest context. */
jg_err jgi_ossl_digest(uint8_t *out, size_t *out_len, int hash,
                       const uint8_t *msg, size_t len);
/* Drop the calling thread's cached contexts of this key. */
void jgi_ossl_tl_forget(uint64_t serial);

/* ---- helpers (keys.c) ---- */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
void jgi_ossl_why(char *why, size_t whylen, const char *fmt, ...);
/* Append ": <OpenSSL's last error>" to why (if room) and clear the
 * OpenSSL error queue. */
void jgi_ossl_why_ossl(char *why, size_t whylen);

#endif /* JGI_OSSL_INTERNAL_H */
