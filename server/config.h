/* server/config.h - jwtguardd's settings: defaults, the config file, flags.
 *
 * One struct holds every setting. The config file is `key = value` lines
 * with `#` comments; every key is also a flag (`--key value`), and flags
 * win over the file. cfg_check lists what is wrong or unsafe; unsafe
 * settings are refused unless allow_unsafe is set.
 */
#ifndef SRV_CONFIG_H
#define SRV_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <jwtguard/jwtguard.h>
#include "store.h"

#define SRV_MAX_CLIENTS 16      /* --client entries */
#define SRV_CLIENT_SECRET_MIN 16 /* bytes; RFC 7009/7662 client secrets */
#define SRV_MAX_POSITIONAL 8    /* words after the command */

typedef struct srv_client {
    char id[SRV_ID_MAX + 1];
    char *secret_file;
    uint8_t secret_hash[32];    /* SHA-256 of the secret (compared in
                                   constant time) */
    int loaded;
} srv_client;

typedef struct srv_config {
    /* command line shape: "serve", "user", "keys", "revoke", "init" */
    const char *command;
    const char *pos[SRV_MAX_POSITIONAL];
    int n_pos;

    char *config_file;
    char *data_dir;
    char *listen;               /* as given: "127.0.0.1:8443" */
    char listen_host[64];
    unsigned port;
    char *issuer, *audience, *origin, *scope;
    int64_t access_ttl, refresh_ttl, grace, leeway;
    jg_alg alg;
    int alg_set;                /* --alg given (not the default) */
    int64_t rotate_every, jwks_max_age;
    int workers, hash_threads, max_hash_queue;
    char *tls_cert, *tls_key;
    int dev_insecure_http;
    srv_client clients[SRV_MAX_CLIENTS];
    size_t n_clients;
    int login_max_failures, login_addr_max_failures;
    int64_t login_window, login_lock;
    unsigned long long pwhash_ops;
    size_t pwhash_mem;
    char *log_file;
    int allow_unsafe, check_config;
    /* admin: revoke --jti ID | --user NAME */
    char *revoke_jti, *revoke_user;
    int hmac_requested;         /* an HMAC option was given: refused */
} srv_config;

/* Fill defaults, read --config FILE (if any), then apply the flags.
 * Returns 0, or -1 with a message in err (a usage error: exit 2). */
int cfg_load(srv_config *c, int argc, char **argv, char *err, size_t errlen);
/* Defaults that depend on other settings (issuer from the listen address
 * and port, origin from the issuer). Call once the port is known. */
void cfg_finish(srv_config *c);
/* Report each problem through cb (unsafe = 1 when --allow-unsafe would
 * accept it). Returns the number of problems that stop the server: every
 * hard one, and the unsafe ones unless allow_unsafe. Reads the client
 * secret files. */
int cfg_check(srv_config *c,
              void (*cb)(void *ctx, const char *problem, int unsafe),
              void *ctx);
void cfg_free(srv_config *c);

/* "10m" -> 600. Seconds, or a number with s, m, h, d. -1 if invalid. */
int64_t cfg_parse_duration(const char *s);

#endif /* SRV_CONFIG_H */
