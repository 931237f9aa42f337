/* lib/ossl/rand.c - random bytes from OpenSSL's CSPRNG.
 *
 * RAND_bytes draws from the default DRBG, seeded from the OS. Used for
 * oct key generation, jti values, refresh tokens and JWE CEKs/IVs. It
 * does not fall back to anything weaker: a failure is JG_E_CRYPTO and the
 * output is wiped so no half-random bytes are used by mistake.
 */
#include "ossl_internal.h"
#include <limits.h>
#include <openssl/err.h>
#include <openssl/rand.h>

jg_err jgi_random(uint8_t *out, size_t len)
{
    size_t done = 0;
    JGI_REQUIRE(out != NULL || len == 0);
    while (done < len) {
        size_t n = len - done;
        if (n > INT_MAX)
            n = INT_MAX;
        if (RAND_bytes(out + done, (int)n) != 1) {
            ERR_clear_error();
            jg_wipe(out, len);
            return JG_E_CRYPTO;
        }
        done += n;
    }
    return JG_OK;
}
