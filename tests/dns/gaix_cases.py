#!/usr/bin/python3
"""The case catalogue tests/dns/cases/ turned into runs of gaix, and the runs judged.

test_dns_gaix.sh calls this twice, outside the namespaces, each time for every case at once (one
Python start, not one per case):

    gaix_cases.py prep WORKDIR PORT CASE.json...
        For each case, in WORKDIR/ID/ (ID: the file name less .json): "plan", what the shell must
        do in the case's namespace: "skip REASON", or one "server K ADDR open|closed" line per
        server (fakedns is started on ADDR:PORT for the open ones, through dns_harness.sh; nothing
        listens on a closed one's); and "args", the arguments of tests/dns_case_prog,
        NUL-separated.
    gaix_cases.py check WORKDIR CASE.json...
        For each case that ran (WORKDIR/ID/result.json and no verdict yet), judges the program's
        output and the query logs WORKDIR/ID/s<K>/log.jsonl against the case's "expect" and
        writes WORKDIR/ID/verdict: "ok" or "FAIL <the difference>", then, for a failure, the
        expectation, what gaix did and the query log.

What "expect" means is README.md's (the case catalogue). Timing: the case's own max_seconds (and
min_seconds, which load cannot break); CPU bounds (max_cpu_ms) are multiplied by
GX_DNS_CPU_SLACK (default 5), because the process CPU time of one lookup includes system calls
and varies with the build (sanitizers) and the machine: the bound is there to catch blow-ups
(loops, quadratic walks), not to time the parser. The per-family address cap is read from
src/core/limits.h (GX_ADDRS_PER_FAMILY_MAX), where it is documented.
"""

import ipaddress
import json
import math
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
fakedns = None  # imported by check only

LIMITS_H = os.path.join(HERE, "..", "..", "src", "core", "limits.h")
REPEAT_CHI2_Z = 3.72        # V12: reject uniformity at p < 1e-4 (one-sided normal quantile)
REPEAT_SEQ_MAX = 0.01       # V12: no difference between consecutive IDs in more than 1 % of pairs
POISON = {"203.0.113.66", "2001:db8:bad::66"}   # README: only poisoned replies carry them
LOG_MAX_LINES = 60          # query-log lines shown for a failure


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def servers_of(case):
    return case["servers"] if "servers" in case else [case]


def skip_reason(case):
    if case.get("driver") == "skip":
        return case.get("notes") or "the case says skip"
    if case["config"].get("force_equal_ids"):
        return ("needs a test hook that gives A and AAAA the same ID (config.force_equal_ids); "
                "gaix has none")
    return None


# ---- prep ------------------------------------------------------------------------------------

def server_arg(addr, port):
    return ("[%s]:%s" % (addr, port)) if ":" in addr else ("%s:%s" % (addr, port))


def prog_args(case, port):
    cfg, q = case["config"], case["query"]
    args = []
    for s in servers_of(case):
        args += ["--server", server_arg(s.get("addr", "127.0.0.1"), port)]
    for dom in cfg.get("search", []):
        args += ["--search", dom]
    opts = ["ndots:%d" % cfg.get("ndots", 1), "timeout:%d" % cfg["timeout"],
            "attempts:%d" % cfg["attempts"]] + list(cfg.get("options", []))
    args += ["--options", " ".join(opts)]
    if q.get("api") == "getnameinfo":
        args += ["--gni", q["addr"], "--port", str(q.get("port", 80)),
                 "--hostlen", str(q.get("hostlen", 1025)), "--servlen", str(q.get("servlen", 32))]
        for f in q.get("flags", []):
            args += ["--ni-flag", f]
        return args
    if q.get("node", "a.test") is not None:
        args += ["--node", q.get("node", "a.test")]
    if q.get("service", "80") is not None:
        args += ["--service", q.get("service", "80")]
    args += ["--family", q.get("family", "AF_UNSPEC"), "--socktype", q.get("socktype") or "0"]
    if q.get("protocol"):
        args += ["--protocol", str(q["protocol"])]
    for f in q.get("flags", []):
        args += ["--flag", f]
    if q.get("calls"):
        args += ["--calls", str(q["calls"])]
    if q.get("repeat"):
        args += ["--repeat", str(q["repeat"])]
    return args


def prep_one(case_path, port, out):
    case = load(case_path)
    plan = []
    why = skip_reason(case)
    if not why:
        for k, s in enumerate(servers_of(case)):
            addr = s.get("addr", "127.0.0.1")
            if not ipaddress.ip_address(addr).is_loopback:  # the network rule
                why = "server %d is %s, not loopback" % (k, addr)
                break
            plan.append("server %d %s %s" % (k, addr, "closed" if s.get("closed") else "open"))
    if why:
        plan = ["skip %s" % " ".join(why.split())]
    with open(os.path.join(out, "plan"), "w", encoding="utf-8") as f:
        f.write("\n".join(plan) + "\n")
    with open(os.path.join(out, "args"), "w", encoding="utf-8") as f:
        f.write("".join(a + "\0" for a in ([] if why else prog_args(case, port))))


def case_id(path):
    return os.path.basename(path)[:-len(".json")]


def cmd_prep(work, port, paths):
    bad = 0
    for path in paths:
        out = os.path.join(work, case_id(path))
        os.makedirs(out, exist_ok=True)
        try:
            prep_one(path, port, out)
        except (OSError, ValueError, KeyError, TypeError) as e:
            with open(os.path.join(out, "plan"), "w", encoding="utf-8") as f:
                f.write("fail cannot read the case: %s\n" % " ".join(str(e).split()))
            bad += 1
    return 1 if bad else 0


# ---- the query log -----------------------------------------------------------------------------

def read_logs(case, work):
    """Every event of every server, with "srv" (its index), in wall-clock order."""
    events = []
    for k, s in enumerate(servers_of(case)):
        path = os.path.join(work, "s%d" % k, "log.jsonl")
        if s.get("closed") or not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                e["srv"] = k
                events.append(e)
    events.sort(key=lambda e: (e.get("wall", 0), e["srv"], e.get("n") or 0))
    return events


def norm_name(n):
    if n is None:
        return None
    n = n.lower()
    return n[:-1] if len(n) > 1 and n.endswith(".") else n


def norm_type(t):
    if t is None:
        return None
    return fakedns.type_value(t, "qtype")


def pattern_match(p, q):
    if "qname" in p and norm_name(p["qname"]) != norm_name(q.get("qname")):
        return False
    if "qtype" in p and (q.get("qtype") is None or norm_type(p["qtype"]) != norm_type(q["qtype"])):
        return False
    if "transport" in p and p["transport"] != q.get("transport"):
        return False
    if "server" in p and p["server"] != q["srv"]:
        return False
    if "edns" in p and bool(p["edns"]) != bool(q.get("edns")):
        return False
    if "rd" in p and p["rd"] != q.get("flags", {}).get("rd"):
        return False
    return True


def multiset_match(patterns, queries):
    """A perfect matching of patterns to queries (Kuhn's augmenting paths), or None."""
    if len(patterns) != len(queries):
        return None
    owner = [None] * len(queries)

    def place(i, seen):
        for j, q in enumerate(queries):
            if j in seen or not pattern_match(patterns[i], q):
                continue
            seen.add(j)
            if owner[j] is None or place(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(patterns)):
        if not place(i, set()):
            return None
    return owner


def qtext(q):
    return "%s/%s/%s/srv%d%s" % (q.get("transport"), q.get("qtype"), q.get("qname"), q["srv"],
                                 "" if q.get("edns") else "/noedns")


def ptext(p):
    return "/".join("%s=%s" % (k, p[k]) for k in sorted(p))


def log_lines(events, t0):
    out = []
    for e in events:
        ev = e["event"]
        if ev in ("start", "exit"):
            continue
        dt = (e.get("wall", t0) - t0) * 1000.0
        head = "  %+9.1f ms srv%d %-6s" % (dt, e["srv"], ev)
        if ev == "query":
            fl = e.get("flags") or {}
            line = "%s n=%s %s sport=%s id=%s %s %s rd=%s %s rule=%s" % (
                head, e.get("n"), e.get("transport"), e.get("sport"), e.get("id"),
                e.get("qtype"), e.get("qname"), fl.get("rd"),
                ("edns(%s)" % e.get("edns_payload")) if e.get("edns") else "noedns", e.get("rule"))
            if e.get("error"):
                line += " error=%s" % e["error"]
        elif ev == "send":
            line = "%s n=%s %s %s bytes" % (head, e.get("n"), e.get("transport"), e.get("len"))
        else:
            rest = {k: v for k, v in e.items() if k not in ("event", "t", "wall", "srv")}
            line = "%s %s" % (head, json.dumps(rest, sort_keys=True))
        out.append(line)
    if len(out) > LOG_MAX_LINES:
        out = out[:LOG_MAX_LINES // 2] + ["  ... %d lines ..." % (len(out) - LOG_MAX_LINES)] + \
            out[-LOG_MAX_LINES // 2:]
    return out


# ---- judging -----------------------------------------------------------------------------------

def addr_cap():
    try:
        with open(LIMITS_H, encoding="utf-8") as f:
            m = re.search(r"#define\s+GX_ADDRS_PER_FAMILY_MAX\s+(\d+)", f.read())
        if m:
            return int(m.group(1))
    except OSError:
        pass
    return 1024


def canon_addr(a):
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def check_queries(e, queries, diffs):
    if "queries" in e:
        pats = e["queries"]
        if e.get("queries_ordered"):
            ok = len(pats) == len(queries) and \
                all(pattern_match(p, q) for p, q in zip(pats, queries))
        else:
            ok = multiset_match(pats, queries) is not None
        if not ok:
            order = " in that order" if e.get("queries_ordered") else ""
            diffs.append("queries %s, want %s%s" % ([qtext(q) for q in queries],
                                                    [ptext(p) for p in pats], order))
    if "query_names_ordered" in e:
        names = []
        for q in queries:
            n = norm_name(q.get("qname"))
            if n not in names:
                names.append(n)
        want = [norm_name(n) for n in e["query_names_ordered"]]
        if names != want:
            diffs.append("names asked in order %s, want %s" % (names, want))
    for p in e.get("queries_include", []):
        if not any(pattern_match(p, q) for q in queries):
            diffs.append("no query %s (queries: %s)" % (ptext(p), [qtext(q) for q in queries]))
    for p in e.get("queries_exclude", []):
        bad = [qtext(q) for q in queries if pattern_match(p, q)]
        if bad:
            diffs.append("queries that must not be sent: %s" % bad)
    if "max_queries" in e and len(queries) > e["max_queries"]:
        diffs.append("%d queries, at most %d" % (len(queries), e["max_queries"]))
    ev = e.get("every_query")
    if ev:
        for q in queries:
            fl = q.get("flags") or {}
            bad = []
            for key in ("rd", "qr", "opcode", "ad"):
                if key in ev and fl.get(key) != ev[key]:
                    bad.append("%s=%s" % (key, fl.get(key)))
            if "counts" in ev and q.get("counts") != ev["counts"]:
                bad.append("counts=%s" % q.get("counts"))
            if "edns" in ev and bool(q.get("edns")) != bool(ev["edns"]):
                bad.append("edns=%s" % q.get("edns"))
            if "edns_payload_max" in ev and q.get("edns") and \
                    (q.get("edns_payload") or 0) > ev["edns_payload_max"]:
                bad.append("edns_payload=%s" % q.get("edns_payload"))
            if "edns_version" in ev and q.get("edns") and \
                    q.get("edns_version") != ev["edns_version"]:
                bad.append("edns_version=%s" % q.get("edns_version"))
            if "qclass" in ev and q.get("qclass") != ev["qclass"]:
                bad.append("qclass=%s" % q.get("qclass"))
            if "qtype_in" in ev and q.get("qtype") not in ev["qtype_in"]:
                bad.append("qtype=%s" % q.get("qtype"))
            if "transport" in ev and q.get("transport") != ev["transport"]:
                bad.append("transport=%s" % q.get("transport"))
            if "error" in ev and q.get("error") != ev["error"]:
                bad.append("error=%s" % q.get("error"))
            if bad:
                diffs.append("query %s has %s" % (qtext(q), ", ".join(bad)))
                break


def check_call(e, r, queries, diffs, gni):
    """One call's result r against one expectation e (README's fields)."""
    want_rc = fakedns.as_list(e["rc"])
    if r["rc"] not in want_rc:
        diffs.append("rc %s, want %s" % (r["rc"], " or ".join(want_rc)))
    got = [canon_addr(a) for a in r.get("addrs") or []]
    poisoned = sorted(set(got) & POISON)
    if poisoned:
        diffs.append("poisoned address(es) %s returned: a reply that must be dropped was used"
                     % poisoned)
    if r["rc"] == "0" and not gni:
        if e.get("addrs") is not None:
            want = sorted(canon_addr(a) for a in e["addrs"])
            if sorted(set(got)) != want:
                diffs.append("addresses %s, want %s" % (got, want))
        if "addr_counts" in e:
            cap = addr_cap()
            for fam in ("inet", "inet6"):
                n = e["addr_counts"].get(fam)
                if n is None:
                    continue
                if e.get("capped"):
                    n = min(n, cap)
                if r.get("count_" + fam) != n:
                    note = " (cap %d)" % cap if e.get("capped") else ""
                    diffs.append("%d %s addresses, want %d%s" % (r.get("count_" + fam), fam, n,
                                                                 note))
        if "canonname" in e and e["canonname"] is not None:
            want = fakedns.as_list(e["canonname"])
            if r.get("canonname") not in want:
                diffs.append("canonname %s, want %s" % (json.dumps(r.get("canonname")),
                                                        " or ".join(json.dumps(w) for w in want)))
    if gni and r["rc"] == "0":
        for key in ("host", "serv"):
            if key in e and e[key] is not None and r.get(key) != e[key]:
                diffs.append("%s %s, want %s" % (key, json.dumps(r.get(key)), json.dumps(e[key])))
    secs = r["elapsed_ms"] / 1000.0
    if "max_seconds" in e and secs > e["max_seconds"]:
        diffs.append("took %.3f s, at most %s s" % (secs, e["max_seconds"]))
    if "min_seconds" in e and secs < e["min_seconds"]:
        diffs.append("took %.3f s, at least %s s" % (secs, e["min_seconds"]))
    if "max_cpu_ms" in e:
        slack = float(os.environ.get("GX_DNS_CPU_SLACK", "5"))
        if r["cpu_ms"] > e["max_cpu_ms"] * slack:
            diffs.append("CPU %.2f ms, at most %s ms x %g" % (r["cpu_ms"], e["max_cpu_ms"], slack))
    if "max_heap_kib" in e and r.get("heap_peak_kib") is not None and \
            r["heap_peak_kib"] > e["max_heap_kib"]:
        diffs.append("peak heap %.1f KiB, at most %s KiB" % (r["heap_peak_kib"], e["max_heap_kib"]))
    if e.get("canary") and not r.get("canary_ok"):
        diffs.append("bytes written past the buffer (canary)")
    for p in r.get("problems", []):
        diffs.append("invariant: %s" % p)
    check_queries(e, queries, diffs)


def queries_in(queries, calls, k):
    """The queries of call k: logged from its start to the next call's start. A server logs a
    query when it reads it, after it was sent and before its reply can arrive, so a query is never
    logged before its call began; one whose reply the call did not wait for may be logged after
    the call ended, which is why a call's share runs to the next call's start."""
    lo = calls[k]["wall_start"]
    hi = calls[k + 1]["wall_start"] if k + 1 < len(calls) else float("inf")
    return [q for q in queries if lo <= q["wall"] < hi]


def check_sequential(queries, events, diffs):
    """T25: the second family's first query arrived after the first family's reply was sent."""
    firsts = {}
    for q in queries:
        firsts.setdefault(q.get("qtype"), q)
    if len(firsts) < 2:
        diffs.append("sequential_families: only %s asked" % sorted(firsts))
        return
    a, b = sorted(firsts.values(), key=lambda q: q["wall"])[:2]
    sends = [e["wall"] for e in events
             if e["event"] == "send" and e["srv"] == a["srv"] and e.get("n") == a.get("n")]
    if not sends:
        diffs.append("sequential_families: the %s query was never answered" % a.get("qtype"))
    elif b["wall"] < min(sends):
        diffs.append("sequential_families: %s asked %.1f ms before the %s reply was sent"
                     % (b.get("qtype"), (min(sends) - b["wall"]) * 1000, a.get("qtype")))


def chi2_limit(df, z):
    """Wilson-Hilferty: the chi-square quantile with df degrees of freedom at normal quantile z."""
    c = 2.0 / (9.0 * df)
    return df * (1.0 - c + z * math.sqrt(c)) ** 3


def check_repeat(e, r, queries, diffs):
    """V12: every lookup succeeded; IDs uniform and without sequence; ports vary; pairs differ."""
    if r.get("ok") != r.get("repeat"):
        diffs.append("%s of %s lookups succeeded (first error %s)" % (r.get("ok"), r.get("repeat"),
                                                                       r.get("first_error")))
    udp = [q for q in queries if q.get("transport") == "udp" and q.get("id") is not None]
    ids = [q["id"] for q in udp]
    if e.get("id_uniformity"):
        if len(ids) < 1000:
            diffs.append("only %d queries logged" % len(ids))
        else:
            for what, key in (("top 6 bits", lambda i: i >> 10), ("low 6 bits", lambda i: i & 63)):
                counts = Counter(key(i) for i in ids)
                exp = len(ids) / 64.0
                chi2 = sum((counts.get(b, 0) - exp) ** 2 / exp for b in range(64))
                lim = chi2_limit(63, REPEAT_CHI2_Z)
                if chi2 > lim:
                    diffs.append("IDs not uniform in their %s: chi-square %.1f > %.1f (df 63)"
                                 % (what, chi2, lim))
            steps = Counter((b - a) & 0xFFFF for a, b in zip(ids, ids[1:]))
            step, n = steps.most_common(1)[0]
            if n > REPEAT_SEQ_MAX * (len(ids) - 1):
                diffs.append("IDs in sequence: %d of %d consecutive IDs differ by %d"
                             % (n, len(ids) - 1, step))
    if "min_distinct_ports" in e:
        ports = {q["sport"] for q in udp}
        if len(ports) < e["min_distinct_ports"]:
            diffs.append("%d distinct source ports, want at least %d"
                         % (len(ports), e["min_distinct_ports"]))
    if e.get("pair_ids_distinct"):
        # The two questions of one lookup leave together from one socket: consecutive in the log.
        same, pairs, last = [], 0, {}
        for q in udp:
            p = last.get(q["sport"])
            if p is not None and p.get("qtype") != q.get("qtype") and q["n"] - p["n"] <= 4:
                pairs += 1
                if p["id"] == q["id"]:
                    same.append("id %d from port %d, queries n=%d and n=%d"
                                % (q["id"], q["sport"], p["n"], q["n"]))
                last.pop(q["sport"])
            else:
                last[q["sport"]] = q
        if pairs < len(ids) // 4:
            diffs.append("only %d A/AAAA pairs found among %d queries" % (pairs, len(ids)))
        if same:
            diffs.append("A and AAAA of one lookup shared an ID in %d of %d pairs (%s)"
                         % (len(same), pairs, ", ".join(same[:3])))


def check_one(case_path, result_path, work):
    """The verdict's lines for one case that ran."""
    case = load(case_path)
    e = case["expect"]
    try:
        result = load(result_path)
        calls = result["calls"]
    except (OSError, ValueError, KeyError) as ex:
        return ["FAIL dns_case_prog gave no result (%s)" % ex]
    events = read_logs(case, work)
    queries = [x for x in events if x["event"] == "query"]
    diffs = []
    gni = case.get("driver") == "getnameinfo"
    if case.get("driver") == "special":
        check_repeat(e, calls[0], queries, diffs)
    elif "calls" in e:
        if len(calls) != len(e["calls"]):
            diffs.append("%d calls ran, want %d" % (len(calls), len(e["calls"])))
        for k, (sub, r) in enumerate(zip(e["calls"], calls)):
            sd = []
            check_call(sub, r, queries_in(queries, calls, k), sd, gni)
            diffs += ["call %d: %s" % (k + 1, d) for d in sd]
        if e.get("first_servers_distinct"):
            firsts = []
            for k in range(len(calls)):
                qs = queries_in(queries, calls, k)
                firsts.append(qs[0]["srv"] if qs else None)
            if None in firsts or len(set(firsts)) != len(firsts):
                diffs.append("first server of each call %s, want all different" % firsts)
    else:
        check_call(e, calls[0], queries, diffs, gni)
    if e.get("sequential_families"):
        check_sequential(queries, events, diffs)
    if e.get("distinct_source_ports"):
        ports = {}
        for q in queries:
            ports.setdefault(q.get("qtype"), q.get("sport"))
        if len(set(ports.values())) != len(ports):
            diffs.append("A and AAAA from one source port %s, want a new socket" % ports)
    if not diffs:
        return ["ok"]
    out = ["FAIL " + "; ".join(diffs)]
    # The details, for the report.
    t0 = calls[0].get("wall_start", 0) if calls else 0
    out.append("  title:    %s" % case.get("title"))
    out.append("  expect:   %s" % json.dumps(e, sort_keys=True)[:2000])
    for k, r in enumerate(calls):
        out.append("  gaix[%d]:  %s" % (k, json.dumps(r, sort_keys=True)[:2000]))
    if case.get("driver") == "special":
        out.append("  query log: %d queries in %s/s0/log.jsonl (the queries named above)"
                   % (len(queries), work))
        return out
    out.append("  query log (ms from the first call's start):")
    out += log_lines(events, t0)
    return out


def cmd_check(work, paths):
    global fakedns
    import fakedns as module
    fakedns = module
    for path in paths:
        out = os.path.join(work, case_id(path))
        verdict = os.path.join(out, "verdict")
        if os.path.exists(verdict) or not os.path.exists(os.path.join(out, "result.json")):
            continue
        try:
            lines = check_one(path, os.path.join(out, "result.json"), out)
        except Exception as e:  # noqa: BLE001 - a checker bug must show as that case's failure
            lines = ["FAIL gaix_cases.py check: %s: %s" % (type(e).__name__, e)]
        with open(verdict, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    return 0





def main(argv):
    if len(argv) >= 3 and argv[0] == "prep":
        return cmd_prep(argv[1], argv[2], argv[3:])
    if len(argv) >= 2 and argv[0] == "check":
        return cmd_check(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
