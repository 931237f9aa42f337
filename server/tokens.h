/* server/tokens.h - access tokens (JWS) and opaque refresh tokens. */
#ifndef SRV_TOKENS_H
#define SRV_TOKENS_H

#include "config.h"
#include "keyring.h"

#define SRV_REFRESH_BYTES 32  /* 256-bit refresh tokens */
#define SRV_REFRESH_LEN 43    /* their base64url length */
#define SRV_JTI_BYTES 16      /* 128-bit jti and family ids */

/* The claims of one access token to issue. jti and exp are filled. */
typedef struct srv_access {
    const char *sub, *scope, *client_id, *sid;
    int64_t iat;
    char jti[32];   /* OUT */
    int64_t exp;    /* OUT */
} srv_access;

/* Sign an access token with the current key: typ at+jwt, RFC 9068 claims
 * (iss, sub, aud, exp, iat, jti, client_id, scope) and sid. */
jg_err tokens_issue_access(const kr_snap *s, const srv_config *c,
                           srv_access *a, jg_buf *out);

/* The server's refresh key (32 random bytes, DATA_DIR/refresh.key 0600),
 * created on first use. */
jg_err tokens_refresh_key(const char *data_dir, uint8_t key[32]);
/* A fresh refresh token: 32 random bytes, base64url. */
int tokens_new_refresh(char out[SRV_REFRESH_LEN + 1]);
/* The successor of a presented token: base64url(HMAC-SHA256(key, token)),
 * so a retry inside the grace window gets the very same one. */
int tokens_successor(const uint8_t key[32], const char *tok, size_t len,
                     char out[SRV_REFRESH_LEN + 1]);
/* What the store keeps: SHA-256 of the token text. */
void tokens_hash(const char *tok, size_t len, uint8_t out[32]);
/* Does this look like one of our refresh tokens (43 base64url chars)? */
int tokens_refresh_shape(const char *tok, size_t len);

#endif /* SRV_TOKENS_H */
