#!/bin/bash
# CPython's own socket tests as shim tests: Debian's /usr/bin/python3 -m test test_socket, the
# tests about resolution (getaddrinfo, getnameinfo, IPv6, host names, getfqdn, create_connection,
# getservby*) plus the classes that resolve "localhost" to bind and connect (GeneralModuleTests,
# BasicTCPTest, BasicUDPTest, NetworkConnectionNoServer), run twice in the "dual" network of
# tests/preload/preload_lib.sh: without the shim and under it. Both runs must pass, or fail
# exactly the same tests (then for reasons of the environment, not of gaix). A private UTS
# namespace too (unshare -u): test_sethostname changes the host name when run as root. The hosts
# file is the preload fixture plus the machine's host name (testHostnameRes resolves it).
#
# Needs Debian's libpython3.11-testsuite (scripts/deps.sh check installs it).
# Usage: test_cpython_socket.sh BUILD_DIR. Needs root; without it says SKIPPED (fails under CI=true).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/preload_lib.sh"
selection=(-m '*etaddrinfo*' -m '*etnameinfo*' -m '*GetNameInfo*' -m '*IPv6*' -m '*Ipv6*'
           -m '*ipv6*' -m '*ostname*' -m '*host_resolution*' -m '*getfqdn*' -m '*idna*'
           -m '*create_connection*' -m '*ServBy*' -m '*dualstack*' -m GeneralModuleTests
           -m BasicTCPTest -m BasicUDPTest -m NetworkConnectionNoServer)
run_timeout=300 # seconds per run of the suite

# results JUNIT_XML: one "OUTCOME TEST_ID" line per test case, sorted.
results() {
    /usr/bin/python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError) as e:
    print("unreadable %s" % e)
    sys.exit(0)
out = []
for tc in root.iter("testcase"):
    outcome = "passed"
    for child in tc:
        if child.tag in ("failure", "error", "skipped"):
            outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[child.tag]
    out.append("%s %s.%s" % (outcome, tc.get("classname", ""), tc.get("name", "")))
print("\n".join(sorted(out)))
PY
}

inner() {
    ns_net_setup dual || { fail "network setup"; return; }
    ns_fixture_files "$work" || { fail "fixtures"; return; }
    printf '127.0.1.1\t%s\n' "$(hostname)" >>"$work/hosts"
    ns_etc_setup "$work" || { fail "bind mounts over /etc"; return; }
    local mode
    for mode in plain shim; do
        mkdir -p "$work/$mode" && cd "$work/$mode" || { fail "mkdir $mode"; return; }
        local cmd=(timeout "$run_timeout" /usr/bin/python3 -m test test_socket -v
                   --junit-xml "$work/$mode.xml" "${selection[@]}")
        if [ "$mode" = shim ]; then
            with_shim "${cmd[@]}" >"$work/$mode.log" 2>&1
        else
            "${cmd[@]}" >"$work/$mode.log" 2>&1
        fi
        echo "$?" >"$work/$mode.rc"
        results "$work/$mode.xml" >"$work/$mode.results"
    done
    local mode_rc n_run n_pass n_skip n_fail
    for mode in plain shim; do
        mode_rc=$(cat "$work/$mode.rc")
        n_run=$(grep -c . "$work/$mode.results")
        n_pass=$(grep -c '^passed ' "$work/$mode.results")
        n_skip=$(grep -c '^skipped ' "$work/$mode.results")
        n_fail=$(grep -c -E '^(failed|error) ' "$work/$mode.results")
        echo "test_socket $mode: exit $mode_rc, $n_run tests, $n_pass passed, $n_skip skipped, $n_fail failed or errors"
        check "test_socket $mode: tests ran (exit $mode_rc): $(tail -n 5 "$work/$mode.log")" \
            test "$n_run" -gt 0
    done
    if diff "$work/plain.results" "$work/shim.results" >"$work/results.diff"; then
        ok
    else
        fail "test_socket outcomes differ with the shim (< without, > with):"$'\n'"$(cat "$work/results.diff")"
        grep -A25 -E '^(FAIL|ERROR):' "$work/shim.log" | head -n 120
    fi
    if grep -q -E '^(failed|error) ' "$work/plain.results"; then
        echo "note: failing without the shim too (the environment):"
        grep -E '^(failed|error) ' "$work/plain.results"
    fi
    # Both passing is the goal; a failure in both is the environment's, and listed above.
    check "test_socket under the shim: exit status $(cat "$work/shim.rc") as without ($(cat "$work/plain.rc"))" \
        test "$(cat "$work/shim.rc")" = "$(cat "$work/plain.rc")"
}

ns_dispatch "$@"
preload_require "$@"
if ! /usr/bin/python3 -c 'import test.test_socket' 2>/dev/null; then
    echo "FAIL: CPython's test suite is missing: install Debian's libpython3.11-testsuite (scripts/deps.sh check)"
    echo "0 passed, 1 failed"
    exit 1
fi
ns_workdir
ns_run "-m -n -u"
echo "== total"
summary
