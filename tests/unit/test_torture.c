/* tests/unit/test_torture.c - allocation-failure torture (SQLite, curl).
 *
 * Each operation of the library is run once to count its allocations,
 * then again with the 1st, 2nd, ... allocation made to fail
 * (jgi_set_alloc_fail), until a run completes without reaching the
 * failure. Every step must end in JG_OK with correct outputs (only once
 * the failure point lies beyond the operation, or where the operation is
 * documented to absorb a failure), or in a clean error: JG_E_NOMEM (a
 * failure path may keep its own error), outputs empty, nothing leaked
 * (lib/'s heap blocks counted around each step; LSan and valgrind check
 * again at exit), nothing left on OpenSSL's error queue.
 *
 * JG_TORTURE_OSSL=1 also routes OpenSSL's own allocations through the
 * same counter (CRYPTO_set_mem_functions, before OpenSSL allocates), an
 * opt-in mode because OpenSSL 3.0 itself is not clean under injected
 * failures (docs/security.md, "Memory and timing"). It checks fail-closed behaviour
 * (no failed verify or sign returns JG_OK with bad output, no crash) and
 * prints a histogram of the codes seen rather than insisting on NOMEM.
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
#include <time.h>

#include <cmocka.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include <jwtguard/jwtguard.h>
#include "internal.h"
#include "testutil.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JGT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(JGT_ASAN)
#define JGT_ASAN 1
#endif
#ifdef JGT_ASAN
#include <sanitizer/allocator_interface.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define T0 INT64_C(1800000000)
#define ISS "https://id.example"
#define AUD "api"

static int ossl_mode; /* JG_TORTURE_OSSL=1 */

/* ---- heap accounting ---- */
/* The test is linked with -Wl,--wrap=malloc,calloc,realloc,free (see the
 * memory block of tests/CMakeLists.txt): every allocation made by lib/
 * and this file (not by OpenSSL, a shared library) passes through these
 * counters, so a leaked jgi_* block is seen at the step that leaks it.
 * Without the link option the weak __real_* stay unresolved, the
 * wrappers are never called and only LSan/valgrind check leaks. */
void *__real_malloc(size_t n) __attribute__((weak));
void *__real_calloc(size_t n, size_t s) __attribute__((weak));
void *__real_realloc(void *p, size_t n) __attribute__((weak));
void __real_free(void *p) __attribute__((weak));
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t s);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static long live_blocks; /* blocks allocated and not yet freed */
static int wrapped;      /* the wrappers are linked in */

void *__wrap_malloc(size_t n)
{
    void *p = __real_malloc(n);
    wrapped = 1;
    if (p)
        __atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    return p;
}

void *__wrap_calloc(size_t n, size_t s)
{
    void *p = __real_calloc(n, s);
    wrapped = 1;
    if (p)
        __atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    void *q = __real_realloc(p, n);
    wrapped = 1;
    if (!p && q)
        __atomic_add_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    else if (p && !q && n == 0)
        __atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    return q;
}

void __wrap_free(void *p)
{
    if (p)
        __atomic_sub_fetch(&live_blocks, 1, __ATOMIC_RELAXED);
    __real_free(p);
}

static long heap_blocks(void)
{
    return __atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}

/* All heap bytes, OpenSSL's included (ASan only): a second, coarser
 * net that also sees OpenSSL objects the library forgot to free. */
static size_t heap_bytes(void)
{
#ifdef JGT_ASAN
    return __sanitizer_get_current_allocated_bytes();
#else
    return 0;
#endif
}

/* ---- OpenSSL allocations through the jgi_* counter (opt-in) ---- */
static void *ossl_malloc(size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return jgi_malloc(n);
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
    (void)file;
    (void)line;
    return jgi_realloc(p, n);
}

static void ossl_free(void *p, const char *file, int line)
{
    (void)file;
    (void)line;
    jgi_free(p);
}

/* ---- fixtures: made once with no failure injected ---- */
enum { K_OCT, K_RSA, K_EC, K_ED25519, K_ED448, K_N };
static const jg_alg kalg[K_N] = {JG_HS256, JG_RS256, JG_ES256, JG_EDDSA,
                                 JG_ED448};
static const char *const kname[K_N] = {"oct", "RSA", "EC P-256",
                                       "OKP Ed25519", "OKP Ed448"};
static jg_key *key[K_N];
static jg_buf jwk_priv[K_N], jwk_pub[K_N];
static jg_buf pem_priv[K_N], pem_pub[K_N];
static jg_buf jwks_text;

static jg_signer *hs_signer, *es_signer;
static jg_keyset *hs_set, *es_set;
static jg_denylist *dl;
static jg_verifier *hs_v, *es_v, *jwt_v;
static jg_buf tok_hs, tok_es, tok_json_general, tok_json_flat;
static jg_buf jwt_big, tok_big;
static jg_buf jwt_ok, jwt_expired, jwt_badsig, jwt_revoked, jwt_aud,
    jwt_malformed;

/* ---- one operation under torture ---- */
typedef struct outs {
    jg_key *key;
    jg_keyset *ks;
    jg_buf buf;
    jg_json *hdr;
    jg_claims *claims;
    jg_reason why;
    size_t idx;
    size_t skipped;
    jg_policy *pol;
    jg_verifier *v;
    jg_denylist *dl;
    jg_buf tmp;
} outs;

typedef struct op {
    const char *name;
    jg_err (*run)(const struct op *o, outs *r);
    /* Validate outputs (rc JG_OK: correct; else: empty) and free them. */
    void (*check)(const struct op *o, outs *r, jg_err rc, size_t n);
    jg_err want;     /* the result without failures */
    int absorbs;     /* an injected failure may legitimately end in OK */
    int kind;        /* which fixture (key index, token, ...) */
    const jg_buf *in;
    const jg_verifier *const *v;
} op;

#define CHECK(o, n, cond)                                                  \
    do {                                                                   \
        if (!(cond))                                                       \
            fail_msg("%s: failing allocation %zu: %s", (o)->name, (n),     \
                     #cond);                                               \
    } while (0)

static int buf_empty(const jg_buf *b)
{
    return b->data == NULL && b->len == 0;
}

typedef struct tally {
    size_t steps, injected, absorbed, leaks, stale_err;
    size_t codes[JG_E__COUNT];
} tally;

static void walk(const op *o)
{
    tally t;
    outs r;
    jg_err want, rc;
    size_t total, n, made, before = 0, after = 0;
    long blocks0 = 0, blocks1 = 0;

    memset(&t, 0, sizeof t);
    if (ERR_peek_error() != 0 && !ossl_mode)
        fail_msg("%s: OpenSSL errors queued before the walk (left by the "
                 "fixtures?)", o->name);
    /* Twice without failures: the first run may fill process-wide and
     * per-thread caches that later runs then reuse. */
    for (int i = 0; i < 2; i++) {
        memset(&r, 0, sizeof r);
        jgi_set_alloc_fail(0);
        want = o->run(o, &r);
        total = jgi_set_alloc_fail(0);
        if (ERR_peek_error() != 0) {
            t.stale_err++;
            ERR_clear_error();
        }
        if (want != o->want)
            fail_msg("%s: without failures: %s, expected %s", o->name,
                     jg_err_name(want), jg_err_name(o->want));
        o->check(o, &r, want, 0);
    }
    for (n = 1; n <= 4 * total + 64; n++) {
        int leaked = 0;
        /* A step whose heap grows is run again: lazily filled caches grow
         * once, a leak grows every time. */
        for (int tries = 0; tries < 3; tries++) {
            memset(&r, 0, sizeof r);
            blocks0 = heap_blocks();
            before = heap_bytes();
            jgi_set_alloc_fail(n);
            rc = o->run(o, &r);
            made = jgi_set_alloc_fail(0);
            /* Errors left on this thread's OpenSSL queue (they hold heap
             * strings until cleared): counted, then cleared. */
            if (ERR_peek_error() != 0) {
                t.stale_err++;
                ERR_clear_error();
            }
            o->check(o, &r, rc, n);
            after = heap_bytes();
            blocks1 = heap_blocks();
            /* Blocks of lib/ are exact: one more is a leak at once. */
            if (blocks1 != blocks0 && !ossl_mode)
                break;
            leaked = after > before || blocks1 != blocks0;
            if (!leaked)
                break;
        }
        t.steps++;
        if (blocks1 != blocks0) {
            t.leaks++;
            print_message("torture: %s: failing allocation %zu: %ld block(s) "
                          "of lib/ not freed (%s)\n",
                          o->name, n, blocks1 - blocks0, jg_err_name(rc));
        } else if (leaked) {
            t.leaks++;
            print_message("torture: %s: failing allocation %zu: heap grew by "
                          "%zu bytes on three runs (%s)\n",
                          o->name, n, after - before, jg_err_name(rc));
        }
        if (made < n) {
            /* The failure point lies beyond the operation: done. */
            if (rc != want)
                fail_msg("%s: no failure reached (%zu allocations) but %s, "
                         "expected %s",
                         o->name, made, jg_err_name(rc), jg_err_name(want));
            break;
        }
        t.injected++;
        if (rc == want) {
            /* Still the normal result: the failure was absorbed. For a
             * failure path (want != OK) that is fine as long as the same
             * error came back; for a success it must be documented. */
            t.absorbed++;
            if (want == JG_OK && !o->absorbs && !ossl_mode)
                fail_msg("%s: failing allocation %zu was ignored: JG_OK",
                         o->name, n);
            continue;
        }
        if ((unsigned)rc < JG_E__COUNT)
            t.codes[rc]++;
        if (rc == JG_OK)
            fail_msg("%s: failing allocation %zu turned %s into JG_OK",
                     o->name, n, jg_err_name(want));
        /* jgi_* torture: out of memory is reported as such. */
        if (!ossl_mode && rc != JG_E_NOMEM)
            fail_msg("%s: failing allocation %zu gave %s, not E_NOMEM",
                     o->name, n, jg_err_name(rc));
    }
    if (n > 4 * total + 64)
        fail_msg("%s: never completed (allocation count keeps growing)",
                 o->name);
    print_message("torture %-36s %4zu allocs, %4zu failed, %3zu absorbed",
                  o->name, total, t.injected, t.absorbed);
    if (t.stale_err)
        print_message(" stale-openssl-errors=%zu", t.stale_err);
    if (ossl_mode) {
        for (int c = 1; c < JG_E__COUNT; c++)
            if (t.codes[c])
                print_message(" %s=%zu", jg_err_name((jg_err)c), t.codes[c]);
    }
    print_message("\n");
    if (t.leaks)
        fail_msg("%s: %zu failure steps leaked memory", o->name, t.leaks);
    /* A library call leaves OpenSSL's per-thread error queue as it found
     * it: an application using OpenSSL on the same thread (TLS) would
     * misread stale errors. OpenSSL itself breaks this when its own
     * allocations fail (docs/security.md, "Memory and timing"), hence jgi_* mode only. */
    if (t.stale_err && !ossl_mode)
        fail_msg("%s: %zu steps left errors on OpenSSL's error queue",
                 o->name, t.stale_err);
}

/* ---- helpers used by checks (never under failure injection) ---- */
static void must_verify_jwt(const op *o, size_t n, const jg_buf *tok,
                            const jg_verifier *v)
{
    jg_claims *c = NULL;
    jg_reason why;
    jg_err rc = jg_jwt_verify(v, (const char *)tok->data, tok->len, &c, &why);
    CHECK(o, n, rc == JG_OK);
    jg_claims_free(c);
}

static void must_verify_jws(const op *o, size_t n, const jg_buf *tok,
                            const jg_verifier *v)
{
    jg_buf pl = {0};
    jg_err rc = jg_jws_verify(v, (const char *)tok->data, tok->len, &pl,
                              NULL, NULL);
    CHECK(o, n, rc == JG_OK);
    jg_buf_free(&pl);
}

/* ---- keys ---- */
static jg_err run_jwk_import(const op *o, outs *r)
{
    const jg_buf *in = o->in;
    return jg_key_from_jwk(&r->key, (const char *)in->data, in->len);
}

static void check_key(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, r->key == NULL);
        return;
    }
    CHECK(o, n, r->key != NULL);
    CHECK(o, n, jg_key_kty(r->key) == jg_key_kty(key[o->kind]));
    CHECK(o, n, jg_key_crv(r->key) == jg_key_crv(key[o->kind]));
    /* The same key material as the original: same RFC 7638 thumbprint. */
    {
        jg_buf a = {0}, b = {0};
        CHECK(o, n, jg_key_thumbprint(&a, r->key) == JG_OK);
        CHECK(o, n, jg_key_thumbprint(&b, key[o->kind]) == JG_OK);
        CHECK(o, n, a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
        jg_buf_free(&a);
        jg_buf_free(&b);
    }
    jg_key_free(r->key);
    r->key = NULL;
}

static jg_err run_pem_import(const op *o, outs *r)
{
    return jg_key_from_pem(&r->key, (const char *)o->in->data, o->in->len,
                           JG_ALG_UNKNOWN);
}

static jg_err run_pem_export(const op *o, outs *r)
{
    return jg_key_to_pem(&r->buf, key[o->kind], o->in == &pem_pub[o->kind]);
}

static void check_buf_equal(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        return;
    }
    CHECK(o, n, r->buf.len == o->in->len &&
                    memcmp(r->buf.data, o->in->data, r->buf.len) == 0);
    jg_buf_free(&r->buf);
}

static jg_err run_to_jwk(const op *o, outs *r)
{
    return jg_key_to_jwk(&r->buf, key[o->kind], o->in == &jwk_pub[o->kind]);
}

static jg_err run_thumbprint(const op *o, outs *r)
{
    return jg_key_thumbprint(&r->buf, key[o->kind]);
}

static void check_thumbprint(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        return;
    }
    CHECK(o, n, r->buf.len == 43);
    jg_buf_free(&r->buf);
}

static jg_err run_generate(const op *o, outs *r)
{
    return jg_key_generate(&r->key, kalg[o->kind],
                           o->kind == K_RSA ? 2048u : 0u, NULL, 0);
}

static void check_generated(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, r->key == NULL);
        return;
    }
    size_t kl = 0;
    CHECK(o, n, r->key != NULL);
    CHECK(o, n, jg_key_kty(r->key) == jg_key_kty(key[o->kind]));
    CHECK(o, n, jg_key_kid(r->key, &kl) != NULL && kl == 43);
    jg_key_free(r->key);
    r->key = NULL;
}

static jg_err run_jwks(const op *o, outs *r)
{
    return jg_keyset_from_jwks(&r->ks, (const char *)o->in->data, o->in->len,
                               &r->skipped);
}

static void check_jwks(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, r->ks == NULL);
        return;
    }
    CHECK(o, n, r->ks != NULL && jg_keyset_count(r->ks) == 3);
    CHECK(o, n, r->skipped == 1 && jg_keyset_skipped_reason(r->ks, 0));
    CHECK(o, n, jg_keyset_find(r->ks, "k3", 2) != NULL);
    jg_keyset_free(r->ks);
    r->ks = NULL;
}

/* ---- signing ---- */
static jg_err run_jws_sign(const op *o, outs *r)
{
    static const char pl[] = "{\"hello\":\"torture\"}";
    jg_jws_opts opt;
    memset(&opt, 0, sizeof opt);
    opt.typ = "example+jws";
    opt.cty = "json";
    opt.extra_json = "{\"x-a\":[1,{\"b\":null}],\"x-c\":\"d\"}";
    return jg_jws_sign(o->kind == K_OCT ? hs_signer : es_signer,
                       (const uint8_t *)pl, sizeof pl - 1, &opt, &r->buf);
}

static void check_jws_signed(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        return;
    }
    must_verify_jws(o, n, &r->buf, o->kind == K_OCT ? hs_v : es_v);
    jg_buf_free(&r->buf);
}

static jg_err run_jws_sign_json(const op *o, outs *r)
{
    static const char pl[] = "payload";
    const jg_signer *s[2] = {hs_signer, es_signer};
    (void)o;
    return jg_jws_sign_json(s, 2, (const uint8_t *)pl, sizeof pl - 1, 0,
                            &r->buf);
}

static void check_jws_json_signed(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        return;
    }
    jg_buf pl = {0};
    size_t idx = 9;
    CHECK(o, n, jg_jws_verify_json(es_v, (const char *)r->buf.data,
                                   r->buf.len, &pl, &idx, NULL,
                                   NULL) == JG_OK);
    CHECK(o, n, idx == 1);
    jg_buf_free(&pl);
    jg_buf_free(&r->buf);
}

/* The builder is part of the operation: every setter allocates. */
static jg_err run_jwt_sign(const op *o, outs *r)
{
    jg_jwt_builder *b = NULL;
    jg_err rc;
    (void)o;
    if ((rc = jg_jwt_builder_new(&b)) != JG_OK)
        return rc;
    jg_jwt_set_now(b, T0);
    if ((rc = jg_jwt_set_str(b, "iss", ISS, strlen(ISS))) != JG_OK ||
        (rc = jg_jwt_set_str(b, "sub", "alice", 5)) != JG_OK ||
        (rc = jg_jwt_add_aud(b, AUD, strlen(AUD))) != JG_OK ||
        (rc = jg_jwt_add_aud(b, "other", 5)) != JG_OK ||
        (rc = jg_jwt_set_int(b, "n", 42)) != JG_OK ||
        (rc = jg_jwt_set_json(b, "obj", "{\"k\":[true,1.5]}", 16)) != JG_OK ||
        (rc = jg_jwt_set_claims_json(
             b, "{\"scope\":\"a b\",\"aud\":[\"third\"],\"n\":43}", 38)) !=
            JG_OK ||
        (rc = jg_jwt_set_ttl(b, 300)) != JG_OK)
        goto out;
    rc = jg_jwt_sign(hs_signer, b, NULL, &r->buf);
out:
    jg_jwt_builder_free(b);
    return rc;
}

static void check_jwt_signed(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        return;
    }
    must_verify_jwt(o, n, &r->buf, jwt_v);
    jg_buf_free(&r->buf);
}

/* ---- verifying ---- */
static jg_err run_jws_verify(const op *o, outs *r)
{
    return jg_jws_verify(*o->v, (const char *)o->in->data, o->in->len,
                         &r->buf, &r->hdr, &r->why);
}

static void check_jws_verified(const op *o, outs *r, jg_err rc, size_t n)
{
    CHECK(o, n, r->why.err == rc);
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        CHECK(o, n, r->hdr == NULL);
        return;
    }
    CHECK(o, n, r->buf.len == (o->in == &tok_big ? 6000u : 19u));
    CHECK(o, n, r->hdr != NULL);
    CHECK(o, n, jg_jval_get(jg_json_root(r->hdr), "x-c", 3) != NULL);
    jg_buf_free(&r->buf);
    jg_json_free(r->hdr);
    r->hdr = NULL;
}

static jg_err run_jws_verify_json(const op *o, outs *r)
{
    r->idx = 7;
    return jg_jws_verify_json(*o->v, (const char *)o->in->data, o->in->len,
                              &r->buf, &r->idx, &r->hdr, &r->why);
}

static void check_jws_json_verified(const op *o, outs *r, jg_err rc, size_t n)
{
    CHECK(o, n, r->why.err == rc);
    if (rc != JG_OK) {
        CHECK(o, n, buf_empty(&r->buf));
        CHECK(o, n, r->hdr == NULL);
        CHECK(o, n, r->idx == 0);
        return;
    }
    CHECK(o, n, r->buf.len == 7 && memcmp(r->buf.data, "payload", 7) == 0);
    CHECK(o, n, r->idx == (o->in == &tok_json_general ? 1u : 0u));
    CHECK(o, n, r->hdr != NULL);
    jg_buf_free(&r->buf);
    jg_json_free(r->hdr);
    r->hdr = NULL;
}

static jg_err run_jwt_verify(const op *o, outs *r)
{
    return jg_jwt_verify(*o->v, (const char *)o->in->data, o->in->len,
                         &r->claims, &r->why);
}

static void check_jwt_verified(const op *o, outs *r, jg_err rc, size_t n)
{
    CHECK(o, n, r->why.err == rc);
    if (rc != JG_OK) {
        CHECK(o, n, r->claims == NULL);
        return;
    }
    const char *s = NULL;
    size_t sl = 0;
    CHECK(o, n, r->claims != NULL);
    CHECK(o, n, jg_claims_get_str(r->claims, "sub", &s, &sl) == JG_OK &&
                    sl == 5 && memcmp(s, "alice", 5) == 0);
    jg_claims_free(r->claims);
    r->claims = NULL;
}

/* ---- policy, verifier, denylist ---- */
static jg_err run_policy(const op *o, outs *r)
{
    jg_limits lim;
    jg_err rc;
    (void)o;
    jg_limits_default(&lim);
    lim.max_depth = 8;
    if ((rc = jg_policy_new(&r->pol)) != JG_OK)
        return rc;
    jg_policy_set_now(r->pol, T0);
    if ((rc = jg_policy_allow_alg(r->pol, JG_HS256)) != JG_OK ||
        (rc = jg_policy_allow_alg(r->pol, JG_ES256)) != JG_OK ||
        (rc = jg_policy_require_iss(r->pol, ISS, strlen(ISS))) != JG_OK ||
        (rc = jg_policy_require_iss(r->pol, ISS, strlen(ISS))) != JG_OK ||
        (rc = jg_policy_require_aud(r->pol, AUD, strlen(AUD))) != JG_OK ||
        (rc = jg_policy_require_aud(r->pol, "api2", 4)) != JG_OK ||
        (rc = jg_policy_require_typ(r->pol, "JWT", 3)) != JG_OK ||
        (rc = jg_policy_require_claim(r->pol, "sub", 3)) != JG_OK ||
        (rc = jg_policy_require_claim(r->pol, "scope", 5)) != JG_OK ||
        (rc = jg_policy_set_limits(r->pol, &lim)) != JG_OK ||
        (rc = jg_policy_set_leeway(r->pol, 10)) != JG_OK ||
        (rc = jg_keyset_from_key(&r->ks, key[K_OCT])) != JG_OK ||
        (rc = jg_verifier_new(&r->v, r->pol, r->ks)) != JG_OK)
        goto out;
out:
    /* The verifier keeps its own copies: drop ours straight away. */
    jg_policy_free(r->pol);
    jg_keyset_free(r->ks);
    r->pol = NULL;
    r->ks = NULL;
    return rc;
}

static void check_policy(const op *o, outs *r, jg_err rc, size_t n)
{
    if (rc != JG_OK) {
        CHECK(o, n, r->v == NULL);
        return;
    }
    CHECK(o, n, r->v != NULL);
    {
        jg_claims *c = NULL;
        jg_reason why;
        jg_err e = jg_jwt_verify(r->v, (const char *)jwt_ok.data, jwt_ok.len,
                                 &c, &why);
        if (e != JG_OK)
            fail_msg("%s: %s", o->name, jg_reason_str(&why));
        jg_claims_free(c);
    }
    jg_verifier_free(r->v);
    r->v = NULL;
}

#define DL_N 300
static jg_err run_denylist(const op *o, outs *r)
{
    jg_err rc;
    char jti[32];
    (void)o;
    if ((rc = jg_denylist_new_memory(&r->dl)) != JG_OK)
        return rc;
    for (size_t i = 0; i < DL_N; i++) {
        int m = snprintf(jti, sizeof jti, "jti-%zu", i);
        /* Half expire early, so the purge runs too. */
        int64_t until = (i % 2) ? T0 + 3600 : T0 - 1;
        r->idx = i;
        if ((rc = jg_denylist_revoke(r->dl, ISS, strlen(ISS), jti,
                                     (size_t)m, until)) != JG_OK)
            return rc; /* the list so far stays usable: check looks */
        (void)jg_denylist_is_revoked(r->dl, ISS, strlen(ISS), jti,
                                     (size_t)m, T0);
    }
    r->idx = DL_N;
    return JG_OK;
}

static void check_denylist(const op *o, outs *r, jg_err rc, size_t n)
{
    char jti[32];
    /* Every revocation that returned JG_OK is there, the failed one is
     * not: a failed revoke must not leave a half entry behind. */
    CHECK(o, n, r->dl != NULL || rc != JG_OK);
    if (r->dl) {
        for (size_t i = 0; i < r->idx + (rc != JG_OK); i++) {
            int m = snprintf(jti, sizeof jti, "jti-%zu", i);
            int want = i < r->idx && (i % 2) ? 1 : 0;
            CHECK(o, n, jg_denylist_is_revoked(r->dl, ISS, strlen(ISS), jti,
                                               (size_t)m, T0) == want);
        }
    }
    jg_denylist_free(r->dl);
    r->dl = NULL;
}

/* ---- the fixtures ---- */
static void sign_jwt_fixture(jg_buf *out, const char *jti, int64_t now,
                             const char *aud)
{
    jg_jwt_builder *b = NULL;
    assert_int_equal(jg_jwt_builder_new(&b), JG_OK);
    jg_jwt_set_now(b, now);
    assert_int_equal(jg_jwt_set_str(b, "iss", ISS, strlen(ISS)), JG_OK);
    assert_int_equal(jg_jwt_set_str(b, "sub", "alice", 5), JG_OK);
    assert_int_equal(jg_jwt_add_aud(b, aud, strlen(aud)), JG_OK);
    assert_int_equal(jg_jwt_set_json(b, "scope", "[\"a\",\"b\"]", 9), JG_OK);
    if (jti)
        assert_int_equal(jg_jwt_set_str(b, "jti", jti, strlen(jti)), JG_OK);
    assert_int_equal(jg_jwt_sign(hs_signer, b, NULL, out), JG_OK);
    jg_jwt_builder_free(b);
}

static jg_verifier *make_verifier(const jg_keyset *ks, jg_alg alg, int jwt)
{
    jg_policy *p = NULL;
    jg_verifier *v = NULL;
    assert_int_equal(jg_policy_new(&p), JG_OK);
    assert_int_equal(jg_policy_allow_alg(p, alg), JG_OK);
    if (jwt) {
        jg_policy_set_now(p, T0);
        assert_int_equal(jg_policy_require_iss(p, ISS, strlen(ISS)), JG_OK);
        assert_int_equal(jg_policy_require_aud(p, AUD, strlen(AUD)), JG_OK);
        assert_int_equal(jg_policy_require_typ(p, "JWT", 3), JG_OK);
        assert_int_equal(jg_policy_require_claim(p, "sub", 3), JG_OK);
        jg_policy_set_denylist(p, dl);
    }
    assert_int_equal(jg_verifier_new(&v, p, ks), JG_OK);
    jg_policy_free(p);
    return v;
}

/* The RSA key: RFC 7520 §3.4 from the shared vectors (generating one
 * costs a minute under valgrind), else a fresh one. */
static jg_err rsa_fixture(jg_key **out)
{
    size_t len = 0;
    char *txt =
        jgt_read_file(jgt_vector_path("rfc7520/jwk/3_4.rsa_private_key.json"),
                      &len);
    if (txt) {
        jg_err rc = jg_key_from_jwk(out, txt, len);
        free(txt);
        if (rc == JG_OK)
            return rc;
    }
    print_message("torture: RFC 7520 RSA key not readable: generating one\n");
    return jg_key_generate(out, JG_RS256, 2048, "k1", 2);
}

static int setup(void **state)
{
    (void)state;
    jgi_set_alloc_fail(0);
    for (int i = 0; i < K_N; i++) {
        char kid[16];
        snprintf(kid, sizeof kid, "k%d", i);
        if ((i == K_RSA ? rsa_fixture(&key[i])
                        : jg_key_generate(&key[i], kalg[i], 0, kid,
                                          strlen(kid))) != JG_OK ||
            jg_key_to_jwk(&jwk_priv[i], key[i], 0) != JG_OK)
            return -1;
        if (i != K_OCT &&
            (jg_key_to_jwk(&jwk_pub[i], key[i], 1) != JG_OK ||
             jg_key_to_pem(&pem_priv[i], key[i], 0) != JG_OK ||
             jg_key_to_pem(&pem_pub[i], key[i], 1) != JG_OK))
            return -1;
    }
    /* A public JWKS of three keys (kids k1 k2 k3) plus one member of an
     * unknown kty, which is skipped. */
    if (jg_buf_append(&jwks_text, "{\"keys\":[", 9) != JG_OK)
        return -1;
    for (int i = K_RSA; i <= K_ED25519; i++)
        if (jg_buf_append(&jwks_text, jwk_pub[i].data, jwk_pub[i].len) !=
                JG_OK ||
            jg_buf_append(&jwks_text, ",", 1) != JG_OK)
            return -1;
    static const char tail[] = "{\"kty\":\"XYZ\",\"kid\":\"future\"}]}";
    if (jg_buf_append(&jwks_text, tail, sizeof tail - 1) != JG_OK)
        return -1;

    if (jg_signer_new(&hs_signer, key[K_OCT], JG_HS256) != JG_OK ||
        jg_signer_new(&es_signer, key[K_EC], JG_ES256) != JG_OK ||
        jg_keyset_from_key(&hs_set, key[K_OCT]) != JG_OK ||
        jg_denylist_new_memory(&dl) != JG_OK)
        return -1;
    /* es_set: two EC keys, the signing one second, so keys without a kid
     * match are tried in order. */
    {
        jg_key *other = NULL;
        jg_buf a = {0}, set = {0};
        if (jg_key_generate(&other, JG_ES256, 0, "other", 5) != JG_OK ||
            jg_key_to_jwk(&a, other, 1) != JG_OK ||
            jg_buf_append(&set, "{\"keys\":[", 9) != JG_OK ||
            jg_buf_append(&set, a.data, a.len) != JG_OK ||
            jg_buf_append(&set, ",", 1) != JG_OK ||
            jg_buf_append(&set, jwk_pub[K_EC].data, jwk_pub[K_EC].len) !=
                JG_OK ||
            jg_buf_append(&set, "]}", 2) != JG_OK ||
            jg_keyset_from_jwks(&es_set, (const char *)set.data, set.len,
                                NULL) != JG_OK)
            return -1;
        jg_key_free(other);
        jg_buf_free(&a);
        jg_buf_free(&set);
    }
    hs_v = make_verifier(hs_set, JG_HS256, 0);
    es_v = make_verifier(es_set, JG_ES256, 0);
    jwt_v = make_verifier(hs_set, JG_HS256, 1);

    /* Compact JWS: HS256 with kid; ES256 without kid (second key). */
    {
        static const char pl[] = "{\"hello\":\"torture\"}";
        jg_jws_opts opt;
        memset(&opt, 0, sizeof opt);
        opt.extra_json = "{\"x-c\":\"d\"}";
        if (jg_jws_sign(hs_signer, (const uint8_t *)pl, sizeof pl - 1, &opt,
                        &tok_hs) != JG_OK)
            return -1;
        opt.omit_kid = 1;
        if (jg_jws_sign(es_signer, (const uint8_t *)pl, sizeof pl - 1, &opt,
                        &tok_es) != JG_OK)
            return -1;
    }
    /* JSON: general with an HS256 signature the ES verifier cannot use,
     * then the ES256 one; flattened ES256 alone. */
    {
        static const char pl[] = "payload";
        const jg_signer *s2[2] = {hs_signer, es_signer};
        const jg_signer *s1[1] = {es_signer};
        if (jg_jws_sign_json(s2, 2, (const uint8_t *)pl, 7, 0,
                             &tok_json_general) != JG_OK ||
            jg_jws_sign_json(s1, 1, (const uint8_t *)pl, 7, 1,
                             &tok_json_flat) != JG_OK)
            return -1;
    }
    /* JWTs: good, expired, tampered, revoked, wrong audience, garbage. */
    sign_jwt_fixture(&jwt_ok, "fresh", T0, AUD);
    sign_jwt_fixture(&jwt_expired, NULL, T0 - 7200, AUD);
    sign_jwt_fixture(&jwt_badsig, NULL, T0, AUD);
    /* another base64url letter in the middle of the signature */
    jwt_badsig.data[jwt_badsig.len - 10] =
        jwt_badsig.data[jwt_badsig.len - 10] == 'A' ? 'B' : 'A';
    sign_jwt_fixture(&jwt_revoked, "gone", T0, AUD);
    if (jg_denylist_revoke(dl, ISS, strlen(ISS), "gone", 4, T0 + 3600) !=
        JG_OK)
        return -1;
    sign_jwt_fixture(&jwt_aud, NULL, T0, "someone-else");
    /* Big enough for the reader's scratch arrays, the sorted duplicate
     * check and heap chunks of the arena: 200 members and 30 levels. */
    {
        jg_buf cl = {0};
        jg_jwt_builder *b = NULL;
        char m[32];
        if (jg_buf_append(&cl, "{", 1) != JG_OK)
            return -1;
        for (int i = 0; i < 200; i++) {
            int k = snprintf(m, sizeof m, "\"m%03d\":%d,", i, i * 7);
            if (jg_buf_append(&cl, m, (size_t)k) != JG_OK)
                return -1;
        }
        if (jg_buf_append(&cl, "\"deep\":", 7) != JG_OK)
            return -1;
        for (int i = 0; i < 29; i++)
            if (jg_buf_append(&cl, "[", 1) != JG_OK)
                return -1;
        for (int i = 0; i < 29; i++)
            if (jg_buf_append(&cl, "]", 1) != JG_OK)
                return -1;
        if (jg_buf_append(&cl, "}", 1) != JG_OK ||
            jg_jwt_builder_new(&b) != JG_OK)
            return -1;
        jg_jwt_set_now(b, T0);
        if (jg_jwt_set_claims_json(b, (const char *)cl.data, cl.len) !=
                JG_OK ||
            jg_jwt_set_str(b, "iss", ISS, strlen(ISS)) != JG_OK ||
            jg_jwt_set_str(b, "sub", "alice", 5) != JG_OK ||
            jg_jwt_add_aud(b, AUD, strlen(AUD)) != JG_OK ||
            jg_jwt_sign(hs_signer, b, NULL, &jwt_big) != JG_OK)
            return -1;
        jg_jwt_builder_free(b);
        jg_buf_free(&cl);
    }
    /* A JWS whose 6000-byte payload needs arena heap chunks. */
    {
        uint8_t big[6000];
        jg_jws_opts opt;
        memset(&opt, 0, sizeof opt);
        opt.extra_json = "{\"x-c\":\"d\"}";
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (uint8_t)(i * 31u);
        if (jg_jws_sign(hs_signer, big, sizeof big, &opt, &tok_big) != JG_OK)
            return -1;
    }
    if (jg_buf_append(&jwt_malformed, "eyJhbGciOiJIUzI1NiJ9=.e30.AAAA", 30) !=
        JG_OK)
        return -1;
    if (!wrapped)
        print_message("torture: block counting not linked in (-Wl,--wrap); "
                      "leaks are left to LSan and valgrind\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jgi_set_alloc_fail(0);
    for (int i = 0; i < K_N; i++) {
        jg_key_free(key[i]);
        jg_buf_free(&jwk_priv[i]);
        jg_buf_free(&jwk_pub[i]);
        jg_buf_free(&pem_priv[i]);
        jg_buf_free(&pem_pub[i]);
    }
    jg_buf_free(&jwks_text);
    jg_verifier_free(hs_v);
    jg_verifier_free(es_v);
    jg_verifier_free(jwt_v);
    jg_signer_free(hs_signer);
    jg_signer_free(es_signer);
    jg_keyset_free(hs_set);
    jg_keyset_free(es_set);
    jg_denylist_free(dl);
    jg_buf *bufs[] = {&tok_hs, &tok_es, &tok_json_general, &tok_json_flat,
                      &jwt_ok, &jwt_expired, &jwt_badsig, &jwt_revoked,
                      &jwt_aud, &jwt_malformed, &jwt_big, &tok_big};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        jg_buf_free(bufs[i]);
    return 0;
}

/* ---- the tests ---- */
/* Importing an RSA private key runs OpenSSL's full key check (primality
 * of p and q): about two seconds a step under valgrind. Those walks run
 * natively and under ASan+LSan; valgrind does the rest. */
static int skip_rsa_private(int i, const char *what)
{
    if (i != K_RSA || !RUNNING_ON_VALGRIND)
        return 0;
    print_message("torture %s RSA private skipped under valgrind: OpenSSL's "
                  "RSA key check is too slow there (walked natively and "
                  "under ASan)\n",
                  what);
    return 1;
}

static void test_jwk_import(void **state)
{
    (void)state;
    for (int i = 0; i < K_N; i++) {
        char name[64];
        snprintf(name, sizeof name, "jwk import %s private", kname[i]);
        op o = {name, run_jwk_import, check_key, JG_OK, 0, i, &jwk_priv[i],
                NULL};
        if (!skip_rsa_private(i, "jwk import"))
            walk(&o);
        if (i == K_OCT)
            continue;
        snprintf(name, sizeof name, "jwk import %s public", kname[i]);
        o.in = &jwk_pub[i];
        walk(&o);
    }
}

static void test_jwks_import(void **state)
{
    (void)state;
    op o = {"jwks import (3 keys + 1 skipped)", run_jwks, check_jwks, JG_OK,
            0, 0, &jwks_text, NULL};
    walk(&o);
}

static void test_pem(void **state)
{
    (void)state;
    for (int i = K_RSA; i < K_N; i++) {
        char name[64];
        snprintf(name, sizeof name, "pem import %s private", kname[i]);
        op o = {name, run_pem_import, check_key, JG_OK, 0, i, &pem_priv[i],
                NULL};
        if (!skip_rsa_private(i, "pem import"))
            walk(&o);
        snprintf(name, sizeof name, "pem import %s public", kname[i]);
        o.in = &pem_pub[i];
        walk(&o);
        snprintf(name, sizeof name, "pem export %s private", kname[i]);
        o.run = run_pem_export;
        o.check = check_buf_equal;
        o.in = &pem_priv[i];
        walk(&o);
        snprintf(name, sizeof name, "pem export %s public", kname[i]);
        o.in = &pem_pub[i];
        walk(&o);
    }
}

static void test_to_jwk_thumbprint(void **state)
{
    (void)state;
    for (int i = 0; i < K_N; i++) {
        char name[64];
        snprintf(name, sizeof name, "to_jwk %s private", kname[i]);
        op o = {name, run_to_jwk, check_buf_equal, JG_OK, 0, i, &jwk_priv[i],
                NULL};
        walk(&o);
        if (i != K_OCT) {
            snprintf(name, sizeof name, "to_jwk %s public", kname[i]);
            o.in = &jwk_pub[i];
            walk(&o);
        }
        snprintf(name, sizeof name, "thumbprint %s", kname[i]);
        o.run = run_thumbprint;
        o.check = check_thumbprint;
        walk(&o);
    }
}

static void test_generate(void **state)
{
    (void)state;
    for (int i = 0; i < K_N; i++) {
        char name[64];
        if (i == K_RSA && (RUNNING_ON_VALGRIND || ossl_mode)) {
            print_message("torture generate RSA skipped: %s\n",
                          ossl_mode ? "one RSA key generation per step is "
                                      "too slow with OpenSSL's allocations"
                                    : "too slow under valgrind (covered by "
                                      "the native and ASan runs)");
            continue;
        }
        snprintf(name, sizeof name, "generate %s", kname[i]);
        op o = {name, run_generate, check_generated, JG_OK, 0, i, NULL, NULL};
        walk(&o);
    }
}

static void test_sign(void **state)
{
    (void)state;
    op o1 = {"jws_sign HS256 (typ, cty, extra)", run_jws_sign,
             check_jws_signed, JG_OK, 0, K_OCT, NULL, NULL};
    op o2 = {"jws_sign ES256 (typ, cty, extra)", run_jws_sign,
             check_jws_signed, JG_OK, 0, K_EC, NULL, NULL};
    op o3 = {"jws_sign_json general HS256+ES256", run_jws_sign_json,
             check_jws_json_signed, JG_OK, 0, 0, NULL, NULL};
    op o4 = {"jwt_sign with builder", run_jwt_sign, check_jwt_signed, JG_OK,
             0, 0, NULL, NULL};
    walk(&o1);
    walk(&o2);
    walk(&o3);
    walk(&o4);
}

static void test_jws_verify(void **state)
{
    (void)state;
    op o1 = {"jws_verify HS256 kid", run_jws_verify, check_jws_verified,
             JG_OK, 0, 0, &tok_hs, (const jg_verifier *const *)&hs_v};
    op o2 = {"jws_verify ES256 no kid, 2 keys", run_jws_verify,
             check_jws_verified, JG_OK, 0, 0, &tok_es,
             (const jg_verifier *const *)&es_v};
    op o3 = {"jws_verify_json general", run_jws_verify_json,
             check_jws_json_verified, JG_OK, 0, 0, &tok_json_general,
             (const jg_verifier *const *)&es_v};
    op o4 = {"jws_verify_json flattened", run_jws_verify_json,
             check_jws_json_verified, JG_OK, 0, 0, &tok_json_flat,
             (const jg_verifier *const *)&es_v};
    walk(&o1);
    o1.name = "jws_verify HS256 6000-byte payload";
    o1.in = &tok_big;
    walk(&o1);
    walk(&o2);
    /* In the general form, a failure while trying the first signature
     * (HS256, which this verifier cannot use) may be absorbed when the
     * second verifies. */
    o3.absorbs = 1;
    walk(&o3);
    walk(&o4);
}

static void test_jwt_verify(void **state)
{
    (void)state;
    const jg_verifier *const *v = (const jg_verifier *const *)&jwt_v;
    op ops[] = {
        {"jwt_verify ok", run_jwt_verify, check_jwt_verified, JG_OK, 0, 0,
         &jwt_ok, v},
        {"jwt_verify big claims", run_jwt_verify, check_jwt_verified, JG_OK,
         0, 0, &jwt_big, v},
        {"jwt_verify expired", run_jwt_verify, check_jwt_verified,
         JG_E_CLAIM_EXPIRED, 0, 0, &jwt_expired, v},
        {"jwt_verify bad signature", run_jwt_verify, check_jwt_verified,
         JG_E_BAD_SIGNATURE, 0, 0, &jwt_badsig, v},
        {"jwt_verify revoked", run_jwt_verify, check_jwt_verified,
         JG_E_CLAIM_REVOKED, 0, 0, &jwt_revoked, v},
        {"jwt_verify wrong aud", run_jwt_verify, check_jwt_verified,
         JG_E_CLAIM_AUD, 0, 0, &jwt_aud, v},
        {"jwt_verify malformed", run_jwt_verify, check_jwt_verified,
         JG_E_MALFORMED, 0, 0, &jwt_malformed, v},
    };
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        walk(&ops[i]);
}

static void test_policy_verifier(void **state)
{
    (void)state;
    op o = {"policy + keyset + verifier_new", run_policy, check_policy, JG_OK,
            0, 0, NULL, NULL};
    walk(&o);
}

static void test_denylist(void **state)
{
    (void)state;
    /* A failed table grow is absorbed by design (longer chains). */
    op o = {"denylist new + 300 revokes", run_denylist, check_denylist,
            JG_OK, 1, 0, NULL, NULL};
    walk(&o);
}

/* A fresh thread per step: the per-thread context cache of lib/ossl is
 * then created (and may fail) inside the walk; a failed cache falls back
 * to one-call contexts, so that failure is absorbed. */
typedef struct thr_arg {
    const op *o;
    outs *r;
    jg_err rc;
} thr_arg;

static void *thr_main(void *p)
{
    thr_arg *a = p;
    a->rc = a->o->run(a->o, a->r);
    return NULL;
}

static const op *thr_inner;
static jg_err run_in_thread(const op *o, outs *r)
{
    thr_arg a = {thr_inner, r, JG_E__COUNT};
    pthread_t t;
    (void)o;
    if (pthread_create(&t, NULL, thr_main, &a) != 0 ||
        pthread_join(t, NULL) != 0)
        fail_msg("pthread");
    return a.rc;
}

static void check_in_thread(const op *o, outs *r, jg_err rc, size_t n)
{
    (void)o;
    thr_inner->check(thr_inner, r, rc, n);
}

static void test_fresh_thread(void **state)
{
    (void)state;
    op inner1 = {"jws_verify HS256 kid", run_jws_verify, check_jws_verified,
                 JG_OK, 0, 0, &tok_hs, (const jg_verifier *const *)&hs_v};
    op inner2 = {"jws_sign ES256", run_jws_sign, check_jws_signed, JG_OK, 0,
                 K_EC, NULL, NULL};
    op o1 = {"fresh thread: jws_verify HS256", run_in_thread, check_in_thread,
             JG_OK, 1, 0, NULL, NULL};
    op o2 = {"fresh thread: jws_sign ES256", run_in_thread, check_in_thread,
             JG_OK, 1, 0, NULL, NULL};
    thr_inner = &inner1;
    walk(&o1);
    thr_inner = &inner2;
    walk(&o2);
}

int main(void)
{
    const char *e = getenv("JG_TORTURE_OSSL");
    ossl_mode = e && strcmp(e, "1") == 0;
    if (ossl_mode) {
        /* Must come before OpenSSL's first allocation. */
        if (!CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free)) {
            fprintf(stderr, "torture: CRYPTO_set_mem_functions refused "
                            "(OpenSSL allocated already)\n");
            return 1;
        }
        print_message("torture: OpenSSL allocations fail too "
                      "(JG_TORTURE_OSSL=1)\n");
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jwk_import),
        cmocka_unit_test(test_jwks_import),
        cmocka_unit_test(test_pem),
        cmocka_unit_test(test_to_jwk_thumbprint),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_sign),
        cmocka_unit_test(test_jws_verify),
        cmocka_unit_test(test_jwt_verify),
        cmocka_unit_test(test_policy_verifier),
        cmocka_unit_test(test_denylist),
        cmocka_unit_test(test_fresh_thread),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
