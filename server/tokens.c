/* server/tokens.c - what jwtguardd hands out.
 *
 * Access tokens are short-lived JWS (RFC 9068 profile: typ "at+jwt", iss,
 * sub, aud, exp, iat, jti, client_id, scope) plus "sid", the refresh
 * family they came from, so revoking a family also kills its access
 * tokens. Refresh tokens are opaque: 256 random bits, of which the store
 * keeps only a SHA-256. A rotated token's successor is an HMAC of the
 * presented one under the server's refresh key: deterministic, so a client
 * that lost the answer and retries inside the grace window gets the same
 * successor, and unguessable without the key.
 */
#include "tokens.h"
#include "util.h"
#include "../lib/internal.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

jg_err tokens_issue_access(const kr_snap *s, const srv_config *c,
                           srv_access *a, jg_buf *out)
{
    jg_jwt_builder *b = NULL;
    jg_jws_opts opts;
    jg_err e;

    if (srv_random_b64(a->jti, sizeof a->jti, SRV_JTI_BYTES) != 0)
        return JG_E_CRYPTO;
    a->exp = a->iat + c->access_ttl;
    memset(&opts, 0, sizeof opts);
    opts.typ = "at+jwt"; /* RFC 9068 §2.1 */
    e = jg_jwt_builder_new(&b);
    if (e == JG_OK)
        e = jg_jwt_set_str(b, "iss", c->issuer, strlen(c->issuer));
    if (e == JG_OK)
        e = jg_jwt_set_str(b, "sub", a->sub, strlen(a->sub));
    if (e == JG_OK)
        e = jg_jwt_add_aud(b, c->audience, strlen(c->audience));
    if (e == JG_OK) {
        jg_jwt_set_now(b, a->iat);
        e = jg_jwt_set_ttl(b, c->access_ttl);
    }
    if (e == JG_OK)
        e = jg_jwt_set_str(b, "jti", a->jti, strlen(a->jti));
    if (e == JG_OK)
        e = jg_jwt_set_str(b, "client_id", a->client_id,
                           strlen(a->client_id));
    if (e == JG_OK)
        e = jg_jwt_set_str(b, "scope", a->scope, strlen(a->scope));
    if (e == JG_OK)
        e = jg_jwt_set_str(b, "sid", a->sid, strlen(a->sid));
    if (e == JG_OK)
        e = jg_jwt_sign(s->signer, b, &opts, out);
    jg_jwt_builder_free(b);
    return e;
}

jg_err tokens_refresh_key(const char *data_dir, uint8_t key[32])
{
    char path[4096];
    size_t len = 0;
    char *buf;
    if (srv_path(path, sizeof path, data_dir, "refresh.key") != 0)
        return JG_E_INVALID_ARG;
    buf = srv_read_file(path, 64, &len);
    if (!buf) {
        if (errno != ENOENT)
            return JG_E_IO;
        if (jgi_random(key, 32) != JG_OK)
            return JG_E_CRYPTO;
        /* O_EXCL: two processes starting at once cannot both write one */
        if (srv_write_file(path, key, 32, 1) != 0) {
            buf = srv_read_file(path, 64, &len);
            if (!buf)
                return JG_E_IO;
        } else {
            return JG_OK;
        }
    }
    if (len != 32) {
        jg_wipe(buf, len);
        free(buf);
        return JG_E_KEY_INVALID;
    }
    memcpy(key, buf, 32);
    jg_wipe(buf, len);
    free(buf);
    return JG_OK;
}

int tokens_new_refresh(char out[SRV_REFRESH_LEN + 1])
{
    return srv_random_b64(out, SRV_REFRESH_LEN + 1, SRV_REFRESH_BYTES);
}

int tokens_successor(const uint8_t key[32], const char *tok, size_t len,
                     char out[SRV_REFRESH_LEN + 1])
{
    uint8_t mac[32];
    size_t ml = 0, k;
    if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, 32,
                   (const unsigned char *)tok, len, mac, sizeof mac, &ml) ||
        ml != sizeof mac)
        return -1;
    k = jgi_b64url_encode(out, mac, sizeof mac);
    out[k] = '\0';
    jg_wipe(mac, sizeof mac);
    return 0;
}

void tokens_hash(const char *tok, size_t len, uint8_t out[32])
{
    if (jgi_sha256((const uint8_t *)tok, len, out) != JG_OK)
        memset(out, 0, 32); /* cannot happen; an all-zero hash finds none */
}

int tokens_refresh_shape(const char *tok, size_t len)
{
    if (len != SRV_REFRESH_LEN)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)tok[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
            return 0;
    }
    return 1;
}
