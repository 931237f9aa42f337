/* lib/jws.c - JSON Web Signature (RFC 7515): the verify path and signing.
 *
 * The verify path, in order (DESIGN.md): size limit -> exactly three
 * segments -> strict base64url header -> strict JSON header -> alg in the
 * allowlist -> crit/b64 checks -> key by exact kid from the verifier's own
 * keyset, bound to the alg -> signature over the raw ASCII -> payload.
 * Nothing in the token fetches or supplies a key: jwk, jku, x5u and x5c
 * are never read for that. There is no code path for "none".
 * RFC 7515 §5.2 (validation), §7.1/§7.2 (serializations), RFC 7797 (b64).
 */
#include "internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The longest signature segment that can be valid: JGI_SIG_MAX bytes,
 * unpadded base64url. Anything longer is refused before decoding, so the
 * decoded bytes always fit a JGI_SIG_MAX buffer. */
#define SIG_B64_MAX ((JGI_SIG_MAX * 4 + 2) / 3)
_Static_assert(JGI_B64_DEC_LEN(SIG_B64_MAX) <= JGI_SIG_MAX + 2,
               "signature bound");

/* ---- reasons ---- */
void jgi_reason_field(char *dst, size_t cap, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        dst[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    dst[o] = '\0';
}

jg_err jgi_reason(jg_reason *why, jg_err err, const char *check,
                  const char *fmt, ...)
{
    if (!why)
        return err;
    why->err = err;
    snprintf(why->check, sizeof why->check, "%s", check);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why->detail, sizeof why->detail, fmt, ap);
        va_end(ap);
    } else {
        why->detail[0] = '\0';
    }
    return err;
}

static void reason_reset(jg_reason *why)
{
    if (why)
        memset(why, 0, sizeof *why);
}

/* ---- verifier ---- */
jg_err jg_verifier_new(jg_verifier **out, const jg_policy *p,
                       const jg_keyset *ks)
{
    JGI_REQUIRE(out && p && ks);
    *out = NULL;
    if (!p->algs)
        return JG_E_INVALID_ARG;
    /* Some key must fit some allowed algorithm, or every token fails. */
    int usable = 0;
    for (size_t i = 0; i < ks->n && !usable; i++)
        for (jg_alg a = JG_HS256; a < JG_ALG__JWS_END && !usable; a++)
            if ((p->algs & (1u << a)) &&
                jg_key_check_alg(ks->keys[i], a, JG_OP_VERIFY) == JG_OK)
                usable = 1;
    if (!usable)
        return JG_E_INVALID_ARG;
    jg_verifier *v = jgi_calloc(1, sizeof *v);
    if (!v)
        return JG_E_NOMEM;
    if (jgi_policy_copy(&v->pol, p) != JG_OK) {
        jgi_free(v);
        return JG_E_NOMEM;
    }
    v->ks = jgi_keyset_ref(ks);
    *out = v;
    return JG_OK;
}

void jg_verifier_free(jg_verifier *v)
{
    if (!v)
        return;
    jgi_policy_clear(&v->pol);
    jg_keyset_free(v->ks);
    jgi_free(v);
}

/* ---- header checks shared by compact and JSON ---- */

/* Header names registered by RFC 7515/7516/7518/7797: they may not be
 * listed in crit (RFC 7515 §4.1.11). */
static const char *const registered[] = {
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ",
    "cty", "crit", "enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s",
    "p2c",
};

static int name_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* ASCII-only case-insensitive compare (no locale). 0 if equal. */
static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* The header as the verify path needs it. `unprot` may be NULL. */
typedef struct hdr_view {
    jg_alg alg;
    const char *kid;
    size_t kid_len;
    int b64; /* 1 default, 0 for RFC 7797 unencoded payload */
} hdr_view;

static jg_err check_crit(const jg_policy *pol, const jg_jval *hdr,
                         hdr_view *hv, jg_reason *why)
{
    const jg_jval *crit = jg_jval_get(hdr, "crit", 4);
    const jg_jval *b64 = jg_jval_get(hdr, "b64", 3);
    int b64_in_crit = 0;

    hv->b64 = 1;
    if (crit) {
        size_t n = jg_jval_count(crit);
        if (jg_jval_type(crit) != JG_JSON_ARRAY || n == 0)
            return jgi_reason(why, JG_E_MALFORMED, "header",
                              "crit must be a non-empty array");
        for (size_t i = 0; i < n; i++) {
            const char *s;
            size_t sl;
            if (jg_jval_str(jg_jval_at(crit, i), &s, &sl) != JG_OK)
                return jgi_reason(why, JG_E_MALFORMED, "header",
                                  "crit member is not a string");
            for (size_t j = 0; j < i; j++) {
                const char *t;
                size_t tl;
                if (jg_jval_str(jg_jval_at(crit, j), &t, &tl) == JG_OK &&
                    tl == sl && memcmp(s, t, sl) == 0)
                    return jgi_reason(why, JG_E_MALFORMED, "header",
                                      "crit lists a name twice");
            }
            for (size_t j = 0; j < sizeof registered / sizeof *registered; j++)
                if (name_is(s, sl, registered[j]))
                    return jgi_reason(why, JG_E_MALFORMED, "header",
                                      "crit lists registered name \"%s\"",
                                      registered[j]);
            if (!jg_jval_get(hdr, s, sl))
                return jgi_reason(why, JG_E_MALFORMED, "header",
                                  "crit names a parameter not present");
            if (name_is(s, sl, "b64") && pol->b64_false) {
                b64_in_crit = 1;
                continue;
            }
            char nm[40];
            jgi_reason_field(nm, sizeof nm, s, sl);
            return jgi_reason(why, JG_E_CRIT_UNSUPPORTED, "header",
                              "crit extension \"%s\" not enabled", nm);
        }
    }
    if (b64) {
        int val;
        if (jg_jval_bool(b64, &val) != JG_OK)
            return jgi_reason(why, JG_E_MALFORMED, "header",
                              "b64 is not a boolean");
        /* RFC 7797 §6: b64 must be understood, so it must be in crit;
         * we honour it only when the caller opted in. */
        if (!b64_in_crit)
            return jgi_reason(why, JG_E_CRIT_UNSUPPORTED, "header",
                              pol->b64_false ? "b64 present without crit"
                                             : "b64 (RFC 7797) not enabled");
        hv->b64 = val;
    }
    return JG_OK;
}

static jg_err check_header(const jg_verifier *v, const jg_jval *hdr,
                           const jg_jval *unprot, hdr_view *hv,
                           jg_reason *why)
{
    const jg_policy *pol = &v->pol;
    const jg_jval *a, *k, *jwk;
    const char *s;
    size_t n;
    jg_err rc;

    memset(hv, 0, sizeof *hv);
    if (jg_jval_type(hdr) != JG_JSON_OBJECT)
        return jgi_reason(why, JG_E_MALFORMED, "header",
                          "header is not a JSON object");
    a = jg_jval_get(hdr, "alg", 3);
    if (!a)
        return jgi_reason(why, JG_E_MALFORMED, "header",
                          (unprot && jg_jval_get(unprot, "alg", 3))
                              ? "alg must be in the protected header"
                              : "no alg");
    if (jg_jval_str(a, &s, &n) != JG_OK)
        return jgi_reason(why, JG_E_MALFORMED, "header", "alg not a string");
    if (why)
        jgi_reason_field(why->alg, sizeof why->alg, s, n);
    hv->alg = jg_alg_from_name(s, n);
    if (hv->alg == JG_ALG_UNKNOWN)
        return jgi_reason(why, JG_E_ALG_NOT_ALLOWED, "alg",
                          "\"%s\" is not a supported algorithm",
                          why ? why->alg : "?");
    if (!(pol->algs & (1u << hv->alg)))
        return jgi_reason(why, JG_E_ALG_NOT_ALLOWED, "alg",
                          "%s is not in the allowlist", jg_alg_name(hv->alg));
    if ((rc = check_crit(pol, hdr, hv, why)) != JG_OK)
        return rc;
    /* A symmetric key in a header is never legitimate (catalogue A3). */
    if ((jwk = jg_jval_get(hdr, "jwk", 3))) {
        const jg_jval *kty = jg_jval_get(jwk, "kty", 3);
        if (jg_jval_type(jwk) != JG_JSON_OBJECT ||
            (kty && jg_jval_str(kty, &s, &n) == JG_OK && name_is(s, n, "oct")))
            return jgi_reason(why, JG_E_MALFORMED, "header",
                              "symmetric or malformed jwk header");
    }
    k = jg_jval_get(hdr, "kid", 3);
    if (k) {
        if (jg_jval_str(k, &s, &n) != JG_OK)
            return jgi_reason(why, JG_E_MALFORMED, "header",
                              "kid not a string");
        if (why)
            jgi_reason_field(why->kid, sizeof why->kid, s, n);
        if (n > pol->lim.max_kid)
            return jgi_reason(why, JG_E_LIMIT, "header", "kid longer than %zu",
                              pol->lim.max_kid);
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
                return jgi_reason(why, JG_E_MALFORMED, "header",
                                  "control character in kid");
        hv->kid = s;
        hv->kid_len = n;
    }
    if (pol->typ.p) {
        const jg_jval *t = jg_jval_get(hdr, "typ", 3);
        if (!t)
            return jgi_reason(why, JG_E_CLAIM_TYP, "header", "no typ");
        if (jg_jval_str(t, &s, &n) != JG_OK)
            return jgi_reason(why, JG_E_CLAIM_TYPE, "header",
                              "typ not a string");
        /* RFC 7515 §4.1.9: compare case-insensitively, with the
         * "application/" prefix optional. */
        const char *want = pol->typ.p;
        size_t wl = pol->typ.n;
        if (n > 12 && strncasecmp_ascii(s, "application/", 12) == 0)
            s += 12, n -= 12;
        if (wl > 12 && strncasecmp_ascii(want, "application/", 12) == 0)
            want += 12, wl -= 12;
        if (n != wl || strncasecmp_ascii(s, want, n) != 0)
            return jgi_reason(why, JG_E_CLAIM_TYP, "header",
                              "typ does not match the required \"%s\"",
                              pol->typ.p);
    }
    return JG_OK;
}

/* Find the key and check the signature. */
static jg_err check_signature(const jg_verifier *v, const hdr_view *hv,
                              const uint8_t *input, size_t input_len,
                              const uint8_t *sig, size_t sig_len,
                              const jg_key **used, jg_reason *why)
{
    const jg_keyset *ks = v->ks;
    jg_err rc;

    if (hv->kid) {
        const jg_key *k = jg_keyset_find(ks, hv->kid, hv->kid_len);
        if (!k)
            return jgi_reason(why, JG_E_KEY_MISMATCH, "key",
                              "no key with this kid");
        if (jg_key_check_alg(k, hv->alg, JG_OP_VERIFY) != JG_OK)
            return jgi_reason(why, JG_E_KEY_MISMATCH, "key",
                              "the key with this kid cannot verify %s",
                              jg_alg_name(hv->alg));
        rc = jgi_verify(k, hv->alg, input, input_len, sig, sig_len);
        if (rc != JG_OK)
            return jgi_reason(why, rc, "signature", "%s signature invalid",
                              jg_alg_name(hv->alg));
        *used = k;
        return JG_OK;
    }
    /* No kid: try the keys that fit this alg, in order. */
    int tried = 0;
    rc = JG_E_KEY_MISMATCH;
    for (size_t i = 0; i < ks->n; i++) {
        const jg_key *k = ks->keys[i];
        if (jg_key_check_alg(k, hv->alg, JG_OP_VERIFY) != JG_OK)
            continue;
        tried++;
        rc = jgi_verify(k, hv->alg, input, input_len, sig, sig_len);
        if (rc == JG_OK) {
            *used = k;
            return JG_OK;
        }
    }
    if (!tried)
        return jgi_reason(why, JG_E_KEY_MISMATCH, "key",
                          "no key can verify %s", jg_alg_name(hv->alg));
    return jgi_reason(why, rc, "signature", "%s signature invalid (%d key%s)",
                      jg_alg_name(hv->alg), tried, tried == 1 ? "" : "s");
}

/* Decode a base64url segment into the arena (NUL-terminated). */
static jg_err decode_seg(jgi_arena *a, const char *s, size_t n, size_t max,
                         uint8_t **out, size_t *out_len)
{
    if (JGI_B64_DEC_LEN(n) > max + 3)
        return JG_E_LIMIT;
    uint8_t *b = jgi_arena_alloc(a, JGI_B64_DEC_LEN(n) + 1);
    if (!b)
        return JG_E_NOMEM;
    if (jgi_b64url_decode(b, out_len, s, n) != JG_OK)
        return JG_E_MALFORMED;
    if (*out_len > max)
        return JG_E_LIMIT;
    b[*out_len] = '\0';
    *out = b;
    return JG_OK;
}

static jg_err parse_header_seg(const jg_verifier *v, jgi_arena *a,
                               const char *s, size_t n, const char **text,
                               size_t *text_len, const jg_jval **hdr,
                               jg_reason *why)
{
    uint8_t *h;
    jg_err rc = decode_seg(a, s, n, v->pol.lim.max_json, &h, text_len);
    if (rc == JG_E_MALFORMED)
        return jgi_reason(why, rc, "b64", "header is not strict base64url");
    if (rc != JG_OK)
        return jgi_reason(why, rc, "size", "header too large");
    *text = (const char *)h;
    rc = jgi_json_parse(a, *text, *text_len, &v->pol.lim, hdr);
    if (rc != JG_OK)
        return jgi_reason(why, rc, "header", "header is not strict JSON");
    return JG_OK;
}

jg_err jgi_jws_verify_compact(const jg_verifier *v, jgi_arena *a,
                              const char *tok, size_t len,
                              jgi_jws_result *res, jg_reason *why)
{
    const jg_policy *pol = &v->pol;
    size_t d1 = 0, d2 = 0, dots = 0;
    uint8_t sig[JGI_B64_DEC_LEN(SIG_B64_MAX)];
    size_t sig_len = 0;
    hdr_view hv;
    jg_err rc;

    memset(res, 0, sizeof *res);
    if (len > pol->lim.max_token)
        return jgi_reason(why, JG_E_LIMIT, "size",
                          "token of %zu bytes exceeds %zu", len,
                          pol->lim.max_token);
    if (len && tok[0] == '{')
        return jgi_reason(why, JG_E_MALFORMED, "format",
                          "JSON serialization given to the compact API");
    /* Count separators first (catalogue E3): exactly two, found with
     * memchr and never more than three searched for. */
    const char *end = tok + len, *p1, *p2 = NULL, *p3 = NULL;
    if ((p1 = len ? memchr(tok, '.', len) : NULL) != NULL &&
        (p2 = memchr(p1 + 1, '.', (size_t)(end - p1 - 1))) != NULL)
        p3 = memchr(p2 + 1, '.', (size_t)(end - p2 - 1));
    if (p1 && p2 && !p3) {
        dots = 2;
        d1 = (size_t)(p1 - tok);
        d2 = (size_t)(p2 - tok);
    }
    if (dots != 2)
        return jgi_reason(why, JG_E_MALFORMED, "format",
                          "a compact JWS has exactly three segments");
    if ((rc = parse_header_seg(v, a, tok, d1, &res->hdr_text, &res->hdr_len,
                               &res->hdr, why)) != JG_OK)
        return rc;
    if ((rc = check_header(v, res->hdr, NULL, &hv, why)) != JG_OK)
        return rc;
    res->alg = hv.alg;

    /* Signature: decoded into a stack buffer of the largest size any
     * algorithm makes; anything longer cannot be valid. */
    size_t sl = len - d2 - 1;
    if (sl > SIG_B64_MAX)
        return jgi_reason(why, JG_E_BAD_SIGNATURE, "signature",
                          "signature too long");
    if (jgi_b64url_decode(sig, &sig_len, tok + d2 + 1, sl) != JG_OK)
        return jgi_reason(why, JG_E_MALFORMED, "b64",
                          "signature is not strict base64url");

    /* Payload: strict base64url, or with b64:false the raw bytes, which
     * may not contain '.' in the compact form (RFC 7797 §5.2). */
    const char *p = tok + d1 + 1;
    size_t pl = d2 - d1 - 1;
    if (hv.b64) {
        rc = decode_seg(a, p, pl, pol->lim.max_token, &res->payload,
                        &res->payload_len);
        if (rc != JG_OK)
            return jgi_reason(why, rc, "b64",
                              "payload is not strict base64url");
    } else {
        uint8_t *c = jgi_arena_alloc(a, pl + 1);
        if (!c)
            return jgi_reason(why, JG_E_NOMEM, "payload", NULL);
        memcpy(c, p, pl);
        c[pl] = '\0';
        res->payload = c;
        res->payload_len = pl;
    }
    rc = check_signature(v, &hv, (const uint8_t *)tok, d2, sig, sig_len,
                         &res->key, why);
    jg_wipe(sig, sizeof sig < sig_len ? sizeof sig : sig_len);
    return rc;
}

#define STACK_ARENA 2048

jg_err jg_jws_verify(const jg_verifier *v, const char *token, size_t len,
                     jg_buf *payload, jg_json **header, jg_reason *why)
{
    _Alignas(16) uint8_t stack[STACK_ARENA];
    jgi_arena a;
    jgi_jws_result res;
    jg_err rc;

    JGI_REQUIRE(v && (token || !len) && payload);
    reason_reset(why);
    memset(payload, 0, sizeof *payload);
    if (header)
        *header = NULL;
    jgi_arena_init(&a, stack, sizeof stack);
    rc = jgi_jws_verify_compact(v, &a, token, len, &res, why);
    if (rc != JG_OK)
        goto out;
    if (res.payload_len && (rc = jg_buf_append(payload, res.payload,
                                               res.payload_len)) != JG_OK)
        goto out;
    if (!res.payload_len && (rc = jg_buf_append(payload, "", 0)) != JG_OK)
        goto out;
    if (header && (rc = jg_json_parse(header, res.hdr_text, res.hdr_len,
                                      &v->pol.lim)) != JG_OK) {
        jg_buf_free(payload);
        goto out;
    }
out:
    if (rc != JG_OK) {
        jg_buf_free(payload);
        if (why && why->err == JG_OK)
            jgi_reason(why, rc, "verify", NULL);
    }
    jgi_arena_release(&a);
    return rc;
}

/* ---- JSON serialization (RFC 7515 §7.2) ---- */

/* Unprotected headers may not carry what decides how a token verifies
 * (catalogue A8): kid too, since it selects the key. */
static const char *const must_protect[] = {"alg", "kid", "crit", "b64", "jwk",
                                           "jku", "x5u", "x5c", "typ"};

static jg_err check_unprotected(const jg_jval *prot, const jg_jval *unprot,
                                jg_reason *why)
{
    if (!unprot)
        return JG_OK;
    if (jg_jval_type(unprot) != JG_JSON_OBJECT)
        return jgi_reason(why, JG_E_MALFORMED, "header",
                          "unprotected header is not an object");
    for (size_t i = 0; i < jg_jval_count(unprot); i++) {
        const char *nm;
        size_t nl;
        jg_jval_member(unprot, i, &nm, &nl);
        if (jg_jval_get(prot, nm, nl))
            return jgi_reason(why, JG_E_MALFORMED, "header",
                              "a name is in both the protected and the "
                              "unprotected header");
        for (size_t j = 0; j < sizeof must_protect / sizeof *must_protect; j++)
            if (name_is(nm, nl, must_protect[j]))
                return jgi_reason(why, JG_E_MALFORMED, "header",
                                  "\"%s\" must be in the protected header",
                                  must_protect[j]);
    }
    return JG_OK;
}

static jg_err verify_one_json(const jg_verifier *v, jgi_arena *a,
                              const jg_jval *sigobj, const char *pay_b64,
                              size_t pay_len, const char **hdr_text,
                              size_t *hdr_len, int *b64, jg_reason *why)
{
    const jg_jval *pv = jg_jval_get(sigobj, "protected", 9);
    const jg_jval *uv = jg_jval_get(sigobj, "header", 6);
    const jg_jval *sv = jg_jval_get(sigobj, "signature", 9);
    const jg_jval *hdr;
    const char *ps, *ss;
    size_t pl, sl, sig_len = 0;
    uint8_t sig[JGI_B64_DEC_LEN(SIG_B64_MAX)];
    const jg_key *used = NULL;
    hdr_view hv;
    jg_err rc;

    if (!pv || jg_jval_str(pv, &ps, &pl) != JG_OK || !sv ||
        jg_jval_str(sv, &ss, &sl) != JG_OK)
        return jgi_reason(why, JG_E_MALFORMED, "format",
                          "each signature needs \"protected\" and "
                          "\"signature\" strings");
    if ((rc = parse_header_seg(v, a, ps, pl, hdr_text, hdr_len, &hdr, why)))
        return rc;
    if ((rc = check_unprotected(hdr, uv, why)) != JG_OK ||
        (rc = check_header(v, hdr, uv, &hv, why)) != JG_OK)
        return rc;
    if (sl > SIG_B64_MAX)
        return jgi_reason(why, JG_E_BAD_SIGNATURE, "signature",
                          "signature too long");
    if (jgi_b64url_decode(sig, &sig_len, ss, sl) != JG_OK)
        return jgi_reason(why, JG_E_MALFORMED, "b64",
                          "signature is not strict base64url");
    /* Signing input: ASCII(protected) || '.' || payload as sent. */
    uint8_t *in = jgi_arena_alloc(a, pl + 1 + pay_len);
    if (!in)
        return jgi_reason(why, JG_E_NOMEM, "verify", NULL);
    memcpy(in, ps, pl);
    in[pl] = '.';
    memcpy(in + pl + 1, pay_b64, pay_len);
    rc = check_signature(v, &hv, in, pl + 1 + pay_len, sig, sig_len, &used,
                         why);
    *b64 = hv.b64;
    return rc;
}

jg_err jg_jws_verify_json(const jg_verifier *v, const char *json, size_t len,
                          jg_buf *payload, size_t *sig_index,
                          jg_json **header, jg_reason *why)
{
    _Alignas(16) uint8_t stack[STACK_ARENA];
    jgi_arena a;
    const jg_jval *root, *pv, *sigs;
    const char *pay, *hdr_text = NULL;
    size_t pay_len, hdr_len = 0, n;
    jg_reason first;
    int have_first = 0;

    memset(&first, 0, sizeof first);
    jg_err rc;

    JGI_REQUIRE(v && (json || !len) && payload);
    reason_reset(why);
    memset(payload, 0, sizeof *payload);
    if (header)
        *header = NULL;
    if (sig_index)
        *sig_index = 0;
    jgi_arena_init(&a, stack, sizeof stack);
    if (len > v->pol.lim.max_token) {
        rc = jgi_reason(why, JG_E_LIMIT, "size", "token too large");
        goto out;
    }
    jg_limits lim = v->pol.lim;
    lim.max_json = v->pol.lim.max_token;
    if ((rc = jgi_json_parse(&a, json, len, &lim, &root)) != JG_OK) {
        jgi_reason(why, rc, "format", "not strict JSON");
        goto out;
    }
    pv = jg_jval_get(root, "payload", 7);
    if (jg_jval_type(root) != JG_JSON_OBJECT || !pv ||
        jg_jval_str(pv, &pay, &pay_len) != JG_OK) {
        rc = jgi_reason(why, JG_E_MALFORMED, "format",
                        "no \"payload\" string (detached payloads are not "
                        "supported)");
        goto out;
    }
    sigs = jg_jval_get(root, "signatures", 10);
    if (sigs && (jg_jval_get(root, "signature", 9) ||
                 jg_jval_get(root, "protected", 9) ||
                 jg_jval_get(root, "header", 6))) {
        rc = jgi_reason(why, JG_E_MALFORMED, "format",
                        "general and flattened members mixed");
        goto out;
    }
    if (sigs && (jg_jval_type(sigs) != JG_JSON_ARRAY ||
                 jg_jval_count(sigs) == 0)) {
        rc = jgi_reason(why, JG_E_MALFORMED, "format",
                        "\"signatures\" must be a non-empty array");
        goto out;
    }
    n = sigs ? jg_jval_count(sigs) : 1;
    rc = JG_E_BAD_SIGNATURE;
    for (size_t i = 0; i < n; i++) {
        const jg_jval *so = sigs ? jg_jval_at(sigs, i) : root;
        jg_reason r;
        int b64 = 1;
        memset(&r, 0, sizeof r);
        if (jg_jval_type(so) != JG_JSON_OBJECT) {
            rc = jgi_reason(&r, JG_E_MALFORMED, "format",
                            "signature entry is not an object");
        } else {
            rc = verify_one_json(v, &a, so, pay, pay_len, &hdr_text, &hdr_len,
                                 &b64, &r);
        }
        if (rc == JG_OK) {
            if (b64) {
                uint8_t *pb;
                size_t pbl;
                rc = decode_seg(&a, pay, pay_len, v->pol.lim.max_token, &pb,
                                &pbl);
                if (rc != JG_OK) {
                    jgi_reason(why, rc, "b64",
                               "payload is not strict base64url");
                    goto out;
                }
                rc = jg_buf_append(payload, pb, pbl);
            } else {
                rc = jg_buf_append(payload, pay, pay_len);
            }
            if (rc == JG_OK && header)
                rc = jg_json_parse(header, hdr_text, hdr_len, &v->pol.lim);
            if (rc != JG_OK)
                goto out;
            if (sig_index)
                *sig_index = i;
            if (why)
                *why = r;
            goto out;
        }
        if (!have_first) {
            first = r;
            have_first = 1;
        }
    }
    if (why && have_first)
        *why = first;
    rc = have_first ? first.err : JG_E_BAD_SIGNATURE;
out:
    if (rc != JG_OK) {
        jg_buf_free(payload);
        if (header) {
            jg_json_free(*header);
            *header = NULL;
        }
        if (why && why->err == JG_OK)
            jgi_reason(why, rc, "verify", NULL);
    }
    jgi_arena_release(&a);
    return rc;
}

/* ---- signing ---- */
struct jg_signer {
    jg_key *key;
    jg_alg alg;
};

jg_err jg_signer_new(jg_signer **out, const jg_key *k, jg_alg alg)
{
    JGI_REQUIRE(out && k);
    *out = NULL;
    if (alg == JG_ALG_UNKNOWN) {
        alg = k->alg;
        /* An EC or OKP key has one natural algorithm. */
        if (alg == JG_ALG_UNKNOWN && k->kty == JG_KTY_EC) {
            for (jg_alg a = JG_ES256; a <= JG_ES256K; a++)
                if (jgi_alg_info_get(a)->crv == k->crv)
                    alg = a;
        } else if (alg == JG_ALG_UNKNOWN && k->kty == JG_KTY_OKP) {
            alg = k->crv == JG_CRV_ED448 ? JG_ED448 : JG_EDDSA;
        }
        if (alg == JG_ALG_UNKNOWN)
            return JG_E_INVALID_ARG;
    }
    if (jg_key_check_alg(k, alg, JG_OP_SIGN) != JG_OK)
        return JG_E_KEY_MISMATCH;
    jg_signer *s = jgi_calloc(1, sizeof *s);
    if (!s)
        return JG_E_NOMEM;
    s->key = jgi_key_ref(k);
    s->alg = alg;
    *out = s;
    return JG_OK;
}

void jg_signer_free(jg_signer *s)
{
    if (!s)
        return;
    jg_key_free(s->key);
    jgi_free(s);
}

jg_alg jg_signer_alg(const jg_signer *s)
{
    JGI_REQUIRE(s);
    return s->alg;
}

static const char *const reserved_hdr[] = {"alg", "kid", "typ", "cty",
                                           "crit", "b64"};

/* Write the protected header object for one signer. */
static jg_err write_header(jg_buf *out, const jg_signer *s,
                           const jg_jws_opts *o)
{
    jgi_jw w;
    const char *an = jg_alg_name(s->alg);
    jgi_jw_init(&w, out);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "alg", 3);
    jgi_jw_str(&w, an, strlen(an));
    if (s->key->kid && !(o && o->omit_kid)) {
        jgi_jw_key(&w, "kid", 3);
        jgi_jw_str(&w, s->key->kid, s->key->kid_len);
    }
    if (o && o->typ) {
        jgi_jw_key(&w, "typ", 3);
        jgi_jw_str(&w, o->typ, strlen(o->typ));
    }
    if (o && o->cty) {
        jgi_jw_key(&w, "cty", 3);
        jgi_jw_str(&w, o->cty, strlen(o->cty));
    }
    if (o && o->b64_false) {
        jgi_jw_key(&w, "b64", 3);
        jgi_jw_bool(&w, 0);
        jgi_jw_key(&w, "crit", 4);
        jgi_jw_arr_begin(&w);
        jgi_jw_str(&w, "b64", 3);
        jgi_jw_arr_end(&w);
    }
    if (o && o->extra_json) {
        jg_json *doc = NULL;
        jg_err rc = jg_json_parse(&doc, o->extra_json, strlen(o->extra_json),
                                  NULL);
        const jg_jval *r = doc ? jg_json_root(doc) : NULL;
        if (rc != JG_OK || jg_jval_type(r) != JG_JSON_OBJECT) {
            jg_json_free(doc);
            jgi_jw_finish(&w);
            jg_buf_free(out);
            return rc != JG_OK ? rc : JG_E_INVALID_ARG;
        }
        for (size_t i = 0; i < jg_jval_count(r); i++) {
            const char *nm, *raw;
            size_t nl, rl;
            const jg_jval *mv = jg_jval_member(r, i, &nm, &nl);
            for (size_t j = 0; j < sizeof reserved_hdr / sizeof *reserved_hdr;
                 j++)
                if (name_is(nm, nl, reserved_hdr[j]))
                    w.err = JG_E_INVALID_ARG;
            jg_jval_raw(mv, &raw, &rl);
            jgi_jw_key(&w, nm, nl);
            jgi_jw_raw(&w, raw, rl);
        }
        jg_json_free(doc);
    }
    jgi_jw_obj_end(&w);
    return jgi_jw_finish(&w);
}

jg_err jg_jws_sign(const jg_signer *s, const uint8_t *payload, size_t len,
                   const jg_jws_opts *opts, jg_buf *out)
{
    jg_buf hdr = {0};
    jg_err rc;

    JGI_REQUIRE(s && (payload || !len) && out);
    memset(out, 0, sizeof *out);
    if (opts && opts->b64_false && len && memchr(payload, '.', len))
        return JG_E_INVALID_ARG; /* RFC 7797 §5.2 */
    if ((rc = write_header(&hdr, s, opts)) != JG_OK)
        return rc;
    if ((rc = jgi_buf_b64url(out, hdr.data, hdr.len)) != JG_OK ||
        (rc = jg_buf_append(out, ".", 1)) != JG_OK)
        goto out;
    if (opts && opts->b64_false)
        rc = jg_buf_append(out, payload, len);
    else
        rc = jgi_buf_b64url(out, payload, len);
    if (rc != JG_OK || (rc = jg_buf_append(out, ".", 1)) != JG_OK)
        goto out;
    /* The signing input is everything before the second dot. */
    out->len--;
    size_t keep = out->len;
    uint8_t sig[JGI_SIG_MAX];
    size_t sig_len = sizeof sig;
    rc = jgi_sign(s->key, s->alg, out->data, keep, sig, &sig_len);
    if (rc == JG_OK && (rc = jg_buf_append(out, ".", 1)) == JG_OK)
        rc = jgi_buf_b64url(out, sig, sig_len);
    jg_wipe(sig, sizeof sig);
out:
    jg_buf_free(&hdr);
    if (rc != JG_OK)
        jg_buf_free(out);
    return rc;
}

jg_err jg_jws_sign_json(const jg_signer *const *signers, size_t n,
                        const uint8_t *payload, size_t len, int flattened,
                        jg_buf *out)
{
    jg_buf pay = {0}, hdr = {0}, tmp = {0};
    jgi_jw w;
    jg_err rc;

    JGI_REQUIRE(signers && n && (payload || !len) && out);
    memset(out, 0, sizeof *out);
    if (flattened && n != 1)
        return JG_E_INVALID_ARG;
    if ((rc = jgi_buf_b64url(&pay, payload, len)) != JG_OK)
        return rc;
    if (!pay.data && (rc = jg_buf_append(&pay, "", 0)) != JG_OK)
        return rc;
    jgi_jw_init(&w, out);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "payload", 7);
    jgi_jw_str(&w, (const char *)pay.data, pay.len);
    if (!flattened) {
        jgi_jw_key(&w, "signatures", 10);
        jgi_jw_arr_begin(&w);
    }
    for (size_t i = 0; i < n && w.err == JG_OK; i++) {
        jg_buf_free(&hdr);
        jg_buf_free(&tmp);
        if ((rc = write_header(&hdr, signers[i], NULL)) != JG_OK ||
            (rc = jgi_buf_b64url(&tmp, hdr.data, hdr.len)) != JG_OK) {
            w.err = rc;
            break;
        }
        size_t plen = tmp.len;
        if ((rc = jg_buf_append(&tmp, ".", 1)) != JG_OK ||
            (rc = jg_buf_append(&tmp, pay.data, pay.len)) != JG_OK) {
            w.err = rc;
            break;
        }
        size_t sig_start = tmp.len;
        if ((rc = jg_buf_append(&tmp, ".", 1)) != JG_OK) {
            w.err = rc;
            break;
        }
        tmp.len--;
        uint8_t sig[JGI_SIG_MAX];
        size_t sig_len = sizeof sig;
        rc = jgi_sign(signers[i]->key, signers[i]->alg, tmp.data, sig_start,
                      sig, &sig_len);
        if (rc != JG_OK) {
            w.err = rc;
            break;
        }
        if (!flattened)
            jgi_jw_obj_begin(&w);
        jgi_jw_key(&w, "protected", 9);
        jgi_jw_str(&w, (const char *)tmp.data, plen);
        jgi_jw_key(&w, "signature", 9);
        jgi_jw_b64(&w, sig, sig_len);
        jg_wipe(sig, sizeof sig);
        if (!flattened)
            jgi_jw_obj_end(&w);
    }
    if (!flattened)
        jgi_jw_arr_end(&w);
    jgi_jw_obj_end(&w);
    rc = jgi_jw_finish(&w);
    jg_buf_free(&pay);
    jg_buf_free(&hdr);
    jg_buf_free(&tmp);
    return rc;
}

jg_err jg_jws_peek_unverified_header(jg_json **header, const char *token,
                                     size_t len)
{
    const char *dot;
    uint8_t *h;
    size_t hl;
    jg_err rc;

    JGI_REQUIRE(header && (token || !len));
    *header = NULL;
    if (len > JG_DEFAULT_MAX_TOKEN * 64)
        return JG_E_LIMIT;
    dot = memchr(token, '.', len);
    if (!dot)
        return JG_E_MALFORMED;
    size_t n = (size_t)(dot - token);
    if (!(h = jgi_malloc(JGI_B64_DEC_LEN(n) + 1)))
        return JG_E_NOMEM;
    rc = jgi_b64url_decode(h, &hl, token, n);
    if (rc == JG_OK)
        rc = jg_json_parse(header, (const char *)h, hl, NULL);
    jgi_free(h);
    return rc;
}
