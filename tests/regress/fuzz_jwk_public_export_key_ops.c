/* tests/regress/fuzz_jwk_public_export_key_ops.c - found by fuzz_jwk.
 *
 * A private key whose "key_ops" names only private operations (["sign"],
 * ["decrypt"]) exported with public_only dropped
 * those operations and wrote "key_ops":[], which jg_key_from_jwk (rightly)
 * refuses as an empty key_ops: the library's own public export did not
 * import again (fuzz/corpus/jwk/hm_ec_key_ops_sign_only). The fix maps
 * each private operation to its public counterpart, as WebCrypto splits a
 * key pair's usages (sign -> verify, decrypt -> encrypt): the public
 * export imports again as the same public key (same thumbprint), can never
 * sign, and can verify exactly when the original could sign or verify.
 * Same for jg_keyset_to_jwks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <jwtguard/jwtguard.h>

#define EC_PRIV_PREFIX                                                       \
    "{\"kty\":\"EC\",\"crv\":\"P-256\","                                     \
    "\"x\":\"MfPOXXss9FmVmUvqmQa9j5nWNmiYBX0BM_2wFHtiwTE\","                 \
    "\"y\":\"Bkkvkrjvnf_TAhtKbOLvV5wdnOGI7Qundbhl76zhnXE\","                 \
    "\"d\":\"Tns7BRB_jpAZQqhyZfWCL0Djdx0yXKb-wOVrQR23zbY\","

static const char *const cases[] = {
    EC_PRIV_PREFIX "\"key_ops\":[\"sign\"]}",
    EC_PRIV_PREFIX "\"alg\":\"ES256\",\"kid\":\"k\",\"key_ops\":[\"sign\"]}",
    EC_PRIV_PREFIX "\"key_ops\":[\"decrypt\"]}",
    EC_PRIV_PREFIX "\"key_ops\":[\"sign\",\"verify\"]}", /* control */
};

static void same_thumbprint(const jg_key *a, const jg_key *b)
{
    jg_buf ta = {0}, tb = {0};
    assert_int_equal(jg_key_thumbprint(&ta, a), JG_OK);
    assert_int_equal(jg_key_thumbprint(&tb, b), JG_OK);
    assert_int_equal(ta.len, tb.len);
    assert_memory_equal(ta.data, tb.data, ta.len);
    jg_buf_free(&ta);
    jg_buf_free(&tb);
}

static void check_public(const jg_key *orig, const jg_key *pub)
{
    assert_false(jg_key_is_private(pub));
    same_thumbprint(orig, pub);
    for (int alg = 1; alg < JG_ALG__JWS_END; alg++) {
        /* the public half verifies exactly where the original could sign
         * or verify */
        int could = jg_key_check_alg(orig, (jg_alg)alg, JG_OP_VERIFY) == JG_OK ||
                    jg_key_check_alg(orig, (jg_alg)alg, JG_OP_SIGN) == JG_OK;
        int can = jg_key_check_alg(pub, (jg_alg)alg, JG_OP_VERIFY) == JG_OK;
        assert_int_equal(could, can);
        assert_int_not_equal(jg_key_check_alg(pub, (jg_alg)alg, JG_OP_SIGN),
                             JG_OK);
    }
}

static void test_key_to_jwk_public(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jg_key *k = NULL, *pub = NULL;
        jg_buf out = {0};
        jg_err rc;

        print_message("case %zu: %s\n", i, cases[i]);
        assert_int_equal(jg_key_from_jwk(&k, cases[i], strlen(cases[i])),
                         JG_OK);
        rc = jg_key_to_jwk(&out, k, 1);
        if (rc == JG_OK) {
            rc = jg_key_from_jwk(&pub, (const char *)out.data, out.len);
            if (rc != JG_OK)
                print_message("public export %s does not import: %s\n",
                              (const char *)out.data, jg_err_name(rc));
            assert_int_equal(rc, JG_OK);
            check_public(k, pub);
        } else {
            assert_null(out.data);
        }
        jg_key_free(pub);
        jg_buf_free(&out);
        jg_key_free(k);
    }
}

static void test_keyset_to_jwks_public(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char set[1024];
        jg_keyset *ks = NULL, *again = NULL;
        jg_buf out = {0};
        size_t skipped = 0;
        jg_err rc;
        int n = snprintf(set, sizeof set, "{\"keys\":[%s]}", cases[i]);

        assert_true(n > 0 && (size_t)n < sizeof set);
        assert_int_equal(jg_keyset_from_jwks(&ks, set, (size_t)n, &skipped),
                         JG_OK);
        rc = jg_keyset_to_jwks(&out, ks, 1);
        if (rc == JG_OK) {
            rc = jg_keyset_from_jwks(&again, (const char *)out.data, out.len,
                                     &skipped);
            if (rc != JG_OK)
                print_message("public JWKS %s does not import: %s\n",
                              (const char *)out.data, jg_err_name(rc));
            assert_int_equal(rc, JG_OK);
            assert_int_equal(jg_keyset_count(again), 1);
            check_public(jg_keyset_at(ks, 0), jg_keyset_at(again, 0));
        } else {
            assert_null(out.data);
        }
        jg_keyset_free(again);
        jg_buf_free(&out);
        jg_keyset_free(ks);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_to_jwk_public),
        cmocka_unit_test(test_keyset_to_jwks_public),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
