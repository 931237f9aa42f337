/* cli/cli.h - what the jwtguard command files share.
 *
 * main.c dispatches to one cmd_<noun>.c per noun; those use the helpers in
 * util.c: a small exact option parser (no abbreviations, no permutation
 * surprises), capped reads of files and stdin, key loading (JWK, JWKS, PEM
 * or a raw HMAC secret file), durations, and the one-line error messages.
 * Everything goes through the public API only (include/jwtguard/).
 */
#ifndef JG_CLI_H
#define JG_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jwtguard/jwtguard.h>

/* Exit statuses (STYLE.md 3.9). */
enum {
    CLI_OK = 0,     /* success */
    CLI_REJECT = 1, /* the token (or other input) was rejected */
    CLI_USAGE = 2   /* usage error, unusable key or file */
};

/* Largest file (key, payload, claims) read, in bytes. */
#define CLI_MAX_FILE (1024u * 1024u)
/* Longest duration accepted anywhere (100 years of 365.25 days). */
#define CLI_MAX_DURATION INT64_C(3155760000)

/* ---- the commands (one file each) ---- */
int cmd_jwk(int argc, char **argv);
int cmd_jws(int argc, char **argv);
int cmd_jwt(int argc, char **argv);

/* ---- messages (stderr, one line each) ---- */
/* "jwtguard: <text>\n", control characters made visible. */
#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif
void cli_msg(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "jwtguard: usage: <text>; see 'jwtguard <cmd> --help'"; returns
 * CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);
/* "jwtguard: E_NAME: <what>: <jg_err_str(e)>"; returns CLI_USAGE. */
int cli_fail(jg_err e, const char *what);
/* The rejection line of a verify call: "jwtguard: " + jg_reason_str. */
void cli_reject_line(jg_err rc, jg_reason *why);

/* ---- output: buffered, written once at the end ---- */
/* --help: `text` on stdout, CLI_OK. */
int cli_help(const char *text);
/* Write the whole buffer to stdout and flush. CLI_OK or CLI_USAGE (after
 * printing an E_IO line). */
int cli_write_stdout(const void *p, size_t n);
/* Append or fail with an E_NOMEM line; 0 on success. */
int cli_append(jg_buf *b, const void *p, size_t n);
int cli_append_str(jg_buf *b, const char *s);

/* ---- options ---- */
typedef struct cli_opt {
    const char *name; /* long name without "--" */
    int has_arg;
    int id;           /* > CLI_OPT_HELP */
} cli_opt;

enum {
    CLI_OPT_END = -1,  /* no more arguments */
    CLI_OPT_ERR = -2,  /* a usage line was printed */
    CLI_OPT_POS = 0,   /* a positional argument */
    CLI_OPT_HELP = 1,  /* -h or --help */
    CLI_OPT_FIRST = 10 /* first id a command may use */
};

typedef struct cli_parser {
    int argc;
    char **argv;
    int i;          /* next argument */
    int only_pos;   /* after "--" */
    const char *cmd; /* e.g. "jwt verify", for messages */
} cli_parser;

void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv);
/* The next option id (and *val for options taking a value), CLI_OPT_POS
 * with *val = the argument, CLI_OPT_HELP, CLI_OPT_END or CLI_OPT_ERR.
 * `opts` ends with an entry whose name is NULL. Options must be spelled
 * in full; "--name=value" and "--name value" both work. */
int cli_next(cli_parser *p, const cli_opt *opts, const char **val);

/* ---- input ---- */
enum { CLI_READ_OK = 0, CLI_READ_TOO_BIG = 1, CLI_READ_ERR = 2 };
/* Read all of `path` (NULL or "-" = stdin, which may be read only once)
 * into `out` (zero-initialised), at most `cap` bytes. CLI_READ_ERR has
 * printed its line; CLI_READ_TOO_BIG has not (the caller knows what the
 * limit means). `out` is wiped and freed on any failure. */
int cli_read(jg_buf *out, const char *path, size_t cap);
/* As cli_read, with a usage-level error line for a file over `cap`.
 * CLI_OK or CLI_USAGE. */
int cli_read_file(jg_buf *out, const char *path, size_t cap);
/* A display name for a path: "stdin" for NULL or "-". */
const char *cli_name(const char *path);
/* Read a token: `arg` itself, or stdin if arg is NULL or "-", with one
 * trailing newline ("\n" or "\r\n") removed from stdin input. Longer
 * than `max` bytes gives the E_LIMIT rejection line and CLI_REJECT. */
int cli_read_token(jg_buf *out, const char *arg, size_t max);

/* ---- values ---- */
/* Strict duration: digits with an optional s, m, h or d suffix; no sign,
 * no spaces, at most CLI_MAX_DURATION. 0 on success, -1 if invalid. */
int cli_parse_duration(const char *s, int64_t *out);
/* "45s", "15m", "1h30m", "7d2h" (two largest units, rounded down) for
 * messages. */
void cli_format_duration(char *out, size_t cap, int64_t secs);
/* "2024-01-02T03:04:05Z" (UTC). */
void cli_format_time(char *out, size_t cap, int64_t t);
/* An algorithm name from the command line; usage error (printed) if
 * unknown. 0 on success. */
int cli_parse_alg(const char *cmd, const char *name, jg_alg *out);
/* Strict base64url (RFC 4648 §5, no padding, canonical). 0 on success. */
int cli_b64url_decode(jg_buf *out, const char *in, size_t len);
/* Copy valid JSON text without insignificant whitespace. 0 on success. */
int cli_json_compact(jg_buf *out, const char *json, size_t len);
/* Append a JSON string literal (quotes and escapes) for display. */
int cli_append_json_str(jg_buf *b, const char *s, size_t len);

/* ---- keys ---- */
typedef struct cli_keys {
    jg_key *key;     /* one key (JWK, PEM or secret), or NULL for a set */
    jg_keyset *set;  /* the keyset (also made for a single key) */
    const char *name; /* for messages */
    int from_secret; /* came from --secret-file */
    size_t skipped;  /* JWKS members of unknown kty/crv left out */
} cli_keys;

/* Load --key FILE (JWK, JWKS or PEM; `pem_alg` is recorded on a PEM key,
 * JG_ALG_UNKNOWN for none) or --secret-file FILE (raw bytes, `secret_alg`
 * must be HS*). Exactly one of key_path and secret_path is non-NULL.
 * CLI_OK or CLI_USAGE (line printed). */
int cli_keys_load(cli_keys *out, const char *cmd, const char *key_path,
                  const char *secret_path, jg_alg pem_alg,
                  jg_alg secret_alg);
void cli_keys_free(cli_keys *ks);
/* One "warning:" line per skipped JWKS member. Printed by the jwk
 * commands and by verify --explain only: a rejection stays one line. */
void cli_keys_warn_skipped(const cli_keys *ks);
/* The one key of a single-key source (a JWKS must hold exactly one).
 * CLI_OK or CLI_USAGE. */
int cli_keys_single(const cli_keys *ks, const jg_key **k);

/* The algorithm to sign with: `alg` if given (it must fit the key), else
 * the key's own, else the only choice for EC and OKP keys; RSA and oct keys
 * without alg are refused. CLI_OK or CLI_USAGE. */
int cli_sign_alg(const jg_key *k, const char *name, const char *cmd,
                 jg_alg alg, jg_alg *out);

/* The verification allowlist: the algorithms given (each must fit some
 * key of the set), or else every algorithm some key accepts for verify
 * (jg_key_check_alg). `out` holds JG_ALG__JWS_END entries. CLI_OK or
 * CLI_USAGE. */
int cli_verify_algs(const cli_keys *ks, const jg_alg *given, size_t n_given,
                    jg_alg *out, size_t *n_out);
/* Allow `algs` on `p` and make a verifier. CLI_OK or CLI_USAGE. */
int cli_make_verifier(jg_verifier **out, jg_policy *p, const cli_keys *ks,
                      const jg_alg *algs, size_t n_algs);

/* ---- the key options of sign and verify ---- */
/* Option ids for --key, --secret-file and --alg; a command's own options
 * start at CLI_OPT_KEY_END. */
enum {
    CLI_OPT_KEY = CLI_OPT_FIRST,
    CLI_OPT_SECRET,
    CLI_OPT_ALG,
    CLI_OPT_KEY_END
};

/* Most --alg options a verify command takes. */
#define CLI_MAX_ALGS 32

typedef struct cli_key_opts {
    int many_algs;       /* set by the caller: --alg repeats (verify);
                          * else the last --alg wins (sign) */
    const char *key;     /* --key FILE */
    const char *secret;  /* --secret-file FILE */
    jg_alg algs[CLI_MAX_ALGS]; /* the --alg values given */
    size_t n_algs;
} cli_key_opts;

enum { CLI_KEYOPT_ERR = -1, CLI_KEYOPT_NO = 0, CLI_KEYOPT_YES = 1 };
/* Inside an option loop: store option `id` if it is one of the key
 * options. CLI_KEYOPT_YES (stored), CLI_KEYOPT_NO (not a key option) or
 * CLI_KEYOPT_ERR (a usage line was printed). */
int cli_key_opt(cli_key_opts *ko, const char *cmd, int id, const char *val);
/* cli_keys_load for the options given; a verify command (many_algs) also
 * insists on exactly one --alg with --secret-file. CLI_OK or CLI_USAGE. */
int cli_keys_load_opts(cli_keys *out, const char *cmd,
                       const cli_key_opts *ko);
/* The signing key and algorithm of a sign command: load the key, take
 * its one key, then cli_sign_alg. CLI_OK, or CLI_USAGE with `out` freed. */
int cli_sign_key(cli_keys *out, const jg_key **k, jg_alg *alg,
                 const char *cmd, const cli_key_opts *ko);

/* Key type text for messages: "RSA-3072", "EC P-256", "oct-256", ... */
void cli_key_desc(char *out, size_t cap, const jg_key *k);

#endif /* JG_CLI_H */
