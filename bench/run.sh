#!/usr/bin/env bash
# gaix benchmarks: gaix_getaddrinfo() and gaix_getnameinfo() side by side with the system glibc,
# musl (static, when musl-gcc is installed) and c-ares (when libcares is installed), in one run, on
# twelve scenarios: five getaddrinfo() questions answered locally, three getnameinfo() ones, then
# four DNS ones (issue 4) against NSD on the namespace's loopback:
#    9  sequential AF_UNSPEC lookups: latency against a "floor" (two prebuilt queries from a fresh
#       socket), system calls and allocations per lookup;
#   10  concurrent lookups through the async APIs (gaix_resolve, ares_getaddrinfo), 100 in flight:
#       lookups/s, client CPU per 10,000 lookups, failures, timeouts, re-sends;
#   11  the same with 1,000 in flight;
#   12  ndots:5 with four search domains, the name found as it is: options parallel-search against
#       gaix's sequential search (and glibc's, musl's, c-ares's).
# The DNS scenarios live in bench/dns.sh (sourced here) and bench/dns_driver.c.
#
#   bash bench/run.sh BUILD_DIR          (make bench runs it with BUILD_DIR=build)
#
# What it does:
#   1. builds the drivers from bench/bench_driver.c and bench/dns_driver.c (with bench_common.c)
#      into BUILD_DIR/bench/ with the project's warning flags and -O2: bench_driver and dns_driver
#      (glibc + gaix + c-ares), their _allocs twins (malloc interposed, to count allocations),
#      bench_musl, dns_musl and their _allocs twins (musl-gcc -static; --wrap=malloc for the
#      counting ones). They link BUILD_DIR/libgaix.a. And dns_delay (bench/dns_delay.c), the UDP
#      relay that gives scenario 12 a simulated round trip.
#   2. re-runs itself inside `unshare -m -n`: a private network namespace with lo and a veth pair
#      (192.0.2.2/24, 2001:db8:1::2/64 nodad, default routes onlink, so both families are usable
#      and the RFC 6724 sort runs), and bench/fixtures/* bind-mounted over /etc/hosts,
#      /etc/services, /etc/gai.conf (empty), /etc/nsswitch.conf (files only: the libc never tries
#      DNS), /etc/host.conf and /etc/resolv.conf. The 150,000-line hosts file of scenario 4 is
#      generated into a temporary directory and mounted over /etc/hosts for that scenario only.
#   3. for each scenario and peer: the answer (checked against glibc's: the address list, or the
#      host and service of getnameinfo()), calls per second (median of 5 timed runs),
#      instructions per call (callgrind), allocations per call (malloc counting) and system calls
#      per call (strace -c); then the scenario's targets, MET or MISSED.
#   4. for the DNS scenarios (bench/dns.sh): generates the zone dnsbench.test (10,000 names with
#      A and AAAA), starts NSD on 127.0.0.1:53 with nsd_start of tests/dns/dns_harness.sh (pinned
#      to CPU 0; the clients to CPU 1), mounts bench/fixtures/dns/* over /etc/hosts (localhost
#      only), /etc/nsswitch.conf (hosts: files dns) and /etc/resolv.conf for each DNS scenario,
#      checks every peer's answer against the zone, then measures: latency (median of 5 runs'
#      means), or lookups/s and CPU at 100 and 1,000 in flight; system calls and allocations per
#      lookup. NSD is stopped at the end (and runs under `timeout` besides).
#
# Nothing here fails on a timing: the exit status is 0 whatever the figures, non-zero only when
# the drivers cannot be built or the namespace cannot be set up. Without root it says so and exits
# 0. The report goes to stdout and to BUILD_DIR/bench-report.txt; progress goes to stderr.
#
# Knobs (environment): BENCH_SCENARIOS ("1 2 3 4 5 6 7 8 9 10 11 12"), BENCH_PEERS ("glibc gaix
# musl cares"; the DNS scenarios' floor and gaix-par peers come with gaix), BENCH_MAX_SECONDS (2:
# the time bound of one timed run), BENCH_RUNS (5), BENCH_PROFILE (1; 0 skips callgrind, strace and
# allocation counting), BENCH_DNS_NAMES (10000: names in the DNS zone), BENCH_DNS_ASYNC_SECONDS (12:
# the time bound of one async run), BENCH_DNS_RTT_US (500: scenario 12's simulated round trip),
# CC (gcc).
#
# No packet leaves the namespace, and no lookup is meant to leave the host at all: scenarios 1-8
# are answered from a literal, the hosts file or the services file (nsswitch.conf says files only,
# c-ares is told lookups "f"); scenarios 9-12 ask NSD on 127.0.0.1 inside the namespace, directly
# or (scenario 12 (b)) through the relay on 127.0.0.2, which forwards to 127.0.0.1 only: the only
# nameservers any resolv.conf of the bench names.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

SCENARIOS=${BENCH_SCENARIOS:-1 2 3 4 5 6 7 8 9 10 11 12}
PEERS=${BENCH_PEERS:-glibc gaix musl cares}
MAX_SECONDS=${BENCH_MAX_SECONDS:-2}
RUNS=${BENCH_RUNS:-5}
PROFILE=${BENCH_PROFILE:-1}
# Calls per timed run: the fast peers finish them in well under MAX_SECONDS, the slow ones are
# stopped by it. The same count for every peer and scenario.
COUNT=1000000
# Lines of the generated hosts file of scenario 4 (the 10 fixture lines included), and the line of
# the name asked for: 10 lines from the end, so a linear scan reads nearly all of it.
BIG_LINES=150000
BIG_TARGET=149980 # generated line number; its name is big-$BIG_TARGET.bench.test
# The time bound of a profiling run's loop (its calls are chosen to take far less), and the time
# after which any driver run is killed: a hung lookup must not hang the benchmark.
COUNT_MAX_SECONDS=300
RUN_TIMEOUT=600

# The DNS scenarios (9-12): their settings and functions.
# shellcheck source=dns.sh
. "$here/dns.sh"

# ---- scenarios --------------------------------------------------------------------------------

# scenario N: sets S_TITLE, S_CALL (the call as C), S_HOSTS (small|big) and the driver arguments Q.
# Scenarios 6-8 ask getnameinfo() (--reverse): the buffers are glibc's NI_MAXHOST (1025) and
# NI_MAXSERV (32) for every peer unless --hostlen/--servlen say otherwise (0: a NULL buffer).
scenario() {
    S_HOSTS=small
    case $1 in
    1)
        S_TITLE="numeric literal, numeric port"
        S_CALL='getaddrinfo("192.0.2.7", "80", {AF_UNSPEC, SOCK_STREAM})'
        Q=(--node 192.0.2.7 --service 80 --family unspec --socktype stream --flags 0)
        ;;
    2)
        S_TITLE="numeric literal with AI_ADDRCONFIG"
        S_CALL='getaddrinfo("192.0.2.7", "80", {AF_UNSPEC, SOCK_STREAM, AI_ADDRCONFIG})'
        Q=(--node 192.0.2.7 --service 80 --family unspec --socktype stream --flags addrconfig)
        ;;
    3)
        S_TITLE="10-line hosts file, one IPv4 + one IPv6 address (RFC 6724 sort runs)"
        S_CALL='getaddrinfo("dual.bench.test", "80", {AF_UNSPEC, SOCK_STREAM})'
        Q=(--node dual.bench.test --service 80 --family unspec --socktype stream --flags 0)
        ;;
    4)
        S_TITLE="generated $(commas $BIG_LINES)-line hosts file, a name near the end"
        S_CALL="getaddrinfo(\"big-$BIG_TARGET.bench.test\", \"80\", {AF_UNSPEC, SOCK_STREAM})"
        S_HOSTS=big
        Q=(--node "big-$BIG_TARGET.bench.test" --service 80 --family unspec --socktype stream
            --flags 0)
        ;;
    5)
        S_TITLE="no node, a named service"
        S_CALL='getaddrinfo(NULL, "ftp", {AF_UNSPEC, SOCK_STREAM})'
        Q=(--node - --service ftp --family unspec --socktype stream --flags 0)
        ;;
    6)
        S_TITLE="getnameinfo, numeric host and service"
        S_CALL='getnameinfo({AF_INET, 192.0.2.7, 80}, host[1025], serv[32],'
        S_CALL+=' NI_NUMERICHOST|NI_NUMERICSERV)'
        Q=(--reverse 192.0.2.7 --port 80 --ni-flags numerichost,numericserv)
        ;;
    7)
        S_TITLE="getnameinfo, a service name from the services file"
        S_CALL='getnameinfo({AF_INET, 192.0.2.7, 21}, NULL, 0, serv[32], NI_NUMERICHOST)'
        Q=(--reverse 192.0.2.7 --port 21 --ni-flags numerichost --hostlen 0)
        ;;
    8)
        S_TITLE="getnameinfo, host and service by name (10-line hosts file: the reverse index)"
        S_CALL='getnameinfo({AF_INET, 192.0.2.10, 80}, host[1025], serv[32], 0)'
        Q=(--reverse 192.0.2.10 --port 80 --ni-flags 0)
        ;;
    *)
        echo "unknown scenario $1" >&2
        return 1
        ;;
    esac
}

# targets N: the target lines of scenario N, judged on gaix's figures in RATIO, INSTR, ALLOCS and
# SYSC. Each names the glibc figure the target was set against ("ref") and this run's ("here").
targets() {
    case $1 in
    1)
        target instr "<=" 700 \
            "gaix instructions/call <= 700 (glibc ref ~1,220; here $(fmt_int "${INSTR[glibc]}"))"
        target allocs "<=" 1 \
            "gaix allocations/call <= 1 (glibc ref 1; here $(fmt_2 "${ALLOCS[glibc]}"))"
        ;;
    2)
        target ratio ">=" 50 \
            "gaix calls/s >= 50x glibc (glibc ref ~65 k/s; here $(fmt_int "${RATE[glibc]}"))"
        target syscalls "<" "$ZERO_SYSCALLS" \
            "gaix syscalls/call = 0 (glibc ref 7; here $(fmt_2 "${SYSC[glibc]}"))"
        ;;
    3)
        target ratio ">=" 20 \
            "gaix calls/s >= 20x glibc (glibc ref ~21 k/s; here $(fmt_int "${RATE[glibc]}"))"
        target syscalls "<" "$ZERO_SYSCALLS" \
            "gaix syscalls/call = 0 (glibc ref 22; here $(fmt_2 "${SYSC[glibc]}"))"
        ;;
    4)
        target ratio ">=" 10000 \
            "gaix calls/s >= 10,000x glibc (glibc ref ~94/s; here $(fmt_int "${RATE[glibc]}"))"
        ;;
    5)
        target ratio ">=" 20 \
            "gaix calls/s >= 20x glibc (glibc ref ~24 k/s; here $(fmt_int "${RATE[glibc]}"))"
        ;;
    6)
        target ratio ">=" 1 \
            "gaix calls/s >= 1.0x glibc (glibc ref ~8.8 M/s; here $(fmt_int "${RATE[glibc]}"))"
        ;;
    7)
        target ratio ">=" 20 \
            "gaix calls/s >= 20x glibc (glibc ref ~87 k/s; here $(fmt_int "${RATE[glibc]}"))"
        ;;
    8)
        echo "    targets: none (for information: the reverse hosts index against a file scan)"
        ;;
    esac
}

# ---- small helpers ----------------------------------------------------------------------------

# Numbers are kept as plain decimals ("n/a" when there is none) and formatted only when printed.
is_num() { [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; }
commas() { # number -> 1,234,567 (rounded to a whole number)
    awk -v x="$1" 'BEGIN {
        s = sprintf("%.0f", x); sign = ""; n = ""
        if (substr(s, 1, 1) == "-") { sign = "-"; s = substr(s, 2) }
        while (length(s) > 3) {
            n = "," substr(s, length(s) - 2) n
            s = substr(s, 1, length(s) - 3)
        }
        print sign s n }'
}
fmt_int() { if is_num "$1"; then commas "$1"; else echo "${1:-n/a}"; fi; }
fmt_2() { # 0.00 .. 99.99, then whole numbers: 1,603
    if ! is_num "$1"; then
        echo "${1:-n/a}"
    elif awk -v x="$1" 'BEGIN { exit !(x >= 100) }'; then
        commas "$1"
    else
        awk -v x="$1" 'BEGIN { printf "%.2f\n", x }'
    fi
}
fmt_ratio() { # 0.43x, 3.1x, 87x, 12,345x
    if ! is_num "$1"; then
        echo "${1:-n/a}"
    elif awk -v x="$1" 'BEGIN { exit !(x >= 10) }'; then
        echo "$(commas "$1")x"
    else
        awk -v x="$1" 'BEGIN { printf (x < 1 ? "%.2fx\n" : "%.1fx\n"), x }'
    fi
}
# verdict VALUE OP LIMIT: MET or MISSED, or "not measured" when there is no figure (BENCH_PROFILE=0,
# a failed run). OP is <=, >= or <.
verdict() {
    is_num "$1" || { echo "not measured"; return; }
    if awk -v a="$1" -v op="$2" -v b="$3" \
        'BEGIN { exit !(op == "<=" ? a <= b : (op == ">=" ? a >= b : a < b)) }'; then
        echo MET
    else
        echo MISSED
    fi
}
# "0 system calls per call in the steady state" is judged as fewer than 1 in 200 calls (it prints
# as 0.00): what remains then is gaix's periodic look at its files and interfaces (every 100 ms).
ZERO_SYSCALLS=0.005
div() { # a b -> a / b, or n/a
    if is_num "$1" && is_num "$2" && awk -v b="$2" 'BEGIN { exit !(b != 0) }'; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.10g\n", a / b }'
    else
        echo n/a
    fi
}
# The noise-free cost of one call: (cost of run 2 - cost of run 1) / (calls 2 - calls 1).
per_call() { # cost1 cost2 calls1 calls2
    if is_num "$1" && is_num "$2" && is_num "$3" && is_num "$4" && [ "$4" -gt "$3" ]; then
        div "$(($2 - $1))" "$(($4 - $3))"
    else
        echo n/a
    fi
}
kv() { # "a=1 b=2" key -> value
    local f
    for f in $1; do
        [ "${f%%=*}" = "$2" ] && { echo "${f#*=}"; return; }
    done
    echo n/a
}
progress() { echo "bench: $*" >&2; }
first_file() { [ -f "$1" ] && echo "$1"; } # the first match of a glob, or nothing

# target_print VALUE SHOWN OP LIMIT DESCRIPTION: one target line (SHOWN is VALUE as printed) with
# its verdict, which it also leaves in VERDICT; the line is kept for the summary at the end.
TARGET_LINES=()
target_print() {
    VERDICT=$(verdict "$1" "$3" "$4")
    printf '    target  %-84s %9s  %s\n' "$5" "$2" "$VERDICT"
    TARGET_LINES+=("$(printf '    %-5s %-84s %9s  %s' "[${CURRENT_SCENARIO:-?}]" "$5" "$2" "$VERDICT")")
}

# target KIND OP LIMIT DESCRIPTION: one target line with gaix's figure of that KIND (ratio, instr,
# allocs, syscalls) and its verdict; misses are remembered for the profile notes at the end.
MISSES=()
declare -A GAIX_MIX=()
target() {
    local kind=$1 op=$2 limit=$3 what=$4 value shown by
    case $kind in
    ratio) value=${RATIO[gaix]}; shown=$(fmt_ratio "$value") ;;
    instr) value=${INSTR[gaix]}; shown=$(fmt_int "$value") ;;
    allocs) value=${ALLOCS[gaix]}; shown=$(fmt_2 "$value") ;;
    syscalls) value=${SYSC[gaix]}; shown=$(fmt_2 "$value") ;;
    esac
    target_print "$value" "$shown" "$op" "$limit" "$what"
    [ "$VERDICT" = MISSED ] || return 0
    case $kind in
    ratio) by="$shown of glibc instead of >= $(commas "$limit")x" ;;
    instr) by="$shown instructions/call, $(commas "$(awk -v a="$value" -v b="$limit" \
        'BEGIN { print a - b }')") over" ;;
    allocs) by="$shown allocations/call" ;;
    syscalls) by="$shown system calls/call" ;;
    esac
    MISSES+=("$CURRENT_SCENARIO|$kind|$what|$by")
}

# ---- building the drivers ---------------------------------------------------------------------

# The project's warning flags (CMakeLists.txt) with -Werror, -O2 as RelWithDebInfo builds.
CFLAGS_BENCH=(-std=c17 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Wconversion -Wsign-conversion -Wshadow
    -Wvla -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wundef -fno-common
    -Werror)

build_drivers() {
    local build=$1 out=$1/bench cc=${CC:-gcc} d
    mkdir -p "$out" || return 1
    if [ ! -f "$build/libgaix.a" ]; then
        echo "bench: $build/libgaix.a is missing: build the library first" \
            "(make, or cmake --build $build)" >&2
        return 1
    fi
    local cares_flags=() cares_libs=()
    if pkg-config --exists libcares 2>/dev/null; then
        read -r -a cares_flags <<<"-DBENCH_HAVE_CARES $(pkg-config --cflags libcares)"
        read -r -a cares_libs <<<"$(pkg-config --libs libcares)"
    fi
    local common=("${CFLAGS_BENCH[@]}" -I"$root/include" -DBENCH_HAVE_GAIX "${cares_flags[@]}")
    local libs=("$build/libgaix.a" "${cares_libs[@]}" -lpthread -ldl)
    # Compiled and linked in two steps: the warning flags (and -Werror) are for the drivers' own
    # code. An optimised libgaix.a holds LTO objects, so the link compiles the library again, and
    # a warning there belongs to the library's build, not to the drivers': it must not stop the
    # benchmark. bench_common.c is compiled twice: plain, and with malloc() and friends defined
    # to count allocations (-fno-builtin-malloc: the compiler must not assume it knows what they
    # do) for the _allocs drivers.
    "$cc" "${common[@]}" -c "$here/bench_common.c" -o "$out/bench_common.o" || return 1
    "$cc" "${common[@]}" -DBENCH_COUNT_ALLOCS_INTERPOSE -fno-builtin-malloc \
        -c "$here/bench_common.c" -o "$out/bench_common_allocs.o" || return 1
    for d in bench_driver dns_driver; do
        "$cc" "${common[@]}" -c "$here/$d.c" -o "$out/$d.o" || return 1
        "$cc" -O2 -g "$out/$d.o" "$out/bench_common.o" -o "$out/$d" "${libs[@]}" || return 1
        "$cc" -O2 -g "$out/$d.o" "$out/bench_common_allocs.o" -o "$out/${d}_allocs" \
            "${libs[@]}" || return 1
        rm -f "$out/$d.o"
    done
    rm -f "$out/bench_common.o" "$out/bench_common_allocs.o"
    # The relay of scenario 12's simulated round trip (bench/dns.sh): the C library only.
    "$cc" "${CFLAGS_BENCH[@]}" "$here/dns_delay.c" -o "$out/dns_delay" || return 1
    rm -f "$out"/bench_musl* "$out"/dns_musl*
    if command -v musl-gcc >/dev/null 2>&1; then
        for d in bench dns; do
            musl-gcc "${CFLAGS_BENCH[@]}" -static "$here/${d}_driver.c" "$here/bench_common.c" \
                -o "$out/${d}_musl" || return 1
            musl-gcc "${CFLAGS_BENCH[@]}" -static -DBENCH_COUNT_ALLOCS_WRAP "$here/${d}_driver.c" \
                "$here/bench_common.c" -o "$out/${d}_musl_allocs" \
                -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc || return 1
        done
    fi
    return 0
}

# ---- inside the namespace ---------------------------------------------------------------------

net_setup() {
    ip link set lo up || return 1
    ip link add v0 type veth peer name v1 || return 1
    # Our addresses only: no link-local address of the kernel's making (addr_gen_mode 1), no
    # router advertisements, no DAD; the far end carries no IPv6 at all.
    sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 net.ipv6.conf.v0.addr_gen_mode=1 \
        net.ipv6.conf.v0.accept_ra=0 || return 1
    ip addr add 192.0.2.2/24 dev v0 || return 1
    ip -6 addr add 2001:db8:1::2/64 dev v0 nodad || return 1
    ip link set v0 up && ip link set v1 up || return 1
    ip route add default via 192.0.2.1 dev v0 onlink || return 1
    ip -6 route add default via 2001:db8:1::1 dev v0 onlink || return 1
    # The kernel installs IPv6 routes from a workqueue: wait until it picks our source address.
    local _
    for _ in $(seq 1 100); do
        ip -o route get 2001:db8:1::99 2>/dev/null | grep -q 'src 2001:db8:1::2' && return 0
        sleep 0.02
    done
    echo "bench: the kernel never routed 2001:db8:1::/64 from 2001:db8:1::2" >&2
    return 1
}

ETC_FILES="hosts services gai.conf nsswitch.conf host.conf resolv.conf"

# Copies of the fixtures in the work directory (nothing can write through to the tree), mounted
# over /etc; and the big hosts file, generated.
etc_setup() {
    local work=$1 f g
    for f in $ETC_FILES; do
        cp "$here/fixtures/$f" "$work/$f" || return 1
    done
    # A bind mount needs its target: when one is missing, work on a private copy of /etc.
    for f in $ETC_FILES; do
        if [ ! -f "/etc/$f" ]; then
            mkdir "$work/etc" && cp -a /etc/. "$work/etc/" && mount --bind "$work/etc" /etc ||
                return 1
            for g in $ETC_FILES; do
                [ -f "/etc/$g" ] || : >"/etc/$g"
            done
            break
        fi
    done
    for f in $ETC_FILES; do
        mount --bind "$work/$f" "/etc/$f" || return 1
    done
    # nscd would answer from the host's view of the world: hide its socket.
    for f in /run/nscd /var/run/nscd; do
        [ -d "$f" ] && { mount -t tmpfs none "$f" || return 1; }
    done
    # Scenario 4's hosts file: the fixture, then generated lines up to BIG_LINES in all, one IPv4
    # address and two names each ("10.2.73.180 big-149940.bench.test big-149940").
    local fixture_lines
    fixture_lines=$(wc -l <"$work/hosts")
    {
        cat "$work/hosts"
        awk -v n=$((BIG_LINES - fixture_lines)) 'BEGIN {
            for (i = 1; i <= n; i++)
                printf "10.%d.%d.%d\tbig-%d.bench.test big-%d\n",
                    int(i / 65536) % 256, int(i / 256) % 256, i % 256, i, i }'
    } >"$work/hosts.big" || return 1
    [ "$(wc -l <"$work/hosts.big")" = "$BIG_LINES" ] || return 1
    grep -q "big-$BIG_TARGET.bench.test" "$work/hosts.big" || return 1
    return 0
}

# peer_cmd PEER KIND [DRIVER]: sets CMD to the driver invocation (KIND plain or allocs; DRIVER
# bench, the default, or dns: bench/dns.sh), or returns 1.
peer_cmd() {
    local bin=$BUILD/bench suffix="" d=${3:-bench}
    [ "$2" = allocs ] && suffix=_allocs
    case $1 in
    glibc) CMD=("$bin/${d}_driver$suffix" --peer libc) ;;
    gaix) CMD=("$bin/${d}_driver$suffix" --peer gaix) ;;
    cares) CMD=("$bin/${d}_driver$suffix" --peer cares) ;;
    musl) CMD=("$bin/${d}_musl$suffix" --peer libc) ;;
    *) return 1 ;;
    esac
    [ -x "${CMD[0]}" ]
}
# print_mix WIDTH UNIT PEER...: the system calls per UNIT of each peer that has a mix (MIX), its
# label WIDTH wide.
print_mix() {
    local width=$1 unit=$2 p shown=0
    shift 2
    for p in "$@"; do
        [ -n "${NA[$p]:-}" ] || [ -z "${MIX[$p]:-}" ] && continue
        [ "$shown" = 0 ] && echo "    system calls per $unit:"
        shown=1
        printf '      %-*s %s\n' "$width" "$(peer_label "$p")" "${MIX[$p]}"
    done
}
peer_label() {
    case $1 in
    cares) echo c-ares ;;
    *) echo "$1" ;;
    esac
}

# Calls for the profiling runs, from the measured rate: callgrind runs ~50x slower than native,
# strace only slows system calls; both are bounded so the slowest peer of scenario 4 takes a few
# seconds and the fastest gets enough calls for a difference that is not noise.
calls_for() { # rate divisor max
    awk -v r="$1" -v d="$2" -v m="$3" 'BEGIN { n = int(r / d); if (n < 2) n = 2; if (n > m) n = m;
        print n }'
}

# callgrind_calls FILE CALLERS CALLEES: the instructions (Ir) spent in the calls that functions
# whose names match the regular expression CALLERS made to functions whose names match the regular
# expression CALLEES, summed from the call edges of a callgrind output file. An edge's cost is
# inclusive (all that ran between the call and its return) and only what was collected counts:
# the calls inside bench_loop.
callgrind_calls() {
    awk -v caller="$2" -v want="$3" '
        # Names are compressed: "(12) name" defines id 12, a later "(12)" refers to it.
        function fname(s,   id, rest) {
            if (match(s, /^\([0-9]+\)/)) {
                id = substr(s, 2, RLENGTH - 2)
                rest = substr(s, RLENGTH + 1)
                sub(/^ /, "", rest)
                if (rest != "") names[id] = rest
                return names[id]
            }
            return s
        }
        /^fn=/ { fn = fname(substr($0, 4)); next }
        /^cfn=/ { cfn = fname(substr($0, 5)); next }
        /^calls=/ { cost_line = 1; next }
        cost_line { cost_line = 0; if (fn ~ caller && cfn ~ want) total += $2 }
        END { printf "%.0f\n", total }' "$1"
}
# callgrind_cost PEER FILE: what one peer's calls cost in a profile. For glibc, musl and gaix: the
# calls the driver's wrappers (libc_lookup, libc_reverse, gaix_lookup, gaix_reverse) made to
# getaddrinfo(), freeaddrinfo() and getnameinfo() (the library's own work, without the driver's
# loop and wrapper). For c-ares: the whole cares_lookup() or cares_reverse(), since driving the
# channel to completion with ares_fds/poll/ares_process is part of using c-ares.
callgrind_cost() {
    case $1 in
    glibc | musl)
        callgrind_calls "$2" '^libc_(lookup|reverse)$' \
            '^(getaddrinfo|freeaddrinfo|getnameinfo)(@.*)?$'
        ;;
    gaix)
        callgrind_calls "$2" '^gaix_(lookup|reverse)$' \
            '^gaix_(getaddrinfo|freeaddrinfo|getnameinfo)$'
        ;;
    cares) callgrind_calls "$2" '^bench_loop$' '^cares_(lookup|reverse)$' ;;
    esac
}
# strace -c: the total line's calls column, or the named syscall's.
strace_calls() { # file [syscall]
    awk -v want="${2:-total}" '$NF == want && $1 ~ /^[0-9.]+$/ { print $4; exit }' "$1"
}
# Per-call syscall mix, most frequent first: "read 2, openat 1, close 1" from the N and 2N tables
# (syscalls made less often than once in 200 calls are left out).
strace_mix() { # file1 file2 calls1 calls2
    awk -v c1="$3" -v c2="$4" '
        FNR == 1 { file++ }
        $1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { n[file, $NF] = $4; names[$NF] = 1 }
        END { for (s in names) { d = (n[2, s] - n[1, s]) / (c2 - c1);
                if (d >= 0.005) printf "%.6f %s\n", d, s } }' "$1" "$2" |
        sort -k1,1gr -k2,2 |
        awk '{ v = ($1 >= 10 ? sprintf("%.0f", $1) : sprintf("%.3g", $1));
               out = out (NR > 1 ? ", " : "") $2 " " v }
             END { print (NR ? out : "none") }'
}

# measure SCENARIO PEER: fills ANSWER, NA, RATE, SPREAD, FIRST, INSTR, ALLOCS, SYSC, MIX for the
# peer.
measure() {
    local s=$1 p=$2 out rc err=$WORK/err
    ANSWER[$p]=""; NA[$p]=""; RATE[$p]=n/a; SPREAD[$p]=n/a; INSTR[$p]=n/a; ALLOCS[$p]=n/a
    SYSC[$p]=n/a; MIX[$p]=""; FIRST[$p]=""
    if ! peer_cmd "$p" plain; then
        NA[$p]="not built"
        [ "$p" = musl ] && NA[$p]="musl-gcc not installed"
        [ "$p" = cares ] && NA[$p]="libcares not installed"
        return
    fi
    out=$(timeout "$RUN_TIMEOUT" "${CMD[@]}" "${Q[@]}" --mode answer 2>"$err")
    rc=$?
    if [ "$rc" = 4 ]; then
        NA[$p]=$(sed -n 's/^n\/a: //p' "$err" | head -n 1)
        [ -n "${NA[$p]}" ] || NA[$p]="cannot run: $(head -n 1 "$err")"
        return
    fi
    ANSWER[$p]=$out
    [ "$rc" = 0 ] || { NA[$p]="lookup fails: $out"; return; }

    progress "scenario $s, $p: timing"
    out=$(timeout "$RUN_TIMEOUT" "${CMD[@]}" "${Q[@]}" --mode time --count "$COUNT" \
        --runs "$RUNS" --max-seconds "$MAX_SECONDS" 2>"$err")
    rc=$?
    if [ "$rc" != 0 ]; then
        NA[$p]="timing failed (status $rc): $(head -n 1 "$err")"
        return
    fi
    RATE[$p]=$(kv "$out" median)
    SPREAD[$p]=$(awk -v lo="$(kv "$out" min)" -v hi="$(kv "$out" max)" -v m="${RATE[$p]}" \
        'BEGIN { printf "%.0f%%\n", (m > 0 ? 100 * (hi - lo) / m : 0) }')
    FIRST[$p]=$(awk -v ns="$(kv "$out" first_call_ns)" 'BEGIN { printf "%.2f ms\n", ns / 1e6 }')

    [ "$PROFILE" = 1 ] || return
    local n1 n2 c1 c2 f1 f2 warm
    # callgrind: instructions collected inside bench_loop, N and 2N calls.
    n1=$(calls_for "${RATE[$p]}" 500 2000)
    n2=$((2 * n1))
    warm=$((n1 < 3 ? n1 : 3))
    if command -v valgrind >/dev/null 2>&1; then
        progress "scenario $s, $p: callgrind, $n1 and $n2 calls"
        f1=$PROFILES/callgrind.s$s.$p.$n1
        f2=$PROFILES/callgrind.s$s.$p.$n2
        c1=$(timeout "$RUN_TIMEOUT" valgrind --tool=callgrind --toggle-collect='bench_loop*' \
            --callgrind-out-file="$f1" "${CMD[@]}" "${Q[@]}" --mode count --count "$n1" \
            --warmup-calls "$warm" --max-seconds "$COUNT_MAX_SECONDS" 2>/dev/null)
        c1=$(kv "$c1" calls)
        c2=$(timeout "$RUN_TIMEOUT" valgrind --tool=callgrind --toggle-collect='bench_loop*' \
            --callgrind-out-file="$f2" "${CMD[@]}" "${Q[@]}" --mode count --count "$n2" \
            --warmup-calls "$warm" --max-seconds "$COUNT_MAX_SECONDS" 2>/dev/null)
        c2=$(kv "$c2" calls)
        INSTR[$p]=$(per_call "$(callgrind_cost "$p" "$f1")" "$(callgrind_cost "$p" "$f2")" \
            "$c1" "$c2")
        # Keep the larger profile (for callgrind_annotate), drop the smaller.
        rm -f "$f1"
    fi
    # strace -c: system calls of the whole process, N and 2N calls; the difference is the loop's.
    n1=$(calls_for "${RATE[$p]}" 20 20000)
    n2=$((2 * n1))
    warm=$((n1 < 3 ? n1 : 3))
    if command -v strace >/dev/null 2>&1; then
        progress "scenario $s, $p: strace, $n1 and $n2 calls"
        f1=$PROFILES/strace.s$s.$p.$n1
        f2=$PROFILES/strace.s$s.$p.$n2
        c1=$(timeout "$RUN_TIMEOUT" strace -f -c -o "$f1" "${CMD[@]}" "${Q[@]}" --mode count \
            --count "$n1" --warmup-calls "$warm" --max-seconds "$COUNT_MAX_SECONDS" 2>/dev/null)
        c1=$(kv "$c1" calls)
        c2=$(timeout "$RUN_TIMEOUT" strace -f -c -o "$f2" "${CMD[@]}" "${Q[@]}" --mode count \
            --count "$n2" --warmup-calls "$warm" --max-seconds "$COUNT_MAX_SECONDS" 2>/dev/null)
        c2=$(kv "$c2" calls)
        SYSC[$p]=$(per_call "$(strace_calls "$f1")" "$(strace_calls "$f2")" "$c1" "$c2")
        is_num "${SYSC[$p]}" && MIX[$p]=$(strace_mix "$f1" "$f2" "$c1" "$c2")
        [ "$p" = gaix ] && GAIX_MIX[$s]=${MIX[$p]}
        rm -f "$f1"
    fi
    # Allocations: counted inside the loop only, so one run suffices.
    if peer_cmd "$p" allocs; then
        n1=$(calls_for "${RATE[$p]}" 500 2000)
        out=$(timeout "$RUN_TIMEOUT" "${CMD[@]}" "${Q[@]}" --mode count --count "$n1" \
            --warmup-calls 3 --max-seconds "$COUNT_MAX_SECONDS" 2>/dev/null)
        ALLOCS[$p]=$(div "$(kv "$out" allocs)" "$(kv "$out" calls)")
    fi
}

header() {
    local glibc_v musl_v cares_v cpu version commit dirty=""
    glibc_v=$(getconf GNU_LIBC_VERSION 2>/dev/null | sed 's/^glibc //')
    musl_v=$(/usr/lib/x86_64-linux-musl/libc.so 2>&1 | sed -n 's/^Version //p' | head -n 1)
    cares_v=$(pkg-config --modversion libcares 2>/dev/null)
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    version=$(sed -n 's/^#define GAIX_VERSION_\(MAJOR\|MINOR\|PATCH\) //p' "$root/include/gaix.h" |
        paste -sd.)
    commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "?")
    [ -n "$(git -C "$root" status --porcelain -- src include 2>/dev/null)" ] &&
        dirty=" + uncommitted changes in src/ or include/"
    echo "gaix benchmarks"
    echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "machine:  nproc $(nproc), kernel $(uname -r) $(uname -m)," \
        "glibc ${glibc_v:-?}${cpu:+, $cpu}"
    echo "peers:    gaix $version (commit $commit$dirty), default context, $BUILD/libgaix.a"
    echo "          glibc ${glibc_v:-?} getaddrinfo, getnameinfo (nsswitch.conf: files)"
    [ -x "$BUILD/bench/bench_musl" ] &&
        echo "          musl ${musl_v:-?} getaddrinfo, getnameinfo (static, musl-gcc)"
    [ -n "$cares_v" ] &&
        echo "          c-ares $cares_v ares_getaddrinfo, ares_getnameinfo (one channel," \
            "lookups \"f\"; ares_fds + poll + ares_process)"
    cat <<EOF
world:    a private mount + network namespace: lo, and veth v0 with 192.0.2.2/24 and
          2001:db8:1::2/64 and default routes onlink; /etc/hosts, services, gai.conf (empty),
          nsswitch.conf (files only), host.conf and resolv.conf (127.0.0.1) from bench/fixtures.
method:   one call = one lookup + freeing its answer (getnameinfo: one call into the caller's
          buffers), after a warm-up (gaix builds its indexes).
          calls/s   median of $RUNS timed runs (CLOCK_MONOTONIC) of $(commas $COUNT) calls each,
                    a run stopped after $MAX_SECONDS s; spread = (max - min) / median of the runs.
          instr     callgrind instructions (Ir) in getaddrinfo() + freeaddrinfo(), or in
                    getnameinfo() (c-ares: the lookup and the loop driving it), calls in the
                    timed loop only: (run of 2N - run of N) / N.
          allocs    malloc/calloc/realloc calls inside the loop / N (glibc, gaix, c-ares: malloc
                    interposed; musl: -Wl,--wrap).
          syscalls  strace -f -c: (run of 2N - run of N) / N.
The machine is shared and noisy: read the ratios within this run, not the absolute rates.
EOF
}

# One scenario: measure every peer, print the table, the answers and the targets.
run_scenario() {
    local s=$1 p
    scenario "$s" || return
    CURRENT_SCENARIO=$s
    if [ "$S_HOSTS" = big ]; then
        mount --bind "$WORK/hosts.big" /etc/hosts ||
            { echo "bench: cannot mount the big hosts file" >&2; return; }
    fi
    declare -gA ANSWER=() NA=() RATE=() SPREAD=() FIRST=() INSTR=() ALLOCS=() SYSC=() MIX=() \
        RATIO=()
    for p in $PEERS; do
        measure "$s" "$p"
    done
    [ "$S_HOSTS" = big ] && umount /etc/hosts

    echo
    echo "[$s] $S_TITLE"
    echo "    $S_CALL"
    [ -n "${ANSWER[glibc]:-}" ] && echo "    answer (glibc): ${ANSWER[glibc]}"
    for p in $PEERS; do
        [ "$p" = glibc ] && continue
        if [ -n "${ANSWER[$p]:-}" ] && [ -z "${NA[$p]:-}" ] &&
            [ "${ANSWER[$p]}" != "${ANSWER[glibc]:-}" ]; then
            echo "    answer ($(peer_label "$p")) differs: ${ANSWER[$p]}"
        fi
    done
    echo
    printf '    %-7s %13s %7s %10s %12s %12s %14s\n' peer calls/s spread "x glibc" instr/call \
        allocs/call syscalls/call
    for p in $PEERS; do
        RATIO[$p]=$(div "${RATE[$p]}" "${RATE[glibc]:-n/a}")
        if [ -n "${NA[$p]:-}" ]; then
            printf '    %-7s n/a: %s\n' "$(peer_label "$p")" "${NA[$p]}"
            continue
        fi
        printf '    %-7s %13s %7s %10s %12s %12s %14s\n' "$(peer_label "$p")" \
            "$(fmt_int "${RATE[$p]}")" "${SPREAD[$p]}" "$(fmt_ratio "${RATIO[$p]}")" \
            "$(fmt_int "${INSTR[$p]}")" "$(fmt_2 "${ALLOCS[$p]}")" "$(fmt_2 "${SYSC[$p]}")"
    done
    local first=""
    for p in $PEERS; do
        [ -n "${FIRST[$p]:-}" ] && first+="${first:+, }$(peer_label "$p") ${FIRST[$p]}"
    done
    [ -n "$first" ] && echo "    first call of the process (not in the figures above): $first"
    # shellcheck disable=SC2086 # peer names are single words
    print_mix 7 call $PEERS
    echo
    if [ -n "${NA[gaix]:-}" ] || [ -n "${NA[glibc]:-}" ]; then
        echo "    targets: not judged (glibc: ${NA[glibc]:-ok}; gaix: ${NA[gaix]:-ok})"
        return
    fi
    targets "$s"
}

# The notes for each missed target: where gaix's instructions go (callgrind_annotate of its kept
# profile, self cost per call, the top functions) and which system calls it makes.
# The report's last lines: every target judged in this run, with its verdict.
summary() {
    local l met=0 missed=0
    for l in "${TARGET_LINES[@]}"; do
        case $l in
        *"  MET") met=$((met + 1)) ;;
        *"  MISSED") missed=$((missed + 1)) ;;
        esac
    done
    echo
    echo "Summary: ${#TARGET_LINES[@]} targets judged, $met met, $missed missed" \
        "($((${#TARGET_LINES[@]} - met - missed)) not measured)"
    [ ${#TARGET_LINES[@]} -gt 0 ] && printf '%s\n' "${TARGET_LINES[@]}"
    return 0
}

profile_notes() {
    [ ${#MISSES[@]} -gt 0 ] || return
    echo
    echo "Profile notes for missed targets (gaix profiles: $PROFILES)"
    local m s kind what by f calls
    for m in "${MISSES[@]}"; do
        IFS='|' read -r s kind what by <<<"$m"
        echo
        echo "[$s] MISSED: $what${by:+: $by}"
        if [[ $kind == dns-* ]]; then
            bdns_notes "$s"
            continue
        fi
        f=$(first_file "$PROFILES"/callgrind.s"$s".gaix.*)
        if [ -n "$f" ] && [ "$kind" != syscalls ] && command -v callgrind_annotate >/dev/null; then
            calls=${f##*.}
            echo "    gaix instructions per call by function (self cost; callgrind_annotate $f):"
            callgrind_annotate --threshold=99 "$f" 2>/dev/null | sed -E 's/\( +/(/' |
                awk -v calls="$calls" -v root="$root/" '
                    /file:function/ { on = 1; next }
                    on && $1 ~ /^[0-9,]+$/ {
                        ir = $1; gsub(",", "", ir); pct = $2; $1 = ""; $2 = ""
                        line = substr($0, 3); gsub(root, "", line)
                        sub(/\[.*\//, "[", line)
                        printf "      %8.1f %9s  %s\n", ir / calls, pct, line
                        if (++n == 14) exit
                    }'
        fi
        if [ "$kind" = syscalls ] || [ "$kind" = ratio ]; then
            echo "    gaix system calls per call: ${GAIX_MIX[$s]:-not measured}"
        fi
    done
}

inner() {
    BUILD=$1
    WORK=$2
    PROFILES=$BUILD/bench/profiles
    export LC_ALL=C
    # The resolver variables glibc, gaix and c-ares honour over resolv.conf (search list, options,
    # aliases): every peer must read the fixtures and nothing else.
    unset LOCALDOMAIN RES_OPTIONS HOSTALIASES
    mount --make-rprivate / || { echo "bench: mount --make-rprivate / failed" >&2; return 1; }
    net_setup || { echo "bench: network setup failed" >&2; return 1; }
    etc_setup "$WORK" || { echo "bench: /etc setup failed" >&2; return 1; }
    rm -rf "$PROFILES" && mkdir -p "$PROFILES" || return 1
    # NSD, if a DNS scenario started it, stops with this shell however it ends.
    trap 'bdns_world_down' EXIT
    trap 'exit 130' INT TERM HUP
    header
    local s
    for s in $SCENARIOS; do
        if bdns_has_scenario "$s"; then
            bdns_run_scenario "$s"
        else
            run_scenario "$s"
        fi
    done
    bdns_world_down
    profile_notes
    summary
    return 0
}

if [ "${1:-}" = --inner ]; then
    shift
    inner "$@"
    exit $?
fi

# ---- outside: checks, build, the namespace ----------------------------------------------------

build=${1:?usage: bench/run.sh BUILD_DIR}
if [ "$(id -u)" != 0 ]; then
    echo "bench: SKIPPED: the benchmark needs root for its private mount and network namespace"
    exit 0
fi
for tool in unshare ip sysctl mount timeout awk; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "bench: SKIPPED: the benchmark needs $tool for its namespace"; exit 0; }
done
if ! unshare -m -n true 2>/dev/null; then
    echo "bench: SKIPPED: the benchmark needs root for its namespace (unshare -m -n fails)"
    exit 0
fi
build=$(cd "$build" 2>/dev/null && pwd) || { echo "bench: no build directory $1" >&2; exit 1; }

progress "building the drivers into $build/bench"
build_drivers "$build" || { echo "bench: building the drivers failed" >&2; exit 1; }
command -v valgrind >/dev/null 2>&1 || progress "valgrind not installed: no instruction counts"
command -v strace >/dev/null 2>&1 || progress "strace not installed: no system call counts"

work=$(mktemp -d /tmp/gaix-bench.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
report=$build/bench-report.txt
unshare -m -n bash "${BASH_SOURCE[0]}" --inner "$build" "$work" | tee "$report"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || { echo "bench: the run inside the namespace failed (status $rc)" >&2; exit 1; }
progress "report written to $report"
exit 0
