/* tests/regress/fuzz_jwk_public_key_ops_sign.c - found by fuzz_jwk.
 *
 * Since the public export maps private operations to public ones (sign ->
 * verify, see fuzz_jwk_public_export_key_ops.c), exporting a key that is
 * already public with public_only widens what it may do: the public JWK
 *   {"kty":"EC",...,"key_ops":["sign"]}
 * imports (it can neither sign, having no private half, nor verify, its
 * key_ops lacking "verify"), but its public export says
 * "key_ops":["verify"], which imports as a key that verifies ES256.
 * Reproducer: fuzz/corpus/jwk/regress_public_key_ops_sign. Rules checked,
 * whatever the fix (refuse such a key at import, or map only for private
 * keys): a public key's public export is the same text as its full export,
 * and no export grants an operation the original did not have.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <jwtguard/jwtguard.h>

#define EC_PUB_PREFIX                                                        \
    "{\"kty\":\"EC\",\"crv\":\"P-256\","                                     \
    "\"x\":\"MfPOXXss9FmVmUvqmQa9j5nWNmiYBX0BM_2wFHtiwTE\","                 \
    "\"y\":\"Bkkvkrjvnf_TAhtKbOLvV5wdnOGI7Qundbhl76zhnXE\","

static const char *const cases[] = {
    EC_PUB_PREFIX "\"alg\":\"ES256\",\"kid\":\"fz-es\",\"key_ops\":[\"sign\"]}",
    EC_PUB_PREFIX "\"key_ops\":[\"sign\"]}",
    EC_PUB_PREFIX "\"key_ops\":[\"decrypt\"]}",
    EC_PUB_PREFIX "\"key_ops\":[\"verify\"]}", /* control: must import */
};

static void test_public_key_export(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        jg_key *k = NULL, *again = NULL;
        jg_buf full = {0}, pub = {0};
        jg_err rc = jg_key_from_jwk(&k, cases[i], strlen(cases[i]));

        print_message("case %zu: %s -> %s\n", i, cases[i], jg_err_name(rc));
        if (i == sizeof cases / sizeof cases[0] - 1)
            assert_int_equal(rc, JG_OK);
        if (rc != JG_OK) {
            assert_null(k);
            continue; /* refusing such a key at import is a fix too */
        }
        assert_false(jg_key_is_private(k));
        assert_int_equal(jg_key_to_jwk(&full, k, 0), JG_OK);
        assert_int_equal(jg_key_to_jwk(&pub, k, 1), JG_OK);
        print_message("  full %s\n  public %s\n", (const char *)full.data,
                      (const char *)pub.data);
        /* a public key has nothing to drop: both exports are the same */
        assert_int_equal(full.len, pub.len);
        assert_memory_equal(full.data, pub.data, full.len);
        assert_int_equal(jg_key_from_jwk(&again, (const char *)pub.data,
                                         pub.len),
                         JG_OK);
        for (int alg = 1; alg < JG_ALG__JWS_END; alg++)
            if (jg_key_check_alg(k, (jg_alg)alg, JG_OP_VERIFY) != JG_OK)
                assert_int_not_equal(
                    jg_key_check_alg(again, (jg_alg)alg, JG_OP_VERIFY),
                    JG_OK);
        jg_key_free(again);
        jg_buf_free(&pub);
        jg_buf_free(&full);
        jg_key_free(k);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_public_key_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
