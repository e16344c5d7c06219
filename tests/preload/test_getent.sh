#!/bin/bash
# Debian's getent as a test client: `getent ahosts|ahostsv4|ahostsv6 NAME` over a corpus of names
# (every name of the test hosts file, each also with a final dot, plus literals, localhost names,
# unknown names), with and without the shim, in two hermetic networks (tests/preload/preload_lib.sh):
# "dual" (192.0.2.2/24 and 2001:db8:1::2/64) and "lo" (loopback only, where AI_ADDRCONFIG, which
# getent sets, hides everything but the exempt names). The outputs must be identical except where
# docs/DIFFERENCES.md predicts a difference, and then exactly as predicted: getent_diff.py
# recomputes the predicted output from glibc's own answers (see its opening comment). Prints the
# counts per network: cases, identical, documented differences (by DIFF id), undocumented.
#
# Usage: test_getent.sh BUILD_DIR. Needs root; without it says SKIPPED (fails under CI=true).
# PRELOAD_MAX_PRINT (default 40) bounds the failure reports printed per network.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/preload_lib.sh"

inner() {
    local network=$1 asan=""
    ns_net_setup "$network" || { fail "network setup ($network)"; return; }
    ns_fixture_files "$work" && ns_etc_setup "$work" || { fail "bind mounts over /etc"; return; }
    echo "== network $network: $(ip -o addr show | awk '{print $2, $4}' | tr '\n' ' ')"
    preload_is_asan && asan=--asan
    run_counted "$work/getent.log" timeout 700 /usr/bin/python3 "$preload_here/getent_diff.py" \
        --network "$network" --preload "$(preload_value)" --shim "$shim" $asan \
        --helper "$build/tests/ahosts_prog" --cli "$build/gaix" --hosts /etc/hosts \
        --max-print "$max_print"
}

ns_dispatch "$@"
preload_require "$@"
for tool in /usr/bin/getent /usr/bin/python3; do
    [ -x "$tool" ] || { echo "FAIL: $tool is missing"; echo "0 passed, 1 failed"; exit 1; }
done
ns_workdir
top=$work
for network in dual lo; do
    mkdir "$top/$network" && chmod 755 "$top/$network"
    work=$top/$network
    ns_run "-m -n" "$network"
done
work=$top
echo "== summary"
grep -h -E '^network [a-z]+: ' "$top"/*/inner.* 2>/dev/null
summary
