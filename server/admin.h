/* server/admin.h - the admin commands and the data directory. */
#ifndef SRV_ADMIN_H
#define SRV_ADMIN_H

#include <stddef.h>
#include "config.h"
#include "store.h"

/* Create the data directory (0700) and open the store; with_keys makes
 * sure there are signing keys (of the configured algorithm, if new),
 * with_tls makes the self-signed certificate if none is configured.
 * 0, or -1 with err set. */
int admin_prepare(srv_config *c, srv_store **out, int with_keys,
                  int with_tls, char *err, size_t el);
/* `user`, `keys`, `revoke`, `init`: returns the exit code. */
int admin_main(srv_config *c);

#endif /* SRV_ADMIN_H */
