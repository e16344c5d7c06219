#!/usr/bin/env bash
# make check: the whole test suite, twice — a normal optimised build (build/) and an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/) — and one summary line.
set -u
cd "$(dirname "$0")/.."
bash scripts/deps.sh check || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
total_pass=0
total_fail=0

run_suite() { # name build-dir cmake-args...
    local name=$1 dir=$2
    shift 2
    echo "=== $name build ($dir)"
    cmake -S . -B "$dir" "$@" >"$dir.configure.log" 2>&1 ||
        { cat "$dir.configure.log"; total_fail=$((total_fail + 1)); return; }
    cmake --build "$dir" -j "$jobs" >"$dir.build.log" 2>&1 ||
        { tail -50 "$dir.build.log"; total_fail=$((total_fail + 1)); return; }
    local log="$dir/ctest.log"
    (cd "$dir" && ctest --output-on-failure -j "$jobs" 2>&1) | tee "$log"
    local line
    line=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
    local failed out_of
    failed=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
    out_of=$(echo "$line" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\2/')
    if [ -z "$line" ]; then
        total_fail=$((total_fail + 1))
        return
    fi
    total_pass=$((total_pass + out_of - failed))
    total_fail=$((total_fail + failed))
}

mkdir -p build build-asan
run_suite plain build -DCMAKE_BUILD_TYPE=Release
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "ASan+UBSan" build-asan -DCMAKE_BUILD_TYPE=Debug -DGAIX_SANITIZE=address,undefined

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
