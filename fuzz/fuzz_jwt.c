/* fuzz/fuzz_jwt.c - JWT claim validation (lib/jwt.c) behind a real MAC.
 *
 * Bytes 0-1 choose a policy and a header (see decode_sel), the rest is the
 * claims JSON (or, with bit 7 of byte 1 and a NUL, "header NUL claims").
 * The target signs the token itself with OpenSSL HMAC and the fixed HS256
 * key, so every input reaches the claims checks: a correct MAC is never
 * refused, and accepted claims satisfy the policy (RFC 7519 §4.1, re-checked
 * here independently).
 */
#include "fuzz.h"
#include "internal.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#define NOW INT64_C(1700000000) /* fixed clock: 2023-11-14T22:13:20Z */
#define ISS "https://issuer.example"

static jg_keyset *ks;

typedef struct sel {
    int iss, aud_api, aud_web, typ, max_age, min_remaining, exp_optional;
    int req_sub, req_jti, small_limits, kid, own_header;
    int64_t leeway;
    unsigned hdr_typ;
} sel;

/* byte 0: bit 0 require iss, 1 require aud "api", 2 require aud "web",
 *         3 require typ at+jwt, 4-5 leeway (30, 0, 1, 300 s), 6 max age
 *         600 s, 7 exp optional;
 * byte 1: bit 0 require sub, 1 min remaining 60 s, 2-3 header typ (none,
 *         JWT, at+jwt, application/AT+JWT), 4 header kid, 5 tight limits,
 *         6 require jti, 7 the header is the fuzzer's (up to a NUL). */
static void decode_sel(sel *s, uint8_t b0, uint8_t b1)
{
    static const int64_t leeways[4] = {JG_DEFAULT_LEEWAY, 0, 1,
                                       JG_MAX_LEEWAY};
    memset(s, 0, sizeof *s);
    s->iss = b0 & 1;
    s->aud_api = (b0 >> 1) & 1;
    s->aud_web = (b0 >> 2) & 1;
    s->typ = (b0 >> 3) & 1;
    s->leeway = leeways[(b0 >> 4) & 3];
    s->max_age = (b0 >> 6) & 1;
    s->exp_optional = (b0 >> 7) & 1;
    s->req_sub = b1 & 1;
    s->min_remaining = (b1 >> 1) & 1;
    s->hdr_typ = (b1 >> 2) & 3;
    s->kid = (b1 >> 4) & 1;
    s->small_limits = (b1 >> 5) & 1;
    s->req_jti = (b1 >> 6) & 1;
    s->own_header = (b1 >> 7) & 1;
}

static jg_verifier *make_verifier(const sel *s)
{
    jg_policy *p = NULL;
    jg_verifier *v = NULL;

    FUZZ_CHECK(jg_policy_new(&p) == JG_OK, "policy_new");
    FUZZ_CHECK(jg_policy_allow_alg(p, JG_HS256) == JG_OK, "allow");
    jg_policy_set_now(p, NOW);
    FUZZ_CHECK(jg_policy_set_leeway(p, s->leeway) == JG_OK, "leeway");
    if (s->iss)
        FUZZ_CHECK(jg_policy_require_iss(p, ISS, strlen(ISS)) == JG_OK, "iss");
    if (s->aud_api)
        FUZZ_CHECK(jg_policy_require_aud(p, "api", 3) == JG_OK, "aud");
    if (s->aud_web)
        FUZZ_CHECK(jg_policy_require_aud(p, "web", 3) == JG_OK, "aud");
    if (s->typ)
        FUZZ_CHECK(jg_policy_require_typ(p, "at+jwt", 6) == JG_OK, "typ");
    if (s->max_age)
        FUZZ_CHECK(jg_policy_set_max_age(p, 600) == JG_OK, "max_age");
    if (s->min_remaining)
        FUZZ_CHECK(jg_policy_set_min_remaining(p, 60) == JG_OK, "min_rem");
    if (s->exp_optional)
        jg_policy_allow_missing_exp(p);
    if (s->req_sub)
        FUZZ_CHECK(jg_policy_require_claim(p, "sub", 3) == JG_OK, "req");
    if (s->req_jti)
        FUZZ_CHECK(jg_policy_require_claim(p, "jti", 3) == JG_OK, "req");
    if (s->small_limits) {
        jg_limits l;
        jg_limits_default(&l);
        l.max_json = 256;
        l.max_depth = 3;
        l.max_members = 8;
        l.max_kid = 4;
        FUZZ_CHECK(jg_policy_set_limits(p, &l) == JG_OK, "limits");
    }
    FUZZ_CHECK(jg_verifier_new(&v, p, ks) == JG_OK, "verifier_new");
    jg_policy_free(p);
    return v;
}

static void append(jg_buf *b, const void *p, size_t n)
{
    FUZZ_CHECK(jg_buf_append(b, p, n) == JG_OK, "out of memory");
}

static void append_b64(jg_buf *b, const uint8_t *p, size_t n)
{
    FUZZ_CHECK(jgi_buf_b64url(b, p, n) == JG_OK, "out of memory");
}

static void make_header(jg_buf *h, const sel *s)
{
    static const char *const typs[4] = {NULL, "JWT", "at+jwt",
                                        "application/AT+JWT"};
    append(h, "{\"alg\":\"HS256\"", 14);
    if (typs[s->hdr_typ]) {
        append(h, ",\"typ\":\"", 8);
        append(h, typs[s->hdr_typ], strlen(typs[s->hdr_typ]));
        append(h, "\"", 1);
    }
    if (s->kid)
        append(h, ",\"kid\":\"" FUZZ_HS_KID "\"", 8 + strlen(FUZZ_HS_KID) + 1);
    append(h, "}", 1);
}

/* ---- the policy, re-checked from the accepted claims ---- */

static int has_date(const jg_jval *c, const char *name, double *out)
{
    const jg_jval *v = jg_jval_get(c, name, strlen(name));
    if (!v)
        return 0;
    FUZZ_CHECK(jg_jval_num(v, out) == JG_OK, "accepted non-number %s", name);
    return 1;
}

static int str_is(const jg_jval *v, const char *want)
{
    const char *s;
    size_t n;
    return jg_jval_str(v, &s, &n) == JG_OK && n == strlen(want) &&
           memcmp(s, want, n) == 0;
}

static int aud_has(const jg_jval *aud, const char *want)
{
    if (jg_jval_type(aud) == JG_JSON_STRING)
        return str_is(aud, want);
    for (size_t i = 0; i < jg_jval_count(aud); i++)
        if (str_is(jg_jval_at(aud, i), want))
            return 1;
    return 0;
}

static int typ_ok(const jg_jval *t)
{
    const char *s;
    size_t n;
    char low[64];
    if (jg_jval_str(t, &s, &n) != JG_OK || n >= sizeof low)
        return 0;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    low[n] = '\0';
    return strcmp(low, "at+jwt") == 0 ||
           strcmp(low, "application/at+jwt") == 0;
}

static void check_accepted(const sel *s, const jg_claims *c,
                           const uint8_t *claims, size_t claims_len)
{
    const jg_jval *root = jg_claims_root(c), *hdr = jg_claims_header(c);
    const char *json;
    size_t json_len;
    double exp = 0, nbf = 0, iat = 0, lw = (double)s->leeway;
    int has_exp, has_iat;

    jg_claims_json(c, &json, &json_len);
    FUZZ_CHECK(json_len == claims_len && memcmp(json, claims, json_len) == 0,
               "claims text is not what was signed");
    FUZZ_CHECK(jg_jval_type(root) == JG_JSON_OBJECT, "claims not an object");
    FUZZ_CHECK(str_is(jg_jval_get(hdr, "alg", 3), "HS256"), "header alg");
    has_exp = has_date(root, "exp", &exp);
    has_iat = has_date(root, "iat", &iat);
    FUZZ_CHECK(has_exp || s->exp_optional, "accepted without exp");
    if (has_exp)
        FUZZ_CHECK((double)NOW < exp + lw, "accepted expired: exp %.17g", exp);
    if (has_date(root, "nbf", &nbf))
        FUZZ_CHECK(nbf - lw <= (double)NOW, "accepted before nbf %.17g", nbf);
    if (has_iat)
        FUZZ_CHECK(iat - lw <= (double)NOW, "accepted future iat %.17g", iat);
    if (s->max_age)
        FUZZ_CHECK(has_iat && (double)NOW - iat <= 600 + lw,
                   "accepted older than max age (iat %.17g)", iat);
    if (s->min_remaining && has_exp)
        FUZZ_CHECK(exp - (double)NOW >= 60, "accepted with %.17g s left",
                   exp - (double)NOW);
    if (s->iss)
        FUZZ_CHECK(str_is(jg_jval_get(root, "iss", 3), ISS), "iss");
    if (s->aud_api || s->aud_web) {
        const jg_jval *aud = jg_jval_get(root, "aud", 3);
        FUZZ_CHECK(aud && ((s->aud_api && aud_has(aud, "api")) ||
                           (s->aud_web && aud_has(aud, "web"))),
                   "accepted without a required audience");
    }
    if (s->typ)
        FUZZ_CHECK(typ_ok(jg_jval_get(hdr, "typ", 3)), "typ");
    if (s->req_sub)
        FUZZ_CHECK(jg_jval_get(root, "sub", 3) != NULL, "no sub");
    if (s->req_jti)
        FUZZ_CHECK(jg_jval_get(root, "jti", 3) != NULL, "no jti");
    {
        const char *sub;
        size_t sl;
        jg_err rc = jg_claims_get_str(c, "sub", &sub, &sl);
        const jg_jval *sv = jg_jval_get(root, "sub", 3);
        FUZZ_CHECK(sv ? rc == JG_OK : rc == JG_E_NOT_FOUND,
                   "claims_get_str(sub): %s", jg_err_name(rc));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jg_buf hdr = {0}, tok = {0};
    const uint8_t *claims, *nul;
    size_t claims_len;
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned mac_len = 0;
    jg_verifier *v;
    jg_claims *c = NULL;
    jg_reason why;
    jg_err rc;
    sel s;

    if (!ks) {
        size_t skipped;
        FUZZ_CHECK(jg_keyset_from_jwks(&ks, FUZZ_HS_JWKS,
                                       strlen(FUZZ_HS_JWKS),
                                       &skipped) == JG_OK,
                   "fixed keyset");
    }
    if (size < 2)
        return 0;
    decode_sel(&s, data[0], data[1]);
    claims = data + 2;
    claims_len = size - 2;
    nul = s.own_header ? memchr(claims, '\0', claims_len) : NULL;
    if (nul) {
        append(&hdr, claims, (size_t)(nul - claims));
        claims_len -= (size_t)(nul - claims) + 1;
        claims = nul + 1;
    } else {
        s.own_header = 0;
        make_header(&hdr, &s);
    }

    /* header.claims.HMAC-SHA256 with the fixed secret (RFC 7515 §5.1) */
    append_b64(&tok, hdr.data, hdr.len);
    append(&tok, ".", 1);
    append_b64(&tok, claims, claims_len);
    FUZZ_CHECK(HMAC(EVP_sha256(), FUZZ_HS_SECRET, (int)FUZZ_HS_SECRET_LEN,
                    tok.data, tok.len, mac, &mac_len) != NULL,
               "HMAC");
    append(&tok, ".", 1);
    append_b64(&tok, mac, mac_len);

    v = make_verifier(&s);
    rc = jg_jwt_verify(v, (const char *)tok.data, tok.len, &c, &why);
    FUZZ_CHECK(why.err == rc, "reason says %s, call returned %s",
               jg_err_name(why.err), jg_err_name(rc));
    if (rc == JG_OK) {
        FUZZ_CHECK(c != NULL, "accepted without claims");
        check_accepted(&s, c, claims, claims_len);
    } else {
        FUZZ_CHECK(c == NULL, "claims left behind on failure");
        FUZZ_CHECK(rc != JG_E_BAD_SIGNATURE,
                   "a correct HS256 signature was refused: %s",
                   jg_reason_str(&why));
        FUZZ_CHECK(rc == JG_E_MALFORMED || rc == JG_E_LIMIT ||
                       (rc >= JG_E_CLAIM_EXPIRED &&
                        rc <= JG_E_CLAIM_REVOKED) ||
                       (s.own_header && (rc == JG_E_ALG_NOT_ALLOWED ||
                                         rc == JG_E_KEY_MISMATCH ||
                                         rc == JG_E_CRIT_UNSUPPORTED)),
                   "unexpected error: %s", jg_reason_str(&why));
        FUZZ_CHECK(rc != JG_E_CLAIM_REVOKED, "revoked without a denylist");
    }
    jg_claims_free(c);
    jg_verifier_free(v);
    jg_buf_free(&tok);
    jg_buf_free(&hdr);
    return 0;
}
