#!/bin/bash
# The shim in the real world, in the "dual" network of tests/preload/preload_lib.sh:
#
#   threads   threads_prog: 16 threads resolving, freeing whole lists and sub-lists, reading
#             addresses back with getnameinfo(); every answer for a name must equal the first
#             one; with and without the shim.
#   fork      fork_prog: 50 children forked while 4 threads resolve; each child resolves and frees
#             the parent's list; under the shim (glibc itself can hang in such a child).
#   anl       anl_prog: getaddrinfo_a() (glibc's, which the shim does not replace) under the shim,
#             its lists (and a sub-list) freed with freeaddrinfo(), gaix's lists freed in between;
#             proof that the lists are glibc's: getaddrinfo_a("foo.localhost") fails where
#             getaddrinfo() succeeds. Under valgrind --leak-check=full --error-exitcode=1 when
#             valgrind is installed (a sanitizer build checks memory itself instead).
#   setuid    a setuid-root copy of shim_probe_prog run by uid 65534 with LD_PRELOAD set: the
#             loader runs it in secure mode and ignores the shim, and the program still resolves
#             (through the C library: foo.localhost is not found). The control, the same copy
#             without the setuid bit, loads the shim.
#
# Usage: test_robust.sh BUILD_DIR. Needs root; without it says SKIPPED (fails under CI=true).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/preload_lib.sh"
prog_timeout=300 # seconds per program run (valgrind is slow)

# run_prog LABEL EXPECT_RC COMMAND...: one verdict; the output is shown on failure only.
run_prog() {
    local label=$1 want=$2 out rc
    shift 2
    out=$("$@" 2>&1)
    rc=$?
    if [ "$rc" = "$want" ]; then
        ok
        echo "ok: $label: $(grep -E '^(threads|children|failures|workers)' <<<"$out" | tr '\n' ' ')"
    else
        fail "$label: exit $rc (want $want):"$'\n'"$(tail -n 40 <<<"$out")"
    fi
    last_out=$out
}

inner() {
    ns_net_setup dual || { fail "network setup"; return; }
    ns_fixture_files "$work" && ns_etc_setup "$work" || { fail "bind mounts over /etc"; return; }
    local t=$build/tests

    # Threads and sub-lists.
    run_prog "threads without the shim" 0 timeout $prog_timeout "$t/threads_prog" 2000 60
    run_prog "threads under the shim" 0 with_shim timeout $prog_timeout "$t/threads_prog" 2000 60

    # Fork. Under the shim only: with glibc a child forked while other threads resolve can hang
    # on a lock one of them held (POSIX allows only async-signal-safe calls in such a child; on
    # this machine about 1 child in 7 hangs), and each hang costs the child's 10 s alarm.
    # A sanitizer build forks without the threads: the AddressSanitizer runtime's allocator (gcc
    # 12) has no fork handlers, so a child can hang on its lock whoever the caller is.
    if preload_is_asan; then
        run_prog "fork under the shim (sanitizer build: no threads)" 0 with_shim \
            timeout $prog_timeout "$t/fork_prog" 50 0
    else
        run_prog "fork under the shim" 0 with_shim timeout $prog_timeout "$t/fork_prog" 50 4
    fi

    # glibc's lists freed through the shim.
    run_prog "getaddrinfo_a without the shim" 0 timeout $prog_timeout "$t/anl_prog"
    if preload_is_asan; then
        # The sanitizer aborts on a free of memory that was not allocated as freed.
        run_prog "getaddrinfo_a under the shim (sanitizer build)" 0 with_shim \
            timeout $prog_timeout "$t/anl_prog"
    elif command -v valgrind >/dev/null; then
        # valgrind.supp: one report that glibc's own exit-time cleanup causes, with or without
        # the shim. Leaks are never suppressed.
        local valgrind=(valgrind -q --leak-check=full --error-exitcode=1
                        --suppressions="$preload_here/valgrind.supp")
        run_prog "getaddrinfo_a without the shim, valgrind" 0 timeout $prog_timeout \
            "${valgrind[@]}" "$t/anl_prog"
        run_prog "getaddrinfo_a under the shim, valgrind" 0 env LD_PRELOAD="$shim" \
            timeout $prog_timeout "${valgrind[@]}" "$t/anl_prog"
    else
        echo "note: valgrind is not installed: anl_prog runs without the leak check"
        run_prog "getaddrinfo_a under the shim" 0 with_shim timeout $prog_timeout "$t/anl_prog"
    fi
    check "getaddrinfo_a under the shim: gaix was loaded [$last_out]" grep -qx 'gaix: loaded' <<<"$last_out"
    check "getaddrinfo_a under the shim: glibc's own lists (foo.localhost not found by getaddrinfo_a, found by getaddrinfo) [$last_out]" \
        grep -q '^foo.localhost: getaddrinfo_a Name or service not known (0 entries), getaddrinfo ok' <<<"$last_out"

    # setuid: a tmpfs of our own, mounted without nosuid, for the copies.
    local dir=$work/suid
    mkdir -p "$dir" && mount -t tmpfs -o mode=0755,suid,exec tmpfs "$dir" || { fail "tmpfs for setuid"; return; }
    cp "$t/shim_probe_prog" "$dir/probe-suid" && cp "$t/shim_probe_prog" "$dir/probe-plain" &&
        cp "$shim" "$dir/libgaix-preload.so" || { fail "copies for setuid"; return; }
    chown root:root "$dir/probe-suid" "$dir/probe-plain" "$dir/libgaix-preload.so"
    chmod 4755 "$dir/probe-suid"
    chmod 0755 "$dir/probe-plain"
    chmod 0644 "$dir/libgaix-preload.so"
    local pre=$dir/libgaix-preload.so asan out
    asan=$(ldd "$shim" 2>/dev/null | awk '/libasan/ {print $3; exit}')
    [ -n "$asan" ] && pre=$asan:$pre
    local as_nobody=(timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups env)
    out=$("${as_nobody[@]}" LD_PRELOAD="$pre" ASAN_OPTIONS=detect_leaks=0 "$dir/probe-plain" web.test foo.localhost 2>&1)
    check "setuid control: a plain copy run by uid 65534 loads the shim [$out]" grep -qx 'gaix: loaded .*' <<<"$out"
    out=$("${as_nobody[@]}" LD_PRELOAD="$pre" ASAN_OPTIONS=detect_leaks=0 "$dir/probe-suid" web.test foo.localhost 2>&1)
    echo "setuid run: $(tr '\n' '|' <<<"$out")"
    check "setuid: secure mode [$out]" grep -qx 'secure: 1' <<<"$out"
    check "setuid: the loader ignored the shim [$out]" grep -qx 'gaix: not loaded' <<<"$out"
    check "setuid: the program still resolves web.test [$out]" grep -q '^web.test: 127.0.0.1 canon web.test$' <<<"$out"
    check "setuid: through the C library (foo.localhost not found) [$out]" grep -q '^foo.localhost: error -2 ' <<<"$out"
    umount "$dir"
}

ns_dispatch "$@"
preload_require "$@"
command -v setpriv >/dev/null || { echo "FAIL: setpriv is missing (util-linux)"; echo "0 passed, 1 failed"; exit 1; }
ns_workdir
ns_run "-m -n"
echo "== total"
summary
