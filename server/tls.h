/* server/tls.h - the server's TLS context and its first-run certificate. */
#ifndef SRV_TLS_H
#define SRV_TLS_H

#include <stddef.h>

/* Generate DATA_DIR/tls.crt + tls.key (EC P-256, self-signed, SAN
 * 127.0.0.1 and localhost, both files 0600) unless they exist. */
int tls_ensure_selfsigned(const char *data_dir, char *err, size_t el);
/* A TLS 1.2+ server context for cert + key (SSL_CTX *). */
void *tls_ctx_new(const char *cert, const char *key, char *err, size_t el);
void tls_ctx_free(void *ctx);

#endif /* SRV_TLS_H */
