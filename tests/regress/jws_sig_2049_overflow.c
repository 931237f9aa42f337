/* tests/regress/jws_sig_2049_overflow.c - a 2732-character signature
 * segment must be refused before it is decoded (catalogue C6).
 *
 * Found by tests/attacks ("C6 RS256 signature of 2049 bytes"): the verify
 * path decodes the signature into a stack buffer of JGI_SIG_MAX (2048)
 * bytes after checking the segment against JGI_B64_ENC_LEN(JGI_SIG_MAX),
 * which is 2732 characters, but 2732 characters decode to 2049 bytes: one
 * attacker-chosen byte lands past the buffer (ASan: stack-buffer-overflow
 * in jgi_b64url_decode from jgi_jws_verify_compact), before any key is
 * chosen, for every key type. The JSON serialization path has the same
 * bound. Under ASan the bug crashes this test; in other builds the reason
 * shows the length was not refused up front ("signature too long").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jwtguard/jwtguard.h>

static jg_verifier *make_verifier(void)
{
    static const uint8_t secret[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                       12, 13, 14, 15, 16, 17, 18, 19, 20,
                                       21, 22, 23, 24, 25, 26, 27, 28, 29,
                                       30, 31, 32};
    jg_key *k = NULL;
    jg_keyset *ks = NULL;
    jg_policy *p = NULL;
    jg_verifier *v = NULL;

    assert_int_equal(jg_key_from_secret(&k, secret, sizeof secret, JG_HS256),
                     JG_OK);
    assert_int_equal(jg_keyset_from_key(&ks, k), JG_OK);
    assert_int_equal(jg_policy_new(&p), JG_OK);
    assert_int_equal(jg_policy_allow_alg(p, JG_HS256), JG_OK);
    assert_int_equal(jg_verifier_new(&v, p, ks), JG_OK);
    jg_policy_free(p);
    jg_keyset_free(ks);
    jg_key_free(k);
    return v;
}

/* {"alg":"HS256"} . {"a":1} . <sig_chars x 'A'> */
static char *compact_with_sig(size_t sig_chars, size_t *len)
{
    static const char head[] = "eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.";
    size_t hl = sizeof head - 1;
    char *t = malloc(hl + sig_chars + 1);
    assert_non_null(t);
    memcpy(t, head, hl);
    memset(t + hl, 'A', sig_chars);
    t[hl + sig_chars] = '\0';
    *len = hl + sig_chars;
    return t;
}

static void test_compact_2732_chars(void **state)
{
    (void)state;
    jg_verifier *v = make_verifier();
    jg_buf payload = {0};
    jg_reason why;
    size_t len;
    /* 2732 = 683 * 4 characters: 2049 bytes, one more than any
     * algorithm's signature */
    char *tok = compact_with_sig(2732, &len);

    assert_int_equal(jg_jws_verify(v, tok, len, &payload, NULL, &why),
                     JG_E_BAD_SIGNATURE);
    assert_null(payload.data);
    assert_string_equal(why.check, "signature");
    assert_non_null(strstr(why.detail, "too long"));
    free(tok);
    jg_verifier_free(v);
}

static void test_compact_2731_chars_is_decoded(void **state)
{
    (void)state;
    jg_verifier *v = make_verifier();
    jg_buf payload = {0};
    jg_reason why;
    size_t len;
    /* 2731 characters: 2048 bytes, the largest signature (RSA-16384);
     * it fits the buffer and simply does not verify */
    char *tok = compact_with_sig(2731, &len);

    assert_int_equal(jg_jws_verify(v, tok, len, &payload, NULL, &why),
                     JG_E_BAD_SIGNATURE);
    assert_null(payload.data);
    free(tok);
    jg_verifier_free(v);
}

static void test_json_2732_chars(void **state)
{
    (void)state;
    jg_verifier *v = make_verifier();
    jg_buf payload = {0};
    jg_reason why;
    size_t idx = 99;
    static const char pre[] =
        "{\"payload\":\"eyJhIjoxfQ\",\"protected\":\"eyJhbGciOiJIUzI1NiJ9\","
        "\"signature\":\"";
    size_t pl = sizeof pre - 1, n = pl + 2732 + 2;
    char *doc = malloc(n + 1);
    assert_non_null(doc);
    memcpy(doc, pre, pl);
    memset(doc + pl, 'A', 2732);
    memcpy(doc + pl + 2732, "\"}", 3);

    assert_int_equal(jg_jws_verify_json(v, doc, n, &payload, &idx, NULL,
                                        &why),
                     JG_E_BAD_SIGNATURE);
    assert_null(payload.data);
    assert_non_null(strstr(why.detail, "too long"));
    free(doc);
    jg_verifier_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_2732_chars),
        cmocka_unit_test(test_compact_2731_chars_is_decoded),
        cmocka_unit_test(test_json_2732_chars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
