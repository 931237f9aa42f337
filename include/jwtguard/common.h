/* jwtguard/common.h - errors, buffers, limits and the rejection reason.
 *
 * Everything else in the public API builds on these few types. Ownership
 * words used in every header: "borrowed" (the library reads it during the
 * call only, or for the life of the object that was given it, as said),
 * "owned" (the caller frees it), "takes ownership".
 */
#ifndef JG_COMMON_H
#define JG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define JG_API __attribute__((visibility("default")))
#define JG_NODISCARD __attribute__((warn_unused_result))
#else
#define JG_API
#define JG_NODISCARD
#endif

/* One error enum for the whole library. The names (jg_err_name) are stable
 * and used by the CLI ("jwtguard: E_BAD_SIGNATURE: ...") and by tests. */
typedef enum jg_err {
    JG_OK = 0,
    JG_E_NOMEM,              /* allocation failed */
    JG_E_INVALID_ARG,        /* the caller passed something unusable */
    JG_E_MALFORMED,          /* bad serialization, base64url, JSON or UTF-8 */
    JG_E_LIMIT,              /* a configured resource limit was exceeded */
    JG_E_ALG_NOT_ALLOWED,    /* header alg not in the allowlist (or unknown) */
    JG_E_KEY_MISMATCH,       /* key type/curve/use/ops/alg conflicts; no key */
    JG_E_KEY_INVALID,        /* a key fails the import checks */
    JG_E_BAD_SIGNATURE,      /* signature or MAC verification failed */
    JG_E_DECRYPT,            /* decryption failed (JWE) */
    JG_E_CRIT_UNSUPPORTED,   /* crit names an extension not enabled */
    JG_E_UNSUPPORTED,        /* a feature this build or call does not do */
    JG_E_CRYPTO,             /* the crypto backend failed (environment) */
    JG_E_IO,                 /* reading or writing a file failed */
    JG_E_NOT_FOUND,          /* an accessor found no such member */
    JG_E_CLAIM_EXPIRED,      /* exp is in the past (beyond leeway) */
    JG_E_CLAIM_NOT_YET_VALID,/* nbf in the future, or iat in the future */
    JG_E_CLAIM_TOO_OLD,      /* iat older than the policy's max age */
    JG_E_CLAIM_ISS,          /* iss differs from the required issuer */
    JG_E_CLAIM_AUD,          /* aud does not contain a required audience */
    JG_E_CLAIM_TYP,          /* typ header differs from the required one */
    JG_E_CLAIM_REQUIRED,     /* a required claim is absent */
    JG_E_CLAIM_TYPE,         /* a claim has the wrong JSON type or range */
    JG_E_CLAIM_REVOKED,      /* the denylist says this token is revoked */
    JG_E__COUNT
} jg_err;

/* Human text for an error; never NULL, also for out-of-range values. */
JG_API const char *jg_err_str(jg_err e);
/* Stable identifier, e.g. "E_BAD_SIGNATURE"; never NULL. */
JG_API const char *jg_err_name(jg_err e);

/* A growable byte buffer. A caller-owned struct (zero-initialise it);
 * the bytes it points to are owned by the caller once an API has filled
 * it, and released with jg_buf_free, which wipes them first. On failure an
 * API leaves the buffer empty (data NULL, len 0). `data` is always followed
 * by a NUL byte that is not counted in `len`, so text can be printed. */
typedef struct jg_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} jg_buf;

JG_API void jg_buf_free(jg_buf *b); /* wipes, frees, zeroes; NULL ok */
JG_API JG_NODISCARD jg_err jg_buf_append(jg_buf *b, const void *p, size_t n);

/* Wipe memory the compiler may not optimise away (OPENSSL_cleanse). */
JG_API void jg_wipe(void *p, size_t n);

/* Resource limits applied before and during parsing. Every field has a
 * documented default (the JG_DEFAULT_* constants) that jg_limits_default()
 * fills in; a policy carries one of these. */
#define JG_DEFAULT_MAX_TOKEN   16384u /* bytes of a compact token */
#define JG_DEFAULT_MAX_JSON    8192u  /* bytes of a decoded header/claims */
#define JG_DEFAULT_MAX_DEPTH   32u    /* nesting of arrays and objects */
#define JG_DEFAULT_MAX_MEMBERS 256u   /* members of one object/array */
#define JG_DEFAULT_MAX_KID     256u   /* bytes of a kid */
#define JG_MAX_LEEWAY          300    /* seconds; set_leeway refuses more */
#define JG_DEFAULT_LEEWAY      30     /* seconds */

typedef struct jg_limits {
    size_t max_token;   /* longest token accepted, in bytes */
    size_t max_json;    /* longest decoded JSON document (header, claims) */
    unsigned max_depth; /* deepest nesting; 1 = a flat object */
    size_t max_members; /* most members in one object or array */
    size_t max_kid;     /* longest kid */
} jg_limits;

JG_API void jg_limits_default(jg_limits *out /* OUT */);

/* Why a token was rejected: filled by every verify call (also on success,
 * where err is JG_OK). For logs and the caller; a network peer should be
 * told only that verification failed. */
typedef struct jg_reason {
    jg_err err;         /* the error returned */
    char check[24];     /* which step: "size", "b64", "header", "alg",
                           "key", "signature", "payload", "claims",
                           "revocation" */
    char alg[16];       /* the header alg, if it was read (printable) */
    char kid[64];       /* the header kid, if any (truncated, printable) */
    char detail[160];   /* which rule: e.g. "exp 1700000000 < now-30" */
} jg_reason;

/* "E_NAME: check: detail (alg=..., kid=...)"; pointer into `r`'s own
 * storage is not used: the text is written to a thread-local buffer that
 * the next call on the same thread overwrites. Never NULL. */
JG_API const char *jg_reason_str(const jg_reason *r);

#ifdef __cplusplus
}
#endif
#endif /* JG_COMMON_H */
