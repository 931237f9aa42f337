/* server/metrics.h - counters and histograms for GET /metrics. */
#ifndef SRV_METRICS_H
#define SRV_METRICS_H

#include <jwtguard/jwtguard.h>

enum srv_route {
    RT_LOGIN, RT_REFRESH, RT_LOGOUT, RT_REVOKE, RT_INTROSPECT, RT_JWKS,
    RT_VERIFY, RT_HEALTHZ, RT_METRICS, RT_OTHER, RT__COUNT
};
const char *metrics_route_name(int route);

/* Verification outcomes beyond the library's error codes. */
enum {
    VR_OK = JG_E__COUNT, VR_MISSING, VR_REVOKED, VR_STALE, VR__COUNT
};

void metrics_request(int route, int status, double seconds);
void metrics_verify(int result); /* a jg_err or VR_* */
void metrics_issued(void);
void metrics_refresh_reuse(void);
void metrics_revocation(void);
/* Prometheus text exposition (format 0.0.4) into `out`. */
jg_err metrics_render(jg_buf *out);

#endif /* SRV_METRICS_H */
