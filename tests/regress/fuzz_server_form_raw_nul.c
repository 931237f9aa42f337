/* tests/regress/fuzz_server_form_raw_nul.c - found by fuzz_server.
 *
 * The form decoder of the server (server/parse.c) refused "%00" but copied
 * a raw NUL byte of the body, against its own rule that no name or value
 * holds a NUL (fuzz/corpus/server/form_raw_nul). The field picker compares
 * names with strcmp(), so a body "token\0junk=a" answered for "token", and
 * a password with a NUL reached code that reads C strings. The fix refuses
 * a raw NUL like an escaped one: the component, and so the body, is
 * malformed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

static void raw_nul_component_refused(void **state)
{
    size_t len = 99;
    char *v;
    (void)state;
    assert_null(parse_form_decode("admin\0evil", 10, &len));
    assert_null(parse_form_decode("\0", 1, &len));
    assert_null(parse_form_decode("admin%00evil", 12, &len));
    v = parse_form_decode("ad+m%69n", 8, &len); /* control */
    assert_non_null(v);
    assert_int_equal(len, 6);
    assert_memory_equal(v, "ad min", 7);
    free(v);
}

static void raw_nul_name_does_not_match(void **state)
{
    static const char *const names[] = {"token", "password"};
    static const char body[] = "token\0junk=a&password=p\0w";
    char *vals[2] = {NULL, NULL};
    size_t lens[2] = {0, 0};
    (void)state;
    assert_int_equal(parse_form_fields(body, sizeof body - 1, names, vals,
                                       lens, 2),
                     -1);
    assert_null(vals[0]);
    free(vals[1]);
    vals[1] = NULL;
    /* control: the same fields without the NULs */
    assert_int_equal(parse_form_fields("token=a&password=pw", 19, names,
                                       vals, lens, 2),
                     0);
    assert_non_null(vals[0]);
    assert_non_null(vals[1]);
    assert_string_equal(vals[0], "a");
    assert_int_equal(lens[1], 2);
    free(vals[0]);
    free(vals[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(raw_nul_component_refused),
        cmocka_unit_test(raw_nul_name_does_not_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
