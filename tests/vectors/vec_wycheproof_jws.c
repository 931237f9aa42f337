/* tests/vectors/vec_wycheproof_jws.c - Wycheproof JOSE signature vectors.
 *
 * Runs every case of wycheproof/json_web_signature_test.json through the
 * public API only: the trusted key comes from the group ("public", else
 * "private"), the policy allows exactly the key's own "alg", and the token
 * goes to jg_jws_verify (compact; no claims). The documented exceptions
 * (tests/vectors/README.md) are in one table below, each with its reason.
 * The JWK and JwCrypto runners include this file with WY_FILE set, so all
 * three files share one runner. Exit status is non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwtguard/jwtguard.h>

#include "testutil.h"

#ifndef WY_FILE
#define WY_FILE "json_web_signature_test.json"
#endif

/* ---- counters ---- */
static struct {
    unsigned total;          /* cases seen */
    unsigned valid_ok;       /* upstream valid, verified */
    unsigned invalid_rej;    /* upstream invalid, rejected */
    unsigned acceptable;     /* upstream acceptable, either outcome */
    unsigned expected_diff;  /* documented: we deliberately differ */
    unsigned known_gap;      /* documented: feature not implemented */
    unsigned skipped;        /* skipped with a printed reason */
    unsigned failed;
} cnt;

static int verbose;

/* Tokens of the cases run so far, by tcId (for EXC_SAME_AS_VALID). */
#define MAX_TCID 4096
static char *seen_tok[MAX_TCID];

/* ---- documented exceptions (tests/vectors/README.md) ---- */
enum exc_kind {
    EXC_NONE = 0,
    /* Upstream "valid", but a strict verifier must reject it. If `fix_alg`
     * is set, the same token must then verify once the group key's "alg"
     * is corrected to it (so the signature itself is still checked). */
    EXC_MUST_REJECT,
    /* Upstream "invalid", but the token is byte-identical to the valid
     * case `same_as` of the same group: it must verify. Checked at run
     * time; if upstream fixes the file, the case runs normally again. */
    EXC_SAME_AS_VALID
};

struct exc {
    const char *file;
    int tcid;
    enum exc_kind kind;
    const char *fix_alg;
    int same_as;
    const char *why;
};

static const struct exc exceptions[] = {
    {"json_web_signature_test.json", 372, EXC_MUST_REJECT, NULL, 0,
     "'?' inserted into the header segment: RFC 7515 §5.2 requires strict "
     "base64url (see also tcId 374/375)"},
    {"json_web_signature_test.json", 373, EXC_MUST_REJECT, NULL, 0,
     "'?' inserted into the payload segment: RFC 7515 §5.2 requires strict "
     "base64url (see also tcId 374/375)"},
    {"json_web_signature_test.json", 367, EXC_SAME_AS_VALID, NULL, 357,
     "invalidBase64Padding: the token carries no padding; it is the valid "
     "token of tcId 357, byte for byte (the padding was lost upstream)"},
    {"json_web_signature_test.json", 370, EXC_SAME_AS_VALID, NULL, 357,
     "invalidBase64PaddingInPayload: the token carries no padding; it is "
     "the valid token of tcId 357, byte for byte (lost upstream)"},
    {"json_web_signature_test.json", 346, EXC_MUST_REJECT, "PS384", 0,
     "group key says alg PS256, token is PS384: a key is bound to one "
     "algorithm (RFC 8725 §3.1; same rule as the WrongPrimitive cases)"},
    {"json_web_signature_test.json", 350, EXC_MUST_REJECT, "PS384", 0,
     "group key says alg PS256, token is PS384: a key is bound to one "
     "algorithm (RFC 8725 §3.1; same rule as the WrongPrimitive cases)"},
    {"json_web_signature_test.json", 347, EXC_MUST_REJECT, "ES512", 0,
     "group key says alg \"ES521\", which is no JWS algorithm: such a key is "
     "refused, as json_web_key_test.json tcId 20 (alg ES224) requires"},
    {"json_web_signature_test.json", 351, EXC_MUST_REJECT, "ES512", 0,
     "group key says alg \"ES521\", which is no JWS algorithm: such a key is "
     "refused, as json_web_key_test.json tcId 20 (alg ES224) requires"},
};

static const struct exc *find_exception(int tcid)
{
    for (size_t i = 0; i < sizeof exceptions / sizeof exceptions[0]; i++)
        if (exceptions[i].tcid == tcid &&
            strcmp(exceptions[i].file, WY_FILE) == 0)
            return &exceptions[i];
    return NULL;
}

/* ---- small helpers (independent of the library under test) ---- */
static int b64u_val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* Plain base64url decoding (alphabet only, no padding). Returns a malloc'd
 * buffer (NUL-terminated) or NULL on any character outside the alphabet. */
static unsigned char *b64u_decode(const char *s, size_t n, size_t *out_len)
{
    unsigned char *out = malloc(n * 3 / 4 + 2);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    if (!out)
        return NULL;
    if (n % 4 == 1) {
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        int v = b64u_val((unsigned char)s[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)((acc >> bits) & 0xffu);
        }
    }
    out[o] = 0;
    *out_len = o;
    return out;
}

/* The alg named in a compact token's header (our own parse), or
 * JG_ALG_UNKNOWN. */
static jg_alg token_header_alg(const char *tok)
{
    const char *dot = strchr(tok, '.');
    size_t hl;
    unsigned char *h;
    json_t *j;
    jg_alg a = JG_ALG_UNKNOWN;
    if (!dot)
        return JG_ALG_UNKNOWN;
    h = b64u_decode(tok, (size_t)(dot - tok), &hl);
    if (!h)
        return JG_ALG_UNKNOWN;
    j = json_loadb((const char *)h, hl, 0, NULL);
    free(h);
    if (j && json_is_string(json_object_get(j, "alg"))) {
        const char *s = json_string_value(json_object_get(j, "alg"));
        a = jg_alg_from_name(s, strlen(s));
    }
    json_decref(j);
    return a;
}

static int has_b64_false(const char *tok);

/* The payload a compact token carries (decoded, or as is for b64:false),
 * or NULL. */
static unsigned char *token_payload(const char *tok, size_t *len)
{
    const char *d1 = strchr(tok, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    unsigned char *raw;
    if (!d2)
        return NULL;
    if (!has_b64_false(tok))
        return b64u_decode(d1 + 1, (size_t)(d2 - d1 - 1), len);
    *len = (size_t)(d2 - d1 - 1);
    raw = malloc(*len + 1);
    if (raw) {
        memcpy(raw, d1 + 1, *len);
        raw[*len] = 0;
    }
    return raw;
}

static int has_b64_false(const char *tok)
{
    const char *dot = strchr(tok, '.');
    size_t hl;
    unsigned char *h;
    json_t *j;
    int r = 0;
    if (!dot)
        return 0;
    h = b64u_decode(tok, (size_t)(dot - tok), &hl);
    if (!h)
        return 0;
    j = json_loadb((const char *)h, hl, 0, NULL);
    free(h);
    if (j && json_is_false(json_object_get(j, "b64")))
        r = 1;
    json_decref(j);
    return r;
}

/* ---- running one case ---- */
struct outcome {
    jg_err err;            /* JG_OK only if verified */
    const char *stage;     /* where it stopped */
    char why[400];         /* jg_reason_str or a note */
    int contract_broken;   /* rejected but an output was left filled */
    int payload_mismatch;  /* verified, but not the token's payload */
    char notes[200];       /* e.g. the alg fallback */
};

/* Collect the algorithms named by the key (or every key of a set). */
static size_t key_algs(const json_t *key, jg_alg *algs, size_t cap,
                       const char **bad_alg)
{
    size_t n = 0;
    const json_t *keys = json_object_get(key, "keys");
    size_t count = keys ? json_array_size(keys) : 1;
    *bad_alg = NULL;
    for (size_t i = 0; i < count; i++) {
        const json_t *k = keys ? json_array_get(keys, i) : key;
        const json_t *a = json_object_get(k, "alg");
        if (!json_is_string(a))
            continue;
        jg_alg ja = jg_alg_from_name(json_string_value(a),
                                     json_string_length(a));
        if (ja == JG_ALG_UNKNOWN) {
            *bad_alg = json_string_value(a);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= algs[j] == ja;
        if (!dup && n < cap)
            algs[n++] = ja;
    }
    return n;
}

/* Import `key` (JWK or JWKS), allow the algorithms, verify `tok`. When
 * `json_api` is set, use jg_jws_verify_json and report the index. */
static void run_case(const json_t *key, const char *tok, size_t tok_len,
                     int b64_opt_in, int json_api, struct outcome *o,
                     size_t *sig_index)
{
    char *ktext = json_dumps(key, JSON_COMPACT);
    jg_key *k = NULL;
    jg_keyset *ks = NULL;
    jg_policy *p = NULL;
    jg_verifier *v = NULL;
    jg_buf payload = {0};
    jg_json *hdr = NULL;
    jg_reason why;
    jg_alg algs[8];
    size_t nalg;
    const char *bad_alg;
    jg_err rc;

    memset(o, 0, sizeof *o);
    memset(&why, 0, sizeof why);
    if (!ktext) {
        o->err = JG_E_NOMEM;
        o->stage = "test";
        goto out;
    }
    if (json_object_get(key, "keys")) {
        size_t skipped = 0;
        rc = jg_keyset_from_jwks(&ks, ktext, strlen(ktext), &skipped);
        o->stage = "jg_keyset_from_jwks";
        if (rc == JG_OK && skipped)
            snprintf(o->notes, sizeof o->notes, "%zu key(s) skipped", skipped);
    } else {
        rc = jg_key_from_jwk(&k, ktext, strlen(ktext));
        o->stage = "jg_key_from_jwk";
        if (rc == JG_OK) {
            rc = jg_keyset_from_key(&ks, k);
            o->stage = "jg_keyset_from_key";
        }
    }
    if (rc != JG_OK) {
        o->err = rc;
        snprintf(o->why, sizeof o->why, "%s", jg_err_str(rc));
        goto out;
    }

    /* The verification algorithm is the key's own. A key without a JWS
     * alg (absent, or a JWE/unknown name) gets the token's alg instead, so
     * that the key checks (use, key_ops, kty, alg) decide, not an empty
     * allowlist. */
    nalg = key_algs(key, algs, sizeof algs / sizeof algs[0], &bad_alg);
    if (nalg == 0 && !json_api) {
        jg_alg ta = token_header_alg(tok);
        if (ta != JG_ALG_UNKNOWN) {
            algs[nalg++] = ta;
            snprintf(o->notes, sizeof o->notes,
                     "key has %s%s%s; policy allows the token's alg %s",
                     bad_alg ? "non-JWS alg \"" : "no alg",
                     bad_alg ? bad_alg : "", bad_alg ? "\"" : "",
                     jg_alg_name(ta));
        }
    }
    rc = jg_policy_new(&p);
    if (rc != JG_OK) {
        o->err = rc;
        o->stage = "jg_policy_new";
        goto out;
    }
    for (size_t i = 0; i < nalg; i++) {
        rc = jg_policy_allow_alg(p, algs[i]);
        if (rc != JG_OK) {
            o->err = rc;
            o->stage = "jg_policy_allow_alg";
            snprintf(o->why, sizeof o->why, "refused %s", jg_alg_name(algs[i]));
            goto out;
        }
    }
    if (b64_opt_in)
        jg_policy_allow_b64_false(p);
    rc = jg_verifier_new(&v, p, ks);
    if (rc != JG_OK) {
        o->err = rc;
        o->stage = "jg_verifier_new";
        snprintf(o->why, sizeof o->why, "%s", jg_err_str(rc));
        goto out;
    }
    if (json_api) {
        rc = jg_jws_verify_json(v, tok, tok_len, &payload, sig_index, &hdr,
                                &why);
        o->stage = "jg_jws_verify_json";
    } else {
        rc = jg_jws_verify(v, tok, tok_len, &payload, &hdr, &why);
        o->stage = "jg_jws_verify";
    }
    o->err = rc;
    snprintf(o->why, sizeof o->why, "%s", jg_reason_str(&why));
    if (why.err != rc) {
        o->contract_broken = 1;
        snprintf(o->why + strlen(o->why), sizeof o->why - strlen(o->why),
                 " [jg_reason.err %s != returned %s]", jg_err_name(why.err),
                 jg_err_name(rc));
    }
    if (rc != JG_OK) {
        if (payload.data || payload.len || hdr)
            o->contract_broken = 1;
    } else if (!json_api) {
        size_t plen = 0;
        unsigned char *want = token_payload(tok, &plen);
        if (!hdr)
            o->contract_broken = 1;
        if (!want || plen != payload.len ||
            (plen && memcmp(want, payload.data, plen) != 0))
            o->payload_mismatch = 1;
        free(want);
    }
out:
    jg_buf_free(&payload);
    jg_json_free(hdr);
    jg_verifier_free(v);
    jg_policy_free(p);
    jg_keyset_free(ks);
    jg_key_free(k);
    free(ktext);
}

static void fail(int tcid, const char *group, const char *comment,
                 const char *expected, const struct outcome *o)
{
    cnt.failed++;
    printf("FAIL %s tcId %d [%s] %s: expected %s; got %s at %s: %s%s%s%s%s\n",
           WY_FILE, tcid, group, comment, expected, jg_err_name(o->err),
           o->stage ? o->stage : "?", o->why,
           o->contract_broken ? " [output left filled on rejection, or "
                                "no header on success]"
                              : "",
           o->payload_mismatch ? " [payload differs from the token's]" : "",
           o->notes[0] ? "; note: " : "", o->notes);
}

static void show(const char *tag, int tcid, const char *group,
                 const char *comment, const struct outcome *o)
{
    printf("%s tcId %d [%s] %s: %s at %s%s%s\n", tag, tcid, group, comment,
           jg_err_name(o->err), o->stage ? o->stage : "?",
           o->notes[0] ? "; note: " : "", o->notes);
}

static void run_jws_case(const json_t *group, const json_t *key,
                         const json_t *t)
{
    int tcid = (int)json_integer_value(json_object_get(t, "tcId"));
    const char *comment = json_string_value(json_object_get(t, "comment"));
    const char *result = json_string_value(json_object_get(t, "result"));
    const char *gname = json_string_value(json_object_get(group, "comment"));
    const json_t *jws = json_object_get(t, "jws");
    const struct exc *ex = find_exception(tcid);
    struct outcome o;
    char *tok;
    int is_json_ser;
    size_t idx = 0;

    if (!comment)
        comment = "?";
    if (!gname)
        gname = "?";
    if (!result) {
        cnt.failed++;
        printf("FAIL %s tcId %d: no result field\n", WY_FILE, tcid);
        return;
    }
    if (json_is_string(jws))
        tok = strdup(json_string_value(jws));
    else
        tok = json_dumps(jws, JSON_COMPACT);
    if (!tok) {
        cnt.failed++;
        printf("FAIL %s tcId %d: cannot read jws\n", WY_FILE, tcid);
        return;
    }
    is_json_ser = tok[0] == '{' || strcmp(comment,
                                          "rejectsValidJsonSerialization") == 0;

    run_case(key, tok, strlen(tok), 0, 0, &o, NULL);

    if (is_json_ser) {
        /* The compact entry point must refuse JSON serialization. */
        if (strcmp(result, "invalid") != 0)
            printf("NOTE tcId %d: upstream marks this JSON-serialized case "
                   "\"%s\" (expected \"invalid\")\n",
                   tcid, result);
        if (o.err == JG_OK || o.contract_broken) {
            fail(tcid, gname, comment,
                 "jg_jws_verify to reject JSON serialization", &o);
        } else {
            cnt.invalid_rej++;
            show("ok (compact API rejects JSON serialization)", tcid, gname,
                 comment, &o);
        }
        /* Informational: what the JSON API makes of it. */
        run_case(key, tok, strlen(tok), 0, 1, &o, &idx);
        if (o.err == JG_OK)
            printf("INFO tcId %d: jg_jws_verify_json verified it "
                   "(signature index %zu)\n", tcid, idx);
        else
            printf("INFO tcId %d: jg_jws_verify_json -> %s at %s: %s\n", tcid,
                   jg_err_name(o.err), o.stage, o.why);
        if (o.contract_broken)
            printf("WARN tcId %d: jg_jws_verify_json left an output filled on "
                   "rejection or returned no header\n",
                   tcid);
        free(tok);
        return;
    }

    if (tcid >= 0 && tcid < MAX_TCID && !seen_tok[tcid])
        seen_tok[tcid] = strdup(tok);
    if (ex && ex->kind == EXC_SAME_AS_VALID) {
        const char *twin = ex->same_as > 0 && ex->same_as < MAX_TCID
                               ? seen_tok[ex->same_as]
                               : NULL;
        if (twin && strcmp(twin, tok) == 0) {
            if (o.err != JG_OK || o.contract_broken || o.payload_mismatch) {
                fail(tcid, gname, comment,
                     "verification (the token is a valid one)", &o);
            } else {
                cnt.expected_diff++;
                printf("EXPECTED-DIFFERENT tcId %d [%s] %s: upstream \"%s\", "
                       "we verify it (same token as valid tcId %d): %s\n",
                       tcid, gname, comment, result, ex->same_as, ex->why);
            }
            free(tok);
            return;
        }
        printf("NOTE tcId %d: no longer the token of tcId %d; the documented "
               "exception is stale, running the case as upstream says\n",
               tcid, ex->same_as);
        ex = NULL;
    }

    if (ex && ex->kind == EXC_MUST_REJECT) {
        if (o.err == JG_OK || o.contract_broken) {
            fail(tcid, gname, comment,
                 "rejection (documented difference from upstream)", &o);
            free(tok);
            return;
        }
        if (ex->fix_alg) {
            /* Same token, key alg corrected: must verify. */
            json_t *k2 = json_deep_copy(key);
            struct outcome o2;
            json_object_set_new(k2, "alg", json_string(ex->fix_alg));
            run_case(k2, tok, strlen(tok), 0, 0, &o2, NULL);
            json_decref(k2);
            if (o2.err != JG_OK || o2.contract_broken || o2.payload_mismatch) {
                char what[96];
                snprintf(what, sizeof what,
                         "verification once the key alg is corrected to %s",
                         ex->fix_alg);
                fail(tcid, gname, comment, what, &o2);
                free(tok);
                return;
            }
        }
        cnt.expected_diff++;
        printf("EXPECTED-DIFFERENT tcId %d [%s] %s: upstream \"%s\", we "
               "reject (%s at %s)%s%s: %s\n",
               tcid, gname, comment, result, jg_err_name(o.err), o.stage,
               ex->fix_alg ? "; verifies with key alg " : "",
               ex->fix_alg ? ex->fix_alg : "", ex->why);
        free(tok);
        return;
    }

    if (strcmp(comment, "rejectsKeyWithRocaVulnerability") == 0) {
        if (o.err == JG_OK) {
            cnt.known_gap++;
            printf("KNOWN-GAP tcId %d [%s] %s: accepted: no ROCA fingerprint "
                   "check on RSA moduli (see tests/vectors/README.md)\n",
                   tcid, gname, comment);
        } else if (o.contract_broken) {
            fail(tcid, gname, comment, "empty outputs on rejection", &o);
        } else {
            cnt.invalid_rej++;
            show("ok (ROCA key refused)", tcid, gname, comment, &o);
        }
        free(tok);
        return;
    }

    if (strcmp(result, "valid") == 0) {
        if (o.err == JG_E_CRIT_UNSUPPORTED && has_b64_false(tok)) {
            printf("SKIP-DEFAULT tcId %d: needs b64:false (RFC 7797); "
                   "running again with jg_policy_allow_b64_false\n",
                   tcid);
            run_case(key, tok, strlen(tok), 1, 0, &o, NULL);
            if (o.err != JG_OK || o.contract_broken) {
                fail(tcid, gname, comment, "verification with the opt-in",
                     &o);
            } else {
                cnt.skipped++;
                show("ok (with opt-in)", tcid, gname, comment, &o);
            }
        } else if (o.err != JG_OK || o.contract_broken ||
                   o.payload_mismatch) {
            fail(tcid, gname, comment, "verification", &o);
        } else {
            cnt.valid_ok++;
            if (verbose || o.notes[0])
                show("ok", tcid, gname, comment, &o);
        }
    } else if (strcmp(result, "invalid") == 0) {
        if (o.err == JG_OK || o.contract_broken) {
            fail(tcid, gname, comment, "rejection", &o);
        } else {
            cnt.invalid_rej++;
            if (verbose || o.notes[0])
                show("ok", tcid, gname, comment, &o);
        }
    } else if (strcmp(result, "acceptable") == 0) {
        if (o.contract_broken) {
            fail(tcid, gname, comment, "consistent outputs", &o);
        } else {
            cnt.acceptable++;
            show("ACCEPTABLE", tcid, gname, comment, &o);
        }
    } else {
        cnt.failed++;
        printf("FAIL %s tcId %d: unknown result \"%s\"\n", WY_FILE, tcid,
               result);
    }
    free(tok);
}

int main(void)
{
    json_error_t jerr;
    const char *path = jgt_vector_path("wycheproof/" WY_FILE);
    json_t *root = json_load_file(path, 0, &jerr);
    const json_t *groups;
    json_int_t declared;
    unsigned passed;

    verbose = getenv("JG_VERBOSE") != NULL;
    if (!root) {
        printf("FAIL cannot read %s: %s (line %d)\n", path, jerr.text,
               jerr.line);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    declared = json_integer_value(json_object_get(root, "numberOfTests"));
    groups = json_object_get(root, "testGroups");
    for (size_t g = 0; g < json_array_size(groups); g++) {
        const json_t *group = json_array_get(groups, g);
        const json_t *key = json_object_get(group, "public");
        const json_t *tests = json_object_get(group, "tests");
        unsigned before = cnt.failed;
        if (!key)
            key = json_object_get(group, "private");
        for (size_t i = 0; i < json_array_size(tests); i++) {
            const json_t *t = json_array_get(tests, i);
            int tcid = (int)json_integer_value(json_object_get(t, "tcId"));
            cnt.total++;
            if (json_object_get(t, "jwe")) {
                cnt.skipped++;
                printf("SKIP tcId %d [%s]: JWE: not in this build\n", tcid,
                       json_string_value(json_object_get(group, "comment")));
                continue;
            }
            if (!json_object_get(t, "jws") || !key) {
                cnt.failed++;
                printf("FAIL %s tcId %d: no jws or no group key\n", WY_FILE,
                       tcid);
                continue;
            }
            run_jws_case(group, key, t);
        }
        printf("group %zu [%s]: %zu case(s), %u failure(s)\n", g,
               json_string_value(json_object_get(group, "comment")),
               json_array_size(tests), cnt.failed - before);
    }
    json_decref(root);
    for (size_t i = 0; i < MAX_TCID; i++)
        free(seen_tok[i]);

    if ((json_int_t)cnt.total != declared) {
        cnt.failed++;
        printf("FAIL %s: numberOfTests says %lld, the file has %u cases\n",
               WY_FILE, (long long)declared, cnt.total);
    }
    {
        unsigned sum = cnt.valid_ok + cnt.invalid_rej + cnt.acceptable +
                       cnt.expected_diff + cnt.known_gap + cnt.skipped +
                       cnt.failed;
        /* every case lands in exactly one bucket (the count check above
         * may add one failure that is not a case) */
        if (sum < cnt.total) {
            printf("FAIL %s: %u case(s) not accounted for\n", WY_FILE,
                   cnt.total - sum);
            cnt.failed += cnt.total - sum;
        }
    }
    printf("%s: %u cases: valid ok %u, invalid rejected %u, acceptable %u, "
           "expected-different %u, known gaps %u, skipped-with-reason %u, "
           "failed %u\n",
           WY_FILE, cnt.total, cnt.valid_ok, cnt.invalid_rej, cnt.acceptable,
           cnt.expected_diff, cnt.known_gap, cnt.skipped, cnt.failed);
    passed = cnt.valid_ok + cnt.invalid_rej + cnt.acceptable +
             cnt.expected_diff + cnt.known_gap;
    printf("%u passed, %u failed\n", passed, cnt.failed);
    return cnt.failed ? 1 : 0;
}
