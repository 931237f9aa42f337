/* lib/jwk.c - JSON Web Keys: parse, check, serialize, thumbprint, generate.
 *
 * A JWK is checked strictly once, here, so that nothing later has to ask
 * again: kty/crv/alg must agree, "use" and "key_ops" must be known and
 * consistent, oct keys must be at least as long as their hash (RFC 7518
 * §3.2), and the backend checks RSA sizes, curve points and key pairs
 * (lib/ossl/keys.c). A key is bound to one algorithm family (RFC 8725
 * §3.1): jg_key_check_alg is the one place that decides what a key may do.
 * RFC 7517 §4, RFC 7518 §6, RFC 8037 §2, RFC 7638 (thumbprints).
 */
#include "internal.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static const jgi_alg_info algs[] = {
    {JG_HS256, "HS256", JG_KTY_OCT, JG_CRV_NONE, 32},
    {JG_HS384, "HS384", JG_KTY_OCT, JG_CRV_NONE, 48},
    {JG_HS512, "HS512", JG_KTY_OCT, JG_CRV_NONE, 64},
    {JG_RS256, "RS256", JG_KTY_RSA, JG_CRV_NONE, 32},
    {JG_RS384, "RS384", JG_KTY_RSA, JG_CRV_NONE, 48},
    {JG_RS512, "RS512", JG_KTY_RSA, JG_CRV_NONE, 64},
    {JG_PS256, "PS256", JG_KTY_RSA, JG_CRV_NONE, 32},
    {JG_PS384, "PS384", JG_KTY_RSA, JG_CRV_NONE, 48},
    {JG_PS512, "PS512", JG_KTY_RSA, JG_CRV_NONE, 64},
    {JG_ES256, "ES256", JG_KTY_EC, JG_CRV_P256, 32},
    {JG_ES384, "ES384", JG_KTY_EC, JG_CRV_P384, 48},
    {JG_ES512, "ES512", JG_KTY_EC, JG_CRV_P521, 64},
    {JG_ES256K, "ES256K", JG_KTY_EC, JG_CRV_SECP256K1, 32},
    {JG_EDDSA, "EdDSA", JG_KTY_OKP, JG_CRV_NONE, 0},
    {JG_ED25519, "Ed25519", JG_KTY_OKP, JG_CRV_ED25519, 0},
    {JG_ED448, "Ed448", JG_KTY_OKP, JG_CRV_ED448, 0},
};
#define N_ALGS (sizeof algs / sizeof algs[0])

const jgi_alg_info *jgi_alg_info_get(jg_alg alg)
{
    if (alg > JG_ALG_UNKNOWN && alg < JG_ALG__JWS_END)
        return &algs[alg - 1];
    return NULL;
}

jg_alg jg_alg_from_name(const char *name, size_t len)
{
    if (!name)
        return JG_ALG_UNKNOWN;
    for (size_t i = 0; i < N_ALGS; i++)
        if (strlen(algs[i].name) == len && memcmp(algs[i].name, name, len) == 0)
            return algs[i].alg;
    return JG_ALG_UNKNOWN;
}

const char *jg_alg_name(jg_alg alg)
{
    const jgi_alg_info *ai = jgi_alg_info_get(alg);
    return ai ? ai->name : "?";
}

/* ---- lifetime ---- */
static atomic_uint_fast64_t next_serial = 1;

static jg_key *key_new(void)
{
    jg_key *k = jgi_calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->serial = atomic_fetch_add(&next_serial, 1);
    k->refs = 1;
    return k;
}

jg_key *jgi_key_ref(const jg_key *k)
{
    jg_key *m = (jg_key *)k;
    __atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
    return m;
}

void jg_key_free(jg_key *k)
{
    if (!k)
        return;
    if (__atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    jgi_key_release(k);
    if (k->secret) {
        jg_wipe(k->secret, k->secret_len);
        jgi_free(k->secret);
    }
    jgi_free(k->kid);
    jg_wipe(k, sizeof *k);
    jgi_free(k);
}

/* ---- accessors ---- */
jg_kty jg_key_kty(const jg_key *k) { JGI_REQUIRE(k); return k->kty; }
jg_crv jg_key_crv(const jg_key *k) { JGI_REQUIRE(k); return k->crv; }
jg_alg jg_key_alg(const jg_key *k) { JGI_REQUIRE(k); return k->alg; }
int jg_key_is_private(const jg_key *k) { JGI_REQUIRE(k); return k->has_private; }
size_t jg_key_bits(const jg_key *k) { JGI_REQUIRE(k); return k->bits; }

const char *jg_key_kid(const jg_key *k, size_t *len)
{
    JGI_REQUIRE(k);
    if (len)
        *len = k->kid_len;
    return k->kid;
}

/* Does alg fit the key's type, curve and size (ignoring use/ops/alg)? */
static int alg_fits_material(const jg_key *k, const jgi_alg_info *ai)
{
    if (ai->kty != k->kty)
        return 0;
    switch (k->kty) {
    case JG_KTY_OCT:
        /* RFC 7518 §3.2: a key of the same size as the hash output or
         * larger MUST be used. */
        return k->secret_len >= ai->hash_len;
    case JG_KTY_RSA:
        return k->bits >= 2048;
    case JG_KTY_EC:
        return ai->crv == k->crv;
    case JG_KTY_OKP:
        if (ai->alg == JG_EDDSA)
            return k->crv == JG_CRV_ED25519 || k->crv == JG_CRV_ED448;
        return ai->crv == k->crv;
    default:
        return 0;
    }
}

jg_err jg_key_check_alg(const jg_key *k, jg_alg alg, unsigned op)
{
    JGI_REQUIRE(k);
    const jgi_alg_info *ai = jgi_alg_info_get(alg);
    if (!ai || !alg_fits_material(k, ai))
        return JG_E_KEY_MISMATCH;
    /* A key that names its algorithm is used with that one only. */
    if (k->alg != JG_ALG_UNKNOWN && k->alg != alg)
        return JG_E_KEY_MISMATCH;
    if (k->use == JGI_USE_ENC)
        return JG_E_KEY_MISMATCH;
    if (op == JG_OP_SIGN) {
        if (!k->has_private)
            return JG_E_KEY_MISMATCH;
        if (k->ops && !(k->ops & JG_OP_SIGN))
            return JG_E_KEY_MISMATCH;
    } else if (op == JG_OP_VERIFY) {
        if (k->ops && !(k->ops & JG_OP_VERIFY))
            return JG_E_KEY_MISMATCH;
    } else {
        return JG_E_KEY_MISMATCH;
    }
    return JG_OK;
}

/* ---- parsing ---- */
#define JWK_MAX_JSON (64u * 1024u) /* RSA-16384 private JWK is ~15 KiB */

static jg_err set_why(char *why, size_t cap, const char *msg)
{
    if (why && cap)
        snprintf(why, cap, "%s", msg);
    return JG_OK;
}

/* Decode an optional base64url string member into `out`. */
static jg_err get_b64(const jg_jval *obj, const char *name, jgi_bytes *out,
                      int required, char *why, size_t whylen)
{
    const jg_jval *v = jg_jval_get(obj, name, strlen(name));
    const char *s;
    size_t n;
    if (!v) {
        if (required) {
            if (why)
                snprintf(why, whylen, "missing \"%s\"", name);
            return JG_E_KEY_INVALID;
        }
        return JG_OK;
    }
    if (jg_jval_str(v, &s, &n) != JG_OK) {
        if (why)
            snprintf(why, whylen, "\"%s\" is not a string", name);
        return JG_E_MALFORMED;
    }
    out->p = jgi_malloc(JGI_B64_DEC_LEN(n));
    if (!out->p)
        return JG_E_NOMEM;
    if (jgi_b64url_decode(out->p, &out->n, s, n) != JG_OK) {
        if (why)
            snprintf(why, whylen, "\"%s\" is not strict base64url", name);
        return JG_E_MALFORMED;
    }
    return JG_OK;
}

static const struct {
    const char *name;
    unsigned bit;
} op_names[] = {
    {"sign", JG_OP_SIGN},       {"verify", JG_OP_VERIFY},
    {"encrypt", JG_OP_ENCRYPT}, {"decrypt", JG_OP_DECRYPT},
    {"wrapKey", JG_OP_WRAP},    {"unwrapKey", JG_OP_UNWRAP},
    {"deriveKey", JG_OP_DERIVE_KEY}, {"deriveBits", JG_OP_DERIVE_BITS},
};

static jg_err parse_common(jg_key *k, const jg_jval *root, char *why,
                           size_t whylen)
{
    const jg_jval *v;
    const char *s;
    size_t n;

    if ((v = jg_jval_get(root, "alg", 3))) {
        if (jg_jval_str(v, &s, &n) != JG_OK)
            return set_why(why, whylen, "\"alg\" is not a string"),
                   JG_E_MALFORMED;
        k->alg = jg_alg_from_name(s, n);
        if (k->alg == JG_ALG_UNKNOWN) {
            if (why)
                snprintf(why, whylen, "unsupported alg \"%.*s\"",
                         (int)(n > 32 ? 32 : n), s);
            return JG_E_UNSUPPORTED;
        }
    }
    if ((v = jg_jval_get(root, "use", 3))) {
        if (jg_jval_str(v, &s, &n) != JG_OK)
            return set_why(why, whylen, "\"use\" is not a string"),
                   JG_E_MALFORMED;
        if (n == 3 && memcmp(s, "sig", 3) == 0)
            k->use = JGI_USE_SIG;
        else if (n == 3 && memcmp(s, "enc", 3) == 0)
            k->use = JGI_USE_ENC;
        else
            return set_why(why, whylen, "unknown \"use\""), JG_E_KEY_INVALID;
    }
    if ((v = jg_jval_get(root, "key_ops", 7))) {
        size_t cnt = jg_jval_count(v);
        if (jg_jval_type(v) != JG_JSON_ARRAY)
            return set_why(why, whylen, "\"key_ops\" is not an array"),
                   JG_E_MALFORMED;
        for (size_t i = 0; i < cnt; i++) {
            unsigned bit = 0;
            if (jg_jval_str(jg_jval_at(v, i), &s, &n) != JG_OK)
                return set_why(why, whylen, "\"key_ops\" member not a string"),
                       JG_E_MALFORMED;
            for (size_t j = 0; j < sizeof op_names / sizeof op_names[0]; j++)
                if (strlen(op_names[j].name) == n &&
                    memcmp(op_names[j].name, s, n) == 0)
                    bit = op_names[j].bit;
            if (!bit)
                return set_why(why, whylen, "unknown \"key_ops\" value"),
                       JG_E_KEY_INVALID;
            if (k->ops & bit) /* RFC 7517 §4.3: no duplicates */
                return set_why(why, whylen, "duplicate \"key_ops\" value"),
                       JG_E_KEY_INVALID;
            k->ops |= bit;
        }
        if (!k->ops)
            return set_why(why, whylen, "empty \"key_ops\""), JG_E_KEY_INVALID;
    }
    /* RFC 7517 §4.3: use and key_ops, if both present, must agree. */
    if (k->use && k->ops) {
        unsigned sig = JG_OP_SIGN | JG_OP_VERIFY;
        if ((k->use == JGI_USE_SIG && (k->ops & ~sig)) ||
            (k->use == JGI_USE_ENC && (k->ops & sig)))
            return set_why(why, whylen, "\"use\" and \"key_ops\" disagree"),
                   JG_E_KEY_INVALID;
    }
    if (k->use == JGI_USE_ENC && k->alg != JG_ALG_UNKNOWN)
        return set_why(why, whylen, "an encryption key with a JWS alg"),
               JG_E_KEY_INVALID;
    if ((v = jg_jval_get(root, "kid", 3))) {
        if (jg_jval_str(v, &s, &n) != JG_OK)
            return set_why(why, whylen, "\"kid\" is not a string"),
                   JG_E_MALFORMED;
        if (n > JG_DEFAULT_MAX_KID)
            return set_why(why, whylen, "\"kid\" too long"), JG_E_LIMIT;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                return set_why(why, whylen, "control character in \"kid\""),
                       JG_E_KEY_INVALID;
        k->kid = jgi_strndup(s, n);
        if (!k->kid)
            return JG_E_NOMEM;
        k->kid_len = n;
    }
    return JG_OK;
}

static jg_err parse_material(jg_key *k, const jg_jval *root, char *why,
                             size_t whylen)
{
    jgi_parts pt;
    jg_err rc = JG_OK;
    const jg_jval *v;
    const char *s;
    size_t n;

    memset(&pt, 0, sizeof pt);
    switch (k->kty) {
    case JG_KTY_OCT:
        if ((rc = get_b64(root, "k", &pt.d, 1, why, whylen)) != JG_OK)
            goto out;
        if (pt.d.n == 0) {
            set_why(why, whylen, "empty oct key");
            rc = JG_E_KEY_INVALID;
            goto out;
        }
        k->secret = pt.d.p;
        k->secret_len = pt.d.n;
        pt.d.p = NULL;
        pt.d.n = 0;
        k->bits = k->secret_len * 8;
        k->has_private = 1;
        break;
    case JG_KTY_RSA:
        if (jg_jval_get(root, "oth", 3)) {
            set_why(why, whylen, "multi-prime RSA (\"oth\") not supported");
            rc = JG_E_UNSUPPORTED;
            goto out;
        }
        if ((rc = get_b64(root, "n", &pt.n, 1, why, whylen)) ||
            (rc = get_b64(root, "e", &pt.e, 1, why, whylen)) ||
            (rc = get_b64(root, "d", &pt.d, 0, why, whylen)))
            goto out;
        if (pt.d.p) {
            int req = 1;
            if ((rc = get_b64(root, "p", &pt.p, req, why, whylen)) ||
                (rc = get_b64(root, "q", &pt.q, req, why, whylen)) ||
                (rc = get_b64(root, "dp", &pt.dp, req, why, whylen)) ||
                (rc = get_b64(root, "dq", &pt.dq, req, why, whylen)) ||
                (rc = get_b64(root, "qi", &pt.qi, req, why, whylen)))
                goto out;
        }
        break;
    case JG_KTY_EC:
    case JG_KTY_OKP:
        if (!(v = jg_jval_get(root, "crv", 3)) ||
            jg_jval_str(v, &s, &n) != JG_OK) {
            set_why(why, whylen, "missing or non-string \"crv\"");
            rc = JG_E_KEY_INVALID;
            goto out;
        }
        k->crv = jgi_crv_from_name(s, n);
        if (k->kty == JG_KTY_EC
                ? !(k->crv == JG_CRV_P256 || k->crv == JG_CRV_P384 ||
                    k->crv == JG_CRV_P521 || k->crv == JG_CRV_SECP256K1)
                : !(k->crv == JG_CRV_ED25519 || k->crv == JG_CRV_ED448 ||
                    k->crv == JG_CRV_X25519 || k->crv == JG_CRV_X448)) {
            if (why)
                snprintf(why, whylen, "unsupported crv \"%.*s\"",
                         (int)(n > 32 ? 32 : n), s);
            rc = JG_E_UNSUPPORTED;
            goto out;
        }
        if ((rc = get_b64(root, "x", &pt.x, 1, why, whylen)) ||
            (k->kty == JG_KTY_EC &&
             (rc = get_b64(root, "y", &pt.y, 1, why, whylen))) ||
            (rc = get_b64(root, "d", &pt.d, 0, why, whylen)))
            goto out;
        break;
    default:
        rc = JG_E_UNSUPPORTED;
        goto out;
    }
    if (k->kty != JG_KTY_OCT)
        rc = jgi_key_import(k, &pt, why, whylen);
out:
    jgi_parts_free(&pt);
    return rc;
}

/* After material and common members: does the declared alg fit? */
static jg_err check_declared_alg(const jg_key *k, char *why, size_t whylen)
{
    if (k->alg != JG_ALG_UNKNOWN) {
        if (!alg_fits_material(k, jgi_alg_info_get(k->alg))) {
            if (why)
                snprintf(why, whylen, "alg %s does not fit this %s key",
                         jg_alg_name(k->alg),
                         k->kty == JG_KTY_OCT ? "oct (too short?)" : "type");
            return JG_E_KEY_INVALID;
        }
    } else if (k->kty == JG_KTY_OCT && k->secret_len < 32) {
        set_why(why, whylen, "oct key shorter than 32 bytes");
        return JG_E_KEY_INVALID;
    }
    return JG_OK;
}

static jg_err key_from_jval(jg_key **out, const jg_jval *root, char *why,
                            size_t whylen)
{
    jg_key *k = NULL;
    const jg_jval *v;
    const char *s;
    size_t n;
    jg_err rc;

    *out = NULL;
    if (jg_jval_type(root) != JG_JSON_OBJECT) {
        set_why(why, whylen, "a JWK must be a JSON object");
        return JG_E_MALFORMED;
    }
    if (!(v = jg_jval_get(root, "kty", 3)) || jg_jval_str(v, &s, &n) != JG_OK) {
        set_why(why, whylen, "missing or non-string \"kty\"");
        return JG_E_MALFORMED;
    }
    if (!(k = key_new()))
        return JG_E_NOMEM;
    if (n == 3 && memcmp(s, "oct", 3) == 0)
        k->kty = JG_KTY_OCT;
    else if (n == 3 && memcmp(s, "RSA", 3) == 0)
        k->kty = JG_KTY_RSA;
    else if (n == 2 && memcmp(s, "EC", 2) == 0)
        k->kty = JG_KTY_EC;
    else if (n == 3 && memcmp(s, "OKP", 3) == 0)
        k->kty = JG_KTY_OKP;
    else {
        if (why)
            snprintf(why, whylen, "unsupported kty \"%.*s\"",
                     (int)(n > 16 ? 16 : n), s);
        rc = JG_E_UNSUPPORTED;
        goto out;
    }
    if ((rc = parse_common(k, root, why, whylen)) != JG_OK ||
        (rc = parse_material(k, root, why, whylen)) != JG_OK ||
        (rc = check_declared_alg(k, why, whylen)) != JG_OK)
        goto out;
    if ((rc = jgi_key_prepare(k)) != JG_OK)
        goto out;
    *out = k;
    k = NULL;
out:
    jg_key_free(k);
    return rc;
}

jg_err jgi_key_from_jval(jg_key **out, const jg_jval *root, char *why,
                         size_t whylen)
{
    return key_from_jval(out, root, why, whylen);
}

jg_err jg_key_from_jwk(jg_key **out, const char *json, size_t len)
{
    jg_json *doc = NULL;
    jg_limits lim;
    jg_err rc;

    JGI_REQUIRE(out && (json || !len));
    *out = NULL;
    jg_limits_default(&lim);
    lim.max_json = JWK_MAX_JSON;
    if ((rc = jg_json_parse(&doc, json, len, &lim)) != JG_OK)
        return rc;
    rc = key_from_jval(out, jg_json_root(doc), NULL, 0);
    jg_json_free(doc);
    return rc;
}

/* ---- serialization ---- */
static void jw_bytes(jgi_jw *w, const char *name, const jgi_bytes *b)
{
    if (!b->p)
        return;
    jgi_jw_key(w, name, strlen(name));
    jgi_jw_b64(w, b->p, b->n);
}

/* Write the members RFC 7638 requires, in its lexicographic order; with
 * `priv`, the private members follow. */
static jg_err write_material(jgi_jw *w, const jg_key *k, int priv)
{
    jgi_parts pt;
    jg_err rc = JG_OK;
    const char *crv;

    memset(&pt, 0, sizeof pt);
    switch (k->kty) {
    case JG_KTY_OCT:
        jgi_jw_key(w, "k", 1);
        jgi_jw_b64(w, k->secret, k->secret_len);
        jgi_jw_key(w, "kty", 3);
        jgi_jw_str(w, "oct", 3);
        return JG_OK;
    case JG_KTY_RSA:
        if ((rc = jgi_key_export(k, priv, &pt)) != JG_OK)
            return rc;
        jw_bytes(w, "e", &pt.e);
        jgi_jw_key(w, "kty", 3);
        jgi_jw_str(w, "RSA", 3);
        jw_bytes(w, "n", &pt.n);
        if (priv) {
            jw_bytes(w, "d", &pt.d);
            jw_bytes(w, "p", &pt.p);
            jw_bytes(w, "q", &pt.q);
            jw_bytes(w, "dp", &pt.dp);
            jw_bytes(w, "dq", &pt.dq);
            jw_bytes(w, "qi", &pt.qi);
        }
        break;
    case JG_KTY_EC:
    case JG_KTY_OKP:
        if ((rc = jgi_key_export(k, priv, &pt)) != JG_OK)
            return rc;
        crv = jgi_crv_name(k->crv);
        jgi_jw_key(w, "crv", 3);
        jgi_jw_str(w, crv, strlen(crv));
        jgi_jw_key(w, "kty", 3);
        if (k->kty == JG_KTY_EC)
            jgi_jw_str(w, "EC", 2);
        else
            jgi_jw_str(w, "OKP", 3);
        jw_bytes(w, "x", &pt.x);
        jw_bytes(w, "y", &pt.y);
        if (priv)
            jw_bytes(w, "d", &pt.d);
        break;
    default:
        return JG_E_UNSUPPORTED;
    }
    jgi_parts_free(&pt);
    return rc;
}

jg_err jg_key_to_jwk(jg_buf *out, const jg_key *k, int public_only)
{
    jgi_jw w;
    jg_err rc;

    JGI_REQUIRE(out && k);
    if (k->kty == JG_KTY_OCT && public_only)
        return JG_E_KEY_MISMATCH;
    jgi_jw_init(&w, out);
    jgi_jw_obj_begin(&w);
    if ((rc = write_material(&w, k, !public_only && k->has_private)) != JG_OK) {
        jgi_jw_finish(&w);
        jg_buf_free(out);
        return rc;
    }
    if (k->alg != JG_ALG_UNKNOWN) {
        const char *a = jg_alg_name(k->alg);
        jgi_jw_key(&w, "alg", 3);
        jgi_jw_str(&w, a, strlen(a));
    }
    if (k->kid) {
        jgi_jw_key(&w, "kid", 3);
        jgi_jw_str(&w, k->kid, k->kid_len);
    }
    if (k->use) {
        jgi_jw_key(&w, "use", 3);
        jgi_jw_str(&w, k->use == JGI_USE_SIG ? "sig" : "enc", 3);
    }
    if (k->ops) {
        /* A public export turns each private operation into its public
         * counterpart (sign -> verify, decrypt -> encrypt, unwrapKey ->
         * wrapKey), as WebCrypto splits a key pair's usages: the public
         * half of a signing key is for verifying, never for signing. */
        unsigned ops = k->ops;
        /* Only a private key's export changes: a public key is exported
         * as it is, so an export never grants a right it did not have. */
        if (public_only && k->has_private) {
            unsigned priv = JG_OP_SIGN | JG_OP_DECRYPT | JG_OP_UNWRAP;
            ops = (ops & ~priv) | ((ops & JG_OP_SIGN) ? JG_OP_VERIFY : 0) |
                  ((ops & JG_OP_DECRYPT) ? JG_OP_ENCRYPT : 0) |
                  ((ops & JG_OP_UNWRAP) ? JG_OP_WRAP : 0);
        }
        jgi_jw_key(&w, "key_ops", 7);
        jgi_jw_arr_begin(&w);
        for (size_t j = 0; j < sizeof op_names / sizeof op_names[0]; j++)
            if (ops & op_names[j].bit)
                jgi_jw_str(&w, op_names[j].name, strlen(op_names[j].name));
        jgi_jw_arr_end(&w);
    }
    jgi_jw_obj_end(&w);
    return jgi_jw_finish(&w);
}

jg_err jg_key_to_pem(jg_buf *out, const jg_key *k, int public_only)
{
    JGI_REQUIRE(out && k);
    if (k->kty == JG_KTY_OCT)
        return JG_E_UNSUPPORTED;
    return jgi_key_to_pem(k, public_only || !k->has_private, out);
}

jg_err jg_key_thumbprint(jg_buf *out, const jg_key *k)
{
    jg_buf json = {0};
    jgi_jw w;
    uint8_t h[32];
    jg_err rc;

    JGI_REQUIRE(out && k);
    jgi_jw_init(&w, &json);
    jgi_jw_obj_begin(&w);
    if ((rc = write_material(&w, k, 0)) != JG_OK) {
        jgi_jw_finish(&w);
        jg_buf_free(&json);
        return rc;
    }
    jgi_jw_obj_end(&w);
    if ((rc = jgi_jw_finish(&w)) != JG_OK)
        return rc;
    rc = jgi_sha256(json.data, json.len, h);
    jg_buf_free(&json);
    if (rc == JG_OK)
        rc = jgi_buf_b64url(out, h, sizeof h);
    jg_wipe(h, sizeof h);
    return rc;
}

static jg_err set_kid_thumbprint(jg_key *k)
{
    jg_buf tp = {0};
    jg_err rc = jg_key_thumbprint(&tp, k);
    if (rc != JG_OK)
        return rc;
    k->kid = jgi_strndup((const char *)tp.data, tp.len);
    k->kid_len = tp.len;
    jg_buf_free(&tp);
    return k->kid ? JG_OK : JG_E_NOMEM;
}

jg_err jg_key_from_pem(jg_key **out, const char *pem, size_t len, jg_alg alg)
{
    jg_key *k;
    jg_err rc;

    JGI_REQUIRE(out && (pem || !len));
    *out = NULL;
    if (alg != JG_ALG_UNKNOWN && !jgi_alg_info_get(alg))
        return JG_E_INVALID_ARG;
    if (!(k = key_new()))
        return JG_E_NOMEM;
    if ((rc = jgi_key_from_pem(k, pem, len, NULL, 0)) != JG_OK)
        goto out;
    k->alg = alg;
    if ((rc = check_declared_alg(k, NULL, 0)) != JG_OK ||
        (rc = jgi_key_prepare(k)) != JG_OK ||
        (rc = set_kid_thumbprint(k)) != JG_OK)
        goto out;
    *out = k;
    k = NULL;
out:
    jg_key_free(k);
    return rc;
}

jg_err jg_key_from_secret(jg_key **out, const uint8_t *secret, size_t len,
                          jg_alg alg)
{
    jg_key *k;
    jg_err rc;
    const jgi_alg_info *ai = jgi_alg_info_get(alg);

    JGI_REQUIRE(out && (secret || !len));
    *out = NULL;
    if (!ai || ai->kty != JG_KTY_OCT)
        return JG_E_INVALID_ARG;
    if (len < ai->hash_len)
        return JG_E_KEY_INVALID;
    if (!(k = key_new()))
        return JG_E_NOMEM;
    k->kty = JG_KTY_OCT;
    k->alg = alg;
    k->has_private = 1;
    k->bits = len * 8;
    rc = JG_E_NOMEM;
    if (!(k->secret = jgi_malloc(len)))
        goto out;
    memcpy(k->secret, secret, len);
    k->secret_len = len;
    if ((rc = jgi_key_prepare(k)) != JG_OK)
        goto out;
    *out = k;
    k = NULL;
out:
    jg_key_free(k);
    return rc;
}

jg_err jg_key_generate(jg_key **out, jg_alg alg, unsigned rsa_bits,
                       const char *kid, size_t kid_len)
{
    const jgi_alg_info *ai = jgi_alg_info_get(alg);
    jg_key *k;
    jg_err rc;

    JGI_REQUIRE(out && (kid || !kid_len));
    *out = NULL;
    if (!ai)
        return JG_E_INVALID_ARG;
    if (ai->kty == JG_KTY_RSA && rsa_bits && (rsa_bits < 2048 || rsa_bits > 16384))
        return JG_E_INVALID_ARG;
    if (kid && kid_len > JG_DEFAULT_MAX_KID)
        return JG_E_LIMIT;
    if (!(k = key_new()))
        return JG_E_NOMEM;
    k->kty = ai->kty;
    k->alg = alg;
    k->crv = ai->crv;
    if (alg == JG_EDDSA)
        k->crv = JG_CRV_ED25519;
    if (ai->kty == JG_KTY_OCT) {
        rc = JG_E_NOMEM;
        if (!(k->secret = jgi_malloc(ai->hash_len)))
            goto out;
        k->secret_len = ai->hash_len;
        k->bits = ai->hash_len * 8;
        k->has_private = 1;
        if ((rc = jgi_random(k->secret, k->secret_len)) != JG_OK)
            goto out;
    } else if ((rc = jgi_key_generate(k, rsa_bits ? rsa_bits : 3072)) != JG_OK) {
        goto out;
    }
    if ((rc = jgi_key_prepare(k)) != JG_OK)
        goto out;
    if (kid) {
        rc = JG_E_NOMEM;
        if (!(k->kid = jgi_strndup(kid, kid_len)))
            goto out;
        k->kid_len = kid_len;
    } else if ((rc = set_kid_thumbprint(k)) != JG_OK) {
        goto out;
    }
    *out = k;
    k = NULL;
    rc = JG_OK;
out:
    jg_key_free(k);
    return rc;
}
