#!/bin/bash
# Differential test: gaix_ctx_getaddrinfo() against the system libc's getaddrinfo().
#
# Each scenario runs in a private mount and network namespace (unshare -m -n) of its own, set up
# by ns_lib.sh (shared with test_gni_diff.sh and test_gai_dns_diff.sh): the interfaces the
# scenario needs on a veth pair whose two ends both live in the namespace, and test copies
# bind-mounted over /etc/hosts, /etc/services, /etc/gai.conf, /etc/nsswitch.conf ("files" only:
# the libc never tries DNS), /etc/host.conf and /etc/resolv.conf (127.0.0.1 only). There the libc
# and gaix read the same files and see the same interfaces, so the libc is an exact oracle;
# gai_diff_prog compares the two answers case by case (see its opening comment for the verdicts).
#
# Scenarios: lo (loopback only), v4 (192.0.2.2/24, IPv6 disabled on the veth ends), v6
# (2001:db8:1::2/64 + fd00:1::2/64 + fe80::2/64, no IPv4 but loopback), dual (both).
# Passes per scenario:
#   A  gaix policy=glibc,   empty gai.conf         vs glibc: identical but for documented rules
#   B  gaix policy=glibc,   RFC 6724 gai.conf      vs glibc: the same; pins the gai.conf reading
#   C  gaix policy=rfc6724, RFC 6724 gai.conf      vs glibc: also DIFF-SORT-READING
#
# Usage: test_gai_diff.sh BUILD_DIR (ctest passes it). Needs root; without it says SKIPPED and
# passes, except with CI=true, where it fails. Knobs: GAI_DIFF_CASES (cases per pass, default
# 40000), GAI_DIFF_SCENARIOS (default "lo v4 v6 dual"), GAI_DIFF_PASSES (default "A B C"),
# GAI_DIFF_MAX_PRINT (failure lines printed per run, default 40), GAI_DIFF_SEED (the corpus's random
# part; default the program's own), GAI_DIFF_ONE (replays one failure line's reproduction instead
# of the corpus, e.g. GAI_DIFF_SCENARIOS=v4 GAI_DIFF_PASSES=A
# GAI_DIFF_ONE="'near4' '(null)' AF_INET 1 0 0x0" test_gai_diff.sh build).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$here/fixtures
cases=${GAI_DIFF_CASES:-40000}
max_print=${GAI_DIFF_MAX_PRINT:-40}
run_timeout=600 # seconds per run: a hung lookup must not hang CI

# ---- inside the namespace ---------------------------------------------------------------------

# shellcheck source=ns_lib.sh
. "$here/ns_lib.sh"

inner() {
    local scenario=$1 build=$2 work=$3 pass policy log one
    ns_scenario_setup "$scenario" "$work" "$fixtures" || return 1
    echo "== scenario $scenario: $(ns_addrs)"
    for pass in ${GAI_DIFF_PASSES:-A B C}; do
        case $pass in
        A) policy=glibc; : >"$work/gai.conf" ;;
        B) policy=glibc; cat "$fixtures/gai.conf" >"$work/gai.conf" ;;
        C) policy=rfc6724; cat "$fixtures/gai.conf" >"$work/gai.conf" ;;
        *) echo "unknown pass $pass"; return 1 ;;
        esac
        log=$work/$scenario.$pass.log
        echo "-- scenario $scenario pass $pass (policy=$policy)"
        if [ -n "${GAI_DIFF_ONE:-}" ]; then
            # The arguments are quoted as the failure lines print them: let the shell split them.
            eval "one=($GAI_DIFF_ONE)"
            ns_pass_run "$log" env LC_ALL=C timeout "$run_timeout" "$build/tests/gai_diff_prog" \
                --policy "$policy" --one "${one[@]}"
            continue
        fi
        ns_pass_run "$log" env LC_ALL=C timeout "$run_timeout" "$build/tests/gai_diff_prog" \
            --policy "$policy" --cases "$cases" --max-print "$max_print" \
            ${GAI_DIFF_SEED:+--seed "$GAI_DIFF_SEED"}
    done
    return 0
}

[ "${1:-}" != --inner ] || { shift; inner "$@"; exit; }

# ---- outside: checks, one namespace per scenario, the total -----------------------------------

ns_begin gai_diff "${1:-}"
for scenario in ${GAI_DIFF_SCENARIOS:-lo v4 v6 dual}; do
    mkdir "$NS_WORK/$scenario"
    unshare -m -n bash "${BASH_SOURCE[0]}" --inner "$scenario" "$NS_BUILD" "$NS_WORK/$scenario"
    # shellcheck disable=SC2086
    ns_tally "$scenario" ${GAI_DIFF_PASSES:-A B C}
done
ns_report
