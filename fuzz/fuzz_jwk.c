/* fuzz/fuzz_jwk.c - JWK import (lib/jwk.c, lib/ossl/keys.c) and export.
 *
 * A key that imports exports (full JWK, public JWK, PEM) to text that
 * imports again as the same key: same RFC 7638 thumbprint, type, curve,
 * alg, kid, size; the full export keeps every right, the public one can
 * never sign and verifies where the original could sign or verify. A
 * private key's signature verifies with its public half.
 */
#include "fuzz.h"
#include "internal.h"
#include <string.h>

#define SIGN_MAX_BITS 4096u /* bigger RSA keys sign too slowly to fuzz */

static void thumb(const jg_key *k, jg_buf *out)
{
    jg_err rc = jg_key_thumbprint(out, k);
    FUZZ_CHECK(rc == JG_OK && out->len == 43, "thumbprint failed: %s",
               jg_err_name(rc));
}

/* b was made from an export of a; public_view: b is the public half. */
static void check_same(const jg_key *a, const jg_key *b, int public_view,
                       const char *what)
{
    jg_buf ta = {0}, tb = {0};
    const char *ka, *kb;
    size_t kal = 0, kbl = 0;

    thumb(a, &ta);
    thumb(b, &tb);
    FUZZ_CHECK(ta.len == tb.len && memcmp(ta.data, tb.data, ta.len) == 0,
               "%s: thumbprint changed: %s -> %s", what, (char *)ta.data,
               (char *)tb.data);
    FUZZ_CHECK(jg_key_kty(a) == jg_key_kty(b), "%s: kty changed", what);
    FUZZ_CHECK(jg_key_crv(a) == jg_key_crv(b), "%s: crv changed", what);
    FUZZ_CHECK(jg_key_bits(a) == jg_key_bits(b), "%s: bits %zu -> %zu",
               what, jg_key_bits(a), jg_key_bits(b));
    if (public_view)
        FUZZ_CHECK(!jg_key_is_private(b), "%s: still private", what);
    else
        FUZZ_CHECK(jg_key_is_private(a) == jg_key_is_private(b),
                   "%s: private flag changed", what);
    for (int alg = 1; alg < JG_ALG__JWS_END; alg++) {
        jg_err va = jg_key_check_alg(a, (jg_alg)alg, JG_OP_VERIFY);
        jg_err vb = jg_key_check_alg(b, (jg_alg)alg, JG_OP_VERIFY);
        jg_err sb = jg_key_check_alg(b, (jg_alg)alg, JG_OP_SIGN);
        if (public_view) {
            /* key_ops of a public export: sign becomes verify (as
             * WebCrypto splits a pair's usages), so the public half
             * verifies exactly when the original could sign or verify. */
            int could = va == JG_OK ||
                        jg_key_check_alg(a, (jg_alg)alg, JG_OP_SIGN) == JG_OK;
            FUZZ_CHECK(could == (vb == JG_OK), "%s: verify with %s: %s",
                       what, jg_alg_name((jg_alg)alg), jg_err_name(vb));
            FUZZ_CHECK(sb != JG_OK, "%s: public half can sign", what);
        } else {
            FUZZ_CHECK(va == vb, "%s: verify with %s: %s -> %s", what,
                       jg_alg_name((jg_alg)alg), jg_err_name(va),
                       jg_err_name(vb));
        }
        if (!public_view)
            FUZZ_CHECK(jg_key_check_alg(a, (jg_alg)alg, JG_OP_SIGN) == sb,
                       "%s: sign with %s changed", what,
                       jg_alg_name((jg_alg)alg));
    }
    ka = jg_key_kid(a, &kal);
    kb = jg_key_kid(b, &kbl);
    if (ka || kb)
        FUZZ_CHECK(ka && kb && kal == kbl && memcmp(ka, kb, kal) == 0,
                   "%s: kid changed", what);
    jg_buf_free(&ta);
    jg_buf_free(&tb);
}

static jg_key *reimport(const jg_buf *jwk, const char *what)
{
    jg_key *k = NULL;
    jg_err rc = jg_key_from_jwk(&k, (const char *)jwk->data, jwk->len);
    FUZZ_CHECK(rc == JG_OK, "%s does not import again (%s): %s", what,
               jg_err_name(rc), (const char *)jwk->data);
    return k;
}

/* A private key signs; `pub` (its public half, or itself) verifies. */
static void sign_verify(const jg_key *priv, const jg_key *pub)
{
    static const uint8_t msg[] = "{\"fuzz\":true}";
    jg_signer *s = NULL;
    jg_keyset *ks = NULL;
    jg_policy *p = NULL;
    jg_verifier *v = NULL;
    jg_buf tok = {0}, payload = {0};
    jg_reason why;
    jg_alg alg = JG_ALG_UNKNOWN;
    jg_err rc;

    if (jg_key_bits(priv) > SIGN_MAX_BITS)
        return;
    for (int a = 1; a < JG_ALG__JWS_END && alg == JG_ALG_UNKNOWN; a++)
        if (jg_key_check_alg(priv, (jg_alg)a, JG_OP_SIGN) == JG_OK)
            alg = (jg_alg)a;
    if (alg == JG_ALG_UNKNOWN)
        return;
    rc = jg_signer_new(&s, priv, alg);
    FUZZ_CHECK(rc == JG_OK, "signer for %s: %s", jg_alg_name(alg),
               jg_err_name(rc));
    rc = jg_jws_sign(s, msg, sizeof msg - 1, NULL, &tok);
    FUZZ_CHECK(rc == JG_OK, "sign %s: %s", jg_alg_name(alg), jg_err_name(rc));
    FUZZ_CHECK(jg_keyset_from_key(&ks, pub) == JG_OK, "keyset_from_key");
    FUZZ_CHECK(jg_policy_new(&p) == JG_OK, "policy_new");
    FUZZ_CHECK(jg_policy_allow_alg(p, alg) == JG_OK, "allow_alg");
    if (jg_key_check_alg(pub, alg, JG_OP_VERIFY) == JG_OK) {
        FUZZ_CHECK(jg_verifier_new(&v, p, ks) == JG_OK, "verifier_new");
        rc = jg_jws_verify(v, (const char *)tok.data, tok.len, &payload,
                           NULL, &why);
        FUZZ_CHECK(rc == JG_OK, "own %s signature does not verify: %s",
                   jg_alg_name(alg), jg_reason_str(&why));
        FUZZ_CHECK(payload.len == sizeof msg - 1 &&
                       memcmp(payload.data, msg, payload.len) == 0,
                   "payload changed");
    }
    jg_buf_free(&payload);
    jg_buf_free(&tok);
    jg_verifier_free(v);
    jg_policy_free(p);
    jg_keyset_free(ks);
    jg_signer_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jg_key *k = NULL, *full = NULL, *pub = NULL, *pem_key = NULL;
    jg_buf j1 = {0}, j2 = {0}, pem = {0};
    jg_err rc;

    rc = jg_key_from_jwk(&k, (const char *)data, size);
    FUZZ_CHECK(rc == JG_OK || rc == JG_E_MALFORMED || rc == JG_E_LIMIT ||
                   rc == JG_E_KEY_INVALID || rc == JG_E_UNSUPPORTED,
               "unexpected error %s", jg_err_name(rc));
    FUZZ_CHECK((rc == JG_OK) == (k != NULL), "key/rc mismatch");
    if (rc != JG_OK)
        return 0;

    /* the full export (private members included) */
    rc = jg_key_to_jwk(&j1, k, 0);
    FUZZ_CHECK(rc == JG_OK, "export failed: %s", jg_err_name(rc));
    full = reimport(&j1, "the full export");
    check_same(k, full, 0, "full export");

    if (jg_key_kty(k) == JG_KTY_OCT) {
        FUZZ_CHECK(jg_key_to_jwk(&j2, k, 1) == JG_E_KEY_MISMATCH,
                   "oct key has a public export");
        FUZZ_CHECK(jg_key_to_pem(&pem, k, 0) == JG_E_UNSUPPORTED,
                   "oct key has a PEM export");
        sign_verify(k, full);
    } else {
        rc = jg_key_to_jwk(&j2, k, 1);
        FUZZ_CHECK(rc == JG_OK, "public export failed: %s", jg_err_name(rc));
        pub = reimport(&j2, "the public export");
        check_same(k, pub, 1, "public export");

        rc = jg_key_to_pem(&pem, k, 0);
        FUZZ_CHECK(rc == JG_OK, "PEM export failed: %s", jg_err_name(rc));
        rc = jg_key_from_pem(&pem_key, (const char *)pem.data, pem.len,
                             jg_key_alg(k));
        FUZZ_CHECK(rc == JG_OK, "PEM export does not import: %s",
                   jg_err_name(rc));
        {
            jg_buf ta = {0}, tb = {0};
            thumb(k, &ta);
            thumb(pem_key, &tb);
            FUZZ_CHECK(memcmp(ta.data, tb.data, 43) == 0,
                       "PEM round trip changed the thumbprint");
            FUZZ_CHECK(jg_key_is_private(k) == jg_key_is_private(pem_key),
                       "PEM round trip changed the private flag");
            jg_buf_free(&ta);
            jg_buf_free(&tb);
        }
        if (jg_key_is_private(k))
            sign_verify(k, pub);
    }

    jg_buf_free(&j1);
    jg_buf_free(&j2);
    jg_buf_free(&pem);
    jg_key_free(pem_key);
    jg_key_free(pub);
    jg_key_free(full);
    jg_key_free(k);
    return 0;
}
