#!/usr/bin/python3
"""getent ahosts|ahostsv4|ahostsv6 NAME with and without the shim, compared (test_getent.sh).

Runs inside the test's namespace, itself without the shim. For every name of the test hosts file
(and variants: a final dot, other case, literals, names under .localhost, unknown names) and every
database, Debian's /usr/bin/getent runs twice: without LD_PRELOAD (glibc: the oracle) and with
the shim. The two outputs (stdout and exit status) must be identical, except where
docs/DIFFERENCES.md predicts a difference; each such difference is asserted by recomputing what
the shim must print from glibc's own answers:

  DIFF-ADDRCONFIG-EXEMPT  a literal or a localhost name: glibc's answer WITHOUT AI_ADDRCONFIG
                          (ahosts_prog, getent's loop with the hints as arguments);
  DIFF-LOCALHOST          a name under .localhost that glibc does not find: glibc's answer for
                          "localhost", with the node as written as the canonical name;
  DIFF-TRAILING-DOT       "thor." that glibc does not find: glibc's answer for "thor"; "dotted"
                          glibc does not find: glibc's answer for the entry "dotted.";
  DIFF-DUPLICATES         later exact duplicates (same address and socket type) removed;
  DIFF-SCOPED-HOSTS       the shim's lines for scoped hosts addresses ("fe80::5%1") removed, the
                          rest must equal glibc's;
  DIFF-POLICY             the same entries in another order: allowed only when the gaix CLI with
                          the default (RFC 6724) policy prints exactly the shim's output AND the CLI
                          with --policy glibc prints exactly the expected output, i.e. the order
                          comes from the documented policy table and rule reading alone
                          ("RFC 6724 policy table by default", DIFF-SORT-READING).

Any other difference is a failure, printed with a reproduction. The helper itself is checked
first: for getent's own hints (0xea) it must print exactly what getent prints.
Ends with "N passed, N failed" (one verdict per case, plus one per helper check).
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

DATABASES = {"ahosts": 0, "ahostsv4": socket.AF_INET, "ahostsv6": socket.AF_INET6}
# The hints getent gives getaddrinfo() (seen by an interposer on Debian 12's getent):
# AI_CANONNAME | AI_V4MAPPED | AI_ADDRCONFIG | AI_IDN | AI_CANONIDN.
GETENT_FLAGS = 0xEA
AI_ADDRCONFIG = 0x20
RUN_TIMEOUT_S = 20  # one program run
TOTAL_BUDGET_S = 600  # the whole corpus; stop (and fail) beyond it
LINE_RE = re.compile(r"^(\S+ +)(\S+)")


class Answer:
    """A program's stdout lines and exit status."""

    def __init__(self, rc, lines):
        self.rc = rc
        self.lines = list(lines)

    def __eq__(self, other):
        return self.rc == other.rc and self.lines == other.lines

    def text(self):
        body = "\n".join("    " + l for l in self.lines) or "    (nothing)"
        return "exit %d\n%s" % (self.rc, body)


def parse_line(line):
    """(address field, socket type, canonical name) of one getent line."""
    m = LINE_RE.match(line)
    if not m:
        return line, "", ""
    sock = m.group(2)
    rest = line[m.end():]
    canon = rest[max(6 - len(sock), 0) + 1:]
    return m.group(1).strip(), sock, canon


def with_canon(answer, name):
    """The answer with name as the canonical name of its first line."""
    if answer.rc != 0 or not answer.lines:
        return answer
    first = answer.lines[0]
    m = LINE_RE.match(first)
    sock = m.group(2)
    keep = m.end() + max(6 - len(sock), 0) + 1
    return Answer(0, [first[:keep] + name] + answer.lines[1:])


def dedup(answer):
    seen = set()
    out = []
    for line in answer.lines:
        addr, sock, _ = parse_line(line)
        if (addr, sock) in seen:
            continue
        seen.add((addr, sock))
        out.append(line)
    return Answer(answer.rc, out)


def entries(answer):
    return sorted(parse_line(l)[:2] for l in answer.lines)


def is_localhost_name(name):
    n = name[:-1] if name.endswith(".") else name
    n = n.lower()
    return n == "localhost" or (n.endswith(".localhost") and len(n) > len(".localhost"))


def is_literal(name):
    try:
        socket.getaddrinfo(name, None, 0, 0, 0, socket.AI_NUMERICHOST)
        return True
    except (socket.gaierror, UnicodeError, ValueError):
        return False


class Differ:
    def __init__(self, args):
        self.args = args
        self.base_env = {k: v for k, v in os.environ.items()
                         if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
        self.base_env["LC_ALL"] = "C.UTF-8"
        self.shim_env = dict(self.base_env, LD_PRELOAD=args.preload)
        if args.asan:
            self.shim_env["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=1"
        self.cache = {}
        self.start = time.monotonic()
        self.passed = 0
        self.failed = 0
        self.printed = 0
        self.counts = {"cases": 0, "identical": 0, "documented": 0, "undocumented": 0}
        self.tags = {}

    def run(self, key, argv, env):
        if key in self.cache:
            return self.cache[key]
        try:
            p = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               timeout=RUN_TIMEOUT_S)
            ans = Answer(p.returncode, p.stdout.decode("utf-8", "replace").splitlines())
        except subprocess.TimeoutExpired:
            ans = Answer(-999, ["(timed out after %d s)" % RUN_TIMEOUT_S])
        self.cache[key] = ans
        return ans

    def getent(self, db, name, shim=False):
        return self.run(("getent", db, name, shim), ["/usr/bin/getent", db, name],
                        self.shim_env if shim else self.base_env)

    def glibc(self, db, name, flags):
        """glibc's answer to getent's request with other flags (ahosts_prog, no shim)."""
        return self.run(("helper", db, name, flags),
                        [self.args.helper, str(DATABASES[db]), hex(flags), name], self.base_env)

    def cli(self, db, name, policy):
        fam = {"ahosts": "unspec", "ahostsv4": "inet", "ahostsv6": "inet6"}[db]
        return self.run(("cli", db, name, policy),
                        [self.args.cli, "--family", fam, "--flags", hex(GETENT_FLAGS),
                         "--policy", policy, "--format", "getent", "--", name], self.base_env)

    def expected(self, db, name, tags, dots=True, localhost=True):
        """What the shim must print, from glibc's answers and the documented rules."""
        g = self.getent(db, name)
        if is_literal(name) or is_localhost_name(name):
            n = self.glibc(db, name, GETENT_FLAGS & ~AI_ADDRCONFIG)
            if n != g:
                tags.add("DIFF-ADDRCONFIG-EXEMPT")
                g = n
        # The hosts file answers first, a final dot ignored on both sides (DIFF-TRAILING-DOT)...
        if g.rc != 0 and dots and not is_literal(name):
            other = name[:-1] if name.endswith(".") else name + "."
            if other and not other.endswith(".."):
                sub = set()
                alt = self.expected(db, other, sub, dots=False, localhost=False)
                if alt.rc == 0:
                    tags.update(sub | {"DIFF-TRAILING-DOT"})
                    g = alt
        # ...and only then a name under .localhost is loopback, named as written (DIFF-LOCALHOST).
        if (g.rc != 0 and localhost and is_localhost_name(name)
                and name.rstrip(".").lower() != "localhost"):
            sub = set()
            loc = self.expected(db, "localhost", sub, dots=False)
            if loc.rc == 0:
                tags.update(sub | {"DIFF-LOCALHOST"})
                g = with_canon(loc, name)
        d = dedup(g)
        if d != g:
            tags.add("DIFF-DUPLICATES")
        return d

    def verdict(self, db, name):
        self.counts["cases"] += 1
        g = self.getent(db, name)
        s = self.getent(db, name, shim=True)
        if s == g:
            self.counts["identical"] += 1
            self.passed += 1
            return
        tags = set()
        e = self.expected(db, name, tags)
        got = s
        if name.rstrip(".").lower() in self.args.scoped_names:
            kept = [l for l in s.lines if "%" not in parse_line(l)[0]]
            if len(kept) != len(s.lines):
                tags.add("DIFF-SCOPED-HOSTS")
                got = Answer(s.rc if kept else 2, kept)
        ok = got == e
        if not ok and got.rc == 0 and e.rc == 0 and entries(got) == entries(e):
            if self.cli(db, name, "rfc6724") == s and self.cli(db, name, "glibc") == e:
                tags.add("DIFF-POLICY")
                ok = True
        if ok and tags:
            self.counts["documented"] += 1
            for t in tags:
                self.tags.setdefault(t, []).append("%s %r" % (db, name))
            self.passed += 1
            return
        self.counts["undocumented"] += 1
        self.fail("%s: getent %s %r differs from glibc in no documented way%s\n"
                  "  without the shim: %s\n  with the shim:    %s\n  expected:         %s\n"
                  "  reproduce: LD_PRELOAD=%s getent %s '%s'  (network %s, LC_ALL=C.UTF-8)"
                  % (self.args.network, db, name,
                     " (tried: %s)" % ", ".join(sorted(tags)) if tags else "",
                     g.text().replace("\n", "\n    "), s.text().replace("\n", "\n    "),
                     e.text().replace("\n", "\n    "), self.args.shim, db, name,
                     self.args.network))

    def fail(self, msg):
        self.failed += 1
        if self.printed < self.args.max_print:
            print("FAIL: " + msg)
            self.printed += 1

    def over_budget(self):
        return time.monotonic() - self.start > TOTAL_BUDGET_S


def corpus(hosts_path):
    """Every name of the hosts file, each also with a final dot, plus the variants below."""
    names = []
    for raw in open(hosts_path, encoding="utf-8", errors="replace"):
        fields = raw.split("#", 1)[0].split()
        for n in fields[1:]:
            if n not in names:
                names.append(n)
    extra = ["localhost.", "LOCALHOST", "LocalHost.", "foo.localhost", "FOO.LocalHost",
             "a.b.localhost", "foo.localhost.", "svc.localhost.", "localhost.localdomain",
             "nonexistent", "nonexistent.test", "THOR", "Thor.Example", "dotted.example", "x",
             "127.0.0.1", "::1", "192.0.2.10", "2001:db8::10", "::ffff:192.0.2.10", "127.1",
             "0x7f.1", "127.0.0.1.", "fe80::1%lo", "fe80::1%1", "fe80::1%nosuchif", "1.2.3.4.5",
             "", "-", "*", "a..b", "xn--bcher-kva.test", "espa\u00f1a.test"]
    out = []
    for n in names + [n + "." for n in names if not n.endswith(".")] + extra:
        if n not in out:
            out.append(n)
    return out


def scoped_names(hosts_path):
    """Names of hosts lines whose address has an IPv6 %scope."""
    out = set()
    for raw in open(hosts_path, encoding="utf-8", errors="replace"):
        fields = raw.split("#", 1)[0].split()
        if len(fields) > 1 and "%" in fields[0]:
            out.update(n.lower().rstrip(".") for n in fields[1:])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--network", required=True)
    ap.add_argument("--preload", required=True, help="the LD_PRELOAD value")
    ap.add_argument("--shim", required=True, help="the shim's path, for reproductions")
    ap.add_argument("--asan", action="store_true")
    ap.add_argument("--helper", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--hosts", required=True)
    ap.add_argument("--max-print", type=int, default=40)
    args = ap.parse_args()
    args.scoped_names = scoped_names(args.hosts)
    d = Differ(args)
    names = corpus(args.hosts)

    # The helper first: for getent's own hints it must be getent.
    helper_ok = 0
    for name in names:
        for db in DATABASES:
            if d.over_budget():
                break
            if d.glibc(db, name, GETENT_FLAGS) == d.getent(db, name):
                helper_ok += 1
                d.passed += 1
            else:
                d.fail("ahosts_prog and getent disagree on %s %r:\n  getent: %s\n  helper: %s"
                       % (db, name, d.getent(db, name).text(),
                          d.glibc(db, name, GETENT_FLAGS).text()))
    for name in names:
        for db in DATABASES:
            if d.over_budget():
                break
            d.verdict(db, name)
    if d.over_budget():
        d.fail("time budget of %d s exhausted after %d cases" % (TOTAL_BUDGET_S, d.counts["cases"]))
    c = d.counts
    print("network %s: helper agrees with getent on %d of %d requests" %
          (args.network, helper_ok, len(names) * len(DATABASES)))
    print("network %s: getent cases=%d identical=%d documented=%d undocumented=%d" %
          (args.network, c["cases"], c["identical"], c["documented"], c["undocumented"]))
    for t in sorted(d.tags):
        print("network %s:   %s %d (%s%s)" % (args.network, t, len(d.tags[t]),
                                             ", ".join(d.tags[t][:4]),
                                             ", ..." if len(d.tags[t]) > 4 else ""))
    print("%d passed, %d failed" % (d.passed, d.failed))
    return 0 if d.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
