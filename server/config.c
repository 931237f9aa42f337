/* server/config.c - defaults, the `key = value` file, and the flags.
 *
 * The table below is the single list of settings: the same name is the
 * flag (`--access-ttl 10m`) and the file key (`access-ttl = 10m`). The
 * file is read first, then the flags override it. Checks that make the
 * server refuse to start live in cfg_check, so `--check-config` and a
 * real start agree. HMAC signing is deliberately absent: a token server
 * whose verifiers would all hold its signing secret is not offered.
 */
#include "config.h"
#include "../lib/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CFG_MAX_ACCESS_TTL 3600   /* longer access tokens are "unsafe" */
#define CFG_MAX_LOGIN_WINDOW 86400 /* the store keeps counters a day */
#define CFG_MAX_THREADS 256
#define CFG_MAX_QUEUE 100000
#define CFG_LINE_MAX 4096         /* longest config file line */

enum kind { K_STR, K_DUR, K_INT, K_U64, K_SIZE, K_BOOL, K_ALG, K_CLIENT,
            K_CONFIG };

typedef struct opt {
    const char *name;
    enum kind kind;
    size_t off;
} opt;

#define OFF(f) offsetof(srv_config, f)
static const opt opts[] = {
    {"config", K_CONFIG, 0},
    {"data-dir", K_STR, OFF(data_dir)},
    {"listen", K_STR, OFF(listen)},
    {"issuer", K_STR, OFF(issuer)},
    {"audience", K_STR, OFF(audience)},
    {"origin", K_STR, OFF(origin)},
    {"scope", K_STR, OFF(scope)},
    {"access-ttl", K_DUR, OFF(access_ttl)},
    {"refresh-ttl", K_DUR, OFF(refresh_ttl)},
    {"grace", K_DUR, OFF(grace)},
    {"leeway", K_DUR, OFF(leeway)},
    {"alg", K_ALG, OFF(alg)},
    {"rotate-every", K_DUR, OFF(rotate_every)},
    {"jwks-max-age", K_DUR, OFF(jwks_max_age)},
    {"workers", K_INT, OFF(workers)},
    {"hash-threads", K_INT, OFF(hash_threads)},
    {"max-hash-queue", K_INT, OFF(max_hash_queue)},
    {"tls-cert", K_STR, OFF(tls_cert)},
    {"tls-key", K_STR, OFF(tls_key)},
    {"dev-insecure-http", K_BOOL, OFF(dev_insecure_http)},
    {"client", K_CLIENT, 0},
    {"login-max-failures", K_INT, OFF(login_max_failures)},
    {"login-addr-max-failures", K_INT, OFF(login_addr_max_failures)},
    {"login-window", K_DUR, OFF(login_window)},
    {"login-lock", K_DUR, OFF(login_lock)},
    {"pwhash-opslimit", K_U64, OFF(pwhash_ops)},
    {"pwhash-memlimit", K_SIZE, OFF(pwhash_mem)},
    {"log", K_STR, OFF(log_file)},
    {"allow-unsafe", K_BOOL, OFF(allow_unsafe)},
    {"check-config", K_BOOL, OFF(check_config)},
    {"jti", K_STR, OFF(revoke_jti)},
    {"user", K_STR, OFF(revoke_user)},
};
#define N_OPTS (sizeof opts / sizeof opts[0])

static void defaults(srv_config *c)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    memset(c, 0, sizeof *c);
    c->command = "serve";
    c->access_ttl = 600;
    c->refresh_ttl = 14 * 86400;
    c->grace = 10;
    c->leeway = JG_DEFAULT_LEEWAY;
    c->alg = JG_ES256;
    c->rotate_every = 30 * 86400;
    c->jwks_max_age = 300;
    c->workers = n > 0 && n < CFG_MAX_THREADS ? (int)n : 1;
    c->hash_threads = 2;
    c->max_hash_queue = 64;
    c->login_max_failures = 5;
    c->login_addr_max_failures = 0; /* 0: 4 x login-max-failures */
    c->login_window = 900;
    c->login_lock = 900;
    c->pwhash_ops = JGI_PWHASH_OPS_INTERACTIVE;
    c->pwhash_mem = JGI_PWHASH_MEM_INTERACTIVE;
}

int64_t cfg_parse_duration(const char *s)
{
    int64_t v = 0, mul = 1;
    const char *p = s;
    if (!*p)
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (p == s)
        return -1;
    if (*p) {
        switch (*p) {
        case 's': mul = 1; break;
        case 'm': mul = 60; break;
        case 'h': mul = 3600; break;
        case 'd': mul = 86400; break;
        default: return -1;
        }
        if (p[1])
            return -1;
    }
    if (v > INT64_MAX / mul)
        return -1;
    return v * mul;
}

static int parse_u64(const char *s, unsigned long long *out)
{
    char *end;
    unsigned long long v;
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *s, int *out)
{
    if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes") ||
        !strcmp(s, "on"))
        *out = 1;
    else if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "no") ||
             !strcmp(s, "off"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int set_str(char **dst, const char *v)
{
    char *d = strdup(v);
    if (!d)
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

/* ID:SECRET_FILE */
static int add_client(srv_config *c, const char *v, char *err, size_t el)
{
    const char *colon = strchr(v, ':');
    size_t idlen = colon ? (size_t)(colon - v) : 0;
    srv_client *cl;
    if (!colon || idlen == 0 || idlen > SRV_ID_MAX || !colon[1]) {
        snprintf(err, el, "--client wants ID:SECRET_FILE");
        return -1;
    }
    for (size_t i = 0; i < c->n_clients; i++)
        if (strlen(c->clients[i].id) == idlen &&
            !memcmp(c->clients[i].id, v, idlen)) {
            snprintf(err, el, "--client: duplicate client id");
            return -1;
        }
    if (c->n_clients == SRV_MAX_CLIENTS) {
        snprintf(err, el, "--client: at most %d clients", SRV_MAX_CLIENTS);
        return -1;
    }
    cl = &c->clients[c->n_clients];
    memcpy(cl->id, v, idlen);
    cl->id[idlen] = '\0';
    if (set_str(&cl->secret_file, colon + 1) != 0)
        return -1;
    c->n_clients++;
    return 0;
}

static int is_hmac_name(const char *name)
{
    return !strncmp(name, "hmac", 4) || strstr(name, "-hmac") != NULL;
}

/* Apply one setting. Returns 0, or -1 with err filled. */
static int apply(srv_config *c, const char *name, const char *val,
                 char *err, size_t el)
{
    const opt *o = NULL;
    char *base = (char *)c;
    for (size_t i = 0; i < N_OPTS; i++)
        if (!strcmp(opts[i].name, name))
            o = &opts[i];
    if (!o) {
        if (is_hmac_name(name)) {
            /* refused by cfg_check, with the reason */
            c->hmac_requested = 1;
            return 0;
        }
        snprintf(err, el, "unknown option '%s'", name);
        return -1;
    }
    switch (o->kind) {
    case K_CONFIG:
        return 0; /* handled before */
    case K_STR:
        if (!*val) {
            snprintf(err, el, "%s: empty value", name);
            return -1;
        }
        return set_str((char **)(base + o->off), val);
    case K_DUR: {
        int64_t d = cfg_parse_duration(val);
        if (d < 0) {
            snprintf(err, el, "%s: bad duration '%s' (seconds, or a number "
                     "with s/m/h/d)", name, val);
            return -1;
        }
        *(int64_t *)(base + o->off) = d;
        return 0;
    }
    case K_INT: {
        unsigned long long v;
        if (parse_u64(val, &v) != 0 || v > 1000000) {
            snprintf(err, el, "%s: bad number '%s'", name, val);
            return -1;
        }
        *(int *)(base + o->off) = (int)v;
        return 0;
    }
    case K_U64:
    case K_SIZE: {
        unsigned long long v;
        if (parse_u64(val, &v) != 0 || v > SIZE_MAX) {
            snprintf(err, el, "%s: bad number '%s'", name, val);
            return -1;
        }
        if (o->kind == K_U64)
            *(unsigned long long *)(base + o->off) = v;
        else
            *(size_t *)(base + o->off) = (size_t)v;
        return 0;
    }
    case K_BOOL:
        if (parse_bool(val, (int *)(base + o->off)) != 0) {
            snprintf(err, el, "%s: want true or false", name);
            return -1;
        }
        return 0;
    case K_ALG: {
        jg_alg a = jg_alg_from_name(val, strlen(val));
        if (a == JG_HS256 || a == JG_HS384 || a == JG_HS512) {
            c->hmac_requested = 1;
            return 0;
        }
        if (a != JG_ES256 && a != JG_EDDSA && a != JG_PS256 &&
            a != JG_RS256) {
            snprintf(err, el, "alg: one of ES256, EdDSA, PS256, RS256");
            return -1;
        }
        c->alg = a;
        c->alg_set = 1;
        return 0;
    }
    case K_CLIENT:
        return add_client(c, val, err, el);
    }
    return -1;
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                     e[-1] == '\n'))
        *--e = '\0';
    return s;
}

static int load_file(srv_config *c, const char *path, char *err, size_t el)
{
    char line[CFG_LINE_MAX];
    unsigned lineno = 0;
    int rc = 0;
    FILE *f = fopen(path, "re");
    if (!f) {
        snprintf(err, el, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char *p, *eq, *key, *val;
        char sub[200];
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, el, "%s:%u: line too long", path, lineno);
            rc = -1;
            break;
        }
        p = trim(line);
        if (*p == '#' || *p == '\0')
            continue;
        /* a '#' after whitespace starts a comment */
        for (char *h = strchr(p, '#'); h; h = strchr(h + 1, '#'))
            if (h > p && (h[-1] == ' ' || h[-1] == '\t')) {
                *h = '\0';
                break;
            }
        eq = strchr(p, '=');
        if (!eq) {
            snprintf(err, el, "%s:%u: want key = value", path, lineno);
            rc = -1;
            break;
        }
        *eq = '\0';
        key = trim(p);
        val = trim(eq + 1);
        if (apply(c, key, val, sub, sizeof sub) != 0) {
            snprintf(err, el, "%s:%u: %s", path, lineno, sub);
            rc = -1;
        }
    }
    fclose(f);
    return rc;
}

static const char *const commands[] = {"serve", "user", "keys", "revoke",
                                       "init"};

static int takes_no_value(const char *name)
{
    return !strcmp(name, "dev-insecure-http") ||
           !strcmp(name, "allow-unsafe") || !strcmp(name, "check-config");
}

int cfg_load(srv_config *c, int argc, char **argv, char *err, size_t el)
{
    int i, pass, cmd_seen = 0;
    defaults(c);
    err[0] = '\0';
    /* pass 0 finds --config and the command words; pass 1 applies the
     * flags over what the file said */
    for (pass = 0; pass < 2; pass++) {
        for (i = 1; i < argc; i++) {
            const char *a = argv[i], *name, *val, *eq;
            char namebuf[64];
            if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
                if (pass == 1)
                    continue;
                /* the first word names the command, before or after
                 * the options */
                if (c->n_pos == 0 && !cmd_seen) {
                    int known = 0;
                    for (size_t k = 0; k < 5; k++)
                        if (!strcmp(a, commands[k])) {
                            c->command = commands[k];
                            known = 1;
                        }
                    cmd_seen = 1;
                    if (known)
                        continue;
                }
                if (c->n_pos == SRV_MAX_POSITIONAL) {
                    snprintf(err, el, "too many arguments");
                    return -1;
                }
                c->pos[c->n_pos++] = a;
                continue;
            }
            name = a + 2;
            eq = strchr(name, '=');
            if (eq) {
                size_t n = (size_t)(eq - name);
                if (n >= sizeof namebuf) {
                    snprintf(err, el, "unknown option '%s'", a);
                    return -1;
                }
                memcpy(namebuf, name, n);
                namebuf[n] = '\0';
                name = namebuf;
                val = eq + 1;
            } else if (takes_no_value(name)) {
                val = "true";
            } else {
                if (i + 1 >= argc) {
                    snprintf(err, el, "--%s needs a value", name);
                    return -1;
                }
                val = argv[++i];
            }
            if (pass == 0) {
                if (!strcmp(name, "config") &&
                    set_str(&c->config_file, val) != 0)
                    return -1;
                continue;
            }
            if (apply(c, name, val, err, el) != 0)
                return -1;
        }
        if (pass == 0 && c->config_file &&
            load_file(c, c->config_file, err, el) != 0)
            return -1;
    }
    if (!c->data_dir && set_str(&c->data_dir, "./jwtguardd-data") != 0)
        return -1;
    if (!c->listen && set_str(&c->listen, "127.0.0.1:8443") != 0)
        return -1;
    if (!c->audience && set_str(&c->audience, "api") != 0)
        return -1;
    if (!c->scope && set_str(&c->scope, "api") != 0)
        return -1;
    if (c->login_addr_max_failures == 0)
        c->login_addr_max_failures = 4 * c->login_max_failures;
    /* listen: HOST:PORT or [V6]:PORT */
    {
        const char *l = c->listen, *colon = strrchr(l, ':');
        unsigned long long port;
        size_t hl;
        if (!colon || parse_u64(colon + 1, &port) != 0 || port > 65535) {
            snprintf(err, el, "listen: want ADDR:PORT");
            return -1;
        }
        hl = (size_t)(colon - l);
        if (hl >= 2 && l[0] == '[' && l[hl - 1] == ']') {
            l++;
            hl -= 2;
        }
        if (hl == 0 || hl >= sizeof c->listen_host) {
            snprintf(err, el, "listen: want ADDR:PORT");
            return -1;
        }
        memcpy(c->listen_host, l, hl);
        c->listen_host[hl] = '\0';
        c->port = (unsigned)port;
    }
    return 0;
}

void cfg_finish(srv_config *c)
{
    if (!c->issuer) {
        char buf[128];
        int v6 = strchr(c->listen_host, ':') != NULL;
        snprintf(buf, sizeof buf, "%s://%s%s%s:%u",
                 c->dev_insecure_http ? "http" : "https", v6 ? "[" : "",
                 c->listen_host, v6 ? "]" : "", c->port);
        (void)set_str(&c->issuer, buf);
    }
    if (!c->origin && c->issuer)
        (void)set_str(&c->origin, c->issuer);
}

/* Read a client secret: the file's bytes, one trailing newline dropped. */
static int load_secret(srv_client *cl, char *why, size_t wl)
{
    uint8_t buf[1024];
    size_t n;
    FILE *f = fopen(cl->secret_file, "re");
    if (!f) {
        snprintf(why, wl, "client %s: %s: %s", cl->id, cl->secret_file,
                 strerror(errno));
        return -1;
    }
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n == sizeof buf) {
        jg_wipe(buf, sizeof buf);
        snprintf(why, wl, "client %s: secret file too long", cl->id);
        return -1;
    }
    if (n && buf[n - 1] == '\n')
        n--;
    if (n && buf[n - 1] == '\r')
        n--;
    if (n < SRV_CLIENT_SECRET_MIN) {
        jg_wipe(buf, sizeof buf);
        snprintf(why, wl, "client %s: secret shorter than %d bytes", cl->id,
                 SRV_CLIENT_SECRET_MIN);
        return -1;
    }
    if (jgi_sha256(buf, n, cl->secret_hash) != JG_OK) {
        jg_wipe(buf, sizeof buf);
        return -1;
    }
    jg_wipe(buf, sizeof buf);
    cl->loaded = 1;
    return 0;
}

static int world_readable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && (st.st_mode & S_IROTH);
}

int cfg_check(srv_config *c, void (*cb)(void *, const char *, int),
              void *ctx)
{
    char msg[8192];
    int stop = 0;
#define HARD(...)                                                          \
    do {                                                                   \
        snprintf(msg, sizeof msg, __VA_ARGS__);                            \
        cb(ctx, msg, 0);                                                   \
        stop++;                                                            \
    } while (0)
#define UNSAFE(...)                                                        \
    do {                                                                   \
        snprintf(msg, sizeof msg, __VA_ARGS__);                            \
        cb(ctx, msg, 1);                                                   \
        if (!c->allow_unsafe)                                              \
            stop++;                                                        \
    } while (0)

    if (c->hmac_requested)
        HARD("HMAC signing is not supported: jwtguardd signs with "
             "asymmetric keys only (ES256, EdDSA, PS256, RS256)");
    if (c->access_ttl <= 0)
        HARD("access-ttl must be positive");
    else if (c->access_ttl > CFG_MAX_ACCESS_TTL)
        UNSAFE("access-ttl %llds is over 1h (unsafe: --allow-unsafe)",
               (long long)c->access_ttl);
    if (c->refresh_ttl <= 0)
        HARD("refresh-ttl must be positive");
    if (c->refresh_ttl > 0 && c->refresh_ttl < c->access_ttl)
        HARD("refresh-ttl is shorter than access-ttl");
    if (c->grace < 0 || c->grace > 300)
        HARD("grace must be between 0 and 5m");
    if (c->leeway < 0 || c->leeway > JG_MAX_LEEWAY)
        HARD("leeway must be between 0 and %ds", JG_MAX_LEEWAY);
    if (c->jwks_max_age <= 0)
        HARD("jwks-max-age must be positive");
    if (c->rotate_every <= c->jwks_max_age)
        HARD("rotate-every must be longer than jwks-max-age (a next key "
             "is published jwks-max-age before it signs)");
    if (c->workers < 1 || c->workers > CFG_MAX_THREADS)
        HARD("workers must be between 1 and %d", CFG_MAX_THREADS);
    if (c->hash_threads < 1 || c->hash_threads > CFG_MAX_THREADS)
        HARD("hash-threads must be between 1 and %d", CFG_MAX_THREADS);
    if (c->max_hash_queue < 1 || c->max_hash_queue > CFG_MAX_QUEUE)
        HARD("max-hash-queue must be between 1 and %d", CFG_MAX_QUEUE);
    if (c->login_max_failures < 1)
        HARD("login-max-failures must be at least 1");
    if (c->login_window <= 0 || c->login_window > CFG_MAX_LOGIN_WINDOW)
        HARD("login-window must be between 1s and 1d");
    if (c->login_lock <= 0)
        HARD("login-lock must be positive");
    if (c->pwhash_ops < JGI_PWHASH_OPS_INTERACTIVE ||
        c->pwhash_mem < JGI_PWHASH_MEM_INTERACTIVE)
        UNSAFE("pwhash-opslimit/memlimit below the argon2id interactive "
               "minimum (%llu, %u) (unsafe: --allow-unsafe)",
               JGI_PWHASH_OPS_INTERACTIVE, JGI_PWHASH_MEM_INTERACTIVE);
    if (c->pwhash_ops < 1 || c->pwhash_mem < 8192)
        HARD("pwhash-opslimit/memlimit below what argon2id accepts");
    if (!!c->tls_cert != !!c->tls_key)
        HARD("tls-cert and tls-key go together");
    if (c->tls_cert && access(c->tls_cert, R_OK) != 0)
        HARD("tls-cert %s: %s", c->tls_cert, strerror(errno));
    if (c->tls_key && access(c->tls_key, R_OK) != 0)
        HARD("tls-key %s: %s", c->tls_key, strerror(errno));
    else if (c->tls_key && world_readable(c->tls_key))
        UNSAFE("tls-key %s is world-readable (unsafe: --allow-unsafe)",
               c->tls_key);
    /* the data directory's own secrets (the store holds the signing
     * keys) */
    for (size_t i = 0; i < 3; i++) {
        static const char *const own[] = {"jwtguardd.db", "refresh.key",
                                          "tls.key"};
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", c->data_dir, own[i]);
        if (i == 2 && (c->tls_cert || c->dev_insecure_http))
            break;
        if (n > 0 && (size_t)n < sizeof path && world_readable(path))
            UNSAFE("%s is world-readable (unsafe: --allow-unsafe)", path);
    }
    for (size_t i = 0; i < c->n_clients; i++) {
        srv_client *cl = &c->clients[i];
        char why[400];
        if (!cl->loaded && load_secret(cl, why, sizeof why) != 0)
            HARD("%s", why);
        else if (world_readable(cl->secret_file))
            UNSAFE("client %s: secret file %s is world-readable (unsafe: "
                   "--allow-unsafe)", cl->id, cl->secret_file);
    }
    if (c->issuer && strncmp(c->issuer, "https://", 8) != 0 &&
        !c->dev_insecure_http)
        UNSAFE("issuer %s is not https (unsafe: --allow-unsafe)",
               c->issuer);
    if (c->revoke_jti && c->revoke_user)
        HARD("revoke takes --jti or --user, not both");
#undef HARD
#undef UNSAFE
    return stop;
}

void cfg_free(srv_config *c)
{
    free(c->config_file);
    free(c->data_dir);
    free(c->listen);
    free(c->issuer);
    free(c->audience);
    free(c->origin);
    free(c->scope);
    free(c->tls_cert);
    free(c->tls_key);
    free(c->log_file);
    free(c->revoke_jti);
    free(c->revoke_user);
    for (size_t i = 0; i < c->n_clients; i++)
        free(c->clients[i].secret_file);
    jg_wipe(c->clients, sizeof c->clients);
}
