/* server/authcache.c - "this exact token verified a moment ago".
 *
 * Forward-auth sees the same token on every request of a page, so each
 * event loop keeps a direct-mapped table of tokens it verified: keyed by
 * SHA-256 of the token bytes (strict parsing makes one token exactly one
 * byte string), valid until min(exp, AUTHCACHE_MAX_AGE after the check),
 * and only for the key set it was checked against (a retired key must
 * not live on here). A hit skips the signature, never the revocation
 * check: the caller still asks the revocation cache every time. A
 * collision simply replaces the older entry; the table never grows.
 */
#include "authcache.h"
#include "../lib/internal.h"

#include <stdlib.h>
#include <string.h>

_Static_assert((AUTHCACHE_SLOTS & (AUTHCACHE_SLOTS - 1)) == 0,
               "AUTHCACHE_SLOTS is a power of two");

int authcache_init(srv_authcache *c)
{
    c->slots = calloc(AUTHCACHE_SLOTS, sizeof *c->slots);
    c->mask = AUTHCACHE_SLOTS - 1;
    return c->slots ? 0 : -1;
}

void authcache_free(srv_authcache *c)
{
    free(c->slots);
    c->slots = NULL;
}

static size_t slot_of(const srv_authcache *c, const uint8_t key[32])
{
    uint64_t h;
    memcpy(&h, key, sizeof h); /* the key is a SHA-256: already uniform */
    return (size_t)h & c->mask;
}

const ac_entry *authcache_get(srv_authcache *c, const uint8_t key[32],
                              uint64_t gen, int64_t now)
{
    const ac_entry *e = &c->slots[slot_of(c, key)];
    if (e->valid_until == 0 || e->gen != gen || now >= e->valid_until ||
        !jgi_ct_equal(e->key, key, 32))
        return NULL;
    return e;
}

void authcache_put(srv_authcache *c, const ac_entry *e)
{
    c->slots[slot_of(c, e->key)] = *e;
}
