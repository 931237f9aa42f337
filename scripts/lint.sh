#!/bin/sh
# scripts/lint.sh - the house lint (STYLE.md §3.6, §3.8), run by ctest
# (label lint) and by hand.
#
# 1. Secrets are compared in constant time: in lib/, cli/ and server/, a
#    memcmp, strcmp or strncmp whose arguments mention mac, tag, sig,
#    secret, key, hash or digest (any case, inside identifiers too;
#    ALL_CAPS constants excepted) is an error; use CRYPTO_memcmp or
#    jgi_ct_equal. Comparisons of public data that happen to use such
#    names are allowed one by one, with the reason:
#      - a comment "lint:public-compare: <why>" on the same line, or on a
#        line of its own just above the statement (it then covers the
#        statement up to the line ending in ';', '{' or ')');
#      - or an entry "path<TAB>code fragment<TAB>why" in
#        scripts/lint-allow.txt, for lines not yet marked in the code.
#        An entry that matches no flagged line is an error (stale).
# 2. Banned functions anywhere in lib/ cli/ server/ tests/ bench/ fuzz/
#    (C files):
#    sprintf vsprintf strcpy strcat atoi atol atoll gets strtok alloca
#    rand (snprintf, vsnprintf, strtol, RAND_bytes are fine).
# Comments and string literals are ignored.
#
# usage: scripts/lint.sh [ROOT]      lint the tree at ROOT (default: repo)
#        scripts/lint.sh --self-test show that the lint can fail
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${JG_PYTHON:-python3}

lint() {
    "$py" - "$1" "${2:-$here/lint-allow.txt}" <<'PYEOF'
import os
import re
import sys

root, allow_path = sys.argv[1], sys.argv[2]
SENSITIVE = re.compile(r"mac|tag|sig|secret|key|hash|digest", re.I)
COMPARE = re.compile(r"(?<![A-Za-z0-9_])(memcmp|strcmp|strncmp)\s*\(")
BANNED = re.compile(
    r"(?<![A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|atoi|atol|atoll|"
    r"gets|strtok|alloca|rand)\s*\(")
MARK = "lint:public-compare:"


def strip(text):
    """Blank out comments and string/char literals, keeping line breaks
    and columns, so that positions still match the source."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) +
                       (c if j - 1 > i else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def call_args(code, start):
    """The text between the '(' at `start` and its matching ')'."""
    depth, i = 0, start
    while i < len(code):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return code[start + 1:i]
        i += 1
    return code[start + 1:]


def marked_lines(lines):
    """Lines covered by a lint:public-compare marker (1-based)."""
    covered = set()
    for i, line in enumerate(lines):
        if MARK not in line:
            continue
        covered.add(i + 1)
        if line.strip().startswith(("/*", "//")):
            # a comment of its own: the next statement
            for j in range(i + 1, min(i + 12, len(lines))):
                covered.add(j + 1)
                if lines[j].rstrip().endswith((";", "{", ")")):
                    break
    return covered


def c_files(dirs):
    for d in dirs:
        top = os.path.join(root, d)
        for dirpath, dirnames, files in os.walk(top):
            dirnames[:] = sorted(x for x in dirnames
                                 if not x.startswith(".") and
                                 x not in ("node_modules", "__pycache__"))
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(dirpath, f)


allow = []
if os.path.exists(allow_path):
    with open(allow_path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[2].strip():
                print(f"{allow_path}:{no}: want path<TAB>fragment<TAB>why")
                sys.exit(1)
            allow.append({"path": parts[0], "frag": parts[1], "used": 0})

errors = 0
checked = 0
for path in c_files(["lib", "cli", "server", "tests", "bench", "fuzz"]):
    rel = os.path.relpath(path, root)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    checked += 1
    lines = text.split("\n")
    code = strip(text)
    starts = [0]
    for ln in code.split("\n"):
        starts.append(starts[-1] + len(ln) + 1)

    def line_of(pos):
        lo, hi = 0, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1

    for m in BANNED.finditer(code):
        ln = line_of(m.start())
        print(f"{rel}:{ln}: banned function {m.group(1)}(): "
              f"{lines[ln - 1].strip()}")
        errors += 1
    if not rel.startswith(("lib" + os.sep, "cli" + os.sep, "server" + os.sep)):
        continue
    covered = marked_lines(lines)
    for m in COMPARE.finditer(code):
        args = call_args(code, m.end() - 1)
        # Identifiers only; ALL_CAPS ones are compile-time constants
        # (PEM_STRING_ECPRIVATEKEY), never secret data.
        hit = None
        for tok in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", args):
            if not tok.isupper() and SENSITIVE.search(tok):
                hit = SENSITIVE.search(tok)
                break
        if not hit:
            continue
        ln = line_of(m.start())
        if ln in covered:
            continue
        src = lines[ln - 1]
        ok = False
        for a in allow:
            if a["path"] == rel.replace(os.sep, "/") and a["frag"] in src:
                a["used"] += 1
                ok = True
        if ok:
            continue
        print(f"{rel}:{ln}: {m.group(1)}() over \"{hit.group(0)}\" data: "
              f"use CRYPTO_memcmp/jgi_ct_equal, or mark a public compare "
              f"with /* {MARK} why */: {src.strip()}")
        errors += 1

for a in allow:
    if not a["used"]:
        print(f"{allow_path}: stale entry (matches no flagged line): "
              f"{a['path']}: {a['frag']}")
        errors += 1
print(f"lint: {checked} C files, {errors} problem(s)")
sys.exit(1 if errors else 0)
PYEOF
}

self_test() {
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/lib" "$tmp/cli" "$tmp/tests" "$tmp/good/lib"
    # Each violation below must be reported; the clean tree must pass.
    cat >"$tmp/lib/bad.c" <<'EOF'
#include <string.h>
int f(const unsigned char *mac, const unsigned char *tag, size_t n)
{
    return memcmp(mac, tag, n) == 0;
}
int g(const char *secret_key, const char *in)
{
    return strcmp(in, secret_key) == 0 && strncmp(in,
        SigBuf, 4) == 0 && strcmp(in, PEM_STRING_KEY) == 0;
}
void h(char *d, const char *s) { sprintf(d, "%s", s); strcpy(d, s); }
EOF
    cat >"$tmp/cli/bad.c" <<'EOF'
int v(const char *s) { return atoi(s) + rand(); }
EOF
    cat >"$tmp/tests/bad.c" <<'EOF'
void w(char *d, const char *s) { strcat(d, s); }
EOF
    cat >"$tmp/good/lib/ok.c" <<'EOF'
#include <stdio.h>
#include <string.h>
/* sprintf, strcpy and memcmp(mac, tag) in a comment are fine */
int ok(char *d, size_t n, const char *kid, const char *name,
       const unsigned char *mac, const unsigned char *tag)
{
    long x = strtol("12", NULL, 10);
    snprintf(d, n, "%ld %s", x, "memcmp(secret, key, 4)");
    if (memcmp(key_id, name, 3) == 0) /* lint:public-compare: kids */
        return 1;
    /* lint:public-compare: member names of a public document */
    if (strncmp(name,
                keyname, 3) == 0 &&
        strcmp(kid, hashname) == 0)
        return 2;
    if (strcmp(kid, "key") == 0) /* a literal is not a secret */
        return 3;
    return CRYPTO_memcmp(mac, tag, 16) == 0 && RAND_bytes(d, 1) &&
           memcmp(d, name, 2) == 0;
}
EOF
    printf '' >"$tmp/empty-allow.txt"
    out=$(lint "$tmp" "$tmp/empty-allow.txt" 2>&1) && {
        echo "lint self-test: FAIL: the bad tree passed"
        echo "$out"
        exit 1
    }
    echo "$out"
    for want in "lib/bad.c:4: memcmp" "lib/bad.c:8: strcmp" \
        "lib/bad.c:8: strncmp" "lib/bad.c:11: banned function sprintf" \
        "lib/bad.c:11: banned function strcpy" \
        "cli/bad.c:1: banned function atoi" \
        "cli/bad.c:1: banned function rand" \
        "tests/bad.c:1: banned function strcat" "8 problem(s)"; do
        case $out in
        *"$want"*) ;;
        *) echo "lint self-test: FAIL: not reported: $want"; exit 1 ;;
        esac
    done
    out=$(lint "$tmp/good" "$tmp/empty-allow.txt" 2>&1) || {
        echo "lint self-test: FAIL: the clean tree was rejected"
        echo "$out"
        exit 1
    }
    # An allow-list entry silences exactly its line; a stale one fails.
    printf 'lib/bad.c\tmemcmp(mac, tag, n)\ttest\n' >"$tmp/allow.txt"
    out=$(lint "$tmp" "$tmp/allow.txt" 2>&1) || true
    case $out in
    *"lib/bad.c:4:"*|*"8 problem(s)"*)
        echo "lint self-test: FAIL: allow entry ignored"; exit 1 ;;
    *"7 problem(s)"*) ;;
    *) echo "lint self-test: FAIL: allow entry: $out"; exit 1 ;;
    esac
    printf 'lib/bad.c\tno such code\ttest\n' >"$tmp/allow.txt"
    out=$(lint "$tmp/good" "$tmp/allow.txt" 2>&1) && {
        echo "lint self-test: FAIL: a stale allow entry passed"
        exit 1
    }
    echo "lint self-test: PASS (violations found, clean tree passes," \
         "allow list exact)"
}

if [ "${1:-}" = "--self-test" ]; then
    self_test
else
    lint "${1:-$here/..}"
fi
