/* cli/cmd_jwt.c - `jwtguard jwt`: sign, verify and inspect JWTs.
 *
 * sign builds claims (exp, iat and jti by default; RFC 7519 §4.1) and a
 * "typ" header; verify runs the library's whole check (signature, then
 * exp/nbf/iat/iss/aud/typ/required, RFC 8725 §3) and prints the claims
 * only if everything passed, with --explain saying which checks passed or
 * why one failed. inspect decodes a token WITHOUT verifying it, and says
 * so on every line it prints.
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char jwt_usage[] =
    "usage: jwtguard jwt <subcommand> [options]\n"
    "\n"
    "  sign     --key FILE [--alg ALG] [--ttl DURATION] [--iss S] [--sub S]\n"
    "           [--aud S]... [--typ S] [--claims FILE|-]\n"
    "  verify   --key FILE [--alg ALG]... [--iss S] [--aud S]... [--typ S]\n"
    "           [--leeway DURATION] [--max-age DURATION] [--require CLAIM]...\n"
    "           [--no-exp] [--explain] [TOKEN|-]\n"
    "  inspect  [TOKEN|-]    header and claims, NOT verified\n"
    "\n"
    "Instead of --key, --secret-file FILE uses the file's bytes as an HMAC\n"
    "secret (with one --alg HS256, HS384 or HS512).\n"
    "DURATION: seconds, or a number with an s, m, h or d suffix (15m, 1h).\n";

static const char sign_usage[] =
    "usage: jwtguard jwt sign (--key FILE | --secret-file FILE) [--alg ALG]\n"
    "                         [--ttl DURATION] [--iss S] [--sub S] [--aud S]...\n"
    "                         [--typ S] [--claims FILE|-]\n"
    "\n"
    "Print a signed JWT. iat, a random jti and exp = iat + ttl are set.\n"
    "\n"
    "  --key FILE          private JWK, JWKS of one key, or PEM\n"
    "  --secret-file FILE  raw HMAC secret (needs --alg HS*)\n"
    "  --alg ALG           algorithm; default: the key's own \"alg\" (EC and\n"
    "                      OKP keys without one use their only algorithm)\n"
    "  --ttl DURATION      lifetime (default 10m); may not be combined with\n"
    "                      an \"exp\" in --claims\n"
    "  --iss S, --sub S    issuer, subject\n"
    "  --aud S             audience (repeatable: several give an array)\n"
    "  --typ S             \"typ\" header (default JWT)\n"
    "  --claims FILE|-     a JSON object of claims to merge first; the\n"
    "                      options above win over it\n";

static const char verify_usage[] =
    "usage: jwtguard jwt verify (--key FILE | --secret-file FILE)\n"
    "                           [--alg ALG]... [--iss S] [--aud S]...\n"
    "                           [--typ S] [--leeway DURATION]\n"
    "                           [--max-age DURATION] [--require CLAIM]...\n"
    "                           [--no-exp] [--explain] [TOKEN|-]\n"
    "\n"
    "Verify a JWT and print its claims (JSON) only if every check passed;\n"
    "otherwise exit 1 with one line on stderr: jwtguard: E_NAME: reason.\n"
    "\n"
    "  --key FILE          JWK, JWKS or PEM (public or private)\n"
    "  --secret-file FILE  raw HMAC secret (needs one --alg HS*)\n"
    "  --alg ALG           allow ALG (repeatable); default: the key's own\n"
    "                      \"alg\", or every algorithm of the key's type and\n"
    "                      size if it has none\n"
    "  --iss S             require this issuer exactly\n"
    "  --aud S             require this audience (repeatable: any one)\n"
    "  --typ S             require this \"typ\" header\n"
    "  --leeway DURATION   clock skew for exp/nbf/iat (default 30s, max 5m)\n"
    "  --max-age DURATION  reject tokens whose iat is older\n"
    "  --require CLAIM     require the claim to be present (repeatable)\n"
    "  --no-exp            accept tokens without exp (they never expire)\n"
    "  --explain           say on stderr which checks passed, or in full\n"
    "                      why the token was rejected\n";

static const char inspect_usage[] =
    "usage: jwtguard jwt inspect [TOKEN|-]\n"
    "\n"
    "Decode a compact JWT and print its header and claims WITHOUT checking\n"
    "anything: every line is labelled UNVERIFIED. Exit 1 if the token is\n"
    "malformed. Never trust what this prints; use jwt verify.\n";

enum {
    O_TTL = CLI_OPT_KEY_END,
    O_ISS,
    O_SUB,
    O_AUD,
    O_TYP,
    O_CLAIMS,
    O_LEEWAY,
    O_MAX_AGE,
    O_REQUIRE,
    O_NO_EXP,
    O_EXPLAIN
};
#define MAX_MULTI 32

/* ---- reading a token without verifying it (inspect, explain) ---- */

typedef struct peek {
    jg_json *hdr;
    jg_json *claims;
    size_t sig_len; /* bytes of the signature segment (base64url) */
} peek;

static void peek_free(peek *pk)
{
    jg_json_free(pk->hdr);
    jg_json_free(pk->claims);
    pk->hdr = pk->claims = NULL;
}

/* JG_OK or JG_E_MALFORMED/JG_E_LIMIT with *what saying which part. */
static jg_err peek_token(peek *pk, const char *tok, size_t len,
                         const char **what)
{
    const char *d1 = memchr(tok, '.', len), *d2;
    jg_buf payload = {0};
    jg_err e;

    memset(pk, 0, sizeof *pk);
    *what = "token";
    e = jg_jws_peek_unverified_header(&pk->hdr, tok, len);
    if (e != JG_OK) {
        pk->hdr = NULL;
        *what = "header";
        return e;
    }
    d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok)) : NULL;
    if (!d1 || !d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - tok))) {
        *what = "not three dot-separated segments";
        e = JG_E_MALFORMED;
        goto out;
    }
    pk->sig_len = len - (size_t)(d2 + 1 - tok);
    if (cli_b64url_decode(&payload, d1 + 1, (size_t)(d2 - d1 - 1)) != 0) {
        *what = "payload is not strict base64url";
        e = JG_E_MALFORMED;
        goto out;
    }
    e = jg_json_parse(&pk->claims, (const char *)payload.data, payload.len,
                      NULL);
    if (e != JG_OK) {
        pk->claims = NULL;
        *what = "payload is not strict JSON";
        goto out;
    }
    if (jg_jval_type(jg_json_root(pk->claims)) != JG_JSON_OBJECT) {
        *what = "payload is not a JSON object";
        e = JG_E_MALFORMED;
        goto out;
    }
    if (jg_jval_type(jg_json_root(pk->hdr)) != JG_JSON_OBJECT) {
        *what = "header is not a JSON object";
        e = JG_E_MALFORMED;
        goto out;
    }
out:
    jg_buf_free(&payload);
    if (e != JG_OK)
        peek_free(pk);
    return e;
}

/* Compact text of a value. 0 on success. */
static int value_text(jg_buf *out, const jg_jval *v)
{
    const char *raw;
    size_t len;
    jg_jval_raw(v, &raw, &len);
    return cli_json_compact(out, raw, len);
}

/* A NumericDate member: 1 found (in *t), 0 absent, -1 not a number. */
static int num_date(const jg_jval *obj, const char *name, int64_t *t)
{
    const jg_jval *v = jg_jval_get(obj, name, strlen(name));
    double d;

    if (!v)
        return 0;
    if (jg_jval_type(v) == JG_JSON_INT)
        return jg_jval_int(v, t) == JG_OK ? 1 : -1;
    if (jg_jval_type(v) != JG_JSON_DOUBLE || jg_jval_num(v, &d) != JG_OK ||
        !isfinite(d) || d < -9.2e18 || d > 9.2e18)
        return -1;
    *t = (int64_t)d; /* floor, without needing libm */
    if ((double)*t > d)
        (*t)--;
    return 1;
}

/* "1700000000 (2023-11-14T22:13:20Z, 5m ago)" */
static void describe_time(char *out, size_t cap, int64_t t, int64_t now)
{
    char iso[40], rel[40];
    cli_format_time(iso, sizeof iso, t);
    if (t == now) {
        snprintf(out, cap, "%lld (%s, now)", (long long)t, iso);
    } else if (t > now) {
        cli_format_duration(rel, sizeof rel, t - now);
        snprintf(out, cap, "%lld (%s, in %s)", (long long)t, iso, rel);
    } else {
        cli_format_duration(rel, sizeof rel,
                            now - t > 0 ? now - t : INT64_MAX);
        snprintf(out, cap, "%lld (%s, %s ago)", (long long)t, iso, rel);
    }
}

/* ---- jwt sign ---- */

static int jwt_sign(int argc, char **argv)
{
    static const cli_opt opts[] = {
        {"key", 1, CLI_OPT_KEY}, {"secret-file", 1, CLI_OPT_SECRET},
        {"alg", 1, CLI_OPT_ALG}, {"ttl", 1, O_TTL},
        {"iss", 1, O_ISS},       {"sub", 1, O_SUB},
        {"aud", 1, O_AUD},       {"typ", 1, O_TYP},
        {"claims", 1, O_CLAIMS}, {NULL, 0, 0}};
    const char *cmd = "jwt sign";
    const char *iss = NULL, *sub = NULL;
    const char *typ = NULL, *claims = NULL, *ttl_arg = NULL, *val;
    const char *aud[MAX_MULTI];
    size_t n_aud = 0;
    int64_t ttl = 0;
    jg_alg use_alg;
    const jg_key *k;
    jg_signer *s = NULL;
    jg_jwt_builder *b = NULL;
    jg_json *cdoc = NULL;
    jg_buf ctext = {0}, out = {0};
    jg_jws_opts jo;
    cli_key_opts ko = {0};
    cli_keys ks = {0};
    cli_parser p;
    int id, rc;
    jg_err e;

    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts, &val)) != CLI_OPT_END) {
        rc = cli_key_opt(&ko, cmd, id, val);
        if (rc == CLI_KEYOPT_ERR)
            return CLI_USAGE;
        if (rc == CLI_KEYOPT_YES)
            continue;
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(sign_usage);
        case O_TTL:
            ttl_arg = val;
            if (cli_parse_duration(val, &ttl) != 0 || ttl <= 0)
                return cli_usage(cmd, "bad --ttl '%s' (a positive duration: "
                                      "90, 90s, 15m, 1h, 7d)",
                                 val);
            break;
        case O_ISS:
            iss = val;
            break;
        case O_SUB:
            sub = val;
            break;
        case O_AUD:
            if (n_aud == MAX_MULTI)
                return cli_usage(cmd, "too many --aud options");
            aud[n_aud++] = val;
            break;
        case O_TYP:
            typ = val;
            break;
        case O_CLAIMS:
            claims = val;
            break;
        case CLI_OPT_POS:
            return cli_usage(cmd, "unexpected argument '%s'", val);
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    if (typ && typ[0] == '\0')
        return cli_usage(cmd, "--typ may not be empty");
    rc = cli_sign_key(&ks, &k, &use_alg, cmd, &ko);
    if (rc != CLI_OK)
        return rc;
    rc = CLI_USAGE;
    if (claims) {
        if (cli_read_file(&ctext, claims, CLI_MAX_FILE) != CLI_OK)
            goto out;
        e = jg_json_parse(&cdoc, (const char *)ctext.data, ctext.len, NULL);
        if (e != JG_OK ||
            jg_jval_type(jg_json_root(cdoc)) != JG_JSON_OBJECT) {
            cli_msg("%s: %s: claims must be one strict JSON object",
                    jg_err_name(e != JG_OK ? e : JG_E_MALFORMED),
                    cli_name(claims));
            goto out;
        }
        /* Two sources for exp would leave one silently ignored. */
        if (ttl_arg && jg_jval_get(jg_json_root(cdoc), "exp", 3)) {
            cli_usage(cmd, "--ttl and an \"exp\" in --claims conflict; "
                           "give one");
            goto out;
        }
    }
    e = jg_jwt_builder_new(&b);
    if (e == JG_OK && claims)
        e = jg_jwt_set_claims_json(b, (const char *)ctext.data, ctext.len);
    if (e != JG_OK) {
        cli_fail(e, claims ? cli_name(claims) : "claims");
        goto out;
    }
    if (iss)
        e = jg_jwt_set_str(b, "iss", iss, strlen(iss));
    if (e == JG_OK && sub)
        e = jg_jwt_set_str(b, "sub", sub, strlen(sub));
    for (size_t i = 0; e == JG_OK && i < n_aud; i++)
        e = jg_jwt_add_aud(b, aud[i], strlen(aud[i]));
    if (e == JG_OK && ttl_arg)
        e = jg_jwt_set_ttl(b, ttl);
    if (e != JG_OK) {
        cli_fail(e, "claims");
        goto out;
    }
    e = jg_signer_new(&s, k, use_alg);
    if (e != JG_OK) {
        cli_fail(e, ks.name);
        goto out;
    }
    memset(&jo, 0, sizeof jo);
    jo.typ = typ ? typ : "JWT";
    e = jg_jwt_sign(s, b, &jo, &out);
    if (e != JG_OK) {
        cli_fail(e, "sign");
        goto out;
    }
    if (cli_append(&out, "\n", 1) != 0)
        goto out;
    rc = cli_write_stdout(out.data, out.len);
out:
    jg_buf_free(&out);
    jg_buf_free(&ctext);
    jg_json_free(cdoc);
    jg_jwt_builder_free(b);
    jg_signer_free(s);
    cli_keys_free(&ks);
    return rc;
}

/* ---- jwt verify ---- */

typedef struct vopts {
    const char *iss, *typ;
    const char *aud[MAX_MULTI];
    size_t n_aud;
    const char *req[MAX_MULTI];
    size_t n_req;
    int64_t leeway, max_age;
    int no_exp, explain;
    jg_alg algs[JG_ALG__JWS_END];
    size_t n_algs;
} vopts;

static void xline(const char *fmt, ...) CLI_PRINTF(1, 2);
static void xline(const char *fmt, ...)
{
    char text[900];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        text[0] = '\0';
    cli_msg("explain: %s", text);
}

/* Print "label: <compact JSON>" (UNVERIFIED or verified), cut at 2 KiB. */
static void xjson(const char *label, const jg_jval *v)
{
    jg_buf t = {0};
    if (!v)
        return;
    if (value_text(&t, v) == 0) {
        size_t n = t.len > 2048 ? 2048 : t.len;
        fprintf(stderr, "jwtguard: explain: %s: ", label);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = t.data[i];
            fputc(c < 0x20 || c == 0x7f ? '?' : (int)c, stderr);
        }
        fputs(n < t.len ? "...\n" : "\n", stderr);
    }
    jg_buf_free(&t);
}

/* The list of allowed algorithms, "ES256 ES384". */
static void alg_list(char *out, size_t cap, const vopts *o)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < o->n_algs && used + 1 < cap; i++) {
        int n = snprintf(out + used, cap - used, "%s%s", i ? " " : "",
                         jg_alg_name(o->algs[i]));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* A string list, each quoted: "a", "b". */
static void str_list(char *out, size_t cap, const char *const *v, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < cap; i++) {
        int w = snprintf(out + used, cap - used, "%s\"%s\"", i ? ", " : "",
                         v[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* Text of a string member, quoted, or "absent" / its JSON. */
static void member_text(char *out, size_t cap, const jg_jval *obj,
                        const char *name)
{
    const jg_jval *v = jg_jval_get(obj, name, strlen(name));
    jg_buf t = {0};
    if (!v) {
        snprintf(out, cap, "absent");
        return;
    }
    if (value_text(&t, v) == 0)
        snprintf(out, cap, "%.*s%s", (int)(t.len > 200 ? 200 : t.len),
                 (const char *)t.data, t.len > 200 ? "..." : "");
    else
        snprintf(out, cap, "?");
    jg_buf_free(&t);
}

static void explain_policy(const vopts *o)
{
    char algs[200], auds[400], lw[32], ma[32];
    alg_list(algs, sizeof algs, o);
    str_list(auds, sizeof auds, o->aud, o->n_aud);
    cli_format_duration(lw, sizeof lw, o->leeway);
    if (o->max_age)
        cli_format_duration(ma, sizeof ma, o->max_age);
    else
        snprintf(ma, sizeof ma, "off");
    xline("policy: algorithms [%s]; iss %s%s%s; aud %s%s; typ %s%s%s; "
          "leeway %s; max-age %s; exp %s",
          algs, o->iss ? "\"" : "", o->iss ? o->iss : "any",
          o->iss ? "\"" : "", o->n_aud ? "one of " : "any",
          o->n_aud ? auds : "", o->typ ? "\"" : "", o->typ ? o->typ : "any",
          o->typ ? "\"" : "", lw, ma, o->no_exp ? "optional" : "required");
    if (o->n_req) {
        char req[400];
        str_list(req, sizeof req, o->req, o->n_req);
        xline("policy: required claims: %s", req);
    }
}

static const char *rule_for(jg_err e)
{
    switch (e) {
    case JG_E_MALFORMED:
        return "a token is three base64url segments (no padding, no "
               "whitespace, canonical) whose header and claims are strict "
               "UTF-8 JSON objects without duplicate names";
    case JG_E_LIMIT:
        return "token, header and claims must stay within the size, depth "
               "and member limits";
    case JG_E_ALG_NOT_ALLOWED:
        return "the header alg must be in the allowlist (from --alg or the "
               "key), never chosen by the token; 'none' never exists";
    case JG_E_KEY_MISMATCH:
        return "the key is chosen only by an exact kid match in our own "
               "key set (or, without kid, a key that fits the alg) and must "
               "accept the alg for verification";
    case JG_E_BAD_SIGNATURE:
        return "the signature over header.payload must verify with the key: "
               "the token was altered or signed with another key";
    case JG_E_CRIT_UNSUPPORTED:
        return "every extension named in crit must be understood; none are "
               "enabled";
    case JG_E_CLAIM_EXPIRED:
        return "now must not be later than exp + leeway";
    case JG_E_CLAIM_NOT_YET_VALID:
        return "nbf and iat must not be later than now + leeway";
    case JG_E_CLAIM_TOO_OLD:
        return "now - iat must not exceed --max-age";
    case JG_E_CLAIM_ISS:
        return "iss must equal the required issuer exactly";
    case JG_E_CLAIM_AUD:
        return "aud (a string or an array of strings) must contain one of "
               "the required audiences";
    case JG_E_CLAIM_TYP:
        return "the typ header must equal the required type "
               "(case-insensitive, an \"application/\" prefix ignored)";
    case JG_E_CLAIM_REQUIRED:
        return "exp (unless --no-exp) and every --require claim must be "
               "present";
    case JG_E_CLAIM_TYPE:
        return "exp, nbf and iat must be numbers; iss, sub and jti strings; "
               "aud a string or an array of strings";
    case JG_E_CLAIM_REVOKED:
        return "the token's jti must not be on the denylist";
    default:
        return "see the reason above";
    }
}

static void explain_limits(size_t len)
{
    xline("values: token %zu bytes (limit %u), header/claims limit %u "
          "bytes, depth %u",
          len, JG_DEFAULT_MAX_TOKEN, JG_DEFAULT_MAX_JSON,
          JG_DEFAULT_MAX_DEPTH);
}

static void explain_values(jg_err e, const peek *pk, const vopts *o,
                           int64_t now, size_t len)
{
    const jg_jval *h = jg_json_root(pk->hdr);
    const jg_jval *c = jg_json_root(pk->claims);
    char a[260], b[260], lw[32];
    int64_t t;
    int r;

    cli_format_duration(lw, sizeof lw, o->leeway);
    switch (e) {
    case JG_E_LIMIT:
        explain_limits(len);
        break;
    case JG_E_ALG_NOT_ALLOWED:
        member_text(a, sizeof a, h, "alg");
        alg_list(b, sizeof b, o);
        xline("values: UNVERIFIED header alg %s; allowed [%s]", a, b);
        break;
    case JG_E_KEY_MISMATCH:
    case JG_E_BAD_SIGNATURE:
        member_text(a, sizeof a, h, "alg");
        member_text(b, sizeof b, h, "kid");
        xline("values: UNVERIFIED header alg %s, kid %s", a, b);
        break;
    case JG_E_CLAIM_EXPIRED:
        r = num_date(c, "exp", &t);
        if (r == 1) {
            describe_time(a, sizeof a, t, now);
            xline("values: UNVERIFIED exp %s; now %lld; leeway %s", a,
                  (long long)now, lw);
        }
        break;
    case JG_E_CLAIM_NOT_YET_VALID:
        r = num_date(c, "nbf", &t);
        if (r == 1)
            describe_time(a, sizeof a, t, now);
        else
            snprintf(a, sizeof a, "%s", r == 0 ? "absent" : "not a number");
        r = num_date(c, "iat", &t);
        if (r == 1)
            describe_time(b, sizeof b, t, now);
        else
            snprintf(b, sizeof b, "%s", r == 0 ? "absent" : "not a number");
        xline("values: UNVERIFIED nbf %s; iat %s; now %lld; leeway %s", a, b,
              (long long)now, lw);
        break;
    case JG_E_CLAIM_TOO_OLD:
        r = num_date(c, "iat", &t);
        if (r == 1)
            describe_time(a, sizeof a, t, now);
        else
            snprintf(a, sizeof a, "%s", r == 0 ? "absent" : "not a number");
        cli_format_duration(b, sizeof b, o->max_age);
        xline("values: UNVERIFIED iat %s; max-age %s; leeway %s", a, b, lw);
        break;
    case JG_E_CLAIM_ISS:
        member_text(a, sizeof a, c, "iss");
        xline("values: UNVERIFIED iss %s; required \"%s\"", a,
              o->iss ? o->iss : "");
        break;
    case JG_E_CLAIM_AUD:
        member_text(a, sizeof a, c, "aud");
        str_list(b, sizeof b, o->aud, o->n_aud);
        xline("values: UNVERIFIED aud %s; accepted: %s", a, b);
        break;
    case JG_E_CLAIM_TYP:
        member_text(a, sizeof a, h, "typ");
        xline("values: UNVERIFIED typ header %s; required \"%s\"", a,
              o->typ ? o->typ : "");
        break;
    case JG_E_CLAIM_REQUIRED: {
        if (!o->no_exp && !jg_jval_get(c, "exp", 3))
            xline("values: exp is absent (pass --no-exp to accept tokens "
                  "that never expire)");
        for (size_t i = 0; i < o->n_req; i++)
            if (!jg_jval_get(c, o->req[i], strlen(o->req[i])))
                xline("values: required claim \"%s\" is absent", o->req[i]);
        break;
    }
    case JG_E_CLAIM_TYPE: {
        static const char *const names[] = {"exp", "nbf", "iat", "iss",
                                            "sub", "jti", "aud"};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            member_text(a, sizeof a, c, names[i]);
            if (strcmp(a, "absent") != 0)
                xline("values: UNVERIFIED %s = %s", names[i], a);
        }
        break;
    }
    default:
        break;
    }
}

static void explain_failure(jg_err e, const jg_reason *why, const vopts *o,
                            const char *tok, size_t len)
{
    int64_t now = (int64_t)time(NULL);
    const char *what;
    peek pk;

    xline("failed check: %s", why->check[0] ? why->check : "verify");
    xline("rule: %s", rule_for(e));
    if (why->detail[0])
        xline("detail: %s", why->detail);
    explain_policy(o);
    if (peek_token(&pk, tok, len, &what) == JG_OK) {
        explain_values(e, &pk, o, now, len);
        xjson("UNVERIFIED header", jg_json_root(pk.hdr));
        xjson("UNVERIFIED claims", jg_json_root(pk.claims));
        peek_free(&pk);
    } else {
        if (e == JG_E_LIMIT)
            explain_values(e, &pk, o, now, len);
        xline("the token cannot be decoded for display: %s", what);
    }
    xline("result: REJECTED (nothing was printed on stdout)");
}

static void explain_success(const jg_claims *c, const cli_keys *ks,
                            const vopts *o, size_t len)
{
    const jg_jval *h = jg_claims_header(c), *cl = jg_claims_root(c);
    int64_t now = (int64_t)time(NULL), t;
    char a[300], b[300], lw[32];
    const char *alg = "?", *kid = NULL;
    size_t alg_len = 1, kid_len = 0;
    int r;

    cli_format_duration(lw, sizeof lw, o->leeway);
    if (jg_jval_str(jg_jval_get(h, "alg", 3), &alg, &alg_len) != JG_OK) {
        alg = "?";
        alg_len = 1;
    }
    if (jg_jval_str(jg_jval_get(h, "kid", 3), &kid, &kid_len) != JG_OK)
        kid = NULL;
    xline("size: %zu bytes <= %u: passed", len, JG_DEFAULT_MAX_TOKEN);
    xline("format: compact JWS, strict base64url, strict JSON header and "
          "claims: passed");
    alg_list(a, sizeof a, o);
    xline("alg: %.*s is in the allowlist [%s]: passed", (int)alg_len, alg, a);
    if (kid) {
        const jg_key *k = jg_keyset_find(ks->set, kid, kid_len);
        if (k)
            cli_key_desc(b, sizeof b, k);
        xline("key: kid \"%.*s\" found in %s (%s): passed",
              (int)(kid_len > 64 ? 64 : kid_len), kid, ks->name,
              k ? b : "?");
    } else if (ks->key) {
        cli_key_desc(b, sizeof b, ks->key);
        xline("key: no kid; the one key of %s (%s): passed", ks->name, b);
    } else {
        xline("key: no kid; a key of %s that fits %.*s: passed", ks->name,
              (int)alg_len, alg);
    }
    xline("signature: %.*s signature valid: passed", (int)alg_len, alg);

    r = num_date(cl, "exp", &t);
    if (r == 1) {
        describe_time(a, sizeof a, t, now);
        xline("exp: %s, leeway %s: passed", a, lw);
    } else {
        xline("exp: absent (accepted because of --no-exp: this token never "
              "expires)");
    }
    r = num_date(cl, "nbf", &t);
    if (r == 1) {
        describe_time(a, sizeof a, t, now);
        xline("nbf: %s, leeway %s: passed", a, lw);
    } else {
        xline("nbf: absent");
    }
    r = num_date(cl, "iat", &t);
    if (r == 1) {
        describe_time(a, sizeof a, t, now);
        xline("iat: %s, not in the future: passed", a);
    } else {
        xline("iat: absent");
    }
    if (o->max_age) {
        cli_format_duration(b, sizeof b, o->max_age);
        xline("max-age: issued at most %s ago: passed", b);
    } else {
        xline("max-age: not set");
    }
    member_text(a, sizeof a, cl, "iss");
    if (o->iss)
        xline("iss: %s equals \"%s\": passed", a, o->iss);
    else
        xline("iss: %s (no issuer required: consider --iss)", a);
    member_text(a, sizeof a, cl, "aud");
    if (o->n_aud) {
        str_list(b, sizeof b, o->aud, o->n_aud);
        xline("aud: %s contains one of %s: passed", a, b);
    } else {
        xline("aud: %s (no audience required: consider --aud)", a);
    }
    member_text(a, sizeof a, h, "typ");
    if (o->typ)
        xline("typ: header %s matches \"%s\": passed", a, o->typ);
    else
        xline("typ: header %s (no type required: consider --typ)", a);
    for (size_t i = 0; i < o->n_req; i++)
        xline("require: \"%s\" present: passed", o->req[i]);
    xline("revocation: no denylist configured (not checked)");
    xline("result: VALID");
}

static int jwt_verify(int argc, char **argv)
{
    static const cli_opt opts[] = {
        {"key", 1, CLI_OPT_KEY},   {"secret-file", 1, CLI_OPT_SECRET},
        {"alg", 1, CLI_OPT_ALG},   {"iss", 1, O_ISS},
        {"aud", 1, O_AUD},         {"typ", 1, O_TYP},
        {"leeway", 1, O_LEEWAY},   {"max-age", 1, O_MAX_AGE},
        {"require", 1, O_REQUIRE}, {"no-exp", 0, O_NO_EXP},
        {"explain", 0, O_EXPLAIN}, {NULL, 0, 0}};
    const char *cmd = "jwt verify";
    const char *tok_arg = NULL, *val;
    int leeway_set = 0;
    vopts o;
    jg_policy *pol = NULL;
    jg_verifier *v = NULL;
    jg_claims *c = NULL;
    jg_buf token = {0}, out = {0};
    cli_key_opts ko = {.many_algs = 1};
    cli_keys ks = {0};
    jg_reason why;
    cli_parser p;
    int id, rc;
    jg_err e = JG_OK;

    memset(&o, 0, sizeof o);
    o.leeway = JG_DEFAULT_LEEWAY;
    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts, &val)) != CLI_OPT_END) {
        rc = cli_key_opt(&ko, cmd, id, val);
        if (rc == CLI_KEYOPT_ERR)
            return CLI_USAGE;
        if (rc == CLI_KEYOPT_YES)
            continue;
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(verify_usage);
        case O_ISS:
            o.iss = val;
            break;
        case O_AUD:
            if (o.n_aud == MAX_MULTI)
                return cli_usage(cmd, "too many --aud options");
            o.aud[o.n_aud++] = val;
            break;
        case O_TYP:
            o.typ = val;
            break;
        case O_LEEWAY:
            if (cli_parse_duration(val, &o.leeway) != 0 ||
                o.leeway > JG_MAX_LEEWAY)
                return cli_usage(cmd, "bad --leeway '%s' (a duration of at "
                                      "most %ds)",
                                 val, JG_MAX_LEEWAY);
            leeway_set = 1;
            break;
        case O_MAX_AGE:
            if (cli_parse_duration(val, &o.max_age) != 0 || o.max_age <= 0)
                return cli_usage(cmd, "bad --max-age '%s' (a positive "
                                      "duration: 90, 90s, 15m, 1h, 7d)",
                                 val);
            break;
        case O_REQUIRE:
            if (o.n_req == MAX_MULTI)
                return cli_usage(cmd, "too many --require options");
            if (val[0] == '\0')
                return cli_usage(cmd, "--require needs a claim name");
            o.req[o.n_req++] = val;
            break;
        case O_NO_EXP:
            o.no_exp = 1;
            break;
        case O_EXPLAIN:
            o.explain = 1;
            break;
        case CLI_OPT_POS:
            if (tok_arg)
                return cli_usage(cmd, "unexpected argument '%s'", val);
            tok_arg = val;
            break;
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    if ((o.iss && !o.iss[0]) || (o.typ && !o.typ[0]))
        return cli_usage(cmd, "--iss and --typ may not be empty");
    for (size_t i = 0; i < o.n_aud; i++)
        if (!o.aud[i][0])
            return cli_usage(cmd, "--aud may not be empty");
    rc = cli_keys_load_opts(&ks, cmd, &ko);
    if (rc != CLI_OK)
        return rc;
    if (o.explain)
        cli_keys_warn_skipped(&ks);
    rc = cli_verify_algs(&ks, ko.algs, ko.n_algs, o.algs, &o.n_algs);
    if (rc != CLI_OK)
        goto out;
    rc = CLI_USAGE;
    e = jg_policy_new(&pol);
    if (e == JG_OK && o.iss)
        e = jg_policy_require_iss(pol, o.iss, strlen(o.iss));
    for (size_t i = 0; e == JG_OK && i < o.n_aud; i++)
        e = jg_policy_require_aud(pol, o.aud[i], strlen(o.aud[i]));
    if (e == JG_OK && o.typ)
        e = jg_policy_require_typ(pol, o.typ, strlen(o.typ));
    for (size_t i = 0; e == JG_OK && i < o.n_req; i++)
        e = jg_policy_require_claim(pol, o.req[i], strlen(o.req[i]));
    if (e == JG_OK && leeway_set)
        e = jg_policy_set_leeway(pol, o.leeway);
    if (e == JG_OK && o.max_age)
        e = jg_policy_set_max_age(pol, o.max_age);
    if (e != JG_OK) {
        cli_fail(e, "policy");
        goto out;
    }
    if (o.no_exp)
        jg_policy_allow_missing_exp(pol);
    rc = cli_make_verifier(&v, pol, &ks, o.algs, o.n_algs);
    if (rc != CLI_OK)
        goto out;
    rc = cli_read_token(&token, tok_arg, JG_DEFAULT_MAX_TOKEN);
    if (rc != CLI_OK)
        goto out;
    memset(&why, 0, sizeof why);
    e = jg_jwt_verify(v, (const char *)token.data, token.len, &c, &why);
    if (e != JG_OK) {
        c = NULL;
        cli_reject_line(e, &why);
        if (o.explain)
            explain_failure(e, &why, &o, (const char *)token.data,
                            token.len);
        rc = CLI_REJECT;
        goto out;
    }
    const char *json;
    size_t json_len;
    jg_claims_json(c, &json, &json_len);
    rc = CLI_USAGE;
    if (cli_json_compact(&out, json, json_len) != 0 ||
        cli_append(&out, "\n", 1) != 0) {
        cli_msg("E_NOMEM: out of memory");
        goto out;
    }
    if (o.explain)
        explain_success(c, &ks, &o, token.len);
    rc = cli_write_stdout(out.data, out.len);
out:
    jg_buf_free(&out);
    jg_buf_free(&token);
    jg_claims_free(c);
    jg_verifier_free(v);
    jg_policy_free(pol);
    cli_keys_free(&ks);
    return rc;
}

/* ---- jwt inspect ---- */

static int jwt_inspect(int argc, char **argv)
{
    static const cli_opt opts[] = {{NULL, 0, 0}};
    static const char *const dates[] = {"exp", "nbf", "iat"};
    const char *cmd = "jwt inspect", *tok_arg = NULL, *val, *what;
    jg_buf token = {0}, out = {0};
    int64_t now = (int64_t)time(NULL);
    cli_parser p;
    peek pk = {0};
    int id, rc;
    jg_err e;

    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(inspect_usage);
        case CLI_OPT_POS:
            if (tok_arg)
                return cli_usage(cmd, "unexpected argument '%s'", val);
            tok_arg = val;
            break;
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    rc = cli_read_token(&token, tok_arg, JG_DEFAULT_MAX_TOKEN);
    if (rc != CLI_OK)
        return rc;
    e = peek_token(&pk, (const char *)token.data, token.len, &what);
    if (e != JG_OK) {
        cli_msg("%s: inspect: %s", jg_err_name(e), what);
        rc = CLI_REJECT;
        goto out;
    }
    rc = CLI_USAGE;
    if (cli_append_str(&out, "UNVERIFIED: the signature has NOT been "
                             "checked; do not trust anything below\n") ||
        cli_append_str(&out, "UNVERIFIED header: ") ||
        value_text(&out, jg_json_root(pk.hdr)) ||
        cli_append_str(&out, "\nUNVERIFIED claims: ") ||
        value_text(&out, jg_json_root(pk.claims)) ||
        cli_append_str(&out, "\n"))
        goto out;
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char line[200], desc[120];
        int64_t t;
        int r = num_date(jg_json_root(pk.claims), dates[i], &t);
        if (r == 0)
            continue;
        if (r == 1)
            describe_time(desc, sizeof desc, t, now);
        else
            snprintf(desc, sizeof desc, "not a number");
        snprintf(line, sizeof line, "UNVERIFIED %s: %s\n", dates[i], desc);
        if (cli_append_str(&out, line))
            goto out;
    }
    {
        char line[160];
        snprintf(line, sizeof line,
                 "UNVERIFIED signature: %zu base64url characters, NOT "
                 "checked (use jwt verify)\n",
                 pk.sig_len);
        if (cli_append_str(&out, line))
            goto out;
    }
    rc = cli_write_stdout(out.data, out.len);
out:
    peek_free(&pk);
    jg_buf_free(&out);
    jg_buf_free(&token);
    return rc;
}

int cmd_jwt(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage("jwt", "missing subcommand");
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0)
        return cli_help(jwt_usage);
    if (strcmp(argv[0], "sign") == 0)
        return jwt_sign(argc - 1, argv + 1);
    if (strcmp(argv[0], "verify") == 0)
        return jwt_verify(argc - 1, argv + 1);
    if (strcmp(argv[0], "inspect") == 0)
        return jwt_inspect(argc - 1, argv + 1);
    return cli_usage("jwt", "unknown subcommand '%s'", argv[0]);
}
