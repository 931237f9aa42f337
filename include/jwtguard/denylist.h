/* jwtguard/denylist.h - revocation: is this (iss, jti) revoked?
 *
 * A denylist answers one question for the verifier, after the signature
 * and the claims have passed: has this token been revoked? Entries carry an
 * expiry (normally the token's own exp plus leeway) after which they are
 * dropped, so the list stays bounded. The in-memory implementation is safe
 * to share between threads. Other stores (the server's SQLite or Redis
 * copy) plug in through jg_denylist_ops.
 */
#ifndef JG_DENYLIST_H
#define JG_DENYLIST_H

#include <jwtguard/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jg_denylist jg_denylist;

typedef struct jg_denylist_ops {
    /* Return 1 if revoked, 0 if not, -1 if the store cannot answer (the
     * verifier then fails closed with JG_E_CLAIM_REVOKED). iss may be
     * empty (len 0) for tokens without one. */
    int (*is_revoked)(void *ctx, const char *iss, size_t iss_len,
                      const char *jti, size_t jti_len, int64_t now);
    /* Revoke until `until` (unix seconds). JG_OK or an error. */
    jg_err (*revoke)(void *ctx, const char *iss, size_t iss_len,
                     const char *jti, size_t jti_len, int64_t until);
    void (*free_ctx)(void *ctx); /* may be NULL */
} jg_denylist_ops;

/* The in-memory denylist: a hash set of (iss, jti) with expiry; expired
 * entries are purged as the set grows. */
JG_API JG_NODISCARD jg_err jg_denylist_new_memory(jg_denylist **out /* OUT */);
/* A denylist backed by caller code (ops copied; ctx borrowed unless
 * free_ctx is set, in which case the denylist takes ownership). */
JG_API JG_NODISCARD jg_err jg_denylist_new_custom(jg_denylist **out,
                                                  const jg_denylist_ops *ops,
                                                  void *ctx);
JG_API void jg_denylist_free(jg_denylist *dl);

JG_API JG_NODISCARD jg_err jg_denylist_revoke(jg_denylist *dl,
                                              const char *iss, size_t iss_len,
                                              const char *jti, size_t jti_len,
                                              int64_t until);
/* 1 revoked, 0 not, -1 cannot tell. `now` in unix seconds. */
JG_API int jg_denylist_is_revoked(const jg_denylist *dl, const char *iss,
                                  size_t iss_len, const char *jti,
                                  size_t jti_len, int64_t now);
/* Entries currently held (memory implementation; 0 for custom). */
JG_API size_t jg_denylist_size(const jg_denylist *dl);

#ifdef __cplusplus
}
#endif
#endif /* JG_DENYLIST_H */
