#!/bin/bash
# The case catalogue of test_dns_gaix.sh again, every getaddrinfo case through the async API:
# gaix_resolve() on the context's engine, whose UDP flights go through io_uring where the kernel
# offers it (src/engine/ring.h) and through sockets of their own where it does not. Same cases,
# same expectations (CPU bounds with more slack, below), same known failures; the files go to
# BUILD_DIR/tests/dns_gaix_async/.
#
#   bash tests/dns/test_dns_gaix_async.sh BUILD_DIR [CASE...]
#
# CPU bounds (max_cpu_ms, W08 and the like) get twice the slack: one lookup through the async API
# also pays for its engine rounds (a poll, an epoll_wait and an io_uring_enter per answer),
# ~0.4 ms in the plain build and several in the sanitizer build; the bounds are there to catch
# blow-ups (a pointer loop costs seconds), which 10x still does.
export GAIX_CASE_ASYNC=1 DNS_GAIX_WORK=dns_gaix_async
export GX_DNS_CPU_SLACK=${GX_DNS_CPU_SLACK:-10}
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/test_dns_gaix.sh" "$@"
