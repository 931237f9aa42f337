/* tests/unit/test_auto.c - JG_AUTO frees at scope exit (checked by the
 * ASan/LSan build and valgrind: a missing free is a leak report). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jwtguard/jwtguard.h>

static void auto_frees(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        JG_AUTO(jg_key) k = NULL;
        JG_AUTO(jg_keyset) ks = NULL;
        JG_AUTO(jg_policy) p = NULL;
        JG_AUTO(jg_verifier) v = NULL;
        assert_int_equal(jg_key_generate(&k, JG_HS256, 0, NULL, 0), JG_OK);
        assert_int_equal(jg_keyset_from_key(&ks, k), JG_OK);
        assert_int_equal(jg_policy_new(&p), JG_OK);
        assert_int_equal(jg_policy_allow_alg(p, JG_HS256), JG_OK);
        assert_int_equal(jg_verifier_new(&v, p, ks), JG_OK);
    }
    /* NULL stays fine. */
    JG_AUTO(jg_claims) c = NULL;
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(auto_frees)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
