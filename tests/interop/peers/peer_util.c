/* tests/interop/peers/peer_util.c - file reading, messages and token
 * splitting for the C interop peers (see peer_util.h). Kept apart so that
 * each peer program is only the calls into its own library. */
#include "peer_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEER_MAX_FILE (1024u * 1024u)

int peer_read_file(char **out, size_t *out_len, const char *path)
{
    int rc = -1;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = fopen(path, "rb");

    *out = NULL;
    *out_len = 0;
    if (f == NULL) {
        fprintf(stderr, "peer: %s: %s\n", path, strerror(errno));
        goto out;
    }
    buf = malloc(PEER_MAX_FILE + 1);
    if (buf == NULL) {
        fprintf(stderr, "peer: out of memory\n");
        goto out;
    }
    len = fread(buf, 1, PEER_MAX_FILE + 1, f);
    if (ferror(f) || len > PEER_MAX_FILE) {
        fprintf(stderr, "peer: %s: unreadable or too large\n", path);
        goto out;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    if (f != NULL)
        fclose(f);
    return rc;
}

int peer_say(int code, const char *what, const char *detail)
{
    fprintf(stderr, "%s%s: %s\n", code == PEER_UNSUPPORTED ? "unsupported: "
            : "peer: ", what, detail != NULL ? detail : "(no detail)");
    return code;
}

int peer_split(size_t *payload_at, size_t *sig_at, const char *token,
               size_t len)
{
    const char *d1 = memchr(token, '.', len);
    const char *d2;

    if (d1 == NULL)
        return -1;
    d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - token));
    if (d2 == NULL || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)))
        return -1;
    *payload_at = (size_t)(d1 + 1 - token);
    *sig_at = (size_t)(d2 + 1 - token);
    return 0;
}
