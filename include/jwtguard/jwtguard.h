/* jwtguard/jwtguard.h - the whole public API. */
#ifndef JG_JWTGUARD_H
#define JG_JWTGUARD_H
#include <jwtguard/common.h>
#include <jwtguard/json.h>
#include <jwtguard/jwk.h>
#include <jwtguard/denylist.h>
#include <jwtguard/policy.h>
#include <jwtguard/jws.h>
#include <jwtguard/jwt.h>
#define JG_VERSION_STRING "0.1.0"
#ifdef __cplusplus
extern "C" {
#endif
JG_API const char *jg_version(void);

/* JG_AUTO(jg_key) k = NULL;  frees k when it goes out of scope (GCC and
 * Clang cleanup attribute). A convenience only: every object has an
 * explicit _free, and the API never needs this. */
#if defined(__GNUC__) || defined(__clang__)
#define JG_AUTO(type) __attribute__((cleanup(type##_autofree))) type *
#define JG_DEFINE_AUTOFREE_(type, fn)                                       \
    static inline void type##_autofree(type **p) { fn(*p); }
JG_DEFINE_AUTOFREE_(jg_key, jg_key_free)
JG_DEFINE_AUTOFREE_(jg_keyset, jg_keyset_free)
JG_DEFINE_AUTOFREE_(jg_policy, jg_policy_free)
JG_DEFINE_AUTOFREE_(jg_verifier, jg_verifier_free)
JG_DEFINE_AUTOFREE_(jg_signer, jg_signer_free)
JG_DEFINE_AUTOFREE_(jg_claims, jg_claims_free)
JG_DEFINE_AUTOFREE_(jg_json, jg_json_free)
JG_DEFINE_AUTOFREE_(jg_jwt_builder, jg_jwt_builder_free)
JG_DEFINE_AUTOFREE_(jg_denylist, jg_denylist_free)
#undef JG_DEFINE_AUTOFREE_
#endif
#ifdef __cplusplus
}
#endif
#endif
