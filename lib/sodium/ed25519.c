/* lib/sodium/ed25519.c - Ed25519 (RFC 8032) through libsodium.
 *
 * The only file that includes <sodium.h>. libsodium signs and verifies
 * Ed25519 faster than OpenSSL 3.0 here and is strict where it matters:
 * verification refuses S >= L, small-order R and public keys, and
 * non-canonical encodings. Keys are kept as libsodium wants them: a 64-byte
 * secret seed||pk and a 32-byte public key. Ed448 is not here (OpenSSL).
 */
#include "../internal.h"
#include <pthread.h>
#include <sodium.h>

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;

static void init_sodium(void)
{
    init_ok = sodium_init() >= 0; /* 1 = already initialised: fine */
}

jg_err jgi_sodium_init(void)
{
    if (pthread_once(&init_once, init_sodium) != 0)
        return JG_E_CRYPTO;
    return init_ok ? JG_OK : JG_E_CRYPTO;
}

jg_err jgi_ed25519_from_seed(uint8_t pk[32], uint8_t sk[64],
                             const uint8_t seed[32])
{
    jg_err rc = jgi_sodium_init();
    if (rc != JG_OK)
        return rc;
    /* sk = seed || pk, pk derived here: the half used when signing can
     * never disagree with the seed (a mismatched pk in sk leaks the key). */
    if (crypto_sign_seed_keypair(pk, sk, seed) != 0)
        return JG_E_CRYPTO;
    return JG_OK;
}

jg_err jgi_ed25519_keypair(uint8_t pk[32], uint8_t sk[64])
{
    jg_err rc = jgi_sodium_init();
    if (rc != JG_OK)
        return rc;
    if (crypto_sign_keypair(pk, sk) != 0)
        return JG_E_CRYPTO;
    return JG_OK;
}

void jgi_ed25519_sign(uint8_t sig[64], const uint8_t *msg, size_t len,
                      const uint8_t sk[64])
{
    unsigned long long siglen = 0;
    /* sk came from jgi_ed25519_from_seed/keypair: libsodium is initialised */
    (void)crypto_sign_detached(sig, &siglen, msg, len, sk);
}

jg_err jgi_ed25519_verify(const uint8_t sig[64], const uint8_t *msg,
                          size_t len, const uint8_t pk[32])
{
    jg_err rc = jgi_sodium_init();
    if (rc != JG_OK)
        return rc;
    return crypto_sign_verify_detached(sig, msg, len, pk) == 0
               ? JG_OK
               : JG_E_BAD_SIGNATURE;
}

int jgi_ed25519_pk_valid(const uint8_t pk[32])
{
    if (jgi_sodium_init() != JG_OK)
        return 0;
    /* canonical, on the curve, not of small order, in the prime-order
     * subgroup: true of every key derived from a seed */
    return crypto_core_ed25519_is_valid_point(pk) == 1;
}
