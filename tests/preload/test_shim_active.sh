#!/bin/bash
# The shim is really in effect, and exports what it should.
#
# Outside the namespace: libgaix-preload.so exports getaddrinfo, freeaddrinfo, gai_strerror and
# getnameinfo with the very symbol versions the system C library gives them, and nothing else but
# gaix_*. Inside (tests/preload/preload_lib.sh, "dual" network): a name only gaix resolves
# (foo.localhost, RFC 6761; glibc says not found: DIFF-LOCALHOST) resolves under
# LD_PRELOAD=BUILD/libgaix-preload.so for getent, Python and a C program, and not without it; the
# C program sees gaix loaded (dlsym(RTLD_DEFAULT, "gaix_version")) only with the shim, and
# gai_strerror() says the same with and without it.
#
# Usage: test_shim_active.sh BUILD_DIR. Needs root; without it says SKIPPED (fails under CI=true).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/preload_lib.sh"
run_timeout=60 # seconds for any one program

inner() {
    local out
    ns_net_setup dual || { fail "network setup"; return; }
    ns_fixture_files "$work" && ns_etc_setup "$work" || { fail "bind mounts over /etc"; return; }
    local probe=$build/tests/shim_probe_prog

    # getent: foo.localhost only with the shim.
    local rc
    out=$(timeout $run_timeout getent ahosts foo.localhost)
    rc=$?
    check "getent ahosts foo.localhost without the shim: want exit 2 and nothing, got $rc [$out]" \
        test "$rc" = 2 -a -z "$out"
    out=$(with_shim timeout $run_timeout getent ahosts foo.localhost)
    rc=$?
    check "getent ahosts foo.localhost under the shim: exit $rc" test "$rc" = 0
    check "getent ahosts foo.localhost under the shim: the canonical name on the first line [$out]" \
        grep -q '^[0-9a-f:.]* *STREAM foo.localhost$' <<<"$(head -n 1 <<<"$out")"
    check "getent ahosts foo.localhost under the shim: 127.0.0.1 [$out]" grep -q '^127.0.0.1 ' <<<"$out"
    check "getent ahosts foo.localhost under the shim: ::1 [$out]" grep -q '^::1 ' <<<"$out"

    # Python: socket.getaddrinfo("foo.localhost").
    local py='import socket
try:
    print(sorted({ai[4][0] for ai in socket.getaddrinfo("foo.localhost", 80)}))
except socket.gaierror as e:
    print("gaierror", e)'
    out=$(timeout $run_timeout /usr/bin/python3 -c "$py" 2>&1)
    check "python3 without the shim: want gaierror, got [$out]" \
        test "$out" = "gaierror [Errno -2] Name or service not known"
    out=$(with_shim timeout $run_timeout /usr/bin/python3 -c "$py" 2>&1)
    check "python3 under the shim: want ['127.0.0.1', '::1'], got [$out]" \
        test "$out" = "['127.0.0.1', '::1']"

    # A C program: is gaix loaded, and what does it resolve?
    out=$(timeout $run_timeout "$probe" foo.localhost 2>&1)
    check "probe without the shim: gaix must not be loaded [$out]" grep -qx 'gaix: not loaded' <<<"$out"
    check "probe without the shim: foo.localhost must fail [$out]" \
        grep -q '^foo.localhost: error -2 ' <<<"$out"
    out=$(with_shim timeout $run_timeout "$probe" foo.localhost web.test 2>&1)
    check "probe under the shim: gaix must be loaded [$out]" grep -qx 'gaix: loaded [0-9.]*' <<<"$out"
    check "probe under the shim: foo.localhost -> 127.0.0.1 [$out]" \
        grep -q '^foo.localhost: 127.0.0.1' <<<"$out"
    check "probe under the shim: canonical name foo.localhost [$out]" \
        grep -q '^foo.localhost: .* canon foo.localhost$' <<<"$out"
    check "probe under the shim: web.test -> 127.0.0.1 [$out]" grep -q '^web.test: 127.0.0.1 canon web.test$' <<<"$out"

    # gai_strerror(): the same text for every code, with and without the shim.
    local a b
    a=$(timeout $run_timeout "$probe" --strerror | grep '^gai_strerror')
    b=$(with_shim timeout $run_timeout "$probe" --strerror | grep '^gai_strerror')
    check "gai_strerror: 126 codes printed [$(wc -l <<<"$a")]" test "$(wc -l <<<"$a")" = 126
    if [ "$a" = "$b" ]; then
        ok
    else
        fail "gai_strerror differs with the shim (< C library, > shim):"$'\n'"$(diff <(echo "$a") <(echo "$b"))"
    fi
}

ns_dispatch "$@"
preload_require "$@"

# ---- outside: the exported symbols ------------------------------------------------------------
libc=$(ldd "$build/tests/shim_probe_prog" | awk '/libc\.so\.6/ {print $3; exit}')
exports=$(objdump -T "$shim" | awk '$2 == "g" && $4 != "*UND*" && $4 != "*ABS*" {print $NF, $(NF-1)}' | sort)
for f in getaddrinfo freeaddrinfo gai_strerror getnameinfo; do
    want=$(objdump -T "$libc" | awk -v f="$f" '$NF == f && $(NF-1) !~ /^\(/ {print $(NF-1)}')
    got=$(awk -v f="$f" '$1 == f {print $2}' <<<"$exports")
    check "$f: the shim exports version [$got], the C library [$want]" test -n "$want" -a "$got" = "$want"
done
others=$(awk '$1 !~ /^gaix_/ && $1 !~ /^(getaddrinfo|freeaddrinfo|gai_strerror|getnameinfo)$/' <<<"$exports")
check "the shim exports nothing but the four and gaix_*: [$others]" test -z "$others"
check "the shim exports gaix_version" grep -q '^gaix_version ' <<<"$exports"
ns_workdir
ns_run "-m -n"
echo "== total"
summary
