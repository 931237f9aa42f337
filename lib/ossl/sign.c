/* lib/ossl/sign.c - JWS signatures and MACs (RFC 7518 §3, RFC 8037 §3.1).
 *
 * HS* through the key's prepared HMAC context, RS*, PS* and ES* by hashing
 * with a pre-fetched digest and signing the hash with a per-thread
 * EVP_PKEY_CTX, Ed25519 through libsodium, Ed448 through OpenSSL. ECDSA
 * output is converted from OpenSSL's DER to the fixed-length R||S that
 * JWS requires (RFC 7518 §3.4). The key is never written to.
 */
#include "ossl_internal.h"
#include <string.h>
#include <openssl/ec.h>
#include <openssl/err.h>

static jg_err sign_hmac(const jg_key *k, jgo_alg ai, const uint8_t *msg,
                        size_t len, uint8_t *sig, size_t *sig_len)
{
    size_t n = 0, want = jgo_hash_len(ai.hash);
    jgo_lease l;
    jg_err rc;
    if (k->kty != JG_KTY_OCT)
        return JG_E_KEY_MISMATCH;
    if ((rc = jgi_ossl_mac_lease(&l, k, ai.hash)) != JG_OK)
        return rc;
    rc = JG_E_CRYPTO;
    if (EVP_MAC_update(l.mac, msg, len) == 1 &&
        EVP_MAC_final(l.mac, sig, &n, JGI_SIG_MAX) == 1 && n == want) {
        *sig_len = n;
        rc = JG_OK;
    } else {
        ERR_clear_error();
    }
    jgi_ossl_lease_end(&l);
    return rc;
}

/* Hash, then sign the hash: out holds up to *out_len bytes. */
static jg_err sign_pkey(const jg_key *k, jg_alg alg, jgo_alg ai,
                        const uint8_t *msg, size_t len, uint8_t *out,
                        size_t *out_len)
{
    uint8_t h[EVP_MAX_MD_SIZE];
    size_t hl = 0;
    jgo_lease l;
    jg_err rc;
    if ((rc = jgi_ossl_digest(h, &hl, ai.hash, msg, len)) != JG_OK)
        return rc;
    if ((rc = jgi_ossl_pctx_lease(&l, k, alg, JGO_OP_SIGN)) != JG_OK)
        return rc;
    rc = EVP_PKEY_sign(l.pctx, out, out_len, h, hl) == 1 ? JG_OK
                                                         : JG_E_CRYPTO;
    if (rc != JG_OK)
        ERR_clear_error();
    jgi_ossl_lease_end(&l);
    return rc;
}

static jg_err sign_ecdsa(const jg_key *k, jg_alg alg, jgo_alg ai,
                         const uint8_t *msg, size_t len, uint8_t *sig,
                         size_t *sig_len)
{
    size_t cs = jgi_crv_bytes(k->crv), dlen;
    uint8_t der[256];
    const unsigned char *dp = der;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG *es = NULL;
    jg_err rc;

    if (k->kty != JG_KTY_EC || k->crv != ai.crv)
        return JG_E_KEY_MISMATCH;
    dlen = sizeof der;
    if ((rc = sign_pkey(k, alg, ai, msg, len, der, &dlen)) != JG_OK)
        return rc;
    rc = JG_E_CRYPTO;
    /* DER -> R||S, each left-padded to the coordinate size */
    if (dlen > sizeof der || !(es = d2i_ECDSA_SIG(NULL, &dp, (long)dlen)) ||
        dp != der + dlen)
        goto out;
    ECDSA_SIG_get0(es, &r, &s);
    if (!r || !s || BN_bn2binpad(r, sig, (int)cs) != (int)cs ||
        BN_bn2binpad(s, sig + cs, (int)cs) != (int)cs)
        goto out;
    *sig_len = 2 * cs;
    rc = JG_OK;
out:
    if (rc != JG_OK)
        ERR_clear_error();
    ECDSA_SIG_free(es);
    return rc;
}

static jg_err sign_ed448(const jg_key *k, const uint8_t *msg, size_t len,
                         uint8_t *sig, size_t *sig_len)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t n = JGI_SIG_MAX;
    jg_err rc = JG_E_CRYPTO;
    if (c &&
        EVP_DigestSignInit_ex(c, NULL, NULL, NULL, NULL, k->evp, NULL) == 1 &&
        EVP_DigestSign(c, sig, &n, msg, len) == 1 && n == 114) {
        *sig_len = n;
        rc = JG_OK;
    }
    ERR_clear_error();
    EVP_MD_CTX_free(c);
    return rc;
}

jg_err jgi_sign(const jg_key *k, jg_alg alg, const uint8_t *msg, size_t len,
                uint8_t *sig, size_t *sig_len)
{
    jgo_alg ai = jgo_alg_info(alg);
    jg_err rc;
    JGI_REQUIRE(k != NULL && sig != NULL && sig_len != NULL &&
                (msg != NULL || len == 0));
    JGI_REQUIRE(k->prep != NULL); /* jgi_key_prepare was not called */
    *sig_len = 0;
    if (!k->has_private)
        return JG_E_KEY_MISMATCH;
    /* Whatever OpenSSL queues while signing (even on success, e.g. an
     * allocation it retried) is ours: leave the caller's queue as it was. */
    ERR_set_mark();
    switch (ai.family) {
    case JGO_HS:
        rc = sign_hmac(k, ai, msg, len, sig, sig_len);
        break;
    case JGO_RS:
    case JGO_PS: {
        const jgo_prep *p = k->prep;
        size_t n = JGI_SIG_MAX;
        if (k->kty != JG_KTY_RSA || !k->evp) {
            rc = JG_E_KEY_MISMATCH;
            break;
        }
        rc = sign_pkey(k, alg, ai, msg, len, sig, &n);
        if (rc == JG_OK && n != p->sig_len)
            rc = JG_E_CRYPTO;
        if (rc == JG_OK)
            *sig_len = n;
        break;
    }
    case JGO_ES:
        rc = sign_ecdsa(k, alg, ai, msg, len, sig, sig_len);
        break;
    case JGO_ED:
        if (k->kty != JG_KTY_OKP ||
            (alg == JG_ED25519 && k->crv != JG_CRV_ED25519) ||
            (alg == JG_ED448 && k->crv != JG_CRV_ED448)) {
            rc = JG_E_KEY_MISMATCH;
            break;
        }
        if (k->crv == JG_CRV_ED25519) {
            jgi_ed25519_sign(sig, msg, len, k->ed_sk);
            *sig_len = 64;
            rc = JG_OK;
        } else if (k->crv == JG_CRV_ED448) {
            rc = sign_ed448(k, msg, len, sig, sig_len);
        } else {
            rc = JG_E_KEY_MISMATCH;
        }
        break;
    default:
        rc = JG_E_KEY_MISMATCH;
        break;
    }
    ERR_pop_to_mark();
    if (rc != JG_OK) {
        jg_wipe(sig, JGI_SIG_MAX);
        *sig_len = 0;
    }
    return rc;
}
