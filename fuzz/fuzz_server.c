/* fuzz/fuzz_server.c - the server's request parsers (server/parse.c).
 *
 * The first byte picks the parser, the rest is its input: a form
 * component, a form body, a JSON body, a Cookie header, or the base64 of
 * HTTP Basic credentials. A form component that decodes has the length the
 * escapes predict, no NUL, and re-encodes to a form that decodes to the same
 * bytes; picked fields are NUL-free copies no longer than the body; a cookie
 * value is "name=value" text of the header; a Basic decode fits its bound
 * and agrees with OpenSSL's decoder.
 */
#include "fuzz.h"
#include "parse.h"
#include <jwtguard/common.h>
#include <openssl/evp.h>
#include <string.h>

#define COOKIE_MAX JG_DEFAULT_MAX_TOKEN /* what routes.c passes */
#define BODY_MAX 16384u                 /* HTTP_MAX_BODY */
#define BASIC_MAX 1024u                 /* oauth.c: longest credentials */

static const char *const fields[] = {"token", "token_type_hint", "username",
                                     "password", "grant_type"};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static void free_vals(char **vals, size_t *lens)
{
    for (size_t f = 0; f < N_FIELDS; f++) {
        if (vals[f]) {
            jg_wipe(vals[f], lens[f]);
            free(vals[f]);
        }
        vals[f] = NULL;
    }
}

/* The decoded bytes are what the input says: length n - 2 per escape, and
 * an input without escapes decodes to itself ('+' as space). */
static void form_component(const char *s, size_t n)
{
    size_t len = 0, len2 = 0, pct = 0, k = 0;
    char *enc, *back, *out = parse_form_decode(s, n, &len);
    static const char hex[] = "0123456789ABCDEF";

    if (!out)
        return;
    for (size_t i = 0; i < n; i++)
        pct += s[i] == '%';
    FUZZ_CHECK(len <= n && len == n - 2 * pct && out[len] == '\0',
               "form: %zu bytes from %zu with %zu escapes", len, n, pct);
    FUZZ_CHECK(!memchr(out, 0, len), "form: decoded value holds a NUL");
    if (pct == 0)
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(out[i] == (s[i] == '+' ? ' ' : s[i]),
                       "form: byte %zu changed without an escape", i);
    /* re-encode: unreserved bytes as they are, space as '+', others %XX */
    enc = malloc(3 * len + 1);
    FUZZ_CHECK(enc != NULL, "out of memory");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '*') {
            enc[k++] = (char)c;
        } else if (c == ' ') {
            enc[k++] = '+';
        } else {
            enc[k++] = '%';
            enc[k++] = hex[c >> 4];
            enc[k++] = hex[c & 15];
        }
    }
    back = parse_form_decode(enc, k, &len2);
    FUZZ_CHECK(back && len2 == len && memcmp(back, out, len) == 0,
               "form: re-encoded value does not decode to the same bytes");
    free(back);
    free(enc);
    jg_wipe(out, len);
    free(out);
}

/* A picked field is a NUL-free, NUL-terminated copy no longer than the
 * body; the same body gives the same fields twice. */
static void check_fields(const char *what, int rc, const char *body,
                         size_t len, char **vals, size_t *lens, int json)
{
    char *v2[N_FIELDS] = {0};
    size_t l2[N_FIELDS] = {0};
    int rc2 = json ? parse_json_fields(body, len, BODY_MAX, fields, v2, l2,
                                       N_FIELDS)
                   : parse_form_fields(body, len, fields, v2, l2, N_FIELDS);
    FUZZ_CHECK(rc == 0 || rc == -1, "%s: returned %d", what, rc);
    FUZZ_CHECK(rc == rc2, "%s: second parse returned %d, first %d", what, rc2,
               rc);
    for (size_t f = 0; rc == 0 && f < N_FIELDS; f++) {
        if (!vals[f]) {
            FUZZ_CHECK(!v2[f], "%s: %s found only the second time", what,
                       fields[f]);
            continue;
        }
        FUZZ_CHECK(lens[f] <= len && vals[f][lens[f]] == '\0' &&
                       strlen(vals[f]) == lens[f],
                   "%s: %s has %zu bytes, a NUL, or no end (body %zu)", what,
                   fields[f], lens[f], len);
        FUZZ_CHECK(v2[f] && l2[f] == lens[f] &&
                       memcmp(v2[f], vals[f], lens[f]) == 0,
                   "%s: %s differs the second time", what, fields[f]);
    }
    free_vals(v2, l2);
}

static void body_fields(const char *body, size_t len, int json)
{
    char *vals[N_FIELDS] = {0};
    size_t lens[N_FIELDS] = {0};
    int rc = json ? parse_json_fields(body, len, BODY_MAX, fields, vals, lens,
                                      N_FIELDS)
                  : parse_form_fields(body, len, fields, vals, lens, N_FIELDS);
    check_fields(json ? "json" : "form body", rc, body, len, vals, lens, json);
    free_vals(vals, lens);
}

/* The value found is "name=value" text of the header, starting a cookie
 * (after the start, a space, a tab or ';'), without ';' or a trailing
 * space, 1..COOKIE_MAX bytes. */
static void cookie(const char *hdr, size_t hlen, const char *name)
{
    size_t nl = strlen(name), len = 0;
    char *v = parse_cookie(hdr, name, COOKIE_MAX, &len);
    const char *p;
    int seen = 0;

    if (!v)
        return;
    FUZZ_CHECK(len >= 1 && len <= COOKIE_MAX && strlen(v) == len,
               "cookie %s: %zu bytes", name, len);
    FUZZ_CHECK(!memchr(v, ';', len) && v[len - 1] != ' ',
               "cookie %s: value holds ';' or ends in a space", name);
    for (p = hdr; !seen && (p = strstr(p, name)) != NULL; p++)
        seen = (p == hdr || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ';') &&
               p[nl] == '=' && (size_t)(p + nl + 1 - hdr) + len <= hlen &&
               memcmp(p + nl + 1, v, len) == 0;
    FUZZ_CHECK(seen, "cookie %s: value is not name=value text of the header",
               name);
    free(v);
}

/* Basic credentials: what the server decodes, bounded as oauth.c needs,
 * and what OpenSSL makes of the same text. */
static void basic(const char *in, size_t n)
{
    size_t cap = n / 4 * 3, len = 0, idl = 0;
    uint8_t *out = malloc(cap ? cap : 1), *ref;
    const char *colon;
    char *id;
    int rl;

    FUZZ_CHECK(out != NULL, "out of memory");
    if (n >= BASIC_MAX || parse_b64std(in, n, out, &len) != 0) {
        free(out);
        return;
    }
    FUZZ_CHECK(n % 4 == 0 && len <= cap && len + 2 >= cap,
               "basic: %zu bytes from %zu characters", len, n);
    ref = malloc(cap + 1);
    FUZZ_CHECK(ref != NULL, "out of memory");
    rl = EVP_DecodeBlock(ref, (const unsigned char *)in, (int)n);
    FUZZ_CHECK(rl == (int)cap && memcmp(ref, out, len) == 0,
               "basic: OpenSSL decodes %d bytes, or others", rl);
    /* then as client_auth goes on: the id before ':' is form-decoded */
    colon = memchr(out, ':', len);
    if (colon) {
        id = parse_form_decode((const char *)out,
                               (size_t)(colon - (const char *)out), &idl);
        FUZZ_CHECK(!id || idl <= (size_t)(colon - (const char *)out),
                   "basic: id grew");
        free(id);
    }
    jg_wipe(out, len);
    free(ref);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data + 1;
    size_t n = size ? size - 1 : 0;
    char *z;

    if (size == 0)
        return 0;
    switch (data[0] % 5) {
    case 0:
        form_component(s, n);
        break;
    case 1:
        body_fields(s, n, 0);
        break;
    case 2:
        body_fields(s, n, 1);
        break;
    case 3: /* a header is text: up to its first NUL, as libevent has it */
        z = malloc(n + 1);
        FUZZ_CHECK(z != NULL, "out of memory");
        if (n)
            memcpy(z, s, n);
        z[n] = '\0';
        cookie(z, strlen(z), "__Host-access");
        cookie(z, strlen(z), "__Host-refresh");
        free(z);
        break;
    default:
        basic(s, n);
        break;
    }
    return 0;
}
