/* fuzz/fuzz.h - what the fuzz targets share.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput and is built twice:
 * with libFuzzer (clang, `make fuzz`) and with fuzz/replay.c, a plain main()
 * that feeds it every committed corpus file under ctest. A broken property
 * calls FUZZ_CHECK, which prints the rule and aborts, so both drivers see a
 * crash. The fixed keys below are what the JWS and JWT targets verify with;
 * fuzz/make_seeds.py signs the committed seeds with the same keys.
 */
#ifndef JG_FUZZ_H
#define JG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "fuzz property broken (%s:%d): %s: ", __FILE__, \
                    __LINE__, #cond);                                        \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* The fixed HS256 secret (32 bytes, the SHA-256 output size) and its kid. */
#define FUZZ_HS_SECRET "jwtguard-fuzz-fixed-hs256-key-01"
#define FUZZ_HS_SECRET_LEN 32u
#define FUZZ_HS_KID "fz-hs"
#define FUZZ_HS_JWKS                                                         \
    "{\"keys\":[{\"kty\":\"oct\","                                         \
    "\"k\":\"and0Z3VhcmQtZnV6ei1maXhlZC1oczI1Ni1rZXktMDE\","                 \
    "\"alg\":\"HS256\",\"kid\":\"" FUZZ_HS_KID "\"}]}"

/* The fixed ES256 key: public half only (the private "d" lives in
 * fuzz/make_seeds.py, which signs the seeds). The same point as SPKI PEM
 * lets the targets check an accepted signature with OpenSSL directly. */
#define FUZZ_ES_JWK                                                          \
    "{\"kty\":\"EC\",\"crv\":\"P-256\","                                     \
    "\"x\":\"MfPOXXss9FmVmUvqmQa9j5nWNmiYBX0BM_2wFHtiwTE\","                 \
    "\"y\":\"Bkkvkrjvnf_TAhtKbOLvV5wdnOGI7Qundbhl76zhnXE\","                 \
    "\"alg\":\"ES256\",\"kid\":\"fz-es\"}"
#define FUZZ_ES_PEM                                                          \
    "-----BEGIN PUBLIC KEY-----\n"                                           \
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMfPOXXss9FmVmUvqmQa9j5nWNmiY\n"     \
    "BX0BM/2wFHtiwTEGSS+SuO+d/9MCG0ps4u9XnB2c4YjtC6d1uGXvrOGdcQ==\n"         \
    "-----END PUBLIC KEY-----\n"

#endif /* JG_FUZZ_H */
