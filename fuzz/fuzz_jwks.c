/* fuzz/fuzz_jwks.c - JWK Set import (lib/keyset.c).
 *
 * Properties: an accepted set is not empty; every key with a kid is the
 * one jg_keyset_find returns for it (duplicate kids are refused); each
 * skipped member has a reason. The set exports and imports again as the
 * same keys in the same order (thumbprints, private flags), its public
 * export (asymmetric sets) imports as public keys with the same
 * thumbprints, and a verifier can be made from it or refuses cleanly.
 */
#include "fuzz.h"
#include "internal.h"
#include <string.h>

static int same_thumb(const jg_key *a, const jg_key *b)
{
    jg_buf ta = {0}, tb = {0};
    int same;
    FUZZ_CHECK(jg_key_thumbprint(&ta, a) == JG_OK &&
                   jg_key_thumbprint(&tb, b) == JG_OK,
               "thumbprint failed");
    same = ta.len == tb.len && memcmp(ta.data, tb.data, ta.len) == 0;
    jg_buf_free(&ta);
    jg_buf_free(&tb);
    return same;
}

static void check_export(const jg_keyset *ks, int public_only)
{
    jg_buf out = {0};
    jg_keyset *again = NULL;
    size_t skipped = 99, i, n = jg_keyset_count(ks);
    jg_err rc = jg_keyset_to_jwks(&out, ks, public_only);

    if (public_only && jg_key_kty(jg_keyset_at(ks, 0)) == JG_KTY_OCT) {
        FUZZ_CHECK(rc == JG_E_KEY_MISMATCH, "public export of a secret set "
                   "gave %s", jg_err_name(rc));
        return;
    }
    FUZZ_CHECK(rc == JG_OK, "export (public_only %d) failed: %s",
               public_only, jg_err_name(rc));
    rc = jg_keyset_from_jwks(&again, (const char *)out.data, out.len,
                             &skipped);
    FUZZ_CHECK(rc == JG_OK, "export (public_only %d) does not import "
               "again: %s: %.300s", public_only, jg_err_name(rc),
               (const char *)out.data);
    FUZZ_CHECK(skipped == 0, "export has members that get skipped");
    FUZZ_CHECK(jg_keyset_count(again) == n, "count %zu -> %zu", n,
               jg_keyset_count(again));
    for (i = 0; i < n; i++) {
        const jg_key *a = jg_keyset_at(ks, i), *b = jg_keyset_at(again, i);
        FUZZ_CHECK(same_thumb(a, b), "key %zu changed in the round trip", i);
        if (public_only)
            FUZZ_CHECK(!jg_key_is_private(b), "public export is private");
        else
            FUZZ_CHECK(jg_key_is_private(a) == jg_key_is_private(b),
                       "private flag changed");
    }
    jg_keyset_free(again);
    jg_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jg_keyset *ks = NULL;
    jg_policy *p = NULL;
    jg_verifier *v = NULL;
    size_t skipped = 99, i, n;
    jg_err rc;

    rc = jg_keyset_from_jwks(&ks, (const char *)data, size, &skipped);
    FUZZ_CHECK(rc == JG_OK || rc == JG_E_MALFORMED || rc == JG_E_LIMIT ||
                   rc == JG_E_KEY_INVALID || rc == JG_E_UNSUPPORTED,
               "unexpected error %s", jg_err_name(rc));
    FUZZ_CHECK((rc == JG_OK) == (ks != NULL), "keyset/rc mismatch");
    if (rc != JG_OK) {
        FUZZ_CHECK(skipped == 0, "skipped count %zu left on failure",
                   skipped);
        return 0;
    }
    n = jg_keyset_count(ks);
    FUZZ_CHECK(n > 0, "an empty set was accepted");
    FUZZ_CHECK(jg_keyset_at(ks, n) == NULL, "a key past the end");
    for (i = 0; i < skipped; i++)
        FUZZ_CHECK(jg_keyset_skipped_reason(ks, i) != NULL,
                   "skipped member %zu has no reason", i);
    FUZZ_CHECK(jg_keyset_skipped_reason(ks, skipped) == NULL,
               "a reason past the end");
    for (i = 0; i < n; i++) {
        const jg_key *k = jg_keyset_at(ks, i);
        size_t kl = 0;
        const char *kid = jg_key_kid(k, &kl);
        FUZZ_CHECK(k != NULL, "key %zu missing", i);
        if (kid)
            FUZZ_CHECK(jg_keyset_find(ks, kid, kl) == k,
                       "kid of key %zu finds another key", i);
        FUZZ_CHECK(jg_key_kty(k) == jg_key_kty(jg_keyset_at(ks, 0)) ||
                       (jg_key_kty(k) != JG_KTY_OCT &&
                        jg_key_kty(jg_keyset_at(ks, 0)) != JG_KTY_OCT),
                   "symmetric and asymmetric keys mixed");
        FUZZ_CHECK(jg_key_is_private(k) ==
                       jg_key_is_private(jg_keyset_at(ks, 0)),
                   "private and public keys mixed");
    }

    check_export(ks, 0);
    check_export(ks, 1);

    /* a verifier over every algorithm: made, or refused as unusable */
    FUZZ_CHECK(jg_policy_new(&p) == JG_OK, "policy_new");
    for (int a = 1; a < JG_ALG__JWS_END; a++)
        FUZZ_CHECK(jg_policy_allow_alg(p, (jg_alg)a) == JG_OK, "allow_alg");
    rc = jg_verifier_new(&v, p, ks);
    FUZZ_CHECK(rc == JG_OK || rc == JG_E_INVALID_ARG, "verifier_new: %s",
               jg_err_name(rc));
    jg_verifier_free(v);
    jg_policy_free(p);
    jg_keyset_free(ks);
    return 0;
}
