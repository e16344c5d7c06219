#!/bin/bash
# Differential test: gaix_ctx_getaddrinfo() against the system libc's getaddrinfo().
#
# Each scenario runs in a private mount and network namespace (unshare -m -n) of its own, set up
# by ns_lib.sh (shared with test_gni_diff.sh): the interfaces the scenario needs on a veth pair
# whose two ends both live in the namespace, and test copies bind-mounted over /etc/hosts,
# /etc/services, /etc/gai.conf, /etc/nsswitch.conf ("files" only: the libc never tries DNS),
# /etc/host.conf and /etc/resolv.conf (127.0.0.1 only). There the libc and gaix read the same
# files and see the same interfaces, so the libc is an exact oracle; gai_diff_prog compares the
# two answers case by case (see its opening comment for the verdicts).
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
    local scenario=$1 build=$2 work=$3 pass policy log
    mount --make-rprivate / || { echo "FAIL: mount --make-rprivate /"; return 1; }
    ns_net_setup "$scenario" || { echo "FAIL: network setup for scenario $scenario"; return 1; }
    ns_etc_setup "$work" "$fixtures" || { echo "FAIL: bind mounts over /etc"; return 1; }
    echo "== scenario $scenario: $(ip -o addr show | awk '{print $2, $4}' | tr '\n' ' ')"
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
            eval "LC_ALL=C timeout $run_timeout \"\$build/tests/gai_diff_prog\" --policy $policy \
                --one $GAI_DIFF_ONE" >"$log" 2>&1
            echo "exit=$?" >>"$log"
            cat "$log"
            continue
        fi
        LC_ALL=C timeout "$run_timeout" "$build/tests/gai_diff_prog" --policy "$policy" \
            --cases "$cases" --max-print "$max_print" ${GAI_DIFF_SEED:+--seed "$GAI_DIFF_SEED"} \
            >"$log" 2>&1
        echo "exit=$?" >>"$log"
        cat "$log"
    done
    return 0
}

if [ "${1:-}" = --inner ]; then
    shift
    inner "$@"
    exit $?
fi

# ---- outside: checks, one namespace per scenario, the total -----------------------------------

build=${1:?usage: test_gai_diff.sh BUILD_DIR}
build=$(cd "$build" && pwd)

ns_need_root "$build/tests/gai_diff_prog"

work=$(mktemp -d /tmp/gai_diff.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
total_pass=0
total_fail=0
summary=""
for scenario in ${GAI_DIFF_SCENARIOS:-lo v4 v6 dual}; do
    mkdir "$work/$scenario"
    unshare -m -n bash "${BASH_SOURCE[0]}" --inner "$scenario" "$build" "$work/$scenario"
    for pass in ${GAI_DIFF_PASSES:-A B C}; do
        log=$work/$scenario/$scenario.$pass.log
        counts=$(grep -E '^cases=' "$log" 2>/dev/null | tail -n 1)
        last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" 2>/dev/null | tail -n 1)
        if [ -z "$last" ]; then
            # No verdict line: the program crashed, timed out or never ran.
            summary+="  $scenario $pass: no result ($(tail -n 1 "$log" 2>/dev/null))"$'\n'
            total_fail=$((total_fail + 1))
            continue
        fi
        p=${last%% passed*}
        f=${last#*, }
        f=${f%% failed*}
        total_pass=$((total_pass + p))
        total_fail=$((total_fail + f))
        summary+="  $scenario $pass: $counts"$'\n'
    done
done
echo "== summary ($(( $(date +%s) - start )) s)"
printf '%s' "$summary"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
