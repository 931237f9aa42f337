/* server/tls.c - HTTPS by default.
 *
 * With no certificate configured, the first run makes a self-signed one
 * into the data directory: EC P-256, CN and subjectAltName 127.0.0.1 and
 * localhost, one year, key 0600. The server context speaks TLS 1.2 and
 * 1.3 only, with forward-secret AEAD suites, no renegotiation and no
 * compression. Certificates for real deployments come from the config.
 */
#include "tls.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TLS_CERT_DAYS 365        /* self-signed certificate lifetime */
#define TLS_CERT_NAME "127.0.0.1"

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509_EXTENSION *ext;
    int ok;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (!ext)
        return 0;
    ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

static FILE *open_0600(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);
    FILE *f;
    if (fd < 0)
        return NULL;
    f = fdopen(fd, "w");
    if (!f)
        close(fd);
    return f;
}

int tls_ensure_selfsigned(const char *data_dir, char *err, size_t el)
{
    char crt[4096], key[4096];
    EVP_PKEY *pk = NULL;
    X509 *x = NULL;
    X509_NAME *name;
    BIGNUM *bn = NULL;
    FILE *f = NULL;
    int ok = 0;

    if (srv_path(crt, sizeof crt, data_dir, "tls.crt") != 0 ||
        srv_path(key, sizeof key, data_dir, "tls.key") != 0) {
        snprintf(err, el, "data dir path too long");
        return -1;
    }
    if (access(crt, F_OK) == 0 && access(key, F_OK) == 0)
        return 0;
    pk = EVP_EC_gen("P-256");
    x = X509_new();
    bn = BN_new();
    if (!pk || !x || !bn || !X509_set_version(x, 2) ||
        !BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
        !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), -300) ||
        !X509_gmtime_adj(X509_getm_notAfter(x),
                         (long)TLS_CERT_DAYS * 86400) ||
        !X509_set_pubkey(x, pk))
        goto out;
    name = X509_get_subject_name(x);
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    (const unsigned char *)TLS_CERT_NAME, -1,
                                    -1, 0) ||
        !X509_set_issuer_name(x, name) ||
        !add_ext(x, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") ||
        !add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
        !add_ext(x, NID_key_usage, "critical,digitalSignature") ||
        !add_ext(x, NID_ext_key_usage, "serverAuth") ||
        !add_ext(x, NID_subject_key_identifier, "hash") ||
        !add_ext(x, NID_authority_key_identifier, "keyid:always") ||
        !X509_sign(x, pk, EVP_sha256()))
        goto out;
    (void)unlink(key);
    (void)unlink(crt);
    f = open_0600(key);
    if (!f || !PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) ||
        fflush(f) != 0 || fsync(fileno(f)) != 0)
        goto out;
    fclose(f);
    f = open_0600(crt);
    if (!f || !PEM_write_X509(f, x) || fflush(f) != 0)
        goto out;
    ok = 1;
out:
    if (f)
        fclose(f);
    if (!ok)
        snprintf(err, el, "cannot create a self-signed certificate in %s",
                 data_dir);
    BN_free(bn);
    X509_free(x);
    EVP_PKEY_free(pk);
    return ok ? 0 : -1;
}

void *tls_ctx_new(const char *cert, const char *key, char *err, size_t el)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx ||
        !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
        !SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20") ||
        SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        unsigned long e = ERR_get_error();
        snprintf(err, el, "TLS: %s / %s: %s", cert, key,
                 e ? ERR_reason_error_string(e) : "cannot set up");
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE |
                                 SSL_OP_NO_COMPRESSION |
                                 SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    return ctx;
}

void tls_ctx_free(void *ctx)
{
    SSL_CTX_free(ctx);
}
