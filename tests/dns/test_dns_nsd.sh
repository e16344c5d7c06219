#!/bin/bash
# gaix's resolver against a real authoritative server: NSD (tests/dns/dns_harness.sh) serving the
# generated zones (tests/dns/zones.py --extra: the test zone, its reverse zones and a root zone)
# on 127.0.0.2, .3 and .4 port 53 and on [::1]:5353, inside a fresh `unshare -m -n` namespace
# (loopback only: no packet can leave it). Every lookup goes through tests/dns/nsd_prog (the
# library through gaix.h, with explicit servers and no system file) or the gaix CLI.
#
# Checked: A, AAAA, both; CNAME chains of 1..8 with AI_CANONNAME (the final target); the 100-AAAA
# RRset (TC over UDP, then TCP, all 100 returned); NXDOMAIN, NODATA; the search list and ndots;
# failover past a stopped server (at once) and past a silent one (after the first timeout, within
# the schedule); options rotate, use-vc, single-request, no-aaaa; AF_INET6 with AI_V4MAPPED and
# AI_ALL; the result details (source, server, rcode, queries, TTL); getnameinfo's PTR lookups
# with NI_NAMEREQD and the numeric fallback; `gaix --trace`; descriptors closed after each run.
# What gaix sent is checked on the wire too, by tests/dns/lo_sniff.py (a loopback sniffer that
# is not gaix).
#
#   bash tests/dns/test_dns_nsd.sh BUILD_DIR
#
# Needs root (namespaces), nsd and dig: without root prints "SKIPPED: needs root" and succeeds,
# except under CI=true, where it fails. One line per check, "ok NAME" or "FAIL NAME: why"; ends
# with "N passed, N failed"; non-zero exit on any failure.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/dns_harness.sh"

# ---- outside: checks, then the namespace ------------------------------------------------------
[ -n "${GX_DNS_INSIDE:-}" ] || dns_namespace_run 300 "${1:-}" tests/nsd_prog gaix -- nsd dig

# ---- inside the namespace ----------------------------------------------------------------------
build=$1
P=$build/tests/nsd_prog
work=$(mktemp -d /tmp/gaix-nsd.XXXXXX)
sniffer=""
ns3_pids=""
cleanup() {
    local d
    # shellcheck disable=SC2086
    [ -n "$ns3_pids" ] && kill -CONT $ns3_pids 2>/dev/null
    for d in "$work"/ns*; do
        nsd_stop "$d"
    done
    [ -n "$sniffer" ] && dns_stop_pid "$sniffer"
    rm -rf "$work"
}
trap cleanup EXIT

ok() { echo "ok $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
check() { # NAME GOT WANT
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got [$2], want [$3]"; fi
}
check_match() { # NAME GOT EXTENDED-REGEX
    if [[ $2 =~ $3 ]]; then ok "$1"; else fail "$1" "got [$2], want /$3/"; fi
}

# nsd_prog with the defaults of every check: one server, no search list, a short schedule.
q() { "$P" --server 127.0.0.2 --options "timeout:1 attempts:2" "$@" 2>&1; }
# FIELD OUTPUT [CALL]: KEY=VALUE of the result line of call CALL (default 1).
field() { awk -v k="$1" -v c="${3:-1}" '$1 == "call" && $2 == c {
    for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit } }' <<<"$2"; }
# The addresses of the list in order, each once (the lists here have one socket type).
addrs() { awk '$1 == "addr" { print $3 }' <<<"$1" | tr '\n' ' ' | sed 's/ $//'; }
sorted_addrs() { awk '$1 == "addr" { print $3 }' <<<"$1" | sort -u | tr '\n' ' ' | sed 's/ $//'; }
fds_same() { awk '$1 == "fds" { split($2, b, "="); split($3, a, "="); print (b[2] == a[2]) ? "same" : $0 }' <<<"$1"; }
# Elapsed milliseconds as an integer (a huge one when the call printed nothing: it crashed).
elapsed() { local v; v=$(field elapsed_ms "$1" "${2:-1}" | cut -d. -f1); echo "${v:-999999}"; }

# ---- the wire ----------------------------------------------------------------------------------
marks=0
# mark: asks NSD for a marker name and waits until the sniffer logged the reply, so that every
# message before it is in the log; prints the log's line count.
mark() {
    local i name
    marks=$((marks + 1))
    name=mark$marks.test
    dig @127.0.0.2 -p 53 +time=1 +tries=1 +short "$name" A >/dev/null 2>&1
    for ((i = 0; i < 200; i++)); do
        if grep -q "\"qname\": \"$name\", \"qr\": 1" "$work/sniff.jsonl" 2>/dev/null; then
            wc -l <"$work/sniff.jsonl"
            return 0
        fi
        sleep 0.02
    done
    echo "sniffer did not log $name" >&2
    wc -l <"$work/sniff.jsonl"
}
# wire SINCE: the messages logged after line SINCE, markers left out, one per line
# ("udp Q A a.test 127.0.0.2" / "tcp R AAAA big.test 127.0.0.2 tc=0 an=100 rcode=0").
wire() { "$DNS_PYTHON" "$here/lo_sniff.py" --summary "$work/sniff.jsonl" --since "$1" $ports | grep -v ' mark[0-9]*\.test '; }
ports=""
# Runs one nsd_prog command between two marks: sets $out and $w (the messages it caused).
wq() {
    local since
    since=$(mark)
    out=$(q "$@")
    mark >/dev/null
    w=$(wire "$since")
}
wq_cli() { # like wq for the gaix CLI (stdout and stderr in $out)
    local since
    since=$(mark)
    out=$("$build/gaix" "$@" 2>&1)
    mark >/dev/null
    w=$(wire "$since")
}
qlines() { awk '$2 == "Q" { print $1, $3, $4, $5 }' <<<"$w" | tr '\n' ';' | sed 's/;$//'; }

# ---- servers -----------------------------------------------------------------------------------
dns_lo_up || { fail "loopback up"; exit 1; }
for n in 2 3 4 6; do
    "$DNS_PYTHON" "$here/zones.py" "$work/zone$n" --whoami "ns$n" --load-names 10 --extra ||
        fail "zones for ns$n"
done
zonefiles() { # N: the zone files of instance N (the test zone first: nsd_start waits on its SOA)
    echo "$work/zone$1/test.zone" "$work/zone$1/2.0.192.in-addr.arpa.zone" \
        "$work/zone$1/8.b.d.0.1.0.0.2.ip6.arpa.zone" "$work/zone$1/..zone"
}
for n in 2 3 4; do
    # shellcheck disable=SC2046
    nsd_start "$work/ns$n" "127.0.0.$n" 53 $(zonefiles $n) || fail "NSD ns$n starts on 127.0.0.$n:53"
done
# shellcheck disable=SC2046
nsd_start "$work/ns6" ::1 5353 $(zonefiles 6) || fail "NSD ns6 starts on [::1]:5353"

"$DNS_PYTHON" "$here/lo_sniff.py" --out "$work/sniff.jsonl" --ready "$work/sniff.ready" \
    --lifetime 280 2>"$work/sniff.err" &
sniffer=$!
for ((i = 0; i < 200; i++)); do
    [ -f "$work/sniff.ready" ] && break
    sleep 0.05
done
[ -f "$work/sniff.ready" ] || { fail "the loopback sniffer starts" "$(cat "$work/sniff.err")"; exit 1; }
mark >/dev/null

# ---- A, AAAA, both -----------------------------------------------------------------------------
wq a.test 80 --family inet --socktype stream
check "A: a.test AF_INET is 192.0.2.1 port 80" "$(addrs "$out")" "192.0.2.1"
check "A: details source=dns server=127.0.0.2:53 rcode=0 queries=1 ttl=300" \
    "$(field source "$out") $(field server "$out") $(field rcode "$out") $(field queries "$out") $(field ttl "$out")" \
    "dns 127.0.0.2:53 0 1 300"
check "A: on the wire one UDP A query, to 127.0.0.2" "$(qlines)" "udp A a.test 127.0.0.2"
check "A: the port is the service's" "$(awk '$1 == "addr" { print $4 }' <<<"$out")" "80"
wq a.test --family inet6 --socktype stream
check "AAAA: a.test AF_INET6 is 2001:db8::1" "$(addrs "$out")" "2001:db8::1"
check "AAAA: one UDP AAAA query" "$(qlines)" "udp AAAA a.test 127.0.0.2"
ports=--ports
wq a.test --socktype stream
ports=""
check "both: a.test AF_UNSPEC is 192.0.2.1 and 2001:db8::1" "$(sorted_addrs "$out")" "192.0.2.1 2001:db8::1"
# Whether NSD's first reply overtakes the second query on loopback is a race: what is certain
# is one socket (one source port) carrying both questions, as glibc's send_dg does.
check "both: A and AAAA asked together, from one socket" \
    "$(awk '$2 == "Q" { print $3 }' <<<"$w" | sort | tr '\n' ' ')$(awk '$2 == "Q" { print $6 }' <<<"$w" | sort -u | wc -l)" \
    "A AAAA 1"
check "both: details queries=2 rcode=0" "$(field queries "$out") $(field rcode "$out")" "2 0"
out=$(q two.test --socktype stream)
check "both: two.test has two of each" "$(sorted_addrs "$out")" \
    "192.0.2.3 192.0.2.4 2001:db8::3 2001:db8::4"
out=$(q a.test)
check "both: socktype 0 gives stream, dgram and raw per address" "$(field n "$out")" "6"
out=$(q v4only.test --socktype stream)
check "both: v4only.test (AAAA is NODATA) is its A alone" "$(addrs "$out") $(field rc "$out")" "192.0.2.2 0"
out=$(q v6only.test --socktype stream --family inet)
check "A: v6only.test AF_INET is EAI_NODATA" "$(field eai "$out")" "EAI_NODATA"
out=$("$P" --server '[::1]:5353' a.test --socktype stream --family inet)
check "IPv6 server with a port: [::1]:5353 answers a.test" \
    "$(addrs "$out") $(field server "$out")" "192.0.2.1 [::1]:5353"

# ---- CNAME chains --------------------------------------------------------------------------------
for n in 1 2 3 4 5 6 7 8; do
    out=$(q "chain$n.test" --socktype stream --flags canonname)
    check "CNAME chain of $n: AI_CANONNAME is the final target, its addresses" \
        "$(field canon "$out") $(sorted_addrs "$out")" "chain$n-$n.test 192.0.2.$((100 + n)) 2001:db8::1:$n"
done
out=$(q chain3.test --socktype stream)
check "CNAME chain without AI_CANONNAME: no canonical name" "$(field canon "$out")" "-"
out=$(q a.test --socktype stream --flags canonname)
check "no CNAME: AI_CANONNAME is the name itself" "$(field canon "$out")" "a.test"

# ---- TC then TCP ---------------------------------------------------------------------------------
wq big.test --family inet6 --socktype stream
check "big.test AF_INET6: all 100 AAAA, not truncated by the cap" \
    "$(field n "$out") $(field truncated "$out")" "100 0"
check "big.test: the 100 addresses are 2001:db8:b16::1..64" \
    "$(addrs "$out" | tr ' ' '\n' | sort -u | wc -l) $(addrs "$out" | tr ' ' '\n' | grep -c '^2001:db8:b16::')" "100 100"
check "big.test: UDP query, TC=1 reply, the same question over TCP, 100 answers" \
    "$(tr '\n' ';' <<<"$w")" \
    "udp Q AAAA big.test 127.0.0.2;udp R AAAA big.test 127.0.0.2 tc=1 an=0 rcode=0;tcp Q AAAA big.test 127.0.0.2;tcp R AAAA big.test 127.0.0.2 tc=0 an=100 rcode=0;"
check "big.test: details count the TCP query (queries=2), descriptors closed" \
    "$(field queries "$out") $(fds_same "$out")" "2 same"
out=$(q big.test --socktype stream)
check "big.test AF_UNSPEC: 100 AAAA and the A" "$(field n "$out") $(addrs "$out" | tr ' ' '\n' | grep -c '^192\.0\.2\.200$')" "101 1"

# ---- NXDOMAIN, NODATA ---------------------------------------------------------------------------
out=$(q nx.test --socktype stream)
check "NXDOMAIN: nx.test is EAI_NONAME, rcode 3" "$(field eai "$out") $(field rcode "$out") $(field source "$out")" "EAI_NONAME 3 none"
out=$(q nx.test --socktype stream --family inet6)
check "NXDOMAIN: nx.test AF_INET6 is EAI_NONAME" "$(field eai "$out")" "EAI_NONAME"
for fam in unspec inet inet6; do
    out=$(q nodata.test --socktype stream --family $fam)
    check "NODATA: nodata.test AF_${fam^^} is EAI_NODATA, rcode 0" "$(field eai "$out") $(field rcode "$out")" "EAI_NODATA 0"
done

# ---- search list and ndots ----------------------------------------------------------------------
wq host --socktype stream --search s3.test --search s2.test --options "ndots:1 timeout:1 attempts:2" --flags canonname
check "search s3.test s2.test: host is host.s2.test (192.0.2.22)" \
    "$(addrs "$out") $(field canon "$out")" "192.0.2.22 host.s2.test"
check "search: asked host.s3.test (NXDOMAIN) then host.s2.test, never the bare name" \
    "$(awk '$2 == "Q" { print $4 }' <<<"$w" | uniq | tr '\n' ' ')" "host.s3.test host.s2.test "
out=$(q host --socktype stream --search s1.test --search s2.test --options "ndots:1")
check "search s1.test s2.test: host is host.s1.test, the first domain that has it" "$(addrs "$out")" "192.0.2.21"
out=$(q only --socktype stream --search s1.test --search s2.test --options "ndots:1")
check "search s1.test s2.test: only is only.s2.test (only.s1.test is NXDOMAIN)" "$(addrs "$out")" "192.0.2.23"
wq nx --socktype stream --search s1.test --search s2.test --options "ndots:1 timeout:1 attempts:2"
check "search: nx tries nx.s1.test, nx.s2.test, then nx as is; EAI_NONAME" \
    "$(awk '$2 == "Q" { print $4 }' <<<"$w" | uniq | tr '\n' ' ')$(field eai "$out")" "nx.s1.test nx.s2.test nx EAI_NONAME"
wq a.test --socktype stream --search s1.test --search s2.test --options "ndots:1 timeout:1 attempts:2"
check "search: a.test (dots >= ndots) is asked as is first, and found" \
    "$(awk '$2 == "Q" { print $4 }' <<<"$w" | uniq | tr '\n' ' ')$(addrs "$out" | tr ' ' '\n' | sort | tr '\n' ' ')" \
    "a.test 192.0.2.1 2001:db8::1 "
wq host.s2 --socktype stream --search test --options "ndots:2 timeout:1 attempts:2"
check "search test, ndots:2: host.s2 (1 dot) is host.s2.test, found before the name as is" \
    "$(addrs "$out") $(awk '$2 == "Q" { print $4 }' <<<"$w" | uniq | tr '\n' ' ')" "192.0.2.22 host.s2.test "
out=$(q host --socktype stream --search s3.test --search s2.test --options "ndots:1 parallel-search")
check "parallel-search: host with search s3.test s2.test is still host.s2.test" "$(addrs "$out")" "192.0.2.22"
wq a.test --socktype stream --search s3.test --search s2.test --options "ndots:5 parallel-search"
check "parallel-search, ndots:5: a.test (found as is, asked last in order) is a.test; all three asked" \
    "$(sorted_addrs "$out") $(awk '$2 == "Q" { print $4 }' <<<"$w" | sort -u | tr '\n' ' ')" \
    "192.0.2.1 2001:db8::1 a.test a.test.s2.test a.test.s3.test "
wq a.test. --socktype stream --search s1.test --options "ndots:5 timeout:1 attempts:2"
check "search: a trailing dot is never searched" \
    "$(awk '$2 == "Q" { print $4 }' <<<"$w" | uniq | tr '\n' ' ')$(field rc "$out")" "a.test 0"

# ---- rotate ----------------------------------------------------------------------------------------
three=(--server 127.0.0.2 --server 127.0.0.3 --server 127.0.0.4)
out=$("$P" "${three[@]}" --options "timeout:1 attempts:2 rotate" --repeat 6 a.test --socktype stream)
servers=$(for c in 1 2 3 4 5 6; do field server "$out" $c; done | sort | uniq -c | awk '{ print $2 "x" $1 }' | tr '\n' ' ')
check "rotate: six calls on one context are answered by each of three servers twice" \
    "$servers" "127.0.0.2:53x2 127.0.0.3:53x2 127.0.0.4:53x2 "
check "rotate: every call answered" "$(grep -c 'rc=0 ' <<<"$out")" "6"
out=$("$P" "${three[@]}" --options "timeout:1 attempts:2" --repeat 6 a.test --socktype stream)
check "without rotate: all six calls go to the first server" \
    "$(for c in 1 2 3 4 5 6; do field server "$out" $c; done | sort -u | tr '\n' ' ')" "127.0.0.2:53 "

# ---- use-vc, single-request, no-aaaa ---------------------------------------------------------------
wq a.test --socktype stream --options "use-vc timeout:1 attempts:2"
check "use-vc: answered (both families)" "$(sorted_addrs "$out")" "192.0.2.1 2001:db8::1"
check "use-vc: every query over TCP, none over UDP" \
    "$(awk '$2 == "Q" { print $1 }' <<<"$w" | sort | uniq -c | awk '{ print $2 "x" $1 }' | tr '\n' ' ')" "tcpx2 "
wq a.test --socktype stream --options "single-request timeout:1 attempts:2"
check "single-request: answered (both families)" "$(sorted_addrs "$out")" "192.0.2.1 2001:db8::1"
check "single-request: A, its reply, then AAAA and its reply" \
    "$(awk '{ print $2, $3 }' <<<"$w" | tr '\n' ';')" "Q A;R A;Q AAAA;R AAAA;"
wq a.test --socktype stream --options "single-request-reopen timeout:1 attempts:2"
check "single-request-reopen: answered, A before AAAA" \
    "$(sorted_addrs "$out") $(awk '{ print $2, $3 }' <<<"$w" | tr '\n' ';')" \
    "192.0.2.1 2001:db8::1 Q A;R A;Q AAAA;R AAAA;"
wq a.test --socktype stream --options "no-aaaa timeout:1 attempts:2"
check "no-aaaa: AF_UNSPEC gives the A only, and no AAAA query is sent" \
    "$(addrs "$out") $(qlines)" "192.0.2.1 udp A a.test 127.0.0.2"
# glibc 2.36 answers AF_INET6 under no-aaaa without an AAAA query: EAI_NODATA for a name that
# exists, EAI_NONAME for one that does not (it asks A to tell them apart).
wq a.test --socktype stream --family inet6 --options "no-aaaa timeout:1 attempts:2"
check "no-aaaa: AF_INET6 a.test is EAI_NODATA, no AAAA query" \
    "$(field eai "$out") $(grep -c ' AAAA ' <<<"$w")" "EAI_NODATA 0"
wq nx.test --socktype stream --family inet6 --options "no-aaaa timeout:1 attempts:2"
check "no-aaaa: AF_INET6 nx.test is EAI_NONAME (as glibc), no AAAA query" \
    "$(field eai "$out") $(grep -c ' AAAA ' <<<"$w")" "EAI_NONAME 0"
wq a.test --socktype stream --family inet6 --flags v4mapped --options "no-aaaa timeout:1 attempts:2"
check "no-aaaa: AF_INET6 + AI_V4MAPPED gives the mapped A, asking A only" \
    "$(addrs "$out") $(qlines)" "::ffff:192.0.2.1 udp A a.test 127.0.0.2"

# ---- AF_INET6 with AI_V4MAPPED (and AI_ALL) ------------------------------------------------------
wq v4only.test --socktype stream --family inet6 --flags v4mapped
check "V4MAPPED: v4only.test AF_INET6 is ::ffff:192.0.2.2 (AAAA asked first, then A)" \
    "$(addrs "$out") $(awk '$2 == "Q" { print $3 }' <<<"$w" | tr '\n' ' ')" "::ffff:192.0.2.2 AAAA A "
check "V4MAPPED: the entry is AF_INET6" "$(awk '$1 == "addr" { print $2 }' <<<"$out")" "inet6"
wq a.test --socktype stream --family inet6 --flags v4mapped
check "V4MAPPED: a.test has AAAA: no mapped address, no A query" \
    "$(addrs "$out") $(awk '$2 == "Q" { print $3 }' <<<"$w" | tr '\n' ' ')" "2001:db8::1 AAAA "
wq a.test --socktype stream --family inet6 --flags v4mapped,all
check "V4MAPPED|ALL: a.test is 2001:db8::1 and ::ffff:192.0.2.1" "$(sorted_addrs "$out")" "2001:db8::1 ::ffff:192.0.2.1"
check "V4MAPPED|ALL: both AAAA and A asked" "$(awk '$2 == "Q" { print $3 }' <<<"$w" | sort | tr '\n' ' ')" "A AAAA "
check "V4MAPPED|ALL: details count both queries (queries=2)" "$(field queries "$out")" "2"
out=$(q ttl.test --socktype stream --family inet6 --flags v4mapped,all)
check "V4MAPPED|ALL: details TTL is the smallest of the records used (AAAA 30, A 60)" "$(field ttl "$out")" "30"
out=$(q v6only.test --socktype stream --family inet6 --flags v4mapped,all)
check "V4MAPPED|ALL: v6only.test is its AAAA alone" "$(addrs "$out")" "2001:db8::2"
check "V4MAPPED|ALL: v6only.test details name the server of the AAAA answer, its TTL, 2 queries" \
    "$(field source "$out") $(field server "$out") $(field ttl "$out") $(field queries "$out")" \
    "dns 127.0.0.2:53 300 2"
out=$(q nodata.test --socktype stream --family inet6 --flags v4mapped,all)
check "V4MAPPED|ALL: nodata.test is EAI_NODATA" "$(field eai "$out")" "EAI_NODATA"
out=$(q a.test --socktype stream --family inet --flags v4mapped,all)
check "V4MAPPED|ALL with AF_INET: ignored, plain A" "$(addrs "$out")" "192.0.2.1"

# ---- result details: TTL -----------------------------------------------------------------------------
out=$(q ttl.test --socktype stream)
check "TTL: ttl.test AF_UNSPEC is the smaller of A 60 and AAAA 30" "$(field ttl "$out")" "30"
out=$(q ttl.test --socktype stream --family inet)
check "TTL: ttl.test AF_INET is 60" "$(field ttl "$out")" "60"
out=$(q ttlcname.test --socktype stream --family inet --flags canonname)
check "TTL: through a CNAME of TTL 10, 10; canonical name ttl.test" \
    "$(field ttl "$out") $(field canon "$out")" "10 ttl.test"

# ---- failover -------------------------------------------------------------------------------------------
nsd_stop "$work/ns4"
out=$("$P" --server 127.0.0.4 --server 127.0.0.2 --options "timeout:1 attempts:2" a.test --socktype stream --family inet)
check "failover: first server stopped (port unreachable), the answer is the second's" \
    "$(addrs "$out") $(field server "$out")" "192.0.2.1 127.0.0.2:53"
check "failover: a port-unreachable server is left at once (well under the 1 s timeout)" \
    "$(( $(elapsed "$out") < 900 ))" "1"
check "failover: descriptors closed" "$(fds_same "$out")" "same"
# NSD serves from a child process: stop the instance's processes (by their ids), so that its
# socket stays bound (no port unreachable) and queries wait in it unanswered.
descendants() { # PID: PID and every process under it
    local c
    echo "$1"
    for c in $(pgrep -P "$1"); do descendants "$c"; done
}
ns3_pids=$(descendants "$(cat "$work/ns3/pid")" | tr '\n' ' ')
since=$(mark)
# shellcheck disable=SC2086
kill -STOP $ns3_pids
out=$("$P" --server 127.0.0.3 --server 127.0.0.2 --options "timeout:1 attempts:2" a.test --socktype stream --family inet)
mark >/dev/null
w=$(wire "$since")
out_silent=$("$P" --server 127.0.0.3 --options "timeout:1 attempts:2" a.test --socktype stream)
# shellcheck disable=SC2086
kill -CONT $ns3_pids
ms=$(elapsed "$out_silent")
check "failover: the only server silent is EAI_AGAIN after its schedule (2 x 1 s), within U3 (3 s)" \
    "$(field eai "$out_silent") $(( ms >= 1900 && ms <= 3000 ))" "EAI_AGAIN 1"
check "failover: first server silent (stopped with SIGSTOP), the answer is the second's" \
    "$(addrs "$out") $(field server "$out")" "192.0.2.1 127.0.0.2:53"
ms=$(elapsed "$out")
check "failover: after the first server's timeout (1 s), within the schedule (attempts x timeout x servers + 1 = 5 s)" \
    "$(( ms >= 900 && ms <= 5000 ))" "1"
check "failover: asked 127.0.0.3 first, then 127.0.0.2" \
    "$(awk '$2 == "Q" { print $5 }' <<<"$w" | uniq | tr '\n' ' ')" "127.0.0.3 127.0.0.2 "
out=$("$P" --server 127.0.0.4 --server 127.0.0.5 --options "timeout:1 attempts:2" a.test --socktype stream)
check "failover: no server listening at all is EAI_AGAIN, at once" \
    "$(field eai "$out") $(( $(elapsed "$out") < 900 ))" "EAI_AGAIN 1"

# ---- getnameinfo: PTR -------------------------------------------------------------------------------------
wq --reverse 192.0.2.1 80
check "PTR: 192.0.2.1 is a.test, port 80 numeric (no services file)" "$(field host "$out") $(field serv "$out")" "a.test 80"
check "PTR: asked 1.2.0.192.in-addr.arpa PTR" "$(qlines)" "udp PTR 1.2.0.192.in-addr.arpa 127.0.0.2"
out=$(q --reverse 2001:db8::1)
check "PTR: 2001:db8::1 is a.test (ip6.arpa)" "$(field host "$out")" "a.test"
out=$(q --reverse 192.0.2.21)
check "PTR: 192.0.2.21 is host.s1.test" "$(field host "$out")" "host.s1.test"
out=$(q --reverse 192.0.2.99)
check "PTR: no PTR (NXDOMAIN) falls back to the numeric host" "$(field rc "$out") $(field host "$out")" "0 192.0.2.99"
out=$(q --reverse 192.0.2.99 --ni-flags namereqd)
check "PTR: no PTR with NI_NAMEREQD is EAI_NONAME" "$(field eai "$out")" "EAI_NONAME"
out=$(q --reverse 192.0.2.1 --ni-flags namereqd)
check "PTR: NI_NAMEREQD with a PTR is the name" "$(field host "$out")" "a.test"
out=$(q --reverse 192.0.2.66)
check "PTR: a PTR that is not a host name ('bad name.test') falls back to the numeric host" \
    "$(field host "$out")" "192.0.2.66"
out=$(q --reverse 192.0.2.66 --ni-flags namereqd)
check "PTR: a PTR that is not a host name with NI_NAMEREQD is EAI_NONAME" "$(field eai "$out")" "EAI_NONAME"
out=$(q --reverse 2001:db8::99)
check "PTR: 2001:db8::99 without PTR is numeric" "$(field host "$out")" "2001:db8::99"
wq --reverse 192.0.2.1 --ni-flags numerichost
check "PTR: NI_NUMERICHOST asks nothing" "$(field host "$out") [$(qlines)]" "192.0.2.1 []"
out=$("$P" --server 127.0.0.4 --server 127.0.0.5 --options "timeout:1 attempts:2" --reverse 192.0.2.1)
check "PTR: no server answering is EAI_AGAIN, not the numeric host (as glibc's getnameinfo)" \
    "$(field eai "$out")" "EAI_AGAIN"
out=$("$P" --server 127.0.0.4 --server 127.0.0.5 --options "timeout:1 attempts:2" --reverse 192.0.2.1 --ni-flags namereqd)
check "PTR: no server answering with NI_NAMEREQD is EAI_AGAIN" "$(field eai "$out")" "EAI_AGAIN"

# ---- the CLI's --trace -----------------------------------------------------------------------------------
out=$("$build/gaix" --hosts "" --server 127.0.0.2 --timeout 1 --trace a.test 2>&1 >/dev/null)
check_match "gaix --trace: source dns, the server, rcode and TTL" "$out" \
    "^gaix: trace: source dns, [0-9.]+ ms, 2 queries, server 127\.0\.0\.2 port 53, rcode 0, ttl 300 s$"
out=$("$build/gaix" --hosts "" --server '[::1]:5353' --trace a.test 2>&1 >/dev/null)
check_match "gaix --trace: an IPv6 server and its port" "$out" "source dns, .*server ::1 port 5353"
out=$("$build/gaix" --hosts "" --server 127.0.0.2 --trace nx.test 2>&1 >/dev/null)
check_match "gaix --trace: NXDOMAIN shows rcode 3 and no server" "$out" "source none, .*rcode 3"
out=$("$build/gaix" --hosts "" --server 127.0.0.2 --trace 192.0.2.7 2>&1 >/dev/null)
check "gaix --trace: a literal is source numeric, no query" \
    "$(sed 's/, [0-9.]* ms//' <<<"$out")" "gaix: trace: source numeric"
printf '192.0.2.77 fromhosts.test\n' >"$work/hosts"
wq_cli --hosts "$work/hosts" --server 127.0.0.2 --trace fromhosts.test
check "gaix --trace: a hosts name is source hosts, and nothing is sent" \
    "$(grep -c 'trace: source hosts' <<<"$out") [$(qlines)]" "1 []"

# ---- no leaks of descriptors over a run of many lookups --------------------------------------------------------
out=$(q n3.load.test --socktype stream --repeat 50)
check "50 lookups on one context: all answered, descriptors closed" \
    "$(grep -c 'rc=0 ' <<<"$out") $(fds_same "$out")" "50 same"

exit 0
