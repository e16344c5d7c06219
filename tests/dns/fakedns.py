#!/usr/bin/python3
"""fakedns: the scripted, hostile DNS server of gaix's tests (standard library only).

It listens on UDP and TCP on loopback addresses and answers each query as a per-test
instruction file (JSON) says: a rule matches on qname, qtype, transport, EDNS, local address,
TCP connection and the n-th query; its actions, run in order, reply with a message built from a
declarative description (every header field, counts that may lie, questions copied, replaced,
absent or duplicated, records given as text or raw hex, compression on or off, OPT records,
pointers anywhere, trailing garbage), send raw hex verbatim, drop, wait, answer from another
source address or port, and over TCP close, reset, cut the stream short or trickle it.
tests/dns/README.md describes the format with examples; tests/dns/cases/ holds one file per
TEST-VECTORS case.

    fakedns.py --rules FILE [--server N] --listen ADDR:PORT [--listen ...] [--log FILE]
               [--ready FILE] [--lifetime SECONDS]
    fakedns.py --check FILE...

--listen takes 127.0.0.1:5300, [::1]:5300 or ADDR:0 (an ephemeral port, the same for UDP and
TCP); only loopback addresses are accepted, so a reply can only go back to this host (or to the
network namespace the test made). The ready file is written, atomically, once every socket is
bound and listening: {"pid": N, "listen": [{"addr": "127.0.0.1", "port": 5300}]}. The log gets
one JSON object per line and event (a "query" for every message received, and "send", "close",
"error", "exit"), flushed as written, so a test can assert the exact sequence of queries.
The server exits on SIGTERM or SIGINT and, by itself, after --lifetime seconds (default 120).
--check loads each file, validates it and builds every reply it describes against a made-up
query; it prints one line per file and exits 1 if any file is bad.

Hostile bytes are built here with struct, independently of gaix's own encoder, so that the two
cannot share a bug. Nothing is validated that a test might want to get wrong on purpose: labels
longer than 63, names longer than 255, forward pointers and lying counts are all written as told.
"""

import argparse
import heapq
import ipaddress
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

# Limits. Each bounds what a mistaken instruction file can make this server do.
DEFAULT_LIFETIME_S = 120          # a forgotten server goes away by itself within two minutes
MAX_LIFETIME_S = 3600             # no test runs longer than its ctest timeout (900 s)
MAX_MESSAGE = 65535               # the largest DNS message TCP can frame (RFC 1035 4.2.2)
MAX_UDP_PAYLOAD = 65507           # 65535 - 20 (IPv4 header) - 8 (UDP header)
MAX_REPEAT = 70000                # more copies of one RR than fit in MAX_MESSAGE (11 bytes each)
MAX_DELAY_MS = 600000             # ten minutes: longer than any test's deadline
MAX_TCP_CONNS = 256               # open connections at once; more are closed on accept
MAX_UDP_PER_WAKEUP = 256          # datagrams read per readiness event before timers run again
MAX_HOPS = 128                    # compression pointers followed when reading a query's name
MAX_CHAIN = 40000                 # pointers in a pointer_chain: 80,000 bytes, more than a message

RRTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15, "TXT": 16,
           "AAAA": 28, "SRV": 33, "DNAME": 39, "OPT": 41, "DS": 43, "RRSIG": 46, "NSEC": 47,
           "DNSKEY": 48, "SVCB": 64, "HTTPS": 65, "AXFR": 252, "ANY": 255, "CAA": 257}
RRTYPE_NAMES = {v: k for k, v in RRTYPES.items()}
CLASSES = {"IN": 1, "CH": 3, "HS": 4, "NONE": 254, "ANY": 255}
CLASS_NAMES = {v: k for k, v in CLASSES.items()}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5,
          "YXDOMAIN": 6, "YXRRSET": 7, "NXRRSET": 8, "NOTAUTH": 9, "NOTZONE": 10,
          "BADVERS": 16}
OPCODES = {"QUERY": 0, "IQUERY": 1, "STATUS": 2, "NOTIFY": 4, "UPDATE": 5}
# Types whose RDATA names are compressed by default (RFC 3597 section 4: only the RFC 1035 ones).
COMPRESSED_RDATA = {"CNAME", "NS", "PTR", "DNAME", "MX", "SOA"}


class InstructionError(Exception):
    """An instruction file that cannot be followed; the message says where."""


# ---- reading queries -----------------------------------------------------------------------------

def read_name(msg, off):
    """Decode the name at off (pointers allowed, bounded). Returns (labels, offset after it)."""
    labels, end, hops, total = [], None, 0, 1
    while True:
        if off >= len(msg):
            raise ValueError("name runs past the end")
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(msg):
                raise ValueError("pointer cut short")
            if end is None:
                end = off + 2
            hops += 1
            if hops > MAX_HOPS:
                raise ValueError("too many pointers")
            off = ((n & 0x3F) << 8) | msg[off + 1]
            continue
        if n & 0xC0:
            raise ValueError("reserved label type")
        if n == 0:
            return labels, (end if end is not None else off + 1)
        if off + 1 + n > len(msg):
            raise ValueError("label runs past the end")
        total += n + 1
        if total > 255:
            raise ValueError("name longer than 255 octets")
        labels.append(bytes(msg[off + 1:off + 1 + n]))
        off += 1 + n


def name_text(labels):
    """Presentation form of wire labels: '.', '\\' and bytes outside 0x21-0x7E escaped."""
    if labels is None:
        return None
    if not labels:
        return "."
    out = []
    for label in labels:
        s = ""
        for b in label:
            if b in (0x2E, 0x5C):
                s += "\\" + chr(b)
            elif 0x21 <= b <= 0x7E:
                s += chr(b)
            else:
                s += "\\%03d" % b
        out.append(s)
    return ".".join(out)


def parse_text_name(text):
    """Labels (bytes) of a presentation-form name: \\DDD and \\X escapes, trailing dot optional."""
    if text in (".", ""):
        return []
    labels, cur, i = [], bytearray(), 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            digits = text[i + 1:i + 4]
            if len(digits) == 3 and digits.isdigit():
                v = int(digits)
                if v > 255:
                    raise InstructionError("bad escape in name %r" % text)
                cur.append(v)
                i += 4
                continue
            if i + 1 >= len(text):
                raise InstructionError("dangling backslash in name %r" % text)
            cur.extend(text[i + 1].encode("latin-1"))
            i += 2
            continue
        if c == ".":
            if not cur and i != len(text) - 1:
                raise InstructionError("empty label in name %r (use labels for that)" % text)
            if cur:
                labels.append(bytes(cur))
            cur = bytearray()
            i += 1
            continue
        try:
            cur.extend(c.encode("latin-1"))
        except UnicodeEncodeError:
            raise InstructionError("name %r has a character beyond \\u00ff" % text) from None
        i += 1
    if cur:
        labels.append(bytes(cur))
    return labels


class Query:
    """What a received message said, as far as it could be read. `error` is set when the
    question could not be read; the header fields are still filled in if 12 bytes arrived."""

    def __init__(self, raw):
        self.raw = bytes(raw)
        self.error = None
        self.id = self.flags = 0
        self.qdcount = self.ancount = self.nscount = self.arcount = 0
        self.labels = None
        self.qtype = self.qclass = None
        self.edns = None
        if len(raw) < 12:
            self.error = "shorter than a header"
            return
        (self.id, self.flags, self.qdcount, self.ancount, self.nscount,
         self.arcount) = struct.unpack_from(">HHHHHH", raw, 0)
        try:
            if self.qdcount < 1:
                raise ValueError("no question")
            labels, off = read_name(raw, 12)
            if off + 4 > len(raw):
                raise ValueError("question cut short")
            self.qtype, self.qclass = struct.unpack_from(">HH", raw, off)
            self.labels = labels
            off += 4
        except ValueError as e:
            self.error = str(e)
            return
        # Look for an OPT record: skip the rest of the sections, leniently.
        try:
            for _ in range(self.qdcount - 1):
                _, off = read_name(raw, off)
                off += 4
            for i in range(self.ancount + self.nscount + self.arcount):
                _, off = read_name(raw, off)
                if off + 10 > len(raw):
                    break
                rtype, rclass, ttl, rdlen = struct.unpack_from(">HHIH", raw, off)
                if rtype == 41 and i >= self.ancount + self.nscount:
                    self.edns = {"payload": rclass, "ext_rcode": ttl >> 24,
                                 "version": (ttl >> 16) & 0xFF, "do": (ttl >> 15) & 1,
                                 "rdlen": rdlen}
                off += 10 + rdlen
        except ValueError:
            pass

    @property
    def opcode(self):
        return (self.flags >> 11) & 0xF

    def flag(self, bit):
        return 1 if self.flags & bit else 0

    def log_fields(self):
        f = self.flags
        return {
            "id": self.id, "qname": name_text(self.labels),
            "qtype": type_text(self.qtype) if self.qtype is not None else None,
            "qclass": CLASS_NAMES.get(self.qclass, self.qclass) if self.qclass is not None else None,
            "flags": {"qr": (f >> 15) & 1, "opcode": (f >> 11) & 0xF, "aa": (f >> 10) & 1,
                      "tc": (f >> 9) & 1, "rd": (f >> 8) & 1, "ra": (f >> 7) & 1,
                      "z": (f >> 6) & 1, "ad": (f >> 5) & 1, "cd": (f >> 4) & 1, "rcode": f & 0xF},
            "counts": [self.qdcount, self.ancount, self.nscount, self.arcount],
            "edns": self.edns is not None,
            "edns_payload": self.edns["payload"] if self.edns else None,
            "edns_version": self.edns["version"] if self.edns else None,
            "edns_do": self.edns["do"] if self.edns else None,
            "len": len(self.raw), "hex": self.raw.hex(), "error": self.error,
        }


def type_text(t):
    return RRTYPE_NAMES.get(t, "TYPE%d" % t)


def type_value(spec, where):
    if isinstance(spec, int) and not isinstance(spec, bool) and 0 <= spec <= 0xFFFF:
        return spec
    if isinstance(spec, str):
        s = spec.upper()
        if s in RRTYPES:
            return RRTYPES[s]
        if s.startswith("TYPE") and s[4:].isdigit() and int(s[4:]) <= 0xFFFF:
            return int(s[4:])
    raise InstructionError("%s: unknown type %r" % (where, spec))


def class_value(spec, where):
    if isinstance(spec, int) and not isinstance(spec, bool) and 0 <= spec <= 0xFFFF:
        return spec
    if isinstance(spec, str):
        s = spec.upper()
        if s in CLASSES:
            return CLASSES[s]
        if s.startswith("CLASS") and s[5:].isdigit() and int(s[5:]) <= 0xFFFF:
            return int(s[5:])
    raise InstructionError("%s: unknown class %r" % (where, spec))


def named_value(spec, table, limit, where):
    if isinstance(spec, int) and not isinstance(spec, bool) and 0 <= spec <= limit:
        return spec
    if isinstance(spec, str) and spec.upper() in table and table[spec.upper()] <= limit:
        return table[spec.upper()]
    raise InstructionError("%s: bad value %r" % (where, spec))


def hex_bytes(s, where, query=None):
    """Bytes of a hex string; whitespace ignored; {id} {qname} {qtype} {qclass} substituted."""
    if not isinstance(s, str):
        raise InstructionError("%s: hex must be a string" % where)
    if query is not None:
        s = s.replace("{id}", "%04x" % query.id)
        s = s.replace("{qname}", wire_uncompressed(query.labels or []).hex())
        s = s.replace("{qtype}", "%04x" % (query.qtype or 0))
        s = s.replace("{qclass}", "%04x" % (query.qclass or 0))
    else:
        for tok in ("{id}", "{qname}", "{qtype}", "{qclass}"):
            s = s.replace(tok, "00")
    s = "".join(s.split())
    try:
        return bytes.fromhex(s)
    except ValueError:
        raise InstructionError("%s: not hex: %r" % (where, s[:40])) from None


def wire_uncompressed(labels):
    out = bytearray()
    for label in labels:
        out.append(len(label) & 0xFF)
        out += label
    out.append(0)
    return bytes(out)


# ---- building messages ---------------------------------------------------------------------------

HEADER_KEYS = {"id", "qr", "opcode", "aa", "tc", "rd", "ra", "z", "ad", "cd", "rcode", "flags",
               "qdcount", "ancount", "nscount", "arcount"}
REPLY_KEYS = HEADER_KEYS | {"question", "answers", "authority", "additional", "edns",
                            "compress", "trailing_hex", "pad_to", "cut_at", "tcp_length", "frame",
                            "comment"}
RR_KEYS = {"name", "type", "class", "ttl", "data", "rdata_hex", "rdata_gen", "rdlength", "count",
           "increment", "compress", "mark", "rdata_mark", "comment"}
EDNS_KEYS = {"payload", "ext_rcode", "version", "do", "z", "owner", "options_hex", "section",
             "comment"}
SECTIONS = ("answers", "authority", "additional")


def check_keys(obj, allowed, where):
    if not isinstance(obj, dict):
        raise InstructionError("%s: expected an object" % where)
    bad = sorted(set(obj) - allowed)
    if bad:
        raise InstructionError("%s: unknown key(s) %s" % (where, ", ".join(bad)))


def int_field(obj, key, default, limit, where):
    v = obj.get(key, default)
    if isinstance(v, bool):
        v = int(v)
    if not isinstance(v, int) or v < 0 or v > limit:
        raise InstructionError("%s: %s must be an integer 0..%d" % (where, key, limit))
    return v


def subst(value, i):
    if isinstance(value, str):
        return value.replace("{i}", str(i)).replace("{i1}", str(i + 1)).replace("{i2}", str(i + 2))
    return value


class Builder:
    """One message being written: the bytes, the compression table, marks and pointer patches."""

    def __init__(self, query, compress):
        self.q = query
        self.buf = bytearray()
        self.compress = compress
        self.suffixes = {}
        self.marks = {}
        self.patches = []   # (offset of a 2-byte pointer, mark name, where)

    def pointer(self, target, where):
        if isinstance(target, bool):
            raise InstructionError("%s: bad pointer target" % where)
        if isinstance(target, int):
            if not 0 <= target <= 0x3FFF:
                raise InstructionError("%s: pointer target %d beyond 0x3FFF" % (where, target))
            self.buf += struct.pack(">H", 0xC000 | target)
        elif target == "self":
            self.buf += struct.pack(">H", 0xC000 | (len(self.buf) & 0x3FFF))
        elif isinstance(target, str):
            self.patches.append((len(self.buf), target, where))
            self.buf += b"\xc0\x00"
        else:
            raise InstructionError("%s: bad pointer target %r" % (where, target))

    def labels_of(self, spec, where):
        if spec == "@":
            return list(self.q.labels or [])
        return parse_text_name(spec)

    def name(self, spec, where, compress=None):
        """Write a name given as text ("@" is the query's name as asked), as {"labels": [...],
        "ptr": X} (labels then a pointer instead of the root), {"ptr": X} or {"hex": "..."}."""
        compress = self.compress if compress is None else compress
        if isinstance(spec, dict):
            check_keys(spec, {"labels", "ptr", "hex", "compress"}, where)
            if "hex" in spec:
                if len(spec) != 1:
                    raise InstructionError("%s: hex names take no other key" % where)
                self.buf += hex_bytes(spec["hex"], where, self.q)
                return
            labels = spec.get("labels", [])
            if not isinstance(labels, list):
                raise InstructionError("%s: labels must be a list" % where)
            for k, label in enumerate(labels):
                raw = label_bytes(label, "%s.labels[%d]" % (where, k))
                self.buf.append(len(raw))
                self.buf += raw
            if "ptr" in spec:
                self.pointer(spec["ptr"], where)
            else:
                self.buf.append(0)
            return
        if not isinstance(spec, str):
            raise InstructionError("%s: a name must be text or an object" % where)
        labels = self.labels_of(spec, where)
        for k in range(len(labels)):
            suffix = tuple(labels[k:])
            if compress and suffix in self.suffixes:
                self.buf += struct.pack(">H", 0xC000 | self.suffixes[suffix])
                return
            if len(self.buf) <= 0x3FFF:
                self.suffixes.setdefault(suffix, len(self.buf))
            if len(labels[k]) > 255:
                raise InstructionError("%s: label longer than 255 cannot be written" % where)
            self.buf.append(len(labels[k]))
            self.buf += labels[k]
        self.buf.append(0)

    def finish(self):
        for off, mark, where in self.patches:
            if mark not in self.marks:
                raise InstructionError("%s: no mark %r in this message" % (where, mark))
            target = self.marks[mark]
            if target > 0x3FFF:
                raise InstructionError("%s: mark %r at %d is beyond 0x3FFF" % (where, mark, target))
            struct.pack_into(">H", self.buf, off, 0xC000 | target)
        return bytes(self.buf)


def label_bytes(label, where):
    if isinstance(label, dict):
        check_keys(label, {"hex"}, where)
        raw = hex_bytes(label["hex"], where)
    elif isinstance(label, str):
        try:
            raw = label.encode("latin-1")
        except UnicodeEncodeError:
            raise InstructionError("%s: character beyond \\u00ff" % where) from None
    else:
        raise InstructionError("%s: a label is text or {\"hex\": ...}" % where)
    if len(raw) > 255:
        raise InstructionError("%s: label longer than 255 cannot be written" % where)
    return raw


def write_rdata(b, rr, rtype, data, where, i):
    """RDATA from text for the types a test needs; anything else through rdata_hex."""
    tname = type_text(rtype)
    compress = rr.get("compress", tname in COMPRESSED_RDATA) and b.compress
    if "rdata_gen" in rr:
        gen = rr["rdata_gen"]
        check_keys(gen, {"pointer_chain"}, where + ".rdata_gen")
        pc = gen["pointer_chain"]
        check_keys(pc, {"count", "to", "mark"}, where + ".rdata_gen.pointer_chain")
        n = int_field(pc, "count", 1, MAX_CHAIN, where + ".pointer_chain")
        prev = None
        for k in range(n):
            here = len(b.buf)
            if prev is None:
                b.pointer(pc.get("to", "question"), where + ".pointer_chain")
            else:
                b.pointer(prev, where + ".pointer_chain")
            prev = here
        if "mark" in pc and prev is not None:
            b.marks[pc["mark"]] = prev
        return
    if "rdata_hex" in rr:
        b.buf += hex_bytes(subst(rr["rdata_hex"], i), where + ".rdata_hex", b.q)
        return
    if data is None:
        raise InstructionError("%s: no data, rdata_hex or rdata_gen" % where)
    if tname == "A":
        try:
            raw = socket.inet_pton(socket.AF_INET, data)
        except (OSError, TypeError):
            raise InstructionError("%s: bad IPv4 address %r" % (where, data)) from None
        if rr.get("increment"):
            raw = ((int.from_bytes(raw, "big") + i) & 0xFFFFFFFF).to_bytes(4, "big")
        b.buf += raw
    elif tname == "AAAA":
        try:
            raw = socket.inet_pton(socket.AF_INET6, data)
        except (OSError, TypeError):
            raise InstructionError("%s: bad IPv6 address %r" % (where, data)) from None
        if rr.get("increment"):
            raw = ((int.from_bytes(raw, "big") + i) % (1 << 128)).to_bytes(16, "big")
        b.buf += raw
    elif tname in ("CNAME", "NS", "PTR", "DNAME"):
        b.name(data, where + ".data", compress)
    elif tname == "MX":
        parts = str(data).split()
        if len(parts) != 2 or not parts[0].isdigit():
            raise InstructionError("%s: MX data is 'PREFERENCE NAME'" % where)
        b.buf += struct.pack(">H", int(parts[0]) & 0xFFFF)
        b.name(parts[1], where + ".data", compress)
    elif tname == "SRV":
        parts = str(data).split()
        if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
            raise InstructionError("%s: SRV data is 'PRIORITY WEIGHT PORT TARGET'" % where)
        b.buf += struct.pack(">HHH", *(int(p) & 0xFFFF for p in parts[:3]))
        b.name(parts[3], where + ".data", compress)
    elif tname == "SOA":
        parts = str(data).split()
        if len(parts) != 7 or not all(p.isdigit() for p in parts[2:]):
            raise InstructionError("%s: SOA data is 'MNAME RNAME SERIAL REFRESH RETRY EXPIRE "
                                   "MINIMUM'" % where)
        b.name(parts[0], where + ".data", compress)
        b.name(parts[1], where + ".data", compress)
        b.buf += struct.pack(">IIIII", *(int(p) & 0xFFFFFFFF for p in parts[2:]))
    elif tname == "TXT":
        strings = data if isinstance(data, list) else [data]
        for s in strings:
            raw = label_bytes(s, where + ".data")
            b.buf.append(len(raw))
            b.buf += raw
    else:
        raise InstructionError("%s: type %s needs rdata_hex" % (where, tname))


def write_rr(b, rr, where):
    """Write one RR description (count times). Returns the number of RRs written."""
    check_keys(rr, RR_KEYS, where)
    count = int_field(rr, "count", 1, MAX_REPEAT, where)
    for i in range(count):
        if len(b.buf) > MAX_MESSAGE + 1024:
            raise InstructionError("%s: message grows beyond %d bytes" % (where, MAX_MESSAGE))
        if i == 0 and "mark" in rr:
            b.marks[rr["mark"]] = len(b.buf)
        b.name(subst(rr.get("name", "@"), i), where + ".name")
        default_type = b.q.qtype if b.q.qtype is not None else 1
        rtype = type_value(rr.get("type", default_type), where + ".type")
        rclass = class_value(rr.get("class", "IN"), where + ".class")
        ttl = int_field(rr, "ttl", 300, 0xFFFFFFFF, where)
        b.buf += struct.pack(">HHI", rtype, rclass, ttl)
        len_off = len(b.buf)
        b.buf += b"\0\0"
        if i == 0 and "rdata_mark" in rr:
            b.marks[rr["rdata_mark"]] = len(b.buf)
        write_rdata(b, rr, rtype, subst(rr.get("data"), i), where, i)
        rdlen = len(b.buf) - len_off - 2
        if "rdlength" in rr:
            rdlen = int_field(rr, "rdlength", 0, 0xFFFF, where)
        elif rdlen > 0xFFFF:
            raise InstructionError("%s: RDATA longer than 65535" % where)
        struct.pack_into(">H", b.buf, len_off, rdlen)
    return count


def edns_rr(spec, query, rcode, where):
    """The RR description of an OPT record (RFC 6891 6.1.2-6.1.3)."""
    check_keys(spec, EDNS_KEYS, where)
    ext = int_field(spec, "ext_rcode", rcode >> 4, 0xFF, where)
    version = int_field(spec, "version", 0, 0xFF, where)
    do = int_field(spec, "do", 0, 1, where)
    z = int_field(spec, "z", 0, 0x7FFF, where)
    rr = {"name": spec.get("owner", "."), "type": 41,
          "class": int_field(spec, "payload", 1232, 0xFFFF, where),
          "ttl": (ext << 24) | (version << 16) | (do << 15) | z,
          "rdata_hex": spec.get("options_hex", "")}
    return rr


def build_message(desc, query, where="reply"):
    """The bytes of a reply described by desc (see README.md) to query."""
    check_keys(desc, REPLY_KEYS, where)
    b = Builder(query, desc.get("compress", True) is not False)
    # Header fields; defaults make a plain recursive-resolver reply to query.
    idspec = desc.get("id", "query")
    if idspec == "query":
        qid = query.id
    elif idspec == "wrong":
        qid = query.id ^ 0xFFFF
    elif isinstance(idspec, int) and not isinstance(idspec, bool) and 0 <= idspec <= 0xFFFF:
        qid = idspec
    else:
        raise InstructionError("%s: id is \"query\", \"wrong\" or 0..65535" % where)
    rcode = named_value(desc.get("rcode", 0), RCODES, 0xFFF, where + ".rcode")
    if "flags" in desc:
        flags = int_field(desc, "flags", 0, 0xFFFF, where)
    else:
        rd = desc.get("rd", "query")
        rd = query.flag(0x0100) if rd == "query" else rd
        bits = {"qr": (15, 1), "aa": (10, 0), "tc": (9, 0), "rd": (8, rd), "ra": (7, 1),
                "z": (6, 0), "ad": (5, 0), "cd": (4, 0)}
        flags = 0
        for key, (shift, default) in bits.items():
            v = default if key == "rd" else desc.get(key, default)
            if v not in (0, 1, True, False):
                raise InstructionError("%s: %s is 0 or 1" % (where, key))
            flags |= int(v) << shift
        flags |= named_value(desc.get("opcode", 0), OPCODES, 15, where + ".opcode") << 11
        flags |= rcode & 0xF
    b.buf += struct.pack(">HH", qid, flags) + b"\0" * 8

    # Question section.
    qspec = desc.get("question", "copy")
    if qspec == "none":
        qlist = []
    elif qspec == "dup":
        qlist = ["copy", "copy"]
    elif isinstance(qspec, list):
        qlist = qspec
    else:
        qlist = [qspec]
    for k, q in enumerate(qlist):
        qw = "%s.question[%d]" % (where, k)
        if k == 0:
            b.marks["question"] = len(b.buf)
        if q == "copy":
            if query.labels is None:
                raise InstructionError("%s: no question to copy in this query" % qw)
            b.name("@", qw)
            b.buf += struct.pack(">HH", query.qtype, query.qclass)
            continue
        check_keys(q, {"name", "type", "class"}, qw)
        b.name(q.get("name", "@"), qw + ".name")
        qt = query.qtype if query.qtype is not None else 1
        qc = query.qclass if query.qclass is not None else 1
        b.buf += struct.pack(">HH", type_value(q.get("type", qt), qw),
                             class_value(q.get("class", qc), qw))
    counts = [len(qlist), 0, 0, 0]

    # Answer, authority and additional sections; the OPT record goes where its "section" says.
    edns = desc.get("edns")
    if edns == "copy":
        edns = [{}] if query.edns is not None else []
    elif edns is None:
        edns = []
    elif isinstance(edns, dict):
        edns = [edns]
    elif not isinstance(edns, list):
        raise InstructionError("%s: edns is an object, a list of them, or \"copy\"" % where)
    if rcode > 15 and not edns and "flags" not in desc:
        raise InstructionError("%s: an rcode above 15 needs an OPT record (edns)" % where)
    for s, section in enumerate(SECTIONS):
        rrs = desc.get(section, [])
        if not isinstance(rrs, list):
            raise InstructionError("%s.%s: expected a list" % (where, section))
        for k, rr in enumerate(rrs):
            counts[s + 1] += write_rr(b, rr, "%s.%s[%d]" % (where, section, k))
        for k, e in enumerate(edns):
            ew = "%s.edns[%d]" % (where, k)
            if not isinstance(e, dict):
                raise InstructionError("%s: expected an object" % ew)
            if e.get("section", "additional") not in SECTIONS:
                raise InstructionError("%s: section is one of %s" % (ew, ", ".join(SECTIONS)))
            if e.get("section", "additional") == section:
                counts[s + 1] += write_rr(b, edns_rr(e, query, rcode, ew), ew)

    if "pad_to" in desc:
        # One RR of private type 65280 in the additional section, sized so that the message
        # (with its trailing bytes) is exactly pad_to long.
        target = int_field(desc, "pad_to", 0, MAX_MESSAGE, where)
        trailing = len(hex_bytes(desc.get("trailing_hex", ""), where + ".trailing_hex", query))
        room = target - len(b.buf) - trailing - 11
        if room < 0 or room > 0xFFFF:
            raise InstructionError("%s: cannot pad to %d bytes (message is already %d)"
                                   % (where, target, len(b.buf) + trailing))
        b.buf += b"\0" + struct.pack(">HHIH", 65280, 1, 0, room) + b"\xaa" * room
        counts[3] += 1

    for k, key in enumerate(("qdcount", "ancount", "nscount", "arcount")):
        if key in desc:
            counts[k] = int_field(desc, key, 0, 0xFFFF, where)
        struct.pack_into(">H", b.buf, 4 + 2 * k, counts[k] & 0xFFFF)
    b.buf += hex_bytes(desc.get("trailing_hex", ""), where + ".trailing_hex", query)
    msg = b.finish()
    if len(msg) > MAX_MESSAGE + 4096:
        raise InstructionError("%s: message of %d bytes is too large" % (where, len(msg)))
    if "cut_at" in desc:
        msg = msg[:int_field(desc, "cut_at", 0, MAX_MESSAGE, where)]
    return msg


# ---- the zone and its standard answer ------------------------------------------------------------

ZONE_TYPES = {"A", "AAAA", "CNAME", "TXT", "PTR", "MX", "NS", "SRV"}


def check_zone(zone, where):
    if not isinstance(zone, dict):
        raise InstructionError("%s: expected an object" % where)
    for owner, recs in zone.items():
        parse_text_name(owner)
        check_keys(recs, ZONE_TYPES | {"ttl"}, "%s[%r]" % (where, owner))
        for t, v in recs.items():
            if t != "ttl" and not isinstance(v, (list, str)):
                raise InstructionError("%s[%r].%s: a value or a list" % (where, owner, t))


def zone_answer(zone, soa, query, where):
    """The description of an ordinary recursive resolver's reply from the zone: CNAMEs
    followed within the zone (at most 16), NXDOMAIN for a name not in it, NODATA otherwise."""
    if zone is None:
        raise InstructionError("%s: \"answer\" needs a zone" % where)
    table = {tuple(l.lower() for l in parse_text_name(k)): (k, v) for k, v in zone.items()}
    desc = {"aa": 1, "edns": "copy", "answers": [], "authority": []}
    key = tuple(l.lower() for l in (query.labels or []))
    first = True
    for _ in range(17):
        if key not in table:
            if first:
                desc["rcode"] = "NXDOMAIN"
            break
        owner, recs = table[key]
        ttl = recs.get("ttl", 300)
        name = "@" if first else owner
        first = False
        qt = type_text(query.qtype) if query.qtype is not None else "A"
        if "CNAME" in recs and qt != "CNAME":
            target = recs["CNAME"][0] if isinstance(recs["CNAME"], list) else recs["CNAME"]
            desc["answers"].append({"name": name, "type": "CNAME", "ttl": ttl, "data": target})
            key = tuple(l.lower() for l in parse_text_name(target))
            continue
        values = recs.get(qt, [])
        for v in values if isinstance(values, list) else [values]:
            desc["answers"].append({"name": name, "type": qt, "ttl": ttl, "data": v})
        break
    if soa is not None and not desc["answers"]:
        desc["authority"].append(dict(soa, type="SOA"))
    return desc


# ---- instruction files ---------------------------------------------------------------------------

TOP_KEYS = {"rules", "default", "zone", "soa", "tcp_accept", "udp", "tcp", "comment",
            # Case-catalogue metadata, read by the tests, ignored here:
            "case", "title", "source", "expect", "config", "query", "servers", "notes", "addr",
            "driver"}
MATCH_KEYS = {"qname", "qtype", "transport", "edns", "server", "nth", "nth_min", "conn",
              "malformed", "rd", "comment"}
ACTION_KEYS = {"reply", "answer", "raw", "concat", "drop", "delay_ms", "close", "source",
               "send_bytes", "trickle", "tcp_length", "frame", "comment"}
PART_KINDS = ("reply", "answer", "raw")


def as_list(v):
    return v if isinstance(v, list) else [v]


def normalize_action(a, where):
    """An action as an object: "drop", "close", "rst" and "answer" are shorthands."""
    if isinstance(a, str):
        short = {"drop": {"drop": True}, "close": {"close": True}, "rst": {"close": "rst"},
                 "answer": {"answer": {}}}
        if a not in short:
            raise InstructionError("%s: unknown action %r" % (where, a))
        return short[a]
    check_keys(a, ACTION_KEYS, where)
    kinds = [k for k in ("reply", "answer", "raw", "concat", "drop", "delay_ms", "close") if k in a]
    if len(kinds) != 1:
        raise InstructionError("%s: exactly one of reply, answer, raw, concat, drop, delay_ms, "
                               "close per action (found %s)" % (where, kinds or "none"))
    if "delay_ms" in a:
        int_field(a, "delay_ms", 0, MAX_DELAY_MS, where)
    if "close" in a and a["close"] not in (True, "rst"):
        raise InstructionError("%s: close is true or \"rst\"" % where)
    if "source" in a:
        parse_source(a["source"], where)
    if "trickle" in a:
        check_keys(a["trickle"], {"chunk", "interval_ms"}, where + ".trickle")
        int_field(a["trickle"], "chunk", 1, MAX_MESSAGE, where + ".trickle")
        int_field(a["trickle"], "interval_ms", 100, MAX_DELAY_MS, where + ".trickle")
        if a["trickle"].get("chunk", 1) < 1:
            raise InstructionError("%s.trickle: chunk must be at least 1" % where)
    if "send_bytes" in a:
        int_field(a, "send_bytes", 0, MAX_MESSAGE + 2 + 4096, where)
    if "concat" in a:
        if not isinstance(a["concat"], list) or not a["concat"]:
            raise InstructionError("%s: concat is a non-empty list of parts" % where)
        for k, p in enumerate(a["concat"]):
            pw = "%s.concat[%d]" % (where, k)
            check_keys(p, set(PART_KINDS) | {"tcp_length", "frame", "comment"}, pw)
            if sum(1 for kind in PART_KINDS if kind in p) != 1:
                raise InstructionError("%s: a part is one of reply, answer, raw" % pw)
    return a


def parse_source(spec, where):
    """'other_port' or 'ADDR' or 'ADDR:PORT' (loopback only). Returns (addr or None, port)."""
    if spec == "other_port":
        return None, 0
    if not isinstance(spec, str):
        raise InstructionError("%s: source is \"other_port\" or a loopback ADDR[:PORT]" % where)
    addr, port = split_addr_port(spec, None, where)
    return addr, port


def split_addr_port(spec, default_port, where):
    if spec.startswith("["):
        addr, _, rest = spec[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else None
    elif spec.count(":") == 1:
        addr, port = spec.split(":")
    else:
        addr, port = spec, None
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        raise InstructionError("%s: %r is not an address" % (where, addr)) from None
    if not ip.is_loopback:
        raise InstructionError("%s: %s is not a loopback address (the network rule: 127.0.0.0/8 "
                               "and ::1 only)" % (where, addr))
    if port is None:
        return str(ip), default_port
    if not port.isdigit() or int(port) > 65535:
        raise InstructionError("%s: bad port %r" % (where, port))
    return str(ip), int(port)


class Rule:
    def __init__(self, spec, where):
        check_keys(spec, {"match", "actions", "comment"}, where)
        self.where = where
        m = spec.get("match", {})
        check_keys(m, MATCH_KEYS, where + ".match")
        self.qnames = None
        if "qname" in m:
            self.qnames = [tuple(l.lower() for l in parse_text_name(n)) for n in as_list(m["qname"])]
            self.qname_texts = as_list(m["qname"])
        self.qtypes = None
        if "qtype" in m:
            self.qtypes = [type_value(t, where + ".match.qtype") for t in as_list(m["qtype"])]
        self.transport = m.get("transport")
        if self.transport not in (None, "udp", "tcp"):
            raise InstructionError("%s.match: transport is udp or tcp" % where)
        self.edns = m.get("edns")
        self.rd = m.get("rd")
        self.malformed = bool(m.get("malformed", False))
        self.servers = None
        if "server" in m:
            self.servers = [split_addr_port(s, None, where + ".match.server")
                            for s in as_list(m["server"])]
        self.nth = None
        if "nth" in m:
            self.nth = as_list(m["nth"])
            if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in self.nth):
                raise InstructionError("%s.match: nth is a positive integer or a list of them" % where)
        self.nth_min = m.get("nth_min")
        if self.nth_min is not None and (not isinstance(self.nth_min, int) or self.nth_min < 1):
            raise InstructionError("%s.match: nth_min is a positive integer" % where)
        self.conn = m.get("conn")
        acts = spec.get("actions", [])
        if not isinstance(acts, list):
            raise InstructionError("%s: actions is a list" % where)
        self.actions = [normalize_action(a, "%s.actions[%d]" % (where, k))
                        for k, a in enumerate(acts)]
        self.seen = 0

    def criteria(self, q, transport, local, conn):
        """Everything but nth: does this query belong to this rule's count?"""
        if (q.labels is None) != self.malformed:
            return False
        if self.qnames is not None and tuple(l.lower() for l in q.labels) not in self.qnames:
            return False
        if self.qtypes is not None and q.qtype not in self.qtypes:
            return False
        if self.transport is not None and self.transport != transport:
            return False
        if self.edns is not None and (q.edns is not None) != bool(self.edns):
            return False
        if self.rd is not None and q.flag(0x0100) != int(self.rd):
            return False
        if self.servers is not None and not any(
                a == local[0] and (p is None or p == local[1]) for a, p in self.servers):
            return False
        if self.conn is not None and conn != self.conn:
            return False
        return True

    def fires(self):
        if self.nth is not None and self.seen not in self.nth:
            return False
        if self.nth_min is not None and self.seen < self.nth_min:
            return False
        return True

    def sample_query(self):
        """A made-up query this rule would match, for --check."""
        labels = parse_text_name(self.qname_texts[0]) if self.qnames else parse_text_name("a.test")
        qtype = self.qtypes[0] if self.qtypes else 1
        raw = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 1) + wire_uncompressed(labels)
        raw += struct.pack(">HH", qtype, 1) + b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)
        if self.edns is False:
            raw = raw[:-11]
            raw = raw[:10] + b"\0\0" + raw[12:]
        return Query(raw)


class Instructions:
    def __init__(self, spec, where):
        check_keys(spec, TOP_KEYS, where)
        self.where = where
        if "zone" in spec:
            check_zone(spec["zone"], where + ".zone")
        self.zone = spec.get("zone")
        self.soa = spec.get("soa")
        if self.soa is not None:
            check_keys(self.soa, {"name", "ttl", "data"}, where + ".soa")
        rules = spec.get("rules", [])
        if not isinstance(rules, list):
            raise InstructionError("%s.rules: expected a list" % where)
        self.rules = [Rule(r, "%s.rules[%d]" % (where, k)) for k, r in enumerate(rules)]
        dflt = spec.get("default", ["drop"])
        self.default = [normalize_action(a, "%s.default[%d]" % (where, k))
                        for k, a in enumerate(as_list(dflt))]
        self.accept_rules = []
        for k, r in enumerate(spec.get("tcp_accept", [])):
            aw = "%s.tcp_accept[%d]" % (where, k)
            check_keys(r, {"nth", "actions", "comment"}, aw)
            nth = as_list(r["nth"]) if "nth" in r else None
            acts = [normalize_action(a, "%s.actions[%d]" % (aw, j))
                    for j, a in enumerate(r.get("actions", []))]
            self.accept_rules.append((nth, acts))
        self.udp = spec.get("udp", True) is not False
        self.tcp = spec.get("tcp", True) is not False
        self.accepted = 0

    def select(self, q, transport, local, conn):
        """The actions for this query and the index of the rule that chose them (None: default).
        Every rule counts the queries that meet its criteria, whether or not it fires."""
        chosen = None
        for k, rule in enumerate(self.rules):
            if rule.criteria(q, transport, local, conn):
                rule.seen += 1
                if chosen is None and rule.fires():
                    chosen = k
        if chosen is None:
            return self.default, None
        return self.rules[chosen].actions, chosen

    def check(self):
        """Build every reply of every rule against a query it would match, over UDP and TCP."""
        groups = [(r.sample_query(), r.actions, r.where) for r in self.rules]
        sample = Query(struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
                       + wire_uncompressed(parse_text_name("a.test")) + struct.pack(">HH", 1, 1))
        groups.append((sample, self.default, self.where + ".default"))
        for nth, acts in self.accept_rules:
            groups.append((sample, acts, self.where + ".tcp_accept"))
        for q, acts, where in groups:
            for k, a in enumerate(acts):
                for transport in ("udp", "tcp"):
                    action_bytes(self, a, q, transport, "%s.actions[%d]" % (where, k))


def load_instructions(path, server_index=0):
    with open(path, encoding="utf-8") as f:
        try:
            spec = json.load(f)
        except json.JSONDecodeError as e:
            raise InstructionError("%s: not JSON: %s" % (path, e)) from None
    if not isinstance(spec, dict):
        raise InstructionError("%s: expected an object" % path)
    if "servers" in spec:
        servers = spec["servers"]
        if not isinstance(servers, list) or not 0 <= server_index < len(servers):
            raise InstructionError("%s: no server %d" % (path, server_index))
        inner = servers[server_index]
        if not isinstance(inner, dict):
            raise InstructionError("%s.servers[%d]: expected an object" % (path, server_index))
        if inner.get("closed"):
            raise InstructionError("%s.servers[%d] is closed: nothing may listen on its address"
                                   % (path, server_index))
        inner = {k: v for k, v in inner.items() if k not in ("addr", "closed")}
        return Instructions(inner, "%s.servers[%d]" % (path, server_index))
    return Instructions(spec, path)


def part_bytes(ins, part, q, transport, where):
    """The bytes one reply/answer/raw part puts on the wire (framed over TCP unless frame=false)."""
    if "reply" in part:
        msg = build_message(part["reply"], q, where + ".reply")
    elif "answer" in part:
        over = part["answer"]
        check_keys(over, REPLY_KEYS, where + ".answer")
        desc = zone_answer(ins.zone, ins.soa, q, where)
        desc.update(over)
        msg = build_message(desc, q, where + ".answer")
    else:
        msg = hex_bytes(part["raw"], where + ".raw", q)
    desc = part.get("reply") or part.get("answer") or {}
    if transport != "tcp" or part.get("frame", desc.get("frame", "raw" not in part)) is False:
        return msg
    length = part.get("tcp_length", desc.get("tcp_length", len(msg)))
    if not isinstance(length, int) or not 0 <= length <= 0xFFFF:
        raise InstructionError("%s: tcp_length is 0..65535 (message is %d bytes)" % (where, len(msg)))
    return struct.pack(">H", length) + msg


def action_bytes(ins, a, q, transport, where):
    """The bytes a sending action puts on the wire, or None for drop, delay and close."""
    if "concat" in a:
        data = b"".join(part_bytes(ins, p, q, transport, "%s.concat[%d]" % (where, k))
                        for k, p in enumerate(a["concat"]))
    elif any(k in a for k in PART_KINDS):
        data = part_bytes(ins, a, q, transport, where)
    else:
        return None
    if "send_bytes" in a:
        data = data[:a["send_bytes"]]
    return data


# ---- the server ----------------------------------------------------------------------------------

class Log:
    def __init__(self, path, start):
        self.f = open(path, "a", encoding="utf-8") if path else None
        self.start = start
        self.seq = 0

    def write(self, event, **fields):
        if self.f is None:
            return
        rec = {"event": event, "t": round(time.monotonic() - self.start, 6),
               "wall": round(time.time(), 6)}
        rec.update(fields)
        self.f.write(json.dumps(rec, sort_keys=False) + "\n")
        self.f.flush()


def fmt_addr(sa):
    host, port = sa[0], sa[1]
    return ("[%s]:%d" % (host, port)) if ":" in host else ("%s:%d" % (host, port))


class Conn:
    def __init__(self, sock, index, peer, local):
        self.sock, self.index, self.peer, self.local = sock, index, peer, local
        self.inbuf = bytearray()
        self.outbuf = bytearray()
        self.closed = False
        self.close_when_flushed = False


class Job:
    """The actions of one query (or one TCP accept), run in order; a delay reschedules it."""

    def __init__(self, srv, actions, q, transport, reply_to, seq):
        self.srv, self.actions, self.q, self.transport = srv, actions, q, transport
        self.reply_to, self.seq, self.pos = reply_to, seq, 0

    def run(self):
        srv = self.srv
        while self.pos < len(self.actions):
            a = self.actions[self.pos]
            self.pos += 1
            where = "n%d.actions[%d]" % (self.seq, self.pos - 1)
            if "delay_ms" in a:
                srv.at(time.monotonic() + a["delay_ms"] / 1000.0, self.run)
                return
            if "drop" in a:
                srv.log.write("drop", n=self.seq, transport=self.transport)
                continue
            if "close" in a:
                if self.transport == "tcp":
                    srv.tcp_close(self.reply_to, rst=(a["close"] == "rst"), why="action")
                continue
            try:
                data = action_bytes(srv.ins, a, self.q, self.transport, where)
            except InstructionError as e:
                srv.log.write("error", n=self.seq, error=str(e))
                continue
            if self.transport == "udp":
                srv.udp_send(self.reply_to, data, a.get("source"), self.seq)
            elif "trickle" in a:
                chunk = a["trickle"].get("chunk", 1)
                gap = a["trickle"].get("interval_ms", 100)
                pieces = [data[k:k + chunk] for k in range(0, len(data), chunk)]
                steps = []
                for k, piece in enumerate(pieces):
                    if k:
                        steps.append({"delay_ms": gap})
                    steps.append({"raw": piece.hex(), "frame": False})
                self.actions = self.actions[:self.pos] + steps + self.actions[self.pos:]
            else:
                srv.tcp_send(self.reply_to, data, self.seq)


class Server:
    def __init__(self, ins, listens, log, lifetime):
        self.ins, self.log = ins, log
        self.sel = selectors.DefaultSelector()
        self.timers = []
        self.timer_seq = 0
        self.deadline = time.monotonic() + lifetime
        self.udp_socks = {}    # (addr, port) -> socket
        self.conns = {}
        self.seq = 0
        self.bound = []
        for addr, port in listens:
            self.bound.append(self.bind(addr, port))

    def bind(self, addr, port):
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        for _ in range(32 if port == 0 else 1):
            u = t = None
            try:
                want = port
                if self.ins.udp:
                    u = socket.socket(fam, socket.SOCK_DGRAM)
                    u.bind((addr, want))
                    want = u.getsockname()[1]
                if self.ins.tcp:
                    t = socket.socket(fam, socket.SOCK_STREAM)
                    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    t.bind((addr, want))
                    t.listen(64)
                    want = t.getsockname()[1]
                break
            except OSError:
                for s in (u, t):
                    if s is not None:
                        s.close()
                if port != 0:
                    raise
        else:
            raise OSError("no free port on %s for both UDP and TCP" % addr)
        if u is not None:
            u.setblocking(False)
            self.udp_socks[(addr, want)] = u
            self.sel.register(u, selectors.EVENT_READ, self.on_udp)
        if t is not None:
            t.setblocking(False)
            self.sel.register(t, selectors.EVENT_READ, self.on_accept)
        return {"addr": addr, "port": want, "udp": u is not None, "tcp": t is not None}

    def at(self, when, fn):
        self.timer_seq += 1
        heapq.heappush(self.timers, (when, self.timer_seq, fn))

    # UDP
    def on_udp(self, sock, mask):
        local = sock.getsockname()[:2]
        for _ in range(MAX_UDP_PER_WAKEUP):
            try:
                data, peer = sock.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:
                self.log.write("error", transport="udp", error=str(e))
                return
            self.handle(data, "udp", local, peer, (sock, peer), None)

    def udp_send(self, target, data, source, seq):
        sock, peer = target
        via = sock
        tmp = None
        try:
            if source is not None:
                addr, port = parse_source(source, "source")
                local = sock.getsockname()
                if addr is None:
                    addr, port = local[0], 0
                elif port is None:
                    port = local[1]
                via = self.udp_socks.get((addr, port))
                if via is None:
                    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
                    tmp = via = socket.socket(fam, socket.SOCK_DGRAM)
                    via.bind((addr, port))
            via.sendto(data, peer)
            self.log.write("send", n=seq, transport="udp", len=len(data),
                           src=fmt_addr(via.getsockname()), dst=fmt_addr(peer))
        except (OSError, InstructionError) as e:
            self.log.write("error", n=seq, transport="udp", error="send: %s" % e, len=len(data))
        finally:
            if tmp is not None:
                tmp.close()

    # TCP
    def on_accept(self, lsock, mask):
        try:
            sock, peer = lsock.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self.log.write("error", transport="tcp", error="accept: %s" % e)
            return
        self.ins.accepted += 1
        index = self.ins.accepted
        local = sock.getsockname()[:2]
        self.log.write("accept", conn=index, client=fmt_addr(peer), server=fmt_addr(local))
        if len(self.conns) >= MAX_TCP_CONNS:
            sock.close()
            self.log.write("close", conn=index, why="too many connections")
            return
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c = Conn(sock, index, peer, local)
        self.conns[sock] = c
        self.sel.register(sock, selectors.EVENT_READ, self.on_tcp)
        for nth, acts in self.ins.accept_rules:
            if nth is None or index in nth:
                self.seq += 1
                Job(self, acts, Query(b""), "tcp", c, self.seq).run()
                break

    def on_tcp(self, sock, mask):
        c = self.conns.get(sock)
        if c is None:
            return
        if mask & selectors.EVENT_WRITE:
            self.tcp_flush(c)
        if c.closed or not mask & selectors.EVENT_READ:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self.tcp_close(c, why="recv: %s" % e)
            return
        if not data:
            self.tcp_close(c, why="peer closed")
            return
        c.inbuf += data
        # Every complete framed message is a query; a length of 0 is logged as malformed.
        for _ in range(1024):
            if c.closed or len(c.inbuf) < 2:
                break
            n = struct.unpack_from(">H", c.inbuf)[0]
            if len(c.inbuf) < 2 + n:
                break
            msg = bytes(c.inbuf[2:2 + n])
            del c.inbuf[:2 + n]
            self.handle(msg, "tcp", c.local, c.peer, c, c.index)

    def tcp_send(self, c, data, seq):
        if c.closed:
            self.log.write("error", n=seq, transport="tcp", conn=c.index,
                           error="send after close", len=len(data))
            return
        c.outbuf += data
        self.log.write("send", n=seq, transport="tcp", conn=c.index, len=len(data))
        self.tcp_flush(c)

    def tcp_flush(self, c):
        if c.closed:
            return
        if c.outbuf:
            try:
                sent = c.sock.send(c.outbuf)
                del c.outbuf[:sent]
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as e:
                self.tcp_close(c, why="send: %s" % e)
                return
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.outbuf else 0)
        self.sel.modify(c.sock, events, self.on_tcp)
        if not c.outbuf and c.close_when_flushed:
            self.tcp_close(c, why="action")

    def tcp_close(self, c, rst=False, why=""):
        if c.closed:
            return
        if c.outbuf and not rst and why == "action":
            c.close_when_flushed = True
            return
        c.closed = True
        if rst:
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sel.unregister(c.sock)
        c.sock.close()
        del self.conns[c.sock]
        self.log.write("close", conn=c.index, rst=rst, why=why)

    # Both
    def handle(self, data, transport, local, peer, reply_to, conn):
        q = Query(data)
        self.seq += 1
        actions, rule = self.ins.select(q, transport, local, conn)
        rec = {"n": self.seq, "transport": transport, "server": fmt_addr(local),
               "client": fmt_addr(peer), "sport": peer[1], "conn": conn, "rule": rule}
        rec.update(q.log_fields())
        self.log.write("query", **rec)
        Job(self, actions, q, transport, reply_to, self.seq).run()

    def run(self):
        while True:
            now = time.monotonic()
            if now >= self.deadline:
                self.log.write("exit", why="lifetime")
                return
            timeout = self.deadline - now
            if self.timers:
                timeout = max(0.0, min(timeout, self.timers[0][0] - now))
            for key, mask in self.sel.select(timeout):
                key.data(key.fileobj, mask)
            now = time.monotonic()
            for _ in range(4096):
                if not self.timers or self.timers[0][0] > now:
                    break
                heapq.heappop(self.timers)[2]()


def write_ready(path, info):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(info, f)
        f.write("\n")
    os.rename(tmp, path)


class Stop(Exception):
    pass


def on_signal(signum, frame):
    raise Stop(signal.Signals(signum).name)


def main(argv):
    p = argparse.ArgumentParser(description="scripted hostile DNS server for gaix's tests")
    p.add_argument("--rules", help="instruction file (JSON), or a case file with --server")
    p.add_argument("--server", type=int, default=0, help="index into a case file's servers")
    p.add_argument("--listen", action="append", default=[], help="ADDR:PORT (loopback only)")
    p.add_argument("--port", type=int, default=53, help="port for --listen without one")
    p.add_argument("--log", help="JSON-lines log of queries and events")
    p.add_argument("--ready", help="file written once listening: pid and bound ports")
    p.add_argument("--lifetime", type=float, default=DEFAULT_LIFETIME_S,
                   help="seconds before exiting by itself (default %d)" % DEFAULT_LIFETIME_S)
    p.add_argument("--check", nargs="+", metavar="FILE", help="validate files and exit")
    args = p.parse_args(argv)

    if args.check:
        bad = 0
        for path in args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    spec = json.load(f)
                n = len(spec.get("servers", [])) if isinstance(spec, dict) else 0
                for k in range(n if n else 1):
                    if isinstance(spec, dict) and "servers" in spec and spec["servers"][k].get("closed"):
                        continue
                    load_instructions(path, k).check()
                print("ok %s" % path)
            except (InstructionError, OSError, ValueError, KeyError, TypeError,
                    AttributeError) as e:
                print("BAD %s: %s" % (path, e))
                bad += 1
        return 1 if bad else 0

    if not args.rules or not args.listen:
        p.error("--rules and --listen are required")
    if not 0 < args.lifetime <= MAX_LIFETIME_S:
        p.error("--lifetime must be in (0, %d]" % MAX_LIFETIME_S)
    try:
        ins = load_instructions(args.rules, args.server)
        listens = [split_addr_port(s, args.port, "--listen") for s in args.listen]
    except (InstructionError, OSError) as e:
        print("fakedns: %s" % e, file=sys.stderr)
        return 2
    start = time.monotonic()
    log = Log(args.log, start)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        srv = Server(ins, listens, log, args.lifetime)
        log.write("start", pid=os.getpid(), listen=srv.bound, rules=args.rules)
        if args.ready:
            write_ready(args.ready, {"pid": os.getpid(), "listen": srv.bound})
        srv.run()
    except Stop as e:
        log.write("exit", why=str(e))
    except OSError as e:
        print("fakedns: %s" % e, file=sys.stderr)
        log.write("exit", why="error: %s" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
