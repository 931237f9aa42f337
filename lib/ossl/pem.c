/* lib/ossl/pem.c - PEM keys in and out.
 *
 * In: SPKI "PUBLIC KEY", PKCS#1 "RSA PUBLIC KEY", PKCS#8 "PRIVATE KEY",
 * traditional "RSA PRIVATE KEY" and "EC PRIVATE KEY" (an "EC PARAMETERS"
 * block before it is skipped). Encrypted PEM is refused, never prompted
 * for. The decoded key is taken apart into JWK members and imported again
 * through jgi_key_import, so a PEM key passes exactly the checks a JWK
 * does. Out: SPKI for public keys, unencrypted PKCS#8 for private ones.
 */
#include "ossl_internal.h"
#include <limits.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* Largest PEM text accepted: an RSA-16384 private key is about 13 kB. */
#define PEM_MAX (256u * 1024u)

/* Decode one block's DER by its label; NULL if the label is not a key.
 * *is_private says which half it holds; trailing bytes are refused. */
static EVP_PKEY *decode_block(const char *label, const unsigned char *der,
                              long dlen, int *is_private, int *known)
{
    const unsigned char *p = der;
    EVP_PKEY *pkey = NULL;
    *known = 1;
    *is_private = 0;
    if (strcmp(label, PEM_STRING_PUBLIC) == 0) {
        pkey = d2i_PUBKEY_ex(NULL, &p, dlen, NULL, NULL);
    } else if (strcmp(label, PEM_STRING_RSA_PUBLIC) == 0) {
        pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, dlen);
    } else if (strcmp(label, PEM_STRING_PKCS8INF) == 0) {
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, dlen);
        if (p8)
            pkey = EVP_PKCS82PKEY_ex(p8, NULL, NULL);
        PKCS8_PRIV_KEY_INFO_free(p8);
        *is_private = 1;
    } else if (strcmp(label, PEM_STRING_RSA) == 0) {
        pkey = d2i_PrivateKey_ex(EVP_PKEY_RSA, NULL, &p, dlen, NULL, NULL);
        *is_private = 1;
    } else if (strcmp(label, PEM_STRING_ECPRIVATEKEY) == 0) {
        pkey = d2i_PrivateKey_ex(EVP_PKEY_EC, NULL, &p, dlen, NULL, NULL);
        *is_private = 1;
    } else {
        *known = 0;
        return NULL;
    }
    if (pkey && p != der + dlen) {
        EVP_PKEY_free(pkey); /* trailing bytes after the DER */
        pkey = NULL;
    }
    return pkey;
}

/* kty/crv of a decoded key, or JG_E_UNSUPPORTED with a reason. */
static jg_err classify(const EVP_PKEY *pkey, jg_kty *kty, jg_crv *crv,
                       char *why, size_t wl)
{
    static const struct {
        const char *type;
        jg_crv crv;
    } okp[] = {{"ED25519", JG_CRV_ED25519},
               {"ED448", JG_CRV_ED448},
               {"X25519", JG_CRV_X25519},
               {"X448", JG_CRV_X448}};
    *crv = JG_CRV_NONE;
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        *kty = JG_KTY_RSA;
        return JG_OK;
    }
    if (EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        jgi_ossl_why(why, wl, "RSASSA-PSS restricted keys (id-RSASSA-PSS) "
                     "are not supported; use an rsaEncryption key");
        return JG_E_UNSUPPORTED;
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char name[80];
        size_t nl = 0;
        int nid;
        *kty = JG_KTY_EC;
        /* a named curve only: explicit parameters are refused */
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                           name, sizeof name, &nl) != 1) {
            ERR_clear_error();
            jgi_ossl_why(why, wl, "EC key with explicit curve parameters "
                         "is not supported (named curves only)");
            return JG_E_UNSUPPORTED;
        }
        nid = OBJ_txt2nid(name);
        if (nid == NID_X9_62_prime256v1)
            *crv = JG_CRV_P256;
        else if (nid == NID_secp384r1)
            *crv = JG_CRV_P384;
        else if (nid == NID_secp521r1)
            *crv = JG_CRV_P521;
        else if (nid == NID_secp256k1)
            *crv = JG_CRV_SECP256K1;
        else {
            jgi_ossl_why(why, wl, "EC curve %s is not supported (P-256, "
                         "P-384, P-521, secp256k1)", name);
            return JG_E_UNSUPPORTED;
        }
        return JG_OK;
    }
    for (size_t i = 0; i < sizeof okp / sizeof okp[0]; i++) {
        if (EVP_PKEY_is_a(pkey, okp[i].type)) {
            *kty = JG_KTY_OKP;
            *crv = okp[i].crv;
            return JG_OK;
        }
    }
    jgi_ossl_why(why, wl, "PEM key type %s is not supported",
                 EVP_PKEY_get0_type_name(pkey) ? EVP_PKEY_get0_type_name(pkey)
                                               : "?");
    return JG_E_UNSUPPORTED;
}

jg_err jgi_key_from_pem(jg_key *k, const char *pem, size_t len, char *why,
                        size_t whylen)
{
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    char *label = NULL, *header = NULL;
    unsigned char *der = NULL;
    long dlen = 0;
    int is_private = 0, saw_cert = 0;
    jg_kty kty = JG_KTY_NONE;
    jg_crv crv = JG_CRV_NONE;
    jgi_parts parts;
    jg_key tmp;
    jg_err rc = JG_E_MALFORMED;

    JGI_REQUIRE(k != NULL && (pem != NULL || len == 0));
    JGI_REQUIRE(k->evp == NULL && k->prep == NULL);
    memset(&parts, 0, sizeof parts);
    if (why && whylen)
        why[0] = '\0';
    if (len > PEM_MAX) {
        jgi_ossl_why(why, whylen, "PEM input larger than %u bytes", PEM_MAX);
        return JG_E_LIMIT;
    }
    if (!(bio = BIO_new_mem_buf(pem, (int)len))) {
        rc = JG_E_NOMEM;
        goto out;
    }
    /* Walk the blocks: exactly one key, parameters and others skipped. */
    while (PEM_read_bio(bio, &label, &header, &der, &dlen) == 1) {
        int known = 0, priv = 0;
        EVP_PKEY *got;
        if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0 ||
            strstr(header, "ENCRYPTED") != NULL) {
            jgi_ossl_why(why, whylen, "encrypted PEM keys are not "
                         "supported (decrypt it first)");
            rc = JG_E_UNSUPPORTED;
            goto out;
        }
        if (header[0] != '\0') {
            jgi_ossl_why(why, whylen, "PEM block headers are not supported");
            goto out;
        }
        got = decode_block(label, der, dlen, &priv, &known);
        if (!known) {
            saw_cert |= strcmp(label, PEM_STRING_X509) == 0 ||
                        strcmp(label, PEM_STRING_X509_OLD) == 0;
        } else if (!got) {
            jgi_ossl_why(why, whylen, "PEM \"%s\" block does not decode",
                         label);
            jgi_ossl_why_ossl(why, whylen);
            goto out;
        } else if (pkey) {
            EVP_PKEY_free(got);
            jgi_ossl_why(why, whylen, "more than one key in the PEM input");
            goto out;
        } else {
            pkey = got;
            is_private = priv;
        }
        OPENSSL_free(label);
        OPENSSL_free(header);
        OPENSSL_clear_free(der, dlen > 0 ? (size_t)dlen : 0);
        label = header = NULL;
        der = NULL;
    }
    ERR_clear_error(); /* "no start line" ends the walk */
    if (!pkey) {
        jgi_ossl_why(why, whylen, saw_cert
                     ? "X.509 certificates are not supported: give the "
                       "public key (SPKI) instead"
                     : "no PEM key block found");
        goto out;
    }
    if ((rc = classify(pkey, &kty, &crv, why, whylen)) != JG_OK)
        goto out;
    /* Take the key apart and import it again: the same checks as JWK. */
    memset(&tmp, 0, sizeof tmp);
    tmp.kty = kty;
    tmp.crv = crv;
    tmp.evp = pkey;
    tmp.has_private = is_private;
    if ((rc = jgi_key_export(&tmp, 1, &parts)) != JG_OK) {
        jgi_ossl_why(why, whylen, rc == JG_E_UNSUPPORTED
                     ? "multi-prime RSA keys are not supported"
                     : "PEM key could not be read");
        goto out;
    }
    k->kty = kty;
    k->crv = crv;
    if ((rc = jgi_key_import(k, &parts, why, whylen)) != JG_OK) {
        k->kty = JG_KTY_NONE; /* nothing half-set on failure */
        k->crv = JG_CRV_NONE;
    }
out:
    jgi_parts_free(&parts);
    EVP_PKEY_free(pkey);
    OPENSSL_free(label);
    OPENSSL_free(header);
    if (der)
        OPENSSL_clear_free(der, dlen > 0 ? (size_t)dlen : 0);
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}

jg_err jgi_key_to_pem(const jg_key *k, int public_only, jg_buf *out)
{
    BIO *bio = NULL;
    char *data = NULL;
    long n;
    int ok;
    jg_err rc = JG_E_CRYPTO;
    JGI_REQUIRE(k != NULL && out != NULL);
    if (k->kty == JG_KTY_OCT || !k->evp)
        return JG_E_UNSUPPORTED;
    /* private output goes through a "secure" memory BIO (wiped buffers) */
    if (!(bio = BIO_new(public_only || !k->has_private ? BIO_s_mem()
                                                        : BIO_s_secmem())))
        goto out;
    if (public_only || !k->has_private)
        ok = PEM_write_bio_PUBKEY(bio, k->evp); /* SPKI */
    else /* unencrypted PKCS#8 ("PRIVATE KEY") */
        ok = PEM_write_bio_PrivateKey(bio, k->evp, NULL, NULL, 0, NULL, NULL);
    if (ok != 1)
        goto out;
    n = BIO_get_mem_data(bio, &data);
    if (n <= 0 || !data)
        goto out;
    rc = jg_buf_append(out, data, (size_t)n);
out:
    ERR_clear_error();
    BIO_free(bio);
    return rc;
}
