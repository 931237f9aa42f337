/* server/revcache.c - revocation, answered from memory.
 *
 * /auth/verify must not touch the disk, so each process keeps a copy of
 * the store's denylist: a jg_denylist memory set for (iss, jti), another
 * for refresh families (claim "sid"), and a small map of per-user cut-offs
 * (tokens issued before it are dead). The copy follows the store by
 * sequence number (deny_since), polled by the maintenance thread; a
 * revocation made here is applied at once, after it is durable and before
 * the answer goes out. If the copy has not been refreshed for
 * REVCACHE_MAX_STALE_MS, every check fails closed.
 */
#include "revcache.h"
#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* The user map starts at this many slots and doubles at 1/2 full. */
#define USERMAP_INITIAL 64

typedef struct user_slot {
    char *name;        /* NULL = empty */
    int64_t cutoff;    /* tokens with iat < cutoff are dead */
} user_slot;

struct srv_revcache {
    jg_denylist *jti, *fam;
    pthread_rwlock_t users_lock;
    user_slot *users;
    size_t users_cap, users_n;
    int64_t last_seq;             /* refresh thread only */
    _Atomic int64_t fresh_ms;     /* when the store last answered */
};

static uint64_t name_hash(const char *s)
{
    /* FNV-1a: user names come from verified tokens and the admin, not
     * from an attacker who could aim at collisions */
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static user_slot *user_find(user_slot *tab, size_t cap, const char *name)
{
    size_t i = (size_t)name_hash(name) & (cap - 1);
    while (tab[i].name && strcmp(tab[i].name, name) != 0)
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

/* Call with users_lock held for writing. */
static jg_err user_set(srv_revcache *rc, const char *name, int64_t cutoff)
{
    user_slot *s;
    if ((rc->users_n + 1) * 2 > rc->users_cap) {
        size_t ncap = rc->users_cap * 2;
        user_slot *nt = calloc(ncap, sizeof *nt);
        if (!nt)
            return JG_E_NOMEM;
        for (size_t i = 0; i < rc->users_cap; i++)
            if (rc->users[i].name)
                *user_find(nt, ncap, rc->users[i].name) = rc->users[i];
        free(rc->users);
        rc->users = nt;
        rc->users_cap = ncap;
    }
    s = user_find(rc->users, rc->users_cap, name);
    if (!s->name) {
        s->name = strdup(name);
        if (!s->name)
            return JG_E_NOMEM;
        s->cutoff = cutoff;
        rc->users_n++;
    } else if (cutoff > s->cutoff) {
        s->cutoff = cutoff;
    }
    return JG_OK;
}

jg_err revcache_new(srv_revcache **out)
{
    srv_revcache *rc = calloc(1, sizeof *rc);
    *out = NULL;
    if (!rc)
        return JG_E_NOMEM;
    rc->users_cap = USERMAP_INITIAL;
    rc->users = calloc(rc->users_cap, sizeof *rc->users);
    if (!rc->users || pthread_rwlock_init(&rc->users_lock, NULL) != 0 ||
        jg_denylist_new_memory(&rc->jti) != JG_OK ||
        jg_denylist_new_memory(&rc->fam) != JG_OK) {
        jg_denylist_free(rc->jti);
        free(rc->users);
        free(rc);
        return JG_E_NOMEM;
    }
    atomic_store(&rc->fresh_ms, 0);
    *out = rc;
    return JG_OK;
}

void revcache_free(srv_revcache *rc)
{
    if (!rc)
        return;
    jg_denylist_free(rc->jti);
    jg_denylist_free(rc->fam);
    for (size_t i = 0; i < rc->users_cap; i++)
        free(rc->users[i].name);
    free(rc->users);
    pthread_rwlock_destroy(&rc->users_lock);
    free(rc);
}

jg_err revcache_apply(srv_revcache *rc, const srv_deny *d)
{
    jg_err e;
    switch (d->kind) {
    case SRV_DENY_JTI:
        /* keyed by jti alone: ours are 128-bit random, and the issuer is
         * already checked by the verifier (an admin command run with
         * another --issuer still revokes) */
        return jg_denylist_revoke(rc->jti, "", 0, d->b, strlen(d->b),
                                  d->until);
    case SRV_DENY_FAMILY:
        return jg_denylist_revoke(rc->fam, "", 0, d->b, strlen(d->b),
                                  d->until);
    case SRV_DENY_USER:
        pthread_rwlock_wrlock(&rc->users_lock);
        e = user_set(rc, d->b, d->until);
        pthread_rwlock_unlock(&rc->users_lock);
        return e;
    default:
        return JG_OK; /* a kind from a newer version: not ours to judge */
    }
}

typedef struct refresh_ctx {
    srv_revcache *rc;
    jg_err err;
    int64_t now;
} refresh_ctx;

static int on_entry(void *arg, const srv_deny *d)
{
    refresh_ctx *x = arg;
    /* an entry that expired while we were away needs no room */
    if (d->kind == SRV_DENY_USER || d->until >= x->now) {
        x->err = revcache_apply(x->rc, d);
        if (x->err != JG_OK)
            return 1;
    }
    x->rc->last_seq = d->seq;
    return 0;
}

jg_err revcache_refresh(srv_revcache *rc, srv_store *st)
{
    refresh_ctx x = {rc, JG_OK, srv_now()};
    jg_err e = st->ops->deny_since(st, rc->last_seq, on_entry, &x);
    if (e == JG_OK)
        e = x.err;
    if (e == JG_OK)
        atomic_store(&rc->fresh_ms, srv_now_ms());
    return e;
}

int revcache_check(srv_revcache *rc, const char *iss, const char *jti,
                   const char *sid, const char *sub, int64_t iat,
                   int64_t now, const char **why)
{
    int r;
    *why = NULL;
    if (srv_now_ms() - atomic_load(&rc->fresh_ms) > REVCACHE_MAX_STALE_MS) {
        *why = "denylist copy is stale (fail closed)";
        return RC_STALE;
    }
    if (jti) {
        (void)iss;
        r = jg_denylist_is_revoked(rc->jti, "", 0, jti, strlen(jti), now);
        if (r != 0) {
            *why = "jti is revoked";
            return RC_REVOKED;
        }
    }
    if (sid) {
        r = jg_denylist_is_revoked(rc->fam, "", 0, sid, strlen(sid), now);
        if (r != 0) {
            *why = "refresh family (sid) is revoked";
            return RC_REVOKED;
        }
    }
    if (sub) {
        int dead = 0;
        pthread_rwlock_rdlock(&rc->users_lock);
        {
            user_slot *s = user_find(rc->users, rc->users_cap, sub);
            dead = s->name && iat < s->cutoff;
        }
        pthread_rwlock_unlock(&rc->users_lock);
        if (dead) {
            *why = "user's tokens issued before the cut-off are revoked";
            return RC_REVOKED;
        }
    }
    return RC_OK;
}

size_t revcache_size(srv_revcache *rc)
{
    size_t n;
    pthread_rwlock_rdlock(&rc->users_lock);
    n = rc->users_n;
    pthread_rwlock_unlock(&rc->users_lock);
    return n + jg_denylist_size(rc->jti) + jg_denylist_size(rc->fam);
}
