#!/bin/bash
# Differential test of gaix's DNS resolver: gaix_ctx_getaddrinfo() (a context over the system's
# files, DNS on) against the system libc's getaddrinfo() with "hosts: files dns".
#
# Each scenario runs in a private mount, network and UTS namespace (unshare -m -n -u) set up by
# ns_lib.sh as for test_gai_diff.sh (the scenario's interfaces on a veth pair whose two ends both
# live in the namespace), with NSD (tests/dns/dns_harness.sh) serving the zones of
# tests/dns/zones.py --extra (the test zone, its reverse zones and a root zone, so that every
# name outside test. is NXDOMAIN as from a recursive resolver) on 127.0.0.1 port 53 of the
# namespace's own loopback, and test copies bind-mounted over /etc: hosts (fixtures_dns/hosts),
# services (fixtures/services), gai.conf (empty), host.conf ("multi on"), nsswitch.conf
# ("hosts: files dns") and resolv.conf (nameserver 127.0.0.1, the pass's search list and
# options). The host name has no dot, so no default domain. No packet leaves the namespace.
# gai_dns_diff_prog compares the two answers case by case (see its opening comment).
#
# Passes:
#   S  search s1.test s2.test, options ndots:1 timeout:1 attempts:2        (every scenario)
#   N  search test s2.test,    options ndots:2 timeout:1 attempts:2 no-aaaa (dual only)
#   F  servers 127.0.0.9 (nothing listens: port unreachable) then 127.0.0.1, search s1.test,
#      options ndots:1 timeout:1 attempts:2                                (dual only)
# Scenarios: dual, v4, v6, lo (ns_lib.sh). gaix uses policy=glibc (exact order).
#
# Differences: the documented ones (docs/DIFFERENCES.md) are predicted from glibc and asserted.
# One of them is told apart here by a class of its own, CNAME-NODATA (DIFFERENCES.md "A CNAME to a
# name without the asked records": EAI_NONAME in glibc, EAI_NODATA in gaix, TEST-VECTORS N04),
# predicted exactly (the libc's own res_search gets a non-empty answer section for the name) and
# counted as "reported" (gai_dns_diff_prog --reported; see its opening comment), unless
# GAI_DNS_DIFF_STRICT=1, which makes it a failure. A reported class that stops occurring fails,
# so that the list is changed with the code. The other class the program knows, NOAAAA-NXDOMAIN
# (no-aaaa, AF_INET6, a name that does not exist), was fixed to glibc's answer and is a failure
# if it comes back.
#
# Usage: test_gai_dns_diff.sh BUILD_DIR (ctest passes it). Needs root and nsd; without root says
# SKIPPED and passes, except with CI=true, where it fails. Knobs: GAI_DNS_DIFF_SCENARIOS (default
# "dual v4 v6 lo"), GAI_DNS_DIFF_MAX_PRINT (failure lines per run, default 40),
# GAI_DNS_DIFF_ONE (replays one failure line's reproduction, e.g.
# GAI_DNS_DIFF_SCENARIOS=dual GAI_DNS_DIFF_ONE="'a.test' '80' AF_INET6 1 0x18" ...),
# GAI_DNS_DIFF_STRICT (above). Ends with "N passed, N failed".
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dns_dir=$(cd "$here/../dns" && pwd)
max_print=${GAI_DNS_DIFF_MAX_PRINT:-40}
run_timeout=100 # seconds per run: a hung lookup must not hang CI

# shellcheck source=ns_lib.sh
. "$here/ns_lib.sh"
# shellcheck source=../dns/dns_harness.sh
. "$dns_dir/dns_harness.sh"

passes_of() { # SCENARIO
    case $1 in
    dual) echo "S N F" ;;
    *) echo "S" ;;
    esac
}

# ---- inside the namespace ---------------------------------------------------------------------
inner() {
    local scenario=$1 build=$2 work=$3 zones=$4 pass log search options servers reported one
    printf 'gaix-dns-diff' >/proc/sys/kernel/hostname || { echo "FAIL: host name"; return 1; }
    mkdir -p "$work/fixtures" && cp "$here/fixtures_dns/hosts" "$here/fixtures/services" \
        "$work/fixtures/" || { echo "FAIL: fixtures"; return 1; }
    ns_scenario_setup "$scenario" "$work" "$work/fixtures" || return 1
    nsd_start "$work/nsd" 127.0.0.1 53 "$zones/test.zone" "$zones/2.0.192.in-addr.arpa.zone" \
        "$zones/8.b.d.0.1.0.0.2.ip6.arpa.zone" "$zones/..zone" >"$work/nsd.start" 2>&1 ||
        { echo "FAIL: NSD on 127.0.0.1:53"; cat "$work/nsd.start"; return 1; }
    echo "== scenario $scenario: $(ns_addrs)"
    for pass in $(passes_of "$scenario"); do
        case $pass in
        S) search="s1.test s2.test"; options="ndots:1 timeout:1 attempts:2"; servers=127.0.0.1 ;;
        N) search="test s2.test"; options="ndots:2 timeout:1 attempts:2 no-aaaa"; servers=127.0.0.1 ;;
        F) search="s1.test"; options="ndots:1 timeout:1 attempts:2"; servers="127.0.0.9 127.0.0.1" ;;
        esac
        reported=CNAME-NODATA
        [ "${GAI_DNS_DIFF_STRICT:-}" = 1 ] && reported=none
        # shellcheck disable=SC2086
        ns_etc_dns "$work" "$search" "$options" $servers || { echo "FAIL: resolv.conf"; return 1; }
        log=$work/$scenario.$pass.log
        echo "-- scenario $scenario pass $pass (nameservers $servers; search $search; options $options)"
        if [ -n "${GAI_DNS_DIFF_ONE:-}" ]; then
            eval "one=($GAI_DNS_DIFF_ONE)"
            ns_pass_run "$log" timeout "$run_timeout" "$build/tests/gai_dns_diff_prog" \
                --policy glibc --one "${one[@]}"
        else
            ns_pass_run "$log" env LC_ALL=C timeout "$run_timeout" \
                "$build/tests/gai_dns_diff_prog" --policy glibc --max-print "$max_print" \
                --reported "$reported"
        fi
    done
    nsd_stop "$work/nsd"
    return 0
}

[ "${1:-}" != --inner ] || { shift; inner "$@"; exit; }

# ---- outside: checks, one namespace per scenario, the total -----------------------------------
ns_begin gai_dns_diff "${1:-}" -u
if ! command -v nsd >/dev/null 2>&1 || ! command -v dig >/dev/null 2>&1; then
    echo "FAIL: nsd and dig are needed (scripts/deps.sh check installs them)"
    echo "0 passed, 1 failed"
    exit 1
fi
"$DNS_PYTHON" "$dns_dir/zones.py" "$NS_WORK/zones" --load-names 10 --extra || exit 1
for scenario in ${GAI_DNS_DIFF_SCENARIOS:-dual v4 v6 lo}; do
    mkdir "$NS_WORK/$scenario"
    timeout $((run_timeout * 2 + 30)) unshare -m -n -u bash "${BASH_SOURCE[0]}" --inner \
        "$scenario" "$NS_BUILD" "$NS_WORK/$scenario" "$NS_WORK/zones"
    # --one prints its case's verdict: there is nothing to add up.
    # shellcheck disable=SC2046
    [ -n "${GAI_DNS_DIFF_ONE:-}" ] || ns_tally "$scenario" $(passes_of "$scenario")
done
ns_report
