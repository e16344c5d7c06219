#!/usr/bin/python3
"""Writes the zone of gaix's DNS tests, served by a real authoritative server (NSD).

    zones.py DIR [--whoami TEXT] [--load-names N] [--extra]

DIR/test.zone is the zone "test." with (every address from the documentation ranges,
RFC 5737 and RFC 3849):

  a.test            A 192.0.2.1, AAAA 2001:db8::1 (the default query of TEST-VECTORS 5.0)
  v4only.test       A 192.0.2.2 only            v6only.test   AAAA 2001:db8::2 only
  two.test          A 192.0.2.3 192.0.2.4, AAAA 2001:db8::3 2001:db8::4
  chainN.test       N = 1..8: a chain of N CNAMEs, chainN -> chainN-1 -> ... -> chainN-N,
                    which has A 192.0.2.(100+N) and AAAA 2001:db8::1:N
  big.test          100 AAAA 2001:db8:b16::1 .. 2001:db8:b16::64 (about 2.9 kB: over UDP,
                    with EDNS 1232 or without, the reply is truncated, TC=1; over TCP it is
                    whole) and A 192.0.2.200
  nodata.test       TXT only: NOERROR with no A/AAAA (NODATA)
  (anything else)   NXDOMAIN, e.g. nx.test
  host.s1.test      A 192.0.2.21    host.s2.test  A 192.0.2.22    only.s2.test A 192.0.2.23
                    (search-list tests: `search s1.test s2.test`)
  nI.load.test      I = 0..N-1 (--load-names, default 1000): A 198.51.100.(I mod 250 + 1)
                    and AAAA 2001:db8:10ad::I (hex) for load tests and benchmarks
  whoami.test       TXT TEXT (--whoami, default "ns"): which of several instances answered

With --extra (tests/dns/test_dns_nsd.sh, test_async_dns.sh, the DNS differential test), more
zones beside it, each DIR/<zone name>.zone as dns_harness.sh's nsd_start expects:

  test.zone gains   ttl.test     A 192.0.2.5 (TTL 60), AAAA 2001:db8::5 (TTL 30)
                    ttlcname.test CNAME ttl.test (TTL 10)
                    badptr.test  A 192.0.2.66 (its PTR is not a host name)
                    dangling.test CNAME nx.test (NXDOMAIN), cnodata.test CNAME nodata.test,
                    outside.test CNAME www.example. (out of zone: NSD gives the CNAME alone)
                    UpperCase.test CNAME Two.Test. (the case of names in answers)
                    badcname.test CNAME "bad target.test" (not a host name), which has
                    A 192.0.2.7; under_score.test A 192.0.2.8
  2.0.192.in-addr.arpa.zone      PTR for 192.0.2.1 a.test, .2 v4only.test, .3 and .4
                                 two.test, .21 host.s1.test, .66 "bad name.test" (a space:
                                 no host name, TEST-VECTORS N06); nothing for .99
  8.b.d.0.1.0.0.2.ip6.arpa.zone  PTR for 2001:db8::1 a.test, ::2 v6only.test, ::3 two.test
  ..zone            the root zone "." (file name "." + ".zone"): SOA and NS only, so that a
                    name outside test. is NXDOMAIN, as a recursive resolver would say,
                    instead of NSD's REFUSED for names outside its zones
"""

import argparse
import os
import sys

HEADER = """$ORIGIN test.
$TTL 300
@           IN SOA  ns.test. hostmaster.test. 1 3600 600 86400 60
@           IN NS   ns.test.
ns          IN A    192.0.2.53
a           IN A    192.0.2.1
a           IN AAAA 2001:db8::1
v4only      IN A    192.0.2.2
v6only      IN AAAA 2001:db8::2
two         IN A    192.0.2.3
two         IN A    192.0.2.4
two         IN AAAA 2001:db8::3
two         IN AAAA 2001:db8::4
nodata      IN TXT  "this name has no address"
host.s1     IN A    192.0.2.21
host.s2     IN A    192.0.2.22
only.s2     IN A    192.0.2.23
big         IN A    192.0.2.200
"""

CHAIN_MAX = 8           # TEST-VECTORS N01: a chain of 8 CNAMEs is the longest case
BIG_AAAA = 100          # 100 x 28 bytes of AAAA RRs: well over the 1232-byte EDNS payload
LOAD_MAX = 100000       # names in load.test: 100,000 x 2 lines is about 6 MB of zone


def zone_text(whoami, load_names):
    lines = [HEADER]
    for n in range(1, CHAIN_MAX + 1):
        lines.append("chain%d      IN CNAME chain%d-1\n" % (n, n))
        for k in range(1, n):
            lines.append("chain%d-%d    IN CNAME chain%d-%d\n" % (n, k, n, k + 1))
        lines.append("chain%d-%d    IN A    192.0.2.%d\n" % (n, n, 100 + n))
        lines.append("chain%d-%d    IN AAAA 2001:db8::1:%d\n" % (n, n, n))
    for k in range(1, BIG_AAAA + 1):
        lines.append("big         IN AAAA 2001:db8:b16::%x\n" % k)
    for i in range(load_names):
        lines.append("n%d.load IN A 198.51.100.%d\n" % (i, i % 250 + 1))
        lines.append("n%d.load IN AAAA 2001:db8:10ad::%x\n" % (i, i))
    txt = whoami.replace("\\", "\\\\").replace('"', '\\"')
    lines.append('whoami      IN TXT  "%s"\n' % txt)
    return "".join(lines)


EXTRA_TEST = """ttl         60 IN A    192.0.2.5
ttl         30 IN AAAA 2001:db8::5
ttlcname    10 IN CNAME ttl
badptr      IN A    192.0.2.66
dangling    IN CNAME nx.test.
cnodata     IN CNAME nodata.test.
outside     IN CNAME www.example.
UpperCase   IN CNAME Two.Test.
badcname    IN CNAME bad\\032target.test.
bad\\032target IN A 192.0.2.7
under_score IN A    192.0.2.8
"""

REVERSE4 = {1: "a.test.", 2: "v4only.test.", 3: "two.test.", 4: "two.test.",
            21: "host.s1.test.", 66: "bad\\032name.test."}
REVERSE6 = {1: "a.test.", 2: "v6only.test.", 3: "two.test."}


def soa_zone(origin, body):
    return ("$ORIGIN %s\n$TTL 300\n"
            "@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n"
            "@ IN NS  ns.test.\n%s" % (origin, body))


def extra_zones():
    """The zones --extra writes beside test.zone: {file name: text}."""
    v4 = "".join("%d IN PTR %s\n" % (k, v) for k, v in sorted(REVERSE4.items()))
    # 2001:db8::K in ip6.arpa, less the zone's 8 nibbles: 24 nibbles, K's first.
    v6 = "".join("%s IN PTR %s\n" % (".".join(("%024x" % k)[::-1]), v)
                 for k, v in sorted(REVERSE6.items()))
    return {
        "2.0.192.in-addr.arpa.zone": soa_zone("2.0.192.in-addr.arpa.", v4),
        "8.b.d.0.1.0.0.2.ip6.arpa.zone": soa_zone("8.b.d.0.1.0.0.2.ip6.arpa.", v6),
        "..zone": soa_zone(".", ""),
    }


def write_atomic(path, text):
    with open(path + ".tmp", "w", encoding="ascii") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--whoami", default="ns")
    p.add_argument("--load-names", type=int, default=1000)
    p.add_argument("--extra", action="store_true",
                   help="also the reverse zones, the root zone and the TTL names")
    a = p.parse_args(argv)
    if not 0 <= a.load_names <= LOAD_MAX:
        p.error("--load-names must be 0..%d" % LOAD_MAX)
    os.makedirs(a.dir, exist_ok=True)
    text = zone_text(a.whoami, a.load_names)
    if a.extra:
        text += EXTRA_TEST
        for name, zone in extra_zones().items():
            write_atomic(os.path.join(a.dir, name), zone)
    write_atomic(os.path.join(a.dir, "test.zone"), text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
