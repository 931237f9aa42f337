/* tests/unit/test_jwt.c - JWT building, claims checks, revocation, threads.
 *
 * Every JWS algorithm round-trips through jg_jwt_sign/jg_jwt_verify; then
 * each claims rule of the policy is pinned (iss exact, aud string or array,
 * typ with and without "application/", max age, min remaining, required
 * claims), the denylist (memory and a custom store that fails closed), the
 * rejection reasons, the claims accessors, the builder (audiences, JSON
 * values, merging, no_exp/no_iat/no_jti, default ttl, random jti) and one
 * verifier shared by four threads. Public API only.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jwtguard/jwtguard.h>

#define T0 INT64_C(1800000000)
#define ISS "https://id.example"
#define AUD "api"

static const jg_alg all_algs[] = {
    JG_HS256, JG_HS384, JG_HS512, JG_RS256, JG_RS384, JG_RS512,
    JG_PS256, JG_PS384, JG_PS512, JG_ES256, JG_ES384, JG_ES512,
    JG_ES256K, JG_EDDSA, JG_ED25519, JG_ED448};
#define N_ALGS (sizeof all_algs / sizeof all_algs[0])

static jg_key *hk;         /* HS256 */
static jg_key *ek;         /* ES256 */
static jg_signer *hs;      /* signs with hk */
static jg_signer *es;      /* signs with ek */

static int setup(void **state)
{
    (void)state;
    if (jg_key_generate(&hk, JG_HS256, 0, "hk", 2) != JG_OK ||
        jg_key_generate(&ek, JG_ES256, 0, "ek", 2) != JG_OK ||
        jg_signer_new(&hs, hk, JG_ALG_UNKNOWN) != JG_OK ||
        jg_signer_new(&es, ek, JG_ALG_UNKNOWN) != JG_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jg_signer_free(hs);
    jg_signer_free(es);
    jg_key_free(hk);
    jg_key_free(ek);
    return 0;
}

/* ---- helpers ---- */
typedef struct vfx {
    jg_keyset *ks;
    jg_policy *p;
    jg_verifier *v;
} vfx;

/* A policy for `alg` at T0 with iss and aud required. */
static jg_policy *pol(jg_alg alg)
{
    jg_policy *p = NULL;
    assert_int_equal(jg_policy_new(&p), JG_OK);
    assert_int_equal(jg_policy_allow_alg(p, alg), JG_OK);
    jg_policy_set_now(p, T0);
    assert_int_equal(jg_policy_require_iss(p, ISS, strlen(ISS)), JG_OK);
    assert_int_equal(jg_policy_require_aud(p, AUD, strlen(AUD)), JG_OK);
    return p;
}

static void vfx_new(vfx *f, const jg_key *k, jg_policy *p)
{
    memset(f, 0, sizeof *f);
    f->p = p;
    assert_int_equal(jg_keyset_from_key(&f->ks, k), JG_OK);
    assert_int_equal(jg_verifier_new(&f->v, f->p, f->ks), JG_OK);
}

static void vfx_free(vfx *f)
{
    jg_verifier_free(f->v);
    jg_policy_free(f->p);
    jg_keyset_free(f->ks);
}

/* A builder with iat T0, iss, sub and aud set. */
static jg_jwt_builder *bld(void)
{
    jg_jwt_builder *b = NULL;
    assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
    jg_jwt_set_now(b, T0);
    assert_int_equal(jg_jwt_set_str(b, "iss", ISS, strlen(ISS)), JG_OK);
    assert_int_equal(jg_jwt_set_str(b, "sub", "alice", 5), JG_OK);
    assert_int_equal(jg_jwt_add_aud(b, AUD, strlen(AUD)), JG_OK);
    return b;
}

/* Sign and free the builder. */
static char *mint(const jg_signer *s, jg_jwt_builder *b, const jg_jws_opts *o)
{
    jg_buf out = {0};
    char *t;
    assert_int_equal(jg_jwt_sign(s, b, o, &out), JG_OK);
    t = strdup((const char *)out.data);
    jg_buf_free(&out);
    jg_jwt_builder_free(b);
    return t;
}

static jg_err check(const jg_verifier *v, const char *t, jg_reason *why)
{
    jg_claims *c = NULL;
    jg_reason local;
    jg_reason *w = why ? why : &local;
    jg_err rc = jg_jwt_verify(v, t, strlen(t), &c, w);
    if (rc == JG_OK)
        assert_non_null(c);
    else
        assert_null(c);
    assert_int_equal(w->err, rc);
    jg_claims_free(c);
    return rc;
}

static jg_claims *claims_of(const jg_verifier *v, const char *t)
{
    jg_claims *c = NULL;
    jg_reason why;
    jg_err rc = jg_jwt_verify(v, t, strlen(t), &c, &why);
    if (rc != JG_OK)
        fail_msg("verify: %s", jg_reason_str(&why));
    return c;
}

/* Verify `t` with the HS256 key and a fresh policy from pol(). */
static jg_err hs_check(const char *t, jg_policy *p, jg_reason *why)
{
    vfx f;
    jg_err rc;
    vfx_new(&f, hk, p);
    rc = check(f.v, t, why);
    vfx_free(&f);
    return rc;
}

/* ---- round trips ---- */
static void roundtrip_every_alg(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_ALGS; i++) {
        jg_alg a = all_algs[i];
        jg_key *k = NULL;
        jg_signer *s = NULL;
        vfx f;
        jg_claims *c;
        const char *sub = NULL;
        size_t n = 0;
        char *t;
        unsigned bits = (a >= JG_RS256 && a <= JG_PS512) ? 2048u : 0u;
        assert_int_equal(jg_key_generate(&k, a, bits, NULL, 0), JG_OK);
        assert_int_equal(jg_signer_new(&s, k, a), JG_OK);
        t = mint(s, bld(), NULL);
        vfx_new(&f, k, pol(a));
        c = claims_of(f.v, t);
        assert_int_equal(jg_claims_get_str(c, "sub", &sub, &n), JG_OK);
        assert_int_equal(n, 5);
        assert_memory_equal(sub, "alice", 5);
        jg_claims_free(c);
        /* and tampered: last payload character changed */
        {
            char *d = strchr(t, '.') + 1;
            d[3] = d[3] == 'A' ? 'B' : 'A';
            assert_int_not_equal(check(f.v, t, NULL), JG_OK);
        }
        vfx_free(&f);
        free(t);
        jg_signer_free(s);
        jg_key_free(k);
    }
}

/* ---- claims rules ---- */
static void iss_exact(void **state)
{
    static const char *const other[] = {"https://id.example/",
                                        "https://ID.example", "https://id",
                                        "https://id.example\\u0000"};
    jg_reason why;
    (void)state;
    {
        char *t = mint(hs, bld(), NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_OK);
        free(t);
    }
    for (size_t i = 0; i < 4; i++) {
        jg_jwt_builder *b = bld();
        char *t;
        char js[64];
        snprintf(js, sizeof js, "\"%s\"", other[i]);
        assert_int_equal(jg_jwt_set_json(b, "iss", js, strlen(js)), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), &why), JG_E_CLAIM_ISS);
        assert_string_equal(why.check, "claims");
        free(t);
    }
    {
        /* no iss at all */
        jg_jwt_builder *b = NULL;
        char *t;
        assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
        jg_jwt_set_now(b, T0);
        assert_int_equal(jg_jwt_add_aud(b, AUD, 3), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_not_equal(hs_check(t, pol(JG_HS256), NULL), JG_OK);
        free(t);
    }
}

static void aud_rules(void **state)
{
    (void)state;
    {
        /* array membership */
        jg_jwt_builder *b = NULL;
        char *t;
        assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
        jg_jwt_set_now(b, T0);
        assert_int_equal(jg_jwt_set_str(b, "iss", ISS, strlen(ISS)), JG_OK);
        assert_int_equal(jg_jwt_add_aud(b, "other", 5), JG_OK);
        assert_int_equal(jg_jwt_add_aud(b, AUD, 3), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_OK);
        free(t);
    }
    {
        /* not a member */
        jg_jwt_builder *b = NULL;
        char *t;
        assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
        jg_jwt_set_now(b, T0);
        assert_int_equal(jg_jwt_set_str(b, "iss", ISS, strlen(ISS)), JG_OK);
        assert_int_equal(jg_jwt_add_aud(b, "other", 5), JG_OK);
        assert_int_equal(jg_jwt_add_aud(b, "apis", 4), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_E_CLAIM_AUD);
        free(t);
    }
    {
        /* several accepted audiences: any one of them */
        jg_jwt_builder *b = NULL;
        jg_policy *p = pol(JG_HS256);
        char *t;
        assert_int_equal(jg_policy_require_aud(p, "second", 6), JG_OK);
        assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
        jg_jwt_set_now(b, T0);
        assert_int_equal(jg_jwt_set_str(b, "iss", ISS, strlen(ISS)), JG_OK);
        assert_int_equal(jg_jwt_add_aud(b, "second", 6), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, p, NULL), JG_OK);
        free(t);
    }
    {
        /* missing aud while one is required */
        jg_jwt_builder *b = NULL;
        char *t;
        assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
        jg_jwt_set_now(b, T0);
        assert_int_equal(jg_jwt_set_str(b, "iss", ISS, strlen(ISS)), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_E_CLAIM_AUD);
        free(t);
    }
    {
        /* wrong JSON types: never read as an empty string */
        static const char *const bad[] = {"{\"api\":true}", "[\"api\",1]",
                                          "1", "null", "[[\"api\"]]"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            /* The builder may refuse such an aud; sign the claims as a
             * plain JWS payload instead. */
            char claims[256];
            jg_buf out = {0};
            char *t;
            jg_err rc;
            snprintf(claims, sizeof claims,
                     "{\"iss\":\"%s\",\"exp\":%lld,\"aud\":%s}", ISS,
                     (long long)(T0 + 600), bad[i]);
            assert_int_equal(jg_jws_sign(hs, (const uint8_t *)claims,
                                         strlen(claims), NULL, &out),
                             JG_OK);
            t = strdup((const char *)out.data);
            jg_buf_free(&out);
            rc = hs_check(t, pol(JG_HS256), NULL);
            if (i == 0)
                assert_int_equal(rc, JG_E_CLAIM_TYPE);
            else
                assert_true(rc == JG_E_CLAIM_TYPE || rc == JG_E_CLAIM_AUD);
            free(t);
        }
    }
}

static void typ_rules(void **state)
{
    static const char *const good[] = {"at+jwt", "application/at+jwt",
                                       "AT+JWT", "Application/At+Jwt"};
    static const char *const bad[] = {"JWT", "at+jwt2", "jwt", "x/at+jwt"};
    jg_jws_opts o;
    (void)state;
    for (int g = 0; g < 2; g++) {
        for (size_t i = 0; i < 4; i++) {
            jg_policy *p = pol(JG_HS256);
            char *t;
            assert_int_equal(jg_policy_require_typ(p, "at+jwt", 6), JG_OK);
            memset(&o, 0, sizeof o);
            o.typ = g ? bad[i] : good[i];
            t = mint(hs, bld(), &o);
            assert_int_equal(hs_check(t, p, NULL),
                             g ? JG_E_CLAIM_TYP : JG_OK);
            free(t);
        }
    }
    {
        /* the policy may name the long form too */
        jg_policy *p = pol(JG_HS256);
        char *t;
        assert_int_equal(jg_policy_require_typ(p, "application/at+jwt", 18),
                         JG_OK);
        memset(&o, 0, sizeof o);
        o.typ = "at+jwt";
        t = mint(hs, bld(), &o);
        assert_int_equal(hs_check(t, p, NULL), JG_OK);
        free(t);
    }
    {
        /* default typ is "JWT", which an at+jwt verifier refuses */
        jg_policy *p = pol(JG_HS256);
        char *t = mint(hs, bld(), NULL);
        jg_json *h = NULL;
        const char *s;
        size_t n;
        assert_int_equal(jg_jws_peek_unverified_header(&h, t, strlen(t)),
                         JG_OK);
        assert_int_equal(
            jg_jval_str(jg_jval_get(jg_json_root(h), "typ", 3), &s, &n),
            JG_OK);
        assert_int_equal(n, 3);
        assert_memory_equal(s, "JWT", 3);
        jg_json_free(h);
        assert_int_equal(jg_policy_require_typ(p, "at+jwt", 6), JG_OK);
        assert_int_equal(hs_check(t, p, NULL), JG_E_CLAIM_TYP);
        free(t);
    }
}

static void max_age_and_min_remaining(void **state)
{
    (void)state;
    {
        jg_jwt_builder *b = bld();
        jg_policy *p = pol(JG_HS256);
        char *t;
        jg_jwt_set_now(b, T0 - 3600); /* iat an hour ago */
        assert_int_equal(jg_jwt_set_ttl(b, 7200), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_OK);
        assert_int_equal(jg_policy_set_max_age(p, 600), JG_OK);
        assert_int_equal(hs_check(t, p, NULL), JG_E_CLAIM_TOO_OLD);
        p = pol(JG_HS256);
        assert_int_equal(jg_policy_set_max_age(p, 7200), JG_OK);
        assert_int_equal(hs_check(t, p, NULL), JG_OK);
        free(t);
    }
    {
        /* max age needs iat */
        jg_jwt_builder *b = bld();
        jg_policy *p = pol(JG_HS256);
        char *t;
        jg_jwt_no_iat(b);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_OK);
        assert_int_equal(jg_policy_set_max_age(p, 600), JG_OK);
        assert_int_not_equal(hs_check(t, p, NULL), JG_OK);
        free(t);
    }
    {
        /* min remaining: 100 s left */
        jg_jwt_builder *b = bld();
        jg_policy *p = pol(JG_HS256);
        char *t;
        assert_int_equal(jg_jwt_set_ttl(b, 100), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL), JG_OK);
        assert_int_equal(jg_policy_set_min_remaining(p, 300), JG_OK);
        assert_int_not_equal(hs_check(t, p, NULL), JG_OK);
        p = pol(JG_HS256);
        assert_int_equal(jg_policy_set_min_remaining(p, 60), JG_OK);
        assert_int_equal(hs_check(t, p, NULL), JG_OK);
        free(t);
    }
}

static void required_claims(void **state)
{
    jg_policy *p = pol(JG_HS256);
    jg_reason why;
    char *t = mint(hs, bld(), NULL);
    (void)state;
    assert_int_equal(jg_policy_require_claim(p, "scope", 5), JG_OK);
    assert_int_equal(hs_check(t, p, &why), JG_E_CLAIM_REQUIRED);
    assert_non_null(strstr(why.detail, "scope"));
    free(t);
    {
        jg_jwt_builder *b = bld();
        assert_int_equal(jg_jwt_set_json(b, "scope", "null", 4), JG_OK);
        t = mint(hs, b, NULL);
        p = pol(JG_HS256);
        assert_int_equal(jg_policy_require_claim(p, "scope", 5), JG_OK);
        assert_int_equal(hs_check(t, p, NULL), JG_OK); /* any type */
        free(t);
    }
}

/* ---- revocation ---- */
struct custom {
    int answer;
    int calls;
    char iss[64];
    char jti[64];
    int64_t now;
};

static int custom_is_revoked(void *ctx, const char *iss, size_t iss_len,
                             const char *jti, size_t jti_len, int64_t now)
{
    struct custom *c = ctx;
    c->calls++;
    snprintf(c->iss, sizeof c->iss, "%.*s", (int)iss_len, iss);
    snprintf(c->jti, sizeof c->jti, "%.*s", (int)jti_len, jti);
    c->now = now;
    return c->answer;
}

static jg_err custom_revoke(void *ctx, const char *iss, size_t iss_len,
                            const char *jti, size_t jti_len, int64_t until)
{
    (void)ctx, (void)iss, (void)iss_len, (void)jti, (void)jti_len,
        (void)until;
    return JG_OK;
}

static void denylist_memory(void **state)
{
    jg_denylist *dl = NULL;
    jg_policy *p;
    vfx f;
    char *t = mint(hs, bld(), NULL), *t2 = mint(hs, bld(), NULL);
    jg_claims *c;
    const char *jti;
    size_t jl;
    char jbuf[80];
    jg_reason why;
    (void)state;
    assert_int_equal(jg_denylist_new_memory(&dl), JG_OK);
    p = pol(JG_HS256);
    jg_policy_set_denylist(p, dl);
    vfx_new(&f, hk, p);
    c = claims_of(f.v, t);
    assert_int_equal(jg_claims_get_str(c, "jti", &jti, &jl), JG_OK);
    snprintf(jbuf, sizeof jbuf, "%.*s", (int)jl, jti);
    jg_claims_free(c);
    assert_int_equal(jg_denylist_revoke(dl, ISS, strlen(ISS), jbuf,
                                        strlen(jbuf), T0 + 3600),
                     JG_OK);
    assert_int_equal(jg_denylist_is_revoked(dl, ISS, strlen(ISS), jbuf,
                                            strlen(jbuf), T0),
                     1);
    assert_int_equal(jg_denylist_size(dl), 1);
    assert_int_equal(check(f.v, t, &why), JG_E_CLAIM_REVOKED);
    assert_string_equal(why.check, "revocation");
    /* another token of the same issuer is fine */
    assert_int_equal(check(f.v, t2, NULL), JG_OK);
    /* the same jti from another issuer is another token */
    assert_int_equal(jg_denylist_is_revoked(dl, "x", 1, jbuf, strlen(jbuf),
                                            T0),
                     0);
    /* after the entry's expiry it no longer counts */
    assert_int_equal(jg_denylist_is_revoked(dl, ISS, strlen(ISS), jbuf,
                                            strlen(jbuf), T0 + 7200),
                     0);
    vfx_free(&f);
    jg_denylist_free(dl);
    free(t);
    free(t2);
}

static void denylist_custom_fails_closed(void **state)
{
    static const int answers[] = {0, 1, -1};
    static const jg_err want[] = {JG_OK, JG_E_CLAIM_REVOKED,
                                  JG_E_CLAIM_REVOKED};
    jg_denylist_ops ops;
    (void)state;
    memset(&ops, 0, sizeof ops);
    ops.is_revoked = custom_is_revoked;
    ops.revoke = custom_revoke;
    for (int i = 0; i < 3; i++) {
        struct custom ctx;
        jg_denylist *dl = NULL;
        jg_policy *p = pol(JG_HS256);
        jg_jwt_builder *b = bld();
        char *t;
        vfx f;
        memset(&ctx, 0, sizeof ctx);
        ctx.answer = answers[i];
        assert_int_equal(jg_jwt_set_str(b, "jti", "id-1", 4), JG_OK);
        t = mint(hs, b, NULL);
        assert_int_equal(jg_denylist_new_custom(&dl, &ops, &ctx), JG_OK);
        jg_policy_set_denylist(p, dl);
        vfx_new(&f, hk, p);
        assert_int_equal(check(f.v, t, NULL), want[i]);
        assert_true(ctx.calls >= 1);
        assert_string_equal(ctx.iss, ISS);
        assert_string_equal(ctx.jti, "id-1");
        assert_int_equal(ctx.now, T0);
        vfx_free(&f);
        jg_denylist_free(dl);
        free(t);
    }
    {
        /* the store is asked only after the signature passed */
        struct custom ctx;
        jg_denylist *dl = NULL;
        jg_policy *p = pol(JG_HS256);
        char *t = mint(hs, bld(), NULL);
        size_t n = strlen(t);
        vfx f;
        memset(&ctx, 0, sizeof ctx);
        assert_int_equal(jg_denylist_new_custom(&dl, &ops, &ctx), JG_OK);
        jg_policy_set_denylist(p, dl);
        vfx_new(&f, hk, p);
        t[n - 10] = t[n - 10] == 'A' ? 'B' : 'A';
        assert_int_equal(check(f.v, t, NULL), JG_E_BAD_SIGNATURE);
        assert_int_equal(ctx.calls, 0);
        vfx_free(&f);
        jg_denylist_free(dl);
        free(t);
    }
}

/* ---- reasons ---- */
static void reasons(void **state)
{
    jg_reason why;
    (void)state;
    {
        jg_jwt_builder *b = bld();
        char *t;
        jg_jwt_set_now(b, T0 - 1000);
        assert_int_equal(jg_jwt_set_ttl(b, 100), JG_OK);
        t = mint(hs, b, NULL);
        memset(&why, 0x55, sizeof why);
        assert_int_equal(hs_check(t, pol(JG_HS256), &why), JG_E_CLAIM_EXPIRED);
        assert_string_equal(why.check, "claims");
        assert_string_equal(why.alg, "HS256");
        assert_string_equal(why.kid, "hk");
        assert_non_null(memchr(why.detail, 0, sizeof why.detail));
        assert_true(strlen(why.detail) > 0);
        assert_true(strncmp(jg_reason_str(&why), "E_CLAIM_EXPIRED", 15) == 0);
        free(t);
    }
    {
        char *t = mint(hs, bld(), NULL);
        memset(&why, 0x55, sizeof why);
        assert_int_equal(hs_check(t, pol(JG_HS256), &why), JG_OK);
        assert_int_equal(why.err, JG_OK);
        free(t);
    }
    {
        /* signed by another key with the same kid */
        jg_key *other = NULL;
        jg_signer *s = NULL;
        char *t;
        assert_int_equal(jg_key_generate(&other, JG_HS256, 0, "hk", 2), JG_OK);
        assert_int_equal(jg_signer_new(&s, other, JG_HS256), JG_OK);
        t = mint(s, bld(), NULL);
        assert_int_equal(hs_check(t, pol(JG_HS256), &why), JG_E_BAD_SIGNATURE);
        assert_string_equal(why.check, "signature");
        assert_string_equal(why.kid, "hk");
        free(t);
        jg_signer_free(s);
        jg_key_free(other);
    }
}

/* ---- accessors ---- */
static void accessors(void **state)
{
    static const char nested[] = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":{\"e\":null}}";
    jg_jwt_builder *b = bld();
    char *t;
    vfx f;
    jg_claims *c;
    const char *s, *raw;
    size_t n;
    int64_t v;
    (void)state;
    assert_int_equal(jg_jwt_set_json(b, "obj", nested, strlen(nested)), JG_OK);
    assert_int_equal(jg_jwt_set_int(b, "num", -42), JG_OK);
    assert_int_equal(jg_jwt_set_str(b, "nul", "a\0b", 3), JG_OK);
    t = mint(es, b, NULL);
    vfx_new(&f, ek, pol(JG_ES256));
    c = claims_of(f.v, t);
    assert_int_equal(jg_claims_get_raw(c, "obj", &raw, &n), JG_OK);
    assert_int_equal(n, strlen(nested));
    assert_memory_equal(raw, nested, n);
    assert_int_equal(jg_claims_get_int(c, "num", &v), JG_OK);
    assert_int_equal(v, -42);
    assert_int_equal(jg_claims_get_str(c, "nul", &s, &n), JG_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(s, "a\0b", 3);
    assert_int_equal(jg_claims_get_raw(c, "sub", &raw, &n), JG_OK);
    assert_int_equal(n, 7);
    assert_memory_equal(raw, "\"alice\"", 7);
    /* wrong type, missing */
    assert_int_equal(jg_claims_get_int(c, "sub", &v), JG_E_CLAIM_TYPE);
    assert_int_equal(jg_claims_get_str(c, "num", &s, &n), JG_E_CLAIM_TYPE);
    assert_int_equal(jg_claims_get_str(c, "obj", &s, &n), JG_E_CLAIM_TYPE);
    assert_int_equal(jg_claims_get_str(c, "nope", &s, &n), JG_E_NOT_FOUND);
    assert_int_equal(jg_claims_get_int(c, "nope", &v), JG_E_NOT_FOUND);
    assert_int_equal(jg_claims_get_raw(c, "nope", &raw, &n), JG_E_NOT_FOUND);
    /* the tree */
    {
        const jg_jval *root = jg_claims_root(c);
        const jg_jval *obj = jg_jval_get(root, "obj", 3);
        const jg_jval *arr = jg_jval_get(obj, "a", 1);
        assert_int_equal(jg_jval_type(root), JG_JSON_OBJECT);
        assert_int_equal(jg_jval_type(arr), JG_JSON_ARRAY);
        assert_int_equal(jg_jval_count(arr), 3);
        assert_int_equal(
            jg_jval_str(jg_jval_get(jg_jval_at(arr, 2), "b", 1), &s, &n),
            JG_OK);
        assert_memory_equal(s, "c", 1);
        assert_int_equal(jg_jval_type(jg_jval_get(jg_jval_get(obj, "d", 1),
                                                  "e", 1)),
                         JG_JSON_NULL);
        assert_int_equal(
            jg_jval_str(jg_jval_get(jg_claims_header(c), "alg", 3), &s, &n),
            JG_OK);
        assert_memory_equal(s, "ES256", 5);
    }
    {
        const char *js;
        size_t jl;
        jg_claims_json(c, &js, &jl);
        assert_non_null(js);
        assert_true(jl > 0 && js[0] == '{' && js[jl - 1] == '}');
        assert_non_null(strstr(js, "\"num\":-42"));
    }
    jg_claims_free(c);
    vfx_free(&f);
    free(t);
}

/* ---- builder ---- */
static jg_claims *built(jg_jwt_builder *b, int allow_no_exp)
{
    char *t = mint(hs, b, NULL);
    jg_policy *p = pol(JG_HS256);
    vfx f;
    jg_claims *c;
    if (allow_no_exp)
        jg_policy_allow_missing_exp(p);
    vfx_new(&f, hk, p);
    c = claims_of(f.v, t);
    vfx_free(&f);
    free(t);
    return c;
}

static void builder(void **state)
{
    jg_claims *c;
    const char *raw, *s;
    size_t n;
    int64_t iat = 0, exp = 0, v = 0;
    (void)state;
    {
        /* two audiences -> an array; default ttl 600; iat from set_now */
        jg_jwt_builder *b = bld();
        assert_int_equal(jg_jwt_add_aud(b, "second", 6), JG_OK);
        c = built(b, 0);
        assert_int_equal(jg_claims_get_raw(c, "aud", &raw, &n), JG_OK);
        assert_int_equal(n, strlen("[\"api\",\"second\"]"));
        assert_memory_equal(raw, "[\"api\",\"second\"]", n);
        assert_int_equal(jg_claims_get_int(c, "iat", &iat), JG_OK);
        assert_int_equal(jg_claims_get_int(c, "exp", &exp), JG_OK);
        assert_int_equal(iat, T0);
        assert_int_equal(exp - iat, 600);
        assert_int_equal(jg_claims_get_str(c, "jti", &s, &n), JG_OK);
        jg_claims_free(c);
    }
    {
        /* one audience -> a string */
        c = built(bld(), 0);
        assert_int_equal(jg_claims_get_str(c, "aud", &s, &n), JG_OK);
        assert_int_equal(n, 3);
        jg_claims_free(c);
    }
    {
        /* set_json, merge, replace; later set_* calls win */
        jg_jwt_builder *b = bld();
        static const char merge[] = "{\"m1\":1,\"m2\":{\"x\":[true]},"
                                    "\"role\":\"guest\"}";
        assert_int_equal(jg_jwt_set_json(b, "cnf", "{\"jkt\":\"abc\"}", 13),
                         JG_OK);
        assert_int_equal(jg_jwt_set_claims_json(b, merge, strlen(merge)),
                         JG_OK);
        assert_int_equal(jg_jwt_set_str(b, "role", "admin", 5), JG_OK);
        assert_int_equal(jg_jwt_set_int(b, "m1", 2), JG_OK);
        assert_int_equal(jg_jwt_set_str(b, "sub", "bob", 3), JG_OK);
        assert_int_equal(jg_jwt_set_ttl(b, 60), JG_OK);
        c = built(b, 0);
        assert_int_equal(jg_claims_get_str(c, "role", &s, &n), JG_OK);
        assert_int_equal(n, 5);
        assert_memory_equal(s, "admin", 5);
        assert_int_equal(jg_claims_get_int(c, "m1", &v), JG_OK);
        assert_int_equal(v, 2);
        assert_int_equal(jg_claims_get_raw(c, "m2", &raw, &n), JG_OK);
        assert_memory_equal(raw, "{\"x\":[true]}", n);
        assert_int_equal(jg_claims_get_raw(c, "cnf", &raw, &n), JG_OK);
        assert_memory_equal(raw, "{\"jkt\":\"abc\"}", n);
        assert_int_equal(jg_claims_get_str(c, "sub", &s, &n), JG_OK);
        assert_memory_equal(s, "bob", 3);
        assert_int_equal(jg_claims_get_int(c, "iat", &iat), JG_OK);
        assert_int_equal(jg_claims_get_int(c, "exp", &exp), JG_OK);
        assert_int_equal(exp - iat, 60);
        jg_claims_free(c);
    }
    {
        /* invalid input is refused */
        jg_jwt_builder *b = bld();
        assert_int_not_equal(jg_jwt_set_json(b, "x", "{\"a\":", 5), JG_OK);
        assert_int_not_equal(jg_jwt_set_json(b, "x", "{\"a\":1,\"a\":2}", 13),
                             JG_OK);
        assert_int_not_equal(jg_jwt_set_claims_json(b, "[1]", 3), JG_OK);
        assert_int_not_equal(jg_jwt_set_claims_json(b, "{\"a\":1", 6), JG_OK);
        assert_int_not_equal(jg_jwt_set_ttl(b, 0), JG_OK);
        assert_int_not_equal(jg_jwt_set_ttl(b, -5), JG_OK);
        jg_jwt_builder_free(b);
    }
    {
        /* no_exp, no_iat, no_jti */
        jg_jwt_builder *b = bld();
        char *t;
        jg_jwt_no_exp(b);
        jg_jwt_no_iat(b);
        jg_jwt_no_jti(b);
        t = mint(hs, b, NULL);
        /* a default verifier refuses a token without exp */
        assert_int_equal(hs_check(t, pol(JG_HS256), NULL),
                         JG_E_CLAIM_REQUIRED);
        free(t);
        b = bld();
        jg_jwt_no_exp(b);
        jg_jwt_no_iat(b);
        jg_jwt_no_jti(b);
        c = built(b, 1);
        assert_int_equal(jg_claims_get_int(c, "exp", &v), JG_E_NOT_FOUND);
        assert_int_equal(jg_claims_get_int(c, "iat", &v), JG_E_NOT_FOUND);
        assert_int_equal(jg_claims_get_str(c, "jti", &s, &n), JG_E_NOT_FOUND);
        jg_claims_free(c);
    }
}

static int is_b64u(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
            return 0;
    return 1;
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void jti_random_unique(void **state)
{
    enum { N = 1000 };
    char **ids = calloc(N, sizeof *ids);
    jg_policy *p = pol(JG_HS256);
    vfx f;
    (void)state;
    assert_non_null(ids);
    vfx_new(&f, hk, p);
    for (int i = 0; i < N; i++) {
        char *t = mint(hs, bld(), NULL);
        jg_claims *c = claims_of(f.v, t);
        const char *s;
        size_t n;
        assert_int_equal(jg_claims_get_str(c, "jti", &s, &n), JG_OK);
        /* 128 bits: 22 base64url characters or 32 hex digits */
        assert_true((n == 22 && is_b64u(s, n)) || (n == 32 && is_hex(s, n)));
        ids[i] = strndup(s, n);
        jg_claims_free(c);
        free(t);
    }
    qsort(ids, N, sizeof *ids, cmp_str);
    for (int i = 1; i < N; i++)
        assert_true(strcmp(ids[i - 1], ids[i]) != 0);
    for (int i = 0; i < N; i++)
        free(ids[i]);
    free(ids);
    vfx_free(&f);
}

/* ---- one verifier, four threads ---- */
#define N_THREADS 4
#define N_ITER 250

struct thr {
    const jg_verifier *v;
    char *good[3];
    char *bad;
    int ok;     /* good tokens that verified with the right claims */
    int wrong;  /* anything else */
};

static void *worker(void *arg)
{
    struct thr *w = arg;
    for (int i = 0; i < N_ITER; i++) {
        for (int j = 0; j < 3; j++) {
            jg_claims *c = NULL;
            jg_reason why;
            const char *s;
            size_t n;
            if (jg_jwt_verify(w->v, w->good[j], strlen(w->good[j]), &c,
                              &why) == JG_OK &&
                jg_claims_get_str(c, "sub", &s, &n) == JG_OK && n == 5 &&
                memcmp(s, "alice", 5) == 0)
                w->ok++;
            else
                w->wrong++;
            jg_claims_free(c);
        }
        {
            jg_claims *c = NULL;
            if (jg_jwt_verify(w->v, w->bad, strlen(w->bad), &c, NULL) ==
                    JG_OK ||
                c)
                w->wrong++;
            jg_claims_free(c);
        }
    }
    return NULL;
}

static void shared_verifier_threads(void **state)
{
    vfx f;
    pthread_t th[N_THREADS];
    struct thr w[N_THREADS];
    char *good[3], *bad;
    (void)state;
    vfx_new(&f, ek, pol(JG_ES256));
    for (int j = 0; j < 3; j++)
        good[j] = mint(es, bld(), NULL);
    bad = strdup(good[0]);
    {
        size_t n = strlen(bad);
        bad[n - 5] = bad[n - 5] == 'A' ? 'B' : 'A';
    }
    for (int i = 0; i < N_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].v = f.v;
        for (int j = 0; j < 3; j++)
            w[i].good[j] = good[j];
        w[i].bad = bad;
        assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(w[i].wrong, 0);
        assert_int_equal(w[i].ok, 3 * N_ITER);
    }
    for (int j = 0; j < 3; j++)
        free(good[j]);
    free(bad);
    vfx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_every_alg),
        cmocka_unit_test(iss_exact),
        cmocka_unit_test(aud_rules),
        cmocka_unit_test(typ_rules),
        cmocka_unit_test(max_age_and_min_remaining),
        cmocka_unit_test(required_claims),
        cmocka_unit_test(denylist_memory),
        cmocka_unit_test(denylist_custom_fails_closed),
        cmocka_unit_test(reasons),
        cmocka_unit_test(accessors),
        cmocka_unit_test(builder),
        cmocka_unit_test(jti_random_unique),
        cmocka_unit_test(shared_verifier_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
