/* tests/ct/ct_hmac.c - secret-taint check of the MAC paths, run under
 * valgrind by tests/ct/run_ct.py.
 *
 * Secret bytes are marked undefined with memcheck's client requests
 * (SECRET below): the HMAC key before the key is made, so the prepared
 * HMAC state, the computed MAC and everything derived from them are
 * "undefined" too; and the received tag, which is public, but treating it
 * as secret also proves the comparison does not branch on it. Any
 * conditional jump or memory index that depends on them is reported by
 * valgrind ("Conditional jump or move depends on uninitialised value(s)",
 * "Use of uninitialised value"). Results that are public by design (the
 * verdict, a signature once made) are declassified with PUBLIC. The
 * runner fails on any report except the verdict sites it lists.
 *
 * Covered: jgi_ct_equal; jgi_sign/jgi_verify for HS256/384/512 with keys
 * of the hash size and longer than the hash block (hashed first), first
 * use and cached per-thread contexts, good and tampered tags; and a JWE
 * AES-CBC-HMAC-style tag check (RFC 7518 §5.2.2.1: HMAC over
 * AAD || IV || ciphertext || AL, truncated to T_LEN, compared with
 * jgi_ct_equal). JWE does not exist yet: when it lands, its CBC-HMAC tag
 * check joins this file through its own entry point.
 *
 * Not covered, by design: key import from JWK text. The base64url decoder
 * uses table lookups indexed by the (secret) characters and is not
 * constant time (docs/security.md, "Memory and timing").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <valgrind/memcheck.h>

#include <jwtguard/jwtguard.h>
#include "internal.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

static int failures;

#define EXPECT(cond)                                                       \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "ct_hmac: %s:%d: %s\n", __FILE__, __LINE__,    \
                    #cond);                                                \
            failures++;                                                    \
        }                                                                  \
    } while (0)

/* ---- jgi_ct_equal ---- */
static void check_ct_equal(void)
{
    static const size_t lens[] = {1, 16, 24, 32, 48, 64, 100};
    uint8_t a[100], b[100];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t n = lens[i];
        int r;
        EXPECT(jgi_random(a, n) == JG_OK);
        memcpy(b, a, n);
        SECRET(a, n);
        SECRET(b, n);
        r = jgi_ct_equal(a, b, n);
        PUBLIC(&r, sizeof r);
        EXPECT(r == 1);
        /* differ in the last, then in the first byte */
        b[n - 1] ^= 0x40;
        r = jgi_ct_equal(a, b, n);
        PUBLIC(&r, sizeof r);
        EXPECT(r == 0);
        b[n - 1] ^= 0x40;
        b[0] ^= 0x01;
        r = jgi_ct_equal(a, b, n);
        PUBLIC(&r, sizeof r);
        EXPECT(r == 0);
        PUBLIC(a, n);
        PUBLIC(b, n);
    }
    printf("ct_hmac: jgi_ct_equal: %zu lengths, equal/last/first byte\n",
           sizeof lens / sizeof lens[0]);
}

/* ---- HMAC sign and verify through the crypto seam ---- */
static void verify_one(const jg_key *k, jg_alg alg, const uint8_t *msg,
                       size_t len, const uint8_t *sig, size_t sig_len,
                       size_t flip, jg_err want)
{
    uint8_t tag[JGI_SIG_MAX];
    jg_err rc;
    memcpy(tag, sig, sig_len);
    if (flip < sig_len)
        tag[flip] ^= 0x80;
    SECRET(tag, sig_len);
    rc = jgi_verify(k, alg, msg, len, tag, sig_len);
    PUBLIC(&rc, sizeof rc); /* the verdict is public */
    EXPECT(rc == want);
}

static void check_hmac(jg_alg alg, size_t key_len)
{
    static const char msg[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjdCJ9";
    uint8_t secret[160], sig[JGI_SIG_MAX];
    size_t sig_len = sizeof sig;
    jg_key *k = NULL;
    jg_err rc;

    EXPECT(key_len <= sizeof secret);
    EXPECT(jgi_random(secret, key_len) == JG_OK);
    SECRET(secret, key_len);
    rc = jg_key_from_secret(&k, secret, key_len, alg);
    PUBLIC(&rc, sizeof rc);
    EXPECT(rc == JG_OK);
    if (rc != JG_OK)
        return;
    /* Twice: the first use makes this thread's HMAC context, the second
     * takes it from the cache. */
    for (int round = 0; round < 2; round++) {
        sig_len = sizeof sig;
        rc = jgi_sign(k, alg, (const uint8_t *)msg, sizeof msg - 1, sig,
                      &sig_len);
        PUBLIC(&rc, sizeof rc);
        PUBLIC(&sig_len, sizeof sig_len);
        EXPECT(rc == JG_OK);
        PUBLIC(sig, sig_len); /* a MAC once issued is public */
        verify_one(k, alg, (const uint8_t *)msg, sizeof msg - 1, sig,
                   sig_len, (size_t)-1, JG_OK);
        verify_one(k, alg, (const uint8_t *)msg, sizeof msg - 1, sig,
                   sig_len, sig_len - 1, JG_E_BAD_SIGNATURE);
        verify_one(k, alg, (const uint8_t *)msg, sizeof msg - 1, sig,
                   sig_len, 0, JG_E_BAD_SIGNATURE);
        verify_one(k, alg, (const uint8_t *)msg, sizeof msg - 1, sig,
                   sig_len, sig_len / 2, JG_E_BAD_SIGNATURE);
    }
    jg_key_free(k);
    printf("ct_hmac: %s key %zu bytes: sign, verify good/tampered x2\n",
           jg_alg_name(alg), key_len);
}

/* ---- a JWE AES_CBC_HMAC_SHA2 style tag check (RFC 7518 §5.2.2.1) ---- */
static int cbc_hmac_tag_ok(const char *md, const uint8_t *mac_key,
                           size_t mac_key_len, const uint8_t *aad,
                           size_t aad_len, const uint8_t *iv,
                           const uint8_t *ct, size_t ct_len,
                           const uint8_t *tag, size_t t_len)
{
    uint8_t m[EVP_MAX_MD_SIZE], al[8];
    size_t ml = 0;
    uint64_t bits = (uint64_t)aad_len * 8;
    int ok = 0;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
    OSSL_PARAM prm[2];

    for (int i = 0; i < 8; i++)
        al[i] = (uint8_t)(bits >> (56 - 8 * i));
    prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                              (char *)md, 0);
    prm[1] = OSSL_PARAM_construct_end();
    if (c && EVP_MAC_init(c, mac_key, mac_key_len, prm) == 1 &&
        EVP_MAC_update(c, aad, aad_len) == 1 &&
        EVP_MAC_update(c, iv, 16) == 1 &&
        EVP_MAC_update(c, ct, ct_len) == 1 &&
        EVP_MAC_update(c, al, sizeof al) == 1 &&
        EVP_MAC_final(c, m, &ml, sizeof m) == 1 && ml >= t_len) {
        /* constant time: T = M[0..T_LEN) is secret until it matches */
        ok = jgi_ct_equal(m, tag, t_len);
    }
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac);
    jg_wipe(m, sizeof m);
    return ok;
}

static void check_cbc_hmac(const char *name, const char *md, size_t key_len)
{
    uint8_t key[32], aad[40], iv[16], ct[64], tag[32];
    size_t t_len = key_len; /* T_LEN equals MAC_KEY_LEN for all three */
    int ok;

    EXPECT(jgi_random(key, key_len) == JG_OK);
    EXPECT(jgi_random(aad, sizeof aad) == JG_OK);
    EXPECT(jgi_random(iv, sizeof iv) == JG_OK);
    EXPECT(jgi_random(ct, sizeof ct) == JG_OK);
    /* The sender's tag, computed with the key still public. */
    {
        uint8_t m[EVP_MAX_MD_SIZE], al[8];
        size_t ml = 0;
        uint64_t bits = (uint64_t)sizeof aad * 8;
        EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
        OSSL_PARAM prm[2];
        for (int i = 0; i < 8; i++)
            al[i] = (uint8_t)(bits >> (56 - 8 * i));
        prm[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                  (char *)md, 0);
        prm[1] = OSSL_PARAM_construct_end();
        EXPECT(EVP_MAC_init(c, key, key_len, prm) == 1 &&
               EVP_MAC_update(c, aad, sizeof aad) == 1 &&
               EVP_MAC_update(c, iv, sizeof iv) == 1 &&
               EVP_MAC_update(c, ct, sizeof ct) == 1 &&
               EVP_MAC_update(c, al, sizeof al) == 1 &&
               EVP_MAC_final(c, m, &ml, sizeof m) == 1);
        memcpy(tag, m, t_len);
        EVP_MAC_CTX_free(c);
        EVP_MAC_free(mac);
    }
    SECRET(key, key_len);
    for (size_t flip = 0; flip <= t_len; flip++) {
        uint8_t rx[32];
        memcpy(rx, tag, t_len);
        if (flip < t_len)
            rx[flip] ^= 0x01;
        SECRET(rx, t_len);
        ok = cbc_hmac_tag_ok(md, key, key_len, aad, sizeof aad, iv, ct,
                             sizeof ct, rx, t_len);
        PUBLIC(&ok, sizeof ok);
        EXPECT(ok == (flip == t_len));
        if (flip == 0) /* first, last and untouched suffice after 0 */
            flip = t_len - 2;
    }
    printf("ct_hmac: %s-style tag check: MAC key %zu bytes, T_LEN %zu\n",
           name, key_len, t_len);
}

int main(void)
{
    if (!RUNNING_ON_VALGRIND) {
        fprintf(stderr, "ct_hmac: must run under valgrind (tests/ct/"
                        "run_ct.py); nothing was checked\n");
        return 2;
    }
    check_ct_equal();
    check_hmac(JG_HS256, 32);
    check_hmac(JG_HS256, 100); /* longer than SHA-256's block: hashed */
    check_hmac(JG_HS384, 48);
    check_hmac(JG_HS512, 64);
    check_hmac(JG_HS512, 150); /* longer than SHA-512's block */
    check_cbc_hmac("A128CBC-HS256", "SHA256", 16);
    check_cbc_hmac("A192CBC-HS384", "SHA384", 24);
    check_cbc_hmac("A256CBC-HS512", "SHA512", 32);
    if (failures) {
        fprintf(stderr, "ct_hmac: %d functional failures\n", failures);
        return 1;
    }
    printf("ct_hmac: all results as expected\n");
    return 0;
}
