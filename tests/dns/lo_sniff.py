#!/usr/bin/python3
"""Logs the DNS messages that cross the loopback of a test's network namespace.

    lo_sniff.py --out FILE --ready FILE [--port 53] [--lifetime SECONDS]
    lo_sniff.py --summary FILE [--since N] [--ports]

A witness that is not gaix: what gaix claims to have sent (use-vc, single-request, no-aaaa, the
search order, TC then TCP, which server) is checked against the packets themselves. It reads
every frame on `lo` through an AF_PACKET socket (root, inside `unshare -m -n` only: it refuses
to run in a namespace that has any interface but lo), keeps the copies the kernel marks as
outgoing (each loopback frame is seen twice), and writes one JSON object per DNS message to or
from PORT, flushed as written:

    {"n": 7, "t": 0.0123, "proto": "udp", "src": "127.0.0.1", "sport": 40000,
     "dst": "127.0.0.2", "dport": 53, "id": 4242, "qr": 0, "tc": 0, "rcode": 0,
     "qname": "a.test", "qtype": "A", "ancount": 0}

TCP segments are read as 2-byte length prefixes and messages when a segment starts with a whole
header (on loopback a query or a reply is one segment); other segments are ignored. --ready is
written once the socket is bound; the sniffer stops on SIGTERM or after --lifetime seconds
(default 300). --summary prints one line per message ("udp Q A a.test 127.0.0.2" / "tcp R AAAA
big.test 127.0.0.2 tc=0 an=100"; with --ports the client's port is added, "sport=N" on a query
and "dport=N" on a reply) from line --since on, for shell tests to grep.
"""

import argparse
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
QTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 16: "TXT", 28: "AAAA", 41: "OPT"}


def read_name(msg, off):
    """The question name at off (no compression in a question), or None."""
    labels = []
    while off < len(msg):
        n = msg[off]
        if n == 0:
            return ".".join(labels) if labels else ".", off + 1
        if n & 0xC0 or off + 1 + n > len(msg):
            return None, off
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "backslashreplace"))
        off += 1 + n
    return None, off


def parse_dns(msg):
    if len(msg) < 12:
        return None
    ident, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    d = {"id": ident, "qr": flags >> 15, "tc": (flags >> 9) & 1, "rcode": flags & 15,
         "ancount": an, "qname": None, "qtype": None}
    if qd >= 1:
        name, off = read_name(msg, 12)
        if name is not None and off + 4 <= len(msg):
            qtype = struct.unpack("!H", msg[off:off + 2])[0]
            d["qname"] = name
            d["qtype"] = QTYPES.get(qtype, "TYPE%d" % qtype)
    return d


def parse_frame(frame, port):
    """(proto, src, sport, dst, dport, [dns messages]) of an Ethernet frame, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    ip = frame[14:]
    if ethertype == 0x0800 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        proto = ip[9]
        src, dst = socket.inet_ntop(socket.AF_INET, ip[12:16]), socket.inet_ntop(socket.AF_INET, ip[16:20])
        l4 = ip[ihl:total]
    elif ethertype == 0x86DD and len(ip) >= 40:
        plen = struct.unpack("!H", ip[4:6])[0]
        proto = ip[6]
        src, dst = socket.inet_ntop(socket.AF_INET6, ip[8:24]), socket.inet_ntop(socket.AF_INET6, ip[24:40])
        l4 = ip[40:40 + plen]
    else:
        return None
    if proto == 17 and len(l4) >= 8:
        sport, dport = struct.unpack("!HH", l4[:4])
        payload, kind = l4[8:], "udp"
    elif proto == 6 and len(l4) >= 20:
        sport, dport = struct.unpack("!HH", l4[:4])
        payload, kind = l4[(l4[12] >> 4) * 4:], "tcp"
    else:
        return None
    if port not in (sport, dport) or not payload:
        return None
    msgs = []
    if kind == "udp":
        msgs.append(payload)
    else:
        off = 0
        while off + 2 + 12 <= len(payload):
            n = struct.unpack("!H", payload[off:off + 2])[0]
            if off + 2 + n > len(payload):
                break
            msgs.append(payload[off + 2:off + 2 + n])
            off += 2 + n
    return kind, src, sport, dst, dport, msgs


def only_loopback():
    return sorted(name for _, name in socket.if_nameindex()) == ["lo"]


def sniff(a):
    if not only_loopback():
        print("lo_sniff.py: this namespace has interfaces besides lo: run me inside "
              "`unshare -m -n`", file=sys.stderr)
        return 2
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("lo", 0))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    out = open(a.out, "a", encoding="ascii")
    with open(a.ready + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(a.ready + ".tmp", a.ready)
    start = time.monotonic()
    n = 0
    while not stop and time.monotonic() - start < a.lifetime:
        try:
            r, _, _ = select.select([s], [], [], 0.2)
        except InterruptedError:
            continue
        if not r:
            continue
        frame, addr = s.recvfrom(65536)
        if addr[2] != PACKET_OUTGOING:
            continue
        p = parse_frame(frame, a.port)
        if not p:
            continue
        kind, src, sport, dst, dport, msgs = p
        for m in msgs:
            d = parse_dns(m)
            if d is None:
                continue
            n += 1
            d.update({"n": n, "t": round(time.monotonic() - start, 6), "proto": kind,
                      "src": src, "sport": sport, "dst": dst, "dport": dport})
            out.write(json.dumps(d, sort_keys=True) + "\n")
            out.flush()
    out.close()
    return 0


def summary(a):
    with open(a.summary, encoding="ascii") as f:
        for line in f:
            e = json.loads(line)
            if e["n"] <= a.since:
                continue
            if e["qr"]:
                line = "%s R %s %s %s tc=%d an=%d rcode=%d" % (
                    e["proto"], e["qtype"], e["qname"], e["src"], e["tc"], e["ancount"], e["rcode"])
                port = " dport=%d" % e["dport"]
            else:
                line = "%s Q %s %s %s" % (e["proto"], e["qtype"], e["qname"], e["dst"])
                port = " sport=%d" % e["sport"]
            print(line + (port if a.ports else ""))
    return 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out")
    p.add_argument("--ready")
    p.add_argument("--port", type=int, default=53)
    p.add_argument("--lifetime", type=float, default=300)
    p.add_argument("--summary")
    p.add_argument("--since", type=int, default=0)
    p.add_argument("--ports", action="store_true")
    a = p.parse_args(argv)
    if a.summary:
        return summary(a)
    if not a.out or not a.ready:
        p.error("--out and --ready are needed")
    return sniff(a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
