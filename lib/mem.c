/* lib/mem.c - allocation wrappers, the bump arena, jg_buf.
 *
 * Every allocation in the library goes through jgi_malloc & co., so a test
 * build can make the n-th one fail (jgi_set_alloc_fail) and walk n from 1
 * to the total, as SQLite and curl do. The counter is process-wide and not
 * meant for threaded use; it costs one branch when unused.
 */
#include "internal.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Relaxed atomics: the counter is meaningful only in single-threaded
 * torture runs, but threads allocating concurrently must not race on it. */
static atomic_size_t alloc_count;   /* allocations since the last set */
static atomic_size_t alloc_fail_at; /* 0 = never fail */

size_t jgi_set_alloc_fail(size_t n)
{
    size_t made = atomic_exchange_explicit(&alloc_count, 0,
                                           memory_order_relaxed);
    atomic_store_explicit(&alloc_fail_at, n, memory_order_relaxed);
    return made;
}

static int should_fail(void)
{
    size_t n = atomic_fetch_add_explicit(&alloc_count, 1,
                                         memory_order_relaxed) + 1;
    size_t at = atomic_load_explicit(&alloc_fail_at, memory_order_relaxed);
    return at != 0 && n == at;
}

void *jgi_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *jgi_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *jgi_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void jgi_free(void *p)
{
    free(p);
}

_Noreturn void jgi_misuse(const char *what)
{
    fprintf(stderr, "jwtguard: API misuse: %s\n", what);
    abort();
}

char *jgi_strndup(const char *s, size_t n)
{
    char *d = jgi_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---- arena ---- */
struct jgi_chunk {
    jgi_chunk *next;
    size_t cap, used;
    _Alignas(16) uint8_t data[];
};

#define ALIGN16(n) (((n) + 15u) & ~(size_t)15u)

void jgi_arena_init(jgi_arena *a, void *buf, size_t cap)
{
    size_t skew = buf ? (size_t)(-(uintptr_t)buf & 15u) : 0;
    if (skew > cap)
        skew = cap;
    a->buf = buf ? (uint8_t *)buf + skew : NULL;
    a->cap = buf ? cap - skew : 0;
    a->used = 0;
    a->chunks = NULL;
}

void *jgi_arena_alloc(jgi_arena *a, size_t n)
{
    n = ALIGN16(n ? n : 1);
    if (a->buf && a->cap - a->used >= n) {
        void *p = a->buf + a->used;
        a->used += n;
        return p;
    }
    jgi_chunk *c = a->chunks;
    if (c && c->cap - c->used >= n) {
        void *p = c->data + c->used;
        c->used += n;
        return p;
    }
    size_t cap = n > 4096 ? n : 4096;
    if (c && c->cap * 2 > cap && c->cap < (1u << 20))
        cap = c->cap * 2;
    c = jgi_malloc(sizeof *c + cap);
    if (!c)
        return NULL;
    c->cap = cap;
    c->used = n;
    c->next = a->chunks;
    a->chunks = c;
    return c->data;
}

void jgi_arena_release(jgi_arena *a)
{
    jgi_chunk *c = a->chunks;
    while (c) {
        jgi_chunk *next = c->next;
        jgi_free(c);
        c = next;
    }
    a->chunks = NULL;
    a->used = 0;
}

/* ---- key parts (filled by the crypto seam, read by jwk.c) ---- */
void jgi_parts_free(jgi_parts *pt)
{
    jgi_bytes *all[] = {&pt->n, &pt->e, &pt->d, &pt->p,  &pt->q,
                        &pt->dp, &pt->dq, &pt->qi, &pt->x, &pt->y};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (all[i]->p) {
            jg_wipe(all[i]->p, all[i]->n);
            jgi_free(all[i]->p);
        }
        all[i]->p = NULL;
        all[i]->n = 0;
    }
}

/* ---- jg_buf ---- */
void jg_buf_free(jg_buf *b)
{
    if (!b)
        return;
    if (b->data) {
        jg_wipe(b->data, b->cap);
        jgi_free(b->data);
    }
    b->data = NULL;
    b->len = b->cap = 0;
}

jg_err jg_buf_append(jg_buf *b, const void *p, size_t n)
{
    JGI_REQUIRE(b != NULL);
    if (n > SIZE_MAX / 2 - b->len)
        return JG_E_LIMIT;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        /* Grow by copy, not realloc, so the old bytes can be wiped: the
         * buffer may hold secrets (a JWK with "d"). */
        uint8_t *nd = jgi_malloc(cap);
        if (!nd)
            return JG_E_NOMEM;
        if (b->data) {
            memcpy(nd, b->data, b->len);
            jg_wipe(b->data, b->cap);
            jgi_free(b->data);
        }
        b->data = nd;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return JG_OK;
}
