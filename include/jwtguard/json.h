/* jwtguard/json.h - the strict JSON reader (RFC 8259), read-only access.
 *
 * Strict means: duplicate member names rejected (anywhere, byte-exact
 * comparison after unescaping), invalid UTF-8 and lone surrogates rejected,
 * no trailing data, no comments, depth/size/member limits. Integers that fit
 * in int64 are kept exactly; other numbers are doubles, and a number that
 * does not fit a finite double (or an integer beyond int64 without a
 * fraction or exponent) is refused rather than rounded.
 *
 * A document is one allocation arena: values are never freed one by one.
 * Value pointers stay valid until the document (or the jg_claims that owns
 * it) is freed. Documents are immutable and may be read from many threads.
 */
#ifndef JG_JSON_H
#define JG_JSON_H

#include <jwtguard/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct jg_json jg_json;  /* a parsed document */
typedef struct jg_jval jg_jval;  /* one value inside a document */

typedef enum jg_json_type {
    JG_JSON_NULL = 0,
    JG_JSON_BOOL,
    JG_JSON_INT,    /* an integer within int64 (no fraction, no exponent) */
    JG_JSON_DOUBLE, /* any other number */
    JG_JSON_STRING,
    JG_JSON_ARRAY,
    JG_JSON_OBJECT
} jg_json_type;

/* Parse `len` bytes of `text` (copied; no NUL needed). `limits` may be NULL
 * for the defaults (max_json bounds `len`). Errors: JG_E_MALFORMED,
 * JG_E_LIMIT, JG_E_NOMEM. On failure *out is NULL. */
JG_API JG_NODISCARD jg_err jg_json_parse(jg_json **out /* OUT, owned */,
                                         const char *text, size_t len,
                                         const jg_limits *limits);
JG_API void jg_json_free(jg_json *doc); /* NULL ok */
JG_API const jg_jval *jg_json_root(const jg_json *doc);

JG_API jg_json_type jg_jval_type(const jg_jval *v);

/* Object member by name (exact bytes), or NULL if absent or `obj` is not
 * an object. */
JG_API const jg_jval *jg_jval_get(const jg_jval *obj, const char *name,
                                  size_t name_len);
/* Number of elements (array) or members (object); 0 for other types. */
JG_API size_t jg_jval_count(const jg_jval *v);
/* Element i of an array, or NULL. */
JG_API const jg_jval *jg_jval_at(const jg_jval *arr, size_t i);
/* Member i of an object (in document order), its name via name/name_len;
 * NULL if out of range. The name is NUL-terminated. */
JG_API const jg_jval *jg_jval_member(const jg_jval *obj, size_t i,
                                     const char **name /* OUT */,
                                     size_t *name_len /* OUT */);

/* Typed reads: JG_OK, or JG_E_CLAIM_TYPE if the value has another type
 * (NULL `v` gives JG_E_NOT_FOUND). Strings come back unescaped, UTF-8,
 * NUL-terminated (they may contain U+0000: use the length). */
JG_API JG_NODISCARD jg_err jg_jval_str(const jg_jval *v, const char **s,
                                       size_t *len);
JG_API JG_NODISCARD jg_err jg_jval_int(const jg_jval *v, int64_t *out);
/* Any number (JG_JSON_INT converted, or JG_JSON_DOUBLE). */
JG_API JG_NODISCARD jg_err jg_jval_num(const jg_jval *v, double *out);
JG_API JG_NODISCARD jg_err jg_jval_bool(const jg_jval *v, int *out);

/* The exact source text of the value (for strings, with its quotes and
 * escapes), so a caller can hand a nested claim to its own JSON library. */
JG_API void jg_jval_raw(const jg_jval *v, const char **raw /* OUT */,
                        size_t *len /* OUT */);

#ifdef __cplusplus
}
#endif
#endif /* JG_JSON_H */
