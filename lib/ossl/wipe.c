/* lib/ossl/wipe.c - memory hygiene: wiping secrets, comparing MACs.
 *
 * Both are thin wrappers so that nothing outside lib/ossl needs OpenSSL:
 * OPENSSL_cleanse cannot be optimised away, CRYPTO_memcmp takes the same
 * time whatever the contents (RFC 7515 §10.9). Neither branches on the
 * bytes it is given.
 */
#include "ossl_internal.h"
#include <openssl/crypto.h>

void jg_wipe(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

int jgi_ct_equal(const void *a, const void *b, size_t n)
{
    if (n == 0)
        return 1;
    JGI_REQUIRE(a != NULL && b != NULL);
    /* constant time: lengths are public, contents are not */
    return CRYPTO_memcmp(a, b, n) == 0;
}
