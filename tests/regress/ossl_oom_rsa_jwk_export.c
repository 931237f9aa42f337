/* tests/regress/ossl_oom_rsa_jwk_export.c - an RSA private JWK export
 * that meets an OpenSSL allocation failure must fail, never hand out a
 * different key.
 *
 * Found by the allocation-failure torture with OpenSSL's allocations routed
 * through the failure counter (tests/unit/test_torture.c,
 * JG_TORTURE_OSSL=1): jg_key_to_jwk(private) returned JG_OK with "p" equal
 * to "q". jgi_key_export reads each CRT member with its own
 * EVP_PKEY_get_bn_param call; OpenSSL 3.0 answers each by collecting
 * p, q (and dp, dq) into a fresh stack in ossl_rsa_get0_all_params, which
 * ignores a failed push: when the push of p fails and the push of q
 * succeeds, "rsa-factor1" is q. The exported JWK is then a corrupt private
 * key (p = q), reported as success. The same holds for dp/dq. The library
 * must check what it exports (p != q, dp != dq, or p*q == n) and fail
 * with an error instead.
 *
 * This test walks the failing allocation over the whole export, OpenSSL's
 * allocations included, and requires every JG_OK result to be the exact
 * JWK of the key. OpenSSL's allocator hook must be set before OpenSSL's
 * first allocation: it is the first thing main() does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/crypto.h>

#include <jwtguard/jwtguard.h>
#include "internal.h"

static void *hook_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return jgi_malloc(n);
}

static void *hook_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return jgi_realloc(p, n);
}

static void hook_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    jgi_free(p);
}

/* The name of the JSON member in which two exports first differ. */
static const char *differing_member(const jg_buf *a, const jg_buf *b)
{
    static char name[16];
    size_t i = 0, j;
    while (i < a->len && i < b->len && a->data[i] == b->data[i])
        i++;
    /* back to the '"name":' before the first difference */
    while (i > 0 && !(a->data[i] == ':' && a->data[i - 1] == '"'))
        i--;
    if (i < 2)
        return "?";
    j = i - 2;
    while (j > 0 && a->data[j] != '"')
        j--;
    snprintf(name, sizeof name, "%.*s", (int)(i - j), (const char *)a->data + j);
    return name;
}

static void test_rsa_private_jwk_export_under_oom(void **state)
{
    jg_key *k = NULL;
    jg_buf want = {0};
    size_t n, made, wrong = 0, first_wrong = 0;

    (void)state;
    jgi_set_alloc_fail(0);
    assert_int_equal(jg_key_generate(&k, JG_RS256, 2048, "r", 1), JG_OK);
    assert_int_equal(jg_key_to_jwk(&want, k, 0), JG_OK);
    for (n = 1; n < 100000; n++) {
        jg_buf got = {0};
        jgi_set_alloc_fail(n);
        jg_err rc = jg_key_to_jwk(&got, k, 0);
        made = jgi_set_alloc_fail(0);
        if (rc != JG_OK) {
            assert_null(got.data);
            assert_int_equal(got.len, 0);
        } else if (got.len != want.len ||
                   memcmp(got.data, want.data, want.len) != 0) {
            if (!wrong++)
                first_wrong = n;
            print_message("failing allocation %zu: JG_OK, but member %s "
                          "differs\n",
                          n, differing_member(&want, &got));
        }
        jg_buf_free(&got);
        if (made < n)
            break; /* the failure point lies beyond the export */
    }
    jg_buf_free(&want);
    jg_key_free(k);
    if (wrong)
        fail_msg("%zu failing allocations (first: %zu) exported a different "
                 "key with JG_OK",
                 wrong, first_wrong);
}

int main(void)
{
    if (!CRYPTO_set_mem_functions(hook_malloc, hook_realloc, hook_free)) {
        fprintf(stderr, "CRYPTO_set_mem_functions refused\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa_private_jwk_export_under_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
