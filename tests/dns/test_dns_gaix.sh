#!/bin/bash
# gaix's stub resolver against the hostile servers of the case catalogue: every case of
# tests/dns/cases/ (TEST-VECTORS 5.1-5.5, W V T S N), each in a fresh `unshare -m -n` namespace of
# its own (loopback only: 127.0.0.0/8 and ::1 are local there without configuration, and no
# packet can leave it). In there the case's fakedns servers start through dns_harness.sh on port
# 5300 of their addresses (a "closed" server is an address where nothing listens), and
# tests/dns_case_prog runs the case's query through gaix with exactly those servers (and no
# resolv.conf, hosts, services or gai.conf file). gaix_cases.py writes every case's plan and
# program arguments before, and judges every program's output and the servers' query logs
# after (one Python process each time), against the case's "expect": result code, addresses,
# canonical name, the case's time bounds, the queries sent (exact multiset or order, included,
# excluded, properties of every query), plus TEST-VECTORS' universal invariants (descriptors,
# *res on error, well-formed nodes, valid names, no sanitizer report).
#
#   bash tests/dns/test_dns_gaix.sh BUILD_DIR [CASE...]   (CASE: a file name less .json: W03-refused)
#
# One line per case: "ok ID", "FAIL ID: the difference", "SKIP ID: why" (a case needing a test
# hook gaix lacks, or one the catalogue marks skip), "KNOWN FAIL ID: the difference [reason]"
# for the cases listed in tests/dns/known_failures.txt (one ID and a reason per line): they do
# not fail the test while the resolver is being fixed, but a listed case that passes does, so
# that the list stays honest. Then "N passed, N failed". The details of every failure (the
# expectation, what gaix did, the query log) go to BUILD_DIR/tests/dns_gaix/report.txt, and each
# case's files (the command, servers' logs, gaix's output) stay in BUILD_DIR/tests/dns_gaix/ID/.
#
# Cases run GX_DNS_JOBS (default 6) at a time, in separate namespaces: most of a case's time is
# spent waiting for timeouts (1 s, 2 attempts), so the whole run takes one minute on an idle
# 2-core machine, under three on a busy one.
# Needs root (namespaces): without it prints "SKIPPED: needs root" and succeeds, except under
# CI=true, where it fails. Exits non-zero on any failure.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/dns_harness.sh"
PY=/usr/bin/python3
CASE_TIMEOUT_S=60          # one case: the longest waits 5 s, plus servers starting under load
SPECIAL_TIMEOUT_S=300      # V12: 5,000 lookups through a Python server
SERVER_LIFETIME_S=240      # fakedns goes away by itself even if this script is killed
SETTLE_S=0.1               # after gaix returns: the servers read what is still queued, then stop
SERVER_PORT=5300           # every server's port (each on its own address); closed ones: nobody

# ---- inside one case's namespace -----------------------------------------------------------------
# test_dns_gaix.sh --case BUILD_DIR CASE_FILE OUT_DIR, where OUT_DIR/plan and OUT_DIR/args were
# written by gaix_cases.py prep: starts the servers, runs the program (OUT_DIR/result.json) and
# stops the servers. A verdict is written here only when the case is skipped or could not run;
# gaix_cases.py check judges the others afterwards, outside.
if [ "${1:-}" = --case ]; then
    BUILD=$2 case_file=$3 out=$4
    verdict() { printf '%s\n' "$@" >"$out/verdict"; }
    # The network rule: never run a case in a namespace this script did not make.
    if [ -z "${DNS_OUTER_NETNS:-}" ] || [ "$(readlink /proc/self/ns/net)" = "$DNS_OUTER_NETNS" ]; then
        verdict "FAIL refusing to run outside a private network namespace"
        exit 1
    fi
    ip link set lo up || { verdict "FAIL cannot bring lo up"; exit 1; }
    plan=()
    [ -f "$out/plan" ] && mapfile -t plan <"$out/plan"
    case ${plan[0]:-} in
    skip\ *)
        verdict "SKIP ${plan[0]#skip }"
        exit 0
        ;;
    server\ *) ;;
    *)
        verdict "FAIL no plan for the case: ${plan[0]:-gaix_cases.py prep wrote none}"
        exit 1
        ;;
    esac
    started=()
    stop_all() {
        local d
        for d in "${started[@]}"; do fakedns_stop "$d"; done
    }
    trap stop_all EXIT
    for line in "${plan[@]}"; do
        read -r _ k addr state <<<"$line"
        [ "$state" = open ] || continue
        ep=$addr
        [[ $addr == *:* ]] && ep="[$addr]"
        if ! fakedns_start "$out/s$k" "$case_file" "$ep:$SERVER_PORT" --server "$k" \
            --lifetime "$SERVER_LIFETIME_S" 2>"$out/s$k.start"; then
            verdict "FAIL fakedns for server $k did not start: $(tr '\n' ' ' <"$out/s$k.start" | cut -c1-300)"
            exit 1
        fi
        started+=("$out/s$k")
    done
    mapfile -d '' args <"$out/args"
    printf '%q ' "$BUILD/tests/dns_case_prog" "${args[@]}" >"$out/command"
    "$BUILD/tests/dns_case_prog" "${args[@]}" >"$out/result.json" 2>"$out/prog.stderr"
    rc=$?
    sleep "$SETTLE_S"
    stop_all
    trap - EXIT
    # U1: a sanitizer's report fails the case even when the sanitizer let the program go on.
    if [ "$rc" = 0 ] && grep -q 'runtime error:\|Sanitizer' "$out/prog.stderr"; then
        verdict "FAIL sanitizer report: $(grep -m1 'runtime error:\|Sanitizer' "$out/prog.stderr" | cut -c1-300)" \
            "  command: $(cat "$out/command")"
        exit 0
    fi
    if [ "$rc" != 0 ]; then
        sig=""
        [ "$rc" -gt 128 ] && sig=" (signal $((rc - 128)))"
        verdict "FAIL dns_case_prog exited with status $rc$sig: $(tr '\n' ' ' <"$out/prog.stderr" | cut -c1-300)" \
            "  command: $(cat "$out/command")"
    fi
    exit 0
fi

# ---- outside: one namespace per case, a few at a time --------------------------------------------
BUILD=${1:?usage: test_dns_gaix.sh BUILD_DIR [CASE...]}
shift
dns_need_root
BUILD_ARG=$BUILD
BUILD=$(cd "$BUILD" 2>/dev/null && pwd) || BUILD=$BUILD_ARG
PROG="$BUILD/tests/dns_case_prog"
if [ ! -x "$PROG" ]; then
    echo "FAIL: $PROG is not built"
    echo "0 passed, 1 failed"
    exit 1
fi

work="$BUILD/tests/${DNS_GAIX_WORK:-dns_gaix}"
rm -rf "$work"
mkdir -p "$work"
known_file="$here/known_failures.txt"
declare -A known=()
if [ -f "$known_file" ]; then
    while read -r id reason; do
        case $id in '' | \#*) continue ;; esac
        known[$id]=${reason:-no reason given}
    done <"$known_file"
fi

ids=()
if [ $# -gt 0 ]; then
    ids=("$@")
else
    for f in "$here"/cases/*.json; do ids+=("$(basename "$f" .json)"); done
fi
# The long ones first, so that they overlap with the rest.
order=()
for id in "${ids[@]}"; do [[ $id == V12* ]] && order+=("$id"); done
for id in "${ids[@]}"; do [[ $id == V12* ]] || order+=("$id"); done

files=()
for id in "${ids[@]}"; do
    mkdir -p "$work/$id"
    if [ -f "$here/cases/$id.json" ]; then
        files+=("$here/cases/$id.json")
    else
        echo "FAIL no such case file: $here/cases/$id.json" >"$work/$id/verdict"
    fi
done
if [ "${#files[@]}" -gt 0 ] && ! "$PY" "$here/gaix_cases.py" prep "$work" "$SERVER_PORT" "${files[@]}"; then
    echo "FAIL: gaix_cases.py prep could not read every case (see the FAIL lines below)"
fi

outer_netns=$(readlink /proc/self/ns/net)
run_one() {
    local id=$1 f="$here/cases/$1.json" limit=$CASE_TIMEOUT_S
    [ -f "$f" ] || return
    [[ $id == V12* ]] && limit=$SPECIAL_TIMEOUT_S
    DNS_OUTER_NETNS=$outer_netns timeout -k 5 "$limit" unshare -m -n \
        bash "$0" --case "$BUILD" "$f" "$work/$id" >"$work/$id/case.out" 2>&1
    local rc=$?
    if [ ! -s "$work/$id/verdict" ] && { [ "$rc" != 0 ] || [ ! -s "$work/$id/result.json" ]; }; then
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            echo "FAIL the case did not finish within $limit s" >"$work/$id/verdict"
        else
            echo "FAIL the case's namespace exited with status $rc: $(tail -3 "$work/$id/case.out" | tr '\n' ' ')" \
                >"$work/$id/verdict"
        fi
    fi
}

jobs_max=${GX_DNS_JOBS:-6}
t0=$SECONDS
for id in "${order[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    run_one "$id" &
done
wait
[ "${#files[@]}" = 0 ] || timeout 300 "$PY" "$here/gaix_cases.py" check "$work" "${files[@]}" ||
    echo "FAIL: gaix_cases.py check exited with status $?"

pass=0 failed=0 known_failed=0 skipped=0
report="$work/report.txt"
: >"$report"
for id in "${ids[@]}"; do
    v=$(head -1 "$work/$id/verdict" 2>/dev/null)
    [ -n "$v" ] || v="FAIL no verdict"
    k=${known[$id]:-}
    case $v in
    ok)
        if [ -n "$k" ]; then
            echo "FAIL $id: passes, but tests/dns/known_failures.txt lists it ($k): remove it from the list"
            failed=$((failed + 1))
        else
            echo "ok $id"
            pass=$((pass + 1))
        fi
        ;;
    SKIP*)
        echo "SKIP $id: ${v#SKIP }"
        skipped=$((skipped + 1))
        ;;
    *)
        if [ -n "$k" ]; then
            echo "KNOWN FAIL $id: ${v#FAIL } [known: $k]"
            known_failed=$((known_failed + 1))
        else
            echo "FAIL $id: ${v#FAIL }"
            failed=$((failed + 1))
        fi
        { echo "== $id${k:+ (known failure: $k)}"; echo "$v"; tail -n +2 "$work/$id/verdict"; echo; } >>"$report"
        ;;
    esac
done
for id in "${!known[@]}"; do
    [ -f "$here/cases/$id.json" ] && continue
    echo "FAIL $id: listed in tests/dns/known_failures.txt but no such case"
    failed=$((failed + 1))
done
echo "$known_failed known failures, $skipped skipped, $((SECONDS - t0)) s; details of failures: $report"
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
