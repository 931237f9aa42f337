/* cli/cmd_jws.c - `jwtguard jws`: sign bytes, verify a compact JWS.
 *
 * sign takes the payload bytes exactly (no newline handling) and prints
 * the compact JWS (RFC 7515 §7.1). verify prints the payload bytes exactly
 * and nothing else; it checks no claims (that is `jwt verify`). The
 * algorithm is never taken from the token: --alg, or else what the key
 * itself admits (cli_verify_algs).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char jws_usage[] =
    "usage: jwtguard jws <subcommand> [options]\n"
    "\n"
    "  sign   --key FILE [--alg ALG] [FILE|-]       compact JWS over bytes\n"
    "  verify --key FILE [--alg ALG]... [TOKEN|-]   payload bytes on stdout\n"
    "\n"
    "Instead of --key, --secret-file FILE uses the file's bytes as an HMAC\n"
    "secret (with one --alg HS256, HS384 or HS512).\n";

static const char sign_usage[] =
    "usage: jwtguard jws sign (--key FILE | --secret-file FILE) [--alg ALG]\n"
    "                         [FILE|-]\n"
    "\n"
    "Sign the exact bytes of FILE (or stdin) and print the compact JWS.\n"
    "\n"
    "  --key FILE          private JWK, JWKS of one key, or PEM\n"
    "  --secret-file FILE  raw HMAC secret (needs --alg HS*)\n"
    "  --alg ALG           algorithm; default: the key's own \"alg\" (EC and\n"
    "                      OKP keys without one use their only algorithm;\n"
    "                      RSA and oct keys without one need --alg)\n";

static const char verify_usage[] =
    "usage: jwtguard jws verify (--key FILE | --secret-file FILE)\n"
    "                           [--alg ALG]... [TOKEN|-]\n"
    "\n"
    "Verify a compact JWS and print its payload bytes exactly. No claims are\n"
    "checked (see jwt verify). Exit 1 with one line on stderr if rejected.\n"
    "\n"
    "  --key FILE          JWK, JWKS or PEM (public or private)\n"
    "  --secret-file FILE  raw HMAC secret (needs one --alg HS*)\n"
    "  --alg ALG           allow ALG (repeatable); default: the key's own\n"
    "                      \"alg\", or every algorithm of the key's type and\n"
    "                      size if it has none\n";

static int jws_sign(int argc, char **argv)
{
    static const cli_opt opts[] = {{"key", 1, CLI_OPT_KEY},
                                   {"secret-file", 1, CLI_OPT_SECRET},
                                   {"alg", 1, CLI_OPT_ALG},
                                   {NULL, 0, 0}};
    const char *cmd = "jws sign";
    const char *file = NULL, *val;
    jg_alg use_alg;
    const jg_key *k;
    jg_signer *s = NULL;
    jg_buf payload = {0}, out = {0};
    cli_key_opts ko = {0};
    cli_keys ks = {0};
    cli_parser p;
    int id, rc;
    jg_err e;

    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts, &val)) != CLI_OPT_END) {
        rc = cli_key_opt(&ko, cmd, id, val);
        if (rc == CLI_KEYOPT_ERR)
            return CLI_USAGE;
        if (rc == CLI_KEYOPT_YES)
            continue;
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(sign_usage);
        case CLI_OPT_POS:
            if (file)
                return cli_usage(cmd, "unexpected argument '%s'", val);
            file = val;
            break;
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    rc = cli_sign_key(&ks, &k, &use_alg, cmd, &ko);
    if (rc != CLI_OK)
        return rc;
    rc = cli_read_file(&payload, file, CLI_MAX_FILE);
    if (rc != CLI_OK)
        goto out;
    rc = CLI_USAGE;
    e = jg_signer_new(&s, k, use_alg);
    if (e != JG_OK) {
        cli_fail(e, ks.name);
        goto out;
    }
    e = jg_jws_sign(s, payload.data, payload.len, NULL, &out);
    if (e != JG_OK) {
        cli_fail(e, "sign");
        goto out;
    }
    if (cli_append(&out, "\n", 1) != 0)
        goto out;
    rc = cli_write_stdout(out.data, out.len);
out:
    jg_buf_free(&out);
    jg_buf_free(&payload);
    jg_signer_free(s);
    cli_keys_free(&ks);
    return rc;
}

static int jws_verify(int argc, char **argv)
{
    static const cli_opt opts[] = {{"key", 1, CLI_OPT_KEY},
                                   {"secret-file", 1, CLI_OPT_SECRET},
                                   {"alg", 1, CLI_OPT_ALG},
                                   {NULL, 0, 0}};
    const char *cmd = "jws verify";
    const char *tok_arg = NULL, *val;
    jg_alg algs[JG_ALG__JWS_END];
    size_t n_algs = 0;
    jg_policy *pol = NULL;
    jg_verifier *v = NULL;
    jg_buf token = {0}, payload = {0};
    cli_key_opts ko = {.many_algs = 1};
    cli_keys ks = {0};
    jg_reason why;
    cli_parser p;
    int id, rc;
    jg_err e;

    cli_parser_init(&p, cmd, argc, argv);
    while ((id = cli_next(&p, opts, &val)) != CLI_OPT_END) {
        rc = cli_key_opt(&ko, cmd, id, val);
        if (rc == CLI_KEYOPT_ERR)
            return CLI_USAGE;
        if (rc == CLI_KEYOPT_YES)
            continue;
        switch (id) {
        case CLI_OPT_ERR:
            return CLI_USAGE;
        case CLI_OPT_HELP:
            return cli_help(verify_usage);
        case CLI_OPT_POS:
            if (tok_arg)
                return cli_usage(cmd, "unexpected argument '%s'", val);
            tok_arg = val;
            break;
        default:
            return cli_usage(cmd, "internal option error");
        }
    }
    rc = cli_keys_load_opts(&ks, cmd, &ko);
    if (rc != CLI_OK)
        return rc;
    rc = cli_verify_algs(&ks, ko.algs, ko.n_algs, algs, &n_algs);
    if (rc != CLI_OK)
        goto out;
    rc = CLI_USAGE;
    e = jg_policy_new(&pol);
    if (e != JG_OK) {
        cli_fail(e, "policy");
        goto out;
    }
    rc = cli_make_verifier(&v, pol, &ks, algs, n_algs);
    if (rc != CLI_OK)
        goto out;
    rc = cli_read_token(&token, tok_arg, JG_DEFAULT_MAX_TOKEN);
    if (rc != CLI_OK)
        goto out;
    memset(&why, 0, sizeof why);
    e = jg_jws_verify(v, (const char *)token.data, token.len, &payload, NULL,
                      &why);
    if (e != JG_OK) {
        cli_reject_line(e, &why);
        rc = CLI_REJECT;
        goto out;
    }
    rc = cli_write_stdout(payload.data, payload.len);
out:
    jg_buf_free(&payload);
    jg_buf_free(&token);
    jg_verifier_free(v);
    jg_policy_free(pol);
    cli_keys_free(&ks);
    return rc;
}

int cmd_jws(int argc, char **argv)
{
    if (argc < 1)
        return cli_usage("jws", "missing subcommand");
    if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0)
        return cli_help(jws_usage);
    if (strcmp(argv[0], "sign") == 0)
        return jws_sign(argc - 1, argv + 1);
    if (strcmp(argv[0], "verify") == 0)
        return jws_verify(argc - 1, argv + 1);
    return cli_usage("jws", "unknown subcommand '%s'", argv[0]);
}
