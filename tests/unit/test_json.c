/* tests/unit/test_json.c - the strict JSON reader and the writer.
 *
 * Reader: valid documents and every accessor (raw text, member order,
 * unescaping), then one table row per strictness rule with the expected
 * error (duplicates, UTF-8, surrogates, controls, numbers, trailing data),
 * the limits at and beyond their boundaries, UTF-8 checked exhaustively
 * against a reference decoder, allocation failures walked one by one.
 * Writer: exact bytes, escaping, sticky errors, and a round trip through
 * the reader of documents built from deterministic random data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static uint64_t rng_state = 0x243F6A8885A308D3u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

static jg_err parse_n(const char *s, size_t n, const jg_limits *lim)
{
    jg_json *doc = (jg_json *)1;
    jg_err rc = jg_json_parse(&doc, s, n, lim);
    if (rc == JG_OK) {
        assert_non_null(doc);
        jg_json_free(doc);
    } else {
        assert_null(doc); /* *out is NULL on failure */
    }
    return rc;
}

static jg_err parse_s(const char *s)
{
    return parse_n(s, strlen(s), NULL);
}

/* Parse (must succeed) and return the document. */
static jg_json *doc_n(const char *s, size_t n)
{
    jg_json *doc = NULL;
    jg_err rc = jg_json_parse(&doc, s, n, NULL);
    if (rc != JG_OK)
        fail_msg("parse failed (%s): %.*s", jg_err_name(rc), (int)n, s);
    return doc;
}

static jg_json *doc_s(const char *s)
{
    return doc_n(s, strlen(s));
}

static void expect_raw(const jg_jval *v, const char *want)
{
    const char *raw;
    size_t len;
    jg_jval_raw(v, &raw, &len);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(raw, want, len);
}

static void expect_str(const jg_jval *v, const char *want, size_t wlen)
{
    const char *s;
    size_t len;
    assert_int_equal(jg_jval_str(v, &s, &len), JG_OK);
    assert_int_equal(len, wlen);
    assert_memory_equal(s, want, wlen);
    assert_int_equal(s[len], '\0');
}

static void expect_out(jgi_jw *w, const char *want);

/* ---- valid documents and accessors ---- */

static const char claims[] =
    "{\"iss\":\"https://id.example.com\",\"sub\":\"user-1234567890\","
    "\"aud\":\"api.example.com\",\"exp\":1767225600,\"iat\":1767222000,"
    "\"jti\":\"b5e0f2a4c3d14e7f9a8b6c5d4e3f2a1b\","
    "\"scope\":\"read:items write:items\"}";

static void test_claims_object(void **state)
{
    static const char *names[] = {"iss", "sub", "aud", "exp",
                                  "iat", "jti", "scope"};
    jg_json *doc = doc_s(claims);
    const jg_jval *r = jg_json_root(doc), *v;
    int64_t i64;
    size_t i;
    (void)state;
    assert_int_equal(jg_jval_type(r), JG_JSON_OBJECT);
    assert_int_equal(jg_jval_count(r), 7);
    expect_raw(r, claims);
    for (i = 0; i < 7; i++) {
        const char *name;
        size_t nlen;
        v = jg_jval_member(r, i, &name, &nlen);
        assert_non_null(v);
        assert_string_equal(name, names[i]); /* document order, NUL */
        assert_int_equal(nlen, strlen(names[i]));
        assert_ptr_equal(jg_jval_get(r, name, nlen), v);
    }
    assert_null(jg_jval_member(r, 7, NULL, NULL));
    expect_str(jg_jval_get(r, "iss", 3), "https://id.example.com", 22);
    expect_raw(jg_jval_get(r, "iss", 3), "\"https://id.example.com\"");
    assert_int_equal(jg_jval_int(jg_jval_get(r, "exp", 3), &i64), JG_OK);
    assert_true(i64 == 1767225600);
    expect_raw(jg_jval_get(r, "exp", 3), "1767225600");
    assert_null(jg_jval_get(r, "ex", 2));
    assert_null(jg_jval_get(r, "EXP", 3)); /* case-sensitive */
    assert_null(jg_jval_get(r, "exp\0", 4));
    jg_json_free(doc);
}

static void test_nested_and_raw(void **state)
{
    const char *t = " { \"a\" : [ 1 , -2.5e3 , true , false , null ] ,"
                    "\"b\" : { \"c\" : \"x\\\"y\" , \"d\" : { } } , "
                    "\"e\" : [ ] } \r\n";
    jg_json *doc = doc_s(t);
    const jg_jval *r = jg_json_root(doc), *a, *b, *v;
    double d;
    int bl;
    int64_t i64;
    (void)state;
    a = jg_jval_get(r, "a", 1);
    b = jg_jval_get(r, "b", 1);
    expect_raw(a, "[ 1 , -2.5e3 , true , false , null ]");
    expect_raw(b, "{ \"c\" : \"x\\\"y\" , \"d\" : { } }");
    expect_raw(jg_jval_get(r, "e", 1), "[ ]");
    assert_int_equal(jg_jval_count(a), 5);
    assert_int_equal(jg_jval_type(jg_jval_at(a, 0)), JG_JSON_INT);
    assert_int_equal(jg_jval_type(jg_jval_at(a, 1)), JG_JSON_DOUBLE);
    assert_int_equal(jg_jval_num(jg_jval_at(a, 1), &d), JG_OK);
    assert_true(d == -2500.0);
    expect_raw(jg_jval_at(a, 1), "-2.5e3");
    assert_int_equal(jg_jval_num(jg_jval_at(a, 0), &d), JG_OK);
    assert_true(d == 1.0);
    assert_int_equal(jg_jval_bool(jg_jval_at(a, 2), &bl), JG_OK);
    assert_int_equal(bl, 1);
    assert_int_equal(jg_jval_bool(jg_jval_at(a, 3), &bl), JG_OK);
    assert_int_equal(bl, 0);
    assert_int_equal(jg_jval_type(jg_jval_at(a, 4)), JG_JSON_NULL);
    expect_raw(jg_jval_at(a, 4), "null");
    assert_null(jg_jval_at(a, 5));
    v = jg_jval_get(b, "c", 1);
    expect_str(v, "x\"y", 3);
    expect_raw(v, "\"x\\\"y\"");
    assert_int_equal(jg_jval_type(jg_jval_get(b, "d", 1)), JG_JSON_OBJECT);
    assert_int_equal(jg_jval_count(jg_jval_get(b, "d", 1)), 0);
    assert_int_equal(jg_jval_count(jg_jval_get(r, "e", 1)), 0);
    /* wrong types */
    assert_int_equal(jg_jval_int(v, &i64), JG_E_CLAIM_TYPE);
    assert_int_equal(jg_jval_num(v, &d), JG_E_CLAIM_TYPE);
    assert_int_equal(jg_jval_bool(jg_jval_at(a, 0), &bl), JG_E_CLAIM_TYPE);
    assert_int_equal(jg_jval_int(jg_jval_at(a, 1), &i64), JG_E_CLAIM_TYPE);
    {
        const char *s;
        size_t sl;
        assert_int_equal(jg_jval_str(a, &s, &sl), JG_E_CLAIM_TYPE);
        assert_null(s);
        assert_int_equal(jg_jval_str(NULL, &s, &sl), JG_E_NOT_FOUND);
    }
    assert_int_equal(jg_jval_int(NULL, &i64), JG_E_NOT_FOUND);
    assert_int_equal(jg_jval_num(NULL, &d), JG_E_NOT_FOUND);
    assert_int_equal(jg_jval_bool(NULL, &bl), JG_E_NOT_FOUND);
    /* accessors on the wrong kind of container */
    assert_null(jg_jval_get(a, "a", 1));
    assert_null(jg_jval_at(r, 0));
    assert_null(jg_jval_member(a, 0, NULL, NULL));
    assert_int_equal(jg_jval_count(v), 0);
    assert_null(jg_jval_get(NULL, "a", 1));
    assert_int_equal(jg_jval_count(NULL), 0);
    jg_json_free(doc);
    jg_json_free(NULL);
    assert_null(jg_json_root(NULL));
}

static void test_scalar_roots(void **state)
{
    jg_json *doc;
    int64_t i64;
    (void)state;
    doc = doc_s(" 42 ");
    assert_int_equal(jg_jval_int(jg_json_root(doc), &i64), JG_OK);
    assert_true(i64 == 42);
    expect_raw(jg_json_root(doc), "42");
    jg_json_free(doc);
    doc = doc_s("\"s\"");
    expect_str(jg_json_root(doc), "s", 1);
    jg_json_free(doc);
    doc = doc_s("null");
    assert_int_equal(jg_jval_type(jg_json_root(doc)), JG_JSON_NULL);
    jg_json_free(doc);
    doc = doc_s("\t[]\n");
    assert_int_equal(jg_jval_type(jg_json_root(doc)), JG_JSON_ARRAY);
    jg_json_free(doc);
    doc = doc_s("\"\"");
    expect_str(jg_json_root(doc), "", 0);
    jg_json_free(doc);
}

static void test_document_owns_text(void **state)
{
    char text[] = "{\"k\":\"value\",\"n\":[1,2]}";
    jg_json *doc = doc_s(text);
    const jg_jval *r = jg_json_root(doc);
    (void)state;
    memset(text, 'X', sizeof text - 1);
    expect_str(jg_jval_get(r, "k", 1), "value", 5);
    expect_raw(jg_jval_get(r, "n", 1), "[1,2]");
    jg_json_free(doc);
}

static void test_escapes(void **state)
{
    static const struct {
        const char *json, *want;
        size_t wlen;
    } v[] = {
        {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8},
        {"\"\\u0041\\u00e9\\u00E9\"", "A\xC3\xA9\xC3\xA9", 5},
        {"\"\\u20AC\"", "\xE2\x82\xAC", 3},
        {"\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80", 4},  /* U+1F600 */
        {"\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF", 4},  /* U+10FFFF */
        {"\"\\uD800\\uDC00\"", "\xF0\x90\x80\x80", 4},  /* U+10000 */
        {"\"\\uFFFF\"", "\xEF\xBF\xBF", 3},
        {"\"a\\u0000b\"", "a\0b", 3},
        {"\"\\u0000\"", "\0", 1},
        {"\"\x7F\"", "\x7F", 1},
        {"\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"",
         "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 9},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        jg_json *doc = doc_s(v[i].json);
        expect_str(jg_json_root(doc), v[i].want, v[i].wlen);
        expect_raw(jg_json_root(doc), v[i].json);
        jg_json_free(doc);
    }
}

static void test_nul_in_names(void **state)
{
    /* U+0000 in a name is a distinct name, found only by length */
    jg_json *doc = doc_s("{\"a\\u0000b\":1,\"a\":2}");
    const jg_jval *r = jg_json_root(doc);
    int64_t i64;
    (void)state;
    assert_int_equal(jg_jval_int(jg_jval_get(r, "a\0b", 3), &i64), JG_OK);
    assert_true(i64 == 1);
    assert_int_equal(jg_jval_int(jg_jval_get(r, "a", 1), &i64), JG_OK);
    assert_true(i64 == 2);
    jg_json_free(doc);
    assert_int_equal(parse_s("{\"a\\u0000\":1,\"a\\u0000\":2}"),
                     JG_E_MALFORMED);
}

/* ---- strictness: one row per rule ---- */

typedef struct {
    const char *json;
    size_t len; /* 0: strlen */
    jg_err want;
    const char *why;
} row;

static void run_rows(const row *rows, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        size_t len = rows[i].len ? rows[i].len : strlen(rows[i].json);
        jg_err rc = parse_n(rows[i].json, len, NULL);
        if (rc != rows[i].want)
            fail_msg("%s: got %s, want %s", rows[i].why, jg_err_name(rc),
                     jg_err_name(rows[i].want));
    }
}

static void test_duplicates(void **state)
{
    static const row rows[] = {
        {"{\"a\":1,\"a\":2}", 0, JG_E_MALFORMED, "dup"},
        {"{\"a\":1,\"a\":1}", 0, JG_E_MALFORMED, "dup same value"},
        {"{\"a\":1,\"\\u0061\":2}", 0, JG_E_MALFORMED, "dup via escape"},
        {"{\"\\/\":1,\"/\":2}", 0, JG_E_MALFORMED, "dup via \\/"},
        {"{\"x\":{\"a\":1,\"a\":2}}", 0, JG_E_MALFORMED, "nested dup"},
        {"[{\"a\":1},{\"a\":1,\"b\":2,\"a\":3}]", 0, JG_E_MALFORMED,
         "dup in array element"},
        {"{\"alg\":\"HS256\",\"alg\":\"none\"}", 0, JG_E_MALFORMED,
         "catalogue C3"},
        {"{\"\":1,\"\":2}", 0, JG_E_MALFORMED, "empty name dup"},
        {"{\"alg\":1,\"ALG\":2,\"Alg\":3}", 0, JG_OK, "case differs"},
        {"{\"a\":{\"a\":{\"a\":1}}}", 0, JG_OK, "same name, levels"},
        {"[{\"a\":1},{\"a\":2}]", 0, JG_OK, "same name, siblings"},
        {"{\"ab\":1,\"ac\":1,\"a\":1,\"b\":1}", 0, JG_OK, "prefixes"},
        {"{\"\xC3\xA9\":1,\"e\xCC\x81\":2}", 0, JG_OK, "NFC vs NFD"},
    };
    (void)state;
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_duplicates_large(void **state)
{
    /* Objects above the pairwise threshold use the sorted check: try the
     * duplicate at every position pair class, and none at all. */
    static const size_t sizes[] = {15, 16, 17, 18, 40, 255};
    size_t si, n, dup_at;
    char *buf = malloc(65536);
    (void)state;
    assert_non_null(buf);
    for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        n = sizes[si];
        for (dup_at = 0; dup_at <= n; dup_at++) {
            size_t len = 0, i;
            buf[len++] = '{';
            for (i = 0; i < n; i++) {
                /* names k<i>; member dup_at repeats name of member 0 */
                unsigned id = i == dup_at ? 0u : (unsigned)i;
                len += (size_t)snprintf(buf + len, 65536 - len,
                                        "%s\"k%u\":%zu", i ? "," : "", id, i);
            }
            buf[len++] = '}';
            assert_int_equal(parse_n(buf, len, NULL),
                             dup_at > 0 && dup_at < n ? JG_E_MALFORMED
                                                      : JG_OK);
        }
    }
    free(buf);
}

static void test_large_object_lookup(void **state)
{
    /* 2000 unique members: accepted (members limit raised), lookups
     * work, and the sort-based check keeps it fast (not quadratic). */
    jg_limits lim;
    char *buf = malloc(65536);
    size_t len = 0, i;
    jg_json *doc;
    (void)state;
    assert_non_null(buf);
    jg_limits_default(&lim);
    lim.max_members = 2000;
    lim.max_json = 65536;
    buf[len++] = '{';
    for (i = 0; i < 2000; i++)
        len += (size_t)snprintf(buf + len, 65536 - len, "%s\"m%zu\":%zu",
                                i ? "," : "", (i * 7919) % 2000, i);
    buf[len++] = '}';
    assert_int_equal(jg_json_parse(&doc, buf, len, &lim), JG_OK);
    assert_int_equal(jg_jval_count(jg_json_root(doc)), 2000);
    {
        int64_t v;
        assert_int_equal(
            jg_jval_int(jg_jval_get(jg_json_root(doc), "m7919", 5), &v),
            JG_E_NOT_FOUND);
        assert_int_equal(
            jg_jval_int(jg_jval_get(jg_json_root(doc), "m1919", 5), &v),
            JG_OK);
        assert_true((v * 7919) % 2000 == 1919);
    }
    jg_json_free(doc);
    lim.max_members = 1999;
    assert_int_equal(parse_n(buf, len, &lim), JG_E_LIMIT);
    free(buf);
}

static void test_utf8_rules(void **state)
{
    static const row rows[] = {
        {"\"\xC0\x80\"", 0, JG_E_MALFORMED, "overlong NUL"},
        {"\"\xC1\xBF\"", 0, JG_E_MALFORMED, "overlong 2-byte"},
        {"\"\xE0\x80\x80\"", 0, JG_E_MALFORMED, "overlong 3-byte"},
        {"\"\xE0\x9F\xBF\"", 0, JG_E_MALFORMED, "overlong U+07FF"},
        {"\"\xF0\x80\x80\x80\"", 0, JG_E_MALFORMED, "overlong 4-byte"},
        {"\"\xF0\x8F\xBF\xBF\"", 0, JG_E_MALFORMED, "overlong U+FFFF"},
        {"\"\xED\xA0\x80\"", 0, JG_E_MALFORMED, "UTF-8 U+D800"},
        {"\"\xED\xBF\xBF\"", 0, JG_E_MALFORMED, "UTF-8 U+DFFF"},
        {"\"\xED\xA0\xBD\xED\xB8\x80\"", 0, JG_E_MALFORMED, "CESU-8 pair"},
        {"\"\xF4\x90\x80\x80\"", 0, JG_E_MALFORMED, "U+110000"},
        {"\"\xF5\x80\x80\x80\"", 0, JG_E_MALFORMED, "lead F5"},
        {"\"\xF8\x88\x80\x80\x80\"", 0, JG_E_MALFORMED, "5-byte form"},
        {"\"\xFE\"", 0, JG_E_MALFORMED, "FE"},
        {"\"\xFF\"", 0, JG_E_MALFORMED, "FF"},
        {"\"\x80\"", 0, JG_E_MALFORMED, "lone continuation"},
        {"\"\xBF\"", 0, JG_E_MALFORMED, "lone continuation BF"},
        {"\"\xE2\x82\"", 0, JG_E_MALFORMED, "truncated 3-byte"},
        {"\"\xF0\x9F\x98\"", 0, JG_E_MALFORMED, "truncated 4-byte"},
        {"\"\xC3\"", 0, JG_E_MALFORMED, "truncated 2-byte"},
        {"\"\xC3", 0, JG_E_MALFORMED, "truncated at end of input"},
        {"\"\xC3\x28\"", 0, JG_E_MALFORMED, "bad continuation"},
        {"\"\xE2\x28\xA1\"", 0, JG_E_MALFORMED, "bad 2nd of 3"},
        {"\"\xE2\x82\x28\"", 0, JG_E_MALFORMED, "bad 3rd of 3"},
        {"{\"\xC0\xAF\":1}", 0, JG_E_MALFORMED, "bad UTF-8 in a name"},
        {"\"\xE9t\xE9\"", 0, JG_E_MALFORMED, "ISO-8859-1"},
        {"\xEF\xBB\xBF{}", 0, JG_E_MALFORMED, "BOM"},
        {"\xEF\xBB\xBF\"a\"", 0, JG_E_MALFORMED, "BOM before string"},
        {"\"\xC2\x80\"", 0, JG_OK, "U+0080"},
        {"\"\xDF\xBF\"", 0, JG_OK, "U+07FF"},
        {"\"\xE0\xA0\x80\"", 0, JG_OK, "U+0800"},
        {"\"\xED\x9F\xBF\"", 0, JG_OK, "U+D7FF"},
        {"\"\xEE\x80\x80\"", 0, JG_OK, "U+E000"},
        {"\"\xEF\xBF\xBF\"", 0, JG_OK, "U+FFFF"},
        {"\"\xF0\x90\x80\x80\"", 0, JG_OK, "U+10000"},
        {"\"\xF4\x8F\xBF\xBF\"", 0, JG_OK, "U+10FFFF"},
    };
    (void)state;
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_surrogate_escapes(void **state)
{
    static const row rows[] = {
        {"\"\\uD800\"", 0, JG_E_MALFORMED, "lone high"},
        {"\"\\uDBFF\"", 0, JG_E_MALFORMED, "lone high DBFF"},
        {"\"\\uDC00\"", 0, JG_E_MALFORMED, "lone low"},
        {"\"\\uDFFF\"", 0, JG_E_MALFORMED, "lone low DFFF"},
        {"\"\\uD800x\"", 0, JG_E_MALFORMED, "high then char"},
        {"\"\\uD800\\u0041\"", 0, JG_E_MALFORMED, "high then BMP"},
        {"\"\\uD800\\uD800\"", 0, JG_E_MALFORMED, "high high"},
        {"\"\\uDE00\\uD83D\"", 0, JG_E_MALFORMED, "inverted pair"},
        {"\"\\uD800\\n\"", 0, JG_E_MALFORMED, "high then escape"},
        {"\"\\uD800\\\"", 0, JG_E_MALFORMED, "high, backslash, end"},
        {"\"\\uD800\\uDC0\"", 0, JG_E_MALFORMED, "short low"},
        {"\"\\uD800\\uDC00\\uDC00\"", 0, JG_E_MALFORMED, "pair + lone"},
        {"\"\\uD800", 0, JG_E_MALFORMED, "high at end of input"},
        {"{\"\\uDFAA\":0}", 0, JG_E_MALFORMED, "lone low in name"},
        {"\"\\u00G0\"", 0, JG_E_MALFORMED, "bad hex"},
        {"\"\\u00\"", 0, JG_E_MALFORMED, "short escape"},
        {"\"\\u-123\"", 0, JG_E_MALFORMED, "sign in escape"},
        {"\"\\U0041\"", 0, JG_E_MALFORMED, "capital U"},
        {"\"\\x41\"", 0, JG_E_MALFORMED, "\\x"},
        {"\"\\a\"", 0, JG_E_MALFORMED, "\\a"},
        {"\"\\'\"", 0, JG_E_MALFORMED, "\\'"},
        {"\"\\0\"", 0, JG_E_MALFORMED, "\\0"},
        {"\"\\", 0, JG_E_MALFORMED, "backslash at end"},
        {"\"\\\xC3\xA9\"", 0, JG_E_MALFORMED, "escaped non-ASCII"},
        {"\"\\uD834\\uDD1E\"", 0, JG_OK, "U+1D11E"},
    };
    (void)state;
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_control_chars(void **state)
{
    char buf[8];
    unsigned c;
    (void)state;
    for (c = 0; c < 0x20; c++) {
        buf[0] = '"';
        buf[1] = (char)c;
        buf[2] = '"';
        assert_int_equal(parse_n(buf, 3, NULL), JG_E_MALFORMED);
        /* in a name too */
        memcpy(buf, "{\"?\":1}", 7);
        buf[2] = (char)c;
        assert_int_equal(parse_n(buf, 7, NULL), JG_E_MALFORMED);
    }
    assert_int_equal(parse_s("\"\x7F\""), JG_OK);
    assert_int_equal(parse_s("\"\\u001f\""), JG_OK);
}

static void test_trailing_and_whitespace(void **state)
{
    static const row rows[] = {
        {"{} x", 0, JG_E_MALFORMED, "garbage after"},
        {"{}{}", 0, JG_E_MALFORMED, "two documents"},
        {"1 2", 0, JG_E_MALFORMED, "two numbers"},
        {"[1]]", 0, JG_E_MALFORMED, "extra bracket"},
        {"{}\0", 3, JG_E_MALFORMED, "NUL after"},
        {"\0{}", 3, JG_E_MALFORMED, "NUL before"},
        {"{}\f", 0, JG_E_MALFORMED, "form feed is not whitespace"},
        {"\v1", 0, JG_E_MALFORMED, "vertical tab"},
        {"\xC2\xA0[]", 0, JG_E_MALFORMED, "NBSP"},
        {"[1]\xE2\x80\x8B", 0, JG_E_MALFORMED, "zero width space"},
        {"[1]//c", 0, JG_E_MALFORMED, "line comment"},
        {"/**/[1]", 0, JG_E_MALFORMED, "block comment"},
        {"", 0, JG_E_MALFORMED, "empty"},
        {" \t\r\n", 0, JG_E_MALFORMED, "only whitespace"},
        {" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n1 \t\r\n} \t\r\n", 0, JG_OK,
         "all four whitespace characters everywhere"},
        {"[ 1 , 2 ]", 0, JG_OK, "spaces in arrays"},
    };
    (void)state;
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_structure(void **state)
{
    static const row rows[] = {
        {"[1,]", 0, JG_E_MALFORMED, "trailing comma"},
        {"[,1]", 0, JG_E_MALFORMED, "leading comma"},
        {"[1,,2]", 0, JG_E_MALFORMED, "double comma"},
        {"{,}", 0, JG_E_MALFORMED, "object comma"},
        {"{\"a\":1,}", 0, JG_E_MALFORMED, "object trailing comma"},
        {"{\"a\"}", 0, JG_E_MALFORMED, "name only"},
        {"{\"a\":}", 0, JG_E_MALFORMED, "no value"},
        {"{\"a\" 1}", 0, JG_E_MALFORMED, "no colon"},
        {"{\"a\"::1}", 0, JG_E_MALFORMED, "double colon"},
        {"{1:1}", 0, JG_E_MALFORMED, "number name"},
        {"{a:1}", 0, JG_E_MALFORMED, "bare name"},
        {"{'a':1}", 0, JG_E_MALFORMED, "single quotes"},
        {"['a']", 0, JG_E_MALFORMED, "single-quoted string"},
        {"[1 2]", 0, JG_E_MALFORMED, "no comma"},
        {"[", 0, JG_E_MALFORMED, "open array"},
        {"]", 0, JG_E_MALFORMED, "close array"},
        {"{", 0, JG_E_MALFORMED, "open object"},
        {"{\"a\":1", 0, JG_E_MALFORMED, "unclosed object"},
        {"[1}", 0, JG_E_MALFORMED, "mismatched"},
        {"{\"a\":1]", 0, JG_E_MALFORMED, "mismatched 2"},
        {"\"abc", 0, JG_E_MALFORMED, "unterminated string"},
        {"tru", 0, JG_E_MALFORMED, "short true"},
        {"True", 0, JG_E_MALFORMED, "True"},
        {"nul", 0, JG_E_MALFORMED, "short null"},
        {"falsey", 0, JG_E_MALFORMED, "falsey"},
        {"[nulll]", 0, JG_E_MALFORMED, "nulll"},
        {"undefined", 0, JG_E_MALFORMED, "undefined"},
        {"[true,false,null]", 0, JG_OK, "literals"},
    };
    (void)state;
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void test_number_grammar(void **state)
{
    static const row rows[] = {
        {"01", 0, JG_E_MALFORMED, "leading zero"},
        {"-01", 0, JG_E_MALFORMED, "negative leading zero"},
        {"00", 0, JG_E_MALFORMED, "00"},
        {"[00.5]", 0, JG_E_MALFORMED, "00.5"},
        {"+1", 0, JG_E_MALFORMED, "plus"},
        {".5", 0, JG_E_MALFORMED, "bare fraction"},
        {"1.", 0, JG_E_MALFORMED, "bare point"},
        {"1.e1", 0, JG_E_MALFORMED, "point then e"},
        {"1e", 0, JG_E_MALFORMED, "bare e"},
        {"1e+", 0, JG_E_MALFORMED, "bare e+"},
        {"1E-", 0, JG_E_MALFORMED, "bare E-"},
        {"1e1.5", 0, JG_E_MALFORMED, "fractional exponent"},
        {"-", 0, JG_E_MALFORMED, "minus"},
        {"--1", 0, JG_E_MALFORMED, "double minus"},
        {"- 1", 0, JG_E_MALFORMED, "minus space"},
        {"0x10", 0, JG_E_MALFORMED, "hex"},
        {"Infinity", 0, JG_E_MALFORMED, "Infinity"},
        {"-Infinity", 0, JG_E_MALFORMED, "-Infinity"},
        {"NaN", 0, JG_E_MALFORMED, "NaN"},
        {"1_000", 0, JG_E_MALFORMED, "underscore"},
        {"[1,000]", 0, JG_E_MALFORMED, "leading zeros in array"},
        {"\xEF\xBC\x91", 0, JG_E_MALFORMED, "fullwidth digit"},
        {"[-0]", 0, JG_OK, "-0"},
        {"[0e0,0E+0,0.0e-0,1e00,-1.5E+300]", 0, JG_OK, "exponent forms"},
        {"[123.456e78]", 0, JG_OK, "fraction and exponent"},
    };
    (void)state;
    run_rows(rows, sizeof rows / sizeof rows[0]);
}

static void expect_int(const char *json, int64_t want)
{
    jg_json *doc = doc_s(json);
    int64_t v;
    assert_int_equal(jg_jval_type(jg_json_root(doc)), JG_JSON_INT);
    assert_int_equal(jg_jval_int(jg_json_root(doc), &v), JG_OK);
    assert_true(v == want);
    jg_json_free(doc);
}

static void expect_double(const char *json, double want)
{
    jg_json *doc = doc_s(json);
    double v;
    assert_int_equal(jg_jval_type(jg_json_root(doc)), JG_JSON_DOUBLE);
    assert_int_equal(jg_jval_num(jg_json_root(doc), &v), JG_OK);
    if (!(v == want && signbit(v) == signbit(want)))
        fail_msg("%s: got %.17g want %.17g", json, v, want);
    jg_json_free(doc);
}

static void test_number_values(void **state)
{
    char longnum[300];
    (void)state;
    expect_int("0", 0);
    expect_int("-0", 0);
    expect_int("1767225600", 1767225600);
    expect_int("9223372036854775807", INT64_MAX);
    expect_int("-9223372036854775808", INT64_MIN);
    expect_int("-9223372036854775807", -INT64_MAX);
    expect_int("922337203685477580", 922337203685477580);
    expect_int("-1", -1);
    assert_int_equal(parse_s("9223372036854775808"), JG_E_LIMIT);
    assert_int_equal(parse_s("-9223372036854775809"), JG_E_LIMIT);
    assert_int_equal(parse_s("9223372036854775810"), JG_E_LIMIT);
    assert_int_equal(parse_s("18446744073709551616"), JG_E_LIMIT);
    assert_int_equal(parse_s("[99999999999999999999999999]"), JG_E_LIMIT);
    expect_double("9223372036854775807.0", 9223372036854775807.0);
    expect_double("9223372036854775808e0", 9223372036854775808.0);
    expect_double("1.5", 1.5);
    expect_double("-2.5e-3", -2.5e-3);
    expect_double("1E22", 1e22);
    expect_double("1e+2", 100.0);
    expect_double("0.1", 0.1);
    expect_double("-0.0", -0.0);
    expect_double("0e999999", 0.0);
    expect_double("-0.000e-99999", -0.0);
    expect_double("1.7976931348623157e308", DBL_MAX);
    expect_double("4.9406564584124654e-324", 4.9406564584124654e-324);
    expect_double("2.2250738585072014e-308", DBL_MIN);
    /* not representable: refused, not rounded to inf or 0 */
    assert_int_equal(parse_s("1e309"), JG_E_LIMIT);
    assert_int_equal(parse_s("-1e309"), JG_E_LIMIT);
    assert_int_equal(parse_s("1.8e308"), JG_E_LIMIT);
    assert_int_equal(parse_s("1e-400"), JG_E_LIMIT);
    assert_int_equal(parse_s("-1e-400"), JG_E_LIMIT);
    assert_int_equal(parse_s("2e-324"), JG_E_LIMIT);
    assert_int_equal(parse_s("0.00001e-330"), JG_E_LIMIT);
    /* a literal longer than the on-stack copy */
    memcpy(longnum, "0.", 2);
    memset(longnum + 2, '0', 200);
    memcpy(longnum + 202, "15", 3);
    expect_double(longnum, 1.5e-201);
    memset(longnum, '1', 250);
    memcpy(longnum + 250, ".5", 3);
    {
        jg_json *doc = doc_s(longnum);
        double v;
        assert_int_equal(jg_jval_num(jg_json_root(doc), &v), JG_OK);
        assert_true(v > 1.1e249 && v < 1.2e249);
        jg_json_free(doc);
    }
}

static void test_numbers_under_locale(void **state)
{
    /* strtod/snprintf follow LC_NUMERIC; an application may set a locale
     * whose radix is ',' - the reader and writer must not change. */
    static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                  "de_DE", "fr_FR"};
    const char *got = NULL;
    size_t i;
    (void)state;
    for (i = 0; i < sizeof names / sizeof names[0] && !got; i++)
        got = setlocale(LC_NUMERIC, names[i]);
    if (!got) {
        printf("skip test_numbers_under_locale: no locale with a ',' radix "
               "is installed (de_DE/fr_FR)\n");
        skip();
    }
    {
        jg_json *doc = doc_s("[1.5,-2.25e3,0.1]");
        jg_buf b = {0};
        jgi_jw w;
        double v;
        assert_int_equal(jg_jval_num(jg_jval_at(jg_json_root(doc), 0), &v),
                         JG_OK);
        assert_true(v == 1.5);
        assert_int_equal(jg_jval_num(jg_jval_at(jg_json_root(doc), 1), &v),
                         JG_OK);
        assert_true(v == -2250.0);
        assert_int_equal(jg_jval_num(jg_jval_at(jg_json_root(doc), 2), &v),
                         JG_OK);
        assert_true(v == 0.1);
        jg_json_free(doc);
        jgi_jw_init(&w, &b);
        jgi_jw_arr_begin(&w);
        jgi_jw_double(&w, 1.5);
        jgi_jw_double(&w, 0.1);
        jgi_jw_arr_end(&w);
        setlocale(LC_NUMERIC, "C");
        expect_out(&w, "[1.5,0.1]");
    }
}

static int c_locale(void **state)
{
    (void)state;
    setlocale(LC_NUMERIC, "C"); /* also when the test failed midway */
    return 0;
}

/* ---- limits ---- */

static char *nest(size_t depth, int obj, size_t *len)
{
    char *b = malloc(depth * 6 + 8);
    size_t i, n = 0;
    assert_non_null(b);
    for (i = 0; i < depth; i++) {
        if (obj) {
            memcpy(b + n, "{\"a\":", 5);
            n += 5;
        } else {
            b[n++] = '[';
        }
    }
    b[n++] = '1';
    for (i = 0; i < depth; i++)
        b[n++] = obj ? '}' : ']';
    *len = n;
    return b;
}

static void test_limits_depth(void **state)
{
    jg_limits lim;
    size_t len;
    char *b;
    int obj;
    (void)state;
    jg_limits_default(&lim);
    for (obj = 0; obj < 2; obj++) {
        /* defaults (NULL limits): 32 */
        b = nest(JG_DEFAULT_MAX_DEPTH, obj, &len);
        assert_int_equal(parse_n(b, len, NULL), JG_OK);
        free(b);
        b = nest(JG_DEFAULT_MAX_DEPTH + 1, obj, &len);
        assert_int_equal(parse_n(b, len, NULL), JG_E_LIMIT);
        free(b);
        /* a top-level object is depth 1 */
        lim.max_depth = 1;
        b = nest(1, obj, &len);
        assert_int_equal(parse_n(b, len, &lim), JG_OK);
        free(b);
        b = nest(2, obj, &len);
        assert_int_equal(parse_n(b, len, &lim), JG_E_LIMIT);
        free(b);
        /* deep, beyond the on-stack frames */
        lim.max_depth = 500;
        lim.max_json = 1 << 20;
        b = nest(500, obj, &len);
        assert_int_equal(parse_n(b, len, &lim), JG_OK);
        free(b);
        b = nest(501, obj, &len);
        assert_int_equal(parse_n(b, len, &lim), JG_E_LIMIT);
        free(b);
        /* far too deep must not recurse or crash */
        b = nest(100000, obj, &len);
        assert_int_equal(parse_n(b, len, &lim), JG_E_LIMIT);
        free(b);
        jg_limits_default(&lim);
    }
    lim.max_depth = 0;
    assert_int_equal(parse_n("1", 1, &lim), JG_OK);
    assert_int_equal(parse_n("[]", 2, &lim), JG_E_LIMIT);
    assert_int_equal(parse_n("{}", 2, &lim), JG_E_LIMIT);
    lim.max_depth = 2;
    assert_int_equal(parse_s("[[],{},[{}]]"), JG_OK);
    assert_int_equal(parse_n("[[],{},[{}]]", 12, &lim), JG_E_LIMIT);
    assert_int_equal(parse_n("[[],{},[]]", 10, &lim), JG_OK);
}

static void test_limits_size(void **state)
{
    jg_limits lim;
    char *b = malloc(JG_DEFAULT_MAX_JSON + 2);
    (void)state;
    assert_non_null(b);
    /* "[   ...   1]" of exactly max_json bytes, then one more */
    memset(b, ' ', JG_DEFAULT_MAX_JSON + 1);
    b[0] = '[';
    b[JG_DEFAULT_MAX_JSON - 2] = '1';
    b[JG_DEFAULT_MAX_JSON - 1] = ']';
    assert_int_equal(parse_n(b, JG_DEFAULT_MAX_JSON, NULL), JG_OK);
    assert_int_equal(parse_n(b, JG_DEFAULT_MAX_JSON + 1, NULL), JG_E_LIMIT);
    jg_limits_default(&lim);
    lim.max_json = 3;
    assert_int_equal(parse_n("[1]", 3, &lim), JG_OK);
    assert_int_equal(parse_n("[1] ", 4, &lim), JG_E_LIMIT);
    lim.max_json = 0;
    assert_int_equal(parse_n("1", 1, &lim), JG_E_LIMIT);
    {
        /* the arena entry point checks it as well */
        jgi_arena a;
        const jg_jval *r = (const jg_jval *)1;
        jgi_arena_init(&a, NULL, 0);
        assert_int_equal(jgi_json_parse(&a, "[1] ", 4, &lim, &r),
                         JG_E_LIMIT);
        assert_null(r);
        jgi_arena_release(&a);
    }
    free(b);
}

static void test_limits_members(void **state)
{
    jg_limits lim;
    char buf[4096];
    size_t n, len, i;
    int obj;
    (void)state;
    jg_limits_default(&lim);
    lim.max_members = 10;
    for (obj = 0; obj < 2; obj++) {
        for (n = 9; n <= 11; n++) {
            len = 0;
            buf[len++] = obj ? '{' : '[';
            for (i = 0; i < n; i++)
                len += (size_t)snprintf(buf + len, sizeof buf - len,
                                        obj ? "%s\"%zu\":0" : "%s%zu",
                                        i ? "," : "", i);
            buf[len++] = obj ? '}' : ']';
            assert_int_equal(parse_n(buf, len, &lim),
                             n <= 10 ? JG_OK : JG_E_LIMIT);
            /* nested inside another container: same rule */
            memmove(buf + 1, buf, len);
            buf[0] = '[';
            buf[len + 1] = ']';
            assert_int_equal(parse_n(buf, len + 2, &lim),
                             n <= 10 ? JG_OK : JG_E_LIMIT);
        }
    }
    /* default: 256 */
    len = 0;
    buf[len++] = '[';
    for (i = 0; i < JG_DEFAULT_MAX_MEMBERS + 1; i++) {
        buf[len++] = '0';
        buf[len++] = ',';
    }
    buf[len - 1] = ']';
    assert_int_equal(parse_n(buf, len, NULL), JG_E_LIMIT);
    buf[len - 3] = ']';
    assert_int_equal(parse_n(buf, len - 2, NULL), JG_OK);
}

static void test_many_values(void **state)
{
    /* more values than the on-stack scratch holds, at several levels */
    jg_limits lim;
    char *b = malloc(200000);
    size_t len = 0, i, j;
    jg_json *doc;
    (void)state;
    assert_non_null(b);
    jg_limits_default(&lim);
    lim.max_json = 200000;
    lim.max_members = 5000;
    b[len++] = '[';
    for (i = 0; i < 50; i++) {
        len += (size_t)snprintf(b + len, 200000 - len, "%s[", i ? "," : "");
        for (j = 0; j < 100; j++)
            len += (size_t)snprintf(b + len, 200000 - len, "%s%zu",
                                    j ? "," : "", i * 100 + j);
        b[len++] = ']';
    }
    b[len++] = ']';
    assert_int_equal(jg_json_parse(&doc, b, len, &lim), JG_OK);
    for (i = 0; i < 50; i++) {
        const jg_jval *a = jg_jval_at(jg_json_root(doc), i);
        assert_int_equal(jg_jval_count(a), 100);
        for (j = 0; j < 100; j++) {
            int64_t v;
            assert_int_equal(jg_jval_int(jg_jval_at(a, j), &v), JG_OK);
            assert_true(v == (int64_t)(i * 100 + j));
        }
    }
    jg_json_free(doc);
    free(b);
}

/* ---- the arena entry point, allocation failures ---- */

static void test_arena_entry(void **state)
{
    _Alignas(16) unsigned char small[64];
    jgi_arena a;
    const jg_jval *r;
    (void)state;
    /* a tiny stack arena spills into heap chunks */
    jgi_arena_init(&a, small, sizeof small);
    assert_int_equal(jgi_json_parse(&a, claims, strlen(claims), NULL, &r),
                     JG_OK);
    expect_str(jg_jval_get(r, "sub", 3), "user-1234567890", 15);
    jgi_arena_release(&a);
    /* no arena buffer at all */
    jgi_arena_init(&a, NULL, 0);
    assert_int_equal(jgi_json_parse(&a, "[\"x\"]", 5, NULL, &r), JG_OK);
    expect_str(jg_jval_at(r, 0), "x", 1);
    jgi_arena_release(&a);
}

static void test_alloc_failures(void **state)
{
    /* A document needing scratch growth, a sorted duplicate check, a long
     * number and arena chunks: make each allocation fail in turn. */
    jg_limits lim;
    char *b = malloc(20000);
    size_t len = 0, i, n, total;
    jg_json *doc;
    (void)state;
    assert_non_null(b);
    jg_limits_default(&lim);
    lim.max_json = 20000;
    lim.max_depth = 64;
    lim.max_members = 1000;
    len += (size_t)snprintf(b, 20000, "{\"big\":[");
    for (i = 0; i < 300; i++)
        len += (size_t)snprintf(b + len, 20000 - len, "%s\"v%zu\"",
                                i ? "," : "", i);
    len += (size_t)snprintf(b + len, 20000 - len, "],\"obj\":{");
    for (i = 0; i < 40; i++)
        len += (size_t)snprintf(b + len, 20000 - len, "%s\"k%zu\":%zu",
                                i ? "," : "", i, i);
    len += (size_t)snprintf(b + len, 20000 - len, "},\"num\":0.");
    for (i = 0; i < 150; i++)
        b[len++] = '0';
    len += (size_t)snprintf(b + len, 20000 - len, "1,\"deep\":");
    for (i = 0; i < 40; i++)
        b[len++] = '[';
    for (i = 0; i < 40; i++)
        b[len++] = ']';
    b[len++] = '}';

    jgi_set_alloc_fail(0);
    assert_int_equal(jg_json_parse(&doc, b, len, &lim), JG_OK);
    jg_json_free(doc);
    total = jgi_set_alloc_fail(0);
    assert_true(total >= 3);
    for (n = 1; n <= total; n++) {
        jgi_set_alloc_fail(n);
        doc = (jg_json *)1;
        assert_int_equal(jg_json_parse(&doc, b, len, &lim), JG_E_NOMEM);
        assert_null(doc);
    }
    jgi_set_alloc_fail(0);
    free(b);
}

/* ---- UTF-8 against a reference decoder ---- */

/* Reference: decode by the RFC 3629 definition (value ranges), not by
 * the lead/second-byte table the implementation uses. */
static int ref_utf8(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp, min;
        size_t n, k;
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1Fu;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0Fu;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07u;
            min = 0x10000;
        } else {
            return 0;
        }
        if (len - i < n)
            return 0;
        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n;
    }
    return 1;
}

static void test_utf8_exhaustive(void **state)
{
    uint8_t s[16];
    uint32_t a, b, c;
    (void)state;
    assert_int_equal(jgi_utf8_valid(NULL, 0), 1);
    /* all 1-, 2- and 3-byte strings; 4-byte with every lead and second
     * byte and sampled tails */
    for (a = 0; a < 256; a++) {
        s[0] = (uint8_t)a;
        assert_int_equal(jgi_utf8_valid(s, 1), ref_utf8(s, 1));
        for (b = 0; b < 256; b++) {
            s[1] = (uint8_t)b;
            assert_int_equal(jgi_utf8_valid(s, 2), ref_utf8(s, 2));
            if (a < 0xC0)
                continue; /* 3-byte strings starting below C0 split up */
            for (c = 0; c < 256; c++) {
                s[2] = (uint8_t)c;
                if (jgi_utf8_valid(s, 3) != ref_utf8(s, 3))
                    fail_msg("%02x %02x %02x", a, b, c);
                s[3] = (uint8_t)(rnd() & 0xFF);
                s[3] = (uint8_t)(0x80 | (s[3] & 0x3F));
                if (jgi_utf8_valid(s, 4) != ref_utf8(s, 4))
                    fail_msg("%02x %02x %02x %02x", a, b, c, s[3]);
            }
        }
    }
    /* the 8-byte ASCII fast path next to multi-byte characters, at every
     * alignment and with errors at every position */
    for (a = 0; a < 2000; a++) {
        size_t len = 1 + rnd() % 15, i;
        for (i = 0; i < len; i++) {
            uint32_t r = rnd() % 10;
            s[i] = (uint8_t)(r < 6 ? 0x20 + rnd() % 90
                             : r < 9 ? 0x80 + rnd() % 0x7F : rnd() & 0xFF);
        }
        assert_int_equal(jgi_utf8_valid(s, len), ref_utf8(s, len));
        /* through the parser too */
        {
            char doc[20];
            int ok = ref_utf8(s, len);
            for (i = 0; i < len; i++)
                if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
                    ok = -1;
            if (ok < 0)
                continue;
            doc[0] = '"';
            memcpy(doc + 1, s, len);
            doc[len + 1] = '"';
            assert_int_equal(parse_n(doc, len + 2, NULL),
                             ok ? JG_OK : JG_E_MALFORMED);
        }
    }
}

static void test_swar_boundaries(void **state)
{
    /* The string scanner reads 8 bytes at a time: put each special byte
     * at every offset of strings of length 0..40. */
    static const char specials[] = {'"', '\\', 0x01, 0x1F, (char)0x80,
                                    (char)0xC3, 0x7F, 0x20};
    char buf[64];
    size_t len, pos, k;
    (void)state;
    for (len = 0; len <= 40; len++) {
        for (pos = 0; pos < len; pos++) {
            for (k = 0; k < sizeof specials; k++) {
                jg_json *doc = NULL;
                char c = specials[k];
                jg_err want;
                memset(buf + 1, 'a', len);
                buf[0] = '"';
                buf[1 + pos] = c;
                buf[1 + len] = '"';
                /* '"' ends the string early (then trailing bytes); '\\'
                 * makes "\a" or an escaped closing quote; controls and
                 * bytes >= 0x80 not followed by continuation bytes are
                 * invalid; DEL and space are plain */
                if (c == 0x7F || c == ' ')
                    want = JG_OK;
                else
                    want = JG_E_MALFORMED;
                assert_int_equal(jg_json_parse(&doc, buf, len + 2, NULL),
                                 want);
                if (doc) {
                    const char *s;
                    size_t sl;
                    assert_int_equal(jg_jval_str(jg_json_root(doc), &s, &sl),
                                     JG_OK);
                    assert_int_equal(sl, len);
                    assert_memory_equal(s, buf + 1, len);
                    jg_json_free(doc);
                }
            }
            /* a valid escape and a valid 2-byte char at each offset */
            memset(buf + 1, 'a', len + 2);
            buf[0] = '"';
            buf[1 + pos] = '\\';
            buf[2 + pos] = 'n';
            buf[2 + len] = '"';
            {
                jg_json *doc = doc_n(buf, len + 3);
                const char *s;
                size_t sl;
                assert_int_equal(jg_jval_str(jg_json_root(doc), &s, &sl),
                                 JG_OK);
                assert_int_equal(sl, len);
                assert_int_equal(s[pos], '\n');
                jg_json_free(doc);
            }
            buf[1 + pos] = (char)0xC3;
            buf[2 + pos] = (char)0xA9;
            assert_int_equal(parse_n(buf, len + 3, NULL), JG_OK);
        }
    }
}

/* ---- writer ---- */

static void expect_out(jgi_jw *w, const char *want)
{
    jg_buf *b = w->out;
    assert_int_equal(jgi_jw_finish(w), JG_OK);
    if (b->len != strlen(want) || memcmp(b->data, want, b->len) != 0)
        fail_msg("writer: got %.*s want %s", (int)b->len, (char *)b->data,
                 want);
    jg_buf_free(b);
}

static void test_writer_basic(void **state)
{
    jg_buf b = {0};
    jgi_jw w;
    (void)state;
    jgi_jw_init(&w, &b);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "a", 1);
    jgi_jw_int(&w, 1);
    jgi_jw_key(&w, "b", 1);
    jgi_jw_arr_begin(&w);
    jgi_jw_bool(&w, 1);
    jgi_jw_bool(&w, 0);
    jgi_jw_null(&w);
    jgi_jw_arr_begin(&w);
    jgi_jw_arr_end(&w);
    jgi_jw_obj_begin(&w);
    jgi_jw_obj_end(&w);
    jgi_jw_arr_end(&w);
    jgi_jw_key(&w, "c", 1);
    jgi_jw_str(&w, "x", 1);
    jgi_jw_key(&w, "d", 1);
    jgi_jw_raw(&w, "{\"r\":[1,2]}", 11);
    jgi_jw_key(&w, "e", 1);
    jgi_jw_b64(&w, (const uint8_t *)"foobar", 6);
    jgi_jw_key(&w, "f", 1);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "g", 1);
    jgi_jw_int(&w, -7);
    jgi_jw_obj_end(&w);
    jgi_jw_obj_end(&w);
    expect_out(&w, "{\"a\":1,\"b\":[true,false,null,[],{}],\"c\":\"x\","
                   "\"d\":{\"r\":[1,2]},\"e\":\"Zm9vYmFy\",\"f\":{\"g\":-7}}");

    jgi_jw_init(&w, &b);
    jgi_jw_str(&w, "top", 3);
    expect_out(&w, "\"top\"");
    jgi_jw_init(&w, &b);
    jgi_jw_b64(&w, NULL, 0);
    expect_out(&w, "\"\"");
}

static void test_writer_escaping(void **state)
{
    jg_buf b = {0};
    jgi_jw w;
    const char in[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f \xC3\xA9\xF0\x9F\x98\x80"
                      "\0end";
    (void)state;
    jgi_jw_init(&w, &b);
    jgi_jw_str(&w, in, sizeof in - 1);
    expect_out(&w, "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f "
                   "\xC3\xA9\xF0\x9F\x98\x80\\u0000end\"");
    /* names are escaped the same way */
    jgi_jw_init(&w, &b);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "a\"b\n", 4);
    jgi_jw_int(&w, 0);
    jgi_jw_obj_end(&w);
    expect_out(&w, "{\"a\\\"b\\n\":0}");
}

static void test_writer_invalid_utf8(void **state)
{
    static const char *bad[] = {"\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\x80", "abc\xE2\x82", "\xFF"};
    size_t i;
    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        jg_buf b = {0};
        jgi_jw w;
        jgi_jw_init(&w, &b);
        jgi_jw_arr_begin(&w);
        jgi_jw_str(&w, bad[i], strlen(bad[i]));
        jgi_jw_int(&w, 1); /* sticky: ignored after the error */
        jgi_jw_arr_end(&w);
        assert_int_equal(jgi_jw_finish(&w), JG_E_MALFORMED);
        assert_null(b.data); /* freed on error */
        assert_int_equal(b.len, 0);
        jgi_jw_init(&w, &b);
        jgi_jw_obj_begin(&w);
        jgi_jw_key(&w, bad[i], strlen(bad[i]));
        jgi_jw_int(&w, 1);
        jgi_jw_obj_end(&w);
        assert_int_equal(jgi_jw_finish(&w), JG_E_MALFORMED);
        assert_null(b.data);
    }
}

static void test_writer_numbers(void **state)
{
    static const struct {
        double d;
        const char *want;
    } dv[] = {
        {0.1, "0.1"},       {1.5, "1.5"},          {5.0, "5.0"},
        {-0.0, "-0.0"},     {0.0, "0.0"},          {1e300, "1e+300"},
        {1e21, "1e+21"},    {123456789.0, "123456789.0"},
        {1e-7, "1e-07"},    {-2.5e-3, "-0.0025"},
        {0.30000000000000004, "0.30000000000000004"},
    };
    static const double rt[] = {1.0 / 3, 2.0 / 3, DBL_MAX, DBL_MIN,
                                4.9406564584124654e-324, 1e23, 0.1 + 0.2,
                                9007199254740993.0, -1.7976931348623157e308,
                                1767225600.5};
    jg_buf b = {0};
    jgi_jw w;
    size_t i;
    (void)state;
    jgi_jw_init(&w, &b);
    jgi_jw_arr_begin(&w);
    jgi_jw_int(&w, INT64_MIN);
    jgi_jw_int(&w, INT64_MAX);
    jgi_jw_int(&w, 0);
    jgi_jw_int(&w, -1);
    jgi_jw_arr_end(&w);
    expect_out(&w, "[-9223372036854775808,9223372036854775807,0,-1]");
    for (i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        jgi_jw_init(&w, &b);
        jgi_jw_double(&w, dv[i].d);
        expect_out(&w, dv[i].want);
    }
    /* shortest form that reads back exactly, as a JSON double */
    for (i = 0; i < sizeof rt / sizeof rt[0]; i++) {
        jg_json *doc;
        double v;
        jgi_jw_init(&w, &b);
        jgi_jw_double(&w, rt[i]);
        assert_int_equal(jgi_jw_finish(&w), JG_OK);
        assert_true(b.len <= 24);
        doc = doc_n((const char *)b.data, b.len);
        assert_int_equal(jg_jval_type(jg_json_root(doc)), JG_JSON_DOUBLE);
        assert_int_equal(jg_jval_num(jg_json_root(doc), &v), JG_OK);
        assert_true(v == rt[i]);
        jg_json_free(doc);
        jg_buf_free(&b);
    }
    /* NaN and infinities are not JSON */
    {
        const double bad[] = {NAN, INFINITY, -INFINITY};
        for (i = 0; i < 3; i++) {
            jgi_jw_init(&w, &b);
            jgi_jw_arr_begin(&w);
            jgi_jw_double(&w, bad[i]);
            jgi_jw_arr_end(&w);
            assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
            assert_null(b.data);
        }
    }
}

static void test_writer_misuse(void **state)
{
    jg_buf b = {0};
    jgi_jw w;
    unsigned i;
    (void)state;
    /* unclosed container */
    jgi_jw_init(&w, &b);
    jgi_jw_obj_begin(&w);
    assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
    assert_null(b.data);
    /* close with nothing open */
    jgi_jw_init(&w, &b);
    jgi_jw_arr_end(&w);
    assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
    /* key at the top level, key after key, key without value */
    jgi_jw_init(&w, &b);
    jgi_jw_key(&w, "a", 1);
    assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
    jgi_jw_init(&w, &b);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "a", 1);
    jgi_jw_key(&w, "b", 1);
    assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
    jgi_jw_init(&w, &b);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "a", 1);
    jgi_jw_obj_end(&w);
    assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
    /* empty raw text is not a value */
    jgi_jw_init(&w, &b);
    jgi_jw_raw(&w, "", 0);
    assert_int_equal(jgi_jw_finish(&w), JG_E_INVALID_ARG);
    /* nesting: 64 levels fine, 65 refused */
    jgi_jw_init(&w, &b);
    for (i = 0; i < 64; i++)
        jgi_jw_arr_begin(&w);
    for (i = 0; i < 64; i++)
        jgi_jw_arr_end(&w);
    assert_int_equal(jgi_jw_finish(&w), JG_OK);
    assert_int_equal(b.len, 128);
    jg_buf_free(&b);
    jgi_jw_init(&w, &b);
    for (i = 0; i < 65; i++)
        jgi_jw_arr_begin(&w);
    for (i = 0; i < 65; i++)
        jgi_jw_arr_end(&w);
    assert_int_equal(jgi_jw_finish(&w), JG_E_LIMIT);
    assert_null(b.data);
    /* allocation failure is sticky too */
    jgi_jw_init(&w, &b);
    jgi_set_alloc_fail(1);
    jgi_jw_str(&w, "x", 1);
    jgi_set_alloc_fail(0);
    jgi_jw_str(&w, "y", 1);
    assert_int_equal(jgi_jw_finish(&w), JG_E_NOMEM);
    assert_null(b.data);
}

/* ---- round trips: writer -> reader, reader -> writer -> reader ---- */

static char *put_cp(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | (cp >> 6));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | (cp >> 12));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | (cp >> 18));
        *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

static size_t rand_utf8(char *out, size_t max)
{
    size_t n = 0;
    while (n + 4 <= max && rnd() % 8) {
        uint32_t cp, r = rnd() % 10;
        if (r < 5)
            cp = 0x20 + rnd() % 0x5F;
        else if (r < 6)
            cp = rnd() % 0x20; /* controls, NUL */
        else if (r < 7)
            cp = "\"\\/"[rnd() % 3];
        else if (r < 8)
            cp = 0x80 + rnd() % 0x780;
        else if (r < 9) {
            cp = 0x800 + rnd() % 0xF800;
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xE000;
        } else
            cp = 0x10000 + rnd() % 0x100000;
        n = (size_t)(put_cp(out + n, cp) - out);
    }
    return n;
}

/* A random value mirrored in a tiny tree for comparison. */
typedef struct node {
    jg_json_type t;
    int64_t i;
    double d;
    char s[64];
    size_t sl;
    size_t n;
    struct node *kids;
} node;

static void gen(node *nd, jgi_jw *w, unsigned depth)
{
    uint32_t r = rnd() % (depth < 4 ? 8 : 6);
    size_t k;
    memset(nd, 0, sizeof *nd);
    switch (r) {
    case 0:
        nd->t = JG_JSON_NULL;
        jgi_jw_null(w);
        break;
    case 1:
        nd->t = JG_JSON_BOOL;
        nd->i = rnd() & 1;
        jgi_jw_bool(w, (int)nd->i);
        break;
    case 2:
        nd->t = JG_JSON_INT;
        nd->i = (int64_t)(((uint64_t)rnd() << 32 | rnd()) >> (1 + rnd() % 63));
        if (rnd() & 1)
            nd->i = -nd->i;
        jgi_jw_int(w, nd->i);
        break;
    case 3: {
        uint64_t bits = (uint64_t)rnd() << 32 | rnd();
        memcpy(&nd->d, &bits, sizeof bits);
        if (!isfinite(nd->d) || (nd->d != 0 && fabs(nd->d) < DBL_MIN))
            nd->d = (double)(int32_t)rnd() / 1024.0; /* keep it normal */
        nd->t = JG_JSON_DOUBLE;
        jgi_jw_double(w, nd->d);
        break;
    }
    case 4:
    case 5:
        nd->t = JG_JSON_STRING;
        nd->sl = rand_utf8(nd->s, sizeof nd->s);
        jgi_jw_str(w, nd->s, nd->sl);
        break;
    case 6:
        nd->t = JG_JSON_ARRAY;
        nd->n = rnd() % 6;
        nd->kids = calloc(nd->n ? nd->n : 1, sizeof *nd->kids);
        jgi_jw_arr_begin(w);
        for (k = 0; k < nd->n; k++)
            gen(&nd->kids[k], w, depth + 1);
        jgi_jw_arr_end(w);
        break;
    default:
        nd->t = JG_JSON_OBJECT;
        nd->n = rnd() % 6;
        nd->kids = calloc(nd->n ? nd->n : 1, sizeof *nd->kids);
        jgi_jw_obj_begin(w);
        for (k = 0; k < nd->n; k++) {
            char name[16];
            int nl = snprintf(name, sizeof name, "k%zu", k);
            jgi_jw_key(w, name, (size_t)nl);
            gen(&nd->kids[k], w, depth + 1);
        }
        jgi_jw_obj_end(w);
        break;
    }
}

static void check(const node *nd, const jg_jval *v)
{
    size_t k;
    assert_int_equal(jg_jval_type(v), nd->t);
    switch (nd->t) {
    case JG_JSON_BOOL: {
        int b;
        assert_int_equal(jg_jval_bool(v, &b), JG_OK);
        assert_int_equal(b, (int)nd->i);
        break;
    }
    case JG_JSON_INT: {
        int64_t i;
        assert_int_equal(jg_jval_int(v, &i), JG_OK);
        assert_true(i == nd->i);
        break;
    }
    case JG_JSON_DOUBLE: {
        double d;
        assert_int_equal(jg_jval_num(v, &d), JG_OK);
        assert_true(d == nd->d && signbit(d) == signbit(nd->d));
        break;
    }
    case JG_JSON_STRING:
        expect_str(v, nd->s, nd->sl);
        break;
    case JG_JSON_ARRAY:
    case JG_JSON_OBJECT:
        assert_int_equal(jg_jval_count(v), nd->n);
        for (k = 0; k < nd->n; k++) {
            const jg_jval *c;
            if (nd->t == JG_JSON_ARRAY) {
                c = jg_jval_at(v, k);
            } else {
                char name[16];
                const char *got;
                size_t gl;
                int nl = snprintf(name, sizeof name, "k%zu", k);
                c = jg_jval_member(v, k, &got, &gl);
                assert_int_equal(gl, (size_t)nl);
                assert_memory_equal(got, name, gl);
            }
            check(&nd->kids[k], c);
        }
        break;
    default:
        break;
    }
}

static void free_node(node *nd)
{
    size_t k;
    for (k = 0; k < nd->n; k++)
        free_node(&nd->kids[k]);
    free(nd->kids);
}

static void test_round_trip_random(void **state)
{
    int iter;
    (void)state;
    for (iter = 0; iter < 500; iter++) {
        jg_buf b = {0};
        jgi_jw w;
        node root;
        jg_json *doc;
        jgi_jw_init(&w, &b);
        gen(&root, &w, 0);
        assert_int_equal(jgi_jw_finish(&w), JG_OK);
        assert_int_equal(jg_json_parse(&doc, (const char *)b.data, b.len,
                                       NULL),
                         JG_OK);
        check(&root, jg_json_root(doc));
        jg_json_free(doc);
        jg_buf_free(&b);
        free_node(&root);
    }
}

/* Re-serialise a parsed value with the writer. */
static void rewrite(jgi_jw *w, const jg_jval *v)
{
    size_t k, n;
    switch (jg_jval_type(v)) {
    case JG_JSON_NULL:
        jgi_jw_null(w);
        break;
    case JG_JSON_BOOL: {
        int b = 0;
        assert_int_equal(jg_jval_bool(v, &b), JG_OK);
        jgi_jw_bool(w, b);
        break;
    }
    case JG_JSON_INT: {
        int64_t i = 0;
        assert_int_equal(jg_jval_int(v, &i), JG_OK);
        jgi_jw_int(w, i);
        break;
    }
    case JG_JSON_DOUBLE: {
        double d = 0;
        assert_int_equal(jg_jval_num(v, &d), JG_OK);
        jgi_jw_double(w, d);
        break;
    }
    case JG_JSON_STRING: {
        const char *s;
        size_t l;
        assert_int_equal(jg_jval_str(v, &s, &l), JG_OK);
        jgi_jw_str(w, s, l);
        break;
    }
    case JG_JSON_ARRAY:
        jgi_jw_arr_begin(w);
        n = jg_jval_count(v);
        for (k = 0; k < n; k++)
            rewrite(w, jg_jval_at(v, k));
        jgi_jw_arr_end(w);
        break;
    case JG_JSON_OBJECT:
        jgi_jw_obj_begin(w);
        n = jg_jval_count(v);
        for (k = 0; k < n; k++) {
            const char *name;
            size_t nl;
            const jg_jval *m = jg_jval_member(v, k, &name, &nl);
            jgi_jw_key(w, name, nl);
            rewrite(w, m);
        }
        jgi_jw_obj_end(w);
        break;
    }
}

static void test_reader_writer_reader(void **state)
{
    static const char *docs[] = {
        claims,
        "{\"a\":[1,2.5,\"\\u00e9\\n\\/\",{\"b\":null}],\"c\":true}",
        "[\"\\ud83d\\ude00\",\"a\\u0000b\",-0.0,1e300]",
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        jg_json *d1 = doc_s(docs[i]), *d2;
        jg_buf b1 = {0}, b2 = {0};
        jgi_jw w;
        jgi_jw_init(&w, &b1);
        rewrite(&w, jg_json_root(d1));
        assert_int_equal(jgi_jw_finish(&w), JG_OK);
        d2 = doc_n((const char *)b1.data, b1.len);
        jgi_jw_init(&w, &b2);
        rewrite(&w, jg_json_root(d2));
        assert_int_equal(jgi_jw_finish(&w), JG_OK);
        /* compact output is a fixed point */
        assert_int_equal(b1.len, b2.len);
        assert_memory_equal(b1.data, b2.data, b1.len);
        if (i == 0) {
            assert_int_equal(b1.len, strlen(claims));
            assert_memory_equal(b1.data, claims, b1.len);
        }
        jg_json_free(d1);
        jg_json_free(d2);
        jg_buf_free(&b1);
        jg_buf_free(&b2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claims_object),
        cmocka_unit_test(test_nested_and_raw),
        cmocka_unit_test(test_scalar_roots),
        cmocka_unit_test(test_document_owns_text),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_nul_in_names),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_duplicates_large),
        cmocka_unit_test(test_large_object_lookup),
        cmocka_unit_test(test_utf8_rules),
        cmocka_unit_test(test_surrogate_escapes),
        cmocka_unit_test(test_control_chars),
        cmocka_unit_test(test_trailing_and_whitespace),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_number_grammar),
        cmocka_unit_test(test_number_values),
        cmocka_unit_test_teardown(test_numbers_under_locale, c_locale),
        cmocka_unit_test(test_limits_depth),
        cmocka_unit_test(test_limits_size),
        cmocka_unit_test(test_limits_members),
        cmocka_unit_test(test_many_values),
        cmocka_unit_test(test_arena_entry),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_utf8_exhaustive),
        cmocka_unit_test(test_swar_boundaries),
        cmocka_unit_test(test_writer_basic),
        cmocka_unit_test(test_writer_escaping),
        cmocka_unit_test(test_writer_invalid_utf8),
        cmocka_unit_test(test_writer_numbers),
        cmocka_unit_test(test_writer_misuse),
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_reader_writer_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
