/* server/util.h - small helpers shared by the server's files. */
#ifndef SRV_UTIL_H
#define SRV_UTIL_H

#include <stddef.h>
#include <stdint.h>

int64_t srv_now(void);      /* unix seconds */
int64_t srv_now_ms(void);   /* unix milliseconds */
double srv_mono(void);      /* monotonic seconds, for latencies */
/* n random bytes, base64url, NUL-terminated: out holds 4*n/3 + 4. */
int srv_random_b64(char *out, size_t cap, size_t n);
/* User names: 1..SRV_NAME_MAX of [A-Za-z0-9._@+-]. */
int srv_name_valid(const char *s, size_t len);
/* Write a file atomically-ish with mode 0600 (O_EXCL when excl). */
int srv_write_file(const char *path, const void *p, size_t n, int excl);
/* Read a whole file (at most max bytes); caller frees (and wipes). */
char *srv_read_file(const char *path, size_t max, size_t *len);
/* path = dir + "/" + name into buf. */
int srv_path(char *buf, size_t cap, const char *dir, const char *name);

#endif /* SRV_UTIL_H */
