# shellcheck shell=bash disable=SC2154,SC2153 # here, root, BUILD, WORK...: run.sh's, which sources this file
# The DNS scenarios of the gaix benchmarks (9-12, issue 4), sourced by bench/run.sh: functions and
# settings only. run.sh calls them inside its private mount and network namespace; see the
# "DNS scenarios" section of bench/README.md.
#
# The world. NSD (Debian's /usr/sbin/nsd, started by nsd_start of tests/dns/dns_harness.sh, which
# is sourced read-only) listens on 127.0.0.1 port 53 inside the benchmark's own network namespace
# and serves a zone generated at run time, dnsbench.test: hN.dnsbench.test for N = 1 ..
# BENCH_DNS_NAMES (10,000), each with one A in 198.18.0.0/15 (RFC 2544's benchmarking range) and
# one AAAA in 2001:db8:d45::/48. No other file or server knows these names or addresses, so an
# answer that has them came from NSD. With two CPUs or more, NSD runs on CPU 0 and every client on
# CPU 1 (taskset). During a DNS scenario bench/fixtures/dns/* is mounted over /etc/hosts (the
# localhost lines only), /etc/nsswitch.conf (hosts: files dns) and /etc/resolv.conf (nameserver
# 127.0.0.1; for scenario 12 resolv-search.conf: ndots:5 and four search domains), over the bench's
# own fixtures, and taken off again after it.
#
# Scenario 12 is measured twice in the same run: (a) against NSD directly, where a round trip is
# ~10 us, and (b) through dns_delay (bench/dns_delay.c), a UDP relay on 127.0.0.2 port 53 that
# holds every query and every reply BDNS_RTT_US / 2 before passing it on, so that a round trip
# costs what it costs to a resolver in the same data centre (resolv-search-rtt.conf names
# 127.0.0.2). Its target judges (b); (a) is printed beside it. The relay is pinned with NSD, runs
# under SCHED_FIFO (it only sleeps and forwards), is started for (b) and stopped after it.
#
# No packet leaves the namespace: the only nameservers any file names are 127.0.0.1 and the relay
# on 127.0.0.2 (which forwards to 127.0.0.1 only, and refuses any address outside 127.0.0.0/8),
# the floor is pointed at 127.0.0.1, and the namespace has no route out (both ends of its veth
# pair are inside it). dns_driver itself refuses to start a resolver peer when /etc/resolv.conf
# names a server off loopback, and the floor when its --server is not in 127.0.0.0/8.
#
# Bounds. Every driver run is bounded by count and by time (BENCH_MAX_SECONDS per timed run,
# BENCH_DNS_ASYNC_SECONDS per async run) and killed after RUN_TIMEOUT; NSD is stopped at the end of
# the run (bdns_world_down, also from run.sh's exit trap) and runs under `timeout` besides, so that
# it stops by itself after BDNS_NSD_LIFETIME seconds whatever happens to the script. The relay is
# stopped the same ways and exits by itself after the same lifetime (its --lifetime).

BDNS_ZONE=dnsbench.test
BDNS_NAMES=${BENCH_DNS_NAMES:-10000}
# The name whose answer every peer must give before it is timed: h4242.dnsbench.test.
BDNS_CHECK=4242
# Lookups per timed run of the sequential scenarios: one pass over the names (the slower peers are
# stopped by BENCH_MAX_SECONDS first).
BDNS_SEQ_COUNT=10000
# Lookups per async run, and the time bound of one: long enough for one 5-second timeout and its
# retry, so that a run with timeouts still ends with their outcome.
BDNS_ASYNC_COUNT=10000
BDNS_ASYNC_SECONDS=${BENCH_DNS_ASYNC_SECONDS:-12}
# Lookups of the profiling runs: strace -c over N and 2N (the difference is the loop's), allocation
# counting over N. Sequential: a few tenths of a second each even for a peer under strace.
BDNS_PROFILE_SEQ=400
BDNS_PROFILE_ASYNC=2000
# NSD's longest life, seconds: far longer than the whole benchmark (under 30 minutes).
BDNS_NSD_LIFETIME=3600
BDNS_SERVER=127.0.0.1
# Scenario 12's simulated round trip (b): the relay's address (lo holds all of 127.0.0.0/8) and
# the round trip it adds, us, half each way. 500 us: a resolver a switch or two away, such as a
# cluster DNS service in the same data centre; see bench/README.md. A longer one only brings the
# ratio of parallel to sequential search closer to 1/5, so this is the harder case.
BDNS_RELAY=127.0.0.2
BDNS_RTT_US=${BENCH_DNS_RTT_US:-500}
# The relay's --delay-us, each way; empty when BENCH_DNS_RTT_US is not 0 .. 2000000 (bdns_relay_up
# then says so).
BDNS_DELAY_US=""
[[ $BDNS_RTT_US =~ ^[0-9]{1,7}$ ]] && [ "$BDNS_RTT_US" -le 2000000 ] &&
    BDNS_DELAY_US=$((10#$BDNS_RTT_US / 2))
# The relay's SCHED_FIFO priority: above every ordinary process, so that the machine's other work
# does not stretch its delays; low among real-time ones (it is no kernel thread's business).
BDNS_RELAY_PRIO=10
# Clock ticks per second of /proc/PID/stat's CPU times.
BDNS_HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)

# ---- scenarios and targets -----------------------------------------------------------------------

bdns_has_scenario() { [[ $1 =~ ^(9|10|11|12)$ ]]; }

# bdns_scenario N: sets S_TITLE, S_CALL, D_KIND (seq or async), D_PEERS (before BENCH_PEERS is
# applied), D_RESOLV (the resolv.conf fixture), D_RESOLV_RTT (scenario 12: the fixture of its
# simulated round trip, naming the relay), D_REF (the peer the "x" column divides by) and
# D_INFLIGHT (async).
bdns_scenario() {
    D_RESOLV=resolv.conf
    D_RESOLV_RTT=""
    D_INFLIGHT=""
    S_CALL="getaddrinfo(\"hN.dnsbench.test\", \"80\", {AF_UNSPEC, SOCK_STREAM}) + free, N = 1 .."
    S_CALL+=" $(commas "$BDNS_NAMES") in turn"
    case $1 in
    9)
        S_TITLE="DNS: sequential AF_UNSPEC lookups, NSD on 127.0.0.1 (A and AAAA per lookup)"
        D_KIND=seq
        D_PEERS="glibc gaix musl cares floor"
        D_REF=floor
        ;;
    10 | 11)
        D_INFLIGHT=100
        [ "$1" = 11 ] && D_INFLIGHT=1000
        S_TITLE="DNS: concurrent lookups, $(commas "$D_INFLIGHT") in flight, one thread (async APIs)"
        S_CALL="gaix_resolve / ares_getaddrinfo of hN.dnsbench.test, \"80\", {AF_UNSPEC,"
        S_CALL+=" SOCK_STREAM}, topped up to $(commas "$D_INFLIGHT") in flight"
        D_KIND=async
        D_PEERS="gaix cares"
        D_REF=cares
        ;;
    12)
        S_TITLE="DNS: ndots:5 and 4 search domains (NXDOMAIN), the name found as it is"
        S_CALL+="; resolv.conf: search s1..s4.dnsbench.test, options ndots:5"
        D_KIND=seq
        D_PEERS="glibc gaix gaix-par musl cares"
        D_REF=gaix
        D_RESOLV="resolv-search.conf"
        D_RESOLV_RTT="resolv-search-rtt.conf"
        ;;
    *) return 1 ;;
    esac
}

bdns_targets() {
    local v
    case $1 in
    9)
        v=$(div "${P50[gaix]}" "${P50[floor]:-n/a}")
        bdns_target "$v" "$(fmt_ratio "$v")" "<=" 1.3 latency \
            "gaix median latency <= 1.3x the floor's (ref: floor 46 us mean; here p50 $(fmt_2 "${P50[floor]:-n/a}") us)"
        bdns_target "${SYSC[gaix]:-n/a}" "$(fmt_2 "${SYSC[gaix]:-n/a}")" "<=" 10 syscalls \
            "gaix syscalls/lookup <= 10 (glibc ref 35; here $(fmt_2 "${SYSC[glibc]:-n/a}"))"
        bdns_target "${ALLOCS[gaix]:-n/a}" "$(fmt_2 "${ALLOCS[gaix]:-n/a}")" "<=" 2 allocs \
            "gaix allocations/lookup <= 2 (glibc ref 7, 72 KB; here $(fmt_2 "${ALLOCS[glibc]:-n/a}"), $(bdns_kb "${ABYTES[glibc]:-n/a}") KB)"
        ;;
    10 | 11)
        bdns_target "${RATE[gaix]}" "$(fmt_int "${RATE[gaix]}")" ">=" 40000 rate \
            "gaix lookups/s >= 40,000 (c-ares ref 21 k/s at 100; here $(fmt_int "${RATE[cares]:-n/a}"))"
        bdns_target "${CPU10K[gaix]}" "$(fmt_2 "${CPU10K[gaix]}")" "<=" 0.25 cpu \
            "gaix CPU-s per 10,000 lookups <= 0.25 (c-ares ref 0.47; here $(fmt_2 "${CPU10K[cares]:-n/a}"))"
        v=$(bdns_unclean gaix)
        bdns_target "$v" "$(fmt_int "$v")" "<" 0.5 clean \
            "gaix lookups failed, re-sent or unfinished = 0 (c-ares here $(fmt_int "$(bdns_unclean cares)"))"
        ;;
    12)
        # Judged on (b), the simulated round trip: the round trips parallel-search saves. (a)'s
        # ratio, loopback only, is NSD answering ten questions in turn, printed for information.
        v=$(div "${P50[gaix-par]:-n/a}" "${P50[gaix]}")
        bdns_target "$v" "$(fmt_ratio "$v")" "<=" 0.3 latency \
            "gaix parallel-search p50 <= 0.3x gaix sequential, (b) $BDNS_RTT_US us round trip (glibc: $(fmt_ratio "$(div "${P50[glibc]:-n/a}" "${P50[gaix]}")"))"
        ;;
    esac
}

# bdns_target VALUE SHOWN OP LIMIT KIND DESCRIPTION: a target line; a miss is remembered, with
# KIND (latency, syscalls, allocs, rate, cpu, clean), for the notes at the end (bdns_notes).
bdns_target() {
    target_print "$1" "$2" "$3" "$4" "$6"
    [ "$VERDICT" = MISSED ] && MISSES+=("$CURRENT_SCENARIO|dns-$5|$6|$2")
    return 0
}

# The lookups of an async run that were not clean: failed, answered wrongly, re-sent, unfinished.
bdns_unclean() {
    local p=$1 f
    for f in "${FAILED[$p]:-}" "${WRONG[$p]:-}" "${RETRIED[$p]:-}" "${UNFIN[$p]:-}"; do
        is_num "$f" || { echo n/a; return; }
    done
    echo $((FAILED[$p] + WRONG[$p] + RETRIED[$p] + UNFIN[$p]))
}

bdns_load() { cut -d' ' -f1-3 /proc/loadavg; }

# bdns_server_ticks: the CPU time (clock ticks, user + system) NSD has used so far: every live
# process under the pid nsd_start recorded (timeout, NSD and its children), found through the
# parent links in /proc (not by name: other NSDs may run on the machine).
bdns_server_ticks() {
    local top
    top=$(cat "$WORK/dns/nsd/pid" 2>/dev/null)
    [[ $top =~ ^[0-9]+$ ]] || { echo n/a; return; }
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v top="$top" '
        # "pid (comm) state ppid ... utime stime": the fields after the comm, which may hold blanks.
        { pid = $1; s = $0; sub(/^.*\) /, "", s); split(s, f, " ")
          parent[pid] = f[2]; ticks[pid] = f[12] + f[13] }
        END { for (p in parent) { q = p
                  for (n = 0; q != top && (q in parent) && n < 64; n++) q = parent[q]
                  if (q == top) total += ticks[p] }
              printf "%d\n", total }'
}
# bdns_server_busy TICKS0 TICKS1 NS0 NS1: NSD's CPU seconds per second of wall time between two
# readings (1.00: it used all of its CPU), or n/a.
bdns_server_busy() {
    if ! is_num "$1" || ! is_num "$2" || ! is_num "$3" || ! is_num "$4" || [ "$4" -le "$3" ]; then
        echo n/a
        return
    fi
    awk -v a="$1" -v b="$2" -v hz="$BDNS_HZ" -v t0="$3" -v t1="$4" \
        'BEGIN { printf "%.2f\n", (b - a) / hz / ((t1 - t0) / 1e9) }'
}
bdns_kb() { # bytes -> KB with one decimal, or n/a
    if is_num "$1"; then awk -v b="$1" 'BEGIN { printf "%.1f\n", b / 1024 }'; else echo n/a; fi
}

# ---- the world ---------------------------------------------------------------------------------

BDNS_STATE=""   # "" (not tried yet), up, stopped, or why it could not come up
BDNS_PIN=()     # the client's taskset prefix, if any
BDNS_SERVER_CPU=""
BDNS_CLIENT_CPU=""
D_TAG=""    # " (b)" while scenario 12 runs through the relay: for the progress lines
D_COSTS=1   # 0: a pass measures latency only, no system calls or allocations (scenario 12 (b))

# bdns_hosts FIRST LAST: "hN.dnsbench.test 198.18.x.y 2001:db8:d45::n" for N = FIRST .. LAST, the
# one definition of the zone's names and addresses (the zone, the names file and the expected
# answer all come from it).
bdns_hosts() {
    awk -v a="$1" -v b="$2" -v z="$BDNS_ZONE" 'BEGIN { for (i = a; i <= b; i++)
        printf "h%d.%s 198.18.%d.%d 2001:db8:d45::%x\n", i, z, int(i / 256), i % 256, i }'
}

# The world, once, on the first DNS scenario: names, zone, NSD (pinned), the client's pinning.
bdns_world_up() {
    case $BDNS_STATE in
    up) return 0 ;;
    "") ;;
    *) return 1 ;;
    esac
    local dir=$WORK/dns tool nsd_bin
    for tool in nsd nsd-checkconf dig; do
        command -v "$tool" >/dev/null 2>&1 ||
            { BDNS_STATE="$tool not installed (scripts/deps.sh bench installs it)"; return 1; }
    done
    [ -x "$BUILD/bench/dns_driver" ] || { BDNS_STATE="dns_driver not built"; return 1; }
    if ! [[ $BDNS_NAMES =~ ^[0-9]+$ ]] || [ "$BDNS_NAMES" -lt "$BDNS_CHECK" ] ||
        [ "$BDNS_NAMES" -gt 65535 ]; then
        BDNS_STATE="BENCH_DNS_NAMES must be $BDNS_CHECK .. 65535"
        return 1
    fi
    nsd_bin=$(command -v nsd)
    mkdir -p "$dir/zone" "$dir/bin" "$dir/etc" || return 1
    bdns_hosts 1 "$BDNS_NAMES" >"$dir/hosts.txt" || return 1
    cut -d' ' -f1 "$dir/hosts.txt" >"$dir/names" || return 1
    BDNS_NAMES_FILE=$dir/names
    BDNS_EXPECTED=$(bdns_hosts "$BDNS_CHECK" "$BDNS_CHECK" | cut -d' ' -f2-)
    {
        echo "\$ORIGIN $BDNS_ZONE."
        echo "\$TTL 3600"
        echo "@ IN SOA ns.$BDNS_ZONE. hostmaster.$BDNS_ZONE. 1 3600 600 86400 60"
        echo "@ IN NS ns"
        echo "ns IN A $BDNS_SERVER"
        awk '{ split($1, l, "."); printf "%s IN A %s\n%s IN AAAA %s\n", l[1], $2, l[1], $3 }' \
            "$dir/hosts.txt"
    } >"$dir/zone/$BDNS_ZONE.zone" || return 1
    # nsd_start runs "nsd -d ... &": this nsd, first on its PATH, is NSD under timeout, so that
    # NSD ends by itself even if nothing stops it.
    printf '#!/bin/sh\nexec timeout -k 5 %s %s "$@"\n' "$BDNS_NSD_LIFETIME" "$nsd_bin" \
        >"$dir/bin/nsd" && chmod +x "$dir/bin/nsd" || return 1
    if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
        BDNS_SERVER_CPU=0
        BDNS_CLIENT_CPU=1
        BDNS_PIN=(taskset -c "$BDNS_CLIENT_CPU")
    fi
    # shellcheck source=../tests/dns/dns_harness.sh
    . "$root/tests/dns/dns_harness.sh" || { BDNS_STATE="cannot source dns_harness.sh"; return 1; }
    progress "DNS: starting NSD on $BDNS_SERVER port 53 ($(commas "$BDNS_NAMES") names)"
    # In a subshell pinned to the server's CPU: NSD and its children inherit the affinity.
    if ! (
        [ -z "$BDNS_SERVER_CPU" ] || taskset -p -c "$BDNS_SERVER_CPU" "$BASHPID" >/dev/null
        PATH="$dir/bin:$PATH"
        nsd_start "$dir/nsd" "$BDNS_SERVER" 53 "$dir/zone/$BDNS_ZONE.zone"
    ) 2>"$dir/nsd_start.err"; then
        BDNS_STATE="NSD did not start: $(grep -v '^$' "$dir/nsd_start.err" | tail -n 1)"
        nsd_stop "$dir/nsd" 2>/dev/null
        return 1
    fi
    BDNS_STATE=up
}

bdns_world_down() {
    bdns_relay_down
    [ "$BDNS_STATE" = up ] || return 0
    nsd_stop "$WORK/dns/nsd"
    BDNS_STATE=stopped
}

# The relay of scenario 12 (b): dns_delay on BDNS_RELAY port 53, forwarding to NSD with
# BDNS_RTT_US / 2 each way; pinned with NSD, SCHED_FIFO, bounded by BDNS_NSD_LIFETIME like NSD.
# 0 once it relays NSD's answer to a dig; else 1 with the reason in BDNS_RELAY_STATE.
BDNS_RELAY_PID=""
BDNS_RELAY_STATE=""
bdns_relay_up() {
    local dir=$WORK/dns/relay pin=() i
    BDNS_RELAY_STATE=""
    [ -x "$BUILD/bench/dns_delay" ] || { BDNS_RELAY_STATE="dns_delay not built"; return 1; }
    if [ -z "$BDNS_DELAY_US" ]; then
        BDNS_RELAY_STATE="BENCH_DNS_RTT_US must be 0 .. 2000000"
        return 1
    fi
    mkdir -p "$dir" && rm -f "$dir/out" "$dir/err" || return 1
    [ -n "$BDNS_SERVER_CPU" ] && pin=(taskset -c "$BDNS_SERVER_CPU")
    progress "DNS: starting dns_delay on $BDNS_RELAY port 53 ($BDNS_RTT_US us round trip to NSD)"
    # taskset execs the relay: $! is the relay's own pid.
    "${pin[@]}" "$BUILD/bench/dns_delay" --listen "$BDNS_RELAY:53" --upstream "$BDNS_SERVER:53" \
        --delay-us "$BDNS_DELAY_US" --lifetime "$BDNS_NSD_LIFETIME" \
        --realtime "$BDNS_RELAY_PRIO" >"$dir/out" 2>"$dir/err" &
    BDNS_RELAY_PID=$!
    for ((i = 0; i < 100; i++)); do
        grep -q '^dns_delay: ready' "$dir/out" 2>/dev/null && break
        kill -0 "$BDNS_RELAY_PID" 2>/dev/null || break
        sleep 0.05
    done
    if ! grep -q '^dns_delay: ready' "$dir/out" 2>/dev/null; then
        BDNS_RELAY_STATE=$(sed -n 's/^n\/a: //p' "$dir/err" | head -n 1)
        BDNS_RELAY_STATE="dns_delay did not start: ${BDNS_RELAY_STATE:-$(head -n 1 "$dir/err")}"
        bdns_relay_down
        return 1
    fi
    # End to end: NSD's SOA through the relay (a few tries, 1 s each: it answers in ~1 ms).
    for ((i = 0; i < 5; i++)); do
        dig "@$BDNS_RELAY" -p 53 "$BDNS_ZONE" SOA +notcp +time=1 +tries=1 +norecurse 2>/dev/null |
            grep -q 'status: NOERROR' && return 0
    done
    BDNS_RELAY_STATE="dns_delay on $BDNS_RELAY does not relay NSD's answers (dig)"
    bdns_relay_down
    return 1
}

# Stops the relay (SIGTERM: it prints its counters and exits); nothing when it is not running.
bdns_relay_down() {
    [ -n "$BDNS_RELAY_PID" ] || return 0
    dns_stop_pid "$BDNS_RELAY_PID"
    BDNS_RELAY_PID=""
}

# The relay's counters, from the line it printed on exit: what it relayed and how precisely.
bdns_relay_report() {
    local out dir=$WORK/dns/relay
    out=$(grep '^dns_delay: done' "$dir/out" 2>/dev/null | tail -n 1)
    if [ -z "$out" ]; then
        echo "    relay: no counters (dns_delay did not report on exit)"
        return
    fi
    echo "    relay: $(fmt_int "$(kv "$out" queries)") queries and $(fmt_int "$(kv "$out" replies)")" \
        "replies held $BDNS_DELAY_US us each, $(fmt_int "$(kv "$out" dropped)") dropped;" \
        "$(grep -o 'realtime=[^ ]*' "$dir/out" | head -n 1)"
    echo "    relay: departures against their due time p50 $(kv "$out" depart_us_p50) us (p1" \
        "$(kv "$out" depart_us_p1), p99 $(kv "$out" depart_us_p99)), the timer armed" \
        "$(kv "$out" lead_us) us early (its wake-up latency: p50 $(kv "$out" wake_us_p50) us)"
    echo "    relay: a query's arrival to its reply's departure (the round trip the peers saw, NSD" \
        "included): p50 $(kv "$out" held_us_p50) us, p99 $(kv "$out" held_us_p99) us"
}

# The DNS fixtures over /etc for one scenario (over the bench's own mounts; bdns_umount takes them
# off again, and the bench's come back).
BDNS_MOUNTED=()
bdns_mount() {
    local resolv=$1 f src
    BDNS_MOUNTED=()
    for f in hosts nsswitch.conf resolv.conf; do
        src=$f
        [ "$f" = resolv.conf ] && src=$resolv
        cp "$here/fixtures/dns/$src" "$WORK/dns/etc/$f" || return 1
        mount --bind "$WORK/dns/etc/$f" "/etc/$f" || return 1
        BDNS_MOUNTED+=("/etc/$f")
    done
}
bdns_umount() {
    local m
    for m in "${BDNS_MOUNTED[@]}"; do
        umount "$m"
    done
    BDNS_MOUNTED=()
}

# ---- peers ---------------------------------------------------------------------------------------

# floor and gaix-par are gaix's yardsticks: they run whenever gaix does.
bdns_peer_wanted() {
    local base=$1
    case $1 in
    floor | gaix-par) base=gaix ;;
    esac
    [[ " $PEERS " == *" $base "* ]]
}

# The scenario's peers that run, in its order.
bdns_wanted() {
    local p
    for p in $D_PEERS; do
        bdns_peer_wanted "$p" && echo "$p"
    done
}

# bdns_rows FORMAT FN: a table row per peer that runs, FN PEER's fields printed with FORMAT, or
# the peer's n/a line.
bdns_rows() {
    local p fields
    for p in $(bdns_wanted); do
        if [ -n "${NA[$p]:-}" ]; then
            printf '    %-8s n/a: %s\n' "$(peer_label "$p")" "${NA[$p]}"
            continue
        fi
        mapfile -t fields < <("$2" "$p")
        # shellcheck disable=SC2059 # the format is the caller's
        printf "$1" "$(peer_label "$p")" "${fields[@]}"
    done
}

# bdns_peer_cmd PEER KIND: sets CMD to the DNS driver invocation (KIND plain or allocs), or
# returns 1. gaix-par and the floor are gaix's and glibc's binary asked differently.
bdns_peer_cmd() {
    case $1 in
    gaix-par) peer_cmd gaix "$2" dns && CMD+=(--options parallel-search) ;;
    floor) peer_cmd glibc "$2" dns && CMD=("${CMD[0]}" --peer floor --server "$BDNS_SERVER:53") ;;
    *) peer_cmd "$1" "$2" dns ;;
    esac || return 1
    CMD+=(--names "$BDNS_NAMES_FILE")
}

# bdns_check S P: the answer check every peer passes before it is timed; 0 to go on. Sets
# ANSWER and, when the peer cannot run, NA.
bdns_check() {
    local p=$2 out rc err=$WORK/err
    if ! bdns_peer_cmd "$p" plain; then
        NA[$p]="not built"
        [ "$p" = musl ] && NA[$p]="musl-gcc not installed"
        return 1
    fi
    out=$(timeout "$RUN_TIMEOUT" "${BDNS_PIN[@]}" "${CMD[@]}" --mode answer \
        --index $((BDNS_CHECK - 1)) 2>"$err")
    rc=$?
    if [ "$rc" = 4 ]; then
        NA[$p]=$(sed -n 's/^n\/a: //p' "$err" | head -n 1)
        [ -n "${NA[$p]}" ] || NA[$p]="cannot run: $(head -n 1 "$err")"
        return 1
    fi
    ANSWER[$p]=$out
    [ "$rc" = 0 ] || { NA[$p]="lookup fails: $out"; return 1; }
    return 0
}

# bdns_lookups OUTPUT: the lookups a count-mode run made (calls=) or an async run ended (lookups=).
bdns_lookups() {
    local n
    n=$(kv "$1" calls)
    [ "$n" != n/a ] || n=$(kv "$1" lookups)
    echo "$n"
}

# bdns_strace P N MODE_ARGS...: strace -f -c over runs of N and 2N lookups; sets SYSC and MIX.
bdns_strace() {
    local p=$1 n1=$2 n2=$(($2 * 2)) f1 f2 c1 c2
    shift 2
    command -v strace >/dev/null 2>&1 || return 0
    progress "scenario $CURRENT_SCENARIO$D_TAG, $p: strace, $n1 and $n2 lookups"
    f1=$PROFILES/strace.s$CURRENT_SCENARIO.$p.$n1
    f2=$PROFILES/strace.s$CURRENT_SCENARIO.$p.$n2
    c1=$(timeout "$RUN_TIMEOUT" "${BDNS_PIN[@]}" strace -f -c -o "$f1" "${CMD[@]}" "$@" \
        --count "$n1" 2>/dev/null)
    c2=$(timeout "$RUN_TIMEOUT" "${BDNS_PIN[@]}" strace -f -c -o "$f2" "${CMD[@]}" "$@" \
        --count "$n2" 2>/dev/null)
    c1=$(bdns_lookups "$c1")
    c2=$(bdns_lookups "$c2")
    SYSC[$p]=$(per_call "$(strace_calls "$f1")" "$(strace_calls "$f2")" "$c1" "$c2")
    is_num "${SYSC[$p]}" && MIX[$p]=$(strace_mix "$f1" "$f2" "$c1" "$c2")
    [ "$p" = gaix ] && GAIX_MIX["$CURRENT_SCENARIO"]=${MIX[$p]}
    rm -f "$f1"
}

# bdns_allocs P N MODE_ARGS...: one run of the allocation-counting driver; sets ALLOCS and ABYTES
# per lookup.
bdns_allocs() {
    local p=$1 n=$2 out calls
    shift 2
    bdns_peer_cmd "$p" allocs || return 0
    out=$(timeout "$RUN_TIMEOUT" "${BDNS_PIN[@]}" "${CMD[@]}" "$@" --count "$n" 2>/dev/null)
    calls=$(bdns_lookups "$out")
    ALLOCS[$p]=$(div "$(kv "$out" allocs)" "$calls")
    ABYTES[$p]=$(div "$(kv "$out" alloc_bytes)" "$calls")
    [ "$p" = gaix ] && GAIX_ALLOCS[$CURRENT_SCENARIO]="$(fmt_2 "${ALLOCS[$p]}") allocations, $(
        bdns_kb "${ABYTES[$p]}") KB"
    return 0
}

# Sequential lookups: latency (time mode), then system calls and allocations per lookup.
bdns_measure_seq() {
    local s=$1 p=$2 out rc err=$WORK/err
    bdns_check "$s" "$p" || return
    progress "scenario $s$D_TAG, $p: timing"
    out=$(timeout "$RUN_TIMEOUT" "${BDNS_PIN[@]}" "${CMD[@]}" --mode time --count "$BDNS_SEQ_COUNT" \
        --runs "$RUNS" --max-seconds "$MAX_SECONDS" 2>"$err")
    rc=$?
    # Status 3 is failed lookups: the figures stand, and the failures are shown beside them.
    if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
        NA[$p]="timing failed (status $rc): $(head -n 1 "$err")"
        return
    fi
    LAT[$p]=$(kv "$out" mean_us)
    P50[$p]=$(kv "$out" p50_us)
    P99[$p]=$(kv "$out" p99_us)
    BAD[$p]=$(kv "$out" failures)
    SPREAD[$p]=$(awk -v lo="$(kv "$out" min_mean_us)" -v hi="$(kv "$out" max_mean_us)" \
        -v m="${LAT[$p]}" 'BEGIN { printf "%.0f%%\n", (m > 0 ? 100 * (hi - lo) / m : 0) }')
    FIRST[$p]="$(fmt_2 "$(kv "$out" first_call_us)") us"
    [ "$PROFILE" = 1 ] && [ "$D_COSTS" = 1 ] || return
    bdns_strace "$p" "$BDNS_PROFILE_SEQ" --mode count --warmup-calls 3
    bdns_allocs "$p" "$BDNS_PROFILE_SEQ" --mode count --warmup-calls 3
}

# Concurrent lookups: rate, CPU, outcomes (async mode), then system calls and allocations.
bdns_measure_async() {
    local s=$1 p=$2 out rc err=$WORK/err
    local async=(--mode async --inflight "$D_INFLIGHT" --max-seconds "$BDNS_ASYNC_SECONDS")
    bdns_check "$s" "$p" || return
    progress "scenario $s, $p: $D_INFLIGHT in flight"
    local ticks0 ns0 ticks1 ns1
    ticks0=$(bdns_server_ticks)
    ns0=$(date +%s%N)
    out=$(timeout "$RUN_TIMEOUT" "${BDNS_PIN[@]}" "${CMD[@]}" "${async[@]}" \
        --count "$BDNS_ASYNC_COUNT" --runs "$RUNS" 2>"$err")
    rc=$?
    ns1=$(date +%s%N)
    ticks1=$(bdns_server_ticks)
    SRVBUSY[$p]=$(bdns_server_busy "$ticks0" "$ticks1" "$ns0" "$ns1")
    [ "$p" = gaix ] && GAIX_SRVBUSY["$s"]=${SRVBUSY[$p]}
    if [ "$rc" != 0 ]; then
        NA[$p]="async run failed (status $rc): $(head -n 1 "$err")"
        [ "$rc" = 4 ] && NA[$p]=$(sed -n 's/^n\/a: //p' "$err" | head -n 1)
        return
    fi
    RATE[$p]=$(kv "$out" median)
    SPREAD[$p]=$(awk -v lo="$(kv "$out" min)" -v hi="$(kv "$out" max)" -v m="${RATE[$p]}" \
        'BEGIN { printf "%.0f%%\n", (m > 0 ? 100 * (hi - lo) / m : 0) }')
    CPU10K[$p]=$(kv "$out" cpu_10k)
    FAILED[$p]=$(kv "$out" failed)
    TIMEOUTS[$p]=$(kv "$out" timeouts)
    RETRIED[$p]=$(kv "$out" retried)
    UNFIN[$p]=$(kv "$out" unfinished)
    WRONG[$p]=$(kv "$out" wrong)
    NOFILE=$(kv "$out" nofile)
    [ "$PROFILE" = 1 ] || return
    bdns_strace "$p" "$BDNS_PROFILE_ASYNC" "${async[@]}" --runs 1
    bdns_allocs "$p" "$BDNS_PROFILE_ASYNC" "${async[@]}" --runs 1
}

# ---- the report ----------------------------------------------------------------------------------

# Once, before the first DNS scenario's table: what the DNS world is.
BDNS_HEADER_SHOWN=0
bdns_header() {
    [ "$BDNS_HEADER_SHOWN" = 1 ] && return
    BDNS_HEADER_SHOWN=1
    local nsd_v cares_v pin
    nsd_v=$(nsd -v 2>&1 | sed -n 's/^NSD version //p' | head -n 1)
    cares_v=$(pkg-config --modversion libcares 2>/dev/null)
    pin="not pinned (fewer than 2 CPUs or no taskset)"
    [ -n "$BDNS_SERVER_CPU" ] &&
        pin="NSD pinned to CPU $BDNS_SERVER_CPU, every client to CPU $BDNS_CLIENT_CPU (taskset)"
    echo
    echo "DNS scenarios"
    cat <<EOF
world:    NSD ${nsd_v:-?} on $BDNS_SERVER port 53 in the namespace (tests/dns/dns_harness.sh,
          server-count 1), serving $BDNS_ZONE: h1 .. h$BDNS_NAMES.$BDNS_ZONE, one A (198.18.0.0/15)
          and one AAAA (2001:db8:d45::/48) each; $pin.
          bench/fixtures/dns over /etc: hosts (localhost only), nsswitch.conf (hosts: files dns),
          resolv.conf (nameserver $BDNS_SERVER; scenario 12: ndots:5, 4 search domains).
          scenario 12 (b): nameserver $BDNS_RELAY, dns_delay (bench/dns_delay.c), a UDP relay
          to NSD that holds each query and each reply ${BDNS_DELAY_US:-?} us, a $BDNS_RTT_US us round
          trip as to a resolver in the same data centre; pinned with NSD, SCHED_FIFO.
peers:    glibc, musl: getaddrinfo + freeaddrinfo. gaix: gaix_ctx_getaddrinfo on a context with
          the system's files (gaix-par: options "parallel-search" over them); async: gaix_resolve,
          poll on gaix_ctx_fd with gaix_ctx_timeout_ms, gaix_ctx_process.
          c-ares ${cares_v:-?}: ares_getaddrinfo on one ares_init() channel (its defaults: lookups
          "fb" from nsswitch.conf, 5 s timeout), ares_fds + poll + ares_process.
          floor: no resolver; A and AAAA queries built before timing, a fresh UDP socket,
          connect, one sendmmsg, poll + recvmmsg until both answers are in, close.
method:   names walked in turn (no name asked twice in a row; nothing is cached anywhere).
          latency   every lookup timed (CLOCK_MONOTONIC), $RUNS runs of $(commas $BDNS_SEQ_COUNT) lookups or $MAX_SECONDS s;
                    p50/p99 over all lookups of the runs ("x": ratio of p50s, what targets
                    judge: robust to the shared machine's scheduling tails); mean = median
                    over the runs of each run's mean; spread = (max - min) / median of means.
          async     $RUNS runs of $(commas $BDNS_ASYNC_COUNT) lookups (at most $BDNS_ASYNC_SECONDS s, then the rest is
                    cancelled: unfinished); lookups/s = answered / wall time, median of runs; CPU =
                    getrusage user + system of the client; re-sent = gaix sent more than its two
                    queries, c-ares met a timeout; failed = any error (timeouts included).
          syscalls  strace -f -c, (run of 2N - run of N) / N lookups; allocs: malloc/calloc/realloc
                    calls and bytes per lookup (interposed; musl: -Wl,--wrap).
A lookup counts as failed unless it returns both an IPv4 and an IPv6 address.
EOF
}

BDNS_SEQ_FORMAT='    %-8s %9s %8s %9s %7s %8s %16s %14s %10s\n'
# The same without the columns of the costs (D_COSTS 0: scenario 12 (b)).
BDNS_SEQ_FORMAT_SHORT='    %-8s %9s %8s %9s %7s %8s\n'
bdns_print_seq() {
    local p
    if [ "$D_COSTS" = 1 ]; then
        # shellcheck disable=SC2059
        printf "$BDNS_SEQ_FORMAT" peer "p50 us" "x $(peer_label "$D_REF")" "mean us" spread \
            "p99 us" syscalls/lookup allocs/lookup KB/lookup
        bdns_rows "$BDNS_SEQ_FORMAT" bdns_fields_seq
    else
        # shellcheck disable=SC2059
        printf "$BDNS_SEQ_FORMAT_SHORT" peer "p50 us" "x $(peer_label "$D_REF")" "mean us" spread \
            "p99 us"
        bdns_rows "$BDNS_SEQ_FORMAT_SHORT" bdns_fields_seq
    fi
    local first="" failed=""
    for p in $(bdns_wanted); do
        [ -n "${FIRST[$p]:-}" ] && first+="${first:+, }$(peer_label "$p") ${FIRST[$p]}"
        [ "${BAD[$p]:-0}" != 0 ] && failed+="${failed:+, }$(peer_label "$p") ${BAD[$p]}"
    done
    [ -n "$first" ] && echo "    first lookup of the process (not in the figures above): $first"
    [ -n "$failed" ] && echo "    FAILED lookups in the timed runs: $failed"
    return 0
}
bdns_fields_seq() { # PEER: its row of the sequential table, one field a line
    local p=$1
    fmt_2 "${P50[$p]}"
    fmt_ratio "$(div "${P50[$p]}" "${P50[$D_REF]:-n/a}")"
    fmt_2 "${LAT[$p]}"
    echo "${SPREAD[$p]}"
    fmt_2 "${P99[$p]}"
    [ "$D_COSTS" = 1 ] || return 0
    fmt_2 "${SYSC[$p]:-n/a}"
    fmt_2 "${ALLOCS[$p]:-n/a}"
    bdns_kb "${ABYTES[$p]:-n/a}"
}

BDNS_ASYNC_FORMAT='    %-8s %10s %7s %9s %9s %15s %13s %7s %8s %8s %10s\n'
bdns_print_async() {
    local p
    # shellcheck disable=SC2059
    printf "$BDNS_ASYNC_FORMAT" peer lookups/s spread "x $(peer_label "$D_REF")" "CPU s/10k" \
        syscalls/lookup allocs/lookup failed timeouts re-sent unfinished
    bdns_rows "$BDNS_ASYNC_FORMAT" bdns_fields_async
    for p in $(bdns_wanted); do
        [ "${WRONG[$p]:-0}" != 0 ] && [ "${WRONG[$p]}" != n/a ] &&
            echo "    $(peer_label "$p"): $(fmt_int "${WRONG[$p]}") answers without both families"
    done
    local busy=""
    for p in $(bdns_wanted); do
        [ -n "${SRVBUSY[$p]:-}" ] && busy+="${busy:+, }$(peer_label "$p") ${SRVBUSY[$p]}"
    done
    [ -n "$busy" ] && echo "    NSD's CPU seconds per second of each peer's async run (warm-up included; 1.00: all of its CPU): $busy"
    echo "    file descriptor limit of the client (RLIMIT_NOFILE, not raised): ${NOFILE:-n/a}"
}
bdns_fields_async() { # PEER: its row of the async table, one field a line
    local p=$1
    fmt_int "${RATE[$p]}"
    echo "${SPREAD[$p]}"
    fmt_ratio "$(div "${RATE[$p]}" "${RATE[$D_REF]:-n/a}")"
    fmt_2 "${CPU10K[$p]}"
    fmt_2 "${SYSC[$p]:-n/a}"
    fmt_2 "${ALLOCS[$p]:-n/a}"
    fmt_int "${FAILED[$p]}"
    fmt_int "${TIMEOUTS[$p]}"
    fmt_int "${RETRIED[$p]}"
    fmt_int "${UNFIN[$p]}"
}

# The per-peer figures of one measurement, emptied.
bdns_reset() {
    declare -gA ANSWER=() NA=() RATE=() SPREAD=() FIRST=() SYSC=() MIX=() ALLOCS=() ABYTES=() \
        LAT=() P50=() P99=() BAD=() CPU10K=() FAILED=() TIMEOUTS=() RETRIED=() UNFIN=() WRONG=() \
        SRVBUSY=()
    NOFILE=""
}

# bdns_pass S RESOLV PROFILE: one measurement of scenario S's peers with the resolv.conf fixture
# RESOLV (PROFILE 1: system calls and allocations too), then its lines of the report: the load,
# the answers, the table. 1 when the fixtures could not be mounted.
bdns_pass() {
    local s=$1 p load_before
    D_COSTS=$3
    if ! bdns_mount "$2"; then
        bdns_umount
        echo "    n/a: cannot mount bench/fixtures/dns over /etc"
        return 1
    fi
    load_before=$(bdns_load)
    for p in $(bdns_wanted); do
        if [ "$D_KIND" = async ]; then
            bdns_measure_async "$s" "$p"
        else
            bdns_measure_seq "$s" "$p"
        fi
    done
    bdns_umount

    echo "    load average (1, 5, 15 min) before: $load_before, after: $(bdns_load)"
    echo "    answer expected for h$BDNS_CHECK.$BDNS_ZONE (from the zone): $BDNS_EXPECTED"
    local same=""
    for p in $(bdns_wanted); do
        [ -n "${ANSWER[$p]:-}" ] || continue
        if [ "${ANSWER[$p]}" = "$BDNS_EXPECTED" ]; then
            same+="${same:+, }$(peer_label "$p")"
        else
            echo "    answer ($(peer_label "$p")) differs: ${ANSWER[$p]}"
        fi
    done
    [ -n "$same" ] && echo "    answer the same from: $same"
    echo
    if [ "$D_KIND" = async ]; then
        bdns_print_async
    else
        bdns_print_seq
    fi
    # shellcheck disable=SC2046 # peer names are single words
    print_mix 8 lookup $(bdns_wanted)
    return 0
}

# bdns_can_judge PEERS...: 0 when every one of them ran in the last pass; else prints why not.
bdns_can_judge() {
    local p
    for p in "$@"; do
        if ! bdns_peer_wanted "$p" || [ -n "${NA[$p]:-}" ]; then
            echo "    targets: not judged ($(peer_label "$p"): ${NA[$p]:-not run})"
            return 1
        fi
    done
}

# One DNS scenario: world, fixtures, every peer, the table, the answers and the targets.
# Scenario 12 twice: (a) NSD directly, (b) through the relay, and its target judged on (b).
bdns_run_scenario() {
    local s=$1 lo_ratio lo_glibc
    bdns_scenario "$s" || return
    CURRENT_SCENARIO=$s
    D_TAG=""
    bdns_reset
    if ! bdns_world_up; then
        echo
        echo "[$s] $S_TITLE"
        echo "    n/a: $BDNS_STATE"
        return
    fi
    bdns_header
    echo
    echo "[$s] $S_TITLE"
    echo "    $S_CALL"
    if [ -z "$D_RESOLV_RTT" ]; then
        bdns_pass "$s" "$D_RESOLV" 1 || return
        echo
        local need=gaix
        [ "$s" = 9 ] && need="gaix floor"
        # shellcheck disable=SC2086 # peer names are single words
        bdns_can_judge $need && bdns_targets "$s"
        return
    fi

    echo
    echo "    (a) loopback only: NSD on $BDNS_SERVER asked directly (no added delay: a loopback round" \
        "trip, some 10-40 us)"
    bdns_pass "$s" "$D_RESOLV" 1 || return
    lo_ratio=$(div "${P50[gaix-par]:-n/a}" "${P50[gaix]:-n/a}")
    lo_glibc=$(div "${P50[glibc]:-n/a}" "${P50[gaix]:-n/a}")
    echo
    echo "    (b) simulated round trip: through dns_delay on $BDNS_RELAY port 53, which holds every" \
        "query and reply ${BDNS_DELAY_US:-?} us ($BDNS_RTT_US us round trip)"
    D_TAG=" (b)"
    if bdns_relay_up; then
        bdns_reset
        bdns_pass "$s" "$D_RESOLV_RTT" 0
        bdns_relay_down
        bdns_relay_report
        echo "    (system calls and allocations per lookup: as in (a), not measured again)"
    else
        bdns_reset
        NA[gaix]="no simulated round trip: $BDNS_RELAY_STATE"
        echo "    n/a: $BDNS_RELAY_STATE"
    fi
    D_TAG=""
    echo
    echo "    for information, (a) loopback only: gaix parallel-search p50 / gaix sequential p50 =" \
        "$(fmt_ratio "$lo_ratio") (glibc: $(fmt_ratio "$lo_glibc")); not judged"
    bdns_can_judge gaix gaix-par && bdns_targets "$s"
}

# The notes for a missed DNS target (from run.sh's profile_notes): what gaix's lookups cost, once
# per scenario.
declare -A GAIX_ALLOCS=() GAIX_SRVBUSY=() BDNS_NOTED=()
bdns_notes() {
    local s=$1
    if [ -n "${BDNS_NOTED[$s]:-}" ]; then
        echo "    (gaix's costs in scenario $s: as above)"
        return
    fi
    BDNS_NOTED[$s]=1
    echo "    gaix system calls per lookup: ${GAIX_MIX[$s]:-not measured}"
    echo "    gaix allocations per lookup: ${GAIX_ALLOCS[$s]:-not measured}"
    [ -n "${GAIX_SRVBUSY[$s]:-}" ] &&
        echo "    NSD's CPU seconds per second of gaix's async run: ${GAIX_SRVBUSY[$s]} (1.00: the server, not gaix, set the pace)"
    return 0
}
