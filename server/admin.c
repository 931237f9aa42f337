/* server/admin.c - `jwtguardd user|keys|revoke|init`: the operator's side.
 *
 * These commands work on the store directly, with or without a running
 * server (SQLite serialises the writers; a running server picks the
 * changes up from the store: revocations within its poll interval, keys
 * within a second). Passwords come from the first line of stdin or a TTY
 * prompt without echo, never from argv. Revoking a user is a cut-off for
 * access tokens plus every refresh family; deleting, locking or changing
 * the password of a user does the same.
 */
#include "admin.h"
#include "keyring.h"
#include "log.h"
#include "server.h"
#include "tls.h"
#include "tokens.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define ADMIN_PASSWORD_MIN 8     /* bytes: refuse trivially short ones */
#define ADMIN_PASSWORD_MAX 1024  /* bytes, as /login accepts */

static void die_usage(const char *msg)
{
    fprintf(stderr, "jwtguardd: %s\n", msg);
}

/* ---- shared with the server ---- */

/* Families are collected first and revoked after: a store may not be
 * called back into from inside its own iteration. */
typedef struct fam_list {
    char (*id)[SRV_ID_MAX + 1];
    size_t n, cap;
    int oom;
} fam_list;

static int collect_family(void *arg, const char *family, int64_t expires)
{
    fam_list *l = arg;
    (void)expires;
    if (l->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        void *nv = realloc(l->id, nc * sizeof *l->id);
        if (!nv) {
            l->oom = 1;
            return 1;
        }
        l->id = nv;
        l->cap = nc;
    }
    snprintf(l->id[l->n++], SRV_ID_MAX + 1, "%s", family);
    return 0;
}

jg_err srv_revoke_user(srv_store *st, srv_revcache *rc, const srv_user *u,
                       int64_t now)
{
    srv_deny d;
    fam_list l = {NULL, 0, 0, 0};
    jg_err e;
    memset(&d, 0, sizeof d);
    d.kind = SRV_DENY_USER;
    snprintf(d.b, sizeof d.b, "%s", u->name);
    /* tokens with iat < now + 1, i.e. every one issued up to this second */
    d.until = now + 1;
    e = st->ops->deny_add(st, &d, &d.seq);
    if (e == JG_OK && rc)
        e = revcache_apply(rc, &d);
    if (e == JG_OK)
        e = st->ops->families_of_user(st, u->id, now, collect_family, &l);
    if (e == JG_OK && l.oom)
        e = JG_E_NOMEM;
    for (size_t i = 0; e == JG_OK && i < l.n; i++) {
        e = st->ops->family_revoke(st, l.id[i]);
        if (e == JG_E_NOT_FOUND)
            e = JG_OK;
    }
    free(l.id);
    return e;
}

int admin_prepare(srv_config *c, srv_store **out, int with_keys,
                  int with_tls, char *err, size_t el)
{
    char path[4096];
    struct stat st;
    srv_store *s = NULL;
    jg_err e;

    *out = NULL;
    if (mkdir(c->data_dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, el, "%s: %s", c->data_dir, strerror(errno));
        return -1;
    }
    if (stat(c->data_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, el, "%s: not a directory", c->data_dir);
        return -1;
    }
    if (srv_path(path, sizeof path, c->data_dir, "jwtguardd.db") != 0) {
        snprintf(err, el, "data dir path too long");
        return -1;
    }
    e = srv_store_sqlite_open(&s, path);
    if (e != JG_OK) {
        snprintf(err, el, "%s: cannot open the store (%s)", path,
                 jg_err_str(e));
        return -1;
    }
    /* keys only where they are used: a `user add` before the first start
     * must not fix the algorithm */
    e = with_keys ? keyring_ensure(s, c, srv_now()) : JG_OK;
    if (e != JG_OK) {
        snprintf(err, el, "cannot create signing keys: %s", jg_err_str(e));
        s->ops->close(s);
        return -1;
    }
    if (with_tls && !c->tls_cert && !c->dev_insecure_http &&
        tls_ensure_selfsigned(c->data_dir, err, el) != 0) {
        s->ops->close(s);
        return -1;
    }
    *out = s;
    return 0;
}

/* ---- passwords ---- */

static int read_line(int fd, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    for (;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || ch == '\n')
            break;
        if (n + 1 >= cap) {
            jg_wipe(buf, cap);
            return -1;
        }
        buf[n++] = ch;
    }
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    *len = n;
    return 0;
}

static int prompt(const char *what, char *buf, size_t cap, size_t *len)
{
    struct termios old, quiet;
    int rc;
    fprintf(stderr, "%s", what);
    fflush(stderr);
    if (tcgetattr(0, &old) != 0)
        return -1;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    (void)tcsetattr(0, TCSAFLUSH, &quiet);
    rc = read_line(0, buf, cap, len);
    (void)tcsetattr(0, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
    return rc;
}

static int read_password(char *buf, size_t cap, size_t *len)
{
    if (isatty(0)) {
        char again[ADMIN_PASSWORD_MAX + 2];
        size_t al = 0;
        int same;
        if (prompt("Password: ", buf, cap, len) != 0 ||
            prompt("Repeat: ", again, sizeof again, &al) != 0)
            return -1;
        same = al == *len && jgi_ct_equal(again, buf, al);
        jg_wipe(again, sizeof again);
        if (!same) {
            die_usage("passwords differ");
            return -1;
        }
    } else if (read_line(0, buf, cap, len) != 0) {
        die_usage("password too long");
        return -1;
    }
    if (*len < ADMIN_PASSWORD_MIN) {
        fprintf(stderr, "jwtguardd: a password needs at least %d bytes\n",
                ADMIN_PASSWORD_MIN);
        return -1;
    }
    return 0;
}

static int hash_password(const srv_config *c, char phc[JGI_PWHASH_STRBYTES])
{
    char pw[ADMIN_PASSWORD_MAX + 2];
    size_t len = 0;
    int rc = -1;
    if (read_password(pw, sizeof pw, &len) == 0 &&
        jgi_pwhash_str(phc, pw, len, c->pwhash_ops, c->pwhash_mem) == JG_OK)
        rc = 0;
    jg_wipe(pw, sizeof pw);
    return rc;
}

/* ---- user ---- */

static int print_user(void *ctx, const srv_user *u)
{
    (void)ctx;
    printf("%s %s\n", u->name, u->locked ? "locked" : "active");
    return 0;
}

static int cmd_user(srv_config *c, srv_store *st)
{
    const char *verb = c->n_pos > 0 ? c->pos[0] : "";
    const char *name = c->n_pos > 1 ? c->pos[1] : NULL;
    char phc[JGI_PWHASH_STRBYTES];
    srv_user u;
    jg_err e;
    int64_t now = srv_now();

    if (!strcmp(verb, "list") && c->n_pos == 1)
        return st->ops->user_list(st, print_user, NULL) == JG_OK ? 0 : 1;
    if (!name || c->n_pos != 2) {
        die_usage("usage: jwtguardd user add|passwd|lock|unlock|delete NAME"
                  " | user list");
        return 2;
    }
    if (!srv_name_valid(name, strlen(name))) {
        die_usage("a user name is 1-64 of [A-Za-z0-9._@+-]");
        return 2;
    }
    if (!strcmp(verb, "add")) {
        if (st->ops->user_get(st, name, &u) == JG_OK) {
            fprintf(stderr, "jwtguardd: user %s exists\n", name);
            return 1;
        }
        if (hash_password(c, phc) != 0)
            return 1;
        e = st->ops->user_add(st, name, phc, now);
        jg_wipe(phc, sizeof phc);
        if (e != JG_OK) {
            fprintf(stderr, "jwtguardd: user %s: %s\n", name,
                    e == JG_E_INVALID_ARG ? "exists" : jg_err_str(e));
            return 1;
        }
        printf("user %s added\n", name);
        return 0;
    }
    if (strcmp(verb, "passwd") && strcmp(verb, "lock") &&
        strcmp(verb, "unlock") && strcmp(verb, "delete")) {
        die_usage("user: add, passwd, lock, unlock, delete or list");
        return 2;
    }
    e = st->ops->user_get(st, name, &u);
    if (e != JG_OK) {
        fprintf(stderr, "jwtguardd: user %s: %s\n", name,
                e == JG_E_NOT_FOUND ? "no such user" : jg_err_str(e));
        return 1;
    }
    if (!strcmp(verb, "passwd")) {
        if (hash_password(c, phc) != 0)
            return 1;
        e = st->ops->user_set_phc(st, name, phc);
        jg_wipe(phc, sizeof phc);
        /* a new password ends the sessions made with the old one */
        if (e == JG_OK)
            e = srv_revoke_user(st, NULL, &u, now);
        if (e == JG_OK)
            printf("password of %s changed\n", name);
    } else if (!strcmp(verb, "lock")) {
        e = st->ops->user_set_locked(st, name, 1);
        if (e == JG_OK)
            e = srv_revoke_user(st, NULL, &u, now);
        if (e == JG_OK)
            printf("user %s locked\n", name);
    } else if (!strcmp(verb, "unlock")) {
        e = st->ops->user_set_locked(st, name, 0);
        if (e == JG_OK) {
            char key[SRV_NAME_MAX + 3];
            snprintf(key, sizeof key, "u:%s", name);
            (void)st->ops->ratelimit_reset(st, key);
            printf("user %s unlocked\n", name);
        }
    } else {
        e = srv_revoke_user(st, NULL, &u, now);
        if (e == JG_OK)
            e = st->ops->user_delete(st, name);
        if (e == JG_OK)
            printf("user %s deleted\n", name);
    }
    jg_wipe(&u, sizeof u);
    if (e != JG_OK) {
        fprintf(stderr, "jwtguardd: user %s: %s\n", name, jg_err_str(e));
        return 1;
    }
    return 0;
}

/* ---- keys ---- */

static int print_key(void *ctx, const srv_key_row *k)
{
    (void)ctx;
    printf("%s %s %s created=%lld activated=%lld\n", k->kid, k->alg,
           keyring_state_name(k->state), (long long)k->created,
           (long long)k->activated);
    return 0;
}

static int cmd_keys(srv_config *c, srv_store *st)
{
    const char *verb = c->n_pos == 1 ? c->pos[0] : "";
    jg_err e;
    if (!strcmp(verb, "list"))
        return st->ops->key_list(st, 0, print_key, NULL) == JG_OK ? 0 : 1;
    if (!strcmp(verb, "rotate")) {
        /* without --alg (or a config naming it), keep the key ring's */
        if (!c->alg_set && keyring_alg_in_use(st) != JG_ALG_UNKNOWN)
            c->alg = keyring_alg_in_use(st);
        e = keyring_rotate(st, c, srv_now());
        if (e != JG_OK) {
            fprintf(stderr, "jwtguardd: keys rotate: %s\n", jg_err_str(e));
            return 1;
        }
        return st->ops->key_list(st, 0, print_key, NULL) == JG_OK ? 0 : 1;
    }
    die_usage("usage: jwtguardd keys list|rotate");
    return 2;
}

/* ---- revoke ---- */

static int cmd_revoke(srv_config *c, srv_store *st)
{
    int64_t now = srv_now();
    jg_err e;
    if (c->n_pos != 0 || !!c->revoke_jti == !!c->revoke_user) {
        die_usage("usage: jwtguardd revoke --jti ID | --user NAME");
        return 2;
    }
    if (c->revoke_jti) {
        srv_deny d;
        if (strlen(c->revoke_jti) > SRV_ID_MAX) {
            die_usage("revoke: jti too long");
            return 2;
        }
        memset(&d, 0, sizeof d);
        d.kind = SRV_DENY_JTI;
        snprintf(d.a, sizeof d.a, "%s", c->issuer);
        snprintf(d.b, sizeof d.b, "%s", c->revoke_jti);
        /* the token's exp is not known here: outlive any access token */
        d.until = now + c->access_ttl + c->leeway;
        e = st->ops->deny_add(st, &d, NULL);
        if (e == JG_OK)
            printf("revoked jti %s\n", c->revoke_jti);
    } else {
        srv_user u;
        e = st->ops->user_get(st, c->revoke_user, &u);
        if (e == JG_OK)
            e = srv_revoke_user(st, NULL, &u, now);
        if (e == JG_OK)
            printf("revoked every token of %s\n", c->revoke_user);
        jg_wipe(&u, sizeof u);
    }
    if (e != JG_OK) {
        fprintf(stderr, "jwtguardd: revoke: %s\n",
                e == JG_E_NOT_FOUND ? "no such user" : jg_err_str(e));
        return 1;
    }
    return 0;
}

int admin_main(srv_config *c)
{
    char err[512];
    srv_store *st = NULL;
    int rc;
    int is_init = !strcmp(c->command, "init");

    if (is_init && c->n_pos != 0) {
        die_usage("usage: jwtguardd init [--data-dir DIR]");
        return 2;
    }
    if (admin_prepare(c, &st, is_init, is_init, err, sizeof err) != 0) {
        fprintf(stderr, "jwtguardd: %s\n", err);
        return 1;
    }
    if (is_init) {
        uint8_t key[32];
        rc = tokens_refresh_key(c->data_dir, key) == JG_OK ? 0 : 1;
        jg_wipe(key, sizeof key);
        if (rc == 0)
            printf("data directory %s ready\n", c->data_dir);
        else
            fprintf(stderr, "jwtguardd: cannot create the refresh key\n");
    } else if (!strcmp(c->command, "user")) {
        rc = cmd_user(c, st);
    } else if (!strcmp(c->command, "keys")) {
        rc = cmd_keys(c, st);
    } else {
        rc = cmd_revoke(c, st);
    }
    st->ops->close(st);
    return rc;
}
