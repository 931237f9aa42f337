#!/bin/sh
# Run the interoperability matrix (tests/interop/test_matrix.py, through
# ctest so it gets the same environment as in `make test`) in an existing
# build directory, then copy the matrix it wrote to docs/interop.md.
# usage: scripts/interop.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
if [ ! -f "$build/CTestTestfile.cmake" ]; then
    echo "interop: $build is not a configured build directory" >&2
    exit 2
fi
rm -f "$build/interop.md"
status=0
(cd "$build" && ctest -R '^interop_test_matrix$' -V) || status=$?
if [ -f "$build/interop.md" ]; then
    cp "$build/interop.md" docs/interop.md
    echo "interop: docs/interop.md updated ($(grep '^Totals:' docs/interop.md))"
else
    echo "interop: the matrix was not written; docs/interop.md left as it was" >&2
    [ "$status" -ne 0 ] || status=1
fi
exit "$status"
