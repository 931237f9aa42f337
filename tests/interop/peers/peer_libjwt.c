/* tests/interop/peers/peer_libjwt.c - Debian's libjwt as an interop peer.
 *
 * libjwt takes PEM keys (and raw bytes as an HMAC secret) and makes its own
 * JWT header, so the driver gives it PEM files made elsewhere: it has no
 * key generation of its own. Its jwt_decode() trusts the header's alg, so
 * this program first checks that the alg is the one the test expects, the
 * way a careful caller of libjwt must. Algorithms libjwt does not name
 * (jwt_str_alg gives JWT_ALG_INVAL) are reported as unsupported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>

#include "peer_util.h"

static int lookup_alg(jwt_alg_t *out /* OUT */, const char *name)
{
    *out = jwt_str_alg(name);
    if (*out == JWT_ALG_INVAL || *out == JWT_ALG_NONE)
        return peer_say(PEER_UNSUPPORTED, name, "libjwt: jwt_str_alg "
                        "does not know this algorithm");
    return PEER_OK;
}

static int cmd_sign(const char *alg_name, const char *key_path,
                    const char *claims_path)
{
    int rc = PEER_FAIL;
    jwt_alg_t alg;
    jwt_t *jwt = NULL;
    char *key = NULL, *claims = NULL, *token = NULL;
    size_t key_len = 0, claims_len = 0;
    int err;

    rc = lookup_alg(&alg, alg_name);
    if (rc != PEER_OK)
        goto out;
    rc = PEER_FAIL;
    if (peer_read_file(&key, &key_len, key_path) != 0 ||
        peer_read_file(&claims, &claims_len, claims_path) != 0)
        goto out;
    if (jwt_new(&jwt) != 0) {
        rc = peer_say(PEER_FAIL, "jwt_new", "failed");
        goto out;
    }
    err = jwt_add_grants_json(jwt, claims);
    if (err != 0) {
        rc = peer_say(PEER_FAIL, "jwt_add_grants_json", strerror(err));
        goto out;
    }
    err = jwt_set_alg(jwt, alg, (const unsigned char *)key, (int)key_len);
    if (err != 0) {
        rc = peer_say(PEER_FAIL, "jwt_set_alg", strerror(err));
        goto out;
    }
    token = jwt_encode_str(jwt);
    if (token == NULL) {
        rc = peer_say(PEER_FAIL, "jwt_encode_str", strerror(errno));
        goto out;
    }
    printf("%s\n", token);
    rc = PEER_OK;
out:
    free(token);
    jwt_free(jwt);
    free(claims);
    free(key);
    return rc;
}

static int cmd_verify(const char *alg_name, const char *key_path,
                      const char *token)
{
    int rc;
    jwt_alg_t alg;
    jwt_t *jwt = NULL;
    char *key = NULL, *grants = NULL;
    size_t key_len = 0;
    int err;

    rc = lookup_alg(&alg, alg_name);
    if (rc != PEER_OK)
        goto out;
    rc = PEER_FAIL;
    if (peer_read_file(&key, &key_len, key_path) != 0)
        goto out;
    err = jwt_decode(&jwt, token, (const unsigned char *)key, (int)key_len);
    if (err != 0 || jwt == NULL) {
        rc = peer_say(PEER_FAIL, "jwt_decode", strerror(err));
        goto out;
    }
    if (jwt_get_alg(jwt) != alg) {
        rc = peer_say(PEER_FAIL, "jwt_decode", "header alg differs");
        goto out;
    }
    grants = jwt_get_grants_json(jwt, NULL);
    if (grants == NULL) {
        rc = peer_say(PEER_FAIL, "jwt_get_grants_json", "no claims");
        goto out;
    }
    printf("%s\n", grants);
    rc = PEER_OK;
out:
    free(grants);
    jwt_free(jwt);
    free(key);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        printf("libjwt (no version call in its API)\n");
        return PEER_OK;
    }
    if (argc == 5 && strcmp(argv[1], "sign") == 0)
        return cmd_sign(argv[2], argv[3], argv[4]);
    if (argc == 5 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argv[2], argv[3], argv[4]);
    if (argc >= 2 && (strcmp(argv[1], "keygen") == 0 ||
                      strcmp(argv[1], "public") == 0))
        return peer_say(PEER_UNSUPPORTED, argv[1],
                        "libjwt has no key generation or JWK support");
    fprintf(stderr, "usage: peer_libjwt version|sign ALG KEY CLAIMS|"
            "verify ALG KEY TOKEN\n");
    return PEER_USAGE;
}
