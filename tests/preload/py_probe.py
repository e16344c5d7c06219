#!/usr/bin/python3
"""The Python side of test_python.sh: socket.getaddrinfo() and socket.getnameinfo() over a corpus.

Run as a program (by Debian's /usr/bin/python3, with or without the shim), it prints one line per
case, "gai<TAB>INDEX<TAB>RESULT" or "gni<TAB>INDEX<TAB>RESULT", where RESULT is what the call
returned (families and socket types as plain ints) or the exception's class and text: the text of
a socket.gaierror comes from gai_strerror(), so the shim's texts are compared too. python_diff.py
imports it for the corpus and to ask glibc (in its own process, without the shim) the transformed
requests that the documented differences are defined by.

The corpus is deterministic: a structured part (every host with every service; every host with
every family and flag set; every service with every socket type and protocol) and a sample of the
whole product drawn with a fixed seed.
"""
import random
import socket
import sys

AF = socket.AddressFamily
HOSTS = [None, "localhost", "localhost.", "foo.localhost", "Foo.LocalHost.", "svc.localhost",
         "v4only", "v4only.", "v6only", "dual", "dual-alias", "multi", "canonmix", "canon4",
         "MixedCase.Example", "mixedalias", "v4m", "v4m2", "sortme", "near6", "thor", "thor.",
         "dotted.example", "dotted.example.", "scoped6", "ula", "primary.example", "ALIAS3",
         "web.test", "nonexistent", "nonexistent.test", "", "127.0.0.1", "::1", "192.0.2.10",
         "2001:db8::10", "::ffff:192.0.2.10", "fe80::1%lo", "0x7f.1", "127.1", "1.2.3.4.5",
         "xn--espaa-rta.test", "espa\u00f1a.test"]
SERVICES = [None, 80, "80", "0", "http", "www", "domain", "ntp", "syslog", "sctpsvc", "dccpsvc",
            "mixsvc", "mixsvc-alias", "Mixed", "tcponly", "dupsvc", "65535", "65536", "99999", "-1",
            "+80", " 80", "80 ", "*", "", "nosuchsvc"]
# Plain ints, so that a case prints as the call that reproduces it.
FAMILIES = [0, int(socket.AF_INET), int(socket.AF_INET6), int(socket.AF_UNIX)]
TYPES = [0, int(socket.SOCK_STREAM), int(socket.SOCK_DGRAM), int(socket.SOCK_RAW),
         int(socket.SOCK_SEQPACKET)]
PROTOS = [0, socket.IPPROTO_TCP, socket.IPPROTO_UDP, socket.IPPROTO_SCTP]
FLAGS = [int(f) for f in [
         0, socket.AI_PASSIVE, socket.AI_CANONNAME, socket.AI_NUMERICHOST, socket.AI_NUMERICSERV,
         socket.AI_V4MAPPED, socket.AI_V4MAPPED | socket.AI_ALL, socket.AI_ADDRCONFIG,
         socket.AI_CANONNAME | socket.AI_ADDRCONFIG | socket.AI_V4MAPPED,
         socket.AI_PASSIVE | socket.AI_NUMERICSERV, socket.AI_ALL, 0x10000]]
SAMPLE = 3000
SEED = 20261130

NI_ADDRS = ["127.0.0.1", "127.0.0.2", "192.0.2.50", "198.51.100.51", "192.0.2.52", "127.1.2.3",
            "192.0.2.10", "192.0.2.30", "198.51.100.20",
            "192.0.2.40", "192.0.2.199", "10.9.9.9", "::1", "2001:db8::10", "2001:db8::20",
            "2001:db8::40", "2001:db8::199", "::ffff:192.0.2.10", "::ffff:192.0.2.50",
            "::ffff:127.0.0.1", "fe80::5", "fe80::5%lo", "fe80::99%lo", "fd00::61", "ff02::1",
            "::", "0.0.0.0", "nonexistent"]
NI_PORTS = [0, 21, 22, 53, 80, 123, 514, 9903, 9904, 9999, 65535]
NI_FLAGS = [int(f) for f in [0, socket.NI_NUMERICHOST, socket.NI_NUMERICSERV, socket.NI_NAMEREQD,
            socket.NI_NOFQDN, socket.NI_DGRAM, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV,
            socket.NI_NAMEREQD | socket.NI_DGRAM, socket.NI_NOFQDN | socket.NI_NUMERICSERV,
            socket.NI_NAMEREQD | socket.NI_NUMERICHOST, 0x1000]]


def gai_corpus():
    cases = []
    for h in HOSTS:
        for s in SERVICES:
            cases.append((h, s, 0, int(socket.SOCK_STREAM), 0, 0))
    for h in HOSTS:
        for f in FAMILIES:
            for fl in FLAGS:
                cases.append((h, "http", f, 0, 0, fl))
    for s in SERVICES:
        for t in TYPES:
            for p in PROTOS:
                cases.append(("localhost", s, 0, t, p, 0))
    rnd = random.Random(SEED)
    for _ in range(SAMPLE):
        cases.append((rnd.choice(HOSTS), rnd.choice(SERVICES), rnd.choice(FAMILIES),
                       rnd.choice(TYPES), rnd.choice(PROTOS), rnd.choice(FLAGS)))
    return cases


def gni_corpus():
    cases = []
    for a in NI_ADDRS:
        for p in NI_PORTS:
            for fl in NI_FLAGS:
                sa = (a, p) if ":" not in a else (a, p, 0, 0)
                cases.append((sa, fl))
    # Wrong tuple shapes and a scope id given as a number.
    cases += [(("127.0.0.1", 80, 0, 0), 0), (("::1",), 0), (("fe80::5", 80, 0, 1), 0),
              (("fe80::5", 80, 0, 1), socket.NI_NAMEREQD), (("fe80::5", 80, 0, 99), 0)]
    return cases


def error_text(e):
    return "%s: %s" % (type(e).__name__, e)


def gai(host, port, family, socktype, proto, flags):
    try:
        res = socket.getaddrinfo(host, port, family, socktype, proto, flags)
    except Exception as e:  # every exception is an answer to compare
        return error_text(e)
    return repr([(int(f), int(t), p, c, sa) for f, t, p, c, sa in res])


def gni(sa, flags):
    try:
        return repr(socket.getnameinfo(sa, flags))
    except Exception as e:
        return error_text(e)


def main():
    out = sys.stdout
    for i, c in enumerate(gai_corpus()):
        out.write("gai\t%d\t%s\n" % (i, gai(*c)))
    for i, c in enumerate(gni_corpus()):
        out.write("gni\t%d\t%s\n" % (i, gni(*c)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
