/* jwtguard/jwt.h - JSON Web Tokens (RFC 7519): build, sign, verify claims.
 *
 * jg_jwt_verify is the only way to obtain claims: it checks the signature
 * (jws.h), then the claims against the policy (exp required by default,
 * nbf, iat, leeway, max age, iss, aud, typ, required claims, types), then
 * revocation; only if all pass is a jg_claims handed out.
 */
#ifndef JG_JWT_H
#define JG_JWT_H

#include <jwtguard/common.h>
#include <jwtguard/json.h>
#include <jwtguard/jws.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jg_claims jg_claims;

JG_API JG_NODISCARD jg_err jg_jwt_verify(const jg_verifier *v,
                                         const char *token, size_t len,
                                         jg_claims **out /* OUT, owned */,
                                         jg_reason *why /* OUT */);
JG_API void jg_claims_free(jg_claims *c);

/* The claims object and the protected header (valid while c lives). */
JG_API const jg_jval *jg_claims_root(const jg_claims *c);
JG_API const jg_jval *jg_claims_header(const jg_claims *c);
/* The raw payload JSON text. */
JG_API void jg_claims_json(const jg_claims *c, const char **json, size_t *len);
/* Typed member reads: JG_E_NOT_FOUND if absent, JG_E_CLAIM_TYPE if of
 * another type. */
JG_API JG_NODISCARD jg_err jg_claims_get_str(const jg_claims *c,
                                             const char *name, const char **s,
                                             size_t *len);
JG_API JG_NODISCARD jg_err jg_claims_get_int(const jg_claims *c,
                                             const char *name, int64_t *out);
JG_API JG_NODISCARD jg_err jg_claims_get_raw(const jg_claims *c,
                                             const char *name,
                                             const char **raw, size_t *len);

/* ---- building ---- */
typedef struct jg_jwt_builder jg_jwt_builder;

JG_API JG_NODISCARD jg_err jg_jwt_builder_new(jg_jwt_builder **out);
JG_API void jg_jwt_builder_free(jg_jwt_builder *b);
/* String claims (iss, sub, or any name). Setting a name twice replaces. */
JG_API JG_NODISCARD jg_err jg_jwt_set_str(jg_jwt_builder *b, const char *name,
                                          const char *val, size_t len);
JG_API JG_NODISCARD jg_err jg_jwt_set_int(jg_jwt_builder *b, const char *name,
                                          int64_t val);
/* Any JSON value given as text (validated strictly). */
JG_API JG_NODISCARD jg_err jg_jwt_set_json(jg_jwt_builder *b, const char *name,
                                           const char *json, size_t len);
/* Add an audience; one gives "aud":"x", several give an array. */
JG_API JG_NODISCARD jg_err jg_jwt_add_aud(jg_jwt_builder *b, const char *aud,
                                          size_t len);
/* Merge every member of a JSON object text (later set_* calls win). */
JG_API JG_NODISCARD jg_err jg_jwt_set_claims_json(jg_jwt_builder *b,
                                                  const char *json,
                                                  size_t len);
/* exp = iat + ttl seconds (ttl > 0). Default: 600 (10 minutes). */
JG_API JG_NODISCARD jg_err jg_jwt_set_ttl(jg_jwt_builder *b, int64_t ttl);
/* Leave out exp entirely (only verifiers that allow it will accept). */
JG_API void jg_jwt_no_exp(jg_jwt_builder *b);
/* Fix "now" (iat) for tests; 0 = the real clock. */
JG_API void jg_jwt_set_now(jg_jwt_builder *b, int64_t now);
/* By default iat and a random 128-bit jti are set; these turn them off. */
JG_API void jg_jwt_no_iat(jg_jwt_builder *b);
JG_API void jg_jwt_no_jti(jg_jwt_builder *b);

/* Sign: compact JWT on `out`. `opts` may be NULL (typ then "JWT"). */
JG_API JG_NODISCARD jg_err jg_jwt_sign(const jg_signer *s,
                                       const jg_jwt_builder *b,
                                       const jg_jws_opts *opts,
                                       jg_buf *out /* OUT */);

#ifdef __cplusplus
}
#endif
#endif /* JG_JWT_H */
