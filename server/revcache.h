/* server/revcache.h - the in-process copy of the denylist. */
#ifndef SRV_REVCACHE_H
#define SRV_REVCACHE_H

#include "store.h"

/* How old the copy may get before /auth/verify fails closed. */
#define REVCACHE_MAX_STALE_MS 10000

typedef struct srv_revcache srv_revcache;

jg_err revcache_new(srv_revcache **out);
void revcache_free(srv_revcache *rc);
/* Read every store entry newer than the last one seen and mark the copy
 * fresh (only if the store answered). Called from one thread. */
jg_err revcache_refresh(srv_revcache *rc, srv_store *st);
/* Apply one entry now (a revocation this process just made durable). */
jg_err revcache_apply(srv_revcache *rc, const srv_deny *d);

enum { RC_OK = 0, RC_REVOKED = 1, RC_STALE = -1 };
/* Is this access token dead? iss/jti, sid (refresh family), sub + iat
 * (user cut-off). Strings may be NULL. *why says which rule matched. */
int revcache_check(srv_revcache *rc, const char *iss, const char *jti,
                   const char *sid, const char *sub, int64_t iat,
                   int64_t now, const char **why);
/* Entries held (jti + family + user), for logs. */
size_t revcache_size(srv_revcache *rc);

#endif /* SRV_REVCACHE_H */
