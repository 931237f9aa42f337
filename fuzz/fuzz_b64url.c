/* fuzz/fuzz_b64url.c - strict base64url decoding (lib/b64url.c).
 *
 * Properties: an input the decoder accepts is canonical, so encoding the
 * decoded bytes gives back the identical string (RFC 4648 §3.5: one byte
 * string, one encoding) and the decoded length is exactly 3n/4 rounded
 * down; an input it refuses leaves *out_len at 0. The other direction too:
 * encoding the raw input and decoding that returns the input.
 */
#include "fuzz.h"
#include "internal.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    uint8_t *dec = NULL, *back = NULL;
    char *enc = NULL;
    size_t dec_len = 99, back_len = 0, enc_len;
    jg_err rc;

    dec = malloc(JGI_B64_DEC_LEN(size) + 1);
    enc = malloc(JGI_B64_ENC_LEN(size) + 1);
    back = malloc(JGI_B64_DEC_LEN(JGI_B64_ENC_LEN(size)) + 1);
    FUZZ_CHECK(dec && enc && back, "out of memory");

    rc = jgi_b64url_decode(dec, &dec_len, in, size);
    if (rc == JG_OK) {
        char *re = malloc(JGI_B64_ENC_LEN(dec_len) + 1);
        size_t re_len;
        FUZZ_CHECK(re, "out of memory");
        FUZZ_CHECK(dec_len == size * 3 / 4, "decoded %zu bytes from %zu",
                   dec_len, size);
        re_len = jgi_b64url_encode(re, dec, dec_len);
        FUZZ_CHECK(re_len == size && memcmp(re, in, size) == 0,
                   "accepted input does not re-encode to itself");
        free(re);
    } else {
        FUZZ_CHECK(rc == JG_E_MALFORMED, "unexpected error %s",
                   jg_err_name(rc));
        FUZZ_CHECK(dec_len == 0, "out_len %zu left on failure", dec_len);
    }

    /* bytes -> text -> bytes */
    enc_len = jgi_b64url_encode(enc, data, size);
    FUZZ_CHECK(enc_len == (size * 4 + 2) / 3, "encoded length %zu for %zu",
               enc_len, size);
    rc = jgi_b64url_decode(back, &back_len, enc, enc_len);
    FUZZ_CHECK(rc == JG_OK && back_len == size &&
                   (size == 0 || memcmp(back, data, size) == 0),
               "encode/decode round trip failed (%s)", jg_err_name(rc));

    free(dec);
    free(enc);
    free(back);
    return 0;
}
