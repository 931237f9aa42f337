/* tests/testutil.h - small helpers shared by the C tests. */
#ifndef JGT_TESTUTIL_H
#define JGT_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>

/* Read a whole file (NUL-terminated; *len excludes the NUL). NULL on
 * error. Caller frees. */
char *jgt_read_file(const char *path, size_t *len);
/* Path under the shared vectors directory ($JG_VECTORS, else
 * ../shared/vectors relative to the source tree). Static buffer. */
const char *jgt_vector_path(const char *rel);
/* Hex to bytes; returns length or (size_t)-1. Caller frees *out. */
size_t jgt_hex_decode(const char *hex, uint8_t **out);
#endif
