# shellcheck shell=bash
# The DNS servers of gaix's tests, started and stopped by the test itself: sourced, never run.
# Everything here is meant for the inside of a network namespace the test made (`unshare -m -n`),
# where the loopback is the only network: servers bind to 127.0.0.x or ::1 only, and nothing is
# ever sent anywhere else.
#
#   dns_skip REASON                  SKIPPED and exit 0; with CI=true a failure (exit 1)
#   dns_need_root                    outside: skip unless root with unshare -m -n and the tools
#   dns_namespace_run TIMEOUT_S BUILD_DIR BUILT... -- TOOL...
#                                    outside, the whole outer half of a test: the checks, then
#                                    the script again inside `unshare -m -n`, its "ok"/"FAIL"
#                                    lines counted (below); never returns
#   dns_lo_up                        inside: bring the loopback up
#   dns_test_zone DIR [WHOAMI [N]]   write DIR/test.zone (tests/dns/zones.py: names listed there)
#   nsd_start DIR ADDR PORT ZONEFILE...
#                                    start NSD in DIR (made here: config, pid, log, state) on
#                                    ADDR@PORT serving each ZONEFILE (zone name = file name less
#                                    .zone), as root without dropping privileges or chroot, in
#                                    the foreground under our own job control; return once it
#                                    answers the first zone's SOA over UDP and TCP (bounded)
#   nsd_stop DIR                     SIGTERM, wait (bounded), SIGKILL if it must
#   fakedns_start DIR RULES LISTEN [ARGS...]
#                                    start tests/dns/fakedns.py with RULES on LISTEN (ADDR:PORT,
#                                    repeatable through ARGS as --listen ...); log in DIR/log.jsonl;
#                                    return once DIR/ready exists (bounded); the bound port is in
#                                    DIR/port
#   fakedns_stop DIR                 SIGTERM, wait (bounded)
#   dns_wait_answer ADDR PORT NAME TYPE [+tcp]
#                                    poll with dig until the server answers (bounded)
#
# A server that never comes up makes the function return 1 with the reason on stderr: the caller
# counts it as a failure. Every server also stops by itself (fakedns after its --lifetime,
# default 120 s; NSD when the namespace's last process ends, which `timeout` around `unshare`
# bounds).

DNS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DNS_PYTHON=/usr/bin/python3
DNS_WAIT_TRIES=400          # x 0.05 s (plus dig's 1 s wait): 20 s or more to come up
DNS_STOP_TRIES=100          # x 0.05 s: and 5 s to go away after SIGTERM

dns_skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: this test must run, not skip)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    echo "SKIPPED: $1"
    echo "0 passed, 0 failed"
    exit 0
}

dns_need_root() {
    local tool
    [ "$(id -u)" = 0 ] || dns_skip "needs root"
    for tool in unshare ip timeout "$DNS_PYTHON"; do
        command -v "$tool" >/dev/null 2>&1 || dns_skip "needs root and $tool"
    done
    unshare -m -n true 2>/dev/null || dns_skip "needs root (unshare -m -n refused)"
}

# dns_namespace_run TIMEOUT_S BUILD_DIR BUILT... -- TOOL...: the outside of a test whose checks
# run in a namespace of its own. Skips unless root (dns_need_root); fails when a BUILT file (a
# path below BUILD_DIR) is not built or a TOOL is not on PATH; then runs the calling script ($0)
# again as `GX_DNS_INSIDE=1 unshare -m -n bash $0 BUILD_DIR` under `timeout TIMEOUT_S`, prints
# its output and counts its "ok " and "FAIL " lines into "N passed, N failed". A namespace that
# exits non-zero without a FAIL line (a crash, the timeout) counts as one failure. Exits 0 when
# nothing failed, 1 otherwise.
dns_namespace_run() {
    local timeout_s=$1 build tool out rc passed failed
    build=$(cd "${2:?usage: ${0##*/} BUILD_DIR}" && pwd)
    shift 2
    dns_need_root
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        if [ ! -x "$build/$1" ]; then
            echo "FAIL: $build/$1 is not built"
            echo "0 passed, 1 failed"
            exit 1
        fi
        shift
    done
    [ $# -eq 0 ] || shift
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "FAIL: $tool is missing (scripts/deps.sh check installs it)"
            echo "0 passed, 1 failed"
            exit 1
        fi
    done
    out=$(GX_DNS_INSIDE=1 timeout "$timeout_s" unshare -m -n bash "$0" "$build" 2>&1)
    rc=$?
    echo "$out"
    passed=$(grep -c '^ok ' <<<"$out")
    failed=$(grep -c '^FAIL ' <<<"$out")
    if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
        echo "FAIL: the namespace exited with status $rc"
        failed=1
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit
}

dns_lo_up() {
    ip link set lo up
}

dns_test_zone() {
    "$DNS_PYTHON" "$DNS_DIR/zones.py" "$1" --whoami "${2:-ns}" --load-names "${3:-1000}"
}

# dns_wait_answer ADDR PORT NAME TYPE [+tcp]: 0 once dig gets any reply (any rcode).
dns_wait_answer() {
    local addr=$1 port=$2 name=$3 type=$4 mode=${5:-+notcp} i
    for ((i = 0; i < DNS_WAIT_TRIES; i++)); do
        if dig "@$addr" -p "$port" "$name" "$type" "$mode" +time=1 +tries=1 +norecurse \
            2>/dev/null | grep -q '^;; ->>HEADER<<-'; then
            return 0
        fi
        sleep 0.05
    done
    echo "no answer from $addr port $port for $name $type ($mode)" >&2
    return 1
}

nsd_start() {
    local dir=$1 addr=$2 port=$3 f zone first=""
    shift 3
    mkdir -p "$dir" || return 1
    {
        echo "server:"
        echo "    ip-address: $addr@$port"
        echo "    port: $port"
        echo "    server-count: 1"
        echo "    username: \"\""
        echo "    chroot: \"\""
        echo "    zonesdir: \"$dir\""
        echo "    database: \"\""
        echo "    zonelistfile: \"$dir/zone.list\""
        echo "    xfrdfile: \"$dir/xfrd.state\""
        echo "    xfrdir: \"$dir\""
        echo "    pidfile: \"$dir/nsd.pid\""
        echo "    logfile: \"$dir/nsd.log\""
        echo "    verbosity: 1"
        echo "    hide-version: yes"
        echo "    hide-identity: yes"
        echo "    round-robin: no"
        echo "    tcp-count: 256"
        # Response rate limiting (NSD's default: 200 answers a second per /24, then dropped or
        # truncated) would turn a test's bursts from 127.0.0.1 into timeouts and TC=1: off.
        echo "    rrl-ratelimit: 0"
        echo "    rrl-whitelist-ratelimit: 0"
        echo "remote-control:"
        echo "    control-enable: no"
        for f in "$@"; do
            zone=$(basename "$f" .zone)
            [ -n "$first" ] || first=$zone
            cp "$f" "$dir/$zone.zone" || return 1
            echo "zone:"
            echo "    name: \"$zone\""
            echo "    zonefile: \"$zone.zone\""
        done
    } >"$dir/nsd.conf"
    nsd-checkconf "$dir/nsd.conf" >&2 || { echo "nsd-checkconf refused $dir/nsd.conf" >&2; return 1; }
    nsd -d -c "$dir/nsd.conf" >>"$dir/nsd.out" 2>&1 &
    echo $! >"$dir/pid"
    dns_wait_answer "$addr" "$port" "$first" SOA +notcp && dns_wait_answer "$addr" "$port" "$first" SOA +tcp ||
        { echo "NSD in $dir did not come up:" >&2; tail -5 "$dir/nsd.log" "$dir/nsd.out" >&2; return 1; }
}

# dns_stop_pid PID: SIGTERM, wait up to DNS_STOP_TRIES x 0.05 s, then SIGKILL.
dns_stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < DNS_STOP_TRIES; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.05
    done
    echo "process $pid ignored SIGTERM: killing it" >&2
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 1
}

nsd_stop() {
    [ -f "$1/pid" ] || return 0
    dns_stop_pid "$(cat "$1/pid")"
    local rc=$?
    rm -f "$1/pid"
    return $rc
}

fakedns_start() {
    local dir=$1 rules=$2 listen=$3 i
    shift 3
    mkdir -p "$dir" || return 1
    rm -f "$dir/ready" "$dir/port"
    "$DNS_PYTHON" "$DNS_DIR/fakedns.py" --rules "$rules" --listen "$listen" --log "$dir/log.jsonl" \
        --ready "$dir/ready" "$@" 2>>"$dir/stderr" &
    echo $! >"$dir/pid"
    for ((i = 0; i < DNS_WAIT_TRIES; i++)); do
        if [ -f "$dir/ready" ]; then
            "$DNS_PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["listen"][0]["port"])' \
                "$dir/ready" >"$dir/port"
            return 0
        fi
        kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
        sleep 0.05
    done
    echo "fakedns in $dir did not come up:" >&2
    cat "$dir/stderr" >&2
    return 1
}

fakedns_stop() {
    [ -f "$1/pid" ] || return 0
    dns_stop_pid "$(cat "$1/pid")"
    local rc=$?
    rm -f "$1/pid"
    return $rc
}
