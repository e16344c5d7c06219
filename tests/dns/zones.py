#!/usr/bin/python3
"""Writes the zone of gaix's DNS tests, served by a real authoritative server (NSD).

    zones.py DIR [--whoami TEXT] [--load-names N]

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

The output depends only on the arguments, so a test can assert exact answers.
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


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir")
    p.add_argument("--whoami", default="ns")
    p.add_argument("--load-names", type=int, default=1000)
    a = p.parse_args(argv)
    if not 0 <= a.load_names <= LOAD_MAX:
        p.error("--load-names must be 0..%d" % LOAD_MAX)
    os.makedirs(a.dir, exist_ok=True)
    path = os.path.join(a.dir, "test.zone")
    with open(path + ".tmp", "w", encoding="ascii") as f:
        f.write(zone_text(a.whoami, a.load_names))
    os.rename(path + ".tmp", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
