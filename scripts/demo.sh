#!/usr/bin/env bash
# make demo: replays the session of ../shared/SEED.md ("Asking getaddrinfo() About Services") with
# gaix, offline. Each step shows the Python call of the session, then the same question asked with
# the gaix CLI in Python's format and in gaix's table. Names that need DNS arrive with the DNS
# resolver; until then the session's questions are asked about localhost.
set -u
build=${1:-build}
gaix="$build/gaix"
[ -x "$gaix" ] || { echo "demo: $gaix is missing; run make first" >&2; exit 1; }

extra=()
if ! grep -qE '^ftp[[:space:]]' /etc/services 2>/dev/null ||
   ! grep -qE '^http[[:space:]].*\bwww\b' /etc/services 2>/dev/null; then
    echo "(this machine has no usable /etc/services: using demo/services)"
    extra=(--services demo/services)
fi

step() { # python-call gaix-args...
    local py=$1
    shift
    echo ">>> $py"
    echo "\$ gaix $* --format python"
    "$gaix" "$@" "${extra[@]}" --format python
    echo "\$ gaix $*"
    "$gaix" "$@" "${extra[@]}"
    echo
}

echo "== The session of SEED.md, asked of gaix $("$gaix" --version | cut -d' ' -f2) =="
echo
step "getaddrinfo('localhost', 'ftp', 0, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG | socket.AI_V4MAPPED)" \
    localhost ftp --socktype stream --flags addrconfig,v4mapped
step "getaddrinfo('localhost', 'www', 0, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG | socket.AI_V4MAPPED)" \
    localhost www --socktype stream --flags addrconfig,v4mapped
step "getaddrinfo('localhost', 'www', 0, socket.SOCK_STREAM, 0)" \
    localhost www --socktype stream
echo "localhost answers with the addresses /etc/hosts gives it (::1 and 127.0.0.1 when it lists"
echo "both), and AI_ADDRCONFIG never hides localhost, a numeric address or the local host itself"
echo "in gaix (docs/DIFFERENCES.md): the answer is the same with and without the flags."
echo "Listening instead of connecting: no host, AI_PASSIVE, every socket type:"
step "getaddrinfo(None, 'www', 0, 0, 0, socket.AI_PASSIVE)" - www --flags passive
