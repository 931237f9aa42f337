/* server/oauth.c - POST /revoke (RFC 7009) and POST /introspect (RFC 7662).
 *
 * Both are for confidential clients configured with --client ID:FILE and
 * authenticated by HTTP Basic (RFC 6749 §2.3.1); secrets are compared as
 * SHA-256 digests in constant time. /revoke answers 200 for any token, so
 * it reveals nothing: an access token is denied by jti until it expires,
 * a refresh token takes its whole family (and the family's access tokens)
 * with it. /introspect says {"active":false} for anything not currently
 * valid, including revoked tokens and tokens while the revocation copy is
 * stale. Any configured client may revoke or introspect any token: they
 * are trusted back-ends, not end users.
 */
#include "log.h"
#include "metrics.h"
#include "parse.h"
#include "routes.h"
#include "tokens.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define BASIC_MAX 1024  /* longest Authorization: Basic credentials */

static int secret_matches(const srv_client *cl, const char *s, size_t n)
{
    uint8_t h[32];
    int eq;
    tokens_hash(s, n, h);
    eq = jgi_ct_equal(h, cl->secret_hash, sizeof h);
    jg_wipe(h, sizeof h);
    return eq;
}

/* 1 if the request carries a configured client's credentials. */
static int client_auth(srv_req *r)
{
    const srv_config *c = r->ctx->cfg;
    const char *a = http_in_header(r, "Authorization");
    uint8_t dec[BASIC_MAX];
    size_t dl = 0, n;
    char *colon, *id = NULL;
    size_t idl = 0;
    int ok = 0;

    if (!a || strncasecmp(a, "Basic ", 6) != 0)
        return 0;
    a += 6;
    while (*a == ' ')
        a++;
    n = strlen(a);
    if (n >= sizeof dec || parse_b64std(a, n, dec, &dl) != 0)
        return 0;
    colon = memchr(dec, ':', dl);
    if (!colon)
        goto out;
    id = parse_form_decode((char *)dec, (size_t)(colon - (char *)dec), &idl);
    for (size_t i = 0; id && i < c->n_clients; i++) {
        const srv_client *cl = &c->clients[i];
        const char *sec = colon + 1;
        size_t sl = dl - (size_t)(colon + 1 - (char *)dec), ul = 0;
        char *unesc;
        if (strcmp(cl->id, id) != 0 || !cl->loaded)
            continue;
        /* RFC 6749 §2.3.1 wants the secret form-encoded; accept it raw
         * as well, which many clients send */
        ok = secret_matches(cl, sec, sl);
        unesc = ok ? NULL : parse_form_decode(sec, sl, &ul);
        if (unesc) {
            ok = secret_matches(cl, unesc, ul);
            jg_wipe(unesc, ul);
            free(unesc);
        }
    }
out:
    free(id);
    jg_wipe(dec, sizeof dec);
    return ok;
}

/* Common start: client auth, a form body, token= and token_type_hint=. */
static int oauth_start(srv_req *r)
{
    static const char *const names[] = {"token", "token_type_hint"};
    char *vals[2];
    size_t lens[2];
    if (!client_auth(r)) {
        http_error(r, 401, "invalid_client");
        http_header(r, "WWW-Authenticate", "Basic realm=\"jwtguardd\"");
        snprintf(r->reason, sizeof r->reason, "client authentication");
        http_reply(r);
        return -1;
    }
    if (r->ctype != CT_FORM) {
        http_error(r, 415, "invalid_request");
        http_reply(r);
        return -1;
    }
    if (req_fields(r, names, vals, lens, 2) != 0 || !vals[0]) {
        for (int i = 0; i < 2; i++)
            if (vals[i]) {
                jg_wipe(vals[i], lens[i]);
                free(vals[i]);
            }
        http_error(r, 400, "invalid_request");
        http_reply(r);
        return -1;
    }
    r->token = vals[0];
    r->token_len = lens[0];
    r->hint = vals[1];
    return 0;
}

/* ---- POST /revoke ---- */

static void work_revoke(srv_req *r)
{
    srv_ctx *ctx = r->ctx;
    const srv_config *c = ctx->cfg;
    jg_err e = JG_OK;

    if (routes_is_jws(r->token, r->token_len)) {
        kr_snap *snap = keyring_acquire(ctx->keyring);
        srv_tokinfo ti;
        jg_reason why;
        /* a token that does not verify (or has expired) needs nothing */
        if (snap && routes_verify_access(snap, r->token, r->token_len, &ti,
                                         &why) == JG_OK) {
            snprintf(r->sub, sizeof r->sub, "%s", ti.sub);
            snprintf(r->jti, sizeof r->jti, "%s", ti.jti);
            e = session_deny(ctx, SRV_DENY_JTI, c->issuer, ti.jti,
                             ti.exp + c->leeway);
        }
        keyring_release(snap);
    } else if (tokens_refresh_shape(r->token, r->token_len)) {
        srv_refresh rt;
        uint8_t h[32];
        tokens_hash(r->token, r->token_len, h);
        e = ctx->store->ops->refresh_get(ctx->store, h, &rt);
        if (e == JG_OK && !rt.family_revoked)
            e = session_revoke_family(ctx, rt.family, rt.expires);
        else if (e == JG_E_NOT_FOUND)
            e = JG_OK;
    }
    if (e != JG_OK) {
        /* RFC 7009 §2.2.1: the server could not revoke: tell the client */
        http_error(r, 503, "temporarily_unavailable");
        http_header(r, "Retry-After", "1");
        snprintf(r->reason, sizeof r->reason, "store: revocation failed");
        return;
    }
    audit_event(ctx, "revoke", r->sub[0] ? r->sub : NULL, r->peer, NULL);
    r->status = 200;
    r->no_store = 1;
}

void h_revoke(srv_req *r)
{
    if (oauth_start(r) == 0)
        http_submit(r, r->ctx->store_pool, work_revoke);
}

/* ---- POST /introspect ---- */

static void str_member(jgi_jw *w, const char *k, const char *v)
{
    jgi_jw_key(w, k, strlen(k));
    jgi_jw_str(w, v, strlen(v));
}

static int introspect_access(srv_req *r, jgi_jw *w)
{
    srv_ctx *ctx = r->ctx;
    kr_snap *snap = keyring_acquire(ctx->keyring);
    srv_tokinfo ti;
    jg_reason why;
    const char *rwhy;
    int live = snap && routes_verify_access(snap, r->token, r->token_len,
                                            &ti, &why) == JG_OK;
    keyring_release(snap);
    if (live)
        live = revcache_check(ctx->revcache, NULL, ti.jti, ti.sid, ti.sub,
                              ti.iat, srv_now(), &rwhy) == RC_OK;
    if (!live)
        return 0;
    snprintf(r->sub, sizeof r->sub, "%s", ti.sub);
    snprintf(r->jti, sizeof r->jti, "%s", ti.jti);
    jgi_jw_key(w, "active", 6);
    jgi_jw_bool(w, 1);
    str_member(w, "sub", ti.sub);
    str_member(w, "scope", ti.scope);
    str_member(w, "client_id", ti.client_id);
    jgi_jw_key(w, "exp", 3);
    jgi_jw_int(w, ti.exp);
    jgi_jw_key(w, "iat", 3);
    jgi_jw_int(w, ti.iat);
    str_member(w, "iss", ctx->cfg->issuer);
    str_member(w, "aud", ctx->cfg->audience);
    str_member(w, "jti", ti.jti);
    str_member(w, "token_type", "access_token");
    return 1;
}

/* 1 live, 0 not, -1 the store failed */
static int introspect_refresh(srv_req *r, jgi_jw *w)
{
    srv_store *st = r->ctx->store;
    srv_refresh rt;
    srv_user u;
    uint8_t h[32];
    jg_err e;
    tokens_hash(r->token, r->token_len, h);
    e = st->ops->refresh_get(st, h, &rt);
    if (e == JG_OK)
        e = st->ops->user_get_by_id(st, rt.user_id, &u);
    if (e == JG_E_NOT_FOUND)
        return 0;
    if (e != JG_OK)
        return -1;
    if (rt.used_at || rt.family_revoked || rt.expires <= srv_now() ||
        u.locked)
        return 0;
    snprintf(r->sub, sizeof r->sub, "%s", u.name);
    jgi_jw_key(w, "active", 6);
    jgi_jw_bool(w, 1);
    str_member(w, "token_type", "refresh_token");
    str_member(w, "sub", u.name);
    jgi_jw_key(w, "exp", 3);
    jgi_jw_int(w, rt.expires);
    str_member(w, "client_id", rt.client_id);
    jg_wipe(&u, sizeof u);
    return 1;
}

static void work_introspect(srv_req *r)
{
    jgi_jw w;
    int live = 0;
    jgi_jw_init(&w, &r->out);
    jgi_jw_obj_begin(&w);
    if (routes_is_jws(r->token, r->token_len))
        live = introspect_access(r, &w);
    else if (tokens_refresh_shape(r->token, r->token_len))
        live = introspect_refresh(r, &w);
    if (live < 0) {
        jg_buf_free(&r->out);
        http_error(r, 503, "temporarily_unavailable");
        http_header(r, "Retry-After", "1");
        return;
    }
    if (!live) {
        jgi_jw_key(&w, "active", 6);
        jgi_jw_bool(&w, 0);
    }
    jgi_jw_obj_end(&w);
    if (jgi_jw_finish(&w) != JG_OK) {
        http_error(r, 500, "server_error");
        return;
    }
    r->status = 200;
    r->out_ctype = "application/json";
    r->no_store = 1;
}

void h_introspect(srv_req *r)
{
    if (oauth_start(r) == 0)
        http_submit(r, r->ctx->store_pool, work_introspect);
}
