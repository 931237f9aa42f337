/* lib/crv.c - curve names and sizes (RFC 7518 §6.2.1.1, RFC 8037 §2,
 * RFC 8812 §3.1 for secp256k1). Pure tables, no backend. */
#include "internal.h"
#include <string.h>

static const struct {
    jg_crv crv;
    const char *name;
    size_t bytes;
} crvs[] = {
    {JG_CRV_P256, "P-256", 32},      {JG_CRV_P384, "P-384", 48},
    {JG_CRV_P521, "P-521", 66},      {JG_CRV_SECP256K1, "secp256k1", 32},
    {JG_CRV_ED25519, "Ed25519", 32}, {JG_CRV_ED448, "Ed448", 57},
    {JG_CRV_X25519, "X25519", 32},   {JG_CRV_X448, "X448", 56},
};

const char *jgi_crv_name(jg_crv c)
{
    for (size_t i = 0; i < sizeof crvs / sizeof crvs[0]; i++)
        if (crvs[i].crv == c)
            return crvs[i].name;
    return "?";
}

jg_crv jgi_crv_from_name(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof crvs / sizeof crvs[0]; i++)
        if (strlen(crvs[i].name) == len && memcmp(crvs[i].name, s, len) == 0)
            return crvs[i].crv;
    return JG_CRV_NONE;
}

size_t jgi_crv_bytes(jg_crv c)
{
    for (size_t i = 0; i < sizeof crvs / sizeof crvs[0]; i++)
        if (crvs[i].crv == c)
            return crvs[i].bytes;
    return 0;
}
