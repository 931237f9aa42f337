/* tests/vectors/vec_jsontestsuite.c - JSONTestSuite against the reader.
 *
 * test_parsing: every y_ file must be accepted and every n_ file rejected
 * (with generous limits, so that only the grammar decides); i_ files may go
 * either way but must not crash: each verdict is printed (docs/json.md
 * lists them). Both entry points are run (jg_json_parse, which copies, and
 * jgi_json_parse into a caller's arena) and must agree; every prefix of
 * every file is parsed too, for crashes under the sanitizers.
 * test_transform: each file has an expected verdict below; duplicate
 * member names must be rejected.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "testutil.h"
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2)))
#endif
static void fail(const char *fmt, ...)
{
    va_list ap;
    printf("FAIL ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failures++;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted list of regular file names in dir; NULL if it cannot be read. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t cap = 0;

    *n = 0;
    if (!d)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 512;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[*n] = malloc(strlen(e->d_name) + 1);
        if (!names[*n])
            abort();
        memcpy(names[*n], e->d_name, strlen(e->d_name) + 1);
        (*n)++;
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

static void generous(jg_limits *l)
{
    jg_limits_default(l);
    l->max_json = (size_t)1 << 24;
    l->max_depth = 1000;
    l->max_members = 1000000;
}

/* Parse with both entry points; they must agree. Returns the verdict. */
static jg_err parse_both(const char *name, const char *text, size_t len,
                         const jg_limits *lim)
{
    jg_json *doc = NULL;
    jg_err a = jg_json_parse(&doc, text, len, lim);
    jgi_arena ar;
    unsigned char stackbuf[512];
    const jg_jval *root = NULL;
    jg_err b;

    jgi_arena_init(&ar, stackbuf, sizeof stackbuf);
    b = jgi_json_parse(&ar, text, len, lim, &root);
    if (a != b)
        fail("%s: entry points disagree (%s)", name, jg_err_name(b));
    if ((a == JG_OK) != (doc != NULL) || (b == JG_OK) != (root != NULL))
        fail("%s: output not set as documented", name);
    if (a == JG_OK) {
        /* the root's raw text is the input without surrounding space */
        const char *raw;
        size_t rlen, s = 0, e = len;
        jg_jval_raw(jg_json_root(doc), &raw, &rlen);
        while (s < e && strchr(" \t\r\n", text[s]))
            s++;
        while (e > s && strchr(" \t\r\n", text[e - 1]))
            e--;
        if (rlen != e - s || memcmp(raw, text + s, rlen) != 0)
            fail("%s: root raw text differs from input", name);
    }
    jg_json_free(doc);
    jgi_arena_release(&ar);
    return a;
}

/* y_ files this reader rejects on purpose: duplicate member names. */
static const char *const y_by_design[] = {
    "y_object_duplicated_key.json",
    "y_object_duplicated_key_and_value.json",
};

static int by_design(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof y_by_design / sizeof y_by_design[0]; i++)
        if (strcmp(name, y_by_design[i]) == 0)
            return 1;
    return 0;
}

static void prefixes(const char *text, size_t len, const jg_limits *lim)
{
    size_t i;
    jg_json *doc;
    if (len > 4096)
        len = 4096;
    for (i = 0; i < len; i++) {
        if (jg_json_parse(&doc, text, i, lim) == JG_OK)
            jg_json_free(doc);
    }
}

static void run_parsing(void)
{
    char dir[4096];
    size_t n, i, y = 0, ydev = 0, nn = 0, ia = 0, ir = 0, ydef = 0;
    char **names;
    jg_limits lim, def;

    snprintf(dir, sizeof dir, "%s", jgt_vector_path("jsontestsuite/test_parsing"));
    names = list_dir(dir, &n);
    if (!names || n == 0) {
        printf("FAIL cannot list %s (set JG_VECTORS)\n", dir);
        failures++;
        return;
    }
    generous(&lim);
    jg_limits_default(&def);
    for (i = 0; i < n; i++) {
        char path[8192];
        size_t len;
        char *text;
        jg_err rc;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        text = jgt_read_file(path, &len);
        if (!text) {
            fail("%s: cannot read", names[i]);
            continue;
        }
        rc = parse_both(names[i], text, len, &lim);
        prefixes(text, len, &lim);
        if (names[i][0] == 'y' && by_design(names[i])) {
            /* RFC 7515 §4 / catalogue C3: duplicates are rejected even
             * where RFC 8259 and the suite allow them. */
            ydev++;
            if (rc != JG_E_MALFORMED)
                fail("%s: duplicate member names not rejected (%s)",
                     names[i], jg_err_name(rc));
            else
                printf("y DEVIATION %s: rejected by design (duplicate "
                       "member names)\n", names[i]);
        } else if (names[i][0] == 'y') {
            y++;
            if (rc != JG_OK)
                fail("%s: valid document rejected: %s", names[i],
                     jg_err_name(rc));
            /* informational: the defaults are tighter than the suite */
            if (parse_both(names[i], text, len, &def) != JG_OK) {
                printf("note: y %s rejected with the default limits\n",
                       names[i]);
                ydef++;
            }
        } else if (names[i][0] == 'n') {
            nn++;
            if (rc == JG_OK)
                fail("%s: invalid document accepted", names[i]);
        } else if (names[i][0] == 'i') {
            jg_err drc = parse_both(names[i], text, len, &def);
            if (rc == JG_OK) {
                ia++;
                printf("i ACCEPT %s\n", names[i]);
            } else {
                ir++;
                printf("i REJECT %s: %s\n", names[i], jg_err_name(rc));
            }
            if (drc != rc)
                printf("note: i %s with the default limits: %s\n",
                       names[i], jg_err_name(drc));
        } else {
            printf("skip %s: not a y_/n_/i_ file\n", names[i]);
        }
        free(text);
    }
    printf("test_parsing: %zu y accepted (+%zu rejected by design), %zu n "
           "rejected, %zu i (%zu accepted, %zu rejected); %zu y rejected "
           "with the default limits\n",
           y, ydev, nn, ia + ir, ia, ir, ydef);
    if (y < 90 || nn < 180 || ydev != sizeof y_by_design / sizeof *y_by_design) {
        printf("FAIL fewer files than expected\n");
        failures++;
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Expected verdicts for test_transform; strict means: exact int64 or
 * refused, no rounding to 0/inf, no duplicates, no lone surrogates. */
static const struct {
    const char *name;
    jg_err want;
} transform[] = {
    {"number_-9223372036854775808.json", JG_OK},
    {"number_-9223372036854775809.json", JG_E_LIMIT},
    {"number_1.0.json", JG_OK},
    {"number_1.000000000000000005.json", JG_OK},
    {"number_1000000000000000.json", JG_OK},
    {"number_10000000000000000999.json", JG_E_LIMIT},
    {"number_1e-999.json", JG_E_LIMIT},
    {"number_1e6.json", JG_OK},
    {"number_9223372036854775807.json", JG_OK},
    {"number_9223372036854775808.json", JG_E_LIMIT},
    {"object_key_nfc_nfd.json", JG_OK},
    {"object_key_nfd_nfc.json", JG_OK},
    {"object_same_key_different_values.json", JG_E_MALFORMED},
    {"object_same_key_same_value.json", JG_E_MALFORMED},
    {"object_same_key_unclear_values.json", JG_E_MALFORMED},
    {"string_1_escaped_invalid_codepoint.json", JG_E_MALFORMED},
    {"string_1_invalid_codepoint.json", JG_E_MALFORMED},
    {"string_2_escaped_invalid_codepoints.json", JG_E_MALFORMED},
    {"string_2_invalid_codepoints.json", JG_E_MALFORMED},
    {"string_3_escaped_invalid_codepoints.json", JG_E_MALFORMED},
    {"string_3_invalid_codepoints.json", JG_E_MALFORMED},
    {"string_with_escaped_NULL.json", JG_OK},
};

static void check_transform_values(const char *name, const jg_json *doc)
{
    const jg_jval *root = jg_json_root(doc), *v = jg_jval_at(root, 0);
    int64_t i = 0;
    const char *s;
    size_t len;

    if (strcmp(name, "number_-9223372036854775808.json") == 0 &&
        (jg_jval_int(v, &i) != JG_OK || i != INT64_MIN))
        fail("%s: not INT64_MIN", name);
    if (strcmp(name, "number_9223372036854775807.json") == 0 &&
        (jg_jval_int(v, &i) != JG_OK || i != INT64_MAX))
        fail("%s: not INT64_MAX", name);
    if (strcmp(name, "string_with_escaped_NULL.json") == 0 &&
        (jg_jval_str(v, &s, &len) != JG_OK || len != 3 ||
         memcmp(s, "A\0B", 3) != 0))
        fail("%s: U+0000 not carried", name);
    if (strcmp(name, "object_key_nfc_nfd.json") == 0 &&
        jg_jval_count(root) != 2)
        fail("%s: NFC/NFD names must stay distinct", name);
}

static void run_transform(void)
{
    char dir[4096];
    size_t n, i, j;
    char **names;
    jg_limits lim;

    snprintf(dir, sizeof dir, "%s",
             jgt_vector_path("jsontestsuite/test_transform"));
    names = list_dir(dir, &n);
    if (!names || n == 0) {
        printf("FAIL cannot list %s\n", dir);
        failures++;
        return;
    }
    generous(&lim);
    for (i = 0; i < n; i++) {
        char path[8192];
        size_t len;
        char *text;
        jg_json *doc = NULL;
        jg_err rc;
        int known = 0;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        text = jgt_read_file(path, &len);
        if (!text) {
            fail("%s: cannot read", names[i]);
            continue;
        }
        rc = jg_json_parse(&doc, text, len, &lim);
        printf("t %s %s%s%s\n", rc == JG_OK ? "ACCEPT" : "REJECT", names[i],
               rc == JG_OK ? "" : ": ", rc == JG_OK ? "" : jg_err_name(rc));
        if (strstr(names[i], "same_key") && rc == JG_OK)
            fail("%s: duplicate member names accepted", names[i]);
        for (j = 0; j < sizeof transform / sizeof transform[0]; j++) {
            if (strcmp(transform[j].name, names[i]) != 0)
                continue;
            known = 1;
            if (rc != transform[j].want)
                fail("%s: expected %s", names[i],
                     jg_err_name(transform[j].want));
        }
        if (!known)
            printf("note: %s has no expected verdict in this runner\n",
                   names[i]);
        if (rc == JG_OK)
            check_transform_values(names[i], doc);
        jg_json_free(doc);
        free(text);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int main(void)
{
    run_parsing();
    run_transform();
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
