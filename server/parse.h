/* server/parse.h - the server's request parsers over plain bytes.
 *
 * No libevent here: routes.c and oauth.c hand these the body or header
 * text they read, and fuzz/fuzz_server.c calls them directly. Results are
 * malloc'd copies the caller frees (wiping secrets).
 */
#ifndef SRV_PARSE_H
#define SRV_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Decode one application/x-www-form-urlencoded component (owned, NUL
 * terminated, *out_len <= n), or NULL if malformed or holding a NUL. */
char *parse_form_decode(const char *s, size_t n, size_t *out_len);
/* Pick the fields names[0..n) out of a form body into vals/lens (vals[i]
 * must start NULL and stays NULL when absent). 0, or -1 if malformed or a
 * field repeats; on -1 the caller still frees what vals holds. */
int parse_form_fields(const char *body, size_t len, const char *const *names,
                      char **vals, size_t *lens, size_t n);
/* The same over a JSON object (at most max_json bytes); a named member
 * must be a string without NUL. */
int parse_json_fields(const char *body, size_t len, size_t max_json,
                      const char *const *names, char **vals, size_t *lens,
                      size_t n);
/* The first cookie `name` of a Cookie header (NUL-terminated), copied
 * without trailing spaces, or NULL if absent, empty or longer than max. */
char *parse_cookie(const char *header, const char *name, size_t max,
                   size_t *len);
/* Strict standard base64 with padding (RFC 4648 §4), for HTTP Basic.
 * out holds at least n / 4 * 3 bytes. 0, or -1 if malformed. */
int parse_b64std(const char *in, size_t n, uint8_t *out, size_t *out_len);

#endif /* SRV_PARSE_H */
