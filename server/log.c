/* server/log.c - structured logs as JSON lines.
 *
 * Each line is one JSON object written with a single write under a mutex,
 * so lines from different threads never interleave. Fields: ts (UTC,
 * milliseconds), level, and either the request record (req_id, route,
 * status, latency_ms, sub, jti, reason) or a message. Callers pass names
 * and identifiers only: tokens, passwords and keys never reach this file.
 */
#include "log.h"
#include "../lib/internal.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static int log_fd = 2;

int log_open(const char *path)
{
    int fd;
    if (!path)
        return 0;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    log_fd = fd;
    return 0;
}

void log_close(void)
{
    if (log_fd > 2)
        close(log_fd);
    log_fd = 2;
}

static void begin(jgi_jw *w, jg_buf *b, const char *level)
{
    char ts[96];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
    jgi_jw_init(w, b);
    jgi_jw_obj_begin(w);
    jgi_jw_key(w, "ts", 2);
    jgi_jw_str(w, ts, strlen(ts));
    jgi_jw_key(w, "level", 5);
    jgi_jw_str(w, level, strlen(level));
}

/* Strings that are not valid UTF-8 (a hostile user name...) are logged
 * as "?" rather than breaking the line. */
static void field(jgi_jw *w, const char *k, const char *v)
{
    if (!v)
        return;
    jgi_jw_key(w, k, strlen(k));
    if (jgi_utf8_valid((const uint8_t *)v, strlen(v)))
        jgi_jw_str(w, v, strlen(v));
    else
        jgi_jw_str(w, "?", 1);
}

static void finish(jgi_jw *w, jg_buf *b)
{
    jgi_jw_obj_end(w);
    if (jgi_jw_finish(w) != JG_OK || jg_buf_append(b, "\n", 1) != JG_OK) {
        jg_buf_free(b);
        return;
    }
    pthread_mutex_lock(&log_mu);
    if (write(log_fd, b->data, b->len) < 0) {
        /* nowhere left to report it */
    }
    pthread_mutex_unlock(&log_mu);
    jg_buf_free(b);
}

void log_request(const srv_logrec *r)
{
    jg_buf b = {0};
    jgi_jw w;
    begin(&w, &b, r->status >= 500 ? "error" : "info");
    field(&w, "req_id", r->req_id);
    field(&w, "method", r->method);
    field(&w, "route", r->route);
    jgi_jw_key(&w, "status", 6);
    jgi_jw_int(&w, r->status);
    jgi_jw_key(&w, "latency_ms", 10);
    jgi_jw_double(&w, (double)(int64_t)(r->latency_ms * 1000.0) / 1000.0);
    field(&w, "peer", r->peer);
    field(&w, "sub", r->sub);
    field(&w, "jti", r->jti);
    field(&w, "reason", r->reason);
    finish(&w, &b);
}

void log_event(const char *level, const char *fmt, ...)
{
    char msg[1024];
    jg_buf b = {0};
    jgi_jw w;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    begin(&w, &b, level);
    field(&w, "msg", msg);
    finish(&w, &b);
}
