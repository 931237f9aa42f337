/* server/authcache.h - verified-token cache for /auth/verify. */
#ifndef SRV_AUTHCACHE_H
#define SRV_AUTHCACHE_H

#include <stdint.h>
#include <stddef.h>
#include "store.h"

#define AUTHCACHE_SLOTS 4096   /* entries per event loop (power of 2) */
#define AUTHCACHE_MAX_AGE 60   /* seconds an entry may be reused */

typedef struct ac_entry {
    uint8_t key[32];           /* SHA-256 of the token bytes */
    uint64_t gen;              /* key-set generation it was verified with */
    int64_t valid_until;       /* min(exp, verified + AUTHCACHE_MAX_AGE) */
    int64_t exp, iat;
    char sub[SRV_NAME_MAX + 1];
    char jti[SRV_ID_MAX + 1];
    char sid[SRV_ID_MAX + 1];
    char scope[SRV_SCOPE_MAX + 1];
} ac_entry;

/* One per event loop thread: no locks. */
typedef struct srv_authcache {
    ac_entry *slots;
    size_t mask;
} srv_authcache;

int authcache_init(srv_authcache *c);
void authcache_free(srv_authcache *c);
/* The entry for this token hash, if present, made with key-set `gen` and
 * still valid at `now`; else NULL. */
const ac_entry *authcache_get(srv_authcache *c, const uint8_t key[32],
                              uint64_t gen, int64_t now);
void authcache_put(srv_authcache *c, const ac_entry *e);

#endif /* SRV_AUTHCACHE_H */
