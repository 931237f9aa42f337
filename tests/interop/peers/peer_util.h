/* tests/interop/peers/peer_util.h - the small shared part of the C peers.
 *
 * Each peer program (peer_libjwt, peer_cjose, peer_libjose) wraps one
 * JOSE library behind the same command line, so that the interop driver
 * (tests/interop/test_matrix.py) can treat them alike:
 *
 *   peer_X version
 *   peer_X keygen KTY PARAM         print a private key (JWK; libjwt: none)
 *   peer_X public KEYFILE           print the public JWK of a private JWK
 *   peer_X sign ALG KEYFILE CLAIMS  print a compact JWS over CLAIMS' bytes
 *   peer_X verify ALG KEYFILE TOKEN print the verified payload bytes
 *
 * Exit status: 0 done, 1 refused or failed (one line on stderr),
 * 2 usage, 3 the library does not support this algorithm or key type
 * (stderr starts with "unsupported:"). Test code only; never installed.
 */
#ifndef JG_INTEROP_PEER_UTIL_H
#define JG_INTEROP_PEER_UTIL_H

#include <stddef.h>

enum { PEER_OK = 0, PEER_FAIL = 1, PEER_USAGE = 2, PEER_UNSUPPORTED = 3 };

/* Read a whole file (at most 1 MiB) into a NUL-terminated heap buffer.
 * Returns 0 and sets *out and *out_len, or -1 after printing why. */
int peer_read_file(char **out /* OUT */, size_t *out_len /* OUT */,
                   const char *path);

/* Print "peer: WHAT: DETAIL" on stderr and return `code`. */
int peer_say(int code, const char *what, const char *detail);

/* Split a compact JWS at its two dots: offsets of the payload and the
 * signature segments. Returns 0, or -1 unless there are exactly two dots. */
int peer_split(size_t *payload_at /* OUT */, size_t *sig_at /* OUT */,
               const char *token, size_t len);

#endif
