# Shared by tests/preload/test_*.sh (sourced, not run): the hermetic world the shim is tested in,
# the verdict counters and the one summary line.
#
# Each test script runs itself a second time inside `unshare -m -n` (a mount and network namespace
# of its own): lo up, and for the "dual" network a veth pair whose end v0 has 192.0.2.2/24 and
# 2001:db8:1::2/64 (nodad, no link-local of its own) and default routes through it (onlink), so
# that AI_ADDRCONFIG and the RFC 6724 source probe see both families; the "lo" network has loopback
# only. Nothing leaves the namespace: its only links are lo and the veth pair, whose two ends both
# live inside it. Test copies are bind-mounted over /etc/hosts, /etc/services, /etc/gai.conf
# (empty), /etc/nsswitch.conf ("hosts: files", "services: files": the C library never tries DNS),
# /etc/host.conf ("multi on") and /etc/resolv.conf ("nameserver 127.0.0.1", where a server that
# knows no names answers: see ns_dns_start). There the C library and the shim read the same files
# and see the same interfaces, so a program's output without the shim is the oracle for its
# output with it.
#
# The hosts and services files are the differential test's fixtures
# (tests/differential/fixtures/), where every line is there for a reason, plus the lines below.

preload_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
preload_fixtures=$preload_here/../differential/fixtures

# Names the preload tests add to the differential fixture.
preload_extra_hosts() {
    printf '\n# Added by tests/preload: loopback names for the HTTP tests; webdot.test is written with\n'
    printf '# its final dot, so that only gaix finds "webdot.test" (DIFF-TRAILING-DOT).\n'
    printf '127.0.0.1\tweb.test web-alias.test\n'
    printf '::1\tweb6.test\n'
    printf '127.0.0.1\twebdot.test.\n'
}

passed=0
failed=0
max_print=${PRELOAD_MAX_PRINT:-40}
printed=0

ok() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    if [ "$printed" -lt "$max_print" ]; then
        echo "FAIL: $*"
        printed=$((printed + 1))
    fi
}
# check DESCRIPTION COMMAND...: one verdict from a command's exit status.
check() {
    local what=$1
    shift
    if "$@"; then ok; else fail "$what"; fi
}
summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: this test must run, not skip)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    echo "SKIPPED: $1"
    exit 0
}

# The checks every script makes before building a namespace. Sets build, shim.
preload_require() {
    build=${1:?usage: $0 BUILD_DIR}
    build=$(cd "$build" && pwd) || exit 1
    shim=$build/libgaix-preload.so
    [ "$(id -u)" = 0 ] || skip "needs root"
    local tool
    for tool in unshare ip sysctl mount timeout; do
        command -v "$tool" >/dev/null 2>&1 || skip "needs root for namespaces (no $tool)"
    done
    unshare -m -n true 2>/dev/null || skip "needs root (unshare -m -n refused)"
    if [ ! -f "$shim" ]; then
        echo "FAIL: $shim is not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
}

# The LD_PRELOAD value that puts the shim under a program. A sanitizer build's shim needs the
# AddressSanitizer runtime loaded first (it must precede every other library), so it is preloaded
# too; programs that are not ours then run with leak detection off (their own leaks at exit are not
# the shim's) but every memory error in the shim still aborts them.
preload_value() {
    local asan
    asan=$(ldd "$shim" 2>/dev/null | awk '/libasan/ {print $3; exit}')
    if [ -n "$asan" ]; then
        printf '%s:%s' "$asan" "$shim"
    else
        printf '%s' "$shim"
    fi
}
preload_is_asan() { ldd "$shim" 2>/dev/null | grep -q libasan; }
# Runs a command that is not ours under the shim.
with_shim() {
    if preload_is_asan; then
        LD_PRELOAD=$(preload_value) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1 "$@"
    else
        LD_PRELOAD=$(preload_value) "$@"
    fi
}

# ---- inside the namespace ---------------------------------------------------------------------

# ns_net_setup lo|dual
ns_net_setup() {
    ip link set lo up || return 1
    [ "$1" = lo ] && return 0
    [ "$1" = dual ] || { echo "unknown network $1"; return 1; }
    ip link add v0 type veth peer name v1 || return 1
    # The far end only gives v0 a carrier: no address, no IPv6, no traffic of its own.
    sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 || return 1
    # Addresses of our choosing only, without DAD: no tentative address, the same set every run.
    sysctl -qw net.ipv6.conf.v0.addr_gen_mode=1 net.ipv6.conf.v0.accept_ra=0 || return 1
    ip -6 addr add 2001:db8:1::2/64 dev v0 nodad || return 1
    ip addr add 192.0.2.2/24 dev v0 || return 1
    ip link set v0 up && ip link set v1 up || return 1
    ip route add default via 192.0.2.1 dev v0 onlink || return 1
    ip -6 route add default via 2001:db8:1::1 dev v0 onlink || return 1
}

# ns_etc_setup WORK: WORK/hosts and WORK/services must exist; the rest is written here.
ns_etc_setup() {
    local work=$1 f
    mount --make-rprivate / || return 1
    printf 'hosts: files\nservices: files\n' >"$work/nsswitch.conf"
    printf 'multi on\n' >"$work/host.conf"
    printf 'nameserver 127.0.0.1\n' >"$work/resolv.conf"
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
    ns_dns_start "$work"
}

# ns_dns_start WORK: the nameserver of resolv.conf, 127.0.0.1, answers NXDOMAIN to everything
# (nxdomain_dns.py): the C library, told "hosts: files", never asks it, and gaix, which does not
# read nsswitch.conf, learns from it that names outside the hosts file do not exist, as the C
# library concludes. ns_dispatch stops it.
ns_dns_pid=""
ns_dns_start() {
    local ready=$1/dns.ready i
    /usr/bin/python3 "$preload_here/nxdomain_dns.py" --ready "$ready" --lifetime 900 \
        >"$1/dns.log" 2>&1 &
    ns_dns_pid=$!
    for i in $(seq 1 100); do # up to 10 s to listen
        [ -f "$ready" ] && return 0
        sleep 0.1
    done
    echo "the NXDOMAIN server did not start: $(cat "$1/dns.log")"
    return 1
}

# ns_fixture_files WORK: the differential fixtures plus the preload lines.
ns_fixture_files() {
    { cat "$preload_fixtures/hosts"; preload_extra_hosts; } >"$1/hosts" || return 1
    cp "$preload_fixtures/services" "$1/services"
}

# ---- running the inner part -------------------------------------------------------------------

# ns_workdir: a private work directory, removed at exit. Sets work.
ns_workdir() {
    work=$(mktemp -d /tmp/gaix_preload.XXXXXX) || exit 1
    chmod 755 "$work"
    trap 'rm -rf "$work"' EXIT
}

# ns_run UNSHARE_FLAGS [ARG]...: runs this script's inner part (the function inner, given the
# ARGs) in new namespaces, prints its log and adds its verdict counts to ours. A run that ends
# without its "N passed, N failed" line (a crash, a hang cut by the time limit) is one failure.
ns_run_timeout=${PRELOAD_NS_TIMEOUT:-800}
ns_run() {
    local flags=$1 log rc last p f
    shift
    log=$(mktemp "$work/inner.XXXXXX") || { fail "mktemp"; return; }
    # shellcheck disable=SC2086 # the flags are words
    timeout "$ns_run_timeout" unshare $flags bash "$0" --inner "$build" "$work" "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$last" ]; then
        fail "the namespace run ($*) ended without a verdict (exit $rc)"
        return
    fi
    p=${last%% passed*}
    f=${last#*, }
    f=${f%% failed*}
    passed=$((passed + p))
    failed=$((failed + f))
}

# At the top of a script, after defining inner: `ns_dispatch "$@"` runs inner and exits when this
# is the inner run.
ns_dispatch() {
    [ "${1:-}" = --inner ] || return 0
    build=$2
    shim=$build/libgaix-preload.so
    work=$3
    shift 3
    inner "$@"
    if [ -n "$ns_dns_pid" ]; then
        kill "$ns_dns_pid" 2>/dev/null
        wait "$ns_dns_pid" 2>/dev/null
    fi
    summary
    exit $?
}

# run_counted LOG COMMAND...: runs a program that ends with its own "N passed, N failed" line,
# prints its output and adds its counts to ours (no such line: one failure).
run_counted() {
    local log=$1 rc last f
    shift
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
    if [ -z "$last" ]; then
        fail "$(basename "$2") ended without a verdict (exit $rc)"
        return
    fi
    passed=$((passed + ${last%% passed*}))
    f=${last#*, }
    failed=$((failed + ${f%% failed*}))
}
