/* lib/denylist.c - revocation: the in-memory (iss, jti) set and the
 * wrapper around caller-supplied stores.
 *
 * A chained hash table keyed by SipHash-1-3 with a random key per table,
 * so nobody can pick jti values that pile into one bucket. Each entry
 * carries an expiry; expired entries are purged as the table fills, so it
 * stays bounded by the live entries. One rwlock: lookups run side by side,
 * revocations take turns. It never reads a clock (RFC 7519 §4.1.7, jti).
 */
#define _GNU_SOURCE /* pthread_rwlock_t under -std=c11; writer preference */
#include "internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Longest iss and longest jti we store. A real jti is 16..64 bytes; a
 * longer one is refused on revoke, and so can never be found. */
#define DL_MAX_ID_LEN 1024u
/* First bucket count (a power of two) and the largest one we grow to. */
#define DL_MIN_BUCKETS 64u
#define DL_MAX_BUCKETS ((size_t)1 << 30)
/* Purge at the latest after this many inserts (plus half the table). */
#define DL_PURGE_EVERY 64u

typedef struct dl_node {
    struct dl_node *next;
    uint64_t hash;
    int64_t until;    /* revoked while now < until */
    uint32_t iss_len; /* key = iss bytes then jti bytes */
    uint32_t jti_len;
    uint8_t key[];
} dl_node;

typedef struct dl_mem {
    pthread_rwlock_t lock;
    dl_node **buckets;  /* nbuckets heads, nbuckets a power of two */
    size_t nbuckets;
    size_t count;       /* entries held, expired or not */
    size_t since_purge; /* inserts since the last purge */
    size_t grow_at;     /* count at which the table is looked after */
    int64_t min_until;  /* <= every entry's until: purge is pointless
                           while the clock is below it */
    /* The latest `now` any caller has asked about. Purging uses it rather
     * than a clock of ours: an entry goes only once the most advanced
     * caller can no longer see it as revoked, and a test or replay with a
     * fixed "now" keeps every entry it could still ask about. */
    _Atomic int64_t seen_now;
    uint8_t sipkey[16];
} dl_mem;

struct jg_denylist {
    int custom;
    jg_denylist_ops ops; /* custom */
    void *ctx;           /* custom */
    dl_mem mem;          /* memory */
};

/* ---- SipHash-1-3, streaming (Aumasson & Bernstein) ---- */
typedef struct sip {
    uint64_t v0, v1, v2, v3;
    uint64_t tail; /* pending bytes, little-endian */
    size_t ntail;
    size_t total;
} sip;

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static void sip_round(sip *s)
{
    s->v0 += s->v1;
    s->v1 = ROTL(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = ROTL(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = ROTL(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = ROTL(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = ROTL(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = ROTL(s->v2, 32);
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void sip_init(sip *s, const uint8_t key[16])
{
    uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    s->v0 = k0 ^ 0x736f6d6570736575ull;
    s->v1 = k1 ^ 0x646f72616e646f6dull;
    s->v2 = k0 ^ 0x6c7967656e657261ull;
    s->v3 = k1 ^ 0x7465646279746573ull;
    s->tail = 0;
    s->ntail = 0;
    s->total = 0;
}

static void sip_block(sip *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    s->v0 ^= m;
}

static void sip_update(sip *s, const uint8_t *p, size_t n)
{
    s->total += n;
    while (n > 0 && s->ntail > 0) {
        s->tail |= (uint64_t)*p++ << (8 * s->ntail);
        n--;
        if (++s->ntail == 8) {
            sip_block(s, s->tail);
            s->tail = 0;
            s->ntail = 0;
        }
    }
    for (; n >= 8; p += 8, n -= 8)
        sip_block(s, load_le64(p));
    for (; n > 0; n--)
        s->tail |= (uint64_t)*p++ << (8 * s->ntail++);
}

static uint64_t sip_final(sip *s)
{
    sip_block(s, s->tail | ((uint64_t)(s->total & 0xff) << 56));
    s->v2 ^= 0xff;
    sip_round(s);
    sip_round(s);
    sip_round(s);
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/* The iss length goes in first so that ("a", "bc") and ("ab", "c") are
 * different inputs, not only different entries. */
static uint64_t key_hash(const dl_mem *m, const char *iss, size_t iss_len,
                         const char *jti, size_t jti_len)
{
    sip s;
    uint8_t len[4];
    for (size_t i = 0; i < 4; i++)
        len[i] = (uint8_t)(iss_len >> (8 * i));
    sip_init(&s, m->sipkey);
    sip_update(&s, len, sizeof len);
    if (iss_len)
        sip_update(&s, (const uint8_t *)iss, iss_len);
    if (jti_len)
        sip_update(&s, (const uint8_t *)jti, jti_len);
    return sip_final(&s);
}

/* ---- the table (callers hold the lock) ---- */
static dl_node *find(const dl_mem *m, uint64_t h, const char *iss,
                     size_t iss_len, const char *jti, size_t jti_len)
{
    dl_node *n = m->buckets[h & (m->nbuckets - 1)];
    for (; n; n = n->next) {
        if (n->hash == h && n->iss_len == iss_len && n->jti_len == jti_len &&
            (iss_len == 0 || memcmp(n->key, iss, iss_len) == 0) &&
            (jti_len == 0 || memcmp(n->key + iss_len, jti, jti_len) == 0))
            return n;
    }
    return NULL;
}

/* Drop every entry with until <= now (is_revoked would answer 0). */
static void purge(dl_mem *m, int64_t now)
{
    int64_t min_until = INT64_MAX;
    for (size_t i = 0; i < m->nbuckets; i++) {
        dl_node **pp = &m->buckets[i];
        while (*pp) {
            dl_node *n = *pp;
            if (n->until <= now) {
                *pp = n->next;
                jgi_free(n);
                m->count--;
            } else {
                if (n->until < min_until)
                    min_until = n->until;
                pp = &n->next;
            }
        }
    }
    m->min_until = min_until;
}

/* Double the bucket array. On failure the table keeps working with
 * longer chains, which is why a failed grow is not an error. */
static void grow(dl_mem *m)
{
    if (m->nbuckets >= DL_MAX_BUCKETS)
        return;
    size_t nb = m->nbuckets * 2;
    dl_node **b = jgi_calloc(nb, sizeof *b);
    if (!b)
        return;
    for (size_t i = 0; i < m->nbuckets; i++) {
        dl_node *n = m->buckets[i];
        while (n) {
            dl_node *next = n->next;
            size_t j = (size_t)(n->hash & (nb - 1));
            n->next = b[j];
            b[j] = n;
            n = next;
        }
    }
    jgi_free(m->buckets);
    m->buckets = b;
    m->nbuckets = nb;
}

/* After an insert. Each purge or grow walks the whole table, so both wait
 * until at least half a table's worth of inserts has paid for them: the
 * cost per insert stays constant however long the list lives. */
static void maintain(dl_mem *m)
{
    int64_t now = atomic_load_explicit(&m->seen_now, memory_order_relaxed);
    int full = m->count >= m->grow_at;
    int due = m->since_purge >= m->count / 2 + DL_PURGE_EVERY;

    if (!full && !due)
        return;
    /* Nothing can have expired while the clock is below min_until. */
    if (now >= m->min_until)
        purge(m, now);
    m->since_purge = 0;
    if (full && m->count >= m->nbuckets / 2)
        grow(m);
    /* Look again once count reaches the bucket count, or after another
     * half table of inserts if the grow failed or hit the cap. */
    m->grow_at = m->count < m->nbuckets ? m->nbuckets
                                        : m->count + m->nbuckets / 2;
}

static jg_err mem_revoke(dl_mem *m, const char *iss, size_t iss_len,
                         const char *jti, size_t jti_len, int64_t until)
{
    jg_err rc = JG_OK;
    uint64_t h;
    dl_node *n;

    if (iss_len > DL_MAX_ID_LEN || jti_len > DL_MAX_ID_LEN)
        return JG_E_LIMIT;
    h = key_hash(m, iss, iss_len, jti, jti_len);
    if (pthread_rwlock_wrlock(&m->lock) != 0)
        jgi_misuse("denylist lock");
    n = find(m, h, iss, iss_len, jti, jti_len);
    if (n) {
        /* Revoking again never shortens a revocation. */
        if (until > n->until)
            n->until = until;
        goto out;
    }
    n = jgi_malloc(sizeof *n + iss_len + jti_len);
    if (!n) {
        rc = JG_E_NOMEM;
        goto out;
    }
    n->hash = h;
    n->until = until;
    n->iss_len = (uint32_t)iss_len;
    n->jti_len = (uint32_t)jti_len;
    if (iss_len)
        memcpy(n->key, iss, iss_len);
    if (jti_len)
        memcpy(n->key + iss_len, jti, jti_len);
    size_t b = (size_t)(h & (m->nbuckets - 1));
    n->next = m->buckets[b];
    m->buckets[b] = n;
    m->count++;
    m->since_purge++;
    if (until < m->min_until)
        m->min_until = until;
    maintain(m);
out:
    pthread_rwlock_unlock(&m->lock);
    return rc;
}

static int mem_is_revoked(dl_mem *m, const char *iss, size_t iss_len,
                          const char *jti, size_t jti_len, int64_t now)
{
    int64_t seen = atomic_load_explicit(&m->seen_now, memory_order_relaxed);
    int revoked = 0;
    uint64_t h;
    dl_node *n;

    while (now > seen && !atomic_compare_exchange_weak_explicit(
                             &m->seen_now, &seen, now, memory_order_relaxed,
                             memory_order_relaxed)) {
    }
    /* Longer than revoke accepts: it cannot be in the table. */
    if (iss_len > DL_MAX_ID_LEN || jti_len > DL_MAX_ID_LEN)
        return 0;
    h = key_hash(m, iss, iss_len, jti, jti_len);
    if (pthread_rwlock_rdlock(&m->lock) != 0)
        jgi_misuse("denylist lock");
    n = find(m, h, iss, iss_len, jti, jti_len);
    if (n && now < n->until)
        revoked = 1;
    pthread_rwlock_unlock(&m->lock);
    return revoked;
}

static jg_err lock_init(pthread_rwlock_t *lock)
{
    pthread_rwlockattr_t attr;
    int e;

    if (pthread_rwlockattr_init(&attr) != 0)
        return JG_E_NOMEM;
#if defined(__GLIBC__)
    /* glibc lets a steady stream of readers (every verification) starve a
     * writer (a revocation) by default; a revocation must not wait. */
    (void)pthread_rwlockattr_setkind_np(
        &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
    e = pthread_rwlock_init(lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return e == 0 ? JG_OK : JG_E_NOMEM;
}

/* ---- public API: see jwtguard/denylist.h ---- */
jg_err jg_denylist_new_memory(jg_denylist **out)
{
    jg_denylist *dl = NULL;
    jg_err rc;

    JGI_REQUIRE(out != NULL);
    *out = NULL;
    dl = jgi_calloc(1, sizeof *dl);
    if (!dl)
        return JG_E_NOMEM;
    dl->mem.buckets = jgi_calloc(DL_MIN_BUCKETS, sizeof *dl->mem.buckets);
    if (!dl->mem.buckets) {
        rc = JG_E_NOMEM;
        goto out;
    }
    dl->mem.nbuckets = DL_MIN_BUCKETS;
    dl->mem.grow_at = DL_MIN_BUCKETS;
    dl->mem.min_until = INT64_MAX;
    atomic_init(&dl->mem.seen_now, INT64_MIN);
    rc = jgi_random(dl->mem.sipkey, sizeof dl->mem.sipkey);
    if (rc != JG_OK)
        goto out;
    rc = lock_init(&dl->mem.lock);
    if (rc != JG_OK)
        goto out;
    *out = dl;
    dl = NULL;
out:
    if (dl) {
        jg_wipe(dl->mem.sipkey, sizeof dl->mem.sipkey);
        jgi_free(dl->mem.buckets);
        jgi_free(dl);
    }
    return rc;
}

jg_err jg_denylist_new_custom(jg_denylist **out, const jg_denylist_ops *ops,
                              void *ctx)
{
    jg_denylist *dl;

    JGI_REQUIRE(out != NULL);
    *out = NULL;
    if (!ops || !ops->is_revoked || !ops->revoke)
        return JG_E_INVALID_ARG;
    /* On failure ctx stays the caller's: free_ctx is not called. */
    dl = jgi_calloc(1, sizeof *dl);
    if (!dl)
        return JG_E_NOMEM;
    dl->custom = 1;
    dl->ops = *ops;
    dl->ctx = ctx;
    *out = dl;
    return JG_OK;
}

void jg_denylist_free(jg_denylist *dl)
{
    if (!dl)
        return;
    if (dl->custom) {
        if (dl->ops.free_ctx)
            dl->ops.free_ctx(dl->ctx);
    } else {
        dl_mem *m = &dl->mem;
        for (size_t i = 0; i < m->nbuckets; i++) {
            dl_node *n = m->buckets[i];
            while (n) {
                dl_node *next = n->next;
                jgi_free(n);
                n = next;
            }
        }
        jgi_free(m->buckets);
        pthread_rwlock_destroy(&m->lock);
        jg_wipe(m->sipkey, sizeof m->sipkey);
    }
    jgi_free(dl);
}

jg_err jg_denylist_revoke(jg_denylist *dl, const char *iss, size_t iss_len,
                          const char *jti, size_t jti_len, int64_t until)
{
    JGI_REQUIRE(dl != NULL);
    JGI_REQUIRE(iss != NULL || iss_len == 0);
    JGI_REQUIRE(jti != NULL || jti_len == 0);
    if (dl->custom)
        return dl->ops.revoke(dl->ctx, iss, iss_len, jti, jti_len, until);
    return mem_revoke(&dl->mem, iss, iss_len, jti, jti_len, until);
}

int jg_denylist_is_revoked(const jg_denylist *dl, const char *iss,
                           size_t iss_len, const char *jti, size_t jti_len,
                           int64_t now)
{
    JGI_REQUIRE(dl != NULL);
    JGI_REQUIRE(iss != NULL || iss_len == 0);
    JGI_REQUIRE(jti != NULL || jti_len == 0);
    if (dl->custom) {
        int r = dl->ops.is_revoked(dl->ctx, iss, iss_len, jti, jti_len, now);
        /* Anything but a clear yes or no is "cannot tell": fail closed. */
        return r == 0 || r == 1 ? r : -1;
    }
    /* The lock and the clock are interior state: every jg_denylist is
     * allocated writable, so dropping const here is defined. */
    return mem_is_revoked((dl_mem *)&dl->mem, iss, iss_len, jti, jti_len,
                          now);
}

size_t jg_denylist_size(const jg_denylist *dl)
{
    size_t n;

    JGI_REQUIRE(dl != NULL);
    if (dl->custom)
        return 0;
    dl_mem *m = (dl_mem *)&dl->mem;
    if (pthread_rwlock_rdlock(&m->lock) != 0)
        jgi_misuse("denylist lock");
    n = m->count;
    pthread_rwlock_unlock(&m->lock);
    return n;
}
