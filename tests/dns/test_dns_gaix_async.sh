#!/bin/bash
# The case catalogue of test_dns_gaix.sh again, every getaddrinfo case through the async API:
# gaix_resolve() on the context's engine, whose UDP flights go through io_uring where the kernel
# offers it (src/engine/ring.h) and through sockets of their own where it does not. Same cases,
# same expectations, same known failures; the files go to BUILD_DIR/tests/dns_gaix_async/.
#
#   bash tests/dns/test_dns_gaix_async.sh BUILD_DIR [CASE...]
export GAIX_CASE_ASYNC=1 DNS_GAIX_WORK=dns_gaix_async
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/test_dns_gaix.sh" "$@"
