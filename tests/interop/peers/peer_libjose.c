/* tests/interop/peers/peer_libjose.c - Debian's latchset jose (libjose)
 * as an interop peer.
 *
 * libjose works on the JSON serialization of a JWS (RFC 7515 section 7.2)
 * with jansson values, so this program turns compact tokens into the
 * flattened form and back; claims are left to the driver. Keys are JWKs
 * made by jose_jwk_gen(). Whether libjose supports an algorithm is its
 * own answer: a key it cannot generate, or an error it reports as
 * JOSE_CFG_ERR_ALG_NOTSUP, is "unsupported"; every other failure is a
 * refusal. A verified token must carry the alg the test expects.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jose/jose.h>

#include "peer_util.h"

struct last_err {
    uint64_t code;
    char msg[256];
};

static void on_err(void *misc, const char *file, int line, uint64_t err,
                   const char *fmt, va_list ap)
{
    struct last_err *le = misc;

    (void)file;
    (void)line;
    le->code = err;
    vsnprintf(le->msg, sizeof le->msg, fmt, ap);
}

static jose_cfg_t *new_cfg(struct last_err *le)
{
    jose_cfg_t *cfg = jose_cfg();

    le->code = 0;
    le->msg[0] = '\0';
    if (cfg != NULL)
        jose_cfg_set_err_func(cfg, on_err, le);
    return cfg;
}

static int jose_fail(const char *what, const struct last_err *le)
{
    int code = le->code == JOSE_CFG_ERR_ALG_NOTSUP ? PEER_UNSUPPORTED
                                                   : PEER_FAIL;
    return peer_say(code, what, le->msg[0] != '\0' ? le->msg
                    : "failed (no error reported)");
}

static json_t *load_json(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    json_t *j = NULL;
    json_error_t jerr;

    if (peer_read_file(&text, &len, path) != 0)
        goto out;
    j = json_loadb(text, len, 0, &jerr);
    if (j == NULL)
        peer_say(PEER_FAIL, path, jerr.text);
out:
    free(text);
    return j;
}

static int print_json(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

    if (s == NULL)
        return peer_say(PEER_FAIL, "json_dumps", "failed");
    printf("%s\n", s);
    free(s);
    return PEER_OK;
}

static int cmd_keygen(const char *kty, const char *param)
{
    struct last_err le;
    jose_cfg_t *cfg = new_cfg(&le);
    json_t *jwk = NULL;
    int rc = PEER_FAIL;

    if (strcmp(kty, "RSA") == 0 || strcmp(kty, "oct") == 0)
        jwk = json_pack("{s:s,s:i}", "kty", kty,
                        strcmp(kty, "RSA") == 0 ? "bits" : "bytes",
                        (int)strtol(param, NULL, 10));
    else
        jwk = json_pack("{s:s,s:s}", "kty", kty, "crv", param);
    if (cfg == NULL || jwk == NULL) {
        rc = peer_say(PEER_FAIL, "keygen", "out of memory");
        goto out;
    }
    if (!jose_jwk_gen(cfg, jwk)) {
        /* A key libjose cannot make is a key type it does not support. */
        rc = peer_say(PEER_UNSUPPORTED, "jose_jwk_gen", le.msg[0] != '\0'
                      ? le.msg : "cannot generate this key type");
        goto out;
    }
    rc = print_json(jwk);
out:
    json_decref(jwk);
    jose_cfg_decref(cfg);
    return rc;
}

static int cmd_public(const char *path)
{
    struct last_err le;
    jose_cfg_t *cfg = new_cfg(&le);
    json_t *jwk = load_json(path);
    int rc = PEER_FAIL;

    if (cfg == NULL || jwk == NULL)
        goto out;
    if (!jose_jwk_pub(cfg, jwk)) {
        rc = jose_fail("jose_jwk_pub", &le);
        goto out;
    }
    rc = print_json(jwk);
out:
    json_decref(jwk);
    jose_cfg_decref(cfg);
    return rc;
}

static int cmd_sign(const char *alg, const char *key_path,
                    const char *claims_path)
{
    struct last_err le;
    jose_cfg_t *cfg = new_cfg(&le);
    json_t *jwk = load_json(key_path);
    json_t *jws = NULL, *sig = NULL;
    char *claims = NULL;
    size_t claims_len = 0;
    const char *p, *y, *s;
    int rc = PEER_FAIL;

    if (cfg == NULL || jwk == NULL ||
        peer_read_file(&claims, &claims_len, claims_path) != 0)
        goto out;
    jws = json_pack("{s:o}", "payload", jose_b64_enc(claims, claims_len));
    sig = json_pack("{s:{s:s,s:s}}", "protected", "alg", alg, "typ", "JWT");
    if (jws == NULL || sig == NULL) {
        rc = peer_say(PEER_FAIL, "json_pack", "failed");
        goto out;
    }
    if (!jose_jws_sig(cfg, jws, sig, jwk)) {
        rc = jose_fail("jose_jws_sig", &le);
        goto out;
    }
    p = json_string_value(json_object_get(jws, "protected"));
    y = json_string_value(json_object_get(jws, "payload"));
    s = json_string_value(json_object_get(jws, "signature"));
    if (p == NULL || y == NULL || s == NULL) {
        rc = peer_say(PEER_FAIL, "jose_jws_sig", "no flattened JWS made");
        goto out;
    }
    printf("%s.%s.%s\n", p, y, s);
    rc = PEER_OK;
out:
    json_decref(sig);
    json_decref(jws);
    json_decref(jwk);
    free(claims);
    jose_cfg_decref(cfg);
    return rc;
}

static int cmd_verify(const char *alg, const char *key_path,
                      const char *token)
{
    struct last_err le;
    jose_cfg_t *cfg = new_cfg(&le);
    json_t *jwk = load_json(key_path);
    json_t *jws = NULL, *hdr = NULL, *payload;
    const char *got;
    size_t len = strlen(token), pay_at, sig_at, n;
    unsigned char *plain = NULL;
    int rc = PEER_FAIL;

    if (cfg == NULL || jwk == NULL)
        goto out;
    if (peer_split(&pay_at, &sig_at, token, len) != 0) {
        rc = peer_say(PEER_FAIL, "compact", "not three segments");
        goto out;
    }
    jws = json_pack("{s:s%,s:s%,s:s}", "protected", token, pay_at - 1,
                    "payload", token + pay_at, sig_at - pay_at - 1,
                    "signature", token + sig_at);
    if (jws == NULL) {
        rc = peer_say(PEER_FAIL, "json_pack", "failed");
        goto out;
    }
    hdr = jose_b64_dec_load(json_object_get(jws, "protected"));
    got = json_string_value(json_object_get(hdr, "alg"));
    if (got == NULL || strcmp(got, alg) != 0) {
        rc = peer_say(PEER_FAIL, "protected header", "alg differs");
        goto out;
    }
    if (!jose_jws_ver(cfg, jws, NULL, jwk, false)) {
        rc = jose_fail("jose_jws_ver", &le);
        goto out;
    }
    payload = json_object_get(jws, "payload");
    n = jose_b64_dec(payload, NULL, 0);
    if (n == SIZE_MAX || (plain = malloc(n + 1)) == NULL ||
        jose_b64_dec(payload, plain, n) != n) {
        rc = peer_say(PEER_FAIL, "jose_b64_dec", "payload");
        goto out;
    }
    fwrite(plain, 1, n, stdout);
    printf("\n");
    rc = PEER_OK;
out:
    free(plain);
    json_decref(hdr);
    json_decref(jws);
    json_decref(jwk);
    jose_cfg_decref(cfg);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "version") == 0) {
        printf("latchset jose (libjose, no version call in its API)\n");
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
    fprintf(stderr, "usage: peer_libjose version|keygen KTY PARAM|public KEY|"
            "sign ALG KEY CLAIMS|verify ALG KEY TOKEN\n");
    return PEER_USAGE;
}
