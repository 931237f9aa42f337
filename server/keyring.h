/* server/keyring.h - the signing keys: lifecycle in the store, a ready
 * verifier and signer in memory. */
#ifndef SRV_KEYRING_H
#define SRV_KEYRING_H

#include <stdatomic.h>
#include "config.h"
#include "store.h"

/* One immutable view of the published keys. Take it with keyring_acquire,
 * give it back with keyring_release; it stays valid in between even if
 * the keys rotate meanwhile. */
typedef struct kr_snap {
    atomic_int refs;
    uint64_t gen;                 /* changes whenever the key set does */
    jg_verifier *verifier;        /* every published key (not retired) */
    jg_signer *signer;            /* the current key */
    char kid[SRV_ID_MAX + 1];     /* current kid */
    jg_buf jwks;                  /* public JWKS text */
} kr_snap;

typedef struct srv_keyring srv_keyring;

/* Make sure the store holds a current key and a next key of the configured
 * algorithm (creating them on first run). */
jg_err keyring_ensure(srv_store *st, const srv_config *c, int64_t now);
/* Rotate now: next becomes current, current previous, a new next. */
jg_err keyring_rotate(srv_store *st, const srv_config *c, int64_t now);
/* The schedule: rotate when due (and the next key has been published for
 * jwks-max-age), retire previous keys once no token they signed can still
 * be valid. *changed set when the store was written. */
jg_err keyring_maintain(srv_store *st, const srv_config *c, int64_t now,
                        int *changed);
const char *keyring_state_name(int state);
/* The algorithm of the next key (else the current one), or unknown. */
jg_alg keyring_alg_in_use(srv_store *st);

jg_err keyring_open(srv_keyring **out, srv_store *st, const srv_config *c);
/* Re-read the store; build a new snapshot if the key set changed. */
jg_err keyring_reload(srv_keyring *kr);
kr_snap *keyring_acquire(srv_keyring *kr);
void keyring_release(kr_snap *s);
void keyring_free(srv_keyring *kr);

#endif /* SRV_KEYRING_H */
