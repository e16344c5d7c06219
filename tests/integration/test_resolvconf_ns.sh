#!/bin/bash
# resolv.conf read by gaix and by the system libc, side by side: inside a fresh `unshare -m -n -u`
# namespace, each case's text is written to a file bind-mounted over /etc/resolv.conf, and
# tests/resolvconf_ns_prog prints what glibc's res_ninit() makes of it next to what
# gx_resolvconf_parse() makes of the same bytes, with the same LOCALDOMAIN, RES_OPTIONS and
# host name (see the program for the form of its lines). Each case says either that both agree
# on every field, or on which fields they differ and how: those are gaix's deliberate
# differences (listed in src/config/resolvconf.c), each checked so that it stays deliberate.
# The expected libc values are glibc 2.36's. No packet is sent: res_ninit() only reads the file,
# and the namespace has no network but its own loopback.
#
#   bash tests/integration/test_resolvconf_ns.sh BUILD_DIR
#
# Needs root (mount and UTS namespaces): without it, prints SKIPPED and succeeds, except under
# CI=true, where it fails. Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
set -f # values are compared as words: never expand them as file names

BUILD=${1:?usage: test_resolvconf_ns.sh BUILD_DIR}
PROG="$BUILD/tests/resolvconf_ns_prog"

# ---- outside: one namespace for all cases ----------------------------------------------------
if [ -z "${GX_RESOLVCONF_INSIDE:-}" ]; then
    refuse() {
        if [ "${CI:-}" = "true" ]; then
            echo "FAIL: $1 (CI=true: not skipping)"
            echo "0 passed, 1 failed"
            exit 1
        fi
        echo "SKIPPED: $1"
        exit 0
    }
    [ "$(id -u)" = 0 ] || refuse "needs root for mount namespaces"
    unshare -m -n -u true 2>/dev/null || refuse "needs root for namespaces (unshare -m -n -u failed)"
    if [ ! -x "$PROG" ]; then
        echo "FAIL: $PROG is not built"
        echo "0 passed, 1 failed"
        exit 1
    fi
    out=$(GX_RESOLVCONF_INSIDE=1 timeout 300 unshare -m -n -u bash "$0" "$BUILD" 2>&1)
    rc=$?
    echo "$out"
    p=$(grep -c '^PASS ' <<<"$out")
    f=$(grep -c '^FAIL ' <<<"$out")
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        echo "FAIL: the namespace exited with status $rc"
        f=1
    fi
    echo "$p passed, $f failed"
    [ "$f" = 0 ]
    exit
fi

# ---- inside the namespace ----------------------------------------------------------------------
work=$(mktemp -d /tmp/gaix-resolvconf.XXXXXX)
trap 'rm -rf "$work"' EXIT
conf="$work/resolv.conf"
: >"$conf"
# The file is rewritten in place for each case (same inode), so the one bind mount shows it.
if ! mount --bind "$conf" /etc/resolv.conf; then
    echo "FAIL: cannot bind-mount over /etc/resolv.conf"
    exit 1
fi
ip link set lo up 2>/dev/null
HOST=box

FIELDS="ns search ndots timeout attempts opts"
field() { # line name -> value
    local f
    for f in $1; do
        [ "${f%%=*}" = "$2" ] && { echo "${f#*=}"; return; }
    done
    echo "(missing)"
}

# Writes the text (printf %b escapes), runs the program -> $libc, $gaix.
run_case() { # text [VAR=value...]
    local text=$1
    shift
    printf '%b' "$text" >"$conf"
    hostname "$HOST"
    local out
    out=$(env -u LOCALDOMAIN -u RES_OPTIONS "$@" "$PROG" 2>&1)
    libc=$(sed -n 's/^libc //p' <<<"$out")
    gaix=$(sed -n 's/^gaix //p' <<<"$out")
    if [ -z "$libc" ] || [ -z "$gaix" ]; then
        libc="(program failed: $out)"
        gaix=""
    fi
}

# Both read the text the same way.
same() { # name text [VAR=value...]
    local name=$1 text=$2
    shift 2
    run_case "$text" "$@"
    if [ "$libc" = "$gaix" ]; then
        echo "PASS $name: $gaix"
    else
        echo "FAIL $name: libc and gaix differ"
        echo "     libc: $libc"
        echo "     gaix: $gaix"
    fi
}

# They differ, on the fields given and only there: "field=LIBC|GAIX ...".
differs() { # name text specs [VAR=value...]
    local name=$1 text=$2 specs=$3
    shift 3
    run_case "$text" "$@"
    local ok=1 why="" f spec want_libc want_gaix listed
    for f in $FIELDS; do
        listed=""
        for spec in $specs; do
            [ "${spec%%=*}" = "$f" ] && listed=${spec#*=}
        done
        if [ -n "$listed" ]; then
            want_libc=${listed%%|*}
            want_gaix=${listed#*|}
            if [ "$(field "$libc" "$f")" != "$want_libc" ]; then
                ok=0
                why="$why libc $f is not '$want_libc';"
            fi
            if [ "$(field "$gaix" "$f")" != "$want_gaix" ]; then
                ok=0
                why="$why gaix $f is not '$want_gaix';"
            fi
        elif [ "$(field "$libc" "$f")" != "$(field "$gaix" "$f")" ]; then
            ok=0
            why="$why $f differs;"
        fi
    done
    if [ "$ok" = 1 ]; then
        echo "PASS $name (deliberate difference: $specs)"
    else
        echo "FAIL $name:$why"
        echo "     libc: $libc"
        echo "     gaix: $gaix"
    fi
}

long=$(head -c 5000 /dev/zero | tr '\0' x)
l300=$(head -c 300 /dev/zero | tr '\0' a)
l63=$(head -c 63 /dev/zero | tr '\0' b)
n250="$l63.$l63.$l63.$(head -c 58 /dev/zero | tr '\0' c)" # a valid name of 250 characters

# ---- the same reading --------------------------------------------------------------------------
same typical 'nameserver 192.0.2.1\nnameserver 2001:db8::1\nsearch a.test b.test\noptions ndots:3 timeout:2 attempts:3 rotate edns0\n'
same kubernetes_pod 'search default.svc.cluster.local svc.cluster.local cluster.local us-east-1.compute.internal\nnameserver 10.96.0.10\noptions ndots:5\n'
same systemd_stub 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n'
same F04_empty ''
same F04_comments_only '# a comment\n; another\n\n   \n\t\n'
same F05_first_three 'nameserver 192.0.2.1\nnameserver 2001:db8::2\nnameserver 192.0.2.3\nnameserver 2001:db8::4\nnameserver 192.0.2.5\nnameserver 192.0.2.6\nnameserver 192.0.2.7\nnameserver 192.0.2.8\n'
same F05_refused_take_no_place 'nameserver example.com\nnameserver 192.0.2.1\nnameserver 999.1.1.1\nnameserver 192.0.2.2\n'
same F06_trailing_garbage 'nameserver 192.0.2.1 garbage\n'
same F06_port_refused 'nameserver 192.0.2.2:5353\n'
same F06_bad_octet 'nameserver 999.1.1.1\n'
same F06_name_refused 'nameserver example.com\n'
same F06_aton_short 'nameserver 127.1\n'
same F06_aton_octal 'nameserver 010.0.0.1\n'
same F06_aton_hex 'nameserver 0x7f.1\n'
same F06_aton_one_number 'nameserver 3221225985\n'
same F06_v4mapped 'nameserver ::ffff:192.0.2.1\n'
same F06_scope_on_ipv4 'nameserver 192.0.2.1%1\n'
same F07_scope_name 'nameserver fe80::1%lo\n'
same F07_scope_number 'nameserver fe80::1%1\n'
same F07_scope_number_global 'nameserver 2001:db8::1%3\n'
same F08_clamps 'options ndots:99 timeout:999 attempts:999\n'
same F08_at_clamps 'options ndots:15 timeout:30 attempts:5\n'
same F08_zero_ndots 'options ndots:0\n'
same F08_leading_zero 'options ndots:05 timeout:07\n'
same F09_six_entries 'search a1.test a2.test a3.test a4.test a5.test a6.test\n'
same F09_eight_entries 'search a1.test a2.test a3.test a4.test a5.test a6.test a7.test a8.test\n'
same F10_domain_after_search 'search a.test\ndomain b.test\n'
same F10_search_after_domain 'domain b.test\nsearch c.test d.test\n'
same F10_domain_first_word 'domain a.test b.test\n'
same F10_empty_search_ignored 'search a.test\nsearch\n'
same F10_options_accumulate 'options rotate ndots:3\noptions edns0 timeout:2\noptions ndots:4\n'
same F12_junk_lines '\xff\xfe\xfd\nnameserver 192.0.2.1\n\x01\x02\n'
same F12_nul_first '\0nameserver 192.0.2.9\nnameserver 192.0.2.1\n'
same F12_junk_address 'nameserver \xff\nnameserver 192.0.2.7\xff\n'
same F13_no_final_newline 'nameserver 192.0.2.1\nsearch a.test'
same F14_comments 'nameserver 192.0.2.1\n#nameserver 192.0.2.9\n;nameserver 192.0.2.8\n# search x.test\n'
same F14_indented_ignored '  nameserver 192.0.2.9\n\tsearch a.test\n options rotate\n'
same F14_tabs 'nameserver\t192.0.2.1\nsearch\ta.test\t\tb.test\noptions\trotate\tedns0\n'
same F14_keyword_needs_blank 'nameserver\v192.0.2.1\nnameservers 192.0.2.2\nNAMESERVER 192.0.2.3\nsearchx a.test\n'
same F14_comment_after_nameserver 'nameserver 192.0.2.1 # main\n'
same F15_every_option 'options rotate edns0 use-vc no-aaaa single-request single-request-reopen trust-ad no-tld-query\n'
same F15_no_tld_query_underscore 'options no_tld_query\n'
same F15_unknown_options 'options foo rotate bar:1 inet6 debug edns0\n'
same F15_unknown_keywords 'lookup file bind\nfamily inet4\nnameserver 192.0.2.1\n'
same F15_sortlist 'sortlist 130.155.160.0/255.255.240.0 130.155.0.0\nsortlist 1.2.3.4/ x ;junk\nnameserver 192.0.2.1\n'
same F16_res_options_after_file 'options ndots:2 timeout:3\n' RES_OPTIONS='ndots:4 rotate'
same F16_localdomain 'search a.test\n' LOCALDOMAIN='x.test y.test'
same F16_localdomain_tabs 'domain a.test\n' LOCALDOMAIN=$'x.test\ty.test'
same F16_localdomain_newline 'search a.test\n' LOCALDOMAIN=$'x.test\ny.test'
same S06_root_entry 'search . a.test\n'
same S06_leading_dot 'search .a.test\n'
same S06_final_dot 'search a.test. b.test\n'
HOST=box.example.org
same F01_host_domain 'nameserver 192.0.2.1\n'
same F01_host_domain_not_over_search 'search a.test\n'
same F01_host_domain_not_over_localdomain 'nameserver 192.0.2.1\n' LOCALDOMAIN='x.test'
HOST=box

# Texts that glibc 2.36's res_ninit() cannot read at all. gaix alone is checked; what glibc
# does is reported, not judged, so that a fixed glibc does not fail the test.
gaix_alone() { # name text want [VAR=value...]
    local name=$1 text=$2 want=$3 out rc
    shift 3
    printf '%b' "$text" >"$conf"
    hostname "$HOST"
    out=$(env -u LOCALDOMAIN -u RES_OPTIONS "$@" timeout 10 "$PROG" gaix 2>&1)
    if [ "$out" = "gaix $want" ]; then
        echo "PASS $name: $want"
    else
        echo "FAIL $name: got '$out', want 'gaix $want'"
    fi
    out=$(env -u LOCALDOMAIN -u RES_OPTIONS "$@" timeout 2 "$PROG" libc 2>&1)
    rc=$?
    case $rc in
    0) echo "     note: glibc read this text: $out" ;;
    124) echo "     note: glibc's res_ninit() did not finish within 2 s on this text" ;;
    *) echo "     note: glibc's res_ninit() failed (status $rc): $(head -n 1 <<<"$out")" ;;
    esac
}
# F15: sortlist: glibc's cursor stops for good on a '/' or '&' that follows anything but a valid
# IPv4 address (so an IPv6 prefix such as "2001:db8::/32" hangs every lookup of every program),
# and on a byte above 0x7f.
gaix_alone F15_sortlist_slash 'sortlist /\nnameserver 192.0.2.1\n' 'ns=192.0.2.1 search= ndots=1 timeout=5 attempts=2 opts='
gaix_alone F15_sortlist_ampersand 'sortlist 10.0.0.0 &255.0.0.0\nnameserver 192.0.2.1\n' 'ns=192.0.2.1 search= ndots=1 timeout=5 attempts=2 opts='
gaix_alone F15_sortlist_ipv6_prefix 'sortlist 2001:db8::/32\nnameserver 192.0.2.1\n' 'ns=192.0.2.1 search= ndots=1 timeout=5 attempts=2 opts='
gaix_alone F15_sortlist_bad_address 'nameserver 192.0.2.1\nsortlist 999.1.1.1/99\n' 'ns=192.0.2.1 search= ndots=1 timeout=5 attempts=2 opts='
gaix_alone F15_sortlist_8bit 'sortlist \xff/\xff&;;//&&\noptions rotate\n' 'ns=127.0.0.1 search= ndots=1 timeout=5 attempts=2 opts=rotate'
# F09: a search entry that does not fit the 256 bytes of struct __res_state's defdname makes
# glibc's update_from_conf() fail its assertion: every program that looks a name up aborts.
gaix_alone F09_overlong_entry "search a.test $l300 b.test\n" 'ns=127.0.0.1 search=a.test,b.test ndots=1 timeout=5 attempts=2 opts='
gaix_alone F09_overlong_only "search $l300\n" 'ns=127.0.0.1 search= ndots=1 timeout=5 attempts=2 opts='
# The same with a valid name: 7 + 251 bytes do not fit 256.
gaix_alone F09_long_valid_name "search a.test $n250\n" "ns=127.0.0.1 search=a.test,$n250 ndots=1 timeout=5 attempts=2 opts="

# ---- the deliberate differences ----------------------------------------------------------------
# F07: a scope that names nothing: glibc keeps the server with scope 0, gaix skips the line.
differs F07_scope_unknown_name 'nameserver fe80::1%nosuchif\n' 'ns=fe80::1|127.0.0.1'
differs F07_scope_too_big 'nameserver fe80::1%99999999999\n' 'ns=fe80::1|127.0.0.1'
differs F07_scope_empty 'nameserver fe80::1%\n' 'ns=fe80::1|127.0.0.1'
# F08: glibc's strtol, stored into an int and a 4-bit field; gaix: digits only, no wrap, and a
# bad number changes nothing.
differs F08_ndots_negative 'options ndots:-1\n' 'ndots=15|1'
differs F08_ndots_letters 'options ndots:abc\n' 'ndots=0|1'
differs F08_ndots_wraps 'options ndots:4294967296\n' 'ndots=0|15'
differs F08_ndots_space 'options ndots: 3\n' 'ndots=3|1'
differs F08_ndots_suffix 'options ndots:3abc\n' 'ndots=3|1'
differs F08_ndots_keeps_earlier 'options ndots:4\noptions ndots:abc\n' 'ndots=0|4'
# F08: glibc stores 0 (res_send then waits 1 s; with attempts 0 it sends nothing at all).
differs F08_timeout_zero 'options timeout:0\n' 'timeout=0|1'
differs F08_attempts_zero 'options attempts:0\n' 'attempts=0|1'
differs F08_timeout_negative 'options timeout:-3 attempts:-1\n' 'timeout=-3|5 attempts=-1|2'
# F09: glibc keeps any word.
differs F09_invalid_entry 'search a.test \x01bad b.test\n' 'search=a.test,\x01bad,b.test|a.test,b.test'
# F11: glibc keeps the '\r' of a CRLF line.
differs F11_crlf 'nameserver 192.0.2.1\r\nsearch a.test\r\noptions rotate\r\n' 'ns=127.0.0.1|192.0.2.1 search=a.test\x0d|a.test'
# Words: glibc splits on spaces and tabs only, gaix on any C-locale white space.
differs F14_vertical_tab 'search a.test\vb.test\n' 'search=a.test\x0bb.test|a.test,b.test'
# F12: glibc reads a line up to its NUL; gaix skips a line that holds one.
differs F12_nul_inside 'nameserver 192.0.2.1\0junk\n' 'ns=192.0.2.1|127.0.0.1'
# F13: glibc reads lines of any length; gaix skips a line over 4 KiB whole.
differs F13_long_line "nameserver 192.0.2.5 $long\n" 'ns=192.0.2.5|127.0.0.1'
# F14: a word starting with '#' or ';' is a comment for gaix; glibc reads on.
differs F14_comment_in_search 'search a.test # office\n' 'search=a.test,#,office|a.test'
differs F14_comment_in_options 'options rotate # edns0\n' 'opts=rotate,edns0|rotate'
# F15: glibc matches option names by prefix.
differs F15_option_prefix 'options rotatexyz edns0=1\n' 'opts=rotate,edns0|'
# F16: LOCALDOMAIN's empty words: glibc makes them root entries, gaix skips them (the same
# names are searched); junk in RES_OPTIONS changes nothing in gaix.
differs F16_localdomain_empty 'search a.test\n' 'search=.|' LOCALDOMAIN=''
differs F16_localdomain_leading_blank 'search a.test\n' 'search=.,x.test|x.test' LOCALDOMAIN=' x.test'
differs F16_res_options_junk 'options ndots:2\n' 'ndots=0|2' RES_OPTIONS=$'ndots:abc \x01 rotate'
