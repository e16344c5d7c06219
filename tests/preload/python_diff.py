#!/usr/bin/python3
"""Debian's Python over the shim (test_python.sh): socket.getaddrinfo and socket.getnameinfo.

Runs inside the test's namespace, itself without the shim. py_probe.py runs twice, in processes
that differ only by LD_PRELOAD: without it (glibc, the oracle) and with the shim. Every case's
answer (the list, or the exception's class and text) must be identical, except where
docs/DIFFERENCES.md predicts a difference; then the shim's answer must be exactly the predicted
one, recomputed here from glibc's answers (this process calls glibc directly):

  DIFF-PORT-RANGE         a numeric service outside 0-65535 (or negative but zero): EAI_SERVICE's
                          gaierror, unless glibc fails earlier (bad flags, family, socket type);
  DIFF-ADDRCONFIG-EXEMPT  AI_ADDRCONFIG with a literal, no host or a localhost name: glibc's
                          answer without AI_ADDRCONFIG;
  DIFF-TRAILING-DOT       a name glibc does not find with (without) a final dot: glibc's answer
                          without (with) it;
  DIFF-LOCALHOST          a name under .localhost that glibc does not find: glibc's answer for
                          "localhost", with the host as Python passed it as the canonical name;
  DIFF-DUPLICATES         later exact duplicates removed;
  DIFF-SCOPED-HOSTS       getaddrinfo: the entries of scoped hosts lines removed, the rest equal;
                          getnameinfo: the name of a scoped hosts line where glibc, which skips
                          such lines, gives the numeric form (or EAI_NONAME with NI_NAMEREQD);
  DIFF-POLICY             the same entries in another order, only when the gaix CLI prints exactly
                          the shim's list with the default policy and exactly the expected list
                          with --policy glibc.

Any other difference is a failure, printed with a reproduction. Ends with the counts and
"N passed, N failed" (one verdict per case).
"""
import argparse
import ast
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import py_probe  # noqa: E402 (the corpus and the calls, shared with the probe processes)
import socket  # noqa: E402

RUN_TIMEOUT_S = 300  # one probe process over the whole corpus
TOTAL_BUDGET_S = 600
EAI_SERVICE_TEXT = py_probe.error_text(socket.gaierror(socket.EAI_SERVICE,
                                                       "Servname not supported for ai_socktype"))
EARLY_ERRORS = ("[Errno %d]" % socket.EAI_BADFLAGS, "[Errno %d]" % socket.EAI_FAMILY,
                "[Errno %d]" % socket.EAI_SOCKTYPE, "[Errno %d]" % socket.EAI_SERVICE)


def is_list(answer):
    return answer.startswith("[")


def parse(answer):
    return ast.literal_eval(answer)


def is_localhost_name(host):
    n = host[:-1] if host.endswith(".") else host
    n = n.lower()
    return n == "localhost" or (n.endswith(".localhost") and len(n) > len(".localhost"))


def is_literal(host):
    try:
        socket.getaddrinfo(host, None, 0, 0, 0, socket.AI_NUMERICHOST)
        return True
    except (socket.gaierror, UnicodeError, ValueError):
        return False


def port_out_of_range(service):
    """True for a service glibc reads as a number (strtoul: white space, a sign, digits to the end)
    that lies outside 0-65535, or is negative but zero."""
    if service is None:
        return False
    s = str(service).lstrip(" \t\n\v\f\r")
    neg = s.startswith("-")
    if s[:1] in "+-" and s:
        s = s[1:]
    if not s or not s.isdigit() or not s.isascii():
        return False
    v = int(s)
    return v > 65535 or (neg and v != 0)


def idna_host(host):
    """The host as Python hands it to getaddrinfo()."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


class Differ:
    def __init__(self, args):
        self.args = args
        self.start = time.monotonic()
        self.passed = self.failed = self.printed = 0
        self.counts = {}
        self.tags = {}
        self.cache = {}
        self.base_env = {k: v for k, v in os.environ.items()
                         if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
        self.base_env["LC_ALL"] = "C.UTF-8"

    def glibc_gai(self, case):
        if case not in self.cache:
            self.cache[case] = py_probe.gai(*case)
        return self.cache[case]

    def cli(self, case, policy):
        h, s, f, t, p, fl = case
        argv = [self.args.cli, "--family", str(f), "--socktype", str(t), "--protocol", str(p),
                "--flags", hex(fl), "--policy", policy, "--format", "python", "--",
                "-" if h is None else idna_host(h), "-" if s is None else str(s)]
        try:
            r = subprocess.run(argv, env=self.base_env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, timeout=20)
            return r.stdout.decode("utf-8", "replace").strip()
        except subprocess.TimeoutExpired:
            return "(timed out)"

    def gai_expected(self, case, tags, dots=True, localhost=True):
        h, s, f, t, p, fl = case
        g = self.glibc_gai(case)
        exempt = h is None or is_literal(h) or is_localhost_name(h)
        if fl & socket.AI_ADDRCONFIG and exempt:
            n = self.glibc_gai((h, s, f, t, p, fl & ~socket.AI_ADDRCONFIG))
            if n != g:
                tags.add("DIFF-ADDRCONFIG-EXEMPT")
                g = n
        if port_out_of_range(s):
            if not any(g.startswith("gaierror: " + e) for e in EARLY_ERRORS):
                tags.add("DIFF-PORT-RANGE")
                return EAI_SERVICE_TEXT
            return g
        if not is_list(g) and dots and h and not is_literal(h):
            other = h[:-1] if h.endswith(".") else h + "."
            if other and not other.endswith(".."):
                sub = set()
                alt = self.gai_expected((other, s, f, t, p, fl), sub, dots=False, localhost=False)
                if is_list(alt):
                    tags.update(sub | {"DIFF-TRAILING-DOT"})
                    g = alt
        if (not is_list(g) and localhost and h and is_localhost_name(h)
                and h.rstrip(".").lower() != "localhost"):
            sub = set()
            loc = self.gai_expected(("localhost", s, f, t, p, fl), sub, dots=False)
            if is_list(loc):
                tags.update(sub | {"DIFF-LOCALHOST"})
                entries = parse(loc)
                if fl & socket.AI_CANONNAME:
                    e0 = entries[0]
                    entries[0] = (e0[0], e0[1], e0[2], idna_host(h), e0[4])
                g = repr(entries)
        if is_list(g):
            entries = parse(g)
            seen, out = set(), []
            for e in entries:
                key = (e[0], e[1], e[2], e[4])
                if key not in seen:
                    seen.add(key)
                    out.append(e)
            if len(out) != len(entries):
                tags.add("DIFF-DUPLICATES")
                g = repr(out)
        return g

    def gai_verdict(self, case, g, s):
        if s == g:
            return True, set()
        tags = set()
        e = self.gai_expected(case, tags)
        got = s
        h = case[0]
        if h and h.rstrip(".").lower() in self.args.scoped_names and is_list(s):
            kept = [x for x in parse(s) if not (x[0] == socket.AF_INET6 and
                                                 ("%" in x[4][0] or x[4][3] != 0))]
            if len(kept) != len(parse(s)):
                tags.add("DIFF-SCOPED-HOSTS")
                if kept:
                    got = repr(kept)
                elif e.startswith("gaierror: "):
                    got = e
        if got == e:
            return True, tags
        if is_list(got) and is_list(e) and sorted(map(repr, parse(got))) != [] and \
                sorted((x[0], x[1], x[2], x[4]) for x in parse(got)) == \
                sorted((x[0], x[1], x[2], x[4]) for x in parse(e)):
            if self.cli(case, "rfc6724") == s and self.cli(case, "glibc") == e:
                return True, tags | {"DIFF-POLICY"}
        return False, tags

    def gni_verdict(self, case, g, s):
        if s == g:
            return True, set()
        (sa, flags) = case
        # A scoped hosts line (fe80::5%lo) names the address for gaix; glibc skips the line.
        if sa[0].split("%")[0] in self.args.scoped_addrs and s.startswith("("):
            host, serv = parse(s)
            name = self.args.scoped_addrs[sa[0].split("%")[0]]
            if host == name:
                if g.startswith("(") and parse(g)[1] == serv and "%" in parse(g)[0]:
                    return True, {"DIFF-SCOPED-HOSTS"}
                if (flags & socket.NI_NAMEREQD and
                        g.startswith("gaierror: [Errno %d]" % socket.EAI_NONAME)):
                    return True, {"DIFF-SCOPED-HOSTS"}
        return False, set()

    def record(self, kind, ok, tags, case, g, s, expected=None):
        c = self.counts.setdefault(kind, {"cases": 0, "identical": 0, "documented": 0,
                                          "undocumented": 0})
        c["cases"] += 1
        if ok and not tags:
            c["identical"] += 1
            self.passed += 1
            return
        if ok:
            c["documented"] += 1
            for t in tags:
                self.tags.setdefault((kind, t), []).append(case)
            self.passed += 1
            return
        c["undocumented"] += 1
        self.failed += 1
        if self.printed < self.args.max_print:
            self.printed += 1
            call = ("socket.getaddrinfo(%r, %r, %d, %d, %d, %#x)" % case if kind == "gai"
                    else "socket.getnameinfo(%r, %#x)" % case)
            print("FAIL: %s: %s differs from glibc in no documented way%s\n"
                  "  without the shim: %s\n  with the shim:    %s%s\n"
                  "  reproduce: LD_PRELOAD=%s /usr/bin/python3 -c \"import socket; print(%s)\""
                  "  (network %s)"
                  % (self.args.network, call,
                     " (tried: %s)" % ", ".join(sorted(tags)) if tags else "", g, s,
                     "\n  expected:         %s" % expected if expected is not None else "",
                     self.args.shim, call, self.args.network))

    def over_budget(self):
        return time.monotonic() - self.start > TOTAL_BUDGET_S


def run_probe(env):
    p = subprocess.run(["/usr/bin/python3", py_probe.__file__], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=RUN_TIMEOUT_S)
    answers = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        kind, idx, ans = line.split("\t", 2)
        answers[(kind, int(idx))] = ans
    return p.returncode, answers, p.stderr.decode("utf-8", "replace")


def hosts_scoped(hosts_path):
    names, addrs = set(), {}
    for raw in open(hosts_path, encoding="utf-8", errors="replace"):
        fields = raw.split("#", 1)[0].split()
        if len(fields) > 1 and "%" in fields[0]:
            names.update(n.lower().rstrip(".") for n in fields[1:])
            addrs.setdefault(fields[0].split("%")[0], fields[1])
    return names, addrs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--network", required=True)
    ap.add_argument("--preload", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--asan", action="store_true")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--hosts", required=True)
    ap.add_argument("--max-print", type=int, default=40)
    args = ap.parse_args()
    args.scoped_names, args.scoped_addrs = hosts_scoped(args.hosts)
    d = Differ(args)
    shim_env = dict(d.base_env, LD_PRELOAD=args.preload)
    if args.asan:
        shim_env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1:allocator_may_return_null=1"

    rc_g, glibc, err_g = run_probe(d.base_env)
    rc_s, shim, err_s = run_probe(shim_env)
    gai_cases = py_probe.gai_corpus()
    gni_cases = py_probe.gni_corpus()
    want = len(gai_cases) + len(gni_cases)
    for name, rc, answers, err in (("without", rc_g, glibc, err_g), ("with", rc_s, shim, err_s)):
        if rc != 0 or len(answers) != want:
            d.failed += 1
            print("FAIL: the probe %s the shim exited %d with %d of %d answers: %s"
                  % (name, rc, len(answers), want, err[-2000:]))
    for kind, cases in (("gai", gai_cases), ("gni", gni_cases)):
        for i, case in enumerate(cases):
            if d.over_budget():
                break
            g = glibc.get((kind, i))
            s = shim.get((kind, i))
            if g is None or s is None:
                continue
            if kind == "gai":
                ok, tags = d.gai_verdict(case, g, s)
                exp = None if ok else d.gai_expected(case, set())
            else:
                ok, tags = d.gni_verdict(case, g, s)
                exp = None
            d.record(kind, ok, tags, case, g, s, exp)
    if d.over_budget():
        d.failed += 1
        print("FAIL: time budget of %d s exhausted" % TOTAL_BUDGET_S)
    for kind, label in (("gai", "getaddrinfo"), ("gni", "getnameinfo")):
        c = d.counts.get(kind, {"cases": 0, "identical": 0, "documented": 0, "undocumented": 0})
        print("network %s: %s cases=%d identical=%d documented=%d undocumented=%d"
              % (args.network, label, c["cases"], c["identical"], c["documented"],
                 c["undocumented"]))
        for (k, t), cases in sorted(d.tags.items()):
            if k == kind:
                print("network %s:   %s %d (e.g. %s)" % (args.network, t, len(cases),
                                                         "; ".join(map(repr, cases[:2]))))
    print("%d passed, %d failed" % (d.passed, d.failed))
    return 0 if d.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
