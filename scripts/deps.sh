#!/bin/sh
# Install the Debian 12 packages the build and the tests need, only if any
# is missing: check first, then apt-get update + install. Needs root (or
# sudo) when something is missing; prints what it installs.
set -eu
PKGS="build-essential cmake pkg-config clang libssl-dev libsodium-dev
      libcmocka-dev libjansson-dev python3 python3-cryptography
      python3-jwcrypto valgrind libclang-rt-14-dev
      python3-jwt libjwt-dev libcjose-dev libjose-dev
      nginx-light curl libevent-dev libsqlite3-dev strace"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing="$missing $p"
done
# The interop tests run npm's jose under Node.js: use the machine's node
# if there is one, else Debian's.
command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
