#!/bin/sh
# `cmake --install` into a temporary prefix, then build a consumer two ways:
# with pkg-config (jwtguard.pc) and with CMake's find_package(jwtguard).
# Both must compile, link against the installed library and run.
set -eu
bld="${JG_BUILD_DIR:?}"
src="${JG_SOURCE_DIR:?}"
dir=$(mktemp -d "${bld}/install.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cmake --install "$bld" --prefix "$dir/prefix" >/dev/null
lib=$(ls -d "$dir"/prefix/lib* | head -1)
cat > "$dir/app.c" <<'C'
#include <jwtguard/jwtguard.h>
#include <stdio.h>
int main(void)
{
    jg_key *k = NULL;
    if (jg_key_generate(&k, JG_ED25519, 0, NULL, 0) != JG_OK)
        return 1;
    printf("%s %s\n", jg_version(), jg_alg_name(jg_key_alg(k)));
    jg_key_free(k);
    return 0;
}
C
# pkg-config, shared library
PKG_CONFIG_PATH="$lib/pkgconfig" ${CC:-cc} -std=c11 ${JG_SANITIZE_FLAGS:-} "$dir/app.c" \
    $(PKG_CONFIG_PATH="$lib/pkgconfig" pkg-config --cflags --libs jwtguard) \
    -Wl,-rpath,"$lib" -o "$dir/app_pc"
"$dir/app_pc" | grep -q "Ed25519"
# The shared library exports only the public API.
if nm -D --defined-only "$lib/libjwtguard.so" | awk '{print $3}' \
        | grep -v '^jg_' | grep -v '^jgi_set_alloc_fail$' | grep -q .; then
    echo "libjwtguard.so exports non-jg_ symbols:"
    nm -D --defined-only "$lib/libjwtguard.so" | awk '{print $3}' | grep -v '^jg_'
    exit 1
fi
# CMake package
mkdir -p "$dir/cm"
cat > "$dir/cm/CMakeLists.txt" <<'C'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(jwtguard REQUIRED)
add_executable(app ../app.c)
target_link_libraries(app jwtguard::jwtguard)
C
cmake -S "$dir/cm" -B "$dir/cm/b" -DCMAKE_PREFIX_PATH="$dir/prefix" \
    -DCMAKE_C_FLAGS="${JG_SANITIZE_FLAGS:-}" -DCMAKE_BUILD_RPATH="$lib" >/dev/null
cmake --build "$dir/cm/b" >/dev/null
"$dir/cm/b/app" | grep -q "Ed25519"
echo "2 passed, 0 failed"
