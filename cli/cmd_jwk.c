/* cli/cmd_jwk.c - `jwtguard jwk`: make, show and convert keys.
 *
 * generate (a private JWK with alg and kid), public (drop every private
 * member; a JWKS stays a JWKS), thumbprint (RFC 7638 §3, SHA-256),
 * import-pem and export-pem. It never prints a secret unless asked for
 * the private key itself (generate, import-pem of a private PEM,
 * export-pem of a private JWK), and output is written only on success.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char jwk_usage[] =
    "usage: jwtguard jwk <subcommand> [options]\n"
    "\n"
    "  generate --alg ALG [--kid KID]   new private JWK on stdout\n"
    "  public [FILE|-]                  public JWK (or public JWKS)\n"
    "  thumbprint [FILE|-]              RFC 7638 SHA-256 thumbprint\n"
    "  import-pem [--alg ALG] [FILE|-]  PEM -> JWK\n"
    "  export-pem [FILE|-]              JWK -> PEM\n"
    "\n"
    "FILE may be a JWK, a JWKS or a PEM key; '-' or nothing reads stdin.\n";

static const char generate_usage[] =
    "usage: jwtguard jwk generate --alg ALG [--kid KID]\n"
    "\n"
    "Generate a private key for ALG from the OS random generator and print\n"
    "it as a JWK with \"alg\" and \"kid\" (the RFC 7638 thumbprint unless\n"
    "--kid is given). HS* make a secret of the hash length, RS*/PS* RSA-3072,\n"
    "ES* their curve, EdDSA and Ed25519 Ed25519, Ed448 Ed448.\n"
    "\n"
    "  --alg ALG   HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512\n"
    "              ES256 ES384 ES512 ES256K EdDSA Ed25519 Ed448\n"
    "  --kid KID   key id (printable, at most 256 bytes)\n";

static const char public_usage[] =
    "usage: jwtguard jwk public [FILE|-]\n"
    "\n"
    "Print the public half of a key (JWK or PEM) as a JWK, or of a JWKS as a\n"
    "JWKS: every private member (d, p, q, dp, dq, qi) is dropped. An oct\n"
    "(HMAC) key has no public half and is refused.\n";

static const char thumbprint_usage[] =
    "usage: jwtguard jwk thumbprint [FILE|-]\n"
    "\n"
    "Print the RFC 7638 SHA-256 thumbprint of a key, base64url, one line.\n";

static const char import_usage[] =
    "usage: jwtguard jwk import-pem [--alg ALG] [FILE|-]\n"
    "\n"
    "Read a PEM key (SPKI public, PKCS#8 private, or traditional RSA/EC\n"
    "private) and print it as a JWK: private if the PEM is private. The kid\n"
    "is the RFC 7638 thumbprint.\n"
    "\n"
    "  --alg ALG   record ALG as the key's \"alg\" (it must fit the key)\n";

static const char export_usage[] =
    "usage: jwtguard jwk export-pem [FILE|-]\n"
    "\n"
    "Print a key as PEM: PKCS#8 if it is private, SPKI if public. oct keys\n"
    "have no PEM form.\n";

/* Write `b` plus a newline if it does not end in one. */
static int emit(jg_buf *b)
{
    if ((b->len == 0 || b->data[b->len - 1] != '\n') &&
        cli_append(b, "\n", 1) != 0)
        return CLI_USAGE;
    return cli_write_stdout(b->data, b->len);
}

/* Parse "[FILE|-]" with no options besides --help (and --alg if
 * alg_out is not NULL). 1 = go on, else the exit status. */
static int parse_file_args(const char *cmd, const char *usage_text,
                           int argc, char **argv, const char **file,
                           jg_alg *alg_out)
{
    enum { O_ALG = CLI_OPT_FIRST };
    static const cli_opt with_alg[] = {{"alg", 1, O_ALG}, {NULL, 0, 0}};
    static const cli_opt none[] = {{NULL, 0, 0}};
    cli_parser p;
    const char *val;
    int id;

    *file = NULL;
    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, alg_out ? with_alg : none, &val)) !=
           CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(usage_text);
        case O_ALG:
            if (cli_parse_alg(cmd, val, alg_out) != 0)
                return CLI_USAGE;
            break;
        case CLI_OPT_POS:
            if (*file)
                return cli_usage(cmd, "unexpected argument '%s'", val);
            *file = val;
            break;
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    return 1;
}

/* Parse "[FILE|-]" and load the key (JWK, JWKS or PEM) it names, stdin
 * if none. 1 = go on with `ks` loaded, else the exit status. */
static int load_file_arg(cli_keys *ks, const char *cmd,
                         const char *usage_text, int argc, char **argv)
{
    const char *file;
    int rc = parse_file_args(cmd, usage_text, argc, argv, &file, NULL);

    if (rc != 1)
        return rc;
    rc = cli_keys_load(ks, cmd, file ? file : "-", NULL, JG_ALG_UNKNOWN,
                       JG_ALG_UNKNOWN);
    return rc == CLI_OK ? 1 : rc;
}

static int jwk_generate(int argc, char **argv)
{
    enum { O_ALG = CLI_OPT_FIRST, O_KID };
    static const cli_opt opts[] = {
        {"alg", 1, O_ALG}, {"kid", 1, O_KID}, {NULL, 0, 0}};
    const char *cmd = "jwk generate";
    const char *kid = NULL, *val;
    jg_alg alg = JG_ALG_UNKNOWN;
    jg_key *k = NULL;
    jg_buf out = {0};
    cli_parser p;
    int id, rc = CLI_USAGE;
    jg_err e;

    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(generate_usage);
        case O_ALG:
            if (cli_parse_alg(cmd, val, &alg) != 0)
                return CLI_USAGE;
            break;
        case O_KID:
            kid = val;
            break;
        case CLI_OPT_POS:
            return cli_usage(cmd, "unexpected argument '%s'", val);
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    if (alg == JG_ALG_UNKNOWN)
        return cli_usage(cmd, "--alg is required");
    size_t kid_len = kid ? strlen(kid) : 0;
    if (kid) {
        if (kid_len == 0 || kid_len > JG_DEFAULT_MAX_KID)
            return cli_usage(cmd, "--kid must be 1 to %u bytes",
                             JG_DEFAULT_MAX_KID);
        for (size_t i = 0; i < kid_len; i++) {
            unsigned char c = (unsigned char)kid[i];
            if (c < 0x20 || c == 0x7f)
                return cli_usage(cmd, "--kid may not hold control "
                                      "characters");
        }
    }
    e = jg_key_generate(&k, alg, 0, kid, kid_len);
    if (e != JG_OK) {
        cli_msg("%s: generate %s: %s", jg_err_name(e), jg_alg_name(alg),
                jg_err_str(e));
        goto out;
    }
    e = jg_key_to_jwk(&out, k, 0);
    if (e != JG_OK) {
        cli_fail(e, "generate");
        goto out;
    }
    rc = emit(&out);
out:
    jg_buf_free(&out);
    jg_key_free(k);
    return rc;
}

static int jwk_public(int argc, char **argv)
{
    const char *cmd = "jwk public";
    cli_keys ks;
    jg_buf out = {0};
    jg_err e;
    int rc = load_file_arg(&ks, cmd, public_usage, argc, argv);

    if (rc != 1)
        return rc;
    cli_keys_warn_skipped(&ks);
    rc = CLI_USAGE;
    if (ks.key)
        e = jg_key_to_jwk(&out, ks.key, 1);
    else
        e = jg_keyset_to_jwks(&out, ks.set, 1);
    if (e != JG_OK) {
        if (ks.key && jg_key_kty(ks.key) == JG_KTY_OCT)
            cli_msg("%s: %s: an oct (HMAC) key is secret and has no public "
                    "half",
                    jg_err_name(e), ks.name);
        else
            cli_fail(e, ks.name);
        goto out;
    }
    rc = emit(&out);
out:
    jg_buf_free(&out);
    cli_keys_free(&ks);
    return rc;
}

static int jwk_thumbprint(int argc, char **argv)
{
    const char *cmd = "jwk thumbprint";
    const jg_key *k;
    cli_keys ks;
    jg_buf out = {0};
    jg_err e;
    int rc = load_file_arg(&ks, cmd, thumbprint_usage, argc, argv);

    if (rc != 1)
        return rc;
    rc = cli_keys_single(&ks, &k);
    if (rc != CLI_OK)
        goto out;
    rc = CLI_USAGE;
    e = jg_key_thumbprint(&out, k);
    if (e != JG_OK) {
        cli_fail(e, ks.name);
        goto out;
    }
    rc = emit(&out);
out:
    jg_buf_free(&out);
    cli_keys_free(&ks);
    return rc;
}

static int jwk_import_pem(int argc, char **argv)
{
    const char *cmd = "jwk import-pem", *file;
    jg_alg alg = JG_ALG_UNKNOWN;
    jg_key *k = NULL;
    jg_buf in = {0}, out = {0}, tp = {0};
    jg_err e;
    size_t kid_len = 0;
    int rc = parse_file_args(cmd, import_usage, argc, argv, &file, &alg);

    if (rc != 1)
        return rc;
    rc = cli_read_file(&in, file, CLI_MAX_FILE);
    if (rc != CLI_OK)
        return rc;
    rc = CLI_USAGE;
    e = jg_key_from_pem(&k, (const char *)in.data, in.len, alg);
    if (e != JG_OK) {
        cli_msg("%s: %s: %s (PEM)", jg_err_name(e), cli_name(file),
                jg_err_str(e));
        goto out;
    }
    e = jg_key_to_jwk(&out, k, 0);
    if (e != JG_OK) {
        cli_fail(e, cli_name(file));
        goto out;
    }
    if (!jg_key_kid(k, &kid_len)) {
        /* A PEM key has no use or key_ops, so kid goes last: still the
         * member order jg_key_to_jwk uses. */
        e = jg_key_thumbprint(&tp, k);
        if (e != JG_OK || out.len < 2 || out.data[out.len - 1] != '}') {
            cli_fail(e != JG_OK ? e : JG_E_MALFORMED, cli_name(file));
            goto out;
        }
        out.len--;
        if (cli_append_str(&out, out.len > 1 ? ",\"kid\":" : "\"kid\":") ||
            cli_append_json_str(&out, (const char *)tp.data, tp.len) ||
            cli_append(&out, "}", 1))
            goto out;
    }
    rc = emit(&out);
out:
    jg_buf_free(&tp);
    jg_buf_free(&out);
    jg_buf_free(&in);
    jg_key_free(k);
    return rc;
}

static int jwk_export_pem(int argc, char **argv)
{
    const char *cmd = "jwk export-pem";
    const jg_key *k;
    cli_keys ks;
    jg_buf out = {0};
    jg_err e;
    int rc = load_file_arg(&ks, cmd, export_usage, argc, argv);

    if (rc != 1)
        return rc;
    rc = cli_keys_single(&ks, &k);
    if (rc != CLI_OK)
        goto out;
    rc = CLI_USAGE;
    e = jg_key_to_pem(&out, k, 0);
    if (e != JG_OK) {
        if (jg_key_kty(k) == JG_KTY_OCT)
            cli_msg("%s: %s: an oct (HMAC) key has no PEM form",
                    jg_err_name(e), ks.name);
        else
            cli_fail(e, ks.name);
        goto out;
    }
    rc = emit(&out);
out:
    jg_buf_free(&out);
    cli_keys_free(&ks);
    return rc;
}

int cmd_jwk(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        {"generate", jwk_generate},     {"public", jwk_public},
        {"thumbprint", jwk_thumbprint}, {"import-pem", jwk_import_pem},
        {"export-pem", jwk_export_pem},
    };

    if (argc < 1)
        return cli_usage("jwk", "missing subcommand");
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0)
        return cli_help(jwk_usage);
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[0], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return cli_usage("jwk", "unknown subcommand '%s'", argv[0]);
}
