#!/usr/bin/python3
"""Proves tests/dns/fakedns.py does what its instruction files say, with clients of our own.

    selftest_fakedns.py WORKDIR

Run by tests/dns/test_dns_servers.sh inside the network namespace it made (the program refuses
to run in the host's namespace). Each scenario starts fakedns on 127.0.0.1 (or ::1) with a small
instruction file, talks to it through plain sockets with queries built here with struct, and
checks what came back against bytes written out by hand in this file (never by fakedns's own
builder) or, for well-formed replies, against dnspython's parser, an independent implementation.
Prints "PASS name" or "FAIL name: why" per check.
"""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
FAKEDNS = os.path.join(HERE, "fakedns.py")
PYTHON = "/usr/bin/python3"
READY_TRIES = 400           # x 0.05 s to come up: 20 s, for a machine under heavy load
REPLY_WAIT_S = 5.0          # the longest wait for a reply that must come
ZONE = {"a.test": {"A": ["192.0.2.1"], "AAAA": ["2001:db8::1"]}}
results = {"pass": 0, "fail": 0}


def check(name, ok, why=""):
    if ok:
        results["pass"] += 1
        print("PASS %s" % name)
    else:
        results["fail"] += 1
        print("FAIL %s: %s" % (name, why))
    sys.stdout.flush()


# ---- an independent query builder -----------------------------------------------------------------

def wire_name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def query(qid, name, qtype=1, rd=1, edns=None):
    """A query: header, one question, an OPT record with payload `edns` when given."""
    flags = 0x0100 if rd else 0
    msg = struct.pack(">HHHHHH", qid, flags, 1, 0, 0, 1 if edns else 0)
    msg += wire_name(name) + struct.pack(">HH", qtype, 1)
    if edns:
        msg += b"\0" + struct.pack(">HHIH", 41, edns, 0, 0)
    return msg


# ---- a fakedns under test --------------------------------------------------------------------------

class Fake:
    count = 0

    def __init__(self, work, rules, listen="127.0.0.1:0", extra=()):
        Fake.count += 1
        self.dir = os.path.join(work, "fake%02d" % Fake.count)
        os.makedirs(self.dir, exist_ok=True)
        self.rules = os.path.join(self.dir, "rules.json")
        with open(self.rules, "w") as f:
            json.dump(rules, f)
        self.log = os.path.join(self.dir, "log.jsonl")
        ready = os.path.join(self.dir, "ready")
        self.proc = subprocess.Popen([PYTHON, FAKEDNS, "--rules", self.rules, "--listen", listen,
                                      "--log", self.log, "--ready", ready, "--lifetime", "60",
                                      *extra], stderr=open(os.path.join(self.dir, "stderr"), "w"))
        self.port = None
        for _ in range(READY_TRIES):
            if os.path.exists(ready):
                with open(ready) as f:
                    self.port = json.load(f)["listen"][0]["port"]
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.port is None:
            raise RuntimeError("fakedns did not come up in %s" % self.dir)
        self.addr = listen.rsplit(":", 1)[0].strip("[]")

    def events(self, kind=None, at_least=0):
        """The logged events (of one kind), once at least `at_least` are there (bounded)."""
        deadline = time.monotonic() + REPLY_WAIT_S
        while True:
            with open(self.log) as f:
                evs = [json.loads(line) for line in f if line.endswith("\n")]
            evs = [e for e in evs if kind is None or e["event"] == kind]
            if len(evs) >= at_least or time.monotonic() > deadline:
                return evs
            time.sleep(0.02)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def udp_exchange(addr, port, msg, wait=REPLY_WAIT_S, sock=None, expect=1):
    """Send msg; collect datagrams until `expect` have arrived or `wait` s have passed:
    [(seconds, src, bytes)]. A check that wants silence passes expect=None and a short wait."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = sock or socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::1" if fam == socket.AF_INET6 else "127.0.0.1", 0)) if sock is None else None
    t0 = time.monotonic()
    s.sendto(msg, (addr, port))
    got = []
    while True:
        left = t0 + wait - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, src = s.recvfrom(65535)
        except socket.timeout:
            break
        got.append((time.monotonic() - t0, src, data))
        if expect is not None and len(got) >= expect:
            break
    if sock is None:
        s.close()
    return got


def frames_in(data):
    """The number of complete length-prefixed messages at the start of data."""
    n = 0
    while len(data) >= 2 and len(data) >= 2 + struct.unpack(">H", data[:2])[0]:
        data = data[2 + struct.unpack(">H", data[:2])[0]:]
        n += 1
    return n


def tcp_exchange(addr, port, msg, wait=REPLY_WAIT_S, frame=True, frames=None):
    """Send msg (framed); read chunks until EOF, until `frames` whole messages have arrived, or
    for `wait` s: ([(seconds, bytes)], eof)."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(wait)
    t0 = time.monotonic()
    s.connect((addr, port))
    if msg is not None:
        s.sendall((struct.pack(">H", len(msg)) if frame else b"") + msg)
    chunks, eof = [], False
    while True:
        left = t0 + wait - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            eof = "rst"
            break
        if not data:
            eof = True
            break
        chunks.append((time.monotonic() - t0, data))
        if frames is not None and frames_in(b"".join(c[1] for c in chunks)) >= frames:
            break
    s.close()
    return chunks, eof


def h(text):
    return bytes.fromhex("".join(text.split()))


# ---- scenarios ---------------------------------------------------------------------------------

def scenarios(work):
    fakes = []

    def fake(rules, **kw):
        f = Fake(work, rules, **kw)
        fakes.append(f)
        return f

    QNAME = "01 61 04 74 65 73 74 00"          # a.test
    try:
        # 1. The standard answer from the zone, read by dnspython.
        f = fake({"zone": ZONE, "default": ["answer"]})
        got = udp_exchange("127.0.0.1", f.port, query(0x1111, "a.test", 1))
        ok = len(got) == 1
        if ok:
            m = dns.message.from_wire(got[0][2])
            addrs = [r.address for rr in m.answer for r in rr]
            ok = (m.id == 0x1111 and m.rcode() == dns.rcode.NOERROR and addrs == ["192.0.2.1"]
                  and m.flags & dns.flags.QR and m.flags & dns.flags.AA and m.flags & dns.flags.RD)
        check("zone answer: A a.test is 192.0.2.1 (dnspython)", ok, repr(got))
        got = udp_exchange("127.0.0.1", f.port, query(0x1112, "nx.test", 1))
        ok = len(got) == 1 and dns.message.from_wire(got[0][2]).rcode() == dns.rcode.NXDOMAIN
        check("zone answer: nx.test is NXDOMAIN (dnspython)", ok, repr(got))

        # 2. W08: the question's name is a pointer to itself. Byte-exact.
        f = fake({"rules": [{"actions": [{"reply": {"question": [{"name": {"ptr": "self"}}]}}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x2222, "a.test", 1))
        want = h("2222 8180 0001 0000 0000 0000  c00c 0001 0001")
        check("W08 self-pointer reply is byte-exact", [g[2] for g in got] == [want],
              "%r" % [g[2].hex() for g in got])

        # 3. W03: header-only SERVFAIL, QDCOUNT 0. Byte-exact (RD copied from the query).
        f = fake({"rules": [{"actions": [{"reply": {"question": "none", "rcode": "SERVFAIL"}}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x3333, "a.test", 1))
        check("W03 header-only SERVFAIL is byte-exact",
              [g[2] for g in got] == [h("3333 8182 0000 0000 0000 0000")],
              "%r" % [g[2].hex() for g in got])

        # 4. W06: ANCOUNT lies (65535, one RR). Byte-exact, and dnspython refuses it.
        f = fake({"rules": [{"actions": [{"reply": {"ancount": 65535, "answers": [
            {"data": "192.0.2.1"}]}}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x4444, "a.test", 1))
        want = h("4444 8180 0001 ffff 0000 0000" + QNAME + "0001 0001"
                 "c00c 0001 0001 0000012c 0004 c0000201")
        ok = [g[2] for g in got] == [want]
        try:
            dns.message.from_wire(want)
            ok = False
        except Exception:
            pass
        check("W06 lying ANCOUNT is byte-exact and malformed to dnspython", ok,
              "%r" % [g[2].hex() for g in got])

        # 5. Raw bytes verbatim, with the query's ID substituted: W02's 3-byte datagram.
        f = fake({"rules": [{"actions": [{"raw": "{id} 81"}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x5555, "a.test", 1))
        check("W02 raw 3-byte datagram with the query's ID", [g[2] for g in got] == [h("5555 81")],
              "%r" % [g[2].hex() for g in got])

        # 6. W28: BADVERS through the OPT record's extended RCODE; header RCODE 0. Byte-exact.
        f = fake({"rules": [{"actions": [{"reply": {"rcode": "BADVERS", "edns": {}}}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x6666, "a.test", 1, edns=1232))
        want = h("6666 8180 0001 0000 0000 0001" + QNAME + "0001 0001"
                 "00 0029 04d0 01000000 0000")
        ok = [g[2] for g in got] == [want] and dns.message.from_wire(want).rcode() == 16
        check("W28 BADVERS in the OPT record is byte-exact (dnspython: rcode 16)", ok,
              "%r" % [g[2].hex() for g in got])

        # 7. Compression off: the owner name written in full; trailing garbage kept (W07).
        f = fake({"rules": [{"actions": [{"reply": {"compress": False, "answers": [
            {"data": "192.0.2.1", "ttl": 0x80000000}], "trailing_hex": "deadbeef"}}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x7777, "a.test", 1))
        want = h("7777 8180 0001 0001 0000 0000" + QNAME + "0001 0001" + QNAME +
                 "0001 0001 80000000 0004 c0000201 deadbeef")
        check("W07/W37 uncompressed owner, TTL 2^31, trailing bytes: byte-exact",
              [g[2] for g in got] == [want], "%r" % [g[2].hex() for g in got])

        # 8. Drop: nothing comes back; the query is in the log.
        f = fake({"rules": [{"match": {"qname": "a.test"}, "actions": ["drop"]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x8888, "a.test", 28), wait=0.5, expect=None)
        qs = f.events("query", 1)
        check("drop: no reply within 0.5 s, the query logged",
              got == [] and len(qs) == 1 and qs[0]["id"] == 0x8888 and qs[0]["qtype"] == "AAAA",
              "%r %r" % (got, qs))

        # 9. Delay 300 ms, then the answer.
        f = fake({"zone": ZONE, "rules": [{"actions": [{"delay_ms": 300}, "answer"]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x9999, "a.test", 1))
        check("delay 300 ms: one reply, not before 0.3 s",
              len(got) == 1 and got[0][0] >= 0.3, "%r" % [(g[0], g[2].hex()) for g in got])

        # 10. V08: the right reply from another source port; V07: from another address.
        f = fake({"zone": ZONE, "rules": [
            {"match": {"qtype": "A"}, "actions": [{"answer": {}, "source": "other_port"}]},
            {"match": {"qtype": "AAAA"}, "actions": [{"answer": {}, "source": "127.0.0.2"}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0xAAAA, "a.test", 1))
        ok = (len(got) == 1 and got[0][1][0] == "127.0.0.1" and got[0][1][1] != f.port
              and dns.message.from_wire(got[0][2]).id == 0xAAAA)
        check("V08 reply from another source port", ok, "%r port %d" % (got, f.port))
        got = udp_exchange("127.0.0.1", f.port, query(0xAAAB, "a.test", 28))
        ok = len(got) == 1 and got[0][1] == ("127.0.0.2", f.port)
        check("V07 reply from 127.0.0.2, same port", ok, "%r port %d" % (got, f.port))
        sends = f.events("send", 2)
        check("send events name their source", len(sends) == 2 and
              sends[1]["src"] == "127.0.0.2:%d" % f.port, "%r" % sends)

        # 11. V01: two replies, wrong ID then right ID.
        f = fake({"zone": ZONE, "rules": [{"actions": [{"answer": {"id": "wrong"}}, "answer"]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x0102, "a.test", 1), expect=2)
        ids = [struct.unpack(">H", g[2][:2])[0] for g in got]
        check("V01 two replies: wrong ID (ID^0xFFFF) then the right one", ids == [0xFEFD, 0x0102],
              "%r" % ids)

        # 12. nth: T05 flapping, queries 1 and 3 answered, 2 dropped.
        f = fake({"zone": ZONE, "rules": [{"match": {"nth": 2}, "actions": ["drop"]}],
                  "default": ["answer"]})
        counts = [len(udp_exchange("127.0.0.1", f.port, query(0x0200 + k, "a.test", 1),
                                   wait=REPLY_WAIT_S if k != 1 else 0.5, expect=1))
                  for k in range(3)]
        rules = [q["rule"] for q in f.events("query", 3)]
        check("T05 nth: replies to queries 1, 2, 3 are 1, 0, 1", counts == [1, 0, 1]
              and rules == [None, 0, None], "%r %r" % (counts, rules))

        # 13. T19: TC=1 over UDP, the whole answer over TCP; a TCP reply, read framed.
        f = fake({"rules": [
            {"match": {"transport": "udp"}, "actions": [{"reply": {"tc": 1}}]},
            {"match": {"transport": "tcp"}, "actions": [{"reply": {"answers": [
                {"type": "AAAA", "data": "2001:db8:b16::1", "count": 100, "increment": True}]}}]}]})
        got = udp_exchange("127.0.0.1", f.port, query(0x1313, "a.test", 28))
        ok = len(got) == 1 and dns.message.from_wire(got[0][2]).flags & dns.flags.TC
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1314, "a.test", 28), frames=1)
        data = b"".join(c[1] for c in chunks)
        if ok and len(data) >= 2 and struct.unpack(">H", data[:2])[0] == len(data) - 2:
            m = dns.message.from_wire(data[2:])
            ok = sum(len(rr) for rr in m.answer) == 100 and m.id == 0x1314
        else:
            ok = False
        check("T19 TC=1 over UDP, 100 AAAA over TCP (dnspython)", ok, "%d bytes" % len(data))

        # 14. T14: close right after accept; close after the first byte of the reply.
        f = fake({"zone": ZONE, "tcp_accept": [{"nth": 1, "actions": ["close"]}],
                  "rules": [{"actions": [{"answer": {}, "send_bytes": 1}, "close"]}]})
        chunks, eof = tcp_exchange("127.0.0.1", f.port, None)
        check("T14 TCP closed right after accept", chunks == [] and eof is True, "%r %r" % (chunks, eof))
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1414, "a.test", 1))
        check("T14 TCP closed after 1 byte", b"".join(c[1] for c in chunks) == b"\x00" and eof is True,
              "%r %r" % (chunks, eof))

        # 15. T11: prefix 65535, 100 bytes, close.
        f = fake({"rules": [{"actions": [
            {"raw": "ffff" + "00" * 98, "frame": False}, "close"]}]})
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1515, "a.test", 1))
        data = b"".join(c[1] for c in chunks)
        check("T11 TCP prefix 65535, 100 bytes, then close", data[:2] == b"\xff\xff" and
              len(data) == 100 and eof is True, "%d bytes eof=%r" % (len(data), eof))

        # 16. T13: trickle, 1 byte per 40 ms.
        f = fake({"rules": [{"actions": [{"reply": {"question": "none"},
                                          "trickle": {"chunk": 1, "interval_ms": 40}}]}]})
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1616, "a.test", 1), frames=1)
        data = b"".join(c[1] for c in chunks)
        want = h("000c 1616 8180 0000 0000 0000 0000")
        ok = data == want and len(chunks) >= 10 and chunks[-1][0] - chunks[0][0] >= 0.3
        check("T13 TCP trickle: 14 bytes in >= 10 reads over >= 0.3 s", ok,
              "%r" % [(round(c[0], 3), c[1].hex()) for c in chunks])

        # 17. T16: the reply and garbage in one send; T18: wrong ID then right ID.
        f = fake({"zone": ZONE, "rules": [
            {"match": {"qtype": "A"}, "actions": [{"concat": [
                {"reply": {"question": "none"}}, {"raw": "0004 deadbeef", "frame": False}]}]},
            {"match": {"qtype": "AAAA"}, "actions": [{"answer": {"id": "wrong"}}, "answer"]}]})
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1717, "a.test", 1), frames=2)
        data = b"".join(c[1] for c in chunks)
        check("T16 TCP reply then garbage in the same send, byte-exact",
              data == h("000c 1717 8180 0000 0000 0000 0000 0004 deadbeef"), data.hex())
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1818, "a.test", 28), frames=2)
        data = b"".join(c[1] for c in chunks)
        ids = []
        while len(data) >= 4 and len(ids) < 4:
            n = struct.unpack(">H", data[:2])[0]
            ids.append(struct.unpack(">H", data[2:4])[0])
            data = data[2 + n:]
        check("T18 TCP wrong ID then right ID on one connection", ids == [0x1818 ^ 0xFFFF, 0x1818],
              "%r" % ids)

        # 18. The query log: T21's bytes, EDNS, case as asked, source port.
        f = fake({"zone": ZONE, "default": ["answer"]})
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        q1 = query(0x2121, "A.TeSt", 28, edns=1232)
        udp_exchange("127.0.0.1", f.port, q1, sock=s)
        udp_exchange("127.0.0.1", f.port, query(0x2122, "a.test", 1, rd=0), sock=s)
        udp_exchange("127.0.0.1", f.port, b"\x12\x34\x01", wait=0.5, sock=s, expect=None)
        qs = f.events("query", 3)
        want = [("A.TeSt", "AAAA", True, 1232, 1, 0x2121), ("a.test", "A", False, None, 0, 0x2122),
                (None, None, False, None, 0, 0)]
        have = [(q["qname"], q["qtype"], q["edns"], q["edns_payload"], q["flags"]["rd"], q["id"])
                for q in qs]
        ok = (have == want and qs[0]["hex"] == q1.hex()
              and all(q["sport"] == s.getsockname()[1] and q["transport"] == "udp" for q in qs)
              and qs[2]["error"] == "shorter than a header")
        s.close()
        check("query log: name as asked, type, EDNS payload, RD, ID, bytes, port, malformed",
              ok, "%r" % have)

        # 19. IPv6 loopback.
        f = fake({"zone": ZONE, "default": ["answer"]}, listen="[::1]:0")
        got = udp_exchange("::1", f.port, query(0x1919, "a.test", 28))
        ok = len(got) == 1 and [r.address for rr in dns.message.from_wire(got[0][2]).answer
                                for r in rr] == ["2001:db8::1"]
        check("listens on ::1", ok, repr(got))

        # 20. T17 / T03: no TCP listener (RST); no UDP listener (ICMP port unreachable).
        f = fake({"zone": ZONE, "tcp": False, "default": ["answer"]})
        try:
            tcp_exchange("127.0.0.1", f.port, query(1, "a.test"))
            check("T17 \"tcp\": false leaves the TCP port closed (RST)", False, "connected")
        except ConnectionRefusedError:
            check("T17 \"tcp\": false leaves the TCP port closed (RST)", True)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(REPLY_WAIT_S)
        u.connect(("127.0.0.1", f.port + 1 if f.port < 65535 else f.port - 1))
        try:
            u.send(query(2, "a.test"))
            u.recv(512)
            check("T03 unbound UDP port: ECONNREFUSED on a connected socket", False, "reply")
        except ConnectionRefusedError:
            check("T03 unbound UDP port: ECONNREFUSED on a connected socket", True)
        except socket.timeout:
            check("T03 unbound UDP port: ECONNREFUSED on a connected socket", False, "timeout")
        u.close()

        # 21. W13: chained pointers, 50 RRs ending in the chain, 65535 bytes over TCP. A pointer
        # reaches only the first 16 KiB, so the chain is 8,000 long, not TEST-VECTORS' 30,000.
        f = fake({"rules": [{"actions": [{"reply": {"answers": [
            {"name": ".", "type": "TYPE65280", "rdata_gen": {"pointer_chain":
                                                             {"count": 8000, "mark": "end"}}},
            {"name": {"ptr": "end"}, "type": "A", "data": "192.0.2.1", "count": 50}],
            "pad_to": 65535}}]}]})
        chunks, eof = tcp_exchange("127.0.0.1", f.port, query(0x1313, "a.test", 1), wait=20, frames=1)
        data = b"".join(c[1] for c in chunks)
        ok = len(data) == 65537 and data[:2] == b"\xff\xff"
        if ok:
            msg = data[2:]
            # The first RR's RDATA starts after header, question (12 + 8 + 4) and the RR header
            # (1 + 10): pointer k there points at the one before it; the first at the question.
            rd = 12 + 12 + 11
            first = struct.unpack(">H", msg[rd:rd + 2])[0]
            last_off = rd + 2 * 7999
            last = struct.unpack(">H", msg[last_off:last_off + 2])[0]
            owner = struct.unpack(">H", msg[rd + 16000:rd + 16002])[0]
            ok = (first == 0xC00C and last == 0xC000 | (last_off - 2) and
                  owner == 0xC000 | last_off and struct.unpack(">H", msg[6:8])[0] == 51)
        check("W13 65535-byte pointer-chain message over TCP, chain laid out as described", ok,
              "%d bytes" % len(data))

        # 22. Lifetime and SIGTERM: both end the server, and say so in the log.
        f = fake({"default": ["drop"]}, extra=("--lifetime", "1"))
        try:
            f.proc.wait(20)
        except subprocess.TimeoutExpired:
            pass
        check("exits by itself after --lifetime", f.proc.returncode == 0 and
              f.events("exit", 1)[-1]["why"] == "lifetime", "rc=%r" % f.proc.returncode)
        f = fake({"default": ["drop"]})
        t0 = time.monotonic()
        f.stop()
        check("exits on SIGTERM within 5 s", f.proc.returncode == 0 and time.monotonic() - t0 < 5
              and f.events("exit", 1)[-1]["why"] == "SIGTERM", "rc=%r" % f.proc.returncode)

        # 23. The network rule: a non-loopback address is refused before anything is bound.
        rules = os.path.join(work, "empty.json")
        with open(rules, "w") as fh:
            fh.write("{}")
        rc = subprocess.run([PYTHON, FAKEDNS, "--rules", rules, "--listen", "192.0.2.1:53",
                             "--lifetime", "2"], capture_output=True, timeout=10).returncode
        check("refuses to listen on a non-loopback address", rc == 2, "rc=%d" % rc)
    finally:
        for f in fakes:
            f.stop()


def private_netns():
    """True when this process is not in the host's network namespace: its namespace differs
    from init's, or (where /proc/1 cannot be read) from DNS_OUTER_NETNS, which the calling
    script sets to `readlink /proc/self/ns/net` before `unshare -n`."""
    mine = os.readlink("/proc/self/ns/net")
    try:
        return mine != os.readlink("/proc/1/ns/net")
    except OSError:
        outer = os.environ.get("DNS_OUTER_NETNS")
        return bool(outer) and mine != outer


def main():
    if len(sys.argv) != 2:
        print("usage: selftest_fakedns.py WORKDIR", file=sys.stderr)
        return 64
    if not private_netns():
        print("FAIL refusing to run in the host's network namespace, or cannot tell (use unshare -n)")
        return 1
    try:
        scenarios(sys.argv[1])
    except Exception as e:  # a scenario that cannot even run is a failure, not a crash
        import traceback
        traceback.print_exc()
        check("scenarios ran to the end", False, repr(e))
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
