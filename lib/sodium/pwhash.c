/* lib/sodium/pwhash.c - password hashing for jwtguardd: argon2id (RFC 9106)
 * through libsodium's crypto_pwhash_str family.
 *
 * Hashes are PHC strings ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") that
 * carry their own parameters, so a stored hash made with older, weaker
 * parameters still verifies and can be upgraded on the next good login
 * (jgi_pwhash_needs_rehash). Verification is libsodium's, constant time in
 * the password. This file does not decide parameters: the server does.
 */
#include "../internal.h"
#include <string.h>
#include <sodium.h>

_Static_assert(JGI_PWHASH_STRBYTES == crypto_pwhash_STRBYTES,
               "PHC buffer size matches libsodium");
_Static_assert(JGI_PWHASH_OPS_INTERACTIVE ==
                   crypto_pwhash_OPSLIMIT_INTERACTIVE,
               "interactive opslimit matches libsodium");
_Static_assert(JGI_PWHASH_MEM_INTERACTIVE ==
                   crypto_pwhash_MEMLIMIT_INTERACTIVE,
               "interactive memlimit matches libsodium");

/* Copy a stored PHC string into libsodium's fixed-size buffer; refuse
 * anything that would not fit (libsodium reads up to the NUL). */
static int load_phc(char dst[JGI_PWHASH_STRBYTES], const char *phc)
{
    const char *nul = memchr(phc, 0, JGI_PWHASH_STRBYTES);
    size_t n;
    if (!nul || nul == phc)
        return -1;
    n = (size_t)(nul - phc);
    memcpy(dst, phc, n);
    memset(dst + n, 0, JGI_PWHASH_STRBYTES - n);
    return 0;
}

jg_err jgi_pwhash_str(char out[JGI_PWHASH_STRBYTES], const char *pw,
                      size_t len, unsigned long long opslimit,
                      size_t memlimit)
{
    jg_err rc = jgi_sodium_init();
    memset(out, 0, JGI_PWHASH_STRBYTES);
    if (rc != JG_OK)
        return rc;
    if (opslimit < crypto_pwhash_OPSLIMIT_MIN ||
        opslimit > crypto_pwhash_OPSLIMIT_MAX ||
        memlimit < crypto_pwhash_MEMLIMIT_MIN ||
        memlimit > crypto_pwhash_MEMLIMIT_MAX ||
        len > crypto_pwhash_PASSWD_MAX)
        return JG_E_INVALID_ARG;
    /* Fails only when the memory cannot be had. */
    if (crypto_pwhash_str(out, pw, len, opslimit, memlimit) != 0)
        return JG_E_NOMEM;
    return JG_OK;
}

jg_err jgi_pwhash_verify(const char *phc, const char *pw, size_t len)
{
    char buf[JGI_PWHASH_STRBYTES];
    jg_err rc = jgi_sodium_init();
    if (rc != JG_OK)
        return rc;
    if (load_phc(buf, phc) != 0 || len > crypto_pwhash_PASSWD_MAX)
        return JG_E_BAD_SIGNATURE;
    return crypto_pwhash_str_verify(buf, pw, len) == 0 ? JG_OK
                                                       : JG_E_BAD_SIGNATURE;
}

int jgi_pwhash_needs_rehash(const char *phc, unsigned long long opslimit,
                            size_t memlimit)
{
    char buf[JGI_PWHASH_STRBYTES];
    if (jgi_sodium_init() != JG_OK || load_phc(buf, phc) != 0)
        return -1;
    /* 1: other parameters (or another algorithm); 0: current; -1: bad */
    return crypto_pwhash_str_needs_rehash(buf, opslimit, memlimit);
}
