/* server/metrics.c - what /metrics reports, in Prometheus text format.
 *
 * Every counter is a relaxed C11 atomic: increments from any thread, no
 * lock, and a render that may be a moment out of step with itself, which
 * Prometheus tolerates. Labels come from fixed tables (routes, a few
 * status codes, error names), so a client cannot grow the label space.
 */
#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static const char *const route_names[RT__COUNT] = {
    "/login", "/token/refresh", "/logout", "/revoke", "/introspect",
    "/.well-known/jwks.json", "/auth/verify", "/healthz", "/metrics",
    "other"};

/* Status codes we answer with; anything else counts as "other". */
static const int statuses[] = {200, 204, 400, 401, 403, 404, 405, 413,
                               415, 429, 500, 503};
#define N_STATUS (sizeof statuses / sizeof statuses[0])

/* Latency buckets, seconds. */
static const double buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define N_BUCKETS (sizeof buckets / sizeof buckets[0])

static _Atomic unsigned long long requests[RT__COUNT][N_STATUS + 1];
static _Atomic unsigned long long hist[RT__COUNT][N_BUCKETS + 1];
static _Atomic unsigned long long hist_sum_us[RT__COUNT];
static _Atomic unsigned long long verify[VR__COUNT];
static _Atomic unsigned long long issued, reuse, revocations;

const char *metrics_route_name(int route)
{
    return route >= 0 && route < RT__COUNT ? route_names[route] : "other";
}

static void inc(_Atomic unsigned long long *c)
{
    atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static unsigned long long get(_Atomic unsigned long long *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void metrics_request(int route, int status, double seconds)
{
    size_t s = N_STATUS, b;
    if (route < 0 || route >= RT__COUNT)
        route = RT_OTHER;
    for (size_t i = 0; i < N_STATUS; i++)
        if (statuses[i] == status)
            s = i;
    inc(&requests[route][s]);
    for (b = 0; b < N_BUCKETS && seconds > buckets[b]; b++)
        ;
    inc(&hist[route][b]);
    atomic_fetch_add_explicit(&hist_sum_us[route],
                              (unsigned long long)(seconds * 1e6),
                              memory_order_relaxed);
}

void metrics_verify(int result)
{
    if (result >= 0 && result < VR__COUNT)
        inc(&verify[result]);
}

void metrics_issued(void) { inc(&issued); }
void metrics_refresh_reuse(void) { inc(&reuse); }
void metrics_revocation(void) { inc(&revocations); }

static const char *verify_name(int r)
{
    switch (r) {
    case VR_OK: return "ok";
    case VR_MISSING: return "missing_token";
    case VR_REVOKED: return "revoked";
    case VR_STALE: return "denylist_stale";
    default: return jg_err_name((jg_err)r);
    }
}

#define P(...)                                                             \
    do {                                                                   \
        char line_[256];                                                   \
        int n_ = snprintf(line_, sizeof line_, __VA_ARGS__);               \
        if (n_ < 0 || (size_t)n_ >= sizeof line_ ||                        \
            jg_buf_append(out, line_, (size_t)n_) != JG_OK)                \
            return JG_E_NOMEM;                                             \
    } while (0)

jg_err metrics_render(jg_buf *out)
{
    P("# HELP jwtguardd_requests_total HTTP requests by route and "
      "status.\n# TYPE jwtguardd_requests_total counter\n");
    for (int r = 0; r < RT__COUNT; r++)
        for (size_t s = 0; s <= N_STATUS; s++) {
            unsigned long long v = get(&requests[r][s]);
            if (!v)
                continue;
            if (s < N_STATUS)
                P("jwtguardd_requests_total{route=\"%s\",status=\"%d\"} "
                  "%llu\n", route_names[r], statuses[s], v);
            else
                P("jwtguardd_requests_total{route=\"%s\",status=\"other\"}"
                  " %llu\n", route_names[r], v);
        }
    P("# HELP jwtguardd_verify_total Token verifications by result.\n"
      "# TYPE jwtguardd_verify_total counter\n");
    P("jwtguardd_verify_total{result=\"ok\"} %llu\n", get(&verify[VR_OK]));
    for (int i = 1; i < VR__COUNT; i++) {
        unsigned long long v = get(&verify[i]);
        if (v && i != VR_OK)
            P("jwtguardd_verify_total{result=\"%s\"} %llu\n",
              verify_name(i), v);
    }
    P("# HELP jwtguardd_tokens_issued_total Access tokens issued.\n"
      "# TYPE jwtguardd_tokens_issued_total counter\n"
      "jwtguardd_tokens_issued_total %llu\n", get(&issued));
    P("# HELP jwtguardd_refresh_reuse_total Refresh token reuse "
      "detections.\n# TYPE jwtguardd_refresh_reuse_total counter\n"
      "jwtguardd_refresh_reuse_total %llu\n", get(&reuse));
    P("# HELP jwtguardd_revocations_total Revocations made durable.\n"
      "# TYPE jwtguardd_revocations_total counter\n"
      "jwtguardd_revocations_total %llu\n", get(&revocations));
    P("# HELP jwtguardd_request_duration_seconds Request latency.\n"
      "# TYPE jwtguardd_request_duration_seconds histogram\n");
    for (int r = 0; r < RT__COUNT; r++) {
        unsigned long long cum = 0;
        for (size_t b = 0; b < N_BUCKETS; b++) {
            cum += get(&hist[r][b]);
            P("jwtguardd_request_duration_seconds_bucket{route=\"%s\","
              "le=\"%g\"} %llu\n", route_names[r], buckets[b], cum);
        }
        cum += get(&hist[r][N_BUCKETS]);
        P("jwtguardd_request_duration_seconds_bucket{route=\"%s\","
          "le=\"+Inf\"} %llu\n", route_names[r], cum);
        P("jwtguardd_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
          route_names[r], (double)get(&hist_sum_us[r]) / 1e6);
        P("jwtguardd_request_duration_seconds_count{route=\"%s\"} %llu\n",
          route_names[r], cum);
    }
    return JG_OK;
}
