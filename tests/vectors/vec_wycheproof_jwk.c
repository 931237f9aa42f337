/* tests/vectors/vec_wycheproof_jwk.c - Wycheproof JOSE key vectors.
 *
 * json_web_key_test.json: key sets with duplicate kids or mixed
 * symmetric/asymmetric keys, short HMAC secrets, small or weak RSA keys,
 * keys whose alg, curve, kty or use do not fit. Each group's key (or key
 * set) is loaded as the trusted one; refusal at import or at verify both
 * count as rejection. The runner is the one of vec_wycheproof_jws.c.
 */
#define WY_FILE "json_web_key_test.json"
#include "vec_wycheproof_jws.c"
