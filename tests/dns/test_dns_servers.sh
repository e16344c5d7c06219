#!/bin/bash
# The DNS servers gaix is tested against, proven with clients that are not gaix: inside a fresh
# `unshare -m -n` namespace (loopback only: nothing can leave it),
#
#   NSD (tests/dns/dns_harness.sh, zone from tests/dns/zones.py) on 127.0.0.2, .3 and .4, and
#   the demo zone (demo/zones/) on ::1, asked with Debian's dig: A, AAAA, CNAME chains of 1..8,
#   NXDOMAIN, NODATA, TC over UDP for the 100-AAAA RRset (with and without EDNS) and the whole
#   set over TCP, search-list and load names, one answer per instance, failover when one stops,
#   clean stops;
#   fakedns (tests/dns/fakedns.py) asked with dig (TC then TCP, BADVERS, the query log) and with
#   tests/dns/selftest_fakedns.py (raw sockets and dnspython: byte-exact malformed replies, drop,
#   delay, replies from another port or address, two replies, TCP close, cut, trickle and
#   garbage, the query log, lifetime and SIGTERM, the loopback-only rule);
#   every case of tests/dns/cases/ served for real by fakedns (validate_cases.py --live).
#
#   bash tests/dns/test_dns_servers.sh BUILD_DIR      (BUILD_DIR is not used)
#
# Needs root (namespaces): without it prints "SKIPPED: needs root" and succeeds, except under
# CI=true, where it fails. Needs nsd, dig (dnsutils) and python3-dnspython, which
# scripts/deps.sh check installs. Ends with "N passed, N failed"; non-zero exit on any failure.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/dns_harness.sh"

# ---- outside: one namespace for everything -----------------------------------------------------
if [ -z "${GX_DNS_INSIDE:-}" ]; then
    dns_need_root
    missing=""
    command -v nsd >/dev/null 2>&1 || missing="$missing nsd"
    command -v dig >/dev/null 2>&1 || missing="$missing dnsutils"
    /usr/bin/python3 -c 'import dns.message' 2>/dev/null || missing="$missing python3-dnspython"
    if [ -n "$missing" ]; then
        echo "FAIL: missing Debian packages:$missing (scripts/deps.sh check installs them)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    out=$(DNS_OUTER_NETNS=$(readlink /proc/self/ns/net) GX_DNS_INSIDE=1 \
        timeout 600 unshare -m -n bash "$0" "$@" 2>&1)
    rc=$?
    echo "$out"
    p=$(grep -c '^PASS ' <<<"$out")
    f=$(grep -c '^FAIL ' <<<"$out")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: the namespace exited with status $rc"
        f=1
    fi
    echo "$p passed, $f failed"
    [ "$f" = 0 ]
    exit
fi

# ---- inside the namespace ------------------------------------------------------------------------
work=$(mktemp -d /tmp/gaix-dns.XXXXXX)
cleanup() {
    local d
    for d in "$work"/ns* "$work"/demo "$work"/fake*; do
        [ -d "$d" ] || continue
        nsd_stop "$d"
        fakedns_stop "$d"
    done
    rm -rf "$work"
}
trap cleanup EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
expect_eq() { # name got want
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got [$2], want [$3]"; fi
}
q() { # ADDR NAME TYPE [dig options...]: dig's full output, one try, a 2 s wait
    local addr=$1
    shift
    dig "@$addr" -p 53 +time=2 +tries=1 "$@" 2>&1
}
short() { q "$@" +short | tr '\n' ' ' | sed 's/ $//'; }
status() { q "$@" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'; }
flags() { q "$@" | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p'; }
count() { # ADDR NAME QTYPE RRTYPE [opts]: the number of answer RRs of RRTYPE
    local addr=$1 name=$2 qtype=$3 rrtype=$4
    shift 4
    q "$addr" "$name" "$qtype" "$@" +noall +answer | awk -v t="$rrtype" '$4 == t' | wc -l
}
log_seq() { # LOG: "transport qtype qname" of every query, space-separated, in order
    /usr/bin/python3 -c '
import json, sys
print(" ".join("%s/%s/%s" % (e["transport"], e["qtype"], e["qname"])
               for e in map(json.loads, open(sys.argv[1])) if e["event"] == "query"))' "$1"
}

dns_lo_up || { fail "loopback up"; exit 1; }

# NSD: three instances of the test zone, and the demo zone on ::1.
dns_test_zone "$work/zone" ns
for n in 2 3 4; do
    dns_test_zone "$work/zone$n" "ns$n" >/dev/null &&
        nsd_start "$work/ns$n" "127.0.0.$n" 53 "$work/zone$n/test.zone" ||
        fail "NSD ns$n starts on 127.0.0.$n:53"
done
nsd_start "$work/demo" ::1 53 "$here/../../demo/zones/kernel.org.zone" \
    "$here/../../demo/zones/iana.org.zone" || fail "NSD with the demo zone starts on [::1]:53"

ns=127.0.0.2
expect_eq "NSD: A a.test" "$(short $ns a.test A)" "192.0.2.1"
expect_eq "NSD: AAAA a.test" "$(short $ns a.test AAAA)" "2001:db8::1"
expect_eq "NSD: A two.test (two addresses, zone order)" "$(short $ns two.test A)" "192.0.2.3 192.0.2.4"
expect_eq "NSD: a.test is authoritative (aa)" "$(flags $ns a.test A)" "qr aa rd"
for n in 1 2 3 4 5 6 7 8; do
    expect_eq "NSD: chain$n.test is $n CNAMEs then AAAA 2001:db8::1:$n" \
        "$(count $ns chain$n.test AAAA CNAME) $(short $ns chain$n.test AAAA | awk '{print $NF}')" \
        "$n 2001:db8::1:$n"
done
expect_eq "NSD: nx.test is NXDOMAIN" "$(status $ns nx.test A)" "NXDOMAIN"
expect_eq "NSD: nodata.test A is NOERROR, no answer, SOA in authority" \
    "$(status $ns nodata.test A) $(count $ns nodata.test A A) $(q $ns nodata.test A +noall +authority | awk '{print $4}')" \
    "NOERROR 0 SOA"
expect_eq "NSD: big.test AAAA over UDP with EDNS 1232 is truncated (tc, no answers)" \
    "$(flags $ns big.test AAAA +notcp +ignore +bufsize=1232) $(count $ns big.test AAAA AAAA +notcp +ignore +bufsize=1232)" \
    "qr aa tc rd 0"
expect_eq "NSD: big.test AAAA over UDP without EDNS is truncated" \
    "$(flags $ns big.test AAAA +notcp +ignore +noedns)" "qr aa tc rd"
expect_eq "NSD: big.test AAAA over TCP is whole (100 AAAA)" "$(count $ns big.test AAAA AAAA +tcp)" "100"
expect_eq "NSD: dig falls back from TC to TCP by itself and gets 100 AAAA" \
    "$(count $ns big.test AAAA AAAA)" "100"
expect_eq "NSD: search-list names host.s1.test host.s2.test only.s2.test" \
    "$(short $ns host.s1.test A) $(short $ns host.s2.test A) $(short $ns only.s2.test A) $(status $ns only.s1.test A)" \
    "192.0.2.21 192.0.2.22 192.0.2.23 NXDOMAIN"
expect_eq "NSD: load names n0 and n999.load.test" \
    "$(short $ns n0.load.test A) $(short $ns n999.load.test A) $(short $ns n999.load.test AAAA)" \
    "198.51.100.1 198.51.100.250 2001:db8:10ad::3e7"
expect_eq "NSD: each instance answers for itself (whoami on .2 .3 .4)" \
    "$(short 127.0.0.2 whoami.test TXT) $(short 127.0.0.3 whoami.test TXT) $(short 127.0.0.4 whoami.test TXT)" \
    '"ns2" "ns3" "ns4"'
expect_eq "NSD on ::1: demo zone ftp.kernel.org A (three documentation addresses)" \
    "$(short ::1 ftp.kernel.org A)" "192.0.2.21 198.51.100.21 203.0.113.21"
expect_eq "NSD on ::1: demo zone iana.org A and AAAA" \
    "$(short ::1 iana.org A) $(short ::1 iana.org AAAA)" "192.0.2.80 2001:db8:88:200::8"
if nsd_stop "$work/ns3"; then pass "NSD ns3 stops on SIGTERM"; else fail "NSD ns3 stops on SIGTERM"; fi
expect_eq "failover: ns3 stopped no longer answers, ns2 and ns4 still do" \
    "$(q 127.0.0.3 whoami.test TXT +short | grep -c '"ns3"') $(short 127.0.0.2 whoami.test TXT) $(short 127.0.0.4 whoami.test TXT)" \
    '0 "ns2" "ns4"'
stopped=0
for d in "$work/ns2" "$work/ns4" "$work/demo"; do
    pid=$(cat "$d/pid" 2>/dev/null) || continue
    nsd_stop "$d" && ! kill -0 "$pid" 2>/dev/null && stopped=$((stopped + 1))
done
expect_eq "NSD: the other instances stop cleanly" "$stopped" "3"

# fakedns, asked by dig.
cat >"$work/t19.json" <<'EOF'
{"rules": [
  {"match": {"qname": "big.test", "transport": "udp"}, "actions": [{"reply": {"tc": 1, "aa": 1}}]},
  {"match": {"qname": "big.test", "transport": "tcp"}, "actions": [{"reply": {"aa": 1, "answers": [
    {"type": "AAAA", "data": "2001:db8:b16::1", "count": 100, "increment": true}]}}]},
  {"match": {"qname": "badvers.test"}, "actions": [{"reply": {"rcode": "BADVERS", "edns": {}}}]}],
 "zone": {"a.test": {"A": ["192.0.2.1"], "AAAA": ["2001:db8::1"]}, "c.test": {"CNAME": "a.test"}},
 "default": ["answer"]}
EOF
if fakedns_start "$work/fake1" "$work/t19.json" 127.0.0.1:53; then
    expect_eq "fakedns: zone answer A a.test, CNAME c.test (dig)" \
        "$(short 127.0.0.1 a.test A) $(short 127.0.0.1 c.test AAAA)" "192.0.2.1 a.test. 2001:db8::1"
    : >"$work/fake1/log.jsonl"
    expect_eq "fakedns: T19 dig gets TC over UDP, then 100 AAAA over TCP" \
        "$(count 127.0.0.1 big.test AAAA AAAA)" "100"
    expect_eq "fakedns: the log shows the UDP query, then the TCP one" \
        "$(log_seq "$work/fake1/log.jsonl")" "udp/AAAA/big.test tcp/AAAA/big.test"
    expect_eq "fakedns: W28 BADVERS in the OPT record (dig)" "$(status 127.0.0.1 badvers.test A)" "BADVERS"
    : >"$work/fake1/log.jsonl"
    q 127.0.0.1 Mixed.Case.TEST A +bufsize=1232 >/dev/null
    q 127.0.0.1 a.test AAAA +noedns +norecurse >/dev/null
    got=$(/usr/bin/python3 -c '
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e["event"] == "query":
        print(e["qname"], e["qtype"], e["edns"], e["edns_payload"], e["flags"]["rd"], end=" ")' \
        "$work/fake1/log.jsonl")
    expect_eq "fakedns: the log records name as asked, type, EDNS and its size, RD" "$got" \
        "Mixed.Case.TEST A True 1232 1 a.test AAAA False None 0 "
    fakedns_stop "$work/fake1" || fail "fakedns stops on SIGTERM"
else
    fail "fakedns starts on 127.0.0.1:53"
fi

# fakedns, proven with raw sockets and dnspython.
timeout 120 /usr/bin/python3 "$here/selftest_fakedns.py" "$work/selftest" 2>&1 ||
    echo "FAIL selftest_fakedns.py exited with status $?"

# Every case of the catalogue, served for real.
mkdir -p "$work/live"
timeout 300 /usr/bin/python3 "$here/validate_cases.py" --live "$work/live" 2>&1 ||
    echo "FAIL validate_cases.py --live exited with status $?"
