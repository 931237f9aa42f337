/* server/routes.h - the HTTP interface: dispatch and the handlers. */
#ifndef SRV_ROUTES_H
#define SRV_ROUTES_H

#include "http.h"
#include "keyring.h"

/* Route a request to its handler (event loop thread). */
void routes_dispatch(srv_req *r);

/* ---- shared by routes.c, session.c, oauth.c ---- */

/* Claims of a verified access token that the server uses. */
typedef struct srv_tokinfo {
    char sub[SRV_NAME_MAX + 1];
    char jti[SRV_ID_MAX + 1];
    char sid[SRV_ID_MAX + 1];
    char client_id[SRV_ID_MAX + 1];
    char scope[SRV_SCOPE_MAX + 1];
    int64_t exp, iat;
} srv_tokinfo;

/* Signature and claims (not revocation) of one of our access tokens.
 * JG_OK, or the library's reason in *why. */
jg_err routes_verify_access(const kr_snap *snap, const char *tok,
                            size_t len, srv_tokinfo *ti, jg_reason *why);
/* Does it look like a compact JWS (three dot-separated parts)? */
int routes_is_jws(const char *tok, size_t len);

/* Copy the body (POST): 0, or -1 after answering 413. */
int req_body(srv_req *r);
/* Pick string fields out of a JSON object or form body by name. vals[i]
 * is NULL when absent. 0, or -1 for a malformed body (or a field of the
 * wrong type, or a repeated one). Caller frees vals (wiping secrets). */
int req_fields(srv_req *r, const char *const *names, char **vals,
               size_t *lens, size_t n);
/* The access token from "Authorization: Bearer" or the access cookie,
 * into r->token (r->via_cookie says which). 0 found, -1 none. */
int req_access_token(srv_req *r);
/* A cookie's value (copied), or NULL. */
char *req_cookie(srv_req *r, const char *name, size_t *len);
/* CSRF: the Origin header equals the configured origin. */
int req_origin_ok(srv_req *r);

/* 401 for a bad or missing access token (RFC 6750 §3.1). */
void reply_invalid_token(srv_req *r, const char *reason);
/* 200 with a new token pair and the two cookies. */
void reply_tokens(srv_req *r, const char *access, size_t access_len,
                  const char *refresh, int64_t refresh_max_age);
/* Set-Cookie lines that clear both cookies. */
void reply_clear_cookies(srv_req *r);

/* session.c: POST /login, /token/refresh, /logout */
void h_login(srv_req *r);
void h_refresh(srv_req *r);
void h_logout(srv_req *r);
/* Make one denylist entry durable, then apply it to the in-memory copy
 * (before the caller answers). */
jg_err session_deny(srv_ctx *ctx, int kind, const char *a, const char *b,
                    int64_t until);
/* Revoke a refresh family in the store and deny its access tokens ("sid")
 * until `until`. */
jg_err session_revoke_family(srv_ctx *ctx, const char *family,
                             int64_t until);

/* oauth.c: POST /revoke (RFC 7009), /introspect (RFC 7662) */
void h_revoke(srv_req *r);
void h_introspect(srv_req *r);

/* Append one audit event {"event":..., "sub":..., "peer":..., ...}. */
void audit_event(srv_ctx *ctx, const char *event, const char *sub,
                 const char *peer, const char *detail);

#endif /* SRV_ROUTES_H */
