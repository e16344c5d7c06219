#!/bin/bash
# The case catalogue tests/dns/cases/, checked without root and without any network: every file
# loads and uses only the documented fields, every DNS case of TEST-VECTORS 5.1-5.5 has a file,
# and fakedns accepts every server's instructions and builds every reply they describe
# (tests/dns/validate_cases.py). Running the servers for real is test_dns_servers.sh's job.
#
#   bash tests/dns/test_dns_cases.sh BUILD_DIR      (BUILD_DIR is not used)
#
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -x /usr/bin/python3 ]; then
    echo "FAIL: /usr/bin/python3 is missing (scripts/deps.sh check installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi
out=$(timeout 120 /usr/bin/python3 "$here/validate_cases.py" 2>&1)
rc=$?
echo "$out"
p=$(grep -c '^PASS ' <<<"$out")
f=$(grep -c '^FAIL ' <<<"$out")
if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    echo "FAIL: validate_cases.py exited with status $rc"
    f=1
fi
echo "$p passed, $f failed"
[ "$f" = 0 ]
