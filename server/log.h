/* server/log.h - JSON-lines logs: one object per line, never a secret. */
#ifndef SRV_LOG_H
#define SRV_LOG_H

#include <stdint.h>

/* One finished request. Strings may be NULL (left out). */
typedef struct srv_logrec {
    const char *req_id;
    const char *method;
    const char *route;
    int status;
    double latency_ms;
    const char *peer;
    const char *sub;
    const char *jti;
    const char *reason;   /* why a token or login was refused */
} srv_logrec;

/* Log to `path` (appended, created 0600), or stderr when NULL. */
int log_open(const char *path);
void log_close(void);
void log_request(const srv_logrec *r);
/* A server event: level "info", "warn" or "error"; msg printf-style.
 * Never pass tokens, passwords or keys. */
void log_event(const char *level, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif /* SRV_LOG_H */
