#!/usr/bin/env bash
# The gaix command end to end: the real binary, run with test files it writes to a temporary
# directory (--hosts, --services, --gai-conf), so that nothing depends on this machine's /etc
# and no query can need the network: every name asked for is a literal, is in the test hosts
# file, or ends in .onion (never sent anywhere, RFC 7686).
#
#   part 1  arguments, exit statuses, messages, every format          (anyone)
#           (forward, and --reverse)
#   part 2  --format python against Debian's /usr/bin/python3         (root: a namespace of its
#           (socket.getaddrinfo, and socket.getnameinfo for --reverse),  own, see below)
#           and --format getent against getent (ahosts, and hosts for
#           --reverse), on the same files; then --reverse --trace
#           when DNS is asked, against tests/dns/fakedns.py; and the
#           --server values accepted and refused, several of which
#           name addresses off loopback (none is ever asked)
#
# Part 2 runs inside `unshare -m -n`: a network namespace with only lo, and a mount namespace
# where the test hosts and services files and an nsswitch.conf saying "hosts: files" and
# "services: files" are bind-mounted over /etc, so the C library reads the same files as gaix
# and never tries DNS. Its only DNS server is the test's own fakedns on 127.0.0.1 of that
# namespace, named with --server. Without root part 2 says SKIPPED, which is a failure when
# CI=true. (Part 1's --server tests outside the namespace ask only 127.0.0.1:9, a closed port.)
#
# Usage: test_cli.sh BUILD_DIR     (the CLI is BUILD_DIR/gaix). Ends with "N passed, N failed".
set -u
export LC_ALL=C # the C library's messages in English, as the expected texts below

BUILD=${1:?usage: test_cli.sh BUILD_DIR}
GAIX=$BUILD/gaix
PYTHON=/usr/bin/python3
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() {
    fail=$((fail + 1))
    echo "FAIL - $1"
    shift
    local line
    for line in "$@"; do printf '    %s\n' "$line"; done
}

# run ARGS...: runs gaix; sets $out (stdout), $err (stderr), $status. Always without DNS: the
# libc these outputs are compared with is told "hosts: files", and no test packet may leave for
# the machine's own nameserver.
run() {
    out=$("$GAIX" --no-dns "$@" 2>"$tmp/stderr")
    status=$?
    err=$(cat "$tmp/stderr")
}

# expect NAME STATUS EXPECTED_STDOUT ARGS...: exact stdout (after $(...) strips the last
# newlines) and exit status.
expect() {
    local name=$1 want_status=$2 want_out=$3
    shift 3
    run "$@"
    if [ "$status" = "$want_status" ] && [ "$out" = "$want_out" ]; then
        ok "$name"
    else
        not_ok "$name" "gaix $*" "status $status (want $want_status)" "stdout: $out" \
            "want:   $want_out" "stderr: $err"
    fi
}

# expect_err NAME STATUS STDERR_SUBSTRING ARGS...: exit status, nothing on stdout, and stderr
# containing the given text.
expect_err() {
    local name=$1 want_status=$2 want_err=$3
    shift 3
    run "$@"
    if [ "$status" = "$want_status" ] && [ -z "$out" ] && [[ "$err" == *"$want_err"* ]]; then
        ok "$name"
    else
        not_ok "$name" "gaix $*" "status $status (want $want_status)" "stdout: $out" \
            "stderr: $err" "want in stderr: $want_err"
    fi
}

write_test_files() { # DIR
    cat >"$1/hosts" <<'EOF'
# test hosts file for tests/integration/test_cli.sh
127.0.0.1   localhost
::1         localhost ip6-localhost
192.0.2.10  alpha.test alpha
2001:db8::20 beta.test beta
192.0.2.30  gamma.test
EOF
    cat >"$1/services" <<'EOF'
# test services file for tests/integration/test_cli.sh
ftp        21/tcp
domain     53/tcp
domain     53/udp
www        80/tcp   http
www        80/udp   http
EOF
    : >"$1/gai.conf"
    printf 'hosts: files\nservices: files\n' >"$1/nsswitch.conf"
    printf 'nameserver 127.0.0.1\n' >"$1/resolv.conf"
}

# ---- part 2, inside the namespace -----------------------------------------------------------
#
# Re-entered as: test_cli.sh BUILD_DIR --in-namespace TMPDIR; writes "PASS FAIL" to
# TMPDIR/namespace.counts for the outer run to add up.

# The queries: gaix arguments | the same query as socket.getaddrinfo() arguments. Chosen where
# both libraries must agree: literals, hosts-file names, named and numeric services, NULL host
# with and without AI_PASSIVE, and the errors that follow from the arguments alone.
PY_QUERIES=(
    "127.0.0.1 21 --socktype stream|'127.0.0.1', 21, 0, socket.SOCK_STREAM"
    "::1 80|'::1', 80"
    "127.0.0.1|'127.0.0.1', None"
    "::ffff:192.0.2.1 443 --socktype stream --flags numerichost|'::ffff:192.0.2.1', 443, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST"
    "fe80::1%lo 80 --socktype stream|'fe80::1%lo', 80, 0, socket.SOCK_STREAM"
    "127.0.0.1 www --protocol udp|'127.0.0.1', 'www', 0, 0, socket.IPPROTO_UDP"
    "127.0.0.1 8080 --socktype dgram --flags numericserv|'127.0.0.1', '8080', 0, socket.SOCK_DGRAM, 0, socket.AI_NUMERICSERV"
    "127.0.0.1 80 --socktype stream --flags canonname|'127.0.0.1', 80, 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME"
    "alpha ftp --socktype stream|'alpha', 'ftp', 0, socket.SOCK_STREAM"
    "alpha.test www|'alpha.test', 'www'"
    "ALPHA.TEST 80 --socktype dgram|'ALPHA.TEST', 80, 0, socket.SOCK_DGRAM"
    "alpha www --socktype stream --flags canonname|'alpha', 'www', 0, socket.SOCK_STREAM, 0, socket.AI_CANONNAME"
    "alpha www -6 --socktype stream --flags v4mapped|'alpha', 'www', socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_V4MAPPED"
    "beta http --socktype stream|'beta', 'http', 0, socket.SOCK_STREAM"
    "- 80 --flags passive|None, 80, 0, 0, 0, socket.AI_PASSIVE"
    "- domain --socktype stream --flags passive|None, 'domain', 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE"
    "- 8080 -4 --flags passive|None, 8080, socket.AF_INET, 0, 0, socket.AI_PASSIVE"
    "* 80 --socktype stream --flags passive|'*', 80, 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE"
    "127.0.0.1 nosuchservice|'127.0.0.1', 'nosuchservice'"
    "alpha domain --socktype raw|'alpha', 'domain', 0, socket.SOCK_RAW"
    "::1 80 -4|'::1', 80, socket.AF_INET"
    "127.0.0.1 80 --flags 0x10000|'127.0.0.1', 80, 0, 0, 0, 0x10000"
    "127.0.0.1 80 --family 99|'127.0.0.1', 80, 99"
    "127.0.0.1 80 --socktype 99|'127.0.0.1', 80, 0, 99"
)

# --reverse: gaix arguments after --reverse | the socket.getnameinfo() arguments (an IPv6
# address as (address, port, 0, scope_id), which is what gaix's "%scope" means). Chosen where
# both must agree: names from the hosts file, numeric fallbacks, every flag, scoped addresses
# (interface names for link-local ones, numbers otherwise) and the errors of the flags alone.
PY_REVERSE_QUERIES=(
    "127.0.0.1 80|('127.0.0.1', 80), 0"
    "127.0.0.1 21 --ni-flags numerichost|('127.0.0.1', 21), socket.NI_NUMERICHOST"
    "127.0.0.1 80 --ni-flags NUMERICSERV|('127.0.0.1', 80), socket.NI_NUMERICSERV"
    "192.0.2.10 53 --ni-flags dgram|('192.0.2.10', 53), socket.NI_DGRAM"
    "192.0.2.10 80 --ni-flags nofqdn|('192.0.2.10', 80), socket.NI_NOFQDN"
    "192.0.2.10 80 --ni-flags idn|('192.0.2.10', 80), 32"
    "192.0.2.30 8080|('192.0.2.30', 8080), 0"
    "192.0.2.99 80 --ni-flags namereqd|('192.0.2.99', 80), socket.NI_NAMEREQD"
    "192.0.2.99 65535|('192.0.2.99', 65535), 0"
    "0.0.0.0|('0.0.0.0', 0), 0"
    "::1 22|('::1', 22, 0, 0), 0"
    "::|('::', 0, 0, 0), 0"
    "2001:db8::20 443 --ni-flags namereqd|('2001:db8::20', 443, 0, 0), socket.NI_NAMEREQD"
    "fe80::1%lo 80|('fe80::1', 80, 0, 1), 0"
    "fe80::1%1 53 --ni-flags dgram,numerichost|('fe80::1', 53, 0, 1), socket.NI_DGRAM | socket.NI_NUMERICHOST"
    "ff02::1%lo 0|('ff02::1', 0, 0, 1), 0"
    "2001:db8::1%1 80|('2001:db8::1', 80, 0, 1), 0"
    "fe80::1%4000000000 80|('fe80::1', 80, 0, 4000000000), 0"
    "127.0.0.1 80 --ni-flags 256|('127.0.0.1', 80), 256"
)

# --reverse --format getent against `getent hosts ADDRESS`, whose aliases after the name
# getnameinfo() does not return (they are cut from getent's line before the comparison).
GETENT_REVERSE_QUERIES=(127.0.0.1 192.0.2.10 192.0.2.30 ::1 2001:db8::20)

# gaix arguments | getent arguments (getent asks with AI_V4MAPPED|AI_ADDRCONFIG|AI_CANONNAME).
# Not `getent ahostsv6 ::1`: in a namespace with only lo glibc's AI_ADDRCONFIG hides ::1 from an
# AF_INET6 query, which gaix deliberately does not (DESIGN.md, semantic decisions).
GETENT_QUERIES=(
    "127.0.0.1|ahosts 127.0.0.1"
    "::1|ahosts ::1"
    "2001:db8::1%1|ahosts 2001:db8::1%1"
    "fe80::1%lo|ahosts fe80::1%lo"
    "2001:db8:1111:2222:3333:4444:5555:6666|ahosts 2001:db8:1111:2222:3333:4444:5555:6666"
)

# The EAI name in gaix's failure line "gaix: HOST SERVICE: TEXT (EAI_NAME)".
eai_name_of() { sed -n 's/.*(\(EAI_[A-Z]*\))\(: .*\)\{0,1\}$/\1/p' <<<"$1" | tail -1; }

# The exit status gaix must give for an EAI name (exitcode.h).
status_for() {
    case $1 in
    EAI_BADFLAGS | EAI_FAMILY | EAI_SOCKTYPE) echo 64 ;;
    EAI_NONAME | EAI_NODATA | EAI_SERVICE | EAI_ADDRFAMILY) echo 68 ;;
    EAI_AGAIN) echo 75 ;;
    *) echo 70 ;;
    esac
}

in_namespace() {
    ip link set lo up || { not_ok "namespace: ip link set lo up"; return; }
    local f
    for f in hosts services nsswitch.conf resolv.conf gai.conf; do
        if [ -e "/etc/$f" ]; then
            mount --bind "$tmp/$f" "/etc/$f" || { not_ok "namespace: bind-mount /etc/$f"; return; }
        fi
    done
    local cfg=(--hosts "$tmp/hosts" --services "$tmp/services" --gai-conf "$tmp/gai.conf"
               --policy glibc)

    # Python's answers, one line per query, from one interpreter.
    local q
    for q in "${PY_QUERIES[@]}"; do printf '%s\n' "${q#*|}"; done >"$tmp/py.queries"
    "$PYTHON" - "$tmp/py.queries" >"$tmp/py.answers" 2>"$tmp/py.stderr" <<'EOF'
import socket, sys
names = {getattr(socket, n): n for n in dir(socket) if n.startswith('EAI_')}
for line in open(sys.argv[1]):
    try:
        res = eval('socket.getaddrinfo(' + line.strip() + ')')
        print([(int(f), int(t), p, c, a) for f, t, p, c, a in res])
    except socket.gaierror as e:
        print('ERROR', names.get(e.errno, e.errno))
EOF
    if [ "$(wc -l <"$tmp/py.answers")" != "${#PY_QUERIES[@]}" ]; then
        not_ok "namespace: python3 answered every query" "$(cat "$tmp/py.stderr")"
        return
    fi

    local i=0 args want got
    set -f # "*" is a host here, not a glob
    for q in "${PY_QUERIES[@]}"; do
        i=$((i + 1))
        read -r -a args <<<"${q%%|*}"
        want=$(sed -n "${i}p" "$tmp/py.answers")
        run "${args[@]}" "${cfg[@]}" --format python
        if [ "$status" = 0 ]; then
            got=$out
        else
            got="ERROR $(eai_name_of "$err")"
            if [ -n "$out" ] || [ "$status" != "$(status_for "${got#ERROR }")" ]; then
                not_ok "python: gaix ${q%%|*}: status $status, stdout empty on error" \
                    "stdout: $out" "stderr: $err"
                continue
            fi
        fi
        if [ "$got" = "$want" ]; then
            ok "python: gaix ${q%%|*}"
        else
            not_ok "python: gaix ${q%%|*}" "gaix:   $got" "python: $want" "stderr: $err"
        fi
    done

    for q in "${GETENT_QUERIES[@]}"; do
        read -r -a args <<<"${q%%|*}"
        local gargs
        read -r -a gargs <<<"${q#*|}"
        want=$(getent "${gargs[@]}" | od -c)
        run "${args[@]}" "${cfg[@]}" --flags v4mapped,addrconfig,canonname --format getent
        got=$(printf '%s\n' "$out" | od -c) # $(...) dropped the last newline, not the spaces
        if [ "$status" = 0 ] && [ "$got" = "$want" ]; then
            ok "getent: gaix ${q%%|*} = getent ${q#*|}"
        else
            not_ok "getent: gaix ${q%%|*} = getent ${q#*|}" "gaix ($status):" "$out" \
                "getent:" "$(getent "${gargs[@]}")"
        fi
    done
    set +f

    # --reverse against socket.getnameinfo(), one interpreter for all.
    for q in "${PY_REVERSE_QUERIES[@]}"; do printf '%s\n' "${q#*|}"; done >"$tmp/pyr.queries"
    "$PYTHON" - "$tmp/pyr.queries" >"$tmp/pyr.answers" 2>"$tmp/pyr.stderr" <<'EOF'
import socket, sys
names = {getattr(socket, n): n for n in dir(socket) if n.startswith('EAI_')}
for line in open(sys.argv[1]):
    try:
        print(eval('socket.getnameinfo(' + line.strip() + ')'))
    except socket.gaierror as e:
        print('ERROR', names.get(e.errno, e.errno))
EOF
    if [ "$(wc -l <"$tmp/pyr.answers")" != "${#PY_REVERSE_QUERIES[@]}" ]; then
        not_ok "namespace: python3 answered every getnameinfo query" "$(cat "$tmp/pyr.stderr")"
        return
    fi
    i=0
    for q in "${PY_REVERSE_QUERIES[@]}"; do
        i=$((i + 1))
        read -r -a args <<<"${q%%|*}"
        want=$(sed -n "${i}p" "$tmp/pyr.answers")
        run --reverse "${args[@]}" --hosts "$tmp/hosts" --services "$tmp/services" \
            --format python
        if [ "$status" = 0 ]; then
            got=$out
        else
            got="ERROR $(eai_name_of "$err")"
            if [ -n "$out" ] || [ "$status" != "$(status_for "${got#ERROR }")" ]; then
                not_ok "python: gaix --reverse ${q%%|*}: status $status, stdout empty on error" \
                    "stdout: $out" "stderr: $err"
                continue
            fi
        fi
        if [ "$got" = "$want" ]; then
            ok "python: gaix --reverse ${q%%|*} = socket.getnameinfo(${q#*|})"
        else
            not_ok "python: gaix --reverse ${q%%|*}" "gaix:   $got" "python: $want" "stderr: $err"
        fi
    done

    local a
    for a in "${GETENT_REVERSE_QUERIES[@]}"; do
        # getent's line up to the name: "%-15s %s", then " alias" for each alias.
        want=$(getent hosts "$a" | sed -E 's/^([^ ]+ +[^ ]+).*$/\1/' | od -c)
        run --reverse "$a" --hosts "$tmp/hosts" --services "$tmp/services" --format getent
        got=$(printf '%s\n' "$out" | od -c)
        if [ "$status" = 0 ] && [ "$got" = "$want" ]; then
            ok "getent: gaix --reverse $a = getent hosts $a (up to the name)"
        else
            not_ok "getent: gaix --reverse $a = getent hosts $a" "gaix ($status):" "$out" \
                "getent:" "$(getent hosts "$a")"
        fi
    done

    reverse_trace_dns
}

# run_dns ARGS...: runs gaix as given (no --no-dns: these ask the test's own server); sets $out,
# $err and $status as run() does.
run_dns() {
    out=$("$GAIX" "$@" 2>"$tmp/stderr")
    status=$?
    err=$(cat "$tmp/stderr")
}

# --reverse --trace when DNS is asked: tests/dns/fakedns.py on 127.0.0.1 in this namespace (an
# ephemeral port) answers the PTR of 192.0.2.99 and says NXDOMAIN for 192.0.2.98; nothing listens
# on 127.0.0.5:53 (port unreachable at once). Each trace is checked against what the server saw.
reverse_trace_dns() {
    # shellcheck source=../dns/dns_harness.sh
    . "$(dirname "$0")/../dns/dns_harness.sh"
    cat >"$tmp/ptr.json" <<'RULES'
{
  "rules": [
    {"match": {"qname": "99.2.0.192.in-addr.arpa", "qtype": "PTR"},
     "actions": [{"reply": {"aa": 1, "answers": [{"type": "PTR", "ttl": 120, "data": "ptr99.test"}]}}]},
    {"match": {"qname": "98.2.0.192.in-addr.arpa", "qtype": "PTR"},
     "actions": [{"reply": {"aa": 1, "rcode": "NXDOMAIN"}}]}
  ],
  "default": ["drop"]
}
RULES
    if ! fakedns_start "$tmp/fakedns" "$tmp/ptr.json" 127.0.0.1:0 --lifetime 120; then
        not_ok "namespace: fakedns started for --reverse --trace"
        return
    fi
    local port log=$tmp/fakedns/log.jsonl
    port=$(cat "$tmp/fakedns/port")
    local dns=(--hosts "$tmp/hosts" --services "$tmp/services" --resolv-conf ""
               --server "127.0.0.1:$port" --timeout 1 --attempts 1 --trace)
    # queries_seen [NAME]: the queries fakedns logged so far (for NAME only, if given).
    queries_seen() { grep '"event": "query"' "$log" | grep -c -F "\"qname\": \"${1:-}"; }

    run_dns --reverse 192.0.2.99 80 "${dns[@]}" --format python
    if [ "$status" = 0 ] && [ "$out" = "('ptr99.test', 'www')" ] &&
        [[ "$err" == "gaix: trace: source dns, "*" ms, 1 query, server 127.0.0.1 port $port, rcode 0, ttl 120 s" ]] &&
        [ "$(queries_seen 99.2.0.192.in-addr.arpa)" = 1 ]; then
        ok "--reverse --trace: a PTR answer (source, query, server, rcode, ttl)"
    else
        not_ok "--reverse --trace: a PTR answer" "status $status" "stdout: $out" "stderr: $err" \
            "queries seen: $(queries_seen 99.2.0.192.in-addr.arpa)"
    fi

    run_dns --reverse 192.0.2.98 80 "${dns[@]}" --format python
    if [ "$status" = 0 ] && [ "$out" = "('192.0.2.98', 'www')" ] &&
        [[ "$err" == "gaix: trace: source numeric, "*" ms, 1 query, rcode 3" ]] &&
        [ "$(queries_seen 98.2.0.192.in-addr.arpa)" = 1 ]; then
        ok "--reverse --trace: NXDOMAIN gives the numeric form, the query still shown"
    else
        not_ok "--reverse --trace: NXDOMAIN gives the numeric form" "status $status" \
            "stdout: $out" "stderr: $err"
    fi

    run_dns --reverse 192.0.2.98 80 "${dns[@]}" --ni-flags namereqd
    if [ "$status" = 68 ] && [ -z "$out" ] &&
        [[ "$err" == "gaix: trace: source none, "*" ms, 1 query, rcode 3"$'\n'"gaix: 192.0.2.98 80: "*"(EAI_NONAME)" ]]; then
        ok "--reverse --trace: NXDOMAIN with namereqd, then the failure line"
    else
        not_ok "--reverse --trace: NXDOMAIN with namereqd" "status $status" "stderr: $err"
    fi

    local before
    before=$(queries_seen)
    run_dns --reverse 192.0.2.10 80 "${dns[@]}"
    if [ "$status" = 0 ] && [[ "$err" == "gaix: trace: source hosts, "*" ms" ]] &&
        [ "$(queries_seen)" = "$before" ]; then
        ok "--reverse --trace: the hosts file first, no query"
    else
        not_ok "--reverse --trace: the hosts file first, no query" "status $status" \
            "stderr: $err" "queries before $before, after $(queries_seen)"
    fi
    fakedns_stop "$tmp/fakedns"

    # No server: both attempts counted, no server, no rcode; EAI_AGAIN (exit 75).
    run_dns --reverse 192.0.2.99 80 --hosts "$tmp/hosts" --resolv-conf "" --server 127.0.0.5 \
        --timeout 1 --attempts 2 --trace
    if [ "$status" = 75 ] &&
        [[ "$err" == "gaix: trace: source none, "*" ms, 2 queries"$'\n'"gaix: 192.0.2.99 80: "*"(EAI_AGAIN)" ]]; then
        ok "--reverse --trace: no server answers, both attempts counted"
    else
        not_ok "--reverse --trace: no server answers" "status $status" "stderr: $err"
    fi

    # --server values, accepted and refused. None of these sends a packet (a numeric host asks
    # nothing, a malformed value is refused before any lookup), but several name addresses off
    # loopback, so they are read only here, where the network is lo alone.
    # --server forms the help shows are accepted (the context is made; a numeric host asks nothing).
    for s in 192.0.2.53 192.0.2.53:5353 2001:db8::53 "[::1]:5353" ::1:53 fe80::1%lo "[fe80::1%lo]:53"; do
        expect "--server $s accepted" 0 "[(2, 1, 6, '', ('127.0.0.1', 80))]" \
            127.0.0.1 80 --socktype stream --format python --server "$s" --resolv-conf ""
    done
    # A malformed one is a usage error: exit 64 before any lookup, nothing on stdout, and on stderr
    # one line naming the value as given, then the pointer to --help (as the library reads the value:
    # not numeric, four parts for IPv4, a port from 1 to 65535, a bracket pair, a known interface).
    server_hint="(a numeric address, an optional port 1 to 65535: 192.0.2.53, 192.0.2.53:5353, fe80::1%eth0, [::1]:5353)"
    for s in 300.1.1.1 1.2.3.4:99999 "::1]:53" "" 127.1 "[::1]:0" 192.0.2.53:65536 "[::1" \
        "[::1]5353" 192.0.2.53: "192.0.2.53:+53" alpha fe80::1%nosuchif0; do
        want="gaix: invalid value '$s' for --server $server_hint"$'\n'"Try 'gaix --help' for more information."
        run 127.0.0.1 80 --server "$s" --resolv-conf ""
        if [ "$status" = 64 ] && [ -z "$out" ] && [ "$err" = "$want" ]; then
            ok "--server '$s' is a usage error naming it"
        else
            not_ok "--server '$s' is a usage error naming it" "status $status (want 64)" \
                "stdout: $out" "stderr: $err" "want:   $want"
        fi
    done
    # Whichever --server is the bad one is named, with --reverse too; --server= gives the empty value.
    expect_err "the second --server named" 64 "gaix: invalid value '192.0.2.1:0' for --server (" \
        127.0.0.1 --server 192.0.2.53 --server 192.0.2.1:0 --resolv-conf ""
    expect_err "--server checked with --reverse" 64 "gaix: invalid value '::1]:53' for --server (" \
        --reverse 127.0.0.1 "${cfg[@]}" --no-dns --server "::1]:53"
    expect_err "--server= empty" 64 "gaix: invalid value '' for --server (" 127.0.0.1 --server=
}

if [ "${2:-}" = "--in-namespace" ]; then
    tmp=$3
    in_namespace
    echo "$pass $fail" >"$tmp/namespace.counts"
    exit 0
fi

# ---- part 1 ---------------------------------------------------------------------------------

if [ ! -x "$GAIX" ]; then
    echo "FAIL - $GAIX is not built"
    echo "0 passed, 1 failed"
    exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gaix-test-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
write_test_files "$tmp"
CFG=(--hosts "$tmp/hosts" --services "$tmp/services" --gai-conf "$tmp/gai.conf" --no-dns)

# --version, --help
run --version
if [ "$status" = 0 ] && [[ "$out" =~ ^gaix\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    ok "--version"
else
    not_ok "--version" "status $status" "$out"
fi
run -V
[ "$status" = 0 ] && [[ "$out" == "gaix "* ]] && ok "-V" || not_ok "-V" "$status $out"
run --help
if [ "$status" = 0 ] && [[ "$out" == "Usage: gaix "* ]] && [[ "$out" == *"Exit status"* ]] &&
    [[ "$out" == *"gaix localhost ftp --socktype stream --flags addrconfig,v4mapped --format python"* ]] &&
    [ -z "$err" ]; then
    ok "--help"
else
    not_ok "--help" "status $status" "$out"
fi
run localhost -h
[ "$status" = 0 ] && [[ "$out" == "Usage: gaix "* ]] && ok "-h after HOST" || not_ok "-h after HOST"

# Usage errors: exit 64, a message and a pointer to --help on stderr, nothing on stdout.
expect_err "no arguments" 64 "missing HOST" 
expect_err "unknown option" 64 "gaix: unknown option '--bogus'"$'\n'"Try 'gaix --help'" \
    localhost --bogus
expect_err "missing value" 64 "option '--family' needs a value" localhost --family
expect_err "bad family name" 64 "invalid family 'ipx'" localhost --family ipx
expect_err "bad socktype name" 64 "invalid socket type 'tcp'" localhost --socktype tcp
expect_err "bad protocol name" 64 "invalid protocol 'stream'" localhost --protocol stream
expect_err "bad flag name" 64 "invalid flag 'v6mapped'" localhost --flags addrconfig,v6mapped
expect_err "bad format" 64 "invalid format 'yaml'" localhost --format yaml
expect_err "bad policy" 64 "invalid policy 'rfc3484'" localhost --policy rfc3484
expect_err "too many operands" 64 "too many operands: 'c'" a b c
expect_err "missing hosts file" 64 "--hosts $tmp/nonexistent: No such file or directory" \
    alpha --hosts "$tmp/nonexistent"

# Errors from the library about the arguments: exit 64 too, with the EAI name.
expect_err "EAI_BADFLAGS" 64 "gaix: 127.0.0.1 80: " 127.0.0.1 80 --flags 0x10000 "${CFG[@]}"
run 127.0.0.1 80 --flags 0x10000 "${CFG[@]}"
[[ "$err" == *"(EAI_BADFLAGS)" ]] && ok "EAI_BADFLAGS named" || not_ok "EAI_BADFLAGS named" "$err"
expect_err "EAI_FAMILY" 64 "(EAI_FAMILY)" 127.0.0.1 80 --family 99 "${CFG[@]}"
expect_err "EAI_SOCKTYPE" 64 "(EAI_SOCKTYPE)" 127.0.0.1 80 --socktype 99 "${CFG[@]}"

# Not found: exit 68.
expect_err "missing name" 68 "gaix: nosuch.onion -: " nosuch.onion "${CFG[@]}"
expect_err "missing name is EAI_NONAME" 68 "(EAI_NONAME)" nosuch.onion "${CFG[@]}"
expect_err "name with numerichost" 68 "(EAI_NONAME)" alpha 80 --flags numerichost "${CFG[@]}"
expect_err "missing service" 68 "gaix: alpha nosuchservice: " alpha nosuchservice "${CFG[@]}"
expect_err "missing service is EAI_SERVICE" 68 "(EAI_SERVICE)" alpha nosuchservice "${CFG[@]}"
expect_err "service in no services file" 68 "(EAI_SERVICE)" alpha ftp --hosts "$tmp/hosts" \
    --services ""

# Literal hosts, hosts-file names, every format.
expect "python: IPv4 literal" 0 "[(2, 1, 6, '', ('127.0.0.1', 21))]" \
    127.0.0.1 21 --socktype stream --format python "${CFG[@]}"
expect "python: IPv6 literal, named service" 0 \
    "[(10, 1, 6, '', ('::1', 80, 0, 0)), (10, 2, 17, '', ('::1', 80, 0, 0))]" \
    ::1 www --format python "${CFG[@]}"
expect "python: scoped literal" 0 "[(10, 1, 6, '', ('fe80::1', 80, 0, 1))]" \
    fe80::1%lo 80 --socktype stream --format python "${CFG[@]}"
expect "python: hosts name" 0 \
    "[(2, 1, 6, '', ('192.0.2.10', 80)), (2, 2, 17, '', ('192.0.2.10', 80))]" \
    alpha www --format python "${CFG[@]}"
expect "python: hosts name, canonname" 0 "[(2, 1, 6, 'alpha.test', ('192.0.2.10', 21))]" \
    alpha ftp --socktype stream --flags canonname --format python "${CFG[@]}"
expect "python: v4mapped" 0 "[(10, 1, 6, '', ('::ffff:192.0.2.10', 80, 0, 0))]" \
    alpha 80 -6 --socktype stream --flags v4mapped --format python "${CFG[@]}"
expect "python: nothing on stdout on error" 68 "" nosuch.onion --format python "${CFG[@]}"

expect "table: hosts name with canonical name" 0 \
"ADDRESS     PORT  FAMILY  SOCKTYPE  PROTOCOL
192.0.2.10  21    inet    stream    tcp
canonical name: alpha.test" \
    alpha ftp --socktype stream --flags canonname "${CFG[@]}"
expect "table: IPv6 hosts name, every type" 0 \
"ADDRESS       PORT  FAMILY  SOCKTYPE  PROTOCOL
2001:db8::20  0     inet6   stream    tcp
2001:db8::20  0     inet6   dgram     udp
2001:db8::20  0     inet6   raw       0" \
    beta "${CFG[@]}"
expect "table: scoped link-local shows the interface" 0 \
"ADDRESS     PORT  FAMILY  SOCKTYPE  PROTOCOL
fe80::1%lo  80    inet6   stream    tcp" \
    fe80::1%1 80 --socktype stream "${CFG[@]}"

expect "getent: hosts name" 0 \
"192.0.2.10      STREAM alpha.test
192.0.2.10      DGRAM  
192.0.2.10      RAW    " \
    alpha --flags canonname --format getent "${CFG[@]}"
expect "getent: scoped literal" 0 "fe80::1%1     STREAM " \
    fe80::1%lo 80 --socktype stream --format getent "${CFG[@]}"

expect "json: hosts name" 0 \
    '{"query":{"host":"alpha","service":"www","family":"unspec","socktype":"stream","protocol":0,"flags":["canonname"]},"results":[{"family":"inet","socktype":"stream","protocol":"tcp","address":"192.0.2.10","port":80,"canonname":"alpha.test"}]}' \
    alpha www --socktype stream --flags canonname --format json "${CFG[@]}"
expect "json: IPv6 literal with scope" 0 \
    '{"query":{"host":"fe80::1%lo","service":"80","family":"inet6","socktype":"dgram","protocol":"udp","flags":["numerichost","numericserv"]},"results":[{"family":"inet6","socktype":"dgram","protocol":"udp","address":"fe80::1","port":80,"flowinfo":0,"scope_id":1,"canonname":null}]}' \
    fe80::1%lo 80 -6 --socktype dgram --protocol udp --flags numerichost,NUMERICSERV \
    --format json "${CFG[@]}"
run nosuch.onion http --format json "${CFG[@]}"
if [ "$status" = 68 ] &&
    [ "$out" = '{"query":{"host":"nosuch.onion","service":"http","family":"unspec","socktype":0,"protocol":0,"flags":[]},"error":{"code":-2,"name":"EAI_NONAME","message":"Name or service not known"}}' ]; then
    ok "json: error document on stdout, exit 68"
else
    not_ok "json: error document on stdout, exit 68" "status $status" "$out"
fi
if [ -x "$PYTHON" ]; then
    # Every json document parses, success or failure.
    bad=0
    for args in "alpha www" "- 80 --flags passive" "nosuch.onion" "::1 80 --flags canonname"; do
        # shellcheck disable=SC2086
        "$GAIX" $args --format json "${CFG[@]}" 2>/dev/null |
            "$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); assert "query" in d' || bad=1
    done
    [ "$bad" = 0 ] && ok "json: documents parse with python's json" ||
        not_ok "json: documents parse with python's json"
fi

# NULL host and "*": the wildcard with passive, loopback without.
expect "python: NULL host, passive" 0 \
    "[(2, 1, 6, '', ('0.0.0.0', 8080)), (10, 1, 6, '', ('::', 8080, 0, 0))]" \
    - 8080 --socktype stream --flags passive --format python "${CFG[@]}" --policy glibc
expect "python: * host, passive" 0 \
    "[(2, 1, 6, '', ('0.0.0.0', 8080)), (10, 1, 6, '', ('::', 8080, 0, 0))]" \
    '*' 8080 --socktype stream --flags passive --format python "${CFG[@]}" --policy glibc

# --reverse: getnameinfo() through the test files, every format, and its errors.
expect "reverse table" 0 \
"HOST       SERVICE
localhost  www" \
    --reverse 127.0.0.1 80 "${CFG[@]}"
expect "reverse python: hosts name and service" 0 "('alpha.test', 'ftp')" \
    --reverse 192.0.2.10 21 --format python "${CFG[@]}"
expect "reverse python: options before, udp service" 0 "('beta.test', 'domain')" \
    --format python --ni-flags dgram --reverse "${CFG[@]}" 2001:db8::20 53
expect "reverse python: scoped link-local by name" 0 "('fe80::1%lo', 'www')" \
    --reverse fe80::1%lo 80 --format python "${CFG[@]}"
expect "reverse python: scope by index, numeric" 0 "('fe80::1%lo', '80')" \
    --reverse fe80::1%1 80 --ni-flags numerichost,numericserv --format python "${CFG[@]}"
expect "reverse python: no name, numeric host, port 0" 0 "('192.0.2.99', '0')" \
    --reverse 192.0.2.99 --format python "${CFG[@]}"
expect "reverse python: no services file" 0 "('localhost', '21')" \
    --reverse 127.0.0.1 21 --format python --hosts "$tmp/hosts" --services ""
expect "reverse json" 0 \
    '{"query":{"address":"2001:db8::20","port":53,"flags":["namereqd","dgram"]},"host":"beta.test","service":"domain"}' \
    --reverse 2001:db8::20 53 --ni-flags namereqd,DGRAM --format json "${CFG[@]}"
expect "reverse getent" 0 "192.0.2.10      alpha.test" \
    --reverse 192.0.2.10 80 --format getent "${CFG[@]}"
expect "reverse getent: no scope in the address" 0 "fe80::1         fe80::1%lo" \
    --reverse fe80::1%lo --format getent "${CFG[@]}"
expect_err "reverse namereqd without a name" 68 \
    "gaix: 192.0.2.99 80: Name or service not known (EAI_NONAME)" \
    --reverse 192.0.2.99 80 --ni-flags namereqd "${CFG[@]}"
run --reverse 192.0.2.99 80 --ni-flags namereqd --format json "${CFG[@]}"
if [ "$status" = 68 ] &&
    [ "$out" = '{"query":{"address":"192.0.2.99","port":80,"flags":["namereqd"]},"error":{"code":-2,"name":"EAI_NONAME","message":"Name or service not known"}}' ]; then
    ok "reverse json: error document on stdout, exit 68"
else
    not_ok "reverse json: error document on stdout, exit 68" "status $status" "$out"
fi
expect_err "reverse EAI_BADFLAGS" 64 "gaix: 127.0.0.1 0: Bad value for ai_flags (EAI_BADFLAGS)" \
    --reverse 127.0.0.1 --ni-flags 0x100 "${CFG[@]}"
expect_err "reverse: not a numeric address" 64 \
    "invalid address 'alpha' for --reverse (a numeric IPv4 or IPv6 address)" \
    --reverse alpha "${CFG[@]}"
expect_err "reverse: IPv4 with a scope" 64 "only an IPv6 address has a scope" \
    --reverse 192.0.2.10%lo "${CFG[@]}"
expect_err "reverse: unknown interface" 64 "invalid scope 'nosuchif0'" \
    --reverse fe80::1%nosuchif0 "${CFG[@]}"
expect_err "reverse: service name as port" 64 "invalid port 'http'" \
    --reverse 127.0.0.1 http "${CFG[@]}"
expect_err "reverse: port out of range" 64 "invalid port '65536'" --reverse 127.0.0.1 65536
expect_err "reverse: forward hints refused" 64 "option '--socktype' does not apply to --reverse" \
    --reverse 127.0.0.1 --socktype stream
expect_err "reverse: missing address" 64 "missing ADDRESS for --reverse" --reverse
expect_err "ni-flags without reverse" 64 "option '--ni-flags' needs --reverse" \
    127.0.0.1 --ni-flags dgram
expect_err "reverse: bad ni flag" 64 "invalid flag 'canonname' in --ni-flags" \
    --reverse 127.0.0.1 --ni-flags canonname
expect_err "reverse: missing hosts file" 64 "--hosts $tmp/nonexistent: No such file or directory" \
    --reverse 127.0.0.1 --hosts "$tmp/nonexistent"
run --help
[[ "$out" == *"--reverse"* ]] && [[ "$out" == *"--ni-flags LIST"* ]] && ok "--help shows --reverse" ||
    not_ok "--help shows --reverse"

# The DNS options, in --help with their values, and what the help says about them. None of these
# sends a packet: a numeric host needs no DNS, and the others are refused before any lookup.
help_text=$("$GAIX" --help)
for want in "--server ADDR[:PORT]" "[::1]:5353" "--resolv-conf FILE" "--timeout SECONDS" \
    "--attempts N" "--trace" "--no-dns"; do
    [[ "$help_text" == *"$want"* ]] && ok "--help mentions $want" ||
        not_ok "--help mentions $want"
done
expect_err "--timeout 0 refused" 64 "invalid value '0' for --timeout (1 to 30)" \
    127.0.0.1 --timeout 0
expect_err "--timeout 31 refused" 64 "invalid value '31' for --timeout (1 to 30)" \
    127.0.0.1 --timeout=31
expect_err "--attempts 6 refused" 64 "invalid value '6' for --attempts (1 to 5)" \
    127.0.0.1 --attempts 6
expect_err "a fourth --server refused" 64 "at most 3 --server options" 127.0.0.1 \
    --server 127.0.0.1 --server 127.0.0.2 --server 127.0.0.3 --server 127.0.0.4
expect_err "--no-dns takes no value" 64 "option '--no-dns' takes no value" 127.0.0.1 --no-dns=1
expect_err "missing resolv.conf" 64 "--resolv-conf $tmp/nonexistent: No such file or directory" \
    127.0.0.1 --resolv-conf "$tmp/nonexistent"
expect "--resolv-conf \"\" accepted" 0 "[(2, 1, 6, '', ('127.0.0.1', 80))]" \
    127.0.0.1 80 --socktype stream --format python --resolv-conf ""
run 127.0.0.1 80 --socktype stream --trace "${CFG[@]}"
[ "$status" = 0 ] && [[ "$err" == "gaix: trace: source numeric, "*" ms" ]] &&
    ok "--trace: a numeric host" || not_ok "--trace: a numeric host" "status $status" "$err"
run alpha 80 --socktype stream --trace "${CFG[@]}"
[ "$status" = 0 ] && [[ "$err" == "gaix: trace: source hosts, "*" ms" ]] &&
    ok "--trace: a hosts name" || not_ok "--trace: a hosts name" "status $status" "$err"
run nosuch.test 80 --trace "${CFG[@]}"
[ "$status" = 68 ] && [[ "$err" == "gaix: trace: source none, "*$'\n'"gaix: nosuch.test 80: "* ]] &&
    ok "--trace on failure, then the failure line" ||
    not_ok "--trace on failure, then the failure line" "status $status" "$err"
# --reverse --trace: where the host name came from (the DNS cases run in part 2).
run --reverse 192.0.2.10 80 --trace --format python "${CFG[@]}"
[ "$status" = 0 ] && [ "$out" = "('alpha.test', 'www')" ] &&
    [[ "$err" == "gaix: trace: source hosts, "*" ms" ]] && [[ "$err" != *$'\n'* ]] &&
    ok "--reverse --trace: a hosts name" ||
    not_ok "--reverse --trace: a hosts name" "status $status" "stdout: $out" "stderr: $err"
run --reverse 192.0.2.99 80 --trace --format python "${CFG[@]}"
[ "$status" = 0 ] && [ "$out" = "('192.0.2.99', 'www')" ] &&
    [[ "$err" == "gaix: trace: source numeric, "*" ms" ]] && [[ "$err" != *$'\n'* ]] &&
    ok "--reverse --trace: no name, the numeric form" ||
    not_ok "--reverse --trace: no name, the numeric form" "status $status" "stdout: $out" \
        "stderr: $err"
run --reverse 192.0.2.10 80 --trace --ni-flags numerichost "${CFG[@]}"
[ "$status" = 0 ] && [[ "$err" == "gaix: trace: source numeric, "*" ms" ]] &&
    ok "--reverse --trace: numerichost" ||
    not_ok "--reverse --trace: numerichost" "status $status" "stderr: $err"
run --reverse 192.0.2.99 80 --trace --ni-flags namereqd "${CFG[@]}"
[ "$status" = 68 ] &&
    [[ "$err" == "gaix: trace: source none, "*" ms"$'\n'"gaix: 192.0.2.99 80: "*"(EAI_NONAME)" ]] &&
    ok "--reverse --trace on failure, then the failure line" ||
    not_ok "--reverse --trace on failure, then the failure line" "status $status" "$err"
run --reverse 192.0.2.10 80 "${CFG[@]}"
[ "$status" = 0 ] && [ -z "$err" ] && ok "--reverse without --trace: nothing on stderr" ||
    not_ok "--reverse without --trace: nothing on stderr" "status $status" "$err"
# --no-dns after --server turns DNS off: no query, EAI_NONAME at once. (Were it ignored, the
# query would go to a closed port of 127.0.0.1 and end in EAI_AGAIN, still on loopback.)
out=$("$GAIX" nosuch.test 80 --hosts "$tmp/hosts" --resolv-conf "" --server 127.0.0.1:9 \
    --timeout 1 --attempts 1 --no-dns --trace 2>&1)
status=$?
[ "$status" = 68 ] && [[ "$out" != *"quer"* ]] && [[ "$out" == *"(EAI_NONAME)"* ]] &&
    ok "--no-dns after --server: no DNS" || not_ok "--no-dns after --server: no DNS" "$out"

# What the program sets wins over RES_OPTIONS (which itself wins over the system file): with
# --attempts 1, one A and one AAAA query, whatever RES_OPTIONS says. 127.0.0.1:9 is closed: each
# query fails at once (port unreachable), and the trace counts them. The trailing dot keeps the
# system file's search list out of it.
out=$(RES_OPTIONS="attempts:3" "$GAIX" nosuch.test. 80 --hosts "$tmp/hosts" --server 127.0.0.1:9 \
    --timeout 1 --attempts 1 --trace 2>&1)
[[ "$out" == *", 2 queries"* ]] && ok "--attempts wins over RES_OPTIONS" ||
    not_ok "--attempts wins over RES_OPTIONS" "$out"
out=$(RES_OPTIONS="attempts:3" "$GAIX" nosuch.test. 80 --hosts "$tmp/hosts" --server 127.0.0.1:9 \
    --timeout 1 --trace 2>&1)
[[ "$out" == *", 6 queries"* ]] && ok "RES_OPTIONS applies when the program sets nothing" ||
    not_ok "RES_OPTIONS applies when the program sets nothing" "$out"

# No drift: every option of the parser's table (tools/gaix/options.c) has an entry in --help, and
# every option with an entry in --help has one in the man page (docs/gaix.1, an option named
# after .TP); neither text names an option the other lacks. A mention in passing is no entry.
src=$(cd "$(dirname "$0")/../.." && pwd)
specs=$(sed -n '/^static const struct option_spec option_specs\[\] = {/,/^};/p' \
    "$src/tools/gaix/options.c")
parser_long=$(sed -n 's/^ *{"\([a-z0-9-]*\)", .*/\1/p' <<<"$specs" | sort -u)
parser_short=$(sed -n "s/^ *{[^,]*, '\\([^\\\\]\\)', .*/\\1/p" <<<"$specs" | sort -u)
# "  -4   ...", "  -h, --help   ...", "      --family FAMILY   ...": the part before the text.
help_entries=$(grep -E '^ {2}( {4})?-' <<<"$help_text" | sed -E 's/^ +//; s/  .*$//')
help_long=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help_entries" | sed 's/^--//' | sort -u)
help_short=$(grep -oE -- '(^|, )-[[:alnum:]]\b' <<<"$help_entries" | sed 's/^, //; s/^-//' |
    sort -u)
help_all_long=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$help_text" | sed 's/^--//' | sort -u)
man_entries=$(awk 'after_tp { print; after_tp = 0 } /^\.TP/ { after_tp = 1 }' \
    "$src/docs/gaix.1" | grep '^\.B' | tr -d '\\')
man_long=$(grep -o -- '--[a-z][a-z0-9-]*' <<<"$man_entries" | sed 's/^--//' | sort -u)
man_short=$(grep -oE -- '(^\.B[IR]? |" )-[[:alnum:]]\b' <<<"$man_entries" | sed 's/.*-//' |
    sort -u)
man_all_long=$(grep -o -- '\\-\\-[a-z][a-z0-9\\-]*' "$src/docs/gaix.1" | tr -d '\\' |
    sed 's/^--//' | grep -vx name | sort -u) # "--name value": the grammar's placeholder
# missing_from WANT HAVE: the words of WANT that HAVE lacks, on one line.
missing_from() { comm -23 <(echo "$1") <(echo "$2") | tr '\n' ' '; }
if [ "$(wc -l <<<"$parser_long")" -lt 15 ] || [ "$(wc -l <<<"$parser_short")" -lt 4 ]; then
    not_ok "the option table of options.c was read" "long: $parser_long" "short: $parser_short"
else
    missing="$(missing_from "$parser_long" "$help_long")$(missing_from "$parser_short" "$help_short")"
    [ -z "$missing" ] && ok "--help has an entry for every option the parser accepts" ||
        not_ok "--help has an entry for every option the parser accepts" "missing: $missing"
    extra=$(missing_from "$help_all_long" "$parser_long")
    [ -z "$extra" ] && ok "--help names no option the parser refuses" ||
        not_ok "--help names no option the parser refuses" "unknown: $extra"
    missing="$(missing_from "$help_long" "$man_long")$(missing_from "$help_short" "$man_short")"
    [ -z "$missing" ] && ok "gaix.1 has an entry for every option --help lists" ||
        not_ok "gaix.1 has an entry for every option --help lists" "missing: $missing"
    extra=$(missing_from "$man_all_long" "$help_long")
    [ -z "$extra" ] && ok "gaix.1 names no option --help lacks" ||
        not_ok "gaix.1 names no option --help lacks" "extra: $extra"
fi

# A lost write is a failure.
if [ -w /dev/full ]; then
    "$GAIX" 127.0.0.1 80 "${CFG[@]}" >/dev/full 2>"$tmp/stderr"
    status=$?
    if [ "$status" = 70 ] && grep -q "write error" "$tmp/stderr"; then
        ok "write error exits 70"
    else
        not_ok "write error exits 70" "status $status" "$(cat "$tmp/stderr")"
    fi
fi

# ---- part 2 ---------------------------------------------------------------------------------

skip_reason=""
if [ "$(id -u)" != 0 ]; then
    skip_reason="needs root (unshare -m -n)"
elif [ ! -x "$PYTHON" ]; then
    skip_reason="needs $PYTHON"
elif ! command -v getent >/dev/null || ! command -v ip >/dev/null ||
    ! command -v unshare >/dev/null; then
    skip_reason="needs getent, ip and unshare"
elif ! unshare -m -n true 2>/dev/null; then
    skip_reason="unshare -m -n is not permitted here"
fi
if [ -n "$skip_reason" ]; then
    echo "SKIPPED: comparison with python3 and getent in a namespace $skip_reason"
    if [ "${CI:-}" = true ]; then
        not_ok "namespace comparison must run in CI" "$skip_reason"
    fi
else
    unshare -m -n -- bash "$0" "$BUILD" --in-namespace "$tmp"
    if [ -r "$tmp/namespace.counts" ]; then
        read -r ns_pass ns_fail <"$tmp/namespace.counts"
        pass=$((pass + ns_pass))
        fail=$((fail + ns_fail))
    else
        not_ok "namespace run reported its counts"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
