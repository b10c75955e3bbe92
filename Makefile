# The two set-up commands: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
JOBS ?= 2

.PHONY: bootstrap configure build run test bench sanitize clean

bootstrap:
	@scripts/bootstrap.sh

configure: bootstrap
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@$(BUILD)/voxgate serve

test: build
	@cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# Every test under AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer (slow: ~20 min on 2 cores).
# Any UB report fails its test, except the two third-party lines in tests/ubsan.supp.
sanitize: bootstrap
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVOXGATE_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="-O1 -g1 -fsanitize=address,undefined -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
	@cmake --build build-asan -j$(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
	  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/ubsan.supp \
	  ctest --output-on-failure -j$(JOBS)

bench: build
	@$(BUILD)/bench/voxgate_bench

clean:
	rm -rf $(BUILD)
