/* jwtguard/policy.h - what a verifier accepts.
 *
 * A policy is a plain description, built up by the caller and copied into
 * a verifier (jg_verifier_new), after which changing it has no effect on
 * that verifier. Its defaults are the secure ones:
 *   - no algorithm is allowed until the caller allows one: nothing is ever
 *     taken from the token's "alg" alone ("none" cannot be allowed at all);
 *   - "exp" is required; leeway 30 s (at most JG_MAX_LEEWAY);
 *   - "iat" in the future is rejected; "nbf" is honoured;
 *   - size, depth and member limits from jg_limits_default();
 *   - RFC 7797 "b64":false is refused; any "crit" member is refused;
 *   - no issuer, audience or typ requirement until set (a verifier for a
 *     real service should set all three: RFC 8725 §3.8, §3.9, §3.11).
 */
#ifndef JG_POLICY_H
#define JG_POLICY_H

#include <jwtguard/common.h>
#include <jwtguard/jwk.h>
#include <jwtguard/denylist.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jg_policy jg_policy;

JG_API JG_NODISCARD jg_err jg_policy_new(jg_policy **out /* OUT */);
JG_API void jg_policy_free(jg_policy *p);

/* Add one algorithm to the allowlist. JG_E_INVALID_ARG for unknown. */
JG_API JG_NODISCARD jg_err jg_policy_allow_alg(jg_policy *p, jg_alg alg);
/* Require iss to equal this string exactly. Replaces a previous value. */
JG_API JG_NODISCARD jg_err jg_policy_require_iss(jg_policy *p, const char *iss,
                                                 size_t len);
/* Accept tokens whose aud (string, or array of strings) contains this
 * value; several calls accept any one of them. Once any audience is set,
 * a token without aud is rejected. */
JG_API JG_NODISCARD jg_err jg_policy_require_aud(jg_policy *p, const char *aud,
                                                 size_t len);
/* Require the protected header's "typ" to equal this (case-insensitive
 * per RFC 7515 §4.1.9, and "application/" prefix ignored: "at+jwt" matches
 * "application/at+jwt"). */
JG_API JG_NODISCARD jg_err jg_policy_require_typ(jg_policy *p, const char *typ,
                                                 size_t len);
/* Require a claim to be present (any type). */
JG_API JG_NODISCARD jg_err jg_policy_require_claim(jg_policy *p,
                                                   const char *name,
                                                   size_t len);
/* Leeway for exp/nbf/iat in seconds: 0..JG_MAX_LEEWAY, else
 * JG_E_INVALID_ARG. */
JG_API JG_NODISCARD jg_err jg_policy_set_leeway(jg_policy *p, int64_t seconds);
/* Reject tokens whose iat is older than this (seconds; 0 = off); the
 * token must then carry iat. */
JG_API JG_NODISCARD jg_err jg_policy_set_max_age(jg_policy *p, int64_t seconds);
/* Reject tokens with less than this many seconds of life left. */
JG_API JG_NODISCARD jg_err jg_policy_set_min_remaining(jg_policy *p,
                                                       int64_t seconds);
/* Explicitly accept tokens without exp (they never expire: think twice). */
JG_API void jg_policy_allow_missing_exp(jg_policy *p);
/* Enable RFC 7797 unencoded payloads ("b64":false, with "b64" in crit). */
JG_API void jg_policy_allow_b64_false(jg_policy *p);
/* Replace the limits (all fields must be non-zero). */
JG_API JG_NODISCARD jg_err jg_policy_set_limits(jg_policy *p,
                                                const jg_limits *l);
/* Consult this denylist last (borrowed: must outlive every verifier made
 * from the policy). Tokens without jti pass the check. */
JG_API void jg_policy_set_denylist(jg_policy *p, jg_denylist *dl);
/* Fix "now" (unix seconds) for tests and replays; 0 = the real clock. */
JG_API void jg_policy_set_now(jg_policy *p, int64_t now);

#ifdef __cplusplus
}
#endif
#endif /* JG_POLICY_H */
