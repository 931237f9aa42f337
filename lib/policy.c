/* lib/policy.c - the verification policy: what a verifier will accept.
 *
 * A policy starts with the secure defaults (see jwtguard/policy.h): no
 * algorithm allowed, exp required, leeway 30 s, default limits, no crit
 * extensions. Setters validate their input and refuse loosening past the
 * documented bounds (leeway at most JG_MAX_LEEWAY). jg_verifier_new copies
 * the policy (jgi_policy_copy), so a verifier never changes under a caller.
 */
#include "internal.h"
#include <string.h>
#include <time.h>

jg_err jg_policy_new(jg_policy **out)
{
    JGI_REQUIRE(out);
    jg_policy *p = jgi_calloc(1, sizeof *p);
    *out = NULL;
    if (!p)
        return JG_E_NOMEM;
    p->leeway = JG_DEFAULT_LEEWAY;
    jg_limits_default(&p->lim);
    *out = p;
    return JG_OK;
}

static void str_clear(jgi_str *s)
{
    jgi_free(s->p);
    s->p = NULL;
    s->n = 0;
}

static jg_err str_set(jgi_str *s, const char *v, size_t n)
{
    char *c = jgi_strndup(v, n);
    if (!c)
        return JG_E_NOMEM;
    str_clear(s);
    s->p = c;
    s->n = n;
    return JG_OK;
}

static void strs_clear(jgi_str **v, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        str_clear(&(*v)[i]);
    jgi_free(*v);
    *v = NULL;
    *n = 0;
}

static jg_err strs_add(jgi_str **v, size_t *n, const char *s, size_t len)
{
    jgi_str *nv = jgi_realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return JG_E_NOMEM;
    *v = nv;
    nv[*n].p = NULL;
    nv[*n].n = 0;
    if (str_set(&nv[*n], s, len) != JG_OK)
        return JG_E_NOMEM;
    (*n)++;
    return JG_OK;
}

void jgi_policy_clear(jg_policy *p)
{
    str_clear(&p->iss);
    str_clear(&p->typ);
    strs_clear(&p->aud, &p->n_aud);
    strs_clear(&p->req, &p->n_req);
}

void jg_policy_free(jg_policy *p)
{
    if (!p)
        return;
    jgi_policy_clear(p);
    jgi_free(p);
}

jg_err jgi_policy_copy(jg_policy *dst, const jg_policy *src)
{
    *dst = *src;
    dst->iss.p = dst->typ.p = NULL;
    dst->aud = dst->req = NULL;
    dst->n_aud = dst->n_req = 0;
    if ((src->iss.p && str_set(&dst->iss, src->iss.p, src->iss.n)) ||
        (src->typ.p && str_set(&dst->typ, src->typ.p, src->typ.n)))
        goto fail;
    for (size_t i = 0; i < src->n_aud; i++)
        if (strs_add(&dst->aud, &dst->n_aud, src->aud[i].p, src->aud[i].n))
            goto fail;
    for (size_t i = 0; i < src->n_req; i++)
        if (strs_add(&dst->req, &dst->n_req, src->req[i].p, src->req[i].n))
            goto fail;
    return JG_OK;
fail:
    jgi_policy_clear(dst);
    return JG_E_NOMEM;
}

int64_t jgi_policy_now(const jg_policy *p)
{
    return p->now ? p->now : (int64_t)time(NULL);
}

jg_err jg_policy_allow_alg(jg_policy *p, jg_alg alg)
{
    JGI_REQUIRE(p);
    /* There is no value for "none", so it can never be allowed. */
    if (!jgi_alg_info_get(alg))
        return JG_E_INVALID_ARG;
    p->algs |= 1u << alg;
    return JG_OK;
}

jg_err jg_policy_require_iss(jg_policy *p, const char *iss, size_t len)
{
    JGI_REQUIRE(p && iss);
    return str_set(&p->iss, iss, len);
}

jg_err jg_policy_require_aud(jg_policy *p, const char *aud, size_t len)
{
    JGI_REQUIRE(p && aud);
    return strs_add(&p->aud, &p->n_aud, aud, len);
}

jg_err jg_policy_require_typ(jg_policy *p, const char *typ, size_t len)
{
    JGI_REQUIRE(p && typ);
    return str_set(&p->typ, typ, len);
}

jg_err jg_policy_require_claim(jg_policy *p, const char *name, size_t len)
{
    JGI_REQUIRE(p && name);
    return strs_add(&p->req, &p->n_req, name, len);
}

jg_err jg_policy_set_leeway(jg_policy *p, int64_t seconds)
{
    JGI_REQUIRE(p);
    if (seconds < 0 || seconds > JG_MAX_LEEWAY)
        return JG_E_INVALID_ARG;
    p->leeway = seconds;
    return JG_OK;
}

jg_err jg_policy_set_max_age(jg_policy *p, int64_t seconds)
{
    JGI_REQUIRE(p);
    if (seconds < 0)
        return JG_E_INVALID_ARG;
    p->max_age = seconds;
    return JG_OK;
}

jg_err jg_policy_set_min_remaining(jg_policy *p, int64_t seconds)
{
    JGI_REQUIRE(p);
    if (seconds < 0)
        return JG_E_INVALID_ARG;
    p->min_remaining = seconds;
    return JG_OK;
}

void jg_policy_allow_missing_exp(jg_policy *p)
{
    JGI_REQUIRE(p);
    p->exp_optional = 1;
}

void jg_policy_allow_b64_false(jg_policy *p)
{
    JGI_REQUIRE(p);
    p->b64_false = 1;
}

jg_err jg_policy_set_limits(jg_policy *p, const jg_limits *l)
{
    JGI_REQUIRE(p && l);
    if (!l->max_token || !l->max_json || !l->max_depth || !l->max_members ||
        !l->max_kid)
        return JG_E_INVALID_ARG;
    p->lim = *l;
    return JG_OK;
}

void jg_policy_set_denylist(jg_policy *p, jg_denylist *dl)
{
    JGI_REQUIRE(p);
    p->dl = dl;
}

void jg_policy_set_now(jg_policy *p, int64_t now)
{
    JGI_REQUIRE(p);
    p->now = now;
}
