#!/usr/bin/env bash
# make fuzz: runs every libFuzzer target built in $1 for $2 seconds, starting from its seed corpus
# (tests/fuzz/corpus/<name>/). New inputs go to a scratch corpus under $1/fuzz-corpus/; a crash is
# saved under tests/fuzz/crashes/ (git-ignored): add it to the seed corpus once it is fixed.
set -u
build=$1
seconds=${2:-60}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$src/tests/fuzz/crashes"
status=0
for target in "$build"/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    name=$(basename "$target" | sed 's/^fuzz_//')
    work="$build/fuzz-corpus/$name"
    mkdir -p "$work"
    echo "=== $name: $seconds s"
    if ! "$target" -max_total_time="$seconds" -print_final_stats=0 \
        -artifact_prefix="$src/tests/fuzz/crashes/$name-" "$work" "$src/tests/fuzz/corpus/$name" \
        >"$build/fuzz-$name.log" 2>&1; then
        echo "FAILED: see $build/fuzz-$name.log and tests/fuzz/crashes/"
        status=1
    else
        grep -E "^Done [0-9]+ runs" "$build/fuzz-$name.log" | tail -1
    fi
done
exit $status
