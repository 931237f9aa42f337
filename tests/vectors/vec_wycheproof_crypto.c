/* tests/vectors/vec_wycheproof_crypto.c - Wycheproof JwCrypto vectors.
 *
 * json_web_crypto_test.json mixes JWS and JWE groups. The JWS ones (HMAC,
 * ECDSA, RSA, ROCA key, key sets, JSON serialization) run through the
 * shared runner of vec_wycheproof_jws.c; every JWE case is counted and
 * printed as skipped ("JWE: not in this build") until JWE lands.
 */
#define WY_FILE "json_web_crypto_test.json"
#include "vec_wycheproof_jws.c"
