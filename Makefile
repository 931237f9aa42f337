# jwtguard - the two commands: `make run` (the demo) and `make test`.
# Both install missing Debian packages first (scripts/deps.sh).
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
PREFIX ?= /usr/local
CMAKE_FLAGS ?=
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_MERGE ?= 0
FUZZ_PARALLEL ?= 1
FUZZ_TARGETS ?=

.PHONY: all deps build asan test test-fast test-asan run demo install clean fuzz interop \
	valgrind torture-ossl

all: build

deps:
	@sh scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DJG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

asan: deps
	CC=clang cmake -S . -B $(ASAN_BUILD) -DJG_WERROR=ON -DJG_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The whole suite, then the same suite again under ASan+UBSan.
test: build asan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# valgrind: memcheck of the unit and vector suites and the constant-time
# (secret-taint) check; both are part of `make test` as well.
valgrind: build
	cd $(BUILD) && ctest --output-on-failure -L '^(memcheck|ct)$$'

# The allocation-failure torture with OpenSSL's own allocations failing
# too (opt-in, minutes; see docs/security.md).
torture-ossl: asan
	cd $(ASAN_BUILD) && JG_TORTURE_OSSL=1 ASAN_OPTIONS=detect_leaks=1 \
	  JG_VECTORS=$(CURDIR)/../shared/vectors ./bin/unit_test_torture

# The interoperability matrix against the peers; rewrites docs/interop.md.
interop: build
	@sh scripts/interop.sh $(BUILD)

# The main job: jwtguardd on https://127.0.0.1:8443 with a demo user, the
# login -> verify -> refresh -> logout flow run with curl, then (on a
# terminal) the server keeps running until Ctrl-C.
run: build
	@sh scripts/server-demo.sh $(BUILD)/bin/jwtguardd

# The command-line tour: keys, signing, verification, rejections.
demo: build
	@sh scripts/demo.sh $(BUILD)/bin/jwtguard

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# libFuzzer targets (clang, ASan+UBSan), each run FUZZ_SECONDS over its
# committed corpus; new inputs go to a temporary directory unless
# FUZZ_MERGE=1. The corpus replay itself is part of `make test`.
fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DJG_FUZZ=ON -DJG_TESTS=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=$(FUZZ_MERGE) \
	  FUZZ_PARALLEL=$(FUZZ_PARALLEL) bash fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
