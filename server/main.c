/* server/main.c - jwtguardd: start, keep fresh, drain, stop.
 *
 * `jwtguardd [serve]` reads the settings, refuses unsafe ones, prepares
 * the data directory (store, keys, certificate, refresh key), binds the
 * listen address, and starts three kinds of threads: the event loops
 * (http.c), the pools (pool.c), and one maintenance thread here that keeps
 * the in-memory revocation copy and the key ring in step with the store
 * and runs key rotation and retirement on schedule. The main thread then
 * waits for SIGTERM or SIGINT and drains. `user`, `keys`, `revoke` and
 * `init` are admin.c's.
 */
#include "admin.h"
#include "http.h"
#include "keyring.h"
#include "log.h"
#include "pool.h"
#include "revcache.h"
#include "server.h"
#include "tls.h"
#include "tokens.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAINT_TICK_MS 200       /* revocation copy poll interval */
#define MAINT_KEYS_EVERY 5      /* ticks between key ring checks (1 s) */
#define MAINT_PURGE_EVERY 300   /* ticks between store purges (60 s) */
#define MAINT_WARN_EVERY 50     /* ticks between repeated error logs */
#define STORE_POOL_THREADS 2    /* store-bound handlers (refresh, ...) */
#define STORE_POOL_QUEUE 1024   /* their queue bound */

static const char usage[] =
    "usage: jwtguardd [serve] [--config FILE] [--option value ...]\n"
    "       jwtguardd --check-config [options]\n"
    "       jwtguardd user add|passwd|lock|unlock|delete NAME | user list\n"
    "       jwtguardd keys list|rotate\n"
    "       jwtguardd revoke --jti ID | --user NAME\n"
    "       jwtguardd init\n"
    "options: see jwtguardd(8) and docs/server-config.md\n";

/* ---- the maintenance thread ---- */

static pthread_mutex_t maint_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t maint_cv = PTHREAD_COND_INITIALIZER;
static int maint_stop;

static void *maint_main(void *arg)
{
    srv_ctx *ctx = arg;
    unsigned long tick = 0;
    unsigned long rc_fail = 0, kr_fail = 0;

    pthread_mutex_lock(&maint_mu);
    while (!maint_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += MAINT_TICK_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        (void)pthread_cond_timedwait(&maint_cv, &maint_mu, &ts);
        if (maint_stop)
            break;
        pthread_mutex_unlock(&maint_mu);
        tick++;

        if (revcache_refresh(ctx->revcache, ctx->store) != JG_OK) {
            if (rc_fail++ % MAINT_WARN_EVERY == 0)
                log_event("error", "cannot refresh the revocation copy "
                                   "from the store");
        } else {
            rc_fail = 0;
        }
        if (tick % MAINT_KEYS_EVERY == 0) {
            int changed = 0;
            jg_err e = keyring_maintain(ctx->store, ctx->cfg, srv_now(),
                                        &changed);
            if (e == JG_OK)
                e = keyring_reload(ctx->keyring);
            if (e != JG_OK && kr_fail++ % MAINT_WARN_EVERY == 0)
                log_event("error", "key ring: %s", jg_err_str(e));
            else if (e == JG_OK)
                kr_fail = 0;
        }
        if (tick % MAINT_PURGE_EVERY == 0 &&
            ctx->store->ops->deny_purge(ctx->store, srv_now()) != JG_OK)
            log_event("warn", "store purge failed");
        pthread_mutex_lock(&maint_mu);
    }
    pthread_mutex_unlock(&maint_mu);
    return NULL;
}

/* ---- serve ---- */

static void print_problem(void *ctx, const char *problem, int unsafe)
{
    const srv_config *c = ctx;
    fprintf(stderr, "%s%s\n",
            unsafe && c->allow_unsafe ? "warning (allowed): " : "", problem);
}

static int setup_ctx(srv_ctx *ctx, srv_config *c, char *err, size_t el)
{
    char cert[4096], key[4096], pw[48];
    jg_err e;

    if (admin_prepare(c, &ctx->store, 1, 1, err, el) != 0)
        return -1;
    if (tokens_refresh_key(c->data_dir, ctx->refresh_key) != JG_OK) {
        snprintf(err, el, "cannot read or create %s/refresh.key",
                 c->data_dir);
        return -1;
    }
    if (!c->dev_insecure_http) {
        if (c->tls_cert) {
            snprintf(cert, sizeof cert, "%s", c->tls_cert);
            snprintf(key, sizeof key, "%s", c->tls_key);
        } else if (srv_path(cert, sizeof cert, c->data_dir, "tls.crt") ||
                   srv_path(key, sizeof key, c->data_dir, "tls.key")) {
            snprintf(err, el, "data dir path too long");
            return -1;
        }
        ctx->ssl_ctx = tls_ctx_new(cert, key, err, el);
        if (!ctx->ssl_ctx)
            return -1;
        ctx->cookie_access = "__Host-access";
        ctx->cookie_refresh = "__Host-refresh";
        ctx->cookie_attrs = "; Secure; HttpOnly; SameSite=Strict; Path=/";
    } else {
        ctx->cookie_access = "access";
        ctx->cookie_refresh = "refresh";
        ctx->cookie_attrs = "; HttpOnly; SameSite=Strict; Path=/";
    }
    /* unknown users are checked against this, with today's parameters */
    if (srv_random_b64(pw, sizeof pw, 24) != 0 ||
        jgi_pwhash_str(ctx->dummy_phc, pw, strlen(pw), c->pwhash_ops,
                       c->pwhash_mem) != JG_OK) {
        snprintf(err, el, "argon2id: cannot hash (memory?)");
        return -1;
    }
    jg_wipe(pw, sizeof pw);
    e = revcache_new(&ctx->revcache);
    if (e == JG_OK)
        e = revcache_refresh(ctx->revcache, ctx->store);
    if (e != JG_OK) {
        snprintf(err, el, "cannot load the denylist: %s", jg_err_str(e));
        return -1;
    }
    e = keyring_open(&ctx->keyring, ctx->store, c);
    if (e != JG_OK) {
        snprintf(err, el, "cannot load the signing keys: %s",
                 jg_err_str(e));
        return -1;
    }
    if (pool_new(&ctx->hash_pool, "hash", c->hash_threads,
                 c->max_hash_queue) != 0 ||
        pool_new(&ctx->store_pool, "store", STORE_POOL_THREADS,
                 STORE_POOL_QUEUE) != 0) {
        snprintf(err, el, "cannot start the worker pools");
        return -1;
    }
    return 0;
}

static void teardown(srv_ctx *ctx)
{
    pool_free(ctx->hash_pool);
    pool_free(ctx->store_pool);
    http_free();
    keyring_free(ctx->keyring);
    revcache_free(ctx->revcache);
    if (ctx->store)
        ctx->store->ops->close(ctx->store);
    tls_ctx_free(ctx->ssl_ctx);
    jg_wipe(ctx->refresh_key, sizeof ctx->refresh_key);
}

static int serve(srv_config *c)
{
    srv_ctx ctx;
    pthread_t maint;
    sigset_t sigs;
    char err[1024];
    int sig = 0, problems, rc = 1, maint_started = 0;

    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = c;
    if (log_open(c->log_file) != 0) {
        fprintf(stderr, "jwtguardd: cannot open log %s: %s\n", c->log_file,
                strerror(errno));
        return 2;
    }
    /* every thread inherits this mask: signals come to sigwait below */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (http_bind(&ctx, err, sizeof err) != 0) {
        fprintf(stderr, "jwtguardd: %s\n", err);
        http_free();
        return 1;
    }
    cfg_finish(c);
    problems = cfg_check(c, print_problem, c);
    if (problems) {
        fprintf(stderr, "jwtguardd: refusing to start (%d problem%s)\n",
                problems, problems > 1 ? "s" : "");
        http_free();
        return 2;
    }
    if (c->dev_insecure_http) {
        fprintf(stderr, "jwtguardd: WARNING: --dev-insecure-http: plain "
                        "HTTP, cookies without Secure; for development "
                        "only\n");
        log_event("warn", "plain HTTP (--dev-insecure-http)");
    }
    if (setup_ctx(&ctx, c, err, sizeof err) != 0) {
        fprintf(stderr, "jwtguardd: %s\n", err);
        goto out;
    }
    if (pthread_create(&maint, NULL, maint_main, &ctx) != 0 ||
        http_run(err, sizeof err) != 0) {
        fprintf(stderr, "jwtguardd: cannot start threads\n");
        goto out;
    }
    maint_started = 1;
    log_event("info", "jwtguardd listening on %s://%s:%u (issuer %s, %d "
                      "workers)",
              c->dev_insecure_http ? "http" : "https", c->listen_host,
              c->port, c->issuer, c->workers);
    while (sig != SIGTERM && sig != SIGINT)
        if (sigwait(&sigs, &sig) != 0)
            break;
    log_event("info", "signal %d: draining", sig);
    rc = 0;
out:
    http_stop();
    if (maint_started) {
        pthread_mutex_lock(&maint_mu);
        maint_stop = 1;
        pthread_cond_signal(&maint_cv);
        pthread_mutex_unlock(&maint_mu);
        pthread_join(maint, NULL);
    }
    teardown(&ctx);
    if (rc == 0)
        log_event("info", "jwtguardd stopped");
    log_close();
    return rc;
}

static int check_config(srv_config *c)
{
    int problems;
    cfg_finish(c);
    problems = cfg_check(c, print_problem, c);
    if (problems) {
        fprintf(stderr, "jwtguardd: %d problem%s\n", problems,
                problems > 1 ? "s" : "");
        return 2;
    }
    printf("config ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    srv_config c;
    char err[512];
    int rc;

    umask(077);
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage, stdout);
        return 0;
    }
    if (cfg_load(&c, argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, "jwtguardd: %s\n%s", err, usage);
        cfg_free(&c);
        return 2;
    }
    if (c.check_config) {
        rc = check_config(&c);
    } else if (!strcmp(c.command, "serve")) {
        if (c.n_pos) {
            fprintf(stderr, "jwtguardd: unexpected '%s'\n%s", c.pos[0],
                    usage);
            rc = 2;
        } else {
            rc = serve(&c);
        }
    } else {
        cfg_finish(&c);
        rc = admin_main(&c);
    }
    cfg_free(&c);
    return rc;
}
