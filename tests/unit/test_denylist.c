/* tests/unit/test_denylist.c - the revocation interface.
 *
 * The in-memory set: hits and misses, (iss, jti) pairs kept apart from
 * their concatenations, the expiry boundary, re-revocation, the purge that
 * keeps the set bounded, a large table, readers racing a writer, every
 * allocation made to fail in turn; then the custom-store wrapper and the
 * misuse aborts.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jwtguard/jwtguard.h>
#include "internal.h"

#define ISS "https://issuer.example"
#define S(x) (x), strlen(x)

static jg_denylist *mk(void)
{
    jg_denylist *dl = NULL;
    assert_int_equal(jg_denylist_new_memory(&dl), JG_OK);
    assert_non_null(dl);
    assert_int_equal(jg_denylist_size(dl), 0);
    return dl;
}

static void jti_of(char *buf, size_t cap, const char *prefix, size_t i)
{
    int n = snprintf(buf, cap, "%s-%zu", prefix, i);
    assert_true(n > 0 && (size_t)n < cap);
}

static int rev(jg_denylist *dl, const char *iss, const char *jti, int64_t now)
{
    return jg_denylist_is_revoked(dl, S(iss), S(jti), now);
}

static void test_revoke_lookup(void **state)
{
    (void)state;
    jg_denylist *dl = mk();

    assert_int_equal(rev(dl, ISS, "abc", 100), 0);
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("abc"), 1000), JG_OK);
    assert_int_equal(jg_denylist_size(dl), 1);
    assert_int_equal(rev(dl, ISS, "abc", 100), 1);
    /* Neither another jti nor another issuer's same jti. */
    assert_int_equal(rev(dl, ISS, "abd", 100), 0);
    assert_int_equal(rev(dl, ISS, "ab", 100), 0);
    assert_int_equal(rev(dl, ISS, "abcd", 100), 0);
    assert_int_equal(rev(dl, "https://other.example", "abc", 100), 0);
    assert_int_equal(rev(dl, "", "abc", 100), 0);
    /* Bytes, not C strings: an embedded NUL counts. */
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), "x\0y", 3, 1000), JG_OK);
    assert_int_equal(jg_denylist_is_revoked(dl, S(ISS), "x\0y", 3, 100), 1);
    assert_int_equal(jg_denylist_is_revoked(dl, S(ISS), "x\0z", 3, 100), 0);
    assert_int_equal(jg_denylist_is_revoked(dl, S(ISS), "x", 1, 100), 0);
    /* A token without iss: NULL with length 0 is the empty issuer. */
    assert_int_equal(jg_denylist_revoke(dl, NULL, 0, S("solo"), 1000), JG_OK);
    assert_int_equal(jg_denylist_is_revoked(dl, NULL, 0, S("solo"), 100), 1);
    assert_int_equal(rev(dl, "", "solo", 100), 1);
    assert_int_equal(rev(dl, ISS, "solo", 100), 0);
    assert_int_equal(jg_denylist_size(dl), 3);
    jg_denylist_free(dl);
    jg_denylist_free(NULL);
}

static void test_pairs_not_concatenations(void **state)
{
    (void)state;
    jg_denylist *dl = mk();

    assert_int_equal(jg_denylist_revoke(dl, S("a"), S("bc"), 1000), JG_OK);
    assert_int_equal(rev(dl, "a", "bc", 0), 1);
    assert_int_equal(rev(dl, "ab", "c", 0), 0);
    assert_int_equal(rev(dl, "abc", "", 0), 0);
    assert_int_equal(rev(dl, "", "abc", 0), 0);
    /* Each of the other splits is its own entry. */
    assert_int_equal(jg_denylist_revoke(dl, S("ab"), S("c"), 2000), JG_OK);
    assert_int_equal(jg_denylist_revoke(dl, S(""), S("abc"), 3000), JG_OK);
    assert_int_equal(jg_denylist_revoke(dl, S("abc"), S(""), 4000), JG_OK);
    assert_int_equal(jg_denylist_size(dl), 4);
    assert_int_equal(rev(dl, "a", "bc", 1500), 0);
    assert_int_equal(rev(dl, "ab", "c", 1500), 1);
    assert_int_equal(rev(dl, "ab", "c", 2500), 0);
    assert_int_equal(rev(dl, "", "abc", 2500), 1);
    assert_int_equal(rev(dl, "", "abc", 3500), 0);
    assert_int_equal(rev(dl, "abc", "", 3500), 1);
    jg_denylist_free(dl);
}

static void test_expiry_boundary(void **state)
{
    (void)state;
    jg_denylist *dl = mk();

    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("t"), 1000), JG_OK);
    assert_int_equal(rev(dl, ISS, "t", INT64_MIN), 1);
    assert_int_equal(rev(dl, ISS, "t", 998), 1);
    assert_int_equal(rev(dl, ISS, "t", 999), 1);   /* until - 1 */
    assert_int_equal(rev(dl, ISS, "t", 1000), 0);  /* now == until */
    assert_int_equal(rev(dl, ISS, "t", 1001), 0);
    /* Asking later does not change an earlier answer while it is held. */
    assert_int_equal(rev(dl, ISS, "t", 999), 1);

    /* The ends of the range. */
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("min"), INT64_MIN),
                     JG_OK);
    assert_int_equal(rev(dl, ISS, "min", INT64_MIN), 0);
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("max"), INT64_MAX),
                     JG_OK);
    assert_int_equal(rev(dl, ISS, "max", INT64_MAX - 1), 1);
    assert_int_equal(rev(dl, ISS, "max", INT64_MAX), 0);
    jg_denylist_free(dl);
}

static void test_rerevoke_extends(void **state)
{
    (void)state;
    jg_denylist *dl = mk();

    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("j"), 100), JG_OK);
    /* A shorter revocation never shortens the one held. */
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("j"), 50), JG_OK);
    assert_int_equal(jg_denylist_size(dl), 1);
    assert_int_equal(rev(dl, ISS, "j", 99), 1);
    assert_int_equal(rev(dl, ISS, "j", 100), 0);
    /* A longer one extends it. */
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("j"), 200), JG_OK);
    assert_int_equal(jg_denylist_size(dl), 1);
    assert_int_equal(rev(dl, ISS, "j", 150), 1);
    assert_int_equal(rev(dl, ISS, "j", 199), 1);
    assert_int_equal(rev(dl, ISS, "j", 200), 0);
    /* After it lapsed (and may have been purged), revoking again works. */
    assert_int_equal(rev(dl, ISS, "j", 500), 0);
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), S("j"), 600), JG_OK);
    assert_int_equal(rev(dl, ISS, "j", 500), 1);
    assert_int_equal(rev(dl, ISS, "j", 600), 0);
    jg_denylist_free(dl);
}

static void test_limits(void **state)
{
    (void)state;
    jg_denylist *dl = mk();
    char *big = malloc(1026);
    assert_non_null(big);
    memset(big, 'x', 1026);

    /* 1024 bytes each is the most that is stored. */
    assert_int_equal(jg_denylist_revoke(dl, big, 1024, big, 1024, 100),
                     JG_OK);
    assert_int_equal(jg_denylist_is_revoked(dl, big, 1024, big, 1024, 0), 1);
    assert_int_equal(jg_denylist_revoke(dl, big, 1025, S("j"), 100),
                     JG_E_LIMIT);
    assert_int_equal(jg_denylist_revoke(dl, S(ISS), big, 1025, 100),
                     JG_E_LIMIT);
    assert_int_equal(jg_denylist_size(dl), 1);
    /* An over-long id can never have been stored: not revoked. */
    assert_int_equal(jg_denylist_is_revoked(dl, S(ISS), big, 1025, 0), 0);
    assert_int_equal(jg_denylist_is_revoked(dl, big, 1025, S("j"), 0), 0);
    assert_int_equal(jg_denylist_is_revoked(dl, big, 1026, big, 1024, 0), 0);
    free(big);
    jg_denylist_free(dl);
}

/* 100k entries that expire, the clock moves on, 100k more: the first
 * batch is purged and nothing live is lost. */
static void test_purge_bounded(void **state)
{
    (void)state;
    jg_denylist *dl = mk();
    char jti[32];
    const size_t n = 100000;

    for (size_t i = 0; i < n; i++) {
        jti_of(jti, sizeof jti, "a", i);
        assert_int_equal(
            jg_denylist_revoke(dl, S(ISS), S(jti), 1000 + (int64_t)(i % 10)),
            JG_OK);
    }
    /* Nobody has asked with a clock past 1000: nothing may go yet. */
    assert_int_equal(jg_denylist_size(dl), n);
    assert_int_equal(rev(dl, ISS, "a-9", 1000), 1);
    assert_int_equal(rev(dl, ISS, "a-0", 1000), 0);
    assert_int_equal(rev(dl, ISS, "a-0", 2000), 0); /* the clock moves */

    for (size_t i = 0; i < n; i++) {
        jti_of(jti, sizeof jti, "b", i);
        assert_int_equal(jg_denylist_revoke(dl, S(ISS), S(jti), 5000), JG_OK);
    }
    size_t size = jg_denylist_size(dl);
    print_message("  size after the second batch: %zu (live %zu)\n", size, n);
    assert_true(size >= n);
    assert_true(size <= n + n / 2);
    for (size_t i = 0; i < n; i++) {
        jti_of(jti, sizeof jti, "b", i);
        assert_int_equal(rev(dl, ISS, jti, 2001), 1);
        jti_of(jti, sizeof jti, "a", i);
        assert_int_equal(rev(dl, ISS, jti, 2001), 0);
    }
    jg_denylist_free(dl);
}

/* A sliding window: each second 1000 revocations living 5 seconds. The
 * set must stay within a small multiple of what is live. */
static void test_purge_sliding(void **state)
{
    (void)state;
    jg_denylist *dl = mk();
    char jti[32];
    const size_t per_sec = 1000, secs = 300;
    const int64_t life = 5, t0 = 1700000000;
    size_t max_size = 0, k = 0;

    for (size_t s = 0; s < secs; s++) {
        int64_t now = t0 + (int64_t)s;
        for (size_t i = 0; i < per_sec; i++, k++) {
            jti_of(jti, sizeof jti, "w", k);
            assert_int_equal(
                jg_denylist_revoke(dl, S(ISS), S(jti), now + life), JG_OK);
            size_t size = jg_denylist_size(dl);
            if (size > max_size)
                max_size = size;
        }
        /* The newest is revoked, one from `life` seconds ago is not. */
        assert_int_equal(rev(dl, ISS, jti, now), 1);
        if (s >= (size_t)life) {
            jti_of(jti, sizeof jti, "w", k - (size_t)life * per_sec - 1);
            assert_int_equal(rev(dl, ISS, jti, now), 0);
        }
    }
    print_message("  largest size %zu for %zu live\n", max_size,
                  per_sec * (size_t)(life + 1));
    assert_true(max_size <= 4 * per_sec * (size_t)(life + 1));
    jg_denylist_free(dl);
}

static void test_many(void **state)
{
    (void)state;
    jg_denylist *dl = mk();
    char jti[32];
    const size_t n = 200000, lookups = 1000000;
    size_t hits = 0, want = 0;

    for (size_t i = 0; i < n; i++) {
        jti_of(jti, sizeof jti, "m", i);
        assert_int_equal(jg_denylist_revoke(dl, S(ISS), S(jti), INT64_MAX),
                         JG_OK);
    }
    assert_int_equal(jg_denylist_size(dl), n);
    /* About half of the lookups hit, the rest miss. */
    for (size_t i = 0; i < lookups; i++) {
        size_t k = (i * 7919) % (2 * n);
        jti_of(jti, sizeof jti, "m", k);
        hits += (size_t)rev(dl, ISS, jti, 1700000000);
        want += k < n;
    }
    assert_true(want > lookups / 4 && want < lookups - lookups / 4);
    assert_int_equal(hits, want);
    jg_denylist_free(dl);
}

/* ---- readers racing a writer ---- */
#define STABLE 1000
#define READ_ITERS 100000
#define WRITES 60000

typedef struct race {
    jg_denylist *dl;
    int id;
    size_t errors;
} race;

static void *reader(void *arg)
{
    race *r = arg;
    char jti[32];
    for (size_t i = 0; i < READ_ITERS; i++) {
        /* The readers move the clock, so the writer's purges run. */
        int64_t now = 1000 + (int64_t)(i / 1000);
        size_t k = (i * 31 + (size_t)r->id) % STABLE;
        jti_of(jti, sizeof jti, "stable", k);
        if (rev(r->dl, ISS, jti, now) != 1)
            r->errors++;
        jti_of(jti, sizeof jti, "never", k);
        if (rev(r->dl, ISS, jti, now) != 0)
            r->errors++;
        if (i % 4096 == 0 && jg_denylist_size(r->dl) < STABLE)
            r->errors++;
    }
    return NULL;
}

static void *writer(void *arg)
{
    race *r = arg;
    char jti[32];
    for (size_t i = 0; i < WRITES; i++) {
        jti_of(jti, sizeof jti, "w", i);
        /* Most entries expire soon; every tenth lives on. */
        int64_t until = i % 10 == 0 ? INT64_MAX : 1000 + (int64_t)(i % 90);
        if (jg_denylist_revoke(r->dl, S(ISS), S(jti), until) != JG_OK)
            r->errors++;
        if (i % 100 == 0) {
            /* A shorter re-revocation must not let a stable one lapse. */
            jti_of(jti, sizeof jti, "stable", i % STABLE);
            if (jg_denylist_revoke(r->dl, S(ISS), S(jti), 0) != JG_OK)
                r->errors++;
        }
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    (void)state;
    jg_denylist *dl = mk();
    char jti[32];
    race r[4];
    pthread_t th[4];

    for (size_t i = 0; i < STABLE; i++) {
        jti_of(jti, sizeof jti, "stable", i);
        assert_int_equal(jg_denylist_revoke(dl, S(ISS), S(jti), INT64_MAX),
                         JG_OK);
    }
    for (int i = 0; i < 4; i++) {
        r[i].dl = dl;
        r[i].id = i;
        r[i].errors = 0;
        assert_int_equal(
            pthread_create(&th[i], NULL, i == 0 ? writer : reader, &r[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r[i].errors, 0);
    for (size_t i = 0; i < WRITES; i += 10) {
        jti_of(jti, sizeof jti, "w", i);
        assert_int_equal(rev(dl, ISS, jti, 2000), 1);
    }
    for (size_t i = 0; i < STABLE; i++) {
        jti_of(jti, sizeof jti, "stable", i);
        assert_int_equal(rev(dl, ISS, jti, 2000), 1);
    }
    jg_denylist_free(dl);
}

/* ---- every allocation made to fail in turn ---- */
/* Ops 0..299 revoke ids 0..299 until 100 + op; at op 150 the clock jumps
 * so ids 0..100 lapse and a later insert purges them; ops 300..399 revoke
 * ids 0..99 again (purged ones are stored anew). */
#define AF_IDS 300
#define AF_OPS 400
#define AF_CLOCK_AT 150 /* op index where the clock jumps to AF_NOW2 */
#define AF_NOW1 50
#define AF_NOW2 200

static void af_check(jg_denylist *dl, const int *stored, const int64_t *until,
                     size_t j, int64_t now)
{
    char jti[32];
    jti_of(jti, sizeof jti, "af", j);
    int want = stored[j] && now < until[j];
    assert_int_equal(rev(dl, ISS, jti, now), want);
}

static void test_alloc_fail(void **state)
{
    (void)state;
    size_t nomem_seen = 0, runs = 0;

    for (size_t n = 1;; n++) {
        int stored[AF_IDS] = {0};
        int64_t until[AF_IDS] = {0};
        int64_t now = AF_NOW1;
        char jti[32];
        jg_denylist *dl = NULL;

        jgi_set_alloc_fail(n);
        jg_err rc = jg_denylist_new_memory(&dl);
        if (rc != JG_OK) {
            assert_int_equal(rc, JG_E_NOMEM);
            assert_null(dl);
            jgi_set_alloc_fail(0);
            nomem_seen++;
            continue;
        }
        for (size_t i = 0; i < AF_OPS; i++) {
            size_t j = i < AF_IDS ? i : i - AF_IDS;
            int64_t u = 100 + (int64_t)i;
            if (i == AF_CLOCK_AT) {
                /* Move the clock: entries up to AF_NOW2 may be purged. */
                now = AF_NOW2;
                af_check(dl, stored, until, 0, now);
            }
            jti_of(jti, sizeof jti, "af", j);
            rc = jg_denylist_revoke(dl, S(ISS), S(jti), u);
            if (rc == JG_OK) {
                if (!stored[j] || u > until[j])
                    until[j] = u;
                stored[j] = 1;
            } else {
                assert_int_equal(rc, JG_E_NOMEM);
                nomem_seen++;
            }
            af_check(dl, stored, until, j, now);
            if (i % 25 == 24 || i == AF_OPS - 1) {
                size_t held = 0, live = 0;
                for (size_t t = 0; t < AF_IDS; t++) {
                    af_check(dl, stored, until, t, now);
                    held += (size_t)stored[t];
                    live += (size_t)(stored[t] && now < until[t]);
                }
                size_t size = jg_denylist_size(dl);
                assert_true(size >= live && size <= held);
            }
        }
        size_t made = jgi_set_alloc_fail(0);
        size_t final_size = jg_denylist_size(dl);
        jg_denylist_free(dl);
        runs++;
        if (made < n) {
            /* The n-th allocation was never reached: done. */
            print_message("  %zu runs, %zu injected failures reported, "
                          "%zu allocations, final size %zu\n",
                          runs, nomem_seen, made, final_size);
            break;
        }
    }
    assert_true(runs > AF_IDS);
    assert_true(nomem_seen > AF_IDS);
}

/* ---- a caller-supplied store ---- */
typedef struct fake {
    int answer;
    jg_err revoke_rc;
    int is_calls, revoke_calls, freed;
    char iss[16], jti[16];
    size_t iss_len, jti_len;
    int64_t t;
} fake;

static void fake_args(fake *f, const char *iss, size_t iss_len,
                      const char *jti, size_t jti_len, int64_t t)
{
    f->iss_len = iss_len;
    f->jti_len = jti_len;
    if (iss_len)
        memcpy(f->iss, iss, iss_len < sizeof f->iss ? iss_len : sizeof f->iss);
    if (jti_len)
        memcpy(f->jti, jti, jti_len < sizeof f->jti ? jti_len : sizeof f->jti);
    f->t = t;
}

static int fake_is_revoked(void *ctx, const char *iss, size_t iss_len,
                           const char *jti, size_t jti_len, int64_t now)
{
    fake *f = ctx;
    f->is_calls++;
    fake_args(f, iss, iss_len, jti, jti_len, now);
    return f->answer;
}

static jg_err fake_revoke(void *ctx, const char *iss, size_t iss_len,
                          const char *jti, size_t jti_len, int64_t until)
{
    fake *f = ctx;
    f->revoke_calls++;
    fake_args(f, iss, iss_len, jti, jti_len, until);
    return f->revoke_rc;
}

static void fake_free(void *ctx)
{
    ((fake *)ctx)->freed++;
}

static void test_custom(void **state)
{
    (void)state;
    fake f;
    memset(&f, 0, sizeof f);
    jg_denylist_ops ops = {fake_is_revoked, fake_revoke, fake_free};
    jg_denylist *dl = NULL;

    assert_int_equal(jg_denylist_new_custom(&dl, &ops, &f), JG_OK);
    assert_non_null(dl);
    /* The ops were copied: changing ours afterwards changes nothing. */
    ops.is_revoked = NULL;

    f.answer = 1;
    assert_int_equal(jg_denylist_is_revoked(dl, S("iss"), S("jti"), 77), 1);
    assert_int_equal(f.is_calls, 1);
    assert_int_equal(f.iss_len, 3);
    assert_memory_equal(f.iss, "iss", 3);
    assert_int_equal(f.jti_len, 3);
    assert_memory_equal(f.jti, "jti", 3);
    assert_int_equal(f.t, 77);
    f.answer = 0;
    assert_int_equal(jg_denylist_is_revoked(dl, S("iss"), S("jti"), 77), 0);
    f.answer = -1; /* cannot tell: passed through */
    assert_int_equal(jg_denylist_is_revoked(dl, S("iss"), S("jti"), 77), -1);
    /* Anything else is not a clear answer either: fail closed. */
    f.answer = 7;
    assert_int_equal(jg_denylist_is_revoked(dl, S("iss"), S("jti"), 77), -1);
    f.answer = -42;
    assert_int_equal(jg_denylist_is_revoked(dl, S("iss"), S("jti"), 77), -1);
    assert_int_equal(f.is_calls, 5);

    f.revoke_rc = JG_OK;
    assert_int_equal(jg_denylist_revoke(dl, S("I"), S("J2"), 4242), JG_OK);
    assert_int_equal(f.revoke_calls, 1);
    assert_int_equal(f.iss_len, 1);
    assert_memory_equal(f.iss, "I", 1);
    assert_int_equal(f.jti_len, 2);
    assert_memory_equal(f.jti, "J2", 2);
    assert_int_equal(f.t, 4242);
    f.revoke_rc = JG_E_IO;
    assert_int_equal(jg_denylist_revoke(dl, S("I"), S("J2"), 1), JG_E_IO);
    /* Length caps are the memory store's; a custom store sees all. */
    f.revoke_rc = JG_OK;
    char big[2000];
    memset(big, 'y', sizeof big);
    assert_int_equal(jg_denylist_revoke(dl, S("I"), big, sizeof big, 1),
                     JG_OK);
    assert_int_equal(f.jti_len, sizeof big);
    assert_int_equal(jg_denylist_size(dl), 0);

    assert_int_equal(f.freed, 0);
    jg_denylist_free(dl);
    assert_int_equal(f.freed, 1); /* the denylist owned ctx */

    /* Without free_ctx, ctx stays borrowed. */
    memset(&f, 0, sizeof f);
    jg_denylist_ops nofree = {fake_is_revoked, fake_revoke, NULL};
    assert_int_equal(jg_denylist_new_custom(&dl, &nofree, &f), JG_OK);
    f.answer = 1;
    assert_int_equal(jg_denylist_is_revoked(dl, NULL, 0, S("x"), 1), 1);
    assert_int_equal(f.iss_len, 0);
    jg_denylist_free(dl);
    assert_int_equal(f.freed, 0);
}

static void test_custom_invalid(void **state)
{
    (void)state;
    fake f;
    memset(&f, 0, sizeof f);
    jg_denylist *dl = (jg_denylist *)&f; /* must be overwritten with NULL */
    jg_denylist_ops no_is = {NULL, fake_revoke, fake_free};
    jg_denylist_ops no_rev = {fake_is_revoked, NULL, fake_free};
    jg_denylist_ops ok = {fake_is_revoked, fake_revoke, fake_free};

    assert_int_equal(jg_denylist_new_custom(&dl, &no_is, &f),
                     JG_E_INVALID_ARG);
    assert_null(dl);
    dl = (jg_denylist *)&f;
    assert_int_equal(jg_denylist_new_custom(&dl, &no_rev, &f),
                     JG_E_INVALID_ARG);
    assert_null(dl);
    dl = (jg_denylist *)&f;
    assert_int_equal(jg_denylist_new_custom(&dl, NULL, &f), JG_E_INVALID_ARG);
    assert_null(dl);
    /* Out of memory: no denylist, and ctx is still the caller's. */
    dl = (jg_denylist *)&f;
    jgi_set_alloc_fail(1);
    assert_int_equal(jg_denylist_new_custom(&dl, &ok, &f), JG_E_NOMEM);
    jgi_set_alloc_fail(0);
    assert_null(dl);
    assert_int_equal(f.freed, 0);
    assert_int_equal(f.is_calls + f.revoke_calls, 0);
}

/* ---- programmer misuse aborts ---- */
static void expect_abort(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2); /* the misuse message is expected */
        fn();
        _exit(0);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    assert_int_equal(WTERMSIG(st), SIGABRT);
}

static void misuse_is_revoked(void)
{
    (void)jg_denylist_is_revoked(NULL, S(ISS), S("j"), 0);
}

static void misuse_revoke(void)
{
    jg_err rc = jg_denylist_revoke(NULL, S(ISS), S("j"), 0);
    (void)rc;
}

static void misuse_null_jti(void)
{
    jg_denylist *dl = NULL;
    if (jg_denylist_new_memory(&dl) != JG_OK)
        _exit(0);
    (void)jg_denylist_is_revoked(dl, S(ISS), NULL, 3, 0);
}

static void misuse_new_null_out(void)
{
    jg_err rc = jg_denylist_new_memory(NULL);
    (void)rc;
}

static void test_misuse(void **state)
{
    (void)state;
    expect_abort(misuse_is_revoked);
    expect_abort(misuse_revoke);
    expect_abort(misuse_null_jti);
    expect_abort(misuse_new_null_out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_revoke_lookup),
        cmocka_unit_test(test_pairs_not_concatenations),
        cmocka_unit_test(test_expiry_boundary),
        cmocka_unit_test(test_rerevoke_extends),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_purge_bounded),
        cmocka_unit_test(test_purge_sliding),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_alloc_fail),
        cmocka_unit_test(test_custom),
        cmocka_unit_test(test_custom_invalid),
        cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
