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
    local scenario=$1 build=$2 work=$3 pass locale log name one
    name=$(scenario_hostname "$scenario")
    # The UTS namespace is ours: this changes the host name of nothing outside it.
    printf '%s' "$name" >/proc/sys/kernel/hostname || { echo "FAIL: host name $name"; return 1; }
    ns_scenario_setup "$scenario" "$work" "$fixtures" || return 1
    echo "== scenario $scenario: hostname $(uname -n); $(ns_addrs)"
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
            eval "one=($GNI_DIFF_ONE)"
            ns_pass_run "$log" env LC_ALL="$locale" timeout "$run_timeout" \
                "$build/tests/gni_diff_prog" --one "${one[@]}"
            continue
        fi
        # shellcheck disable=SC2086
        ns_pass_run "$log" env LC_ALL="$locale" timeout "$run_timeout" \
            "$build/tests/gni_diff_prog" --cases "$cases" --max-print "$max_print" \
            ${GNI_DIFF_SEED:+--seed "$GNI_DIFF_SEED"} ${GNI_DIFF_ARGS:-}
    done
    return 0
}

[ "${1:-}" != --inner ] || { shift; inner "$@"; exit; }

# ---- outside: checks, one namespace per scenario, the total -----------------------------------

ns_begin gni_diff "${1:-}" -u
for scenario in ${GNI_DIFF_SCENARIOS:-lo v4 v6 dual}; do
    mkdir "$NS_WORK/$scenario"
    unshare -m -n -u bash "${BASH_SOURCE[0]}" --inner "$scenario" "$NS_BUILD" "$NS_WORK/$scenario"
    # shellcheck disable=SC2086
    ns_tally "$scenario" ${GNI_DIFF_PASSES:-C U}
done
ns_report
