/* lib/err.c - the error enum's names and texts, rejection reasons, limits.
 *
 * The names are a stable contract (the CLI prints them, tests match them):
 * extend the table, never rename an entry.
 */
#include "internal.h"
#include <stdio.h>

static const struct {
    const char *name;
    const char *text;
} errs[JG_E__COUNT] = {
    [JG_OK] = {"OK", "success"},
    [JG_E_NOMEM] = {"E_NOMEM", "out of memory"},
    [JG_E_INVALID_ARG] = {"E_INVALID_ARG", "invalid argument"},
    [JG_E_MALFORMED] = {"E_MALFORMED", "malformed input"},
    [JG_E_LIMIT] = {"E_LIMIT", "resource limit exceeded"},
    [JG_E_ALG_NOT_ALLOWED] = {"E_ALG_NOT_ALLOWED", "algorithm not allowed"},
    [JG_E_KEY_MISMATCH] = {"E_KEY_MISMATCH", "key does not fit"},
    [JG_E_KEY_INVALID] = {"E_KEY_INVALID", "invalid key"},
    [JG_E_BAD_SIGNATURE] = {"E_BAD_SIGNATURE", "signature verification failed"},
    [JG_E_DECRYPT] = {"E_DECRYPT", "decryption failed"},
    [JG_E_CRIT_UNSUPPORTED] = {"E_CRIT_UNSUPPORTED",
                               "critical header extension not supported"},
    [JG_E_UNSUPPORTED] = {"E_UNSUPPORTED", "not supported"},
    [JG_E_CRYPTO] = {"E_CRYPTO", "crypto backend failure"},
    [JG_E_IO] = {"E_IO", "input/output error"},
    [JG_E_NOT_FOUND] = {"E_NOT_FOUND", "not found"},
    [JG_E_CLAIM_EXPIRED] = {"E_CLAIM_EXPIRED", "token expired"},
    [JG_E_CLAIM_NOT_YET_VALID] = {"E_CLAIM_NOT_YET_VALID",
                                  "token not yet valid"},
    [JG_E_CLAIM_TOO_OLD] = {"E_CLAIM_TOO_OLD", "token too old"},
    [JG_E_CLAIM_ISS] = {"E_CLAIM_ISS", "issuer not accepted"},
    [JG_E_CLAIM_AUD] = {"E_CLAIM_AUD", "audience not accepted"},
    [JG_E_CLAIM_TYP] = {"E_CLAIM_TYP", "token type not accepted"},
    [JG_E_CLAIM_REQUIRED] = {"E_CLAIM_REQUIRED", "required claim missing"},
    [JG_E_CLAIM_TYPE] = {"E_CLAIM_TYPE", "claim has the wrong type"},
    [JG_E_CLAIM_REVOKED] = {"E_CLAIM_REVOKED", "token revoked"},
};

const char *jg_err_str(jg_err e)
{
    if ((unsigned)e >= JG_E__COUNT || !errs[e].text)
        return "unknown error";
    return errs[e].text;
}

const char *jg_err_name(jg_err e)
{
    if ((unsigned)e >= JG_E__COUNT || !errs[e].name)
        return "E_UNKNOWN";
    return errs[e].name;
}

const char *jg_reason_str(const jg_reason *r)
{
    static _Thread_local char text[320];
    if (!r)
        return "no reason";
    int n = snprintf(text, sizeof text, "%s: %s%s%s", jg_err_name(r->err),
                     r->check[0] ? r->check : "verify",
                     r->detail[0] ? ": " : "", r->detail);
    if (n > 0 && (size_t)n < sizeof text && (r->alg[0] || r->kid[0]))
        snprintf(text + n, sizeof text - (size_t)n, " (alg=%s, kid=%s)",
                 r->alg[0] ? r->alg : "-", r->kid[0] ? r->kid : "-");
    return text;
}

void jg_limits_default(jg_limits *out)
{
    JGI_REQUIRE(out != NULL);
    out->max_token = JG_DEFAULT_MAX_TOKEN;
    out->max_json = JG_DEFAULT_MAX_JSON;
    out->max_depth = JG_DEFAULT_MAX_DEPTH;
    out->max_members = JG_DEFAULT_MAX_MEMBERS;
    out->max_kid = JG_DEFAULT_MAX_KID;
}

const char *jg_version(void)
{
    return JG_VERSION_STRING;
}
