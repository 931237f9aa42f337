/* lib/jwt.c - JSON Web Tokens (RFC 7519): verify claims, build, sign.
 *
 * jg_jwt_verify runs the JWS checks (jws.c), then the claims, in a fixed
 * order: the payload is a strict JSON object; registered claims have their
 * registered types (numeric dates are finite JSON numbers in range; aud a
 * string or an array of strings); exp (required unless the policy says
 * otherwise), nbf and iat against the clock with a bounded leeway; max age
 * and minimum remaining life; iss, aud, required claims; last, revocation.
 * Only when all pass is a jg_claims handed out (RFC 7519 §7.2, RFC 8725).
 */
#include "internal.h"
#include <math.h>
#include <string.h>
#include <time.h>

/* Numeric dates beyond year 9999 are refused as a type error. */
#define JGI_MAX_DATE 253402300799.0

struct jg_claims {
    jgi_arena arena;
    const jg_jval *root;
    const jg_jval *hdr;
    const char *json;
    size_t json_len;
    _Alignas(16) uint8_t inline_buf[];
};

static jg_err get_date(const jg_jval *c, const char *name, int *present,
                       double *out, jg_reason *why)
{
    const jg_jval *v = jg_jval_get(c, name, strlen(name));
    *present = 0;
    if (!v)
        return JG_OK;
    if (jg_jval_num(v, out) != JG_OK)
        return jgi_reason(why, JG_E_CLAIM_TYPE, "claims",
                          "\"%s\" is not a JSON number", name);
    if (!isfinite(*out) || *out < 0 || *out > JGI_MAX_DATE)
        return jgi_reason(why, JG_E_CLAIM_TYPE, "claims",
                          "\"%s\" is out of range", name);
    *present = 1;
    return JG_OK;
}

static jg_err get_opt_str(const jg_jval *c, const char *name, const char **s,
                          size_t *n, jg_reason *why)
{
    const jg_jval *v = jg_jval_get(c, name, strlen(name));
    *s = NULL;
    *n = 0;
    if (v && jg_jval_str(v, s, n) != JG_OK)
        return jgi_reason(why, JG_E_CLAIM_TYPE, "claims",
                          "\"%s\" is not a string", name);
    return JG_OK;
}

static int aud_contains(const jg_jval *aud, const char *want, size_t wl)
{
    const char *s;
    size_t n;
    if (jg_jval_type(aud) == JG_JSON_STRING)
        return jg_jval_str(aud, &s, &n) == JG_OK && n == wl &&
               memcmp(s, want, n) == 0;
    for (size_t i = 0; i < jg_jval_count(aud); i++)
        if (jg_jval_str(jg_jval_at(aud, i), &s, &n) == JG_OK && n == wl &&
            memcmp(s, want, n) == 0)
            return 1;
    return 0;
}

static jg_err check_claims(const jg_policy *pol, const jg_jval *c,
                           jg_reason *why)
{
    const int64_t now = jgi_policy_now(pol);
    const double lw = (double)pol->leeway;
    double exp = 0, nbf = 0, iat = 0;
    int has_exp, has_nbf, has_iat;
    const char *iss, *jti, *sub;
    size_t iss_len, jti_len, sub_len;
    const jg_jval *aud;
    jg_err rc;

    if (jg_jval_type(c) != JG_JSON_OBJECT)
        return jgi_reason(why, JG_E_MALFORMED, "payload",
                          "claims are not a JSON object");
    /* Types first: a wrong type is never read as "absent". */
    if ((rc = get_date(c, "exp", &has_exp, &exp, why)) ||
        (rc = get_date(c, "nbf", &has_nbf, &nbf, why)) ||
        (rc = get_date(c, "iat", &has_iat, &iat, why)) ||
        (rc = get_opt_str(c, "iss", &iss, &iss_len, why)) ||
        (rc = get_opt_str(c, "sub", &sub, &sub_len, why)) ||
        (rc = get_opt_str(c, "jti", &jti, &jti_len, why)))
        return rc;
    aud = jg_jval_get(c, "aud", 3);
    if (aud && jg_jval_type(aud) != JG_JSON_STRING) {
        if (jg_jval_type(aud) != JG_JSON_ARRAY)
            return jgi_reason(why, JG_E_CLAIM_TYPE, "claims",
                              "\"aud\" is neither a string nor an array");
        for (size_t i = 0; i < jg_jval_count(aud); i++)
            if (jg_jval_type(jg_jval_at(aud, i)) != JG_JSON_STRING)
                return jgi_reason(why, JG_E_CLAIM_TYPE, "claims",
                                  "\"aud\" array holds a non-string");
    }

    /* Time. RFC 7519 §4.1.4: now must be before exp (plus leeway). */
    if (!has_exp && !pol->exp_optional)
        return jgi_reason(why, JG_E_CLAIM_REQUIRED, "claims",
                          "no \"exp\" (required by policy)");
    if (has_exp && (double)now >= exp + lw)
        return jgi_reason(why, JG_E_CLAIM_EXPIRED, "claims",
                          "exp %.0f <= now %lld - leeway %lld", exp,
                          (long long)now, (long long)pol->leeway);
    if (has_nbf && nbf - lw > (double)now)
        return jgi_reason(why, JG_E_CLAIM_NOT_YET_VALID, "claims",
                          "nbf %.0f > now %lld + leeway %lld", nbf,
                          (long long)now, (long long)pol->leeway);
    if (has_iat && iat - lw > (double)now)
        return jgi_reason(why, JG_E_CLAIM_NOT_YET_VALID, "claims",
                          "iat %.0f is in the future (now %lld)", iat,
                          (long long)now);
    if (pol->max_age) {
        if (!has_iat)
            return jgi_reason(why, JG_E_CLAIM_REQUIRED, "claims",
                              "no \"iat\" (max age is set)");
        if ((double)now - iat > (double)pol->max_age + lw)
            return jgi_reason(why, JG_E_CLAIM_TOO_OLD, "claims",
                              "issued %.0f s ago, max age %lld",
                              (double)now - iat, (long long)pol->max_age);
    }
    if (pol->min_remaining && has_exp &&
        exp - (double)now < (double)pol->min_remaining)
        return jgi_reason(why, JG_E_CLAIM_EXPIRED, "claims",
                          "%.0f s left, policy wants %lld", exp - (double)now,
                          (long long)pol->min_remaining);

    /* Who: issuer and audience (RFC 8725 §3.8, §3.9). */
    if (pol->iss.p) {
        if (!iss)
            return jgi_reason(why, JG_E_CLAIM_ISS, "claims", "no \"iss\"");
        if (iss_len != pol->iss.n || memcmp(iss, pol->iss.p, iss_len) != 0)
            return jgi_reason(why, JG_E_CLAIM_ISS, "claims",
                              "iss is not \"%s\"", pol->iss.p);
    }
    if (pol->n_aud) {
        size_t i;
        if (!aud)
            return jgi_reason(why, JG_E_CLAIM_AUD, "claims", "no \"aud\"");
        for (i = 0; i < pol->n_aud; i++)
            if (aud_contains(aud, pol->aud[i].p, pol->aud[i].n))
                break;
        if (i == pol->n_aud)
            return jgi_reason(why, JG_E_CLAIM_AUD, "claims",
                              "aud does not contain \"%s\"%s", pol->aud[0].p,
                              pol->n_aud > 1 ? " (or another accepted)" : "");
    }
    for (size_t i = 0; i < pol->n_req; i++)
        if (!jg_jval_get(c, pol->req[i].p, pol->req[i].n))
            return jgi_reason(why, JG_E_CLAIM_REQUIRED, "claims",
                              "no \"%s\"", pol->req[i].p);

    /* Last: revocation. A store that cannot answer fails closed. */
    if (pol->dl && jti) {
        int r = jg_denylist_is_revoked(pol->dl, iss ? iss : "", iss_len, jti,
                                       jti_len, now);
        if (r != 0)
            return jgi_reason(why, JG_E_CLAIM_REVOKED, "revocation",
                              r > 0 ? "jti is revoked"
                                    : "denylist cannot answer (fail closed)");
    }
    return JG_OK;
}

jg_err jg_jwt_verify(const jg_verifier *v, const char *token, size_t len,
                     jg_claims **out, jg_reason *why)
{
    jg_claims *c = NULL;
    jgi_jws_result res;
    jg_err rc;

    JGI_REQUIRE(v && (token || !len) && out);
    *out = NULL;
    if (why)
        memset(why, 0, sizeof *why);
    /* One allocation holds the arena's first block: decoded header and
     * payload plus their parsed values fit in it for ordinary tokens. */
    size_t cap = len > v->pol.lim.max_token ? 64 : 2 * len + 512;
    if (!(c = jgi_malloc(sizeof *c + cap)))
        return jgi_reason(why, JG_E_NOMEM, "verify", NULL);
    jgi_arena_init(&c->arena, c->inline_buf, cap);
    rc = jgi_jws_verify_compact(v, &c->arena, token, len, &res, why);
    if (rc != JG_OK)
        goto out;
    c->hdr = res.hdr;
    c->json = (const char *)res.payload;
    c->json_len = res.payload_len;
    if (res.payload_len > v->pol.lim.max_json) {
        rc = jgi_reason(why, JG_E_LIMIT, "payload", "claims larger than %zu",
                        v->pol.lim.max_json);
        goto out;
    }
    rc = jgi_json_parse(&c->arena, c->json, c->json_len, &v->pol.lim,
                        &c->root);
    if (rc != JG_OK) {
        jgi_reason(why, rc, "payload", "claims are not strict JSON");
        goto out;
    }
    if ((rc = check_claims(&v->pol, c->root, why)) != JG_OK)
        goto out;
    *out = c;
    c = NULL;
out:
    if (c)
        jg_claims_free(c);
    if (rc != JG_OK && why && why->err == JG_OK)
        jgi_reason(why, rc, "verify", NULL);
    return rc;
}

void jg_claims_free(jg_claims *c)
{
    if (!c)
        return;
    jgi_arena_release(&c->arena);
    jgi_free(c);
}

const jg_jval *jg_claims_root(const jg_claims *c)
{
    JGI_REQUIRE(c);
    return c->root;
}

const jg_jval *jg_claims_header(const jg_claims *c)
{
    JGI_REQUIRE(c);
    return c->hdr;
}

void jg_claims_json(const jg_claims *c, const char **json, size_t *len)
{
    JGI_REQUIRE(c && json && len);
    *json = c->json;
    *len = c->json_len;
}

jg_err jg_claims_get_str(const jg_claims *c, const char *name, const char **s,
                         size_t *len)
{
    JGI_REQUIRE(c && name && s && len);
    const jg_jval *v = jg_jval_get(c->root, name, strlen(name));
    if (!v)
        return JG_E_NOT_FOUND;
    return jg_jval_str(v, s, len);
}

jg_err jg_claims_get_int(const jg_claims *c, const char *name, int64_t *out)
{
    JGI_REQUIRE(c && name && out);
    const jg_jval *v = jg_jval_get(c->root, name, strlen(name));
    if (!v)
        return JG_E_NOT_FOUND;
    return jg_jval_int(v, out);
}

jg_err jg_claims_get_raw(const jg_claims *c, const char *name,
                         const char **raw, size_t *len)
{
    JGI_REQUIRE(c && name && raw && len);
    const jg_jval *v = jg_jval_get(c->root, name, strlen(name));
    if (!v)
        return JG_E_NOT_FOUND;
    jg_jval_raw(v, raw, len);
    return JG_OK;
}

/* ---- building ---- */
typedef struct claim {
    char *name;
    size_t name_len;
    char *json; /* the value as JSON text */
    size_t json_len;
} claim;

struct jg_jwt_builder {
    claim *c;
    size_t n;
    jgi_str *aud;
    size_t n_aud;
    int64_t ttl, now;
    int no_exp, no_iat, no_jti;
};

#define JGI_DEFAULT_TTL 600

jg_err jg_jwt_builder_new(jg_jwt_builder **out)
{
    JGI_REQUIRE(out);
    jg_jwt_builder *b = jgi_calloc(1, sizeof *b);
    *out = b;
    if (!b)
        return JG_E_NOMEM;
    b->ttl = JGI_DEFAULT_TTL;
    return JG_OK;
}

void jg_jwt_builder_free(jg_jwt_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        jgi_free(b->c[i].name);
        jgi_free(b->c[i].json);
    }
    for (size_t i = 0; i < b->n_aud; i++)
        jgi_free(b->aud[i].p);
    jgi_free(b->c);
    jgi_free(b->aud);
    jgi_free(b);
}

static int is_name(const claim *c, const char *name, size_t n)
{
    return c->name_len == n && memcmp(c->name, name, n) == 0;
}

/* Set name to a JSON value (text already valid), replacing. */
static jg_err put(jg_jwt_builder *b, const char *name, size_t nl,
                  const char *json, size_t jl)
{
    char *nj = jgi_strndup(json, jl);
    if (!nj)
        return JG_E_NOMEM;
    for (size_t i = 0; i < b->n; i++)
        if (is_name(&b->c[i], name, nl)) {
            jgi_free(b->c[i].json);
            b->c[i].json = nj;
            b->c[i].json_len = jl;
            return JG_OK;
        }
    claim *nc = jgi_realloc(b->c, (b->n + 1) * sizeof *nc);
    if (!nc) {
        jgi_free(nj);
        return JG_E_NOMEM;
    }
    b->c = nc;
    if (!(nc[b->n].name = jgi_strndup(name, nl))) {
        jgi_free(nj);
        return JG_E_NOMEM;
    }
    nc[b->n].name_len = nl;
    nc[b->n].json = nj;
    nc[b->n].json_len = jl;
    b->n++;
    return JG_OK;
}

static jg_err check_name(const char *name, size_t *nl)
{
    *nl = strlen(name);
    if (!jgi_utf8_valid((const uint8_t *)name, *nl))
        return JG_E_INVALID_ARG;
    /* aud has its own setter, so one token cannot carry two spellings. */
    if (*nl == 3 && memcmp(name, "aud", 3) == 0)
        return JG_E_INVALID_ARG;
    return JG_OK;
}

jg_err jg_jwt_set_str(jg_jwt_builder *b, const char *name, const char *val,
                      size_t len)
{
    jg_buf j = {0};
    jgi_jw w;
    size_t nl;
    jg_err rc;

    JGI_REQUIRE(b && name && (val || !len));
    if ((rc = check_name(name, &nl)) != JG_OK)
        return rc;
    jgi_jw_init(&w, &j);
    jgi_jw_str(&w, val, len);
    if ((rc = jgi_jw_finish(&w)) != JG_OK)
        return rc == JG_E_MALFORMED ? JG_E_INVALID_ARG : rc;
    rc = put(b, name, nl, (const char *)j.data, j.len);
    jg_buf_free(&j);
    return rc;
}

jg_err jg_jwt_set_int(jg_jwt_builder *b, const char *name, int64_t val)
{
    jg_buf j = {0};
    jgi_jw w;
    size_t nl;
    jg_err rc;

    JGI_REQUIRE(b && name);
    if ((rc = check_name(name, &nl)) != JG_OK)
        return rc;
    jgi_jw_init(&w, &j);
    jgi_jw_int(&w, val);
    if ((rc = jgi_jw_finish(&w)) != JG_OK)
        return rc;
    rc = put(b, name, nl, (const char *)j.data, j.len);
    jg_buf_free(&j);
    return rc;
}

jg_err jg_jwt_set_json(jg_jwt_builder *b, const char *name, const char *json,
                       size_t len)
{
    jg_json *doc = NULL;
    size_t nl;
    jg_err rc;

    JGI_REQUIRE(b && name && (json || !len));
    if ((rc = check_name(name, &nl)) != JG_OK)
        return rc;
    if ((rc = jg_json_parse(&doc, json, len, NULL)) != JG_OK)
        return rc;
    const char *raw;
    size_t rl;
    jg_jval_raw(jg_json_root(doc), &raw, &rl);
    rc = put(b, name, nl, raw, rl);
    jg_json_free(doc);
    return rc;
}

jg_err jg_jwt_add_aud(jg_jwt_builder *b, const char *aud, size_t len)
{
    JGI_REQUIRE(b && (aud || !len));
    if (!jgi_utf8_valid((const uint8_t *)aud, len))
        return JG_E_INVALID_ARG;
    jgi_str *na = jgi_realloc(b->aud, (b->n_aud + 1) * sizeof *na);
    if (!na)
        return JG_E_NOMEM;
    b->aud = na;
    if (!(na[b->n_aud].p = jgi_strndup(aud, len)))
        return JG_E_NOMEM;
    na[b->n_aud].n = len;
    b->n_aud++;
    return JG_OK;
}

jg_err jg_jwt_set_claims_json(jg_jwt_builder *b, const char *json, size_t len)
{
    jg_json *doc = NULL;
    jg_err rc;

    JGI_REQUIRE(b && (json || !len));
    if ((rc = jg_json_parse(&doc, json, len, NULL)) != JG_OK)
        return rc;
    const jg_jval *r = jg_json_root(doc);
    if (jg_jval_type(r) != JG_JSON_OBJECT) {
        jg_json_free(doc);
        return JG_E_MALFORMED;
    }
    for (size_t i = 0; i < jg_jval_count(r) && rc == JG_OK; i++) {
        const char *nm, *raw, *s;
        size_t nl, rl, sl;
        const jg_jval *v = jg_jval_member(r, i, &nm, &nl);
        if (nl == 3 && memcmp(nm, "aud", 3) == 0) {
            /* Audiences merge into the builder's list. */
            if (jg_jval_str(v, &s, &sl) == JG_OK) {
                rc = jg_jwt_add_aud(b, s, sl);
            } else if (jg_jval_type(v) == JG_JSON_ARRAY) {
                for (size_t j = 0; j < jg_jval_count(v) && rc == JG_OK; j++) {
                    if (jg_jval_str(jg_jval_at(v, j), &s, &sl) != JG_OK)
                        rc = JG_E_CLAIM_TYPE;
                    else
                        rc = jg_jwt_add_aud(b, s, sl);
                }
            } else {
                rc = JG_E_CLAIM_TYPE;
            }
            continue;
        }
        jg_jval_raw(v, &raw, &rl);
        rc = put(b, nm, nl, raw, rl);
    }
    jg_json_free(doc);
    return rc;
}

jg_err jg_jwt_set_ttl(jg_jwt_builder *b, int64_t ttl)
{
    JGI_REQUIRE(b);
    if (ttl <= 0 || ttl > (int64_t)JGI_MAX_DATE)
        return JG_E_INVALID_ARG;
    b->ttl = ttl;
    b->no_exp = 0;
    return JG_OK;
}

void jg_jwt_no_exp(jg_jwt_builder *b) { JGI_REQUIRE(b); b->no_exp = 1; }
void jg_jwt_set_now(jg_jwt_builder *b, int64_t now) { JGI_REQUIRE(b); b->now = now; }
void jg_jwt_no_iat(jg_jwt_builder *b) { JGI_REQUIRE(b); b->no_iat = 1; }
void jg_jwt_no_jti(jg_jwt_builder *b) { JGI_REQUIRE(b); b->no_jti = 1; }

static const claim *find(const jg_jwt_builder *b, const char *name)
{
    for (size_t i = 0; i < b->n; i++)
        if (is_name(&b->c[i], name, strlen(name)))
            return &b->c[i];
    return NULL;
}

/* Claims JSON: iss, sub, aud, exp, nbf, iat, jti first (those present),
 * then the rest in the order they were set. An explicitly set exp, iat or
 * jti wins over the generated one. */
static jg_err build_claims(const jg_jwt_builder *b, jg_buf *out)
{
    static const char *const first[] = {"iss", "sub"};
    static const char *const times[] = {"exp", "nbf", "iat", "jti"};
    int64_t now = b->now ? b->now : (int64_t)time(NULL);
    jgi_jw w;

    jgi_jw_init(&w, out);
    jgi_jw_obj_begin(&w);
    for (size_t i = 0; i < 2; i++) {
        const claim *c = find(b, first[i]);
        if (c) {
            jgi_jw_key(&w, c->name, c->name_len);
            jgi_jw_raw(&w, c->json, c->json_len);
        }
    }
    if (b->n_aud == 1) {
        jgi_jw_key(&w, "aud", 3);
        jgi_jw_str(&w, b->aud[0].p, b->aud[0].n);
    } else if (b->n_aud > 1) {
        jgi_jw_key(&w, "aud", 3);
        jgi_jw_arr_begin(&w);
        for (size_t i = 0; i < b->n_aud; i++)
            jgi_jw_str(&w, b->aud[i].p, b->aud[i].n);
        jgi_jw_arr_end(&w);
    }
    for (size_t i = 0; i < 4; i++) {
        const claim *c = find(b, times[i]);
        if (c) {
            jgi_jw_key(&w, c->name, c->name_len);
            jgi_jw_raw(&w, c->json, c->json_len);
        } else if (i == 0 && !b->no_exp) {
            jgi_jw_key(&w, "exp", 3);
            jgi_jw_int(&w, now + b->ttl);
        } else if (i == 2 && !b->no_iat) {
            jgi_jw_key(&w, "iat", 3);
            jgi_jw_int(&w, now);
        } else if (i == 3 && !b->no_jti) {
            /* RFC 7519 §4.1.7: unique; 128 random bits (catalogue G3). */
            uint8_t r[16];
            if (jgi_random(r, sizeof r) != JG_OK) {
                w.err = JG_E_CRYPTO;
                break;
            }
            jgi_jw_key(&w, "jti", 3);
            jgi_jw_b64(&w, r, sizeof r);
        }
    }
    for (size_t i = 0; i < b->n; i++) {
        const claim *c = &b->c[i];
        int special = 0;
        for (size_t j = 0; j < 2; j++)
            special |= is_name(c, first[j], strlen(first[j]));
        for (size_t j = 0; j < 4; j++)
            special |= is_name(c, times[j], strlen(times[j]));
        if (special)
            continue;
        jgi_jw_key(&w, c->name, c->name_len);
        jgi_jw_raw(&w, c->json, c->json_len);
    }
    jgi_jw_obj_end(&w);
    return jgi_jw_finish(&w);
}

jg_err jg_jwt_sign(const jg_signer *s, const jg_jwt_builder *b,
                   const jg_jws_opts *opts, jg_buf *out)
{
    jg_buf claims = {0};
    jg_jws_opts o;
    jg_err rc;

    JGI_REQUIRE(s && b && out);
    memset(out, 0, sizeof *out);
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof o);
    if (!o.typ)
        o.typ = "JWT";
    if (o.b64_false)
        return JG_E_INVALID_ARG; /* a JWT payload is always base64url */
    if ((rc = build_claims(b, &claims)) != JG_OK)
        return rc;
    rc = jg_jws_sign(s, claims.data, claims.len, &o, out);
    jg_buf_free(&claims);
    return rc;
}
