#!/bin/bash
# test_async_dns.sh again with GAIX_NO_IO_URING set: the async engine's UDP flights on sockets of
# their own, as on a kernel without io_uring (src/engine/ring.h), against the same NSD.
#
#   bash tests/dns/test_async_dns_sockets.sh BUILD_DIR
export GAIX_NO_IO_URING=1
exec bash "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/test_async_dns.sh" "$@"
