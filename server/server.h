/* server/server.h - what every part of a running jwtguardd shares. */
#ifndef SRV_SERVER_H
#define SRV_SERVER_H

#include "config.h"
#include "keyring.h"
#include "pool.h"
#include "revcache.h"
#include "store.h"
#include "../lib/internal.h"

typedef struct srv_ctx {
    srv_config *cfg;
    srv_store *store;
    srv_keyring *keyring;
    srv_revcache *revcache;
    srv_pool *hash_pool;    /* logins: argon2id and their store calls */
    srv_pool *store_pool;   /* refresh, logout, revoke, introspect */
    uint8_t refresh_key[32];
    /* verified against for unknown users, so that they cost the same */
    char dummy_phc[JGI_PWHASH_STRBYTES];
    void *ssl_ctx;          /* SSL_CTX *, NULL with --dev-insecure-http */
    const char *cookie_access, *cookie_refresh;
    const char *cookie_attrs; /* "; Secure; HttpOnly; ..." */
} srv_ctx;

/* Revoke every live token of a user: a cut-off for access tokens (iat
 * before now+1 are dead) and every refresh family. Durable on return;
 * applied to `rc` too when it is not NULL. */
jg_err srv_revoke_user(srv_store *st, srv_revcache *rc, const srv_user *u,
                       int64_t now);

#endif /* SRV_SERVER_H */
