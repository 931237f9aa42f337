/* lib/internal.h - jgi_* helpers shared inside lib/, never installed.
 *
 * Four groups: memory (allocation wrappers that a test build can make
 * fail, a bump arena), codecs (strict base64url, the JSON reader's arena
 * entry point, the JSON writer), the key struct, and the crypto seam that
 * only lib/ossl/ and lib/sodium/ implement.
 */
#ifndef JGI_INTERNAL_H
#define JGI_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <jwtguard/jwtguard.h>

#if defined(__GNUC__) || defined(__clang__)
#define JGI_HIDDEN __attribute__((visibility("hidden")))
#else
#define JGI_HIDDEN
#endif

/* ---- memory (lib/mem.c) ---- */
/* Every allocation in lib/ goes through these, so the allocation-failure
 * torture test can make the n-th one fail (jgi_set_alloc_fail). */
void *jgi_malloc(size_t n);
void *jgi_calloc(size_t n, size_t size);
void *jgi_realloc(void *p, size_t n);
void jgi_free(void *p);
/* Make the n-th allocation from now fail (0 = never); returns the number of
 * allocations made since the last call. Exported for tests only. */
JG_API size_t jgi_set_alloc_fail(size_t n);
/* Programmer misuse (NULL where a value is required...): abort. */
_Noreturn void jgi_misuse(const char *what);
#define JGI_REQUIRE(cond) \
    do { if (!(cond)) jgi_misuse(#cond); } while (0)

char *jgi_strndup(const char *s, size_t n);

/* Bump arena: allocations come from `buf` (often a stack buffer) and then
 * from heap chunks; everything is released at once. Memory is 16-aligned. */
typedef struct jgi_chunk jgi_chunk;
typedef struct jgi_arena {
    uint8_t *buf;
    size_t cap, used;
    jgi_chunk *chunks; /* heap chunks, newest first */
} jgi_arena;
void jgi_arena_init(jgi_arena *a, void *buf, size_t cap);
void *jgi_arena_alloc(jgi_arena *a, size_t n); /* NULL on OOM */
void jgi_arena_release(jgi_arena *a);          /* frees chunks */

/* ---- base64url (lib/b64url.c): RFC 4648 §5, strict ---- */
/* Decoded size upper bound for `n` input characters. */
#define JGI_B64_DEC_LEN(n) (((n) / 4) * 3 + 2)
#define JGI_B64_ENC_LEN(n) ((((n) + 2) / 3) * 4)
/* Strict decode: alphabet A-Z a-z 0-9 - _ only; no padding, whitespace;
 * length 1 mod 4 and non-zero unused trailing bits rejected.
 * `out` must hold JGI_B64_DEC_LEN(in_len). JG_OK or JG_E_MALFORMED. */
jg_err jgi_b64url_decode(uint8_t *out, size_t *out_len, const char *in,
                         size_t in_len);
/* Encode without padding; `out` must hold JGI_B64_ENC_LEN(len). Returns
 * the number of characters written (no NUL). */
size_t jgi_b64url_encode(char *out, const uint8_t *in, size_t len);
/* Append the encoding to a buffer. */
jg_err jgi_buf_b64url(jg_buf *b, const uint8_t *in, size_t len);

/* ---- JSON reader (lib/json.c) ---- */
/* Parse into an arena; `text` must outlive the values (raw text and
 * unescaped strings may point into it). Root may be any JSON value. */
jg_err jgi_json_parse(jgi_arena *a, const char *text, size_t len,
                      const jg_limits *lim, const jg_jval **root);
/* Validate UTF-8 (no overlongs, no surrogates, <= U+10FFFF). 1 if valid. */
int jgi_utf8_valid(const uint8_t *s, size_t len);

/* ---- JSON writer (lib/json.c) ---- */
/* Compact output, commas handled; the first error sticks and is returned
 * by jgi_jw_finish. Nesting up to 64. */
typedef struct jgi_jw {
    jg_buf *out;
    jg_err err;
    unsigned depth;
    uint64_t need_comma; /* bit d: a value was written at depth d */
    int after_key;       /* a key was just written: no comma before value */
} jgi_jw;
void jgi_jw_init(jgi_jw *w, jg_buf *out);
void jgi_jw_obj_begin(jgi_jw *w);
void jgi_jw_obj_end(jgi_jw *w);
void jgi_jw_arr_begin(jgi_jw *w);
void jgi_jw_arr_end(jgi_jw *w);
void jgi_jw_key(jgi_jw *w, const char *k, size_t len);
/* A string value; invalid UTF-8 sets JG_E_MALFORMED. */
void jgi_jw_str(jgi_jw *w, const char *s, size_t len);
void jgi_jw_int(jgi_jw *w, int64_t v);
void jgi_jw_double(jgi_jw *w, double v); /* finite only, shortest round trip */
void jgi_jw_bool(jgi_jw *w, int v);
void jgi_jw_null(jgi_jw *w);
/* A JSON value given as already-valid text (inserted verbatim). */
void jgi_jw_raw(jgi_jw *w, const char *json, size_t len);
/* A string value holding the base64url encoding of bytes. */
void jgi_jw_b64(jgi_jw *w, const uint8_t *p, size_t len);
/* Finish: JG_OK, or the first error (the buffer is then freed). */
jg_err jgi_jw_finish(jgi_jw *w);

/* ---- keys (lib/jwk.c owns the struct; the seam fills backend parts) ---- */
enum { JGI_USE_NONE = 0, JGI_USE_SIG, JGI_USE_ENC };

struct jg_key {
    uint64_t serial;    /* unique in the process: per-thread caches key on it */
    int refs;           /* atomic reference count (keysets, signers) */
    jg_kty kty;
    jg_crv crv;
    jg_alg alg;         /* the key's own "alg", or JG_ALG_UNKNOWN */
    unsigned use;       /* JGI_USE_* */
    unsigned ops;       /* JG_OP_* bits; 0 = no key_ops member */
    int has_private;    /* private half present (oct: always 1) */
    size_t bits;        /* RSA modulus / curve size / oct bits */
    char *kid;          /* NUL-terminated, or NULL */
    size_t kid_len;
    uint8_t *secret;    /* oct key bytes; wiped on free */
    size_t secret_len;
    void *evp;          /* EVP_PKEY * (not for oct) */
    void *prep;         /* seam-private prepared state, or NULL */
    uint8_t ed_sk[64];  /* Ed25519 for libsodium: seed||pk (if private) */
    uint8_t ed_pk[32];
};

/* Big-endian unsigned integers / raw coordinates, as in a JWK. */
typedef struct jgi_bytes {
    uint8_t *p;
    size_t n;
} jgi_bytes;
typedef struct jgi_parts {
    jgi_bytes n, e, d, p, q, dp, dq, qi; /* RSA; d is also EC/OKP private */
    jgi_bytes x, y;                      /* EC x,y; OKP x (public) */
} jgi_parts;
void jgi_parts_free(jgi_parts *pt); /* wipes and frees every member */

/* Curve facts: name ("P-256"), coordinate/scalar size in bytes. */
const char *jgi_crv_name(jg_crv c);
jg_crv jgi_crv_from_name(const char *s, size_t len);
size_t jgi_crv_bytes(jg_crv c); /* 32/48/66/32, Ed25519 32, Ed448 57, ... */

/* ---- the crypto seam: lib/ossl/ (and lib/sodium/ for Ed25519) ---- */
/* Build backend objects from parts. k->kty and k->crv are set by the
 * caller; on success k->evp / k->ed_* / k->bits / k->has_private are set.
 * Checks: RSA 2048..16384 bits, e odd and > 1 (and the pair consistent
 * when private); EC point on the curve and d in [1, n-1] matching x,y;
 * OKP sizes and private/public match. JG_E_KEY_INVALID with `why` set
 * (may be NULL, size whylen) on a bad key. */
jg_err jgi_key_import(jg_key *k, const jgi_parts *in, char *why,
                      size_t whylen);
/* Export parts (allocated; public members always, private if present and
 * want_private). oct keys are not handled here. */
jg_err jgi_key_export(const jg_key *k, int want_private, jgi_parts *out);
/* Generate: k->kty, k->crv set by the caller (RSA: `rsa_bits`). */
jg_err jgi_key_generate(jg_key *k, unsigned rsa_bits);
/* PEM (SPKI, PKCS#8, traditional RSA/EC): sets kty, crv, evp, bits,
 * has_private (and ed_* for Ed25519). JG_E_MALFORMED if not a key. */
jg_err jgi_key_from_pem(jg_key *k, const char *pem, size_t len, char *why,
                        size_t whylen);
jg_err jgi_key_to_pem(const jg_key *k, int public_only, jg_buf *out);
/* Prepare per-key state after import/generation (HMAC template, etc.). */
jg_err jgi_key_prepare(jg_key *k);
/* Free evp/prep (not the struct). */
void jgi_key_release(jg_key *k);

/* Largest signature any algorithm makes (RSA 16384 bits). */
#define JGI_SIG_MAX 2048
/* Sign `msg` with `alg` (already checked to fit the key). `sig` holds
 * JGI_SIG_MAX bytes; ECDSA output is raw R||S. */
jg_err jgi_sign(const jg_key *k, jg_alg alg, const uint8_t *msg, size_t len,
                uint8_t *sig, size_t *sig_len);
/* Verify: JG_OK or JG_E_BAD_SIGNATURE (JG_E_CRYPTO on backend failure).
 * Enforces exact lengths: HMAC = hash size, RSA = modulus size, ECDSA =
 * 2 x coordinate size with 1 <= r, s < n (checked before the backend),
 * EdDSA 64 / 114. MACs compared in constant time. */
jg_err jgi_verify(const jg_key *k, jg_alg alg, const uint8_t *msg,
                  size_t len, const uint8_t *sig, size_t sig_len);
jg_err jgi_sha256(const uint8_t *msg, size_t len, uint8_t out[32]);
jg_err jgi_random(uint8_t *out, size_t len);
int jgi_ct_equal(const void *a, const void *b, size_t n); /* 1 if equal */

/* lib/sodium/ed25519.c: libsodium Ed25519 (only file that includes it). */
jg_err jgi_sodium_init(void);
jg_err jgi_ed25519_from_seed(uint8_t pk[32], uint8_t sk[64],
                             const uint8_t seed[32]);
jg_err jgi_ed25519_keypair(uint8_t pk[32], uint8_t sk[64]);
void jgi_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t len,
                      const uint8_t sk[64]);
/* JG_OK or JG_E_BAD_SIGNATURE; rejects non-canonical S and small-order
 * points as libsodium does. */
jg_err jgi_ed25519_verify(const uint8_t sig[64], const uint8_t *msg,
                          size_t len, const uint8_t pk[32]);
/* 1 if the 32 bytes are a valid (canonical, not small order) point. */
int jgi_ed25519_pk_valid(const uint8_t pk[32]);

#endif /* JGI_INTERNAL_H */

/* ---- objects shared between jwk.c, keyset.c, policy.c, jws.c, jwt.c ---- */
#ifndef JGI_OBJECTS_H
#define JGI_OBJECTS_H
/* Take another reference to a key (keysets and signers share keys). */
jg_key *jgi_key_ref(const jg_key *k);
/* Parse and check a JWK given as a parsed JSON object (jwk.c). */
jg_err jgi_key_from_jval(jg_key **out, const jg_jval *root, char *why,
                         size_t whylen);
/* Facts about a JWS algorithm: key type, curve (EC/OKP), hash bytes
 * (HMAC, RSA, ECDSA), name. NULL for unknown. */
typedef struct jgi_alg_info {
    jg_alg alg;
    const char *name;
    jg_kty kty;
    jg_crv crv;       /* required curve, JG_CRV_NONE if any/none */
    size_t hash_len;  /* digest size in bytes; 0 for EdDSA */
} jgi_alg_info;
const jgi_alg_info *jgi_alg_info_get(jg_alg alg);

typedef struct jgi_str {
    char *p; /* NUL-terminated copy */
    size_t n;
} jgi_str;

struct jg_keyset {
    int refs;
    jg_key **keys;
    size_t n;
    char **skipped; /* reasons */
    size_t n_skipped;
};
jg_keyset *jgi_keyset_ref(const jg_keyset *ks);

struct jg_policy {
    uint32_t algs; /* bit (1u << alg) per allowed JWS alg */
    jgi_str iss;   /* p NULL = no requirement */
    jgi_str typ;
    jgi_str *aud;
    size_t n_aud;
    jgi_str *req;
    size_t n_req;
    int64_t leeway, max_age, min_remaining, now;
    int exp_optional, b64_false;
    jg_limits lim;
    jg_denylist *dl;
};
/* Deep copy into a zeroed struct; JG_E_NOMEM leaves dst empty. */
jg_err jgi_policy_copy(jg_policy *dst, const jg_policy *src);
void jgi_policy_clear(jg_policy *p);
int64_t jgi_policy_now(const jg_policy *p);

struct jg_verifier {
    jg_policy pol;
    jg_keyset *ks;
};

/* Result of the compact JWS checks (jws.c), values living in `a`. */
typedef struct jgi_jws_result {
    const jg_jval *hdr;
    const char *hdr_text;
    size_t hdr_len;
    uint8_t *payload;
    size_t payload_len;
    jg_alg alg;
    const jg_key *key;
} jgi_jws_result;
jg_err jgi_jws_verify_compact(const jg_verifier *v, jgi_arena *a,
                              const char *token, size_t len,
                              jgi_jws_result *res, jg_reason *why);
/* Fill a reason (printf-style detail). Returns err. */
jg_err jgi_reason(jg_reason *why, jg_err err, const char *check,
                  const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Copy printable bytes into a fixed field, escaping the rest. */
void jgi_reason_field(char *dst, size_t cap, const char *s, size_t n);
#endif

/* ==== BEGIN password hashing (lib/sodium/pwhash.c), for jwtguardd ==== */
/* argon2id PHC strings through libsodium; the server links the static
 * library and calls these. Not part of the public API. */
#ifndef JGI_PWHASH_H
#define JGI_PWHASH_H
#define JGI_PWHASH_STRBYTES 128u              /* crypto_pwhash_STRBYTES */
#define JGI_PWHASH_OPS_INTERACTIVE 2ull       /* ..._OPSLIMIT_INTERACTIVE */
#define JGI_PWHASH_MEM_INTERACTIVE 67108864u  /* ..._MEMLIMIT_INTERACTIVE */
/* Hash `pw` into a NUL-terminated PHC string. JG_E_INVALID_ARG for
 * parameters out of libsodium's range, JG_E_NOMEM if the memory cannot be
 * had. */
jg_err jgi_pwhash_str(char out[JGI_PWHASH_STRBYTES], const char *pw,
                      size_t len, unsigned long long opslimit,
                      size_t memlimit);
/* JG_OK if `pw` matches the PHC string, else JG_E_BAD_SIGNATURE (also for
 * a malformed or over-long string). */
jg_err jgi_pwhash_verify(const char *phc, const char *pw, size_t len);
/* 1 if the string was made with other parameters, 0 if not, -1 if it is
 * not a valid argon2id string. */
int jgi_pwhash_needs_rehash(const char *phc, unsigned long long opslimit,
                            size_t memlimit);
#endif
/* ==== END password hashing ==== */
