#!/bin/bash
# Debian's Python as a test client: /usr/bin/python3 calling socket.getaddrinfo and
# socket.getnameinfo over a corpus (py_probe.py: families, socket types, protocols, flags, numeric
# and named hosts and services; errors compared by their exception text, which comes from
# gai_strerror()), with and without the shim, in the "dual" and "lo" networks of
# tests/preload/preload_lib.sh. The answers must be identical except where docs/DIFFERENCES.md
# predicts a difference, and then exactly as predicted (python_diff.py recomputes it from glibc's
# own answers). Prints the counts per network and call: cases, identical, documented differences
# (by DIFF id), undocumented.
#
# Usage: test_python.sh BUILD_DIR. Needs root; without it says SKIPPED (fails under CI=true).
# PRELOAD_MAX_PRINT (default 40) bounds the failure reports printed per network.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/preload_lib.sh"

inner() {
    local network=$1 asan=""
    ns_net_setup "$network" || { fail "network setup ($network)"; return; }
    ns_fixture_files "$work" && ns_etc_setup "$work" || { fail "bind mounts over /etc"; return; }
    echo "== network $network: $(ip -o addr show | awk '{print $2, $4}' | tr '\n' ' ')"
    preload_is_asan && asan=--asan
    run_counted "$work/python.log" timeout 700 /usr/bin/python3 "$preload_here/python_diff.py" \
        --network "$network" --preload "$(preload_value)" --shim "$shim" $asan \
        --cli "$build/gaix" --hosts /etc/hosts --max-print "$max_print"
}

ns_dispatch "$@"
preload_require "$@"
[ -x /usr/bin/python3 ] || { echo "FAIL: /usr/bin/python3 is missing"; echo "0 passed, 1 failed"; exit 1; }
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
