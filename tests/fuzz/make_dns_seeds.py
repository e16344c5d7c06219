#!/usr/bin/env python3
"""Writes the seed corpora of the DNS fuzz targets from the W, V, N and S cases of TEST-VECTORS.

    python3 tests/fuzz/make_dns_seeds.py        (from the top of the tree)

tests/fuzz/corpus/dns_message/: replies, most of them to the fuzz target's fixed query
(ID 0x1234, a.test, A), named after the case they come from.
tests/fuzz/corpus/dns_name/: texts, wire names and small messages for the name codec.

The output is deterministic and committed with this script; run it again after changing a case.
Messages are built with struct only, independently of the C code they test.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
QID = 0x1234
F_QR, F_AA, F_TC, F_RD, F_RA = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080
F_REPLY = F_QR | F_RD | F_RA
T_A, T_NS, T_CNAME, T_PTR, T_MX, T_TXT, T_AAAA, T_SRV, T_OPT, T_RRSIG = (
    1, 2, 5, 12, 15, 16, 28, 33, 41, 46)
C_IN, C_CH, C_ANY = 1, 3, 255


def name(text):
    """Uncompressed wire form of a text name ("" is the root); labels as given between dots."""
    out = b""
    for label in text.split(".") if text else []:
        raw = label.encode("latin-1")
        out += struct.pack("B", len(raw)) + raw
    return out + b"\0"


def ptr(offset):
    return struct.pack(">H", 0xC000 | offset)


def header(an=0, ns=0, ar=0, flags=F_REPLY, qd=1, qid=QID):
    return struct.pack(">HHHHHH", qid, flags, qd, an, ns, ar)


def question(qname="a.test", qtype=T_A):
    return name(qname) + struct.pack(">HH", qtype, C_IN)


def rr(owner, rtype, rdata, rclass=C_IN, ttl=300):
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def rr_raw(owner, rtype, rdlength, rdata, rclass=C_IN, ttl=300):
    """An RR whose RDLENGTH need not match its data."""
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, rdlength) + rdata


Q = ptr(12)  # the question's name, at offset 12


def a(*octets):
    return struct.pack("BBBB", *octets)


def aaaa(last):
    return bytes([0x20, 0x01, 0x0D, 0xB8]) + bytes(10) + struct.pack(">H", last)


def opt(ext_rcode=0, rdata=b""):
    return rr(b"\0", T_OPT, rdata, rclass=1232, ttl=ext_rcode << 24)


def reply(answers=(), authority=(), additional=(), flags=F_REPLY, qtype=T_A, qname="a.test"):
    return (header(len(answers), len(authority), len(additional), flags)
            + question(qname, qtype) + b"".join(answers) + b"".join(authority)
            + b"".join(additional))


def chain(links, addrs=1, reverse=False):
    order = list(range(links))
    if reverse:
        order.reverse()
    rrs = []
    for i in order:
        owner = Q if i == 0 else name("c%d.test" % i)
        rrs.append(rr(owner, T_CNAME, name("c%d.test" % (i + 1))))
    last = name("c%d.test" % links) if links else Q
    rrs += [rr(last, T_A, a(10, 1, 1, k + 1)) for k in range(addrs)]
    return reply(rrs)


def w13_chain(pointers, rrs, total=None):
    """An unknown RR whose RDATA chains `pointers` backward pointers, then A RRs owned by it."""
    head = header(1 + rrs) + question()
    rdata_at = len(head) + 2 + 10
    body = b""
    prev = 12
    for i in range(pointers):
        here = rdata_at + len(body)
        body += ptr(prev)
        prev = here
    tail = b"".join(rr(ptr(prev), T_A, a(10, 0, (k >> 8) & 255, k & 255)) for k in range(rrs))
    if total is not None:
        body += bytes(total - len(head) - 12 - len(body) - len(tail))
    return head + rr(Q, 65280, body) + tail


def owner_of_size(octets, via_pointers, base):
    """(prefix RRs, owner bytes): an owner of exactly `octets` wire octets, written directly or
    through pointers in an unknown RR's RDATA that starts at message offset `base`."""
    pieces, left = [], octets - 1
    while left:
        pieces.append(min(64, left))
        left -= pieces[-1]
    if not via_pointers:
        return b"", b"".join(bytes([p - 1]) + b"o" * (p - 1) for p in pieces) + b"\0"
    rdata_at = base + 2 + 10
    rdata, prev = b"", 0
    for i in reversed(range(len(pieces))):
        here = rdata_at + len(rdata)
        rdata += bytes([pieces[i] - 1]) + b"p" * (pieces[i] - 1)
        rdata += b"\0" if i == len(pieces) - 1 else ptr(prev)
        prev = here
    return rr(Q, 65280, rdata), ptr(prev)


def sized_reply(size):
    """A replies padded to exactly `size` bytes by an unknown RR in the additional section."""
    count = (size - 24 - 13) // 16
    answers = [rr(Q, T_A, a(10, (i >> 16) & 255, (i >> 8) & 255, i & 255)) for i in range(count)]
    used = 24 + 16 * count
    filler = rr(Q, 65280, b"\xC0" * (size - used - 12))
    msg = reply(answers, additional=[filler])
    assert len(msg) == size, (len(msg), size)
    return msg


def message_seeds():
    s = {}
    ok = rr(Q, T_A, a(192, 0, 2, 1))
    s["valid_a"] = reply([ok])
    s["valid_aaaa"] = reply([rr(Q, T_AAAA, aaaa(1)), rr(Q, T_AAAA, aaaa(2))], qtype=T_AAAA)
    s["valid_with_opt"] = reply([ok], additional=[opt()])
    # a.test CNAME www.a.test (compressed against the question), then its A.
    s["valid_compressed_chain"] = (header(2) + question() + rr(Q, T_CNAME, b"\3www" + ptr(12))
                                   + rr(ptr(12 + 12 + 10), T_A, a(192, 0, 2, 9)))
    s["w01_empty"] = b""
    s["w02_short_11"] = header()[:11]
    for code, label in ((2, "servfail"), (5, "refused"), (4, "notimp"), (1, "formerr")):
        s["w03_%s_bare" % label] = header(flags=F_QR | code, qd=0)
    s["w03_formerr_with_opt"] = header(ar=1, flags=F_QR | 1, qd=0) + opt()
    s["w04_noerror_bare"] = header(flags=F_REPLY, qd=0)
    s["w05_qdcount_2"] = (header(1, qd=2) + question() + Q + struct.pack(">HH", T_A, C_IN) + ok)
    s["w05_qd0_answers"] = header(1, qd=0) + rr(name("a.test"), T_A, a(1, 2, 3, 4))
    s["w06_ancount_65535"] = (header(65535) + question() + ok).ljust(60, b"\0")
    s["w07_trailing"] = reply([ok]) + b"\xC0\xFF\x40garbage"
    s["w08_self_pointer_question"] = header(0) + ptr(12) + struct.pack(">HH", T_A, C_IN)
    s["w08_self_pointer_owner"] = header(1) + question() + rr(ptr(24), T_A, a(1, 2, 3, 4))
    first = 24
    s["w09_loop"] = (header(2) + question() + rr(b"\1x" + ptr(first + 18), T_A, a(1, 2, 3, 4))
                     + rr(b"\1y" + ptr(first), T_A, a(5, 6, 7, 8)))
    s["w10_forward"] = (header(2) + question() + rr(ptr(24 + 16), T_A, a(1, 2, 3, 4))
                        + rr(name("a.test"), T_A, a(5, 6, 7, 8)))
    s["w11_past_end"] = header(1) + question() + rr(ptr(0x3FFF), T_A, a(1, 2, 3, 4))
    s["w11_into_header"] = header(1) + question() + rr(ptr(5), T_A, a(1, 2, 3, 4))
    s["w12_label_0x40"] = header(1) + question() + rr(b"\x40x\0", T_A, a(1, 2, 3, 4))
    s["w12_label_0x80"] = header(1) + question() + rr(b"\x80x\0", T_A, a(1, 2, 3, 4))
    s["w13_chain_30000"] = w13_chain(30000, 50, total=65535)
    s["w13_chain_100_accepted"] = w13_chain(100, 200)
    s["w14_label_63"] = reply([rr(name("l" * 63 + ".test"), T_A, a(1, 2, 3, 4))])
    s["w14_label_64"] = reply([rr(b"\x40" + b"l" * 64 + b"\4test\0", T_A, a(1, 2, 3, 4))])
    for octets in (255, 256):
        for via in (False, True):
            prefix, owner = owner_of_size(octets, via, 24)
            rrs = ([prefix] if prefix else []) + [rr(owner, T_A, a(1, 2, 3, 4))]
            s["w15_%d_%s" % (octets, "pointers" if via else "direct")] = reply(rrs)
    s["w16_label_past_end"] = header(1) + question() + b"\x3f" + b"abcdefghij"
    s["w17_no_terminator"] = header(1) + question() + b"\1a\4test"
    s["w18_rr_cut"] = reply([ok])[:-7]
    s["w19_rdlength_past_end"] = header(1) + question() + rr_raw(Q, T_A, 8, b"1234567")
    s["w20_rdlength_3"] = reply([rr(Q, T_A, a(10, 0, 0, 1)), rr(Q, T_A, b"\x09\x09\x09"),
                                 rr(Q, T_A, a(10, 0, 0, 2))])
    s["w21_rdlength_5"] = reply([rr(Q, T_A, b"\1\2\3\4\5")])
    s["w22_aaaa_15_17"] = reply([rr(Q, T_AAAA, b"\x0f" * 15), rr(Q, T_AAAA, aaaa(7)),
                                 rr(Q, T_AAAA, b"\x11" * 17)], qtype=T_AAAA)
    s["w23_cname_past_rdlength"] = (header(2) + question() + rr_raw(Q, T_CNAME, 7, name("b.test"))
                                    + rr(name("b.test"), T_A, a(1, 2, 3, 4)))
    s["w24_cname_forward"] = (header(2) + question() + rr(Q, T_CNAME, ptr(24 + 12 + 2))
                              + rr(name("b.test"), T_A, a(1, 2, 3, 4)))
    s["w25_unknown_and_srv"] = reply([rr(Q, 65280, b"\xC0\xFF\x40\x80\xC0\x00"),
                                      rr(Q, T_SRV, b"\0\1\0\2\0\x50" + ptr(0x3000)),
                                      rr(Q, T_A, a(192, 0, 2, 7)),
                                      rr(Q, T_MX, b"\0\1\xC0\xC0")],
                                     additional=[rr(Q, 65535, b"\xFF\xFF\xFF")])
    s["w26_two_opt"] = reply([ok], additional=[opt(), opt()])
    s["w27_opt_not_root"] = reply([ok], additional=[rr(Q, T_OPT, b"", rclass=1232)])
    s["w27_opt_in_answer"] = reply([ok, opt()])
    s["w27_opt_bad_option"] = reply([ok], additional=[opt(rdata=b"\0\12\0\4abc")])
    s["w28_badvers"] = reply(additional=[opt(1)])
    s["w30_aaaa_2000"] = reply([rr(Q, T_AAAA, aaaa(i)) for i in range(2000)], qtype=T_AAAA)
    for size in (2047, 2048, 2049, 4095, 4096, 65535):
        s["w30_size_%d" % size] = sized_reply(size)
    s["w31_a_in_aaaa"] = reply([rr(Q, T_A, a(10, 0, i >> 8, i & 255)) for i in range(1000)]
                               + [rr(Q, T_AAAA, aaaa(1))], qtype=T_AAAA)
    s["w32_repeat_500"] = reply([rr(Q, T_A, a(192, 0, 2, 9))] * 500)
    s["w33_tiny_unknown_5000"] = reply([rr(b"\0", 65280, b"")] * 5000)
    s["w34_class_ch_any"] = reply([rr(Q, T_A, a(1, 1, 1, 1), rclass=C_CH),
                                   rr(Q, T_A, a(2, 2, 2, 2), rclass=C_ANY)])
    s["w35_other_owner"] = reply([rr(name("b.test"), T_A, a(3, 3, 3, 3))])
    s["w36_authority_additional"] = reply(authority=[rr(Q, T_A, a(5, 5, 5, 5))],
                                          additional=[rr(Q, T_A, a(6, 6, 6, 6))])
    s["w37_ttl_top_bit"] = reply([rr(Q, T_A, a(192, 0, 2, 1), ttl=0x80000000),
                                  rr(Q, T_A, a(192, 0, 2, 2), ttl=600)])
    s["v02_qr_clear"] = reply([ok], flags=F_RD)
    s["v03_opcode_status"] = reply([ok], flags=F_REPLY | 2 << 11)
    s["v05_case"] = reply([ok], qname="A.TeST")
    s["s02_nxdomain_with_a"] = reply([ok], flags=F_REPLY | 3)
    s["t19_truncated"] = (header(5, flags=F_REPLY | F_TC) + question() + ok + b"\xC0\x0C\0\1")
    s["n01_chain_8"] = chain(8, 2)
    s["n02_loop"] = reply([rr(Q, T_CNAME, name("b.test")), rr(name("b.test"), T_CNAME, Q),
                           rr(Q, T_A, a(1, 2, 3, 4))])
    s["n03_chain_16"] = chain(16)
    s["n03_chain_17"] = chain(17)
    s["n03_chain_100"] = chain(100, reverse=True)
    s["n04_cname_nodata"] = reply([rr(Q, T_CNAME, name("b.test")), rr(Q, T_A, a(1, 2, 3, 4))])
    s["n05_reversed"] = chain(6, 3, reverse=True)
    s["n06_bad_cname"] = reply([rr(Q, T_CNAME, name("good.test")),
                                rr(name("good.test"), T_CNAME, name("x$(reboot).test")),
                                rr(name("x$(reboot).test"), T_A, a(7, 7, 7, 7))])
    s["n07_dot_in_label"] = reply([rr(Q, T_CNAME, b"\3a.b\4test\0"),
                                   rr(b"\3a.b\4test\0", T_A, a(7, 7, 7, 7))])
    s["n08_underscore_wildcard"] = reply([rr(Q, T_CNAME, name("_srv.x.test")),
                                          rr(name("_srv.x.test"), T_CNAME, name("*.x.test")),
                                          rr(name("*.x.test"), T_A, a(9, 9, 9, 9))])
    rev = "1.2.0.192.in-addr.arpa"
    s["n09_ptr_noise"] = reply([rr(Q, T_RRSIG, b"\xC0\xC0sig"), rr(Q, T_PTR, name("host.example")),
                                rr(Q, T_TXT, b"\3txt"), rr(Q, T_PTR, name("other.example"))],
                               qtype=T_PTR, qname=rev)
    s["n06_bad_ptr"] = reply([rr(Q, T_PTR, name("evil$(id).example")),
                              rr(Q, T_PTR, name("good.example"))], qtype=T_PTR, qname=rev)
    return s


def name_seeds():
    s = {}
    texts = {
        "text_simple": "a.test", "text_final_dot": "www.Example.com.", "text_root": ".",
        "text_empty": "", "text_double_dot": "a..b", "text_escape": "foo\\.",
        "text_meta": "x$(reboot).test", "text_underscore": "_srv.*.x-y", "text_hyphen": "-a.test",
        "text_hyphen_inner": "a.-b", "text_space": "a b", "text_label_63": "l" * 63 + ".test",
        "text_label_64": "l" * 64 + ".test", "text_253": ".".join(["b" * 63] * 3 + ["b" * 61]),
        "text_254_dot": ".".join(["b" * 63] * 3 + ["b" * 61]) + ".",
        "text_254": ".".join(["b" * 63] * 3 + ["b" * 62]),
    }
    for key, text in texts.items():
        s[key] = text.encode("latin-1")
    s["text_8bit"] = "españa.test".encode("utf-8")
    s["text_nul"] = b"a\0b.test"
    s["wire_simple"] = name("a.test")
    s["wire_root"] = b"\0"
    s["wire_dot_label"] = b"\3a.b\4test\0"
    s["wire_nul_label"] = b"\3a\0b\4test\0"
    s["wire_255"] = name(".".join(["w" * 63] * 3 + ["w" * 61]))
    s["wire_label_64"] = b"\x40" + b"w" * 64 + b"\0"
    zero = bytes(12)
    s["msg_plain"] = zero + name("www.a.test")
    s["msg_compressed"] = zero + name("a.test") + b"\3www" + ptr(12)
    s["msg_self_pointer"] = zero + ptr(12)
    s["msg_loop"] = zero + b"\1x" + ptr(16) + b"\1y" + ptr(12)
    s["msg_into_header"] = zero + ptr(3)
    s["msg_no_root"] = zero + b"\1a\4test"
    for hops in (128, 129):
        body, prev = name("a.test"), 12
        for i in range(hops):
            here = 12 + len(body)
            body += ptr(prev)
            prev = here
        s["msg_hops_%d" % hops] = zero + body
    s["reverse_v6"] = bytes([0x43, 0x21, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 5, 0x67, 0x89, 0xAB, 0])
    s["reverse_v4"] = bytes([192, 0, 2, 1] + [0] * 12 + [1])
    s["reverse_mapped"] = bytes([0] * 10 + [0xFF, 0xFF, 198, 51, 100, 7, 0])
    return s


def write(corpus, seeds):
    path = os.path.join(HERE, "corpus", corpus)
    os.makedirs(path, exist_ok=True)
    for key, data in sorted(seeds.items()):
        with open(os.path.join(path, key), "wb") as f:
            f.write(data)
    print("%s: %d seeds" % (path, len(seeds)))


if __name__ == "__main__":
    write("dns_message", message_seeds())
    write("dns_name", name_seeds())
