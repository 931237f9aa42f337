/* tests/ct/ct_control.c - the negative control of the secret-taint check.
 *
 * Deliberately not constant time: memcmp and an early-exit loop over
 * secret (undefined) bytes, and a table lookup indexed by a secret byte,
 * the way a non-constant-time base64 decoder works. tests/ct/run_ct.py
 * requires valgrind to report each of them; if it did not, a clean run of
 * ct_hmac would prove nothing.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

/* noinline: each leak shows under its own function name. */
__attribute__((noinline)) static int leaky_memcmp(const unsigned char *a,
                                                  const unsigned char *b,
                                                  size_t n)
{
    return memcmp(a, b, n) == 0;
}

__attribute__((noinline)) static int leaky_loop(const unsigned char *a,
                                                const unsigned char *b,
                                                size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

__attribute__((noinline)) static unsigned leaky_index(const unsigned char *s,
                                                      size_t n)
{
    static volatile unsigned char table[256];
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++)
        acc += table[s[i]];
    return acc;
}

int main(int argc, char **argv)
{
    unsigned char a[32], b[32];
    volatile size_t n = sizeof a; /* not a constant: memcmp stays a call */
    int r1, r2;
    unsigned r3;
    (void)argv;

    memset(a, 0x5a, sizeof a);
    memset(b, 0x5a, sizeof b);
    b[31] = (unsigned char)argc; /* differs in the last byte */
    SECRET(a, sizeof a);
    SECRET(b, sizeof b);
    r1 = leaky_memcmp(a, b, n);
    r2 = leaky_loop(a, b, n);
    r3 = leaky_index(a, n);
    PUBLIC(&r1, sizeof r1);
    PUBLIC(&r2, sizeof r2);
    PUBLIC(&r3, sizeof r3);
    printf("ct_control: %d %d %u\n", r1, r2, r3);
    return 0;
}
