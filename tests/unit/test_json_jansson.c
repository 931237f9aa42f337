/* tests/unit/test_json_jansson.c - differential test: our reader vs jansson.
 *
 * Inputs: every JSONTestSuite test_parsing and test_transform file, plus
 * generated documents (valid ones with every feature the grammar has, and
 * byte-mutated copies). Where both parsers accept, the trees must be equal
 * (types, exact ints, doubles bit for bit, strings byte-equal, member
 * names and order). Where jansson (JSON_REJECT_DUPLICATES |
 * JSON_DECODE_ANY | JSON_ALLOW_NUL) accepts and we reject, the reason must
 * be one of our documented stricter rules; where we accept and jansson
 * rejects, jansson's reason must be a known limitation of jansson. Every
 * disagreement is printed; an unexplained one fails the test.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "testutil.h"

#define MAX_DEPTH 1000

static jg_limits lim;
static int unexplained, both_ok, both_rej, stricter, laxer;

static uint64_t rng_state = 0x452821E638D01377u;
static uint32_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1Du) >> 32);
}

/* ---- tree comparison ---- */

static const char *cmp_trees(const jg_jval *v, const json_t *j)
{
    size_t i, n;
    switch (jg_jval_type(v)) {
    case JG_JSON_NULL:
        return json_is_null(j) ? NULL : "null vs other";
    case JG_JSON_BOOL: {
        int b = -1;
        if (jg_jval_bool(v, &b) != JG_OK || !json_is_boolean(j))
            return "bool vs other";
        return (b != 0) == json_is_true(j) ? NULL : "bool value";
    }
    case JG_JSON_INT: {
        int64_t i64 = 0;
        if (jg_jval_int(v, &i64) != JG_OK || !json_is_integer(j))
            return "int vs other";
        return i64 == (int64_t)json_integer_value(j) ? NULL : "int value";
    }
    case JG_JSON_DOUBLE: {
        double d = 0, e;
        if (jg_jval_num(v, &d) != JG_OK || !json_is_real(j))
            return "double vs other";
        e = json_real_value(j);
        return memcmp(&d, &e, sizeof d) == 0 ? NULL : "double bits";
    }
    case JG_JSON_STRING: {
        const char *s;
        size_t len;
        if (jg_jval_str(v, &s, &len) != JG_OK || !json_is_string(j))
            return "string vs other";
        if (len != json_string_length(j) ||
            memcmp(s, json_string_value(j), len) != 0)
            return "string bytes";
        return NULL;
    }
    case JG_JSON_ARRAY:
        if (!json_is_array(j))
            return "array vs other";
        n = jg_jval_count(v);
        if (n != json_array_size(j))
            return "array size";
        for (i = 0; i < n; i++) {
            const char *r = cmp_trees(jg_jval_at(v, i), json_array_get(j, i));
            if (r)
                return r;
        }
        return NULL;
    case JG_JSON_OBJECT: {
        void *it;
        if (!json_is_object(j))
            return "object vs other";
        n = jg_jval_count(v);
        if (n != json_object_size(j))
            return "object size";
        /* jansson 2.14 iterates in insertion (= document) order */
        it = json_object_iter((json_t *)j);
        for (i = 0; i < n; i++, it = json_object_iter_next((json_t *)j, it)) {
            const char *name, *r;
            size_t nl;
            const jg_jval *m = jg_jval_member(v, i, &name, &nl);
            if (!it)
                return "object iteration";
            if (nl != strlen(json_object_iter_key(it)) ||
                memcmp(name, json_object_iter_key(it), nl) != 0)
                return "member name or order";
            r = cmp_trees(m, json_object_iter_value(it));
            if (r)
                return r;
        }
        return NULL;
    }
    }
    return "unknown type";
}

/* ---- why we are stricter: scan the text for our documented rules ---- */

/* Returns the rule that explains our rejection, or NULL. Only rules that
 * jansson does not also apply can explain a difference. */
static const char *stricter_rule(const char *t, size_t len, jg_err rc)
{
    size_t i = 0, depth = 0, maxdepth = 0;
    int underflow = 0;

    while (i < len) {
        char c = t[i];
        if (c == '"') {
            for (i++; i < len && t[i] != '"'; i++)
                if (t[i] == '\\')
                    i++;
            i++;
        } else if (c == '[' || c == '{') {
            if (++depth > maxdepth)
                maxdepth = depth;
            i++;
        } else if (c == ']' || c == '}') {
            if (depth)
                depth--;
            i++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t s = i;
            int nonzero = 0, in_exp = 0;
            char buf[512];
            while (i < len && strchr("+-.eE0123456789", t[i])) {
                if (t[i] == 'e' || t[i] == 'E')
                    in_exp = 1;
                if (!in_exp && t[i] >= '1' && t[i] <= '9')
                    nonzero = 1;
                i++;
            }
            if (i - s < sizeof buf) {
                memcpy(buf, t + s, i - s);
                buf[i - s] = '\0';
                if (nonzero && strtod(buf, NULL) == 0.0)
                    underflow = 1;
            }
        } else {
            i++;
        }
    }
    if (rc == JG_E_LIMIT && underflow)
        return "non-zero number underflows to 0 (refused, not rounded)";
    if (rc == JG_E_LIMIT && maxdepth > MAX_DEPTH)
        return "nesting deeper than max_depth";
    return NULL;
}

/* jansson refusals that are jansson's limits, not invalid JSON */
static const char *jansson_limit(const json_error_t *e)
{
    if (strstr(e->text, "NUL byte in object key"))
        return "jansson cannot hold U+0000 in a member name";
    return NULL;
}

static void diff_one(const char *name, const char *text, size_t len,
                     int verbose)
{
    jg_json *doc = NULL;
    json_error_t je;
    json_t *j;
    jg_err rc = jg_json_parse(&doc, text, len, &lim);

    j = json_loadb(text, len,
                   JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL,
                   &je);
    if (rc == JG_OK && j) {
        const char *why = cmp_trees(jg_json_root(doc), j);
        both_ok++;
        if (why) {
            printf("FAIL %s: both accept, trees differ: %s\n", name, why);
            unexplained++;
        }
    } else if (rc != JG_OK && j) {
        const char *why = stricter_rule(text, len, rc);
        /* the suite itself says so: jansson is the one in the wrong */
        if (!why && strncmp(name, "n_", 2) == 0)
            why = "JSONTestSuite n_ file (invalid JSON) that jansson accepts";
        stricter++;
        if (why) {
            printf("stricter %s: %s: %s\n", name, jg_err_name(rc), why);
        } else {
            printf("FAIL %s: we reject (%s), jansson accepts, no documented "
                   "rule explains it\n",
                   name, jg_err_name(rc));
            unexplained++;
        }
    } else if (rc == JG_OK && !j) {
        const char *why = jansson_limit(&je);
        laxer++;
        if (why) {
            printf("laxer %s: jansson: %s (%s)\n", name, je.text, why);
        } else {
            printf("FAIL %s: we accept, jansson rejects: %s\n", name,
                   je.text);
            unexplained++;
        }
    } else {
        both_rej++;
        if (verbose)
            printf("both reject %s: %s / %s\n", name, jg_err_name(rc),
                   je.text);
    }
    json_decref(j);
    jg_json_free(doc);
}

/* ---- the suite's files ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t run_dir(const char *rel)
{
    char dir[4096];
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;

    snprintf(dir, sizeof dir, "%s", jgt_vector_path(rel));
    d = opendir(dir);
    if (!d) {
        printf("FAIL cannot open %s (set JG_VECTORS)\n", dir);
        unexplained++;
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 512;
            names = realloc(names, cap * sizeof *names);
            assert_non_null(names);
        }
        names[n] = malloc(strlen(e->d_name) + 1);
        assert_non_null(names[n]);
        memcpy(names[n], e->d_name, strlen(e->d_name) + 1);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    for (i = 0; i < n; i++) {
        char path[8192];
        size_t len;
        char *text;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        text = jgt_read_file(path, &len);
        assert_non_null(text);
        diff_one(names[i], text, len, 0);
        free(text);
        free(names[i]);
    }
    free(names);
    return n;
}

/* ---- generated documents ---- */

typedef struct gbuf {
    char *p;
    size_t n, cap;
} gbuf;

static void put(gbuf *g, const char *s, size_t n)
{
    if (g->n + n + 1 > g->cap) {
        g->cap = (g->n + n + 1) * 2;
        g->p = realloc(g->p, g->cap);
        assert_non_null(g->p);
    }
    memcpy(g->p + g->n, s, n);
    g->n += n;
}

static void puts_(gbuf *g, const char *s)
{
    put(g, s, strlen(s));
}

static void ws(gbuf *g)
{
    static const char *w[] = {"", "", "", " ", "\n", "\t", "\r\n  "};
    puts_(g, w[rnd() % 7]);
}

static void gen_string(gbuf *g)
{
    unsigned n = rnd() % 12, i;
    char tmp[32];
    puts_(g, "\"");
    for (i = 0; i < n; i++) {
        switch (rnd() % 14) {
        case 0:
            snprintf(tmp, sizeof tmp, "\\u%04x", rnd() % 0xD800);
            puts_(g, tmp);
            break;
        case 1: /* a surrogate pair, or (rarely) a broken one */
            snprintf(tmp, sizeof tmp, "\\u%04X\\u%04x",
                     0xD800 + rnd() % 0x400,
                     rnd() % 16 ? 0xDC00 + rnd() % 0x400 : rnd() % 0xFFFF);
            puts_(g, tmp);
            break;
        case 2:
            puts_(g, (const char *[]){"\\n", "\\\"", "\\\\", "\\/", "\\b",
                                      "\\f", "\\r", "\\t"}[rnd() % 8]);
            break;
        case 3:
            puts_(g, (const char *[]){"\xC3\xA9", "\xE2\x82\xAC",
                                      "\xF0\x9F\x98\x80", "\xEF\xBF\xBF",
                                      "\xF4\x8F\xBF\xBF"}[rnd() % 5]);
            break;
        case 4:
            puts_(g, "\\u0000");
            break;
        default:
            tmp[0] = (char)(0x20 + rnd() % 0x5F);
            if (tmp[0] == '"' || tmp[0] == '\\')
                tmp[0] = 'x';
            put(g, tmp, 1);
            break;
        }
    }
    puts_(g, "\"");
}

static void gen_number(gbuf *g)
{
    static const char *edge[] = {
        "9223372036854775807", "-9223372036854775808", "0", "-0",
        "9223372036854775806", "-1", "1e308", "1.7976931348623157e308",
        "5e-324", "2.2250738585072014e-308", "0.1", "-0.0", "1E+2",
        "123456789012345678", "1e-320", "0e12", "1.000000000000000005"};
    char tmp[64];
    switch (rnd() % 4) {
    case 0:
        puts_(g, edge[rnd() % (sizeof edge / sizeof edge[0])]);
        break;
    case 1:
        snprintf(tmp, sizeof tmp, "%s%u", rnd() & 1 ? "-" : "", rnd());
        puts_(g, tmp);
        break;
    case 2:
        snprintf(tmp, sizeof tmp, "%s%u.%u%s%d", rnd() & 1 ? "-" : "",
                 rnd() % 1000, rnd(), rnd() & 1 ? "e" : "E",
                 (int)(rnd() % 700) - 350);
        puts_(g, tmp);
        break;
    default:
        snprintf(tmp, sizeof tmp, "%u.%05u", rnd() % 100000, rnd() % 100000);
        puts_(g, tmp);
        break;
    }
}

static void gen_value(gbuf *g, unsigned depth)
{
    unsigned r = rnd() % (depth < 5 ? 9 : 6), n, i;
    ws(g);
    switch (r) {
    case 0:
        puts_(g, (const char *[]){"true", "false", "null"}[rnd() % 3]);
        break;
    case 1:
    case 2:
        gen_number(g);
        break;
    case 3:
    case 4:
    case 5:
        gen_string(g);
        break;
    case 6:
    case 7: {
        /* objects: names from a small set, so duplicates happen */
        n = rnd() % 7;
        puts_(g, "{");
        for (i = 0; i < n; i++) {
            char key[16];
            unsigned k = rnd() % 16;
            if (i)
                puts_(g, ",");
            ws(g);
            snprintf(key, sizeof key, "\"k%u\"", k);
            puts_(g, key);
            ws(g);
            puts_(g, ":");
            gen_value(g, depth + 1);
            ws(g);
        }
        puts_(g, "}");
        break;
    }
    default:
        n = rnd() % 7;
        puts_(g, "[");
        for (i = 0; i < n; i++) {
            if (i)
                puts_(g, ",");
            gen_value(g, depth + 1);
        }
        ws(g);
        puts_(g, "]");
        break;
    }
    ws(g);
}

static void test_jsontestsuite(void **state)
{
    size_t n;
    (void)state;
    n = run_dir("jsontestsuite/test_parsing");
    n += run_dir("jsontestsuite/test_transform");
    printf("suite: %zu files; both accept %d, both reject %d, we stricter "
           "%d, we laxer %d, unexplained %d\n",
           n, both_ok, both_rej, stricter, laxer, unexplained);
    assert_true(n > 300);
    assert_int_equal(unexplained, 0);
}

static void test_generated(void **state)
{
    int iter;
    (void)state;
    both_ok = both_rej = stricter = laxer = unexplained = 0;
    for (iter = 0; iter < 800; iter++) {
        gbuf g = {0};
        char name[32];
        gen_value(&g, 0);
        if (iter % 2) {
            /* mutate 1-3 bytes: insert, delete or replace */
            unsigned m = 1 + rnd() % 3;
            while (m-- && g.n) {
                size_t at = rnd() % g.n;
                static const char pool[] = "{}[],:\"\\ 0-1eE.+tfnu\x80\xC3\xED";
                char c = pool[rnd() % (sizeof pool - 1)];
                switch (rnd() % 3) {
                case 0:
                    g.p[at] = c;
                    break;
                case 1:
                    memmove(g.p + at, g.p + at + 1, g.n - at - 1);
                    g.n--;
                    break;
                default:
                    put(&g, " ", 1);
                    memmove(g.p + at + 1, g.p + at, g.n - at - 1);
                    g.p[at] = c;
                    break;
                }
            }
        }
        snprintf(name, sizeof name, "gen#%d%s", iter,
                 iter % 2 ? " (mutated)" : "");
        diff_one(name, g.p ? g.p : "", g.n, 0);
        free(g.p);
    }
    printf("generated: 800 documents; both accept %d, both reject %d, we "
           "stricter %d, we laxer %d, unexplained %d\n",
           both_ok, both_rej, stricter, laxer, unexplained);
    assert_true(both_ok >= 300); /* the generator must mostly be valid */
    assert_int_equal(unexplained, 0);
}

static int setup(void **state)
{
    (void)state;
    jg_limits_default(&lim);
    lim.max_json = (size_t)1 << 24;
    lim.max_depth = MAX_DEPTH;
    lim.max_members = 1000000;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsontestsuite),
        cmocka_unit_test(test_generated),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
