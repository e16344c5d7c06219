#!/usr/bin/python3
"""Checks the case catalogue tests/dns/cases/ (one JSON file per TEST-VECTORS scenario).

    validate_cases.py [--live WORKDIR] [CASE.json ...]

Without --live (no root, no network): every file loads; its metadata, "query", "config" and
"expect" use only the fields README.md documents, with values of the right kind; every case ID
of TEST-VECTORS 5.1-5.5 that concerns DNS (W01-W37, V01-V14, T01-T25, S01-S09, N01-N11) has at
least one file; and fakedns accepts every server's instructions and can build every reply they
describe (fakedns.Instructions.check).

With --live WORKDIR, run inside a network namespace the caller made: every server of every case
is started as a real fakedns on its loopback address (ephemeral port), sent the case's queries
over UDP and TCP by a plain client, and must stay up, log them, and report no instruction error
while following its rules. No resolver is involved: this proves the servers, not gaix.

Prints "PASS ..." / "FAIL ..." lines; exits 1 on any failure.
"""

import ipaddress
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
import fakedns  # noqa: E402

CASES_DIR = os.path.join(HERE, "cases")
REQUIRED = ([("W", n) for n in range(1, 38)] + [("V", n) for n in range(1, 15)] +
            [("T", n) for n in range(1, 26)] + [("S", n) for n in range(1, 10)] +
            [("N", n) for n in range(1, 12)])
RCS = {"0", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA", "EAI_MEMORY", "EAI_SYSTEM",
       "EAI_OVERFLOW", "EAI_SERVICE", "EAI_FAMILY", "EAI_SOCKTYPE", "EAI_BADFLAGS"}
DRIVERS = {"getaddrinfo", "getnameinfo", "special", "skip"}
CONFIG_KEYS = {"timeout", "attempts", "ndots", "search", "options", "force_equal_ids"}
GAI_QUERY_KEYS = {"api", "node", "service", "family", "socktype", "protocol", "flags", "calls",
                  "repeat"}
GNI_QUERY_KEYS = {"api", "addr", "port", "flags", "hostlen", "servlen"}
EXPECT_KEYS = {"rc", "addrs", "addr_counts", "capped", "canonname", "host", "serv",
               "min_seconds", "max_seconds", "max_cpu_ms", "max_heap_kib", "queries",
               "queries_ordered", "query_names_ordered", "queries_include", "queries_exclude",
               "max_queries", "every_query", "calls", "first_servers_distinct",
               "sequential_families", "distinct_source_ports", "id_uniformity",
               "min_distinct_ports", "pair_ids_distinct", "canary"}
PATTERN_KEYS = {"qname", "qtype", "transport", "server", "edns", "rd"}
EVERY_KEYS = {"rd", "qr", "opcode", "ad", "counts", "edns", "edns_payload_max", "edns_version",
              "qclass", "qtype_in", "transport", "error"}
LIVE_BATCH = 40            # cases started at once in --live (about 45 fakedns, 15 MB each)
LIVE_WAIT_S = 2.0          # long enough for the longest delay in a case (T06: 1.5 s)
READY_TRIES = 400          # x 0.05 s: 20 s, for a machine under heavy load
LOG_WAIT_S = 10.0          # for every server to have logged its first query


class Bad(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise Bad(msg)


def check_pattern(p, where, nservers):
    need(isinstance(p, dict), "%s: a query pattern is an object" % where)
    need(set(p) <= PATTERN_KEYS, "%s: unknown key(s) %s" % (where, sorted(set(p) - PATTERN_KEYS)))
    if "qtype" in p:
        fakedns.type_value(p["qtype"], where)
    if "qname" in p:
        fakedns.parse_text_name(p["qname"])
    if "transport" in p:
        need(p["transport"] in ("udp", "tcp"), "%s: transport is udp or tcp" % where)
    if "server" in p:
        need(isinstance(p["server"], int) and 0 <= p["server"] < nservers,
             "%s: server is an index into servers" % where)


def check_expect(e, where, case, nservers):
    need(isinstance(e, dict), "%s: expect is an object" % where)
    need(set(e) <= EXPECT_KEYS, "%s: unknown key(s) %s" % (where, sorted(set(e) - EXPECT_KEYS)))
    if "calls" in e:
        calls = case["query"].get("calls")
        need(isinstance(e["calls"], list) and len(e["calls"]) == calls,
             "%s: calls must list one expectation per call (query.calls = %r)" % (where, calls))
        for k, sub in enumerate(e["calls"]):
            check_expect(sub, "%s.calls[%d]" % (where, k), case, nservers)
        return
    need("rc" in e, "%s: no rc" % where)
    for rc in fakedns.as_list(e["rc"]):
        need(rc in RCS, "%s: unknown rc %r" % (where, rc))
    for a in e.get("addrs") or []:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            raise Bad("%s: %r is not an address" % (where, a)) from None
    if "addr_counts" in e:
        need(set(e["addr_counts"]) <= {"inet", "inet6"}, "%s: addr_counts has inet, inet6" % where)
    need(isinstance(e.get("max_seconds"), (int, float)) and e["max_seconds"] > 0,
         "%s: max_seconds must be a positive number" % where)
    cfg = case["config"]
    u3 = cfg["attempts"] * cfg["timeout"] * nservers + 1
    if case.get("driver") != "special":
        need(e["max_seconds"] <= u3, "%s: max_seconds %s is beyond U3 (%s s)" % (where, e["max_seconds"], u3))
    if "min_seconds" in e:
        need(0 <= e["min_seconds"] < e["max_seconds"], "%s: min_seconds must be below max_seconds" % where)
    for key in ("queries", "queries_include", "queries_exclude"):
        for k, p in enumerate(e.get(key, [])):
            check_pattern(p, "%s.%s[%d]" % (where, key, k), nservers)
    for n in e.get("query_names_ordered", []):
        fakedns.parse_text_name(n)
    if "every_query" in e:
        ev = e["every_query"]
        need(set(ev) <= EVERY_KEYS, "%s.every_query: unknown key(s) %s" % (where, sorted(set(ev) - EVERY_KEYS)))
    canon = e.get("canonname")
    if canon is not None:
        need(case["query"].get("flags") and "AI_CANONNAME" in case["query"]["flags"],
             "%s: canonname expected without AI_CANONNAME" % where)


def check_case(path):
    """Static checks of one file. Returns the case (dict)."""
    with open(path, encoding="utf-8") as f:
        try:
            case = json.load(f)
        except json.JSONDecodeError as e:
            raise Bad("not JSON: %s" % e) from None
    need(isinstance(case, dict), "not an object")
    cid = case.get("case", "")
    base = os.path.basename(path)[:-5]
    need(isinstance(cid, str) and len(cid) == 3 and cid[0] in "WVTSN" and cid[1:].isdigit(),
         "case must be an ID like W03")
    need(base == cid or base.startswith(cid + "-"), "file name %s does not start with %s" % (base, cid))
    need(isinstance(case.get("title"), str) and case["title"], "no title")
    driver = case.get("driver", "getaddrinfo")
    need(driver in DRIVERS, "unknown driver %r" % driver)
    cfg = case.get("config")
    need(isinstance(cfg, dict) and set(cfg) <= CONFIG_KEYS, "config: unknown or missing keys")
    need(isinstance(cfg.get("timeout"), int) and 1 <= cfg["timeout"] <= 30, "config.timeout 1..30")
    need(isinstance(cfg.get("attempts"), int) and 1 <= cfg["attempts"] <= 5, "config.attempts 1..5")
    q = case.get("query")
    need(isinstance(q, dict), "no query")
    if q.get("api", "getaddrinfo") == "getnameinfo":
        need(driver == "getnameinfo", "a getnameinfo query needs driver getnameinfo")
        need(set(q) <= GNI_QUERY_KEYS, "query: unknown key(s) %s" % sorted(set(q) - GNI_QUERY_KEYS))
        ipaddress.ip_address(q["addr"])
    else:
        need(set(q) <= GAI_QUERY_KEYS, "query: unknown key(s) %s" % sorted(set(q) - GAI_QUERY_KEYS))
    if "servers" in case:
        servers = case["servers"]
        need(isinstance(servers, list) and 1 <= len(servers) <= 3, "servers: 1 to 3 of them")
        need("rules" not in case and "default" not in case and "zone" not in case,
             "rules, default and zone go inside servers[] when servers is given")
    else:
        servers = [case]
    addrs = []
    for k, s in enumerate(servers):
        addr = s.get("addr", "127.0.0.1")
        need(ipaddress.ip_address(addr).is_loopback, "servers[%d]: %s is not loopback" % (k, addr))
        addrs.append(addr)
        if s.get("closed"):
            need(set(s) <= {"addr", "closed"}, "servers[%d]: a closed server has no rules" % k)
    need(len(set(addrs)) == len(addrs), "two servers on one address")
    check_expect(case.get("expect"), "expect", case, len(servers))
    # fakedns must accept every server's instructions and build every reply they describe.
    for k, s in enumerate(servers):
        if not s.get("closed"):
            fakedns.load_instructions(path, k if "servers" in case else 0).check()
    return case


# ---- --live ---------------------------------------------------------------------------------------

def wire_query(qid, name, qtype):
    out = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 1)
    for label in fakedns.parse_text_name(name):
        out += bytes([len(label)]) + label
    return out + b"\0" + struct.pack(">HH", qtype, 1) + b"\0" + struct.pack(">HHIH", 41, 1232, 0, 0)


def reverse_name(addr):
    ip = ipaddress.ip_address(addr)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.reverse_pointer


def client(addr, port, queries, out):
    """UDP and TCP queries to one server; reads for LIVE_WAIT_S. Records what it got."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    got = {"udp": 0, "tcp": b""}
    t0 = time.monotonic()
    u = socket.socket(fam, socket.SOCK_DGRAM)
    t = socket.socket(fam, socket.SOCK_STREAM)
    try:
        for q in queries:
            u.sendto(q, (addr, port))
        t.settimeout(LIVE_WAIT_S)
        try:
            t.connect((addr, port))
            t.sendall(struct.pack(">H", len(queries[0])) + queries[0])
        except OSError:
            t.close()
            t = None
        u.settimeout(0.05)
        while time.monotonic() - t0 < LIVE_WAIT_S:
            try:
                u.recvfrom(65535)
                got["udp"] += 1
            except (socket.timeout, OSError):
                pass
            if t is not None:
                t.settimeout(0.05)
                try:
                    data = t.recv(65536)
                    if not data:
                        t.close()
                        t = None
                    else:
                        got["tcp"] += data
                except socket.timeout:
                    pass
                except OSError:
                    t.close()
                    t = None
    finally:
        u.close()
        if t is not None:
            t.close()
    out.append(got)


def live_batch(batch, work):
    """Start every server of every case in batch, query them all at once, check the logs."""
    procs = []
    for path, case in batch:
        servers = case.get("servers", [case])
        for k, s in enumerate(servers):
            if s.get("closed"):
                continue
            name = "%s.%d" % (os.path.basename(path)[:-5], k)
            d = os.path.join(work, name)
            os.makedirs(d, exist_ok=True)
            ready = os.path.join(d, "ready")
            p = subprocess.Popen(
                ["/usr/bin/python3", fakedns.__file__, "--rules", path, "--server", str(k),
                 "--listen", "%s:0" % s.get("addr", "127.0.0.1"), "--log", os.path.join(d, "log"),
                 "--ready", ready, "--lifetime", "30"],
                stderr=open(os.path.join(d, "stderr"), "w"))
            procs.append((name, case, p, d, ready, s.get("addr", "127.0.0.1")))
    try:
        return live_run(procs)
    finally:
        for name, case, p, d, ready, addr in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def live_run(procs):
    ports = {}
    for _ in range(READY_TRIES):
        for name, case, p, d, ready, addr in procs:
            if name not in ports and os.path.exists(ready):
                with open(ready) as f:
                    ports[name] = json.load(f)["listen"][0]["port"]
        waiting = [p for name, case, p, d, ready, addr in procs if name not in ports]
        if all(p.poll() is not None for p in waiting):
            break
        time.sleep(0.05)
    threads, outs = [], {}
    for name, case, p, d, ready, addr in procs:
        if name not in ports:
            continue
        q = case["query"]
        if q.get("api") == "getnameinfo":
            qs = [wire_query(0x4242, reverse_name(q["addr"]), 12)]
        else:
            node = q.get("node", "a.test")
            qs = [wire_query(0x4141, node, 1), wire_query(0x4142, node, 28)]
        outs[name] = []
        th = threading.Thread(target=client, args=(addr, ports[name], qs, outs[name]))
        th.start()
        threads.append(th)
    for th in threads:
        th.join(LIVE_WAIT_S + 5)
    # Queries still queued on a loaded machine: wait (bounded) until every server logged one.
    deadline = time.monotonic() + LOG_WAIT_S
    for name, case, p, d, ready, addr in procs:
        while name in ports and p.poll() is None and time.monotonic() < deadline:
            with open(os.path.join(d, "log")) as f:
                if any('"event": "query"' in line for line in f):
                    break
            time.sleep(0.05)
    fails = 0
    alive = {}
    for name, case, p, d, ready, addr in procs:
        alive[name] = p.poll() is None
        if alive[name]:
            p.send_signal(signal.SIGTERM)
    for name, case, p, d, ready, addr in procs:
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        why = []
        if name not in ports:
            why.append("never ready: %s" % open(os.path.join(d, "stderr")).read()[-300:])
        else:
            if not alive[name]:
                why.append("died (status %s): %s" % (p.returncode, open(os.path.join(d, "stderr")).read()[-300:]))
            evs = [json.loads(line) for line in open(os.path.join(d, "log"))]
            nq = sum(1 for e in evs if e["event"] == "query")
            if nq < 1:
                why.append("logged no query")
            errs = [e["error"] for e in evs if e["event"] == "error" and not e["error"].startswith("send")]
            if errs:
                why.append("instruction errors: %s" % errs[:3])
        if why:
            fails += 1
            print("FAIL live %s: %s" % (name, "; ".join(why)))
    return fails, len(procs)


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


def main(argv):
    live = None
    if argv[:1] == ["--live"]:
        if len(argv) < 2:
            print("usage: validate_cases.py [--live WORKDIR] [CASE.json ...]", file=sys.stderr)
            return 64
        live, argv = argv[1], argv[2:]
    paths = argv or sorted(os.path.join(CASES_DIR, f) for f in os.listdir(CASES_DIR)
                           if f.endswith(".json"))
    fails, cases = 0, []
    for path in paths:
        try:
            cases.append((path, check_case(path)))
        except (Bad, fakedns.InstructionError, OSError, ValueError, KeyError, TypeError) as e:
            fails += 1
            print("FAIL %s: %s" % (os.path.basename(path), e))
    print("%s %d case files load, match the documented format and fakedns accepts them"
          % ("PASS" if not fails else "FAIL", len(paths) - fails))
    if not argv:
        have = {c["case"] for _, c in cases}
        missing = ["%s%02d" % r for r in REQUIRED if "%s%02d" % r not in have]
        print("%s every DNS case of TEST-VECTORS 5.1-5.5 has a file%s"
              % ("FAIL" if missing else "PASS", (": missing " + " ".join(missing)) if missing else ""))
        fails += bool(missing)
    if live is not None:
        if not private_netns():
            print("FAIL --live refuses to run in the host's network namespace (or cannot tell)")
            return 1
        lfails = lservers = 0
        for k in range(0, len(cases), LIVE_BATCH):
            f, n = live_batch(cases[k:k + LIVE_BATCH], live)
            lfails += f
            lservers += n
        print("%s live: %d fakedns servers of %d cases followed their instructions (%d failed)"
              % ("PASS" if not lfails else "FAIL", lservers, len(cases), lfails))
        fails += lfails
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
