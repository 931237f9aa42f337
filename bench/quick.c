/* bench/quick.c - a quick verify loop: jwtguard against raw OpenSSL.
 *
 * For HS256 and ES256: full JWT verification through jg_jwt_verify (alg,
 * key, signature, strict JSON, claims) against the best a C program can do
 * with libcrypto alone on the same signing input (keys parsed once, the
 * EVP_MAC/EVP_MD fetched once, one keyed HMAC context re-initialised per
 * operation, one reused digest context). Rounds alternate between the two,
 * and the median ratio is printed. Lines: RESULT <impl> <alg> verify <ops/s>.
 * Not a test: speed is measured here, never asserted in `make test`.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <jwtguard/jwtguard.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The fixed token of the benchmark (header alg/typ/kid; ~220 bytes of
 * claims). */
static jg_err make_token(jg_key *k, jg_alg alg, jg_buf *tok)
{
    jg_signer *s = NULL;
    jg_jwt_builder *b = NULL;
    jg_err rc;
    if ((rc = jg_signer_new(&s, k, alg)) || (rc = jg_jwt_builder_new(&b)) ||
        (rc = jg_jwt_set_str(b, "iss", "https://id.example.com", 22)) ||
        (rc = jg_jwt_set_str(b, "sub", "user-1234567890", 15)) ||
        (rc = jg_jwt_add_aud(b, "api.example.com", 15)) ||
        (rc = jg_jwt_set_str(b, "scope", "read:items write:items", 22)) ||
        (rc = jg_jwt_set_ttl(b, 3600)) || (rc = jg_jwt_sign(s, b, NULL, tok)))
        ;
    jg_jwt_builder_free(b);
    jg_signer_free(s);
    return rc;
}

typedef struct raw_ctx {
    EVP_MAC_CTX *mac;
    EVP_MD_CTX *md;
    EVP_PKEY *pkey;
    const EVP_MD *sha256;
    const uint8_t *msg;
    size_t msg_len;
    uint8_t sig[256];
    size_t sig_len;
} raw_ctx;

static int raw_hs256(raw_ctx *r)
{
    uint8_t mac[32];
    size_t n = 0;
    if (!EVP_MAC_init(r->mac, NULL, 0, NULL) ||
        !EVP_MAC_update(r->mac, r->msg, r->msg_len) ||
        !EVP_MAC_final(r->mac, mac, &n, sizeof mac))
        return 0;
    return n == r->sig_len && CRYPTO_memcmp(mac, r->sig, n) == 0;
}

static int raw_es256(raw_ctx *r)
{
    if (EVP_DigestVerifyInit_ex(r->md, NULL, NULL, NULL, NULL, r->pkey, NULL) != 1)
        return 0;
    return EVP_DigestVerify(r->md, r->sig, r->sig_len, r->msg, r->msg_len) == 1;
}

static size_t b64d(uint8_t *out, const char *in, size_t n)
{
    static const char al[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = strchr(al, in[i]);
        acc = (acc << 6) | (uint32_t)(p - al);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    return o;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? strtod(argv[1], NULL) : 0.5;
    long rl = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
    int rounds = rl < 1 ? 1 : rl > 64 ? 64 : (int)rl;
    jg_alg algs[2] = {JG_HS256, JG_ES256};

    for (int ai = 0; ai < 2; ai++) {
        jg_alg alg = algs[ai];
        jg_key *k = NULL;
        jg_keyset *ks = NULL;
        jg_policy *p = NULL;
        jg_verifier *v = NULL;
        jg_buf tok = {0}, pem = {0};
        raw_ctx r;
        memset(&r, 0, sizeof r);
        if (jg_key_generate(&k, alg, 0, NULL, 0) || make_token(k, alg, &tok) ||
            jg_keyset_from_key(&ks, k) || jg_policy_new(&p) ||
            jg_policy_allow_alg(p, alg) ||
            jg_policy_require_iss(p, "https://id.example.com", 22) ||
            jg_policy_require_aud(p, "api.example.com", 15) ||
            jg_verifier_new(&v, p, ks)) {
            fprintf(stderr, "setup failed\n");
            return 1;
        }
        const char *t = (const char *)tok.data;
        const char *d2 = strrchr(t, '.');
        r.msg = (const uint8_t *)t;
        r.msg_len = (size_t)(d2 - t);
        r.sig_len = b64d(r.sig, d2 + 1, strlen(d2 + 1));
        if (alg == JG_HS256) {
            /* The raw side gets the same secret through the JWK. */
            jg_buf jwk = {0};
            uint8_t secret[64];
            if (jg_key_to_jwk(&jwk, k, 0))
                return 1;
            const char *kk = strstr((const char *)jwk.data, "\"k\":\"") + 5;
            size_t sl = b64d(secret, kk, (size_t)(strchr(kk, '"') - kk));
            EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
            OSSL_PARAM prm[] = {OSSL_PARAM_construct_utf8_string(
                                    OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
                                OSSL_PARAM_construct_end()};
            r.mac = EVP_MAC_CTX_new(m);
            if (!EVP_MAC_init(r.mac, secret, sl, prm))
                return 1;
            jg_buf_free(&jwk);
        } else {
            if (jg_key_to_pem(&pem, k, 1))
                return 1;
            BIO *bio = BIO_new_mem_buf(pem.data, (int)pem.len);
            r.pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
            BIO_free(bio);
            r.md = EVP_MD_CTX_new();
            /* Raw OpenSSL wants DER: convert once, outside the loop. */
            ECDSA_SIG *es = ECDSA_SIG_new();
            ECDSA_SIG_set0(es, BN_bin2bn(r.sig, 32, NULL),
                           BN_bin2bn(r.sig + 32, 32, NULL));
            uint8_t *der = r.sig;
            uint8_t tmp[128];
            uint8_t *tp = tmp;
            int dl = i2d_ECDSA_SIG(es, &tp);
            memcpy(der, tmp, (size_t)dl);
            r.sig_len = (size_t)dl;
            ECDSA_SIG_free(es);
        }
        double jr[64], rr[64], ratio[64];
        for (int round = 0; round < rounds && round < 64; round++) {
            for (int side = 0; side < 2; side++) {
                long n = 0;
                double t0 = now_s(), t1;
                do {
                    for (int i = 0; i < 64; i++) {
                        int ok;
                        if (side == 0) {
                            jg_claims *c = NULL;
                            ok = jg_jwt_verify(v, t, tok.len, &c, NULL) == JG_OK;
                            jg_claims_free(c);
                        } else {
                            ok = alg == JG_HS256 ? raw_hs256(&r) : raw_es256(&r);
                        }
                        if (!ok) {
                            fprintf(stderr, "verify failed\n");
                            return 1;
                        }
                    }
                    n += 64;
                    t1 = now_s();
                } while (t1 - t0 < secs);
                (side == 0 ? jr : rr)[round] = (double)n / (t1 - t0);
            }
            ratio[round] = jr[round] / rr[round];
        }
        qsort(jr, (size_t)rounds, sizeof(double), cmp_d);
        qsort(rr, (size_t)rounds, sizeof(double), cmp_d);
        qsort(ratio, (size_t)rounds, sizeof(double), cmp_d);
        printf("RESULT jwtguard %s verify %.0f\n", jg_alg_name(alg),
               jr[rounds / 2]);
        printf("RESULT openssl %s verify %.0f\n", jg_alg_name(alg),
               rr[rounds / 2]);
        printf("RATIO %s verify %.3f (median of %d rounds, token %zu bytes)\n",
               jg_alg_name(alg), ratio[rounds / 2], rounds, tok.len);
        EVP_MAC_CTX_free(r.mac);
        EVP_MD_CTX_free(r.md);
        EVP_PKEY_free(r.pkey);
        jg_buf_free(&tok);
        jg_buf_free(&pem);
        jg_verifier_free(v);
        jg_policy_free(p);
        jg_keyset_free(ks);
        jg_key_free(k);
    }
    return 0;
}
