/* fuzz/fuzz_json.c - the strict JSON reader (lib/json.c), three ways.
 *
 * A document accepted under the default limits is the same tree under
 * generous ones; the writer (jgi_jw_*) writes an accepted tree back as
 * text that reads as the same tree; and jansson (REJECT_DUPLICATES |
 * DECODE_ANY | ALLOW_NUL) agrees, accept with equal trees or reject, except
 * where docs/json.md says we are stricter or jansson cannot hold the value.
 */
#include "fuzz.h"
#include "internal.h"
#include <jansson.h>
#include <string.h>

#define BIG_DEPTH 1000u
#define WRITER_DEPTH 64u

static jg_limits big;
static jg_limits def;

/* ---- our tree against our tree ---- */

static size_t tree_depth(const jg_jval *v)
{
    size_t i, d = 0, n;
    jg_json_type t = jg_jval_type(v);
    if (t != JG_JSON_ARRAY && t != JG_JSON_OBJECT)
        return 0;
    n = jg_jval_count(v);
    for (i = 0; i < n; i++) {
        const char *nm;
        size_t nl, c;
        const jg_jval *e = t == JG_JSON_ARRAY ? jg_jval_at(v, i)
                                              : jg_jval_member(v, i, &nm, &nl);
        c = tree_depth(e);
        if (c > d)
            d = c;
    }
    return d + 1;
}

static const char *cmp_ours(const jg_jval *a, const jg_jval *b, int lookups)
{
    jg_json_type t = jg_jval_type(a);
    size_t i, n;

    if (t != jg_jval_type(b))
        return "types differ";
    switch (t) {
    case JG_JSON_NULL:
        return NULL;
    case JG_JSON_BOOL: {
        int x = -1, y = -2;
        if (jg_jval_bool(a, &x) != JG_OK || jg_jval_bool(b, &y) != JG_OK)
            return "bool read";
        return x == y ? NULL : "bool value";
    }
    case JG_JSON_INT: {
        int64_t x = 0, y = 1;
        if (jg_jval_int(a, &x) != JG_OK || jg_jval_int(b, &y) != JG_OK)
            return "int read";
        return x == y ? NULL : "int value";
    }
    case JG_JSON_DOUBLE: {
        double x = 0, y = 1;
        if (jg_jval_num(a, &x) != JG_OK || jg_jval_num(b, &y) != JG_OK)
            return "double read";
        return memcmp(&x, &y, sizeof x) == 0 ? NULL : "double bits";
    }
    case JG_JSON_STRING: {
        const char *x, *y;
        size_t xl, yl;
        if (jg_jval_str(a, &x, &xl) != JG_OK ||
            jg_jval_str(b, &y, &yl) != JG_OK)
            return "string read";
        if (x[xl] != '\0')
            return "string not NUL-terminated";
        return xl == yl && memcmp(x, y, xl) == 0 ? NULL : "string bytes";
    }
    case JG_JSON_ARRAY:
        n = jg_jval_count(a);
        if (n != jg_jval_count(b))
            return "array size";
        for (i = 0; i < n; i++) {
            const char *r = cmp_ours(jg_jval_at(a, i), jg_jval_at(b, i),
                                     lookups);
            if (r)
                return r;
        }
        return jg_jval_at(a, n) == NULL ? NULL : "element past the end";
    case JG_JSON_OBJECT:
        n = jg_jval_count(a);
        if (n != jg_jval_count(b))
            return "object size";
        for (i = 0; i < n; i++) {
            const char *an, *bn, *r;
            size_t al, bl;
            const jg_jval *am = jg_jval_member(a, i, &an, &al);
            const jg_jval *bm = jg_jval_member(b, i, &bn, &bl);
            if (!am || !bm)
                return "member missing";
            if (al != bl || memcmp(an, bn, al) != 0 || an[al] != '\0')
                return "member name or order";
            /* Duplicates are refused, so lookup by name finds this one. */
            if (lookups && n <= 64 && jg_jval_get(a, an, al) != am)
                return "jg_jval_get does not find the member";
            r = cmp_ours(am, bm, lookups);
            if (r)
                return r;
        }
        return NULL;
    }
    return "unknown type";
}

/* ---- our tree written back with the writer ---- */

static void write_val(jgi_jw *w, const jg_jval *v)
{
    size_t i, n;
    switch (jg_jval_type(v)) {
    case JG_JSON_NULL:
        jgi_jw_null(w);
        break;
    case JG_JSON_BOOL: {
        int b = 0;
        if (jg_jval_bool(v, &b) == JG_OK)
            jgi_jw_bool(w, b);
        break;
    }
    case JG_JSON_INT: {
        int64_t x = 0;
        if (jg_jval_int(v, &x) == JG_OK)
            jgi_jw_int(w, x);
        break;
    }
    case JG_JSON_DOUBLE: {
        double d = 0;
        if (jg_jval_num(v, &d) == JG_OK)
            jgi_jw_double(w, d);
        break;
    }
    case JG_JSON_STRING: {
        const char *s;
        size_t len;
        if (jg_jval_str(v, &s, &len) == JG_OK)
            jgi_jw_str(w, s, len);
        break;
    }
    case JG_JSON_ARRAY:
        jgi_jw_arr_begin(w);
        n = jg_jval_count(v);
        for (i = 0; i < n; i++)
            write_val(w, jg_jval_at(v, i));
        jgi_jw_arr_end(w);
        break;
    case JG_JSON_OBJECT:
        jgi_jw_obj_begin(w);
        n = jg_jval_count(v);
        for (i = 0; i < n; i++) {
            const char *nm;
            size_t nl;
            const jg_jval *m = jg_jval_member(v, i, &nm, &nl);
            jgi_jw_key(w, nm, nl);
            write_val(w, m);
        }
        jgi_jw_obj_end(w);
        break;
    }
}

static void check_writer(const jg_jval *root)
{
    jg_buf out = {0};
    jgi_jw w;
    jg_json *again = NULL;
    size_t depth = tree_depth(root);
    jg_err rc;
    const char *why;

    jgi_jw_init(&w, &out);
    write_val(&w, root);
    rc = jgi_jw_finish(&w);
    if (depth > WRITER_DEPTH) {
        FUZZ_CHECK(rc == JG_E_LIMIT, "writer took depth %zu (%s)", depth,
                   jg_err_name(rc));
        return;
    }
    if (depth == WRITER_DEPTH && rc == JG_E_LIMIT)
        return;
    FUZZ_CHECK(rc == JG_OK, "writer refused an accepted tree: %s",
               jg_err_name(rc));
    rc = jg_json_parse(&again, (const char *)out.data, out.len, &big);
    FUZZ_CHECK(rc == JG_OK, "writer output does not parse (%s): %.200s",
               jg_err_name(rc), (const char *)out.data);
    why = cmp_ours(root, jg_json_root(again), 0);
    FUZZ_CHECK(why == NULL, "writer round trip changed the tree: %s: %.200s",
               why, (const char *)out.data);
    jg_json_free(again);
    jg_buf_free(&out);
}

/* ---- our tree against jansson's ---- */

static const char *cmp_jansson(const jg_jval *v, const json_t *j)
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
        int64_t x = 0;
        if (jg_jval_int(v, &x) != JG_OK || !json_is_integer(j))
            return "int vs other";
        return x == (int64_t)json_integer_value(j) ? NULL : "int value";
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
            const char *r = cmp_jansson(jg_jval_at(v, i), json_array_get(j, i));
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
        /* jansson 2.14 iterates in insertion (document) order */
        it = json_object_iter((json_t *)j);
        for (i = 0; i < n; i++, it = json_object_iter_next((json_t *)j, it)) {
            const char *name, *key, *r;
            size_t nl;
            const jg_jval *m = jg_jval_member(v, i, &name, &nl);
            if (!it)
                return "object iteration";
            key = json_object_iter_key(it);
            if (nl != strlen(key) || memcmp(name, key, nl) != 0)
                return "member name or order";
            r = cmp_jansson(m, json_object_iter_value(it));
            if (r)
                return r;
        }
        return NULL;
    }
    }
    return "unknown type";
}

/* Which documented stricter rule explains our refusal of a text jansson
 * accepts (docs/json.md), or NULL. Only called when jansson accepted, so
 * the text is JSON as jansson reads it and this light scan is enough. */
static const char *stricter_rule(const char *t, size_t len, jg_err rc)
{
    size_t i = 0, depth = 0, maxdepth = 0;
    int underflow = 0;

    if (rc == JG_E_MALFORMED && memchr(t, '\0', len))
        return "a raw NUL byte is never valid JSON (jansson skips some)";
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
            char *num;
            while (i < len && t[i] && strchr("+-.eE0123456789", t[i])) {
                if (t[i] == 'e' || t[i] == 'E')
                    in_exp = 1;
                if (!in_exp && t[i] >= '1' && t[i] <= '9')
                    nonzero = 1;
                i++;
            }
            num = malloc(i - s + 1);
            FUZZ_CHECK(num, "out of memory");
            memcpy(num, t + s, i - s);
            num[i - s] = '\0';
            if (nonzero && strtod(num, NULL) == 0.0)
                underflow = 1;
            free(num);
        } else {
            i++;
        }
    }
    if (rc == JG_E_LIMIT && underflow)
        return "a non-zero number that underflows to 0 is refused";
    if (rc == JG_E_LIMIT && maxdepth > BIG_DEPTH)
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

static void differential(const char *text, size_t len, jg_err rc,
                         const jg_jval *root)
{
    json_error_t je;
    json_t *j = json_loadb(text, len,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
                               JSON_ALLOW_NUL,
                           &je);
    if (rc == JG_OK && j) {
        const char *why = cmp_jansson(root, j);
        FUZZ_CHECK(why == NULL, "both accept, trees differ: %s", why);
    } else if (rc != JG_OK && j) {
        FUZZ_CHECK(stricter_rule(text, len, rc) != NULL,
                   "we reject (%s), jansson accepts, no documented rule "
                   "explains it",
                   jg_err_name(rc));
    } else if (rc == JG_OK && !j) {
        FUZZ_CHECK(jansson_limit(&je) != NULL,
                   "we accept, jansson rejects: %s (line %d col %d)", je.text,
                   je.line, je.column);
    }
    json_decref(j);
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    _Alignas(16) uint8_t stack[8192];
    jgi_arena a;
    const jg_jval *small_root = NULL;
    jg_json *doc = NULL;
    jg_err rc_def, rc_big;

    if (big.max_json == 0) {
        jg_limits_default(&def);
        jg_limits_default(&big);
        big.max_json = (size_t)1 << 20;
        big.max_depth = BIG_DEPTH;
        big.max_members = 1000000;
    }

    /* The library's own entry point: default limits, stack arena. */
    jgi_arena_init(&a, stack, sizeof stack);
    rc_def = jgi_json_parse(&a, text, size, &def, &small_root);
    FUZZ_CHECK(rc_def == JG_OK || rc_def == JG_E_MALFORMED ||
                   rc_def == JG_E_LIMIT,
               "unexpected error %s", jg_err_name(rc_def));

    rc_big = jg_json_parse(&doc, text, size, &big);
    FUZZ_CHECK(rc_big == JG_OK || rc_big == JG_E_MALFORMED ||
                   rc_big == JG_E_LIMIT,
               "unexpected error %s", jg_err_name(rc_big));
    FUZZ_CHECK((rc_big == JG_OK) == (doc != NULL), "doc/rc mismatch");
    if (rc_def == JG_OK) {
        const char *why;
        FUZZ_CHECK(rc_big == JG_OK, "default limits accept, generous "
                   "limits refuse (%s)", jg_err_name(rc_big));
        why = cmp_ours(small_root, jg_json_root(doc), 1);
        FUZZ_CHECK(why == NULL, "arena and heap parse differ: %s", why);
    }
    if (rc_big == JG_OK && rc_def != JG_OK)
        FUZZ_CHECK(rc_def == JG_E_LIMIT, "only the limits differ, yet the "
                   "default parse says %s", jg_err_name(rc_def));
    jgi_arena_release(&a);

    if (rc_big == JG_OK) {
        const jg_jval *root = jg_json_root(doc);
        const char *raw;
        size_t raw_len, s = 0, e = size;
        while (s < e && is_ws(text[s]))
            s++;
        while (e > s && is_ws(text[e - 1]))
            e--;
        jg_jval_raw(root, &raw, &raw_len);
        FUZZ_CHECK(raw_len == e - s && memcmp(raw, text + s, raw_len) == 0,
                   "root raw text is not the trimmed input");
        check_writer(root);
    }

    differential(text, size, rc_big, doc ? jg_json_root(doc) : NULL);
    jg_json_free(doc);
    return 0;
}
