/* server/util.c - clocks, random identifiers, names and small files.
 *
 * Nothing clever: the few helpers that several server files need, kept
 * here so each of them reads as its own story.
 */
#include "util.h"
#include "store.h"
#include "../lib/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t srv_now(void)
{
    return (int64_t)time(NULL);
}

int64_t srv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double srv_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int srv_random_b64(char *out, size_t cap, size_t n)
{
    uint8_t buf[64];
    size_t k;
    /* unpadded base64url: ceil(4n/3) characters, then the NUL */
    if (n > sizeof buf || cap < (4 * n + 2) / 3 + 1)
        return -1;
    if (jgi_random(buf, n) != JG_OK)
        return -1;
    k = jgi_b64url_encode(out, buf, n);
    out[k] = '\0';
    jg_wipe(buf, sizeof buf);
    return 0;
}

int srv_name_valid(const char *s, size_t len)
{
    if (len == 0 || len > SRV_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
              c == '+' || c == '-'))
            return 0;
    }
    return 1;
}

int srv_write_file(const char *path, const void *p, size_t n, int excl)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
                            (excl ? O_EXCL : O_TRUNC), 0600);
    const uint8_t *b = p;
    if (fd < 0)
        return -1;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        close(fd);
        return -1;
    }
    return close(fd);
}

char *srv_read_file(const char *path, size_t max, size_t *len)
{
    char *buf;
    size_t n = 0;
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    buf = malloc(max + 1);
    if (buf)
        n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (!buf || n > max) {
        if (buf)
            jg_wipe(buf, max + 1);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

int srv_path(char *buf, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(buf, cap, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}
