/* fuzz/fuzz_jws.c - JWS verification (lib/jws.c), compact and JSON.
 *
 * Four verifiers: HS256 and ES256 with the fixed keys of fuzz.h, every
 * algorithm over the EC key (key confusion), HS256 with RFC 7797 b64:false.
 * Only tokens signed with the fixed keys can pass, so an accepted token
 * must pass an oracle outside the library (OpenSSL HMAC/ECDSA called
 * directly) and verify again identically; a refusal leaves no output.
 */
#include "fuzz.h"
#include "internal.h"
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <string.h>

enum { V_HS, V_ES, V_ALL, V_B64, V_COUNT };
static const char *const v_name[V_COUNT] = {"hs256", "es256", "all-algs/ec",
                                            "hs256+b64"};
static jg_verifier *ver[V_COUNT];
static EVP_PKEY *es_pub;
static jg_limits big;

static jg_verifier *make_verifier(const char *jwks, int all, int b64)
{
    jg_keyset *ks = NULL;
    jg_policy *p = NULL;
    jg_verifier *v = NULL;
    size_t skipped = 0;

    FUZZ_CHECK(jg_keyset_from_jwks(&ks, jwks, strlen(jwks), &skipped) ==
                   JG_OK,
               "fixed keyset");
    FUZZ_CHECK(jg_policy_new(&p) == JG_OK, "policy_new");
    if (all) {
        for (int a = 1; a < JG_ALG__JWS_END; a++)
            FUZZ_CHECK(jg_policy_allow_alg(p, (jg_alg)a) == JG_OK, "allow");
    } else {
        jg_alg alg = jg_key_alg(jg_keyset_at(ks, 0));
        FUZZ_CHECK(jg_policy_allow_alg(p, alg) == JG_OK, "allow");
    }
    if (b64)
        jg_policy_allow_b64_false(p);
    FUZZ_CHECK(jg_verifier_new(&v, p, ks) == JG_OK, "verifier_new");
    jg_policy_free(p);
    jg_keyset_free(ks);
    return v;
}

static void init(void)
{
    BIO *bio;
    if (ver[0])
        return;
    ver[V_HS] = make_verifier(FUZZ_HS_JWKS, 0, 0);
    ver[V_ES] = make_verifier("{\"keys\":[" FUZZ_ES_JWK "]}", 0, 0);
    ver[V_ALL] = make_verifier("{\"keys\":[" FUZZ_ES_JWK "]}", 1, 0);
    ver[V_B64] = make_verifier(FUZZ_HS_JWKS, 0, 1);
    bio = BIO_new_mem_buf(FUZZ_ES_PEM, -1);
    FUZZ_CHECK(bio != NULL, "BIO");
    es_pub = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    FUZZ_CHECK(es_pub != NULL, "ES256 PEM");
    BIO_free(bio);
    jg_limits_default(&big);
    big.max_json = (size_t)1 << 20;
    big.max_depth = 1000;
    big.max_members = 1000000;
}

/* ---- the oracle: OpenSSL directly, nothing from lib/ ---- */

static int oracle_hs256(const uint8_t *in, size_t n, const uint8_t *sig,
                        size_t sig_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    if (!HMAC(EVP_sha256(), FUZZ_HS_SECRET, (int)FUZZ_HS_SECRET_LEN, in, n,
              mac, &mac_len))
        return 0;
    return sig_len == 32 && mac_len == 32 && CRYPTO_memcmp(mac, sig, 32) == 0;
}

static int oracle_es256(const uint8_t *in, size_t n, const uint8_t *sig,
                        size_t sig_len)
{
    ECDSA_SIG *es = NULL;
    BIGNUM *r = NULL, *s = NULL;
    EVP_MD_CTX *ctx = NULL;
    unsigned char *der = NULL;
    int der_len, ok = 0;

    if (sig_len != 64)
        return 0;
    es = ECDSA_SIG_new();
    r = BN_bin2bn(sig, 32, NULL);
    s = BN_bin2bn(sig + 32, 32, NULL);
    if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s))
        goto out;
    r = s = NULL; /* owned by es now */
    der_len = i2d_ECDSA_SIG(es, &der);
    ctx = EVP_MD_CTX_new();
    if (der_len <= 0 || !ctx ||
        EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, es_pub) != 1)
        goto out;
    ok = EVP_DigestVerify(ctx, der, (size_t)der_len, in, n) == 1;
out:
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return ok;
}

/* The header the library handed back must name the algorithm of the
 * verifier's key, and the signature must pass the oracle. */
static void check_accepted(int vi, const jg_json *hdr, const uint8_t *in,
                           size_t in_len, const char *sig_b64, size_t sig_b64_len,
                           int *b64)
{
    const jg_jval *h = jg_json_root(hdr);
    const char *alg;
    size_t alg_len;
    uint8_t *sig;
    size_t sig_len = 0;
    int bv = 1, ok;

    FUZZ_CHECK(jg_jval_str(jg_jval_get(h, "alg", 3), &alg, &alg_len) == JG_OK,
               "%s: accepted header has no alg", v_name[vi]);
    if (jg_jval_get(h, "b64", 3))
        FUZZ_CHECK(jg_jval_bool(jg_jval_get(h, "b64", 3), &bv) == JG_OK,
                   "%s: b64 not a boolean", v_name[vi]);
    FUZZ_CHECK(bv || vi == V_B64, "%s: b64:false accepted without opt-in",
               v_name[vi]);
    *b64 = bv;
    sig = malloc(JGI_B64_DEC_LEN(sig_b64_len) + 1);
    FUZZ_CHECK(sig != NULL, "out of memory");
    FUZZ_CHECK(jgi_b64url_decode(sig, &sig_len, sig_b64, sig_b64_len) ==
                   JG_OK,
               "%s: accepted signature is not base64url", v_name[vi]);
    if (vi == V_HS || vi == V_B64) {
        FUZZ_CHECK(alg_len == 5 && memcmp(alg, "HS256", 5) == 0,
                   "%s: accepted alg %s", v_name[vi], alg);
        ok = oracle_hs256(in, in_len, sig, sig_len);
    } else {
        FUZZ_CHECK(alg_len == 5 && memcmp(alg, "ES256", 5) == 0,
                   "%s: accepted alg %s with the EC key", v_name[vi], alg);
        ok = oracle_es256(in, in_len, sig, sig_len);
    }
    FUZZ_CHECK(ok, "%s: FORGERY: accepted a signature OpenSSL refuses",
               v_name[vi]);
    free(sig);
}

static void check_refused(int vi, jg_err rc, const jg_buf *payload,
                          const jg_json *hdr, const jg_reason *why)
{
    FUZZ_CHECK(rc == JG_E_MALFORMED || rc == JG_E_LIMIT ||
                   rc == JG_E_ALG_NOT_ALLOWED || rc == JG_E_KEY_MISMATCH ||
                   rc == JG_E_BAD_SIGNATURE || rc == JG_E_CRIT_UNSUPPORTED,
               "%s: unexpected error %s (%s)", v_name[vi], jg_err_name(rc),
               jg_reason_str(why));
    FUZZ_CHECK(payload->data == NULL && payload->len == 0,
               "%s: payload left behind on failure", v_name[vi]);
    FUZZ_CHECK(hdr == NULL, "%s: header left behind on failure", v_name[vi]);
    FUZZ_CHECK(why->err == rc, "%s: reason says %s, call returned %s",
               v_name[vi], jg_err_name(why->err), jg_err_name(rc));
}

static void same_result(int vi, const jg_buf *p1, const jg_json *h1,
                        const jg_buf *p2, const jg_json *h2)
{
    const char *r1, *r2;
    size_t l1, l2;
    FUZZ_CHECK(p1->len == p2->len &&
                   (p1->len == 0 || memcmp(p1->data, p2->data, p1->len) == 0),
               "%s: second verification gave another payload", v_name[vi]);
    jg_jval_raw(jg_json_root(h1), &r1, &l1);
    jg_jval_raw(jg_json_root(h2), &r2, &l2);
    FUZZ_CHECK(l1 == l2 && memcmp(r1, r2, l1) == 0,
               "%s: second verification gave another header", v_name[vi]);
}

static void compact(int vi, const char *tok, size_t len)
{
    jg_buf pay = {0}, pay2 = {0};
    jg_json *hdr = NULL, *hdr2 = NULL;
    jg_reason why;
    jg_err rc = jg_jws_verify(ver[vi], tok, len, &pay, &hdr, &why);
    const char *d1, *d2;
    int b64 = 1;

    if (rc != JG_OK) {
        check_refused(vi, rc, &pay, hdr, &why);
        return;
    }
    FUZZ_CHECK(hdr && pay.data, "%s: accepted without outputs", v_name[vi]);
    FUZZ_CHECK(why.err == JG_OK, "%s: reason not OK on success", v_name[vi]);
    d1 = memchr(tok, '.', len);
    FUZZ_CHECK(d1, "%s: accepted a token without '.'", v_name[vi]);
    d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok));
    FUZZ_CHECK(d2 && !memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok)),
               "%s: accepted a token without exactly 3 segments", v_name[vi]);
    /* RFC 7515 §5.2: the signing input is the ASCII text before the
     * second dot. */
    check_accepted(vi, hdr, (const uint8_t *)tok, (size_t)(d2 - tok), d2 + 1,
                   len - (size_t)(d2 + 1 - tok), &b64);
    if (b64) {
        size_t pl = (size_t)(d2 - d1 - 1), dl = 0;
        uint8_t *dec = malloc(JGI_B64_DEC_LEN(pl) + 1);
        FUZZ_CHECK(dec && jgi_b64url_decode(dec, &dl, d1 + 1, pl) == JG_OK &&
                       dl == pay.len && memcmp(dec, pay.data, dl) == 0,
                   "%s: payload is not the decoded middle segment",
                   v_name[vi]);
        free(dec);
    } else {
        FUZZ_CHECK(pay.len == (size_t)(d2 - d1 - 1) &&
                       memcmp(pay.data, d1 + 1, pay.len) == 0,
                   "%s: b64:false payload is not the middle segment",
                   v_name[vi]);
    }
    rc = jg_jws_verify(ver[vi], tok, len, &pay2, &hdr2, NULL);
    FUZZ_CHECK(rc == JG_OK, "%s: second verification failed: %s", v_name[vi],
               jg_err_name(rc));
    same_result(vi, &pay, hdr, &pay2, hdr2);
    jg_json_free(hdr2);
    jg_buf_free(&pay2);
    jg_json_free(hdr);
    jg_buf_free(&pay);
}

static void json_ser(int vi, const char *text, size_t len)
{
    jg_buf pay = {0}, pay2 = {0};
    jg_json *hdr = NULL, *hdr2 = NULL, *doc = NULL;
    size_t idx = 99, idx2 = 98, ps_len, ss_len, pl_len;
    const jg_jval *root, *so, *sigs;
    const char *ps, *ss, *pl;
    uint8_t *in;
    jg_reason why;
    int b64 = 1;
    jg_err rc = jg_jws_verify_json(ver[vi], text, len, &pay, &idx, &hdr, &why);

    if (rc != JG_OK) {
        check_refused(vi, rc, &pay, hdr, &why);
        return;
    }
    FUZZ_CHECK(hdr && pay.data, "%s: accepted without outputs", v_name[vi]);
    FUZZ_CHECK(jg_json_parse(&doc, text, len, &big) == JG_OK,
               "%s: accepted text is not JSON", v_name[vi]);
    root = jg_json_root(doc);
    sigs = jg_jval_get(root, "signatures", 10);
    so = sigs ? jg_jval_at(sigs, idx) : root;
    FUZZ_CHECK(so && (sigs || idx == 0), "%s: bad sig_index %zu", v_name[vi],
               idx);
    FUZZ_CHECK(jg_jval_str(jg_jval_get(so, "protected", 9), &ps, &ps_len) ==
                       JG_OK &&
                   jg_jval_str(jg_jval_get(so, "signature", 9), &ss,
                               &ss_len) == JG_OK &&
                   jg_jval_str(jg_jval_get(root, "payload", 7), &pl,
                               &pl_len) == JG_OK,
               "%s: accepted JWS lacks protected/signature/payload",
               v_name[vi]);
    /* RFC 7515 §7.2.1: ASCII(protected) || '.' || payload as sent */
    in = malloc(ps_len + 1 + pl_len);
    FUZZ_CHECK(in != NULL, "out of memory");
    memcpy(in, ps, ps_len);
    in[ps_len] = '.';
    memcpy(in + ps_len + 1, pl, pl_len);
    check_accepted(vi, hdr, in, ps_len + 1 + pl_len, ss, ss_len, &b64);
    free(in);
    if (b64) {
        size_t dl = 0;
        uint8_t *dec = malloc(JGI_B64_DEC_LEN(pl_len) + 1);
        FUZZ_CHECK(dec && jgi_b64url_decode(dec, &dl, pl, pl_len) == JG_OK &&
                       dl == pay.len && memcmp(dec, pay.data, dl) == 0,
                   "%s: payload is not the decoded payload member",
                   v_name[vi]);
        free(dec);
    } else {
        FUZZ_CHECK(pay.len == pl_len && memcmp(pay.data, pl, pl_len) == 0,
                   "%s: b64:false payload differs", v_name[vi]);
    }
    rc = jg_jws_verify_json(ver[vi], text, len, &pay2, &idx2, &hdr2, NULL);
    FUZZ_CHECK(rc == JG_OK && idx2 == idx,
               "%s: second verification differs: %s", v_name[vi],
               jg_err_name(rc));
    same_result(vi, &pay, hdr, &pay2, hdr2);
    jg_json_free(doc);
    jg_json_free(hdr2);
    jg_buf_free(&pay2);
    jg_json_free(hdr);
    jg_buf_free(&pay);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    for (int vi = 0; vi < V_COUNT; vi++) {
        compact(vi, (const char *)data, size);
        json_ser(vi, (const char *)data, size);
    }
    return 0;
}
