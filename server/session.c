/* server/session.c - POST /login, /token/refresh and /logout.
 *
 * Login counts an attempt against the user name and the client address
 * BEFORE the password is checked (one atomic store increment each), so
 * parallel guesses cannot slip past the limit; past it the answer is 429
 * with Retry-After and a temporary lock. Unknown, locked and wrong all
 * cost one argon2id verification and get the same 401. Refresh is single
 * use: the store's compare-and-swap picks one winner; a token presented
 * again is reuse (its family and the family's access tokens are revoked)
 * unless it is the immediate predecessor of the newest token and within
 * the grace window, which returns the same, recomputed successor. Logout
 * revokes the access token and its family. Each revocation is committed
 * and applied to the in-memory copy before the answer goes out. All of
 * this runs on pool threads: the event loops never wait on argon2 or the
 * disk.
 */
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "tokens.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGIN_PASSWORD_MAX 1024     /* bytes; longer is a bad request */
#define LOGIN_BACKOFF_FREE 2        /* failures answered without delay */
#define LOGIN_BACKOFF_BASE_MS 250   /* then 250, 500, 1000 ... ms */
#define LOGIN_BACKOFF_MAX_MS 2000
#define STORE_RETRY_AFTER 1         /* s, when the store cannot answer */
#define CLIENT_ID_LOGIN "jwtguardd" /* client_id of tokens from /login */

static void unavailable(srv_req *r, const char *why)
{
    http_error(r, 503, "temporarily_unavailable");
    http_header(r, "Retry-After", "%d", STORE_RETRY_AFTER);
    snprintf(r->reason, sizeof r->reason, "%s", why);
}

static void invalid_grant(srv_req *r, const char *why)
{
    http_error(r, 401, "invalid_grant");
    r->no_store = 1;
    snprintf(r->reason, sizeof r->reason, "%s", why);
}

/* Access token + the refresh token we already stored: the 200. */
static void issue_pair(srv_req *r, const srv_user *u, const char *scope,
                       const char *client_id, const char *family,
                       const char *refresh, int64_t family_expires,
                       int64_t now)
{
    srv_ctx *ctx = r->ctx;
    kr_snap *snap = keyring_acquire(ctx->keyring);
    jg_buf tok = {0};
    srv_access a;
    memset(&a, 0, sizeof a);
    a.sub = u->name;
    a.scope = scope;
    a.client_id = client_id;
    a.sid = family;
    /* never before a cut-off made in this very second */
    a.iat = u->revoked_before > now ? u->revoked_before : now;
    if (!snap || tokens_issue_access(snap, ctx->cfg, &a, &tok) != JG_OK) {
        http_error(r, 500, "server_error");
        snprintf(r->reason, sizeof r->reason, "cannot sign");
    } else {
        metrics_issued();
        snprintf(r->jti, sizeof r->jti, "%s", a.jti);
        reply_tokens(r, (const char *)tok.data, tok.len, refresh,
                     family_expires - now);
    }
    keyring_release(snap);
    jg_buf_free(&tok);
}

/* Make one store revocation durable, then apply it here. */
jg_err session_deny(srv_ctx *ctx, int kind, const char *a, const char *b,
                   int64_t until)
{
    srv_deny d;
    jg_err e;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    snprintf(d.a, sizeof d.a, "%s", a);
    snprintf(d.b, sizeof d.b, "%s", b);
    d.until = until;
    e = ctx->store->ops->deny_add(ctx->store, &d, &d.seq);
    if (e == JG_OK) {
        metrics_revocation();
        if (revcache_apply(ctx->revcache, &d) != JG_OK)
            log_event("error", "revocation stored but not applied in "
                               "memory (seq %lld)", (long long)d.seq);
    }
    return e;
}

/* Revoke a refresh family and every access token issued from it. */
jg_err session_revoke_family(srv_ctx *ctx, const char *family,
                             int64_t until)
{
    jg_err e = ctx->store->ops->family_revoke(ctx->store, family);
    if (e != JG_OK && e != JG_E_NOT_FOUND)
        return e;
    return session_deny(ctx, SRV_DENY_FAMILY, "", family, until);
}

/* ---- POST /login ---- */

typedef struct rl_keys {
    char user[SRV_NAME_MAX + 3];
    char addr[80];
    int64_t window;
} rl_keys;

/* Count this attempt before anything else. 0: go on; 1: answered 429
 * (or 503). *failures is the user name's count, for the back-off. */
static int login_gate(srv_req *r, const rl_keys *k, int64_t now,
                      int64_t *failures)
{
    srv_store *st = r->ctx->store;
    const srv_config *c = r->ctx->cfg;
    int64_t until_u = 0, until_a = 0, n_u = 0, n_a = 0;

    if ((k->user[0] && st->ops->lock_get(st, k->user, &until_u)) ||
        st->ops->lock_get(st, k->addr, &until_a)) {
        unavailable(r, "store: lock_get failed");
        return 1;
    }
    if (until_u <= now && until_a <= now) {
        if ((k->user[0] &&
             st->ops->ratelimit_hit(st, k->user, k->window, &n_u)) ||
            (n_u <= c->login_max_failures &&
             st->ops->ratelimit_hit(st, k->addr, k->window, &n_a))) {
            unavailable(r, "store: ratelimit_hit failed");
            return 1;
        }
        *failures = n_u;
        if (n_u > c->login_max_failures)
            until_u = now + c->login_lock;
        else if (n_a > c->login_addr_max_failures)
            until_a = now + c->login_lock;
        else
            return 0;
        /* lock, and start a fresh count for after the lock */
        if ((until_u > now && (st->ops->lock_set(st, k->user, until_u) ||
                               st->ops->ratelimit_reset(st, k->user))) ||
            (until_a > now && (st->ops->lock_set(st, k->addr, until_a) ||
                               st->ops->ratelimit_reset(st, k->addr)))) {
            unavailable(r, "store: lock_set failed");
            return 1;
        }
        audit_event(r->ctx, "login_locked", r->sub[0] ? r->sub : NULL,
                    r->peer, until_u > now ? "user" : "address");
    }
    http_error(r, 429, "too_many_requests");
    http_header(r, "Retry-After", "%lld",
                (long long)((until_u > until_a ? until_u : until_a) - now));
    snprintf(r->reason, sizeof r->reason, "login rate limit (%s)",
             until_u > now ? "user" : "address");
    return 1;
}

static void login_failed(srv_req *r, int64_t failures, const char *why)
{
    invalid_grant(r, why);
    /* progressive back-off: the answer to a run of failures slows down */
    if (failures > LOGIN_BACKOFF_FREE) {
        int64_t ms = LOGIN_BACKOFF_BASE_MS;
        for (int64_t i = LOGIN_BACKOFF_FREE + 1;
             i < failures && ms < LOGIN_BACKOFF_MAX_MS; i++)
            ms *= 2;
        if (ms > LOGIN_BACKOFF_MAX_MS)
            ms = LOGIN_BACKOFF_MAX_MS;
        r->job.delay.tv_sec = (time_t)(ms / 1000);
        r->job.delay.tv_usec = (suseconds_t)(ms % 1000) * 1000;
    }
    audit_event(r->ctx, "login_failed", r->sub[0] ? r->sub : NULL, r->peer,
                why);
}

/* After a good password: upgrade the hash if the parameters changed. */
static void maybe_rehash(srv_ctx *ctx, const srv_user *u, const char *pw,
                         size_t len)
{
    char phc[JGI_PWHASH_STRBYTES];
    const srv_config *c = ctx->cfg;
    if (jgi_pwhash_needs_rehash(u->phc, c->pwhash_ops, c->pwhash_mem) != 1)
        return;
    if (jgi_pwhash_str(phc, pw, len, c->pwhash_ops, c->pwhash_mem) ==
            JG_OK &&
        ctx->store->ops->user_set_phc(ctx->store, u->name, phc) == JG_OK)
        log_event("info", "password hash of %s upgraded", u->name);
    jg_wipe(phc, sizeof phc);
}

static void work_login(srv_req *r)
{
    srv_ctx *ctx = r->ctx;
    const srv_config *c = ctx->cfg;
    srv_store *st = ctx->store;
    int64_t now = srv_now(), failures = 0;
    int valid = srv_name_valid(r->username, strlen(r->username));
    int found = 0, ok;
    srv_user u;
    srv_refresh rt;
    rl_keys k;
    char refresh[SRV_REFRESH_LEN + 1];
    jg_err e;

    memset(&u, 0, sizeof u);
    memset(&k, 0, sizeof k);
    k.window = now - now % c->login_window;
    if (valid) {
        snprintf(k.user, sizeof k.user, "u:%s", r->username);
        snprintf(r->sub, sizeof r->sub, "%s", r->username);
    }
    snprintf(k.addr, sizeof k.addr, "a:%s", r->peer);
    if (login_gate(r, &k, now, &failures))
        goto out;

    if (valid) {
        e = st->ops->user_get(st, r->username, &u);
        if (e != JG_OK && e != JG_E_NOT_FOUND) {
            unavailable(r, "store: user_get failed");
            goto out;
        }
        found = e == JG_OK;
    }
    /* constant work: unknown names are checked against a dummy hash */
    ok = jgi_pwhash_verify(found ? u.phc : ctx->dummy_phc, r->password,
                           r->password_len) == JG_OK;
    if (!found || !ok || u.locked) {
        login_failed(r, failures, !found  ? "unknown user"
                                  : !ok   ? "wrong password"
                                          : "user is locked");
        goto out;
    }
    /* a good login does not count as a failure */
    (void)st->ops->ratelimit_reset(st, k.user);
    (void)st->ops->ratelimit_undo(st, k.addr, k.window);
    maybe_rehash(ctx, &u, r->password, r->password_len);

    memset(&rt, 0, sizeof rt);
    if (tokens_new_refresh(refresh) != 0 ||
        srv_random_b64(rt.family, sizeof rt.family, SRV_JTI_BYTES) != 0) {
        http_error(r, 500, "server_error");
        snprintf(r->reason, sizeof r->reason, "no randomness");
        goto out;
    }
    tokens_hash(refresh, SRV_REFRESH_LEN, rt.hash);
    rt.user_id = u.id;
    rt.issued = now;
    rt.expires = now + c->refresh_ttl;
    snprintf(rt.client_id, sizeof rt.client_id, "%s", CLIENT_ID_LOGIN);
    snprintf(rt.scope, sizeof rt.scope, "%s", c->scope);
    if (st->ops->refresh_insert(st, &rt) != JG_OK) {
        unavailable(r, "store: refresh_insert failed");
        goto out;
    }
    issue_pair(r, &u, rt.scope, rt.client_id, rt.family, refresh, rt.expires,
               now);
out:
    jg_wipe(refresh, sizeof refresh);
    jg_wipe(&u, sizeof u);
}

void h_login(srv_req *r)
{
    static const char *const names[] = {"username", "password"};
    char *vals[2];
    size_t lens[2];
    if (r->ctype != CT_JSON && r->ctype != CT_FORM) {
        http_error(r, 415, "invalid_request");
        http_reply(r);
        return;
    }
    if (req_fields(r, names, vals, lens, 2) != 0 || !vals[0] || !vals[1] ||
        lens[0] == 0 || lens[1] == 0 || lens[1] > LOGIN_PASSWORD_MAX) {
        for (int i = 0; i < 2; i++)
            if (vals[i]) {
                jg_wipe(vals[i], lens[i]);
                free(vals[i]);
            }
        http_error(r, 400, "invalid_request");
        http_reply(r);
        return;
    }
    r->username = vals[0];
    r->password = vals[1];
    r->password_len = lens[1];
    http_submit(r, r->ctx->hash_pool, work_login);
}

/* ---- POST /token/refresh ---- */

/* Presented again after use. Inside the grace window, and only while its
 * successor is still unused, it is a lost answer: 1. Else reuse: 0. */
static int in_grace(srv_ctx *ctx, const srv_refresh *cur,
                    const uint8_t succ_hash[32], int64_t now, int *io_err)
{
    srv_refresh child;
    jg_err e;
    if (cur->used_at == 0 || now - cur->used_at > ctx->cfg->grace)
        return 0;
    e = ctx->store->ops->refresh_get(ctx->store, succ_hash, &child);
    if (e == JG_E_NOT_FOUND)
        return 1; /* the winner is still writing it */
    if (e != JG_OK) {
        *io_err = 1;
        return 0;
    }
    return child.used_at == 0 && !child.family_revoked;
}

static void work_refresh(srv_req *r)
{
    srv_ctx *ctx = r->ctx;
    srv_store *st = ctx->store;
    int64_t now = srv_now();
    srv_refresh cur, next;
    srv_user u;
    uint8_t h[32];
    char succ[SRV_REFRESH_LEN + 1];
    int won = 0, io_err = 0;
    jg_err e;

    memset(&u, 0, sizeof u);
    succ[0] = '\0';
    if (!tokens_refresh_shape(r->token, r->token_len)) {
        invalid_grant(r, "not a refresh token");
        goto out;
    }
    tokens_hash(r->token, r->token_len, h);
    e = st->ops->refresh_get(st, h, &cur);
    if (e == JG_E_NOT_FOUND) {
        invalid_grant(r, "unknown refresh token");
        goto out;
    }
    if (e == JG_OK)
        e = st->ops->user_get_by_id(st, cur.user_id, &u);
    if (e == JG_E_NOT_FOUND || (e == JG_OK && u.locked)) {
        invalid_grant(r, "user is gone or locked");
        goto out;
    }
    if (e != JG_OK) {
        unavailable(r, "store: refresh_get failed");
        goto out;
    }
    snprintf(r->sub, sizeof r->sub, "%s", u.name);
    if (cur.family_revoked || cur.expires <= now) {
        invalid_grant(r, cur.family_revoked ? "family is revoked"
                                            : "family has expired");
        goto out;
    }
    if (tokens_successor(ctx->refresh_key, r->token, r->token_len, succ) !=
        0) {
        http_error(r, 500, "server_error");
        goto out;
    }
    memset(&next, 0, sizeof next);
    tokens_hash(succ, SRV_REFRESH_LEN, next.hash);
    if (st->ops->refresh_mark_used(st, h, now, &won) != JG_OK) {
        unavailable(r, "store: refresh_mark_used failed");
        goto out;
    }
    if (!won) {
        int grace;
        /* someone used it first: re-read when, and whether the family
         * was revoked meanwhile */
        if (st->ops->refresh_get(st, h, &cur) != JG_OK) {
            unavailable(r, "store: refresh_get failed");
            goto out;
        }
        if (cur.family_revoked) {
            invalid_grant(r, "family is revoked");
            goto out;
        }
        grace = in_grace(ctx, &cur, next.hash, now, &io_err);
        if (io_err) {
            unavailable(r, "store: refresh_get failed");
            goto out;
        }
        if (!grace) {
            metrics_refresh_reuse();
            if (session_revoke_family(ctx, cur.family, cur.expires) !=
                JG_OK) {
                unavailable(r, "store: family revoke failed");
                goto out;
            }
            audit_event(ctx, "refresh_reuse", u.name, r->peer, cur.family);
            invalid_grant(r, "refresh token reuse: family revoked");
            goto out;
        }
    }
    /* the successor; a grace-window retry finds it there already */
    snprintf(next.family, sizeof next.family, "%s", cur.family);
    next.user_id = cur.user_id;
    next.generation = cur.generation + 1;
    memcpy(next.parent, h, sizeof h);
    next.issued = now;
    next.expires = cur.expires; /* absolute family lifetime */
    memcpy(next.client_id, cur.client_id, sizeof next.client_id);
    memcpy(next.scope, cur.scope, sizeof next.scope);
    e = st->ops->refresh_insert(st, &next);
    if (e != JG_OK && e != JG_E_INVALID_ARG) {
        unavailable(r, "store: refresh_insert failed");
        goto out;
    }
    issue_pair(r, &u, cur.scope, cur.client_id, cur.family, succ,
               cur.expires, now);
out:
    jg_wipe(succ, sizeof succ);
    jg_wipe(&u, sizeof u);
}

void h_refresh(srv_req *r)
{
    static const char *const names[] = {"refresh_token"};
    char *val = NULL;
    size_t len = 0;
    if (r->body_len > 0 || r->ctype != CT_NONE) {
        if (r->ctype != CT_JSON && r->ctype != CT_FORM) {
            http_error(r, 415, "invalid_request");
            http_reply(r);
            return;
        }
        if (req_fields(r, names, &val, &len, 1) != 0) {
            http_error(r, 400, "invalid_request");
            http_reply(r);
            return;
        }
    }
    if (val) {
        r->token = val;
        r->token_len = len;
    } else {
        r->token = req_cookie(r, r->ctx->cookie_refresh, &r->token_len);
        if (!r->token) {
            http_error(r, 400, "invalid_request");
            http_reply(r);
            return;
        }
        /* a cookie comes with every request: only our own pages may ask */
        if (!req_origin_ok(r)) {
            http_error(r, 403, "invalid_origin");
            snprintf(r->reason, sizeof r->reason, "CSRF: Origin mismatch");
            http_reply(r);
            return;
        }
    }
    http_submit(r, r->ctx->store_pool, work_refresh);
}

/* ---- POST /logout ---- */

static void work_logout(srv_req *r)
{
    srv_ctx *ctx = r->ctx;
    const srv_config *c = ctx->cfg;
    kr_snap *snap = keyring_acquire(ctx->keyring);
    int64_t now = srv_now();
    srv_tokinfo ti;
    jg_reason why;

    if (!snap ||
        routes_verify_access(snap, r->token, r->token_len, &ti, &why) !=
            JG_OK) {
        reply_invalid_token(r, snap ? jg_reason_str(&why) : "no keys");
        reply_clear_cookies(r);
        goto out;
    }
    snprintf(r->sub, sizeof r->sub, "%s", ti.sub);
    snprintf(r->jti, sizeof r->jti, "%s", ti.jti);
    /* the token until it expires; its family's until any token from it
     * could still be alive */
    if (session_deny(ctx, SRV_DENY_JTI, c->issuer, ti.jti,
                     ti.exp + c->leeway) != JG_OK ||
        session_revoke_family(ctx, ti.sid,
                              now + c->access_ttl + c->leeway) != JG_OK) {
        unavailable(r, "store: revocation failed");
        goto out;
    }
    audit_event(ctx, "logout", ti.sub, r->peer, NULL);
    r->status = 204;
    r->no_store = 1;
    reply_clear_cookies(r);
out:
    keyring_release(snap);
}

void h_logout(srv_req *r)
{
    if (req_access_token(r) != 0) {
        reply_invalid_token(r, "no token");
        http_reply(r);
        return;
    }
    if (r->via_cookie && !req_origin_ok(r)) {
        http_error(r, 403, "invalid_origin");
        snprintf(r->reason, sizeof r->reason, "CSRF: Origin mismatch");
        http_reply(r);
        return;
    }
    http_submit(r, r->ctx->store_pool, work_logout);
}
