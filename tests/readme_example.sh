#!/bin/sh
# Compile and run the library example from README.md exactly as written:
# the first ```c block is extracted, built against this build's static
# library, and must print "verified; sub = alice".
set -eu
src="${JG_SOURCE_DIR:?}"
bld="${JG_BUILD_DIR:?}"
dir=$(mktemp -d "${bld}/readme.XXXXXX")
trap 'rm -rf "$dir"' EXIT
awk '/^```c$/{f=1;next} /^```$/{if(f){exit}} f' "$src/README.md" > "$dir/example.c"
[ -s "$dir/example.c" ] || { echo "no C example in README.md"; exit 1; }
extra=""
case "${JG_SANITIZE_FLAGS:-}" in "") ;; *) extra="$JG_SANITIZE_FLAGS";; esac
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror $extra -I"$src/include" "$dir/example.c" \
    "$bld/lib/libjwtguard.a" $(pkg-config --libs libcrypto libsodium) -lpthread \
    -o "$dir/example"
out=$("$dir/example")
echo "$out"
[ "$out" = "verified; sub = alice" ]
echo "1 passed, 0 failed"
