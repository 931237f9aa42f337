/* tests/vectors/vec_rfc.c - RFC examples: JOSE cookbook, RFC 7797, RFC 8037.
 *
 * Reads the RFC 7520 cookbook files under $JG_VECTORS/rfc7520 (keys, JWS in
 * compact, general and flattened JSON, detached content, unprotected
 * headers, multiple signatures), the RFC 7797 b64:false examples and the
 * Ed25519 example, and carries a few RFC appendix examples inline (RFC 7515
 * A.1-A.4, RFC 7519 §3.1, RFC 7517 A and B, RFC 7638 §3.1, RFC 8037 A).
 * Thumbprints are recomputed here with jansson + OpenSSL, independently of
 * the library. JWE files are listed and skipped with their reason. One
 * line per example, then "N passed, N failed"; exit non-zero on failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtguard/jwtguard.h>

#include "testutil.h"

static unsigned n_pass, n_fail, n_skip;

#if defined(__GNUC__) || defined(__clang__)
#define FMT(a, b) __attribute__((format(printf, a, b)))
#else
#define FMT(a, b)
#endif
static void ok(const char *name, const char *fmt, ...) FMT(2, 3);
static void bad(const char *name, const char *fmt, ...) FMT(2, 3);
static void skip(const char *name, const char *fmt, ...) FMT(2, 3);

static void ok(const char *name, const char *fmt, ...)
{
    va_list ap;
    n_pass++;
    printf("ok   %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void bad(const char *name, const char *fmt, ...)
{
    va_list ap;
    n_fail++;
    printf("FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static void skip(const char *name, const char *fmt, ...)
{
    va_list ap;
    n_skip++;
    printf("SKIP %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* ---- base64url and thumbprints, without the library ---- */
static char *b64u_encode(const unsigned char *p, size_t n)
{
    static const char al[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *o = malloc(n * 4 / 3 + 4);
    size_t j = 0, i = 0;
    if (!o)
        return NULL;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        o[j++] = al[v >> 18];
        o[j++] = al[(v >> 12) & 63];
        o[j++] = al[(v >> 6) & 63];
        o[j++] = al[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        o[j++] = al[v >> 18];
        o[j++] = al[(v >> 12) & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        o[j++] = al[v >> 18];
        o[j++] = al[(v >> 12) & 63];
        o[j++] = al[(v >> 6) & 63];
    }
    o[j] = 0;
    return o;
}

static int b64u_val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Parse a base64url-encoded JSON object (e.g. a protected header). */
static json_t *b64u_json(const char *s)
{
    size_t n = strlen(s), o = 0;
    unsigned acc = 0;
    int bits = 0;
    char *buf = malloc(n + 1);
    json_t *j;
    if (!buf)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int v = b64u_val((unsigned char)s[i]);
        if (v < 0) {
            free(buf);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (char)((acc >> bits) & 0xffu);
        }
    }
    j = json_loadb(buf, o, 0, NULL);
    free(buf);
    return j;
}

/* RFC 7638 §3: the required members, sorted, no whitespace, SHA-256. */
static char *thumbprint_of(const json_t *jwk)
{
    static const char *const req_ec[] = {"crv", "kty", "x", "y", NULL};
    static const char *const req_rsa[] = {"e", "kty", "n", NULL};
    static const char *const req_oct[] = {"k", "kty", NULL};
    static const char *const req_okp[] = {"crv", "kty", "x", NULL};
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const char *const *req;
    json_t *o;
    char *txt, *res = NULL;
    unsigned char md[32];
    unsigned mdlen = 0;
    if (!kty)
        return NULL;
    if (strcmp(kty, "EC") == 0)
        req = req_ec;
    else if (strcmp(kty, "RSA") == 0)
        req = req_rsa;
    else if (strcmp(kty, "oct") == 0)
        req = req_oct;
    else if (strcmp(kty, "OKP") == 0)
        req = req_okp;
    else
        return NULL;
    o = json_object();
    for (; *req; req++)
        json_object_set(o, *req, json_object_get(jwk, *req));
    txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (txt && EVP_Digest(txt, strlen(txt), md, &mdlen, EVP_sha256(), NULL) &&
        mdlen == 32)
        res = b64u_encode(md, 32);
    free(txt);
    return res;
}

/* ---- key, verifier and signer helpers ---- */
static jg_err key_from_text(jg_key **k, const char *txt)
{
    return jg_key_from_jwk(k, txt, strlen(txt));
}

static jg_err key_from_json(jg_key **k, const json_t *j)
{
    char *t = json_dumps(j, JSON_COMPACT);
    jg_err rc = JG_E_NOMEM;
    *k = NULL;
    if (t)
        rc = key_from_text(k, t);
    free(t);
    return rc;
}

/* The public half of a key, re-imported from jg_key_to_jwk. */
static jg_err public_of(jg_key **pub, const jg_key *k)
{
    jg_buf b = {0};
    jg_err rc = jg_key_to_jwk(&b, k, 1);
    *pub = NULL;
    if (rc == JG_OK)
        rc = jg_key_from_jwk(pub, (const char *)b.data, b.len);
    jg_buf_free(&b);
    return rc;
}

typedef struct vk {
    jg_keyset *ks;
    jg_policy *p;
    jg_verifier *v;
} vk;

static void vk_free(vk *x)
{
    jg_verifier_free(x->v);
    jg_policy_free(x->p);
    jg_keyset_free(x->ks);
    memset(x, 0, sizeof *x);
}

/* A verifier for one key and one algorithm. `now` 0 = real clock. */
static jg_err vk_new(vk *x, const jg_key *k, jg_alg alg, int b64_opt_in,
                     int64_t now)
{
    jg_err rc;
    memset(x, 0, sizeof *x);
    rc = jg_keyset_from_key(&x->ks, k);
    if (rc == JG_OK)
        rc = jg_policy_new(&x->p);
    if (rc == JG_OK)
        rc = jg_policy_allow_alg(x->p, alg);
    if (rc == JG_OK) {
        if (b64_opt_in)
            jg_policy_allow_b64_false(x->p);
        if (now)
            jg_policy_set_now(x->p, now);
        rc = jg_verifier_new(&x->v, x->p, x->ks);
    }
    if (rc != JG_OK)
        vk_free(x);
    return rc;
}

/* Outcome of one verification, for messages. */
typedef struct vres {
    jg_err err;
    size_t index;
    int payload_ok;  /* payload equals the expected bytes */
    int empty_ok;    /* on failure: outputs left empty */
    char hdr_alg[32];
    int hdr_has_kid;
    char why[300];
} vres;

static void hdr_info(vres *r, const jg_json *h)
{
    const jg_jval *root = h ? jg_json_root(h) : NULL;
    const char *s;
    size_t n;
    r->hdr_alg[0] = 0;
    r->hdr_has_kid = 0;
    if (!root)
        return;
    if (jg_jval_str(jg_jval_get(root, "alg", 3), &s, &n) == JG_OK)
        snprintf(r->hdr_alg, sizeof r->hdr_alg, "%.*s", (int)n, s);
    r->hdr_has_kid = jg_jval_get(root, "kid", 3) != NULL;
}

static vres verify_compact(const jg_verifier *v, const char *tok,
                           const char *want, size_t want_len)
{
    vres r;
    jg_buf pl = {0};
    jg_json *h = NULL;
    jg_reason why;
    memset(&r, 0, sizeof r);
    r.err = jg_jws_verify(v, tok, strlen(tok), &pl, &h, &why);
    snprintf(r.why, sizeof r.why, "%s", jg_reason_str(&why));
    r.payload_ok = r.err == JG_OK && pl.len == want_len &&
                   (want_len == 0 || memcmp(pl.data, want, want_len) == 0);
    r.empty_ok = r.err == JG_OK || (!pl.data && !pl.len && !h);
    hdr_info(&r, h);
    jg_json_free(h);
    jg_buf_free(&pl);
    return r;
}

static vres verify_json(const jg_verifier *v, const char *txt,
                        const char *want, size_t want_len)
{
    vres r;
    jg_buf pl = {0};
    jg_json *h = NULL;
    jg_reason why;
    memset(&r, 0, sizeof r);
    r.index = (size_t)-1;
    r.err = jg_jws_verify_json(v, txt, strlen(txt), &pl, &r.index, &h, &why);
    snprintf(r.why, sizeof r.why, "%s", jg_reason_str(&why));
    r.payload_ok = r.err == JG_OK && pl.len == want_len &&
                   (want_len == 0 || memcmp(pl.data, want, want_len) == 0);
    r.empty_ok = r.err == JG_OK || (!pl.data && !pl.len && !h);
    hdr_info(&r, h);
    jg_json_free(h);
    jg_buf_free(&pl);
    return r;
}

/* Expect success with the given payload (and index for JSON). */
static void expect_ok(const char *name, const vres *r, size_t want_index)
{
    if (r->err != JG_OK)
        bad(name, "expected to verify, got %s: %s", jg_err_name(r->err),
            r->why);
    else if (!r->payload_ok)
        bad(name, "verified, but the payload differs from the example's");
    else if (want_index != (size_t)-1 && r->index != want_index)
        bad(name, "verified, but reported signature index %zu, expected %zu",
            r->index, want_index);
    else if (!r->hdr_alg[0])
        bad(name, "verified, but the returned header has no alg");
    else
        ok(name, "verified (alg %s%s)", r->hdr_alg,
           want_index != (size_t)-1 ? ", index ok" : "");
}

static void expect_reject(const char *name, const vres *r, const char *why)
{
    if (r->err == JG_OK)
        bad(name, "expected rejection (%s), but it verified", why);
    else if (!r->empty_ok)
        bad(name, "rejected with %s but an output was left filled",
            jg_err_name(r->err));
    else
        ok(name, "rejected with %s (%s)", jg_err_name(r->err), why);
}

/* ---- RFC 7520 cookbook ---- */
static json_t *load(const char *rel)
{
    json_error_t e;
    json_t *j = json_load_file(jgt_vector_path(rel), 0, &e);
    if (!j)
        bad(rel, "cannot read: %s", e.text);
    return j;
}

/* Sorted *.json names of a vector folder; NULL-terminated, malloc'd. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_json(const char *rel)
{
    DIR *d = opendir(jgt_vector_path(rel));
    struct dirent *e;
    char **v = NULL;
    size_t n = 0;
    if (!d) {
        bad(rel, "cannot open folder");
        return NULL;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        char **nv;
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
            continue;
        nv = realloc(v, (n + 2) * sizeof *v);
        if (!nv)
            break;
        v = nv;
        v[n++] = strdup(e->d_name);
        v[n] = NULL;
    }
    closedir(d);
    if (v)
        qsort(v, n, sizeof *v, cmp_str);
    return v;
}

static void free_list(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static void cookbook_jwk(const char *file)
{
    char rel[300], name[320];
    json_t *j;
    jg_key *k = NULL;
    jg_err rc;
    snprintf(rel, sizeof rel, "rfc7520/jwk/%s", file);
    snprintf(name, sizeof name, "RFC 7520 jwk/%s", file);
    j = load(rel);
    if (!j)
        return;
    rc = key_from_json(&k, j);
    {
        const char *alg = json_string_value(json_object_get(j, "alg"));
        const char *use = json_string_value(json_object_get(j, "use"));
        int is_priv = json_object_get(j, "d") != NULL ||
                      strcmp(json_string_value(json_object_get(j, "kty")),
                             "oct") == 0;
        char *want_tp = thumbprint_of(j);
        jg_buf tp = {0};
        if (rc == JG_E_UNSUPPORTED && use && strcmp(use, "enc") == 0 &&
            alg && jg_alg_from_name(alg, strlen(alg)) == JG_ALG_UNKNOWN) {
            skip(name, "JWE key (alg %s) reported E_UNSUPPORTED: JWE is not "
                       "in this build",
                 alg);
        } else if (rc != JG_OK) {
            bad(name, "import failed: %s", jg_err_name(rc));
        } else if (jg_key_is_private(k) != is_priv) {
            bad(name, "imported, but jg_key_is_private says %d (expected %d)",
                jg_key_is_private(k), is_priv);
        } else if ((rc = jg_key_thumbprint(&tp, k)) != JG_OK) {
            bad(name, "imported, but jg_key_thumbprint failed: %s",
                jg_err_name(rc));
        } else if (!want_tp || tp.len != strlen(want_tp) ||
                   memcmp(tp.data, want_tp, tp.len) != 0) {
            bad(name, "thumbprint %s, RFC 7638 computation gives %s",
                (const char *)tp.data, want_tp ? want_tp : "?");
        } else {
            size_t kl = 0;
            const char *kid = jg_key_kid(k, &kl);
            const char *want_kid =
                json_string_value(json_object_get(j, "kid"));
            if (want_kid && (!kid || kl != strlen(want_kid) ||
                             memcmp(kid, want_kid, kl) != 0))
                bad(name, "kid not kept");
            else if (use && strcmp(use, "enc") == 0 &&
                     jg_key_check_alg(k, JG_HS256, JG_OP_VERIFY) == JG_OK)
                bad(name, "an encryption key (use enc) is usable for HS256");
            else
                ok(name, "imported (%s), thumbprint %s",
                   is_priv ? "private" : "public", want_tp);
        }
        jg_buf_free(&tp);
        free(want_tp);
    }
    jg_key_free(k);
    json_decref(j);
}

/* Signing options matching the example's protected header, so a
 * deterministic signature can be compared byte for byte. */
static void sign_reproduce(const char *name, const jg_key *k, jg_alg alg,
                           const json_t *signing, const char *payload,
                           const jg_verifier *v)
{
    const json_t *prot = json_object_get(signing, "protected");
    const char *prot_b64 =
        json_string_value(json_object_get(signing, "protected_b64u"));
    const char *sig = json_string_value(json_object_get(signing, "sig"));
    jg_signer *s = NULL;
    jg_jws_opts o;
    jg_buf out = {0};
    jg_err rc;
    char nm[400];
    snprintf(nm, sizeof nm, "%s sign (reproducible)", name);
    if (!prot || !prot_b64 || !sig) {
        skip(nm, "the example has no protected header: the library always "
                 "writes alg into a protected header, so the bytes cannot "
                 "match");
        return;
    }
    memset(&o, 0, sizeof o);
    o.omit_kid = json_object_get(prot, "kid") == NULL;
    o.typ = json_string_value(json_object_get(prot, "typ"));
    o.cty = json_string_value(json_object_get(prot, "cty"));
    o.b64_false = json_is_false(json_object_get(prot, "b64"));
    rc = jg_signer_new(&s, k, alg);
    if (rc == JG_OK)
        rc = jg_jws_sign(s, (const uint8_t *)payload, strlen(payload), &o,
                         &out);
    if (rc != JG_OK) {
        bad(nm, "signing failed: %s", jg_err_name(rc));
    } else {
        const char *t = (const char *)out.data;
        const char *d1 = strchr(t, '.');
        const char *d2 = d1 ? strrchr(t, '.') : NULL;
        if (!d1 || d2 == d1) {
            bad(nm, "not a compact JWS: %s", t);
        } else if ((size_t)(d1 - t) != strlen(prot_b64) ||
                   memcmp(t, prot_b64, strlen(prot_b64)) != 0) {
            /* No API writes an exact header: verify ours instead. */
            vres r = verify_compact(v, t, payload, strlen(payload));
            if (r.err == JG_OK && r.payload_ok)
                ok(nm, "header differs (library wrote %.*s, example %s): "
                       "no API sets the exact header, so bytes are not "
                       "compared; our signature verifies",
                   (int)(d1 - t), t, prot_b64);
            else
                bad(nm, "our own token does not verify: %s: %s",
                    jg_err_name(r.err), r.why);
        } else if (strcmp(d2 + 1, sig) != 0) {
            bad(nm, "same header, different signature: %s vs %s", d2 + 1,
                sig);
        } else {
            ok(nm, "byte-identical header and signature");
        }
    }
    jg_buf_free(&out);
    jg_signer_free(s);
}

/* An unprotected header holding alg or kid (RFC 7520 4.6-4.8). */
static int unprot_security(const json_t *sig)
{
    const json_t *h = json_object_get(sig, "header");
    return h && (json_object_get(h, "alg") || json_object_get(h, "kid"));
}

static void cookbook_jws_single(const char *name, const json_t *j)
{
    const json_t *in = json_object_get(j, "input");
    const json_t *outp = json_object_get(j, "output");
    const json_t *signing = json_object_get(j, "signing");
    const char *payload = json_string_value(json_object_get(in, "payload"));
    const char *algname = json_string_value(json_object_get(in, "alg"));
    const char *compact =
        json_string_value(json_object_get(outp, "compact"));
    const json_t *gen = json_object_get(outp, "json");
    const json_t *flat = json_object_get(outp, "json_flat");
    int detached = gen && !json_object_get(gen, "payload");
    jg_alg alg = algname ? jg_alg_from_name(algname, strlen(algname))
                         : JG_ALG_UNKNOWN;
    jg_key *k = NULL, *pub = NULL;
    vk v = {0}, vp = {0};
    jg_err rc;
    char nm[400];

    rc = key_from_json(&k, json_object_get(in, "key"));
    if (rc != JG_OK) {
        bad(name, "key import failed: %s", jg_err_name(rc));
        goto out;
    }
    rc = vk_new(&v, k, alg, 0, 0);
    if (rc != JG_OK) {
        /* The cookbook keys carry no alg: the caller supplies it. */
        bad(name, "no verifier for the alg-less key with policy alg %s: %s "
                  "(a key without alg must be usable for the alg the caller "
                  "allows)",
            algname, jg_err_name(rc));
        goto out;
    }
    if (jg_key_kty(k) != JG_KTY_OCT) {
        rc = public_of(&pub, k);
        if (rc == JG_OK)
            rc = vk_new(&vp, pub, alg, 0, 0);
        if (rc != JG_OK)
            bad(name, "public half (jg_key_to_jwk) unusable: %s",
                jg_err_name(rc));
    }

    if (compact) {
        snprintf(nm, sizeof nm, "%s compact", name);
        if (detached) {
            vres r = verify_compact(v.v, compact, "", 0);
            expect_reject(nm, &r, "detached content: jws.h has no "
                                  "detached-payload API, and the signature "
                                  "must not verify over an empty payload");
        } else {
            vres r = verify_compact(v.v, compact, payload, strlen(payload));
            expect_ok(nm, &r, (size_t)-1);
            if (vp.v) {
                snprintf(nm, sizeof nm, "%s compact, public key", name);
                r = verify_compact(vp.v, compact, payload, strlen(payload));
                expect_ok(nm, &r, (size_t)-1);
            }
        }
    }
    for (int f = 0; f < 2; f++) {
        const json_t *doc = f ? flat : gen;
        const json_t *sig0;
        char *txt;
        vres r;
        if (!doc)
            continue;
        sig0 = f ? doc : json_array_get(json_object_get(doc, "signatures"), 0);
        txt = json_dumps(doc, JSON_COMPACT);
        snprintf(nm, sizeof nm, "%s %s", name, f ? "json_flat" : "json");
        r = verify_json(v.v, txt, payload, strlen(payload));
        if (detached) {
            expect_reject(nm, &r, "detached content (no payload member): "
                                  "no detached-payload API in jws.h");
        } else if (unprot_security(sig0)) {
            /* Documented difference: jws.h refuses alg/kid outside the
             * protected header (catalogue A8). */
            expect_reject(nm, &r, "EXPECTED-DIFFERENT from the cookbook: "
                                  "alg/kid in an unprotected header");
            if (json_object_get(sig0, "protected")) {
                /* Drop the unprotected header: the signature still covers
                 * the same bytes and must verify, without the kid. */
                json_t *d2 = json_deep_copy(doc);
                json_t *s2 = f ? d2
                               : json_array_get(
                                     json_object_get(d2, "signatures"), 0);
                char *t2;
                json_object_del(s2, "header");
                t2 = json_dumps(d2, JSON_COMPACT);
                snprintf(nm, sizeof nm, "%s %s without the unprotected header",
                         name, f ? "json_flat" : "json");
                r = verify_json(v.v, t2, payload, strlen(payload));
                expect_ok(nm, &r, 0);
                if (r.err == JG_OK && r.hdr_has_kid)
                    bad(nm, "the returned header has a kid the protected "
                            "header does not have");
                free(t2);
                json_decref(d2);
            }
        } else {
            expect_ok(nm, &r, 0);
        }
        free(txt);
    }
    if (json_is_true(json_object_get(j, "reproducible")))
        sign_reproduce(name, k, alg, signing, payload, v.v);
    else
        printf("     %s: not reproducible (randomized signature): verify "
               "only\n",
               name);
out:
    vk_free(&v);
    vk_free(&vp);
    jg_key_free(pub);
    jg_key_free(k);
}

/* 4.8: three signers; every key and alg alone. */
static void cookbook_jws_multi(const char *name, const json_t *j)
{
    const json_t *in = json_object_get(j, "input");
    const json_t *keys = json_object_get(in, "key");
    const json_t *algs = json_object_get(in, "alg");
    const json_t *doc = json_object_get(json_object_get(j, "output"), "json");
    const json_t *sigs = json_object_get(doc, "signatures");
    const char *payload = json_string_value(json_object_get(in, "payload"));
    char *txt = json_dumps(doc, JSON_COMPACT);
    char nm[400];

    for (size_t i = 0; i < json_array_size(keys); i++) {
        const char *an = json_string_value(json_array_get(algs, i));
        jg_alg alg = an ? jg_alg_from_name(an, strlen(an)) : JG_ALG_UNKNOWN;
        const json_t *sig = json_array_get(sigs, i);
        jg_key *k = NULL;
        vk v = {0};
        jg_err rc = key_from_json(&k, json_array_get(keys, i));
        vres r;
        snprintf(nm, sizeof nm, "%s, verifier with key %zu only (%s)", name,
                 i, an ? an : "?");
        if (rc == JG_OK)
            rc = vk_new(&v, k, alg, 0, 0);
        if (rc != JG_OK) {
            bad(nm, "key/verifier: %s", jg_err_name(rc));
            jg_key_free(k);
            continue;
        }
        r = verify_json(v.v, txt, payload, strlen(payload));
        if (unprot_security(sig)) {
            expect_reject(nm, &r, "EXPECTED-DIFFERENT from the cookbook: "
                                  "this signer put alg/kid in an unprotected "
                                  "header, the others use other keys");
            if (json_object_get(sig, "protected")) {
                json_t *d2 = json_deep_copy(doc);
                char *t2;
                json_object_del(
                    json_array_get(json_object_get(d2, "signatures"), i),
                    "header");
                t2 = json_dumps(d2, JSON_COMPACT);
                snprintf(nm, sizeof nm,
                         "%s, key %zu, its unprotected header removed", name,
                         i);
                r = verify_json(v.v, t2, payload, strlen(payload));
                expect_ok(nm, &r, i);
                free(t2);
                json_decref(d2);
            }
        } else {
            /* The one clean signer: must win at its own index even though
             * the other signatures are unusable for this verifier. */
            expect_ok(nm, &r, i);
            if (r.err == JG_OK && strcmp(r.hdr_alg, an) != 0)
                bad(nm, "header of another signature returned (alg %s)",
                    r.hdr_alg);
        }
        vk_free(&v);
        jg_key_free(k);
    }
    free(txt);
}

static void cookbook_jws(const char *file)
{
    char rel[300], name[320];
    json_t *j;
    snprintf(rel, sizeof rel, "rfc7520/jws/%s", file);
    snprintf(name, sizeof name, "RFC 7520 jws/%s", file);
    j = load(rel);
    if (!j)
        return;
    if (json_is_array(json_object_get(json_object_get(j, "input"), "key")))
        cookbook_jws_multi(name, j);
    else
        cookbook_jws_single(name, j);
    json_decref(j);
}

/* RFC 7797: b64:false is refused unless the policy opts in. */
static void rfc7797(const char *file)
{
    char rel[300], name[320], nm[400];
    json_t *j;
    const json_t *in, *outp, *signing;
    const char *payload, *compact, *algname;
    int has_crit;
    jg_key *k = NULL;
    vk def = {0}, opt = {0};
    jg_err rc;
    jg_alg alg;

    snprintf(rel, sizeof rel, "rfc7520/rfc7797/%s", file);
    snprintf(name, sizeof name, "RFC 7797 %s", file);
    j = load(rel);
    if (!j)
        return;
    in = json_object_get(j, "input");
    outp = json_object_get(j, "output");
    signing = json_object_get(j, "signing");
    payload = json_string_value(json_object_get(in, "payload"));
    compact = json_string_value(json_object_get(outp, "compact"));
    algname = json_string_value(json_object_get(in, "alg"));
    alg = jg_alg_from_name(algname, strlen(algname));
    {
        /* Does the protected header that was signed list b64 in crit? */
        const json_t *gen = json_object_get(outp, "json");
        const char *pb = json_string_value(json_object_get(
            json_array_get(json_object_get(gen, "signatures"), 0),
            "protected"));
        json_t *ph = pb ? b64u_json(pb) : NULL;
        has_crit = json_object_get(ph, "crit") != NULL;
        json_decref(ph);
    }
    rc = key_from_json(&k, json_object_get(in, "key"));
    if (rc == JG_OK)
        rc = vk_new(&def, k, alg, 0, 0);
    if (rc == JG_OK)
        rc = vk_new(&opt, k, alg, 1, 0);
    if (rc != JG_OK) {
        bad(name, "key/verifier: %s", jg_err_name(rc));
        goto out;
    }
    if (compact) {
        vres r = verify_compact(def.v, compact, payload, strlen(payload));
        snprintf(nm, sizeof nm, "%s compact, default policy", name);
        expect_reject(nm, &r, "b64:false without the opt-in");
        if (r.err != JG_OK && r.err != JG_E_CRIT_UNSUPPORTED)
            printf("     note: rejected with %s rather than "
                   "E_CRIT_UNSUPPORTED\n",
                   jg_err_name(r.err));
        snprintf(nm, sizeof nm, "%s compact, jg_policy_allow_b64_false",
                 name);
        r = verify_compact(opt.v, compact, payload, strlen(payload));
        expect_ok(nm, &r, (size_t)-1);
    }
    for (int f = 0; f < 2; f++) {
        const json_t *doc = json_object_get(outp, f ? "json_flat" : "json");
        char *txt;
        vres r;
        if (!doc)
            continue;
        txt = json_dumps(doc, JSON_COMPACT);
        r = verify_json(def.v, txt, payload, strlen(payload));
        snprintf(nm, sizeof nm, "%s %s, default policy", name,
                 f ? "json_flat" : "json");
        expect_reject(nm, &r, "b64:false without the opt-in");
        r = verify_json(opt.v, txt, payload, strlen(payload));
        snprintf(nm, sizeof nm, "%s %s, jg_policy_allow_b64_false", name,
                 f ? "json_flat" : "json");
        if (has_crit)
            expect_ok(nm, &r, 0);
        else
            expect_reject(nm, &r, "EXPECTED-DIFFERENT: this example's "
                                  "header has b64:false without crit; RFC "
                                  "7797 §6 requires \"b64\" in crit");
        free(txt);
    }
    if (has_crit && json_is_true(json_object_get(j, "reproducible"))) {
        /* The signing section's protected_b64u and sig of this file are
         * from a draft (see the output section): rebuild them from the
         * compact output, which is what the RFC prints. */
        json_t *s2 = json_deep_copy(signing);
        if (compact) {
            const char *d1 = strchr(compact, '.');
            const char *d2 = strrchr(compact, '.');
            json_object_set_new(s2, "protected_b64u",
                                json_stringn(compact,
                                             (size_t)(d1 - compact)));
            json_object_set_new(s2, "sig", json_string(d2 + 1));
        }
        sign_reproduce(name, k, alg, s2, payload, opt.v);
        json_decref(s2);
    }
out:
    vk_free(&def);
    vk_free(&opt);
    jg_key_free(k);
    json_decref(j);
}

static void cfrg_jws(void)
{
    const char *name = "RFC 8037 (cookbook curve25519/jws.json)";
    json_t *j = load("rfc7520/curve25519/jws.json");
    if (!j)
        return;
    cookbook_jws_single(name, j);
    json_decref(j);
}

/* ---- inline RFC examples ---- */
/* RFC 7515 A.1 key (also RFC 7517 A.3, second key) and token (= RFC 7519
 * §3.1). */
static const char rfc7515_a1_key[] =
    "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1q"
    "S0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";
static const char rfc7515_a1_tok[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNv"
    "bS9pc19yb290Ijp0cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char rfc7515_payload[] =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n "
    "\"http://example.com/is_root\":true}";

static const char rfc7515_a2_key[] =
    "{\"kty\":\"RSA\","
    "\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp"
    "-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32"
    "690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS"
    "-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhy"
    "xXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\","
    "\"e\":\"AQAB\","
    "\"d\":\"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_G"
    "Q5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-"
    "GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGc"
    "opV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3c"
    "cPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ\","
    "\"p\":\"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBds"
    "s1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW"
    "1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc\","
    "\"q\":\"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHA"
    "jLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQ"
    "kv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc\","
    "\"dp\":\"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrq"
    "E2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7t"
    "ss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0\","
    "\"dq\":\"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXD"
    "oRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5i"
    "IgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU\","
    "\"qi\":\"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0E"
    "mpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9Sbs"
    "xYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U\"}";
static const char rfc7515_a2_tok[] =
    "eyJhbGciOiJSUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNv"
    "bS9pc19yb290Ijp0cnVlfQ."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4B"
    "h-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_n"
    "ZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn"
    "6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUT"
    "I8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

static const char rfc7515_a3_key[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\","
    "\"d\":\"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI\"}";
static const char rfc7515_a3_tok[] =
    "eyJhbGciOiJFUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNv"
    "bS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKT"
    "UJqPP3-Kg6NU1Q";

static const char rfc7515_a4_key[] =
    "{\"kty\":\"EC\",\"crv\":\"P-521\","
    "\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvL"
    "FV1jSfS9tsz4qUxcWceqwQGk\","
    "\"y\":\"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4K"
    "kd0AZMaZmh9ubmf63e3kyMj2\","
    "\"d\":\"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdR"
    "hajnu0ferB0d53vM9mE15j2C\"}";
static const char rfc7515_a4_tok[] =
    "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA."
    "AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-K"
    "GDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKv"
    "U8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

/* RFC 7517 A.1 (public) and A.2 (private) key sets. */
#define RFC7517_RSA_N                                                        \
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7"  \
    "aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXA"  \
    "rwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7"  \
    "d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lF"  \
    "d2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
static const char rfc7517_a1_set[] =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\","
    "\"use\":\"enc\",\"kid\":\"1\"},"
    "{\"kty\":\"RSA\",\"n\":\"" RFC7517_RSA_N "\",\"e\":\"AQAB\","
    "\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}]}";
static const char rfc7517_a2_ec[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
    "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\","
    "\"d\":\"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE\","
    "\"use\":\"enc\",\"kid\":\"1\"}";
static const char rfc7517_a2_rsa[] =
    "{\"kty\":\"RSA\",\"n\":\"" RFC7517_RSA_N "\",\"e\":\"AQAB\","
    "\"d\":\"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURk"
    "nchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk"
    "5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_cPVY3i07a3t8MN6TNwm0dSa"
    "wm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19"
    "Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q\","
    "\"p\":\"83i-7IvMGXoMXCskv73TKr8637FiO7Z27zv8oj6pbWUQyLPQBQxtPVnwD20R-60e"
    "TDmD2ujnMt5PoqMrm8RfmNhVWDtjjMmCMjOpSXicFHj7XOuVIYQyqVWlWEh6dN36GVZYk9"
    "3N8Bc9vY41xy8B9RzzOGVQzXvNEvn7O0nVbfs\","
    "\"q\":\"3dfOR9cuYq-0S-mkFLzgItgMEfFzB2q3hWehMuG0oCuqnb3vobLyumqjVZQO1dIr"
    "dwgTnCdpYzBcOfW5r370AFXjiWft_NGEiovonizhKpo9VVS78TzFgxkIdrecRezsZ-1kYd"
    "_s1qDbxtkDEgfAITAG9LUnADun4vIcb6yelxk\","
    "\"dp\":\"G4sPXkc6Ya9y8oJW9_ILj4xuppu0lzi_H7VTkS8xj5SdX3coE0oimYwxIi2emTA"
    "ue0UOa5dpgFGyBJ4c8tQ2VF402XRugKDTP8akYhFo5tAA77Qe_NmtuYZc3C3m3I24G2GvR"
    "5sSDxUyAN2zq8Lfn9EUms6rY3Ob8YeiKkTiBj0\","
    "\"dq\":\"s9lAH9fggBsoFR8Oac2R_E2gw282rT2kGOAhvIllETE1efrA6huUUvMfBcMpn8l"
    "qeW6vzznYY5SSQF7pMdC_agI3nG8Ibp1BUb0JUiraRNqUfLhcQb_d9GF4Dh7e74WbRsobR"
    "onujTYN1xCaP6TO61jvWrX-L18txXw494Q_cgk\","
    "\"qi\":\"GyM_p6JrXySiz1toFgKbWV-JdI3jQ4ypu9rbMWx3rQJBfmt0FoYzgUIZEVFEcOq"
    "wemRN81zoDAaa-Bk0KWNGDjJHZDdDmFhW3AN7lI-puxk_mHZGJ11rxyR8O55XLSe3SPmRf"
    "KwZI6yU24ZxvQKFYItdldUKGzO6Ia6zTKhAVRU\","
    "\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
/* RFC 7517 A.3 */
static const char rfc7517_a3_kw[] =
    "{\"kty\":\"oct\",\"alg\":\"A128KW\",\"k\":\"GawgguFyGrWKav7AX4VKUg\"}";
static const char rfc7517_a3_hmac[] =
    "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1q"
    "S0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\","
    "\"kid\":\"HMAC key used in JWS spec Appendix A.1 example\"}";
/* RFC 7517 Appendix B: a public RSA key with an X.509 chain. */
static const char rfc7517_b[] =
    "{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"1b94c\","
    "\"n\":\"vrjOfz9Ccdgx5nQudyhdoR17V-IubWMeOZCwX_jj0hgAsz2J_pqYW08PLbK_PdiV"
    "GKPrqzmDIsLI7sA25VEnHU1uCLNwBuUiCO11_-7dYbsr4iJmG0Qu2j8DsVyT1azpJC_NG8"
    "4Ty5KKthuCaPod7iI7w0LK9orSMhBEwwZDCxTWq4aYWAchc8t-emd9qOvWtVMDC2BXksRn"
    "gh6X5bUYLy6AyHKvj-nUy1wgzjYQDwHMTplCoLtU-o-8SNnZ1tmRoGE9uJkBLdh5gFENab"
    "WnU5m1ZqZPdwS-qo-meMvVfJb6jJVWRpl2SUtCnYG2C32qvbWbjZ_jBPD5eunqsIo1vQ\","
    "\"e\":\"AQAB\","
    "\"x5c\":[\"MIIDQjCCAiqgAwIBAgIGATz/FuLiMA0GCSqGSIb3DQEBBQUAMGIxCzAJBgNV"
    "BAYTAlVTMQswCQYDVQQIEwJDTzEPMA0GA1UEBxMGRGVudmVyMRwwGgYDVQQKExNQaW5nIE"
    "lkZW50aXR5IENvcnAuMRcwFQYDVQQDEw5CcmlhbiBDYW1wYmVsbDAeFw0xMzAyMjEyMzI5"
    "MTVaFw0xODA4MTQyMjI5MTVaMGIxCzAJBgNVBAYTAlVTMQswCQYDVQQIEwJDTzEPMA0GA1"
    "UEBxMGRGVudmVyMRwwGgYDVQQKExNQaW5nIElkZW50aXR5IENvcnAuMRcwFQYDVQQDEw5C"
    "cmlhbiBDYW1wYmVsbDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL64zn8/Qn"
    "HYMeZ0LncoXaEde1fiLm1jHjmQsF/449IYALM9if6amFtPDy2yvz3YlRij66s5gyLCyO7A"
    "NuVRJx1NbgizcAblIgjtdf/u3WG7K+IiZhtELto/A7Fck9Ws6SQvzRvOE8uSirYbgmj6He"
    "4iO8NCyvaK0jIQRMMGQwsU1quGmFgHIXPLfnpnfajr1rVTAwtgV5LEZ4Iel+W1GC8ugMhy"
    "r4/p1MtcIM42EA8BzE6ZQqC7VPqPvEjZ2dbZkaBhPbiZAS3YeYBRDWm1p1OZtWamT3cEvq"
    "qPpnjL1XyW+oyVVkaZdklLQp2Btgt9qr21m42f4wTw+Xrp6rCKNb0CAwEAATANBgkqhkiG"
    "9w0BAQUFAAOCAQEAh8zGlfSlcI0o3rYDPBB07aXNswb4ECNIKG0CETTUxmXl9KUL+9gGlq"
    "Cz5iWLOgWsnrcKcY0vXPG9J1r9AqBNTqNgHq2G03X09266X5CpOe1zFo+Owb1zxtp3PehF"
    "dfQJ610CDLEaS9V9Rqp17hCyybEpOGVwe8fnk+fbEL2Bo3UPGrpsHzUoaGpDftmWssZkhp"
    "BJKVMJyf/RuP2SmmaIzmnw9JiSlYhzo4tpzd5rFXhjRbg4zW9C+2qok+2+qDM1iJ684gPH"
    "MIY8aLWrdgQTxkumGmTqgawR+N5MDtdPTEQ0XfIBc2cJEUyMTY5MPvACWpkA6SdS4xSvdX"
    "K3IVfOWA==\"]}";
/* RFC 7638 §3.1: the thumbprint of the RFC 7517 A.1 RSA key. */
static const char rfc7638_tp[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
/* RFC 8037 A.1 (private), A.2 (public), A.3 (thumbprint), A.4 (JWS). */
static const char rfc8037_a1[] =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
    "\"d\":\"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
static const char rfc8037_a2[] =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";
static const char rfc8037_tp[] = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
static const char rfc8037_a4_tok[] =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7"
    "sVvpAr_MuM0KAg";

/* Import a key text, verify a compact token with `alg`, and with the
 * public half too. */
static void rfc_jws(const char *name, const char *key, const char *tok,
                    jg_alg alg, const char *payload, size_t plen)
{
    jg_key *k = NULL, *pub = NULL;
    vk v = {0}, vp = {0};
    char nm[300];
    jg_err rc = key_from_text(&k, key);
    if (rc == JG_OK)
        rc = vk_new(&v, k, alg, 0, 0);
    if (rc != JG_OK) {
        bad(name, "key/verifier for %s (key without alg): %s",
            jg_alg_name(alg), jg_err_name(rc));
        goto out;
    }
    {
        vres r = verify_compact(v.v, tok, payload, plen);
        expect_ok(name, &r, (size_t)-1);
    }
    if (jg_key_kty(k) != JG_KTY_OCT) {
        snprintf(nm, sizeof nm, "%s, public half", name);
        rc = public_of(&pub, k);
        if (rc == JG_OK)
            rc = vk_new(&vp, pub, alg, 0, 0);
        if (rc != JG_OK) {
            bad(nm, "%s", jg_err_name(rc));
        } else {
            vres r = verify_compact(vp.v, tok, payload, plen);
            expect_ok(nm, &r, (size_t)-1);
        }
    }
    {
        /* Tampered: last signature character changed. */
        char *t = strdup(tok);
        size_t n = strlen(t);
        vres r;
        t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
        snprintf(nm, sizeof nm, "%s, signature altered", name);
        r = verify_compact(v.v, t, payload, plen);
        expect_reject(nm, &r, "modified signature");
        free(t);
    }
out:
    vk_free(&v);
    vk_free(&vp);
    jg_key_free(pub);
    jg_key_free(k);
}

static void rfc7519_jwt(void)
{
    const char *name = "RFC 7519 §3.1 JWT (jg_jwt_verify, now before exp)";
    jg_key *k = NULL;
    vk v = {0}, late = {0}, real = {0};
    jg_claims *c = NULL;
    jg_reason why;
    jg_err rc = key_from_text(&k, rfc7515_a1_key);
    if (rc == JG_OK)
        rc = vk_new(&v, k, JG_HS256, 0, 1300819380 - 3600);
    if (rc == JG_OK)
        rc = vk_new(&late, k, JG_HS256, 0, 1300819380 + 31);
    if (rc == JG_OK)
        rc = vk_new(&real, k, JG_HS256, 0, 0);
    if (rc != JG_OK) {
        bad(name, "key/verifier: %s", jg_err_name(rc));
        goto out;
    }
    rc = jg_jwt_verify(v.v, rfc7515_a1_tok, strlen(rfc7515_a1_tok), &c, &why);
    if (rc != JG_OK) {
        bad(name, "%s", jg_reason_str(&why));
    } else {
        const char *iss = NULL, *raw = NULL;
        size_t il = 0, rl = 0;
        int64_t exp = 0;
        if (jg_claims_get_str(c, "iss", &iss, &il) != JG_OK || il != 3 ||
            memcmp(iss, "joe", 3) != 0)
            bad(name, "iss is not \"joe\"");
        else if (jg_claims_get_int(c, "exp", &exp) != JG_OK ||
                 exp != 1300819380)
            bad(name, "exp is not 1300819380");
        else if (jg_claims_get_raw(c, "http://example.com/is_root", &raw,
                                   &rl) != JG_OK ||
                 rl != 4 || memcmp(raw, "true", 4) != 0)
            bad(name, "http://example.com/is_root is not true");
        else
            ok(name, "verified; iss joe, exp 1300819380, is_root true");
    }
    jg_claims_free(c);
    c = NULL;
    rc = jg_jwt_verify(late.v, rfc7515_a1_tok, strlen(rfc7515_a1_tok), &c,
                       &why);
    if (rc != JG_E_CLAIM_EXPIRED || c)
        bad("RFC 7519 §3.1 JWT, now = exp + 31 s",
            "expected E_CLAIM_EXPIRED (leeway 30 s), got %s",
            jg_err_name(rc));
    else
        ok("RFC 7519 §3.1 JWT, now = exp + 31 s", "E_CLAIM_EXPIRED");
    jg_claims_free(c);
    c = NULL;
    rc = jg_jwt_verify(real.v, rfc7515_a1_tok, strlen(rfc7515_a1_tok), &c,
                       &why);
    if (rc != JG_E_CLAIM_EXPIRED || c)
        bad("RFC 7519 §3.1 JWT, real clock", "expected E_CLAIM_EXPIRED, got %s",
            jg_err_name(rc));
    else
        ok("RFC 7519 §3.1 JWT, real clock", "E_CLAIM_EXPIRED (2011 token)");
    jg_claims_free(c);
out:
    vk_free(&v);
    vk_free(&late);
    vk_free(&real);
    jg_key_free(k);
}

/* Import one key text and check what the RFC says about it. `want_tp` may
 * be NULL (then the thumbprint is computed here). */
static void rfc_key(const char *name, const char *txt, int want_private,
                    const char *want_tp, int jwe_key)
{
    jg_key *k = NULL;
    jg_buf tp = {0};
    json_t *j = json_loads(txt, 0, NULL);
    char *calc = j ? thumbprint_of(j) : NULL;
    jg_err rc = key_from_text(&k, txt);
    if (!want_tp)
        want_tp = calc;
    if (rc == JG_E_UNSUPPORTED && jwe_key) {
        skip(name, "JWE key reported E_UNSUPPORTED: JWE is not in this "
                   "build");
    } else if (rc != JG_OK) {
        bad(name, "import failed: %s", jg_err_name(rc));
    } else if (jg_key_is_private(k) != want_private) {
        bad(name, "jg_key_is_private is %d, expected %d",
            jg_key_is_private(k), want_private);
    } else if ((rc = jg_key_thumbprint(&tp, k)) != JG_OK) {
        bad(name, "jg_key_thumbprint: %s", jg_err_name(rc));
    } else if (!want_tp || tp.len != strlen(want_tp) ||
               memcmp(tp.data, want_tp, tp.len) != 0) {
        bad(name, "thumbprint %s, expected %s", (const char *)tp.data,
            want_tp ? want_tp : "?");
    } else if (calc && strcmp(calc, want_tp) != 0) {
        bad(name, "the RFC value %s differs from the computation here %s",
            want_tp, calc);
    } else if (jwe_key && jg_key_check_alg(k, JG_HS256, JG_OP_VERIFY) ==
                              JG_OK) {
        bad(name, "a key-wrapping key is usable for HS256");
    } else {
        ok(name, "imported (%s), thumbprint %s",
           want_private ? "private" : "public", want_tp);
    }
    jg_buf_free(&tp);
    jg_key_free(k);
    free(calc);
    json_decref(j);
}

static void rfc7517_sets(void)
{
    const char *name = "RFC 7517 A.1 public key set";
    jg_keyset *ks = NULL;
    size_t skipped = 0;
    jg_err rc = jg_keyset_from_jwks(&ks, rfc7517_a1_set,
                                    strlen(rfc7517_a1_set), &skipped);
    if (rc != JG_OK) {
        bad(name, "jg_keyset_from_jwks: %s", jg_err_name(rc));
    } else if (jg_keyset_count(ks) + skipped != 2) {
        bad(name, "%zu key(s) + %zu skipped, expected 2",
            jg_keyset_count(ks), skipped);
    } else {
        const jg_key *rsa = jg_keyset_find(ks, "2011-04-29", 10);
        jg_buf tp = {0};
        if (!rsa)
            bad(name, "kid 2011-04-29 not found");
        else if (jg_key_alg(rsa) != JG_RS256 || jg_key_is_private(rsa) ||
                 jg_key_bits(rsa) != 2048)
            bad(name, "RSA key: alg %s, private %d, %zu bits",
                jg_alg_name(jg_key_alg(rsa)), jg_key_is_private(rsa),
                jg_key_bits(rsa));
        else if (jg_key_thumbprint(&tp, rsa) != JG_OK ||
                 strcmp((const char *)tp.data, rfc7638_tp) != 0)
            bad(name, "RFC 7638 §3.1 thumbprint: got %s, expected %s",
                tp.data ? (const char *)tp.data : "(none)", rfc7638_tp);
        else
            ok(name, "%zu key(s)%s; RSA kid 2011-04-29 RS256, RFC 7638 "
                     "§3.1 thumbprint %s",
               jg_keyset_count(ks), skipped ? " (+1 skipped)" : "",
               rfc7638_tp);
        jg_buf_free(&tp);
    }
    jg_keyset_free(ks);
    rfc_key("RFC 7517 A.2 private EC key (use enc)", rfc7517_a2_ec, 1, NULL,
            0);
    rfc_key("RFC 7517 A.2 private RSA key (RFC 7638 §3.1 thumbprint)",
            rfc7517_a2_rsa, 1, rfc7638_tp, 0);
    rfc_key("RFC 7517 A.3 symmetric A128KW key", rfc7517_a3_kw, 1, NULL, 1);
    rfc_key("RFC 7517 A.3 symmetric HMAC key", rfc7517_a3_hmac, 1, NULL, 0);
    rfc_key("RFC 7517 B RSA key with x5c", rfc7517_b, 0, NULL, 0);
    {
        jg_key *k = NULL;
        size_t kl = 0;
        const char *kid;
        if (key_from_text(&k, rfc7517_b) == JG_OK) {
            kid = jg_key_kid(k, &kl);
            if (!kid || kl != 5 || memcmp(kid, "1b94c", 5) != 0 ||
                jg_key_bits(k) != 2048 || jg_key_kty(k) != JG_KTY_RSA)
                bad("RFC 7517 B details", "kid/bits/kty not as in the RFC");
            else
                ok("RFC 7517 B details", "kid 1b94c, RSA 2048");
        }
        jg_key_free(k);
    }
}

static void rfc8037(void)
{
    static const char pl[] = "Example of Ed25519 signing";
    jg_key *k = NULL;
    jg_signer *s = NULL;
    jg_buf out = {0};
    jg_err rc;
    rfc_key("RFC 8037 A.1 private Ed25519 key (A.3 thumbprint)", rfc8037_a1,
            1, rfc8037_tp, 0);
    rfc_key("RFC 8037 A.2 public Ed25519 key (A.3 thumbprint)", rfc8037_a2, 0,
            rfc8037_tp, 0);
    rfc_jws("RFC 8037 A.4 Ed25519 JWS (private key)", rfc8037_a1,
            rfc8037_a4_tok, JG_EDDSA, pl, strlen(pl));
    rfc_jws("RFC 8037 A.4 Ed25519 JWS (public key)", rfc8037_a2,
            rfc8037_a4_tok, JG_EDDSA, pl, strlen(pl));
    /* Ed25519 is deterministic and the key has no kid: the header is
     * {"alg":"EdDSA"}, so the token must be the RFC's, byte for byte. */
    rc = key_from_text(&k, rfc8037_a1);
    if (rc == JG_OK)
        rc = jg_signer_new(&s, k, JG_EDDSA);
    if (rc == JG_OK)
        rc = jg_jws_sign(s, (const uint8_t *)pl, strlen(pl), NULL, &out);
    if (rc != JG_OK)
        bad("RFC 8037 A.4 sign", "%s", jg_err_name(rc));
    else if (strcmp((const char *)out.data, rfc8037_a4_tok) != 0)
        bad("RFC 8037 A.4 sign", "token differs: %s", (const char *)out.data);
    else
        ok("RFC 8037 A.4 sign", "byte-identical to the RFC");
    jg_buf_free(&out);
    jg_signer_free(s);
    jg_key_free(k);
}

int main(void)
{
    char **files;

    /* RFC 7520 cookbook: keys */
    files = list_json("rfc7520/jwk");
    for (size_t i = 0; files && files[i]; i++)
        cookbook_jwk(files[i]);
    free_list(files);
    /* RFC 7520 cookbook: signatures */
    files = list_json("rfc7520/jws");
    for (size_t i = 0; files && files[i]; i++)
        cookbook_jws(files[i]);
    free_list(files);
    /* RFC 7520 cookbook: encryption, nesting */
    files = list_json("rfc7520/jwe");
    for (size_t i = 0; files && files[i]; i++)
        skip(files[i], "RFC 7520 §5 JWE: not in this build");
    free_list(files);
    skip("RFC 7520 6.nesting_signatures_and_encryption.json",
         "needs JWE: not in this build");
    /* RFC 7797 */
    files = list_json("rfc7520/rfc7797");
    for (size_t i = 0; files && files[i]; i++)
        rfc7797(files[i]);
    free_list(files);
    /* RFC 8037 (cookbook copy) */
    cfrg_jws();
    skip("RFC 8037 curve25519/ecdh-es.json", "X25519 ECDH-ES is JWE: not in "
                                             "this build");

    /* Inline RFC examples */
    rfc_jws("RFC 7515 A.1 HS256", rfc7515_a1_key, rfc7515_a1_tok, JG_HS256,
            rfc7515_payload, strlen(rfc7515_payload));
    rfc_jws("RFC 7515 A.2 RS256", rfc7515_a2_key, rfc7515_a2_tok, JG_RS256,
            rfc7515_payload, strlen(rfc7515_payload));
    rfc_jws("RFC 7515 A.3 ES256", rfc7515_a3_key, rfc7515_a3_tok, JG_ES256,
            rfc7515_payload, strlen(rfc7515_payload));
    rfc_jws("RFC 7515 A.4 ES512", rfc7515_a4_key, rfc7515_a4_tok, JG_ES512,
            "Payload", 7);
    {
        /* RFC 7515 A.5 is an unsecured JWS: it must never verify. */
        static const char a5[] =
            "eyJhbGciOiJub25lIn0."
            "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
            "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
        jg_key *k = NULL;
        vk v = {0};
        if (key_from_text(&k, rfc7515_a1_key) == JG_OK &&
            vk_new(&v, k, JG_HS256, 0, 0) == JG_OK) {
            vres r = verify_compact(v.v, a5, "", 0);
            expect_reject("RFC 7515 A.5 unsecured JWS", &r, "alg none");
        } else {
            bad("RFC 7515 A.5 unsecured JWS", "no verifier");
        }
        vk_free(&v);
        jg_key_free(k);
    }
    rfc7519_jwt();
    rfc7517_sets();
    rfc8037();

    printf("%u passed, %u failed (%u skipped with a reason)\n", n_pass,
           n_fail, n_skip);
    return n_fail ? 1 : 0;
}
