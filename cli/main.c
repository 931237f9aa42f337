/* cli/main.c - the jwtguard command: dispatch only.
 *
 * `jwtguard <noun> <verb> [options]`: each noun lives in cli/cmd_<noun>.c
 * (jwk, jws, jwt). This file knows the nouns, --help and --version, and
 * nothing else. Exit statuses: 0 ok, 1 rejected, 2 usage or unusable key.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} nouns[] = {
    {"jwk", cmd_jwk},
    {"jws", cmd_jws},
    {"jwt", cmd_jwt},
};

static const char usage[] =
    "usage: jwtguard <command> <subcommand> [options] [input]\n"
    "\n"
    "JSON Web Tokens with secure defaults.\n"
    "\n"
    "commands:\n"
    "  jwk generate    make a new private key (JWK)\n"
    "  jwk public      the public half of a key or key set\n"
    "  jwk thumbprint  RFC 7638 SHA-256 thumbprint\n"
    "  jwk import-pem  PEM -> JWK\n"
    "  jwk export-pem  JWK -> PEM\n"
    "  jws sign        sign bytes (compact JWS)\n"
    "  jws verify      verify a JWS, print its payload\n"
    "  jwt sign        make a signed JWT (exp, iat, jti by default)\n"
    "  jwt verify      verify a JWT and its claims, print the claims\n"
    "  jwt inspect     show header and claims WITHOUT verifying\n"
    "\n"
    "options:\n"
    "  -h, --help      this text (also after any command)\n"
    "  --version       print the version\n"
    "\n"
    "Exit status: 0 success, 1 token rejected, 2 usage error or unusable\n"
    "key or file. Secrets are read from files, never from the command line.\n"
    "See jwtguard(1).\n";

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(NULL, "jwtguard <command> <subcommand> [options]");
    const char *a = argv[1];
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 ||
        strcmp(a, "help") == 0)
        return cli_help(usage);
    if (strcmp(a, "--version") == 0) {
        printf("jwtguard %s\n", jg_version());
        return fflush(stdout) == 0 ? CLI_OK : CLI_USAGE;
    }
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++)
        if (strcmp(a, nouns[i].name) == 0)
            return nouns[i].run(argc - 2, argv + 2);
    if (a[0] == '-')
        return cli_usage(NULL, "unknown option '%s'", a);
    return cli_usage(NULL, "unknown command '%s'", a);
}
