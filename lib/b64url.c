/* lib/b64url.c - strict base64url (RFC 4648 §5), the JOSE segment codec.
 *
 * One token is exactly one byte string: the decoder accepts only the URL
 * alphabet A-Z a-z 0-9 - _, no '=' padding, no whitespace, never a length
 * of 1 mod 4, and never non-zero unused bits in the last character (RFC 4648
 * §3.5 canonical encoding; RFC 7515 §2 "base64url without padding"). It is
 * table driven and decodes four characters per step: it sits on the verify
 * hot path. It does not try to be constant-time (see the note in decode).
 */
#include "internal.h"
#include <string.h>

static const char enc_alpha[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Decode tables, one per position in a 4-character group, holding the
 * 6-bit value already shifted into place in a 24-bit word. Invalid
 * characters map to BAD, which has bit 24 set in every table: OR-ing the
 * four lookups and testing that bit checks a whole group with one branch. */
#define BAD 0x01000000u
#define V(c)                                                                 \
    ((c) >= 'A' && (c) <= 'Z'   ? (unsigned)((c) - 'A')                      \
     : (c) >= 'a' && (c) <= 'z' ? (unsigned)((c) - 'a' + 26)                 \
     : (c) >= '0' && (c) <= '9' ? (unsigned)((c) - '0' + 52)                 \
     : (c) == '-'               ? 62u                                        \
     : (c) == '_'               ? 63u                                        \
                                : 0xFFu)
#define E(c, sh) (V(c) == 0xFFu ? BAD : V(c) << (sh))
#define R4(c, sh) E(c, sh), E((c) + 1, sh), E((c) + 2, sh), E((c) + 3, sh)
#define R16(c, sh) R4(c, sh), R4((c) + 4, sh), R4((c) + 8, sh), R4((c) + 12, sh)
#define R64(c, sh)                                                           \
    R16(c, sh), R16((c) + 16, sh), R16((c) + 32, sh), R16((c) + 48, sh)
#define TABLE(sh) {R64(0, sh), R64(64, sh), R64(128, sh), R64(192, sh)}

static const uint32_t dec0[256] = TABLE(18);
static const uint32_t dec1[256] = TABLE(12);
static const uint32_t dec2[256] = TABLE(6);
static const uint32_t dec3[256] = TABLE(0);

/* see internal.h */
jg_err jgi_b64url_decode(uint8_t *out, size_t *out_len, const char *in,
                         size_t in_len)
{
    const uint8_t *s = (const uint8_t *)in;
    size_t full = in_len / 4, rem = in_len % 4, i;
    uint8_t *o = out;
    uint32_t w, bad = 0;

    JGI_REQUIRE(out_len != NULL);
    *out_len = 0;
    if (in_len == 0)
        return JG_OK;
    JGI_REQUIRE(in != NULL && out != NULL);
    /* RFC 4648 §5 without padding: one leftover character carries only 6
     * bits, never a whole byte. */
    if (rem == 1)
        return JG_E_MALFORMED;

    /* Table lookups are indexed by the input: this is not constant-time.
     * Token segments are public; the few secrets that pass through (JWK
     * "k", "d") are decoded once at key import, not per request. */
    for (i = 0; i < full; i++, s += 4, o += 3) {
        w = dec0[s[0]] | dec1[s[1]] | dec2[s[2]] | dec3[s[3]];
        bad |= w;
        o[0] = (uint8_t)(w >> 16);
        o[1] = (uint8_t)(w >> 8);
        o[2] = (uint8_t)w;
    }
    if (rem == 2) {
        w = dec0[s[0]] | dec1[s[1]];
        /* 12 bits, 8 used: the low 4 bits of the 2nd character must be 0 */
        bad |= w | (w & 0x00F000u ? BAD : 0);
        *o++ = (uint8_t)(w >> 16);
    } else if (rem == 3) {
        w = dec0[s[0]] | dec1[s[1]] | dec2[s[2]];
        /* 18 bits, 16 used: the low 2 bits of the 3rd character must be 0 */
        bad |= w | (w & 0x0000C0u ? BAD : 0);
        *o++ = (uint8_t)(w >> 16);
        *o++ = (uint8_t)(w >> 8);
    }
    if (bad & BAD) {
        /* Do not leave half-decoded (possibly secret) bytes behind. */
        jg_wipe(out, (size_t)(o - out));
        return JG_E_MALFORMED;
    }
    *out_len = (size_t)(o - out);
    return JG_OK;
}

/* see internal.h */
size_t jgi_b64url_encode(char *out, const uint8_t *in, size_t len)
{
    size_t i = 0;
    char *o = out;
    uint32_t w;

    if (len == 0)
        return 0;
    JGI_REQUIRE(out != NULL && in != NULL);
    for (; i + 3 <= len; i += 3, o += 4) {
        w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        o[0] = enc_alpha[w >> 18];
        o[1] = enc_alpha[(w >> 12) & 63];
        o[2] = enc_alpha[(w >> 6) & 63];
        o[3] = enc_alpha[w & 63];
    }
    if (len - i == 1) {
        w = (uint32_t)in[i] << 16;
        *o++ = enc_alpha[w >> 18];
        *o++ = enc_alpha[(w >> 12) & 63];
    } else if (len - i == 2) {
        w = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *o++ = enc_alpha[w >> 18];
        *o++ = enc_alpha[(w >> 12) & 63];
        *o++ = enc_alpha[(w >> 6) & 63];
    }
    return (size_t)(o - out);
}

/* see internal.h */
jg_err jgi_buf_b64url(jg_buf *b, const uint8_t *in, size_t len)
{
    /* Encode through a small stack buffer in 3-byte-aligned slices; the
     * buffer is wiped at the end since the input may be key material. */
    char tmp[1024];
    const size_t slice = sizeof tmp / 4 * 3;
    jg_err rc = JG_OK;

    JGI_REQUIRE(b != NULL);
    if (len == 0)
        return jg_buf_append(b, "", 0);
    while (len > 0) {
        size_t n = len < slice ? len : slice;
        size_t m = jgi_b64url_encode(tmp, in, n);
        rc = jg_buf_append(b, tmp, m);
        if (rc != JG_OK)
            goto out;
        in += n;
        len -= n;
    }
out:
    jg_wipe(tmp, sizeof tmp);
    return rc;
}
