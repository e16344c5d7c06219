#!/usr/bin/env bash
# Debian packages the project needs, by purpose. `deps.sh check` (used by make check) installs the
# test packages when run as root and missing, and otherwise names exactly what is missing.
# `deps.sh bench` and `deps.sh fuzz` do the same for the benchmark and fuzzing peers.
# Idempotent: installed packages are never reinstalled, apt-get update runs at most once.
set -u
purpose=${1:-check}

case "$purpose" in
check) packages="cmake make gcc libc6-dev iproute2 util-linux procps python3 libidn2-0 curl libpython3.11-testsuite nsd dnsutils python3-dnspython" ;;
bench) packages="valgrind strace musl-tools libc-ares-dev nsd dnsutils" ;;
fuzz) packages="clang libclang-rt-14-dev" ;;
*) echo "usage: $0 check|bench|fuzz" >&2; exit 64 ;;
esac

missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
        { echo "apt-get install$missing failed" >&2; exit 1; }
    exit 0
fi
echo "missing Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
