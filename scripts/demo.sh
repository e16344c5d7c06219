#!/usr/bin/env bash
# make demo: replays the session of ../shared/SEED.md ("Asking getaddrinfo() About Services") with
# gaix. Each step shows the Python call of the session, then the same question asked with the gaix
# CLI in Python's format and in gaix's table.
#
# The session's names (ftp.kernel.org, iana.org) come from NSD serving demo/zones on loopback,
# never from the network: this machine's own nameserver is never asked.
#   - As root, the demo runs in a private network and mount namespace that looks like the
#     session's machine: IPv4 configured, no IPv6 (192.0.2.10 on the loopback interface, which
#     AI_ADDRCONFIG counts as glibc does), /etc/resolv.conf naming 127.0.0.1. gaix runs with its
#     defaults there, and Python itself (glibc) answers each question first, for comparison.
#   - Otherwise NSD runs as this user on a free port of 127.0.0.1, gaix is pointed at it with
#     --server, and AI_ADDRCONFIG follows this machine's own interfaces.
#   - Without NSD or dig (Debian: nsd, dnsutils; scripts/deps.sh check installs them), only the
#     localhost part runs, with DNS off.
set -u
build=${1:-build}
gaix="$build/gaix"
[ -x "$gaix" ] || { echo "demo: $gaix is missing; run make first" >&2; exit 1; }
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/dns/dns_harness.sh
. "$top/tests/dns/dns_harness.sh"

have_dns_tools() { command -v nsd >/dev/null && command -v nsd-checkconf >/dev/null && command -v dig >/dev/null; }

# Outside: move into the private namespaces when we can, bounded in time.
if [ "${GAIX_DEMO_INSIDE:-}" != 1 ] && [ "$(id -u)" = 0 ] && have_dns_tools &&
   command -v unshare >/dev/null && command -v ip >/dev/null && unshare -m -n true 2>/dev/null; then
    exec timeout 300 unshare -m -n env GAIX_DEMO_INSIDE=1 bash "$0" "$build"
fi

work=$(mktemp -d /tmp/gaix-demo.XXXXXX) || exit 1
cleanup() { nsd_stop "$work/nsd" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

dnsargs=()     # what each gaix call gets to reach the demo's server
glibc=0        # 1: Python (glibc) asks the same server, shown before gaix
mode=""
if [ "${GAIX_DEMO_INSIDE:-}" = 1 ]; then
    ip link set lo up && ip addr add 192.0.2.10/24 dev lo || exit 1
    printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n' >"$work/resolv.conf"
    printf 'hosts: files dns\nservices: files\n' >"$work/nsswitch.conf"
    mount --bind "$work/resolv.conf" /etc/resolv.conf &&
        mount --bind "$work/nsswitch.conf" /etc/nsswitch.conf || exit 1
    nsd_start "$work/nsd" 127.0.0.1 53 "$top"/demo/zones/*.zone >/dev/null || exit 1
    command -v python3 >/dev/null && glibc=1
    mode="in a private network namespace: IPv4 only (192.0.2.10), NSD on 127.0.0.1 port 53 as its nameserver"
elif have_dns_tools; then
    # A free port: NSD refuses to start on a taken one, so try a few.
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        if nsd_start "$work/nsd" 127.0.0.1 "$port" "$top"/demo/zones/*.zone >/dev/null 2>&1; then
            dnsargs=(--server "127.0.0.1:$port" --resolv-conf /dev/null)
            break
        fi
        nsd_stop "$work/nsd" 2>/dev/null
    done
    [ ${#dnsargs[@]} -gt 0 ] && mode="NSD on 127.0.0.1 port $port, named with --server; AI_ADDRCONFIG sees this machine's interfaces"
fi
if [ -z "$mode" ]; then
    dnsargs=(--no-dns)
    mode="DNS off (install nsd and dnsutils, or run scripts/deps.sh check as root, for the DNS part)"
fi

extra=()
if ! grep -qE '^ftp[[:space:]]' /etc/services 2>/dev/null ||
   ! grep -qE '^http[[:space:]].*\bwww\b' /etc/services 2>/dev/null; then
    echo "(this machine has no usable /etc/services: using demo/services)"
    extra=(--services demo/services)
fi

# step PYTHON-ARGS GAIX-ARGS...: the session's call, glibc's answer (inside), gaix's two formats.
step() {
    local py=$1
    shift
    echo ">>> socket.getaddrinfo($py)"
    if [ $glibc = 1 ]; then
        echo "glibc: $(python3 -c "from socket import *; print([(int(f), int(t), p, c, a) for f, t, p, c, a in getaddrinfo($py)])" 2>&1 | tail -1)"
    fi
    echo "\$ gaix $* --format python"
    "$gaix" "$@" "${dnsargs[@]}" "${extra[@]}" --format python
    echo "\$ gaix $*"
    "$gaix" "$@" "${dnsargs[@]}" "${extra[@]}"
    echo
}

echo "== The session of SEED.md, asked of gaix $("$gaix" --version | cut -d' ' -f2) =="
echo "($mode)"
echo
if [ "${dnsargs[0]:-}" != --no-dns ]; then
    step "'ftp.kernel.org', 'ftp', 0, SOCK_STREAM, 0, AI_ADDRCONFIG | AI_V4MAPPED" \
        ftp.kernel.org ftp --socktype stream --flags addrconfig,v4mapped
    step "'iana.org', 'www', 0, SOCK_STREAM, 0, AI_ADDRCONFIG | AI_V4MAPPED" \
        iana.org www --socktype stream --flags addrconfig,v4mapped
    step "'iana.org', 'www', 0, SOCK_STREAM, 0" \
        iana.org www --socktype stream
    if [ "${GAIX_DEMO_INSIDE:-}" = 1 ]; then
        echo "As in the session, this host has IPv4 only: AI_ADDRCONFIG hides the IPv6 address,"
        echo "and without the flags it comes back, sorted after IPv4 (RFC 6724: no IPv6 source)."
    else
        echo "AI_ADDRCONFIG hides IPv6 only on a host without IPv6 (run as root to see the session's"
        echo "IPv4-only machine); without the flags every address comes back, in RFC 6724 order."
    fi
    echo "Where the answer came from, and how long it lived (--trace):"
    echo "\$ gaix iana.org www --socktype stream --trace"
    "$gaix" iana.org www --socktype stream --trace "${dnsargs[@]}" "${extra[@]}" 2>&1 >/dev/null
    echo
fi
step "'localhost', 'www', 0, SOCK_STREAM, 0, AI_ADDRCONFIG | AI_V4MAPPED" \
    localhost www --socktype stream --flags addrconfig,v4mapped
echo "localhost answers with the addresses /etc/hosts gives it, and AI_ADDRCONFIG never hides"
echo "localhost, a numeric address or the local host itself in gaix (docs/DIFFERENCES.md)."
echo "Listening instead of connecting: no host, AI_PASSIVE, every socket type the services file lists:"
step "None, 'www', 0, 0, 0, AI_PASSIVE" - www --flags passive
