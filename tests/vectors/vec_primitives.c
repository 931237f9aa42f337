/* tests/vectors/vec_primitives.c - Wycheproof primitive vectors through
 * the crypto seam (jgi_key_import + jgi_verify).
 *
 * The files live under $JG_VECTORS/wycheproof/primitives (read in place).
 * Every case counts: valid must verify, invalid must fail, acceptable may
 * do either (counted). Groups JWS can never use (PSS with another salt
 * length or MGF hash, truncated HMAC tags, HMAC keys shorter than the
 * hash) are not skipped silently: the reason is printed, and truncated
 * tags and short keys are checked to be REFUSED. A few JWK cases
 * (ROCA modulus, 1024-bit RSA, e = 1) check the import refusals.
 */
#include "internal.h"
#include "testutil.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long total_pass, total_fail;

/* Names for messages (the library's jg_alg_name lives outside the seam). */
static const char *alg_name(jg_alg a)
{
    switch (a) {
    case JG_ES256: return "ES256";
    case JG_ES384: return "ES384";
    case JG_ES512: return "ES512";
    case JG_ES256K: return "ES256K";
    case JG_RS256: return "RS256";
    case JG_RS384: return "RS384";
    case JG_RS512: return "RS512";
    case JG_PS256: return "PS256";
    case JG_PS384: return "PS384";
    case JG_PS512: return "PS512";
    default: return "?";
    }
}
static uint64_t next_serial = 1;

typedef struct stats {
    unsigned long pass, fail, skipped, acc_yes, acc_no, refused;
} stats;

static void report(const char *file, const stats *s)
{
    printf("%-44s %5lu passed, %lu failed, %lu skipped", file, s->pass,
           s->fail, s->skipped);
    if (s->acc_yes || s->acc_no)
        printf(", acceptable: %lu accepted / %lu rejected", s->acc_yes,
               s->acc_no);
    if (s->refused)
        printf(" (%lu of the passes are required refusals)", s->refused);
    printf("\n");
    total_pass += s->pass + s->acc_yes + s->acc_no;
    total_fail += s->fail;
}

static json_t *load(const char *rel)
{
    json_error_t err;
    json_t *root = json_load_file(jgt_vector_path(rel), 0, &err);
    if (!root) {
        printf("%s: cannot read (%s): FAIL\n", rel, err.text);
        total_fail++;
    }
    return root;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static size_t hex(const char *h, uint8_t **out)
{
    size_t n = jgt_hex_decode(h, out);
    if (n == (size_t)-1) {
        *out = NULL;
        return (size_t)-1;
    }
    return n;
}

static jg_key *key_new(jg_kty kty, jg_crv crv)
{
    jg_key *k = calloc(1, sizeof *k);
    if (!k)
        abort();
    k->serial = next_serial++;
    k->kty = kty;
    k->crv = crv;
    return k;
}

static void key_free(jg_key *k)
{
    if (!k)
        return;
    jgi_key_release(k);
    if (k->secret) {
        jg_wipe(k->secret, k->secret_len);
        free(k->secret);
    }
    free(k);
}

/* One case: verdict of jgi_verify against the expected result. */
static void judge(stats *st, const char *file, const json_t *t, int ok,
                  const char *how)
{
    const char *res = str(t, "result");
    long id = (long)json_integer_value(json_object_get(t, "tcId"));
    if (strcmp(res, "acceptable") == 0) {
        if (ok)
            st->acc_yes++;
        else
            st->acc_no++;
        return;
    }
    if ((strcmp(res, "valid") == 0) == (ok != 0)) {
        st->pass++;
        return;
    }
    st->fail++;
    printf("  FAIL %s tcId %ld (%s, expected %s, got %s%s%s)\n", file, id,
           str(t, "comment"), res, ok ? "accepted" : "rejected",
           how ? ": " : "", how ? how : "");
}

/* Verify every test of a group with k (NULL: the key was refused). */
static void run_tests(stats *st, const char *file, const json_t *g,
                      const jg_key *k, jg_alg alg, const char *why)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(g, "tests"), i, t) {
        uint8_t *msg = NULL, *sig = NULL;
        size_t ml = hex(str(t, "msg"), &msg), sl = hex(str(t, "sig"), &sig);
        int ok = 0;
        if (ml == (size_t)-1 || sl == (size_t)-1) {
            st->fail++;
            printf("  FAIL %s: bad hex in test\n", file);
        } else {
            ok = k && jgi_verify(k, alg, msg, ml, sig, sl) == JG_OK;
            judge(st, file, t, ok, k ? NULL : why);
        }
        free(msg);
        free(sig);
    }
}

/* ---- ECDSA, IEEE P1363 encoding = JWS R||S ---- */
static void run_ecdsa(const char *name, jg_crv crv, jg_alg alg,
                      const char *sha)
{
    char rel[256];
    stats st = {0};
    size_t gi, cs = jgi_crv_bytes(crv);
    json_t *root, *g;
    snprintf(rel, sizeof rel, "wycheproof/primitives/%s", name);
    if (!(root = load(rel)))
        return;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
        const json_t *pk = json_object_get(g, "publicKey");
        uint8_t *pt = NULL;
        size_t n = hex(str(pk, "uncompressed"), &pt);
        jgi_parts parts;
        char why[200] = "";
        jg_key *k = NULL;
        if (strcmp(str(g, "sha"), sha) != 0 || n != 1 + 2 * cs ||
            pt[0] != 0x04) {
            size_t nt = json_array_size(json_object_get(g, "tests"));
            printf("  skip %zu tests of a group: hash %s / point encoding "
                   "not the one of %s\n", nt, str(g, "sha"),
                   alg_name(alg));
            st.skipped += nt;
            free(pt);
            continue;
        }
        memset(&parts, 0, sizeof parts);
        parts.x.p = pt + 1;
        parts.x.n = cs;
        parts.y.p = pt + 1 + cs;
        parts.y.n = cs;
        k = key_new(JG_KTY_EC, crv);
        if (jgi_key_import(k, &parts, why, sizeof why) != JG_OK) {
            key_free(k);
            k = NULL;
        }
        run_tests(&st, name, g, k, alg, why);
        key_free(k);
        free(pt);
    }
    report(name, &st);
    json_decref(root);
}

/* ---- EdDSA ---- */
static void run_eddsa(const char *name, jg_crv crv)
{
    char rel[256];
    stats st = {0};
    size_t gi, want = jgi_crv_bytes(crv);
    json_t *root, *g;
    snprintf(rel, sizeof rel, "wycheproof/primitives/%s", name);
    if (!(root = load(rel)))
        return;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
        uint8_t *pk = NULL;
        size_t n = hex(str(json_object_get(g, "publicKey"), "pk"), &pk);
        jgi_parts parts;
        char why[200] = "";
        jg_key *k = key_new(JG_KTY_OKP, crv);
        memset(&parts, 0, sizeof parts);
        parts.x.p = pk;
        parts.x.n = n == (size_t)-1 ? 0 : n;
        if (n != want || jgi_key_import(k, &parts, why, sizeof why)) {
            key_free(k);
            k = NULL;
        }
        /* JG_EDDSA picks by curve; the fully specified name must agree */
        run_tests(&st, name, g, k, JG_EDDSA, why);
        if (k)
            run_tests(&st, name, g, k,
                      crv == JG_CRV_ED25519 ? JG_ED25519 : JG_ED448, why);
        key_free(k);
        free(pk);
    }
    report(name, &st);
    json_decref(root);
}

/* ---- RSA PKCS#1 v1.5 and PSS ---- */
static size_t strip_zeros(uint8_t **p, size_t n)
{
    while (n > 1 && (*p)[0] == 0) {
        memmove(*p, *p + 1, n - 1);
        n--;
    }
    return n;
}

static void run_rsa(const char *name, jg_alg alg, const char *sha,
                    int pss, size_t slen)
{
    char rel[256];
    stats st = {0};
    size_t gi;
    json_t *root, *g;
    snprintf(rel, sizeof rel, "wycheproof/primitives/%s", name);
    if (!(root = load(rel)))
        return;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
        const json_t *pk = json_object_get(g, "publicKey");
        size_t nt = json_array_size(json_object_get(g, "tests"));
        uint8_t *n = NULL, *e = NULL;
        size_t nl, el;
        jgi_parts parts;
        char why[200] = "";
        jg_key *k;
        if (strcmp(str(g, "sha"), sha) != 0) {
            printf("  skip %zu tests of a group: hash %s is not the one of "
                   "%s\n", nt, str(g, "sha"), alg_name(alg));
            st.skipped += nt;
            continue;
        }
        if (pss && (strcmp(str(g, "mgfSha"), sha) != 0 ||
                    (size_t)json_integer_value(json_object_get(g, "sLen")) !=
                        slen)) {
            printf("  skip %zu tests of a group: MGF1 %s / salt %lld bytes; "
                   "JWS %s needs MGF1 %s with a %zu-byte salt (RFC 7518 "
                   "§3.5)\n", nt, str(g, "mgfSha"),
                   json_integer_value(json_object_get(g, "sLen")),
                   alg_name(alg), sha, slen);
            st.skipped += nt;
            continue;
        }
        nl = hex(str(pk, "modulus"), &n);
        el = hex(str(pk, "publicExponent"), &e);
        memset(&parts, 0, sizeof parts);
        if (nl != (size_t)-1 && el != (size_t)-1) {
            /* ASN.1 sign bytes are not part of a JWK's minimal integer */
            parts.n.n = strip_zeros(&n, nl);
            parts.n.p = n;
            parts.e.n = strip_zeros(&e, el);
            parts.e.p = e;
        }
        k = key_new(JG_KTY_RSA, JG_CRV_NONE);
        if (jgi_key_import(k, &parts, why, sizeof why) != JG_OK) {
            key_free(k);
            k = NULL;
        }
        run_tests(&st, name, g, k, alg, why);
        key_free(k);
        free(n);
        free(e);
    }
    report(name, &st);
    json_decref(root);
}

/* ---- HMAC ---- */
static void run_hmac(const char *name, jg_alg alg, size_t hlen)
{
    char rel[256];
    stats st = {0};
    size_t gi, i;
    json_t *root, *g, *t;
    unsigned long short_keys = 0, trunc = 0, long_tags = 0;
    snprintf(rel, sizeof rel, "wycheproof/primitives/%s", name);
    if (!(root = load(rel)))
        return;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
        size_t ks = (size_t)json_integer_value(json_object_get(g, "keySize"));
        size_t ts = (size_t)json_integer_value(json_object_get(g, "tagSize"));
        json_array_foreach(json_object_get(g, "tests"), i, t) {
            uint8_t *key = NULL, *msg = NULL, *tag = NULL;
            size_t kl = hex(str(t, "key"), &key);
            size_t ml = hex(str(t, "msg"), &msg);
            size_t tl = hex(str(t, "tag"), &tag);
            jg_key *k = key_new(JG_KTY_OCT, JG_CRV_NONE);
            jg_err prep;
            if (kl == (size_t)-1 || ml == (size_t)-1 || tl == (size_t)-1) {
                st.fail++;
                printf("  FAIL %s: bad hex\n", name);
                goto next;
            }
            k->secret = key;
            k->secret_len = kl;
            k->has_private = 1;
            key = NULL;
            prep = jgi_key_prepare(k);
            if (ks / 8 < hlen) {
                /* RFC 7518 §3.2: such a key must be refused outright */
                short_keys++;
                if (prep != JG_OK ||
                    jgi_verify(k, alg, msg, ml, tag, tl) != JG_OK) {
                    st.pass++;
                    st.refused++;
                } else {
                    st.fail++;
                    printf("  FAIL %s tcId %lld: %zu-byte key accepted\n",
                           name, json_integer_value(json_object_get(t, "tcId")),
                           ks / 8);
                }
                goto next;
            }
            if (prep != JG_OK) {
                st.fail++;
                printf("  FAIL %s: prepare %s\n", name,
                       jg_err_name(prep));
                goto next;
            }
            if (ts != hlen * 8) {
                /* JWS never truncates (nor extends) a MAC: must fail */
                if (ts < hlen * 8)
                    trunc++;
                else
                    long_tags++;
                if (jgi_verify(k, alg, msg, ml, tag, tl) != JG_OK) {
                    st.pass++;
                    st.refused++;
                } else {
                    st.fail++;
                    printf("  FAIL %s tcId %lld: %zu-bit tag accepted\n",
                           name, json_integer_value(json_object_get(t, "tcId")),
                           ts);
                }
                goto next;
            }
            judge(&st, name, t, jgi_verify(k, alg, msg, ml, tag, tl) == JG_OK,
                  NULL);
        next:
            key_free(k);
            free(key);
            free(msg);
            free(tag);
        }
    }
    if (short_keys)
        printf("  %lu tests use keys shorter than %zu bytes: not run as "
               "MACs (RFC 7518 §3.2); checked that the key is refused\n",
               short_keys, hlen);
    if (trunc || long_tags)
        printf("  %lu tests use truncated and %lu longer tags: not valid "
               "in JWS; checked that jgi_verify rejects them\n", trunc,
               long_tags);
    report(name, &st);
    json_decref(root);
}

/* ---- import refusals from the JWK file (ROCA, 1024 bits, e = 1) ---- */
static int b64v(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Lenient base64url decoder for test input only. */
static size_t b64url(const char *s, uint8_t **out)
{
    size_t n = strlen(s), o = 0;
    uint32_t acc = 0;
    int bits = 0;
    uint8_t *b = malloc(n * 3 / 4 + 3);
    if (!b)
        abort();
    for (size_t i = 0; i < n; i++) {
        int v = b64v(s[i]);
        if (v < 0)
            break;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            b[o++] = (uint8_t)(acc >> bits);
        }
    }
    *out = b;
    return o;
}

static void run_jwk_refusals(void)
{
    static const char *file = "json_web_key_test.json";
    static const char *groups[] = {"jws_rsa_roca_key", "keysize_too_small",
                                   "exponentOne"};
    stats st = {0};
    size_t gi, found = 0;
    json_t *root = load("wycheproof/json_web_key_test.json"), *g;
    if (!root)
        return;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g) {
        const char *c = str(g, "comment");
        json_t *jwk = json_object_get(g, "public");
        jgi_parts parts;
        char why[200] = "";
        jg_key *k;
        jg_err rc;
        size_t j;
        int want = 0;
        for (j = 0; j < sizeof groups / sizeof groups[0]; j++)
            want |= strcmp(c, groups[j]) == 0;
        if (!want)
            continue;
        found++;
        if (!jwk)
            jwk = json_object_get(g, "private");
        if (json_object_get(jwk, "keys"))
            jwk = json_array_get(json_object_get(jwk, "keys"), 0);
        memset(&parts, 0, sizeof parts);
        parts.n.n = b64url(str(jwk, "n"), &parts.n.p);
        parts.e.n = b64url(str(jwk, "e"), &parts.e.p);
        k = key_new(JG_KTY_RSA, JG_CRV_NONE);
        rc = jgi_key_import(k, &parts, why, sizeof why);
        if (rc == JG_E_KEY_INVALID) {
            st.pass++;
            st.refused++;
            printf("  %s: refused (%s)\n", c, why);
        } else {
            st.fail++;
            printf("  FAIL %s: import returned %s\n", c, jg_err_name(rc));
        }
        key_free(k);
        free(parts.n.p);
        free(parts.e.p);
    }
    if (found != sizeof groups / sizeof groups[0]) {
        st.fail++;
        printf("  FAIL %s: expected %zu refusal groups, found %zu\n", file,
               sizeof groups / sizeof groups[0], found);
    }
    report(file, &st);
    json_decref(root);
}

int main(void)
{
    run_ecdsa("ecdsa_secp256r1_sha256_p1363_test.json", JG_CRV_P256,
              JG_ES256, "SHA-256");
    run_ecdsa("ecdsa_secp384r1_sha384_p1363_test.json", JG_CRV_P384,
              JG_ES384, "SHA-384");
    run_ecdsa("ecdsa_secp521r1_sha512_p1363_test.json", JG_CRV_P521,
              JG_ES512, "SHA-512");
    run_ecdsa("ecdsa_secp256k1_sha256_p1363_test.json", JG_CRV_SECP256K1,
              JG_ES256K, "SHA-256");
    run_eddsa("ed25519_test.json", JG_CRV_ED25519);
    run_eddsa("ed448_test.json", JG_CRV_ED448);
    run_rsa("rsa_signature_2048_sha256_test.json", JG_RS256, "SHA-256", 0, 0);
    run_rsa("rsa_signature_2048_sha384_test.json", JG_RS384, "SHA-384", 0, 0);
    run_rsa("rsa_signature_2048_sha512_test.json", JG_RS512, "SHA-512", 0, 0);
    run_rsa("rsa_pss_2048_sha256_mgf1_32_test.json", JG_PS256, "SHA-256", 1,
            32);
    run_rsa("rsa_pss_2048_sha384_mgf1_48_test.json", JG_PS384, "SHA-384", 1,
            48);
    run_rsa("rsa_pss_4096_sha512_mgf1_64_test.json", JG_PS512, "SHA-512", 1,
            64);
    run_hmac("hmac_sha256_test.json", JG_HS256, 32);
    run_hmac("hmac_sha384_test.json", JG_HS384, 48);
    run_hmac("hmac_sha512_test.json", JG_HS512, 64);
    run_jwk_refusals();
    printf("%lu passed, %lu failed\n", total_pass, total_fail);
    return total_fail == 0 && total_pass > 0 ? 0 : 1;
}
