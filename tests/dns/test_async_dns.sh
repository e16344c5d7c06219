#!/bin/bash
# gaix's asynchronous API against a real server: NSD (tests/dns/dns_harness.sh) serving the zones
# of tests/dns/zones.py --extra (1,000 load names) on 127.0.0.2 port 53, inside a fresh
# `unshare -m -n` namespace (loopback only). tests/dns/async_prog runs the checks, each an "ok" or
# "FAIL" line: 1,000 lookups in flight at once, each answered exactly and once, with the right
# details and in the order the blocking call gives; the details of single lookups (numeric, TTL, NXDOMAIN, TC then TCP, CNAME); cancel
# before and after the queries left; gaix_resolve from callbacks, 300 in a row; gaix_ctx_free
# with 200 in flight; no descriptor left. The contract without a server that answers is
# tests/unit/test_async.c's.
#
#   bash tests/dns/test_async_dns.sh BUILD_DIR
#
# Needs root (namespaces) and nsd: without root prints "SKIPPED: needs root" and succeeds, except
# under CI=true, where it fails. Ends with "N passed, N failed".
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/dns_harness.sh"

# ---- outside: checks, then this script again in a namespace of its own (dns_harness.sh) --------
[ -n "${GX_DNS_INSIDE:-}" ] || dns_namespace_run 240 "${1:-}" tests/async_prog -- nsd dig

# ---- inside the namespace ----------------------------------------------------------------------
build=$1
work=$(mktemp -d /tmp/gaix-async.XXXXXX)
trap 'nsd_stop "$work/ns2"; rm -rf "$work"' EXIT
dns_lo_up || { echo "FAIL loopback up"; exit 1; }
# Half the load names' IPv4 addresses (198.51.100.1-127) get a route, the rest and every IPv6
# address none: RFC 6724 puts IPv4 first for the first kind and IPv6 first for the other, so
# async_prog's load check can see answers mixed up between the lookups of one round.
ip route add 198.51.100.0/25 dev lo || { echo "FAIL route 198.51.100.0/25"; exit 1; }
"$DNS_PYTHON" "$here/zones.py" "$work/zone" --whoami ns2 --load-names 1000 --extra ||
    { echo "FAIL zones"; exit 1; }
nsd_start "$work/ns2" 127.0.0.2 53 "$work/zone/test.zone" "$work/zone/..zone" ||
    { echo "FAIL NSD starts on 127.0.0.2:53"; exit 1; }
"$build/tests/async_prog" --server 127.0.0.2
rc=$?
# A crash (a sanitizer's abort) leaves no FAIL line of its own.
[ "$rc" = 0 ] || [ "$rc" = 1 ] || echo "FAIL async_prog exited with status $rc"
exit 0
