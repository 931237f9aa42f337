/* server/store.h - the one interface between jwtguardd and its storage.
 *
 * Everything durable goes through these calls: users, refresh-token
 * families, the denylist, signing keys, rate-limit counters and audit
 * events. store_sqlite.c implements it on an embedded SQLite file (WAL,
 * synchronous=FULL); a Redis backend will implement the same vtable, so
 * nothing above this header may know which store answers. Every call is
 * thread-safe. A call that returns JG_OK for a write has made it durable
 * (committed) before returning.
 *
 * Callbacks (user_list, families_of_user, deny_since, key_list) run while
 * the store is busy iterating: they must not call the store themselves.
 *
 * Errors: JG_OK; JG_E_NOT_FOUND (no such row); JG_E_INVALID_ARG (e.g. a
 * duplicate user name); JG_E_IO (the store failed: callers fail closed).
 */
#ifndef SRV_STORE_H
#define SRV_STORE_H

#include <jwtguard/jwtguard.h>
#include <stdint.h>

#define SRV_NAME_MAX 64   /* user names: 1..64 bytes, [A-Za-z0-9._@+-] */
#define SRV_PHC_MAX 255   /* argon2id PHC string */
#define SRV_ID_MAX 64     /* family ids, client ids, kids (thumbprints: 43) */
#define SRV_SCOPE_MAX 255

typedef struct srv_user {
    int64_t id;
    char name[SRV_NAME_MAX + 1];
    char phc[SRV_PHC_MAX + 1];  /* crypto_pwhash_str output */
    int locked;
    int64_t created;
    int64_t revoked_before;     /* access tokens with iat < this are dead */
} srv_user;

/* One refresh token. Only its SHA-256 is stored. */
typedef struct srv_refresh {
    uint8_t hash[32];
    char family[SRV_ID_MAX + 1];
    int64_t user_id;
    int64_t generation;         /* 0 for the login's first token */
    uint8_t parent[32];         /* hash of the predecessor (generation>0) */
    int64_t issued;
    int64_t used_at;            /* 0 = not used yet */
    int64_t expires;            /* absolute family lifetime */
    int family_revoked;         /* the family was revoked */
    char client_id[SRV_ID_MAX + 1];
    char scope[SRV_SCOPE_MAX + 1];
} srv_refresh;

/* Denylist entry kinds. */
enum {
    SRV_DENY_JTI = 'j',    /* a = iss, b = jti */
    SRV_DENY_FAMILY = 'f', /* a = "", b = family id (claim "sid") */
    SRV_DENY_USER = 'u'    /* a = "", b = user name; until = cut-off iat */
};
typedef struct srv_deny {
    int64_t seq;               /* store-assigned, strictly increasing */
    int kind;                  /* SRV_DENY_* */
    char a[256];
    char b[256];
    int64_t until;             /* JTI/FAMILY: expiry of the entry;
                                  USER: tokens with iat < until are dead */
} srv_deny;

enum { SRV_KEY_NEXT = 1, SRV_KEY_CURRENT, SRV_KEY_PREVIOUS, SRV_KEY_RETIRED };
typedef struct srv_key_row {
    char kid[SRV_ID_MAX + 1];
    char alg[16];
    int state;                 /* SRV_KEY_* */
    int64_t created;           /* published (as next) at */
    int64_t activated;         /* became current at (0 = not yet) */
    int64_t deactivated;       /* became previous at (0 = not yet) */
    char *jwk;                 /* private JWK text (owned; only when
                                  asked for), else NULL */
} srv_key_row;

typedef struct srv_store srv_store;
typedef struct srv_store_ops {
    void (*close)(srv_store *s);

    /* users */
    jg_err (*user_add)(srv_store *s, const char *name, const char *phc,
                       int64_t now);
    jg_err (*user_get)(srv_store *s, const char *name, srv_user *out);
    jg_err (*user_get_by_id)(srv_store *s, int64_t id, srv_user *out);
    jg_err (*user_set_phc)(srv_store *s, const char *name, const char *phc);
    jg_err (*user_set_locked)(srv_store *s, const char *name, int locked);
    jg_err (*user_delete)(srv_store *s, const char *name);
    /* Calls cb for every user in name order; stops if cb returns non-0. */
    jg_err (*user_list)(srv_store *s,
                        int (*cb)(void *ctx, const srv_user *u), void *ctx);

    /* refresh tokens */
    jg_err (*refresh_insert)(srv_store *s, const srv_refresh *r);
    jg_err (*refresh_get)(srv_store *s, const uint8_t hash[32],
                          srv_refresh *out);
    /* Atomic compare-and-swap: set used_at = now if it is still 0.
     * *won = 1 if this call did it, 0 if it was already used. */
    jg_err (*refresh_mark_used)(srv_store *s, const uint8_t hash[32],
                                int64_t now, int *won);
    /* The token of `family` whose parent is `parent` (the successor). */
    jg_err (*refresh_child)(srv_store *s, const uint8_t parent[32],
                            srv_refresh *out);
    jg_err (*family_revoke)(srv_store *s, const char *family);
    /* Calls cb with every live (unrevoked, unexpired) family of a user. */
    jg_err (*families_of_user)(srv_store *s, int64_t user_id, int64_t now,
                               int (*cb)(void *ctx, const char *family,
                                         int64_t expires),
                               void *ctx);

    /* denylist: add (durable, seq assigned into *seq if non-NULL), read
     * every entry with seq > after (for the in-process copy), purge.
     * A SRV_DENY_USER entry also raises the user's revoked_before to
     * `until` in the same transaction. deny_purge drops JTI/FAMILY entries
     * whose until has passed (USER entries stay: they are few and are the
     * record of the cut-off), and also stale rate-limit counters (windows
     * older than a day) and expired locks. */
    jg_err (*deny_add)(srv_store *s, const srv_deny *d, int64_t *seq);
    jg_err (*deny_since)(srv_store *s, int64_t after,
                         int (*cb)(void *ctx, const srv_deny *d), void *ctx);
    jg_err (*deny_purge)(srv_store *s, int64_t now);

    /* signing keys */
    jg_err (*key_put)(srv_store *s, const srv_key_row *k); /* with jwk */
    /* `at` goes to activated (CURRENT) or deactivated (PREVIOUS); moving
     * a key to RETIRED also erases its private JWK. */
    jg_err (*key_set_state)(srv_store *s, const char *kid, int state,
                            int64_t at);
    /* Every key not retired (with_jwk: fill ->jwk, caller frees). */
    jg_err (*key_list)(srv_store *s, int with_jwk,
                       int (*cb)(void *ctx, const srv_key_row *k), void *ctx);

    /* rate limits: add 1 to the counter `key` in the window that started
     * at `window_start`, return the new count (atomic). */
    jg_err (*ratelimit_hit)(srv_store *s, const char *key,
                            int64_t window_start, int64_t *count);
    jg_err (*ratelimit_reset)(srv_store *s, const char *key);
    /* Take back one hit of the window that started at `window_start`
     * (never below 0; a no-op if the window has moved on): a login that
     * succeeded was counted before its password was checked. */
    jg_err (*ratelimit_undo)(srv_store *s, const char *key,
                             int64_t window_start);
    /* Temporary locks (login back-off): lock `key` until `until` (a later
     * lock wins); lock_get sets *until = 0 when there is none. */
    jg_err (*lock_set)(srv_store *s, const char *key, int64_t until);
    jg_err (*lock_get)(srv_store *s, const char *key, int64_t *until);

    /* audit: one JSON object text per event */
    jg_err (*audit)(srv_store *s, int64_t now, const char *event_json);
} srv_store_ops;

struct srv_store {
    const srv_store_ops *ops;
};

/* Open (creating and migrating) the SQLite store at `path`; the file is
 * created mode 0600. */
jg_err srv_store_sqlite_open(srv_store **out, const char *path);

#endif /* SRV_STORE_H */
