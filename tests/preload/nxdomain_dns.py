#!/usr/bin/python3
"""A DNS server that knows no names: every query gets NXDOMAIN (RFC 1035 RCODE 3).

The preload tests' namespaces have "hosts: files" in nsswitch.conf, so the C library never asks
DNS and a name outside the hosts file does not exist. gaix does not read nsswitch.conf: with a
DNS source it asks the nameserver of resolv.conf (127.0.0.1 there). This server makes DNS agree
with the C library's view of that world, so that an unknown name is EAI_NONAME for both, instead
of gaix's EAI_AGAIN for a nameserver that refuses the connection.

    nxdomain_dns.py --ready FILE [--address 127.0.0.1] [--port 53] [--lifetime 900]

UDP and TCP (two-byte length prefix, RFC 1035 4.2.2). The reply copies the ID, the opcode, RD and
the question, and sets QR, RA and RCODE 3; a message too short to hold a header is ignored. It
writes FILE once both sockets listen and exits after --lifetime seconds at the latest.
"""
import argparse
import socket
import struct
import threading
import time

HEADER = 12
NXDOMAIN = 3
MAX_TCP_MESSAGES = 10000  # per connection
TCP_IDLE_S = 5


def question_end(msg):
    """Offset just past the first question, or None when it does not fit in msg."""
    i = HEADER
    for _ in range(128):  # at most 127 labels in a 255-byte name
        if i >= len(msg):
            return None
        n = msg[i]
        if n == 0:
            i += 1
            break
        if n & 0xC0:  # no compression in a question we accept
            return None
        i += 1 + n
    else:
        return None
    i += 4  # QTYPE, QCLASS
    return i if i <= len(msg) else None


def reply(msg):
    if len(msg) < HEADER:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", msg[:6])
    if flags & 0x8000:  # a response: never answer one
        return None
    opcode_rd = flags & 0x7900  # opcode (bits 11-14) and RD (bit 8)
    rflags = 0x8000 | opcode_rd | 0x0080 | NXDOMAIN
    end = question_end(msg) if qdcount >= 1 else None
    question = msg[HEADER:end] if end else b""
    return struct.pack("!HHHHHH", qid, rflags, 1 if question else 0, 0, 0, 0) + question


def serve_udp(sock, deadline):
    while time.monotonic() < deadline:
        try:
            msg, peer = sock.recvfrom(65535)
        except socket.timeout:
            continue
        r = reply(msg)
        if r:
            sock.sendto(r, peer)


def serve_tcp_conn(conn):
    conn.settimeout(TCP_IDLE_S)
    try:
        for _ in range(MAX_TCP_MESSAGES):
            head = conn.recv(2, socket.MSG_WAITALL)
            if len(head) < 2:
                return
            (n,) = struct.unpack("!H", head)
            msg = conn.recv(n, socket.MSG_WAITALL)
            if len(msg) < n:
                return
            r = reply(msg)
            if r:
                conn.sendall(struct.pack("!H", len(r)) + r)
    except OSError:
        pass
    finally:
        conn.close()


def serve_tcp(sock, deadline):
    while time.monotonic() < deadline:
        try:
            conn, _ = sock.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve_tcp_conn, args=(conn,), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=53)
    ap.add_argument("--lifetime", type=float, default=900)
    ap.add_argument("--ready", required=True)
    args = ap.parse_args()
    deadline = time.monotonic() + args.lifetime
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((args.address, args.port))
    udp.settimeout(1)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((args.address, args.port))
    tcp.listen(64)
    tcp.settimeout(1)
    threading.Thread(target=serve_tcp, args=(tcp, deadline), daemon=True).start()
    with open(args.ready, "w") as f:
        f.write("ready\n")
    serve_udp(udp, deadline)


if __name__ == "__main__":
    main()
