/* cli/util.c - helpers shared by the jwtguard commands.
 *
 * One-line messages, an exact option parser, capped reads (stdin at most
 * once), strict durations and base64url, and key loading: --key takes a
 * JWK, a JWKS or a PEM file, --secret-file the raw bytes of an HMAC secret
 * (secrets are never taken from argv). Key material read here is wiped
 * (jg_buf_free) as soon as the library has parsed it. It deliberately
 * uses nothing but the public API.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- messages ---- */

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n < 0)
        line[0] = '\0';
    /* One line, always: nothing from a token or file may break it. */
    for (char *c = line; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u < 0x20 || u == 0x7f)
            *c = '?';
    }
    fprintf(stderr, "jwtguard: %s%s\n", prefix, line);
    fflush(stderr);
}

void cli_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0)
        text[0] = '\0';
    cli_msg("usage: %s; see 'jwtguard%s%s --help'", text, cmd ? " " : "",
            cmd ? cmd : "");
    return CLI_USAGE;
}

int cli_fail(jg_err e, const char *what)
{
    cli_msg("%s: %s: %s", jg_err_name(e), what, jg_err_str(e));
    return CLI_USAGE;
}

void cli_reject_line(jg_err rc, jg_reason *why)
{
    /* The line names the error actually returned, whatever the reason
     * struct says. */
    if (why->err != rc)
        why->err = rc;
    cli_msg("%s", jg_reason_str(why));
}

/* ---- output ---- */

int cli_help(const char *text)
{
    fputs(text, stdout);
    if (fflush(stdout) != 0) {
        cli_msg("E_IO: stdout: write failed");
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_write_stdout(const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, stdout) != n) {
        cli_msg("E_IO: stdout: write failed");
        return CLI_USAGE;
    }
    if (fflush(stdout) != 0) {
        cli_msg("E_IO: stdout: write failed");
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_append(jg_buf *b, const void *p, size_t n)
{
    if (jg_buf_append(b, p, n) != JG_OK) {
        cli_msg("E_NOMEM: out of memory");
        return -1;
    }
    return 0;
}

int cli_append_str(jg_buf *b, const char *s)
{
    return cli_append(b, s, strlen(s));
}

/* ---- options ---- */

void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv)
{
    p->argc = argc;
    p->argv = argv;
    p->i = 0;
    p->only_pos = 0;
    p->cmd = cmd;
}

int cli_next(cli_parser *p, const cli_opt *opts, const char **val)
{
    *val = NULL;
    for (;;) {
        if (p->i >= p->argc)
            return CLI_OPT_END;
        const char *a = p->argv[p->i++];
        if (p->only_pos || a[0] != '-' || a[1] == '\0') {
            *val = a;
            return CLI_OPT_POS;
        }
        if (strcmp(a, "--") == 0) {
            p->only_pos = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return CLI_OPT_HELP;
        if (a[1] != '-') {
            cli_usage(p->cmd, "unknown option '%s'", a);
            return CLI_OPT_ERR;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
        for (const cli_opt *o = opts; o && o->name; o++) {
            if (strlen(o->name) != name_len ||
                memcmp(o->name, name, name_len) != 0)
                continue;
            if (!o->has_arg) {
                if (eq) {
                    cli_usage(p->cmd, "option '--%s' takes no value",
                              o->name);
                    return CLI_OPT_ERR;
                }
                return o->id;
            }
            if (eq) {
                *val = eq + 1;
            } else if (p->i < p->argc) {
                *val = p->argv[p->i++];
            } else {
                cli_usage(p->cmd, "option '--%s' needs a value", o->name);
                return CLI_OPT_ERR;
            }
            return o->id;
        }
        cli_usage(p->cmd, "unknown option '--%.*s'", (int)name_len, name);
        return CLI_OPT_ERR;
    }
}

/* ---- input ---- */

static int stdin_taken;

const char *cli_name(const char *path)
{
    return (!path || strcmp(path, "-") == 0) ? "stdin" : path;
}

int cli_read(jg_buf *out, const char *path, size_t cap)
{
    int is_stdin = !path || strcmp(path, "-") == 0;
    int rc = CLI_READ_OK;
    uint8_t chunk[16384];
    FILE *f = NULL;

    if (is_stdin) {
        if (stdin_taken) {
            cli_msg("usage: stdin can be read only once (two inputs "
                    "given as '-')");
            return CLI_READ_ERR;
        }
        stdin_taken = 1;
        f = stdin;
    } else {
        f = fopen(path, "rb");
        if (!f) {
            cli_msg("E_IO: %s: %s", path, strerror(errno));
            return CLI_READ_ERR;
        }
    }
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) {
            if (n > cap || out->len > cap - n) {
                rc = CLI_READ_TOO_BIG;
                break;
            }
            if (jg_buf_append(out, chunk, n) != JG_OK) {
                cli_msg("E_NOMEM: %s: out of memory", cli_name(path));
                rc = CLI_READ_ERR;
                break;
            }
        }
        if (n < sizeof chunk) {
            if (ferror(f)) {
                cli_msg("E_IO: %s: %s", cli_name(path),
                        errno ? strerror(errno) : "read error");
                rc = CLI_READ_ERR;
            }
            break;
        }
    }
    jg_wipe(chunk, sizeof chunk);
    if (!is_stdin)
        fclose(f);
    if (rc != CLI_READ_OK)
        jg_buf_free(out);
    else if (!out->data && cli_append(out, "", 0) != 0)
        rc = CLI_READ_ERR; /* keep data non-NULL for empty input */
    return rc;
}

int cli_read_file(jg_buf *out, const char *path, size_t cap)
{
    int r = cli_read(out, path, cap);
    if (r == CLI_READ_OK)
        return CLI_OK;
    if (r == CLI_READ_TOO_BIG)
        cli_msg("E_LIMIT: %s: larger than %zu bytes", cli_name(path), cap);
    return CLI_USAGE;
}

int cli_read_token(jg_buf *out, const char *arg, size_t max)
{
    if (arg && strcmp(arg, "-") != 0) {
        if (cli_append_str(out, arg) != 0)
            return CLI_USAGE;
    } else {
        /* Room for the newline that `echo` adds. */
        int r = cli_read(out, NULL, max + 2);
        if (r == CLI_READ_ERR)
            return CLI_USAGE;
        if (r == CLI_READ_TOO_BIG) {
            cli_msg("E_LIMIT: size: token longer than %zu bytes", max);
            return CLI_REJECT;
        }
        if (out->len && out->data[out->len - 1] == '\n') {
            out->len--;
            if (out->len && out->data[out->len - 1] == '\r')
                out->len--;
            out->data[out->len] = '\0';
        }
    }
    if (out->len > max) {
        jg_buf_free(out);
        cli_msg("E_LIMIT: size: token longer than %zu bytes", max);
        return CLI_REJECT;
    }
    return CLI_OK;
}

/* ---- values ---- */

int cli_parse_duration(const char *s, int64_t *out)
{
    int64_t v = 0, mul = 1;
    const char *p = s;

    if (!s || *p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > CLI_MAX_DURATION)
            return -1;
        p++;
    }
    switch (*p) {
    case '\0':
        break;
    case 's':
        p++;
        break;
    case 'm':
        mul = 60;
        p++;
        break;
    case 'h':
        mul = 3600;
        p++;
        break;
    case 'd':
        mul = 86400;
        p++;
        break;
    default:
        return -1;
    }
    if (*p != '\0' || v > CLI_MAX_DURATION / mul)
        return -1;
    *out = v * mul;
    return 0;
}

void cli_format_duration(char *out, size_t cap, int64_t secs)
{
    static const struct {
        int64_t n;
        char u;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    size_t used = 0;
    uint64_t s;

    if (cap == 0)
        return;
    out[0] = '\0';
    if (secs < 0) {
        snprintf(out, cap, "-");
        used = strlen(out);
        s = (uint64_t)(-(secs + 1)) + 1u;
    } else {
        s = (uint64_t)secs;
    }
    if (s == 0) {
        snprintf(out + used, cap - used, "0s");
        return;
    }
    /* The two most significant units: "3d4h", "15m", "2m5s". */
    for (size_t i = 0, shown = 0;
         i < sizeof units / sizeof units[0] && shown < 2; i++) {
        uint64_t u = (uint64_t)units[i].n;
        if (s < u) {
            if (shown)
                break;
            continue;
        }
        shown++;
        if (used + 1 >= cap)
            return;
        int n = snprintf(out + used, cap - used, "%llu%c",
                         (unsigned long long)(s / u), units[i].u);
        if (n < 0 || (size_t)n >= cap - used)
            return;
        used += (size_t)n;
        s %= u;
    }
}

void cli_format_time(char *out, size_t cap, int64_t t)
{
    struct tm tm;
    time_t tt = (time_t)t;

    if (cap == 0)
        return;
    if ((int64_t)tt != t || !gmtime_r(&tt, &tm) ||
        strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, cap, "?");
}

int cli_parse_alg(const char *cmd, const char *name, jg_alg *out)
{
    jg_alg a = jg_alg_from_name(name, strlen(name));
    if (a == JG_ALG_UNKNOWN) {
        cli_usage(cmd,
                  "unknown algorithm '%s' (one of HS256 HS384 HS512 RS256 "
                  "RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 ES256K "
                  "EdDSA Ed25519 Ed448; 'none' does not exist)",
                  name);
        return -1;
    }
    *out = a;
    return 0;
}

static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int cli_b64url_decode(jg_buf *out, const char *in, size_t len)
{
    uint32_t acc = 0;
    unsigned bits = 0;

    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int v = b64_val((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            uint8_t byte = (uint8_t)(acc >> bits);
            if (jg_buf_append(out, &byte, 1) != JG_OK)
                return -1;
        }
        acc &= (1u << bits) - 1u;
    }
    /* RFC 4648 §3.5: the unused trailing bits must be zero. */
    if (acc != 0)
        return -1;
    if (!out->data && jg_buf_append(out, "", 0) != JG_OK)
        return -1;
    return 0;
}

int cli_json_compact(jg_buf *out, const char *json, size_t len)
{
    int in_str = 0, esc = 0;
    size_t start = 0;

    /* Copy runs between whitespace outside strings. */
    for (size_t i = 0; i < len; i++) {
        char c = json[i];
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (i > start && jg_buf_append(out, json + start, i - start))
                return -1;
            start = i + 1;
        }
    }
    if (len > start && jg_buf_append(out, json + start, len - start))
        return -1;
    if (!out->data && jg_buf_append(out, "", 0) != JG_OK)
        return -1;
    return 0;
}

int cli_append_json_str(jg_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    if (cli_append(b, "\"", 1) != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char e[7];
        size_t n = 0;
        if (c == '"' || c == '\\') {
            e[n++] = '\\';
            e[n++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            e[n++] = '\\';
            e[n++] = 'u';
            e[n++] = '0';
            e[n++] = '0';
            e[n++] = hex[c >> 4];
            e[n++] = hex[c & 15];
        } else {
            e[n++] = (char)c;
        }
        if (cli_append(b, e, n) != 0)
            return -1;
    }
    return cli_append(b, "\"", 1);
}

/* ---- keys ---- */

static int looks_like_pem(const uint8_t *p, size_t n)
{
    static const char tag[] = "-----BEGIN";
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                     p[i] == '\n'))
        i++;
    return n - i >= sizeof tag - 1 && memcmp(p + i, tag, sizeof tag - 1) == 0;
}

/* An OpenSSH public key line ("ssh-ed25519 AAAA...", CVE-2022-29217). */
static int looks_like_ssh_key(const uint8_t *p, size_t n)
{
    static const char *const prefix[] = {"ssh-", "ecdsa-sha2-",
                                         "sk-ssh-", "sk-ecdsa-sha2-"};
    for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++) {
        size_t l = strlen(prefix[i]);
        if (n >= l && memcmp(p, prefix[i], l) == 0)
            return 1;
    }
    return 0;
}

/* Does the top-level JSON object have a member called `name`? A small
 * scanner rather than a parse, so private key text is not copied into a
 * document we cannot wipe. The library parses strictly afterwards. */
static int json_has_member(const uint8_t *s, size_t n, const char *name)
{
    size_t nlen = strlen(name);
    unsigned depth = 0;
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
                     s[i] == '\n'))
        i++;
    if (i >= n || s[i] != '{')
        return 0;
    for (; i < n; i++) {
        uint8_t c = s[i];
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return 0;
            depth--;
        } else if (c == '"') {
            size_t start = ++i;
            while (i < n && s[i] != '"')
                i += (s[i] == '\\') ? 2 : 1;
            if (i >= n)
                return 0;
            size_t end = i, j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' ||
                             s[j] == '\n'))
                j++;
            if (depth == 1 && j < n && s[j] == ':' && end - start == nlen &&
                memcmp(s + start, name, nlen) == 0)
                return 1;
        }
    }
    return 0;
}

static size_t hs_len(jg_alg a)
{
    switch (a) {
    case JG_HS256:
        return 32;
    case JG_HS384:
        return 48;
    case JG_HS512:
        return 64;
    default:
        return 0;
    }
}

int cli_keys_load(cli_keys *out, const char *cmd, const char *key_path,
                  const char *secret_path, jg_alg pem_alg, jg_alg secret_alg)
{
    jg_buf text = {0};
    int rc = CLI_USAGE;
    jg_err e = JG_OK;
    const char *kind = "JWK";

    memset(out, 0, sizeof *out);
    if (!key_path == !secret_path) {
        cli_usage(cmd, key_path ? "give --key or --secret-file, not both"
                                : "a key is required (--key FILE or "
                                  "--secret-file FILE)");
        return CLI_USAGE;
    }
    out->name = cli_name(secret_path ? secret_path : key_path);

    if (secret_path) {
        if (hs_len(secret_alg) == 0) {
            cli_usage(cmd, "--secret-file needs exactly one --alg HS256, "
                           "HS384 or HS512");
            return CLI_USAGE;
        }
        if (cli_read_file(&text, secret_path, CLI_MAX_FILE) != CLI_OK)
            goto out;
        kind = "secret";
        out->from_secret = 1;
        /* Key confusion (catalogue A2): the bytes of a public key are
         * public, so a file that holds one is never an HMAC secret. */
        if (looks_like_pem(text.data, text.len) ||
            looks_like_ssh_key(text.data, text.len) ||
            json_has_member(text.data, text.len, "kty") ||
            json_has_member(text.data, text.len, "keys")) {
            e = JG_E_KEY_INVALID;
            cli_msg("%s: %s: holds a PEM, SSH or JWK key, not a raw HMAC "
                    "secret (use --key FILE)",
                    jg_err_name(e), out->name);
            goto out;
        }
        e = jg_key_from_secret(&out->key, text.data, text.len, secret_alg);
        if (e != JG_OK) {
            if (text.len < hs_len(secret_alg))
                cli_msg("%s: %s: secret is %zu bytes; %s needs at least %zu",
                        jg_err_name(e), out->name, text.len,
                        jg_alg_name(secret_alg), hs_len(secret_alg));
            else
                cli_msg("%s: %s: %s (secret)", jg_err_name(e), out->name,
                        jg_err_str(e));
            goto out;
        }
    } else {
        if (cli_read_file(&text, key_path, CLI_MAX_FILE) != CLI_OK)
            goto out;
        if (looks_like_pem(text.data, text.len)) {
            kind = "PEM";
            e = jg_key_from_pem(&out->key, (const char *)text.data, text.len,
                                pem_alg);
        } else if (json_has_member(text.data, text.len, "keys")) {
            size_t skipped = 0;
            kind = "JWKS";
            e = jg_keyset_from_jwks(&out->set, (const char *)text.data,
                                    text.len, &skipped);
            out->skipped = e == JG_OK ? skipped : 0;
        } else {
            e = jg_key_from_jwk(&out->key, (const char *)text.data,
                                text.len);
        }
        if (e != JG_OK) {
            cli_msg("%s: %s: %s (%s)", jg_err_name(e), out->name,
                    jg_err_str(e), kind);
            goto out;
        }
    }
    if (out->key) {
        e = jg_keyset_from_key(&out->set, out->key);
        if (e != JG_OK) {
            cli_fail(e, out->name);
            goto out;
        }
    }
    rc = CLI_OK;
out:
    jg_buf_free(&text);
    if (rc != CLI_OK)
        cli_keys_free(out);
    return rc;
}

void cli_keys_warn_skipped(const cli_keys *ks)
{
    for (size_t i = 0; i < ks->skipped; i++) {
        const char *r = jg_keyset_skipped_reason(ks->set, i);
        cli_msg("warning: %s: skipped a key: %s", ks->name,
                r ? r : "unsupported type or curve");
    }
}

void cli_keys_free(cli_keys *ks)
{
    jg_keyset_free(ks->set);
    jg_key_free(ks->key);
    ks->set = NULL;
    ks->key = NULL;
}

int cli_keys_single(const cli_keys *ks, const jg_key **k)
{
    if (ks->key) {
        *k = ks->key;
        return CLI_OK;
    }
    size_t n = jg_keyset_count(ks->set);
    if (n != 1) {
        cli_msg("E_KEY_MISMATCH: %s: a key set of %zu keys; this command "
                "needs exactly one key",
                ks->name, n);
        return CLI_USAGE;
    }
    *k = jg_keyset_at(ks->set, 0);
    return CLI_OK;
}

static const char *crv_name(jg_crv c)
{
    switch (c) {
    case JG_CRV_P256:
        return "P-256";
    case JG_CRV_P384:
        return "P-384";
    case JG_CRV_P521:
        return "P-521";
    case JG_CRV_SECP256K1:
        return "secp256k1";
    case JG_CRV_ED25519:
        return "Ed25519";
    case JG_CRV_ED448:
        return "Ed448";
    case JG_CRV_X25519:
        return "X25519";
    case JG_CRV_X448:
        return "X448";
    default:
        return "?";
    }
}

void cli_key_desc(char *out, size_t cap, const jg_key *k)
{
    const char *priv = jg_key_is_private(k) ? "private" : "public";
    jg_alg a = jg_key_alg(k);
    char alg[40] = "no alg";

    if (a != JG_ALG_UNKNOWN)
        snprintf(alg, sizeof alg, "alg %s", jg_alg_name(a));
    switch (jg_key_kty(k)) {
    case JG_KTY_OCT:
        snprintf(out, cap, "oct %zu-bit secret, %s", jg_key_bits(k), alg);
        break;
    case JG_KTY_RSA:
        snprintf(out, cap, "RSA-%zu %s key, %s", jg_key_bits(k), priv, alg);
        break;
    case JG_KTY_EC:
        snprintf(out, cap, "EC %s %s key, %s", crv_name(jg_key_crv(k)), priv,
                 alg);
        break;
    case JG_KTY_OKP:
        snprintf(out, cap, "OKP %s %s key, %s", crv_name(jg_key_crv(k)),
                 priv, alg);
        break;
    default:
        snprintf(out, cap, "unknown key");
        break;
    }
}

int cli_sign_alg(const jg_key *k, const char *name, const char *cmd,
                 jg_alg alg, jg_alg *out)
{
    char desc[96];

    cli_key_desc(desc, sizeof desc, k);
    if (!jg_key_is_private(k)) {
        cli_msg("E_KEY_MISMATCH: %s: a public key cannot sign (%s)", name,
                desc);
        return CLI_USAGE;
    }
    if (alg == JG_ALG_UNKNOWN)
        alg = jg_key_alg(k);
    if (alg == JG_ALG_UNKNOWN) {
        /* Only where the key admits exactly one algorithm do we choose;
         * RSA (RS*, PS*) and oct (HS* up to its size) are ambiguous. */
        switch (jg_key_crv(k)) {
        case JG_CRV_P256:
            alg = JG_ES256;
            break;
        case JG_CRV_P384:
            alg = JG_ES384;
            break;
        case JG_CRV_P521:
            alg = JG_ES512;
            break;
        case JG_CRV_SECP256K1:
            alg = JG_ES256K;
            break;
        case JG_CRV_ED25519:
        case JG_CRV_ED448:
            alg = JG_EDDSA;
            break;
        default:
            break;
        }
        if (jg_key_kty(k) != JG_KTY_EC && jg_key_kty(k) != JG_KTY_OKP)
            alg = JG_ALG_UNKNOWN;
        if (alg == JG_ALG_UNKNOWN) {
            cli_usage(cmd, "key has no alg; pass --alg (%s)", desc);
            return CLI_USAGE;
        }
    }
    if (jg_key_check_alg(k, alg, JG_OP_SIGN) != JG_OK) {
        cli_msg("E_KEY_MISMATCH: %s: %s cannot sign with %s", name, desc,
                jg_alg_name(alg));
        return CLI_USAGE;
    }
    *out = alg;
    return CLI_OK;
}

/* ---- the key options of sign and verify ---- */

int cli_key_opt(cli_key_opts *ko, const char *cmd, int id, const char *val)
{
    switch (id) {
    case CLI_OPT_KEY:
        ko->key = val;
        return CLI_KEYOPT_YES;
    case CLI_OPT_SECRET:
        ko->secret = val;
        return CLI_KEYOPT_YES;
    case CLI_OPT_ALG:
        if (!ko->many_algs) {
            if (cli_parse_alg(cmd, val, &ko->algs[0]) != 0)
                return CLI_KEYOPT_ERR;
            ko->n_algs = 1;
            return CLI_KEYOPT_YES;
        }
        if (ko->n_algs == CLI_MAX_ALGS) {
            cli_usage(cmd, "too many --alg options");
            return CLI_KEYOPT_ERR;
        }
        if (cli_parse_alg(cmd, val, &ko->algs[ko->n_algs]) != 0)
            return CLI_KEYOPT_ERR;
        ko->n_algs++;
        return CLI_KEYOPT_YES;
    default:
        return CLI_KEYOPT_NO;
    }
}

int cli_keys_load_opts(cli_keys *out, const char *cmd,
                       const cli_key_opts *ko)
{
    /* A sign command holds at most one --alg; a verify command with
     * several records none on the key. */
    jg_alg one = ko->n_algs == 1 ? ko->algs[0] : JG_ALG_UNKNOWN;

    if (ko->many_algs && ko->secret && ko->n_algs != 1) {
        memset(out, 0, sizeof *out);
        return cli_usage(cmd, "--secret-file needs exactly one --alg "
                              "HS256, HS384 or HS512");
    }
    return cli_keys_load(out, cmd, ko->key, ko->secret, one, one);
}

int cli_sign_key(cli_keys *out, const jg_key **k, jg_alg *alg,
                 const char *cmd, const cli_key_opts *ko)
{
    jg_alg given = ko->n_algs == 1 ? ko->algs[0] : JG_ALG_UNKNOWN;
    int rc = cli_keys_load_opts(out, cmd, ko);

    if (rc != CLI_OK)
        return rc;
    rc = cli_keys_single(out, k);
    if (rc == CLI_OK)
        rc = cli_sign_alg(*k, out->name, cmd, given, alg);
    if (rc != CLI_OK)
        cli_keys_free(out);
    return rc;
}

static int key_fits(const cli_keys *ks, jg_alg a)
{
    size_t n = jg_keyset_count(ks->set);
    for (size_t i = 0; i < n; i++)
        if (jg_key_check_alg(jg_keyset_at(ks->set, i), a, JG_OP_VERIFY) ==
            JG_OK)
            return 1;
    return 0;
}

int cli_verify_algs(const cli_keys *ks, const jg_alg *given, size_t n_given,
                    jg_alg *out, size_t *n_out)
{
    size_t n = 0;

    if (n_given) {
        for (size_t i = 0; i < n_given; i++) {
            int dup = 0;
            if (!key_fits(ks, given[i])) {
                if (ks->key) {
                    char desc[96];
                    cli_key_desc(desc, sizeof desc, ks->key);
                    cli_msg("E_KEY_MISMATCH: %s: %s cannot verify %s",
                            ks->name, desc, jg_alg_name(given[i]));
                } else {
                    cli_msg("E_KEY_MISMATCH: %s: no key of the set can "
                            "verify %s",
                            ks->name, jg_alg_name(given[i]));
                }
                return CLI_USAGE;
            }
            for (size_t j = 0; j < n; j++)
                dup |= out[j] == given[i];
            if (!dup)
                out[n++] = given[i];
        }
    } else {
        for (int a = JG_ALG_UNKNOWN + 1; a < JG_ALG__JWS_END; a++)
            if (key_fits(ks, (jg_alg)a))
                out[n++] = (jg_alg)a;
        if (n == 0) {
            cli_msg("E_KEY_MISMATCH: %s: the key fits no signature "
                    "algorithm",
                    ks->name);
            return CLI_USAGE;
        }
    }
    *n_out = n;
    return CLI_OK;
}

int cli_make_verifier(jg_verifier **out, jg_policy *p, const cli_keys *ks,
                      const jg_alg *algs, size_t n_algs)
{
    jg_err e;

    *out = NULL;
    for (size_t i = 0; i < n_algs; i++) {
        e = jg_policy_allow_alg(p, algs[i]);
        if (e != JG_OK)
            return cli_fail(e, "policy");
    }
    e = jg_verifier_new(out, p, ks->set);
    if (e != JG_OK) {
        *out = NULL;
        cli_msg("%s: %s: no key fits the allowed algorithms (%s)",
                jg_err_name(e), ks->name, jg_err_str(e));
        return CLI_USAGE;
    }
    return CLI_OK;
}
