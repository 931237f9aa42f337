/* tests/interop/peers/peer_cjose.c - Debian's cjose as an interop peer.
 *
 * cjose is a JOSE library, not a JWT one: it signs and verifies the bytes
 * of a compact JWS and leaves claims to its caller, so the driver checks
 * the claims this program prints. Keys are JWKs. The algorithms cjose
 * knows are the CJOSE_HDR_ALG_* names it exports; an alg outside them, or
 * a key type it has no constructor for (OKP), is reported as unsupported.
 * The signed header names alg and typ, and a verified token must carry
 * the alg the test expects: cjose itself follows the header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/cjose.h>

#include "peer_util.h"

static int known_alg(const char *name)
{
    const char *const *known[] = {
        &CJOSE_HDR_ALG_HS256, &CJOSE_HDR_ALG_HS384, &CJOSE_HDR_ALG_HS512,
        &CJOSE_HDR_ALG_RS256, &CJOSE_HDR_ALG_RS384, &CJOSE_HDR_ALG_RS512,
        &CJOSE_HDR_ALG_PS256, &CJOSE_HDR_ALG_PS384, &CJOSE_HDR_ALG_PS512,
        &CJOSE_HDR_ALG_ES256, &CJOSE_HDR_ALG_ES384, &CJOSE_HDR_ALG_ES512,
    };
    size_t i;

    for (i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(*known[i], name) == 0)
            return 1;
    return 0;
}

static int check_alg(const char *name)
{
    if (!known_alg(name))
        return peer_say(PEER_UNSUPPORTED, name,
                        "cjose exports no CJOSE_HDR_ALG_ name for it");
    return PEER_OK;
}

static int cjose_fail(const char *what, const cjose_err *err)
{
    char detail[512];

    snprintf(detail, sizeof detail, "%s (%s:%lu %s)",
             err->message != NULL ? err->message : "?",
             err->file != NULL ? err->file : "?", err->line,
             err->function != NULL ? err->function : "?");
    return peer_say(PEER_FAIL, what, detail);
}

static int print_jwk(const cjose_jwk_t *jwk, int priv)
{
    cjose_err err = { CJOSE_ERR_NONE, NULL, NULL, NULL, 0 };
    char *json = cjose_jwk_to_json(jwk, priv != 0, &err);

    if (json == NULL)
        return cjose_fail("cjose_jwk_to_json", &err);
    printf("%s\n", json);
    free(json);
    return PEER_OK;
}

static int cmd_keygen(const char *kty, const char *param)
{
    static const uint8_t e65537[] = { 0x01, 0x00, 0x01 };
    cjose_jwk_t *jwk = NULL;
    cjose_err err = { CJOSE_ERR_NONE, NULL, NULL, NULL, 0 };
    int rc;

    if (strcmp(kty, "RSA") == 0) {
        jwk = cjose_jwk_create_RSA_random((size_t)strtoul(param, NULL, 10),
                                          e65537, sizeof e65537, &err);
    } else if (strcmp(kty, "oct") == 0) {
        jwk = cjose_jwk_create_oct_random(8 * (size_t)strtoul(param, NULL, 10),
                                          &err);
    } else if (strcmp(kty, "EC") == 0) {
        cjose_jwk_ec_curve crv = CJOSE_JWK_EC_INVALID;
        if (strcmp(param, "P-256") == 0)
            crv = CJOSE_JWK_EC_P_256;
        else if (strcmp(param, "P-384") == 0)
            crv = CJOSE_JWK_EC_P_384;
        else if (strcmp(param, "P-521") == 0)
            crv = CJOSE_JWK_EC_P_521;
        else
            return peer_say(PEER_UNSUPPORTED, param,
                            "cjose_jwk_ec_curve has no such curve");
        jwk = cjose_jwk_create_EC_random(crv, &err);
    } else {
        return peer_say(PEER_UNSUPPORTED, kty,
                        "cjose_jwk_kty_t has no such key type");
    }
    if (jwk == NULL)
        return cjose_fail("cjose_jwk_create", &err);
    rc = print_jwk(jwk, 1);
    cjose_jwk_release(jwk);
    return rc;
}

static int load_jwk(cjose_jwk_t **out /* OUT */, const char *path)
{
    char *json = NULL;
    size_t len = 0;
    cjose_err err = { CJOSE_ERR_NONE, NULL, NULL, NULL, 0 };
    int rc = PEER_FAIL;

    *out = NULL;
    if (peer_read_file(&json, &len, path) != 0)
        goto out;
    *out = cjose_jwk_import(json, len, &err);
    if (*out == NULL) {
        rc = cjose_fail("cjose_jwk_import", &err);
        goto out;
    }
    rc = PEER_OK;
out:
    free(json);
    return rc;
}

static int cmd_public(const char *path)
{
    cjose_jwk_t *jwk = NULL;
    int rc = load_jwk(&jwk, path);

    if (rc == PEER_OK)
        rc = print_jwk(jwk, 0);
    cjose_jwk_release(jwk);
    return rc;
}

static int cmd_sign(const char *alg, const char *key_path,
                    const char *claims_path)
{
    cjose_jwk_t *jwk = NULL;
    cjose_header_t *hdr = NULL;
    cjose_jws_t *jws = NULL;
    cjose_err err = { CJOSE_ERR_NONE, NULL, NULL, NULL, 0 };
    char *claims = NULL;
    size_t claims_len = 0;
    const char *compact = NULL;
    int rc = check_alg(alg);

    if (rc != PEER_OK)
        goto out;
    rc = load_jwk(&jwk, key_path);
    if (rc != PEER_OK)
        goto out;
    rc = PEER_FAIL;
    if (peer_read_file(&claims, &claims_len, claims_path) != 0)
        goto out;
    hdr = cjose_header_new(&err);
    if (hdr == NULL || !cjose_header_set(hdr, CJOSE_HDR_ALG, alg, &err) ||
        !cjose_header_set(hdr, "typ", "JWT", &err)) {
        rc = cjose_fail("cjose_header_set", &err);
        goto out;
    }
    jws = cjose_jws_sign(jwk, hdr, (const uint8_t *)claims, claims_len, &err);
    if (jws == NULL) {
        rc = cjose_fail("cjose_jws_sign", &err);
        goto out;
    }
    if (!cjose_jws_export(jws, &compact, &err)) {
        rc = cjose_fail("cjose_jws_export", &err);
        goto out;
    }
    printf("%s\n", compact);
    rc = PEER_OK;
out:
    cjose_jws_release(jws);
    cjose_header_release(hdr);
    cjose_jwk_release(jwk);
    free(claims);
    return rc;
}

static int cmd_verify(const char *alg, const char *key_path,
                      const char *token)
{
    cjose_jwk_t *jwk = NULL;
    cjose_jws_t *jws = NULL;
    cjose_header_t *hdr;
    cjose_err err = { CJOSE_ERR_NONE, NULL, NULL, NULL, 0 };
    const char *got;
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    int rc = check_alg(alg);

    if (rc != PEER_OK)
        goto out;
    rc = load_jwk(&jwk, key_path);
    if (rc != PEER_OK)
        goto out;
    jws = cjose_jws_import(token, strlen(token), &err);
    if (jws == NULL) {
        rc = cjose_fail("cjose_jws_import", &err);
        goto out;
    }
    hdr = cjose_jws_get_protected(jws);
    got = hdr != NULL ? cjose_header_get(hdr, CJOSE_HDR_ALG, &err) : NULL;
    if (got == NULL || strcmp(got, alg) != 0) {
        rc = peer_say(PEER_FAIL, "cjose_jws_import", "header alg differs");
        goto out;
    }
    if (!cjose_jws_verify(jws, jwk, &err)) {
        rc = cjose_fail("cjose_jws_verify", &err);
        goto out;
    }
    if (!cjose_jws_get_plaintext(jws, &plain, &plain_len, &err)) {
        rc = cjose_fail("cjose_jws_get_plaintext", &err);
        goto out;
    }
    fwrite(plain, 1, plain_len, stdout);
    printf("\n");
    rc = PEER_OK;
out:
    cjose_jws_release(jws);
    cjose_jwk_release(jwk);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        printf("cjose %s\n", cjose_version());
        return PEER_OK;
    }
    if (argc == 4 && strcmp(argv[1], "keygen") == 0)
        return cmd_keygen(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "public") == 0)
        return cmd_public(argv[2]);
    if (argc == 5 && strcmp(argv[1], "sign") == 0)
        return cmd_sign(argv[2], argv[3], argv[4]);
    if (argc == 5 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argv[2], argv[3], argv[4]);
    fprintf(stderr, "usage: peer_cjose version|keygen KTY PARAM|public KEY|"
            "sign ALG KEY CLAIMS|verify ALG KEY TOKEN\n");
    return PEER_USAGE;
}
