/* lib/keyset.c - JWK Sets (RFC 7517 §5): load, look up by kid, export.
 *
 * A set is refused whole when it is ambiguous (Wycheproof "MixedKeySet",
 * "DuplicateKid"; catalogue A6): two keys with the same kid, symmetric and
 * asymmetric keys together, private and public keys together. A member we
 * do not support (unknown kty, crv or alg) is skipped with a reason, so a
 * set published for several consumers still loads. Lookup is an exact byte
 * comparison of kid; nothing else in a token selects a key.
 */
#include "internal.h"
#include <stdio.h>
#include <string.h>

#define JWKS_MAX_JSON (1024u * 1024u)
#define JWKS_MAX_KEYS 256u

static jg_keyset *keyset_new(void)
{
    jg_keyset *ks = jgi_calloc(1, sizeof *ks);
    if (ks)
        ks->refs = 1;
    return ks;
}

jg_keyset *jgi_keyset_ref(const jg_keyset *ks)
{
    jg_keyset *m = (jg_keyset *)ks;
    __atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
    return m;
}

void jg_keyset_free(jg_keyset *ks)
{
    if (!ks)
        return;
    if (__atomic_sub_fetch(&ks->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < ks->n; i++)
        jg_key_free(ks->keys[i]);
    for (size_t i = 0; i < ks->n_skipped; i++)
        jgi_free(ks->skipped[i]);
    jgi_free(ks->keys);
    jgi_free(ks->skipped);
    jgi_free(ks);
}

jg_err jg_keyset_from_key(jg_keyset **out, const jg_key *k)
{
    JGI_REQUIRE(out && k);
    *out = NULL;
    jg_keyset *ks = keyset_new();
    if (!ks)
        return JG_E_NOMEM;
    if (!(ks->keys = jgi_malloc(sizeof *ks->keys))) {
        jgi_free(ks);
        return JG_E_NOMEM;
    }
    ks->keys[0] = jgi_key_ref(k);
    ks->n = 1;
    *out = ks;
    return JG_OK;
}

static jg_err add_skipped(jg_keyset *ks, size_t i, const char *why)
{
    char line[200];
    snprintf(line, sizeof line, "member %zu: %s", i,
             why[0] ? why : "unsupported");
    char *s = jgi_strndup(line, strlen(line));
    if (!s)
        return JG_E_NOMEM;
    ks->skipped[ks->n_skipped++] = s;
    return JG_OK;
}

/* The set-level rules (catalogue A6). */
static jg_err check_set(const jg_keyset *ks)
{
    int sym = 0, asym = 0, priv = 0, pub = 0;
    for (size_t i = 0; i < ks->n; i++) {
        const jg_key *k = ks->keys[i];
        if (k->kty == JG_KTY_OCT)
            sym = 1;
        else {
            asym = 1;
            if (k->has_private)
                priv = 1;
            else
                pub = 1;
        }
        if (!k->kid)
            continue;
        for (size_t j = 0; j < i; j++) {
            const jg_key *o = ks->keys[j];
            if (o->kid && o->kid_len == k->kid_len &&
                memcmp(o->kid, k->kid, k->kid_len) == 0)
                return JG_E_KEY_INVALID;
        }
    }
    if ((sym && asym) || (priv && pub))
        return JG_E_KEY_INVALID;
    return JG_OK;
}

jg_err jg_keyset_from_jwks(jg_keyset **out, const char *json, size_t len,
                           size_t *skipped)
{
    jg_json *doc = NULL;
    jg_keyset *ks = NULL;
    jg_limits lim;
    const jg_jval *root, *keys;
    jg_err rc;
    size_t n;

    JGI_REQUIRE(out && (json || !len));
    *out = NULL;
    if (skipped)
        *skipped = 0;
    jg_limits_default(&lim);
    lim.max_json = JWKS_MAX_JSON;
    if ((rc = jg_json_parse(&doc, json, len, &lim)) != JG_OK)
        return rc;
    root = jg_json_root(doc);
    keys = jg_jval_get(root, "keys", 4);
    if (jg_jval_type(root) != JG_JSON_OBJECT || !keys ||
        jg_jval_type(keys) != JG_JSON_ARRAY) {
        rc = JG_E_MALFORMED;
        goto out;
    }
    n = jg_jval_count(keys);
    if (n > JWKS_MAX_KEYS) {
        rc = JG_E_LIMIT;
        goto out;
    }
    rc = JG_E_NOMEM;
    if (!(ks = keyset_new()) ||
        !(ks->keys = jgi_calloc(n ? n : 1, sizeof *ks->keys)) ||
        !(ks->skipped = jgi_calloc(n ? n : 1, sizeof *ks->skipped)))
        goto out;
    for (size_t i = 0; i < n; i++) {
        char why[160] = "";
        jg_key *k = NULL;
        rc = jgi_key_from_jval(&k, jg_jval_at(keys, i), why, sizeof why);
        if (rc == JG_E_UNSUPPORTED) {
            if ((rc = add_skipped(ks, i, why)) != JG_OK)
                goto out;
            continue;
        }
        if (rc != JG_OK)
            goto out;
        ks->keys[ks->n++] = k;
    }
    rc = ks->n == 0 ? JG_E_KEY_INVALID : check_set(ks);
    if (rc != JG_OK)
        goto out;
    if (skipped)
        *skipped = ks->n_skipped;
    *out = ks;
    ks = NULL;
out:
    jg_keyset_free(ks);
    jg_json_free(doc);
    return rc;
}

size_t jg_keyset_count(const jg_keyset *ks)
{
    JGI_REQUIRE(ks);
    return ks->n;
}

const jg_key *jg_keyset_at(const jg_keyset *ks, size_t i)
{
    JGI_REQUIRE(ks);
    return i < ks->n ? ks->keys[i] : NULL;
}

const char *jg_keyset_skipped_reason(const jg_keyset *ks, size_t i)
{
    JGI_REQUIRE(ks);
    return i < ks->n_skipped ? ks->skipped[i] : NULL;
}

const jg_key *jg_keyset_find(const jg_keyset *ks, const char *kid,
                             size_t kid_len)
{
    JGI_REQUIRE(ks && (kid || !kid_len));
    for (size_t i = 0; i < ks->n; i++) {
        const jg_key *k = ks->keys[i];
        if (k->kid && k->kid_len == kid_len &&
            memcmp(k->kid, kid, kid_len) == 0)
            return k;
    }
    return NULL;
}

jg_err jg_keyset_to_jwks(jg_buf *out, const jg_keyset *ks, int public_only)
{
    jgi_jw w;
    JGI_REQUIRE(out && ks);
    jgi_jw_init(&w, out);
    jgi_jw_obj_begin(&w);
    jgi_jw_key(&w, "keys", 4);
    jgi_jw_arr_begin(&w);
    for (size_t i = 0; i < ks->n; i++) {
        jg_buf one = {0};
        jg_err rc = jg_key_to_jwk(&one, ks->keys[i], public_only);
        if (rc != JG_OK) {
            jgi_jw_finish(&w);
            jg_buf_free(out);
            return rc;
        }
        jgi_jw_raw(&w, (const char *)one.data, one.len);
        jg_buf_free(&one);
    }
    jgi_jw_arr_end(&w);
    jgi_jw_obj_end(&w);
    return jgi_jw_finish(&w);
}
