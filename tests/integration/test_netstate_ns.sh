#!/bin/bash
# net/netstate in network worlds of its own: each scenario runs in a fresh `unshare -m -n`
# namespace (only lo, plus a veth pair v0/v1 where the scenario needs one), where
# tests/netstate_ns_prog answers commands on stdin. Checked per scenario:
#   - has_ipv4 / has_ipv6 as the scenario says, and as the system libc's AI_ADDRCONFIG says;
#   - dest_info for a few destinations: usable or not, the source (also checked against
#     `ip route get`), its prefix length, interface and native flag;
#   - a change made while the program runs is seen (interval every-call, then the default).
# No packet is sent: connect() on a UDP socket only asks the kernel for a route, and the only
# links are lo and the veth pair inside the namespace.
#
#   bash tests/integration/test_netstate_ns.sh BUILD_DIR
#
# Needs root (network namespaces): without it, prints SKIPPED and succeeds, except under CI=true,
# where it fails. Ends with "N passed, N failed"; exits non-zero on any failure.
set -u

BUILD=${1:?usage: test_netstate_ns.sh BUILD_DIR}
PROG="$BUILD/tests/netstate_ns_prog"
SCENARIOS="loopback ipv4 ipv6 dual change"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check_eq() { # what got want
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# ---- outside: one namespace per scenario ---------------------------------------------------
if [ -z "${GX_NETSTATE_SCENARIO:-}" ]; then
    refuse() {
        if [ "${CI:-}" = "true" ]; then
            echo "FAIL: $1 (CI=true: not skipping)"
            echo "0 passed, 1 failed"
            exit 1
        fi
        echo "SKIPPED: $1"
        exit 0
    }
    [ "$(id -u)" = 0 ] || refuse "needs root for network namespaces"
    unshare -m -n true 2>/dev/null || refuse "needs root for network namespaces (unshare -m -n failed)"
    if [ ! -x "$PROG" ]; then
        echo "FAIL: $PROG is not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
    total_pass=0
    total_fail=0
    for s in $SCENARIOS; do
        echo "== $s"
        out=$(GX_NETSTATE_SCENARIO=$s timeout 60 unshare -m -n bash "$0" "$BUILD" 2>&1)
        rc=$?
        echo "$out"
        p=$(grep -c '^PASS ' <<<"$out")
        f=$(grep -c '^FAIL ' <<<"$out")
        if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
            echo "FAIL $s: the scenario exited with status $rc"
            f=1
        fi
        total_pass=$((total_pass + p))
        total_fail=$((total_fail + f))
    done
    echo "$total_pass passed, $total_fail failed"
    [ "$total_fail" = 0 ]
    exit
fi

# ---- inside the namespace of one scenario -------------------------------------------------
scenario=$GX_NETSTATE_SCENARIO
ip link set lo up

veth() { # addrgenmode none: no IPv6 link-local address appears on its own
    ip link add v0 type veth peer name v1
    ip link set dev v0 addrgenmode none
    ip link set dev v1 addrgenmode none
    ip link set v1 up
    ip link set v0 up
}
add_v4() {
    ip addr add 192.0.2.2/24 dev v0
    ip route add default via 192.0.2.1 dev v0 onlink
}
add_v6() {
    ip addr add 2001:db8:1::2/64 dev v0 nodad
    ip -6 route add default via 2001:db8:1::1 dev v0 onlink
    wait_src 2001:db8:1::99 2001:db8:1::2
}
ifindex_of() { ip -o link show "$1" | cut -d: -f1; }
# The kernel lists a new IPv6 address at once but ends DAD (and installs its routes) from a
# workqueue: wait until the kernel itself picks the expected source, so that what is checked is
# gaix's answer and not a race with the kernel.
wait_src() { # dest src
    for _ in $(seq 1 100); do
        [ "$(ip -o route get "$1" 2>/dev/null | sed -n 's/.* src \([^ ]*\).*/\1/p')" = "$2" ] && return
        sleep 0.02
    done
    fail "$scenario: the kernel never chose $2 as the source towards $1"
}

case $scenario in
loopback) ;;
ipv4)
    veth
    sysctl -qw net.ipv6.conf.v0.disable_ipv6=1 net.ipv6.conf.v1.disable_ipv6=1
    add_v4
    ;;
ipv6)
    veth
    add_v6
    ;;
dual | change)
    veth
    add_v4
    [ "$scenario" = dual ] && add_v6
    ;;
*)
    fail "unknown scenario $scenario"
    exit 1
    ;;
esac
LO=$(ifindex_of lo)
V0=$(ifindex_of v0 2>/dev/null || echo none)

start_prog() { # interval
    coproc PROG_CO { exec "$PROG" "$1"; }
}
stop_prog() {
    echo quit >&"${PROG_CO[1]}"
    wait "$PROG_CO_PID"
    check_eq "$scenario: program exit status" "$?" 0
}
ask() { # command -> $reply
    reply=""
    echo "$1" >&"${PROG_CO[1]}"
    IFS= read -r -t 10 reply <&"${PROG_CO[0]}" || reply="(no answer)"
}
field() { # line name -> value
    local f
    for f in $1; do
        [ "${f%%=*}" = "$2" ] && { echo "${f#*=}"; return; }
    done
    echo "(missing)"
}

# has_ipv4 and has_ipv6, and the libc's AI_ADDRCONFIG agreeing with them.
expect_families() { # v4 v6 [label]
    ask show
    local label="$scenario${3:+ ($3)}"
    check_eq "$label: has_ipv4" "$(field "$reply" has_ipv4)" "$1"
    check_eq "$label: has_ipv6" "$(field "$reply" has_ipv6)" "$2"
    check_eq "$label: libc AI_ADDRCONFIG sees IPv4 as gaix does" "$(field "$reply" libc_ipv4)" "$1"
    check_eq "$label: libc AI_ADDRCONFIG sees IPv6 as gaix does" "$(field "$reply" libc_ipv6)" "$2"
}

# A destination the kernel has no route for.
expect_unusable() { # dest [label]
    ask "dest $1"
    check_eq "$scenario${2:+ ($2)}: dest $1 unusable" "$(field "$reply" usable)" 0
}

# A usable destination. The source must be the one `ip route get` says (for an IPv4-mapped
# destination, the mapped form of the IPv4 route's source).
expect_dest() { # dest source prefixlen ifindex [label]
    ask "dest $1"
    local label="$scenario${5:+ ($5)}: dest $1"
    check_eq "$label usable" "$(field "$reply" usable)" 1
    check_eq "$label source" "$(field "$reply" source)" "$2"
    check_eq "$label prefixlen" "$(field "$reply" prefixlen)" "$3"
    check_eq "$label ifindex" "$(field "$reply" ifindex)" "$4"
    check_eq "$label native" "$(field "$reply" native)" 1
    check_eq "$label flags" "$(field "$reply" flags)" 0
    local plain=${1#::ffff:} want
    want=$(ip -o route get "$plain" 2>/dev/null | sed -n 's/.* src \([^ ]*\).*/\1/p')
    [ "$plain" != "$1" ] && want="::ffff:$want"
    check_eq "$label source agrees with ip route get" "$(field "$reply" source)" "$want"
}

start_prog every-call
case $scenario in
loopback)
    expect_families 0 0
    expect_dest 127.0.0.1 127.0.0.1 8 "$LO"
    expect_dest 127.0.0.53 127.0.0.1 8 "$LO"
    expect_dest ::1 ::1 128 "$LO"
    expect_unusable 192.0.2.99
    expect_unusable 2001:db8:1::99
    ;;
ipv4)
    expect_families 1 0
    expect_dest 192.0.2.99 192.0.2.2 24 "$V0"
    expect_dest 198.51.100.7 192.0.2.2 24 "$V0"
    expect_dest ::ffff:192.0.2.99 ::ffff:192.0.2.2 24 "$V0"
    expect_dest 127.0.0.1 127.0.0.1 8 "$LO"
    expect_unusable 2001:db8:1::99
    ;;
ipv6)
    expect_families 0 1
    expect_dest 2001:db8:1::99 2001:db8:1::2 64 "$V0"
    expect_dest 2001:db8:ffff::1 2001:db8:1::2 64 "$V0"
    expect_dest ::1 ::1 128 "$LO"
    expect_unusable 192.0.2.99
    ;;
dual)
    expect_families 1 1
    expect_dest 192.0.2.99 192.0.2.2 24 "$V0"
    expect_dest 2001:db8:1::99 2001:db8:1::2 64 "$V0"
    expect_dest 2001:db8:ffff::1 2001:db8:1::2 64 "$V0"
    expect_dest ::ffff:198.51.100.7 ::ffff:192.0.2.2 24 "$V0"
    ;;
change)
    # Every call looks: each change shows in the next command, and the answers the old
    # routes gave are forgotten with the old snapshot.
    expect_families 1 0 "before"
    expect_unusable 2001:db8:1::99 "before"
    expect_dest 198.51.100.7 192.0.2.2 24 "$V0" "before"
    ip route del default
    expect_unusable 198.51.100.7 "IPv4 default route removed"
    ip addr add 2001:db8:1::2/64 dev v0 nodad
    wait_src 2001:db8:1::99 2001:db8:1::2
    expect_families 1 1 "IPv6 address added"
    expect_dest 2001:db8:1::99 2001:db8:1::2 64 "$V0" "IPv6 address added"
    expect_unusable 2001:db8:2::1 "IPv6 address added"
    ip -6 route add 2001:db8:2::/64 via 2001:db8:1::1 dev v0
    expect_dest 2001:db8:2::1 2001:db8:1::2 64 "$V0" "IPv6 route added"
    ip addr del 192.0.2.2/24 dev v0
    expect_families 0 1 "IPv4 address removed"
    expect_unusable 192.0.2.99 "IPv4 address removed"
    ip addr add 192.0.2.2/24 dev v0
    expect_dest 192.0.2.99 192.0.2.2 24 "$V0" "IPv4 address back"
    stop_prog

    # The default interval (100 ms): the change shows within a few intervals, not at once
    # necessarily; poll for up to 3 s.
    start_prog 0
    expect_families 1 1 "default interval, before"
    ip addr del 2001:db8:1::2/64 dev v0
    seen=no
    for _ in $(seq 1 60); do
        sleep 0.05
        ask show
        if [ "$(field "$reply" has_ipv6)" = 0 ]; then
            seen=yes
            break
        fi
    done
    check_eq "$scenario: default interval sees the IPv6 address go" "$seen" yes
    ask stats
    check_eq "$scenario: default interval built from netlink, never fell back" \
        "$(field "$reply" fallback_builds)" 0
    ;;
esac
stop_prog
