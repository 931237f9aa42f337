/* server/http.c - event loops, connections, and the life of a request.
 *
 * N worker threads each run their own libevent base and evhttp, on their
 * own socket bound to the same address with SO_REUSEPORT, so the kernel
 * spreads connections and no lock is shared on the way in. TLS is a
 * bufferevent_openssl under evhttp. A request is copied into a srv_req on
 * its loop; a handler answers at once (verify, JWKS, health, metrics) or
 * hands the request to a pool and gets it back on the same loop through
 * event_base_once. Limits: header block and body sizes, a read timeout
 * while a request arrives, a longer one while a connection idles.
 * Shutdown stops accepting, waits for in-flight requests (bounded), then
 * ends the loops.
 */
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "routes.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HTTP_LISTEN_BACKLOG 1024
#define HTTP_DRAIN_POLL_MS 20       /* how often a draining loop looks */
#define HTTP_GUARD_TICK_S 1         /* how often a connection is looked at */

struct srv_worker {
    int idx;
    srv_ctx *ctx;
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket *bound;
    struct event *drain_ev;
    pthread_t thread;
    int started;
    srv_authcache cache;
    int inflight;               /* requests being handled (loop only) */
    double drain_deadline;
    struct conn_guard **guards; /* by fd: this loop's connections */
    size_t n_guards;
};

static srv_worker *workers;
static int n_workers;
static atomic_ullong req_counter;
static unsigned req_prefix;

/* ---- responses ---- */

const char *http_in_header(srv_req *r, const char *name)
{
    return evhttp_find_header(evhttp_request_get_input_headers(r->req),
                              name);
}

void http_header(srv_req *r, const char *name, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    if (r->n_hdr == HTTP_MAX_OUT_HEADERS)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    r->hdr_val[r->n_hdr] = strdup(buf);
    if (!r->hdr_val[r->n_hdr])
        return;
    r->hdr_name[r->n_hdr++] = name;
}

void http_error(srv_req *r, int status, const char *code)
{
    jgi_jw w;
    jg_buf_free(&r->out);
    r->status = status;
    jgi_jw_init(&w, &r->out);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "error", 5);
    jgi_jw_str(&w, code, strlen(code));
    jgi_jw_obj_end(&w);
    (void)jgi_jw_finish(&w);
    r->out_ctype = "application/json";
}

static void req_free(srv_req *r)
{
    for (int i = 0; i < r->n_hdr; i++) {
        jg_wipe(r->hdr_val[i], strlen(r->hdr_val[i])); /* cookies */
        free(r->hdr_val[i]);
    }
    if (r->password) {
        jg_wipe(r->password, r->password_len);
        free(r->password);
    }
    if (r->token) {
        jg_wipe(r->token, r->token_len);
        free(r->token);
    }
    if (r->body) {
        jg_wipe(r->body, r->body_len);
        free(r->body);
    }
    free(r->username);
    free(r->hint);
    jg_buf_free(&r->out);
    free(r);
}

void http_reply(srv_req *r)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(r->req);
    struct evbuffer *buf = evbuffer_new();
    srv_logrec lr;
    double dt;

    if (r->status == 0)
        http_error(r, 500, "server_error");
    if (r->ctx->ssl_ctx)
        evhttp_add_header(h, "Strict-Transport-Security",
                          "max-age=31536000");
    evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
    if (r->no_store) {
        evhttp_add_header(h, "Cache-Control", "no-store");
        evhttp_add_header(h, "Pragma", "no-cache");
    }
    if (r->out_ctype && r->status != 204)
        evhttp_add_header(h, "Content-Type", r->out_ctype);
    for (int i = 0; i < r->n_hdr; i++)
        evhttp_add_header(h, r->hdr_name[i], r->hdr_val[i]);
    if (buf && r->out.len && !r->head && r->status != 204)
        (void)evbuffer_add(buf, r->out.data, r->out.len);
    evhttp_send_reply(r->req, r->status, NULL, buf);
    if (buf)
        evbuffer_free(buf);

    dt = srv_mono() - r->t0;
    metrics_request(r->route, r->status, dt);
    memset(&lr, 0, sizeof lr);
    lr.req_id = r->id;
    lr.method = r->method;
    lr.route = metrics_route_name(r->route);
    lr.status = r->status;
    lr.latency_ms = dt * 1000.0;
    lr.peer = r->peer;
    lr.sub = r->sub[0] ? r->sub : NULL;
    lr.jti = r->jti[0] ? r->jti : NULL;
    lr.reason = r->reason[0] ? r->reason : NULL;
    log_request(&lr);

    r->w->inflight--;
    req_free(r);
}

/* ---- the pool round trip ---- */

static void job_work(srv_job *j)
{
    srv_req *r = (srv_req *)j;
    r->work(r);
}

static void job_done(srv_job *j)
{
    http_reply((srv_req *)j);
}

void http_submit(srv_req *r, srv_pool *p, void (*work)(srv_req *r))
{
    r->work = work;
    r->job.work = job_work;
    r->job.done = job_done;
    r->job.base = r->w->base;
    if (pool_submit(p, &r->job) != 0) {
        /* full: say so now instead of queueing without bound */
        http_error(r, 503, "temporarily_unavailable");
        http_header(r, "Retry-After", "1");
        snprintf(r->reason, sizeof r->reason, "worker queue full");
        http_reply(r);
    }
}

srv_authcache *http_authcache(srv_req *r)
{
    return &r->w->cache;
}

/* ---- connections: the request deadline ----
 *
 * evhttp's own timeout is one of inactivity: a client that sends a byte
 * every few seconds would hold a connection for ever (slowloris). So each
 * connection gets a guard that knows its phase: RECEIVING (from the
 * accept, or from the first byte after a reply) must end in a dispatched
 * request within HTTP_REQUEST_TIMEOUT, else the connection is closed;
 * HANDLING is ours; IDLE is bounded by evhttp's idle timeout. The guard
 * finds its connection after evhttp has set it up (the evcon is the
 * bufferevent's callback argument), and is found again by socket. */
enum { G_RECEIVING, G_HANDLING, G_IDLE };

typedef struct conn_guard {
    srv_worker *w;
    struct bufferevent *bev;
    struct evhttp_connection *evcon;
    struct evbuffer_cb_entry *cbent;
    struct event *tick;
    evutil_socket_t fd;
    int phase;
    double since;
} conn_guard;

static conn_guard *guard_of(srv_worker *w, struct evhttp_connection *evcon)
{
    struct bufferevent *bev;
    evutil_socket_t fd;
    if (!evcon)
        return NULL;
    bev = evhttp_connection_get_bufferevent(evcon);
    fd = bev ? bufferevent_getfd(bev) : -1;
    if (fd < 0 || (size_t)fd >= w->n_guards || !w->guards[fd] ||
        w->guards[fd]->evcon != evcon)
        return NULL;
    return w->guards[fd];
}

static void guard_free(conn_guard *g)
{
    srv_worker *w = g->w;
    if (g->tick)
        event_free(g->tick);
    if (g->cbent)
        evbuffer_remove_cb_entry(bufferevent_get_input(g->bev), g->cbent);
    if (g->fd >= 0 && (size_t)g->fd < w->n_guards && w->guards[g->fd] == g)
        w->guards[g->fd] = NULL;
    free(g);
}

static void guard_closed(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    guard_free(arg);
}

static void guard_input(struct evbuffer *buf,
                        const struct evbuffer_cb_info *info, void *arg)
{
    conn_guard *g = arg;
    (void)buf;
    if (info->n_added && g->phase == G_IDLE) {
        g->phase = G_RECEIVING;
        g->since = srv_mono();
    }
}

static void guard_tick(evutil_socket_t fd, short what, void *arg)
{
    conn_guard *g = arg;
    (void)fd;
    (void)what;
    if (g->phase == G_RECEIVING &&
        srv_mono() - g->since > HTTP_REQUEST_TIMEOUT) {
        /* frees g too (guard_closed) */
        evhttp_connection_free(g->evcon);
    }
}

static void guard_attach(evutil_socket_t fd, short what, void *arg)
{
    conn_guard *g = arg;
    srv_worker *w = g->w;
    bufferevent_data_cb rcb = NULL;
    void *cbarg = NULL;
    struct timeval tv = {HTTP_GUARD_TICK_S, 0};
    (void)fd;
    (void)what;
    bufferevent_getcb(g->bev, &rcb, NULL, NULL, &cbarg);
    g->fd = bufferevent_getfd(g->bev);
    if (!rcb || !cbarg || g->fd < 0) {
        /* evhttp let go of it already: only our reference is left */
        struct bufferevent *bev = g->bev;
        g->fd = -1;
        guard_free(g);
        bufferevent_decref(bev);
        return;
    }
    g->evcon = cbarg;
    if ((size_t)g->fd >= w->n_guards) {
        size_t n = w->n_guards ? w->n_guards : 64;
        conn_guard **ng;
        while (n <= (size_t)g->fd)
            n *= 2;
        ng = realloc(w->guards, n * sizeof *ng);
        if (ng) {
            memset(ng + w->n_guards, 0, (n - w->n_guards) * sizeof *ng);
            w->guards = ng;
            w->n_guards = n;
        }
    }
    if ((size_t)g->fd < w->n_guards)
        w->guards[g->fd] = g;
    g->tick = event_new(w->base, -1, EV_PERSIST, guard_tick, g);
    if (g->tick)
        event_add(g->tick, &tv);
    evhttp_connection_set_closecb(g->evcon, guard_closed, g);
    bufferevent_decref(g->bev);
}

/* Called by evhttp for each accepted connection, before it knows it. */
static struct bufferevent *make_bev(struct event_base *base, void *arg)
{
    srv_worker *w = arg;
    struct bufferevent *bev;
    struct timeval now = {0, 0};
    conn_guard *g;
    if (!w->ctx->ssl_ctx) {
        bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
    } else {
        SSL *ssl = SSL_new(w->ctx->ssl_ctx);
        if (!ssl)
            return NULL;
        bev = bufferevent_openssl_socket_new(base, -1, ssl,
                                             BUFFEREVENT_SSL_ACCEPTING,
                                             BEV_OPT_CLOSE_ON_FREE);
        if (bev)
            bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
    }
    g = bev ? calloc(1, sizeof *g) : NULL;
    if (!g)
        return bev;
    g->w = w;
    g->bev = bev;
    g->fd = -1;
    g->phase = G_RECEIVING;
    g->since = srv_mono();
    g->cbent = evbuffer_add_cb(bufferevent_get_input(bev), guard_input, g);
    /* keep the bufferevent alive until the guard has looked at it */
    bufferevent_incref(bev);
    if (event_base_once(base, -1, EV_TIMEOUT, guard_attach, g, &now) != 0) {
        g->fd = -1;
        guard_free(g);
        bufferevent_decref(bev);
    }
    return bev;
}

/* The reply went out: the connection may now idle for longer. */
static void on_complete(struct evhttp_request *req, void *arg)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    srv_worker *w = arg;
    conn_guard *g = guard_of(w, evcon);
    if (evcon)
        evhttp_connection_set_timeout(evcon, HTTP_IDLE_TIMEOUT);
    if (g) {
        struct evbuffer *in = bufferevent_get_input(g->bev);
        g->phase = evbuffer_get_length(in) ? G_RECEIVING : G_IDLE;
        g->since = srv_mono();
    }
}

static void on_request(struct evhttp_request *req, void *arg)
{
    srv_worker *w = arg;
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    srv_req *r = calloc(1, sizeof *r);
    char *addr = NULL;
    ev_uint16_t port = 0;

    if (!r) {
        evhttp_send_error(req, 503, NULL);
        return;
    }
    r->req = req;
    r->w = w;
    r->ctx = w->ctx;
    r->t0 = srv_mono();
    r->route = RT_OTHER;
    snprintf(r->id, sizeof r->id, "%08x%08llx", req_prefix,
             (unsigned long long)atomic_fetch_add(&req_counter, 1));
    if (evcon) {
        conn_guard *g = guard_of(w, evcon);
        if (g)
            g->phase = G_HANDLING;
        /* reading is over; the reply must go out within the same bound */
        evhttp_connection_set_timeout(evcon, HTTP_REQUEST_TIMEOUT);
        evhttp_connection_get_peer(evcon, &addr, &port);
        if (addr)
            snprintf(r->peer, sizeof r->peer, "%s", addr);
    }
    evhttp_request_set_on_complete_cb(req, on_complete, w);
    w->inflight++;
    routes_dispatch(r);
}

/* ---- sockets and loops ---- */

static int listen_socket(const char *host, unsigned port, unsigned *actual,
                         char *err, size_t el)
{
    struct addrinfo hints, *ai = NULL;
    char ps[8];
    int fd = -1, one = 1, rc;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    snprintf(ps, sizeof ps, "%u", port);
    rc = getaddrinfo(host, ps, &hints, &ai);
    if (rc != 0) {
        snprintf(err, el, "listen %s: %s (a numeric address is needed)",
                 host, gai_strerror(rc));
        return -1;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, HTTP_LISTEN_BACKLOG) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
        snprintf(err, el, "listen %s:%u: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    if (ss.ss_family == AF_INET)
        *actual = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else
        *actual = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return fd;
}

static void *loop_main(void *arg)
{
    srv_worker *w = arg;
    event_base_dispatch(w->base);
    return NULL;
}

static int worker_init(srv_worker *w, srv_ctx *ctx, int idx, int fd,
                       char *err, size_t el)
{
    w->idx = idx;
    w->ctx = ctx;
    w->base = event_base_new();
    w->http = w->base ? evhttp_new(w->base) : NULL;
    if (!w->http || authcache_init(&w->cache) != 0) {
        snprintf(err, el, "out of memory");
        close(fd);
        return -1;
    }
    evhttp_set_max_headers_size(w->http, HTTP_MAX_HEADERS_SIZE);
    evhttp_set_max_body_size(w->http, HTTP_MAX_BODY);
    evhttp_set_timeout(w->http, HTTP_REQUEST_TIMEOUT);
    /* read an over-long body to its end, so the client sees our 413 */
    evhttp_set_flags(w->http, EVHTTP_SERVER_LINGERING_CLOSE);
    /* accept every method, so that a wrong one is our 405, not a 501 */
    evhttp_set_allowed_methods(
        w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                     EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                     EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
                     EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
    evhttp_set_default_content_type(w->http, "application/json");
    evhttp_set_bevcb(w->http, make_bev, w);
    evhttp_set_gencb(w->http, on_request, w);
    w->bound = evhttp_accept_socket_with_handle(w->http, fd);
    if (!w->bound) {
        snprintf(err, el, "cannot accept on the listen socket");
        close(fd);
        return -1;
    }
    return 0;
}

int http_bind(srv_ctx *ctx, char *err, size_t el)
{
    srv_config *c = ctx->cfg;
    unsigned port = c->port, actual = 0;
    uint8_t rnd[4];

    if (evthread_use_pthreads() != 0) {
        snprintf(err, el, "libevent: no thread support");
        return -1;
    }
    if (jgi_random(rnd, sizeof rnd) == JG_OK)
        req_prefix = (unsigned)rnd[0] << 24 | (unsigned)rnd[1] << 16 |
                     (unsigned)rnd[2] << 8 | rnd[3];
    workers = calloc((size_t)c->workers, sizeof *workers);
    if (!workers) {
        snprintf(err, el, "out of memory");
        return -1;
    }
    n_workers = c->workers;
    for (int i = 0; i < n_workers; i++) {
        /* the first socket fixes the port (also for --listen ...:0) */
        int fd = listen_socket(c->listen_host, port, &actual, err, el);
        if (fd < 0 || worker_init(&workers[i], ctx, i, fd, err, el) != 0)
            return -1;
        port = actual;
    }
    c->port = port;
    return 0;
}

int http_run(char *err, size_t el)
{
    for (int i = 0; i < n_workers; i++) {
        if (pthread_create(&workers[i].thread, NULL, loop_main,
                           &workers[i]) != 0) {
            snprintf(err, el, "cannot start a worker thread");
            return -1;
        }
        workers[i].started = 1;
    }
    return 0;
}

/* Connections the drain still waits for: one still sending its request
 * (it was accepted, so it is answered too), and one HANDLING, which stays
 * so until on_complete, i.e. until evhttp has written its reply out.
 * inflight alone is not enough: it drops in http_reply, where
 * evhttp_send_reply has only queued the reply in the bufferevent; the
 * write to the socket happens on a later turn of the loop. If drain_check
 * ran in between, the loop ended with the reply still queued and the
 * process exited: the client saw the connection close without a response.
 * A connection that dies instead frees its guard (guard_closed), so it
 * holds nothing up; the drain deadline bounds the rest. */
static int unfinished(const srv_worker *w)
{
    for (size_t i = 0; i < w->n_guards; i++)
        if (w->guards[i] && (w->guards[i]->phase == G_RECEIVING ||
                             w->guards[i]->phase == G_HANDLING))
            return 1;
    return 0;
}

static void drain_check(evutil_socket_t fd, short what, void *arg)
{
    srv_worker *w = arg;
    (void)fd;
    (void)what;
    if ((w->inflight <= 0 && !unfinished(w)) ||
        srv_mono() > w->drain_deadline)
        event_base_loopexit(w->base, NULL);
}

static void begin_drain(evutil_socket_t fd, short what, void *arg)
{
    srv_worker *w = arg;
    struct timeval tv = {0, HTTP_DRAIN_POLL_MS * 1000};
    (void)fd;
    (void)what;
    if (w->bound) {
        evhttp_del_accept_socket(w->http, w->bound);
        w->bound = NULL;
    }
    w->drain_deadline = srv_mono() + HTTP_DRAIN_TIMEOUT;
    w->drain_ev = event_new(w->base, -1, EV_PERSIST, drain_check, w);
    if (!w->drain_ev || event_add(w->drain_ev, &tv) != 0)
        event_base_loopexit(w->base, NULL);
}

void http_stop(void)
{
    struct timeval now = {0, 0};
    for (int i = 0; i < n_workers; i++)
        if (workers[i].started &&
            event_base_once(workers[i].base, -1, EV_TIMEOUT, begin_drain,
                            &workers[i], &now) != 0)
            event_base_loopbreak(workers[i].base);
    for (int i = 0; i < n_workers; i++)
        if (workers[i].started) {
            pthread_join(workers[i].thread, NULL);
            workers[i].started = 0;
        }
}

void http_free(void)
{
    for (int i = 0; i < n_workers; i++) {
        srv_worker *w = &workers[i];
        if (w->drain_ev)
            event_free(w->drain_ev);
        if (w->http)
            evhttp_free(w->http);
        free(w->guards);
        if (w->base)
            event_base_free(w->base);
        authcache_free(&w->cache);
    }
    free(workers);
    workers = NULL;
    n_workers = 0;
}
