/* server/routes.c - which handler answers, and what a request carries.
 *
 * The route table maps an exact path and method to a handler; anything
 * else is 404 or 405. The input helpers read bodies (JSON or
 * application/x-www-form-urlencoded, parsed by parse.c), cookies, bearer
 * tokens and the Origin header; they copy what they find, so the
 * handlers that continue on a pool thread never touch libevent. The quick
 * GET handlers live here: /auth/verify (no disk, no network: signature or
 * the verified-token cache, then the in-memory revocation copy), the JWKS,
 * /healthz and /metrics.
 */
#include "routes.h"
#include "authcache.h"
#include "log.h"
#include "metrics.h"
#include "parse.h"
#include "revcache.h"
#include "tokens.h"
#include "util.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define REQ_TOKEN_MAX JG_DEFAULT_MAX_TOKEN /* longest token we look at */

/* ---- input ---- */

int req_body(srv_req *r)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(r->req);
    size_t n = evbuffer_get_length(in);
    if (n > HTTP_MAX_BODY) {
        http_error(r, 413, "invalid_request");
        http_reply(r);
        return -1;
    }
    r->body = malloc(n + 1);
    if (!r->body) {
        http_error(r, 503, "temporarily_unavailable");
        http_reply(r);
        return -1;
    }
    if (n && evbuffer_remove(in, r->body, n) != (ev_ssize_t)n)
        n = 0;
    r->body[n] = '\0';
    r->body_len = n;
    return 0;
}

static int content_type(srv_req *r)
{
    const char *ct = http_in_header(r, "Content-Type");
    size_t n;
    if (!ct)
        return CT_NONE;
    while (*ct == ' ')
        ct++;
    n = strcspn(ct, "; \t");
    if (n == 16 && !strncasecmp(ct, "application/json", n))
        return CT_JSON;
    if (n == 33 && !strncasecmp(ct, "application/x-www-form-urlencoded", n))
        return CT_FORM;
    return CT_OTHER;
}

int req_fields(srv_req *r, const char *const *names, char **vals,
               size_t *lens, size_t n)
{
    int rc;
    for (size_t f = 0; f < n; f++) {
        vals[f] = NULL;
        lens[f] = 0;
    }
    if (r->ctype == CT_JSON)
        rc = parse_json_fields(r->body, r->body_len, HTTP_MAX_BODY, names,
                               vals, lens, n);
    else if (r->ctype == CT_FORM)
        rc = parse_form_fields(r->body, r->body_len, names, vals, lens, n);
    else
        rc = -1;
    if (rc != 0)
        for (size_t f = 0; f < n; f++) {
            if (vals[f]) {
                jg_wipe(vals[f], lens[f]);
                free(vals[f]);
            }
            vals[f] = NULL;
        }
    return rc;
}

char *req_cookie(srv_req *r, const char *name, size_t *len)
{
    const char *h = http_in_header(r, "Cookie");
    return h ? parse_cookie(h, name, REQ_TOKEN_MAX, len) : NULL;
}

int req_access_token(srv_req *r)
{
    const char *a = http_in_header(r, "Authorization");
    if (a && !strncasecmp(a, "Bearer ", 7)) {
        size_t n;
        a += 7;
        while (*a == ' ')
            a++;
        n = strlen(a);
        while (n && a[n - 1] == ' ')
            n--;
        if (n == 0 || n > REQ_TOKEN_MAX)
            return -1;
        r->token = malloc(n + 1);
        if (!r->token)
            return -1;
        memcpy(r->token, a, n);
        r->token[n] = '\0';
        r->token_len = n;
        r->via_cookie = 0;
        return 0;
    }
    r->token = req_cookie(r, r->ctx->cookie_access, &r->token_len);
    r->via_cookie = r->token != NULL;
    return r->token ? 0 : -1;
}

int req_origin_ok(srv_req *r)
{
    const char *o = http_in_header(r, "Origin");
    return o && r->ctx->cfg->origin && !strcmp(o, r->ctx->cfg->origin);
}

/* ---- shared replies ---- */

void reply_invalid_token(srv_req *r, const char *reason)
{
    http_error(r, 401, "invalid_token");
    http_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    if (reason)
        snprintf(r->reason, sizeof r->reason, "%s", reason);
}

static void set_cookie(srv_req *r, const char *name, const char *val,
                       int64_t max_age)
{
    http_header(r, "Set-Cookie", "%s=%s%s; Max-Age=%lld", name, val,
                r->ctx->cookie_attrs, (long long)max_age);
}

void reply_tokens(srv_req *r, const char *access, size_t access_len,
                  const char *refresh, int64_t refresh_max_age)
{
    jgi_jw w;
    int64_t ttl = r->ctx->cfg->access_ttl;
    jg_buf_free(&r->out);
    jgi_jw_init(&w, &r->out);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "access_token", 12);
    jgi_jw_str(&w, access, access_len);
    jgi_jw_key(&w, "token_type", 10);
    jgi_jw_str(&w, "Bearer", 6);
    jgi_jw_key(&w, "expires_in", 10);
    jgi_jw_int(&w, ttl);
    jgi_jw_key(&w, "refresh_token", 13);
    jgi_jw_str(&w, refresh, strlen(refresh));
    jgi_jw_obj_end(&w);
    if (jgi_jw_finish(&w) != JG_OK) {
        http_error(r, 500, "server_error");
        return;
    }
    r->status = 200;
    r->out_ctype = "application/json";
    r->no_store = 1; /* RFC 6749 §5.1 */
    set_cookie(r, r->ctx->cookie_access, access, ttl);
    set_cookie(r, r->ctx->cookie_refresh, refresh, refresh_max_age);
}

void reply_clear_cookies(srv_req *r)
{
    set_cookie(r, r->ctx->cookie_access, "", 0);
    set_cookie(r, r->ctx->cookie_refresh, "", 0);
}

void audit_event(srv_ctx *ctx, const char *event, const char *sub,
                 const char *peer, const char *detail)
{
    jg_buf b = {0};
    jgi_jw w;
    jgi_jw_init(&w, &b);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "event", 5);
    jgi_jw_str(&w, event, strlen(event));
    if (sub && jgi_utf8_valid((const uint8_t *)sub, strlen(sub))) {
        jgi_jw_key(&w, "sub", 3);
        jgi_jw_str(&w, sub, strlen(sub));
    }
    if (peer) {
        jgi_jw_key(&w, "peer", 4);
        jgi_jw_str(&w, peer, strlen(peer));
    }
    if (detail) {
        jgi_jw_key(&w, "detail", 6);
        jgi_jw_str(&w, detail, strlen(detail));
    }
    jgi_jw_obj_end(&w);
    if (jgi_jw_finish(&w) == JG_OK &&
        ctx->store->ops->audit(ctx->store, srv_now(),
                               (const char *)b.data) != JG_OK)
        log_event("warn", "audit event %s not stored", event);
    jg_buf_free(&b);
}

/* ---- access tokens ---- */

int routes_is_jws(const char *tok, size_t len)
{
    size_t dots = 0;
    for (size_t i = 0; i < len; i++)
        dots += tok[i] == '.';
    return dots == 2;
}

static jg_err claim_str(const jg_claims *c, const char *name, char *dst,
                        size_t cap, int required)
{
    const char *s;
    size_t n;
    jg_err e = jg_claims_get_str(c, name, &s, &n);
    dst[0] = '\0';
    if (e == JG_E_NOT_FOUND && !required)
        return JG_OK;
    if (e != JG_OK)
        return e;
    if (n >= cap || memchr(s, 0, n))
        return JG_E_LIMIT;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return JG_OK;
}

jg_err routes_verify_access(const kr_snap *snap, const char *tok,
                            size_t len, srv_tokinfo *ti, jg_reason *why)
{
    jg_claims *c = NULL;
    jg_err e;
    memset(ti, 0, sizeof *ti);
    e = jg_jwt_verify(snap->verifier, tok, len, &c, why);
    if (e != JG_OK)
        return e;
    if ((e = claim_str(c, "sub", ti->sub, sizeof ti->sub, 1)) ||
        (e = claim_str(c, "jti", ti->jti, sizeof ti->jti, 1)) ||
        (e = claim_str(c, "sid", ti->sid, sizeof ti->sid, 1)) ||
        (e = claim_str(c, "client_id", ti->client_id, sizeof ti->client_id,
                       0)) ||
        (e = claim_str(c, "scope", ti->scope, sizeof ti->scope, 0)) ||
        (e = jg_claims_get_int(c, "exp", &ti->exp)) ||
        (e = jg_claims_get_int(c, "iat", &ti->iat))) {
        snprintf(why->check, sizeof why->check, "claims");
        snprintf(why->detail, sizeof why->detail,
                 "a claim the server needs is missing or too long");
        why->err = e;
    }
    jg_claims_free(c);
    return e;
}

/* ---- GET handlers ---- */

static void h_healthz(srv_req *r)
{
    const char *why;
    int stale = revcache_check(r->ctx->revcache, NULL, NULL, NULL, NULL, 0,
                               srv_now(), &why) == RC_STALE;
    static const char ok[] = "{\"status\":\"ok\"}";
    static const char bad[] = "{\"status\":\"denylist_stale\"}";
    r->status = stale ? 503 : 200;
    r->out_ctype = "application/json";
    r->no_store = 1;
    if (jg_buf_append(&r->out, stale ? bad : ok,
                      stale ? sizeof bad - 1 : sizeof ok - 1) != JG_OK)
        r->status = 500;
    http_reply(r);
}

static void h_metrics(srv_req *r)
{
    if (metrics_render(&r->out) != JG_OK) {
        http_error(r, 500, "server_error");
    } else {
        r->status = 200;
        r->out_ctype = "text/plain; version=0.0.4; charset=utf-8";
        r->no_store = 1;
    }
    http_reply(r);
}

static void h_jwks(srv_req *r)
{
    kr_snap *s = keyring_acquire(r->ctx->keyring);
    if (!s || jg_buf_append(&r->out, s->jwks.data, s->jwks.len) != JG_OK) {
        http_error(r, 500, "server_error");
    } else {
        r->status = 200;
        r->out_ctype = "application/json";
        /* shorter than a next key's lead time: see keyring.c */
        http_header(r, "Cache-Control", "public, max-age=%lld",
                    (long long)r->ctx->cfg->jwks_max_age);
    }
    keyring_release(s);
    http_reply(r);
}

/* A verification failure: one generic answer to the peer, the reason to
 * the log and to the metrics. */
static void verify_fail(srv_req *r, int metric, const char *reason)
{
    metrics_verify(metric);
    reply_invalid_token(r, reason);
    http_reply(r);
}

static void h_verify(srv_req *r)
{
    srv_ctx *ctx = r->ctx;
    int64_t now = srv_now();
    uint8_t key[32];
    const ac_entry *hit;
    ac_entry fresh;
    kr_snap *snap;
    const char *why = NULL;
    int rc;

    if (req_access_token(r) != 0) {
        verify_fail(r, VR_MISSING, "no token");
        return;
    }
    snap = keyring_acquire(ctx->keyring);
    if (!snap) {
        verify_fail(r, JG_E_KEY_MISMATCH, "no keys loaded");
        return;
    }
    tokens_hash(r->token, r->token_len, key);
    hit = authcache_get(http_authcache(r), key, snap->gen, now);
    if (!hit) {
        srv_tokinfo ti;
        jg_reason jr;
        jg_err e = routes_verify_access(snap, r->token, r->token_len, &ti,
                                        &jr);
        if (e != JG_OK) {
            keyring_release(snap);
            verify_fail(r, e, jg_reason_str(&jr));
            return;
        }
        memset(&fresh, 0, sizeof fresh);
        memcpy(fresh.key, key, sizeof key);
        fresh.gen = snap->gen;
        fresh.exp = ti.exp;
        fresh.iat = ti.iat;
        fresh.valid_until = ti.exp < now + AUTHCACHE_MAX_AGE
                                ? ti.exp
                                : now + AUTHCACHE_MAX_AGE;
        memcpy(fresh.sub, ti.sub, sizeof fresh.sub);
        memcpy(fresh.jti, ti.jti, sizeof fresh.jti);
        memcpy(fresh.sid, ti.sid, sizeof fresh.sid);
        memcpy(fresh.scope, ti.scope, sizeof fresh.scope);
        authcache_put(http_authcache(r), &fresh);
        hit = &fresh;
    }
    keyring_release(snap);
    snprintf(r->sub, sizeof r->sub, "%s", hit->sub);
    snprintf(r->jti, sizeof r->jti, "%s", hit->jti);
    /* revocation always wins over the cache */
    rc = revcache_check(ctx->revcache, NULL, hit->jti, hit->sid, hit->sub,
                        hit->iat, now, &why);
    if (rc != RC_OK) {
        verify_fail(r, rc == RC_STALE ? VR_STALE : VR_REVOKED, why);
        return;
    }
    metrics_verify(VR_OK);
    r->status = 200;
    r->no_store = 1;
    http_header(r, "X-Auth-Subject", "%s", hit->sub);
    http_header(r, "X-Auth-Scope", "%s", hit->scope);
    http_header(r, "X-Auth-Expires", "%lld", (long long)hit->exp);
    http_reply(r);
}

/* ---- dispatch ---- */

enum { M_GET = 1, M_POST = 2 };

static const struct route {
    const char *path;
    int id;
    int methods;
    void (*fn)(srv_req *r);
} routes[] = {
    {"/login", RT_LOGIN, M_POST, h_login},
    {"/token/refresh", RT_REFRESH, M_POST, h_refresh},
    {"/logout", RT_LOGOUT, M_POST, h_logout},
    {"/revoke", RT_REVOKE, M_POST, h_revoke},
    {"/introspect", RT_INTROSPECT, M_POST, h_introspect},
    {"/.well-known/jwks.json", RT_JWKS, M_GET, h_jwks},
    {"/auth/verify", RT_VERIFY, M_GET, h_verify},
    {"/healthz", RT_HEALTHZ, M_GET, h_healthz},
    {"/metrics", RT_METRICS, M_GET, h_metrics},
};

static const char *method_name(enum evhttp_cmd_type m)
{
    switch (m) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    default: return "?";
    }
}

void routes_dispatch(srv_req *r)
{
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->req);
    const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
    enum evhttp_cmd_type m = evhttp_request_get_command(r->req);
    const struct route *rt = NULL;
    int want;

    r->method = method_name(m);
    for (size_t i = 0; path && i < sizeof routes / sizeof routes[0]; i++)
        if (!strcmp(path, routes[i].path))
            rt = &routes[i];
    if (!rt) {
        http_error(r, 404, "not_found");
        http_reply(r);
        return;
    }
    r->route = rt->id;
    want = m == EVHTTP_REQ_POST ? M_POST
           : (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) ? M_GET
                                                           : 0;
    if (!(rt->methods & want)) {
        http_error(r, 405, "method_not_allowed");
        http_header(r, "Allow", "%s",
                    rt->methods == M_GET ? "GET, HEAD" : "POST");
        http_reply(r);
        return;
    }
    r->head = m == EVHTTP_REQ_HEAD;
    if (rt->methods == M_POST) {
        r->ctype = content_type(r);
        if (req_body(r) != 0)
            return;
    }
    rt->fn(r);
}
