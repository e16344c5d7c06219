#!/bin/bash
# Differential test: gaix_ctx_getaddrinfo() against the system libc's getaddrinfo().
#
# Each scenario runs in a private mount and network namespace (unshare -m -n) of its own: the
# interfaces the scenario needs on a veth pair whose two ends both live in the namespace, and test
# copies bind-mounted over /etc/hosts, /etc/services, /etc/gai.conf, /etc/nsswitch.conf ("files"
# only: the libc never tries DNS), /etc/host.conf and /etc/resolv.conf (127.0.0.1 only). There the
# libc and gaix read the same files and see the same interfaces, so the libc is an exact oracle;
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

# The files the libc and gaix read: copies in the work directory, so that nothing can write
# through to the source tree, bind-mounted over /etc.
etc_setup() {
    local work=$1 f
    printf 'hosts: files\nservices: files\n' >"$work/nsswitch.conf"
    printf 'multi on\n' >"$work/host.conf"
    printf 'nameserver 127.0.0.1\n' >"$work/resolv.conf"
    cp "$fixtures/hosts" "$work/hosts"
    cp "$fixtures/services" "$work/services"
    : >"$work/gai.conf"
    # A bind mount needs its target: when one is missing, work on a private copy of /etc.
    for f in hosts services gai.conf nsswitch.conf host.conf resolv.conf; do
        if [ ! -f "/etc/$f" ]; then
            mkdir "$work/etc" && cp -a /etc/. "$work/etc/" && mount --bind "$work/etc" /etc ||
                return 1
            for f in hosts services gai.conf nsswitch.conf host.conf resolv.conf; do
                [ -f "/etc/$f" ] || : >"/etc/$f"
            done
            break
        fi
    done
    for f in hosts services gai.conf nsswitch.conf host.conf resolv.conf; do
        mount --bind "$work/$f" "/etc/$f" || return 1
    done
    # nscd would answer from the host's view of the world: hide its socket.
    for f in /run/nscd /var/run/nscd; do
        [ -d "$f" ] && { mount -t tmpfs none "$f" || return 1; }
    done
    return 0
}

veth_create() {
    ip link add v0 type veth peer name v1 || return 1
    # The far end only gives v0 a carrier: no address, no IPv6, no traffic of its own.
    sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 || return 1
}

net_setup() {
    ip link set lo up || return 1
    case $1 in
    lo) ;;
    v4 | v6 | dual) veth_create || return 1 ;;
    *) echo "unknown scenario $1"; return 1 ;;
    esac
    case $1 in
    v4)
        # No link-local either: an IPv6 address on v0 would count as configured IPv6.
        sysctl -qw net.ipv6.conf.v0.disable_ipv6=1 || return 1
        ;;
    v6 | dual)
        # Addresses of our choosing only, all without DAD: the kernel adds no link-local of its
        # own (addr_gen_mode 1), so no address is ever tentative and every run sees the same set.
        sysctl -qw net.ipv6.conf.v0.addr_gen_mode=1 net.ipv6.conf.v0.accept_ra=0 || return 1
        ip -6 addr add 2001:db8:1::2/64 dev v0 nodad || return 1
        ip -6 addr add fd00:1::2/64 dev v0 nodad || return 1
        ip -6 addr add fe80::2/64 dev v0 nodad || return 1
        ;;
    esac
    case $1 in
    v4 | dual) ip addr add 192.0.2.2/24 dev v0 || return 1 ;;
    esac
    case $1 in
    v4 | v6 | dual) ip link set v0 up && ip link set v1 up || return 1 ;;
    esac
    case $1 in
    v4 | dual) ip route add default via 192.0.2.1 dev v0 onlink || return 1 ;;
    esac
    case $1 in
    v6 | dual) ip -6 route add default via 2001:db8:1::1 dev v0 onlink || return 1 ;;
    esac
    return 0
}

inner() {
    local scenario=$1 build=$2 work=$3 pass policy log
    mount --make-rprivate / || { echo "FAIL: mount --make-rprivate /"; return 1; }
    net_setup "$scenario" || { echo "FAIL: network setup for scenario $scenario"; return 1; }
    etc_setup "$work" || { echo "FAIL: bind mounts over /etc"; return 1; }
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

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: this test must run, not skip)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    echo "SKIPPED: $1"
    exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root for namespaces"
for tool in unshare ip sysctl mount timeout; do
    command -v "$tool" >/dev/null 2>&1 || skip "needs root for namespaces (no $tool)"
done
unshare -m -n true 2>/dev/null || skip "needs root for namespaces (unshare -m -n refused)"
if [ ! -x "$build/tests/gai_diff_prog" ]; then
    echo "FAIL: $build/tests/gai_diff_prog is not built"
    echo "0 passed, 1 failed"
    exit 1
fi

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
