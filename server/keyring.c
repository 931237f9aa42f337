/* server/keyring.c - signing keys: next -> current -> previous -> retired.
 *
 * The lifecycle lives in the store, so the admin command and the server
 * agree on it: a "next" key is published in the JWKS at least
 * jwks-max-age before it signs (caches that fetched the JWKS already know
 * it), "current" signs, "previous" stays published for access-ttl +
 * leeway after it stopped signing (every token it signed can still be
 * checked), then it is "retired": unpublished, and its private half
 * erased. kid = RFC 7638 thumbprint. In memory, the published keys become
 * one immutable snapshot: a verifier (policy: the algorithms of those
 * keys only, iss, aud, typ at+jwt), the signer of the current key, and the
 * JWKS text; readers hold a reference, rotation swaps in a new snapshot.
 */
#include "keyring.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the lifecycle, on the store ---- */

typedef struct rows {
    srv_key_row *v;
    size_t n, cap;
    jg_err err;
} rows;

static int collect(void *arg, const srv_key_row *k)
{
    rows *r = arg;
    srv_key_row *row;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 8;
        srv_key_row *nv = realloc(r->v, nc * sizeof *nv);
        if (!nv) {
            r->err = JG_E_NOMEM;
            return 1;
        }
        r->v = nv;
        r->cap = nc;
    }
    row = &r->v[r->n];
    *row = *k;
    row->jwk = NULL;
    if (k->jwk && !(row->jwk = strdup(k->jwk))) {
        r->err = JG_E_NOMEM;
        return 1;
    }
    r->n++;
    return 0;
}

static void rows_free(rows *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].jwk) {
            jg_wipe(r->v[i].jwk, strlen(r->v[i].jwk));
            free(r->v[i].jwk);
        }
    free(r->v);
    memset(r, 0, sizeof *r);
}

static jg_err load_rows(srv_store *st, int with_jwk, rows *r)
{
    jg_err e;
    memset(r, 0, sizeof *r);
    e = st->ops->key_list(st, with_jwk, collect, r);
    if (e == JG_OK)
        e = r->err;
    if (e != JG_OK)
        rows_free(r);
    return e;
}

const char *keyring_state_name(int state)
{
    switch (state) {
    case SRV_KEY_NEXT: return "next";
    case SRV_KEY_CURRENT: return "current";
    case SRV_KEY_PREVIOUS: return "previous";
    case SRV_KEY_RETIRED: return "retired";
    default: return "unknown";
    }
}

/* Generate a key for the configured algorithm and store it. */
static jg_err new_key(srv_store *st, const srv_config *c, int state,
                      int64_t now)
{
    jg_key *k = NULL;
    jg_buf jwk = {0};
    srv_key_row row;
    size_t kl = 0;
    const char *kid;
    jg_err e = jg_key_generate(&k, c->alg, 0, NULL, 0);
    if (e != JG_OK)
        return e;
    kid = jg_key_kid(k, &kl);
    e = jg_key_to_jwk(&jwk, k, 0);
    if (e == JG_OK && (!kid || kl > SRV_ID_MAX))
        e = JG_E_KEY_INVALID;
    if (e == JG_OK) {
        memset(&row, 0, sizeof row);
        memcpy(row.kid, kid, kl);
        snprintf(row.alg, sizeof row.alg, "%s", jg_alg_name(c->alg));
        row.state = state;
        row.created = now;
        row.activated = state == SRV_KEY_CURRENT ? now : 0;
        row.jwk = (char *)jwk.data;
        e = st->ops->key_put(st, &row);
        if (e == JG_OK)
            log_event("info", "key %s (%s) created as %s", row.kid, row.alg,
                      keyring_state_name(state));
    }
    jg_buf_free(&jwk);
    jg_key_free(k);
    return e;
}

static const srv_key_row *find(const rows *r, int state)
{
    const srv_key_row *best = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].state == state &&
            (!best || r->v[i].created > best->created ||
             (state == SRV_KEY_CURRENT &&
              r->v[i].activated > best->activated)))
            best = &r->v[i];
    return best;
}

jg_alg keyring_alg_in_use(srv_store *st)
{
    rows r;
    const srv_key_row *k;
    jg_alg a = JG_ALG_UNKNOWN;
    if (load_rows(st, 0, &r) != JG_OK)
        return a;
    k = find(&r, SRV_KEY_NEXT);
    if (!k)
        k = find(&r, SRV_KEY_CURRENT);
    if (k)
        a = jg_alg_from_name(k->alg, strlen(k->alg));
    rows_free(&r);
    return a;
}

jg_err keyring_ensure(srv_store *st, const srv_config *c, int64_t now)
{
    rows r;
    const char *alg = jg_alg_name(c->alg);
    jg_err e = load_rows(st, 0, &r);
    const srv_key_row *cur, *next;
    if (e != JG_OK)
        return e;
    cur = find(&r, SRV_KEY_CURRENT);
    next = find(&r, SRV_KEY_NEXT);
    /* a next key of another algorithm (after an --alg change) never signs */
    for (size_t i = 0; e == JG_OK && i < r.n; i++)
        if (r.v[i].state == SRV_KEY_NEXT && strcmp(r.v[i].alg, alg) != 0) {
            e = st->ops->key_set_state(st, r.v[i].kid, SRV_KEY_RETIRED, now);
            if (next == &r.v[i])
                next = NULL;
        }
    if (e == JG_OK && !cur) {
        /* first run: nobody can have cached a JWKS yet, so the first key
         * may sign at once */
        if (next)
            e = st->ops->key_set_state(st, next->kid, SRV_KEY_CURRENT, now);
        else
            e = new_key(st, c, SRV_KEY_CURRENT, now);
        next = NULL;
    }
    if (e == JG_OK && !next)
        e = new_key(st, c, SRV_KEY_NEXT, now);
    rows_free(&r);
    return e;
}

jg_err keyring_rotate(srv_store *st, const srv_config *c, int64_t now)
{
    rows r;
    const srv_key_row *next;
    jg_err e = load_rows(st, 0, &r);
    if (e != JG_OK)
        return e;
    if (!find(&r, SRV_KEY_NEXT)) {
        /* nothing published ahead: make one (it signs at once) */
        rows_free(&r);
        e = new_key(st, c, SRV_KEY_NEXT, now);
        if (e == JG_OK)
            e = load_rows(st, 0, &r);
        if (e != JG_OK)
            return e;
    }
    next = find(&r, SRV_KEY_NEXT);
    if (!next)
        e = JG_E_NOT_FOUND;
    /* current -> previous first, so that there is never a moment with two
     * current keys */
    for (size_t i = 0; e == JG_OK && i < r.n; i++)
        if (r.v[i].state == SRV_KEY_CURRENT)
            e = st->ops->key_set_state(st, r.v[i].kid, SRV_KEY_PREVIOUS, now);
    if (e == JG_OK)
        e = st->ops->key_set_state(st, next->kid, SRV_KEY_CURRENT, now);
    if (e == JG_OK) {
        log_event("info", "key %s is now current", next->kid);
        e = new_key(st, c, SRV_KEY_NEXT, now);
    }
    rows_free(&r);
    return e;
}

jg_err keyring_maintain(srv_store *st, const srv_config *c, int64_t now,
                        int *changed)
{
    rows r;
    const srv_key_row *cur, *next;
    const char *alg = jg_alg_name(c->alg);
    jg_err e;
    *changed = 0;
    /* a next key of this server's algorithm (the admin command may have
     * made one of another) */
    e = keyring_ensure(st, c, now);
    if (e == JG_OK)
        e = load_rows(st, 0, &r);
    if (e != JG_OK)
        return e;
    /* retire what no live token can need any more */
    for (size_t i = 0; e == JG_OK && i < r.n; i++)
        if (r.v[i].state == SRV_KEY_PREVIOUS &&
            r.v[i].deactivated + c->access_ttl + c->leeway <= now) {
            e = st->ops->key_set_state(st, r.v[i].kid, SRV_KEY_RETIRED, now);
            if (e == JG_OK) {
                log_event("info", "key %s retired", r.v[i].kid);
                *changed = 1;
            }
        }
    cur = find(&r, SRV_KEY_CURRENT);
    next = find(&r, SRV_KEY_NEXT);
    /* rotate when due (or when the algorithm changed), but only with a
     * next key that verifiers have had jwks-max-age to fetch */
    if (e == JG_OK && cur && next && !strcmp(next->alg, alg) &&
        next->created + c->jwks_max_age <= now &&
        (cur->activated + c->rotate_every <= now ||
         strcmp(cur->alg, alg) != 0)) {
        e = keyring_rotate(st, c, now);
        *changed = 1;
    }
    rows_free(&r);
    return e;
}

/* ---- the in-memory snapshot ---- */

struct srv_keyring {
    pthread_mutex_t mu;
    kr_snap *cur;
    char *fingerprint;     /* kid:state;... of the snapshot */
    uint64_t gen;
    srv_store *st;
    const srv_config *cfg;
};

static void snap_free(kr_snap *s)
{
    if (!s)
        return;
    jg_verifier_free(s->verifier);
    jg_signer_free(s->signer);
    jg_buf_free(&s->jwks);
    free(s);
}

void keyring_release(kr_snap *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1)
        snap_free(s);
}

kr_snap *keyring_acquire(srv_keyring *kr)
{
    kr_snap *s;
    pthread_mutex_lock(&kr->mu);
    s = kr->cur;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&kr->mu);
    return s;
}

static char *fingerprint(const rows *r)
{
    size_t cap = 1 + r->n * (SRV_ID_MAX + 24), len = 0;
    char *f = malloc(cap);
    if (!f)
        return NULL;
    f[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        int n = snprintf(f + len, cap - len, "%s:%d:%s;", r->v[i].kid,
                         r->v[i].state, r->v[i].alg);
        if (n > 0)
            len += (size_t)n;
    }
    return f;
}

/* The public JWK of a stored private one, with "use":"sig" added. */
static jg_err public_jwk(jg_buf *jwks, const jg_key *k)
{
    jg_buf one = {0};
    jg_err e = jg_key_to_jwk(&one, k, 1);
    if (e == JG_OK && (one.len < 2 || one.data[one.len - 1] != '}'))
        e = JG_E_MALFORMED;
    if (e == JG_OK && jwks->len > 9)
        e = jg_buf_append(jwks, ",", 1);
    if (e == JG_OK)
        e = jg_buf_append(jwks, one.data, one.len - 1);
    if (e == JG_OK)
        e = jg_buf_append(jwks, ",\"use\":\"sig\"}", 13);
    jg_buf_free(&one);
    return e;
}

static jg_err build_policy(jg_policy **out, const srv_config *c,
                           uint32_t algs)
{
    jg_policy *p = NULL;
    jg_err e = jg_policy_new(&p);
    static const char *const required[] = {"sub", "jti", "iat", "sid"};
    for (int a = 0; e == JG_OK && a < 32; a++)
        if (algs & (1u << a))
            e = jg_policy_allow_alg(p, (jg_alg)a);
    if (e == JG_OK)
        e = jg_policy_require_iss(p, c->issuer, strlen(c->issuer));
    if (e == JG_OK)
        e = jg_policy_require_aud(p, c->audience, strlen(c->audience));
    if (e == JG_OK)
        e = jg_policy_require_typ(p, "at+jwt", 6);
    if (e == JG_OK)
        e = jg_policy_set_leeway(p, c->leeway);
    for (size_t i = 0; e == JG_OK && i < 4; i++)
        e = jg_policy_require_claim(p, required[i], strlen(required[i]));
    if (e != JG_OK) {
        jg_policy_free(p);
        p = NULL;
    }
    *out = p;
    return e;
}

static jg_err build_snap(kr_snap **out, const rows *r, const srv_config *c)
{
    kr_snap *s = calloc(1, sizeof *s);
    jg_keyset *ks = NULL;
    jg_policy *pol = NULL;
    jg_key *signing = NULL;
    uint32_t algs = 0;
    jg_err e = s ? JG_OK : JG_E_NOMEM;
    const srv_key_row *cur = find(r, SRV_KEY_CURRENT);

    *out = NULL;
    if (e == JG_OK && !cur)
        e = JG_E_NOT_FOUND;
    if (e == JG_OK)
        e = jg_buf_append(&s->jwks, "{\"keys\":[", 9);
    for (size_t i = 0; e == JG_OK && i < r->n; i++) {
        jg_key *k = NULL;
        if (!r->v[i].jwk)
            continue;
        e = jg_key_from_jwk(&k, r->v[i].jwk, strlen(r->v[i].jwk));
        if (e == JG_OK)
            e = public_jwk(&s->jwks, k);
        if (e == JG_OK) {
            algs |= 1u << jg_key_alg(k);
            if (&r->v[i] == cur) {
                signing = k;
                k = NULL;
            }
        }
        jg_key_free(k);
    }
    if (e == JG_OK && !signing)
        e = JG_E_NOT_FOUND;
    if (e == JG_OK)
        e = jg_buf_append(&s->jwks, "]}", 2);
    if (e == JG_OK)
        e = jg_keyset_from_jwks(&ks, (const char *)s->jwks.data, s->jwks.len,
                                NULL);
    if (e == JG_OK)
        e = build_policy(&pol, c, algs);
    if (e == JG_OK)
        e = jg_verifier_new(&s->verifier, pol, ks);
    if (e == JG_OK)
        e = jg_signer_new(&s->signer, signing, JG_ALG_UNKNOWN);
    if (e == JG_OK) {
        snprintf(s->kid, sizeof s->kid, "%s", cur->kid);
        atomic_store(&s->refs, 1);
        *out = s;
        s = NULL;
    }
    jg_policy_free(pol);
    jg_keyset_free(ks);
    jg_key_free(signing);
    snap_free(s);
    return e;
}

jg_err keyring_reload(srv_keyring *kr)
{
    rows r;
    char *fp;
    kr_snap *s = NULL, *old;
    jg_err e = load_rows(kr->st, 1, &r);
    if (e != JG_OK)
        return e;
    fp = fingerprint(&r);
    if (!fp) {
        rows_free(&r);
        return JG_E_NOMEM;
    }
    if (kr->fingerprint && !strcmp(fp, kr->fingerprint)) {
        free(fp);
        rows_free(&r);
        return JG_OK;
    }
    e = build_snap(&s, &r, kr->cfg);
    rows_free(&r);
    if (e != JG_OK) {
        free(fp);
        return e;
    }
    pthread_mutex_lock(&kr->mu);
    s->gen = ++kr->gen;
    old = kr->cur;
    kr->cur = s;
    free(kr->fingerprint);
    kr->fingerprint = fp;
    pthread_mutex_unlock(&kr->mu);
    keyring_release(old);
    log_event("info", "key set loaded: current kid %s", s->kid);
    return JG_OK;
}

jg_err keyring_open(srv_keyring **out, srv_store *st, const srv_config *c)
{
    srv_keyring *kr = calloc(1, sizeof *kr);
    jg_err e;
    *out = NULL;
    if (!kr)
        return JG_E_NOMEM;
    pthread_mutex_init(&kr->mu, NULL);
    kr->st = st;
    kr->cfg = c;
    e = keyring_reload(kr);
    if (e != JG_OK) {
        keyring_free(kr);
        return e;
    }
    *out = kr;
    return JG_OK;
}

void keyring_free(srv_keyring *kr)
{
    if (!kr)
        return;
    keyring_release(kr->cur);
    free(kr->fingerprint);
    pthread_mutex_destroy(&kr->mu);
    free(kr);
}
