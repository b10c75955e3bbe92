# The two set-up commands: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
JOBS ?= 2

.PHONY: bootstrap bootstrap-test configure build run test bench sanitize fuzz image smoke cluster-smoke clean

bootstrap:
	@scripts/bootstrap.sh

bootstrap-test:
	@scripts/bootstrap.sh --test

configure: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@$(BUILD)/voxgate serve

test: bootstrap-test build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# Every test under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer (slow: ~20 min on 2 cores).
# Any UB report fails its test, except the two third-party lines in tests/ubsan.supp.
sanitize: bootstrap-test
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVOXGATE_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="-O1 -g1 -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@cmake --build build-asan -j$(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/ubsan.supp \
	  ctest --output-on-failure -j$(JOBS)

# The container image voxgate:<version> from deploy/Dockerfile: docker where an engine answers, else
# buildah (the Debian base from mmdebstrap where no registry is reachable). `make smoke` then runs it
# (or chroots into it) and places a simulated call through it.
image:
	@deploy/build-image.sh

smoke:
	@deploy/smoke.sh

# The compose stack's cluster from the same image: three gateways, Redis and HAProxy (deploy/haproxy.cfg).
cluster-smoke:
	@deploy/cluster-smoke.sh

# libFuzzer (clang-14, ASan + UBSan) on every pure parser and verifier, one target at a time, each for
# FUZZ_RUNS executions or FUZZ_SECONDS, whichever comes first; seeds in tests/fuzz/corpus, new inputs
# and crashes under build-fuzz/fuzz-out (docs/FUZZING.md). FUZZ_TARGETS="json url" runs a subset.
FUZZ_RUNS ?= 10000000
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz: bootstrap
	@for p in clang-14 libfuzzer-14-dev; do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVOXGATE_FUZZ=ON \
	  -DVOXGATE_BENCH=OFF >/dev/null
	@cmake --build build-fuzz --target voxgate_fuzzers -j$(JOBS)
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run_fuzzers.sh build-fuzz $(FUZZ_TARGETS)

bench: build
	@$(BUILD)/bench/voxgate_bench

clean:
	rm -rf $(BUILD)
