/* server/store_sqlite.c - the embedded store: one SQLite file in WAL mode.
 *
 * Implements store.h on a single connection guarded by a mutex, so every
 * call is atomic with respect to the others in this process; other
 * processes (the admin commands) are serialised by SQLite's own file lock
 * (busy timeout below). synchronous=FULL: a write that returned JG_OK was
 * committed and fsynced. The schema is versioned by PRAGMA user_version and
 * a `migrations` table; migrations run in order, each in one transaction.
 * It does not cache: every read goes to the file (the server keeps its own
 * in-process copies where a read must not touch the disk).
 */
#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a call waits for another process's write lock, in ms. */
#define SQ_BUSY_TIMEOUT_MS 5000
/* Rate-limit rows whose window started more than this long ago are purged
 * (the login window itself is capped at one day by the config check). */
#define SQ_RATELIMIT_KEEP 86400

typedef struct sq_store {
    srv_store base;
    sqlite3 *db;
    pthread_mutex_t mu;
} sq_store;

/* Schema migrations, applied in order; index + 1 = user_version. Never edit
 * a released entry: add a new one. */
static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE migrations(version INTEGER PRIMARY KEY,"
    "  applied INTEGER NOT NULL);"
    "CREATE TABLE users(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT NOT NULL UNIQUE, phc TEXT NOT NULL,"
    "  locked INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL,"
    "  revoked_before INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE families(family TEXT PRIMARY KEY,"
    "  user_id INTEGER NOT NULL, expires INTEGER NOT NULL,"
    "  revoked INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX families_user ON families(user_id);"
    "CREATE TABLE refresh(hash BLOB PRIMARY KEY, family TEXT NOT NULL,"
    "  user_id INTEGER NOT NULL, generation INTEGER NOT NULL,"
    "  parent BLOB, issued INTEGER NOT NULL,"
    "  used_at INTEGER NOT NULL DEFAULT 0, expires INTEGER NOT NULL,"
    "  client_id TEXT NOT NULL, scope TEXT NOT NULL);"
    "CREATE INDEX refresh_parent ON refresh(parent);"
    "CREATE INDEX refresh_family ON refresh(family);"
    "CREATE TABLE deny(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind INTEGER NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL,"
    "  until INTEGER NOT NULL);"
    "CREATE TABLE keys(kid TEXT PRIMARY KEY, alg TEXT NOT NULL,"
    "  state INTEGER NOT NULL, created INTEGER NOT NULL,"
    "  activated INTEGER NOT NULL DEFAULT 0,"
    "  deactivated INTEGER NOT NULL DEFAULT 0, jwk TEXT);"
    "CREATE TABLE ratelimit(key TEXT PRIMARY KEY,"
    "  window_start INTEGER NOT NULL, count INTEGER NOT NULL);"
    "CREATE TABLE locks(key TEXT PRIMARY KEY, until INTEGER NOT NULL);"
    "CREATE TABLE audit(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ts INTEGER NOT NULL, event TEXT NOT NULL);",
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

/* ---- small helpers (call with the mutex held) ---- */

static jg_err rc_err(int rc)
{
    if (rc == SQLITE_CONSTRAINT)
        return JG_E_INVALID_ARG;
    return JG_E_IO;
}

static jg_err prep(sq_store *q, const char *sql, sqlite3_stmt **st)
{
    int rc = sqlite3_prepare_v2(q->db, sql, -1, st, NULL);
    return rc == SQLITE_OK ? JG_OK : JG_E_IO;
}

static jg_err exec(sq_store *q, const char *sql)
{
    return sqlite3_exec(q->db, sql, NULL, NULL, NULL) == SQLITE_OK ? JG_OK
                                                                   : JG_E_IO;
}

/* Run a prepared write to completion and finalize it. */
static jg_err step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int fin = sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return rc_err(fin != SQLITE_OK ? fin : rc);
    return JG_OK;
}

static void text_to(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

static void blob_to(uint8_t *dst, size_t cap, sqlite3_stmt *st, int col)
{
    const void *p = sqlite3_column_blob(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);
    memset(dst, 0, cap);
    if (p && n == cap)
        memcpy(dst, p, cap);
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    (void)sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

#define LOCK(q) pthread_mutex_lock(&(q)->mu)
#define UNLOCK(q) pthread_mutex_unlock(&(q)->mu)
#define Q(s) ((sq_store *)(s))

/* ---- users ---- */

static jg_err user_add(srv_store *s, const char *name, const char *phc,
                       int64_t now)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, "INSERT INTO users(name, phc, created) VALUES(?,?,?)", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, name);
        bind_text(st, 2, phc);
        sqlite3_bind_int64(st, 3, now);
        rc = step_done(st);
    }
    UNLOCK(q);
    return rc;
}

#define USER_COLS "id, name, phc, locked, created, revoked_before"

static void user_row(sqlite3_stmt *st, srv_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    text_to(u->name, sizeof u->name, st, 1);
    text_to(u->phc, sizeof u->phc, st, 2);
    u->locked = sqlite3_column_int(st, 3);
    u->created = sqlite3_column_int64(st, 4);
    u->revoked_before = sqlite3_column_int64(st, 5);
}

static jg_err user_get_where(sq_store *q, const char *sql, const char *name,
                             int64_t id, srv_user *out)
{
    sqlite3_stmt *st;
    jg_err rc;
    int r;
    LOCK(q);
    rc = prep(q, sql, &st);
    if (rc == JG_OK) {
        if (name)
            bind_text(st, 1, name);
        else
            sqlite3_bind_int64(st, 1, id);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            user_row(st, out);
        else
            rc = r == SQLITE_DONE ? JG_E_NOT_FOUND : JG_E_IO;
        sqlite3_finalize(st);
    }
    UNLOCK(q);
    return rc;
}

static jg_err user_get(srv_store *s, const char *name, srv_user *out)
{
    return user_get_where(Q(s), "SELECT " USER_COLS " FROM users "
                                "WHERE name = ?", name, 0, out);
}

static jg_err user_get_by_id(srv_store *s, int64_t id, srv_user *out)
{
    return user_get_where(Q(s), "SELECT " USER_COLS " FROM users "
                                "WHERE id = ?", NULL, id, out);
}

/* UPDATE users ... WHERE name = ?2; JG_E_NOT_FOUND if no such user. */
static jg_err user_update(sq_store *q, const char *sql, const char *text,
                          int64_t num, const char *name)
{
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, sql, &st);
    if (rc == JG_OK) {
        if (text)
            bind_text(st, 1, text);
        else
            sqlite3_bind_int64(st, 1, num);
        bind_text(st, 2, name);
        rc = step_done(st);
        if (rc == JG_OK && sqlite3_changes(q->db) == 0)
            rc = JG_E_NOT_FOUND;
    }
    UNLOCK(q);
    return rc;
}

static jg_err user_set_phc(srv_store *s, const char *name, const char *phc)
{
    return user_update(Q(s), "UPDATE users SET phc = ?1 WHERE name = ?2",
                       phc, 0, name);
}

static jg_err user_set_locked(srv_store *s, const char *name, int locked)
{
    return user_update(Q(s), "UPDATE users SET locked = ?1 WHERE name = ?2",
                       NULL, locked ? 1 : 0, name);
}

/* One statement with one text parameter that must change a row:
 * JG_E_NOT_FOUND when it changed none. */
static jg_err exec_text_changes(sq_store *q, const char *sql, const char *v)
{
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, sql, &st);
    if (rc == JG_OK) {
        bind_text(st, 1, v);
        rc = step_done(st);
        if (rc == JG_OK && sqlite3_changes(q->db) == 0)
            rc = JG_E_NOT_FOUND;
    }
    UNLOCK(q);
    return rc;
}

static jg_err user_delete(srv_store *s, const char *name)
{
    return exec_text_changes(Q(s), "DELETE FROM users WHERE name = ?", name);
}

static jg_err user_list(srv_store *s, int (*cb)(void *, const srv_user *),
                        void *ctx)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    srv_user u;
    jg_err rc;
    int r;
    LOCK(q);
    rc = prep(q, "SELECT " USER_COLS " FROM users ORDER BY name", &st);
    while (rc == JG_OK && (r = sqlite3_step(st)) != SQLITE_DONE) {
        if (r != SQLITE_ROW) {
            rc = JG_E_IO;
            break;
        }
        user_row(st, &u);
        if (cb(ctx, &u) != 0)
            break;
    }
    if (st)
        sqlite3_finalize(st);
    UNLOCK(q);
    jg_wipe(&u, sizeof u);
    return rc;
}

/* ---- refresh tokens ---- */

static jg_err refresh_insert(srv_store *s, const srv_refresh *r)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st = NULL;
    jg_err rc;
    LOCK(q);
    rc = exec(q, "BEGIN IMMEDIATE");
    if (rc != JG_OK)
        goto out;
    rc = prep(q, "INSERT OR IGNORE INTO families(family, user_id, expires)"
                 " VALUES(?,?,?)", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, r->family);
        sqlite3_bind_int64(st, 2, r->user_id);
        sqlite3_bind_int64(st, 3, r->expires);
        rc = step_done(st);
    }
    if (rc == JG_OK)
        rc = prep(q, "INSERT INTO refresh(hash, family, user_id, generation,"
                     " parent, issued, used_at, expires, client_id, scope)"
                     " VALUES(?,?,?,?,?,?,?,?,?,?)", &st);
    if (rc == JG_OK) {
        sqlite3_bind_blob(st, 1, r->hash, 32, SQLITE_STATIC);
        bind_text(st, 2, r->family);
        sqlite3_bind_int64(st, 3, r->user_id);
        sqlite3_bind_int64(st, 4, r->generation);
        if (r->generation > 0)
            sqlite3_bind_blob(st, 5, r->parent, 32, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 5);
        sqlite3_bind_int64(st, 6, r->issued);
        sqlite3_bind_int64(st, 7, r->used_at);
        sqlite3_bind_int64(st, 8, r->expires);
        bind_text(st, 9, r->client_id);
        bind_text(st, 10, r->scope);
        rc = step_done(st);
    }
    if (rc == JG_OK && exec(q, "COMMIT") != JG_OK)
        rc = JG_E_IO;
    if (rc != JG_OK)
        (void)exec(q, "ROLLBACK");
out:
    UNLOCK(q);
    return rc;
}

#define REFRESH_COLS                                                       \
    "r.hash, r.family, r.user_id, r.generation, r.parent, r.issued,"       \
    " r.used_at, r.expires, r.client_id, r.scope, COALESCE(f.revoked, 0)"

static jg_err refresh_get_where(sq_store *q, const char *where,
                                const uint8_t key[32], srv_refresh *out)
{
    char sql[512];
    sqlite3_stmt *st;
    jg_err rc;
    int r;
    (void)snprintf(sql, sizeof sql,
                   "SELECT " REFRESH_COLS " FROM refresh r LEFT JOIN "
                   "families f ON f.family = r.family WHERE %s", where);
    LOCK(q);
    rc = prep(q, sql, &st);
    if (rc == JG_OK) {
        sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            memset(out, 0, sizeof *out);
            blob_to(out->hash, 32, st, 0);
            text_to(out->family, sizeof out->family, st, 1);
            out->user_id = sqlite3_column_int64(st, 2);
            out->generation = sqlite3_column_int64(st, 3);
            blob_to(out->parent, 32, st, 4);
            out->issued = sqlite3_column_int64(st, 5);
            out->used_at = sqlite3_column_int64(st, 6);
            out->expires = sqlite3_column_int64(st, 7);
            text_to(out->client_id, sizeof out->client_id, st, 8);
            text_to(out->scope, sizeof out->scope, st, 9);
            out->family_revoked = sqlite3_column_int(st, 10);
        } else {
            rc = r == SQLITE_DONE ? JG_E_NOT_FOUND : JG_E_IO;
        }
        sqlite3_finalize(st);
    }
    UNLOCK(q);
    return rc;
}

static jg_err refresh_get(srv_store *s, const uint8_t hash[32],
                          srv_refresh *out)
{
    return refresh_get_where(Q(s), "r.hash = ?1", hash, out);
}

static jg_err refresh_child(srv_store *s, const uint8_t parent[32],
                            srv_refresh *out)
{
    return refresh_get_where(Q(s), "r.parent = ?1", parent, out);
}

static jg_err refresh_mark_used(srv_store *s, const uint8_t hash[32],
                                int64_t now, int *won)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    *won = 0;
    LOCK(q);
    /* The compare-and-swap: only the caller that finds used_at = 0 wins. */
    rc = prep(q, "UPDATE refresh SET used_at = ?1 WHERE hash = ?2 AND "
                 "used_at = 0", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
        rc = step_done(st);
        if (rc == JG_OK)
            *won = sqlite3_changes(q->db) == 1;
    }
    UNLOCK(q);
    return rc;
}

static jg_err family_revoke(srv_store *s, const char *family)
{
    return exec_text_changes(
        Q(s), "UPDATE families SET revoked = 1 WHERE family = ?", family);
}

static jg_err families_of_user(srv_store *s, int64_t user_id, int64_t now,
                               int (*cb)(void *, const char *, int64_t),
                               void *ctx)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    char fam[SRV_ID_MAX + 1];
    jg_err rc;
    int r;
    LOCK(q);
    rc = prep(q, "SELECT family, expires FROM families WHERE user_id = ? "
                 "AND revoked = 0 AND expires > ? ORDER BY family", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_int64(st, 2, now);
    }
    while (rc == JG_OK && (r = sqlite3_step(st)) != SQLITE_DONE) {
        if (r != SQLITE_ROW) {
            rc = JG_E_IO;
            break;
        }
        text_to(fam, sizeof fam, st, 0);
        if (cb(ctx, fam, sqlite3_column_int64(st, 1)) != 0)
            break;
    }
    if (st)
        sqlite3_finalize(st);
    UNLOCK(q);
    return rc;
}

/* ---- denylist ---- */

static jg_err deny_add(srv_store *s, const srv_deny *d, int64_t *seq)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st = NULL;
    jg_err rc;
    LOCK(q);
    rc = exec(q, "BEGIN IMMEDIATE");
    if (rc != JG_OK)
        goto out;
    rc = prep(q, "INSERT INTO deny(kind, a, b, until) VALUES(?,?,?,?)", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int(st, 1, d->kind);
        bind_text(st, 2, d->a);
        bind_text(st, 3, d->b);
        sqlite3_bind_int64(st, 4, d->until);
        rc = step_done(st);
    }
    if (rc == JG_OK && seq)
        *seq = sqlite3_last_insert_rowid(q->db);
    if (rc == JG_OK && d->kind == SRV_DENY_USER) {
        rc = prep(q, "UPDATE users SET revoked_before = MAX(revoked_before,"
                     " ?1) WHERE name = ?2", &st);
        if (rc == JG_OK) {
            sqlite3_bind_int64(st, 1, d->until);
            bind_text(st, 2, d->b);
            rc = step_done(st);
        }
    }
    if (rc == JG_OK && exec(q, "COMMIT") != JG_OK)
        rc = JG_E_IO;
    if (rc != JG_OK)
        (void)exec(q, "ROLLBACK");
out:
    UNLOCK(q);
    return rc;
}

static jg_err deny_since(srv_store *s, int64_t after,
                         int (*cb)(void *, const srv_deny *), void *ctx)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    srv_deny d;
    jg_err rc;
    int r;
    LOCK(q);
    rc = prep(q, "SELECT seq, kind, a, b, until FROM deny WHERE seq > ? "
                 "ORDER BY seq", &st);
    if (rc == JG_OK)
        sqlite3_bind_int64(st, 1, after);
    while (rc == JG_OK && (r = sqlite3_step(st)) != SQLITE_DONE) {
        if (r != SQLITE_ROW) {
            rc = JG_E_IO;
            break;
        }
        d.seq = sqlite3_column_int64(st, 0);
        d.kind = sqlite3_column_int(st, 1);
        text_to(d.a, sizeof d.a, st, 2);
        text_to(d.b, sizeof d.b, st, 3);
        d.until = sqlite3_column_int64(st, 4);
        if (cb(ctx, &d) != 0)
            break;
    }
    if (st)
        sqlite3_finalize(st);
    UNLOCK(q);
    return rc;
}

static jg_err deny_purge(srv_store *s, int64_t now)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = exec(q, "BEGIN IMMEDIATE");
    if (rc != JG_OK)
        goto out;
    rc = prep(q, "DELETE FROM deny WHERE kind != ?1 AND until < ?2", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int(st, 1, SRV_DENY_USER);
        sqlite3_bind_int64(st, 2, now);
        rc = step_done(st);
    }
    if (rc == JG_OK)
        rc = prep(q, "DELETE FROM ratelimit WHERE window_start < ?", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int64(st, 1, now - SQ_RATELIMIT_KEEP);
        rc = step_done(st);
    }
    if (rc == JG_OK)
        rc = prep(q, "DELETE FROM locks WHERE until < ?", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int64(st, 1, now);
        rc = step_done(st);
    }
    if (rc == JG_OK && exec(q, "COMMIT") != JG_OK)
        rc = JG_E_IO;
    if (rc != JG_OK)
        (void)exec(q, "ROLLBACK");
out:
    UNLOCK(q);
    return rc;
}

/* ---- signing keys ---- */

static jg_err key_put(srv_store *s, const srv_key_row *k)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, "INSERT INTO keys(kid, alg, state, created, activated,"
                 " deactivated, jwk) VALUES(?,?,?,?,?,?,?)", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, k->kid);
        bind_text(st, 2, k->alg);
        sqlite3_bind_int(st, 3, k->state);
        sqlite3_bind_int64(st, 4, k->created);
        sqlite3_bind_int64(st, 5, k->activated);
        sqlite3_bind_int64(st, 6, k->deactivated);
        bind_text(st, 7, k->jwk);
        rc = step_done(st);
    }
    UNLOCK(q);
    return rc;
}

static jg_err key_set_state(srv_store *s, const char *kid, int state,
                            int64_t at)
{
    sq_store *q = Q(s);
    const char *sql;
    sqlite3_stmt *st;
    jg_err rc;
    switch (state) {
    case SRV_KEY_CURRENT:
        sql = "UPDATE keys SET state = ?1, activated = ?2 WHERE kid = ?3";
        break;
    case SRV_KEY_PREVIOUS:
        sql = "UPDATE keys SET state = ?1, deactivated = ?2 WHERE kid = ?3";
        break;
    case SRV_KEY_RETIRED:
        /* a retired key signs and verifies nothing: drop its secret */
        sql = "UPDATE keys SET state = ?1, jwk = NULL WHERE kid = ?3 "
              "AND ?2 = ?2";
        break;
    default:
        sql = "UPDATE keys SET state = ?1 WHERE kid = ?3 AND ?2 = ?2";
        break;
    }
    LOCK(q);
    rc = prep(q, sql, &st);
    if (rc == JG_OK) {
        sqlite3_bind_int(st, 1, state);
        sqlite3_bind_int64(st, 2, at);
        bind_text(st, 3, kid);
        rc = step_done(st);
        if (rc == JG_OK && sqlite3_changes(q->db) == 0)
            rc = JG_E_NOT_FOUND;
    }
    UNLOCK(q);
    return rc;
}

static jg_err key_list(srv_store *s, int with_jwk,
                       int (*cb)(void *, const srv_key_row *), void *ctx)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    srv_key_row k;
    jg_err rc;
    int r;
    LOCK(q);
    rc = prep(q, "SELECT kid, alg, state, created, activated, deactivated,"
                 " jwk FROM keys WHERE state != ? ORDER BY created, kid",
              &st);
    if (rc == JG_OK)
        sqlite3_bind_int(st, 1, SRV_KEY_RETIRED);
    while (rc == JG_OK && (r = sqlite3_step(st)) != SQLITE_DONE) {
        int stop;
        if (r != SQLITE_ROW) {
            rc = JG_E_IO;
            break;
        }
        memset(&k, 0, sizeof k);
        text_to(k.kid, sizeof k.kid, st, 0);
        text_to(k.alg, sizeof k.alg, st, 1);
        k.state = sqlite3_column_int(st, 2);
        k.created = sqlite3_column_int64(st, 3);
        k.activated = sqlite3_column_int64(st, 4);
        k.deactivated = sqlite3_column_int64(st, 5);
        if (with_jwk && sqlite3_column_type(st, 6) == SQLITE_TEXT) {
            size_t n = (size_t)sqlite3_column_bytes(st, 6);
            k.jwk = malloc(n + 1);
            if (!k.jwk) {
                rc = JG_E_NOMEM;
                break;
            }
            memcpy(k.jwk, sqlite3_column_text(st, 6), n);
            k.jwk[n] = '\0';
        }
        stop = cb(ctx, &k);
        if (k.jwk) {
            jg_wipe(k.jwk, strlen(k.jwk));
            free(k.jwk);
        }
        if (stop)
            break;
    }
    if (st)
        sqlite3_finalize(st);
    UNLOCK(q);
    return rc;
}

/* ---- rate limits and locks ---- */

static jg_err ratelimit_hit(srv_store *s, const char *key,
                            int64_t window_start, int64_t *count)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    int r;
    *count = 0;
    LOCK(q);
    /* One statement, so the increment and the read are one atomic step:
     * a new window restarts the count at 1. */
    rc = prep(q, "INSERT INTO ratelimit(key, window_start, count) "
                 "VALUES(?1, ?2, 1) ON CONFLICT(key) DO UPDATE SET "
                 "count = CASE WHEN window_start = ?2 THEN count + 1 "
                 "ELSE 1 END, window_start = ?2 RETURNING count", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, key);
        sqlite3_bind_int64(st, 2, window_start);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW) {
            *count = sqlite3_column_int64(st, 0);
            r = sqlite3_step(st);
        }
        if (sqlite3_finalize(st) != SQLITE_OK || r != SQLITE_DONE)
            rc = JG_E_IO;
    }
    UNLOCK(q);
    return rc;
}

static jg_err ratelimit_reset(srv_store *s, const char *key)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, "DELETE FROM ratelimit WHERE key = ?", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, key);
        rc = step_done(st);
    }
    UNLOCK(q);
    return rc;
}

static jg_err ratelimit_undo(srv_store *s, const char *key,
                             int64_t window_start)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, "UPDATE ratelimit SET count = count - 1 WHERE key = ? AND "
                 "window_start = ? AND count > 0", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, key);
        sqlite3_bind_int64(st, 2, window_start);
        rc = step_done(st);
    }
    UNLOCK(q);
    return rc;
}

static jg_err lock_set(srv_store *s, const char *key, int64_t until)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, "INSERT INTO locks(key, until) VALUES(?1, ?2) ON "
                 "CONFLICT(key) DO UPDATE SET until = MAX(until, ?2)", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, key);
        sqlite3_bind_int64(st, 2, until);
        rc = step_done(st);
    }
    UNLOCK(q);
    return rc;
}

static jg_err lock_get(srv_store *s, const char *key, int64_t *until)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    int r;
    *until = 0;
    LOCK(q);
    rc = prep(q, "SELECT until FROM locks WHERE key = ?", &st);
    if (rc == JG_OK) {
        bind_text(st, 1, key);
        r = sqlite3_step(st);
        if (r == SQLITE_ROW)
            *until = sqlite3_column_int64(st, 0);
        else if (r != SQLITE_DONE)
            rc = JG_E_IO;
        sqlite3_finalize(st);
    }
    UNLOCK(q);
    return rc;
}

/* ---- audit ---- */

static jg_err audit(srv_store *s, int64_t now, const char *event_json)
{
    sq_store *q = Q(s);
    sqlite3_stmt *st;
    jg_err rc;
    LOCK(q);
    rc = prep(q, "INSERT INTO audit(ts, event) VALUES(?, ?)", &st);
    if (rc == JG_OK) {
        sqlite3_bind_int64(st, 1, now);
        bind_text(st, 2, event_json);
        rc = step_done(st);
    }
    UNLOCK(q);
    return rc;
}

/* ---- open, migrate, close ---- */

static void sq_close(srv_store *s)
{
    sq_store *q = Q(s);
    if (!q)
        return;
    sqlite3_close_v2(q->db);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

static const srv_store_ops sq_ops = {
    sq_close,
    user_add, user_get, user_get_by_id, user_set_phc, user_set_locked,
    user_delete, user_list,
    refresh_insert, refresh_get, refresh_mark_used, refresh_child,
    family_revoke, families_of_user,
    deny_add, deny_since, deny_purge,
    key_put, key_set_state, key_list,
    ratelimit_hit, ratelimit_reset, ratelimit_undo, lock_set, lock_get,
    audit,
};

static jg_err migrate(sq_store *q)
{
    sqlite3_stmt *st;
    int version = 0;
    jg_err rc = prep(q, "PRAGMA user_version", &st);
    if (rc != JG_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 0 || (size_t)version > N_MIGRATIONS)
        return JG_E_UNSUPPORTED; /* a newer jwtguardd made this file */
    for (size_t v = (size_t)version; v < N_MIGRATIONS; v++) {
        char sql[160];
        if (exec(q, "BEGIN IMMEDIATE") != JG_OK)
            return JG_E_IO;
        (void)snprintf(sql, sizeof sql,
                       "INSERT INTO migrations(version, applied) VALUES"
                       "(%zu, strftime('%%s','now')); PRAGMA user_version"
                       " = %zu", v + 1, v + 1);
        if (exec(q, migrations[v]) != JG_OK || exec(q, sql) != JG_OK ||
            exec(q, "COMMIT") != JG_OK) {
            (void)exec(q, "ROLLBACK");
            return JG_E_IO;
        }
    }
    return JG_OK;
}

jg_err srv_store_sqlite_open(srv_store **out, const char *path)
{
    sq_store *q = NULL;
    int fd;
    jg_err rc = JG_E_IO;

    *out = NULL;
    /* Create the file ourselves so that it is 0600 from the first byte;
     * SQLite gives the -wal and -shm files the same mode. */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return JG_E_IO;
    (void)fchmod(fd, 0600);
    close(fd);

    q = calloc(1, sizeof *q);
    if (!q)
        return JG_E_NOMEM;
    q->base.ops = &sq_ops;
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        free(q);
        return JG_E_NOMEM;
    }
    if (sqlite3_open_v2(path, &q->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK)
        goto out;
    sqlite3_busy_timeout(q->db, SQ_BUSY_TIMEOUT_MS);
    if (exec(q, "PRAGMA journal_mode=WAL") != JG_OK ||
        exec(q, "PRAGMA synchronous=FULL") != JG_OK ||
        exec(q, "PRAGMA foreign_keys=ON") != JG_OK ||
        exec(q, "PRAGMA secure_delete=ON") != JG_OK)
        goto out;
    rc = migrate(q);
out:
    if (rc != JG_OK) {
        sq_close(&q->base);
        return rc;
    }
    *out = &q->base;
    return JG_OK;
}
