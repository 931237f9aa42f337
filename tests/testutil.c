/* tests/testutil.c - see testutil.h */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *jgt_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char *jgt_vector_path(const char *rel)
{
    static char path[4096];
    const char *base = getenv("JG_VECTORS");
    if (!base || !*base)
        base = "../shared/vectors";
    snprintf(path, sizeof path, "%s/%s", base, rel);
    return path;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t jgt_hex_decode(const char *hex, uint8_t **out)
{
    size_t n = strlen(hex);
    if (n % 2)
        return (size_t)-1;
    uint8_t *b = malloc(n / 2 + 1);
    if (!b)
        return (size_t)-1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return (size_t)-1;
        }
        b[i] = (uint8_t)(hi * 16 + lo);
    }
    *out = b;
    return n / 2;
}
