#!/bin/bash
# Differential test: gaix_ctx_getnameinfo() against the system libc's getnameinfo().
#
# Each scenario runs in a private mount, network and UTS namespace (unshare -m -n -u) of its own,
# set up by ns_lib.sh exactly as for test_gai_diff.sh: the scenario's interfaces, and test copies
# of the fixtures bind-mounted over /etc/hosts and /etc/services, with an nsswitch.conf saying
# "files" only (the libc never tries DNS). The UTS namespace gives each scenario a host name of
# its own, because NI_NOFQDN cuts the local domain, which glibc finds from the hosts file's name
# for "localhost", else the host name, else the hosts file's name for the host name, else its
# name for 127.0.0.1; the four scenarios take the different ways:
#   lo    gni-lo.example   the domain "example" from the host name itself
#   v4    alias1           no dot: the hosts file's canonical name primary.example gives "example"
#   v6    gni-v6           no domain at all: NI_NOFQDN changes nothing
#   dual  ALIAS3           as v4, found case-insensitively
# gni_diff_prog compares the two answers case by case (see its opening comment for the verdicts).
#
# Passes per scenario, by locale (NI_IDN converts names to the locale's character set):
#   C  LC_ALL=C          U  LC_ALL=C.UTF-8
#
# Usage: test_gni_diff.sh BUILD_DIR (ctest passes it). Needs root; without it says SKIPPED and
# passes, except with CI=true, where it fails. Knobs: GNI_DIFF_CASES (cases per pass, default
# 50000), GNI_DIFF_SCENARIOS (default "lo v4 v6 dual"), GNI_DIFF_PASSES (default "C U"),
# GNI_DIFF_MAX_PRINT (failure lines printed per run, default 40), GNI_DIFF_SEED (the corpus's random
# part; default the program's own), GNI_DIFF_ONE (replays one failure line's reproduction instead
# of the corpus, e.g. GNI_DIFF_SCENARIOS=lo GNI_DIFF_PASSES=C
# GNI_DIFF_ONE="AF_INET6 'fe80::5' 80 1 exact max max 0x0" test_gni_diff.sh build), GNI_DIFF_ARGS
# (more arguments for gni_diff_prog, e.g. --libc-only: glibc alone, checked for determinism and
# for the composition the predictions rest on).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixtures=$here/fixtures
cases=${GNI_DIFF_CASES:-50000}
max_print=${GNI_DIFF_MAX_PRINT:-40}
run_timeout=300 # seconds per run: a hung lookup must not hang CI

# shellcheck source=ns_lib.sh
. "$here/ns_lib.sh"

# ---- inside the namespace ---------------------------------------------------------------------

scenario_hostname() {
    case $1 in
    lo) echo gni-lo.example ;;
    v4) echo alias1 ;;
    v6) echo gni-v6 ;;
    dual) echo ALIAS3 ;;
    esac
}

inner() {
    local scenario=$1 build=$2 work=$3 pass locale log name
    mount --make-rprivate / || { echo "FAIL: mount --make-rprivate /"; return 1; }
    ns_net_setup "$scenario" || { echo "FAIL: network setup for scenario $scenario"; return 1; }
    ns_etc_setup "$work" "$fixtures" || { echo "FAIL: bind mounts over /etc"; return 1; }
    name=$(scenario_hostname "$scenario")
    # The UTS namespace is ours: this changes the host name of nothing outside it.
    printf '%s' "$name" >/proc/sys/kernel/hostname || { echo "FAIL: host name $name"; return 1; }
    echo "== scenario $scenario: hostname $(uname -n);" \
        "$(ip -o addr show | awk '{print $2, $4}' | tr '\n' ' ')"
    for pass in ${GNI_DIFF_PASSES:-C U}; do
        case $pass in
        C) locale=C ;;
        U) locale=C.UTF-8 ;;
        *) echo "unknown pass $pass"; return 1 ;;
        esac
        log=$work/$scenario.$pass.log
        echo "-- scenario $scenario pass $pass (LC_ALL=$locale)"
        if [ -n "${GNI_DIFF_ONE:-}" ]; then
            # The arguments are quoted as the failure lines print them: let the shell split them.
            eval "LC_ALL=$locale timeout $run_timeout \"\$build/tests/gni_diff_prog\" \
                --one $GNI_DIFF_ONE" >"$log" 2>&1
            echo "exit=$?" >>"$log"
            cat "$log"
            continue
        fi
        LC_ALL=$locale timeout "$run_timeout" "$build/tests/gni_diff_prog" --cases "$cases" \
            --max-print "$max_print" ${GNI_DIFF_SEED:+--seed "$GNI_DIFF_SEED"} \
            ${GNI_DIFF_ARGS:-} >"$log" 2>&1
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

build=${1:?usage: test_gni_diff.sh BUILD_DIR}
build=$(cd "$build" && pwd)

ns_need_root "$build/tests/gni_diff_prog"
unshare -m -n -u true 2>/dev/null || ns_skip "needs root for namespaces (unshare -u refused)"

work=$(mktemp -d /tmp/gni_diff.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
total_pass=0
total_fail=0
summary=""
for scenario in ${GNI_DIFF_SCENARIOS:-lo v4 v6 dual}; do
    mkdir "$work/$scenario"
    unshare -m -n -u bash "${BASH_SOURCE[0]}" --inner "$scenario" "$build" "$work/$scenario"
    for pass in ${GNI_DIFF_PASSES:-C U}; do
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
echo "== summary ($(($(date +%s) - start)) s)"
printf '%s' "$summary"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
