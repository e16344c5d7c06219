# gaix — the two commands a newcomer needs:
#   make demo    build everything and replay the session of ../shared/SEED.md, offline
#   make check   build and run the whole test suite (plain build, then ASan+UBSan build)
# and the others:
#   make         build build/libgaix.a, build/libgaix.so, build/gaix
#   make bench   side-by-side benchmarks against the system libc (and musl, c-ares when present)
#   make fuzz    run every libFuzzer target for FUZZ_SECONDS each (clang)
#   make install PREFIX=/usr/local
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_TYPE ?= Release

.PHONY: all check demo bench fuzz install clean asan

all: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAIX_SANITIZE=address,undefined
	cmake --build $(ASAN_BUILD) -j $(JOBS)

check:
	@bash scripts/check.sh

demo: all
	@bash scripts/demo.sh $(BUILD)

bench: all
	bash scripts/deps.sh bench
	@bash bench/run.sh $(BUILD)

fuzz:
	bash scripts/deps.sh fuzz
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGAIX_FUZZ=ON \
	    -DGAIX_SANITIZE=address,undefined
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: all
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
