/* lib/json.c - the strict JSON reader and the compact JSON writer.
 *
 * Reader: RFC 8259 with no extensions, in one pass, without recursion (an
 * explicit stack bounded by limits.max_depth), allocating only from a bump
 * arena. Duplicate member names, invalid UTF-8 (RFC 3629), lone surrogate
 * escapes, numbers that do not fit int64/finite double, trailing bytes and
 * oversize input are rejected: one token must mean exactly one thing to
 * every party (RFC 7515 §5.2, RFC 7519 §4). See docs/json.md for the rules.
 * Writer: compact output with correct escaping, for headers, claims, JWKs.
 */
#include "internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct jg_jval {
    const char *raw;  /* exact source text of the value */
    size_t raw_len;
    const char *key;  /* member name if inside an object, NUL-terminated */
    size_t key_len;
    union {
        int64_t i;
        double d;
        int b;
        struct {
            const char *p; /* unescaped, NUL-terminated */
            size_t n;
        } s;
        struct {
            const jg_jval *v; /* children, in document order */
            size_t n;
        } c;
    } u;
    jg_json_type type;
};

struct jg_json {
    jgi_arena arena;
    const jg_jval *root;
};

/* ---- character classes ---- */

/* 1 for bytes that may stand for themselves inside a string with no
 * further check: printable ASCII other than '"' and '\\'. */
#define PL(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')
#define P4(c) PL(c), PL((c) + 1), PL((c) + 2), PL((c) + 3)
#define P16(c) P4(c), P4((c) + 4), P4((c) + 8), P4((c) + 12)
#define P64(c) P16(c), P16((c) + 16), P16((c) + 32), P16((c) + 48)
static const uint8_t plain[256] = {P64(0), P64(64), P64(128), P64(192)};

/* Hex digit value, or 0xFF. */
#define HX(c)                                                                \
    ((c) >= '0' && (c) <= '9'   ? (c) - '0'                                  \
     : (c) >= 'a' && (c) <= 'f' ? (c) - 'a' + 10                             \
     : (c) >= 'A' && (c) <= 'F' ? (c) - 'A' + 10                             \
                                : 0xFF)
#define H4(c) HX(c), HX((c) + 1), HX((c) + 2), HX((c) + 3)
#define H16(c) H4(c), H4((c) + 4), H4((c) + 8), H4((c) + 12)
#define H64(c) H16(c), H16((c) + 16), H16((c) + 32), H16((c) + 48)
static const uint8_t hexval[256] = {H64(0), H64(64), H64(128), H64(192)};

/* Length of the valid UTF-8 sequence starting at s (lead byte >= 0x80), or
 * 0 if it is invalid: RFC 3629 §4 - no overlongs, no surrogates
 * (U+D800..DFFF), nothing above U+10FFFF, no truncation. */
static size_t utf8_seq(const uint8_t *s, size_t avail)
{
    uint8_t c = s[0], lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong below U+0800 */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong below U+10000 */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else
        return 0;
    if (avail < n || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* see internal.h */
int jgi_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0, n;

    if (len)
        JGI_REQUIRE(s != NULL);
    while (i < len) {
        /* ASCII fast path, eight bytes per step */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i == len)
            break;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        n = utf8_seq(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

static char *put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | (cp >> 6));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | (cp >> 12));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | (cp >> 18));
        *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

/* ---- reader ---- */

#define LOCAL_VALS 48   /* scratch values kept on the C stack */
#define LOCAL_FRAMES 32 /* open containers kept on the C stack */
#define SMALL_OBJECT 16 /* up to this many members: pairwise name check */

typedef struct frame {
    size_t start;    /* first child's index in the scratch stack */
    const char *raw; /* the opening bracket */
    const char *key; /* the container's own member name, if any */
    size_t key_len;
    int is_obj;
} frame;

typedef struct parser {
    const char *p, *end;
    jgi_arena *a;
    const jg_limits *lim;
    char *pool; /* unescaped strings, bump allocated, never longer than
                   the input: each string shrinks by at least its quotes */
    jg_jval *vs; /* scratch: children of the open containers */
    size_t vn, vcap;
    frame *fs; /* open containers */
    size_t fn, fcap;
    jg_jval vs_local[LOCAL_VALS];
    frame fs_local[LOCAL_FRAMES];
} parser;

static inline const char *skip_ws(const char *p, const char *end)
{
    /* RFC 8259 §2: space, tab, LF, CR - nothing else (no BOM, no NBSP) */
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

static int hex4(const uint8_t *p, uint32_t *out)
{
    uint32_t a = hexval[p[0]], b = hexval[p[1]], c = hexval[p[2]],
             d = hexval[p[3]];
    if ((a | b | c | d) & 0xF0)
        return 0;
    *out = a << 12 | b << 8 | c << 4 | d;
    return 1;
}

/* Little-endian GCC/Clang: the lowest set bit of swar_special() marks the
 * first special byte (no false positives can precede a true one). */
#if (defined(__GNUC__) || defined(__clang__)) &&                           \
    defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define JGI_SWAR_CTZ 1
#else
#define JGI_SWAR_CTZ 0
#endif

/* Non-zero if any of the 8 bytes in w is not plain: < 0x20, '"', '\\'
 * or >= 0x80. Exact as to whether such a byte exists (the classic
 * "has zero byte" / "has byte less than" word tricks). */
static inline uint64_t swar_special(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return ((w - ones * 0x20) & ~w & high) | ((q - ones) & ~q & high) |
           ((b - ones) & ~b & high) | (w & high);
}

/* ps->p is at the opening quote. The unescaped text goes to the pool. */
static jg_err parse_string(parser *ps, const char **out, size_t *out_len)
{
    const uint8_t *p = (const uint8_t *)ps->p + 1;
    const uint8_t *end = (const uint8_t *)ps->end;
    char *d = ps->pool, *start = d;

    for (;;) {
        const uint8_t *q = p;
        uint8_t c;
        /* Eight plain bytes per step (the pool never overtakes the
         * source, so an 8-byte store stays inside it), then bytewise. */
        while (end - q >= 8) {
            uint64_t w, m;
            memcpy(&w, q, 8);
            m = swar_special(w);
            memcpy(d, q, 8);
            if (m) {
#if JGI_SWAR_CTZ
                /* lowest flagged byte = first special byte */
                size_t k = (size_t)__builtin_ctzll(m) / 8;
                d += k;
                q += k;
#endif
                break;
            }
            d += 8;
            q += 8;
        }
        while (q < end && plain[*q])
            *d++ = (char)*q++;
        p = q;
        if (p == end)
            return JG_E_MALFORMED; /* unterminated */
        c = *p;
        if (c == '"') {
            p++;
            break;
        }
        if (c == '\\') {
            uint32_t cp, lo;
            if (end - p < 2)
                return JG_E_MALFORMED;
            c = p[1];
            p += 2;
            switch (c) {
            case '"': *d++ = '"'; break;
            case '\\': *d++ = '\\'; break;
            case '/': *d++ = '/'; break;
            case 'b': *d++ = '\b'; break;
            case 'f': *d++ = '\f'; break;
            case 'n': *d++ = '\n'; break;
            case 'r': *d++ = '\r'; break;
            case 't': *d++ = '\t'; break;
            case 'u':
                if (end - p < 4 || !hex4(p, &cp))
                    return JG_E_MALFORMED;
                p += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return JG_E_MALFORMED; /* lone low surrogate */
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    /* RFC 8259 §7: a high surrogate must be followed by a
                     * \u escape of a low one; anything else would decode
                     * to invalid UTF-8 (or be silently replaced). */
                    if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
                        !hex4(p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return JG_E_MALFORMED;
                    p += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                /* U+0000 is allowed: lengths are carried everywhere */
                d = put_utf8(d, cp);
                break;
            default:
                return JG_E_MALFORMED;
            }
        } else if (c < 0x20) {
            return JG_E_MALFORMED; /* RFC 8259 §7: controls must be escaped */
        } else {
            size_t n = utf8_seq(p, (size_t)(end - p));
            if (n == 0)
                return JG_E_MALFORMED;
            memcpy(d, p, n);
            d += n;
            p += n;
        }
    }
    *d++ = '\0';
    *out = start;
    *out_len = (size_t)(d - start) - 1;
    ps->pool = d;
    ps->p = (const char *)p;
    return JG_OK;
}

/* strtod() reads the decimal point of the current LC_NUMERIC locale; the
 * library never calls setlocale(), but an application may. When strtod
 * stops short of the end, retry with '.' replaced by the locale's radix
 * (learnt from snprintf, which is thread-safe unlike localeconv()). */
static int strtod_exact(char *buf, size_t n, size_t cap, double *out)
{
    char *endp, radix[16], *dot;
    int rn;
    size_t r;

    *out = strtod(buf, &endp);
    if (endp == buf + n)
        return 1;
    rn = snprintf(radix, sizeof radix, "%.1f", 0.5); /* "0<radix>5" */
    dot = memchr(buf, '.', n);
    if (rn < 3 || (size_t)rn >= sizeof radix || !dot)
        return 0;
    r = (size_t)rn - 2;
    if (n - 1 + r + 1 > cap)
        return 0;
    memmove(dot + r, dot + 1, n - (size_t)(dot - buf)); /* incl. NUL */
    memcpy(dot, radix + 1, r);
    n = n - 1 + r;
    *out = strtod(buf, &endp);
    return endp == buf + n;
}

/* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static jg_err parse_number(parser *ps, jg_jval *v)
{
    const char *s = ps->p, *p = s, *end = ps->end;
    uint64_t mag = 0;
    int neg = 0, ovf = 0, nonzero = 0, is_int = 1;

    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p == end)
        return JG_E_MALFORMED;
    if (*p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            return JG_E_MALFORMED; /* leading zero */
    } else if (*p >= '1' && *p <= '9') {
        /* int64 range: 2^63-1, or 2^63 when negative */
        const uint64_t cut = 922337203685477580u;
        unsigned lim = neg ? 8u : 7u;
        nonzero = 1;
        while (p < end && *p >= '0' && *p <= '9') {
            unsigned dg = (unsigned)(*p - '0');
            if (mag > cut || (mag == cut && dg > lim))
                ovf = 1;
            else
                mag = mag * 10 + dg;
            p++;
        }
    } else {
        return JG_E_MALFORMED;
    }
    if (p < end && *p == '.') {
        is_int = 0;
        p++;
        if (p == end || *p < '0' || *p > '9')
            return JG_E_MALFORMED;
        while (p < end && *p >= '0' && *p <= '9') {
            nonzero |= *p != '0';
            p++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_int = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || *p < '0' || *p > '9')
            return JG_E_MALFORMED;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    ps->p = p;
    if (is_int) {
        /* An integer literal is never rounded: beyond int64 it is refused
         * (a jti or a timestamp must not silently change). */
        if (ovf)
            return JG_E_LIMIT;
        v->type = JG_JSON_INT;
        if (!neg)
            v->u.i = (int64_t)mag;
        else if (mag == (uint64_t)1 << 63)
            v->u.i = INT64_MIN;
        else
            v->u.i = -(int64_t)mag;
        return JG_OK;
    }

    /* strtod needs a NUL-terminated copy: the input has no terminator. */
    {
        size_t n = (size_t)(p - s), cap = n + 16;
        char stack[80], *buf = stack;
        double d;
        if (cap > sizeof stack) {
            buf = jgi_arena_alloc(ps->a, cap);
            if (!buf)
                return JG_E_NOMEM;
        }
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (!strtod_exact(buf, n, cap, &d))
            return JG_E_MALFORMED;
        /* Overflow to infinity, or a non-zero literal that underflows to
         * zero: not representable, refused rather than rounded. */
        if (isinf(d) || (d == 0.0 && nonzero))
            return JG_E_LIMIT;
        v->type = JG_JSON_DOUBLE;
        v->u.d = d;
    }
    return JG_OK;
}

static jg_err parse_literal(parser *ps, jg_jval *v)
{
    const char *p = ps->p;
    size_t left = (size_t)(ps->end - p);

    if (left >= 4 && memcmp(p, "true", 4) == 0) {
        v->type = JG_JSON_BOOL;
        v->u.b = 1;
        ps->p = p + 4;
    } else if (left >= 5 && memcmp(p, "false", 5) == 0) {
        v->type = JG_JSON_BOOL;
        v->u.b = 0;
        ps->p = p + 5;
    } else if (left >= 4 && memcmp(p, "null", 4) == 0) {
        v->type = JG_JSON_NULL;
        ps->p = p + 4;
    } else {
        return JG_E_MALFORMED;
    }
    return JG_OK;
}

/* Grow a scratch array that starts out in `local`. */
static jg_err grow(void **arr, size_t *cap, void *local, size_t elem)
{
    size_t ncap = *cap * 2;
    void *n;
    if (ncap > SIZE_MAX / elem)
        return JG_E_NOMEM;
    if (*arr == local) {
        n = jgi_malloc(ncap * elem);
        if (n)
            memcpy(n, local, *cap * elem);
    } else {
        n = jgi_realloc(*arr, ncap * elem);
    }
    if (!n)
        return JG_E_NOMEM;
    *arr = n;
    *cap = ncap;
    return JG_OK;
}

static int name_cmp(const void *a, const void *b)
{
    const jg_jval *x = *(const jg_jval *const *)a;
    const jg_jval *y = *(const jg_jval *const *)b;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    return memcmp(x->key, y->key, x->key_len);
}

/* Names are short: an inline loop beats a memcmp call here. */
static inline int same_name(const jg_jval *a, const jg_jval *b)
{
    size_t k;
    if (a->key_len != b->key_len)
        return 0;
    for (k = 0; k < a->key_len; k++)
        if (a->key[k] != b->key[k])
            return 0;
    return 1;
}

/* Duplicate member names (compared as unescaped bytes): RFC 8259 §4 leaves
 * their meaning open and parsers disagree (first wins / last wins), which
 * is how two parties read two different tokens from one string. */
static jg_err check_dups(const jg_jval *m, size_t n)
{
    size_t i, j;
    const jg_jval **idx;
    jg_err rc = JG_OK;

    if (n <= SMALL_OBJECT) {
        for (i = 1; i < n; i++)
            for (j = 0; j < i; j++)
                if (same_name(&m[i], &m[j]))
                    return JG_E_MALFORMED;
        return JG_OK;
    }
    /* Larger objects: sort pointers by name, compare neighbours. */
    idx = jgi_malloc(n * sizeof *idx);
    if (!idx)
        return JG_E_NOMEM;
    for (i = 0; i < n; i++)
        idx[i] = &m[i];
    qsort(idx, n, sizeof *idx, name_cmp);
    for (i = 1; i < n; i++)
        if (name_cmp(&idx[i - 1], &idx[i]) == 0) {
            rc = JG_E_MALFORMED;
            break;
        }
    jgi_free(idx);
    return rc;
}

/* Close the innermost container (ps->p at its bracket). Its children are
 * moved from the scratch stack to the arena; the container value goes to
 * the slot it was opened in: the parent's next scratch entry (which its
 * first child had borrowed), or *result for the root. */
static jg_err close_container(parser *ps, jg_jval *result, jg_jval **dst)
{
    frame *f = &ps->fs[ps->fn - 1];
    size_t n = ps->vn - f->start;
    jg_jval *kids = NULL, *v;
    jg_err rc;

    if (n) {
        kids = jgi_arena_alloc(ps->a, n * sizeof *kids);
        if (!kids)
            return JG_E_NOMEM;
        memcpy(kids, ps->vs + f->start, n * sizeof *kids);
        if (f->is_obj) {
            rc = check_dups(kids, n);
            if (rc != JG_OK)
                return rc;
        }
    }
    ps->p++;
    ps->vn = f->start;
    ps->fn--;
    v = ps->fn ? &ps->vs[ps->vn] : result;
    v->type = f->is_obj ? JG_JSON_OBJECT : JG_JSON_ARRAY;
    v->u.c.v = kids;
    v->u.c.n = n;
    v->raw = f->raw;
    v->raw_len = (size_t)(ps->p - f->raw);
    v->key = f->key;
    v->key_len = f->key_len;
    *dst = v;
    return JG_OK;
}

/* Open a container at ps->p (its bracket); skip the space after it. */
static jg_err open_container(parser *ps, const char *key, size_t key_len,
                             int is_obj)
{
    frame *f;
    jg_err rc;

    /* depth 1 = a flat object; max_depth 0 allows scalars only */
    if (ps->fn >= ps->lim->max_depth)
        return JG_E_LIMIT;
    if (ps->fn == ps->fcap) {
        rc = grow((void **)&ps->fs, &ps->fcap, ps->fs_local, sizeof *ps->fs);
        if (rc != JG_OK)
            return rc;
    }
    f = &ps->fs[ps->fn++];
    f->start = ps->vn;
    f->raw = ps->p;
    f->key = key;
    f->key_len = key_len;
    f->is_obj = is_obj;
    ps->p = skip_ws(ps->p + 1, ps->end);
    return JG_OK;
}

/* After a member name: whitespace, ':' (ps->p at the name's quote). */
static jg_err parse_key(parser *ps, const char **key, size_t *key_len)
{
    jg_err rc;
    ps->p = skip_ws(ps->p, ps->end);
    if (ps->p == ps->end || *ps->p != '"')
        return JG_E_MALFORMED;
    rc = parse_string(ps, key, key_len);
    if (rc != JG_OK)
        return rc;
    ps->p = skip_ws(ps->p, ps->end);
    if (ps->p == ps->end || *ps->p != ':')
        return JG_E_MALFORMED;
    ps->p++;
    return JG_OK;
}

static jg_err run(parser *ps, jg_jval *result)
{
    const char *key = NULL;
    size_t key_len = 0;
    jg_jval *v;
    jg_err rc;

    for (;;) {
        /* A value is expected here (its member name, if any, is in key).
         * It is parsed in place: into the next scratch slot of the open
         * container, or into *result at the top level. */
        const char *start;
        ps->p = skip_ws(ps->p, ps->end);
        if (ps->p == ps->end)
            return JG_E_MALFORMED;
        if (ps->fn == 0) {
            v = result;
        } else {
            if (ps->vn - ps->fs[ps->fn - 1].start >= ps->lim->max_members)
                return JG_E_LIMIT;
            if (ps->vn == ps->vcap) {
                rc = grow((void **)&ps->vs, &ps->vcap, ps->vs_local,
                          sizeof *ps->vs);
                if (rc != JG_OK)
                    return rc;
            }
            v = &ps->vs[ps->vn];
        }
        start = ps->p;
        if (*start == '{' || *start == '[') {
            int is_obj = *start == '{';
            rc = open_container(ps, key, key_len, is_obj);
            if (rc != JG_OK)
                return rc;
            key = NULL;
            key_len = 0;
            if (ps->p == ps->end || *ps->p != (is_obj ? '}' : ']')) {
                if (is_obj) {
                    rc = parse_key(ps, &key, &key_len);
                    if (rc != JG_OK)
                        return rc;
                }
                continue; /* on to the first member */
            }
            /* an empty container is a complete value */
            rc = close_container(ps, result, &v);
            if (rc != JG_OK)
                return rc;
        } else {
            if (*start == '"') {
                v->type = JG_JSON_STRING;
                rc = parse_string(ps, &v->u.s.p, &v->u.s.n);
            } else if (*start == '-' || (*start >= '0' && *start <= '9')) {
                rc = parse_number(ps, v);
            } else {
                rc = parse_literal(ps, v);
            }
            if (rc != JG_OK)
                return rc;
            v->raw = start;
            v->raw_len = (size_t)(ps->p - start);
            v->key = key;
            v->key_len = key_len;
        }

        /* *v is complete: commit it to its container, close containers. */
        for (;;) {
            frame *f;
            char c;
            if (ps->fn == 0)
                return JG_OK; /* v == result */
            f = &ps->fs[ps->fn - 1];
            ps->vn++;
            ps->p = skip_ws(ps->p, ps->end);
            if (ps->p == ps->end)
                return JG_E_MALFORMED;
            c = *ps->p;
            if (c == ',') {
                ps->p++;
                key = NULL;
                key_len = 0;
                if (f->is_obj) {
                    rc = parse_key(ps, &key, &key_len);
                    if (rc != JG_OK)
                        return rc;
                }
                break; /* next value */
            }
            if (c != (f->is_obj ? '}' : ']'))
                return JG_E_MALFORMED;
            rc = close_container(ps, result, &v);
            if (rc != JG_OK)
                return rc;
        }
    }
}

/* see internal.h */
jg_err jgi_json_parse(jgi_arena *a, const char *text, size_t len,
                      const jg_limits *lim, const jg_jval **root)
{
    parser ps;
    jg_limits dl;
    jg_jval v, *r;
    jg_err rc;

    JGI_REQUIRE(a != NULL && root != NULL);
    JGI_REQUIRE(text != NULL || len == 0);
    *root = NULL;
    if (!lim) {
        jg_limits_default(&dl);
        lim = &dl;
    }
    if (len > lim->max_json)
        return JG_E_LIMIT;
    ps.p = text;
    ps.end = text + len;
    ps.a = a;
    ps.lim = lim;
    ps.vs = ps.vs_local;
    ps.vn = 0;
    ps.vcap = LOCAL_VALS;
    ps.fs = ps.fs_local;
    ps.fn = 0;
    ps.fcap = LOCAL_FRAMES;
    ps.pool = jgi_arena_alloc(a, len + 1);
    if (!ps.pool) {
        rc = JG_E_NOMEM;
        goto out;
    }
    rc = run(&ps, &v);
    if (rc != JG_OK)
        goto out;
    /* RFC 8259 §2: only whitespace may follow the value */
    if (skip_ws(ps.p, ps.end) != ps.end) {
        rc = JG_E_MALFORMED;
        goto out;
    }
    r = jgi_arena_alloc(a, sizeof *r);
    if (!r) {
        rc = JG_E_NOMEM;
        goto out;
    }
    *r = v;
    *root = r;
out:
    if (ps.vs != ps.vs_local)
        jgi_free(ps.vs);
    if (ps.fs != ps.fs_local)
        jgi_free(ps.fs);
    return rc;
}

/* ---- the public document ---- */

/* see jwtguard/json.h */
jg_err jg_json_parse(jg_json **out, const char *text, size_t len,
                     const jg_limits *limits)
{
    jg_limits dl;
    jg_json *doc = NULL;
    char *copy;
    size_t first;
    jg_err rc;

    JGI_REQUIRE(out != NULL);
    JGI_REQUIRE(text != NULL || len == 0);
    *out = NULL;
    if (!limits) {
        jg_limits_default(&dl);
        limits = &dl;
    }
    if (len > limits->max_json)
        return JG_E_LIMIT;
    /* One block: the document, its copy of the text, and a first arena
     * slice sized for typical documents (more comes in heap chunks). */
    if (len > (SIZE_MAX - sizeof *doc - 1024) / 4)
        return JG_E_LIMIT;
    first = 2 * len + 512;
    doc = jgi_malloc(sizeof *doc + len + 1 + first);
    if (!doc)
        return JG_E_NOMEM;
    copy = (char *)(doc + 1);
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    jgi_arena_init(&doc->arena, copy + len + 1, first);
    rc = jgi_json_parse(&doc->arena, copy, len, limits, &doc->root);
    if (rc != JG_OK) {
        jg_json_free(doc);
        return rc;
    }
    *out = doc;
    return JG_OK;
}

/* see jwtguard/json.h */
void jg_json_free(jg_json *doc)
{
    if (!doc)
        return;
    jgi_arena_release(&doc->arena);
    jgi_free(doc);
}

/* see jwtguard/json.h */
const jg_jval *jg_json_root(const jg_json *doc)
{
    return doc ? doc->root : NULL;
}

/* see jwtguard/json.h; NULL reads as JSON null */
jg_json_type jg_jval_type(const jg_jval *v)
{
    return v ? v->type : JG_JSON_NULL;
}

/* see jwtguard/json.h */
const jg_jval *jg_jval_get(const jg_jval *obj, const char *name,
                           size_t name_len)
{
    size_t i;
    if (!obj || obj->type != JG_JSON_OBJECT)
        return NULL;
    if (name_len)
        JGI_REQUIRE(name != NULL);
    for (i = 0; i < obj->u.c.n; i++) {
        const jg_jval *m = &obj->u.c.v[i];
        if (m->key_len == name_len && memcmp(m->key, name, name_len) == 0)
            return m;
    }
    return NULL;
}

/* see jwtguard/json.h */
size_t jg_jval_count(const jg_jval *v)
{
    if (!v || (v->type != JG_JSON_ARRAY && v->type != JG_JSON_OBJECT))
        return 0;
    return v->u.c.n;
}

/* see jwtguard/json.h */
const jg_jval *jg_jval_at(const jg_jval *arr, size_t i)
{
    if (!arr || arr->type != JG_JSON_ARRAY || i >= arr->u.c.n)
        return NULL;
    return &arr->u.c.v[i];
}

/* see jwtguard/json.h */
const jg_jval *jg_jval_member(const jg_jval *obj, size_t i,
                              const char **name, size_t *name_len)
{
    const jg_jval *m;
    if (name)
        *name = NULL;
    if (name_len)
        *name_len = 0;
    if (!obj || obj->type != JG_JSON_OBJECT || i >= obj->u.c.n)
        return NULL;
    m = &obj->u.c.v[i];
    if (name)
        *name = m->key;
    if (name_len)
        *name_len = m->key_len;
    return m;
}

/* see jwtguard/json.h */
jg_err jg_jval_str(const jg_jval *v, const char **s, size_t *len)
{
    JGI_REQUIRE(s != NULL);
    *s = NULL;
    if (len)
        *len = 0;
    if (!v)
        return JG_E_NOT_FOUND;
    if (v->type != JG_JSON_STRING)
        return JG_E_CLAIM_TYPE;
    *s = v->u.s.p;
    if (len)
        *len = v->u.s.n;
    return JG_OK;
}

/* see jwtguard/json.h */
jg_err jg_jval_int(const jg_jval *v, int64_t *out)
{
    JGI_REQUIRE(out != NULL);
    *out = 0;
    if (!v)
        return JG_E_NOT_FOUND;
    if (v->type != JG_JSON_INT)
        return JG_E_CLAIM_TYPE;
    *out = v->u.i;
    return JG_OK;
}

/* see jwtguard/json.h */
jg_err jg_jval_num(const jg_jval *v, double *out)
{
    JGI_REQUIRE(out != NULL);
    *out = 0;
    if (!v)
        return JG_E_NOT_FOUND;
    if (v->type == JG_JSON_INT)
        *out = (double)v->u.i;
    else if (v->type == JG_JSON_DOUBLE)
        *out = v->u.d;
    else
        return JG_E_CLAIM_TYPE;
    return JG_OK;
}

/* see jwtguard/json.h */
jg_err jg_jval_bool(const jg_jval *v, int *out)
{
    JGI_REQUIRE(out != NULL);
    *out = 0;
    if (!v)
        return JG_E_NOT_FOUND;
    if (v->type != JG_JSON_BOOL)
        return JG_E_CLAIM_TYPE;
    *out = v->u.b;
    return JG_OK;
}

/* see jwtguard/json.h */
void jg_jval_raw(const jg_jval *v, const char **raw, size_t *len)
{
    JGI_REQUIRE(raw != NULL && len != NULL);
    *raw = v ? v->raw : NULL;
    *len = v ? v->raw_len : 0;
}

/* ---- writer ---- */

#define JW_MAX_DEPTH 64 /* one need_comma bit per open container */

static void jw_put(jgi_jw *w, const void *p, size_t n)
{
    jg_err rc;
    if (w->err != JG_OK)
        return;
    rc = jg_buf_append(w->out, p, n);
    if (rc != JG_OK)
        w->err = rc;
}

/* Comma and key bookkeeping before any value. Bit d-1 of need_comma is
 * set once a value has been written inside the container at depth d. */
static int jw_value(jgi_jw *w)
{
    uint64_t bit;
    if (w->err != JG_OK)
        return 0;
    if (w->after_key) {
        w->after_key = 0;
        return 1;
    }
    if (w->depth == 0)
        return 1;
    bit = (uint64_t)1 << (w->depth - 1);
    if (w->need_comma & bit)
        jw_put(w, ",", 1);
    w->need_comma |= bit;
    return w->err == JG_OK;
}

static void jw_string(jgi_jw *w, const char *s, size_t len)
{
    static const char hexd[] = "0123456789abcdef";
    const uint8_t *p = (const uint8_t *)s, *end = p + len;

    if (len)
        JGI_REQUIRE(s != NULL);
    jw_put(w, "\"", 1);
    while (p < end && w->err == JG_OK) {
        const uint8_t *q = p;
        uint8_t c;
        char esc[6];
        while (q < end && plain[*q])
            q++;
        if (q > p)
            jw_put(w, p, (size_t)(q - p));
        p = q;
        if (p == end)
            break;
        c = *p;
        if (c >= 0x80) {
            size_t n = utf8_seq(p, (size_t)(end - p));
            if (n == 0) {
                w->err = JG_E_MALFORMED;
                return;
            }
            jw_put(w, p, n);
            p += n;
            continue;
        }
        esc[0] = '\\';
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hexd[c >> 4];
            esc[5] = hexd[c & 15];
            jw_put(w, esc, 6);
            p++;
            continue;
        }
        jw_put(w, esc, 2);
        p++;
    }
    jw_put(w, "\"", 1);
}

/* see internal.h */
void jgi_jw_init(jgi_jw *w, jg_buf *out)
{
    JGI_REQUIRE(w != NULL && out != NULL);
    w->out = out;
    w->err = JG_OK;
    w->depth = 0;
    w->need_comma = 0;
    w->after_key = 0;
}

static void jw_open(jgi_jw *w, const char *br)
{
    if (!jw_value(w))
        return;
    if (w->depth >= JW_MAX_DEPTH) {
        w->err = JG_E_LIMIT;
        return;
    }
    w->depth++;
    w->need_comma &= ~((uint64_t)1 << (w->depth - 1));
    jw_put(w, br, 1);
}

static void jw_close(jgi_jw *w, const char *br)
{
    if (w->err != JG_OK)
        return;
    if (w->depth == 0 || w->after_key) {
        w->err = JG_E_INVALID_ARG; /* nothing open, or a key without value */
        return;
    }
    w->depth--;
    jw_put(w, br, 1);
}

void jgi_jw_obj_begin(jgi_jw *w) { jw_open(w, "{"); }
void jgi_jw_obj_end(jgi_jw *w) { jw_close(w, "}"); }
void jgi_jw_arr_begin(jgi_jw *w) { jw_open(w, "["); }
void jgi_jw_arr_end(jgi_jw *w) { jw_close(w, "]"); }

/* see internal.h */
void jgi_jw_key(jgi_jw *w, const char *k, size_t len)
{
    if (w->err != JG_OK)
        return;
    if (w->after_key || w->depth == 0) {
        w->err = JG_E_INVALID_ARG;
        return;
    }
    if (!jw_value(w))
        return;
    jw_string(w, k, len);
    jw_put(w, ":", 1);
    w->after_key = 1;
}

/* see internal.h */
void jgi_jw_str(jgi_jw *w, const char *s, size_t len)
{
    if (jw_value(w))
        jw_string(w, s, len);
}

/* see internal.h */
void jgi_jw_int(jgi_jw *w, int64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    if (!jw_value(w))
        return;
    do {
        *--p = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        *--p = '-';
    jw_put(w, p, (size_t)(buf + sizeof buf - p));
}

/* see internal.h */
void jgi_jw_double(jgi_jw *w, double v)
{
    char buf[48], num[48];
    size_t i, n = 0;
    int prec, len = 0, dot = 0, in_radix = 0;

    if (w->err != JG_OK)
        return;
    if (!isfinite(v)) {
        w->err = JG_E_INVALID_ARG; /* JSON has no NaN or Infinity */
        return;
    }
    /* Shortest of 15, 16, 17 significant digits that reads back equal
     * (17 always does for IEEE 754 binary64). */
    for (prec = 15; prec <= 17; prec++) {
        char *endp;
        len = snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (len <= 0 || (size_t)len >= sizeof buf) {
            w->err = JG_E_INVALID_ARG;
            return;
        }
        if (strtod(buf, &endp) == v)
            break;
    }
    /* snprintf writes the locale's radix: normalise it to '.', and keep
     * only the characters of a JSON number. */
    for (i = 0; i < (size_t)len; i++) {
        char c = buf[i];
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e') {
            num[n++] = c;
            in_radix = 0;
            if (c == 'e')
                dot = 1;
        } else if (!in_radix) {
            num[n++] = '.';
            in_radix = 1;
            dot = 1;
        }
    }
    /* Keep the number a double when read back: "5" would become an int. */
    if (!dot) {
        num[n++] = '.';
        num[n++] = '0';
    }
    if (jw_value(w))
        jw_put(w, num, n);
}

/* see internal.h */
void jgi_jw_bool(jgi_jw *w, int v)
{
    if (jw_value(w)) {
        if (v)
            jw_put(w, "true", 4);
        else
            jw_put(w, "false", 5);
    }
}

/* see internal.h */
void jgi_jw_null(jgi_jw *w)
{
    if (jw_value(w))
        jw_put(w, "null", 4);
}

/* see internal.h */
void jgi_jw_raw(jgi_jw *w, const char *json, size_t len)
{
    if (len)
        JGI_REQUIRE(json != NULL);
    if (len == 0) {
        if (w->err == JG_OK)
            w->err = JG_E_INVALID_ARG; /* empty text is not a value */
        return;
    }
    if (jw_value(w))
        jw_put(w, json, len);
}

/* see internal.h */
void jgi_jw_b64(jgi_jw *w, const uint8_t *p, size_t len)
{
    jg_err rc;
    if (!jw_value(w))
        return;
    jw_put(w, "\"", 1);
    if (w->err != JG_OK)
        return;
    rc = jgi_buf_b64url(w->out, p, len);
    if (rc != JG_OK) {
        w->err = rc;
        return;
    }
    jw_put(w, "\"", 1);
}

/* see internal.h */
jg_err jgi_jw_finish(jgi_jw *w)
{
    jg_err rc = w->err;
    if (rc == JG_OK && (w->depth != 0 || w->after_key))
        rc = JG_E_INVALID_ARG; /* unclosed container or dangling key */
    if (rc != JG_OK)
        jg_buf_free(w->out);
    w->err = rc;
    return rc;
}
