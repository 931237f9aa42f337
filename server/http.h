/* server/http.h - the HTTP(S) front: event loops, requests, replies. */
#ifndef SRV_HTTP_H
#define SRV_HTTP_H

#include "authcache.h"
#include "pool.h"
#include "server.h"

#include <pthread.h>

#define HTTP_MAX_HEADERS_SIZE 8192  /* request line + header block */
#define HTTP_MAX_BODY 16384         /* request body (413 beyond) */
#define HTTP_REQUEST_TIMEOUT 10     /* s of silence while reading a request */
#define HTTP_IDLE_TIMEOUT 30        /* s a kept-alive connection may idle */
#define HTTP_DRAIN_TIMEOUT 5.0      /* s to finish in-flight work on exit */
#define HTTP_MAX_OUT_HEADERS 8      /* extra response headers per reply */

typedef struct srv_worker srv_worker;

enum { CT_NONE = 0, CT_JSON, CT_FORM, CT_OTHER };

/* One request, from the event loop to a pool thread and back. */
typedef struct srv_req {
    srv_job job;                 /* pool plumbing (first member) */
    void (*work)(struct srv_req *r);
    struct evhttp_request *req;
    srv_worker *w;
    srv_ctx *ctx;
    int route;                   /* RT_* */
    int head;                    /* a HEAD request: no body in reply */
    double t0;
    char id[20];
    const char *method;
    char peer[64];

    /* input, copied on the loop so that pool threads never touch req */
    int ctype;                   /* CT_* */
    char *body;
    size_t body_len;
    char *username;
    char *password;              /* wiped when freed */
    size_t password_len;
    char *token;                 /* wiped when freed */
    size_t token_len;
    int via_cookie;
    char *hint;

    /* output */
    int status;
    jg_buf out;
    const char *out_ctype;
    int no_store;                /* Cache-Control: no-store */
    int n_hdr;
    const char *hdr_name[HTTP_MAX_OUT_HEADERS];
    char *hdr_val[HTTP_MAX_OUT_HEADERS];

    /* for the log line */
    char sub[SRV_NAME_MAX + 1];
    char jti[SRV_ID_MAX + 1];
    char reason[200];
} srv_req;

/* Make `workers` event loops, each with its own socket on the listen
 * address (SO_REUSEPORT), so a port in use is reported at once; the actual
 * port (for --listen ...:0) is written back to ctx->cfg->port. */
int http_bind(srv_ctx *ctx, char *err, size_t el);
/* Start the loop threads (ctx must be complete by now). */
int http_run(char *err, size_t el);
/* Stop accepting, finish in-flight requests (up to HTTP_DRAIN_TIMEOUT),
 * join the loops. */
void http_stop(void);
/* Free what http_start made (after the pools are gone). */
void http_free(void);

/* ---- for the route handlers ---- */
const char *http_in_header(srv_req *r, const char *name);
/* Add a response header (value copied). */
void http_header(srv_req *r, const char *name, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* status + {"error":"<code>"} */
void http_error(srv_req *r, int status, const char *code);
/* Send the response staged in r and free r (event loop only). */
void http_reply(srv_req *r);
/* Run work(r) on a pool thread, then http_reply(r) on r's loop, after
 * r->job.delay. On a full queue answers 503 + Retry-After itself. */
void http_submit(srv_req *r, srv_pool *p, void (*work)(srv_req *r));
/* The verified-token cache of the loop this request runs on. */
srv_authcache *http_authcache(srv_req *r);

#endif /* SRV_HTTP_H */
