/* tests/unit/test_jws.c - JWS sign/verify through the public API.
 *
 * Round trips for every JWS algorithm (private and exported public keys),
 * the JSON serializations (flattened; general with two signers, where the
 * verifier must say which signature verified and hand back only that
 * signature's header), the header options, the untrusted peek, the
 * rejection reason, and tamper loops: every byte of a token flipped, every
 * prefix, each one rejected with nothing handed out.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jwtguard/jwtguard.h>

static const jg_alg all_algs[] = {
    JG_HS256, JG_HS384, JG_HS512, JG_RS256, JG_RS384, JG_RS512,
    JG_PS256, JG_PS384, JG_PS512, JG_ES256, JG_ES384, JG_ES512,
    JG_ES256K, JG_EDDSA, JG_ED25519, JG_ED448};
#define N_ALGS (sizeof all_algs / sizeof all_algs[0])

static const uint8_t payload[] = {'{', '"', 'a', '"', ':', '1', '}', 0x00,
                                  0xff, 0x80, '.', '\n', 0x7f};

/* Keys shared by the tests: one per algorithm, made in setup. */
static jg_key *keys[N_ALGS];

static unsigned rsa_bits(jg_alg a)
{
    return (a >= JG_RS256 && a <= JG_PS512) ? 2048u : 0u;
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALGS; i++)
        if (jg_key_generate(&keys[i], all_algs[i], rsa_bits(all_algs[i]),
                            NULL, 0) != JG_OK)
            return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALGS; i++)
        jg_key_free(keys[i]);
    return 0;
}

static const jg_key *key_for(jg_alg a)
{
    for (size_t i = 0; i < N_ALGS; i++)
        if (all_algs[i] == a)
            return keys[i];
    fail_msg("no key for %s", jg_alg_name(a));
    return NULL;
}

typedef struct vfx {
    jg_keyset *ks;
    jg_policy *p;
    jg_verifier *v;
} vfx;

static void vfx_new(vfx *f, const jg_key *k, jg_alg alg, int b64_opt_in)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(jg_keyset_from_key(&f->ks, k), JG_OK);
    assert_int_equal(jg_policy_new(&f->p), JG_OK);
    assert_int_equal(jg_policy_allow_alg(f->p, alg), JG_OK);
    if (b64_opt_in)
        jg_policy_allow_b64_false(f->p);
    assert_int_equal(jg_verifier_new(&f->v, f->p, f->ks), JG_OK);
}

static void vfx_free(vfx *f)
{
    jg_verifier_free(f->v);
    jg_policy_free(f->p);
    jg_keyset_free(f->ks);
}

static char *sign_compact(const jg_key *k, jg_alg alg, const void *pl,
                          size_t n, const jg_jws_opts *o)
{
    jg_signer *s = NULL;
    jg_buf out = {0};
    char *t;
    assert_int_equal(jg_signer_new(&s, k, alg), JG_OK);
    assert_int_equal(jg_jws_sign(s, pl, n, o, &out), JG_OK);
    assert_non_null(out.data);
    assert_int_equal(strlen((const char *)out.data), out.len);
    t = strdup((const char *)out.data);
    jg_buf_free(&out);
    jg_signer_free(s);
    return t;
}

/* Rejected, and nothing handed out. */
static jg_err must_reject(const jg_verifier *v, const char *t, size_t n)
{
    jg_buf pl = {0};
    jg_json *h = NULL;
    jg_reason why;
    jg_err rc = jg_jws_verify(v, t, n, &pl, &h, &why);
    assert_int_not_equal(rc, JG_OK);
    assert_null(pl.data);
    assert_int_equal(pl.len, 0);
    assert_null(h);
    assert_int_equal(why.err, rc);
    return rc;
}

static void hdr_str(const jg_json *h, const char *name, char *out, size_t cap)
{
    const char *s = NULL;
    size_t n = 0;
    out[0] = 0;
    if (jg_jval_str(jg_jval_get(jg_json_root(h), name, strlen(name)), &s,
                    &n) == JG_OK)
        snprintf(out, cap, "%.*s", (int)n, s);
}

/* ---- round trips ---- */
static void roundtrip_every_alg(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALGS; i++) {
        jg_alg a = all_algs[i];
        const jg_key *k = keys[i];
        jg_key *pub = NULL;
        jg_signer *s = NULL;
        vfx f, fp;
        char *t;
        char buf[300];
        size_t kl = 0;
        const char *kid = jg_key_kid(k, &kl);

        assert_int_equal(jg_key_alg(k), a);
        assert_non_null(kid); /* generated keys get their thumbprint */
        assert_int_equal(jg_signer_new(&s, k, JG_ALG_UNKNOWN), JG_OK);
        assert_int_equal(jg_signer_alg(s), a);
        jg_signer_free(s);

        t = sign_compact(k, JG_ALG_UNKNOWN, payload, sizeof payload, NULL);
        vfx_new(&f, k, a, 0);
        {
            jg_buf pl = {0};
            jg_json *h = NULL;
            jg_reason why;
            assert_int_equal(jg_jws_verify(f.v, t, strlen(t), &pl, &h, &why),
                             JG_OK);
            assert_int_equal(why.err, JG_OK);
            assert_int_equal(pl.len, sizeof payload);
            assert_memory_equal(pl.data, payload, sizeof payload);
            hdr_str(h, "alg", buf, sizeof buf);
            assert_string_equal(buf, jg_alg_name(a));
            hdr_str(h, "kid", buf, sizeof buf);
            assert_int_equal(strlen(buf), kl);
            assert_memory_equal(buf, kid, kl);
            jg_buf_free(&pl);
            jg_json_free(h);
        }
        if (jg_key_kty(k) != JG_KTY_OCT) {
            jg_buf j = {0};
            assert_int_equal(jg_key_to_jwk(&j, k, 1), JG_OK);
            assert_null(strstr((const char *)j.data, "\"d\""));
            assert_int_equal(
                jg_key_from_jwk(&pub, (const char *)j.data, j.len), JG_OK);
            assert_int_equal(jg_key_is_private(pub), 0);
            /* a public key cannot sign */
            assert_int_not_equal(jg_signer_new(&s, pub, a), JG_OK);
            vfx_new(&fp, pub, a, 0);
            {
                jg_buf pl = {0};
                assert_int_equal(
                    jg_jws_verify(fp.v, t, strlen(t), &pl, NULL, NULL), JG_OK);
                assert_memory_equal(pl.data, payload, sizeof payload);
                jg_buf_free(&pl);
            }
            vfx_free(&fp);
            jg_buf_free(&j);
            jg_key_free(pub);
        } else {
            jg_buf j = {0};
            assert_int_equal(jg_key_to_jwk(&j, k, 1), JG_E_KEY_MISMATCH);
            assert_null(j.data);
        }
        /* an empty payload is a payload too */
        free(t);
        t = sign_compact(k, a, "", 0, NULL);
        {
            jg_buf pl = {0};
            assert_int_equal(jg_jws_verify(f.v, t, strlen(t), &pl, NULL, NULL),
                             JG_OK);
            assert_int_equal(pl.len, 0);
            jg_buf_free(&pl);
        }
        vfx_free(&f);
        free(t);
    }
}

/* ---- JSON serialization ---- */
static char *sign_json(const jg_key *const *ks, const jg_alg *algs, size_t n,
                       int flattened)
{
    jg_signer *s[4] = {NULL};
    jg_buf out = {0};
    char *t;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(jg_signer_new(&s[i], ks[i], algs[i]), JG_OK);
    assert_int_equal(jg_jws_sign_json((const jg_signer *const *)s, n, payload,
                                      sizeof payload, flattened, &out),
                     JG_OK);
    t = strdup((const char *)out.data);
    jg_buf_free(&out);
    for (size_t i = 0; i < n; i++)
        jg_signer_free(s[i]);
    return t;
}

static void json_flattened(void **state)
{
    const jg_key *k = key_for(JG_ES256);
    jg_alg a = JG_ES256;
    char *t = sign_json(&k, &a, 1, 1);
    jg_json *doc = NULL;
    vfx f;
    jg_buf pl = {0};
    jg_json *h = NULL;
    size_t idx = 99;
    jg_reason why;
    (void)state;
    assert_int_equal(jg_json_parse(&doc, t, strlen(t), NULL), JG_OK);
    assert_non_null(jg_jval_get(jg_json_root(doc), "protected", 9));
    assert_non_null(jg_jval_get(jg_json_root(doc), "signature", 9));
    assert_non_null(jg_jval_get(jg_json_root(doc), "payload", 7));
    assert_null(jg_jval_get(jg_json_root(doc), "signatures", 10));
    jg_json_free(doc);
    vfx_new(&f, k, a, 0);
    assert_int_equal(
        jg_jws_verify_json(f.v, t, strlen(t), &pl, &idx, &h, &why), JG_OK);
    assert_int_equal(idx, 0);
    assert_memory_equal(pl.data, payload, sizeof payload);
    jg_buf_free(&pl);
    jg_json_free(h);
    /* the compact API refuses JSON */
    assert_int_equal(must_reject(f.v, t, strlen(t)), JG_E_MALFORMED);
    vfx_free(&f);
    free(t);
    /* general with one signer */
    t = sign_json(&k, &a, 1, 0);
    assert_non_null(strstr(t, "\"signatures\""));
    vfx_new(&f, k, a, 0);
    assert_int_equal(
        jg_jws_verify_json(f.v, t, strlen(t), &pl, &idx, NULL, NULL), JG_OK);
    assert_int_equal(idx, 0);
    jg_buf_free(&pl);
    vfx_free(&f);
    free(t);
}

static void json_general_two_signers(void **state)
{
    const jg_key *ks[2] = {key_for(JG_HS256), key_for(JG_ES256)};
    const jg_alg algs[2] = {JG_HS256, JG_ES256};
    char *t = sign_json(ks, algs, 2, 0);
    (void)state;
    for (size_t who = 0; who < 2; who++) {
        vfx f;
        jg_buf pl = {0};
        jg_json *h = NULL;
        size_t idx = 99, kl = 0;
        jg_reason why;
        char buf[200];
        const char *kid = jg_key_kid(ks[who], &kl);
        vfx_new(&f, ks[who], algs[who], 0);
        assert_int_equal(
            jg_jws_verify_json(f.v, t, strlen(t), &pl, &idx, &h, &why), JG_OK);
        assert_int_equal(idx, who);
        assert_int_equal(pl.len, sizeof payload);
        assert_memory_equal(pl.data, payload, sizeof payload);
        /* only the header of the signature that verified */
        hdr_str(h, "alg", buf, sizeof buf);
        assert_string_equal(buf, jg_alg_name(algs[who]));
        hdr_str(h, "kid", buf, sizeof buf);
        assert_int_equal(strlen(buf), kl);
        assert_memory_equal(buf, kid, kl);
        jg_buf_free(&pl);
        jg_json_free(h);
        /* compact entry point refuses it */
        must_reject(f.v, t, strlen(t));
        vfx_free(&f);
    }
    {
        /* a verifier for a third key verifies neither */
        vfx f;
        jg_buf pl = {0};
        jg_json *h = NULL;
        size_t idx = 99;
        vfx_new(&f, key_for(JG_ES384), JG_ES384, 0);
        assert_int_not_equal(
            jg_jws_verify_json(f.v, t, strlen(t), &pl, &idx, &h, NULL), JG_OK);
        assert_null(pl.data);
        assert_null(h);
        vfx_free(&f);
    }
    free(t);
}

/* ---- tamper loops ---- */
static void tamper_compact_for(jg_alg a)
{
    const jg_key *k = key_for(a);
    char *t = sign_compact(k, a, payload, sizeof payload, NULL);
    size_t n = strlen(t);
    char *m = malloc(n + 2);
    vfx f;
    assert_non_null(m);
    vfx_new(&f, k, a, 0);
    for (size_t i = 0; i < n; i++) {
        static const unsigned char flips[] = {0x01, 0x20, 0x80};
        for (size_t j = 0; j < sizeof flips; j++) {
            memcpy(m, t, n + 1);
            m[i] = (char)((unsigned char)m[i] ^ flips[j]);
            must_reject(f.v, m, n);
        }
    }
    for (size_t i = 0; i < n; i++) /* every proper prefix */
        must_reject(f.v, t, i);
    memcpy(m, t, n);
    m[n] = 'A';
    m[n + 1] = 0;
    must_reject(f.v, m, n + 1);
    vfx_free(&f);
    free(m);
    free(t);
}

static void tamper_compact(void **state)
{
    (void)state;
    tamper_compact_for(JG_HS256);
    tamper_compact_for(JG_ES256);
    tamper_compact_for(JG_RS256);
    tamper_compact_for(JG_EDDSA);
    tamper_compact_for(JG_ES512);
}

static void tamper_json(void **state)
{
    const jg_key *k = key_for(JG_HS256);
    jg_alg a = JG_HS256;
    char *t = sign_json(&k, &a, 1, 1);
    size_t n = strlen(t);
    char *m = malloc(n + 1);
    vfx f;
    (void)state;
    assert_non_null(m);
    vfx_new(&f, k, a, 0);
    for (size_t i = 0; i < n; i++) {
        jg_buf pl = {0};
        jg_json *h = NULL;
        size_t idx = 99;
        memcpy(m, t, n + 1);
        m[i] = (char)((unsigned char)m[i] ^ 0x01);
        assert_int_not_equal(
            jg_jws_verify_json(f.v, m, n, &pl, &idx, &h, NULL), JG_OK);
        assert_null(pl.data);
        assert_null(h);
    }
    vfx_free(&f);
    free(m);
    free(t);
}

/* ---- header options, peek, b64:false ---- */
static void header_options(void **state)
{
    const jg_key *k = key_for(JG_HS256);
    jg_jws_opts o;
    char *t;
    jg_json *h = NULL;
    char buf[100];
    (void)state;
    memset(&o, 0, sizeof o);
    o.typ = "at+jwt";
    o.cty = "text/plain";
    o.omit_kid = 1;
    o.extra_json = "{\"x-note\":\"hi\",\"n\":3}";
    t = sign_compact(k, JG_HS256, payload, sizeof payload, &o);
    assert_int_equal(jg_jws_peek_unverified_header(&h, t, strlen(t)), JG_OK);
    hdr_str(h, "typ", buf, sizeof buf);
    assert_string_equal(buf, "at+jwt");
    hdr_str(h, "cty", buf, sizeof buf);
    assert_string_equal(buf, "text/plain");
    hdr_str(h, "x-note", buf, sizeof buf);
    assert_string_equal(buf, "hi");
    hdr_str(h, "alg", buf, sizeof buf);
    assert_string_equal(buf, "HS256");
    assert_null(jg_jval_get(jg_json_root(h), "kid", 3));
    jg_json_free(h);
    h = NULL;
    {
        /* without a kid, the keys that fit are tried */
        vfx f;
        jg_buf pl = {0};
        vfx_new(&f, k, JG_HS256, 0);
        assert_int_equal(jg_jws_verify(f.v, t, strlen(t), &pl, NULL, NULL),
                         JG_OK);
        jg_buf_free(&pl);
        vfx_free(&f);
    }
    free(t);
    /* extra_json may not repeat the members the library writes */
    {
        static const char *const bad[] = {
            "{\"alg\":\"none\"}", "{\"kid\":\"x\"}", "{\"crit\":[\"x\"]}",
            "{\"b64\":false}", "{\"typ\":\"JWT\"}", "[1]", "{\"a\":1,\"a\":2}"};
        jg_signer *s = NULL;
        assert_int_equal(jg_signer_new(&s, k, JG_HS256), JG_OK);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            jg_buf out = {0};
            memset(&o, 0, sizeof o);
            o.extra_json = bad[i];
            assert_int_not_equal(
                jg_jws_sign(s, payload, sizeof payload, &o, &out), JG_OK);
            assert_null(out.data);
        }
        jg_signer_free(s);
    }
    /* the peek says nothing about validity, and refuses garbage */
    assert_int_not_equal(jg_jws_peek_unverified_header(&h, "abc", 3), JG_OK);
    assert_null(h);
}

static void b64_false_sign_verify(void **state)
{
    const jg_key *k = key_for(JG_HS256);
    static const char raw[] = "unencoded $ payload";
    jg_jws_opts o;
    char *t;
    vfx def, opt;
    jg_buf pl = {0};
    (void)state;
    memset(&o, 0, sizeof o);
    o.b64_false = 1;
    t = sign_compact(k, JG_HS256, raw, strlen(raw), &o);
    assert_non_null(strstr(t, raw)); /* the payload travels as is */
    vfx_new(&def, k, JG_HS256, 0);
    vfx_new(&opt, k, JG_HS256, 1);
    assert_int_equal(must_reject(def.v, t, strlen(t)), JG_E_CRIT_UNSUPPORTED);
    assert_int_equal(jg_jws_verify(opt.v, t, strlen(t), &pl, NULL, NULL),
                     JG_OK);
    assert_int_equal(pl.len, strlen(raw));
    assert_memory_equal(pl.data, raw, pl.len);
    jg_buf_free(&pl);
    vfx_free(&def);
    vfx_free(&opt);
    free(t);
}

/* ---- algorithm and key binding, reasons ---- */
static void alg_and_key_binding(void **state)
{
    jg_signer *s = NULL;
    (void)state;
    /* the signer refuses an alg that does not fit the key */
    assert_int_equal(jg_signer_new(&s, key_for(JG_ES256), JG_RS256),
                     JG_E_KEY_MISMATCH);
    assert_null(s);
    assert_int_not_equal(jg_signer_new(&s, key_for(JG_ES256), JG_ES384),
                         JG_OK);
    assert_int_not_equal(jg_signer_new(&s, key_for(JG_HS256), JG_HS512),
                         JG_OK);
    assert_int_not_equal(jg_signer_new(&s, key_for(JG_RS256), JG_HS256),
                         JG_OK);
    assert_null(s);
    /* a verifier whose policy allows no alg the keys fit cannot be made */
    {
        jg_keyset *ks = NULL;
        jg_policy *p = NULL;
        jg_verifier *v = NULL;
        assert_int_equal(jg_keyset_from_key(&ks, key_for(JG_ES256)), JG_OK);
        assert_int_equal(jg_policy_new(&p), JG_OK);
        assert_int_equal(jg_verifier_new(&v, p, ks), JG_E_INVALID_ARG);
        assert_null(v);
        assert_int_equal(jg_policy_allow_alg(p, JG_HS256), JG_OK);
        assert_int_equal(jg_verifier_new(&v, p, ks), JG_E_INVALID_ARG);
        assert_null(v);
        jg_policy_free(p);
        jg_keyset_free(ks);
    }
    /* a token whose alg the policy does not allow */
    {
        char *t = sign_compact(key_for(JG_PS256), JG_PS256, payload,
                               sizeof payload, NULL);
        vfx f;
        jg_buf pl = {0};
        jg_reason why;
        jg_keyset *ks = NULL;
        jg_key *rs = NULL;
        jg_buf j = {0};
        /* the PS256 key re-imported without alg, allowed only RS256 */
        assert_int_equal(jg_key_to_jwk(&j, key_for(JG_PS256), 1), JG_OK);
        {
            char *txt = strdup((const char *)j.data);
            char *alg = strstr(txt, "\"alg\":\"PS256\"");
            assert_non_null(alg);
            memcpy(alg, "\"alg\":\"RS256\"", 13);
            assert_int_equal(jg_key_from_jwk(&rs, txt, strlen(txt)), JG_OK);
            free(txt);
        }
        vfx_new(&f, rs, JG_RS256, 0);
        assert_int_equal(jg_jws_verify(f.v, t, strlen(t), &pl, NULL, &why),
                         JG_E_ALG_NOT_ALLOWED);
        assert_string_equal(why.alg, "PS256");
        assert_string_equal(why.check, "alg");
        assert_null(pl.data);
        vfx_free(&f);
        jg_key_free(rs);
        jg_keyset_free(ks);
        jg_buf_free(&j);
        free(t);
    }
}

static void reason_filled(void **state)
{
    const jg_key *k = key_for(JG_HS256);
    char *t = sign_compact(k, JG_HS256, payload, sizeof payload, NULL);
    size_t n = strlen(t), kl = 0;
    const char *kid = jg_key_kid(k, &kl);
    char kidbuf[128];
    vfx f;
    jg_reason why;
    jg_buf pl = {0};
    const char *s;
    (void)state;
    vfx_new(&f, k, JG_HS256, 0);
    memset(&why, 0x55, sizeof why);
    assert_int_equal(jg_jws_verify(f.v, t, n, &pl, NULL, &why), JG_OK);
    assert_int_equal(why.err, JG_OK);
    jg_buf_free(&pl);
    /* signature changed in the middle (six significant bits) */
    t[n - 20] = t[n - 20] == 'A' ? 'B' : 'A';
    memset(&why, 0x55, sizeof why);
    assert_int_equal(jg_jws_verify(f.v, t, n, &pl, NULL, &why),
                     JG_E_BAD_SIGNATURE);
    assert_int_equal(why.err, JG_E_BAD_SIGNATURE);
    assert_string_equal(why.check, "signature");
    assert_string_equal(why.alg, "HS256");
    snprintf(kidbuf, sizeof kidbuf, "%.*s", (int)kl, kid);
    assert_string_equal(why.kid, kidbuf);
    assert_non_null(memchr(why.detail, 0, sizeof why.detail));
    s = jg_reason_str(&why);
    assert_non_null(s);
    assert_true(strncmp(s, "E_BAD_SIGNATURE", 15) == 0);
    /* malformed: the alg could not be read */
    memset(&why, 0x55, sizeof why);
    assert_int_equal(jg_jws_verify(f.v, "a.b", 3, &pl, NULL, &why),
                     JG_E_MALFORMED);
    assert_int_equal(why.err, JG_E_MALFORMED);
    assert_non_null(memchr(why.check, 0, sizeof why.check));
    assert_non_null(memchr(why.alg, 0, sizeof why.alg));
    assert_true(strncmp(jg_reason_str(&why), "E_MALFORMED", 11) == 0);
    vfx_free(&f);
    free(t);
}

static void error_names(void **state)
{
    (void)state;
    assert_string_equal(jg_err_name(JG_E_BAD_SIGNATURE), "E_BAD_SIGNATURE");
    assert_string_equal(jg_err_name(JG_E_MALFORMED), "E_MALFORMED");
    assert_string_equal(jg_err_name(JG_E_ALG_NOT_ALLOWED),
                        "E_ALG_NOT_ALLOWED");
    assert_string_equal(jg_err_name(JG_E_KEY_MISMATCH), "E_KEY_MISMATCH");
    assert_string_equal(jg_err_name(JG_E_CLAIM_EXPIRED), "E_CLAIM_EXPIRED");
    assert_string_equal(jg_err_name(JG_E_CLAIM_REVOKED), "E_CLAIM_REVOKED");
    for (int e = 1; e < (int)JG_E__COUNT; e++) {
        assert_non_null(jg_err_name((jg_err)e));
        assert_true(strncmp(jg_err_name((jg_err)e), "E_", 2) == 0);
        assert_non_null(jg_err_str((jg_err)e));
        for (int f = 1; f < e; f++)
            assert_true(strcmp(jg_err_name((jg_err)e),
                               jg_err_name((jg_err)f)) != 0);
    }
    assert_non_null(jg_err_str((jg_err)999));
    assert_non_null(jg_err_name((jg_err)999));
    for (size_t i = 0; i < N_ALGS; i++) {
        const char *nm = jg_alg_name(all_algs[i]);
        assert_int_equal(jg_alg_from_name(nm, strlen(nm)), all_algs[i]);
    }
    assert_string_equal(jg_alg_name(JG_ALG_UNKNOWN), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_every_alg),
        cmocka_unit_test(json_flattened),
        cmocka_unit_test(json_general_two_signers),
        cmocka_unit_test(tamper_compact),
        cmocka_unit_test(tamper_json),
        cmocka_unit_test(header_options),
        cmocka_unit_test(b64_false_sign_verify),
        cmocka_unit_test(alg_and_key_binding),
        cmocka_unit_test(reason_filled),
        cmocka_unit_test(error_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
