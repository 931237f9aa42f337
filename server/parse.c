/* server/parse.c - the request parsers, apart from libevent.
 *
 * Form components and bodies (application/x-www-form-urlencoded), string
 * fields of a JSON body (through the library's strict parser), one cookie
 * of a Cookie header and the base64 of HTTP Basic credentials. routes.c
 * and oauth.c call these on what they read from the request; keeping them
 * free of libevent lets fuzz/fuzz_server.c drive them directly.
 */
#include "parse.h"

#include <jwtguard/json.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one form component (WHATWG urlencoded: '+' is a space). NUL
 * bytes, raw or as %00, are refused: no name or secret of ours contains
 * one, and a name with one would pass strcmp() as its prefix. */
char *parse_form_decode(const char *s, size_t n, size_t *out_len)
{
    char *o = malloc(n + 1);
    size_t k = 0;
    if (!o)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            o[k++] = ' ';
        } else if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= n) {
                jg_wipe(o, k);
                free(o);
                return NULL;
            }
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                jg_wipe(o, k);
                free(o);
                return NULL;
            }
            o[k++] = (char)(hi << 4 | lo);
            i += 2;
        } else if (s[i] == '\0') { /* raw: "token\0x" would match "token" */
            jg_wipe(o, k);
            free(o);
            return NULL;
        } else {
            o[k++] = s[i];
        }
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}

int parse_form_fields(const char *body, size_t len, const char *const *names,
                      char **vals, size_t *lens, size_t n)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i, eq;
        char *key, *val;
        size_t kl, vl;
        while (end < len && body[end] != '&')
            end++;
        for (eq = i; eq < end && body[eq] != '='; eq++)
            ;
        key = parse_form_decode(body + i, eq - i, &kl);
        val = key ? parse_form_decode(body + (eq < end ? eq + 1 : end),
                               eq < end ? end - eq - 1 : 0, &vl)
                  : NULL;
        if (!key || !val) {
            free(key);
            free(val);
            return -1;
        }
        for (size_t f = 0; f < n; f++)
            /* lint:public-compare: form field names of a request body */
            if (!strcmp(key, names[f])) {
                if (vals[f]) { /* repeated: ambiguous, refuse */
                    free(key);
                    jg_wipe(val, vl);
                    free(val);
                    return -1;
                }
                vals[f] = val;
                lens[f] = vl;
                val = NULL;
            }
        free(key);
        if (val) {
            jg_wipe(val, vl);
            free(val);
        }
        i = end + 1;
    }
    return 0;
}

int parse_json_fields(const char *body, size_t len, size_t max_json,
                      const char *const *names, char **vals, size_t *lens,
                      size_t n)
{
    jg_json *doc = NULL;
    jg_limits lim;
    const jg_jval *root;
    int rc = 0;
    jg_limits_default(&lim);
    lim.max_json = max_json;
    if (jg_json_parse(&doc, body, len, &lim) != JG_OK)
        return -1;
    root = jg_json_root(doc);
    if (jg_jval_type(root) != JG_JSON_OBJECT)
        rc = -1;
    for (size_t f = 0; rc == 0 && f < n; f++) {
        const jg_jval *v = jg_jval_get(root, names[f], strlen(names[f]));
        const char *s;
        size_t sl;
        if (!v)
            continue;
        if (jg_jval_str(v, &s, &sl) != JG_OK || memchr(s, 0, sl)) {
            rc = -1;
            break;
        }
        vals[f] = malloc(sl + 1);
        if (!vals[f]) {
            rc = -1;
            break;
        }
        memcpy(vals[f], s, sl + 1);
        lens[f] = sl;
    }
    jg_json_free(doc);
    return rc;
}

char *parse_cookie(const char *header, const char *name, size_t max,
                   size_t *len)
{
    const char *h = header;
    size_t nl = strlen(name);
    while (h && *h) {
        size_t seg;
        while (*h == ' ' || *h == '\t' || *h == ';')
            h++;
        seg = strcspn(h, ";");
        if (seg > nl && !strncmp(h, name, nl) && h[nl] == '=') {
            size_t vl = seg - nl - 1;
            char *v;
            while (vl && (h[nl + 1 + vl - 1] == ' '))
                vl--;
            if (vl == 0 || vl > max)
                return NULL;
            v = malloc(vl + 1);
            if (!v)
                return NULL;
            memcpy(v, h + nl + 1, vl);
            v[vl] = '\0';
            *len = vl;
            return v;
        }
        h += seg;
    }
    return NULL;
}

/* Strict standard base64 (RFC 4648 §4) with padding. -1 if malformed. */
int parse_b64std(const char *in, size_t n, uint8_t *out, size_t *out_len)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint32_t acc = 0;
    size_t k = 0, pad = 0;
    if (n == 0 || n % 4)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *p;
        int v;
        if (in[i] == '=') {
            if (i < n - 2)
                return -1;
            pad++;
            v = 0;
        } else {
            p = in[i] ? strchr(alpha, in[i]) : NULL;
            if (pad || !p)
                return -1;
            v = (int)(p - alpha);
        }
        acc = acc << 6 | (uint32_t)v;
        if (i % 4 == 3) {
            out[k++] = (uint8_t)(acc >> 16);
            out[k++] = (uint8_t)(acc >> 8);
            out[k++] = (uint8_t)acc;
            acc = 0;
        }
    }
    *out_len = k - pad;
    return 0;
}
