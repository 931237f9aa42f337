/* jwtguard/jws.h - JSON Web Signature (RFC 7515): signers and verifiers.
 *
 * A verifier joins a policy and a keyset. It is immutable once made and
 * safe to share between threads: every verify call may run concurrently on
 * the same verifier (per-thread scratch contexts are kept internally).
 *
 * The algorithm comes from the policy's allowlist and the key, never from
 * the token: the header "alg" must be allowed *and* fit the chosen key
 * (jg_key_check_alg). A key is chosen only by an exact "kid" match in the
 * verifier's own keyset; without a kid, the keys that fit the alg are
 * tried in order. "jwk", "jku", "x5u" and "x5c" headers never supply a key.
 */
#ifndef JG_JWS_H
#define JG_JWS_H

#include <jwtguard/common.h>
#include <jwtguard/json.h>
#include <jwtguard/jwk.h>
#include <jwtguard/policy.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jg_verifier jg_verifier;
typedef struct jg_signer jg_signer;

/* Copy the policy, take a reference to the keyset. JG_E_INVALID_ARG if
 * the policy allows no algorithm or no key of the set fits an allowed
 * algorithm. */
JG_API JG_NODISCARD jg_err jg_verifier_new(jg_verifier **out /* OUT */,
                                           const jg_policy *p,
                                           const jg_keyset *ks);
JG_API void jg_verifier_free(jg_verifier *v);

/* Verify a compact JWS (exactly three segments) and hand back the payload
 * bytes (decoded). No claims are checked: use jg_jwt_verify for JWTs.
 * `header` (may be NULL) receives the protected header as a parsed
 * document (owned, jg_json_free). `why` (may be NULL) says which check
 * failed. On failure, payload and *header are left empty. */
JG_API JG_NODISCARD jg_err jg_jws_verify(const jg_verifier *v,
                                         const char *token, size_t len,
                                         jg_buf *payload /* OUT */,
                                         jg_json **header /* OUT */,
                                         jg_reason *why /* OUT */);

/* Verify a JWS in JSON serialization (flattened or general, RFC 7515
 * §7.2). The first signature that verifies wins; *sig_index says which
 * (0-based), and *header holds only that signature's protected header.
 * Unprotected headers may not hold alg, kid, crit or b64, and may not
 * repeat a protected name. */
JG_API JG_NODISCARD jg_err jg_jws_verify_json(const jg_verifier *v,
                                              const char *json, size_t len,
                                              jg_buf *payload /* OUT */,
                                              size_t *sig_index /* OUT */,
                                              jg_json **header /* OUT */,
                                              jg_reason *why /* OUT */);

/* A signer: one key, one algorithm (`alg` or, if JG_ALG_UNKNOWN, the key's
 * own). Takes a reference to the key. Immutable and thread-safe. */
JG_API JG_NODISCARD jg_err jg_signer_new(jg_signer **out /* OUT */,
                                         const jg_key *k, jg_alg alg);
JG_API void jg_signer_free(jg_signer *s);
JG_API jg_alg jg_signer_alg(const jg_signer *s);

/* Options for the header of a signature; zero-initialise. */
typedef struct jg_jws_opts {
    const char *typ;         /* "typ" header, NULL for none */
    const char *cty;         /* "cty" header, NULL for none */
    int omit_kid;            /* leave out the key's kid */
    int b64_false;           /* RFC 7797 unencoded payload (crit:["b64"]) */
    const char *extra_json;  /* more header members: a JSON object text,
                                or NULL; may not repeat alg/kid/typ/cty/
                                crit/b64 */
} jg_jws_opts;

/* Compact JWS over `payload`. `opts` may be NULL. */
JG_API JG_NODISCARD jg_err jg_jws_sign(const jg_signer *s,
                                       const uint8_t *payload, size_t len,
                                       const jg_jws_opts *opts,
                                       jg_buf *out /* OUT */);
/* JSON serialization with one signature per signer (general when n > 1,
 * flattened when n == 1 and `flattened` is set). */
JG_API JG_NODISCARD jg_err jg_jws_sign_json(const jg_signer *const *signers,
                                            size_t n, const uint8_t *payload,
                                            size_t len, int flattened,
                                            jg_buf *out /* OUT */);

/* Read the header of a compact token WITHOUT verifying anything: for
 * display and routing only. The result must never be trusted. */
JG_API JG_NODISCARD jg_err jg_jws_peek_unverified_header(
    jg_json **header /* OUT */, const char *token, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* JG_JWS_H */
