/* lib/ossl/verify.c - signature and MAC verification, and the per-thread
 * scratch that both signing and verifying reuse.
 *
 * Lengths are checked before any crypto runs (RFC 7518 §3.2-3.5): HMAC
 * tags are the full hash, RSA signatures the modulus size, ECDSA the raw
 * R||S of 2 x coordinate size with 1 <= r, s < n (CVE-2022-21449), EdDSA
 * 64 or 114 bytes. DER and truncated MACs are never accepted. Keys are
 * shared between threads and never written to: each thread keeps its own
 * keyed HMAC and EVP_PKEY_CTX contexts in a small cache keyed by the key's
 * process-unique serial, freed when the thread exits.
 */
#include "ossl_internal.h"
#include <pthread.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

/* ---- per-thread cache ---- */
#define TL_SLOTS 16

typedef struct tl_slot {
    uint64_t serial;   /* 0 = empty */
    const void *owner; /* k->prep of the key that filled it */
    int alg;           /* jg_alg, or the hash index for a MAC */
    int op;            /* JGO_OP_* */
    EVP_MAC_CTX *mac;
    EVP_PKEY_CTX *pctx;
} tl_slot;

typedef struct tl_state {
    EVP_MD_CTX *md;
    unsigned next; /* round-robin victim when all slots are taken */
    tl_slot slot[TL_SLOTS];
} tl_state;

static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;
static int tl_key_ok;
static _Thread_local tl_state *tl;

static void slot_clear(tl_slot *s)
{
    EVP_MAC_CTX_free(s->mac); /* wipes the key copy */
    EVP_PKEY_CTX_free(s->pctx);
    memset(s, 0, sizeof *s);
}

/* Runs at thread exit (pthread key destructor). */
static void tl_destroy(void *v)
{
    tl_state *t = v;
    if (!t)
        return;
    for (int i = 0; i < TL_SLOTS; i++)
        slot_clear(&t->slot[i]);
    EVP_MD_CTX_free(t->md);
    jgi_free(t);
    if (tl == t)
        tl = NULL;
}

static void tl_make_key(void)
{
    tl_key_ok = pthread_key_create(&tl_key, tl_destroy) == 0;
}

#if defined(__GNUC__) || defined(__clang__)
/* If the shared library is unloaded, threads that outlive it must not
 * call a destructor that is gone: forget the key (their caches leak). */
__attribute__((destructor)) static void tl_unload(void)
{
    if (tl_key_ok) {
        tl_key_ok = 0;
        pthread_key_delete(tl_key);
    }
}
#endif

/* The calling thread's state, created on first use; NULL if it cannot be
 * (callers then fall back to contexts made for one call). */
static tl_state *tl_get(void)
{
    tl_state *t;
    if (tl)
        return tl;
    if (pthread_once(&tl_once, tl_make_key) != 0 || !tl_key_ok)
        return NULL;
    if (!(t = jgi_calloc(1, sizeof *t)))
        return NULL;
    if (!(t->md = EVP_MD_CTX_new()) || pthread_setspecific(tl_key, t) != 0) {
        EVP_MD_CTX_free(t->md);
        jgi_free(t);
        return NULL;
    }
    tl = t;
    return t;
}

static tl_slot *slot_find(tl_state *t, const jg_key *k, int alg, int op)
{
    for (int i = 0; i < TL_SLOTS; i++) {
        tl_slot *s = &t->slot[i];
        if (s->serial == k->serial && s->owner == k->prep && s->alg == alg &&
            s->op == op)
            return s;
    }
    return NULL;
}

static tl_slot *slot_take(tl_state *t, const jg_key *k, int alg, int op)
{
    tl_slot *s = NULL;
    for (int i = 0; i < TL_SLOTS && !s; i++)
        if (t->slot[i].serial == 0)
            s = &t->slot[i];
    if (!s) {
        s = &t->slot[t->next];
        t->next = (t->next + 1) % TL_SLOTS;
        slot_clear(s);
    }
    s->serial = k->serial;
    s->owner = k->prep;
    s->alg = alg;
    s->op = op;
    return s;
}

void jgi_ossl_tl_forget(uint64_t serial)
{
    tl_state *t = tl;
    if (!t || serial == 0)
        return;
    for (int i = 0; i < TL_SLOTS; i++)
        if (t->slot[i].serial == serial)
            slot_clear(&t->slot[i]);
}

void jgi_ossl_lease_end(jgo_lease *l)
{
    if (l->temporary) {
        EVP_MAC_CTX_free(l->mac);
        EVP_PKEY_CTX_free(l->pctx);
    }
    memset(l, 0, sizeof *l);
}

jg_err jgi_ossl_mac_lease(jgo_lease *l, const jg_key *k, int hash)
{
    const jgo_prep *p = k->prep;
    tl_state *t;
    tl_slot *s = NULL;
    memset(l, 0, sizeof *l);
    if (!p || hash < 0 || hash >= JGO_NHASH || !p->hmac[hash])
        return JG_E_KEY_MISMATCH;
    t = k->serial ? tl_get() : NULL;
    if (t && (s = slot_find(t, k, hash, JGO_OP_MAC)) != NULL) {
        l->mac = s->mac;
    } else {
        EVP_MAC_CTX *c = EVP_MAC_CTX_dup(p->hmac[hash]);
        if (!c) {
            ERR_clear_error();
            return JG_E_CRYPTO;
        }
        if (t) {
            s = slot_take(t, k, hash, JGO_OP_MAC);
            s->mac = c;
        } else {
            l->temporary = 1;
        }
        l->mac = c;
    }
    /* A NULL key restarts HMAC with the key the context already holds. */
    if (EVP_MAC_init(l->mac, NULL, 0, NULL) != 1) {
        ERR_clear_error();
        if (s)
            slot_clear(s);
        else
            jgi_ossl_lease_end(l);
        memset(l, 0, sizeof *l);
        return JG_E_CRYPTO;
    }
    return JG_OK;
}

static EVP_PKEY_CTX *pctx_new(const jg_key *k, jgo_alg ai, int op)
{
    const jgo_algs *a = jgi_ossl_algs();
    EVP_PKEY_CTX *c;
    const EVP_MD *md;
    int ok;
    if (!a || !(c = EVP_PKEY_CTX_new_from_pkey(NULL, k->evp, NULL)))
        return NULL;
    md = a->md[ai.hash];
    ok = (op == JGO_OP_SIGN ? EVP_PKEY_sign_init(c)
                            : EVP_PKEY_verify_init(c)) == 1;
    if (ok && ai.family == JGO_RS)
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0;
    if (ok && ai.family == JGO_PS)
        ok = EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) > 0;
    ok = ok && EVP_PKEY_CTX_set_signature_md(c, md) > 0;
    /* RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash;
     * on verify "digest" means exactly that length, nothing else. */
    if (ok && ai.family == JGO_PS)
        ok = EVP_PKEY_CTX_set_rsa_mgf1_md(c, md) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(c, RSA_PSS_SALTLEN_DIGEST) > 0;
    if (!ok) {
        EVP_PKEY_CTX_free(c);
        ERR_clear_error();
        return NULL;
    }
    return c;
}

jg_err jgi_ossl_pctx_lease(jgo_lease *l, const jg_key *k, jg_alg alg,
                           int op)
{
    jgo_alg ai = jgo_alg_info(alg);
    tl_state *t;
    tl_slot *s;
    EVP_PKEY_CTX *c;
    memset(l, 0, sizeof *l);
    if (!k->evp || ai.hash < 0)
        return JG_E_KEY_MISMATCH;
    t = k->serial ? tl_get() : NULL;
    if (t && (s = slot_find(t, k, (int)alg, op)) != NULL) {
        l->pctx = s->pctx;
        return JG_OK;
    }
    if (!(c = pctx_new(k, ai, op)))
        return JG_E_CRYPTO;
    if (t)
        slot_take(t, k, (int)alg, op)->pctx = c;
    else
        l->temporary = 1;
    l->pctx = c;
    return JG_OK;
}

jg_err jgi_ossl_digest(uint8_t *out, size_t *out_len, int hash,
                       const uint8_t *msg, size_t len)
{
    const jgo_algs *a = jgi_ossl_algs();
    tl_state *t = tl_get();
    EVP_MD_CTX *c;
    unsigned int n = 0;
    int ok;
    if (!a)
        return JG_E_CRYPTO;
    c = t ? t->md : EVP_MD_CTX_new();
    ok = c && EVP_DigestInit_ex2(c, a->md[hash], NULL) == 1 &&
         EVP_DigestUpdate(c, msg, len) == 1 &&
         EVP_DigestFinal_ex(c, out, &n) == 1;
    if (!t)
        EVP_MD_CTX_free(c);
    if (!ok) {
        ERR_clear_error();
        return JG_E_CRYPTO;
    }
    *out_len = n;
    return JG_OK;
}

jg_err jgi_sha256(const uint8_t *msg, size_t len, uint8_t out[32])
{
    size_t n = 0;
    jg_err rc;
    JGI_REQUIRE(out != NULL && (msg != NULL || len == 0));
    rc = jgi_ossl_digest(out, &n, JGO_SHA256, msg, len);
    return rc == JG_OK && n != 32 ? JG_E_CRYPTO : rc;
}

/* ---- verification ---- */
static jg_err verify_hmac(const jg_key *k, jgo_alg ai, const uint8_t *msg,
                          size_t len, const uint8_t *tag, size_t tag_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0, want = jgo_hash_len(ai.hash);
    jgo_lease l;
    jg_err rc;

    if (k->kty != JG_KTY_OCT)
        return JG_E_KEY_MISMATCH;
    if ((rc = jgi_ossl_mac_lease(&l, k, ai.hash)) != JG_OK)
        return rc;
    /* The tag length is public (fixed by alg): no truncated MACs. */
    if (tag_len != want) {
        rc = JG_E_BAD_SIGNATURE;
        goto out;
    }
    rc = JG_E_CRYPTO;
    if (EVP_MAC_update(l.mac, msg, len) != 1 ||
        EVP_MAC_final(l.mac, mac, &mac_len, sizeof mac) != 1 ||
        mac_len != want) {
        ERR_clear_error();
        goto out;
    }
    /* constant time from here: the MAC is secret until it matches */
    rc = CRYPTO_memcmp(mac, tag, want) == 0 ? JG_OK : JG_E_BAD_SIGNATURE;
    /* end constant time */
out:
    jgi_ossl_lease_end(&l);
    jg_wipe(mac, sizeof mac);
    return rc;
}

static jg_err verify_pkey(const jg_key *k, jg_alg alg, jgo_alg ai,
                          const uint8_t *msg, size_t len,
                          const uint8_t *sig, size_t sig_len)
{
    uint8_t h[EVP_MAX_MD_SIZE];
    size_t hl = 0;
    jgo_lease l;
    jg_err rc;
    int r;
    if ((rc = jgi_ossl_digest(h, &hl, ai.hash, msg, len)) != JG_OK)
        return rc;
    if ((rc = jgi_ossl_pctx_lease(&l, k, alg, JGO_OP_VERIFY)) != JG_OK)
        return rc;
    r = EVP_PKEY_verify(l.pctx, sig, sig_len, h, hl);
    jgi_ossl_lease_end(&l);
    if (r != 1) {
        ERR_clear_error();
        return JG_E_BAD_SIGNATURE;
    }
    return JG_OK;
}

/* 1 if 0 < v < n for big-endian numbers of the same length (public data,
 * so an ordinary comparison). */
static int in_range(const uint8_t *v, const uint8_t *n, size_t len)
{
    int nonzero = 0;
    for (size_t i = 0; i < len && !nonzero; i++)
        nonzero = v[i] != 0;
    return nonzero && memcmp(v, n, len) < 0;
}

static jg_err verify_ecdsa(const jg_key *k, jg_alg alg, jgo_alg ai,
                           const uint8_t *msg, size_t len,
                           const uint8_t *sig, size_t sig_len)
{
    const jgo_prep *p = k->prep;
    const jgo_algs *a = jgi_ossl_algs();
    size_t cs = jgi_crv_bytes(k->crv);
    /* DER of two INTEGERs of <= 66 bytes: at most 3 + 2 * (2 + 67) */
    uint8_t der[160], *dp = der;
    ECDSA_SIG *es = NULL;
    BIGNUM *r = NULL, *s = NULL;
    int dlen;
    jg_err rc = JG_E_BAD_SIGNATURE;

    if (k->kty != JG_KTY_EC || k->crv != ai.crv || p->ec_index < 0)
        return JG_E_KEY_MISMATCH;
    if (!a)
        return JG_E_CRYPTO;
    /* RFC 7518 §3.4: raw R||S, each exactly the coordinate size */
    if (sig_len != 2 * cs)
        return JG_E_BAD_SIGNATURE;
    /* 1 <= r, s <= n-1 before the backend sees them (CVE-2022-21449) */
    if (!in_range(sig, a->order[p->ec_index], cs) ||
        !in_range(sig + cs, a->order[p->ec_index], cs))
        return JG_E_BAD_SIGNATURE;
    rc = JG_E_CRYPTO;
    if (!(es = ECDSA_SIG_new()) || !(r = BN_bin2bn(sig, (int)cs, NULL)) ||
        !(s = BN_bin2bn(sig + cs, (int)cs, NULL)))
        goto out;
    if (ECDSA_SIG_set0(es, r, s) != 1)
        goto out;
    r = s = NULL; /* owned by es now */
    dlen = i2d_ECDSA_SIG(es, NULL);
    if (dlen <= 0 || (size_t)dlen > sizeof der)
        goto out;
    if (i2d_ECDSA_SIG(es, &dp) != dlen)
        goto out;
    rc = verify_pkey(k, alg, ai, msg, len, der, (size_t)dlen);
out:
    if (rc == JG_E_CRYPTO)
        ERR_clear_error();
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return rc;
}

static jg_err verify_ed448(const jg_key *k, const uint8_t *msg, size_t len,
                           const uint8_t *sig)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    jg_err rc = JG_E_CRYPTO;
    int r;
    if (!c || EVP_DigestVerifyInit_ex(c, NULL, NULL, NULL, NULL, k->evp,
                                      NULL) != 1)
        goto out;
    r = EVP_DigestVerify(c, sig, 114, msg, len);
    rc = r == 1 ? JG_OK : JG_E_BAD_SIGNATURE;
out:
    ERR_clear_error();
    EVP_MD_CTX_free(c);
    return rc;
}

/* JG_EDDSA means the key's curve; the fully specified names pin it. */
static jg_crv eddsa_curve(const jg_key *k, jg_alg alg)
{
    if (k->kty != JG_KTY_OKP)
        return JG_CRV_NONE;
    if (k->crv != JG_CRV_ED25519 && k->crv != JG_CRV_ED448)
        return JG_CRV_NONE;
    if (alg == JG_ED25519 && k->crv != JG_CRV_ED25519)
        return JG_CRV_NONE;
    if (alg == JG_ED448 && k->crv != JG_CRV_ED448)
        return JG_CRV_NONE;
    return k->crv;
}

jg_err jgi_verify(const jg_key *k, jg_alg alg, const uint8_t *msg,
                  size_t len, const uint8_t *sig, size_t sig_len)
{
    jgo_alg ai = jgo_alg_info(alg);
    const jgo_prep *p;
    JGI_REQUIRE(k != NULL && (msg != NULL || len == 0) &&
                (sig != NULL || sig_len == 0));
    JGI_REQUIRE(k->prep != NULL); /* jgi_key_prepare was not called */
    p = k->prep;
    switch (ai.family) {
    case JGO_HS:
        return verify_hmac(k, ai, msg, len, sig, sig_len);
    case JGO_RS:
    case JGO_PS:
        if (k->kty != JG_KTY_RSA || !k->evp)
            return JG_E_KEY_MISMATCH;
        /* exactly the modulus size: no short or padded signatures */
        if (sig_len != p->sig_len)
            return JG_E_BAD_SIGNATURE;
        return verify_pkey(k, alg, ai, msg, len, sig, sig_len);
    case JGO_ES:
        return verify_ecdsa(k, alg, ai, msg, len, sig, sig_len);
    case JGO_ED:
        switch (eddsa_curve(k, alg)) {
        case JG_CRV_ED25519:
            if (sig_len != 64)
                return JG_E_BAD_SIGNATURE;
            return jgi_ed25519_verify(sig, msg, len, k->ed_pk);
        case JG_CRV_ED448:
            if (sig_len != 114)
                return JG_E_BAD_SIGNATURE;
            return verify_ed448(k, msg, len, sig);
        default:
            return JG_E_KEY_MISMATCH;
        }
    default:
        return JG_E_KEY_MISMATCH;
    }
}
