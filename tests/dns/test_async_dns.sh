#!/bin/bash
# gaix's asynchronous API against a real server: NSD (tests/dns/dns_harness.sh) serving the zones
# of tests/dns/zones.py --extra (1,000 load names) on 127.0.0.2 port 53, inside a fresh
# `unshare -m -n` namespace (loopback only). tests/dns/async_prog runs the checks, each an "ok" or
# "FAIL" line: 1,000 lookups in flight at once, each answered exactly and once, with the right
# details; the details of single lookups (numeric, TTL, NXDOMAIN, TC then TCP, CNAME); cancel
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

if [ -z "${GX_DNS_INSIDE:-}" ]; then
    build=$(cd "${1:?usage: test_async_dns.sh BUILD_DIR}" && pwd)
    dns_need_root
    if [ ! -x "$build/tests/async_prog" ]; then
        echo "FAIL: $build/tests/async_prog is not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
    for tool in nsd dig; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "FAIL: $tool is missing (scripts/deps.sh check installs it)"
            echo "0 passed, 1 failed"
            exit 1
        fi
    done
    out=$(GX_DNS_INSIDE=1 timeout 240 unshare -m -n bash "$0" "$build" 2>&1)
    rc=$?
    echo "$out"
    p=$(grep -c '^ok ' <<<"$out")
    f=$(grep -c '^FAIL ' <<<"$out")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: the namespace exited with status $rc"
        f=1
    fi
    echo "$p passed, $f failed"
    [ "$f" = 0 ]
    exit
fi

# ---- inside the namespace ----------------------------------------------------------------------
build=$1
work=$(mktemp -d /tmp/gaix-async.XXXXXX)
trap 'nsd_stop "$work/ns2"; rm -rf "$work"' EXIT
dns_lo_up || { echo "FAIL loopback up"; exit 1; }
"$DNS_PYTHON" "$here/zones.py" "$work/zone" --whoami ns2 --load-names 1000 --extra ||
    { echo "FAIL zones"; exit 1; }
nsd_start "$work/ns2" 127.0.0.2 53 "$work/zone/test.zone" "$work/zone/..zone" ||
    { echo "FAIL NSD starts on 127.0.0.2:53"; exit 1; }
"$build/tests/async_prog" --server 127.0.0.2
rc=$?
# A crash (a sanitizer's abort) leaves no FAIL line of its own.
[ "$rc" = 0 ] || [ "$rc" = 1 ] || echo "FAIL async_prog exited with status $rc"
exit 0
