/* tests/unit/test_b64url.c - strict base64url (RFC 4648 §5, catalogue C1).
 *
 * RFC 4648 §10 vectors in the URL alphabet, every class of invalid input
 * (padding, whitespace, '+' '/', other bytes at every position, length 1
 * mod 4, non-zero unused bits in 2- and 3-character tails, NUL), a round
 * trip of every length 0..300 against a bitwise reference encoder, and a
 * tamper loop showing that one byte string has exactly one encoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static const char alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Deterministic test data (xorshift64*), not the C library PRNG. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint8_t rnd8(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint8_t)((rng_state * 0x2545F4914F6CDD1Du) >> 56);
}

static jg_err dec(const char *in, size_t n, uint8_t **out, size_t *out_len)
{
    /* exactly the documented bound, on the heap: ASan sees overruns */
    *out = malloc(JGI_B64_DEC_LEN(n));
    assert_non_null(*out);
    return jgi_b64url_decode(*out, out_len, in, n);
}

static jg_err dec_s(const char *in)
{
    uint8_t *o;
    size_t ol = 99;
    jg_err rc = dec(in, strlen(in), &o, &ol);
    if (rc != JG_OK)
        assert_int_equal(ol, 0); /* outputs cleared on failure */
    free(o);
    return rc;
}

/* Bit-by-bit reference encoder: obviously right, slow. */
static size_t ref_encode(char *out, const uint8_t *in, size_t len)
{
    size_t bits = len * 8, i, n = 0;
    for (i = 0; i < bits; i += 6) {
        unsigned v = 0, b;
        for (b = 0; b < 6; b++) {
            size_t k = i + b;
            unsigned bit = k < bits ? (in[k / 8] >> (7 - k % 8)) & 1u : 0u;
            v = v << 1 | bit;
        }
        out[n++] = alpha[v];
    }
    return n;
}

static void test_rfc4648_vectors(void **state)
{
    static const struct {
        const char *plain, *enc;
    } v[] = {
        {"", ""},         {"f", "Zg"},         {"fo", "Zm8"},
        {"foo", "Zm9v"},  {"foob", "Zm9vYg"},  {"fooba", "Zm9vYmE"},
        {"foobar", "Zm9vYmFy"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        char e[16];
        uint8_t *d;
        size_t n = jgi_b64url_encode(e, (const uint8_t *)v[i].plain,
                                     strlen(v[i].plain)),
               dl;
        assert_int_equal(n, strlen(v[i].enc));
        assert_memory_equal(e, v[i].enc, n);
        assert_int_equal(dec(v[i].enc, strlen(v[i].enc), &d, &dl), JG_OK);
        assert_int_equal(dl, strlen(v[i].plain));
        if (dl)
            assert_memory_equal(d, v[i].plain, dl);
        free(d);
    }
}

static void test_url_alphabet(void **state)
{
    /* 0xFB 0xFF 0xBF is "+/+/" in standard base64, "-_-_" here */
    const uint8_t raw[3] = {0xFB, 0xFF, 0xBF};
    char e[4];
    uint8_t *d;
    size_t dl;
    (void)state;
    assert_int_equal(jgi_b64url_encode(e, raw, 3), 4);
    assert_memory_equal(e, "-_-_", 4);
    assert_int_equal(dec("-_-_", 4, &d, &dl), JG_OK);
    assert_int_equal(dl, 3);
    assert_memory_equal(d, raw, 3);
    free(d);
    assert_int_equal(dec_s("+/+/"), JG_E_MALFORMED);
    assert_int_equal(dec_s("-_+/"), JG_E_MALFORMED);
    assert_int_equal(dec_s("ab/c"), JG_E_MALFORMED);
    assert_int_equal(dec_s("ab+c"), JG_E_MALFORMED);
}

static void test_every_byte_every_position(void **state)
{
    /* Each of the 256 byte values in each position of a full group and
     * of 2- and 3-character tails: accepted iff in the alphabet (and, in
     * the last character of a tail, carrying no unused bits). */
    unsigned c, pos;
    (void)state;
    for (c = 0; c < 256; c++) {
        const char *hit = c ? memchr(alpha, (int)c, 64) : NULL;
        unsigned val = hit ? (unsigned)(hit - alpha) : 99;
        for (pos = 0; pos < 4; pos++) {
            char g[8] = "AAAAAAAA";
            uint8_t out[8];
            size_t ol;
            g[pos] = (char)c;
            assert_int_equal(jgi_b64url_decode(out, &ol, g, 4),
                             hit ? JG_OK : JG_E_MALFORMED);
            /* same char in the second group */
            g[pos] = 'A';
            g[4 + pos] = (char)c;
            assert_int_equal(jgi_b64url_decode(out, &ol, g, 8),
                             hit ? JG_OK : JG_E_MALFORMED);
        }
        {
            char t2[2] = {'A', (char)c}, t3[3] = {'A', 'A', (char)c};
            uint8_t out[4];
            size_t ol;
            jg_err want2 = hit && val % 16 == 0 ? JG_OK : JG_E_MALFORMED;
            jg_err want3 = hit && val % 4 == 0 ? JG_OK : JG_E_MALFORMED;
            assert_int_equal(jgi_b64url_decode(out, &ol, t2, 2), want2);
            assert_int_equal(jgi_b64url_decode(out, &ol, t3, 3), want3);
            t2[0] = (char)c;
            t2[1] = 'A';
            assert_int_equal(jgi_b64url_decode(out, &ol, t2, 2),
                             hit ? JG_OK : JG_E_MALFORMED);
        }
    }
}

static void test_padding_whitespace_nul(void **state)
{
    (void)state;
    assert_int_equal(dec_s("Zg=="), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm8="), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zg="), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9v===="), JG_E_MALFORMED);
    assert_int_equal(dec_s("===="), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9v Yg"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9v\nYmFy"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9vYmFy\n"), JG_E_MALFORMED);
    assert_int_equal(dec_s(" Zm9v"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9\tv"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9v\r\n"), JG_E_MALFORMED);
    {
        uint8_t *o;
        size_t ol;
        assert_int_equal(dec("Zm\0v", 4, &o, &ol), JG_E_MALFORMED);
        free(o);
        assert_int_equal(dec("Zm9vYg\0", 7, &o, &ol), JG_E_MALFORMED);
        free(o);
    }
}

static void test_length_one_mod_four(void **state)
{
    (void)state;
    assert_int_equal(dec_s("Z"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9vY"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9vYmFyZ"), JG_E_MALFORMED);
    assert_int_equal(dec_s("A"), JG_E_MALFORMED);
    assert_int_equal(dec_s(""), JG_OK);
}

static void test_trailing_bits(void **state)
{
    (void)state;
    /* "f" = Zg; Zh..Zv carry non-zero unused bits */
    assert_int_equal(dec_s("Zg"), JG_OK);
    assert_int_equal(dec_s("Zh"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zv"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zw"), JG_OK); /* 0x67 */
    /* "fo" = Zm8; Zm9 has the low bit set */
    assert_int_equal(dec_s("Zm8"), JG_OK);
    assert_int_equal(dec_s("Zm9"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm-"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm_"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9vZm9vZm8"), JG_OK);
    assert_int_equal(dec_s("Zm9vZm9vZm9"), JG_E_MALFORMED);
    assert_int_equal(dec_s("Zm9vZm9vZh"), JG_E_MALFORMED);
}

static void test_round_trip_and_reference(void **state)
{
    uint8_t in[301];
    size_t n, i;
    (void)state;
    for (n = 0; n <= 300; n++) {
        char enc[404], ref[404];
        uint8_t *d;
        size_t m, dl;
        for (i = 0; i < n; i++)
            in[i] = rnd8();
        m = jgi_b64url_encode(enc, in, n);
        assert_true(m <= JGI_B64_ENC_LEN(n));
        assert_int_equal(m, (4 * n + 2) / 3);
        assert_int_equal(ref_encode(ref, in, n), m);
        assert_memory_equal(enc, ref, m);
        assert_int_equal(dec(enc, m, &d, &dl), JG_OK);
        assert_int_equal(dl, n);
        if (n)
            assert_memory_equal(d, in, n);
        free(d);
    }
}

static void test_tamper_canonical(void **state)
{
    /* Changing any character to any other alphabet character either is
     * rejected or decodes to different bytes: no two strings decode to
     * the same bytes (what makes a token hash a token identity). */
    uint8_t in[40];
    size_t n, i, k;
    (void)state;
    for (n = 1; n <= 40; n++) {
        char enc[64];
        size_t m;
        for (i = 0; i < n; i++)
            in[i] = rnd8();
        m = jgi_b64url_encode(enc, in, n);
        for (i = 0; i < m; i++) {
            char orig = enc[i];
            for (k = 0; k < 64; k++) {
                uint8_t out[64];
                size_t ol;
                if (alpha[k] == orig)
                    continue;
                enc[i] = alpha[k];
                if (jgi_b64url_decode(out, &ol, enc, m) == JG_OK)
                    assert_true(ol != n || memcmp(out, in, n) != 0);
            }
            enc[i] = orig;
        }
    }
}

static void test_buf_b64url(void **state)
{
    jg_buf b = {0};
    uint8_t big[5000];
    size_t i, m;
    char *ref = malloc(JGI_B64_ENC_LEN(sizeof big));
    (void)state;
    assert_non_null(ref);
    assert_int_equal(jg_buf_append(&b, "x.", 2), JG_OK);
    assert_int_equal(jgi_buf_b64url(&b, (const uint8_t *)"foobar", 6),
                     JG_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal((char *)b.data, "x.Zm9vYmFy"); /* NUL-terminated */
    assert_int_equal(jgi_buf_b64url(&b, NULL, 0), JG_OK);
    assert_int_equal(b.len, 10);
    jg_buf_free(&b);

    /* larger than the internal slice: crosses slice boundaries */
    for (i = 0; i < sizeof big; i++)
        big[i] = rnd8();
    m = jgi_b64url_encode(ref, big, sizeof big);
    assert_int_equal(jgi_buf_b64url(&b, big, sizeof big), JG_OK);
    assert_int_equal(b.len, m);
    assert_memory_equal(b.data, ref, m);
    jg_buf_free(&b);

    /* allocation failure is reported, the buffer left empty */
    jgi_set_alloc_fail(1);
    assert_int_equal(jgi_buf_b64url(&b, big, 10), JG_E_NOMEM);
    jgi_set_alloc_fail(0);
    assert_null(b.data);
    free(ref);
}

static void test_decode_bound(void **state)
{
    /* JGI_B64_DEC_LEN is enough for every length, and what is written
     * never exceeds it: out is sized exactly (ASan checks the rest). */
    size_t n;
    (void)state;
    for (n = 0; n < 64; n++) {
        char in[64];
        uint8_t *d;
        size_t dl, i;
        if (n % 4 == 1)
            continue;
        for (i = 0; i < n; i++)
            in[i] = 'A';
        assert_int_equal(dec(in, n, &d, &dl), JG_OK);
        assert_int_equal(dl, n * 3 / 4);
        assert_true(dl <= JGI_B64_DEC_LEN(n));
        free(d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_url_alphabet),
        cmocka_unit_test(test_every_byte_every_position),
        cmocka_unit_test(test_padding_whitespace_nul),
        cmocka_unit_test(test_length_one_mod_four),
        cmocka_unit_test(test_trailing_bits),
        cmocka_unit_test(test_round_trip_and_reference),
        cmocka_unit_test(test_tamper_canonical),
        cmocka_unit_test(test_buf_b64url),
        cmocka_unit_test(test_decode_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
