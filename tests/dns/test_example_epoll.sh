#!/bin/bash
# examples/epoll_resolve.c, the README's example of the asynchronous API in an application's own
# epoll loop, run against NSD (tests/dns/dns_harness.sh, zones from tests/dns/zones.py --extra) on
# 127.0.0.2 port 53 inside a fresh `unshare -m -n` namespace (loopback only), and its output
# checked: one line per name, each exactly once, with the zone's addresses (or the error text);
# answers printed as they arrive (a numeric address given last comes first); 100 names at once.
# A second run gives no --server: the example's context then reads /etc/resolv.conf and
# /etc/hosts, bind-mounted in the namespace over test copies (the server on loopback, one hosts
# name).
#
#   bash tests/dns/test_example_epoll.sh BUILD_DIR
#
# Needs root (namespaces) and nsd: without root prints "SKIPPED: needs root" and succeeds, except
# under CI=true, where it fails. One "ok"/"FAIL" line per check; ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/dns_harness.sh"

# ---- outside: checks, then this script again in a namespace of its own (dns_harness.sh) --------
[ -n "${GX_DNS_INSIDE:-}" ] ||
    dns_namespace_run 120 "${1:-}" examples/epoll_resolve -- nsd dig mount

# ---- inside the namespace ----------------------------------------------------------------------
build=$1
prog=$build/examples/epoll_resolve
work=$(mktemp -d /tmp/gaix-example.XXXXXX)
trap 'nsd_stop "$work/ns2"; rm -rf "$work"' EXIT
ok() { echo "ok $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
check() { # NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got [$2], want [$3]"; fi
}
line_of() { grep "^$1:" <<<"$out"; } # NAME: the output line for NAME
addrs_of() { # NAME: its addresses, sorted, on one line
    line_of "$1" | sed 's/^[^:]*://; s/ (.*//' | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//'
}

dns_lo_up || { fail "loopback up"; exit 1; }
"$DNS_PYTHON" "$here/zones.py" "$work/zone" --whoami ns2 --load-names 100 --extra || fail "zones"
nsd_start "$work/ns2" 127.0.0.2 53 "$work/zone/test.zone" "$work/zone/..zone" ||
    { fail "NSD starts on 127.0.0.2:53"; exit 1; }

names=(a.test two.test nx.test nodata.test chain8.test big.test 192.0.2.9)
out=$("$prog" --server 127.0.0.2 "${names[@]}" 2>&1)
rc=$?
check "exit status 0 once every lookup called back" "$rc" "0"
check "one line per name" "$(wc -l <<<"$out")" "${#names[@]}"
dups=""
for n in "${names[@]}"; do
    [ "$(grep -c "^$n:" <<<"$out")" = 1 ] || dups="$dups $n"
done
check "each name answered exactly once" "$dups" ""
check "a.test: its A and AAAA, from DNS" "$(addrs_of a.test) $(line_of a.test | grep -o '(dns,')" \
    "192.0.2.1 2001:db8::1 (dns,"
check "two.test: two addresses of each family" "$(addrs_of two.test)" \
    "192.0.2.3 192.0.2.4 2001:db8::3 2001:db8::4"
check "nx.test: the error's text (NXDOMAIN)" "$(line_of nx.test)" "nx.test: Name or service not known"
check "nodata.test: the error's text (NODATA)" "$(line_of nodata.test)" \
    "nodata.test: No address associated with hostname"
check "chain8.test: the chain's end addresses" "$(addrs_of chain8.test)" "192.0.2.108 2001:db8::1:8"
check "big.test: 100 AAAA (over TCP) and the A" "$(addrs_of big.test | wc -w)" "101"
check "192.0.2.9, given last, answered first and locally (answers print as they arrive)" \
    "$(head -n 1 <<<"$out" | sed 's/, .*//')" "192.0.2.9: 192.0.2.9 (local"

load=()
for ((i = 0; i < 100; i++)); do load+=("n$i.load.test"); done
out=$("$prog" --server 127.0.0.2 "${load[@]}" 2>&1)
rc=$?
# One awk for the 100 lines (a process per name is slow on a loaded machine): the zone's
# A 198.51.100.(I mod 250 + 1) and AAAA 2001:db8:10ad::I (hex), in either order, each name once.
wrong=$(awk -F'[: ]+' '
    /^n[0-9]+\.load\.test:/ {
        i = substr($1, 2) + 0; seen[i]++
        a4 = "198.51.100." (i % 250 + 1); a6 = i ? sprintf("2001:db8:10ad::%x", i) : "2001:db8:10ad::"
        line = $0; sub(/^[^:]*: /, "", line); sub(/ \(.*/, "", line)
        if (line != a4 " " a6 && line != a6 " " a4) printf " n%d", i
    }
    END { for (i = 0; i < 100; i++) if (seen[i] != 1) printf " n%d(x%d)", i, seen[i] }' <<<"$out")
check "100 names at once: every one answered once, with the zone's addresses" "$rc$wrong" "0"

# Without --server: the system's files, here test copies bind-mounted in this namespace.
mount --make-rprivate / && printf 'nameserver 127.0.0.2\noptions timeout:1 attempts:2\n' >"$work/resolv.conf" &&
    printf '192.0.2.250 fromhosts.test\n' >"$work/hosts" &&
    mount --bind "$work/resolv.conf" /etc/resolv.conf && mount --bind "$work/hosts" /etc/hosts ||
    fail "bind mounts over /etc/resolv.conf and /etc/hosts"
out=$("$prog" fromhosts.test a.test 2>&1)
check "no --server: resolv.conf's server answers a.test, the hosts file fromhosts.test" \
    "$(addrs_of a.test) | $(addrs_of fromhosts.test) $(line_of fromhosts.test | grep -o '(local,')" \
    "192.0.2.1 2001:db8::1 | 192.0.2.250 (local,"
exit 0
