# shellcheck shell=bash
# The private world of the differential tests, shared by test_gai_diff.sh, test_gni_diff.sh and
# test_gai_dns_diff.sh: sourced, never run. Each scenario runs in a mount and network namespace of
# its own: the script's outside half checks what it needs and runs the script again in the
# namespace (`unshare -m -n ... SCRIPT --inner ...`), whose inside half sets it up with these
# functions, runs the passes and leaves one log per pass; the outside half then adds them up.
#
# Outside:
#   ns_begin NAME BUILD_DIR [FLAG...]
#                               ns_need_root for BUILD_DIR/tests/NAME_prog, then SKIPPED when
#                               `unshare -m -n FLAG...` is refused (as ns_need_root); sets
#                               NS_BUILD (BUILD_DIR, absolute) and NS_WORK (a temporary directory,
#                               removed on exit) and starts the totals
#   ns_need_root PROG           SKIPPED (exit 0) without root or without namespaces, a failure
#                               (exit 1) instead when CI=true; a failure when PROG is not built
#   ns_tally SCENARIO PASS...   adds each pass's verdict (NS_WORK/SCENARIO/SCENARIO.PASS.log) to
#                               the totals
#   ns_report                   the summary and "N passed, N failed"; status 0 when none failed
# Inside:
#   ns_scenario_setup SCENARIO WORK FIXTURES
#                               the mounts made private, ns_net_setup and ns_etc_setup, a FAIL
#                               line when one fails
#   ns_net_setup SCENARIO       lo up; for v4, v6 and dual a veth pair v0/v1 with the scenario's
#                               addresses and default routes (lo: loopback only)
#   ns_etc_setup WORK FIXTURES  test copies of hosts, services, gai.conf (empty), nsswitch.conf
#                               ("files" only: the libc never asks DNS), host.conf ("multi on")
#                               and resolv.conf (127.0.0.1) in WORK, bind-mounted over /etc;
#                               nscd's socket hidden
#   ns_etc_dns WORK SEARCH OPTS [SERVER...]
#                               after ns_etc_setup: nsswitch.conf "files dns" and resolv.conf
#                               naming the SERVERs (default 127.0.0.1: loopback addresses of
#                               the namespace only), a search list and options
#                               (test_gai_dns_diff.sh)
#   ns_addrs                    the namespace's addresses on one line ("lo 127.0.0.1/8 ...")
#   ns_pass_run LOG COMMAND...  runs one pass: COMMAND's output, then "exit=STATUS", in LOG;
#                               prints LOG
#
# Scenarios: lo (loopback only), v4 (192.0.2.2/24, IPv6 disabled on the veth ends), v6
# (2001:db8:1::2/64 + fd00:1::2/64 + fe80::2/64, no IPv4 but loopback), dual (both). No packet
# leaves the namespace: the far end v1 of the pair lives in it too and has no address.

# skip REASON: SKIPPED and success, or with CI=true a failure (the test must run in CI).
ns_skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: this test must run, not skip)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    echo "SKIPPED: $1"
    echo "0 passed, 0 failed"
    exit 0
}

ns_need_root() {
    local prog=$1 tool
    [ "$(id -u)" = 0 ] || ns_skip "needs root for namespaces"
    for tool in unshare ip sysctl mount timeout; do
        command -v "$tool" >/dev/null 2>&1 || ns_skip "needs root for namespaces (no $tool)"
    done
    unshare -m -n true 2>/dev/null || ns_skip "needs root for namespaces (unshare -m -n refused)"
    if [ ! -x "$prog" ]; then
        echo "FAIL: $prog is not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
}

# ns_begin NAME BUILD_DIR [FLAG...]: see the top. NS_START, NS_PASSED, NS_FAILED and NS_SUMMARY
# are ns_tally's totals.
ns_begin() {
    local name=$1
    if [ -z "${2:-}" ]; then
        echo "usage: test_$name.sh BUILD_DIR" >&2
        exit 1
    fi
    NS_BUILD=$(cd "$2" && pwd)
    shift 2
    ns_need_root "$NS_BUILD/tests/${name}_prog"
    if [ $# -gt 0 ]; then
        unshare -m -n "$@" true 2>/dev/null ||
            ns_skip "needs root for namespaces (unshare $* refused)"
    fi
    NS_WORK=$(mktemp -d "/tmp/$name.XXXXXX") || exit 1
    trap 'rm -rf "$NS_WORK"' EXIT
    NS_START=$(date +%s)
    NS_PASSED=0
    NS_FAILED=0
    NS_SUMMARY=""
}

# ns_tally SCENARIO PASS...: each pass's program ends its log with "N passed, N failed" (added
# to the totals) after a "cases=" line (the summary's line for the pass). A log without that
# verdict (the program crashed, timed out or never ran) is one failure, shown by its last lines.
ns_tally() {
    local scenario=$1 pass log counts last passed failed
    shift
    for pass in "$@"; do
        log=$NS_WORK/$scenario/$scenario.$pass.log
        counts=$(grep -E '^cases=' "$log" 2>/dev/null | tail -n 1)
        last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" 2>/dev/null | tail -n 1)
        if [ -z "$last" ]; then
            last=$(tail -n 2 "$log" 2>/dev/null | tr '\n' ' ')
            NS_SUMMARY+="  $scenario $pass: no result ($last)"$'\n'
            NS_FAILED=$((NS_FAILED + 1))
            continue
        fi
        passed=${last%% passed*}
        failed=${last#*, }
        failed=${failed%% failed*}
        NS_PASSED=$((NS_PASSED + passed))
        NS_FAILED=$((NS_FAILED + failed))
        NS_SUMMARY+="  $scenario $pass: $counts"$'\n'
    done
}

ns_report() {
    echo "== summary ($(($(date +%s) - NS_START)) s)"
    printf '%s' "$NS_SUMMARY"
    echo "$NS_PASSED passed, $NS_FAILED failed"
    [ "$NS_FAILED" = 0 ]
}

ns_scenario_setup() {
    local scenario=$1 work=$2 fixtures=$3
    mount --make-rprivate / || { echo "FAIL: mount --make-rprivate /"; return 1; }
    ns_net_setup "$scenario" || { echo "FAIL: network setup for scenario $scenario"; return 1; }
    ns_etc_setup "$work" "$fixtures" || { echo "FAIL: bind mounts over /etc"; return 1; }
}

ns_addrs() {
    ip -o addr show | awk '{print $2, $4}' | tr '\n' ' '
}

# ns_pass_run LOG COMMAND...: the log keeps the program's status, for ns_tally's "no result".
ns_pass_run() {
    local log=$1
    shift
    "$@" >"$log" 2>&1
    echo "exit=$?" >>"$log"
    cat "$log"
}

# The files the libc and gaix read: copies in the work directory, so that nothing can write
# through to the source tree, bind-mounted over /etc.
ns_etc_setup() {
    local work=$1 fixtures=$2 f missing
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
            for missing in hosts services gai.conf nsswitch.conf host.conf resolv.conf; do
                [ -f "/etc/$missing" ] || : >"/etc/$missing"
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

ns_veth_create() {
    ip link add v0 type veth peer name v1 || return 1
    # The far end only gives v0 a carrier: no address, no IPv6, no traffic of its own.
    sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 || return 1
}

ns_net_setup() {
    ip link set lo up || return 1
    case $1 in
    lo) ;;
    v4 | v6 | dual) ns_veth_create || return 1 ;;
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

# ns_etc_dns WORK SEARCH OPTIONS [SERVER...]: after ns_etc_setup, the libc asks DNS too:
# nsswitch.conf says "hosts: files dns" and resolv.conf names each SERVER (default 127.0.0.1;
# servers the caller starts on the namespace's own loopback), with "search SEARCH" and "options
# OPTIONS" when not empty. The files are rewritten in place, so the bind mounts over /etc show
# the new text at once.
ns_etc_dns() {
    local work=$1 search=$2 options=$3 s
    shift 3
    [ $# -gt 0 ] || set -- 127.0.0.1
    printf 'hosts: files dns\nservices: files\n' >"$work/nsswitch.conf" || return 1
    {
        for s in "$@"; do echo "nameserver $s"; done
        [ -z "$search" ] || echo "search $search"
        [ -z "$options" ] || echo "options $options"
    } >"$work/resolv.conf"
}
